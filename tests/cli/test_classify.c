/*
 * test_classify.c - how ploguard lookup classifies a value (phone, e-mail,
 * domain, name), what forcing a kind does, and the UTF-8 check every
 * command-line value passes before it is looked up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"

struct kind_case {
    const char  *value;
    pgr_cli_kind want;
};

static void
check_table(const struct kind_case *t, size_t n, pgr_cli_kind forced)
{
    size_t i;

    for (i = 0; i < n; i++) {
        pgr_cli_kind got = pgr_cli_classify(t[i].value, forced);
        if (got != t[i].want)
            fail_msg("\"%s\" (forced %s): got %s, want %s", t[i].value,
                     pgr_cli_kind_name(forced), pgr_cli_kind_name(got),
                     pgr_cli_kind_name(t[i].want));
    }
}

#define CHECK(table, forced) \
    check_table(table, sizeof(table) / sizeof(table[0]), forced)

/* Every phone form of the spec, and the ones only the matcher rejects. */
static void
test_phones(void **state)
{
    static const struct kind_case t[] = {
        { "6135550142", PGR_KIND_PHONE },
        { "16135550142", PGR_KIND_PHONE },
        { "+16135550142", PGR_KIND_PHONE },
        { "+1 (613) 555-0142", PGR_KIND_PHONE },
        { "613.555.0142", PGR_KIND_PHONE },
        { "1-613-555-0142", PGR_KIND_PHONE },
        { "tel:+1-613-555-0142", PGR_KIND_PHONE },
        { "TEL:+1-613-555-0142", PGR_KIND_PHONE },
        { "sip:+16135550142@pbx.example.org;user=phone", PGR_KIND_PHONE },
        /* SIP header values, as pasted from a log */
        { "<sip:+16135550142@pbx>", PGR_KIND_PHONE },
        { "\"Wang\" <sip:+16135550142@pbx.example.org>;tag=abc", PGR_KIND_PHONE },
        { "<tel:+16135550142;ext=204>;tag=1", PGR_KIND_PHONE },
        { "'Wang' <sip:+16135550142@pbx>;tag=1", PGR_KIND_PHONE },
        { "sips:6135550142@pbx.example.org", PGR_KIND_PHONE },
        { "011 1 613 555 0142", PGR_KIND_PHONE },
        { "9 613 555 0142", PGR_KIND_PHONE },
        { "+44 20 7946 0012", PGR_KIND_PHONE },
        { "613-555-0142 x204", PGR_KIND_PHONE },
        { "613-555-0142 ext. 204", PGR_KIND_PHONE },
        { "613 555 0142 Extension 204", PGR_KIND_PHONE },
        { "tel:+16135550142;ext=204", PGR_KIND_PHONE },
        { "+16135550142;ext=204", PGR_KIND_PHONE },
        { "613-555-01", PGR_KIND_PHONE },      /* partial: none, later */
        { "911", PGR_KIND_PHONE },
        { "*67", PGR_KIND_PHONE },
        { "tel:", PGR_KIND_PHONE },            /* the matcher says no */
        /* what the parser reads, written with more than ASCII digits */
        { "\xef\xbc\x96\xef\xbc\x91\xef\xbc\x93\xef\xbc\x95\xef\xbc\x95"
          "\xef\xbc\x95\xef\xbc\x90\xef\xbc\x91\xef\xbc\x94\xef\xbc\x92",
          PGR_KIND_PHONE },                    /* fullwidth digits */
        { "613\xc2\xa0" "555\xc2\xa0" "0142", PGR_KIND_PHONE },   /* no-break */
        { "callto:+16135550142", PGR_KIND_PHONE },
        { "<tel:+16135550142>", PGR_KIND_PHONE },
        { "[613] 555-0142", PGR_KIND_PHONE },
        { "613-555-0142 poste 204", PGR_KIND_PHONE },
        { "613-555-0142, ext. 204", PGR_KIND_PHONE },
        /* labels, and lists of numbers */
        { "Tel. 613-555-0142", PGR_KIND_PHONE },
        { "+1 613 555 0142 (mobile)", PGR_KIND_PHONE },
        { "Work: 613-555-0199; Cell: 613-555-0142", PGR_KIND_PHONE },
        { "613-555-0199 or 613-555-0142", PGR_KIND_PHONE },
    };
    (void)state;
    CHECK(t, PGR_KIND_AUTO);
}

static void
test_emails(void **state)
{
    static const struct kind_case t[] = {
        { "li@example.org", PGR_KIND_EMAIL },
        { "LI@EXAMPLE.ORG", PGR_KIND_EMAIL },
        { "mailto:li@example.org", PGR_KIND_EMAIL },
        { "MAILTO:li@example.org", PGR_KIND_EMAIL },
        { "\"Li\" <li@example.org>", PGR_KIND_EMAIL },
        { "li+x@example.org", PGR_KIND_EMAIL },
        { "sip:li@example.org", PGR_KIND_EMAIL },   /* no digits: not a phone */
        { "\"Li\" <sip:li@example.org>", PGR_KIND_EMAIL },
        { "6135550142@example.org", PGR_KIND_EMAIL },
        { "@", PGR_KIND_EMAIL },
        { "mailto:", PGR_KIND_EMAIL },
        { "li.na\xef\xbc\xa0" "example.org", PGR_KIND_EMAIL },   /* U+FF20 */
    };
    (void)state;
    CHECK(t, PGR_KIND_AUTO);
}

static void
test_domains(void **state)
{
    static const struct kind_case t[] = {
        { "example.org", PGR_KIND_DOMAIN },
        { "csm.mfa.example.test", PGR_KIND_DOMAIN },
        { "example.org.", PGR_KIND_DOMAIN },
        { "公安部.example.test", PGR_KIND_DOMAIN },
        { "xn--0zwm56d.example.test", PGR_KIND_DOMAIN },
        { "a.b", PGR_KIND_DOMAIN },
        { "host1234567.example.org", PGR_KIND_DOMAIN },
    };
    (void)state;
    CHECK(t, PGR_KIND_AUTO);
}

static void
test_names(void **state)
{
    static const struct kind_case t[] = {
        { "Wang Lihua", PGR_KIND_NAME },
        { "WANG Lihua", PGR_KIND_NAME },
        { "Wáng Lìhuá", PGR_KIND_NAME },
        { "王丽华", PGR_KIND_NAME },
        { "Li", PGR_KIND_NAME },
        { "J. Smith", PGR_KIND_NAME },         /* a blank: not a domain */
        { "example", PGR_KIND_NAME },          /* one label: not a domain */
        { ".example.org", PGR_KIND_NAME },     /* empty label */
        { "example..org", PGR_KIND_NAME },
        { "anonymous", PGR_KIND_NAME },        /* never matches anything */
        { "Restricted", PGR_KIND_NAME },
        { "1-800-FLOWERS", PGR_KIND_NAME },    /* letters beyond an extension */
        { "Agent 007", PGR_KIND_NAME },
        { "tel", PGR_KIND_NAME },
        { "x", PGR_KIND_NAME },                /* extension word, no digit */
        { "", PGR_KIND_NAME },
        { "(-)", PGR_KIND_NAME },
    };
    (void)state;
    CHECK(t, PGR_KIND_AUTO);
}

/* A forced kind wins; --email splits into address and domain on '@'. */
static void
test_forced(void **state)
{
    static const struct kind_case as_phone[] = {
        { "Wang Lihua", PGR_KIND_PHONE },
        { "li@example.org", PGR_KIND_PHONE },
        { "example.org", PGR_KIND_PHONE },
    };
    static const struct kind_case as_name[] = {
        { "6135550142", PGR_KIND_NAME },
        { "li@example.org", PGR_KIND_NAME },
        { "example.org", PGR_KIND_NAME },
    };
    static const struct kind_case as_email[] = {
        { "li@example.org", PGR_KIND_EMAIL },
        { "mailto:li@example.org", PGR_KIND_EMAIL },
        { "example.org", PGR_KIND_DOMAIN },
        { "Wang Lihua", PGR_KIND_DOMAIN },     /* the matcher refuses it */
        { "6135550142", PGR_KIND_DOMAIN },
    };
    (void)state;
    CHECK(as_phone, PGR_KIND_PHONE);
    CHECK(as_name, PGR_KIND_NAME);
    CHECK(as_email, PGR_KIND_EMAIL);
}

static void
test_kind_names(void **state)
{
    (void)state;
    assert_string_equal(pgr_cli_kind_name(PGR_KIND_PHONE), "phone");
    assert_string_equal(pgr_cli_kind_name(PGR_KIND_EMAIL), "email");
    assert_string_equal(pgr_cli_kind_name(PGR_KIND_DOMAIN), "domain");
    assert_string_equal(pgr_cli_kind_name(PGR_KIND_NAME), "name");
}

struct utf8_case {
    const char *bytes;
    int         valid;
};

static void
test_utf8(void **state)
{
    static const struct utf8_case t[] = {
        { "", 1 },
        { "Wang Lihua", 1 },
        { "W\xc3\xa1ng", 1 },                  /* á */
        { "\xe7\x8e\x8b", 1 },                 /* 王 */
        { "\xf0\x9f\x98\x80", 1 },             /* U+1F600 */
        { "\xf4\x8f\xbf\xbf", 1 },             /* U+10FFFF */
        { "\xed\x9f\xbf", 1 },                 /* U+D7FF */
        { "\xee\x80\x80", 1 },                 /* U+E000 */
        { "\xff", 0 },
        { "\x80", 0 },                         /* lone continuation */
        { "\xc3", 0 },                         /* truncated */
        { "\xe7\x8e", 0 },
        { "\xf0\x9f\x98", 0 },
        { "\xc3(", 0 },                        /* bad continuation */
        { "\xc0\xaf", 0 },                     /* overlong '/' */
        { "\xc1\xbf", 0 },
        { "\xe0\x80\xaf", 0 },                 /* overlong, 3 bytes */
        { "\xf0\x80\x80\xaf", 0 },             /* overlong, 4 bytes */
        { "\xed\xa0\x80", 0 },                 /* surrogate U+D800 */
        { "\xed\xbf\xbf", 0 },                 /* surrogate U+DFFF */
        { "\xf4\x90\x80\x80", 0 },             /* U+110000 */
        { "\xf5\x80\x80\x80", 0 },
        { "ok\xe7\x8e\x8bthen\xff", 0 },
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (pgr_cli_utf8_valid(t[i].bytes, strlen(t[i].bytes)) != t[i].valid)
            fail_msg("case %zu: want %s", i, t[i].valid ? "valid" : "invalid");
    /* Length-counted: the bytes past len are not looked at. */
    assert_true(pgr_cli_utf8_valid("ab\xff", 2));
    assert_false(pgr_cli_utf8_valid("\xe7\x8e\x8b", 2));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phones),
        cmocka_unit_test(test_emails),
        cmocka_unit_test(test_domains),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_forced),
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_utf8),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
