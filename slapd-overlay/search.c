/*
 * search.c - what a searching client sees.
 *
 * pg_response (the overlay's on_response) annotates every search entry of
 * this database whose phone or mail values match the registry.
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
 * under the paged-results control.
 *
 * Synthesized entries are owned by slapd once sent (REP_ENTRY_MODIFIABLE |
 * REP_ENTRY_MUSTBEFREED: send_search_entry frees them); entries that are
 * not sent are freed here.  The search state lives in op->o_tmpmemctx and
 * is freed by pg_search_cleanup at the final result or on abandon.
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

static void
pg_add_str(Entry *e, const char *attr, const char *val)
{
    AttributeDescription *ad = NULL;
    const char *why;
    struct berval bv;

    if (val == NULL || val[0] == '\0' || slap_str2ad(attr, &ad, &why) != 0)
        return;
    ber_str2bv(val, 0, 0, &bv);
    (void)attr_merge_normalize_one(e, ad, &bv, NULL);
}

/*
 * Builds the entry for ent under the read lock: every string is copied
 * into the entry.  w is the assertion it answers, or NULL for a base read
 * (then the registry's own numbers and addresses are shown).
 */
static Entry *
pg_synth_entry(Operation *op, const pg_info *pi, const pg_snapshot *s,
               const pgr_entity *ent, const pg_want *w)
{
    static const char *const ocs[] = {
        "top", "person", "organizationalPerson", "inetOrgPerson",
        "ploguardContact"
    };
    Entry *e = entry_alloc();
    const char *name = ent->display_name ? ent->display_name : ent->id;
    const pgr_entity *org = ent->mission ? ent->mission : ent->organization;
    char rdnbuf[sizeof(PG_RDN_PREFIX) + PG_ID_MAX + 1];
    struct berval rdn, bv;
    pg_hits h;
    size_t i;

    if (w != NULL) {
        rdn.bv_val = rdnbuf;
        rdn.bv_len = (size_t)snprintf(rdnbuf, sizeof(rdnbuf), "%s%s",
                                      PG_RDN_PREFIX, ent->id);
        build_new_dn(&e->e_name, &op->o_req_dn, &rdn, NULL);
    } else {
        ber_dupbv(&e->e_name, &op->o_req_dn);
    }
    if (dnNormalize(0, NULL, NULL, &e->e_name, &e->e_nname, NULL) !=
        LDAP_SUCCESS) {
        entry_free(e);
        return NULL;
    }
    for (i = 0; i < sizeof(ocs) / sizeof(ocs[0]); i++) {
        ber_str2bv(ocs[i], 0, 0, &bv);
        (void)attr_merge_normalize_one(e, slap_schema.si_ad_objectClass,
                                       &bv, NULL);
    }
    snprintf(rdnbuf, sizeof(rdnbuf), "ploguard-%s", ent->id);
    pg_add_str(e, "uid", rdnbuf);
    pg_add_str(e, "cn", name);
    pg_add_str(e, "sn", ent->family ? ent->family : name);
    pg_add_str(e, "givenName", ent->given);
    pg_add_str(e, "displayName", name);
    if (org != NULL)
        pg_add_str(e, "o", org->display_name);
    /* it has no children; without this the backend would be asked */
    ber_str2bv("FALSE", 0, 0, &bv);
    (void)attr_merge_normalize_one(e, slap_schema.si_ad_hasSubordinates,
                                   &bv, NULL);

    h.n = 1;
    h.hit[0].entity = ent;
    h.hit[0].by_dn = 0;
    if (w != NULL) {
        bv.bv_val = (char *)w->value;
        bv.bv_len = w->vlen;
        (void)attr_merge_normalize_one(e, w->ad, &bv, NULL);
        h.hit[0].on = w->on;
        snprintf(h.hit[0].what, sizeof(h.hit[0].what), "%s", w->what);
    } else {
        for (i = 0; i < ent->nphones && pi->pi_phone.n > 0; i++) {
            ber_str2bv(ent->phones[i], 0, 0, &bv);
            (void)attr_merge_normalize_one(e, pi->pi_phone.ad[0], &bv, NULL);
        }
        for (i = 0; i < ent->nemails && pi->pi_mail.n > 0; i++) {
            ber_str2bv(ent->emails[i], 0, 0, &bv);
            (void)attr_merge_normalize_one(e, pi->pi_mail.ad[0], &bv, NULL);
        }
        /* what identified it: the DN itself */
        h.hit[0].on = PGR_ON_PHONE;
        h.hit[0].by_dn = 1;
        snprintf(h.hit[0].what, sizeof(h.hit[0].what), "%s", ent->id);
    }
    pg_annotate(pi, s, e, &h);
    pg_log_match(op, pi, s, &h, "synthesized", e->e_name.bv_val);
    return e;
}

/*
 * Sends e (whose ownership passes to slapd).  Returns the result of
 * send_search_entry, or -1 when e was not sent because it is out of scope
 * or does not match the filter (e freed).
 */
static int
pg_send(Operation *op, SlapReply *rs, Entry *e)
{
    SlapReply r = { .sr_type = REP_SEARCH };
    int rc;

    if (!dnIsSuffixScope(&e->e_nname, &op->o_req_ndn, op->ors_scope) ||
        test_filter(op, e, op->ors_filter) != LDAP_COMPARE_TRUE) {
        entry_free(e);
        return -1;
    }
    if (op->ors_slimit >= 0 && rs->sr_nentries >= op->ors_slimit) {
        entry_free(e);
        return LDAP_SIZELIMIT_EXCEEDED;
    }
    r.sr_entry = e;
    r.sr_flags = REP_ENTRY_MODIFIABLE | REP_ENTRY_MUSTBEFREED;
    r.sr_attrs = op->ors_attrs;
    r.sr_nentries = rs->sr_nentries;
    rc = send_search_entry(op, &r);
    rs->sr_nentries = r.sr_nentries;
    return rc;
}

static void
pg_synthesize(Operation *op, SlapReply *rs, pg_info *pi, pg_search *ps)
{
    Entry *out[PG_MAX_WANT];
    pg_snapshot *s;
    int i, n = 0, rc;

    s = pg_snapshot_acquire(pi);
    if (s != NULL) {
        for (i = 0; i < ps->nwant; i++) {
            const pg_want *w = &ps->want[i];
            const pgr_entity *ent;

            if (w->seen)
                continue;
            /* looked up again: the registry may have been reloaded */
            ent = pgr_registry_find(s->reg, w->id, strlen(w->id));
            if (ent != NULL && (out[n] = pg_synth_entry(op, pi, s, ent, w)))
                n++;
        }
    }
    pg_snapshot_release(pi);

    for (i = 0; i < n; i++) {
        rc = pg_send(op, rs, out[i]);
        out[i] = NULL;
        if (rc == LDAP_SIZELIMIT_EXCEEDED) {
            rs->sr_err = LDAP_SIZELIMIT_EXCEEDED;
            break;
        }
        if (rc == LDAP_UNAVAILABLE || rc == LDAP_BUSY)
            break;
    }
    for (; i < n; i++)
        if (out[i] != NULL)
            entry_free(out[i]);
}

/* The backend found nothing at uid=ploguard-<id>,<parent> but found the
 * parent: answer with the synthesized entry. */
static void
pg_serve_base(Operation *op, SlapReply *rs, pg_info *pi, pg_search *ps)
{
    struct berval pndn, m, mn = BER_BVNULL;
    Entry *e = NULL;
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

    s = pg_snapshot_acquire(pi);
    if (s != NULL) {
        const pgr_entity *ent = pgr_registry_find(s->reg, ps->base_id,
                                                  strlen(ps->base_id));
        if (ent != NULL)
            e = pg_synth_entry(op, pi, s, ent, NULL);
    }
    pg_snapshot_release(pi);
    if (e == NULL)
        return;

    /* the object exists now, whether or not it matches the filter */
    if (rs->sr_flags & REP_MATCHED_MUSTBEFREED) {
        rs->sr_flags &= ~REP_MATCHED_MUSTBEFREED;
        ch_free((char *)rs->sr_matched);
    }
    rs->sr_matched = NULL;
    rs->sr_text = NULL;
    rs->sr_err = LDAP_SUCCESS;
    if (pg_send(op, rs, e) == LDAP_SIZELIMIT_EXCEEDED)
        rs->sr_err = LDAP_SIZELIMIT_EXCEEDED;
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
 * The wants whose synthesized DN is e's: a real entry stored there (the
 * overlay does not forbid it) is returned instead, never both.
 */
static unsigned
pg_dn_wants(Operation *op, const pg_search *ps, const struct berval *ndn)
{
    size_t pl = sizeof(PG_RDN_PREFIX) - 1;
    unsigned mask = 0;
    int i;

    if (ndn->bv_len <= pl || strncasecmp(ndn->bv_val, PG_RDN_PREFIX, pl) != 0)
        return 0;
    for (i = 0; i < ps->nwant; i++) {
        size_t idlen = strlen(ps->want[i].id);

        if (ndn->bv_len == pl + idlen + 1 + op->o_req_ndn.bv_len &&
            strncasecmp(ndn->bv_val + pl, ps->want[i].id, idlen) == 0 &&
            ndn->bv_val[pl + idlen] == ',' &&
            memcmp(ndn->bv_val + pl + idlen + 1, op->o_req_ndn.bv_val,
                   op->o_req_ndn.bv_len) == 0)
            mask |= 1u << i;
    }
    return mask;
}

static int
pg_search_cb(Operation *op, SlapReply *rs)
{
    pg_search *ps = op->o_callback->sc_private;
    slap_overinst *on = ps->oe.oe_key;
    pg_info *pi = on->on_bi.bi_private;

    pg_settle(ps, rs);
    if (rs->sr_type == REP_SEARCH && rs->sr_entry != NULL) {
        ps->pending = pg_dn_wants(op, ps, &rs->sr_entry->e_nname);
        ps->pending_n = rs->sr_nentries;
    }
    if (rs->sr_type != REP_RESULT || pi == NULL)
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
        op->o_tmpfree(ps, op->o_tmpmemctx);
    }
    return 0;
}

static pg_search *
pg_find_search(Operation *op, slap_overinst *on)
{
    OpExtra *oex;

    LDAP_SLIST_FOREACH(oex, &op->o_extra, oe_next)
        if (oex->oe_key == on)
            return (pg_search *)oex;
    return NULL;
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
        get_pagedresults(op) > SLAP_CONTROL_IGNORED)
        return SLAP_CB_CONTINUE;

    local.nwant = 0;
    local.base_id[0] = '\0';
    s = pg_snapshot_acquire(pi);
    if (s != NULL) {
        if (op->ors_scope == LDAP_SCOPE_BASE &&
            pg_base_id(&op->o_req_dn, local.base_id,
                       sizeof(local.base_id)) == 0) {
            if (pgr_registry_find(s->reg, local.base_id,
                                  strlen(local.base_id)) == NULL)
                local.base_id[0] = '\0';
        } else if (op->ors_scope != LDAP_SCOPE_BASE) {
            pg_filter_wants(op, pi, s, &local);
        }
    }
    pg_snapshot_release(pi);
    if (local.nwant == 0 && local.base_id[0] == '\0')
        return SLAP_CB_CONTINUE;   /* the common case: nothing allocated */

    ps = op->o_tmpcalloc(1, sizeof(*ps), op->o_tmpmemctx);
    ps->nwant = local.nwant;
    memcpy(ps->want, local.want, sizeof(local.want[0]) * (size_t)local.nwant);
    memcpy(ps->base_id, local.base_id, sizeof(ps->base_id));
    ps->oe.oe_key = on;
    LDAP_SLIST_INSERT_HEAD(&op->o_extra, &ps->oe, oe_next);
    ps->cb.sc_response = pg_search_cb;
    ps->cb.sc_cleanup = pg_search_cleanup;
    ps->cb.sc_private = ps;
    ps->cb.sc_next = op->o_callback;
    op->o_callback = &ps->cb;
    return SLAP_CB_CONTINUE;
}

/* --------------------------------------------------------- annotation */

int
pg_response(Operation *op, SlapReply *rs)
{
    slap_overinst *on;
    pg_info *pi;
    pg_snapshot *s;
    pg_search *ps;
    pg_hits h;
    int i, j;

    if (rs->sr_type != REP_SEARCH || rs->sr_entry == NULL || pg_skip_op(op))
        return SLAP_CB_CONTINUE;
    on = (slap_overinst *)op->o_bd->bd_info;
    pi = on->on_bi.bi_private;
    if (pi == NULL)
        return SLAP_CB_CONTINUE;

    /* pg_entry_hits < 0: idempotent, for entries we synthesized or
     * annotated already */
    s = pg_snapshot_acquire(pi);
    if (s == NULL || pg_entry_hits(pi, s, rs->sr_entry, &h) <= 0) {
        pg_snapshot_release(pi);
        return SLAP_CB_CONTINUE;   /* no match: not a byte changed */
    }

    ps = pg_find_search(op, on);
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
        (void)rs_entry2modifiable(op, rs, on);
        pg_annotate(pi, s, rs->sr_entry, &h);
    }
    pg_snapshot_release(pi);
    return SLAP_CB_CONTINUE;
}
