# tests/bench/precheck.mk: `make bench-precheck` (part of `make bench`):
# the registry pre-checks (pgr_phone_may_match, pgr_email_may_match) against
# the code they replaced (tests/unit/precheck_ref.h) on a fixed value mix,
# with a registry of BENCH_PRECHECK_PEOPLE people: ns per call, then
# instructions per call under callgrind.
BENCH_PRECHECK_PEOPLE = 10000
BENCH_PRECHECK_SECONDS = 2
BENCH_PRECHECK_ROUNDS = 20

# Built by `make check` so that it keeps compiling; run only by the bench.
check_PROGRAMS += tests/bench/bench_precheck
tests_bench_bench_precheck_SOURCES = tests/bench/bench_precheck.c \
	tests/bench/gen_registry.h tests/unit/precheck_ref.h tests/xorshift64.h \
	tests/bench/benchutil.h
tests_bench_bench_precheck_CFLAGS = $(AM_CFLAGS) -O2
tests_bench_bench_precheck_LDADD = resolver/libpgr.la
EXTRA_DIST += tests/bench/precheck-callgrind.sh
CLEANFILES += tests/bench/registry-precheck.json \
	tests/bench/precheck-callgrind/cg.out* tests/bench/precheck-callgrind/*.log

BENCH_TARGETS += bench-precheck
.PHONY: bench-precheck
bench-precheck: tests/bench/gen_registry$(EXEEXT) tests/bench/bench_precheck$(EXEEXT)
	tests/bench/gen_registry $(BENCH_PRECHECK_PEOPLE) > tests/bench/registry-precheck.json
	tests/bench/bench_precheck tests/bench/registry-precheck.json \
		$(BENCH_PRECHECK_PEOPLE) $(BENCH_PRECHECK_SECONDS)
	$(SHELL) $(top_srcdir)/tests/bench/precheck-callgrind.sh \
		tests/bench/bench_precheck$(EXEEXT) tests/bench/registry-precheck.json \
		$(BENCH_PRECHECK_PEOPLE) $(BENCH_PRECHECK_ROUNDS) tests/bench/precheck-callgrind
