#!/bin/sh
# ploguard under valgrind: no leak, no invalid access, on every path
# (matches of each kind, text and JSON, stale, invalid registry, usage
# errors).  Skipped unless configure found valgrind ($VALGRIND).
. "$top_srcdir/tests/cli/lib.sh"

if [ -z "${VALGRIND:-}" ]; then
    echo "VALGRIND not set: skipping" >&2
    exit 77
fi
# An AddressSanitizer build cannot run under valgrind; ASan checks it.
if command -v ldd >/dev/null 2>&1 && ldd "$PLOGUARD" 2>/dev/null | grep -q libasan; then
    echo "ploguard is built with AddressSanitizer: skipping valgrind" >&2
    exit 77
fi
describe_registry "$SAMPLE"

# 99 marks a valgrind error: ploguard itself exits 0, 1 or 2.  Leaks count
# when definitely or indirectly lost; ICU keeps its transliterator registry
# for the life of the process (interior pointers: "possibly lost"), which is
# ICU's, not a leak of ours.
vg() {
    want=$1
    shift
    "$VALGRIND" --quiet --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
        "$PLOGUARD" "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" != "$want" ]; then
        fail "valgrind ploguard $*: exit $got, expected $want"
        sed 's/^/    /' "$tmp/err" | head -n 60 >&2
    fi
}

stale=$tmp/stale.json
python3 "$CLI_TESTS/sample.py" stale "$SAMPLE" "$stale" || exit 99
bad=$tmp/invalid.json
python3 "$CLI_TESTS/sample.py" invalid "$SAMPLE" "$bad" || exit 99

values="$PERSON_PHONE|$PERSON_NATIONAL x204|$PERSON_EMAIL|$DOMAIN|$NAME_GIVEN $NAME_FAMILY|Wáng Lìhuá|王丽华|$UNUSED_PHONE|613-555-01|anonymous"
old_ifs=$IFS
IFS='|'
set -- $values
IFS=$old_ifs

vg 0 lookup --registry "$SAMPLE" "$@"
vg 0 lookup --json --registry "$SAMPLE" "$@"
vg 0 lookup --json --registry "$stale" --region GB "$GB_NATIONAL"
vg 1 lookup --registry "$SAMPLE" --name "$NAME_FAMILY $NAME_GIVEN"
vg 0 check "$SAMPLE"
vg 2 check "$bad"
vg 2 lookup --registry "$bad" "$PERSON_PHONE"
vg 2 lookup --registry "$tmp/missing.json" "$PERSON_PHONE"
vg 2 lookup --bogus
vg 2 lookup --region ZZ "$PERSON_PHONE"
vg 0 --help
vg 0 help lookup

finish
