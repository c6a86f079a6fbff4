/*
 * feedio.c - reading files whole, writing them atomically and durably, and
 * installing a registry together with its signature.
 *
 * Durability: data is fsync'ed before the rename that publishes it, and the
 * directory is fsync'ed after, so after a crash the name points either to
 * the old complete file or to the new complete file.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "feed.h"
#include "feed_private.h"
#include "fileio.h"

pgr_feed_status
pgr_feed_read_file(const char *path, size_t max, unsigned char **buf,
                   size_t *len, char *err, size_t errlen)
{
    char *b;
    pgr_file_status st = pgr_file_read(path, max, &b, len, err, errlen);

    *buf = (unsigned char *)b;
    if (st == PGR_FILE_OK)
        return PGR_FEED_OK;
    *len = 0;
    return st == PGR_FILE_E_NOMEM ? PGR_FEED_E_NOMEM : PGR_FEED_E_IO;
}

int
pgr_feed_dir_of(const char *path, char *out, size_t outsz)
{
    const char *slash = strrchr(path, '/');
    size_t n;

    if (slash == NULL)
        return snprintf(out, outsz, ".") < (int)outsz ? 0 : -1;
    n = slash == path ? 1 : (size_t)(slash - path);
    if (n >= outsz)
        return -1;
    memcpy(out, path, n);
    out[n] = '\0';
    return 0;
}

static pgr_feed_status
sync_dir(const char *path, char *err, size_t errlen)
{
    char dir[PATH_MAX];
    int fd;

    if (pgr_feed_dir_of(path, dir, sizeof(dir)) != 0) {
        pgr_seterr(err, errlen, "%s: path too long", path);
        return PGR_FEED_E_IO;
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        pgr_seterr(err, errlen, "%s: cannot sync directory: %s", dir, strerror(errno));
        if (fd >= 0)
            (void)close(fd);
        return PGR_FEED_E_IO;
    }
    (void)close(fd);
    return PGR_FEED_OK;
}

static int
write_all(int fd, const void *data, size_t len)
{
    const unsigned char *p = data;

    while (len > 0) {
        ssize_t w = write(fd, p, len);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Gives fd the owner and group of the file it replaces, as far as this
 * process may: a user who is not root keeps at least the group when a
 * member of it (the group may be what lets slapd read the file). */
static void
keep_owner(int fd, const struct stat *old)
{
    if (fchown(fd, old->st_uid, old->st_gid) != 0)
        (void)fchown(fd, (uid_t)-1, old->st_gid);
}

/* Writes data to a new temporary file beside target, of the given mode (and
 * old's owner and group, unless NULL), and syncs it; the name is returned
 * in tmp (tmpsz bytes).  The owner goes first: fchown clears set-id bits. */
static pgr_feed_status
write_temp(const char *target, const void *data, size_t len, mode_t mode,
           const struct stat *old, char *tmp, size_t tmpsz, char *err,
           size_t errlen)
{
    int fd, n;

    n = snprintf(tmp, tmpsz, "%s.tmp.XXXXXX", target);
    if (n < 0 || (size_t)n >= tmpsz) {
        tmp[0] = '\0';
        pgr_seterr(err, errlen, "%s: path too long", target);
        return PGR_FEED_E_IO;
    }
    fd = mkstemp(tmp);
    if (fd >= 0)
        (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (fd < 0) {
        pgr_seterr(err, errlen, "%s: cannot create a temporary file beside it: %s",
                   target, strerror(errno));
        tmp[0] = '\0';
        return PGR_FEED_E_IO;
    }
    if (old != NULL)
        keep_owner(fd, old);
    if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        pgr_seterr(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
        (void)close(fd);
        (void)unlink(tmp);
        tmp[0] = '\0';
        return PGR_FEED_E_IO;
    }
    if (close(fd) != 0) {
        pgr_seterr(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
        (void)unlink(tmp);
        tmp[0] = '\0';
        return PGR_FEED_E_IO;
    }
    return PGR_FEED_OK;
}

pgr_feed_status
pgr_feed_write_file(const char *path, const void *data, size_t len,
                    unsigned flags, char *err, size_t errlen)
{
    char tmp[PATH_MAX];
    struct stat sb;
    const struct stat *old = NULL;
    mode_t mode = 0644;
    pgr_feed_status st;
    int rc;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (flags & PGR_FEED_WRITE_NEW) {
        /* a new file as open(2) would make it, 0666 less the umask (an
         * ILDC draft stays private under umask 077); umask can only be
         * read by setting it: single-threaded callers only */
        mode_t m = umask(077);

        (void)umask(m);
        mode = 0666 & ~m;
    }
    if (stat(path, &sb) == 0) {
        if (flags & PGR_FEED_WRITE_NEW) {
            pgr_seterr(err, errlen, "%s: already exists; not overwritten", path);
            return PGR_FEED_E_IO;
        }
        if (flags & PGR_FEED_WRITE_KEEP_MODE) {
            mode = sb.st_mode & 07777;
            old = &sb;
        }
    }
    st = write_temp(path, data, len, mode, old, tmp, sizeof(tmp), err, errlen);
    if (st != PGR_FEED_OK)
        return st;
    if (flags & PGR_FEED_WRITE_NEW) {
        /* unlike rename(), link() fails when path has appeared meanwhile */
        rc = link(tmp, path);
        if (rc != 0)
            pgr_seterr(err, errlen, "%s: cannot create: %s", path, strerror(errno));
    } else {
        rc = rename(tmp, path);
        if (rc != 0)
            pgr_seterr(err, errlen, "%s: cannot rename into place: %s", path,
                       strerror(errno));
    }
    if (rc != 0 || (flags & PGR_FEED_WRITE_NEW))
        (void)unlink(tmp);
    if (rc != 0)
        return PGR_FEED_E_IO;
    st = sync_dir(path, err, errlen);
    /* The file is in place: a caller that asked is told so, with err. */
    return (flags & PGR_FEED_WRITE_SYNC_SOFT) ? PGR_FEED_OK : st;
}

pgr_feed_status
pgr_feed_write_atomic(const char *path, const void *data, size_t len,
                      char *err, size_t errlen)
{
    return pgr_feed_write_file(path, data, len, 0, err, errlen);
}

/*
 * Writes a copy of the file name to the new file tmp and syncs it; tmp is
 * removed again on failure.  keep_prev's way when name may not be linked:
 * with fs.protected_hardlinks (Debian's default) a user may link only a
 * file it owns or may write, and an installed registry first put there by
 * root is neither for the sync's user, who may still replace it.
 */
static pgr_feed_status
copy_to_new(const char *name, const char *tmp, char *err, size_t errlen)
{
    pgr_file_status fst;
    char *buf;
    size_t len;
    int fd, rc, saved;

    fst = pgr_file_read(name, PGR_REGISTRY_MAX_BYTES, &buf, &len, err, errlen);
    if (fst != PGR_FILE_OK)
        return fst == PGR_FILE_E_NOMEM ? PGR_FEED_E_NOMEM : PGR_FEED_E_IO;
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        pgr_seterr(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
        free(buf);
        return PGR_FEED_E_IO;
    }
    rc = write_all(fd, buf, len) != 0 || fsync(fd) != 0 ? -1 : 0;
    saved = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    free(buf);
    if (rc != 0) {
        pgr_seterr(err, errlen, "%s: cannot write: %s", tmp, strerror(saved));
        (void)unlink(tmp);
        return PGR_FEED_E_IO;
    }
    return PGR_FEED_OK;
}

/*
 * Makes name.prev a hard link to name's current file (a copy of it when
 * it may not be linked), atomically replacing any older .prev (made under
 * a temporary name, then renamed).  Nothing to do when name does not
 * exist yet.
 */
static pgr_feed_status
keep_prev(const char *name, char *err, size_t errlen)
{
    char prev[PATH_MAX], tmp[PATH_MAX];
    unsigned char rnd[8];
    char hex[17];
    int n;

    if (access(name, F_OK) != 0 && errno == ENOENT)
        return PGR_FEED_OK;
    randombytes_buf(rnd, sizeof(rnd));
    pgr_feed_hex(rnd, sizeof(rnd), hex);
    n = snprintf(prev, sizeof(prev), "%s.prev", name);
    if (n < 0 || (size_t)n >= sizeof(prev))
        goto toolong;
    n = snprintf(tmp, sizeof(tmp), "%s.prev.%s", name, hex);
    if (n < 0 || (size_t)n >= sizeof(tmp))
        goto toolong;
    if (link(name, tmp) != 0) {
        pgr_feed_status st;

        if (errno != EPERM) {
            pgr_seterr(err, errlen, "%s: cannot keep the previous file as %s: %s",
                       name, prev, strerror(errno));
            return PGR_FEED_E_IO;
        }
        st = copy_to_new(name, tmp, err, errlen);
        if (st != PGR_FEED_OK)
            return st;
    }
    if (rename(tmp, prev) != 0) {
        pgr_seterr(err, errlen, "%s: cannot rename into place: %s", prev, strerror(errno));
        (void)unlink(tmp);
        return PGR_FEED_E_IO;
    }
    /* When prev already was a link to the same file (a sync killed after
     * this step), rename() succeeds without doing anything and tmp stays. */
    (void)unlink(tmp);
    return PGR_FEED_OK;
toolong:
    pgr_seterr(err, errlen, "%s: path too long", name);
    return PGR_FEED_E_IO;
}

pgr_feed_status
pgr_feed_install(const char *target, const unsigned char *body, size_t len,
                 const char *sig, size_t siglen, char *err, size_t errlen)
{
    char sigpath[PATH_MAX], tmpreg[PATH_MAX], tmpsig[PATH_MAX];
    pgr_feed_status st;
    int n, had_old;

    tmpreg[0] = tmpsig[0] = '\0';
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    n = snprintf(sigpath, sizeof(sigpath), "%s.minisig", target);
    if (n < 0 || (size_t)n >= sizeof(sigpath)) {
        pgr_seterr(err, errlen, "%s: path too long", target);
        return PGR_FEED_E_IO;
    }
    /* 1. Both new files complete and on disk under temporary names. */
    st = write_temp(target, body, len, 0644, NULL, tmpreg, sizeof(tmpreg), err, errlen);
    if (st != PGR_FEED_OK)
        return st;
    st = write_temp(sigpath, sig, siglen, 0644, NULL, tmpsig, sizeof(tmpsig), err, errlen);
    if (st != PGR_FEED_OK)
        goto fail;
    had_old = access(target, F_OK) == 0 && access(sigpath, F_OK) == 0;
    /* 2. The current pair kept as .prev before anything is renamed: while
     * the pair disagrees (between the renames of step 3, signature first)
     * readers fall back to .minisig.prev, which must then sign the
     * current registry. */
    st = keep_prev(target, err, errlen);
    if (st == PGR_FEED_OK)
        st = keep_prev(sigpath, err, errlen);
    if (st == PGR_FEED_OK)
        st = sync_dir(target, err, errlen);
    if (st != PGR_FEED_OK)
        goto fail;
    /* 3. Publish: signature, then registry, then make the names durable. */
    if (rename(tmpsig, sigpath) != 0) {
        pgr_seterr(err, errlen, "%s: cannot rename into place: %s", sigpath, strerror(errno));
        st = PGR_FEED_E_IO;
        goto fail;
    }
    tmpsig[0] = '\0';
    if (rename(tmpreg, target) != 0) {
        pgr_seterr(err, errlen, "%s: cannot rename into place: %s", target, strerror(errno));
        /* Put the old signature back so the installed pair agrees again. */
        if (had_old) {
            char prevsig[PATH_MAX + 8];

            (void)snprintf(prevsig, sizeof(prevsig), "%s.prev", sigpath);
            if (rename(prevsig, sigpath) == 0)
                (void)sync_dir(target, NULL, 0);
        }
        st = PGR_FEED_E_IO;
        goto fail;
    }
    /* Installed: a directory that cannot be synced now is said in err, but
     * the new pair is what readers see, and the caller must record it. */
    (void)sync_dir(target, err, errlen);
    return PGR_FEED_OK;
fail:
    if (tmpreg[0] != '\0')
        (void)unlink(tmpreg);
    if (tmpsig[0] != '\0')
        (void)unlink(tmpsig);
    return st;
}

/* ------------------------------------------------- stale temporaries */

static int
all_of(const char *s, size_t n, const char *set)
{
    size_t i;

    if (strlen(s) != n)
        return 0;
    for (i = 0; i < n; i++)
        if (strchr(set, s[i]) == NULL)
            return 0;
    return 1;
}

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

int
pgr_feed_is_tmp_suffix(const char *s)
{
    return strncmp(s, ".tmp.", 5) == 0 && all_of(s + 5, 6, ALNUM);
}

/* base.tmp.XXXXXX or base.prev.<16 lower-case hex digits> */
static int
match_beside(const char *name, const void *arg)
{
    const char *base = arg;
    size_t n = strlen(base);

    if (strncmp(name, base, n) != 0)
        return 0;
    name += n;
    if (pgr_feed_is_tmp_suffix(name))
        return 1;
    return strncmp(name, ".prev.", 6) == 0 && all_of(name + 6, 16, "0123456789abcdef");
}

/* Removes one entry of d if it is a regular file old enough. */
static int
remove_if_stale(DIR *d, const char *name, time_t now, time_t min_age)
{
    struct stat sb;

    if (fstatat(dirfd(d), name, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(sb.st_mode))
        return 0;
    if (min_age > 0 && (sb.st_mtime > now || now - sb.st_mtime < min_age))
        return 0;
    return unlinkat(dirfd(d), name, 0) == 0;
}

int
pgr_feed_clean_dir(const char *dir, pgr_feed_temp_match match, const void *arg,
                   time_t now, time_t min_age)
{
    DIR *d;
    const struct dirent *de;
    int removed = 0;

    d = opendir(dir);
    if (d == NULL)
        return errno == ENOENT ? 0 : -1;
    while ((de = readdir(d)) != NULL)
        if (match(de->d_name, arg))
            removed += remove_if_stale(d, de->d_name, now, min_age);
    (void)closedir(d);
    return removed;
}

int
pgr_feed_clean_temps(const char *path, time_t now, time_t min_age)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    const char *base = slash != NULL ? slash + 1 : path;

    if (*base == '\0' || pgr_feed_dir_of(path, dir, sizeof(dir)) != 0)
        return -1;
    return pgr_feed_clean_dir(dir, match_beside, base, now, min_age);
}
