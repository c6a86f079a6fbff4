# tests/sync: the signed feed and `ploguard sync`, against a real HTTPS
# server on 127.0.0.1 (ports 29500-29799) with real minisign signatures.
check_PROGRAMS += tests/sync/test_feed
tests_sync_test_feed_SOURCES = tests/sync/test_feed.c
tests_sync_test_feed_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SODIUM_CFLAGS)
tests_sync_test_feed_LDADD = resolver/libpgrfeed.la resolver/libpgr.la \
	$(CMOCKA_LIBS) $(SODIUM_LIBS)

TESTS += \
	tests/sync/test_feed \
	tests/sync/feed-cases.sh \
	tests/sync/feed-ca.sh \
	tests/sync/feed-kill.sh \
	tests/sync/feed-units.sh \
	tests/sync/feed-valgrind.sh \
	tests/sync/feed-state.sh
EXTRA_DIST += \
	tests/sync/common.sh \
	tests/sync/feedserver.py \
	tests/sync/mkreg.py \
	tests/sync/feed-cases.sh \
	tests/sync/feed-ca.sh \
	tests/sync/feed-kill.sh \
	tests/sync/feed-units.sh \
	tests/sync/feed-valgrind.sh \
	tests/sync/feed-state.sh
