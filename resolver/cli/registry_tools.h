/*
 * registry_tools.h - shared parts of `ploguard registry` (the ILDC tools):
 * reading, validating and atomically replacing the registry file, the edit
 * lock, the field table used by add/set, and the diff.
 *
 * Every function that can fail prints its own message on stderr (naming the
 * file, and the JSON path where there is one) and returns -1; callers only
 * decide the exit status.
 */
#ifndef PGR_REGISTRY_TOOLS_H
#define PGR_REGISTRY_TOOLS_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "pgr.h"

#define REGTOOL_PROG "ploguard registry"

/* Exit statuses. */
#define REGTOOL_OK     0
#define REGTOOL_DIFF   1   /* diff: the files differ */
#define REGTOOL_ERROR  2

/* Largest registry file read (the 100,000-person registry is ~40 MB). */
#define REGTOOL_MAX_FILE ((size_t)256 * 1024 * 1024)

/* ------------------------------------------------------- registry_io.c */

/* Reads a whole file (at most REGTOOL_MAX_FILE bytes), NUL-terminated.
 * Returns 0, or -1 with a message. *buf is the caller's to free. */
int regtool_read_file(const char *path, char **buf, size_t *len);

/* Parses JSON, duplicate keys rejected; the top level must be an object.
 * Returns a new reference or NULL with a message naming path:line:column. */
json_t *regtool_parse(const char *path, const char *buf, size_t len);

/* Reads and parses a registry file (not validated). */
json_t *regtool_load(const char *path);

/* Canonical form: sorted keys, 2-space indent, UTF-8 unescaped, trailing
 * newline.  Returns a malloc'd NUL-terminated buffer or NULL (message). */
char *regtool_dump(const json_t *root, size_t *len);

/* qsort comparator of an array of strings (const char *). */
int regtool_cmp_str(const void *a, const void *b);

/* Validates a serialized registry with the library's loader, its numbers
 * read in the default region as ploguard check reads them (--region is for
 * values typed on the command line only).  Prints every error as "path:
 * json.path: reason".  Returns the loaded registry (the caller frees it)
 * or NULL. */
pgr_registry *regtool_validate(const char *path, const char *buf, size_t len);

/* Replaces path with buf: temporary file in the same directory, fsync,
 * rename, fsync of the directory.  With noclobber the file must not exist
 * (link(2) instead of rename(2), so a racing creator is never overwritten).
 * The mode of an existing file is kept; a new file gets 0644.
 * Returns 0, or -1 with a message and path untouched. */
int regtool_write_atomic(const char *path, const char *buf, size_t len,
                         int noclobber);

/* The edit lock: flock(2) on "path.lock", never waiting.  Returns a lock
 * descriptor, or -1 with a message when another edit holds it. */
int regtool_lock(const char *path);
void regtool_unlock(const char *path, int fd);

/* Time helpers (UTC). "YYYY-MM-DDTHH:MM:SSZ" needs 21 bytes. */
#define REGTOOL_TIME_LEN 21
void regtool_format_time(time_t t, char out[REGTOOL_TIME_LEN]);
void regtool_format_date(time_t t, char out[11]);
/* Checks "YYYY-MM-DD" is a real calendar date.  Returns 0 or -1. */
int regtool_check_date(const char *s);

/* Prints one value compactly as JSON (strings quoted and escaped, so no
 * control character from a file ever reaches the terminal). */
void regtool_print_json(FILE *fp, const json_t *v);
/* Prints an id bare when it is plain ([A-Za-z0-9._:@-]), JSON-quoted if not. */
void regtool_print_id(FILE *fp, const char *id);

/* ----------------------------------------------------- registry_edit.c */

typedef struct regtool_kind {
    pgr_entity_kind kind;
    const char *name;    /* "person" */
    const char *array;   /* "people" */
} regtool_kind;

extern const regtool_kind regtool_kinds[3];

/* The kind named by a word ("person", "mission", "organization"), or NULL. */
const regtool_kind *regtool_kind_by_name(const char *name);

/* Finds an entity by id in any of the three arrays.  Returns the object
 * (borrowed) and sets *kind and *index, or NULL. */
json_t *regtool_find(json_t *root, const char *id, const regtool_kind **kind,
                     size_t *index);

typedef enum regtool_ftype {
    FT_TEXT,       /* non-empty string */
    FT_ROLE,       /* plo | diplomat | official */
    FT_STATUS,     /* active | ended */
    FT_DATE,       /* YYYY-MM-DD */
    FT_COUNTRY,    /* ISO 3166 alpha-2, stored upper-case */
    FT_REF,        /* id of another entity or instruction */
    FT_PHONE,      /* stored in E.164 when it reads as one number */
    FT_PREFIX,     /* "+" and digits */
    FT_EMAIL,
    FT_DOMAIN,
    FT_NAME        /* "Family/Given" or "Full name" */
} regtool_ftype;

#define KIND_BIT(k) (1u << (k))

typedef struct regtool_field {
    const char   *name;   /* JSON member */
    unsigned      kinds;  /* KIND_BIT(PGR_PERSON) | ... */
    regtool_ftype type;
    int           list;   /* an array of such values */
} regtool_field;

/* The field of that kind, or NULL. */
const regtool_field *regtool_field_find(const char *name, pgr_entity_kind kind);
/* All fields, terminated by a NULL name. */
extern const regtool_field regtool_fields[];
/* Plain text that is no entity field (name parts, instruction texts). */
extern const regtool_field regtool_text_field;

/* Converts one command-line value of a field to JSON.  Returns a new
 * reference, or NULL with a message naming what (e.g. "--phone"). */
json_t *regtool_value(const regtool_field *f, const char *text,
                      const pgr_config *cfg, const char *what);

/* True when two list members denote the same thing (phones compared in
 * E.164 as the loader reads the file, e-mails and domains
 * case-insensitively, names by content). */
int regtool_same_member(const regtool_field *f, const json_t *a,
                        const json_t *b);

/* Appends a value (reference stolen) to a list field unless an equal
 * member is there.  where names the entity in messages ("people[3]").
 * Returns 0, or -1 with a message. */
int regtool_list_add(json_t *obj, const regtool_field *f, json_t *value,
                     const char *where);
/* Removes the members equal to value.  Returns 0, or -1 if none was there. */
int regtool_list_remove(json_t *obj, const regtool_field *f,
                        const json_t *value, const char *where);

/* ----------------------------------------------------- registry_diff.c */

/* Writes the differences between two registry documents to fp, one line
 * each.  Returns the number of differences, or -1 with a message (an array
 * that is not an array, an entity without an id, a duplicate id). */
long regtool_diff(FILE *fp, const json_t *old_root, const json_t *new_root);

#endif /* PGR_REGISTRY_TOOLS_H */
