#!/bin/sh
# Other parts of a configuration that take searches from ploguard, and what
# ploguard does and says about them at start:
# - sssvlv (server-side sorting) configured before ploguard on the database
#   (so that ploguard runs first): a sorted search is annotated and
#   answered with a synthesized entry as any other; configured after it, or
#   as a global overlay, slapd's log says what is lost;
# - glued databases (subordinate): entries annotated on each database as
#   usual; a synthesized entry may come beside the real one (said at
#   start), never instead of it.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/fixtures.sh"
pg_setup neighbours

PS=$(pg_port 13 1)
PA=$(pg_port 13 2)
PG=$(pg_port 13 3)
PU=$(pg_port 13 4)
O=$PG_DIR/out
SORTED='(|(telephoneNumber=+16135550142)(telephoneNumber=+16135550113))'

# --- sssvlv before ploguard in the configuration: ploguard runs first
PG_GLOBAL_EXTRA='moduleload sssvlv' PG_OVL_BEFORE='overlay sssvlv' it_server sortok "$PS"
pg_hasnt "$PG_DIR/sortok/slapd.log" 'ploguard: .*sssvlv' \
    "sssvlv configured before ploguard: nothing to say at start"
pg_search "$PS" -E '!sss=cn:2.5.13.3' -b "$PEOPLE" "$SORTED" cn > "$O.sorted"
pg_count "$O.sorted" '^dn: ' 2 "a sorted search (critical sort control): two entries"
pg_has "$O.sorted" "^dn: uid=wang.lihua,$PEOPLE$" "... the registered entry of the directory"
pg_has "$O.sorted" "^dn: $CHEN_DN$" "... and the synthesized one"
pg_count "$O.sorted" "^cn: $DECLINE_EN" 2 "... both annotated"
# A virtual list view: sssvlv counts its window before the final result,
# where a synthesized entry would be sent past it, so none is synthesized
# (as under paged results); the directory's own entries are annotated.
# (ldapsearch asks for the next window on its input, and at the end of it
# asks again: a line it cannot read as a window makes it stop)
printf 'stop\n' | pg_search "$PS" -E '!sss=cn:2.5.13.3' -E '!vlv=0/0/1/0' -b "$PEOPLE" \
    "(|(telephoneNumber=+16135550142)(telephoneNumber=+16135550113)(uid=jtremblay))" cn > "$O.vlv"
pg_count "$O.vlv" '^dn: ' 1 "a virtual list view of one entry: one entry"
pg_hasnt "$O.vlv" "^dn: $CHEN_DN$" "... no synthesized entry outside the window"
printf 'stop\n' | pg_search "$PS" -E '!sss=cn:2.5.13.3' -E '!vlv=0/5/1/0' -b "$PEOPLE" \
    "$SORTED" cn > "$O.vlv2"
pg_count "$O.vlv2" "^cn: $DECLINE_EN" 1 "... the directory's registered entry in a window is annotated"

# --- sssvlv after ploguard: said at start
PG_GLOBAL_EXTRA='moduleload sssvlv' PG_OVL_EXTRA='overlay sssvlv' it_server sortafter "$PA"
pg_has "$PG_DIR/sortafter/slapd.log" \
    'ploguard: dc=agency,dc=test: sssvlv runs before ploguard \(configured after it\): a search with the server-side sort control gets no synthesized entry' \
    "sssvlv configured after ploguard: a warning at start"
pg_search "$PA" -E '!sss=cn:2.5.13.3' -b "$PEOPLE" "$SORTED" cn > "$O.after"
pg_has "$O.after" "^cn: $DECLINE_EN" "... a sorted search's entries are still annotated"
pg_hasnt "$O.after" "^dn: $CHEN_DN$" "... but its synthesized entry is lost, as the warning says"

# --- sssvlv global: said at start
PG_GLOBAL_EXTRA='moduleload sssvlv
overlay sssvlv' it_server sortglobal "$PG"
pg_has "$PG_DIR/sortglobal/slapd.log" \
    'ploguard: dc=agency,dc=test: sssvlv is a global overlay: a search with the server-side sort control is answered past ploguard' \
    "sssvlv as a global overlay: a warning at start"
pg_search "$PG" -b "$PEOPLE" '(telephoneNumber=+16135550142)' cn > "$O.global"
pg_has "$O.global" "^cn: $DECLINE_EN" "... unsorted searches are annotated as always"
pg_search "$PG" -E '!sss=cn:2.5.13.3' -b "$PEOPLE" "$SORTED" cn > "$O.globals"
pg_hasnt "$O.globals" "^cn: $DECLINE_EN" "... sorted ones are not, as the warning says"

# --- glued databases: the registered person Chen Jie (+1 613 555 0113) is
# in ou=Sub, a subordinate database, with ploguard on both
pg_registry_copy glued "$PG_TESTDATA/registry.json"
pg_conf glued
mkdir -p "$PG_DIR/glued/subdb"
python3 - "$PG_DIR/glued/slapd.conf" "$PG_DIR/glued" <<'EOF' || pg_die "cannot write the glued configuration"
import sys
path, d = sys.argv[1], sys.argv[2]
conf = open(path).read()
sub = """database mdb
maxsize 1073741824
suffix "ou=Sub,dc=agency,dc=test"
subordinate
rootdn "cn=admin,dc=agency,dc=test"
directory %s/subdb
index objectClass,uid eq
index telephoneNumber eq
overlay ploguard
ploguard-registry %s/registry.json

""" % (d, d)
head, sep, tail = conf.partition("database mdb\n")
if not sep:
    sys.exit("no database mdb line")
open(path, "w").write(head + sub + sep + tail)
EOF
cat "$PG_SAMPLE_LDIF" > "$PG_DIR/glued/all.ldif"
cat >> "$PG_DIR/glued/all.ldif" <<EOF

dn: ou=Sub,$BASE
objectClass: organizationalUnit
ou: Sub

dn: uid=chen.sub,ou=Sub,$BASE
objectClass: inetOrgPerson
uid: chen.sub
cn: Chen Jie
sn: Chen
telephoneNumber: +1 613 555 0113
EOF
pg_load glued "$PG_DIR/glued/all.ldif"
pg_start_or_die glued "$PU"
pg_has "$PG_DIR/glued/slapd.log" \
    'ploguard: dc=agency,dc=test: a glued database \(subordinate\): a search across the glue may get a synthesized entry beside the real one' \
    "glued databases: said at start (superior)"
pg_has "$PG_DIR/glued/slapd.log" \
    'ploguard: ou=Sub,dc=agency,dc=test: a glued database \(subordinate\)' \
    "... and for the subordinate"
pg_search "$PU" -b "$BASE" '(telephoneNumber=+16135550113)' cn > "$O.glue"
pg_has "$O.glue" "^dn: uid=chen.sub,ou=Sub,$BASE$" \
    "a lookup from the superior of a number held in the subordinate: the real entry"
pg_check "... annotated by the subordinate's ploguard" \
    test "$(it_entry "$O.glue" "uid=chen.sub,ou=Sub,$BASE" | grep -c "^cn: $DECLINE_EN")" -eq 1
pg_check "... and every entry returned carries the warning" \
    test "$(grep -c '^dn: ' "$O.glue")" -eq "$(grep -c "^cn: $DECLINE_EN" "$O.glue")"
pg_search "$PU" -b "ou=Sub,$BASE" '(telephoneNumber=+16135550121)' cn > "$O.glue3"
pg_count "$O.glue3" '^dn: ' 1 "an unknown registered caller, searched in the subordinate: one synthesized entry"
pg_has "$O.glue3" "^dn: uid=ploguard-$LIU_ID,ou=Sub,$BASE$" "... named under the search base"
pg_search "$PU" -b "$BASE" '(telephoneNumber=+16135550142)' cn > "$O.glue2"
pg_has "$O.glue2" "^dn: uid=wang.lihua,$PEOPLE$" "an entry of the superior: returned"
pg_check "... and every entry returned carries the warning" \
    test "$(grep -c '^dn: ' "$O.glue2")" -eq "$(grep -c "^cn: $DECLINE_EN" "$O.glue2")"

# --- dynlist expanding a memberURL that asserts a registered address
# nobody in the directory holds: no synthesized entry shows as a member
# that does not exist.  (dynlist 2.5.13 expands members by a search that
# does not reach ploguard's synthesis; ploguard also synthesizes only for
# a connection's own operations, for an overlay whose internal search,
# on a copy of the client's, would.)
PD=$(pg_port 13 5)
PG_GLOBAL_EXTRA="include $PG_SCHEMA/dyngroup.schema
moduleload dynlist" PG_OVL_BEFORE='overlay dynlist
dynlist-attrset groupOfURLs memberURL member' it_server dyn "$PD"
pg_admin_modify "$PD" -a > "$O.dynadd" 2>&1 <<EOF || pg_fail "cannot add the dynamic group: $(cat "$O.dynadd")"
dn: cn=watch,$PEOPLE
objectClass: groupOfURLs
cn: watch
memberURL: ldap:///$PEOPLE??sub?(|(mail=$CHEN_MAIL)(mail=Ada.Marlow@PLO.example.org))
EOF
pg_search "$PD" -b "cn=watch,$PEOPLE" -s base '(objectClass=*)' member > "$O.dyn"
pg_count "$O.dyn" '^dn: ' 1 "dynlist: the dynamic group is read"
pg_has "$O.dyn" "^member: uid=ada.marlow,$PEOPLE$" "... expanded: the member the directory holds"
pg_hasnt "$O.dyn" '^member: uid=ploguard-' "... and no synthesized entry is among its members"
pg_search "$PD" -b "$PEOPLE" "(mail=$CHEN_MAIL)" cn > "$O.dyn2"
pg_has "$O.dyn2" "^dn: $CHEN_DN$" "... while a client's own lookup of the address still gets one"

pg_finish
