/*
 * fuzz_registry.c - pgr_registry_load_buffer on arbitrary bytes.  A refused
 * registry must say why; a loaded one must hold together: every entity is
 * found by its id, its own phone numbers and addresses match it, and a
 * name never yields more than "possible".
 */
#include <string.h>

#include "pgr.h"
#include "fuzz.h"

#define ENTITIES_CHECKED 32   /* bounds the work per input */
#define VALUES_CHECKED    4

/* Hits name no entity twice, exact ones first; returns whether e is hit. */
static int
check_result(const pgr_result *res, const pgr_entity *e)
{
    size_t i, j;
    int found = 0, possible_seen = 0;

    FUZZ_CHECK(res->count <= PGR_MAX_HITS);
    for (i = 0; i < res->count; i++) {
        FUZZ_CHECK(res->hit[i].entity != NULL);
        for (j = 0; j < i; j++)
            FUZZ_CHECK(res->hit[i].entity != res->hit[j].entity);
        if (res->hit[i].confidence == PGR_POSSIBLE)
            possible_seen = 1;
        else
            FUZZ_CHECK(!possible_seen);
        if (res->hit[i].entity == e)
            found = 1;
    }
    return found;
}

static void
check_entity(const pgr_registry *reg, const pgr_config *cfg,
             const pgr_entity *e)
{
    pgr_result res;
    size_t i;

    FUZZ_CHECK(e != NULL && e->id != NULL && e->instruction != NULL);
    FUZZ_CHECK(pgr_registry_find(reg, e->id, strlen(e->id)) == e);
    FUZZ_CHECK(pgr_entity_kind_name(e->kind) != NULL);
    (void)pgr_entity_lapsed(e, 0);

    for (i = 0; i < e->nphones && i < VALUES_CHECKED; i++) {
        const char *p = e->phones[i];

        FUZZ_CHECK(p != NULL && p[0] == '+');
        pgr_match_phone(reg, cfg, p, strlen(p), &res);
        FUZZ_CHECK(check_result(&res, e) || res.count == PGR_MAX_HITS);
        FUZZ_CHECK(pgr_result_verdict(&res) == PGR_VERDICT_MATCH);
    }
    for (i = 0; i < e->nemails && i < VALUES_CHECKED; i++) {
        const char *m = e->emails[i];

        FUZZ_CHECK(m != NULL);
        pgr_match_email(reg, m, strlen(m), &res);
        FUZZ_CHECK(check_result(&res, e) || res.count == PGR_MAX_HITS);
        FUZZ_CHECK(strcmp(res.normalized, m) == 0);
        FUZZ_CHECK(pgr_result_verdict(&res) == PGR_VERDICT_MATCH);
    }
    if (e->display_name != NULL) {
        pgr_match_name(reg, e->display_name, strlen(e->display_name), &res);
        (void)check_result(&res, e);
        for (i = 0; i < res.count; i++)
            FUZZ_CHECK(res.hit[i].confidence == PGR_POSSIBLE &&
                       res.hit[i].on == PGR_ON_NAME);
        FUZZ_CHECK(pgr_result_verdict(&res) != PGR_VERDICT_MATCH);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pgr_registry *reg;
    pgr_errors errs;
    pgr_config cfg;
    size_t i, n;

    pgr_config_init(&cfg);
    pgr_errors_init(&errs);
    reg = pgr_registry_load_buffer((const char *)data, size, &cfg, &errs);
    if (reg == NULL) {
        FUZZ_CHECK(errs.count > 0);
        for (i = 0; i < errs.count && i < errs.cap; i++)
            FUZZ_CHECK(errs.msgs[i] == NULL || errs.msgs[i][0] != '\0');
        pgr_errors_free(&errs);
        return 0;
    }
    FUZZ_CHECK(errs.count == 0);
    FUZZ_CHECK(pgr_registry_id(reg) != NULL);
    FUZZ_CHECK(pgr_registry_seq(reg) >= 1);
    (void)pgr_registry_stale(reg, pgr_registry_issued_at(reg));
    (void)pgr_registry_expires_at(reg);
    n = pgr_registry_entity_count(reg);
    for (i = 0; i < n && i < ENTITIES_CHECKED; i++)
        check_entity(reg, &cfg, pgr_registry_entity(reg, i));
    FUZZ_CHECK(pgr_registry_entity(reg, n) == NULL);
    FUZZ_CHECK(pgr_registry_find(reg, "", 0) == NULL);
    pgr_registry_free(reg);
    pgr_errors_free(&errs);
    return 0;
}
