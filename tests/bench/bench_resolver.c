/*
 * bench_resolver.c - load time, memory and lookup speed of libpgr on a
 * registry written by gen_registry.
 *
 *   bench_resolver REGISTRY N_PEOPLE [SECONDS_PER_ROW]
 *
 * Reports load and index time (best and median of up to 5 loads), resident
 * memory after the first load, phone and e-mail lookups per second on one
 * thread including normalization (hits and misses, several written
 * forms), and the number of heap allocations made by the lookups, counted
 * by interposing malloc, calloc and realloc for the whole process.
 * Exit status 1 when a lookup gives a wrong answer or a phone or e-mail
 * lookup allocates; speed is reported against the goals, never failed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pgr.h"
#include "gen_registry.h"
#include "../xorshift64.h"
#include "benchutil.h"

/* ------------------------------------------------- allocation counting */

static unsigned long long alloc_count;

#if defined(__SANITIZE_ADDRESS__)
#define COUNTING 0
#else
#define COUNTING 1
/* glibc's own entry points; defining malloc here takes the place of libc's
 * for every library of the process (jansson, ICU, libidn2 included). */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);

void *
malloc(size_t n)
{
    alloc_count++;
    return __libc_malloc(n);
}

void *
calloc(size_t n, size_t size)
{
    alloc_count++;
    return __libc_calloc(n, size);
}

void *
realloc(void *p, size_t n)
{
    alloc_count++;
    return __libc_realloc(p, n);
}
#endif

/* ---------------------------------------------------------------- timing */

/* Wall time, and this process's CPU time: on a shared machine the second
 * is the fairer figure (both are reported). */
static double
now(void)
{
    return bench_seconds(CLOCK_MONOTONIC);
}

static double
cpu(void)
{
    return bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

static long
status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    size_t n = strlen(field);

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, field, n) == 0 && line[n] == ':') {
            kb = strtol(line + n + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kb;
}


/* --------------------------------------------------------------- inputs */

#define NINPUTS 4096

typedef struct inputs {
    char text[NINPUTS][64];
    size_t len[NINPUTS];
} inputs;

/* A simple, reproducible generator (xorshift64*). */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t
rng(void)
{
    return xorshift64_next(&rng_state);
}

/* Registered numbers of random people, in four written forms. */
static void
phone_hits(inputs *in, size_t npeople)
{
    size_t j;

    for (j = 0; j < NINPUTS; j++) {
        size_t i = (size_t)(rng() % npeople), k;
        int which = (int)(rng() & 1);
        int npa;

        k = 2 * i + (size_t)which;
        npa = gen_npa(GEN_FIRST_NPA, k / 10000);
        switch (j % 4) {
        case 0:
            snprintf(in->text[j], 64, "+1 (%d) 555-%04zu", npa, k % 10000);
            break;
        case 1:
            snprintf(in->text[j], 64, "1%d555%04zu", npa, k % 10000);
            break;
        case 2:
            snprintf(in->text[j], 64, "tel:+1-%d-555-%04zu", npa, k % 10000);
            break;
        default:
            snprintf(in->text[j], 64, "9 %d.555.%04zu x12", npa, k % 10000);
            break;
        }
        in->len[j] = strlen(in->text[j]);
    }
}

/* Complete numbers in area codes the generator never writes. */
static void
phone_misses(inputs *in)
{
    size_t j;

    for (j = 0; j < NINPUTS; j++) {
        int npa = gen_npa(GEN_MISS_NPA, (size_t)(rng() % 50));
        unsigned line = (unsigned)(rng() % 10000);

        if (j % 2 == 0)
            snprintf(in->text[j], 64, "+1 (%d) 555-%04u", npa, line);
        else
            snprintf(in->text[j], 64, "%d555%04u", npa, line);
        in->len[j] = strlen(in->text[j]);
    }
}

static void
email_hits(inputs *in, size_t npeople)
{
    size_t j;

    for (j = 0; j < NINPUTS; j++) {
        size_t i = (size_t)(rng() % npeople);

        if (j % 2 == 0)
            snprintf(in->text[j], 64, "p%06zu@agency%zu.example.org", i, i % 50);
        else
            snprintf(in->text[j], 64, "<P%06zu+x@Agency%zu.Example.ORG>", i, i % 50);
        in->len[j] = strlen(in->text[j]);
    }
}

static void
email_misses(inputs *in)
{
    size_t j;

    for (j = 0; j < NINPUTS; j++) {
        snprintf(in->text[j], 64, "someone%06u@mail%u.example.net",
                 (unsigned)(rng() % 1000000), (unsigned)(rng() % 100));
        in->len[j] = strlen(in->text[j]);
    }
}

/* ---------------------------------------------------------------- lookups */

typedef enum { PHONE, EMAIL } kind;

typedef struct row {
    double per_sec, per_cpu_sec;
    size_t lookups, hits;
    unsigned long long allocs;
} row;

static row
run(const pgr_registry *reg, const pgr_config *cfg, const inputs *in, kind k,
    double seconds)
{
    row r;
    pgr_result res;
    double t0 = now(), c0 = cpu(), t;
    unsigned long long a0;
    size_t j;

    memset(&r, 0, sizeof(r));
    a0 = alloc_count;
    do {
        /* 64K lookups between clock reads */
        for (j = 0; j < 16 * NINPUTS; j++) {
            size_t x = j % NINPUTS;

            if (k == PHONE)
                r.hits += pgr_match_phone(reg, cfg, in->text[x], in->len[x], &res) > 0;
            else
                r.hits += pgr_match_email(reg, in->text[x], in->len[x], &res) > 0;
        }
        r.lookups += 16 * NINPUTS;
        t = now();
    } while (t - t0 < seconds);
    r.allocs = alloc_count - a0;
    r.per_sec = (double)r.lookups / (t - t0);
    r.per_cpu_sec = (double)r.lookups / (cpu() - c0);
    return r;
}

static int
report(const char *name, row r, int expect_hit)
{
    int ok = expect_hit ? r.hits == r.lookups : r.hits == 0;

    printf("%-22s %10.0f lookups/s wall, %10.0f per CPU s  (%zu lookups, %zu hits%s)"
           "  allocations: %s%llu\n",
           name, r.per_sec, r.per_cpu_sec, r.lookups, r.hits, ok ? "" : " WRONG",
           COUNTING ? "" : "not counted under ASan ", r.allocs);
    return ok && (!COUNTING || r.allocs == 0);
}

int
main(int argc, char **argv)
{
    static inputs in;
    pgr_config cfg;
    pgr_errors errs;
    pgr_registry *reg;
    double times[5], ctimes[5], t0, c0, seconds = 2.0, spent = 0;
    long rss_before, rss_after, hwm;
    size_t npeople, i, nloads;
    int ok = 1;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: bench_resolver REGISTRY N_PEOPLE [SECONDS_PER_ROW]\n");
        return 2;
    }
    npeople = (size_t)strtoul(argv[2], NULL, 10);
    if (argc == 4)
        seconds = strtod(argv[3], NULL);
    if (npeople == 0 || seconds <= 0) {
        fprintf(stderr, "bench_resolver: bad arguments\n");
        return 2;
    }
    pgr_config_init(&cfg);

    rss_before = status_kb("VmRSS");
    /* Up to 5 loads, fewer when they are slow (15 s in all). */
    for (i = 0, nloads = 0; i < 5; i++) {
        pgr_errors_init(&errs);
        t0 = now();
        c0 = cpu();
        reg = pgr_registry_load_file(argv[1], &cfg, &errs);
        times[i] = now() - t0;
        ctimes[i] = cpu() - c0;
        if (reg == NULL) {
            size_t e;

            for (e = 0; e < errs.count && e < 10; e++)
                fprintf(stderr, "bench_resolver: %s\n", errs.msgs[e] ? errs.msgs[e] : "?");
            return 1;
        }
        pgr_errors_free(&errs);
        if (i == 0) {
            rss_after = status_kb("VmRSS");
            hwm = status_kb("VmHWM");
            printf("registry: %s, %zu entities\n", argv[1], pgr_registry_entity_count(reg));
            printf("resident memory: %.1f MB after load (%.1f MB before, +%.1f MB), "
                   "peak %.1f MB during load  [goal <= 150 MB]\n",
                   rss_after / 1024.0, rss_before / 1024.0,
                   (rss_after - rss_before) / 1024.0, hwm / 1024.0);
        }
        nloads++;
        spent += times[i];
        if (i == 4 || spent > 15.0)
            break;
        pgr_registry_free(reg);
    }
    qsort(times, nloads, sizeof(times[0]), bench_cmp_double);
    qsort(ctimes, nloads, sizeof(ctimes[0]), bench_cmp_double);
    printf("load + index: wall best %.3f s, median %.3f s; CPU best %.3f s, median %.3f s"
           " (%zu load%s)  [goal <= 1 s]\n", times[0], times[nloads / 2], ctimes[0],
           ctimes[nloads / 2], nloads, nloads == 1 ? "" : "s");

    phone_hits(&in, npeople);
    ok &= report("phone, hit (4 forms)", run(reg, &cfg, &in, PHONE, seconds), 1);
    phone_misses(&in);
    ok &= report("phone, miss", run(reg, &cfg, &in, PHONE, seconds), 0);
    email_hits(&in, npeople);
    ok &= report("e-mail, hit (2 forms)", run(reg, &cfg, &in, EMAIL, seconds), 1);
    email_misses(&in);
    ok &= report("e-mail, miss", run(reg, &cfg, &in, EMAIL, seconds), 0);
    printf("goal: >= 1,000,000 lookups/s on one thread, 0 allocations\n");

    pgr_registry_free(reg);
    return ok ? 0 : 1;
}
