#!/bin/sh
# scripts/demo.sh - what ploguard does, shown on the sample data.
#
#   make demo            (or: sh scripts/demo.sh ABS_BUILDDIR)
#
# 1. `ploguard lookup` on data/registry.sample.json with several kinds of
#    input;
# 2. a private slapd on 127.0.0.1:29099 with the overlay, the sample
#    registry and data/directory.sample.ldif, in a temporary directory;
# 3. lookups made the way a desk phone and mail clients make them, printing
#    what they would display.
# Exits 0 only if the expected annotations were seen (a smoke test too).
set -u

top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
top_builddir=$(cd "${1:-$top_srcdir}" && pwd) || { echo "demo: no build directory $1" >&2; exit 2; }
export top_srcdir top_builddir
PORT=29099
REG=$top_srcdir/data/registry.sample.json
LDIF=$top_srcdir/data/directory.sample.ldif
PLOGUARD=$top_builddir/resolver/ploguard
BASE="ou=People,dc=agency,dc=test"
problems=0

say() { printf '%s\n' "$*"; }
bad() { say "  !! $*"; problems=$((problems + 1)); }
rule() { say ""; say "== $*"; }

# ------------------------------------------------------------ 1. lookups
rule "1. ploguard lookup on the sample registry ($REG)"
if [ -x "$PLOGUARD" ]; then
    tmpout=$(mktemp "${TMPDIR:-/tmp}/ploguard-demo-lookup.XXXXXX") || exit 2
    shown_full=
    for q in "+1 (613) 555-0142" "16135550142" "tel:+1-613-555-0111" "011 44 20 7946 0012" \
             "wang.lihua@mps.example.test" "visa@toronto.mfa.example.test" "Wang Lihua" "613-555-0195"; do
        say ""
        say "\$ ploguard lookup '$q'"
        "$PLOGUARD" lookup --registry "$REG" "$q" > "$tmpout" 2>&1
        rc=$?
        if [ -z "$shown_full" ]; then
            sed 's/^/  /' "$tmpout"      # the first answer in full
            shown_full=1
        else
            sed -n '1p; /matched on/p' "$tmpout" | sed 's/^/  /'
        fi
        say "  (exit status $rc)"
    done
    out=$("$PLOGUARD" lookup --registry "$REG" "16135550142" 2>&1)
    [ $? -eq 0 ] || bad "ploguard lookup 16135550142 should say match (exit 0)"
    "$PLOGUARD" lookup --registry "$REG" "613-555-0195" >/dev/null 2>&1
    [ $? -eq 1 ] || bad "ploguard lookup 613-555-0195 (unregistered) should exit 1"
    "$PLOGUARD" lookup --registry "$REG" "Wang Lihua" >/dev/null 2>&1
    [ $? -eq 1 ] || bad "ploguard lookup 'Wang Lihua' (a name alone) must not be a match"
    : "$out"
    rm -f "$tmpout"
else
    bad "no ploguard command at $PLOGUARD (run make first)"
fi

# ------------------------------------------------------------ 2. slapd
rule "2. a private slapd on 127.0.0.1:$PORT with the ploguard overlay"
. "$top_srcdir/tests/integration/lib.sh"
pg_paths
if ! pg_find_module; then
    bad "the overlay is not built (slapd-overlay/.libs/ploguard.so): skipping the slapd part"
    exit 1
fi
PG_NAME=demo
PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ploguard-demo.XXXXXX") || exit 2
chmod 755 "$PG_DIR"
PLOGUARD_TEST_VALGRIND=0
pg_runtime
trap 'for s in $PG_SLAPDS; do pg_stop "$s" >/dev/null 2>&1; done; rm -rf "$PG_DIR"' EXIT
trap 'exit 1' INT TERM HUP
pg_registry_copy demo "$REG"
PG_OVL_EXTRA="ploguard-lang en fr" pg_conf demo
pg_load demo "$LDIF"
if ! pg_start demo "$PORT"; then
    bad "slapd did not start (is port $PORT free?)"
    exit 1
fi
say "slapd running (pid $(pg_pid demo)), directory: $LDIF"

q() { # ldapsearch output, base64 values decoded
    ldapsearch -x -LLL -o ldif-wrap=no -o nettimeout=10 -H "ldap://127.0.0.1:$PORT/" "$@" > "$PG_DIR/q.out" 2>&1
    pg_unb64 "$PG_DIR/q.out"
}
first() { grep -m 1 "^$1: " | sed "s/^$1: //"; }

# phone SCENARIO CALLER EXPECTED-PREFIX|- : a Yealink's incoming-call lookup
phone() {
    say ""
    say "-- $1"
    say "   incoming call, caller ID $2; the phone asks the directory:"
    f="(|(telephoneNumber=$2)(mobile=$2)(ipPhone=$2))"
    say "   ldapsearch -b '$BASE' '$f' displayName cn description"
    q -b "$BASE" "$f" displayName cn description > "$PG_DIR/r"
    show=$(first displayName < "$PG_DIR/r")
    [ -n "$show" ] || show=$(first cn < "$PG_DIR/r")
    dn=$(first dn < "$PG_DIR/r")
    if [ -z "$dn" ]; then
        say "   Phone display: $2 (no directory entry)"
    else
        say "   Phone display: $show"
        say "   (entry $dn)"
    fi
    grep '^description: ' "$PG_DIR/r" | grep 'rcmp-grc' | sed 's/^description: /   Notes: /'
    if [ "$3" = - ]; then
        case $show in
            DECLINE*|REFER*|REFUSER*|RENVOYER*) bad "an innocent caller was flagged: $show" ;;
        esac
    else
        case $show in
            "$3"*) : ;;
            *) bad "expected the display to start with '$3', got '$show'" ;;
        esac
    fi
}

rule "3. a desk phone (Yealink) looks up incoming calls"
phone "a registered police liaison officer who IS in the agency directory" "+16135550142" "DECLINE-REFER ILDC"
phone "a registered official who is NOT in the directory (synthesized answer)" "6135550113" "DECLINE-REFER ILDC"
phone "a registered foreign PLO calling from London" "+442079460100" "REFER"
phone "an innocent community volunteer who shares her name with a registered police liaison officer" "613-555-0195" -
phone "a withheld number" "anonymous" -

rule "4. mail clients"
say ""
say "-- Evolution checks a sender, liu.yang@example.org (size limit 1)"
q -z 1 -b "$BASE" "(mail=liu.yang@example.org)" displayName cn mail description > "$PG_DIR/r"
show=$(first displayName < "$PG_DIR/r")
say "   Sender shown as: ${show:-liu.yang@example.org}"
grep '^description: ' "$PG_DIR/r" | grep 'rcmp-grc' | sed 's/^description: /   Notes: /'
case $show in DECLINE-REFER\ ILDC*) : ;; *) bad "Evolution: expected the decline instruction, got '$show'" ;; esac

say ""
say "-- Thunderbird autocompletes 'wang' in the To: field"
f='(|(cn=wang*)(mail=wang*)(sn=wang*))'
say "   ldapsearch -b '$BASE' '$f' cn mail"
q -b "$BASE" "$f" cn mail > "$PG_DIR/r"
awk '/^dn: /{ if (cn != "") print "   Suggestion: " cn; cn = "" } /^cn: / && cn == "" { cn = substr($0, 5) }
     END { if (cn != "") print "   Suggestion: " cn }' "$PG_DIR/r"
n_flag=$(grep -c '^cn: DECLINE-REFER ILDC' "$PG_DIR/r")
n_all=$(grep -c '^dn: ' "$PG_DIR/r")
[ "$n_flag" -ge 1 ] || bad "Thunderbird: the registered Wang Lihua should be flagged"
[ "$n_all" -gt "$n_flag" ] || bad "Thunderbird: the innocent Wang Lihua should be listed unflagged"

say ""
say "-- Thunderbird autocompletes a whole address, ada.marlow@plo.example.org"
f='(|(cn=ada.marlow@plo.example.org*)(mail=ada.marlow@plo.example.org*)(sn=ada.marlow@plo.example.org*))'
q -b "$BASE" "$f" cn mail > "$PG_DIR/r"
show=$(first cn < "$PG_DIR/r")
say "   Suggestion: $show <$(first mail < "$PG_DIR/r")>"
case $show in REFER*) : ;; *) bad "Thunderbird: expected the refer instruction for Ada Marlow, got '$show'" ;; esac

rule "5. what the administrator sees (operational attributes, asked for explicitly)"
q -b "$BASE" '(uid=wang.lihua)' ploguardInstruction ploguardMatch | sed 's/^/   /'

pg_stop demo
say ""
if [ "$problems" -eq 0 ]; then
    say "demo: all expected annotations seen"
    exit 0
fi
say "demo: $problems problem(s), see '!!' above"
exit 1
