#!/bin/sh
# feed-state.sh - ploguard sync and what it finds on disk: the lock files,
# the anti-rollback state against the installed pair (a 304 is "unchanged"
# only when the state records the installed pair), the state and --out
# directories, --verify, and where a bad setting came from.
# Port: 29550.
. "$top_srcdir/tests/sync/common.sh"

PORT=29550

start_feed $PORT

# check NAME STATUS: ok (STATUS 0) or fail, with the last run's output.
check() {
    if [ "$2" -eq 0 ]; then
        ok "$1: $(printf '%s\n' "$OUT" "$ERR" | grep . | head -n 1)"
    else
        fail "$1: rc $RC, out \"$OUT\", err \"$ERR\""
    fi
}

# ---------------------------------------- sync.lock created by another user
# The service user must be able to take a sync.lock that root created by
# running sync by hand: flock needs only a read-only descriptor.
publish 1
mkdir -p "$T/svc/state" "$T/svc/inst"
: > "$T/svc/state/sync.lock"
if [ "$(id -u)" -eq 0 ]; then
    if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
        chmod 755 "$T" "$T/pki"
        chmod 644 "$T/main.pub" "$T/pki/ca.crt"
        chown -R nobody "$T/svc/state" "$T/svc/inst"
        chown root "$T/svc/state/sync.lock"
        chmod 644 "$T/svc/state/sync.lock"
        AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
        id -g nogroup >/dev/null 2>&1 || AS="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups"
    else
        AS=skip
    fi
else
    chmod 444 "$T/svc/state/sync.lock"
    AS=
fi
if [ "$AS" = skip ]; then
    echo "# skipped: sync.lock of another user (no setpriv or no user nobody)"
else
    $AS "$PLOGUARD" sync --config /dev/null --cacert "$T/pki/ca.crt" \
        --state-dir "$T/svc/state" --out "$T/svc/inst/registry.json" \
        --connect-timeout 2 --timeout 5 --url "$URL" $MAIN >"$T/stdout" 2>"$T/stderr"
    RC=$?
    OUT=$(cat "$T/stdout")
    ERR=$(cat "$T/stderr")
    [ $RC -eq 0 ] && cmp -s "$T/www/registry.json" "$T/svc/inst/registry.json"
    check "a sync.lock the service user may not write" $?
fi

# --------------------------- a 304 while the installed pair is not the state's
# A crash after a failed sync of the directory, or a restore from a
# backup, brings back pair 5 while the state records 6: the 304 must not
# pass for "unchanged" (the overlay refuses 5 as a rollback); seq 6 is
# fetched again and installed.
publish 5
run_sync --url "$URL" $MAIN
[ $RC -eq 0 ] || { echo "ERROR: seq 5 not installed: $ERR"; exit 99; }
cp "$T/inst/registry.json" "$T/v5.json"
cp "$T/inst/registry.json.minisig" "$T/v5.minisig"
publish 6
run_sync --url "$URL" $MAIN
[ $RC -eq 0 ] || { echo "ERROR: seq 6 not installed: $ERR"; exit 99; }
cp "$T/inst/registry.json" "$T/v6.json"
cp "$T/v5.json" "$T/inst/registry.json"
cp "$T/v5.minisig" "$T/inst/registry.json.minisig"
run_sync --url "$URL" $MAIN
[ $RC -eq 0 ] && cmp -s "$T/v6.json" "$T/inst/registry.json" &&
    printf '%s\n' "$OUT" | grep -q 'registry test-feed seq 5 -> 6'
check "a 304 with an older pair installed than the state records" $?
run_sync --url "$URL" $MAIN
[ $RC -eq 0 ] && printf '%s\n' "$OUT" | grep -q '^ploguard sync: unchanged (HTTP 304): registry test-feed seq 6,'
check "... and the next sync is a 304 again" $?

# The state file corrupt: an error (exit 7), never "unchanged".
cp "$T/state/test-feed.state" "$T/good.state"
printf 'garbage\n' > "$T/state/test-feed.state"
snapshot
run_sync --url "$URL" $MAIN
expect_fail "a 304 with a corrupt state" 7 'anti-rollback state: .*test-feed.state: corrupt state file'
cp "$T/good.state" "$T/state/test-feed.state"

# The state file lost: the feed is fetched again and recorded.
rm -f "$T/state/test-feed.state"
run_sync --url "$URL" $MAIN
[ $RC -eq 0 ] && cmp -s "$T/v6.json" "$T/inst/registry.json" &&
    printf '%s\n' "$OUT" | grep -q 'registry test-feed seq 6 -> 6' &&
    grep -q '^seq 6$' "$T/state/test-feed.state"
check "a 304 with the state lost: fetched and recorded again" $?

# An HTTP cache that does not say which registry (an older version's, or
# edited): the installed pair says it, and an expired one still exits 5.
publish 7 --expires +3
run_sync --url "$URL" $MAIN
[ $RC -eq 0 ] || { echo "ERROR: seq 7 not installed: $ERR"; exit 99; }
sleep 4
sed -i '/^registry_id /d' "$T/state/http-cache"
run_sync --url "$URL" $MAIN
[ $RC -eq 5 ] && printf '%s\n' "$OUT" | grep -q 'unchanged (HTTP 304): registry test-feed seq 7' &&
    printf '%s\n' "$ERR" | grep -q 'seq 7 expired at .*: it is served as stale'
check "a 304, the cache without registry_id, the registry expired: exit 5" $?

# --verify: as a sync would, exit 5 for an expired registry (still printed,
# marked STALE) and for another registry than --registry-id.
verify() {
    "$PLOGUARD" sync --config /dev/null --verify $MAIN --state-dir "$T/state" \
        --out "$T/inst/registry.json" "$@" >"$T/stdout" 2>"$T/stderr"
    RC=$? OUT=$(cat "$T/stdout") ERR=$(cat "$T/stderr")
}
verify
[ $RC -eq 5 ] && printf '%s\n' "$OUT" | grep -q 'seq 7 verifies .* - STALE: past expires_at' &&
    printf '%s\n' "$ERR" | grep -q 'seq 7 expired at .*: it is served as stale'
check "--verify of an expired registry: exit 5" $?

# ------------------------- a bad value in the configuration file: file:line
# Values checked after parsing name the file and the line they came from,
# not a command-line option the operator never typed.
publish 8
run_sync --url "$URL" $MAIN
[ $RC -eq 0 ] || { echo "ERROR: seq 8 not installed: $ERR"; exit 99; }
snapshot
verify --registry-id test-feed
[ $RC -eq 0 ] && printf '%s\n' "$OUT" | grep -q 'registry test-feed seq 8 verifies' && [ -z "$ERR" ]
check "--verify --registry-id of the installed registry" $?
verify --registry-id other-feed
[ $RC -eq 5 ] && [ -z "$OUT" ] &&
    printf '%s\n' "$ERR" | grep -q 'refused: the installed registry .* is registry test-feed, not the configured other-feed'
check "--verify --registry-id of another registry: exit 5" $?
run_sync --url "$URL" $MAIN --registry-id other-feed
expect_fail "a feed of another registry than --registry-id: exit 5, as ploguard(1) says" 5 \
    'refused: the feed is registry test-feed, not the configured other-feed'
conf() {
    printf '# sync settings\nstate_dir = %s\n' "$T/state" > "$T/bad.conf"
    printf '%s\n' "$@" >> "$T/bad.conf"
}
conf "url = http://127.0.0.1:$PORT/registry.json" "pubkey_file = $T/main.pub"
run_sync --config "$T/bad.conf"
expect_fail "url = http:// in the file" 2 \
    "bad.conf:3: url http://127.0.0.1:$PORT/registry.json: only https:// URLs are accepted"
conf "url = $URL" "pubkey = RWQnotakey"
run_sync --config "$T/bad.conf"
expect_fail "a malformed pubkey in the file" 2 'bad.conf:4: pubkey: public key is not the base64'
conf "url = $URL" "pubkey_file = $T/no-such.pub"
run_sync --config "$T/bad.conf"
expect_fail "a missing pubkey_file in the file" 2 "bad.conf:4: pubkey_file: $T/no-such.pub: "
conf "url = $URL" "pubkey_file = $T/main.pub" "pubkey_file = $T/main.pub" "pubkey2 = $(pubkey main)"
run_sync --config "$T/bad.conf"
expect_fail "three keys in the file" 2 'bad.conf:6: pubkey2: at most 2 trusted public keys'
conf "url = $URL" "pubkey_file = $T/main.pub" "cacert = $T/no-such.pem"
run_sync --config "$T/bad.conf" --cacert "$T/pki/ca.crt"
[ $RC -eq 0 ]
check "the command line's --cacert over the file's" $?
"$PLOGUARD" sync --config "$T/bad.conf" --out "$T/inst/registry.json" >"$T/stdout" 2>"$T/stderr"
RC=$? OUT=$(cat "$T/stdout") ERR=$(cat "$T/stderr")
expect_fail "a missing cacert in the file" 2 "bad.conf:5: cacert $T/no-such.pem: cannot read"
conf "url = $URL" "pubkey_file = $T/main.pub" "region = ZZ"
run_sync --config "$T/bad.conf"
expect_fail "a bad region in the file" 2 'bad.conf:5: region ZZ: not a region'
conf "url = $URL" "pubkey_file = $T/main.pub" "region = ZZ"
run_sync --config "$T/bad.conf" --region XX
expect_fail "a bad --region over the file's" 2 '^ploguard sync: --region XX: not a region'
run_sync --url "http://127.0.0.1:$PORT/registry.json" $MAIN
expect_fail "--url http:// on the command line" 2 '^ploguard sync: --url http://.*: only https://'

# ------------------------------------ a fresh install: no /var/lib/ploguard
# The state directory and the directory of --out are created with their
# missing parents (0755), not only the last component.
F=$T/fresh/var/lib/ploguard
umask 022
run_sync --url "$URL" $MAIN --state-dir "$F/state" --out "$F/registry.json"
[ $RC -eq 0 ] && cmp -s "$T/www/registry.json" "$F/registry.json" &&
    [ -f "$F/state/test-feed.state" ] &&
    [ "$(stat -c %a "$T/fresh/var/lib" "$F" "$F/state" | sort -u)" = 755 ]
check "missing parents of the state directory and of --out created (0755)" $?
run_sync --url "$URL" $MAIN --state-dir "$T/fresh/elsewhere/state" --out "$T/fresh/a/b/registry.json"
[ $RC -eq 0 ] && cmp -s "$T/www/registry.json" "$T/fresh/a/b/registry.json"
check "an --out directory of its own, created" $?
: > "$T/fresh/plainfile"
run_sync --url "$URL" $MAIN --state-dir "$T/fresh/plainfile/state" --out "$T/fresh/c/registry.json"
[ $RC -eq 7 ] && [ -z "$OUT" ] && [ ! -e "$T/fresh/c" ] &&
    printf '%s\n' "$ERR" | grep -q "state directory $T/fresh/plainfile/state from --state-dir: cannot create $T/fresh/plainfile/state: Not a directory"
check "a state directory that cannot be created: exit 7, says which" $?
run_sync --url "$URL" $MAIN --state-dir "$T/fresh/s2" --out "$T/fresh/plainfile/registry.json"
[ $RC -eq 7 ] && [ -z "$OUT" ] &&
    printf '%s\n' "$ERR" | grep -q "^ploguard sync: --out $T/fresh/plainfile/registry.json: cannot create its directory $T/fresh/plainfile: Not a directory"
check "an --out directory that cannot be created: exit 7, says which" $?

# ------------------------------- the change summary counts every field
# Changes pgr_entity does not show (a number block, an alias, a name after
# the first, an instruction's short text) are changes.
summary() {
    [ $RC -eq 0 ] && printf '%s\n' "$OUT" | grep -q "$1" &&
        printf '%s\n' "$OUT" | grep -q "$2"
}
publish 9
run_sync --url "$URL" $MAIN
[ $RC -eq 0 ] || { echo "ERROR: seq 9 not installed: $ERR"; exit 99; }
publish 10 --set missions mission-cn-ottawa phone_prefixes '["+1613555014", "+1613555015"]'
run_sync --url "$URL" $MAIN
summary 'seq 9 -> 10 .*: 0 added, 1 changed, 0 removed' 'changed: mission-cn-ottawa (mission)'
check "a number block added: 1 changed" $?
# publish_edited SEQ [mkreg options...]: seq SEQ with the number block of
# seq 10, an alias and a second name, and the options given
publish_edited() {
    _seq=$1
    shift
    publish "$_seq" --set missions mission-cn-ottawa phone_prefixes '["+1613555014", "+1613555015"]' \
        --set organizations org-mps aliases '["MPS"]' \
        --set people wang-lihua names '[{"family": "王", "given": "丽华"}, {"family": "Wang", "given": "Li-hua"}]' \
        "$@"
}
publish_edited 11
run_sync --url "$URL" $MAIN
summary 'seq 10 -> 11 .*: 0 added, 2 changed, 0 removed' 'changed: wang-lihua (person)'
check "an alias and a second name changed: 2 changed" $?
publish_edited 12 --set instructions refer short_en '"REFER: ILDC"'
run_sync --url "$URL" $MAIN
summary 'seq 11 -> 12 .*: 0 added, [1-9][0-9]* changed, 0 removed' 'changed: mission-gb-liaison (mission)'
check "an instruction's short text changed: its entities changed" $?
publish_edited 13 --set instructions refer short_en '"REFER: ILDC"'
run_sync --url "$URL" $MAIN
summary 'seq 12 -> 13 .*: 0 added, 0 changed, 0 removed' .
check "nothing changed but seq: 0 changed" $?

finish
