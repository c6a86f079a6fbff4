#!/bin/sh
# Instructions per call of the registry pre-checks, old and new, under
# callgrind: bench_precheck dumps one profile per row (client requests),
# and each row's total over its calls, less the "null" row's, is what one
# call of the function costs.
#   precheck-callgrind.sh BENCH_PRECHECK REGISTRY N_PEOPLE ROUNDS OUTDIR
set -eu
bench=$1 registry=$2 people=$3 rounds=$4 out=$5

command -v valgrind >/dev/null 2>&1 || { echo "bench-precheck: no valgrind, no instruction counts"; exit 0; }
mkdir -p "$out"
rm -f "$out"/cg.out*
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out/cg.out" \
    "$bench" "$registry" "$people" 0 "$rounds" > "$out/bench.log" 2> "$out/valgrind.log" ||
    { cat "$out/bench.log"; tail -n 20 "$out/valgrind.log"; exit 1; }
calls=$(awk '/ calls, /{ print $2; exit }' "$out/bench.log")
echo "bench-precheck: callgrind, $calls calls per row (Ir = instructions)"
for f in "$out"/cg.out.*; do
    name=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
    total=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$f" | head -n 1)
    [ -n "$name" ] && echo "$name $total"
done | awk -v calls="$calls" '
    { ir[$1] = $2 / calls; order[n++] = $1 }
    END {
        for (i = 0; i < n; i++)
            printf "  %-12s %8.1f Ir/call  (%.1f less null)\n", order[i], ir[order[i]],
                   ir[order[i]] - ir["null"]
    }'
