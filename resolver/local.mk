# resolver/: the matching library libpgr, linked statically into the
# ploguard command and into the slapd overlay.
noinst_LTLIBRARIES += resolver/libpgr.la
resolver_libpgr_la_SOURCES = \
	resolver/pgr.h \
	resolver/errors.c \
	resolver/fileio.h \
	resolver/fileio.c \
	resolver/phone.c \
	resolver/email.c \
	resolver/name.c \
	resolver/registry_int.h \
	resolver/registry.c \
	resolver/index.c \
	resolver/codes.c \
	resolver/match.c
resolver_libpgr_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(ICU_CFLAGS) $(IDN2_CFLAGS)
resolver_libpgr_la_LIBADD = $(JANSSON_LIBS) $(ICU_LIBS) $(IDN2_LIBS)

include resolver/cli.mk
include resolver/sync.mk
