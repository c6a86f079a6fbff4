# tests/integration: the overlay in the real /usr/sbin/slapd on 127.0.0.1,
# queried with ldapsearch/ldapmodify and a small libldap client.  Each
# script owns a block of ten ports in 29000-29499 (see lib.sh), so they can
# run in parallel.  They skip (77) only when the overlay is not built.
check_PROGRAMS += tests/integration/ldapclient
tests_integration_ldapclient_SOURCES = tests/integration/ldapclient.c \
	tests/ldapconnect.h
tests_integration_ldapclient_CFLAGS = $(AM_CFLAGS) $(LDAP_CFLAGS) -pthread
tests_integration_ldapclient_LDADD = $(LDAP_LIBS) -lpthread
check_PROGRAMS += tests/integration/filtergen
tests_integration_filtergen_SOURCES = tests/integration/filtergen.c \
	tests/integration/randargs.h tests/xorshift64.h
check_PROGRAMS += tests/integration/randwrite
tests_integration_randwrite_SOURCES = tests/integration/randwrite.c \
	tests/integration/randargs.h tests/ldapconnect.h tests/xorshift64.h
tests_integration_randwrite_CFLAGS = $(AM_CFLAGS) $(LDAP_CFLAGS)
tests_integration_randwrite_LDADD = $(LDAP_LIBS)

PLOGUARD_IT_TESTS = \
	tests/integration/annotate.sh \
	tests/integration/freetext.sh \
	tests/integration/passthrough.sh \
	tests/integration/randfilter.sh \
	tests/integration/randwrite.sh \
	tests/integration/clients.sh \
	tests/integration/never.sh \
	tests/integration/limits.sh \
	tests/integration/writes.sh \
	tests/integration/syncrepl.sh \
	tests/integration/config.sh \
	tests/integration/cnconfig.sh \
	tests/integration/reload.sh \
	tests/integration/signed.sh \
	tests/integration/verdicts.sh \
	tests/integration/stack.sh \
	tests/integration/neighbours.sh \
	tests/integration/slowclient.sh \
	tests/integration/valgrind.sh \
	tests/integration/demo.sh
TESTS += $(PLOGUARD_IT_TESTS)

EXTRA_DIST += $(PLOGUARD_IT_TESTS) \
	tests/integration/lib.sh \
	tests/integration/fixtures.sh \
	tests/integration/registry.json \
	tests/integration/forms.ldif \
	tests/integration/forms-freetext.ldif \
	tests/integration/agencyphone.schema \
	tests/integration/expected/wang-lihua-en.ldif \
	tests/integration/expected/wang-lihua-en-op.ldif \
	tests/integration/expected/chen-jie-synthesized.ldif
