/*
 * test_email.c - pgr_email_normalize and pgr_domain_normalize: the golden
 * table tests/unit/email-golden.tsv, then the limits, the buffer contract
 * and the rule that ASCII input allocates nothing; last, that the forms of
 * a registered address reach the matcher past pgr_email_may_match.
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

#define GOLDEN "tests/unit/email-golden.tsv"
#define SAMPLE "data/registry.sample.json"

#ifndef PGR_TEST_SRCDIR
#define PGR_TEST_SRCDIR "."
#endif

/* ------------------------------------------------- allocation counting */

/*
 * The test program's malloc family takes the place of libc's for every
 * library in the process (libidn2 included), so a call to the code under
 * test can be checked for allocating.  Sanitizers bring their own
 * allocator; under them the allocation test is skipped.
 */
#if defined(__SANITIZE_ADDRESS__)
#define COUNT_ALLOCS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COUNT_ALLOCS 0
#endif
#endif
#ifndef COUNT_ALLOCS
#define COUNT_ALLOCS 1
#endif

#if COUNT_ALLOCS
static size_t alloc_count;

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

#define EXPORTED __attribute__((visibility("default")))

EXPORTED void *malloc(size_t n);
EXPORTED void *calloc(size_t m, size_t n);
EXPORTED void *realloc(void *p, size_t n);
EXPORTED void free(void *p);

EXPORTED void *
malloc(size_t n)
{
    alloc_count++;
    return __libc_malloc(n);
}

EXPORTED void *
calloc(size_t m, size_t n)
{
    alloc_count++;
    return __libc_calloc(m, n);
}

EXPORTED void *
realloc(void *p, size_t n)
{
    alloc_count++;
    return __libc_realloc(p, n);
}

EXPORTED void
free(void *p)
{
    __libc_free(p);
}
#endif

/* ------------------------------------------------------- golden table */

static int
hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes the escapes of the input column into out; returns its length,
 * or -1 on a malformed escape. */
static long
unescape(const char *s, char *out, size_t outsz)
{
    size_t o = 0;

    while (*s != '\0') {
        int c = (unsigned char)*s++;

        if (c == '\\') {
            int e = (unsigned char)*s++;

            switch (e) {
            case 't':  c = '\t'; break;
            case 'n':  c = '\n'; break;
            case 'r':  c = '\r'; break;
            case '0':  c = '\0'; break;
            case '\\': c = '\\'; break;
            case 'x':
                if (hexval(s[0]) < 0 || hexval(s[1]) < 0)
                    return -1;
                c = hexval(s[0]) * 16 + hexval(s[1]);
                s += 2;
                break;
            default:
                return -1;
            }
        }
        if (o + 1 >= outsz)
            return -1;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return (long)o;
}

static FILE *
open_golden(void)
{
    const char *dir = getenv("top_srcdir");
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir ? dir : PGR_TEST_SRCDIR,
             GOLDEN);
    f = fopen(path, "r");
    if (f == NULL)
        print_error("cannot open %s\n", path);
    return f;
}

/* Runs one row; returns 0 when the result is the expected one. */
static int
golden_row(unsigned lineno, const char *kind, const char *in, size_t len,
           const char *want)
{
    char out[PGR_EMAIL_MAX + 1];
    size_t off = 9999;
    int rc;

    memset(out, 'X', sizeof(out));
    if (strcmp(kind, "email") == 0)
        rc = pgr_email_normalize(in, len, out, sizeof(out), &off);
    else
        rc = pgr_domain_normalize(in, len, out, sizeof(out));

    if (strcmp(want, "-") == 0) {
        if (rc == -1 && out[0] == '\0')
            return 0;
        print_error("%s:%u: %s accepted, gave \"%s\"\n", GOLDEN, lineno,
                    kind, rc == 0 ? out : "(garbage)");
        return -1;
    }
    if (rc != 0) {
        print_error("%s:%u: %s refused, wanted \"%s\"\n", GOLDEN, lineno,
                    kind, want);
        return -1;
    }
    if (strcmp(out, want) != 0) {
        print_error("%s:%u: %s gave \"%s\", wanted \"%s\"\n", GOLDEN, lineno,
                    kind, out, want);
        return -1;
    }
    if (strcmp(kind, "email") == 0 &&
        (off >= strlen(out) || out[off - 1] != '@' ||
         strchr(out, '@') != out + off - 1)) {
        print_error("%s:%u: domain offset %zu wrong for \"%s\"\n", GOLDEN,
                    lineno, off, out);
        return -1;
    }
    return 0;
}

static void
test_golden(void **state)
{
    FILE *f = open_golden();
    char line[2048];
    unsigned lineno = 0, failed = 0, emails = 0, domains = 0, refused = 0;

    (void)state;
    assert_non_null(f);
    while (fgets(line, sizeof(line), f) != NULL) {
        char in[1024];
        char *kind, *raw, *want, *tab;
        long len;

        lineno++;
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        kind = line;
        tab = strchr(kind, '\t');
        assert_non_null(tab);
        *tab = '\0';
        raw = tab + 1;
        tab = strchr(raw, '\t');
        assert_non_null(tab);
        *tab = '\0';
        want = tab + 1;
        assert_null(strchr(want, '\t'));
        len = unescape(raw, in, sizeof(in));
        if (len < 0)
            fail_msg("%s:%u: bad escape", GOLDEN, lineno);
        if (strcmp(kind, "email") == 0)
            emails++;
        else if (strcmp(kind, "domain") == 0)
            domains++;
        else
            fail_msg("%s:%u: unknown kind \"%s\"", GOLDEN, lineno, kind);
        if (strcmp(want, "-") == 0)
            refused++;
        if (golden_row(lineno, kind, in, (size_t)len, want) != 0)
            failed++;
    }
    fclose(f);
    assert_int_equal(failed, 0);
    assert_true(emails >= 40);
    assert_true(domains >= 20);
    assert_true(refused >= 30);
}

/* ------------------------------------------------------------- limits */

/* Builds "<local>@<domain>" from repeated letters. */
static void
make_address(char *buf, size_t bufsz, size_t local_len, const char *domain)
{
    assert_true(local_len + 1 + strlen(domain) < bufsz);
    memset(buf, 'a', local_len);
    buf[local_len] = '@';
    snprintf(buf + local_len + 1, bufsz - local_len - 1, "%s", domain);
}

/* Builds a domain of labels of label_len letters, total length total. */
static void
make_domain(char *buf, size_t total, size_t label_len)
{
    size_t i;

    for (i = 0; i < total; i++)
        buf[i] = (i + 1) % (label_len + 1) == 0 ? '.' : 'b';
    buf[total] = '\0';
    /* the last label is letters, not empty */
    if (buf[total - 1] == '.')
        buf[total - 1] = 'b';
}

static void
test_local_part_limit(void **state)
{
    char in[512], out[PGR_EMAIL_MAX + 1];
    size_t off;

    (void)state;
    make_address(in, sizeof(in), 64, "example.org");
    assert_int_equal(pgr_email_normalize(in, strlen(in), out, sizeof(out),
                                         &off), 0);
    assert_int_equal(off, 65);
    make_address(in, sizeof(in), 65, "example.org");
    assert_int_equal(pgr_email_normalize(in, strlen(in), out, sizeof(out),
                                         &off), -1);
    /* the limit is on what was written, before the sub-address goes */
    make_address(in, sizeof(in), 65, "example.org");
    in[10] = '+';
    assert_int_equal(pgr_email_normalize(in, strlen(in), out, sizeof(out),
                                         &off), -1);
}

static void
test_domain_limits(void **state)
{
    char d[512], out[PGR_DOMAIN_MAX + 1];
    char label[80];

    (void)state;
    make_domain(d, 253, 63);
    assert_int_equal(pgr_domain_normalize(d, strlen(d), out, sizeof(out)), 0);
    assert_string_equal(out, d);
    make_domain(d, 254, 63);
    assert_int_equal(pgr_domain_normalize(d, strlen(d), out, sizeof(out)), -1);
    /* 253 plus the trailing dot of a fully qualified name is still 253 */
    make_domain(d, 253, 63);
    snprintf(d + 253, sizeof(d) - 253, ".");
    assert_int_equal(pgr_domain_normalize(d, strlen(d), out, sizeof(out)), 0);

    memset(label, 'c', 63);
    snprintf(label + 63, sizeof(label) - 63, ".example.org");
    assert_int_equal(pgr_domain_normalize(label, strlen(label), out,
                                          sizeof(out)), 0);
    memset(label, 'c', 64);
    snprintf(label + 64, sizeof(label) - 64, ".example.org");
    assert_int_equal(pgr_domain_normalize(label, strlen(label), out,
                                          sizeof(out)), -1);
}

static void
test_address_limit(void **state)
{
    char in[1024], dom[300], out[PGR_EMAIL_MAX + 1];
    size_t off;

    (void)state;
    /* 64 + 1 + 253 = 318: the longest valid address */
    make_domain(dom, 253, 63);
    make_address(in, sizeof(in), 64, dom);
    assert_int_equal(pgr_email_normalize(in, strlen(in), out, sizeof(out),
                                         &off), 0);
    assert_int_equal(strlen(out), 318);
    assert_int_equal(off, 65);
    /* a domain one byte too long makes the address invalid */
    make_domain(dom, 254, 63);
    make_address(in, sizeof(in), 64, dom);
    assert_int_equal(pgr_email_normalize(in, strlen(in), out, sizeof(out),
                                         &off), -1);
    /* a display name does not count towards the address */
    memset(in, 'N', 400);
    in[400] = '\0';
    snprintf(in + 400, sizeof(in) - 400, " <li@example.org>");
    assert_int_equal(pgr_email_normalize(in, strlen(in), out, sizeof(out),
                                         &off), 0);
    assert_string_equal(out, "li@example.org");
}

/* Builds "<local>@<domain>" with a local part of local_len fullwidth 'ａ'
 * (3 bytes each). */
static void
make_fullwidth_address(char *buf, size_t bufsz, size_t local_len,
                       const char *domain)
{
    size_t i;

    assert_true(3 * local_len + 1 + strlen(domain) < bufsz);
    for (i = 0; i < local_len; i++) {
        buf[3 * i] = (char)0xef;
        buf[3 * i + 1] = (char)0xbd;
        buf[3 * i + 2] = (char)0x81;
    }
    buf[3 * local_len] = '@';
    snprintf(buf + 3 * local_len + 1, bufsz - 3 * local_len - 1, "%s",
             domain);
}

static void
test_unusual_local_limits(void **state)
{
    char in[1024], dom[300], out[PGR_EMAIL_MAX + 1];
    size_t off;

    (void)state;
    /* 64 fullwidth letters are 64 characters, though 192 bytes */
    make_fullwidth_address(in, sizeof(in), 64, "example.org");
    assert_int_equal(pgr_email_normalize(in, strlen(in), out, sizeof(out),
                                         &off), 0);
    assert_int_equal(off, 65);
    make_fullwidth_address(in, sizeof(in), 65, "example.org");
    assert_int_equal(pgr_email_normalize(in, strlen(in), out, sizeof(out),
                                         &off), -1);
    /* the longest address, written with more than 320 bytes */
    make_domain(dom, 253, 63);
    make_fullwidth_address(in, sizeof(in), 64, dom);
    assert_true(strlen(in) > PGR_EMAIL_MAX);
    assert_int_equal(pgr_email_normalize(in, strlen(in), out, sizeof(out),
                                         &off), 0);
    assert_int_equal(strlen(out), 318);
    /* but plain ASCII that long is no address */
    memset(in, 'a', PGR_EMAIL_MAX - 11);
    snprintf(in + PGR_EMAIL_MAX - 11, sizeof(in) - PGR_EMAIL_MAX + 11,
             "@example.org");
    assert_int_equal(pgr_email_normalize(in, strlen(in), out, sizeof(out),
                                         &off), -1);

    /* quotes do not count towards the local part's 64 characters */
    in[0] = '"';
    memset(in + 1, 'a', 64);
    snprintf(in + 65, sizeof(in) - 65, "\"@example.org");
    assert_int_equal(pgr_email_normalize(in, strlen(in), out, sizeof(out),
                                         &off), 0);
    assert_int_equal(off, 65);
    memset(in + 1, 'a', 65);
    snprintf(in + 66, sizeof(in) - 66, "\"@example.org");
    assert_int_equal(pgr_email_normalize(in, strlen(in), out, sizeof(out),
                                         &off), -1);
    assert_int_equal(out[0], '\0');
}

/* ------------------------------------------------------ buffer contract */

static void
test_length_counted(void **state)
{
    const char *s = "li@example.orgXYZ";
    char out[64];
    size_t off;

    (void)state;
    /* the input need not be NUL-terminated: only len bytes are read */
    assert_int_equal(pgr_email_normalize(s, 14, out, sizeof(out), &off), 0);
    assert_string_equal(out, "li@example.org");
    assert_int_equal(pgr_domain_normalize(s + 3, 11, out, sizeof(out)), 0);
    assert_string_equal(out, "example.org");
    assert_int_equal(pgr_domain_normalize(s + 3, 10, out, sizeof(out)), 0);
    assert_string_equal(out, "example.or");
}

static void
test_small_buffer(void **state)
{
    const char *s = "li@example.org";
    char out[32];
    size_t off = 7;

    (void)state;
    /* exactly enough room: 14 characters and the NUL */
    assert_int_equal(pgr_email_normalize(s, strlen(s), out, 15, &off), 0);
    assert_string_equal(out, "li@example.org");
    memset(out, 'X', sizeof(out));
    assert_int_equal(pgr_email_normalize(s, strlen(s), out, 14, &off), -1);
    assert_int_equal(out[0], '\0');
    assert_int_equal(out[14], 'X');
    memset(out, 'X', sizeof(out));
    assert_int_equal(pgr_email_normalize(s, strlen(s), out, 2, &off), -1);
    assert_int_equal(out[0], '\0');
    assert_int_equal(out[2], 'X');
    assert_int_equal(pgr_email_normalize(s, strlen(s), out, 0, &off), -1);

    assert_int_equal(pgr_domain_normalize("example.org", 11, out, 12), 0);
    assert_int_equal(pgr_domain_normalize("example.org", 11, out, 11), -1);
    assert_int_equal(pgr_domain_normalize("bücher.example.org", 19, out, 12),
                     -1);
    assert_int_equal(out[0], '\0');
}

static void
test_null_arguments(void **state)
{
    char out[64];
    size_t off;

    (void)state;
    assert_int_equal(pgr_email_normalize(NULL, 5, out, sizeof(out), &off),
                     -1);
    assert_int_equal(pgr_email_normalize("a@b.org", 7, NULL, 64, &off), -1);
    /* the domain offset is optional */
    assert_int_equal(pgr_email_normalize("a@b.org", 7, out, sizeof(out),
                                         NULL), 0);
    assert_string_equal(out, "a@b.org");
    assert_int_equal(pgr_domain_normalize(NULL, 3, out, sizeof(out)), -1);
    assert_int_equal(pgr_domain_normalize("b.org", 5, NULL, 64), -1);
}

/* Registry data and client values must meet in one form whatever way
 * each was written. */
static void
test_same_address(void **state)
{
    static const char *const forms[] = {
        "wang.lihua@mfa.example.test",
        "WANG.LIHUA@MFA.EXAMPLE.TEST",
        "wang.lihua+plo@mfa.example.test",
        "mailto:Wang.Lihua@mfa.example.test?subject=request",
        "\"Wang Lihua\" <wang.lihua@mfa.example.test>",
        "Wang Lihua <Wang.Lihua+ottawa@Mfa.Example.Test.>",
        "  <wang.lihua@mfa.example.test>  ",
        "Wang, Lihua <wang.lihua@mfa.example.test>",
        "wang.lihua@mfa.example.test (Wang Lihua)",
        "\"wang.lihua\"@mfa.example.test",
        "ｗａｎｇ.ｌｉｈｕａ＠mfa.example.test",
        "\xc2\xa0wang.lihua@mfa.example.test\xe2\x80\x8b",
        "SMTP:wang.lihua@mfa.example.test",
    };
    char first[PGR_EMAIL_MAX + 1], out[PGR_EMAIL_MAX + 1];
    size_t i, off;

    (void)state;
    assert_int_equal(pgr_email_normalize(forms[0], strlen(forms[0]), first,
                                         sizeof(first), &off), 0);
    for (i = 1; i < sizeof(forms) / sizeof(forms[0]); i++) {
        assert_int_equal(pgr_email_normalize(forms[i], strlen(forms[i]), out,
                                             sizeof(out), &off), 0);
        assert_string_equal(out, first);
        assert_string_equal(out + off, "mfa.example.test");
    }
}

/* A normalized address normalizes to itself. */
static void
test_idempotent(void **state)
{
    static const char *const in[] = {
        "Li+x@Example.ORG", "li@bücher.example.org", "\"Li\" <li@例え.test>",
        "mailto:a%2Eb@example.org",
    };
    char once[PGR_EMAIL_MAX + 1], twice[PGR_EMAIL_MAX + 1];
    size_t i, off;

    (void)state;
    for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        assert_int_equal(pgr_email_normalize(in[i], strlen(in[i]), once,
                                             sizeof(once), &off), 0);
        assert_int_equal(pgr_email_normalize(once, strlen(once), twice,
                                             sizeof(twice), &off), 0);
        assert_string_equal(once, twice);
        assert_int_equal(pgr_domain_normalize(once + off, strlen(once + off),
                                              twice, sizeof(twice)), 0);
        assert_string_equal(once + off, twice);
    }
}

/* ------------------------------------------------------- allocation */

static void
test_ascii_does_not_allocate(void **state)
{
#if COUNT_ALLOCS
    static const char *const ascii[] = {
        "li@example.org", "\"Li\" <LI+x@Example.ORG>",
        "mailto:li%2Bx@example.org?subject=x", "li@XN--BCHER-KVA.example.org",
        "not an address", "li@example..org",
        "Li, Na <li.na@example.org>", "li.na@example.org (Li (MFA) Na)",
        "\"li.na\"@example.org", "SMTP:li.na@example.org",
    };
    /* not ASCII, but an ASCII domain: no libidn2 for an address either */
    static const char *const ascii_domain[] = {
        "ｌｉ.na＠example.org",
        "\xef\xbb\xbfli.na@example.org\xc2\xa0",
    };
    void *(*volatile alloc)(size_t) = malloc;
    char out[PGR_EMAIL_MAX + 1];
    size_t i, off, before;
    void *probe;

    (void)state;
    /* valgrind puts its own malloc in place of this one */
    before = alloc_count;
    probe = alloc(16);
    free(probe);
    if (alloc_count == before) {
        print_message("allocator replaced (valgrind?): not counting\n");
        skip();
    }
    for (i = 0; i < sizeof(ascii) / sizeof(ascii[0]); i++) {
        before = alloc_count;
        (void)pgr_email_normalize(ascii[i], strlen(ascii[i]), out,
                                  sizeof(out), &off);
        (void)pgr_domain_normalize(ascii[i], strlen(ascii[i]), out,
                                   sizeof(out));
        assert_int_equal(alloc_count, before);
    }
    for (i = 0; i < sizeof(ascii_domain) / sizeof(ascii_domain[0]); i++) {
        before = alloc_count;
        assert_int_equal(pgr_email_normalize(ascii_domain[i],
                                             strlen(ascii_domain[i]), out,
                                             sizeof(out), &off), 0);
        assert_int_equal(alloc_count, before);
    }
    /* the counter does see libidn2's allocations, so the above means it */
    before = alloc_count;
    assert_int_equal(pgr_email_normalize("li@bücher.example.org", 22, out,
                                         sizeof(out), &off), 0);
    assert_true(alloc_count > before);
#else
    (void)state;
    skip();
#endif
}

/* ------------------------------------------- forms of a registered address */

/*
 * Forms of li.na@example.org, registered in the sample registry, that a
 * red-team review found refused.  Each must normalize to the registered
 * address, pass the overlay's pre-check (which judges only plain values)
 * and match the entry.
 */
static const char *const li_na_forms[] = {
    "Li, Na <li.na@example.org>",
    "Li, Na (MFA) <li.na@example.org>",
    "Li Na <li.na@example.org> (MFA)",
    "li.na@example.org (Li Na)",
    "(Li Na) li.na@example.org",
    "li.na@example.org(Li Na)",
    "\"li.na\"@example.org",
    "\"LI.NA\"@example.org (Li Na)",
    "ｌｉ.ｎａ@example.org",
    "li.na＠example.org",
    "ＬＩ.ＮＡ＠ＥＸＡＭＰＬＥ.ＯＲＧ",
    "li.na@example。org",
    "\xc2\xa0li.na@example.org",
    "li.na@example.org\xc2\xa0",
    "\xe2\x80\x8bli.na@example.org\xe2\x80\x8b",
    "\xef\xbb\xbfli.na@example.org",
    "\xe2\x80\x8eli.na@example.org\xe2\x80\x8f",
    "li.na@example.org\xe2\x80\xaf",
    "\xe2\x81\xa0li.na@example.org\xe2\x81\xa0",
    "SMTP:li.na@example.org",
    "smtp:li.na@example.org",
};

static void
test_registered_forms(void **state)
{
    const char *dir = getenv("top_srcdir");
    char path[4096], out[PGR_EMAIL_MAX + 1];
    pgr_config cfg;
    pgr_errors errs;
    pgr_registry *reg;
    pgr_result res;
    size_t i, off;

    (void)state;
    snprintf(path, sizeof(path), "%s/%s", dir ? dir : PGR_TEST_SRCDIR,
             SAMPLE);
    pgr_config_init(&cfg);
    pgr_errors_init(&errs);
    reg = pgr_registry_load_file(path, &cfg, &errs);
    pgr_errors_free(&errs);
    assert_non_null(reg);

    /* the plain form is registered, and the pre-check sees it */
    assert_true(pgr_email_may_match(reg, "li.na@example.org", 17));
    assert_true(pgr_match_email(reg, "li.na@example.org", 17, &res) > 0);
    assert_string_equal(res.hit[0].entity->id, "li-na");

    for (i = 0; i < sizeof(li_na_forms) / sizeof(li_na_forms[0]); i++) {
        const char *v = li_na_forms[i];
        size_t len = strlen(v);

        if (pgr_email_normalize(v, len, out, sizeof(out), &off) != 0)
            fail_msg("form %zu refused: %s", i, v);
        if (strcmp(out, "li.na@example.org") != 0)
            fail_msg("form %zu gave %s: %s", i, out, v);
        if (!pgr_email_may_match(reg, v, len))
            fail_msg("form %zu stopped by the pre-check: %s", i, v);
        if (pgr_match_email(reg, v, len, &res) == 0)
            fail_msg("form %zu not matched: %s", i, v);
        assert_string_equal(res.hit[0].entity->id, "li-na");
        assert_int_equal(res.hit[0].on, PGR_ON_EMAIL);
        assert_string_equal(res.normalized, "li.na@example.org");
    }
    pgr_registry_free(reg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_local_part_limit),
        cmocka_unit_test(test_domain_limits),
        cmocka_unit_test(test_address_limit),
        cmocka_unit_test(test_unusual_local_limits),
        cmocka_unit_test(test_length_counted),
        cmocka_unit_test(test_small_buffer),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_same_address),
        cmocka_unit_test(test_idempotent),
        cmocka_unit_test(test_ascii_does_not_allocate),
        cmocka_unit_test(test_registered_forms),
    };

    return cmocka_run_group_tests_name("email", tests, NULL, NULL);
}
