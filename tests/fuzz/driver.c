/*
 * driver.c - runs a fuzz target without libFuzzer: over the files and
 * directories named on the command line, or by default over the target's
 * seed corpus $top_srcdir/tests/fuzz/corpus/FUZZ_TARGET.  This is what
 * `make check` runs, with the normal compiler; a broken promise aborts.
 *
 * Each input is handed over in a heap block of exactly its size, and short
 * inputs are also run at every shorter length, so the seeds exercise the
 * truncated forms a fuzzer would try first.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET must name the target's corpus directory"
#endif
#ifndef PGR_FUZZ_SRCDIR
#define PGR_FUZZ_SRCDIR "."
#endif

#define INPUT_MAX     1048576L       /* larger files are an error */
#define PREFIXES_MAX  512            /* inputs up to this long: all prefixes */
#define PATH_LEN      4096

static unsigned long inputs_run;

/* Hands data[0..len) to the target in an exactly sized heap block. */
static void
run_one(const unsigned char *data, size_t len)
{
    unsigned char *copy = malloc(len > 0 ? len : 1);

    if (copy == NULL) {
        fprintf(stderr, "fuzz-%s: out of memory\n", FUZZ_TARGET);
        exit(1);
    }
    memcpy(copy, data, len);
    (void)LLVMFuzzerTestOneInput(copy, len);
    free(copy);
    inputs_run++;
}

static int
run_file(const char *path)
{
    unsigned char *buf;
    size_t len;
    FILE *f;
    long size;

    f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "fuzz-%s: %s: %s\n", FUZZ_TARGET, path,
                strerror(errno));
        return -1;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
        size > INPUT_MAX || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "fuzz-%s: %s: unreadable or larger than %ld bytes\n",
                FUZZ_TARGET, path, INPUT_MAX);
        fclose(f);
        return -1;
    }
    len = (size_t)size;
    buf = malloc(len > 0 ? len : 1);
    if (buf == NULL || fread(buf, 1, len, f) != len) {
        fprintf(stderr, "fuzz-%s: %s: cannot read\n", FUZZ_TARGET, path);
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    run_one(buf, len);
    if (len <= PREFIXES_MAX) {
        size_t cut;

        for (cut = 0; cut < len; cut++)
            run_one(buf, cut);
    }
    free(buf);
    return 0;
}

static int
run_path(const char *path)
{
    struct stat st;
    struct dirent *de;
    DIR *d;
    int rc = 0;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "fuzz-%s: %s: %s\n", FUZZ_TARGET, path,
                strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path);
    d = opendir(path);
    if (d == NULL) {
        fprintf(stderr, "fuzz-%s: %s: %s\n", FUZZ_TARGET, path,
                strerror(errno));
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        char sub[PATH_LEN];

        if (de->d_name[0] == '.')
            continue;
        if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name)
            >= sizeof(sub)) {
            rc = -1;
            continue;
        }
        if (stat(sub, &st) == 0 && S_ISREG(st.st_mode) && run_file(sub) != 0)
            rc = -1;
    }
    closedir(d);
    return rc;
}

int
main(int argc, char **argv)
{
    const char *srcdir = getenv("top_srcdir");
    int rc = 0;

    if (argc > 1) {
        int i;

        for (i = 1; i < argc; i++)
            if (run_path(argv[i]) != 0)
                rc = 1;
    } else {
        char corpus[PATH_LEN];

        snprintf(corpus, sizeof(corpus), "%s/tests/fuzz/corpus/%s",
                 srcdir != NULL ? srcdir : PGR_FUZZ_SRCDIR, FUZZ_TARGET);
        if (run_path(corpus) != 0)
            rc = 1;
    }
    if (inputs_run == 0) {
        fprintf(stderr, "fuzz-%s: no inputs found\n", FUZZ_TARGET);
        return 1;
    }
    printf("fuzz-%s: %lu inputs, all promises kept\n", FUZZ_TARGET,
           inputs_run);
    return rc;
}
