#!/bin/sh
# No client adds, modifies or renames its way into or out of the annotation:
# ploguardMatch/ploguardInstruction are NO-USER-MODIFICATION (19); a spoofed
# display prefix or notes text, and a synthesized entry's name, are
# constraint violations (19); ordinary writes still work and are annotated
# on the next read when they bring a registered number.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/fixtures.sh"
pg_setup writes

P=$(pg_port 5 1)
it_server ovl "$P"
O=$PG_DIR/out

# wr DESC EXPECTED_RC  (LDIF on stdin), as the rootdn
wr() {
    d=$1 want=$2
    cat > "$O.ldif"
    pg_admin_modify "$P" -f "$O.ldif" > "$O.res" 2>&1
    rc=$?
    if [ "$want" = any ] || [ "$rc" = "$want" ]; then
        pg_pass "$d (result $rc)"
    else
        pg_fail "$d: result $rc, expected $want"
        sed 's/^/    | /' "$O.res" >&2
    fi
}

wr "modify: add ploguardMatch" 19 <<EOF
dn: uid=jtremblay,$PEOPLE
changetype: modify
add: ploguardMatch
ploguardMatch: forged
EOF
wr "modify: replace ploguardInstruction on a registered entry" 19 <<EOF
dn: uid=wang.lihua,$PEOPLE
changetype: modify
replace: ploguardInstruction
ploguardInstruction: all clear
EOF
wr "modify: delete ploguardMatch" 19 <<EOF
dn: uid=wang.lihua,$PEOPLE
changetype: modify
delete: ploguardMatch
EOF
wr "add: an entry carrying ploguardMatch" 19 <<EOF
dn: uid=forged1,$PEOPLE
changetype: add
objectClass: inetOrgPerson
uid: forged1
cn: Forged One
sn: One
ploguardMatch: forged
EOF
wr "add: a spoofed display prefix in cn" 19 <<EOF
dn: uid=forged2,$PEOPLE
changetype: add
objectClass: inetOrgPerson
uid: forged2
cn: $DECLINE_EN: Julie Tremblay
sn: Tremblay
EOF
wr "add: a spoofed display prefix in displayName" 19 <<EOF
dn: uid=forged3,$PEOPLE
changetype: add
objectClass: inetOrgPerson
uid: forged3
cn: Forged Three
sn: Three
displayName: $REFER_EN: Forged Three
EOF
wr "modify: spoofed prefix into displayName" 19 <<EOF
dn: uid=jtremblay,$PEOPLE
changetype: modify
replace: displayName
displayName: $DECLINE_EN: Julie Tremblay
EOF
wr "modify: spoofed prefix added to cn" 19 <<EOF
dn: uid=jtremblay,$PEOPLE
changetype: modify
add: cn
cn: $DECLINE_EN: Julie Tremblay
EOF
wr "modify: spoofed French prefix into displayName" 19 <<EOF
dn: uid=mgagnon,$PEOPLE
changetype: modify
replace: displayName
displayName: $DECLINE_FR: Marc Gagnon
EOF
wr "modrdn: a spoofed prefix as the new RDN" 19 <<EOF
dn: uid=hlee,$PEOPLE
changetype: modrdn
newrdn: cn=$DECLINE_EN: Hannah Lee
deleteoldrdn: 0
EOF
# The same values given only in the new entry's name: slapd merges an RDN
# value missing from the body into the entry after the overlays have run.
wr "add: a spoofed display prefix in the RDN only" 19 <<EOF
dn: cn=$DECLINE_EN: Bob Forged,$PEOPLE
changetype: add
objectClass: inetOrgPerson
sn: Forged
EOF
wr "add: a spoofed prefix in a displayName RDN only" 19 <<EOF
dn: displayName=$REFER_EN: Bob Forged,$PEOPLE
changetype: add
objectClass: inetOrgPerson
cn: Bob Forged
sn: Forged
EOF
wr "add: a spoofed prefix in a multi-valued RDN only" 19 <<EOF
dn: uid=forged5+cn=$DECLINE_FR: Bob Forged,$PEOPLE
changetype: add
objectClass: inetOrgPerson
uid: forged5
sn: Forged
EOF
wr "add: the ploguardContact class in the RDN only" 19 <<EOF
dn: cn=forged6+objectClass=ploguardContact,$PEOPLE
changetype: add
objectClass: inetOrgPerson
cn: forged6
sn: Forged
EOF
pg_search "$P" -b "$PEOPLE" '(|(cn=*Bob Forged*)(cn=forged6)(uid=forged5))' dn > "$O.rdnonly"
pg_count "$O.rdnonly" '^dn: ' 0 "... none of them was stored"
wr "add: an ordinary entry whose RDN value is only in its name" 0 <<EOF
dn: cn=Plain Rdnonly,$PEOPLE
changetype: add
objectClass: inetOrgPerson
sn: Rdnonly
EOF
pg_search "$P" -b "$PEOPLE" '(cn=Plain Rdnonly)' cn > "$O.plainrdn"
pg_has "$O.plainrdn" '^cn: Plain Rdnonly$' "... stored, its cn taken from its name"
wr "add: an entry with the ploguardContact class" 19 <<EOF
dn: uid=forged4,$PEOPLE
changetype: add
objectClass: inetOrgPerson
objectClass: ploguardContact
uid: forged4
cn: Forged Four
sn: Four
EOF
# The names of synthesized entries are reserved: an entry stored there
# would be taken for the registry record's and hide its warning.
wr "add: an entry named like a synthesized one" 19 <<EOF
dn: uid=ploguard-$CHEN_ID,$PEOPLE
changetype: add
objectClass: inetOrgPerson
uid: ploguard-$CHEN_ID
cn: Chen Jie
sn: Chen
EOF
wr "add: a synthesized name in a multi-valued RDN" 19 <<EOF
dn: cn=Chen Jie+uid=ploguard-$CHEN_ID,$PEOPLE
changetype: add
objectClass: inetOrgPerson
uid: ploguard-$CHEN_ID
cn: Chen Jie
sn: Chen
EOF
wr "modrdn: renamed to a synthesized name" 19 <<EOF
dn: uid=hlee,$PEOPLE
changetype: modrdn
newrdn: uid=ploguard-$LIU_ID
deleteoldrdn: 0
EOF
pg_search "$P" -b "$PEOPLE" '(|(telephoneNumber=6135550113)(uid=ploguard-*))' 1.1 > "$O.dup"
dups=$(grep '^dn: ' "$O.dup" | sort | uniq -d)
pg_check "no DN returned twice (duplicates: ${dups:-none})" test -z "$dups"

# A fake warning however it is written: leading blanks, other spacing and
# case, a look-alike dash; the full instruction text in the notes.
b64() { printf '%s' "$1" | base64 -w 0; }
NBHY=$(printf '\342\200\221')   # U+2011 non-breaking hyphen
wr "modify: a spoofed prefix after a leading space" 19 <<EOF
dn: uid=jtremblay,$PEOPLE
changetype: modify
replace: cn
cn:: $(b64 " $DECLINE_EN: Julie Tremblay")
EOF
wr "modify: a spoofed prefix with other spacing, in lower case" 19 <<EOF
dn: uid=jtremblay,$PEOPLE
changetype: modify
replace: displayName
displayName: $(echo "$DECLINE_EN" | tr 'A-Z' 'a-z' | sed 's/ /   /'): Julie Tremblay
EOF
wr "modify: a spoofed prefix with a non-breaking hyphen" 19 <<EOF
dn: uid=jtremblay,$PEOPLE
changetype: modify
replace: displayName
displayName:: $(b64 "$(echo "$DECLINE_EN" | sed "s/-/$NBHY/"): Julie Tremblay")
EOF
# Look-alikes and marks the comparison above lets through, caught by
# their look (UTS #39 skeleton, default-ignorable code points dropped).
# disguised DESC ATTR VALUE: a modify of jtremblay's ATTR to VALUE, refused
disguised() {
    wr "modify: a spoofed prefix $1" 19 <<EOF
dn: uid=jtremblay,$PEOPLE
changetype: modify
replace: $2
$2:: $(b64 "$3: Julie Tremblay")
EOF
}
ALM=$(printf '\330\234')          # U+061C Arabic letter mark
CYR_E=$(printf '\320\225')        # U+0415 Cyrillic capital Ie, as E
VS16=$(printf '\357\270\217')     # U+FE0F variation selector
FW_DECLINE=$(printf '\357\274\244\357\274\245\357\274\243\357\274\254\357\274\251\357\274\256\357\274\245')
disguised "behind an Arabic letter mark" displayName "$ALM$DECLINE_EN"
disguised "with a Cyrillic E" displayName "$(echo "$DECLINE_EN" | sed "s/^D./D$CYR_E/")"
disguised "in fullwidth letters" displayName "$FW_DECLINE-REFER ILDC"
disguised "with a 1 for the I" cn "DECL1NE-REFER ILDC"
disguised "with variation selectors among its letters" displayName "D${VS16}ECLINE-REFER ILDC"
ZWSP=$(printf '\342\200\213')        # U+200B zero-width space
BRAILLE=$(printf '\342\240\200')     # U+2800 braille blank
HANGUL=$(printf '\343\205\244')      # U+3164 Hangul filler
many() { _m=; _k=0; while [ $_k -lt "$2" ]; do _m=$_m$1; _k=$((_k + 1)); done; printf '%s' "$_m"; }
disguised "padded with 80 zero-width spaces" displayName "D$(many "$ZWSP" 80)ECLINE-REFER ILDC"
disguised "behind 100 braille blanks" displayName "$(many "$BRAILLE" 100)DECLINE-REFER ILDC"
disguised "with a Hangul filler for its space and a Cyrillic E" displayName \
    "D${CYR_E}CLINE-REFER${HANGUL}ILDC"
wr "modify: an ordinary name that merely starts alike" 0 <<EOF
dn: uid=jtremblay,$PEOPLE
changetype: modify
replace: displayName
displayName: Declan Refer
EOF
DECLINE_TEXT_EN=$(sed -n 's/.*"en": "\(This is a PRC diplomat[^"]*\)".*/\1/p' "$PG_TESTDATA/registry.json" | head -n 1)
pg_check "the test registry's instruction text was found" test -n "$DECLINE_TEXT_EN"
wr "modify: the full instruction text into description" 19 <<EOF
dn: uid=jtremblay,$PEOPLE
changetype: modify
replace: description
description: $DECLINE_TEXT_EN
EOF
wr "modify: a spoofed prefix into description" 19 <<EOF
dn: uid=jtremblay,$PEOPLE
changetype: modify
add: description
description: $DECLINE_FR: Julie Tremblay
EOF
wr "modify: an ordinary description" 0 <<EOF
dn: uid=jtremblay,$PEOPLE
changetype: modify
replace: description
description: Declined the invitation to the 2025 forum; see the ILDC note
EOF

# Nothing of the forged writes landed.
pg_search "$P" -M -b "$PEOPLE" '(|(uid=forged*)(uid=jtremblay)(uid=mgagnon)(uid=hlee)(uid=ploguard-*))' cn displayName > "$O.after"
pg_count "$O.after" '^dn: ' 3 "no forged entry exists"
pg_hasnt "$O.after" "$DECLINE_EN|$REFER_EN|$DECLINE_FR" "no spoofed prefix was stored"

# Ordinary writes work.
wr "modify: an ordinary title change" 0 <<EOF
dn: uid=jtremblay,$PEOPLE
changetype: modify
replace: title
title: Chief of Police (acting)
EOF
wr "modify: a registered contact's title" 0 <<EOF
dn: uid=wang.lihua,$PEOPLE
changetype: modify
replace: title
title: Liaison contact
EOF
wr "add: an ordinary contact" 0 <<EOF
dn: uid=newcontact,$PEOPLE
changetype: add
objectClass: inetOrgPerson
uid: newcontact
cn: New Contact
sn: Contact
telephoneNumber: +1 613 555 0199
EOF
wr "modify: the new contact gets a registered number" 0 <<EOF
dn: uid=newcontact,$PEOPLE
changetype: modify
replace: telephoneNumber
telephoneNumber: 613-555-0113
EOF
pg_search "$P" -b "$PEOPLE" '(uid=newcontact)' cn > "$O.new"
pg_has "$O.new" "^cn: $DECLINE_EN.*: New Contact$" "the changed entry is annotated on the next read"
pg_search "$P" -M -b "$PEOPLE" '(uid=newcontact)' cn > "$O.newraw"
pg_count "$O.newraw" '^cn: ' 1 "... but the annotation was not stored"
pg_search "$P" -b "$PEOPLE" '(|(telephoneNumber=6135550113)(telephoneNumber=613-555-0113))' cn > "$O.nosyn"
pg_hasnt "$O.nosyn" '^dn: uid=ploguard-' "now in the directory: no synthesized entry"
wr "modrdn: an ordinary rename" 0 <<EOF
dn: uid=newcontact,$PEOPLE
changetype: modrdn
newrdn: uid=newcontact2
deleteoldrdn: 1
EOF
wr "delete: an ordinary delete" 0 <<EOF
dn: uid=newcontact2,$PEOPLE
changetype: delete
EOF

# A number stored under a tagged attribute (telephoneNumber;lang-en) is the
# attribute's value like any other: annotated, and no synthesized entry.
wr "add: a contact whose registered number is in a tagged attribute" 0 <<EOF
dn: uid=tagged,$PEOPLE
changetype: add
objectClass: inetOrgPerson
uid: tagged
cn: Tagged Phone
sn: Phone
telephoneNumber;lang-en: +1 613 555 0113
EOF
pg_search "$P" -b "$PEOPLE" '(telephoneNumber=+16135550113)' cn > "$O.tag"
pg_has "$O.tag" "^cn: $DECLINE_EN.*: Tagged Phone$" "a tagged phone value is annotated"
pg_hasnt "$O.tag" '^dn: uid=ploguard-' "... and answers the caller: no synthesized entry"
wr "delete: the tagged contact" 0 <<EOF
dn: uid=tagged,$PEOPLE
changetype: delete
EOF

pg_stop ovl; pg_check "slapd ovl clean" pg_memcheck ovl
pg_finish
