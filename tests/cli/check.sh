#!/bin/sh
# ploguard check: a one-line summary for a valid registry; every error, one
# per line, for an invalid one.  lookup lists the same errors.
. "$top_srcdir/tests/cli/lib.sh"
describe_registry "$SAMPLE"

counts=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
print(len(r["organizations"]), len(r["missions"]), len(r["people"]), r["expires_at"])
' "$SAMPLE") || exit 99
set -- $counts

# ---- valid: exit 0, one line, id, seq, counts, expiry
run 0 check "$SAMPLE"
lines=$(wc -l <"$tmp/out")
[ "$lines" -eq 1 ] || fail "check printed $lines lines, expected 1"
out_has "$SAMPLE: valid: registry $REG_ID seq $REG_SEQ"
out_has " $1 organization"
out_has " $2 mission"
out_has " $3 pe"
out_has "expires $4"
[ ! -s "$tmp/err" ] || fail "check of a valid registry wrote to stderr"

# ---- valid, but two ids differ only in case: one warning, still exit 0
python3 - "$SAMPLE" "$tmp/twins.json" <<'PYEOF' || exit 99
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
twin = dict(r["people"][0], phones=[], emails=[])
twin["id"] = twin["id"].upper()
r["people"].append(twin)
json.dump(r, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PYEOF
first_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["people"][0]["id"])' "$SAMPLE") || exit 99
run 0 check "$tmp/twins.json"
out_has "$tmp/twins.json: valid: registry $REG_ID"
err_has "$tmp/twins.json: warning: ids \"$first_id\" and \"$(printf '%s' "$first_id" | tr 'a-z' 'A-Z')\" differ only in case"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "check should warn exactly once"

# ---- valid, but a number block that is a whole number: it matches
# nothing (a block covers only longer numbers), so check says so; a real
# block (one digit short) does not warn
python3 - "$SAMPLE" "$tmp/block.json" <<'PYEOF' || exit 99
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
r["missions"][1]["phone_prefixes"] = ["+16135550143", "+1613555019"]
json.dump(r, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PYEOF
run 0 check "$tmp/block.json"
out_has "$tmp/block.json: valid: registry $REG_ID"
err_has "$tmp/block.json: warning: missions[1].phone_prefixes[0]: a complete number, not a block"
err_has "list the number under phones"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "check should warn once, for the whole number only"

# ---- valid, but names that no search can find: one warning each, exit 0
python3 - "$SAMPLE" "$tmp/names.json" "$tmp/many.json" <<'PYEOF' || exit 99
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
long_name = "Bureau " + " ".join(["Longname%02d" % i for i in range(16)])
r["organizations"][0].setdefault("aliases", []).append(long_name)
r["missions"][0]["name"] = long_name
solo = dict(r["people"][0], id="solo-name-test", phones=[], emails=[],
            names=[{"full": "Solo"}])
r["people"].append(solo)
json.dump(r, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
r["organizations"][0]["aliases"] = [long_name + " %d" % i for i in range(105)]
json.dump(r, open(sys.argv[3], "w", encoding="utf-8"), ensure_ascii=False)
PYEOF
n_aliases=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["organizations"][0]["aliases"]))' "$tmp/names.json") || exit 99
n_people=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["people"]))' "$tmp/names.json") || exit 99
run 0 check "$tmp/names.json"
out_has "$tmp/names.json: valid: registry $REG_ID"
err_has "$tmp/names.json: warning: organizations[0].aliases[$((n_aliases - 1))]: not indexed as a name"
err_has "$tmp/names.json: warning: missions[0].name: not indexed as a name"
err_has "$tmp/names.json: warning: people[$((n_people - 1))].names[0]: not indexed as a name"
err_has "a search by this name finds nothing"
[ "$(wc -l <"$tmp/err")" -eq 3 ] || fail "check should warn exactly three times"
# more than a hundred: a hundred shown, the rest counted
run 0 check "$tmp/many.json"
[ "$(grep -c 'not indexed as a name' "$tmp/err")" -eq 100 ] || fail "check should show 100 name warnings"
err_has "$tmp/many.json: warning: 7 more like these"

# every_line_names FILE: each error line (all but the last, which sums up)
# starts with "FILE: ".
every_line_names() {
    total=$(wc -l <"$tmp/err")
    named=$(grep -c -F -e "$1: " "$tmp/err")
    [ "$total" -ge 2 ] || fail "no error lines for $1"
    [ "$named" -eq "$total" ] || fail "not every error line names $1"
}

# ---- invalid: every error listed with its JSON path, exit 2
bad=$tmp/invalid.json
python3 "$CLI_TESTS/sample.py" invalid "$SAMPLE" "$bad" || exit 99
run 2 check "$bad"
out_empty
err_has "$bad: people[0].phones[0]: "
err_has "$bad: people[0].instruction: "
err_has "$bad: missions[0].domains["
err_has "registry rejected (3 errors)"
every_line_names "$bad"
# lookup refuses it the same way, listing every error.
run 2 lookup --registry "$bad" "$PERSON_PHONE"
out_empty
err_has "$bad: people[0].phones[0]: "
err_has "$bad: people[0].instruction: "
err_has "$bad: missions[0].domains["
run 2 lookup --json --registry "$bad" "$PERSON_PHONE"
out_empty

# ---- not JSON, truncated, duplicate key, empty, a directory
head -c 300 "$SAMPLE" >"$tmp/truncated.json"
printf '{"format": "ploguard-registry/1", "format": "ploguard-registry/1"}\n' \
    >"$tmp/dupkey.json"
: >"$tmp/empty.json"
printf 'not json\n' >"$tmp/text.json"
for f in "$tmp/truncated.json" "$tmp/dupkey.json" "$tmp/empty.json" \
         "$tmp/text.json"; do
    run 2 check "$f"
    out_empty
    err_has "$f: "
    every_line_names "$f"
    run 2 lookup --registry "$f" "$PERSON_PHONE"
    out_empty
    err_has "$f: "
done
run 2 check "$tmp/dupkey.json"
err_has "duplicate"
# ---- a file that cannot be read: one line, the cause, no "rejected"
# registry (the file is read once, by the command itself)
for what in missing directory; do
    if [ "$what" = missing ]; then
        f=$tmp/missing.json cause="cannot open: No such file or directory"
    else
        f=$tmp cause="not a regular file"
    fi
    for cmd in check lookup; do
        if [ "$cmd" = check ]; then
            run 2 check "$f"
        else
            run 2 lookup --registry "$f" "$PERSON_PHONE"
        fi
        out_empty
        err_has "ploguard $cmd: $f: $cause"
        err_lacks "rejected"
        [ "$(wc -l <"$tmp/err")" -eq 1 ] ||
            fail "$cmd: a $what registry gives more than one line"
    done
done

finish
