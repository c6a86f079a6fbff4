/*
 * main.c - ploguard: dispatches to the subcommands.
 *
 *   ploguard [--help | --version] COMMAND [ARG...]
 *   ploguard help [COMMAND]
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

typedef int (*command_fn)(int, char **);

struct command {
    const char *name;
    command_fn  run;
    void      (*usage)(FILE *);   /* NULL: "COMMAND --help" prints it */
    const char *synopsis;
};

static const struct command commands[] = {
    { "lookup", pgr_cmd_lookup, pgr_cli_usage_lookup,
      "look values up in the registry: decline and refer?" },
    { "check", pgr_cmd_check, pgr_cli_usage_check,
      "validate a registry file" },
    { "sync", pgr_cmd_sync, NULL,
      "fetch and verify the signed registry feed" },
    { "registry", pgr_cmd_registry, NULL,
      "edit, validate and release a registry (ILDC)" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

void
pgr_cli_usage_main(FILE *fp)
{
    size_t i;

    fputs("usage: ploguard [--help | --version] COMMAND [ARG...]\n"
          "       ploguard help [COMMAND]\n"
          "\n"
          "Commands:\n", fp);
    for (i = 0; i < NCOMMANDS; i++)
        fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].synopsis);
    fputs("\nThe registry defaults to $PLOGUARD_REGISTRY, else\n"
          PGR_CLI_DEFAULT_REGISTRY ".  See ploguard(1).\n", fp);
}

static const struct command *
find_command(const char *name)
{
    size_t i;

    for (i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int
finish(int status)
{
    if (pgr_cli_finish_stdout("ploguard") != 0)
        return PGR_EXIT_ERROR;
    return status;
}

/* ploguard help [COMMAND] */
static int
help(int argc, char **argv)
{
    const struct command *cmd;

    if (argc < 2) {
        pgr_cli_usage_main(stdout);
        return finish(0);
    }
    if (argc > 2) {
        fputs("ploguard help: one COMMAND at a time\n", stderr);
        return PGR_EXIT_ERROR;
    }
    cmd = find_command(argv[1]);
    if (cmd == NULL) {
        fprintf(stderr, "ploguard help: unknown command \"%s\"\n", argv[1]);
        pgr_cli_usage_main(stderr);
        return PGR_EXIT_ERROR;
    }
    if (cmd->usage == NULL) {
        /* sync and registry parse their own options and know them best. */
        char name[16], opt[] = "--help";
        char *args[3];

        snprintf(name, sizeof(name), "%s", cmd->name);
        args[0] = name;
        args[1] = opt;
        args[2] = NULL;
        return cmd->run(2, args);
    }
    cmd->usage(stdout);
    return finish(0);
}

static const struct option main_options[] = {
    { "help",    no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
};

int
main(int argc, char **argv)
{
    const struct command *cmd;
    int opt;

    opterr = 0;
    /* '+': stop at the command; its options are its own. */
    while ((opt = getopt_long(argc, argv, "+:hV", main_options, NULL)) != -1) {
        switch (opt) {
        case 'h':
            pgr_cli_usage_main(stdout);
            return finish(0);
        case 'V':
            printf("ploguard %s\n", PACKAGE_VERSION);
            return finish(0);
        default:
            pgr_cli_bad_option("ploguard", argc, argv, opt);
            pgr_cli_usage_main(stderr);
            return PGR_EXIT_ERROR;
        }
    }
    if (optind >= argc) {
        fputs("ploguard: no COMMAND given\n", stderr);
        pgr_cli_usage_main(stderr);
        return PGR_EXIT_ERROR;
    }
    argc -= optind;
    argv += optind;
    if (strcmp(argv[0], "help") == 0)
        return help(argc, argv);
    cmd = find_command(argv[0]);
    if (cmd == NULL) {
        fprintf(stderr, "ploguard: unknown command \"%s\"\n", argv[0]);
        pgr_cli_usage_main(stderr);
        return PGR_EXIT_ERROR;
    }
    return cmd->run(argc, argv);
}
