#!/bin/sh
# Size limits, ACLs, paged results and concurrent searches, checked with
# libldap (tests/integration/ldapclient) for exact result codes.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/fixtures.sh"
pg_setup limits
[ -x "$PG_CLIENT" ] || pg_die "no $PG_CLIENT (make check builds it)"

P=$(pg_port 4 1)
PA=$(pg_port 4 2)
it_server ovl "$P"
# ACL: the synthesized subtree DNs are not readable by anyone but the rootdn
# and uid=zhang.wei (registered, in the directory) is hidden from everyone
PG_DB_EXTRA='access to dn.regex="^uid=ploguard-[^,]+,ou=People,dc=agency,dc=test$" by * none
access to dn.exact="uid=zhang.wei,ou=People,dc=agency,dc=test" by * none
access to * by * read' it_server acl "$PA"
PV=$(pg_port 4 3)
PG_DB_EXTRA='access to dn.exact="uid=zhang.wei,ou=People,dc=agency,dc=test" attrs=cn,telephoneNumber by dn.exact="cn=admin,dc=agency,dc=test" write by * none
access to attrs=homePhone by * none
access to * by dn.exact="cn=admin,dc=agency,dc=test" write by * read' it_server aclv "$PV"
O=$PG_DIR/out
client() { _p=$1; shift; "$PG_CLIENT" -H "ldap://127.0.0.1:$_p/" "$@"; }

# --- size limits
client "$P" -b "$PEOPLE" -z 1 search "(mail=$CHEN_MAIL)" cn > "$O.z1" 2>&1
pg_has "$O.z1" '^result: 0 ' "Evolution, size limit 1, one synthesized entry: success"
pg_has "$O.z1" '^entries: 1$' "... one entry"
pg_has "$O.z1" "^dn: $CHEN_DN$" "... the synthesized one"

two='(|(telephoneNumber=+16135550113)(telephoneNumber=+16135550121))'
client "$P" -b "$PEOPLE" search "$two" cn > "$O.two" 2>&1
pg_has "$O.two" '^entries: 2$' "two unknown registered callers in one filter: two entries"
client "$P" -b "$PEOPLE" -z 1 search "$two" cn > "$O.two1" 2>&1
pg_has "$O.two1" '^result: 4 ' "... with size limit 1: sizeLimitExceeded (4)"
pg_has "$O.two1" '^entries: 1$' "... and exactly one entry"

mixed='(|(uid=jtremblay)(telephoneNumber=+16135550113))'
client "$P" -b "$PEOPLE" -z 1 search "$mixed" cn > "$O.mixed" 2>&1
pg_has "$O.mixed" '^result: 4 ' "a real entry plus a synthesized one, size limit 1: sizeLimitExceeded"
pg_has "$O.mixed" '^entries: 1$' "... one entry only"
client "$P" -b "$PEOPLE" -z 2 search "$mixed" cn > "$O.mixed2" 2>&1
pg_has "$O.mixed2" '^result: 0 ' "... size limit 2: success"
pg_has "$O.mixed2" '^entries: 2$' "... two entries"

# --- one synthesized entry per record, holding every value asserted of it
pg_search "$P" -b "$PEOPLE" "(&(telephoneNumber=+16135550113)(mail=$CHEN_MAIL))" telephoneNumber mail > "$O.and"
pg_count "$O.and" '^dn: ' 1 "an AND of a record's number and address: one synthesized entry"
pg_has "$O.and" "^mail: $CHEN_MAIL$" "... holding the asserted address"
pg_has "$O.and" '^telephoneNumber: ' "... and the asserted number"
pg_search "$P" -b "$PEOPLE" '(|(telephoneNumber=6135550113)(mobile=+1 613 555 0113)(telephoneNumber=613-555-0113))' telephoneNumber mobile > "$O.forms"
pg_count "$O.forms" '^dn: ' 1 "three forms of one number: one synthesized entry"
pg_count "$O.forms" '^telephoneNumber: ' 1 "... with no value twice (one normalized value)"
pg_has "$O.forms" '^mobile: ' "... and the value asserted on mobile"

# --- ACLs
client "$PA" -b "$PEOPLE" search '(telephoneNumber=+16135550113)' cn > "$O.acl" 2>&1
pg_has "$O.acl" '^result: 0 ' "ACL denies the synthesized DN: the search still succeeds"
pg_has "$O.acl" '^entries: 0$' "... and returns nothing"
client "$PA" -b "$CHEN_DN" -s base search '(objectClass=*)' cn > "$O.aclbase" 2>&1
pg_has "$O.aclbase" '^entries: 0$' "ACL denies a base read of the synthesized DN"
pg_has "$O.aclbase" '^result: 32 ' "... with noSuchObject (32), as for an id nobody registered"
client "$PA" -b "uid=ploguard-nobody-registered-this,$PEOPLE" -s base search '(objectClass=*)' cn > "$O.aclbase2" 2>&1
pg_has "$O.aclbase2" '^result: 32 ' "... (an unregistered id: 32 too)"
client "$P" -b "$CHEN_DN" -s base search '(uid=nomatch)' cn > "$O.basenf" 2>&1
pg_has "$O.basenf" '^result: 32 ' "a base read of a synthesized DN whose filter fails: noSuchObject, nothing sent"
client "$PA" -b "$PEOPLE" search '(uid=wang.lihua)' cn > "$O.aclreal" 2>&1
pg_has "$O.aclreal" '^entries: 1$' "ACL server still returns real annotated entries"
pg_search "$PA" -b "$PEOPLE" '(uid=wang.lihua)' cn > "$O.aclcn"
pg_has "$O.aclcn" "^cn: $DECLINE_EN" "... annotated"

# --- ACLs on the identifiers themselves: a value the client may not read
# neither shows through ploguardMatch nor marks the entry; a display name
# kept from it does not show through the prefixed displayName.  zhang.wei:
# mobile (+44 20 7946 0011) readable, telephoneNumber (613 555 0111, the
# first matched) and cn hidden, no displayName; li.na: its one registered
# value (homePhone) hidden.
pg_admin_modify "$PV" > "$O.cnmod" 2>&1 <<EOF || pg_fail "cannot rename zhang.wei's cn: $(cat "$O.cnmod")"
dn: uid=zhang.wei,$PEOPLE
changetype: modify
replace: cn
cn: Hidden Cn Value
EOF
pg_search "$PV" -b "$PEOPLE" '(uid=zhang.wei)' '*' + > "$O.aclz"
pg_has "$O.aclz" '^ploguardMatch: .*matched=phone:[+]442079460011 ' \
    "ACL on telephoneNumber: the readable mobile still marks the entry"
pg_hasnt "$O.aclz" '16135550111' "... and the hidden number is nowhere in ploguardMatch"
pg_hasnt "$O.aclz" '^telephoneNumber: ' "... (telephoneNumber is not returned either)"
pg_hasnt "$O.aclz" 'Hidden Cn Value' "... and the hidden cn does not show through the prefixed displayName"
pg_has "$O.aclz" "^displayName: $DECLINE_EN.*: Zhang Wei" "... which names the registry's person instead"
pg_search "$PV" -b "$PEOPLE" '(uid=li.na)' '*' + > "$O.acll"
pg_count "$O.acll" '^dn: ' 1 "ACL on homePhone: li.na is returned"
pg_hasnt "$O.acll" 'ploguard|DECLINE|REFER' "... not annotated: its one registered value is hidden from the client"
pg_hasnt "$PG_DIR/aclv/slapd.log" 'MATCH annotated dn="uid=li.na,' "... and no match is logged for it"

# --- another overlay's internal search (slapo-unique, on mail): it runs
# with the add's request, and must get no synthesized entry, or an agency
# could not record a registered address it has not recorded yet.
PU=$(pg_port 4 4)
PG_GLOBAL_EXTRA='moduleload unique' PG_OVL_BEFORE='overlay unique
unique_uri ldap:///?mail?sub' it_server uniq "$PU"
# uadd UID SN MAIL OUT: adds uid=UID with that mail as the rootdn
uadd() {
    pg_admin_modify "$PU" -a > "$4" 2>&1 <<EOF
dn: uid=$1,$PEOPLE
objectClass: inetOrgPerson
uid: $1
cn: Added $2
sn: $2
mail: $3
EOF
}
uadd chen.recorded Chen "$CHEN_MAIL" "$O.uadd"
pg_check "slapo-unique on mail: a registered address not yet in the directory can be added" \
    [ $? -eq 0 ]
pg_hasnt "$PG_DIR/uniq/slapd.log" 'MATCH synthesized' "... and no synthesized answer is logged for unique's search"
pg_search "$PU" -b "$PEOPLE" "(mail=$CHEN_MAIL)" cn > "$O.uget"
pg_count "$O.uget" '^dn: ' 1 "... then found as the real entry, not a synthesized one too"
pg_has "$O.uget" "^cn: $DECLINE_EN" "... annotated"
uadd ada.again Again Ada.Marlow@PLO.example.org "$O.uadd2"
pg_check "... slapo-unique still refuses an address already in the directory" [ $? -ne 0 ]
pg_has "$O.uadd2" 'Constraint violation' "... (constraint violation)"

# --- what the MATCH log says: only what the client was sent
LOGO=$PG_DIR/ovl/slapd.log
LOGA=$PG_DIR/acl/slapd.log
pg_search "$P" -b "$PEOPLE" '(telephoneNumber=+16135550113)' cn > /dev/null
pg_has "$LOGO" "ploguard: MATCH synthesized dn=\"$CHEN_DN\" .*entity=$CHEN_ID" \
    "a synthesized answer is logged (MATCH synthesized, the entity id)"
pg_search "$P" -b "$PEOPLE" '(uid=wang.lihua)' cn > /dev/null
pg_has "$LOGO" "ploguard: MATCH annotated dn=\"uid=wang.lihua,$PEOPLE\" .*entity=$WANG_ID" \
    "an annotated entry is logged (MATCH annotated)"
logged=$(wc -l < "$LOGO")
pg_search "$P" -b "$PEOPLE" '(&(telephoneNumber=+16135550121)(uid=nomatch))' cn > "$O.nolog"
pg_count "$O.nolog" '^dn: ' 0 "a synthesized entry that fails the rest of the filter is not sent"
tail -n "+$((logged + 1))" "$LOGO" > "$O.nolog.log"
pg_has "$O.nolog.log" 'SEARCH RESULT' "... (its search is in the log)"
pg_hasnt "$O.nolog.log" "MATCH synthesized" "... and not logged"
client "$PA" -b "$PEOPLE" search '(uid=zhang.wei)' cn > "$O.hidden" 2>&1
pg_has "$O.hidden" '^entries: 0$' "ACL hides a registered entry from the client"
pg_hasnt "$LOGA" "MATCH annotated dn=\"uid=zhang.wei," "... and no match is logged for it"
pg_hasnt "$LOGA" "MATCH synthesized dn=\"$CHEN_DN\"" "the ACL-denied synthesized entry is not logged"

# --- the subentries control asks for subentries only: none synthesized
ldapsearch -x -LLL -o ldif-wrap=no -H "ldap://127.0.0.1:$P/" -E '!subentries=true' \
    -b "$PEOPLE" '(telephoneNumber=+16135550113)' cn > "$O.subent" 2>&1
pg_count "$O.subent" '^dn: ' 0 "subentries control: no synthesized entry"

# --- paged results
client "$P" -b "$PEOPLE" -P 4 search '(objectClass=inetOrgPerson)' cn > "$O.paged" 2>&1
pg_has "$O.paged" '^result: 0 ' "paged results (page size 4): success"
pg_has "$O.paged" '^entries: 30$' "... all 30 entries"
pg_has "$O.paged" '^pages: 8$' "... in 8 pages"
pg_count "$O.paged" '^dn: uid=ploguard-' 0 "... no synthesized entry in a plain listing"
ldapsearch -x -LLL -o ldif-wrap=no -H "ldap://127.0.0.1:$P/" -E pr=4/noprompt -b "$PEOPLE" \
    '(objectClass=inetOrgPerson)' cn > "$O.pagedcn" 2>&1
pg_count "$O.pagedcn" "^cn: $DECLINE_EN" 4 "paged results: the decline-annotated entries are annotated"
pg_count "$O.pagedcn" "^cn: $REFER_EN" 2 "paged results: the refer-annotated entries are annotated"
client "$P" -b "$PEOPLE" -P 2 search '(telephoneNumber=+16135550113)' cn > "$O.pagedsyn" 2>&1
pg_has "$O.pagedsyn" '^result: 0 ' "paged search for an unknown caller: success (no error from the overlay)"
pg_has "$O.pagedsyn" '^entries: [01]$' "... at most one entry"
echo "     (paged search for an unknown registered caller returned $(sed -n 's/^entries: //p' "$O.pagedsyn") entries)"

# --- concurrent searches: 4 clients x 250 searches, mixed
client "$P" -b "$PEOPLE" -t 4 -n 250 loop \
    '(|(telephoneNumber=6135550113)(mobile=6135550113)(ipPhone=6135550113))' 1 1 \
    '(telephoneNumber=+16135550142)' 1 1 \
    '(|(telephoneNumber=6135550196)(mobile=6135550196))' 0 0 \
    '(|(cn=*a*)(mail=*a*))' 20 40 \
    "(mail=$LIU_MAIL)" 1 1 > "$O.loop" 2>&1
pg_has "$O.loop" '^failures: 0$' "4 concurrent clients x 250 mixed searches, no failure"

pg_stop ovl; pg_check "slapd ovl clean" pg_memcheck ovl
pg_stop acl; pg_check "slapd acl clean" pg_memcheck acl
pg_finish
