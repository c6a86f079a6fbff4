# tests/unit/registry.mk: the registry loader, the matcher and the file
# reader they share with the feed and the registry tools (cmocka).
# The tests read the sample registry from the source tree (VPATH-safe).
REGISTRY_TEST_CPPFLAGS = $(AM_CPPFLAGS) \
	-DSAMPLE_REGISTRY='"$(abs_top_srcdir)/data/registry.sample.json"'

check_PROGRAMS += tests/unit/test_registry tests/unit/test_match
TESTS += tests/unit/test_registry tests/unit/test_match

tests_unit_test_registry_SOURCES = tests/unit/test_registry.c
tests_unit_test_registry_CPPFLAGS = $(REGISTRY_TEST_CPPFLAGS)
tests_unit_test_registry_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_registry_LDADD = resolver/libpgr.la $(CMOCKA_LIBS)

tests_unit_test_match_SOURCES = tests/unit/test_match.c tests/unit/sample_fixture.h
tests_unit_test_match_CPPFLAGS = $(REGISTRY_TEST_CPPFLAGS)
tests_unit_test_match_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_match_LDADD = resolver/libpgr.la $(CMOCKA_LIBS)

check_PROGRAMS += tests/unit/test_fileio
TESTS += tests/unit/test_fileio
tests_unit_test_fileio_SOURCES = tests/unit/test_fileio.c
tests_unit_test_fileio_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_fileio_LDADD = resolver/libpgr.la $(CMOCKA_LIBS)
