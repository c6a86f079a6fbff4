#!/bin/sh
# Registry reload while clients search: the file is replaced (write to a
# temporary file, then rename) again and again while 4 clients run 500
# searches each; no search fails; the new registry's person is found; a
# broken registry leaves the last good one in force, with a log line; a
# registry past its expires_at is served marked stale.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/fixtures.sh"
pg_setup reload
[ -x "$PG_CLIENT" ] || pg_die "no $PG_CLIENT (make check builds it)"

P=$(pg_port 12 1)
O=$PG_DIR/out
A=$PG_DIR/regA.json
B=$PG_DIR/regB.json
cp "$PG_TESTDATA/registry.json" "$A"
# B: A plus one person, and a higher seq
perl -0pe 's/"seq": 7/"seq": 8/; s/"people": \[/"people": [\n    {"id": "person-new-test", "role": "plo", "names": [{"family": "Newman", "given": "Kai"}, {"full": "Kainewman"}], "phones": ["+1 613 555 0130"], "emails": ["kai.newman\@example.org"], "status": "active", "instruction": "refer"},/' \
    "$A" > "$B"
grep -q person-new-test "$B" || pg_die "could not derive registry B"

PG_OVL_EXTRA="ploguard-reload-interval 1" it_server srv "$P" "$A"
REG=$PG_DIR/srv/registry.json

# install FILE: atomic replacement of the served registry
install_reg() {
    cp "$1" "$REG.tmp" && chmod 644 "$REG.tmp" && mv -f "$REG.tmp" "$REG"
}
newperson() {
    pg_search "$P" -b "$PEOPLE" '(telephoneNumber=+16135550130)' cn > "$O.np" 2>&1
    grep -q '^dn: uid=ploguard-person-new-test,' "$O.np"
}

pg_check "registry A: the new person is unknown" pg_not newperson

# slapd's listener waits for requests with no timeout: ploguard's alarm
# starts the reload task, which slapd's run queue holds unscheduled (a
# scheduled task puts a timer on every wait of the listener, 2-3 % of the
# CPU of a search at one connection; BENCHMARKS.md).  Seen in the
# listener's blocked epoll_wait (x86_64: syscall 232, or epoll_pwait 281;
# the timeout is the fourth argument, -1 for none).
SLAPD_PID=$(cat "$PG_DIR/srv/slapd.pid")
LISTENER_TIMEOUT=
listener_idle() { # -> 0 once a thread blocks in epoll_wait; sets LISTENER_TIMEOUT
    for t in /proc/"$SLAPD_PID"/task/*; do
        read -r nr _a1 _a2 _a3 a4 _rest < "$t/syscall" 2>/dev/null || continue
        case $nr in
        232|281) LISTENER_TIMEOUT=$a4; return 0 ;;
        esac
    done
    return 1
}
if [ "$(uname -m)" != x86_64 ]; then
    echo "note: the listener's wait is checked on x86_64 only (syscall numbers)"
elif ! read -r _x < "/proc/$SLAPD_PID/task/$SLAPD_PID/syscall" 2>/dev/null; then
    echo "note: /proc/$SLAPD_PID/task/*/syscall cannot be read here; the listener's wait is not checked"
else
    pg_check "slapd's listener is found waiting in epoll_wait" pg_wait_for 10 listener_idle
    pg_check "... with no timeout (got $LISTENER_TIMEOUT)" test "$LISTENER_TIMEOUT" = 0xffffffff
fi

# 4 clients x 500 searches while the registry flips between A and B
"$PG_CLIENT" -H "ldap://127.0.0.1:$P/" -b "$PEOPLE" -t 4 -n 500 loop \
    '(|(telephoneNumber=6135550113)(mobile=6135550113)(ipPhone=6135550113))' 1 1 \
    '(telephoneNumber=+16135550142)' 1 1 \
    '(|(telephoneNumber=6135550196)(mobile=6135550196))' 0 0 \
    '(telephoneNumber=+16135550130)' 0 1 \
    "(mail=$LIU_MAIL)" 1 1 > "$O.loop" 2>&1 &
loop=$!
flips=0
while kill -0 "$loop" 2>/dev/null && [ "$flips" -lt 40 ]; do
    if [ $((flips % 2)) = 0 ]; then install_reg "$B"; else install_reg "$A"; fi
    flips=$((flips + 1))
    sleep 0.3
done
wait "$loop"
pg_rc 0 $? "concurrent searches during $flips registry replacements"
pg_has "$O.loop" '^searches: 2000$' "... 2000 searches"
pg_has "$O.loop" '^failures: 0$' "... none failed"

install_reg "$B"
pg_check "after the reload: the new person is found" pg_wait_for 15 newperson
pg_search "$P" -b "$PEOPLE" '(uid=wang.lihua)' ploguardMatch > "$O.seq8"
pg_has "$O.seq8" '^ploguardMatch: .*seq=8( |$)' "ploguardMatch carries the new seq"
# B's new person also goes by one word, which no search can find
pg_has "$PG_DIR/srv/slapd.log" \
    'ploguard: registry ploguard-integration-test seq 8: 1 of its names cannot be indexed.*ploguard check .*registry.json' \
    "the log says a name of B cannot be indexed, and how to list it"
pg_hasnt "$PG_DIR/srv/slapd.log" 'seq 7: [0-9]* of its names cannot be indexed' \
    "... and says nothing of the kind for A"

# broken registries: the last good one stays in force, the log says why
lines_before=$(wc -l < "$PG_DIR/srv/slapd.log")
printf '{ "format": "ploguard-registry/1", "registry_id": ' > "$PG_DIR/broken.json"
install_reg "$PG_DIR/broken.json"
logged() { tail -n +"$lines_before" "$PG_DIR/srv/slapd.log" | grep -i 'registry' | grep -Eqi 'fail|error|invalid|cannot|bad|keep'; }
pg_check "a truncated registry is logged with the reason" pg_wait_for 15 logged
tail -n +"$lines_before" "$PG_DIR/srv/slapd.log" | grep -i registry | head -n 3 | sed 's/^/     log: /'
sleep 2
pg_check "... and the last good registry stays in force" newperson
pg_search "$P" -b "$PEOPLE" '(uid=wang.lihua)' cn > "$O.still"
pg_has "$O.still" "^cn: $DECLINE_EN" "... prefix still shown"

lines_before=$(wc -l < "$PG_DIR/srv/slapd.log")
perl -0pe 's/"registry_id": "[^"]*"/"registry_id": "broken", "registry_id": "dup"/' "$B" > "$PG_DIR/dupkey.json"
install_reg "$PG_DIR/dupkey.json"
pg_check "a registry with a duplicate key is logged" pg_wait_for 15 logged
sleep 2
pg_check "... and the last good registry stays in force" newperson

# stale: expires_at in the past
pg_search "$P" -b "$PEOPLE" '(uid=wang.lihua)' ploguardMatch > "$O.fresh"
perl -0pe 's/"issued_at": "[^"]*"/"issued_at": "2019-01-01T00:00:00Z"/; s/"expires_at": "[^"]*"/"expires_at": "2020-01-01T00:00:00Z"/; s/"seq": 8/"seq": 9/' \
    "$B" > "$PG_DIR/stale.json"
install_reg "$PG_DIR/stale.json"
stale() {
    pg_search "$P" -b "$PEOPLE" '(uid=wang.lihua)' ploguardMatch > "$O.stale" 2>&1
    grep -Eq '^ploguardMatch: .*seq=9( |$)' "$O.stale"
}
pg_check "a stale registry is loaded (seq 9 seen)" pg_wait_for 15 stale
pg_has "$O.stale" '^ploguardMatch: .*stale' "ploguardMatch says stale"
tok_fresh=$(grep -oi 'stale[^,; ]*' "$O.fresh" | head -n 1)
tok_stale=$(grep -oi 'stale[^,; ]*' "$O.stale" | head -n 1)
pg_check "... where the fresh one did not ('$tok_fresh' vs '$tok_stale')" test "$tok_fresh" != "$tok_stale"
pg_search "$P" -b "$PEOPLE" '(uid=wang.lihua)' cn > "$O.stalecn"
pg_has "$O.stalecn" "^cn: $DECLINE_EN" "a stale registry still annotates"

pg_stop srv; pg_check "slapd srv clean" pg_memcheck srv
pg_finish
