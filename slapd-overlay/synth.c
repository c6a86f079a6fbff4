/*
 * synth.c - the entry answered for a registered record the directory does
 * not hold (search.c decides when).
 *
 * The entry is composed per answer on the stack: its Entry and Attribute
 * structures are local, its values point into the registry snapshot (held
 * by reference while the entry is sent, so no lock is held across a
 * network write) or into op->o_tmpmemctx.  What every answer for one
 * instruction shares (the object classes, the display prefix, the full
 * instruction texts and their normalized forms, which are long) is built
 * once per snapshot (pg_shared) and kept with it.  Building the same entry
 * with entry_alloc and attr_merge_normalize_one cost about 70,000
 * instructions per answer, mostly malloc, free and normalizing the texts.
 *
 * The entry goes to send_search_entry with sr_flags 0: it belongs to us,
 * and slapd or any overlay that wants to change it takes a copy
 * (rs_entry2modifiable).  pg_response leaves it alone: it carries
 * ploguardMatch.
 */
#include "ploguard.h"
#include "plainnorm.h"

#include <string.h>

/* Attributes of one entry: its names (objectClass, uid, cn, sn, givenName,
 * displayName, o, hasSubordinates), one per asserted attribute, the
 * display attributes, the notes, ploguardInstruction and ploguardMatch.
 * Room for all: the instruction, added last, must never be left out. */
#define PG_SYNTH_NAMES 8
#define PG_SYNTH_ATTRS (PG_SYNTH_NAMES + PG_MAX_WANT + PG_MAX_ATTRS + 3)
#define PG_SYNTH_VALS  8            /* values of one attribute */
#define PG_SYNTH_FREE  64           /* temporary allocations of one entry */
#define PG_SYNTH_ARENA 2048         /* bytes of one entry's values, on the stack */
#define PG_SHARED_MAX  256          /* records kept per snapshot */

static const char *const pg_synth_ocs[] = {
    "top", "person", "organizationalPerson", "inetOrgPerson",
    "ploguardContact"
};
#define PG_NOCS (sizeof(pg_synth_ocs) / sizeof(pg_synth_ocs[0]))

/*
 * What the synthesized entries of one instruction share, for one notes
 * attribute and language setting.  Values point into the registry or to
 * constants; normalized values are ch_malloc'd, or are the value itself
 * when the attribute has no equality rule.
 */
typedef struct pg_shared {
    struct pg_shared       *next;
    const pgr_instruction  *ins;
    AttributeDescription   *notes_ad;
    int                     lang[PG_MAX_LANGS];
    struct berval           prefix;            /* "SHORT / COURT: " */
    /* the full texts, each once, as the notes attribute and as
     * ploguardInstruction hold them (a text the notes attribute's syntax
     * refuses is left out of it only) */
    unsigned                nnotes, ninstr;
    struct berval           notes[PG_MAX_LANGS], notes_n[PG_MAX_LANGS];
    struct berval           instr[PG_MAX_LANGS], instr_n[PG_MAX_LANGS];
    struct berval           oc[PG_NOCS], oc_n[PG_NOCS];
    struct berval           nosub, nosub_n;
} pg_shared;

/* ------------------------------------------------------- normalization */

/* caseIgnoreMatch, when pg_fast_norm agrees with slapd (pg_synth_prepare) */
static MatchingRule *pg_mr_fast;

static int
pg_fast_norm(const struct berval *v, struct berval *nv, void *ctx)
{
    char *out;

    if (!pg_plain_may(v->bv_val, v->bv_len))
        return -1;
    out = ber_memalloc_x(v->bv_len + 1, ctx);
    if (out == NULL)
        return -1;
    if (pg_plain_lower_into(v->bv_val, v->bv_len, out) != 0) {
        ber_memfree_x(out, ctx);
        return -1;
    }
    nv->bv_val = out;
    nv->bv_len = v->bv_len;
    return 0;
}

/* v normalized for ad into *nv (allocated in ctx, or v itself when ad has
 * no equality normalizer).  -1 when v is not a valid value of ad. */
static int
pg_norm_slapd(AttributeDescription *ad, struct berval *v, struct berval *nv,
              void *ctx)
{
    if (attr_normalize_one(ad, v, nv, ctx) != LDAP_SUCCESS)
        return -1;
    if (BER_BVISNULL(nv))
        *nv = *v;
    return 0;
}

/* Whether v, a value of ad, is one for pg_plain_lower_into to try. */
static int
pg_fast_norm_applies(const AttributeDescription *ad, const struct berval *v)
{
    return pg_mr_fast != NULL && ad->ad_type->sat_equality == pg_mr_fast &&
           pg_plain_may(v->bv_val, v->bv_len);
}

static int
pg_norm(AttributeDescription *ad, struct berval *v, struct berval *nv,
        void *ctx)
{
    if (pg_fast_norm_applies(ad, v) && pg_fast_norm(v, nv, ctx) == 0)
        return 0;
    return pg_norm_slapd(ad, v, nv, ctx);
}

/*
 * Uses pg_fast_norm only if it gives what slapd's own caseIgnoreMatch
 * normalizer gives on values of each kind it is used for; checked when a
 * database opens, on the running slapd, rather than assumed.
 */
void
pg_synth_prepare(void)
{
    /* The match probe is one string; it is built apart so that no two
     * array elements sit side by side as adjacent literals. */
    static const char match_probe[] =
        "registry=r-1 seq=7 entity=x kind=person "
        "matched=phone:+16135550113 confidence=exact status=active stale=no";
    static const char *const probes[] = {
        "Chen Jie",
        "DECLINE-REFER ILDC / REFUSER-RENVOYER CLDI: Wang Li",
        "ploguard-Person-Chen.Jie_01",
        match_probe,
        "a",
        "~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./"
    };
    MatchingRule *mr = mr_find("caseIgnoreMatch");
    AttributeDescription *ad = pg_ad_match;
    size_t i;

    pg_mr_fast = NULL;
    pg_plain_init();
    if (mr == NULL || ad == NULL || ad->ad_type->sat_equality != mr)
        return;
    for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
        struct berval v, fast = BER_BVNULL, slow = BER_BVNULL;
        int same;

        ber_str2bv(probes[i], 0, 0, &v);
        if (pg_fast_norm(&v, &fast, NULL) != 0 ||
            attr_normalize_one(ad, &v, &slow, NULL) != LDAP_SUCCESS) {
            ch_free(fast.bv_val);
            return;
        }
        same = ber_bvcmp(&fast, &slow) == 0;
        ch_free(fast.bv_val);
        ch_free(slow.bv_val);
        if (!same) {
            Debug(LDAP_DEBUG_ANY, "ploguard: caseIgnoreMatch normalizes "
                  "\"%s\" differently than expected; using slapd's "
                  "normalizer only\n", probes[i]);
            return;
        }
    }
    pg_mr_fast = mr;
}

/* ------------------------------------------------------ shared records */

static void
pg_norm_free(const struct berval *v, struct berval *nv)
{
    if (nv->bv_val != NULL && nv->bv_val != v->bv_val)
        ch_free(nv->bv_val);
    BER_BVZERO(nv);
}

static void
pg_shared_free(pg_shared *sh)
{
    unsigned i;

    for (i = 0; i < sh->nnotes; i++)
        pg_norm_free(&sh->notes[i], &sh->notes_n[i]);
    for (i = 0; i < sh->ninstr; i++)
        pg_norm_free(&sh->instr[i], &sh->instr_n[i]);
    for (i = 0; i < PG_NOCS; i++)
        pg_norm_free(&sh->oc[i], &sh->oc_n[i]);
    pg_norm_free(&sh->nosub, &sh->nosub_n);
    ch_free(sh->prefix.bv_val);
    ch_free(sh);
}

void
pg_shared_free_all(pg_snapshot *s)
{
    pg_shared *sh, *next;

    for (sh = s->shared; sh != NULL; sh = next) {
        next = sh->next;
        pg_shared_free(sh);
    }
    s->shared = NULL;
    s->nshared = 0;
}

/* Adds v to vals (of n, normalized for ad) unless it is there already or
 * is no valid value of ad. */
static void
pg_shared_text(AttributeDescription *ad, struct berval *v,
               struct berval *vals, struct berval *nvals, unsigned *n)
{
    unsigned i;

    for (i = 0; i < *n; i++)
        if (ber_bvcmp(&vals[i], v) == 0)
            return;
    if (*n < PG_MAX_LANGS && pg_norm(ad, v, &nvals[*n], NULL) == 0)
        vals[(*n)++] = *v;
}

/* The full texts in the configured languages. */
static void
pg_shared_texts(pg_shared *sh)
{
    int k;

    for (k = 0; k < PG_MAX_LANGS && sh->lang[k] != 0; k++) {
        const char *t = pg_text(sh->ins, sh->lang[k], 0);
        struct berval v;

        if (t[0] == '\0')
            continue;
        ber_str2bv(t, 0, 0, &v);
        pg_shared_text(sh->notes_ad, &v, sh->notes, sh->notes_n, &sh->nnotes);
        pg_shared_text(pg_ad_instruction, &v, sh->instr, sh->instr_n,
                       &sh->ninstr);
    }
}

static pg_shared *
pg_shared_build(const pg_info *pi, const pgr_instruction *ins)
{
    pg_shared *sh = ch_calloc(1, sizeof(*sh));
    unsigned i;
    int k;

    sh->ins = ins;
    sh->notes_ad = pi->pi_notes.ad[0];
    for (k = 0; k < PG_MAX_LANGS; k++)
        sh->lang[k] = pi->pi_lang[k];
    sh->prefix.bv_val = pg_prefix(pi, ins);
    sh->prefix.bv_len = strlen(sh->prefix.bv_val);
    for (i = 0; i < PG_NOCS; i++) {
        ber_str2bv(pg_synth_ocs[i], 0, 0, &sh->oc[i]);
        if (pg_norm(slap_schema.si_ad_objectClass, &sh->oc[i], &sh->oc_n[i],
                    NULL) != 0)
            goto fail;
    }
    ber_str2bv("FALSE", 0, 0, &sh->nosub);
    if (pg_norm(slap_schema.si_ad_hasSubordinates, &sh->nosub, &sh->nosub_n,
                NULL) != 0)
        goto fail;
    pg_shared_texts(sh);
    return sh;
fail:
    pg_shared_free(sh);
    return NULL;
}

static int
pg_shared_is(const pg_shared *sh, const pg_info *pi,
             const pgr_instruction *ins)
{
    return sh->ins == ins && sh->notes_ad == pi->pi_notes.ad[0] &&
           sh->lang[0] == pi->pi_lang[0] && sh->lang[1] == pi->pi_lang[1];
}

static pg_shared *
pg_shared_find(pg_shared *sh, const pg_info *pi, const pgr_instruction *ins)
{
    for (; sh != NULL; sh = sh->next)
        if (pg_shared_is(sh, pi, ins))
            return sh;
    return NULL;
}

/*
 * The shared record for ins under the current configuration.  Records are
 * only ever added (under shared_lock, published with a release store) and
 * freed with the snapshot, so readers walk the list without the lock.
 * *owned is set when the snapshot keeps too many already: the caller then
 * frees the record (pg_shared_free).
 */
static pg_shared *
pg_shared_get(pg_snapshot *s, const pg_info *pi, const pgr_instruction *ins,
              int *owned)
{
    pg_shared *sh;

    *owned = 0;
    sh = pg_shared_find(__atomic_load_n(&s->shared, __ATOMIC_ACQUIRE), pi,
                        ins);
    if (sh != NULL)
        return sh;
    ldap_pvt_thread_mutex_lock(&s->shared_lock);
    sh = pg_shared_find(s->shared, pi, ins);
    if (sh == NULL && (sh = pg_shared_build(pi, ins)) != NULL) {
        if (s->nshared < PG_SHARED_MAX) {
            sh->next = s->shared;
            s->nshared++;
            __atomic_store_n(&s->shared, sh, __ATOMIC_RELEASE);
        } else {
            *owned = 1;
        }
    }
    ldap_pvt_thread_mutex_unlock(&s->shared_lock);
    return sh;
}

/* ---------------------------------------------------- entry composition */

typedef struct pg_battr {
    AttributeDescription *ad;
    unsigned              n;
    struct berval         vals[PG_SYNTH_VALS + 1];
    struct berval         nvals[PG_SYNTH_VALS + 1];
} pg_battr;

typedef struct pg_builder {
    Operation *op;
    uint64_t   mask;        /* pg_ad_bit of the attributes in attr */
    int        n;
    int        nfree;
    size_t     used;        /* bytes of arena taken */
    pg_battr   attr[PG_SYNTH_ATTRS];
    void      *tofree[PG_SYNTH_FREE];
    char       arena[PG_SYNTH_ARENA];
} pg_builder;

/* Keeps p (op->o_tmpmemctx) until pg_b_done; frees it at once and fails
 * when there is no room to keep it. */
static int
pg_b_keep(pg_builder *b, void *p)
{
    if (b->nfree >= PG_SYNTH_FREE) {
        b->op->o_tmpfree(p, b->op->o_tmpmemctx);
        return -1;
    }
    b->tofree[b->nfree++] = p;
    return 0;
}

static void
pg_b_done(pg_builder *b)
{
    int i;

    for (i = 0; i < b->nfree; i++)
        b->op->o_tmpfree(b->tofree[i], b->op->o_tmpmemctx);
    b->nfree = 0;
}

/* n bytes that last until pg_b_done: from the arena while it has room
 * (most entries: no allocator call at all), else op->o_tmpmemctx. */
static char *
pg_b_alloc(pg_builder *b, size_t n)
{
    char *p;

    if (n <= PG_SYNTH_ARENA - b->used) {
        p = b->arena + b->used;
        b->used += n;
        return p;
    }
    p = b->op->o_tmpalloc(n, b->op->o_tmpmemctx);
    return pg_b_keep(b, p) == 0 ? p : NULL;
}

static pg_battr *
pg_b_find(pg_builder *b, const AttributeDescription *ad)
{
    int i;

    if (!(b->mask & pg_ad_bit(ad)))
        return NULL;
    for (i = 0; i < b->n; i++)
        if (b->attr[i].ad == ad)
            return &b->attr[i];
    return NULL;
}

static pg_battr *
pg_b_attr(pg_builder *b, AttributeDescription *ad)
{
    pg_battr *a;

    if (ad == NULL)
        return NULL;   /* an attribute the schema lacks */
    a = pg_b_find(b, ad);
    if (a == NULL && b->n < PG_SYNTH_ATTRS) {
        a = &b->attr[b->n++];
        a->ad = ad;
        a->n = 0;
        b->mask |= pg_ad_bit(ad);
    }
    return a;
}

/* Adds a value whose normalized form is known (and outlives the entry). */
static void
pg_b_add(pg_builder *b, AttributeDescription *ad, const struct berval *v,
         const struct berval *nv)
{
    pg_battr *a = pg_b_attr(b, ad);

    if (a == NULL || a->n >= PG_SYNTH_VALS)
        return;
    a->vals[a->n] = *v;
    a->nvals[a->n] = *nv;
    a->n++;
}

/* v normalized for ad into *nv, kept until pg_b_done. */
static int
pg_b_norm(pg_builder *b, AttributeDescription *ad, struct berval *v,
          struct berval *nv)
{
    if (pg_fast_norm_applies(ad, v)) {
        char *out = pg_b_alloc(b, v->bv_len + 1);

        if (out != NULL &&
            pg_plain_lower_into(v->bv_val, v->bv_len, out) == 0) {
            nv->bv_val = out;
            nv->bv_len = v->bv_len;
            return 0;
        }
        /* not plain after all: slapd's normalizer decides (the arena
         * bytes stay unused) */
        if (out == NULL)
            return -1;
    }
    if (pg_norm_slapd(ad, v, nv, b->op->o_tmpmemctx) != 0)
        return -1;
    if (nv->bv_val != v->bv_val && pg_b_keep(b, nv->bv_val) != 0)
        return -1;
    return 0;
}

/* Adds v (which outlives the entry), normalized here. */
static void
pg_b_value(pg_builder *b, AttributeDescription *ad, struct berval *v)
{
    struct berval nv;

    if (ad != NULL && v->bv_len > 0 && pg_b_norm(b, ad, v, &nv) == 0)
        pg_b_add(b, ad, v, &nv);
}

/* pg_b_value, unless ad has the value already: one value asserted twice,
 * written two ways. */
static void
pg_b_value_once(pg_builder *b, AttributeDescription *ad, struct berval *v)
{
    const pg_battr *a;
    struct berval nv;
    unsigned i;

    if (ad == NULL || v->bv_len == 0 || pg_b_norm(b, ad, v, &nv) != 0)
        return;
    a = pg_b_find(b, ad);
    for (i = 0; a != NULL && i < a->n; i++)
        if (bvmatch(&a->nvals[i], &nv))
            return;
    pg_b_add(b, ad, v, &nv);
}

static void
pg_b_string(pg_builder *b, AttributeDescription *ad, const char *str)
{
    struct berval v;

    if (str == NULL || str[0] == '\0')
        return;
    ber_str2bv(str, 0, 0, &v);
    pg_b_value(b, ad, &v);
}

/* prefix + v, in op->o_tmpmemctx and kept until pg_b_done. */
static int
pg_b_concat(pg_builder *b, const struct berval *prefix,
            const struct berval *v, struct berval *out)
{
    out->bv_len = prefix->bv_len + v->bv_len;
    out->bv_val = pg_b_alloc(b, out->bv_len + 1);
    if (out->bv_val == NULL)
        return -1;
    memcpy(out->bv_val, prefix->bv_val, prefix->bv_len);
    memcpy(out->bv_val + prefix->bv_len, v->bv_val, v->bv_len);
    out->bv_val[out->bv_len] = '\0';
    return 0;
}

/*
 * As pg_annotate does to a real entry: the first value of ad becomes
 * prefix + its former first value (fallback when ad has none), the former
 * values stay, except in a single-valued attribute.
 */
static void
pg_b_prefix(pg_builder *b, AttributeDescription *ad,
            const struct berval *prefix, const struct berval *fallback)
{
    pg_battr *a = pg_b_find(b, ad);
    struct berval v, nv;
    unsigned i;

    if (pg_b_concat(b, prefix, a != NULL && a->n > 0 ? &a->vals[0] : fallback,
                    &v) != 0 || pg_b_norm(b, ad, &v, &nv) != 0)
        return;
    if (a == NULL || a->n == 0) {
        pg_b_add(b, ad, &v, &nv);
        return;
    }
    if (!ad->ad_type->sat_atype.at_single_value) {
        if (a->n < PG_SYNTH_VALS)
            a->n++;
        for (i = a->n - 1; i > 0; i--) {
            a->vals[i] = a->vals[i - 1];
            a->nvals[i] = a->nvals[i - 1];
        }
    }
    a->vals[0] = v;
    a->nvals[0] = nv;
}

/* Links the attributes composed in b into e, in as, ending the lists. */
static void
pg_b_link(pg_builder *b, Entry *e, Attribute *as)
{
    Attribute **tail = &e->e_attrs;
    int i;

    for (i = 0; i < b->n; i++) {
        pg_battr *ba = &b->attr[i];
        Attribute *a;
        int same = ba->ad->ad_type->sat_equality == NULL ||
                   ba->ad->ad_type->sat_equality->smr_normalize == NULL;

        if (ba->n == 0)
            continue;
        a = &as[i];
        memset(a, 0, sizeof(*a));
        BER_BVZERO(&ba->vals[ba->n]);
        BER_BVZERO(&ba->nvals[ba->n]);
        a->a_desc = ba->ad;
        a->a_vals = ba->vals;
        a->a_nvals = same ? ba->vals : ba->nvals;   /* as slapd does */
        a->a_numvals = ba->n;
        *tail = a;
        tail = &a->a_next;
    }
    *tail = NULL;
}

/* ---------------------------------------------------------- the entry */

static char
pg_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* uid=ploguard-<id>,<search base>, and its normalized form (the id is
 * letters, digits, '.', '_' and '-' only: filter.c).  For a base read, the
 * request DN itself. */
static int
pg_synth_dn(pg_builder *b, const pgr_entity *ent, const pg_want *w, Entry *e)
{
    Operation *op = b->op;
    size_t pl = sizeof(PG_RDN_PREFIX) - 1, idlen, i;
    int comma = op->o_req_dn.bv_len > 0;
    char *p;

    if (w == NULL) {
        e->e_name = op->o_req_dn;
        e->e_nname = op->o_req_ndn;
        return 0;
    }
    idlen = strlen(ent->id);
    e->e_name.bv_len = pl + idlen + (size_t)comma + op->o_req_dn.bv_len;
    e->e_nname.bv_len = pl + idlen + (size_t)comma + op->o_req_ndn.bv_len;
    e->e_name.bv_val = pg_b_alloc(b, e->e_name.bv_len + 1);
    e->e_nname.bv_val = pg_b_alloc(b, e->e_nname.bv_len + 1);
    if (e->e_name.bv_val == NULL || e->e_nname.bv_val == NULL)
        return -1;
    p = lutil_strcopy(e->e_name.bv_val, PG_RDN_PREFIX);
    p = lutil_strcopy(p, ent->id);
    if (comma)
        *p++ = ',';
    memcpy(p, op->o_req_dn.bv_val, op->o_req_dn.bv_len);
    p[op->o_req_dn.bv_len] = '\0';
    p = lutil_strcopy(e->e_nname.bv_val, PG_RDN_PREFIX);
    for (i = 0; i < idlen; i++)
        *p++ = pg_lower(ent->id[i]);
    if (comma)
        *p++ = ',';
    memcpy(p, op->o_req_ndn.bv_val, op->o_req_ndn.bv_len);
    p[op->o_req_ndn.bv_len] = '\0';
    return 0;
}

/* The person's or mission's own attributes. */
static void
pg_synth_names(pg_builder *b, const pgr_entity *ent, const pg_shared *sh,
               char *uidbuf, size_t uidsz)
{
    const char *name = ent->display_name ? ent->display_name : ent->id;
    const pgr_entity *org = ent->mission ? ent->mission : ent->organization;
    struct berval v;
    unsigned i;

    for (i = 0; i < PG_NOCS; i++)
        pg_b_add(b, slap_schema.si_ad_objectClass, &sh->oc[i], &sh->oc_n[i]);
    v.bv_val = uidbuf;
    v.bv_len = 0;
    uidbuf[0] = '\0';
    pg_cat(uidbuf, uidsz, &v.bv_len, "ploguard-");
    pg_cat(uidbuf, uidsz, &v.bv_len, ent->id);
    pg_b_value(b, slap_schema.si_ad_uid, &v);
    pg_b_string(b, slap_schema.si_ad_cn, name);
    pg_b_string(b, pg_ad_sn, ent->family ? ent->family : name);
    pg_b_string(b, pg_ad_given, ent->given);
    pg_b_string(b, pg_ad_display, name);
    if (org != NULL)
        pg_b_string(b, pg_ad_org, org->display_name);
    /* it has no children; without this the backend would be asked */
    pg_b_add(b, slap_schema.si_ad_hasSubordinates, &sh->nosub, &sh->nosub_n);
}

/* What identified it: the asserted value verbatim (some phones compare it
 * with the caller's number), or for a base read the registry's own. */
static void
pg_synth_identifiers(pg_builder *b, const pg_info *pi, const pgr_entity *ent,
                     const pg_want *const *w, int nw)
{
    struct berval v;
    size_t i;
    int k;

    for (k = 0; k < nw; k++) {
        if (w[k] == NULL)
            continue;
        v.bv_val = (char *)w[k]->value;
        v.bv_len = w[k]->vlen;
        pg_b_value_once(b, w[k]->ad, &v);
    }
    if (nw > 0)
        return;
    for (i = 0; i < ent->nphones && pi->pi_phone.n > 0; i++)
        pg_b_string(b, pi->pi_phone.ad[0], ent->phones[i]);
    for (i = 0; i < ent->nemails && pi->pi_mail.n > 0; i++)
        pg_b_string(b, pi->pi_mail.ad[0], ent->emails[i]);
}

/* The instruction: prefixed display names, the texts, ploguardMatch. */
static void
pg_synth_instruction(pg_builder *b, const pg_info *pi, const pg_shared *sh,
                     const struct berval *match)
{
    pg_battr *first = NULL;
    struct berval fallback, v;
    unsigned i;
    int k;

    /* the name after the prefix where a display attribute is absent */
    for (k = 0; k < pi->pi_display.n && first == NULL; k++) {
        first = pg_b_find(b, pi->pi_display.ad[k]);
        if (first != NULL && first->n == 0)
            first = NULL;
    }
    if (first == NULL)
        return;     /* cn always is: not reached */
    fallback = first->vals[0];
    for (k = 0; k < pi->pi_display.n; k++)
        pg_b_prefix(b, pi->pi_display.ad[k], &sh->prefix, &fallback);
    for (i = 0; i < sh->nnotes; i++)
        pg_b_add(b, sh->notes_ad, &sh->notes[i], &sh->notes_n[i]);
    for (i = 0; i < sh->ninstr; i++)
        pg_b_add(b, pg_ad_instruction, &sh->instr[i], &sh->instr_n[i]);
    v = *match;
    pg_b_value(b, pg_ad_match, &v);
}

/*
 * Sends e if it is in scope, passes the filter and fits the size limit.
 * The result of send_search_entry, -1 when e was not sent, or
 * LDAP_SIZELIMIT_EXCEEDED.
 */
static int
pg_synth_deliver(Operation *op, SlapReply *rs, Entry *e)
{
    SlapReply r = { .sr_type = REP_SEARCH };
    int rc;

    /* a synthesized entry is no subentry: none under the subentries
     * control (RFC 3672), which asks for subentries only */
    if (get_subentries_visibility(op) ||
        !dnIsSuffixScope(&e->e_nname, &op->o_req_ndn, op->ors_scope) ||
        test_filter(op, e, op->ors_filter) != LDAP_COMPARE_TRUE)
        return -1;
    if (op->ors_slimit >= 0 && rs->sr_nentries >= op->ors_slimit)
        return LDAP_SIZELIMIT_EXCEEDED;
    r.sr_entry = e;
    r.sr_flags = 0;     /* ours: whoever changes it takes a copy */
    r.sr_attrs = op->ors_attrs;
    r.sr_nentries = rs->sr_nentries;
    rc = send_search_entry(op, &r);
    rs->sr_nentries = r.sr_nentries;
    return rc;
}

/*
 * Sends the entry for ent, and logs it once sent: wants[0..nw-1] are the
 * assertions of the filter it answers (each asserted value is in the
 * entry, so that an AND of a record's number and address passes), none
 * for a base read of its DN.  s must be held (pg_snapshot_hold) by the
 * caller.  Returns as pg_synth_deliver.
 */
int
pg_synth_send(Operation *op, SlapReply *rs, const pg_info *pi,
              pg_snapshot *s, const pgr_entity *ent,
              const pg_want *const *wants, int nw)
{
    const pg_want *w;
    pg_builder b;
    Attribute attrs[PG_SYNTH_ATTRS];
    Entry e;
    pg_shared *sh;
    pg_hits h;
    char uidbuf[sizeof("ploguard-") + PG_ID_MAX];
    char matchbuf[1024];
    struct berval match;
    int owned, len, rc = -1;
    int sent;

    if (wants == NULL)
        nw = 0;
    w = nw > 0 ? wants[0] : NULL;   /* the first assertion names the match */
    if (pi->pi_notes.n == 0 ||
        (sh = pg_shared_get(s, pi, ent->instruction, &owned)) == NULL)
        return -1;
    memset(&e, 0, sizeof(e));
    e.e_id = NOID;
    b.op = op;
    b.mask = 0;
    b.n = 0;
    b.nfree = 0;
    b.used = 0;

    h.n = 1;
    h.hit[0].entity = ent;
    h.hit[0].by_dn = w == NULL;
    h.hit[0].on = w != NULL ? w->on : PGR_ON_PHONE;
    pg_copy(h.hit[0].what, sizeof(h.hit[0].what),
            w != NULL ? w->what : ent->id);
    len = pg_match_text(matchbuf, sizeof(matchbuf), s, &h.hit[0],
                        pgr_registry_stale(s->reg, time(NULL)));

    if (len >= 0 && pg_synth_dn(&b, ent, w, &e) == 0) {
        match.bv_val = matchbuf;
        match.bv_len = (size_t)len;
        pg_synth_names(&b, ent, sh, uidbuf, sizeof(uidbuf));
        pg_synth_identifiers(&b, pi, ent, wants, nw);
        pg_synth_instruction(&b, pi, sh, &match);
        pg_b_link(&b, &e, attrs);
        sent = rs->sr_nentries;
        rc = pg_synth_deliver(op, rs, &e);
        if (rs->sr_nentries > sent)   /* logged only once the client has it */
            pg_log_match(op, pi, s, &h, "synthesized", e.e_name.bv_val);
    }
    pg_b_done(&b);
    if (owned)
        pg_shared_free(sh);
    return rc;
}
