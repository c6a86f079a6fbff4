/*
 * fuzz.h - shared by the fuzz targets.  Each target defines the libFuzzer
 * entry point; driver.c runs it over the seed corpus under `make check`,
 * run-fuzz.sh links it with libFuzzer.  A target checks the promises pgr.h
 * makes about its output and aborts when one is broken, so a fuzzer
 * reports a wrong answer as it reports a crash.
 */
#ifndef PGR_FUZZ_H
#define PGR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__,       \
                    __LINE__, #cond);                                      \
            abort();                                                       \
        }                                                                  \
    } while (0)

#endif /* PGR_FUZZ_H */
