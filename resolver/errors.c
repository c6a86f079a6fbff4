/*
 * errors.c - a growable list of "path: reason" messages.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgr.h"

void
pgr_errors_init(pgr_errors *errs)
{
    errs->msgs = NULL;
    errs->count = 0;
    errs->cap = 0;
}

/* Appends a message.  When memory runs out the text is lost but the count
 * still grows, so a caller testing count never mistakes failure for success. */
void
pgr_errors_add(pgr_errors *errs, const char *fmt, ...)
{
    va_list ap;
    int len;
    char *msg;

    if (errs->count >= errs->cap) {
        size_t ncap = errs->cap ? errs->cap * 2 : 8;
        if (ncap <= errs->count)
            ncap = errs->count + 8;
        char **n = realloc(errs->msgs, ncap * sizeof(*n));
        if (n == NULL) {
            errs->count++;
            return;
        }
        memset(n + errs->cap, 0, (ncap - errs->cap) * sizeof(*n));
        errs->msgs = n;
        errs->cap = ncap;
    }
    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    msg = len < 0 ? NULL : malloc((size_t)len + 1);
    if (msg != NULL) {
        va_start(ap, fmt);
        vsnprintf(msg, (size_t)len + 1, fmt, ap);
        va_end(ap);
    }
    errs->msgs[errs->count++] = msg;
}

void
pgr_errors_free(pgr_errors *errs)
{
    size_t i;

    for (i = 0; i < errs->count && i < errs->cap; i++)
        free(errs->msgs[i]);
    free(errs->msgs);
    pgr_errors_init(errs);
}

void
pgr_seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errlen == 0)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}
