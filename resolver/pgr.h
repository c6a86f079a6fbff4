/*
 * pgr.h - the ploguard resolver: the registry of foreign Police Liaison
 * Officers, diplomats and missions held in memory, and the matching of
 * phone numbers, e-mail addresses, domains and names against it.
 *
 * Used by the ploguard command and linked statically into the slapd overlay.
 * Every symbol carries the pgr_ prefix; the library is built with hidden
 * visibility so that nothing of it is exported from the overlay.
 *
 * Ownership: a pgr_registry is immutable once loaded; every pointer reached
 * through it (entities, instructions, strings) lives exactly as long as the
 * registry and is freed by pgr_registry_free().  The match functions never
 * allocate and never block: they are safe to call from slapd worker threads
 * on a registry held under a read lock.
 */
#ifndef PGR_H
#define PGR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define PGR_FORMAT "ploguard-registry/1"

/* ---------------------------------------------------------------- errors */

/* A list of messages, each "json.path: reason".  Owned by the caller. */
typedef struct pgr_errors {
    char  **msgs;
    size_t  count;
    size_t  cap;
} pgr_errors;

void pgr_errors_init(pgr_errors *errs);
/* printf-style; never fails visibly (on allocation failure the message is
 * dropped but the count still grows, so a failure is never lost). */
void pgr_errors_add(pgr_errors *errs, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void pgr_errors_free(pgr_errors *errs);

/* One message into a caller's buffer, printf-style: cut to errlen - 1 bytes;
 * nothing when err is NULL or errlen 0. */
void pgr_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---------------------------------------------------------- configuration */

#define PGR_REGION_LEN        2   /* ISO 3166 alpha-2 */
#define PGR_OUTSIDE_LINE_MAX  4   /* digits dialed to reach an outside line */

typedef struct pgr_config {
    char region[PGR_REGION_LEN + 1];              /* default region, "CA" */
    char outside_line[PGR_OUTSIDE_LINE_MAX + 1];  /* "9"; "" for none */
} pgr_config;

/* Sets the defaults: region CA, outside line "9". */
void pgr_config_init(pgr_config *cfg);
/* Returns 0, or -1 when the region is not one the phone parser knows
 * (case-insensitive input, stored upper-case). */
int pgr_config_set_region(pgr_config *cfg, const char *region);
/* Returns 0, or -1 unless value is 0..PGR_OUTSIDE_LINE_MAX digits. */
int pgr_config_set_outside_line(pgr_config *cfg, const char *digits);

/* ---------------------------------------------------------------- phones */

#define PGR_E164_MAX      15  /* digits after '+' */
#define PGR_EXT_MAX       10  /* digits of an extension */
#define PGR_PHONE_READINGS 4  /* plausible readings of one input, at most */

/* One complete international number. */
typedef struct pgr_phone {
    uint64_t key;                    /* the digits as an integer (never 0) */
    unsigned char ndigits;           /* digits after '+', 8..15 */
    char e164[PGR_E164_MAX + 2];     /* "+16135550142", NUL-terminated */
} pgr_phone;

typedef struct pgr_phone_readings {
    size_t    count;                       /* 0: not a complete number */
    pgr_phone reading[PGR_PHONE_READINGS]; /* most likely first, no duplicates */
    char      ext[PGR_EXT_MAX + 1];        /* extension digits, "" if none */
} pgr_phone_readings;

/*
 * Reads a phone number as dialed, displayed or signalled (tel:, sip:,
 * punctuation, national or international form, outside-line prefix,
 * extension) and returns every plausible complete international reading.
 * Partial numbers, short codes, withheld-caller tokens and the empty string
 * give count 0.  Never allocates.  Returns out->count.
 */
size_t pgr_phone_parse(const pgr_config *cfg, const char *in, size_t len,
                       pgr_phone_readings *out);

/*
 * Strict form for registry data: the input must have exactly one reading.
 * Returns 0, or -1 with a short reason in *why (a static string).
 */
int pgr_phone_canonical(const pgr_config *cfg, const char *in, size_t len,
                        pgr_phone *out, const char **why);

/* ------------------------------------------------------- e-mail, domains */

#define PGR_EMAIL_MAX  320
#define PGR_DOMAIN_MAX 253

/*
 * Normalizes an e-mail address: accepts "mailto:", "SMTP:" (proxyAddresses)
 * and display-name forms ("Li" <li@example.org>, Li, Na <li@example.org>),
 * comments around the address (li@example.org (Li)), a quoted dot-atom
 * local part, fullwidth forms in the local part and '@', and invisible
 * characters (U+00A0, U+200B, U+FEFF...) at the ends; drops a
 * "+sub-address", lower-cases, converts an internationalized domain to its
 * A-label form.  Writes the address to out and the offset of its domain
 * part (after '@') to *domain_off.
 * Returns 0, or -1 when the input is not one valid address.
 * Allocates only for a non-ASCII domain (IDNA conversion).
 */
int pgr_email_normalize(const char *in, size_t len, char *out, size_t outsz,
                        size_t *domain_off);

/* Normalizes a domain name (lower-case A-labels, no trailing dot).
 * Returns 0, or -1 when it is not a valid host name. */
int pgr_domain_normalize(const char *in, size_t len, char *out, size_t outsz);

/* ----------------------------------------------------------------- names */

#define PGR_NAME_KEY_MAX  128
#define PGR_NAME_KEYS       4

/*
 * Name comparison keys: case-, accent- and script-folded ("Wáng Lìhuá",
 * "WANG Lihua" and 王丽华 fold alike), family and given parts joined as
 * "family|given" with given-name syllables run together.
 * pgr_name_key() folds a known {family, given} pair (either may be NULL);
 * pgr_name_query_keys() tries both name orders of a free-form name.
 * Both return the number of keys written (0 when nothing is left to match).
 */
size_t pgr_name_key(const char *family, const char *given,
                    char out[PGR_NAME_KEY_MAX]);
size_t pgr_name_query_keys(const char *full, size_t len,
                           char keys[PGR_NAME_KEYS][PGR_NAME_KEY_MAX]);

/* The keys a lookup tries for a name as people type it: titles ("Mr.",
 * "Dr", "Jr."), remarks in brackets and Han honorifics (先生, 女士) left
 * out, each script of a name written in two looked up by itself, every
 * cut into family and given name in both orders, and from three words on
 * the words without the first or the last.  A lookup only (the registry
 * indexes pgr_name_query_keys); a name hit stays possible at most. */
#define PGR_NAME_LOOKUP_KEYS 24
size_t pgr_name_lookup_keys(const char *full, size_t len,
                            char keys[PGR_NAME_LOOKUP_KEYS][PGR_NAME_KEY_MAX]);

/* The key of the name of a body (an organization, a mission) or of one of
 * its aliases: "=" and its words folded as names are, Han characters kept
 * (Simplified), digits kept, one blank between words ("Ministry of Public
 * Security" gives "=ministry of public security", Gong'anbu "=gonganbu",
 * 公安部 "=公安部"), remarks in brackets left out.  Matched whole, never
 * cut into a family and a given name: 公安部 is no person called Gong
 * Anbu, nor 龚安布.  Returns 1, or 0 when there is no key (no letter or
 * digit, text that does not fold, over 127 bytes).
 */
size_t pgr_name_phrase_key(const char *text, size_t len,
                           char out[PGR_NAME_KEY_MAX]);

/* -------------------------------------------------------------- registry */

typedef enum pgr_entity_kind {
    PGR_PERSON = 1,
    PGR_MISSION,
    PGR_ORGANIZATION
} pgr_entity_kind;

typedef enum pgr_role {
    PGR_ROLE_NONE = 0,   /* missions and organizations */
    PGR_ROLE_PLO,
    PGR_ROLE_DIPLOMAT,
    PGR_ROLE_OFFICIAL
} pgr_role;

typedef enum pgr_status {
    PGR_STATUS_ACTIVE = 0,
    PGR_STATUS_ENDED
} pgr_status;

typedef struct pgr_instruction {
    const char *id;
    const char *en, *fr;              /* full texts */
    const char *short_en, *short_fr;  /* at most 24 characters */
} pgr_instruction;

#define PGR_NO_DATE INT64_MIN

typedef struct pgr_entity pgr_entity;
struct pgr_entity {
    pgr_entity_kind kind;
    const char *id;
    const char *display_name;  /* person: first name as "Family Given" (or full);
                                * mission, organization: name */
    const char *family;        /* person's first {family, given}; NULL if none */
    const char *given;
    const char *country;       /* ISO 3166 alpha-2, or NULL */
    const char *city;          /* missions, or NULL */
    pgr_role    role;
    pgr_status  status;
    int64_t     accredited_from;   /* days since 1970-01-01, or PGR_NO_DATE */
    int64_t     accredited_until;
    const pgr_instruction *instruction;  /* never NULL */
    const pgr_entity *mission;           /* or NULL */
    const pgr_entity *organization;      /* or NULL */
    const char *const *phones;  size_t nphones;   /* E.164 strings */
    const char *const *emails;  size_t nemails;   /* normalized */
};

typedef struct pgr_registry pgr_registry;

/* A registry file larger than this is refused before it is read. */
#define PGR_REGISTRY_MAX_BYTES  ((size_t)256 * 1024 * 1024)

/*
 * Loads and validates a registry (JSON, UTF-8, format ploguard-registry/1).
 * Duplicate JSON keys are rejected.  On any error returns NULL and lists
 * every error in errs ("people[3].phones[1]: \"613-555-01\" is not a
 * complete phone number"); nothing is half-loaded.  cfg (NULL: the
 * defaults) gives the outside line; the registry's phone numbers written in
 * national form are Canadian (PGR_REGISTRY_REGION) whatever cfg's region:
 * the registry means the same thing to every agency that loads it, and an
 * agency's region is about the numbers of its own directory.
 */
#define PGR_REGISTRY_REGION     "CA"
pgr_registry *pgr_registry_load_file(const char *path, const pgr_config *cfg,
                                     pgr_errors *errs);
pgr_registry *pgr_registry_load_buffer(const char *buf, size_t len,
                                       const pgr_config *cfg, pgr_errors *errs);
void pgr_registry_free(pgr_registry *reg);

/*
 * Calls fn(ctx, id, json, len) for every element of the entity arrays
 * (organizations, missions, people) of buf, a document that
 * pgr_registry_load_buffer() accepted, with the element in canonical form
 * (compact, keys sorted; json is NUL-terminated and valid during the call
 * only): two elements hold the same data exactly when these are equal,
 * whatever pgr_entity shows of them.  Elements are parsed one at a time.
 * Returns 0, or -1 when buf is not such a document or memory ran out.
 */
typedef void (*pgr_entity_json_fn)(void *ctx, const char *id, const char *json,
                                   size_t len);
int pgr_registry_each_entity_json(const char *buf, size_t len,
                                  pgr_entity_json_fn fn, void *ctx);

const char *pgr_registry_id(const pgr_registry *reg);
long long   pgr_registry_seq(const pgr_registry *reg);
time_t      pgr_registry_issued_at(const pgr_registry *reg);
time_t      pgr_registry_expires_at(const pgr_registry *reg);
/* True once now is past expires_at: still served, but every answer says so. */
int         pgr_registry_stale(const pgr_registry *reg, time_t now);

size_t pgr_registry_entity_count(const pgr_registry *reg);
/* What a valid registry holds that will not work as its keeper may think
 * (a name that is not indexed): "path: reason", at most
 * PGR_WARNINGS_KEPT of them kept; the count counts them all. */
#define PGR_WARNINGS_KEPT 100
size_t      pgr_registry_warning_count(const pgr_registry *reg);
const char *pgr_registry_warning(const pgr_registry *reg, size_t i);
const pgr_entity *pgr_registry_entity(const pgr_registry *reg, size_t i);
/* By id, or NULL.  Never allocates. */
const pgr_entity *pgr_registry_find(const pgr_registry *reg, const char *id,
                                    size_t len);
/* By id as a DN holds it, where case does not count (uid is caseIgnore):
 * the id itself, else the one id equal to it ignoring ASCII case; NULL
 * when there is none or several ("li-na" and "Li-Na").  Never allocates;
 * the second try walks every entity. */
const pgr_entity *pgr_registry_find_nocase(const pgr_registry *reg,
                                           const char *id, size_t len);
const pgr_instruction *pgr_registry_instruction(const pgr_registry *reg,
                                                const char *id);

/* True when a person's accreditation has lapsed (accredited_until < today). */
int pgr_entity_lapsed(const pgr_entity *e, time_t now);

/* -------------------------------------------------------------- matching */

typedef enum pgr_matched_on {
    PGR_ON_PHONE = 1,
    PGR_ON_PHONE_PREFIX,
    PGR_ON_EMAIL,
    PGR_ON_DOMAIN,
    PGR_ON_NAME
} pgr_matched_on;

typedef enum pgr_confidence {
    PGR_EXACT = 1,     /* an identifier (phone, e-mail, domain) */
    PGR_POSSIBLE       /* a name alone: never a warning */
} pgr_confidence;

typedef enum pgr_verdict {
    PGR_VERDICT_NONE = 0,
    PGR_VERDICT_POSSIBLE,
    PGR_VERDICT_MATCH
} pgr_verdict;

#define PGR_MAX_HITS 16

typedef struct pgr_hit {
    const pgr_entity *entity;
    pgr_matched_on    on;
    pgr_confidence    confidence;
} pgr_hit;

typedef struct pgr_result {
    size_t  count;                 /* hits, no entity twice, exact first */
    pgr_hit hit[PGR_MAX_HITS];
    char    normalized[PGR_EMAIL_MAX + 1]; /* E.164, address, domain or name key; "" */
    char    ext[PGR_EXT_MAX + 1];          /* phone extension, "" */
} pgr_result;

/*
 * Each returns out->count.  Inputs are raw client values (length-counted,
 * not necessarily NUL-terminated).  No allocation, no I/O, except
 * pgr_match_name (ICU) and IDN domains (libidn2).
 */
size_t pgr_match_phone(const pgr_registry *reg, const pgr_config *cfg,
                       const char *value, size_t len, pgr_result *out);
/* An address: the exact address, then its domain and parent domains. */
size_t pgr_match_email(const pgr_registry *reg, const char *value, size_t len,
                       pgr_result *out);
size_t pgr_match_domain(const pgr_registry *reg, const char *value, size_t len,
                        pgr_result *out);
size_t pgr_match_name(const pgr_registry *reg, const char *value, size_t len,
                      pgr_result *out);

/*
 * Cheap pre-checks for a caller that looks many values up and wants only
 * the hits (the slapd overlay, for every entry it returns).  0 means the
 * value certainly matches no registered number, number block, address or
 * domain: pgr_match_phone / pgr_match_email would return 0 hits.  1 means
 * it may: call the match function.  Only plain values are judged (ASCII
 * digits with spaces, "+-.()"; an address of letters, digits, "-_.@");
 * any other form answers 1.  A few hundred instructions, no allocation,
 * no parsing; every reading of a registered number passes (see index.c).
 */
int pgr_phone_may_match(const pgr_registry *reg, const char *value, size_t len);
int pgr_email_may_match(const pgr_registry *reg, const char *value, size_t len);

pgr_verdict pgr_result_verdict(const pgr_result *res);

/* Stable spellings used in JSON output, logs and LDAP attributes. */
const char *pgr_entity_kind_name(pgr_entity_kind kind);   /* "person" ... */
const char *pgr_role_name(pgr_role role);                 /* "plo" ... or "" */
const char *pgr_status_name(pgr_status status);           /* "active", "ended" */
const char *pgr_matched_on_name(pgr_matched_on on);       /* "phone" ... */
const char *pgr_confidence_name(pgr_confidence c);        /* "exact", "possible" */
const char *pgr_verdict_name(pgr_verdict v);              /* "match" ... */

#endif /* PGR_H */
