# lib.sh - shared by the tests/cli/*.sh tests (sourced, not run).
#
# Runs the built ploguard ($top_builddir) on data from the source tree
# ($top_srcdir); writes only under a private mktemp -d directory.
# Exit codes follow automake: 0 pass, 1 fail, 77 skip, 99 hard error.

: "${top_srcdir:?top_srcdir must be set (run through make check)}"
: "${top_builddir:?top_builddir must be set (run through make check)}"

PLOGUARD=$top_builddir/resolver/ploguard
SAMPLE=$top_srcdir/data/registry.sample.json
CLI_TESTS=$top_srcdir/tests/cli

if [ ! -x "$PLOGUARD" ]; then
    echo "no $PLOGUARD: build it first" >&2
    exit 99
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "python3 not found: skipping" >&2
    exit 77
fi
if [ ! -f "$SAMPLE" ]; then
    echo "no sample registry $SAMPLE" >&2
    exit 99
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ploguard-cli.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' HUP INT TERM

# Run a private copy: a parallel build relinking the program in the shared
# build tree must not pull it from under a running test.
cp "$PLOGUARD" "$tmp/ploguard" || exit 99
PLOGUARD=$tmp/ploguard

# The compiled-in default must not leak in from the caller's environment.
unset PLOGUARD_REGISTRY

failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# run STATUS ARG...: runs ploguard ARG..., expecting exit STATUS;
# stdout goes to $tmp/out, stderr to $tmp/err.
run() {
    want=$1
    shift
    "$PLOGUARD" "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" != "$want" ]; then
        fail "ploguard $*: exit $got, expected $want"
        sed 's/^/    stdout: /' "$tmp/out" | head -n 20 >&2
        sed 's/^/    stderr: /' "$tmp/err" | head -n 20 >&2
    fi
}

# out_has TEXT / err_has TEXT / out_lacks TEXT / err_lacks TEXT: fixed-string
# checks on the last run's output.
out_has() {
    grep -F -q -e "$1" "$tmp/out" || fail "stdout of the last run lacks \"$1\""
}
err_has() {
    grep -F -q -e "$1" "$tmp/err" || fail "stderr of the last run lacks \"$1\""
}
out_lacks() {
    if grep -F -q -e "$1" "$tmp/out"; then
        fail "stdout of the last run has \"$1\""
    fi
}
err_lacks() {
    if grep -F -q -e "$1" "$tmp/err"; then
        fail "stderr of the last run has \"$1\""
    fi
}
out_empty() {
    [ ! -s "$tmp/out" ] || fail "stdout of the last run is not empty"
}

# jcheck EXPR...: each Python expression must hold of the last run's JSON
# output (d), with the registry given by $JREG (r) for reference.
jcheck() {
    python3 "$CLI_TESTS/jcheck.py" "$tmp/out" "${JREG:-$SAMPLE}" "$@" ||
        fail "JSON check (see above)"
}

# Writes shell assignments describing the registry $1 (see sample.py).
describe_registry() {
    python3 "$CLI_TESTS/sample.py" describe "$1" >"$tmp/facts.sh" || exit 99
    . "$tmp/facts.sh"
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    exit 0
}
