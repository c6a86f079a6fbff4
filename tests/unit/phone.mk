# tests/unit/phone.mk: the phone-number parser (resolver/phone.c) against
# its golden table and targeted cases.
check_PROGRAMS += tests/unit/test_phone
TESTS += tests/unit/test_phone
tests_unit_test_phone_SOURCES = tests/unit/test_phone.c
# ICU only checks the parser's table of digits (test_digits_match_icu).
# The table is found through $top_srcdir (set by make check) or, when the
# program is run by hand, through the source directory it was built from.
tests_unit_test_phone_CPPFLAGS = $(AM_CPPFLAGS) \
	-DPGR_TEST_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_phone_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(ICU_CFLAGS)
tests_unit_test_phone_LDADD = resolver/libpgr.la $(CMOCKA_LIBS) $(ICU_LIBS)
EXTRA_DIST += tests/unit/phone-golden.tsv
