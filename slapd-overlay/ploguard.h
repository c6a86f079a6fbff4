/*
 * ploguard.h - internal interface of the ploguard slapd overlay.
 *
 * One pg_info per database the overlay is configured on (on_bi.bi_private):
 * allocated in db_init, freed in db_destroy.  Configuration fields change
 * only from config drivers, which slapd runs with the server paused (or
 * before it starts), so they need no lock.  The registry snapshot is the
 * one thing shared with the run-queue reload task and is guarded by
 * pi_lock: readers hold the read lock while they use a snapshot, the
 * reload swaps the pointer under the write lock and frees the old one
 * after unlocking.
 *
 * What every search reads comes first in pg_info, so that it takes as few
 * cache lines as possible: by the time slapd calls the overlay, its own
 * work has pushed all of ploguard out of the first-level caches.
 */
#ifndef PLOGUARD_H
#define PLOGUARD_H

#include "portable.h"

#include <pthread.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "slap.h"
#include "slap-config.h"
#include "ldap_rq.h"

#include "pgr.h"
#include "feed.h"
#include "verdict.h"

/* Our own OID arc, derived from a random UUID (RFC 4122, ITU-T X.667). */
#define PG_ARC        "2.25.232855205505719630784223529289939782815"
#define PG_AT_ARC     PG_ARC ".1"   /* data attribute types */
#define PG_OC_ARC     PG_ARC ".2"   /* data object classes */
#define PG_CFG_AT_ARC PG_ARC ".3"   /* cn=config attribute types */
#define PG_CFG_OC_ARC PG_ARC ".4"   /* cn=config object classes */

#define PG_MAX_ATTRS  16            /* per attribute list */
#define PG_MAX_LANGS  2

enum pg_lang { PG_LANG_EN = 1, PG_LANG_FR = 2 };

/* A configured attribute list: the text as configured (NULL: the default)
 * and the descriptions resolved from it at db_open. */
typedef struct pg_attrs {
    int                   n;        /* read with the first ads: kept by them */
    uint64_t              mask;     /* pg_ad_bit of each */
    AttributeDescription *ad[PG_MAX_ATTRS];
    char                 *text;
} pg_attrs;

/* One bit of a 64-bit summary of a set of attribute descriptions, so that
 * an entry's other attributes are passed over with one test each.  The bit
 * is the attribute type's: telephoneNumber;lang-en shares telephoneNumber's. */
static inline uint64_t
pg_ad_bit(const AttributeDescription *ad)
{
    return 1ULL << (((uintptr_t)ad->ad_type * 0x9e3779b97f4a7c15ULL) >> 58);
}

/* Whether ad's type is one of pa's (ad may carry tags: a value of
 * telephoneNumber;lang-en is a telephoneNumber).  Inline: the filter walk
 * and the entry scan ask it on the search path. */
static inline int
pg_attrs_has(const pg_attrs *pa, const AttributeDescription *ad)
{
    int i;

    for (i = 0; i < pa->n; i++)
        if (pa->ad[i]->ad_type == ad->ad_type)
            return 1;
    return 0;
}

struct pg_shared;   /* synth.c */

/*
 * One loaded registry and what the overlay derives from it once.  It is
 * reference-counted: pi_snap holds one reference, and a search that sends
 * entries pointing into it (synth.c) holds another while it sends, so
 * that no lock is held across network writes; so does the annotation of a
 * matching entry across its ACL check (search.c), which may search.
 * Everything else uses it under the read lock.
 */
typedef struct pg_snapshot {
    pgr_registry  *reg;
    char         **reserved;    /* distinct instruction texts, short and
                                   full: no client may store them (write.c) */
    size_t         nreserved;
    char          *regid;       /* registry id, for ploguardMatch */
    long long      seq;
    char           seqtext[24]; /* seq in decimal, formatted once */
    int            stale_logged; /* reload task only */
    int            refs;        /* atomic; the last one frees */
    /* what synthesized entries share, built on first use (synth.c):
     * appended under shared_lock, read without it */
    ldap_pvt_thread_mutex_t shared_lock;
    struct pg_shared *shared;
    int            nshared;
} pg_snapshot;

/* ploguard-pubkey: the trusted keys (none: unsigned mode) and the values
 * as configured, a base64 key or an absolute .pub path each. */
typedef struct pg_pubkeys {
    pgr_feed_keys keys;
    char         *text[PGR_FEED_MAX_KEYS];
    int           n;
} pg_pubkeys;

/* The in-memory anti-rollback floor: the last signed registry accepted
 * since slapd started.  A registry of the same id with a lower seq, or the
 * same seq and other content, is refused even without ploguard-state-dir. */
typedef struct pg_floor {
    int           set;
    char          regid[PGR_FEED_ID_MAX + 1];
    long long     seq;
    unsigned char hash[PGR_FEED_HASH_BYTES];
} pg_floor;

/*
 * A cn=config modify's way back (config.c).  slapd undoes a modify that
 * one of its changes made fail by deleting the new values and setting the
 * old ones again, in the same operation.  They must come back as they
 * were, with the registry read before the modify: not by reading a file
 * again that the modify's own change may have replaced (a rollback by
 * then), or .pub files that may be gone.  Taken at the modify's first
 * setting of the registry (path, keys, state directory) on an open
 * database, dropped at its end.
 */
typedef struct pg_undo {
    const Operation *op;            /* the modify; NULL: none taken */
    unsigned long connid;
    long        opid;
    pg_snapshot *snap;              /* a reference: the registry before */
    char       *path;
    pg_pubkeys  keys;
    char       *statedir;
    pg_floor    floor;
    struct stat regseen, sigseen;
    int         armed;              /* pg_cf_cleanup will run at the end */
    int         reloaded;           /* the modify loaded a registry */
    unsigned    loaded_with;        /* PG_UNDO_*: the settings that differed
                                       from before at its last load */
    int         skipped;            /* and one of those was set back without
                                       loading: settled at the end */
    /* a signed registry the modify loaded, whose anti-rollback record
     * waits for the end: a modify undone must not leave a seq recorded
     * that the registry back in force is older than (reload.c) */
    int         pending;
    pgr_feed_info pending_fi;
    char       *pending_dir;        /* the directory it was checked against */
} pg_undo;
#define PG_UNDO_PATH 1u
#define PG_UNDO_KEYS 2u
#define PG_UNDO_DIR  4u

typedef struct pg_info {
    /* read on every search (see above) */
    pthread_rwlock_t pi_lock;       /* guards pi_snap */
    pg_snapshot *pi_snap;           /* current registry, or NULL */
    /* the entries found to match nothing (verdict.h): while open, on
     * back-mdb only, NULL otherwise; forgotten with every new snapshot
     * (under pi_lock) and every configuration change */
    pg_verdicts *pi_verdicts;
    int         pi_synth;           /* ploguard-synthesize */
    int         pi_loglevel;        /* ploguard-log-level */
    pg_attrs    pi_phone;           /* ploguard-phone-attrs */
    pg_attrs    pi_mail;            /* ploguard-mail-attrs */

    /* configuration */
    char       *pi_path;            /* ploguard-registry */
    pgr_config  pi_pcfg;            /* ploguard-region */
    int         pi_interval;        /* ploguard-reload-interval, seconds */
    pg_attrs    pi_display;         /* ploguard-display-attrs */
    pg_attrs    pi_notes;           /* ploguard-notes-attr (one) */
    int         pi_lang[PG_MAX_LANGS];  /* ploguard-lang, in order; 0 ends */
    pg_pubkeys  pi_pubkeys;         /* ploguard-pubkey */
    char       *pi_statedir;        /* ploguard-state-dir, or NULL */
    int         pi_vslots;          /* ploguard-verdict-cache (0: off) */
    pg_undo     pi_undo;            /* config.c */

    /* run time */
    int         pi_open;            /* between db_open and db_close */
    int         pi_enable_on_open;  /* closed by olcDisabled: pg_db_open */
    /* the database's be_private (back-mdb's state): what names its own
     * entries among those glue passes through (pg_verdict_key_of).  Not
     * the BackendDB: backover gives db_init and db_open a copy of it on
     * the stack. */
    void       *pi_bedata;
    struct re_s *pi_task;           /* reload task, NULL in tool mode */
    char       *pi_task_spec;       /* its name in cn=Monitor: the suffix */
    struct pg_alarm *pi_alarm;      /* starts pi_task (alarm.h) */
    /* the file pi_snap was read from, as stat saw it (reload task only;
     * compared by pg_same_file) */
    struct stat pi_regseen;
    /* and its .minisig as the task last looked at it (signed mode): a
     * registry put in place before its signature is refused, and taken
     * once the signature follows, though the registry does not change */
    struct stat pi_sigseen;
    pg_floor    pi_floor;           /* changed with the snapshot */
    /* atomic: the database's one (db_init to db_destroy) and one per
     * search state (search.c).  An overlay deleted through cn=config is
     * destroyed once slapd resumes, while a search that was waiting to
     * write to a slow client goes on: what that search's callbacks read
     * must outlive db_destroy, so the last reference frees it all. */
    int         pi_refs;
} pg_info;

/* Defaults (also in the man page). */
#define PG_DEFAULT_INTERVAL 60
#define PG_DEFAULT_PHONE    "telephoneNumber mobile homePhone pager " \
                            "facsimileTelephoneNumber otherTelephone ipPhone"
#define PG_DEFAULT_MAIL     "mail"
#define PG_DEFAULT_DISPLAY  "cn displayName"
#define PG_DEFAULT_NOTES    "description"

/* schema.c: the data schema, registered once in init_module */
extern AttributeDescription *pg_ad_instruction;  /* ploguardInstruction */
extern AttributeDescription *pg_ad_match;        /* ploguardMatch */
extern ObjectClass          *pg_oc_contact;      /* ploguardContact */
extern AttributeDescription *pg_ad_sn;           /* at db_open, or NULL */
extern AttributeDescription *pg_ad_given;
extern AttributeDescription *pg_ad_display;
extern AttributeDescription *pg_ad_org;
int  pg_schema_init(void);
int  pg_attrs_resolve(pg_attrs *pa, const char *dflt, const char *directive,
                      char *msg, size_t msgsz);
int  pg_attrs_check_text(const char *text, char *msg, size_t msgsz);
int  pg_resolve_all(pg_info *pi, char *msg, size_t msgsz);

/* config.c */
int  pg_config_init(BackendInfo *bi);
void pg_info_defaults(pg_info *pi);
void pg_info_free_config(pg_info *pi);

/* reload.c */
int  pg_reload_now(pg_info *pi, const char *path, const pgr_config *pcfg,
                   char *msg, size_t msgsz);
int  pg_reload_with(pg_info *pi, const char *path, const pgr_config *pcfg,
                    const pgr_feed_keys *keys, const char *statedir,
                    char *msg, size_t msgsz);

/* signed.c: ploguard-pubkey and ploguard-state-dir */
int  pg_pubkeys_parse(int argc, char **argv, pg_pubkeys *pk, int *bad,
                      char *msg, size_t msgsz);
void pg_pubkeys_free(pg_pubkeys *pk);
void pg_pubkeys_copy(pg_pubkeys *dst, const pg_pubkeys *src);
int  pg_statedir_check(const char *dir, char *msg, size_t msgsz);
pgr_registry *pg_load_signed(const pg_info *pi, const char *path,
                             const pgr_config *pcfg,
                             const pgr_feed_keys *keys, const char *statedir,
                             pgr_feed_info *fi, char *msg, size_t msgsz);
int  pg_record_signed(const char *statedir, const pgr_feed_info *fi,
                      char *msg, size_t msgsz);
void pg_floor_set(pg_floor *f, const pgr_feed_info *fi);
int  pg_task_start(pg_info *pi, const char *spec, char *msg, size_t msgsz);
void pg_task_stop(pg_info *pi);
void pg_task_set_interval(pg_info *pi);
void pg_snapshot_drop(pg_snapshot *s);
pg_snapshot *pg_snapshot_hold(pg_info *pi);      /* a reference, or NULL */
void pg_snapshot_swap(pg_info *pi, pg_snapshot *snap);   /* under the write lock */

/* The current snapshot under the read lock (NULL: none loaded); release
 * it, also when NULL.  Inline: a search takes it once or twice, and a call
 * into another file costs it instruction-cache lines. */
static inline pg_snapshot *
pg_snapshot_acquire(pg_info *pi)
{
    pthread_rwlock_rdlock(&pi->pi_lock);
    return pi->pi_snap;
}

/* A reference to s, taken under the read lock: s stays usable after the
 * lock is released, until pg_snapshot_drop. */
static inline void
pg_snapshot_ref(pg_snapshot *s)
{
    __atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
}

static inline void
pg_snapshot_release(pg_info *pi)
{
    pthread_rwlock_unlock(&pi->pi_lock);
}

/* annotate.c: what a matching entry gains */
#define PG_MAX_ENTRY_HITS 4
typedef struct pg_hit {
    const pgr_entity *entity;
    pgr_matched_on    on;
    int               by_dn;    /* a base read of uid=ploguard-<id> */
    char              what[PGR_EMAIL_MAX + 1];  /* normalized identifier */
} pg_hit;
typedef struct pg_hits {
    int    n;
    pg_hit hit[PG_MAX_ENTRY_HITS];
} pg_hits;
int  pg_match_value(const pg_info *pi, const pg_snapshot *s, int is_phone,
                    const struct berval *val, pg_hits *h);
int  pg_entry_hits(const pg_info *pi, const pg_snapshot *s, Entry *e,
                   pg_hits *h);
int  pg_entry_hits_readable(Operation *reader, const pg_info *pi,
                            const pg_snapshot *s, Entry *e, pg_hits *h);
int  pg_annotation_visible(const pg_info *pi, const SlapReply *rs);
void pg_annotate(const pg_info *pi, const pg_snapshot *s, Entry *e,
                 const pg_hits *h, Operation *reader);
void pg_log_match(Operation *op, const pg_info *pi, const pg_snapshot *s,
                  const pg_hits *h, const char *how, const char *dn);
const char *pg_text(const pgr_instruction *ins, int lang, int is_short);
char *pg_prefix(const pg_info *pi, const pgr_instruction *ins);
int  pg_match_text(char *buf, size_t sz, const pg_snapshot *s,
                   const pg_hit *hit, int stale);
void pg_cat(char *buf, size_t sz, size_t *len, const char *str);
void pg_copy(char *buf, size_t sz, const char *str);

/* search.c and filter.c: the state of one search that asserted a
 * registered identifier (op->o_tmpmemctx). */
#define PG_MAX_WANT     16
#define PG_ID_MAX       128
#define PG_VALUE_MAX    PGR_EMAIL_MAX
#define PG_FILTER_DEPTH 32
#define PG_RDN_PREFIX   "uid=ploguard-"

typedef struct pg_want {
    const pgr_entity     *ent;       /* valid only under the read lock */
    const Filter         *node;      /* the assertion, in pg_op_search only */
    AttributeDescription *ad;        /* the asserted attribute */
    size_t                vlen;
    pgr_matched_on        on;
    int                   seen;      /* the directory returned it */
    char                  id[PG_ID_MAX + 1];
    char                  value[PG_VALUE_MAX + 1];  /* as the client sent it */
    char                  what[PGR_EMAIL_MAX + 1];  /* normalized */
} pg_want;

typedef struct pg_search {
    OpExtra        oe;          /* oe_key: &pg_search_key (search.c) */
    slap_callback  cb;
    pg_info       *pi;          /* a reference (pg_info_hold) */
    const Operation *op;        /* the operation it was made for */
    pg_want        want[PG_MAX_WANT];
    int            nwant;
    unsigned       pending;     /* wants the last entry may have returned */
    int            pending_n;   /* sr_nentries before that entry */
    char           base_id[PG_ID_MAX + 1];  /* base read of our DN, or "" */
    /* the last assertion looked up (filter.c): 1 + is_phone, or 0 */
    int            memo_phone;
    size_t         memo_len;
    char           memo[PG_VALUE_MAX];
} pg_search;
_Static_assert(PG_MAX_WANT <= sizeof(unsigned) * 8,
               "a want is one bit of pg_search.pending");

/* filter.c */
void pg_filter_wants(Operation *op, const pg_info *pi, const pg_snapshot *s,
                     pg_search *ps);
int  pg_base_id(const struct berval *dn, char *out, size_t outsz);
int  pg_request_is_search(Operation *op);

/* synth.c */
int  pg_synth_send(Operation *op, SlapReply *rs, const pg_info *pi,
                   pg_snapshot *s, const pgr_entity *ent,
                   const pg_want *const *wants, int nw);
void pg_shared_free_all(pg_snapshot *s);
void pg_synth_prepare(void);

/* ploguard.c */
void pg_info_hold(pg_info *pi);
void pg_info_drop(pg_info *pi);
int  pg_verdicts_open(const slap_overinst *on, pg_info *pi, int nslots,
                      char *msg, size_t msgsz);

/* dispatch.c */
void pg_dispatch_open(slap_overinst *on);
void pg_dispatch_close(slap_overinst *on);

/* search.c */
int  pg_response(Operation *op, SlapReply *rs);
int  pg_op_search(Operation *op, SlapReply *rs);
int  pg_skip_op(Operation *op);
void pg_search_release(Operation *op, const pg_info *pi);

/* search.c and dispatch.c: the verdict of a returned entry. */

/*
 * Names rs's entry for the verdict table (verdict.h); 0 when it cannot be
 * named exactly: no table (not back-mdb), not the backend's own stored
 * entry (a copy an overlay below changed, or an entry made up), lastmod
 * off (writes keep the entryCSN), a glue database (the IDs of several
 * databases), an entry of another database (a subordinate's, which glue
 * sends through its superior's callbacks), or no entryCSN.
 */
static inline int
pg_verdict_key_of(Operation *op, const SlapReply *rs, const pg_info *pi,
                  pg_verdict_key *k)
{
    const Entry *e = rs->sr_entry;
    const Attribute *a;

    if (pi->pi_verdicts == NULL ||
        (rs->sr_flags & (REP_ENTRY_MODIFIABLE | REP_ENTRY_MUSTBEFREED |
                         REP_ENTRY_MUSTRELEASE)) != 0 ||
        SLAP_NOLASTMOD(op->o_bd) || SLAP_GLUE_INSTANCE(op->o_bd) ||
        op->o_bd->be_private != pi->pi_bedata)
        return 0;
    a = attr_find(e->e_attrs, slap_schema.si_ad_entryCSN);
    if (a == NULL || a->a_numvals != 1)
        return 0;
    return pg_verdict_key_make(k, (uint64_t)e->e_id, a->a_vals[0].bv_val,
                               a->a_vals[0].bv_len) == 0;
}

/*
 * 1 when rs's entry was found to match nothing and has not been written
 * since: pg_response would pass it on untouched.  What dispatch.c's search
 * asks for every entry before it pays for backover's way of calling
 * pg_response; inline, as that is 100 times per search of an address book.
 */
static inline int
pg_entry_clean(Operation *op, const SlapReply *rs, const pg_info *pi)
{
    pg_verdict_key key;

    if (pi == NULL)
        return 0;
    pg_verdict_prefetch(pi->pi_verdicts, (uint64_t)rs->sr_entry->e_id);
    return pg_verdict_key_of(op, rs, pi, &key) &&
           pg_verdict_clean(pi->pi_verdicts, &key);
}

/* write.c */
int  pg_op_add(Operation *op, SlapReply *rs);
int  pg_op_modify(Operation *op, SlapReply *rs);
int  pg_op_modrdn(Operation *op, SlapReply *rs);

#endif /* PLOGUARD_H */
