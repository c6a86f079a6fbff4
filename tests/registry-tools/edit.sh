#!/bin/sh
# ploguard registry add / set / retire: every field, every error path.
# Each failing command must exit 2, say where and why, and leave the file
# byte-for-byte unchanged with nothing left beside it.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/registry-tools/common.sh"

make_base
reg validate
expect 0 "validate the base registry"
has "$W/out" "2 people, 1 missions, 1 organizations" "base registry counts"
# Stored forms: phones in E.164, prefix compacted, country upper-case,
# --family/--given/--full as the first name, default status active.
has "$F" '"+16135550150"' "person phone stored in E.164"
has "$F" '"+16135550140"' "mission phone stored in E.164"
has "$F" '"+442079460012"' "UK phone stored in E.164"
has "$F" '"+1613555014"' "phone prefix compacted"
has "$F" '"family": "WANG",' "first name family"
has "$F" '"full": "王丽华",' "first name full, UTF-8 unescaped"
has "$F" '"family": "CHEN",' "--name FAMILY/GIVEN"
has "$F" '"status": "active"' "default status"
has "$F" '"accredited_from": "2025-01-15"' "accredited_from"
has "$F" '"instruction": "decline"' "mission instruction"
[ -z "$(ls -A "$R" | grep -vx registry.json)" ] ||
    fail "files left beside the registry: $(ls -A "$R")"

# --- an edit keeps the file's mode (an ILDC may keep the registry 0600)
chmod 600 "$F"
cp "$F" "$W/before-mode"
reg set p-0001 role diplomat
expect 0 "set on a mode-0600 registry"
cmp -s "$F" "$W/before-mode" && fail "the set on a mode-0600 registry wrote nothing"
[ "$(stat -c %a "$F")" = 600 ] ||
    fail "an edit changed the registry's mode from 600 to $(stat -c %a "$F")"
checks=$((checks + 1))
reg set p-0001 role plo
expect 0 "set back"
chmod 644 "$F"

# --- lookup with the real matcher finds what add wrote
"$PLOGUARD" lookup --registry "$F" --json --phone 16135550150 >"$W/look" 2>&1 ||
    fail "lookup of the added person's phone: $(cat "$W/look")"
has "$W/look" '"p-0001"' "lookup finds p-0001 by phone"

# --- add: more kinds of names, organization without instruction
reg add person --id p-0003 --role official --full "Ms Example Official" \
    --name "LIN/Wei" --name "WANG/Li Hua" --organization o-mps \
    --status ended --accredited-from 2020-02-29 --accredited-until 2024-12-31 \
    --instruction refer
expect 0 "add person with --full and repeated --name"
has "$F" '"full": "Ms Example Official"' "add --full alone"
has "$F" '"given": "Li Hua"' "add --name with blanks"

# --- add: error paths
bad 2 "invalid phone" add person --id p-0009 --role plo --name "LI/Ming" \
    --mission m-ott --phone 613-555-01
has "$W/err" 'people[3].phones[0]: "613-555-01"' "invalid phone: path and value"
has "$W/err" "not a complete phone number" "invalid phone: reason"
has "$W/err" "registry.json: not changed" "invalid phone: says not changed"
bad 2 "invalid e-mail" add person --id p-0009 --role plo --name "LI/Ming" \
    --mission m-ott --email "not an address"
has "$W/err" 'people[3].emails[0]' "invalid e-mail: path"
bad 2 "unknown mission" add person --id p-0009 --role plo --name "LI/Ming" \
    --mission m-nowhere
has "$W/err" 'people[3].mission' "unknown mission: path"
bad 2 "duplicate id" add person --id p-0001 --role plo --name "LI/Ming"
has "$W/err" 'people[0].id: "p-0001" is already a person' "duplicate id"
bad 2 "duplicate id across kinds" add organization --id m-ott --name X --country CN
has "$W/err" 'is already a mission' "duplicate id across kinds"
bad 2 "bad id" add person --id "p 9" --role plo --name "LI/Ming" --mission m-ott
has "$W/err" 'people[3].id' "bad id: path"
bad 2 "missing role" add person --id p-0009 --name "LI/Ming"
has "$W/err" "add person: --role is required" "missing role"
bad 2 "missing name" add person --id p-0009 --role plo
has "$W/err" "a name is required" "missing name"
bad 2 "missing id" add person --role plo --name "LI/Ming"
has "$W/err" "--id is required" "missing id"
bad 2 "missing city" add mission --id m-x --name X --country CN --instruction decline
has "$W/err" "add mission: --city is required" "missing city"
bad 2 "bad role" add person --id p-0009 --role spy --name "LI/Ming"
has "$W/err" '"spy" is not a role' "bad role"
bad 2 "bad status" add person --id p-0009 --role plo --name "LI/Ming" --status gone
has "$W/err" '"gone" is not a status' "bad status"
bad 2 "bad date" add person --id p-0009 --role plo --name "LI/Ming" \
    --accredited-from 2025-02-30
has "$W/err" '"2025-02-30" is not a date' "bad date"
bad 2 "bad country" add organization --id o-x --name X --country CHN
has "$W/err" '"CHN" is not an ISO 3166 alpha-2' "bad country"
bad 2 "unknown country" add organization --id o-x --name X --country QQ
has "$W/err" 'organizations[1].country' "unknown country: path from the loader"
bad 2 "dates out of order" add person --id p-0009 --role plo --name "LI/Ming" \
    --mission m-ott --accredited-from 2025-01-01 --accredited-until 2024-01-01
has "$W/err" 'people[3].accredited_until: is earlier than accredited_from' "dates out of order"
bad 2 "unknown instruction" add mission --id m-x --name X --country CN \
    --city Y --instruction nope
has "$W/err" 'missions[1].instruction' "unknown instruction: path"
bad 2 "flag of another kind" add organization --id o-x --name X --country CN --city Y
has "$W/err" "--city does not apply to an organization" "flag of another kind"
bad 2 "unknown flag" add person --id p-0009 --role plo --name "LI/Ming" --birthday 1970-01-01
has "$W/err" "--birthday: unknown option" "unknown flag"
bad 2 "single flag twice" add person --id p-0009 --role plo --role diplomat --name "LI/Ming"
has "$W/err" "--role: given twice" "single flag twice"
bad 2 "same phone twice" add person --id p-0009 --role plo --name "LI/Ming" \
    --mission m-ott --phone 613-555-0160 --phone "+1 613 555 0160"
has "$W/err" "phones[0] already holds" "same phone twice"
bad 2 "name with two slashes" add person --id p-0009 --role plo --name "A/B/C"
has "$W/err" "use FAMILY/GIVEN with one '/'" "name with two slashes"
bad 2 "empty value" add person --id p-0009 --role plo --name "  "
has "$W/err" "empty value" "empty value"
bad 2 "control character" add person --id p-0009 --role plo --name "$(printf 'LI\tMing\nX')"
has "$W/err" "control character" "control character"
bad 2 "invalid UTF-8" add person --id p-0009 --role plo --name "$(printf 'LI\377')"
has "$W/err" "not valid UTF-8" "invalid UTF-8"
bad 2 "unknown kind" add embassy --id e-1 --name X
has "$W/err" "not person, mission, organization or instruction" "unknown kind"
bad 2 "no kind" add --id e-1
has "$W/err" "wrong number of operands" "no kind"
bad 2 "family name without a given name" add person --id p-0009 --role plo \
    --name "LIN/" --mission m-ott
has "$W/err" 'people[3].names[0]' "family without given: path"

# --- add instruction
reg add instruction --id watch --en "Note the contact and report it to the ILDC." \
    --fr "Notez le contact et signalez-le au CILD." --short-en "REPORT ILDC" \
    --short-fr "SIGNALER GRC"
expect 0 "add instruction"
has "$F" '"watch": {' "add instruction"
bad 2 "instruction short text too long" add instruction --id w2 --en e --fr f \
    --short-en "REPORT TO THE ILDC AT ONCE PLEASE" --short-fr S
has "$W/err" "instructions.w2.short_en" "instruction too long: path"
bad 2 "instruction missing text" add instruction --id w3 --en e --fr f --short-en S
has "$W/err" "--short-fr is required" "instruction missing text"
bad 2 "instruction exists" add instruction --id decline --en e --fr f \
    --short-en S --short-fr S
has "$W/err" "instruction decline already exists" "instruction exists"

# --- the instructions keep their order: an organization with neither an
# instruction nor a mission takes the first one (registry-format.md), so
# the canonical form must not sort them
reg add organization --id o-order --name "Example Order Bureau" --country CN \
    --domain order.example.test
expect 0 "add an organization without instruction or mission"
first_ins=$(sed -n '/^  "instructions": {/,/^  }/s/^    "\([^"]*\)": {$/\1/p' "$F" | head -n 1)
reg add instruction --id aaa-first-by-name --en "Some text." --fr "Un texte." \
    --short-en "NOTE" --short-fr "NOTER"
expect 0 "add an instruction whose id sorts first"
now_first=$(sed -n '/^  "instructions": {/,/^  }/s/^    "\([^"]*\)": {$/\1/p' "$F" | head -n 1)
[ -n "$first_ins" ] && [ "$now_first" = "$first_ins" ] ||
    fail "the first instruction changed from '$first_ins' to '$now_first'"
checks=$((checks + 1))
"$PLOGUARD" lookup --registry "$F" --json --email x@order.example.test \
    >"$W/look-order" 2>&1
has "$W/look-order" "\"id\": \"$first_ins\"" "the organization keeps the first instruction"

# --- set: scalars, lists, clear
reg set p-0002 role plo
expect 0 "set role"
has "$W/out" "p-0002: role updated" "set role message"
reg set p-0002 phones += "613.555.0161"
expect 0 "set phones +="
has "$F" '"+16135550161"' "set phones += stores E.164"
reg set p-0002 phones -= "+1 (613) 555-0161"
expect 0 "set phones -= another spelling of the same number"
hasnt "$F" '"+16135550161"' "set phones -= removed it"
reg set p-0002 emails += "Chen.Jie2@Example.org"
expect 0 "set emails +="
reg set p-0002 emails -= "chen.jie2@example.org"
expect 0 "set emails -= is case-insensitive"
hasnt "$F" 'Chen.Jie2' "set emails -= removed it"
reg set p-0002 names += "CHAN/Kit"
expect 0 "set names +="
has "$F" '"family": "CHAN",' "set names += FAMILY/GIVEN"
reg set p-0002 names -= "CHAN/Kit"
expect 0 "set names -="
hasnt "$F" '"family": "CHAN",' "set names -= removed it"
reg set m-ott phone_prefixes += "+44 20 7946 00"
expect 0 "set phone_prefixes +="
has "$F" '"+4420794600"' "prefix compacted by set"
reg set o-mps aliases += "Gong'anbu"
expect 0 "set aliases +="
reg set o-mps domains -= "MPS.example.test"
expect 0 "set domains -= is case-insensitive"
reg set m-ott city "Ottawa-Gatineau"
expect 0 "set city"
reg set p-0001 accredited_until 2027-06-30
expect 0 "set accredited_until"
reg set p-0001 accredited_until --clear
expect 0 "set --clear on an optional field"
reg set p-0002 emails --clear
expect 0 "set --clear on a list"
has "$F" '"emails": []' "set --clear empties a list"
reg set p-0002 role plo
expect 0 "set to the same value"
has "$W/out" "no change" "set to the same value says no change"
reg set decline short_en "DECLINE+REFER ILDC"
expect 0 "set an instruction text"
has "$F" '"short_en": "DECLINE+REFER ILDC"' "set an instruction text"

bad 2 "set unknown id" set p-9999 role plo
has "$W/err" 'no entity or instruction with id "p-9999"' "set unknown id"
bad 2 "set unknown field" set p-0001 birthday 1970-01-01
has "$W/err" 'a person has no field "birthday"' "set unknown field"
bad 2 "set field of another kind" set o-mps city Ottawa
has "$W/err" 'an organization has no field "city"' "set field of another kind"
bad 2 "set id" set p-0001 id p-0100
has "$W/err" "ids never change" "set id"
bad 2 "set a list without an operator" set p-0001 phones 6135550170
has "$W/err" "phones is a list: use 'set p-0001 phones += VALUE'" "set list without operator"
bad 2 "set a scalar with +=" set p-0001 role += plo
has "$W/err" "role holds one value" "set scalar with +="
bad 2 "set -= a missing member" set p-0001 phones -= 6135550199
has "$W/err" 'people[0]: phones does not hold "+16135550199"' "set -= missing member"
bad 2 "set += an existing member" set p-0001 phones += "613 555 0150"
has "$W/err" 'people[0]: phones[0] already holds "+16135550150"' "set += existing"
bad 2 "set invalid phone" set p-0001 phones += 555-01
has "$W/err" 'people[0].phones[1]' "set invalid phone: path"
bad 2 "set bad role" set p-0001 role spy
has "$W/err" 'people[0].role: "spy" is not a role' "set bad role"
bad 2 "set --clear a required field" set p-0001 role --clear
has "$W/err" 'people[0]' "set --clear required: path"
has "$W/err" 'role' "set --clear required: names the field"
bad 2 "set --clear with a value" set p-0001 role plo --clear
bad 2 "set unknown mission" set p-0001 mission m-gone
has "$W/err" 'people[0].mission' "set unknown mission: path"
bad 2 "set instruction text too long" set refer short_fr "RENVOYER A INTERPOL OU A LA GRC"
has "$W/err" 'instructions.refer.short_fr' "set instruction too long: path"
bad 2 "set instruction unknown field" set refer text x
has "$W/err" 'instruction refer has no field "text"' "set instruction unknown field"
bad 2 "set wrong operand count" set p-0001
has "$W/err" "wrong number of operands" "set wrong operand count"
bad 2 "set bad operator" set p-0001 phones '*=' 6135550170
has "$W/err" "set ID FIELD [+=|-=] VALUE" "set bad operator"

# --- retire
reg retire p-0002 --date 2026-10-31
expect 0 "retire with a date"
has "$W/out" "p-0002 retired on 2026-10-31" "retire message"
has "$F" '"accredited_until": "2026-10-31"' "retire sets accredited_until"
# Keys are sorted: "status" follows "id" inside the same object.
awk '/"id": "p-0002"/ { on = 1 } on && /^    }/ { exit } on' "$F" >"$W/p2"
has "$W/p2" '"status": "ended"' "retire sets status ended"
has "$F" '"id": "p-0002"' "retire deletes nothing"
today=$(date -u +%Y-%m-%d)
reg retire p-0001
expect 0 "retire today"
has "$F" "\"accredited_until\": \"$today\"" "retire defaults to today"
"$PLOGUARD" lookup --registry "$F" --json --phone 6135550150 >"$W/look" 2>&1 ||
    fail "a retired person still matches: $(cat "$W/look")"
has "$W/look" '"ended"' "lookup reports the retired person as ended"
# Retiring again keeps the end that is there (p-0002 ended 2026-10-31,
# before today); --date replaces it.
reg retire p-0002
expect 0 "retire an ended person again"
has "$F" '"accredited_until": "2026-10-31"' "... keeps its earlier end"
has "$W/err" "accredited_until 2026-10-31 is kept" "... and says so"
reg retire p-0002 --date 2026-11-15
expect 0 "retire again with --date"
has "$F" '"accredited_until": "2026-11-15"' "... --date replaces the end"
bad 2 "retire a mission" retire m-ott
has "$W/err" "m-ott is a mission; only people are retired" "retire a mission"
bad 2 "retire unknown" retire p-9999
has "$W/err" 'no entity with id "p-9999"' "retire unknown"
bad 2 "retire bad date" retire p-0003 --date 31/12/2026
has "$W/err" 'is not a date' "retire bad date"
bad 2 "retire before accredited_from" retire p-0003 --date 2019-01-01
has "$W/err" 'accredited_until: is earlier than accredited_from' "retire before accredited_from"

# --- the file as a whole
bad 2 "edit a file that is not JSON" set p-0001 role plo --file "$W/out"
printf '{"format": "ploguard-registry/1", "format": "x"}\n' >"$R/dup.json"
snapshot
"$PLOGUARD" registry -f "$R/dup.json" set p-0001 role plo >/dev/null 2>"$W/err"
rc=$?
expect 2 "edit a file with duplicate keys"
has "$W/err" "duplicate" "edit a file with duplicate keys"
rm -f "$R/dup.json"
reg set p-0001 role plo --file "$R/missing.json"
expect 2 "edit a missing file"
[ ! -e "$R/missing.json" ] || fail "editing a missing file created it"

# --- the edit lock: a held lock refuses the edit, leaves the file alone
if command -v flock >/dev/null 2>&1; then
    snapshot
    # Hold the lock in the background until we remove the gate file.
    : >"$W/gate"
    flock -w 10 "$F.lock" sh -c 'i=0; while [ -e "$1" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done' sh "$W/gate" &
    holder=$!
    i=0
    while flock -n "$F.lock" true 2>/dev/null && [ $i -lt 100 ]; do
        sleep 0.05; i=$((i + 1))
    done
    reg set p-0003 role plo
    expect 2 "edit while the lock is held"
    has "$W/err" "being edited by another ploguard registry command" "lock message"
    cmp -s "$F" "$W/snapshot" || fail "edit under a held lock changed the file"
    rm -f "$W/gate"
    wait "$holder"
    rm -f "$F.lock"
    reg set p-0003 role plo
    expect 0 "edit once the lock is free"
else
    echo "note: flock(1) missing; lock test skipped"
fi

# --- racing edits: each either lands or is refused; none is lost
before=$(grep -c '"+1613555018[0-9]"' "$F")
pids=
for n in 0 1 2 3 4 5 6 7 8 9; do
    "$PLOGUARD" registry -f "$F" set p-0003 phones += "613-555-018$n" \
        >"$W/race$n.out" 2>"$W/race$n.err" &
    pids="$pids $!"
done
ok=0
for p in $pids; do
    if wait "$p"; then ok=$((ok + 1)); fi
done
after=$(grep -c '"+1613555018[0-9]"' "$F")
[ $((after - before)) -eq "$ok" ] ||
    fail "racing edits: $ok succeeded but $((after - before)) numbers landed"
checks=$((checks + 1))
for n in 0 1 2 3 4 5 6 7 8 9; do
    if [ -s "$W/race$n.err" ] && ! grep -q "being edited by another" "$W/race$n.err"; then
        fail "racing edit $n failed otherwise: $(cat "$W/race$n.err")"
    fi
done
[ -z "$(ls -A "$R" | grep -vx registry.json)" ] ||
    fail "racing edits left files: $(ls -A "$R")"
checks=$((checks + 1))

# --- an edit killed at any moment leaves the old or the new file, whole
# A registry big enough for the edit to take a while (3000 people).
awk 'BEGIN {
    printf "{\"format\": \"ploguard-registry/1\", \"registry_id\": \"kill-test\", \"seq\": 1,\n"
    printf " \"issued_at\": \"2026-11-01T00:00:00Z\", \"expires_at\": \"2027-11-01T00:00:00Z\",\n"
    printf " \"instructions\": {\"decline\": {\"en\": \"Decline.\", \"fr\": \"Refuser.\", \"short_en\": \"DECLINE\", \"short_fr\": \"REFUSER\"}},\n"
    printf " \"organizations\": [], \"missions\": [], \"people\": [\n"
    for (i = 0; i < 3000; i++)
        printf "  {\"id\": \"k-%04d\", \"role\": \"plo\", \"names\": [{\"family\": \"KILL\", \"given\": \"Test%d\"}], \"emails\": [\"k%d@example.org\"], \"instruction\": \"decline\"}%s\n", i, i, i, (i < 2999 ? "," : "")
    printf "]}\n"
}' >"$R/kill.json"
KF=$R/kill.json
"$PLOGUARD" registry -f "$KF" set k-0000 role diplomat >/dev/null 2>&1 ||
    fail "canonicalizing the kill-test registry"
cp "$KF" "$W/kill-old"
cp "$KF" "$W/kill-work"
"$PLOGUARD" registry -f "$W/kill-work" set k-2999 role official >/dev/null 2>&1 ||
    fail "the kill-test edit"
cp "$W/kill-work" "$W/kill-new"
for delay in 0.002 0.005 0.01 0.02 0.03 0.05 0.07 0.1; do
    cp "$W/kill-old" "$KF"
    "$PLOGUARD" registry -f "$KF" set k-2999 role official >/dev/null 2>&1 &
    victim=$!
    sleep "$delay"
    kill -9 "$victim" 2>/dev/null
    wait "$victim" 2>/dev/null
    if ! cmp -s "$KF" "$W/kill-old" && ! cmp -s "$KF" "$W/kill-new"; then
        fail "killed after ${delay}s: the file is neither the old nor the new one"
    fi
    checks=$((checks + 1))
    # A killed edit may leave its temporary file and a lock file behind;
    # the lock is not held by anyone, so the next edit goes through.
    rm -f "$KF".tmp.* 2>/dev/null
done
"$PLOGUARD" registry -f "$KF" set k-0001 role official >/dev/null 2>"$W/err" ||
    fail "an edit after a killed one: $(cat "$W/err")"
checks=$((checks + 1))
rm -f "$KF" "$KF.lock"

# --- an edit through a symbolic link changes the file it names
mkdir "$W/real"
cp "$F" "$W/real/registry.json"
ln -s "$W/real/registry.json" "$W/link.json"
"$PLOGUARD" registry -f "$W/link.json" set p-0002 phones += 613-555-0163 \
    >/dev/null 2>"$W/err" || fail "an edit through a link: $(cat "$W/err")"
[ -L "$W/link.json" ] || fail "the edit replaced the link by a file"
has "$W/real/registry.json" '"+16135550163"' "the link's target is edited"
[ -z "$(ls -A "$W/real" | grep -vx registry.json)" ] ||
    fail "files left beside the link's target: $(ls -A "$W/real")"
ln -s "$W/nowhere/registry.json" "$W/dangling.json"
rc=0
"$PLOGUARD" registry -f "$W/dangling.json" set p-0002 role plo \
    >/dev/null 2>"$W/err" || rc=$?
expect 2 "an edit through a link to nothing"
has "$W/err" "dangling.json: a symbolic link to nothing usable" "a link to nothing"

# --- as root: an edit keeps the file's owner and group (slapd's group may
# be what lets it read the file), and a directory that cannot be flushed
# after the file is in place is a warning, not "not changed"
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null 2>&1 &&
   id nobody >/dev/null 2>&1; then
    cp "$F" "$W/owned.json"
    chown nobody:nogroup "$W/owned.json"
    chmod 640 "$W/owned.json"
    "$PLOGUARD" registry -f "$W/owned.json" set p-0002 phones += 613-555-0164 \
        >/dev/null 2>"$W/err" || fail "an edit of a nobody-owned file: $(cat "$W/err")"
    [ "$(stat -c '%U:%G %a' "$W/owned.json")" = "nobody:nogroup 640" ] ||
        fail "the edit left $(stat -c '%U:%G %a' "$W/owned.json"), not nobody:nogroup 640"
    checks=$((checks + 1))
    # write and search, no read: the directory cannot be opened to flush it
    mkdir "$W/wx"
    cp "$F" "$W/wx/registry.json"
    chown -R nobody "$W/wx"
    chmod 0333 "$W/wx"
    chmod 0711 "$T" "$W"
    rc=0
    runuser -u nobody -- "$PLOGUARD" registry -f "$W/wx/registry.json" \
        set p-0002 phones += 613-555-0165 >"$W/out" 2>"$W/err" || rc=$?
    chmod 0755 "$W/wx"
    chmod 0700 "$T" "$W"
    expect 0 "an edit whose directory cannot be flushed"
    has "$W/err" "written, but" "an unflushed directory is a warning"
    hasnt "$W/err" "not changed" "an unflushed directory is no 'not changed'"
    has "$W/wx/registry.json" '"+16135550165"' "the edit is in the file"
else
    echo "skipped: the owner and directory checks need root, runuser and nobody"
fi

# --- the library still loads the result; the file is canonical
reg validate
expect 0 "validate after all edits"
"$PLOGUARD" check "$F" >/dev/null 2>&1 || fail "ploguard check rejects the edited file"

# --- the edit lock and other accounts (as nobody, when run as root): a lock
# file another account left behind, readable, locks and is taken; an
# unreadable one, or a directory the account may not write, is said so
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
    AS="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups"
    L=$T/locks
    mkdir "$L" && cp "$F" "$L/registry.json" && chown nobody "$L" "$L/registry.json" &&
        chmod 755 "$T" || exit 99
    as_nobody() {
        rc=0
        $AS "$PLOGUARD" registry -f "$L/registry.json" "$@" >"$W/out" 2>"$W/err" || rc=$?
    }
    : > "$L/registry.json.lock" && chmod 644 "$L/registry.json.lock"
    as_nobody set p-0002 role diplomat
    expect 0 "a readable lock file root left behind: nobody takes the lock"
    : > "$L/registry.json.lock" && chmod 600 "$L/registry.json.lock"
    as_nobody set p-0002 role plo
    expect 2 "an unreadable lock file root left behind"
    has "$W/err" "left by another account: remove it if no ploguard registry command is running" "... says so"
    rm -f "$L/registry.json.lock"
    chown root "$L" && chmod 666 "$L/registry.json" || exit 99
    as_nobody set p-0002 role plo
    expect 2 "a directory nobody may not write"
    has "$W/err" "this account may not create files there" "... says so, not another account's lock"
else
    echo "# skipped: the edit lock of another account (not root, or no setpriv or nobody)"
fi

finish
