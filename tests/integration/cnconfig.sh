#!/bin/sh
# cn=config at run time: load the module and add the overlay to a running
# slapd with ldapmodify, modify directives (a bad value refused naming it,
# slapd going on with the last good configuration; a good value applied at
# once), change the registry path, delete the overlay entry, and restart
# from the slapd.d it left.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/fixtures.sh"
pg_setup cnconfig

P=$(pg_port 8 1)
O=$PG_DIR/out
DB='olcDatabase={1}mdb,cn=config'

PG_OVERLAY=0 pg_conf srv
cat "$PG_SAMPLE_LDIF" "$PG_TESTDATA/forms.ldif" > "$PG_DIR/all.ldif"
pg_load srv "$PG_DIR/all.ldif"
pg_confdir srv
pg_registry_copy srv "$PG_TESTDATA/registry.json"
pg_start_or_die srv "$P" dir

annotated() { # -> 0 when uid=wang.lihua comes back with the prefix $1
    pg_search "$P" -b "$PEOPLE" '(uid=wang.lihua)' cn > "$O.ann" 2>&1
    grep -q "^cn: $1" "$O.ann"
}
synthesized() {
    pg_search "$P" -b "$PEOPLE" '(telephoneNumber=+16135550113)' 1.1 > "$O.syn" 2>&1
    grep -q "^dn: $CHEN_DN$" "$O.syn"
}
newperson() { # Kai Newman, only in the registries made below, is answered
    pg_search "$P" -b "$PEOPLE" '(telephoneNumber=+16135550130)' 1.1 > "$O.np" 2>&1
    grep -q '^dn: uid=ploguard-person-new-test,' "$O.np"
}
# cfg DESC EXPECTED_RC (LDIF on stdin) -> output in $O.cfg
cfg() {
    d=$1 want=$2
    cat > "$O.cfg.ldif"
    pg_config_modify "$P" -f "$O.cfg.ldif" > "$O.cfg" 2>&1
    rc=$?
    if [ "$want" = any ]; then
        pg_pass "$d (result $rc)"
    elif [ "$want" = fail ]; then
        if [ "$rc" -ne 0 ]; then pg_pass "$d (refused, result $rc)"; else pg_fail "$d: accepted"; fi
    elif [ "$rc" = "$want" ]; then
        pg_pass "$d (result $rc)"
    else
        pg_fail "$d: result $rc, expected $want"
        sed 's/^/    | /' "$O.cfg" >&2
    fi
}

pg_check "stock: not annotated before the overlay is added" pg_not annotated "$DECLINE_EN"

mod=$(pg_config_search "$P" -b cn=config '(objectClass=olcModuleList)' 1.1 | sed -n 's/^dn: //p' | head -n 1)
pg_check "slapd.d has a module list ($mod)" test -n "$mod"
cfg "load the module into the running slapd" 0 <<EOF
dn: $mod
changetype: modify
add: olcModuleLoad
olcModuleLoad: $PG_MODULE
EOF
cfg "add the overlay with olcOverlay=ploguard" 0 <<EOF
$(pg_overlay_entry "$DB" "$PG_DIR/srv/registry.json")
EOF
pg_check "after the add: registered entries annotated" annotated "$DECLINE_EN"
pg_check "after the add: unknown registered callers synthesized" synthesized
OVL=$(pg_config_search "$P" -b "$DB" -s one '(objectClass=olcPloguardConfig)' 1.1 | sed -n 's/^dn: //p')
pg_check "the overlay entry is $OVL" test -n "$OVL"
# one instance per database (SLAPO_BFLAG_SINGLE): the lean search
# (dispatch.c) checks an entry against that instance's registry alone
cfg "a second ploguard on the same database refused" fail <<EOF
$(pg_overlay_entry "$DB" "$PG_DIR/srv/registry.json")
EOF
pg_has "$O.cfg" 'already in list' "... as already in the database's list"
n_ovl=$(pg_config_search "$P" -b "$DB" -s one '(objectClass=olcPloguardConfig)' 1.1 | grep -c '^dn: ')
pg_check "... and one ploguard entry remains" test "$n_ovl" = 1

# bad values: refused naming the attribute (or directive) and the value; the
# last good configuration stays in force
badval() { # attr value
    cfg "$1: $2 refused" fail <<EOF
dn: $OVL
changetype: modify
replace: $1
$1: $2
EOF
    # slapd's own syntax check (21) names the attribute but not the value
    if grep -Eqi -- "$1|ploguard-" "$O.cfg" && { [ "$rc" = 21 ] || grep -qF -- "$2" "$O.cfg"; }; then
        pg_pass "... the message names it: $(grep -v '^modifying\|^$' "$O.cfg" | tr '\n' ' ')"
    else
        pg_fail "... the message should name $1 (or its directive) and '$2':"
        sed 's/^/    | /' "$O.cfg" >&2
    fi
}
badval olcPloguardReloadInterval abc
badval olcPloguardReloadInterval -1
badval olcPloguardLang de
badval olcPloguardRegion Canada
badval olcPloguardPhoneAttrs noSuchPhoneAttribute
badval olcPloguardDisplayAttrs noSuchDisplayAttribute
badval olcPloguardNotesAttr noSuchNotesAttribute
pg_check "after the refusals: still annotated" annotated "$DECLINE_EN"
pg_check "after the refusals: still synthesized" synthesized
pg_config_search "$P" -b "$OVL" -s base > "$O.now"
pg_hasnt "$O.now" '^olcPloguardReloadInterval: (abc|-1)$' "the bad interval was not stored"
pg_hasnt "$O.now" '^olcPloguardLang: de$' "the bad language was not stored"

# a registry path that does not load: refused, or the last good one stays
cfg "olcPloguardRegistry: a missing file" any <<EOF
dn: $OVL
changetype: modify
replace: olcPloguardRegistry
olcPloguardRegistry: $PG_DIR/srv/missing.json
EOF
pg_check "after a missing registry path: still annotated (result $rc)" annotated "$DECLINE_EN"

# good values are applied at once
cfg "olcPloguardReloadInterval: 2" 0 <<EOF
dn: $OVL
changetype: modify
replace: olcPloguardReloadInterval
olcPloguardReloadInterval: 2
EOF
pg_config_search "$P" -b "$OVL" -s base olcPloguardReloadInterval > "$O.ri"
pg_has "$O.ri" '^olcPloguardReloadInterval: 2$' "... read back"

# A new path refused while the old path's file is gone too (being replaced
# by hand): the old path stays in force, and its file is read again once
# it is back.
REG1=$PG_DIR/srv/registry.json
mv "$REG1" "$REG1.away"
cfg "olcPloguardRegistry: a missing file while the old one is gone as well" fail <<EOF
dn: $OVL
changetype: modify
replace: olcPloguardRegistry
olcPloguardRegistry: $PG_DIR/srv/missing.json
EOF
pg_config_search "$P" -b "$OVL" -s base olcPloguardRegistry > "$O.path"
pg_has "$O.path" "^olcPloguardRegistry: $REG1\$" "... the old path is still configured"
pg_check "... the registry in force still answers" annotated "$DECLINE_EN"
perl -0pe 's/"seq": 7/"seq": 8/; s/"people": \[/"people": [\n    {"id": "person-new-test", "role": "plo", "names": [{"family": "Newman", "given": "Kai"}], "phones": ["+1 613 555 0130"], "emails": ["kai.newman\@example.org"], "status": "active", "instruction": "refer"},/' \
    "$REG1.away" > "$REG1.tmp" && mv -f "$REG1.tmp" "$REG1"
pg_check "... its file, back with a new person, is read at the next check" pg_wait_for 15 newperson
cfg "olcPloguardLang: fr" 0 <<EOF
dn: $OVL
changetype: modify
replace: olcPloguardLang
olcPloguardLang: fr
EOF
pg_check "... the French short text is shown at once" annotated "$DECLINE_FR"
cfg "olcPloguardSynthesize: FALSE" 0 <<EOF
dn: $OVL
changetype: modify
replace: olcPloguardSynthesize
olcPloguardSynthesize: FALSE
EOF
pg_check "... no synthesized entry any more" pg_not synthesized
cfg "olcPloguardSynthesize: TRUE" 0 <<EOF
dn: $OVL
changetype: modify
replace: olcPloguardSynthesize
olcPloguardSynthesize: TRUE
EOF
pg_check "... synthesized again" synthesized

# a new registry path is read at once
perl -0pe 's/"seq": 7/"seq": 8/; s/"people": \[/"people": [\n    {"id": "person-new-test", "role": "plo", "names": [{"family": "Newman", "given": "Kai"}], "phones": ["+1 613 555 0130"], "emails": ["kai.newman\@example.org"], "status": "active", "instruction": "refer"},/' \
    "$PG_TESTDATA/registry.json" > "$PG_DIR/srv/registry2.json"
cfg "olcPloguardRegistry: another file" 0 <<EOF
dn: $OVL
changetype: modify
replace: olcPloguardRegistry
olcPloguardRegistry: $PG_DIR/srv/registry2.json
EOF
pg_search "$P" -b "$PEOPLE" '(telephoneNumber=+16135550130)' cn > "$O.new"
pg_has "$O.new" '^dn: uid=ploguard-person-new-test,' "the new registry's person is found at once"

# A modify refused as a whole after its new path was loaded (its other
# change is bad), with the old path's file gone meanwhile (moved there,
# say): slapd's undo sets the old path again, and the registry read from
# it before the modify comes back with it.  Before, the old path could not
# be read, so the new path's registry stayed in force while cn=config
# showed the old path.
REG2=$PG_DIR/srv/registry2.json
perl -0pe 's/"seq": 7/"seq": 10/' "$PG_TESTDATA/registry.json" > "$PG_DIR/srv/registry4.json"
mv "$REG2" "$REG2.away"
cfg "olcPloguardRegistry: a new file and a bad language in one modify, the old file gone" fail <<EOF
dn: $OVL
changetype: modify
replace: olcPloguardRegistry
olcPloguardRegistry: $PG_DIR/srv/registry4.json
-
replace: olcPloguardLang
olcPloguardLang: de
EOF
pg_config_search "$P" -b "$OVL" -s base olcPloguardRegistry > "$O.path"
pg_has "$O.path" "^olcPloguardRegistry: $REG2\$" "... the old path is configured again"
pg_check "... and its registry is in force again (its new person is answered)" newperson
pg_has "$PG_DIR/srv/slapd.log" 'ploguard: cn=config modify undone' "... which is logged"
mv "$REG2.away" "$REG2"

# the reload interval counts from its change: with a day, a new file waits;
# set to 1 s, it is read within seconds, not a day later
cfg "olcPloguardReloadInterval: 86400" 0 <<EOF
dn: $OVL
changetype: modify
replace: olcPloguardReloadInterval
olcPloguardReloadInterval: 86400
EOF
perl -0pe 's/"seq": 7/"seq": 9/' "$PG_TESTDATA/registry.json" > "$PG_DIR/srv/registry3.tmp"
mv -f "$PG_DIR/srv/registry3.tmp" "$PG_DIR/srv/registry2.json"
sleep 3
pg_check "a day's interval: the file changed 3 s ago is not read yet" newperson
cfg "olcPloguardReloadInterval: 1" 0 <<EOF
dn: $OVL
changetype: modify
replace: olcPloguardReloadInterval
olcPloguardReloadInterval: 1
EOF
pg_check "... set to 1 s: it is read (the new person is gone)" pg_wait_for 15 pg_not newperson

# delete the overlay
ldapdelete -x -H "ldap://127.0.0.1:$P/" -D cn=config -w secret "$OVL" > "$O.del" 2>&1
pg_rc 0 $? "delete the overlay entry"
pg_check "after the delete: not annotated" pg_not annotated "$DECLINE_EN"
pg_check "after the delete: nothing synthesized" pg_not synthesized
pg_search "$P" -b "$PEOPLE" '(uid=wang.lihua)' '*' '+' > "$O.plain"
pg_hasnt "$O.plain" '^ploguard|rcmp-grc' "after the delete: no trace of annotation"

# add it again, restart from slapd.d: module and overlay come back
cfg "add the overlay again" 0 <<EOF
$(pg_overlay_entry "$DB" "$PG_DIR/srv/registry.json" "olcPloguardLang: en")
EOF
pg_stop srv
pg_check "slapd srv clean" pg_memcheck srv
pg_start_or_die srv "$P" dir
pg_check "restarted from slapd.d: annotated" annotated "$DECLINE_EN: Wang Lihua"
pg_check "restarted from slapd.d: synthesized" synthesized
pg_stop srv

# A schema without inetOrgPerson (core and cosine only): the overlay opens
# with the default lists (displayName, which it lacks, left out), and a
# list's value is replaced through cn=config.  The delete half of a
# replace takes the list back to its default, which used to be refused for
# the missing displayName, so that no value could be replaced at all.
PB=$(pg_port 8 2)
pg_registry_copy bare "$PG_TESTDATA/registry.json"
mkdir -p "$PG_DIR/bare/db"
cat > "$PG_DIR/bare/slapd.conf" <<EOF
include $PG_SCHEMA/core.schema
include $PG_SCHEMA/cosine.schema
pidfile $PG_DIR/bare/slapd.pid
argsfile $PG_DIR/bare/slapd.args
modulepath $PG_MODDIR
moduleload back_mdb
moduleload $PG_MODULE
database config
rootdn "cn=config"
rootpw secret
database mdb
maxsize 104857600
suffix "$BASE"
rootdn "cn=admin,$BASE"
rootpw secret
directory $PG_DIR/bare/db
index objectClass eq
index telephoneNumber eq
overlay ploguard
ploguard-registry $PG_DIR/bare/registry.json
EOF
cat > "$PG_DIR/bare.ldif" <<EOF
dn: $BASE
objectClass: dcObject
objectClass: organization
dc: agency
o: Example Regional Police Service (fictional)

dn: cn=Wang Lihua,$BASE
objectClass: person
cn: Wang Lihua
sn: Wang
telephoneNumber: +1 613 555 0142
EOF
pg_load bare "$PG_DIR/bare.ldif"
pg_confdir bare
pg_start_or_die bare "$PB" dir
pg_has "$PG_DIR/bare/slapd.log" 'schema has no displayName, left out of the default list' \
    "no inetOrgPerson: the default display list without displayName is logged"
BOVL="olcOverlay={0}ploguard,olcDatabase={1}mdb,cn=config"
bare_cn() { # the cn values Wang Lihua's entry is returned with
    pg_search "$PB" -b "$BASE" '(telephoneNumber=+16135550142)' cn | sed -n 's/^cn: //p'
}
bare_cn > "$O.barecn"
pg_has "$O.barecn" "^$DECLINE_EN .*: Wang Lihua\$" "no inetOrgPerson: the overlay opens with the default lists"
for v in "cn description" "cn"; do
    printf 'dn: %s\nchangetype: modify\nreplace: olcPloguardDisplayAttrs\nolcPloguardDisplayAttrs: %s\n' \
        "$BOVL" "$v" > "$O.bare.ldif"
    pg_config_modify "$PB" -f "$O.bare.ldif" > "$O.bare" 2>&1
    pg_rc 0 $? "no inetOrgPerson: olcPloguardDisplayAttrs replaced by \"$v\""
done
printf 'dn: %s\nchangetype: modify\nreplace: olcPloguardPhoneAttrs\nolcPloguardPhoneAttrs: telephoneNumber\n' \
    "$BOVL" > "$O.bare.ldif"
pg_config_modify "$PB" -f "$O.bare.ldif" > "$O.bare" 2>&1
pg_rc 0 $? "no inetOrgPerson: olcPloguardPhoneAttrs replaced"
printf 'dn: %s\nchangetype: modify\ndelete: olcPloguardDisplayAttrs\n' "$BOVL" > "$O.bare.ldif"
pg_config_modify "$PB" -f "$O.bare.ldif" > "$O.bare" 2>&1
pg_rc 0 $? "no inetOrgPerson: olcPloguardDisplayAttrs deleted (back to its default)"
bare_cn > "$O.barecn"
pg_has "$O.barecn" "^$DECLINE_EN .*: Wang Lihua\$" "... the entry is still annotated"
printf 'dn: %s\nchangetype: modify\nreplace: olcPloguardDisplayAttrs\nolcPloguardDisplayAttrs: displayName\n' \
    "$BOVL" > "$O.bare.ldif"
pg_config_modify "$PB" -f "$O.bare.ldif" > "$O.bare" 2>&1
rc=$?
pg_check "... displayName named explicitly is refused (result $rc)" test "$rc" -ne 0
pg_has "$O.bare" 'displayName' "... naming it"
pg_stop bare
pg_check "slapd bare clean" pg_memcheck bare
pg_finish
