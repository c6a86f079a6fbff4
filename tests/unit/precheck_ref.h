/*
 * precheck_ref.h - the registry pre-checks as they were before the
 * table-driven rewrite in resolver/index.c (pgr_phone_may_match,
 * pgr_email_may_match), kept as they were apart from the ref_ names so that
 * tests/unit/test_precheck.c can check the new code gives the same answer
 * on every value, and tests/bench/bench_precheck.c can time both.  Only
 * the comments were shortened; see git history for the originals.
 *
 * It reads the filter that resolver/index.c builds (registry_int.h), so
 * its hashes and bit layout must stay those of index.c.
 */
#ifndef PRECHECK_REF_H
#define PRECHECK_REF_H

#include <stddef.h>
#include <stdint.h>

#include "registry_int.h"

#define REF_FILTER_DIGITS_MAX 15   /* more: several numbers, or a prefix */
#define REF_FILTER_NUM_MAX    15

enum ref_filter_tag { REF_TAG_NSN = 1, REF_TAG_BLOCK, REF_TAG_EMAIL, REF_TAG_DOMAIN };

static const uint64_t ref_filter_pow10[REF_FILTER_NUM_MAX + 1] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
    10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
    100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL
};

#define REF_FILTER_MULT 0x9e3779b97f4a7c15ULL
#define REF_FILTER_STR_SEED  0xcbf29ce484222325ULL
#define REF_FILTER_STR_PRIME 0x100000001b3ULL

static inline uint64_t
ref_filter_num_hash(unsigned tag, unsigned len, uint64_t v)
{
    return ((v << 6) ^ ((uint64_t)len << 1) ^ ((uint64_t)tag << 60)) *
           REF_FILTER_MULT;
}

static inline uint64_t
ref_filter_str_step(uint64_t h, unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        c = (unsigned char)(c - 'A' + 'a');
    return (h ^ c) * REF_FILTER_STR_PRIME;
}

static inline uint64_t
ref_filter_str_hash(unsigned tag, uint64_t h)
{
    return (h ^ (h >> 29) ^ ((uint64_t)tag << 56)) * REF_FILTER_MULT;
}

static inline void
ref_filter_bits(const pgr_filter *f, uint64_t h, uint64_t *a, uint64_t *b)
{
    *a = h >> (64 - f->log2);
    *b = (h >> (64 - 2 * f->log2)) & f->mask;
}

static inline int
ref_filter_test(const pgr_filter *f, uint64_t h)
{
    uint64_t a, b;

    ref_filter_bits(f, h, &a, &b);
    return (f->bits[a >> 6] >> (a & 63) & 1) &&
           (f->bits[b >> 6] >> (b & 63) & 1);
}

static int
ref_phone_plain_separator(unsigned char c)
{
    /* '/' left out since: it may part two numbers (match.c) */
    return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' ||
           c == '+';
}

static int
ref_filter_suffix(const pgr_filter *f, uint64_t v, size_t k)
{
    uint32_t lengths;

    if ((f->nsn_lengths >> k & 1) &&
        ref_filter_test(f, ref_filter_num_hash(REF_TAG_NSN, (unsigned)k, v)))
        return 1;
    if (!(f->block_starts >> k & 1))
        return 0;
    for (lengths = f->block_lengths; lengths != 0; lengths &= lengths - 1) {
        size_t len = (size_t)__builtin_ctz(lengths);

        if (len >= k)
            break;
        if (ref_filter_test(f, ref_filter_num_hash(REF_TAG_BLOCK, (unsigned)len,
                                                   v / ref_filter_pow10[k - len])))
            return 1;
    }
    return 0;
}

/* A plain value (the caller has seen every byte is a digit or a
 * separator) whose last group of up to PGR_UNMARKED_EXT_MAX digits, after
 * a dash, may be an extension: the digits before that group, judged as a
 * value. */
static int
ref_tail_may_match(const pgr_filter *f, const char *value, size_t len)
{
    uint32_t interesting = f->nsn_lengths | f->block_starts;
    uint64_t v = 0;
    size_t t = 0, k = 0, i = len;
    int dash = 0;

    while (i > 0 && value[i - 1] == ' ')
        i--;
    while (i > 0 && (unsigned char)(value[i - 1] - '0') <= 9) {
        i--;
        t++;
    }
    if (t == 0 || t > PGR_UNMARKED_EXT_MAX)
        return 0;
    for (; i > 0 && (unsigned char)(value[i - 1] - '0') > 9; i--)
        dash |= value[i - 1] == '-';
    if (!dash)
        return 0;
    for (; i > 0; i--) {
        unsigned char c = (unsigned char)value[i - 1];

        if ((unsigned char)(c - '0') > 9)
            continue;
        v += (uint64_t)(c - '0') * ref_filter_pow10[k];
        k++;
        if ((interesting >> k & 1) && ref_filter_suffix(f, v, k))
            return 1;
    }
    return 0;
}

static int
ref_phone_may_match(const pgr_registry *reg, const char *value, size_t len)
{
    const pgr_filter *f;
    uint32_t interesting;
    uint64_t v = 0;
    size_t k = 0, i;

    if (reg == NULL || value == NULL)
        return 0;
    f = &reg->filter;
    if (f->bits == NULL || f->phone_all)
        return 1;
    interesting = f->nsn_lengths | f->block_starts;
    /* a closing remark since: "613-555-0142 (2)" reads without it too */
    for (i = len; i > 0 && value[i - 1] == ' '; i--)
        ;
    if (i > 0 && value[i - 1] == ')')
        return 1;
    for (i = len; i > 0; i--) {
        unsigned char c = (unsigned char)value[i - 1];

        if ((unsigned char)(c - '0') > 9) {
            if (!ref_phone_plain_separator(c))
                return 1;
            continue;
        }
        if (k >= REF_FILTER_DIGITS_MAX)
            return 1;
        if (k < REF_FILTER_NUM_MAX)
            v += (uint64_t)(c - '0') * ref_filter_pow10[k];
        k++;
        if ((interesting >> k & 1) && ref_filter_suffix(f, v, k))
            return 1;
    }
    return ref_tail_may_match(f, value, len);
}

static int
ref_email_plain_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static int
ref_email_may_match(const pgr_registry *reg, const char *value, size_t len)
{
    const pgr_filter *f;
    uint64_t h = REF_FILTER_STR_SEED;
    int seen_at = 0;
    size_t i;

    if (reg == NULL || value == NULL)
        return 0;
    if (len == 0)
        return 0;
    f = &reg->filter;
    if (f->bits == NULL || len > PGR_EMAIL_MAX ||
        value[len - 1] == '.' || value[len - 1] == '@')
        return 1;
    for (i = len; i > 0; i--) {
        unsigned char c = (unsigned char)value[i - 1];

        if ((unsigned char)(c - 'a') < 26) {
            h = (h ^ c) * REF_FILTER_STR_PRIME;
            continue;
        }
        if (c == '@') {
            if (seen_at)
                return 1;
            seen_at = 1;
            if (ref_filter_test(f, ref_filter_str_hash(REF_TAG_DOMAIN, h)))
                return 1;
        } else if (c == '.') {
            if (!seen_at && ref_filter_test(f, ref_filter_str_hash(REF_TAG_DOMAIN, h)))
                return 1;
        } else if (!ref_email_plain_byte(c)) {
            return 1;
        }
        h = ref_filter_str_step(h, c);
    }
    if (!seen_at)
        return 0;
    return ref_filter_test(f, ref_filter_str_hash(REF_TAG_EMAIL, h));
}

#endif /* PRECHECK_REF_H */
