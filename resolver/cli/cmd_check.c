/*
 * cmd_check.c - ploguard check FILE: validates a registry file.
 *
 * Exit 0 with a one-line summary when the registry loads; 2 with every
 * error, one per line ("FILE: path: reason"), when it does not.
 */
#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "commands.h"

#define PROG "ploguard check"

static const struct option check_options[] = {
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
};

void
pgr_cli_usage_check(FILE *fp)
{
    fputs("usage: ploguard check FILE\n"
          "\n"
          "Validates the registry FILE (format " PGR_FORMAT ").  Prints a\n"
          "one-line summary and exits 0 when it is valid; lists every error,\n"
          "one per line (FILE: path: reason), and exits 2 when it is not.\n",
          fp);
}

static const char *
plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

static void
print_summary(const char *path, const pgr_registry *reg, time_t now)
{
    size_t i, n = pgr_registry_entity_count(reg);
    size_t orgs = 0, missions = 0, people = 0;
    char exp[40];

    for (i = 0; i < n; i++) {
        const pgr_entity *e = pgr_registry_entity(reg, i);
        if (e == NULL)
            continue;
        if (e->kind == PGR_PERSON)
            people++;
        else if (e->kind == PGR_MISSION)
            missions++;
        else if (e->kind == PGR_ORGANIZATION)
            orgs++;
    }
    pgr_cli_format_time(pgr_registry_expires_at(reg), exp, sizeof(exp));
    printf("%s: valid: registry %s seq %lld: %zu %s, %zu %s, %zu %s; "
           "expires %s%s\n", path, pgr_registry_id(reg) != NULL ? pgr_registry_id(reg) : "",
           pgr_registry_seq(reg),
           orgs, plural(orgs, "organization", "organizations"),
           missions, plural(missions, "mission", "missions"),
           people, plural(people, "person", "people"), exp,
           pgr_registry_stale(reg, now) ? " (STALE: already expired)" : "");
}

int
pgr_cmd_check(int argc, char **argv)
{
    pgr_registry *reg;
    int opt;

    optind = 0;   /* glibc: restart scanning, main() already used getopt */
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":h", check_options, NULL)) != -1) {
        if (opt == 'h') {
            pgr_cli_usage_check(stdout);
            return pgr_cli_finish_stdout(PROG) == 0 ? 0 : PGR_EXIT_ERROR;
        }
        pgr_cli_bad_option(PROG, argc, argv, opt);
        pgr_cli_usage_check(stderr);
        return PGR_EXIT_ERROR;
    }
    if (argc - optind != 1) {
        fprintf(stderr, PROG ": %s\n", argc - optind < 1 ? "no FILE to check"
                                                          : "one FILE at a time");
        pgr_cli_usage_check(stderr);
        return PGR_EXIT_ERROR;
    }
    reg = pgr_cli_load_registry(argv[optind], PROG);
    if (reg == NULL)
        return PGR_EXIT_ERROR;
    print_summary(argv[optind], reg, time(NULL));
    (void)pgr_cli_warn_registry(stderr, PROG, argv[optind], reg);
    pgr_registry_free(reg);
    return pgr_cli_finish_stdout(PROG) == 0 ? 0 : PGR_EXIT_ERROR;
}
