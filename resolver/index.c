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

/* ------------------------------------------------------------- pre-filter */

#define FILTER_BITS_PER_KEY 32      /* two bits set per key: ~0.4% false */
#define FILTER_MIN_BITS     4096
/* More digits than one E.164 number holds: a prefix before it, or several
 * numbers parted by blanks, which pgr_match_phone reads one by one; such a
 * value may match. */
#define FILTER_DIGITS_MAX   PGR_E164_MAX
#define FILTER_NUM_MAX      15      /* digits that fit the keys below */

enum filter_tag { TAG_NSN = 1, TAG_BLOCK, TAG_EMAIL, TAG_DOMAIN };

static const uint64_t filter_pow10[FILTER_NUM_MAX + 1] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
    10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
    100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL
};

/* Fibonacci hashing: the filter's bits come from the top of the product. */
#define FILTER_MULT 0x9e3779b97f4a7c15ULL

/* A digit string of len (1..15) digits whose value is v: one key per
 * (tag, len, v); leading zeros are told apart by len. */
static inline uint64_t
filter_num_hash(unsigned tag, unsigned len, uint64_t v)
{
    return ((v << 6) ^ ((uint64_t)len << 1) ^ ((uint64_t)tag << 60)) *
           FILTER_MULT;
}

/* Strings are hashed from their last byte to their first, lower-cased. */
#define FILTER_STR_SEED  0xcbf29ce484222325ULL
#define FILTER_STR_PRIME 0x100000001b3ULL

/* One byte, already lower-cased, into the hash: the one definition that
 * the filter's build and the pre-checks must share. */
static inline uint64_t
filter_str_mix(uint64_t h, unsigned c)
{
    return (h ^ c) * FILTER_STR_PRIME;
}

static inline uint64_t
filter_str_step(uint64_t h, unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        c = (unsigned char)(c - 'A' + 'a');
    return filter_str_mix(h, c);
}

static inline uint64_t
filter_str_hash(unsigned tag, uint64_t h)
{
    return (h ^ (h >> 29) ^ ((uint64_t)tag << 56)) * FILTER_MULT;
}

/* The two bits of hash h: two disjoint ranges of its top bits. */
static inline void
filter_bits(const pgr_filter *f, uint64_t h, uint64_t *a, uint64_t *b)
{
    *a = h >> f->shift_a;
    *b = (h >> f->shift_b) & f->mask;
}

static void
filter_set(pgr_filter *f, uint64_t h)
{
    uint64_t a, b;

    filter_bits(f, h, &a, &b);
    f->bits[a >> 6] |= 1ULL << (a & 63);
    f->bits[b >> 6] |= 1ULL << (b & 63);
}

static inline int
filter_test(const pgr_filter *f, uint64_t h)
{
    uint64_t a, b;

    filter_bits(f, h, &a, &b);
    return (f->bits[a >> 6] >> (a & 63) & 1) &&
           (f->bits[b >> 6] >> (b & 63) & 1);
}

/* The digits of a number key (never 0), most significant first. */
static size_t
key_digits(uint64_t key, char out[24])
{
    char rev[24];
    size_t n = 0, i;

    while (key > 0 && n < sizeof(rev)) {
        rev[n++] = (char)('0' + key % 10);
        key /= 10;
    }
    for (i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    return n;
}

/*
 * Adds the digits after the country code of key, tagged.  A block also
 * records where its digits may start in a value: as far from the end as
 * its country's national numbers are long.  A key whose code is unknown
 * makes every phone value pass.
 */
static void
filter_add_number(pgr_filter *f, uint64_t key, unsigned tag)
{
    char d[24] = { 0 };
    size_t n = key_digits(key, d), len;
    unsigned nmin = 0, nmax = 0, l;
    size_t cclen = pgr_phone_cc_len(d, n, &nmin, &nmax);

    if (cclen == 0 || cclen >= n || n - cclen > FILTER_NUM_MAX) {
        f->phone_all = 1;
        return;
    }
    len = n - cclen;
    filter_set(f, filter_num_hash(tag, (unsigned)len, key % filter_pow10[len]));
    if (tag == TAG_NSN) {
        f->nsn_lengths |= 1u << len;
        return;
    }
    f->block_lengths |= 1u << len;
    for (l = nmin; l <= nmax && l <= FILTER_DIGITS_MAX; l++)
        if (l > len)
            f->block_starts |= 1u << l;
}

static void
filter_add_string(pgr_filter *f, const char *s, unsigned tag)
{
    uint64_t h = FILTER_STR_SEED;
    size_t n = strlen(s);

    while (n > 0)
        h = filter_str_step(h, (unsigned char)s[--n]);
    filter_set(f, filter_str_hash(tag, h));
}

int
pgr_filter_build(pgr_registry *reg)
{
    pgr_filter *f = &reg->filter;
    size_t keys = reg->phones.count + reg->prefixes.count +
                  reg->emails.count + reg->domains.count;
    uint64_t nbits = FILTER_MIN_BITS;
    size_t i;

    memset(f, 0, sizeof(*f));
    while (nbits < (uint64_t)keys * FILTER_BITS_PER_KEY) {
        if (nbits >= ((uint64_t)1 << 31))
            return -1;
        nbits <<= 1;
    }
    f->bits = pgr_arena_alloc(&reg->arena, (size_t)(nbits / 8));
    if (f->bits == NULL)
        return -1;
    memset(f->bits, 0, (size_t)(nbits / 8));
    f->mask = nbits - 1;
    f->log2 = 0;
    while (((uint64_t)1 << f->log2) < nbits)
        f->log2++;
    f->shift_a = 64 - f->log2;
    f->shift_b = 64 - 2 * f->log2;
    for (i = 0; reg->phones.slot != NULL && i <= reg->phones.mask; i++)
        if (reg->phones.slot[i].key != 0)
            filter_add_number(f, reg->phones.slot[i].key, TAG_NSN);
    for (i = 0; reg->prefixes.slot != NULL && i <= reg->prefixes.mask; i++)
        if (reg->prefixes.slot[i].key != 0)
            filter_add_number(f, reg->prefixes.slot[i].key, TAG_BLOCK);
    for (i = 0; reg->emails.slot != NULL && i <= reg->emails.mask; i++)
        if (reg->emails.slot[i].key != NULL)
            filter_add_string(f, reg->emails.slot[i].key, TAG_EMAIL);
    for (i = 0; reg->domains.slot != NULL && i <= reg->domains.mask; i++)
        if (reg->domains.slot[i].key != NULL)
            filter_add_string(f, reg->domains.slot[i].key, TAG_DOMAIN);
    return 0;
}

/*
 * v is the value of the last k digits of a phone value.  Whether they are
 * a registered NSN of k digits, or the national number of a block's
 * country starting there (k digits from the end) begins with that block's
 * digits after its code.
 */
static int
filter_suffix(const pgr_filter *f, uint64_t v, size_t k)
{
    uint32_t lengths;

    if ((f->nsn_lengths >> k & 1) &&
        filter_test(f, filter_num_hash(TAG_NSN, (unsigned)k, v)))
        return 1;
    if (!(f->block_starts >> k & 1))
        return 0;
    for (lengths = f->block_lengths; lengths != 0; lengths &= lengths - 1) {
        size_t len = (size_t)__builtin_ctz(lengths);

        if (len >= k)
            break;
        if (filter_test(f, filter_num_hash(TAG_BLOCK, (unsigned)len,
                                           v / filter_pow10[k - len])))
            return 1;
    }
    return 0;
}

/*
 * What one byte of a phone value adds to its count of digits: 1 for an
 * ASCII digit, 0 for a separator of a plain value (" +-.()"), and for any
 * other byte N, more than FILTER_DIGITS_MAX, so that a single comparison
 * per byte stops the scan on a value that is not plain as on a value with
 * more digits than one number (either may match).  '/' is not plain: it
 * may part two numbers, which pgr_match_phone reads one by one.
 */
#define N (FILTER_DIGITS_MAX + 1)
static const unsigned char phone_count[256] = {
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,   /* 0x00 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,   /* 0x10 */
    0, N, N, N, N, N, N, N, 0, 0, N, 0, N, 0, 0, N,   /* 0x20 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, N, N, N, N, N, N,   /* 0x30 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,   /* 0x40 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,   /* 0x50 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,   /* 0x60 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,   /* 0x70 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,   /* 0x80 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,   /* 0x90 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,   /* 0xa0 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,   /* 0xb0 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,   /* 0xc0 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,   /* 0xd0 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,   /* 0xe0 */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,   /* 0xf0 */
};
#undef N

/* The value of an ASCII digit; 0 for every other byte, which then adds
 * nothing to the suffix value. */
static const unsigned char phone_digit[256] = {
    ['0'] = 0, ['1'] = 1, ['2'] = 2, ['3'] = 3, ['4'] = 4,
    ['5'] = 5, ['6'] = 6, ['7'] = 7, ['8'] = 8, ['9'] = 9
};

/* The weight of the digit that has n digits after it: 10^n, and 0 for a
 * 16th digit, after which the scan stops (the value may match). */
static const uint64_t phone_weight[FILTER_DIGITS_MAX + 1] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
    10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
    100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 0
};

/*
 * A plain value whose last group holds up to PGR_UNMARKED_EXT_MAX digits
 * after a dash ("613-555-0142-204") may read as the digits before it with
 * that group as an extension (phone.c, read_unmarked_ext): whether a
 * suffix of those digits is registered.  suffix[k] holds the value of the
 * last k digits for k from 1 to nd, so the j digits before the last t are
 * (suffix[t + j] - suffix[t]) / 10^t.  Reached by few values: the last
 * group of most is four digits after a blank or a dash that is not the
 * only one ("613-555-0142" tests the suffixes of 613555, none of them as
 * long as a registered number).
 */
static int
tail_may_match(const pgr_filter *f, const char *value, size_t len,
               const uint64_t *suffix, size_t nd)
{
    uint32_t todo;
    size_t t = 0;
    int dash = 0;

    if (memchr(value, '-', len) == NULL)
        return 0;   /* most values: no dash, so no such group */
    while (len > 0 && value[len - 1] == ' ')
        len--;
    while (len > 0 && value[len - 1] >= '0' && value[len - 1] <= '9') {
        if (++t > PGR_UNMARKED_EXT_MAX)
            return 0;
        len--;
    }
    if (t == 0 || t >= nd)
        return 0;
    /* the bytes between the group and the digits before it, all plain */
    for (; len > 0 && (value[len - 1] < '0' || value[len - 1] > '9'); len--)
        dash |= value[len - 1] == '-';
    if (!dash)
        return 0;
    todo = (f->nsn_lengths | f->block_starts) & ((2u << (nd - t)) - 2u);
    for (; todo != 0; todo &= todo - 1) {
        size_t j = (size_t)__builtin_ctz(todo);

        if (filter_suffix(f, (suffix[t + j] - suffix[t]) / phone_weight[t], j))
            return 1;
    }
    return 0;
}

/*
 * Only plain values (ASCII digits, spaces, "+-.()") are judged; anything
 * else (an extension, a label, a URI, other scripts and every separator
 * beyond ASCII, as the ideographic full stop) may match, and so does a value
 * that ends in ')', which the parser also reads without that last
 * bracketed group (phone.c, strip_remark).  The parser reads a
 * plain value's digits D as a country code followed by a suffix of D
 * (after an exit code, trunk prefix or outside line, or a "(0)"), so a
 * reading equal to a registered number ends D with that number's NSN, and
 * a reading inside a block has the block's digits after its code where its
 * NSN starts.
 *
 * One backward pass with a single test per byte: the tables give each
 * byte's digit count and value, and the value of the last k digits is kept
 * for every k.  Only after the pass are the suffixes of the lengths the
 * registry has looked up.  A value that is not plain, or has more than
 * FILTER_DIGITS_MAX digits, may match whatever its suffixes are, so the
 * answer is the same as testing each suffix as it comes (the code before,
 * kept in tests/unit/precheck_ref.h).
 */
int
pgr_phone_may_match(const pgr_registry *reg, const char *value, size_t len)
{
    const pgr_filter *f;
    uint64_t suffix[FILTER_DIGITS_MAX + 1];   /* [k]: the last k digits */
    uint64_t v = 0;
    uint32_t todo;
    size_t nd = 0, i;

    if (reg == NULL || value == NULL)
        return 0;
    f = &reg->filter;
    if (f->bits == NULL || f->phone_all)
        return 1;
    if (len > 0 && (unsigned char)value[len - 1] <= ')') {   /* rarely */
        for (i = len; i > 0 && value[i - 1] == ' '; i--)
            ;
        if (i > 0 && value[i - 1] == ')')
            return 1;   /* "613-555-0142 (2)": read without its remark too */
    }
    for (i = len; i >= 2; i -= 2) {   /* two bytes a round: half the loop tests */
        unsigned char c = (unsigned char)value[i - 1];
        unsigned char c2 = (unsigned char)value[i - 2];

        v += phone_digit[c] * phone_weight[nd];
        nd += phone_count[c];
        if (nd > FILTER_DIGITS_MAX)
            return 1;   /* not plain, or too long for the parser */
        suffix[nd] = v;
        v += phone_digit[c2] * phone_weight[nd];
        nd += phone_count[c2];
        if (nd > FILTER_DIGITS_MAX)
            return 1;
        suffix[nd] = v;
    }
    if (i == 1) {
        unsigned char c = (unsigned char)value[0];

        v += phone_digit[c] * phone_weight[nd];
        nd += phone_count[c];
        if (nd > FILTER_DIGITS_MAX)
            return 1;
        suffix[nd] = v;
    }
    /* The registered lengths from 1 to nd; suffix[k] is set for each. */
    todo = (f->nsn_lengths | f->block_starts) & ((2u << nd) - 2u);
    for (; todo != 0; todo &= todo - 1) {
        size_t k = (size_t)__builtin_ctz(todo);

        if (filter_suffix(f, suffix[k], k))
            return 1;
    }
    return tail_may_match(f, value, len, suffix, nd);
}

/*
 * The bytes of an address as the filter hashes them: letters lower-cased,
 * digits, '-', '_', '.' and '@' as they are, all below 0x80.  A byte that
 * makes the scan leave its loop has EMAIL_STOP (0x80) set: X, a byte that
 * no plain address holds (no quoting, sub-address, display name or URI;
 * ASCII only), and in the domain '.' and '@', where a domain is looked up.
 * In the local part a '.' is only hashed, and a second '@' is X.
 */
#define EMAIL_STOP      0x80u
#define EMAIL_NOT_PLAIN 0xffu

#define S EMAIL_STOP
#define X EMAIL_NOT_PLAIN
static const unsigned char email_domain_byte[256] = {
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0x00 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0x10 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, '-', S | '.', X,   /* 0x20 */
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', X, X, X, X, X, X,   /* 0x30 */
    S | '@', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',   /* 0x40 */
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', X, X, X, X, '_',   /* 0x50 */
    X, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',   /* 0x60 */
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', X, X, X, X, X,   /* 0x70 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0x80 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0x90 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0xa0 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0xb0 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0xc0 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0xd0 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0xe0 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0xf0 */
};

static const unsigned char email_local_byte[256] = {
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0x00 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0x10 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, '-', '.', X,   /* 0x20 */
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', X, X, X, X, X, X,   /* 0x30 */
    X, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',   /* 0x40 */
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', X, X, X, X, '_',   /* 0x50 */
    X, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',   /* 0x60 */
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', X, X, X, X, X,   /* 0x70 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0x80 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0x90 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0xa0 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0xb0 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0xc0 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0xd0 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0xe0 */
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,   /* 0xf0 */
};
#undef S
#undef X

/*
 * A byte of the domain with EMAIL_STOP set, e from email_domain_byte,
 * into the hash *h: -1 when the value may match (a byte that is not
 * plain, or a '.' or '@' after which a registered domain may follow), 1
 * at the '@', 0 at a '.'.
 */
static inline int
email_domain_stop(const pgr_filter *f, uint64_t *h, unsigned e)
{
    if (e == EMAIL_NOT_PLAIN ||
        filter_test(f, filter_str_hash(TAG_DOMAIN, *h)))
        return -1;
    e &= ~EMAIL_STOP;
    *h = filter_str_mix(*h, e);
    return e == '@';
}

/* The local part, value[0 .. n-1], hashed into h after the domain and its
 * '@': whether the whole address may be registered. */
static int
email_local_may_match(const pgr_filter *f, const char *value, size_t n,
                      uint64_t h)
{
    size_t i;

    for (i = n; i >= 4; i -= 4) {   /* four bytes, one test */
        unsigned e1 = email_local_byte[(unsigned char)value[i - 1]];
        unsigned e2 = email_local_byte[(unsigned char)value[i - 2]];
        unsigned e3 = email_local_byte[(unsigned char)value[i - 3]];
        unsigned e4 = email_local_byte[(unsigned char)value[i - 4]];

        if ((e1 | e2 | e3 | e4) & EMAIL_STOP)
            return 1;   /* a second '@', or not plain */
        h = filter_str_mix(h, e1);
        h = filter_str_mix(h, e2);
        h = filter_str_mix(h, e3);
        h = filter_str_mix(h, e4);
    }
    for (; i > 0; i--) {
        unsigned e = email_local_byte[(unsigned char)value[i - 1]];

        if (e & EMAIL_STOP)
            return 1;
        h = filter_str_mix(h, e);
    }
    return filter_test(f, filter_str_hash(TAG_EMAIL, h));
}

/*
 * A plain address normalizes to itself lower-cased, so one backward pass
 * hashes the address and, at each '.' of the domain and at the '@', the
 * domain suffix that pgr_match_email looks up.  Anything else may match.
 * Bytes that are only hashed go two at a time with one test for both (in
 * the local part four); a pair holding another byte takes its two bytes
 * one by one.  Same answers as the code before (tests/unit/precheck_ref.h).
 */
int
pgr_email_may_match(const pgr_registry *reg, const char *value, size_t len)
{
    const pgr_filter *f;
    uint64_t h = FILTER_STR_SEED;
    size_t i;
    int r;

    if (reg == NULL || value == NULL)
        return 0;
    if (len == 0)
        return 0;   /* the empty string is no address */
    f = &reg->filter;
    if (f->bits == NULL || len > PGR_EMAIL_MAX ||
        value[len - 1] == '.' || value[len - 1] == '@')
        return 1;
    /* The domain, from its end to the '@'; without one, every '.' is
     * still looked up on the way, as before. */
    for (i = len; i >= 2; i -= 2) {
        unsigned e1 = email_domain_byte[(unsigned char)value[i - 1]];
        unsigned e2 = email_domain_byte[(unsigned char)value[i - 2]];

        if (!((e1 | e2) & EMAIL_STOP)) {
            h = filter_str_mix(h, e1);
            h = filter_str_mix(h, e2);
            continue;
        }
        /* at least one of the two leaves the loop */
        if (e1 & EMAIL_STOP) {
            r = email_domain_stop(f, &h, e1);
            if (r != 0)
                return r < 0 ? 1 : email_local_may_match(f, value, i - 1, h);
        } else {
            h = filter_str_mix(h, e1);
        }
        if (e2 & EMAIL_STOP) {
            r = email_domain_stop(f, &h, e2);
            if (r != 0)
                return r < 0 ? 1 : email_local_may_match(f, value, i - 2, h);
        } else {
            h = filter_str_mix(h, e2);
        }
    }
    if (i == 1) {
        unsigned e = email_domain_byte[(unsigned char)value[0]];

        if (!(e & EMAIL_STOP))
            return 0;   /* no '@' */
        r = email_domain_stop(f, &h, e);
        if (r != 0)
            return r < 0 ? 1 : email_local_may_match(f, value, 0, h);
    }
    return 0;   /* no '@': not an address */
}
