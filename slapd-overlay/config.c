/*
 * config.c - one ConfigTable for slapd.conf and cn=config.
 *
 * Every directive goes through pg_cf(): it parses and checks the value
 * completely before changing anything, so a refused value (named with the
 * directive, the value and the reason) leaves the last good configuration
 * in force.  On a database that is already open (a cn=config change while
 * slapd runs, with the server paused) a new registry path, keys or state
 * directory are loaded at once and refused if the registry does not load,
 * and new attribute lists are resolved at once and refused if they do not
 * resolve.
 */
#include "ploguard.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

enum {
    PG_CF_REGISTRY = 1,
    PG_CF_REGION,
    PG_CF_INTERVAL,
    PG_CF_PHONE,
    PG_CF_MAIL,
    PG_CF_DISPLAY,
    PG_CF_NOTES,
    PG_CF_LANG,
    PG_CF_SYNTH,
    PG_CF_LOGLEVEL,
    PG_CF_PUBKEY,
    PG_CF_STATEDIR,
    PG_CF_VCACHE
};

#define PG_INTERVAL_MAX 86400

static ConfigDriver pg_cf;

static ConfigTable pg_cfats[] = {
    { .name = "ploguard-registry", .what = "path",
      .min_args = 2, .max_args = 2,
      .arg_type = ARG_MAGIC | PG_CF_REGISTRY, .arg_item = pg_cf,
      .attribute = "( " PG_CFG_AT_ARC ".1 NAME 'olcPloguardRegistry' "
        "DESC 'Path of the ploguard registry file' "
        "EQUALITY caseExactMatch "
        "SYNTAX OMsDirectoryString SINGLE-VALUE )" },
    { .name = "ploguard-region", .what = "country-code",
      .min_args = 2, .max_args = 2,
      .arg_type = ARG_MAGIC | PG_CF_REGION, .arg_item = pg_cf,
      .attribute = "( " PG_CFG_AT_ARC ".2 NAME 'olcPloguardRegion' "
        "DESC 'Default region for national phone numbers (ISO 3166 alpha-2)' "
        "EQUALITY caseIgnoreMatch "
        "SYNTAX OMsDirectoryString SINGLE-VALUE )" },
    { .name = "ploguard-reload-interval", .what = "seconds",
      .min_args = 2, .max_args = 2,
      .arg_type = ARG_MAGIC | PG_CF_INTERVAL, .arg_item = pg_cf,
      .attribute = "( " PG_CFG_AT_ARC ".3 NAME 'olcPloguardReloadInterval' "
        "DESC 'Seconds between checks of the registry file for changes' "
        "EQUALITY integerMatch "
        "SYNTAX OMsInteger SINGLE-VALUE )" },
    { .name = "ploguard-phone-attrs", .what = "attribute...",
      .min_args = 2, .max_args = 0,
      .arg_type = ARG_MAGIC | PG_CF_PHONE, .arg_item = pg_cf,
      .attribute = "( " PG_CFG_AT_ARC ".4 NAME 'olcPloguardPhoneAttrs' "
        "DESC 'Attributes holding phone numbers' "
        "EQUALITY caseIgnoreMatch "
        "SYNTAX OMsDirectoryString SINGLE-VALUE )" },
    { .name = "ploguard-mail-attrs", .what = "attribute...",
      .min_args = 2, .max_args = 0,
      .arg_type = ARG_MAGIC | PG_CF_MAIL, .arg_item = pg_cf,
      .attribute = "( " PG_CFG_AT_ARC ".5 NAME 'olcPloguardMailAttrs' "
        "DESC 'Attributes holding e-mail addresses' "
        "EQUALITY caseIgnoreMatch "
        "SYNTAX OMsDirectoryString SINGLE-VALUE )" },
    { .name = "ploguard-display-attrs", .what = "attribute...",
      .min_args = 2, .max_args = 0,
      .arg_type = ARG_MAGIC | PG_CF_DISPLAY, .arg_item = pg_cf,
      .attribute = "( " PG_CFG_AT_ARC ".6 NAME 'olcPloguardDisplayAttrs' "
        "DESC 'Attributes whose first value gets the instruction prefix' "
        "EQUALITY caseIgnoreMatch "
        "SYNTAX OMsDirectoryString SINGLE-VALUE )" },
    { .name = "ploguard-notes-attr", .what = "attribute",
      .min_args = 2, .max_args = 2,
      .arg_type = ARG_MAGIC | PG_CF_NOTES, .arg_item = pg_cf,
      .attribute = "( " PG_CFG_AT_ARC ".7 NAME 'olcPloguardNotesAttr' "
        "DESC 'Attribute that gains the full instruction text' "
        "EQUALITY caseIgnoreMatch "
        "SYNTAX OMsDirectoryString SINGLE-VALUE )" },
    { .name = "ploguard-lang", .what = "en|fr|en fr|fr en",
      .min_args = 2, .max_args = 3,
      .arg_type = ARG_MAGIC | PG_CF_LANG, .arg_item = pg_cf,
      .attribute = "( " PG_CFG_AT_ARC ".8 NAME 'olcPloguardLang' "
        "DESC 'Languages of the instruction texts, in order' "
        "EQUALITY caseIgnoreMatch "
        "SYNTAX OMsDirectoryString SINGLE-VALUE )" },
    { .name = "ploguard-synthesize", .what = "on|off",
      .min_args = 2, .max_args = 2,
      .arg_type = ARG_MAGIC | PG_CF_SYNTH, .arg_item = pg_cf,
      .attribute = "( " PG_CFG_AT_ARC ".9 NAME 'olcPloguardSynthesize' "
        "DESC 'Answer for registered callers the directory does not know' "
        "EQUALITY booleanMatch "
        "SYNTAX OMsBoolean SINGLE-VALUE )" },
    { .name = "ploguard-log-level", .what = "level",
      .min_args = 2, .max_args = 2,
      .arg_type = ARG_MAGIC | PG_CF_LOGLEVEL, .arg_item = pg_cf,
      .attribute = "( " PG_CFG_AT_ARC ".10 NAME 'olcPloguardLogLevel' "
        "DESC 'slapd log level at which every match is logged' "
        "EQUALITY caseIgnoreMatch "
        "SYNTAX OMsDirectoryString SINGLE-VALUE )" },
    /* One value holding one or two keys: the trusted set changes in one
     * step, verified as a whole against the registry in force. */
    { .name = "ploguard-pubkey", .what = "key|file [key|file]",
      .min_args = 2, .max_args = 3,
      .arg_type = ARG_MAGIC | PG_CF_PUBKEY, .arg_item = pg_cf,
      .attribute = "( " PG_CFG_AT_ARC ".11 NAME 'olcPloguardPubkey' "
        "DESC 'Trusted minisign public keys (base64 or .pub path): the "
        "registry must carry a valid signature by one of them' "
        "EQUALITY caseExactMatch "
        "SYNTAX OMsDirectoryString SINGLE-VALUE )" },
    { .name = "ploguard-state-dir", .what = "directory",
      .min_args = 2, .max_args = 2,
      .arg_type = ARG_MAGIC | PG_CF_STATEDIR, .arg_item = pg_cf,
      .attribute = "( " PG_CFG_AT_ARC ".12 NAME 'olcPloguardStateDir' "
        "DESC 'Directory of the signed feed anti-rollback state' "
        "EQUALITY caseExactMatch "
        "SYNTAX OMsDirectoryString SINGLE-VALUE )" },
    { .name = "ploguard-verdict-cache", .what = "slots",
      .min_args = 2, .max_args = 2,
      .arg_type = ARG_MAGIC | PG_CF_VCACHE, .arg_item = pg_cf,
      .attribute = "( " PG_CFG_AT_ARC ".13 NAME 'olcPloguardVerdictCache' "
        "DESC 'Slots of the table of entries found to match nothing "
        "(0: none)' "
        "EQUALITY integerMatch "
        "SYNTAX OMsInteger SINGLE-VALUE )" },
    { .name = NULL, .arg_type = ARG_IGNORED }
};

static ConfigOCs pg_cfocs[] = {
    { .co_def = "( " PG_CFG_OC_ARC ".1 NAME 'olcPloguardConfig' "
        "DESC 'ploguard overlay configuration' "
        "SUP olcOverlayConfig "
        "MUST olcPloguardRegistry "
        "MAY ( olcPloguardRegion $ olcPloguardReloadInterval $ "
              "olcPloguardPhoneAttrs $ olcPloguardMailAttrs $ "
              "olcPloguardDisplayAttrs $ olcPloguardNotesAttr $ "
              "olcPloguardLang $ olcPloguardSynthesize $ "
              "olcPloguardLogLevel $ olcPloguardPubkey $ "
              "olcPloguardStateDir $ olcPloguardVerdictCache ) )",
      .co_type = Cft_Overlay, .co_table = pg_cfats },
    { .co_def = NULL }
};

void
pg_info_defaults(pg_info *pi)
{
    pgr_config_init(&pi->pi_pcfg);
    pi->pi_interval = PG_DEFAULT_INTERVAL;
    pi->pi_lang[0] = PG_LANG_EN;
    pi->pi_lang[1] = PG_LANG_FR;
    pi->pi_synth = 1;
    pi->pi_loglevel = LDAP_DEBUG_ANY;
    pi->pi_vslots = PG_VERDICT_DEFAULT_SLOTS;
}

/* ------------------------------------------------------------- undo */

static ConfigDriver pg_cf_cleanup;

static int
pg_str_same(const char *a, const char *b)
{
    return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* Whether the values argv[1..argc) are pk's as configured. */
static int
pg_keys_are(const pg_pubkeys *pk, int argc, char **argv)
{
    int i;

    if (argc - 1 != pk->n)
        return 0;
    for (i = 0; i < pk->n; i++)
        if (!pg_str_same(argv[i + 1], pk->text[i]))
            return 0;
    return 1;
}

/* The same keys, as configured and as read (a .pub file may have been
 * rotated since). */
static int
pg_keys_same(const pg_pubkeys *a, const pg_pubkeys *b)
{
    int i;

    if (a->n != b->n || memcmp(&a->keys, &b->keys, sizeof(a->keys)) != 0)
        return 0;
    for (i = 0; i < a->n; i++)
        if (!pg_str_same(a->text[i], b->text[i]))
            return 0;
    return 1;
}

static void
pg_undo_drop(pg_info *pi)
{
    pg_undo *u = &pi->pi_undo;

    pg_snapshot_drop(u->snap);
    ch_free(u->path);
    ch_free(u->statedir);
    ch_free(u->pending_dir);
    pg_pubkeys_free(&u->keys);
    memset(u, 0, sizeof(*u));
}

/* Is c's operation the modify whose way back is kept? */
static int
pg_undo_same_op(const ConfigArgs *c, const pg_info *pi)
{
    const pg_undo *u = &pi->pi_undo;

    return c->ca_op != NULL && u->op == c->ca_op &&
           u->connid == c->ca_op->o_connid &&
           u->opid == (long)c->ca_op->o_opid;
}

/* At a modify's first registry setting on an open database: what is in
 * force now, until the modify ends (pg_cf_cleanup). */
static void
pg_undo_begin(ConfigArgs *c, pg_info *pi)
{
    pg_undo *u = &pi->pi_undo;

    if (!pi->pi_open || c->ca_op == NULL || pg_undo_same_op(c, pi))
        return;
    pg_undo_drop(pi);   /* an earlier modify's, if its end was not seen */
    u->op = c->ca_op;
    u->connid = c->ca_op->o_connid;
    u->opid = (long)c->ca_op->o_opid;
    u->snap = pg_snapshot_hold(pi);
    u->path = pi->pi_path != NULL ? ch_strdup(pi->pi_path) : NULL;
    pg_pubkeys_copy(&u->keys, &pi->pi_pubkeys);
    u->statedir = pi->pi_statedir != NULL ? ch_strdup(pi->pi_statedir) : NULL;
    u->floor = pi->pi_floor;
    u->regseen = pi->pi_regseen;
    u->sigseen = pi->pi_sigseen;
    if (config_push_cleanup(c, pg_cf_cleanup) == 0) {
        u->armed = 1;
        return;
    }
    Log(LDAP_DEBUG_ANY, LDAP_LEVEL_WARNING, "ploguard: no room for the end "
        "of this cn=config modify: if it is refused, the registry it loaded "
        "may stay in force\n");
    pg_undo_drop(pi);   /* nothing to settle what it would take back */
}

/*
 * Whether this setting is slapd undoing the modify: the value from before
 * it (which), set again in the same operation, is taken back without
 * reading anything (pg_undo_settle then).  The path only once the modify
 * has loaded a registry: until then, setting the path in force again is
 * how an administrator has the file read now.
 */
static int
pg_undo_setback(const ConfigArgs *c, const pg_info *pi, int same_as_before,
                int loads)
{
    return pg_undo_same_op(c, pi) && same_as_before &&
           (!loads || pi->pi_undo.reloaded);
}

static void pg_undo_loaded(const ConfigArgs *c, pg_info *pi, const char *path,
                           const pg_pubkeys *keys, const char *statedir);

/* Whether path, keys and state directory in force are those from before. */
static int
pg_undo_all_back(const pg_info *pi)
{
    const pg_undo *u = &pi->pi_undo;

    return pg_str_same(pi->pi_path, u->path) &&
           pg_keys_same(&pi->pi_pubkeys, &u->keys) &&
           pg_str_same(pi->pi_statedir, u->statedir);
}

/*
 * A setting (which) has just come back to its value from before the modify
 * without a load.  If the registry in force was loaded with another value
 * of it: with every setting as before, the registry from before comes
 * back at the end (pg_cf_cleanup); otherwise the registry is loaded now
 * with the settings as they are, and when that fails the setting is
 * refused (-1, msg), so that a modify going forward is refused and undone
 * (slapd's own undo ignores it, and ends with every setting as before),
 * and left for the end to settle.
 */
static int
pg_undo_settle(const ConfigArgs *c, pg_info *pi, unsigned which, char *msg,
               size_t msgsz)
{
    pg_undo *u = &pi->pi_undo;

    if (!pg_undo_same_op(c, pi) || !(u->loaded_with & which))
        return 0;
    if (pg_undo_all_back(pi)) {
        u->skipped = 1;
        return 0;
    }
    if (pg_reload_now(pi, pi->pi_path, &pi->pi_pcfg, msg, msgsz) != 0) {
        /* still unsettled: during slapd's undo, which ignores the refusal,
         * the end of the modify settles it once every setting is back */
        u->skipped = 1;
        return -1;
    }
    pg_undo_loaded(c, pi, pi->pi_path, &pi->pi_pubkeys, pi->pi_statedir);
    return 0;
}

/* The modify's setting loaded a registry with path, keys and statedir. */
static void
pg_undo_loaded(const ConfigArgs *c, pg_info *pi, const char *path,
               const pg_pubkeys *keys, const char *statedir)
{
    pg_undo *u = &pi->pi_undo;

    if (!pg_undo_same_op(c, pi))
        return;
    u->reloaded = 1;
    u->skipped = 0;
    u->loaded_with = (pg_str_same(path, u->path) ? 0 : PG_UNDO_PATH) |
                     (pg_keys_same(keys, &u->keys) ? 0 : PG_UNDO_KEYS) |
                     (pg_str_same(statedir, u->statedir) ? 0 : PG_UNDO_DIR);
}

/* The registry, floor and file identities from before the modify. */
static void
pg_undo_restore(pg_info *pi)
{
    pg_undo *u = &pi->pi_undo;

    if (u->snap == NULL)
        return;
    pg_snapshot_swap(pi, u->snap);
    u->snap = NULL;
    pi->pi_floor = u->floor;
    pi->pi_regseen = u->regseen;
    pi->pi_sigseen = u->sigseen;
    u->pending = 0;   /* the modify's registry is dropped, unrecorded */
}

/*
 * The end of a modify that set the registry (success or undo).  When a
 * setting came back to its value from before without a load, after a load
 * with another value: with every setting as before, the registry from
 * before comes back as it was read, the anti-rollback floor and the files'
 * identities included; otherwise the registry is loaded with the settings
 * as they are, and if that fails, the registry from before comes back when
 * the keys are those it was verified with (never one loaded with other
 * keys, or none).  Then a signed load of the modify that stays in force
 * is recorded in the state directory.
 */
static int
pg_cf_cleanup(ConfigArgs *c)
{
    char msg[SLAP_TEXT_BUFLEN];
    pg_info *pi;
    pg_undo *u;

    if (c->bi == NULL || c->bi->bi_cf_ocs != pg_cfocs)
        return 0;
    pi = ((slap_overinst *)c->bi)->on_bi.bi_private;
    if (pi == NULL || !pg_undo_same_op(c, pi))
        return 0;
    u = &pi->pi_undo;
    u->armed = 0;   /* what is loaded from here on is recorded at once */
    if (u->skipped && pi->pi_open) {
        int keys_before = pg_keys_same(&pi->pi_pubkeys, &u->keys);

        if (keys_before && pg_str_same(pi->pi_path, u->path) &&
            pg_str_same(pi->pi_statedir, u->statedir)) {
            pg_undo_restore(pi);
            Log(LDAP_DEBUG_ANY, LDAP_LEVEL_NOTICE, "ploguard: cn=config "
                "modify undone: the registry in force before it is in "
                "force again\n");
        } else if (pg_reload_now(pi, pi->pi_path, &pi->pi_pcfg, msg,
                                 sizeof(msg)) == 0) {
            u->pending = 0;   /* recorded by that load */
        } else {
            Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR, "ploguard: after a "
                "cn=config modify, the registry could not be read with the "
                "settings now configured: %s\n", msg);
            if (keys_before) {
                pg_undo_restore(pi);
                Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR, "ploguard: the registry "
                    "in force before the modify is in force again\n");
            }
        }
    }
    /* recorded where it was checked, if that is still the directory */
    if (u->pending && pi->pi_open &&
        !pg_str_same(u->pending_dir, pi->pi_statedir))
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_WARNING, "ploguard: the registry a "
            "cn=config modify loaded (seq %lld) is not recorded: the state "
            "directory changed since it was checked\n", u->pending_fi.seq);
    else if (u->pending && pi->pi_open &&
             pg_record_signed(pi->pi_statedir, &u->pending_fi, msg,
                              sizeof(msg)) != 0)
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR, "ploguard: the registry a "
            "cn=config modify loaded is in force, but its state is not "
            "recorded: %s\n", msg);
    pg_undo_drop(pi);
    return 0;
}

void
pg_info_free_config(pg_info *pi)
{
    ch_free(pi->pi_path);
    ch_free(pi->pi_phone.text);
    ch_free(pi->pi_mail.text);
    ch_free(pi->pi_display.text);
    ch_free(pi->pi_notes.text);
    ch_free(pi->pi_statedir);
    pg_pubkeys_free(&pi->pi_pubkeys);
    pg_undo_drop(pi);
    pi->pi_statedir = NULL;
    pi->pi_path = NULL;
    pi->pi_phone.text = pi->pi_mail.text = NULL;
    pi->pi_display.text = pi->pi_notes.text = NULL;
}

/* The refusal every directive gives: directive, value, reason. */
static int
pg_cf_refuse(ConfigArgs *c, const char *value, const char *why)
{
    snprintf(c->cr_msg, sizeof(c->cr_msg), "<%.40s> \"%.60s\" refused: %.140s",
             c->argv[0], value, why);
    Log(LDAP_DEBUG_ANY, LDAP_LEVEL_ERR, "%s: %s\n", c->log, c->cr_msg);
    return ARG_BAD_CONF;
}

/* The argument words joined by single spaces, as one newly allocated
 * string. */
static char *
pg_cf_join(ConfigArgs *c)
{
    size_t len = 0, off = 0;
    char *s;
    int i;

    for (i = 1; i < c->argc; i++)
        len += strlen(c->argv[i]) + 1;
    s = ch_malloc(len + 1);
    for (i = 1; i < c->argc; i++) {
        size_t l = strlen(c->argv[i]);
        if (i > 1)
            s[off++] = ' ';
        memcpy(s + off, c->argv[i], l);
        off += l;
    }
    s[off] = '\0';
    return s;
}

static int
pg_cf_emit_str(ConfigArgs *c, const char *s)
{
    struct berval bv;

    if (s == NULL)
        return 1;   /* unset: the default applies, nothing to show */
    ber_str2bv(s, 0, 0, &bv);
    value_add_one(&c->rvalue_vals, &bv);
    return 0;
}

static const char *
pg_lang_name(int lang)
{
    return lang == PG_LANG_FR ? "fr" : "en";
}

static int
pg_cf_emit(ConfigArgs *c, pg_info *pi)
{
    char buf[64];
    const char *lvl;

    switch (c->type) {
    case PG_CF_REGISTRY:
        return pg_cf_emit_str(c, pi->pi_path);
    case PG_CF_REGION:
        return pg_cf_emit_str(c, pi->pi_pcfg.region);
    case PG_CF_INTERVAL:
        snprintf(buf, sizeof(buf), "%d", pi->pi_interval);
        return pg_cf_emit_str(c, buf);
    case PG_CF_PHONE:
        return pg_cf_emit_str(c, pi->pi_phone.text);
    case PG_CF_MAIL:
        return pg_cf_emit_str(c, pi->pi_mail.text);
    case PG_CF_DISPLAY:
        return pg_cf_emit_str(c, pi->pi_display.text);
    case PG_CF_NOTES:
        return pg_cf_emit_str(c, pi->pi_notes.text);
    case PG_CF_LANG:
        if (pi->pi_lang[1] != 0)
            snprintf(buf, sizeof(buf), "%s %s", pg_lang_name(pi->pi_lang[0]),
                     pg_lang_name(pi->pi_lang[1]));
        else
            snprintf(buf, sizeof(buf), "%s", pg_lang_name(pi->pi_lang[0]));
        return pg_cf_emit_str(c, buf);
    case PG_CF_SYNTH:
        return pg_cf_emit_str(c, pi->pi_synth ? "TRUE" : "FALSE");
    case PG_CF_LOGLEVEL:
        lvl = pi->pi_loglevel == LDAP_DEBUG_ANY ? "any" :
              loglevel2str(pi->pi_loglevel);
        if (lvl == NULL) {
            snprintf(buf, sizeof(buf), "%d", pi->pi_loglevel);
            lvl = buf;
        }
        return pg_cf_emit_str(c, lvl);
    case PG_CF_PUBKEY:
        if (pi->pi_pubkeys.n == 0)
            return 1;
        if (pi->pi_pubkeys.n == 1)
            return pg_cf_emit_str(c, pi->pi_pubkeys.text[0]);
        {
            size_t len = strlen(pi->pi_pubkeys.text[0]) +
                         strlen(pi->pi_pubkeys.text[1]) + 2;
            char *both = ch_malloc(len);
            struct berval bv;

            snprintf(both, len, "%s %s", pi->pi_pubkeys.text[0],
                     pi->pi_pubkeys.text[1]);
            ber_str2bv(both, 0, 0, &bv);
            value_add_one(&c->rvalue_vals, &bv);
            ch_free(both);
        }
        return 0;
    case PG_CF_STATEDIR:
        return pg_cf_emit_str(c, pi->pi_statedir);
    case PG_CF_VCACHE:
        snprintf(buf, sizeof(buf), "%d", pi->pi_vslots);
        return pg_cf_emit_str(c, buf);
    }
    return 1;
}

/* A whole decimal number from lo to hi, the whole of str; 0, or -1. */
static int
pg_cf_long(const char *str, long lo, long hi, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(str, &end, 10);
    if (errno != 0 || end == str || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* A new verdict table of nslots slots; on an open database at once. */
static int
pg_cf_vcache(ConfigArgs *c, pg_info *pi, int nslots)
{
    char msg[SLAP_TEXT_BUFLEN];

    if (pi->pi_open &&
        pg_verdicts_open((slap_overinst *)c->bi, pi, nslots, msg,
                         sizeof(msg)) != 0)
        return pg_cf_refuse(c, c->argc > 1 ? c->argv[1] : "", msg);
    pi->pi_vslots = nslots;
    return 0;
}

static int
pg_cf_set_vcache(ConfigArgs *c, pg_info *pi)
{
    char why[80];
    long v;

    if (pg_cf_long(c->argv[1], 0, (long)PG_VERDICT_MAX_SLOTS, &v) != 0) {
        snprintf(why, sizeof(why), "must be a whole number of slots, 0 "
                 "(none) to %ld", (long)PG_VERDICT_MAX_SLOTS);
        return pg_cf_refuse(c, c->argv[1], why);
    }
    return pg_cf_vcache(c, pi, (int)v);
}

/* ploguard-region, set or deleted (back to CA).  It is how the directory's
 * numbers are read, not the registry's (always Canadian, pgr.h): nothing
 * is loaded; pg_cf forgets the verdicts found under the old region. */
static int
pg_cf_region(ConfigArgs *c, pg_info *pi, const char *region)
{
    pgr_config pc = pi->pi_pcfg;

    if (pgr_config_set_region(&pc, region) != 0)
        return pg_cf_refuse(c, region, "not a region the phone parser knows "
                            "(ISO 3166 alpha-2, e.g. CA)");
    pi->pi_pcfg = pc;
    return 0;
}

/* Deleting a value restores the default; the registry path is required. */
static int
pg_cf_delete(ConfigArgs *c, pg_info *pi)
{
    pg_attrs *pa = NULL;
    char msg[SLAP_TEXT_BUFLEN];

    switch (c->type) {
    case PG_CF_REGISTRY:
        /* A replace deletes, then adds, and the schema (MUST
         * olcPloguardRegistry) refuses removing the path for good: the
         * path in force stays until a new one has loaded.  Forgetting it
         * here would leave none when the new one is refused and slapd's
         * undo cannot load the old one either (its file being replaced):
         * the reload task would then never read the file again. */
        return 0;
    case PG_CF_REGION:
        return pg_cf_region(c, pi, "CA");
    case PG_CF_INTERVAL:
        pi->pi_interval = PG_DEFAULT_INTERVAL;
        if (pi->pi_open)
            pg_task_set_interval(pi);
        return 0;
    case PG_CF_PHONE:   pa = &pi->pi_phone;   break;
    case PG_CF_MAIL:    pa = &pi->pi_mail;    break;
    case PG_CF_DISPLAY: pa = &pi->pi_display; break;
    case PG_CF_NOTES:   pa = &pi->pi_notes;   break;
    case PG_CF_LANG:
        pi->pi_lang[0] = PG_LANG_EN;
        pi->pi_lang[1] = PG_LANG_FR;
        return 0;
    case PG_CF_SYNTH:
        pi->pi_synth = 1;
        return 0;
    case PG_CF_LOGLEVEL:
        pi->pi_loglevel = LDAP_DEBUG_ANY;
        return 0;
    case PG_CF_PUBKEY:
        /* Back to unsigned mode: the registry in force stays; the next
         * change of the file is loaded without a signature check. */
        if (pi->pi_open && pi->pi_pubkeys.n > 0)
            Log(LDAP_DEBUG_ANY, LDAP_LEVEL_WARNING, "ploguard: "
                "ploguard-pubkey removed: registry signatures are no "
                "longer checked\n");
        /* slapd's undo deletes the new value before adding the old one
         * back, which pg_undo keeps parsed; with none before, this delete
         * is the way back */
        pg_pubkeys_free(&pi->pi_pubkeys);
        if (pg_undo_same_op(c, pi) && pi->pi_undo.keys.n == 0 &&
            pg_undo_settle(c, pi, PG_UNDO_KEYS, msg, sizeof(msg)) != 0)
            return pg_cf_refuse(c, "(none)", msg);
        return 0;
    case PG_CF_STATEDIR:
        ch_free(pi->pi_statedir);
        pi->pi_statedir = NULL;
        if (pg_undo_same_op(c, pi) && pi->pi_undo.statedir == NULL &&
            pg_undo_settle(c, pi, PG_UNDO_DIR, msg, sizeof(msg)) != 0)
            return pg_cf_refuse(c, "(none)", msg);
        return 0;
    case PG_CF_VCACHE:
        return pg_cf_vcache(c, pi, PG_VERDICT_DEFAULT_SLOTS);
    default:
        return ARG_BAD_CONF;
    }
    /* an attribute list back to its default */
    {
        char *old = pa->text;

        pa->text = NULL;
        if (pi->pi_open && pg_resolve_all(pi, msg, sizeof(msg)) != 0) {
            pa->text = old;
            snprintf(c->cr_msg, sizeof(c->cr_msg), "<%.40s> %.200s", c->argv[0], msg);
            return ARG_BAD_CONF;
        }
        ch_free(old);
    }
    return 0;
}

static int
pg_cf_set_list(ConfigArgs *c, pg_info *pi, pg_attrs *pa, int single)
{
    char msg[SLAP_TEXT_BUFLEN];
    char *text = pg_cf_join(c);
    char *old;
    int n;

    n = pg_attrs_check_text(text, msg, sizeof(msg));
    if (n < 0 || (single && n != 1)) {
        int rc = pg_cf_refuse(c, text, n < 0 ? msg :
                              "exactly one attribute must be named");
        ch_free(text);
        return rc;
    }
    old = pa->text;
    pa->text = text;
    if (pi->pi_open && pg_resolve_all(pi, msg, sizeof(msg)) != 0) {
        int rc;

        pa->text = old;
        rc = pg_cf_refuse(c, text, msg);
        ch_free(text);
        return rc;
    }
    ch_free(old);
    return 0;
}

/* One language word, w[0..len), as PG_LANG_*; 0 if it is none. */
static int
pg_lang_word(const char *w, size_t len)
{
    if (len == 2 && strncasecmp(w, "en", 2) == 0)
        return PG_LANG_EN;
    if (len == 2 && strncasecmp(w, "fr", 2) == 0)
        return PG_LANG_FR;
    return 0;
}

/*
 * The languages are words, whether slapd gave them as arguments
 * (ploguard-lang en fr) or as one quoted argument (ploguard-lang "en fr",
 * as the man page long wrote it, or one cn=config value holding both).
 */
static int
pg_cf_set_lang(ConfigArgs *c, pg_info *pi)
{
    int lang[PG_MAX_LANGS] = { 0, 0 };
    int i, n = 0;

    for (i = 1; i < c->argc; i++) {
        const char *p = c->argv[i];

        for (;;) {
            size_t len;

            p += strspn(p, " \t");
            if (*p == '\0')
                break;
            len = strcspn(p, " \t");
            if (n == PG_MAX_LANGS)
                return pg_cf_refuse(c, c->argv[i], "at most two languages");
            lang[n] = pg_lang_word(p, len);
            if (lang[n] == 0)
                return pg_cf_refuse(c, c->argv[i], "languages are en and fr");
            if (n > 0 && lang[n] == lang[0])
                return pg_cf_refuse(c, c->argv[i], "language named twice");
            n++;
            p += len;
        }
    }
    if (n == 0)
        return pg_cf_refuse(c, c->argv[1], "name en, fr or both");
    pi->pi_lang[0] = lang[0];
    pi->pi_lang[1] = lang[1];
    return 0;
}

static int
pg_cf_set_bool(ConfigArgs *c, pg_info *pi)
{
    const char *v = c->argv[1];

    if (strcasecmp(v, "on") == 0 || strcasecmp(v, "true") == 0 ||
        strcasecmp(v, "yes") == 0)
        pi->pi_synth = 1;
    else if (strcasecmp(v, "off") == 0 || strcasecmp(v, "false") == 0 ||
             strcasecmp(v, "no") == 0)
        pi->pi_synth = 0;
    else
        return pg_cf_refuse(c, v, "must be on or off");
    return 0;
}

static int
pg_cf_set_interval(ConfigArgs *c, pg_info *pi)
{
    long v;

    if (pg_cf_long(c->argv[1], 1, PG_INTERVAL_MAX, &v) != 0)
        return pg_cf_refuse(c, c->argv[1],
                            "must be a whole number of seconds, 1 to 86400");
    pi->pi_interval = (int)v;
    if (pi->pi_open)
        pg_task_set_interval(pi);
    return 0;
}

static int
pg_cf_set_loglevel(ConfigArgs *c, pg_info *pi)
{
    int level = 0;

    if (strcasecmp(c->argv[1], "any") == 0)
        level = LDAP_DEBUG_ANY;
    else if (str2loglevel(c->argv[1], &level) != 0 || level == 0)
        return pg_cf_refuse(c, c->argv[1], "not a slapd log level name "
                            "(any, stats, stats2, trace, ... see slapd.conf(5))");
    pi->pi_loglevel = level;
    return 0;
}

/* pk in force; on an open database only if the registry in force
 * verifies with it.  0, or -1 with the reason in msg (pk is kept). */
static int
pg_pubkeys_take(ConfigArgs *c, pg_info *pi, pg_pubkeys *pk, char *msg,
                size_t msgsz)
{
    if (pi->pi_open) {
        if (pg_reload_with(pi, pi->pi_path, &pi->pi_pcfg, &pk->keys,
                           pi->pi_statedir, msg, msgsz) != 0)
            return -1;
        pg_undo_loaded(c, pi, pi->pi_path, pk, pi->pi_statedir);
    }
    pg_pubkeys_free(&pi->pi_pubkeys);
    pi->pi_pubkeys = *pk;
    memset(pk, 0, sizeof(*pk));
    return 0;
}

/*
 * The keys from before the modify, set again in it (slapd undoing it, or
 * a replace by the same value).  They are read again: a .pub file that now
 * holds another key (rotated) is taken if the registry in force verifies
 * with it.  A file gone, unreadable, or whose new key does not verify the
 * registry leaves the keys as they were read before the modify.
 */
static int
pg_cf_pubkey_back(ConfigArgs *c, pg_info *pi)
{
    char msg[SLAP_TEXT_BUFLEN];
    pg_pubkeys pk;
    int bad = 1;

    memset(&pk, 0, sizeof(pk));
    if (pg_pubkeys_parse(c->argc, c->argv, &pk, &bad, msg, sizeof(msg)) == 0 &&
        memcmp(&pk.keys, &pi->pi_undo.keys.keys, sizeof(pk.keys)) != 0) {
        if (pg_pubkeys_take(c, pi, &pk, msg, sizeof(msg)) == 0)
            return 0;
        Log(LDAP_DEBUG_ANY, LDAP_LEVEL_WARNING, "ploguard: ploguard-pubkey: "
            "the keys now read from its files are not taken (%s); the keys "
            "read before stay in force\n", msg);
    }
    pg_pubkeys_free(&pk);
    pg_pubkeys_copy(&pi->pi_pubkeys, &pi->pi_undo.keys);
    if (pg_undo_settle(c, pi, PG_UNDO_KEYS, msg, sizeof(msg)) != 0) {
        char *text = pg_cf_join(c);
        int rc = pg_cf_refuse(c, text, msg);

        ch_free(text);
        return rc;
    }
    return 0;
}

/*
 * ploguard-pubkey: the new key set replaces the old one only if it parses
 * and, on an open database, the registry in force verifies with it.
 */
static int
pg_cf_set_pubkey(ConfigArgs *c, pg_info *pi)
{
    char msg[SLAP_TEXT_BUFLEN];
    pg_pubkeys pk;
    int bad = 1, rc;

    /* cn=config replaces by deleting first; a second slapd.conf line
     * would silently drop the first key set. */
    if (pi->pi_pubkeys.n > 0)
        return pg_cf_refuse(c, c->argv[1], "ploguard-pubkey given twice "
                            "(name both keys on one line)");
    if (pg_undo_same_op(c, pi) &&
        pg_keys_are(&pi->pi_undo.keys, c->argc, c->argv))
        return pg_cf_pubkey_back(c, pi);
    memset(&pk, 0, sizeof(pk));
    if (pg_pubkeys_parse(c->argc, c->argv, &pk, &bad, msg, sizeof(msg)) != 0)
        return pg_cf_refuse(c, c->argv[bad < c->argc ? bad : 1], msg);
    if (pg_pubkeys_take(c, pi, &pk, msg, sizeof(msg)) != 0) {
        char *text = pg_cf_join(c);

        rc = pg_cf_refuse(c, text, msg);
        ch_free(text);
        pg_pubkeys_free(&pk);
        return rc;
    }
    return 0;
}

/* A path setting (*slot, which) back to its value from before the modify:
 * taken without reading anything, then settled (pg_undo_settle). */
static int
pg_cf_path_back(ConfigArgs *c, pg_info *pi, char **slot, unsigned which)
{
    char msg[SLAP_TEXT_BUFLEN];

    ch_free(*slot);
    *slot = ch_strdup(c->argv[1]);
    if (pg_undo_settle(c, pi, which, msg, sizeof(msg)) != 0)
        return pg_cf_refuse(c, c->argv[1], msg);
    return 0;
}

/* ploguard-state-dir: on an open database in signed mode, the registry in
 * force must pass the state found there. */
static int
pg_cf_set_statedir(ConfigArgs *c, pg_info *pi)
{
    char msg[SLAP_TEXT_BUFLEN];

    if (pg_undo_setback(c, pi, pg_str_same(pi->pi_undo.statedir, c->argv[1]),
                        0))
        return pg_cf_path_back(c, pi, &pi->pi_statedir, PG_UNDO_DIR);
    if (pg_statedir_check(c->argv[1], msg, sizeof(msg)) != 0)
        return pg_cf_refuse(c, c->argv[1], msg);
    if (pi->pi_open && pi->pi_pubkeys.n > 0) {
        if (pg_reload_with(pi, pi->pi_path, &pi->pi_pcfg, &pi->pi_pubkeys.keys,
                           c->argv[1], msg, sizeof(msg)) != 0)
            return pg_cf_refuse(c, c->argv[1], msg);
        pg_undo_loaded(c, pi, pi->pi_path, &pi->pi_pubkeys, c->argv[1]);
    }
    ch_free(pi->pi_statedir);
    pi->pi_statedir = ch_strdup(c->argv[1]);
    return 0;
}

static int
pg_cf_set(ConfigArgs *c, pg_info *pi)
{
    char msg[SLAP_TEXT_BUFLEN];

    switch (c->type) {
    case PG_CF_REGISTRY:
        if (c->argv[1][0] != '/')
            return pg_cf_refuse(c, c->argv[1], "must be an absolute path");
        if (pi->pi_open &&
            pg_undo_setback(c, pi, pg_str_same(pi->pi_undo.path, c->argv[1]),
                            1))
            return pg_cf_path_back(c, pi, &pi->pi_path, PG_UNDO_PATH);
        if (pi->pi_open) {
            if (pg_reload_now(pi, c->argv[1], &pi->pi_pcfg, msg,
                              sizeof(msg)) != 0)
                return pg_cf_refuse(c, c->argv[1], msg);
            pg_undo_loaded(c, pi, c->argv[1], &pi->pi_pubkeys,
                           pi->pi_statedir);
        }
        ch_free(pi->pi_path);
        pi->pi_path = ch_strdup(c->argv[1]);
        return 0;
    case PG_CF_REGION:
        return pg_cf_region(c, pi, c->argv[1]);
    case PG_CF_INTERVAL: return pg_cf_set_interval(c, pi);
    case PG_CF_PHONE:    return pg_cf_set_list(c, pi, &pi->pi_phone, 0);
    case PG_CF_MAIL:     return pg_cf_set_list(c, pi, &pi->pi_mail, 0);
    case PG_CF_DISPLAY:  return pg_cf_set_list(c, pi, &pi->pi_display, 0);
    case PG_CF_NOTES:    return pg_cf_set_list(c, pi, &pi->pi_notes, 1);
    case PG_CF_LANG:     return pg_cf_set_lang(c, pi);
    case PG_CF_SYNTH:    return pg_cf_set_bool(c, pi);
    case PG_CF_LOGLEVEL: return pg_cf_set_loglevel(c, pi);
    case PG_CF_PUBKEY:   return pg_cf_set_pubkey(c, pi);
    case PG_CF_STATEDIR: return pg_cf_set_statedir(c, pi);
    case PG_CF_VCACHE:   return pg_cf_set_vcache(c, pi);
    }
    return ARG_BAD_CONF;
}

static int
pg_cf(ConfigArgs *c)
{
    slap_overinst *on = (slap_overinst *)c->bi;
    pg_info *pi = on->on_bi.bi_private;
    int rc;

    if (pi == NULL) {
        snprintf(c->cr_msg, sizeof(c->cr_msg), "<%s> ploguard is not "
                 "initialized on this database", c->argv[0]);
        return ARG_BAD_CONF;
    }
    if (c->op == SLAP_CONFIG_EMIT)
        return pg_cf_emit(c, pi);
    if (c->type == PG_CF_REGISTRY || c->type == PG_CF_PUBKEY ||
        c->type == PG_CF_STATEDIR)
        pg_undo_begin(c, pi);
    rc = c->op == LDAP_MOD_DELETE ? pg_cf_delete(c, pi) : pg_cf_set(c, pi);
    /* what an entry matches may have changed (attribute lists, region) */
    if (rc == 0)
        pg_verdicts_forget(pi->pi_verdicts);
    return rc;
}

int
pg_config_init(BackendInfo *bi)
{
    bi->bi_cf_ocs = pg_cfocs;
    return config_register_schema(pg_cfats, pg_cfocs);
}
