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
 * allocates, is called only for a domain that is not plain ASCII.
 */
#include <idn2.h>
#include <stdlib.h>
#include <string.h>

#include "pgr.h"

#define LOCAL_MAX    64     /* RFC 5321 4.5.3.1.1 */
#define LABEL_MAX    63     /* RFC 1035 2.3.4 */
#define COMMENT_MAX  8      /* nesting depth of a display-name comment */
#define UDOMAIN_MAX  1024   /* UTF-8 bytes of a domain given to libidn2 */

static const char mailto[] = "mailto:";

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

static int
has_prefix_ci(const char *s, size_t n, const char *prefix)
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
    trim(&s, &n);
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

/* A dot-atom of 1..64 characters: no leading, trailing or double dot. */
static int
local_valid(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > LOCAL_MAX || s[0] == '.' || s[n - 1] == '.')
        return -1;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '.') {
            if (s[i - 1] == '.')
                return -1;
        } else if (!is_atext(c)) {
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

/*
 * Strips "mailto:" (any case) and its "?header" part, and decodes %XX
 * escapes into buf, to which *s then points.  Leaves other input alone.
 */
static int
unwrap_mailto(const char **s, size_t *n, char *buf, size_t bufsz)
{
    const char *p;
    size_t plen, i, o = 0;

    if (!has_prefix_ci(*s, *n, mailto))
        return 0;
    p = *s + strlen(mailto);
    plen = *n - strlen(mailto);
    for (i = 0; i < plen && p[i] != '?'; i++) {
        int c = (unsigned char)p[i];

        if (c == '%') {
            int hi, lo;

            if (i + 2 >= plen)
                return -1;
            hi = hex_value((unsigned char)p[i + 1]);
            lo = hex_value((unsigned char)p[i + 2]);
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
 * 8-bit text (RFC 6532).  The characters that would make it a list, a group
 * or a second address are refused outside quotes.  An unquoted '@' is let
 * through: mail clients write "li@example.org <li@example.org>".
 */
static int
display_name_valid(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"') {
            if (skip_quoted_string(s, n, &i) != 0)
                return -1;
        } else if (c == '(') {
            if (skip_comment(s, n, &i) != 0)
                return -1;
        } else if (c == 0x7f || (c < 0x20 && !is_space(c)) ||
                   strchr("<>,;:\\[])", c) != NULL) {
            return -1;
        }
    }
    return 0;
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
    trim(s, n);
    return 0;
}

/* Isolates the address proper from the forms people and programs write. */
static int
extract_address(const char **s, size_t *n, char *buf, size_t bufsz)
{
    trim(s, n);
    if (*n == 0)
        return -1;
    if (!has_prefix_ci(*s, *n, mailto) && (*s)[*n - 1] == '>') {
        if (unwrap_angle(s, n) != 0)
            return -1;
    }
    return unwrap_mailto(s, n, buf, bufsz);
}

int
pgr_email_normalize(const char *in, size_t len, char *out, size_t outsz,
                    size_t *domain_off)
{
    char buf[PGR_EMAIL_MAX + 1];
    const char *s = in, *at;
    size_t n = len, i, local_len, base_len;

    if (out == NULL || outsz == 0)
        return -1;
    out[0] = '\0';
    if (in == NULL || extract_address(&s, &n, buf, sizeof(buf)) != 0)
        return -1;
    if (n == 0 || n > PGR_EMAIL_MAX)
        return -1;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c <= ' ' || c == 0x7f)
            return -1;
    }
    at = memchr(s, '@', n);
    if (at == NULL || memchr(at + 1, '@', n - (size_t)(at + 1 - s)) != NULL)
        return -1;
    local_len = (size_t)(at - s);
    if (local_valid(s, local_len) != 0)
        return -1;

    /* "li+x" is delivered to "li".  When what precedes the '+' is not an
     * address of its own ("+x", "li.+x"), the '+' is part of the name. */
    base_len = local_len;
    for (i = 1; i < local_len; i++) {
        if (s[i] == '+') {
            if (s[i - 1] != '.')
                base_len = i;
            break;
        }
    }
    if (base_len + 2 > outsz)
        return -1;
    for (i = 0; i < base_len; i++)
        out[i] = (char)to_lower((unsigned char)s[i]);
    out[base_len] = '@';
    if (pgr_domain_normalize(at + 1, n - local_len - 1, out + base_len + 1,
                             outsz - base_len - 1) != 0) {
        out[0] = '\0';
        return -1;
    }
    if (domain_off != NULL)
        *domain_off = base_len + 1;
    return 0;
}
