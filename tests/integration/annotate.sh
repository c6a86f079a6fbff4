#!/bin/sh
# Annotation of directory entries whose phone or mail values are in the
# registry: display prefix on the first value of cn and displayName, the
# original values and the RDN kept, the full instruction in the notes,
# operational attributes only when asked for; every phone and mail form.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/fixtures.sh"
pg_setup annotate

P=$(pg_port 0 1)
PEN=$(pg_port 0 2)
PFR=$(pg_port 0 3)
it_server ovl "$P"
PG_OVL_EXTRA="ploguard-lang en" it_server en "$PEN"
PG_OVL_EXTRA="ploguard-lang fr" it_server fr "$PFR"
O=$PG_DIR/out

# --- a registered diplomat in the directory (phone "+1 613 555 0101")
for port in "$P" "$PEN"; do
    pg_search "$port" -b "$PEOPLE" '(uid=wang.lihua)' > "$O.wang.$port"
    pg_unb64 "$O.wang.$port" > "$O.wang.$port.txt"
done
W=$O.wang.$P.txt
pg_count "$W" '^dn: uid=wang.lihua,ou=People,dc=agency,dc=test$' 1 "the entry keeps its DN"
first_cn=$(grep -m 1 '^cn: ' "$W")
case $first_cn in
    "cn: $DECLINE_EN"*": Wang Lihua") pg_pass "first cn value carries the prefix ($first_cn)" ;;
    *) pg_fail "first cn value should start with '$DECLINE_EN' and end ': Wang Lihua': $first_cn" ;;
esac
pg_has "$W" '^cn: Wang Lihua$' "the original cn (RDN-style value) stays"
first_dn=$(grep -m 1 '^displayName: ' "$W")
case $first_dn in
    "displayName: $DECLINE_EN"*": Wang Lihua") pg_pass "displayName carries the prefix" ;;
    *) pg_fail "displayName should start with '$DECLINE_EN': $first_dn" ;;
esac
pg_has "$W" '^description: Met at the 2025 community safety forum$' "the original description stays"
pg_has "$W" "^description: .*$ILDC_MAIL.*$INTERPOL_MAIL|^description: .*$INTERPOL_MAIL.*$ILDC_MAIL" \
    "the notes name both the ILDC and INTERPOL Ottawa addresses"
pg_has "$W" '^description: .*(Decline|decline|DECLINE)' "the notes carry the English instruction (default en fr)"
pg_has "$W" '^description: .*(Refusez|refusez)' "the notes carry the French instruction (default en fr)"
pg_has "$W" '^telephoneNumber: \+1 613 555 0142$' "the phone value is unchanged"
pg_hasnt "$W" '^ploguard(Instruction|Match):' "no operational attributes without asking"

W=$O.wang.$PEN.txt
pg_count "$W" "^cn: $DECLINE_EN: Wang Lihua$" 1 "ploguard-lang en: prefix is exactly the short text and ': '"
pg_count "$W" "^displayName: $DECLINE_EN: Wang Lihua$" 1 "ploguard-lang en: displayName"
pg_hasnt "$W" '^description: .*(Refusez|refusez)' "ploguard-lang en: no French text"
first=$(grep -m 1 '^cn: ' "$W")
pg_check "prefixed cn is the FIRST value" test "$first" = "cn: $DECLINE_EN: Wang Lihua"

# the whole annotated entry, byte for byte (ploguard-lang en)
pg_same "$PG_TESTDATA/expected/wang-lihua-en.ldif" "$O.wang.$PEN" "the annotated entry is exactly expected/wang-lihua-en.ldif"
pg_search "$PEN" -b "$PEOPLE" '(uid=wang.lihua)' '*' ploguardInstruction ploguardMatch > "$O.wangop"
pg_same "$PG_TESTDATA/expected/wang-lihua-en-op.ldif" "$O.wangop" "with its operational attributes: expected/wang-lihua-en-op.ldif"

pg_search "$PFR" -b "$PEOPLE" '(uid=wang.lihua)' > "$O.fr"
pg_unb64 "$O.fr" > "$O.fr.txt"
pg_count "$O.fr.txt" "^cn: $DECLINE_FR: Wang Lihua$" 1 "ploguard-lang fr: French short text"
pg_has "$O.fr.txt" '^description: .*(Refusez|refusez)' "ploguard-lang fr: French notes"
pg_hasnt "$O.fr.txt" '^description: .*Decline any request' "ploguard-lang fr: no English notes"

# --- operational attributes: only when asked for, or with +
pg_search "$P" -b "$PEOPLE" '(uid=wang.lihua)' '+' > "$O.plus"
pg_has "$O.plus" '^ploguardInstruction: ' "ploguardInstruction with +"
pg_has "$O.plus" "^ploguardMatch: .*$WANG_ID" "ploguardMatch names the entity id"
pg_has "$O.plus" "^ploguardMatch: .*$REG_ID" "ploguardMatch names the registry id"
pg_has "$O.plus" "^ploguardMatch: .*seq=$REG_SEQ( |\$)" "ploguardMatch names the registry seq"
pg_has "$O.plus" '^ploguardMatch: .*phone' "ploguardMatch says a phone matched"
pg_has "$O.plus" '^ploguardMatch: .*exact' "ploguardMatch gives the confidence"
pg_hasnt "$O.plus" '^cn: ' "+ alone returns no user attributes"
pg_search "$P" -b "$PEOPLE" '(uid=wang.lihua)' ploguardMatch > "$O.named"
pg_has "$O.named" "^ploguardMatch: .*$WANG_ID" "ploguardMatch when named"
pg_hasnt "$O.named" '^ploguardInstruction: ' "only the named operational attribute"
pg_search "$P" -b "$PEOPLE" '(uid=wang.lihua)' cn > "$O.cnonly"
pg_hasnt "$O.cnonly" '^(description|displayName|ploguard)' "attribute selection is respected"
pg_has "$O.cnonly" "^cn: $DECLINE_EN" "cn alone still annotated"

# --- every registered entry of ou=People, each by its own form
check_entry() { # uid expected-short entity-id
    pg_search "$P" -b "$PEOPLE" "(uid=$1)" '*' ploguardMatch > "$O.e.$1"
    pg_unb64 "$O.e.$1" > "$O.e.$1.txt"
    f=$(grep -m 1 '^cn: ' "$O.e.$1.txt")
    case $f in
        "cn: $2"*) pg_pass "uid=$1 annotated ($f)" ;;
        *) pg_fail "uid=$1 should be annotated with '$2': $f" ;;
    esac
    pg_has "$O.e.$1.txt" "^ploguardMatch: .*$3" "uid=$1 matched $3"
}
check_entry zhang.wei "$DECLINE_EN" "$ZHANG_ID"
check_entry ada.marlow "$REFER_EN" "$ADA_ID"
check_entry li.na "$DECLINE_EN" "$LINA_ID"
check_entry embassy.reception "$DECLINE_EN" "$MISSION_ID"
check_entry plo.london "$REFER_EN" "$PLO_ID"
pg_has "$O.e.li.na.txt" '^ploguardMatch: .*ended' "an ended person still matches, reported as ended"
pg_has "$O.e.ada.marlow.txt" '^ploguardMatch: .*(mail|email)' "ada.marlow matched on mail"
pg_has "$O.e.embassy.reception.txt" '^ploguardMatch: .*prefix' "the mission block matched as a prefix"

# --- every phone and mail form under ou=Forms
pg_search "$P" -b "$FORMS" '(uid=*)' cn ploguardMatch > "$O.forms"
pg_unb64 "$O.forms" > "$O.forms.txt"
for u in f01 f02 f03 f04 f05 f06 f07 f08 f09 f10 f11 f15 f16 f17 f18 f19 f20 \
         f21 f22 f23 f24 f28 f29 f30 f31 f32 f33 f34 f35 f36 f37 f38 f39 f40 f41 \
         m05 m06 m07 m08 m09; do
    it_entry "$O.forms.txt" "uid=$u,$FORMS" > "$O.one"
    pg_has "$O.one" "^cn: $DECLINE_EN.*: Form $u$" "form $u annotated ($(grep -v '^cn:\|^dn:\|^ploguard' "$O.one"; sed -n "/uid=$u,/,/^\$/p" "$PG_TESTDATA/forms.ldif" | tail -n 2 | head -n 1))"
    pg_has "$O.one" '^cn: Form '"$u"'$' "form $u keeps its original cn"
done
for u in f12 f13 f14 m01 m02 m03 m04 m0a; do
    it_entry "$O.forms.txt" "uid=$u,$FORMS" > "$O.one"
    pg_has "$O.one" "^cn: $REFER_EN.*: Form $u$" "form $u annotated with the refer instruction ($(sed -n "/uid=$u,/,/^\$/p" "$PG_TESTDATA/forms.ldif" | tail -n 2 | head -n 1))"
done
for u in n01 n02 n03 n04 n05 n06 n07 n08 n09 n10 n11 n12 n15 n16; do
    it_entry "$O.forms.txt" "uid=$u,$FORMS" > "$O.one"
    pg_count "$O.one" '^cn: ' 1 "look-alike $u is not annotated ($(sed -n "/uid=$u,/,/^\$/p" "$PG_TESTDATA/forms.ldif" | tail -n 2 | head -n 1))"
    pg_hasnt "$O.one" '^ploguardMatch:' "look-alike $u has no ploguardMatch"
done

# --- the innocent: staff and the community volunteer named Wang Lihua
pg_search "$P" -b "$PEOPLE" '(objectClass=inetOrgPerson)' '*' '+' > "$O.all"
pg_unb64 "$O.all" > "$O.all.txt"
pg_count "$O.all.txt" '^dn: ' 30 "30 people in ou=People"
n=$(it_entries_with "$O.all.txt" '^ploguardMatch: ')
pg_check "exactly the 6 registered entries carry ploguardMatch (got $n)" test "$n" = 6
pg_count "$O.all.txt" "^cn: ($DECLINE_EN|$REFER_EN)" 6 "exactly 6 prefixed cn values"
it_entry "$O.all.txt" "uid=lihua.wang.community,$PEOPLE" > "$O.vol"
pg_count "$O.vol" '^cn: Wang Lihua$' 1 "the community volunteer named Wang Lihua is never flagged (cn)"
pg_count "$O.vol" '^displayName: Wang Lihua$' 1 "... nor her displayName"
pg_hasnt "$O.vol" "ploguard|$ILDC_MAIL" "... nor anything else"

# annotation is per entry, whatever the filter: a name search finds both
pg_search "$P" -b "$PEOPLE" '(cn=Wang Lihua)' cn > "$O.name"
pg_count "$O.name" '^dn: ' 2 "(cn=Wang Lihua) finds the diplomat and the volunteer"
pg_count "$O.name" "^cn: $DECLINE_EN" 1 "... and only the diplomat (matched by phone) is annotated"

# an instruction whose English and French texts are the same (a registry
# may say it once for both): each text once, values being a set
PSAME=$(pg_port 0 4)
python3 - "$PG_TESTDATA/registry.json" "$PG_DIR/same.json" <<'EOF' || pg_die "could not derive same.json"
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    reg = json.load(f)
ins = reg["instructions"]["decline"]
ins["fr"] = ins["en"]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(reg, f, ensure_ascii=False)
EOF
it_server same "$PSAME" "$PG_DIR/same.json"
pg_search "$PSAME" -b "$PEOPLE" '(uid=wang.lihua)' description ploguardInstruction > "$O.same"
pg_unb64 "$O.same" > "$O.same.txt"
pg_count "$O.same.txt" "^description: This is a PRC diplomat" 1 "the same text in both languages: once in the notes"
pg_count "$O.same.txt" "^ploguardInstruction: " 1 "... and once in ploguardInstruction"
pg_stop same; pg_check "slapd same clean" pg_memcheck same

pg_stop ovl; pg_check "slapd ovl clean" pg_memcheck ovl
pg_finish
