#!/bin/sh
# Random filters (tests/integration/filtergen.c) sent to a stock slapd and
# to a slapd with the overlay, on copies of one database.  For every filter:
#   - restricted to innocent entries, the two answers are byte-identical
#     (the result code, and the attributes asked for: all user and
#     operational ones, or a few, or none; in a subtree or one level, with
#     or without a size limit);
#   - unrestricted, the overlay returns every entry stock slapd returns, and
#     nothing more but synthesized entries (uid=ploguard-...), and those only
#     when the filter asserts a complete registered number or address
#     outside a NOT ("ident"), never for a name, a part of a number, a bare
#     domain or a number cut over several substring pieces ("clean");
#   - a phone's or mail client's lookup of a registered number or address
#     that no entry of ou=People holds ("must") gets exactly the entry the
#     overlay synthesizes for its registry entity, whatever the number's form;
#   - filters naming the overlay's own attributes get an answer.
# PLOGUARD_FILTER_SEED and PLOGUARD_FILTER_COUNT pick other filters; a
# failure prints the seed, the filter's number and the filter.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/fixtures.sh"
pg_setup randfilter

GEN=$top_builddir/tests/integration/filtergen
[ -x "$GEN" ] || pg_die "no $GEN (make check builds it)"
SEED=${PLOGUARD_FILTER_SEED:-20261207}
COUNT=${PLOGUARD_FILTER_COUNT:-300}
"$GEN" "$SEED" "$COUNT" > "$PG_DIR/filters" || pg_die "filtergen $SEED $COUNT failed"
echo "filters: seed $SEED, $COUNT filters (PLOGUARD_FILTER_SEED, PLOGUARD_FILTER_COUNT)"

PO=$(pg_port 17 1)
PS=$(pg_port 17 2)
it_pair "$PO" "$PS"

O=$PG_DIR/out
TAB=$(printf '\t')
n=0 clean=0 ident=0 must=0 schema=0 synthesized=0 annotated=0
bad_same=0 bad_missing=0 bad_extra=0 bad_clean=0 bad_must=0 bad_rc=0 shown=0

# report WHAT FILTER [FILE1 FILE2]: one failure, with the filter; the
# first ten with the two files' differences.
report() {
    _what=$1 _f=$2
    shift 2
    echo "FAIL: filter $n of seed $SEED: $_what: $_f" >&2
    shown=$((shown + 1))
    if [ "$shown" -le 10 ] && [ $# -eq 2 ]; then
        diff -u "$1" "$2" | head -n 30 >&2
    fi
}

# dns FILE: the sorted DNs of an LDIF answer (base64 DNs as they come).
dns() {
    grep -E '^dn::? ' "$1" | LC_ALL=C sort
}

while IFS="$TAB" read -r kind f; do
    n=$((n + 1))
    if [ $((n % 2)) -eq 0 ]; then b=$BASE; else b=$PEOPLE; fi
    if [ "$kind" = schema ]; then
        schema=$((schema + 1))
        pg_search "$PO" -b "$b" "$f" cn > "$O.s" 2>&1
        rc=$?
        if [ "$rc" -ne 0 ]; then
            bad_rc=$((bad_rc + 1))
            report "overlay answered $rc" "$f"
            sed 's/^/    | /' "$O.s" | tail -n 5 >&2
        fi
        continue
    fi
    case $kind in
    must:*) must=$((must + 1)); b=$PEOPLE ;;
    ident) ident=$((ident + 1)) ;;
    *) clean=$((clean + 1)) ;;
    esac

    # restricted to innocent entries: identical to stock, whatever is
    # asked for, in a subtree or one level, with a size limit or without
    case $((n % 6)) in
    0) set -- '*' '+' ;;
    1) set -- cn ;;
    2) set -- 1.1 ;;
    3) set -- displayName description ploguardInstruction ;;
    4) set -- '+' ;;
    *) set -- telephoneNumber mail sn ;;
    esac
    scope=sub
    [ $((n % 5)) -ne 3 ] || scope=one
    limit=0
    [ $((n % 7)) -ne 4 ] || limit=2
    pg_search "$PS" -b "$b" -s "$scope" -z "$limit" "(&$f$INNOCENT)" "$@" > "$O.ws" 2>&1
    echo "rc=$?" >> "$O.ws"
    pg_search "$PO" -b "$b" -s "$scope" -z "$limit" "(&$f$INNOCENT)" "$@" > "$O.wo" 2>&1
    echo "rc=$?" >> "$O.wo"
    if ! cmp -s "$O.ws" "$O.wo"; then
        bad_same=$((bad_same + 1))
        report "innocent entries differ from stock" "$f" "$O.ws" "$O.wo"
    fi

    # the whole answer: stock's entries, plus synthesized ones if ident
    pg_search "$PS" -b "$b" "$f" cn > "$O.us" 2>&1
    rs=$?
    pg_search "$PO" -b "$b" "$f" cn > "$O.uo" 2>&1
    ro=$?
    if [ "$rs" -eq 249 ]; then   # -7, LDAP_FILTER_ERROR: never sent
        bad_rc=$((bad_rc + 1))
        report "ldapsearch refuses the filter filtergen made" "$f"
        continue
    fi
    if [ "$rs" -ne "$ro" ]; then
        bad_rc=$((bad_rc + 1))
        report "result $ro, stock $rs" "$f" "$O.us" "$O.uo"
        continue
    fi
    dns "$O.us" > "$O.ds"
    dns "$O.uo" > "$O.do"
    if [ -n "$(LC_ALL=C comm -23 "$O.ds" "$O.do")" ]; then
        bad_missing=$((bad_missing + 1))
        report "entries of stock's answer missing" "$f" "$O.ds" "$O.do"
    fi
    extra=$(LC_ALL=C comm -13 "$O.ds" "$O.do")
    if [ "${kind#must:}" != "$kind" ]; then
        if [ "$extra" != "dn: uid=ploguard-${kind#must:},$PEOPLE" ]; then
            bad_must=$((bad_must + 1))
            report "not exactly the synthesized entry of ${kind#must:}" "$f" "$O.ds" "$O.do"
        fi
    elif [ -n "$extra" ]; then
        if printf '%s\n' "$extra" | grep -qv '^dn: uid=ploguard-'; then
            bad_extra=$((bad_extra + 1))
            report "entries stock slapd does not have" "$f" "$O.ds" "$O.do"
        elif [ "$kind" = clean ]; then
            bad_clean=$((bad_clean + 1))
            report "synthesized for a filter that asserts no registered identifier" "$f" "$O.ds" "$O.do"
        else
            synthesized=$((synthesized + 1))
        fi
    fi
    if grep -q "^cn: $DECLINE_EN" "$O.uo"; then
        annotated=$((annotated + 1))
    fi
done < "$PG_DIR/filters"

pg_check "all $COUNT filters read (got $n)" test "$n" -eq "$COUNT"
echo "filters: $clean clean, $ident ident, $must lookups of unknown callers, $schema naming the overlay's attributes"
pg_check "innocent entries identical to stock slapd's for every filter ($bad_same differ)" \
    test "$bad_same" -eq 0
pg_check "same result code as stock slapd for every filter ($bad_rc differ)" test "$bad_rc" -eq 0
pg_check "no entry of stock's answer missing ($bad_missing filters)" test "$bad_missing" -eq 0
pg_check "nothing added but synthesized entries ($bad_extra filters)" test "$bad_extra" -eq 0
pg_check "nothing synthesized for the $clean clean filters ($bad_clean did)" test "$bad_clean" -eq 0
pg_check "each of the $must lookups of an unknown caller got its synthesized entry ($bad_must did not)" \
    test "$bad_must" -eq 0 -a "$must" -gt 0
# The comparisons above would pass with an overlay that does nothing:
# these show it was at work on the same filters.
pg_check "some ident filters got a synthesized entry ($synthesized of $ident)" \
    test "$synthesized" -gt 0
pg_check "some answers carried the instruction ($annotated)" test "$annotated" -gt 0

pg_check "slapd ovl still answers" pg_search "$PO" -b "$BASE" -s base '(objectClass=*)' 1.1
pg_stop ovl; pg_check "slapd ovl clean" pg_memcheck ovl
pg_finish
