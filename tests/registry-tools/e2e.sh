#!/bin/sh
# End to end, as the ILDC and an agency would do it:
#   init -> add organization, mission, person -> release -> sign with the
#   real minisign (the command release printed) -> minisign -V -> serve over
#   HTTPS on 127.0.0.1 (openssl s_server, a test CA made here) -> ploguard
#   sync -> ploguard lookup finds the new person by phone and e-mail.
# Then a second release (one person retired, one added) goes the same way.
# Ports: 29800-29899 (the cli range).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/registry-tools/common.sh"

for tool in "$MINISIGN" "$OPENSSL"; do
    if [ -z "$tool" ] || ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: minisign or openssl not found" >&2
        exit 77
    fi
done
if "$PLOGUARD" sync --help 2>&1 | grep -q "not implemented"; then
    echo "SKIP: ploguard sync is not implemented yet" >&2
    exit 77
fi

WWW=$T/www
INST=$T/inst
mkdir "$WWW" "$INST" "$T/pki" "$T/state" || exit 99

# --- the ILDC side: a registry made with the tools only
reg init --id ca-ildc-e2e
expect 0 "init"
reg add organization --id o-mps --name "Example Ministry of Public Security" \
    --country CN --domain mps.example.test --instruction decline
expect 0 "add organization"
reg add mission --id m-ott --name "Example Embassy in Ottawa" --country CN \
    --city Ottawa --organization o-mps --phone 613-555-0140 \
    --email consular@embassy.example.test --instruction decline
expect 0 "add mission"
reg add person --id p-0101 --role plo --family ZHAO --given Wenjun \
    --mission m-ott --phone "+1 613 555 0175" --email zhao.wenjun@example.org \
    --accredited-from 2026-01-05
expect 0 "add person"

"$MINISIGN" -G -W -p "$T/ildc.pub" -s "$T/ildc.sec" >/dev/null 2>&1 ||
    { echo "ERROR: minisign -G failed" >&2; exit 99; }

# release_and_sign: runs release, then exactly the printed minisign command,
# then verifies the result with minisign -V.  Publishes both files.
release_and_sign() {
    reg release --valid-for 14 --seckey "$T/ildc.sec"
    expect 0 "release"
    cmdline=$(grep '^minisign -S ' "$W/out")
    if [ -z "$cmdline" ]; then
        fail "release printed no minisign command"
        return
    fi
    ( eval "\"\$MINISIGN\" ${cmdline#minisign }" ) >"$W/sign.out" 2>&1 ||
        fail "the printed minisign command failed: $(cat "$W/sign.out")"
    "$MINISIGN" -V -p "$T/ildc.pub" -m "$F" >"$W/verify.out" 2>&1 ||
        fail "minisign -V rejects the release: $(cat "$W/verify.out")"
    cp "$F" "$F.minisig" "$WWW/" || exit 99
}

release_and_sign
checks=$((checks + 1))

# --- the HTTPS server: a test CA, a certificate for 127.0.0.1
(
    cd "$T/pki" || exit 1
    "$OPENSSL" req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout ca.key -out ca.crt -days 1 -subj "/CN=ploguard e2e test CA" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" &&
    "$OPENSSL" req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout server.key -out server.csr -subj "/CN=127.0.0.1" &&
    printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >ext.cnf &&
    "$OPENSSL" x509 -req -in server.csr -CA ca.crt -CAkey ca.key \
        -CAcreateserial -out server.crt -days 1 -extfile ext.cnf
) >"$T/pki/log" 2>&1 || { echo "ERROR: test PKI: $(cat "$T/pki/log")" >&2; exit 99; }

server_pid=
stop_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
        server_pid=
    fi
}
cleanup_hooks="stop_server"

# Tries ports of the range until one serves; bounded.
port=
for p in 29871 29872 29873 29874 29875 29876 29877 29878; do
    (cd "$WWW" && exec "$OPENSSL" s_server -quiet -WWW -accept "127.0.0.1:$p" \
        -cert "$T/pki/server.crt" -key "$T/pki/server.key") \
        >"$T/server.log" 2>&1 &
    server_pid=$!
    i=0
    while [ $i -lt 50 ]; do
        if ! kill -0 "$server_pid" 2>/dev/null; then
            break                        # exited: port taken
        fi
        if "$OPENSSL" s_client -connect "127.0.0.1:$p" -CAfile "$T/pki/ca.crt" \
                </dev/null >/dev/null 2>&1; then
            port=$p
            break
        fi
        sleep 0.1
        i=$((i + 1))
    done
    [ -n "$port" ] && break
    stop_server
done
if [ -z "$port" ]; then
    echo "ERROR: no HTTPS test server could start: $(cat "$T/server.log")" >&2
    exit 99
fi
URL=https://127.0.0.1:$port/registry.json

# --- the agency side
sync_it() {
    rc=0
    "$PLOGUARD" sync --config /dev/null --url "$URL" \
        --pubkey-file "$T/ildc.pub" --cacert "$T/pki/ca.crt" \
        --state-dir "$T/state" --out "$INST/registry.json" \
        --connect-timeout 5 --timeout 20 >"$W/out" 2>"$W/err" || rc=$?
}

lookup() {
    rc=0
    "$PLOGUARD" lookup --registry "$INST/registry.json" --json "$@" \
        >"$W/out" 2>"$W/err" || rc=$?
}

sync_it
expect 0 "first sync"
cmp -s "$F" "$INST/registry.json" || fail "the synced registry is not the released one"
checks=$((checks + 1))

lookup --phone "613-555-0175"
expect 0 "lookup of the new person by phone"
has "$W/out" '"p-0101"' "lookup by phone finds p-0101"
has "$W/out" '"verdict": "match"' "lookup by phone: verdict match"
lookup --phone "+1 (613) 555-0175"
expect 0 "lookup by phone, another spelling"
lookup --email "Zhao.Wenjun@Example.org"
expect 0 "lookup of the new person by e-mail"
has "$W/out" '"p-0101"' "lookup by e-mail finds p-0101"
lookup --phone "613-555-0199"
expect 1 "lookup of an unregistered number"
hasnt "$W/out" '"p-0101"' "an unregistered number finds nobody"

# --- the next release: p-0101 leaves, p-0102 arrives
reg retire p-0101 --date 2026-11-20
expect 0 "retire p-0101"
reg add person --id p-0102 --role diplomat --name "SUN/Meilin" \
    --mission m-ott --phone "+44 20 7946 0077"
expect 0 "add p-0102"
release_and_sign
has "$F" '"seq": 3' "second release is seq 3"

sync_it
expect 0 "second sync"
cmp -s "$F" "$INST/registry.json" || fail "the second synced registry is not the released one"
checks=$((checks + 1))
lookup --phone "011 44 20 7946 0077"
expect 0 "lookup of the second new person"
has "$W/out" '"p-0102"' "lookup finds p-0102"
lookup --phone "613 555 0175"
expect 0 "a retired person still matches"
has "$W/out" '"ended"' "the retired person is reported as ended"

# An edit published without `release` keeps the old seq: signed with the
# same trusted comment it is new content under an old seq, and sync must
# refuse it (equivocation), leaving the installed registry alone.
reg set p-0102 phones += "+44 20 7946 0078"
expect 0 "edit without release"
"$MINISIGN" -S -s "$T/ildc.sec" -m "$F" \
    -t "$(sed -n 's/^trusted comment: //p' "$WWW/registry.json.minisig")" \
    >/dev/null 2>&1 || fail "re-signing the unreleased edit failed"
cp "$F" "$F.minisig" "$WWW/"
cp "$INST/registry.json" "$W/installed"
sync_it
[ "$rc" != 0 ] || fail "sync accepted new content under an old seq"
checks=$((checks + 1))
cmp -s "$W/installed" "$INST/registry.json" || fail "a refused sync changed the installed registry"
checks=$((checks + 1))

stop_server
finish
