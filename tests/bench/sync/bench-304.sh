#!/bin/sh
# bench-304.sh - wall time of `ploguard sync` when the feed is unchanged
# (one HTTPS request answered 304), against tests/sync/feedserver.py on
# 127.0.0.1:29910 serving the benchmark registry.  Goal: <= 50 ms.
#
#   bench-304.sh REGISTRY SIGNATURE PUBKEY_FILE RUNS
#
# Each round runs, one after the other so that they share the machine's
# state: `ploguard sync` (a 304), the same conditional request made by
# curl(1) (what one TLS handshake and request cost here), and `ploguard
# --version` (process start, the floor).  Times come from walltime
# (CLOCK_MONOTONIC around fork/exec/wait); each line reports the median and
# [min-max] of RUNS rounds.  WALLTIME names the helper (default: the one
# built beside this script).
. "$top_srcdir/tests/sync/common.sh"
reg=$1 sig=$2 pub=$3 runs=${4:-30}
WALLTIME=${WALLTIME:-$top_builddir/tests/bench/sync/walltime}
CURL=${CURL:-curl}
PORT=29910

case $runs in
    '' | *[!0-9]*) echo "bench-304: RUNS must be a number"; exit 2 ;;
esac
[ "$runs" -ge 1 ] || { echo "bench-304: RUNS must be at least 1"; exit 2; }
[ -x "$WALLTIME" ] || { echo "bench-304: no walltime helper at $WALLTIME"; exit 2; }
command -v "$CURL" >/dev/null 2>&1 || { echo "bench-304: no curl"; exit 2; }

make_pki
mkdir -p "$T/www" "$T/inst"
cp "$reg" "$T/www/registry.json"
cp "$sig" "$T/www/registry.json.minisig"
PORT_STEP=10 start_server bench $PORT --root "$T/www" --cert "$T/pki/server.crt" --key "$T/pki/server.key"
URL=https://127.0.0.1:$SERVER_PORT/registry.json
SIGURL=$URL.minisig

# sync_304: one `ploguard sync` of the installed feed, timed into $T/sync.
sync_304() {
    "$WALLTIME" "$T/sync" "$PLOGUARD" sync --config /dev/null --cacert "$T/pki/ca.crt" \
        --state-dir "$T/state" --out "$T/inst/registry.json" --connect-timeout 2 \
        --timeout 5 --url "$URL" --pubkey-file "$pub" >"$T/stdout" 2>"$T/stderr" &&
        grep -q 'unchanged (HTTP 304)' "$T/stdout" ||
        { echo "bench-304: not a 304: $(cat "$T/stdout" "$T/stderr")"; exit 1; }
}

# curl_304: the same conditional request (same validators) by curl(1).
curl_304() {
    "$WALLTIME" "$T/curl" "$CURL" -s -o /dev/null -w '%{http_code}' --cacert "$T/pki/ca.crt" \
        -H "If-None-Match: $etag" -H "If-Modified-Since: $lastmod" "$SIGURL" >"$T/code" &&
        [ "$(cat "$T/code")" = 304 ] ||
        { echo "bench-304: curl did not get a 304: $(cat "$T/code")"; exit 1; }
}

# summary FILE WHAT: "WHAT: median M ms [MIN-MAX]" of the times in FILE.
summary() {
    sort -n "$1" | awk -v what="$2" '
        { t[NR] = $1 / 1000 }
        END {
            m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
            printf "  %-46s median %6.1f ms  [%.1f-%.1f], %d runs\n", what, m, t[1], t[NR], NR
        }'
}

"$WALLTIME" "$T/first" "$PLOGUARD" sync --config /dev/null --cacert "$T/pki/ca.crt" \
    --state-dir "$T/state" --out "$T/inst/registry.json" --timeout 60 --url "$URL" \
    --pubkey-file "$pub" >"$T/stdout" 2>"$T/stderr" ||
    { echo "bench-304: first sync failed: $(cat "$T/stderr")"; exit 1; }
echo "bench-304: $(head -n 1 "$T/stdout")"
echo "bench-304: that first sync (download, verify, validate, install): $(( $(cat "$T/first") / 1000 )) ms"
etag=$(sed -n 's/^sig_etag //p' "$T/state/http-cache")
lastmod=$(sed -n 's/^sig_last_modified //p' "$T/state/http-cache")
[ -n "$etag" ] || { echo "bench-304: no ETag stored"; exit 1; }

# One untimed round warms the page cache and the server.
sync_304
curl_304
: > "$T/sync"; : > "$T/curl"; : > "$T/start"
i=0
while [ $i -lt "$runs" ]; do
    sync_304
    curl_304
    "$WALLTIME" "$T/start" "$PLOGUARD" --version >/dev/null ||
        { echo "bench-304: ploguard --version failed"; exit 1; }
    i=$((i + 1))
done
echo "bench-304: $(nproc) CPUs, load average $(cut -d ' ' -f 1-3 /proc/loadavg) at the end"
summary "$T/sync" "ploguard sync, unchanged feed (goal <= 50 ms)"
summary "$T/curl" "curl(1), the same conditional request"
summary "$T/start" "ploguard --version (process start)"
