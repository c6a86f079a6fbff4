/*
 * test_registry.c - loading and validating ploguard-registry/1: one test
 * per validation error (each asserts the exact message), the sample
 * registry, the accessors, staleness and lapsed accreditation.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "pgr.h"

#ifndef SAMPLE_REGISTRY
#error "SAMPLE_REGISTRY must name data/registry.sample.json"
#endif

/* ------------------------------------------------------------- documents */

#define HEAD \
    "\"format\":\"ploguard-registry/1\",\"registry_id\":\"t\",\"seq\":1," \
    "\"issued_at\":\"2026-01-01T00:00:00Z\",\"expires_at\":\"2027-01-01T00:00:00Z\""
#define INSTR \
    "\"instructions\":{\"decline\":{\"en\":\"Decline.\",\"fr\":\"Refusez.\"," \
    "\"short_en\":\"DECLINE\",\"short_fr\":\"REFUSER\"}}"
#define ORG  "{\"id\":\"o1\",\"name\":\"Org\",\"country\":\"CN\"}"
#define MIS  "{\"id\":\"m1\",\"name\":\"Mission\",\"country\":\"CN\",\"city\":\"Ottawa\"," \
             "\"instruction\":\"decline\"}"
#define NAME "\"names\":[{\"family\":\"Li\",\"given\":\"Wei\"}]"
#define PERSON(extra) "{\"id\":\"p1\",\"role\":\"diplomat\"," NAME \
                      ",\"instruction\":\"decline\"" extra "}"

typedef struct error_case {
    const char *name;
    const char *raw;        /* the whole document, or NULL */
    const char *header;     /* replaces HEAD + INSTR when not NULL */
    const char *orgs, *missions, *people;
    const char *expect;     /* the one error expected */
} error_case;

static char *
build_doc(const error_case *c)
{
    const char *head = c->header != NULL ? c->header : HEAD "," INSTR;
#define DOC_FMT "{%s,\"organizations\":[%s],\"missions\":[%s],\"people\":[%s]}"
    size_t n = strlen(DOC_FMT) + strlen(head) + 1
        + (c->orgs ? strlen(c->orgs) : 0) + (c->missions ? strlen(c->missions) : 0)
        + (c->people ? strlen(c->people) : 0);
    char *doc = malloc(n);

    assert_non_null(doc);
    snprintf(doc, n, DOC_FMT, head, c->orgs ? c->orgs : "", c->missions ? c->missions : "",
             c->people ? c->people : "");
    return doc;
}

static const error_case error_cases[] = {
    /* -------------------------------------------------- the document */
    { "json_syntax", "{\"format\": }", NULL, NULL, NULL, NULL,
      "$: invalid JSON at line 1, column 12: unexpected token near '}'" },
    { "json_duplicate_key",
      "{\"seq\":1,\"seq\":2}", NULL, NULL, NULL, NULL,
      "$: invalid JSON at line 1, column 10: duplicate object key \"seq\"" },
    { "json_trailing_garbage", "{}\n]", NULL, NULL, NULL, NULL,
      "$: invalid JSON at line 2, column 1: end of file expected" },
    { "json_top_missing_colon", "{\"seq\" 1}", NULL, NULL, NULL, NULL,
      "$: invalid JSON at line 1, column 8: ':' expected" },
    { "json_top_missing_comma", "{\"seq\":1 \"format\":2}", NULL, NULL, NULL, NULL,
      "$: invalid JSON at line 1, column 10: ',' or '}' expected" },
    { "json_unterminated", "{\"seq\":\"1}", NULL, NULL, NULL, NULL,
      "$: invalid JSON at line 1, column 10: premature end of input near '\"1}'" },
    { "json_array_missing_comma", NULL, NULL, NULL, NULL, PERSON("") " " PERSON(""),
      "$: invalid JSON at line 1, column 370: ',' or ']' expected" },
    { "json_duplicate_key_in_entity", NULL, NULL, NULL, NULL,
      "{\"id\":\"p1\",\"id\":\"p2\"}",
      "$: invalid JSON at line 1, column 290: duplicate object key near '\"id\"'" },
    { "json_top_trailing_comma", "{\"seq\":1,}", NULL, NULL, NULL, NULL,
      "$: invalid JSON at line 1, column 10: string or '}' expected" },
    { "json_not_object", "[1,2]", NULL, NULL, NULL, NULL,
      "$: must be an object" },
    { "top_missing_field", NULL,
      "\"format\":\"ploguard-registry/1\",\"registry_id\":\"t\","
      "\"issued_at\":\"2026-01-01T00:00:00Z\",\"expires_at\":\"2027-01-01T00:00:00Z\"," INSTR,
      NULL, NULL, NULL, "$: missing required field \"seq\"" },
    { "top_unknown_field", NULL, HEAD "," INSTR ",\"comment\":\"x\"", NULL, NULL, NULL,
      "$: unknown field \"comment\"" },
    { "format_wrong", NULL,
      "\"format\":\"ploguard-registry/2\",\"registry_id\":\"t\",\"seq\":1,"
      "\"issued_at\":\"2026-01-01T00:00:00Z\",\"expires_at\":\"2027-01-01T00:00:00Z\"," INSTR,
      NULL, NULL, NULL, "format: \"ploguard-registry/2\" is not \"ploguard-registry/1\"" },
    { "format_not_string", NULL,
      "\"format\":1,\"registry_id\":\"t\",\"seq\":1,"
      "\"issued_at\":\"2026-01-01T00:00:00Z\",\"expires_at\":\"2027-01-01T00:00:00Z\"," INSTR,
      NULL, NULL, NULL, "format: must be the string \"ploguard-registry/1\"" },
    { "registry_id_empty", NULL,
      "\"format\":\"ploguard-registry/1\",\"registry_id\":\" \",\"seq\":1,"
      "\"issued_at\":\"2026-01-01T00:00:00Z\",\"expires_at\":\"2027-01-01T00:00:00Z\"," INSTR,
      NULL, NULL, NULL, "registry_id: \" \" is not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)" },
    { "registry_id_not_string", NULL,
      "\"format\":\"ploguard-registry/1\",\"registry_id\":7,\"seq\":1,"
      "\"issued_at\":\"2026-01-01T00:00:00Z\",\"expires_at\":\"2027-01-01T00:00:00Z\"," INSTR,
      NULL, NULL, NULL, "registry_id: must be a string" },
    { "registry_id_path", NULL,
      "\"format\":\"ploguard-registry/1\",\"registry_id\":\"../etc/passwd\",\"seq\":1,"
      "\"issued_at\":\"2026-01-01T00:00:00Z\",\"expires_at\":\"2027-01-01T00:00:00Z\"," INSTR,
      NULL, NULL, NULL,
      "registry_id: \"../etc/passwd\" is not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)" },
    { "registry_id_blank_inside", NULL,
      "\"format\":\"ploguard-registry/1\",\"registry_id\":\"ca ildc\",\"seq\":1,"
      "\"issued_at\":\"2026-01-01T00:00:00Z\",\"expires_at\":\"2027-01-01T00:00:00Z\"," INSTR,
      NULL, NULL, NULL,
      "registry_id: \"ca ildc\" is not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)" },
    { "registry_id_too_long", NULL,
      "\"format\":\"ploguard-registry/1\",\"registry_id\":"
      "\"a123456789b123456789c123456789d123456789e123456789f123456789g1234\",\"seq\":1,"
      "\"issued_at\":\"2026-01-01T00:00:00Z\",\"expires_at\":\"2027-01-01T00:00:00Z\"," INSTR,
      NULL, NULL, NULL,
      "registry_id: \"a123456789b123456789c123456789d123456789e123456789f123456789g1234\" "
      "is not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)" },
    { "seq_zero", NULL,
      "\"format\":\"ploguard-registry/1\",\"registry_id\":\"t\",\"seq\":0,"
      "\"issued_at\":\"2026-01-01T00:00:00Z\",\"expires_at\":\"2027-01-01T00:00:00Z\"," INSTR,
      NULL, NULL, NULL, "seq: must be an integer >= 1" },
    { "seq_not_integer", NULL,
      "\"format\":\"ploguard-registry/1\",\"registry_id\":\"t\",\"seq\":1.5,"
      "\"issued_at\":\"2026-01-01T00:00:00Z\",\"expires_at\":\"2027-01-01T00:00:00Z\"," INSTR,
      NULL, NULL, NULL, "seq: must be an integer >= 1" },
    { "issued_at_not_a_date", NULL,
      "\"format\":\"ploguard-registry/1\",\"registry_id\":\"t\",\"seq\":1,"
      "\"issued_at\":\"2026-02-29T00:00:00Z\",\"expires_at\":\"2027-01-01T00:00:00Z\"," INSTR,
      NULL, NULL, NULL,
      "issued_at: \"2026-02-29T00:00:00Z\" is not an RFC 3339 UTC time (YYYY-MM-DDThh:mm:ssZ)" },
    { "expires_at_offset", NULL,
      "\"format\":\"ploguard-registry/1\",\"registry_id\":\"t\",\"seq\":1,"
      "\"issued_at\":\"2026-01-01T00:00:00Z\",\"expires_at\":\"2027-01-01T00:00:00+01:00\"," INSTR,
      NULL, NULL, NULL,
      "expires_at: \"2027-01-01T00:00:00+01:00\" is not an RFC 3339 UTC time (YYYY-MM-DDThh:mm:ssZ)" },
    { "issued_at_not_string", NULL,
      "\"format\":\"ploguard-registry/1\",\"registry_id\":\"t\",\"seq\":1,"
      "\"issued_at\":1767225600,\"expires_at\":\"2027-01-01T00:00:00Z\"," INSTR,
      NULL, NULL, NULL,
      "issued_at: the value is not an RFC 3339 UTC time (YYYY-MM-DDThh:mm:ssZ)" },
    { "expires_before_issued", NULL,
      "\"format\":\"ploguard-registry/1\",\"registry_id\":\"t\",\"seq\":1,"
      "\"issued_at\":\"2026-01-01T00:00:00Z\",\"expires_at\":\"2026-01-01T00:00:00Z\"," INSTR,
      NULL, NULL, NULL, "expires_at: must be later than issued_at" },
    /* ------------------------------------------------- instructions */
    { "instructions_not_object", NULL, HEAD ",\"instructions\":[]", NULL, NULL, NULL,
      "instructions: must be an object" },
    { "instruction_bad_id", NULL,
      HEAD ",\"instructions\":{\"de cline\":{\"en\":\"a\",\"fr\":\"b\",\"short_en\":\"c\",\"short_fr\":\"d\"}}",
      NULL, NULL, NULL,
      "instructions: \"de cline\" is not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)" },
    { "instruction_not_object", NULL, HEAD ",\"instructions\":{\"decline\":\"no\"}",
      NULL, NULL, NULL, "instructions.decline: must be an object" },
    { "instruction_missing_text", NULL,
      HEAD ",\"instructions\":{\"decline\":{\"en\":\"a\",\"fr\":\"b\",\"short_en\":\"c\"}}",
      NULL, NULL, NULL, "instructions.decline: missing required field \"short_fr\"" },
    { "instruction_unknown_field", NULL,
      HEAD ",\"instructions\":{\"decline\":{\"en\":\"a\",\"fr\":\"b\",\"short_en\":\"c\","
      "\"short_fr\":\"d\",\"de\":\"e\"}}",
      NULL, NULL, NULL, "instructions.decline: unknown field \"de\"" },
    { "instruction_empty_text", NULL,
      HEAD ",\"instructions\":{\"decline\":{\"en\":\"\",\"fr\":\"b\",\"short_en\":\"c\",\"short_fr\":\"d\"}}",
      NULL, NULL, NULL, "instructions.decline.en: must be a non-empty string" },
    { "instruction_short_too_long", NULL,
      /* 25 characters, 75 bytes: characters are counted, not bytes */
      HEAD ",\"instructions\":{\"decline\":{\"en\":\"a\",\"fr\":\"b\",\"short_en\":\"c\","
      "\"short_fr\":\"\xe6\x8b\x92\xe6\x8b\x92\xe6\x8b\x92\xe6\x8b\x92\xe6\x8b\x92"
      "\xe6\x8b\x92\xe6\x8b\x92\xe6\x8b\x92\xe6\x8b\x92\xe6\x8b\x92"
      "\xe6\x8b\x92\xe6\x8b\x92\xe6\x8b\x92\xe6\x8b\x92\xe6\x8b\x92"
      "\xe6\x8b\x92\xe6\x8b\x92\xe6\x8b\x92\xe6\x8b\x92\xe6\x8b\x92"
      "\xe6\x8b\x92\xe6\x8b\x92\xe6\x8b\x92\xe6\x8b\x92\xe6\x8b\x92\"}}",
      NULL, NULL, NULL, "instructions.decline.short_fr: 25 characters, at most 24 allowed" },
    { "instruction_short_control", NULL,
      HEAD ",\"instructions\":{\"decline\":{\"en\":\"a\",\"fr\":\"b\",\"short_en\":\"DE\\nCLINE\","
      "\"short_fr\":\"d\"}}",
      NULL, NULL, NULL, "instructions.decline.short_en: must not contain control characters" },
    /* ----------------------------------------------------- entities */
    { "entity_not_object", NULL, NULL, NULL, NULL, "\"p1\"",
      "people[0]: must be an object" },
    { "id_missing", NULL, NULL, "{\"name\":\"Org\",\"country\":\"CN\"}", NULL, NULL,
      "organizations[0]: missing required field \"id\"" },
    { "id_not_string", NULL, NULL, "{\"id\":7,\"name\":\"Org\",\"country\":\"CN\"}", NULL, NULL,
      "organizations[0].id: must be a string" },
    { "id_invalid", NULL, NULL, "{\"id\":\"o/1\",\"name\":\"Org\",\"country\":\"CN\"}", NULL, NULL,
      "organizations[0].id: \"o/1\" is not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)" },
    { "id_too_long", NULL, NULL,
      "{\"id\":\"o1234567890123456789012345678901234567890123456789012345678901234\","
      "\"name\":\"Org\",\"country\":\"CN\"}", NULL, NULL,
      "organizations[0].id: \"o1234567890123456789012345678901234567890123456789012345678901234\""
      " is not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)" },
    { "id_duplicate", NULL, NULL, ORG,
      "{\"id\":\"o1\",\"name\":\"Mission\",\"country\":\"CN\",\"city\":\"Ottawa\","
      "\"instruction\":\"decline\"}", NULL,
      "missions[0].id: \"o1\" is already the id of organizations[0]" },
    { "unknown_field", NULL, NULL, NULL, NULL, PERSON(",\"nickname\":\"x\""),
      "people[0]: unknown field \"nickname\"" },
    { "name_not_string", NULL, NULL, "{\"id\":\"o1\",\"name\":5,\"country\":\"CN\"}", NULL, NULL,
      "organizations[0].name: must be a non-empty string" },
    { "country_lower_case", NULL, NULL, "{\"id\":\"o1\",\"name\":\"Org\",\"country\":\"cn\"}",
      NULL, NULL,
      "organizations[0].country: \"cn\" is not an ISO 3166-1 alpha-2 country code (two upper-case letters)" },
    { "country_unassigned", NULL, NULL, "{\"id\":\"o1\",\"name\":\"Org\",\"country\":\"ZZ\"}",
      NULL, NULL,
      "organizations[0].country: \"ZZ\" is not an ISO 3166-1 alpha-2 country code (two upper-case letters)" },
    { "alias_empty", NULL, NULL,
      "{\"id\":\"o1\",\"name\":\"Org\",\"country\":\"CN\",\"aliases\":[\"MPS\",\"\"]}", NULL, NULL,
      "organizations[0].aliases[1]: must be a non-empty string" },
    { "list_not_array", NULL, NULL,
      "{\"id\":\"o1\",\"name\":\"Org\",\"country\":\"CN\",\"domains\":\"mps.example.test\"}", NULL, NULL,
      "organizations[0].domains: must be an array" },
    { "list_element_not_string", NULL, NULL,
      "{\"id\":\"o1\",\"name\":\"Org\",\"country\":\"CN\",\"domains\":[7]}", NULL, NULL,
      "organizations[0].domains[0]: must be a string" },
    { "domain_invalid", NULL, NULL,
      "{\"id\":\"o1\",\"name\":\"Org\",\"country\":\"CN\",\"domains\":[\"mps..example.test\"]}",
      NULL, NULL, "organizations[0].domains[0]: \"mps..example.test\" is not a valid domain name" },
    { "domain_twice", NULL, NULL,
      "{\"id\":\"o1\",\"name\":\"Org\",\"country\":\"CN\","
      "\"domains\":[\"mps.example.test\",\"MPS.Example.Test.\"]}", NULL, NULL,
      "organizations[0].domains[1]: \"MPS.Example.Test.\" is listed twice (mps.example.test)" },
    { "organization_no_instruction_at_all", NULL, HEAD ",\"instructions\":{}", ORG, NULL, NULL,
      "organizations[0]: has no \"instruction\" and the registry defines none to fall back on" },
    { "mission_missing_city", NULL, NULL, NULL,
      "{\"id\":\"m1\",\"name\":\"Mission\",\"country\":\"CN\",\"instruction\":\"decline\"}", NULL,
      "missions[0]: missing required field \"city\"" },
    { "mission_missing_instruction", NULL, NULL, NULL,
      "{\"id\":\"m1\",\"name\":\"Mission\",\"country\":\"CN\",\"city\":\"Ottawa\"}", NULL,
      "missions[0]: missing required field \"instruction\"" },
    { "instruction_unknown", NULL, NULL, NULL,
      "{\"id\":\"m1\",\"name\":\"Mission\",\"country\":\"CN\",\"city\":\"Ottawa\","
      "\"instruction\":\"ignore\"}", NULL,
      "missions[0].instruction: \"ignore\" is not an instruction of this registry" },
    { "organization_unknown", NULL, NULL, NULL,
      "{\"id\":\"m1\",\"name\":\"Mission\",\"country\":\"CN\",\"city\":\"Ottawa\","
      "\"organization\":\"o9\",\"instruction\":\"decline\"}", NULL,
      "missions[0].organization: \"o9\" is not the id of any organization" },
    { "organization_wrong_kind", NULL, NULL, NULL, MIS, PERSON(",\"organization\":\"m1\""),
      "people[0].organization: \"m1\" is a mission, not an organization" },
    { "mission_unknown", NULL, NULL, NULL, NULL, PERSON(",\"mission\":\"m9\""),
      "people[0].mission: \"m9\" is not the id of any mission" },
    { "mission_wrong_kind", NULL, NULL, ORG, NULL, PERSON(",\"mission\":\"o1\""),
      "people[0].mission: \"o1\" is an organization, not a mission" },
    { "prefix_not_digits", NULL, NULL, NULL,
      "{\"id\":\"m1\",\"name\":\"Mission\",\"country\":\"CN\",\"city\":\"Ottawa\","
      "\"phone_prefixes\":[\"+1 613 555 014\"],\"instruction\":\"decline\"}", NULL,
      "missions[0].phone_prefixes[0]: \"+1 613 555 014\" is not a number block: '+' and 4 to 14 digits" },
    { "prefix_too_short", NULL, NULL, NULL,
      "{\"id\":\"m1\",\"name\":\"Mission\",\"country\":\"CN\",\"city\":\"Ottawa\","
      "\"phone_prefixes\":[\"+161\"],\"instruction\":\"decline\"}", NULL,
      "missions[0].phone_prefixes[0]: \"+161\" is not a number block: '+' and 4 to 14 digits" },
    { "prefix_no_country_code", NULL, NULL, NULL,
      "{\"id\":\"m1\",\"name\":\"Mission\",\"country\":\"CN\",\"city\":\"Ottawa\","
      "\"phone_prefixes\":[\"+2891234\"],\"instruction\":\"decline\"}", NULL,
      "missions[0].phone_prefixes[0]: \"+2891234\" does not begin with a country calling code" },
    { "prefix_twice", NULL, NULL, NULL,
      "{\"id\":\"m1\",\"name\":\"Mission\",\"country\":\"CN\",\"city\":\"Ottawa\","
      "\"phone_prefixes\":[\"+1613555014\",\"+1613555014\"],\"instruction\":\"decline\"}", NULL,
      "missions[0].phone_prefixes[1]: \"+1613555014\" is listed twice (+1613555014)" },
    { "phone_incomplete", NULL, NULL, NULL, NULL,
      PERSON(",\"phones\":[\"613-555-0101\",\"613-555-01\"]"),
      "people[0].phones[1]: \"613-555-01\" is not a complete phone number" },
    { "phone_not_a_number", NULL, NULL, NULL, NULL,
      PERSON(",\"phones\":[\"call me\"]"),
      "people[0].phones[0]: \"call me\" is not a phone number" },
    { "phone_with_extension", NULL, NULL, NULL, NULL,
      PERSON(",\"phones\":[\"613-555-0101 x12\"]"),
      "people[0].phones[0]: \"613-555-0101 x12\" has an extension (registry numbers have none)" },
    { "phone_twice", NULL, NULL, NULL, NULL,
      PERSON(",\"phones\":[\"613-555-0101\",\"+1 (613) 555-0101\"]"),
      "people[0].phones[1]: \"+1 (613) 555-0101\" is listed twice (+16135550101)" },
    { "email_invalid", NULL, NULL, NULL, NULL, PERSON(",\"emails\":[\"li.wei@\"]"),
      "people[0].emails[0]: \"li.wei@\" is not a valid e-mail address" },
    { "email_mailto_headers", NULL, NULL, NULL, NULL,
      PERSON(",\"emails\":[\"mailto:li.wei@example.org?cc=wang@example.org\"]"),
      "people[0].emails[0]: \"mailto:li.wei@example.org?cc=wang@example.org\" is a mailto: URI "
      "with headers ('?'); give each address as an entry of its own" },
    { "email_twice", NULL, NULL, NULL, NULL,
      PERSON(",\"emails\":[\"li.wei@example.org\",\"Li.Wei@Example.ORG\"]"),
      "people[0].emails[1]: \"Li.Wei@Example.ORG\" is listed twice (li.wei@example.org)" },
    { "role_missing", NULL, NULL, NULL, NULL,
      "{\"id\":\"p1\"," NAME ",\"instruction\":\"decline\"}",
      "people[0]: missing required field \"role\"" },
    { "role_invalid", NULL, NULL, NULL, NULL,
      "{\"id\":\"p1\",\"role\":\"spy\"," NAME ",\"instruction\":\"decline\"}",
      "people[0].role: \"spy\" is not one of \"plo\", \"diplomat\", \"official\"" },
    { "role_not_string", NULL, NULL, NULL, NULL,
      "{\"id\":\"p1\",\"role\":1," NAME ",\"instruction\":\"decline\"}",
      "people[0].role: must be a string" },
    { "instruction_ref_not_string", NULL, NULL, NULL, NULL,
      "{\"id\":\"p1\",\"role\":\"plo\"," NAME ",\"instruction\":[\"decline\"]}",
      "people[0].instruction: must be a string" },
    { "reference_not_string", NULL, NULL, NULL, NULL, PERSON(",\"mission\":null"),
      "people[0].mission: must be a string" },
    { "country_not_string", NULL, NULL, "{\"id\":\"o1\",\"name\":\"Org\",\"country\":true}",
      NULL, NULL, "organizations[0].country: must be a string" },
    { "status_invalid", NULL, NULL, NULL, NULL, PERSON(",\"status\":\"retired\""),
      "people[0].status: \"retired\" is not one of \"active\", \"ended\"" },
    { "names_missing", NULL, NULL, NULL, NULL,
      "{\"id\":\"p1\",\"role\":\"plo\",\"instruction\":\"decline\"}",
      "people[0]: missing required field \"names\"" },
    { "names_empty", NULL, NULL, NULL, NULL,
      "{\"id\":\"p1\",\"role\":\"plo\",\"names\":[],\"instruction\":\"decline\"}",
      "people[0].names: must not be empty" },
    { "name_not_object", NULL, NULL, NULL, NULL,
      "{\"id\":\"p1\",\"role\":\"plo\",\"names\":[\"Li Wei\"],\"instruction\":\"decline\"}",
      "people[0].names[0]: must be an object" },
    { "name_unknown_field", NULL, NULL, NULL, NULL,
      "{\"id\":\"p1\",\"role\":\"plo\",\"names\":[{\"full\":\"Li Wei\",\"middle\":\"X\"}],"
      "\"instruction\":\"decline\"}",
      "people[0].names[0]: unknown field \"middle\"" },
    { "name_given_alone", NULL, NULL, NULL, NULL,
      "{\"id\":\"p1\",\"role\":\"plo\",\"names\":[{\"given\":\"Wei\"}],\"instruction\":\"decline\"}",
      "people[0].names[0]: \"given\" without \"family\" (write a single name as \"full\")" },
    { "name_family_alone", NULL, NULL, NULL, NULL,
      "{\"id\":\"p1\",\"role\":\"plo\",\"names\":[{\"family\":\"Li\"}],\"instruction\":\"decline\"}",
      "people[0].names[0]: \"family\" without \"given\" (write a single name as \"full\")" },
    { "name_nothing", NULL, NULL, NULL, NULL,
      "{\"id\":\"p1\",\"role\":\"plo\",\"names\":[{}],\"instruction\":\"decline\"}",
      "people[0].names[0]: needs \"family\" and \"given\", or \"full\"" },
    { "name_empty_text", NULL, NULL, NULL, NULL,
      "{\"id\":\"p1\",\"role\":\"plo\",\"names\":[{\"full\":\" \"}],\"instruction\":\"decline\"}",
      "people[0].names[0].full: must be a non-empty string" },
    { "name_nothing_to_compare", NULL, NULL, NULL, NULL,
      "{\"id\":\"p1\",\"role\":\"plo\",\"names\":[{\"full\":\"!!! ???\"}],\"instruction\":\"decline\"}",
      "people[0].names[0].full: \"!!! ???\" has no letter" },
    { "name_part_no_letter", NULL, NULL, NULL, NULL,
      "{\"id\":\"p1\",\"role\":\"plo\",\"names\":[{\"family\":\"-\",\"given\":\"Wei\"}],"
      "\"instruction\":\"decline\"}",
      "people[0].names[0].family: \"-\" has no letter" },
    /* non-ASCII is no letter by itself: an em dash, a no-break space */
    { "name_part_dash", NULL, NULL, NULL, NULL,
      "{\"id\":\"p1\",\"role\":\"plo\",\"names\":[{\"family\":\"\xe2\x80\x94\",\"given\":\"Wei\"}],"
      "\"instruction\":\"decline\"}",
      "people[0].names[0].family: \"\xe2\x80\x94\" has no letter" },
    { "name_full_nbsp", NULL, NULL, NULL, NULL,
      "{\"id\":\"p1\",\"role\":\"plo\",\"names\":[{\"full\":\"\xc2\xa0\xe3\x80\x80\"}],"
      "\"instruction\":\"decline\"}",
      "people[0].names[0].full: \"\xc2\xa0\xe3\x80\x80\" has no letter" },
    { "date_invalid", NULL, NULL, NULL, NULL, PERSON(",\"accredited_from\":\"2025-02-29\""),
      "people[0].accredited_from: \"2025-02-29\" is not a date (YYYY-MM-DD)" },
    { "date_not_string", NULL, NULL, NULL, NULL, PERSON(",\"accredited_until\":20250101"),
      "people[0].accredited_until: must be a string" },
    { "dates_reversed", NULL, NULL, NULL, NULL,
      PERSON(",\"accredited_from\":\"2025-01-02\",\"accredited_until\":\"2025-01-01\""),
      "people[0].accredited_until: is earlier than accredited_from" },
    { "person_no_instruction_source", NULL, NULL, NULL, NULL,
      "{\"id\":\"p1\",\"role\":\"plo\"," NAME "}",
      "people[0]: has no \"instruction\", no \"mission\" and no \"organization\" to take one from" },
};

/* Two cases whose message depends on jansson's wording are checked by
 * prefix; the rest exactly. */
static void
test_error_case(void **state)
{
    const error_case *c = *state;
    char *doc = c->raw != NULL ? strdup(c->raw) : build_doc(c);
    pgr_errors errs;
    pgr_config cfg;
    pgr_registry *reg;

    assert_non_null(doc);
    pgr_config_init(&cfg);
    pgr_errors_init(&errs);
    reg = pgr_registry_load_buffer(doc, strlen(doc), &cfg, &errs);
    if (errs.count != 1 || reg != NULL) {
        size_t i;

        for (i = 0; i < errs.count; i++)
            print_message("  got: %s\n", errs.msgs[i] ? errs.msgs[i] : "(null)");
    }
    assert_null(reg);
    assert_int_equal(errs.count, 1);
    assert_non_null(errs.msgs[0]);
    assert_string_equal(errs.msgs[0], c->expect);
    pgr_errors_free(&errs);
    free(doc);
}

/* ------------------------------------------------- the other error tests */

static pgr_registry *
load_expect_errors(const char *doc, pgr_errors *errs)
{
    pgr_config cfg;

    pgr_config_init(&cfg);
    pgr_errors_init(errs);
    return pgr_registry_load_buffer(doc, strlen(doc), &cfg, errs);
}

static void
test_entities_not_array(void **state)
{
    pgr_errors errs;
    const char *doc = "{" HEAD "," INSTR ",\"organizations\":{},\"missions\":7,\"people\":\"x\"}";

    (void)state;
    assert_null(load_expect_errors(doc, &errs));
    assert_int_equal(errs.count, 3);
    assert_string_equal(errs.msgs[0], "organizations: must be an array");
    assert_string_equal(errs.msgs[1], "missions: must be an array");
    assert_string_equal(errs.msgs[2], "people: must be an array");
    pgr_errors_free(&errs);
}

static void
test_prefix_too_long(void **state)
{
    pgr_errors errs;
    const char *doc = "{" HEAD "," INSTR ",\"organizations\":[],\"missions\":["
        "{\"id\":\"m1\",\"name\":\"Mission\",\"country\":\"CN\",\"city\":\"Ottawa\","
        "\"phone_prefixes\":[\"+161355501420123\"],\"instruction\":\"decline\"}],\"people\":[]}";

    (void)state;
    assert_null(load_expect_errors(doc, &errs));
    assert_int_equal(errs.count, 1);
    assert_string_equal(errs.msgs[0], "missions[0].phone_prefixes[0]: \"+161355501420123\" "
                        "is not a number block: '+' and 4 to 14 digits");
    pgr_errors_free(&errs);
}

/* Every error of a document is listed, in document order, not only the
 * first; and nothing is loaded. */
static void
test_every_error_collected(void **state)
{
    pgr_errors errs;
    const char *doc = "{" HEAD "," INSTR ",\"organizations\":[],\"missions\":[],\"people\":["
        "{\"id\":\"p1\",\"role\":\"plo\"," NAME ",\"phones\":[\"613-555-01\"],\"instruction\":\"decline\"},"
        "{\"id\":\"p1\",\"role\":\"spy\"," NAME ",\"instruction\":\"decline\"},"
        "{\"id\":\"p3\",\"role\":\"plo\"," NAME ",\"emails\":[\"x\"],\"instruction\":\"nope\"}]}";

    (void)state;
    assert_null(load_expect_errors(doc, &errs));
    assert_int_equal(errs.count, 5);
    assert_string_equal(errs.msgs[0], "people[0].phones[0]: \"613-555-01\" is not a complete phone number");
    assert_string_equal(errs.msgs[1], "people[1].id: \"p1\" is already the id of people[0]");
    assert_string_equal(errs.msgs[2], "people[1].role: \"spy\" is not one of \"plo\", \"diplomat\", \"official\"");
    assert_string_equal(errs.msgs[3], "people[2].emails[0]: \"x\" is not a valid e-mail address");
    assert_string_equal(errs.msgs[4], "people[2].instruction: \"nope\" is not an instruction of this registry");
    pgr_errors_free(&errs);
}

/* A registry broken throughout lists 1000 errors and says there are more. */
static void
test_error_cap(void **state)
{
#define CAP_PERSON "{\"id\":\"p%d\",\"role\":\"spy\"," NAME ",\"instruction\":\"decline\"}"
    size_t cap = 1500 * 200 + 1024, o;
    char *doc = malloc(cap);
    pgr_errors errs;
    int i;

    (void)state;
    assert_non_null(doc);
    o = (size_t)snprintf(doc, cap, "{" HEAD "," INSTR ",\"organizations\":[],\"missions\":[],\"people\":[");
    for (i = 0; i < 1500; i++) {
        if (i > 0)
            doc[o++] = ',';
        o += (size_t)snprintf(doc + o, cap - o, CAP_PERSON, i);
    }
    snprintf(doc + o, cap - o, "]}");
    assert_null(load_expect_errors(doc, &errs));
    assert_int_equal(errs.count, 1001);
    assert_string_equal(errs.msgs[999],
        "people[999].role: \"spy\" is not one of \"plo\", \"diplomat\", \"official\"");
    assert_string_equal(errs.msgs[1000], "$: more than 1000 errors, the rest are not listed");
    pgr_errors_free(&errs);
    free(doc);
}

/* Values in messages are quoted and escaped: a control character cannot
 * reach a terminal through an error. */
static void
test_error_value_escaped(void **state)
{
    pgr_errors errs;
    const char *doc = "{" HEAD "," INSTR ",\"organizations\":[],\"missions\":[],\"people\":["
        "{\"id\":\"p1\",\"role\":\"a\\u001b[31m\\\"b\"," NAME ",\"instruction\":\"decline\"}]}";

    (void)state;
    assert_null(load_expect_errors(doc, &errs));
    assert_int_equal(errs.count, 1);
    assert_string_equal(errs.msgs[0],
        "people[0].role: \"a\\u001b[31m\\\"b\" is not one of \"plo\", \"diplomat\", \"official\"");
    pgr_errors_free(&errs);
}

static void
test_file_missing(void **state)
{
    pgr_errors errs;

    (void)state;
    pgr_errors_init(&errs);
    assert_null(pgr_registry_load_file("/nonexistent/registry.json", NULL, &errs));
    assert_int_equal(errs.count, 1);
    assert_string_equal(errs.msgs[0],
                        "/nonexistent/registry.json: cannot open: No such file or directory");
    pgr_errors_free(&errs);
}

static void
test_file_not_regular(void **state)
{
    pgr_errors errs;

    (void)state;
    pgr_errors_init(&errs);
    assert_null(pgr_registry_load_file("/", NULL, &errs));
    assert_int_equal(errs.count, 1);
    assert_string_equal(errs.msgs[0], "/: not a regular file");
    pgr_errors_free(&errs);
}

/* A sparse file just over the cap is refused before a byte is read. */
static void
test_file_too_large(void **state)
{
    char path[] = "/tmp/pgr-test-registry-XXXXXX";
    char expect[256];
    pgr_errors errs;
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)256 * 1024 * 1024 + 1), 0);
    close(fd);
    pgr_errors_init(&errs);
    assert_null(pgr_registry_load_file(path, NULL, &errs));
    unlink(path);
    assert_int_equal(errs.count, 1);
    snprintf(expect, sizeof(expect),
             "%s: the registry is 268435457 bytes, more than the limit of 268435456", path);
    assert_string_equal(errs.msgs[0], expect);
    pgr_errors_free(&errs);
}

static void
test_no_input(void **state)
{
    pgr_errors errs;

    (void)state;
    pgr_errors_init(&errs);
    assert_null(pgr_registry_load_buffer(NULL, 0, NULL, &errs));
    assert_null(pgr_registry_load_file(NULL, NULL, &errs));
    assert_int_equal(errs.count, 2);
    assert_string_equal(errs.msgs[0], "$: no registry data");
    assert_string_equal(errs.msgs[1], "(no file): no registry path given");
    /* errs may be NULL: the load still fails, nothing leaks */
    assert_null(pgr_registry_load_buffer("{", 1, NULL, NULL));
    pgr_errors_free(&errs);
}

static void
test_buffer_too_large(void **state)
{
    pgr_errors errs;
    const char small[] = "{}";

    (void)state;
    pgr_errors_init(&errs);
    /* the length is checked before the buffer is read */
    assert_null(pgr_registry_load_buffer(small, (size_t)256 * 1024 * 1024 + 1, NULL, &errs));
    assert_int_equal(errs.count, 1);
    assert_string_equal(errs.msgs[0],
                        "$: the registry is 268435457 bytes, more than the limit of 268435456");
    pgr_errors_free(&errs);
}

/* ------------------------------------------------------ valid registries */

static pgr_registry *
load_sample(void)
{
    pgr_errors errs;
    pgr_config cfg;
    pgr_registry *reg;
    size_t i;

    pgr_config_init(&cfg);
    pgr_errors_init(&errs);
    reg = pgr_registry_load_file(SAMPLE_REGISTRY, &cfg, &errs);
    for (i = 0; i < errs.count; i++)
        print_message("  sample: %s\n", errs.msgs[i] ? errs.msgs[i] : "(null)");
    assert_int_equal(errs.count, 0);
    assert_non_null(reg);
    pgr_errors_free(&errs);
    return reg;
}

static time_t
utc(int y, int m, int d)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    return timegm(&tm);
}

static void
test_sample_header(void **state)
{
    pgr_registry *reg = load_sample();

    (void)state;
    assert_string_equal(pgr_registry_id(reg), "ploguard-sample");
    assert_int_equal(pgr_registry_seq(reg), 1);
    assert_int_equal(pgr_registry_issued_at(reg), utc(2026, 11, 1));
    assert_int_equal(pgr_registry_expires_at(reg), utc(2027, 12, 31) + 86399);
    /* 3 organizations, 3 missions, 12 people */
    assert_int_equal(pgr_registry_entity_count(reg), 18);
    pgr_registry_free(reg);
}

static void
test_sample_instructions(void **state)
{
    pgr_registry *reg = load_sample();
    const pgr_instruction *d, *r;

    (void)state;
    d = pgr_registry_instruction(reg, "decline");
    r = pgr_registry_instruction(reg, "refer");
    assert_non_null(d);
    assert_non_null(r);
    assert_null(pgr_registry_instruction(reg, "ignore"));
    assert_null(pgr_registry_instruction(reg, NULL));
    assert_string_equal(d->short_en, "DECLINE-REFER ILDC");
    assert_string_equal(d->short_fr, "REFUSER-RENVOYER GRC");
    assert_non_null(strstr(d->en, "RCMP.international-international.GRC@rcmp-grc.gc.ca"));
    assert_non_null(strstr(d->en, "Interpolottawa@rcmp-grc.gc.ca"));
    assert_non_null(strstr(d->fr, "RCMP.international-international.GRC@rcmp-grc.gc.ca"));
    assert_non_null(strstr(d->fr, "Interpolottawa@rcmp-grc.gc.ca"));
    assert_non_null(strstr(r->en, "INTERPOL Ottawa"));
    assert_non_null(strstr(r->fr, "services d'urgence"));
    pgr_registry_free(reg);
}

static void
test_sample_entities(void **state)
{
    pgr_registry *reg = load_sample();
    const pgr_entity *e, *m, *o;
    size_t i;

    (void)state;
    /* document order: organizations, missions, people */
    assert_int_equal(pgr_registry_entity(reg, 0)->kind, PGR_ORGANIZATION);
    assert_int_equal(pgr_registry_entity(reg, 3)->kind, PGR_MISSION);
    assert_int_equal(pgr_registry_entity(reg, 6)->kind, PGR_PERSON);
    assert_null(pgr_registry_entity(reg, 18));

    e = pgr_registry_find(reg, "wang-lihua", strlen("wang-lihua"));
    assert_non_null(e);
    assert_int_equal(e->kind, PGR_PERSON);
    assert_int_equal(e->role, PGR_ROLE_PLO);
    assert_int_equal(e->status, PGR_STATUS_ACTIVE);
    assert_string_equal(e->display_name, "王丽华");
    assert_string_equal(e->family, "王");
    assert_string_equal(e->given, "丽华");
    assert_string_equal(e->country, "CN");           /* from its mission */
    assert_null(e->city);
    assert_int_equal(e->nphones, 2);
    assert_string_equal(e->phones[0], "+16135550142");
    assert_string_equal(e->phones[1], "+442079460042");
    assert_int_equal(e->nemails, 1);
    assert_string_equal(e->emails[0], "wang.lihua@mps.example.test");
    assert_string_equal(e->instruction->id, "decline");
    m = e->mission;
    o = e->organization;
    assert_non_null(m);
    assert_non_null(o);
    assert_string_equal(m->id, "mission-cn-ottawa");
    assert_string_equal(m->city, "Ottawa");
    assert_string_equal(o->id, "org-mps");
    assert_int_equal(e->accredited_from, 19967);     /* 2024-09-01 */
    assert_int_equal(e->accredited_until, 21061);    /* 2027-08-31 */

    /* a length-counted id: no NUL needed, no prefix accepted */
    assert_non_null(pgr_registry_find(reg, "li-na-and-more", 5));
    assert_null(pgr_registry_find(reg, "li-n", 4));
    assert_null(pgr_registry_find(reg, "li-na\0x", 7));
    assert_null(pgr_registry_find(reg, NULL, 0));

    for (i = 0; i < pgr_registry_entity_count(reg); i++) {
        e = pgr_registry_entity(reg, i);
        assert_non_null(e->id);
        assert_non_null(e->display_name);
        assert_non_null(e->instruction);   /* never NULL */
        assert_ptr_equal(pgr_registry_find(reg, e->id, strlen(e->id)), e);
    }
    pgr_registry_free(reg);
}

/* A DN's id: exact first, else the one id equal ignoring case; two that
 * differ only in case ("li-na", "Li-Na") are told apart exactly and
 * never guessed between. */
static void
test_find_nocase(void **state)
{
    const char *doc = "{" HEAD "," INSTR ",\"organizations\":[],"
        "\"missions\":[],\"people\":["
        "{\"id\":\"li-na\",\"role\":\"diplomat\"," NAME
        ",\"instruction\":\"decline\"},"
        "{\"id\":\"Li-Na\",\"role\":\"diplomat\"," NAME
        ",\"instruction\":\"decline\"},"
        "{\"id\":\"Chen-Jie\",\"role\":\"diplomat\"," NAME
        ",\"instruction\":\"decline\"}]}";
    pgr_errors errs;
    pgr_registry *reg;
    const pgr_entity *e;

    (void)state;
    reg = load_expect_errors(doc, &errs);
    assert_int_equal(errs.count, 0);
    assert_non_null(reg);
    e = pgr_registry_find_nocase(reg, "CHEN-JIE", 8);
    assert_non_null(e);
    assert_string_equal(e->id, "Chen-Jie");
    assert_ptr_equal(pgr_registry_find_nocase(reg, "chen-jieX", 8), e);
    assert_null(pgr_registry_find_nocase(reg, "chen-ji", 7));
    assert_null(pgr_registry_find_nocase(reg, "chen-jie-x", 10));
    assert_string_equal(pgr_registry_find_nocase(reg, "li-na", 5)->id, "li-na");
    assert_string_equal(pgr_registry_find_nocase(reg, "Li-Na", 5)->id, "Li-Na");
    assert_null(pgr_registry_find_nocase(reg, "LI-NA", 5));   /* which? */
    assert_null(pgr_registry_find_nocase(reg, NULL, 0));
    assert_null(pgr_registry_find_nocase(NULL, "li-na", 5));
    pgr_registry_free(reg);
    pgr_errors_free(&errs);
}

/* An organization without an instruction takes its first mission's; a
 * person without one takes its mission's, else its organization's, and
 * inherits the mission's organization. */
static void
test_instruction_fallback(void **state)
{
    pgr_registry *reg = load_sample();
    const pgr_entity *mfa, *zhang, *ada, *ma;

    (void)state;
    mfa = pgr_registry_find(reg, "org-mfa", 7);
    zhang = pgr_registry_find(reg, "zhang-wei", 9);
    ada = pgr_registry_find(reg, "ada-marlow", 10);
    ma = pgr_registry_find(reg, "ma-lin", 6);
    assert_string_equal(mfa->instruction->id, "decline");
    assert_string_equal(zhang->instruction->id, "decline");
    assert_ptr_equal(zhang->organization, mfa);
    assert_string_equal(ada->instruction->id, "refer");
    assert_null(ada->organization);
    assert_string_equal(ada->country, "GB");
    assert_string_equal(ada->display_name, "Ada Marlow");
    assert_string_equal(ada->family, "Marlow");
    assert_string_equal(ada->given, "Ada");
    assert_ptr_equal(ma->organization, mfa);
    assert_string_equal(ma->instruction->id, "decline");
    assert_null(ma->mission);
    assert_string_equal(ma->display_name, "马林");
    assert_string_equal(ma->family, "Ma");
    assert_string_equal(ma->given, "Lin");
    pgr_registry_free(reg);
}

/* Without a mission, an organization falls back on the registry's first
 * instruction in document order. */
static void
test_instruction_fallback_first(void **state)
{
    pgr_errors errs;
    const char *doc = "{" HEAD ",\"instructions\":{"
        "\"zeta\":{\"en\":\"a\",\"fr\":\"b\",\"short_en\":\"c\",\"short_fr\":\"d\"},"
        "\"alpha\":{\"en\":\"a\",\"fr\":\"b\",\"short_en\":\"c\",\"short_fr\":\"d\"}},"
        "\"organizations\":[" ORG "],\"missions\":[],\"people\":["
        "{\"id\":\"p1\",\"role\":\"official\"," NAME ",\"organization\":\"o1\"}]}";
    pgr_registry *reg = load_expect_errors(doc, &errs);

    (void)state;
    assert_int_equal(errs.count, 0);
    assert_non_null(reg);
    assert_string_equal(pgr_registry_find(reg, "o1", 2)->instruction->id, "zeta");
    assert_string_equal(pgr_registry_find(reg, "p1", 2)->instruction->id, "zeta");
    assert_string_equal(pgr_registry_find(reg, "p1", 2)->country, "CN");
    pgr_errors_free(&errs);
    pgr_registry_free(reg);
}

/* The registry's national numbers are Canadian whoever loads it: an
 * agency whose own region is IT (or GB) reads "613-555-0101" as the
 * registry means it, and its clients' +1 613 555 0101 matches. */
static void
test_registry_region_fixed(void **state)
{
    static const char *const regions[] = { "IT", "GB", "CN", "US", "CA" };
    const char *doc = "{" HEAD "," INSTR ",\"organizations\":[],\"missions\":[" MIS "],\"people\":["
        "{\"id\":\"p1\",\"role\":\"plo\"," NAME ",\"mission\":\"m1\",\"phones\":[\"613-555-0101\"]}]}";
    pgr_config agency, dflt;
    pgr_errors errs;
    pgr_registry *reg;
    pgr_result res;
    size_t i;

    (void)state;
    pgr_config_init(&dflt);
    for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
        pgr_config_init(&agency);
        assert_int_equal(pgr_config_set_region(&agency, regions[i]), 0);
        pgr_errors_init(&errs);
        reg = pgr_registry_load_buffer(doc, strlen(doc), &agency, &errs);
        assert_non_null(reg);
        assert_string_equal(pgr_registry_find(reg, "p1", 2)->phones[0], "+16135550101");
        assert_true(pgr_match_phone(reg, &dflt, "+1 613 555 0101", 15, &res) > 0);
        /* the agency's region still reads its own values */
        assert_true(pgr_match_phone(reg, &agency, "0016135550101", 13, &res) > 0 ||
                    strcmp(regions[i], "US") == 0 || strcmp(regions[i], "CA") == 0);
        pgr_registry_free(reg);
        pgr_errors_free(&errs);
    }
}

/* Empty arrays are a valid (if useless) registry; a phone shared by two
 * entities is allowed; a mononym is a valid name. */
static void
test_minimal_and_shared_phone(void **state)
{
    pgr_errors errs;
    const char *doc = "{" HEAD "," INSTR ",\"organizations\":[],\"missions\":[" MIS "],\"people\":["
        "{\"id\":\"p1\",\"role\":\"plo\"," NAME ",\"mission\":\"m1\",\"phones\":[\"613-555-0101\"]},"
        "{\"id\":\"p2\",\"role\":\"plo\"," NAME ",\"mission\":\"m1\",\"phones\":[\"+16135550101\"]},"
        "{\"id\":\"p3\",\"role\":\"official\",\"names\":[{\"full\":\"Suharto\"}],\"mission\":\"m1\"}]}";
    const char *empty = "{" HEAD "," INSTR ",\"organizations\":[],\"missions\":[],\"people\":[]}";
    pgr_registry *reg;

    (void)state;
    reg = load_expect_errors(empty, &errs);
    assert_non_null(reg);
    assert_int_equal(pgr_registry_entity_count(reg), 0);
    pgr_registry_free(reg);
    pgr_errors_free(&errs);

    reg = load_expect_errors(doc, &errs);
    assert_int_equal(errs.count, 0);
    assert_non_null(reg);
    assert_string_equal(pgr_registry_find(reg, "p1", 2)->phones[0], "+16135550101");
    assert_string_equal(pgr_registry_find(reg, "p2", 2)->phones[0], "+16135550101");
    assert_int_equal(pgr_registry_find(reg, "p1", 2)->status, PGR_STATUS_ACTIVE);
    assert_int_equal(pgr_registry_find(reg, "p1", 2)->accredited_from, PGR_NO_DATE);
    /* a single-word name: kept for display, not a comparison key */
    assert_string_equal(pgr_registry_find(reg, "p3", 2)->display_name, "Suharto");
    assert_null(pgr_registry_find(reg, "p3", 2)->family);
    pgr_registry_free(reg);
    pgr_errors_free(&errs);
}

/* Top-level fields in any order: people first, instructions last, and
 * white space of every kind between tokens. */
static void
test_any_field_order(void **state)
{
    pgr_errors errs;
    const char *doc = "\r\n{ \"people\" :\t[ {\"id\":\"p1\",\"role\":\"plo\"," NAME
        ",\"mission\":\"m1\",\"phones\":[\"613-555-0101\"]} ] ,\n"
        "\"missions\":[" MIS "], \"organizations\" : [ ] ,"
        HEAD "," INSTR " }\n";
    pgr_registry *reg = load_expect_errors(doc, &errs);

    (void)state;
    assert_int_equal(errs.count, 0);
    assert_non_null(reg);
    /* still organizations, missions, people */
    assert_int_equal(pgr_registry_entity_count(reg), 2);
    assert_string_equal(pgr_registry_entity(reg, 0)->id, "m1");
    assert_string_equal(pgr_registry_entity(reg, 1)->id, "p1");
    assert_ptr_equal(pgr_registry_entity(reg, 1)->mission, pgr_registry_entity(reg, 0));
    assert_string_equal(pgr_registry_entity(reg, 1)->instruction->id, "decline");
    pgr_errors_free(&errs);
    pgr_registry_free(reg);
}

static void
test_stale(void **state)
{
    pgr_registry *reg = load_sample();
    time_t exp = pgr_registry_expires_at(reg);

    (void)state;
    assert_false(pgr_registry_stale(reg, utc(2026, 11, 22)));
    assert_false(pgr_registry_stale(reg, exp));
    assert_true(pgr_registry_stale(reg, exp + 1));
    assert_true(pgr_registry_stale(NULL, 0));
    pgr_registry_free(reg);
}

static void
test_lapsed(void **state)
{
    pgr_registry *reg = load_sample();
    const pgr_entity *chen = pgr_registry_find(reg, "chen-jie", 8);
    const pgr_entity *wang = pgr_registry_find(reg, "wang-lihua", 10);
    const pgr_entity *liu = pgr_registry_find(reg, "liu-yang", 8);
    const pgr_entity *mission = pgr_registry_find(reg, "mission-cn-ottawa", 17);

    (void)state;
    /* accredited until 2025-06-30: the whole of that day still counts */
    assert_false(pgr_entity_lapsed(chen, utc(2025, 6, 30) + 86399));
    assert_true(pgr_entity_lapsed(chen, utc(2025, 7, 1)));
    assert_true(pgr_entity_lapsed(chen, utc(2026, 11, 22)));
    assert_false(pgr_entity_lapsed(wang, utc(2026, 11, 22)));
    assert_true(pgr_entity_lapsed(wang, utc(2027, 9, 1)));
    assert_false(pgr_entity_lapsed(liu, utc(2040, 1, 1)));     /* no dates */
    assert_false(pgr_entity_lapsed(mission, utc(2040, 1, 1)));
    assert_false(pgr_entity_lapsed(NULL, 0));
    /* ended is a status, not a date: li-na is both */
    assert_int_equal(pgr_registry_find(reg, "li-na", 5)->status, PGR_STATUS_ENDED);
    pgr_registry_free(reg);
}

static void
test_names(void **state)
{
    (void)state;
    assert_string_equal(pgr_entity_kind_name(PGR_PERSON), "person");
    assert_string_equal(pgr_entity_kind_name(PGR_MISSION), "mission");
    assert_string_equal(pgr_entity_kind_name(PGR_ORGANIZATION), "organization");
    assert_string_equal(pgr_role_name(PGR_ROLE_NONE), "");
    assert_string_equal(pgr_role_name(PGR_ROLE_PLO), "plo");
    assert_string_equal(pgr_role_name(PGR_ROLE_DIPLOMAT), "diplomat");
    assert_string_equal(pgr_role_name(PGR_ROLE_OFFICIAL), "official");
    assert_string_equal(pgr_status_name(PGR_STATUS_ACTIVE), "active");
    assert_string_equal(pgr_status_name(PGR_STATUS_ENDED), "ended");
    assert_string_equal(pgr_matched_on_name(PGR_ON_PHONE), "phone");
    assert_string_equal(pgr_matched_on_name(PGR_ON_PHONE_PREFIX), "phone_prefix");
    assert_string_equal(pgr_matched_on_name(PGR_ON_EMAIL), "email");
    assert_string_equal(pgr_matched_on_name(PGR_ON_DOMAIN), "domain");
    assert_string_equal(pgr_matched_on_name(PGR_ON_NAME), "name");
    assert_string_equal(pgr_confidence_name(PGR_EXACT), "exact");
    assert_string_equal(pgr_confidence_name(PGR_POSSIBLE), "possible");
    assert_string_equal(pgr_verdict_name(PGR_VERDICT_NONE), "none");
    assert_string_equal(pgr_verdict_name(PGR_VERDICT_POSSIBLE), "possible");
    assert_string_equal(pgr_verdict_name(PGR_VERDICT_MATCH), "match");
}

static void
test_null_registry(void **state)
{
    (void)state;
    pgr_registry_free(NULL);
    assert_null(pgr_registry_id(NULL));
    assert_int_equal(pgr_registry_entity_count(NULL), 0);
    assert_null(pgr_registry_entity(NULL, 0));
    assert_null(pgr_registry_find(NULL, "x", 1));
}

/* ------------------------------------------------------------------ main */

/* ------------------------------------------ entities in canonical JSON */

typedef struct seen_entities {
    size_t n;
    char id[8][32];
    char json[8][256];
} seen_entities;

static void
note_entity(void *ctx, const char *id, const char *json, size_t len)
{
    seen_entities *s = ctx;

    assert_true(s->n < 8);
    assert_int_equal(strlen(json), len);
    (void)snprintf(s->id[s->n], sizeof(s->id[0]), "%s", id);
    (void)snprintf(s->json[s->n], sizeof(s->json[0]), "%s", json);
    s->n++;
}

/* The canonical form of entity id among s, or NULL. */
static const char *
entity_json(const seen_entities *s, const char *id)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        if (strcmp(s->id[i], id) == 0)
            return s->json[i];
    return NULL;
}

static int
each_entity(const char *doc, seen_entities *s)
{
    memset(s, 0, sizeof(*s));
    return pgr_registry_each_entity_json(doc, strlen(doc), note_entity, s);
}

/* The sync's change summary compares entities by these forms: the same
 * data in another key order, spacing or escaping is the same text, and
 * any field of it (an alias, a block) changes it. */
static void
test_entity_json(void **state)
{
    static const char a[] =
        "{\"format\":\"f\",\"people\":[{\"id\":\"p1\",\"names\":[{\"full\":\"A\"}],"
        "\"phones\":[\"+16135550142\"]}],\"organizations\":[{\"id\":\"o1\","
        "\"name\":\"Org\",\"aliases\":[\"X\"]}],\"notes\":[{\"id\":\"zz\"}]}";
    static const char b[] =
        "{ \"organizations\" : [ { \"aliases\" : [ \"X\" ], \"name\" : \"Org\", "
        "\"id\" : \"o1\" } ],\n \"peop\\u006ce\": [ {\"phones\": [\"+16135550142\"], "
        "\"names\": [{\"full\": \"\\u0041\"}], \"\\u0069d\": \"p1\"} ], \"format\": \"f\" }";
    static const char c[] =
        "{\"people\":[{\"id\":\"p1\",\"names\":[{\"full\":\"A\"}],"
        "\"phones\":[\"+16135550142\"]}],\"organizations\":[{\"id\":\"o1\","
        "\"name\":\"Org\",\"aliases\":[\"Y\"]}],"
        "\"missions\":[{\"id\":\"m1\",\"phone_prefixes\":[\"+1613555014\"]}]}";
    seen_entities sa, sb, sc;

    (void)state;
    assert_int_equal(each_entity(a, &sa), 0);
    assert_int_equal(sa.n, 2);   /* "notes" is no entity array */
    assert_non_null(entity_json(&sa, "p1"));
    assert_string_equal(entity_json(&sa, "o1"),
                        "{\"aliases\":[\"X\"],\"id\":\"o1\",\"name\":\"Org\"}");
    assert_null(entity_json(&sa, "zz"));

    assert_int_equal(each_entity(b, &sb), 0);
    assert_int_equal(sb.n, 2);
    assert_string_equal(entity_json(&sb, "p1"), entity_json(&sa, "p1"));
    assert_string_equal(entity_json(&sb, "o1"), entity_json(&sa, "o1"));

    assert_int_equal(each_entity(c, &sc), 0);
    assert_int_equal(sc.n, 3);
    assert_string_equal(entity_json(&sc, "p1"), entity_json(&sa, "p1"));
    assert_string_not_equal(entity_json(&sc, "o1"), entity_json(&sa, "o1"));
    assert_non_null(strstr(entity_json(&sc, "m1"), "+1613555014"));

    /* not such a document: refused, whatever was reported before */
    assert_int_equal(each_entity("[1]", &sa), -1);
    assert_int_equal(each_entity("{\"people\":[{\"id\":1}]}", &sa), -1);
    assert_int_equal(each_entity("{\"people\":[{\"id\":\"p\"}]", &sa), -1);
    assert_int_equal(each_entity("{\"people\":[{\"id\":\"p\",}]}", &sa), -1);
    assert_int_equal(each_entity("", &sa), -1);
}

int
main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_registry_region_fixed),
        cmocka_unit_test(test_entities_not_array),
        cmocka_unit_test(test_prefix_too_long),
        cmocka_unit_test(test_every_error_collected),
        cmocka_unit_test(test_error_value_escaped),
        cmocka_unit_test(test_error_cap),
        cmocka_unit_test(test_file_missing),
        cmocka_unit_test(test_file_not_regular),
        cmocka_unit_test(test_file_too_large),
        cmocka_unit_test(test_buffer_too_large),
        cmocka_unit_test(test_no_input),
        cmocka_unit_test(test_sample_header),
        cmocka_unit_test(test_sample_instructions),
        cmocka_unit_test(test_sample_entities),
        cmocka_unit_test(test_find_nocase),
        cmocka_unit_test(test_instruction_fallback),
        cmocka_unit_test(test_instruction_fallback_first),
        cmocka_unit_test(test_minimal_and_shared_phone),
        cmocka_unit_test(test_any_field_order),
        cmocka_unit_test(test_stale),
        cmocka_unit_test(test_lapsed),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_null_registry),
        cmocka_unit_test(test_entity_json),
    };
    size_t ncase = sizeof(error_cases) / sizeof(error_cases[0]);
    size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
    struct CMUnitTest *tests = calloc(ncase + nfixed, sizeof(*tests));
    size_t i, n = 0;
    int rc;

    if (tests == NULL)
        return 1;
    /* one named test per validation error */
    for (i = 0; i < ncase; i++) {
        if (error_cases[i].expect == NULL)
            continue;               /* checked by a fixed test */
        tests[n].name = error_cases[i].name;
        tests[n].test_func = test_error_case;
        tests[n].initial_state = (void *)&error_cases[i];
        n++;
    }
    for (i = 0; i < nfixed; i++)
        tests[n++] = fixed[i];
    rc = _cmocka_run_group_tests("registry", tests, n, NULL, NULL);
    free(tests);
    return rc;
}
