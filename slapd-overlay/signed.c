/*
 * signed.c - ploguard-pubkey and ploguard-state-dir: a registry is
 * accepted only if its .minisig verifies with a trusted key and the
 * anti-rollback rules hold, so a file dropped in place by hand cannot
 * bypass the checks `ploguard sync` makes.
 *
 * The verification itself is libpgrfeed's (pgr_feed_load reads the file
 * once and parses the very bytes it verified).  What this file adds is the
 * overlay's own floor: without a state directory, a lower seq than the
 * signed registry accepted last, or the same seq with other content, is
 * still refused for as long as slapd runs.
 */
#include "ploguard.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

void
pg_pubkeys_free(pg_pubkeys *pk)
{
    int i;

    for (i = 0; i < PGR_FEED_MAX_KEYS; i++) {
        ch_free(pk->text[i]);
        pk->text[i] = NULL;
    }
    pk->n = 0;
    pgr_feed_keys_init(&pk->keys);
}

/* dst (freed or zeroed) becomes a copy of src. */
void
pg_pubkeys_copy(pg_pubkeys *dst, const pg_pubkeys *src)
{
    int i;

    dst->keys = src->keys;
    dst->n = src->n;
    for (i = 0; i < PGR_FEED_MAX_KEYS; i++)
        dst->text[i] = src->text[i] != NULL ? ch_strdup(src->text[i]) : NULL;
}

static int
pg_has_blank(const char *s)
{
    for (; *s != '\0'; s++)
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            return 1;
    return 0;
}

/*
 * Parses the values argv[1..argc) of ploguard-pubkey into *pk (which the
 * caller has zeroed): each a minisign public key (the base64 line of a
 * .pub file) or the absolute path of a .pub file.  Returns 0, or -1 with
 * *bad the index of the refused value and the reason in msg; *pk is then
 * freed.
 */
int
pg_pubkeys_parse(int argc, char **argv, pg_pubkeys *pk, int *bad,
                 char *msg, size_t msgsz)
{
    char why[PGR_FEED_ERR_MAX];
    pgr_feed_status st;
    int i;

    pgr_feed_keys_init(&pk->keys);
    pk->n = 0;
    *bad = 1;
    if (argc < 2 || argc - 1 > PGR_FEED_MAX_KEYS) {
        snprintf(msg, msgsz, "one or two keys (a current key and a standby)");
        return -1;
    }
    for (i = 1; i < argc; i++) {
        *bad = i;
        if (argv[i][0] == '\0' || pg_has_blank(argv[i])) {
            snprintf(msg, msgsz, "a key or a .pub path holds no blank");
            pg_pubkeys_free(pk);
            return -1;
        }
        if (argv[i][0] == '/')
            st = pgr_feed_keys_add_file(&pk->keys, argv[i], why, sizeof(why));
        else
            st = pgr_feed_keys_add(&pk->keys, argv[i], why, sizeof(why));
        if (st != PGR_FEED_OK) {
            snprintf(msg, msgsz, "%s%s", why, argv[i][0] == '/' ? "" :
                     " (give the key line of a minisign .pub file, or the "
                     "absolute path of the file)");
            pg_pubkeys_free(pk);
            return -1;
        }
        pk->text[pk->n++] = ch_strdup(argv[i]);
    }
    return 0;
}

int
pg_statedir_check(const char *dir, char *msg, size_t msgsz)
{
    struct stat st;

    if (dir[0] != '/') {
        snprintf(msg, msgsz, "must be an absolute path");
        return -1;
    }
    if (stat(dir, &st) != 0) {
        snprintf(msg, msgsz, "%s", strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(msg, msgsz, "not a directory");
        return -1;
    }
    return 0;
}

/* The in-memory floor: 0, or -1 with the reason in msg. */
static int
pg_floor_check(const pg_floor *f, const pgr_feed_info *fi,
               char *msg, size_t msgsz)
{
    if (!f->set || strcmp(f->regid, fi->registry_id) != 0)
        return 0;
    if (fi->seq < f->seq) {
        snprintf(msg, msgsz, "rollback: seq %lld is lower than seq %lld, "
                 "already accepted", fi->seq, f->seq);
        return -1;
    }
    if (fi->seq == f->seq &&
        memcmp(fi->hash, f->hash, sizeof(f->hash)) != 0) {
        snprintf(msg, msgsz, "equivocation: seq %lld was accepted with "
                 "other content; report this to the ILDC", fi->seq);
        return -1;
    }
    return 0;
}

void
pg_floor_set(pg_floor *f, const pgr_feed_info *fi)
{
    f->set = 1;
    snprintf(f->regid, sizeof(f->regid), "%s", fi->registry_id);
    f->seq = fi->seq;
    memcpy(f->hash, fi->hash, sizeof(f->hash));
}

/*
 * Loads path only if it verifies with keys and passes the anti-rollback
 * rules (the state in statedir when not NULL, and the in-memory floor).
 * Returns the registry, or NULL with the reason in msg (every validation
 * error of a signed but invalid registry is logged).
 */
pgr_registry *
pg_load_signed(const pg_info *pi, const char *path, const pgr_config *pcfg,
               const pgr_feed_keys *keys, const char *statedir,
               pgr_feed_info *fi, char *msg, size_t msgsz)
{
    char why[PGR_FEED_ERR_MAX];
    pgr_registry *reg = NULL;
    pgr_feed_status st;
    pgr_errors errs;
    size_t i;

    pgr_errors_init(&errs);
    st = pgr_feed_load(path, NULL, keys, statedir, pcfg, time(NULL), 0, 0,
                       &reg, fi, &errs, why, sizeof(why));
    if (st != PGR_FEED_OK) {
        for (i = 0; st == PGR_FEED_E_INVALID && i < errs.count; i++)
            Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR,
                "ploguard: registry %s: %s\n", path,
                i < errs.cap && errs.msgs[i] != NULL ? errs.msgs[i] :
                "(message lost: out of memory)");
        pgr_errors_free(&errs);
        snprintf(msg, msgsz, "registry %s refused (%s): %s", path,
                 pgr_feed_status_name(st), why);
        return NULL;
    }
    pgr_errors_free(&errs);
    if (pg_floor_check(&pi->pi_floor, fi, why, sizeof(why)) != 0) {
        pgr_registry_free(reg);
        snprintf(msg, msgsz, "registry %s refused (%s): %s", path,
                 fi->seq < pi->pi_floor.seq ? "rollback" : "equivocation",
                 why);
        return NULL;
    }
    return reg;
}

/*
 * Advances the anti-rollback state in statedir (nothing without one).
 * Returns -1 only when the state refuses fi (it moved on since the check:
 * `ploguard sync` recorded a newer feed meanwhile); a state that cannot
 * be written is logged and the verified registry is still used, the
 * in-memory floor protecting it until slapd restarts.
 */
int
pg_record_signed(const char *statedir, const pgr_feed_info *fi,
                 char *msg, size_t msgsz)
{
    char why[PGR_FEED_ERR_MAX];
    pgr_feed_status st;

    if (statedir == NULL)
        return 0;
    st = pgr_feed_state_record(statedir, fi, time(NULL), why, sizeof(why));
    if (st == PGR_FEED_OK)
        return 0;
    if (st == PGR_FEED_E_ROLLBACK || st == PGR_FEED_E_EQUIVOCATION) {
        snprintf(msg, msgsz, "refused (%s): %s", pgr_feed_status_name(st),
                 why);
        return -1;
    }
    Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR,
        "ploguard: WARNING: anti-rollback state in %s not recorded (%s); "
        "registry %s seq %lld is used, protected against rollback until "
        "slapd restarts\n", statedir, why, fi->registry_id, fi->seq);
    return 0;
}
