/*
 * write.c - clients cannot write their way into (or fake) an annotation.
 *
 * ploguardInstruction and ploguardMatch are NO-USER-MODIFICATION, so the
 * frontend already refuses writes to them.  What remains user-writable is
 * refused here with constraintViolation (19):
 *   - a value of a display or notes attribute that starts with an
 *     instruction's short or full text (a stored fake warning, or one made
 *     to look like ours), however it is spaced, cased or dashed;
 *   - the object class ploguardContact, which only synthesized entries
 *     carry;
 *   - an entry named uid=ploguard-..., the names of synthesized entries:
 *     a stored entry there would be taken for the registry record's.
 * Add, modify and modrdn (whose new RDN may carry such a value) are
 * checked.  Replication (a syncrepl consumer applying its provider's
 * changes) is let through: the provider checked the write, and refusing
 * it would make the consumer diverge.  The Relax control does not bypass
 * the check: such a value is never legitimate.
 */
#include "ploguard.h"

#include <ctype.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#define PG_LOOK_MAX 4096   /* characters of an instruction text compared */

#define PG_RDN_REFUSED "ploguard: names uid=ploguard-... are reserved for " \
                       "the entries the overlay synthesizes"

static int
pg_write_exempt(Operation *op)
{
    return SLAPD_SYNC_IS_SYNCCONN(op->o_connid);
}

/* The length of the blank (a space of any width, or an invisible mark) at
 * p, or 0.  caseIgnoreMatch ignores such blanks; so must the check. */
static size_t
pg_blank_len(const unsigned char *p, size_t n)
{
    if (n >= 1 && (p[0] == ' ' || p[0] == '\t' || p[0] == '\r' ||
                   p[0] == '\n'))
        return 1;
    if (n >= 2 && p[0] == 0xc2 && (p[1] == 0xa0 || p[1] == 0xad))
        return 2;   /* U+00A0, U+00AD */
    if (n >= 3 && p[0] == 0xe2 && p[1] == 0x80 &&
        (p[2] <= 0x8f || p[2] == 0xaf))
        return 3;   /* U+2000..U+200F, U+202F */
    if (n >= 3 && p[0] == 0xe2 && p[1] == 0x81 &&
        (p[2] == 0x9f || p[2] == 0xa0))
        return 3;   /* U+205F, U+2060 */
    if (n >= 3 && ((p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) ||
                   (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)))
        return 3;   /* U+3000, U+FEFF */
    return 0;
}

/* The length of the dash at p (ASCII or a Unicode look-alike), or 0. */
static size_t
pg_dash_len(const unsigned char *p, size_t n)
{
    if (n >= 1 && p[0] == '-')
        return 1;
    if (n >= 3 && p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0x90 &&
        p[2] <= 0x95)
        return 3;   /* U+2010..U+2015 */
    if (n >= 3 && ((p[0] == 0xe2 && p[1] == 0x88 && p[2] == 0x92) ||
                   (p[0] == 0xef && p[1] == 0xb9 && p[2] == 0xa3) ||
                   (p[0] == 0xef && p[1] == 0xbc && p[2] == 0x8d)))
        return 3;   /* U+2212, U+FE63, U+FF0D */
    return 0;
}

static size_t
pg_skip_blanks(const unsigned char *p, size_t n)
{
    size_t i = 0, k;

    while ((k = pg_blank_len(p + i, n - i)) > 0)
        i += k;
    return i;
}

/*
 * Whether val starts with text: leading blanks skipped, a run of blanks
 * for each space of text, any dash for '-', ASCII letters in any case.
 */
static int
pg_starts_with(const struct berval *val, const char *text)
{
    const unsigned char *v = (const unsigned char *)val->bv_val;
    const unsigned char *t = (const unsigned char *)text;
    size_t n = val->bv_len, i = pg_skip_blanks(v, n), k;

    for (; *t != '\0'; t++) {
        if (*t == ' ') {
            if ((k = pg_skip_blanks(v + i, n - i)) == 0)
                return 0;
            i += k;
            while (t[1] == ' ')
                t++;
        } else if (*t == '-') {
            if ((k = pg_dash_len(v + i, n - i)) == 0)
                return 0;
            i += k;
        } else {
            if (i >= n || tolower(v[i]) != tolower(*t))
                return 0;
            i++;
        }
    }
    return 1;
}

/* What shows as a blank: white space, the braille blank (U+2800) and the
 * Hangul fillers, which are default-ignorable but drawn as a blank. */
static int
pg_look_space(UChar32 c)
{
    return u_isUWhiteSpace(c) || c == 0x2800 || c == 0x115f || c == 0x1160 ||
           c == 0x3164 || c == 0xffa0;
}

/*
 * The look of text, for comparing (UTF-16, ch_free it; NULL when ICU
 * fails): bytes that are no valid UTF-8 and the invisible, default-
 * ignorable code points dropped (U+061C, U+180E, zero-width spaces,
 * variation selectors, tags, ...), each run of what pg_look_space draws
 * as a blank one space and none leading, every dash '-', then NFKC
 * (fullwidth letters are ASCII), UTS #39's skeleton (Cyrillic Е is E, 1
 * and I are l), case folded, and 'i' read as 'l' (the skeleton keeps a
 * lower-case i, not a capital I).  Only the first keep code points kept
 * are read (0: all): a prefix is compared, and what is dropped does not
 * count, so no padding pushes the text out of it.
 */
static UChar *
pg_look(const USpoofChecker *sc, const char *text, size_t n, int32_t keep,
        int32_t *len)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&st);
    UChar *a, *b = NULL, *c2 = NULL, *d = NULL;
    int32_t i = 0, o = 0, kept = 0, m;
    int blank = 0;
    UChar32 c;

    if (U_FAILURE(st) || n > INT32_MAX / 4)
        return NULL;
    a = ch_malloc(sizeof(UChar) * (2 * n + 1));   /* 2 units a byte at most */
    while (i < (int32_t)n && (keep == 0 || kept < keep)) {
        U8_NEXT(text, i, (int32_t)n, c);
        if (c < 0)
            continue;   /* slapd lets some invalid UTF-8 through */
        if (pg_look_space(c)) {
            blank = o > 0;
            continue;
        }
        if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
            continue;
        if (blank) {
            a[o++] = ' ';   /* in place of a blank of at least one byte */
            blank = 0;
        }
        if (u_charType(c) == U_DASH_PUNCTUATION || c == 0x2212)
            c = '-';
        U16_APPEND_UNSAFE(a, o, c);
        kept++;
    }
    /* each step measured first, then run into a buffer of that size */
    m = unorm2_normalize(nfkc, a, o, NULL, 0, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        goto done;
    st = U_ZERO_ERROR;
    b = ch_malloc(sizeof(UChar) * ((size_t)m + 1));
    m = unorm2_normalize(nfkc, a, o, b, m + 1, &st);
    if (U_FAILURE(st))
        goto done;
    o = uspoof_getSkeleton(sc, 0, b, m, NULL, 0, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        goto done;
    st = U_ZERO_ERROR;
    c2 = ch_malloc(sizeof(UChar) * ((size_t)o + 1));
    o = uspoof_getSkeleton(sc, 0, b, m, c2, o + 1, &st);
    if (U_FAILURE(st))
        goto done;
    m = u_strFoldCase(NULL, 0, c2, o, U_FOLD_CASE_DEFAULT, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        goto done;
    st = U_ZERO_ERROR;
    d = ch_malloc(sizeof(UChar) * ((size_t)m + 1));
    m = u_strFoldCase(d, m + 1, c2, o, U_FOLD_CASE_DEFAULT, &st);
    if (U_FAILURE(st)) {
        ch_free(d);
        d = NULL;
        goto done;
    }
    for (i = 0; i < m; i++)
        if (d[i] == 'i')
            d[i] = 'l';
    *len = m;
done:
    ch_free(a);
    if (b != NULL)
        ch_free(b);
    if (c2 != NULL)
        ch_free(c2);
    return d;
}

/* Whether the look v (vn units) starts with the look of text; 1 when ICU
 * cannot tell: refused rather than stored unchecked. */
static int
pg_looks_like(const USpoofChecker *sc, const UChar *v, int32_t vn,
              const char *text)
{
    UChar *t;
    int32_t tn = 0;
    int same;

    t = pg_look(sc, text, strlen(text), 0, &tn);
    if (t == NULL)
        return 1;
    same = tn > 0 && vn >= tn && u_memcmp(v, t, tn) == 0;
    ch_free(t);
    return same;
}

/*
 * Returns the instruction text (short or full) val starts with, or looks
 * like it starts with, or NULL.  The look catches what pg_starts_with
 * lets through: a letter written as its look-alike, a mark hidden among
 * them ("\u061CDECLINE-REFER ILDC: ...", "DЕCLINE" with a Cyrillic Е).
 * Writes are rare, and this runs only for display and notes values.
 */
static const char *
pg_spoofed(const pg_snapshot *s, const struct berval *val)
{
    USpoofChecker *sc;
    UErrorCode st = U_ZERO_ERROR;
    const char *hit = NULL;
    UChar *v;
    int32_t vn = 0;
    size_t i, longest = 0;

    for (i = 0; i < s->nreserved; i++) {
        if (s->reserved[i] == NULL)
            continue;
        if (pg_starts_with(val, s->reserved[i]))
            return s->reserved[i];
        if (strlen(s->reserved[i]) > longest)
            longest = strlen(s->reserved[i]);
    }
    if (longest == 0)
        return NULL;
    sc = uspoof_open(&st);
    if (U_FAILURE(st))
        return "(an instruction text: ICU cannot compare)";   /* refused */
    /* twice as many kept characters of val as the longest text has bytes,
     * and some: a skeleton may take two for one ("rn" for m) */
    v = pg_look(sc, val->bv_val, val->bv_len,
                longest > PG_LOOK_MAX ? 2 * PG_LOOK_MAX : 2 * (int32_t)longest + 16,
                &vn);
    if (v == NULL)
        hit = "(an instruction text: ICU cannot compare)";
    for (i = 0; v != NULL && i < s->nreserved && hit == NULL; i++)
        if (s->reserved[i] != NULL &&
            pg_looks_like(sc, v, vn, s->reserved[i]))
            hit = s->reserved[i];
    if (v != NULL)
        ch_free(v);
    uspoof_close(sc);
    return hit;
}

/*
 * Checks one attribute's new values.  Returns 0, or -1 with the reason in
 * msg.
 */
static int
pg_check_values(const pg_info *pi, const pg_snapshot *s,
                AttributeDescription *ad, BerVarray vals,
                char *msg, size_t msgsz)
{
    size_t i;

    if (vals == NULL)
        return 0;
    if (ad == slap_schema.si_ad_objectClass) {
        for (i = 0; vals[i].bv_val != NULL; i++) {
            if (oc_bvfind(&vals[i]) == pg_oc_contact) {
                snprintf(msg, msgsz, "ploguard: objectClass ploguardContact "
                         "is reserved for entries the overlay synthesizes");
                return -1;
            }
        }
        return 0;
    }
    if (s == NULL || (!pg_attrs_has(&pi->pi_display, ad) &&
                      !pg_attrs_has(&pi->pi_notes, ad)))
        return 0;
    for (i = 0; vals[i].bv_val != NULL; i++) {
        const char *hit = pg_spoofed(s, &vals[i]);

        if (hit != NULL) {
            snprintf(msg, msgsz, "ploguard: a %s value may not start with the "
                     "instruction text \"%.40s%s\" (reserved for the "
                     "overlay's warnings)", ad->ad_cname.bv_val, hit,
                     strlen(hit) > 40 ? "..." : "");
            return -1;
        }
    }
    return 0;
}

/*
 * Whether the first RDN of the normalized DN or RDN ndn has a value
 * uid=ploguard-... (one of its AVAs, which a normalized DN separates with
 * unescaped '+').
 */
static int
pg_reserved_rdn(const struct berval *ndn)
{
    size_t pl = sizeof(PG_RDN_PREFIX) - 1, i = 0;

    while (i < ndn->bv_len && ndn->bv_val[i] != ',') {
        if ((i == 0 || ndn->bv_val[i - 1] == '+') &&
            ndn->bv_len - i >= pl &&
            strncasecmp(ndn->bv_val + i, PG_RDN_PREFIX, pl) == 0)
            return 1;
        i++;
    }
    return 0;
}

static int
pg_refuse(Operation *op, SlapReply *rs, const char *msg)
{
    slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;

    /* msg begins "ploguard: " (the client sees it too) */
    Log(LDAP_DEBUG_STATS, LDAP_LEVEL_NOTICE, "%s %s (refused write to "
        "\"%s\" by \"%s\")\n", op->o_log_prefix, msg, op->o_req_dn.bv_val,
        op->o_ndn.bv_val ? op->o_ndn.bv_val : "");
    op->o_bd->bd_info = (BackendInfo *)on->on_info;
    send_ldap_error(op, rs, LDAP_CONSTRAINT_VIOLATION, msg);
    return rs->sr_err;
}

static int
pg_check_modlist(Operation *op, SlapReply *rs, Modifications *ml)
{
    slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
    pg_info *pi = on->on_bi.bi_private;
    char msg[SLAP_TEXT_BUFLEN];
    pg_snapshot *s;
    int bad = 0;

    s = pg_snapshot_acquire(pi);
    for (; ml != NULL && !bad; ml = ml->sml_next) {
        if (ml->sml_flags & SLAP_MOD_INTERNAL)
            continue;
        switch (ml->sml_op) {
        case LDAP_MOD_ADD:
        case LDAP_MOD_REPLACE:
        case SLAP_MOD_SOFTADD:
        case SLAP_MOD_ADD_IF_NOT_PRESENT:
            bad = pg_check_values(pi, s, ml->sml_desc, ml->sml_values,
                                  msg, sizeof(msg)) != 0;
            break;
        default:
            break;
        }
    }
    pg_snapshot_release(pi);
    if (bad)
        return pg_refuse(op, rs, msg);
    return SLAP_CB_CONTINUE;
}

/*
 * The values of the new entry's RDN.  slapd merges an RDN value missing
 * from the entry into it after the overlays have run (entry_naming_check,
 * from the backend's schema check), so "dn: cn=DECLINE-REFER ILDC: Bob,..."
 * with no cn in the body would store the prefix.  A value in BER form
 * ("cn=#04...") is refused by that same check.  Returns 0, or -1 with msg.
 */
static int
pg_check_rdn(Operation *op, const pg_info *pi, const pg_snapshot *s,
             char *msg, size_t msgsz)
{
    LDAPRDN rdn = NULL;
    char *rest = NULL;
    int i, bad = 0;

    if (BER_BVISEMPTY(&op->ora_e->e_name) ||
        ldap_bv2rdn_x(&op->ora_e->e_name, &rdn, &rest, LDAP_DN_FORMAT_LDAP,
                      op->o_tmpmemctx) != LDAP_SUCCESS)
        return 0;   /* slapd has refused such a DN before the overlays */
    for (i = 0; rdn[i] != NULL && !bad; i++) {
        LDAPAVA *ava = rdn[i];
        AttributeDescription *ad = NULL;
        const char *text = NULL;
        struct berval vals[2];

        if ((ava->la_flags & LDAP_AVA_BINARY) ||
            slap_bv2ad(&ava->la_attr, &ad, &text) != LDAP_SUCCESS)
            continue;
        vals[0] = ava->la_value;
        BER_BVZERO(&vals[1]);
        bad = pg_check_values(pi, s, ad, vals, msg, msgsz) != 0;
    }
    ldap_rdnfree_x(rdn, op->o_tmpmemctx);
    return bad ? -1 : 0;
}

int
pg_op_add(Operation *op, SlapReply *rs)
{
    slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
    pg_info *pi = on->on_bi.bi_private;
    char msg[SLAP_TEXT_BUFLEN];
    pg_snapshot *s;
    Attribute *a;
    int bad = 0;

    if (pi == NULL || pg_write_exempt(op) || op->ora_e == NULL)
        return SLAP_CB_CONTINUE;
    if (pg_reserved_rdn(&op->o_req_ndn))
        return pg_refuse(op, rs, PG_RDN_REFUSED);
    s = pg_snapshot_acquire(pi);
    for (a = op->ora_e->e_attrs; a != NULL && !bad; a = a->a_next)
        bad = pg_check_values(pi, s, a->a_desc, a->a_vals,
                              msg, sizeof(msg)) != 0;
    if (!bad)
        bad = pg_check_rdn(op, pi, s, msg, sizeof(msg)) != 0;
    pg_snapshot_release(pi);
    if (bad)
        return pg_refuse(op, rs, msg);
    return SLAP_CB_CONTINUE;
}

/*
 * A write that leaves the entry's entryCSN as it was (lastmod off, or an
 * internal write without operational attributes that brings no entryCSN of
 * its own) and changes a phone or mail value would make a remembered
 * verdict wrong (verdict.h): the entry would still be taken for one that
 * matches nothing.  OpenLDAP's own overlays write no such attribute that
 * way, so this is rare: the verdict table is stopped, with a log line,
 * until ploguard-verdict-cache is set again.  Stopped before the write,
 * so that no search stores a verdict on the content it replaces.
 */
static void
pg_verdicts_guard(Operation *op, pg_info *pi, Modifications *ml,
                  int no_opattrs)
{
    Modifications *m;
    int touches = 0;

    if (pi->pi_verdicts == NULL || (SLAP_LASTMOD(op->o_bd) && !no_opattrs))
        return;   /* the backend gives the entry a new entryCSN */
    for (m = ml; m != NULL; m = m->sml_next) {
        if (m->sml_desc == slap_schema.si_ad_entryCSN &&
            (m->sml_op == LDAP_MOD_ADD || m->sml_op == LDAP_MOD_REPLACE))
            return;   /* the writer's own entryCSN (replication) */
        if (pg_attrs_has(&pi->pi_phone, m->sml_desc) ||
            pg_attrs_has(&pi->pi_mail, m->sml_desc))
            touches = 1;
    }
    if (touches && pg_verdicts_stop(pi->pi_verdicts))
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_NOTICE, "%s ploguard: the write to "
            "\"%s\" changes a phone or mail value without a new entryCSN "
            "(%s): the verdict cache is off until ploguard-verdict-cache "
            "is set again\n", op->o_log_prefix, op->o_req_dn.bv_val,
            SLAP_NOLASTMOD(op->o_bd) ? "lastmod off" : "internal write");
}

int
pg_op_modify(Operation *op, SlapReply *rs)
{
    slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
    pg_info *pi = on->on_bi.bi_private;

    if (pi == NULL)
        return SLAP_CB_CONTINUE;
    pg_verdicts_guard(op, pi, op->orm_modlist, op->orm_no_opattrs);
    if (pg_write_exempt(op))
        return SLAP_CB_CONTINUE;
    return pg_check_modlist(op, rs, op->orm_modlist);
}

int
pg_op_modrdn(Operation *op, SlapReply *rs)
{
    slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
    pg_info *pi = on->on_bi.bi_private;

    if (pi == NULL)
        return SLAP_CB_CONTINUE;
    pg_verdicts_guard(op, pi, op->orr_modlist, op->orr_no_opattrs);
    if (pg_write_exempt(op))
        return SLAP_CB_CONTINUE;
    if (pg_reserved_rdn(&op->orr_nnewrdn))
        return pg_refuse(op, rs, PG_RDN_REFUSED);
    return pg_check_modlist(op, rs, op->orr_modlist);
}
