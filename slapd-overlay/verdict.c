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
