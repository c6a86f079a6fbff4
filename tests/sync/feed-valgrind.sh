#!/bin/sh
# feed-valgrind.sh - libpgrfeed and `ploguard sync` leak nothing and make no
# memory error, on success, 304, unchanged-200 and failure paths
# (valgrind memcheck).
# Port: 29530.  Skipped when valgrind is missing.
. "$top_srcdir/tests/sync/common.sh"
VALGRIND=${VALGRIND:-valgrind}
command -v "$VALGRIND" >/dev/null 2>&1 || { echo "SKIP: no valgrind"; exit 77; }
# An AddressSanitizer build cannot run under valgrind; ASan checks it there.
if ldd "$top_builddir/resolver/ploguard" 2>/dev/null | grep -q libasan; then
    echo "SKIP: ploguard is built with AddressSanitizer"
    exit 77
fi
VG="$VALGRIND -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect"

PORT=29530
start_feed $PORT

# vg_sync NAME WANT_RC [options...]
vg_sync() {
    name=$1 want=$2
    shift 2
    $VG "$PLOGUARD" sync --config /dev/null --cacert "$T/pki/ca.crt" \
        --state-dir "$T/state" --out "$T/inst/registry.json" --timeout 60 "$@" \
        >"$T/vg.out" 2>"$T/vg.err"
    rc=$?
    if [ $rc -eq "$want" ]; then
        ok "valgrind: $name (exit $rc)"
    else
        fail "valgrind: $name: exit $rc, want $want: $(cat "$T/vg.out" "$T/vg.err")"
    fi
}

if $VG "$top_builddir/tests/sync/test_feed" >"$T/unit.out" 2>&1; then
    ok "valgrind: test_feed"
else
    fail "valgrind: test_feed: $(tail -n 30 "$T/unit.out")"
fi
publish 1
vg_sync "first install" 0 --url "$URL" $MAIN
publish 2 --add-person vg-person-1 --drop-person ma-lin
vg_sync "update" 0 --url "$URL" $MAIN
vg_sync "304" 0 --url "$URL" $MAIN
vg_sync "200, the installed signature" 0 \
    --url "https://127.0.0.1:$PORT/noetag/registry.json" $MAIN
vg_sync "--verify" 0 --verify $MAIN
vg_sync "404" 3 --url "https://127.0.0.1:$PORT/status/404/registry.json" $MAIN
publish 3
sign "$T/www/registry.json" main "$(sed 's/seq=3/seq=4/' "$T/comment")"
vg_sync "comment disagrees" 4 --url "$URL" $MAIN
publish 1
vg_sync "rollback" 5 --url "$URL" $MAIN
publish 3 --invalid
vg_sync "invalid registry" 6 --url "$URL" $MAIN
vg_sync "bad key" 2 --url "$URL" --pubkey nonsense
finish
