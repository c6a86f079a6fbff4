/*
 * tests/ldapconnect.h - the connection every test and bench client makes
 * (ldapclient, randwrite, ldload): LDAPv3, a 10 s network timeout, a
 * simple bind, anonymous when dn is NULL.
 */
#ifndef PG_TESTS_LDAPCONNECT_H
#define PG_TESTS_LDAPCONNECT_H

#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include <lber.h>
#include <ldap.h>

/* The bound connection, or NULL after printing why, prog first. */
static inline LDAP *
ldapconnect(const char *prog, const char *uri, const char *dn,
            const char *password)
{
    LDAP *ld = NULL;
    int version = LDAP_VERSION3, rc;
    struct berval cred;
    struct timeval tv = { 10, 0 };

    rc = ldap_initialize(&ld, uri);
    if (rc != LDAP_SUCCESS) {
        fprintf(stderr, "%s: %s: %s\n", prog, uri, ldap_err2string(rc));
        return NULL;
    }
    ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version);
    ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
    cred.bv_val = (char *)(password != NULL ? password : "");
    cred.bv_len = strlen(cred.bv_val);
    rc = ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
    if (rc != LDAP_SUCCESS) {
        fprintf(stderr, "%s: bind to %s%s%s: %s\n", prog, uri,
                dn != NULL ? " as " : "", dn != NULL ? dn : "",
                ldap_err2string(rc));
        ldap_unbind_ext_s(ld, NULL, NULL);
        return NULL;
    }
    return ld;
}

#endif
