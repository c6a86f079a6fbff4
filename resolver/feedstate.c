/*
 * feedstate.c - anti-rollback state of the registry feed, one small text
 * file per registry id in a state directory:
 *
 *   format ploguard-feed-state/1
 *   registry_id ca-ildc
 *   key_id 0123456789abcdef          (raw bytes, lower-case hex)
 *   seq 42
 *   blake2b <128 hex digits>         (BLAKE2b-512 of the registry body)
 *   issued_at 2026-11-22T04:00:00Z
 *   expires_at 2026-12-06T04:00:00Z
 *   recorded_at 2026-11-22T04:05:13Z
 *
 * Lines in exactly this order.  A state file that does not parse is an
 * error, never "no state": failing open would re-admit any old feed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "feed.h"
#include "feed_private.h"

#define STATE_FORMAT   "ploguard-feed-state/1"
#define STATE_MAX      2048
#define STATE_LOCK     "state.lock"

static int
state_path(const char *dir, const char *id, char *out, size_t outsz)
{
    int n;

    if (!pgr_feed_id_valid(id, strlen(id)))
        return -1;
    n = snprintf(out, outsz, "%s/%s.state", dir, id);
    return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

/* Takes the next line "<name> <value>" and returns the value. */
static int
state_line(char **p, const char *name, const char **val, size_t *vlen)
{
    char *nl = strchr(*p, '\n');
    size_t n = strlen(name);

    if (nl == NULL)
        return -1;
    if ((size_t)(nl - *p) < n + 2 || strncmp(*p, name, n) != 0 || (*p)[n] != ' ')
        return -1;
    *val = *p + n + 1;
    *vlen = (size_t)(nl - *val);
    *p = nl + 1;
    return 0;
}

static int
parse_ll(const char *s, size_t len, long long *out)
{
    long long v = 0;
    size_t i;

    if (len == 0 || len > 18)
        return -1;
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int
parse_state(char *text, pgr_feed_state *st, const char **bad)
{
    char *p = text;
    const char *v;
    size_t vlen;

    memset(st, 0, sizeof(*st));
    *bad = "format";
    if (state_line(&p, "format", &v, &vlen) != 0 || vlen != strlen(STATE_FORMAT) ||
        memcmp(v, STATE_FORMAT, vlen) != 0)
        return -1;
    *bad = "registry_id";
    if (state_line(&p, "registry_id", &v, &vlen) != 0 || !pgr_feed_id_valid(v, vlen))
        return -1;
    memcpy(st->registry_id, v, vlen);
    st->registry_id[vlen] = '\0';
    *bad = "key_id";
    if (state_line(&p, "key_id", &v, &vlen) != 0 ||
        pgr_feed_unhex(v, vlen, st->keyid, PGR_FEED_KEYID_BYTES) != 0)
        return -1;
    *bad = "seq";
    if (state_line(&p, "seq", &v, &vlen) != 0 || parse_ll(v, vlen, &st->seq) != 0 ||
        st->seq < 1)
        return -1;
    *bad = "blake2b";
    if (state_line(&p, "blake2b", &v, &vlen) != 0 ||
        pgr_feed_unhex(v, vlen, st->hash, PGR_FEED_HASH_BYTES) != 0)
        return -1;
    *bad = "issued_at";
    if (state_line(&p, "issued_at", &v, &vlen) != 0 ||
        pgr_feed_parse_time(v, vlen, &st->issued_at) != 0)
        return -1;
    *bad = "expires_at";
    if (state_line(&p, "expires_at", &v, &vlen) != 0 ||
        pgr_feed_parse_time(v, vlen, &st->expires_at) != 0)
        return -1;
    *bad = "recorded_at";
    if (state_line(&p, "recorded_at", &v, &vlen) != 0 ||
        pgr_feed_parse_time(v, vlen, &st->recorded_at) != 0)
        return -1;
    *bad = "end of file";
    return *p == '\0' ? 0 : -1;
}

pgr_feed_status
pgr_feed_state_read(const char *state_dir, const char *registry_id,
                    pgr_feed_state *st, int *found, char *err, size_t errlen)
{
    char path[PATH_MAX];
    unsigned char *buf = NULL;
    size_t len = 0;
    const char *bad = NULL;
    struct stat sb;
    pgr_feed_status rc;

    *found = 0;
    if (state_path(state_dir, registry_id, path, sizeof(path)) != 0) {
        pgr_seterr(err, errlen, "registry id \"%s\" is not usable as a state file name",
                   registry_id);
        return PGR_FEED_E_STATE;
    }
    if (stat(path, &sb) != 0 && errno == ENOENT)
        return PGR_FEED_OK;
    rc = pgr_feed_read_file(path, STATE_MAX, &buf, &len, err, errlen);
    if (rc != PGR_FEED_OK)
        return rc == PGR_FEED_E_NOMEM ? rc : PGR_FEED_E_STATE;
    if (memchr(buf, '\0', len) != NULL || parse_state((char *)buf, st, &bad) != 0) {
        pgr_seterr(err, errlen, "%s: corrupt state file (at \"%s\"); refusing to guess",
                   path, bad != NULL ? bad : "?");
        free(buf);
        return PGR_FEED_E_STATE;
    }
    free(buf);
    if (strcmp(st->registry_id, registry_id) != 0) {
        pgr_seterr(err, errlen, "%s: holds registry_id %s", path, st->registry_id);
        return PGR_FEED_E_STATE;
    }
    *found = 1;
    return PGR_FEED_OK;
}

static pgr_feed_status
apply_rules(const pgr_feed_state *st, const pgr_feed_info *info, char *err,
            size_t errlen)
{
    if (info->seq < st->seq) {
        pgr_seterr(err, errlen,
                   "rollback refused: registry %s seq %lld is older than seq %lld already accepted",
                   info->registry_id, info->seq, st->seq);
        return PGR_FEED_E_ROLLBACK;
    }
    if (info->seq == st->seq &&
        sodium_memcmp(info->hash, st->hash, PGR_FEED_HASH_BYTES) != 0) {
        char have[17], got[17];

        /* The first 8 bytes are plenty to tell them apart in a message. */
        pgr_feed_hex(st->hash, 8, have);
        pgr_feed_hex(info->hash, 8, got);
        pgr_seterr(err, errlen,
                   "EQUIVOCATION: registry %s seq %lld was signed with two different contents "
                   "(accepted blake2b %s..., now offered blake2b %s...): the signing key may be compromised, "
                   "tell the RCMP ILDC",
                   info->registry_id, info->seq, have, got);
        return PGR_FEED_E_EQUIVOCATION;
    }
    return PGR_FEED_OK;
}

pgr_feed_status
pgr_feed_state_check(const char *state_dir, const pgr_feed_info *info,
                     char *err, size_t errlen)
{
    pgr_feed_state st;
    int found = 0;
    pgr_feed_status rc;

    rc = pgr_feed_state_read(state_dir, info->registry_id, &st, &found, err, errlen);
    if (rc != PGR_FEED_OK || !found)
        return rc;
    return apply_rules(&st, info, err, errlen);
}

/*
 * The state directory's lock, held from the check to the write of a
 * record: the overlay and `ploguard sync` both record there, and without
 * it one could write its older seq over the newer one the other recorded
 * between its check and its write.  Held for a read and a small write
 * only, and waited for PGR_FEED_LOCK_WAIT_MS at most.  Returns the
 * descriptor to close, or -1 with the reason in err.
 */
static int
state_lock(const char *state_dir, char *err, size_t errlen)
{
    const struct timespec tick = { 0, 10000000L };   /* 10 ms */
    char path[PATH_MAX];
    struct stat sb;
    int n, fd, waited;

    n = snprintf(path, sizeof(path), "%s/" STATE_LOCK, state_dir);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        pgr_seterr(err, errlen, "%s: state directory path too long", state_dir);
        return -1;
    }
    /* read-only is enough for flock, and works on a lock file another
     * user (the sync's or slapd's) created */
    /* The directory is writable by slapd's user too: no symbolic link
     * followed, nothing but a regular file locked */
    fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
    if (fd < 0) {
        pgr_seterr(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        pgr_seterr(err, errlen, "%s: not a regular file", path);
        (void)close(fd);
        return -1;
    }
    for (waited = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; waited += 10) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            pgr_seterr(err, errlen, "%s: cannot lock: %s", path, strerror(errno));
            (void)close(fd);
            return -1;
        }
        if (waited >= PGR_FEED_LOCK_WAIT_MS) {
            pgr_seterr(err, errlen, "%s: held by another process for more "
                       "than %d s (a ploguard sync or a slapd that is stuck?)",
                       path, PGR_FEED_LOCK_WAIT_MS / 1000);
            (void)close(fd);
            return -1;
        }
        (void)nanosleep(&tick, NULL);
    }
    return fd;
}

static pgr_feed_status
state_record_locked(const char *state_dir, const char *path,
                    const pgr_feed_info *info, time_t now, char *err,
                    size_t errlen)
{
    char text[STATE_MAX];
    char kid[2 * PGR_FEED_KEYID_BYTES + 1], sha[2 * PGR_FEED_HASH_BYTES + 1];
    char iss[21], exp[21], rec[21];
    pgr_feed_status rc;
    int n;

    rc = pgr_feed_state_check(state_dir, info, err, errlen);
    if (rc != PGR_FEED_OK)
        return rc;
    pgr_feed_hex(info->keyid, PGR_FEED_KEYID_BYTES, kid);
    pgr_feed_hex(info->hash, PGR_FEED_HASH_BYTES, sha);
    pgr_feed_format_time(info->issued_at, iss);
    pgr_feed_format_time(info->expires_at, exp);
    pgr_feed_format_time(now, rec);
    n = snprintf(text, sizeof(text),
                 "format %s\nregistry_id %s\nkey_id %s\nseq %lld\nblake2b %s\n"
                 "issued_at %s\nexpires_at %s\nrecorded_at %s\n",
                 STATE_FORMAT, info->registry_id, kid, info->seq, sha, iss, exp, rec);
    if (n < 0 || (size_t)n >= sizeof(text)) {
        pgr_seterr(err, errlen, "state record too long");
        return PGR_FEED_E_STATE;
    }
    return pgr_feed_write_atomic(path, text, (size_t)n, err, errlen);
}

pgr_feed_status
pgr_feed_state_record(const char *state_dir, const pgr_feed_info *info,
                      time_t now, char *err, size_t errlen)
{
    char path[PATH_MAX];
    pgr_feed_status rc;
    int fd;

    if (state_path(state_dir, info->registry_id, path, sizeof(path)) != 0) {
        pgr_seterr(err, errlen, "state path for \"%s\" is too long", info->registry_id);
        return PGR_FEED_E_STATE;
    }
    if (mkdir(state_dir, 0755) != 0 && errno != EEXIST) {
        pgr_seterr(err, errlen, "%s: cannot create the state directory: %s",
                   state_dir, strerror(errno));
        return PGR_FEED_E_IO;
    }
    fd = state_lock(state_dir, err, errlen);
    if (fd < 0)
        return PGR_FEED_E_IO;
    rc = state_record_locked(state_dir, path, info, now, err, errlen);
    (void)close(fd);
    return rc;
}

/* <registry_id>.state.tmp.XXXXXX, with a registry id that is valid. */
static int
match_state_temp(const char *name, const void *arg)
{
    static const size_t suffix = sizeof(".state.tmp.XXXXXX") - 1;
    size_t len = strlen(name);

    (void)arg;
    if (len <= suffix)
        return 0;
    return strncmp(name + len - suffix, ".state", 6) == 0 &&
           pgr_feed_is_tmp_suffix(name + len - suffix + 6) &&
           pgr_feed_id_valid(name, len - suffix);
}

int
pgr_feed_state_clean_temps(const char *state_dir, time_t now, time_t min_age)
{
    return pgr_feed_clean_dir(state_dir, match_state_temp, NULL, now, min_age);
}
