#!/bin/sh
# ploguard: --help, --version, help, usage errors, argument validation,
# and where the registry is looked for.
. "$top_srcdir/tests/cli/lib.sh"

# ---- help and version: stdout, exit 0
run 0 --help
out_has "usage: ploguard"
out_has "lookup"
out_has "check"
run 0 -h
out_has "usage: ploguard"
run 0 --version
out_has "ploguard "
run 0 help
out_has "usage: ploguard"
for cmd in lookup check sync registry; do
    run 0 help "$cmd"
    out_has "usage: ploguard $cmd"
done
run 0 lookup --help
out_has "--outside-line"
run 0 check --help
out_has "usage: ploguard check FILE"

# ---- usage errors: usage on stderr, nothing on stdout, exit 2
run 2
out_empty
err_has "usage: ploguard"
run 2 frobnicate
err_has "unknown command"
run 2 --bogus lookup x
err_has "unknown option --bogus"
err_has "usage: ploguard"
run 2 help frobnicate
run 2 help lookup check
run 2 lookup --bogus --registry "$SAMPLE" 6135550142
out_empty
err_has "unknown option --bogus"
err_has "usage: ploguard lookup"
run 2 lookup -z --registry "$SAMPLE" 6135550142
err_has "unknown option -z"
# a number written with a leading '-' is taken for options: the message
# names the option, not the word before it, and says what to do
run 2 lookup --registry "$SAMPLE" -613-555-0142
err_has "unknown option -6 (a value that begins with '-' goes after \"--\")"
run 0 lookup --registry "$SAMPLE" -- -613-555-0142
out_has "DECLINE AND REFER"
run 2 lookup --json=yes --registry "$SAMPLE" 6135550142
err_has "takes no argument"
run 2 lookup --registry "$SAMPLE"
err_has "no VALUE"
run 2 lookup --registry
err_has "needs an argument"
run 2 lookup --registry "" 6135550142
run 2 check
err_has "usage: ploguard check"
run 2 check "$SAMPLE" "$SAMPLE"
run 2 check --bogus "$SAMPLE"
err_has "unknown option --bogus"

# ---- every argument is validated
run 2 lookup --registry "$SAMPLE" --region ZZ 6135550142
out_empty
err_has "--region \"ZZ\""
run 2 lookup --registry "$SAMPLE" --region CAN 6135550142
err_has "--region"
run 2 lookup --registry "$SAMPLE" --region "" 6135550142
run 2 lookup --registry "$SAMPLE" --outside-line 12345 6135550142
err_has "--outside-line"
run 2 lookup --registry "$SAMPLE" --outside-line 9a 6135550142
err_has "--outside-line"
run 2 lookup --registry "$SAMPLE" --phone --name 6135550142
err_has "exclude each other"
run 2 lookup --registry "$SAMPLE" --email --phone 6135550142
# A value that is not UTF-8, or absurdly long, is refused before any lookup.
bad=$(printf 'Wang\377Lihua')
run 2 lookup --registry "$SAMPLE" 6135550142 "$bad"
out_empty
err_has "value 2 is not valid UTF-8"
long=$(python3 -c 'print("6" * 2000)')
run 2 lookup --registry "$SAMPLE" "$long"
err_has "value 1 is too long"
# Values after the options, options after the values, and "--".
run 0 lookup 6135550142 --registry "$SAMPLE"
run 1 lookup --registry "$SAMPLE" -- "Nobody Atall"

# ---- the registry: --registry, else $PLOGUARD_REGISTRY, else the default
run 0 lookup --registry "$SAMPLE" 6135550142
PLOGUARD_REGISTRY=$SAMPLE
export PLOGUARD_REGISTRY
run 0 lookup 6135550142
# --registry wins over the environment.
run 2 lookup --registry "$tmp/none.json" 6135550142
err_has "$tmp/none.json"
PLOGUARD_REGISTRY=$tmp/missing.json
run 2 lookup 6135550142
out_empty
err_has "$tmp/missing.json"
# An empty variable counts as unset: the compiled-in default is used (it
# does not exist in a test environment; the error must name it).
PLOGUARD_REGISTRY=
run 2 lookup 6135550142
err_has "lib/ploguard/registry.json"
unset PLOGUARD_REGISTRY
if [ ! -e /var/lib/ploguard/registry.json ] && [ ! -e /usr/local/var/lib/ploguard/registry.json ]; then
    run 2 lookup 6135550142
    err_has "lib/ploguard/registry.json"
fi

# ---- output that cannot be written is an error, not a silent success
if [ -w /dev/full ]; then
    "$PLOGUARD" lookup --registry "$SAMPLE" 6135550142 >/dev/full 2>"$tmp/err"
    st=$?
    [ "$st" -eq 2 ] || fail "lookup >/dev/full: exit $st, expected 2"
    "$PLOGUARD" lookup --json --registry "$SAMPLE" 6135550142 >/dev/full 2>"$tmp/err"
    st=$?
    [ "$st" -eq 2 ] || fail "lookup --json >/dev/full: exit $st, expected 2"
fi

finish
