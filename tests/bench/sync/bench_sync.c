/*
 * bench_sync.c - how long `ploguard sync` spends on a downloaded feed once
 * it is in memory: both minisign signatures and the BLAKE2b-512 of the body
 * (pgr_feed_verify), then the full validation (pgr_registry_load_buffer)
 * and the trusted comment against the body (pgr_feed_check_body).
 *
 *   bench_sync REGISTRY SIGNATURE PUBKEY_FILE ROUNDS
 *
 * Prints the median and the minimum of ROUNDS runs of each step.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feed.h"
#include "pgr.h"

#define MAX_ROUNDS 50

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void
report(const char *what, double *t, int n)
{
    qsort(t, (size_t)n, sizeof(*t), cmp_double);
    printf("  %-34s median %8.1f ms   min %8.1f ms\n", what, t[n / 2], t[0]);
}

int
main(int argc, char **argv)
{
    unsigned char *body = NULL, *sig = NULL;
    size_t len = 0, siglen = 0;
    char err[PGR_FEED_ERR_MAX];
    double tv[MAX_ROUNDS], tl[MAX_ROUNDS], tt[MAX_ROUNDS];
    pgr_feed_keys keys;
    pgr_config cfg;
    int rounds = 0, i;
    char *end = NULL;

    if (argc == 5)
        rounds = (int)strtol(argv[4], &end, 10);
    if (argc != 5 || end == argv[4] || *end != '\0' || rounds < 1 || rounds > MAX_ROUNDS) {
        fprintf(stderr, "usage: bench_sync REGISTRY SIGNATURE PUBKEY_FILE ROUNDS(1-%d)\n", MAX_ROUNDS);
        return 2;
    }
    if (pgr_feed_init() != 0 ||
        pgr_feed_read_file(argv[1], (size_t)1 << 30, &body, &len, err, sizeof(err)) != PGR_FEED_OK ||
        pgr_feed_read_file(argv[2], PGR_FEED_SIGFILE_MAX, &sig, &siglen, err, sizeof(err)) != PGR_FEED_OK) {
        fprintf(stderr, "bench_sync: %s\n", err);
        return 1;
    }
    pgr_feed_keys_init(&keys);
    if (pgr_feed_keys_add_file(&keys, argv[3], err, sizeof(err)) != PGR_FEED_OK) {
        fprintf(stderr, "bench_sync: %s\n", err);
        return 1;
    }
    pgr_config_init(&cfg);
    for (i = 0; i < rounds; i++) {
        pgr_feed_info info;
        pgr_errors errs;
        pgr_registry *reg;
        double t0, t1, t2;

        t0 = now_ms();
        if (pgr_feed_verify(body, len, (const char *)sig, siglen, &keys, &info,
                            err, sizeof(err)) != PGR_FEED_OK) {
            fprintf(stderr, "bench_sync: %s\n", err);
            return 1;
        }
        t1 = now_ms();
        pgr_errors_init(&errs);
        reg = pgr_registry_load_buffer((const char *)body, len, &cfg, &errs);
        if (reg == NULL || pgr_feed_check_body(&info, reg, err, sizeof(err)) != PGR_FEED_OK) {
            fprintf(stderr, "bench_sync: %s\n", reg == NULL && errs.count > 0 ? errs.msgs[0] : err);
            return 1;
        }
        t2 = now_ms();
        if (i == 0)
            printf("bench-sync: %s: %zu bytes, %zu entities, seq %lld\n",
                   argv[1], len, pgr_registry_entity_count(reg), info.seq);
        pgr_registry_free(reg);
        pgr_errors_free(&errs);
        tv[i] = t1 - t0;
        tl[i] = t2 - t1;
        tt[i] = t2 - t0;
    }
    printf("verification + validation, %d rounds:\n", rounds);
    report("verify (2 signatures + BLAKE2b)", tv, rounds);
    report("validate (load_buffer + check)", tl, rounds);
    report("total (goal <= 1500 ms)", tt, rounds);
    free(body);
    free(sig);
    return 0;
}
