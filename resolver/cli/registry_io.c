/*
 * registry_io.c - the registry file for `ploguard registry`: read, parse,
 * canonical dump, validation through the library, atomic replacement and
 * the edit lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "feed.h"
#include "fileio.h"
#include "cli.h"
#include "registry_tools.h"

/* Tries at getting a lock whose file was being removed meanwhile. */
#define LOCK_TRIES 8

int
regtool_read_file(const char *path, char **bufp, size_t *lenp)
{
    char err[PATH_MAX + 128];

    if (pgr_file_read(path, REGTOOL_MAX_FILE, bufp, lenp, err, sizeof(err)) !=
        PGR_FILE_OK) {
        fprintf(stderr, "%s: %s\n", REGTOOL_PROG, err);
        return -1;
    }
    return 0;
}

json_t *
regtool_parse(const char *path, const char *buf, size_t len)
{
    json_error_t jerr;
    json_t *root;

    root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        fprintf(stderr, "%s: %s:%d:%d: %s\n", REGTOOL_PROG, path, jerr.line,
                jerr.column, jerr.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        fprintf(stderr, "%s: %s: the top level is not a JSON object\n",
                REGTOOL_PROG, path);
        json_decref(root);
        return NULL;
    }
    return root;
}

json_t *
regtool_load(const char *path)
{
    char *buf;
    size_t len;
    json_t *root;

    if (regtool_read_file(path, &buf, &len) != 0)
        return NULL;
    root = regtool_parse(path, buf, len);
    free(buf);
    return root;
}

int
regtool_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* How canonical_copy orders an object's keys. */
typedef enum key_order {
    KEYS_SORTED,
    KEYS_AS_WRITTEN,
    KEYS_ROOT          /* sorted; "instructions" keeps its own order */
} key_order;

static json_t *canonical_copy(json_t *v, key_order order);

/* An object's members, copied canonically.  The top-level "instructions"
 * keeps the order it was written in: the first instruction is what an
 * organization with neither an instruction nor a mission takes
 * (registry-format.md), so sorting would change what officers are told. */
static json_t *
canonical_object(json_t *obj, key_order order)
{
    size_t n = 0, i;
    const char **keys;
    const char *key;
    json_t *out, *v;

    keys = calloc(json_object_size(obj) + 1, sizeof(*keys));
    out = json_object();
    if (keys == NULL || out == NULL)
        goto fail;
    json_object_foreach(obj, key, v)
        keys[n++] = key;
    if (order != KEYS_AS_WRITTEN)
        qsort(keys, n, sizeof(*keys), regtool_cmp_str);
    for (i = 0; i < n; i++) {
        key_order inner = order == KEYS_ROOT &&
                          strcmp(keys[i], "instructions") == 0 ?
                          KEYS_AS_WRITTEN : KEYS_SORTED;

        v = canonical_copy(json_object_get(obj, keys[i]), inner);
        if (v == NULL || json_object_set_new(out, keys[i], v) != 0)
            goto fail;
    }
    free(keys);
    return out;
fail:
    free(keys);
    json_decref(out);
    return NULL;
}

/* A copy of v in canonical order; scalars are shared. */
static json_t *
canonical_copy(json_t *v, key_order order)
{
    json_t *out, *e;
    size_t i;

    if (json_is_object(v))
        return canonical_object(v, order);
    if (!json_is_array(v))
        return json_incref(v);
    out = json_array();
    if (out == NULL)
        return NULL;
    json_array_foreach(v, i, e) {
        if (json_array_append_new(out, canonical_copy(e, KEYS_SORTED)) != 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

char *
regtool_dump(const json_t *root, size_t *lenp)
{
    const size_t flags = JSON_INDENT(2);   /* order: canonical_copy's */
    size_t need, got;
    json_t *canon;
    char *buf;

    canon = canonical_object((json_t *)root, KEYS_ROOT);
    if (canon == NULL)
        goto fail;
    need = json_dumpb(canon, NULL, 0, flags);
    if (need == 0 || need > REGTOOL_MAX_FILE) {
        json_decref(canon);
        goto fail;
    }
    buf = malloc(need + 2);
    if (buf == NULL) {
        json_decref(canon);
        goto fail;
    }
    got = json_dumpb(canon, buf, need, flags);
    json_decref(canon);
    if (got != need) {
        free(buf);
        goto fail;
    }
    buf[need] = '\n';
    buf[need + 1] = '\0';
    *lenp = need + 1;
    return buf;
fail:
    fprintf(stderr, "%s: cannot serialize the registry (out of memory?)\n",
            REGTOOL_PROG);
    return NULL;
}

pgr_registry *
regtool_validate(const char *path, const char *buf, size_t len)
{
    pgr_errors errs;
    pgr_registry *reg;
    size_t i;

    pgr_errors_init(&errs);
    reg = pgr_registry_load_buffer(buf, len, NULL, &errs);
    if (reg != NULL && errs.count == 0) {
        pgr_errors_free(&errs);
        (void)pgr_cli_warn_registry(stderr, REGTOOL_PROG, path, reg);
        return reg;
    }
    for (i = 0; i < errs.count; i++) {
        const char *m = i < errs.cap ? errs.msgs[i] : NULL;

        fprintf(stderr, "%s: %s: %s\n", REGTOOL_PROG, path,
                m != NULL ? m : "(error message lost: out of memory)");
    }
    if (errs.count == 0)
        fprintf(stderr, "%s: %s: rejected by the registry loader\n",
                REGTOOL_PROG, path);
    pgr_errors_free(&errs);
    pgr_registry_free(reg);
    return NULL;
}

int
regtool_write_atomic(const char *path, const char *buf, size_t len,
                     int noclobber)
{
    char err[PATH_MAX + 128];
    unsigned flags = PGR_FEED_WRITE_KEEP_MODE | PGR_FEED_WRITE_SYNC_SOFT;

    if (noclobber)
        flags |= PGR_FEED_WRITE_NEW;
    if (pgr_feed_write_file(path, buf, len, flags, err, sizeof(err)) !=
        PGR_FEED_OK) {
        fprintf(stderr, "%s: %s\n", REGTOOL_PROG, err);
        return -1;
    }
    /* Written: a directory that could not be flushed is no reason to say
     * "not changed" (exit 2 means nothing was written). */
    if (err[0] != '\0')
        fprintf(stderr, "%s: %s: written, but %s; it may not survive a "
                "crash until the directory is flushed\n", REGTOOL_PROG, path,
                err);
    return 0;
}

/* Says why the edit lock could not be opened: a lock file another account
 * left unreadable (an older version made it 0600), or a directory this
 * account may not create it in. */
static void
lock_open_failed(const char *lpath)
{
    int err = errno;
    struct stat st;

    if (err == EACCES && lstat(lpath, &st) == 0 && st.st_uid != geteuid())
        fprintf(stderr, "%s: %s: %s (the edit lock, left by another account: "
                "remove it if no ploguard registry command is running)\n",
                REGTOOL_PROG, lpath, strerror(err));
    else if (err == EACCES)
        fprintf(stderr, "%s: %s: %s (the edit lock is made beside the "
                "registry: this account may not create files there)\n",
                REGTOOL_PROG, lpath, strerror(err));
    else
        fprintf(stderr, "%s: %s: %s\n", REGTOOL_PROG, lpath, strerror(err));
}

int
regtool_lock(const char *path)
{
    char lpath[PATH_MAX];
    struct stat fst, pst;
    int i;

    if (snprintf(lpath, sizeof(lpath), "%s.lock", path) >= (int)sizeof(lpath)) {
        fprintf(stderr, "%s: %s: file name too long\n", REGTOOL_PROG, path);
        return -1;
    }
    /* The holder removes the lock file before unlocking; a descriptor that
     * locked a removed file locks nothing, so check it is still the one. */
    for (i = 0; i < LOCK_TRIES; i++) {
        /* Read-only and readable by all: flock needs no write access, so
         * a lock file another account left behind locks, not blocks. */
        int fd = open(lpath, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0) {
            lock_open_failed(lpath);
            return -1;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int busy = errno == EWOULDBLOCK;

            fprintf(stderr, "%s: %s: %s\n", REGTOOL_PROG, path,
                    busy ? "being edited by another ploguard registry command"
                         : strerror(errno));
            close(fd);
            return -1;
        }
        if (fstat(fd, &fst) == 0 && stat(lpath, &pst) == 0 &&
            fst.st_dev == pst.st_dev && fst.st_ino == pst.st_ino)
            return fd;
        close(fd);
    }
    fprintf(stderr, "%s: %s: cannot take the edit lock\n", REGTOOL_PROG, path);
    return -1;
}

void
regtool_unlock(const char *path, int fd)
{
    char lpath[PATH_MAX];

    if (fd < 0)
        return;
    if (snprintf(lpath, sizeof(lpath), "%s.lock", path) < (int)sizeof(lpath))
        (void)unlink(lpath);
    close(fd);
}

void
regtool_format_time(time_t t, char out[REGTOOL_TIME_LEN])
{
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL ||
        strftime(out, REGTOOL_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        out[0] = '\0';
}

void
regtool_format_date(time_t t, char out[11])
{
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL || strftime(out, 11, "%Y-%m-%d", &tm) == 0)
        out[0] = '\0';
}

static int
digits(const char *s, size_t n, int *val)
{
    size_t i;

    *val = 0;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *val = *val * 10 + (s[i] - '0');
    }
    return 0;
}

int
regtool_check_date(const char *s)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d, leap;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
        digits(s, 4, &y) != 0 || digits(s + 5, 2, &m) != 0 ||
        digits(s + 8, 2, &d) != 0)
        return -1;
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return -1;
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        return -1;
    return 0;
}

void
regtool_print_json(FILE *fp, const json_t *v)
{
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);

    fputs(s != NULL ? s : "(?)", fp);
    free(s);
}

void
regtool_print_id(FILE *fp, const char *id)
{
    const char *p;
    json_t *s;

    for (p = id; *p != '\0'; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || strchr("._:@-", *p) != NULL))
            break;
    if (*id != '\0' && *p == '\0') {
        fputs(id, fp);
        return;
    }
    s = json_string(id);
    regtool_print_json(fp, s);
    json_decref(s);
}
