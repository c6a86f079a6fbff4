/*
 * fileio.c - reading a whole file, bounded (fileio.h).
 */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pgr.h"

pgr_file_status
pgr_file_read(const char *path, size_t max, char **buf, size_t *len,
              char *err, size_t errlen)
{
    pgr_file_status st;
    struct stat sb;
    char *b, *nb;
    size_t cap, n = 0;
    int fd;

    *buf = NULL;
    *len = 0;
    if (max > SIZE_MAX / 2)
        max = SIZE_MAX / 2;   /* so that max + 1 and twice a capacity fit */
    /* O_NONBLOCK: opening a FIFO put in the file's place would otherwise
     * wait for a writer, for ever (slapd's reload task, a sync holding its
     * lock); it is refused below, and a regular file ignores the flag. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        pgr_seterr(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return PGR_FILE_E_IO;
    }
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        pgr_seterr(err, errlen, "%s: not a regular file", path);
        (void)close(fd);
        return PGR_FILE_E_IO;
    }
    if ((unsigned long long)sb.st_size > max) {
        *len = (unsigned long long)sb.st_size > SIZE_MAX ? SIZE_MAX
                                                          : (size_t)sb.st_size;
        pgr_seterr(err, errlen, "%s: larger than %zu bytes", path, max);
        (void)close(fd);
        return PGR_FILE_E_TOO_BIG;
    }
    /* One byte more than its size, to find out that the file has grown;
     * the capacity never passes max + 1. */
    cap = (size_t)sb.st_size + 1;
    b = malloc(cap + 1);
    if (b == NULL) {
        pgr_seterr(err, errlen, "%s: out of memory", path);
        (void)close(fd);
        return PGR_FILE_E_NOMEM;
    }
    for (;;) {
        ssize_t r;

        if (n == cap) {
            if (cap > max) {
                st = PGR_FILE_E_TOO_BIG;
                *len = n;
                pgr_seterr(err, errlen, "%s: larger than %zu bytes", path, max);
                goto fail;
            }
            cap = cap > max / 2 ? max + 1 : cap * 2;
            nb = realloc(b, cap + 1);
            if (nb == NULL) {
                st = PGR_FILE_E_NOMEM;
                pgr_seterr(err, errlen, "%s: out of memory", path);
                goto fail;
            }
            b = nb;
        }
        r = read(fd, b + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            st = PGR_FILE_E_IO;
            pgr_seterr(err, errlen, "%s: read error: %s", path, strerror(errno));
            goto fail;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    (void)close(fd);
    b[n] = '\0';
    *buf = b;
    *len = n;
    return PGR_FILE_OK;
fail:
    free(b);
    (void)close(fd);
    return st;
}
