#!/bin/sh
# feed-units.sh - the systemd units of ploguard sync pass
# `systemd-analyze verify` (skipped where systemd-analyze is missing).
: "${top_srcdir:?}" "${top_builddir:?}"
command -v systemd-analyze >/dev/null 2>&1 || { echo "SKIP: no systemd-analyze"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/ploguard-units.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
# ExecStart must name an existing program: point it at the built one.
sed "s|^ExecStart=[^ ]*/ploguard |ExecStart=$top_builddir/resolver/ploguard |" \
    "$top_builddir/data/ploguard-sync.service" > "$T/ploguard-sync.service" || exit 99
cp "$top_srcdir/data/ploguard-sync.timer" "$T/" || exit 99
if ! systemd-analyze verify --man=no "$T/ploguard-sync.service" "$T/ploguard-sync.timer" >"$T/out" 2>&1 ||
   [ -s "$T/out" ]; then
    echo "FAIL: systemd-analyze verify:"
    cat "$T/out"
    exit 1
fi
for want in 'Type=oneshot' 'User=ploguard' 'StateDirectory=ploguard' 'ProtectSystem=strict' \
            'ProtectHome=yes' 'PrivateTmp=yes' 'NoNewPrivileges=yes' \
            'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' 'SystemCallFilter=@system-service' \
            'CapabilityBoundingSet=$'; do
    grep -q "^$want" "$T/ploguard-sync.service" || { echo "FAIL: service lacks $want"; exit 1; }
done
for want in 'OnCalendar=hourly' 'RandomizedDelaySec=' 'Persistent=true'; do
    grep -q "^$want" "$T/ploguard-sync.timer" || { echo "FAIL: timer lacks $want"; exit 1; }
done
echo "ok - systemd-analyze verify: ploguard-sync.service and .timer"
