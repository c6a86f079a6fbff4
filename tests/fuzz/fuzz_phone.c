/*
 * fuzz_phone.c - pgr_phone_parse and pgr_phone_canonical on arbitrary
 * bytes, under a configuration chosen by the first byte.  Every reading
 * must be a well-formed E.164 number whose key is its digits, and must read
 * back as itself: otherwise a registered number written in E.164 would not
 * match the client value it came from.  The same bytes go through
 * pgr_match_phone against a small registry (labels and lists of numbers
 * are read there): only exact phone and block hits, no entity twice, and
 * the pre-check pgr_phone_may_match never turns a hit away.
 */
#include <string.h>

#include "pgr.h"
#include "fuzz.h"
#include "fuzz_sample.h"

static const char *const regions[] = { "CA", "US", "GB", "CN", "FR", "JP" };
static const char *const outside[] = { "9", "", "0", "81" };

/* Exact phone or block hits, no entity twice; none when the pre-check
 * said the value cannot match. */
static void
check_match(const pgr_config *cfg, const char *in, size_t size)
{
    const pgr_registry *reg = fuzz_registry();
    pgr_result res;
    size_t n;

    n = pgr_match_phone(reg, cfg, in, size, &res);
    if (n > 0)
        FUZZ_CHECK(pgr_phone_may_match(reg, in, size));
    fuzz_check_hits(&res, n, PGR_ON_PHONE, PGR_ON_PHONE_PREFIX);
    FUZZ_CHECK(n == 0 || res.normalized[0] == '+');
}

static void
check_phone(const pgr_phone *p)
{
    uint64_t key = 0;
    size_t i, n = strlen(p->e164);

    FUZZ_CHECK(p->key != 0);
    FUZZ_CHECK(p->ndigits >= 8 && p->ndigits <= PGR_E164_MAX);
    FUZZ_CHECK(p->e164[0] == '+' && n == (size_t)p->ndigits + 1);
    FUZZ_CHECK(p->e164[1] != '0');
    for (i = 1; i < n; i++) {
        FUZZ_CHECK(p->e164[i] >= '0' && p->e164[i] <= '9');
        key = key * 10 + (uint64_t)(p->e164[i] - '0');
    }
    FUZZ_CHECK(key == p->key);
}

/* A reading written back in E.164 reads as exactly itself. */
static void
check_round_trip(const pgr_config *cfg, const pgr_phone *p)
{
    pgr_phone_readings again;
    pgr_phone canon;
    const char *why = NULL;

    FUZZ_CHECK(pgr_phone_parse(cfg, p->e164, strlen(p->e164), &again) >= 1);
    FUZZ_CHECK(again.reading[0].key == p->key);
    FUZZ_CHECK(strcmp(again.reading[0].e164, p->e164) == 0);
    FUZZ_CHECK(again.ext[0] == '\0');
    FUZZ_CHECK(pgr_phone_canonical(cfg, p->e164, strlen(p->e164), &canon,
                                   &why) == 0);
    FUZZ_CHECK(canon.key == p->key);
}

static void
check_readings(const pgr_config *cfg, const pgr_phone_readings *r, size_t n)
{
    size_t i, j, elen = strlen(r->ext);

    FUZZ_CHECK(n == r->count && n <= PGR_PHONE_READINGS);
    FUZZ_CHECK(elen <= PGR_EXT_MAX);
    for (i = 0; i < elen; i++)
        FUZZ_CHECK(r->ext[i] >= '0' && r->ext[i] <= '9');
    for (i = 0; i < n; i++) {
        check_phone(&r->reading[i]);
        for (j = 0; j < i; j++)
            FUZZ_CHECK(r->reading[i].key != r->reading[j].key);
        check_round_trip(cfg, &r->reading[i]);
    }
}

static int
has_reading(const pgr_phone_readings *r, size_t n, uint64_t key)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (r->reading[i].key == key)
            return 1;
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data + 1;
    pgr_phone_readings r;
    pgr_phone canon;
    pgr_config cfg;
    const char *why = NULL;
    size_t n;

    if (size < 1)
        return 0;
    size--;
    pgr_config_init(&cfg);
    FUZZ_CHECK(pgr_config_set_region(&cfg, regions[data[0] % 6]) == 0);
    FUZZ_CHECK(pgr_config_set_outside_line(&cfg, outside[(data[0] / 6) % 4])
               == 0);

    memset(&r, 0xA5, sizeof(r));
    n = pgr_phone_parse(&cfg, in, size, &r);
    check_readings(&cfg, &r, n);

    /* Registry data gets no outside-line reading, so the strict form may
     * accept what a client value reads more than one way; its number is
     * still one of those readings. */
    if (pgr_phone_canonical(&cfg, in, size, &canon, &why) == 0) {
        check_phone(&canon);
        FUZZ_CHECK(has_reading(&r, n, canon.key));
    } else {
        FUZZ_CHECK(why != NULL && why[0] != '\0');
    }
    check_match(&cfg, in, size);
    return 0;
}
