/*
 * tests/xorshift64.h - xorshift64*, the small generator that unit tests and
 * benches use for their inputs: the same sequence from the same seed on
 * every run and every machine.  Not for anything that must be
 * unpredictable.
 */
#ifndef PG_TESTS_XORSHIFT64_H
#define PG_TESTS_XORSHIFT64_H

#include <stdint.h>

static inline uint64_t
xorshift64_next(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 0x2545F4914F6CDD1DULL;
}

#endif
