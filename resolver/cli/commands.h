/*
 * commands.h - the ploguard subcommands.  Each takes the arguments after the
 * subcommand name (argv[0] is the subcommand) and returns the exit status.
 */
#ifndef PGR_COMMANDS_H
#define PGR_COMMANDS_H

int pgr_cmd_lookup(int argc, char **argv);
int pgr_cmd_check(int argc, char **argv);
int pgr_cmd_sync(int argc, char **argv);
int pgr_cmd_registry(int argc, char **argv);

#endif
