/*
 * registry_edit.c - the entity fields `ploguard registry add` and `set`
 * know, and the conversion of command-line text into their JSON values.
 *
 * Values are checked for form here (a date is a date, a role is a role);
 * whether the whole registry is valid is decided by the library's loader,
 * which runs on the result before anything is written.  A phone number
 * that reads as exactly one number is stored in E.164 so the file stays
 * uniform; anything else is stored as typed and the loader names it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry_tools.h"

#define P KIND_BIT(PGR_PERSON)
#define M KIND_BIT(PGR_MISSION)
#define O KIND_BIT(PGR_ORGANIZATION)

const regtool_kind regtool_kinds[3] = {
    {PGR_PERSON, "person", "people"},
    {PGR_MISSION, "mission", "missions"},
    {PGR_ORGANIZATION, "organization", "organizations"},
};

const regtool_field regtool_fields[] = {
    {"id", P | M | O, FT_TEXT, 0},
    {"name", M | O, FT_TEXT, 0},
    {"names", P, FT_NAME, 1},
    {"role", P, FT_ROLE, 0},
    {"country", M | O, FT_COUNTRY, 0},
    {"city", M, FT_TEXT, 0},
    {"mission", P, FT_REF, 0},
    {"organization", P | M, FT_REF, 0},
    {"instruction", P | M | O, FT_REF, 0},
    {"phones", P | M, FT_PHONE, 1},
    {"phone_prefixes", M, FT_PREFIX, 1},
    {"emails", P | M, FT_EMAIL, 1},
    {"domains", M | O, FT_DOMAIN, 1},
    {"aliases", O, FT_TEXT, 1},
    {"accredited_from", P, FT_DATE, 0},
    {"accredited_until", P, FT_DATE, 0},
    {"status", P, FT_STATUS, 0},
    {NULL, 0, FT_TEXT, 0},
};

const regtool_field regtool_text_field = {"text", 0, FT_TEXT, 0};

const regtool_kind *
regtool_kind_by_name(const char *name)
{
    size_t i;

    for (i = 0; i < 3; i++)
        if (strcmp(regtool_kinds[i].name, name) == 0)
            return &regtool_kinds[i];
    return NULL;
}

json_t *
regtool_find(json_t *root, const char *id, const regtool_kind **kind,
             size_t *index)
{
    size_t k, i;

    for (k = 0; k < 3; k++) {
        json_t *arr = json_object_get(root, regtool_kinds[k].array);
        json_t *e;

        if (!json_is_array(arr))
            continue;
        json_array_foreach(arr, i, e) {
            const char *eid = json_string_value(json_object_get(e, "id"));

            if (eid != NULL && strcmp(eid, id) == 0) {
                *kind = &regtool_kinds[k];
                *index = i;
                return e;
            }
        }
    }
    return NULL;
}

const regtool_field *
regtool_field_find(const char *name, pgr_entity_kind kind)
{
    size_t i;

    for (i = 0; regtool_fields[i].name != NULL; i++)
        if ((regtool_fields[i].kinds & KIND_BIT(kind)) != 0 &&
            strcmp(regtool_fields[i].name, name) == 0)
            return &regtool_fields[i];
    return NULL;
}

/* Copies text without surrounding blanks into a new string; refuses
 * control characters (a value never spans lines). */
static char *
clean_text(const char *text, const char *what)
{
    const char *b = text, *e = text + strlen(text);
    const char *p;
    char *out;

    while (b < e && (*b == ' ' || *b == '\t'))
        b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    for (p = b; p < e; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            fprintf(stderr, "%s: %s: contains a control character\n",
                    REGTOOL_PROG, what);
            return NULL;
        }
    }
    if (b == e) {
        fprintf(stderr, "%s: %s: empty value\n", REGTOOL_PROG, what);
        return NULL;
    }
    out = strndup(b, (size_t)(e - b));
    if (out == NULL)
        fprintf(stderr, "%s: out of memory\n", REGTOOL_PROG);
    return out;
}

static json_t *
make_string(const char *s, const char *what)
{
    json_t *v = json_string(s);

    if (v == NULL)
        fprintf(stderr, "%s: %s: not valid UTF-8\n", REGTOOL_PROG, what);
    return v;
}

/* "+1 613-555-014" -> "+1613555014" when it is '+' and 1..15 digits. */
static void
compact_prefix(char *s)
{
    char *r, *w = s;
    size_t nd = 0;

    if (*s != '+')
        return;
    for (r = s + 1; *r != '\0'; r++) {
        if (*r >= '0' && *r <= '9')
            nd++;
        else if (strchr(" -.()", *r) == NULL)
            return;
    }
    if (nd == 0 || nd > PGR_E164_MAX)
        return;
    w++;
    for (r = s + 1; *r != '\0'; r++)
        if (*r >= '0' && *r <= '9')
            *w++ = *r;
    *w = '\0';
}

/* "Family/Given" (either side may be empty, not both) or a full name. */
static json_t *
name_value(const char *text, const char *what)
{
    const char *slash = strchr(text, '/');
    json_t *obj = json_object(), *v;
    char *part;

    if (obj == NULL)
        return NULL;
    if (slash == NULL) {
        v = make_string(text, what);
        if (v == NULL || json_object_set_new(obj, "full", v) != 0)
            goto fail;
        return obj;
    }
    if (strchr(slash + 1, '/') != NULL) {
        fprintf(stderr, "%s: %s: \"%s\": use FAMILY/GIVEN with one '/'\n",
                REGTOOL_PROG, what, text);
        goto fail;
    }
    part = strndup(text, (size_t)(slash - text));
    if (part == NULL)
        goto fail;
    /* Blanks around the slash are not part of either name. */
    while (*part != '\0' && strchr(" \t", part[strlen(part) - 1]) != NULL)
        part[strlen(part) - 1] = '\0';
    if (*part != '\0') {
        v = make_string(part, what);
        if (v == NULL || json_object_set_new(obj, "family", v) != 0) {
            free(part);
            goto fail;
        }
    }
    free(part);
    slash++;
    while (*slash == ' ' || *slash == '\t')
        slash++;
    if (*slash != '\0') {
        v = make_string(slash, what);
        if (v == NULL || json_object_set_new(obj, "given", v) != 0)
            goto fail;
    }
    if (json_object_size(obj) == 0) {
        fprintf(stderr, "%s: %s: \"%s\" names nobody\n", REGTOOL_PROG, what,
                text);
        goto fail;
    }
    return obj;
fail:
    json_decref(obj);
    return NULL;
}

/* Whether two readings name one number and one extension. */
static int
same_reading(const pgr_phone_readings *a, const pgr_phone_readings *b)
{
    return a->count == 1 && b->count == 1 &&
           strcmp(a->reading[0].e164, b->reading[0].e164) == 0 &&
           strcmp(a->ext, b->ext) == 0;
}

/*
 * A number typed on the command line means what it means in --region;
 * the file is read in PGR_REGISTRY_REGION.  A number with one reading is
 * written in E.164, which reads alike everywhere; one with an extension is
 * kept as typed, for the loader to refuse (registry numbers have none).
 * Any other is written as typed only when the file's reading is the same
 * number; otherwise it is refused, rather than registering another number
 * (under --region FR, "613-555-0182" would have become a Canadian number).
 */
static json_t *
phone_value(const char *text, const pgr_config *cfg, const char *what)
{
    pgr_phone ph;
    pgr_phone_readings typed, filed;
    pgr_config file;
    const char *why = NULL;
    size_t len = strlen(text);

    pgr_config_init(&file);
    (void)pgr_config_set_region(&file, PGR_REGISTRY_REGION);
    if (pgr_phone_parse(cfg, text, len, &typed) > 0 && typed.ext[0] != '\0')
        return make_string(text, what);
    if (pgr_phone_canonical(cfg, text, len, &ph, &why) == 0)
        return make_string(ph.e164, what);
    if (strcmp(cfg->region, file.region) == 0)
        return make_string(text, what);   /* the loader reads it as typed */
    (void)pgr_phone_parse(&file, text, len, &filed);
    if (typed.count == 0) {
        fprintf(stderr, "%s: %s: \"%s\" is not a number in region %s; write it "
                "with its country code (+...)\n", REGTOOL_PROG, what, text,
                cfg->region);
        return NULL;
    }
    if (!same_reading(&typed, &filed)) {
        fprintf(stderr, "%s: %s: \"%s\" reads as %s in region %s, but the "
                "registry reads national numbers as %s; write the number "
                "with its country code (+...)\n", REGTOOL_PROG, what, text,
                typed.count > 1 ? "several numbers" : typed.reading[0].e164,
                cfg->region, file.region);
        return NULL;
    }
    return make_string(text, what);
}

json_t *
regtool_value(const regtool_field *f, const char *text, const pgr_config *cfg,
              const char *what)
{
    char *s = clean_text(text, what);
    json_t *v = NULL;

    if (s == NULL)
        return NULL;
    switch (f->type) {
    case FT_ROLE:
        if (strcmp(s, "plo") != 0 && strcmp(s, "diplomat") != 0 &&
            strcmp(s, "official") != 0) {
            fprintf(stderr, "%s: %s: \"%s\" is not a role (plo, diplomat, "
                    "official)\n", REGTOOL_PROG, what, s);
            break;
        }
        v = make_string(s, what);
        break;
    case FT_STATUS:
        if (strcmp(s, "active") != 0 && strcmp(s, "ended") != 0) {
            fprintf(stderr, "%s: %s: \"%s\" is not a status (active, ended)\n",
                    REGTOOL_PROG, what, s);
            break;
        }
        v = make_string(s, what);
        break;
    case FT_DATE:
        if (strcmp(s, "today") == 0) {
            char d[11];

            regtool_format_date(time(NULL), d);
            v = make_string(d, what);
            break;
        }
        if (regtool_check_date(s) != 0) {
            fprintf(stderr, "%s: %s: \"%s\" is not a date (YYYY-MM-DD)\n",
                    REGTOOL_PROG, what, s);
            break;
        }
        v = make_string(s, what);
        break;
    case FT_COUNTRY:
        if (strlen(s) != 2 || !isalpha((unsigned char)s[0]) ||
            !isalpha((unsigned char)s[1])) {
            fprintf(stderr, "%s: %s: \"%s\" is not an ISO 3166 alpha-2 "
                    "country code\n", REGTOOL_PROG, what, s);
            break;
        }
        s[0] = (char)toupper((unsigned char)s[0]);
        s[1] = (char)toupper((unsigned char)s[1]);
        v = make_string(s, what);
        break;
    case FT_PHONE:
        v = phone_value(s, cfg, what);
        break;
    case FT_PREFIX:
        compact_prefix(s);
        v = make_string(s, what);
        break;
    case FT_NAME:
        v = name_value(s, what);
        break;
    case FT_TEXT:
    case FT_REF:
    case FT_EMAIL:
    case FT_DOMAIN:
        v = make_string(s, what);
        break;
    }
    free(s);
    return v;
}

/*
 * Whether two list members are one number, each read as the registry's
 * loader reads the file (the default region, CA), not with --region:
 * that setting only says what a number typed on the command line means,
 * and regtool_value has already written such a number in E.164.  (Read
 * with --region IT, the file's "613-555-0120" would be +39 613 555 0120,
 * and "-= +39 613 555 0120" would remove the Canadian number.)
 */
static int
same_phone(const json_t *a, const json_t *b)
{
    const char *sa = json_string_value(a), *sb = json_string_value(b);
    pgr_config file;
    pgr_phone pa, pb;
    const char *why;

    if (sa == NULL || sb == NULL)
        return 0;
    if (strcmp(sa, sb) == 0)
        return 1;
    pgr_config_init(&file);
    return pgr_phone_canonical(&file, sa, strlen(sa), &pa, &why) == 0 &&
           pgr_phone_canonical(&file, sb, strlen(sb), &pb, &why) == 0 &&
           strcmp(pa.e164, pb.e164) == 0;
}

static int
same_email(const json_t *a, const json_t *b)
{
    const char *sa = json_string_value(a), *sb = json_string_value(b);
    char na[PGR_EMAIL_MAX + 1], nb[PGR_EMAIL_MAX + 1];
    size_t off;

    if (sa == NULL || sb == NULL)
        return 0;
    if (strcasecmp(sa, sb) == 0)
        return 1;
    return pgr_email_normalize(sa, strlen(sa), na, sizeof(na), &off) == 0 &&
           pgr_email_normalize(sb, strlen(sb), nb, sizeof(nb), &off) == 0 &&
           strcmp(na, nb) == 0;
}

static int
same_domain(const json_t *a, const json_t *b)
{
    const char *sa = json_string_value(a), *sb = json_string_value(b);
    char na[PGR_DOMAIN_MAX + 1], nb[PGR_DOMAIN_MAX + 1];

    if (sa == NULL || sb == NULL)
        return 0;
    if (strcasecmp(sa, sb) == 0)
        return 1;
    return pgr_domain_normalize(sa, strlen(sa), na, sizeof(na)) == 0 &&
           pgr_domain_normalize(sb, strlen(sb), nb, sizeof(nb)) == 0 &&
           strcmp(na, nb) == 0;
}

int
regtool_same_member(const regtool_field *f, const json_t *a, const json_t *b)
{
    switch (f->type) {
    case FT_PHONE:
        return same_phone(a, b);
    case FT_EMAIL:
        return same_email(a, b);
    case FT_DOMAIN:
        return same_domain(a, b);
    default:
        return json_equal(a, b);
    }
}

/* The list member of obj named by f, created empty when absent. */
static json_t *
list_of(json_t *obj, const regtool_field *f, const char *where)
{
    json_t *arr = json_object_get(obj, f->name);

    if (arr == NULL) {
        arr = json_array();
        if (arr == NULL || json_object_set_new(obj, f->name, arr) != 0) {
            fprintf(stderr, "%s: out of memory\n", REGTOOL_PROG);
            return NULL;
        }
    }
    if (!json_is_array(arr)) {
        fprintf(stderr, "%s: %s: %s is not a list in the file\n",
                REGTOOL_PROG, where, f->name);
        return NULL;
    }
    return arr;
}

int
regtool_list_add(json_t *obj, const regtool_field *f, json_t *value,
                 const char *where)
{
    json_t *arr = list_of(obj, f, where), *e;
    size_t i;

    if (arr == NULL) {
        json_decref(value);
        return -1;
    }
    json_array_foreach(arr, i, e) {
        if (regtool_same_member(f, e, value)) {
            fprintf(stderr, "%s: %s: %s[%zu] already holds ", REGTOOL_PROG,
                    where, f->name, i);
            regtool_print_json(stderr, e);
            fputc('\n', stderr);
            json_decref(value);
            return -1;
        }
    }
    if (json_array_append_new(arr, value) != 0) {
        fprintf(stderr, "%s: out of memory\n", REGTOOL_PROG);
        return -1;
    }
    return 0;
}

int
regtool_list_remove(json_t *obj, const regtool_field *f, const json_t *value,
                    const char *where)
{
    json_t *arr = json_object_get(obj, f->name);
    size_t removed = 0;

    if (json_is_array(arr)) {
        size_t i;

        /* Backwards, so removal does not skip the next member. */
        for (i = json_array_size(arr); i > 0; i--) {
            if (regtool_same_member(f, json_array_get(arr, i - 1), value)) {
                json_array_remove(arr, i - 1);
                removed++;
            }
        }
    }
    if (removed == 0) {
        fprintf(stderr, "%s: %s: %s does not hold ", REGTOOL_PROG, where,
                f->name);
        regtool_print_json(stderr, value);
        fputc('\n', stderr);
        return -1;
    }
    return 0;
}
