# tests/unit/precheck.mk: the registry pre-checks (pgr_phone_may_match,
# pgr_email_may_match) against the code they replaced, kept in
# tests/unit/precheck_ref.h (a differential test, cmocka).
check_PROGRAMS += tests/unit/test_precheck
TESTS += tests/unit/test_precheck

tests_unit_test_precheck_SOURCES = tests/unit/test_precheck.c tests/unit/precheck_ref.h \
	tests/unit/sample_fixture.h tests/xorshift64.h
tests_unit_test_precheck_CPPFLAGS = $(REGISTRY_TEST_CPPFLAGS)
tests_unit_test_precheck_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_precheck_LDADD = resolver/libpgr.la $(CMOCKA_LIBS)
