#!/bin/sh
# The overlay deleted through cn=config while a search of its database
# waits to write to a slow client.  slapd's pause does not wait for a
# thread blocked in a write, and the deleted overlay is closed, destroyed
# and freed as soon as slapd resumes; the search then goes on, and its
# callbacks (ploguard's search state, and the lean search's when ploguard
# is the only overlay, whose slap_overinfo slapd frees with it) must not
# read what was freed.  Twice: beside slapo-deref (backover runs the
# search) and alone (ploguard's own search dispatch).  slapd runs under
# valgrind, or with ASan in a sanitizer build; the answers must be
# complete, and nothing synthesized once the overlay is gone.
PLOGUARD_TEST_VALGRIND=1
export PLOGUARD_TEST_VALGRIND
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/fixtures.sh"
pg_setup slowclient
[ -x "$PG_CLIENT" ] || pg_die "no $PG_CLIENT (make check builds it)"
[ -f "$PG_MODDIR/deref.la" ] || [ -f "$PG_MODDIR/deref.so" ] ||
    pg_die "no slapo-deref module in $PG_MODDIR (slapd package)"

P=$(pg_port 19 1)
O=$PG_DIR/out
DB='olcDatabase={1}mdb,cn=config'
BULK=8     # entries of 1 MB: more than slapd's send buffer (4 MB at most)

# The sample directory and the bulk entries that make the answer large.
value=$(head -c 1000000 /dev/zero | tr '\0' 'x')
{
    cat "$PG_SAMPLE_LDIF" "$PG_TESTDATA/forms.ldif"
    i=1
    while [ "$i" -le "$BULK" ]; do
        printf '\ndn: cn=bulk %d,%s\nobjectClass: inetOrgPerson\ncn: bulk %d\nsn: bulk\n' \
            "$i" "$PEOPLE" "$i"
        printf 'description: %s\n' "$value"
        i=$((i + 1))
    done
} > "$PG_DIR/all.ldif"
unset value

pg_registry_copy srv "$PG_TESTDATA/registry.json"
PG_GLOBAL_EXTRA='moduleload deref' PG_OVL_BEFORE='overlay deref' pg_conf srv
pg_load srv "$PG_DIR/all.ldif"
pg_confdir srv
pg_start_or_die srv "$P" dir

ovl_dn() { # ovl_dn TYPE: the DN of the database's overlay entry of TYPE
    pg_config_search "$P" -b "$DB" -s one '(objectClass=olcOverlayConfig)' 1.1 |
        sed -n "s/^dn: \(olcOverlay={[0-9]*}$1,.*\)/\1/p"
}

# What a complete answer holds: every entry of $PEOPLE, none made up.
pg_search "$P" -b "$PEOPLE" '(objectClass=*)' 1.1 > "$O.all"
want=$(grep -c '^dn: ' "$O.all")
pg_check "the directory has the bulk entries ($want entries)" test "$want" -gt "$BULK"
SLOW='(|(telephoneNumber=+16135550113)(objectClass=*))'
pg_search "$P" -b "$PEOPLE" "$SLOW" 1.1 > "$O.before"
pg_has "$O.before" "^dn: $CHEN_DN$" "before: the registered caller's entry is synthesized"

# slow DESC OVERLAY_TYPE: a slow client's search, the overlay entry deleted
# while slapd waits to write it, then the whole answer read.
slow() {
    desc=$1 dn=$(ovl_dn "$2")
    pg_check "$desc: the $2 overlay entry is there ($dn)" test -n "$dn"
    rm -f "$PG_DIR/go"
    $PG_CLIENT -H "ldap://127.0.0.1:$P/" -b "$PEOPLE" stall "$PG_DIR/go" "$SLOW" \
        > "$O.slow" 2> "$O.slow.err" &
    cpid=$!
    if ! pg_wait_for 180 grep -q '^stalled$' "$O.slow"; then
        pg_fail "$desc: the client never saw slapd stop sending"
        cat "$O.slow.err" >&2
    fi
    ldapdelete -x -o nettimeout=60 -H "ldap://127.0.0.1:$P/" -D cn=config -w secret \
        "$dn" > "$O.del" 2>&1
    pg_rc 0 $? "$desc: the overlay is deleted while the search waits"
    touch "$PG_DIR/go"
    wait "$cpid"
    pg_rc 0 $? "$desc: the slow client gets its answer"
    pg_has "$O.slow" '^result: 0 ' "$desc: the search ends in success"
    pg_has "$O.slow" "^entries: $want$" "$desc: every entry of the directory is sent"
    pg_hasnt "$O.slow" '^dn: uid=ploguard-' "$desc: nothing synthesized by a deleted overlay"
    pg_search "$P" -b "" -s base '(objectClass=*)' 1.1 > "$O.alive" 2>&1
    pg_rc 0 $? "$desc: slapd goes on answering"
}

# backover runs the search (deref has a search hook): the search state's
# callback outlives the overlay
slow "beside deref" ploguard

# ploguard alone on the stack: its own search dispatch, whose callback
# outlives the slap_overinfo too
pg_overlay_entry "$DB" "$PG_DIR/srv/registry.json" > "$O.add.ldif"
pg_config_modify "$P" -f "$O.add.ldif" > "$O.add" 2>&1
pg_rc 0 $? "the overlay is added again"
ldapdelete -x -o nettimeout=60 -H "ldap://127.0.0.1:$P/" -D cn=config -w secret \
    "$(ovl_dn deref)" > "$O.del" 2>&1
pg_rc 0 $? "slapo-deref is deleted: ploguard is alone"
pg_search "$P" -b "$PEOPLE" "$SLOW" 1.1 > "$O.again"
pg_has "$O.again" "^dn: $CHEN_DN$" "alone: the registered caller's entry is synthesized"
slow "alone" ploguard

# A client that goes away while slapd waits to write to it: the search
# ends, with a result or without one (a failed write), and ploguard's
# search state gives back its reference either way; the overlay deleted
# afterwards is then freed (valgrind's leak check below).  Alone on the
# stack (ploguard's own search dispatch), then beside slapo-deref
# (backover's).  With a write timeout, slapd gives up on the client itself
# and the backend ends the search without a result; killed, the client's
# search is abandoned.
srch_lines() {
    grep -a -c 'SRCH base=.*filter="(|(telephoneNumber=+16135550113)(objectClass=\*))"' \
        "$PG_DIR/srv/slapd.log"
}
srch_grew() { # re-read at every poll
    test "$(srch_lines)" -gt "$n0"
}
gone() {
    desc=$1
    n0=$(srch_lines)
    $PG_CLIENT -H "ldap://127.0.0.1:$P/" -b "$PEOPLE" stall "$PG_DIR/never" "$SLOW" \
        > "$O.gone" 2>&1 &
    cpid=$!
    pg_check "$desc: the client sees slapd stop sending" \
        pg_wait_for 180 grep -q '^stalled$' "$O.gone"
    pg_check "$desc: slapd logged the search" pg_wait_for 30 srch_grew
    conn=$(grep -a 'SRCH base=.*filter="(|(telephoneNumber=+16135550113)(objectClass=\*))"' \
        "$PG_DIR/srv/slapd.log" | tail -n 1 | sed -n 's/.* conn=\([0-9]*\) .*/\1/p')
    case $desc in timed*) ;; *) kill -9 "$cpid" 2>/dev/null ;; esac
    pg_check "$desc: slapd closes the connection (conn=$conn)" \
        pg_wait_log srv "conn=$conn fd=[0-9]+ closed" 60
    kill -9 "$cpid" 2>/dev/null
    wait "$cpid" 2>/dev/null
    ldapdelete -x -o nettimeout=60 -H "ldap://127.0.0.1:$P/" -D cn=config -w secret \
        "$(ovl_dn ploguard)" > "$O.del" 2>&1
    pg_rc 0 $? "$desc: the overlay is deleted"
    pg_search "$P" -b "" -s base '(objectClass=*)' 1.1 > "$O.alive" 2>&1
    pg_rc 0 $? "$desc: slapd goes on answering"
}
pg_config_modify "$P" -f "$O.add.ldif" > "$O.add" 2>&1
pg_rc 0 $? "the overlay is added again, alone"
gone "gone, alone"
printf 'dn: cn=config\nchangetype: modify\nreplace: olcWriteTimeout\nolcWriteTimeout: 3\n' > "$O.wt.ldif"
pg_config_modify "$P" -f "$O.wt.ldif" > "$O.wt" 2>&1
pg_rc 0 $? "a write timeout of 3 s"
pg_config_modify "$P" -f "$O.add.ldif" > "$O.add" 2>&1
pg_rc 0 $? "the overlay is added again, alone"
gone "timed out, alone"
printf 'dn: olcOverlay=deref,%s\nchangetype: add\nobjectClass: olcOverlayConfig\nolcOverlay: deref\n' \
    "$DB" > "$O.deref.ldif"
pg_config_modify "$P" -f "$O.deref.ldif" > "$O.add" 2>&1
pg_rc 0 $? "slapo-deref is added again"
pg_config_modify "$P" -f "$O.add.ldif" > "$O.add" 2>&1
pg_rc 0 $? "the overlay is added again, beside deref"
gone "gone, beside deref"

pg_stop srv
pg_check "no memory error (valgrind or ASan)" pg_memcheck srv
pg_finish
