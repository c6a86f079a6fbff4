#!/bin/sh
# Unknown registered callers: each real client's filter, with the number
# (or address) in several raw forms, gets one synthesized entry
# uid=ploguard-<id>,<search base> holding the asserted value verbatim,
# passing the client's whole filter; a registered contact who IS in the
# directory is answered by the directory, never synthesized twice.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/fixtures.sh"
pg_setup clients

P=$(pg_port 2 1)
it_server ovl "$P"
O=$PG_DIR/out
i=0

# synth DESC EXPECTED_DN VERBATIM_ATTR VERBATIM_VALUE [ldapsearch args]
synth() {
    d=$1 dn=$2 attr=$3 val=$4
    shift 4
    i=$((i + 1))
    pg_search "$P" "$@" > "$O.$i" 2>&1
    rc=$?
    pg_unb64 "$O.$i" > "$O.$i.txt"
    if [ "$rc" -ne 0 ]; then pg_fail "$d: ldapsearch exit $rc"; sed 's/^/    | /' "$O.$i" >&2; return; fi
    if [ "$(pg_entries "$O.$i.txt")" != 1 ] || ! grep -qx "dn: $dn" "$O.$i.txt"; then
        pg_fail "$d: expected exactly one entry $dn, got:"
        sed 's/^/    | /' "$O.$i.txt" | head -n 30 >&2
        return
    fi
    if [ -n "$attr" ] && ! grep -qxF "$attr: $val" "$O.$i.txt"; then
        pg_fail "$d: the entry should hold '$attr: $val' verbatim:"
        sed 's/^/    | /' "$O.$i.txt" | head -n 30 >&2
        return
    fi
    pg_pass "$d"
}

# --- Yealink: (|(telephoneNumber=%)(mobile=%)(ipPhone=%)), caller id as sent
for num in 6135550113 16135550113 +16135550113 '+1 613 555 0113' 613-555-0113 \
           '1-613-555-0113' '+1 \28613\29 555-0113' 011-1-613-555-0113 96135550113; do
    raw=$(printf '%s' "$num" | sed 's/\\28/(/; s/\\29/)/')
    synth "Yealink, caller $raw" "$CHEN_DN" telephoneNumber "$raw" \
        -b "$PEOPLE" "(|(telephoneNumber=$num)(mobile=$num)(ipPhone=$num))"
done
synth "Yealink, UK caller" "$LIU_DN" telephoneNumber "+442079460177" \
    -b "$PEOPLE" "(|(telephoneNumber=+442079460177)(mobile=+442079460177)(ipPhone=+442079460177))"
synth "Yealink, UK caller dialed with 011" "$LIU_DN" telephoneNumber "011442079460177" \
    -b "$PEOPLE" "(|(telephoneNumber=011442079460177)(mobile=011442079460177)(ipPhone=011442079460177))"
synth "Yealink, mobile asserted alone" "$CHEN_DN" mobile "6135550113" \
    -b "$PEOPLE" "(mobile=6135550113)"
synth "Yealink: the number on every attribute asserted (mobile too)" "$CHEN_DN" mobile "613-555-0113" \
    -b "$PEOPLE" "(|(telephoneNumber=613-555-0113)(mobile=613-555-0113)(ipPhone=613-555-0113))"

# One number on two attributes where the filter needs both, or needs the
# second: the entry holds it on each (not only on the first asserted).
synth "one number on two attributes, ANDed" "$CHEN_DN" mobile "613-555-0113" \
    -b "$PEOPLE" "(&(telephoneNumber=613-555-0113)(mobile=613-555-0113))"
synth "one number in OR branches that need different attributes" "$CHEN_DN" mobile "6135550113" \
    -b "$PEOPLE" "(|(&(objectClass=organization)(telephoneNumber=6135550113))(&(objectClass=inetOrgPerson)(mobile=6135550113)))"
# on every phone attribute of this schema: the entry holds it on each and
# still carries the whole instruction, once
many="(|(telephoneNumber=6135550113)(mobile=6135550113)(homePhone=6135550113)(pager=6135550113))"
synth "one number on four attributes" "$CHEN_DN" pager "6135550113" \
    -b "$PEOPLE" "$many" '*' ploguardMatch ploguardInstruction
f=$O.$i.txt
pg_has "$f" "^description: .*$ILDC_MAIL" "... the notes name the ILDC"
pg_check "... one ploguardMatch" test "$(grep -c '^ploguardMatch: ' "$f")" = 1
pg_check "... the prefix once in cn" test "$(grep -c "^cn: $DECLINE_EN" "$f")" = 1
pg_hasnt "$f" "^cn: $DECLINE_EN.*$DECLINE_EN" "... and not twice in one value"

# What the phone shows: displayName/cn with the prefix, naming the person.
f=$O.1.txt
pg_has "$f" "^displayName: $DECLINE_EN.*Chen Jie" "synthesized displayName shows the instruction and the name"
pg_has "$f" "^cn: $DECLINE_EN.*Chen Jie" "synthesized cn shows the instruction and the name"
pg_has "$f" '^sn: ' "synthesized entry has sn"
pg_has "$f" '^objectClass: inetOrgPerson$' "synthesized entry is an inetOrgPerson"
pg_has "$f" '^objectClass: ploguardContact$' "synthesized entry has the ploguardContact auxiliary class"
pg_has "$f" "^description: .*$ILDC_MAIL" "synthesized notes name the ILDC"
pg_has "$f" "^description: .*$INTERPOL_MAIL" "synthesized notes name INTERPOL Ottawa"
pg_hasnt "$f" '^ploguard(Match|Instruction):' "operational attributes not sent unasked"
pg_search "$P" -b "$PEOPLE" '(telephoneNumber=+16135550113)' '*' '+' > "$O.plus"
pg_has "$O.plus" "^ploguardMatch: .*$CHEN_ID" "synthesized ploguardMatch names the entity (with +)"
pg_has "$O.plus" '^ploguardInstruction: ' "synthesized ploguardInstruction (with +)"

# The whole synthesized entry, byte for byte (default languages en fr).
pg_search "$P" -b "$PEOPLE" '(telephoneNumber=+16135550113)' '*' ploguardInstruction ploguardMatch > "$O.whole"
pg_same "$PG_TESTDATA/expected/chen-jie-synthesized.ldif" "$O.whole" "the synthesized entry is exactly expected/chen-jie-synthesized.ldif"

# The rest of the filter is tested against the synthesized entry's
# normalized values, as it would be against a stored entry's: case and
# inner spaces do not matter, and a false condition hides it.
N=+16135550113
synth "filter: cn in other case" "$CHEN_DN" "" "" \
    -b "$PEOPLE" "(&(telephoneNumber=$N)(cn=chen  JIE))"
synth "filter: the prefixed displayName, substring in lower case" "$CHEN_DN" "" "" \
    -b "$PEOPLE" "(&(telephoneNumber=$N)(displayName=decline-refer*chen jie))"
synth "filter: uid in upper case" "$CHEN_DN" "" "" \
    -b "$PEOPLE" "(&(telephoneNumber=$N)(uid=PLOGUARD-$CHEN_ID))"
synth "filter: ploguardMatch, mixed case" "$CHEN_DN" "" "" \
    -b "$PEOPLE" "(&(telephoneNumber=$N)(ploguardMatch=*Entity=$CHEN_ID*STALE=no))"
synth "filter: the notes, mixed case" "$CHEN_DN" "" "" \
    -b "$PEOPLE" "(&(telephoneNumber=$N)(description=*interpolottawa@RCMP-GRC.gc.ca*))"
synth "filter: objectClass" "$CHEN_DN" "" "" \
    -b "$PEOPLE" "(&(telephoneNumber=$N)(objectClass=PLOGUARDCONTACT)(hasSubordinates=FALSE))"
pg_search "$P" -b "$PEOPLE" "(&(telephoneNumber=$N)(cn=somebody else))" 1.1 > "$O.falsecn"
if [ "$(pg_entries "$O.falsecn")" = 0 ]; then pg_pass "filter: a false condition hides it"
else pg_fail "filter: a false condition should hide the synthesized entry"; fi
pg_search "$P" -b "$PEOPLE" "(&(telephoneNumber=$N)(!(uid=ploguard-$CHEN_ID)))" 1.1 > "$O.notuid"
if [ "$(pg_entries "$O.notuid")" = 0 ]; then pg_pass "filter: NOT of its uid hides it"
else pg_fail "filter: (!(uid=...)) should hide the synthesized entry"; fi

# The asserted value is read back from the request's own octets (filter.c):
# long-form BER lengths (a request and an OR set over 255 octets), a deep
# nesting, and an element slapd computed away (an undefined attribute) in
# front of the assertion must not lose it.
LONG=$(printf '%0300d' 0 | tr 0 x)
synth "raw value behind long-form lengths" "$CHEN_DN" telephoneNumber "+1 613 555 0113" \
    -b "$PEOPLE" "(|(cn=$LONG)(telephoneNumber=+1 613 555 0113)(sn=$LONG))"
DEEP="(telephoneNumber=1-613-555-0113)"
for _d in 1 2 3 4 5 6 7 8 9 10; do DEEP="(&$DEEP)"; done
synth "raw value nested ten deep" "$CHEN_DN" telephoneNumber "1-613-555-0113" \
    -b "$PEOPLE" "$DEEP"
synth "raw value after an undefined attribute" "$CHEN_DN" telephoneNumber "613.555.0113" \
    -b "$PEOPLE" "(|(noSuchAttributeHere=1)(telephoneNumber=613.555.0113))"

# --- Snom: (&(telephoneNumber=%)(sn=*))
for num in 6135550113 +16135550113 16135550113; do
    synth "Snom, caller $num" "$CHEN_DN" telephoneNumber "$num" \
        -b "$PEOPLE" "(&(telephoneNumber=$num)(sn=*))"
done

# --- FreePBX CID Superfecta: (|(telephoneNumber=*N)(mobile=*N)(homeTelephoneNumber=*N))
for num in 6135550113 16135550113 +16135550113; do
    synth "FreePBX Superfecta, *$num" "$CHEN_DN" "" "" \
        -b "$PEOPLE" "(|(telephoneNumber=*$num)(mobile=*$num)(homeTelephoneNumber=*$num))"
    if grep -q "$num" "$O.$i.txt"; then pg_pass "FreePBX: the asserted digits $num are in the entry"
    else pg_fail "FreePBX: the asserted digits $num should be in the entry"; fi
done

# --- AudioCodes: (telephoneNumber=+...)
synth "AudioCodes +E.164" "$CHEN_DN" telephoneNumber "+16135550113" -b "$PEOPLE" '(telephoneNumber=+16135550113)'
synth "AudioCodes +E.164, UK" "$LIU_DN" telephoneNumber "+442079460177" -b "$PEOPLE" '(telephoneNumber=+442079460177)'

# --- Thunderbird autocomplete: (|(cn=%v1*%v2-*)(mail=%v1*%v2-*)(sn=%v1*%v2-*)),
# the user having typed a whole registered address.
for addr in "$CHEN_MAIL" 'Chen.Jie@Diplo.Example.Test'; do
    synth "Thunderbird, typed $addr" "$CHEN_DN" "" "" \
        -b "$PEOPLE" "(|(cn=$addr*)(mail=$addr*)(sn=$addr*))"
done
pg_has "$O.$i.txt" '^mail: Chen.Jie@Diplo.Example.Test' "Thunderbird: the typed address comes back as typed"

# --- Evolution's sender check: (mail=addr) with size limit 1
synth "Evolution sender check" "$CHEN_DN" mail "$CHEN_MAIL" -z 1 -b "$PEOPLE" "(mail=$CHEN_MAIL)"
synth "Evolution sender check, other case" "$LIU_DN" mail "Liu.Yang@Example.org" -z 1 -b "$PEOPLE" "(mail=Liu.Yang@Example.org)"

# --- Roundcube: (&(objectClass=inetOrgPerson)(|(mail=*X*)(cn=*X*)))
synth "Roundcube, whole address" "$LIU_DN" "" "" \
    -b "$PEOPLE" "(&(objectClass=inetOrgPerson)(|(mail=*$LIU_MAIL*)(cn=*$LIU_MAIL*)))"
pg_has "$O.$i.txt" "^mail: .*$LIU_MAIL" "Roundcube: the entry holds the address"

# --- a number in a mission's whole block (+1613555014x), not in the directory
synth "mission phone block, caller +16135550148" "uid=ploguard-$MISSION_ID,$PEOPLE" telephoneNumber "+16135550148" \
    -b "$PEOPLE" '(|(telephoneNumber=+16135550148)(mobile=+16135550148)(ipPhone=+16135550148))'

# --- base read of the synthesized DN
synth "base-scope read of the synthesized DN" "$CHEN_DN" "" "" -b "$CHEN_DN" -s base '(objectClass=*)'
# a DN's case does not count (uid is caseIgnore): the entry comes back
# under the DN asked for, as slapd writes it ("UID=" becomes "uid=")
CHEN_UPPER=$(printf '%s' "ploguard-$CHEN_ID" | tr 'a-z' 'A-Z')
synth "base-scope read, the DN in upper case" "uid=$CHEN_UPPER,$PEOPLE" "" "" \
    -b "UID=$CHEN_UPPER,$PEOPLE" -s base '(objectClass=*)'

# --- scope: the entry is a child of the search base
pg_search "$P" -b "$PEOPLE" -s base '(telephoneNumber=+16135550113)' > "$O.scope"
pg_count "$O.scope" '^dn: ' 0 "base scope on the container: no synthesized child"
synth "one-level scope" "$CHEN_DN" "" "" -b "$PEOPLE" -s one '(telephoneNumber=+16135550113)'
synth "search based at the suffix" "uid=ploguard-$CHEN_ID,$BASE" "" "" -b "$BASE" -s one '(telephoneNumber=+16135550113)'

# --- the whole filter must pass: a contradicting AND gets nothing
pg_search "$P" -b "$PEOPLE" '(&(telephoneNumber=+16135550113)(sn=Tremblay))' > "$O.and"
pg_count "$O.and" '^dn: ' 0 "test_filter: (&(phone)(sn=Tremblay)) gets no synthesized entry"
pg_search "$P" -b "$PEOPLE" '(&(telephoneNumber=+16135550113)(objectClass=groupOfNames))' > "$O.and2"
pg_count "$O.and2" '^dn: ' 0 "test_filter: wrong objectClass gets nothing"

# --- in the directory: answered by the real entry, not synthesized twice
for flt in '(telephoneNumber=+1 613 555 0142)' '(telephoneNumber=+16135550142)' \
           '(|(telephoneNumber=+16135550142)(mobile=+16135550142)(ipPhone=+16135550142))' \
           '(&(telephoneNumber=+16135550142)(sn=*))' \
           '(|(telephoneNumber=*6135550142)(mobile=*6135550142)(homeTelephoneNumber=*6135550142))'; do
    pg_search "$P" -b "$PEOPLE" "$flt" cn > "$O.twice"
    pg_count "$O.twice" '^dn: ' 1 "in the directory, one entry only for $flt"
    pg_count "$O.twice" "^dn: uid=wang.lihua,$PEOPLE$" 1 "... the real one, uid=wang.lihua"
    pg_has "$O.twice" "^cn: $DECLINE_EN" "... annotated"
done
pg_search "$P" -b "$PEOPLE" "(mail=ada.marlow@plo.example.org)" cn > "$O.twice"
pg_count "$O.twice" '^dn: ' 1 "mail in the directory: one entry (uid=ada.marlow)"
pg_count "$O.twice" "^dn: uid=ada.marlow,$PEOPLE$" 1 "... the real one"

pg_stop ovl; pg_check "slapd ovl clean" pg_memcheck ovl
pg_finish
