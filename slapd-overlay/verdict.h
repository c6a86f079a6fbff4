/*
 * verdict.h - the directory entries found to match nothing, remembered.
 *
 * Most entries a search returns match nothing, and the same ones come back
 * again and again (an address book searched by name, a phone list).
 * Checking an entry's values costs about 1,400 instructions; finding its
 * verdict here about 170 by its entryCSN, or 70 by its ID within the
 * snapshot it was last seen in (below).
 *
 * An entry is named by its back-mdb ID and its entryCSN.  back-mdb keeps an
 * entry's ID for the entry's life (a new entry may get the ID of the
 * deleted entry that had the highest one), and slapd gives an entry a new
 * entryCSN on every write, its creation included (lastmod on), so the pair
 * names one content of one entry.  A verdict also carries the
 * generation it was found under; the generation moves on with every new
 * registry, every change of configuration and every write that may keep an
 * entryCSN, which forgets all verdicts at once.  Only "matched nothing" is
 * remembered, so a verdict missing or forgotten costs a full check, never
 * a warning.
 *
 * A verdict also remembers the back-mdb snapshot in which its entry was
 * last seen with that entryCSN (mdbsnap.h: the ID of the LMDB read
 * transaction, which every write to the database moves on).  An entry read
 * in that same snapshot is that same content, so its verdict is found by
 * its ID alone, without looking for its entryCSN among its attributes;
 * after a write anywhere in the database the entryCSN decides, and the
 * verdict then remembers the new snapshot.
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

/* IDs from 1 to PG_VERDICT_EID_MAX have a verdict (a slot holds 32 bits of
 * one); back-mdb counts them from 1, one per entry ever added. */
#define PG_VERDICT_EID_MAX   (UINT32_MAX - 1)

typedef struct pg_verdict_key {
    uint64_t eid;
    uint64_t snap;    /* the snapshot the entry was read in, 0 unknown */
    uint64_t csn[PG_VERDICT_CSN_WORDS];   /* zero-padded */
} pg_verdict_key;

/* The table.  Its layout is here, not in verdict.c, only so that the
 * lookup (pg_verdict_clean, below) is inlined where every entry a search
 * returns passes: everything else goes through the functions. */

/* One cache line.  gen 0 is never current, so a zeroed slot is empty.
 * The CSN's length is not kept: a CSN holds no NUL byte
 * (pg_verdict_key_csn), so its zero padding tells where it ends. */
typedef struct pg_verdict_slot {
    uint32_t seq;       /* odd while being written */
    uint32_t eid;
    uint64_t gen;
    uint64_t snap;      /* last seen clean in, 0 none */
    uint64_t csn[PG_VERDICT_CSN_WORDS];
} pg_verdict_slot;

_Static_assert(PG_VERDICT_CSN_WORDS * 8 == PG_VERDICT_CSN_MAX,
               "a key holds a whole CSN, in the words pg_slot_holds_csn reads");
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

/* Starts k with the entry's ID and the snapshot it was read in (0:
 * unknown); -1 when the ID has no verdict (0, or above
 * PG_VERDICT_EID_MAX).  Inline, like the two below: they run for every
 * entry a search returns, and a call costs as much as they do. */
static inline int
pg_verdict_key_id(pg_verdict_key *k, uint64_t eid, uint64_t snap)
{
    if (eid == 0 || eid > PG_VERDICT_EID_MAX)
        return -1;
    k->eid = eid;
    k->snap = snap;
    return 0;
}

/* Adds the entry's CSN to k; -1 when there is none, it is longer than
 * PG_VERDICT_CSN_MAX or it holds a NUL byte (which would make two CSNs
 * look alike once padded; slapd's CSN syntax allows none). */
static inline int
pg_verdict_key_csn(pg_verdict_key *k, const char *csn, size_t csnlen)
{
    if (csn == NULL || csnlen == 0 || csnlen > PG_VERDICT_CSN_MAX)
        return -1;
    if (csnlen == PG_VERDICT_CSN_MAX) {
        /* the usual; a NUL before the last byte is told apart by the
         * last byte, which no padded shorter CSN has */
        if (csn[PG_VERDICT_CSN_MAX - 1] == '\0')
            return -1;
        memcpy(k->csn, csn, PG_VERDICT_CSN_MAX);
    } else {
        if (memchr(csn, '\0', csnlen) != NULL)
            return -1;
        memset(k->csn, 0, sizeof(k->csn));
        memcpy(k->csn, csn, csnlen);
    }
    return 0;
}

/* Both at once (the unit tests). */
static inline int
pg_verdict_key_make(pg_verdict_key *k, uint64_t eid, uint64_t snap,
                    const char *csn, size_t csnlen)
{
    if (pg_verdict_key_id(k, eid, snap) != 0)
        return -1;
    return pg_verdict_key_csn(k, csn, csnlen);
}

/* The generation to pass to pg_verdict_set_clean: read it before the check
 * whose verdict is stored, under the same registry.  0 once stopped. */
uint64_t pg_verdicts_gen(const pg_verdicts *v);

/* Forgets every verdict (a new generation). */
void pg_verdicts_forget(pg_verdicts *v);

/* Forgets every verdict and remembers none from now on (the table is
 * thrown away when reconfigured).  Returns 1 the first time. */
int  pg_verdicts_stop(pg_verdicts *v);

/* Whether the slot names k's entry under gen (relaxed reads; the caller
 * checks the sequence number around them).  Every field of a slot is read
 * and written with __atomic builtins, so that a reader racing a writer
 * reads whole words, never undefined values (verdict.c). */
static inline int
pg_slot_names(const pg_verdict_slot *sl, const pg_verdict_key *k,
              uint64_t gen)
{
    return __atomic_load_n(&sl->eid, __ATOMIC_RELAXED) == (uint32_t)k->eid &&
           __atomic_load_n(&sl->gen, __ATOMIC_RELAXED) == gen;
}

/* Whether the slot also holds k's CSN. */
static inline int
pg_slot_holds_csn(const pg_verdict_slot *sl, const pg_verdict_key *k)
{
    uint64_t diff;

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

/* Whether the slot's sequence number is still s1 after the reads since
 * it was read as s1 (even): then what they read belongs together. */
static inline int
pg_slot_unchanged(const pg_verdict_slot *sl, uint32_t s1)
{
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return __atomic_load_n(&sl->seq, __ATOMIC_RELAXED) == s1;
}

/* 1 when k's entry (k's ID alone: no CSN need be in k) was found to match
 * nothing under the current generation and last seen so in k's snapshot,
 * which is then the same content. */
static inline int
pg_verdict_clean_in_snapshot(const pg_verdicts *v, const pg_verdict_key *k)
{
    const pg_verdict_slot *sl;
    uint64_t gen;
    uint32_t s1;

    if (v == NULL || k->snap == 0)
        return 0;
    gen = __atomic_load_n(&v->gen, __ATOMIC_ACQUIRE);
    sl = &v->slot[k->eid & v->mask];
    s1 = __atomic_load_n(&sl->seq, __ATOMIC_ACQUIRE);
    if ((s1 & 1) != 0 || !pg_slot_names(sl, k, gen) ||
        __atomic_load_n(&sl->snap, __ATOMIC_RELAXED) != k->snap)
        return 0;
    return pg_slot_unchanged(sl, s1);
}

/* Moves the snapshot of the slot, read as s1 and found to hold k's entry
 * and CSN, on to k's; nothing when the slot has changed since. */
void pg_verdict_restamp(pg_verdicts *v, const pg_verdict_key *k, uint32_t s1);

/* 1 when k (ID and CSN) was found to match nothing under the current
 * generation.  The slot then remembers k's snapshot, for the next time. */
static inline int
pg_verdict_clean(pg_verdicts *v, const pg_verdict_key *k)
{
    const pg_verdict_slot *sl;
    uint64_t gen;
    uint32_t s1;

    if (v == NULL)
        return 0;
    gen = __atomic_load_n(&v->gen, __ATOMIC_ACQUIRE);
    sl = &v->slot[k->eid & v->mask];
    s1 = __atomic_load_n(&sl->seq, __ATOMIC_ACQUIRE);
    if ((s1 & 1) != 0 || !pg_slot_names(sl, k, gen) ||
        !pg_slot_holds_csn(sl, k) || !pg_slot_unchanged(sl, s1))
        return 0;
    if (k->snap != 0 && __atomic_load_n(&sl->snap, __ATOMIC_RELAXED) != k->snap)
        pg_verdict_restamp(v, k, s1);
    return 1;
}

/* Remembers that k (ID, CSN, snapshot) matched nothing under generation
 * gen. */
void pg_verdict_set_clean(pg_verdicts *v, const pg_verdict_key *k,
                          uint64_t gen);

#endif /* PG_VERDICT_H */
