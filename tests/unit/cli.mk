# tests/unit/cli.mk: the ploguard command.  A cmocka test of how values are
# classified, then shell tests running the built command against the sample
# registry (python3 checks the JSON).
check_PROGRAMS += tests/cli/test_classify
TESTS += tests/cli/test_classify
tests_cli_test_classify_SOURCES = \
	tests/cli/test_classify.c \
	resolver/cli/classify.c \
	resolver/cli/cli.h
tests_cli_test_classify_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/resolver/cli
tests_cli_test_classify_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(JANSSON_CFLAGS)
tests_cli_test_classify_LDADD = resolver/libpgr.la $(CMOCKA_LIBS)

CLI_SHELL_TESTS = \
	tests/cli/usage.sh \
	tests/cli/lookup-json.sh \
	tests/cli/lookup-text.sh \
	tests/cli/stale.sh \
	tests/cli/check.sh \
	tests/cli/valgrind.sh \
	tests/cli/manpage.sh
TESTS += $(CLI_SHELL_TESTS)
EXTRA_DIST += $(CLI_SHELL_TESTS) \
	tests/cli/lib.sh \
	tests/cli/jcheck.py \
	tests/cli/sample.py
