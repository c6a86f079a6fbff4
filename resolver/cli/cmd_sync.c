/*
 * cmd_sync.c - `ploguard sync`: fetches the signed registry feed over HTTPS,
 * verifies it, checks it against the anti-rollback state and installs it
 * atomically.  Any failure leaves the installed registry as it was and
 * prints one line saying what failed and why.
 *
 * Order matters: nothing from the network is parsed as JSON before both
 * minisign signatures have verified with a trusted key.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "commands.h"
#include "feed.h"
#include "pgr.h"

#define PROG "ploguard sync"

/* Exit statuses (documented in ploguard(1) and --help). */
#define SYNC_OK        0   /* installed, or unchanged */
#define SYNC_USAGE     2   /* bad option, configuration or key */
#define SYNC_NETWORK   3   /* download failed: HTTP, TLS, time-out, size */
#define SYNC_VERIFY    4   /* signature, key, or trusted comment (malformed or
                              disagreeing with the file it signs) */
#define SYNC_POLICY    5   /* rollback, equivocation, future, expired, or
                              another registry than the installed or
                              configured one */
#define SYNC_INVALID   6   /* signed but not a valid registry */
#define SYNC_LOCAL     7   /* local files: state, install, lock */

#define DEFAULT_CONF        PGR_SYSCONFDIR "/ploguard/ploguard.conf"
#define DEFAULT_CONNECT_TO  10L
#define DEFAULT_TIMEOUT     120L
#define DEFAULT_MAX_SIZE    (128LL * 1024 * 1024)
#define CONF_LINE_MAX       4096
#define HDR_VALUE_MAX       256
#define MAX_LISTED          20      /* ids listed per kind of change */
#define HTTP_CACHE_FILE     "http-cache"
#define LOCK_FILE           "sync.lock"

/* ----------------------------------------------------------- options */

enum { K_MAX_KEYS = 4 };  /* room to report "too many keys" ourselves */

/* The string settings, by index, so that where each came from is kept. */
enum { W_URL, W_STATE_DIR, W_OUT, W_CACERT, W_PIN, W_REGISTRY_ID, W_REGION, W_COUNT };

static const char *const setting_name[W_COUNT] = {
    "url", "state-dir", "out", "cacert", "pin", "registry-id", "region"
};

struct opts {
    char *url, *state_dir, *out, *cacert, *pin, *registry_id, *region;
    char *key[K_MAX_KEYS];        /* key strings, or NULL */
    char *keyfile[K_MAX_KEYS];    /* key files, or NULL */
    size_t nkeys;
    /* Where each setting came from, for messages about a value checked
     * after parsing: "--url", or "FILE:LINE: url"; NULL for a default. */
    char *from[W_COUNT];
    char *keyfrom[K_MAX_KEYS];
    const char *config;           /* the configuration file read */
    long connect_timeout, timeout;
    long long max_size;
    int verify_only;
    /* The trust anchors, set by finish_opts (pointers into this struct or
     * to constants): exactly one of them is not NULL. */
    const char *ca_file, *ca_dir;
    char *out_sig;                /* out + ".minisig", set by finish_opts */
};

static void
sync_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
sync_fail(const char *fmt, ...)
{
    va_list ap;

    fputs(PROG ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized): started above
    va_end(ap);
    fputc('\n', stderr);
}

static void
usage(FILE *fp)
{
    fputs("usage: ploguard sync --url URL --pubkey KEY|--pubkey-file FILE\n"
          "           [--pubkey2 KEY|--pubkey2-file FILE] [--state-dir DIR] [--out FILE]\n"
          "           [--cacert FILE] [--pin sha256//BASE64] [--connect-timeout S]\n"
          "           [--timeout S] [--max-size BYTES] [--registry-id ID] [--region CC]\n"
          "           [--config FILE] [--verify]\n"
          "\n"
          "Fetches URL and URL.minisig over HTTPS, verifies both minisign signatures\n"
          "with a trusted key, applies the anti-rollback rules, validates the registry\n"
          "and installs it atomically as --out (the previous one kept as .prev).\n"
          "--verify checks the installed registry and its signature instead.\n"
          "Settings also come from " DEFAULT_CONF " (key = value).\n"
          "\n"
          "Exit status: 0 installed or unchanged, 2 usage or configuration,\n"
          "3 network, 4 verification, 5 rollback/equivocation/future/expired or\n"
          "another registry, 6 invalid registry, 7 local files.\n", fp);
}

static int
set_str(char **slot, const char *value)
{
    char *copy = strdup(value);

    if (copy == NULL)
        return -1;
    free(*slot);
    *slot = copy;
    return 0;
}

/* The slot of string setting w. */
static char **
setting(struct opts *o, int w)
{
    switch (w) {
    case W_URL:         return &o->url;
    case W_STATE_DIR:   return &o->state_dir;
    case W_OUT:         return &o->out;
    case W_CACERT:      return &o->cacert;
    case W_PIN:         return &o->pin;
    case W_REGISTRY_ID: return &o->registry_id;
    default:            return &o->region;
    }
}

/* Where setting w came from, for a message: "--url" by default. */
static const char *
where(const struct opts *o, int w)
{
    static char opt[32];

    if (o->from[w] != NULL)
        return o->from[w];
    (void)snprintf(opt, sizeof(opt), "--%s", setting_name[w]);
    return opt;
}

static void
opts_free(struct opts *o)
{
    size_t i;

    free(o->url);
    free(o->state_dir);
    free(o->out);
    free(o->out_sig);
    free(o->cacert);
    free(o->pin);
    free(o->registry_id);
    free(o->region);
    for (i = 0; i < W_COUNT; i++)
        free(o->from[i]);
    for (i = 0; i < K_MAX_KEYS; i++) {
        free(o->key[i]);
        free(o->keyfile[i]);
        free(o->keyfrom[i]);
    }
}

static int
add_key(struct opts *o, const char *value, int is_file, const char *origin)
{
    if (o->nkeys >= K_MAX_KEYS)
        return -1;
    if (set_str(is_file ? &o->keyfile[o->nkeys] : &o->key[o->nkeys], value) != 0 ||
        set_str(&o->keyfrom[o->nkeys], origin) != 0)
        return -1;
    o->nkeys++;
    return 0;
}

static int
parse_long(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    long long v;

    if (*s == '\0' || *s == '-' || *s == '+')
        return -1;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* Applies one setting, from the command line or the configuration file;
 * origin says where ("--url", "FILE:LINE: url") for later messages.
 * Returns 0, or -1 with why set. */
static int
apply(struct opts *o, const char *name, const char *value, const char *origin,
      const char **why)
{
    long long v;
    int w;

    *why = "out of memory";
    if (strcmp(name, "pin") == 0 && strncmp(value, "sha256//", 8) != 0) {
        *why = "must be sha256//BASE64 (see curl --pinnedpubkey)";
        return -1;
    }
    for (w = 0; w < W_COUNT; w++)
        if (strcmp(name, setting_name[w]) == 0)
            return set_str(setting(o, w), value) != 0 ||
                   set_str(&o->from[w], origin) != 0 ? -1 : 0;
    if (strcmp(name, "pubkey") == 0 || strcmp(name, "pubkey2") == 0 ||
        strcmp(name, "pubkey-file") == 0 || strcmp(name, "pubkey2-file") == 0) {
        *why = "more than two public keys";
        return add_key(o, value, strstr(name, "-file") != NULL, origin);
    }
    if (strcmp(name, "connect-timeout") == 0 || strcmp(name, "timeout") == 0) {
        *why = "must be a whole number of seconds, 1 to 3600";
        if (parse_long(value, 1, 3600, &v) != 0)
            return -1;
        if (name[0] == 'c')
            o->connect_timeout = (long)v;
        else
            o->timeout = (long)v;
        return 0;
    }
    if (strcmp(name, "max-size") == 0) {
        /* no more than the loader takes: a larger body would be fetched
         * and hashed only to be refused as an invalid registry */
        *why = "must be a number of bytes, 1024 to 268435456 (256 MiB, the largest "
               "registry ploguard loads)";
        if (parse_long(value, 1024, (long long)PGR_REGISTRY_MAX_BYTES, &v) != 0)
            return -1;
        o->max_size = v;
        return 0;
    }
    *why = "unknown setting";
    return -1;
}

static char *
trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

/*
 * Reads "key = value" lines ('#' starts a comment line).  Keys are the long
 * option names, with '_' or '-'.  Returns 0, or -1 after saying which line
 * is wrong.  A missing default file is not an error.
 */
static int
read_config(struct opts *o, const char *path, int must_exist)
{
    FILE *fp;
    char line[CONF_LINE_MAX];
    unsigned lineno = 0;
    int rc = 0;

    fp = fopen(path, "re");
    if (fp == NULL) {
        if (!must_exist && errno == ENOENT)
            return 0;
        sync_fail("configuration %s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    while (rc == 0 && fgets(line, sizeof(line), fp) != NULL) {
        char *name, *value, *eq, *c;
        char origin[PATH_MAX + 96];
        const char *why;

        lineno++;
        if (strchr(line, '\n') == NULL && !feof(fp)) {
            sync_fail("%s:%u: line longer than %d bytes", path, lineno, CONF_LINE_MAX - 2);
            rc = -1;
            break;
        }
        name = trim(line);
        if (*name == '\0' || *name == '#')
            continue;
        eq = strchr(name, '=');
        if (eq == NULL) {
            sync_fail("%s:%u: expected \"key = value\"", path, lineno);
            rc = -1;
            break;
        }
        *eq = '\0';
        value = trim(eq + 1);
        name = trim(name);
        /* the name as written, before '_' becomes '-' */
        (void)snprintf(origin, sizeof(origin), "%s:%u: %.64s", path, lineno, name);
        for (c = name; *c != '\0'; c++)
            if (*c == '_')
                *c = '-';
        if (*value == '\0') {
            sync_fail("%s:%u: %s: empty value", path, lineno, name);
            rc = -1;
        } else if (apply(o, name, value, origin, &why) != 0) {
            sync_fail("%s:%u: %s: %s", path, lineno, name, why);
            rc = -1;
        }
    }
    if (rc == 0 && ferror(fp)) {
        sync_fail("configuration %s: read error", path);
        rc = -1;
    }
    fclose(fp);
    return rc;
}

/* Moves a command-line setting over the configuration's. */
static void
take(char **slot, char **from)
{
    if (*from == NULL)
        return;
    free(*slot);
    *slot = *from;
    *from = NULL;
}

/* Moves the command line's string settings, and where they came from, over
 * the configuration's. */
static void
take_settings(struct opts *o, struct opts *cli)
{
    int w;

    for (w = 0; w < W_COUNT; w++) {
        if (*setting(cli, w) == NULL)
            continue;
        take(setting(o, w), setting(cli, w));
        take(&o->from[w], &cli->from[w]);
    }
}

static const struct option long_options[] = {
    { "url",             required_argument, NULL, 'u' },
    { "pubkey",          required_argument, NULL, 'k' },
    { "pubkey-file",     required_argument, NULL, 'K' },
    { "pubkey2",         required_argument, NULL, 'j' },
    { "pubkey2-file",    required_argument, NULL, 'J' },
    { "state-dir",       required_argument, NULL, 's' },
    { "out",             required_argument, NULL, 'o' },
    { "cacert",          required_argument, NULL, 'c' },
    { "pin",             required_argument, NULL, 'p' },
    { "connect-timeout", required_argument, NULL, 'C' },
    { "timeout",         required_argument, NULL, 't' },
    { "max-size",        required_argument, NULL, 'm' },
    { "registry-id",     required_argument, NULL, 'i' },
    { "region",          required_argument, NULL, 'r' },
    { "config",          required_argument, NULL, 'f' },
    { "verify",          no_argument,       NULL, 'V' },
    { "help",            no_argument,       NULL, 'h' },
    { NULL, 0, NULL, 0 }
};

/*
 * The configuration file is read first, then the command line overrides
 * it; public keys given on the command line replace those of the file.
 * Returns -1 (error printed), 0, or 1 for --help.
 */
static int
parse_args(int argc, char **argv, struct opts *o)
{
    struct opts cli;
    const char *config = NULL, *why = "unknown option";
    char origin[32];
    int opt;

    memset(&cli, 0, sizeof(cli));
    cli.connect_timeout = cli.timeout = -1;
    cli.max_size = -1;
    /* Options into cli; --config names the file read afterwards. */
    optind = 0;   /* glibc: restart scanning, main() already used getopt */
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
        const struct option *lo;

        if (opt == 'h') {
            usage(stdout);
            opts_free(&cli);
            return 1;
        }
        if (opt == 'f') {
            config = optarg;
            continue;
        }
        if (opt == '?' || opt == ':') {
            if (opt == ':')
                sync_fail("option %s needs a value", argv[optind - 1]);
            else
                sync_fail("unknown option %s", argv[optind - 1]);
            opts_free(&cli);
            return -1;
        }
        if (opt == 'V') {
            cli.verify_only = 1;
            continue;
        }
        for (lo = long_options; lo->name != NULL; lo++)
            if (lo->val == opt)
                break;
        if (lo->name != NULL)
            (void)snprintf(origin, sizeof(origin), "--%s", lo->name);
        if (lo->name == NULL || apply(&cli, lo->name, optarg, origin, &why) != 0) {
            sync_fail("--%s %s: %s", lo->name != NULL ? lo->name : "?", optarg, why);
            opts_free(&cli);
            return -1;
        }
    }
    if (optind < argc) {
        sync_fail("unexpected argument \"%s\"", argv[optind]);
        opts_free(&cli);
        return -1;
    }
    o->config = config != NULL ? config : DEFAULT_CONF;
    if (read_config(o, o->config, config != NULL) != 0) {
        opts_free(&cli);
        return -1;
    }
    /* Command line over configuration. */
    take_settings(o, &cli);
    if (cli.nkeys > 0) {
        size_t k;

        for (k = 0; k < K_MAX_KEYS; k++) {
            free(o->key[k]);
            free(o->keyfile[k]);
            free(o->keyfrom[k]);
            o->key[k] = cli.key[k];
            o->keyfile[k] = cli.keyfile[k];
            o->keyfrom[k] = cli.keyfrom[k];
            cli.key[k] = cli.keyfile[k] = cli.keyfrom[k] = NULL;
        }
        o->nkeys = cli.nkeys;
    }
    if (cli.connect_timeout > 0)
        o->connect_timeout = cli.connect_timeout;
    if (cli.timeout > 0)
        o->timeout = cli.timeout;
    if (cli.max_size > 0)
        o->max_size = cli.max_size;
    o->verify_only = cli.verify_only;
    opts_free(&cli);
    return 0;
}

static int
is_dir(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/*
 * Chooses the trust anchors.  --cacert FILE: that file and nothing else
 * (libcurl's built-in CA directory would otherwise still be searched).
 * Default: the system's hashed CA directory, whose certificates OpenSSL
 * reads only when a chain needs them; the bundle only when there is no such
 * directory (parsing the whole bundle costs tens of milliseconds a run).
 */
static int
choose_trust(struct opts *o)
{
    o->ca_file = o->ca_dir = NULL;
    if (o->cacert != NULL) {
        if (access(o->cacert, R_OK) != 0) {
            sync_fail("%s %s: cannot read: %s", where(o, W_CACERT), o->cacert,
                      strerror(errno));
            return -1;
        }
        if (is_dir(o->cacert)) {
            sync_fail("%s %s: a directory, not a file of PEM certificates",
                      where(o, W_CACERT), o->cacert);
            return -1;
        }
        o->ca_file = o->cacert;
    } else if (is_dir(PGR_CA_PATH)) {
        o->ca_dir = PGR_CA_PATH;
    } else if (access(PGR_CA_BUNDLE, R_OK) == 0) {
        o->ca_file = PGR_CA_BUNDLE;
    } else {
        sync_fail("no system CA store (neither " PGR_CA_PATH " nor " PGR_CA_BUNDLE
                  "): give --cacert FILE");
        return -1;
    }
    return 0;
}

/* Fills in defaults and checks what is required. */
static int
finish_opts(struct opts *o)
{
    char sig[PATH_MAX];
    int n;

    if (o->out == NULL && set_str(&o->out, PGR_DEFAULT_REGISTRY) != 0)
        return -1;
    n = snprintf(sig, sizeof(sig), "%s.minisig", o->out);
    if (n < 0 || (size_t)n >= sizeof(sig)) {
        sync_fail("%s %s: too long a path", where(o, W_OUT), o->out);
        return -1;
    }
    if (set_str(&o->out_sig, sig) != 0)
        return -1;
    if (o->state_dir == NULL) {
        /* Beside the default registry: /var/lib/ploguard/state. */
        char dir[PATH_MAX];
        const char *slash;

        slash = strrchr(PGR_DEFAULT_REGISTRY, '/');
        n = snprintf(dir, sizeof(dir), "%.*s/state",
                     (int)(slash != NULL ? slash - PGR_DEFAULT_REGISTRY : 1),
                     slash != NULL ? PGR_DEFAULT_REGISTRY : ".");
        if (n < 0 || (size_t)n >= sizeof(dir) || set_str(&o->state_dir, dir) != 0)
            return -1;
    }
    if (o->connect_timeout <= 0)
        o->connect_timeout = DEFAULT_CONNECT_TO;
    if (o->timeout <= 0)
        o->timeout = DEFAULT_TIMEOUT;
    if (o->max_size <= 0)
        o->max_size = DEFAULT_MAX_SIZE;
    if (o->nkeys == 0) {
        sync_fail("no trusted public key: give --pubkey KEY or --pubkey-file FILE");
        return -1;
    }
    if (o->nkeys > PGR_FEED_MAX_KEYS) {
        sync_fail("%s: at most %d trusted public keys (a current key and a standby)",
                  o->keyfrom[PGR_FEED_MAX_KEYS], PGR_FEED_MAX_KEYS);
        return -1;
    }
    if (o->verify_only)
        return 0;
    if (o->url == NULL) {
        sync_fail("no feed URL: give --url https://... or url = in %s", o->config);
        return -1;
    }
    if (strncasecmp(o->url, "https://", 8) != 0) {
        sync_fail("%s %s: only https:// URLs are accepted", where(o, W_URL), o->url);
        return -1;
    }
    if (strlen(o->url) > 2000) {
        sync_fail("%s: longer than 2000 characters", where(o, W_URL));
        return -1;
    }
    return choose_trust(o);
}

static int
load_keys(const struct opts *o, pgr_feed_keys *keys)
{
    char err[PGR_FEED_ERR_MAX];
    size_t i;

    pgr_feed_keys_init(keys);
    for (i = 0; i < o->nkeys; i++) {
        pgr_feed_status st;

        if (o->keyfile[i] != NULL)
            st = pgr_feed_keys_add_file(keys, o->keyfile[i], err, sizeof(err));
        else
            st = pgr_feed_keys_add(keys, o->key[i], err, sizeof(err));
        if (st != PGR_FEED_OK) {
            sync_fail("%s: %s", o->keyfrom[i], err);
            return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------- HTTP */

struct fetch {
    unsigned char *buf;
    size_t len, cap, max;
    const char *max_is;   /* what sets max, for the message */
    int too_big;
    char etag[HDR_VALUE_MAX];
    char last_modified[HDR_VALUE_MAX];
};

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    struct fetch *f = arg;
    size_t n = size * nmemb;

    if (nmemb != 0 && n / nmemb != size)
        return 0;
    if (n > f->max - f->len) {
        f->too_big = 1;
        return 0;     /* makes curl stop with CURLE_WRITE_ERROR */
    }
    if (f->len + n + 1 > f->cap) {
        size_t ncap = f->cap != 0 ? f->cap : 65536;
        unsigned char *nb;

        /* f->len + n <= f->max (above) and max is at most 256 MiB, so
         * neither the sum nor the doubling can wrap */
        while (ncap < f->len + n + 1 && ncap <= f->max)
            ncap *= 2;
        if (ncap > f->max + 1)
            ncap = f->max + 1;
        nb = realloc(f->buf, ncap);
        if (nb == NULL)
            return 0;
        f->buf = nb;
        f->cap = ncap;
    }
    memcpy(f->buf + f->len, data, n);
    f->len += n;
    f->buf[f->len] = '\0';
    return n;
}

/* Keeps a header value if it is short printable ASCII. */
static void
keep_header(char *dst, const char *v, size_t len)
{
    size_t i;

    while (len > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        len--;
    }
    while (len > 0 && (v[len - 1] == '\r' || v[len - 1] == '\n' ||
                       v[len - 1] == ' ' || v[len - 1] == '\t'))
        len--;
    dst[0] = '\0';
    if (len == 0 || len >= HDR_VALUE_MAX)
        return;
    for (i = 0; i < len; i++)
        if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e)
            return;
    memcpy(dst, v, len);
    dst[len] = '\0';
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
    struct fetch *f = arg;
    size_t n = size * nmemb;

    /* A new response (after a redirect): forget the previous headers. */
    if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        f->etag[0] = f->last_modified[0] = '\0';
    } else if (n > 5 && strncasecmp(data, "ETag:", 5) == 0) {
        keep_header(f->etag, data + 5, n - 5);
    } else if (n > 14 && strncasecmp(data, "Last-Modified:", 14) == 0) {
        keep_header(f->last_modified, data + 14, n - 14);
    }
    return n;
}

/* Says why a transfer failed, in words an operator can act on. */
static void
describe_curl(CURLcode rc, const struct fetch *f, const struct opts *o,
              const char *errbuf, char *out, size_t outsz)
{
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        (void)snprintf(out, outsz, "timed out (connect %lds, total %lds): %s",
                       o->connect_timeout, o->timeout, errbuf);
        break;
    case CURLE_UNSUPPORTED_PROTOCOL:
        (void)snprintf(out, outsz, "refused a redirect to a non-HTTPS URL: %s", errbuf);
        break;
    case CURLE_TOO_MANY_REDIRECTS:
        (void)snprintf(out, outsz, "too many redirects (a redirect loop?): %s", errbuf);
        break;
    case CURLE_PARTIAL_FILE:
        (void)snprintf(out, outsz, "body cut short: the server closed the connection early: %s",
                       errbuf);
        break;
    case CURLE_FILESIZE_EXCEEDED:
        (void)snprintf(out, outsz, "larger than the size cap of %lld bytes (%s)",
                       (long long)f->max, f->max_is);
        break;
    case CURLE_WRITE_ERROR:
        if (f->too_big)
            (void)snprintf(out, outsz, "larger than the size cap of %lld bytes (%s)",
                           (long long)f->max, f->max_is);
        else
            (void)snprintf(out, outsz, "out of memory while receiving");
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
        (void)snprintf(out, outsz, "server certificate not trusted by %s %s: %s",
                       o->cacert != NULL ? where(o, W_CACERT) : "the system CA store",
                       o->ca_file != NULL ? o->ca_file : o->ca_dir, errbuf);
        break;
    case CURLE_SSL_CACERT_BADFILE:
        (void)snprintf(out, outsz, "cannot use the CA certificates of %s: %s",
                       o->ca_file != NULL ? o->ca_file : o->ca_dir, errbuf);
        break;
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        (void)snprintf(out, outsz, "server public key does not match --pin");
        break;
    default:
        (void)snprintf(out, outsz, "%s: %s", curl_easy_strerror(rc), errbuf);
        break;
    }
}

/*
 * GETs url into f (at most f->max bytes).  With etag/last_modified (may be
 * NULL or ""), asks for the body only if it changed.  Returns 0 with the
 * HTTP status in *code, or -1 with a reason in why.
 */
static int
http_get(const struct opts *o, const char *url, const char *etag,
         const char *last_modified, struct fetch *f, long *code,
         char *why, size_t whylen)
{
    CURL *h;
    CURLcode rc;
    struct curl_slist *hdrs = NULL, *nh;
    char errbuf[CURL_ERROR_SIZE];
    char line[HDR_VALUE_MAX + 32];
    int ok = 0;

    *code = 0;
    h = curl_easy_init();
    if (h == NULL) {
        (void)snprintf(why, whylen, "cannot initialize libcurl");
        return -1;
    }
    errbuf[0] = '\0';
    if (etag != NULL && etag[0] != '\0') {
        (void)snprintf(line, sizeof(line), "If-None-Match: %s", etag);
        nh = curl_slist_append(hdrs, line);
        if (nh == NULL)
            goto nomem;
        hdrs = nh;
    }
    if (last_modified != NULL && last_modified[0] != '\0') {
        (void)snprintf(line, sizeof(line), "If-Modified-Since: %s", last_modified);
        nh = curl_slist_append(hdrs, line);
        if (nh == NULL)
            goto nomem;
        hdrs = nh;
    }
    if (curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https") != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https") != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, o->connect_timeout) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_TIMEOUT, o->timeout) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
                         o->timeout < 30 ? o->timeout : 30L) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)f->max) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
        /* libcurl's default since 7.50.2; said here because the 304 path
         * is small writes only, which Nagle would hold back. */
        curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_USERAGENT, "ploguard-sync/" PACKAGE_VERSION) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_WRITEDATA, f) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_HEADERDATA, f) != CURLE_OK ||
        (hdrs != NULL && curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK) ||
        /* Both set, so that neither of libcurl's built-in defaults stays. */
        curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file) != CURLE_OK ||
        curl_easy_setopt(h, CURLOPT_CAPATH, o->ca_dir) != CURLE_OK ||
        (o->pin != NULL && curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, o->pin) != CURLE_OK)) {
        (void)snprintf(why, whylen, "libcurl refused an option (too old a libcurl?)");
        goto out;
    }
    rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        describe_curl(rc, f, o, errbuf, why, whylen);
        goto out;
    }
    if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, code) != CURLE_OK) {
        (void)snprintf(why, whylen, "no HTTP status");
        goto out;
    }
    ok = 1;
    goto out;
nomem:
    (void)snprintf(why, whylen, "out of memory");
out:
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    return ok ? 0 : -1;
}

/* ------------------------------------------------------- HTTP cache */

/* The validators of the last signature fetched from a URL, so the next
 * fetch can be conditional: <state>/http-cache, "url", "sig_etag",
 * "sig_last_modified", "registry_id" lines.  (Files that hold "etag" lines,
 * the registry's validators, are from an older version: they cost one
 * unconditional request.) */
struct http_cache {
    char url[2048];
    char etag[HDR_VALUE_MAX];
    char last_modified[HDR_VALUE_MAX];
    char registry_id[PGR_FEED_ID_MAX + 1];
};

static void
cache_field(const char *text, const char *name, char *out, size_t outsz)
{
    size_t n = strlen(name);
    const char *p = text;

    out[0] = '\0';
    while (p != NULL && *p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

        if (len > n && strncmp(p, name, n) == 0 && p[n] == ' ') {
            if (len - n - 1 < outsz) {
                memcpy(out, p + n + 1, len - n - 1);
                out[len - n - 1] = '\0';
            }
            return;
        }
        p = nl != NULL ? nl + 1 : NULL;
    }
}

static void
cache_read(const char *state_dir, struct http_cache *c)
{
    char path[PATH_MAX];
    unsigned char *buf = NULL;
    size_t len = 0;

    memset(c, 0, sizeof(*c));
    if (snprintf(path, sizeof(path), "%s/" HTTP_CACHE_FILE, state_dir) >= (int)sizeof(path))
        return;
    if (pgr_feed_read_file(path, 8192, &buf, &len, NULL, 0) != PGR_FEED_OK)
        return;
    cache_field((const char *)buf, "url", c->url, sizeof(c->url));
    cache_field((const char *)buf, "sig_etag", c->etag, sizeof(c->etag));
    cache_field((const char *)buf, "sig_last_modified", c->last_modified, sizeof(c->last_modified));
    cache_field((const char *)buf, "registry_id", c->registry_id, sizeof(c->registry_id));
    free(buf);
}

/* True when path holds exactly data[0..len). */
static int
file_is(const char *path, const void *data, size_t len)
{
    unsigned char *buf = NULL;
    size_t n = 0;
    int same;

    if (pgr_feed_read_file(path, len, &buf, &n, NULL, 0) != PGR_FEED_OK)
        return 0;
    same = n == len && memcmp(buf, data, len) == 0;
    free(buf);
    return same;
}

static void
cache_write(const char *state_dir, const char *url, const struct fetch *f,
            const char *registry_id)
{
    char path[PATH_MAX], text[3072], err[PGR_FEED_ERR_MAX];
    int n;

    if (strchr(url, '\n') != NULL)
        return;
    if (snprintf(path, sizeof(path), "%s/" HTTP_CACHE_FILE, state_dir) >= (int)sizeof(path))
        return;
    n = snprintf(text, sizeof(text), "url %s\nsig_etag %s\nsig_last_modified %s\nregistry_id %s\n",
                 url, f->etag, f->last_modified, registry_id);
    if (n < 0 || (size_t)n >= sizeof(text) || file_is(path, text, (size_t)n))
        return;
    /* Losing it only costs a full download next time. */
    if (pgr_feed_write_atomic(path, text, (size_t)n, err, sizeof(err)) != PGR_FEED_OK)
        fprintf(stderr, PROG ": warning: %s\n", err);
}

/* ------------------------------------------------------------ diff */

static int
str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static int
list_eq(const char *const *a, size_t na, const char *const *b, size_t nb)
{
    size_t i;

    if (na != nb)
        return 0;
    for (i = 0; i < na; i++)
        if (!str_eq(a[i], b[i]))
            return 0;
    return 1;
}

static const char *
ref_id(const pgr_entity *e)
{
    return e != NULL ? e->id : NULL;
}

/* Compares what pgr.h shows of an entity: with the digests below, what an
 * entity inherits (its instruction's texts, from a mission say) too. */
static int
entity_eq(const pgr_entity *a, const pgr_entity *b)
{
    return a->kind == b->kind && a->role == b->role && a->status == b->status &&
           a->accredited_from == b->accredited_from &&
           a->accredited_until == b->accredited_until &&
           str_eq(a->display_name, b->display_name) && str_eq(a->family, b->family) &&
           str_eq(a->given, b->given) && str_eq(a->country, b->country) &&
           str_eq(a->city, b->city) &&
           str_eq(a->instruction->id, b->instruction->id) &&
           str_eq(a->instruction->en, b->instruction->en) &&
           str_eq(a->instruction->fr, b->instruction->fr) &&
           str_eq(a->instruction->short_en, b->instruction->short_en) &&
           str_eq(a->instruction->short_fr, b->instruction->short_fr) &&
           str_eq(ref_id(a->mission), ref_id(b->mission)) &&
           str_eq(ref_id(a->organization), ref_id(b->organization)) &&
           list_eq(a->phones, a->nphones, b->phones, b->nphones) &&
           list_eq(a->emails, a->nemails, b->emails, b->nemails);
}

/*
 * A digest of each entity's canonical JSON, for what pgr_entity does not
 * show (phone_prefixes, domains, aliases, names after the first...): an
 * update that only adds a number block is a change.  Sorted by entity.
 */
struct digest {
    uintptr_t entity;
    unsigned char h[16];
};

struct digests {
    const pgr_registry *reg;
    struct digest *v;
    size_t n, cap;
    int failed;
};

static void
note_digest(void *ctx, const char *id, const char *json, size_t len)
{
    struct digests *d = ctx;
    const pgr_entity *e = pgr_registry_find(d->reg, id, strlen(id));

    if (e == NULL || d->n >= d->cap) {
        d->failed = 1;
        return;
    }
    d->v[d->n].entity = (uintptr_t)e;
    (void)crypto_generichash(d->v[d->n].h, sizeof(d->v[d->n].h),
                             (const unsigned char *)json, len, NULL, 0);
    d->n++;
}

static int
digest_cmp(const void *a, const void *b)
{
    uintptr_t x = ((const struct digest *)a)->entity, y = ((const struct digest *)b)->entity;

    return x < y ? -1 : x > y;
}

/* Digests of reg's entities from its text; on any failure none (d->v
 * NULL), and entities are compared as pgr_entity shows them only. */
static void
digests_make(struct digests *d, const pgr_registry *reg, const void *buf, size_t len)
{
    memset(d, 0, sizeof(*d));
    if (reg == NULL || buf == NULL)
        return;
    d->reg = reg;
    d->cap = pgr_registry_entity_count(reg);
    d->v = calloc(d->cap != 0 ? d->cap : 1, sizeof(*d->v));
    if (d->v == NULL ||
        pgr_registry_each_entity_json(buf, len, note_digest, d) != 0 || d->failed) {
        free(d->v);
        d->v = NULL;
        d->n = 0;
        return;
    }
    qsort(d->v, d->n, sizeof(*d->v), digest_cmp);
}

static const unsigned char *
digest_of(const struct digests *d, const pgr_entity *e)
{
    struct digest key, *hit;

    if (d == NULL || d->v == NULL)
        return NULL;
    key.entity = (uintptr_t)e;
    hit = bsearch(&key, d->v, d->n, sizeof(*d->v), digest_cmp);
    return hit != NULL ? hit->h : NULL;
}

/* Same entity data: what pgr_entity shows, and the canonical JSON when
 * both digests are known. */
static int
entity_same(const pgr_entity *a, const struct digests *da,
            const pgr_entity *b, const struct digests *db)
{
    const unsigned char *ha = digest_of(da, a), *hb = digest_of(db, b);

    if (!entity_eq(a, b))
        return 0;
    return ha == NULL || hb == NULL || memcmp(ha, hb, sizeof(da->v->h)) == 0;
}

enum change { ADDED, CHANGED, REMOVED };

/* Counts (and with print set, lists up to MAX_LISTED) one kind of change;
 * dfrom and dto are the digests of from's and to's entities. */
static size_t
changes(const pgr_registry *from, const struct digests *dfrom, const pgr_registry *to,
        const struct digests *dto, enum change kind, int print)
{
    static const char *const label[] = { "added", "changed", "removed" };
    const pgr_registry *walk = kind == REMOVED ? from : to;
    const pgr_registry *other = kind == REMOVED ? to : from;
    size_t i, n = 0, count = walk != NULL ? pgr_registry_entity_count(walk) : 0;

    for (i = 0; i < count; i++) {
        const pgr_entity *e = pgr_registry_entity(walk, i), *o;
        int hit;

        o = other != NULL ? pgr_registry_find(other, e->id, strlen(e->id)) : NULL;
        if (kind == CHANGED)
            hit = o != NULL && !entity_same(o, dfrom, e, dto);
        else
            hit = o == NULL;
        if (!hit)
            continue;
        if (print && n < MAX_LISTED)
            printf("  %s: %s (%s)\n", label[kind], e->id, pgr_entity_kind_name(e->kind));
        n++;
    }
    if (print && n > MAX_LISTED)
        printf("  ... and %zu more %s\n", n - MAX_LISTED, label[kind]);
    return n;
}

/* ------------------------------------------------------------- sync */

static int
status_exit(pgr_feed_status st)
{
    switch (st) {
    case PGR_FEED_OK:
        return SYNC_OK;
    case PGR_FEED_E_KEY:
        return SYNC_USAGE;
    case PGR_FEED_E_SIGFORMAT:
    case PGR_FEED_E_UNKNOWN_KEY:
    case PGR_FEED_E_BAD_SIG:
    case PGR_FEED_E_BAD_COMMENT:
    case PGR_FEED_E_COMMENT:
    case PGR_FEED_E_MISMATCH:
        return SYNC_VERIFY;
    case PGR_FEED_E_WRONG_ID:
    case PGR_FEED_E_FUTURE:
    case PGR_FEED_E_EXPIRED:
    case PGR_FEED_E_ROLLBACK:
    case PGR_FEED_E_EQUIVOCATION:
        return SYNC_POLICY;
    case PGR_FEED_E_INVALID:
        return SYNC_INVALID;
    case PGR_FEED_E_IO:
    case PGR_FEED_E_NOMEM:
    case PGR_FEED_E_STATE:
        return SYNC_LOCAL;
    }
    return SYNC_LOCAL;
}

/*
 * Creates dir and its missing parents, mode 0755 less the umask: on a
 * fresh `make install` not even <localstatedir>/lib/ploguard exists.
 * Returns 0, or -1 with errno set and the directory that could not be
 * made in failed.
 */
static int
make_dirs(const char *dir, char *failed, size_t failedsz)
{
    char path[PATH_MAX];
    size_t n = strlen(dir), i;

    (void)snprintf(failed, failedsz, "%s", dir);
    if (n == 0 || n >= sizeof(path)) {
        errno = n == 0 ? ENOENT : ENAMETOOLONG;
        return -1;
    }
    memcpy(path, dir, n + 1);
    for (i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        path[i] = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            (void)snprintf(failed, failedsz, "%s", path);
            return -1;
        }
        path[i] = dir[i];
    }
    if (!is_dir(dir)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

/* The state directory and the directory of --out, created if missing. */
static int
prepare_dirs(const struct opts *o)
{
    char dir[PATH_MAX], failed[PATH_MAX];

    if (make_dirs(o->state_dir, failed, sizeof(failed)) != 0) {
        sync_fail("state directory %s%s%s: cannot create %s: %s", o->state_dir,
                  o->from[W_STATE_DIR] != NULL ? " from " : "",
                  o->from[W_STATE_DIR] != NULL ? o->from[W_STATE_DIR] : "",
                  failed, strerror(errno));
        return -1;
    }
    if (pgr_feed_dir_of(o->out, dir, sizeof(dir)) != 0 ||
        make_dirs(dir, failed, sizeof(failed)) != 0) {
        sync_fail("%s %s: cannot create its directory %s: %s", where(o, W_OUT), o->out,
                  failed, strerror(errno));
        return -1;
    }
    return 0;
}

/* Takes an exclusive lock so that two syncs never interleave. */
static int
take_lock(const char *state_dir)
{
    char path[PATH_MAX];
    struct stat sb;
    int fd;

    if (snprintf(path, sizeof(path), "%s/" LOCK_FILE, state_dir) >= (int)sizeof(path)) {
        sync_fail("state directory %s: path too long", state_dir);
        return -1;
    }
    /* see state_lock: read-only is enough for flock and opens a lock file
     * another user (root, by hand) created; no symbolic link followed, a
     * regular file only */
    fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
    if (fd < 0) {
        sync_fail("%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        sync_fail("%s: not a regular file", path);
        close(fd);
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        sync_fail("%s: another ploguard sync is running", path);
        close(fd);
        return -1;
    }
    return fd;
}

/*
 * Removes the temporary files of a sync that was killed.  Called under the
 * lock: the registry's and the HTTP cache's temporaries are written by
 * `ploguard sync` alone, so any there is stale.  State files are also
 * written by the overlay, which takes no lock: only those older than
 * PGR_FEED_TEMP_AGE go.
 */
static void
clean_all_leftovers(const struct opts *o)
{
    char path[PATH_MAX];
    time_t now = time(NULL);

    (void)pgr_feed_clean_temps(o->out, now, 0);
    (void)pgr_feed_clean_temps(o->out_sig, now, 0);
    if (snprintf(path, sizeof(path), "%s/" HTTP_CACHE_FILE, o->state_dir) < (int)sizeof(path))
        (void)pgr_feed_clean_temps(path, now, 0);
    (void)pgr_feed_state_clean_temps(o->state_dir, now, PGR_FEED_TEMP_AGE);
}

static int
exists(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static int
setup_config(const struct opts *o, pgr_config *cfg)
{
    pgr_config_init(cfg);
    if (o->region != NULL && pgr_config_set_region(cfg, o->region) != 0) {
        sync_fail("%s %s: not a region the phone parser knows", where(o, W_REGION),
                  o->region);
        return -1;
    }
    /* accepted, so that a configuration file naming it still works */
    if (o->region != NULL && strcmp(cfg->region, PGR_REGISTRY_REGION) != 0)
        fprintf(stderr, PROG ": warning: %s %s is not used: the "
                "registry's numbers written in national form are always "
                "read as %s\n", where(o, W_REGION), cfg->region, PGR_REGISTRY_REGION);
    return 0;
}

/*
 * `ploguard sync --verify`: checks the installed pair, the state and
 * --registry-id, with the exit codes of a sync: another registry than
 * configured, or an expired one (still printed, marked STALE), is 5, as
 * an unchanged feed past its expiry is.  (The rule that the feed be the
 * installed registry has nothing to compare here: the installed registry
 * is what is checked.)
 */
static int
verify_installed(const struct opts *o, const pgr_feed_keys *keys,
                 const pgr_config *cfg)
{
    pgr_registry *reg = NULL;
    pgr_feed_info info;
    char err[PGR_FEED_ERR_MAX], kid[2 * PGR_FEED_KEYID_BYTES + 1], exp[21];
    time_t now = time(NULL);
    pgr_feed_status st;
    int stale;

    st = pgr_feed_load(o->out, NULL, keys, o->state_dir, cfg, now, 0,
                       (size_t)o->max_size, &reg, &info, NULL, err, sizeof(err));
    if (st != PGR_FEED_OK) {
        sync_fail("installed registry does not verify: %s", err);
        return status_exit(st);
    }
    if (o->registry_id != NULL && strcmp(o->registry_id, info.registry_id) != 0) {
        sync_fail("refused: the installed registry %s is registry %s, not the configured %s",
                  o->out, info.registry_id, o->registry_id);
        pgr_registry_free(reg);
        return SYNC_POLICY;
    }
    pgr_feed_keyid_hex(info.keyid, kid);
    pgr_feed_format_time(info.expires_at, exp);
    stale = pgr_registry_stale(reg, now);
    pgr_registry_free(reg);
    printf(PROG ": %s: registry %s seq %lld verifies (key %s, expires %s)%s\n",
           o->out, info.registry_id, info.seq, kid, exp,
           stale ? " - STALE: past expires_at" : "");
    if (stale) {
        sync_fail("registry %s seq %lld expired at %s: it is served as stale",
                  info.registry_id, info.seq, exp);
        return SYNC_POLICY;
    }
    return SYNC_OK;
}

struct download {
    struct fetch body, sig;
    long code;
};

static void
download_free(struct download *d)
{
    free(d->body.buf);
    free(d->sig.buf);
}

/* Builds URL.minisig (before any query string). */
static int
sig_url(const char *url, char *out, size_t outsz)
{
    const char *q = strpbrk(url, "?#");
    size_t base = q != NULL ? (size_t)(q - url) : strlen(url);
    int n = snprintf(out, outsz, "%.*s.minisig%s", (int)base, url, q != NULL ? q : "");

    return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

/* Reports an unchanged feed: info is the installed pair, which the state
 * records (installed_recorded); how says how the server told ("HTTP
 * 304"...). */
static int
report_unchanged(const pgr_feed_info *info, const char *how)
{
    char exp[21];

    pgr_feed_format_time(info->expires_at, exp);
    printf(PROG ": unchanged (%s): registry %s seq %lld, expires %s\n",
           how, info->registry_id, info->seq, exp);
    /* A feed that stopped moving past its registry's expiry is a failure
     * for whatever watches the exit status (systemd, monitoring): the
     * overlay serves the registry marked stale. */
    if (info->expires_at <= time(NULL)) {
        sync_fail("registry %s seq %lld expired at %s and the feed has no newer one: "
                  "it is served as stale", info->registry_id, info->seq, exp);
        return SYNC_POLICY;
    }
    return SYNC_OK;
}

/*
 * The signature comes first, conditionally: it changes whenever the
 * registry does (it signs the registry's hash and a trusted comment that
 * carries seq), and also when only the key does (a rollover re-signs an
 * unchanged registry), so a 304 on it means there is nothing new.  Returns
 * -1 on a 304, SYNC_OK on a 200, an exit code otherwise.
 */
static int
fetch_sig(const struct opts *o, const struct http_cache *c, struct download *d)
{
    char why[512], surl[2100];
    int conditional;

    memset(d, 0, sizeof(*d));
    d->sig.max = PGR_FEED_SIGFILE_MAX;
    d->sig.max_is = "the limit of a signature file";
    if (sig_url(o->url, surl, sizeof(surl)) != 0) {
        sync_fail("%s: too long", where(o, W_URL));
        return SYNC_USAGE;
    }
    /* Conditional only when what the cache describes is still installed. */
    conditional = strcmp(c->url, o->url) == 0 && exists(o->out) && exists(o->out_sig);
    if (http_get(o, surl, conditional ? c->etag : NULL,
                 conditional ? c->last_modified : NULL, &d->sig, &d->code,
                 why, sizeof(why)) != 0) {
        sync_fail("download of the signature %s failed: %s", surl, why);
        return SYNC_NETWORK;
    }
    if (d->code == 304 && conditional)
        return -1;    /* unchanged */
    if (d->code != 200) {
        sync_fail("download of the signature %s failed: HTTP status %ld", surl, d->code);
        return SYNC_NETWORK;
    }
    return SYNC_OK;
}

static int
fetch_body(const struct opts *o, struct download *d)
{
    char why[512];

    d->body.max = (size_t)o->max_size;
    d->body.max_is = "--max-size";
    if (http_get(o, o->url, NULL, NULL, &d->body, &d->code, why, sizeof(why)) != 0) {
        sync_fail("download of %s failed: %s", o->url, why);
        return SYNC_NETWORK;
    }
    if (d->code != 200) {
        sync_fail("download of %s failed: HTTP status %ld", o->url, d->code);
        return SYNC_NETWORK;
    }
    return SYNC_OK;
}

/* True when the installed registry verifies with sig and the trusted keys,
 * and is the configured registry if one is (--registry-id). */
static int
installed_verifies(const struct opts *o, const unsigned char *sig, size_t siglen,
                   const pgr_feed_keys *keys, pgr_feed_info *info)
{
    char err[PGR_FEED_ERR_MAX];
    unsigned char *body = NULL;
    size_t len = 0;
    int ok;

    if (pgr_feed_read_file(o->out, (size_t)o->max_size, &body, &len, NULL, 0) != PGR_FEED_OK)
        return 0;
    ok = pgr_feed_verify(body, len, (const char *)sig, siglen, keys, info, err,
                         sizeof(err)) == PGR_FEED_OK;
    free(body);
    return ok && (o->registry_id == NULL || strcmp(o->registry_id, info->registry_id) == 0);
}

/*
 * Whether the state records the verified installed pair info (same seq
 * and hash): 1 or 0; -1 after saying why when the state cannot be read
 * (a corrupt state is an error, never "unchanged").  The installed pair
 * can be older than the state: a crash after a failed sync of the
 * directory brings back the previous pair, and so does a restore from a
 * backup; the feed then has to be fetched again.
 */
static int
installed_recorded(const struct opts *o, const pgr_feed_info *info)
{
    char err[PGR_FEED_ERR_MAX];
    pgr_feed_state st;
    int found = 0;

    if (pgr_feed_state_read(o->state_dir, info->registry_id, &st, &found, err,
                            sizeof(err)) != PGR_FEED_OK) {
        sync_fail("cannot compare the installed registry with its anti-rollback state: %s",
                  err);
        return -1;
    }
    return found && st.seq == info->seq &&
           sodium_memcmp(st.hash, info->hash, PGR_FEED_HASH_BYTES) == 0;
}

/*
 * What a 304 may be taken to confirm: the installed pair still verifies
 * with the trusted keys, is the configured registry, and is the one the
 * state records.  The validators stored are those of the signature's URL
 * only, and the keys or --registry-id may have changed since (a key
 * revoked after a compromise, another registry asked for), or the pair on
 * disk may not be the one last synced: then the signature is asked for
 * again, unconditionally, and goes through every check.  Returns 1 with
 * *info filled, 0, or -1 (said) when the state cannot be read.
 */
static int
installed_pair_current(const struct opts *o, const pgr_feed_keys *keys,
                       pgr_feed_info *info)
{
    unsigned char *sig = NULL;
    size_t siglen = 0;
    int ok;

    if (pgr_feed_read_file(o->out_sig, PGR_FEED_SIGFILE_MAX, &sig, &siglen, NULL, 0) !=
        PGR_FEED_OK)
        return 0;
    ok = installed_verifies(o, sig, siglen, keys, info);
    free(sig);
    return ok ? installed_recorded(o, info) : 0;
}

/*
 * 1 when the downloaded signature is byte for byte the installed one, the
 * installed pair still verifies with the trusted keys, and the state
 * records it (same registry, seq and hash): a server that lost its
 * validators answered 200 for what we already have, and the registry
 * itself need not be downloaded.  A new signature over the same registry
 * (a key rollover) is not "the same": it is fetched and installed.
 * 0 otherwise; -1 (said) when the state cannot be read.
 */
static int
sig_is_installed(const struct opts *o, const struct download *d,
                 const pgr_feed_keys *keys, pgr_feed_info *info)
{
    if (!file_is(o->out_sig, d->sig.buf, d->sig.len) ||
        !installed_verifies(o, d->sig.buf, d->sig.len, keys, info))
        return 0;
    return installed_recorded(o, info);
}

/* Verification, before anything is parsed; the anti-rollback policy comes
 * after the body has proved to be the registry its comment names
 * (check_policy). */
static int
check_feed(const struct opts *o, const struct download *d, const pgr_feed_keys *keys,
           time_t now, pgr_feed_info *info)
{
    char err[PGR_FEED_ERR_MAX];
    pgr_feed_status st;

    st = pgr_feed_verify(d->body.buf, d->body.len, (const char *)d->sig.buf, d->sig.len,
                         keys, info, err, sizeof(err));
    if (st != PGR_FEED_OK) {
        sync_fail("verification failed: %s", err);
        return status_exit(st);
    }
    /* verified, but not the registry wanted: a policy refusal, as a feed
     * of another registry than the installed one is */
    if (o->registry_id != NULL && strcmp(o->registry_id, info->registry_id) != 0) {
        sync_fail("refused: the feed is registry %s, not the configured %s",
                  info->registry_id, o->registry_id);
        return SYNC_POLICY;
    }
    st = pgr_feed_check_time(info, now, PGR_FEED_CHECK_EXPIRED, err, sizeof(err));
    if (st != PGR_FEED_OK) {
        sync_fail("refused: %s", err);
        return status_exit(st);
    }
    return SYNC_OK;
}

/*
 * The anti-rollback state, once parse_feed has found the body to be the
 * registry the trusted comment names: a signature that verifies over
 * something else (legacy "Ed" ones, which could, are refused) must fail
 * verification (exit 4, as a comment naming another file's hash does),
 * never raise the alert of a compromised key.
 */
static int
check_policy(const struct opts *o, const pgr_feed_info *info)
{
    char err[PGR_FEED_ERR_MAX];
    pgr_feed_status st;

    st = pgr_feed_state_check(o->state_dir, info, err, sizeof(err));
    if (st == PGR_FEED_OK)
        return SYNC_OK;
    if (st == PGR_FEED_E_EQUIVOCATION) {
        openlog("ploguard-sync", LOG_PID, LOG_DAEMON);
        syslog(LOG_ALERT, "%s", err);
        closelog();
    }
    sync_fail("refused: %s", err);
    return status_exit(st);
}

static int
parse_feed(const struct download *d, const pgr_config *cfg, const pgr_feed_info *info,
           pgr_registry **reg)
{
    pgr_errors errs;
    char err[PGR_FEED_ERR_MAX];
    pgr_feed_status st;

    pgr_errors_init(&errs);
    *reg = pgr_registry_load_buffer((const char *)d->body.buf, d->body.len, cfg, &errs);
    if (*reg == NULL) {
        sync_fail("the signed registry is invalid (%zu error%s): %s", errs.count,
                  errs.count == 1 ? "" : "s",
                  errs.count > 0 && errs.msgs[0] != NULL ? errs.msgs[0] : "unknown error");
        pgr_errors_free(&errs);
        return SYNC_INVALID;
    }
    pgr_errors_free(&errs);
    /* a comment that disagrees with the body is PGR_FEED_E_MISMATCH, exit
     * 4, whichever field it is, as with --verify */
    st = pgr_feed_check_body(info, *reg, err, sizeof(err));
    if (st != PGR_FEED_OK) {
        sync_fail("verification failed: %s", err);
        pgr_registry_free(*reg);
        *reg = NULL;
        return status_exit(st);
    }
    return SYNC_OK;
}

/* The installed registry, if any, for the rollback cross-check and the
 * summary, and in *text its bytes (the summary compares entities as
 * written; the caller frees them).  It is trusted only as far as it was
 * installed by us. */
static pgr_registry *
load_installed(const struct opts *o, const pgr_config *cfg, unsigned char **text,
               size_t *textlen, char *why, size_t whylen)
{
    pgr_errors errs;
    pgr_registry *reg;

    why[0] = '\0';
    *text = NULL;
    *textlen = 0;
    if (!exists(o->out))
        return NULL;
    if (pgr_feed_read_file(o->out, PGR_REGISTRY_MAX_BYTES, text, textlen, why, whylen) !=
        PGR_FEED_OK)
        return NULL;
    pgr_errors_init(&errs);
    reg = pgr_registry_load_buffer((const char *)*text, *textlen, cfg, &errs);
    if (reg == NULL) {
        (void)snprintf(why, whylen, "%s", errs.count > 0 && errs.msgs[0] != NULL
                                              ? errs.msgs[0] : "cannot be loaded");
        free(*text);
        *text = NULL;
        *textlen = 0;
    }
    pgr_errors_free(&errs);
    return reg;
}

/*
 * The registry the feed must be, without --registry-id: the installed
 * one's id; when the installed file cannot be loaded (damaged, or refused
 * by a stricter ploguard after an upgrade), the id the HTTP cache recorded
 * at the last sync.  Returns NULL when no registry is installed, and
 * "" when one is but nothing says which.
 */
static const char *
expected_registry(const struct opts *o, const pgr_registry *old,
                  const struct http_cache *cache)
{
    if (old != NULL)
        return pgr_registry_id(old);
    if (!exists(o->out))
        return NULL;
    return cache->registry_id;
}

/* The installed line and the changes; old and its text oldtext[0..oldlen)
 * (NULL when none), reg the new registry from d's body. */
static void
print_summary(const struct opts *o, const pgr_registry *old, const unsigned char *oldtext,
              size_t oldlen, const pgr_registry *reg, const struct download *d,
              const pgr_feed_info *info)
{
    char kid[2 * PGR_FEED_KEYID_BYTES + 1], exp[21], from[32];
    struct digests dold, dnew;
    size_t add, chg, rem;

    pgr_feed_keyid_hex(info->keyid, kid);
    pgr_feed_format_time(info->expires_at, exp);
    if (old != NULL && str_eq(pgr_registry_id(old), info->registry_id))
        (void)snprintf(from, sizeof(from), "%lld", pgr_registry_seq(old));
    else
        (void)snprintf(from, sizeof(from), "none");
    digests_make(&dold, old, oldtext, oldlen);
    digests_make(&dnew, reg, d->body.buf, d->body.len);
    add = changes(old, &dold, reg, &dnew, ADDED, 0);
    chg = changes(old, &dold, reg, &dnew, CHANGED, 0);
    rem = changes(old, &dold, reg, &dnew, REMOVED, 0);
    printf(PROG ": installed %s: registry %s seq %s -> %lld (key %s, expires %s): "
           "%zu added, %zu changed, %zu removed\n",
           o->out, info->registry_id, from, info->seq, kid, exp, add, chg, rem);
    (void)changes(old, &dold, reg, &dnew, ADDED, 1);
    (void)changes(old, &dold, reg, &dnew, CHANGED, 1);
    (void)changes(old, &dold, reg, &dnew, REMOVED, 1);
    free(dold.v);
    free(dnew.v);
}

static int
run_sync(const struct opts *o, const pgr_feed_keys *keys, const pgr_config *cfg)
{
    struct http_cache cache;
    struct download d;
    pgr_feed_info info;
    pgr_registry *reg = NULL, *old = NULL;
    unsigned char *oldtext = NULL;
    size_t oldlen = 0;
    char err[PGR_FEED_ERR_MAX], why[PGR_FEED_ERR_MAX];
    const char *expected;
    time_t now;
    pgr_feed_status st;
    int rc, same;

    clean_all_leftovers(o);
    cache_read(o->state_dir, &cache);
    rc = fetch_sig(o, &cache, &d);
    if (rc < 0) {
        same = installed_pair_current(o, keys, &info);
        if (same < 0) {
            rc = SYNC_LOCAL;
            goto out;
        }
        if (same == 0) {
            download_free(&d);
            cache.url[0] = '\0';    /* unconditional */
            rc = fetch_sig(o, &cache, &d);
        }
    }
    if (rc < 0) {
        rc = report_unchanged(&info, "HTTP 304");
        goto out;
    }
    if (rc != SYNC_OK)
        goto out;
    same = sig_is_installed(o, &d, keys, &info);
    if (same < 0) {
        rc = SYNC_LOCAL;
        goto out;
    }
    if (same) {
        cache_write(o->state_dir, o->url, &d.sig, info.registry_id);
        rc = report_unchanged(&info, "HTTP 200, the installed registry's signature");
        goto out;
    }
    rc = fetch_body(o, &d);
    if (rc != SYNC_OK)
        goto out;
    now = time(NULL);
    rc = check_feed(o, &d, keys, now, &info);
    if (rc != SYNC_OK)
        goto out;
    rc = parse_feed(&d, cfg, &info, &reg);
    if (rc != SYNC_OK)
        goto out;
    rc = check_policy(o, &info);
    if (rc != SYNC_OK)
        goto out;
    old = load_installed(o, cfg, &oldtext, &oldlen, why, sizeof(why));
    /* Without --registry-id, the registry installed is the one expected: a
     * feed of another id signed with the same key (the ILDC's test
     * registry, say) is no update of it, and must not replace it unseen. */
    expected = o->registry_id == NULL ? expected_registry(o, old, &cache) : NULL;
    if (expected != NULL && expected[0] == '\0') {
        sync_fail("refused: the installed registry %s cannot be loaded (%s) and nothing "
                  "records which registry it is (give --registry-id %s to install "
                  "registry %s in its place)", o->out, why, info.registry_id,
                  info.registry_id);
        rc = SYNC_POLICY;
        goto out;
    }
    if (expected != NULL && !str_eq(expected, info.registry_id)) {
        sync_fail("refused: the feed is registry %s, the installed registry is %s%s "
                  "(give --registry-id %s to change registries)",
                  info.registry_id, expected, old == NULL ? " (as last synced; the file "
                  "itself cannot be loaded)" : "", info.registry_id);
        rc = SYNC_POLICY;
        goto out;
    }
    /* Belt and braces: the installed file itself must not be newer, even
     * if the state directory was lost. */
    if (old != NULL && str_eq(pgr_registry_id(old), info.registry_id) &&
        pgr_registry_seq(old) > info.seq) {
        sync_fail("refused: rollback refused: registry %s seq %lld is older than the installed seq %lld",
                  info.registry_id, info.seq, pgr_registry_seq(old));
        rc = SYNC_POLICY;
        goto out;
    }
    st = pgr_feed_install(o->out, d.body.buf, d.body.len, (const char *)d.sig.buf,
                          d.sig.len, err, sizeof(err));
    if (st != PGR_FEED_OK) {
        sync_fail("install failed: %s", err);
        rc = status_exit(st);
        goto out;
    }
    if (err[0] != '\0')
        fprintf(stderr, PROG ": warning: installed registry %s seq %lld in %s, but %s; "
                "a crash now may bring back the previous one\n",
                info.registry_id, info.seq, o->out, err);
    /* Installed: a state that cannot be recorded now is said as such (the
     * installed file is newer than the state, and the next run, finding
     * the state behind, downloads and records again). */
    st = pgr_feed_state_record(o->state_dir, &info, now, err, sizeof(err));
    if (st != PGR_FEED_OK) {
        sync_fail("installed registry %s seq %lld in %s, but its anti-rollback state was not "
                  "recorded: %s", info.registry_id, info.seq, o->out, err);
        rc = status_exit(st);
        goto out;
    }
    cache_write(o->state_dir, o->url, &d.sig, info.registry_id);
    print_summary(o, old, oldtext, oldlen, reg, &d, &info);
    rc = SYNC_OK;
out:
    pgr_registry_free(old);
    free(oldtext);
    pgr_registry_free(reg);
    download_free(&d);
    return rc;
}

int
pgr_cmd_sync(int argc, char **argv)
{
    struct opts o;
    pgr_feed_keys keys;
    pgr_config cfg;
    int rc, lock;

    memset(&o, 0, sizeof(o));
    rc = parse_args(argc, argv, &o);
    if (rc != 0) {
        opts_free(&o);
        return rc > 0 ? SYNC_OK : SYNC_USAGE;
    }
    if (finish_opts(&o) != 0 || pgr_feed_init() != 0 || load_keys(&o, &keys) != 0 ||
        setup_config(&o, &cfg) != 0) {
        opts_free(&o);
        return SYNC_USAGE;
    }
    if (o.verify_only) {
        rc = verify_installed(&o, &keys, &cfg);
        opts_free(&o);
        return rc;
    }
    lock = prepare_dirs(&o) == 0 ? take_lock(o.state_dir) : -1;
    if (lock < 0) {
        opts_free(&o);
        return SYNC_LOCAL;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        sync_fail("cannot initialize libcurl");
        rc = SYNC_LOCAL;
    } else {
        rc = run_sync(&o, &keys, &cfg);
        curl_global_cleanup();
    }
    close(lock);
    opts_free(&o);
    if (fflush(stdout) != 0 && rc == SYNC_OK) {
        sync_fail("cannot write to standard output");
        rc = SYNC_LOCAL;
    }
    return rc;
}
