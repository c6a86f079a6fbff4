# tests/bench/resolver.mk: `make bench-resolver` (part of `make bench`):
# generates a synthetic registry of BENCH_RESOLVER_PEOPLE people into the
# build tree and measures load time, memory and lookup speed of libpgr.
BENCH_RESOLVER_PEOPLE = 100000
BENCH_RESOLVER_SECONDS = 2

# Built by `make check` (so they keep compiling) and on demand by the
# bench; not run as tests.
check_PROGRAMS += tests/bench/gen_registry tests/bench/bench_resolver
CLEANFILES += tests/bench/registry-bench.json
EXTRA_DIST += tests/bench/gen_registry.h

tests_bench_gen_registry_SOURCES = tests/bench/gen_registry.c tests/bench/gen_registry.h
tests_bench_bench_resolver_SOURCES = tests/bench/bench_resolver.c tests/bench/gen_registry.h \
	tests/xorshift64.h tests/bench/benchutil.h
tests_bench_bench_resolver_CFLAGS = $(AM_CFLAGS) -O2
tests_bench_bench_resolver_LDADD = resolver/libpgr.la

BENCH_TARGETS += bench-resolver
.PHONY: bench-resolver
bench-resolver: tests/bench/gen_registry$(EXEEXT) tests/bench/bench_resolver$(EXEEXT)
	tests/bench/gen_registry $(BENCH_RESOLVER_PEOPLE) > tests/bench/registry-bench.json
	tests/bench/bench_resolver tests/bench/registry-bench.json \
		$(BENCH_RESOLVER_PEOPLE) $(BENCH_RESOLVER_SECONDS)
