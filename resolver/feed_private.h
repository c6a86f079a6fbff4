/*
 * feed_private.h - helpers shared by the feed sources (minisign.c,
 * feedstate.c, feedio.c, feedload.c).  Not part of the feed API.
 */
#ifndef PGR_FEED_PRIVATE_H
#define PGR_FEED_PRIVATE_H

#include <stddef.h>

/* snprintf into err when there is room; err may be NULL or errlen 0. */
void pgr_feed_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void pgr_feed_hex(const unsigned char *in, size_t n, char *out);
/* Parses exactly 2n hex digits; returns 0 or -1. */
int pgr_feed_unhex(const char *in, size_t len, unsigned char *out, size_t n);

/* True when id is a valid registry id (1..PGR_FEED_ID_MAX of
 * [A-Za-z0-9._-], first alphanumeric): safe as a file name. */
int pgr_feed_id_valid(const char *id, size_t len);

#endif
