#!/bin/sh
# tests/bench/overlay/run.sh ABS_BUILDDIR [REPS] [SECONDS]
#
# The overlay's cost, measured side by side (benchmark-method.md §6):
#  - two slapds on copies of one 10,000-entry directory: "stock" and
#    "ovl" (the ploguard overlay with a 10,000-person registry), same
#    configuration otherwise (threads 16, loglevel none, every phone
#    attribute indexed);
#  - both pinned to CPU 1 (taskset -c 1), the load generator to CPU 0;
#  - each request alternates between the two servers (ldload paired mode,
#    4 connections), which server is first, which starts first and the
#    ports are swapped every other repetition; both read copies of one
#    database file; REPS (>= 5) repetitions of SECONDS each;
#  - per row: median [min-max] of the overlay/stock ratio of slapd CPU per
#    search, and the latency ratio at 1 connection for reference;
#  - then callgrind instruction counts per search for each side
#    (callgrind_control -z / -d around K searches, after a warm-up).
# Loopback only; bounded (about 6-8 minutes).  Prints a Markdown table and
# writes it to ABS_BUILDDIR/tests/bench/overlay-results.md.
set -u

top_srcdir=$(cd "$(dirname "$0")/../../.." && pwd)
top_builddir=$(cd "${1:?usage: run.sh ABS_BUILDDIR [REPS] [SECONDS]}" && pwd)
REPS=${2:-5}
SECS=${3:-5}
export top_srcdir top_builddir
[ "$REPS" -ge 5 ] 2>/dev/null || { echo "bench-overlay: at least 5 repetitions" >&2; exit 2; }
LDLOAD=$top_builddir/tests/bench/overlay/ldload
GENREG=$top_builddir/tests/bench/gen_registry
for p in "$LDLOAD" "$GENREG"; do
    [ -x "$p" ] || { echo "bench-overlay: $p not built (make check builds it)" >&2; exit 2; }
done
NCPU=$(nproc)
if [ "$NCPU" -ge 2 ]; then CPU_SLAPD="taskset -c 1"; CPU_LOAD="taskset -c 0"
else CPU_SLAPD=""; CPU_LOAD=""; echo "bench-overlay: one CPU only, not pinning" >&2; fi

. "$top_srcdir/tests/integration/lib.sh"
pg_setup bench-overlay
PG_DEBUG=0
OUT=$top_builddir/tests/bench/overlay-results.md
mkdir -p "$top_builddir/tests/bench"
BASE="ou=People,dc=agency,dc=test"
ATTRS="cn sn telephoneNumber mobile mail"
CONNS=${BENCH_OVERLAY_CONNS:-4}    # connections of the paired CPU measurement
P1=29901
P2=29902
N=10000

# ---------------------------------------------------------------- data
echo "bench-overlay: generating $N entries and a $N-person registry"
sh "$top_srcdir/tests/bench/overlay/gen-directory.sh" "$N" > "$PG_DIR/directory.ldif" || pg_die "gen-directory failed"
"$GENREG" "$N" > "$PG_DIR/registry.json" || pg_die "gen_registry failed"
PG_GLOBAL_EXTRA="threads 16
loglevel none"
pg_registry_copy ovl "$PG_DIR/registry.json"
# BENCH_OVERLAY_AA=1: a control run, both servers stock (ratios ~1.00
# measure the method's own noise on this machine)
# BENCH_OVERLAY_NULL=1: a control run, the "overlay" side runs the null
# overlay (tests/bench/overlay/nullovl.c): slapd's own cost of any overlay;
# BENCH_OVERLAY_NULL=task: the null overlay with a run-queue task as well;
# BENCH_OVERLAY_NULL=global: the null overlay as a global (frontend) overlay
CONTROL=
NULLOVL=$top_builddir/tests/bench/overlay/.libs/nullovl.so
# conf_null SIDE [ARG]: SIDE is stock slapd with the null overlay (loaded
# with the module argument ARG)
conf_null() {
    [ -f "$NULLOVL" ] || pg_die "$NULLOVL not built (make check builds it)"
    if [ "${2:-}" = global ]; then
        PG_GLOBAL_EXTRA="$PG_GLOBAL_EXTRA
moduleload $NULLOVL
overlay pgbenchnull" PG_EXTRA_INDEX= PG_OVERLAY=0 pg_conf "$1"
        return
    fi
    PG_GLOBAL_EXTRA="$PG_GLOBAL_EXTRA
moduleload $NULLOVL${2:+ $2}" PG_DB_EXTRA="overlay pgbenchnull" PG_EXTRA_INDEX= \
        PG_OVERLAY=0 pg_conf "$1"
}
if [ "${BENCH_OVERLAY_AA:-0}" = 1 ]; then OVL_ON=0; CONTROL="both servers are stock slapd"
elif [ "${BENCH_OVERLAY_NULL:-0}" = 1 ]; then OVL_ON=0; CONTROL="the overlay side runs the null overlay"
elif [ "${BENCH_OVERLAY_NULL:-0}" = task ]; then OVL_ON=0
    CONTROL="the overlay side runs the null overlay with a task in slapd's run queue"
elif [ "${BENCH_OVERLAY_NULL:-0}" = global ]; then OVL_ON=0
    CONTROL="the overlay side runs the null overlay as a global overlay (frontend)"
else OVL_ON=1; fi
# index ipPhone/otherTelephone too if the overlay's schema defines them
[ "$OVL_ON" = 0 ] || pg_probe_extra_index ovl
# Neither side logs: stock runs "loglevel none", and the overlay's MATCH
# lines (logged at every level by default) are put at "stats" for the
# measurement.  What one MATCH line costs (one syslog() call) is read off
# the callgrind profile of the synthesized row and reported separately.
PG_OVL_EXTRA="ploguard-log-level stats" PG_OVERLAY=$OVL_ON pg_conf ovl
OVL_EXTRA_INDEX=${PG_EXTRA_INDEX:-}
# What the "stock" side runs, for control runs:
# BENCH_OVERLAY_BASE=null: the null overlay (with BENCH_OVERLAY_NULL=task,
# what a run-queue task alone costs, paired); BENCH_OVERLAY_BASE=FILE.so:
# another build of ploguard, configured as the overlay side (two builds
# side by side; only rows where the overlay synthesizes nothing compare)
case ${BENCH_OVERLAY_BASE:-stock} in
stock)
    PG_EXTRA_INDEX= PG_OVERLAY=0 pg_conf stock ;;
null)
    CONTROL="${CONTROL:+$CONTROL; }the stock side runs the null overlay"
    conf_null stock ;;
*.so)
    [ -f "$BENCH_OVERLAY_BASE" ] || pg_die "no $BENCH_OVERLAY_BASE"
    CONTROL="${CONTROL:+$CONTROL; }the stock side runs ploguard from $BENCH_OVERLAY_BASE"
    pg_registry_copy stock "$PG_DIR/registry.json"
    PG_MODULE_FILE=$BENCH_OVERLAY_BASE PG_EXTRA_INDEX=$OVL_EXTRA_INDEX \
        PG_OVL_EXTRA="ploguard-log-level stats" PG_OVERLAY=1 pg_conf stock ;;
*)
    pg_die "BENCH_OVERLAY_BASE: stock, null or a ploguard module (.so)" ;;
esac
# Every side reads a copy of the database slapadd wrote, made by cp: the
# file slapadd itself wrote made the server reading it about 2 % faster per
# plain-entry hit than one reading a copy, with stock slapd on both sides
# (BENCHMARKS.md, "A bias of the method").
PG_SLAPADD_QUICK=1 pg_load stock "$PG_DIR/directory.ldif"
cp "$PG_DIR/stock/db/data.mdb" "$PG_DIR/data.mdb.copy" || pg_die "cannot copy the database"
mv -f "$PG_DIR/data.mdb.copy" "$PG_DIR/stock/db/data.mdb" || pg_die "cannot copy the database"
cp "$PG_DIR/stock/db/"*.mdb "$PG_DIR/ovl/db/" || pg_die "cannot copy the database"
if [ -n "$OVL_EXTRA_INDEX" ]; then
    echo "bench-overlay: also indexing $OVL_EXTRA_INDEX on the overlay side"
    pg_env "$(dirname "$SLAPADD")/slapindex" -q -f "$PG_DIR/ovl/slapd.conf" || pg_die "slapindex failed"
fi
# A third configuration for callgrind only: stock slapd with an overlay
# that does nothing (tests/bench/overlay/nullovl.c), slapd's own cost of
# any overlay with search and response hooks.
CG_SIDES="stock ovl"
if [ "${BENCH_OVERLAY_NULL:-0}" = 1 ]; then
    conf_null ovl
elif [ "${BENCH_OVERLAY_NULL:-0}" = task ]; then
    conf_null ovl task
elif [ "${BENCH_OVERLAY_NULL:-0}" = global ]; then
    conf_null ovl global
elif [ -f "$NULLOVL" ]; then
    conf_null null
    cp "$PG_DIR/stock/db/"*.mdb "$PG_DIR/null/db/" || pg_die "cannot copy the database"
    CG_SIDES="stock null ovl"
else
    echo "bench-overlay: $NULLOVL not built (make check builds it); no null-overlay column" >&2
fi
# the registry must load: check once with slaptest
pg_env "$SLAPTEST" -f "$PG_DIR/ovl/slapd.conf" > "$PG_DIR/slaptest.log" 2>&1 || {
    cat "$PG_DIR/slaptest.log" >&2; pg_die "the overlay configuration does not load"; }

# Rows (';'-separated): name; stock filter; stock range; overlay filter;
#       overlay range; expected entries/op stock; overlay
X='+1602555%04d'      # a plain directory entry (telephoneNumber)
M='+1701555%04d'      # nobody
R='+1201555%04d'      # a registered person (gen_registry: NPA 201), not in the directory
yea() { echo "(|(telephoneNumber=$1)(mobile=$1)(ipPhone=$1))"; }
ROWS="miss;(telephoneNumber=$M);0:9999;(telephoneNumber=$M);0:9999;0;0
hit;(telephoneNumber=$X);0:9999;(telephoneNumber=$X);0:9999;1;1
yealink-hit;$(yea "$X");0:9999;$(yea "$X");0:9999;1;1
yealink-miss;$(yea "$M");0:9999;$(yea "$M");0:9999;0;0
thunderbird-100;(|(cn=wang*)(mail=wang*)(sn=wang*));0:0;(|(cn=wang*)(mail=wang*)(sn=wang*));0:0;100;100
unknown-caller-vs-hit;$(yea "$X");0:9999;$(yea "$R");0:9999;1;1
unknown-caller-vs-miss;$(yea "$R");0:9999;$(yea "$R");0:9999;0;1"

# In a control run the overlay side answers as stock does: the rows of the
# synthesized answer (an entry only ploguard returns) do not apply.
if [ "$OVL_ON" = 0 ]; then
    ROWS=$(echo "$ROWS" | grep -v '^unknown-caller-')
fi

# BENCH_OVERLAY_ROWS="name ...": only those rows (while tuning)
if [ -n "${BENCH_OVERLAY_ROWS:-}" ]; then
    ROWS=$(echo "$ROWS" | awk -F';' -v keep=" $BENCH_OVERLAY_ROWS " 'index(keep, " " $1 " ") > 0')
    [ -n "$ROWS" ] || pg_die "BENCH_OVERLAY_ROWS matches no row"
fi

field() { echo "$1" | cut -d';' -f"$2"; }
val() { # KEY LINE -> value of key=value
    echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# ------------------------------------------------------- wall clock, paired
: > "$PG_DIR/ratios"
rep=1
[ "${BENCH_OVERLAY_WALL:-1}" = 1 ] || rep=$((REPS + 1))
while [ "$rep" -le "$REPS" ]; do
    # which server starts first is swapped with the ports
    if [ $((rep % 2)) = 1 ]; then
        PS=$P1; PO=$P2
        PG_WRAP=$CPU_SLAPD pg_start_or_die stock "$PS"
        PG_WRAP=$CPU_SLAPD pg_start_or_die ovl "$PO"
    else
        PS=$P2; PO=$P1
        PG_WRAP=$CPU_SLAPD pg_start_or_die ovl "$PO"
        PG_WRAP=$CPU_SLAPD pg_start_or_die stock "$PS"
    fi
    echo "bench-overlay: repetition $rep/$REPS (stock :$PS, overlay :$PO)"
    echo "$ROWS" | while IFS= read -r row; do
        name=$(field "$row" 1)
        fs=$(field "$row" 2); rs=$(field "$row" 3)
        fo=$(field "$row" 4); ro=$(field "$row" 5)
        es=$(field "$row" 6); eo=$(field "$row" 7)
        if [ $((rep % 2)) = 1 ]; then
            $CPU_LOAD "$LDLOAD" -H "ldap://127.0.0.1:$PS/" -p "$PG_DIR/stock/slapd.pid" \
                -2 "ldap://127.0.0.1:$PO/" -q "$PG_DIR/ovl/slapd.pid" -b "$BASE" \
                -f "$fs" -r "$rs" -F "$fo" -R "$ro" -c "$CONNS" -w 1 -d "$SECS" $ATTRS > "$PG_DIR/ld.out" 2>&1
            sline=$(grep '^side=A' "$PG_DIR/ld.out"); oline=$(grep '^side=B' "$PG_DIR/ld.out")
        else
            $CPU_LOAD "$LDLOAD" -H "ldap://127.0.0.1:$PO/" -p "$PG_DIR/ovl/slapd.pid" \
                -2 "ldap://127.0.0.1:$PS/" -q "$PG_DIR/stock/slapd.pid" -b "$BASE" \
                -f "$fo" -r "$ro" -F "$fs" -R "$rs" -c "$CONNS" -w 1 -d "$SECS" $ATTRS > "$PG_DIR/ld.out" 2>&1
            oline=$(grep '^side=A' "$PG_DIR/ld.out"); sline=$(grep '^side=B' "$PG_DIR/ld.out")
        fi
        # latency at 1 connection (reference only)
        $CPU_LOAD "$LDLOAD" -H "ldap://127.0.0.1:$PS/" -p "$PG_DIR/stock/slapd.pid" \
            -2 "ldap://127.0.0.1:$PO/" -q "$PG_DIR/ovl/slapd.pid" -b "$BASE" \
            -f "$fs" -r "$rs" -F "$fo" -R "$ro" -c 1 -w 0 -d 1 $ATTRS > "$PG_DIR/ld1.out" 2>&1
        lat1=$(sed -n 's/^ratio cpu=[^ ]* lat=\([^ ]*\).*/\1/p' "$PG_DIR/ld1.out")
        # the median over 100-ms windows of the CPU-per-search ratio (ldload)
        wmed=$(sed -n 's/^ratio .* cpu_median=\([^ ]*\).*/\1/p' "$PG_DIR/ld.out")
        cs=$(val cpu_us_per_op "$sline"); co=$(val cpu_us_per_op "$oline")
        ess=$(val entries_per_op "$sline"); eso=$(val entries_per_op "$oline")
        errs=$(( $(val errs "$sline") + $(val errs "$oline") ))
        ok=ok
        awk -v a="$ess" -v b="$es" 'BEGIN { exit (a + 0 == b + 0) ? 0 : 1 }' || ok="BAD:stock-entries/op=$ess,expected=$es"
        awk -v a="$eso" -v b="$eo" 'BEGIN { exit (a + 0 == b + 0) ? 0 : 1 }' || ok="BAD:overlay-entries/op=$eso,expected=$eo"
        [ "$errs" = 0 ] || ok="BAD:$errs-errors"
        ratio=$(awk -v s="$cs" -v o="$co" 'BEGIN { if (s > 0) printf "%.4f", o / s; else print "nan" }')
        # ldload prints B/A; B is the overlay in odd repetitions
        if [ $((rep % 2)) = 1 ]; then wr=$wmed
        else wr=$(awk -v m="${wmed:-0}" 'BEGIN { if (m > 0) printf "%.4f", 1 / m; else print "nan" }'); fi
        echo "$name $rep $ratio $cs $co $(val rate "$sline") $(val rate "$oline") ${lat1:-nan} $ok ${wr:-nan}" >> "$PG_DIR/ratios"
        printf '  %-24s stock %7s us/op  overlay %7s us/op  ratio %s, windows median %s  (%s/s vs %s/s) %s\n' \
            "$name" "$cs" "$co" "$ratio" "${wr:-nan}" "$(val rate "$sline")" "$(val rate "$oline")" "$ok"
    done
    pg_stop stock
    pg_stop ovl
    rep=$((rep + 1))
done

# keep the wall-clock figures (also when only callgrind runs, from a
# previous run: BENCH_OVERLAY_WALL=0 BENCH_OVERLAY_RATIOS=FILE)
if [ "${BENCH_OVERLAY_WALL:-1}" = 1 ]; then
    cp "$PG_DIR/ratios" "$top_builddir/tests/bench/overlay-ratios.txt"
elif [ -n "${BENCH_OVERLAY_RATIOS:-}" ]; then
    cp "$BENCH_OVERLAY_RATIOS" "$PG_DIR/ratios" || pg_die "no $BENCH_OVERLAY_RATIOS"
fi

# ------------------------------------------------------------- callgrind
: > "$PG_DIR/ir"
if [ "${BENCH_OVERLAY_CALLGRIND:-1}" = 1 ]; then
echo "bench-overlay: callgrind (instructions per search)"
CGKEEP=$top_builddir/tests/bench/callgrind
rm -rf "$CGKEEP"; mkdir -p "$CGKEEP"
command -v callgrind_control >/dev/null 2>&1 || pg_die "callgrind_control not found (valgrind)"
for side in $CG_SIDES; do
    d=$PG_DIR/$side
    if [ "$side" = ovl ]; then PC=$P2; else PC=$P1; fi
    rm -f "$d"/cg.*
    # no instrumentation while slapd starts (loading the registry under
    # callgrind takes minutes); switched on before the first warm-up
    # BENCH_OVERLAY_CGOPTS: more callgrind options (--cache-sim=yes)
    (cd "$d" && exec $CPU_SLAPD valgrind --tool=callgrind --instr-atstart=no ${BENCH_OVERLAY_CGOPTS:-} \
        --callgrind-out-file="$d/cg.%p" \
        "$SLAPD" -d 0 -h "ldap://127.0.0.1:$PC/" -f "$d/slapd.conf") > "$d/cg.log" 2>&1 &
    echo $! > "$d/bgpid"
    PG_SLAPDS="$PG_SLAPDS $side"
    t=3000
    until ldapsearch -x -LLL -H "ldap://127.0.0.1:$PC/" -b "" -s base -o nettimeout=2 1.1 >/dev/null 2>&1; do
        t=$((t - 1))
        if [ "$t" -le 0 ] || ! kill -0 "$(cat "$d/bgpid")" 2>/dev/null; then
            tail -n 20 "$d/cg.log" >&2
            pg_die "slapd under callgrind did not start"
        fi
        sleep 0.1
    done
    pid=$(cat "$d/bgpid")
    callgrind_control --instr=on "$pid" > /dev/null 2>&1 || pg_die "callgrind_control --instr=on failed"
    echo "$ROWS" | while IFS= read -r row; do
        name=$(field "$row" 1)
        if [ "$side" = ovl ]; then f=$(field "$row" 4); r=$(field "$row" 5)
        else f=$(field "$row" 2); r=$(field "$row" 3); fi
        case $name in thunderbird*) K=100 ;; *) K=1000 ;; esac
        # the warm-up is the measured sequence itself (ldload -n draws the
        # same values every run): the steady state, where the overlay has
        # seen each returned entry once (its verdict cache, as in the
        # wall-clock runs, which go over the 10,000 values many times)
        $CPU_LOAD "$LDLOAD" -H "ldap://127.0.0.1:$PC/" -b "$BASE" -f "$f" -r "$r" -n "$K" $ATTRS > /dev/null 2>&1
        callgrind_control -z "$pid" > /dev/null 2>&1
        $CPU_LOAD "$LDLOAD" -H "ldap://127.0.0.1:$PC/" -b "$BASE" -f "$f" -r "$r" -n "$K" $ATTRS > "$PG_DIR/cg.ld" 2>&1
        callgrind_control -d "$pid" > /dev/null 2>&1
        sleep 0.5
        dump=$(ls -t "$d"/cg.* 2>/dev/null | grep -v '\.log$' | head -n 1)
        # kept for callgrind_annotate (where the instructions go)
        [ -n "$dump" ] && cp "$dump" "$CGKEEP/$side-$name.out"
        tot=$(sed -n 's/^\(totals\|summary\): *\([0-9]*\).*/\2/p' "$dump" | head -n 1)
        epo=$(val entries_per_op "$(grep '^side=A' "$PG_DIR/cg.ld")")
        ir=$(awk -v t="${tot:-0}" -v k="$K" 'BEGIN { printf "%.0f", t / k }')
        echo "$name $side $ir $epo" >> "$PG_DIR/ir"
        printf '  %-24s %-5s %9s Ir/search (entries/op %s)\n' "$name" "$side" "$ir" "$epo"
    done
    kill -TERM "$pid"
    t=600
    while kill -0 "$pid" 2>/dev/null && [ "$t" -gt 0 ]; do sleep 0.1; t=$((t - 1)); done
    rm -f "$d/bgpid"
done
fi

# ---------------------------------------------------------------- report
{
    [ -z "$CONTROL" ] || echo "CONTROL RUN: $CONTROL."
    echo "Overlay benchmark: $N entries, $N-person registry, $REPS repetitions x ${SECS} s, $CONNS connections,"
    echo "slapd pinned to CPU 1, load generator to CPU 0 ($NCPU CPUs), requests alternating stock/overlay."
    echo ""
    echo "| row | CPU ratio overlay/stock median [min-max] | 100-ms windows ratio (median of reps) | slapd CPU us/op stock / overlay (median) | latency ratio, 1 conn (median) | Ir/search stock | Ir/search null overlay | Ir/search overlay | Ir ratio | checks |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    echo "$ROWS" | while IFS= read -r row; do
        name=$(field "$row" 1)
        stats=$(awk -v n="$name" '$1 == n' "$PG_DIR/ratios" | sort -k3,3g | awk '
            { r[NR] = $3; s[NR] = $4; o[NR] = $5; l[NR] = $8; w[NR] = $10; if ($9 != "ok") bad = bad " " $9 }
            function med(a, n,   i, j, t, b) { for (i = 1; i <= n; i++) b[i] = a[i];
                for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (b[j] + 0 < b[i] + 0) { t = b[i]; b[i] = b[j]; b[j] = t }
                return (n % 2) ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2 }
            END { printf "%.3f [%.3f-%.3f]|%.1f / %.1f|%.3f|%s|%.3f", med(r, NR), r[1], r[NR], med(s, NR), med(o, NR), med(l, NR), (bad == "" ? "ok" : bad), med(w, NR) }')
        irs=$(awk -v n="$name" '$1 == n && $2 == "stock" { print $3 }' "$PG_DIR/ir")
        iro=$(awk -v n="$name" '$1 == n && $2 == "ovl" { print $3 }' "$PG_DIR/ir")
        irn=$(awk -v n="$name" '$1 == n && $2 == "null" { print $3 }' "$PG_DIR/ir")
        irr=$(awk -v a="${irs:-0}" -v b="${iro:-0}" 'BEGIN { if (a > 0) printf "%.3f (%+d)", b / a, b - a; else print "n/a" }')
        echo "| $name | $(echo "$stats" | cut -d'|' -f1) | $(echo "$stats" | cut -d'|' -f5) | $(echo "$stats" | cut -d'|' -f2) | $(echo "$stats" | cut -d'|' -f3) | ${irs:-n/a} | ${irn:-n/a} | ${iro:-n/a} | $irr | $(echo "$stats" | cut -d'|' -f4) |"
    done
    echo ""
    echo "unknown-caller-vs-hit: the overlay's synthesized answer for a registered caller not in the directory,"
    echo "against stock returning one real entry; unknown-caller-vs-miss: the same filter on both (stock returns 0)."
    echo "Null overlay: stock slapd with an overlay that does nothing (tests/bench/overlay/nullovl.c), stock's filters."
} > "$OUT"
echo ""
cat "$OUT"
grep -q 'BAD' "$OUT" && { echo "bench-overlay: some checks failed (see the table)" >&2; exit 1; }
exit 0
