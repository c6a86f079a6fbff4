/*
 * feed_private.h - helpers shared by the feed sources (minisign.c,
 * feedstate.c, feedio.c, feedload.c).  Not part of the feed API.
 */
#ifndef PGR_FEED_PRIVATE_H
#define PGR_FEED_PRIVATE_H

#include <stddef.h>
#include <time.h>

/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void pgr_feed_hex(const unsigned char *in, size_t n, char *out);
/* Parses exactly 2n hex digits; returns 0 or -1. */
int pgr_feed_unhex(const char *in, size_t len, unsigned char *out, size_t n);

/* True when id is a valid registry id (1..PGR_FEED_ID_MAX of
 * [A-Za-z0-9._-], first alphanumeric): safe as a file name. */
int pgr_feed_id_valid(const char *id, size_t len);

/* Says whether a directory entry name is a temporary file to remove. */
typedef int (*pgr_feed_temp_match)(const char *name, const void *arg);

/* Removes the regular files of dir whose name match() accepts and whose
 * mtime is at least min_age seconds before now.  Returns the number
 * removed, 0 when dir does not exist, -1 when it cannot be read. */
int pgr_feed_clean_dir(const char *dir, pgr_feed_temp_match match,
                       const void *arg, time_t now, time_t min_age);

/* True when s is ".tmp." and the 6 characters mkstemp() put for XXXXXX. */
int pgr_feed_is_tmp_suffix(const char *s);

#endif
