# tests/unit/verdict.mk: the overlay's table of entries found to match
# nothing (slapd-overlay/verdict.c knows no slapd, so it is tested here,
# built whether or not the overlay is).
check_PROGRAMS += tests/unit/test_verdict
TESTS += tests/unit/test_verdict

tests_unit_test_verdict_SOURCES = tests/unit/test_verdict.c \
	slapd-overlay/verdict.c slapd-overlay/verdict.h
tests_unit_test_verdict_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/slapd-overlay
tests_unit_test_verdict_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -pthread
tests_unit_test_verdict_LDADD = $(CMOCKA_LIBS) -lpthread
