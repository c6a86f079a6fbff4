/*
 * classify.c - decides whether a command-line value is a phone number, an
 * e-mail address, a domain or a name.  The decision only picks which
 * matcher runs; the matchers themselves reject what they cannot read.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

static int
is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int
is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
has_prefix(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* sip:+16135550142@pbx.example.org is a phone; sip:li@example.org is not. */
static int
sip_user_has_digit(const char *user)
{
    for (; *user != '\0' && *user != '@' && *user != ';'; user++)
        if (is_digit((unsigned char)*user))
            return 1;
    return 0;
}

/*
 * The URI of a SIP header's value, '"Wang" <sip:+16135550142@pbx>;tag=1'
 * (a display name in quotes, blanks, '<'), or the value itself: a header
 * pasted from a log is classified by its URI.
 */
static const char *
uri_of(const char *s)
{
    const char *p = s;
    char q = *p;

    if (q == '"' || q == '\'') {   /* quoted as the phone parser takes it */
        for (p++; *p != '\0' && *p != q; p++)
            if (*p == '\\' && q == '"' && p[1] != '\0')
                p++;
        if (*p != q)
            return s;
        for (p++; *p == ' ' || *p == '\t'; p++)
            ;
    }
    return *p == '<' ? p + 1 : s;
}

/* Punctuation seen in dialed or displayed numbers and extension forms. */
static int
is_phone_punct(unsigned char c)
{
    return c != '\0' && strchr(" \t+-().,/;=#*", c) != NULL;
}

/* A run of letters in a number may only mark an extension: x204, ext. 204,
 * ;ext=204, extension 204. */
static int
is_extension_word(const char *w, size_t len)
{
    static const char *const words[] = { "x", "ext", "extn", "extension",
                                         "poste" };
    size_t i;

    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strlen(words[i]) == len && strncasecmp(w, words[i], len) == 0)
            return 1;
    return 0;
}

/* Digits and punctuation only (plus extension words), at least one digit. */
static int
looks_like_number(const char *s)
{
    size_t i = 0, digits = 0;

    while (s[i] != '\0') {
        unsigned char c = (unsigned char)s[i];
        if (is_digit(c)) {
            digits++;
            i++;
        } else if (is_phone_punct(c)) {
            i++;
        } else if (is_alpha(c)) {
            size_t start = i;
            while (is_alpha((unsigned char)s[i]))
                i++;
            if (!is_extension_word(s + start, i - start))
                return 0;
        } else {
            return 0;
        }
    }
    return digits > 0;
}

/*
 * What the phone parser reads as a number is one, whatever it is written
 * with: digits of other scripts, no-break spaces, "callto:", "<tel:...>".
 * Otherwise such a value would be looked up as a name and never match.
 */
static int
reads_as_phone(const char *s)
{
    pgr_phone_readings rd;

    return pgr_phone_parse(NULL, s, strlen(s), &rd) > 0;
}

/*
 * Seven digits or more: no name holds that many, and a value that lists
 * several numbers ("Work: 613-555-0199; Cell: 613-555-0142") reads as no
 * single number but is still looked up as phones.
 */
static int
holds_many_digits(const char *s)
{
    size_t digits = 0;

    for (; *s != '\0'; s++)
        if (is_digit((unsigned char)*s))
            digits++;
    return digits >= 7;
}

/* Whether s[0..n) holds an ASCII letter. */
static int
has_letter(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (is_alpha((unsigned char)s[i]))
            return 1;
    return 0;
}

/* The '@' of a word, or its fullwidth form U+FF20; NULL if none. */
static const char *
word_at_sign(const char *w, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (w[i] == '@')
            return w + i;
        if (n - i >= 3 && memcmp(w + i, "\xef\xbc\xa0", 3) == 0)
            return w + i;
    }
    return NULL;
}

int
pgr_cli_number_beside_address(const char *s)
{
    size_t digits = 0;

    while (*s != '\0') {
        size_t n = strcspn(s, " \t");
        const char *at = word_at_sign(s, n);
        size_t i, upto = n;

        if (at != NULL) {
            upto = (size_t)(at - s);      /* a domain's digits never count */
            if (has_letter(s, upto))
                upto = 0;                 /* a word's digits, not a number */
        }
        for (i = 0; i < upto; i++)
            if (is_digit((unsigned char)s[i]))
                digits++;
        s += n;
        s += strspn(s, " \t");
    }
    return digits >= 7;
}

/* Dot-separated non-empty labels (a trailing dot allowed), no blanks. */
static int
looks_like_domain(const char *s)
{
    size_t labels = 0, cur = 0;
    const char *p;

    if (*s == '\0' || strchr(s, '@') != NULL)
        return 0;
    for (p = s; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= ' ' || c == 0x7f)
            return 0;
        if (c == '.') {
            if (cur == 0)
                return 0;
            labels++;
            cur = 0;
        } else {
            cur++;
        }
    }
    if (cur > 0)
        labels++;
    return labels >= 2;
}

pgr_cli_kind
pgr_cli_classify(const char *value, pgr_cli_kind forced)
{
    /* '@' or its fullwidth form U+FF20, as East Asian input methods type */
    const char *uri;
    int address = strchr(value, '@') != NULL ||
                  strstr(value, "\xef\xbc\xa0") != NULL ||
                  has_prefix(value, "mailto:");

    switch (forced) {
    case PGR_KIND_PHONE:
    case PGR_KIND_NAME:
    case PGR_KIND_DOMAIN:
        return forced;
    case PGR_KIND_EMAIL:
        return address ? PGR_KIND_EMAIL : PGR_KIND_DOMAIN;
    case PGR_KIND_AUTO:
        break;
    }
    uri = uri_of(value);
    if (has_prefix(uri, "tel:"))
        return PGR_KIND_PHONE;
    if (has_prefix(uri, "sip:") && sip_user_has_digit(uri + 4))
        return PGR_KIND_PHONE;
    if (has_prefix(uri, "sips:") && sip_user_has_digit(uri + 5))
        return PGR_KIND_PHONE;
    if (address)
        return PGR_KIND_EMAIL;
    if (looks_like_number(value) || reads_as_phone(value))
        return PGR_KIND_PHONE;
    if (looks_like_domain(value))
        return PGR_KIND_DOMAIN;
    if (holds_many_digits(value))
        return PGR_KIND_PHONE;
    return PGR_KIND_NAME;
}

const char *
pgr_cli_kind_name(pgr_cli_kind kind)
{
    switch (kind) {
    case PGR_KIND_PHONE:
        return "phone";
    case PGR_KIND_EMAIL:
        return "email";
    case PGR_KIND_DOMAIN:
        return "domain";
    case PGR_KIND_NAME:
        return "name";
    case PGR_KIND_AUTO:
        break;
    }
    return "unknown";
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF.
 * jansson refuses anything else, and so do we, at the boundary. */
int
pgr_cli_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        unsigned char c = p[i];
        size_t n, k;
        unsigned long cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (len - i <= n)
            return 0;
        for (k = 1; k <= n; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += n + 1;
    }
    return 1;
}
