/*
 * gen_registry.h - what the benchmark registry generator writes, shared
 * with the benchmark so that it knows which numbers are in the registry.
 */
#ifndef GEN_REGISTRY_H
#define GEN_REGISTRY_H

#include <stdio.h>

#define GEN_MAX_PEOPLE   1000000
#define GEN_ORGS         10
#define GEN_MISSIONS     100
#define GEN_MISSION_NPA  300     /* missions' numbers and blocks */
#define GEN_FIRST_NPA    201     /* people's numbers, upwards */
#define GEN_MISS_NPA     701     /* never written: lookups that miss */

/* The i-th valid NANP area code at or after first: 2-9, then 0-8, then
 * any digit, and not N11. */
static inline int
gen_npa(int first, size_t i)
{
    int npa = first;

    for (;;) {
        int mid = (npa / 10) % 10, last = npa % 10;

        if (mid != 9 && !(mid == 1 && last == 1) && npa != GEN_MISSION_NPA) {
            if (i == 0)
                return npa;
            i--;
        }
        npa++;
    }
}

/* Phone `which` (0 or 1) of person i, written as a registry would. */
static inline void
gen_phone(size_t i, int which, char *out, size_t outsz)
{
    size_t k = 2 * i + (size_t)which;
    int npa = gen_npa(GEN_FIRST_NPA, k / 10000);

    if (which == 0)
        snprintf(out, outsz, "(%d) 555-%04zu", npa, k % 10000);
    else
        snprintf(out, outsz, "+1 %d 555 %04zu", npa, k % 10000);
}

#endif /* GEN_REGISTRY_H */
