# tests/fuzz: fuzz targets (libFuzzer entry points).  Under `make check`
# each runs over its seed corpus in tests/fuzz/corpus/ through the plain
# driver (driver.c), built with the normal compiler.  `make fuzz` builds
# them with clang -fsanitize=fuzzer,address,undefined and runs each for
# FUZZ_TIME seconds (tests/fuzz/run-fuzz.sh says more).
FUZZ_DRIVER_SOURCES = tests/fuzz/fuzz.h tests/fuzz/driver.c
FUZZ_DRIVER_CPPFLAGS = $(AM_CPPFLAGS) -DPGR_FUZZ_SRCDIR='"$(abs_top_srcdir)"'

check_PROGRAMS += tests/fuzz/fuzz-phone tests/fuzz/fuzz-email \
	tests/fuzz/fuzz-name tests/fuzz/fuzz-registry tests/fuzz/fuzz-feed
TESTS += tests/fuzz/fuzz-phone tests/fuzz/fuzz-email \
	tests/fuzz/fuzz-name tests/fuzz/fuzz-registry tests/fuzz/fuzz-feed

tests_fuzz_fuzz_phone_SOURCES = tests/fuzz/fuzz_phone.c tests/fuzz/fuzz_sample.h \
	$(FUZZ_DRIVER_SOURCES)
tests_fuzz_fuzz_phone_CPPFLAGS = $(FUZZ_DRIVER_CPPFLAGS) -DFUZZ_TARGET='"phone"'
tests_fuzz_fuzz_phone_LDADD = resolver/libpgr.la

tests_fuzz_fuzz_email_SOURCES = tests/fuzz/fuzz_email.c tests/fuzz/fuzz_sample.h \
	$(FUZZ_DRIVER_SOURCES)
tests_fuzz_fuzz_email_CPPFLAGS = $(FUZZ_DRIVER_CPPFLAGS) -DFUZZ_TARGET='"email"'
tests_fuzz_fuzz_email_LDADD = resolver/libpgr.la

tests_fuzz_fuzz_name_SOURCES = tests/fuzz/fuzz_name.c $(FUZZ_DRIVER_SOURCES)
tests_fuzz_fuzz_name_CPPFLAGS = $(FUZZ_DRIVER_CPPFLAGS) -DFUZZ_TARGET='"name"'
tests_fuzz_fuzz_name_LDADD = resolver/libpgr.la

tests_fuzz_fuzz_registry_SOURCES = tests/fuzz/fuzz_registry.c \
	$(FUZZ_DRIVER_SOURCES)
tests_fuzz_fuzz_registry_CPPFLAGS = $(FUZZ_DRIVER_CPPFLAGS) \
	-DFUZZ_TARGET='"registry"'
tests_fuzz_fuzz_registry_LDADD = resolver/libpgr.la

tests_fuzz_fuzz_feed_SOURCES = tests/fuzz/fuzz_feed.c $(FUZZ_DRIVER_SOURCES)
tests_fuzz_fuzz_feed_CPPFLAGS = $(FUZZ_DRIVER_CPPFLAGS) $(SODIUM_CFLAGS) \
	-DFUZZ_TARGET='"feed"'
tests_fuzz_fuzz_feed_LDADD = resolver/libpgrfeed.la resolver/libpgr.la \
	$(SODIUM_LIBS)

EXTRA_DIST += tests/fuzz/README.md tests/fuzz/run-fuzz.sh tests/fuzz/corpus \
	tests/fuzz/phone.dict tests/fuzz/email.dict tests/fuzz/name.dict \
	tests/fuzz/registry.dict tests/fuzz/feed.dict

FUZZ_CC = clang
FUZZ_TIME = 60
FUZZ_TARGETS = phone email name registry feed

.PHONY: fuzz fuzz-clean
fuzz:
	CLANG='$(FUZZ_CC)' FUZZ_TIME='$(FUZZ_TIME)' \
	FUZZ_TARGETS='$(FUZZ_TARGETS)' \
	PGR_LIB_SOURCES='$(filter %.c,$(resolver_libpgr_la_SOURCES))' \
	PGR_FEED_SOURCES='$(filter %.c,$(resolver_libpgrfeed_la_SOURCES))' \
	FUZZ_CFLAGS='$(JANSSON_CFLAGS) $(ICU_CFLAGS) $(IDN2_CFLAGS) $(SODIUM_CFLAGS)' \
	FUZZ_LIBS='$(JANSSON_LIBS) $(ICU_LIBS) $(IDN2_LIBS) $(SODIUM_LIBS)' \
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	$(SHELL) $(top_srcdir)/tests/fuzz/run-fuzz.sh

fuzz-clean:
	rm -rf tests/fuzz/libfuzzer
