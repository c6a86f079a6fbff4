/*
 * test_plainnorm.c - the word-at-a-time plain-value normalizer
 * (slapd-overlay/plainnorm.c) against the byte-by-byte loop it replaced,
 * kept here as the reference: the same answer and the same bytes on every
 * value.
 *
 * Values: every string of up to 4 bytes over an alphabet of the bytes the
 * two tell apart (letters at both ends of A-Z and a-z, the bytes next to
 * them, space, the ends of printable ASCII, a control, DEL, 0x80 and 0xff),
 * and random strings of 1 to 300 bytes, mostly letters and single or
 * double spaces, so that spaces fall on every position of a word and
 * across words.  Each value is copied into a heap block of exactly its
 * length, so that valgrind and ASan see any read outside it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "plainnorm.h"
#include "../xorshift64.h"

/* The reference: the loop plainnorm.c replaced. */
static int
ref_plain(const unsigned char *in, size_t n, char *out)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = in[i];

        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        else if (c < 0x21 || c > 0x7e) {
            if (in[i] != ' ' || in[i + 1] == ' ')
                return -1;
            c = ' ';
        }
        out[i] = (char)c;
    }
    out[n] = '\0';
    return 0;
}

static int
ref_may(const unsigned char *in, size_t n)
{
    return n > 0 && in[0] >= 0x21 && in[0] <= 0x7e &&
           in[n - 1] >= 0x21 && in[n - 1] <= 0x7e;
}

typedef struct tally {
    unsigned long values, tried, plain, mismatches;
} tally;

static void
check_one(const unsigned char *src, size_t n, tally *t)
{
    unsigned char *v = malloc(n > 0 ? n : 1);
    char *a = malloc(n + 1), *b = malloc(n + 1);
    int ra, rb, may;

    assert_non_null(v);
    assert_non_null(a);
    assert_non_null(b);
    memcpy(v, src, n);
    t->values++;
    may = pg_plain_may((const char *)v, n);
    if (may != ref_may(v, n)) {
        t->mismatches++;
    } else if (may) {
        t->tried++;
        ra = ref_plain(v, n, a);
        rb = pg_plain_lower_into((const char *)v, n, b);
        if (ra != rb || (ra == 0 && memcmp(a, b, n + 1) != 0)) {
            if (t->mismatches++ < 5) {
                size_t i;

                fprintf(stderr, "mismatch (ref %d, new %d) on:", ra, rb);
                for (i = 0; i < n; i++)
                    fprintf(stderr, " %02x", v[i]);
                fprintf(stderr, "\n");
            }
        }
        if (ra == 0)
            t->plain++;
    }
    free(v);
    free(a);
    free(b);
}

static const unsigned char alphabet[] = {
    'a', 'z', 'A', 'Z', '@', '[', '`', '{', ' ', '!', '~', 0x7f, 0x1f,
    0x80, 0xff, '0'
};

/*
 * Every string s of up to 4 bytes over the alphabet, alone (the tail loop,
 * and pg_plain_may) and inside plain padding with s starting at each of
 * the 9 positions 0-8, so that s falls on every place of a word and
 * across two words (length 9 to 21: the word loop, then the tail).
 */
static void
test_every_short_value(void **state)
{
    const size_t na = sizeof(alphabet);
    unsigned char v[4], padded[24];
    tally t = { 0, 0, 0, 0 };
    size_t len, code, total, k, pos;

    (void)state;
    pg_plain_init();
    for (len = 1; len <= 4; len++) {
        total = 1;
        for (k = 0; k < len; k++)
            total *= na;
        for (code = 0; code < total; code++) {
            size_t c = code;

            for (k = 0; k < len; k++) {
                v[k] = alphabet[c % na];
                c /= na;
            }
            check_one(v, len, &t);
            for (pos = 0; pos <= 8; pos++) {
                memset(padded, 'M', sizeof(padded));
                memcpy(padded + pos, v, len);
                /* ends plain; a space before and after s where there is
                 * room, for the pairs that cross s's ends */
                if (pos >= 2 && (code & 1))
                    padded[pos - 1] = ' ';
                if ((code & 2) && pos + len + 1 < 9 + len)
                    padded[pos + len] = ' ';
                check_one(padded, 9 + len + (pos & 3), &t);
            }
        }
    }
    assert_int_equal(t.mismatches, 0);
    assert_true(t.plain > 0 && t.plain < t.tried);
}

static void
test_random_values(void **state)
{
    static const unsigned char common[] = "abcXYZ019 .-@";
    uint64_t rng = 0x9e3779b97f4a7c15ULL;
    unsigned char v[300];
    tally t = { 0, 0, 0, 0 };
    int round;

    (void)state;
    pg_plain_init();
    for (round = 0; round < 100000; round++) {
        size_t n = 1 + (size_t)(xorshift64_next(&rng) % sizeof(v));
        size_t i;

        for (i = 0; i < n; i++) {
            uint64_t r = xorshift64_next(&rng);

            /* mostly plain; now and then a byte the word test must see */
            if (r % 97 == 0)
                v[i] = alphabet[(r >> 8) % sizeof(alphabet)];
            else
                v[i] = common[(r >> 8) % (sizeof(common) - 1)];
        }
        /* plain at both ends, so that the word loop is reached */
        v[0] = 'Q';
        v[n - 1] = 'q';
        check_one(v, n, &t);
    }
    assert_int_equal(t.mismatches, 0);
    assert_true(t.plain > 1000 && t.plain < t.tried);
}

/* What the overlay normalizes: names and the ploguardMatch text. */
static void
test_examples(void **state)
{
    char out[256];

    (void)state;
    pg_plain_init();
    assert_int_equal(pg_plain_lower_into("DECLINE-REFER ILDC: Wang Lihua", 30, out), 0);
    assert_string_equal(out, "decline-refer ildc: wang lihua");
    assert_int_equal(pg_plain_lower_into("Liu  Yang", 9, out), -1);
    assert_int_equal(pg_plain_lower_into("ABCDEFG  HIJ", 12, out), -1);  /* across a word */
    assert_int_equal(pg_plain_lower_into("ABCDEFGH IJ", 11, out), 0);
    assert_string_equal(out, "abcdefgh ij");
    assert_int_equal(pg_plain_lower_into("Zo\xc3\xab Chen", 9, out), -1);
    assert_int_equal(pg_plain_may(" x", 2), 0);
    assert_int_equal(pg_plain_may("x ", 2), 0);
    assert_int_equal(pg_plain_may("", 0), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_examples),
        cmocka_unit_test(test_every_short_value),
        cmocka_unit_test(test_random_values),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
