/*
 * randwrite.c - random writes against the overlay's verdict cache, for
 * randwrite.sh.
 *
 *   randwrite URI BASE BINDDN PASSWORD PREFIX SEED STEPS
 *
 * Keeps RW_ENTRIES entries PREFIX0.. under BASE and a model of their phone
 * and mail values, each known to be registered in the test registry
 * (tests/integration/registry.json) or not.  Every step writes one entry
 * (a value added, deleted or replaced, an unrelated attribute changed, a
 * rename, a delete and add again), then reads it back one to three times,
 * by base read or by a search as a phone or a mail client would send, and
 * checks ploguardMatch: present exactly when the model says the entry
 * holds a registered number or address.  Reads before a write fill the
 * verdict cache; a write must never leave an entry with a remembered
 * "matches nothing" it no longer deserves, nor the reverse.
 *
 * Prints one line per failure (seed, step, entry, what) and a summary;
 * exit 0 when every read agreed with the model, 1 when one did not, 2 on
 * a usage or connection error.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lber.h>
#include <ldap.h>

#include "../ldapconnect.h"
#include "../xorshift64.h"
#include "randargs.h"

#define RW_ENTRIES   6
#define RW_MAX_VALS  6        /* per attribute */
#define RW_MAX_STEPS 100000
#define RW_SHOWN     20       /* failures printed */
#define RW_LEN(a)    (sizeof(a) / sizeof((a)[0]))

/* The attributes written: three of ploguard's default phone attributes
 * and its mail attribute. */
static const char *const rw_attrs[] = {
    "telephoneNumber", "mobile", "homePhone", "mail",
};
#define RW_NATTRS 4
#define RW_MAIL   3           /* index of "mail" in rw_attrs */

/* Registered, active entities of the test registry, in written forms. */
static const char *const rw_reg_phones[] = {
    "+1 613 555 0142", "16135550142", "(613) 555-0111", "+44 20 7946 0011",
    "+1 613 555 0113", "613.555.0113", "011 44 20 7946 0012",
    "+1-613-555-0121", "+44 20 7946 0177", "613 555 0145",
    "+1 (613) 555-0149", "tel:+1-613-555-0140", "+1 613 555 0121 x55",
};
static const char *const rw_reg_mails[] = {
    "wang.lihua@diplo.example.test", "Zhang.Wei@example.org",
    "chen.jie@diplo.example.test", "LIU.YANG@EXAMPLE.ORG",
    "reception@mps.example.test", "visa@embassy.example.test",
};
/* Innocent: unregistered numbers (+1 613 555 0150, 017x, 0186, +44 20 7946
 * 0581), parts of registered numbers that are no whole number, agency
 * addresses, and look-alikes of registered addresses. */
static const char *const rw_innocent_phones[] = {
    "+1 613 555 0171", "6135550172", "(613) 555-0173", "1-613-555-0174",
    "+1 613 555 0175 ext. 12", "+44 20 7946 0581", "613 555 0186",
    "555 0113", "613555014", "+1 613 555 0150",
};
static const char *const rw_innocent_mails[] = {
    "desk.one@agency.example.org", "desk.two@agency.example.org",
    "chen.jie@agency.example.org", "liu.yang@example.com",
    "someone@diplo.example.test", "mps.example.test@agency.example.org",
};

typedef struct rw_value {
    char text[64];
    int  registered;
} rw_value;

typedef struct rw_entry {
    char     uid[64];
    char     name[48];  /* cn and sn, kept through renames */
    int      renames;
    rw_value vals[RW_NATTRS][RW_MAX_VALS];
    int      nvals[RW_NATTRS];
} rw_entry;

typedef struct rw_run {
    LDAP       *ld;
    const char *base;
    const char *prefix;
    uint64_t    seed;
    uint64_t    state;
    long        step;
    long        reads, writes, refused, failures;
    rw_entry    entries[RW_ENTRIES];
} rw_run;

static unsigned
rw_pick(rw_run *r, unsigned n)
{
    return (unsigned)((xorshift64_next(&r->state) >> 33) % n);
}

static void
rw_dn(const rw_run *r, const rw_entry *e, char *dn, size_t size)
{
    snprintf(dn, size, "uid=%s,%s", e->uid, r->base);
}

static int
rw_entry_registered(const rw_entry *e)
{
    int a, i;

    for (a = 0; a < RW_NATTRS; a++)
        for (i = 0; i < e->nvals[a]; i++)
            if (e->vals[a][i].registered)
                return 1;
    return 0;
}

/* A random value for attribute index a, registered or not. */
static void
rw_value_for(rw_run *r, int a, rw_value *v)
{
    v->registered = rw_pick(r, 3) == 0;
    if (a == RW_MAIL)
        snprintf(v->text, sizeof(v->text), "%s", v->registered ?
                 rw_reg_mails[rw_pick(r, RW_LEN(rw_reg_mails))] :
                 rw_innocent_mails[rw_pick(r, RW_LEN(rw_innocent_mails))]);
    else
        snprintf(v->text, sizeof(v->text), "%s", v->registered ?
                 rw_reg_phones[rw_pick(r, RW_LEN(rw_reg_phones))] :
                 rw_innocent_phones[rw_pick(r, RW_LEN(rw_innocent_phones))]);
}

/* One modification of attribute a with up to RW_MAX_VALS values. */
typedef struct rw_mod {
    LDAPMod        mod;
    struct berval  bv[RW_MAX_VALS];
    struct berval *bvp[RW_MAX_VALS + 1];
} rw_mod;

static void
rw_mod_init(rw_mod *m, int op, const char *attr, const rw_value *vals,
            int n)
{
    int i;

    memset(m, 0, sizeof(*m));
    m->mod.mod_op = op | LDAP_MOD_BVALUES;
    m->mod.mod_type = (char *)attr;
    for (i = 0; i < n; i++) {
        m->bv[i].bv_val = (char *)vals[i].text;
        m->bv[i].bv_len = strlen(vals[i].text);
        m->bvp[i] = &m->bv[i];
    }
    m->bvp[n] = NULL;
    m->mod.mod_bvalues = m->bvp;
}

static void
rw_fail(rw_run *r, const rw_entry *e, const char *what)
{
    /* the first RW_SHOWN are printed; the summary counts them all */
    if (++r->failures <= RW_SHOWN)
        printf("FAIL: seed %" PRIu64 " step %ld entry %s: %s\n", r->seed,
               r->step, e->uid, what);
}

/* The entry as a whole: add it again with the model's values. */
static int
rw_add(rw_run *r, rw_entry *e)
{
    static const rw_value oc[] = { { "inetOrgPerson", 0 } };
    rw_value uid = { "", 0 }, name = { "", 0 };
    rw_mod mods[RW_NATTRS + 4];
    LDAPMod *list[RW_NATTRS + 5];
    char dn[256];
    int a, n = 0;

    snprintf(uid.text, sizeof(uid.text), "%s", e->uid);
    snprintf(name.text, sizeof(name.text), "%s", e->name);
    rw_mod_init(&mods[n++], LDAP_MOD_ADD, "objectClass", oc, 1);
    rw_mod_init(&mods[n++], LDAP_MOD_ADD, "uid", &uid, 1);
    rw_mod_init(&mods[n++], LDAP_MOD_ADD, "cn", &name, 1);
    rw_mod_init(&mods[n++], LDAP_MOD_ADD, "sn", &name, 1);
    for (a = 0; a < RW_NATTRS; a++)
        if (e->nvals[a] > 0)
            rw_mod_init(&mods[n++], LDAP_MOD_ADD, rw_attrs[a], e->vals[a],
                        e->nvals[a]);
    for (a = 0; a < n; a++)
        list[a] = &mods[a].mod;
    list[n] = NULL;
    rw_dn(r, e, dn, sizeof(dn));
    return ldap_add_ext_s(r->ld, dn, list, NULL, NULL);
}

/* One random write to e; the model changes only when the server says the
 * write succeeded (an LDAP write is all or nothing). */
static void
rw_write(rw_run *r, rw_entry *e)
{
    rw_value vals[RW_MAX_VALS];
    rw_mod m;
    LDAPMod *list[2] = { &m.mod, NULL };
    char dn[256], newrdn[64];
    int a = (int)rw_pick(r, RW_NATTRS), n, i, rc;

    rw_dn(r, e, dn, sizeof(dn));
    switch (rw_pick(r, 8)) {
    case 0:
    case 1:
    case 2:   /* add a value */
        if (e->nvals[a] >= RW_MAX_VALS)
            return;
        rw_value_for(r, a, &vals[0]);
        rw_mod_init(&m, LDAP_MOD_ADD, rw_attrs[a], vals, 1);
        rc = ldap_modify_ext_s(r->ld, dn, list, NULL, NULL);
        if (rc == LDAP_SUCCESS)
            e->vals[a][e->nvals[a]++] = vals[0];
        break;
    case 3:   /* delete one value, as stored */
        if (e->nvals[a] == 0)
            return;
        i = (int)rw_pick(r, (unsigned)e->nvals[a]);
        rw_mod_init(&m, LDAP_MOD_DELETE, rw_attrs[a], &e->vals[a][i], 1);
        rc = ldap_modify_ext_s(r->ld, dn, list, NULL, NULL);
        if (rc == LDAP_SUCCESS) {
            e->vals[a][i] = e->vals[a][e->nvals[a] - 1];
            e->nvals[a]--;
        }
        break;
    case 4:   /* replace the attribute with 0 to 2 values */
        n = (int)rw_pick(r, 3);
        for (i = 0; i < n; i++)
            rw_value_for(r, a, &vals[i]);
        rw_mod_init(&m, LDAP_MOD_REPLACE, rw_attrs[a], vals, n);
        rc = ldap_modify_ext_s(r->ld, dn, list, NULL, NULL);
        if (rc == LDAP_SUCCESS) {
            for (i = 0; i < n; i++)
                e->vals[a][i] = vals[i];
            e->nvals[a] = n;
        }
        break;
    case 5:   /* an attribute the overlay does not look at */
        snprintf(vals[0].text, sizeof(vals[0].text), "step %ld", r->step);
        rw_mod_init(&m, LDAP_MOD_REPLACE, "description", vals, 1);
        rc = ldap_modify_ext_s(r->ld, dn, list, NULL, NULL);
        break;
    case 6:   /* a new RDN: the entry keeps its ID and values */
        snprintf(newrdn, sizeof(newrdn), "uid=%s%d-%d", r->prefix,
                 (int)(e - r->entries), e->renames + 1);
        rc = ldap_rename_s(r->ld, dn, newrdn, NULL, 1, NULL, NULL);
        if (rc == LDAP_SUCCESS) {
            e->renames++;
            snprintf(e->uid, sizeof(e->uid), "%s", newrdn + 4);
        }
        break;
    default:  /* deleted and added again: a new ID */
        rc = ldap_delete_ext_s(r->ld, dn, NULL, NULL);
        if (rc == LDAP_SUCCESS) {
            rc = rw_add(r, e);
            if (rc != LDAP_SUCCESS) {
                rw_fail(r, e, "added again: refused");
                return;
            }
        }
        break;
    }
    r->writes++;
    /* 20: a value equal under the matching rule is there already */
    if (rc == LDAP_TYPE_OR_VALUE_EXISTS)
        r->refused++;
    else if (rc != LDAP_SUCCESS) {
        char what[128];

        snprintf(what, sizeof(what), "write refused: %s", ldap_err2string(rc));
        rw_fail(r, e, what);
    }
}

/* Reads e back the way a client finds it, and checks ploguardMatch. */
static void
rw_read(rw_run *r, rw_entry *e)
{
    char *attrs[] = { "cn", "ploguardMatch", NULL };
    char dn[256], filter[256];
    const char *base = r->base;
    int scope = LDAP_SCOPE_SUBTREE, rc, n, matched, want;
    LDAPMessage *res = NULL, *msg;
    struct berval **vals;

    rw_dn(r, e, dn, sizeof(dn));
    switch (rw_pick(r, 3)) {
    case 0:
        base = dn;
        scope = LDAP_SCOPE_BASE;
        snprintf(filter, sizeof(filter), "(objectClass=*)");
        break;
    case 1:
        snprintf(filter, sizeof(filter), "(uid=%s)", e->uid);
        break;
    default:   /* Thunderbird typing the entry's name */
        snprintf(filter, sizeof(filter), "(|(cn=%s*)(mail=%s*)(sn=%s*))",
                 e->name, e->name, e->name);
        break;
    }
    rc = ldap_search_ext_s(r->ld, base, scope, filter, attrs, 0, NULL, NULL,
                           NULL, 0, &res);
    r->reads++;
    if (rc != LDAP_SUCCESS) {
        char what[128];

        snprintf(what, sizeof(what), "read: %s", ldap_err2string(rc));
        rw_fail(r, e, what);
        ldap_msgfree(res);
        return;
    }
    n = ldap_count_entries(r->ld, res);
    msg = ldap_first_entry(r->ld, res);
    if (n != 1 || msg == NULL) {
        rw_fail(r, e, "read: not exactly one entry");
        ldap_msgfree(res);
        return;
    }
    vals = ldap_get_values_len(r->ld, msg, "ploguardMatch");
    matched = vals != NULL && vals[0] != NULL;
    ldap_value_free_len(vals);
    ldap_msgfree(res);
    want = rw_entry_registered(e);
    if (matched != want)
        rw_fail(r, e, want ? "holds a registered identifier, not annotated" :
                             "holds none, annotated");
}

int
main(int argc, char **argv)
{
    static rw_run r;
    uint64_t steps;
    int i, k;

    if (argc != 8 || strlen(argv[5]) == 0 || strlen(argv[5]) > 12 ||
        randargs_u64(argv[6], &r.seed) != 0 ||
        randargs_u64(argv[7], &steps) != 0 || steps > RW_MAX_STEPS) {
        fprintf(stderr, "usage: randwrite URI BASE BINDDN PASSWORD PREFIX "
                        "SEED STEPS (PREFIX 1-12 characters, STEPS at most "
                        "%d)\n", RW_MAX_STEPS);
        return 2;
    }
    r.base = argv[2];
    r.prefix = argv[5];
    r.state = r.seed ^ UINT64_C(0x9e3779b97f4a7c15);
    if (r.state == 0)
        r.state = 1;
    r.ld = ldapconnect("randwrite", argv[1], argv[3], argv[4]);
    if (r.ld == NULL)
        return 2;
    for (i = 0; i < RW_ENTRIES; i++) {
        rw_entry *e = &r.entries[i];

        snprintf(e->uid, sizeof(e->uid), "%s%d", r.prefix, i);
        snprintf(e->name, sizeof(e->name), "Random Writer %s%d", r.prefix, i);
        e->nvals[0] = 1;
        rw_value_for(&r, 0, &e->vals[0][0]);
        if (rw_add(&r, e) != LDAP_SUCCESS) {
            fprintf(stderr, "randwrite: cannot add %s under %s\n", e->uid,
                    r.base);
            ldap_unbind_ext_s(r.ld, NULL, NULL);
            return 2;
        }
    }
    for (r.step = 1; (uint64_t)r.step <= steps; r.step++) {
        rw_entry *e = &r.entries[rw_pick(&r, RW_ENTRIES)];

        rw_read(&r, e);   /* the verdict before the write, remembered */
        rw_write(&r, e);
        for (k = 1 + (int)rw_pick(&r, 3); k > 0; k--)
            rw_read(&r, e);
    }
    printf("randwrite %s: seed %" PRIu64 ", %ld steps, %ld writes (%ld "
           "refused as duplicates), %ld reads, %ld failures\n", r.prefix,
           r.seed, r.step - 1, r.writes, r.refused, r.reads, r.failures);
    ldap_unbind_ext_s(r.ld, NULL, NULL);
    return r.failures == 0 ? 0 : 1;
}
