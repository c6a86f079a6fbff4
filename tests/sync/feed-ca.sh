#!/bin/sh
# feed-ca.sh - which certificate authorities `ploguard sync` trusts.
# With --cacert FILE, that file and nothing else: an unrelated CA makes the
# sync fail with the network exit status (3), the installed registry and the
# state untouched, and (seen with strace, when it can run) the system CA
# store is not even looked at.  Without --cacert, the system store: the
# test CA is not in it, so the same sync fails, saying so.
# Port: 29540.
. "$top_srcdir/tests/sync/common.sh"

PORT=29540
start_feed $PORT

# The system store this build trusts by default (configure --with-ca-path).
CA_PATH=$(sed -n 's/^#define PGR_CA_PATH "\(.*\)"$/\1/p' "$top_builddir/config.h")
CA_BUNDLE=$(sed -n 's/^#define PGR_CA_BUNDLE "\(.*\)"$/\1/p' "$top_builddir/config.h")
[ -n "$CA_PATH" ] && [ -n "$CA_BUNDLE" ] || { echo "ERROR: no PGR_CA_PATH in config.h"; exit 99; }

STRACE=${STRACE:-strace}
if command -v "$STRACE" >/dev/null 2>&1 && "$STRACE" -o /dev/null true 2>/dev/null; then
    have_strace=1
else
    have_strace=0
fi

# files_seen OUT [sync options...]: runs ploguard sync (no --cacert of its
# own) under strace; OUT gets every path it opened or looked at.
files_seen() {
    out=$1
    shift
    "$STRACE" -f -qq -e trace=open,openat,stat,lstat,newfstatat,statx,access,faccessat,faccessat2 \
        -o "$T/strace" "$PLOGUARD" sync --config /dev/null --state-dir "$T/state" \
        --out "$T/inst/registry.json" --connect-timeout 2 --timeout 5 --url "$URL" $MAIN \
        "$@" >/dev/null 2>&1
    sed -n 's/^[0-9]* *[a-z0-9]*([^"]*"\([^"]*\)".*/\1/p' "$T/strace" > "$out"
}

publish 1
run_sync --url "$URL" $MAIN
[ $RC -eq 0 ] || { echo "ERROR: first install failed: $ERR"; exit 99; }
snapshot
cp "$T/state/test-feed.state" "$T/snap.state"

# ---------------------------------------- --cacert: that file, nothing else
publish 2
run_sync --url "$URL" $MAIN --cacert "$T/pki/other.crt"
expect_fail "--cacert of an unrelated CA" 3 "server certificate not trusted by --cacert $T/pki/other.crt"
cmp -s "$T/snap.state" "$T/state/test-feed.state" ||
    fail "--cacert of an unrelated CA: the state changed"

if [ $have_strace -eq 1 ]; then
    files_seen "$T/seen" --cacert "$T/pki/other.crt"
    if ! grep -q "^$T/pki/other.crt\$" "$T/seen"; then
        fail "--cacert: strace shows no access to $T/pki/other.crt (strace output unusable?)"
    elif grep -q "^$CA_PATH\(/\|\$\)\|^$CA_BUNDLE\$" "$T/seen"; then
        fail "--cacert: the system CA store was consulted too: $(grep "^$CA_PATH" "$T/seen" | sort -u | tr '\n' ' ')"
    else
        ok "--cacert: only that file is read, nothing under $CA_PATH"
    fi
else
    echo "# strace cannot run here: not checking which files are read"
fi

# ------------------------------------------------- default: the system store
"$PLOGUARD" sync --config /dev/null --state-dir "$T/state" --out "$T/inst/registry.json" \
    --connect-timeout 2 --timeout 5 --url "$URL" $MAIN >"$T/stdout" 2>"$T/stderr"
RC=$?
OUT=$(cat "$T/stdout")
ERR=$(cat "$T/stderr")
expect_fail "no --cacert: the test CA is not a system CA" 3 \
    "server certificate not trusted by the system CA store $CA_PATH"

if [ $have_strace -eq 1 ] && [ -d "$CA_PATH" ]; then
    files_seen "$T/seen"
    if grep -q "^$CA_PATH/[0-9a-f]\{8\}\.[0-9]*\$" "$T/seen" && ! grep -q "^$CA_BUNDLE\$" "$T/seen"; then
        ok "no --cacert: the hashed directory $CA_PATH is searched, the bundle not parsed"
    else
        fail "no --cacert: expected lookups in $CA_PATH and no $CA_BUNDLE: $(grep "^$CA_PATH" "$T/seen" | sort -u | tr '\n' ' ')"
    fi
fi

# ------------------------------------------------------ a --cacert unusable
run_sync --url "$URL" $MAIN --cacert "$T/no-such.pem"
expect_fail "--cacert of a missing file" 2 "--cacert $T/no-such.pem: cannot read"
run_sync --url "$URL" $MAIN --cacert "$T/pki"
expect_fail "--cacert of a directory" 2 "--cacert $T/pki: a directory"

# The right CA still works.
run_sync --url "$URL" $MAIN
if [ $RC -eq 0 ] && printf '%s\n' "$OUT" | grep -q 'seq 1 -> 2'; then
    ok "--cacert of the server's CA: $(printf '%s\n' "$OUT" | head -n 1)"
else
    fail "--cacert of the server's CA: rc $RC, out \"$OUT\", err \"$ERR\""
fi
finish
