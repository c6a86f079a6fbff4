# tests/unit/plainnorm.mk: the overlay's word-at-a-time plain-value
# normalizer (slapd-overlay/plainnorm.c, which knows no slapd) against the
# byte loop it replaced.
check_PROGRAMS += tests/unit/test_plainnorm
TESTS += tests/unit/test_plainnorm

tests_unit_test_plainnorm_SOURCES = tests/unit/test_plainnorm.c \
	slapd-overlay/plainnorm.c slapd-overlay/plainnorm.h tests/xorshift64.h
tests_unit_test_plainnorm_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/slapd-overlay
tests_unit_test_plainnorm_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_plainnorm_LDADD = $(CMOCKA_LIBS)
