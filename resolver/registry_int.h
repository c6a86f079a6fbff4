/*
 * registry_int.h - the inside of a pgr_registry: the string arena, the
 * lookup tables and the helpers shared by registry.c, index.c and match.c.
 * Not installed, not part of the API.
 */
#ifndef PGR_REGISTRY_INT_H
#define PGR_REGISTRY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "pgr.h"

/* ------------------------------------------------------------------ arena */

/* Every string and small array of one registry lives in one arena, freed
 * at once with the registry. */
typedef struct pgr_arena_chunk pgr_arena_chunk;
struct pgr_arena_chunk {
    pgr_arena_chunk *next;
    size_t used, size;
    /* the storage follows, aligned for pointers and 64-bit integers */
};

typedef struct pgr_arena {
    pgr_arena_chunk *head;
    int failed;              /* an allocation failed: the load must fail */
} pgr_arena;

void  pgr_arena_init(pgr_arena *a);
void *pgr_arena_alloc(pgr_arena *a, size_t n);       /* NULL on failure */
char *pgr_arena_strndup(pgr_arena *a, const char *s, size_t n);
char *pgr_arena_strdup(pgr_arena *a, const char *s);
void  pgr_arena_free(pgr_arena *a);

/* ------------------------------------------------------------ hash tables */

/* Phone numbers and phone-prefix blocks: open addressing keyed by the
 * digits as an integer.  One key may appear in several slots (a shared
 * switchboard); a lookup visits every slot of its key. */
typedef struct pgr_num_slot {
    uint64_t key;            /* 0: empty (a number is never 0) */
    uint32_t entity;         /* index into the registry's entities */
    uint32_t pad;
} pgr_num_slot;

typedef struct pgr_num_table {
    pgr_num_slot *slot;
    size_t mask;             /* capacity - 1, capacity a power of two */
    size_t count;
} pgr_num_table;

/* Strings (ids, e-mail addresses, domains, name keys). */
typedef struct pgr_str_slot {
    const char *key;         /* NULL: empty; points into the arena */
    uint32_t hash;           /* low bits of the 64-bit hash, to skip compares */
    uint32_t entity;
} pgr_str_slot;

typedef struct pgr_str_table {
    pgr_str_slot *slot;
    size_t mask;
    size_t count;
} pgr_str_table;

uint64_t pgr_hash_bytes(const char *s, size_t len);

/* Sizes a table for n keys (load factor at most 1/2).  Returns 0 or -1. */
int  pgr_num_table_init(pgr_num_table *t, size_t n);
void pgr_num_table_add(pgr_num_table *t, uint64_t key, uint32_t entity);
void pgr_num_table_free(pgr_num_table *t);
/* Calls fn(ctx, entity) for every entity stored under key; no allocation. */
void pgr_num_table_visit(const pgr_num_table *t, uint64_t key,
                         void (*fn)(void *ctx, uint32_t entity), void *ctx);

/* The key must outlive the table (it points into the arena). */
int  pgr_str_table_init(pgr_str_table *t, size_t n);
void pgr_str_table_add(pgr_str_table *t, const char *key, uint32_t entity);
void pgr_str_table_free(pgr_str_table *t);
void pgr_str_table_visit(const pgr_str_table *t, const char *key, size_t len,
                         void (*fn)(void *ctx, uint32_t entity), void *ctx);
/* The first entity stored under key, or -1. */
long pgr_str_table_first(const pgr_str_table *t, const char *key, size_t len);

/* ------------------------------------------------------------- pre-filter */

/*
 * A Bloom filter over what the phone and e-mail paths look up, so that a
 * value matching nothing is turned away without parsing or normalizing it
 * (pgr_phone_may_match, pgr_email_may_match).  Keys:
 *   - each registered number's national significant number (the digits
 *     after its country code), with its length: every reading of a client
 *     value is a country code followed by a suffix of the value's digits;
 *   - each number block's digits after its country code, with their
 *     length: a number in the block holds them somewhere in its digits;
 *   - each normalized address and each domain, hashed from the end, so
 *     that every domain suffix of a value is hashed in one backward pass.
 * Two bits per key.  A false "may match" only costs the full lookup; a
 * false "no" would let a registered contact through, so whenever a key
 * cannot be derived the filter answers "may match" for every phone.
 */
typedef struct pgr_filter {
    uint64_t *bits;          /* NULL: no filter, everything may match */
    uint64_t  mask;          /* number of bits - 1, a power of two - 1 */
    unsigned  log2;          /* number of bits = 1 << log2, log2 <= 30 */
    unsigned  shift_a;       /* 64 - log2 and 64 - 2 * log2: the shifts */
    unsigned  shift_b;       /* that take a key's two bits from its hash */
    uint32_t  nsn_lengths;   /* bit n: some number's NSN has n digits */
    uint32_t  block_lengths; /* bit n: some block has n digits after its code */
    uint32_t  block_starts;  /* bit n: a block's digits may begin n digits
                              * from the end (its country's NSN lengths) */
    int       phone_all;     /* a number or block without a known code */
} pgr_filter;

/* Builds reg->filter from reg's tables (arena memory).  Returns 0 or -1. */
int pgr_filter_build(pgr_registry *reg);

#define PGR_E164_MIN    8   /* digits after '+', see pgr_phone.ndigits */
#define PGR_CC_MAX_LEN  3   /* digits of a country code */

/* The fewest digits a phone value can read from: the parser may add a
 * region's country code to the digits it holds. */
#define PGR_PHONE_VALUE_DIGITS_MIN  (PGR_E164_MIN - PGR_CC_MAX_LEN)

/* Whether s[0 .. n) begins with prefix (lower case), ASCII letters in any
 * case.  s[0 .. n), up to its first byte stop (-1: none), with its %XX
 * escapes decoded into buf (bufsz > 0 bytes, NUL terminated), its length
 * in *len: 0, or -1 for a bad escape, %00 or no room.  (email.c) */
int pgr_prefix_ci(const char *s, size_t n, const char *prefix);

/* One UTF-8 sequence at s[*i], strictly decoded: its code point, *i moved
 * past it; -1 when it is no valid sequence (phone.c). */
long pgr_utf8_next(const unsigned char *s, size_t n, size_t *i);
int pgr_percent_decode(const char *s, size_t n, int stop, char *buf,
                       size_t bufsz, size_t *len);

/* The most digits of an extension written as one more group of the
 * number, with no marker ("613-555-0142-204"): phone.c reads it, the
 * pre-check (index.c) judges the digits before it. */
#define PGR_UNMARKED_EXT_MAX  6

/* Length (1..3) of the country code that the digits begin with, by the
 * phone parser's own table, or 0; and the lengths its national
 * significant numbers may have.  (phone.c) */
size_t pgr_phone_cc_len(const char *digits, size_t n, unsigned *nsn_min,
                        unsigned *nsn_max);
/* Whether w[0..n) is a word that introduces an extension ("x", "ext",
 * "poste"...), in any case (phone.c). */
int pgr_phone_ext_word(const unsigned char *w, size_t n);

/* --------------------------------------------------------------- registry */

#define PGR_PREFIX_MIN_DIGITS  4
#define PGR_PREFIX_MAX_DIGITS 14

struct pgr_registry {
    pgr_arena arena;
    const char *registry_id;
    long long seq;
    time_t issued_at, expires_at;

    pgr_instruction *instructions;   /* document order */
    size_t ninstructions;

    pgr_entity *entities;            /* organizations, missions, people */
    size_t nentities;

    pgr_str_table ids;               /* entity id -> entity */
    pgr_num_table phones;            /* E.164 number -> entity */
    pgr_num_table prefixes;          /* prefix digits -> mission */
    uint16_t prefix_lengths;         /* bit n: some prefix has n digits */
    pgr_str_table emails;            /* normalized address -> entity */
    pgr_str_table domains;           /* normalized domain -> entity */
    pgr_str_table names;             /* name key -> entity */
    pgr_filter filter;               /* cheap "certainly not" pre-check */
    pgr_errors warnings;             /* valid, but worth a word ("check") */
};

/* --------------------------------------------------------- country codes */

/* True when s (len 2) is an assigned ISO 3166-1 alpha-2 code, upper-case. */
int pgr_iso_country_valid(const char *s, size_t len);
/* Length (1..3) of the ITU-T E.164 country calling code that digits begin
 * with, or 0 when they begin with no assigned code. */
size_t pgr_calling_code_len(const char *digits, size_t len);

#endif /* PGR_REGISTRY_INT_H */
