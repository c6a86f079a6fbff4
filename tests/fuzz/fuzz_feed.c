/*
 * fuzz_feed.c - the signed feed's parsers on arbitrary bytes: what
 * `ploguard sync` reads from the network (the .minisig) and from the
 * administrator (the public key), and the trusted comment inside the
 * signature.  Each input is tried as all three.
 *
 * - As a .minisig over a fixed body, with one trusted key (the seed corpus
 *   holds real minisign signatures of that body by that key, prehashed
 *   and legacy, which must be refused): accepted only with the trusted
 *   key's id, a prehashed signature, a comment that
 *   parses the same again, and the body's BLAKE2b-512; refused with a
 *   status of the right kind and a message.
 * - As a trusted comment: an accepted one is exactly the text its fields
 *   print back to, and issued_at comes before expires_at.
 * - As a public key: accepted keys are counted, and the same key is
 *   refused the second time.
 *
 * The key below is a throw-away test key; its secret half was not kept.
 */
#include <string.h>

#include <sodium.h>

#include "feed.h"
#include "fuzz.h"

static const char fuzz_body[] = "ploguard fuzz body\n";
static const char fuzz_pubkey[] =
    "RWRfrr0MTYY/fhTSFTmrSN0fzd0KyWs2MeHN9rP1PXBI6CQH36vNJ6VO";

/* The text after "trusted comment: " on line 3 of sig, or NULL. */
static const char *
comment_line(const char *sig, size_t len, size_t *clen)
{
    static const char prefix[] = "trusted comment: ";
    const char *p = sig, *end = sig + len, *nl;
    int line;

    for (line = 1; line < 3; line++) {
        nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            return NULL;
        p = nl + 1;
    }
    if ((size_t)(end - p) < strlen(prefix) ||
        memcmp(p, prefix, strlen(prefix)) != 0)
        return NULL;
    p += strlen(prefix);
    nl = memchr(p, '\n', (size_t)(end - p));
    *clen = (size_t)((nl != NULL ? nl : end) - p);
    return p;
}

static void
fuzz_verify(const char *in, size_t size)
{
    static const pgr_feed_status refusals[] = {
        PGR_FEED_E_KEY, PGR_FEED_E_SIGFORMAT, PGR_FEED_E_UNKNOWN_KEY,
        PGR_FEED_E_BAD_SIG, PGR_FEED_E_BAD_COMMENT, PGR_FEED_E_COMMENT
    };
    pgr_feed_keys keys;
    pgr_feed_info info, again;
    pgr_feed_status st;
    unsigned char h[PGR_FEED_HASH_BYTES];
    char err[PGR_FEED_ERR_MAX];
    const char *comment;
    size_t clen, i;
    int known = 0;

    pgr_feed_keys_init(&keys);
    FUZZ_CHECK(pgr_feed_keys_add(&keys, fuzz_pubkey, err, sizeof(err)) ==
               PGR_FEED_OK);
    err[0] = '\0';
    st = pgr_feed_verify((const unsigned char *)fuzz_body,
                         strlen(fuzz_body), in, size, &keys, &info, err,
                         sizeof(err));
    if (st != PGR_FEED_OK) {
        for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
            known |= st == refusals[i];
        FUZZ_CHECK(known);
        FUZZ_CHECK(err[0] != '\0' && memchr(err, '\0', sizeof(err)) != NULL);
        return;
    }
    FUZZ_CHECK(memcmp(info.keyid, keys.key[0].keyid,
                      PGR_FEED_KEYID_BYTES) == 0);
    comment = comment_line(in, size, &clen);
    FUZZ_CHECK(comment != NULL && strlen(info.comment) == clen &&
               memcmp(info.comment, comment, clen) == 0);
    memset(&again, 0, sizeof(again));
    FUZZ_CHECK(pgr_feed_parse_comment(info.comment, clen, &again, err,
                                      sizeof(err)) == PGR_FEED_OK);
    FUZZ_CHECK(strcmp(again.registry_id, info.registry_id) == 0 &&
               again.seq == info.seq &&
               again.issued_at == info.issued_at &&
               again.expires_at == info.expires_at);
    FUZZ_CHECK(crypto_generichash(h, sizeof(h),
                                  (const unsigned char *)fuzz_body,
                                  strlen(fuzz_body), NULL, 0) == 0);
    FUZZ_CHECK(memcmp(h, info.hash, sizeof(h)) == 0);
}

static void
fuzz_comment(const char *in, size_t size)
{
    pgr_feed_info info;
    char err[PGR_FEED_ERR_MAX], issued[21], expires[21];
    char back[PGR_FEED_COMMENT_MAX + 64], hex[2 * PGR_FEED_HASH_BYTES + 1];
    int n;

    memset(&info, 0, sizeof(info));
    err[0] = '\0';
    if (pgr_feed_parse_comment(in, size, &info, err, sizeof(err)) !=
        PGR_FEED_OK) {
        FUZZ_CHECK(err[0] != '\0');
        return;
    }
    FUZZ_CHECK(size <= PGR_FEED_COMMENT_MAX && info.seq > 0 &&
               info.issued_at < info.expires_at);
    pgr_feed_format_time(info.issued_at, issued);
    pgr_feed_format_time(info.expires_at, expires);
    /* parsed strictly: printing what was read gives the text back */
    hex[0] = '\0';
    if (info.comment_has_hash)
        pgr_feed_hash_hex(info.comment_hash, hex);
    n = snprintf(back, sizeof(back),
                 "registry_id=%s seq=%lld issued_at=%s expires_at=%s%s%s",
                 info.registry_id, info.seq, issued, expires,
                 info.comment_has_hash ? " blake2b=" : "", hex);
    FUZZ_CHECK(n > 0 && (size_t)n == size && memcmp(back, in, size) == 0);
    FUZZ_CHECK(strlen(info.comment) == size &&
               memcmp(info.comment, in, size) == 0);
}

static void
fuzz_pubkey_text(const char *in, size_t size)
{
    pgr_feed_keys keys;
    char err[PGR_FEED_ERR_MAX];
    char *text = malloc(size + 1);

    FUZZ_CHECK(text != NULL);
    memcpy(text, in, size);
    text[size] = '\0';
    pgr_feed_keys_init(&keys);
    err[0] = '\0';
    if (pgr_feed_keys_add(&keys, text, err, sizeof(err)) == PGR_FEED_OK) {
        FUZZ_CHECK(keys.count == 1);
        FUZZ_CHECK(pgr_feed_keys_add(&keys, text, err, sizeof(err)) ==
                   PGR_FEED_E_KEY);
        FUZZ_CHECK(keys.count == 1);
    } else {
        FUZZ_CHECK(keys.count == 0 && err[0] != '\0');
    }
    free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;

    FUZZ_CHECK(pgr_feed_init() == 0);
    fuzz_verify(in, size);
    fuzz_comment(in, size);
    fuzz_pubkey_text(in, size);
    return 0;
}
