/*
 * plainnorm.h - caseIgnoreMatch's normal form of a plain ASCII value.
 *
 * A plain value is printable ASCII (0x20-0x7e) with single spaces inside
 * and none at either end; its caseIgnoreMatch normal form is the value
 * lower-cased.  slapd's normalizer reaches the same through its Unicode
 * path at several times the cost (synth.c checks once, at db_open, that
 * the two agree).  Nothing here knows slapd, so that the unit tests can
 * compare it with a byte-by-byte reference.
 */
#ifndef PG_PLAINNORM_H
#define PG_PLAINNORM_H

#include <stddef.h>

/* Fills the byte table; call once before the others (idempotent). */
void pg_plain_init(void);

/* 1 when v (n bytes) is worth trying: not empty, plain at both ends. */
int  pg_plain_may(const char *v, size_t n);

/* v lower-cased into out (n + 1 bytes, NUL-terminated); -1 when v is not
 * plain.  The caller has checked pg_plain_may(v, n). */
int  pg_plain_lower_into(const char *v, size_t n, char *out);

#endif /* PG_PLAINNORM_H */
