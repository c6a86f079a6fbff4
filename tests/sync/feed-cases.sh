#!/bin/sh
# feed-cases.sh - ploguard sync against a real HTTPS server on 127.0.0.1
# (tests/sync/feedserver.py, test CA made here with openssl) and real
# minisign signatures.  Every failure case must leave the installed registry
# byte for byte as it was and give its own one-line message and exit code.
# Ports: 29510 (HTTPS feed), 29511 (a listener that never answers).
. "$top_srcdir/tests/sync/common.sh"

PORT=29510
STALL=29511

start_feed $PORT --junk 8388608
make_key other
printf 'not a registry\n' > "$T/www/junk"
BASE=https://127.0.0.1:$PORT
start_server stall $STALL --stall
STALL=$SERVER_PORT

# ---------------------------------------------------------- first install
publish 5
run_sync --url "$URL" $MAIN
if [ $RC -eq 0 ] && cmp -s "$T/www/registry.json" "$T/inst/registry.json" &&
   cmp -s "$T/www/registry.json.minisig" "$T/inst/registry.json.minisig" &&
   printf '%s\n' "$OUT" | grep -q 'registry test-feed seq none -> 5'; then
    ok "first install: $(printf '%s\n' "$OUT" | head -n 1)"
else
    fail "first install: rc $RC, out \"$OUT\", err \"$ERR\""
fi

# ------------------------------------------------------------ good update
cp "$T/inst/registry.json" "$T/v5.json"
publish 6 --add-person new-person-1 --drop-person ma-lin --rename-person zhang-wei
run_sync --url "$URL" $MAIN
if [ $RC -eq 0 ] && cmp -s "$T/www/registry.json" "$T/inst/registry.json" &&
   cmp -s "$T/v5.json" "$T/inst/registry.json.prev" &&
   printf '%s\n' "$OUT" | grep -q 'seq 5 -> 6 .*: 1 added, 1 changed, 1 removed' &&
   printf '%s\n' "$OUT" | grep -q 'added: new-person-1' &&
   printf '%s\n' "$OUT" | grep -q 'changed: zhang-wei' &&
   printf '%s\n' "$OUT" | grep -q 'removed: ma-lin' &&
   grep -q '^seq 6$' "$T/state/test-feed.state"; then
    ok "good update: $(printf '%s\n' "$OUT" | head -n 1)"
else
    fail "good update: rc $RC, out \"$OUT\", err \"$ERR\""
fi
"$PLOGUARD" sync --config /dev/null --verify $MAIN --state-dir "$T/state" \
    --out "$T/inst/registry.json" >"$T/v.out" 2>&1 &&
    grep -q 'seq 6 verifies' "$T/v.out" && ok "--verify: $(cat "$T/v.out")" ||
    fail "--verify: $(cat "$T/v.out")"

# --------------------------------------------------- 304: one request only
snapshot
fingerprint "$T/state" "$T/inst" > "$T/fp.before"
sleep 0.05    # so that a write would show in the mtimes even on coarse clocks
before=$(wc -l < "$T/feed.log")
run_sync --url "$URL" $MAIN
after=$(wc -l < "$T/feed.log")
if [ $RC -eq 0 ] && [ $((after - before)) -eq 1 ] &&
   tail -n 1 "$T/feed.log" | grep -q '^GET /registry.json.minisig 304$' &&
   printf '%s\n' "$OUT" | grep -q 'unchanged (HTTP 304): registry test-feed seq 6' &&
   cmp -s "$T/snap.json" "$T/inst/registry.json"; then
    ok "304: $OUT"
else
    fail "304: rc $RC, $((after - before)) requests, out \"$OUT\", err \"$ERR\""
fi
# A 304 writes nothing: the state directory (state file, HTTP validators,
# lock) and the installed files (registry, signature, .prev) are byte for
# byte, inode and mtime the same, and no file came or went.
fingerprint "$T/state" "$T/inst" > "$T/fp.after"
if [ "$(wc -l < "$T/fp.before")" -ge 8 ] && cmp -s "$T/fp.before" "$T/fp.after"; then
    ok "304 writes nothing: $(grep -c . "$T/fp.after") directories and files unchanged"
else
    fail "304 wrote something: $(diff "$T/fp.before" "$T/fp.after" | tr '\n' ' ')"
fi

# ------------------------------------------------ stale temporary files
# What a sync killed mid-write leaves: the registry's, the signature's and
# the HTTP cache's temporaries (written by sync alone, under its lock: any
# is stale) and the state file's (also written by the overlay, without the
# lock: stale only after PGR_FEED_TEMP_AGE, 60 s).
for f in inst/registry.json.tmp.Kil1ed inst/registry.json.minisig.tmp.Kil1ed \
         inst/registry.json.prev.0123456789abcdef state/http-cache.tmp.Kil1ed \
         state/test-feed.state.tmp.Kil1ed; do
    printf 'partial' > "$T/$f"
    touch -d '2 minutes ago' "$T/$f"
done
printf 'partial' > "$T/state/test-feed.state.tmp.Fresh1"
run_sync --url "$URL" $MAIN
left=$(cd "$T" && ls inst/*.tmp.* inst/*.prev.* state/*.tmp.* 2>/dev/null | tr '\n' ' ')
if [ $RC -eq 0 ] && [ "$left" = "state/test-feed.state.tmp.Fresh1 " ]; then
    ok "stale temporary files removed, a fresh state temporary kept"
else
    fail "stale temporary files: rc $RC, left: $left ($ERR)"
fi
rm -f "$T/state/test-feed.state.tmp.Fresh1"

# ------------------------- 200 with the registry already installed (seq 6)
# A server that lost its validators (no ETag, no Last-Modified) answers 200:
# the signature is the installed one, so the sync says "unchanged" without
# downloading the registry, and rewrites nothing but the HTTP validators it
# keeps.
fingerprint "$T/state" "$T/inst" > "$T/fp.before"
sleep 0.05
before=$(wc -l < "$T/feed.log")
run_sync --url "$BASE/noetag/registry.json" $MAIN
after=$(wc -l < "$T/feed.log")
fingerprint "$T/state" "$T/inst" > "$T/fp.after"
changed=$(diff "$T/fp.before" "$T/fp.after" | sed -n 's/^> \([^ ]*\) .*/\1/p' | tr '\n' ' ')
if [ $RC -eq 0 ] && [ $((after - before)) -eq 1 ] &&
   tail -n 1 "$T/feed.log" | grep -q '^GET /noetag/registry.json.minisig 200$' &&
   printf '%s\n' "$OUT" | grep -q "unchanged (HTTP 200, the installed registry's signature): registry test-feed seq 6" &&
   [ "$changed" = "$T/state $T/state/http-cache " ] &&
   grep -q "^url $BASE/noetag/registry.json\$" "$T/state/http-cache"; then
    ok "200, identical signature: $OUT (one request, only http-cache rewritten)"
else
    fail "200, identical registry: rc $RC, $((after - before)) requests, changed: $changed, out \"$OUT\", err \"$ERR\""
fi
# Again: now even the validators are as stored, so nothing at all is written.
fingerprint "$T/state" "$T/inst" > "$T/fp.before"
sleep 0.05
run_sync --url "$BASE/noetag/registry.json" $MAIN
fingerprint "$T/state" "$T/inst" > "$T/fp.after"
if [ $RC -eq 0 ] && printf '%s\n' "$OUT" | grep -q 'unchanged (HTTP 200' &&
   cmp -s "$T/fp.before" "$T/fp.after"; then
    ok "200, identical registry, same validators: nothing written"
else
    fail "200, identical registry, same validators: rc $RC, $(diff "$T/fp.before" "$T/fp.after" | tr '\n' ' ') $ERR"
fi
# Back on the real URL: one unconditional 200 (identical), then 304 again.
run_sync --url "$URL" $MAIN
out1=$OUT
run_sync --url "$URL" $MAIN
if printf '%s\n' "$out1" | grep -q 'unchanged (HTTP 200' && [ $RC -eq 0 ] &&
   printf '%s\n' "$OUT" | grep -q 'unchanged (HTTP 304)'; then
    ok "validators stored again after an identical 200: the next sync is a 304"
else
    fail "validators after an identical 200: \"$out1\" then rc $RC \"$OUT\" \"$ERR\""
fi
# The same registry signed anew (here only its untrusted comment differs;
# a key rollover is the real case), from the server that keeps its
# validators: the signature's ETag changed, so it is fetched, then the
# registry: not "unchanged", the new signature is installed.
cp "$T/inst/registry.json.minisig" "$T/old.minisig"
sed '1s/.*/untrusted comment: signed again/' "$T/old.minisig" > "$T/www/registry.json.minisig"
run_sync --url "$URL" $MAIN
if [ $RC -eq 0 ] && printf '%s\n' "$OUT" | grep -q 'seq 6 -> 6 .*0 added, 0 changed, 0 removed' &&
   cmp -s "$T/www/registry.json.minisig" "$T/inst/registry.json.minisig" &&
   cmp -s "$T/old.minisig" "$T/inst/registry.json.minisig.prev"; then
    ok "same registry, new signature: installed: $(printf '%s\n' "$OUT" | head -n 1)"
else
    fail "same registry, new signature: rc $RC, out \"$OUT\", err \"$ERR\""
fi
snapshot

# ------------------------------------------------------- network failures
publish 7
run_sync --url "$BASE/status/404/registry.json" $MAIN
expect_fail "404" 3 'download of .* failed: HTTP status 404'
run_sync --url "$BASE/status/500/registry.json" $MAIN
expect_fail "500" 3 'download of .* failed: HTTP status 500'
run_sync --url "https://127.0.0.1:$STALL/registry.json" $MAIN --connect-timeout 1 --timeout 2
expect_fail "stalled server" 3 'failed: timed out'
run_sync --url "$BASE/cut/registry.json" $MAIN
expect_fail "body cut short" 3 'failed: body cut short'
run_sync --url "$URL" $MAIN --max-size 4096
expect_fail "oversized body (Content-Length)" 3 'larger than the size cap of 4096 bytes'
# The signature is fetched first: a real one (seq 7's) lets the sync go on
# to the registry, which is endless junk.
cp "$T/www/registry.json.minisig" "$T/www/junk.minisig"
run_sync --url "$BASE/nolen/junk" $MAIN --max-size 1048576
expect_fail "oversized body (no length)" 3 'larger than the size cap of 1048576 bytes'
run_sync --url "$BASE/http-redirect/registry.json" $MAIN
expect_fail "redirect to plain HTTP" 3 'refused a redirect to a non-HTTPS URL'
run_sync --url "$BASE/loop/registry.json" $MAIN
expect_fail "redirect loop" 3 'too many redirects'
run_sync --url "$URL" $MAIN --cacert "$T/pki/other.crt"
expect_fail "untrusted server certificate" 3 'certificate not trusted'
run_sync --url "$URL" $MAIN --pin 'sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='
expect_fail "pinned key mismatch" 3 'does not match --pin'
run_sync --url "http://127.0.0.1:$PORT/registry.json" $MAIN
expect_fail "plain HTTP URL" 2 'only https:// URLs'

# --------------------------------------------------------- verification
publish 7
sign "$T/www/registry.json" other "$(cat "$T/comment")"
run_sync --url "$URL" $MAIN
expect_fail "wrong key" 4 'signed with key id [0-9A-F]{16}, which is not a trusted key'

publish 7
sed 's/"seq": 7/"seq": 7 /' "$T/www/registry.json" > "$T/t" && mv "$T/t" "$T/www/registry.json"
run_sync --url "$URL" $MAIN
expect_fail "tampered body" 4 "the registry's signature does not verify"

publish 7
sed '3s/seq=7/seq=8/' "$T/www/registry.json.minisig" > "$T/t" && mv "$T/t" "$T/www/registry.json.minisig"
run_sync --url "$URL" $MAIN
expect_fail "tampered trusted comment" 4 "the trusted comment's signature does not verify"

publish 7
sign "$T/www/registry.json" main "$(sed 's/seq=7/seq=8/' "$T/comment")"
run_sync --url "$URL" $MAIN
expect_fail "comment disagrees with body" 4 'trusted comment says seq=8 but the registry says 7'

publish 7
sign "$T/www/registry.json" main "$(sed 's/ expires_at=.*//' "$T/comment")"
run_sync --url "$URL" $MAIN
expect_fail "malformed trusted comment" 4 'trusted comment: expires_at missing'

publish 7
printf 'untrusted comment: x\nnot base64\n' > "$T/www/registry.json.minisig"
run_sync --url "$URL" $MAIN
expect_fail "malformed signature file" 4 'signature line 2 is not the base64'

publish 7
run_sync --url "$URL" $MAIN --registry-id other-feed
expect_fail "unexpected registry id" 5 'refused: the feed is registry test-feed, not the configured other-feed'

# --------------------------------------------------------------- policy
publish 4
run_sync --url "$URL" $MAIN
expect_fail "rollback" 5 'rollback refused: registry test-feed seq 4 is older than seq 6'

publish 6 --add-person sneaky-1
run_sync --url "$URL" $MAIN
expect_fail "equivocation" 5 'EQUIVOCATION: registry test-feed seq 6 was signed with two different contents'

# A genuine "ED" signature relabelled "Ed" (legacy) would verify over the
# 64 bytes of its prehash: served with those bytes as the registry, it is
# refused as a legacy signature, not taken for an equivocation of the seq
# already accepted (no alert of a compromised key).
publish 6
cp "$T/www/registry.json" "$T/genuine.json"
cp "$T/www/registry.json.minisig" "$T/genuine.minisig"
"$PYTHON" - "$T/genuine.json" "$T/genuine.minisig" "$T/www/registry.json" <<'EOF' ||
import base64, hashlib, sys
body = open(sys.argv[1], "rb").read()
lines = open(sys.argv[2], "rb").read().split(b"\n")
blob = bytearray(base64.b64decode(lines[1]))
if blob[:2] != b"ED":
    sys.exit("the installed signature is not ED")
blob[1:2] = b"d"
lines[1] = base64.b64encode(bytes(blob))
with open(sys.argv[3], "wb") as f:
    f.write(hashlib.blake2b(body, digest_size=64).digest())
with open(sys.argv[3] + ".minisig", "wb") as f:
    f.write(b"\n".join(lines))
EOF
    { echo "ERROR: could not relabel the signature"; exit 99; }
run_sync --url "$URL" $MAIN
expect_fail "a genuine ED signature relabelled Ed, over its prehash" 4 'legacy "Ed" one \(minisign -l\), refused'

# Another registry signed with the same key (a test registry) is no update
# of the installed one unless --registry-id says to change registries.
publish 9 --id test-feed-b
run_sync --url "$URL" $MAIN
expect_fail "another registry id, none configured" 5 'the feed is registry test-feed-b, the installed registry is test-feed'

publish 7 --issued +3600
run_sync --url "$URL" $MAIN
expect_fail "future-dated feed" 5 'is issued in the future'

publish 7 --issued -7200 --expires -3600
run_sync --url "$URL" $MAIN
expect_fail "expired feed" 5 'has already expired'

# ----------------------------------------------------- invalid registries
publish 7
printf '{"format": "ploguard-registry/1", "seq": 7,,}\n' > "$T/www/registry.json"
sign "$T/www/registry.json" main "$(sed 's/seq=[0-9]*/seq=7/' "$T/comment")"
run_sync --url "$URL" $MAIN
expect_fail "invalid JSON" 6 'the signed registry is invalid'

publish 7 --invalid
run_sync --url "$URL" $MAIN
expect_fail "registry failing validation" 6 'the signed registry is invalid .*613-555-01'

# State directory lost: the installed file still stops a rollback.
publish 5
mv "$T/state" "$T/state.saved"
run_sync --url "$URL" $MAIN
expect_fail "rollback with the state lost" 5 'older than the installed seq 6'
rm -rf "$T/state"
mv "$T/state.saved" "$T/state"

# ------------------------------- standby key, legacy signature, redirect
make_key standby
publish 7
sign "$T/www/registry.json" standby "$(cat "$T/comment")" -l
snapshot
run_sync --url "$BASE/redirect/registry.json" $MAIN --pubkey2 "$(pubkey standby)"
expect_fail "a legacy Ed signature (minisign -l)" 4 'legacy "Ed" one \(minisign -l\), refused'
sign "$T/www/registry.json" standby "$(cat "$T/comment")"
run_sync --url "$BASE/redirect/registry.json" $MAIN --pubkey2 "$(pubkey standby)" \
    --pin "$(cat "$T/pki/pin")"
if [ $RC -eq 0 ] && cmp -s "$T/www/registry.json" "$T/inst/registry.json" &&
   printf '%s\n' "$OUT" | grep -q 'seq 6 -> 7'; then
    ok "standby key, HTTPS redirect, pinned key: $(printf '%s\n' "$OUT" | head -n 1)"
else
    fail "standby/redirect/pin: rc $RC, out \"$OUT\", err \"$ERR\""
fi

# ------------------------------------------------------- configuration
cat > "$T/ploguard.conf" <<EOF
# test configuration
url = $URL
pubkey_file = $T/main.pub
state_dir = $T/state
out = $T/inst/registry.json
cacert = $T/pki/ca.crt
timeout = 5
EOF
publish 8
"$PLOGUARD" sync --config "$T/ploguard.conf" >"$T/stdout" 2>"$T/stderr"
RC=$?
if [ $RC -eq 0 ] && grep -q 'seq 7 -> 8' "$T/stdout"; then
    ok "configuration file: $(head -n 1 "$T/stdout")"
else
    fail "configuration file: rc $RC, $(cat "$T/stdout" "$T/stderr")"
fi
snapshot
printf 'url = %s\ntimeout = soon\n' "$URL" > "$T/bad.conf"
run_sync --config "$T/bad.conf" $MAIN
expect_fail "bad configuration value" 2 'bad.conf:2: timeout: must be a whole number'
printf 'url = %s\nfrobnicate = 1\n' "$URL" > "$T/bad.conf"
run_sync --config "$T/bad.conf" $MAIN
expect_fail "unknown configuration key" 2 'bad.conf:2: frobnicate: unknown setting'
run_sync --url "$URL" --pubkey 'RWQnotakey'
expect_fail "malformed public key" 2 '--pubkey: public key is not the base64'
run_sync --url "$URL"
expect_fail "no public key" 2 'no trusted public key'
run_sync --url "$URL" $MAIN --bogus
expect_fail "unknown option" 2 'unknown option --bogus'

# ------------------------------- a 304 the configuration no longer trusts
# seq 8 came with validators: the next sync is a 304.  With the signing key
# removed from the configuration (revoked after a compromise, say), or
# another --registry-id asked for, that 304 must not pass for "unchanged":
# the signature is fetched again without condition and checked.
run_sync --url "$URL" $MAIN
if [ $RC -eq 0 ] && printf '%s\n' "$OUT" | grep -q 'unchanged (HTTP 304): registry test-feed seq 8'; then
    ok "304 while the keys are unchanged: $OUT"
else
    fail "304 before the key change: rc $RC, out \"$OUT\", err \"$ERR\""
fi
snapshot
run_sync --url "$URL" --pubkey-file "$T/other.pub"
expect_fail "a 304 once the signing key is no longer trusted" 4 'which is not a trusted key'
run_sync --url "$URL" $MAIN --registry-id other-feed
expect_fail "a 304 for another --registry-id" 5 'refused: the feed is registry test-feed, not the configured other-feed'

# ------------------------------- an installed registry that cannot be loaded
# The registry id to keep then comes from the last sync's record: a feed of
# another id is still refused, one of the same id repairs the file.
printf 'damaged\n' > "$T/inst/registry.json"
snapshot
publish 9 --id test-feed-b
run_sync --url "$URL" $MAIN
expect_fail "another registry id, the installed file damaged" 5 \
    'the installed registry is test-feed \(as last synced'
publish 9
run_sync --url "$URL" $MAIN
if [ $RC -eq 0 ] && cmp -s "$T/www/registry.json" "$T/inst/registry.json" &&
   printf '%s\n' "$OUT" | grep -q 'registry test-feed seq none -> 9'; then
    ok "a damaged installed registry replaced by its own feed: $(printf '%s\n' "$OUT" | head -n 1)"
else
    fail "damaged installed registry: rc $RC, out \"$OUT\", err \"$ERR\""
fi
# Damaged, and nothing records which registry it was: refused until
# --registry-id says.
printf 'damaged\n' > "$T/inst/registry.json"
rm -f "$T/state/http-cache"
snapshot
publish 10
run_sync --url "$URL" $MAIN
expect_fail "a damaged installed registry, no record of its id" 5 \
    'cannot be loaded .* nothing records which registry it is \(give --registry-id test-feed'
run_sync --url "$URL" $MAIN --registry-id test-feed
if [ $RC -eq 0 ] && cmp -s "$T/www/registry.json" "$T/inst/registry.json"; then
    ok "... installed with --registry-id: $(printf '%s\n' "$OUT" | head -n 1)"
else
    fail "damaged, --registry-id given: rc $RC, out \"$OUT\", err \"$ERR\""
fi

# ---------------------------------------- an unchanged feed past its expiry
# A feed that stopped moving once its registry expired exits 5, so that
# systemd and monitoring see it; nothing is written.
publish 11 --expires +3
run_sync --url "$URL" $MAIN
[ $RC -eq 0 ] || fail "seq 11 (expiring in 3 s) not installed: rc $RC, err \"$ERR\""
sleep 4
snapshot
fingerprint "$T/state" "$T/inst" > "$T/fp.before"
run_sync --url "$URL" $MAIN
fingerprint "$T/state" "$T/inst" > "$T/fp.after"
if [ $RC -eq 5 ] && printf '%s\n' "$OUT" | grep -q 'unchanged (HTTP 304): registry test-feed seq 11' &&
   [ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] &&
   printf '%s\n' "$ERR" | grep -q 'seq 11 expired at .* the feed has no newer one: it is served as stale' &&
   cmp -s "$T/fp.before" "$T/fp.after"; then
    ok "an unchanged feed past its expiry: exit 5: $ERR"
else
    fail "unchanged, expired: rc $RC, out \"$OUT\", err \"$ERR\""
fi

finish
