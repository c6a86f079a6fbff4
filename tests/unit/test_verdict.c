/*
 * test_verdict.c - the overlay's table of entries found to match nothing
 * (slapd-overlay/verdict.c).
 *
 * A verdict must be found only for the very key it was stored under: the
 * same entry ID, the same entryCSN byte for byte, the generation current.
 * The last test has threads store two keys that differ only in the second
 * half of their CSN into one slot, over and over, while other threads look
 * up the key made of the first half of one and the second half of the
 * other: a reader that took half a slot from each write would find it.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "verdict.h"

#define CSN_A "20261204153000.000001Z#000000#000#000000"
#define CSN_B "20261204153000.000002Z#000000#000#000000"

static pg_verdict_key
key_of(uint64_t eid, const char *csn)
{
    pg_verdict_key k;

    assert_int_equal(pg_verdict_key_make(&k, eid, csn, strlen(csn)), 0);
    return k;
}

static void
test_sizes(void **state)
{
    pg_verdicts *v;

    (void)state;
    assert_null(pg_verdicts_new(0));
    assert_null(pg_verdicts_new((size_t)PG_VERDICT_MAX_SLOTS + 1));
    v = pg_verdicts_new(1);
    assert_non_null(v);
    assert_int_equal(pg_verdicts_slots(v), 1);
    pg_verdicts_free(v);
    v = pg_verdicts_new(1000);
    assert_non_null(v);
    assert_int_equal(pg_verdicts_slots(v), 1024);
    pg_verdicts_free(v);
    assert_int_equal(pg_verdicts_slots(NULL), 0);
    pg_verdicts_free(NULL);
}

static void
test_key_make(void **state)
{
    pg_verdict_key k;
    char longer[PG_VERDICT_CSN_MAX + 2];

    (void)state;
    assert_int_equal(pg_verdict_key_make(&k, 0, CSN_A, 40), -1);
    assert_int_equal(pg_verdict_key_make(&k, UINT64_MAX, CSN_A, 40), -1);
    assert_int_equal(pg_verdict_key_make(&k, 7, NULL, 40), -1);
    assert_int_equal(pg_verdict_key_make(&k, 7, CSN_A, 0), -1);
    memset(longer, '1', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    assert_int_equal(pg_verdict_key_make(&k, 7, longer, PG_VERDICT_CSN_MAX + 1), -1);
    assert_int_equal(pg_verdict_key_make(&k, 7, longer, PG_VERDICT_CSN_MAX), 0);
    assert_int_equal(k.eid, 7);
    assert_int_equal(k.csnlen, PG_VERDICT_CSN_MAX);
    /* a short CSN is zero-padded: no stale bytes take part */
    assert_int_equal(pg_verdict_key_make(&k, 7, "abc", 3), 0);
    assert_int_equal(k.csn[0], 0x636261ULL);
    assert_int_equal(k.csn[1] | k.csn[2] | k.csn[3] | k.csn[4], 0);
}

static void
test_store_and_find(void **state)
{
    pg_verdicts *v = pg_verdicts_new(16);
    pg_verdict_key a = key_of(5, CSN_A), b = key_of(5, CSN_B);
    pg_verdict_key other = key_of(5 + 16, CSN_A);   /* the same slot */
    pg_verdict_key prefix;

    (void)state;
    assert_non_null(v);
    assert_int_equal(pg_verdict_clean(v, &a), 0);   /* empty */
    pg_verdict_set_clean(v, &a, pg_verdicts_gen(v));
    assert_int_equal(pg_verdict_clean(v, &a), 1);
    /* the entry written since (a new entryCSN) is not clean */
    assert_int_equal(pg_verdict_clean(v, &b), 0);
    /* the same bytes, one shorter */
    assert_int_equal(pg_verdict_key_make(&prefix, 5, CSN_A, 39), 0);
    assert_int_equal(pg_verdict_clean(v, &prefix), 0);
    /* another entry in the same slot: not clean, and it evicts */
    assert_int_equal(pg_verdict_clean(v, &other), 0);
    pg_verdict_set_clean(v, &other, pg_verdicts_gen(v));
    assert_int_equal(pg_verdict_clean(v, &other), 1);
    assert_int_equal(pg_verdict_clean(v, &a), 0);
    pg_verdicts_free(v);
}

/* Two entries remembered clean under the first generation. */
typedef struct two_clean {
    pg_verdicts   *v;
    pg_verdict_key a, b;
    uint64_t       g;
} two_clean;

static int
two_clean_setup(void **state)
{
    static two_clean t;

    t.v = pg_verdicts_new(64);
    if (t.v == NULL)
        return -1;
    t.a = key_of(1, CSN_A);
    t.b = key_of(2, CSN_B);
    t.g = pg_verdicts_gen(t.v);
    pg_verdict_set_clean(t.v, &t.a, t.g);
    pg_verdict_set_clean(t.v, &t.b, t.g);
    *state = &t;
    return 0;
}

static int
two_clean_teardown(void **state)
{
    two_clean *t = *state;

    pg_verdicts_free(t->v);
    return 0;
}

static void
test_forget(void **state)
{
    two_clean *t = *state;
    pg_verdicts *v = t->v;
    pg_verdict_key a = t->a, b = t->b;
    uint64_t g = t->g;

    assert_true(g != 0);
    assert_int_equal(pg_verdict_clean(v, &a), 1);
    assert_int_equal(pg_verdict_clean(v, &b), 1);
    pg_verdicts_forget(v);
    assert_true(pg_verdicts_gen(v) != g);
    assert_int_equal(pg_verdict_clean(v, &a), 0);
    assert_int_equal(pg_verdict_clean(v, &b), 0);
    /* a check begun before the forget stores under the old generation:
     * never found */
    pg_verdict_set_clean(v, &a, g);
    assert_int_equal(pg_verdict_clean(v, &a), 0);
    /* generation 0 is never current */
    pg_verdict_set_clean(v, &b, 0);
    assert_int_equal(pg_verdict_clean(v, &b), 0);
    pg_verdict_set_clean(v, &a, pg_verdicts_gen(v));
    assert_int_equal(pg_verdict_clean(v, &a), 1);
}

static void
test_stop(void **state)
{
    two_clean *t = *state;
    pg_verdicts *v = t->v;
    pg_verdict_key a = t->a, b = t->b;
    uint64_t g = t->g;

    assert_int_equal(pg_verdict_clean(v, &a), 1);
    assert_int_equal(pg_verdicts_stop(v), 1);
    assert_int_equal(pg_verdicts_stop(v), 0);   /* logged once */
    assert_int_equal(pg_verdict_clean(v, &a), 0);
    assert_int_equal(pg_verdicts_gen(v), 0);
    /* a check begun before the stop, or after it: never stored */
    pg_verdict_set_clean(v, &a, g);
    pg_verdict_set_clean(v, &b, pg_verdicts_gen(v));
    assert_int_equal(pg_verdict_clean(v, &a), 0);
    assert_int_equal(pg_verdict_clean(v, &b), 0);
    assert_int_equal(pg_verdicts_stop(NULL), 0);
}

static void
test_disabled(void **state)
{
    pg_verdict_key a = key_of(1, CSN_A);

    (void)state;
    assert_int_equal(pg_verdicts_gen(NULL), 0);
    pg_verdicts_forget(NULL);
    pg_verdict_set_clean(NULL, &a, 1);
    assert_int_equal(pg_verdict_clean(NULL, &a), 0);
}

/* ------------------------------------------------------------ threads */

#define WRITERS     3
#define READERS     3
#define ROUNDS      400000

typedef struct race {
    pthread_barrier_t start;      /* all threads begin together */
    pg_verdicts   *v;
    pg_verdict_key a, b, mixed_ab, mixed_ba;
    uint64_t       gen;
    int            writers_left;  /* readers go on until it is 0 */
    unsigned long  false_finds;   /* must stay 0 */
    unsigned long  finds;         /* a or b found: the readers saw keys */
} race;

static void *
race_writer(void *arg)
{
    race *r = arg;
    int i;

    (void)pthread_barrier_wait(&r->start);
    for (i = 0; i < ROUNDS; i++)
        pg_verdict_set_clean(r->v, (i & 1) ? &r->b : &r->a, r->gen);
    __atomic_sub_fetch(&r->writers_left, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void *
race_reader(void *arg)
{
    race *r = arg;
    unsigned long bad = 0, good = 0;
    int i;

    (void)pthread_barrier_wait(&r->start);
    /* for as long as any writer writes: a writer preempted in the middle
     * of a write leaves the slot unreadable for a whole time slice, and on
     * a loaded machine a reader may see nothing else while they run */
    for (i = 0; i < ROUNDS ||
                __atomic_load_n(&r->writers_left, __ATOMIC_ACQUIRE) > 0; i++) {
        bad += (unsigned long)pg_verdict_clean(r->v, &r->mixed_ab);
        bad += (unsigned long)pg_verdict_clean(r->v, &r->mixed_ba);
        good += (unsigned long)pg_verdict_clean(r->v, (i & 1) ? &r->a : &r->b);
    }
    /* the writers are done: the slot holds one whole key, a or b */
    good += (unsigned long)pg_verdict_clean(r->v, &r->a);
    good += (unsigned long)pg_verdict_clean(r->v, &r->b);
    __atomic_add_fetch(&r->false_finds, bad, __ATOMIC_RELAXED);
    __atomic_add_fetch(&r->finds, good, __ATOMIC_RELAXED);
    return NULL;
}

static void
test_no_torn_reads(void **state)
{
    /* two CSNs that differ in their first and their last word */
    static const char csn_a[] = "20261204153000.000001Z#000000#000#000001";
    static const char csn_b[] = "20261204153000.000009Z#000000#000#000009";
    pthread_t th[WRITERS + READERS];
    race r;
    int i;

    (void)state;
    memset(&r, 0, sizeof(r));
    r.v = pg_verdicts_new(4);
    assert_non_null(r.v);
    r.gen = pg_verdicts_gen(r.v);
    r.a = key_of(3, csn_a);
    r.b = key_of(3, csn_b);
    r.mixed_ab = r.a;
    r.mixed_ab.csn[PG_VERDICT_CSN_WORDS - 1] = r.b.csn[PG_VERDICT_CSN_WORDS - 1];
    r.mixed_ba = r.b;
    r.mixed_ba.csn[PG_VERDICT_CSN_WORDS - 1] = r.a.csn[PG_VERDICT_CSN_WORDS - 1];
    assert_true(memcmp(r.mixed_ab.csn, r.a.csn, sizeof(r.a.csn)) != 0);
    assert_true(memcmp(r.mixed_ab.csn, r.b.csn, sizeof(r.b.csn)) != 0);
    /* the slot holds a whole key from the start, and again once the
     * writers are done, when every reader looks once more (finds > 0
     * whatever the scheduling) */
    pg_verdict_set_clean(r.v, &r.a, r.gen);
    r.writers_left = WRITERS;
    assert_int_equal(pthread_barrier_init(&r.start, NULL, WRITERS + READERS), 0);

    for (i = 0; i < WRITERS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, race_writer, &r), 0);
    for (i = 0; i < READERS; i++)
        assert_int_equal(pthread_create(&th[WRITERS + i], NULL, race_reader, &r), 0);
    for (i = 0; i < WRITERS + READERS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);

    assert_int_equal(pthread_barrier_destroy(&r.start), 0);
    assert_int_equal(r.false_finds, 0);
    assert_true(r.finds > 0);
    /* what the writers left is one whole key */
    assert_true(pg_verdict_clean(r.v, &r.a) + pg_verdict_clean(r.v, &r.b) == 1);
    pg_verdicts_free(r.v);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_key_make),
        cmocka_unit_test(test_store_and_find),
        cmocka_unit_test_setup_teardown(test_forget, two_clean_setup,
                                        two_clean_teardown),
        cmocka_unit_test_setup_teardown(test_stop, two_clean_setup,
                                        two_clean_teardown),
        cmocka_unit_test(test_disabled),
        cmocka_unit_test(test_no_torn_reads),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
