# tests/unit/text.mk: e-mail, domain and name normalization (cmocka).
check_PROGRAMS += tests/unit/test_email tests/unit/test_name
TESTS += tests/unit/test_email tests/unit/test_name
EXTRA_DIST += tests/unit/email-golden.tsv

tests_unit_test_email_SOURCES = tests/unit/test_email.c
tests_unit_test_email_CPPFLAGS = $(AM_CPPFLAGS) \
	-DPGR_TEST_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_email_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_email_LDADD = resolver/libpgr.la $(CMOCKA_LIBS)

tests_unit_test_name_SOURCES = tests/unit/test_name.c
tests_unit_test_name_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_name_LDADD = resolver/libpgr.la $(CMOCKA_LIBS) -lpthread
