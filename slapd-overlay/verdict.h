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

typedef struct pg_verdicts pg_verdicts;

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

/* 1 when k was found to match nothing under the current generation. */
int  pg_verdict_clean(const pg_verdicts *v, const pg_verdict_key *k);

/* Remembers that k matched nothing under generation gen. */
void pg_verdict_set_clean(pg_verdicts *v, const pg_verdict_key *k,
                          uint64_t gen);

#endif /* PG_VERDICT_H */
