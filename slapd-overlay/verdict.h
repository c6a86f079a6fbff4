/*
 * verdict.h - the directory entries found to match nothing, remembered.
 *
 * Most entries a search returns match nothing, and the same ones come back
 * again and again (an address book searched by name, a phone list).
 * Checking an entry's values costs about 1,400 instructions; finding its
 * verdict here about 100.
 *
 * An entry is named by its back-mdb ID and its entryCSN.  back-mdb keeps an
 * entry's ID for the entry's life and gives a new entry a new one, and
 * slapd gives an entry a new entryCSN on every write (lastmod on), so the
 * pair names one content of one entry.  A verdict also carries the
 * generation it was found under; the generation moves on with every new
 * registry, every change of configuration and every write that may keep an
 * entryCSN, which forgets all verdicts at once.  Only "matched nothing" is
 * remembered, so a verdict missing or forgotten costs a full check, never
 * a warning.
 *
 * No lock: each slot is a sequence lock.  A writer that finds the slot
 * being written gives up (the verdict is not remembered); a reader that
 * sees the slot change under it takes it as absent.  Direct-mapped by ID.
 *
 * Nothing here knows slapd, so that the unit tests can drive it.
 */
#ifndef PG_VERDICT_H
#define PG_VERDICT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* An entryCSN is 40 bytes (YYYYmmddHHMMSS.uuuuuuZ#cccccc#sid#mmmmmm). */
#define PG_VERDICT_CSN_MAX   40
#define PG_VERDICT_CSN_WORDS 5   /* PG_VERDICT_CSN_MAX / 8 */

#define PG_VERDICT_DEFAULT_SLOTS 65536
#define PG_VERDICT_MAX_SLOTS     (1u << 22)   /* 256 MiB */

typedef struct pg_verdict_key {
    uint64_t eid;
    uint64_t csnlen;
    uint64_t csn[PG_VERDICT_CSN_WORDS];   /* zero-padded */
} pg_verdict_key;

/* The table.  Its layout is here, not in verdict.c, only so that the
 * lookup (pg_verdict_clean, below) is inlined where every entry a search
 * returns passes: everything else goes through the functions. */

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

typedef struct pg_verdicts {
    uint64_t         gen;    /* current generation, from 1 */
    int              stopped;
    size_t           mask;   /* slots - 1 */
    pg_verdict_slot *slot;
} pg_verdicts;

/* A table of nslots (1 to PG_VERDICT_MAX_SLOTS, rounded up to a power of
 * two) empty slots, or NULL when out of memory. */
pg_verdicts *pg_verdicts_new(size_t nslots);
void         pg_verdicts_free(pg_verdicts *v);
size_t       pg_verdicts_slots(const pg_verdicts *v);

/* Fills k; -1 when the entry cannot be named (ID 0 or all ones, no CSN or
 * one longer than PG_VERDICT_CSN_MAX).  Inline: it runs for every entry a
 * search returns, and a call costs as much as the copy. */
static inline int
pg_verdict_key_make(pg_verdict_key *k, uint64_t eid, const char *csn,
                    size_t csnlen)
{
    if (eid == 0 || eid == UINT64_MAX || csn == NULL || csnlen == 0 ||
        csnlen > PG_VERDICT_CSN_MAX)
        return -1;
    if (csnlen == PG_VERDICT_CSN_MAX) {
        memcpy(k->csn, csn, PG_VERDICT_CSN_MAX);   /* the usual */
    } else {
        memset(k->csn, 0, sizeof(k->csn));
        memcpy(k->csn, csn, csnlen);
    }
    k->eid = eid;
    k->csnlen = csnlen;
    return 0;
}

/* The generation to pass to pg_verdict_set_clean: read it before the check
 * whose verdict is stored, under the same registry.  0 once stopped. */
uint64_t pg_verdicts_gen(const pg_verdicts *v);

/* Forgets every verdict (a new generation). */
void pg_verdicts_forget(pg_verdicts *v);

/* Forgets every verdict and remembers none from now on (the table is
 * thrown away when reconfigured).  Returns 1 the first time. */
int  pg_verdicts_stop(pg_verdicts *v);

/* Whether the slot's words equal k's and gen (relaxed reads; the caller
 * checks the sequence number around them).  Every field of a slot is read
 * and written with __atomic builtins, so that a reader racing a writer
 * reads whole words, never undefined values (verdict.c). */
static inline int
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

/* Starts fetching the slot of entry eid, so that it arrives while the
 * caller looks for the entry's CSN: slots are read one per entry, spread
 * over the table, and one not in cache would stall the compare. */
static inline void
pg_verdict_prefetch(const pg_verdicts *v, uint64_t eid)
{
    if (v != NULL)
        __builtin_prefetch(&v->slot[eid & v->mask], 0, 3);
}

/* 1 when k was found to match nothing under the current generation. */
static inline int
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

/* Remembers that k matched nothing under generation gen. */
void pg_verdict_set_clean(pg_verdicts *v, const pg_verdict_key *k,
                          uint64_t gen);

#endif /* PG_VERDICT_H */
