#!/bin/sh
# What must never produce a warning: a partial number typed while dialing,
# a withheld caller, a name alone, a NOT filter, a non-phone attribute, a
# bare domain; and manageDSAit traffic is never annotated.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/fixtures.sh"
pg_setup never

P=$(pg_port 3 1)
it_server ovl "$P"
O=$PG_DIR/out
i=0

# nothing FILTER DESC [base]: no synthesized entry, no prefix anywhere,
# and a successful (or size-limited) result.
nothing() {
    i=$((i + 1))
    pg_search "$P" -b "${3:-$PEOPLE}" "$1" '*' '+' > "$O.$i" 2>&1
    rc=$?
    pg_unb64 "$O.$i" > "$O.$i.txt"
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ]; then
        pg_fail "$2: ldapsearch exit $rc"
        sed 's/^/    | /' "$O.$i" >&2
    elif grep -q '^dn: uid=ploguard-' "$O.$i.txt"; then
        pg_fail "$2: a synthesized entry came back for $1"
        grep '^dn: uid=ploguard-' "$O.$i.txt" >&2
    else
        pg_pass "$2"
    fi
}

# partial numbers while dialing (Yealink search-as-you-dial, prefixes)
for part in 6 61 613 6135 61355 613555 6135550 61355501 613555011 +1613555011 1613555011 0113 5550113 55501; do
    nothing "(|(telephoneNumber=$part*)(mobile=$part*)(ipPhone=$part*))" "dialing $part..., prefix search"
    nothing "(|(telephoneNumber=$part)(mobile=$part)(ipPhone=$part))" "dialing $part..., equality"
done
nothing '(|(telephoneNumber=*555011*)(mobile=*555011*))' "partial digits inside a substring"
nothing '(|(telephoneNumber=*0113)(mobile=*0113)(homeTelephoneNumber=*0113))' "FreePBX with a short tail"

# withheld callers
for w in anonymous Anonymous Restricted RESTRICTED Private Unavailable unknown 'Unknown' 0 '+' '-'; do
    nothing "(|(telephoneNumber=$w)(mobile=$w)(ipPhone=$w))" "withheld caller '$w'"
done
nothing '(telephoneNumber=)' "empty assertion"
nothing '(telephoneNumber=sip:anonymous@anonymous.invalid)' "anonymous SIP URI"

# a name alone (the registered Chen Jie and Liu Yang are not in the directory)
nothing '(cn=Chen Jie)' "name alone, cn"
nothing '(displayName=Chen Jie)' "name alone, displayName"
nothing '(sn=Chen)' "family name alone"
nothing '(|(cn=Chen*Jie*)(mail=Chen*Jie*)(sn=Chen*Jie*))' "Thunderbird, a name typed"
nothing '(|(cn=Liu*)(mail=Liu*)(sn=Liu*))' "Thunderbird, a family name typed"
nothing '(|(cn=chen.jie@diplo*)(mail=chen.jie@diplo*)(sn=chen.jie@diplo*))' "Thunderbird, an address half typed"
nothing '(&(objectClass=inetOrgPerson)(|(mail=*Chen Jie*)(cn=*Chen Jie*)))' "Roundcube, a name"
nothing '(&(objectClass=inetOrgPerson)(|(mail=*liu.yang*)(cn=*liu.yang*)))' "Roundcube, an address's local part"

# NOT filters
nothing '(!(telephoneNumber=+16135550113))' "NOT of a registered number"
nothing '(&(objectClass=inetOrgPerson)(!(mail=chen.jie@diplo.example.test)))' "AND NOT of a registered address"
nothing '(!(|(telephoneNumber=+16135550113)(mobile=+16135550113)))' "NOT of a Yealink OR"

# identifiers on attributes that are not phone or mail attributes
nothing '(title=+16135550113)' "a number on title"
nothing '(description=chen.jie@diplo.example.test)' "an address on description"
nothing '(uid=6135550113)' "a number on uid"

# bare domains and unregistered look-alikes
nothing '(mail=*@diplo.example.test)' "a domain, not an address"
nothing '(mail=*@embassy.example.test)' "a registered domain alone"
nothing '(mail=chen.jie@diplo.example.test.evil.test)' "a longer domain"
nothing '(mail=xchen.jie@diplo.example.test)' "a longer local part"
nothing '(telephoneNumber=+16135550199)' "an unregistered number"
nothing '(telephoneNumber=+16135550113999)' "a registered number with digits appended"

# manageDSAit: the administrator's raw view, never annotated or synthesized
pg_search "$P" -M -b "$PEOPLE" '(uid=wang.lihua)' '*' '+' > "$O.mdsa"
pg_count "$O.mdsa" '^cn: ' 1 "manageDSAit: one cn value, as stored"
pg_count "$O.mdsa" '^cn: Wang Lihua$' 1 "manageDSAit: no prefix"
pg_hasnt "$O.mdsa" '^ploguard|rcmp-grc' "manageDSAit: no annotation"
pg_search "$P" -M -b "$PEOPLE" '(telephoneNumber=+16135550113)' > "$O.mdsa2"
pg_count "$O.mdsa2" '^dn: ' 0 "manageDSAit: no synthesized entry"

pg_stop ovl; pg_check "slapd ovl clean" pg_memcheck ovl
pg_finish
