/*
 * minisign.c - minisign public keys and signatures, verified with
 * libsodium, and the strict trusted comment of the registry feed.
 *
 * Formats (minisign 0.11, src/minisign.h and minisign(1)):
 *   public key  base64( "Ed" || key_id[8] || Ed25519 pk[32] )
 *   signature   base64( "ED" || key_id[8] || Ed25519 sig[64] ), the
 *               signature of BLAKE2b-512 of the file ("Ed", legacy, refused)
 *   global sig  base64( Ed25519 over sig[64] || trusted comment text )
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "feed.h"
#include "feed_private.h"

#define ALG_LEN        2
#define PK_BLOB_LEN    (ALG_LEN + PGR_FEED_KEYID_BYTES + PGR_FEED_PK_BYTES)
#define SIG_BLOB_LEN   (ALG_LEN + PGR_FEED_KEYID_BYTES + PGR_FEED_SIG_BYTES)

static const char untrusted_prefix[] = "untrusted comment: ";
static const char trusted_prefix[] = "trusted comment: ";

/* ------------------------------------------------------------ helpers */

void
pgr_feed_hex(const unsigned char *in, size_t n, char *out)
{
    static const char hexdigits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = hexdigits[in[i] >> 4];
        out[2 * i + 1] = hexdigits[in[i] & 0xf];
    }
    out[2 * n] = '\0';
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int
pgr_feed_unhex(const char *in, size_t len, unsigned char *out, size_t n)
{
    size_t i;

    if (len != 2 * n)
        return -1;
    for (i = 0; i < n; i++) {
        int hi = hexval(in[2 * i]), lo = hexval(in[2 * i + 1]);

        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

int
pgr_feed_id_valid(const char *id, size_t len)
{
    size_t i;

    if (len == 0 || len > PGR_FEED_ID_MAX)
        return 0;
    if (!isalnum((unsigned char)id[0]) || (unsigned char)id[0] > 0x7f)
        return 0;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)id[i];

        if (c > 0x7f || !(isalnum(c) || c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

const char *
pgr_feed_status_name(pgr_feed_status st)
{
    switch (st) {
    case PGR_FEED_OK:             return "ok";
    case PGR_FEED_E_IO:           return "io";
    case PGR_FEED_E_NOMEM:        return "nomem";
    case PGR_FEED_E_KEY:          return "bad-key";
    case PGR_FEED_E_SIGFORMAT:    return "bad-signature-file";
    case PGR_FEED_E_UNKNOWN_KEY:  return "unknown-key";
    case PGR_FEED_E_BAD_SIG:      return "bad-signature";
    case PGR_FEED_E_BAD_COMMENT:  return "bad-comment-signature";
    case PGR_FEED_E_COMMENT:      return "bad-trusted-comment";
    case PGR_FEED_E_MISMATCH:     return "comment-body-mismatch";
    case PGR_FEED_E_WRONG_ID:     return "wrong-registry-id";
    case PGR_FEED_E_FUTURE:       return "future";
    case PGR_FEED_E_EXPIRED:      return "expired";
    case PGR_FEED_E_ROLLBACK:     return "rollback";
    case PGR_FEED_E_EQUIVOCATION: return "equivocation";
    case PGR_FEED_E_STATE:        return "state";
    case PGR_FEED_E_INVALID:      return "invalid-registry";
    }
    return "unknown";
}

int
pgr_feed_init(void)
{
    /* 0: initialized now, 1: already initialized. */
    return sodium_init() < 0 ? -1 : 0;
}

/* Decodes standard base64 that must fill exactly want bytes. */
static int
b64_exact(const char *b64, size_t len, unsigned char *out, size_t want)
{
    size_t got = 0;
    const char *end = NULL;

    if (len == 0)
        return -1;
    if (sodium_base642bin(out, want, b64, len, NULL, &got, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return -1;
    if (got != want || end != b64 + len)
        return -1;
    return 0;
}

/* ----------------------------------------------------------- time */

static int
is_leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's method). */
static long long
days_from_civil(long y, unsigned m, unsigned d)
{
    long era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (long long)era * 146097 + (long long)doe - 719468;
}

static int
digits(const char *s, size_t n, long *out)
{
    long v = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int
pgr_feed_parse_time(const char *s, size_t len, time_t *out)
{
    static const unsigned char mdays[12] =
        { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    long y, mo, d, h, mi, se;
    long dim;

    /* YYYY-MM-DDTHH:MM:SSZ */
    if (len != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
        s[13] != ':' || s[16] != ':' || s[19] != 'Z')
        return -1;
    if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
        digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) ||
        digits(s + 17, 2, &se))
        return -1;
    if (y < 1970 || mo < 1 || mo > 12 || h > 23 || mi > 59 || se > 59)
        return -1;
    dim = mdays[mo - 1] + (mo == 2 && is_leap(y));
    if (d < 1 || d > dim)
        return -1;
    *out = (time_t)(days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400LL +
                    h * 3600L + mi * 60L + se);
    return 0;
}

void
pgr_feed_format_time(time_t t, char out[21])
{
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL ||
        strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
        (void)snprintf(out, 21, "%s", "(invalid time)");
}

/* ------------------------------------------------------------ keys */

void
pgr_feed_keys_init(pgr_feed_keys *keys)
{
    memset(keys, 0, sizeof(*keys));
}

void
pgr_feed_keyid_hex(const unsigned char keyid[PGR_FEED_KEYID_BYTES],
                   char out[2 * PGR_FEED_KEYID_BYTES + 1])
{
    static const char hexd[] = "0123456789ABCDEF";
    size_t i;

    /* minisign prints the key id as a little-endian 64-bit number. */
    for (i = 0; i < PGR_FEED_KEYID_BYTES; i++) {
        unsigned char b = keyid[PGR_FEED_KEYID_BYTES - 1 - i];

        out[2 * i] = hexd[b >> 4];
        out[2 * i + 1] = hexd[b & 0xf];
    }
    out[(size_t)2 * PGR_FEED_KEYID_BYTES] = '\0';
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

pgr_feed_status
pgr_feed_keys_add(pgr_feed_keys *keys, const char *text, char *err,
                  size_t errlen)
{
    unsigned char blob[PK_BLOB_LEN];
    const char *p = text, *end;
    pgr_feed_key *k;
    size_t i;

    if (text == NULL) {
        pgr_seterr(err, errlen, "no public key given");
        return PGR_FEED_E_KEY;
    }
    while (is_space(*p))
        p++;
    /* A .pub file: skip its untrusted comment line. */
    if (strncmp(p, "untrusted comment:", strlen("untrusted comment:")) == 0) {
        p = strchr(p, '\n');
        if (p == NULL) {
            pgr_seterr(err, errlen, "public key file has a comment line but no key line");
            return PGR_FEED_E_KEY;
        }
        while (is_space(*p))
            p++;
    }
    end = p + strlen(p);
    while (end > p && is_space(end[-1]))
        end--;
    for (i = 0; p + i < end; i++) {
        if (is_space(p[i])) {
            pgr_seterr(err, errlen, "public key has more than one line or word");
            return PGR_FEED_E_KEY;
        }
    }
    if (b64_exact(p, (size_t)(end - p), blob, sizeof(blob)) != 0) {
        pgr_seterr(err, errlen,
                   "public key is not the base64 of a %d-byte minisign key",
                   PK_BLOB_LEN);
        return PGR_FEED_E_KEY;
    }
    if (blob[0] != 'E' || blob[1] != 'd') {
        pgr_seterr(err, errlen, "public key algorithm is not Ed25519 (\"Ed\")");
        return PGR_FEED_E_KEY;
    }
    for (i = 0; i < keys->count; i++) {
        if (memcmp(keys->key[i].keyid, blob + ALG_LEN, PGR_FEED_KEYID_BYTES) == 0) {
            char hex[2 * PGR_FEED_KEYID_BYTES + 1];

            pgr_feed_keyid_hex(blob + ALG_LEN, hex);
            pgr_seterr(err, errlen, "key id %s given twice", hex);
            return PGR_FEED_E_KEY;
        }
    }
    if (keys->count >= PGR_FEED_MAX_KEYS) {
        pgr_seterr(err, errlen, "at most %d trusted keys", PGR_FEED_MAX_KEYS);
        return PGR_FEED_E_KEY;
    }
    k = &keys->key[keys->count++];
    memcpy(k->keyid, blob + ALG_LEN, PGR_FEED_KEYID_BYTES);
    memcpy(k->pk, blob + ALG_LEN + PGR_FEED_KEYID_BYTES, PGR_FEED_PK_BYTES);
    return PGR_FEED_OK;
}

pgr_feed_status
pgr_feed_keys_add_file(pgr_feed_keys *keys, const char *path, char *err,
                       size_t errlen)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    char why[PGR_FEED_ERR_MAX];
    pgr_feed_status st;

    st = pgr_feed_read_file(path, PGR_FEED_KEYFILE_MAX, &buf, &len, err, errlen);
    if (st != PGR_FEED_OK)
        return st;
    if (memchr(buf, '\0', len) != NULL) {
        pgr_seterr(err, errlen, "%s: public key file contains a NUL byte", path);
        free(buf);
        return PGR_FEED_E_KEY;
    }
    st = pgr_feed_keys_add(keys, (const char *)buf, why, sizeof(why));
    if (st != PGR_FEED_OK)
        pgr_seterr(err, errlen, "%s: %s", path, why);
    free(buf);
    return st;
}

/* ------------------------------------------------------- signatures */

typedef struct minisig {
    unsigned char alg[ALG_LEN];
    unsigned char keyid[PGR_FEED_KEYID_BYTES];
    unsigned char sig[PGR_FEED_SIG_BYTES];
    const char   *comment;       /* points into the caller's text */
    size_t        comment_len;
    unsigned char global[PGR_FEED_SIG_BYTES];
} minisig;

/* Splits off one line ending at '\n' (or at end); returns its length. */
static int
next_line(const char **p, const char *end, const char **line, size_t *len)
{
    const char *nl;

    if (*p >= end)
        return -1;
    nl = memchr(*p, '\n', (size_t)(end - *p));
    *line = *p;
    *len = (size_t)((nl != NULL ? nl : end) - *p);
    *p = nl != NULL ? nl + 1 : end;
    return 0;
}

static pgr_feed_status
parse_minisig(const char *text, size_t len, minisig *ms, char *err,
              size_t errlen)
{
    unsigned char blob[SIG_BLOB_LEN];
    const char *p = text, *end = text + len, *line;
    size_t llen;

    if (len > PGR_FEED_SIGFILE_MAX || memchr(text, '\0', len) != NULL) {
        pgr_seterr(err, errlen, "signature file is too long or binary");
        return PGR_FEED_E_SIGFORMAT;
    }
    if (next_line(&p, end, &line, &llen) != 0 ||
        llen < strlen(untrusted_prefix) ||
        memcmp(line, untrusted_prefix, strlen(untrusted_prefix)) != 0) {
        pgr_seterr(err, errlen, "signature line 1 is not an \"untrusted comment:\"");
        return PGR_FEED_E_SIGFORMAT;
    }
    if (next_line(&p, end, &line, &llen) != 0 ||
        b64_exact(line, llen, blob, sizeof(blob)) != 0) {
        pgr_seterr(err, errlen, "signature line 2 is not the base64 of a %d-byte minisign signature",
                   SIG_BLOB_LEN);
        return PGR_FEED_E_SIGFORMAT;
    }
    memcpy(ms->alg, blob, ALG_LEN);
    memcpy(ms->keyid, blob + ALG_LEN, PGR_FEED_KEYID_BYTES);
    memcpy(ms->sig, blob + ALG_LEN + PGR_FEED_KEYID_BYTES, PGR_FEED_SIG_BYTES);
    /* Only "ED": what a legacy "Ed" signature signs is the file itself, and
     * the two letters are signed by neither, so a genuine "ED" signature
     * relabelled "Ed" verifies over the 64 bytes of its prehash.  minisign
     * signs "ED" by default since 0.10 (-l makes "Ed"; -V -H refuses it). */
    if (ms->alg[0] == 'E' && ms->alg[1] == 'd') {
        pgr_seterr(err, errlen, "signature is a legacy \"Ed\" one (minisign -l), refused: "
                   "the feed must be signed prehashed, \"ED\", minisign's default");
        return PGR_FEED_E_SIGFORMAT;
    }
    if (ms->alg[0] != 'E' || ms->alg[1] != 'D') {
        pgr_seterr(err, errlen, "signature algorithm is not \"ED\"");
        return PGR_FEED_E_SIGFORMAT;
    }
    if (next_line(&p, end, &line, &llen) != 0 ||
        llen < strlen(trusted_prefix) ||
        memcmp(line, trusted_prefix, strlen(trusted_prefix)) != 0) {
        pgr_seterr(err, errlen, "signature line 3 is not a \"trusted comment:\"");
        return PGR_FEED_E_SIGFORMAT;
    }
    ms->comment = line + strlen(trusted_prefix);
    ms->comment_len = llen - strlen(trusted_prefix);
    if (ms->comment_len > PGR_FEED_COMMENT_MAX) {
        pgr_seterr(err, errlen, "trusted comment is longer than %d bytes",
                   PGR_FEED_COMMENT_MAX);
        return PGR_FEED_E_SIGFORMAT;
    }
    if (next_line(&p, end, &line, &llen) != 0 ||
        b64_exact(line, llen, ms->global, sizeof(ms->global)) != 0) {
        pgr_seterr(err, errlen, "signature line 4 is not the base64 of a 64-byte global signature");
        return PGR_FEED_E_SIGFORMAT;
    }
    if (p != end) {
        pgr_seterr(err, errlen, "signature file has more than 4 lines");
        return PGR_FEED_E_SIGFORMAT;
    }
    return PGR_FEED_OK;
}

static const pgr_feed_key *
find_key(const pgr_feed_keys *keys, const unsigned char *keyid)
{
    size_t i;

    for (i = 0; i < keys->count && i < PGR_FEED_MAX_KEYS; i++)
        if (sodium_memcmp(keys->key[i].keyid, keyid, PGR_FEED_KEYID_BYTES) == 0)
            return &keys->key[i];
    return NULL;
}

/* The global signature covers sig[64] || trusted comment. */
static int
verify_global(const minisig *ms, const pgr_feed_key *k)
{
    unsigned char msg[PGR_FEED_SIG_BYTES + PGR_FEED_COMMENT_MAX];

    memcpy(msg, ms->sig, PGR_FEED_SIG_BYTES);
    memcpy(msg + PGR_FEED_SIG_BYTES, ms->comment, ms->comment_len);
    return crypto_sign_verify_detached(ms->global, msg,
                                       PGR_FEED_SIG_BYTES + ms->comment_len,
                                       k->pk);
}

int
pgr_feed_hash(const unsigned char *body, size_t len,
              unsigned char out[PGR_FEED_HASH_BYTES])
{
    return crypto_generichash(out, PGR_FEED_HASH_BYTES, body, len, NULL, 0) != 0 ?
           -1 : 0;
}

void
pgr_feed_hash_hex(const unsigned char h[PGR_FEED_HASH_BYTES],
                  char out[2 * PGR_FEED_HASH_BYTES + 1])
{
    pgr_feed_hex(h, PGR_FEED_HASH_BYTES, out);
}

/* h receives BLAKE2b-512 of the body: what "ED" signs, and the hash the
 * anti-rollback state keeps (one pass over a large body, not two). */
static int
verify_body(const minisig *ms, const pgr_feed_key *k,
            const unsigned char *body, size_t len, unsigned char h[PGR_FEED_HASH_BYTES])
{
    if (pgr_feed_hash(body, len, h) != 0)
        return -1;
    return crypto_sign_verify_detached(ms->sig, h, PGR_FEED_HASH_BYTES, k->pk);
}

pgr_feed_status
pgr_feed_verify(const unsigned char *body, size_t len, const char *sig,
                size_t siglen, const pgr_feed_keys *keys, pgr_feed_info *out,
                char *err, size_t errlen)
{
    minisig ms;
    const pgr_feed_key *k;
    pgr_feed_info info;
    pgr_feed_status st;
    char hex[2 * PGR_FEED_KEYID_BYTES + 1];
    unsigned char h[PGR_FEED_HASH_BYTES];

    if (keys == NULL || keys->count == 0) {
        pgr_seterr(err, errlen, "no trusted public key configured");
        return PGR_FEED_E_KEY;
    }
    st = parse_minisig(sig, siglen, &ms, err, errlen);
    if (st != PGR_FEED_OK)
        return st;
    k = find_key(keys, ms.keyid);
    if (k == NULL) {
        pgr_feed_keyid_hex(ms.keyid, hex);
        pgr_seterr(err, errlen, "signed with key id %s, which is not a trusted key", hex);
        return PGR_FEED_E_UNKNOWN_KEY;
    }
    pgr_feed_keyid_hex(k->keyid, hex);
    /* The comment first: it is what the checks after this one rely on. */
    if (verify_global(&ms, k) != 0) {
        pgr_seterr(err, errlen,
                   "the trusted comment's signature does not verify with key %s (comment altered?)",
                   hex);
        return PGR_FEED_E_BAD_COMMENT;
    }
    if (verify_body(&ms, k, body, len, h) != 0) {
        pgr_seterr(err, errlen,
                   "the registry's signature does not verify with key %s (file altered or cut short?)",
                   hex);
        return PGR_FEED_E_BAD_SIG;
    }
    memset(&info, 0, sizeof(info));
    st = pgr_feed_parse_comment(ms.comment, ms.comment_len, &info, err, errlen);
    if (st != PGR_FEED_OK)
        return st;
    /* A comment made for one file and signed over another: the registry
     * was changed after its release and signed again with the printed
     * command.  Its seq would name two contents. */
    if (info.comment_has_hash &&
        sodium_memcmp(info.comment_hash, h, PGR_FEED_HASH_BYTES) != 0) {
        pgr_seterr(err, errlen,
                   "the trusted comment's blake2b is not the hash of the file signed: "
                   "the registry was changed after 'ploguard registry release' and signed "
                   "again with the comment of that release; release it again and sign "
                   "what it prints");
        return PGR_FEED_E_MISMATCH;
    }
    memcpy(info.keyid, ms.keyid, PGR_FEED_KEYID_BYTES);
    memcpy(info.hash, h, PGR_FEED_HASH_BYTES);
    *out = info;
    return PGR_FEED_OK;
}

/* --------------------------------------------------- trusted comment */

/* Matches "name=" at *p and returns the value up to the next space or end. */
static int
field(const char **p, const char *end, const char *name, const char **val,
      size_t *vlen)
{
    size_t n = strlen(name);
    const char *sp;

    if ((size_t)(end - *p) < n + 1 || memcmp(*p, name, n) != 0 || (*p)[n] != '=')
        return -1;
    *p += n + 1;
    sp = memchr(*p, ' ', (size_t)(end - *p));
    *val = *p;
    *vlen = (size_t)((sp != NULL ? sp : end) - *p);
    *p = sp != NULL ? sp + 1 : end;
    /* A separator must be followed by something: no trailing space. */
    if (sp != NULL && *p == end)
        return -1;
    return 0;
}

/* True if s[0..len) is exactly want lower-case hex digits, as b2sum(1)
 * prints a hash (the comment is parsed strictly, one spelling only). */
static int
lower_hex(const char *s, size_t len, size_t want)
{
    size_t i;

    if (len != want)
        return 0;
    for (i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static int
parse_seq(const char *s, size_t len, long long *out)
{
    long long v = 0;
    size_t i;

    if (len == 0 || len > 18 || s[0] == '0')
        return -1;
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

pgr_feed_status
pgr_feed_parse_comment(const char *text, size_t len, pgr_feed_info *out,
                       char *err, size_t errlen)
{
    const char *p = text, *end = text + len, *v;
    size_t vlen;
    static const char form[] =
        "registry_id=<id> seq=<n> issued_at=<YYYY-MM-DDTHH:MM:SSZ> expires_at=<...> [blake2b=<b2sum of the file>]";

    if (len > PGR_FEED_COMMENT_MAX || memchr(text, '\0', len) != NULL) {
        pgr_seterr(err, errlen, "trusted comment is too long or binary");
        return PGR_FEED_E_COMMENT;
    }
    if (field(&p, end, "registry_id", &v, &vlen) != 0 || !pgr_feed_id_valid(v, vlen)) {
        pgr_seterr(err, errlen, "trusted comment: registry_id missing or invalid (want \"%s\")", form);
        return PGR_FEED_E_COMMENT;
    }
    memcpy(out->registry_id, v, vlen);
    out->registry_id[vlen] = '\0';
    if (field(&p, end, "seq", &v, &vlen) != 0 || parse_seq(v, vlen, &out->seq) != 0) {
        pgr_seterr(err, errlen, "trusted comment: seq missing or not a positive integer (want \"%s\")", form);
        return PGR_FEED_E_COMMENT;
    }
    if (field(&p, end, "issued_at", &v, &vlen) != 0 ||
        pgr_feed_parse_time(v, vlen, &out->issued_at) != 0) {
        pgr_seterr(err, errlen, "trusted comment: issued_at missing or not YYYY-MM-DDTHH:MM:SSZ");
        return PGR_FEED_E_COMMENT;
    }
    if (field(&p, end, "expires_at", &v, &vlen) != 0 ||
        pgr_feed_parse_time(v, vlen, &out->expires_at) != 0) {
        pgr_seterr(err, errlen, "trusted comment: expires_at missing or not YYYY-MM-DDTHH:MM:SSZ");
        return PGR_FEED_E_COMMENT;
    }
    out->comment_has_hash = 0;
    if (p != end) {
        if (field(&p, end, "blake2b", &v, &vlen) != 0) {
            pgr_seterr(err, errlen, "trusted comment: unexpected text after expires_at (want \"%s\")", form);
            return PGR_FEED_E_COMMENT;
        }
        if (!lower_hex(v, vlen, (size_t)2 * PGR_FEED_HASH_BYTES) ||
            pgr_feed_unhex(v, vlen, out->comment_hash, PGR_FEED_HASH_BYTES) != 0) {
            pgr_seterr(err, errlen, "trusted comment: blake2b is not %d lower-case hex digits "
                       "(the file's BLAKE2b-512, as b2sum prints it)", 2 * PGR_FEED_HASH_BYTES);
            return PGR_FEED_E_COMMENT;
        }
        out->comment_has_hash = 1;
    }
    if (p != end) {
        pgr_seterr(err, errlen, "trusted comment: unexpected text after blake2b");
        return PGR_FEED_E_COMMENT;
    }
    if (out->expires_at <= out->issued_at) {
        pgr_seterr(err, errlen, "trusted comment: expires_at is not after issued_at");
        return PGR_FEED_E_COMMENT;
    }
    memcpy(out->comment, text, len);
    out->comment[len] = '\0';
    return PGR_FEED_OK;
}

/* -------------------------------------------------------- checks */

pgr_feed_status
pgr_feed_check_time(const pgr_feed_info *info, time_t now, unsigned flags,
                    char *err, size_t errlen)
{
    char t[21], n[21];

    if (info->issued_at > now + PGR_FEED_SKEW) {
        pgr_feed_format_time(info->issued_at, t);
        pgr_feed_format_time(now, n);
        pgr_seterr(err, errlen,
                   "feed seq %lld is issued in the future (issued_at %s, now %s): check the clocks",
                   info->seq, t, n);
        return PGR_FEED_E_FUTURE;
    }
    if ((flags & PGR_FEED_CHECK_EXPIRED) && info->expires_at <= now) {
        pgr_feed_format_time(info->expires_at, t);
        pgr_feed_format_time(now, n);
        pgr_seterr(err, errlen,
                   "feed seq %lld has already expired (expires_at %s, now %s): a replayed or stale feed",
                   info->seq, t, n);
        return PGR_FEED_E_EXPIRED;
    }
    return PGR_FEED_OK;
}

pgr_feed_status
pgr_feed_check_body(const pgr_feed_info *info, const pgr_registry *reg,
                    char *err, size_t errlen)
{
    const char *id = pgr_registry_id(reg);

    if (id == NULL || strcmp(id, info->registry_id) != 0) {
        pgr_seterr(err, errlen,
                   "trusted comment says registry_id=%s but the registry says \"%s\"",
                   info->registry_id, id != NULL ? id : "");
        return PGR_FEED_E_MISMATCH;
    }
    if (pgr_registry_seq(reg) != info->seq) {
        pgr_seterr(err, errlen, "trusted comment says seq=%lld but the registry says %lld",
                   info->seq, pgr_registry_seq(reg));
        return PGR_FEED_E_MISMATCH;
    }
    if (pgr_registry_issued_at(reg) != info->issued_at) {
        pgr_seterr(err, errlen, "trusted comment's issued_at differs from the registry's");
        return PGR_FEED_E_MISMATCH;
    }
    if (pgr_registry_expires_at(reg) != info->expires_at) {
        pgr_seterr(err, errlen, "trusted comment's expires_at differs from the registry's");
        return PGR_FEED_E_MISMATCH;
    }
    return PGR_FEED_OK;
}
