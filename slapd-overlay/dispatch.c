/*
 * dispatch.c - takes slapd's overlay stack out of the hooks that nothing on
 * it implements.
 *
 * A database with overlays gets a BackendInfo of backover.c's (the
 * slap_overinfo) whose referral check, control check and operational
 * attribute hook always run through over_op_func: a copy of the BackendDB,
 * a callback allocated, pushed and freed, a walk of the stack.  slapd calls
 * the first two for every operation and the third for every entry it
 * returns, whether or not an overlay or the backend has them; back-mdb has
 * no referral or control check, so for a database of ploguard's that is
 * 600 to 870 instructions per search and 300 per entry of pure dispatch,
 * more than all of ploguard's own work on a search that matches nothing.
 *
 * pg_dispatch_open puts functions of ours in those three slots of the
 * database's slap_overinfo.  On every call they look at the stack as it is
 * then, so an overlay added, removed, disabled or enabled through cn=config
 * is seen at once: when an enabled overlay on it has the hook, they call
 * backover's own function, which calls that overlay exactly as before;
 * otherwise they give the answer backover's walk would end in, without its
 * copy and callback:
 *   referral check   the backend's, or LDAP_SUCCESS when it has none
 *   control check    the backend's, or SLAP_CB_CONTINUE when it has none
 *                    (slapd then checks the controls itself)
 *   operational      back-mdb's mdb_operational, called directly: it reads
 *                    only op->o_bd->be_private and the suffix, which the
 *                    copy backover would pass shares with the database
 * A backend's own referral or control check, or another backend's
 * operational hook, still goes through backover: what those read of the
 * BackendDB they are called with is theirs to decide.
 *
 * The slots are written at db_open and put back at db_close: mostly with
 * the server paused or not yet serving, but the close of an overlay deleted
 * through cn=config runs after slapd resumes.  An aligned pointer store is
 * atomic, and both values give the same answers at every moment, so a
 * search on another thread (which reads the slot with a plain load) never
 * sees a wrong one.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* dladdr */
#endif
#include <dlfcn.h>

#include "ploguard.h"

#include <string.h>

/* backover's functions, the same for every database: over_aux_*. */
static BI_chk_referrals *pg_stack_chk_referrals;
static BI_chk_controls *pg_stack_chk_controls;
static BI_operational *pg_stack_operational;

/* The hook `which` of bi (slapd's own numbering, slap_operation_t). */
static BI_op_func *
pg_hook(const BackendInfo *bi, slap_operation_t which)
{
    switch (which) {
    case op_aux_operational:
        return bi->bi_operational;
    case op_aux_chk_referrals:
        return bi->bi_chk_referrals;
    case op_aux_chk_controls:
        return bi->bi_chk_controls;
    default:
        return NULL;
    }
}

/* Whether an enabled overlay of oi's stack has the hook `which`: then
 * backover must run it (overlay_op_walk passes over disabled ones). */
static int
pg_stack_has(const slap_overinfo *oi, slap_operation_t which)
{
    const slap_overinst *on;

    for (on = oi->oi_list; on != NULL; on = on->on_next) {
        if (on->on_bi.bi_flags & SLAPO_BFLAG_DISABLED)
            continue;
        if (pg_hook(&on->on_bi, which) != NULL)
            return 1;
    }
    return 0;
}

/* The database's slap_overinfo: slapd calls these hooks through
 * op->o_bd->bd_info, which for a database with overlays is the overinfo
 * (bi_private points back to it, as over_op_func reads it). */
static const slap_overinfo *
pg_overinfo(const Operation *op)
{
    return op->o_bd->bd_info->bi_private;
}

/*
 * A referral or control check (`which`): backover's function when the
 * backend or an enabled overlay has one, else what backover's walk ends in
 * when nobody has (op_rc in backover.c), `nobody`.
 */
static int
pg_lean_check(Operation *op, SlapReply *rs, slap_operation_t which,
              BI_op_func *stack, int nobody)
{
    const slap_overinfo *oi = pg_overinfo(op);

    if (pg_hook(oi->oi_orig, which) != NULL || pg_stack_has(oi, which))
        return stack(op, rs);
    return nobody;
}

static int
pg_lean_chk_referrals(Operation *op, SlapReply *rs)
{
    return pg_lean_check(op, rs, op_aux_chk_referrals, pg_stack_chk_referrals,
                         LDAP_SUCCESS);
}

static int
pg_lean_chk_controls(Operation *op, SlapReply *rs)
{
    /* slapd then checks the controls itself */
    return pg_lean_check(op, rs, op_aux_chk_controls, pg_stack_chk_controls,
                         SLAP_CB_CONTINUE);
}

/* Installed only over back-mdb (pg_dispatch_open). */
static int
pg_lean_operational(Operation *op, SlapReply *rs)
{
    const slap_overinfo *oi = pg_overinfo(op);

    if (pg_stack_has(oi, op_aux_operational))
        return pg_stack_operational(op, rs);
    return oi->oi_orig->bi_operational(op, rs);
}

/*
 * Whether fn is slapd's own code (the executable that exports
 * overlay_op_walk) rather than a module's: only backover.c puts functions of
 * slapd's in a slap_overinfo's aux slots, so a slot that holds one holds
 * over_aux_*; one that holds a module's function is left alone.
 */
static int
pg_in_slapd(BI_op_func *fn)
{
    Dl_info fn_info, slapd_info;

    if (dladdr((void *)fn, &fn_info) == 0 ||
        dladdr((void *)overlay_op_walk, &slapd_info) == 0)
        return 0;
    return fn_info.dli_fbase == slapd_info.dli_fbase;
}

/* Whether a slot holds backover's function, remembered in *saved the first
 * time (it is the same for every database). */
static int
pg_slot_is_backover(BI_op_func *cur, BI_op_func **saved)
{
    if (cur == NULL || !pg_in_slapd(cur))
        return 0;
    if (*saved == NULL)
        *saved = cur;
    return cur == *saved;
}

static void
pg_slot_set(BI_op_func **slot, BI_op_func *fn)
{
    __atomic_store_n(slot, fn, __ATOMIC_RELEASE);
}

void
pg_dispatch_open(slap_overinst *on)
{
    slap_overinfo *oi = on->on_info;
    BackendInfo *bi = &oi->oi_bi;
    const char *type = oi->oi_orig->bi_type;
    char taken[64] = "";
    size_t len = 0;

    if (slapMode & SLAP_TOOL_MODE)
        return;
    if (pg_slot_is_backover(bi->bi_chk_referrals, &pg_stack_chk_referrals)) {
        pg_slot_set(&bi->bi_chk_referrals, pg_lean_chk_referrals);
        pg_cat(taken, sizeof(taken), &len, " referrals");
    }
    if (pg_slot_is_backover(bi->bi_chk_controls, &pg_stack_chk_controls)) {
        pg_slot_set(&bi->bi_chk_controls, pg_lean_chk_controls);
        pg_cat(taken, sizeof(taken), &len, " controls");
    }
    if (type != NULL && strcmp(type, "mdb") == 0 &&
        oi->oi_orig->bi_operational != NULL &&
        pg_slot_is_backover(bi->bi_operational, &pg_stack_operational)) {
        pg_slot_set(&bi->bi_operational, pg_lean_operational);
        pg_cat(taken, sizeof(taken), &len, " operational");
    }
    Log(LDAP_DEBUG_STATS, LDAP_LEVEL_INFO, "ploguard: %s: hooks no overlay "
        "has, called without the overlay stack:%s\n",
        oi->oi_origdb != NULL && oi->oi_origdb->be_suffix != NULL ?
        oi->oi_origdb->be_suffix[0].bv_val : "(database)",
        len > 0 ? taken : " none");
}

void
pg_dispatch_close(slap_overinst *on)
{
    BackendInfo *bi = &on->on_info->oi_bi;

    if (bi->bi_chk_referrals == pg_lean_chk_referrals)
        pg_slot_set(&bi->bi_chk_referrals, pg_stack_chk_referrals);
    if (bi->bi_chk_controls == pg_lean_chk_controls)
        pg_slot_set(&bi->bi_chk_controls, pg_stack_chk_controls);
    if (bi->bi_operational == pg_lean_operational)
        pg_slot_set(&bi->bi_operational, pg_stack_operational);
}
