/*
 * nullovl.c - an overlay that does nothing, for bench-overlay only.
 *
 * It has a search hook and a response hook, as ploguard has, and returns
 * at once from both.  What it costs is slapd's own price for any such
 * overlay on a database (backover's per-operation callback and copy of
 * the BackendDB, the per-entry dispatch to on_response): the floor under
 * ploguard's figures.
 *
 * Loaded with the argument "task" ("moduleload nullovl.la task"), it also
 * puts a task that does nothing in slapd's run queue every 60 s, as
 * ploguard does for its registry check: a control for what a scheduled
 * task alone costs slapd's listener (its event wait gets a timeout).
 */
#include "portable.h"

#include "slap.h"
#include "ldap_rq.h"

static slap_overinst nullovl;
static int nullovl_with_task;

static void *
nullovl_task(void *ctx, void *arg)
{
    struct re_s *rtask = arg;

    (void)ctx;
    ldap_pvt_thread_mutex_lock(&slapd_rq.rq_mutex);
    ldap_pvt_runqueue_stoptask(&slapd_rq, rtask);
    ldap_pvt_runqueue_resched(&slapd_rq, rtask, 0);
    ldap_pvt_thread_mutex_unlock(&slapd_rq.rq_mutex);
    return NULL;
}

static int
nullovl_db_open(BackendDB *be, ConfigReply *cr)
{
    struct re_s *rtask;

    (void)be;
    (void)cr;
    if (!nullovl_with_task || slapMode & SLAP_TOOL_MODE)
        return 0;
    ldap_pvt_thread_mutex_lock(&slapd_rq.rq_mutex);
    rtask = ldap_pvt_runqueue_insert(&slapd_rq, 60, nullovl_task, NULL,
                                     "nullovl_task", "nullovl");
    if (rtask != NULL)
        rtask->arg = rtask;
    ldap_pvt_thread_mutex_unlock(&slapd_rq.rq_mutex);
    return rtask == NULL ? 1 : 0;
}

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
    if (argc > 0 && argv != NULL && strcmp(argv[0], "task") == 0)
        nullovl_with_task = 1;
    nullovl.on_bi.bi_type = "pgbenchnull";
    nullovl.on_bi.bi_db_open = nullovl_db_open;
    nullovl.on_bi.bi_op_search = nullovl_search;
    nullovl.on_response = nullovl_response;
    return overlay_register(&nullovl);
}
