# tests/unit/alarm.mk: the thread that starts the overlay's reload task
# (slapd-overlay/alarm.c knows no slapd, so it is tested here, built
# whether or not the overlay is).
check_PROGRAMS += tests/unit/test_alarm
TESTS += tests/unit/test_alarm

tests_unit_test_alarm_SOURCES = tests/unit/test_alarm.c \
	slapd-overlay/alarm.c slapd-overlay/alarm.h
tests_unit_test_alarm_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/slapd-overlay
tests_unit_test_alarm_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -pthread
tests_unit_test_alarm_LDADD = $(CMOCKA_LIBS) -lpthread
