#!/bin/sh
# feed-kill.sh - a sync killed with SIGKILL at any moment (download,
# verification, validation, installation, state update) leaves the installed
# registry whole, old or new, never a mix; the installed pair still
# verifies; and the next sync completes the update.
# Port: 29520.
. "$top_srcdir/tests/sync/common.sh"

PORT=29520
ROUNDS=20

start_feed $PORT

verify_installed() {
    "$PLOGUARD" sync --config /dev/null --verify $MAIN --state-dir "$T/state" \
        --out "$T/inst/registry.json" >"$T/verify.out" 2>&1
}

# The old registry (seq 1), installed; the new one (seq 2) large enough
# that verifying, validating and installing it take a while.
publish 1 --people 1500
run_sync --url "$URL" $MAIN
[ $RC -eq 0 ] || { echo "ERROR: initial install failed: $ERR"; exit 99; }
cp "$T/inst/registry.json" "$T/old.json"
cp "$T/inst/registry.json.minisig" "$T/old.minisig"
cp -R "$T/state" "$T/old.state"
publish 2 --people 1800
cp "$T/www/registry.json" "$T/new.json"

# How long a whole sync takes here, to spread the kills over it.
cp -R "$T/state" "$T/tmp.state"
mkdir -p "$T/probe"
cp "$T/old.json" "$T/probe/registry.json"
cp "$T/old.minisig" "$T/probe/registry.json.minisig"
start=$(date +%s%N)
run_sync --url "$URL" $MAIN --state-dir "$T/tmp.state" --out "$T/probe/registry.json"
end=$(date +%s%N)
[ $RC -eq 0 ] || { echo "ERROR: probe sync failed: $ERR"; exit 99; }
span=$(( (end - start) / 1000000 ))
[ $span -ge 10 ] || span=10
echo "# a whole sync takes ${span} ms; killing at $ROUNDS points across twice that"

i=0
olds=0
news=0
while [ $i -lt $ROUNDS ]; do
    # Back to the old state each round.
    cp "$T/old.json" "$T/inst/registry.json"
    cp "$T/old.minisig" "$T/inst/registry.json.minisig"
    rm -rf "$T/state"
    cp -R "$T/old.state" "$T/state"
    delay_ms=$(( i * 2 * span / ROUNDS ))
    "$PLOGUARD" sync --config /dev/null --cacert "$T/pki/ca.crt" --state-dir "$T/state" \
        --out "$T/inst/registry.json" --timeout 20 --url "$URL" $MAIN >/dev/null 2>&1 &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    kill -KILL $pid 2>/dev/null
    wait $pid 2>/dev/null
    if cmp -s "$T/inst/registry.json" "$T/old.json"; then
        olds=$((olds + 1))
    elif cmp -s "$T/inst/registry.json" "$T/new.json"; then
        news=$((news + 1))
    else
        fail "round $i (kill at ${delay_ms} ms): the installed registry is neither old nor new"
    fi
    if ! verify_installed; then
        fail "round $i (kill at ${delay_ms} ms): installed pair does not verify: $(cat "$T/verify.out")"
    fi
    # The next sync finishes the job and cleans up after the killed one.
    run_sync --url "$URL" $MAIN
    if [ $RC -ne 0 ] || ! cmp -s "$T/inst/registry.json" "$T/new.json"; then
        fail "round $i: the sync after the kill did not complete: rc $RC $ERR"
    fi
    if ls "$T/inst" | grep -Eq '\.(tmp|prev)\.'; then
        fail "round $i: temporary files left after a complete sync: $(ls "$T/inst")"
    fi
    i=$((i + 1))
done
ok "killed $ROUNDS syncs: $olds left the old registry, $news the new one, none a mix"
finish
