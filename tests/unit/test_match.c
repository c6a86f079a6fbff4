/*
 * test_match.c - matching raw client values against the sample registry
 * (data/registry.sample.json): every phone form of the issue, the number
 * block, e-mail forms, sub-addresses, domains on label boundaries, IDN,
 * names (possible only), ended and lapsed people, and the innocent and
 * partial numbers that must never match.
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
#include "sample_fixture.h"

/* The hit for entity id, or NULL. */
static const pgr_hit *
hit_of(const pgr_result *res, const char *id)
{
    size_t i;

    for (i = 0; i < res->count; i++) {
        if (strcmp(res->hit[i].entity->id, id) == 0)
            return &res->hit[i];
    }
    return NULL;
}

static void
print_result(const char *in, const pgr_result *res)
{
    size_t i;

    print_message("  input %s -> \"%s\" ext \"%s\", %zu hit(s)\n", in, res->normalized,
                  res->ext, res->count);
    for (i = 0; i < res->count; i++)
        print_message("    %s %s %s\n", res->hit[i].entity->id,
                      pgr_matched_on_name(res->hit[i].on),
                      pgr_confidence_name(res->hit[i].confidence));
}

/* Checks that res holds exactly the expected hits, in order. */
typedef struct want {
    const char *id;
    pgr_matched_on on;
} want;

static void
expect_hits(const char *in, const pgr_result *res, const want *w, size_t n)
{
    size_t i;

    if (res->count != n)
        print_result(in, res);
    assert_int_equal(res->count, n);
    for (i = 0; i < n; i++) {
        if (strcmp(res->hit[i].entity->id, w[i].id) != 0 || res->hit[i].on != w[i].on)
            print_result(in, res);
        assert_string_equal(res->hit[i].entity->id, w[i].id);
        assert_int_equal(res->hit[i].on, w[i].on);
    }
}

/* Every lookup also checks the pre-filters: a value with a hit must never
 * be turned away by them. */
static size_t
phone(const char *in, pgr_result *res)
{
    size_t n = pgr_match_phone(reg, &cfg, in, strlen(in), res);

    if (n > 0 && !pgr_phone_may_match(reg, in, strlen(in)))
        print_message("  pre-filter turned away %s\n", in);
    if (n > 0)
        assert_true(pgr_phone_may_match(reg, in, strlen(in)));
    return n;
}

static size_t
email(const char *in, pgr_result *res)
{
    size_t n = pgr_match_email(reg, in, strlen(in), res);

    if (n > 0 && !pgr_email_may_match(reg, in, strlen(in)))
        print_message("  pre-filter turned away %s\n", in);
    if (n > 0)
        assert_true(pgr_email_may_match(reg, in, strlen(in)));
    return n;
}

/* ----------------------------------------------------------------- phones */

/* +1 613 555 0142: wang-lihua exactly, and the Ottawa mission through its
 * block +1613555014. */
static const want wang_lihua_hits[] = {
    { "wang-lihua", PGR_ON_PHONE },
    { "mission-cn-ottawa", PGR_ON_PHONE_PREFIX },
};

/* Each of forms reads as +16135550142, no extension, with those hits. */
static void
expect_wang_lihua(const char *const *forms, size_t n)
{
    pgr_result res;
    size_t i;

    for (i = 0; i < n; i++) {
        phone(forms[i], &res);
        expect_hits(forms[i], &res, wang_lihua_hits, 2);
        assert_string_equal(res.normalized, "+16135550142");
        assert_string_equal(res.ext, "");
        assert_int_equal(res.hit[0].confidence, PGR_EXACT);
        assert_int_equal(res.hit[1].confidence, PGR_EXACT);
        assert_int_equal(pgr_result_verdict(&res), PGR_VERDICT_MATCH);
    }
}

/* Every written form of +1 613 555 0142. */
static void
test_phone_forms(void **state)
{
    static const char *const forms[] = {
        "6135550142", "16135550142", "+16135550142", "+1 (613) 555-0142",
        "613.555.0142", "1-613-555-0142", "tel:+1-613-555-0142",
        "sip:+16135550142@pbx.example.org;user=phone", "011 1 613 555 0142",
        "(613) 555-0142", "9 613 555 0142", "9-1-613-555-0142",
        "Tel. 613-555-0142", "+1 613 555 0142 (mobile)",
        "Cell: 613-555-0142, personal",
        /* remarks: "(2)" also makes +61355501422 of it, a reading too */
        "1-613-555-0142 (24/7)", "613-555-0142 [2nd line]",
        "613-555-0142 (2)", "6135550142 [1]", "Numéro d'urgence : 613-555-0142",
        /* as phones and switches dial and signal it */
        "*67 613-555-0142", "#31#6135550142", "\\+16135550142",
        "\"Wang Lihua\" <6135550142>", "\"\" <sip:+16135550142@pbx.example.org>",
        "9w6135550142", "6135550142ww", "6135550142##",
        "Phone (24/7): 613-555-0142",
        /* SIP headers: parameters inside the URI and after it */
        "<sip:+16135550142@pbx.example.org;user=phone>;tag=abc",
        "\"WANG LIHUA\" <sip:+16135550142@carrier.example.net;user=phone>;tag=as5f3c",
        "\"Wang\" <sip:+16135550142@pbx;user=phone>;party=calling;privacy=off;screen=yes",
        "<sip:+16135550142;user=phone@pbx>;tag=1", "<sip:+16135550142@pbx>;tag=1",
        /* invisible marks among the digits: joiners, the Arabic letter
         * mark, line separators, variation selectors */
        "613\xe2\x80\x8d" "555\xe2\x80\x8c" "0142", "\xd8\x9c" "613-555-0142",
        "613-555-0142\xe2\x80\xa8", "6\xef\xb8\x8f" "135550142",
        /* a link's href, copied from a browser */
        "tel:+1%20613%20555%200142", "sip:%2B16135550142@pbx.example.org",
        "skype:+16135550142?call", "callto:+16135550142?call",
        /* dots as a Chinese or Japanese input method types them */
        "613\xe3\x80\x82" "555\xe3\x80\x82" "0142",
        "+1\xef\xbd\xa1" "613\xef\xbd\xa1" "555\xef\xbd\xa1" "0142",
        /* the NANP's *82, caller ID shown for one call, in region CA */
        "*82 613-555-0142", "*8216135550142", "*82 1 613 555 0142",
    };

    (void)state;
    expect_wang_lihua(forms, sizeof(forms) / sizeof(forms[0]));
}

static void
test_phone_extension(void **state)
{
    static const char *const forms[] = {
        "613-555-0142 x204", "613-555-0142 ext. 204", "+1-613-555-0142;ext=204",
        "tel:+1-613-555-0142;ext=204", "6135550142p204#", "613-555-0142 x#204",
        "613-555-0142 Ext. #204", "+1 613 555 0142 \xe5\x88\x86\xe6\x9c\xba 204",
        "<tel:+16135550142;ext=204>;tag=1",
        /* a label between the number and its extension */
        "613-555-0142 (cell) x204", "613-555-0142 cell x204",
        "+1 613 555 0142 [work] ext. 204", "613-555-0142 (cell), ext. 204",
        "Tel: 613-555-0142 (work) ext 204", "613-555-0142 cell #204",
    };
    pgr_result res;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        phone(forms[i], &res);
        if (hit_of(&res, "wang-lihua") == NULL)
            print_result(forms[i], &res);
        assert_non_null(hit_of(&res, "wang-lihua"));
        assert_string_equal(res.normalized, "+16135550142");
        assert_string_equal(res.ext, "204");
    }
}

/* International forms with +, 011 and 00 of +44 20 7946 0012 (chen-jie,
 * whose accreditation has lapsed: still a match, reported as it is). */
static void
test_phone_international(void **state)
{
    static const char *const forms[] = {
        "011 44 20 7946 0012", "+44 20 7946 0012", "+442079460012",
        "00 44 20 7946 0012", "9 011 44 20 7946 0012",
        /* an extension after a dash: 10 + 3 digits are no UK number */
        "+44-20-7946-0012-204", "011-44-20-7946-0012-204",
    };
    static const want w[] = { { "chen-jie", PGR_ON_PHONE } };
    pgr_result res;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        phone(forms[i], &res);
        expect_hits(forms[i], &res, w, 1);
        assert_string_equal(res.normalized, "+442079460012");
        assert_true(pgr_entity_lapsed(res.hit[0].entity, 1795000000)); /* 2026-11 */
    }
}

/* A number of the block that is nobody's own: the mission, by its block. */
static void
test_phone_prefix_block(void **state)
{
    static const char *const forms[] = {
        "613-555-0141", "613-555-0143", "613-555-0147", "+1 613 555 0149",
    };
    static const want w[] = { { "mission-cn-ottawa", PGR_ON_PHONE_PREFIX } };
    pgr_result res;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        phone(forms[i], &res);
        expect_hits(forms[i], &res, w, 1);
        assert_int_equal(res.hit[0].confidence, PGR_EXACT);
    }
    /* just outside the block */
    assert_int_equal(phone("613-555-0150", &res), 0);
    assert_int_equal(phone("613-555-0139", &res), 0);
}

/* The mission's own number inside its own block: one hit, the exact one. */
static void
test_phone_exact_beats_prefix(void **state)
{
    static const want w[] = { { "mission-cn-ottawa", PGR_ON_PHONE } };
    pgr_result res;

    (void)state;
    phone("613-555-0140", &res);
    expect_hits("613-555-0140", &res, w, 1);
}

/* A switchboard shared by the mission and a diplomat: both hit. */
static void
test_phone_shared(void **state)
{
    pgr_result res;

    (void)state;
    assert_int_equal(phone("+1 613 555 0100", &res), 2);
    assert_non_null(hit_of(&res, "mission-cn-ottawa"));
    assert_non_null(hit_of(&res, "zhou-xiaoming"));
    assert_int_equal(hit_of(&res, "zhou-xiaoming")->on, PGR_ON_PHONE);
    assert_int_equal(hit_of(&res, "mission-cn-ottawa")->on, PGR_ON_PHONE);
}

/* Ended and lapsed people still match. */
static void
test_phone_ended(void **state)
{
    static const want li[] = { { "li-na", PGR_ON_PHONE } };
    static const want zhao[] = { { "zhao-jun", PGR_ON_PHONE } };
    pgr_result res;

    (void)state;
    phone("613-555-0112", &res);
    expect_hits("613-555-0112", &res, li, 1);
    assert_int_equal(res.hit[0].entity->status, PGR_STATUS_ENDED);
    assert_int_equal(pgr_result_verdict(&res), PGR_VERDICT_MATCH);
    phone("613-555-0122", &res);
    expect_hits("613-555-0122", &res, zhao, 1);
    assert_int_equal(res.hit[0].entity->status, PGR_STATUS_ENDED);
}

/* 613-555-0190..0199 are innocent numbers: never a hit, in any form. */
static void
test_phone_innocent(void **state)
{
    pgr_result res;
    char buf[64];
    int n;

    (void)state;
    for (n = 190; n <= 199; n++) {
        snprintf(buf, sizeof(buf), "613-555-0%d", n);
        assert_int_equal(phone(buf, &res), 0);
        assert_int_equal(pgr_result_verdict(&res), PGR_VERDICT_NONE);
        snprintf(buf, sizeof(buf), "+1 (613) 555-0%d x12", n);
        assert_int_equal(phone(buf, &res), 0);
        snprintf(buf, sizeof(buf), "011 1 613 555 0%d", n);
        assert_int_equal(phone(buf, &res), 0);
        snprintf(buf, sizeof(buf), "613\xe3\x80\x82" "555\xe3\x80\x82" "0%d", n);
        assert_int_equal(phone(buf, &res), 0);
        /* a label before the extension: a short one is no number */
        snprintf(buf, sizeof(buf), "613-555-0%d (cell) x0142", n);
        assert_int_equal(phone(buf, &res), 0);
        snprintf(buf, sizeof(buf), "+1 613 555 0%d work ext. 142", n);
        assert_int_equal(phone(buf, &res), 0);
    }
    assert_int_equal(phone("+44 20 7946 0999", &res), 0);
}

/* A value that lists several numbers: each complete one is looked up. */
static void
test_phone_lists(void **state)
{
    static const char *const forms[] = {
        "613-555-0199 / 613-555-0142", "6135550199/6135550142",
        "613-555-0142 / 613-555-0199", "6135550142/6135550199",
        "Work: 613-555-0199; Cell: 613-555-0142 (personal)",
        "613-555-0199 or 613-555-0142", "613-555-0199 OU 613-555-0142",
        "613-555-0199 | 613-555-0142", "613-555-0199\n613-555-0142",
        "6135550199;6135550142", "6135550142;6135550199",
        /* the second number read as a long extension first */
        "613-555-0199, 6135550142", "613-555-0199,6135550142",
        "613-555-0199 x 6135550142", "613-555-0199 P 6135550142",
        "6135550199#6135550142", "6135550199x6135550142",
        "6135550199,,6135550142", "613-555-0199 ext 6135550142",
        "6135550199#16135550142", "613-555-0199#613-555-0142",
        "613-555-0199 ext.16135550142", "6135550199x16135550142",
        "613-555-0199 P 6135550142, 613-555-0190",
        /* ...after a label between the number and the extension */
        "613-555-0199 (cell) x 6135550142", "613-555-0199 cell ext 6135550142",
        "613-555-0199 x 6135550142; 613-555-0190",
        "+44 20 7946 0099 P 6135550142 / +44 20 7946 0098",
        "613-555-0199 ;613-555-0142", "613-555-0199;(613-555-0142)",
        "613-555-0199, 613-555-0142", "613-555-0199 & 613-555-0142",
        /* parted by blanks alone: more digits than one number holds */
        "613-555-0199 613-555-0142", "6135550142 6135550199",
        "+1 613 555 0199 +1 613 555 0142", "+1 613 555 0142\t+1-613-555-0199",
        "613-555-0199 / 613-555-0190 613-555-0142",
        /* grouped by blanks and parted by blanks: the one cut into numbers */
        "613 555 0199 613 555 0142", "+1 613 555 0199 613 555 0142",
        "1 613 555 0199 1 613 555 0142", "613 555 0142 ext 12 613 555 0199",
        "Tel 613 555 0199 Fax 613 555 0142", "Tel 613 555 0142 Fax 6135550199",
        "(613) 555-0199 (613) 555-0142",
        /* Chinese list separators: 、 ， ； */
        "613-555-0199\xe3\x80\x81" "613-555-0142",
        "6135550199\xef\xbc\x8c" "6135550142",
        "+1 613 555 0199\xef\xbc\x9b+1 613 555 0142",
        "+1 613 555 0199\xe3\x80\x81+1 613 555 0142",
        /* a bullet between numbers, blanks around it: a list */
        "613-555-0199 \xe2\x80\xa2 613-555-0142",
        "613\xe3\x80\x82" "555\xe3\x80\x82" "0199 613\xe3\x80\x82" "555\xe3\x80\x82" "0142",
        /* a second number in brackets is no remark */
        "613-555-0199 (613-555-0142)", "613-555-0199 (+1 613 555 0142)",
        "613-555-0199 (cell: 613-555-0142)", "613-555-0199 [613 555 0142]",
        /* more tokens than are cut (16): token by token */
        "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 613-555-0142",
    };
    static const want chen_zhao[] = {
        { "chen-jie", PGR_ON_PHONE },
        { "zhao-jun", PGR_ON_PHONE },
    };
    pgr_result res;

    (void)state;
    expect_wang_lihua(forms, sizeof(forms) / sizeof(forms[0]));
    /* the extension of the number that hit; a comma before "ext." */
    phone("613-555-0199 x12 / 613-555-0142, ext. 204", &res);
    expect_hits("list with extensions", &res, wang_lihua_hits, 2);
    assert_string_equal(res.ext, "204");
    /* two registered numbers: both, in the order written */
    phone("+44 20 7946 0012 / 613-555-0122", &res);
    expect_hits("two registered", &res, chen_zhao, 2);
    assert_string_equal(res.normalized, "+442079460012");
    phone("+44 20 7946 0012 +1 613 555 0122", &res);
    expect_hits("two registered, blanks apart", &res, chen_zhao, 2);
    assert_string_equal(res.normalized, "+442079460012");
    /* a second number read first as a long extension: no extension shown */
    phone("+44 20 7946 0012, 6135550122", &res);
    expect_hits("two registered, the second as an extension", &res,
                chen_zhao, 2);
    assert_string_equal(res.normalized, "+442079460012");
    assert_string_equal(res.ext, "");
    phone("613-555-0142 x 6135550199", &res);
    assert_string_equal(res.normalized, "+16135550142");
    assert_string_equal(res.ext, "");
    phone("613-555-0199 x 6135550142", &res);
    assert_string_equal(res.normalized, "+16135550142");
    assert_string_equal(res.ext, "");
    phone("613-555-0199 (cell) x 6135550142", &res);
    assert_string_equal(res.normalized, "+16135550142");
    assert_string_equal(res.ext, "");
    phone("613-555-0142 x12345", &res);   /* too short for a number */
    assert_string_equal(res.ext, "12345");
}

/* None of values hits anything. */
static void
expect_no_phone_hit(const char *const *values, size_t n)
{
    pgr_result res;
    size_t i;

    for (i = 0; i < n; i++) {
        if (phone(values[i], &res) != 0)
            print_result(values[i], &res);
        assert_int_equal(res.count, 0);
        assert_int_equal(pgr_result_verdict(&res), PGR_VERDICT_NONE);
    }
}

/* A list never completes a part from its neighbour, and a list of
 * innocent numbers stays innocent. */
static void
test_phone_lists_never(void **state)
{
    static const char *const never[] = {
        "613-555-0190 / 613-555-0191", "6135550190/6135550199",
        "613-555-0190; 0142", "613-555-0190 / 42", "613/555-0190",
        "613-555-0190 or 0142", "0142 / 613-555-0190", "613 / 555 / 0190",
        "Restricted / anonymous", "; / , |",
        "613-555-0190 ore 613-555-0191",
        /* blanks: one number's grouping, or pieces no number by itself */
        "613 555 0190 613 555 014", "6135550142 99", "1 613 555 0142 2",
        "613 555 0190 613 555 0191", "Tel 613 555 0190 Fax 613 555 01",
        "613-555-0190 555-0142",
        "+1 613 555 0190 +1 613 555 014",
    };

    (void)state;
    expect_no_phone_hit(never, sizeof(never) / sizeof(never[0]));
}

/* Partial numbers, short codes, withheld callers and the empty string. */
static void
test_phone_never(void **state)
{
    static const char *const never[] = {
        "", "0142", "5550142", "555-0142", "613555014", "61355501", "+1613555014",
        "911", "*67", "anonymous", "Anonymous", "Restricted", "Private",
        "Unavailable", "unknown", "tel:", "+", "x204",
        /* a foreign number, its '+' typed as a star or its country code
         * in a label's brackets: not 613-555-0142 */
        "*52 613 555 0142", "*91 6135550142", "**52 613 555 0142",
        "Mexico (52): 613 555 0142", "Tel (0052): 613 555 0142",
        "Tel (+52): 613 555 0142", "*67", "#31#",
        /* a partial number with dots of other scripts, a missing digit */
        "613\xe3\x80\x82" "555\xe3\x80\x82" "01", "613\xe2\x80\xa2" "555",
        "613_555_0142", "613-555-01_2", "613-555-014_",
        /* digits masked by a run of middle dots or by bullets: the digits
         * left spell a registered number, the value another one */
        "613-555-01\xc2\xb7\xc2\xb7" "42", "613\xc2\xb7\xc2\xb7" "5550142",
        "613-555-01\xe2\x80\xa2\xe2\x80\xa2" "42",
        "613-555-01\xe3\x83\xbb\xe3\x83\xbb" "42",
        /* a partial number before a label and an extension: the label
         * joins nothing, nor is the extension a number's end */
        "613-555-01 (cell) x42", "613-555-014 cell x2", "555-0142 (cell) x204",
        "613-555 (cell) x0142", "613 555 (cell) 0142 x204",
    };
    pgr_result res;

    (void)state;
    expect_no_phone_hit(never, sizeof(never) / sizeof(never[0]));
    /* length-counted: only the first 7 characters are looked at */
    assert_int_equal(pgr_match_phone(reg, &cfg, "6135550142", 7, &res), 0);
    assert_int_equal(pgr_match_phone(NULL, &cfg, "6135550142", 10, &res), 0);
    assert_int_equal(pgr_match_phone(reg, &cfg, NULL, 0, &res), 0);
}

/* ----------------------------------------------------------------- e-mail */

static void
test_email_forms(void **state)
{
    static const char *const forms[] = {
        "wang.lihua@mps.example.test", "WANG.Lihua@MPS.Example.TEST",
        "mailto:wang.lihua@mps.example.test", "\"Wang\" <wang.lihua@mps.example.test>",
        "Wang Lihua <wang.lihua@mps.example.test>", "wang.lihua+x@mps.example.test",
        "<wang.lihua+liaison@mps.example.test>",
        /* lists: each address that reads by itself */
        "someone@example.org, wang.lihua@mps.example.test",
        "wang.lihua@mps.example.test; someone@example.org",
        "\"Someone, A.\" <someone@example.org>, Wang <wang.lihua@mps.example.test>",
        "not an address; WANG.LIHUA@mps.example.test",
        /* a label or a group name before the address */
        "Email: wang.lihua@mps.example.test", "E-mail:\twang.lihua@mps.example.test",
        "Courriel\xc2\xa0: wang.lihua@mps.example.test",
        "Courriel\xe2\x80\xaf:\xc2\xa0wang.lihua@mps.example.test",
        "Email: Wang Lihua <wang.lihua@mps.example.test>",
        "Liaison: someone@example.org, wang.lihua@mps.example.test;",
        "Liaison: wang.lihua@mps.example.test, someone@example.org;",
        /* mailto: with // and with the addresses of its headers */
        "mailto://wang.lihua@mps.example.test",
        "mailto:?to=wang.lihua@mps.example.test",
        "mailto:?cc=someone%40example.org,wang.lihua%40mps.example.test",
        "mailto:someone@example.org?subject=x&bcc=wang.lihua%40mps.example.test",
        /* lines and blanks between addresses, an address in text */
        "someone@example.org\nwang.lihua@mps.example.test",
        "someone@example.org\r\n wang.lihua@mps.example.test",
        "someone@example.org wang.lihua@mps.example.test",
        "Please write to Wang Lihua <wang.lihua@mps.example.test> today",
        "Wang Lihua [mailto:wang.lihua@mps.example.test]",
        "MPS\\Wang <wang.lihua@mps.example.test>",
        "Wang :) <wang.lihua@mps.example.test>",
        "<x@example.org>: wang.lihua@mps.example.test",
        /* an unquoted display name that is the address */
        "wang.lihua@mps.example.test <someone@example.org>",
        /* proxyAddresses' SIP address */
        "SIP:wang.lihua@mps.example.test", "sip:wang.lihua@mps.example.test",
    };
    static const want w[] = {
        { "wang-lihua", PGR_ON_EMAIL },
        { "org-mps", PGR_ON_DOMAIN },
    };
    pgr_result res;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        email(forms[i], &res);
        expect_hits(forms[i], &res, w, 2);
        assert_string_equal(res.normalized, "wang.lihua@mps.example.test");
        assert_int_equal(res.hit[1].confidence, PGR_EXACT);
        assert_int_equal(pgr_result_verdict(&res), PGR_VERDICT_MATCH);
    }
}

/* Any address of a registered domain names the organization (exact: a
 * domain is an identifier), also under sub-domains, never across a label. */
static void
test_email_domains(void **state)
{
    static const want mps[] = { { "org-mps", PGR_ON_DOMAIN } };
    static const want mfa[] = { { "org-mfa", PGR_ON_DOMAIN } };
    static const want sun[] = {
        { "sun-hui", PGR_ON_EMAIL }, { "org-mfa", PGR_ON_DOMAIN },
    };
    static const want consular[] = {
        { "mission-cn-ottawa", PGR_ON_EMAIL }, { "org-mfa", PGR_ON_DOMAIN },
    };
    static const want visa[] = {
        { "mission-cn-ottawa", PGR_ON_DOMAIN }, { "org-mfa", PGR_ON_DOMAIN },
    };
    pgr_result res;

    (void)state;
    email("someone@mps.example.test", &res);
    expect_hits("someone@mps", &res, mps, 1);
    assert_int_equal(pgr_result_verdict(&res), PGR_VERDICT_MATCH);
    email("ottawa@csm.mfa.example.test", &res);
    expect_hits("ottawa@csm.mfa", &res, mfa, 1);
    email("sun.hui@csm.mfa.example.test", &res);
    expect_hits("sun.hui", &res, sun, 2);
    email("consular@ottawa.mfa.example.test", &res);
    expect_hits("consular", &res, consular, 2);
    email("visa@ottawa.mfa.example.test", &res);
    expect_hits("visa", &res, visa, 2);
    /* a local part that is not ASCII (RFC 6531) still reaches its domain */
    email("\xe7\x8e\x8b\xe4\xb8\xbd\xe5\x8d\x8e@mps.example.test", &res);   /* 王丽华@ */
    expect_hits("utf-8 local part", &res, mps, 1);
    email("jos\xc3\xa9@mps.example.test", &res);
    expect_hits("josé@", &res, mps, 1);
    email("\"Wang\" <\xe7\x8e\x8b.li@MPS.example.test>", &res);
    expect_hits("utf-8 local part, display name", &res, mps, 1);
    /* ... but not one with a control, a blank or invalid UTF-8 in it */
    assert_int_equal(email("jos\xc2\x85@mps.example.test", &res), 0);
    assert_int_equal(email("jo\xe3\x80\x80se@mps.example.test", &res), 0);
    assert_int_equal(email("jos\xc3@mps.example.test", &res), 0);

    assert_int_equal(email("someone@xmfa.example.test", &res), 0);
    assert_int_equal(email("someone@mfa.example.test.example.org", &res), 0);
    assert_int_equal(email("someone@example.test", &res), 0);
    assert_int_equal(email("mfa.example.test@example.org", &res), 0);
    assert_int_equal(pgr_result_verdict(&res), PGR_VERDICT_NONE);
}

/* A registered address whose local part is not ASCII matches however its
 * case and composition are written, through the pre-check too: the sample
 * registry with liaison@plo.example.org renamed Jos\u00e9@. */
static void
test_email_utf8_local(void **state)
{
    static const char *const forms[] = {
        "Jos\xc3\xa9@plo.example.org", "jos\xc3\xa9@plo.example.org",
        "JOS\xc3\x89@PLO.example.org", "jose\xcc\x81@plo.example.org",
        "\"Jos\xc3\xa9\" <JOSE\xcc\x81@plo.example.org>",
    };
    FILE *fp = fopen(SAMPLE_REGISTRY, "rb");
    char *buf, *at;
    long size;
    size_t i, n;
    pgr_registry *r;
    pgr_errors errs;
    pgr_result res;

    (void)state;
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    size = ftell(fp);
    assert_true(size > 0);
    rewind(fp);
    buf = malloc((size_t)size + 16);
    assert_non_null(buf);
    n = fread(buf, 1, (size_t)size, fp);
    fclose(fp);
    assert_int_equal(n, (size_t)size);
    buf[n] = '\0';
    at = strstr(buf, "\"liaison@plo.example.org\"");
    assert_non_null(at);
    /* "liaison" (7 bytes) becomes "Jos\xc3\xa9" (5): pad with the tail */
    memmove(at + 1 + 5, at + 1 + 7, strlen(at + 1 + 7) + 1);
    memcpy(at + 1, "Jos\xc3\xa9", 5);
    pgr_errors_init(&errs);
    r = pgr_registry_load_buffer(buf, strlen(buf), &cfg, &errs);
    pgr_errors_free(&errs);
    free(buf);
    assert_non_null(r);
    for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        size_t k, hits = pgr_match_email(r, forms[i], strlen(forms[i]), &res);
        int exact = 0;

        for (k = 0; k < hits && k < PGR_MAX_HITS; k++)
            exact |= res.hit[k].on == PGR_ON_EMAIL;
        if (!exact)
            print_message("  %s: no address hit\n", forms[i]);
        assert_true(exact);
        assert_true(pgr_email_may_match(r, forms[i], strlen(forms[i])));
    }
    pgr_registry_free(r);
}

static void
test_email_ended(void **state)
{
    static const want w[] = { { "li-na", PGR_ON_EMAIL } };
    pgr_result res;

    (void)state;
    email("Li.Na@example.org", &res);
    expect_hits("li.na", &res, w, 1);
    assert_int_equal(res.hit[0].entity->status, PGR_STATUS_ENDED);
}

static void
test_email_never(void **state)
{
    static const char *const never[] = {
        "", "wang.lihua", "@mps.example.test", "wang.lihua@", "nobody@example.org",
        "wang.lihua@@mps.example.test", "not an address",
        /* an address inside quotes or a comment is not listed */
        "\"wang.lihua@mps.example.test, x\" <nobody@example.org>",
        "nobody@example.org (wang.lihua@mps.example.test; x)",
        "nobody@example.org, other@example.org", ",;,",
        /* no label: a user name before a password, no blank after it */
        "user:wang.lihua@mps.example.test", "Email:wang.lihua@mps.example.test",
        "Email : ", "Wang Lihua: nobody@example.org",
        "ftp://wang.lihua@mps.example.test/", "https://u:wang.lihua@mps.example.test",
        /* a mailto: URI's subject and body are text */
        "mailto:nobody@example.org?subject=wang.lihua@mps.example.test",
        "mailto:nobody@example.org?body=wang.lihua%40mps.example.test",
    };
    pgr_result res;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
        email(never[i], &res);
        if (hit_of(&res, "wang-lihua") != NULL)
            print_result(never[i], &res);
        assert_null(hit_of(&res, "wang-lihua"));
    }
    assert_int_equal(email("nobody@example.org", &res), 0);
    assert_int_equal(pgr_match_email(NULL, "a@b.test", 8, &res), 0);
}

/* An internationalized domain matches in Unicode and in A-label form. */
static void
test_idn(void **state)
{
    static const want w[] = { { "org-mps", PGR_ON_DOMAIN } };
    pgr_result res;
    char alabel[PGR_DOMAIN_MAX + 1];

    (void)state;
    email("li@\xe5\x85\xac\xe5\xae\x89\xe9\x83\xa8.example.test", &res);  /* 公安部 */
    expect_hits("li@idn", &res, w, 1);
    assert_int_equal(strncmp(res.normalized, "li@xn--", 7), 0);
    /* the same domain, written as its A-label */
    strcpy(alabel, res.normalized + 3);
    pgr_match_domain(reg, alabel, strlen(alabel), &res);
    expect_hits(alabel, &res, w, 1);
    pgr_match_domain(reg, "\xe5\x85\xac\xe5\xae\x89\xe9\x83\xa8.example.test",
                     strlen("\xe5\x85\xac\xe5\xae\x89\xe9\x83\xa8.example.test"), &res);
    expect_hits("idn domain", &res, w, 1);
    assert_string_equal(res.normalized, alabel);
}

static void
test_domain(void **state)
{
    static const want w[] = { { "org-mps", PGR_ON_DOMAIN } };
    pgr_result res;

    (void)state;
    pgr_match_domain(reg, "mps.example.test", 16, &res);
    expect_hits("mps", &res, w, 1);
    assert_string_equal(res.normalized, "mps.example.test");
    pgr_match_domain(reg, "Mail.MPS.example.test.", 22, &res);
    expect_hits("mail.mps", &res, w, 1);
    assert_int_equal(pgr_match_domain(reg, "xmps.example.test", 17, &res), 0);
    assert_int_equal(pgr_match_domain(reg, "example.test", 12, &res), 0);
    assert_int_equal(pgr_match_domain(reg, "mps.example", 11, &res), 0);
    assert_int_equal(pgr_match_domain(reg, "", 0, &res), 0);
}

/* -------------------------------------------------------------- pre-filter */

/* Writes the forms people and programs give to the E.164 number e164. */
static size_t
phone_forms(const char *e164, char forms[][64], size_t max)
{
    const char *d = e164 + 1;
    size_t n = 0, len = strlen(d);

    if (e164[0] != '+' || max < 13)
        return 0;
    snprintf(forms[n++], 64, "%s", e164);
    snprintf(forms[n++], 64, "%s", d);
    snprintf(forms[n++], 64, "00%s", d);
    snprintf(forms[n++], 64, "011 %s", d);
    snprintf(forms[n++], 64, "9 011 %s", d);
    snprintf(forms[n++], 64, "+%.*s %.*s-%s", 2, d, 3, d + 2, d + 5);
    snprintf(forms[n++], 64, "(+%.*s) %s", 1, d, d + 1);
    snprintf(forms[n++], 64, "%s (cell) ext. 204", e164);
    if (d[0] == '1' && len == 11) {       /* NANP: national forms */
        snprintf(forms[n++], 64, "(%.3s) %.3s-%s", d + 1, d + 4, d + 7);
        snprintf(forms[n++], 64, "1-%.3s-%.3s-%s", d + 1, d + 4, d + 7);
        snprintf(forms[n++], 64, "9 %.3s.%.3s.%s", d + 1, d + 4, d + 7);
        snprintf(forms[n++], 64, "9/1/%s", d + 1);
        snprintf(forms[n++], 64, "%.3s\xe3\x80\x82%.3s\xe3\x80\x82%s",
                 d + 1, d + 4, d + 7);
    } else if (strncmp(d, "44", 2) == 0) {
        snprintf(forms[n++], 64, "+44 (0)%s", d + 2);
        snprintf(forms[n++], 64, "0044 0%s", d + 2);
    }
    return n;
}

/* Every registered number, in every form, matches and passes the filter. */
static void
test_prefilter_registered(void **state)
{
    char forms[16][64];
    pgr_result res;
    size_t i, j, k, n;

    (void)state;
    for (i = 0; i < pgr_registry_entity_count(reg); i++) {
        const pgr_entity *e = pgr_registry_entity(reg, i);

        for (j = 0; j < e->nphones; j++) {
            n = phone_forms(e->phones[j], forms, 16);
            assert_true(n >= 7);
            for (k = 0; k < n; k++) {
                assert_true(pgr_phone_may_match(reg, forms[k], strlen(forms[k])));
                phone(forms[k], &res);
                if (hit_of(&res, e->id) == NULL)
                    print_result(forms[k], &res);
                assert_non_null(hit_of(&res, e->id));
            }
        }
        for (j = 0; j < e->nemails; j++) {
            char up[PGR_EMAIL_MAX + 1];

            snprintf(up, sizeof(up), "%s", e->emails[j]);
            for (k = 0; up[k] != '\0'; k++)
                if (up[k] >= 'a' && up[k] <= 'z')
                    up[k] = (char)(up[k] - 'a' + 'A');
            assert_true(pgr_email_may_match(reg, e->emails[j], strlen(e->emails[j])));
            assert_true(pgr_email_may_match(reg, up, strlen(up)));
            email(up, &res);
            assert_non_null(hit_of(&res, e->id));
        }
    }
}

/* Every number of the block +1 613 555 014x passes, in every form. */
static void
test_prefilter_block(void **state)
{
    char e164[32], forms[16][64];
    pgr_result res;
    size_t k, n;
    int x;

    (void)state;
    for (x = 0; x <= 9; x++) {
        snprintf(e164, sizeof(e164), "+1613555014%d", x);
        n = phone_forms(e164, forms, 16);
        for (k = 0; k < n; k++) {
            assert_true(pgr_phone_may_match(reg, forms[k], strlen(forms[k])));
            phone(forms[k], &res);
            assert_non_null(hit_of(&res, "mission-cn-ottawa"));
        }
    }
}

/* Every number one digit away from a registered one, in every form: a hit
 * always passes the filter (phone() checks it), and most misses do not. */
static void
test_prefilter_neighbours(void **state)
{
    char e164[32], forms[16][64];
    pgr_result res;
    size_t i, j, k, n, p, hits = 0, passed = 0, misses = 0;
    char c;

    (void)state;
    for (i = 0; i < pgr_registry_entity_count(reg); i++) {
        const pgr_entity *e = pgr_registry_entity(reg, i);

        for (j = 0; j < e->nphones; j++) {
            for (p = 1; e->phones[j][p] != '\0'; p++) {
                for (c = '0'; c <= '9'; c++) {
                    snprintf(e164, sizeof(e164), "%s", e->phones[j]);
                    e164[p] = c;
                    n = phone_forms(e164, forms, 16);
                    for (k = 0; k < n; k++) {
                        int may = pgr_phone_may_match(reg, forms[k], strlen(forms[k]));

                        if (phone(forms[k], &res) > 0) {
                            hits++;
                        } else {
                            misses++;
                            passed += may != 0;
                        }
                    }
                }
            }
        }
    }
    print_message("  neighbours: %zu hits, %zu misses, %zu misses passed\n",
                  hits, misses, passed);
    assert_true(hits > 0);
    assert_true(passed < misses);
}

/* What the filter turns away, and what it always lets through. */
static void
test_prefilter_answers(void **state)
{
    static const char *const phone_no[] = {
        "+1 602 555 0042", "602-555-0042", "613-555-0199", "+44 20 7946 0999",
        "+49 30 20001234", "+1-603-555-0042", "", "+", "---",
    };
    static const char *const phone_maybe[] = {
        "tel:+1-602-555-0042", "+1 602 555 0042 x12", "+1\xef\xbc\x96" "025550042",
        "6025550042;ext=1",
    };
    static const char *const mail_no[] = {
        "nobody@example.org", "wang.given12@agency.example.org", "a@b.c",
        "wang.lihua@mps.example.tes", "no-at-sign", "",
    };
    static const char *const mail_maybe[] = {
        "nobody+x@example.org", "<nobody@example.org>", "nobody@example.org.",
        "mailto:nobody@example.org", "Nobody <nobody@example.org>",
        "someone@Mail.MPS.example.test", "x@ottawa.mfa.example.test",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(phone_no) / sizeof(phone_no[0]); i++) {
        if (pgr_phone_may_match(reg, phone_no[i], strlen(phone_no[i])))
            print_message("  passed: %s\n", phone_no[i]);
        assert_false(pgr_phone_may_match(reg, phone_no[i], strlen(phone_no[i])));
    }
    for (i = 0; i < sizeof(phone_maybe) / sizeof(phone_maybe[0]); i++)
        assert_true(pgr_phone_may_match(reg, phone_maybe[i], strlen(phone_maybe[i])));
    for (i = 0; i < sizeof(mail_no) / sizeof(mail_no[0]); i++) {
        if (pgr_email_may_match(reg, mail_no[i], strlen(mail_no[i])))
            print_message("  passed: %s\n", mail_no[i]);
        assert_false(pgr_email_may_match(reg, mail_no[i], strlen(mail_no[i])));
    }
    for (i = 0; i < sizeof(mail_maybe) / sizeof(mail_maybe[0]); i++)
        assert_true(pgr_email_may_match(reg, mail_maybe[i], strlen(mail_maybe[i])));
    assert_false(pgr_phone_may_match(NULL, "6135550142", 10));
    assert_false(pgr_email_may_match(NULL, "li.na@example.org", 17));
    assert_false(pgr_phone_may_match(reg, NULL, 0));
    /* length-counted */
    assert_false(pgr_phone_may_match(reg, "6135550142", 7));
    assert_true(pgr_phone_may_match(reg, "6135550142xx", 10));
}

/* ------------------------------------------------------------------ names */

static void
expect_possible(const char *name, const char *id)
{
    pgr_result res;
    size_t i;

    pgr_match_name(reg, name, strlen(name), &res);
    if (hit_of(&res, id) == NULL)
        print_result(name, &res);
    assert_non_null(hit_of(&res, id));
    for (i = 0; i < res.count; i++) {
        assert_int_equal(res.hit[i].on, PGR_ON_NAME);
        assert_int_equal(res.hit[i].confidence, PGR_POSSIBLE);
    }
    /* a name alone is never a warning */
    assert_int_equal(pgr_result_verdict(&res), PGR_VERDICT_POSSIBLE);
}

static void
test_names_possible_only(void **state)
{
    (void)state;
    expect_possible("Wang Lihua", "wang-lihua");
    expect_possible("WANG LIHUA", "wang-lihua");
    expect_possible("Lihua Wang", "wang-lihua");
    expect_possible("W\xc3\xa1ng L\xc3\xachu\xc3\xa1", "wang-lihua");
    expect_possible("\xe7\x8e\x8b\xe4\xb8\xbd\xe5\x8d\x8e", "wang-lihua");   /* 王丽华 */
    expect_possible("Ada Marlow", "ada-marlow");
    expect_possible("Marlow, Ada", "ada-marlow");
    expect_possible("Li Na", "li-na");                    /* ended */
    expect_possible("Chen Jie", "chen-jie");              /* lapsed */
    expect_possible("Xiaoming Zhou", "zhou-xiaoming");
    /* as people type a name: titles, remarks, honorifics, two scripts,
     * an English given name before it */
    expect_possible("Mr. Wang Lihua", "wang-lihua");
    expect_possible("Dr Lihua Wang", "wang-lihua");
    expect_possible("Wang Lihua (PLO)", "wang-lihua");
    expect_possible("Wang Lihua, PLO", "wang-lihua");
    expect_possible("Wang Lihua Jr.", "wang-lihua");
    expect_possible("Wang Lihua,", "wang-lihua");
    expect_possible("\xe7\x8e\x8b\xe4\xb8\xbd\xe5\x8d\x8e\xe5\xa5\xb3\xe5\xa3\xab",
                    "wang-lihua");                        /* 王丽华女士 */
    expect_possible("Wang Lihua \xe7\x8e\x8b\xe4\xb8\xbd\xe5\x8d\x8e", "wang-lihua");
    expect_possible("\xe7\x8e\x8b\xe4\xb8\xbd\xe5\x8d\x8e (Wang Lihua)", "wang-lihua");
    expect_possible("Amy WANG Lihua", "wang-lihua");
}

static void
test_names_none(void **state)
{
    pgr_result res;

    (void)state;
    assert_int_equal(pgr_match_name(reg, "John Smith", 10, &res), 0);
    assert_int_equal(pgr_result_verdict(&res), PGR_VERDICT_NONE);
    assert_int_equal(pgr_match_name(reg, "", 0, &res), 0);
    assert_int_equal(pgr_match_name(reg, "Wang", 4, &res) <= PGR_MAX_HITS, 1);
    assert_null(hit_of(&res, "zhang-wei"));
    /* a title or a remark alone is no name; half a name stays none */
    assert_int_equal(pgr_match_name(reg, "Mr. Wang", 8, &res), 0);
    assert_int_equal(pgr_match_name(reg, "Wang (Lihua)", 12, &res), 0);
    assert_int_equal(pgr_match_name(reg, "Dr Lihua", 8, &res), 0);
    assert_int_equal(pgr_match_name(reg, "Wang Lihua (", 12, &res), 0);
}

/* Organizations and missions by name or alias: their names are matched
 * whole, never cut into a family and a given name as a person's are. */
static void
test_names_of_bodies(void **state)
{
    pgr_result res;

    (void)state;
    expect_possible("Ministry of Public Security", "org-mps");
    expect_possible("ministry of public security (fictional sample)", "org-mps");
    expect_possible("MPS", "org-mps");
    expect_possible("Gong'anbu", "org-mps");
    expect_possible("\xe5\x85\xac\xe5\xae\x89\xe9\x83\xa8", "org-mps"); /* 公安部 */
    expect_possible("Kryptonite-Panda", "org-apt40");
    expect_possible("APT 40", "org-apt40");
    expect_possible("Embassy of the People's Republic of China", "mission-cn-ottawa");
    /* 公安部 read as a person's name, Gong Anbu, is nobody registered */
    assert_int_equal(pgr_match_name(reg, "Gong Anbu", 9, &res), 0);
    assert_int_equal(pgr_match_name(reg, "Anbu Gong", 9, &res), 0);
    assert_int_equal(pgr_match_name(reg, "Mr. Gong Anbu", 13, &res), 0);
    /* nor is a person whose Han name sounds like it, 龚安布 */
    assert_int_equal(pgr_match_name(reg, "\xe9\xbe\x9a\xe5\xae\x89\xe5\xb8\x83", 9,
                                    &res), 0);
    /* part of a body's name, or its words in another order, is not it */
    assert_int_equal(pgr_match_name(reg, "Public Security", 15, &res), 0);
    assert_int_equal(pgr_match_name(reg, "Security Public Ministry", 24, &res), 0);
    assert_int_equal(pgr_match_name(reg, "APT 4", 5, &res), 0);
    assert_int_equal(pgr_match_name(reg, "APT", 3, &res), 0);
    /* and a body's name never makes a person's hit */
    pgr_match_name(reg, "Ministry of Public Security", 27, &res);
    assert_null(hit_of(&res, "wang-lihua"));
}

static void
test_verdict(void **state)
{
    pgr_result res;

    (void)state;
    res.count = 0;
    assert_int_equal(pgr_result_verdict(&res), PGR_VERDICT_NONE);
    assert_int_equal(pgr_result_verdict(NULL), PGR_VERDICT_NONE);
    res.count = 2;
    res.hit[0].confidence = PGR_POSSIBLE;
    res.hit[1].confidence = PGR_EXACT;
    assert_int_equal(pgr_result_verdict(&res), PGR_VERDICT_MATCH);
    res.count = 1;
    assert_int_equal(pgr_result_verdict(&res), PGR_VERDICT_POSSIBLE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phone_forms),
        cmocka_unit_test(test_phone_extension),
        cmocka_unit_test(test_phone_international),
        cmocka_unit_test(test_phone_prefix_block),
        cmocka_unit_test(test_phone_exact_beats_prefix),
        cmocka_unit_test(test_phone_shared),
        cmocka_unit_test(test_phone_ended),
        cmocka_unit_test(test_phone_innocent),
        cmocka_unit_test(test_phone_lists),
        cmocka_unit_test(test_phone_lists_never),
        cmocka_unit_test(test_phone_never),
        cmocka_unit_test(test_email_forms),
        cmocka_unit_test(test_email_domains),
        cmocka_unit_test(test_email_utf8_local),
        cmocka_unit_test(test_email_ended),
        cmocka_unit_test(test_email_never),
        cmocka_unit_test(test_idn),
        cmocka_unit_test(test_domain),
        cmocka_unit_test(test_names_possible_only),
        cmocka_unit_test(test_names_none),
        cmocka_unit_test(test_names_of_bodies),
        cmocka_unit_test(test_verdict),
        cmocka_unit_test(test_prefilter_registered),
        cmocka_unit_test(test_prefilter_block),
        cmocka_unit_test(test_prefilter_neighbours),
        cmocka_unit_test(test_prefilter_answers),
    };

    return cmocka_run_group_tests_name("match", tests, setup, teardown);
}
