/*
 * alarm.h - a thread that calls a function every so often.
 *
 * slapd's listener computes its event wait from the next task in the run
 * queue: with any task scheduled, every wait carries a timeout, and the
 * kernel arms and cancels a timer each time the listener sleeps, about
 * once per request.  On the benchmark machine that was 0.5 us of system
 * time per wait, 1.5 % of a search that finds nothing, more than all of
 * ploguard's own work on it.  So the reload task stays in the run queue
 * unscheduled, and this alarm, which sleeps for the whole interval at a
 * time, tells the run queue when it is due (reload.c).
 *
 * Nothing here knows slapd, so that the unit tests can drive it.
 */
#ifndef PG_ALARM_H
#define PG_ALARM_H

/* Called on the alarm's own thread, with no lock of the alarm held. */
typedef void pg_alarm_fn(void *arg);

typedef struct pg_alarm pg_alarm;

#define PG_ALARM_MAX_MS (7L * 24 * 3600 * 1000)   /* a week */

/*
 * Starts a thread that calls fn(arg) every interval_ms milliseconds (1 to
 * PG_ALARM_MAX_MS), the first call one interval from now.  Returns 0 and
 * sets *ap, or an errno value (EINVAL, ENOMEM, or pthread's).
 */
int pg_alarm_start(pg_alarm **ap, long interval_ms, pg_alarm_fn *fn,
                   void *arg);

/* A new interval (1 to PG_ALARM_MAX_MS, else EINVAL), counted from now. */
int pg_alarm_set(pg_alarm *a, long interval_ms);

/*
 * Stops the thread, waiting for a call in progress to return, and frees
 * the alarm; fn is not called again.  NULL is allowed.  Must not be called
 * from fn.
 */
void pg_alarm_stop(pg_alarm *a);

#endif /* PG_ALARM_H */
