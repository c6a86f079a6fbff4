/*
 * render.c - prints lookup answers for a person (plain text) and for a
 * program (one JSON array, UTF-8).
 *
 * The text says first and plainly what to do: DECLINE AND REFER for an
 * identifier match; for a name alone, that it is NOT a match.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"

/* ------------------------------------------------------------------ text */

static const char *
role_words(pgr_role role)
{
    switch (role) {
    case PGR_ROLE_PLO:
        return "Police Liaison Officer (PLO)";
    case PGR_ROLE_DIPLOMAT:
        return "diplomat";
    case PGR_ROLE_OFFICIAL:
        return "official";
    case PGR_ROLE_NONE:
        break;
    }
    return NULL;
}

static const char *
or_empty(const char *s)
{
    return s != NULL ? s : "";
}

#define TEXT_WIDTH 72   /* columns for instruction texts */

/* Display columns of n bytes of UTF-8 (one per character; close enough
 * for wrapping). */
static size_t
columns(const char *s, size_t n)
{
    size_t i, cols = 0;

    for (i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            cols++;
    return cols;
}

/* Prints a text under a label, indented and wrapped at blanks; a word
 * longer than the line is printed whole. */
static void
print_wrapped(FILE *fp, const char *label, const char *text)
{
    const char *p = or_empty(text);
    size_t used = 0;
    int lines = 0;

    fprintf(fp, "    %s:\n", label);
    while (*p != '\0') {
        size_t blanks = strspn(p, " \t");
        size_t word;

        if (p[blanks] == '\n' || p[blanks] == '\0') {
            p += blanks;
            if (*p == '\n') {
                p++;
                if (used == 0 && lines > 0)
                    fputc('\n', fp);   /* keep a paragraph break */
            }
            if (used > 0) {
                fputc('\n', fp);
                lines++;
            }
            used = 0;
            continue;
        }
        p += blanks;
        word = strcspn(p, " \t\n");
        if (used > 0 && used + 1 + columns(p, word) > TEXT_WIDTH) {
            fputc('\n', fp);
            lines++;
            used = 0;
        }
        fputs(used == 0 ? "      " : " ", fp);
        pgr_cli_put_clean_n(fp, p, word);
        used += (used == 0 ? 0 : 1) + columns(p, word);
        p += word;
    }
    if (used > 0)
        fputc('\n', fp);
}

/* "label: Name (id)" */
static void
print_ref(FILE *fp, const char *label, const pgr_entity *e)
{
    fprintf(fp, "    %s: ", label);
    pgr_cli_put_clean(fp, e->display_name);
    fputs(" (", fp);
    pgr_cli_put_clean(fp, e->id);
    fputs(")\n", fp);
}

static void
print_entity(FILE *fp, const pgr_entity *e, time_t now)
{
    const char *role = role_words(e->role);

    fprintf(fp, "    %s ", pgr_entity_kind_name(e->kind));
    pgr_cli_put_clean(fp, e->id);
    fputs(": ", fp);
    pgr_cli_put_clean(fp, e->display_name);
    fputc('\n', fp);
    if (role != NULL)
        fprintf(fp, "    role: %s\n", role);
    if (e->mission != NULL)
        print_ref(fp, "mission", e->mission);
    if (e->organization != NULL)
        print_ref(fp, "organization", e->organization);
    fprintf(fp, "    status: %s%s\n", pgr_status_name(e->status),
            e->status == PGR_STATUS_ENDED
                ? " (no longer in post; still a registered contact)" : "");
    if (e->kind == PGR_PERSON && pgr_entity_lapsed(e, now))
        fprintf(fp, "    accreditation: LAPSED (still a registered contact)\n");
}

static void
print_hit(FILE *fp, const pgr_hit *h, time_t now)
{
    fprintf(fp, "  %s:\n", h->confidence == PGR_EXACT
                               ? "Registered contact"
                               : "Similar name only (NOT a match)");
    print_entity(fp, h->entity, now);
    fprintf(fp, "    matched on: %s (%s)\n", pgr_matched_on_name(h->on),
            pgr_confidence_name(h->confidence));
}

/* Each distinct instruction of the exact hits, once, in hit order.  A name
 * alone gives no instruction: it must not be acted on. */
static void
print_instructions(FILE *fp, const pgr_result *r)
{
    size_t i, j;

    for (i = 0; i < r->count && i < PGR_MAX_HITS; i++) {
        const pgr_instruction *ins = r->hit[i].entity->instruction;
        int seen = 0;

        if (r->hit[i].confidence != PGR_EXACT || ins == NULL)
            continue;
        for (j = 0; j < i; j++)
            if (r->hit[j].confidence == PGR_EXACT &&
                r->hit[j].entity->instruction == ins)
                seen = 1;
        if (seen)
            continue;
        fputs("  Instruction (", fp);
        pgr_cli_put_clean(fp, ins->id);
        fputs("):\n", fp);
        print_wrapped(fp, "en", ins->en);
        print_wrapped(fp, "fr", ins->fr);
    }
}

static void
print_registry_line(FILE *fp, const pgr_registry *reg, time_t now)
{
    char exp[40];

    pgr_cli_format_time(pgr_registry_expires_at(reg), exp, sizeof(exp));
    fputs("  registry: ", fp);
    pgr_cli_put_clean(fp, pgr_registry_id(reg));
    fprintf(fp, " seq %lld, expires %s\n", pgr_registry_seq(reg), exp);
    if (pgr_registry_stale(reg, now))
        fprintf(fp, "  WARNING: the registry is STALE (it expired %s): contacts "
                "registered since may be missing; update it (ploguard sync).\n",
                exp);
}

static void
print_verdict(FILE *fp, const pgr_cli_answer *ans)
{
    const pgr_result *r = &ans->res;

    pgr_cli_put_clean(fp, ans->query);
    fprintf(fp, " (%s", pgr_cli_kind_name(ans->kind));
    if (r->normalized[0] != '\0') {
        fputc(' ', fp);
        pgr_cli_put_clean(fp, r->normalized);
    }
    if (r->ext[0] != '\0') {
        fputs(", extension ", fp);
        pgr_cli_put_clean(fp, r->ext);
    }
    fputs("): ", fp);
    switch (ans->verdict) {
    case PGR_VERDICT_MATCH:
        fputs("DECLINE AND REFER\n"
              "  A registered foreign contact: decline the request and refer it "
              "as the instruction below says.\n", fp);
        break;
    case PGR_VERDICT_POSSIBLE:
        fputs("possible name match only: NOT a match\n"
              "  The name resembles a registered contact. This is NOT a match and "
              "must not be acted on without an identifier: ask for a phone number "
              "or e-mail address and look that up.\n", fp);
        break;
    case PGR_VERDICT_NONE:
        fputs("no registered contact\n", fp);
        if (r->normalized[0] == '\0' && ans->kind == PGR_KIND_NAME)
            fputs("  (not a name that can be compared: give a family and a "
                  "given name, or better a phone number or e-mail address)\n",
                  fp);
        else if (r->normalized[0] == '\0')
            fprintf(fp, "  (not a complete %s: nothing could be compared)\n",
                    ans->kind == PGR_KIND_PHONE ? "phone number" :
                    ans->kind == PGR_KIND_EMAIL ? "e-mail address" : "domain name");
        break;
    }
}

void
pgr_cli_print_answer(FILE *fp, const pgr_registry *reg,
                     const pgr_cli_answer *ans, time_t now)
{
    size_t i;

    print_verdict(fp, ans);
    for (i = 0; i < ans->res.count && i < PGR_MAX_HITS; i++)
        print_hit(fp, &ans->res.hit[i], now);
    print_instructions(fp, &ans->res);
    print_registry_line(fp, reg, now);
}

/* ------------------------------------------------------------------ JSON */

/* Each setter returns 0, or -1 when the value could not be made (memory,
 * or a string jansson refuses as invalid UTF-8). */
static int
set_new(json_t *obj, const char *key, json_t *val)
{
    if (val == NULL)
        return -1;
    return json_object_set_new(obj, key, val);
}

static int
set_str(json_t *obj, const char *key, const char *s)
{
    return set_new(obj, key, s != NULL ? json_string(s) : json_null());
}

/* "" is written as null: nothing could be normalized. */
static int
set_str_or_null(json_t *obj, const char *key, const char *s)
{
    return set_new(obj, key, s != NULL && *s != '\0' ? json_string(s) : json_null());
}

static json_t *
ref_json(const pgr_entity *e)
{
    json_t *o = json_object();

    if (o == NULL)
        return NULL;
    if (set_str(o, "id", e->id) != 0 || set_str(o, "name", e->display_name) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *
instruction_json(const pgr_instruction *ins)
{
    json_t *o = json_object();

    if (o == NULL)
        return NULL;
    if (ins == NULL)
        return o;
    if (set_str(o, "id", ins->id) != 0 || set_str(o, "en", ins->en) != 0 ||
        set_str(o, "fr", ins->fr) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int
fill_match(json_t *o, const pgr_hit *h, time_t now)
{
    const pgr_entity *e = h->entity;
    int person = e->kind == PGR_PERSON;

    if (set_str(o, "id", e->id) != 0 ||
        set_str(o, "entity", pgr_entity_kind_name(e->kind)) != 0 ||
        set_str(o, "name", e->display_name) != 0)
        return -1;
    if (person && set_str(o, "role", pgr_role_name(e->role)) != 0)
        return -1;
    if (e->mission != NULL && set_new(o, "mission", ref_json(e->mission)) != 0)
        return -1;
    if (e->organization != NULL &&
        set_new(o, "organization", ref_json(e->organization)) != 0)
        return -1;
    if (set_str(o, "matched_on", pgr_matched_on_name(h->on)) != 0 ||
        set_str(o, "confidence", pgr_confidence_name(h->confidence)) != 0 ||
        set_str(o, "status", pgr_status_name(e->status)) != 0)
        return -1;
    if (person && set_new(o, "accreditation_lapsed",
                          json_boolean(pgr_entity_lapsed(e, now))) != 0)
        return -1;
    /* A name alone gives no instruction, as in the text output: a program
     * that shows matches[].instruction must not tell an officer to
     * decline a namesake. */
    if (h->confidence != PGR_EXACT)
        return set_new(o, "instruction", json_null());
    return set_new(o, "instruction", instruction_json(e->instruction));
}

static json_t *
matches_json(const pgr_result *r, time_t now)
{
    json_t *arr = json_array();
    size_t i;

    if (arr == NULL)
        return NULL;
    for (i = 0; i < r->count && i < PGR_MAX_HITS; i++) {
        json_t *o = json_object();
        if (o == NULL || fill_match(o, &r->hit[i], now) != 0 ||
            json_array_append_new(arr, o) != 0) {
            json_decref(o);
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static json_t *
registry_json(const pgr_registry *reg, time_t now)
{
    json_t *o = json_object();
    char exp[40];

    if (o == NULL)
        return NULL;
    pgr_cli_format_time(pgr_registry_expires_at(reg), exp, sizeof(exp));
    if (set_str(o, "id", pgr_registry_id(reg)) != 0 ||
        set_new(o, "seq", json_integer(pgr_registry_seq(reg))) != 0 ||
        set_str(o, "expires_at", exp) != 0 ||
        set_new(o, "stale", json_boolean(pgr_registry_stale(reg, now))) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *
answer_json(const pgr_registry *reg, const pgr_cli_answer *ans, time_t now)
{
    json_t *o = json_object();
    const pgr_result *r = &ans->res;

    if (o == NULL)
        return NULL;
    if (set_str(o, "query", ans->query) != 0 ||
        set_str(o, "kind", pgr_cli_kind_name(ans->kind)) != 0 ||
        set_str_or_null(o, "normalized", r->normalized) != 0 ||
        (r->ext[0] != '\0' && set_str(o, "extension", r->ext) != 0) ||
        set_str(o, "verdict", pgr_verdict_name(ans->verdict)) != 0 ||
        set_new(o, "matches", matches_json(r, now)) != 0 ||
        set_new(o, "registry", registry_json(reg, now)) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *
pgr_cli_answers_json(const pgr_registry *reg, const pgr_cli_answer *ans,
                     size_t n, time_t now)
{
    json_t *arr = json_array();
    size_t i;

    if (arr == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        json_t *o = answer_json(reg, &ans[i], now);
        if (o == NULL || json_array_append_new(arr, o) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}
