/*
 * email.c - canonical forms of e-mail addresses and domain names.
 *
 * The canonical address is "local@domain": the local part lower-cased with
 * any "+sub-address" dropped, the domain lower-case A-labels without a
 * trailing dot.  Registry data and client values go through the same
 * functions, so a match is a plain string comparison.
 *
 * These run for every mail value of every entry slapd returns: the ASCII
 * path works only in the caller's buffer and on the stack.  libidn2, which
 * allocates, is called only for a domain that is not plain ASCII.  A plain
 * address pays only a few byte tests for the rarer forms (comments, quoted
 * or fullwidth local parts, invisible characters at the ends); their work
 * starts only when a byte that is not plain is seen.
 */
#include <idn2.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "pgr.h"
#include "registry_int.h"

#define LOCAL_MAX    64     /* RFC 5321 4.5.3.1.1 */
#define LABEL_MAX    63     /* RFC 1035 2.3.4 */
#define COMMENT_MAX  8      /* nesting depth of a display-name comment */
#define UDOMAIN_MAX  1024   /* UTF-8 bytes of a domain given to libidn2 */
#define UTF8_EMAIL_MAX ((size_t)4 * PGR_EMAIL_MAX)  /* 4 bytes a character */

static const char mailto[] = "mailto:";
static const char smtp[] = "smtp:";     /* Exchange / AD proxyAddresses */

/*
 * Characters that show as nothing or as a blank, trimmed at the ends of a
 * value like ASCII white space (pasted from documents and web pages).
 */
static const char *const invisible[] = {
    "\xc2\xa0",          /* U+00A0 no-break space */
    "\xe2\x80\x8b",      /* U+200B zero width space */
    "\xe2\x80\x8e",      /* U+200E left-to-right mark */
    "\xe2\x80\x8f",      /* U+200F right-to-left mark */
    "\xe2\x80\xaf",      /* U+202F narrow no-break space */
    "\xe2\x81\xa0",      /* U+2060 word joiner */
    "\xe3\x80\x80",      /* U+3000 ideographic space */
    "\xef\xbb\xbf",      /* U+FEFF byte order mark */
};

static int
is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static unsigned char
to_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* The length of the invisible character at the start (at_end 0) or the
 * end (at_end 1) of s, or 0.  Called only for a byte above 0x7f there. */
static size_t
invisible_len(const char *s, size_t n, int at_end)
{
    size_t i;

    for (i = 0; i < sizeof(invisible) / sizeof(invisible[0]); i++) {
        size_t k = strlen(invisible[i]);

        if (n >= k && memcmp(at_end ? s + n - k : s, invisible[i], k) == 0)
            return k;
    }
    return 0;
}

/*
 * The rare half of trim: white space and invisible characters, taken one
 * at a time from each end until neither end has any.
 */
static void
trim_invisible(const char **s, size_t *n)
{
    size_t k;

    while (*n > 0) {
        k = is_space((unsigned char)**s) ? 1 : invisible_len(*s, *n, 0);
        if (k == 0)
            break;
        *s += k;
        *n -= k;
    }
    while (*n > 0) {
        k = is_space((unsigned char)(*s)[*n - 1]) ? 1
                                                  : invisible_len(*s, *n, 1);
        if (k == 0)
            break;
        *n -= k;
    }
}

static void
trim(const char **s, size_t *n)
{
    while (*n > 0 && is_space((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && is_space((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/*
 * trim for the ends of a value as written, where pasted text brings
 * invisible characters: they are looked for only when a byte left at an
 * end is above 0x7f, so a plain value runs the ASCII loops alone.  Inline,
 * so that the rare call does not give every value a stack frame.
 */
static inline void
trim_value(const char **s, size_t *n)
{
    trim(s, n);
    if (*n > 0 && ((unsigned char)**s >= 0x80 ||
                   (unsigned char)(*s)[*n - 1] >= 0x80))
        trim_invisible(s, n);
}

int
pgr_prefix_ci(const char *s, size_t n, const char *prefix)
{
    size_t i, plen = strlen(prefix);

    if (n < plen)
        return 0;
    for (i = 0; i < plen; i++)
        if (to_lower((unsigned char)s[i]) != (unsigned char)prefix[i])
            return 0;
    return 1;
}

/* ------------------------------------------------------------ domains */

static int
is_ldh(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/*
 * Checks a lower-cased host name: 2 or more labels of 1..63 letters, digits
 * and hyphens, no label starting or ending with a hyphen, at most 253 bytes,
 * and a top-level label that is not all digits (that is an IPv4 address).
 */
static int
host_valid(const char *d, size_t n)
{
    size_t i, start = 0, labels = 0;
    int all_digits = 1;

    if (n == 0 || n > PGR_DOMAIN_MAX)
        return -1;
    for (i = 0; i <= n; i++) {
        unsigned char c = i < n ? (unsigned char)d[i] : '.';

        if (c == '.') {
            size_t llen = i - start;

            if (llen == 0 || llen > LABEL_MAX)
                return -1;
            if (d[start] == '-' || d[i - 1] == '-')
                return -1;
            labels++;
            if (i < n) {
                start = i + 1;
                all_digits = 1;
            }
            continue;
        }
        if (!is_ldh(c))
            return -1;
        if (c < '0' || c > '9')
            all_digits = 0;
    }
    if (labels < 2 || all_digits)
        return -1;
    return 0;
}

/* Copies an ASCII name lower-cased and checks it. */
static int
domain_ascii(const char *s, size_t n, char *out, size_t outsz)
{
    size_t i;

    if (n > PGR_DOMAIN_MAX || n >= outsz)
        return -1;
    for (i = 0; i < n; i++)
        out[i] = (char)to_lower((unsigned char)s[i]);
    out[n] = '\0';
    return host_valid(out, n);
}

/* Converts an internationalized name to A-labels (UTS #46, non-transitional)
 * and checks the result as an ASCII name. */
static int
domain_idna(const char *s, size_t n, char *out, size_t outsz)
{
    char u[UDOMAIN_MAX];
    char *a = NULL;
    size_t alen;
    int rc;

    if (n >= sizeof(u) || memchr(s, '\0', n) != NULL)
        return -1;
    memcpy(u, s, n);
    u[n] = '\0';
    if (idn2_to_ascii_8z(u, &a, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT)
        != IDN2_OK || a == NULL) {
        idn2_free(a);
        return -1;
    }
    /* A full stop such as U+3002 at the end maps to a trailing dot. */
    alen = strlen(a);
    if (alen > 0 && a[alen - 1] == '.')
        alen--;
    rc = domain_ascii(a, alen, out, outsz);
    idn2_free(a);
    return rc;
}

int
pgr_domain_normalize(const char *in, size_t len, char *out, size_t outsz)
{
    const char *s = in;
    size_t n = len, i;
    int ascii = 1;

    if (out == NULL || outsz == 0)
        return -1;
    out[0] = '\0';
    if (in == NULL)
        return -1;
    trim_value(&s, &n);
    if (n > 0 && s[n - 1] == '.')
        n--;
    if (n == 0)
        return -1;
    for (i = 0; i < n && ascii; i++)
        if ((unsigned char)s[i] >= 0x80)
            ascii = 0;
    if ((ascii ? domain_ascii(s, n, out, outsz)
               : domain_idna(s, n, out, outsz)) != 0) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ addresses */

/* RFC 5322 atext: the characters of a dot-atom other than the dot. */
static int
is_atext(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9'))
        return 1;
    return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/*
 * A dot-atom of 1..64 bytes: no leading, trailing or double dot.  Its
 * characters may be other than ASCII (RFC 6531: 王丽华@, josé@), as long
 * as they are valid UTF-8 and no control or blank: an address whose local
 * part is not ASCII still reaches its registered domain.
 */
static int
local_valid(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    if (n == 0 || n > LOCAL_MAX || s[0] == '.' || s[n - 1] == '.')
        return -1;
    while (i < n) {
        unsigned char c = u[i];
        long cp;

        if (c == '.') {
            if (s[i - 1] == '.')
                return -1;
            i++;
        } else if (c < 0x80) {
            if (!is_atext(c))
                return -1;
            i++;
        } else {
            cp = pgr_utf8_next(u, n, &i);
            /* invalid, C1 controls, blanks and invisible marks; and the
             * fullwidth and halfwidth forms, which split_unusual folds
             * first where they are ASCII (ｗａｎｇ@ is wang@) */
            if (cp <= 0xa0 || cp == 0xad || cp == 0x61c || cp == 0x180e ||
                (cp >= 0x2000 && cp <= 0x206f) || cp == 0x3000 ||
                (cp >= 0xfe00 && cp <= 0xfe0f) || cp == 0xfeff ||
                (cp >= 0xff00 && cp <= 0xffff) ||
                (cp >= 0xe0000 && cp <= 0xe0fff))
                return -1;
        }
    }
    return 0;
}

static int
hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = to_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int
pgr_percent_decode(const char *s, size_t n, int stop, char *buf,
                   size_t bufsz, size_t *len)
{
    size_t i, o = 0;

    for (i = 0; i < n && (unsigned char)s[i] != stop; i++) {
        int c = (unsigned char)s[i];

        if (c == '%') {
            int hi, lo;

            if (i + 2 >= n)
                return -1;
            hi = hex_value((unsigned char)s[i + 1]);
            lo = hex_value((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return -1;
            c = hi * 16 + lo;
            i += 2;
        }
        if (o + 1 >= bufsz)
            return -1;
        buf[o++] = (char)c;
    }
    buf[o] = '\0';
    *len = o;
    return 0;
}

/*
 * Strips "mailto:" (any case) and its "?header" part, and decodes %XX
 * escapes into buf, to which *s then points.  Leaves other input alone.
 */
static int
unwrap_mailto(const char **s, size_t *n, char *buf, size_t bufsz)
{
    const char *p;
    size_t plen, o;

    if (!pgr_prefix_ci(*s, *n, mailto))
        return 0;
    p = *s + strlen(mailto);
    plen = *n - strlen(mailto);
    if (plen >= 2 && p[0] == '/' && p[1] == '/') {   /* "mailto://li@..." */
        p += 2;
        plen -= 2;
    }
    if (pgr_percent_decode(p, plen, '?', buf, bufsz, &o) != 0)
        return -1;
    *s = buf;
    *n = o;
    trim(s, n);
    return 0;
}

/* Skips the quoted string starting at s[*i]; leaves *i on its closing '"'. */
static int
skip_quoted_string(const char *s, size_t n, size_t *i)
{
    for ((*i)++; *i < n; (*i)++) {
        unsigned char c = (unsigned char)s[*i];

        if (c == '\\')
            (*i)++;
        else if (c == '"')
            return 0;
        if (*i >= n || s[*i] == '\0')
            return -1;
    }
    return -1;
}

/* Skips the comment starting at s[*i]; leaves *i on its closing ')'. */
static int
skip_comment(const char *s, size_t n, size_t *i)
{
    int depth = 0;

    for (; *i < n; (*i)++) {
        unsigned char c = (unsigned char)s[*i];

        if (c == '\\')
            (*i)++;
        else if (c == '(' && ++depth > COMMENT_MAX)
            return -1;
        else if (c == ')' && --depth == 0)
            return 0;
        if (*i >= n || s[*i] == '\0')
            return -1;
    }
    return -1;
}

/*
 * A display name before "<address>": words, quoted strings, comments and
 * 8-bit text (RFC 6532).  The characters that would make it a group or a
 * second address are refused outside quotes; brackets ("Li Na [MFA]") are
 * not such.  An unquoted '@' is let through: mail clients write
 * "li@example.org <li@example.org>".  So is a comma ("Li, Na": "Last,
 * First", as mail clients copy it) when every comma stands between two
 * words and no '@' outside quotes and comments makes a word an address:
 * "Li, <li@example.org>" and "a@example.org, Li <...>" are lists.
 */
static int
display_name_valid(const char *s, size_t n)
{
    size_t i;
    int word = 0, comma = 0, at = 0, bare_comma = 0;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"') {
            if (skip_quoted_string(s, n, &i) != 0)
                return -1;
            word = 1;
        } else if (c == '(') {
            if (skip_comment(s, n, &i) != 0)
                return -1;
            word = 1;
        } else if (c == ',') {
            bare_comma |= !word;
            comma = 1;
            word = 0;
        } else if (c == '@') {
            at = 1;
            word = 1;
        } else if (c == 0x7f || (c < 0x20 && !is_space(c)) ||
                   strchr("<>;:\\)", c) != NULL) {
            return -1;
        } else if (!is_space(c)) {
            word = 1;
        }
    }
    return comma && (bare_comma || at || !word) ? -1 : 0;
}

/* Finds the address in "display name <address>". */
static int
unwrap_angle(const char **s, size_t *n)
{
    const char *lt = NULL;
    size_t i, inner;

    for (i = *n - 1; i > 0; i--) {
        if ((*s)[i - 1] == '<') {
            lt = *s + i - 1;
            break;
        }
    }
    if (lt == NULL || display_name_valid(*s, (size_t)(lt - *s)) != 0)
        return -1;
    inner = (size_t)(*s + *n - 1 - (lt + 1));
    *s = lt + 1;
    *n = inner;
    trim_value(s, n);
    return 0;
}

/*
 * Drops the comments and white space before and after an address or a
 * name-addr (RFC 5322 CFWS): "li@example.org (Li Na)", "(Li Na)
 * li@example.org".  One forward pass skips quoted strings and comments;
 * what lies between the first and the last other character is kept, so
 * comments inside (in a display name) are left to display_name_valid.
 */
static int
strip_cfws(const char **s, size_t *n)
{
    size_t i, start = *n, end = 0;

    for (i = 0; i < *n; i++) {
        unsigned char c = (unsigned char)(*s)[i];

        if (c == '(') {
            if (skip_comment(*s, *n, &i) != 0)
                return -1;
            continue;
        }
        if (is_space(c))
            continue;
        if (start == *n)
            start = i;
        if (c == '"' && skip_quoted_string(*s, *n, &i) != 0)
            return -1;
        end = i + 1;
    }
    if (start >= end)
        return -1;      /* nothing but comments */
    *s += start;
    *n = end - start;
    trim_value(s, n);
    return *n > 0 ? 0 : -1;     /* nothing but invisible characters */
}

/*
 * A whole address in quotes, as spreadsheet and CSV exports write it
 * ("li@example.org", 'li@example.org'): the quotes dropped.  A quoted
 * local part ("li na"@example.org) does not end in its quote, and a value
 * holding that quote inside is left alone.
 */
static void
unquote_whole(const char **s, size_t *n)
{
    char q = (*s)[0];
    size_t i;

    if (*n < 3 || (q != '"' && q != '\'') || (*s)[*n - 1] != q)
        return;
    for (i = 1; i + 1 < *n; i++)
        if ((*s)[i] == q)
            return;
    (*s)++;
    *n -= 2;
    trim_value(s, n);
}

/* Isolates the address proper from the forms people and programs write. */
static int
extract_address(const char **s, size_t *n, char *buf, size_t bufsz)
{
    trim_value(s, n);
    if (*n == 0)
        return -1;
    unquote_whole(s, n);
    if (*n == 0)
        return -1;
    /* "SMTP:li@example.org" (proxyAddresses) holds a bare address only.
     * The first letter is tested here, so a plain address pays one test. */
    if (to_lower((unsigned char)(*s)[0]) == 's' &&
        pgr_prefix_ci(*s, *n, smtp)) {
        *s += strlen(smtp);
        *n -= strlen(smtp);
        return 0;
    }
    if (((*s)[0] == '(' || (*s)[*n - 1] == ')') && strip_cfws(s, n) != 0)
        return -1;
    if (!pgr_prefix_ci(*s, *n, mailto) && (*s)[*n - 1] == '>') {
        if (unwrap_angle(s, n) != 0)
            return -1;
    }
    return unwrap_mailto(s, n, buf, bufsz);
}

/*
 * The ASCII character of the fullwidth form (U+FF01..U+FF5E, that is
 * U+0021..U+007E plus 0xFEE0) whose UTF-8 bytes start s, or -1.
 * U+FF01..U+FF3F are EF BC 81..BF, U+FF40..U+FF5E are EF BD 80..9E.
 */
static int
fullwidth_ascii(const char *s, size_t n)
{
    unsigned char b1, b2;

    if (n < 3 || (unsigned char)s[0] != 0xef)
        return -1;
    b1 = (unsigned char)s[1];
    b2 = (unsigned char)s[2];
    if (b1 == 0xbc && b2 >= 0x81 && b2 <= 0xbf)
        return b2 - 0x60;
    if (b1 == 0xbd && b2 >= 0x80 && b2 <= 0x9e)
        return b2 - 0x20;
    return -1;
}

/*
 * Splits an address that is not plain and copies its local part to lbuf:
 * fullwidth forms there and in its '@' are folded to ASCII (East Asian
 * input methods type them), and the quotes around a local part are dropped
 * ("li.na"@example.org); local_valid then refuses quoted text that is not
 * a dot-atom.  The domain, from s[*dom], is left to pgr_domain_normalize
 * (IDNA maps fullwidth forms itself).
 */
static int
split_unusual(const char *s, size_t n, char *lbuf, size_t lbufsz,
              const char **local, size_t *local_len, size_t *dom)
{
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        int c = fullwidth_ascii(s + i, n - i);

        if (c >= 0)
            i += 2;
        else
            c = (unsigned char)s[i];
        if (c == '@')
            break;
        if (o + 1 >= lbufsz)
            return -1;
        lbuf[o++] = (char)c;
    }
    if (i + 1 >= n)
        return -1;      /* no '@', or nothing after it */
    *dom = i + 1;
    if (memchr(s + *dom, '@', n - *dom) != NULL)
        return -1;
    *local = lbuf;
    *local_len = o;
    if (o >= 2 && lbuf[0] == '"' && lbuf[o - 1] == '"') {
        *local = lbuf + 1;
        *local_len = o - 2;
    }
    return 0;
}

/*
 * Splits an address at its '@' into a valid local part and the offset of
 * the domain.  A plain one is split in place; only when that fails are
 * the forms that need a copy (8-bit text, quotes) tried.
 */
static int
split_address(const char *s, size_t n, char *lbuf, size_t lbufsz,
              const char **local, size_t *local_len, size_t *dom)
{
    const char *at = memchr(s, '@', n);

    if (at != NULL &&
        memchr(at + 1, '@', n - (size_t)(at + 1 - s)) == NULL &&
        local_valid(s, (size_t)(at - s)) == 0) {
        *local = s;
        *local_len = (size_t)(at - s);
        *dom = *local_len + 1;
        return 0;
    }
    if (split_unusual(s, n, lbuf, lbufsz, local, local_len, dom) != 0)
        return -1;
    return local_valid(*local, *local_len);
}

/*
 * A local part that is not ASCII, in NFC and case-folded code point by
 * code point (Unicode's simple folding: ß stays ß, straße@ is not
 * strasse@), as UTF-8 into out (outsz bytes, not terminated); its length
 * in *outlen.  0, or -1 when ICU fails or it does not fit.
 */
static int
fold_local(const char *local, size_t n, char *out, size_t outsz,
           size_t *outlen)
{
    UChar a[4 * LOCAL_MAX], b[4 * LOCAL_MAX];
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
    int32_t na, nb, no, i;

    if (U_FAILURE(st))
        return -1;
    u_strFromUTF8(a, (int32_t)(sizeof(a) / sizeof(a[0])), &na, local,
                  (int32_t)n, &st);
    if (U_FAILURE(st))
        return -1;
    nb = unorm2_normalize(nfc, a, na, b, (int32_t)(sizeof(b) / sizeof(b[0])),
                          &st);
    if (U_FAILURE(st))
        return -1;
    for (i = 0, na = 0; i < nb;) {
        UChar32 c;
        UBool bad = 0;

        U16_NEXT(b, i, nb, c);
        U16_APPEND(a, na, (int32_t)(sizeof(a) / sizeof(a[0])),
                   u_foldCase(c, U_FOLD_CASE_DEFAULT), bad);
        if (bad)
            return -1;
    }
    /* folded characters may compose differently: composed once more */
    nb = unorm2_normalize(nfc, a, na, b, (int32_t)(sizeof(b) / sizeof(b[0])),
                          &st);
    if (U_FAILURE(st))
        return -1;
    u_strToUTF8(out, (int32_t)outsz, &no, b, nb, &st);
    if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING ||
        (size_t)no >= outsz)
        return -1;
    *outlen = (size_t)no;
    return 0;
}

int
pgr_email_normalize(const char *in, size_t len, char *out, size_t outsz,
                    size_t *domain_off)
{
    char buf[PGR_EMAIL_MAX + 1];
    char lbuf[LOCAL_MAX + 3];   /* a quoted local part and its quotes */
    const char *s = in, *local;
    size_t n = len, i, local_len, dom, base_len;

    if (out == NULL || outsz == 0)
        return -1;
    out[0] = '\0';
    if (in == NULL || extract_address(&s, &n, buf, sizeof(buf)) != 0)
        return -1;
    /* The limits that count are those of the address written out (local
     * part, domain); fullwidth and UTF-8 forms take up to 4 bytes a
     * character. */
    if (n == 0 || n > UTF8_EMAIL_MAX)
        return -1;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c <= ' ' || c == 0x7f)
            return -1;
    }
    if (split_address(s, n, lbuf, sizeof(lbuf), &local, &local_len,
                      &dom) != 0)
        return -1;

    /* "li+x" is delivered to "li".  When what precedes the '+' is not an
     * address of its own ("+x", "li.+x"), the '+' is part of the name. */
    base_len = local_len;
    for (i = 1; i < local_len; i++) {
        if (local[i] == '+') {
            if (local[i - 1] != '.')
                base_len = i;
            break;
        }
    }
    if (base_len + 2 > outsz)
        return -1;
    for (i = 0; i < base_len && (unsigned char)local[i] < 0x80; i++)
        ;
    if (i < base_len) {
        /* not ASCII: composed and case-folded, so that JOSÉ@, josé@ and
         * jose + U+0301 (as macOS writes it) are one address; as written
         * when that cannot be done within the local part's 64 bytes, so
         * that the address still reaches its domain */
        size_t folded;

        if (fold_local(local, base_len, out,
                       outsz - 1 < LOCAL_MAX + 1 ? outsz - 1 : LOCAL_MAX + 1,
                       &folded) == 0 && folded <= LOCAL_MAX)
            base_len = folded;
        else
            memcpy(out, local, base_len);
    } else {
        for (i = 0; i < base_len; i++)
            out[i] = (char)to_lower((unsigned char)local[i]);
    }
    if (base_len + 2 > outsz)
        return -1;
    out[base_len] = '@';
    if (pgr_domain_normalize(s + dom, n - dom, out + base_len + 1,
                             outsz - base_len - 1) != 0) {
        out[0] = '\0';
        return -1;
    }
    if (domain_off != NULL)
        *domain_off = base_len + 1;
    return 0;
}
