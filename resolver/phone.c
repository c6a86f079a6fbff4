/*
 * phone.c - phone numbers as dialed, displayed or signalled, read into
 * canonical E.164 form.
 *
 * An input is scanned once into its digits, a leading '+', an extension and
 * a tel-URI phone-context.  The digits are then read every way a person or a
 * switch could have meant them, and a reading is kept only when it is a
 * complete number by its country's length rules:
 *
 *   '+' digits          international; nothing else (no outside line).
 *   exit code digits    international (the region's exit codes: 011 for
 *                       NANP, 00 for most, 0011 for AU, 010 for JP...).
 *   trunk digits        national (1 for NANP, 0 for most, 8 for RU).
 *   digits              national without the trunk prefix.
 *   outside line ...    any of the above after the configured prefix ("9").
 *   digits (a guess)    international with the '+' left off: only when no
 *                       other reading of the same digits is complete, or
 *                       when they begin with the region's own code.  So a
 *                       Montreal 514 number is never also read as Peru.
 *
 * Readings are ranked: dialed forms first, then outside-line readings, then
 * guesses.  Registry data (pgr_phone_canonical) gets no outside-line reading
 * and guesses only the region's own code, and must have exactly one reading.
 *
 * This runs for every telephone value of every entry slapd returns, so it
 * works on the stack only: no allocation, no locale, no I/O, and the work
 * is bounded by PHONE_INPUT_MAX.
 */
#include <string.h>

#include "registry_int.h"

#define PHONE_INPUT_MAX   256  /* bytes; anything longer is not a number */
#define PHONE_DIGITS_MAX  24   /* outside line + exit code + 15 digits */
#define PHONE_CANDIDATES  16   /* readings gathered before ranking */

/* Ranks: lower is more likely. */
#define RANK_DIALED   0   /* '+', exit code, national */
#define RANK_OUTSIDE  1   /* after the outside-line prefix */
#define RANK_GUESS    2   /* international with the '+' left off */

/* ------------------------------------------------------ country codes */

#define CC_NANP     0x01  /* NPA-NXX-XXXX rules */
#define CC_ZERO_OK  0x02  /* the national number may begin with 0 */

typedef struct cc_info {
    unsigned short cc;
    unsigned char  min, max;  /* national significant number length */
    unsigned char  flags;
} cc_info;

/*
 * Every assigned ITU-T E.164 country calling code, sorted.  The codes form
 * a prefix-free set, so at most one of the 1-, 2- and 3-digit prefixes of a
 * number is a code.  Lengths follow the national numbering plans; where a
 * plan varies the range is the plan's whole range, so that no assigned
 * number is refused.
 */
static const cc_info cc_table[] = {
    {   1, 10, 10, CC_NANP },
    {   7, 10, 10, 0 }, {  20,  8, 10, 0 }, {  27,  9,  9, 0 },
    {  30, 10, 10, 0 }, {  31,  9,  9, 0 }, {  32,  8,  9, 0 },
    {  33,  9,  9, 0 }, {  34,  9,  9, 0 }, {  36,  8,  9, 0 },
    {  39,  6, 11, CC_ZERO_OK }, {  40,  9,  9, 0 }, {  41,  9,  9, 0 },
    {  43,  4, 13, 0 }, {  44,  9, 10, 0 }, {  45,  8,  8, 0 },
    {  46,  7, 10, 0 }, {  47,  8,  8, 0 }, {  48,  9,  9, 0 },
    {  49,  6, 13, 0 }, {  51,  8,  9, 0 }, {  52, 10, 10, 0 },
    {  53,  6,  8, 0 }, {  54, 10, 11, 0 }, {  55, 10, 11, 0 },
    {  56,  9,  9, 0 }, {  57,  8, 10, 0 }, {  58, 10, 10, 0 },
    {  60,  8, 10, 0 }, {  61,  9,  9, 0 }, {  62,  7, 12, 0 },
    {  63,  8, 10, 0 }, {  64,  8, 10, 0 }, {  65,  8, 11, 0 },
    {  66,  8,  9, 0 }, {  81,  9, 10, 0 }, {  82,  8, 10, 0 },
    {  84,  9, 10, 0 }, {  86, 10, 11, 0 }, {  90, 10, 10, 0 },
    {  91, 10, 10, 0 }, {  92,  8, 10, 0 }, {  93,  9,  9, 0 },
    {  94,  9,  9, 0 }, {  95,  7, 10, 0 }, {  98, 10, 10, 0 },
    { 211,  9,  9, 0 }, { 212,  9,  9, 0 }, { 213,  8,  9, 0 },
    { 216,  8,  8, 0 }, { 218,  8,  9, 0 }, { 220,  7,  7, 0 },
    { 221,  9,  9, 0 }, { 222,  8,  8, 0 }, { 223,  8,  8, 0 },
    { 224,  8,  9, 0 }, { 225,  8, 10, CC_ZERO_OK }, { 226,  8,  8, 0 },
    { 227,  8,  8, 0 }, { 228,  8,  8, 0 }, { 229,  8, 10, CC_ZERO_OK },
    { 230,  7,  8, 0 }, { 231,  7,  9, 0 }, { 232,  8,  8, 0 },
    { 233,  9,  9, 0 }, { 234,  7, 10, 0 }, { 235,  8,  8, 0 },
    { 236,  8,  8, 0 }, { 237,  9,  9, 0 }, { 238,  7,  7, 0 },
    { 239,  7,  7, 0 }, { 240,  9,  9, 0 }, { 241,  7,  8, CC_ZERO_OK },
    { 242,  9,  9, CC_ZERO_OK }, { 243,  7,  9, 0 }, { 244,  9,  9, 0 },
    { 245,  7,  9, 0 }, { 246,  7,  7, 0 }, { 247,  5,  6, 0 },
    { 248,  7,  7, 0 }, { 249,  9,  9, 0 }, { 250,  9,  9, 0 },
    { 251,  9,  9, 0 }, { 252,  7,  9, 0 }, { 253,  8,  8, 0 },
    { 254,  9, 10, 0 }, { 255,  9,  9, 0 }, { 256,  9,  9, 0 },
    { 257,  8,  8, 0 }, { 258,  8,  9, 0 }, { 260,  9,  9, 0 },
    { 261,  9,  9, 0 }, { 262,  9,  9, 0 }, { 263,  5, 10, 0 },
    { 264,  6, 10, 0 }, { 265,  7,  9, 0 }, { 266,  8,  8, 0 },
    { 267,  7,  8, 0 }, { 268,  8,  8, 0 }, { 269,  7,  7, 0 },
    { 290,  4,  5, 0 }, { 291,  7,  7, 0 }, { 297,  7,  7, 0 },
    { 298,  6,  6, 0 }, { 299,  6,  6, 0 }, { 350,  8,  8, 0 },
    { 351,  9,  9, 0 }, { 352,  4, 11, 0 }, { 353,  7,  9, 0 },
    { 354,  7,  9, 0 }, { 355,  6,  9, 0 }, { 356,  8,  8, 0 },
    { 357,  8,  8, 0 }, { 358,  5, 12, 0 }, { 359,  6,  9, 0 },
    { 370,  8,  8, 0 }, { 371,  8,  8, 0 }, { 372,  7,  8, 0 },
    { 373,  8,  8, 0 }, { 374,  8,  8, 0 }, { 375,  9, 10, 0 },
    { 376,  6,  9, 0 }, { 377,  8,  9, 0 }, { 378,  6, 10, CC_ZERO_OK },
    { 379,  6, 10, CC_ZERO_OK }, { 380,  9,  9, 0 }, { 381,  6, 12, 0 },
    { 382,  8,  9, 0 }, { 383,  8,  9, 0 }, { 385,  8,  9, 0 },
    { 386,  8,  8, 0 }, { 387,  8,  9, 0 }, { 389,  8,  8, 0 },
    { 420,  9,  9, 0 }, { 421,  9,  9, 0 }, { 423,  7,  9, 0 },
    { 500,  5,  5, 0 }, { 501,  7,  7, 0 }, { 502,  8,  8, 0 },
    { 503,  8,  8, 0 }, { 504,  8,  8, 0 }, { 505,  8,  8, 0 },
    { 506,  8,  8, 0 }, { 507,  7,  8, 0 }, { 508,  6,  6, 0 },
    { 509,  8,  8, 0 }, { 590,  9,  9, 0 }, { 591,  8,  8, 0 },
    { 592,  7,  7, 0 }, { 593,  8,  9, 0 }, { 594,  9,  9, 0 },
    { 595,  9,  9, 0 }, { 596,  9,  9, 0 }, { 597,  6,  7, 0 },
    { 598,  8,  8, 0 }, { 599,  7,  8, 0 }, { 670,  7,  8, 0 },
    { 672,  6,  6, 0 }, { 673,  7,  7, 0 }, { 674,  7,  7, 0 },
    { 675,  7,  8, 0 }, { 676,  5,  7, 0 }, { 677,  5,  7, 0 },
    { 678,  5,  7, 0 }, { 679,  7,  7, 0 }, { 680,  7,  7, 0 },
    { 681,  6,  6, 0 }, { 682,  5,  5, 0 }, { 683,  4,  7, 0 },
    { 685,  5,  7, 0 }, { 686,  5,  8, 0 }, { 687,  6,  6, 0 },
    { 688,  5,  7, 0 }, { 689,  8,  8, 0 }, { 690,  4,  7, 0 },
    { 691,  7,  7, 0 }, { 692,  7,  7, 0 }, { 800,  8,  8, 0 },
    { 808,  8,  8, 0 }, { 850,  6, 10, 0 }, { 852,  8,  9, 0 },
    { 853,  8,  8, 0 }, { 855,  8,  9, 0 }, { 856,  8, 10, 0 },
    { 870,  9,  9, 0 }, { 878, 10, 12, 0 }, { 880,  6, 10, 0 },
    { 881,  6, 12, 0 }, { 882,  7, 12, 0 }, { 883,  7, 12, 0 },
    { 886,  8,  9, 0 }, { 888,  8, 12, 0 }, { 960,  7,  7, 0 },
    { 961,  7,  8, 0 }, { 962,  8,  9, 0 }, { 963,  8,  9, 0 },
    { 964,  8, 10, 0 }, { 965,  8,  8, 0 }, { 966,  8, 10, 0 },
    { 967,  7,  9, 0 }, { 968,  8,  8, 0 }, { 970,  8,  9, 0 },
    { 971,  8,  9, 0 }, { 972,  8,  9, 0 }, { 973,  8,  8, 0 },
    { 974,  7,  8, 0 }, { 975,  7,  8, 0 }, { 976,  8,  8, 0 },
    { 977,  8, 10, 0 }, { 979,  9,  9, 0 }, { 991,  9, 12, 0 },
    { 992,  9,  9, 0 }, { 993,  8,  8, 0 }, { 994,  9,  9, 0 },
    { 995,  9,  9, 0 }, { 996,  9,  9, 0 }, { 998,  9,  9, 0 },
};

#define CC_COUNT (sizeof(cc_table) / sizeof(cc_table[0]))

static const cc_info *
cc_lookup(unsigned int cc)
{
    size_t lo = 0, hi = CC_COUNT;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cc_table[mid].cc == cc)
            return &cc_table[mid];
        if (cc_table[mid].cc < cc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The country code that d begins with, and its length in *cclen. */
static const cc_info *
cc_prefix(const char *d, size_t n, size_t *cclen)
{
    unsigned int cc = 0;
    size_t i;

    for (i = 0; i < PGR_CC_MAX_LEN && i < n; i++) {
        const cc_info *ci;

        cc = cc * 10 + (unsigned int)(d[i] - '0');
        if (cc == 0)
            return NULL;
        ci = cc_lookup(cc);
        if (ci != NULL) {
            *cclen = i + 1;
            return ci;
        }
    }
    return NULL;
}

/* For the registry's pre-filter (index.c): the split of a registered
 * number or block by this parser's own table, so that both always agree. */
size_t
pgr_phone_cc_len(const char *digits, size_t n, unsigned *nsn_min,
                 unsigned *nsn_max)
{
    const cc_info *ci;
    size_t cclen = 0, i;

    if (digits == NULL || nsn_min == NULL || nsn_max == NULL)
        return 0;
    for (i = 0; i < n && i < PGR_CC_MAX_LEN; i++)
        if (digits[i] < '0' || digits[i] > '9')
            return 0;
    ci = cc_prefix(digits, n, &cclen);
    if (ci == NULL)
        return 0;
    *nsn_min = ci->min;
    *nsn_max = ci->max;
    return cclen;
}

/* ------------------------------------------------------------ regions */

typedef struct region {
    char code[PGR_REGION_LEN + 1];
    unsigned short cc;
    const char *const *idd;   /* exit codes, most common first */
    const char *trunk;        /* national trunk prefix, "" for none */
} region;

/*
 * NANP exit code 011.  "00" is not a NANP exit code, but no NANP number
 * begins with 0, so a "00" seen here is a number written for Europe.
 */
static const char *const idd_nanp[] = { "011", "00", NULL };
static const char *const idd_00[] = { "00", NULL };
static const char *const idd_au[] = { "0011", "0014", "0015", "0018", "0019",
                                      NULL };
/* HK and SG have no trunk prefix, so "00" (as written abroad) is safe. */
static const char *const idd_hk[] = { "001", "0060", "0080", "009", "00",
                                      NULL };
static const char *const idd_id[] = { "001", "007", "008", NULL };
static const char *const idd_jp[] = { "010", NULL };
static const char *const idd_ke[] = { "000", NULL };
static const char *const idd_kr[] = { "001", "002", "005", "006", "008",
                                      NULL };
static const char *const idd_ng[] = { "009", NULL };
static const char *const idd_ru[] = { "810", NULL };
static const char *const idd_sg[] = { "001", "002", "008", "000", "00",
                                      NULL };
static const char *const idd_th[] = { "001", "007", "008", "009", NULL };
static const char *const idd_tw[] = { "002", "005", "006", "007", "009",
                                      NULL };

/* Sorted by code (binary search). */
static const region region_table[] = {
    { "AE", 971, idd_00, "0" },   { "AG", 1, idd_nanp, "1" },
    { "AI", 1, idd_nanp, "1" },   { "AR", 54, idd_00, "0" },
    { "AS", 1, idd_nanp, "1" },   { "AT", 43, idd_00, "0" },
    { "AU", 61, idd_au, "0" },    { "BB", 1, idd_nanp, "1" },
    { "BD", 880, idd_00, "0" },   { "BE", 32, idd_00, "0" },
    { "BM", 1, idd_nanp, "1" },   { "BR", 55, idd_00, "0" },
    { "BS", 1, idd_nanp, "1" },   { "CA", 1, idd_nanp, "1" },
    { "CH", 41, idd_00, "0" },    { "CL", 56, idd_00, "" },
    { "CN", 86, idd_00, "0" },    { "CO", 57, idd_00, "" },
    { "CZ", 420, idd_00, "" },    { "DE", 49, idd_00, "0" },
    { "DK", 45, idd_00, "" },     { "DM", 1, idd_nanp, "1" },
    { "DO", 1, idd_nanp, "1" },   { "EG", 20, idd_00, "0" },
    { "ES", 34, idd_00, "" },     { "FI", 358, idd_00, "0" },
    { "FR", 33, idd_00, "0" },    { "GB", 44, idd_00, "0" },
    { "GD", 1, idd_nanp, "1" },   { "GR", 30, idd_00, "" },
    { "GU", 1, idd_nanp, "1" },   { "HK", 852, idd_hk, "" },
    { "HU", 36, idd_00, "06" },   { "ID", 62, idd_id, "0" },
    { "IE", 353, idd_00, "0" },   { "IL", 972, idd_00, "0" },
    { "IN", 91, idd_00, "0" },    { "IT", 39, idd_00, "" },
    { "JM", 1, idd_nanp, "1" },   { "JP", 81, idd_jp, "0" },
    { "KE", 254, idd_ke, "0" },   { "KN", 1, idd_nanp, "1" },
    { "KP", 850, idd_00, "0" },   { "KR", 82, idd_kr, "0" },
    { "KY", 1, idd_nanp, "1" },   { "KZ", 7, idd_ru, "8" },
    { "LC", 1, idd_nanp, "1" },   { "LK", 94, idd_00, "0" },
    { "MO", 853, idd_00, "" },    { "MP", 1, idd_nanp, "1" },
    { "MS", 1, idd_nanp, "1" },   { "MX", 52, idd_00, "" },
    { "MY", 60, idd_00, "0" },    { "NG", 234, idd_ng, "0" },
    { "NL", 31, idd_00, "0" },    { "NO", 47, idd_00, "" },
    { "NZ", 64, idd_00, "0" },    { "PE", 51, idd_00, "0" },
    { "PH", 63, idd_00, "0" },    { "PK", 92, idd_00, "0" },
    { "PL", 48, idd_00, "" },     { "PR", 1, idd_nanp, "1" },
    { "PT", 351, idd_00, "" },    { "RO", 40, idd_00, "0" },
    { "RU", 7, idd_ru, "8" },     { "SA", 966, idd_00, "0" },
    { "SE", 46, idd_00, "0" },    { "SG", 65, idd_sg, "" },
    { "SX", 1, idd_nanp, "1" },   { "TC", 1, idd_nanp, "1" },
    { "TH", 66, idd_th, "0" },    { "TR", 90, idd_00, "0" },
    { "TT", 1, idd_nanp, "1" },   { "TW", 886, idd_tw, "0" },
    { "UA", 380, idd_00, "0" },   { "US", 1, idd_nanp, "1" },
    { "VC", 1, idd_nanp, "1" },   { "VE", 58, idd_00, "0" },
    { "VG", 1, idd_nanp, "1" },   { "VI", 1, idd_nanp, "1" },
    { "VN", 84, idd_00, "0" },    { "ZA", 27, idd_00, "0" },
};

#define REGION_COUNT (sizeof(region_table) / sizeof(region_table[0]))

static unsigned char
to_upper(unsigned char c)
{
    return c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a' + 'A') : c;
}

static unsigned char
to_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* code: exactly two bytes, upper-case. */
static const region *
region_lookup(const char *code)
{
    size_t lo = 0, hi = REGION_COUNT;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(region_table[mid].code, code, PGR_REGION_LEN);
        if (c == 0)
            return &region_table[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ------------------------------------------------------ configuration */

void
pgr_config_init(pgr_config *cfg)
{
    if (cfg == NULL)
        return;
    memset(cfg, 0, sizeof(*cfg));
    memcpy(cfg->region, "CA", 3);
    memcpy(cfg->outside_line, "9", 2);
}

int
pgr_config_set_region(pgr_config *cfg, const char *code)
{
    char up[PGR_REGION_LEN + 1];
    size_t i;

    if (cfg == NULL || code == NULL)
        return -1;
    for (i = 0; i < PGR_REGION_LEN; i++) {
        if (code[i] == '\0')
            return -1;
        up[i] = (char)to_upper((unsigned char)code[i]);
    }
    if (code[PGR_REGION_LEN] != '\0')
        return -1;
    up[PGR_REGION_LEN] = '\0';
    if (region_lookup(up) == NULL)
        return -1;
    memcpy(cfg->region, up, sizeof(up));
    return 0;
}

int
pgr_config_set_outside_line(pgr_config *cfg, const char *digits)
{
    size_t i;

    if (cfg == NULL || digits == NULL)
        return -1;
    for (i = 0; digits[i] != '\0'; i++)
        if (i >= PGR_OUTSIDE_LINE_MAX || digits[i] < '0' || digits[i] > '9')
            return -1;
    memcpy(cfg->outside_line, digits, i + 1);
    return 0;
}

/* ------------------------------------------------------------ scanning */

typedef enum scan_status {
    SCAN_OK = 0,
    SCAN_EMPTY,
    SCAN_TOO_LONG,
    SCAN_SYNTAX,
    SCAN_EXT_TOO_LONG
} scan_status;

typedef enum scan_state {
    ST_BASE,      /* the number itself */
    ST_MARK,      /* after an extension marker, before its digits */
    ST_EXT,       /* in the extension digits */
    ST_DONE       /* after the extension: only separators and parameters */
} scan_state;

typedef struct scan {
    char   digit[PHONE_DIGITS_MAX];
    size_t ndigit;
    int    plus;
    char   ext[PGR_EXT_MAX + 1];
    size_t next;
    char   ctx[PHONE_DIGITS_MAX];   /* tel: phone-context=+digits */
    size_t nctx;
    int    sip;                     /* sip:/sips:, so '@' ends the user part */
    int    query;                   /* skype:/callto:, so '?' ends the number */
    size_t group1;                  /* digits before the first separator
                                       that follows a digit; 0: none */
    size_t lastsep;                 /* digits before the last one */
    size_t lastdash;                /* digits before the last dash */
    int    dialed;                  /* a dialing or signalling form that
                                       registry data never holds: a
                                       service code, "\\+", a quoted name,
                                       a closing '#' or pause */
} scan;

static int
is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Drops the blanks at both ends of s[0 .. *len). */
static void
trim_spaces(const unsigned char **s, size_t *len)
{
    while (*len > 0 && is_space((*s)[0])) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && is_space((*s)[*len - 1]))
        (*len)--;
}

static int
is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Decodes one UTF-8 sequence at s[*i], strictly (no overlong forms, no
 * surrogates).  Returns the code point and advances *i, or returns -1.
 * (registry_int.h: the e-mail parser reads local parts with it too.)
 */
long
pgr_utf8_next(const unsigned char *s, size_t n, size_t *i)
{
    unsigned char c = s[*i];
    size_t need, k;
    long cp, min;

    if (c < 0x80) {
        (*i)++;
        return c;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        need = 1; cp = c & 0x1f; min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 2; cp = c & 0x0f; min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3; cp = c & 0x07; min = 0x10000;
    } else {
        return -1;
    }
    if (n - *i <= need)
        return -1;
    for (k = 1; k <= need; k++) {
        unsigned char cc = s[*i + k];
        if ((cc & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return -1;
    *i += need + 1;
    return cp;
}

/*
 * The first code point of every run of ten decimal digits (Unicode general
 * category Nd, Unicode 15), sorted: a number copied from text in any script,
 * or typed in a styled font, still reads.  tests/unit/test_phone.c checks the
 * table against ICU's u_charDigitValue over every code point.
 */
static const long digit_zero[] = {
    0x0030, 0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0a66, 0x0ae6,
    0x0b66, 0x0be6, 0x0c66, 0x0ce6, 0x0d66, 0x0de6, 0x0e50, 0x0ed0,
    0x0f20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80,
    0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900,
    0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10, 0x104a0, 0x10d30, 0x11066,
    0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0,
    0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x11f50, 0x16a60,
    0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140,
    0x1e2f0, 0x1e4f0, 0x1e950, 0x1fbf0
};

/* The value of a decimal digit of any script, or -1. */
static int
cp_digit(long cp)
{
    size_t lo = 0, hi = sizeof(digit_zero) / sizeof(digit_zero[0]);

    if (cp >= '0' && cp <= '9')
        return (int)(cp - '0');
    if (cp < digit_zero[1])
        return -1;   /* ASCII and Latin separators: no search */
    while (lo < hi) {   /* the last run starting at or before cp */
        size_t mid = lo + (hi - lo) / 2;

        if (digit_zero[mid] <= cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && cp - digit_zero[lo - 1] < 10)
        return (int)(cp - digit_zero[lo - 1]);
    return -1;
}

static int
cp_plus(long cp)
{
    return cp == '+' || cp == 0xff0b;
}

/* Visual separators: spaces, dashes, dots, slashes, brackets, line breaks
 * left inside a copied value, and the invisible marks (direction, soft
 * hyphen, zero width) that copying from other text leaves.  The dots
 * include the ideographic full stop U+3002 and its halfwidth U+FF61, what
 * a Chinese or Japanese input method types for '.' ("613。555。0142").
 * Never '_' nor the bullet U+2022: a form marks a missing digit with the
 * one ("613-555-01_2"), a masked number hides digits behind the other
 * ("+49 30 1234 ••78"), and read as separators they would leave a shorter
 * number, complete where numbers vary in length. */
static int
cp_separator(long cp)
{
    switch (cp) {
    case ' ': case '\t': case '\r': case '\n': case '\v': case '\f':
    case '-': case '.': case '/':
    case '(': case ')': case '[': case ']':
    case 0x00a0: case 0x00ad: case 0x00b7: case 0x061c: case 0x180e:
    case 0x200b: case 0x200c: case 0x200d: case 0x200e: case 0x200f:
    case 0x2027: case 0x2028: case 0x2029: case 0x202f: case 0x2043:
    case 0x205f: case 0x2060: case 0x2061: case 0x2062: case 0x2063:
    case 0x2064: case 0x2212: case 0x3000: case 0x3002: case 0x30fb:
    case 0x30fc: case 0xfe58: case 0xfe63: case 0xfeff:
    case 0xff08: case 0xff09: case 0xff0d: case 0xff0e: case 0xff0f:
    case 0xff3b: case 0xff3d: case 0xff61: case 0xff65:
        return 1;
    default:
        break;
    }
    return (cp >= 0x2000 && cp <= 0x200a) ||   /* spaces */
           (cp >= 0x2010 && cp <= 0x2015) ||   /* dashes */
           (cp >= 0x202a && cp <= 0x202e) ||   /* bidi embeddings */
           (cp >= 0x2066 && cp <= 0x2069) ||   /* bidi isolates */
           (cp >= 0xfe00 && cp <= 0xfe0f);     /* variation selectors */
}

/* Chinese "transfer to" (zhuan), as in 010-6596-1114转204. */
static int
cp_ext_mark(long cp)
{
    return cp == 0x8f6c || cp == 0x8f49;   /* simplified, traditional */
}

/*
 * 分机 and 内线, Chinese "extension" and "inside line" (simplified and
 * traditional), as in "+86 10 6596 1114 分机 204": whether cp and the
 * character at s[*i] are one of them; *i then moves past the second.
 */
static int
cn_ext_word(const unsigned char *s, size_t n, size_t *i, long cp)
{
    static const long words[][2] = {
        { 0x5206, 0x673a }, { 0x5206, 0x6a5f },   /* 分机 分機 */
        { 0x5185, 0x7ebf }, { 0x5167, 0x7dda },   /* 内线 內線 */
    };
    size_t j = *i, k;
    long second;

    if ((cp != 0x5206 && cp != 0x5185 && cp != 0x5167) || j >= n ||
        (second = pgr_utf8_next(s, n, &j)) < 0)
        return 0;   /* most characters: no second one decoded */
    for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
        if (words[k][0] == cp && words[k][1] == second) {
            *i = j;
            return 1;
        }
    return 0;
}

/*
 * The length of a service code dialed before the number, as a phone's list
 * of dialed numbers keeps it ("*67 613-555-0142"): the NANP's *67 (caller
 * ID withheld) and *70 (call waiting off), GSM's #31# and *31#.  Not *82
 * or any other star and two digits: "*82 31 2345 6789" may be a Korean
 * number with its '+' typed as a star, and no country code is 67 or 70.
 * 0 when s does not begin with one, or nothing follows it.
 */
static size_t
service_code_len(const unsigned char *s, size_t n)
{
    if (n <= 3 || (s[0] != '*' && s[0] != '#'))
        return 0;   /* most values */
    if (n > 4 && s[1] == '3' && s[2] == '1' && s[3] == '#')
        return 4;
    if (s[0] == '*' && ((s[1] == '6' && s[2] == '7') ||
                        (s[1] == '7' && s[2] == '0')))
        return 3;
    return 0;
}

/*
 * '"Wang Lihua" <6135550142>': a SIP From header, its display name in
 * quotes (a backslash escapes the next character).  Moves s to the '<'
 * when the value is a quoted name, blanks and '<', and returns 1; else
 * leaves it and returns 0.  What follows is unwrap_name_addr's.
 */
static int
skip_quoted_name(const unsigned char **s, size_t *len)
{
    const unsigned char *v = *s;
    size_t n = *len, i;
    unsigned char q;

    if (n < 4 || (v[0] != '"' && v[0] != '\''))
        return 0;
    q = v[0];
    for (i = 1; i < n && v[i] != q; i++)
        if (v[i] == '\\' && q == '"')
            i++;
    if (i >= n)
        return 0;
    for (i++; i < n && is_space(v[i]); i++)
        ;
    if (i >= n || v[i] != '<')
        return 0;
    *s = v + i;
    *len = n - i;
    return 1;
}

/* Printable ASCII other than space: what URI parameters are made of. */
static int
is_param_char(unsigned char c)
{
    return c > ' ' && c < 0x7f;
}

/*
 * A SIP name-addr, '<' URI '>' and the header's parameters after it, as
 * From, P-Asserted-Identity and Remote-Party-ID carry it:
 * "<sip:+16135550142@pbx;user=phone>;tag=as5f3c".  Narrows s to the URI,
 * its own parameters kept, and returns 1; 0 when the value is no
 * name-addr ("<" without its ">", text after it that is no parameter).
 */
static int
unwrap_name_addr(const unsigned char **s, size_t *len)
{
    const unsigned char *v = *s;
    size_t n = *len, i, k;

    if (n < 2 || v[0] != '<')
        return 0;
    for (i = 1; i < n && v[i] != '>' && v[i] != '<'; i++)
        ;
    if (i >= n || v[i] != '>')
        return 0;
    if (i + 1 < n) {
        if (v[i + 1] != ';')
            return 0;
        for (k = i + 2; k < n; k++)
            if (!is_param_char(v[k]))
                return 0;
    }
    *s = v + 1;
    *len = i - 1;
    return 1;
}

/* Words that introduce an extension, lower-case. */
static const char *const ext_words[] = {
    "x", "ext", "extn", "extension", "poste", NULL
};

/* "p" at s[w .. i), as French abbreviates poste ("613-555-0142, p. 204",
 * "p 204"); not when it ends the value, where it stays a label ("(p)"). */
static int
is_poste_abbrev(const unsigned char *s, size_t n, size_t w, size_t i)
{
    return i - w == 1 && to_lower(s[w]) == 'p' && i < n &&
           (s[i] == '.' || s[i] == ' ');
}

/* Dial pauses written as letters, "6135550142p204", "6135550142ww204",
 * "9w6135550142" (p: a pause, w: wait for a tone): right before a digit,
 * or closing the value right after one ("6135550142p"); a "p" or "w"
 * after a blank stays a label ("613-555-0142 w"). */
static int
is_pause_letters(const unsigned char *s, size_t n, size_t w, size_t i)
{
    size_t k;

    if (i < n ? s[i] < '0' || s[i] > '9'
              : w == 0 || s[w - 1] < '0' || s[w - 1] > '9')
        return 0;
    for (k = w; k < i; k++)
        if (to_lower(s[k]) != 'p' && to_lower(s[k]) != 'w')
            return 0;
    return 1;
}

int
pgr_phone_ext_word(const unsigned char *w, size_t n)
{
    size_t i, k;

    for (i = 0; ext_words[i] != NULL; i++) {
        if (strlen(ext_words[i]) != n)
            continue;
        for (k = 0; k < n; k++)
            if (to_lower(w[k]) != (unsigned char)ext_words[i][k])
                break;
        if (k == n)
            return 1;
    }
    return 0;
}

static int
is_param_end(const scan *sc, unsigned char c)
{
    return c == ';' || (sc->sip && c == '@');
}

/* A parameter's name as RFC 3966 writes them (pname: letters, digits and
 * '-'), beginning with a letter as every registered one does: what
 * follows a ';' that is no name is another number, never a parameter. */
static int
is_param_name(const unsigned char *s, size_t n)
{
    size_t i;

    if (!is_alpha(s[0]))
        return 0;
    for (i = 1; i < n; i++)
        if (!is_alpha(s[i]) && !(s[i] >= '0' && s[i] <= '9') && s[i] != '-')
            return 0;
    return 1;
}

/* phone-context=+digits with visual separators, as in RFC 3966. */
static scan_status
scan_context(scan *sc, const unsigned char *v, size_t n)
{
    size_t i;

    if (n == 0 || v[0] != '+')
        return SCAN_OK;   /* a domain name: the default region applies */
    sc->nctx = 0;
    for (i = 1; i < n; i++) {
        if (v[i] >= '0' && v[i] <= '9') {
            if (sc->nctx >= PHONE_DIGITS_MAX)
                return SCAN_TOO_LONG;
            sc->ctx[sc->nctx++] = (char)v[i];
        } else if (v[i] != '-' && v[i] != '.' && v[i] != '(' && v[i] != ')') {
            return SCAN_SYNTAX;
        }
    }
    return sc->nctx > 0 ? SCAN_OK : SCAN_SYNTAX;
}

/*
 * Parameters from s[*i] (just after a ';') up to the end or, in a SIP URI,
 * the '@'.  Only ext= and phone-context= mean anything here.
 */
static scan_status
scan_params(scan *sc, const unsigned char *s, size_t n, size_t *i)
{
    while (*i < n) {
        size_t name = *i, nlen, val, vlen;
        scan_status st;

        while (*i < n && s[*i] != '=' && !is_param_end(sc, s[*i])) {
            if (!is_param_char(s[*i]))
                return SCAN_SYNTAX;
            (*i)++;
        }
        nlen = *i - name;
        if (nlen > 0 && !is_param_name(s + name, nlen))
            return SCAN_SYNTAX;   /* "6135550199;6135550142": a list */
        val = *i;
        if (*i < n && s[*i] == '=')
            val = ++(*i);
        while (*i < n && !is_param_end(sc, s[*i])) {
            if (!is_param_char(s[*i]))
                return SCAN_SYNTAX;
            (*i)++;
        }
        vlen = *i - val;
        if (nlen == 3 && pgr_prefix_ci((const char *)s + name, nlen, "ext")) {
            size_t k;
            if (sc->ext[0] != '\0' || vlen == 0)
                return SCAN_SYNTAX;
            if (vlen > PGR_EXT_MAX)
                return SCAN_EXT_TOO_LONG;
            for (k = 0; k < vlen; k++) {
                if (s[val + k] < '0' || s[val + k] > '9')
                    return SCAN_SYNTAX;
                sc->ext[k] = (char)s[val + k];
            }
            sc->ext[vlen] = '\0';
            sc->next = vlen;
        } else if (nlen == 13 &&
                   pgr_prefix_ci((const char *)s + name, nlen,
                                 "phone-context")) {
            st = scan_context(sc, s + val, vlen);
            if (st != SCAN_OK)
                return st;
        }
        if (*i >= n || s[*i] == '@')
            return SCAN_OK;
        (*i)++;   /* the ';' */
    }
    return SCAN_OK;
}

/* Skips "tel:", "sip:", "sips:", "callto:" or "skype:" and a "//" after
 * it ("skype:+16135550142?call", a click-to-call link). */
static void
scan_scheme(scan *sc, const unsigned char *s, size_t n, size_t *i)
{
    static const char *const schemes[] = { "tel:", "sip:", "sips:", "callto:",
                                           "skype:", NULL };
    size_t k;

    if (n == 0 || !is_alpha(s[0]))
        return;   /* most values begin with a digit or a '+' */
    for (k = 0; schemes[k] != NULL; k++) {
        if (pgr_prefix_ci((const char *)s, n, schemes[k])) {
            *i = strlen(schemes[k]);
            sc->sip = schemes[k][0] == 's' && schemes[k][1] == 'i';
            sc->query = schemes[k][0] == 'c' || schemes[k][1] == 'k';
            if (n - *i >= 2 && s[*i] == '/' && s[*i + 1] == '/')
                *i += 2;
            while (*i < n && is_space(s[*i]))
                (*i)++;
            return;
        }
    }
}

static scan_status
scan_digit(scan *sc, scan_state *state, int d)
{
    switch (*state) {
    case ST_BASE:
        if (sc->ndigit >= PHONE_DIGITS_MAX)
            return SCAN_TOO_LONG;
        sc->digit[sc->ndigit++] = (char)('0' + d);
        return SCAN_OK;
    case ST_MARK:
    case ST_EXT:
        if (sc->next >= PGR_EXT_MAX)
            return SCAN_EXT_TOO_LONG;
        sc->ext[sc->next++] = (char)('0' + d);
        sc->ext[sc->next] = '\0';
        *state = ST_EXT;
        return SCAN_OK;
    case ST_DONE:
        break;
    }
    return SCAN_SYNTAX;
}

/* A hyphen or dash, as cp_separator reads them. */
static int
cp_dash(long cp)
{
    return cp == '-' || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 ||
           cp == 0xfe63 || cp == 0xff0d;
}

/* Remembers how many digits the first group of the number holds, how
 * many come before its last group, and before the last dash. */
static void
note_separator(scan *sc, scan_state state, long cp)
{
    if (state != ST_BASE)
        return;
    if (sc->group1 == 0)
        sc->group1 = sc->ndigit;
    sc->lastsep = sc->ndigit;
    if (cp_dash(cp))
        sc->lastdash = sc->ndigit;
}

/* Whether a pause here follows the outside line ("9,6135550142",
 * "9w6135550142"): too few digits before it for a number, so it is never
 * an extension's marker. */
static int
after_outside_line(const scan *sc, scan_state state)
{
    return state == ST_BASE && sc->ndigit > 0 &&
           sc->ndigit <= PGR_OUTSIDE_LINE_MAX;
}

/*
 * One pass over the input: digits, '+', separators, extension markers,
 * parameters.  Anything else (letters, '*', '%', control bytes, invalid
 * UTF-8) makes the input something other than a phone number.
 */
/*
 * Whether two middle dots stand side by side: a run of them masks digits
 * ("+49 30 1234 ··78"), where one alone parts groups ("613·555·0142");
 * read as separators, the run would leave a shorter number, complete where
 * numbers vary in length.  U+00B7, and the katakana middle dot U+30FB and
 * its halfwidth U+FF65.
 */
static int
masked_by_dots(const unsigned char *s, size_t n)
{
    static const struct { const char *run; size_t len; } dots[] = {
        { "\xc2\xb7\xc2\xb7", 4 },
        { "\xe3\x83\xbb\xe3\x83\xbb", 6 },
        { "\xef\xbd\xa5\xef\xbd\xa5", 6 },
    };
    size_t i, d;

    for (i = 0; i < n; i++) {
        if (s[i] < 0x80)
            continue;
        for (d = 0; d < sizeof(dots) / sizeof(dots[0]); d++)
            if (n - i >= dots[d].len && memcmp(s + i, dots[d].run, dots[d].len) == 0)
                return 1;
    }
    return 0;
}

static scan_status
scan_input(scan *sc, const char *in, size_t len)
{
    const unsigned char *s = (const unsigned char *)in;
    scan_state state = ST_BASE;
    unsigned char mark = 0;   /* the extension marker: 'x' (a word), '#', ',' */
    size_t i = 0, n, k;

    memset(sc, 0, sizeof(*sc));
    if (in == NULL || len == 0)
        return SCAN_EMPTY;
    /* Padding does not count against the limit: a fixed-width field. */
    trim_spaces(&s, &len);
    if (len > PHONE_INPUT_MAX)
        return SCAN_TOO_LONG;
    sc->dialed = skip_quoted_name(&s, &len);
    (void)unwrap_name_addr(&s, &len);
    n = len;
    if (n == 0)
        return SCAN_EMPTY;
    if (masked_by_dots(s, n))
        return SCAN_SYNTAX;
    scan_scheme(sc, s, n, &i);
    if ((k = service_code_len(s + i, n - i)) > 0) {
        sc->dialed = 1;
        i += k;
    }

    while (i < n) {
        unsigned char c = s[i];
        long cp;
        int d;

        if (is_alpha(c)) {
            size_t w = i;
            while (i < n && is_alpha(s[i]))
                i++;
            if (!(state == ST_BASE || (state == ST_MARK && mark == ',')) ||
                sc->ndigit == 0)
                return SCAN_SYNTAX;
            if (is_pause_letters(s, n, w, i)) {
                if (i == n) {
                    state = ST_DONE;   /* "6135550142p": nothing after */
                    sc->dialed = 1;
                } else if (after_outside_line(sc, state)) {
                    /* "9w6135550142": after the outside line, as "9," */
                    note_separator(sc, state, ',');
                    sc->dialed = 1;
                } else {
                    mark = ',';   /* as the pauses ",,204" */
                    state = ST_MARK;
                }
                continue;
            }
            /* "x204", and after a comma ", ext. 204" */
            if (!(pgr_phone_ext_word(s + w, i - w) ||
                  is_poste_abbrev(s, n, w, i)))
                return SCAN_SYNTAX;
            mark = 'x';
            state = ST_MARK;
            continue;
        }
        if (c == ',' && after_outside_line(sc, state)) {
            /* "9,6135550142": a pause after the outside line */
            note_separator(sc, state, c);
            i++;
            continue;
        }
        if (c == '#' || c == ',') {
            if (c == '#' && sc->ndigit > 0 && state != ST_BASE &&
                !(state == ST_MARK && mark == ',')) {
                /* "x#204", "Ext. #204", "6135550142##": a '#' after a
                 * marker; "x204#", "p204#": the '#' that ends a dialed
                 * extension */
                if (state != ST_MARK)
                    state = ST_DONE;
                sc->dialed = 1;
                i++;
                continue;
            }
            /* "#204", or dial pauses ",,204"; never mixed with a word. */
            if (sc->ndigit == 0 ||
                !(state == ST_BASE || (state == ST_MARK && mark == ',' &&
                                       c == ',')))
                return SCAN_SYNTAX;
            mark = c;
            state = ST_MARK;
            i++;
            continue;
        }
        if (c == ';') {
            scan_status st;
            if (state == ST_MARK)
                return SCAN_SYNTAX;
            i++;
            st = scan_params(sc, s, n, &i);
            if (st != SCAN_OK)
                return st;
            break;            /* parameters run to the end or the '@' */
        }
        if (c == '?' && sc->query) {
            if (sc->ndigit == 0)
                return SCAN_SYNTAX;
            break;            /* "?call", "?chat": what to do with it */
        }
        if (c == '@') {
            /* "6135550142@pbx.example.org": a SIP address without its
             * "sip:", as IP phones and fax gateways write it */
            if (!sc->sip && (sc->ndigit == 0 || i + 1 >= n))
                return SCAN_SYNTAX;
            break;            /* the host part says nothing about the number */
        }
        if (c == ':' || c == '=') {
            if (state != ST_MARK)
                return SCAN_SYNTAX;
            i++;
            continue;
        }
        if (c < 0x80) {   /* most values are ASCII: no decoding call */
            cp = c;
            i++;
        } else {
            cp = pgr_utf8_next(s, n, &i);
            if (cp < 0)
                return SCAN_SYNTAX;
        }
        d = cp_digit(cp);
        if (d >= 0) {
            scan_status st = scan_digit(sc, &state, d);
            if (st != SCAN_OK)
                return st;
        } else if (cp_ext_mark(cp) || cn_ext_word(s, n, &i, cp)) {
            if (state != ST_BASE || sc->ndigit == 0)
                return SCAN_SYNTAX;
            mark = 'x';
            state = ST_MARK;
        } else if (cp == 0xff1a && state == ST_MARK) {
            continue;   /* "分机：204", a fullwidth colon */
        } else if (cp_plus(cp)) {
            if (state != ST_BASE || sc->ndigit > 0 || sc->plus)
                return SCAN_SYNTAX;
            sc->plus = 1;
        } else if (cp_separator(cp)) {
            note_separator(sc, state, cp);
            if (state == ST_EXT)
                state = ST_DONE;
        } else if (cp == '\\' && i < n && s[i] == '+' && state == ST_BASE &&
                   sc->ndigit == 0 && !sc->plus) {
            sc->dialed = 1;   /* "\+16135550142": Cisco's escaped '+' */
        } else {
            return SCAN_SYNTAX;
        }
    }
    /* A marker with nothing after it: only a dialed trailing '#' is fine. */
    if (state == ST_MARK && mark != '#')
        return SCAN_SYNTAX;
    if (sc->ndigit == 0)
        return sc->plus ? SCAN_SYNTAX : SCAN_EMPTY;
    return SCAN_OK;
}

/* -------------------------------------------------------------- labels */

/*
 * Directories hold numbers with a word or two beside them: "Tel. 613-555-
 * 0142", "Mobile: +1 613 555 0142", "+1 613 555 0142 (cell)".  A label adds
 * no digit, so reading the number between the labels can only find the
 * number the value holds.  Registry data gets no labels (strict).
 */
#define LABEL_WORDS_MAX  3
#define LABEL_BYTES_MAX  40

/* Letters a label is written with: Latin, Greek, Cyrillic, kana, CJK,
 * Hangul.  Never a digit, the Chinese extension mark, or a mark that
 * cp_separator reads. */
static int
cp_label_letter(long cp)
{
    if (cp < 0x80)
        return is_alpha((unsigned char)cp);
    if (cp == 0x00d7 || cp == 0x00f7 || cp == 0x0387 || cp == 0x30fb ||
        cp == 0x30fc || cp_ext_mark(cp))
        return 0;
    return (cp >= 0x00c0 && cp <= 0x024f) ||   /* Latin */
           (cp >= 0x0386 && cp <= 0x03ce) ||   /* Greek */
           (cp >= 0x0400 && cp <= 0x045f) ||   /* Cyrillic */
           (cp >= 0x3041 && cp <= 0x30ff) ||   /* kana */
           (cp >= 0x4e00 && cp <= 0x9fff) ||   /* CJK ideographs */
           (cp >= 0xac00 && cp <= 0xd7a3);     /* Hangul */
}

/* Around a label: blanks (ASCII, no-break as French typography puts before
 * a colon, ideographic), commas and brackets, ASCII, fullwidth or
 * ideographic.  Returns ' ', ',', an opening bracket's closing one, or
 * the closing bracket itself; 0 for anything else. */
static long
label_punct(long cp)
{
    switch (cp) {
    case ' ': case '\t': case '\r': case '\n': case 0x00a0: case 0x202f:
    case 0x205f: case 0x3000:
        return ' ';
    case ',': case 0x3001: case 0xff0c:
        return ',';
    case '(':
        return ')';
    case '[':
        return ']';
    case 0xff08:
        return 0xff09;
    case 0xff3b:
        return 0xff3d;
    case ')': case ']': case 0xff09: case 0xff3d:
        return cp;
    default:
        return cp >= 0x2000 && cp <= 0x200a ? ' ' : 0;   /* spaces */
    }
}

/* The closing bracket of an opening one (label_punct), or 0. */
static long
label_closing(long cp)
{
    long p = label_punct(cp);

    return p != 0 && p != ' ' && p != ',' && p != cp ? p : 0;
}

/* The code point at s[*i], and *i past it; -1 at the end. */
static long
next_cp(const unsigned char *s, size_t n, size_t *i)
{
    return *i < n ? pgr_utf8_next(s, n, i) : -1;
}

/* Past the blanks (label_punct ' ') at s[j]. */
static size_t
skip_label_blanks(const unsigned char *s, size_t n, size_t j)
{
    size_t k;

    for (;;) {
        k = j;
        if (label_punct(next_cp(s, n, &k)) != ' ')
            return j;
        j = k;
    }
}

/* Telephone signs written as a label: U+260E, U+260F, U+2706, U+2121
 * and the emoji (receiver, mobile phone, fax, touch-tone telephones). */
static int
cp_label_sign(long cp)
{
    return cp == 0x260e || cp == 0x260f || cp == 0x2706 || cp == 0x2121 ||
           cp == 0x1f4de || cp == 0x1f4f1 || cp == 0x1f4f2 || cp == 0x1f4e0 ||
           (cp >= 0x1f57b && cp <= 0x1f580);
}

/* What may end a label word: '.', '#' ("Phone #", "Cell #"), the ordinal
 * signs of "N°" and "Nº", and an emoji's variation selectors. */
static int
cp_label_mark(long cp)
{
    return cp == '.' || cp == '#' || cp == 0x00b0 || cp == 0x00ba ||
           cp == 0xfe0e || cp == 0xfe0f;
}

/* What may join two letters within a label word: a hyphen ("Cell-phone")
 * or an apostrophe ("Officer's", "d'urgence", "d’urgence"). */
static int
cp_label_joiner(long cp)
{
    return cp == '-' || cp == '\'' || cp == 0x2010 || cp == 0x2011 ||
           cp == 0x2019;
}

/* Whether cp, after prev and before s[k], joins two letters: the '-' of
 * "cell-phone", never that of "0142 - cell". */
static int
joins_letters(const unsigned char *s, size_t n, long prev, long cp, size_t k)
{
    return cp_label_joiner(cp) && prev >= 0 && cp_label_letter(prev) &&
           k < n && cp_label_letter(pgr_utf8_next(s, n, &k));
}

/* Past the letters at s[j], and each joiner between two of them. */
static size_t
label_letters_end(const unsigned char *s, size_t n, size_t j)
{
    size_t start = j, k, m;
    long cp;

    for (;;) {
        k = j;
        cp = next_cp(s, n, &k);
        if (cp >= 0 && cp_label_letter(cp)) {
            j = k;
            continue;
        }
        if (j == start || !cp_label_joiner(cp))
            return j;
        m = k;
        cp = next_cp(s, n, &m);
        if (cp < 0 || !cp_label_letter(cp))
            return j;   /* "Cell-", "Cell-2" */
        j = m;
    }
}

/* Whether s[i] starts ":MM" of a time ("5:30", "12:00pm"): a colon, two
 * digits, then no digit. */
static int
is_clock_minutes(const unsigned char *s, size_t n, size_t i)
{
    return n - i >= 3 && s[i] == ':' && s[i + 1] >= '0' && s[i + 1] <= '9' &&
           s[i + 2] >= '0' && s[i + 2] <= '9' &&
           (n - i == 3 || s[i + 3] < '0' || s[i + 3] > '9');
}

/* Past a number of one or two ASCII digits that ends a label ("Phone 2",
 * "Mobile #1") at s[i]; i when there is none. */
static size_t
label_ordinal_end(const unsigned char *s, size_t n, size_t i)
{
    size_t j = i;

    while (j < n && j - i < 3 && s[j] >= '0' && s[j] <= '9')
        j++;
    return j - i >= 1 && j - i <= 2 ? j : i;
}

/* Past a time of day at s[i] ("5:30", "12:00", "9:00am"), or i: its
 * colon is never an extension's, nor its digits a number's. */
static size_t
clock_time_end(const unsigned char *s, size_t n, size_t i)
{
    size_t j = label_ordinal_end(s, n, i);   /* the hour: one or two digits */

    if (j == i || !is_clock_minutes(s, n, j))
        return i;
    return label_letters_end(s, n, j + 3);   /* "am", "pm", "h" */
}

/*
 * One word of a label at s[*i]: letters (joined by hyphens or
 * apostrophes) and an optional mark, a '#' alone ("Phone #:"), a
 * telephone sign ("☎ 613-555-0142"), or a time ("after 5:30").  *abuts is set
 * when the word ends in a mark or is a sign, after which the number may
 * follow with no blank ("Tel.6135550142", "Cell #613-555-0142").  An
 * extension word is none: "613-555-0142 x" stays malformed.
 */
static int
label_word(const unsigned char *s, size_t n, size_t *i, int *abuts)
{
    size_t j = label_letters_end(s, n, *i), k;
    long cp;

    *abuts = 0;
    if (j == *i && (j = clock_time_end(s, n, *i)) != *i) {
        *i = j;   /* "After 5:30 613-555-0142" */
        return 1;
    }
    if (j == *i) {   /* no letter: a '#' or a sign */
        cp = next_cp(s, n, &j);
        if (cp != '#' && !cp_label_sign(cp))
            return 0;
        *abuts = 1;
    } else if (pgr_phone_ext_word(s + *i, j - *i)) {
        return 0;
    }
    k = j;
    if (cp_label_mark(next_cp(s, n, &k))) {
        j = k;
        *abuts = 1;
    }
    *i = j;
    return 1;
}

/* One to LABEL_WORDS_MAX words from s[*i], blanks apart (or none after a
 * mark: "Tel.#"); *abuts as the last word's. */
static int
label_words(const unsigned char *s, size_t n, size_t *i, int *abuts)
{
    size_t j = *i, k;
    int words = 0, ab = 0;

    while (words < LABEL_WORDS_MAX) {
        k = j;
        if (words > 0) {
            k = skip_label_blanks(s, n, j);
            if (k == j && !ab)
                break;
        }
        if (!label_word(s, n, &k, &ab))
            break;
        *abuts = ab;
        j = k;
        words++;
    }
    if (words == 0 || j - *i > LABEL_BYTES_MAX)
        return 0;
    *i = j;
    return 1;
}

/* Past a bracketed word or two after a leading label's words ("Phone
 * (work): ", "Téléphone (bureau) : "), from s[i]; i when there is none. */
static size_t
label_bracket_end(const unsigned char *s, size_t n, size_t i)
{
    size_t j = skip_label_blanks(s, n, i), k = j;
    long close = label_closing(next_cp(s, n, &k));
    int ab;

    if (close == 0)
        return i;   /* no opening bracket */
    j = skip_label_blanks(s, n, k);
    if (!label_words(s, n, &j, &ab))
        return i;
    j = skip_label_blanks(s, n, j);
    k = j;
    return next_cp(s, n, &k) == close ? k : i;
}

/* Past a colon at s[i], ASCII or fullwidth (U+FF1A); i when there is
 * none. */
static size_t
label_colon_end(const unsigned char *s, size_t n, size_t i)
{
    if (i < n && s[i] == ':')
        return i + 1;
    if (n - i >= 3 && s[i] == 0xef && s[i + 1] == 0xbc && s[i + 2] == 0x9a)
        return i + 3;
    return i;
}

/*
 * A bracketed remark inside a label that ends in a colon, digits allowed
 * ("Phone (24/7): ", "Emergency (24 hrs): ", "Tel. (2): "): the colon says
 * it is a label.  Letters, digits, blanks and "/-.,&" only, at most
 * LABEL_BYTES_MAX bytes, and no run of more than four digits between
 * letters and commas, so that a number in it ("Phone (613-555-0142): ...")
 * is never passed over.  Digits alone, without a letter or a '/', are one
 * digit at most: "Mexico (52): 613 555 0142" holds a country code, which
 * must not be dropped.  Returns the index past it, or i.
 */
static size_t
colon_remark_end(const unsigned char *s, size_t n, size_t i)
{
    size_t j = skip_label_blanks(s, n, i), k = j, start, run = 0, digits = 0;
    long close = label_closing(next_cp(s, n, &k)), cp;
    int words = 0;

    if (close == 0)
        return i;
    for (start = k; k < n && k - start <= LABEL_BYTES_MAX;) {
        size_t at = k;

        cp = next_cp(s, n, &k);
        if (cp == close) {
            if (at == start || (!words && digits > 1))
                return i;
            return k;
        }
        if (cp >= '0' && cp <= '9') {
            digits++;
            if (++run > 4)
                return i;
        } else if (cp_label_letter(cp) || cp == ',') {
            words |= cp != ',';
            run = 0;
        } else if (cp == '/') {
            words = 1;   /* "24/7" */
        } else if (!(cp == ' ' || cp == '-' || cp == '.' || cp == '&')) {
            return i;
        }
    }
    return i;
}

/*
 * Past a leading label that ends in a colon ("Cell phone after hours: ",
 * "Téléphone du bureau principal : ", "Phone 2: ", "Mobile #1 : "), or
 * 0.  A colon marks a label whatever its length, so it may hold any
 * number of words (within the PHONE_INPUT_MAX bytes of the value), one
 * bracketed group (digits allowed: colon_remark_end) and, last, a number
 * of one or two digits.  The digits of a label are never the number's;
 * without the colon, the 1 of "Tel 1 613 555 0142" is the country code.
 */
static size_t
colon_label_end(const unsigned char *s, size_t n)
{
    size_t i = 0, k;
    int abuts, words = 0, bracket = 0;

    for (;;) {
        k = skip_label_blanks(s, n, i);
        if (label_words(s, n, &k, &abuts))
            words = 1;
        else if (!bracket && ((k = label_bracket_end(s, n, i)) != i ||
                              (k = colon_remark_end(s, n, i)) != i))
            bracket = 1;
        else
            break;
        i = k;
    }
    if (!words)
        return 0;   /* "(work): " is read by leading_label_end */
    i = skip_label_blanks(s, n, i);
    k = label_ordinal_end(s, n, i);
    if (k != i && is_clock_minutes(s, n, k))
        return 0;   /* "After 5:30 613-…": a time, no label */
    i = skip_label_blanks(s, n, k);
    k = label_colon_end(s, n, i);
    if (k == i)
        return 0;
    k = skip_label_blanks(s, n, k);
    return k < n ? k : 0;
}

/*
 * Where the number begins after a leading label ("Tel. ", "Mobile: ",
 * "Téléphone : ", "电话：", "Phone (work): ", "(work) ", "Cell #", "☎ "), or 0.  The
 * label ends in a colon, a mark, a bracket or a blank before the number,
 * so a name alone ("Wang Lihua") is no label.
 */
static size_t
leading_label_end(const unsigned char *s, size_t n)
{
    size_t i = 0, end, k;
    int abuts = 0;

    if ((end = colon_label_end(s, n)) != 0)
        return end;
    if (label_words(s, n, &i, &abuts))
        end = label_bracket_end(s, n, i);   /* "Phone (work)" */
    else if ((end = label_bracket_end(s, n, 0)) == 0)
        return 0;   /* neither words nor a bracketed label ("(work)") */
    if (end != i) {   /* and words after it: "Phone (work) #: ", "(W) Tel: " */
        i = end;
        abuts = 1;
        end = skip_label_blanks(s, n, i);
        if (label_words(s, n, &end, &abuts))
            i = end;
        if (i > LABEL_BYTES_MAX)
            return 0;
    }
    end = skip_label_blanks(s, n, i);
    k = label_colon_end(s, n, end);
    if (k == end && end == i && !abuts)
        return 0;   /* "Tel6135550142", or letters to the end */
    end = skip_label_blanks(s, n, k);
    return end < n ? end : 0;
}

/*
 * Where a trailing label ("(mobile)", "[work]", ", cell", " home office",
 * "（办公室）") begins in s[from .. n), or n when there is none.  The label
 * is what follows the last code point no label holds (the number's last
 * digit), set off by a blank, a comma or a bracket.
 */
static size_t
trailing_label_start(const unsigned char *s, size_t from, size_t n)
{
    size_t i = from, k, last = from, j, at;
    long cp, close, p, prev = -1;
    int abuts;

    while (i < n) {
        k = i;
        cp = pgr_utf8_next(s, n, &k);
        if (cp < 0)
            return n;
        if (!cp_label_letter(cp) && !cp_label_mark(cp) &&
            !cp_label_sign(cp) && label_punct(cp) == 0 &&
            !joins_letters(s, n, prev, cp, k))
            last = k;
        prev = cp;
        i = k;
    }
    if (last == from || last == n)
        return n;
    /* blanks and commas, then an opening bracket */
    for (j = last;; j = k) {
        k = j;
        cp = next_cp(s, n, &k);
        p = label_punct(cp);
        if (p != ' ' && p != ',')
            break;
    }
    close = label_closing(cp);
    if (close != 0) {
        j = k;
    } else if (j == last) {
        return n;   /* "0142cell" */
    }
    j = skip_label_blanks(s, n, j);
    if (!label_words(s, n, &j, &abuts))
        return n;
    /* blanks, the closing bracket, blanks, the end */
    at = j;
    for (;;) {
        k = at;
        cp = next_cp(s, n, &k);
        if (cp < 0)
            break;
        if (label_punct(cp) == ' ') {
            at = k;
        } else if (close != 0 && cp == close) {
            close = 0;
            at = k;
        } else {
            return n;
        }
    }
    return close == 0 ? last : n;
}

/*
 * Whether a trailing group's content s[b .. e) is a remark ("24/7",
 * "9am-5pm", "2nd line", "Embassy of X, Ottawa"): it holds a letter or a
 * digit, is not an extension word alone ("x", "ext."), and no run of
 * digits in it, between letters, colons and commas, could be a number
 * ("08:00-17:00" has none; "613-555-0199" is one, so a value listing two
 * numbers is still read as a list).
 */
#define GROUP_RUN_DIGITS_MAX  4

static int
group_is_remark(const unsigned char *s, size_t b, size_t e)
{
    size_t i = b, k, w, run = 0;
    long cp;
    int seen = 0;

    while (i < e) {
        k = i;
        cp = pgr_utf8_next(s, e, &k);
        if (cp < 0)
            return 0;
        if (cp_digit(cp) >= 0) {
            if (++run > GROUP_RUN_DIGITS_MAX)
                return 0;
            seen = 1;
        } else if (cp_label_letter(cp) || cp == ':' ||
                   label_punct(cp) == ',') {
            run = 0;
            seen |= cp_label_letter(cp);
        }
        i = k;
    }
    b = skip_label_blanks(s, e, b);
    for (w = b; w < e && is_alpha(s[w]); w++)
        ;
    if (w > b && pgr_phone_ext_word(s + b, w - b) &&
        skip_label_blanks(s, e, w + (w < e && s[w] == '.')) == e)
        return 0;   /* "(x)", "(ext.)" */
    return seen;
}

/*
 * Where a trailing bracketed remark ("(24/7)", "[2nd line]", "(Embassy
 * of X, Ottawa)") leaves the number in s[0 .. n), or n when there is
 * none.  The group is the value's last, opened by its last opening
 * bracket and closed by its last code point, with no bracket inside.
 */
static size_t
trailing_group_start(const unsigned char *s, size_t n)
{
    size_t i = 0, k, last = 0, num_end = 0, open_end = n, close_at = n;
    long cp, p, opens, close = 0;

    while (i < n) {
        k = i;
        cp = pgr_utf8_next(s, n, &k);
        if (cp < 0)
            return n;
        p = label_punct(cp);
        if ((opens = label_closing(cp)) != 0) {
            close = opens;
            num_end = last;
            open_end = k;
        } else if (p == cp && p != ' ' && p != ',') {   /* a closing one */
            if (k == n && cp == close)
                close_at = i;
            else
                close = 0;   /* "(a) (b", "(a (b))", "(a]" */
        }
        if (p != ' ' && p != ',')
            last = k;
        i = k;
    }
    if (close_at == n || num_end == 0)
        return n;   /* no group, or nothing before it: "(work)" */
    return group_is_remark(s, open_end, close_at) ? num_end : n;
}

/* The number before a value's closing remark, in[*off .. *off +
 * *out_len); 0 when there is none.  Most values end in a digit: one byte
 * tells. */
static int
strip_remark(const char *in, size_t len, size_t *off, size_t *out_len)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t e;
    unsigned char c;

    if (len == 0 || (in[len - 1] >= '0' && in[len - 1] <= '9'))
        return 0;   /* the common case, before any call */
    trim_spaces(&s, &len);
    if (len == 0 || len > PHONE_INPUT_MAX)
        return 0;
    c = s[len - 1];
    if (c != ')' && c != ']' && c != 0x89 && c != 0xbd)   /* U+FF09, U+FF3D */
        return 0;
    e = trailing_group_start(s, len);
    if (e == len)
        return 0;
    *off = (size_t)(s - (const unsigned char *)in);
    *out_len = e;
    return 1;
}

/* The number between a value's labels, s[*off .. *off + *len); 0 when
 * the value has no label. */
static int
strip_labels(const char *in, size_t len, size_t *off, size_t *out_len)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t b, e;

    trim_spaces(&s, &len);
    if (len > PHONE_INPUT_MAX)
        return 0;
    b = leading_label_end(s, len);
    e = trailing_label_start(s, b, len);
    if (b == 0 && e == len)
        return 0;
    *off = (size_t)(s - (const unsigned char *)in) + b;
    *out_len = e - b;
    return 1;
}

/*
 * A label between the number and its extension: "613-555-0142 (cell) x204",
 * "613-555-0142 cell, ext. 204", "Tel: +1 613 555 0142 [work] ext 204".
 * The label is left out and the rest read again (parse), so the number
 * and its extension are read as in "613-555-0142 x204 (cell)".  The label
 * holds letters only (words as label_letters_end reads them, a '.' after
 * each, brackets and blanks around): no digit, so that leaving it out
 * drops no digit of a number ("613-555-0142 (2) x204" stays unread), and
 * no '#', which may be the extension's own marker.  The extension's
 * digits stay an extension: a long one is looked up as a number only as
 * pgr_match_phone looks up any extension of five digits or more.
 */

/* Whether an extension begins at s[i]: a marker (an extension word, "p."
 * or "p " of poste, '#', 转, 分机...) and, past '.', ':', '#' and
 * blanks, a digit. */
static int
ext_clause_at(const unsigned char *s, size_t n, size_t i)
{
    size_t j = i, k;
    long cp;

    if (i >= n)
        return 0;
    if (is_alpha(s[i])) {
        while (j < n && is_alpha(s[j]))
            j++;
        if (!pgr_phone_ext_word(s + i, j - i) && !is_poste_abbrev(s, n, i, j))
            return 0;
    } else if (s[i] == '#') {
        j++;
    } else {
        cp = next_cp(s, n, &j);
        if (cp < 0 || !(cp_ext_mark(cp) || cn_ext_word(s, n, &j, cp)))
            return 0;
    }
    for (;;) {   /* "ext. 204", "Ext: 204", "x #204", "分机：204" */
        k = j;
        cp = next_cp(s, n, &k);
        if (cp == '.' || cp == ':' || cp == '#' || cp == 0xff1a ||
            label_punct(cp) == ' ')
            j = k;
        else
            return cp >= 0 && cp_digit(cp) >= 0;
    }
}

/* Past one to LABEL_WORDS_MAX label words from s[i], blanks apart, each
 * letters and an optional '.', none an extension word or the "p" of
 * poste; the words stop before an extension.  i when there is none. */
static size_t
middle_words_end(const unsigned char *s, size_t n, size_t i)
{
    size_t j = i, k, e;
    int words = 0;

    while (words < LABEL_WORDS_MAX) {
        k = words > 0 ? skip_label_blanks(s, n, j) : j;
        if ((words > 0 && k == j) || ext_clause_at(s, n, k))
            break;
        e = label_letters_end(s, n, k);
        if (e == k || pgr_phone_ext_word(s + k, e - k) ||
            is_poste_abbrev(s, n, k, e))
            break;
        if (e < n && s[e] == '.')
            e++;
        j = e;
        words++;
    }
    return words > 0 && j - i <= LABEL_BYTES_MAX ? j : i;
}

/* Past a bracketed label of words at s[i] ("(cell)", "[ work ]",
 * "（办公室）"); i when there is none. */
static size_t
middle_bracket_end(const unsigned char *s, size_t n, size_t i)
{
    size_t j = i, k;
    long close = label_closing(next_cp(s, n, &j));

    if (close == 0)
        return i;
    j = skip_label_blanks(s, n, j);
    k = middle_words_end(s, n, j);
    if (k == j)
        return i;
    j = skip_label_blanks(s, n, k);
    return next_cp(s, n, &j) == close ? j : i;
}

/* Past a label at s[i], just after a digit, that an extension follows
 * (blanks and at most one comma between them); i when there is none.
 * Words must be set off from the digit ("0142cell x204" is no label). */
static size_t
middle_label_end(const unsigned char *s, size_t n, size_t i)
{
    size_t j = i, k, end;
    long p;

    for (;; j = k) {   /* blanks and commas after the digit */
        k = j;
        p = label_punct(next_cp(s, n, &k));
        if (p != ' ' && p != ',')
            break;
    }
    end = middle_bracket_end(s, n, j);
    if (end == j && (j == i || (end = middle_words_end(s, n, j)) == j))
        return i;
    j = skip_label_blanks(s, n, end);
    k = j;
    if (label_punct(next_cp(s, n, &k)) == ',')
        j = skip_label_blanks(s, n, k);
    return ext_clause_at(s, n, j) ? end : i;
}

/* Whether s holds a byte that may begin an extension's marker: a letter,
 * '#', or a byte of a Chinese one.  Most values that read as no number
 * hold none (the parts of a list), and are passed at once. */
static int
may_hold_marker(const unsigned char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (is_alpha(s[i]) || s[i] == '#' || s[i] >= 0x80)
            return 1;
    return 0;
}

/* The value without a label between its number and its extension, in buf
 * (PHONE_INPUT_MAX bytes) and *out_len; 0 when it has none. */
static int
cut_middle_label(const char *in, size_t len, char *buf, size_t *out_len)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0, k, e;
    long cp;
    int digit = 0;

    trim_spaces(&s, &len);
    if (len > PHONE_INPUT_MAX || !may_hold_marker(s, len))
        return 0;
    while (i < len) {
        if (digit && (e = middle_label_end(s, len, i)) != i) {
            memcpy(buf, s, i);
            memcpy(buf + i, s + e, len - e);
            *out_len = len - (e - i);
            return 1;
        }
        k = i;
        if ((cp = pgr_utf8_next(s, len, &k)) < 0)
            return 0;
        digit = cp_digit(cp) >= 0;
        i = k;
    }
    return 0;
}

/* ------------------------------------------------------------- readings */

typedef struct candidate {
    pgr_phone phone;
    int rank;
    int written_cc;   /* read after a '+' or an exit code, not guessed */
} candidate;

typedef struct candidates {
    size_t n;
    candidate c[PHONE_CANDIDATES];
} candidates;

/* Adds "+" cc nsn; a reading already present keeps the better rank. */
static void
add_reading(candidates *cs, const char *cc, size_t cclen,
            const char *nsn, size_t nlen, int rank, int written_cc)
{
    pgr_phone p;
    size_t i, total = cclen + nlen;

    if (total < PGR_E164_MIN || total > PGR_E164_MAX)
        return;
    memset(&p, 0, sizeof(p));
    p.e164[0] = '+';
    memcpy(p.e164 + 1, cc, cclen);
    memcpy(p.e164 + 1 + cclen, nsn, nlen);
    p.e164[1 + total] = '\0';
    p.ndigits = (unsigned char)total;
    for (i = 0; i < total; i++)
        p.key = p.key * 10 + (uint64_t)(p.e164[1 + i] - '0');

    for (i = 0; i < cs->n; i++) {
        if (cs->c[i].phone.key == p.key &&
            cs->c[i].phone.ndigits == p.ndigits) {
            if (rank < cs->c[i].rank)
                cs->c[i].rank = rank;
            cs->c[i].written_cc |= written_cc;
            return;
        }
    }
    if (cs->n < PHONE_CANDIDATES) {
        cs->c[cs->n].phone = p;
        cs->c[cs->n].rank = rank;
        cs->c[cs->n].written_cc = written_cc;
        cs->n++;
    }
}

/* Whether nsn is a complete national significant number of the country. */
static int
nsn_complete(const cc_info *ci, const char *nsn, size_t n)
{
    if (n < ci->min || n > ci->max)
        return 0;
    if (nsn[0] == '0' && !(ci->flags & CC_ZERO_OK))
        return 0;
    if (ci->flags & CC_NANP) {
        /* NPA and exchange begin 2-9; N11 codes are service codes. */
        if (nsn[0] < '2' || nsn[3] < '2')
            return 0;
        if (nsn[1] == '1' && nsn[2] == '1')
            return 0;
    }
    return 1;
}

/*
 * d begins with a country code.  A 0 right after the code is a trunk prefix
 * written by mistake ("+44 (0)20 ...") where the national number cannot
 * begin with 0.  Returns 1 when a complete reading was found.
 */
static int
read_international(candidates *cs, const char *d, size_t n, int rank)
{
    const cc_info *ci;
    size_t cclen = 0;
    const char *nsn;
    size_t nlen;

    ci = cc_prefix(d, n, &cclen);
    if (ci == NULL)
        return 0;
    nsn = d + cclen;
    nlen = n - cclen;
    if (nlen > 0 && nsn[0] == '0' && !(ci->flags & CC_ZERO_OK)) {
        nsn++;
        nlen--;
    }
    if (nlen == 0 || !nsn_complete(ci, nsn, nlen))
        return 0;
    add_reading(cs, d, cclen, nsn, nlen, rank, rank < RANK_GUESS);
    return 1;
}

/* d is a national number of the region, without trunk prefix. */
static int
read_national(candidates *cs, const region *r, const char *d, size_t n,
              int rank)
{
    const cc_info *ci = cc_lookup(r->cc);
    char cc[PGR_CC_MAX_LEN];
    size_t cclen = 0, k;
    unsigned int v;

    if (ci == NULL || n == 0 || !nsn_complete(ci, d, n))
        return 0;
    for (v = r->cc; v > 0 && cclen < PGR_CC_MAX_LEN; v /= 10)
        cc[cclen++] = (char)('0' + v % 10);
    for (k = 0; k < cclen / 2; k++) {       /* written backwards above */
        char t = cc[k];
        cc[k] = cc[cclen - 1 - k];
        cc[cclen - 1 - k] = t;
    }
    add_reading(cs, cc, cclen, d, n, rank, 0);
    return 1;
}

static int
has_digits_prefix(const char *d, size_t n, const char *prefix)
{
    size_t plen = strlen(prefix);

    return plen > 0 && n > plen && memcmp(d, prefix, plen) == 0;
}

/* Whether d begins with the region's own country code. */
static int
has_own_cc(const region *r, const char *d, size_t n)
{
    const cc_info *ci;
    size_t cclen = 0;

    ci = cc_prefix(d, n, &cclen);
    return ci != NULL && r != NULL && ci->cc == r->cc;
}

typedef enum guess_mode {
    GUESS_NONE,     /* never read a bare string as international */
    GUESS_OWN_CC,   /* only when it begins with the region's own code */
    GUESS_ANY       /* also when no other reading is complete */
} guess_mode;

/* International readings of what follows each of the exit codes idd
 * (NULL-terminated) that d begins with; whether there was one. */
static int
read_after_exit_code(candidates *cs, const char *const *idd, const char *d,
                     size_t n, int rank)
{
    int found = 0;
    size_t i;

    for (i = 0; idd[i] != NULL; i++)
        if (has_digits_prefix(d, n, idd[i]))
            found |= read_international(cs, d + strlen(idd[i]),
                                        n - strlen(idd[i]), rank);
    return found;
}

/*
 * Digits without '+': after an exit code, national with and without the
 * trunk prefix and, per guess, international with the '+' left off.
 */
static void
read_dialed(candidates *cs, const region *r, const char *d, size_t n,
            int rank, guess_mode guess)
{
    int found = 0;

    if (r != NULL) {
        found |= read_after_exit_code(cs, r->idd, d, n, rank);
        if (has_digits_prefix(d, n, r->trunk)) {
            size_t l = strlen(r->trunk);
            found |= read_national(cs, r, d + l, n - l, rank);
        }
        found |= read_national(cs, r, d, n, rank);
    }
    if ((guess == GUESS_ANY && !found) ||
        (guess != GUESS_NONE && has_own_cc(r, d, n)))
        read_international(cs, d, n, RANK_GUESS);
}

/* Whether the first n readings of out (a first pass over the value) hold
 * p already. */
static int
has_reading(const pgr_phone_readings *out, size_t n, const pgr_phone *p)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (out->reading[i].key == p->key &&
            out->reading[i].ndigits == p->ndigits)
            return 1;
    return 0;
}

static void
rank_readings(const candidates *cs, pgr_phone_readings *out)
{
    size_t i, before = out->count;
    int rank;

    for (rank = RANK_DIALED; rank <= RANK_GUESS; rank++)
        for (i = 0; i < cs->n && out->count < PGR_PHONE_READINGS; i++)
            if (cs->c[i].rank == rank &&
                !has_reading(out, before, &cs->c[i].phone))
                out->reading[out->count++] = cs->c[i].phone;
}

static const region *
config_region(const pgr_config *cfg)
{
    char up[PGR_REGION_LEN + 1];
    size_t i;

    for (i = 0; i < PGR_REGION_LEN; i++) {
        if (cfg->region[i] == '\0')
            return NULL;
        up[i] = (char)to_upper((unsigned char)cfg->region[i]);
    }
    up[PGR_REGION_LEN] = '\0';
    return region_lookup(up);
}

/* The outside-line digits, or "" when not configured or not digits. */
static const char *
config_outside_line(const pgr_config *cfg)
{
    size_t i;

    for (i = 0; i <= PGR_OUTSIDE_LINE_MAX; i++) {
        if (cfg->outside_line[i] == '\0')
            return cfg->outside_line;
        if (cfg->outside_line[i] < '0' || cfg->outside_line[i] > '9')
            return "";
    }
    return "";
}

/*
 * "+011 1 613 555 0142", "+0044 20 7946 0012": an exit code written after
 * the '+'.  No country code begins with 0, so the digits have no other
 * reading; the exit codes tried are the region's and the two most common.
 */
static void
read_plus_exit_code(candidates *cs, const region *r, const char *d, size_t n)
{
    static const char *const common[] = { "011", "00", NULL };

    if (n == 0 || d[0] != '0')
        return;
    if (r != NULL)
        (void)read_after_exit_code(cs, r->idd, d, n, RANK_DIALED);
    (void)read_after_exit_code(cs, common, d, n, RANK_DIALED);
}

/*
 * Whether the outside-line digits ol may begin this number.  Digits written
 * in groups show where the number starts: "9 613 555 0142", "9-1-613...",
 * "9011 44...", "901144 20..." have the outside line alone or with the
 * trunk prefix or an exit code (and a country code) in the first group;
 * in "961 3 555 0142" (a number of country 961 with its '+' left off) the
 * group runs into the area code, so it is not 9 + 613 555 0142.
 * Ungrouped digits ("96135550142", as a PBX shows a caller) keep both
 * readings.
 */
static int
outside_line_fits(const scan *sc, const region *r, const char *ol)
{
    size_t l = strlen(ol), i;
    const char *d = sc->digit + l;
    size_t n = sc->ndigit - l;

    if (l == 0 || !has_digits_prefix(sc->digit, sc->ndigit, ol))
        return 0;
    if (sc->group1 == 0 || sc->group1 == l)
        return 1;
    if (r == NULL)
        return 0;
    if (has_digits_prefix(d, n, r->trunk) && sc->group1 == l + strlen(r->trunk))
        return 1;
    for (i = 0; r->idd[i] != NULL; i++) {
        size_t x = strlen(r->idd[i]), cclen = 0;

        if (!has_digits_prefix(d, n, r->idd[i]))
            continue;
        /* "9011 44 ...", and "901144 20 7946 0042" with the country code */
        if (sc->group1 == l + x ||
            (cc_prefix(d + x, n - x, &cclen) != NULL &&
             sc->group1 == l + x + cclen))
            return 1;
    }
    return 0;
}

/* The readings of the digits d[0 .. n) of a scanned number into cs. */
static void
read_digits(const pgr_config *cfg, const scan *sc, const char *d, size_t n,
            candidates *cs, int strict)
{
    const region *r = config_region(cfg);
    const char *ol;

    if (sc->plus) {
        read_international(cs, d, n, RANK_DIALED);
        if (!strict)
            read_plus_exit_code(cs, r, d, n);
    } else if (strict) {
        read_dialed(cs, r, d, n, RANK_DIALED, GUESS_OWN_CC);
    } else {
        read_dialed(cs, r, d, n, RANK_DIALED, GUESS_ANY);
        ol = config_outside_line(cfg);
        if (has_digits_prefix(d, n, ol) && outside_line_fits(sc, r, ol)) {
            size_t l = strlen(ol);
            read_dialed(cs, r, d + l, n - l, RANK_OUTSIDE, GUESS_NONE);
        }
    }
}

/* Whether cs holds a reading better than a guess. */
static int
has_sure_reading(const candidates *cs)
{
    size_t i;

    for (i = 0; i < cs->n; i++)
        if (cs->c[i].rank < RANK_GUESS)
            return 1;
    return 0;
}

/*
 * Whether a group of tail digits after the reading c can only be its
 * extension: every number of c's country has one length, as the NANP's
 * ten digits; or c's country code was written ('+' or an exit code) and
 * the group is too long to be the end of one of its numbers
 * ("+86-10-6596-1114-204": no Chinese number has 13 digits).
 */
static int
ext_group_fits(const candidate *c, size_t tail)
{
    const cc_info *ci;
    size_t cclen = 0;

    ci = cc_prefix(c->phone.e164 + 1, c->phone.ndigits, &cclen);
    if (ci == NULL)
        return 0;
    return ci->min == ci->max ||
           (c->written_cc && c->phone.ndigits - cclen + tail > ci->max);
}

/*
 * "613-555-0142-204", "+1-613-555-0142 - 204", "+86-10-6596-1114-204": an
 * extension written as one more group after a dash, with no marker.  Only
 * when the digits together read as no number (a guess aside) and those
 * before the group read as a number the group cannot be the end of
 * (ext_group_fits): "011-44-20-7946-0012" is no number in the United
 * Kingdom, and not +44 114 420 7946 either.  A group after
 * a blank alone stays unread: "6135550142 99" may be two pieces of text.
 * The pre-check (index.c, tail_may_match) judges the same digits.
 */
static void
read_unmarked_ext(const pgr_config *cfg, scan *sc, candidates *cs)
{
    size_t tail = sc->ndigit - sc->lastsep, i, kept;
    candidates more;

    if (sc->lastsep == 0 || sc->lastdash != sc->lastsep || tail == 0 ||
        tail > PGR_UNMARKED_EXT_MAX || sc->ext[0] != '\0' || sc->nctx > 0 ||
        has_sure_reading(cs))
        return;
    more.n = 0;
    read_digits(cfg, sc, sc->digit, sc->lastsep, &more, 0);
    for (i = 0, kept = 0; i < more.n; i++)
        if (ext_group_fits(&more.c[i], tail))
            more.c[kept++] = more.c[i];
    if (kept == 0)
        return;
    for (i = 0; i < kept; i++)   /* a guess of the whole may be one */
        add_reading(cs, more.c[i].phone.e164 + 1, more.c[i].phone.ndigits,
                    "", 0, more.c[i].rank, more.c[i].written_cc);
    memcpy(sc->ext, sc->digit + sc->lastsep, tail);
    sc->ext[tail] = '\0';
}

/* The readings of a scanned number into out. */
static scan_status
read_scanned(const pgr_config *cfg, scan *sc, pgr_phone_readings *out,
             int strict)
{
    candidates cs;
    size_t before;

    /* tel:5550142;phone-context=+1613 is +16135550142. */
    if (sc->nctx > 0 && !sc->plus) {
        if (sc->nctx + sc->ndigit > PHONE_DIGITS_MAX)
            return SCAN_TOO_LONG;
        memmove(sc->digit + sc->nctx, sc->digit, sc->ndigit);
        memcpy(sc->digit, sc->ctx, sc->nctx);
        sc->ndigit += sc->nctx;
        sc->plus = 1;
    }

    cs.n = 0;
    read_digits(cfg, sc, sc->digit, sc->ndigit, &cs, strict);
    if (!strict)
        read_unmarked_ext(cfg, sc, &cs);
    before = out->count;
    rank_readings(&cs, out);
    if (before == 0 && out->count > 0)
        memcpy(out->ext, sc->ext, sizeof(out->ext));
    return SCAN_OK;
}

/*
 * The passes over a value that is not read at once: its labels off
 * ("Cell: 613 555 (0142)" is read with its last group), then its closing
 * remark off, then the labels the remark hid ("613-555-0142 cell
 * (24/7)").  Readings add up from pass to pass.  A label between the
 * number and its extension is no pass: parse reads the value again
 * without it (cut_middle_label) when no pass gave a reading.
 */
typedef enum pass_stage {
    PASS_LABELS,
    PASS_REMARK,
    PASS_LABELS_AGAIN,
    PASS_NONE
} pass_stage;

/* Whether to read in[*off .. *off + *n) next, after a pass that ended in
 * st; *stage moves on. */
static int
next_pass(pass_stage *stage, scan_status st, const pgr_phone_readings *out,
          const char *in, size_t len, size_t *off, size_t *n)
{
    int unread = st == SCAN_SYNTAX || (st == SCAN_OK && out->count == 0);

    if (*stage == PASS_LABELS) {
        *stage = PASS_REMARK;
        if (unread && strip_labels(in, len, off, n))
            return 1;
    }
    if (*stage == PASS_REMARK) {
        *stage = PASS_LABELS_AGAIN;
        return (st == SCAN_OK || st == SCAN_SYNTAX) &&
               strip_remark(in, len, off, n);
    }
    if (*stage == PASS_LABELS_AGAIN) {
        *stage = PASS_NONE;
        return unread && strip_labels(in, len, off, n);
    }
    return 0;
}

/* A tel:, sip: or sips: URI with %XX escapes ("tel:+1%20613%20555%200142",
 * a link's href copied from a browser), which parse reads decoded. */
static int
escaped_uri(const char *in, size_t len)
{
    return in != NULL && len <= PHONE_INPUT_MAX && memchr(in, '%', len) != NULL &&
           (pgr_prefix_ci(in, len, "tel:") || pgr_prefix_ci(in, len, "sip:") ||
            pgr_prefix_ci(in, len, "sips:"));
}

/* How parse reads a value: registry data, strictly; and, in a value read
 * again without its middle label, no other one is looked for. */
#define PARSE_STRICT     1
#define PARSE_NO_MIDDLE  2

static scan_status parse(const pgr_config *cfg, const char *in, size_t len,
                         pgr_phone_readings *out, int mode);

/* The value with its escapes decoded, read as parse reads a value; only
 * when the value as written is no number (not on the hot path). */
static scan_status
parse_unescaped(const pgr_config *cfg, const char *in, size_t len,
                pgr_phone_readings *out, scan_status st, int mode)
{
    char buf[PHONE_INPUT_MAX + 1];
    size_t n;

    if (pgr_percent_decode(in, len, -1, buf, sizeof(buf), &n) != 0 ||
        memchr(buf, '%', n) != NULL)
        return st;   /* a bad escape, or one that makes another ("%2520") */
    return parse(cfg, buf, n, out, mode);
}

/* The value read again without the label between its number and its
 * extension (cut_middle_label); only when it reads as no number as
 * written.  Returns whether that gave a reading. */
static int
parse_without_middle(const pgr_config *cfg, const char *in, size_t len,
                     pgr_phone_readings *out, int mode)
{
    char buf[PHONE_INPUT_MAX];
    size_t n;

    if (!cut_middle_label(in, len, buf, &n))
        return 0;
    (void)parse(cfg, buf, n, out, mode | PARSE_NO_MIDDLE);
    return out->count > 0;
}

static const region *config_region(const pgr_config *cfg);

/*
 * "*82 613-555-0142": the NANP's *82 (caller ID shown for this one call,
 * dialed routinely where an agency withholds it by default), as a phone's
 * list of dialed numbers keeps it.  Where the region dials +1, the number
 * after it is read when the value reads as no number as written, and only
 * when it is grouped as North American numbers are and no Korean one is
 * (its first group of digits 3 long, "613-555-0142", "(613) 555-0142";
 * the trunk 1, "1 613 555 0142"; or 11 digits from a 1, "16135550142",
 * longer than any number after +82).  Not elsewhere, and not as
 * service_code_len's codes are: "*82 31 2345 6789" and "*823123456789"
 * may be a Korean number with its '+' typed as a star.  The offset of the
 * number in in, or 0.
 */
static size_t
star82_number(const pgr_config *cfg, const char *in, size_t len)
{
    const region *r;
    size_t i = 0, at, g;

    while (i < len && (in[i] == ' ' || in[i] == '\t'))
        i++;
    if (len - i <= 3 || memcmp(in + i, "*82", 3) != 0)
        return 0;
    r = cfg != NULL ? config_region(cfg) : NULL;
    if (r == NULL || r->cc != 1)
        return 0;
    at = i + 3;
    for (i = at; i < len && (in[i] == ' ' || in[i] == '(' || in[i] == '-'); i++)
        ;
    for (g = 0; i < len && in[i] >= '0' && in[i] <= '9'; i++)
        g++;
    if (g == 3 || ((g == 1 || g == 11) && in[i - g] == '1'))
        return at;
    return 0;
}

static scan_status
parse(const pgr_config *cfg, const char *in, size_t len,
      pgr_phone_readings *out, int mode)
{
    const char *in0 = in;
    size_t len0 = len;
    pgr_config defaults;
    scan sc;
    scan_status st;
    size_t off, n;
    int strict = mode & PARSE_STRICT;
    pass_stage stage = strict ? PASS_NONE : PASS_LABELS;

    memset(out, 0, sizeof(*out));
    if (cfg == NULL) {
        pgr_config_init(&defaults);
        cfg = &defaults;
    }
    /* One call site, so that scan_input stays inlined on the hot path;
     * more passes (next_pass) only for a value with labels or a closing
     * remark.  A remark is passed over even when the value reads, since
     * its digits may have made another number of it ("613-555-0142 (2)"
     * reads +61355501422 too). */
    for (;;) {
        st = scan_input(&sc, in, len);
        if (st == SCAN_OK && strict && sc.dialed)
            st = SCAN_SYNTAX;   /* registry data is written, not dialed */
        if (st == SCAN_OK)
            st = read_scanned(cfg, &sc, out, strict);
        if (!next_pass(&stage, st, out, in, len, &off, &n))
            break;
        in += off;
        len = n;
    }
    if (out->count == 0 && !strict && !(mode & PARSE_NO_MIDDLE) &&
        in0 != NULL && parse_without_middle(cfg, in0, len0, out, mode))
        return SCAN_OK;
    if (out->count == 0 && !strict && escaped_uri(in0, len0))
        return parse_unescaped(cfg, in0, len0, out, st, mode);
    if (out->count == 0 && !strict && in0 != NULL &&
        (off = star82_number(cfg, in0, len0)) > 0 && in0[off] != '*') {
        scan_status st82 = parse(cfg, in0 + off, len0 - off, out, mode);

        return out->count > 0 ? st82 : st;
    }
    return out->count > 0 ? SCAN_OK : st;
}

size_t
pgr_phone_parse(const pgr_config *cfg, const char *in, size_t len,
                pgr_phone_readings *out)
{
    if (out == NULL)
        return 0;
    (void)parse(cfg, in, len, out, 0);
    return out->count;
}

int
pgr_phone_canonical(const pgr_config *cfg, const char *in, size_t len,
                    pgr_phone *out, const char **why)
{
    pgr_phone_readings rd;
    const char *reason = NULL;

    switch (parse(cfg, in, len, &rd, PARSE_STRICT)) {
    case SCAN_OK:
        if (rd.count == 0)
            reason = "is not a complete phone number";
        else if (rd.count > 1)
            reason = "is ambiguous (write it in international form, +CC...)";
        else if (rd.ext[0] != '\0')
            reason = "has an extension (registry numbers have none)";
        break;
    case SCAN_EMPTY:
        reason = "is empty";
        break;
    case SCAN_TOO_LONG:
        reason = "is too long to be a phone number";
        break;
    case SCAN_EXT_TOO_LONG:
        reason = "has an extension longer than 10 digits";
        break;
    case SCAN_SYNTAX:
        reason = "is not a phone number";
        break;
    }
    if (reason == NULL && out == NULL)
        reason = "has nowhere to go";
    if (reason != NULL) {
        if (out != NULL)
            memset(out, 0, sizeof(*out));
        if (why != NULL)
            *why = reason;
        return -1;
    }
    *out = rd.reading[0];
    if (why != NULL)
        *why = NULL;
    return 0;
}
