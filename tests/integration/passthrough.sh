#!/bin/sh
# An entry that matches nothing must not change by one byte: a stock slapd
# and a slapd with the overlay, on copies of the same database, must give
# identical answers (all user and operational attributes, result codes) for
# every search that touches only innocent entries.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/fixtures.sh"
pg_setup passthrough

PO=$(pg_port 1 1)
PS=$(pg_port 1 2)
it_pair "$PO" "$PS"

compare() { # description, then ldapsearch arguments
    _what=$1
    shift
    pg_same_answer "identical to stock: $_what" "$PS" "$PO" "$@"
}

compare "every innocent entry, all attributes" -b "$BASE" "(&(objectClass=*)$INNOCENT)" '*' '+'
compare "innocent entries, user attributes" -b "$BASE" "(&(objectClass=inetOrgPerson)$INNOCENT)"
compare "the volunteer named Wang Lihua" -b "$PEOPLE" '(uid=lihua.wang.community)' '*' '+'
compare "phone hit on plain staff" -b "$PEOPLE" '(telephoneNumber=+16135550196)' cn sn telephoneNumber mobile mail
compare "phone miss" -b "$PEOPLE" '(telephoneNumber=6135550199)' cn sn telephoneNumber mobile mail
compare "Yealink miss" -b "$PEOPLE" '(|(telephoneNumber=6135550193)(mobile=6135550193)(ipPhone=6135550193))'
compare "Yealink hit" -b "$PEOPLE" '(|(telephoneNumber=+1-613-555-0193)(mobile=+1-613-555-0193)(ipPhone=+1-613-555-0193))'
compare "Snom hit" -b "$PEOPLE" '(&(telephoneNumber=613.555.0194)(sn=*))'
compare "FreePBX innocent" -b "$PEOPLE" '(|(telephoneNumber=*6135550192)(mobile=*6135550192)(homeTelephoneNumber=*6135550192))'
compare "Thunderbird prefix" -b "$PEOPLE" '(|(cn=smith*)(mail=smith*)(sn=smith*))'
compare "Evolution innocent sender" -z 1 -b "$PEOPLE" '(mail=hannah.lee@agency.example.org)'
compare "Roundcube innocent" -b "$PEOPLE" '(&(objectClass=inetOrgPerson)(|(mail=*agency.example*)(cn=*agency.example*)))'
compare "unregistered number in the registered ranges" -b "$BASE" '(telephoneNumber=+16135550199)'
compare "innocent look-alike forms" -b "$FORMS" '(uid=n*)' '*' '+'
compare "base read of an innocent entry" -b "uid=jtremblay,$PEOPLE" -s base '(objectClass=*)' '*' '+'
compare "one-level list" -b "$BASE" -s one '(objectClass=*)' '*' '+'
compare "no such object" -b "ou=Nowhere,$BASE" '(objectClass=*)'
compare "size limit on innocent entries" -z 3 -b "$PEOPLE" "(&(objectClass=inetOrgPerson)$INNOCENT)" cn
compare "compare-free filter with presence" -b "$PEOPLE" '(&(mail=*)(!(mail=*example.ORG)))' mail

pg_stop ovl; pg_check "slapd ovl clean" pg_memcheck ovl
pg_finish
