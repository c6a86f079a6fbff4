/*
 * filter.c - which registry records a search filter asks for.
 *
 * An equality, or a substring whose pieces put together give a complete
 * identifier, on a configured phone or mail attribute, whose value the
 * resolver finds exactly in the registry, makes a "want": a record that
 * gets a synthesized entry unless the directory returns one for it
 * (search.c).  NOT subtrees are never entered.  Nothing is allocated:
 * everything goes into the caller's pg_search.
 */
#include "ploguard.h"
#include "bercursor.h"

#include <string.h>

/* Registry ids used in DNs: letters, digits, '.', '_', '-' only, so that
 * the RDN never needs escaping. */
static int
pg_id_ok(const char *id, size_t len)
{
    size_t i;

    if (len == 0 || len > PG_ID_MAX)
        return 0;
    for (i = 0; i < len; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* ---------------------------------------------------- filter inspection */

/* Whether ent's record is wanted already with this value on ad.  One want
 * per record, attribute and value: an AND of a record's number and
 * address makes two, and its entry holds both. */
static int
pg_want_known(const pg_search *ps, const pgr_entity *ent,
              const AttributeDescription *ad, const char *val, size_t vlen)
{
    int i;

    for (i = 0; i < ps->nwant; i++)
        if (ps->want[i].ent == ent && ps->want[i].ad == ad &&
            ps->want[i].vlen == vlen &&
            memcmp(ps->want[i].value, val, vlen) == 0)
            return 1;
    return 0;
}

static void
pg_want_add(pg_search *ps, const pg_hit *hit, const Filter *node,
            AttributeDescription *ad, const char *val, size_t vlen)
{
    pg_want *w;

    if (pg_want_known(ps, hit->entity, ad, val, vlen))
        return;
    if (ps->nwant >= PG_MAX_WANT || vlen > PG_VALUE_MAX ||
        hit->entity->id == NULL ||
        !pg_id_ok(hit->entity->id, strlen(hit->entity->id)))
        return;
    w = &ps->want[ps->nwant++];
    w->ent = hit->entity;
    w->node = node;
    w->seen = 0;
    pg_copy(w->id, sizeof(w->id), hit->entity->id);
    w->ad = ad;
    memcpy(w->value, val, vlen);
    w->value[vlen] = '\0';
    w->vlen = vlen;
    w->on = hit->on;
    pg_copy(w->what, sizeof(w->what), hit->what);
}

/*
 * The value looked up last asserted again on another attribute of its kind
 * (Yealink asks for one number on three): the records it made wants of,
 * wanted on ad as well, without asking the registry again.  Each asserted
 * attribute gets the value in the synthesized entry, as an AND of the
 * number on two attributes needs.
 */
static void
pg_want_again(const pg_info *pi, pg_search *ps, const Filter *node,
              AttributeDescription *ad, const char *val, size_t vlen,
              int is_phone)
{
    int i, n = ps->nwant;

    for (i = 0; i < n && ps->nwant < PG_MAX_WANT; i++) {
        const pg_want *w = &ps->want[i];
        pg_want *copy;

        if (w->vlen != vlen || memcmp(w->value, val, vlen) != 0 ||
            pg_attrs_has(&pi->pi_phone, w->ad) != is_phone ||
            pg_want_known(ps, w->ent, ad, val, vlen))
            continue;
        copy = &ps->want[ps->nwant++];
        *copy = *w;
        copy->ad = ad;
        copy->node = node;
    }
}

static void
pg_assertion(const pg_info *pi, const pg_snapshot *s, pg_search *ps,
             const Filter *node, AttributeDescription *ad, const char *val,
             size_t vlen)
{
    int is_phone = pg_attrs_has(&pi->pi_phone, ad);
    struct berval bv;
    pg_hits h;
    int i, specific = 0;

    if (!is_phone && !pg_attrs_has(&pi->pi_mail, ad))
        return;
    if (ps->memo_phone == is_phone + 1 && ps->memo_len == vlen &&
        memcmp(ps->memo, val, vlen) == 0) {
        pg_want_again(pi, ps, node, ad, val, vlen, is_phone);
        return;
    }
    if (vlen <= PG_VALUE_MAX) {
        memcpy(ps->memo, val, vlen);
        ps->memo_len = vlen;
        ps->memo_phone = is_phone + 1;
    }
    bv.bv_val = (char *)val;
    bv.bv_len = vlen;
    h.n = 0;
    if (pg_match_value(pi, s, is_phone, &bv, &h) == 0)
        return;
    /* A number or address held by a person or mission answers for it
     * alone; the block or domain it also falls in is not synthesized. */
    for (i = 0; i < h.n; i++)
        if (h.hit[i].on == PGR_ON_PHONE || h.hit[i].on == PGR_ON_EMAIL)
            specific = 1;
    if (!specific) {
        /* only the narrowest block or domain (the resolver's first) */
        pg_want_add(ps, &h.hit[0], node, ad, val, vlen);
        return;
    }
    for (i = 0; i < h.n; i++)
        if (h.hit[i].on == PGR_ON_PHONE || h.hit[i].on == PGR_ON_EMAIL)
            pg_want_add(ps, &h.hit[i], node, ad, val, vlen);
}

/* Appends bv to buf; returns -1 when it would not fit. */
static int
pg_append(char *buf, size_t sz, size_t *len, const struct berval *bv)
{
    if (bv->bv_len >= sz - *len)
        return -1;
    memcpy(buf + *len, bv->bv_val, bv->bv_len);
    *len += bv->bv_len;
    return 0;
}

/* The substring pieces in order: what the complete identifier would be. */
static void
pg_substrings(const pg_info *pi, const pg_snapshot *s, pg_search *ps,
              Filter *f)
{
    char buf[PG_VALUE_MAX + 1];
    size_t len = 0;
    int i;

    if (!BER_BVISNULL(&f->f_sub_initial) &&
        pg_append(buf, sizeof(buf), &len, &f->f_sub_initial) != 0)
        return;
    for (i = 0; f->f_sub_any != NULL && !BER_BVISNULL(&f->f_sub_any[i]);
         i++)
        if (pg_append(buf, sizeof(buf), &len, &f->f_sub_any[i]) != 0)
            return;
    if (!BER_BVISNULL(&f->f_sub_final) &&
        pg_append(buf, sizeof(buf), &len, &f->f_sub_final) != 0)
        return;
    buf[len] = '\0';
    pg_assertion(pi, s, ps, f, f->f_sub_desc, buf, len);
}

static void
pg_filter_walk(const pg_info *pi, const pg_snapshot *s, pg_search *ps,
               Filter *f, int depth)
{
    Filter *c;

    if (f == NULL || depth > PG_FILTER_DEPTH ||
        (f->f_choice & SLAPD_FILTER_UNDEFINED))
        return;
    switch (f->f_choice & SLAPD_FILTER_MASK) {
    case LDAP_FILTER_AND:
    case LDAP_FILTER_OR:
        for (c = f->f_list; c != NULL; c = c->f_next)
            pg_filter_walk(pi, s, ps, c, depth + 1);
        break;
    case LDAP_FILTER_EQUALITY:
        pg_assertion(pi, s, ps, f, f->f_av_desc, f->f_av_value.bv_val,
                     f->f_av_value.bv_len);
        break;
    case LDAP_FILTER_SUBSTRINGS:
        pg_substrings(pi, s, ps, f);
        break;
    default:
        /* NOT is never entered: asserting a number there asks for
         * everything else. */
        break;
    }
}

/* ------------------------------------------- the values as the client sent
 *
 * slapd keeps only normalized assertion values (telephoneNumber loses its
 * spaces and hyphens, mail its case), but a synthesized entry must hold the
 * asserted value verbatim: some phones compare the returned number with
 * the caller's.  The request is still in op->o_ber, so its filter is read
 * again, in step with the parsed one (get_filter keeps one node per
 * element, a computed node standing for a whole element), by a cursor
 * that only reads (bercursor.h; ber_flatten2 gives the request's octets
 * and writes a NUL only past them).  slapd's parse has already replaced
 * the octet after each string it read with a NUL (liblber keeps the real
 * octet aside), so a tag read as 0 is one of those and the parsed node
 * tells what it was.  Any other difference stops the walk, and the
 * normalized values are kept.
 */

static void
pg_raw_found(pg_search *ps, const Filter *f, const char *val, size_t vlen)
{
    int i;

    for (i = 0; i < ps->nwant; i++) {
        pg_want *w = &ps->want[i];

        if (w->node == f && vlen <= PG_VALUE_MAX) {
            memcpy(w->value, val, vlen);
            w->value[vlen] = '\0';
            w->vlen = vlen;
        }
    }
}

/* Steps over one element (bercursor.h); its contents in *val when val is
 * not NULL. */
static int
pg_ber_skip_bv(pg_ber *c, struct berval *val)
{
    const char *v;
    size_t vlen;

    if (pg_ber_skip(c, &v, &vlen) != 0)
        return -1;
    if (val != NULL) {
        val->bv_val = (char *)v;
        val->bv_len = vlen;
    }
    return 0;
}

static int pg_raw_filter(pg_ber *c, const Filter *f, pg_search *ps,
                         int depth);

/* AND, OR: len octets of filters, in step with the parsed list */
static int
pg_raw_list(pg_ber *c, size_t len, const Filter *f, pg_search *ps, int depth)
{
    pg_ber in;
    const Filter *child = f->f_list;

    in.p = c->p;
    in.end = c->p + len;
    while (in.p < in.end) {
        if (child == NULL || pg_raw_filter(&in, child, ps, depth + 1) != 0)
            return -1;
        child = child->f_next;
    }
    c->p = in.end;
    return child == NULL ? 0 : -1;
}

/* attributeDesc, assertionValue */
static int
pg_raw_equality(pg_ber *c, size_t len, const Filter *f, pg_search *ps)
{
    pg_ber in;
    struct berval value;

    in.p = c->p;
    in.end = c->p + len;
    if (pg_ber_skip_bv(&in, NULL) != 0 || pg_ber_skip_bv(&in, &value) != 0)
        return -1;
    pg_raw_found(ps, f, value.bv_val, value.bv_len);
    c->p += len;
    return 0;
}

/* type, then a SEQUENCE of initial/any/final pieces */
static int
pg_raw_substrings(pg_ber *c, size_t len, const Filter *f, pg_search *ps)
{
    char buf[PG_VALUE_MAX + 1];
    struct berval piece;
    pg_ber in, seq;
    size_t blen = 0, slen;
    unsigned tag;
    int fits = 1;

    in.p = c->p;
    in.end = c->p + len;
    if (pg_ber_skip_bv(&in, NULL) != 0 || pg_ber_head(&in, &tag, &slen) != 0)
        return -1;
    seq.p = in.p;
    seq.end = in.p + slen;
    while (seq.p < seq.end) {
        if (pg_ber_skip_bv(&seq, &piece) != 0)
            return -1;
        if (fits && pg_append(buf, sizeof(buf), &blen, &piece) != 0)
            fits = 0;   /* too long: keep the normalized value */
    }
    if (fits)
        pg_raw_found(ps, f, buf, blen);
    c->p += len;
    return 0;
}

static int
pg_raw_filter(pg_ber *c, const Filter *f, pg_search *ps, int depth)
{
    unsigned choice = (unsigned)(f->f_choice & SLAPD_FILTER_MASK);
    unsigned tag;
    size_t len;

    if (depth > PG_FILTER_DEPTH || pg_ber_head(c, &tag, &len) != 0)
        return -1;
    if (f->f_choice == SLAPD_FILTER_COMPUTED) {
        c->p += len;
        return 0;
    }
    if (tag == 0)
        tag = choice;   /* the octet slapd's parse overwrote */
    if (tag != choice)
        return -1;
    switch (tag) {
    case LDAP_FILTER_AND:
    case LDAP_FILTER_OR:
        return pg_raw_list(c, len, f, ps, depth);
    case LDAP_FILTER_EQUALITY:
        return pg_raw_equality(c, len, f, ps);
    case LDAP_FILTER_SUBSTRINGS:
        return pg_raw_substrings(c, len, f, ps);
    default:
        c->p += len;
        return 0;
    }
}

/*
 * Skips what comes before the filter: the messageID, then the
 * SearchRequest's tag and its base, scope, deref, sizelimit, timelimit and
 * typesOnly; c ends with the SearchRequest.
 */
static int
pg_raw_request_head(pg_ber *c)
{
    unsigned tag;
    size_t len;
    int i;

    if (pg_ber_skip_bv(c, NULL) != 0 || pg_ber_head(c, &tag, &len) != 0)
        return -1;
    c->end = c->p + len;
    for (i = 0; i < 6; i++)
        if (pg_ber_skip_bv(c, NULL) != 0)
            return -1;
    return 0;
}

/* Replaces the wants' normalized values by the raw ones, where it can. */
static void
pg_raw_values(Operation *op, pg_search *ps)
{
    pg_want saved[PG_MAX_WANT];
    struct berval req;
    pg_ber c;

    if (op->o_ber == NULL || ps->nwant == 0 ||
        ber_flatten2(op->o_ber, &req, 0) != 0 || req.bv_len == 0)
        return;
    memcpy(saved, ps->want, sizeof(saved[0]) * (size_t)ps->nwant);
    /* our own cursor over the request; op->o_ber is not moved */
    c.p = (const unsigned char *)req.bv_val;
    c.end = c.p + req.bv_len;
    if (pg_raw_request_head(&c) != 0 ||
        pg_raw_filter(&c, op->ors_filter, ps, 0) != 0)
        memcpy(ps->want, saved, sizeof(saved[0]) * (size_t)ps->nwant);
}

/*
 * Whether op's request PDU is a SearchRequest: a client's search, not an
 * overlay's internal search made with a copy of the operation that asked
 * it, whose o_ber is that operation's request (slapo-unique searches for
 * the mail of an entry being added with the AddRequest's).  Nothing is made
 * up for those: an agency adding a registered address to its directory
 * would find it already taken.
 */
int
pg_request_is_search(Operation *op)
{
    struct berval req;
    unsigned tag;
    size_t len;
    pg_ber c;

    if (op->o_ber == NULL || ber_flatten2(op->o_ber, &req, 0) != 0 ||
        req.bv_len == 0)
        return 0;
    c.p = (const unsigned char *)req.bv_val;
    c.end = c.p + req.bv_len;
    /* the message ID, then the protocolOp's tag */
    return pg_ber_skip_bv(&c, NULL) == 0 && pg_ber_head(&c, &tag, &len) == 0 &&
           tag == LDAP_REQ_SEARCH;
}

/* "uid=ploguard-<id>,..." as the request DN of a base-scope read. */
int
pg_base_id(const struct berval *dn, char *out, size_t outsz)
{
    size_t pl = sizeof(PG_RDN_PREFIX) - 1, len = 0;
    const char *p;

    if (dn->bv_len <= pl || strncasecmp(dn->bv_val, PG_RDN_PREFIX, pl) != 0)
        return -1;
    p = dn->bv_val + pl;
    while (pl + len < dn->bv_len && p[len] != ',')
        len++;
    if (!pg_id_ok(p, len) || len >= outsz)
        return -1;
    memcpy(out, p, len);
    out[len] = '\0';
    return 0;
}

/* The registry records the filter asserts an identifier of, with the
 * values as the client sent them. */
void
pg_filter_wants(Operation *op, const pg_info *pi, const pg_snapshot *s,
                pg_search *ps)
{
    pg_filter_walk(pi, s, ps, op->ors_filter, 0);
    pg_raw_values(op, ps);
}
