/*
 * test_feed.c - unit tests of libpgrfeed: the trusted comment and time
 * grammar, keys, minisign signatures (made here with libsodium in the
 * documented format; the shell tests use the real minisign binary), the
 * anti-rollback rules, atomic installation and pgr_feed_load.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "feed.h"
#include "pgr.h"

/* ------------------------------------------------------------ helpers */

static char tmpdir[256];

static int
setup_tmp(void **state)
{
    const char *base = getenv("TMPDIR");

    (void)state;
    (void)snprintf(tmpdir, sizeof(tmpdir), "%s/pgr-feed-test.XXXXXX",
                   base != NULL ? base : "/tmp");
    return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int
teardown_tmp(void **state)
{
    char cmd[512];

    (void)state;
    (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void
path_in(char *out, size_t outsz, const char *name)
{
    (void)snprintf(out, outsz, "%s/%s", tmpdir, name);
}

static void
write_file(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static int
same_file(const char *path, const void *data, size_t len)
{
    unsigned char *buf = NULL;
    size_t n = 0;
    int same;

    if (pgr_feed_read_file(path, 1 << 26, &buf, &n, NULL, 0) != PGR_FEED_OK)
        return 0;
    same = n == len && memcmp(buf, data, len) == 0;
    free(buf);
    return same;
}

/* A signing key in the minisign layout. */
typedef struct signer {
    unsigned char keyid[8];
    unsigned char pk[32];
    unsigned char sk[64];
} signer;

static void
make_signer(signer *s, unsigned char id0)
{
    crypto_sign_keypair(s->pk, s->sk);
    randombytes_buf(s->keyid, sizeof(s->keyid));
    s->keyid[0] = id0;
}

static void
pubkey_b64(const signer *s, char *out, size_t outsz)
{
    unsigned char blob[42];

    blob[0] = 'E';
    blob[1] = 'd';
    memcpy(blob + 2, s->keyid, 8);
    memcpy(blob + 10, s->pk, 32);
    sodium_bin2base64(out, outsz, blob, sizeof(blob), sodium_base64_VARIANT_ORIGINAL);
}

/* Writes a .minisig text for body with comment; legacy selects "Ed". */
static void
make_sig(const signer *s, const void *body, size_t len, const char *comment,
         int legacy, char *out, size_t outsz)
{
    unsigned char blob[74], h[64], global[64], msg[64 + 1024];
    char b1[128], b2[128];
    size_t clen = strlen(comment);

    blob[0] = 'E';
    blob[1] = legacy ? 'd' : 'D';
    memcpy(blob + 2, s->keyid, 8);
    if (legacy) {
        crypto_sign_detached(blob + 10, NULL, body, len, s->sk);
    } else {
        crypto_generichash(h, sizeof(h), body, len, NULL, 0);
        crypto_sign_detached(blob + 10, NULL, h, sizeof(h), s->sk);
    }
    memcpy(msg, blob + 10, 64);
    memcpy(msg + 64, comment, clen); /* NOLINT(bugprone-not-null-terminated-result): bytes, not a string */
    crypto_sign_detached(global, NULL, msg, 64 + clen, s->sk);
    sodium_bin2base64(b1, sizeof(b1), blob, sizeof(blob), sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(b2, sizeof(b2), global, sizeof(global), sodium_base64_VARIANT_ORIGINAL);
    (void)snprintf(out, outsz, "untrusted comment: test\n%s\ntrusted comment: %s\n%s\n",
                   b1, comment, b2);
}

static const char good_comment[] =
    "registry_id=ca-ildc seq=42 issued_at=2026-11-22T04:00:00Z expires_at=2026-12-06T04:00:00Z";

/* ------------------------------------------------------------- time */

static void
test_time(void **state)
{
    time_t t;

    (void)state;
    assert_int_equal(pgr_feed_parse_time("1970-01-01T00:00:00Z", 20, &t), 0);
    assert_int_equal((long long)t, 0);
    assert_int_equal(pgr_feed_parse_time("2026-11-22T04:00:00Z", 20, &t), 0);
    assert_int_equal((long long)t, 1795320000LL);
    assert_int_equal(pgr_feed_parse_time("2028-02-29T12:00:00Z", 20, &t), 0);
    assert_int_equal(pgr_feed_parse_time("2027-02-29T12:00:00Z", 20, &t), -1);
    assert_int_equal(pgr_feed_parse_time("2026-11-22T04:00:00z", 20, &t), -1);
    assert_int_equal(pgr_feed_parse_time("2026-11-22 04:00:00Z", 20, &t), -1);
    assert_int_equal(pgr_feed_parse_time("2026-11-22T04:00:60Z", 20, &t), -1);
    assert_int_equal(pgr_feed_parse_time("2026-13-01T00:00:00Z", 20, &t), -1);
    assert_int_equal(pgr_feed_parse_time("1969-12-31T23:59:59Z", 20, &t), -1);
    assert_int_equal(pgr_feed_parse_time("2026-11-22T04:00:00+00:00", 25, &t), -1);
    assert_int_equal(pgr_feed_parse_time("2026-11-22T04:00:00.5Z", 22, &t), -1);
    {
        char buf[21];

        pgr_feed_format_time(1795320000, buf);
        assert_string_equal(buf, "2026-11-22T04:00:00Z");
    }
}

/* -------------------------------------------------- trusted comment */

static pgr_feed_status
comment(const char *text)
{
    pgr_feed_info info;

    memset(&info, 0, sizeof(info));
    return pgr_feed_parse_comment(text, strlen(text), &info, NULL, 0);
}

static void
test_comment(void **state)
{
    pgr_feed_info info;
    char err[PGR_FEED_ERR_MAX];

    (void)state;
    memset(&info, 0, sizeof(info));
    assert_int_equal(pgr_feed_parse_comment(good_comment, strlen(good_comment), &info,
                                            err, sizeof(err)), PGR_FEED_OK);
    assert_string_equal(info.registry_id, "ca-ildc");
    assert_int_equal(info.seq, 42);
    assert_int_equal((long long)info.issued_at, 1795320000LL);
    assert_int_equal((long long)info.expires_at, 1795320000LL + 14LL * 86400);
    assert_int_equal(info.comment_has_hash, 0);

    assert_int_equal(comment("seq=42 registry_id=ca-ildc issued_at=2026-11-22T04:00:00Z expires_at=2026-12-06T04:00:00Z"),
                     PGR_FEED_E_COMMENT);
    assert_int_equal(comment("registry_id=ca-ildc  seq=42 issued_at=2026-11-22T04:00:00Z expires_at=2026-12-06T04:00:00Z"),
                     PGR_FEED_E_COMMENT);
    assert_int_equal(comment("registry_id=ca-ildc seq=42 issued_at=2026-11-22T04:00:00Z expires_at=2026-12-06T04:00:00Z "),
                     PGR_FEED_E_COMMENT);
    assert_int_equal(comment("registry_id=ca-ildc seq=042 issued_at=2026-11-22T04:00:00Z expires_at=2026-12-06T04:00:00Z"),
                     PGR_FEED_E_COMMENT);
    assert_int_equal(comment("registry_id=ca-ildc seq=0 issued_at=2026-11-22T04:00:00Z expires_at=2026-12-06T04:00:00Z"),
                     PGR_FEED_E_COMMENT);
    assert_int_equal(comment("registry_id=ca-ildc seq=-4 issued_at=2026-11-22T04:00:00Z expires_at=2026-12-06T04:00:00Z"),
                     PGR_FEED_E_COMMENT);
    assert_int_equal(comment("registry_id=../etc seq=4 issued_at=2026-11-22T04:00:00Z expires_at=2026-12-06T04:00:00Z"),
                     PGR_FEED_E_COMMENT);
    assert_int_equal(comment("registry_id=ca-ildc seq=4 issued_at=2026-11-22T04:00:00Z expires_at=2026-12-06T04:00:00Z extra=1"),
                     PGR_FEED_E_COMMENT);
    assert_int_equal(comment("registry_id=ca-ildc seq=4 issued_at=2026-11-22T04:00:00Z"),
                     PGR_FEED_E_COMMENT);
    assert_int_equal(comment("registry_id=ca-ildc seq=4 issued_at=2026-12-06T04:00:00Z expires_at=2026-12-06T04:00:00Z"),
                     PGR_FEED_E_COMMENT);
    assert_int_equal(comment("registry_id=ca-ildc seq=99999999999999999999 issued_at=2026-11-22T04:00:00Z expires_at=2026-12-06T04:00:00Z"),
                     PGR_FEED_E_COMMENT);
    assert_int_equal(comment(""), PGR_FEED_E_COMMENT);
}

/* The optional fifth field: the file's BLAKE2b-512, as b2sum prints it. */
static void
test_comment_hash(void **state)
{
    pgr_feed_info info;
    char text[PGR_FEED_COMMENT_MAX + 1], hex[2 * PGR_FEED_HASH_BYTES + 1];
    char err[PGR_FEED_ERR_MAX];
    unsigned char h[PGR_FEED_HASH_BYTES];
    size_t i;

    (void)state;
    /* b2sum of "abc\n", from coreutils: the hash is b2sum's */
    assert_int_equal(pgr_feed_hash((const unsigned char *)"abc\n", 4, h), 0);
    pgr_feed_hash_hex(h, hex);
    assert_string_equal(hex,
        "426526ad3aa99ac6bbb98555c6c30b5a55189d0d7537d9214053b886f365a84b"
        "d7e68c91b544a8f485fa842c0ea9fbc4fb92277290264e685eed9e67b7621fc9");
    (void)snprintf(text, sizeof(text), "%s blake2b=%s", good_comment, hex);
    memset(&info, 0, sizeof(info));
    assert_int_equal(pgr_feed_parse_comment(text, strlen(text), &info, err, sizeof(err)),
                     PGR_FEED_OK);
    assert_int_equal(info.comment_has_hash, 1);
    assert_memory_equal(info.comment_hash, h, sizeof(h));
    assert_int_equal(info.seq, 42);

    /* one spelling only: upper case, short, long, not hex, out of place */
    for (i = 0; i < strlen(hex); i++)
        if (hex[i] >= 'a' && hex[i] <= 'f')
            break;
    assert_true(i < strlen(hex));
    hex[i] = (char)(hex[i] - 'a' + 'A');
    (void)snprintf(text, sizeof(text), "%s blake2b=%s", good_comment, hex);
    assert_int_equal(comment(text), PGR_FEED_E_COMMENT);
    pgr_feed_hash_hex(h, hex);
    (void)snprintf(text, sizeof(text), "%s blake2b=%.127s", good_comment, hex);
    assert_int_equal(comment(text), PGR_FEED_E_COMMENT);
    (void)snprintf(text, sizeof(text), "%s blake2b=%s0", good_comment, hex);
    assert_int_equal(comment(text), PGR_FEED_E_COMMENT);
    hex[7] = 'g';
    (void)snprintf(text, sizeof(text), "%s blake2b=%s", good_comment, hex);
    assert_int_equal(comment(text), PGR_FEED_E_COMMENT);
    pgr_feed_hash_hex(h, hex);
    (void)snprintf(text, sizeof(text), "%s blake2b=%s ", good_comment, hex);
    assert_int_equal(comment(text), PGR_FEED_E_COMMENT);
    (void)snprintf(text, sizeof(text), "%s blake2b=%s extra=1", good_comment, hex);
    assert_int_equal(comment(text), PGR_FEED_E_COMMENT);
    (void)snprintf(text, sizeof(text), "%s sha256=%s", good_comment, hex);
    assert_int_equal(comment(text), PGR_FEED_E_COMMENT);
    assert_int_equal(comment("registry_id=ca-ildc seq=42 issued_at=2026-11-22T04:00:00Z "
                             "expires_at=2026-12-06T04:00:00Z blake2b="), PGR_FEED_E_COMMENT);
}

/* -------------------------------------------------------------- keys */

static void
test_keys(void **state)
{
    signer a, b, c;
    pgr_feed_keys keys;
    char ka[128], kb[128], kc[128], file[256], path[512];
    char err[PGR_FEED_ERR_MAX];

    (void)state;
    make_signer(&a, 1);
    make_signer(&b, 2);
    make_signer(&c, 3);
    pubkey_b64(&a, ka, sizeof(ka));
    pubkey_b64(&b, kb, sizeof(kb));
    pubkey_b64(&c, kc, sizeof(kc));
    pgr_feed_keys_init(&keys);
    assert_int_equal(pgr_feed_keys_add(&keys, ka, err, sizeof(err)), PGR_FEED_OK);
    assert_int_equal(pgr_feed_keys_add(&keys, ka, err, sizeof(err)), PGR_FEED_E_KEY);
    assert_non_null(strstr(err, "given twice"));
    /* A .pub file's text, read from a file. */
    (void)snprintf(file, sizeof(file), "untrusted comment: minisign public key\n%s\n", kb);
    path_in(path, sizeof(path), "b.pub");
    write_file(path, file, strlen(file));
    assert_int_equal(pgr_feed_keys_add_file(&keys, path, err, sizeof(err)), PGR_FEED_OK);
    assert_int_equal(keys.count, 2);
    assert_int_equal(pgr_feed_keys_add(&keys, kc, err, sizeof(err)), PGR_FEED_E_KEY);
    assert_non_null(strstr(err, "at most 2"));

    pgr_feed_keys_init(&keys);
    assert_int_equal(pgr_feed_keys_add(&keys, "RWQ", err, sizeof(err)), PGR_FEED_E_KEY);
    assert_int_equal(pgr_feed_keys_add(&keys, "", err, sizeof(err)), PGR_FEED_E_KEY);
    kc[4] = kc[4] == 'A' ? 'B' : 'A';   /* still base64: decodes, other key */
    assert_int_equal(pgr_feed_keys_add(&keys, kc, err, sizeof(err)), PGR_FEED_OK);
    {
        /* Wrong algorithm bytes. */
        unsigned char blob[42];
        char b64[128];

        memset(blob, 7, sizeof(blob));
        blob[0] = 'E';
        blob[1] = 'X';
        sodium_bin2base64(b64, sizeof(b64), blob, sizeof(blob), sodium_base64_VARIANT_ORIGINAL);
        pgr_feed_keys_init(&keys);
        assert_int_equal(pgr_feed_keys_add(&keys, b64, err, sizeof(err)), PGR_FEED_E_KEY);
        assert_non_null(strstr(err, "not Ed25519"));
    }
    {
        char hex[17];
        unsigned char id[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };

        pgr_feed_keyid_hex(id, hex);
        assert_string_equal(hex, "EFCDAB8967452301");
    }
}

/* -------------------------------------------------------- signatures */

static void
test_verify(void **state)
{
    static const char body[] = "{\"the\": \"registry\"}\n";
    signer a, b;
    pgr_feed_keys keys, only_b;
    pgr_feed_info info;
    char ka[128], kb[128], sig[1024], bad[1024], err[PGR_FEED_ERR_MAX];
    char *p;

    (void)state;
    make_signer(&a, 1);
    make_signer(&b, 2);
    pubkey_b64(&a, ka, sizeof(ka));
    pubkey_b64(&b, kb, sizeof(kb));
    pgr_feed_keys_init(&keys);
    assert_int_equal(pgr_feed_keys_add(&keys, kb, NULL, 0), PGR_FEED_OK);
    assert_int_equal(pgr_feed_keys_add(&keys, ka, NULL, 0), PGR_FEED_OK);
    pgr_feed_keys_init(&only_b);
    assert_int_equal(pgr_feed_keys_add(&only_b, kb, NULL, 0), PGR_FEED_OK);

    /* A legacy "Ed" signature, genuine as it is, is refused. */
    make_sig(&a, body, strlen(body), good_comment, 1, sig, sizeof(sig));
    assert_int_equal(pgr_feed_verify((const unsigned char *)body, strlen(body), sig,
                                     strlen(sig), &keys, &info, err, sizeof(err)),
                     PGR_FEED_E_SIGFORMAT);
    assert_non_null(strstr(err, "legacy \"Ed\""));
    {
        make_sig(&a, body, strlen(body), good_comment, 0, sig, sizeof(sig));
        assert_int_equal(pgr_feed_verify((const unsigned char *)body, strlen(body), sig,
                                         strlen(sig), &keys, &info, err, sizeof(err)),
                         PGR_FEED_OK);
        assert_int_equal(info.seq, 42);
        assert_memory_equal(info.keyid, a.keyid, 8);
        /* Not a trusted key. */
        assert_int_equal(pgr_feed_verify((const unsigned char *)body, strlen(body), sig,
                                         strlen(sig), &only_b, &info, err, sizeof(err)),
                         PGR_FEED_E_UNKNOWN_KEY);
        /* Body altered: the file signature fails. */
        assert_int_equal(pgr_feed_verify((const unsigned char *)body, strlen(body) - 1, sig,
                                         strlen(sig), &keys, &info, err, sizeof(err)),
                         PGR_FEED_E_BAD_SIG);
        /* Comment altered: the global signature fails. */
        memcpy(bad, sig, sizeof(bad));
        p = strstr(bad, "seq=42");
        assert_non_null(p);
        p[5] = '3';
        assert_int_equal(pgr_feed_verify((const unsigned char *)body, strlen(body), bad,
                                         strlen(bad), &keys, &info, err, sizeof(err)),
                         PGR_FEED_E_BAD_COMMENT);
        /* No final newline is fine; an extra line is not. */
        assert_int_equal(pgr_feed_verify((const unsigned char *)body, strlen(body), sig,
                                         strlen(sig) - 1, &keys, &info, err, sizeof(err)),
                         PGR_FEED_OK);
        (void)snprintf(bad, sizeof(bad), "%sextra\n", sig);
        assert_int_equal(pgr_feed_verify((const unsigned char *)body, strlen(body), bad,
                                         strlen(bad), &keys, &info, err, sizeof(err)),
                         PGR_FEED_E_SIGFORMAT);
    }
    /* The comment names the file's hash: this file's verifies; another
     * file signed with that comment (the registry edited after its release
     * and signed again with the printed command) does not. */
    {
        static const char edited[] = "{\"the\": \"registry\", \"edited\": 1}\n";
        unsigned char h[PGR_FEED_HASH_BYTES];
        char hex[2 * PGR_FEED_HASH_BYTES + 1], with_hash[PGR_FEED_COMMENT_MAX + 1];

        assert_int_equal(pgr_feed_hash((const unsigned char *)body, strlen(body), h), 0);
        pgr_feed_hash_hex(h, hex);
        (void)snprintf(with_hash, sizeof(with_hash), "%s blake2b=%s", good_comment, hex);
        make_sig(&a, body, strlen(body), with_hash, 0, sig, sizeof(sig));
        assert_int_equal(pgr_feed_verify((const unsigned char *)body, strlen(body), sig,
                                         strlen(sig), &keys, &info, err, sizeof(err)),
                         PGR_FEED_OK);
        assert_int_equal(info.comment_has_hash, 1);
        assert_memory_equal(info.hash, h, sizeof(h));
        make_sig(&a, edited, strlen(edited), with_hash, 0, sig, sizeof(sig));
        assert_int_equal(pgr_feed_verify((const unsigned char *)edited, strlen(edited), sig,
                                         strlen(sig), &keys, &info, err, sizeof(err)),
                         PGR_FEED_E_MISMATCH);
        assert_non_null(strstr(err, "changed after 'ploguard registry release'"));
    }
    /* Signed by the second trusted key. */
    make_sig(&b, body, strlen(body), good_comment, 0, sig, sizeof(sig));
    assert_int_equal(pgr_feed_verify((const unsigned char *)body, strlen(body), sig,
                                     strlen(sig), &keys, &info, err, sizeof(err)), PGR_FEED_OK);
    /* A well signed comment that is not in the form. */
    make_sig(&b, body, strlen(body), "timestamp:1700000000 file:registry.json", 0, sig, sizeof(sig));
    assert_int_equal(pgr_feed_verify((const unsigned char *)body, strlen(body), sig,
                                     strlen(sig), &keys, &info, err, sizeof(err)),
                     PGR_FEED_E_COMMENT);
    /* Malformed files. */
    assert_int_equal(pgr_feed_verify((const unsigned char *)body, strlen(body), "", 0, &keys,
                                     &info, err, sizeof(err)), PGR_FEED_E_SIGFORMAT);
    assert_int_equal(pgr_feed_verify((const unsigned char *)body, strlen(body),
                                     "untrusted comment: x\nAAAA\n", 26, &keys, &info, err,
                                     sizeof(err)), PGR_FEED_E_SIGFORMAT);
    make_sig(&a, body, strlen(body), good_comment, 0, sig, sizeof(sig));
    memcpy(bad, sig, sizeof(bad));
    bad[0] = 'U';
    assert_int_equal(pgr_feed_verify((const unsigned char *)body, strlen(body), bad,
                                     strlen(bad), &keys, &info, err, sizeof(err)),
                     PGR_FEED_E_SIGFORMAT);
    {
        pgr_feed_keys none;

        pgr_feed_keys_init(&none);
        assert_int_equal(pgr_feed_verify((const unsigned char *)body, strlen(body), sig,
                                         strlen(sig), &none, &info, err, sizeof(err)),
                         PGR_FEED_E_KEY);
    }
}

/* ------------------------------------------------------- time checks */

static void
test_check_time(void **state)
{
    pgr_feed_info info;
    time_t now = 1795320000;

    (void)state;
    memset(&info, 0, sizeof(info));
    info.seq = 1;
    info.issued_at = now + PGR_FEED_SKEW;
    info.expires_at = now + 86400;
    assert_int_equal(pgr_feed_check_time(&info, now, PGR_FEED_CHECK_EXPIRED, NULL, 0), PGR_FEED_OK);
    info.issued_at = now + PGR_FEED_SKEW + 1;
    assert_int_equal(pgr_feed_check_time(&info, now, 0, NULL, 0), PGR_FEED_E_FUTURE);
    info.issued_at = now - 86400;
    info.expires_at = now;
    assert_int_equal(pgr_feed_check_time(&info, now, PGR_FEED_CHECK_EXPIRED, NULL, 0),
                     PGR_FEED_E_EXPIRED);
    /* An installed registry that has since expired is still loaded. */
    assert_int_equal(pgr_feed_check_time(&info, now, 0, NULL, 0), PGR_FEED_OK);
}

/* ------------------------------------------------------------- state */

static void
info_for(pgr_feed_info *info, long long seq, unsigned char hashbyte)
{
    memset(info, 0, sizeof(*info));
    (void)snprintf(info->registry_id, sizeof(info->registry_id), "ca-ildc");
    info->seq = seq;
    info->issued_at = 1795320000;
    info->expires_at = 1795320000 + 86400;
    memset(info->hash, hashbyte, sizeof(info->hash));
    memset(info->keyid, 9, sizeof(info->keyid));
}

static void
test_state(void **state)
{
    char dir[512], path[600], err[PGR_FEED_ERR_MAX];
    pgr_feed_info info;
    pgr_feed_state st;
    int found = -1;

    (void)state;
    path_in(dir, sizeof(dir), "state");
    info_for(&info, 5, 0xaa);
    assert_int_equal(pgr_feed_state_check(dir, &info, err, sizeof(err)), PGR_FEED_OK);
    assert_int_equal(pgr_feed_state_read(dir, "ca-ildc", &st, &found, err, sizeof(err)), PGR_FEED_OK);
    assert_int_equal(found, 0);
    assert_int_equal(pgr_feed_state_record(dir, &info, 1795320100, err, sizeof(err)), PGR_FEED_OK);
    assert_int_equal(pgr_feed_state_read(dir, "ca-ildc", &st, &found, err, sizeof(err)), PGR_FEED_OK);
    assert_int_equal(found, 1);
    assert_int_equal(st.seq, 5);
    assert_memory_equal(st.hash, info.hash, PGR_FEED_HASH_BYTES);
    assert_memory_equal(st.keyid, info.keyid, 8);
    assert_int_equal((long long)st.recorded_at, 1795320100LL);

    info_for(&info, 5, 0xaa);   /* the same feed again */
    assert_int_equal(pgr_feed_state_check(dir, &info, err, sizeof(err)), PGR_FEED_OK);
    info_for(&info, 4, 0xbb);
    assert_int_equal(pgr_feed_state_check(dir, &info, err, sizeof(err)), PGR_FEED_E_ROLLBACK);
    assert_non_null(strstr(err, "rollback"));
    assert_int_equal(pgr_feed_state_record(dir, &info, 1795320100, err, sizeof(err)),
                     PGR_FEED_E_ROLLBACK);
    info_for(&info, 5, 0xbb);
    assert_int_equal(pgr_feed_state_check(dir, &info, err, sizeof(err)), PGR_FEED_E_EQUIVOCATION);
    assert_non_null(strstr(err, "EQUIVOCATION"));
    info_for(&info, 6, 0xbb);
    assert_int_equal(pgr_feed_state_record(dir, &info, 1795320200, err, sizeof(err)), PGR_FEED_OK);
    info_for(&info, 5, 0xaa);
    assert_int_equal(pgr_feed_state_check(dir, &info, err, sizeof(err)), PGR_FEED_E_ROLLBACK);

    /* A corrupt state file is an error, never "no state". */
    (void)snprintf(path, sizeof(path), "%s/ca-ildc.state", dir);
    write_file(path, "format ploguard-feed-state/1\nregistry_id ca-ildc\nseq 1\n", 55);
    assert_int_equal(pgr_feed_state_check(dir, &info, err, sizeof(err)), PGR_FEED_E_STATE);
    assert_non_null(strstr(err, "corrupt"));
    write_file(path, "", 0);
    assert_int_equal(pgr_feed_state_check(dir, &info, err, sizeof(err)), PGR_FEED_E_STATE);
}

/* ----------------------------------------------------------- install */

/* How many entries of the test directory start with prefix. */
static int
count_files_with_prefix(const char *prefix)
{
    DIR *d = opendir(tmpdir);
    struct dirent *de;
    int n = 0;

    assert_non_null(d);
    while ((de = readdir(d)) != NULL)
        if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
            n++;
    closedir(d);
    return n;
}

static void
test_install(void **state)
{
    char target[512], prev[600], sigp[600], sigprev[600], err[PGR_FEED_ERR_MAX];

    (void)state;
    path_in(target, sizeof(target), "registry.json");
    (void)snprintf(prev, sizeof(prev), "%s.prev", target);
    (void)snprintf(sigp, sizeof(sigp), "%s.minisig", target);
    (void)snprintf(sigprev, sizeof(sigprev), "%s.minisig.prev", target);
    assert_int_equal(pgr_feed_install(target, (const unsigned char *)"one", 3, "sig1", 4,
                                      err, sizeof(err)), PGR_FEED_OK);
    assert_true(same_file(target, "one", 3));
    assert_true(same_file(sigp, "sig1", 4));
    assert_int_equal(access(prev, F_OK), -1);
    assert_int_equal(pgr_feed_install(target, (const unsigned char *)"two", 3, "sig2", 4,
                                      err, sizeof(err)), PGR_FEED_OK);
    assert_string_equal(err, "");   /* nothing to warn of */
    assert_true(same_file(target, "two", 3));
    assert_true(same_file(sigp, "sig2", 4));
    assert_true(same_file(prev, "one", 3));
    assert_true(same_file(sigprev, "sig1", 4));
    /* A sync killed after keeping .prev leaves .prev a link to the current
     * file; the next install must still leave no temporary link behind. */
    assert_int_equal(unlink(prev), 0);
    assert_int_equal(link(target, prev), 0);
    assert_int_equal(pgr_feed_install(target, (const unsigned char *)"three", 5, "sig3", 4,
                                      err, sizeof(err)), PGR_FEED_OK);
    assert_true(same_file(target, "three", 5));
    assert_true(same_file(prev, "two", 3));
    assert_int_equal(count_files_with_prefix("registry.json.prev."), 0);
    /* A directory that does not exist: nothing changes, clear error. */
    assert_int_equal(pgr_feed_install("/nonexistent-dir/registry.json",
                                      (const unsigned char *)"x", 1, "s", 1, err, sizeof(err)),
                     PGR_FEED_E_IO);
    assert_non_null(strstr(err, "/nonexistent-dir/registry.json"));
}

/*
 * An installed pair that root put there, replaced by the sync's own user
 * (nobody here), who owns the directory but not the files: under
 * fs.protected_hardlinks that user may not link them, and .prev is made as
 * a copy.  Needs root, to own the files and to become nobody.
 */
static void
test_install_not_owner(void **state)
{
    char dir[300], target[400], sigp[420], prev[420], sigprev[440];
    char err[PGR_FEED_ERR_MAX];
    struct dirent *de;
    DIR *d;
    pid_t pid;
    int status, n = 0;

    (void)state;
    if (geteuid() != 0)
        skip();
    path_in(dir, sizeof(dir), "not-owner");
    (void)snprintf(target, sizeof(target), "%s/registry.json", dir);
    (void)snprintf(sigp, sizeof(sigp), "%s.minisig", target);
    (void)snprintf(prev, sizeof(prev), "%s.prev", target);
    (void)snprintf(sigprev, sizeof(sigprev), "%s.minisig.prev", target);
    assert_int_equal(chmod(tmpdir, 0711), 0);
    assert_int_equal(mkdir(dir, 0755), 0);
    write_file(target, "old", 3);
    write_file(sigp, "sigold", 6);
    assert_int_equal(chmod(target, 0644), 0);
    assert_int_equal(chmod(sigp, 0644), 0);
    assert_int_equal(chown(dir, 65534, 65534), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
            _exit(100);
        if (pgr_feed_install(target, (const unsigned char *)"new", 3, "signew", 6,
                             err, sizeof(err)) != PGR_FEED_OK) {
            (void)fprintf(stderr, "install as nobody: %s\n", err);
            _exit(1);
        }
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(same_file(target, "new", 3));
    assert_true(same_file(sigp, "signew", 6));
    assert_true(same_file(prev, "old", 3));
    assert_true(same_file(sigprev, "sigold", 6));
    d = opendir(dir);     /* the four files, no temporary left */
    assert_non_null(d);
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            n++;
    closedir(d);
    assert_int_equal(n, 4);
}

/*
 * A FIFO or a symbolic link planted where the state or a file read whole
 * should be (the state directory is writable by slapd's user too): refused
 * at once, never waited on for a writer, never followed to a lock.
 */
static void
test_not_regular(void **state)
{
    char dir[512], fifo[600], lock[600], err[PGR_FEED_ERR_MAX];
    unsigned char *buf = NULL;
    size_t len = 0;
    pgr_feed_info info;

    (void)state;
    path_in(dir, sizeof(dir), "planted");
    assert_int_equal(mkdir(dir, 0755), 0);
    (void)snprintf(fifo, sizeof(fifo), "%s/registry.json", dir);
    assert_int_equal(mkfifo(fifo, 0644), 0);
    assert_int_equal(pgr_feed_read_file(fifo, 4096, &buf, &len, err, sizeof(err)),
                     PGR_FEED_E_IO);
    assert_null(buf);
    assert_non_null(strstr(err, "not a regular file"));
    (void)snprintf(lock, sizeof(lock), "%s/state.lock", dir);
    assert_int_equal(symlink(fifo, lock), 0);
    memset(&info, 0, sizeof(info));
    assert_int_equal(pgr_feed_parse_comment(good_comment, strlen(good_comment), &info, NULL, 0),
                     PGR_FEED_OK);
    assert_int_not_equal(pgr_feed_state_record(dir, &info, 1795320100, err, sizeof(err)),
                         PGR_FEED_OK);
    assert_non_null(strstr(err, "state.lock"));
}

/* -------------------------------------------------------- pgr_feed_load */

/* The sample registry's bytes (free them), the trusted comment that names
 * it, and a time a minute after it was issued. */
static void
sample_feed(unsigned char **body, size_t *len, char *comm, size_t commsz, time_t *now)
{
    const char *srcdir = getenv("top_srcdir");
    char sample[1024], err[PGR_FEED_ERR_MAX];
    pgr_registry *reg;
    pgr_config cfg;
    pgr_errors errs;

    (void)snprintf(sample, sizeof(sample), "%s/data/registry.sample.json",
                   srcdir != NULL ? srcdir : ".");
    assert_int_equal(pgr_feed_read_file(sample, 1 << 24, body, len, err, sizeof(err)), PGR_FEED_OK);
    pgr_config_init(&cfg);
    pgr_errors_init(&errs);
    reg = pgr_registry_load_buffer((const char *)*body, *len, &cfg, &errs);
    assert_non_null(reg);
    pgr_errors_free(&errs);
    (void)snprintf(comm, commsz, "registry_id=%s seq=%lld issued_at=", pgr_registry_id(reg),
                   pgr_registry_seq(reg));
    pgr_feed_format_time(pgr_registry_issued_at(reg), comm + strlen(comm));
    (void)snprintf(comm + strlen(comm), commsz - strlen(comm), " expires_at=");
    pgr_feed_format_time(pgr_registry_expires_at(reg), comm + strlen(comm));
    *now = pgr_registry_issued_at(reg) + 60;
    pgr_registry_free(reg);
}

/* A signer and the key set that trusts it alone. */
static void
sample_signer(signer *a, pgr_feed_keys *keys)
{
    char ka[128];

    make_signer(a, 1);
    pubkey_b64(a, ka, sizeof(ka));
    pgr_feed_keys_init(keys);
    assert_int_equal(pgr_feed_keys_add(keys, ka, NULL, 0), PGR_FEED_OK);
}

static void
test_load(void **state)
{
    char target[512], sigp[600], comm[256], sig[1024], sig2[1024];
    char statedir[512], err[PGR_FEED_ERR_MAX];
    unsigned char *body = NULL;
    size_t len = 0;
    signer a;
    pgr_feed_keys keys;
    pgr_feed_info info;
    pgr_registry *reg = NULL;
    pgr_config cfg;
    pgr_errors errs;
    time_t now;

    (void)state;
    sample_feed(&body, &len, comm, sizeof(comm), &now);
    pgr_config_init(&cfg);
    pgr_errors_init(&errs);
    sample_signer(&a, &keys);
    make_sig(&a, body, len, comm, 0, sig, sizeof(sig));
    path_in(target, sizeof(target), "reg.json");
    path_in(statedir, sizeof(statedir), "loadstate");
    (void)snprintf(sigp, sizeof(sigp), "%s.minisig", target);
    assert_int_equal(pgr_feed_install(target, body, len, sig, strlen(sig), err, sizeof(err)), PGR_FEED_OK);

    assert_int_equal(pgr_feed_load(target, NULL, &keys, statedir, &cfg, now, PGR_FEED_CHECK_EXPIRED,
                                   0, &reg, &info, NULL, err, sizeof(err)), PGR_FEED_OK);
    assert_non_null(reg);
    assert_int_equal(info.seq, pgr_registry_seq(reg));
    pgr_registry_free(reg);
    assert_int_equal(pgr_feed_state_record(statedir, &info, now, err, sizeof(err)), PGR_FEED_OK);
    assert_int_equal(pgr_feed_verify_file(target, NULL, &keys, statedir, &info, err, sizeof(err)),
                     PGR_FEED_OK);

    /* The window between the two renames of an install: a new signature
     * over the old registry.  .minisig.prev still signs it. */
    {
        char prevsig[700];

        (void)snprintf(prevsig, sizeof(prevsig), "%s.prev", sigp);
        write_file(prevsig, sig, strlen(sig));
    }
    make_sig(&a, "other body", 10, comm, 0, sig2, sizeof(sig2));
    write_file(sigp, sig2, strlen(sig2));
    assert_int_equal(pgr_feed_load(target, NULL, &keys, statedir, &cfg, now, 0, 0, &reg, &info,
                                   NULL, err, sizeof(err)), PGR_FEED_OK);
    pgr_registry_free(reg);
    /* Without the .prev it is refused. */
    {
        char prevsig[700];

        (void)snprintf(prevsig, sizeof(prevsig), "%s.prev", sigp);
        assert_int_equal(unlink(prevsig), 0);
    }
    assert_int_equal(pgr_feed_load(target, NULL, &keys, statedir, &cfg, now, 0, 0, &reg, &info,
                                   NULL, err, sizeof(err)), PGR_FEED_E_BAD_SIG);
    assert_null(reg);

    /* A comment that disagrees with the body. */
    {
        char other[256], *p;

        (void)snprintf(other, sizeof(other), "%s", comm);
        p = strstr(other, " seq=");
        assert_non_null(p);
        memmove(p + 5 + 1, p + 5, strlen(p + 5) + 1);
        p[5] = '9';      /* seq=1 becomes seq=91 */
        make_sig(&a, body, len, other, 0, sig2, sizeof(sig2));
        write_file(sigp, sig2, strlen(sig2));
        assert_int_equal(pgr_feed_load(target, NULL, &keys, NULL, &cfg, now, 0, 0, &reg, &info,
                                       NULL, err, sizeof(err)), PGR_FEED_E_MISMATCH);
        assert_non_null(strstr(err, "seq=91"));
        /* And a recorded higher seq makes the real one a rollback. */
        memset(&info, 0, sizeof(info));
        assert_int_equal(pgr_feed_parse_comment(other, strlen(other), &info, NULL, 0), PGR_FEED_OK);
        assert_int_equal(pgr_feed_state_record(statedir, &info, now, err, sizeof(err)), PGR_FEED_OK);
        write_file(sigp, sig, strlen(sig));
        assert_int_equal(pgr_feed_load(target, NULL, &keys, statedir, &cfg, now, 0, 0, &reg, &info,
                                       NULL, err, sizeof(err)), PGR_FEED_E_ROLLBACK);
    }
    /* Expired only matters with the flag. */
    assert_int_equal(pgr_feed_load(target, NULL, &keys, NULL, &cfg,
                                   (time_t)4102444800LL, PGR_FEED_CHECK_EXPIRED,
                                   0, &reg, &info, NULL, err, sizeof(err)), PGR_FEED_E_EXPIRED);
    /* A signed but invalid registry. */
    {
        static const char junk[] = "{\"format\": 1}";

        make_sig(&a, junk, strlen(junk), comm, 0, sig2, sizeof(sig2));
        assert_int_equal(pgr_feed_install(target, (const unsigned char *)junk, strlen(junk), sig2,
                                          strlen(sig2), err, sizeof(err)), PGR_FEED_OK);
        assert_int_equal(pgr_feed_load(target, NULL, &keys, NULL, &cfg, now, 0, 0, &reg, &info,
                                       &errs, err, sizeof(err)), PGR_FEED_E_INVALID);
        assert_true(errs.count > 0);
    }
    pgr_errors_free(&errs);
    free(body);
}

/*
 * A genuine "ED" signature relabelled "Ed" would verify over the 64 bytes
 * of its prehash (the same Ed25519 signature, the same trusted comment).
 * Served with those bytes as the registry, it must fail, and never as the
 * equivocation of a compromised key: legacy signatures are refused.
 */
static void
test_relabelled(void **state)
{
    char target[512], statedir[512], comm[256], sig[1024], sig2[1024];
    char err[PGR_FEED_ERR_MAX];
    unsigned char *body = NULL, h[64];
    size_t len = 0;
    signer a;
    pgr_feed_keys keys;
    pgr_feed_info info;
    pgr_registry *reg = NULL;
    pgr_config cfg;
    time_t now;

    (void)state;
    sample_feed(&body, &len, comm, sizeof(comm), &now);
    pgr_config_init(&cfg);
    sample_signer(&a, &keys);
    make_sig(&a, body, len, comm, 0, sig, sizeof(sig));
    path_in(target, sizeof(target), "relabel.json");
    path_in(statedir, sizeof(statedir), "relabelstate");
    assert_int_equal(pgr_feed_install(target, body, len, sig, strlen(sig), err, sizeof(err)), PGR_FEED_OK);
    assert_int_equal(pgr_feed_load(target, NULL, &keys, statedir, &cfg, now, 0, 0, &reg, &info,
                                   NULL, err, sizeof(err)), PGR_FEED_OK);
    pgr_registry_free(reg);
    reg = NULL;
    assert_int_equal(pgr_feed_state_record(statedir, &info, now, err, sizeof(err)), PGR_FEED_OK);

    /* the relabelled pair: Ed25519 is deterministic, so signing the
     * prehash as a legacy body gives the genuine signature's bytes */
    crypto_generichash(h, sizeof(h), body, len, NULL, 0);
    make_sig(&a, h, sizeof(h), comm, 1, sig2, sizeof(sig2));
    assert_int_equal(strlen(sig2), strlen(sig));
    assert_int_equal(pgr_feed_install(target, h, sizeof(h), sig2, strlen(sig2), err, sizeof(err)),
                     PGR_FEED_OK);
    assert_int_equal(pgr_feed_load(target, NULL, &keys, statedir, &cfg, now, 0, 0, &reg, &info,
                                   NULL, err, sizeof(err)), PGR_FEED_E_SIGFORMAT);
    assert_non_null(strstr(err, "legacy"));
    assert_null(reg);
    free(body);
}

/*
 * Recording takes the state directory's lock (state.lock) from its check
 * to its write, so that the overlay and ploguard sync never write an
 * older seq over the other's newer one: while another holds the lock, a
 * record waits.
 */
static void
test_state_lock(void **state)
{
    char dir[512], lock[600], err[PGR_FEED_ERR_MAX];
    pgr_feed_info info;
    pid_t pid;
    int fd, status;

    (void)state;
    path_in(dir, sizeof(dir), "lockstate");
    assert_int_equal(mkdir(dir, 0755), 0);
    (void)snprintf(lock, sizeof(lock), "%s/state.lock", dir);
    fd = open(lock, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    memset(&info, 0, sizeof(info));
    assert_int_equal(pgr_feed_parse_comment(good_comment, strlen(good_comment), &info, NULL, 0),
                     PGR_FEED_OK);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* the inherited descriptor shares the parent's lock: not ours */
        (void)close(fd);
        _exit(pgr_feed_state_record(dir, &info, 1795320100, err, sizeof(err)) == PGR_FEED_OK ? 0 : 1);
    }
    /* half a second: a record not waiting would have ended long before */
    (void)usleep(500 * 1000);
    assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
    assert_int_equal(close(fd), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(pgr_feed_state_check(dir, &info, err, sizeof(err)), PGR_FEED_OK);

    /* a holder that never lets go: the record gives up, saying why, after
     * PGR_FEED_LOCK_WAIT_MS, and the state stays as it was */
    fd = open(lock, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    info.seq++;
    assert_int_equal(pgr_feed_state_record(dir, &info, 1795320200, err, sizeof(err)),
                     PGR_FEED_E_IO);
    assert_non_null(strstr(err, "held by another process"));
    assert_int_equal(close(fd), 0);
    info.seq--;
    assert_int_equal(pgr_feed_state_check(dir, &info, err, sizeof(err)), PGR_FEED_OK);
}

/* ------------------------------------------------ stale temporaries */

/* Creates tmpdir/sub/name, last modified age seconds before now. */
static void
make_aged(const char *sub, const char *name, time_t now, time_t age)
{
    char path[768];
    struct timespec ts[2];

    (void)snprintf(path, sizeof(path), "%s/%s/%s", tmpdir, sub, name);
    write_file(path, "x", 1);
    ts[0].tv_sec = ts[1].tv_sec = now - age;
    ts[0].tv_nsec = ts[1].tv_nsec = 0;
    assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static int
present(const char *sub, const char *name)
{
    char path[768];
    struct stat sb;

    (void)snprintf(path, sizeof(path), "%s/%s/%s", tmpdir, sub, name);
    return lstat(path, &sb) == 0;
}

static void
test_clean_temps(void **state)
{
    static const char *const keep[] = {
        "registry.json", "registry.json.tmp.abc", "registry.json.tmp.Ab12Cd.x",
        "registry.json.tmp.Ab-2Cd", "registry.json.prev.0123456789ABCDEF",
        "registry.json.prev.0123", "other.json.tmp.Ab12Cd", "ca-ildc.state",
        "registry.jsonx.tmp.Ab12Cd",
    };
    char dir[512], target[600], link_name[700];
    time_t now = time(NULL);
    size_t i;

    (void)state;
    path_in(dir, sizeof(dir), "clean");
    assert_int_equal(mkdir(dir, 0755), 0);
    for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
        make_aged("clean", keep[i], now, 3600);
    make_aged("clean", "registry.json.tmp.Ab12Cd", now, 3600);
    make_aged("clean", "registry.json.minisig.tmp.zZ9yY8", now, 3600);
    make_aged("clean", "registry.json.prev.0123456789abcdef", now, 3600);
    make_aged("clean", "registry.json.tmp.Fresh1", now, 5);
    /* Not regular files: left alone. */
    (void)snprintf(link_name, sizeof(link_name), "%s/registry.json.tmp.Link12", dir);
    assert_int_equal(symlink("registry.json", link_name), 0);
    (void)snprintf(link_name, sizeof(link_name), "%s/registry.json.tmp.Dir123", dir);
    assert_int_equal(mkdir(link_name, 0755), 0);

    (void)snprintf(target, sizeof(target), "%s/registry.json", dir);
    assert_int_equal(pgr_feed_clean_temps(target, now, PGR_FEED_TEMP_AGE), 2);
    assert_false(present("clean", "registry.json.tmp.Ab12Cd"));
    assert_false(present("clean", "registry.json.prev.0123456789abcdef"));
    assert_true(present("clean", "registry.json.tmp.Fresh1"));
    assert_true(present("clean", "registry.json.minisig.tmp.zZ9yY8"));
    (void)snprintf(target, sizeof(target), "%s/registry.json.minisig", dir);
    assert_int_equal(pgr_feed_clean_temps(target, now, PGR_FEED_TEMP_AGE), 1);
    /* min_age 0 (under a lock that excludes every writer): fresh ones too. */
    (void)snprintf(target, sizeof(target), "%s/registry.json", dir);
    assert_int_equal(pgr_feed_clean_temps(target, now, 0), 1);
    assert_false(present("clean", "registry.json.tmp.Fresh1"));
    assert_true(present("clean", "registry.json.tmp.Link12"));
    assert_true(present("clean", "registry.json.tmp.Dir123"));
    for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
        assert_true(present("clean", keep[i]));

    /* State files: <valid registry id>.state.tmp.XXXXXX only. */
    make_aged("clean", "ca-ildc.state.tmp.Ab12Cd", now, PGR_FEED_TEMP_AGE);
    make_aged("clean", "ca.state.state.tmp.Ab12Cd", now, 3600);
    make_aged("clean", "ca-ildc.state.tmp.Fresh1", now, PGR_FEED_TEMP_AGE - 1);
    make_aged("clean", ".state.tmp.Ab12Cd", now, 3600);
    make_aged("clean", "-bad.state.tmp.Ab12Cd", now, 3600);
    make_aged("clean", "http-cache.tmp.Ab12Cd", now, 3600);
    assert_int_equal(pgr_feed_state_clean_temps(dir, now, PGR_FEED_TEMP_AGE), 2);
    assert_false(present("clean", "ca-ildc.state.tmp.Ab12Cd"));
    assert_false(present("clean", "ca.state.state.tmp.Ab12Cd"));
    assert_true(present("clean", "ca-ildc.state.tmp.Fresh1"));
    assert_true(present("clean", ".state.tmp.Ab12Cd"));
    assert_true(present("clean", "-bad.state.tmp.Ab12Cd"));
    assert_true(present("clean", "http-cache.tmp.Ab12Cd"));
    assert_true(present("clean", "ca-ildc.state"));

    /* No directory: nothing to do.  A file for a directory: an error. */
    path_in(dir, sizeof(dir), "clean/none");
    assert_int_equal(pgr_feed_state_clean_temps(dir, now, PGR_FEED_TEMP_AGE), 0);
    path_in(dir, sizeof(dir), "clean/ca-ildc.state");
    assert_int_equal(pgr_feed_state_clean_temps(dir, now, PGR_FEED_TEMP_AGE), -1);
    assert_int_equal(pgr_feed_clean_temps("", now, 0), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_comment),
        cmocka_unit_test(test_comment_hash),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_verify),
        cmocka_unit_test(test_check_time),
        cmocka_unit_test(test_state),
        cmocka_unit_test(test_install),
        cmocka_unit_test(test_install_not_owner),
        cmocka_unit_test(test_not_regular),
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_relabelled),
        cmocka_unit_test(test_state_lock),
        cmocka_unit_test(test_clean_temps),
    };

    if (pgr_feed_init() != 0)
        return 1;
    return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
