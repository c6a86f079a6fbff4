# tests/registry-tools/common.sh - sourced by the `ploguard registry` tests.
#
# Under `make check` the environment gives top_srcdir, top_builddir,
# MINISIGN and OPENSSL; run by hand (sh tests/registry-tools/edit.sh from
# an in-tree build) they are worked out here.  Each test gets its own
# scratch directory, removed on exit; nothing is written to the source tree.

set -u

if [ -z "${top_srcdir:-}" ]; then
    top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
fi
top_builddir=${top_builddir:-$top_srcdir}
MINISIGN=${MINISIGN:-$(command -v minisign || true)}
OPENSSL=${OPENSSL:-$(command -v openssl || true)}

PLOGUARD=$top_builddir/resolver/ploguard
if [ ! -x "$PLOGUARD" ]; then
    echo "ERROR: $PLOGUARD not built" >&2
    exit 99
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/pgr-regtool.XXXXXX") || exit 99
cleanup_hooks=
cleanup() {
    for h in $cleanup_hooks; do "$h"; done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# $R holds the registry files (and nothing else), $W the test's own files.
R=$T/r
W=$T/w
mkdir "$R" "$W" || exit 99
F=$R/registry.json
failures=0
checks=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# reg ARGS...: runs `ploguard registry ARGS` on $F; output in $W/out, $W/err.
reg() {
    rc=0
    "$PLOGUARD" registry -f "$F" "$@" >"$W/out" 2>"$W/err" || rc=$?
}

# expect RC what: checks the exit status of the last reg.
expect() {
    checks=$((checks + 1))
    if [ "$rc" != "$1" ]; then
        fail "$2: exit $rc, expected $1"
        sed 's/^/  stdout: /' "$W/out" >&2
        sed 's/^/  stderr: /' "$W/err" >&2
    fi
}

# has FILE TEXT what: FILE contains TEXT (fixed string).
has() {
    checks=$((checks + 1))
    if ! grep -qF -- "$2" "$1"; then
        fail "$3: \"$2\" not in $(basename "$1")"
        sed 's/^/  | /' "$1" | head -n 12 >&2
    fi
}

hasnt() {
    checks=$((checks + 1))
    if grep -qF -- "$2" "$1"; then
        fail "$3: \"$2\" unexpectedly in $(basename "$1")"
    fi
}

# snapshot / unchanged what: the registry file is byte-for-byte as it was,
# and no temporary or lock file was left beside it.
snapshot() {
    cp "$F" "$W/snapshot"
    ls -A "$R" >"$W/listing"
}
unchanged() {
    checks=$((checks + 1))
    if ! cmp -s "$F" "$W/snapshot"; then
        fail "$1: the registry file changed"
    fi
    ls -A "$R" >"$W/listing2"
    if ! cmp -s "$W/listing" "$W/listing2"; then
        fail "$1: files left behind: $(ls -A "$R" | tr '\n' ' ')"
    fi
}

# bad RC what ARGS...: a failing command that must leave the file alone.
bad() {
    want=$1
    what=$2
    shift 2
    snapshot
    reg "$@"
    expect "$want" "$what"
    unchanged "$what"
}

# top_member NAME: a top-level scalar of the (canonical) registry file.
top_member() {
    sed -n "s/^  \"$1\": \"\{0,1\}\([^\"]*\)\"\{0,1\},\{0,1\}\$/\1/p" "$F"
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures failures ($checks checks)" >&2
        exit 1
    fi
    echo "all $checks checks passed"
    exit 0
}

# A small registry most tests start from: one organization, one mission,
# two people.
make_base() {
    reg init --id ca-ildc-test
    expect 0 "init"
    reg add organization --id o-mps --name "Example Ministry of Public Security" \
        --country CN --alias MPS --domain mps.example.test
    expect 0 "add organization"
    reg add mission --id m-ott --name "Example Embassy in Ottawa" --country CN \
        --city Ottawa --organization o-mps --phone 613-555-0140 \
        --phone-prefix "+1 613 555 014" --email consular@embassy.example.test \
        --domain embassy.example.test --instruction decline
    expect 0 "add mission"
    reg add person --id p-0001 --role plo --family WANG --given Lihua \
        --full "王丽华" --mission m-ott --phone "+1 (613) 555-0150" \
        --email li.wang@example.org --accredited-from 2025-01-15
    expect 0 "add person p-0001"
    reg add person --id p-0002 --role diplomat --name "CHEN/Jie" \
        --mission m-ott --phone "+44 20 7946 0012" --email chen.jie@example.org
    expect 0 "add person p-0002"
}
