#!/bin/sh
# ploguard lookup, text output: says plainly what to do.
. "$top_srcdir/tests/cli/lib.sh"
describe_registry "$SAMPLE"

# The first words of the instruction texts (they are wrapped, not cut).
python3 - "$SAMPLE" "$PERSON_ID" >"$tmp/words.sh" <<'PY' || exit 99
import json, shlex, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
p = [x for x in r["people"] if x["id"] == sys.argv[2]][0]
ins = r["instructions"][p["instruction"]]
role = {"plo": "Police Liaison Officer", "diplomat": "diplomat",
        "official": "official"}[p["role"]]
print("INS_ID=%s" % shlex.quote(p["instruction"]))
print("EN_START=%s" % shlex.quote(" ".join(ins["en"].split()[:3])))
print("FR_START=%s" % shlex.quote(" ".join(ins["fr"].split()[:3])))
print("EN_END=%s" % shlex.quote(ins["en"].split()[-1]))
print("ROLE_WORDS=%s" % shlex.quote(role))
print("MISSION=%s" % shlex.quote(p.get("mission", "")))
PY
. "$tmp/words.sh"

L="lookup --registry $SAMPLE"

# ---- a match: DECLINE AND REFER, who, what, status, instruction, registry
run 0 $L "$PERSON_PHONE"
out_has "$PERSON_PHONE (phone $PERSON_PHONE): DECLINE AND REFER"
out_has "person $PERSON_ID:"
out_has "role: $ROLE_WORDS"
[ -z "$MISSION" ] || out_has "($MISSION)"
out_has "matched on: phone (exact)"
out_has "status: active"
out_has "Instruction ($INS_ID):"
out_has "en:"
out_has "      $EN_START"
out_has "$EN_END"
out_has "fr:"
out_has "      $FR_START"
out_has "registry: $REG_ID seq $REG_SEQ, expires "
out_lacks "STALE"
out_lacks "NOT a match"
# Wrapped: no line of the instruction runs past the terminal.
long=$(awk 'length($0) > 200' "$tmp/out" | wc -l)
[ "$long" -eq 0 ] || fail "$long output lines are longer than 200 bytes"

# ---- an extension is shown
run 0 $L "$PERSON_NATIONAL x204"
out_has "extension 204): DECLINE AND REFER"

# ---- a number beside an '@': an address that matches nothing (here a
# comment, or a pbx's user part) does not hide the registered number
run 0 $L "$PERSON_NATIONAL (nobody@unregistered.example.org)"
out_has "(phone $PERSON_PHONE): DECLINE AND REFER"
run 0 $L "$(printf '%s' "$PERSON_PHONE" | tr -d +)@pbx.example.org"
out_has "(phone $PERSON_PHONE): DECLINE AND REFER"
# ... but an unregistered number beside an address stays nothing, digits
# inside a local part with letters are no number (a help desk's ticket
# address), and a forced --email reads only the address
run 1 $L "ticket.$(printf '%s' "$PERSON_PHONE" | tr -d +)@helpdesk.example.org"
out_lacks "DECLINE AND REFER"
run 1 $L "613-555-0199 (nobody@unregistered.example.org)"
out_lacks "DECLINE AND REFER"
run 1 lookup --registry "$SAMPLE" --email "$PERSON_NATIONAL (nobody@unregistered.example.org)"
out_lacks "DECLINE AND REFER"

# ---- an ended contact: still DECLINE AND REFER, says ended and lapsed
if [ -n "$ENDED_PHONE" ]; then
    run 0 $L "$ENDED_PHONE"
    out_has "DECLINE AND REFER"
    out_has "person $ENDED_ID:"
    out_has "status: ended"
    out_has "accreditation: LAPSED"
fi

# ---- a name alone: NOT a match, no instruction to act on, exit 1
run 1 $L "$NAME_GIVEN $NAME_FAMILY"
out_has "NOT a match"
out_has "must not be acted on without an identifier"
out_has "person $NAME_PERSON_ID:"
out_lacks "DECLINE AND REFER"
out_lacks "Instruction ("

# ---- nothing registered
run 1 $L "$UNUSED_PHONE" "Zebulon Quartermaine" "x$DOMAIN"
out_has "$UNUSED_PHONE (phone $UNUSED_PHONE): no registered contact"
out_has "Zebulon Quartermaine (name"
out_has "x$DOMAIN (domain x$DOMAIN): no registered contact"
out_lacks "DECLINE AND REFER"
n=$(grep -c "no registered contact" "$tmp/out")
[ "$n" -eq 3 ] || fail "expected 3 \"no registered contact\" answers, got $n"
run 1 $L "613-555-01"
out_has "not a complete phone number"
# A name that cannot be compared says so: "no registered contact" alone
# would read as "checked, nobody".
run 1 $L --name "Wang"
out_has "not a name that can be compared"

# A body's name or alias is compared whole (possible only); read as a
# person's name ("Gong Anbu" for 公安部) it is nobody.
run 1 $L --name "MPS" "公安部"
out_has "MPS (name mps): possible name match only: NOT a match"
out_has "公安部 (name 公安部): possible name match only: NOT a match"
out_has "organization org-mps:"
out_lacks "DECLINE AND REFER"
run 1 $L --name "Gong Anbu"
out_has "Gong Anbu (name gong|anbu): no registered contact"
out_lacks "org-mps"

# ---- control characters in a value never reach the terminal
esc=$(printf 'Wang\033[2J\033]0;x\007Lihua')
run 1 $L "$esc"
out_has "Wang?[2J?]0;x?Lihua (name"
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/out"; then
    fail "an escape character was printed"
fi
c1=$(printf 'Wang\302\233Lihua')      # U+009B, the 8-bit CSI
run 1 $L "$c1"
out_has "Wang?Lihua (name"

# ---- several values: each answered, in order, exit 0 when any matches
run 0 $L "Zebulon Quartermaine" "$PERSON_EMAIL"
first=$(grep -n "^Zebulon Quartermaine (name" "$tmp/out" | cut -d: -f1)
second=$(grep -n "^$PERSON_EMAIL (email" "$tmp/out" | cut -d: -f1)
if [ -z "$first" ] || [ -z "$second" ] || [ "$first" -ge "$second" ]; then
    fail "answers missing or out of order"
fi
out_has "$PERSON_EMAIL (email $PERSON_EMAIL): DECLINE AND REFER"
out_has "matched on: email (exact)"

finish
