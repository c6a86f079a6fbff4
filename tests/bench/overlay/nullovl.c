/*
 * nullovl.c - an overlay that does nothing, for bench-overlay only.
 *
 * It has a search hook and a response hook, as ploguard has, and returns
 * at once from both.  What it costs is slapd's own price for any such
 * overlay on a database (backover's per-operation callback and copy of
 * the BackendDB, the per-entry dispatch to on_response): the floor under
 * ploguard's figures.
 */
#include "portable.h"

#include "slap.h"

static slap_overinst nullovl;

static int
nullovl_search(Operation *op, SlapReply *rs)
{
    (void)op;
    (void)rs;
    return SLAP_CB_CONTINUE;
}

static int
nullovl_response(Operation *op, SlapReply *rs)
{
    (void)op;
    (void)rs;
    return SLAP_CB_CONTINUE;
}

int init_module(int argc, char *argv[]) __attribute__((visibility("default")));

int
init_module(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    nullovl.on_bi.bi_type = "pgbenchnull";
    nullovl.on_bi.bi_op_search = nullovl_search;
    nullovl.on_response = nullovl_response;
    return overlay_register(&nullovl);
}
