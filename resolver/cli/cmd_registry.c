/*
 * cmd_registry.c - `ploguard registry`: the ILDC's tools to keep the
 * registry without editing JSON by hand.
 *
 *   init, add, set, retire, validate, diff, release
 *
 * Every change follows one path (edit_file): take the edit lock, read and
 * parse the file, apply the change to the JSON document, serialize it in
 * canonical form, validate that exact text with the library's loader, and
 * only then replace the file atomically.  Any error leaves the file as it
 * was, byte for byte.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "commands.h"
#include "feed.h"
#include "registry_tools.h"

#define DEFAULT_FILE      "registry.json"
#define DEFAULT_VALID_FOR 30
#define MAX_VALID_FOR     366
#define SECONDS_PER_DAY   86400

/* -------------------------------------------------------------- usage */

static const char usage_text[] =
"usage: ploguard registry COMMAND [-f FILE] [--region CC] ...\n"
"\n"
"  init --id REGISTRY_ID [--instructions FILE]\n"
"  add person --id ID --role plo|diplomat|official\n"
"        [--family F --given G] [--full NAME] [--name FAMILY/GIVEN|NAME]...\n"
"        [--mission ID] [--organization ID] [--phone N]... [--email A]...\n"
"        [--accredited-from DATE] [--accredited-until DATE]\n"
"        [--status active|ended] [--instruction ID]\n"
"  add mission --id ID --name NAME --country CC --city CITY --instruction ID\n"
"        [--organization ID] [--phone N]... [--phone-prefix +DIGITS]...\n"
"        [--email A]... [--domain D]...\n"
"  add organization --id ID --name NAME --country CC [--alias NAME]...\n"
"        [--domain D]... [--instruction ID]\n"
"  add instruction --id ID --en TEXT --fr TEXT --short-en TEXT --short-fr TEXT\n"
"  set ID FIELD VALUE          set a single-valued field\n"
"  set ID FIELD += VALUE       add to a list (phones, emails, names, ...)\n"
"  set ID FIELD -= VALUE       remove from a list\n"
"  set ID FIELD --clear        remove an optional field, empty a list\n"
"  retire ID [--date YYYY-MM-DD]\n"
"  validate [FILE]\n"
"  diff OLD NEW                exit 0: same, 1: different, 2: error\n"
"  release [--valid-for DAYS] [--seckey FILE]\n"
"\n"
"FILE defaults to ./registry.json.  See ploguard-registry(1).\n";

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", REGTOOL_PROG);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'ploguard registry --help')\n");
    return REGTOOL_ERROR;
}

/* ------------------------------------------------------------ options */

/*
 * A small option parser of our own: getopt would take "-=" (the list
 * removal operator) and values such as "-VALUE" for options.  Here only
 * "--name", "--name=value", "-f" and "-h" are options; everything else,
 * and everything after "--", is an operand.
 */
typedef struct optdef {
    const char *name;
    int has_arg;
    int repeat;
} optdef;

typedef struct optval {
    const optdef *def;
    const char *value;
} optval;

typedef struct args {
    optval *opts;
    size_t nopts;
    char **pos;
    size_t npos;
} args;

static const optdef common_opts[] = {
    {"file", 1, 0},
    {"region", 1, 0},
    {"help", 0, 0},
    {NULL, 0, 0},
};

static const optdef *
find_def(const optdef *defs, const char *name, size_t len)
{
    size_t i;

    for (i = 0; defs != NULL && defs[i].name != NULL; i++)
        if (strlen(defs[i].name) == len && strncmp(defs[i].name, name, len) == 0)
            return &defs[i];
    return NULL;
}

static void
args_free(args *a)
{
    free(a->opts);
    free(a->pos);
    a->opts = NULL;
    a->pos = NULL;
    a->nopts = a->npos = 0;
}

static int
args_seen(const args *a, const optdef *d)
{
    size_t i;

    for (i = 0; i < a->nopts; i++)
        if (a->opts[i].def == d)
            return 1;
    return 0;
}

/* argv[0] is the subcommand.  Returns 0 or -1 (message printed). */
static int
parse_args(int argc, char **argv, const optdef *defs, args *a)
{
    int i, only_pos = 0;

    a->nopts = a->npos = 0;
    a->opts = calloc((size_t)argc + 1, sizeof(*a->opts));
    a->pos = calloc((size_t)argc + 1, sizeof(*a->pos));
    if (a->opts == NULL || a->pos == NULL) {
        fprintf(stderr, "%s: out of memory\n", REGTOOL_PROG);
        args_free(a);
        return -1;
    }
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i], *name, *eq, *value = NULL;
        const optdef *d;
        size_t len;

        if (only_pos || !(strncmp(arg, "--", 2) == 0 || strcmp(arg, "-f") == 0 ||
                          strcmp(arg, "-h") == 0)) {
            a->pos[a->npos++] = argv[i];
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (strcmp(arg, "-f") == 0) {
            name = "file";
            len = 4;
        } else if (strcmp(arg, "-h") == 0) {
            name = "help";
            len = 4;
        } else {
            name = arg + 2;
            eq = strchr(name, '=');
            len = eq != NULL ? (size_t)(eq - name) : strlen(name);
            if (eq != NULL)
                value = eq + 1;
        }
        d = find_def(common_opts, name, len);
        if (d == NULL)
            d = find_def(defs, name, len);
        if (d == NULL) {
            usage_error("%s: unknown option", arg);
            goto fail;
        }
        if (!d->has_arg && value != NULL) {
            usage_error("%s: takes no value", arg);
            goto fail;
        }
        if (d->has_arg && value == NULL) {
            if (i + 1 >= argc) {
                usage_error("%s: needs a value", arg);
                goto fail;
            }
            value = argv[++i];
        }
        if (!d->repeat && args_seen(a, d)) {
            usage_error("--%s: given twice", d->name);
            goto fail;
        }
        a->opts[a->nopts].def = d;
        a->opts[a->nopts].value = value != NULL ? value : "";
        a->nopts++;
    }
    return 0;
fail:
    args_free(a);
    return -1;
}

/* The value of a single-valued option, or NULL. */
static const char *
opt(const args *a, const char *name)
{
    size_t i;

    for (i = 0; i < a->nopts; i++)
        if (strcmp(a->opts[i].def->name, name) == 0)
            return a->opts[i].value;
    return NULL;
}

/* ------------------------------------------------------------ context */

typedef struct ctx {
    const char *file;
    pgr_config cfg;
} ctx;

/* Options every subcommand takes.  Returns 0, 1 (help shown) or -1. */
static int
ctx_init(ctx *c, const args *a)
{
    const char *region = opt(a, "region");

    if (opt(a, "help") != NULL) {
        fputs(usage_text, stdout);
        return 1;
    }
    c->file = opt(a, "file");
    if (c->file == NULL)
        c->file = DEFAULT_FILE;
    if (*c->file == '\0') {
        usage_error("--file: empty file name");
        return -1;
    }
    pgr_config_init(&c->cfg);
    if (region != NULL && pgr_config_set_region(&c->cfg, region) != 0) {
        usage_error("--region %s: not a region the phone parser knows", region);
        return -1;
    }
    return 0;
}

/* Parses, sets up the context, and checks the operand count. */
static int
begin(int argc, char **argv, const optdef *defs, size_t min_pos,
      size_t max_pos, args *a, ctx *c)
{
    int r;

    if (parse_args(argc, argv, defs, a) != 0)
        return REGTOOL_ERROR;
    if (a->pos == NULL || a->opts == NULL) {   /* parse_args promises not */
        args_free(a);
        return REGTOOL_ERROR;
    }
    r = ctx_init(c, a);
    if (r != 0) {
        args_free(a);
        return r > 0 ? REGTOOL_OK : REGTOOL_ERROR;
    }
    if (a->npos < min_pos || a->npos > max_pos) {
        args_free(a);
        (void)usage_error("%s: wrong number of operands", argv[0]);
        return REGTOOL_ERROR;
    }
    return -1;   /* go on */
}

/* ------------------------------------------------------ the edit path */

typedef int (*edit_fn)(const ctx *c, json_t *root, void *arg);

static void
note_signature(const char *file)
{
    char sig[PATH_MAX];
    struct stat st;

    if (snprintf(sig, sizeof(sig), "%s.minisig", file) < (int)sizeof(sig) &&
        stat(sig, &st) == 0)
        fprintf(stderr, "%s: note: %s no longer matches %s; run "
                "'ploguard registry release' and sign again\n",
                REGTOOL_PROG, sig, file);
}

/* Serializes, validates and installs root; hash, when not NULL,
 * receives the BLAKE2b-512 of the bytes installed.  Returns 0 or -1. */
static int
install(const ctx *c, const json_t *root, int noclobber, const char *old,
        size_t oldlen, int *unchanged, unsigned char *hash)
{
    pgr_registry *reg;
    char *buf;
    size_t len;
    int r;

    *unchanged = 0;
    buf = regtool_dump(root, &len);
    if (buf == NULL)
        return -1;
    /* validated even when nothing changed: an edit of an invalid file
     * says so (exit 2) rather than "no change" */
    reg = regtool_validate(c->file, buf, len);
    if (reg == NULL) {
        free(buf);
        return -1;
    }
    pgr_registry_free(reg);
    if (hash != NULL && pgr_feed_hash((const unsigned char *)buf, len, hash) != 0) {
        fprintf(stderr, "%s: %s: cannot hash the registry\n", REGTOOL_PROG, c->file);
        free(buf);
        return -1;
    }
    if (old != NULL && len == oldlen && memcmp(buf, old, len) == 0) {
        *unchanged = 1;
        free(buf);
        return 0;
    }
    r = regtool_write_atomic(c->file, buf, len, noclobber);
    free(buf);
    return r;
}

/*
 * The file an edit replaces: for a symbolic link, the file it names, so
 * that the link stays and its target changes (a rename onto the link
 * would replace the link by a copy and leave the target behind).  real
 * holds PATH_MAX bytes.  Returns 0 or -1 with a message.
 */
static int
edit_target(ctx *c, char *real)
{
    struct stat sb;

    if (lstat(c->file, &sb) != 0 || !S_ISLNK(sb.st_mode))
        return 0;   /* not a link; a missing file is reported when read */
    if (realpath(c->file, real) == NULL) {
        fprintf(stderr, "%s: %s: a symbolic link to nothing usable: %s\n",
                REGTOOL_PROG, c->file, strerror(errno));
        return -1;
    }
    c->file = real;
    return 0;
}

/* Read, change, validate, write; all under the edit lock.  A release
 * (released_hash not NULL: it receives the hash of the file written)
 * prints its own signing instructions, so it skips the stale-signature
 * note. */
static int
edit_file(const ctx *given, edit_fn fn, void *arg, const char *done,
          unsigned char *released_hash)
{
    char *old = NULL, real[PATH_MAX];
    size_t oldlen = 0;
    json_t *root = NULL;
    int lock, unchanged = 0, status = REGTOOL_ERROR;
    ctx target = *given;
    const ctx *c = &target;

    if (edit_target(&target, real) != 0)
        return REGTOOL_ERROR;
    lock = regtool_lock(c->file);
    if (lock < 0)
        return REGTOOL_ERROR;
    if (regtool_read_file(c->file, &old, &oldlen) != 0)
        goto out;
    root = regtool_parse(c->file, old, oldlen);
    if (root == NULL || fn(c, root, arg) != 0 ||
        install(c, root, 0, old, oldlen, &unchanged, released_hash) != 0) {
        fprintf(stderr, "%s: %s: not changed\n", REGTOOL_PROG, c->file);
        goto out;
    }
    if (unchanged) {
        printf("%s: no change\n", c->file);
    } else {
        printf("%s: %s\n", c->file, done);
        if (released_hash == NULL)
            note_signature(c->file);
    }
    status = REGTOOL_OK;
out:
    json_decref(root);
    free(old);
    regtool_unlock(c->file, lock);
    return status;
}

/* The entity array of a kind in root, created when absent. */
static json_t *
entity_array(json_t *root, const regtool_kind *k)
{
    json_t *arr = json_object_get(root, k->array);

    if (arr == NULL) {
        arr = json_array();
        if (arr == NULL || json_object_set_new(root, k->array, arr) != 0)
            return NULL;
    }
    if (!json_is_array(arr)) {
        fprintf(stderr, "%s: %s: not an array\n", REGTOOL_PROG, k->array);
        return NULL;
    }
    return arr;
}

/* ---------------------------------------------------------------- init */

/*
 * The two standard instructions, from the CSIS-RCMP alert notice.  The
 * texts are the ones of data/registry.sample.json; a test keeps them equal.
 */
static const struct std_instruction {
    const char *id, *en, *fr, *short_en, *short_fr;
} std_instructions[] = {
    {
        "decline",
        "Do not provide information and do not take part in any exchange, "
        "formal or informal. This contact is a diplomat or a Ministry of "
        "Public Security (police liaison) officer of the People's Republic "
        "of China. Decline the request and refer it to the RCMP "
        "International Liaison and Deployment Centre (ILDC), "
        "RCMP.international-international.GRC@rcmp-grc.gc.ca, or to "
        "INTERPOL Ottawa, Interpolottawa@rcmp-grc.gc.ca. Report the request "
        "to the RCMP ILDC. Emergency services are the exception. (CSIS-RCMP "
        "alert to Canadian law enforcement agencies.)",
        "Ne fournissez aucune information et ne participez à aucun échange, "
        "officiel ou non. Ce contact est un diplomate ou un agent du "
        "ministère de la Sécurité publique (agent de liaison policière) de "
        "la République populaire de Chine. Refusez la demande et "
        "renvoyez-la au Centre international de liaison et de déploiement "
        "de la GRC (ILDC), "
        "RCMP.international-international.GRC@rcmp-grc.gc.ca, ou à INTERPOL "
        "Ottawa, Interpolottawa@rcmp-grc.gc.ca. Signalez la demande à "
        "l'ILDC de la GRC. Les services d'urgence font exception. (Alerte "
        "du SCRS et de la GRC aux organismes canadiens d'application de la "
        "loi.)",
        "DECLINE-REFER ILDC",
        "REFUSER-RENVOYER GRC",
    },
    {
        "refer",
        "This contact is a foreign police liaison officer. All official "
        "law-enforcement business with a foreign police liaison officer "
        "goes only through INTERPOL Ottawa, Interpolottawa@rcmp-grc.gc.ca, "
        "or the RCMP International Liaison and Deployment Centre (ILDC), "
        "RCMP.international-international.GRC@rcmp-grc.gc.ca. Do not "
        "exchange information directly. Emergency services are the only "
        "exception.",
        "Ce contact est un agent de liaison policière étranger. Toute "
        "affaire officielle d'application de la loi avec un agent de "
        "liaison policière étranger passe uniquement par INTERPOL Ottawa, "
        "Interpolottawa@rcmp-grc.gc.ca, ou par le Centre international de "
        "liaison et de déploiement de la GRC (ILDC), "
        "RCMP.international-international.GRC@rcmp-grc.gc.ca. N'échangez "
        "aucune information directement. Les services d'urgence sont la "
        "seule exception.",
        "REFER: INTERPOL/ILDC",
        "RENVOYER: INTERPOL/GRC",
    },
};

static json_t *
standard_instructions(void)
{
    json_t *all = json_object();
    size_t i;

    for (i = 0; all != NULL && i < sizeof(std_instructions) /
                                    sizeof(std_instructions[0]); i++) {
        const struct std_instruction *s = &std_instructions[i];
        json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "en", s->en, "fr", s->fr,
                              "short_en", s->short_en, "short_fr", s->short_fr);

        if (o == NULL || json_object_set_new(all, s->id, o) != 0) {
            json_decref(all);
            return NULL;
        }
    }
    return all;
}

/* --instructions FILE: an "instructions" object, or a registry holding one. */
static json_t *
instructions_from(const char *path)
{
    json_t *doc = regtool_load(path), *ins;

    if (doc == NULL)
        return NULL;
    ins = json_object_get(doc, "instructions");
    if (json_object_get(doc, "format") != NULL) {   /* a registry */
        if (!json_is_object(ins)) {
            fprintf(stderr, "%s: %s: %s\n", REGTOOL_PROG, path,
                    ins == NULL ? "a registry with no \"instructions\"" :
                                  "instructions: not an object");
            json_decref(doc);
            return NULL;
        }
        json_incref(ins);
        json_decref(doc);
        return ins;
    }
    return doc;
}

/* Registry ids go into the signature's trusted comment, which is split on
 * blanks and '=': keep them to a plain alphabet. */
/* An id the signed feed's trusted comment takes (pgr_feed_id_valid):
 * 1 to 64 of A-Z a-z 0-9 . _ -, a letter or digit first.  The loader takes
 * a first '.', '_' or '-' too, but no agency's sync would take the feed. */
static int
plain_id(const char *s)
{
    size_t n = strlen(s), i;

    if (n < 1 || n > 64 || !((s[0] >= 'a' && s[0] <= 'z') ||
                             (s[0] >= 'A' && s[0] <= 'Z') ||
                             (s[0] >= '0' && s[0] <= '9')))
        return 0;
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || strchr("._-", s[i]) != NULL))
            return 0;
    return 1;
}

static int
set_times(json_t *root, time_t issued, long days)
{
    char a[REGTOOL_TIME_LEN], b[REGTOOL_TIME_LEN];

    regtool_format_time(issued, a);
    regtool_format_time(issued + (time_t)days * SECONDS_PER_DAY, b);
    if (a[0] == '\0' || b[0] == '\0' ||
        json_object_set_new(root, "issued_at", json_string(a)) != 0 ||
        json_object_set_new(root, "expires_at", json_string(b)) != 0)
        return -1;
    return 0;
}

static int
cmd_init(int argc, char **argv)
{
    static const optdef defs[] = {
        {"id", 1, 0}, {"instructions", 1, 0}, {NULL, 0, 0}
    };
    args a;
    ctx c;
    const char *id, *ins_file;
    json_t *root = NULL, *ins;
    int r, lock, unchanged, status = REGTOOL_ERROR;

    r = begin(argc, argv, defs, 0, 0, &a, &c);
    if (r >= 0)
        return r;
    id = opt(&a, "id");
    ins_file = opt(&a, "instructions");
    if (id == NULL) {
        args_free(&a);
        return usage_error("init: --id REGISTRY_ID is required");
    }
    if (!plain_id(id)) {
        r = usage_error("--id \"%s\": use 1 to 64 of A-Z a-z 0-9 . _ -, a letter "
                        "or digit first (the signed feed's rule)", id);
        args_free(&a);
        return r;
    }
    ins = ins_file != NULL ? instructions_from(ins_file) : standard_instructions();
    if (ins == NULL)
        goto out;
    root = json_pack("{s:s, s:s, s:I, s:o, s:[], s:[], s:[]}",
                     "format", PGR_FORMAT, "registry_id", id,
                     "seq", (json_int_t)1, "instructions", ins,
                     "organizations", "missions", "people");
    if (root == NULL || set_times(root, time(NULL), DEFAULT_VALID_FOR) != 0) {
        fprintf(stderr, "%s: out of memory\n", REGTOOL_PROG);
        goto out;
    }
    lock = regtool_lock(c.file);
    if (lock < 0)
        goto out;
    if (install(&c, root, 1, NULL, 0, &unchanged, NULL) == 0) {
        printf("%s: new registry %s (seq 1)\n", c.file, id);
        status = REGTOOL_OK;
    } else {
        fprintf(stderr, "%s: %s: not created\n", REGTOOL_PROG, c.file);
    }
    regtool_unlock(c.file, lock);
out:
    json_decref(root);
    args_free(&a);
    return status;
}

/* ----------------------------------------------------------------- add */

/* Flags of `add`: which field each one fills, for which kinds. */
typedef struct addflag {
    const char *flag;
    const char *field;   /* NULL: --family, --given, --full (one name) */
    unsigned kinds;
} addflag;

#define KP KIND_BIT(PGR_PERSON)
#define KM KIND_BIT(PGR_MISSION)
#define KO KIND_BIT(PGR_ORGANIZATION)

static const addflag addflags[] = {
    {"id", "id", KP | KM | KO},
    {"name", "names", KP},
    {"name", "name", KM | KO},
    {"family", NULL, KP},
    {"given", NULL, KP},
    {"full", NULL, KP},
    {"role", "role", KP},
    {"mission", "mission", KP},
    {"organization", "organization", KP | KM},
    {"phone", "phones", KP | KM},
    {"email", "emails", KP | KM},
    {"accredited-from", "accredited_from", KP},
    {"accredited-until", "accredited_until", KP},
    {"status", "status", KP},
    {"instruction", "instruction", KP | KM | KO},
    {"country", "country", KM | KO},
    {"city", "city", KM},
    {"phone-prefix", "phone_prefixes", KM},
    {"domain", "domains", KM | KO},
    {"alias", "aliases", KO},
    {NULL, NULL, 0},
};

/* Every flag once in the parser's table; the list fields repeat.  --name
 * repeats for a person and is checked once-only for the others. */
static const optdef add_defs[] = {
    {"id", 1, 0}, {"name", 1, 1}, {"family", 1, 0}, {"given", 1, 0},
    {"full", 1, 0}, {"role", 1, 0}, {"mission", 1, 0},
    {"organization", 1, 0}, {"phone", 1, 1}, {"email", 1, 1},
    {"accredited-from", 1, 0}, {"accredited-until", 1, 0}, {"status", 1, 0},
    {"instruction", 1, 0}, {"country", 1, 0}, {"city", 1, 0},
    {"phone-prefix", 1, 1}, {"domain", 1, 1}, {"alias", 1, 1},
    {"en", 1, 0}, {"fr", 1, 0}, {"short-en", 1, 0}, {"short-fr", 1, 0},
    {NULL, 0, 0},
};

static const addflag *
find_addflag(const char *flag, pgr_entity_kind kind)
{
    size_t i;

    for (i = 0; addflags[i].flag != NULL; i++)
        if (strcmp(addflags[i].flag, flag) == 0 &&
            (addflags[i].kinds & KIND_BIT(kind)) != 0)
            return &addflags[i];
    return NULL;
}

/* --family, --given and --full together make the person's first name. */
static int
add_first_name(json_t *e, const args *a)
{
    static const char *const parts[] = {"family", "given", "full"};
    const regtool_field *f = &regtool_text_field;
    json_t *name = NULL, *names;
    size_t i;

    for (i = 0; i < 3; i++) {
        const char *v = opt(a, parts[i]);
        char what[16];
        json_t *s;

        if (v == NULL)
            continue;
        snprintf(what, sizeof(what), "--%s", parts[i]);
        s = regtool_value(f, v, NULL, what);
        if (s == NULL)
            goto fail;
        if (name == NULL && (name = json_object()) == NULL) {
            json_decref(s);
            goto fail;
        }
        if (json_object_set_new(name, parts[i], s) != 0)
            goto fail;
    }
    if (name == NULL)
        return 0;
    names = json_object_get(e, "names");
    if (json_array_insert_new(names, 0, name) != 0)
        return -1;
    return 0;
fail:
    json_decref(name);
    return -1;
}

/* The new entity from the flags.  Lists are always present (maybe empty)
 * so that later `set ... +=` has somewhere to go. */
static json_t *
build_entity(const regtool_kind *k, const args *a, const pgr_config *cfg)
{
    json_t *e = json_object();
    size_t i;

    if (e == NULL)
        return NULL;
    for (i = 0; regtool_fields[i].name != NULL; i++) {
        const regtool_field *f = &regtool_fields[i];

        if (f->list && (f->kinds & KIND_BIT(k->kind)) != 0 &&
            json_object_set_new(e, f->name, json_array()) != 0)
            goto fail;
    }
    for (i = 0; i < a->nopts; i++) {
        const char *flag = a->opts[i].def->name;
        const addflag *af;
        const regtool_field *f;
        char what[40];
        json_t *v;

        if (strcmp(flag, "file") == 0 || strcmp(flag, "region") == 0)
            continue;
        af = find_addflag(flag, k->kind);
        if (af == NULL) {
            fprintf(stderr, "%s: add %s: --%s does not apply to a%s %s\n",
                    REGTOOL_PROG, k->name, flag,
                    k->kind == PGR_ORGANIZATION ? "n" : "", k->name);
            goto fail;
        }
        if (af->field == NULL)
            continue;             /* add_first_name */
        f = regtool_field_find(af->field, k->kind);
        if (f == NULL)
            goto fail;
        if (!f->list && strcmp(flag, "name") == 0 &&
            json_object_get(e, "name") != NULL) {
            fprintf(stderr, "%s: add %s: --name given twice\n", REGTOOL_PROG,
                    k->name);
            goto fail;
        }
        snprintf(what, sizeof(what), "--%s", flag);
        v = regtool_value(f, a->opts[i].value, cfg, what);
        if (v == NULL)
            goto fail;
        if (f->list) {
            snprintf(what, sizeof(what), "add %s", k->name);
            if (regtool_list_add(e, f, v, what) != 0)
                goto fail;
        } else if (json_object_set_new(e, f->name, v) != 0) {
            goto fail;
        }
    }
    if (k->kind == PGR_PERSON) {
        if (add_first_name(e, a) != 0)
            goto fail;
        if (json_object_get(e, "status") == NULL &&
            json_object_set_new(e, "status", json_string("active")) != 0)
            goto fail;
    }
    return e;
fail:
    json_decref(e);
    return NULL;
}

/* What each kind cannot do without; the loader checks the rest. */
static int
check_required(const regtool_kind *k, const args *a)
{
    static const struct {
        pgr_entity_kind kind;
        const char *flag;
    } req[] = {
        {PGR_PERSON, "role"},
        {PGR_MISSION, "name"}, {PGR_MISSION, "country"}, {PGR_MISSION, "city"},
        {PGR_MISSION, "instruction"},
        {PGR_ORGANIZATION, "name"}, {PGR_ORGANIZATION, "country"},
    };
    size_t i;
    int bad = 0;

    for (i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
        if (req[i].kind == k->kind && opt(a, req[i].flag) == NULL) {
            fprintf(stderr, "%s: add %s: --%s is required\n", REGTOOL_PROG,
                    k->name, req[i].flag);
            bad = 1;
        }
    }
    if (k->kind == PGR_PERSON && opt(a, "name") == NULL &&
        opt(a, "family") == NULL && opt(a, "full") == NULL) {
        fprintf(stderr, "%s: add person: a name is required (--family and "
                "--given, --full, or --name)\n", REGTOOL_PROG);
        bad = 1;
    }
    return bad ? -1 : 0;
}

typedef struct add_arg {
    const regtool_kind *kind;   /* NULL: an instruction */
    const char *id;
    json_t *value;              /* borrowed */
} add_arg;

static int
add_edit(const ctx *c, json_t *root, void *varg)
{
    add_arg *aa = varg;
    const regtool_kind *k;
    json_t *arr;
    size_t idx;

    if (aa->kind == NULL) {
        json_t *ins = json_object_get(root, "instructions");

        if (!json_is_object(ins)) {
            fprintf(stderr, "%s: %s: instructions: not an object\n",
                    REGTOOL_PROG, c->file);
            return -1;
        }
        if (json_object_get(ins, aa->id) != NULL) {
            fprintf(stderr, "%s: %s: instruction %s already exists\n",
                    REGTOOL_PROG, c->file, aa->id);
            return -1;
        }
        return json_object_set(ins, aa->id, aa->value);
    }
    if (regtool_find(root, aa->id, &k, &idx) != NULL) {
        fprintf(stderr, "%s: %s: %s[%zu].id: \"%s\" is already a %s\n",
                REGTOOL_PROG, c->file, k->array, idx, aa->id, k->name);
        return -1;
    }
    arr = entity_array(root, aa->kind);
    if (arr == NULL)
        return -1;
    return json_array_append(arr, aa->value);
}

static json_t *
build_instruction(const args *a)
{
    static const char *const flags[] = {"en", "fr", "short-en", "short-fr"};
    static const char *const keys[] = {"en", "fr", "short_en", "short_fr"};
    const regtool_field *f = &regtool_text_field;
    json_t *o = json_object();
    size_t i;

    for (i = 0; o != NULL && i < a->nopts; i++) {
        const char *n = a->opts[i].def->name;

        if (strcmp(n, "id") != 0 && strcmp(n, "file") != 0 &&
            strcmp(n, "region") != 0 && strcmp(n, "en") != 0 &&
            strcmp(n, "fr") != 0 && strcmp(n, "short-en") != 0 &&
            strcmp(n, "short-fr") != 0) {
            fprintf(stderr, "%s: add instruction: --%s does not apply to an "
                    "instruction\n", REGTOOL_PROG, n);
            json_decref(o);
            return NULL;
        }
    }
    for (i = 0; o != NULL && i < 4; i++) {
        const char *v = opt(a, flags[i]);
        char what[16];
        json_t *s;

        snprintf(what, sizeof(what), "--%s", flags[i]);
        if (v == NULL) {
            fprintf(stderr, "%s: add instruction: %s is required\n",
                    REGTOOL_PROG, what);
            json_decref(o);
            return NULL;
        }
        s = regtool_value(f, v, NULL, what);
        if (s == NULL || json_object_set_new(o, keys[i], s) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

static int
cmd_add(int argc, char **argv)
{
    args a;
    ctx c;
    add_arg aa;
    char done[200];
    int r;

    r = begin(argc, argv, add_defs, 1, 1, &a, &c);
    if (r >= 0)
        return r;
    aa.kind = regtool_kind_by_name(a.pos[0]);
    aa.id = opt(&a, "id");
    aa.value = NULL;
    r = REGTOOL_ERROR;
    if (aa.kind == NULL && strcmp(a.pos[0], "instruction") != 0) {
        usage_error("add %s: not person, mission, organization or instruction",
                    a.pos[0]);
        goto out;
    }
    if (aa.id == NULL) {
        usage_error("add %s: --id is required", a.pos[0]);
        goto out;
    }
    if (aa.kind == NULL) {
        aa.value = build_instruction(&a);
    } else if (check_required(aa.kind, &a) == 0) {
        aa.value = build_entity(aa.kind, &a, &c.cfg);
    }
    if (aa.value == NULL) {
        fprintf(stderr, "%s: %s: not changed\n", REGTOOL_PROG, c.file);
        goto out;
    }
    snprintf(done, sizeof(done), "added %s %s", a.pos[0], aa.id);
    r = edit_file(&c, add_edit, &aa, done, NULL);
out:
    json_decref(aa.value);
    args_free(&a);
    return r;
}

/* ----------------------------------------------------------------- set */

typedef struct set_arg {
    const char *id, *field, *op, *value;   /* op: "=", "+=", "-=", "clear" */
} set_arg;

static int
set_instruction(json_t *ins, const set_arg *sa)
{
    static const char *const keys[] = {"en", "fr", "short_en", "short_fr", NULL};
    const regtool_field *text = &regtool_text_field;
    json_t *v;
    size_t i;

    for (i = 0; keys[i] != NULL; i++)
        if (strcmp(keys[i], sa->field) == 0)
            break;
    if (keys[i] == NULL) {
        fprintf(stderr, "%s: instruction %s has no field \"%s\" (en, fr, "
                "short_en, short_fr)\n", REGTOOL_PROG, sa->id, sa->field);
        return -1;
    }
    if (strcmp(sa->op, "=") != 0) {
        fprintf(stderr, "%s: instruction %s: %s takes one value\n",
                REGTOOL_PROG, sa->id, sa->field);
        return -1;
    }
    v = regtool_value(text, sa->value, NULL, sa->field);
    return v == NULL ? -1 : json_object_set_new(ins, sa->field, v);
}

static int
set_edit(const ctx *c, json_t *root, void *varg)
{
    const set_arg *sa = varg;
    const regtool_kind *k;
    const regtool_field *f;
    json_t *e, *v;
    size_t idx;
    char where[PATH_MAX + 80], what[PATH_MAX + 120];

    e = regtool_find(root, sa->id, &k, &idx);
    if (e == NULL) {
        json_t *ins = json_object_get(root, "instructions");
        json_t *one = json_is_object(ins) ? json_object_get(ins, sa->id) : NULL;

        if (json_is_object(one))
            return set_instruction(one, sa);
        fprintf(stderr, "%s: %s: no entity or instruction with id \"%s\"\n",
                REGTOOL_PROG, c->file, sa->id);
        return -1;
    }
    f = regtool_field_find(sa->field, k->kind);
    if (f == NULL) {
        fprintf(stderr, "%s: %s: a%s %s has no field \"%s\"\n", REGTOOL_PROG,
                sa->id, k->kind == PGR_ORGANIZATION ? "n" : "", k->name,
                sa->field);
        return -1;
    }
    if (strcmp(f->name, "id") == 0) {
        fprintf(stderr, "%s: %s: ids never change (add a new entity and "
                "retire the old one)\n", REGTOOL_PROG, sa->id);
        return -1;
    }
    snprintf(where, sizeof(where), "%s: %s[%zu]", c->file, k->array, idx);
    snprintf(what, sizeof(what), "%s.%s", where, f->name);
    if (strcmp(sa->op, "clear") == 0) {
        if (f->list)
            return json_object_set_new(e, f->name, json_array());
        json_object_del(e, f->name);   /* absent already is fine */
        return 0;
    }
    if (f->list && strcmp(sa->op, "=") == 0) {
        fprintf(stderr, "%s: %s: %s is a list: use 'set %s %s += VALUE' or "
                "'-= VALUE'\n", REGTOOL_PROG, sa->id, f->name, sa->id,
                f->name);
        return -1;
    }
    if (!f->list && strcmp(sa->op, "=") != 0) {
        fprintf(stderr, "%s: %s: %s holds one value: use 'set %s %s VALUE'\n",
                REGTOOL_PROG, sa->id, f->name, sa->id, f->name);
        return -1;
    }
    v = regtool_value(f, sa->value, &c->cfg, what);
    if (v == NULL)
        return -1;
    if (strcmp(sa->op, "+=") == 0)
        return regtool_list_add(e, f, v, where);
    if (strcmp(sa->op, "-=") == 0) {
        int r = regtool_list_remove(e, f, v, where);

        json_decref(v);
        return r;
    }
    return json_object_set_new(e, f->name, v);
}

static int
cmd_set(int argc, char **argv)
{
    static const optdef defs[] = { {"clear", 0, 0}, {NULL, 0, 0} };
    args a;
    ctx c;
    set_arg sa;
    char done[200];
    int r;

    r = begin(argc, argv, defs, 2, 4, &a, &c);
    if (r >= 0)
        return r;
    sa.id = a.pos[0];
    sa.field = a.pos[1];
    sa.value = NULL;
    r = REGTOOL_ERROR;
    if (opt(&a, "clear") != NULL) {
        if (a.npos != 2) {
            usage_error("set ID FIELD --clear takes no value");
            goto out;
        }
        sa.op = "clear";
    } else if (a.npos == 3) {
        sa.op = "=";
        sa.value = a.pos[2];
    } else if (a.npos == 4 && (strcmp(a.pos[2], "+=") == 0 ||
                               strcmp(a.pos[2], "-=") == 0 ||
                               strcmp(a.pos[2], "=") == 0)) {
        sa.op = a.pos[2];
        sa.value = a.pos[3];
    } else {
        usage_error("set ID FIELD [+=|-=] VALUE, or set ID FIELD --clear");
        goto out;
    }
    snprintf(done, sizeof(done), "%s: %s updated", sa.id, sa.field);
    r = edit_file(&c, set_edit, &sa, done, NULL);
out:
    args_free(&a);
    return r;
}

/* -------------------------------------------------------------- retire */

typedef struct retire_arg {
    const char *id;
    json_t *date;     /* borrowed */
    int given;        /* --date given: it replaces an earlier end */
    char *done;       /* the message said once it is done */
    size_t donesz;
} retire_arg;

static int
retire_edit(const ctx *c, json_t *root, void *varg)
{
    const retire_arg *ra = varg;
    const regtool_kind *k;
    const char *until;
    json_t *e;
    size_t idx;

    e = regtool_find(root, ra->id, &k, &idx);
    if (e == NULL) {
        fprintf(stderr, "%s: %s: no entity with id \"%s\"\n", REGTOOL_PROG,
                c->file, ra->id);
        return -1;
    }
    if (k->kind != PGR_PERSON) {
        fprintf(stderr, "%s: %s: %s[%zu]: %s is a %s; only people are "
                "retired\n", REGTOOL_PROG, c->file, k->array, idx, ra->id,
                k->name);
        return -1;
    }
    /* An accreditation that ended already keeps its date, unless --date
     * says otherwise: the real end is what lookups report. */
    until = json_string_value(json_object_get(e, "accredited_until"));
    if (!ra->given && until != NULL &&
        strcmp(until, json_string_value(ra->date)) <= 0) {
        if (json_object_set_new(e, "status", json_string("ended")) != 0)
            return -1;
        snprintf(ra->done, ra->donesz, "%s retired; its accreditation ended on "
                 "%s already, which stays (--date to change it)", ra->id, until);
        fprintf(stderr, "%s: %s: %s: accredited_until %s is kept (already "
                "past; --date to change it)\n", REGTOOL_PROG, c->file, ra->id,
                until);
        return 0;
    }
    if (json_object_set_new(e, "status", json_string("ended")) != 0 ||
        json_object_set(e, "accredited_until", ra->date) != 0)
        return -1;
    return 0;
}

static int
cmd_retire(int argc, char **argv)
{
    static const optdef defs[] = { {"date", 1, 0}, {NULL, 0, 0} };
    const regtool_field *f = regtool_field_find("accredited_until", PGR_PERSON);
    args a;
    ctx c;
    retire_arg ra;
    char done[200];
    const char *date;
    int r;

    r = begin(argc, argv, defs, 1, 1, &a, &c);
    if (r >= 0)
        return r;
    ra.id = a.pos[0];
    date = opt(&a, "date");
    ra.date = regtool_value(f, date != NULL ? date : "today", NULL, "--date");
    if (ra.date == NULL) {
        args_free(&a);
        return REGTOOL_ERROR;
    }
    ra.given = date != NULL;
    ra.done = done;
    ra.donesz = sizeof(done);
    snprintf(done, sizeof(done), "%s retired on %s", ra.id,
             json_string_value(ra.date));
    r = edit_file(&c, retire_edit, &ra, done, NULL);
    json_decref(ra.date);
    args_free(&a);
    return r;
}

/* ------------------------------------------------------------ validate */

static int
cmd_validate(int argc, char **argv)
{
    args a;
    ctx c;
    pgr_registry *reg;
    char *buf;
    size_t len, i, n[4] = {0, 0, 0, 0};
    char exp[64];
    int r;

    r = begin(argc, argv, NULL, 0, 1, &a, &c);
    if (r >= 0)
        return r;
    if (a.npos == 1) {
        if (opt(&a, "file") != NULL) {
            args_free(&a);
            return usage_error("validate: give --file or FILE, not both");
        }
        c.file = a.pos[0];
    }
    r = REGTOOL_ERROR;
    if (regtool_read_file(c.file, &buf, &len) != 0)
        goto out;
    reg = regtool_validate(c.file, buf, len);
    free(buf);
    if (reg == NULL) {
        fprintf(stderr, "%s: %s: invalid\n", REGTOOL_PROG, c.file);
        goto out;
    }
    for (i = 0; i < pgr_registry_entity_count(reg); i++) {
        const pgr_entity *e = pgr_registry_entity(reg, i);

        if (e != NULL && e->kind >= PGR_PERSON && e->kind <= PGR_ORGANIZATION)
            n[e->kind]++;
    }
    regtool_format_time(pgr_registry_expires_at(reg), exp);
    printf("%s: valid: registry %s seq %lld: %zu people, %zu missions, "
           "%zu organizations; expires %s%s\n", c.file, pgr_registry_id(reg),
           pgr_registry_seq(reg), n[PGR_PERSON], n[PGR_MISSION],
           n[PGR_ORGANIZATION], exp,
           pgr_registry_stale(reg, time(NULL)) ? " (EXPIRED)" : "");
    pgr_registry_free(reg);
    r = REGTOOL_OK;
out:
    args_free(&a);
    return r;
}

/* ---------------------------------------------------------------- diff */

static int
cmd_diff(int argc, char **argv)
{
    args a;
    ctx c;
    json_t *old_root = NULL, *new_root = NULL;
    long n;
    int r;

    r = begin(argc, argv, NULL, 2, 2, &a, &c);
    if (r >= 0)
        return r;
    r = REGTOOL_ERROR;
    old_root = regtool_load(a.pos[0]);
    if (old_root == NULL)
        goto out;
    new_root = regtool_load(a.pos[1]);
    if (new_root == NULL)
        goto out;
    n = regtool_diff(stdout, old_root, new_root);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "%s: write error: %s\n", REGTOOL_PROG, strerror(errno));
        goto out;
    }
    if (n >= 0)
        r = n > 0 ? REGTOOL_DIFF : REGTOOL_OK;
out:
    json_decref(old_root);
    json_decref(new_root);
    args_free(&a);
    return r;
}

/* ------------------------------------------------------------- release */

typedef struct release_arg {
    long days;
    json_int_t seq;
    char issued[REGTOOL_TIME_LEN], expires[REGTOOL_TIME_LEN];
    char id[80];
    unsigned char hash[PGR_FEED_HASH_BYTES];   /* of the file released */
} release_arg;

static int
release_edit(const ctx *c, json_t *root, void *varg)
{
    release_arg *ra = varg;
    json_t *seq = json_object_get(root, "seq");
    const char *id = json_string_value(json_object_get(root, "registry_id"));

    (void)c;
    if (id == NULL || !plain_id(id)) {
        fprintf(stderr, "%s: registry_id: must be 1 to 64 of A-Z a-z 0-9 . _ -, "
                "a letter or digit first, to go into the signature's trusted "
                "comment\n", REGTOOL_PROG);
        return -1;
    }
    /* the trusted comment's seq has at most 18 digits (minisign.c) */
    if (!json_is_integer(seq) || json_integer_value(seq) < 0 ||
        json_integer_value(seq) >= 999999999999999999LL) {
        fprintf(stderr, "%s: seq: not an integer that can grow within the "
                "signed feed's 18 digits\n", REGTOOL_PROG);
        return -1;
    }
    ra->seq = json_integer_value(seq) + 1;
    snprintf(ra->id, sizeof(ra->id), "%s", id);
    if (json_object_set_new(root, "seq", json_integer(ra->seq)) != 0 ||
        set_times(root, time(NULL), ra->days) != 0)
        return -1;
    snprintf(ra->issued, sizeof(ra->issued), "%s",
             json_string_value(json_object_get(root, "issued_at")));
    snprintf(ra->expires, sizeof(ra->expires), "%s",
             json_string_value(json_object_get(root, "expires_at")));
    return 0;
}

/* Writes s as one shell word; a path that starts with '-' gets "./" so
 * that minisign does not take it for an option. */
static void
shell_word(FILE *fp, const char *s, int is_path)
{
    const char *p;

    if (is_path && s[0] == '-')
        fputs("./", fp);

    for (p = s; *p != '\0'; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || strchr("._/-+:,@%=", *p) != NULL))
            break;
    if (*s != '\0' && *p == '\0') {
        fputs(s, fp);
        return;
    }
    fputc('\'', fp);
    for (p = s; *p != '\0'; p++) {
        if (*p == '\'')
            fputs("'\\''", fp);
        else
            fputc(*p, fp);
    }
    fputc('\'', fp);
}

static int
cmd_release(int argc, char **argv)
{
    static const optdef defs[] = {
        {"valid-for", 1, 0}, {"seckey", 1, 0}, {NULL, 0, 0}
    };
    args a;
    ctx c;
    release_arg ra;
    const char *vf, *seckey;
    char done[300];
    char *end;
    int r;

    r = begin(argc, argv, defs, 0, 0, &a, &c);
    if (r >= 0)
        return r;
    memset(&ra, 0, sizeof(ra));
    ra.days = DEFAULT_VALID_FOR;
    vf = opt(&a, "valid-for");
    seckey = opt(&a, "seckey");
    if (vf != NULL) {
        errno = 0;
        ra.days = strtol(vf, &end, 10);
        if (errno != 0 || end == vf || *end != '\0' || ra.days < 1 ||
            ra.days > MAX_VALID_FOR) {
            r = usage_error("--valid-for %s: give 1 to 366 days", vf);
            args_free(&a);
            return r;
        }
    }
    snprintf(done, sizeof(done), "released");
    r = edit_file(&c, release_edit, &ra, done, ra.hash);
    if (r == REGTOOL_OK) {
        /* the hash names this file: signed again after an edit, the
         * comment no longer verifies (feed.h) */
        char comment[400], hex[2 * PGR_FEED_HASH_BYTES + 1];

        pgr_feed_hash_hex(ra.hash, hex);
        snprintf(comment, sizeof(comment),
                 "registry_id=%s seq=%lld issued_at=%s expires_at=%s blake2b=%s",
                 ra.id, (long long)ra.seq, ra.issued, ra.expires, hex);
        printf("%s\nsign it with:\n", comment);
        fputs("minisign -S ", stdout);
        if (seckey != NULL) {
            fputs("-s ", stdout);
            shell_word(stdout, seckey, 1);
            fputc(' ', stdout);
        }
        fputs("-m ", stdout);
        shell_word(stdout, c.file, 1);
        fputs(" -t ", stdout);
        shell_word(stdout, comment, 0);
        fputc('\n', stdout);
        if (fflush(stdout) != 0) {
            fprintf(stderr, "%s: write error\n", REGTOOL_PROG);
            r = REGTOOL_ERROR;
        }
    }
    args_free(&a);
    return r;
}

/* ------------------------------------------------------------ dispatch */

static const struct {
    const char *name;
    int (*fn)(int, char **);
} commands[] = {
    {"init", cmd_init},
    {"add", cmd_add},
    {"set", cmd_set},
    {"retire", cmd_retire},
    {"validate", cmd_validate},
    {"diff", cmd_diff},
    {"release", cmd_release},
};

/* How many arguments at argv[i] form one leading global option (-f FILE,
 * --file=FILE, --region CC), or 0 when argv[i] is not one. */
static int
leading_option(int argc, char **argv, int i)
{
    const char *a = argv[i];

    if (strncmp(a, "--file=", 7) == 0 || strncmp(a, "--region=", 9) == 0)
        return 1;
    if (strcmp(a, "-f") == 0 || strcmp(a, "--file") == 0 ||
        strcmp(a, "--region") == 0)
        return i + 1 < argc ? 2 : 0;
    return 0;
}

int
pgr_cmd_registry(int argc, char **argv)
{
    char **nargv;
    int i, n, sub, nargc, r;
    size_t c;

    /* Global options may come before the command ("registry -f F add"):
     * move them behind it, where every command's parser takes them. */
    for (sub = 1; sub < argc && (n = leading_option(argc, argv, sub)) > 0;)
        sub += n;
    if (sub >= argc) {
        fputs(usage_text, stderr);
        return REGTOOL_ERROR;
    }
    if (strcmp(argv[sub], "--help") == 0 || strcmp(argv[sub], "-h") == 0 ||
        strcmp(argv[sub], "help") == 0) {
        fputs(usage_text, stdout);
        return REGTOOL_OK;
    }
    for (c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
        if (strcmp(argv[sub], commands[c].name) == 0)
            break;
    if (c == sizeof(commands) / sizeof(commands[0]))
        return usage_error("%s: unknown command", argv[sub]);
    nargv = calloc((size_t)argc + 1, sizeof(*nargv));
    if (nargv == NULL) {
        fprintf(stderr, "%s: out of memory\n", REGTOOL_PROG);
        return REGTOOL_ERROR;
    }
    nargc = 0;
    for (i = sub; i < argc; i++)
        nargv[nargc++] = argv[i];
    /* The leading options go before any "--" the command line may hold:
     * right after the command name. */
    if (sub > 1) {
        memmove(nargv + 1 + (sub - 1), nargv + 1,
                (size_t)(nargc - 1) * sizeof(*nargv));
        for (i = 1; i < sub; i++)
            nargv[i] = argv[i];
        nargc += sub - 1;
    }
    r = commands[c].fn(nargc, nargv);
    free(nargv);
    return r;
}
