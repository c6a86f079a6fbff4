#!/bin/sh
# A registry past its expires_at is still used, and every answer says so.
. "$top_srcdir/tests/cli/lib.sh"
describe_registry "$SAMPLE"

stale=$tmp/stale.json
python3 "$CLI_TESTS/sample.py" stale "$SAMPLE" "$stale" || exit 99
JREG=$stale

run 0 lookup --registry "$stale" "$PERSON_PHONE" "$UNUSED_PHONE"
out_has "DECLINE AND REFER"
out_has "expires 2000-02-01T00:00:00Z"
n=$(grep -c "WARNING: the registry is STALE" "$tmp/out")
[ "$n" -eq 2 ] || fail "expected a STALE warning with each of 2 answers, got $n"

run 0 lookup --json --registry "$stale" "$PERSON_PHONE" "$UNUSED_PHONE"
jcheck 'well_formed(d)' "d[0]['verdict'] == 'match'" \
    "all(x['registry']['stale'] is True for x in d)" \
    "all(x['registry']['expires_at'] == '2000-02-01T00:00:00Z' for x in d)"

# Stale or not, no match is still exit 1.
run 1 lookup --registry "$stale" "$UNUSED_PHONE"
out_has "STALE"

# check: still a valid registry, but the summary says it has expired.
run 0 check "$stale"
out_has "$stale: valid"
out_has "STALE"

# The fresh sample is not stale.
run 0 lookup --json --registry "$SAMPLE" "$PERSON_PHONE"
JREG=$SAMPLE
jcheck "d[0]['registry']['stale'] is False"

finish
