/*
 * registry_diff.c - `ploguard registry diff OLD NEW`: what changed between
 * two registry files, one line per change, field by field:
 *
 *   ~ registry: seq: 4 -> 5
 *   + person p-0012 "WANG Lihua"
 *   ~ person p-0003: phones: + "+16135550150"
 *   ~ person p-0003: status: "active" -> "ended"
 *   - mission m-0002 "Example Consulate"
 *
 * Values are printed as JSON, so text from a file never carries control
 * characters to the terminal.  Entities are paired by id within their kind;
 * the output follows the order of the new file, then the removed ones in
 * the order of the old file, so it is stable.  Order is a change too:
 *
 *   ~ registry: missions: reordered ["m-0001","m-0002"] -> ["m-0002","m-0001"]
 *
 * since an organization without an instruction takes its first mission's,
 * else the registry's first instruction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry_tools.h"

/* Top-level members handled apart from the generic header comparison. */
static const char *const body_keys[] = {
    "instructions", "people", "missions", "organizations", NULL
};

static int
is_body_key(const char *key)
{
    size_t i;

    for (i = 0; body_keys[i] != NULL; i++)
        if (strcmp(body_keys[i], key) == 0)
            return 1;
    return 0;
}

static void
print_prefix(FILE *fp, char sign, const char *what, const char *id)
{
    fprintf(fp, "%c %s", sign, what);
    if (id != NULL) {
        fputc(' ', fp);
        regtool_print_id(fp, id);
    }
}

/* How many members of arr equal v. */
static size_t
list_count(const json_t *arr, const json_t *v)
{
    size_t i, n = 0;

    for (i = 0; i < json_array_size(arr); i++)
        if (json_equal(json_array_get(arr, i), v))
            n++;
    return n;
}

/* Whether arr[i] is the first member of arr equal to it. */
static int
list_first(const json_t *arr, size_t i)
{
    size_t j;

    for (j = 0; j < i; j++)
        if (json_equal(json_array_get(arr, j), json_array_get(arr, i)))
            return 0;
    return 1;
}

/* "sign value" once for each time a member of from is in from more often
 * than in other; returns how many lines were printed. */
static long
diff_list_side(FILE *fp, const char *what, const char *id, const char *key,
               char sign, const json_t *from, const json_t *other)
{
    size_t i, have, had;
    long n = 0;

    for (i = 0; i < json_array_size(from); i++) {
        const json_t *v = json_array_get(from, i);

        if (!list_first(from, i))
            continue;
        have = list_count(from, v);
        for (had = list_count(other, v); had < have; had++) {
            print_prefix(fp, '~', what, id);
            fprintf(fp, ": %s: %c ", key, sign);
            regtool_print_json(fp, v);
            fputc('\n', fp);
            n++;
        }
    }
    return n;
}

/* The differences of one list field, members counted (a member written
 * twice is added once more); returns how many lines were printed. */
static long
diff_list(FILE *fp, const char *what, const char *id, const char *key,
          const json_t *a, const json_t *b)
{
    long n;

    n = diff_list_side(fp, what, id, key, '+', b, a);
    n += diff_list_side(fp, what, id, key, '-', a, b);
    if (n == 0 && !json_equal(a, b)) {
        /* Same members, other order: the first name is the display
         * name, so order matters. */
        print_prefix(fp, '~', what, id);
        fprintf(fp, ": %s: reordered ", key);
        regtool_print_json(fp, a);
        fputs(" -> ", fp);
        regtool_print_json(fp, b);
        fputc('\n', fp);
        n++;
    }
    return n;
}

/*
 * The order of what both files hold, old_ids and new_ids (arrays of ids,
 * each only those the other file also has): "~ registry: missions:
 * reordered [...] -> [...]".  Order carries meaning: an organization
 * without an instruction takes its first mission's, else the first
 * instruction.  A long list is shown from its first difference.
 */
#define ORDER_SHOWN_MAX 16

static long
diff_order(FILE *fp, const char *array, const json_t *old_ids,
           const json_t *new_ids)
{
    size_t i, n = json_array_size(old_ids);

    if (json_equal(old_ids, new_ids))
        return 0;
    print_prefix(fp, '~', "registry", NULL);
    fprintf(fp, ": %s: reordered ", array);
    if (n <= ORDER_SHOWN_MAX) {
        regtool_print_json(fp, old_ids);
        fputs(" -> ", fp);
        regtool_print_json(fp, new_ids);
        fputc('\n', fp);
        return 1;
    }
    for (i = 0; i < n; i++)
        if (!json_equal(json_array_get(old_ids, i), json_array_get(new_ids, i)))
            break;
    fprintf(fp, "from [%zu] on: ", i);
    regtool_print_json(fp, json_array_get(old_ids, i));
    fputs(" -> ", fp);
    regtool_print_json(fp, json_array_get(new_ids, i));
    fputc('\n', fp);
    return 1;
}

/* The ids of the entities of arr that other_index (id -> index) also
 * holds, in arr's order; a new array or NULL. */
static json_t *
common_ids(const json_t *arr, const json_t *other_index)
{
    json_t *out = json_array(), *e;
    size_t i;

    if (out == NULL)
        return NULL;
    json_array_foreach(arr, i, e) {
        json_t *id = json_object_get(e, "id");

        if (json_object_get(other_index, json_string_value(id)) != NULL &&
            json_array_append(out, id) != 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

/* The keys of obj that other also holds, in obj's order. */
static json_t *
common_keys(const json_t *obj, const json_t *other)
{
    json_t *out = json_array(), *v;
    const char *key;

    if (out == NULL)
        return NULL;
    json_object_foreach((json_t *)obj, key, v) {
        if (json_object_get(other, key) != NULL &&
            json_array_append_new(out, json_string(key)) != 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

/* One member present in a, b or both (NULL where absent). */
static long
diff_member(FILE *fp, const char *what, const char *id, const char *key,
            const json_t *a, const json_t *b)
{
    if (a != NULL && b != NULL && json_equal(a, b))
        return 0;
    if (json_is_array(a) && json_is_array(b))
        return diff_list(fp, what, id, key, a, b);
    print_prefix(fp, '~', what, id);
    fprintf(fp, ": %s: ", key);
    if (a == NULL) {
        fputs("+ ", fp);
        regtool_print_json(fp, b);
    } else if (b == NULL) {
        fputs("- ", fp);
        regtool_print_json(fp, a);
    } else {
        regtool_print_json(fp, a);
        fputs(" -> ", fp);
        regtool_print_json(fp, b);
    }
    fputc('\n', fp);
    return 1;
}

/* Field by field, keys in sorted order; skip selects top-level keys
 * compared elsewhere.  Returns the number of lines or -1. */
static long
diff_objects(FILE *fp, const char *what, const char *id, const json_t *a,
             const json_t *b, int skip_body)
{
    const char **keys;
    const char *key;
    json_t *v;
    size_t n = 0, i;
    long total = 0;

    keys = calloc(json_object_size(a) + json_object_size(b) + 1,
                  sizeof(*keys));
    if (keys == NULL) {
        fprintf(stderr, "%s: out of memory\n", REGTOOL_PROG);
        return -1;
    }
    json_object_foreach((json_t *)a, key, v)
        keys[n++] = key;
    json_object_foreach((json_t *)b, key, v)
        if (json_object_get(a, key) == NULL)
            keys[n++] = key;
    qsort(keys, n, sizeof(*keys), regtool_cmp_str);
    for (i = 0; i < n; i++) {
        if (skip_body && is_body_key(keys[i]))
            continue;
        total += diff_member(fp, what, id, keys[i], json_object_get(a, keys[i]),
                             json_object_get(b, keys[i]));
    }
    free(keys);
    return total;
}

/* A short human label: a person's first name, a mission's name. */
static void
print_label(FILE *fp, const json_t *e)
{
    const json_t *name = json_object_get(e, "name");
    const json_t *first = json_array_get(json_object_get(e, "names"), 0);

    if (json_is_string(name)) {
        fputc(' ', fp);
        regtool_print_json(fp, name);
    } else if (json_is_object(first)) {
        fputc(' ', fp);
        regtool_print_json(fp, first);
    }
}

/* Maps id -> index for one entity array (a JSON object as the hash).
 * Returns a new object or NULL with a message. */
static json_t *
index_ids(const char *label, const json_t *arr, const char *array)
{
    json_t *idx = json_object(), *e;
    size_t i;

    if (idx == NULL)
        goto nomem;
    json_array_foreach(arr, i, e) {
        const char *id = json_string_value(json_object_get(e, "id"));

        if (id == NULL) {
            fprintf(stderr, "%s: %s: %s[%zu]: no id\n", REGTOOL_PROG, label,
                    array, i);
            json_decref(idx);
            return NULL;
        }
        if (json_object_get(idx, id) != NULL) {
            fprintf(stderr, "%s: %s: %s[%zu].id: duplicate id \"%s\"\n",
                    REGTOOL_PROG, label, array, i, id);
            json_decref(idx);
            return NULL;
        }
        if (json_object_set_new(idx, id, json_integer((json_int_t)i)) != 0)
            goto nomem;
    }
    return idx;
nomem:
    json_decref(idx);
    fprintf(stderr, "%s: out of memory\n", REGTOOL_PROG);
    return NULL;
}

/* An entity array of a document; missing means empty. */
static int
get_array(const json_t *root, const char *array, const char *label,
          json_t **out)
{
    json_t *arr = json_object_get(root, array);

    if (arr == NULL) {
        *out = NULL;
        return 0;
    }
    if (!json_is_array(arr)) {
        fprintf(stderr, "%s: %s: %s: not an array\n", REGTOOL_PROG, label,
                array);
        return -1;
    }
    *out = arr;
    return 0;
}

static long
diff_kind(FILE *fp, const regtool_kind *k, const json_t *old_root,
          const json_t *new_root)
{
    json_t *a, *b, *ia = NULL, *ib = NULL, *oa = NULL, *ob = NULL, *e;
    json_t *empty = json_array();
    size_t i;
    long n = 0, d;

    if (empty == NULL || get_array(old_root, k->array, "OLD", &a) != 0 ||
        get_array(new_root, k->array, "NEW", &b) != 0)
        goto fail;
    a = a != NULL ? a : empty;
    b = b != NULL ? b : empty;
    ia = index_ids("OLD", a, k->array);
    ib = index_ids("NEW", b, k->array);
    if (ia == NULL || ib == NULL)
        goto fail;
    json_array_foreach(b, i, e) {
        const char *id = json_string_value(json_object_get(e, "id"));
        json_t *pos = json_object_get(ia, id);

        if (pos == NULL) {
            print_prefix(fp, '+', k->name, id);
            print_label(fp, e);
            fputc('\n', fp);
            n++;
            continue;
        }
        d = diff_objects(fp, k->name, id,
                         json_array_get(a, (size_t)json_integer_value(pos)),
                         e, 0);
        if (d < 0)
            goto fail;
        n += d;
    }
    json_array_foreach(a, i, e) {
        const char *id = json_string_value(json_object_get(e, "id"));

        if (json_object_get(ib, id) == NULL) {
            print_prefix(fp, '-', k->name, id);
            print_label(fp, e);
            fputc('\n', fp);
            n++;
        }
    }
    oa = common_ids(a, ib);
    ob = common_ids(b, ia);
    if (oa == NULL || ob == NULL) {
        fprintf(stderr, "%s: out of memory\n", REGTOOL_PROG);
        goto fail;
    }
    n += diff_order(fp, k->array, oa, ob);
    json_decref(oa);
    json_decref(ob);
    json_decref(ia);
    json_decref(ib);
    json_decref(empty);
    return n;
fail:
    json_decref(oa);
    json_decref(ob);
    json_decref(ia);
    json_decref(ib);
    json_decref(empty);
    return -1;
}

static long
diff_instructions(FILE *fp, const json_t *old_root, const json_t *new_root)
{
    json_t *a = json_object_get(old_root, "instructions");
    json_t *b = json_object_get(new_root, "instructions");
    json_t *empty = json_object(), *v;
    const char **ids;
    const char *id;
    size_t n = 0, i;
    long total = 0, d;

    if (empty == NULL)
        return -1;
    if ((a != NULL && !json_is_object(a)) || (b != NULL && !json_is_object(b))) {
        fprintf(stderr, "%s: instructions: not an object\n", REGTOOL_PROG);
        json_decref(empty);
        return -1;
    }
    a = a != NULL ? a : empty;
    b = b != NULL ? b : empty;
    ids = calloc(json_object_size(a) + json_object_size(b) + 1, sizeof(*ids));
    if (ids == NULL) {
        json_decref(empty);
        return -1;
    }
    json_object_foreach(a, id, v)
        ids[n++] = id;
    json_object_foreach(b, id, v)
        if (json_object_get(a, id) == NULL)
            ids[n++] = id;
    qsort(ids, n, sizeof(*ids), regtool_cmp_str);
    for (i = 0; i < n; i++) {
        json_t *x = json_object_get(a, ids[i]), *y = json_object_get(b, ids[i]);

        if (x == NULL || y == NULL) {
            print_prefix(fp, x == NULL ? '+' : '-', "instruction", ids[i]);
            fputc('\n', fp);
            total++;
        } else if (json_is_object(x) && json_is_object(y)) {
            d = diff_objects(fp, "instruction", ids[i], x, y, 0);
            if (d < 0) {
                total = -1;
                break;
            }
            total += d;
        } else {
            total += diff_member(fp, "instruction", ids[i], "value", x, y);
        }
    }
    free(ids);
    if (total >= 0) {
        json_t *oa = common_keys(a, b), *ob = common_keys(b, a);

        if (oa == NULL || ob == NULL) {
            fprintf(stderr, "%s: out of memory\n", REGTOOL_PROG);
            total = -1;
        } else {
            total += diff_order(fp, "instructions", oa, ob);
        }
        json_decref(oa);
        json_decref(ob);
    }
    json_decref(empty);
    return total;
}

/* root loaded as the loader reads a file, or NULL when it is no valid
 * registry (diff needs only ids; this part of it then says nothing). */
static pgr_registry *
load_quietly(const json_t *root)
{
    pgr_registry *reg;
    pgr_errors errs;
    pgr_config cfg;
    char *buf = json_dumps(root, JSON_COMPACT);

    if (buf == NULL)
        return NULL;
    pgr_config_init(&cfg);
    pgr_errors_init(&errs);
    reg = pgr_registry_load_buffer(buf, strlen(buf), &cfg, &errs);
    pgr_errors_free(&errs);
    free(buf);
    return reg;
}

/*
 * The instruction in force for each entity in both files, where it
 * changed: what officers are told, which the fields above may not show
 * (an organization without an instruction takes its first mission's, so a
 * mission added before the others, or one moved to it, changes it).
 */
static long
diff_in_force(FILE *fp, const json_t *old_root, const json_t *new_root)
{
    pgr_registry *a = load_quietly(old_root), *b;
    long n = 0;
    size_t i;

    if (a == NULL)
        return 0;
    b = load_quietly(new_root);
    for (i = 0; b != NULL && i < pgr_registry_entity_count(b); i++) {
        const pgr_entity *nb = pgr_registry_entity(b, i);
        const pgr_entity *na = pgr_registry_find(a, nb->id, strlen(nb->id));

        if (na == NULL || na->kind != nb->kind ||
            strcmp(na->instruction->id, nb->instruction->id) == 0)
            continue;
        print_prefix(fp, '~', pgr_entity_kind_name(nb->kind), nb->id);
        fprintf(fp, ": instruction in force: ");
        regtool_print_id(fp, na->instruction->id);
        fprintf(fp, " -> ");
        regtool_print_id(fp, nb->instruction->id);
        fputc('\n', fp);
        n++;
    }
    pgr_registry_free(a);
    pgr_registry_free(b);
    return n;
}

long
regtool_diff(FILE *fp, const json_t *old_root, const json_t *new_root)
{
    long total, d;
    size_t k;

    total = diff_objects(fp, "registry", NULL, old_root, new_root, 1);
    if (total < 0)
        return -1;
    d = diff_instructions(fp, old_root, new_root);
    if (d < 0)
        return -1;
    total += d;
    /* Organizations first: missions and people refer to them. */
    for (k = 3; k > 0; k--) {
        d = diff_kind(fp, &regtool_kinds[k - 1], old_root, new_root);
        if (d < 0)
            return -1;
        total += d;
    }
    return total + diff_in_force(fp, old_root, new_root);
}
