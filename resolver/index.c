/*
 * index.c - the registry's string arena and its open-addressing lookup
 * tables.  Tables are sized once, before insertion, for a load factor of
 * at most 1/2, so every probe sequence ends at an empty slot; lookups
 * never allocate.
 */
#include <stdlib.h>
#include <string.h>

#include "registry_int.h"

/* ------------------------------------------------------------------ arena */

#define ARENA_CHUNK   (256 * 1024 - 64)   /* leaves room for malloc's header */
#define ARENA_ALIGN   8

void
pgr_arena_init(pgr_arena *a)
{
    a->head = NULL;
    a->failed = 0;
}

static size_t
arena_header(void)
{
    return (sizeof(pgr_arena_chunk) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
}

void *
pgr_arena_alloc(pgr_arena *a, size_t n)
{
    pgr_arena_chunk *c = a->head;
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    void *p;

    if (n == 0)
        need = ARENA_ALIGN;
    if (need < n) {                   /* overflow */
        a->failed = 1;
        return NULL;
    }
    if (c == NULL || c->size - c->used < need) {
        size_t size = need > ARENA_CHUNK / 4 ? need : ARENA_CHUNK;
        pgr_arena_chunk *nc = malloc(arena_header() + size);

        if (nc == NULL) {
            a->failed = 1;
            return NULL;
        }
        nc->used = 0;
        nc->size = size;
        if (c != NULL && size != ARENA_CHUNK) {
            /* A big block gets its own chunk behind the current one, so the
             * current chunk's free space stays usable. */
            nc->next = c->next;
            c->next = nc;
            nc->used = need;
            return (char *)nc + arena_header();
        }
        nc->next = c;
        a->head = nc;
        c = nc;
    }
    p = (char *)c + arena_header() + c->used;
    c->used += need;
    return p;
}

char *
pgr_arena_strndup(pgr_arena *a, const char *s, size_t n)
{
    char *p = pgr_arena_alloc(a, n + 1);

    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
pgr_arena_strdup(pgr_arena *a, const char *s)
{
    return pgr_arena_strndup(a, s, strlen(s));
}

void
pgr_arena_free(pgr_arena *a)
{
    pgr_arena_chunk *c = a->head;

    while (c != NULL) {
        pgr_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}

/* ---------------------------------------------------------------- hashing */

/* FNV-1a, 64 bits, then a final mix so the low bits used as the slot index
 * depend on every byte. */
uint64_t
pgr_hash_bytes(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

static uint64_t
mix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

/* Smallest power of two >= 2n (at least 16), or 0 on overflow. */
static size_t
table_capacity(size_t n)
{
    size_t cap = 16;

    while (cap < 2 * n) {
        if (cap > (SIZE_MAX >> 2))
            return 0;
        cap <<= 1;
    }
    if (n > SIZE_MAX / 2)
        return 0;
    return cap;
}

/* ---------------------------------------------------------- number table */

int
pgr_num_table_init(pgr_num_table *t, size_t n)
{
    size_t cap = table_capacity(n);

    t->slot = NULL;
    t->mask = 0;
    t->count = 0;
    if (cap == 0)
        return -1;
    t->slot = calloc(cap, sizeof(*t->slot));
    if (t->slot == NULL)
        return -1;
    t->mask = cap - 1;
    return 0;
}

/* The caller sized the table for every key it adds. */
void
pgr_num_table_add(pgr_num_table *t, uint64_t key, uint32_t entity)
{
    size_t i = (size_t)mix64(key) & t->mask;

    if (key == 0 || t->slot == NULL || t->count >= (t->mask + 1) / 2)
        return;
    while (t->slot[i].key != 0)
        i = (i + 1) & t->mask;
    t->slot[i].key = key;
    t->slot[i].entity = entity;
    t->count++;
}

void
pgr_num_table_free(pgr_num_table *t)
{
    free(t->slot);
    t->slot = NULL;
    t->mask = 0;
    t->count = 0;
}

void
pgr_num_table_visit(const pgr_num_table *t, uint64_t key,
                    void (*fn)(void *ctx, uint32_t entity), void *ctx)
{
    size_t i;

    if (t->slot == NULL || key == 0)
        return;
    for (i = (size_t)mix64(key) & t->mask; t->slot[i].key != 0;
         i = (i + 1) & t->mask) {
        if (t->slot[i].key == key)
            fn(ctx, t->slot[i].entity);
    }
}

/* ---------------------------------------------------------- string table */

int
pgr_str_table_init(pgr_str_table *t, size_t n)
{
    size_t cap = table_capacity(n);

    t->slot = NULL;
    t->mask = 0;
    t->count = 0;
    if (cap == 0)
        return -1;
    t->slot = calloc(cap, sizeof(*t->slot));
    if (t->slot == NULL)
        return -1;
    t->mask = cap - 1;
    return 0;
}

void
pgr_str_table_add(pgr_str_table *t, const char *key, uint32_t entity)
{
    uint64_t h;
    size_t i;

    if (key == NULL || t->slot == NULL || t->count >= (t->mask + 1) / 2)
        return;
    h = pgr_hash_bytes(key, strlen(key));
    i = (size_t)h & t->mask;
    while (t->slot[i].key != NULL)
        i = (i + 1) & t->mask;
    t->slot[i].key = key;
    t->slot[i].hash = (uint32_t)(h >> 32);
    t->slot[i].entity = entity;
    t->count++;
}

void
pgr_str_table_free(pgr_str_table *t)
{
    free(t->slot);
    t->slot = NULL;
    t->mask = 0;
    t->count = 0;
}

static int
slot_is(const pgr_str_slot *s, uint32_t hash, const char *key, size_t len)
{
    /* strnlen first: the query may hold a NUL, the stored key never does */
    return s->hash == hash && strnlen(s->key, len + 1) == len
        && memcmp(s->key, key, len) == 0;
}

void
pgr_str_table_visit(const pgr_str_table *t, const char *key, size_t len,
                    void (*fn)(void *ctx, uint32_t entity), void *ctx)
{
    uint64_t h;
    size_t i;

    if (t->slot == NULL)
        return;
    h = pgr_hash_bytes(key, len);
    for (i = (size_t)h & t->mask; t->slot[i].key != NULL;
         i = (i + 1) & t->mask) {
        if (slot_is(&t->slot[i], (uint32_t)(h >> 32), key, len))
            fn(ctx, t->slot[i].entity);
    }
}

long
pgr_str_table_first(const pgr_str_table *t, const char *key, size_t len)
{
    uint64_t h;
    size_t i;

    if (t->slot == NULL)
        return -1;
    h = pgr_hash_bytes(key, len);
    for (i = (size_t)h & t->mask; t->slot[i].key != NULL;
         i = (i + 1) & t->mask) {
        if (slot_is(&t->slot[i], (uint32_t)(h >> 32), key, len))
            return (long)t->slot[i].entity;
    }
    return -1;
}
