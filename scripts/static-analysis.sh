#!/bin/sh
# cppcheck and clang-tidy over ploguard's own C sources.  Both must be clean.
# Usage: scripts/static-analysis.sh BUILDDIR   (a configured build: config.h)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/_build}
ldapsrc=$(sed -n 's/^OPENLDAP_SRC = //p' "$build/Makefile" 2>/dev/null)
status=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

resolver_src=$(cd "$top" && ls resolver/*.c resolver/cli/*.c)
overlay_src=$(cd "$top" && ls slapd-overlay/*.c 2>/dev/null)

echo "static-analysis: cppcheck"
(cd "$top" && cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
    --inline-suppr --std=c11 -I resolver -I "$build" \
    --suppress=missingIncludeSystem $resolver_src) || status=1
if [ -n "$overlay_src" ] && [ -n "$ldapsrc" ]; then
    # slapd's headers are large and macro-heavy: check our code, not theirs.
    (cd "$top" && cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
        --inline-suppr --std=c11 -I resolver -I "$build" \
        --suppress=missingIncludeSystem --suppress=missingInclude \
        $overlay_src) || status=1
fi

echo "static-analysis: clang-tidy"
inc="-I$top/resolver -I$build $(pkg-config --cflags jansson icu-uc libidn2 libcurl libsodium)"
for f in $resolver_src; do
    clang-tidy --quiet "$top/$f" -- $inc -DPGR_DEFAULT_REGISTRY='"/var/lib/ploguard/registry.json"' \
        -DPGR_SYSCONFDIR='"/etc"' -DPGR_DATADIR='"/usr/share/ploguard"' \
        >"$out" 2>&1 || { cat "$out"; status=1; continue; }
    if grep -q 'warning:\|error:' "$out"; then
        cat "$out"; status=1
    fi
done
if [ -n "$overlay_src" ] && [ -n "$ldapsrc" ]; then
    for f in $overlay_src; do
        clang-tidy --quiet "$top/$f" -- $inc -I"$ldapsrc/include" -I"$ldapsrc/servers/slapd" \
            -DPGR_OPENLDAP_SRC_VERSION='"check"' >"$out" 2>&1 ||
            { cat "$out"; status=1; continue; }
        if grep -q "^$top/slapd-overlay/.*\(warning\|error\):" "$out"; then
            grep -A3 "^$top/slapd-overlay/.*\(warning\|error\):" "$out"; status=1
        fi
    done
fi
[ $status -eq 0 ] && echo "static-analysis: clean"
exit $status
