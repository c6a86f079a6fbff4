/*
 * fileio.h - reading a whole file, bounded: the registry loader, the feed
 * verifier and the registry tools all read their files through it.
 */
#ifndef PGR_FILEIO_H
#define PGR_FILEIO_H

#include <stddef.h>

typedef enum pgr_file_status {
    PGR_FILE_OK = 0,
    PGR_FILE_E_IO,        /* cannot open or read it, or not a regular file */
    PGR_FILE_E_TOO_BIG,   /* more than the limit */
    PGR_FILE_E_NOMEM
} pgr_file_status;

/*
 * Reads the regular file at path, of at most max bytes, into a new buffer
 * (NUL-terminated one past *len; the caller frees it).  The file is read to
 * its end, not to the size fstat gave, and never past max + 1 bytes.  On
 * failure *buf is NULL, err (errlen bytes, may be NULL) says why, naming
 * path, and for PGR_FILE_E_TOO_BIG *len is the size seen (more than max).
 */
pgr_file_status pgr_file_read(const char *path, size_t max, char **buf,
                              size_t *len, char *err, size_t errlen);

#endif /* PGR_FILEIO_H */
