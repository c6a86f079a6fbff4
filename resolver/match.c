/*
 * match.c - looking raw client values up in a loaded registry.
 *
 * Phones: every plausible reading of the input is looked up as a whole
 * number, then as a member of each mission number block; a value that
 * reads as no number may be a list of several.  E-mail: the normalized
 * address, then its domain and every parent domain on label boundaries;
 * a value that is no address may list several.  Names: folded name keys,
 * reported as possible only.
 * The phone, e-mail and (ASCII) domain paths use fixed stack buffers and
 * never allocate.
 */
#include <string.h>

#include "registry_int.h"

/* Adds each entity a table visit finds, once per result. */
typedef struct collector {
    const pgr_registry *reg;
    pgr_result *out;
    pgr_matched_on on;
    pgr_confidence confidence;
    size_t added;
} collector;

static void
collect_hit(void *ctx, uint32_t idx)
{
    collector *c = ctx;
    pgr_result *out = c->out;
    const pgr_entity *e;
    size_t i;

    if (idx >= c->reg->nentities)
        return;
    e = &c->reg->entities[idx];
    for (i = 0; i < out->count; i++) {
        if (out->hit[i].entity == e)
            return;              /* the first, stronger, reason stays */
    }
    if (out->count >= PGR_MAX_HITS)
        return;
    out->hit[out->count].entity = e;
    out->hit[out->count].on = c->on;
    out->hit[out->count].confidence = c->confidence;
    out->count++;
    c->added++;
}

static void
collector_init(collector *c, const pgr_registry *reg, pgr_result *out,
               pgr_matched_on on, pgr_confidence confidence)
{
    c->reg = reg;
    c->out = out;
    c->on = on;
    c->confidence = confidence;
    c->added = 0;
}

static void
result_reset(pgr_result *out)
{
    out->count = 0;
    out->normalized[0] = '\0';
    out->ext[0] = '\0';
}

/* Empties out; whether there is a value and a registry to look it up in. */
static int
match_start(const pgr_registry *reg, const char *value, pgr_result *out)
{
    if (out == NULL)
        return 0;
    result_reset(out);
    return reg != NULL && value != NULL;
}

static void
set_normalized(pgr_result *out, const char *s)
{
    size_t n = strlen(s);

    if (n >= sizeof(out->normalized))
        n = sizeof(out->normalized) - 1;
    memcpy(out->normalized, s, n);
    out->normalized[n] = '\0';
}

/* ----------------------------------------------------------------- phones */

static const uint64_t pow10_table[20] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
    10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
    100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
    100000000000000000ULL, 1000000000000000000ULL,
    10000000000000000000ULL
};

/* Looks the leading digits of one reading up in the number-block table,
 * longest block first. */
static void
match_prefixes(const pgr_registry *reg, const pgr_phone *ph, collector *c)
{
    unsigned len;

    for (len = PGR_PREFIX_MAX_DIGITS; len >= PGR_PREFIX_MIN_DIGITS; len--) {
        /* A block holds longer numbers: the prefix alone is not one. */
        if (!(reg->prefix_lengths & (1u << len)) || len >= ph->ndigits)
            continue;
        pgr_num_table_visit(&reg->prefixes, ph->key / pow10_table[ph->ndigits - len],
                            collect_hit, c);
    }
}

/*
 * Looks every reading of one number up, whole numbers first (an exact
 * number outranks its block).  The first reading that hits names the
 * result, with its number's extension.
 */
static void
match_readings(const pgr_registry *reg, const pgr_phone_readings *rd,
               pgr_result *out, int *named)
{
    collector c;
    size_t i, n = rd->count < PGR_PHONE_READINGS ? rd->count
                                                 : PGR_PHONE_READINGS;
    const pgr_phone *hit = NULL;

    collector_init(&c, reg, out, PGR_ON_PHONE, PGR_EXACT);
    for (i = 0; i < n; i++) {
        c.added = 0;
        pgr_num_table_visit(&reg->phones, rd->reading[i].key, collect_hit,
                            &c);
        if (c.added > 0 && hit == NULL)
            hit = &rd->reading[i];
    }
    if (reg->prefix_lengths != 0) {
        collector_init(&c, reg, out, PGR_ON_PHONE_PREFIX, PGR_EXACT);
        for (i = 0; i < n; i++) {
            if (rd->reading[i].ndigits > PGR_E164_MAX)
                continue;
            c.added = 0;
            match_prefixes(reg, &rd->reading[i], &c);
            if (c.added > 0 && hit == NULL)
                hit = &rd->reading[i];
        }
    }
    if (hit != NULL && !*named) {
        set_normalized(out, hit->e164);
        memcpy(out->ext, rd->ext, sizeof(out->ext));
        out->ext[PGR_EXT_MAX] = '\0';
        *named = 1;
    }
}

/*
 * A value that holds several numbers: "613-555-0142 / 613-555-0143",
 * "Work: 613-555-0142; Cell: 613-555-0143", "613-555-0142 or 0143".
 * Parts are split at ';', ',', '|', a line break and the words or, ou,
 * and, et, '&'; a part that reads as no number is split again at '/'
 * (which also separates an area code: "030/1234567").  Each part that
 * reads as a complete number by itself is looked up; a part is never
 * completed from its neighbour ("0143" above stays unread).  A part with
 * more digits than one number is split at its blanks last
 * (match_blank_parts).
 */
#define PHONE_LIST_MAX  512   /* bytes of a value read as a list */

static int
is_list_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* The length of the separator at v[i] that parts two numbers, or 0: a
 * ';', '|' or line break, the ideographic comma 、 and the fullwidth ，
 * and ； of Chinese text, or a ',' not followed by an extension (", ext.
 * 204" stays with its number). */
static size_t
list_separator_len(const char *v, size_t n, size_t i)
{
    const unsigned char *s = (const unsigned char *)v;
    size_t w;

    if (s[i] == ';' || s[i] == '|' || s[i] == '\n')
        return 1;
    if (n - i >= 3 && ((s[i] == 0xe3 && s[i + 1] == 0x80 && s[i + 2] == 0x81) ||
                       (s[i] == 0xef && s[i + 1] == 0xbc &&
                        (s[i + 2] == 0x8c || s[i + 2] == 0x9b))))
        return 3;
    if (s[i] != ',')
        return 0;
    for (i++; i < n && is_list_blank(s[i]); i++)
        ;
    for (w = i; i < n && ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z'); i++)
        ;
    return pgr_phone_ext_word(s + w, i - w) ? 0 : 1;
}

/* The length of a list word ("or", "ou", "and", "et", "&") at v[i],
 * between blanks, or 0. */
static size_t
list_word_at(const char *v, size_t n, size_t i)
{
    static const char *const words[] = { "or", "ou", "and", "et", "&", NULL };
    size_t k, l, j;

    if (i == 0 || !is_list_blank((unsigned char)v[i - 1]))
        return 0;
    for (k = 0; words[k] != NULL; k++) {
        l = strlen(words[k]);
        if (n - i <= l || !is_list_blank((unsigned char)v[i + l]))
            continue;
        for (j = 0; j < l; j++)
            if ((v[i + j] | 0x20) != words[k][j])
                break;
        if (j == l)
            return l;
    }
    return 0;
}

/* Where the next separator of v[i..n) begins, or n; its length in *w. */
static size_t
phone_list_next(const char *v, size_t n, size_t i, size_t *w)
{
    for (; i < n; i++) {
        *w = list_word_at(v, n, i);
        if (*w > 0)
            return i;
        *w = list_separator_len(v, n, i);
        if (*w > 0)
            return i;
    }
    *w = 0;
    return n;
}

static int
read_part(const pgr_config *cfg, const char *v, size_t n,
          pgr_phone_readings *rd)
{
    return n > 0 && pgr_phone_parse(cfg, v, n, rd) > 0;
}

/*
 * One number read from a value or a part of it.  An extension as long as
 * a number may be a second one ("6135550199#6135550142",
 * "613-555-0199 x 6135550142"): when its digits read by themselves, that
 * number is looked up too, and neither shows the extension.  Returns
 * whether it did.
 */
static int
match_number(const pgr_registry *reg, const pgr_config *cfg,
             const pgr_phone_readings *rd, pgr_result *out, int *named)
{
    pgr_phone_readings plain, ext;
    size_t elen = strnlen(rd->ext, sizeof(rd->ext));

    if (elen < PGR_PHONE_VALUE_DIGITS_MIN ||
        !read_part(cfg, rd->ext, elen, &ext)) {
        match_readings(reg, rd, out, named);
        return 0;
    }
    plain = *rd;
    plain.ext[0] = '\0';
    match_readings(reg, &plain, out, named);
    match_readings(reg, &ext, out, named);
    return 1;
}

/* The ASCII digits of v[0 .. n), counted up to max. */
static size_t
ascii_digits(const char *v, size_t n, size_t max)
{
    size_t i, d = 0;

    for (i = 0; i < n && d < max; i++)
        if (v[i] >= '0' && v[i] <= '9')
            d++;
    return d;
}

/* Where the next token of v (text between blanks) at or after i begins,
 * or n; where it ends in *end. */
static size_t
next_token(const char *v, size_t n, size_t i, size_t *end)
{
    while (i < n && is_list_blank((unsigned char)v[i]))
        i++;
    for (*end = i; *end < n && !is_list_blank((unsigned char)v[*end]); (*end)++)
        ;
    return i;
}

/*
 * "613 555 0199 613 555 0142": numbers grouped by blanks and parted by
 * blanks.  The tokens t[0 .. nt) of a segment (the tokens with digits
 * between two without, as "Fax") are cut into runs of at most
 * GROUP_TOKENS_MAX that each read as a complete number; when exactly one
 * such cut covers the segment, each run is looked up.  Otherwise (no cut,
 * or several) each token that reads by itself is.  SEGMENT_TOKENS_MAX
 * bounds the cutting at 96 parses.
 */
#define SEGMENT_TOKENS_MAX  16
#define GROUP_TOKENS_MAX    6   /* "+33 1 23 45 67 89": 6 groups */

typedef struct token_span {
    size_t beg, end;
} token_span;

/* Whether v[0 .. n) has digits enough to read as a number; a byte from
 * 0x80 may be part of a digit of another script.  Spares a parse of most
 * tokens ("613", "0142"). */
static int
enough_digits(const char *v, size_t n)
{
    size_t i, d = 0;

    for (i = 0; i < n && d < PGR_PHONE_VALUE_DIGITS_MIN; i++)
        if ((v[i] >= '0' && v[i] <= '9') || (unsigned char)v[i] >= 0x80)
            d++;
    return d >= PGR_PHONE_VALUE_DIGITS_MIN;
}

static int
read_run(const pgr_config *cfg, const char *v, const token_span *t, size_t k,
         pgr_phone_readings *rd)
{
    size_t n = t[k - 1].end - t[0].beg;

    return enough_digits(v + t[0].beg, n) &&
           read_part(cfg, v + t[0].beg, n, rd);
}

/* The one cut of t[0 .. nt) into numbers, as run lengths in run[]; 0 when
 * there is none or more than one. */
static int
one_cut(const pgr_config *cfg, const char *v, const token_span *t, size_t nt,
        unsigned char *run)
{
    unsigned char ways[SEGMENT_TOKENS_MAX + 1];   /* cuts of t[i ..), to 2 */
    pgr_phone_readings rd;
    size_t i, k;

    ways[nt] = 1;
    for (i = nt; i-- > 0;) {
        ways[i] = 0;
        for (k = 1; k <= GROUP_TOKENS_MAX && i + k <= nt; k++) {
            if (ways[i + k] == 0 || !read_run(cfg, v, t + i, k, &rd))
                continue;
            if (ways[i] == 0)
                run[i] = (unsigned char)k;
            ways[i] = ways[i] + ways[i + k] >= 2 ? 2 : 1;
        }
    }
    return ways[0] == 1;
}

static int
is_ascii_letter(unsigned char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* An extension word ("x", "ext", "poste") or "p", as French abbreviates
 * poste. */
static int
is_ext_marker_word(const char *w, size_t n)
{
    return pgr_phone_ext_word((const unsigned char *)w, n) ||
           (n == 1 && (w[0] | 0x20) == 'p');
}

/* Where the first extension marker of v[0 .. n) begins ('#' after a
 * digit, or x, ext, extn, extension, poste, p), its length in *w; n when
 * there is none or a word that is no marker comes first. */
static size_t
marker_at(const char *v, size_t n, size_t *w)
{
    size_t i, e;
    int digit = 0;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];

        if (c >= '0' && c <= '9') {
            digit = 1;
            continue;
        }
        if (c == '#' && digit) {
            *w = 1;
            return i;
        }
        if (is_ascii_letter(c)) {
            for (e = i; e < n && is_ascii_letter((unsigned char)v[e]); e++)
                ;
            if (!is_ext_marker_word(v + i, e - i))
                return n;
            *w = e - i;
            return i;
        }
    }
    return n;
}

/*
 * A token that reads as no number, cut at its first extension marker when
 * as many digits follow as a number value holds: "6135550199#16135550142",
 * "613-555-0199#613-555-0142", "ext.16135550142".  Each side that reads is
 * looked up.
 */
static void
match_marker_parts(const pgr_registry *reg, const pgr_config *cfg,
                   const char *v, size_t n, pgr_result *out, int *named)
{
    pgr_phone_readings rd;
    size_t m, w = 0, after;

    m = marker_at(v, n, &w);
    if (m == n)
        return;
    for (after = m + w; after < n && (v[after] == '.' || v[after] == ':' ||
                                      v[after] == '='); after++)
        ;
    if (ascii_digits(v + after, n - after, PGR_PHONE_VALUE_DIGITS_MIN) <
        PGR_PHONE_VALUE_DIGITS_MIN)
        return;
    if (read_part(cfg, v, m, &rd))
        (void)match_number(reg, cfg, &rd, out, named);
    if (read_part(cfg, v + after, n - after, &rd))
        (void)match_number(reg, cfg, &rd, out, named);
}

/* Each of t[0 .. nt) that reads by itself is looked up, and each other
 * one by its parts around an extension marker. */
static void
match_each_token(const pgr_registry *reg, const pgr_config *cfg,
                 const char *v, const token_span *t, size_t nt,
                 pgr_result *out, int *named)
{
    pgr_phone_readings rd;
    size_t i;

    for (i = 0; i < nt; i++) {
        if (read_run(cfg, v, t + i, 1, &rd))
            (void)match_number(reg, cfg, &rd, out, named);
        else
            match_marker_parts(reg, cfg, v + t[i].beg, t[i].end - t[i].beg,
                               out, named);
    }
}

static void
match_segment(const pgr_registry *reg, const pgr_config *cfg, const char *v,
              const token_span *t, size_t nt, pgr_result *out, int *named)
{
    unsigned char run[SEGMENT_TOKENS_MAX];
    pgr_phone_readings rd;
    size_t i, k;

    if (nt == 0)
        return;
    if (!one_cut(cfg, v, t, nt, run)) {
        match_each_token(reg, cfg, v, t, nt, out, named);
        return;
    }
    for (i = 0; i < nt; i += k) {
        k = run[i];
        if (k == 0 || k > nt - i)
            return;   /* not a cut one_cut gives */
        if (read_run(cfg, v, t + i, k, &rd))
            (void)match_number(reg, cfg, &rd, out, named);
    }
}

/* v's tokens, segment by segment (match_segment); a segment of more than
 * SEGMENT_TOKENS_MAX tokens is read token by token. */
static void
match_tokens(const pgr_registry *reg, const pgr_config *cfg, const char *v,
             size_t n, pgr_result *out, int *named)
{
    token_span t[SEGMENT_TOKENS_MAX];
    size_t i, e, nt = 0;
    int whole = 1;   /* the segment is short enough to be cut */

    for (i = next_token(v, n, 0, &e); i < n; i = next_token(v, n, e, &e)) {
        if (ascii_digits(v + i, e - i, 1) == 0) {   /* "Fax" ends a segment */
            if (whole)
                match_segment(reg, cfg, v, t, nt, out, named);
            nt = 0;
            whole = 1;
            continue;
        }
        if (whole && nt == SEGMENT_TOKENS_MAX) {   /* too long to cut */
            match_each_token(reg, cfg, v, t, nt, out, named);
            whole = 0;
        }
        if (whole) {
            t[nt].beg = i;
            t[nt++].end = e;
        } else {
            token_span one;

            one.beg = i;
            one.end = e;
            match_each_token(reg, cfg, v, &one, 1, out, named);
        }
    }
    if (whole)
        match_segment(reg, cfg, v, t, nt, out, named);
}

/* v cut before each '+' that follows a blank ("... 0142 +1 613 ..."): each
 * piece that reads is looked up, each other one by its tokens.  Returns 0
 * when v has no such '+'. */
static int
match_plus_pieces(const pgr_registry *reg, const pgr_config *cfg,
                  const char *v, size_t n, pgr_result *out, int *named)
{
    pgr_phone_readings rd;
    size_t i, start = 0;
    int cut = 0;

    for (i = 1; i <= n; i++) {
        if (i < n && !(v[i] == '+' && is_list_blank((unsigned char)v[i - 1])))
            continue;
        if (i == n && !cut)
            return 0;
        cut = 1;
        if (read_part(cfg, v + start, i - start, &rd))
            (void)match_number(reg, cfg, &rd, out, named);
        else
            match_tokens(reg, cfg, v + start, i - start, out, named);
        start = i;
    }
    return 1;
}

/*
 * A piece with more digits than one number holds (PGR_E164_MAX, as the
 * pre-check's FILTER_DIGITS_MAX): numbers parted by blanks alone, "613-
 * 555-0142 613-555-0199", "+44 20 7946 0012 +44 20 7946 0013", "613 555
 * 0199 613 555 0142", "Tel 613 555 0142 Fax 613 555 0199".  It is cut
 * before each '+' that follows a blank, else into runs of its tokens
 * (match_tokens); each piece that reads by itself is looked up.  With
 * fewer digits a blank is the grouping of one number ("613 555 0142"),
 * never a cut.
 */
static void
match_blank_parts(const pgr_registry *reg, const pgr_config *cfg,
                  const char *v, size_t n, pgr_result *out, int *named)
{
    if (ascii_digits(v, n, PGR_E164_MAX + 1) > PGR_E164_MAX &&
        !match_plus_pieces(reg, cfg, v, n, out, named))
        match_tokens(reg, cfg, v, n, out, named);
}

/* The pieces of v between its '/'s, and then its blank pieces; v as a
 * whole has been read already. */
static void
match_slash_parts(const pgr_registry *reg, const pgr_config *cfg,
                  const char *v, size_t n, pgr_result *out, int *named)
{
    pgr_phone_readings rd;
    size_t i, start = 0;

    if (memchr(v, '/', n) == NULL) {
        match_blank_parts(reg, cfg, v, n, out, named);
        return;
    }
    for (i = 0; i <= n; i++) {
        if (i < n && v[i] != '/')
            continue;
        if (read_part(cfg, v + start, i - start, &rd))
            (void)match_number(reg, cfg, &rd, out, named);
        else
            match_blank_parts(reg, cfg, v + start, i - start, out, named);
        start = i + 1;
    }
}

static void
match_phone_list(const pgr_registry *reg, const pgr_config *cfg,
                 const char *v, size_t n, pgr_result *out, int *named)
{
    pgr_phone_readings rd;
    size_t start = 0, end, w;

    if (n > PHONE_LIST_MAX)
        return;
    end = phone_list_next(v, n, 0, &w);
    if (end == n) {   /* one part, which read as no number */
        match_slash_parts(reg, cfg, v, n, out, named);
        return;
    }
    for (;;) {
        if (read_part(cfg, v + start, end - start, &rd))
            (void)match_number(reg, cfg, &rd, out, named);
        else
            match_slash_parts(reg, cfg, v + start, end - start, out, named);
        if (end == n)
            return;
        start = end + w;
        end = phone_list_next(v, n, start, &w);
    }
}

size_t
pgr_match_phone(const pgr_registry *reg, const pgr_config *cfg,
                const char *value, size_t len, pgr_result *out)
{
    pgr_config defaults;
    pgr_phone_readings rd;
    int named = 0;

    if (!match_start(reg, value, out))
        return 0;
    if (cfg == NULL) {
        pgr_config_init(&defaults);
        cfg = &defaults;
    }
    if (pgr_phone_parse(cfg, value, len, &rd) == 0) {
        match_phone_list(reg, cfg, value, len, out, &named);
        return out->count;
    }
    rd.ext[PGR_EXT_MAX] = '\0';
    memcpy(out->ext, rd.ext, sizeof(out->ext));
    set_normalized(out, rd.reading[0].e164);
    if (strlen(rd.ext) < PGR_PHONE_VALUE_DIGITS_MIN) {
        /* the common case, without match_number's call (about 35
         * instructions a value, on every value a search returns) */
        match_readings(reg, &rd, out, &named);
        return out->count;
    }
    /* "613-555-0199, 6135550142", "613-555-0199 x 6135550142": a long
     * extension may be a second number; the value is read as a list too */
    if (match_number(reg, cfg, &rd, out, &named))
        out->ext[0] = '\0';
    match_phone_list(reg, cfg, value, len, out, &named);
    return out->count;
}

/* --------------------------------------------------------- e-mail, domain */

/* The domain and each parent domain, on label boundaries. */
static void
match_domain_walk(const pgr_registry *reg, const char *domain, pgr_result *out)
{
    collector c;
    const char *p = domain;

    collector_init(&c, reg, out, PGR_ON_DOMAIN, PGR_EXACT);
    while (p != NULL && *p != '\0') {
        pgr_str_table_visit(&reg->domains, p, strlen(p), collect_hit, &c);
        p = strchr(p, '.');
        if (p != NULL)
            p++;
    }
}

/*
 * One address and its domains into out.  The first address that hits
 * names the result; until one does, the first that reads.  Returns
 * whether value read as an address.
 */
static int
match_one_email(const pgr_registry *reg, const char *value, size_t len,
                pgr_result *out, int *named)
{
    char addr[PGR_EMAIL_MAX + 1];
    size_t off = 0, before = out->count;
    collector c;

    if (pgr_email_normalize(value, len, addr, sizeof(addr), &off) < 0)
        return 0;
    addr[PGR_EMAIL_MAX] = '\0';
    if (out->normalized[0] == '\0')
        set_normalized(out, addr);
    collector_init(&c, reg, out, PGR_ON_EMAIL, PGR_EXACT);
    pgr_str_table_visit(&reg->emails, addr, strlen(addr), collect_hit, &c);
    if (off < strlen(addr))
        match_domain_walk(reg, addr + off, out);
    if (out->count > before && !*named) {
        set_normalized(out, addr);
        *named = 1;
    }
    return 1;
}

/*
 * "Email: li@example.org", "Courriel : li@example.org", and the name of an
 * RFC 5322 group, "Liaison: li@example.org, ops@example.org;": a phrase and
 * a colon before the address, which is looked up without them.  The phrase
 * holds letters (any script), digits, blanks and ". - _ '" and no more than
 * EMAIL_LABEL_MAX bytes; a blank (or a no-break space) follows the colon,
 * so "user:pass@host" is never read as "pass@host".  Returns where the
 * address begins, or 0.
 */
#define EMAIL_LABEL_MAX  64

static size_t
email_label_end(const char *v, size_t n)
{
    const unsigned char *s = (const unsigned char *)v;
    size_t i;
    int letter = 0;

    for (i = 0; i < n && i < EMAIL_LABEL_MAX && s[i] != ':'; i++) {
        unsigned char c = s[i];

        /* bytes from 0x80: letters of other scripts, and NBSP */
        if (((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80)
            letter = 1;
        else if (!(c >= '0' && c <= '9') && c != ' ' && c != '\t' &&
                 c != '.' && c != '-' && c != '_' && c != '\'')
            return 0;
    }
    if (!letter || i + 1 >= n || s[i] != ':')
        return 0;
    if (s[i + 1] == ' ' || s[i + 1] == '\t' ||
        (n - i > 2 && s[i + 1] == 0xc2 && s[i + 2] == 0xa0) ||   /* NBSP */
        (n - i > 3 && s[i + 1] == 0xe2 && s[i + 2] == 0x80 &&
         s[i + 3] == 0xaf))   /* narrow NBSP */
        return i + 1;
    return 0;
}

/* One part of a mail value: an address, with or without a label. */
static int
match_email_part(const pgr_registry *reg, const char *v, size_t n,
                 pgr_result *out, int *named)
{
    size_t b;

    if (match_one_email(reg, v, n, out, named))
        return 1;
    b = email_label_end(v, n);
    return b > 0 && match_one_email(reg, v + b, n - b, out, named);
}

/*
 * A value that lists several addresses: "a@example.org, b@example.org",
 * "\"Li, Na\" <li.na@example.org>; ops@example.org".  Split at the commas
 * and semicolons outside quotes, angle brackets and comments; each part
 * that is an address by itself is looked up.
 */
#define EMAIL_LIST_MAX  1024   /* bytes of a value read as a list */
#define EMAIL_HEADER_MAX 1024  /* bytes of a mailto: header, decoded */

/* Where the next top-level ',' or ';' of v[i..n) is, or n. */
static size_t
email_list_next(const char *v, size_t n, size_t i)
{
    int quoted = 0, depth = 0;

    for (; i < n; i++) {
        char ch = v[i];

        if (quoted) {
            if (ch == '\\' && i + 1 < n)
                i++;
            else if (ch == '"')
                quoted = 0;
        } else if (ch == '"') {
            quoted = 1;
        } else if (ch == '<' || ch == '(') {
            depth++;
        } else if ((ch == '>' || ch == ')') && depth > 0) {
            depth--;
        } else if ((ch == ',' || ch == ';') && depth == 0) {
            return i;
        }
    }
    return n;
}

static void
match_email_list(const pgr_registry *reg, const char *v, size_t n,
                 pgr_result *out)
{
    size_t start = 0, end;
    int named = 0;

    if (n > EMAIL_LIST_MAX)
        return;
    end = email_list_next(v, n, 0);
    if (end == n)
        return;   /* one part: the value, which read as no address */
    for (;;) {
        (void)match_email_part(reg, v + start, end - start, out, &named);
        if (end == n)
            return;
        start = end + 1;
        end = email_list_next(v, n, start);
    }
}

/* Whether h[0 .. n) names a mailto: header that holds addresses. */
static int
is_address_header(const char *h, size_t n)
{
    return (n == 2 && (pgr_prefix_ci(h, n, "to") || pgr_prefix_ci(h, n, "cc"))) ||
           (n == 3 && pgr_prefix_ci(h, n, "bcc"));
}

/*
 * The headers of a mailto: URI that name more addresses, as RFC 6068
 * writes them: "mailto:ops@example.org?cc=li.na@example.org&bcc=...", or
 * "mailto:?to=li.na%40example.org".  v[0 .. n) is the query, from its
 * '?' (mailto_query).  Each to, cc and bcc value is decoded and read as a
 * list; other headers (subject, body) are not.
 */
static void
match_mailto_headers(const pgr_registry *reg, const char *v, size_t n,
                     pgr_result *out, int *named)
{
    char buf[EMAIL_HEADER_MAX + 1];
    size_t i = 0, end, eq, dn;

    while (i < n) {
        i++;   /* the '?' or '&' */
        for (end = i; end < n && v[end] != '&'; end++)
            ;
        for (eq = i; eq < end && v[eq] != '='; eq++)
            ;
        if (eq < end && is_address_header(v + i, eq - i) &&
            pgr_percent_decode(v + eq + 1, end - eq - 1, -1, buf, sizeof(buf),
                               &dn) == 0 && dn > 0) {
            size_t start = 0, stop;

            for (;;) {   /* "to=a@x,b@y" */
                stop = email_list_next(buf, dn, start);
                (void)match_email_part(reg, buf + start, stop - start, out,
                                       named);
                if (stop >= dn)
                    break;
                start = stop + 1;
            }
        }
        i = end;
    }
}

/*
 * The last resort, for a value that did not read as an address or a list
 * of them, or that holds more than one '@': every "local@domain" run of
 * address characters outside quoted strings and comments is looked up, as
 * a value that lists addresses on lines or between blanks does
 * ("li@example.org\nops@example.org"), and text with an address in it
 * ("Please write to Li Na <li@example.org> today", "Li Na
 * [mailto:li@example.org]").  Only a registered address or domain can
 * hit, so nothing is flagged that does not name a registered one; text in
 * quotes and comments stays text, as a quoted display name does.  At most
 * EMAIL_SCAN_ADDRESSES runs are read, so a long value costs no more than
 * that many lookups.
 */
#define EMAIL_SCAN_ADDRESSES 256

static int
scan_local_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
           c == '+' || c == '\'' || c >= 0x80;
}

static int
scan_domain_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '-' || c >= 0x80;
}

/* Whether v[0 .. b) ends in scheme (lower case, with its ':'). */
static int
ends_in_scheme(const char *v, size_t b, const char *scheme)
{
    size_t l = strlen(scheme);

    return b >= l && pgr_prefix_ci(v + b - l, l, scheme);
}

/* Whether the run at v[b] follows a ':' or '/' other than that of
 * "mailto:" or of "SIP:" (a SIP address, as Exchange's proxyAddresses
 * list it beside "SMTP:"): "user:pass@host" and "ftp://user@host" name
 * a host, not an address, and "Email:li@example.org" is no label without
 * its blank. */
static int
after_userinfo_mark(const char *v, size_t b)
{
    if (b == 0 || (v[b - 1] != ':' && v[b - 1] != '/'))
        return 0;
    return !(v[b - 1] == ':' && (ends_in_scheme(v, b, "mailto:") ||
                                 ends_in_scheme(v, b, "sip:") ||
                                 ends_in_scheme(v, b, "sips:")));
}

static void
match_email_scan(const pgr_registry *reg, const char *v, size_t n,
                 pgr_result *out, int *named)
{
    const unsigned char *s = (const unsigned char *)v;
    size_t i, b, e, read = 0;
    int quoted = 0, depth = 0;

    for (i = 0; i < n && read < EMAIL_SCAN_ADDRESSES; i++) {
        if (quoted) {
            if (s[i] == '\\' && i + 1 < n)
                i++;
            else if (s[i] == '"')
                quoted = 0;
            continue;
        }
        if (s[i] == '"' && depth == 0) {
            quoted = 1;
        } else if (s[i] == '(') {
            depth++;
        } else if (s[i] == ')' && depth > 0) {
            depth--;
        } else if (s[i] == '@' && depth == 0) {
            for (b = i; b > 0 && scan_local_byte(s[b - 1]); b--)
                ;
            for (e = i + 1; e < n && scan_domain_byte(s[e]); e++)
                ;
            while (e > i + 1 && s[e - 1] == '.')   /* a sentence's end */
                e--;
            if (b < i && e > i + 1 && !after_userinfo_mark(v, b)) {
                (void)match_one_email(reg, v + b, e - b, out, named);
                read++;
            }
        }
    }
}

/* Whether v[0 .. n) holds more than one '@'. */
static int
has_two_ats(const char *v, size_t n)
{
    const char *at = memchr(v, '@', n);

    return at != NULL && memchr(at + 1, '@', n - (size_t)(at + 1 - v)) != NULL;
}

/* Where the headers of a mailto: URI begin (its '?'), or n: the scan
 * reads no further, the subject and body being text. */
static size_t
mailto_query(const char *v, size_t n)
{
    const char *q;
    size_t i = 0;

    while (i < n && (v[i] == ' ' || v[i] == '\t'))
        i++;
    if (!pgr_prefix_ci(v + i, n - i, "mailto:"))
        return n;
    q = memchr(v, '?', n);
    return q != NULL ? (size_t)(q - v) : n;
}

size_t
pgr_match_email(const pgr_registry *reg, const char *value, size_t len,
                pgr_result *out)
{
    int named = 0, whole;
    size_t query;

    if (!match_start(reg, value, out))
        return 0;
    whole = match_email_part(reg, value, len, out, &named);
    query = mailto_query(value, len);
    if (whole && query == len && !has_two_ats(value, len))
        return out->count;   /* one address: the common case */
    if (!whole)
        match_email_list(reg, value, len, out);
    if (query < len)
        match_mailto_headers(reg, value + query, len - query, out, &named);
    match_email_scan(reg, value, query, out, &named);
    return out->count;
}

size_t
pgr_match_domain(const pgr_registry *reg, const char *value, size_t len,
                 pgr_result *out)
{
    char dom[PGR_DOMAIN_MAX + 1];

    if (!match_start(reg, value, out))
        return 0;
    if (pgr_domain_normalize(value, len, dom, sizeof(dom)) < 0)
        return 0;
    dom[PGR_DOMAIN_MAX] = '\0';
    set_normalized(out, dom);
    match_domain_walk(reg, dom, out);
    return out->count;
}

/* ------------------------------------------------------------------ names */

size_t
pgr_match_name(const pgr_registry *reg, const char *value, size_t len,
               pgr_result *out)
{
    char keys[PGR_NAME_LOOKUP_KEYS][PGR_NAME_KEY_MAX], phrase[PGR_NAME_KEY_MAX];
    collector c;
    size_t n, i, had;

    if (!match_start(reg, value, out))
        return 0;
    n = pgr_name_lookup_keys(value, len, keys);
    if (n > PGR_NAME_LOOKUP_KEYS)
        n = PGR_NAME_LOOKUP_KEYS;
    for (i = 0; i < n; i++)
        keys[i][PGR_NAME_KEY_MAX - 1] = '\0';
    if (n > 0)
        set_normalized(out, keys[0]);
    /* A name is never an identifier: possible at most. */
    collector_init(&c, reg, out, PGR_ON_NAME, PGR_POSSIBLE);
    for (i = 0; i < n; i++)
        pgr_str_table_visit(&reg->names, keys[i], strlen(keys[i]), collect_hit, &c);
    /* The whole value as the name of a body ("MPS", 公安部). */
    if (pgr_name_phrase_key(value, len, phrase) == 0)
        return out->count;
    phrase[PGR_NAME_KEY_MAX - 1] = '\0';
    had = out->count;
    pgr_str_table_visit(&reg->names, phrase, strlen(phrase), collect_hit, &c);
    if (had == 0 && out->count > 0)   /* say what was compared */
        set_normalized(out, phrase + 1);
    return out->count;
}

/* ---------------------------------------------------------------- verdict */

pgr_verdict
pgr_result_verdict(const pgr_result *res)
{
    pgr_verdict v = PGR_VERDICT_NONE;
    size_t i;

    if (res == NULL)
        return PGR_VERDICT_NONE;
    for (i = 0; i < res->count && i < PGR_MAX_HITS; i++) {
        if (res->hit[i].confidence == PGR_EXACT)
            return PGR_VERDICT_MATCH;
        if (res->hit[i].confidence == PGR_POSSIBLE)
            v = PGR_VERDICT_POSSIBLE;
    }
    return v;
}

/* ------------------------------------------------------------- spellings */

const char *
pgr_entity_kind_name(pgr_entity_kind kind)
{
    switch (kind) {
    case PGR_PERSON:        return "person";
    case PGR_MISSION:       return "mission";
    case PGR_ORGANIZATION:  return "organization";
    }
    return "unknown";
}

const char *
pgr_role_name(pgr_role role)
{
    switch (role) {
    case PGR_ROLE_NONE:     return "";
    case PGR_ROLE_PLO:      return "plo";
    case PGR_ROLE_DIPLOMAT: return "diplomat";
    case PGR_ROLE_OFFICIAL: return "official";
    }
    return "";
}

const char *
pgr_status_name(pgr_status status)
{
    switch (status) {
    case PGR_STATUS_ACTIVE: return "active";
    case PGR_STATUS_ENDED:  return "ended";
    }
    return "unknown";
}

const char *
pgr_matched_on_name(pgr_matched_on on)
{
    switch (on) {
    case PGR_ON_PHONE:        return "phone";
    case PGR_ON_PHONE_PREFIX: return "phone_prefix";
    case PGR_ON_EMAIL:        return "email";
    case PGR_ON_DOMAIN:       return "domain";
    case PGR_ON_NAME:         return "name";
    }
    return "unknown";
}

const char *
pgr_confidence_name(pgr_confidence c)
{
    switch (c) {
    case PGR_EXACT:    return "exact";
    case PGR_POSSIBLE: return "possible";
    }
    return "unknown";
}

const char *
pgr_verdict_name(pgr_verdict v)
{
    switch (v) {
    case PGR_VERDICT_NONE:     return "none";
    case PGR_VERDICT_POSSIBLE: return "possible";
    case PGR_VERDICT_MATCH:    return "match";
    }
    return "unknown";
}
