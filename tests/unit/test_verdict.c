/*
 * test_verdict.c - the overlay's table of entries found to match nothing
 * (slapd-overlay/verdict.c).
 *
 * A verdict must be found only for the very key it was stored under: the
 * same entry ID, the same entryCSN byte for byte, the generation current;
 * or by the ID alone in the very snapshot it was last seen clean in.
 * The last test has threads store two keys of one slot, over and over,
 * while other threads look up keys made of parts of each (the first half
 * of one CSN and the second half of the other; the ID of one and the
 * snapshot of the other), and move one key's snapshot on while the slot
 * may be rewritten: a reader that took part of a slot from each write, or
 * a move that landed on the other key, would find one.
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

/* A key in no known snapshot (0). */
static pg_verdict_key
key_of(uint64_t eid, const char *csn)
{
    pg_verdict_key k;

    assert_int_equal(pg_verdict_key_make(&k, eid, 0, csn, strlen(csn)), 0);
    return k;
}

static pg_verdict_key
key_in(uint64_t eid, uint64_t snap, const char *csn)
{
    pg_verdict_key k;

    assert_int_equal(pg_verdict_key_make(&k, eid, snap, csn, strlen(csn)), 0);
    return k;
}

/* The key of eid in snap, with no CSN: what a search has before it looks
 * for the entryCSN. */
static pg_verdict_key
id_in(uint64_t eid, uint64_t snap)
{
    pg_verdict_key k;

    memset(&k, 0xa5, sizeof(k));   /* no CSN: its words must not matter */
    assert_int_equal(pg_verdict_key_id(&k, eid, snap), 0);
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
    char nul[PG_VERDICT_CSN_MAX];

    (void)state;
    assert_int_equal(pg_verdict_key_make(&k, 0, 0, CSN_A, 40), -1);
    assert_int_equal(pg_verdict_key_make(&k, UINT64_MAX, 0, CSN_A, 40), -1);
    /* a slot holds 32 bits of an ID */
    assert_int_equal(pg_verdict_key_make(&k, (uint64_t)UINT32_MAX, 0, CSN_A, 40), -1);
    assert_int_equal(pg_verdict_key_make(&k, (uint64_t)1 << 32, 0, CSN_A, 40), -1);
    assert_int_equal(pg_verdict_key_make(&k, PG_VERDICT_EID_MAX, 9, CSN_A, 40), 0);
    assert_int_equal(k.eid, PG_VERDICT_EID_MAX);
    assert_int_equal(k.snap, 9);
    assert_int_equal(pg_verdict_key_make(&k, 7, 0, NULL, 40), -1);
    assert_int_equal(pg_verdict_key_make(&k, 7, 0, CSN_A, 0), -1);
    memset(longer, '1', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    assert_int_equal(pg_verdict_key_make(&k, 7, 0, longer, PG_VERDICT_CSN_MAX + 1), -1);
    assert_int_equal(pg_verdict_key_make(&k, 7, 0, longer, PG_VERDICT_CSN_MAX), 0);
    assert_int_equal(k.eid, 7);
    assert_int_equal(k.snap, 0);
    /* a short CSN is zero-padded: no stale bytes take part */
    assert_int_equal(pg_verdict_key_make(&k, 7, 0, "abc", 3), 0);
    assert_int_equal(k.csn[0], 0x636261ULL);
    assert_int_equal(k.csn[1] | k.csn[2] | k.csn[3] | k.csn[4], 0);
    /* a NUL would make "abc\0" and "abc" one padded key: refused */
    assert_int_equal(pg_verdict_key_make(&k, 7, 0, "abc\0", 4), -1);
    assert_int_equal(pg_verdict_key_make(&k, 7, 0, "a\0c", 3), -1);
    memcpy(nul, CSN_A, sizeof(nul));
    nul[PG_VERDICT_CSN_MAX - 1] = '\0';
    assert_int_equal(pg_verdict_key_make(&k, 7, 0, nul, PG_VERDICT_CSN_MAX), -1);
    /* inside a whole one, a NUL is told apart by the last byte */
    nul[PG_VERDICT_CSN_MAX - 1] = '0';
    nul[3] = '\0';
    assert_int_equal(pg_verdict_key_make(&k, 7, 0, nul, PG_VERDICT_CSN_MAX), 0);
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
    assert_int_equal(pg_verdict_key_make(&prefix, 5, 0, CSN_A, 39), 0);
    assert_int_equal(pg_verdict_clean(v, &prefix), 0);
    /* another entry in the same slot: not clean, and it evicts */
    assert_int_equal(pg_verdict_clean(v, &other), 0);
    pg_verdict_set_clean(v, &other, pg_verdicts_gen(v));
    assert_int_equal(pg_verdict_clean(v, &other), 1);
    assert_int_equal(pg_verdict_clean(v, &a), 0);
    pg_verdicts_free(v);
}

/* The verdict of an entry in the snapshot it was last seen clean in is
 * found by its ID; in any other, by its CSN, which then moves the
 * snapshot on. */
static void
test_snapshot(void **state)
{
    pg_verdicts *v = pg_verdicts_new(16);
    pg_verdict_key a = key_in(5, 100, CSN_A);
    pg_verdict_key same_later = key_in(5, 130, CSN_A);
    pg_verdict_key written = key_in(5, 130, CSN_B);
    pg_verdict_key other = key_in(5 + 16, 100, CSN_A);   /* the same slot */
    pg_verdict_key unknown = key_of(5, CSN_A);

    (void)state;
    assert_non_null(v);
    assert_int_equal(pg_verdict_clean_in_snapshot(v, &a), 0);   /* empty */
    pg_verdict_set_clean(v, &a, pg_verdicts_gen(v));
    assert_int_equal(pg_verdict_clean_in_snapshot(v, &a), 1);
    {
        pg_verdict_key id = id_in(5, 100);

        assert_int_equal(pg_verdict_clean_in_snapshot(v, &id), 1);
    }
    /* another snapshot: the ID alone says nothing */
    {
        pg_verdict_key id = id_in(5, 130), none = id_in(5, 0),
                       before = id_in(5, 99);

        assert_int_equal(pg_verdict_clean_in_snapshot(v, &id), 0);
        assert_int_equal(pg_verdict_clean_in_snapshot(v, &none), 0);
        assert_int_equal(pg_verdict_clean_in_snapshot(v, &before), 0);
    }
    /* another entry of the same slot, in the same snapshot: no */
    {
        pg_verdict_key id = id_in(5 + 16, 100);

        assert_int_equal(pg_verdict_clean_in_snapshot(v, &id), 0);
    }
    /* the entry written since: its new CSN is not clean, and the slot
     * keeps its snapshot */
    assert_int_equal(pg_verdict_clean(v, &written), 0);
    assert_int_equal(pg_verdict_clean_in_snapshot(v, &written), 0);
    assert_int_equal(pg_verdict_clean_in_snapshot(v, &a), 1);
    /* the same CSN in a later snapshot (a write elsewhere): clean, and
     * from then on found by the ID in that snapshot */
    assert_int_equal(pg_verdict_clean_in_snapshot(v, &same_later), 0);
    assert_int_equal(pg_verdict_clean(v, &same_later), 1);
    assert_int_equal(pg_verdict_clean_in_snapshot(v, &same_later), 1);
    assert_int_equal(pg_verdict_clean_in_snapshot(v, &a), 0);
    /* found by the CSN with no snapshot known: the slot's stays */
    assert_int_equal(pg_verdict_clean(v, &unknown), 1);
    assert_int_equal(pg_verdict_clean_in_snapshot(v, &same_later), 1);
    /* stored with no snapshot known: found by the CSN only */
    pg_verdict_set_clean(v, &unknown, pg_verdicts_gen(v));
    assert_int_equal(pg_verdict_clean_in_snapshot(v, &same_later), 0);
    assert_int_equal(pg_verdict_clean(v, &unknown), 1);
    /* a forget: not by the ID either */
    pg_verdict_set_clean(v, &a, pg_verdicts_gen(v));
    assert_int_equal(pg_verdict_clean_in_snapshot(v, &a), 1);
    pg_verdicts_forget(v);
    assert_int_equal(pg_verdict_clean_in_snapshot(v, &a), 0);
    assert_int_equal(pg_verdict_clean(v, &a), 0);
    /* another entry evicts: not by the ID */
    pg_verdict_set_clean(v, &a, pg_verdicts_gen(v));
    pg_verdict_set_clean(v, &other, pg_verdicts_gen(v));
    assert_int_equal(pg_verdict_clean_in_snapshot(v, &a), 0);
    assert_int_equal(pg_verdict_clean_in_snapshot(v, &other), 1);
    assert_int_equal(pg_verdict_clean_in_snapshot(NULL, &a), 0);
    pg_verdicts_free(v);
}

/* A snapshot moved on only onto the slot as it was read: if another
 * verdict was stored in between, the move is dropped. */
static void
test_restamp_only_unchanged(void **state)
{
    pg_verdicts *v = pg_verdicts_new(16);
    pg_verdict_key a = key_in(5, 100, CSN_A), a_later = key_in(5, 200, CSN_A);
    pg_verdict_key b = key_in(5, 150, CSN_B);   /* the entry, written */
    uint32_t seen;

    (void)state;
    assert_non_null(v);
    pg_verdict_set_clean(v, &a, pg_verdicts_gen(v));
    seen = __atomic_load_n(&v->slot[5].seq, __ATOMIC_ACQUIRE);
    pg_verdict_set_clean(v, &b, pg_verdicts_gen(v));   /* in between */
    pg_verdict_restamp(v, &a_later, seen);
    /* b stays as stored, with its own snapshot */
    assert_int_equal(pg_verdict_clean_in_snapshot(v, &a_later), 0);
    assert_int_equal(pg_verdict_clean_in_snapshot(v, &b), 1);
    assert_int_equal(pg_verdict_clean(v, &b), 1);
    /* with the slot as read, it moves */
    seen = __atomic_load_n(&v->slot[5].seq, __ATOMIC_ACQUIRE);
    {
        pg_verdict_key b_later = key_in(5, 300, CSN_B);

        pg_verdict_restamp(v, &b_later, seen);
        assert_int_equal(pg_verdict_clean_in_snapshot(v, &b_later), 1);
        assert_int_equal(pg_verdict_clean(v, &b_later), 1);
    }
    /* never onto "no snapshot" */
    seen = __atomic_load_n(&v->slot[5].seq, __ATOMIC_ACQUIRE);
    {
        pg_verdict_key none = key_of(5, CSN_B), b_later = key_in(5, 300, CSN_B);

        pg_verdict_restamp(v, &none, seen);
        assert_int_equal(pg_verdict_clean_in_snapshot(v, &b_later), 1);
    }
    pg_verdict_restamp(NULL, &a, 0);
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
    pg_verdict_key a_id, b_id;            /* by ID in their snapshots */
    pg_verdict_key a_in_b, b_in_a;        /* ID of one, snapshot of other */
    pg_verdict_key a_later;               /* a seen again in snapshot 30 */
    pg_verdict_key b_in_later;            /* b's ID in snapshot 30 */
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
        bad += (unsigned long)pg_verdict_clean_in_snapshot(r->v, &r->a_in_b);
        bad += (unsigned long)pg_verdict_clean_in_snapshot(r->v, &r->b_in_a);
        /* moves a's snapshot on when the slot holds a; b never gets it */
        (void)pg_verdict_clean(r->v, &r->a_later);
        bad += (unsigned long)pg_verdict_clean_in_snapshot(r->v, &r->b_in_later);
        good += (unsigned long)pg_verdict_clean(r->v, (i & 1) ? &r->a : &r->b);
        good += (unsigned long)pg_verdict_clean_in_snapshot(
            r->v, (i & 1) ? &r->b_id : &r->a_id);
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
    /* two entries of one slot (4 slots), each in a snapshot of its own */
    r.a = key_in(3, 10, csn_a);
    r.b = key_in(7, 20, csn_b);
    r.a_id = id_in(3, 10);
    r.b_id = id_in(7, 20);
    r.a_in_b = id_in(3, 20);
    r.b_in_a = id_in(7, 10);
    r.a_later = key_in(3, 30, csn_a);
    r.b_in_later = id_in(7, 30);
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
        cmocka_unit_test(test_snapshot),
        cmocka_unit_test(test_restamp_only_unchanged),
        cmocka_unit_test_setup_teardown(test_forget, two_clean_setup,
                                        two_clean_teardown),
        cmocka_unit_test_setup_teardown(test_stop, two_clean_setup,
                                        two_clean_teardown),
        cmocka_unit_test(test_disabled),
        cmocka_unit_test(test_no_torn_reads),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
