/*
 * test_phone.c - the phone-number parser: the golden table
 * (phone-golden.tsv), the configuration setters, the strict canonical form
 * used for registry data, and robustness against arbitrary bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unicode/uchar.h>

#include "pgr.h"

#ifndef PGR_TEST_SRCDIR
#define PGR_TEST_SRCDIR "."
#endif

#define GOLDEN_NAME     "tests/unit/phone-golden.tsv"
#define GOLDEN_MIN_ROWS 80
#define LINE_MAX_LEN    1024
#define PHONE_BIG       300   /* more than the 256-byte input cap */

/* Every region the parser must know (pgr_config_set_region). */
static const char *const known_regions[] = {
    "AE", "AG", "AI", "AR", "AS", "AT", "AU", "BB", "BD", "BE", "BM", "BR",
    "BS", "CA", "CH", "CL", "CN", "CO", "CZ", "DE", "DK", "DM", "DO", "EG",
    "ES", "FI", "FR", "GB", "GD", "GR", "GU", "HK", "HU", "ID", "IE", "IL",
    "IN", "IT", "JM", "JP", "KE", "KN", "KP", "KR", "KY", "KZ", "LC", "LK",
    "MO", "MP", "MS", "MX", "MY", "NG", "NL", "NO", "NZ", "PE", "PH", "PK",
    "PL", "PR", "PT", "RO", "RU", "SA", "SE", "SG", "SX", "TC", "TH", "TR",
    "TT", "TW", "UA", "US", "VC", "VE", "VG", "VI", "VN", "ZA", NULL
};

/* ------------------------------------------------------------ helpers */

static size_t
parse_str(const pgr_config *cfg, const char *s, pgr_phone_readings *out)
{
    return pgr_phone_parse(cfg, s, strlen(s), out);
}

/* A length-counted buffer (no NUL): number, then spaces to the end. */
static void
pad_number(char *buf, size_t size, const char *number)
{
    size_t i, n = strlen(number);

    for (i = 0; i < size; i++)
        buf[i] = i < n ? number[i] : ' ';
}

/* number, then '-' up to size - 1 bytes, then digit: content, not padding. */
static void
stretch_number(char *buf, size_t size, const char *number, char digit)
{
    size_t i, n = strlen(number);

    for (i = 0; i + 1 < size; i++)
        buf[i] = i < n ? number[i] : '-';
    buf[size - 1] = digit;
}

/* Checks what every reading must satisfy whatever the input. */
static int
readings_consistent(const pgr_phone_readings *rd, char *why, size_t whysz)
{
    size_t i, k;

    if (rd->count > PGR_PHONE_READINGS) {
        snprintf(why, whysz, "count %zu", rd->count);
        return 0;
    }
    if (rd->count == 0 && rd->ext[0] != '\0') {
        snprintf(why, whysz, "extension without a reading");
        return 0;
    }
    if (strlen(rd->ext) > PGR_EXT_MAX) {
        snprintf(why, whysz, "extension too long");
        return 0;
    }
    for (i = 0; i < rd->count; i++) {
        const pgr_phone *p = &rd->reading[i];
        uint64_t key = 0;
        size_t len = strnlen(p->e164, sizeof(p->e164));

        if (len == sizeof(p->e164) || p->e164[0] != '+' ||
            len != (size_t)p->ndigits + 1 || p->ndigits < 8 ||
            p->ndigits > PGR_E164_MAX || p->e164[1] == '0') {
            snprintf(why, whysz, "malformed reading %zu", i);
            return 0;
        }
        for (k = 1; k < len; k++) {
            if (p->e164[k] < '0' || p->e164[k] > '9') {
                snprintf(why, whysz, "non-digit in %s", p->e164);
                return 0;
            }
            key = key * 10 + (uint64_t)(p->e164[k] - '0');
        }
        if (key != p->key || key == 0) {
            snprintf(why, whysz, "key of %s", p->e164);
            return 0;
        }
        for (k = 0; k < i; k++)
            if (rd->reading[k].key == p->key) {
                snprintf(why, whysz, "duplicate %s", p->e164);
                return 0;
            }
    }
    return 1;
}

/* ------------------------------------------------------- golden table */

static int
hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Unescapes s into out; returns the length, or -1 on a bad escape. */
static long
unescape(const char *s, char *out, size_t outsz)
{
    size_t n = 0;

    while (*s != '\0') {
        char c = *s++;

        if (c == '\\') {
            int hi, lo;

            switch (*s++) {
            case '\\': c = '\\'; break;
            case 't':  c = '\t'; break;
            case 'n':  c = '\n'; break;
            case 'r':  c = '\r'; break;
            case 'x':
                if ((hi = hex_value(s[0])) < 0 || (lo = hex_value(s[1])) < 0)
                    return -1;
                c = (char)(hi * 16 + lo);
                s += 2;
                break;
            default:
                return -1;
            }
        }
        if (n >= outsz)
            return -1;
        out[n++] = c;
    }
    return (long)n;
}

/* Splits line into exactly n tab-separated fields, in place. */
static int
split_fields(char *line, char **field, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char *tab;

        field[i] = line;
        tab = strchr(line, '\t');
        if (i + 1 < n) {
            if (tab == NULL)
                return -1;
            *tab = '\0';
            line = tab + 1;
        } else if (tab != NULL) {
            return -1;
        }
    }
    return 0;
}

/* The readings joined with commas, "-" for none. */
static void
join_readings(const pgr_phone_readings *rd, char *out, size_t outsz)
{
    size_t i, n = 0;

    if (rd->count == 0) {
        snprintf(out, outsz, "-");
        return;
    }
    out[0] = '\0';
    for (i = 0; i < rd->count && n < outsz; i++)
        n += (size_t)snprintf(out + n, outsz - n, "%s%s", i ? "," : "",
                              rd->reading[i].e164);
}

static FILE *
open_golden(void)
{
    const char *top = getenv("top_srcdir");
    char path[4096];

    snprintf(path, sizeof(path), "%s/%s",
             top != NULL && *top != '\0' ? top : PGR_TEST_SRCDIR, GOLDEN_NAME);
    return fopen(path, "r");
}

/* One row; returns 1 when it matches, printing the difference otherwise. */
static int
golden_row(unsigned lineno, char **f)
{
    char input[LINE_MAX_LEN], got[LINE_MAX_LEN], why[128];
    pgr_phone_readings rd;
    pgr_config cfg;
    long len;
    const char *ext, *ol;

    pgr_config_init(&cfg);
    len = unescape(f[0], input, sizeof(input));
    if (len < 0) {
        print_error("phone-golden.tsv:%u: bad escape in input\n", lineno);
        return 0;
    }
    ol = strcmp(f[2], "none") == 0 ? "" : f[2];
    if (pgr_config_set_region(&cfg, f[1]) != 0 ||
        pgr_config_set_outside_line(&cfg, ol) != 0) {
        print_error("phone-golden.tsv:%u: bad region or outside line\n",
                    lineno);
        return 0;
    }
    pgr_phone_parse(&cfg, input, (size_t)len, &rd);
    if (!readings_consistent(&rd, why, sizeof(why))) {
        print_error("phone-golden.tsv:%u: \"%s\": %s\n", lineno, f[0], why);
        return 0;
    }
    join_readings(&rd, got, sizeof(got));
    ext = rd.ext[0] != '\0' ? rd.ext : "-";
    if (strcmp(got, f[3]) != 0 || strcmp(ext, f[4]) != 0) {
        print_error("phone-golden.tsv:%u: \"%s\" [%s, %s]: want %s ext %s, "
                    "got %s ext %s\n", lineno, f[0], f[1], f[2], f[3], f[4],
                    got, ext);
        return 0;
    }
    return 1;
}

static void
test_golden_table(void **state)
{
    char line[LINE_MAX_LEN];
    unsigned lineno = 0, rows = 0, failed = 0;
    FILE *fp;

    (void)state;
    fp = open_golden();
    assert_non_null(fp);
    while (fgets(line, sizeof(line), fp) != NULL) {
        char *f[5];
        size_t n = strlen(line);

        lineno++;
        assert_true(n > 0 && line[n - 1] == '\n');   /* no line too long */
        line[n - 1] = '\0';
        if (line[0] == '#' && strchr(line, '\t') != NULL) {
            /* a row whose input begins with '#' would be skipped as a
             * comment and never run: its '#' is written \x23 */
            print_error("phone-golden.tsv:%u: a comment with a tab "
                        "(a row? write a leading '#' as \\x23)\n", lineno);
            failed++;
            continue;
        }
        if (line[0] == '#' || (line[0] == '\0'))
            continue;
        rows++;
        if (split_fields(line, f, 5) != 0) {
            print_error("phone-golden.tsv:%u: want 5 fields\n", lineno);
            failed++;
            continue;
        }
        if (!golden_row(lineno, f))
            failed++;
    }
    assert_int_equal(ferror(fp), 0);
    fclose(fp);
    assert_true(rows >= GOLDEN_MIN_ROWS);
    assert_int_equal(failed, 0);
}

/* ------------------------------------------------------- configuration */

static void
test_config_defaults(void **state)
{
    pgr_config cfg;

    (void)state;
    memset(&cfg, 0x5a, sizeof(cfg));
    pgr_config_init(&cfg);
    assert_string_equal(cfg.region, "CA");
    assert_string_equal(cfg.outside_line, "9");
    pgr_config_init(NULL);   /* must not crash */
}

static void
test_config_region_known(void **state)
{
    pgr_config cfg;
    size_t i;

    (void)state;
    pgr_config_init(&cfg);
    for (i = 0; known_regions[i] != NULL; i++) {
        char lower[3];

        assert_int_equal(pgr_config_set_region(&cfg, known_regions[i]), 0);
        assert_string_equal(cfg.region, known_regions[i]);
        lower[0] = (char)(known_regions[i][0] - 'A' + 'a');
        lower[1] = (char)(known_regions[i][1] - 'A' + 'a');
        lower[2] = '\0';
        assert_int_equal(pgr_config_set_region(&cfg, "ZA"), 0);
        assert_int_equal(pgr_config_set_region(&cfg, lower), 0);
        assert_string_equal(cfg.region, known_regions[i]);
    }
    assert_true(i >= 40);
}

static void
test_config_region_unknown(void **state)
{
    static const char *const bad[] = {
        "XX", "C", "CAN", "", "ca ", " CA", "C\xc3", "12", "EU", "UK", NULL
    };
    pgr_config cfg;
    size_t i;

    (void)state;
    pgr_config_init(&cfg);
    assert_int_equal(pgr_config_set_region(&cfg, "GB"), 0);
    for (i = 0; bad[i] != NULL; i++) {
        assert_int_equal(pgr_config_set_region(&cfg, bad[i]), -1);
        assert_string_equal(cfg.region, "GB");   /* unchanged */
    }
    assert_int_equal(pgr_config_set_region(&cfg, NULL), -1);
    assert_int_equal(pgr_config_set_region(NULL, "CA"), -1);
    assert_string_equal(cfg.region, "GB");
}

static void
test_config_outside_line(void **state)
{
    static const char *const good[] = { "", "9", "0", "81", "1234", NULL };
    static const char *const bad[] = {
        "12345", "9a", " 9", "-1", "+9", "\xef\xbc\x99", NULL
    };
    pgr_config cfg;
    size_t i;

    (void)state;
    pgr_config_init(&cfg);
    for (i = 0; good[i] != NULL; i++) {
        assert_int_equal(pgr_config_set_outside_line(&cfg, good[i]), 0);
        assert_string_equal(cfg.outside_line, good[i]);
    }
    assert_int_equal(pgr_config_set_outside_line(&cfg, "8"), 0);
    for (i = 0; bad[i] != NULL; i++) {
        assert_int_equal(pgr_config_set_outside_line(&cfg, bad[i]), -1);
        assert_string_equal(cfg.outside_line, "8");   /* unchanged */
    }
    assert_int_equal(pgr_config_set_outside_line(&cfg, NULL), -1);
    assert_int_equal(pgr_config_set_outside_line(NULL, "9"), -1);
}

/* The setters change what the parser does. */
static void
test_config_effect(void **state)
{
    pgr_phone_readings rd;
    pgr_config cfg;

    (void)state;
    pgr_config_init(&cfg);
    assert_int_equal(parse_str(&cfg, "020 7946 0012", &rd), 0);
    assert_int_equal(pgr_config_set_region(&cfg, "gb"), 0);
    assert_int_equal(parse_str(&cfg, "020 7946 0012", &rd), 1);
    assert_string_equal(rd.reading[0].e164, "+442079460012");

    pgr_config_init(&cfg);
    assert_int_equal(parse_str(&cfg, "96135550142", &rd), 2);
    assert_int_equal(pgr_config_set_outside_line(&cfg, ""), 0);
    assert_int_equal(parse_str(&cfg, "96135550142", &rd), 1);
    assert_string_equal(rd.reading[0].e164, "+96135550142");
    assert_int_equal(pgr_config_set_outside_line(&cfg, "0"), 0);
    assert_int_equal(parse_str(&cfg, "0 613 555 0142", &rd), 1);
    assert_string_equal(rd.reading[0].e164, "+16135550142");
}

/* A hand-filled config with an unknown region still reads '+' numbers, and
 * a garbage outside line is ignored rather than trusted. */
static void
test_config_unvalidated(void **state)
{
    pgr_phone_readings rd;
    pgr_config cfg;

    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    memcpy(cfg.region, "ZZ", 3);
    memcpy(cfg.outside_line, "9x", 3);
    assert_int_equal(parse_str(&cfg, "+1 613 555 0142", &rd), 1);
    assert_string_equal(rd.reading[0].e164, "+16135550142");
    assert_int_equal(parse_str(&cfg, "96135550142", &rd), 1);
    assert_string_equal(rd.reading[0].e164, "+96135550142");
    assert_int_equal(parse_str(&cfg, "(613) 555-0142", &rd), 0);

    /* NULL config: the defaults (CA, outside line 9). */
    assert_int_equal(parse_str(NULL, "613-555-0142", &rd), 1);
    assert_string_equal(rd.reading[0].e164, "+16135550142");
    assert_int_equal(parse_str(NULL, "96135550142", &rd), 2);
}

/* ----------------------------------------------------------- canonical */

static void
expect_canonical(const pgr_config *cfg, const char *in, const char *e164)
{
    const char *why = "unset";
    pgr_phone p;

    if (pgr_phone_canonical(cfg, in, strlen(in), &p, &why) != 0)
        fail_msg("\"%s\": %s", in, why);
    assert_null(why);
    assert_string_equal(p.e164, e164);
    assert_int_equal(p.ndigits, strlen(e164) - 1);
    assert_true(p.key == strtoull(e164 + 1, NULL, 10));
}

static void
expect_refused(const pgr_config *cfg, const char *in, size_t len,
               const char *reason)
{
    const char *why = NULL;
    pgr_phone p;

    memset(&p, 0x5a, sizeof(p));
    if (pgr_phone_canonical(cfg, in, len, &p, &why) != -1)
        fail_msg("\"%s\" accepted as %s", in, p.e164);
    assert_non_null(why);
    if (strncmp(why, reason, strlen(reason)) != 0)
        fail_msg("\"%s\": want \"%s\", got \"%s\"", in, reason, why);
    assert_int_equal(p.key, 0);
    assert_int_equal(p.e164[0], '\0');
}

static void
test_canonical_accepts(void **state)
{
    pgr_config cfg;

    (void)state;
    pgr_config_init(&cfg);
    expect_canonical(&cfg, "+1 (613) 555-0142", "+16135550142");
    expect_canonical(&cfg, "613-555-0142", "+16135550142");
    expect_canonical(&cfg, "1 613 555 0142", "+16135550142");
    expect_canonical(&cfg, "011 44 20 7946 0012", "+442079460012");
    expect_canonical(&cfg, "+44 (0)20 7946 0012", "+442079460012");
    expect_canonical(&cfg, "tel:+1-613-555-0199", "+16135550199");
    /* Separators are how a number looks, not a form that dials it: the
     * fullwidth, ideographic and halfwidth ideographic full stops alike. */
    expect_canonical(&cfg, "613\xef\xbc\x8e" "555\xef\xbc\x8e" "0142",
                     "+16135550142");
    expect_canonical(&cfg, "613\xe3\x80\x82" "555\xe3\x80\x82" "0142",
                     "+16135550142");
    expect_canonical(&cfg, "613\xef\xbd\xa1" "555\xef\xbd\xa1" "0142",
                     "+16135550142");
    assert_int_equal(pgr_config_set_region(&cfg, "GB"), 0);
    expect_canonical(&cfg, "020 7946 0012", "+442079460012");
    /* The region's own code without '+' is still that number. */
    expect_canonical(&cfg, "44 20 7946 0012", "+442079460012");
    assert_int_equal(pgr_config_set_region(&cfg, "CN"), 0);
    expect_canonical(&cfg, "010 6596 1114", "+861065961114");
    /* why may be NULL */
    {
        pgr_phone p;
        assert_int_equal(pgr_phone_canonical(&cfg, "+16135550142", 12, &p,
                                             NULL), 0);
        assert_string_equal(p.e164, "+16135550142");
    }
}

static void
test_canonical_refuses(void **state)
{
    static const char *const dialed[] = {
        "*67 613 555 0142", "#31#6135550142", "\\+16135550142",
        "\"Li\" <+16135550142>", "+16135550142p", "9w+16135550142",
        "+16135550142##", "+16135550142 x#",
    };
    char big[PHONE_BIG];
    pgr_config cfg;
    size_t i;

    (void)state;
    pgr_config_init(&cfg);
    expect_refused(&cfg, "", 0, "is empty");
    expect_refused(&cfg, NULL, 5, "is empty");
    expect_refused(&cfg, "   ", 3, "is empty");
    expect_refused(&cfg, "613-555-01", 10, "is not a complete phone number");
    expect_refused(&cfg, "911", 3, "is not a complete phone number");
    expect_refused(&cfg, "Restricted", 10, "is not a phone number");
    expect_refused(&cfg, "anonymous", 9, "is not a phone number");
    /* A label is read in directory values, never in registry data. */
    expect_refused(&cfg, "Tel. 613-555-0142", 17, "is not a phone number");
    expect_refused(&cfg, "613-555-0142 (mobile)", 21, "is not a phone number");
    expect_refused(&cfg, "613-555-0142 (cell) x204", 24, "is not a phone number");
    expect_refused(&cfg, "613-555-0142 x204", 17, "has an extension");
    expect_refused(&cfg, "613-555-0142 x12345678901", 25,
                   "has an extension longer");
    /* Dialing and signalling forms are read in directory values only. */
    for (i = 0; i < sizeof(dialed) / sizeof(dialed[0]); i++)
        expect_refused(&cfg, dialed[i], strlen(dialed[i]), "is not a phone number");
    /* A closing '#' was accepted from the first release: a registry that
     * holds one must go on loading. */
    expect_canonical(&cfg, "+16135550142#", "+16135550142");
    /* Registry data gets no outside-line reading and no guessed '+'. */
    expect_refused(&cfg, "96135550142", 11, "is not a complete phone number");
    expect_refused(&cfg, "9 1 613 555 0142", 16,
                   "is not a complete phone number");
    expect_refused(&cfg, "442079460012", 12, "is not a complete phone number");
    stretch_number(big, sizeof(big), "613555014", '2');
    expect_refused(&cfg, big, sizeof(big), "is too long");
    /* Two complete readings. */
    assert_int_equal(pgr_config_set_region(&cfg, "DE"), 0);
    expect_refused(&cfg, "4930123456", 10, "is ambiguous");
    /* No place for the result. */
    assert_int_equal(pgr_phone_canonical(&cfg, "+16135550142", 12, NULL, NULL),
                     -1);
}

/* ---------------------------------------------------------- robustness */

static void
test_length_counted(void **state)
{
    static const char buf[] = "6135550142999";
    pgr_phone_readings rd;
    pgr_config cfg;

    (void)state;
    pgr_config_init(&cfg);
    assert_int_equal(pgr_phone_parse(&cfg, buf, 10, &rd), 1);
    assert_string_equal(rd.reading[0].e164, "+16135550142");
    assert_int_equal(pgr_phone_parse(&cfg, buf, 0, &rd), 0);
    assert_int_equal(pgr_phone_parse(&cfg, NULL, 10, &rd), 0);
    assert_int_equal(pgr_phone_parse(&cfg, buf, 10, NULL), 0);
}

/* Inputs are capped at 256 bytes, whatever they hold. */
static void
test_input_cap(void **state)
{
    char buf[PHONE_BIG];
    pgr_phone_readings rd;
    pgr_config cfg;

    (void)state;
    pgr_config_init(&cfg);
    /* The cap is on what is left once blanks around the value are cut:
     * a number padded to a fixed-width field still reads. */
    pad_number(buf, sizeof(buf), "+16135550142");
    assert_int_equal(pgr_phone_parse(&cfg, buf, 256, &rd), 1);
    assert_int_equal(pgr_phone_parse(&cfg, buf, sizeof(buf), &rd), 1);
    assert_string_equal(rd.reading[0].e164, "+16135550142");
    stretch_number(buf, 256, "+1613555014", '2');
    assert_int_equal(pgr_phone_parse(&cfg, buf, 256, &rd), 1);
    stretch_number(buf, 257, "+1613555014", '2');
    assert_int_equal(pgr_phone_parse(&cfg, buf, 257, &rd), 0);
    memset(buf, '1', sizeof(buf));
    assert_int_equal(pgr_phone_parse(&cfg, buf, 40, &rd), 0);
    assert_int_equal(pgr_phone_parse(&cfg, buf, sizeof(buf), &rd), 0);
}

/* A failed parse leaves nothing behind from an earlier one. */
static void
test_output_reset(void **state)
{
    pgr_phone_readings rd;
    pgr_config cfg;

    (void)state;
    pgr_config_init(&cfg);
    assert_int_equal(parse_str(&cfg, "613-555-0142 x204", &rd), 1);
    assert_string_equal(rd.ext, "204");
    assert_int_equal(parse_str(&cfg, "x204", &rd), 0);
    assert_string_equal(rd.ext, "");
    assert_int_equal(rd.reading[0].key, 0);
}

/* xorshift: deterministic, so a failure can be replayed. */
static uint32_t
next_random(uint32_t *s)
{
    /* Shifts through 64 bits: the truncation is wanted, not an overflow. */
    *s ^= (uint32_t)((uint64_t)*s << 13);
    *s ^= *s >> 17;
    *s ^= (uint32_t)((uint64_t)*s << 5);
    return *s;
}

/* Random bytes, and random mixes of the characters a number is made of:
 * never a crash, always consistent readings. */
static void
test_random_inputs(void **state)
{
    static const char alphabet[] = "0123456789+ -.()x#;,@:=*/tesip\t";
    pgr_phone_readings rd;
    pgr_config cfg;
    uint32_t seed = 0x9e3779b9u;
    size_t nregions = 0;
    char buf[160], why[128];
    int round;

    (void)state;
    pgr_config_init(&cfg);
    while (known_regions[nregions] != NULL)
        nregions++;
    for (round = 0; round < 200000; round++) {
        size_t len = next_random(&seed) % sizeof(buf), i;
        int raw = round % 4 == 0;

        for (i = 0; i < len; i++) {
            uint32_t r = next_random(&seed);
            buf[i] = raw ? (char)(r & 0xff)
                         : alphabet[r % (sizeof(alphabet) - 1)];
        }
        if (round % 7 == 0)
            pgr_config_set_region(&cfg,
                                  known_regions[(size_t)round % nregions]);
        pgr_phone_parse(&cfg, buf, len, &rd);
        if (!readings_consistent(&rd, why, sizeof(why)))
            fail_msg("round %d: %s", round, why);
    }
}

/* Encodes cp (below 0x110000) as UTF-8 at out; returns the length. */
static size_t
utf8_put(char *out, UChar32 cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/*
 * The parser's digit table against ICU: every decimal digit (Nd) of planes
 * 0 and 1, where all of them are, ends "+1 613 555 014_" as its value, and
 * no other code point completes the number there.
 */
static void
test_digits_match_icu(void **state)
{
    static const char head[] = "+1 613 555 014";
    char buf[sizeof(head) + 8], want[] = "+1613555014?";
    pgr_phone_readings rd;
    pgr_config cfg;
    UChar32 cp;
    unsigned digits = 0;

    (void)state;
    pgr_config_init(&cfg);
    memcpy(buf, head, sizeof(head) - 1);
    for (cp = 0x80; cp < 0x20000; cp++) {
        size_t n;

        if (cp >= 0xd800 && cp <= 0xdfff)
            continue;
        n = sizeof(head) - 1 + utf8_put(buf + sizeof(head) - 1, cp);
        if (u_charType(cp) == U_DECIMAL_DIGIT_NUMBER) {
            want[sizeof(want) - 2] = (char)('0' + u_charDigitValue(cp));
            if (pgr_phone_parse(&cfg, buf, n, &rd) != 1 ||
                strcmp(rd.reading[0].e164, want) != 0)
                fail_msg("U+%04X (digit %d) not read as a digit", (unsigned)cp,
                         u_charDigitValue(cp));
            digits++;
        } else if (pgr_phone_parse(&cfg, buf, n, &rd) != 0) {
            /* nine national digits unless cp counted as a tenth */
            fail_msg("U+%04X read as a digit (%s)", (unsigned)cp,
                     rd.reading[0].e164);
        }
    }
    assert_true(digits >= 600);   /* 66 scripts and styles in Unicode 15 */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_table),
        cmocka_unit_test(test_config_defaults),
        cmocka_unit_test(test_config_region_known),
        cmocka_unit_test(test_config_region_unknown),
        cmocka_unit_test(test_config_outside_line),
        cmocka_unit_test(test_config_effect),
        cmocka_unit_test(test_config_unvalidated),
        cmocka_unit_test(test_canonical_accepts),
        cmocka_unit_test(test_canonical_refuses),
        cmocka_unit_test(test_length_counted),
        cmocka_unit_test(test_input_cap),
        cmocka_unit_test(test_output_reset),
        cmocka_unit_test(test_random_inputs),
        cmocka_unit_test(test_digits_match_icu),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
