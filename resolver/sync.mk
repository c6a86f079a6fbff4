# resolver/sync.mk - the signed registry feed (H6) and the ILDC registry
# tools (H6b).

# --- feed verification library and `ploguard sync` (H6) ---
# libpgrfeed: minisign verification, anti-rollback state, atomic install.
# A PIC convenience library for the ploguard command and the slapd overlay;
# link it before resolver/libpgr.la, with $(SODIUM_LIBS).
noinst_LTLIBRARIES += resolver/libpgrfeed.la
resolver_libpgrfeed_la_SOURCES = \
	resolver/feed.h \
	resolver/feed_private.h \
	resolver/minisign.c \
	resolver/feedstate.c \
	resolver/feedio.c \
	resolver/feedload.c
resolver_libpgrfeed_la_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS)
resolver_libpgrfeed_la_LIBADD = $(SODIUM_LIBS)

resolver_ploguard_SOURCES += resolver/cli/cmd_sync.c
resolver_ploguard_CFLAGS += $(CURL_CFLAGS) $(SODIUM_CFLAGS)
resolver_ploguard_LDADD += resolver/libpgrfeed.la resolver/libpgr.la \
	$(CURL_LIBS) $(SODIUM_LIBS)

# --- registry tools (H6b) ---
# `ploguard registry`: init, add, set, retire, validate, diff, release.
resolver_ploguard_SOURCES += \
	resolver/cli/cmd_registry.c \
	resolver/cli/registry_tools.h \
	resolver/cli/registry_io.c \
	resolver/cli/registry_edit.c \
	resolver/cli/registry_diff.c
# --- end registry tools (H6b) ---
