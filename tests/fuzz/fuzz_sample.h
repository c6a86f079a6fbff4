/*
 * fuzz_sample.h - a small registry for the targets that look values up
 * (fuzz_phone.c, fuzz_email.c), and the promises every lookup keeps.
 */
#ifndef PGR_FUZZ_SAMPLE_H
#define PGR_FUZZ_SAMPLE_H

#include "pgr.h"
#include "fuzz.h"

/* Numbers of several countries, a shared number, a number block; an
 * address, a mission's address and an organization's domain. */
static const char fuzz_registry_json[] =
    "{\"format\":\"ploguard-registry/1\",\"registry_id\":\"fuzz\",\"seq\":1,"
    "\"issued_at\":\"2026-01-01T00:00:00Z\","
    "\"expires_at\":\"2099-01-01T00:00:00Z\","
    "\"instructions\":{\"decline\":{\"en\":\"Decline.\",\"fr\":\"Refusez.\","
    "\"short_en\":\"DECLINE\",\"short_fr\":\"REFUSER\"}},"
    "\"organizations\":[{\"id\":\"o1\",\"name\":\"Org\",\"country\":\"CN\","
    "\"domains\":[\"mps.example.test\"],\"instruction\":\"decline\"}],"
    "\"missions\":[{\"id\":\"m1\",\"name\":\"Mission\",\"country\":\"CN\","
    "\"city\":\"Ottawa\",\"instruction\":\"decline\","
    "\"phones\":[\"+1 613-555-0100\"],\"phone_prefixes\":[\"+1613555014\"],"
    "\"emails\":[\"consular@ottawa.mfa.example.test\"]}],"
    "\"people\":["
    "{\"id\":\"p1\",\"role\":\"plo\",\"names\":[{\"family\":\"Li\","
    "\"given\":\"Wei\"}],\"mission\":\"m1\","
    "\"phones\":[\"+1 613-555-0142\",\"+44 20 7946 0012\"],"
    "\"emails\":[\"li.wei@example.org\"]},"
    "{\"id\":\"p2\",\"role\":\"plo\",\"names\":[{\"family\":\"Wang\","
    "\"given\":\"Fang\"}],\"mission\":\"m1\","
    "\"phones\":[\"+86 10 6596 1114\",\"+33 1 23 45 67 89\","
    "\"+81 3 1234 5678\",\"+1 613-555-0142\"]}]}";

/* Loaded once; the process keeps it. */
static inline const pgr_registry *
fuzz_registry(void)
{
    static pgr_registry *reg;
    pgr_errors errs;
    size_t i;

    if (reg != NULL)
        return reg;
    pgr_errors_init(&errs);
    reg = pgr_registry_load_buffer(fuzz_registry_json,
                                   sizeof(fuzz_registry_json) - 1, NULL,
                                   &errs);
    for (i = 0; i < errs.count; i++)
        fprintf(stderr, "fuzz registry: %s\n", errs.msgs[i]);
    FUZZ_CHECK(reg != NULL);
    pgr_errors_free(&errs);
    return reg;
}

/* n exact hits, each on one of two kinds of identifier, no entity twice. */
static inline void
fuzz_check_hits(const pgr_result *res, size_t n, pgr_matched_on on1,
                pgr_matched_on on2)
{
    size_t i, j;

    FUZZ_CHECK(n == res->count && n <= PGR_MAX_HITS);
    for (i = 0; i < n; i++) {
        FUZZ_CHECK(res->hit[i].confidence == PGR_EXACT);
        FUZZ_CHECK(res->hit[i].on == on1 || res->hit[i].on == on2);
        for (j = 0; j < i; j++)
            FUZZ_CHECK(res->hit[i].entity != res->hit[j].entity);
    }
}

#endif /* PGR_FUZZ_SAMPLE_H */
