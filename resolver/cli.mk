# resolver/cli: the ploguard command (lookup, check; sync and registry
# come from resolver/sync.mk).
bin_PROGRAMS += resolver/ploguard
resolver_ploguard_SOURCES = \
	resolver/cli/commands.h \
	resolver/cli/cli.h \
	resolver/cli/main.c \
	resolver/cli/classify.c \
	resolver/cli/common.c \
	resolver/cli/render.c \
	resolver/cli/cmd_lookup.c \
	resolver/cli/cmd_check.c
resolver_ploguard_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
resolver_ploguard_LDADD = resolver/libpgr.la $(JANSSON_LIBS)
