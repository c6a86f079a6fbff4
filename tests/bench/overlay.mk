# tests/bench/overlay.mk: `make bench-overlay` (part of `make bench`):
# a stock slapd and a slapd with the ploguard overlay side by side on
# copies of one 10,000-entry directory (with a 10,000-person registry),
# slapd pinned to CPU 1 and the load generator to CPU 0, requests
# alternating between the two, ports swapped between repetitions; then
# callgrind instruction counts per search.  See tests/bench/overlay/run.sh.
BENCH_OVERLAY_REPS = 5
BENCH_OVERLAY_SECONDS = 5

# Built by `make check` so that it keeps compiling; run only by the bench.
check_PROGRAMS += tests/bench/overlay/ldload
tests_bench_overlay_ldload_SOURCES = tests/bench/overlay/ldload.c tests/bench/benchutil.h \
	tests/ldapconnect.h
tests_bench_overlay_ldload_CFLAGS = $(AM_CFLAGS) $(LDAP_CFLAGS) -pthread
tests_bench_overlay_ldload_LDADD = $(LDAP_LIBS) -lpthread
EXTRA_DIST += tests/bench/overlay/run.sh tests/bench/overlay/gen-directory.sh

# An overlay that does nothing (slapd's own cost of any overlay): the
# floor the callgrind rows are also measured on.  Built by `make check`.
if BUILD_OVERLAY
check_LTLIBRARIES += tests/bench/overlay/nullovl.la
tests_bench_overlay_nullovl_la_SOURCES = tests/bench/overlay/nullovl.c
tests_bench_overlay_nullovl_la_CPPFLAGS = $(PLOGUARD_OVERLAY_CPPFLAGS)
tests_bench_overlay_nullovl_la_CFLAGS = $(WARN_CFLAGS) -fvisibility=hidden \
	-Wno-strict-prototypes
tests_bench_overlay_nullovl_la_LDFLAGS = -module -avoid-version -shared \
	-export-symbols-regex '^init_module$$' \
	-rpath $(abs_builddir)/tests/bench/overlay
endif BUILD_OVERLAY

BENCH_TARGETS += bench-overlay
.PHONY: bench-overlay
bench-overlay: all tests/bench/overlay/ldload$(EXEEXT) tests/bench/gen_registry$(EXEEXT) \
		tests/bench/overlay/nullovl.la
	$(SHELL) $(top_srcdir)/tests/bench/overlay/run.sh '$(abs_top_builddir)' \
		$(BENCH_OVERLAY_REPS) $(BENCH_OVERLAY_SECONDS)
CLEANFILES += tests/bench/overlay-results.md tests/bench/overlay-ratios.txt
