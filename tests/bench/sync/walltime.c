/*
 * walltime.c - runs a command and appends its wall-clock time, in
 * microseconds (CLOCK_MONOTONIC, from just before fork() to the return of
 * waitpid()), as one line to a file.  The command keeps the standard
 * streams it was given, so its output can be redirected and checked
 * without mixing with the measurement.
 *
 *   walltime TIMES_FILE COMMAND [ARGUMENT...]
 *
 * Exits with the command's status (128 + signal when it was killed), or
 * 125 when walltime itself fails, 127 when COMMAND cannot be run.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WT_FAIL   125
#define WT_NOEXEC 127

static long long
now_us(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* Runs argv, waits for it; returns its exit status as a shell reports it,
 * or -1 when it cannot be started or waited for. */
static int
run(char **argv)
{
    pid_t pid = fork();
    int status;

    if (pid < 0)
        return -1;
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "walltime: %s: %s\n", argv[0], strerror(errno));
        _exit(WT_NOEXEC);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

static int
append(const char *path, long long us)
{
    FILE *fp = fopen(path, "a");

    if (fp == NULL)
        return -1;
    fprintf(fp, "%lld\n", us);
    return fclose(fp) == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
    long long start, us;
    int rc;

    if (argc < 3 || argv[1][0] == '\0') {
        fprintf(stderr, "usage: walltime TIMES_FILE COMMAND [ARGUMENT...]\n");
        return WT_FAIL;
    }
    start = now_us();
    rc = run(argv + 2);
    us = now_us() - start;
    if (rc < 0) {
        fprintf(stderr, "walltime: cannot run %s: %s\n", argv[2], strerror(errno));
        return WT_FAIL;
    }
    if (append(argv[1], us) != 0) {
        fprintf(stderr, "walltime: %s: %s\n", argv[1], strerror(errno));
        return WT_FAIL;
    }
    return rc;
}
