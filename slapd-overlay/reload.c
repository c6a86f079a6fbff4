/*
 * reload.c - the registry at run time.
 *
 * The registry is parsed outside any lock; only the swap of the snapshot
 * pointer happens under the write lock, and the old snapshot is freed
 * after unlocking, so searches never wait on a parse.  Searches hold the
 * read lock while they use a snapshot (entities are referenced by
 * pointer).  A registry that fails to load leaves the last good one in
 * force and is logged with every reason the resolver gives.
 *
 * The file is checked every ploguard-reload-interval seconds by a task of
 * slapd's run queue; a change of device, inode, size or modification time
 * (an update by write-and-rename changes the inode) triggers a reload.
 * The task is kept unscheduled, and the alarm (alarm.h) starts it on
 * slapd's thread pool when it is due: a task the listener schedules
 * itself would put a timeout on every wait of slapd's listener.
 */
#include "ploguard.h"
#include "alarm.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static void
pg_snapshot_free(pg_snapshot *s)
{
    size_t i;

    for (i = 0; i < s->nreserved; i++)
        ch_free(s->reserved[i]);
    ch_free(s->reserved);
    ch_free(s->regid);
    pg_shared_free_all(s);
    ldap_pvt_thread_mutex_destroy(&s->shared_lock);
    pgr_registry_free(s->reg);
    ch_free(s);
}

/* Gives up one reference; the last one frees the snapshot. */
void
pg_snapshot_drop(pg_snapshot *s)
{
    if (s != NULL && __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0)
        pg_snapshot_free(s);
}

/* A reference to the current snapshot, usable without the lock until
 * pg_snapshot_drop; NULL when none is loaded. */
pg_snapshot *
pg_snapshot_hold(pg_info *pi)
{
    pg_snapshot *s = pg_snapshot_acquire(pi);

    if (s != NULL)
        pg_snapshot_ref(s);
    pg_snapshot_release(pi);
    return s;
}

/*
 * Puts snap (NULL: none) in force and gives up the reference pi held on
 * the one before.  The verdicts were found under the old registry; they
 * are forgotten under the lock, so that a search stores none under the
 * new one that it found under the old one.
 */
void
pg_snapshot_swap(pg_info *pi, pg_snapshot *snap)
{
    pg_snapshot *old;

    pthread_rwlock_wrlock(&pi->pi_lock);
    old = pi->pi_snap;
    pi->pi_snap = snap;
    pg_verdicts_forget(pi->pi_verdicts);
    pthread_rwlock_unlock(&pi->pi_lock);
    pg_snapshot_drop(old);
}

static void
pg_add_reserved(pg_snapshot *s, size_t *cap, const char *text)
{
    size_t i;

    if (text == NULL || text[0] == '\0')
        return;
    for (i = 0; i < s->nreserved; i++)
        if (strcasecmp(s->reserved[i], text) == 0)
            return;
    if (s->nreserved == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        s->reserved = ch_realloc(s->reserved, *cap * sizeof(s->reserved[0]));
    }
    s->reserved[s->nreserved++] = ch_strdup(text);
}

/* Takes ownership of reg.  The distinct instruction texts are what write.c
 * refuses at the start of a display or notes value. */
static pg_snapshot *
pg_snapshot_new(pgr_registry *reg)
{
    pg_snapshot *s = ch_calloc(1, sizeof(*s));
    const pgr_instruction *last = NULL;
    size_t i, n, cap = 0;
    const char *id;

    s->reg = reg;
    s->refs = 1;    /* pi_snap's */
    ldap_pvt_thread_mutex_init(&s->shared_lock);
    id = pgr_registry_id(reg);
    s->regid = ch_strdup(id != NULL ? id : "");
    s->seq = pgr_registry_seq(reg);
    snprintf(s->seqtext, sizeof(s->seqtext), "%lld", s->seq);
    n = pgr_registry_entity_count(reg);
    for (i = 0; i < n; i++) {
        const pgr_entity *e = pgr_registry_entity(reg, i);

        if (e == NULL || e->instruction == NULL || e->instruction == last)
            continue;
        last = e->instruction;
        pg_add_reserved(s, &cap, last->short_en);
        pg_add_reserved(s, &cap, last->short_fr);
        pg_add_reserved(s, &cap, last->en);
        pg_add_reserved(s, &cap, last->fr);
    }
    return s;
}

static void
pg_log_stale(pg_snapshot *s, const char *path)
{
    time_t now = time(NULL), exp;
    char when[32] = "?";
    struct tm tm;

    if (!pgr_registry_stale(s->reg, now))
        return;
    s->stale_logged = 1;
    exp = pgr_registry_expires_at(s->reg);
    if (gmtime_r(&exp, &tm) != NULL)
        (void)strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    Log(LDAP_DEBUG_ANY, LDAP_LEVEL_WARNING,
        "ploguard: WARNING: registry %s seq %lld from %s expired at %s "
        "and is stale; it is still used, and every match says stale=yes: "
        "update it (ploguard sync)\n", s->regid, s->seq, path, when);
}

/* Unsigned mode: the file as it is.  NULL with the reasons in msg. */
static pgr_registry *
pg_load_plain(const char *path, const pgr_config *pcfg, const char *keep,
              char *msg, size_t msgsz)
{
    pgr_errors errs;
    pgr_registry *reg;
    size_t i, off;

    pgr_errors_init(&errs);
    reg = pgr_registry_load_file(path, pcfg, &errs);
    if (reg == NULL) {
        off = (size_t)snprintf(msg, msgsz, "registry %s not loaded (%zu "
                               "error%s; %s)", path, errs.count,
                               errs.count == 1 ? "" : "s", keep);
        for (i = 0; i < errs.count; i++) {
            const char *m = i < errs.cap && errs.msgs[i] != NULL ?
                            errs.msgs[i] : "(message lost: out of memory)";

            Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR,
                "ploguard: registry %s: %s\n", path, m);
            if (off < msgsz)
                off += (size_t)snprintf(msg + off, msgsz - off, "%s %s",
                                        i == 0 ? ":" : ";", m);
        }
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR, "ploguard: %s\n", msg);
    }
    pgr_errors_free(&errs);
    return reg;
}

/* Signed mode: verified, not rolled back, recorded.  NULL with the reason
 * in msg (logged in full).  During a cn=config modify the record waits for
 * its end (pg_undo.pending): the modify may yet be undone. */
static pgr_registry *
pg_load_verified(pg_info *pi, const char *path, const pgr_config *pcfg,
                 const pgr_feed_keys *keys, const char *statedir,
                 const char *keep, pgr_feed_info *fi, char *msg, size_t msgsz)
{
    char why[PGR_FEED_ERR_MAX + 64];
    pgr_registry *reg;

    reg = pg_load_signed(pi, path, pcfg, keys, statedir, fi, why,
                         sizeof(why));
    if (reg != NULL && pi->pi_undo.armed) {
        pi->pi_undo.pending = statedir != NULL;
        pi->pi_undo.pending_fi = *fi;
        ch_free(pi->pi_undo.pending_dir);
        pi->pi_undo.pending_dir = statedir != NULL ? ch_strdup(statedir) : NULL;
    } else if (reg != NULL &&
               pg_record_signed(statedir, fi, why, sizeof(why)) != 0) {
        pgr_registry_free(reg);
        reg = NULL;
    }
    if (reg == NULL) {
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR, "ploguard: %s (%s)\n", why, keep);
        snprintf(msg, msgsz, "%s (%s)", why, keep);
    }
    return reg;
}

/* Whether a and b are one version of one file: device, inode, size and
 * modification time. */
static int
pg_same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
           a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Whether path.minisig is another version than *seen holds; *seen becomes
 * it.  A missing file is all zeroes. */
static int
pg_sig_changed(const char *path, struct stat *seen)
{
    char sig[PATH_MAX];
    struct stat st;
    int changed;

    if (snprintf(sig, sizeof(sig), "%s.minisig", path) >= (int)sizeof(sig) ||
        stat(sig, &st) != 0)
        memset(&st, 0, sizeof(st));
    changed = !pg_same_file(&st, seen);
    *seen = st;
    return changed;
}

/*
 * Loads path with pcfg and makes it the current registry; with keys (at
 * least one), only if its signature verifies and the anti-rollback rules
 * hold.  Returns 0, or -1 with the reasons in msg; the registry in force
 * is then unchanged.
 */
int
pg_reload_now(pg_info *pi, const char *path, const pgr_config *pcfg,
              char *msg, size_t msgsz)
{
    return pg_reload_with(pi, path, pcfg, &pi->pi_pubkeys.keys,
                          pi->pi_statedir, msg, msgsz);
}

int
pg_reload_with(pg_info *pi, const char *path, const pgr_config *pcfg,
               const pgr_feed_keys *keys, const char *statedir,
               char *msg, size_t msgsz)
{
    pgr_registry *reg;
    pg_snapshot *snap;
    pgr_feed_info fi;
    struct stat st;
    const char *keep;
    char kid[2 * PGR_FEED_KEYID_BYTES + 1] = "";
    int is_signed = keys != NULL && keys->count > 0;

    if (path == NULL) {
        snprintf(msg, msgsz, "no registry path configured");
        return -1;
    }
    /* stat first: a change during the parse is seen by the next check */
    keep = pi->pi_snap != NULL ? "the last good registry stays in force" :
                                 "no registry is loaded";
    if (stat(path, &st) != 0) {
        snprintf(msg, msgsz, "registry %s: %s (%s)", path, strerror(errno),
                 keep);
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR, "ploguard: %s\n", msg);
        return -1;
    }
    if (is_signed)
        reg = pg_load_verified(pi, path, pcfg, keys, statedir, keep, &fi,
                               msg, msgsz);
    else
        reg = pg_load_plain(path, pcfg, keep, msg, msgsz);
    if (reg == NULL)
        return -1;
    snap = pg_snapshot_new(reg);
    /* snap stays valid below: only this task and config changes (server
     * paused) swap pi_snap */
    pg_snapshot_swap(pi, snap);
    if (!is_signed)
        pi->pi_undo.pending = 0;   /* no signed load of the modify in force */

    pi->pi_regseen = st;
    (void)pg_sig_changed(path, &pi->pi_sigseen);   /* the pair now in force */
    if (is_signed) {
        pg_floor_set(&pi->pi_floor, &fi);
        pgr_feed_keyid_hex(fi.keyid, kid);
    }
    Log(LDAP_DEBUG_STATS, LDAP_LEVEL_NOTICE,
        "ploguard: registry %s seq %lld loaded from %s: %zu entities%s%s\n",
        snap->regid, snap->seq, path, pgr_registry_entity_count(reg),
        is_signed ? ", signature verified, key " : " (unsigned mode)",
        kid);
    if (pgr_registry_warning_count(reg) > 0)
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_WARNING, "ploguard: registry %s seq "
            "%lld: %zu of its names cannot be indexed, and no search by them "
            "finds their entity (\"ploguard check %s\" lists them)\n",
            snap->regid, snap->seq, pgr_registry_warning_count(reg), path);
    pg_log_stale(snap, path);
    return 0;
}

/* Run-queue task: reload when the file changed, or, for a signed
 * registry, its signature. */
static void *
pg_task_fn(void *ctx, void *arg)
{
    struct re_s *rtask = arg;
    pg_info *pi = rtask->arg;
    char msg[SLAP_TEXT_BUFLEN];
    struct stat st;

    (void)ctx;
    if (pi->pi_path != NULL) {
        /* looked at every time, so that *seen stays current */
        int sig_changed = pi->pi_pubkeys.n > 0 &&
                          pg_sig_changed(pi->pi_path, &pi->pi_sigseen);

        if (stat(pi->pi_path, &st) != 0) {
            Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR,
                "ploguard: registry %s: %s (the last good registry stays in "
                "force)\n", pi->pi_path, strerror(errno));
        } else if (pg_same_file(&st, &pi->pi_regseen) && !sig_changed) {
            /* It may have expired since it was loaded: say so once.  Only
             * this task and config changes (server paused) swap pi_snap. */
            if (pi->pi_snap != NULL && !pi->pi_snap->stale_logged)
                pg_log_stale(pi->pi_snap, pi->pi_path);
        } else {
            if (pg_reload_now(pi, pi->pi_path, &pi->pi_pcfg, msg,
                              sizeof(msg)) != 0) {
                /* Logged; remember this version so that it is not parsed
                 * again until it changes. */
                pi->pi_regseen = st;
            }
        }
    }
    /* done; it stays unscheduled until the alarm starts it again */
    ldap_pvt_thread_mutex_lock(&slapd_rq.rq_mutex);
    if (ldap_pvt_runqueue_isrunning(&slapd_rq, rtask))
        ldap_pvt_runqueue_stoptask(&slapd_rq, rtask);
    ldap_pvt_thread_mutex_unlock(&slapd_rq.rq_mutex);
    return NULL;
}

/* What slapd's listener does for a task that is due: the pool's cookie is
 * spent once the task runs (pg_task_stop must not retract it then). */
static void *
pg_task_trampoline(void *ctx, void *arg)
{
    struct re_s *rtask = arg;

    ldap_pvt_thread_mutex_lock(&slapd_rq.rq_mutex);
    rtask->pool_cookie = NULL;
    ldap_pvt_thread_mutex_unlock(&slapd_rq.rq_mutex);
    return rtask->routine(ctx, rtask);
}

/* The alarm, on its own thread: start the task unless it still runs. */
static void
pg_task_due(void *arg)
{
    struct re_s *rtask = arg;
    int rc;

    ldap_pvt_thread_mutex_lock(&slapd_rq.rq_mutex);
    if (ldap_pvt_runqueue_isrunning(&slapd_rq, rtask)) {
        ldap_pvt_thread_mutex_unlock(&slapd_rq.rq_mutex);
        return;   /* a slow check: this round is skipped */
    }
    ldap_pvt_runqueue_runtask(&slapd_rq, rtask);
    rc = ldap_pvt_thread_pool_submit2(&connection_pool, pg_task_trampoline,
                                      rtask, &rtask->pool_cookie);
    if (rc != 0)   /* the pool is closing: slapd is shutting down */
        ldap_pvt_runqueue_stoptask(&slapd_rq, rtask);
    ldap_pvt_thread_mutex_unlock(&slapd_rq.rq_mutex);
}

int
pg_task_start(pg_info *pi, const char *spec, char *msg, size_t msgsz)
{
    struct re_s *rtask;
    int rc;

    /* the run queue keeps the pointer (cn=Monitor shows it): a copy of
     * the suffix, which a change of olcSuffix would free */
    ch_free(pi->pi_task_spec);
    pi->pi_task_spec = spec != NULL ? ch_strdup(spec) : NULL;
    ldap_pvt_thread_mutex_lock(&slapd_rq.rq_mutex);
    rtask = ldap_pvt_runqueue_insert(&slapd_rq, pi->pi_interval, pg_task_fn,
                                     pi, "ploguard_reload",
                                     pi->pi_task_spec);
    if (rtask != NULL)   /* unscheduled: next_sched 0, at the tail */
        ldap_pvt_runqueue_resched(&slapd_rq, rtask, 1);
    ldap_pvt_thread_mutex_unlock(&slapd_rq.rq_mutex);
    if (rtask == NULL) {
        snprintf(msg, msgsz, "cannot add the reload task to the run queue");
        goto fail;
    }
    rc = pg_alarm_start(&pi->pi_alarm, pi->pi_interval * 1000L, pg_task_due,
                        rtask);
    if (rc != 0) {
        snprintf(msg, msgsz, "cannot start the reload alarm thread: %s",
                 strerror(rc));
        ldap_pvt_thread_mutex_lock(&slapd_rq.rq_mutex);
        ldap_pvt_runqueue_remove(&slapd_rq, rtask);
        ldap_pvt_thread_mutex_unlock(&slapd_rq.rq_mutex);
        goto fail;
    }
    pi->pi_task = rtask;
    return 0;
fail:
    ch_free(pi->pi_task_spec);
    pi->pi_task_spec = NULL;
    return -1;
}

/*
 * Called at db_close.  At shutdown slapd's pool has finished every task;
 * from cn=config the close may come with the server paused (olcDisabled)
 * or after slapd has resumed (an overlay deleted: overlay_remove_cb closes
 * and destroys it in the delete's cleanup, the server running).  A task
 * waiting in the pool's queue is taken back from there; one the pool has
 * started is waited for, since pi and the task's record are freed once
 * this returns.  It is one check of the file, a load at most.
 */
void
pg_task_stop(pg_info *pi)
{
    struct re_s *rtask = pi->pi_task;
    const struct timespec pause = { 0, 10000000L };   /* 10 ms */

    if (rtask == NULL)
        return;
    pg_alarm_stop(pi->pi_alarm);   /* no more starts once it returns */
    pi->pi_alarm = NULL;
    ldap_pvt_thread_mutex_lock(&slapd_rq.rq_mutex);
    /* A cookie still set is a task not yet started, or starting: the
     * pool frees it only after pg_task_fn, which ends under rq_mutex, so
     * retracting it here never touches another task. */
    if (ldap_pvt_runqueue_isrunning(&slapd_rq, rtask) &&
        rtask->pool_cookie != NULL &&
        ldap_pvt_thread_pool_retract(rtask->pool_cookie) > 0)
        ldap_pvt_runqueue_stoptask(&slapd_rq, rtask);
    while (ldap_pvt_runqueue_isrunning(&slapd_rq, rtask)) {
        ldap_pvt_thread_mutex_unlock(&slapd_rq.rq_mutex);
        nanosleep(&pause, NULL);
        ldap_pvt_thread_mutex_lock(&slapd_rq.rq_mutex);
    }
    ldap_pvt_runqueue_remove(&slapd_rq, rtask);
    ldap_pvt_thread_mutex_unlock(&slapd_rq.rq_mutex);
    pi->pi_task = NULL;
    ch_free(pi->pi_task_spec);
    pi->pi_task_spec = NULL;
}

void
pg_task_set_interval(pg_info *pi)
{
    if (pi->pi_task == NULL)
        return;
    ldap_pvt_thread_mutex_lock(&slapd_rq.rq_mutex);
    pi->pi_task->interval.tv_sec = pi->pi_interval;   /* the run queue's record */
    ldap_pvt_thread_mutex_unlock(&slapd_rq.rq_mutex);
    pg_alarm_set(pi->pi_alarm, pi->pi_interval * 1000L);
}
