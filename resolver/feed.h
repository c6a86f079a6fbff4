/*
 * feed.h - the signed registry feed: minisign verification, anti-rollback
 * state and atomic installation.  Used by `ploguard sync` and by the slapd
 * overlay's `ploguard-pubkey` directive.  Library: resolver/libpgrfeed.la
 * (link it together with resolver/libpgr.la, libpgrfeed first, and
 * $(SODIUM_LIBS)).  Every symbol carries the pgr_feed_ prefix and is hidden.
 *
 * The feed is registry.json plus registry.json.minisig (standard minisign
 * format, made by the stock `minisign -S`):
 *
 *   untrusted comment: <anything>
 *   base64( "ED" || key_id[8] || Ed25519 signature[64] )
 *   trusted comment: <text>
 *   base64( Ed25519 signature over signature[64] || <text> )
 *
 * "ED" (minisign's default since 0.10) signs BLAKE2b-512 of the file.  A
 * legacy "Ed" signature (minisign -l, the file itself signed) is refused:
 * the algorithm's two letters are signed by neither signature, and a
 * genuine "ED" relabelled "Ed" verifies over the 64 bytes of the prehash
 * (minisign -V -H refuses legacy signatures too).  BOTH signatures are
 * verified: a file that verifies under an altered trusted comment is
 * refused, and so is an altered file under a genuine comment.
 *
 * The trusted comment is parsed strictly, exactly:
 *
 *   registry_id=<id> seq=<n> issued_at=<time> expires_at=<time> [blake2b=<hex>]
 *
 * four or five fields in this order separated by one space; <id> is 1..128
 * of [A-Za-z0-9._-] starting with a letter or digit; <n> is a decimal >= 1
 * without sign or leading zero; <time> is RFC 3339 UTC in whole seconds,
 * "2026-11-22T04:00:00Z"; <hex> is the BLAKE2b-512 of the file in 128
 * lower-case hex digits, as b2sum(1) prints it.  The first four must equal
 * the body's fields (pgr_feed_check_body); blake2b, when present, must be
 * the hash of the file signed (pgr_feed_verify).  `ploguard registry
 * release` always writes it: the registry edited after a release and
 * signed again with the printed command would otherwise be a second
 * content under the released seq, which agencies that took the first
 * refuse as an equivocation and the others install.  So the ILDC signs with
 *   minisign -S -s ildc.sec -m registry.json \
 *     -t 'registry_id=ca-ildc seq=42 issued_at=2026-11-22T04:00:00Z expires_at=2026-12-06T04:00:00Z blake2b=...'
 *
 * Anti-rollback state, one file per registry id in a state directory
 * (<dir>/<registry_id>.state, written atomically): key id, seq, BLAKE2b-512
 * of the body, issued_at, expires_at of the last accepted feed.
 *   - seq lower than the recorded one: rollback, refused;
 *   - same seq, different hash: equivocation (the signer published two
 *     different registries under one seq), refused, to be reported loudly;
 *   - issued_at later than now + PGR_FEED_SKEW: refused;
 *   - expires_at not after now: refused when PGR_FEED_CHECK_EXPIRED is given
 *     (sync accepts no expired feed; the overlay keeps serving an installed
 *     one that has since expired, marked stale, so it does not pass it).
 *
 * Installation (pgr_feed_install) writes registry.json.minisig and
 * registry.json beside their targets, fsyncs them, keeps the current pair as
 * .prev / .minisig.prev (hard links, or copies), renames the signature, then the
 * registry, then fsyncs the directory.  A process killed at any moment
 * leaves registry.json whole, old or new.  The only window where the pair
 * disagrees is between the two renames (new .minisig, old registry);
 * there .minisig.prev still signs the old registry, so pgr_feed_load falls
 * back to <sig>.prev when <sig> does not sign the file.  Readers must
 * therefore accept a pair only when it verifies, which pgr_feed_load does.
 *
 * Errors: functions return a pgr_feed_status and write one line (no
 * newline) saying what failed and why into err (errlen bytes, may be 0).
 * No function keeps a pointer to its arguments; nothing is global; all are
 * thread-safe once sodium_init() has run (pgr_feed_init() calls it).
 */
#ifndef PGR_FEED_H
#define PGR_FEED_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "pgr.h"

#define PGR_FEED_KEYID_BYTES   8
#define PGR_FEED_PK_BYTES      32
#define PGR_FEED_SIG_BYTES     64
#define PGR_FEED_MAX_KEYS      2      /* a current key and a standby */
#define PGR_FEED_ID_MAX        128
#define PGR_FEED_COMMENT_MAX   1024   /* minisign's own limit */
#define PGR_FEED_SIGFILE_MAX   4096   /* a .minisig is never longer */
#define PGR_FEED_KEYFILE_MAX   4096
#define PGR_FEED_SKEW          300    /* seconds of clock skew tolerated */
#define PGR_FEED_HASH_BYTES    64     /* BLAKE2b-512 of the body */
#define PGR_FEED_ERR_MAX       512    /* a comfortable size for err buffers */
/* How long a record waits for the state directory's lock (feedstate.c):
 * its holder keeps it for a read and a small write, and one stuck past
 * that must not hold a slapd paused for a cn=config change. */
#define PGR_FEED_LOCK_WAIT_MS  5000
#define PGR_FEED_TEMP_AGE      60     /* seconds after which a temporary file
                                         nobody holds a lock on is stale */

typedef enum pgr_feed_status {
    PGR_FEED_OK = 0,
    PGR_FEED_E_IO,           /* a file could not be read, written or synced */
    PGR_FEED_E_NOMEM,
    PGR_FEED_E_KEY,          /* a public key is malformed */
    PGR_FEED_E_SIGFORMAT,    /* the .minisig is malformed */
    PGR_FEED_E_UNKNOWN_KEY,  /* signed by a key id that is not trusted */
    PGR_FEED_E_BAD_SIG,      /* the signature over the file does not verify */
    PGR_FEED_E_BAD_COMMENT,  /* the signature over the trusted comment does not */
    PGR_FEED_E_COMMENT,      /* the trusted comment is not in the form above */
    PGR_FEED_E_MISMATCH,     /* the trusted comment disagrees with the body */
    PGR_FEED_E_WRONG_ID,     /* not the registry id that was expected */
    PGR_FEED_E_FUTURE,       /* issued_at beyond now + skew */
    PGR_FEED_E_EXPIRED,      /* expires_at already past */
    PGR_FEED_E_ROLLBACK,     /* seq lower than the recorded one */
    PGR_FEED_E_EQUIVOCATION, /* same seq as recorded, different content */
    PGR_FEED_E_STATE,        /* the state file is unreadable or corrupt */
    PGR_FEED_E_INVALID       /* the registry failed validation */
} pgr_feed_status;

/* A stable short name for logs: "ok", "rollback", "equivocation"... */
const char *pgr_feed_status_name(pgr_feed_status st);

/* Initializes libsodium.  Returns 0, or -1 if it cannot be used.  Call once
 * before any other function (calling it again is harmless). */
int pgr_feed_init(void);

/* ------------------------------------------------------------- keys */

typedef struct pgr_feed_key {
    unsigned char keyid[PGR_FEED_KEYID_BYTES];
    unsigned char pk[PGR_FEED_PK_BYTES];
} pgr_feed_key;

typedef struct pgr_feed_keys {
    size_t       count;
    pgr_feed_key key[PGR_FEED_MAX_KEYS];
} pgr_feed_keys;

void pgr_feed_keys_init(pgr_feed_keys *keys);
/*
 * Adds a trusted key given as the base64 string minisign prints (the second
 * line of a .pub file), or as a whole .pub file's text ("untrusted comment:"
 * line, then the key).  Surrounding white space is ignored.  Refuses a third
 * key and a key id already present.
 */
pgr_feed_status pgr_feed_keys_add(pgr_feed_keys *keys, const char *text,
                                  char *err, size_t errlen);
/* The same from a minisign .pub file. */
pgr_feed_status pgr_feed_keys_add_file(pgr_feed_keys *keys, const char *path,
                                       char *err, size_t errlen);
/* A key id as minisign prints it: 16 upper-case hex digits. */
void pgr_feed_keyid_hex(const unsigned char keyid[PGR_FEED_KEYID_BYTES],
                        char out[2 * PGR_FEED_KEYID_BYTES + 1]);

/* --------------------------------------------------------- verifying */

/* What a verified signature says. */
typedef struct pgr_feed_info {
    char          registry_id[PGR_FEED_ID_MAX + 1];
    long long     seq;
    time_t        issued_at;
    time_t        expires_at;
    unsigned char keyid[PGR_FEED_KEYID_BYTES];     /* the key that signed */
    unsigned char hash[PGR_FEED_HASH_BYTES];       /* BLAKE2b-512 of the body */
    int           comment_has_hash;                /* blake2b= was given */
    unsigned char comment_hash[PGR_FEED_HASH_BYTES];  /* what it says */
    char          comment[PGR_FEED_COMMENT_MAX + 1];
} pgr_feed_info;

/*
 * Verifies body[0..len) against the .minisig text sig[0..siglen) with the
 * trusted keys: the key id must be one of them, the global signature over
 * the trusted comment and the signature over the body must both verify, and
 * the trusted comment must parse and, when it names the file's hash, name
 * this file's (PGR_FEED_E_MISMATCH otherwise).  Fills *out only on
 * PGR_FEED_OK.  Does no time or state check and does not look inside the
 * body.
 */
pgr_feed_status pgr_feed_verify(const unsigned char *body, size_t len,
                                const char *sig, size_t siglen,
                                const pgr_feed_keys *keys,
                                pgr_feed_info *out, char *err, size_t errlen);

/* out receives BLAKE2b-512 of body[0..len): what an "ED" signature signs,
 * the hash the state keeps and the trusted comment's blake2b (b2sum's).
 * Returns 0, or -1 if libsodium refuses. */
int pgr_feed_hash(const unsigned char *body, size_t len,
                  unsigned char out[PGR_FEED_HASH_BYTES]);
/* The hash in lower-case hex, as b2sum(1) and the comment write it. */
void pgr_feed_hash_hex(const unsigned char h[PGR_FEED_HASH_BYTES],
                       char out[2 * PGR_FEED_HASH_BYTES + 1]);

/* Parses a trusted comment (the text after "trusted comment: ").  Exposed
 * for tests and for the registry tools.  Fills registry_id, seq, issued_at,
 * expires_at, comment_has_hash, comment_hash and comment only. */
pgr_feed_status pgr_feed_parse_comment(const char *text, size_t len,
                                       pgr_feed_info *out,
                                       char *err, size_t errlen);

#define PGR_FEED_CHECK_EXPIRED 0x1   /* refuse a feed whose expires_at is past */

/* issued_at beyond now + PGR_FEED_SKEW is refused; so is an expired feed
 * when flags has PGR_FEED_CHECK_EXPIRED. */
pgr_feed_status pgr_feed_check_time(const pgr_feed_info *info, time_t now,
                                    unsigned flags, char *err, size_t errlen);

/* The trusted comment must equal the loaded body's registry_id, seq,
 * issued_at and expires_at. */
pgr_feed_status pgr_feed_check_body(const pgr_feed_info *info,
                                    const pgr_registry *reg,
                                    char *err, size_t errlen);

/* ------------------------------------------------------------ state */

typedef struct pgr_feed_state {
    char          registry_id[PGR_FEED_ID_MAX + 1];
    unsigned char keyid[PGR_FEED_KEYID_BYTES];
    long long     seq;
    unsigned char hash[PGR_FEED_HASH_BYTES];       /* BLAKE2b-512 */
    time_t        issued_at;
    time_t        expires_at;
    time_t        recorded_at;
} pgr_feed_state;

/* Reads the state for registry_id.  PGR_FEED_OK and *found = 1 when there
 * is one, PGR_FEED_OK and *found = 0 when there is none yet. */
pgr_feed_status pgr_feed_state_read(const char *state_dir,
                                    const char *registry_id,
                                    pgr_feed_state *st, int *found,
                                    char *err, size_t errlen);
/* Applies the rollback and equivocation rules to info against the state in
 * state_dir (no state yet: accepted).  Reads only. */
pgr_feed_status pgr_feed_state_check(const char *state_dir,
                                     const pgr_feed_info *info,
                                     char *err, size_t errlen);
/* Records info as the last accepted feed (atomically, durably).  Refuses
 * (PGR_FEED_E_ROLLBACK / _EQUIVOCATION) to record anything the rules
 * would refuse, so the recorded seq never goes down. */
pgr_feed_status pgr_feed_state_record(const char *state_dir,
                                      const pgr_feed_info *info, time_t now,
                                      char *err, size_t errlen);
/*
 * Removes the temporary state files a killed writer left in state_dir,
 * <registry_id>.state.tmp.XXXXXX, last modified at least min_age seconds
 * before now.  Both `ploguard sync` and the overlay write state files, the
 * overlay without sync's lock, so a younger one may be a write in progress:
 * pass PGR_FEED_TEMP_AGE.  Returns the number removed (0 when state_dir
 * does not exist), or -1 when state_dir cannot be read.
 */
int pgr_feed_state_clean_temps(const char *state_dir, time_t now, time_t min_age);

/* ------------------------------------------------------------ files */

/* Reads a whole regular file of at most max bytes into a new buffer
 * (NUL-terminated one past *len; free() it): pgr_file_read (fileio.h) with
 * the feed's status codes.  Too large: PGR_FEED_E_IO. */
pgr_feed_status pgr_feed_read_file(const char *path, size_t max,
                                   unsigned char **buf, size_t *len,
                                   char *err, size_t errlen);

/* The directory part of path into out: "." when path has none, "/" for a
 * file at the root.  Returns 0, or -1 when it does not fit. */
int pgr_feed_dir_of(const char *path, char *out, size_t outsz);

/* Writes data to path atomically and durably (temporary file beside it,
 * fsync, rename, fsync of the directory), mode 0644. */
pgr_feed_status pgr_feed_write_atomic(const char *path, const void *data,
                                      size_t len, char *err, size_t errlen);

/* pgr_feed_write_atomic, with flags: */
#define PGR_FEED_WRITE_KEEP_MODE 0x1u  /* an existing file's mode, owner and
                                        group (as far as permitted), not 0644 */
#define PGR_FEED_WRITE_NEW       0x2u  /* refuse to replace an existing file;
                                        mode 0666 less the umask (read by
                                        setting it: single-threaded
                                        callers, the CLI, only) */
#define PGR_FEED_WRITE_SYNC_SOFT 0x4u  /* once the file is in place, a failed
                                        sync of its directory is PGR_FEED_OK
                                        with a message in err */
pgr_feed_status pgr_feed_write_file(const char *path, const void *data,
                                    size_t len, unsigned flags, char *err,
                                    size_t errlen);

/*
 * Installs body as target and sig as target.minisig, as described at the
 * top; the current pair (if any) becomes target.prev and
 * target.minisig.prev (hard links, or copies of files this user may not
 * link).  On any failure the installed files are unchanged (temporary
 * files are removed).  Once both are renamed into place it returns
 * PGR_FEED_OK, and a failed sync of the directory after that is said in
 * err (empty otherwise): installed, not yet known to be durable.
 */
pgr_feed_status pgr_feed_install(const char *target,
                                 const unsigned char *body, size_t len,
                                 const char *sig, size_t siglen,
                                 char *err, size_t errlen);

/*
 * Removes what a killed writer left beside path: path.tmp.XXXXXX
 * (pgr_feed_write_atomic, pgr_feed_install) and path.prev.<16 hex digits>
 * (the link pgr_feed_install makes to the previous file), when last
 * modified at least min_age seconds before now.  Only regular files are
 * removed, never followed through a symbolic link.  A younger file may be
 * a write in progress: pass 0 only under a lock that excludes every writer
 * of path, PGR_FEED_TEMP_AGE otherwise.  Returns the number removed (0 when
 * the directory does not exist), or -1 when it cannot be read.
 */
int pgr_feed_clean_temps(const char *path, time_t now, time_t min_age);

/* ------------------------------------------------ one call for readers */

/*
 * What the overlay calls for `ploguard-pubkey`: reads registry_path and its
 * signature (sig_path, or NULL for registry_path + ".minisig", falling back
 * to <sig>.prev as described above), verifies both signatures with keys,
 * checks issued_at (and expires_at with PGR_FEED_CHECK_EXPIRED), checks the
 * anti-rollback state when state_dir is not NULL (read only; call
 * pgr_feed_state_record() afterwards to advance it), then loads the very
 * bytes it verified with pgr_registry_load_buffer(cfg, errs) and checks the
 * trusted comment against the body.  There is no window between verifying
 * and parsing: the file is read once.
 *
 * On PGR_FEED_OK, *reg is the loaded registry (the caller frees it) and
 * *info (when info is not NULL) what the signature said.  Otherwise *reg is
 * NULL, err says why, and errs (may be NULL) holds the validation errors
 * for PGR_FEED_E_INVALID.  max_size bounds the registry file (0: 256 MiB).
 */
pgr_feed_status pgr_feed_load(const char *registry_path, const char *sig_path,
                              const pgr_feed_keys *keys, const char *state_dir,
                              const pgr_config *cfg, time_t now, unsigned flags,
                              size_t max_size, pgr_registry **reg,
                              pgr_feed_info *info, pgr_errors *errs,
                              char *err, size_t errlen);

/*
 * Verification only, for callers that load the file themselves: reads both
 * files, verifies both signatures, checks issued_at against the clock and,
 * when state_dir is not NULL, the anti-rollback state.  Prefer
 * pgr_feed_load(): verifying a path and then opening it again to parse it
 * leaves a window in which the file can be replaced.
 */
pgr_feed_status pgr_feed_verify_file(const char *registry_path,
                                     const char *sig_path,
                                     const pgr_feed_keys *keys,
                                     const char *state_dir,
                                     pgr_feed_info *out,
                                     char *err, size_t errlen);

/* RFC 3339 UTC "YYYY-MM-DDTHH:MM:SSZ" <-> time_t (strict, whole seconds). */
int  pgr_feed_parse_time(const char *s, size_t len, time_t *out);
void pgr_feed_format_time(time_t t, char out[21]);

#endif /* PGR_FEED_H */
