#!/bin/sh
# ploguard registry validate (as ploguard check), --help, --region, and the
# placement of the global options.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/registry-tools/common.sh"

# --- help and usage
rc=0
"$PLOGUARD" registry --help >"$W/out" 2>&1 || rc=$?
expect 0 "registry --help"
has "$W/out" "set ID FIELD += VALUE" "help lists set +="
has "$W/out" "release [--valid-for DAYS]" "help lists release"
rc=0
"$PLOGUARD" registry add --help >"$W/out" 2>&1 || rc=$?
expect 0 "registry add --help"
rc=0
"$PLOGUARD" registry >"$W/out" 2>"$W/err" || rc=$?
expect 2 "registry without a command"
rc=0
"$PLOGUARD" registry frobnicate >"$W/out" 2>"$W/err" || rc=$?
expect 2 "unknown command"
has "$W/err" "frobnicate: unknown command" "unknown command"

# --- the sample registry is valid for both validate and check
sample=$top_srcdir/data/registry.sample.json
if [ -f "$sample" ]; then
    rc=0
    "$PLOGUARD" registry validate "$sample" >"$W/out" 2>"$W/err" || rc=$?
    expect 0 "validate the sample"
    has "$W/out" "valid: registry ploguard-sample" "validate the sample: summary"
    "$PLOGUARD" check "$sample" >/dev/null 2>&1 || fail "ploguard check rejects the sample"
    [ ! -s "$W/err" ] || fail "validate the sample: a warning"
    # two ids that differ only in case: valid, with a warning
    python3 -c '
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
r["people"].append(dict(r["people"][0], id=r["people"][0]["id"].upper(),
                        phones=[], emails=[]))
json.dump(r, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
' "$sample" "$W/twins.json" || fail "could not write twins.json"
    rc=0
    "$PLOGUARD" registry validate "$W/twins.json" >"$W/out" 2>"$W/err" || rc=$?
    expect 0 "validate ids that differ only in case"
    has "$W/err" "differ only in case" "validate warns of ids that differ only in case"
fi

make_base
reg validate
expect 0 "validate via -f"
rc=0
"$PLOGUARD" registry validate --file "$F" >"$W/out" 2>"$W/err" || rc=$?
expect 0 "validate via --file after the command"
rc=0
"$PLOGUARD" registry --file="$F" validate >"$W/out" 2>"$W/err" || rc=$?
expect 0 "validate via --file= before the command"
rc=0
"$PLOGUARD" registry validate "$F" --file "$F" >"$W/out" 2>"$W/err" || rc=$?
expect 2 "validate with both FILE and --file"

# --- an invalid registry: every error, with its JSON path; exit 2 as check
sed -e 's/"+16135550150"/"613-555-01"/' -e 's/"role": "diplomat"/"role": "spy"/' \
    -e 's/"instruction": "decline"/"instruction": "nothing"/' "$F" >"$R/bad.json"
rc=0
"$PLOGUARD" registry validate "$R/bad.json" >"$W/out" 2>"$W/err" || rc=$?
expect 2 "validate an invalid registry"
has "$W/err" 'people[0].phones[0]: "613-555-01" is not a complete phone number' "validate: phone error"
has "$W/err" 'people[1].role: "spy"' "validate: role error"
has "$W/err" 'missions[0].instruction: "nothing"' "validate: instruction error"
has "$W/err" "bad.json: invalid" "validate: final line"
[ "$(grep -c 'bad.json: ' "$W/err")" -ge 4 ] || fail "validate: not every error listed"
checks=$((checks + 1))
rc=0
"$PLOGUARD" check "$R/bad.json" >/dev/null 2>&1 || rc=$?
expect 2 "ploguard check agrees the registry is invalid"

printf '{"format": "ploguard-registry/1", "format": "x"}\n' >"$R/dup.json"
rc=0
"$PLOGUARD" registry validate "$R/dup.json" >"$W/out" 2>"$W/err" || rc=$?
expect 2 "validate duplicate keys"
has "$W/err" "duplicate" "validate duplicate keys"
printf 'not json' >"$R/junk.json"
rc=0
"$PLOGUARD" registry validate "$R/junk.json" >"$W/out" 2>"$W/err" || rc=$?
expect 2 "validate junk"
rc=0
"$PLOGUARD" registry validate "$R/none.json" >"$W/out" 2>"$W/err" || rc=$?
expect 2 "validate a missing file"
has "$W/err" "none.json" "validate a missing file names it"
rc=0
"$PLOGUARD" registry validate "$R" >"$W/out" 2>"$W/err" || rc=$?
expect 2 "validate a directory"
has "$W/err" "not a regular file" "validate a directory"

# --- an expired registry is valid, and says it is expired
sed -e 's/"issued_at": "[^"]*"/"issued_at": "2020-01-01T00:00:00Z"/' \
    -e 's/"expires_at": "[^"]*"/"expires_at": "2020-02-01T00:00:00Z"/' "$F" >"$R/old.json"
rc=0
"$PLOGUARD" registry validate "$R/old.json" >"$W/out" 2>"$W/err" || rc=$?
expect 0 "validate an expired registry"
has "$W/out" "expires 2020-02-01T00:00:00Z (EXPIRED)" "validate says EXPIRED"

# --- --region: national numbers read in another region
reg add person --id p-0050 --role plo --name "HO/Kin" --mission m-ott \
    --region GB --phone "020 7946 0013"
expect 0 "add with --region GB"
has "$F" '"+442079460013"' "--region GB reads a UK national number"
# --region is for typed values only: the file's own numbers are read as
# ploguard check reads them, so a national UK number written in the file
# stays an error.
cp "$F" "$W/national.json"
sed -i 's/"+442079460013"/"020 7946 0013"/' "$W/national.json"
rc=0
"$PLOGUARD" registry --region GB validate "$W/national.json" >"$W/out" 2>"$W/err" || rc=$?
expect 2 "validate --region GB of a file with a UK national number"
has "$W/err" '"020 7946 0013" is not a complete phone number' "--region does not relax validation"
rc=0
"$PLOGUARD" registry --region GB -f "$W/national.json" set p-0050 phones += \
    "020 7946 0015" >"$W/out" 2>"$W/err" || rc=$?
expect 2 "an edit --region GB of a file with a UK national number"
has "$W/err" "national.json: not changed" "--region does not let a bad file be written"
# --region on a list edit: the file's own numbers are read as the loader
# reads them (CA), so that "-=" of an Italian number typed with --region IT
# does not remove the Canadian "613-555-0120" the digits also spell there.
cp "$top_srcdir/data/registry.sample.json" "$W/toronto.json"
# toronto OP NUMBER [REGION]: a list edit of the Toronto mission's phones,
# with --region IT unless another is given
toronto() {
    rc=0
    "$PLOGUARD" registry --region "${3:-IT}" -f "$W/toronto.json" set mission-cn-toronto \
        phones "$1" "$2" >"$W/out" 2>"$W/err" || rc=$?
}
toronto -= "+39 613 555 0120"
expect 2 "--region IT: -= an Italian number the mission does not hold"
has "$W/err" "does not hold" "... says so"
has "$W/toronto.json" '"613-555-0120"' "... and the Canadian number stays"
toronto += "613 555 0120"
expect 0 "--region IT: += an Italian national number that spells the Canadian one"
has "$W/toronto.json" '"+396135550120"' "... added, in E.164"
toronto -= "+1 613 555 0120"
expect 0 "--region IT: -= the Canadian number in E.164"
hasnt "$W/toronto.json" '"613-555-0120"' "... removes it"
has "$W/toronto.json" '"+396135550120"' "... and not the Italian one"
# A number with no reading in --region is refused: written as typed, the
# loader would read it as Canadian and register another number.
toronto += "613-555-0182" FR
expect 2 "--region FR: a number with no French reading"
has "$W/err" '"613-555-0182" is not a number in region FR; write it with its country code' "... says so"
hasnt "$W/toronto.json" '0182' "... and it is not written"
toronto += "+1 613-555-0182" FR
expect 0 "--region FR: the same number with its country code"
has "$W/toronto.json" '"+16135550182"' "... written in E.164"
bad 2 "--region unknown" add person --id p-0051 --role plo --name "HO/Kan" \
    --mission m-ott --region XQ --phone "020 7946 0014"
has "$W/err" "--region XQ" "--region unknown"
bad 2 "option without value" add person --id
has "$W/err" "--id: needs a value" "option without value"
bad 2 "flag value to a no-value option" set p-0050 role --clear=yes
has "$W/err" "takes no value" "flag value to a no-value option"
# After "--" everything is an operand, even what looks like an option.
reg set p-0050 names += -- "--odd/Name"
expect 0 "operand after -- that looks like an option"
has "$F" '"family": "--odd",' "operand after --"
bad 2 "an option-looking operand without --" set p-0050 names += "--odd/Name"
has "$W/err" "unknown option" "an option-looking operand without --"

finish
