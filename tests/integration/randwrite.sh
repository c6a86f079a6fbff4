#!/bin/sh
# Random writes against the verdict cache (tests/integration/randwrite.c):
# two writers, each on six entries of its own, add, delete and replace
# registered and innocent phone numbers and addresses, change other
# attributes, rename, delete and add again, and read every entry back
# before and after each write, by base read or as a phone or mail client
# searches; ploguardMatch must be there exactly when the entry holds a
# registered number or address.  The two run at once, so that their reads
# and writes meet in slapd's threads.  PLOGUARD_WRITE_SEED and
# PLOGUARD_WRITE_STEPS pick other runs.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/fixtures.sh"
pg_setup randwrite

RW=$top_builddir/tests/integration/randwrite
[ -x "$RW" ] || pg_die "no $RW (make check builds it)"
SEED=${PLOGUARD_WRITE_SEED:-20261207}
STEPS=${PLOGUARD_WRITE_STEPS:-400}

P=$(pg_port 18 1)
it_server ovl "$P"
URI=ldap://127.0.0.1:$P/
ADMIN="cn=admin,$BASE"

"$RW" "$URI" "$PEOPLE" "$ADMIN" secret rwa "$SEED" "$STEPS" > "$PG_DIR/rwa.out" 2>&1 &
a=$!
"$RW" "$URI" "$PEOPLE" "$ADMIN" secret rwb "$((SEED + 1))" "$STEPS" > "$PG_DIR/rwb.out" 2>&1 &
b=$!
wait "$a"
ra=$?
wait "$b"
rb=$?
for w in rwa rwb; do
    sed 's/^/    /' "$PG_DIR/$w.out"
done
pg_check "writer rwa: every read agreed with its model (exit $ra)" test "$ra" -eq 0
pg_check "writer rwb: every read agreed with its model (exit $rb)" test "$rb" -eq 0
# the writers' summaries say they wrote and read as many times as asked
for w in rwa rwb; do
    pg_has "$PG_DIR/$w.out" "^randwrite $w: .*, $STEPS steps, [1-9][0-9]* writes .*, [1-9][0-9]* reads, 0 failures" \
        "writer $w: $STEPS steps done"
done

pg_stop ovl; pg_check "slapd ovl clean" pg_memcheck ovl
pg_finish
