/*
 * search.c - what a searching client sees.
 *
 * pg_response (the overlay's on_response) annotates every search entry of
 * this database whose phone or mail values match the registry.  An entry
 * found to match nothing is remembered by its ID and entryCSN (verdict.h)
 * and passed on at the next search without its values being looked at
 * (by dispatch.c's search, when it runs one, before pg_response is called).
 *
 * pg_op_search looks at the filter before the backend runs.  When it
 * asserts (equality, or a substring whose pieces put together give the
 * complete identifier) a registered phone number or address on a phone or
 * mail attribute, it pushes pg_search_cb with the registry records wanted.
 * pg_response tells it (through op->o_extra) which records the returned
 * entries matched; an entry counts as returned only once slapd has counted
 * it as sent (sr_nentries grew), so an entry hidden by ACLs does not
 * suppress the warning.  At the final result every wanted record nothing
 * was returned for is answered with a synthesized entry
 * uid=ploguard-<id>,<search base>, sent only if it is in scope, passes the
 * whole filter and fits the size limit; send_search_entry applies ACLs.
 * A base-scope read of such a DN is answered the same way when the backend
 * finds no entry there but finds its parent.
 *
 * Nothing is done for replication (syncrepl, the sync control), under
 * manageDSAit, for operations other than search, and (synthesis only)
 * under the paged-results control or a virtual list view: an entry sent
 * at the final result lies outside the page or window those count.
 *
 * Synthesized entries are composed and sent by synth.c.  The search state
 * lives in op->o_tmpmemctx and is freed by pg_search_cleanup at the final
 * result or on abandon.
 */
#include "ploguard.h"

#include <string.h>

int
pg_skip_op(Operation *op)
{
    return op->o_tag != LDAP_REQ_SEARCH ||
           _SCM(op->o_sync) > SLAP_CONTROL_IGNORED ||
           SLAPD_SYNC_IS_SYNCCONN(op->o_connid) ||
           get_manageDSAit(op);
}

/* --------------------------------------------------- synthesized entries */

/*
 * Answers every wanted record nothing was returned for (synth.c), once,
 * with every value the filter asserted of it.
 */
static void
pg_synthesize(Operation *op, SlapReply *rs, pg_info *pi, pg_search *ps)
{
    pg_snapshot *s = pg_snapshot_hold(pi);
    const pg_want *group[PG_MAX_WANT];
    unsigned done = 0;
    int i, j, n, rc;

    if (s == NULL)
        return;
    for (i = 0; i < ps->nwant; i++) {
        const pg_want *w = &ps->want[i];
        const pgr_entity *ent;

        if (w->seen || (done & (1u << i)))
            continue;
        for (n = 0, j = i; j < ps->nwant; j++)
            if (strcmp(ps->want[j].id, w->id) == 0) {
                group[n++] = &ps->want[j];
                done |= 1u << j;
            }
        /* looked up again: the registry may have been reloaded */
        ent = pgr_registry_find(s->reg, w->id, strlen(w->id));
        if (ent == NULL)
            continue;
        rc = pg_synth_send(op, rs, pi, s, ent, group, n);
        if (rc == LDAP_SIZELIMIT_EXCEEDED || rc == LDAP_BUSY) {
            /* BUSY: slapd is pausing; the answer is not complete, and
             * must not say success (back-mdb answers the same) */
            rs->sr_err = rc;
            break;
        }
        if (rc == LDAP_UNAVAILABLE)
            break;
    }
    pg_snapshot_drop(s);
}

/*
 * The object exists, as far as this client is told, only if it is sent:
 * one its ACLs or its filter keep back gets the backend's noSuchObject and
 * matched DN as they were, so that a client denied the entries cannot
 * tell a registered id from another by the result code.
 */
static void
pg_serve_base_entry(Operation *op, SlapReply *rs, const pg_info *pi,
                    pg_snapshot *s, const pgr_entity *ent)
{
    const char *matched = rs->sr_matched, *text = rs->sr_text;
    slap_mask_t mfree = rs->sr_flags & REP_MATCHED_MUSTBEFREED;
    int sent = rs->sr_nentries, rc;

    rs->sr_flags &= ~REP_MATCHED_MUSTBEFREED;
    rs->sr_matched = NULL;
    rs->sr_text = NULL;
    rs->sr_err = LDAP_SUCCESS;
    rc = pg_synth_send(op, rs, pi, s, ent, NULL, 0);
    if (rs->sr_nentries > sent || rc == LDAP_SIZELIMIT_EXCEEDED ||
        rc == LDAP_BUSY) {
        if (rc == LDAP_SIZELIMIT_EXCEEDED || rc == LDAP_BUSY)
            rs->sr_err = rc;
        if (mfree)
            ch_free((char *)matched);
        return;
    }
    rs->sr_err = LDAP_NO_SUCH_OBJECT;
    rs->sr_matched = matched;
    rs->sr_text = text;
    rs->sr_flags |= mfree;
}

/* The backend found nothing at uid=ploguard-<id>,<parent> but found the
 * parent: answer with the synthesized entry. */
static void
pg_serve_base(Operation *op, SlapReply *rs, pg_info *pi, pg_search *ps)
{
    struct berval pndn, m, mn = BER_BVNULL;
    const pgr_entity *ent;
    pg_snapshot *s;
    int parent_ok;

    if (rs->sr_err != LDAP_NO_SUCH_OBJECT || rs->sr_matched == NULL)
        return;
    dnParent(&op->o_req_ndn, &pndn);
    ber_str2bv(rs->sr_matched, 0, 0, &m);
    parent_ok = dnNormalize(0, NULL, NULL, &m, &mn, op->o_tmpmemctx) ==
                LDAP_SUCCESS && dn_match(&mn, &pndn);
    if (mn.bv_val != NULL)
        op->o_tmpfree(mn.bv_val, op->o_tmpmemctx);
    if (!parent_ok)
        return;

    s = pg_snapshot_hold(pi);
    if (s == NULL)
        return;
    ent = pgr_registry_find_nocase(s->reg, ps->base_id, strlen(ps->base_id));
    if (ent != NULL)
        pg_serve_base_entry(op, rs, pi, s, ent);
    pg_snapshot_drop(s);
}

/* An annotated entry is counted as returned once slapd has sent it. */
static void
pg_settle(pg_search *ps, SlapReply *rs)
{
    int i;

    if (ps->pending == 0)
        return;
    if (rs->sr_nentries > ps->pending_n)
        for (i = 0; i < ps->nwant; i++)
            if (ps->pending & (1u << i))
                ps->want[i].seen = 1;
    ps->pending = 0;
}

/*
 * The search's own reference to the state (ps->pi), not the overlay's
 * slap_overinst: an overlay deleted through cn=config while this search
 * waited on a slow client is freed, slap_overinst and all, before the
 * search goes on.  Its state is then closed (no snapshot): nothing is
 * synthesized.
 */
static int
pg_search_cb(Operation *op, SlapReply *rs)
{
    pg_search *ps = op->o_callback->sc_private;
    pg_info *pi = ps->pi;

    /* Only an entry that matched a record counts for it (pg_response_check
     * marks it pending), not one merely stored at its synthesized DN. */
    pg_settle(ps, rs);
    if (rs->sr_type != REP_RESULT)
        return SLAP_CB_CONTINUE;
    if (ps->base_id[0] != '\0')
        pg_serve_base(op, rs, pi, ps);
    else if (rs->sr_err == LDAP_SUCCESS)
        pg_synthesize(op, rs, pi, ps);
    return SLAP_CB_CONTINUE;
}

/*
 * Frees the search state at the final result, which slapd also plays for an
 * abandoned search.  Not on a search entry, even of an abandoned search:
 * the entries pg_synthesize sends play the cleanups too, and the callback
 * list being played must stay valid.  Whatever is left is in the
 * operation's temporary memory, released with the operation.
 */
static int
pg_search_cleanup(Operation *op, SlapReply *rs)
{
    if (rs->sr_type == REP_RESULT) {
        slap_callback *sc = op->o_callback;
        pg_search *ps = sc->sc_private;

        LDAP_SLIST_REMOVE(&op->o_extra, &ps->oe, OpExtra, oe_next);
        op->o_callback = sc->sc_next;
        pg_info_drop(ps->pi);
        op->o_tmpfree(ps, op->o_tmpmemctx);
    }
    return 0;
}

/* What names a search state among op's extras: the address of something
 * of the module's own, which no other overlay can hold (a deleted
 * overlay's slap_overinst may be allocated again for another's). */
static const char pg_search_key;

/*
 * After the backend's search on op has returned (dispatch.c): a state pi
 * made for op still among its extras saw no final result: the backend
 * ends without one when the client is gone (a write failed).  Its
 * reference to pg_info is dropped here, or a deleted overlay's state would
 * never be freed.  Only pi's (a glued superior's ploguard has a state of
 * its own for the same operation, running around the subordinate's) and
 * only op's (an internal search on a copy of a client's operation shares
 * the client's extras, and makes none of its own: pg_client_op).  pi is
 * compared, not read: it may be gone.
 */
void
pg_search_release(Operation *op, const pg_info *pi)
{
    OpExtra *oex, *next;
    slap_callback **sc;
    pg_search *ps;

    for (oex = LDAP_SLIST_FIRST(&op->o_extra); oex != NULL; oex = next) {
        next = LDAP_SLIST_NEXT(oex, oe_next);
        ps = (pg_search *)oex;
        if (oex->oe_key != &pg_search_key || ps->pi != pi || ps->op != op)
            continue;
        LDAP_SLIST_REMOVE(&op->o_extra, &ps->oe, OpExtra, oe_next);
        for (sc = &op->o_callback; *sc != NULL; sc = &(*sc)->sc_next)
            if (*sc == &ps->cb) {
                *sc = ps->cb.sc_next;
                break;
            }
        pg_info_drop(ps->pi);
        op->o_tmpfree(ps, op->o_tmpmemctx);
    }
}

/*
 * op's search state for pi: the one whose callback op's answers pass through
 * (pg_response runs from a callback below it: op->o_callback is in its
 * chain).  Not that of a search op is an overlay's internal copy of, with
 * callbacks of its own (dynlist's), though the copy shares the o_extra
 * list; but that of a copy made to answer for it, callbacks and all
 * (back-asyncmeta's).
 */
static pg_search *
pg_find_search(Operation *op, const pg_info *pi)
{
    const slap_callback *sc;
    OpExtra *oex;

    LDAP_SLIST_FOREACH(oex, &op->o_extra, oe_next) {
        if (oex->oe_key != &pg_search_key || ((pg_search *)oex)->pi != pi)
            continue;
        for (sc = &((pg_search *)oex)->cb; sc != NULL; sc = sc->sc_next)
            if (sc == op->o_callback)
                return (pg_search *)oex;
        return NULL;
    }
    return NULL;
}

/*
 * Whether op is one of its connection's operations as a client sent it,
 * not an overlay's internal search made on a copy of one during a
 * client's search (dynlist expanding a memberURL on mail): nothing is
 * made up for those, which would show as a member or a conflict.
 */
static int
pg_client_op(Operation *op)
{
    Connection *c = op->o_conn;
    const Operation *o;
    int found = 0;

    if (c == NULL)
        return 0;
    ldap_pvt_thread_mutex_lock(&c->c_mutex);
    LDAP_STAILQ_FOREACH(o, &c->c_ops, o_next)
        if (o == op) {
            found = 1;
            break;
        }
    ldap_pvt_thread_mutex_unlock(&c->c_mutex);
    return found;
}

/* Whether the search asks sssvlv for a virtual list view (RFC draft
 * "VLV", Outlook's browsing): its window is counted by sssvlv before the
 * final result, where a synthesized entry would be sent past it.  Looked
 * up only when the request has controls; none when sssvlv is not loaded. */
static int
pg_vlv_requested(Operation *op)
{
    int cid;

    return op->o_ctrls != NULL &&
           slap_find_control_id(LDAP_CONTROL_VLVREQUEST, &cid) == LDAP_SUCCESS &&
           op->o_ctrlflag[cid] > SLAP_CONTROL_IGNORED;
}

int
pg_op_search(Operation *op, SlapReply *rs)
{
    slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
    pg_info *pi = on->on_bi.bi_private;
    pg_search local, *ps;
    pg_snapshot *s;

    (void)rs;
    if (pi == NULL || !pi->pi_synth || pg_skip_op(op) ||
        get_pagedresults(op) > SLAP_CONTROL_IGNORED || pg_vlv_requested(op))
        return SLAP_CB_CONTINUE;

    local.nwant = 0;
    local.base_id[0] = '\0';
    local.memo_phone = 0;
    s = pg_snapshot_acquire(pi);
    if (s != NULL) {
        if (op->ors_scope == LDAP_SCOPE_BASE &&
            pg_base_id(&op->o_req_dn, local.base_id,
                       sizeof(local.base_id)) == 0) {
            if (pgr_registry_find_nocase(s->reg, local.base_id,
                                         strlen(local.base_id)) == NULL)
                local.base_id[0] = '\0';
        } else if (op->ors_scope != LDAP_SCOPE_BASE) {
            pg_filter_wants(op, pi, s, &local);
        }
    }
    pg_snapshot_release(pi);
    if (local.nwant == 0 && local.base_id[0] == '\0')
        return SLAP_CB_CONTINUE;   /* the common case: nothing allocated */
    if (!pg_request_is_search(op) || !pg_client_op(op))
        return SLAP_CB_CONTINUE;   /* another overlay's internal search */

    /* not zeroed: most of it is the want array's unused tail */
    ps = op->o_tmpalloc(sizeof(*ps), op->o_tmpmemctx);
    memset(&ps->oe, 0, sizeof(ps->oe));
    memset(&ps->cb, 0, sizeof(ps->cb));
    ps->pending = 0;
    ps->pending_n = 0;
    ps->memo_phone = 0;
    ps->nwant = local.nwant;
    memcpy(ps->want, local.want, sizeof(local.want[0]) * (size_t)local.nwant);
    memcpy(ps->base_id, local.base_id, sizeof(ps->base_id));
    ps->oe.oe_key = (void *)&pg_search_key;
    ps->op = op;
    ps->pi = pi;
    pg_info_hold(pi);
    LDAP_SLIST_INSERT_HEAD(&op->o_extra, &ps->oe, oe_next);
    ps->cb.sc_response = pg_search_cb;
    ps->cb.sc_cleanup = pg_search_cleanup;
    ps->cb.sc_private = ps;
    ps->cb.sc_next = op->o_callback;
    op->o_callback = &ps->cb;
    return SLAP_CB_CONTINUE;
}

/* --------------------------------------------------------- annotation */

/* Whether op's client may read e, and then which of h it may see (the
 * hits of the values it may read; h is rewritten). */
static int
pg_entry_readable(Operation *op, Entry *e, slap_overinst *on,
                  const pg_info *pi, const pg_snapshot *s, pg_hits *h)
{
    BackendInfo *bi = op->o_bd->bd_info;
    int ok;

    op->o_bd->bd_info = (BackendInfo *)on->on_info;
    ok = access_allowed(op, e, slap_schema.si_ad_entry, NULL, ACL_READ, NULL) &&
         pg_entry_hits_readable(op, pi, s, e, h) > 0;
    op->o_bd->bd_info = bi;
    return ok;
}

/*
 * Checks the entry's values against the registry and annotates it when
 * they match: what the verdict table could not answer (key NULL: the
 * entry cannot be named).  Not inlined into pg_response, whose every call
 * would otherwise pay for this one's frame.
 */
static __attribute__((noinline)) int
pg_response_check(Operation *op, SlapReply *rs, slap_overinst *on,
                  pg_info *pi, const pg_verdict_key *key)
{
    pg_snapshot *s;
    pg_search *ps;
    uint64_t gen;
    pg_hits h;
    int i, j, rc;

    /* pg_entry_hits < 0: idempotent, for entries we synthesized or
     * annotated already */
    s = pg_snapshot_acquire(pi);
    if (s == NULL) {
        pg_snapshot_release(pi);
        return SLAP_CB_CONTINUE;
    }
    gen = key != NULL ? pg_verdicts_gen(pi->pi_verdicts) : 0;
    rc = pg_entry_hits(pi, s, rs->sr_entry, &h);
    if (rc <= 0) {
        if (rc == 0 && key != NULL)
            pg_verdict_set_clean(pi->pi_verdicts, key, gen);
        pg_snapshot_release(pi);
        return SLAP_CB_CONTINUE;   /* no match: not a byte changed */
    }

    /* An entry the client may not read is not sent (slapd checks after
     * the callbacks): nothing to log, annotate or count as returned.  The
     * ACL check may search (group membership), so the lock is given up
     * for a reference, which keeps the hits' entities valid: only for a
     * match, which is rare. */
    pg_snapshot_ref(s);
    pg_snapshot_release(pi);
    if (!pg_entry_readable(op, rs->sr_entry, on, pi, s, &h)) {
        pg_snapshot_drop(s);
        return SLAP_CB_CONTINUE;
    }
    ps = pg_find_search(op, pi);
    if (ps != NULL) {
        /* pg_search_cb has settled the previous entry already */
        ps->pending_n = rs->sr_nentries;
        for (i = 0; i < ps->nwant; i++)
            for (j = 0; j < h.n; j++)
                if (strcmp(ps->want[i].id, h.hit[j].entity->id) == 0)
                    ps->pending |= 1u << i;
    }
    pg_log_match(op, pi, s, &h, "annotated", rs->sr_entry->e_name.bv_val);
    if (pg_annotation_visible(pi, rs)) {
        BackendInfo *bi = op->o_bd->bd_info;

        (void)rs_entry2modifiable(op, rs, on);
        op->o_bd->bd_info = (BackendInfo *)on->on_info;
        pg_annotate(pi, s, rs->sr_entry, &h, op);
        op->o_bd->bd_info = bi;
    }
    pg_snapshot_drop(s);
    return SLAP_CB_CONTINUE;
}

int
pg_response(Operation *op, SlapReply *rs)
{
    slap_overinst *on;
    pg_info *pi;
    pg_verdict_key key;
    int named;

    if (rs->sr_type != REP_SEARCH || rs->sr_entry == NULL || pg_skip_op(op))
        return SLAP_CB_CONTINUE;
    on = (slap_overinst *)op->o_bd->bd_info;
    pi = on->on_bi.bi_private;
    if (pi == NULL)
        return SLAP_CB_CONTINUE;

    /* found to match nothing before, and not written since */
    named = pg_verdict_key_of(op, rs, pi, &key);
    if (named && pg_verdict_clean(pi->pi_verdicts, &key))
        return SLAP_CB_CONTINUE;
    return pg_response_check(op, rs, on, pi, named ? &key : NULL);
}
