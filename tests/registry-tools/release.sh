#!/bin/sh
# ploguard registry release: bumps seq, sets issued_at/expires_at, writes
# canonical JSON and prints the exact minisign command; the printed command
# is run with the real minisign and the result verified with minisign -V.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/registry-tools/common.sh"

if [ -z "$MINISIGN" ] || [ ! -x "$MINISIGN" ]; then
    echo "minisign not found: skipped" >&2
    exit 77
fi

make_base

# --- release with the default validity
before=$(date -u +%s)
reg release
expect 0 "release"
after=$(date -u +%s)
[ "$(top_member seq)" = 2 ] || fail "release: seq $(top_member seq), expected 2"
issued=$(top_member issued_at)
expires=$(top_member expires_at)
t_issued=$(date -u -d "$issued" +%s)
t_expires=$(date -u -d "$expires" +%s)
[ "$t_issued" -ge "$before" ] && [ "$t_issued" -le "$after" ] ||
    fail "release: issued_at $issued is not now"
[ $((t_expires - t_issued)) -eq $((30 * 86400)) ] ||
    fail "release: expires_at $expires is not 30 days after issued_at"
comment="registry_id=ca-ildc-test seq=2 issued_at=$issued expires_at=$expires blake2b=$(b2sum "$F" | cut -d' ' -f1)"
has "$W/out" "$comment" "release prints the trusted comment, with b2sum's hash of the file"
has "$W/out" "minisign -S -m $F -t '$comment'" "release prints the minisign command"

# --- canonical JSON: re-reading and re-writing changes nothing
reg set p-0001 role plo
expect 0 "no-op set after release"
has "$W/out" "no change" "release output is canonical"

# --- --valid-for and --seckey; the printed command, run as printed
"$MINISIGN" -G -W -p "$W/test key.pub" -s "$W/test key.sec" >/dev/null 2>&1 ||
    fail "minisign -G failed"
reg release --valid-for 7 --seckey "$W/test key.sec"
expect 0 "release --valid-for 7"
[ "$(top_member seq)" = 3 ] || fail "second release: seq $(top_member seq), expected 3"
issued=$(top_member issued_at)
expires=$(top_member expires_at)
t_issued=$(date -u -d "$issued" +%s)
t_expires=$(date -u -d "$expires" +%s)
[ $((t_expires - t_issued)) -eq $((7 * 86400)) ] ||
    fail "release --valid-for 7: expires_at $expires"
comment="registry_id=ca-ildc-test seq=3 issued_at=$issued expires_at=$expires blake2b=$(b2sum "$F" | cut -d' ' -f1)"
cmdline=$(grep '^minisign -S ' "$W/out")
[ -n "$cmdline" ] || fail "release printed no minisign command"
has "$W/out" "minisign -S -s '$W/test key.sec' -m $F -t '$comment'" "release command with --seckey"
# Run exactly what was printed, with the minisign under test.
( eval "\"\$MINISIGN\" ${cmdline#minisign }" ) >"$W/sign.out" 2>&1 ||
    fail "the printed minisign command failed: $(cat "$W/sign.out")"
[ -f "$F.minisig" ] || fail "no $F.minisig after signing"
"$MINISIGN" -V -p "$W/test key.pub" -m "$F" >"$W/verify.out" 2>&1 ||
    fail "minisign -V rejects the released registry: $(cat "$W/verify.out")"
has "$W/verify.out" "Trusted comment: $comment" "the signature carries the trusted comment"
has "$F.minisig" "trusted comment: $comment" "the .minisig carries the trusted comment"
# verify_as_agency: what an agency's `ploguard sync --verify` says of $F.
verify_as_agency() {
    rm -rf "$W/state" && mkdir "$W/state" || exit 99
    vrc=0
    "$PLOGUARD" sync --verify --config /dev/null --out "$F" \
        --pubkey-file "$W/test key.pub" --state-dir "$W/state" \
        >"$W/vout" 2>"$W/verr" || vrc=$?
    checks=$((checks + 1))
}
verify_as_agency
[ "$vrc" = 0 ] || fail "sync --verify refuses the release: exit $vrc: $(cat "$W/verr")"
has "$W/vout" "seq 3 verifies" "sync --verify accepts the release"

# The file verified is the file released: an edit breaks the signature,
# and the edit says so.
reg set p-0001 phones += 613-555-0152
expect 0 "edit after signing"
has "$W/err" "registry.json.minisig no longer matches" "edit after signing warns"
if "$MINISIGN" -V -p "$W/test key.pub" -m "$F" >/dev/null 2>&1; then
    fail "minisign accepted an edited registry"
fi
checks=$((checks + 1))
# Signed again with the command printed for the release, the edited file
# would be a second content under seq 3: minisign takes it (the comment is
# only text to it), every agency refuses it.
( eval "\"\$MINISIGN\" ${cmdline#minisign }" ) >"$W/sign.out" 2>&1 ||
    fail "the printed minisign command failed on the edit: $(cat "$W/sign.out")"
"$MINISIGN" -V -p "$W/test key.pub" -m "$F" >/dev/null 2>&1 ||
    fail "minisign -V refuses the edit signed again (the test expects it to verify)"
checks=$((checks + 1))
verify_as_agency
[ "$vrc" = 4 ] || fail "sync --verify: the edit signed with the release's comment: exit $vrc, expected 4"
has "$W/verr" "changed after 'ploguard registry release'" "sync --verify says why"
# A release does not warn about the stale signature: it says how to sign.
reg release
expect 0 "release after an edit"
hasnt "$W/err" "no longer matches" "release does not warn about the old signature"
has "$W/out" "seq=4 " "release after an edit: seq 4"

# --- errors: nothing written
bad 2 "release --valid-for 0" release --valid-for 0
has "$W/err" "give 1 to 366 days" "release --valid-for 0"
bad 2 "release --valid-for junk" release --valid-for 3x
bad 2 "release --valid-for 367" release --valid-for 367
bad 2 "release with an operand" release now
sed 's/"registry_id": "ca-ildc-test"/"registry_id": "ca ildc test"/' "$F" >"$W/spaced"
cp "$W/spaced" "$F"
bad 2 "release of a registry id with blanks" release
has "$W/err" "trusted comment" "release of a registry id with blanks"
sed 's/"registry_id": "ca ildc test"/"registry_id": "_ca-ildc-test"/' "$F" >"$W/under"
cp "$W/under" "$F"
bad 2 "release of a registry id with '_' first" release
has "$W/err" "a letter or digit first" "... the signed feed's rule"
sed 's/"registry_id": "_ca-ildc-test"/"registry_id": "ca-ildc-test"/' "$F" >"$W/fixed"
cp "$W/fixed" "$F"
sed 's/"seq": [0-9]*/"seq": 999999999999999999/' "$F" >"$W/bigseq"
cp "$W/bigseq" "$F"
bad 2 "release past the signed feed's 18-digit seq" release
has "$W/err" "18 digits" "... says why"
cp "$W/fixed" "$F"
# An invalid registry is not released (a reference to nothing).
sed 's/"mission": "m-ott"/"mission": "m-gone"/' "$F" >"$W/broken"
cp "$W/broken" "$F"
bad 2 "release of an invalid registry" release
has "$W/err" '.mission: "m-gone" is not the id of any mission' "release of an invalid registry: path"
has "$W/err" "registry.json: not changed" "release of an invalid registry: not changed"
printf '{"format": "ploguard-registry/1", "registry_id": "x", "seq": "one"}\n' >"$F"
bad 2 "release with a non-integer seq" release
has "$W/err" "seq: not an integer" "release with a non-integer seq"
reg release --file "$R/missing.json"
expect 2 "release of a missing file"
[ ! -e "$R/missing.json" ] || fail "release created a missing file"

finish
