#!/bin/sh
# Phone numbers held as free text, in a Directory String attribute that
# ploguard-phone-attrs names (agencyphone.schema): the French label with
# no-break spaces, a bracketed word and a number sign, a telephone sign are
# read past to the number; the look-alikes stay as stored.  The entries go
# in through ldapadd, so slapd's own syntax checks take them as a live
# directory would; telephoneNumber refuses the same text.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/fixtures.sh"
pg_setup freetext

P=$(pg_port 9 1)
O=$PG_DIR/out

pg_registry_copy site "$PG_TESTDATA/registry.json"
PG_GLOBAL_EXTRA="include $PG_TESTDATA/agencyphone.schema" \
    PG_DB_EXTRA="index agencyPhone eq" \
    PG_OVL_EXTRA="ploguard-phone-attrs telephoneNumber mobile agencyPhone" \
    pg_conf site
cat "$PG_SAMPLE_LDIF" "$PG_TESTDATA/forms.ldif" > "$PG_DIR/site/all.ldif"
pg_load site "$PG_DIR/site/all.ldif"
pg_start_or_die site "$P"

pg_admin_modify "$P" -a -f "$PG_TESTDATA/forms-freetext.ldif" > "$O.add" 2>&1
pg_rc 0 $? "ldapadd of the free-text forms"

# the same text in telephoneNumber is refused (Printable String)
pg_admin_modify "$P" > "$O.tel" 2>&1 <<EOF
dn: uid=f25,$FORMS
changetype: modify
replace: telephoneNumber
telephoneNumber:: VMOpbC7igK86IDYxM8KgNTU1wqAwMTEx
EOF
pg_rc 21 $? "telephoneNumber refuses the French label (invalidAttributeSyntax)"

pg_search "$P" -b "$FORMS" '(agencyPhone=*)' cn agencyPhone ploguardMatch > "$O.forms"
pg_unb64 "$O.forms" > "$O.forms.txt"
pg_count "$O.forms.txt" '^dn: ' 5 "five free-text forms"
for u in f25 f26; do
    it_entry "$O.forms.txt" "uid=$u,$FORMS" > "$O.one"
    pg_has "$O.one" "^cn: $DECLINE_EN.*: Form $u$" "form $u annotated ($(grep '^agencyPhone' "$O.one"))"
    pg_has "$O.one" '^ploguardMatch: .*matched=phone:\+16135550111 ' "form $u matched on +16135550111"
    pg_has "$O.one" '^cn: Form '"$u"'$' "form $u keeps its original cn"
done
it_entry "$O.forms.txt" "uid=f27,$FORMS" > "$O.one"
pg_has "$O.one" "^cn: $DECLINE_EN.*: Form f27$" "form f27 annotated ($(grep '^agencyPhone' "$O.one"))"
pg_has "$O.one" '^ploguardMatch: .*matched=phone:\+16135550142 ' "form f27 matched on +16135550142"
for u in n13 n14; do
    it_entry "$O.forms.txt" "uid=$u,$FORMS" > "$O.one"
    pg_count "$O.one" '^cn: ' 1 "look-alike $u is not annotated ($(grep '^agencyPhone' "$O.one"))"
    pg_hasnt "$O.one" '^ploguardMatch:' "look-alike $u has no ploguardMatch"
done

pg_stop site; pg_check "slapd site clean" pg_memcheck site
pg_finish
