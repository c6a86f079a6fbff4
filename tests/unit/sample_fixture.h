/*
 * sample_fixture.h - the cmocka group fixture of the unit tests that match
 * against the sample registry (data/registry.sample.json): it is loaded
 * once into reg, with the default configuration in cfg.  Included by one
 * test file each, so the definitions are static.
 */
#ifndef PG_TESTS_SAMPLE_FIXTURE_H
#define PG_TESTS_SAMPLE_FIXTURE_H

#include "pgr.h"

#ifndef SAMPLE_REGISTRY
#error "SAMPLE_REGISTRY must name data/registry.sample.json"
#endif

static pgr_registry *reg;
static pgr_config cfg;

static int
setup(void **state)
{
    pgr_errors errs;

    (void)state;
    pgr_config_init(&cfg);
    pgr_errors_init(&errs);
    reg = pgr_registry_load_file(SAMPLE_REGISTRY, &cfg, &errs);
    pgr_errors_free(&errs);
    return reg == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
    (void)state;
    pgr_registry_free(reg);
    reg = NULL;
    return 0;
}

#endif
