/*
 * ldapclient.c - a small libldap client for the integration tests: what
 * ldapsearch cannot show plainly (exact result codes with size limits,
 * paged results page by page) and many concurrent searches.
 *
 *   ldapclient [options] search FILTER [ATTR...]
 *       prints "dn: DN" per entry, then "result: CODE", "entries: N",
 *       "pages: N"; exit 0 when the exchange completed (whatever the code)
 *   ldapclient [options] loop FILTER MIN MAX [FILTER MIN MAX ...]
 *       -t threads, each -n searches cycling through the filters; every
 *       search must end with success and MIN..MAX entries; prints totals,
 *       exit 1 on any failure
 *   ldapclient [options] stall GOFILE FILTER [ATTR...]
 *       a slow client: sends the search, prints "stalled" once nothing
 *       more arrives (the kernel's receive window, which grows only as the
 *       client reads, and slapd's send buffer are full: slapd waits to
 *       write, if the answer is larger than the two),
 *       reads nothing until GOFILE exists (at most 300 s), then reads the
 *       answer and prints it as search does
 *
 * Options: -H URI, -b BASE, -s base|one|sub, -z SIZELIMIT, -P PAGESIZE,
 *          -D DN -w PASSWORD, -M (manageDSAit), -t THREADS, -n COUNT
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lber.h>
#include <ldap.h>

#include "../ldapconnect.h"

#define LC_MAX_SPECS   16
#define LC_MAX_THREADS 64
#define LC_MAX_COUNT   1000000
#define LC_MAX_PAGES   10000

typedef struct lc_opts {
    const char *uri;
    const char *base;
    int         scope;
    int         sizelimit;
    int         pagesize;
    const char *binddn;
    const char *password;
    int         managedsait;
    int         threads;
    int         count;
} lc_opts;

typedef struct lc_spec {
    const char *filter;
    long        min, max;
} lc_spec;

typedef struct lc_worker {
    pthread_t       tid;
    const lc_opts  *opts;
    const lc_spec  *specs;
    int             nspecs;
    int             index;
    long            searches;
    long            failures;
} lc_worker;

typedef struct lc_result {
    int  code;
    long entries;
    long pages;
} lc_result;

static void usage(void)
{
    fprintf(stderr,
        "usage: ldapclient [-H uri] [-b base] [-s base|one|sub] [-z sizelimit]\n"
        "                  [-P pagesize] [-D dn -w password] [-M]\n"
        "                  [-t threads] [-n count]\n"
        "                  search FILTER [ATTR...]\n"
        "                | loop FILTER MIN MAX [FILTER MIN MAX...]\n"
        "                | stall GOFILE FILTER [ATTR...]\n");
    exit(2);
}

/* A decimal in [lo, hi], or exit 2 naming the option. */
static long parse_long(const char *what, const char *s, long lo, long hi)
{
    char *end;
    long  v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "ldapclient: %s: \"%s\" is not a number in %ld..%ld\n",
                what, s, lo, hi);
        exit(2);
    }
    return v;
}

static int parse_scope(const char *s)
{
    if (strcmp(s, "base") == 0)
        return LDAP_SCOPE_BASE;
    if (strcmp(s, "one") == 0)
        return LDAP_SCOPE_ONELEVEL;
    if (strcmp(s, "sub") == 0)
        return LDAP_SCOPE_SUBTREE;
    fprintf(stderr, "ldapclient: -s: \"%s\" is not base, one or sub\n", s);
    exit(2);
}

/* Connects and binds (anonymous unless -D); NULL after printing why. */
static LDAP *lc_connect(const lc_opts *o)
{
    return ldapconnect("ldapclient", o->uri, o->binddn, o->password);
}

static void print_entries(LDAP *ld, LDAPMessage *res)
{
    LDAPMessage *e;

    for (e = ldap_first_entry(ld, res); e != NULL; e = ldap_next_entry(ld, e)) {
        char *dn = ldap_get_dn(ld, e);
        printf("dn: %s\n", dn != NULL ? dn : "(null)");
        ldap_memfree(dn);
    }
}

/*
 * One search, paged when o->pagesize > 0 (following the cookie page by
 * page).  Fills r; returns 0, or -1 on a protocol/transport failure.
 */
static int lc_search(LDAP *ld, const lc_opts *o, const char *filter,
                     char **attrs, int verbose, lc_result *r)
{
    struct berval  cookie = { 0, NULL };
    struct timeval tv = { 30, 0 };
    LDAPControl   *page = NULL, *sctrls[3], mdsa, **rctrls = NULL;
    LDAPMessage   *res = NULL;
    int            rc, err, nctl;
    ber_int_t      estimate;

    r->code = -1;
    r->entries = 0;
    r->pages = 0;
    do {
        nctl = 0;
        if (o->managedsait) {
            mdsa.ldctl_oid = (char *)LDAP_CONTROL_MANAGEDSAIT;
            mdsa.ldctl_value.bv_len = 0;
            mdsa.ldctl_value.bv_val = NULL;
            mdsa.ldctl_iscritical = 1;
            sctrls[nctl++] = &mdsa;
        }
        if (o->pagesize > 0) {
            rc = ldap_create_page_control(ld, (ber_int_t)o->pagesize,
                                          cookie.bv_val != NULL ? &cookie : NULL,
                                          1, &page);
            if (rc != LDAP_SUCCESS) {
                fprintf(stderr, "ldapclient: page control: %s\n",
                        ldap_err2string(rc));
                goto fail;
            }
            sctrls[nctl++] = page;
        }
        sctrls[nctl] = NULL;
        rc = ldap_search_ext_s(ld, o->base, o->scope, filter, attrs, 0,
                               nctl > 0 ? sctrls : NULL, NULL, &tv,
                               o->sizelimit, &res);
        if (page != NULL) {
            ldap_control_free(page);
            page = NULL;
        }
        if (res == NULL) {
            fprintf(stderr, "ldapclient: search %s: %s\n", filter,
                    ldap_err2string(rc));
            goto fail;
        }
        r->pages++;
        r->entries += ldap_count_entries(ld, res);
        if (verbose)
            print_entries(ld, res);
        rctrls = NULL;
        rc = ldap_parse_result(ld, res, &err, NULL, NULL, NULL, &rctrls, 0);
        ldap_msgfree(res);
        res = NULL;
        if (rc != LDAP_SUCCESS) {
            fprintf(stderr, "ldapclient: parse result: %s\n", ldap_err2string(rc));
            goto fail;
        }
        r->code = err;
        if (cookie.bv_val != NULL) {
            ber_memfree(cookie.bv_val);
            cookie.bv_val = NULL;
            cookie.bv_len = 0;
        }
        if (o->pagesize > 0 && err == LDAP_SUCCESS && rctrls != NULL) {
            LDAPControl *pr = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS,
                                                rctrls, NULL);
            if (pr != NULL &&
                ldap_parse_pageresponse_control(ld, pr, &estimate, &cookie)
                    != LDAP_SUCCESS) {
                fprintf(stderr, "ldapclient: bad paged-results response\n");
                ldap_controls_free(rctrls);
                goto fail;
            }
        }
        if (rctrls != NULL)
            ldap_controls_free(rctrls);
        if (r->pages > LC_MAX_PAGES) {
            fprintf(stderr, "ldapclient: more than %d pages\n", LC_MAX_PAGES);
            goto fail;
        }
    } while (o->pagesize > 0 && r->code == LDAP_SUCCESS &&
             cookie.bv_val != NULL && cookie.bv_len > 0);
    if (cookie.bv_val != NULL)
        ber_memfree(cookie.bv_val);
    return 0;

fail:
    if (cookie.bv_val != NULL)
        ber_memfree(cookie.bv_val);
    return -1;
}

static int cmd_search(const lc_opts *o, int argc, char **argv)
{
    LDAP      *ld;
    lc_result  r;
    char     **attrs = NULL;

    if (argc < 1)
        usage();
    if (argc > 1)
        attrs = argv + 1;
    ld = lc_connect(o);
    if (ld == NULL)
        return 2;
    if (lc_search(ld, o, argv[0], attrs, 1, &r) != 0) {
        ldap_unbind_ext_s(ld, NULL, NULL);
        return 2;
    }
    printf("result: %d (%s)\nentries: %ld\npages: %ld\n", r.code,
           ldap_err2string(r.code), r.entries, r.pages);
    ldap_unbind_ext_s(ld, NULL, NULL);
    return 0;
}

/* Sleeps for ms milliseconds. */
static void lc_nap(long ms)
{
    struct timespec ts;

    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Waits until the kernel's receive queue of fd stops growing for a
 * second: the sender has filled it and its own buffer.  0, or -1 when it
 * still grows after two minutes or cannot be read. */
static int lc_wait_full(int fd)
{
    int queued = -1, last = -2, still = 0, i;

    for (i = 0; i < 1200 && still < 10; i++) {
        lc_nap(100);
        if (ioctl(fd, FIONREAD, &queued) != 0)
            return -1;
        still = queued == last && queued > 0 ? still + 1 : 0;
        last = queued;
    }
    return still >= 10 ? 0 : -1;
}

static int cmd_stall(const lc_opts *o, int argc, char **argv)
{
    LDAP        *ld;
    LDAPMessage *res = NULL;
    char       **attrs = NULL;
    int          fd = -1, msgid, rc, err, i;
    long         entries = 0;
    struct timeval tv = { 300, 0 };

    if (argc < 2)
        usage();
    if (argc > 2)
        attrs = argv + 2;
    ld = lc_connect(o);
    if (ld == NULL)
        return 2;
    if (ldap_get_option(ld, LDAP_OPT_DESC, &fd) != LDAP_OPT_SUCCESS || fd < 0) {
        fprintf(stderr, "ldapclient: no socket\n");
        goto fail;
    }
    rc = ldap_search_ext(ld, o->base, o->scope, argv[1], attrs, 0, NULL, NULL,
                         NULL, o->sizelimit, &msgid);
    if (rc != LDAP_SUCCESS) {
        fprintf(stderr, "ldapclient: search %s: %s\n", argv[1],
                ldap_err2string(rc));
        goto fail;
    }
    if (lc_wait_full(fd) != 0) {
        fprintf(stderr, "ldapclient: the answer did not stop arriving\n");
        goto fail;
    }
    printf("stalled\n");
    fflush(stdout);
    for (i = 0; i < 3000 && access(argv[0], F_OK) != 0; i++)
        lc_nap(100);
    rc = ldap_result(ld, msgid, LDAP_MSG_ALL, &tv, &res);
    if (rc != LDAP_RES_SEARCH_RESULT) {
        fprintf(stderr, "ldapclient: no complete answer (%d)\n", rc);
        goto fail;
    }
    entries = ldap_count_entries(ld, res);
    print_entries(ld, res);
    if (ldap_parse_result(ld, res, &err, NULL, NULL, NULL, NULL, 1) !=
        LDAP_SUCCESS) {
        fprintf(stderr, "ldapclient: cannot parse the result\n");
        res = NULL;
        goto fail;
    }
    printf("result: %d (%s)\nentries: %ld\n", err, ldap_err2string(err),
           entries);
    ldap_unbind_ext_s(ld, NULL, NULL);
    return 0;

fail:
    if (res != NULL)
        ldap_msgfree(res);
    ldap_unbind_ext_s(ld, NULL, NULL);
    return 2;
}

static void *worker_main(void *arg)
{
    lc_worker *w = arg;
    LDAP      *ld;
    lc_result  r;
    char      *attrs[] = { (char *)"cn", (char *)"displayName",
                           (char *)"telephoneNumber", (char *)"mail", NULL };
    int        i;

    ld = lc_connect(w->opts);
    if (ld == NULL) {
        w->failures = w->opts->count;
        return NULL;
    }
    for (i = 0; i < w->opts->count; i++) {
        const lc_spec *s = &w->specs[(i + w->index) % w->nspecs];

        w->searches++;
        if (lc_search(ld, w->opts, s->filter, attrs, 0, &r) != 0) {
            w->failures++;
            /* the connection may be gone: start again on a new one */
            ldap_unbind_ext_s(ld, NULL, NULL);
            ld = lc_connect(w->opts);
            if (ld == NULL) {
                w->failures += w->opts->count - i - 1;
                return NULL;
            }
            continue;
        }
        if (r.code != LDAP_SUCCESS || r.entries < s->min || r.entries > s->max) {
            w->failures++;
            fprintf(stderr, "ldapclient: thread %d search %d %s: result %d, "
                    "%ld entries (expected %ld..%ld)\n", w->index, i, s->filter,
                    r.code, r.entries, s->min, s->max);
        }
    }
    ldap_unbind_ext_s(ld, NULL, NULL);
    return NULL;
}

static int cmd_loop(const lc_opts *o, int argc, char **argv)
{
    lc_spec   specs[LC_MAX_SPECS];
    lc_worker workers[LC_MAX_THREADS];
    int       nspecs = 0, i, started = 0;
    long      searches = 0, failures = 0;

    if (argc < 3 || argc % 3 != 0 || argc / 3 > LC_MAX_SPECS)
        usage();
    for (i = 0; i < argc; i += 3) {
        specs[nspecs].filter = argv[i];
        specs[nspecs].min = parse_long("MIN", argv[i + 1], 0, LONG_MAX);
        specs[nspecs].max = parse_long("MAX", argv[i + 2], 0, LONG_MAX);
        nspecs++;
    }
    memset(workers, 0, sizeof(workers));
    for (i = 0; i < o->threads; i++) {
        workers[i].opts = o;
        workers[i].specs = specs;
        workers[i].nspecs = nspecs;
        workers[i].index = i;
        if (pthread_create(&workers[i].tid, NULL, worker_main, &workers[i]) != 0) {
            fprintf(stderr, "ldapclient: cannot start thread %d\n", i);
            break;
        }
        started++;
    }
    for (i = 0; i < started; i++) {
        pthread_join(workers[i].tid, NULL);
        searches += workers[i].searches;
        failures += workers[i].failures;
    }
    if (started < o->threads)
        failures++;
    printf("threads: %d\nsearches: %ld\nfailures: %ld\n", started, searches,
           failures);
    return failures == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    lc_opts o;
    int     c;

    memset(&o, 0, sizeof(o));
    o.uri = "ldap://127.0.0.1:389/";
    o.base = "";
    o.scope = LDAP_SCOPE_SUBTREE;
    o.threads = 1;
    o.count = 1;
    while ((c = getopt(argc, argv, "H:b:s:z:P:D:w:Mt:n:")) != -1) {
        switch (c) {
        case 'H': o.uri = optarg; break;
        case 'b': o.base = optarg; break;
        case 's': o.scope = parse_scope(optarg); break;
        case 'z': o.sizelimit = (int)parse_long("-z", optarg, 0, INT_MAX); break;
        case 'P': o.pagesize = (int)parse_long("-P", optarg, 1, INT_MAX); break;
        case 'D': o.binddn = optarg; break;
        case 'w': o.password = optarg; break;
        case 'M': o.managedsait = 1; break;
        case 't': o.threads = (int)parse_long("-t", optarg, 1, LC_MAX_THREADS); break;
        case 'n': o.count = (int)parse_long("-n", optarg, 1, LC_MAX_COUNT); break;
        default: usage();
        }
    }
    argc -= optind;
    argv += optind;
    if (argc < 1)
        usage();
    if (strcmp(argv[0], "search") == 0)
        return cmd_search(&o, argc - 1, argv + 1);
    if (strcmp(argv[0], "loop") == 0)
        return cmd_loop(&o, argc - 1, argv + 1);
    if (strcmp(argv[0], "stall") == 0)
        return cmd_stall(&o, argc - 1, argv + 1);
    usage();
    return 2;
}
