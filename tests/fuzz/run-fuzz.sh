#!/bin/sh
# run-fuzz.sh - builds the fuzz targets with libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs each for a bounded time.
#
#   make fuzz                          (all targets, FUZZ_TIME=60 s each)
#   make fuzz FUZZ_TIME=300 FUZZ_TARGETS='email name'
#   tests/fuzz/run-fuzz.sh [-t SECONDS] [TARGET...]   (from the build dir)
#
# Targets: phone email name registry feed.  Everything is written under
# $top_builddir/tests/fuzz/libfuzzer/: the binaries, the grown corpus
# (corpus-TARGET, kept between runs), the logs, and any crashing input
# (artifacts-TARGET/crash-*).  Replay a crash with the plain driver, e.g.
#   tests/fuzz/fuzz-email tests/fuzz/libfuzzer/artifacts-email/crash-...
# or with the libFuzzer binary given the file as its argument.
#
# Environment: top_srcdir, top_builddir (default: this script's tree and
# the current directory), CLANG (clang), FUZZ_TIME (60), PGR_LIB_SOURCES
# (the library's .c files, relative to top_srcdir; default: read from
# resolver/local.mk), PGR_FEED_SOURCES (the feed library's, for the feed
# target; default: read from resolver/sync.mk), FUZZ_CFLAGS and FUZZ_LIBS
# (default: pkg-config).
# Exit status: 0 when no target failed, 1 otherwise, 2 on a usage or
# build error.
set -eu

usage() {
    echo "usage: $0 [-t SECONDS] [phone|email|name|registry|feed ...]" >&2
    exit 2
}

fuzz_time=${FUZZ_TIME:-60}
while getopts t: opt; do
    case $opt in
    t) fuzz_time=$OPTARG ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
case $fuzz_time in
'' | *[!0-9]*) echo "$0: -t wants whole seconds, not '$fuzz_time'" >&2; exit 2 ;;
esac

script_dir=$(cd "$(dirname "$0")" && pwd)
srcdir=${top_srcdir:-$(cd "$script_dir/../.." && pwd)}
builddir=${top_builddir:-$(pwd)}
clang=${CLANG:-clang}
targets=${*:-${FUZZ_TARGETS:-phone email name registry feed}}

for t in $targets; do
    case $t in
    phone | email | name | registry | feed) ;;
    *) echo "$0: unknown target '$t'" >&2; usage ;;
    esac
done

if ! command -v "$clang" >/dev/null 2>&1; then
    echo "$0: $clang not found (Debian package clang)" >&2
    exit 2
fi

# The sources of one of the build's libraries: $2 when set (as make
# passes them), else the .c files of the automake variable $1 in $3; each
# printed with $srcdir/ in front.
lib_sources_of() {
    found=${2:-$(sed -n "/^$1/,/^\$/p" "$srcdir/$3" | tr ' \t\\' '\n\n\n' |
        grep '\.c$')} || true
    if [ -z "$found" ]; then
        echo "$0: no sources of $1 found in $srcdir/$3" >&2
        return 1
    fi
    for s in $found; do
        printf ' %s' "$srcdir/$s"
    done
}
lib_sources=$(lib_sources_of resolver_libpgr_la_SOURCES \
    "${PGR_LIB_SOURCES:-}" resolver/local.mk) || exit 2
# The feed target also needs the feed library (minisign.c and its state
# and file code).
feed_sources=$(lib_sources_of resolver_libpgrfeed_la_SOURCES \
    "${PGR_FEED_SOURCES:-}" resolver/sync.mk) || exit 2
cflags=${FUZZ_CFLAGS:-$(pkg-config --cflags jansson icu-uc icu-i18n libidn2 libsodium)}
libs=${FUZZ_LIBS:-$(pkg-config --libs jansson icu-uc icu-i18n libidn2 libsodium)}

out=$builddir/tests/fuzz/libfuzzer
mkdir -p "$out"

# UBSan findings are fatal, as ASan's are; the leak checker stays on.
san="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS

failed=
for t in $targets; do
    bin=$out/fuzz-$t
    corpus=$out/corpus-$t
    artifacts=$out/artifacts-$t
    log=$out/fuzz-$t.log
    mkdir -p "$corpus" "$artifacts"

    extra=
    [ "$t" = feed ] && extra=$feed_sources

    echo "fuzz-$t: building"
    # shellcheck disable=SC2086 # word splitting of the flag lists is wanted
    if ! "$clang" -g -O1 -fno-omit-frame-pointer $san \
        -I"$srcdir/resolver" -I"$builddir" $cflags \
        "$srcdir/tests/fuzz/fuzz_$t.c" $extra $lib_sources $libs -lpthread \
        -o "$bin"; then
        echo "fuzz-$t: build failed" >&2
        exit 2
    fi

    echo "fuzz-$t: running for ${fuzz_time}s (log: $log)"
    # New inputs go to the first corpus directory; the seeds stay as they are.
    if "$bin" -max_total_time="$fuzz_time" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" \
        -dict="$srcdir/tests/fuzz/$t.dict" \
        "$corpus" "$srcdir/tests/fuzz/corpus/$t" >"$log" 2>&1; then
        grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|cov:' \
            "$log" | tail -3 | sed "s/^/fuzz-$t: /"
        echo "fuzz-$t: no failures"
    else
        echo "fuzz-$t: FAILED; see $log" >&2
        grep -E 'ERROR|broken promise|runtime error|SUMMARY|Test unit written' \
            "$log" | head -10 | sed "s/^/fuzz-$t: /" >&2
        failed="$failed $t"
    fi
done

if [ -n "$failed" ]; then
    echo "run-fuzz.sh: failures in:$failed (inputs under $out/artifacts-*)" >&2
    exit 1
fi
echo "run-fuzz.sh: all targets ran ${fuzz_time}s without a failure"
