#!/bin/sh
# slapd's overlay stack and ploguard's shortcut of it (slapd-overlay/
# dispatch.c): the referral check, the control check and the operational
# attributes of a database whose overlays do not implement them are called
# without backover's walk, and so is the search while ploguard alone has a
# search or response hook.  As the stack changes under cn=config, an overlay
# that does implement one must be called again at once, and what a client
# sees must stay what stock slapd gives: a critical control nobody knows
# refused, hasSubordinates, syncprov's contextCSN, valsort's order.  Also olcDisabled on the
# overlay: disabled, nothing is annotated; enabled again (by replacing the
# value or deleting it), everything is, with the registry in force.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/fixtures.sh"
pg_setup stack

P=$(pg_port 11 1)
PS=$(pg_port 11 2)
O=$PG_DIR/out
DB='olcDatabase={1}mdb,cn=config'
OVL="olcOverlay={0}ploguard,$DB"

pg_registry_copy srv "$PG_TESTDATA/registry.json"
pg_conf srv
cat "$PG_SAMPLE_LDIF" "$PG_TESTDATA/forms.ldif" > "$PG_DIR/all.ldif"
pg_load srv "$PG_DIR/all.ldif"
pg_confdir srv
PG_OVERLAY=0 pg_conf stock
cp "$PG_DIR/srv/db/"*.mdb "$PG_DIR/stock/db/" || pg_die "cannot copy the database"
pg_start_or_die srv "$P" dir
pg_start_or_die stock "$PS"

pg_has "$PG_DIR/srv/slapd.log" \
    'ploguard: dc=agency,dc=test: hooks no overlay has, called without the overlay stack: referrals controls operational search$' \
    "the shortcut is in place for the four hooks"

annotated() {
    pg_search "$P" -b "$PEOPLE" '(uid=wang.lihua)' cn > "$O.ann" 2>&1
    grep -q "^cn: $DECLINE_EN" "$O.ann"
}
synthesized() {
    pg_search "$P" -b "$PEOPLE" '(telephoneNumber=+16135550113)' 1.1 > "$O.syn" 2>&1
    grep -q "^dn: $CHEN_DN$" "$O.syn"
}
same_as_stock() { # DESC ldapsearch-args
    _what=$1
    shift
    pg_same_answer "$_what: as stock slapd" "$PS" "$P" "$@"
}
# what stock slapd gives for the hooks the shortcut answers
stock_behaviour() { # state
    same_as_stock "$1: a critical control nobody knows is refused" \
        -e '!1.3.6.1.4.1.4203.666.99.1' -b "$PEOPLE" '(uid=lihua.wang.community)' 1.1
    pg_has "$PG_SAME_OUT" '^rc=12$' "... with unavailableCriticalExtension (12)"
    same_as_stock "$1: hasSubordinates of the suffix and of ou=People" \
        -b "$BASE" -s one '(ou=People)' hasSubordinates
    same_as_stock "$1: hasSubordinates of a leaf, with '+'" \
        -b "$PEOPLE" '(uid=lihua.wang.community)' '+'
    same_as_stock "$1: paged results" -E 'pr=3/noprompt' -b "$PEOPLE" \
        '(&(objectClass=inetOrgPerson)(!(|(uid=wang.lihua)(uid=zhang.wei)(uid=ada.marlow)(uid=li.na)(uid=embassy.reception)(uid=plo.london))))' uid
}
contextcsn() {
    pg_search "$P" -b "$BASE" -s base '(objectClass=*)' contextCSN > "$O.csn" 2>&1
    grep -q '^contextCSN: ' "$O.csn"
}
# cfg DESC (LDIF on stdin): must succeed
cfg() {
    cat > "$O.cfg.ldif"
    pg_config_modify "$P" -f "$O.cfg.ldif" > "$O.cfg" 2>&1
    pg_rc 0 $? "$1"
}
# set_disabled DN TRUE|FALSE DESC: olcDisabled of an overlay, must succeed
set_disabled() {
    cfg "$3" <<EOF
dn: $1
changetype: modify
replace: olcDisabled
olcDisabled: $2
EOF
}

pg_check "ploguard alone: annotated" annotated
stock_behaviour "ploguard alone"
pg_check "ploguard alone: no contextCSN (no syncprov)" pg_not contextcsn

mod=$(pg_config_search "$P" -b cn=config '(objectClass=olcModuleList)' 1.1 | sed -n 's/^dn: //p' | head -n 1)

# valsort has a response hook and no search hook: while it is enabled the
# search must go through backover again (its order comes back), and
# ploguard's work with it; disabled or deleted, the stored order
first_class() {
    pg_search "$P" -b "$BASE" -s base '(objectClass=*)' objectClass > "$O.oc" 2>&1
    sed -n 's/^objectClass: //p' "$O.oc" | head -n 1
}
# (a read has the suffix's entry remembered as matching nothing: a shortcut
# that wrongly passed over valsort would pass that entry on without calling
# anybody, which the order shows; hence each order is read twice)
pg_check "ploguard alone: the stored order of the suffix's objectClass" \
    test "$(first_class)" = dcObject
pg_check "ploguard alone: the stored order again" test "$(first_class)" = dcObject
cfg "load valsort into the running slapd" <<EOF
dn: $mod
changetype: modify
add: olcModuleLoad
olcModuleLoad: valsort
EOF
cfg "add valsort to the database: objectClass in descending order" <<EOF
dn: olcOverlay=valsort,$DB
changetype: add
objectClass: olcOverlayConfig
objectClass: olcValSortConfig
olcOverlay: valsort
olcValSortAttr: objectClass $BASE alpha-descend
EOF
pg_check "with valsort: its order comes back (its hook is called)" \
    test "$(first_class)" = organization
pg_check "with valsort: its order again" test "$(first_class)" = organization
pg_check "with valsort: annotated" annotated
pg_check "with valsort: synthesized" synthesized
set_disabled "olcOverlay={1}valsort,$DB" TRUE "disable valsort"
pg_check "valsort disabled: the stored order" test "$(first_class)" = dcObject
pg_check "valsort disabled: annotated" annotated
pg_check "valsort disabled: synthesized" synthesized
set_disabled "olcOverlay={1}valsort,$DB" FALSE "enable valsort again"
pg_check "valsort enabled again: its order" test "$(first_class)" = organization
ldapdelete -x -H "ldap://127.0.0.1:$P/" -D cn=config -w secret "olcOverlay={1}valsort,$DB" > "$O.del" 2>&1
pg_rc 0 $? "delete the valsort overlay"
pg_check "valsort deleted: the stored order" test "$(first_class)" = dcObject
pg_check "valsort deleted: annotated" annotated
stock_behaviour "valsort deleted"

# syncprov, added below ploguard at run time, has an operational hook: its
# contextCSN must come back at once
cfg "load syncprov into the running slapd" <<EOF
dn: $mod
changetype: modify
add: olcModuleLoad
olcModuleLoad: syncprov
EOF
cfg "add syncprov to the database" <<EOF
dn: olcOverlay=syncprov,$DB
changetype: add
objectClass: olcOverlayConfig
objectClass: olcSyncProvConfig
olcOverlay: syncprov
EOF
pg_check "with syncprov: its contextCSN is returned (its hook is called)" contextcsn
# syncprov has a search hook and no response hook: a refresh (the sync
# control) is its to answer, and it ends with its SyncDone control
refresh() {
    ldapsearch -x -o ldif-wrap=no -o nettimeout=10 -l 20 -H "ldap://127.0.0.1:$P/" \
        -E '!sync=ro' -b "$BASE" -s base '(objectClass=*)' 1.1 > "$O.sync" 2>&1
    grep -q '^# SyncDone control' "$O.sync"
}
pg_check "with syncprov: a refresh is answered by syncprov (its search hook is called)" refresh
pg_check "with syncprov: annotated" annotated
stock_behaviour "with syncprov"

# olcDisabled on syncprov: its hook is passed over while disabled (its
# db_close stores the contextCSN in the entry, so that is not visible), and
# called again once enabled
set_disabled "olcOverlay={1}syncprov,$DB" TRUE "disable syncprov"
stock_behaviour "syncprov disabled"
set_disabled "olcOverlay={1}syncprov,$DB" FALSE "enable syncprov again"
pg_check "syncprov enabled: contextCSN again" contextcsn

# olcDisabled on ploguard: off, then on by a new value, off, then on by
# deleting the value; slapd calls db_close and db_open (or only clears the
# flag) around these, and ploguard must come back whole each time
set_disabled "$OVL" TRUE "disable ploguard"
pg_check "ploguard disabled: not annotated" pg_not annotated
pg_check "ploguard disabled: nothing synthesized" pg_not synthesized
pg_check "ploguard disabled: contextCSN still returned" contextcsn
stock_behaviour "ploguard disabled"
set_disabled "$OVL" FALSE "enable ploguard (olcDisabled: FALSE)"
pg_check "ploguard enabled: annotated" annotated
pg_check "ploguard enabled: synthesized" synthesized
pg_check "ploguard enabled: contextCSN still returned" contextcsn
stock_behaviour "ploguard enabled again"
set_disabled "$OVL" TRUE "disable ploguard again"
pg_check "ploguard disabled again: not annotated" pg_not annotated
cfg "enable ploguard by deleting olcDisabled" <<EOF
dn: $OVL
changetype: modify
delete: olcDisabled
EOF
pg_check "ploguard enabled (value deleted): annotated" annotated
pg_check "ploguard enabled (value deleted): synthesized" synthesized
stock_behaviour "ploguard enabled by delete"

# ploguard deleted: syncprov stays, its hook still called
ldapdelete -x -H "ldap://127.0.0.1:$P/" -D cn=config -w secret "$OVL" > "$O.del" 2>&1
pg_rc 0 $? "delete the ploguard overlay"
pg_check "ploguard deleted: not annotated" pg_not annotated
pg_check "ploguard deleted: contextCSN still returned" contextcsn
stock_behaviour "ploguard deleted"

# added disabled (olcDisabled: TRUE in the new entry): slapd closes it,
# then opens it, and it must stay disabled until the value is deleted
add_disabled() { # DESC
    cfg "$1" <<EOF
$(pg_overlay_entry "$DB" "$PG_DIR/srv/registry.json" "olcDisabled: TRUE")
EOF
    pg_check "added disabled: not annotated" pg_not annotated
}
add_disabled "add ploguard again, disabled"
OVL=$(pg_config_search "$P" -b "$DB" -s one '(objectClass=olcPloguardConfig)' 1.1 | sed -n 's/^dn: //p')
pg_check "the new overlay entry is $OVL" test -n "$OVL"
cfg "enable it by deleting olcDisabled" <<EOF
dn: $OVL
changetype: modify
delete: olcDisabled
EOF
pg_check "added disabled, then enabled: annotated" annotated
pg_check "added disabled, then enabled: synthesized" synthesized

# disabled in slapd.d when slapd starts, then enabled by deleting the value
set_disabled "$OVL" TRUE "disable ploguard before a restart"
pg_stop srv
pg_check "slapd srv clean" pg_memcheck srv
pg_start_or_die srv "$P" dir
pg_check "started disabled: not annotated" pg_not annotated
stock_behaviour "started with ploguard disabled"
cfg "enable it by deleting olcDisabled" <<EOF
dn: $OVL
changetype: modify
delete: olcDisabled
EOF
pg_check "started disabled, then enabled: annotated" annotated
pg_check "started disabled, then enabled: synthesized" synthesized
stock_behaviour "started disabled, then enabled"

# an enabling that fails (the registry cannot be read) is refused and
# leaves ploguard disabled; once the file is back, the next one enables it
set_disabled "$OVL" TRUE "disable ploguard, then take the registry away"
mv "$PG_DIR/srv/registry.json" "$PG_DIR/srv/registry.away"
printf 'dn: %s\nchangetype: modify\ndelete: olcDisabled\n' "$OVL" > "$O.cfg.ldif"
pg_config_modify "$P" -f "$O.cfg.ldif" > "$O.cfg" 2>&1
rc=$?
pg_check "deleting olcDisabled with no registry to load is refused (result $rc)" test "$rc" != 0
pg_check "... ploguard stays disabled" pg_not annotated
mv "$PG_DIR/srv/registry.away" "$PG_DIR/srv/registry.json"
cfg "the registry back: delete olcDisabled again" <<EOF
dn: $OVL
changetype: modify
delete: olcDisabled
EOF
pg_check "enabled after a refused enabling: annotated" annotated
pg_check "enabled after a refused enabling: synthesized" synthesized

# slapd shuts down with an overlay added disabled (it never opened)
ldapdelete -x -H "ldap://127.0.0.1:$P/" -D cn=config -w secret "$OVL" > "$O.del" 2>&1
pg_rc 0 $? "delete the ploguard overlay again"
add_disabled "add it disabled once more"
pg_stop srv
pg_stop stock
pg_check "slapd srv clean" pg_memcheck srv
pg_has "$PG_DIR/srv/slapd.log" 'slapd stopped' "slapd srv shut down normally"
pg_finish
