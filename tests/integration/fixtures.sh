# tests/integration/fixtures.sh - what the test data holds, in one place.
# tests/integration/registry.json is the test registry; the directory is
# data/directory.sample.ldif plus tests/integration/forms.ldif.

BASE="dc=agency,dc=test"
PEOPLE="ou=People,$BASE"
FORMS="ou=Forms,$BASE"

REG_ID=ploguard-integration-test
REG_SEQ=7

DECLINE_EN="DECLINE-REFER ILDC"
DECLINE_FR="REFUSER-RENVOYER CLDI"
REFER_EN="REFER ILDC/INTERPOL"
ILDC_MAIL="RCMP.international-international.GRC@rcmp-grc.gc.ca"
INTERPOL_MAIL="Interpolottawa@rcmp-grc.gc.ca"

# In the directory (ou=People), matched by their phone or mail values.
WANG_ID=person-wang-lihua-test      # uid=wang.lihua, "+1 613 555 0142" (also in the mission block)
ZHANG_ID=person-zhang-wei-test      # uid=zhang.wei, "(613) 555-0111", mobile +44 20 7946 0011
ADA_ID=person-ada-marlow-test       # uid=ada.marlow, mail Ada.Marlow@PLO.example.org (refer)
LINA_ID=person-li-na-test           # uid=li.na, homePhone 1-613-555-0112 (ended)
MISSION_ID=mission-prc-ottawa-test  # uid=embassy.reception, 613 555 0145 (prefix block +1613555014)
PLO_ID=mission-plo-london-test      # uid=plo.london, 011 44 20 7946 0000 (refer)

# Registered but NOT in ou=People: unknown callers get a synthesized entry.
CHEN_ID=person-chen-jie-test        # +1 613 555 0113, +44 20 7946 0012, chen.jie@diplo.example.test
CHEN_DN="uid=ploguard-$CHEN_ID,$PEOPLE"
CHEN_MAIL=chen.jie@diplo.example.test
LIU_ID=person-liu-yang-test         # +1 613 555 0121, +44 20 7946 0177, liu.yang@example.org
LIU_DN="uid=ploguard-$LIU_ID,$PEOPLE"
LIU_MAIL=liu.yang@example.org

# The registered entries of ou=People (the rest is innocent).
REGISTERED_UIDS="wang.lihua zhang.wei ada.marlow li.na embassy.reception plo.london"

# A filter element that leaves out every registered entry of ou=People and
# ou=Forms (f*, m0*) and every synthesized one: what remains is innocent.
INNOCENT='(!(|(uid=wang.lihua)(uid=zhang.wei)(uid=ada.marlow)(uid=li.na)(uid=embassy.reception)(uid=plo.london)(uid=f*)(uid=m0*)(uid=ploguard-*)))'

# it_server NAME PORT [registry]: the usual overlay server on the sample
# directory plus the forms, with the test registry (PG_OVL_EXTRA etc. apply).
it_server() {
    pg_registry_copy "$1" "${3:-$PG_TESTDATA/registry.json}"
    pg_conf "$1"
    cat "$PG_SAMPLE_LDIF" "$PG_TESTDATA/forms.ldif" > "$PG_DIR/$1/all.ldif"
    pg_load "$1" "$PG_DIR/$1/all.ldif"
    pg_start_or_die "$1" "$2"
}

# it_pair OVLPORT STOCKPORT: the usual overlay server "ovl" and a stock
# slapd "stock" without the overlay, on copies of one database file.
it_pair() {
    pg_registry_copy ovl "$PG_TESTDATA/registry.json"
    pg_conf ovl
    cat "$PG_SAMPLE_LDIF" "$PG_TESTDATA/forms.ldif" > "$PG_DIR/all.ldif"
    pg_load ovl "$PG_DIR/all.ldif"
    PG_OVERLAY=0 pg_conf stock
    cp "$PG_DIR/ovl/db/"*.mdb "$PG_DIR/stock/db/" || pg_die "cannot copy the database"
    pg_start_or_die ovl "$1"
    pg_start_or_die stock "$2"
}

# it_entry FILE DN: prints one entry's block from an LDIF result.
it_entry() {
    awk -v dn="dn: $2" '
        $0 == dn { on = 1 } on && /^$/ { exit } on { print }' "$1"
}

# it_first FILE ATTR: the first value of ATTR in an LDIF result (decoded).
it_first() {
    pg_unb64 "$1" | grep -m 1 "^$2: " | sed "s/^$2: //"
}

# it_entries_with FILE REGEX: how many entries have a line matching REGEX.
it_entries_with() {
    awk -v re="$2" '/^dn: / { hit = 0 } $0 ~ re && !hit { n++; hit = 1 } END { print n + 0 }' "$1"
}
