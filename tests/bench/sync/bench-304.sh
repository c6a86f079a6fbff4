#!/bin/sh
# bench-304.sh - wall time of `ploguard sync` when the feed is unchanged
# (one HTTPS request answered 304), against tests/sync/feedserver.py on
# 127.0.0.1:29910 serving the benchmark registry.  Goal: <= 50 ms.
#   bench-304.sh REGISTRY SIGNATURE PUBKEY_FILE RUNS
. "$top_srcdir/tests/sync/common.sh"
reg=$1 sig=$2 pub=$3 runs=${4:-20}
PORT=29910
make_pki
mkdir -p "$T/www" "$T/inst"
cp "$reg" "$T/www/registry.json"
cp "$sig" "$T/www/registry.json.minisig"
PORT_STEP=10 start_server bench $PORT --root "$T/www" --cert "$T/pki/server.crt" --key "$T/pki/server.key"
URL=https://127.0.0.1:$SERVER_PORT/registry.json
s=$(date +%s%N)
run_sync --url "$URL" --pubkey-file "$pub" --timeout 60
e=$(date +%s%N)
echo "bench-304: first sync (download, verify, validate, install): $(( (e - s) / 1000000 )) ms"
[ $RC -eq 0 ] || { echo "bench-304: first sync failed: $ERR"; exit 1; }
echo "bench-304: $(printf '%s\n' "$OUT" | head -n 1)"
i=0
: > "$T/times"
while [ $i -lt "$runs" ]; do
    s=$(date +%s%N)
    run_sync --url "$URL" --pubkey-file "$pub"
    e=$(date +%s%N)
    [ $RC -eq 0 ] && printf '%s\n' "$OUT" | grep -q 'unchanged (HTTP 304)' ||
        { echo "bench-304: not a 304: $OUT $ERR"; exit 1; }
    echo $(( (e - s) / 1000 )) >> "$T/times"
    i=$((i + 1))
done
# The same conditional request made by curl(1), as a baseline for what the
# server and the TLS handshake cost on this machine, and ploguard's start-up.
etag=$(sed -n 's/^etag //p' "$T/state/http-cache")
i=0
: > "$T/curl" ; : > "$T/start"
while [ $i -lt "$runs" ]; do
    s=$(date +%s%N)
    curl -s -o /dev/null --cacert "$T/pki/ca.crt" -H "If-None-Match: $etag" "$URL"
    e=$(date +%s%N)
    echo $(( (e - s) / 1000 )) >> "$T/curl"
    s=$(date +%s%N)
    "$PLOGUARD" --version >/dev/null
    e=$(date +%s%N)
    echo $(( (e - s) / 1000 )) >> "$T/start"
    i=$((i + 1))
done
summary() {
    sort -n "$1" | awk -v n="$runs" -v what="$2" '
    { t[NR] = $1 }
    END { printf "%s, %d runs: median %.1f ms, min %.1f ms, max %.1f ms\n",
                 what, n, t[int((n + 1) / 2)] / 1000, t[1] / 1000, t[n] / 1000 }'
}
summary "$T/curl" "baseline: curl(1), same conditional request"
summary "$T/start" "baseline: ploguard --version (process start)"
sort -n "$T/times" | awk -v n="$runs" '
    { t[NR] = $1 }
    END { printf "304 path, %d runs: median %.1f ms, min %.1f ms, max %.1f ms (goal <= 50 ms)\n",
                 n, t[int((n + 1) / 2)] / 1000, t[1] / 1000, t[n] / 1000 }'
