/*
 * verdict.c - the directory entries found to match nothing (verdict.h).
 *
 * Every field of a slot is read and written with __atomic builtins, so
 * that a reader racing a writer reads whole words, never undefined
 * values; the sequence number says whether what it read belongs together
 * (Boehm, "Can seqlocks get along with programming language memory
 * models?", 2012: relaxed data, fences on both sides).
 */
#include "verdict.h"

#include <stdlib.h>
#include <string.h>

/* One cache line.  gen 0 is never current, so a zeroed slot is empty. */
typedef struct pg_verdict_slot {
    uint32_t seq;       /* odd while being written */
    uint32_t csnlen;
    uint64_t gen;
    uint64_t eid;
    uint64_t csn[PG_VERDICT_CSN_WORDS];
} pg_verdict_slot;

_Static_assert(PG_VERDICT_CSN_WORDS * 8 == PG_VERDICT_CSN_MAX,
               "a key holds a whole CSN, in the words pg_slot_holds reads");
_Static_assert(sizeof(pg_verdict_slot) == 64, "a slot is one cache line");

struct pg_verdicts {
    uint64_t         gen;    /* current generation, from 1 */
    int              stopped;
    size_t           mask;   /* slots - 1 */
    pg_verdict_slot *slot;
};

pg_verdicts *
pg_verdicts_new(size_t nslots)
{
    pg_verdicts *v;
    size_t n = 1;

    if (nslots == 0 || nslots > PG_VERDICT_MAX_SLOTS)
        return NULL;
    while (n < nslots)
        n <<= 1;
    v = calloc(1, sizeof(*v));
    if (v == NULL)
        return NULL;
    v->slot = aligned_alloc(64, n * sizeof(pg_verdict_slot));
    if (v->slot == NULL) {
        free(v);
        return NULL;
    }
    memset(v->slot, 0, n * sizeof(pg_verdict_slot));
    v->mask = n - 1;
    v->gen = 1;
    return v;
}

void
pg_verdicts_free(pg_verdicts *v)
{
    if (v == NULL)
        return;
    free(v->slot);
    free(v);
}

size_t
pg_verdicts_slots(const pg_verdicts *v)
{
    return v == NULL ? 0 : v->mask + 1;
}

/* stopped is read after gen: pg_verdicts_stop sets it before it moves gen
 * on, so whoever reads the new generation sees it stopped. */
uint64_t
pg_verdicts_gen(const pg_verdicts *v)
{
    uint64_t gen;

    if (v == NULL)
        return 0;
    gen = __atomic_load_n(&v->gen, __ATOMIC_ACQUIRE);
    if (__atomic_load_n(&v->stopped, __ATOMIC_RELAXED))
        return 0;
    return gen;
}

void
pg_verdicts_forget(pg_verdicts *v)
{
    if (v != NULL)
        (void)__atomic_add_fetch(&v->gen, 1, __ATOMIC_ACQ_REL);
}

int
pg_verdicts_stop(pg_verdicts *v)
{
    int was;

    if (v == NULL)
        return 0;
    was = __atomic_exchange_n(&v->stopped, 1, __ATOMIC_RELAXED);
    pg_verdicts_forget(v);   /* release: publishes stopped with gen */
    return !was;
}

/* Whether the slot's words equal k's and gen (relaxed reads; the caller
 * checks the sequence number around them). */
static int
pg_slot_holds(const pg_verdict_slot *sl, const pg_verdict_key *k,
              uint64_t gen)
{
    uint64_t diff;

    if (__atomic_load_n(&sl->eid, __ATOMIC_RELAXED) != k->eid ||
        __atomic_load_n(&sl->gen, __ATOMIC_RELAXED) != gen ||
        __atomic_load_n(&sl->csnlen, __ATOMIC_RELAXED) != k->csnlen)
        return 0;
    /* PG_VERDICT_CSN_WORDS words, written out: no loop on the hot path */
    diff = (__atomic_load_n(&sl->csn[0], __ATOMIC_RELAXED) ^ k->csn[0]) |
           (__atomic_load_n(&sl->csn[1], __ATOMIC_RELAXED) ^ k->csn[1]) |
           (__atomic_load_n(&sl->csn[2], __ATOMIC_RELAXED) ^ k->csn[2]) |
           (__atomic_load_n(&sl->csn[3], __ATOMIC_RELAXED) ^ k->csn[3]) |
           (__atomic_load_n(&sl->csn[4], __ATOMIC_RELAXED) ^ k->csn[4]);
    return diff == 0;
}

int
pg_verdict_clean(const pg_verdicts *v, const pg_verdict_key *k)
{
    const pg_verdict_slot *sl;
    uint64_t gen;
    uint32_t s1, s2;

    if (v == NULL)
        return 0;
    gen = __atomic_load_n(&v->gen, __ATOMIC_ACQUIRE);
    sl = &v->slot[k->eid & v->mask];
    s1 = __atomic_load_n(&sl->seq, __ATOMIC_ACQUIRE);
    if ((s1 & 1) != 0 || !pg_slot_holds(sl, k, gen))
        return 0;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    s2 = __atomic_load_n(&sl->seq, __ATOMIC_RELAXED);
    return s1 == s2;
}

void
pg_verdict_set_clean(pg_verdicts *v, const pg_verdict_key *k, uint64_t gen)
{
    pg_verdict_slot *sl;
    uint32_t s;
    int i;

    if (v == NULL || gen == 0)
        return;
    sl = &v->slot[k->eid & v->mask];
    s = __atomic_load_n(&sl->seq, __ATOMIC_RELAXED);
    /* another thread writes this slot: let it */
    if ((s & 1) != 0 ||
        !__atomic_compare_exchange_n(&sl->seq, &s, s + 1, 0,
                                     __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        return;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&sl->eid, k->eid, __ATOMIC_RELAXED);
    __atomic_store_n(&sl->gen, gen, __ATOMIC_RELAXED);
    __atomic_store_n(&sl->csnlen, (uint32_t)k->csnlen, __ATOMIC_RELAXED);
    for (i = 0; i < PG_VERDICT_CSN_WORDS; i++)
        __atomic_store_n(&sl->csn[i], k->csn[i], __ATOMIC_RELAXED);
    __atomic_store_n(&sl->seq, s + 2, __ATOMIC_RELEASE);
}
