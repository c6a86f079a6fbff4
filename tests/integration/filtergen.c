/*
 * filtergen.c - random LDAP search filters for randfilter.sh.
 *
 *   filtergen SEED COUNT
 *
 * Prints COUNT lines "KIND<TAB>FILTER", each FILTER an RFC 4515 string
 * built from the numbers, addresses and names of the integration tests'
 * registry (tests/integration/registry.json) and directory, in the forms
 * clients write them, cut into substrings, nested, negated and escaped.
 * KIND says what ploguard may do with it, from what was put in it:
 *
 *   clean   no complete registered phone number or e-mail address is
 *           asserted (a name, a part of a number, a bare domain, a
 *           withheld caller, an identifier under a NOT, on an attribute
 *           that is no phone or mail attribute, or in an approximate,
 *           ordering or extensible match): no entry may be synthesized;
 *   ident   a complete registered number on a phone attribute, or address
 *           on a mail attribute, in an equality or in the pieces of a
 *           substring put together (what filter.c asks the registry
 *           about), outside a NOT: an entry may be synthesized;
 *   schema  an attribute only the overlay's schema defines is named, so a
 *           stock slapd cannot answer the same;
 *   must:ID a phone's or mail client's filter, as sent, for a number or
 *           address of registry entity ID, registered but in no entry of
 *           ou=People: searched there, the overlay must answer with the
 *           entry it synthesizes for ID, and with nothing else.
 *
 * The same SEED prints the same lines everywhere (tests/xorshift64.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../xorshift64.h"
#include "randargs.h"

#define FG_MAX_FILTER 16384   /* a filter longer than this is drawn again */
#define FG_MAX_VALUE  512
#define FG_MAX_COUNT  100000
#define FG_NEST_DEEP  48      /* past the overlay's PG_FILTER_DEPTH (32) */
#define FG_LEN(a)     (sizeof(a) / sizeof((a)[0]))

typedef struct fg {
    uint64_t state;
    char     out[FG_MAX_FILTER];
    size_t   len;
    int      full;     /* out overflowed: the filter is drawn again */
    int      ident;    /* a registered identifier outside a NOT */
    int      schema;   /* an attribute of the overlay's schema */
} fg;

/* FG_PHONE and FG_MAIL: attributes of the overlay's default phone and mail
 * lists that the test schema defines with an equality rule. */
typedef enum { FG_PHONE, FG_MAIL, FG_NAME, FG_OTHER, FG_OVERLAY } fg_class;

/* What a value holds: nothing registered, or a complete registered number
 * or address in some form. */
typedef enum { FG_REG_NONE, FG_REG_PHONE, FG_REG_MAIL } fg_reg;

typedef struct fg_attr {
    const char *name;
    fg_class    cls;
} fg_attr;

/* Attribute names as clients send them: aliases, OIDs, options.  Phone
 * attributes that take no part here are FG_OTHER: ipPhone, otherTelephone
 * and agencyPhone (no schema of the test defines them) and
 * facsimileTelephoneNumber (no equality or substring rule: slapd makes
 * such a filter element undefined). */
static const fg_attr fg_attrs[] = {
    { "telephoneNumber", FG_PHONE }, { "mobile", FG_PHONE },
    { "homePhone", FG_PHONE }, { "homeTelephoneNumber", FG_PHONE },
    { "pager", FG_PHONE }, { "facsimileTelephoneNumber", FG_OTHER },
    { "ipPhone", FG_OTHER }, { "otherTelephone", FG_OTHER },
    { "2.5.4.20", FG_PHONE }, { "TELEPHONENUMBER", FG_PHONE },
    { "telephoneNumber;lang-en", FG_PHONE }, { "agencyPhone", FG_OTHER },
    { "mail", FG_MAIL }, { "rfc822Mailbox", FG_MAIL },
    { "0.9.2342.19200300.100.1.3", FG_MAIL }, { "MAIL", FG_MAIL },
    { "cn", FG_NAME }, { "sn", FG_NAME }, { "displayName", FG_NAME },
    { "givenName", FG_NAME }, { "commonName", FG_NAME },
    { "uid", FG_OTHER }, { "description", FG_OTHER }, { "title", FG_OTHER },
    { "objectClass", FG_OTHER }, { "ou", FG_OTHER }, { "o", FG_OTHER },
    { "noSuchAttribute", FG_OTHER }, { "entryDN", FG_OTHER },
};
#define FG_NATTRS (FG_LEN(fg_attrs))

/* Named now and then (1 item in FG_OVERLAY_ODDS): a stock slapd does not
 * know them, so a filter that names one is only sent to the overlay. */
static const fg_attr fg_overlay_attrs[] = {
    { "ploguardMatch", FG_OVERLAY }, { "ploguardInstruction", FG_OVERLAY },
};
#define FG_OVERLAY_ODDS 60

/* Registered numbers (E.164 digits) and addresses of the test registry;
 * +1 613 555 014x is a registered block. */
static const char *const fg_reg_phones[] = {
    "16135550142", "16135550111", "16135550112", "16135550113",
    "16135550121", "16135550140", "442079460011", "442079460100",
    "442079460012", "442079460177", "442079460000",
};
static const char *const fg_reg_mails[] = {
    "wang.lihua@diplo.example.test", "zhang.wei@example.org",
    "ada.marlow@plo.example.org", "chen.jie@diplo.example.test",
    "liu.yang@example.org", "consular@embassy.example.test",
    "plo@liaison.example.test",
};
static const char *const fg_reg_domains[] = {
    "mps.example.test", "embassy.example.test",
};
static const char *const fg_innocent_mails[] = {
    "hannah.lee@agency.example.org", "john.smith@agency.example.org",
    "lihua.wang@community.example.org", "reception@community.example.org",
    "police.desk@hospital.example.org", "chen.jie@example.net",
    "liu.yang@example.com", "zhang.wei@agency.example.org",
};
/* Half typed, bare domains, local parts: never an address. */
static const char *const fg_partial_mails[] = {
    "chen.jie@diplo", "chen.jie", "@diplo.example.test", "liu.yang@example.",
    "diplo.example.test", "mps.example.test", "@mps.example.test",
    "embassy.example.test", "@embassy.example.test", "example.org", "@",
    "wang.lihua@", "plo@liaison",
};
static const char *const fg_names[] = {
    "Chen Jie", "Wang Lihua", "Liu Yang", "Zhang Wei", "Li Na", "Smith",
    "Ada Marlow", "Hannah Lee", "Embassy Reception", "Chen", "Jie",
    "\xe9\x99\x88\xe6\x9d\xb0",                  /* Chen Jie in Hanzi */
    "\xe7\x8e\x8b\xe4\xb8\xbd\xe5\x8d\x8e",      /* Wang Lihua */
    "Fran\xc3\xa7ois", "O'Brien",
};
static const char *const fg_withheld[] = {
    "anonymous", "Anonymous", "Restricted", "Private", "Unavailable",
    "unknown", "0", "+", "-", "sip:anonymous@anonymous.invalid",
};
static const char *const fg_others[] = {
    "inetOrgPerson", "person", "ploguardContact", "wang.lihua", "jtremblay",
    "ploguard-person-chen-jie-test", "ploguard-", "People", "agency",
    "uid=wang.lihua,ou=People,dc=agency,dc=test",
};

/* 0 .. n-1; n >= 1 */
static unsigned
fg_pick(fg *g, unsigned n)
{
    return (unsigned)((xorshift64_next(&g->state) >> 33) % n);
}

/* 1 in n */
static int
fg_chance(fg *g, unsigned n)
{
    return fg_pick(g, n) == 0;
}

static void
fg_put(fg *g, const char *s, size_t n)
{
    if (g->full || n >= sizeof(g->out) - g->len) {
        g->full = 1;
        return;
    }
    memcpy(g->out + g->len, s, n);
    g->len += n;
    g->out[g->len] = '\0';
}

static void
fg_puts(fg *g, const char *s)
{
    fg_put(g, s, strlen(s));
}

/* A value's bytes, escaped where RFC 4515 requires it, and now and then
 * where it only allows it (slapd hands the overlay the unescaped value). */
static void
fg_put_value(fg *g, const char *v, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];

        if (c == '*' || c == '(' || c == ')' || c == '\\' || c < 0x20 ||
            c == 0x7f || fg_chance(g, 24)) {
            char esc[3] = { '\\', hex[c >> 4], hex[c & 15] };

            fg_put(g, esc, 3);
        } else {
            fg_put(g, v + i, 1);
        }
    }
}

/* One string of list, copied into out. */
static void
fg_one_of(fg *g, const char *const *list, size_t n, char *out, size_t size)
{
    snprintf(out, size, "%s", list[fg_pick(g, (unsigned)n)]);
}

/* The digits as full-width digits (U+FF10 to U+FF19). */
static void
fg_fullwidth(const char *digits, char *out, size_t size)
{
    size_t i, o = 0;

    for (i = 0; digits[i] != '\0' && o + 3 < size; i++) {
        out[o++] = (char)0xef;
        out[o++] = (char)0xbc;
        out[o++] = (char)(0x90 + (digits[i] - '0'));
    }
    out[o] = '\0';
}

/* digits written in one of the forms people and phones write them. */
static void
fg_number_form(fg *g, const char *d, char *out, size_t size)
{
    int nanp = d[0] == '1' && strlen(d) == 11;
    const char *n = d + (nanp ? 1 : 2);   /* national significant number */
    const char *b = n + (nanp ? 3 : 2), *c = n + 6;   /* its groups */
    unsigned ext = 10 + fg_pick(g, 990);

    out[0] = '\0';
    if (nanp) {   /* +1 613 555 01xx */
        switch (fg_pick(g, 12)) {
        case 0: snprintf(out, size, "+%s", d); break;
        case 1: snprintf(out, size, "%s", d); break;
        case 2: snprintf(out, size, "%s", n); break;
        case 3: snprintf(out, size, "+1 %.3s %.3s %.4s", n, b, c); break;
        case 4: snprintf(out, size, "(%.3s) %.3s-%.4s", n, b, c); break;
        case 5: snprintf(out, size, "1-%.3s-%.3s-%.4s", n, b, c); break;
        case 6: snprintf(out, size, "%.3s.%.3s.%.4s", n, b, c); break;
        case 7: snprintf(out, size, "+1 (%.3s) %.3s-%.4s", n, b, c); break;
        case 8: snprintf(out, size, "tel:+1-%.3s-%.3s-%.4s", n, b, c); break;
        case 9: snprintf(out, size, "9%s", d); break;
        case 10:
            snprintf(out, size, "+1 %.3s %.3s %.4s ext. %u", n, b, c, ext);
            break;
        default: fg_fullwidth(n, out, size); break;
        }
        return;
    }
    switch (fg_pick(g, 6)) {   /* +44 20 7946 xxxx */
    case 0: snprintf(out, size, "+44 %.2s %.4s %.4s", n, b, c); break;
    case 1: snprintf(out, size, "011 44 %.2s %.4s %.4s", n, b, c); break;
    case 2: snprintf(out, size, "00%s", d); break;
    case 3: snprintf(out, size, "+%s", d); break;
    case 4: snprintf(out, size, "+44 (0)%.2s %.4s %.4s", n, b, c); break;
    default: snprintf(out, size, "011%s", d); break;
    }
}

/* An innocent complete number: +1 613 555 01xx off the registered ones,
 * or +44 20 7946 05xx. */
static void
fg_innocent_digits(fg *g, char *d, size_t size)
{
    static const unsigned nanp[] = { 100, 105, 110, 114, 118, 120, 122, 130,
                                     139, 150, 160, 175, 190, 191, 192, 193,
                                     194, 195, 196, 197, 198, 199 };

    if (fg_chance(g, 4))
        snprintf(d, size, "4420794605%02u", fg_pick(g, 100));
    else
        snprintf(d, size, "161355501%02u",
                 nanp[fg_pick(g, FG_LEN(nanp))] % 100);
}

static void
fg_registered_digits(fg *g, char *d, size_t size)
{
    if (fg_chance(g, 5))
        snprintf(d, size, "1613555014%u", fg_pick(g, 10));   /* the block */
    else
        snprintf(d, size, "%s",
                 fg_reg_phones[fg_pick(g, FG_LEN(fg_reg_phones))]);
}

/* 1 to 6 consecutive digits of a number: never a whole one. */
static void
fg_partial_digits(fg *g, char *out, size_t size)
{
    char d[32];
    size_t len, from, n;

    if (fg_chance(g, 2))
        fg_registered_digits(g, d, sizeof(d));
    else
        fg_innocent_digits(g, d, sizeof(d));
    len = strlen(d);
    n = 1 + fg_pick(g, 6);
    from = fg_pick(g, (unsigned)(len - n + 1));
    snprintf(out, size, "%.*s", (int)n, d + from);
}

/* Case changed at random: addresses are matched without case. */
static void
fg_shuffle_case(fg *g, char *s)
{
    for (; *s != '\0'; s++) {
        if (*s >= 'a' && *s <= 'z' && fg_chance(g, 3))
            *s = (char)(*s - 'a' + 'A');
    }
}

static void
fg_registered_mail(fg *g, char *out, size_t size)
{
    char a[128];

    if (fg_chance(g, 4))
        snprintf(a, sizeof(a), "%s%u@%s", fg_chance(g, 2) ? "info" : "x.y",
                 fg_pick(g, 100),
                 fg_reg_domains[fg_pick(g, FG_LEN(fg_reg_domains))]);
    else
        snprintf(a, sizeof(a), "%s",
                 fg_reg_mails[fg_pick(g, FG_LEN(fg_reg_mails))]);
    fg_shuffle_case(g, a);
    switch (fg_pick(g, 6)) {
    case 0: snprintf(out, size, "<%s>", a); break;
    case 1: snprintf(out, size, "mailto:%s", a); break;
    default: snprintf(out, size, "%s", a); break;
    }
}

/* Junk: printable runs with at most four digits in a row, CJK, or long. */
static void
fg_junk(fg *g, char *out, size_t size)
{
    static const char alphabet[] = "abcXYZ .-+@#_,;:'\"/!?=<>~&|0123";
    unsigned i, n;

    out[0] = '\0';
    switch (fg_pick(g, 5)) {
    case 0:
        return;   /* empty */
    case 1:
        snprintf(out, size, "\xe5\x85\xac\xe5\xae\x89\xe9\x83\xa8%u",
                 fg_pick(g, 1000));   /* Ministry of Public Security */
        return;
    case 2:
        n = 200 + fg_pick(g, 300);
        for (i = 0; i + 1 < size && i < n; i++)
            out[i] = "ab1 "[i % 4];
        out[i] = '\0';
        return;
    case 3: {   /* bytes that are not UTF-8 */
        char b[3] = { (char)(0x80 + fg_pick(g, 0x7f)), 'z', '\0' };

        snprintf(out, size, "%s", b);
        return;
    }
    default:
        n = 1 + fg_pick(g, 24);
        for (i = 0; i + 1 < size && i < n; i++)
            out[i] = alphabet[fg_pick(g, sizeof(alphabet) - 1)];
        out[i] = '\0';
        return;
    }
}

/*
 * A value for an attribute of class cls.  *reg says whether it holds a
 * complete registered identifier, and which kind.
 */
static void
fg_value(fg *g, fg_class cls, char *out, size_t size, fg_reg *reg)
{
    char d[32];

    *reg = FG_REG_NONE;
    out[0] = '\0';
    switch (fg_pick(g, 8)) {
    case 0:
        fg_junk(g, out, size);
        return;
    case 1:
        fg_one_of(g, fg_names, FG_LEN(fg_names), out, size);
        return;
    case 2:
        fg_one_of(g, fg_others, FG_LEN(fg_others), out, size);
        return;
    default:
        break;
    }
    /* mostly the attribute's own kind of value, now and then the other */
    if (cls == FG_MAIL ? !fg_chance(g, 5) : fg_chance(g, 4)) {
        switch (fg_pick(g, 4)) {
        case 0:
            fg_registered_mail(g, out, size);
            *reg = FG_REG_MAIL;
            return;
        case 1:
            fg_one_of(g, fg_innocent_mails, FG_LEN(fg_innocent_mails), out,
                      size);
            return;
        default:
            fg_one_of(g, fg_partial_mails, FG_LEN(fg_partial_mails), out, size);
            return;
        }
    }
    switch (fg_pick(g, 5)) {
    case 0:
        fg_registered_digits(g, d, sizeof(d));
        fg_number_form(g, d, out, size);
        *reg = FG_REG_PHONE;
        return;
    case 1:
        fg_innocent_digits(g, d, sizeof(d));
        fg_number_form(g, d, out, size);
        return;
    case 2:
        fg_one_of(g, fg_withheld, FG_LEN(fg_withheld), out, size);
        return;
    default:
        fg_partial_digits(g, out, size);
        return;
    }
}

/*
 * (attr=...) substrings from v, as clients write them: FreePBX's "*v",
 * search as you type "v*", Roundcube's "*v*", or v cut in two or three
 * pieces.  The pieces put together are v, or v with junk around it.
 */
static void
fg_put_substrings(fg *g, const char *v)
{
    size_t n = strlen(v), cut1;

    if (n == 0) {   /* "**" is no filter: presence instead */
        fg_puts(g, "*");
        return;
    }
    switch (fg_pick(g, 6)) {
    case 0:
        fg_puts(g, "*");
        fg_put_value(g, v, n);
        return;
    case 1:
        fg_put_value(g, v, n);
        fg_puts(g, "*");
        return;
    case 2:
        fg_puts(g, "*");
        fg_put_value(g, v, n);
        fg_puts(g, "*");
        return;
    case 3:
        fg_puts(g, "*x");
        fg_put_value(g, v, n);
        fg_puts(g, "y*");
        return;
    default:
        if (n < 2) {
            fg_put_value(g, v, n);
            fg_puts(g, "*");
            return;
        }
        cut1 = 1 + fg_pick(g, (unsigned)(n - 1));
        fg_put_value(g, v, cut1);
        fg_puts(g, "*");
        if (n - cut1 >= 2 && fg_chance(g, 2)) {
            size_t cut2 = cut1 + 1 + fg_pick(g, (unsigned)(n - cut1 - 1));
            fg_put_value(g, v + cut1, cut2 - cut1);
            fg_puts(g, "*");
            cut1 = cut2;
        }
        fg_put_value(g, v + cut1, n - cut1);
        return;
    }
}

static void
fg_item(fg *g, int negated)
{
    const fg_attr *a = &fg_attrs[fg_pick(g, FG_NATTRS)];
    char v[FG_MAX_VALUE];
    fg_reg reg;
    int holds;

    if (fg_chance(g, FG_OVERLAY_ODDS)) {
        a = &fg_overlay_attrs[fg_pick(g, FG_LEN(fg_overlay_attrs))];
        g->schema = 1;
    }
    fg_value(g, a->cls, v, sizeof(v), &reg);
    /* only an equality or substring asserts, and only on its own kind of
     * attribute (the two cases below that leave it set) */
    holds = (reg == FG_REG_PHONE && a->cls == FG_PHONE) ||
            (reg == FG_REG_MAIL && a->cls == FG_MAIL);
    fg_puts(g, "(");
    switch (fg_pick(g, 12)) {
    case 0:
        fg_puts(g, a->name);
        fg_puts(g, "=*");
        holds = 0;
        break;
    case 1:
        fg_puts(g, a->name);
        fg_puts(g, "~=");
        fg_put_value(g, v, strlen(v));
        holds = 0;
        break;
    case 2:
        fg_puts(g, a->name);
        fg_puts(g, fg_chance(g, 2) ? ">=" : "<=");
        fg_put_value(g, v, strlen(v));
        holds = 0;
        break;
    case 3: {
        static const char *const ext[] = {
            ":caseExactMatch:=", ":dn:=", ":2.5.13.20:=", ":=",
            ":caseIgnoreSubstringsMatch:=", ":dn:caseIgnoreMatch:=",
        };

        if (fg_chance(g, 5))
            fg_puts(g, ":dn:2.5.13.2:=");   /* no attribute */
        else {
            fg_puts(g, a->name);
            fg_puts(g, ext[fg_pick(g, FG_LEN(ext))]);
        }
        fg_put_value(g, v, strlen(v));
        holds = 0;
        break;
    }
    case 4:
    case 5:
    case 6:
        fg_puts(g, a->name);
        fg_puts(g, "=");
        fg_put_substrings(g, v);
        break;
    default:
        fg_puts(g, a->name);
        fg_puts(g, "=");
        fg_put_value(g, v, strlen(v));
        break;
    }
    fg_puts(g, ")");
    if (holds && !negated)
        g->ident = 1;
}

static void
fg_filter(fg *g, unsigned depth, int negated)
{
    unsigned i, n;

    if (depth >= 6 || fg_pick(g, 10) < 3 + depth) {
        fg_item(g, negated);
        return;
    }
    switch (fg_pick(g, 5)) {
    case 0:
        fg_puts(g, "(!");
        fg_filter(g, depth + 1, !negated);
        fg_puts(g, ")");
        return;
    case 1:
    case 2:
        fg_puts(g, "(&");
        break;
    default:
        fg_puts(g, "(|");
        break;
    }
    n = 1 + fg_pick(g, 4);
    for (i = 0; i < n; i++)
        fg_filter(g, depth + 1, negated);
    fg_puts(g, ")");
}

/* Registered, and in no entry of ou=People: the unknown callers. */
typedef struct fg_unknown {
    const char *id;
    const char *phones[2];
    const char *mail;
} fg_unknown;

static const fg_unknown fg_unknowns[] = {
    { "person-chen-jie-test", { "16135550113", "442079460012" },
      "chen.jie@diplo.example.test" },
    { "person-liu-yang-test", { "16135550121", "442079460177" },
      "liu.yang@example.org" },
};

/* Phone attributes of the overlay's default ploguard-phone-attrs that the
 * test schema defines, under their names, aliases and OIDs.  Not
 * facsimileTelephoneNumber: it has no equality rule, so no entry, real or
 * synthesized, ever matches (facsimileTelephoneNumber=...). */
static const char *const fg_phone_attrs[] = {
    "telephoneNumber", "mobile", "homePhone", "pager", "2.5.4.20",
    "homeTelephoneNumber", "0.9.2342.19200300.100.1.41",
};

/* A form of digits a Printable String attribute takes (full-width digits
 * are not Printable String: such a filter is undefined, not a lookup). */
static void
fg_printable_form(fg *g, const char *d, char *out, size_t size)
{
    do
        fg_number_form(g, d, out, size);
    while ((unsigned char)out[0] >= 0x80);
}

/* A client's filter template, each '%' replaced by v, escaped: the way
 * phones and mail clients are configured (Yealink's "(telephoneNumber=%)"). */
static void
fg_put_template(fg *g, const char *tmpl, const char *v)
{
    const char *pct;

    while ((pct = strchr(tmpl, '%')) != NULL) {
        fg_put(g, tmpl, (size_t)(pct - tmpl));
        fg_put_value(g, v, strlen(v));
        tmpl = pct + 1;
    }
    fg_puts(g, tmpl);
}

/*
 * A lookup for an unknown caller or sender, as the clients of issue 3
 * send it: Yealink's OR, Snom's AND with sn=*, FreePBX's tails, a single
 * equality (AudioCodes, Evolution), Roundcube's substring in an AND.
 * Returns the entity's id.
 */
static const char *
fg_must(fg *g)
{
    const fg_unknown *u = &fg_unknowns[fg_pick(g, FG_LEN(fg_unknowns))];
    char v[FG_MAX_VALUE];
    unsigned i, n;

    if (fg_chance(g, 3)) {
        static const char *const mail_clients[] = {
            "(mail=%)",                              /* Evolution */
            "(rfc822Mailbox=%)",
            "(|(cn=%*)(mail=%*)(sn=%*))",            /* Thunderbird */
            /* Roundcube */
            "(&(objectClass=inetOrgPerson)(|(mail=*%*)(cn=*%*)))",
        };

        snprintf(v, sizeof(v), "%s", u->mail);
        fg_shuffle_case(g, v);
        fg_put_template(g, mail_clients[fg_pick(g, FG_LEN(mail_clients))], v);
        return u->id;
    }
    fg_printable_form(g, u->phones[fg_pick(g, 2)], v, sizeof(v));
    switch (fg_pick(g, 4)) {
    case 0:   /* one attribute (AudioCodes) */
        fg_puts(g, "(");
        fg_puts(g, fg_phone_attrs[fg_pick(g, FG_LEN(fg_phone_attrs))]);
        fg_put_template(g, "=%)", v);
        break;
    case 1:   /* Yealink, and other ORs over several attributes */
        fg_puts(g, "(|");
        n = 1 + fg_pick(g, 4);
        for (i = 0; i < n; i++) {
            fg_puts(g, "(");
            fg_puts(g, fg_phone_attrs[fg_pick(g, FG_LEN(fg_phone_attrs))]);
            fg_put_template(g, "=%)", v);
        }
        fg_put_template(g, "(ipPhone=%))", v);
        break;
    case 2:
        fg_put_template(g, "(&(telephoneNumber=%)(sn=*))", v);   /* Snom */
        break;
    default:  /* FreePBX CID Superfecta */
        fg_put_template(g, "(|(telephoneNumber=*%)(mobile=*%)"
                           "(homeTelephoneNumber=*%))", v);
        break;
    }
    return u->id;
}

/* Shapes no random walk reaches: one item nested past the overlay's
 * depth limit, and a wide OR as a phone with many attributes sends. */
static void
fg_shape(fg *g)
{
    unsigned i, n;

    if (fg_chance(g, 2)) {
        n = FG_NEST_DEEP + fg_pick(g, 16);
        for (i = 0; i < n; i++)
            fg_puts(g, "(&");
        fg_item(g, 0);
        for (i = 0; i < n; i++)
            fg_puts(g, ")");
        return;
    }
    fg_puts(g, "(|");
    n = 20 + fg_pick(g, 40);
    for (i = 0; i < n; i++)
        fg_item(g, 0);
    fg_puts(g, ")");
}

int
main(int argc, char **argv)
{
    fg g;
    uint64_t seed, count, i;

    if (argc != 3 || randargs_u64(argv[1], &seed) != 0 ||
        randargs_u64(argv[2], &count) != 0 || count > FG_MAX_COUNT) {
        fprintf(stderr, "usage: filtergen SEED COUNT (COUNT at most %d)\n",
                FG_MAX_COUNT);
        return 2;
    }
    memset(&g, 0, sizeof(g));
    g.state = seed ^ UINT64_C(0x9e3779b97f4a7c15);
    if (g.state == 0)
        g.state = 1;
    for (i = 0; i < count; i++) {
        const char *must = NULL;

        do {
            g.len = 0;
            g.out[0] = '\0';
            g.full = g.ident = g.schema = 0;
            if (fg_chance(&g, 6))
                must = fg_must(&g);
            else if (fg_chance(&g, 25))
                fg_shape(&g);
            else
                fg_filter(&g, 0, 0);
        } while (g.full);
        if (must != NULL)
            printf("must:%s\t%s\n", must, g.out);
        else
            printf("%s\t%s\n", g.schema ? "schema" : g.ident ? "ident" :
                   "clean", g.out);
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
