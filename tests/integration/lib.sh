# tests/integration/lib.sh - harness for the slapd integration tests.
#
# Sourced by every tests/integration/*.sh (and by scripts/demo.sh and the
# overlay benchmark).  It runs the real /usr/sbin/slapd on 127.0.0.1 in a
# private temporary directory, with the ploguard overlay loaded by absolute
# path from the build tree, and stops every slapd it started (by pid, from an
# EXIT trap).
#
# Environment (set by `make check`): top_srcdir, top_builddir, SLAPD,
# VALGRIND.  Optional: PLOGUARD_TEST_VALGRIND=1 runs every slapd under
# valgrind memcheck; PLOGUARD_TEST_KEEP=1 keeps the temporary directory.
#
# Exit codes follow automake: 0 pass, 1 fail, 77 skip, 99 hard error.
# The only skip is "the overlay is not part of this build" (BUILD_OVERLAY off).

PG_FAILS=0
PG_SLAPDS=""
PG_NAME=${PG_NAME:-test}

pg_die() {
    echo "HARD ERROR: $*" >&2
    exit 99
}

pg_fail() {
    echo "FAIL: $*" >&2
    PG_FAILS=$((PG_FAILS + 1))
}

pg_pass() {
    echo "ok: $*"
}

# pg_check DESCRIPTION COMMAND...: runs the command, counts a failure if it fails.
pg_check() {
    _pc_desc=$1
    shift
    if "$@"; then pg_pass "$_pc_desc"; else pg_fail "$_pc_desc"; fi
}

# Top-level paths.  Tests run from the build directory; sources are read
# through top_srcdir and nothing is ever written there.
pg_paths() {
    : "${top_srcdir:?top_srcdir not set (run through make check)}"
    : "${top_builddir:?top_builddir not set (run through make check)}"
    top_srcdir=$(cd "$top_srcdir" && pwd) || pg_die "bad top_srcdir"
    top_builddir=$(cd "$top_builddir" && pwd) || pg_die "bad top_builddir"
    SLAPD=${SLAPD:-/usr/sbin/slapd}
    [ -n "$SLAPD" ] || SLAPD=/usr/sbin/slapd
    SLAPADD=$(dirname "$SLAPD")/slapadd
    SLAPTEST=$(dirname "$SLAPD")/slaptest
    [ -x "$SLAPADD" ] || SLAPADD=/usr/sbin/slapadd
    [ -x "$SLAPTEST" ] || SLAPTEST=/usr/sbin/slaptest
    PG_SCHEMA=${PG_SCHEMA:-/etc/ldap/schema}
    PG_MODDIR=${PG_MODDIR:-/usr/lib/ldap}
    PG_SAMPLE_REGISTRY=$top_srcdir/data/registry.sample.json
    PG_SAMPLE_LDIF=$top_srcdir/data/directory.sample.ldif
    PG_TESTDATA=$top_srcdir/tests/integration
    PG_CLIENT=$top_builddir/tests/integration/ldapclient
    PG_PLOGUARD=$top_builddir/resolver/ploguard
    # ldap.conf of the machine or user must not change what the tools do.
    LDAPNOINIT=1
    export LDAPNOINIT
}

# Is the overlay part of this build?  configure leaves OPENLDAP_SRC empty
# when --without-openldap-src turned BUILD_OVERLAY off.
pg_overlay_configured() {
    _src=$(sed -n 's/^OPENLDAP_SRC = *//p' "$top_builddir/Makefile" 2>/dev/null | head -n 1)
    [ -n "$_src" ]
}

pg_find_module() {
    PG_MODULE=
    for _m in "$top_builddir/slapd-overlay/.libs/ploguard.so" \
              "$top_builddir/slapd-overlay/ploguard.so"; do
        if [ -f "$_m" ]; then PG_MODULE=$_m; return 0; fi
    done
    return 1
}

# Sanitizer build: the overlay needs the ASan runtime loaded first into the
# (uninstrumented) slapd.  slapd's own leaks are not ours: leak detection off.
pg_sanitizers() {
    ldd "$top_builddir/slapd-overlay/.libs/ploguard.so" 2>/dev/null | grep -q libasan
}

# pg_setup NAME: temporary directory, exit trap, overlay check.
pg_setup() {
    PG_NAME=$1
    pg_paths
    if ! pg_find_module; then
        if pg_overlay_configured; then
            pg_die "overlay not built: no slapd-overlay/.libs/ploguard.so in $top_builddir (run make)"
        fi
        echo "SKIP: the overlay is not part of this build (configured --without-openldap-src)"
        exit 77
    fi
    [ -x "$SLAPD" ] || pg_die "no slapd at $SLAPD"
    [ -x "$SLAPADD" ] || pg_die "no slapadd next to $SLAPD"
    command -v ldapsearch >/dev/null 2>&1 || pg_die "ldapsearch not found (ldap-utils)"
    PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ploguard-$PG_NAME.XXXXXX") || pg_die "mktemp failed"
    chmod 755 "$PG_DIR"
    trap pg_cleanup EXIT
    trap 'exit 1' INT TERM HUP PIPE
    pg_runtime
}

# pg_runtime: how slapd runs.  A sanitizer build needs the ASan (and UBSan)
# runtime preloaded into the uninstrumented slapd; PLOGUARD_TEST_VALGRIND=1
# runs slapd under memcheck.  The two cannot be combined: in a sanitizer
# build ASan is the memory checker, and valgrind mode is dropped with a note.
pg_runtime() {
    PG_PRELOAD=
    if pg_sanitizers; then
        _asan=$(gcc -print-file-name=libasan.so 2>/dev/null)
        _ubsan=$(gcc -print-file-name=libubsan.so 2>/dev/null)
        [ -f "$_asan" ] || pg_die "sanitizer build but no libasan.so from gcc"
        PG_PRELOAD=$_asan
        [ -f "$_ubsan" ] && PG_PRELOAD="$PG_PRELOAD $_ubsan"
    fi
    PG_VG=
    if [ "${PLOGUARD_TEST_VALGRIND:-0}" = 1 ]; then
        if [ -n "$PG_PRELOAD" ]; then
            echo "note: sanitizer build: AddressSanitizer checks memory instead of valgrind"
        else
            PG_VG=${VALGRIND:-valgrind}
            [ -n "$PG_VG" ] || PG_VG=valgrind
            command -v "$PG_VG" >/dev/null 2>&1 || pg_die "PLOGUARD_TEST_VALGRIND=1 but no valgrind"
        fi
    fi
}

pg_cleanup() {
    _rc=$?
    trap - EXIT
    for _s in $PG_SLAPDS; do
        pg_stop "$_s" >/dev/null 2>&1
    done
    if [ "$_rc" -ne 0 ] || [ "$PG_FAILS" -ne 0 ]; then
        for _log in "$PG_DIR"/*/slapd.log; do
            [ -f "$_log" ] || continue
            echo "---- last lines of $_log" >&2
            tail -n 40 "$_log" >&2
        done
    fi
    if [ "${PLOGUARD_TEST_KEEP:-0}" = 1 ]; then
        echo "kept $PG_DIR" >&2
    else
        rm -rf "$PG_DIR"
    fi
    exit "$_rc"
}

# pg_finish: the test's last line.
pg_finish() {
    if [ "$PG_FAILS" -ne 0 ]; then
        echo "$PG_NAME: $PG_FAILS check(s) failed" >&2
        exit 1
    fi
    echo "$PG_NAME: all checks passed"
    exit 0
}

# Ports: each test script owns a block of ten in 29000-29499 (so make -j
# can run them in parallel).  pg_port BLOCK N -> 29000 + 10*BLOCK + N.
pg_port() {
    echo $((29000 + 10 * $1 + $2))
}

# pg_registry_copy NAME [SOURCE]: the registry a server reads, in its dir.
pg_registry_copy() {
    _src=${2:-$PG_SAMPLE_REGISTRY}
    [ -f "$_src" ] || pg_die "no registry at $_src"
    mkdir -p "$PG_DIR/$1"
    cp "$_src" "$PG_DIR/$1/registry.json" || pg_die "cannot copy $_src"
    chmod 644 "$PG_DIR/$1/registry.json"
}

# Phone attributes the stock schema defines and the overlay reads (except
# facsimileTelephoneNumber, which has no equality rule to index); ipPhone and
# otherTelephone get indexed too when the loaded schema defines them (the
# overlay may add them), or a filter naming them becomes a full scan.
PG_PHONE_INDEX="telephoneNumber,mobile,homePhone,pager"

# pg_conf NAME: writes $PG_DIR/NAME/slapd.conf.  Shaped by variables:
#   PG_OVERLAY=1|0        load and configure ploguard (default 1)
#   PG_SUFFIX             default dc=agency,dc=test
#   PG_GLOBAL_EXTRA       lines for the global section
#   PG_DB_EXTRA           lines inside the mdb database (before overlays)
#   PG_OVL_BEFORE         lines after the database but before ploguard
#                         (e.g. "overlay syncprov")
#   PG_OVL_EXTRA          ploguard directives besides ploguard-registry
#   PG_MODULE_FILE        module to load (default the built overlay)
pg_conf() {
    _n=$1
    _d=$PG_DIR/$_n
    mkdir -p "$_d/db"
    _suffix=${PG_SUFFIX:-dc=agency,dc=test}
    _ovl=${PG_OVERLAY:-1}
    [ -f "$_d/registry.json" ] || [ "$_ovl" = 0 ] || pg_registry_copy "$_n"
    {
        echo "# generated by tests/integration/lib.sh"
        echo "include $PG_SCHEMA/core.schema"
        echo "include $PG_SCHEMA/cosine.schema"
        echo "include $PG_SCHEMA/inetorgperson.schema"
        echo "pidfile $_d/slapd.pid"
        echo "argsfile $_d/slapd.args"
        echo "modulepath $PG_MODDIR"
        echo "moduleload back_mdb"
        [ "$_ovl" = 0 ] || echo "moduleload ${PG_MODULE_FILE:-$PG_MODULE}"
        echo "sizelimit 500"
        [ -z "${PG_GLOBAL_EXTRA:-}" ] || printf '%s\n' "$PG_GLOBAL_EXTRA"
        echo ""
        echo "database config"
        echo "rootdn \"cn=config\""
        echo "rootpw secret"
        echo ""
        echo "database mdb"
        echo "maxsize 1073741824"
        echo "suffix \"$_suffix\""
        echo "rootdn \"cn=admin,$_suffix\""
        echo "rootpw secret"
        echo "directory $_d/db"
        echo "index objectClass,uid eq"
        echo "index cn,sn,mail eq,sub"
        echo "index $PG_PHONE_INDEX eq"
        [ -z "${PG_EXTRA_INDEX:-}" ] || echo "index $PG_EXTRA_INDEX eq"
        [ -z "${PG_DB_EXTRA:-}" ] || printf '%s\n' "$PG_DB_EXTRA"
        [ -z "${PG_OVL_BEFORE:-}" ] || printf '%s\n' "$PG_OVL_BEFORE"
        if [ "$_ovl" != 0 ]; then
            echo "overlay ploguard"
            echo "ploguard-registry $_d/registry.json"
            [ -z "${PG_OVL_EXTRA:-}" ] || printf '%s\n' "$PG_OVL_EXTRA"
        fi
    } > "$_d/slapd.conf"
}

# The extra phone attributes (ipPhone, otherTelephone) exist only if the
# overlay's schema defines them: probe with slaptest and index them if so.
pg_probe_extra_index() {
    _n=$1
    PG_EXTRA_INDEX=
    for _a in ipPhone otherTelephone; do
        pg_conf "$_n"
        printf 'index %s eq\n' "$_a" >> "$PG_DIR/$_n/slapd.conf"
        if pg_env "$SLAPTEST" -u -f "$PG_DIR/$_n/slapd.conf" >/dev/null 2>&1; then
            PG_EXTRA_INDEX=${PG_EXTRA_INDEX:+$PG_EXTRA_INDEX,}$_a
        fi
    done
    pg_conf "$_n"
}

# pg_load NAME [LDIF]: slapadd the directory into NAME's database.
pg_load() {
    _n=$1
    _l=${2:-$PG_SAMPLE_LDIF}
    [ -f "$_l" ] || pg_die "no LDIF at $_l"
    if ! pg_env "$SLAPADD" ${PG_SLAPADD_QUICK:+-q} -f "$PG_DIR/$_n/slapd.conf" -l "$_l" > "$PG_DIR/$_n/slapadd.log" 2>&1; then
        cat "$PG_DIR/$_n/slapadd.log" >&2
        pg_die "slapadd of $_l for $_n failed"
    fi
}

# pg_confdir NAME: converts slapd.conf to a slapd.d (cn=config) directory.
pg_confdir() {
    _d=$PG_DIR/$1
    rm -rf "$_d/slapd.d"
    mkdir -p "$_d/slapd.d"
    if ! pg_env "$SLAPTEST" -f "$_d/slapd.conf" -F "$_d/slapd.d" > "$_d/slaptest.log" 2>&1; then
        cat "$_d/slaptest.log" >&2
        pg_die "slaptest could not convert $_d/slapd.conf"
    fi
}

# Runs a slapd program with the sanitizer runtime when the overlay needs it.
# A plain command (env), never a shell function, so that "cmd &" gives the
# program's own pid in $!.
pg_env() {
    if [ -n "$PG_PRELOAD" ]; then
        env LD_PRELOAD="$PG_PRELOAD" \
            ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:halt_on_error=1:log_path=$PG_DIR/asan" \
            UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$PG_DIR/ubsan" "$@"
    else
        env "$@"
    fi
}

# pg_start NAME PORT [conf|dir]: starts slapd in the foreground debug mode
# (log on stderr into NAME/slapd.log; PG_DEBUG, default stats, is the debug
# level; PG_WRAP an optional command prefix such as "taskset -c 1"), in the
# background, and waits until
# it answers.  "dir" uses NAME/slapd.d.  Our ports lie inside Linux's
# ephemeral range, so a client connection elsewhere may briefly hold the
# port: a bind failure (errno 98) is retried for a few seconds.
pg_start() {
    _tries_bind=40
    while :; do
        pg_start_once "$@"
        _rc_start=$?
        [ "$_rc_start" = 98 ] || return "$_rc_start"
        _tries_bind=$((_tries_bind - 1))
        if [ "$_tries_bind" -le 0 ]; then
            echo "port $2 stayed in use" >&2
            return 1
        fi
        sleep 0.25
    done
}

pg_start_once() {
    _n=$1
    _p=$2
    _mode=${3:-conf}
    _d=$PG_DIR/$_n
    rm -f "$_d/slapd.pid"
    if [ "$_mode" = dir ]; then _cf="-F $_d/slapd.d"; else _cf="-f $_d/slapd.conf"; fi
    echo "$_p" > "$_d/port"
    if [ -n "$PG_VG" ]; then
        # shellcheck disable=SC2086
        "$PG_VG" --tool=memcheck --error-exitcode=98 --leak-check=full \
            --show-leak-kinds=definite --errors-for-leak-kinds=none \
            --num-callers=30 --log-file="$_d/valgrind.log" \
            "$SLAPD" -d stats -h "ldap://127.0.0.1:$_p/" $_cf > "$_d/slapd.log" 2>&1 &
    else
        # shellcheck disable=SC2086
        if [ -n "$PG_PRELOAD" ]; then
            ${PG_WRAP:-} env LD_PRELOAD="$PG_PRELOAD" \
                ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:halt_on_error=1:log_path=$PG_DIR/asan" \
                UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$PG_DIR/ubsan" \
                "$SLAPD" -d "${PG_DEBUG:-stats}" -h "ldap://127.0.0.1:$_p/" $_cf > "$_d/slapd.log" 2>&1 &
        else
            ${PG_WRAP:-} "$SLAPD" -d "${PG_DEBUG:-stats}" -h "ldap://127.0.0.1:$_p/" $_cf > "$_d/slapd.log" 2>&1 &
        fi
    fi
    echo $! > "$_d/bgpid"
    PG_SLAPDS="$PG_SLAPDS $_n"
    if [ -n "$PG_VG" ]; then _tries=900; else _tries=200; fi
    while [ "$_tries" -gt 0 ]; do
        if ldapsearch -x -LLL -H "ldap://127.0.0.1:$_p/" -b "" -s base \
                -o nettimeout=2 namingContexts >/dev/null 2>&1; then
            return 0
        fi
        if ! kill -0 "$(cat "$_d/bgpid")" 2>/dev/null; then
            wait "$(cat "$_d/bgpid")" 2>/dev/null
            rm -f "$_d/bgpid"
            if grep -q 'errno=98' "$_d/slapd.log"; then
                return 98
            fi
            tail -n 30 "$_d/slapd.log" >&2
            return 1
        fi
        sleep 0.1
        _tries=$((_tries - 1))
    done
    tail -n 30 "$_d/slapd.log" >&2
    echo "slapd $_n did not answer on port $_p" >&2
    return 1
}

# pg_start_or_die: as pg_start, a start failure is a hard error.
pg_start_or_die() {
    pg_start "$@" || pg_die "slapd $1 did not start"
}

pg_pid() {
    cat "$PG_DIR/$1/bgpid" 2>/dev/null
}

# pg_stop NAME: SIGTERM by pid, bounded wait, SIGKILL as a last resort.
# Returns slapd's exit status (under valgrind: 98 on memory errors).
pg_stop() {
    _d=$PG_DIR/$1
    [ -f "$_d/bgpid" ] || return 0
    _pid=$(cat "$_d/bgpid")
    rm -f "$_d/bgpid"
    kill -TERM "$_pid" 2>/dev/null || return 0
    if [ -n "$PG_VG" ]; then _tries=600; else _tries=150; fi
    while kill -0 "$_pid" 2>/dev/null && [ "$_tries" -gt 0 ]; do
        sleep 0.1
        _tries=$((_tries - 1))
    done
    if kill -0 "$_pid" 2>/dev/null; then
        echo "slapd $1 (pid $_pid) ignored SIGTERM; killing it" >&2
        kill -KILL "$_pid" 2>/dev/null
    fi
    wait "$_pid" 2>/dev/null
}

# pg_memcheck NAME: after pg_stop, the valgrind/ASan verdict for that server.
pg_memcheck() {
    _d=$PG_DIR/$1
    _ok=0
    if [ -n "$PG_VG" ]; then
        if ! grep -q 'ERROR SUMMARY: 0 errors' "$_d/valgrind.log"; then
            grep -A 30 'Invalid\|uninitialised\|Mismatched' "$_d/valgrind.log" | head -n 80 >&2
            echo "valgrind: memory errors in $1 (see above)" >&2
            _ok=1
        fi
        # A definite leak whose stack passes through the overlay or the
        # resolver: their .so, pg_/pgr_ functions, or their source files
        # (slapd and the system libraries carry no debug information here).
        if awk '/definitely lost in/ { inrec = 1; buf = ""; }
                inrec { buf = buf $0 "\n"; }
                inrec && /^==[0-9]+== *$/ {
                    if (buf ~ /ploguard\.so|: pgr?_[a-z0-9_]+ \(|\((slapd-overlay|resolver)\/|\((annotate|config|filter|reload|schema|search|write|ploguard|phone|email|name|registry|match|errors)\.c:/) {
                        printf "%s", buf; bad = 1 }
                    inrec = 0 }
                END { exit bad ? 0 : 1 }' "$_d/valgrind.log" >&2; then
            echo "valgrind: definite leak from ploguard frames in $1" >&2
            _ok=1
        fi
    fi
    for _f in "$PG_DIR"/asan* "$PG_DIR"/ubsan*; do
        [ -f "$_f" ] || continue
        cat "$_f" >&2
        echo "sanitizer report in $_f" >&2
        _ok=1
    done
    return $_ok
}

# ---------------------------------------------------------------- clients

# pg_search PORT [ldapsearch args...]: anonymous, no wrapping.
pg_search() {
    _p=$1
    shift
    ldapsearch -x -LLL -o ldif-wrap=no -o nettimeout=10 -l 20 -H "ldap://127.0.0.1:$_p/" "$@"
}

# pg_admin_modify PORT [ldapmodify args]: as the database's rootdn.
pg_admin_modify() {
    _p=$1
    shift
    ldapmodify -x -o nettimeout=10 -H "ldap://127.0.0.1:$_p/" \
        -D "cn=admin,${PG_SUFFIX:-dc=agency,dc=test}" -w secret "$@"
}

# pg_config_modify PORT [ldapmodify args]: on cn=config.
pg_config_modify() {
    _p=$1
    shift
    ldapmodify -x -o nettimeout=10 -H "ldap://127.0.0.1:$_p/" -D cn=config -w secret "$@"
}

# pg_overlay_entry DBDN REGISTRY [LINE ...]: the LDIF that adds ploguard's
# overlay entry under the database entry DBDN, with more attribute lines.
pg_overlay_entry() {
    printf 'dn: olcOverlay=ploguard,%s\nchangetype: add\n' "$1"
    printf 'objectClass: olcOverlayConfig\nobjectClass: olcPloguardConfig\n'
    printf 'olcOverlay: ploguard\nolcPloguardRegistry: %s\n' "$2"
    shift 2
    for _l in "$@"; do
        printf '%s\n' "$_l"
    done
}

# pg_config_search PORT [ldapsearch args]: cn=config.
pg_config_search() {
    _p=$1
    shift
    ldapsearch -x -LLL -o ldif-wrap=no -o nettimeout=10 -H "ldap://127.0.0.1:$_p/" \
        -D cn=config -w secret "$@"
}

# ---------------------------------------------------------------- checks

# pg_has FILE REGEX DESC: the file has a line matching the extended regex.
pg_has() {
    if grep -Eq -- "$2" "$1"; then
        pg_pass "$3"
    else
        pg_fail "$3 (no line matching /$2/ in:)"
        sed 's/^/    | /' "$1" | head -n 40 >&2
    fi
}

# pg_hasnt FILE REGEX DESC
pg_hasnt() {
    if grep -Eq -- "$2" "$1"; then
        pg_fail "$3 (unexpected line matching /$2/:)"
        grep -E -- "$2" "$1" | sed 's/^/    | /' | head -n 10 >&2
    else
        pg_pass "$3"
    fi
}

# pg_count FILE REGEX N DESC: exactly N lines match.
pg_count() {
    _c=$(grep -Ec -- "$2" "$1")
    if [ "$_c" = "$3" ]; then
        pg_pass "$4"
    else
        pg_fail "$4 (expected $3 lines matching /$2/, got $_c in:)"
        sed 's/^/    | /' "$1" | head -n 40 >&2
    fi
}

# pg_rc EXPECTED ACTUAL DESC
pg_rc() {
    if [ "$1" = "$2" ]; then
        pg_pass "$3"
    else
        pg_fail "$3 (result $2, expected $1)"
    fi
}

# pg_same FILE1 FILE2 DESC: byte-identical.
pg_same() {
    if cmp -s "$1" "$2"; then
        pg_pass "$3"
    else
        pg_fail "$3 (files differ:)"
        diff -u "$1" "$2" | head -n 40 >&2
    fi
}

# pg_same_answer DESC PORT1 PORT2 [ldapsearch args]: the two servers give
# the same output and result code; PG_SAME_OUT names the second's.
pg_same_answer() {
    _d=$1 _p1=$2 _p2=$3
    shift 3
    PG_SAME_N=$((${PG_SAME_N:-0} + 1))
    _a=$PG_DIR/same.$PG_SAME_N.a
    PG_SAME_OUT=$PG_DIR/same.$PG_SAME_N.b
    pg_search "$_p1" "$@" > "$_a" 2>&1
    echo "rc=$?" >> "$_a"
    pg_search "$_p2" "$@" > "$PG_SAME_OUT" 2>&1
    echo "rc=$?" >> "$PG_SAME_OUT"
    pg_same "$_a" "$PG_SAME_OUT" "$_d"
}

# pg_entries FILE: number of entries in an LDIF result.
pg_entries() {
    grep -c '^dn:' "$1"
}

# pg_not COMMAND...: succeeds when the command fails (for pg_check).
pg_not() { if "$@"; then return 1; else return 0; fi; }

# pg_wait_for SECONDS COMMAND...: bounded poll, every 0.1 s, until the
# command succeeds.
pg_wait_for() {
    _w=$(($1 * 10))
    shift
    while [ "$_w" -gt 0 ]; do
        "$@" && return 0
        sleep 0.1
        _w=$((_w - 1))
    done
    return 1
}

# pg_wait_log NAME REGEX SECONDS: bounded wait for a line in slapd.log.
pg_wait_log() {
    _t=$(($3 * 10))
    while [ "$_t" -gt 0 ]; do
        grep -Eq -- "$2" "$PG_DIR/$1/slapd.log" && return 0
        sleep 0.1
        _t=$((_t - 1))
    done
    return 1
}

# Base64 values (ldapsearch prints non-ASCII as "attr:: b64"): decode every
# "attr:: " line of an LDIF file into "attr: text" so greps see the text.
pg_unb64() {
    perl -MMIME::Base64 -ne 'if (/^([^:]+):: (.*)$/) { print "$1: ", decode_base64($2), "\n" } else { print }' "$1"
}
