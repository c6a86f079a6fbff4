# common.sh - helpers for the ploguard sync tests (sourced, POSIX sh).
# Needs: top_srcdir, top_builddir (from make check), MINISIGN, OPENSSL,
# python3.  Everything lives in one temporary directory, removed at exit;
# servers are killed by pid file.

: "${top_srcdir:?run from make check (top_srcdir unset)}"
: "${top_builddir:?run from make check (top_builddir unset)}"
MINISIGN=${MINISIGN:-minisign}
OPENSSL=${OPENSSL:-openssl}
PYTHON=${PYTHON:-python3}
PLOGUARD=${PLOGUARD:-$top_builddir/resolver/ploguard}
SAMPLE=$top_srcdir/data/registry.sample.json
HERE=$top_srcdir/tests/sync

for tool in "$MINISIGN" "$OPENSSL" "$PYTHON"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool not found"
        exit 77
    fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/ploguard-sync.XXXXXX") || exit 99
SERVERS=
FAILED=0

cleanup() {
    for pf in $SERVERS; do
        if [ -s "$pf" ]; then
            kill "$(cat "$pf")" 2>/dev/null
        fi
    done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 99' INT TERM HUP

fail() {
    echo "FAIL: $*"
    FAILED=$((FAILED + 1))
}

ok() {
    echo "ok - $*"
}

# A test CA and a server certificate for 127.0.0.1.
make_pki() {
    mkdir -p "$T/pki"
    (
        cd "$T/pki" || exit 1
        "$OPENSSL" req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
            -keyout ca.key -out ca.crt -days 2 -subj "/CN=ploguard test CA" \
            -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null &&
        "$OPENSSL" req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
            -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null &&
        printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > ext.cnf &&
        "$OPENSSL" x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
            -out server.crt -days 2 -extfile ext.cnf 2>/dev/null &&
        # A second, unrelated CA: its bundle must not be accepted.
        "$OPENSSL" req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
            -keyout other.key -out other.crt -days 2 -subj "/CN=other CA" 2>/dev/null &&
        # The server key's pin, as curl --pinnedpubkey takes it.
        printf 'sha256//%s\n' "$("$OPENSSL" pkey -in server.key -pubout -outform DER 2>/dev/null |
            "$OPENSSL" dgst -sha256 -binary | "$OPENSSL" base64 -A)" > pin
    ) || { echo "ERROR: cannot make the test PKI"; exit 99; }
}

# start_server NAME PORT [feedserver options...]: runs feedserver.py on
# PORT, or PORT+100 or PORT+200 ($PORT_STEP, default 100) when it is taken (another make check in the
# same tree), waits (bounded) until it listens, and sets SERVER_PORT.
start_server() {
    name=$1 base_port=$2
    shift 2
    pf=$T/$name.pid
    SERVERS="$SERVERS $pf"
    step=${PORT_STEP:-100}
    for port in $base_port $((base_port + step)) $((base_port + 2 * step)); do
        rm -f "$pf"
        "$PYTHON" "$HERE/feedserver.py" --port "$port" --log "$T/$name.log" \
            --pidfile "$pf" --lifetime 600 "$@" >"$T/$name.out" 2>&1 &
        spid=$!
        i=0
        while [ ! -s "$pf" ] && [ $i -lt 100 ] && kill -0 $spid 2>/dev/null; do
            sleep 0.1
            i=$((i + 1))
        done
        if [ -s "$pf" ]; then
            SERVER_PORT=$port
            return 0
        fi
        grep -q 'Address already in use' "$T/$name.out" || break
    done
    echo "ERROR: test server $name did not start:"
    cat "$T/$name.out"
    exit 99
}

# start_feed PORT [feedserver options...]: the test PKI, the signing key
# "main", and the feed server over $T/www; sets PORT (the port taken), URL
# (the registry's) and MAIN (the options naming key "main").
start_feed() {
    make_pki
    make_key main
    mkdir -p "$T/www" "$T/inst"
    _port=$1
    shift
    start_server feed "$_port" --root "$T/www" --cert "$T/pki/server.crt" \
        --key "$T/pki/server.key" "$@"
    PORT=$SERVER_PORT
    URL=https://127.0.0.1:$PORT/registry.json
    MAIN="--pubkey-file $T/main.pub"
}

# make_key NAME: a minisign key pair without password, $T/NAME.pub/.sec
make_key() {
    "$MINISIGN" -G -W -f -p "$T/$1.pub" -s "$T/$1.sec" >/dev/null 2>&1 ||
        { echo "ERROR: minisign -G failed"; exit 99; }
}

# pubkey NAME: the base64 key line of NAME.pub
pubkey() {
    sed -n 2p "$T/$1.pub"
}

# sign FILE KEYNAME COMMENT [-l]: writes FILE.minisig
sign() {
    "$MINISIGN" -S -s "$T/$2.sec" -m "$1" -x "$1.minisig" -t "$3" $4 >/dev/null 2>&1 ||
        { echo "ERROR: minisign -S failed for $1"; exit 99; }
}

# publish SEQ [mkreg options...]: builds registry SEQ, signs it with key
# "main", puts it in $T/www/registry.json(.minisig).  The trusted comment is
# left in $T/comment.
publish() {
    seq=$1
    shift
    mkdir -p "$T/www"
    "$PYTHON" "$HERE/mkreg.py" "$SAMPLE" "$T/www/registry.json" --id test-feed \
        --seq "$seq" --issued -60 --expires +86400 "$@" > "$T/comment" ||
        { echo "ERROR: mkreg.py failed"; exit 99; }
    sign "$T/www/registry.json" main "$(cat "$T/comment")"
}

# run_sync [extra options...]: ploguard sync against the test feed; sets RC,
# OUT (stdout) and ERR (stderr).
run_sync() {
    "$PLOGUARD" sync --config /dev/null --cacert "$T/pki/ca.crt" \
        --state-dir "$T/state" --out "$T/inst/registry.json" \
        --connect-timeout 2 --timeout 5 "$@" >"$T/stdout" 2>"$T/stderr"
    RC=$?
    OUT=$(cat "$T/stdout")
    ERR=$(cat "$T/stderr")
}

# snapshot: remember the installed registry, to compare after a failure.
snapshot() {
    cp "$T/inst/registry.json" "$T/snap.json"
    cp "$T/inst/registry.json.minisig" "$T/snap.minisig"
}

# expect_fail NAME RC PATTERN: the last run_sync failed with exit RC, said
# one line matching PATTERN (grep -E) on stderr, printed nothing on stdout,
# and left the installed registry and signature byte for byte unchanged.
expect_fail() {
    good=1
    if [ "$RC" != "$2" ]; then
        fail "$1: exit $RC, want $2 ($ERR)"
        good=0
    fi
    if [ "$(printf '%s\n' "$ERR" | wc -l)" -ne 1 ] || ! printf '%s\n' "$ERR" | grep -Eq -e "$3"; then
        fail "$1: stderr \"$ERR\" is not one line matching /$3/"
        good=0
    fi
    if [ -n "$OUT" ]; then
        fail "$1: unexpected output \"$OUT\""
        good=0
    fi
    if ! cmp -s "$T/snap.json" "$T/inst/registry.json" ||
       ! cmp -s "$T/snap.minisig" "$T/inst/registry.json.minisig"; then
        fail "$1: the installed registry changed"
        good=0
    fi
    if ls "$T/inst" | grep -q '\.tmp\.'; then
        fail "$1: left a temporary file in $T/inst"
        good=0
    fi
    [ $good -eq 1 ] && ok "$1: $ERR"
}

# fingerprint DIR...: one line per directory and per file in it (not
# recursive): name, size, inode, mtime and ctime to the nanosecond, SHA-256.
# Two equal fingerprints mean nothing there was written, renamed, created
# or removed in between.
fingerprint() {
    for d in "$@"; do
        stat -c '%n %i %.9Y %.9Z' "$d"
        find "$d" -mindepth 1 -maxdepth 1 | LC_ALL=C sort | while IFS= read -r f; do
            if [ -f "$f" ]; then
                printf '%s %s\n' "$(stat -c '%n %s %i %.9Y %.9Z' "$f")" \
                    "$(sha256sum < "$f" | cut -d ' ' -f 1)"
            else
                stat -c '%n %F %i %.9Y %.9Z' "$f"
            fi
        done
    done
}

finish() {
    if [ "$FAILED" -ne 0 ]; then
        echo "$FAILED check(s) failed"
        exit 1
    fi
    exit 0
}
