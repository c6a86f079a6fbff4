/*
 * ploguard.c - the ploguard slapd overlay: module entry point, version
 * check and the per-database life cycle.
 *
 * init_module    registers the data schema, the configuration schema and
 *                the overlay; refuses a slapd other than the one whose
 *                headers we were compiled against (slapd checks nothing).
 * db_init        allocates the per-database state with the defaults.
 * db_open        resolves attribute names (the schema is complete only
 *                now), loads the registry, starts the reload task,
 *                allocates the verdict table.
 * db_close       stops the task, drops the registry and the verdicts.
 * db_destroy     frees the state.
 */
#include "ploguard.h"

#include <string.h>

#ifndef PGR_OPENLDAP_SRC_VERSION
#error "PGR_OPENLDAP_SRC_VERSION must name the Debian version of the OpenLDAP headers"
#endif

/* slapd's own version banner, exported by /usr/sbin/slapd. */
extern const char Versionstr[];

static slap_overinst pg_overlay;

/*
 * Copies the version token that follows "slapd " in banner into out.
 * Returns 0, or -1 when the banner has no such token.
 */
static int
pg_banner_version(const char *banner, char *out, size_t outsz)
{
    const char *p, *end;
    size_t len;

    p = strstr(banner, "slapd ");
    if (p == NULL)
        return -1;
    p += strlen("slapd ");
    end = p;
    while (*end != '\0' && *end != ' ' && *end != '\t')
        end++;
    len = (size_t)(end - p);
    if (len == 0 || len >= outsz)
        return -1;
    memcpy(out, p, len);
    out[len] = '\0';
    return 0;
}

/* The struct layouts we use are those of PGR_OPENLDAP_SRC_VERSION only. */
static int
pg_version_check(void)
{
    char running[64];

    if (pg_banner_version(Versionstr, running, sizeof(running)) != 0) {
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR,
            "ploguard: cannot read the running slapd's version from its "
            "banner \"%s\"; refusing to load (built for slapd %s)\n",
            Versionstr, PGR_OPENLDAP_SRC_VERSION);
        return -1;
    }
    if (strcmp(running, PGR_OPENLDAP_SRC_VERSION) != 0) {
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR,
            "ploguard: built against slapd %s but the running slapd is %s; "
            "refusing to load (rebuild ploguard against the OpenLDAP source "
            "of the installed slapd)\n",
            PGR_OPENLDAP_SRC_VERSION, running);
        return -1;
    }
    return 0;
}

/*
 * Replaces the verdict table (verdict.h) with one of nslots slots, or with
 * none when nslots is 0, in tool mode (nothing is searched) or on a
 * database other than back-mdb (whose entry IDs and entryCSNs are what
 * names an entry's content).  Runs at db_open or with the server paused.
 * Returns 0, or -1 with the reason in msg when the table cannot be
 * allocated (the old one stays).
 */
int
pg_verdicts_open(const slap_overinst *on, pg_info *pi, int nslots,
                 char *msg, size_t msgsz)
{
    const char *type = on->on_info->oi_orig->bi_type;
    pg_verdicts *v = NULL;

    if (nslots > 0 && !(slapMode & SLAP_TOOL_MODE) && type != NULL &&
        strcmp(type, "mdb") == 0) {
        v = pg_verdicts_new((size_t)nslots);
        if (v == NULL) {
            snprintf(msg, msgsz, "cannot allocate a verdict table of %d "
                     "slots", nslots);
            return -1;
        }
    }
    pg_verdicts_free(pi->pi_verdicts);
    pi->pi_verdicts = v;
    return 0;
}

static int
pg_db_init(BackendDB *be, ConfigReply *cr)
{
    slap_overinst *on = (slap_overinst *)be->bd_info;
    pg_info *pi;

    pi = ch_calloc(1, sizeof(*pi));
    if (pthread_rwlock_init(&pi->pi_lock, NULL) != 0) {
        ch_free(pi);
        snprintf(cr->msg, sizeof(cr->msg), "ploguard: cannot create a lock");
        return 1;
    }
    pg_info_defaults(pi);
    pi->pi_refs = 1;    /* the database's, dropped by db_destroy */
    on->on_bi.bi_private = pi;
    return 0;
}

/*
 * A db_open after a disable is the overlay's enabling.  slapd 2.5.13 opens
 * an overlay whose olcDisabled is deleted (a replace deletes too) but then
 * clears the database's flag (SLAP_DBFLAG_DISABLED) instead of the
 * overlay's: ploguard would stay passed over by the stack while cn=config
 * shows it enabled.  So, once open, it clears its own.
 */
static void
pg_enabled(slap_overinst *on, pg_info *pi)
{
    if (on->on_bi.bi_flags & SLAPO_BFLAG_DISABLED) {
        on->on_bi.bi_flags &= ~SLAPO_BFLAG_DISABLED;
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_NOTICE, "ploguard: enabled\n");
    }
    pi->pi_enable_on_open = 0;
}

/*
 * Glued databases (slapd.conf's subordinate): glue runs the superior's
 * search to its result before the subordinates' and each subordinate's to
 * its own, so no ploguard on any of them knows, when its part ends,
 * whether another part returned the record.  A warning shown twice is
 * better than none: each part synthesizes what it did not return (search.c),
 * and pg_say_neighbours says so.
 */
static int
pg_glued(const BackendDB *be)
{
    return SLAP_GLUE_INSTANCE(be) || SLAP_GLUE_SUBORDINATE(be);
}

/*
 * What other parts of the configuration take from ploguard, said once at
 * open.  sssvlv (server-side sorting, RFC 2891: Outlook's address book
 * browsing, for one) holds a sorted search's entries back and sends them
 * at its result, read again from the backend, through the callbacks pushed
 * before its own: global, it sends them past ploguard altogether; running
 * before ploguard on the database (configured after it), it swallows the
 * synthesized entries.  On glued databases a synthesized entry may come
 * beside a real one (pg_glued).
 */
static void
pg_say_neighbours(BackendDB *be, const slap_overinst *on, const pg_info *pi)
{
    const char *suffix = be->be_suffix != NULL && be->be_suffix[0].bv_val != NULL
                             ? be->be_suffix[0].bv_val : "";
    const slap_overinst *o;

    if (frontendDB != NULL && overlay_is_inst(frontendDB, "sssvlv"))
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_WARNING, "ploguard: %s: sssvlv is a "
            "global overlay: a search with the server-side sort control is "
            "answered past ploguard (entries not annotated, none "
            "synthesized); configure sssvlv on the database, before "
            "ploguard\n", suffix);
    for (o = on->on_info->oi_list; o != NULL && o != on; o = o->on_next)
        if (o->on_bi.bi_type != NULL && strcmp(o->on_bi.bi_type, "sssvlv") == 0)
            Log(LDAP_DEBUG_ANY, LDAP_LEVEL_WARNING, "ploguard: %s: sssvlv "
                "runs before ploguard (configured after it): a search with "
                "the server-side sort control gets no synthesized entry; "
                "configure sssvlv before ploguard\n", suffix);
    if (pi->pi_synth && pg_glued(be))
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_NOTICE, "ploguard: %s: a glued "
            "database (subordinate): a search across the glue may get a "
            "synthesized entry beside the real one another database "
            "returns; configure ploguard on every database of the glue\n",
            suffix);
}

static int
pg_db_open(BackendDB *be, ConfigReply *cr)
{
    slap_overinst *on = (slap_overinst *)be->bd_info;
    pg_info *pi = on->on_bi.bi_private;
    char msg[SLAP_TEXT_BUFLEN];

    if (pi->pi_open) {  /* olcDisabled deleted while not disabled */
        pg_enabled(on, pi);
        return 0;
    }
    if ((on->on_bi.bi_flags & SLAPO_BFLAG_DISABLED) &&
        !pi->pi_enable_on_open) {
        /* added with olcDisabled: TRUE: slapd opens it all the same, and
         * would neither close nor destroy it at shutdown (the stack passes
         * over disabled overlays); open it when it is enabled */
        pi->pi_enable_on_open = 1;
        return 0;
    }
    if (pi->pi_path == NULL) {
        snprintf(cr->msg, sizeof(cr->msg),
                 "ploguard: ploguard-registry (olcPloguardRegistry) is "
                 "required");
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR, "%s\n", cr->msg);
        return 1;
    }
    if (pg_resolve_all(pi, msg, sizeof(msg)) != 0) {
        snprintf(cr->msg, sizeof(cr->msg), "ploguard: %.240s", msg);
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR, "%s\n", cr->msg);
        return 1;
    }
    pg_synth_prepare();
    /* Running unprotected without telling anyone is worse than not
     * starting: a registry that cannot be loaded at start-up is fatal,
     * for the slap* tools too (slaptest validates it). */
    if (pg_reload_now(pi, pi->pi_path, &pi->pi_pcfg, msg, sizeof(msg)) != 0) {
        /* pg_reload_now has logged every reason */
        snprintf(cr->msg, sizeof(cr->msg), "ploguard: %.240s", msg);
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR, "ploguard: cannot start without "
            "a registry\n");
        return 1;
    }
    /* the table only saves time: without it ploguard works, slower */
    if (pg_verdicts_open(on, pi, pi->pi_vslots, msg, sizeof(msg)) != 0)
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_WARNING, "ploguard: %s; running "
            "without it (ploguard-verdict-cache)\n", msg);
    pi->pi_bedata = be->be_private;
    pi->pi_open = 1;
    if (!(slapMode & SLAP_TOOL_MODE) &&
        pg_task_start(pi, be->be_suffix != NULL ? be->be_suffix[0].bv_val : NULL,
                      msg, sizeof(msg)) != 0) {
        snprintf(cr->msg, sizeof(cr->msg), "ploguard: %.240s", msg);
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR, "%s\n", cr->msg);
        pi->pi_open = 0;
        return 1;
    }
    pg_dispatch_open(on);
    pg_say_neighbours(be, on, pi);
    pg_enabled(on, pi);
    return 0;
}

/*
 * Whether this close is slapd disabling the overlay through cn=config
 * (olcDisabled: TRUE): ploguard is still on its database's stack
 * (overlay_remove takes it off before closing it) and slapd is not
 * shutting down.
 */
static int
pg_closing_to_disable(const slap_overinst *on)
{
    const slap_overinst *o;

    if (slapd_shutdown || (slapMode & SLAP_TOOL_MODE))
        return 0;
    for (o = on->on_info->oi_list; o != NULL; o = o->on_next)
        if (o == on)
            return 1;
    return 0;
}

static int
pg_db_close(BackendDB *be, ConfigReply *cr)
{
    slap_overinst *on = (slap_overinst *)be->bd_info;
    pg_info *pi = on->on_bi.bi_private;

    (void)cr;
    if (pi == NULL)
        return 0;
    /* disabled while running, or by slapd.d at start-up: the next db_open
     * is its enabling (pg_enabled); not so the close slapd gives an
     * overlay added disabled before opening it (pg_db_open).  Never
     * lowered here: the database disabled, then ploguard, closes twice. */
    if (pg_closing_to_disable(on) &&
        (pi->pi_open || !(slapMode & SLAP_SERVER_RUNNING)))
        pi->pi_enable_on_open = 1;
    pg_dispatch_close(on);
    pg_task_stop(pi);
    pg_snapshot_swap(pi, NULL);
    pg_verdicts_free(pi->pi_verdicts);
    pi->pi_verdicts = NULL;
    pi->pi_open = 0;
    return 0;
}

void
pg_info_hold(pg_info *pi)
{
    __atomic_add_fetch(&pi->pi_refs, 1, __ATOMIC_RELAXED);
}

/* Drops a reference; the last one frees what db_destroy left: the state
 * of a closed database, whose task is stopped and snapshot dropped, unless
 * its open failed at the last step. */
void
pg_info_drop(pg_info *pi)
{
    if (pi == NULL || __atomic_sub_fetch(&pi->pi_refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    pg_verdicts_free(pi->pi_verdicts);
    pg_snapshot_drop(pi->pi_snap);
    ch_free(pi->pi_task_spec);   /* NULL once the task is stopped */
    pg_info_free_config(pi);
    pthread_rwlock_destroy(&pi->pi_lock);
    ch_free(pi);
}

/* The state is freed with its last reference: a search still sending
 * (waiting on a slow client when the overlay was deleted) may hold one. */
static int
pg_db_destroy(BackendDB *be, ConfigReply *cr)
{
    slap_overinst *on = (slap_overinst *)be->bd_info;
    pg_info *pi = on->on_bi.bi_private;

    if (pi == NULL)
        return 0;
    if (pi->pi_open)
        pg_db_close(be, cr);
    on->on_bi.bi_private = NULL;
    pg_info_drop(pi);
    return 0;
}

static int
pg_overlay_init(void)
{
    int rc;

    /* libsodium, for ploguard-pubkey */
    if (pgr_feed_init() != 0) {
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR, "ploguard: libsodium cannot be "
            "initialized; refusing to load\n");
        return -1;
    }
    rc = pg_schema_init();
    if (rc != 0)
        return rc;

    pg_overlay.on_bi.bi_type = "ploguard";
    pg_overlay.on_bi.bi_flags = SLAPO_BFLAG_SINGLE | SLAPO_BFLAG_DBONLY;
    pg_overlay.on_bi.bi_db_init = pg_db_init;
    pg_overlay.on_bi.bi_db_open = pg_db_open;
    pg_overlay.on_bi.bi_db_close = pg_db_close;
    pg_overlay.on_bi.bi_db_destroy = pg_db_destroy;
    pg_overlay.on_bi.bi_op_search = pg_op_search;
    pg_overlay.on_bi.bi_op_add = pg_op_add;
    pg_overlay.on_bi.bi_op_modify = pg_op_modify;
    pg_overlay.on_bi.bi_op_modrdn = pg_op_modrdn;
    pg_overlay.on_response = pg_response;

    rc = pg_config_init(&pg_overlay.on_bi);
    if (rc != 0)
        return rc;
    return overlay_register(&pg_overlay);
}

/* The only exported symbol (see slapd-overlay/local.mk). */
int init_module(int argc, char *argv[]) __attribute__((visibility("default")));

int
init_module(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    if (pg_version_check() != 0)
        return -1;
    return pg_overlay_init();
}
