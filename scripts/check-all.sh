#!/bin/sh
# The whole ploguard test suite, as CI runs it:
#   1. normal build in _build:    make check (unit, command, integration
#      against the real slapd, feed, registry tools, fuzz corpora)
#   2. every cmocka unit test again under valgrind (memcheck, leaks)
#   3. sanitizer build in _build-asan: make check under ASan + UBSan
#   4. static analysis: cppcheck and clang-tidy on our own C
# Run from anywhere after scripts/install-deps.sh.  Exit status 0 only if
# every stage passed.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
jobs=${JOBS:-2}
passed=0
failed=0
failures=

stage() {
    name=$1; shift
    echo "=== check-all: $name"
    if "$@"; then
        passed=$((passed + 1)); echo "=== check-all: $name: ok"
    else
        failed=$((failed + 1)); failures="$failures $name"; echo "=== check-all: $name: FAILED"
    fi
}

show_failed_logs() {
    # Automake leaves one .log per test; print the ones that did not pass.
    grep -l '^:test-result: \(FAIL\|ERROR\|XPASS\)' $(find "$1" -name '*.trs' 2>/dev/null) 2>/dev/null |
    while read -r trs; do
        log=${trs%.trs}.log
        echo "----- $log"
        tail -n 60 "$log"
    done
}

configure_in() {
    dir=$1; shift
    [ -f "$top/configure" ] || (cd "$top" && ./autogen.sh) || return 1
    mkdir -p "$dir"
    if [ ! -f "$dir/Makefile" ]; then
        (cd "$dir" && "$top/configure" "$@" >configure.out 2>&1) ||
            { tail -n 20 "$dir/configure.out"; return 1; }
    fi
}

build_and_check() {
    dir=$1; shift
    configure_in "$dir" "$@" || return 1
    make -C "$dir" -j"$jobs" >"$dir/make.out" 2>&1 || { tail -n 40 "$dir/make.out"; return 1; }
    if make -C "$dir" -j"$jobs" check >"$dir/check.out" 2>&1; then
        grep -E '^(# |PASS|FAIL|SKIP|XFAIL|ERROR)' "$dir/check.out" | grep -v '^PASS' | tail -n 20
        return 0
    fi
    grep -E '^(FAIL|ERROR|# )' "$dir/check.out"
    show_failed_logs "$dir"
    return 1
}

unit_under_valgrind() {
    dir=$top/_build
    status=0
    for t in "$dir"/tests/unit/test_*; do
        [ -x "$t" ] && [ -f "$t" ] || continue
        case $t in *.o|*.log|*.trs) continue ;; esac
        if valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
                "$t" >"$t.valgrind.out" 2>&1; then
            echo "valgrind ok: ${t##*/}"
        else
            echo "valgrind FAILED: ${t##*/}"; tail -n 40 "$t.valgrind.out"; status=1
        fi
    done
    return $status
}

static_analysis() {
    "$top/scripts/static-analysis.sh" "$top/_build"
}

stage "build+check" build_and_check "$top/_build"
stage "valgrind-unit" unit_under_valgrind
stage "sanitizers" build_and_check "$top/_build-asan" --enable-sanitizers
stage "static-analysis" static_analysis

[ -z "$failures" ] || echo "check-all: failed stages:$failures"
echo "check-all: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
