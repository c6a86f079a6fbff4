/*
 * feedload.c - reading an installed, signed registry: the one call the
 * overlay's `ploguard-pubkey` needs (pgr_feed_load) and a verification-only
 * variant.  The registry file is read once; the bytes verified are the
 * bytes parsed.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "feed_private.h"

#define DEFAULT_MAX_SIZE ((size_t)256 * 1024 * 1024)

/*
 * Reads the signature at sig_path (or registry_path.minisig) and verifies
 * body with it; when that signature does not sign body, tries <sig>.prev,
 * which signs the installed registry in the short window of
 * pgr_feed_install() between its two renames.
 */
static pgr_feed_status
verify_pair(const char *registry_path, const char *sig_path,
            const unsigned char *body, size_t len, const pgr_feed_keys *keys,
            pgr_feed_info *info, char *err, size_t errlen)
{
    char sp[PATH_MAX], prev[PATH_MAX], why[PGR_FEED_ERR_MAX];
    unsigned char *sig = NULL, *psig = NULL;
    size_t siglen = 0, psiglen = 0;
    pgr_feed_status st, pst;
    int n;

    if (sig_path == NULL)
        n = snprintf(sp, sizeof(sp), "%s.minisig", registry_path);
    else
        n = snprintf(sp, sizeof(sp), "%s", sig_path);
    if (n < 0 || (size_t)n >= sizeof(sp) ||
        (n = snprintf(prev, sizeof(prev), "%s.prev", sp)) < 0 ||
        (size_t)n >= sizeof(prev)) {
        pgr_seterr(err, errlen, "%s: path too long", registry_path);
        return PGR_FEED_E_IO;
    }
    st = pgr_feed_read_file(sp, PGR_FEED_SIGFILE_MAX, &sig, &siglen, err, errlen);
    if (st != PGR_FEED_OK)
        return st;
    st = pgr_feed_verify(body, len, (const char *)sig, siglen, keys, info, why, sizeof(why));
    free(sig);
    if (st == PGR_FEED_OK)
        return st;
    pgr_seterr(err, errlen, "%s: %s", sp, why);
    if (st != PGR_FEED_E_BAD_SIG)
        return st;
    if (pgr_feed_read_file(prev, PGR_FEED_SIGFILE_MAX, &psig, &psiglen, NULL, 0) != PGR_FEED_OK)
        return st;
    pst = pgr_feed_verify(body, len, (const char *)psig, psiglen, keys, info, NULL, 0);
    free(psig);
    return pst == PGR_FEED_OK ? pst : st;
}

pgr_feed_status
pgr_feed_load(const char *registry_path, const char *sig_path,
              const pgr_feed_keys *keys, const char *state_dir,
              const pgr_config *cfg, time_t now, unsigned flags,
              size_t max_size, pgr_registry **reg, pgr_feed_info *info,
              pgr_errors *errs, char *err, size_t errlen)
{
    unsigned char *body = NULL;
    size_t len = 0;
    pgr_feed_info fi;
    pgr_errors local;
    pgr_registry *r;
    pgr_feed_status st;
    char why[PGR_FEED_ERR_MAX];

    *reg = NULL;
    st = pgr_feed_read_file(registry_path, max_size ? max_size : DEFAULT_MAX_SIZE,
                            &body, &len, err, errlen);
    if (st != PGR_FEED_OK)
        return st;
    st = verify_pair(registry_path, sig_path, body, len, keys, &fi, err, errlen);
    if (st == PGR_FEED_OK)
        st = pgr_feed_check_time(&fi, now, flags, err, errlen);
    if (st != PGR_FEED_OK) {
        free(body);
        return st;
    }
    if (errs == NULL) {
        pgr_errors_init(&local);
        errs = &local;
    }
    r = pgr_registry_load_buffer((const char *)body, len, cfg, errs);
    free(body);
    if (r == NULL) {
        pgr_seterr(err, errlen, "%s: signed but invalid: %s", registry_path,
                   errs->count > 0 && errs->msgs[0] != NULL ? errs->msgs[0] : "invalid registry");
        if (errs == &local)
            pgr_errors_free(&local);
        return PGR_FEED_E_INVALID;
    }
    if (errs == &local)
        pgr_errors_free(&local);
    st = pgr_feed_check_body(&fi, r, why, sizeof(why));
    if (st != PGR_FEED_OK) {
        pgr_seterr(err, errlen, "%s: %s", registry_path, why);
        pgr_registry_free(r);
        return st;
    }
    /* The anti-rollback rules last, once the body has proved to be the
     * registry its trusted comment names: a signature that verifies over
     * something else (legacy "Ed" ones, which could, are refused) must
     * fail as an invalid registry, not be reported as the equivocation of
     * a compromised key. */
    if (state_dir != NULL) {
        st = pgr_feed_state_check(state_dir, &fi, err, errlen);
        if (st != PGR_FEED_OK) {
            pgr_registry_free(r);
            return st;
        }
    }
    *reg = r;
    if (info != NULL)
        *info = fi;
    return PGR_FEED_OK;
}

pgr_feed_status
pgr_feed_verify_file(const char *registry_path, const char *sig_path,
                     const pgr_feed_keys *keys, const char *state_dir,
                     pgr_feed_info *out, char *err, size_t errlen)
{
    unsigned char *body = NULL;
    size_t len = 0;
    pgr_feed_info fi;
    pgr_feed_status st;

    st = pgr_feed_read_file(registry_path, DEFAULT_MAX_SIZE, &body, &len, err, errlen);
    if (st != PGR_FEED_OK)
        return st;
    st = verify_pair(registry_path, sig_path, body, len, keys, &fi, err, errlen);
    free(body);
    if (st == PGR_FEED_OK)
        st = pgr_feed_check_time(&fi, time(NULL), 0, err, errlen);
    if (st == PGR_FEED_OK && state_dir != NULL)
        st = pgr_feed_state_check(state_dir, &fi, err, errlen);
    if (st == PGR_FEED_OK && out != NULL)
        *out = fi;
    return st;
}
