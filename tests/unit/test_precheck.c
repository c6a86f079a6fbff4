/*
 * test_precheck.c - the table-driven pre-checks in resolver/index.c
 * (pgr_phone_may_match, pgr_email_may_match) against the code they
 * replaced (precheck_ref.h): the same answer on every value, over the
 * sample registry's filter and over filters made up to reach every branch
 * (all bits set, random bits, random length masks, no filter, phone_all).
 *
 * Values: every string of up to 3 bytes over an alphabet of the bytes the
 * two functions tell apart, random strings, mutations of phone numbers and
 * addresses as people write them (the registry's own and 613-555-01xx,
 * example.org, .test), UTF-8 (fullwidth digits, Arabic-Indic digits, no-
 * break spaces, ideographic full stops), labels before an
 * extension ("613-555-0142 (cell) x204"), embedded NULs, and lengths at the limits (24/25 digits,
 * 320/321 bytes).  Each value is copied into a heap block of exactly its
 * length, so that valgrind and ASan see any read outside it.  With the real
 * filter, a value turned away must also have no hit in the full match: a
 * registered contact never slips through.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pgr.h"
#include "registry_int.h"
#include "precheck_ref.h"
#include "sample_fixture.h"
#include "../xorshift64.h"

#define VALUE_MAX 400   /* above PGR_EMAIL_MAX, for the length limits */

/* What a run saw, so that a test can tell it reached both answers. */
typedef struct tally {
    size_t values, phone_yes, phone_no, email_yes, email_no, mismatches;
} tally;

/* xorshift64*: the same values on every run */
static uint64_t rng_state;

static uint64_t
rng(void)
{
    return xorshift64_next(&rng_state);
}

static size_t
pick(size_t n)
{
    return (size_t)(rng() % n);
}

static void
print_value(const char *what, const char *v, size_t len)
{
    size_t i;

    print_message("  %s differs on (%zu bytes) \"", what, len);
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];

        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            print_message("%c", c);
        else
            print_message("\\x%02x", c);
    }
    print_message("\"\n");
}

/*
 * Both functions, old and new, on value v of len bytes, in a heap block of
 * exactly len bytes.  When check_match, a "no" must agree with the match.
 */
static void
check_value(const char *v, size_t len, int check_match, tally *t)
{
    char *copy = malloc(len > 0 ? len : 1);
    int po, pn, eo, en;

    assert_non_null(copy);
    if (len > 0)
        memcpy(copy, v, len);
    po = ref_phone_may_match(reg, copy, len);
    pn = pgr_phone_may_match(reg, copy, len);
    eo = ref_email_may_match(reg, copy, len);
    en = pgr_email_may_match(reg, copy, len);
    t->values++;
    if (po != pn) {
        print_value("phone", v, len);
        t->mismatches++;
    }
    if (eo != en) {
        print_value("e-mail", v, len);
        t->mismatches++;
    }
    if (pn)
        t->phone_yes++;
    else
        t->phone_no++;
    if (en)
        t->email_yes++;
    else
        t->email_no++;
    if (check_match) {
        pgr_result res;

        if (!pn && pgr_match_phone(reg, &cfg, copy, len, &res) > 0) {
            print_value("phone pre-check turned away a hit;", v, len);
            t->mismatches++;
        }
        if (!en && pgr_match_email(reg, copy, len, &res) > 0) {
            print_value("e-mail pre-check turned away a hit;", v, len);
            t->mismatches++;
        }
    }
    free(copy);
}

static void
check_string(const char *s, int check_match, tally *t)
{
    check_value(s, strlen(s), check_match, t);
}

/* ---------------------------------------------------------- the values */

/* Writes s into v at at, without its NUL (values are length-counted);
 * returns the length up to its end. */
static size_t
put(char *v, size_t at, const char *s)
{
    size_t i;

    for (i = 0; s[i] != '\0'; i++)
        v[at + i] = s[i];
    return at + i;
}

/* Bytes the two functions tell apart, and a few that neither takes. */
static const char alphabet[] = {
    '0', '1', '5', '9', ' ', '-', '.', '(', ')', '/', '+', 'x', 'A', 'z',
    '_', '@', ';', ':', '\t', '\0', '"', '<', (char)0xef, (char)0x80,
};

#define NALPHA (sizeof(alphabet) / sizeof(alphabet[0]))

/* Every string of 0 to 3 bytes over the alphabet. */
static void
all_short(int check_match, tally *t)
{
    char v[3];
    size_t a, b, c;

    check_value("", 0, check_match, t);
    for (a = 0; a < NALPHA; a++) {
        v[0] = alphabet[a];
        check_value(v, 1, check_match, t);
        for (b = 0; b < NALPHA; b++) {
            v[1] = alphabet[b];
            check_value(v, 2, check_match, t);
            for (c = 0; c < NALPHA; c++) {
                v[2] = alphabet[c];
                check_value(v, 3, check_match, t);
            }
        }
    }
}

/* Pieces people write phone numbers and addresses with, UTF-8 included. */
static const char *const pieces[] = {
    "0", "1", "2", "4", "6", "9", "00", "011", "613", "555", "01", "42",
    " ", "-", ".", "(", ")", "/", "+", "x", "ext", "#", ",", ";", "=", ":",
    "tel:", "sip:", "@", "a", "Z", "_", "li", "example", "org", "test",
    "\xef\xbc\x91",         /* fullwidth 1 */
    "\xef\xbc\x96",         /* fullwidth 6 */
    "\xd9\xa3",             /* Arabic-Indic 3 */
    "\xc2\xa0",             /* no-break space */
    "\xe2\x80\x91",         /* non-breaking hyphen */
    "\xe8\xbd\xac",         /* zhuan, extension */
    "\xe5\x88\x86\xe6\x9c\xba", /* fenji, extension */
    "\xe3\x80\x81",         /* ideographic comma */
    "\xe3\x80\x82",         /* ideographic full stop */
    "\xef\xbd\xa1",         /* halfwidth ideographic full stop */
    "\xe2\x80\xa2",         /* bullet */
    " (cell) ", " cell ", "[work]",   /* a label before an extension */
    "*67", "\\", "p", "w", "'",
    "\t", "\r\n", "<", ">", "\"", "%40", "\x7f", "\xff",
};

#define NPIECES (sizeof(pieces) / sizeof(pieces[0]))

/* Random strings of bytes and pieces, up to about 40 bytes. */
static void
random_strings(size_t n, int check_match, tally *t)
{
    char v[VALUE_MAX];
    size_t k;

    for (k = 0; k < n; k++) {
        size_t len = 0, want = pick(41);

        while (len < want) {
            if (rng() & 1) {
                v[len++] = alphabet[pick(NALPHA)];
            } else {
                const char *p = pieces[pick(NPIECES)];
                size_t pl = strlen(p);

                if (len + pl > sizeof(v))
                    break;
                len = put(v, len, p);
            }
        }
        check_value(v, len, check_match, t);
    }
}

/* Random plain values, which the functions judge in full: phone bytes
 * (digits and " +-.()") or address bytes (letters, digits, "-_.@"). */
static void
random_plain(size_t n, int check_match, tally *t)
{
    static const char phone_bytes[] = "0123456789012345678901234567890123456789 -.()/+";
    static const char email_bytes[] = "abcdefghijklmnopqrstuvwxyzAEXZ0129-_...@@";
    char v[VALUE_MAX];
    size_t k, i;

    for (k = 0; k < n; k++) {
        const char *from = k % 2 == 0 ? phone_bytes : email_bytes;
        size_t nfrom = strlen(from), len = pick(31);

        for (i = 0; i < len; i++)
            v[i] = from[pick(nfrom)];
        check_value(v, len, check_match, t);
    }
}

/* One random edit of v (len bytes, room for VALUE_MAX); the new length. */
static size_t
mutate(char *v, size_t len)
{
    size_t at = len > 0 ? pick(len) : 0;
    const char *p;
    size_t pl;

    switch (pick(8)) {
    case 0:   /* replace a byte */
        if (len > 0)
            v[at] = alphabet[pick(NALPHA)];
        return len;
    case 1:   /* delete a byte */
        if (len > 0)
            memmove(v + at, v + at + 1, len - at - 1);
        return len > 0 ? len - 1 : 0;
    case 2:   /* change a digit */
        if (len > 0 && v[at] >= '0' && v[at] <= '9')
            v[at] = (char)('0' + pick(10));
        return len;
    case 3:   /* swap two neighbours */
        if (at + 1 < len) {
            char c = v[at];

            v[at] = v[at + 1];
            v[at + 1] = c;
        }
        return len;
    case 4:   /* upper-case a letter */
        if (len > 0 && v[at] >= 'a' && v[at] <= 'z')
            v[at] = (char)(v[at] - 'a' + 'A');
        return len;
    default:  /* insert a piece */
        p = pieces[pick(NPIECES)];
        pl = strlen(p);
        if (len + pl > VALUE_MAX)
            return len;
        memmove(v + at + pl, v + at, len - at);
        memcpy(v + at, p, pl);
        return len + pl;
    }
}

/* Each base, as it is and after 1 to 4 random edits, per round. */
static void
mutations(const char *const *base, size_t nbase, size_t rounds, int check_match,
          tally *t)
{
    char v[VALUE_MAX];
    size_t r, b, e, len;

    for (r = 0; r < rounds; r++) {
        for (b = 0; b < nbase; b++) {
            len = strlen(base[b]);
            memcpy(v, base[b], len);
            if (r == 0) {
                check_value(v, len, check_match, t);
                continue;
            }
            for (e = pick(4) + 1; e > 0; e--)
                len = mutate(v, len);
            check_value(v, len, check_match, t);
        }
    }
}

#define NFORMS 64

/* Written forms of E.164 number e164 ("+16135550142"), as in test_match. */
static size_t
phone_forms(const char *e164, char forms[][48], size_t max)
{
    const char *d = e164 + 1;
    size_t n = 0;

    if (max < 16)
        return 0;
    snprintf(forms[n++], 48, "%s", e164);
    snprintf(forms[n++], 48, "%s", d);
    snprintf(forms[n++], 48, "00%s", d);
    snprintf(forms[n++], 48, "tel:%s", e164);
    snprintf(forms[n++], 48, "%s x204", e164);
    snprintf(forms[n++], 48, "%s (cell) x204", e164);
    if (d[0] == '1') {
        snprintf(forms[n++], 48, "+1 (%.3s) %.3s-%s", d + 1, d + 4, d + 7);
        snprintf(forms[n++], 48, "%.3s.%.3s.%s", d + 1, d + 4, d + 7);
        snprintf(forms[n++], 48, "1-%.3s-%.3s-%s", d + 1, d + 4, d + 7);
        snprintf(forms[n++], 48, "9 %.3s %.3s %s", d + 1, d + 4, d + 7);
        snprintf(forms[n++], 48, "011 %s", d);
        snprintf(forms[n++], 48, "%.3s/%.3s/%s", d + 1, d + 4, d + 7);
        snprintf(forms[n++], 48, "%.3s-%.3s-%s-204", d + 1, d + 4, d + 7);
        snprintf(forms[n++], 48, "%s - 12", e164);
        snprintf(forms[n++], 48, "%sp204", d);
        snprintf(forms[n++], 48, "%.3s\xe3\x80\x82%.3s\xe3\x80\x82%s",
                 d + 1, d + 4, d + 7);
    } else if (strncmp(d, "44", 2) == 0) {
        snprintf(forms[n++], 48, "+44 (0)%s", d + 2);
        snprintf(forms[n++], 48, "0044 0%s", d + 2);
    }
    return n;
}

/* Phone numbers: the registry's in several forms, and their neighbours. */
static size_t
phone_bases(char forms[][48], const char **base, size_t max)
{
    static const char *const more[] = {
        "16135550142", "+1 (613) 555-0142", "613.555.0142", "613-555-0199",
        "tel:+1-613-555-0142", "+1 613 555 0142 ext. 12", "6135550142;ext=1",
        "+1\357\274\226135550142",            /* fullwidth 6 */
        "\357\274\226\357\274\221\357\274\2235550142",   /* fullwidth 613 */
        "+44 20 7946 0042", "+44 (0)20 7946 0042", "00 44 20 7946 0042",
        "+1 602 555 0042", "(613) 555-0100", "1 613 555 01 40", "+86 10 6596 1114",
        "010-6596-1114\350\275\254204",       /* zhuan 204 */
        "9-1-613-555-0112", "+1613555014",
        /* dialing and signalling forms, and extensions after a dash */
        "+44-20-7946-0042-12", "011-44-20-7946-0042-204", "+86-10-6596-1114-204",
        "*67 613-555-0142", "#31#6135550142", "\\+16135550142",
        "6135550142p204#", "9w6135550142", "6135550142ww",
        "\"Wang Lihua\" <6135550142>", "Phone (24/7): 613-555-0142",
        "<sip:+16135550142@pbx;user=phone>;tag=abc", "<tel:+16135550142;ext=204>;tag=1",
        "613\xe2\x80\x8d" "555\xe2\x80\x8c" "0142", "\xd8\x9c" "613-555-0142",
        "613-555-0142\xe2\x80\xa8", "6\xef\xb8\x8f" "135550142",
        "tel:+1%20613%20555%200142", "sip:%2B16135550142@pbx.example.org",
        "skype:+16135550142?call", "callto:+16135550142?call",
        "*82 613-555-0142", "*8216135550142", "*82 1 613 555 0142",
        "\"Wang\" <sip:+16135550142@pbx;user=phone>;party=calling;privacy=off",
        "+44 20 7946 0042 \345\210\206\346\234\272 204",   /* fenji 204 */
        "6135550199\343\200\2016135550142",   /* ideographic comma */
        /* a label between the number and its extension */
        "613-555-0142 (cell) x204", "613-555-0142 cell, ext. 204",
        "+1 613 555 0142 [work] ext. 204", "Tel: 613-555-0142 (work) ext 204",
        "613-555-0199 (cell) x6135550142", "613-555-0142 cell #204",
        /* ideographic full stops as dots */
        "613\343\200\202" "555\343\200\202" "0142",
        "+1 613\357\275\241" "555\357\275\241" "0142",
        "010\343\200\202" "6596\343\200\202" "1114",
        "+16135550149999", "123456789012345678901234", "1234567890123456789012345",
    };
    size_t n = 0, i, j;

    for (i = 0; i < sizeof(more) / sizeof(more[0]) && n < max; i++)
        base[n++] = more[i];
    for (i = 0; i < pgr_registry_entity_count(reg); i++) {
        const pgr_entity *e = pgr_registry_entity(reg, i);

        for (j = 0; j < e->nphones; j++) {
            size_t k, nf;

            if (n + 16 > max)
                return n;
            nf = phone_forms(e->phones[j], forms + n, max - n);
            for (k = 0; k < nf; k++, n++)
                base[n] = forms[n];
        }
    }
    return n;
}

/* Addresses: the registry's, and others at its domains and elsewhere. */
static size_t
email_bases(const char **base, size_t max)
{
    static const char *const more[] = {
        "li.na@example.org", "LI.NA@EXAMPLE.ORG", "li.na+x@example.org",
        "someone@mps.example.test", "a@mail.mps.example.test",
        "x@ottawa.mfa.example.test", "liaison@plo.example.org",
        "wang.lihua@mps.example.test", "wang_lihua-2@agency.example.org",
        "Li Na <li.na@example.org>", "mailto:li.na@example.org",
        "li.na@example.org.", "li@na@example.org", "@example.org",
        "li.na@", "li..na@example.org", "li.na@\xe5\x85\xac\xe5\xae\x89\xe9\x83\xa8.example.test",
        "nobody@example.net", "a@b.c", "no-at-sign.example.org",
    };
    size_t n = 0, i, j;

    for (i = 0; i < sizeof(more) / sizeof(more[0]) && n < max; i++)
        base[n++] = more[i];
    for (i = 0; i < pgr_registry_entity_count(reg); i++) {
        const pgr_entity *e = pgr_registry_entity(reg, i);

        for (j = 0; j < e->nemails && n < max; j++)
            base[n++] = e->emails[j];
    }
    return n;
}

/* Values at the length limits, and with NULs inside. */
static void
limits(int check_match, tally *t)
{
    char v[VALUE_MAX + 1];
    size_t n, k;

    /* 14 to 26 digits, plain and with separators */
    for (n = 14; n <= 26; n++) {
        for (k = 0; k < n; k++)
            v[k] = (char)('0' + (k * 7 + 3) % 10);
        check_value(v, n, check_match, t);
        put(v, n, " -");
        check_value(v, n + 2, check_match, t);
        /* ends in a registered NSN */
        put(v, n - 10, "6135550142");
        check_value(v, n, check_match, t);
    }
    /* addresses of 318 to 322 bytes */
    for (n = 318; n <= 322; n++) {
        memset(v, 'a', n);
        put(v, n - 12, "@example.org");
        check_value(v, n, check_match, t);
        v[3] = '.';
        check_value(v, n, check_match, t);
    }
    /* a long run of separators before a number */
    memset(v, ' ', 200);
    put(v, 200, "613-555-0142");
    check_value(v, 212, check_match, t);
    /* NULs: the length counts, not the terminator */
    check_value("6135550142\0", 11, check_match, t);
    check_value("613\0" "5550142", 11, check_match, t);
    check_value("li.na@example.org\0", 18, check_match, t);
    check_value("li.na\0@example.org", 18, check_match, t);
    check_value("\0", 1, check_match, t);
    /* prefixes of a value: every length */
    for (n = 0; n <= 17; n++) {
        check_value("+1 613 555 0142xx", n, check_match, t);
        check_value("li.na@example.org", n, check_match, t);
    }
}

/* Everything above, once: about 145,000 values. */
static void
all_values(uint64_t seed, int check_match, tally *t)
{
    static char phone_forms_buf[512][48];
    const char *phones[512], *emails[128];
    size_t np, ne;

    rng_state = seed;
    all_short(check_match, t);
    random_strings(30000, check_match, t);
    random_plain(20000, check_match, t);
    np = phone_bases(phone_forms_buf, phones, 512);
    ne = email_bases(emails, 128);
    mutations(phones, np, 40000 / np + 1, check_match, t);
    mutations(emails, ne, 40000 / ne + 1, check_match, t);
    limits(check_match, t);
}

static void
report(const char *name, const tally *t)
{
    print_message("  %s: %zu values; phone %zu yes %zu no; e-mail %zu yes %zu no; "
                  "%zu mismatches\n", name, t->values, t->phone_yes, t->phone_no,
                  t->email_yes, t->email_no, t->mismatches);
}

/* ----------------------------------------------------------------- tests */

/* The sample registry's own filter: same answers, and no hit turned away. */
static void
test_sample_filter(void **state)
{
    tally t = { 0 };

    (void)state;
    all_values(0x9E3779B97F4A7C15ULL, 1, &t);
    report("sample filter", &t);
    assert_int_equal(t.mismatches, 0);
    assert_true(t.values > 140000);
    /* both answers were reached, so both paths were compared */
    assert_true(t.phone_no > 10000 && t.phone_yes > 10000);
    assert_true(t.email_no > 10000 && t.email_yes > 10000);
}

/* Made-up filters: every bit set (every test passes), and random bits and
 * length masks, so that each test of a suffix or domain can go both ways. */
static void
test_made_up_filters(void **state)
{
    pgr_filter saved = reg->filter;
    size_t nwords = (size_t)((reg->filter.mask + 1) / 64), w;
    uint64_t *bits = reg->filter.bits;
    uint64_t *saved_bits = malloc(nwords * sizeof(*saved_bits));
    int round;

    (void)state;
    assert_non_null(saved_bits);
    memcpy(saved_bits, bits, nwords * sizeof(*bits));
    for (round = 0; round < 4; round++) {
        tally t = { 0 };
        char name[32];

        rng_state = 0x2545F4914F6CDD1DULL + (uint64_t)round;
        for (w = 0; w < nwords; w++) {
            uint64_t x = rng(), y = rng();

            if (round == 0)
                bits[w] = ~0ULL;
            else if (round == 1)
                bits[w] = x | y;   /* about 3 bits in 4 */
            else
                bits[w] = x & y;   /* about 1 bit in 4 */
        }
        if (round >= 2) {
            /* any NSN length (bit 0 and past 24 too); blocks as the
             * filter can hold them: 1..15 digits, starting 2..16 from
             * the end, so that k - len stays a power of ten it knows */
            reg->filter.nsn_lengths = (uint32_t)rng() | 1u;
            reg->filter.block_lengths = (uint32_t)rng() & 0xfffeu;
            reg->filter.block_starts = (uint32_t)rng() & 0x1fffcu;
        }
        all_values(0x51ED270B27E5A1C3ULL + (uint64_t)round, 0, &t);
        snprintf(name, sizeof(name), "made-up filter %d", round);
        report(name, &t);
        assert_int_equal(t.mismatches, 0);
        reg->filter.nsn_lengths = saved.nsn_lengths;
        reg->filter.block_lengths = saved.block_lengths;
        reg->filter.block_starts = saved.block_starts;
    }
    memcpy(bits, saved_bits, nwords * sizeof(*bits));
    free(saved_bits);
}

/* No filter, a filter that passes every phone, no registry, no value. */
static void
test_edges(void **state)
{
    pgr_filter saved = reg->filter;
    tally t = { 0 };

    (void)state;
    reg->filter.phone_all = 1;
    rng_state = 7;
    random_strings(2000, 0, &t);
    limits(0, &t);
    reg->filter.phone_all = 0;
    reg->filter.bits = NULL;
    random_strings(2000, 0, &t);
    limits(0, &t);
    reg->filter = saved;
    assert_int_equal(t.mismatches, 0);
    assert_int_equal(pgr_phone_may_match(NULL, "6135550142", 10),
                     ref_phone_may_match(NULL, "6135550142", 10));
    assert_int_equal(pgr_email_may_match(NULL, "li.na@example.org", 17),
                     ref_email_may_match(NULL, "li.na@example.org", 17));
    assert_int_equal(pgr_phone_may_match(reg, NULL, 0), ref_phone_may_match(reg, NULL, 0));
    assert_int_equal(pgr_email_may_match(reg, NULL, 5), ref_email_may_match(reg, NULL, 5));
}

/* What a person writes for a registered contact always passes. */
static void
test_registered_forms_pass(void **state)
{
    static const char *const phones[] = {
        "16135550142", "+1 (613) 555-0142", "613.555.0142", "613-555-0142",
        "tel:+1-613-555-0142", "+1 613 555 0142 x12",
        "\357\274\226\357\274\221\357\274\2235550142",   /* fullwidth 613 */
        "+44 20 7946 0042", "+1613555 0149",
        "613-555-0142-204", "1-613-555-0142 - 2041", "6135550142p204",
        "613\343\200\202" "555\343\200\202" "0142",   /* ideographic stops */
        "613\357\275\241" "555\357\275\241" "0142",   /* halfwidth */
        "613-555-0142 (cell) x204", "613-555-0142 cell x204",   /* labels */
        "+1 613 555 0142 [work] ext. 204", "613-555-0142 (cell), ext. 204",
        "Tel: 613-555-0142 (work) ext 204", "613-555-0199 (cell) x6135550142",
    };
    static const char *const emails[] = {
        "wang.lihua@mps.example.test", "Wang.Lihua@MPS.Example.Test",
        "someone@ottawa.mfa.example.test", "li.na@example.org",
        "li.na+news@example.org", "<li.na@example.org>",
    };
    tally t = { 0 };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(phones) / sizeof(phones[0]); i++) {
        assert_true(pgr_phone_may_match(reg, phones[i], strlen(phones[i])));
        check_string(phones[i], 1, &t);
    }
    for (i = 0; i < sizeof(emails) / sizeof(emails[0]); i++) {
        assert_true(pgr_email_may_match(reg, emails[i], strlen(emails[i])));
        check_string(emails[i], 1, &t);
    }
    assert_int_equal(t.mismatches, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered_forms_pass),
        cmocka_unit_test(test_sample_filter),
        cmocka_unit_test(test_made_up_filters),
        cmocka_unit_test(test_edges),
    };

    return cmocka_run_group_tests_name("precheck", tests, setup, teardown);
}
