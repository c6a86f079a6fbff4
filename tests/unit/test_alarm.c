/*
 * test_alarm.c - the thread that starts the overlay's reload task
 * (slapd-overlay/alarm.c).
 *
 * What must hold: the function is called again and again at the interval;
 * a new interval counts from the moment it is set (a week-long wait is cut
 * short); nothing is called once pg_alarm_stop has returned, also when it
 * is called while the function runs, which it then waits for; bad
 * arguments are refused.  Waits are bounded by generous deadlines so that
 * a loaded machine slows the test down but does not fail it; nothing is
 * timed.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "alarm.h"

#define PATIENCE_S 20   /* how long a test waits for a call at most */

typedef struct counter {
    pthread_mutex_t mu;
    pthread_cond_t  cv;
    int             calls;
    int             inside;   /* a call is in progress */
    int             hold;     /* calls wait while this is set */
} counter;

static void
counter_init(counter *c)
{
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    c->calls = 0;
    c->inside = 0;
    c->hold = 0;
}

static void
counter_destroy(counter *c)
{
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
}

static void
count_call(void *arg)
{
    counter *c = arg;

    pthread_mutex_lock(&c->mu);
    c->inside = 1;
    c->calls++;
    pthread_cond_broadcast(&c->cv);
    while (c->hold)
        pthread_cond_wait(&c->cv, &c->mu);
    c->inside = 0;
    pthread_mutex_unlock(&c->mu);
}

/* Waits until at least n calls were made; 0, or -1 after PATIENCE_S. */
static int
wait_calls(counter *c, int n)
{
    struct timespec due;
    int rc = 0;

    clock_gettime(CLOCK_REALTIME, &due);
    due.tv_sec += PATIENCE_S;
    pthread_mutex_lock(&c->mu);
    while (c->calls < n && rc == 0)
        rc = pthread_cond_timedwait(&c->cv, &c->mu, &due);
    rc = c->calls >= n ? 0 : -1;
    pthread_mutex_unlock(&c->mu);
    return rc;
}

static int
calls_of(counter *c)
{
    int n;

    pthread_mutex_lock(&c->mu);
    n = c->calls;
    pthread_mutex_unlock(&c->mu);
    return n;
}

static void
nap_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void
test_refuses(void **state)
{
    pg_alarm *a = (pg_alarm *)&a;   /* must be reset to NULL */
    counter c;

    (void)state;
    counter_init(&c);
    assert_int_equal(pg_alarm_start(&a, 0, count_call, &c), EINVAL);
    assert_int_equal(pg_alarm_start(&a, -5, count_call, &c), EINVAL);
    assert_int_equal(pg_alarm_start(&a, PG_ALARM_MAX_MS + 1, count_call, &c),
                     EINVAL);
    assert_int_equal(pg_alarm_start(&a, 10, NULL, &c), EINVAL);
    assert_int_equal(pg_alarm_start(NULL, 10, count_call, &c), EINVAL);
    assert_int_equal(pg_alarm_set(NULL, 10), EINVAL);
    pg_alarm_stop(NULL);

    assert_int_equal(pg_alarm_start(&a, PG_ALARM_MAX_MS, count_call, &c), 0);
    assert_non_null(a);
    assert_int_equal(pg_alarm_set(a, 0), EINVAL);
    assert_int_equal(pg_alarm_set(a, PG_ALARM_MAX_MS + 1), EINVAL);
    pg_alarm_stop(a);   /* at once, though the wait is a week */
    assert_int_equal(calls_of(&c), 0);
    counter_destroy(&c);
}

static void
test_repeats(void **state)
{
    pg_alarm *a = NULL;
    counter c;

    (void)state;
    counter_init(&c);
    assert_int_equal(pg_alarm_start(&a, 5, count_call, &c), 0);
    assert_int_equal(wait_calls(&c, 5), 0);
    pg_alarm_stop(a);
    counter_destroy(&c);
}

static void
test_set_counts_from_now(void **state)
{
    pg_alarm *a = NULL;
    counter c;

    (void)state;
    counter_init(&c);
    assert_int_equal(pg_alarm_start(&a, PG_ALARM_MAX_MS, count_call, &c), 0);
    nap_ms(20);
    assert_int_equal(calls_of(&c), 0);
    assert_int_equal(pg_alarm_set(a, 5), 0);
    assert_int_equal(wait_calls(&c, 2), 0);
    /* and back to a week: no call after the one that may be under way */
    assert_int_equal(pg_alarm_set(a, PG_ALARM_MAX_MS), 0);
    nap_ms(20);
    {
        int n = calls_of(&c);

        nap_ms(50);
        assert_int_equal(calls_of(&c), n);
    }
    pg_alarm_stop(a);
    counter_destroy(&c);
}

static void *
stopper(void *arg)
{
    pg_alarm_stop(arg);
    return NULL;
}

static void
test_stop_waits_for_call(void **state)
{
    pg_alarm *a = NULL;
    pthread_t t;
    counter c;
    int n;

    (void)state;
    counter_init(&c);
    c.hold = 1;   /* the first call stays inside until released */
    assert_int_equal(pg_alarm_start(&a, 5, count_call, &c), 0);
    assert_int_equal(wait_calls(&c, 1), 0);
    assert_int_equal(pthread_create(&t, NULL, stopper, a), 0);
    nap_ms(50);
    pthread_mutex_lock(&c.mu);
    assert_int_equal(c.inside, 1);   /* the stop has not cut it short */
    c.hold = 0;
    pthread_cond_broadcast(&c.cv);
    pthread_mutex_unlock(&c.mu);
    assert_int_equal(pthread_join(t, NULL), 0);
    /* stopped: no call after the one that was in progress */
    n = calls_of(&c);
    assert_int_equal(n, 1);
    nap_ms(50);
    assert_int_equal(calls_of(&c), n);
    counter_destroy(&c);
}

static void
test_stop_then_nothing(void **state)
{
    pg_alarm *a = NULL;
    counter c;
    int i, n;

    (void)state;
    counter_init(&c);
    for (i = 0; i < 50; i++) {   /* stops landing at any point of a round */
        assert_int_equal(pg_alarm_start(&a, 1, count_call, &c), 0);
        nap_ms(i % 4);
        pg_alarm_stop(a);
        n = calls_of(&c);
        nap_ms(3);
        assert_int_equal(calls_of(&c), n);
    }
    counter_destroy(&c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refuses),
        cmocka_unit_test(test_repeats),
        cmocka_unit_test(test_set_counts_from_now),
        cmocka_unit_test(test_stop_waits_for_call),
        cmocka_unit_test(test_stop_then_nothing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
