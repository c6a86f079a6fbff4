/*
 * cli.h - helpers shared by the ploguard lookup and check subcommands:
 * classifying a value, finding and loading the registry, printing results.
 * Internal to the ploguard program.
 */
#ifndef PGR_CLI_H
#define PGR_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>

#include "pgr.h"

/* Exit statuses, as grep(1). */
#define PGR_EXIT_MATCH    0
#define PGR_EXIT_NOMATCH  1
#define PGR_EXIT_ERROR    2

/* Set by the build from --localstatedir. */
#ifndef PGR_DEFAULT_REGISTRY
#define PGR_DEFAULT_REGISTRY "/var/lib/ploguard/registry.json"
#endif
#define PGR_CLI_DEFAULT_REGISTRY PGR_DEFAULT_REGISTRY

/* Longest value accepted on the command line, in bytes. */
#define PGR_CLI_VALUE_MAX 1024

/* What a looked-up value is taken to be. */
typedef enum pgr_cli_kind {
    PGR_KIND_AUTO = 0,   /* not forced: classify */
    PGR_KIND_PHONE,
    PGR_KIND_EMAIL,      /* forced --email: an address, or a domain without '@' */
    PGR_KIND_DOMAIN,
    PGR_KIND_NAME
} pgr_cli_kind;

/* classify.c */
pgr_cli_kind pgr_cli_classify(const char *value, pgr_cli_kind forced);
const char *pgr_cli_kind_name(pgr_cli_kind kind);
/* Whether an address-looking value holds seven digits or more beside its
 * addresses or as an address's whole local part ("613-555-0142
 * (li@example.org)", "6135550142@pbx.example.org"), not in a local part
 * with letters ("ticket.6135550142@helpdesk.example") or a domain. */
int pgr_cli_number_beside_address(const char *s);
int pgr_cli_utf8_valid(const char *s, size_t len);

/* common.c */
const char *pgr_cli_registry_path(const char *option);
pgr_registry *pgr_cli_load_registry(const char *path, const char *prog);
void pgr_cli_put_clean_n(FILE *fp, const char *s, size_t n);
void pgr_cli_put_clean(FILE *fp, const char *s);
void pgr_cli_print_errors(FILE *fp, const char *path, const pgr_errors *errs);
void pgr_cli_format_time(time_t t, char *buf, size_t bufsz);
int pgr_cli_finish_stdout(const char *prog);
void pgr_cli_bad_option(const char *prog, int argc, char **argv, int opt);
size_t pgr_cli_warn_case_twins(FILE *fp, const char *prog, const char *path,
                               const pgr_registry *reg);
size_t pgr_cli_warn_registry(FILE *fp, const char *prog, const char *path,
                             const pgr_registry *reg);

/* One looked-up value and its answer, as printed. */
typedef struct pgr_cli_answer {
    const char  *query;
    pgr_cli_kind kind;
    pgr_result   res;
    pgr_verdict  verdict;
} pgr_cli_answer;

/* render.c */
void pgr_cli_print_answer(FILE *fp, const pgr_registry *reg,
                          const pgr_cli_answer *ans, time_t now);
/* Returns a new JSON array, or NULL on allocation failure. */
json_t *pgr_cli_answers_json(const pgr_registry *reg, const pgr_cli_answer *ans,
                           size_t n, time_t now);

/* usage texts (main.c, cmd_lookup.c, cmd_check.c) */
void pgr_cli_usage_main(FILE *fp);
void pgr_cli_usage_lookup(FILE *fp);
void pgr_cli_usage_check(FILE *fp);

#endif
