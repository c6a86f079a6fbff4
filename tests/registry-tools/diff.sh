#!/bin/sh
# ploguard registry diff OLD NEW: entities added, changed (field by field)
# and removed; exit 0 when the same, 1 when different, 2 on error.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/registry-tools/common.sh"

d() {
    rc=0
    "$PLOGUARD" registry diff "$@" >"$W/out" 2>"$W/err" || rc=$?
}

# report_is what: the last diff printed exactly $W/expected.
report_is() {
    checks=$((checks + 1))
    if ! cmp -s "$W/expected" "$W/out"; then
        fail "$1 differs from the expected report:"
        diff -u "$W/expected" "$W/out" >&2
    fi
}

make_base
cp "$F" "$W/old.json"

# --- identical files
d "$W/old.json" "$F"
expect 0 "diff of identical files"
[ ! -s "$W/out" ] || fail "diff of identical files printed: $(cat "$W/out")"
sample=$top_srcdir/data/registry.sample.json
if [ -f "$sample" ]; then
    d "$sample" "$sample"
    expect 0 "diff of the sample with itself"
fi

# --- a set of changes, then the exact report
reg add person --id p-0003 --role plo --name "LIU/Yang" --mission m-ott \
    --phone 613-555-0170
expect 0 "add p-0003"
reg set p-0001 phones += 613-555-0151
expect 0 "set phones +="
reg set p-0001 phones -= 613-555-0150
expect 0 "set phones -="
reg set p-0002 role plo
expect 0 "set role"
reg set p-0002 accredited_from 2024-05-01
expect 0 "set accredited_from"
reg set p-0001 accredited_from --clear
expect 0 "clear accredited_from"
reg set o-mps aliases += "Gong'anbu"
expect 0 "set aliases"
reg set decline short_en "DECLINE+REFER ILDC"
expect 0 "set instruction"
reg release --valid-for 10
expect 0 "release"
seq_new=$(top_member seq)
issued_old=$(sed -n 's/^  "issued_at": "\(.*\)",$/\1/p' "$W/old.json")
issued_new=$(top_member issued_at)
expires_old=$(sed -n 's/^  "expires_at": "\(.*\)",$/\1/p' "$W/old.json")
expires_new=$(top_member expires_at)

d "$W/old.json" "$F"
expect 1 "diff of changed files"
cat >"$W/expected" <<EOF
~ registry: expires_at: "$expires_old" -> "$expires_new"
~ registry: issued_at: "$issued_old" -> "$issued_new"
~ registry: seq: 1 -> $seq_new
~ instruction decline: short_en: "DECLINE-REFER ILDC" -> "DECLINE+REFER ILDC"
~ organization o-mps: aliases: + "Gong'anbu"
~ person p-0001: accredited_from: - "2025-01-15"
~ person p-0001: phones: + "+16135550151"
~ person p-0001: phones: - "+16135550150"
~ person p-0002: accredited_from: + "2024-05-01"
~ person p-0002: role: "diplomat" -> "plo"
+ person p-0003 {"family":"LIU","given":"Yang"}
EOF
report_is "the diff of changed files"

# Reversed: what was added is now removed.
d "$F" "$W/old.json"
expect 1 "reversed diff"
has "$W/out" '- person p-0003 {"family":"LIU","given":"Yang"}' "reversed diff: removed entity"
has "$W/out" '~ registry: seq: 2 -> 1' "reversed diff: seq"

# A list whose members only moved.
cat >"$W/a.json" <<'EOF'
{"people": [{"id": "p-1", "names": [{"full": "A"}, {"full": "B"}]}]}
EOF
cat >"$W/b.json" <<'EOF'
{"people": [{"id": "p-1", "names": [{"full": "B"}, {"full": "A"}]}]}
EOF
d "$W/a.json" "$W/b.json"
expect 1 "reordered list"
has "$W/out" '~ person p-1: names: reordered [{"full":"A"},{"full":"B"}] -> [{"full":"B"},{"full":"A"}]' "reordered list"

# Order carries meaning: an organization without an instruction takes its
# first mission's, else the first instruction.  Missions or instructions
# that only moved are a change, and so is a member written twice.
cat >"$W/h.json" <<'EOF'
{"instructions": {"decline": {"en": "x"}, "refer": {"en": "y"}},
 "missions": [{"id": "m-1", "name": "M1"}, {"id": "m-2", "name": "M2"}],
 "people": [{"id": "p-1", "phones": ["+16135550150"]}]}
EOF
cat >"$W/i.json" <<'EOF'
{"instructions": {"refer": {"en": "y"}, "decline": {"en": "x"}},
 "missions": [{"id": "m-2", "name": "M2"}, {"id": "m-3", "name": "M3"}, {"id": "m-1", "name": "M1"}],
 "people": [{"id": "p-1", "phones": ["+16135550150", "+16135550150"]}]}
EOF
d "$W/h.json" "$W/i.json"
expect 1 "reordered entities and instructions"
cat >"$W/expected" <<'EOF'
~ registry: instructions: reordered ["decline","refer"] -> ["refer","decline"]
+ mission m-3 "M3"
~ registry: missions: reordered ["m-1","m-2"] -> ["m-2","m-1"]
~ person p-1: phones: + "+16135550150"
EOF
report_is "the reorder report"
d "$W/i.json" "$W/h.json"
expect 1 "reordered, reversed"
has "$W/out" '~ person p-1: phones: - "+16135550150"' "a member written twice, removed once"
# A long list is shown from its first difference.
python3 - "$W" <<'PY'
import json, sys
w = sys.argv[1]
ids = ["p-%02d" % i for i in range(20)]
json.dump({"people": [{"id": i} for i in ids]}, open(w + "/long-a.json", "w"))
ids[5], ids[6] = ids[6], ids[5]
json.dump({"people": [{"id": i} for i in ids]}, open(w + "/long-b.json", "w"))
PY
d "$W/long-a.json" "$W/long-b.json"
expect 1 "a long list reordered"
has "$W/out" '~ registry: people: reordered from [5] on: "p-05" -> "p-06"' "a long list reordered"

# Entities, instructions and members appearing and disappearing.
cat >"$W/c.json" <<'EOF'
{"instructions": {"a": {"en": "x"}}, "missions": [{"id": "m-1", "name": "M1"}],
 "organizations": [{"id": "o-1", "name": "O1"}]}
EOF
cat >"$W/e.json" <<'EOF'
{"instructions": {"b": {"en": "x"}}, "missions": [{"id": "m-2", "name": "M2", "city": "Ottawa"}],
 "organizations": [{"id": "o-1", "name": "O1", "country": "CN"}]}
EOF
d "$W/c.json" "$W/e.json"
expect 1 "added and removed"
cat >"$W/expected" <<'EOF'
- instruction a
+ instruction b
~ organization o-1: country: + "CN"
+ mission m-2 "M2"
- mission m-1 "M1"
EOF
report_is "the added/removed report"

# Text from a file never reaches the terminal raw: control characters
# are printed JSON-escaped, odd ids quoted.
printf '{"people": [{"id": "p-1", "role": "plo"}]}\n' >"$W/f.json"
printf '{"people": [{"id": "p-1", "role": "plo\\u001b[31m"}, {"id": "p 2\\u0007", "role": "x"}]}\n' >"$W/g.json"
d "$W/f.json" "$W/g.json"
expect 1 "control characters"
has "$W/out" '"plo\u001B[31m"' "control characters are escaped"
has "$W/out" '+ person "p 2\u0007"' "odd ids are quoted"
if LC_ALL=C grep -q "$(printf '\033')" "$W/out"; then
    fail "a raw escape character reached the output"
fi
checks=$((checks + 1))

# --- errors
d "$W/old.json"
expect 2 "diff with one file"
has "$W/err" "wrong number of operands" "diff with one file"
d "$W/old.json" "$W/missing.json"
expect 2 "diff with a missing file"
has "$W/err" "missing.json" "diff with a missing file names it"
printf '{"seq": 1,}\n' >"$W/broken.json"
d "$W/old.json" "$W/broken.json"
expect 2 "diff with invalid JSON"
has "$W/err" "broken.json:1:" "invalid JSON: file and line"
printf '{"seq": 1, "seq": 2}\n' >"$W/dupkey.json"
d "$W/old.json" "$W/dupkey.json"
expect 2 "diff with duplicate keys"
has "$W/err" "duplicate" "duplicate keys"
printf '{"people": [{"id": "p-1"}, {"id": "p-1"}]}\n' >"$W/dupid.json"
d "$W/old.json" "$W/dupid.json"
expect 2 "diff with duplicate ids"
has "$W/err" 'people[1].id: duplicate id "p-1"' "duplicate ids"
printf '{"people": {"id": "p-1"}}\n' >"$W/notarray.json"
d "$W/old.json" "$W/notarray.json"
expect 2 "diff with people not an array"
has "$W/err" "people: not an array" "people not an array"
printf '{"people": [{"role": "plo"}]}\n' >"$W/noid.json"
d "$W/old.json" "$W/noid.json"
expect 2 "diff with an entity without id"
has "$W/err" "people[0]: no id" "entity without id"
printf '[1, 2]\n' >"$W/array.json"
d "$W/old.json" "$W/array.json"
expect 2 "diff with a top-level array"
has "$W/err" "not a JSON object" "top-level array"

# What officers are told, where the fields do not show it: a new first
# instruction and a mission put first under org-mfa, which has none of its
# own and takes its first mission's.
python3 - "$top_srcdir/data/registry.sample.json" "$W" <<'PYEND'
import json, sys
reg = json.load(open(sys.argv[1]))
json.dump(reg, open(sys.argv[2] + "/force-a.json", "w"), ensure_ascii=False, indent=2)
ins = {"alert": {"en": "Talk freely (a test text).", "fr": "Texte d'essai.",
                 "short_en": "TEST", "short_fr": "ESSAI"}}
ins.update(reg["instructions"])
reg["instructions"] = ins
reg["missions"].insert(0, {"id": "m-new", "name": "New mission (fictional)",
                           "country": "CN", "city": "Ottawa", "organization": "org-mfa",
                           "instruction": "alert"})
json.dump(reg, open(sys.argv[2] + "/force-b.json", "w"), ensure_ascii=False, indent=2)
PYEND
"$PLOGUARD" check "$W/force-b.json" >/dev/null 2>&1 || fail "force-b.json: not a valid registry"
d "$W/force-a.json" "$W/force-b.json"
expect 1 "a change of the instruction in force"
has "$W/out" '~ organization org-mfa: instruction in force: decline -> alert' \
    "... the organization that falls back to its first mission's"
d "$W/force-a.json" "$W/force-a.json"
expect 0 "the same registry twice"

finish
