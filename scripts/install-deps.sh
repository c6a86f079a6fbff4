#!/bin/sh
# Installs every Debian bookworm package ploguard needs to build, test and
# demonstrate, then fetches and configures Debian's own OpenLDAP source for
# the installed slapd version (the overlay's headers come from it).
#
# Usage: scripts/install-deps.sh [OPENLDAP_SRC_PARENT]
#   OPENLDAP_SRC_PARENT defaults to ./.openldap (what ./configure looks at).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-$top/.openldap}

if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive

PACKAGES="build-essential autoconf automake libtool pkg-config dpkg-dev
 libjansson-dev libcurl4-openssl-dev libsodium-dev libicu-dev libidn2-dev
 libcmocka-dev libldap-dev slapd ldap-utils minisign openssl ca-certificates
 valgrind cppcheck clang clang-tidy procps psmisc curl"

# deb-src is needed for 'apt-get source openldap'; add it where missing.
if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
            $SUDO tee /etc/apt/sources.list.d/ploguard-deb-src.sources >/dev/null
    elif [ -f /etc/apt/sources.list ]; then
        grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' |
            $SUDO tee /etc/apt/sources.list.d/ploguard-deb-src.list >/dev/null
    fi
fi

echo "install-deps: apt-get update"
$SUDO apt-get update -q >/dev/null
echo "install-deps: installing packages"
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $PACKAGES >/dev/null

# The overlay must be compiled against the very slapd that will load it.
version=$(dpkg-query -W -f='${Version}' slapd)
echo "install-deps: slapd $version installed; fetching its source"
$SUDO apt-get build-dep -y -q "openldap=$version" >/dev/null

mkdir -p "$dest"
srcdir=$dest/openldap-$version
if [ ! -f "$srcdir/.ploguard-configured" ]; then
    rm -rf "$srcdir.tmp"
    mkdir -p "$srcdir.tmp"
    (cd "$srcdir.tmp" && apt-get source -q "openldap=$version" >/dev/null 2>&1)
    tree=$(find "$srcdir.tmp" -mindepth 1 -maxdepth 1 -type d -name 'openldap-*' | head -n 1)
    [ -n "$tree" ] || { echo "install-deps: apt-get source openldap=$version failed" >&2; exit 1; }
    rm -rf "$srcdir"
    mv "$tree" "$srcdir"
    rm -rf "$srcdir.tmp"
    echo "install-deps: configuring $srcdir with debian/configure.options"
    (
        cd "$srcdir"
        # Debian's rules copy its DFSG schema files into place before configuring.
        cp debian/schema/*.schema debian/schema/*.ldif servers/slapd/schema/ 2>/dev/null || true
        grep -v '^#' debian/configure.options |
            xargs ./configure --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
                > config.ploguard.log 2>&1 ||
            { echo "install-deps: OpenLDAP configure failed, see $srcdir/config.ploguard.log" >&2; exit 1; }
        make -C include >/dev/null
        echo "$version" > .ploguard-configured
    )
fi
ln -sfn "openldap-$version" "$dest/current"
echo "install-deps: OpenLDAP $version headers ready in $dest/current"
