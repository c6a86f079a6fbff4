/*
 * ldload.c - a small libldap load generator for the overlay benchmark.
 *
 * Duration mode (the wall-clock comparison):
 *   ldload -H uriA -p pidfileA [-2 uriB -q pidfileB] -b base
 *          -f filterA [-F filterB] [-r lo:hi] [-R lo:hi]
 *          [-c conns] [-w warmup_s] [-d seconds] [attr...]
 * Every connection thread alternates its requests A, B, A, B (paired mode)
 * over its own connection to each server.  After the warm-up, it measures
 * for the given seconds and prints one line per server:
 *   side=A uri=... ops=N rate=OPS/s mean_us=.. cpu_us_per_op=..
 *          entries_per_op=.. errs=N
 * and, paired, "ratio cpu=B/A lat=B/A cpu_median=M windows=N".  slapd CPU
 * is each process's CPU-time clock (clock_getcpuclockid, nanoseconds), read
 * at the start and end of the measurement and every 100 ms in between: M
 * is the median over those windows of the B/A ratio of CPU per search.
 *
 * Count mode (callgrind): -n N runs N searches on A, one connection, and
 * prints the same line without timing-based fields being meaningful.
 *
 * In a filter, every "%d" (optionally "%0Wd") becomes the same random value
 * drawn from -r lo:hi (A) or -R lo:hi (B, default: A's range) per request.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lber.h>
#include <ldap.h>

#include "../benchutil.h"
#include "../../ldapconnect.h"

#define LD_MAX_CONNS   64
#define LD_MAX_ATTRS   16
#define LD_FILTER_MAX  1024
#define LD_MAX_SECONDS 600
#define LD_WINDOW_MS   100         /* paired CPU ratio: one per window */
#define LD_WINDOW_MIN_OPS 20
#define LD_MAX_WINDOWS (LD_MAX_SECONDS * 1000 / LD_WINDOW_MS)

typedef struct ld_side {
    const char *uri;
    const char *pidfile;
    const char *filter;
    long        lo, hi;
    long        pid;
} ld_side;

typedef struct ld_count {
    long ops;
    long entries;
    long errs;
    long usec;        /* summed latency */
} ld_count;

typedef struct ld_thread {
    pthread_t       tid;
    int             index;
    unsigned int    seed;
    ld_count        c[2];      /* A, B; written by the thread only */
} ld_thread;

static ld_side   g_side[2];
static int       g_paired;
static const char *g_base = "";
static char     *g_attrs[LD_MAX_ATTRS + 1];
static volatile int g_stop;

static void usage(void)
{
    fprintf(stderr,
        "usage: ldload -H uriA [-p pidfileA] [-2 uriB -q pidfileB] -b base\n"
        "              -f filterA [-F filterB] [-r lo:hi] [-R lo:hi]\n"
        "              [-c conns] [-w warmup_s] [-d seconds | -n count] [attr...]\n");
    exit(2);
}

static long parse_long(const char *what, const char *s, long lo, long hi)
{
    char *end;
    long  v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "ldload: %s: \"%s\" is not a number in %ld..%ld\n",
                what, s, lo, hi);
        exit(2);
    }
    return v;
}

static void parse_range(const char *s, long *lo, long *hi)
{
    char        buf[64];
    char       *colon;
    size_t      len = strlen(s);

    if (len >= sizeof(buf)) {
        fprintf(stderr, "ldload: range \"%s\" too long\n", s);
        exit(2);
    }
    memcpy(buf, s, len + 1);
    colon = strchr(buf, ':');
    if (colon == NULL) {
        fprintf(stderr, "ldload: range \"%s\" is not lo:hi\n", s);
        exit(2);
    }
    *colon = '\0';
    *lo = parse_long("range low", buf, 0, LONG_MAX - 1);
    *hi = parse_long("range high", colon + 1, *lo, LONG_MAX - 1);
}

/*
 * Writes filter with every %d / %0Wd replaced by v.  Returns 0, or -1 when
 * the result does not fit or a '%' is not such a conversion.
 */
static int expand(const char *filter, long v, char *out, size_t outsz)
{
    size_t o = 0;
    const char *p = filter;

    while (*p != '\0') {
        if (*p == '%') {
            int  width = 0, zero = 0, n;
            char num[32];

            p++;
            if (*p == '0') {
                zero = 1;
                p++;
            }
            while (*p >= '0' && *p <= '9' && width < 20)
                width = width * 10 + (*p++ - '0');
            if (*p != 'd')
                return -1;
            p++;
            n = zero ? snprintf(num, sizeof(num), "%0*ld", width, v)
                     : snprintf(num, sizeof(num), "%*ld", width, v);
            if (n < 0 || (size_t)n >= sizeof(num) || o + (size_t)n >= outsz)
                return -1;
            memcpy(out + o, num, (size_t)n);
            o += (size_t)n;
            continue;
        }
        if (o + 1 >= outsz)
            return -1;
        out[o++] = *p++;
    }
    out[o] = '\0';
    return 0;
}

static long read_pidfile(const char *path)
{
    FILE *f;
    char  line[32], *nl;

    if (path == NULL)
        return 0;
    f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "ldload: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    if (fgets(line, sizeof(line), f) == NULL) {
        fclose(f);
        fprintf(stderr, "ldload: %s: no pid\n", path);
        exit(2);
    }
    fclose(f);
    nl = strchr(line, '\n');
    if (nl != NULL)
        *nl = '\0';
    return parse_long(path, line, 1, LONG_MAX);
}

/*
 * CPU time of a whole process (all its threads, user and system) in
 * nanoseconds, or -1: the process CPU-time clock, which the scheduler
 * keeps to the nanosecond, where /proc/<pid>/stat counts clock ticks.
 */
static long long proc_cpu_ns(long pid)
{
    clockid_t       clk;
    struct timespec ts;

    if (pid <= 0 || clock_getcpuclockid((pid_t)pid, &clk) != 0 ||
        clock_gettime(clk, &ts) != 0)
        return -1;
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static LDAP *connect_to(const char *uri)
{
    return ldapconnect("ldload", uri, NULL, NULL);
}

/* One search on side s; updates c. */
static void one_search(LDAP *ld, const ld_side *s, unsigned int *seed, ld_count *c)
{
    char           filter[LD_FILTER_MAX];
    long           v = s->lo;
    LDAPMessage   *res = NULL;
    struct timeval tv = { 30, 0 };
    double         t0;
    int            rc;

    if (s->hi > s->lo)
        v = s->lo + (long)(rand_r(seed) % (unsigned long)(s->hi - s->lo + 1));
    if (expand(s->filter, v, filter, sizeof(filter)) != 0) {
        __atomic_fetch_add(&c->errs, 1, __ATOMIC_RELAXED);
        return;
    }
    t0 = now_us();
    rc = ldap_search_ext_s(ld, g_base, LDAP_SCOPE_SUBTREE, filter, g_attrs,
                           0, NULL, NULL, &tv, 0, &res);
    /* counters are read by the main thread while this one runs */
    __atomic_fetch_add(&c->usec, (long)(now_us() - t0), __ATOMIC_RELAXED);
    __atomic_fetch_add(&c->ops, 1, __ATOMIC_RELAXED);
    if (res != NULL) {
        __atomic_fetch_add(&c->entries, (long)ldap_count_entries(ld, res), __ATOMIC_RELAXED);
        ldap_msgfree(res);
    }
    if (rc != LDAP_SUCCESS)
        __atomic_fetch_add(&c->errs, 1, __ATOMIC_RELAXED);
}

static void *thread_main(void *arg)
{
    ld_thread *t = arg;
    LDAP      *ld[2] = { NULL, NULL };
    int        i, nsides = 1 + g_paired;

    for (i = 0; i < nsides; i++) {
        ld[i] = connect_to(g_side[i].uri);
        if (ld[i] == NULL) {
            __atomic_fetch_add(&t->c[i].errs, 1, __ATOMIC_RELAXED);
            goto out;
        }
    }
    while (!g_stop) {
        for (i = 0; i < nsides; i++)
            one_search(ld[i], &g_side[i], &t->seed, &t->c[i]);
    }
out:
    for (i = 0; i < 2; i++)
        if (ld[i] != NULL)
            ldap_unbind_ext_s(ld[i], NULL, NULL);
    return NULL;
}

static void sum(ld_thread *th, int n, int side, ld_count *out)
{
    int i;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < n; i++) {
        out->ops += __atomic_load_n(&th[i].c[side].ops, __ATOMIC_RELAXED);
        out->entries += __atomic_load_n(&th[i].c[side].entries, __ATOMIC_RELAXED);
        out->errs += __atomic_load_n(&th[i].c[side].errs, __ATOMIC_RELAXED);
        out->usec += __atomic_load_n(&th[i].c[side].usec, __ATOMIC_RELAXED);
    }
}

static void report(int side, const ld_count *a, const ld_count *b,
                   long long ns0, long long ns1, double secs, double *cpu, double *lat)
{
    long   ops = b->ops - a->ops;

    *cpu = (ns0 >= 0 && ns1 >= 0 && ops > 0) ? (double)(ns1 - ns0) / 1e3 / (double)ops : -1.0;
    *lat = ops > 0 ? (double)(b->usec - a->usec) / (double)ops : -1.0;
    printf("side=%c uri=%s ops=%ld rate=%.0f mean_us=%.1f cpu_us_per_op=%.2f "
           "entries_per_op=%.3f errs=%ld\n",
           side == 0 ? 'A' : 'B', g_side[side].uri, ops,
           secs > 0 ? (double)ops / secs : 0.0, *lat, *cpu,
           ops > 0 ? (double)(b->entries - a->entries) / (double)ops : 0.0,
           b->errs);
}

static int run_count(long count)
{
    ld_count c;
    LDAP    *ld;
    unsigned int seed = 12345;
    long     i;
    double   cpu, lat;
    ld_count zero;

    memset(&c, 0, sizeof(c));
    memset(&zero, 0, sizeof(zero));
    ld = connect_to(g_side[0].uri);
    if (ld == NULL)
        return 1;
    for (i = 0; i < count; i++)
        one_search(ld, &g_side[0], &seed, &c);
    ldap_unbind_ext_s(ld, NULL, NULL);
    report(0, &zero, &c, -1, -1, 0.0, &cpu, &lat);
    return c.errs == 0 ? 0 : 1;
}

/* The median of v[0..n-1] (sorted in place), or -1 when n is 0. */
static double median(double *v, int n)
{
    if (n <= 0)
        return -1.0;
    qsort(v, (size_t)n, sizeof(v[0]), bench_cmp_double);
    return (n % 2) ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/*
 * Sleeps for secs from start (the counts and slapd CPU times just read) in
 * windows of LD_WINDOW_MS, and records for each window
 * in which both servers served at least LD_WINDOW_MIN_OPS searches the
 * ratio B/A of slapd CPU per search.  A burst that lands in one window
 * (a host-side hiccup of the VM, another job's process) moves the whole
 * measurement's ratio but not the median of the windows'.  Returns the
 * number of windows recorded.
 */
static int measure_windows(ld_thread *th, int started, int secs,
                           const ld_count start[2], const long long start_ns[2],
                           double *out)
{
    ld_count  c0[2], c1[2];
    long long p0[2], p1[2];
    int       w, i, n = 0, nwin = secs * 1000 / LD_WINDOW_MS;
    struct timespec nap = { 0, LD_WINDOW_MS * 1000000L };

    if (!g_paired) {
        sleep((unsigned int)secs);
        return 0;
    }
    for (i = 0; i < 2; i++) {
        c0[i] = start[i];
        p0[i] = start_ns[i];
    }
    for (w = 0; w < nwin && w < LD_MAX_WINDOWS; w++) {
        long ops[2];

        nanosleep(&nap, NULL);
        for (i = 0; i < 2; i++) {
            sum(th, started, i, &c1[i]);
            p1[i] = proc_cpu_ns(g_side[i].pid);
            ops[i] = c1[i].ops - c0[i].ops;
        }
        if (p0[0] >= 0 && p0[1] >= 0 && p1[0] > p0[0] && p1[1] > p0[1] &&
            ops[0] >= LD_WINDOW_MIN_OPS && ops[1] >= LD_WINDOW_MIN_OPS)
            out[n++] = ((double)(p1[1] - p0[1]) / (double)ops[1]) /
                       ((double)(p1[0] - p0[0]) / (double)ops[0]);
        for (i = 0; i < 2; i++) {
            c0[i] = c1[i];
            p0[i] = p1[i];
        }
    }
    return n;
}

int main(int argc, char **argv)
{
    ld_thread  th[LD_MAX_CONNS];
    ld_count   before[2], after[2];
    long long  ns0[2] = { -1, -1 }, ns1[2] = { -1, -1 };   /* slapd CPU */
    double     wratio[LD_MAX_WINDOWS];
    int        nwin = 0;
    double     cpu[2] = { -1.0, -1.0 }, lat[2] = { -1.0, -1.0 }, t0;
    int        nsides;
    int        conns = 4, warm = 1, secs = 5, ch, i, nattr = 0, started = 0;
    long       count = 0;
    int        rangeB = 0;

    memset(g_side, 0, sizeof(g_side));
    while ((ch = getopt(argc, argv, "H:p:2:q:b:f:F:r:R:c:w:d:n:")) != -1) {
        switch (ch) {
        case 'H': g_side[0].uri = optarg; break;
        case 'p': g_side[0].pidfile = optarg; break;
        case '2': g_side[1].uri = optarg; g_paired = 1; break;
        case 'q': g_side[1].pidfile = optarg; break;
        case 'b': g_base = optarg; break;
        case 'f': g_side[0].filter = optarg; break;
        case 'F': g_side[1].filter = optarg; break;
        case 'r': parse_range(optarg, &g_side[0].lo, &g_side[0].hi); break;
        case 'R': parse_range(optarg, &g_side[1].lo, &g_side[1].hi); rangeB = 1; break;
        case 'c': conns = (int)parse_long("-c", optarg, 1, LD_MAX_CONNS); break;
        case 'w': warm = (int)parse_long("-w", optarg, 0, LD_MAX_SECONDS); break;
        case 'd': secs = (int)parse_long("-d", optarg, 1, LD_MAX_SECONDS); break;
        case 'n': count = parse_long("-n", optarg, 1, 100000000L); break;
        default: usage();
        }
    }
    if (g_side[0].uri == NULL || g_side[0].filter == NULL)
        usage();
    for (i = optind; i < argc && nattr < LD_MAX_ATTRS; i++)
        g_attrs[nattr++] = argv[i];
    g_attrs[nattr] = NULL;
    if (g_side[1].filter == NULL)
        g_side[1].filter = g_side[0].filter;
    if (!rangeB) {
        g_side[1].lo = g_side[0].lo;
        g_side[1].hi = g_side[0].hi;
    }
    if (count > 0)
        return run_count(count);

    g_side[0].pid = read_pidfile(g_side[0].pidfile);
    g_side[1].pid = g_paired ? read_pidfile(g_side[1].pidfile) : 0;
    memset(th, 0, sizeof(th));
    memset(before, 0, sizeof(before));
    memset(after, 0, sizeof(after));
    for (i = 0; i < conns; i++) {
        th[i].index = i;
        th[i].seed = (unsigned int)(i * 7919 + 1);
        if (pthread_create(&th[i].tid, NULL, thread_main, &th[i]) != 0) {
            fprintf(stderr, "ldload: cannot start thread %d\n", i);
            g_stop = 1;
            break;
        }
        started++;
    }
    sleep((unsigned int)warm);
    for (i = 0; i < 2; i++) {
        sum(th, started, i, &before[i]);
        ns0[i] = proc_cpu_ns(g_side[i].pid);
    }
    t0 = now_us();
    nwin = measure_windows(th, started, secs, before, ns0, wratio);
    for (i = 0; i < 2; i++) {
        sum(th, started, i, &after[i]);
        ns1[i] = proc_cpu_ns(g_side[i].pid);
    }
    t0 = (now_us() - t0) / 1e6;
    g_stop = 1;
    for (i = 0; i < started; i++)
        pthread_join(th[i].tid, NULL);
    nsides = g_paired ? 2 : 1;
    for (i = 0; i < nsides; i++)
        report(i, &before[i], &after[i], ns0[i], ns1[i], t0, &cpu[i], &lat[i]);
    if (nsides == 2 && cpu[0] > 0 && lat[0] > 0)
        printf("ratio cpu=%.4f lat=%.4f cpu_median=%.4f windows=%d\n",
               cpu[1] / cpu[0], lat[1] / lat[0], median(wratio, nwin), nwin);
    return (after[0].errs == 0 && (!g_paired || after[1].errs == 0) && started == conns) ? 0 : 1;
}
