/*
 * dispatch.c - takes slapd's overlay stack out of the hooks that nothing on
 * it implements, and out of the search when ploguard alone implements it.
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
 * The search itself takes the same way, and every entry it returns another
 * 100 instructions (over_back_response) before pg_response sees it.
 *
 * pg_dispatch_open puts functions of ours in those four slots of the
 * database's slap_overinfo.  On every call they look at the stack as it is
 * then, so an overlay added, removed, disabled or enabled through cn=config
 * is seen at once: when an enabled overlay on it has the hook (for the
 * search: a search or a response hook, ploguard's own aside), they call
 * backover's own function, which calls that overlay exactly as before;
 * otherwise they give the answer backover's walk would end in, without its
 * copy and callback:
 *   referral check   the backend's, or LDAP_SUCCESS when it has none
 *   control check    the backend's, or SLAP_CB_CONTINUE when it has none
 *                    (slapd then checks the controls itself)
 *   operational      back-mdb's mdb_operational, called directly: it reads
 *                    only op->o_bd->be_private and the suffix, which the
 *                    copy backover would pass shares with the database
 *   search           pg_op_search, then back-mdb's search on a copy of the
 *                    BackendDB as backover makes it (pg_lean_search)
 * A backend's own referral or control check, or another backend's
 * operational hook or search, still goes through backover: what those read
 * of the BackendDB they are called with is theirs to decide.
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
static BI_op_search *pg_stack_search;

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

/* Installed only over back-mdb (pg_dispatch_open).  hot: it runs for every
 * entry, like pg_lean_response, and the two sit together (.text.hot). */
static __attribute__((hot)) int
pg_lean_operational(Operation *op, SlapReply *rs)
{
    const slap_overinfo *oi = pg_overinfo(op);

    if (pg_stack_has(oi, op_aux_operational))
        return pg_stack_operational(op, rs);
    return oi->oi_orig->bi_operational(op, rs);
}

/*
 * A search.  backover runs every search through over_op_func (a copy of the
 * BackendDB, a callback allocated, pushed and freed, a walk) and every entry
 * and result through over_back_response, which copies the BackendDB again
 * to call the overlays' response hooks: 100 instructions per entry before
 * pg_response has looked at it.  When ploguard is the only enabled overlay
 * with a search or a response hook, pg_lean_search does what that comes to
 * (the same copy of the BackendDB for the backend to run on, the same order
 * of callbacks, the same cleanup when the backend declines) with the
 * callback on its stack, and pg_lean_response passes an entry found to
 * match nothing on before copying anything.  Otherwise, or on an operation
 * already running on an overlay's copy, backover does it all.
 */

/* ploguard's overlay on oi's stack when it alone, enabled, has a search or
 * a response hook there; NULL otherwise. */
static const slap_overinst *
pg_search_alone(const slap_overinfo *oi)
{
    const slap_overinst *on, *mine = NULL;

    for (on = oi->oi_list; on != NULL; on = on->on_next) {
        if (on->on_bi.bi_flags & SLAPO_BFLAG_DISABLED)
            continue;
        if (on->on_bi.bi_op_search == pg_op_search)
            mine = on;
        else if (on->on_bi.bi_op_search != NULL || on->on_response != NULL)
            return NULL;
    }
    return mine;
}

/* over_back_response's work: every enabled overlay's response hook, each
 * on a copy of the BackendDB naming it, until one answers.  Kept out of
 * pg_lean_response, whose few cache lines of code every entry runs. */
static __attribute__((noinline, cold)) int
pg_stack_response(Operation *op, SlapReply *rs, const slap_overinfo *oi)
{
    BackendDB *be = op->o_bd, db = *op->o_bd;
    slap_overinst *on;
    int rc = SLAP_CB_CONTINUE;

    db.be_flags |= SLAP_DBFLAG_OVERLAY;
    /* put back before returning, as backover does */
    /* cppcheck-suppress autoVariables */
    op->o_bd = &db;
    for (on = oi->oi_list; on != NULL; on = on->on_next) {
        if ((on->on_bi.bi_flags & SLAPO_BFLAG_DISABLED) ||
            on->on_response == NULL)
            continue;
        db.bd_info = (BackendInfo *)on;
        rc = on->on_response(op, rs);
        if (rc != SLAP_CB_CONTINUE)
            break;
    }
    op->o_bd = be;
    return rc == SLAP_CB_BYPASS ? SLAP_CB_CONTINUE : rc;
}

/* pg_lean_search's callback, on its stack.  Not the slap_overinfo: slapd
 * frees it when the last overlay of a database is deleted through
 * cn=config, which a search waiting to write to a slow client outlives;
 * the database then has its backend's BackendInfo again. */
typedef struct pg_lean {
    slap_callback  cb;
    BackendDB     *be;     /* the database (not the copy the search runs on) */
    const char    *over;   /* backover's bi_type: be->bd_info is an overinfo */
    int            skip;   /* pg_skip_op: pg_response leaves it alone */
} pg_lean;

/*
 * The response callback of pg_lean_search.  The stack is looked at again
 * for every response, as backover does, so that an overlay enabled or
 * added while the search waited for a slow client is called.
 *
 * hot, and everything it runs for an entry that matches nothing inlined
 * except slapd's attr_find: a search that returns 100 entries runs it 100
 * times between slapd's own per-entry code, and code of ours spread over a
 * dozen cache lines of the module cost more in instruction-cache misses
 * (slapd's as well as ours) than its instructions (BENCHMARKS.md).
 */
static __attribute__((hot)) int
pg_lean_response(Operation *op, SlapReply *rs)
{
    const pg_lean *lean = op->o_callback->sc_private;
    const BackendInfo *bi = lean->be->bd_info;
    const slap_overinfo *oi;
    const slap_overinst *mine;

    if (bi->bi_type != lean->over)
        return SLAP_CB_CONTINUE;   /* its overlays are all deleted */
    oi = bi->bi_private;
    mine = pg_search_alone(oi);
    if (mine != NULL &&
        (lean->skip || rs->sr_type != REP_SEARCH || rs->sr_entry == NULL ||
         pg_entry_clean(op, rs, mine->on_bi.bi_private)))
        return SLAP_CB_CONTINUE;
    return pg_stack_response(op, rs, oi);
}

/* Backover's search, then the release of a search state of ploguard's
 * on that stack that saw no final result (pg_search_release). */
static int
pg_stack_search_release(Operation *op, SlapReply *rs, const slap_overinfo *oi)
{
    const slap_overinst *on;
    const pg_info *pi = NULL;
    int rc;

    for (on = oi->oi_list; on != NULL; on = on->on_next)
        if (on->on_bi.bi_op_search == pg_op_search)
            pi = on->on_bi.bi_private;
    rc = pg_stack_search(op, rs);
    if (pi != NULL)
        pg_search_release(op, pi);
    return rc;
}

/* Installed only over back-mdb (pg_dispatch_open): its search answers
 * before it returns, never SLAPD_ASYNCOP, so the callback can live on the
 * stack. */
static int
pg_lean_search(Operation *op, SlapReply *rs)
{
    slap_overinfo *oi = op->o_bd->bd_info->bi_private;
    const slap_overinst *mine = pg_search_alone(oi);
    BackendInfo *orig = oi->oi_orig;
    BackendDB *be = op->o_bd, db;
    slap_callback **sc;
    const pg_info *mine_pi;
    pg_lean lean;
    int rc, halted;

    if (mine == NULL || SLAP_ISOVERLAY(be) || orig->bi_op_search == NULL)
        return pg_stack_search_release(op, rs, oi);
    mine_pi = mine->on_bi.bi_private;   /* mine may be freed by the end */
    /* The copy and the callback live until the backend has answered;
     * both are taken back before returning, as backover does. */
    db = *be;
    db.be_flags |= SLAP_DBFLAG_OVERLAY;
    /* cppcheck-suppress autoVariables */
    op->o_bd = &db;
    memset(&lean, 0, sizeof(lean));
    lean.be = be;
    lean.over = be->bd_info->bi_type;
    lean.skip = pg_skip_op(op);
    lean.cb.sc_response = pg_lean_response;
    lean.cb.sc_private = &lean;
    lean.cb.sc_next = op->o_callback;
    /* cppcheck-suppress autoVariables */
    op->o_callback = &lean.cb;

    db.bd_info = (BackendInfo *)mine;
    rc = pg_op_search(op, rs);
    if (rc == SLAP_CB_BYPASS)
        rc = SLAP_CB_CONTINUE;
    if (rc == SLAP_CB_CONTINUE) {
        db.bd_info = orig;
        rc = orig->bi_op_search(op, rs);
        if (rc == SLAP_CB_CONTINUE)
            rc = LDAP_UNWILLING_TO_PERFORM;
        halted = rc == LDAP_UNWILLING_TO_PERFORM;
    } else {
        halted = 1;
    }
    /* answered by nobody, or by ploguard itself: the callbacks pushed
     * since ours will see no result of the backend's, they clean up now */
    if (halted) {
        while (op->o_callback != NULL && op->o_callback != &lean.cb) {
            slap_callback *next = op->o_callback->sc_next;

            if (op->o_callback->sc_cleanup != NULL)
                op->o_callback->sc_cleanup(op, rs);
            op->o_callback = next;
        }
    }
    for (sc = &op->o_callback; *sc != NULL; sc = &(*sc)->sc_next) {
        if (*sc == &lean.cb) {
            *sc = lean.cb.sc_next;
            break;
        }
    }
    pg_search_release(op, mine_pi);
    op->o_bd = be;
    return rc;
}

/*
 * Whether fn is slapd's own code (the executable that exports
 * overlay_op_walk) rather than a module's: only backover.c puts functions of
 * slapd's in a slap_overinfo's slots, so a slot that holds one holds
 * over_aux_* or over_op_search; one that holds a module's function is left
 * alone.
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
    int over_mdb = type != NULL && strcmp(type, "mdb") == 0;
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
    if (over_mdb && oi->oi_orig->bi_operational != NULL &&
        pg_slot_is_backover(bi->bi_operational, &pg_stack_operational)) {
        pg_slot_set(&bi->bi_operational, pg_lean_operational);
        pg_cat(taken, sizeof(taken), &len, " operational");
    }
    if (over_mdb && pg_slot_is_backover(bi->bi_op_search, &pg_stack_search)) {
        pg_slot_set(&bi->bi_op_search, pg_lean_search);
        pg_cat(taken, sizeof(taken), &len, " search");
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
    if (bi->bi_op_search == pg_lean_search)
        pg_slot_set(&bi->bi_op_search, pg_stack_search);
}
