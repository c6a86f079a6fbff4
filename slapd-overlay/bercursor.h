/*
 * bercursor.h - a read-only cursor over BER octets, as LDAP encodes them.
 *
 * LDAP's BER has one-octet tags and definite lengths (RFC 4511, 5.1).
 * The overlay reads the client's own filter values back from the request
 * with it (filter.c); it is hand-written rather than liblber's element
 * calls because it runs for every search naming a registered identifier,
 * and liblber's generic calls cost several times as much.  What LDAP does
 * not send (a multi-octet tag, an indefinite length) and an element
 * running past the cursor's end are refused; otherwise it reads as
 * liblber's ber_peek_element does.
 * Nothing here knows slapd: tests/unit/test_bercursor.c compares it with
 * liblber.
 */
#ifndef PG_BERCURSOR_H
#define PG_BERCURSOR_H

#include <stddef.h>

typedef struct pg_ber {
    const unsigned char *p;     /* the next element */
    const unsigned char *end;   /* one past the last octet */
} pg_ber;

/* Inline: the overlay calls them for every element of a filter. */

/* Reads a tag octet and a length, and leaves c->p at the contents.
 * Returns 0, or -1 (c unchanged). */
static inline int
pg_ber_head(pg_ber *c, unsigned *tag, size_t *len)
{
    const unsigned char *p = c->p;
    size_t l, n;

    if (c->end - p < 2 || (p[0] & 0x1f) == 0x1f)
        return -1;
    *tag = p[0];
    l = p[1];
    p += 2;
    if (l & 0x80) {
        n = l & 0x7f;
        if (n == 0 || n > sizeof(size_t) || (size_t)(c->end - p) < n)
            return -1;   /* indefinite, or too long for a size_t */
        for (l = 0; n > 0; n--)
            l = (l << 8) | *p++;
    }
    if (l > (size_t)(c->end - p))
        return -1;
    c->p = p;
    *len = l;
    return 0;
}

/* Steps over one element; its contents in *val, *vlen when val is not
 * NULL.  Returns 0, or -1 (c unchanged). */
static inline int
pg_ber_skip(pg_ber *c, const char **val, size_t *vlen)
{
    unsigned tag;
    size_t len;

    if (pg_ber_head(c, &tag, &len) != 0)
        return -1;
    if (val != NULL) {
        *val = (const char *)c->p;
        *vlen = len;
    }
    c->p += len;
    return 0;
}

#endif /* PG_BERCURSOR_H */
