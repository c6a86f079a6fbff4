#!/bin/sh
# man/ploguard.1 renders without warnings, has every section, and documents
# every option of lookup --help and every JSON field.
. "$top_srcdir/tests/cli/lib.sh"

page=$top_srcdir/man/ploguard.1
if ! command -v groff >/dev/null 2>&1; then
    echo "groff not found: skipping" >&2
    exit 77
fi

groff -man -Tutf8 -ww -z "$page" 2>"$tmp/warn"
[ ! -s "$tmp/warn" ] || { fail "groff warnings:"; cat "$tmp/warn" >&2; }
if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man --warnings -l "$page" >"$tmp/page.txt" 2>"$tmp/warn" ||
        fail "man -l $page failed"
    [ ! -s "$tmp/warn" ] || { fail "man warnings:"; cat "$tmp/warn" >&2; }
else
    groff -man -Tutf8 "$page" >"$tmp/page.txt" 2>/dev/null
fi
# Plain text: no overstrike, no hyphenation at line ends.
sed 's/.\x08//g' "$tmp/page.txt" | tr '\n' ' ' | sed 's/‐ *//g; s/- \{2,\}/-/g' \
    >"$tmp/flat.txt"

for section in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "INPUT FORMS" \
               OUTPUT "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
    grep -q "^$section\$" "$tmp/page.txt" || fail "no $section section"
done

run 0 lookup --help
for opt in $(grep -o -e '--[a-z-]*' "$tmp/out" | sort -u); do
    grep -q -e "$opt" "$tmp/flat.txt" || fail "$opt is not in the man page"
done
for word in lookup check sync registry PLOGUARD_REGISTRY slapo-ploguard \
            --pubkey-file --state-dir --cacert release retire \
            query kind normalized extension verdict matches matched_on \
            confidence accreditation_lapsed instruction expires_at stale \
            phone_prefix possible "tel:+1-613-555-0142" "ext=204"; do
    grep -q -F -e "$word" "$tmp/flat.txt" || fail "\"$word\" is not in the man page"
done

finish
