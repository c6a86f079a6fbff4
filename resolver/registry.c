/*
 * registry.c - loading and validating a ploguard-registry/1 document
 * (data/registry-format.md is the specification) and the accessors of the
 * loaded registry.
 *
 * The header and instructions are parsed with jansson; the entity arrays
 * are parsed one element at a time (see "scanning"), organizations, then
 * missions, then people, so every reference resolves against entities
 * already loaded.  Instructions inherited from missions and organizations
 * are settled last.  Every error is collected as "json.path: reason"; a
 * registry with any error is freed whole and NULL returned.  The strings
 * of a loaded registry live in its arena.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "fileio.h"
#include "registry_int.h"

#define PGR_ID_MAX              64
#define PGR_SHORT_MAX           24   /* characters of short_en, short_fr */
#define PATH_MAX_LEN            160
#define QUOTE_MAX               80   /* bytes of a value quoted in an error */
#define ERRORS_MAX              1000 /* messages listed; the load fails anyway */

/* ------------------------------------------------------------ the loader */

typedef struct vec {
    void  *v;
    size_t n, cap, size;
} vec;

/* A key collected while validating, inserted once the counts are known. */
typedef struct pgr_num_posting {
    uint64_t key;
    uint32_t entity;
} pgr_num_posting;

typedef struct pgr_str_posting {
    const char *key;
    uint32_t entity;
} pgr_str_posting;

typedef struct loader {
    pgr_registry *reg;
    const pgr_config *cfg;
    pgr_errors *errs;
    size_t nerr0;
    int oom;
    size_t norgs, nmissions, npeople;
    const char *buf;               /* the document */
    size_t len;
    unsigned char *valid;          /* entity i was an object */
    size_t line_off, line, bol;    /* where json_fail last counted lines to */
    int muted;                     /* ERRORS_MAX reached */
    unsigned char *has_instruction;/* explicit "instruction" given */
    vec phones, prefixes;          /* pgr_num_posting */
    vec emails, domains, names;    /* pgr_str_posting */
} loader;

static void
vec_init(vec *v, size_t size)
{
    v->v = NULL;
    v->n = v->cap = 0;
    v->size = size;
}

static void *
vec_push(loader *ld, vec *v)
{
    if (v->n == v->cap) {
        size_t ncap = v->cap ? v->cap * 2 : 256;
        void *nv;

        if (ncap > SIZE_MAX / v->size || (nv = realloc(v->v, ncap * v->size)) == NULL) {
            ld->oom = 1;
            return NULL;
        }
        v->v = nv;
        v->cap = ncap;
    }
    return (char *)v->v + v->size * v->n++;
}

static void
vec_free(vec *v)
{
    free(v->v);
    vec_init(v, v->size);
}

static int
loader_failed(const loader *ld)
{
    return ld->oom || ld->reg->arena.failed || ld->errs->count != ld->nerr0;
}

/* False once ERRORS_MAX messages are listed: a registry broken
 * throughout gets a readable list, and the loader no time sink.  The
 * count still grows by one, so the load fails. */
static int
keep_reporting(loader *ld)
{
    if (ld->muted)
        return 0;
    if (ld->errs->count - ld->nerr0 < ERRORS_MAX)
        return 1;
    pgr_errors_add(ld->errs, "$: more than %d errors, the rest are not listed", ERRORS_MAX);
    ld->muted = 1;
    return 0;
}

/* Adds "path: reason". */
static void
fail(loader *ld, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(loader *ld, const char *path, const char *fmt, ...)
{
    char reason[512];
    va_list ap;

    if (!keep_reporting(ld))
        return;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    pgr_errors_add(ld->errs, "%s: %s", path, reason);
}

/* Adds "path: reason" to the registry's warnings (it still loads). */
static void
warn(loader *ld, const char *path, const char *reason)
{
    pgr_errors *w = &ld->reg->warnings;

    if (w->count >= PGR_WARNINGS_KEPT)
        w->count++;              /* counted, not kept */
    else
        pgr_errors_add(w, "%s: %s", path, reason);
}

/* Why a name went unindexed, as warn() says it. */
static const char not_indexed[] =
    "not indexed as a name (one word, longer than 127 bytes once folded, "
    "or not foldable): a search by this name finds nothing";

/* A value as it appears in an error: in double quotes, control characters,
 * quotes and backslashes escaped, cut at QUOTE_MAX bytes on a UTF-8
 * character boundary. */
static const char *
quote(const char *s, size_t len, char *buf, size_t bufsz)
{
    size_t i, o = 0;

    if (bufsz < QUOTE_MAX * 2 + 16)
        return "\"?\"";
    buf[o++] = '"';
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (i >= QUOTE_MAX && (c & 0xC0) != 0x80) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (c == '"' || c == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            o += (size_t)snprintf(buf + o, bufsz - o, "\\u%04x", c);
        } else {
            buf[o++] = (char)c;
        }
    }
    buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}

#define QBUF (QUOTE_MAX * 6 + 16)

static const char *
quote_json(const json_t *j, char *buf)
{
    return quote(json_string_value(j), json_string_length(j), buf, QBUF);
}

/* ------------------------------------------------------- field checking */

/* Reports fields of obj not in allowed (a NULL-terminated list) and the
 * fields of required missing from obj. */
static void
check_fields(loader *ld, const json_t *obj, const char *path,
             const char *const *allowed, const char *const *required)
{
    const char *key;
    const json_t *val;
    size_t i;
    char q[QBUF];

    json_object_foreach((json_t *)obj, key, val) {
        for (i = 0; allowed[i] != NULL; i++) {
            if (strcmp(key, allowed[i]) == 0)
                break;
        }
        if (allowed[i] == NULL)
            fail(ld, path, "unknown field %s", quote(key, strlen(key), q, sizeof(q)));
    }
    for (i = 0; required[i] != NULL; i++) {
        if (json_object_get(obj, required[i]) == NULL)
            fail(ld, path, "missing required field \"%s\"", required[i]);
    }
}

/* Paths are built for every field checked, error or not, so they are
 * put together by hand rather than by snprintf.  They are bounded (ids have
 * at most 64 characters); a longer one would be cut short, never overflow. */
static size_t
append(char *out, size_t o, const char *s)
{
    size_t n = strlen(s);

    if (o + n >= PATH_MAX_LEN)
        n = o < PATH_MAX_LEN - 1 ? PATH_MAX_LEN - 1 - o : 0;
    memcpy(out + o, s, n);
    out[o + n] = '\0';
    return o + n;
}

static void
join(char *out, const char *path, const char *field)
{
    size_t o = 0;

    out[0] = '\0';
    o = append(out, o, path);
    o = append(out, o, ".");
    append(out, o, field);
}

static void
join_index(char *out, const char *path, const char *field, size_t i)
{
    char num[32];
    size_t n = sizeof(num) - 1, o;

    num[n] = '\0';
    num[--n] = ']';
    do {
        num[--n] = (char)('0' + i % 10);
        i /= 10;
    } while (i > 0 && n > 1);
    num[--n] = '[';
    join(out, path, field);
    o = strlen(out);
    append(out, o, num + n);
}

/* True when the string has a character other than white space. */
static int
has_text(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return 1;
    }
    return 0;
}

/* A string field that, when present, must hold text.  NULL when absent or
 * wrong (the error is reported). */
static const json_t *
get_text(loader *ld, const json_t *obj, const char *path, const char *field)
{
    const json_t *j = json_object_get(obj, field);
    char p[PATH_MAX_LEN];

    if (j == NULL)
        return NULL;
    join(p, path, field);
    if (!json_is_string(j) || !has_text(json_string_value(j), json_string_length(j))) {
        fail(ld, p, "must be a non-empty string");
        return NULL;
    }
    return j;
}

/* An array field; NULL when absent or not an array (reported). */
static const json_t *
get_array(loader *ld, const json_t *obj, const char *path, const char *field)
{
    const json_t *j = json_object_get(obj, field);
    char p[PATH_MAX_LEN];

    if (j == NULL)
        return NULL;
    if (!json_is_array(j)) {
        join(p, path, field);
        fail(ld, p, "must be an array");
        return NULL;
    }
    return j;
}

static const char *
keep(loader *ld, const json_t *j)
{
    return pgr_arena_strndup(&ld->reg->arena, json_string_value(j),
                             json_string_length(j));
}

/* ----------------------------------------------------- ids, dates, times */

static int
id_valid(const char *s, size_t len)
{
    size_t i;

    if (len < 1 || len > PGR_ID_MAX)
        return 0;
    for (i = 0; i < len; i++) {
        char c = s[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int
digits_at(const char *s, size_t n, unsigned *out)
{
    size_t i;
    unsigned v = 0;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 0;
}

/* "YYYY-MM-DD" (exactly 10 characters) to days since the epoch. */
static int
parse_date(const char *s, size_t len, int64_t *days)
{
    static const unsigned mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned y, m, d;

    if (len != 10 || s[4] != '-' || s[7] != '-' || digits_at(s, 4, &y) < 0
        || digits_at(s + 5, 2, &m) < 0 || digits_at(s + 8, 2, &d) < 0)
        return -1;
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return -1;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return -1;
    *days = days_from_civil(y, m, d);
    return 0;
}

/* "YYYY-MM-DDThh:mm:ssZ": the one RFC 3339 form the format allows. */
static int
parse_timestamp(const char *s, size_t len, time_t *out)
{
    int64_t days;
    unsigned hh, mm, ss;

    if (len != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
        return -1;
    if (parse_date(s, 10, &days) < 0 || digits_at(s + 11, 2, &hh) < 0
        || digits_at(s + 14, 2, &mm) < 0 || digits_at(s + 17, 2, &ss) < 0)
        return -1;
    if (hh > 23 || mm > 59 || ss > 59)
        return -1;
    *out = (time_t)(days * 86400 + (int64_t)hh * 3600 + (int64_t)mm * 60 + ss);
    return 0;
}

/* Unicode code points of a UTF-8 string (jansson has checked it). */
static size_t
utf8_chars(const char *s, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    }
    return n;
}

static int
has_control(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 1;
    }
    return 0;
}

/* ------------------------------------------------------------ top level */

static const char *const top_fields[] = {
    "format", "registry_id", "seq", "issued_at", "expires_at",
    "instructions", "organizations", "missions", "people", NULL
};

static void
load_header(loader *ld, const json_t *root)
{
    pgr_registry *reg = ld->reg;
    const json_t *j;
    char q[QBUF];
    int have_issued = 0, have_expires = 0;

    check_fields(ld, root, "$", top_fields, top_fields);

    j = json_object_get(root, "format");
    if (j != NULL && !(json_is_string(j) && strcmp(json_string_value(j), PGR_FORMAT) == 0
                       && json_string_length(j) == strlen(PGR_FORMAT))) {
        if (json_is_string(j))
            fail(ld, "format", "%s is not \"%s\"", quote_json(j, q), PGR_FORMAT);
        else
            fail(ld, "format", "must be the string \"%s\"", PGR_FORMAT);
    }

    j = json_object_get(root, "registry_id");
    if (j != NULL) {
        /* It names the feed's anti-rollback state file
         * (<state_dir>/<registry_id>.state): the id rule keeps it one plain
         * file name. */
        if (!json_is_string(j))
            fail(ld, "registry_id", "must be a string");
        else if (!id_valid(json_string_value(j), json_string_length(j)))
            fail(ld, "registry_id", "%s is not a valid id (1 to %d of A-Z a-z 0-9 . _ -)",
                 quote_json(j, q), PGR_ID_MAX);
        else
            reg->registry_id = keep(ld, j);
    }

    j = json_object_get(root, "seq");
    if (j != NULL) {
        if (!json_is_integer(j) || json_integer_value(j) < 1)
            fail(ld, "seq", "must be an integer >= 1");
        else
            reg->seq = (long long)json_integer_value(j);
    }

    j = json_object_get(root, "issued_at");
    if (j != NULL) {
        if (!json_is_string(j)
            || parse_timestamp(json_string_value(j), json_string_length(j), &reg->issued_at) < 0)
            fail(ld, "issued_at", "%s is not an RFC 3339 UTC time (YYYY-MM-DDThh:mm:ssZ)",
                 json_is_string(j) ? quote_json(j, q) : "the value");
        else
            have_issued = 1;
    }
    j = json_object_get(root, "expires_at");
    if (j != NULL) {
        if (!json_is_string(j)
            || parse_timestamp(json_string_value(j), json_string_length(j), &reg->expires_at) < 0)
            fail(ld, "expires_at", "%s is not an RFC 3339 UTC time (YYYY-MM-DDThh:mm:ssZ)",
                 json_is_string(j) ? quote_json(j, q) : "the value");
        else
            have_expires = 1;
    }
    if (have_issued && have_expires && reg->expires_at <= reg->issued_at)
        fail(ld, "expires_at", "must be later than issued_at");
}

/* ---------------------------------------------------------- instructions */

static const char *const instruction_fields[] = {
    "en", "fr", "short_en", "short_fr", NULL
};

static const char *
instruction_text(loader *ld, const json_t *obj, const char *path,
                 const char *field, int is_short)
{
    const json_t *j = get_text(ld, obj, path, field);
    char p[PATH_MAX_LEN];
    size_t n;

    if (j == NULL)
        return NULL;
    if (is_short) {
        join(p, path, field);
        n = utf8_chars(json_string_value(j), json_string_length(j));
        if (n > PGR_SHORT_MAX) {
            fail(ld, p, "%zu characters, at most %d allowed", n, PGR_SHORT_MAX);
            return NULL;
        }
        if (has_control(json_string_value(j), json_string_length(j))) {
            fail(ld, p, "must not contain control characters");
            return NULL;
        }
    }
    return keep(ld, j);
}

static void
load_instructions(loader *ld, const json_t *root)
{
    pgr_registry *reg = ld->reg;
    const json_t *all = json_object_get(root, "instructions");
    const char *key;
    const json_t *val;
    char path[PATH_MAX_LEN], q[QBUF];

    if (all == NULL)
        return;
    if (!json_is_object(all)) {
        fail(ld, "instructions", "must be an object");
        return;
    }
    reg->instructions = pgr_arena_alloc(&reg->arena,
                                        (json_object_size(all) + 1) * sizeof(pgr_instruction));
    if (reg->instructions == NULL)
        return;
    json_object_foreach((json_t *)all, key, val) {
        pgr_instruction *ins = &reg->instructions[reg->ninstructions];

        if (!id_valid(key, strlen(key))) {
            fail(ld, "instructions", "%s is not a valid id (1 to %d of A-Z a-z 0-9 . _ -)",
                 quote(key, strlen(key), q, sizeof(q)), PGR_ID_MAX);
            continue;
        }
        snprintf(path, sizeof(path), "instructions.%s", key);
        if (!json_is_object(val)) {
            fail(ld, path, "must be an object");
            continue;
        }
        check_fields(ld, val, path, instruction_fields, instruction_fields);
        ins->id = pgr_arena_strdup(&reg->arena, key);
        ins->en = instruction_text(ld, val, path, "en", 0);
        ins->fr = instruction_text(ld, val, path, "fr", 0);
        ins->short_en = instruction_text(ld, val, path, "short_en", 1);
        ins->short_fr = instruction_text(ld, val, path, "short_fr", 1);
        reg->ninstructions++;
    }
}

static const pgr_instruction *
find_instruction(const pgr_registry *reg, const char *id)
{
    size_t i;

    for (i = 0; i < reg->ninstructions; i++) {
        if (reg->instructions[i].id != NULL && strcmp(reg->instructions[i].id, id) == 0)
            return &reg->instructions[i];
    }
    return NULL;
}

/* -------------------------------------------------------------- entities */

static const char *const kind_array[] = {
    NULL, "people", "missions", "organizations"
};

/* "people[3]" for entity i. */
static void
entity_path(const loader *ld, size_t i, char *out)
{
    if (i < ld->norgs)
        snprintf(out, PATH_MAX_LEN, "organizations[%zu]", i);
    else if (i < ld->norgs + ld->nmissions)
        snprintf(out, PATH_MAX_LEN, "missions[%zu]", i - ld->norgs);
    else
        snprintf(out, PATH_MAX_LEN, "people[%zu]", i - ld->norgs - ld->nmissions);
}

/* Gives entity i its id and enters it in the id table; the entities of
 * earlier arrays and earlier elements are already there. */
static void
load_id(loader *ld, size_t i, const json_t *obj, const char *path)
{
    pgr_registry *reg = ld->reg;
    const json_t *j = json_object_get(obj, "id");
    char p[PATH_MAX_LEN], other[PATH_MAX_LEN], q[QBUF];
    long dup;

    if (j == NULL)
        return;                          /* check_fields reports it */
    join(p, path, "id");
    if (!json_is_string(j)) {
        fail(ld, p, "must be a string");
        return;
    }
    if (!id_valid(json_string_value(j), json_string_length(j))) {
        fail(ld, p, "%s is not a valid id (1 to %d of A-Z a-z 0-9 . _ -)",
             quote_json(j, q), PGR_ID_MAX);
        return;
    }
    dup = pgr_str_table_first(&reg->ids, json_string_value(j), json_string_length(j));
    if (dup >= 0) {
        entity_path(ld, (size_t)dup, other);
        fail(ld, p, "%s is already the id of %s", quote_json(j, q), other);
        return;
    }
    reg->entities[i].id = keep(ld, j);
    pgr_str_table_add(&reg->ids, reg->entities[i].id, (uint32_t)i);
}


static const char *
a_kind(pgr_entity_kind kind)
{
    switch (kind) {
    case PGR_PERSON:       return "a person";
    case PGR_MISSION:      return "a mission";
    case PGR_ORGANIZATION: return "an organization";
    }
    return "an entity";
}

/* A reference to another entity of the given kind. */
static const pgr_entity *
load_ref(loader *ld, const json_t *obj, const char *path, const char *field,
         pgr_entity_kind kind)
{
    const json_t *j = json_object_get(obj, field);
    char p[PATH_MAX_LEN], q[QBUF];
    long i;
    const pgr_entity *e;

    if (j == NULL)
        return NULL;
    join(p, path, field);
    if (!json_is_string(j)) {
        fail(ld, p, "must be a string");
        return NULL;
    }
    i = pgr_str_table_first(&ld->reg->ids, json_string_value(j), json_string_length(j));
    if (i < 0) {
        fail(ld, p, "%s is not the id of any %s", quote_json(j, q),
             kind == PGR_MISSION ? "mission" : "organization");
        return NULL;
    }
    e = &ld->reg->entities[i];
    if (e->kind != kind) {
        fail(ld, p, "%s is %s, not %s", quote_json(j, q), a_kind(e->kind), a_kind(kind));
        return NULL;
    }
    return e;
}

static void
load_instruction_ref(loader *ld, pgr_entity *e, size_t idx, const json_t *obj,
                     const char *path)
{
    const json_t *j = json_object_get(obj, "instruction");
    char p[PATH_MAX_LEN], q[QBUF];

    if (j == NULL)
        return;
    /* Present, even if wrong: nothing is inherited, no second error. */
    ld->has_instruction[idx] = 1;
    join(p, path, "instruction");
    if (!json_is_string(j)) {
        fail(ld, p, "must be a string");
        return;
    }
    e->instruction = find_instruction(ld->reg, json_string_value(j));
    if (e->instruction == NULL || strlen(e->instruction->id) != json_string_length(j)) {
        e->instruction = NULL;
        fail(ld, p, "%s is not an instruction of this registry", quote_json(j, q));
    }
}

static void
load_country(loader *ld, pgr_entity *e, const json_t *obj, const char *path)
{
    const json_t *j = json_object_get(obj, "country");
    char p[PATH_MAX_LEN], q[QBUF];

    if (j == NULL)
        return;
    join(p, path, "country");
    if (!json_is_string(j)) {
        fail(ld, p, "must be a string");
        return;
    }
    if (!pgr_iso_country_valid(json_string_value(j), json_string_length(j))) {
        fail(ld, p, "%s is not an ISO 3166-1 alpha-2 country code (two upper-case letters)",
             quote_json(j, q));
        return;
    }
    e->country = keep(ld, j);
}

/* Validates a list of strings.  Each element goes through add(), which
 * returns the stored form (arena string) or NULL after reporting.  Stored
 * forms repeated within the list are an error.  Returns the array of
 * stored forms (in the arena) and its length. */
typedef const char *(*elem_fn)(loader *ld, size_t entity, const json_t *j,
                               const char *path);

static const char **
load_list(loader *ld, size_t entity, const json_t *obj, const char *path,
          const char *field, elem_fn add, size_t *count)
{
    const json_t *arr = get_array(ld, obj, path, field);
    const char **out;
    size_t i, k, n = 0;

    *count = 0;
    if (arr == NULL || json_array_size(arr) == 0)
        return NULL;
    out = pgr_arena_alloc(&ld->reg->arena, json_array_size(arr) * sizeof(*out));
    if (out == NULL)
        return NULL;
    for (i = 0; i < json_array_size(arr); i++) {
        const json_t *j = json_array_get(arr, i);
        char p[PATH_MAX_LEN], q[QBUF];
        const char *s;

        join_index(p, path, field, i);
        if (!json_is_string(j)) {
            fail(ld, p, "must be a string");
            continue;
        }
        s = add(ld, entity, j, p);
        if (s == NULL)
            continue;
        for (k = 0; k < n; k++) {
            if (strcmp(out[k], s) == 0)
                break;
        }
        if (k < n) {
            fail(ld, p, "%s is listed twice (%s)", quote_json(j, q), s);
            continue;
        }
        out[n++] = s;
    }
    *count = n;
    return out;
}

static void
post_num(loader *ld, vec *v, uint64_t key, size_t entity)
{
    pgr_num_posting *p = vec_push(ld, v);

    if (p != NULL) {
        p->key = key;
        p->entity = (uint32_t)entity;
    }
}

static void
post_str(loader *ld, vec *v, const char *key, size_t entity)
{
    pgr_str_posting *p;
    size_t i;

    /* The same key twice for one entity would only cost a slot. */
    for (i = v->n; i > 0; i--) {
        const pgr_str_posting *prev = (const pgr_str_posting *)v->v + (i - 1);

        if (prev->entity != (uint32_t)entity)
            break;
        if (strcmp(prev->key, key) == 0)
            return;
    }
    p = vec_push(ld, v);
    if (p != NULL) {
        p->key = key;
        p->entity = (uint32_t)entity;
    }
}

/* The elem functions only validate and normalize: postings are added
 * from the finished list, so a repeated element adds nothing. */
static const char *
elem_phone(loader *ld, size_t entity, const json_t *j, const char *path)
{
    pgr_phone ph;
    const char *why = NULL;
    char q[QBUF];

    (void)entity;
    memset(&ph, 0, sizeof(ph));
    if (pgr_phone_canonical(ld->cfg, json_string_value(j), json_string_length(j),
                            &ph, &why) < 0 || ph.key == 0) {
        /* phone.c's reasons read on from the quoted value */
        fail(ld, path, "%s %s", quote_json(j, q),
             why != NULL ? why : "is not a complete phone number");
        return NULL;
    }
    return pgr_arena_strdup(&ld->reg->arena, ph.e164);
}

/* Whether a block's digits already make a number of the longest length its
 * country has: no number begins with it and is longer.  (A registry that
 * loaded must go on loading: this is a warning, not an error.) */
static int
block_is_whole_number(const char *digits, size_t n)
{
    unsigned nsn_min = 0, nsn_max = 0;
    size_t cc = pgr_phone_cc_len(digits, n, &nsn_min, &nsn_max);

    return cc > 0 && nsn_max > 0 && n - cc >= nsn_max;
}

static const char *
elem_prefix(loader *ld, size_t entity, const json_t *j, const char *path)
{
    const char *s = json_string_value(j);
    size_t len = json_string_length(j), i;
    char q[QBUF];

    (void)entity;
    if (len < 1 + PGR_PREFIX_MIN_DIGITS || len > 1 + PGR_PREFIX_MAX_DIGITS || s[0] != '+')
        goto bad;
    for (i = 1; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            goto bad;
    }
    if (pgr_calling_code_len(s + 1, len - 1) == 0) {
        fail(ld, path, "%s does not begin with a country calling code", quote_json(j, q));
        return NULL;
    }
    if (block_is_whole_number(s + 1, len - 1))
        warn(ld, path, "a complete number, not a block: a block covers only the "
             "longer numbers that begin with it, so this one matches nothing; "
             "list the number under phones");
    return keep(ld, j);
bad:
    fail(ld, path, "%s is not a number block: '+' and %d to %d digits",
         quote_json(j, q), PGR_PREFIX_MIN_DIGITS, PGR_PREFIX_MAX_DIGITS);
    return NULL;
}

/* Whether s holds "mailto:" (any case) followed somewhere by a '?': the
 * headers of a mailto URI, which may name more addresses ("?cc=...") that
 * the reading of the address would drop. */
static int
has_mailto_headers(const char *s, size_t n)
{
    static const char mailto[] = "mailto:";
    size_t i, k, mlen = sizeof(mailto) - 1;

    for (i = 0; i + mlen <= n; i++) {
        for (k = 0; k < mlen; k++) {
            char c = s[i + k];

            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c != mailto[k])
                break;
        }
        if (k == mlen)
            return memchr(s + i + mlen, '?', n - i - mlen) != NULL;
    }
    return 0;
}

static const char *
elem_email(loader *ld, size_t entity, const json_t *j, const char *path)
{
    char buf[PGR_EMAIL_MAX + 1], q[QBUF];
    size_t off = 0;

    (void)entity;
    /* an entry is one address: a mailto URI's headers are not dropped */
    if (has_mailto_headers(json_string_value(j), json_string_length(j))) {
        fail(ld, path, "%s is a mailto: URI with headers ('?'); give each "
             "address as an entry of its own", quote_json(j, q));
        return NULL;
    }
    if (pgr_email_normalize(json_string_value(j), json_string_length(j), buf,
                            sizeof(buf), &off) < 0) {
        fail(ld, path, "%s is not a valid e-mail address", quote_json(j, q));
        return NULL;
    }
    buf[PGR_EMAIL_MAX] = '\0';
    return pgr_arena_strdup(&ld->reg->arena, buf);
}

static const char *
elem_domain(loader *ld, size_t entity, const json_t *j, const char *path)
{
    char buf[PGR_DOMAIN_MAX + 1], q[QBUF];

    (void)entity;
    if (pgr_domain_normalize(json_string_value(j), json_string_length(j), buf,
                             sizeof(buf)) < 0) {
        fail(ld, path, "%s is not a valid domain name", quote_json(j, q));
        return NULL;
    }
    buf[PGR_DOMAIN_MAX] = '\0';
    return pgr_arena_strdup(&ld->reg->arena, buf);
}

/* Free-form text (an alias, a name): stored as given. */
static const char *
elem_text(loader *ld, size_t entity, const json_t *j, const char *path)
{
    (void)entity;
    if (!has_text(json_string_value(j), json_string_length(j))) {
        fail(ld, path, "must be a non-empty string");
        return NULL;
    }
    return keep(ld, j);
}

/* Name keys of a person's free-form name into the name postings.
 * Returns the number of keys. */
static size_t
post_name_keys(loader *ld, size_t entity, const char *s)
{
    char keys[PGR_NAME_KEYS][PGR_NAME_KEY_MAX];
    size_t n, k;

    n = pgr_name_query_keys(s, strlen(s), keys);
    if (n > PGR_NAME_KEYS)
        n = PGR_NAME_KEYS;
    for (k = 0; k < n; k++) {
        keys[k][PGR_NAME_KEY_MAX - 1] = '\0';
        post_str(ld, &ld->names, pgr_arena_strdup(&ld->reg->arena, keys[k]), entity);
    }
    return n;
}

/* The key of a body's name or alias (pgr_name_phrase_key) into the name
 * postings: a body's name is matched whole, not as a person's.  path
 * names the value, for a warning. */
static void
post_phrase_key(loader *ld, size_t entity, const char *s, const char *path)
{
    char key[PGR_NAME_KEY_MAX];

    if (pgr_name_phrase_key(s, strlen(s), key) == 0) {
        warn(ld, path, not_indexed);
        return;
    }
    key[PGR_NAME_KEY_MAX - 1] = '\0';
    post_str(ld, &ld->names, pgr_arena_strdup(&ld->reg->arena, key), entity);
}

static void
post_phones(loader *ld, size_t entity, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        uint64_t key = 0;
        const char *p;

        for (p = list[i] + 1; *p != '\0'; p++)
            key = key * 10 + (uint64_t)(*p - '0');
        post_num(ld, &ld->phones, key, entity);
    }
}

static void
post_strings(loader *ld, vec *v, size_t entity, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        post_str(ld, v, list[i], entity);
}

static const char *const organization_fields[] = {
    "id", "name", "aliases", "country", "domains", "instruction", NULL
};
static const char *const organization_required[] = {
    "id", "name", "country", NULL
};

static void
load_organization(loader *ld, size_t idx, const json_t *obj, const char *path)
{
    pgr_entity *e = &ld->reg->entities[idx];
    const json_t *j;
    const char **aliases, **domains;
    size_t naliases, ndomains, i;
    char where[PATH_MAX_LEN];

    check_fields(ld, obj, path, organization_fields, organization_required);
    if ((j = get_text(ld, obj, path, "name")) != NULL) {
        e->display_name = keep(ld, j);
        if (e->display_name != NULL) {
            join(where, path, "name");
            post_phrase_key(ld, idx, e->display_name, where);
        }
    }
    load_country(ld, e, obj, path);
    aliases = load_list(ld, idx, obj, path, "aliases", elem_text, &naliases);
    for (i = 0; i < naliases; i++) {
        join_index(where, path, "aliases", i);
        post_phrase_key(ld, idx, aliases[i], where);
    }
    domains = load_list(ld, idx, obj, path, "domains", elem_domain, &ndomains);
    post_strings(ld, &ld->domains, idx, domains, ndomains);
    load_instruction_ref(ld, e, idx, obj, path);
}

static const char *const mission_fields[] = {
    "id", "name", "country", "city", "organization", "phones", "phone_prefixes",
    "emails", "domains", "instruction", NULL
};
static const char *const mission_required[] = {
    "id", "name", "country", "city", "instruction", NULL
};

static void
load_mission(loader *ld, size_t idx, const json_t *obj, const char *path)
{
    pgr_registry *reg = ld->reg;
    pgr_entity *e = &reg->entities[idx];
    const json_t *j;
    const char **prefixes, **domains, **list;
    size_t n, i;
    char where[PATH_MAX_LEN];

    check_fields(ld, obj, path, mission_fields, mission_required);
    if ((j = get_text(ld, obj, path, "name")) != NULL) {
        e->display_name = keep(ld, j);
        if (e->display_name != NULL) {
            join(where, path, "name");
            post_phrase_key(ld, idx, e->display_name, where);
        }
    }
    load_country(ld, e, obj, path);
    if ((j = get_text(ld, obj, path, "city")) != NULL)
        e->city = keep(ld, j);
    e->organization = load_ref(ld, obj, path, "organization", PGR_ORGANIZATION);

    list = load_list(ld, idx, obj, path, "phones", elem_phone, &n);
    e->phones = list;
    e->nphones = n;
    post_phones(ld, idx, list, n);

    prefixes = load_list(ld, idx, obj, path, "phone_prefixes", elem_prefix, &n);
    for (i = 0; i < n; i++) {
        uint64_t key = 0;
        const char *p;

        for (p = prefixes[i] + 1; *p != '\0'; p++)
            key = key * 10 + (uint64_t)(*p - '0');
        post_num(ld, &ld->prefixes, key, idx);
        reg->prefix_lengths |= (uint16_t)(1u << (strlen(prefixes[i]) - 1));
    }

    list = load_list(ld, idx, obj, path, "emails", elem_email, &n);
    e->emails = list;
    e->nemails = n;
    post_strings(ld, &ld->emails, idx, list, n);

    domains = load_list(ld, idx, obj, path, "domains", elem_domain, &n);
    post_strings(ld, &ld->domains, idx, domains, n);
    load_instruction_ref(ld, e, idx, obj, path);
}

static const char *const name_fields[] = { "family", "given", "full", NULL };
static const char *const no_fields[] = { NULL };

/* The code point starting at s (valid UTF-8, checked by jansson). */
static uint32_t
utf8_at(const unsigned char *s)
{
    if (s[0] < 0x80)
        return s[0];
    if (s[0] < 0xE0)
        return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    if (s[0] < 0xF0)
        return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12)
        | ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

/* Han, kana and Hangul: scripts whose names are written without a space. */
static int
is_cjk(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF)
        || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
}

/* True when the family name ends and the given name begins in such a
 * script: "王" + "丽华" shows as "王丽华", "Wang" + "Lihua" as "Wang Lihua". */
static int
cjk_pair(const char *family, const char *given)
{
    const unsigned char *f = (const unsigned char *)family;
    size_t n = strlen(family);

    if (n == 0 || given[0] == '\0')
        return 0;
    while (n > 0 && (f[n - 1] & 0xC0) == 0x80)
        n--;
    if (n == 0)
        return 0;
    return is_cjk(utf8_at(f + n - 1)) && is_cjk(utf8_at((const unsigned char *)given));
}

/* A name part must hold a letter of some script (ICU's alphabetic
 * property: Han, Hangul, kana and the rest included), so that "\u2014" or
 * a no-break space is refused instead of naming nobody. */
static int
has_letter(loader *ld, const char *path, const char *field, const json_t *j)
{
    const uint8_t *s = (const uint8_t *)json_string_value(j);
    size_t n = json_string_length(j);
    int32_t i = 0, len = n > INT32_MAX ? INT32_MAX : (int32_t)n;
    char p[PATH_MAX_LEN], q[QBUF];

    while (i < len) {
        UChar32 c;

        U8_NEXT(s, i, len, c);
        if (c >= 0 && u_isalpha(c))
            return 1;
    }
    join(p, path, field);
    fail(ld, p, "%s has no letter", quote_json(j, q));
    return 0;
}

/* One element of a person's names[]. */
static void
load_name(loader *ld, size_t idx, const json_t *obj, const char *path)
{
    pgr_entity *e = &ld->reg->entities[idx];
    const json_t *jf, *jg, *jfull;
    char key[PGR_NAME_KEY_MAX];
    const char *family = NULL, *given = NULL, *full = NULL;

    if (!json_is_object(obj)) {
        fail(ld, path, "must be an object");
        return;
    }
    check_fields(ld, obj, path, name_fields, no_fields);
    jf = get_text(ld, obj, path, "family");
    jg = get_text(ld, obj, path, "given");
    jfull = get_text(ld, obj, path, "full");
    if (json_object_get(obj, "given") != NULL && json_object_get(obj, "family") == NULL) {
        fail(ld, path, "\"given\" without \"family\" (write a single name as \"full\")");
        return;
    }
    if (json_object_get(obj, "family") != NULL && json_object_get(obj, "given") == NULL) {
        fail(ld, path, "\"family\" without \"given\" (write a single name as \"full\")");
        return;
    }
    if (json_object_get(obj, "family") == NULL && json_object_get(obj, "full") == NULL) {
        fail(ld, path, "needs \"family\" and \"given\", or \"full\"");
        return;
    }
    /* A name that folds to no key (name.c refuses single words and text it
     * cannot fold cleanly) is kept for display, not indexed: a name is weak
     * evidence and its absence costs only "possible" hits.  Text without
     * any letter is a mistake, though. */
    if (jf != NULL && !has_letter(ld, path, "family", jf))
        jf = NULL;
    if (jg != NULL && !has_letter(ld, path, "given", jg))
        jg = NULL;
    if (jfull != NULL && !has_letter(ld, path, "full", jfull))
        jfull = NULL;
    if (jf != NULL && jg != NULL) {
        family = keep(ld, jf);
        given = keep(ld, jg);
        if (family == NULL || given == NULL)
            return;
        if (pgr_name_key(family, given, key) > 0) {
            key[PGR_NAME_KEY_MAX - 1] = '\0';
            post_str(ld, &ld->names, pgr_arena_strdup(&ld->reg->arena, key), idx);
        } else {
            warn(ld, path, not_indexed);
        }
    }
    if (jfull != NULL) {
        full = keep(ld, jfull);
        if (full != NULL && post_name_keys(ld, idx, full) == 0)
            warn(ld, path, not_indexed);
    }
    if (e->display_name == NULL) {       /* the first name shows */
        if (full != NULL) {
            e->display_name = full;
        } else if (family != NULL && given != NULL) {
            size_t lf = strlen(family), lg = strlen(given);
            char *d = pgr_arena_alloc(&ld->reg->arena, lf + lg + 2);

            if (d != NULL)
                snprintf(d, lf + lg + 2, "%s%s%s", family,
                         cjk_pair(family, given) ? "" : " ", given);
            e->display_name = d;
        }
    }
    if (e->family == NULL && family != NULL) {
        e->family = family;
        e->given = given;
    }
}

static const char *const person_fields[] = {
    "id", "role", "names", "mission", "organization", "phones", "emails",
    "accredited_from", "accredited_until", "status", "instruction", NULL
};
static const char *const person_required[] = { "id", "role", "names", NULL };

static void
load_role(loader *ld, pgr_entity *e, const json_t *obj, const char *path)
{
    const json_t *j = json_object_get(obj, "role");
    const char *s;
    char p[PATH_MAX_LEN], q[QBUF];

    if (j == NULL)
        return;
    join(p, path, "role");
    s = json_string_value(j);
    if (s != NULL && strcmp(s, "plo") == 0)
        e->role = PGR_ROLE_PLO;
    else if (s != NULL && strcmp(s, "diplomat") == 0)
        e->role = PGR_ROLE_DIPLOMAT;
    else if (s != NULL && strcmp(s, "official") == 0)
        e->role = PGR_ROLE_OFFICIAL;
    else if (s != NULL)
        fail(ld, p, "%s is not one of \"plo\", \"diplomat\", \"official\"", quote_json(j, q));
    else
        fail(ld, p, "must be a string");
}

static void
load_status(loader *ld, pgr_entity *e, const json_t *obj, const char *path)
{
    const json_t *j = json_object_get(obj, "status");
    const char *s;
    char p[PATH_MAX_LEN], q[QBUF];

    e->status = PGR_STATUS_ACTIVE;
    if (j == NULL)
        return;
    join(p, path, "status");
    s = json_string_value(j);
    if (s != NULL && strcmp(s, "active") == 0)
        e->status = PGR_STATUS_ACTIVE;
    else if (s != NULL && strcmp(s, "ended") == 0)
        e->status = PGR_STATUS_ENDED;
    else if (s != NULL)
        fail(ld, p, "%s is not one of \"active\", \"ended\"", quote_json(j, q));
    else
        fail(ld, p, "must be a string");
}

static int
load_date(loader *ld, const json_t *obj, const char *path, const char *field,
          int64_t *days)
{
    const json_t *j = json_object_get(obj, field);
    char p[PATH_MAX_LEN], q[QBUF];

    *days = PGR_NO_DATE;
    if (j == NULL)
        return 0;
    join(p, path, field);
    if (!json_is_string(j)) {
        fail(ld, p, "must be a string");
        return -1;
    }
    if (parse_date(json_string_value(j), json_string_length(j), days) < 0) {
        *days = PGR_NO_DATE;
        fail(ld, p, "%s is not a date (YYYY-MM-DD)", quote_json(j, q));
        return -1;
    }
    return 0;
}

static void
load_person(loader *ld, size_t idx, const json_t *obj, const char *path)
{
    pgr_entity *e = &ld->reg->entities[idx];
    const json_t *names;
    const char **list;
    size_t n, i;
    char p[PATH_MAX_LEN];

    check_fields(ld, obj, path, person_fields, person_required);
    load_role(ld, e, obj, path);
    load_status(ld, e, obj, path);

    names = get_array(ld, obj, path, "names");
    if (names != NULL && json_array_size(names) == 0) {
        join(p, path, "names");
        fail(ld, p, "must not be empty");
    }
    for (i = 0; names != NULL && i < json_array_size(names); i++) {
        join_index(p, path, "names", i);
        load_name(ld, idx, json_array_get(names, i), p);
    }

    e->mission = load_ref(ld, obj, path, "mission", PGR_MISSION);
    e->organization = load_ref(ld, obj, path, "organization", PGR_ORGANIZATION);

    list = load_list(ld, idx, obj, path, "phones", elem_phone, &n);
    e->phones = list;
    e->nphones = n;
    post_phones(ld, idx, list, n);
    list = load_list(ld, idx, obj, path, "emails", elem_email, &n);
    e->emails = list;
    e->nemails = n;
    post_strings(ld, &ld->emails, idx, list, n);

    if (load_date(ld, obj, path, "accredited_from", &e->accredited_from) == 0
        && load_date(ld, obj, path, "accredited_until", &e->accredited_until) == 0
        && e->accredited_from != PGR_NO_DATE && e->accredited_until != PGR_NO_DATE
        && e->accredited_until < e->accredited_from) {
        join(p, path, "accredited_until");
        fail(ld, p, "is earlier than accredited_from");
    }
    load_instruction_ref(ld, e, idx, obj, path);
}

/* ------------------------------------------------------- inheritance */

/* An organization without an instruction takes its first mission's (in
 * document order), else the registry's first instruction.  A person
 * without one takes its mission's, else its organization's.  Missions
 * must name theirs. */
static void
inherit(loader *ld)
{
    pgr_registry *reg = ld->reg;
    size_t i, m;
    char path[PATH_MAX_LEN];

    for (i = 0; i < ld->norgs; i++) {
        pgr_entity *o = &reg->entities[i];

        if (!ld->valid[i] || ld->has_instruction[i])
            continue;
        for (m = ld->norgs; m < ld->norgs + ld->nmissions; m++) {
            if (reg->entities[m].organization == o && reg->entities[m].instruction != NULL) {
                o->instruction = reg->entities[m].instruction;
                break;
            }
        }
        if (o->instruction == NULL && reg->ninstructions > 0)
            o->instruction = &reg->instructions[0];
        if (o->instruction == NULL) {
            entity_path(ld, i, path);
            fail(ld, path, "has no \"instruction\" and the registry defines none to fall back on");
        }
    }
    for (i = ld->norgs + ld->nmissions; i < reg->nentities; i++) {
        pgr_entity *e = &reg->entities[i];

        if (!ld->valid[i])
            continue;
        if (e->organization == NULL && e->mission != NULL)
            e->organization = e->mission->organization;
        if (e->mission != NULL)
            e->country = e->mission->country;
        else if (e->organization != NULL)
            e->country = e->organization->country;
        if (ld->has_instruction[i])
            continue;
        if (e->mission != NULL)
            e->instruction = e->mission->instruction;
        else if (e->organization != NULL)
            e->instruction = e->organization->instruction;
        if (e->instruction == NULL && (e->mission == NULL && e->organization == NULL)) {
            entity_path(ld, i, path);
            fail(ld, path, "has no \"instruction\", no \"mission\" and no \"organization\" to take one from");
        }
    }
}

/* ----------------------------------------------------------------- build */

static int
build_num(pgr_num_table *t, const vec *v)
{
    const pgr_num_posting *p = v->v;
    size_t i;

    if (pgr_num_table_init(t, v->n) < 0)
        return -1;
    for (i = 0; i < v->n; i++)
        pgr_num_table_add(t, p[i].key, p[i].entity);
    return 0;
}

static int
build_str(pgr_str_table *t, const vec *v)
{
    const pgr_str_posting *p = v->v;
    size_t i;

    if (pgr_str_table_init(t, v->n) < 0)
        return -1;
    for (i = 0; i < v->n; i++)
        pgr_str_table_add(t, p[i].key, p[i].entity);
    return 0;
}

static int
build_tables(loader *ld)
{
    pgr_registry *reg = ld->reg;

    if (build_num(&reg->phones, &ld->phones) < 0
        || build_num(&reg->prefixes, &ld->prefixes) < 0
        || build_str(&reg->emails, &ld->emails) < 0
        || build_str(&reg->domains, &ld->domains) < 0
        || build_str(&reg->names, &ld->names) < 0
        || pgr_filter_build(reg) < 0)
        return -1;
    return 0;
}

/* ------------------------------------------------------------------ load */

static pgr_registry *
registry_new(void)
{
    pgr_registry *reg = calloc(1, sizeof(*reg));

    if (reg != NULL) {
        pgr_arena_init(&reg->arena);
        pgr_errors_init(&reg->warnings);
    }
    return reg;
}

void
pgr_registry_free(pgr_registry *reg)
{
    if (reg == NULL)
        return;
    pgr_str_table_free(&reg->ids);
    pgr_num_table_free(&reg->phones);
    pgr_num_table_free(&reg->prefixes);
    pgr_str_table_free(&reg->emails);
    pgr_str_table_free(&reg->domains);
    pgr_str_table_free(&reg->names);
    pgr_errors_free(&reg->warnings);
    free(reg->entities);
    pgr_arena_free(&reg->arena);
    free(reg);
}

size_t
pgr_registry_warning_count(const pgr_registry *reg)
{
    return reg != NULL ? reg->warnings.count : 0;
}

const char *
pgr_registry_warning(const pgr_registry *reg, size_t i)
{
    /* NULL also for a message lost to a short memory */
    if (reg == NULL || i >= reg->warnings.count || i >= reg->warnings.cap ||
        i >= PGR_WARNINGS_KEPT)
        return NULL;
    return reg->warnings.msgs[i];
}

/* ------------------------------------------------------------- scanning */

/*
 * The document is not parsed into one tree: a registry of 100,000 people
 * would cost ten times its size in jansson nodes.  A small scanner walks
 * the top-level object; every top-level value except the three entity
 * arrays is parsed by jansson, and the entity arrays are parsed by jansson
 * one element at a time, each freed before the next.  jansson still
 * checks every byte (strict JSON, UTF-8, duplicate keys inside objects);
 * the scanner finds only where each value ends and checks the top-level
 * punctuation and duplicate top-level keys itself.
 */

enum { ARR_ORGS, ARR_MISSIONS, ARR_PEOPLE, NARRAYS };

static const char *const array_names[NARRAYS] = {
    "organizations", "missions", "people"
};
static const pgr_entity_kind array_kinds[NARRAYS] = {
    PGR_ORGANIZATION, PGR_MISSION, PGR_PERSON
};

typedef struct span_t {
    size_t start, end;       /* the array, '[' to ']' inclusive; end 0: none */
    size_t count;            /* its elements */
} span_t;

static size_t
skip_ws(const char *b, size_t len, size_t i)
{
    while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r'))
        i++;
    return i;
}

/* End (one past the closing quote) of the string starting at i, or 0. */
static size_t
skip_string(const char *b, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        if (b[i] == '\\')
            i++;
        else if (b[i] == '"')
            return i + 1;
    }
    return 0;
}

/* End of the value starting at i, or 0 when it does not end.  Brackets
 * are only counted; jansson checks that they pair. */
static size_t
skip_value(const char *b, size_t len, size_t i)
{
    size_t depth = 0;

    if (i >= len)
        return 0;
    if (b[i] == '"')
        return skip_string(b, len, i);
    if (b[i] != '{' && b[i] != '[') {
        size_t s = i;

        while (i < len && strchr(",]} \t\r\n", b[i]) == NULL)
            i++;
        return i > s ? i : 0;
    }
    while (i < len) {
        char c = b[i];

        if (c == '"') {
            i = skip_string(b, len, i);
            if (i == 0)
                return 0;
            continue;
        }
        if (c == '{' || c == '[')
            depth++;
        else if ((c == '}' || c == ']') && --depth == 0)
            return i + 1;
        i++;
    }
    return 0;
}

/* "$: invalid JSON at line L, column C: why" for the byte at offset off. */
static void
json_fail(loader *ld, size_t off, const char *why)
{
    size_t i;

    if (!keep_reporting(ld))
        return;
    if (off > ld->len)
        off = ld->len;
    /* Errors come in document order: count on from the last one. */
    if (ld->line == 0 || off < ld->line_off) {
        ld->line = 1;
        ld->bol = 0;
        ld->line_off = 0;
    }
    for (i = ld->line_off; i < off; i++) {
        if (ld->buf[i] == '\n') {
            ld->line++;
            ld->bol = i + 1;
        }
    }
    ld->line_off = off;
    pgr_errors_add(ld->errs, "$: invalid JSON at line %zu, column %zu: %s",
                   ld->line, off - ld->bol + 1, why);
}

/* Parses buf[start, end) as one JSON value; reports jansson's complaint. */
static json_t *
parse_slice(loader *ld, size_t start, size_t end)
{
    json_error_t jerr;
    json_t *j = json_loadb(ld->buf + start, end - start,
                           JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);

    if (j == NULL)
        /* jansson's position counts the bytes read, the bad one included */
        json_fail(ld, start + (size_t)(jerr.position > 0 ? jerr.position - 1 : 0), jerr.text);
    return j;
}

/* A value that does not end: let jansson say what is wrong with the rest. */
static void
fail_unterminated(loader *ld, size_t start)
{
    json_t *j = parse_slice(ld, start, ld->len);

    if (j != NULL) {
        json_decref(j);
        json_fail(ld, ld->len, "unexpected end of input");
    }
}

/* Loads element n of an entity array as entity idx. */
static void
load_element(loader *ld, size_t idx, size_t n, pgr_entity_kind kind, const json_t *obj)
{
    char path[PATH_MAX_LEN];

    ld->reg->entities[idx].kind = kind;
    snprintf(path, sizeof(path), "%s[%zu]", kind_array[kind], n);
    if (!json_is_object(obj)) {
        fail(ld, path, "must be an object");
        return;
    }
    ld->valid[idx] = 1;
    load_id(ld, idx, obj, path);
    if (kind == PGR_ORGANIZATION)
        load_organization(ld, idx, obj, path);
    else if (kind == PGR_MISSION)
        load_mission(ld, idx, obj, path);
    else
        load_person(ld, idx, obj, path);
}

/* Walks an entity array's elements: counts them (kind 0) or loads them. */
static int
walk_array(loader *ld, const span_t *sp, size_t *count, size_t base,
           pgr_entity_kind kind)
{
    const char *b = ld->buf;
    size_t i = skip_ws(b, sp->end, sp->start + 1), n = 0;

    if (i < sp->end && b[i] == ']')
        goto done;
    for (;;) {
        size_t end = skip_value(b, sp->end, i);

        if (end == 0) {
            fail_unterminated(ld, i);
            return -1;
        }
        if (kind != 0) {
            json_t *o = parse_slice(ld, i, end);

            if (o != NULL) {
                load_element(ld, base + n, n, kind, o);
                json_decref(o);
            }
        }
        n++;
        i = skip_ws(b, sp->end, end);
        if (i < sp->end && b[i] == ',') {
            i = skip_ws(b, sp->end, i + 1);
            continue;
        }
        if (i < sp->end && b[i] == ']')
            break;
        json_fail(ld, i, "',' or ']' expected");
        return -1;
    }
done:
    if (count != NULL)
        *count = n;
    return 0;
}

/*
 * Reads the top-level object: entity arrays are only located (and their
 * elements counted), every other value is parsed into head.  Returns 0, or
 * -1 after reporting a syntax error (nothing else is then checked).
 */
static int
scan_top(loader *ld, json_t *head, span_t spans[NARRAYS])
{
    const char *b = ld->buf;
    size_t len = ld->len, i = skip_ws(b, len, 0);

    if (i >= len || b[i] != '{') {
        json_t *j = parse_slice(ld, 0, len);

        if (j == NULL)
            return -1;
        json_decref(j);
        pgr_errors_add(ld->errs, "$: must be an object");
        return -1;
    }
    i = skip_ws(b, len, i + 1);
    if (i < len && b[i] == '}') {
        i++;
        goto end;
    }
    for (;;) {
        size_t kend, vend, a;
        json_t *key, *val;
        const char *k;

        if (i >= len || b[i] != '"') {
            json_fail(ld, i, "string or '}' expected");
            return -1;
        }
        kend = skip_string(b, len, i);
        if (kend == 0) {
            fail_unterminated(ld, i);
            return -1;
        }
        key = parse_slice(ld, i, kend);
        if (key == NULL)
            return -1;
        k = json_string_value(key);
        if (json_object_get(head, k) != NULL) {
            char why[160];
            char q[QBUF];

            snprintf(why, sizeof(why), "duplicate object key %s",
                     quote(k, json_string_length(key), q, sizeof(q)));
            json_fail(ld, i, why);
            json_decref(key);
            return -1;
        }
        i = skip_ws(b, len, kend);
        if (i >= len || b[i] != ':') {
            json_decref(key);
            json_fail(ld, i, "':' expected");
            return -1;
        }
        i = skip_ws(b, len, i + 1);
        vend = skip_value(b, len, i);
        if (vend == 0) {
            json_decref(key);
            fail_unterminated(ld, i);
            return -1;
        }
        for (a = 0; a < NARRAYS; a++) {
            if (strcmp(k, array_names[a]) == 0)
                break;
        }
        if (a < NARRAYS && b[i] == '[') {
            spans[a].start = i;
            spans[a].end = vend;
            if (walk_array(ld, &spans[a], &spans[a].count, 0, (pgr_entity_kind)0) < 0) {
                json_decref(key);
                return -1;
            }
            val = json_array();          /* stands for the array in head */
        } else {
            val = parse_slice(ld, i, vend);
            if (val == NULL) {
                json_decref(key);
                return -1;
            }
        }
        if (val == NULL || json_object_set_new(head, k, val) < 0) {
            json_decref(key);
            ld->oom = 1;
            return -1;
        }
        json_decref(key);
        i = skip_ws(b, len, vend);
        if (i < len && b[i] == ',') {
            i = skip_ws(b, len, i + 1);
            continue;
        }
        if (i < len && b[i] == '}') {
            i++;
            break;
        }
        json_fail(ld, i, "',' or '}' expected");
        return -1;
    }
end:
    i = skip_ws(b, len, i);
    if (i != len) {
        json_fail(ld, i, "end of file expected");
        return -1;
    }
    return 0;
}

static int
load_entities(loader *ld, const json_t *head, const span_t spans[NARRAYS])
{
    pgr_registry *reg = ld->reg;
    size_t i, a, base = 0;

    for (a = 0; a < NARRAYS; a++) {
        const json_t *v = json_object_get(head, array_names[a]);

        if (v != NULL && !json_is_array(v))
            fail(ld, array_names[a], "must be an array");
    }
    ld->norgs = spans[ARR_ORGS].count;
    ld->nmissions = spans[ARR_MISSIONS].count;
    ld->npeople = spans[ARR_PEOPLE].count;
    reg->nentities = ld->norgs + ld->nmissions + ld->npeople;
    if (reg->nentities >= UINT32_MAX)
        return -1;
    reg->entities = calloc(reg->nentities + 1, sizeof(*reg->entities));
    ld->valid = calloc(reg->nentities + 1, 1);
    ld->has_instruction = calloc(reg->nentities + 1, 1);
    if (reg->entities == NULL || ld->valid == NULL || ld->has_instruction == NULL
        || pgr_str_table_init(&reg->ids, reg->nentities) < 0)
        return -1;
    for (i = 0; i < reg->nentities; i++) {
        reg->entities[i].accredited_from = PGR_NO_DATE;
        reg->entities[i].accredited_until = PGR_NO_DATE;
    }
    /* Organizations, then missions, then people: every reference points
     * back to an array already loaded. */
    for (a = 0; a < NARRAYS; a++) {
        if (spans[a].end != 0 && walk_array(ld, &spans[a], NULL, base, array_kinds[a]) < 0)
            return -1;
        base += spans[a].count;
    }
    inherit(ld);
    return 0;
}

pgr_registry *
pgr_registry_load_buffer(const char *buf, size_t len, const pgr_config *cfg,
                         pgr_errors *errs)
{
    pgr_errors local;
    pgr_config own;
    loader ld;
    json_t *head = NULL;
    span_t spans[NARRAYS];
    pgr_registry *reg = NULL;

    if (errs == NULL) {
        pgr_errors_init(&local);
        errs = &local;
    }
    /* the registry's own region, not the loader's (pgr.h): read in an
     * agency's region IT, "613-555-0142" would be an Italian number, and
     * the person it names would slip through */
    if (cfg != NULL)
        own = *cfg;
    else
        pgr_config_init(&own);
    if (pgr_config_set_region(&own, PGR_REGISTRY_REGION) != 0) {
        pgr_errors_add(errs, "$: the phone parser does not know the "
                       "registry's region %s", PGR_REGISTRY_REGION);
        return NULL;
    }
    memset(&ld, 0, sizeof(ld));
    memset(spans, 0, sizeof(spans));
    ld.cfg = &own;
    ld.errs = errs;
    ld.nerr0 = errs->count;
    ld.buf = buf;
    ld.len = len;
    vec_init(&ld.phones, sizeof(pgr_num_posting));
    vec_init(&ld.prefixes, sizeof(pgr_num_posting));
    vec_init(&ld.emails, sizeof(pgr_str_posting));
    vec_init(&ld.domains, sizeof(pgr_str_posting));
    vec_init(&ld.names, sizeof(pgr_str_posting));

    if (buf == NULL) {
        pgr_errors_add(errs, "$: no registry data");
        goto out;
    }
    if (len > PGR_REGISTRY_MAX_BYTES) {
        pgr_errors_add(errs, "$: the registry is %zu bytes, more than the limit of %zu",
                       len, PGR_REGISTRY_MAX_BYTES);
        goto out;
    }
    reg = ld.reg = registry_new();
    head = json_object();
    if (reg == NULL || head == NULL) {
        pgr_errors_add(errs, "$: out of memory");
        goto fail;
    }
    if (scan_top(&ld, head, spans) < 0)
        goto fail;
    load_header(&ld, head);
    load_instructions(&ld, head);
    if (load_entities(&ld, head, spans) < 0)
        ld.oom = 1;
    if (!loader_failed(&ld) && build_tables(&ld) < 0)
        ld.oom = 1;
fail:
    if (ld.oom || (reg != NULL && reg->arena.failed)) {
        if (errs->count == ld.nerr0)
            pgr_errors_add(errs, "$: out of memory");
    }
    if (reg != NULL && loader_failed(&ld)) {
        pgr_registry_free(reg);
        reg = NULL;
    }
out:
    json_decref(head);
    free(ld.valid);
    free(ld.has_instruction);
    vec_free(&ld.phones);
    vec_free(&ld.prefixes);
    vec_free(&ld.emails);
    vec_free(&ld.domains);
    vec_free(&ld.names);
    if (errs == &local)
        pgr_errors_free(&local);
    return reg;
}

/* Reads the whole file (a regular file no larger than the limit). */
static char *
read_file(const char *path, size_t *lenp, pgr_errors *errs)
{
    char err[PATH_MAX + 128];
    char *buf;
    pgr_file_status st;

    st = pgr_file_read(path, PGR_REGISTRY_MAX_BYTES, &buf, lenp, err, sizeof(err));
    if (st == PGR_FILE_E_TOO_BIG)
        pgr_errors_add(errs, "%s: the registry is %zu bytes, more than the limit of %zu",
                       path, *lenp, PGR_REGISTRY_MAX_BYTES);
    else if (st != PGR_FILE_OK)
        pgr_errors_add(errs, "%s", err);
    return buf;
}

pgr_registry *
pgr_registry_load_file(const char *path, const pgr_config *cfg, pgr_errors *errs)
{
    pgr_errors local;
    pgr_registry *reg;
    char *buf;
    size_t len = 0;

    if (errs == NULL) {
        pgr_errors_init(&local);
        errs = &local;
    }
    if (path == NULL) {
        pgr_errors_add(errs, "(no file): no registry path given");
        reg = NULL;
        goto out;
    }
    buf = read_file(path, &len, errs);
    if (buf == NULL) {
        reg = NULL;
        goto out;
    }
    reg = pgr_registry_load_buffer(buf, len, cfg, errs);
    free(buf);
out:
    if (errs == &local)
        pgr_errors_free(&local);
    return reg;
}

/* ------------------------------------------------- entities as JSON */

/* Calls fn for each element of the array buf[sp) in canonical form. */
static int
each_element_json(const char *b, size_t start, size_t end,
                  pgr_entity_json_fn fn, void *ctx)
{
    size_t i = skip_ws(b, end, start + 1);

    while (i < end && b[i] != ']') {
        size_t vend = skip_value(b, end, i);
        json_t *o, *id;
        char *text;
        int ok;

        if (vend == 0)
            return -1;
        o = json_loadb(b + i, vend - i, JSON_REJECT_DUPLICATES, NULL);
        id = o != NULL ? json_object_get(o, "id") : NULL;
        text = json_is_string(id) ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        ok = text != NULL;
        if (ok)
            fn(ctx, json_string_value(id), text, strlen(text));
        free(text);
        json_decref(o);
        if (!ok)
            return -1;
        i = skip_ws(b, end, vend);
        if (i < end && b[i] == ',')
            i = skip_ws(b, end, i + 1);
    }
    return 0;
}

/* Whether the top-level key buf[start, kend) (quotes included) names an
 * entity array; parsed, so that escapes read as the loader reads them. */
static int
is_entity_array(const char *b, size_t start, size_t kend)
{
    json_t *key = json_loadb(b + start, kend - start, JSON_DECODE_ANY, NULL);
    size_t a;
    int hit = 0;

    for (a = 0; key != NULL && json_is_string(key) && a < NARRAYS; a++)
        if (strcmp(json_string_value(key), array_names[a]) == 0)
            hit = 1;
    json_decref(key);
    return hit;
}

int
pgr_registry_each_entity_json(const char *b, size_t len, pgr_entity_json_fn fn,
                              void *ctx)
{
    size_t i = skip_ws(b, len, 0);

    if (i >= len || b[i] != '{')
        return -1;
    i = skip_ws(b, len, i + 1);
    while (i < len && b[i] != '}') {
        size_t kstart = i, kend, vend;

        if (b[i] != '"' || (kend = skip_string(b, len, i)) == 0)
            return -1;
        i = skip_ws(b, len, kend);
        if (i >= len || b[i] != ':')
            return -1;
        i = skip_ws(b, len, i + 1);
        vend = skip_value(b, len, i);
        if (vend == 0)
            return -1;
        if (b[i] == '[' && is_entity_array(b, kstart, kend) &&
            each_element_json(b, i, vend - 1, fn, ctx) != 0)
            return -1;
        i = skip_ws(b, len, vend);
        if (i < len && b[i] == ',')
            i = skip_ws(b, len, i + 1);
    }
    return i < len ? 0 : -1;
}

/* ------------------------------------------------------------- accessors */

const char *
pgr_registry_id(const pgr_registry *reg)
{
    return reg != NULL ? reg->registry_id : NULL;
}

long long
pgr_registry_seq(const pgr_registry *reg)
{
    return reg != NULL ? reg->seq : 0;
}

time_t
pgr_registry_issued_at(const pgr_registry *reg)
{
    return reg != NULL ? reg->issued_at : 0;
}

time_t
pgr_registry_expires_at(const pgr_registry *reg)
{
    return reg != NULL ? reg->expires_at : 0;
}

int
pgr_registry_stale(const pgr_registry *reg, time_t now)
{
    return reg == NULL || now > reg->expires_at;
}

size_t
pgr_registry_entity_count(const pgr_registry *reg)
{
    return reg != NULL ? reg->nentities : 0;
}

const pgr_entity *
pgr_registry_entity(const pgr_registry *reg, size_t i)
{
    if (reg == NULL || i >= reg->nentities)
        return NULL;
    return &reg->entities[i];
}

const pgr_entity *
pgr_registry_find(const pgr_registry *reg, const char *id, size_t len)
{
    long i;

    if (reg == NULL || id == NULL)
        return NULL;
    i = pgr_str_table_first(&reg->ids, id, len);
    return i < 0 ? NULL : &reg->entities[i];
}

/* Whether a[0 .. len) and the string b are equal ignoring ASCII case. */
static int
id_equal_nocase(const char *a, size_t len, const char *b)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

        if (y == '\0')
            return 0;
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return b[len] == '\0';
}

const pgr_entity *
pgr_registry_find_nocase(const pgr_registry *reg, const char *id, size_t len)
{
    const pgr_entity *e, *found = NULL;
    size_t i;

    e = pgr_registry_find(reg, id, len);
    if (e != NULL || reg == NULL || reg->entities == NULL || id == NULL)
        return e;
    for (i = 0; i < reg->nentities; i++) {
        if (!id_equal_nocase(id, len, reg->entities[i].id))
            continue;
        if (found != NULL)
            return NULL;   /* "li-na" and "Li-Na": no telling which */
        found = &reg->entities[i];
    }
    return found;
}

const pgr_instruction *
pgr_registry_instruction(const pgr_registry *reg, const char *id)
{
    if (reg == NULL || id == NULL)
        return NULL;
    return find_instruction(reg, id);
}

int
pgr_entity_lapsed(const pgr_entity *e, time_t now)
{
    int64_t today;

    if (e == NULL || e->kind != PGR_PERSON || e->accredited_until == PGR_NO_DATE)
        return 0;
    /* floor division: a time before 1970 still gives the right day */
    today = (int64_t)now >= 0 ? (int64_t)now / 86400 : -(((int64_t)-now + 86399) / 86400);
    return e->accredited_until < today;
}
