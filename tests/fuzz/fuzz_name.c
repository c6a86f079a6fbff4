/*
 * fuzz_name.c - pgr_name_query_keys and pgr_name_lookup_keys on arbitrary
 * bytes, and pgr_name_key on the two halves of the input (split at the
 * first newline).  Every key must be "family|given" in a-z, distinct, and
 * fit its buffer.  pgr_name_phrase_key's must be "=" and words of a-z,
 * 0-9 and UTF-8 (Han) with one blank between them.
 */
#include <string.h>

#include "pgr.h"
#include "fuzz.h"

/* Checks "family|given"; both parts present unless one_sided_ok. */
static void
check_key(const char *k, int one_sided_ok)
{
    size_t n = strlen(k), i, bars = 0, bar = 0;

    FUZZ_CHECK(n >= 2 && n < PGR_NAME_KEY_MAX);
    for (i = 0; i < n; i++) {
        if (k[i] == '|') {
            bars++;
            bar = i;
        } else {
            FUZZ_CHECK(k[i] >= 'a' && k[i] <= 'z');
        }
    }
    FUZZ_CHECK(bars == 1);
    if (!one_sided_ok)
        FUZZ_CHECK(bar > 0 && bar < n - 1);
}

/* n keys of a query, in room for cap: well formed, distinct, the rest
 * empty. */
static void
check_keys(char (*keys)[PGR_NAME_KEY_MAX], size_t n, size_t cap)
{
    size_t i, j;

    FUZZ_CHECK(n <= cap);
    for (i = 0; i < n; i++) {
        check_key(keys[i], 0);
        for (j = 0; j < i; j++)
            FUZZ_CHECK(strcmp(keys[i], keys[j]) != 0);
    }
    for (; i < cap; i++)
        FUZZ_CHECK(keys[i][0] == '\0');
}

static void
fuzz_query(const char *in, size_t size)
{
    char keys[PGR_NAME_KEYS][PGR_NAME_KEY_MAX];
    size_t n;

    memset(keys, 'X', sizeof(keys));
    n = pgr_name_query_keys(in, size, keys);
    FUZZ_CHECK(n <= 2);
    check_keys(keys, n, PGR_NAME_KEYS);
}

/* The wider keys of a lookup. */
static void
fuzz_lookup(const char *in, size_t size)
{
    char keys[PGR_NAME_LOOKUP_KEYS][PGR_NAME_KEY_MAX];

    memset(keys, 'X', sizeof(keys));
    check_keys(keys, pgr_name_lookup_keys(in, size, keys), PGR_NAME_LOOKUP_KEYS);
}

/* The key of a body's name: "=word word", a-z 0-9 and bytes of UTF-8
 * (Han characters), no blank at either end nor two together. */
static void
fuzz_phrase(const char *in, size_t size)
{
    char key[PGR_NAME_KEY_MAX];
    size_t n, i, len;

    memset(key, 'X', sizeof(key));
    n = pgr_name_phrase_key(in, size, key);
    FUZZ_CHECK(n <= 1);
    if (n == 0) {
        FUZZ_CHECK(key[0] == '\0');
        return;
    }
    len = strlen(key);
    FUZZ_CHECK(len >= 2 && len < PGR_NAME_KEY_MAX && key[0] == '=');
    FUZZ_CHECK(key[1] != ' ' && key[len - 1] != ' ');
    for (i = 1; i < len; i++)
        FUZZ_CHECK((key[i] >= 'a' && key[i] <= 'z') ||
                   (key[i] >= '0' && key[i] <= '9') ||
                   (unsigned char)key[i] >= 0x80 ||
                   (key[i] == ' ' && key[i - 1] != ' '));
}

static void
fuzz_key(const char *in, size_t size)
{
    char out[PGR_NAME_KEY_MAX];
    char *copy = malloc(size + 1), *nl;
    const char *family, *given;

    FUZZ_CHECK(copy != NULL);
    memcpy(copy, in, size);
    copy[size] = '\0';
    family = copy;
    nl = strchr(copy, '\n');
    if (nl != NULL) {
        *nl = '\0';
        given = nl + 1;
    } else {
        given = NULL;
    }
    if (pgr_name_key(family, given, out) == 1)
        check_key(out, 1);
    else
        FUZZ_CHECK(out[0] == '\0');
    free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;

    fuzz_query(in, size);
    fuzz_lookup(in, size);
    fuzz_phrase(in, size);
    fuzz_key(in, size);
    return 0;
}
