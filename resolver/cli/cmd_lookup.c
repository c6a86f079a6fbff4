/*
 * cmd_lookup.c - ploguard lookup: looks values up in the registry and says
 * whether to decline and refer.
 *
 * Exit status as grep: 0 when any value is a match, 1 when none is, 2 on
 * any error (usage, unreadable or invalid registry, output failure).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "commands.h"

#define PROG "ploguard lookup"

enum {
    OPT_REGISTRY = 256,
    OPT_REGION,
    OPT_OUTSIDE_LINE,
    OPT_JSON,
    OPT_PHONE,
    OPT_EMAIL,
    OPT_NAME
};

static const struct option lookup_options[] = {
    { "registry",     required_argument, NULL, OPT_REGISTRY },
    { "region",       required_argument, NULL, OPT_REGION },
    { "outside-line", required_argument, NULL, OPT_OUTSIDE_LINE },
    { "json",         no_argument,       NULL, OPT_JSON },
    { "phone",        no_argument,       NULL, OPT_PHONE },
    { "email",        no_argument,       NULL, OPT_EMAIL },
    { "name",         no_argument,       NULL, OPT_NAME },
    { "help",         no_argument,       NULL, 'h' },
    { NULL, 0, NULL, 0 }
};

struct lookup_args {
    const char  *registry;   /* NULL: $PLOGUARD_REGISTRY or the default */
    pgr_config   cfg;
    pgr_cli_kind forced;
    int          json;
    int          help;
};

void
pgr_cli_usage_lookup(FILE *fp)
{
    fputs("usage: ploguard lookup [--registry FILE] [--region CC] "
          "[--outside-line DIGITS]\n"
          "                       [--json] [--phone|--email|--name] VALUE...\n"
          "\n"
          "Looks each VALUE (a phone number, e-mail address, domain or name) up\n"
          "in the registry and says whether to DECLINE AND REFER.\n"
          "\n"
          "  --registry FILE        registry to use (default: $PLOGUARD_REGISTRY,\n"
          "                         else " PGR_CLI_DEFAULT_REGISTRY ")\n"
          "  --region CC            region for national phone numbers (default CA)\n"
          "  --outside-line DIGITS  outside-line prefix, 0-4 digits (default 9;\n"
          "                         \"\" for none)\n"
          "  --json                 print one JSON array, one object per VALUE\n"
          "  --phone, --email, --name\n"
          "                         read every VALUE as that kind (--email takes\n"
          "                         a value without '@' as a domain)\n"
          "\n"
          "Exit status: 0 when any VALUE matches, 1 when none does, 2 on error.\n",
          fp);
}

static int
usage_error(void)
{
    pgr_cli_usage_lookup(stderr);
    return PGR_EXIT_ERROR;
}

static int
set_forced(struct lookup_args *a, pgr_cli_kind kind)
{
    if (a->forced != PGR_KIND_AUTO && a->forced != kind) {
        fprintf(stderr, PROG ": --phone, --email and --name exclude each other\n");
        return -1;
    }
    a->forced = kind;
    return 0;
}

static int
take_option(struct lookup_args *a, int opt)
{
    switch (opt) {
    case OPT_REGISTRY:
        if (*optarg == '\0') {
            fprintf(stderr, PROG ": --registry needs a file name\n");
            return -1;
        }
        a->registry = optarg;
        return 0;
    case OPT_REGION:
        if (pgr_config_set_region(&a->cfg, optarg) != 0) {
            fprintf(stderr, PROG ": --region \"%s\": not a region the phone "
                    "parser knows (an ISO 3166 alpha-2 code such as CA, US, GB)\n",
                    optarg);
            return -1;
        }
        return 0;
    case OPT_OUTSIDE_LINE:
        if (pgr_config_set_outside_line(&a->cfg, optarg) != 0) {
            fprintf(stderr, PROG ": --outside-line \"%s\": expected 0 to %d "
                    "digits\n", optarg, PGR_OUTSIDE_LINE_MAX);
            return -1;
        }
        return 0;
    case OPT_JSON:
        a->json = 1;
        return 0;
    case OPT_PHONE:
        return set_forced(a, PGR_KIND_PHONE);
    case OPT_EMAIL:
        return set_forced(a, PGR_KIND_EMAIL);
    case OPT_NAME:
        return set_forced(a, PGR_KIND_NAME);
    case 'h':
        a->help = 1;
        return 0;
    default:
        return -1;
    }
}

/* Returns the index of the first VALUE; or, after saying why, -1 for a
 * misused option (worth the usage text) or -2 for a bad argument. */
static int
parse_args(int argc, char **argv, struct lookup_args *a)
{
    int opt;

    memset(a, 0, sizeof(*a));
    pgr_config_init(&a->cfg);
    a->forced = PGR_KIND_AUTO;
    optind = 0;   /* glibc: restart scanning, main() already used getopt */
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":h", lookup_options, NULL)) != -1) {
        if (opt == '?' || opt == ':') {
            pgr_cli_bad_option(PROG, argc, argv, opt);
            return -1;
        }
        if (take_option(a, opt) != 0)
            return -2;
    }
    return optind;
}

/* Every value is checked before the registry is even opened. */
static int
check_values(int n, char **values)
{
    int i, bad = 0;

    for (i = 0; i < n; i++) {
        size_t len = strlen(values[i]);
        if (len > PGR_CLI_VALUE_MAX) {
            fprintf(stderr, PROG ": value %d is too long (%zu bytes, at most %d)\n",
                    i + 1, len, PGR_CLI_VALUE_MAX);
            bad = 1;
        } else if (!pgr_cli_utf8_valid(values[i], len)) {
            fprintf(stderr, PROG ": value %d is not valid UTF-8\n", i + 1);
            bad = 1;
        }
    }
    return bad ? -1 : 0;
}

static void
look_up(const pgr_registry *reg, const pgr_config *cfg, pgr_cli_answer *ans)
{
    size_t len = strlen(ans->query);

    memset(&ans->res, 0, sizeof(ans->res));
    switch (ans->kind) {
    case PGR_KIND_PHONE:
        pgr_match_phone(reg, cfg, ans->query, len, &ans->res);
        break;
    case PGR_KIND_EMAIL:
        pgr_match_email(reg, ans->query, len, &ans->res);
        break;
    case PGR_KIND_DOMAIN:
        pgr_match_domain(reg, ans->query, len, &ans->res);
        break;
    case PGR_KIND_NAME:
    case PGR_KIND_AUTO:
        pgr_match_name(reg, ans->query, len, &ans->res);
        break;
    }
    if (ans->res.count > PGR_MAX_HITS)
        ans->res.count = PGR_MAX_HITS;
    ans->verdict = pgr_result_verdict(&ans->res);
    /* Belt and braces: a name alone never flags anyone, whatever a matcher
     * says. */
    if (ans->kind == PGR_KIND_NAME && ans->verdict == PGR_VERDICT_MATCH)
        ans->verdict = PGR_VERDICT_POSSIBLE;
}

/*
 * A value taken for an address that also holds a number
 * ("613-555-0142 (liaison@plo.example.org)", whose address is a comment,
 * or "6135550142@pbx.example.org") is also read as a phone when the
 * address matched nothing: a registered number must not slip through
 * because an '@' stood beside it.  A phone hit is an identifier match.
 * Digits inside a local part with letters are no number beside it
 * ("ticket.6135550142@helpdesk.example" is a help desk's address).
 */
static void
also_as_phone(const pgr_registry *reg, const pgr_config *cfg,
              pgr_cli_answer *ans)
{
    pgr_cli_answer phone;

    if (ans->kind != PGR_KIND_EMAIL || ans->verdict == PGR_VERDICT_MATCH ||
        !pgr_cli_number_beside_address(ans->query))
        return;
    phone = *ans;
    phone.kind = PGR_KIND_PHONE;
    look_up(reg, cfg, &phone);
    if (phone.verdict == PGR_VERDICT_MATCH)
        *ans = phone;
}

static int
print_json(const pgr_registry *reg, const pgr_cli_answer *ans, size_t n,
           time_t now)
{
    json_t *arr = pgr_cli_answers_json(reg, ans, n, now);
    int rc;

    if (arr == NULL) {
        fprintf(stderr, PROG ": cannot build the JSON output (out of memory)\n");
        return -1;
    }
    rc = json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(arr);
    if (rc != 0 || fputc('\n', stdout) == EOF) {
        fprintf(stderr, PROG ": cannot write the JSON output\n");
        return -1;
    }
    return 0;
}

static void
print_text(const pgr_registry *reg, const pgr_cli_answer *ans, size_t n,
           time_t now)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (i > 0)
            fputc('\n', stdout);
        pgr_cli_print_answer(stdout, reg, &ans[i], now);
    }
}

static int
run(const struct lookup_args *a, int n, char **values)
{
    const char *path = pgr_cli_registry_path(a->registry);
    pgr_registry *reg;
    pgr_cli_answer *ans;
    time_t now = time(NULL);
    int i, status = PGR_EXIT_NOMATCH;

    ans = calloc((size_t)n, sizeof(*ans));
    if (ans == NULL) {
        fprintf(stderr, PROG ": out of memory\n");
        return PGR_EXIT_ERROR;
    }
    reg = pgr_cli_load_registry(path, PROG);
    if (reg == NULL) {
        free(ans);
        return PGR_EXIT_ERROR;
    }
    for (i = 0; i < n; i++) {
        ans[i].query = values[i];
        ans[i].kind = pgr_cli_classify(values[i], a->forced);
        look_up(reg, &a->cfg, &ans[i]);
        if (a->forced == PGR_KIND_AUTO)
            also_as_phone(reg, &a->cfg, &ans[i]);
        if (ans[i].verdict == PGR_VERDICT_MATCH)
            status = PGR_EXIT_MATCH;
    }
    if (a->json) {
        if (print_json(reg, ans, (size_t)n, now) != 0)
            status = PGR_EXIT_ERROR;
    } else {
        print_text(reg, ans, (size_t)n, now);
    }
    if (pgr_cli_finish_stdout(PROG) != 0)
        status = PGR_EXIT_ERROR;
    pgr_registry_free(reg);
    free(ans);
    return status;
}

int
pgr_cmd_lookup(int argc, char **argv)
{
    struct lookup_args a;
    int first = parse_args(argc, argv, &a);

    if (first == -1)
        return usage_error();
    if (first < 0)
        return PGR_EXIT_ERROR;
    if (a.help) {
        pgr_cli_usage_lookup(stdout);
        return pgr_cli_finish_stdout(PROG) == 0 ? 0 : PGR_EXIT_ERROR;
    }
    if (first >= argc) {
        fprintf(stderr, PROG ": no VALUE to look up\n");
        return usage_error();
    }
    if (check_values(argc - first, argv + first) != 0)
        return PGR_EXIT_ERROR;
    return run(&a, argc - first, argv + first);
}
