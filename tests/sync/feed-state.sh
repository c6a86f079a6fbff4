#!/bin/sh
# feed-state.sh - ploguard sync and what it finds on disk: the lock files,
# the anti-rollback state against the installed pair (a 304 is "unchanged"
# only when the state records the installed pair), the state and --out
# directories, --verify, and where a bad setting came from.
# Port: 29550.
. "$top_srcdir/tests/sync/common.sh"

PORT=29550

make_pki
make_key main
mkdir -p "$T/www" "$T/inst"
start_server feed $PORT --root "$T/www" --cert "$T/pki/server.crt" --key "$T/pki/server.key"
PORT=$SERVER_PORT
URL=https://127.0.0.1:$PORT/registry.json
MAIN="--pubkey-file $T/main.pub"

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

finish
