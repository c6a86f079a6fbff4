/*
 * common.c - finding and loading the registry, reporting its errors, and
 * the small output chores shared by the subcommands.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "fileio.h"

/* --registry, else $PLOGUARD_REGISTRY, else the compiled-in path. */
const char *
pgr_cli_registry_path(const char *option)
{
    const char *env;

    if (option != NULL)
        return option;
    env = getenv("PLOGUARD_REGISTRY");
    if (env != NULL && *env != '\0')
        return env;
    return PGR_DEFAULT_REGISTRY;
}

/*
 * Writes n bytes of s with control characters (C0, DEL, and C1 in UTF-8)
 * shown as '?': a value from a caller-ID pipeline or a registry string
 * must not drive the terminal.
 */
void
pgr_cli_put_clean_n(FILE *fp, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) {
            fputc('?', fp);
        } else if (c == 0xc2 && i + 1 < n &&
                   (unsigned char)s[i + 1] >= 0x80 &&
                   (unsigned char)s[i + 1] <= 0x9f) {
            fputc('?', fp);
            i++;
        } else {
            fputc(c, fp);
        }
    }
}

void
pgr_cli_put_clean(FILE *fp, const char *s)
{
    if (s == NULL)
        s = "";
    pgr_cli_put_clean_n(fp, s, strlen(s));
}

/* One line per error, "FILE: path: reason".  A message lost to a failed
 * allocation is still counted and said to be lost. */
void
pgr_cli_print_errors(FILE *fp, const char *path, const pgr_errors *errs)
{
    size_t i, plen = strlen(path);

    for (i = 0; i < errs->count; i++) {
        const char *msg = NULL;
        if (errs->msgs != NULL && i < errs->cap)
            msg = errs->msgs[i];
        if (msg == NULL)
            msg = "(error message lost: out of memory)";
        /* A message that already starts with the file name keeps it once. */
        if (strncmp(msg, path, plen) != 0 || msg[plen] != ':') {
            pgr_cli_put_clean(fp, path);
            fputs(": ", fp);
        }
        pgr_cli_put_clean(fp, msg);
        fputc('\n', fp);
    }
}

/*
 * Registry phone numbers written in national form are read in the default
 * region (Canada), whatever --region says about the values looked up: the
 * registry means the same thing wherever it is queried from.
 */
pgr_registry *
pgr_cli_load_registry(const char *path, const char *prog)
{
    char err[PATH_MAX + 128];
    pgr_config cfg;
    pgr_errors errs;
    pgr_registry *reg;
    char *buf;
    size_t len;

    /* A file that cannot be read is one line, not a rejected registry. */
    if (pgr_file_read(path, PGR_REGISTRY_MAX_BYTES, &buf, &len, err,
                      sizeof(err)) != PGR_FILE_OK) {
        fprintf(stderr, "%s: ", prog);
        pgr_cli_put_clean(stderr, err);
        fputc('\n', stderr);
        return NULL;
    }
    pgr_config_init(&cfg);
    pgr_errors_init(&errs);
    reg = pgr_registry_load_buffer(buf, len, &cfg, &errs);
    free(buf);
    if (reg == NULL) {
        pgr_cli_print_errors(stderr, path, &errs);
        if (errs.count == 0)
            fprintf(stderr, "%s: %s: cannot load the registry\n", prog, path);
        else
            fprintf(stderr, "%s: %s: registry rejected (%zu error%s)\n", prog,
                    path, errs.count, errs.count == 1 ? "" : "s");
    }
    pgr_errors_free(&errs);
    return reg;
}

/* RFC 3339 UTC, "2026-11-22T03:53:02Z". */
void
pgr_cli_format_time(time_t t, char *buf, size_t bufsz)
{
    struct tm tm;

    if (bufsz == 0)
        return;
    if (gmtime_r(&t, &tm) == NULL ||
        strftime(buf, bufsz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, bufsz, "@%lld", (long long)t);
}

/* A full disk or a closed pipe must not pass for a clean answer. */
int
pgr_cli_finish_stdout(const char *prog)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "%s: cannot write the output: %s\n", prog,
                strerror(errno));
        return -1;
    }
    return 0;
}

/* getopt_long runs with opterr = 0; this says what went wrong. */
void
pgr_cli_bad_option(const char *prog, int argc, char **argv, int opt)
{
    const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

    /* Within a run of short options ("-613-555-0142") getopt has not
     * moved past the current word yet, so arg may be the one before it:
     * an unknown short option is named by optopt alone. */
    if (opt == ':')
        fprintf(stderr, "%s: option %s needs an argument\n", prog, arg);
    else if (optopt != 0 && strncmp(arg, "--", 2) == 0 &&
             strchr(arg, '=') != NULL)
        fprintf(stderr, "%s: option %.*s takes no argument\n", prog,
                (int)(strchr(arg, '=') - arg), arg);
    else if (optopt > ' ' && optopt < 127)
        fprintf(stderr, "%s: unknown option -%c (a value that begins with "
                "'-' goes after \"--\")\n", prog, optopt);
    else
        fprintf(stderr, "%s: unknown option %s\n", prog, arg);
}

/* ---------------------------------------------------- ids that differ in case */

/* Ids are ASCII (registry.c), and the command runs in the C locale. */
static int
entity_cmp_nocase(const void *x, const void *y)
{
    const pgr_entity *a = *(const pgr_entity *const *)x;
    const pgr_entity *b = *(const pgr_entity *const *)y;

    return strcasecmp(a->id, b->id);
}

/*
 * Warns, on fp, of each pair of ids equal but for ASCII case ("li-na",
 * "Li-Na").  The registry allows them, but uid is caseIgnore: an LDAP
 * client takes uid=ploguard-li-na and uid=ploguard-Li-Na for one DN.
 * Returns how many pairs; 0 also when memory is short (a warning only).
 */
size_t
pgr_cli_warn_case_twins(FILE *fp, const char *prog, const char *path,
                        const pgr_registry *reg)
{
    size_t n = pgr_registry_entity_count(reg), i, twins = 0;
    const pgr_entity **v;

    if (n < 2 || (v = calloc(n, sizeof(const pgr_entity *))) == NULL)
        return 0;
    for (i = 0; i < n; i++)
        v[i] = pgr_registry_entity(reg, i);
    qsort(v, n, sizeof(const pgr_entity *), entity_cmp_nocase);
    for (i = 1; i < n; i++) {
        if (strcasecmp(v[i - 1]->id, v[i]->id) != 0)
            continue;
        fprintf(fp, "%s: %s: warning: ids \"", prog, path);
        pgr_cli_put_clean(fp, v[i - 1]->id);
        fputs("\" and \"", fp);
        pgr_cli_put_clean(fp, v[i]->id);
        fputs("\" differ only in case; LDAP clients read their synthesized "
              "DNs (uid=ploguard-<id>) as one\n", fp);
        twins++;
    }
    free(v);
    return twins;
}

/*
 * Warns, on fp, of what a valid registry holds that will not work as its
 * keeper may think: ids equal but for case, and the names the loader could
 * not index (pgr_registry_warning).  Returns how many warnings.
 */
size_t
pgr_cli_warn_registry(FILE *fp, const char *prog, const char *path,
                      const pgr_registry *reg)
{
    size_t n = pgr_registry_warning_count(reg), i;
    size_t kept = n < PGR_WARNINGS_KEPT ? n : PGR_WARNINGS_KEPT;

    for (i = 0; i < kept; i++) {
        const char *m = pgr_registry_warning(reg, i);

        fprintf(fp, "%s: %s: warning: ", prog, path);
        pgr_cli_put_clean(fp, m != NULL ? m : "(message lost: out of memory)");
        fputc('\n', fp);
    }
    if (n > kept)
        fprintf(fp, "%s: %s: warning: %zu more like these\n", prog, path,
                n - kept);
    return n + pgr_cli_warn_case_twins(fp, prog, path, reg);
}
