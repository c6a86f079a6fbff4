# tests/bench/sync.mk: `make bench-sync` (part of `make bench`): signs the
# 100,000-person benchmark registry (tests/bench/gen_registry, from
# bench-resolver) with a fresh minisign key, then measures
#  - verification (both signatures, SHA-256) + full validation: goal <= 1.5 s
#  - the wall time of `ploguard sync` on an unchanged feed (HTTP 304)
#    against a loopback HTTPS server: goal <= 50 ms; beside it the same
#    conditional request by curl(1) and `ploguard --version`, timed by
#    tests/bench/sync/walltime.
BENCH_SYNC_PEOPLE = 100000
BENCH_SYNC_ROUNDS = 3
BENCH_SYNC_304_RUNS = 30

check_PROGRAMS += tests/bench/sync/bench_sync
tests_bench_sync_bench_sync_SOURCES = tests/bench/sync/bench_sync.c
tests_bench_sync_bench_sync_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS) -O2
tests_bench_sync_bench_sync_LDADD = resolver/libpgrfeed.la resolver/libpgr.la $(SODIUM_LIBS)
check_PROGRAMS += tests/bench/sync/walltime
tests_bench_sync_walltime_SOURCES = tests/bench/sync/walltime.c
EXTRA_DIST += tests/bench/sync/bench-304.sh
CLEANFILES += tests/bench/sync/registry.json tests/bench/sync/registry.json.minisig \
	tests/bench/sync/bench.pub tests/bench/sync/bench.sec

BENCH_TARGETS += bench-sync
.PHONY: bench-sync
bench-sync: resolver/ploguard$(EXEEXT) tests/bench/gen_registry$(EXEEXT) tests/bench/sync/bench_sync$(EXEEXT) \
		tests/bench/sync/walltime$(EXEEXT)
	@$(MKDIR_P) tests/bench/sync
	tests/bench/gen_registry $(BENCH_SYNC_PEOPLE) > tests/bench/sync/registry.json
	$(MINISIGN) -G -W -f -p tests/bench/sync/bench.pub -s tests/bench/sync/bench.sec >/dev/null
	$(MINISIGN) -S -s tests/bench/sync/bench.sec -m tests/bench/sync/registry.json \
		-t "$$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("registry_id=%s seq=%d issued_at=%s expires_at=%s" % (r["registry_id"], r["seq"], r["issued_at"], r["expires_at"]))' tests/bench/sync/registry.json)" >/dev/null
	tests/bench/sync/bench_sync tests/bench/sync/registry.json \
		tests/bench/sync/registry.json.minisig tests/bench/sync/bench.pub $(BENCH_SYNC_ROUNDS)
	$(AM_TESTS_ENVIRONMENT) $(SHELL) $(top_srcdir)/tests/bench/sync/bench-304.sh \
		tests/bench/sync/registry.json tests/bench/sync/registry.json.minisig \
		$(abs_top_builddir)/tests/bench/sync/bench.pub $(BENCH_SYNC_304_RUNS)
