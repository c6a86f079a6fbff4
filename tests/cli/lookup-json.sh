#!/bin/sh
# ploguard lookup --json: the fields, each kind of input, forced kinds,
# --region and --outside-line, and the exit status.  Expectations come from
# the sample registry itself (sample.py describe).
. "$top_srcdir/tests/cli/lib.sh"
describe_registry "$SAMPLE"

L="lookup --json --registry $SAMPLE"
P=$PERSON_PHONE
N=$PERSON_NATIONAL            # 10 digits, 613555xxxx
a=${N%???????}                 # 613
b=${N#???}; b=${b%????}        # 555
c=${N#??????}                  # xxxx

# ---- a phone match: every documented field, with the registry's texts
run 0 $L "$P"
jcheck 'well_formed(d)' 'consistent(d, r)' 'len(d) == 1' \
    "d[0]['query'] == '$P'" "d[0]['kind'] == 'phone'" \
    "d[0]['normalized'] == '$P'" "d[0]['verdict'] == 'match'" \
    "'extension' not in d[0]" \
    "has_hit(d[0], id='$PERSON_ID', entity='person', matched_on='phone', confidence='exact')" \
    "all(m['instruction']['en'] == r['instructions'][m['instruction']['id']]['en'] and m['instruction']['fr'] == r['instructions'][m['instruction']['id']]['fr'] for m in d[0]['matches'])" \
    "hits(d[0], id='$PERSON_ID')[0]['role'] == [p for p in r['people'] if p['id'] == '$PERSON_ID'][0]['role']" \
    "hits(d[0], id='$PERSON_ID')[0]['status'] == 'active'" \
    "hits(d[0], id='$PERSON_ID')[0]['name'] != ''" \
    "d[0]['registry']['id'] == r['registry_id']" \
    "d[0]['registry']['seq'] == r['seq']" \
    "d[0]['registry']['expires_at'] == r['expires_at']" \
    "d[0]['registry']['stale'] is False"

# ---- no registered identifier slips through: every phone, e-mail address
# and domain in the registry, as written there, matches its entity
python3 "$CLI_TESTS/sample.py" identifiers "$SAMPLE" >"$tmp/ids" || exit 99
tab=$(printf '\t')
set --
while IFS=$tab read -r id value; do
    set -- "$@" "$value"
done <"$tmp/ids"
[ "$#" -ge 20 ] || fail "only $# identifiers in the sample registry"
run 0 $L "$@"
jcheck 'well_formed(d)' 'consistent(d, r)' "len(d) == len(tsv('$tmp/ids'))" \
    "[x['query'] for x in d] == [v for i, v in tsv('$tmp/ids')]" \
    "all(x['verdict'] == 'match' for x in d)" \
    "all(has_hit(x, id=i, confidence='exact') for x, (i, v) in zip(d, tsv('$tmp/ids')))"
set --

# ---- every written form of that number is the same number
for form in "$N" "1$N" "+1$N" "+1 ($a) $b-$c" "$a.$b.$c" "1-$a-$b-$c" \
            "tel:+1-$a-$b-$c" "sip:+1$N@pbx.example.org;user=phone" \
            "011 1 $a $b $c" "9 $a $b $c"; do
    run 0 $L "$form"
    jcheck 'well_formed(d)' "d[0]['kind'] == 'phone'" \
        "d[0]['normalized'] == '$P'" "d[0]['verdict'] == 'match'" \
        "has_hit(d[0], id='$PERSON_ID', matched_on='phone')"
done

# ---- an extension is kept apart; the number still matches
for form in "$a-$b-$c x204" "$a $b $c ext. 204" "tel:+1$N;ext=204"; do
    run 0 $L "$form"
    jcheck "d[0]['kind'] == 'phone'" "d[0]['normalized'] == '$P'" \
        "d[0]['extension'] == '204'" "d[0]['verdict'] == 'match'"
done

# ---- a number inside a mission's block matches that mission
if [ -n "$PREFIX_NUMBER" ]; then
    run 0 $L "$PREFIX_NUMBER"
    jcheck 'well_formed(d)' \
        "has_hit(d[0], id='$PREFIX_ID', entity='mission', matched_on='phone_prefix', confidence='exact')"
fi

# ---- an ended contact still matches, reported as such
if [ -n "$ENDED_PHONE" ]; then
    run 0 $L "$ENDED_PHONE"
    jcheck 'well_formed(d)' 'consistent(d, r)' \
        "hits(d[0], id='$ENDED_ID')[0]['status'] == 'ended'"
fi

# ---- no registered contact; partial numbers and withheld callers
run 1 $L "$UNUSED_PHONE"
jcheck 'well_formed(d)' "d[0]['verdict'] == 'none'" "d[0]['matches'] == []" \
    "d[0]['normalized'] == '$UNUSED_PHONE'"
run 1 $L "$a-$b-01" "anonymous" "Restricted" ""
jcheck 'well_formed(d)' 'len(d) == 4' \
    "all(x['verdict'] == 'none' for x in d)" \
    "d[0]['kind'] == 'phone'" "d[0]['normalized'] is None"

# ---- e-mail addresses, in every accepted form
E=$PERSON_EMAIL
local_part=${E%@*}
dom=${E#*@}
upper=$(printf '%s' "$E" | tr 'a-z' 'A-Z')
for form in "$E" "$upper" "mailto:$E" "\"Someone\" <$E>" "$local_part+tag@$dom"; do
    run 0 $L "$form"
    jcheck 'well_formed(d)' "d[0]['kind'] == 'email'" \
        "d[0]['normalized'] == '$E'.lower()" "d[0]['verdict'] == 'match'" \
        "has_hit(d[0], id='$EMAIL_PERSON_ID', entity='person', matched_on='email', confidence='exact')"
done

# ---- domains: on label boundaries only
run 0 $L "$DOMAIN" "csm.$DOMAIN" "unregistered.person@$DOMAIN"
jcheck 'well_formed(d)' 'consistent(d, r)' 'len(d) == 3' \
    "d[0]['kind'] == 'domain'" "d[1]['kind'] == 'domain'" "d[2]['kind'] == 'email'" \
    "all(x['verdict'] == 'match' for x in d)" \
    "all(has_hit(x, id='$DOMAIN_ID', matched_on='domain') for x in d)"
run 1 $L "x$DOMAIN"
jcheck 'well_formed(d)' "d[0]['kind'] == 'domain'" "d[0]['verdict'] == 'none'"

# ---- a name alone is at most possible: exit 1, never a match
upname=$(printf '%s %s' "$NAME_FAMILY" "$NAME_GIVEN" | tr 'a-z' 'A-Z')
run 1 $L "$NAME_GIVEN $NAME_FAMILY" "$upname"
jcheck 'well_formed(d)' 'len(d) == 2' \
    "all(x['kind'] == 'name' for x in d)" \
    "all(x['verdict'] == 'possible' for x in d)" \
    "all(has_hit(x, id='$NAME_PERSON_ID', matched_on='name', confidence='possible') for x in d)" \
    "all(m['confidence'] == 'possible' for x in d for m in x['matches'])" \
    "all(m['instruction'] is None for x in d for m in x['matches'])"
run 1 $L "Zebulon Quartermaine"
jcheck 'well_formed(d)' "d[0]['kind'] == 'name'" "d[0]['verdict'] == 'none'"
# Non-ASCII goes out as UTF-8, not \u escapes.
run 1 $L "Wáng Lìhuá"
jcheck 'well_formed(d)' "d[0]['query'] == 'Wáng Lìhuá'" "'Wáng Lìhuá' in raw"

# ---- one array, answers in order; exit 0 as soon as any value matches
run 0 $L "Zebulon Quartermaine" "$UNUSED_PHONE" "$P" "$DOMAIN"
jcheck 'well_formed(d)' 'len(d) == 4' \
    "[x['query'] for x in d] == ['Zebulon Quartermaine', '$UNUSED_PHONE', '$P', '$DOMAIN']" \
    "[x['kind'] for x in d] == ['name', 'phone', 'phone', 'domain']" \
    "[x['verdict'] for x in d] == ['none', 'none', 'match', 'match']"

# ---- forced kinds
run 1 $L --name "$P"
jcheck 'well_formed(d)' "d[0]['kind'] == 'name'" "d[0]['verdict'] != 'match'"
run 1 $L --phone "$NAME_GIVEN $NAME_FAMILY"
jcheck 'well_formed(d)' "d[0]['kind'] == 'phone'" "d[0]['verdict'] == 'none'"
run 0 $L --phone "$a.$b.$c"
jcheck "d[0]['kind'] == 'phone'" "d[0]['verdict'] == 'match'"
run 0 $L --email "$DOMAIN" "$E"
jcheck 'well_formed(d)' "d[0]['kind'] == 'domain'" "d[1]['kind'] == 'email'" \
    "d[0]['verdict'] == 'match'" "d[1]['verdict'] == 'match'"
run 1 $L --name "$E"
jcheck "d[0]['kind'] == 'name'" "d[0]['verdict'] != 'match'"

# ---- --region: national numbers of another country
run 0 $L --region GB "$GB_NATIONAL"
jcheck 'well_formed(d)' "d[0]['normalized'] == '$GB_PHONE'" \
    "has_hit(d[0], id='$GB_ID', matched_on='phone')"
run 0 $L --region gb "$GB_NATIONAL"
run 1 $L "$GB_NATIONAL"
jcheck "d[0]['verdict'] == 'none'"
# International forms match whatever the region.
gb_intl=${GB_PHONE#+}
run 0 $L --region GB "+$gb_intl" "00 $gb_intl"
jcheck "all(x['verdict'] == 'match' for x in d)"
run 0 $L "011 $gb_intl"
jcheck "d[0]['normalized'] == '$GB_PHONE'"

# ---- --outside-line
run 0 $L --outside-line 8 "8 $a $b $c"
jcheck "d[0]['normalized'] == '$P'" "d[0]['verdict'] == 'match'"
run 0 $L --outside-line "" "$N"

finish
