#!/bin/sh
# The verdict cache (slapd-overlay/verdict.h): an entry once found to
# match nothing is not checked again until it is written, the registry
# changes or the configuration changes.  Every way an entry can come to
# match is tried on entries whose "nothing" was just remembered (each is
# searched three times first), and each must come back annotated:
#   - a modify that gives the entry a registered number (a new entryCSN);
#   - a modrdn whose new RDN is a registered number;
#   - a delete and an add of the same DN with a registered number;
#   - a new registry that registers the entry's number;
#   - a cn=config change of ploguard-phone-attrs that adds the attribute
#     holding a registered number;
#   - a modify under "lastmod off" (the entryCSN stays): the cache stops,
#     says so in the log, and starts again when ploguard-verdict-cache is
#     set;
#   - the same with the cache configured to 0 slots.
# Bad ploguard-verdict-cache values are refused naming the value.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/fixtures.sh"
pg_setup verdicts

P=$(pg_port 16 1)
O=$PG_DIR/out
DB='olcDatabase={1}mdb,cn=config'
WANG_PHONE="+1 613 555 0142"     # registered (fixtures.sh)

PG_OVL_EXTRA="ploguard-reload-interval 1" pg_conf srv
cat "$PG_SAMPLE_LDIF" "$PG_TESTDATA/forms.ldif" > "$PG_DIR/all.ldif"
pg_load srv "$PG_DIR/all.ldif"
pg_confdir srv
pg_start_or_die srv "$P" dir
OVL=$(pg_config_search "$P" -b "$DB" -s one '(objectClass=olcPloguardConfig)' 1.1 | sed -n 's/^dn: //p')
pg_check "the overlay entry is $OVL" test -n "$OVL"
REG=$PG_DIR/srv/registry.json

# Entries of innocent people, numbers 613-555-0171..0179 (none registered).
person() { # uid phone-attr phone
    cat <<EOF
dn: uid=$1,$PEOPLE
changetype: add
objectClass: inetOrgPerson
uid: $1
cn: Test $1
sn: $1
$2: $3

EOF
}
{
    person vc.one telephoneNumber "+1 613 555 0171"
    person vc.two telephoneNumber "+1 613 555 0172"
    person vc.three mobile "$WANG_PHONE"
    person vc.four telephoneNumber "+1 613 555 0174"
    person vc.five telephoneNumber "+1 613 555 0175"
    person vc.six telephoneNumber "+1 613 555 0176"
    person vc.seven telephoneNumber "+1 613 555 0177"
} > "$PG_DIR/people.ldif"
pg_admin_modify "$P" -f "$PG_DIR/people.ldif" > "$O.add" 2>&1
pg_rc 0 $? "the test people are added"

# look UID -> 0 when the entry comes back annotated (prefix and match)
look() {
    pg_search "$P" -b "$PEOPLE" "(uid=$1)" cn ploguardMatch > "$O.look" 2>&1
    grep -q "^cn: $DECLINE_EN" "$O.look" && grep -q '^ploguardMatch: ' "$O.look"
}
# remember UID: searched three times, matching nothing each time (the
# first finds and stores the verdict, the others are answered from it)
remember() {
    _ok=0
    for _i in 1 2 3; do
        look "$1" && _ok=1
        pg_search "$P" -b "$PEOPLE" '(|(cn=Test*)(sn=vc*))' cn > /dev/null 2>&1
    done
    [ "$_ok" = 0 ]
}
cfg() { # DESC EXPECTED_RC (LDIF on stdin)
    cat > "$O.cfg.ldif"
    pg_config_modify "$P" -f "$O.cfg.ldif" > "$O.cfg" 2>&1
    _rc=$?
    if [ "$2" = fail ]; then
        if [ "$_rc" -ne 0 ]; then pg_pass "$1 (refused, result $_rc)"; else pg_fail "$1: accepted"; fi
    else
        pg_rc "$2" "$_rc" "$1"
        [ "$_rc" = "$2" ] || sed 's/^/    | /' "$O.cfg" >&2
    fi
}
csn() { # UID -> entryCSN
    pg_search "$P" -b "$PEOPLE" "(uid=$1)" entryCSN | sed -n 's/^entryCSN: //p'
}
phone() { # UID VALUE: replace telephoneNumber as the rootdn
    printf 'dn: uid=%s,%s\nchangetype: modify\nreplace: telephoneNumber\ntelephoneNumber: %s\n' \
        "$1" "$PEOPLE" "$2" | pg_admin_modify "$P" > "$O.mod" 2>&1
}

pg_config_search "$P" -b "$OVL" -s base olcPloguardVerdictCache > "$O.emit"
pg_has "$O.emit" '^olcPloguardVerdictCache: 65536$' "the default is 65536 slots, shown in cn=config"

# ------------------------------------------------ a write: a new entryCSN
pg_check "vc.one matches nothing (remembered)" remember vc.one
phone vc.one "$WANG_PHONE"
pg_rc 0 $? "vc.one is given a registered number"
pg_check "... and is annotated at once" look vc.one
phone vc.one "+1 613 555 0171"
pg_check "... and not once its number is innocent again" pg_not look vc.one

# ------------------------------------------------ a write elsewhere first
# vc.one keeps its verdict (its entryCSN is the same) until it is written
pg_check "vc.one matches nothing (remembered)" remember vc.one
phone vc.two "+1 613 555 0172"
pg_rc 0 $? "vc.two is written (the same number)"
pg_check "vc.one still matches nothing after a write elsewhere" remember vc.one
phone vc.one "$WANG_PHONE"
pg_rc 0 $? "vc.one is given a registered number"
pg_check "... and is annotated at once" look vc.one
phone vc.one "+1 613 555 0171"
pg_check "... and not once its number is innocent again" pg_not look vc.one

# ------------------------------------------------ modrdn
pg_check "vc.six matches nothing (remembered)" remember vc.six
printf 'dn: uid=vc.six,%s\nchangetype: modrdn\nnewrdn: telephoneNumber=\\+16135550142\ndeleteoldrdn: 0\n' \
    "$PEOPLE" | pg_admin_modify "$P" > "$O.mrdn" 2>&1
pg_rc 0 $? "vc.six renamed to a registered number (old RDN kept)"
pg_check "... and is annotated at once" look vc.six

# ------------------------------------------------ delete, then add again
pg_check "vc.seven matches nothing (remembered)" remember vc.seven
printf 'dn: uid=vc.seven,%s\nchangetype: delete\n' "$PEOPLE" | pg_admin_modify "$P" > "$O.del" 2>&1
pg_rc 0 $? "vc.seven deleted"
person vc.seven telephoneNumber "$WANG_PHONE" | pg_admin_modify "$P" > "$O.add7" 2>&1
pg_rc 0 $? "vc.seven added again with a registered number"
pg_check "... and is annotated at once" look vc.seven

# ------------------------------------------------ a new registry
pg_check "vc.two matches nothing (remembered)" remember vc.two
perl -0pe 's/"seq": 7/"seq": 8/; s/"people": \[/"people": [\n    {"id": "person-vc-two-test", "role": "plo", "names": [{"family": "Vee", "given": "Two"}], "phones": ["+1 613 555 0172"], "status": "active", "instruction": "decline"},/' \
    "$PG_TESTDATA/registry.json" > "$REG.tmp"
grep -q person-vc-two-test "$REG.tmp" || pg_die "could not derive the registry"
chmod 644 "$REG.tmp" && mv -f "$REG.tmp" "$REG"
pg_check "the registry registering vc.two's number is loaded" \
    pg_wait_log srv 'registry .* seq 8 loaded' 15
pg_check "... and vc.two is annotated" look vc.two
pg_has "$O.look" '^ploguardMatch: .*person-vc-two-test' "... as the new registry's person"

# ------------------------------------------------ configuration
cfg "ploguard-phone-attrs without mobile" 0 <<EOF
dn: $OVL
changetype: modify
replace: olcPloguardPhoneAttrs
olcPloguardPhoneAttrs: telephoneNumber homePhone
EOF
pg_check "vc.three (a registered mobile) matches nothing (remembered)" remember vc.three
cfg "ploguard-phone-attrs with mobile" 0 <<EOF
dn: $OVL
changetype: modify
replace: olcPloguardPhoneAttrs
olcPloguardPhoneAttrs: telephoneNumber mobile homePhone
EOF
pg_check "... and vc.three is annotated at once" look vc.three

# ------------------------------------------------ lastmod off: no new entryCSN
pg_check "vc.four matches nothing (remembered)" remember vc.four
cfg "lastmod off" 0 <<EOF
dn: $DB
changetype: modify
replace: olcLastMod
olcLastMod: FALSE
EOF
csn_before=$(csn vc.four)
phone vc.four "$WANG_PHONE"
pg_rc 0 $? "vc.four is given a registered number under lastmod off"
csn_after=$(csn vc.four)
pg_check "... which keeps its entryCSN ($csn_after)" test -n "$csn_after" -a "$csn_before" = "$csn_after"
pg_check "the log says the verdict cache stopped" \
    pg_wait_log srv 'ploguard: the write to "uid=vc.four,.*without a new entryCSN \(lastmod off\): the verdict cache is off' 5
pg_check "... vc.four is annotated under lastmod off" look vc.four
cfg "lastmod on" 0 <<EOF
dn: $DB
changetype: modify
replace: olcLastMod
olcLastMod: TRUE
EOF
pg_check "... and after lastmod is on again" look vc.four
pg_check "vc.five matches nothing (the cache is off)" remember vc.five
cfg "ploguard-verdict-cache set again" 0 <<EOF
dn: $OVL
changetype: modify
replace: olcPloguardVerdictCache
olcPloguardVerdictCache: 1024
EOF
pg_check "vc.five matches nothing (remembered again)" remember vc.five
phone vc.five "$WANG_PHONE"
pg_check "... and is annotated once given a registered number" look vc.five

# ------------------------------------------------ values
badval() {
    cfg "olcPloguardVerdictCache: $1 refused" fail <<EOF
dn: $OVL
changetype: modify
replace: olcPloguardVerdictCache
olcPloguardVerdictCache: $1
EOF
    pg_has "$O.cfg" "$2" "... naming the value and the reason"
}
badval -1 '"-1" refused: must be a whole number of slots'
badval 4194305 '"4194305" refused: must be a whole number of slots'
badval 12abc 'invalid|refused'
cfg "olcPloguardVerdictCache: 0 (no cache)" 0 <<EOF
dn: $OVL
changetype: modify
replace: olcPloguardVerdictCache
olcPloguardVerdictCache: 0
EOF
phone vc.one "+1 613 555 0171"
pg_check "without a cache: vc.one matches nothing" remember vc.one
phone vc.one "$WANG_PHONE"
pg_check "... and is annotated once given a registered number" look vc.one
cfg "delete olcPloguardVerdictCache (back to the default)" 0 <<EOF
dn: $OVL
changetype: modify
delete: olcPloguardVerdictCache
EOF
pg_config_search "$P" -b "$OVL" -s base olcPloguardVerdictCache > "$O.emit"
pg_hasnt "$O.emit" '^olcPloguardVerdictCache:' "... gone from cn=config (the default, 65536, applies)"
phone vc.one "+1 613 555 0171"
pg_check "vc.one matches nothing (remembered)" remember vc.one
phone vc.one "$WANG_PHONE"
pg_check "... and is annotated once given a registered number" look vc.one

pg_stop srv; pg_check "slapd srv clean" pg_memcheck srv
pg_finish
