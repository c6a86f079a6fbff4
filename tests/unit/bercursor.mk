# tests/unit/bercursor.mk: the overlay's BER cursor (slapd-overlay/
# bercursor.h, inline, knows no slapd) against liblber's ber_peek_element.
check_PROGRAMS += tests/unit/test_bercursor
TESTS += tests/unit/test_bercursor

tests_unit_test_bercursor_SOURCES = tests/unit/test_bercursor.c \
	slapd-overlay/bercursor.h tests/xorshift64.h
tests_unit_test_bercursor_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/slapd-overlay
tests_unit_test_bercursor_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(LDAP_CFLAGS)
tests_unit_test_bercursor_LDADD = $(CMOCKA_LIBS) $(LDAP_LIBS)
