/*
 * tests/bench/benchutil.h - what the benches share: a clock read in
 * seconds, and the comparison qsort needs to take a median of doubles.
 */
#ifndef PG_TESTS_BENCHUTIL_H
#define PG_TESTS_BENCHUTIL_H

#include <time.h>

/* The clock id (CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, ...) in
 * seconds. */
static inline double
bench_seconds(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* qsort's comparison of two doubles, ascending. */
static inline int
bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

#endif
