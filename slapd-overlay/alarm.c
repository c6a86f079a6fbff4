/*
 * alarm.c - a thread that calls a function every so often (alarm.h).
 *
 * The thread sleeps on a condition variable with a deadline on the
 * monotonic clock, so a change of the system time neither fires it early
 * nor holds it back.  pg_alarm_set and pg_alarm_stop wake it to start the
 * countdown again or to leave.
 */
#include "alarm.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

struct pg_alarm {
    pthread_mutex_t mu;
    pthread_cond_t  cv;          /* on CLOCK_MONOTONIC */
    pthread_t       tid;
    long            interval_ms; /* under mu */
    unsigned long   restarts;    /* under mu: moved on by pg_alarm_set */
    int             stop;        /* under mu */
    pg_alarm_fn    *fn;
    void           *arg;
};

static int
pg_alarm_interval_ok(long ms)
{
    return ms >= 1 && ms <= PG_ALARM_MAX_MS;
}

static void
pg_alarm_deadline(struct timespec *ts, long ms)
{
    ts->tv_sec = 0;
    ts->tv_nsec = 0;
    (void)clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static void *
pg_alarm_main(void *p)
{
    pg_alarm *a = p;
    struct timespec due;
    unsigned long restarts;
    int rc;

    pthread_mutex_lock(&a->mu);
    while (!a->stop) {
        pg_alarm_deadline(&due, a->interval_ms);
        restarts = a->restarts;
        rc = 0;
        while (!a->stop && a->restarts == restarts) {
            rc = pthread_cond_timedwait(&a->cv, &a->mu, &due);
            if (rc == ETIMEDOUT)
                break;
            /* a wait that cannot be timed must not turn into calls in
             * a loop: then wait for pg_alarm_set or pg_alarm_stop */
            if (rc != 0)
                pthread_cond_wait(&a->cv, &a->mu);
        }
        if (a->stop || a->restarts != restarts || rc != ETIMEDOUT)
            continue;
        pthread_mutex_unlock(&a->mu);
        a->fn(a->arg);
        pthread_mutex_lock(&a->mu);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

/* The alarm's thread takes no signal: they stay with the host's threads,
 * which expect them. */
static int
pg_alarm_spawn(pg_alarm *a)
{
    sigset_t all, old;
    int rc;

    sigfillset(&all);
    rc = pthread_sigmask(SIG_SETMASK, &all, &old);
    if (rc != 0)
        return rc;
    rc = pthread_create(&a->tid, NULL, pg_alarm_main, a);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

int
pg_alarm_start(pg_alarm **ap, long interval_ms, pg_alarm_fn *fn, void *arg)
{
    pthread_condattr_t ca;
    pg_alarm *a;
    int rc;

    if (ap == NULL || fn == NULL || !pg_alarm_interval_ok(interval_ms))
        return EINVAL;
    *ap = NULL;
    a = calloc(1, sizeof(*a));
    if (a == NULL)
        return ENOMEM;
    a->interval_ms = interval_ms;
    a->fn = fn;
    a->arg = arg;
    rc = pthread_condattr_init(&ca);
    if (rc != 0) {
        free(a);
        return rc;
    }
    rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    if (rc == 0)
        rc = pthread_cond_init(&a->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (rc != 0) {
        free(a);
        return rc;
    }
    rc = pthread_mutex_init(&a->mu, NULL);
    if (rc != 0) {
        pthread_cond_destroy(&a->cv);
        free(a);
        return rc;
    }
    rc = pg_alarm_spawn(a);
    if (rc != 0) {
        pthread_mutex_destroy(&a->mu);
        pthread_cond_destroy(&a->cv);
        free(a);
        return rc;
    }
    *ap = a;
    return 0;
}

int
pg_alarm_set(pg_alarm *a, long interval_ms)
{
    if (a == NULL || !pg_alarm_interval_ok(interval_ms))
        return EINVAL;
    pthread_mutex_lock(&a->mu);
    a->interval_ms = interval_ms;
    a->restarts++;
    pthread_cond_signal(&a->cv);
    pthread_mutex_unlock(&a->mu);
    return 0;
}

void
pg_alarm_stop(pg_alarm *a)
{
    if (a == NULL)
        return;
    pthread_mutex_lock(&a->mu);
    a->stop = 1;
    pthread_cond_signal(&a->cv);
    pthread_mutex_unlock(&a->mu);
    pthread_join(a->tid, NULL);
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    free(a);
}
