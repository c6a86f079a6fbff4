#!/bin/sh
# Everything again under valgrind memcheck, in one slapd: annotation, each
# client's synthesized answer, size limits, paged results, write refusals,
# cn=config changes, registry reloads under concurrent searches and a
# broken registry.  Passes only with "ERROR SUMMARY: 0 errors" and no
# definite leak through ploguard or resolver frames.
PLOGUARD_TEST_VALGRIND=1
export PLOGUARD_TEST_VALGRIND
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/fixtures.sh"
pg_setup valgrind
[ -x "$PG_CLIENT" ] || pg_die "no $PG_CLIENT (make check builds it)"

P=$(pg_port 10 1)
O=$PG_DIR/out
PG_OVL_EXTRA="ploguard-reload-interval 1" it_server vg "$P"
C="$PG_CLIENT -H ldap://127.0.0.1:$P/ -b $PEOPLE"

pg_search "$P" -b "$PEOPLE" '(uid=wang.lihua)' '*' '+' > "$O.a"
pg_has "$O.a" "^cn: $DECLINE_EN" "valgrind: annotation"
pg_search "$P" -b "$PEOPLE" '(objectClass=*)' '*' '+' > "$O.all"
n=$(it_entries_with "$O.all" '^ploguardInstruction: ')
pg_check "valgrind: whole listing, 6 annotated (got $n)" test "$n" = 6
for flt in '(|(telephoneNumber=6135550113)(mobile=6135550113)(ipPhone=6135550113))' \
           '(&(telephoneNumber=16135550113)(sn=*))' \
           '(|(telephoneNumber=*6135550113)(mobile=*6135550113)(homeTelephoneNumber=*6135550113))' \
           '(telephoneNumber=+16135550113)' \
           "(|(cn=$CHEN_MAIL*)(mail=$CHEN_MAIL*)(sn=$CHEN_MAIL*))" \
           "(mail=$CHEN_MAIL)" \
           "(&(objectClass=inetOrgPerson)(|(mail=*$CHEN_MAIL*)(cn=*$CHEN_MAIL*)))"; do
    pg_search "$P" -z 1 -b "$PEOPLE" "$flt" > "$O.s"
    pg_count "$O.s" "^dn: $CHEN_DN$" 1 "valgrind: synthesized for $flt"
done
pg_search "$P" -b "$CHEN_DN" -s base '(objectClass=*)' '*' '+' > "$O.base"
pg_count "$O.base" '^dn: ' 1 "valgrind: base read of the synthesized DN"
for flt in '(telephoneNumber=613555*)' '(telephoneNumber=anonymous)' '(cn=Chen Jie)' '(!(telephoneNumber=+16135550113))'; do
    pg_search "$P" -b "$PEOPLE" "$flt" > "$O.n"
    pg_hasnt "$O.n" '^dn: uid=ploguard-' "valgrind: nothing synthesized for $flt"
done
$C -z 1 search '(|(telephoneNumber=+16135550113)(telephoneNumber=+16135550121))' > "$O.z" 2>&1
pg_has "$O.z" '^result: 4 ' "valgrind: size limit"
$C -P 3 search '(objectClass=inetOrgPerson)' cn > "$O.p" 2>&1
pg_has "$O.p" '^entries: 30$' "valgrind: paged results"
pg_search "$P" -M -b "$PEOPLE" '(uid=wang.lihua)' cn > "$O.m"
pg_count "$O.m" '^cn: ' 1 "valgrind: manageDSAit"

pg_admin_modify "$P" > "$O.w" 2>&1 <<EOF
dn: uid=jtremblay,$PEOPLE
changetype: modify
replace: displayName
displayName: $DECLINE_EN: Julie Tremblay
EOF
pg_rc 19 $? "valgrind: spoofed prefix refused"
pg_admin_modify "$P" > "$O.w" 2>&1 <<EOF
dn: uid=jtremblay,$PEOPLE
changetype: modify
add: ploguardMatch
ploguardMatch: x
EOF
pg_rc 19 $? "valgrind: ploguardMatch refused"
pg_admin_modify "$P" > "$O.w" 2>&1 <<EOF
dn: uid=newcontact,$PEOPLE
changetype: add
objectClass: inetOrgPerson
uid: newcontact
cn: New Contact
sn: Contact
telephoneNumber: 613-555-0121
EOF
pg_rc 0 $? "valgrind: ordinary add"
pg_admin_modify "$P" > "$O.w" 2>&1 <<EOF
dn: uid=newcontact,$PEOPLE
changetype: modrdn
newrdn: uid=newcontact2
deleteoldrdn: 1
EOF
pg_rc 0 $? "valgrind: ordinary modrdn"

# cn=config: modify a directive, bad and good
OVL=$(pg_config_search "$P" -b cn=config '(objectClass=olcPloguardConfig)' 1.1 | sed -n 's/^dn: //p')
pg_config_modify "$P" > "$O.c" 2>&1 <<EOF
dn: $OVL
changetype: modify
replace: olcPloguardLang
olcPloguardLang: de
EOF
rc=$?
pg_check "valgrind: bad olcPloguardLang refused (rc $rc)" test "$rc" -ne 0
pg_config_modify "$P" > "$O.c" 2>&1 <<EOF
dn: $OVL
changetype: modify
replace: olcPloguardLang
olcPloguardLang: fr
EOF
pg_rc 0 $? "valgrind: olcPloguardLang fr"

# reloads while 2 clients search
REG=$PG_DIR/vg/registry.json
perl -0pe 's/"seq": 7/"seq": 8/' "$REG" > "$PG_DIR/regB.json"
cp "$REG" "$PG_DIR/regA.json"
$C -t 2 -n 100 loop '(telephoneNumber=+16135550142)' 1 1 '(telephoneNumber=6135550113)' 1 1 > "$O.loop" 2>&1 &
loop=$!
i=0
while kill -0 "$loop" 2>/dev/null && [ "$i" -lt 30 ]; do
    if [ $((i % 2)) = 0 ]; then cp "$PG_DIR/regB.json" "$REG.tmp"; else cp "$PG_DIR/regA.json" "$REG.tmp"; fi
    mv -f "$REG.tmp" "$REG"
    i=$((i + 1))
    sleep 0.7
done
wait "$loop"
pg_rc 0 $? "valgrind: searches during $i reloads"
printf '{ broken' > "$REG.tmp"; mv -f "$REG.tmp" "$REG"
sleep 3
pg_search "$P" -b "$PEOPLE" '(uid=wang.lihua)' cn > "$O.after"
pg_has "$O.after" "^cn: $DECLINE_FR" "valgrind: broken registry, old one in force"

# remove the overlay at run time (db_close + db_destroy under valgrind)
ldapdelete -x -H "ldap://127.0.0.1:$P/" -D cn=config -w secret "$OVL" > "$O.d" 2>&1
pg_rc 0 $? "valgrind: overlay deleted at run time"

pg_stop vg
pg_check "valgrind: ERROR SUMMARY: 0 errors, no definite leak from ploguard" pg_memcheck vg
grep 'ERROR SUMMARY\|definitely lost' "$PG_DIR/vg/valgrind.log" | head -n 3 | sed 's/^/     /'
pg_finish
