/*
 * plainnorm.c - caseIgnoreMatch's normal form of a plain ASCII value
 * (plainnorm.h).
 *
 * Eight bytes at a time: one test tells whether all eight are printable
 * ASCII, one finds the spaces (two in a row make a value not plain), one
 * lower-cases the letters.  The tail, under eight bytes, goes byte by
 * byte through a table.  A synthesized entry normalizes ten or so values
 * of 20 to 200 bytes (names, the prefixed names, ploguardMatch) for every
 * answer.
 */
#include "plainnorm.h"

#include <stdint.h>
#include <string.h>

#define ONES   0x0101010101010101ULL
#define HIGHS  0x8080808080808080ULL   /* bit 7 of each byte */
#define LOW7S  0x7f7f7f7f7f7f7f7fULL

/* Each byte of a plain value lower-cased; 0 for a byte that makes a value
 * not plain, and for the space, which is plain only between two other
 * characters. */
static unsigned char pg_plain_lower[256];

void
pg_plain_init(void)
{
    unsigned c;

    for (c = 0x21; c <= 0x7e; c++)
        pg_plain_lower[c] = (unsigned char)(c >= 'A' && c <= 'Z' ?
                                            c - 'A' + 'a' : c);
}

int
pg_plain_may(const char *v, size_t n)
{
    const unsigned char *in = (const unsigned char *)v;

    return n > 0 && pg_plain_lower[in[0]] != 0 &&
           pg_plain_lower[in[n - 1]] != 0;
}

/* Bit 7 set in each byte of w that is zero (exact per byte). */
static uint64_t
pg_zero_bytes(uint64_t w)
{
    return ~(((w & LOW7S) + LOW7S) | w | LOW7S);
}

/*
 * One word of eight bytes: the word lower-cased in *out, the spaces in
 * *spaces (bit 7 of each); -1 when a byte is not printable ASCII.
 */
static int
pg_plain_word(uint64_t w, uint64_t *out, uint64_t *spaces)
{
    uint64_t below, above, upper;

    /* bytes >= 0x80, < 0x20 or > 0x7e: below and above are exact for a
     * word without bit 7 (no carry crosses a byte) */
    if ((w & HIGHS) != 0)
        return -1;
    below = (w + (0x80 - 0x20) * ONES) & HIGHS;       /* set: >= 0x20 */
    above = (w + (0x80 - 0x7f) * ONES) & HIGHS;       /* set: >= 0x7f */
    if (below != HIGHS || above != 0)
        return -1;
    /* 'A' (0x41) to 'Z' (0x5a) */
    upper = ((w + (0x80 - 0x41) * ONES) ^ (w + (0x80 - 0x5b) * ONES)) & HIGHS;
    *out = w | (upper >> 2);                          /* + 0x20 */
    *spaces = pg_zero_bytes(w ^ (0x20 * ONES));
    return 0;
}

int
pg_plain_lower_into(const char *v, size_t n, char *out)
{
    const unsigned char *in = (const unsigned char *)v;
    int last_space = 0;   /* the byte before i was a space */
    size_t i = 0;

    for (; n - i >= 8; i += 8) {
        uint64_t w, lw, sp;

        memcpy(&w, in + i, 8);
        if (pg_plain_word(w, &lw, &sp) != 0)
            return -1;
        /* two spaces in a row, inside the word or across its start */
        if ((sp & (sp >> 8)) != 0 ||
            (last_space && in[i] == ' '))
            return -1;
        memcpy(out + i, &lw, 8);
        last_space = in[i + 7] == ' ';
    }
    for (; i < n; i++) {
        unsigned char c = pg_plain_lower[in[i]];

        if (c == 0) {
            /* one space between two plain characters (not at the end:
             * pg_plain_may checked it) */
            if (in[i] != ' ' || in[i + 1] == ' ' || last_space)
                return -1;
            c = ' ';
        }
        last_space = c == ' ';
        out[i] = (char)c;
    }
    out[n] = '\0';
    return 0;
}
