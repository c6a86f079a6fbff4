/*
 * randargs.h - the decimal arguments (seed, count) of the random tests'
 * generators, filtergen.c and randwrite.c.
 */
#ifndef PG_TESTS_RANDARGS_H
#define PG_TESTS_RANDARGS_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/* s as an unsigned decimal (digits only, no sign or blank): 0, or -1
 * when it is not one or does not fit. */
static inline int
randargs_u64(const char *s, uint64_t *v)
{
    char *end;
    unsigned long long n;

    if (s[0] < '0' || s[0] > '9')
        return -1;
    errno = 0;
    n = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *v = n;
    return 0;
}

#endif
