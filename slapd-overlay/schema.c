/*
 * schema.c - the overlay's data schema and the attribute lists it reads.
 *
 * The data schema is registered once, in init_module: it uses only core
 * syntaxes and matching rules, which exist before any schema file is read.
 * Attribute lists naming cosine/inetOrgPerson types (mobile, displayName,
 * ...) are resolved at db_open: under cn=config the module is loaded before
 * those schema entries.
 */
#include "ploguard.h"

#include <string.h>
#include <strings.h>

AttributeDescription *pg_ad_instruction;
AttributeDescription *pg_ad_match;
ObjectClass          *pg_oc_contact;
/* inetOrgPerson attributes of synthesized entries, NULL where the schema
 * lacks them (resolved at db_open: cn=config loads the module first) */
AttributeDescription *pg_ad_sn;
AttributeDescription *pg_ad_given;
AttributeDescription *pg_ad_display;
AttributeDescription *pg_ad_org;

/* Operational and NO-USER-MODIFICATION: nobody can write them, and they
 * are returned only when asked for by name or with "+". */
static const char *const pg_at_defs[] = {
    "( " PG_AT_ARC ".1 NAME 'ploguardInstruction' "
        "DESC 'ploguard: what to do when this contact asks for information' "
        "EQUALITY caseIgnoreMatch "
        "SUBSTR caseIgnoreSubstringsMatch "
        "SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 "
        "NO-USER-MODIFICATION USAGE dSAOperation )",
    "( " PG_AT_ARC ".2 NAME 'ploguardMatch' "
        "DESC 'ploguard: which registry record this entry matched, and how' "
        "EQUALITY caseIgnoreMatch "
        "SUBSTR caseIgnoreSubstringsMatch "
        "SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 "
        "NO-USER-MODIFICATION USAGE dSAOperation )",
};

static const char pg_oc_def[] =
    "( " PG_OC_ARC ".1 NAME 'ploguardContact' "
        "DESC 'ploguard: a contact of the foreign-mission registry' "
        "SUP top AUXILIARY )";

int
pg_schema_init(void)
{
    AttributeDescription **ads[2];
    size_t i;
    int rc;

    ads[0] = &pg_ad_instruction;
    ads[1] = &pg_ad_match;
    for (i = 0; i < sizeof(pg_at_defs) / sizeof(pg_at_defs[0]); i++) {
        rc = register_at(pg_at_defs[i], ads[i], 0);
        if (rc != 0) {
            Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR,
                "ploguard: cannot register attribute type %s (%d)\n",
                pg_at_defs[i], rc);
            return rc;
        }
    }
    rc = register_oc(pg_oc_def, &pg_oc_contact, 0);
    if (rc != 0) {
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR,
            "ploguard: cannot register object class %s (%d)\n",
            pg_oc_def, rc);
        return rc;
    }
    return 0;
}

/* Attribute descriptions: letters, digits, '-' and ';' options, or a
 * numeric OID. */
static int
pg_attr_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == ';' || c == '.';
}

static int
pg_is_sep(int c)
{
    return c == ' ' || c == '\t' || c == ',';
}

/*
 * Checks the syntax of an attribute list as configured, without the schema.
 * Returns the number of names, or -1 with the reason in msg.
 */
int
pg_attrs_check_text(const char *text, char *msg, size_t msgsz)
{
    const char *p = text;
    int n = 0;

    while (*p != '\0') {
        const char *start;

        while (pg_is_sep((unsigned char)*p))
            p++;
        if (*p == '\0')
            break;
        start = p;
        while (*p != '\0' && !pg_is_sep((unsigned char)*p)) {
            if (!pg_attr_char((unsigned char)*p)) {
                snprintf(msg, msgsz, "character '%c' cannot appear in an "
                         "attribute name", *p);
                return -1;
            }
            p++;
        }
        if (*start == '-' || *start == ';') {
            snprintf(msg, msgsz, "\"%.*s\" is not an attribute name",
                     (int)(p - start), start);
            return -1;
        }
        if (++n > PG_MAX_ATTRS) {
            snprintf(msg, msgsz, "at most %d attributes", PG_MAX_ATTRS);
            return -1;
        }
    }
    if (n == 0)
        snprintf(msg, msgsz, "no attribute named");
    return n == 0 ? -1 : n;
}

/*
 * Resolves pa->text (or dflt when unset) against the running schema into
 * pa->ad.  Every name configured must resolve.  A default is used where
 * the schema defines it (otherTelephone and ipPhone exist only with a
 * schema of the agency's, displayName and mobile only with inetOrgPerson
 * and cosine): an attribute the schema lacks holds no value to miss, and
 * a list taken back to its default (the first half of a cn=config
 * replace) must not be refused for it.  On error leaves pa unchanged and
 * returns -1 with msg set.
 */
int
pg_attrs_resolve(pg_attrs *pa, const char *dflt, const char *directive,
                 char *msg, size_t msgsz)
{
    const char *text = pa->text != NULL ? pa->text : dflt;
    AttributeDescription *found[PG_MAX_ATTRS];
    char name[256];
    const char *p = text;
    int n = 0, i;

    if (pg_attrs_check_text(text, msg, msgsz) < 0)
        return -1;
    while (*p != '\0') {
        const char *start, *why = NULL;
        AttributeDescription *ad = NULL;
        size_t len;

        while (pg_is_sep((unsigned char)*p))
            p++;
        if (*p == '\0')
            break;
        start = p;
        while (*p != '\0' && !pg_is_sep((unsigned char)*p))
            p++;
        len = (size_t)(p - start);
        if (len >= sizeof(name)) {
            snprintf(msg, msgsz, "%s: attribute name too long", directive);
            return -1;
        }
        memcpy(name, start, len);
        name[len] = '\0';
        if (slap_str2ad(name, &ad, &why) != LDAP_SUCCESS) {
            if (pa->text == NULL) {
                /* a schema of the agency's own defines these two, if any */
                if (strcasecmp(name, "otherTelephone") == 0 ||
                    strcasecmp(name, "ipPhone") == 0)
                    Debug(LDAP_DEBUG_CONFIG, "ploguard: %s: the schema has "
                          "no %s, not used\n", directive, name);
                else
                    Log(LDAP_DEBUG_ANY, LDAP_LEVEL_WARNING, "ploguard: %s: "
                        "the schema has no %s, left out of the default "
                        "list (a schema added later is taken when a list is "
                        "set, or at the next start)\n", directive, name);
                continue;
            }
            snprintf(msg, msgsz, "%s: attribute \"%s\" is not defined in the "
                     "schema (%s)", directive, name, why ? why : "unknown");
            return -1;
        }
        if (is_at_operational(ad->ad_type)) {
            snprintf(msg, msgsz, "%s: \"%s\" is an operational attribute; "
                     "only user attributes can be used", directive, name);
            return -1;
        }
        for (i = 0; i < n; i++)
            if (found[i]->ad_type == ad->ad_type)
                break;
        if (i == n)
            found[n++] = ad;
    }
    if (n == 0) {
        snprintf(msg, msgsz, "%s: none of its default attributes (%s) is "
                 "defined in the schema; name the attributes to use",
                 directive, dflt);
        return -1;
    }
    pa->mask = 0;
    for (i = 0; i < n; i++) {
        pa->ad[i] = found[i];
        pa->mask |= pg_ad_bit(found[i]);
    }
    pa->n = n;
    return 0;
}

/* All lists, at db_open or when one changes on an open database.  Either
 * every list resolves or none is changed. */
static AttributeDescription *
pg_ad_optional(const char *name)
{
    AttributeDescription *ad = NULL;
    const char *why;

    return slap_str2ad(name, &ad, &why) == LDAP_SUCCESS ? ad : NULL;
}

int
pg_resolve_all(pg_info *pi, char *msg, size_t msgsz)
{
    pg_attrs phone = pi->pi_phone, mail = pi->pi_mail;
    pg_attrs display = pi->pi_display, notes = pi->pi_notes;

    if (pg_attrs_resolve(&phone, PG_DEFAULT_PHONE, "ploguard-phone-attrs",
                         msg, msgsz) != 0 ||
        pg_attrs_resolve(&mail, PG_DEFAULT_MAIL, "ploguard-mail-attrs",
                         msg, msgsz) != 0 ||
        pg_attrs_resolve(&display, PG_DEFAULT_DISPLAY, "ploguard-display-attrs",
                         msg, msgsz) != 0 ||
        pg_attrs_resolve(&notes, PG_DEFAULT_NOTES, "ploguard-notes-attr",
                         msg, msgsz) != 0)
        return -1;
    if (notes.n != 1) {
        snprintf(msg, msgsz, "ploguard-notes-attr: exactly one attribute");
        return -1;
    }
    pi->pi_phone = phone;
    pi->pi_mail = mail;
    pi->pi_display = display;
    pi->pi_notes = notes;
    pg_ad_sn = pg_ad_optional("sn");
    pg_ad_given = pg_ad_optional("givenName");
    pg_ad_display = pg_ad_optional("displayName");
    pg_ad_org = pg_ad_optional("o");
    return 0;
}
