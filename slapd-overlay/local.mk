# slapd-overlay/: the ploguard overlay, a module for Debian's stock slapd,
# compiled against the configured Debian OpenLDAP source tree of the same
# version, with the resolver linked in statically.
if BUILD_OVERLAY

PLOGUARD_OVERLAY_SOURCES = \
	slapd-overlay/ploguard.h \
	slapd-overlay/ploguard.c \
	slapd-overlay/config.c \
	slapd-overlay/schema.c \
	slapd-overlay/annotate.c \
	slapd-overlay/search.c \
	slapd-overlay/synth.c \
	slapd-overlay/filter.c \
	slapd-overlay/write.c \
	slapd-overlay/dispatch.c \
	slapd-overlay/reload.c \
	slapd-overlay/alarm.h \
	slapd-overlay/alarm.c \
	slapd-overlay/signed.c \
	slapd-overlay/verdict.h \
	slapd-overlay/verdict.c \
	slapd-overlay/plainnorm.h \
	slapd-overlay/plainnorm.c \
	slapd-overlay/bercursor.h

PLOGUARD_OVERLAY_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(OPENLDAP_SRC)/include -I$(OPENLDAP_SRC)/servers/slapd

# OpenLDAP's include/ac/string.h (pulled in by slap.h) declares strdup,
# strcasecmp and strncasecmp without prototypes, "int (strcasecmp)();",
# which -Wstrict-prototypes turns into errors.  That one warning is turned
# off, for the overlay's sources only; everything else, and -Werror, stays.
PLOGUARD_OVERLAY_CFLAGS = $(WARN_CFLAGS) $(OVERLAY_SAN_CFLAGS) \
	-fvisibility=hidden -Wno-strict-prototypes

# Only init_module is exported: Debian loads modules RTLD_GLOBAL.
PLOGUARD_OVERLAY_LDFLAGS = $(OVERLAY_SAN_LDFLAGS) -module -avoid-version -shared \
	-export-symbols-regex '^init_module$$'

# The resolver inside the overlay.  A sanitizer build compiles the resolver
# with ASan for the command and the unit tests; the overlay needs its own
# copy without ASan (see OVERLAY_SAN_CFLAGS in configure.ac).
if SANITIZERS
noinst_LTLIBRARIES += slapd-overlay/libpgr_slapd.la
slapd_overlay_libpgr_slapd_la_SOURCES = $(resolver_libpgr_la_SOURCES) \
	$(resolver_libpgrfeed_la_SOURCES)
slapd_overlay_libpgr_slapd_la_CFLAGS = $(WARN_CFLAGS) $(OVERLAY_SAN_CFLAGS) \
	-fvisibility=hidden $(JANSSON_CFLAGS) $(ICU_CFLAGS) $(IDN2_CFLAGS) \
	$(SODIUM_CFLAGS)
slapd_overlay_libpgr_slapd_la_LIBADD = $(resolver_libpgr_la_LIBADD) \
	$(SODIUM_LIBS)
PLOGUARD_OVERLAY_RESOLVER = slapd-overlay/libpgr_slapd.la $(SODIUM_LIBS)
else
PLOGUARD_OVERLAY_RESOLVER = resolver/libpgrfeed.la resolver/libpgr.la \
	$(SODIUM_LIBS)
endif

ldapmodule_LTLIBRARIES += slapd-overlay/ploguard.la
slapd_overlay_ploguard_la_SOURCES = $(PLOGUARD_OVERLAY_SOURCES)
slapd_overlay_ploguard_la_CPPFLAGS = $(PLOGUARD_OVERLAY_CPPFLAGS) \
	-DPGR_OPENLDAP_SRC_VERSION='"$(OPENLDAP_SRC_VERSION)"'
slapd_overlay_ploguard_la_CFLAGS = $(PLOGUARD_OVERLAY_CFLAGS)
slapd_overlay_ploguard_la_LDFLAGS = $(PLOGUARD_OVERLAY_LDFLAGS)
slapd_overlay_ploguard_la_LIBADD = $(PLOGUARD_OVERLAY_RESOLVER)

# The same overlay claiming to be built for another slapd: slapd must
# refuse to load it (tested by slapd-overlay/tests/version.sh).  Built
# only for "make check"; -rpath makes libtool build a loadable module.
check_LTLIBRARIES = slapd-overlay/ploguard-wrongversion.la
slapd_overlay_ploguard_wrongversion_la_SOURCES = $(PLOGUARD_OVERLAY_SOURCES)
slapd_overlay_ploguard_wrongversion_la_CPPFLAGS = $(PLOGUARD_OVERLAY_CPPFLAGS) \
	-DPGR_OPENLDAP_SRC_VERSION='"0.0.0+ploguard-test"'
slapd_overlay_ploguard_wrongversion_la_CFLAGS = $(PLOGUARD_OVERLAY_CFLAGS)
slapd_overlay_ploguard_wrongversion_la_LDFLAGS = $(PLOGUARD_OVERLAY_LDFLAGS) \
	-rpath $(abs_builddir)/slapd-overlay
slapd_overlay_ploguard_wrongversion_la_LIBADD = $(PLOGUARD_OVERLAY_RESOLVER)

TESTS += slapd-overlay/tests/version.sh

endif BUILD_OVERLAY

EXTRA_DIST += slapd-overlay/tests/version.sh
