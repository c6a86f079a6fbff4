/*
 * bench_precheck.c - the cost of the registry pre-checks
 * (pgr_phone_may_match, pgr_email_may_match) against the code they
 * replaced (tests/unit/precheck_ref.h), on a fixed mix of values.
 *
 *   bench_precheck REGISTRY N_PEOPLE SECONDS    ns per call, CPU time
 *   bench_precheck REGISTRY N_PEOPLE 0 ROUNDS   fixed work, for callgrind
 *
 * REGISTRY is written by gen_registry for N_PEOPLE people.  The mix is what
 * a directory holds (tests/bench/overlay/gen-directory.sh) plus registered
 * numbers and addresses and other written forms, 4,096 values of each kind
 * so that the branch predictor cannot learn the sequence.  Every row calls
 * through the same function pointer, so a row's cost less the "null" row's
 * is the function's own.  Under callgrind (--instr-atstart=no) each row is
 * dumped on its own (tests/bench/precheck-callgrind.sh reads the dumps).
 * Exit status 1 when old and new answer differently on some value.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_VALGRIND_CALLGRIND_H
#include <valgrind/callgrind.h>
#endif

#include "pgr.h"
#include "gen_registry.h"
#include "../unit/precheck_ref.h"
#include "../xorshift64.h"
#include "benchutil.h"

#define NVALUES 4096
#define VALUE_MAX 80
#define REPS 5

typedef struct mix {
    char text[NVALUES][VALUE_MAX];
    size_t len[NVALUES];
} mix;

typedef int (*check_fn)(const pgr_registry *reg, const char *value, size_t len);

typedef struct row {
    const char *name;
    check_fn fn;
    const mix *values;
} row;

/* xorshift64*: the same mix on every run */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t
rng(void)
{
    return xorshift64_next(&rng_state);
}

/* What is left when the function does nothing. */
static int
null_check(const pgr_registry *reg, const char *value, size_t len)
{
    (void)reg;
    (void)value;
    return len == 0;
}

/* Phone values: mostly unregistered numbers as a directory writes them. */
static void
phone_mix(mix *m, size_t npeople)
{
    size_t j;

    for (j = 0; j < NVALUES; j++) {
        unsigned line = (unsigned)(rng() % 10000);
        unsigned pick = (unsigned)(rng() % 20);
        char *t = m->text[j];

        switch (pick) {
        case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
            snprintf(t, VALUE_MAX, "+1 %d 555 %04u", rng() & 1 ? 602 : 603, line);
            break;
        case 8:
            snprintf(t, VALUE_MAX, "(602) 555-%04u", line);
            break;
        case 9:
            snprintf(t, VALUE_MAX, "602-555-%04u", line);
            break;
        case 10:
            snprintf(t, VALUE_MAX, "1602555%04u", line);
            break;
        case 11: case 12: {
            /* registered, as the registry writes it */
            size_t i = (size_t)(rng() % npeople);

            gen_phone(i, (int)(rng() & 1), t, VALUE_MAX);
            break;
        }
        case 13:
            snprintf(t, VALUE_MAX, "+44 20 7946 %04u", line);
            break;
        case 14:
            snprintf(t, VALUE_MAX, "+33 1 23 45 %02u %02u", line / 100, line % 100);
            break;
        case 15:
            snprintf(t, VALUE_MAX, "+1 602 555 %04u x%u", line, line % 900 + 100);
            break;
        case 16:
            snprintf(t, VALUE_MAX, "tel:+1-602-555-%04u", line);
            break;
        case 17:
            snprintf(t, VALUE_MAX, "%04u", line);
            break;
        case 18:
            snprintf(t, VALUE_MAX, "+1 (%d) 555-%04u", 300, line % 10);
            break;
        default:
            snprintf(t, VALUE_MAX, "613.555.%04u", line);
            break;
        }
        m->len[j] = strlen(t);
    }
}

static const char *const families[] = {
    "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "smith",
    "tremblay", "roy", "gagnon", "macdonald", "oconnor",
};

static const char *const givens[] = {
    "lihua", "wei", "jing", "xiaoming", "anne", "jean-marc", "pat", "yu",
};

#define NFAM (sizeof(families) / sizeof(families[0]))
#define NGIV (sizeof(givens) / sizeof(givens[0]))

/* Mail values: mostly unregistered addresses as a directory writes them. */
static void
email_mix(mix *m, size_t npeople)
{
    size_t j;

    for (j = 0; j < NVALUES; j++) {
        const char *fam = families[rng() % NFAM], *giv = givens[rng() % NGIV];
        unsigned pick = (unsigned)(rng() % 20);
        size_t i = (size_t)(rng() % npeople);
        char *t = m->text[j];

        switch (pick) {
        case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
        case 8: case 9:
            snprintf(t, VALUE_MAX, "%s.%s@agency.example.org", fam, giv);
            break;
        case 10: case 11:
            snprintf(t, VALUE_MAX, "p%06zu@agency%zu.example.org", i, i % 50);
            break;
        case 12:
            snprintf(t, VALUE_MAX, "%c%s.%c%s@Agency.Example.ORG", fam[0] - 'a' + 'A',
                     fam + 1, giv[0] - 'a' + 'A', giv + 1);
            break;
        case 13:
            snprintf(t, VALUE_MAX, "someone%06zu@mail%zu.example.net", i, i % 100);
            break;
        case 14:
            snprintf(t, VALUE_MAX, "%s+lists@example.org", fam);
            break;
        case 15:
            snprintf(t, VALUE_MAX, "%s_%s-2@ops.m%zu.example.test", giv, fam, i % 100);
            break;
        case 16:
            snprintf(t, VALUE_MAX, "%s %s <%s@example.org>", giv, fam, fam);
            break;
        case 17:
            snprintf(t, VALUE_MAX, "desk@m%zu.example.test", i % 100);
            break;
        case 18:
            snprintf(t, VALUE_MAX, "%s", fam);
            break;
        default:
            snprintf(t, VALUE_MAX, "%s%zu@gmail.com", giv, i % 1000);
            break;
        }
        m->len[j] = strlen(t);
    }
}

/* One pass over the mix through r's function: the answers, summed. */
static size_t
one_pass(const pgr_registry *reg, const row *r)
{
    size_t j, yes = 0;

    for (j = 0; j < NVALUES; j++)
        yes += (size_t)r->fn(reg, r->values->text[j], r->values->len[j]);
    return yes;
}

/* Median ns per call over REPS timed runs of about seconds / REPS each. */
static double
time_row(const pgr_registry *reg, const row *r, double seconds, size_t *yes)
{
    double ns[REPS];
    int rep;

    for (rep = 0; rep < REPS; rep++) {
        double t0 = bench_seconds(CLOCK_PROCESS_CPUTIME_ID), t;
        size_t calls = 0;

        do {
            *yes = one_pass(reg, r);
            calls += NVALUES;
            t = bench_seconds(CLOCK_PROCESS_CPUTIME_ID) - t0;
        } while (t < seconds / REPS);
        ns[rep] = t * 1e9 / (double)calls;
    }
    qsort(ns, REPS, sizeof(ns[0]), bench_cmp_double);
    return ns[REPS / 2];
}

static void
callgrind_row(const pgr_registry *reg, const row *r, long rounds)
{
    long k;
    size_t yes = 0;

    one_pass(reg, r);   /* warm-up, not counted */
#ifdef HAVE_VALGRIND_CALLGRIND_H
    CALLGRIND_ZERO_STATS;
    CALLGRIND_START_INSTRUMENTATION;
#endif
    for (k = 0; k < rounds; k++)
        yes += one_pass(reg, r);
#ifdef HAVE_VALGRIND_CALLGRIND_H
    CALLGRIND_STOP_INSTRUMENTATION;
    CALLGRIND_DUMP_STATS_AT(r->name);
#endif
    printf("%-12s %ld calls, %zu passed\n", r->name, rounds * (long)NVALUES,
           yes / (size_t)rounds);
}

/* Whether old and new agree on every value of the mix. */
static int
same_answers(const pgr_registry *reg, const mix *m, check_fn old_fn, check_fn new_fn)
{
    size_t j;
    int ok = 1;

    for (j = 0; j < NVALUES; j++) {
        if (old_fn(reg, m->text[j], m->len[j]) != new_fn(reg, m->text[j], m->len[j])) {
            fprintf(stderr, "bench_precheck: old and new differ on \"%s\"\n", m->text[j]);
            ok = 0;
        }
    }
    return ok;
}

int
main(int argc, char **argv)
{
    static mix phones, emails;
    const row rows[] = {
        { "null", null_check, &phones },
        { "phone-old", ref_phone_may_match, &phones },
        { "phone-new", pgr_phone_may_match, &phones },
        { "email-old", ref_email_may_match, &emails },
        { "email-new", pgr_email_may_match, &emails },
    };
    const size_t nrows = sizeof(rows) / sizeof(rows[0]);
    double seconds, base = 0;
    pgr_config cfg;
    pgr_errors errs;
    pgr_registry *reg;
    long rounds = 0;
    size_t npeople, i;
    int ok;

    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: bench_precheck REGISTRY N_PEOPLE SECONDS [ROUNDS]\n");
        return 2;
    }
    npeople = (size_t)strtoul(argv[2], NULL, 10);
    seconds = strtod(argv[3], NULL);
    if (argc == 5)
        rounds = strtol(argv[4], NULL, 10);
    if (npeople == 0 || seconds < 0 || rounds < 0 || (seconds == 0 && rounds == 0)) {
        fprintf(stderr, "bench_precheck: bad arguments\n");
        return 2;
    }
    pgr_config_init(&cfg);
    pgr_errors_init(&errs);
    reg = pgr_registry_load_file(argv[1], &cfg, &errs);
    pgr_errors_free(&errs);
    if (reg == NULL) {
        fprintf(stderr, "bench_precheck: cannot load %s\n", argv[1]);
        return 1;
    }
    phone_mix(&phones, npeople);
    email_mix(&emails, npeople);
    ok = same_answers(reg, &phones, ref_phone_may_match, pgr_phone_may_match) &
         same_answers(reg, &emails, ref_email_may_match, pgr_email_may_match);

    if (rounds > 0) {
        for (i = 0; i < nrows; i++)
            callgrind_row(reg, &rows[i], rounds);
    } else {
        printf("%-12s %9s %9s %8s\n", "row", "ns/call", "less null", "passed");
        for (i = 0; i < nrows; i++) {
            size_t yes = 0;
            double ns = time_row(reg, &rows[i], seconds, &yes);

            if (i == 0)
                base = ns;
            printf("%-12s %9.2f %9.2f %7.1f%%\n", rows[i].name, ns, ns - base,
                   100.0 * (double)yes / NVALUES);
        }
    }
    pgr_registry_free(reg);
    return ok ? 0 : 1;
}
