#!/bin/sh
# slapd-overlay/tests/version.sh - the overlay refuses a slapd other than
# the one its headers come from, and loads into the right one.
#
# ploguard-wrongversion.la is the same overlay built claiming another slapd
# version (check_LTLIBRARIES in slapd-overlay/local.mk).  Both modules are
# loaded with "slapd -T test" (slaptest), which runs init_module and
# db_open exactly as the daemon does, without opening a port.
set -u

: "${top_srcdir:?}" "${top_builddir:?}" "${SLAPD:=/usr/sbin/slapd}"
good="$top_builddir/slapd-overlay/ploguard.la"
bad="$top_builddir/slapd-overlay/ploguard-wrongversion.la"
for f in "$good" "$bad"; do
    [ -f "$f" ] || { echo "missing $f (run make check)"; exit 99; }
done
[ -x "$SLAPD" ] || { echo "no slapd at $SLAPD"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ploguard-version.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

# A sanitizer build needs its runtime loaded before slapd's own code.
so="$top_builddir/slapd-overlay/.libs/ploguard.so"
asan=$(ldd "$so" 2>/dev/null | awk '/libasan/ { print $3 }')
if [ -n "$asan" ]; then
    LD_PRELOAD=$asan; ASAN_OPTIONS=detect_leaks=0
    export LD_PRELOAD ASAN_OPTIONS
fi

mkdir "$tmp/db"
write_conf() {
    cat > "$tmp/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload $1
database mdb
suffix dc=agency,dc=test
directory $tmp/db
overlay ploguard
ploguard-registry $top_srcdir/data/registry.sample.json
CONF
}

fail=0
running=$("$SLAPD" -VV 2>&1 | sed -n 's/.*slapd \([^ ]*\) .*/\1/p' | head -n 1)

write_conf "$bad"
out=$("$SLAPD" -T test -f "$tmp/slapd.conf" 2>&1)
rc=$?
if [ "$rc" -eq 0 ]; then
    echo "FAIL: slapd accepted a module built for another version"; fail=1
fi
case $out in
*"built against slapd 0.0.0+ploguard-test but the running slapd is $running; refusing to load"*)
    echo "ok: wrong version refused, naming both versions" ;;
*)  echo "FAIL: no clear refusal line; slapd said:"; echo "$out"; fail=1 ;;
esac

write_conf "$good"
printf 'dn: dc=agency,dc=test\nobjectClass: dcObject\nobjectClass: organization\ndc: agency\no: test\n' > "$tmp/base.ldif"
out=$("$SLAPD" -T add -f "$tmp/slapd.conf" -l "$tmp/base.ldif" 2>&1) &&
out=$("$SLAPD" -T test -f "$tmp/slapd.conf" 2>&1)
rc=$?
if [ "$rc" -ne 0 ]; then
    echo "FAIL: the matching module did not load (rc $rc):"; echo "$out"; fail=1
else
    echo "ok: matching version ($running) loads and opens the registry"
fi
exit $fail
