/*
 * fuzz_email.c - pgr_email_normalize and pgr_domain_normalize on arbitrary
 * bytes.  An accepted value must come out canonical, normalize to itself,
 * and a refused one must leave an empty string; a too-small output buffer
 * must never be overrun.  The same bytes go through pgr_match_email against
 * a small registry (lists of addresses are read there): only exact address
 * and domain hits, no entity twice, and the pre-check pgr_email_may_match
 * never turns a hit away.
 */
#include <string.h>

#include "pgr.h"
#include "fuzz.h"
#include "fuzz_sample.h"

static int
is_lower_ldh(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

static void
check_domain(const char *d)
{
    size_t n = strlen(d), i, label = 0, labels = 1;

    FUZZ_CHECK(n >= 3 && n <= PGR_DOMAIN_MAX);
    FUZZ_CHECK(d[0] != '.' && d[n - 1] != '.');
    for (i = 0; i < n; i++) {
        if (d[i] == '.') {
            FUZZ_CHECK(label >= 1 && label <= 63);
            FUZZ_CHECK(d[i - 1] != '-' && d[i + 1] != '-');
            labels++;
            label = 0;
        } else {
            FUZZ_CHECK(is_lower_ldh(d[i]));
            label++;
        }
    }
    FUZZ_CHECK(label >= 1 && label <= 63);
    FUZZ_CHECK(labels >= 2);
    FUZZ_CHECK(d[0] != '-' && d[n - 1] != '-');
}

static void
check_address(const char *a, size_t off)
{
    size_t n = strlen(a), i;

    FUZZ_CHECK(n <= PGR_EMAIL_MAX);
    FUZZ_CHECK(off >= 2 && off < n && a[off - 1] == '@');
    FUZZ_CHECK(off - 1 <= 64);
    FUZZ_CHECK(memchr(a, '@', off - 1) == NULL);
    for (i = 0; i + 1 < off; i++)
        FUZZ_CHECK(a[i] > ' ' && a[i] < 0x7f && !(a[i] >= 'A' && a[i] <= 'Z'));
    check_domain(a + off);
}

static void
fuzz_address(const char *in, size_t size)
{
    char out[PGR_EMAIL_MAX + 1], again[PGR_EMAIL_MAX + 1];
    size_t off = 0, off2 = 0;

    if (pgr_email_normalize(in, size, out, sizeof(out), &off) != 0) {
        FUZZ_CHECK(out[0] == '\0');
        return;
    }
    check_address(out, off);
    FUZZ_CHECK(pgr_email_normalize(out, strlen(out), again, sizeof(again),
                                   &off2) == 0);
    FUZZ_CHECK(strcmp(out, again) == 0 && off == off2);
    FUZZ_CHECK(pgr_domain_normalize(out + off, strlen(out + off), again,
                                    sizeof(again)) == 0);
    FUZZ_CHECK(strcmp(out + off, again) == 0);
}

static void
fuzz_domain(const char *in, size_t size)
{
    char out[PGR_DOMAIN_MAX + 1], again[PGR_DOMAIN_MAX + 1];

    if (pgr_domain_normalize(in, size, out, sizeof(out)) != 0) {
        FUZZ_CHECK(out[0] == '\0');
        return;
    }
    check_domain(out);
    FUZZ_CHECK(pgr_domain_normalize(out, strlen(out), again,
                                    sizeof(again)) == 0);
    FUZZ_CHECK(strcmp(out, again) == 0);
}

/* An output buffer of exactly outsz bytes on the heap, so that AddressSanitizer
 * sees a write past its end. */
static void
fuzz_small_buffer(const char *in, size_t size, size_t outsz)
{
    char *out = malloc(outsz);
    size_t off;

    FUZZ_CHECK(out != NULL);
    if (pgr_email_normalize(in, size, out, outsz, &off) == 0)
        FUZZ_CHECK(strlen(out) < outsz);
    if (pgr_domain_normalize(in, size, out, outsz) == 0)
        FUZZ_CHECK(strlen(out) < outsz);
    free(out);
}

static void
fuzz_match(const char *in, size_t size)
{
    const pgr_registry *reg = fuzz_registry();
    pgr_result res;
    size_t n;

    n = pgr_match_email(reg, in, size, &res);
    if (n > 0)
        FUZZ_CHECK(pgr_email_may_match(reg, in, size));
    fuzz_check_hits(&res, n, PGR_ON_EMAIL, PGR_ON_DOMAIN);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;

    fuzz_address(in, size);
    fuzz_domain(in, size);
    fuzz_match(in, size);
    if (size > 0)
        fuzz_small_buffer(in, size, 1 + (size_t)data[0] % 48);
    return 0;
}
