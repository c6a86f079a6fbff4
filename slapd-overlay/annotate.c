/*
 * annotate.c - what an entry matching the registry gains.
 *
 * pg_entry_hits() looks at an entry's phone and mail values with the
 * resolver; it allocates nothing (the resolver's phone and address paths
 * use stack buffers), so an entry that matches nothing costs no memory and
 * is never touched.  It runs for every entry slapd returns, so it first
 * walks the entry's attributes once and asks the resolver's pre-checks
 * (pgr_phone_may_match, pgr_email_may_match: no parsing); only an entry
 * with a value that may match is looked up in full.  Only exact identifier hits count (phone, phone block,
 * address, and the domain of an address, which marks a mission's or an
 * organization's contact); a name never does.
 *
 * pg_annotate() edits an entry the caller owns (a copy made by
 * rs_entry2modifiable, or a synthesized entry):
 *   - each display attribute gets, as its first value, the instruction's
 *     short text followed by ": " and its former first value; the former
 *     values stay (an entry keeps its RDN value), except in a single-valued
 *     attribute, whose value is replaced;
 *   - the notes attribute gains the full instruction texts;
 *   - ploguardInstruction gets the full texts, ploguardMatch one value per
 *     registry record matched.
 */
#include "ploguard.h"

#include <string.h>

static int
pg_hits_add(pg_hits *h, const pgr_entity *ent, pgr_matched_on on,
            const char *what)
{
    int i;

    for (i = 0; i < h->n; i++)
        if (h->hit[i].entity == ent)
            return 0;
    if (h->n >= PG_MAX_ENTRY_HITS)
        return 0;
    h->hit[h->n].entity = ent;
    h->hit[h->n].on = on;
    h->hit[h->n].by_dn = 0;
    pg_copy(h->hit[h->n].what, sizeof(h->hit[h->n].what), what);
    h->n++;
    return 1;
}

/* Adds the exact hits of one value to h; returns how many were new. */
int
pg_match_value(const pg_info *pi, const pg_snapshot *s, int is_phone,
               const struct berval *val, pg_hits *h)
{
    pgr_result res;
    size_t i, n;
    int added = 0;

    if (val->bv_len == 0)
        return 0;
    /* most values match nothing: turned away without parsing */
    if (is_phone ? !pgr_phone_may_match(s->reg, val->bv_val, val->bv_len)
                 : !pgr_email_may_match(s->reg, val->bv_val, val->bv_len))
        return 0;
    if (is_phone)
        n = pgr_match_phone(s->reg, &pi->pi_pcfg, val->bv_val, val->bv_len,
                            &res);
    else
        n = pgr_match_email(s->reg, val->bv_val, val->bv_len, &res);
    for (i = 0; i < n && i < PGR_MAX_HITS; i++) {
        const pgr_hit *hit = &res.hit[i];

        if (hit->confidence != PGR_EXACT || hit->on == PGR_ON_NAME ||
            hit->entity == NULL)
            continue;
        added += pg_hits_add(h, hit->entity, hit->on, res.normalized);
    }
    return added;
}

/* Every value of every attribute of pa's types, tagged ones included
 * (telephoneNumber;lang-en), in the configured order; with reader, only
 * the values its client may read. */
static void
pg_attrs_hits(const pg_info *pi, const pg_snapshot *s, Entry *e,
              const pg_attrs *pa, int is_phone, Operation *reader, pg_hits *h)
{
    Attribute *a;
    int i;
    unsigned j;

    for (i = 0; i < pa->n; i++)
        for (a = e->e_attrs; a != NULL; a = a->a_next) {
            if (a->a_desc->ad_type != pa->ad[i]->ad_type)
                continue;
            for (j = 0; j < a->a_numvals; j++) {
                /* the normalized value, as send_search_entry asks */
                if (reader != NULL &&
                    !access_allowed(reader, e, a->a_desc, &a->a_nvals[j],
                                    ACL_READ, NULL))
                    continue;
                (void)pg_match_value(pi, s, is_phone, &a->a_vals[j], h);
            }
        }
}

/* Whether some value of a may match the registry (the resolver's cheap
 * pre-check; most entries have no such value). */
static int
pg_attr_may_match(const pg_snapshot *s, const Attribute *a, int is_phone)
{
    unsigned j;

    for (j = 0; j < a->a_numvals; j++) {
        const struct berval *v = &a->a_vals[j];

        if (is_phone ? pgr_phone_may_match(s->reg, v->bv_val, v->bv_len)
                     : pgr_email_may_match(s->reg, v->bv_val, v->bv_len))
            return 1;
    }
    return 0;
}

/*
 * One pass over e's attributes: -1 when e carries ploguardMatch already
 * (synthesized or annotated: left alone), 1 when some phone or mail value
 * may match, 0 when none can.
 */
static int
pg_entry_scan(const pg_info *pi, const pg_snapshot *s, const Entry *e)
{
    uint64_t want = pg_ad_bit(pg_ad_match) | pi->pi_phone.mask |
                    pi->pi_mail.mask;
    const Attribute *a;
    int may = 0;

    for (a = e->e_attrs; a != NULL; a = a->a_next) {
        uint64_t bit = pg_ad_bit(a->a_desc);

        if (!(want & bit))
            continue;
        if (a->a_desc->ad_type == pg_ad_match->ad_type)
            return -1;
        if (may)
            continue;   /* still looking for ploguardMatch */
        if ((pi->pi_phone.mask & bit) && pg_attrs_has(&pi->pi_phone, a->a_desc))
            may = pg_attr_may_match(s, a, 1);
        if (!may && (pi->pi_mail.mask & bit) &&
            pg_attrs_has(&pi->pi_mail, a->a_desc))
            may = pg_attr_may_match(s, a, 0);
    }
    return may;
}

/*
 * The exact hits of e's phone and mail values (configured order), or -1
 * when e carries ploguardMatch already.  The common entry, whose values
 * cannot match, costs one pass over its attributes and no lookup.
 */
int
pg_entry_hits(const pg_info *pi, const pg_snapshot *s, Entry *e, pg_hits *h)
{
    int rc;

    h->n = 0;
    rc = pg_entry_scan(pi, s, e);
    if (rc <= 0)
        return rc;
    pg_attrs_hits(pi, s, e, &pi->pi_phone, 1, NULL, h);
    pg_attrs_hits(pi, s, e, &pi->pi_mail, 0, NULL, h);
    return h->n;
}

/*
 * The hits of the values reader's client may read (reader->o_bd->bd_info
 * set for access_allowed): a number ACLs keep from a client must neither
 * show through ploguardMatch nor be what marks the entry for it.  Only for
 * an entry pg_entry_hits found to match, which is rare.
 */
int
pg_entry_hits_readable(Operation *reader, const pg_info *pi,
                       const pg_snapshot *s, Entry *e, pg_hits *h)
{
    h->n = 0;
    pg_attrs_hits(pi, s, e, &pi->pi_phone, 1, reader, h);
    pg_attrs_hits(pi, s, e, &pi->pi_mail, 0, reader, h);
    return h->n;
}

/* Would the client see any of what pg_annotate() changes? */
int
pg_annotation_visible(const pg_info *pi, const SlapReply *rs)
{
    slap_mask_t flags = rs->sr_attr_flags;
    int i;

    if (SLAP_USERATTRS(flags) || SLAP_OPATTRS(flags))
        return 1;
    if (ad_inlist(pg_ad_match, rs->sr_attrs) ||
        ad_inlist(pg_ad_instruction, rs->sr_attrs))
        return 1;
    for (i = 0; i < pi->pi_display.n; i++)
        if (ad_inlist(pi->pi_display.ad[i], rs->sr_attrs))
            return 1;
    for (i = 0; i < pi->pi_notes.n; i++)
        if (ad_inlist(pi->pi_notes.ad[i], rs->sr_attrs))
            return 1;
    return 0;
}

const char *
pg_text(const pgr_instruction *ins, int lang, int is_short)
{
    const char *t;

    if (ins == NULL)
        return "";
    if (lang == PG_LANG_FR)
        t = is_short ? ins->short_fr : ins->fr;
    else
        t = is_short ? ins->short_en : ins->en;
    return t != NULL ? t : "";
}

/* "SHORT_EN / SHORT_FR: " in the configured languages; ch_malloc'd. */
char *
pg_prefix(const pg_info *pi, const pgr_instruction *ins)
{
    const char *a = pg_text(ins, pi->pi_lang[0], 1);
    const char *b = pi->pi_lang[1] ? pg_text(ins, pi->pi_lang[1], 1) : NULL;
    size_t len = strlen(a) + (b ? strlen(b) + 3 : 0) + 3;
    char *p = ch_malloc(len);

    if (b != NULL && b[0] != '\0' && strcmp(a, b) != 0)
        snprintf(p, len, "%s / %s: ", a, b);
    else
        snprintf(p, len, "%s: ", a);
    return p;
}

/* Makes prefix + first value the first value of ad in e. */
static void
pg_prefix_attr(Entry *e, AttributeDescription *ad, const char *prefix,
               const struct berval *fallback)
{
    Attribute *a = attr_find(e->e_attrs, ad);
    const struct berval *first = a != NULL ? &a->a_vals[0] : fallback;
    size_t plen = strlen(prefix);
    struct berval nv;
    BerVarray vals;
    unsigned i, n;
    int single = ad->ad_type->sat_atype.at_single_value;

    nv.bv_len = plen + first->bv_len;
    nv.bv_val = ch_malloc(nv.bv_len + 1);
    memcpy(nv.bv_val, prefix, plen);
    memcpy(nv.bv_val + plen, first->bv_val, first->bv_len);
    nv.bv_val[nv.bv_len] = '\0';

    if (a == NULL) {
        (void)attr_merge_normalize_one(e, ad, &nv, NULL);
        ch_free(nv.bv_val);
        return;
    }
    /* Rebuilt rather than edited in place: the entry's value arrays may
     * live in one block with the entry (entry_decode). */
    n = single ? 1 : a->a_numvals + 1;
    vals = ch_calloc(n + 1, sizeof(struct berval));
    vals[0] = nv;
    for (i = 1; i < n; i++)
        ber_dupbv(&vals[i], &a->a_vals[i - 1]);
    (void)attr_delete(&e->e_attrs, ad);
    (void)attr_merge_normalize(e, ad, vals, NULL);
    ber_bvarray_free(vals);
}

static void
pg_add_text(Entry *e, AttributeDescription *ad, const char *text)
{
    const Attribute *a;
    struct berval bv;
    unsigned i;

    if (text == NULL || text[0] == '\0')
        return;
    ber_str2bv(text, 0, 0, &bv);
    /* once: the English and French texts may be the same, two records'
     * instructions too, or the entry may hold the text already; an
     * attribute's values are a set (attr_merge does not check) */
    a = attr_find(e->e_attrs, ad);
    for (i = 0; a != NULL && i < a->a_numvals; i++)
        if (bvmatch(&a->a_vals[i], &bv))
            return;
    (void)attr_merge_normalize_one(e, ad, &bv, NULL);
}

static const char *
pg_matched_name(const pg_hit *hit)
{
    return hit->by_dn ? "dn" : pgr_matched_on_name(hit->on);
}

/*
 * Copies str after the *len bytes already in buf (of size sz), as much as
 * fits, and keeps buf NUL-terminated.  A plain copy: these run for every
 * synthesized answer, where snprintf's formatting was a visible cost.
 */
void
pg_cat(char *buf, size_t sz, size_t *len, const char *str)
{
    size_t n = strlen(str);

    if (sz == 0 || *len >= sz)
        return;
    if (n > sz - 1 - *len)
        n = sz - 1 - *len;
    memcpy(buf + *len, str, n);
    *len += n;
    buf[*len] = '\0';
}

/* Copies str into buf of size sz (> 0), truncating. */
void
pg_copy(char *buf, size_t sz, const char *str)
{
    size_t len = 0;

    buf[0] = '\0';
    pg_cat(buf, sz, &len, str);
}

/* The ploguardMatch value of hit into buf; its length, or -1. */
int
pg_match_text(char *buf, size_t sz, const pg_snapshot *s, const pg_hit *hit,
              int stale)
{
    size_t len = 0;

    if (sz == 0)
        return -1;
    buf[0] = '\0';
    pg_cat(buf, sz, &len, "registry=");
    pg_cat(buf, sz, &len, s->regid);
    pg_cat(buf, sz, &len, " seq=");
    pg_cat(buf, sz, &len, s->seqtext);
    pg_cat(buf, sz, &len, " entity=");
    pg_cat(buf, sz, &len, hit->entity->id);
    pg_cat(buf, sz, &len, " kind=");
    pg_cat(buf, sz, &len, pgr_entity_kind_name(hit->entity->kind));
    pg_cat(buf, sz, &len, " matched=");
    pg_cat(buf, sz, &len, pg_matched_name(hit));
    pg_cat(buf, sz, &len, ":");
    pg_cat(buf, sz, &len, hit->what);
    pg_cat(buf, sz, &len, " confidence=exact status=");
    pg_cat(buf, sz, &len, pgr_status_name(hit->entity->status));
    pg_cat(buf, sz, &len, stale ? " stale=yes" : " stale=no");
    return (int)len;
}

static void
pg_add_match(const pg_snapshot *s, Entry *e, const pg_hit *hit, int stale)
{
    char buf[1024];
    struct berval bv;
    int len = pg_match_text(buf, sizeof(buf), s, hit, stale);

    if (len < 0)
        return;
    bv.bv_val = buf;
    bv.bv_len = (size_t)len;
    (void)attr_merge_normalize_one(e, pg_ad_match, &bv, NULL);
}

void
pg_annotate(const pg_info *pi, const pg_snapshot *s, Entry *e,
            const pg_hits *h, Operation *reader)
{
    const pgr_instruction *done[PG_MAX_ENTRY_HITS];
    const pgr_entity *first = h->hit[0].entity;
    struct berval fallback = BER_BVNULL;
    int i, j, k, ndone = 0;
    int stale = pgr_registry_stale(s->reg, time(NULL));
    char *prefix;

    /* the name shown after the prefix when a display attribute is absent:
     * another's, if reader's client may read it (cn kept from it must not
     * show through displayName), else the registry's */
    for (i = 0; i < pi->pi_display.n && fallback.bv_val == NULL; i++) {
        Attribute *a = attr_find(e->e_attrs, pi->pi_display.ad[i]);
        if (a != NULL && a->a_numvals > 0 &&
            (reader == NULL ||
             access_allowed(reader, e, a->a_desc, &a->a_nvals[0], ACL_READ,
                            NULL)))
            ber_dupbv(&fallback, &a->a_vals[0]);
    }
    if (fallback.bv_val == NULL)
        ber_str2bv(first->display_name ? first->display_name : first->id,
                   0, 1, &fallback);

    prefix = pg_prefix(pi, first->instruction);
    for (i = 0; i < pi->pi_display.n; i++)
        pg_prefix_attr(e, pi->pi_display.ad[i], prefix, &fallback);
    ch_free(prefix);
    ch_free(fallback.bv_val);

    for (i = 0; i < h->n; i++) {
        const pgr_instruction *ins = h->hit[i].entity->instruction;

        for (j = 0; j < ndone; j++)
            if (done[j] == ins)
                break;
        if (j < ndone || ins == NULL)
            continue;
        done[ndone++] = ins;
        for (k = 0; k < PG_MAX_LANGS && pi->pi_lang[k] != 0; k++) {
            const char *t = pg_text(ins, pi->pi_lang[k], 0);

            pg_add_text(e, pi->pi_notes.ad[0], t);
            pg_add_text(e, pg_ad_instruction, t);
        }
    }
    for (i = 0; i < h->n; i++)
        pg_add_match(s, e, &h->hit[i], stale);
}

/* Every match is logged, at the administrator's level, so that the agency
 * can report the approach to the ILDC. */
void
pg_log_match(Operation *op, const pg_info *pi, const pg_snapshot *s,
             const pg_hits *h, const char *how, const char *dn)
{
    int i, stale = pgr_registry_stale(s->reg, time(NULL));

    for (i = 0; i < h->n; i++) {
        const pgr_entity *ent = h->hit[i].entity;

        Log(pi->pi_loglevel, LDAP_LEVEL_NOTICE,
            "%s ploguard: MATCH %s dn=\"%s\" bind=\"%s\" entity=%s kind=%s "
            "role=%s status=%s matched=%s:%s registry=%s seq=%lld%s\n",
            op->o_log_prefix, how, dn,
            op->o_ndn.bv_val != NULL ? op->o_ndn.bv_val : "",
            ent->id, pgr_entity_kind_name(ent->kind),
            pgr_role_name(ent->role), pgr_status_name(ent->status),
            pg_matched_name(&h->hit[i]), h->hit[i].what,
            s->regid, s->seq, stale ? " STALE" : "");
    }
}
