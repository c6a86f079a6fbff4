#!/bin/sh
# Replication traffic is never annotated: a syncrepl consumer (stock slapd)
# of a provider running syncprov and ploguard receives the data as stored,
# both in the initial refresh and for later changes (persist).
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/fixtures.sh"
pg_setup syncrepl

PP=$(pg_port 6 1)
PC=$(pg_port 6 2)
PS=$(pg_port 6 3)
O=$PG_DIR/out

# provider: syncprov below ploguard (ploguard, configured last, is on top)
pg_registry_copy prov "$PG_TESTDATA/registry.json"
PG_GLOBAL_EXTRA="moduleload syncprov" PG_DB_EXTRA="index entryCSN,entryUUID eq" \
    PG_OVL_BEFORE="overlay syncprov" pg_conf prov
cat "$PG_SAMPLE_LDIF" "$PG_TESTDATA/forms.ldif" > "$PG_DIR/all.ldif"
pg_load prov "$PG_DIR/all.ldif"
pg_start_or_die prov "$PP"

# the provider itself annotates for ordinary clients
pg_search "$PP" -b "$PEOPLE" '(uid=wang.lihua)' cn > "$O.prov"
pg_has "$O.prov" "^cn: $DECLINE_EN" "the provider annotates ordinary searches"

# consumer: stock slapd, no overlay
PG_OVERLAY=0 PG_DB_EXTRA="index entryCSN,entryUUID eq
syncrepl rid=001 provider=ldap://127.0.0.1:$PP/ type=refreshAndPersist
  searchbase=\"$BASE\" scope=sub bindmethod=simple
  binddn=\"cn=admin,$BASE\" credentials=secret retry=\"1 +\" timeout=5" pg_conf cons
pg_start_or_die cons "$PC"

# a stock server with the same LDIF, for comparison
PG_OVERLAY=0 pg_conf stock
pg_load stock "$PG_DIR/all.ldif"
pg_start_or_die stock "$PS"

# wait (bounded) for the refresh to complete
want=$(grep -c '^dn: ' "$PG_DIR/all.ldif")
t=300
while [ "$t" -gt 0 ]; do
    n=$(pg_search "$PC" -b "$BASE" '(objectClass=*)' 1.1 2>/dev/null | grep -c '^dn: ')
    [ "$n" = "$want" ] && break
    sleep 0.1
    t=$((t - 1))
done
pg_check "the consumer received all $want entries (has $n)" test "$n" = "$want"

# sorted LDIF of user attributes, entry by entry
sorted() {
    pg_search "$1" -b "$BASE" '(objectClass=*)' '*' |
        perl -00 -ne 'push @e, $_; END { print sort @e }'
}
sorted "$PC" > "$O.cons"
sorted "$PS" > "$O.stock"
pg_same "$O.stock" "$O.cons" "consumer data equals the stored data (no annotation replicated)"
pg_hasnt "$O.cons" "$DECLINE_EN|$REFER_EN|rcmp-grc.gc.ca.*rcmp-grc" "no prefix or instruction text on the consumer"
pg_search "$PC" -b "$BASE" '(objectClass=*)' ploguardMatch ploguardInstruction > "$O.consop" 2>&1
pg_hasnt "$O.consop" '^ploguard' "no ploguard operational attributes on the consumer"
pg_search "$PC" -b "$PEOPLE" '(telephoneNumber=+16135550113)' > "$O.conssyn" 2>&1
pg_hasnt "$O.conssyn" '^dn: ' "no synthesized entry replicated"

# a change on the provider reaches the consumer unannotated (persist phase)
pg_admin_modify "$PP" > "$O.mod" 2>&1 <<EOF
dn: uid=wang.lihua,$PEOPLE
changetype: modify
replace: title
title: Changed after refresh
EOF
pg_rc 0 $? "modify on the provider"
pg_admin_modify "$PP" > "$O.add" 2>&1 <<EOF
dn: uid=late.contact,$PEOPLE
changetype: add
objectClass: inetOrgPerson
uid: late.contact
cn: Late Contact
sn: Contact
telephoneNumber: 613-555-0121
EOF
pg_rc 0 $? "add of a registered contact on the provider"
t=100
while [ "$t" -gt 0 ]; do
    pg_search "$PC" -b "$PEOPLE" '(|(title=Changed after refresh)(uid=late.contact))' cn title > "$O.late" 2>/dev/null
    [ "$(pg_entries "$O.late")" = 2 ] && break
    sleep 0.1
    t=$((t - 1))
done
pg_count "$O.late" '^dn: ' 2 "both changes replicated"
pg_count "$O.late" '^cn: ' 2 "each with its single stored cn"
pg_hasnt "$O.late" "$DECLINE_EN" "persist-phase changes are not annotated"

pg_stop prov; pg_check "slapd prov clean" pg_memcheck prov
pg_stop cons
pg_stop stock
pg_finish
