/*
 * gen_registry.c - writes a synthetic ploguard-registry/1 document for the
 * benchmark: N people (2 phones, 1 e-mail, 2 names each), 100 missions,
 * 10 organizations.
 *
 *   gen_registry N > registry.json
 *
 * Phone numbers are NANP numbers on the 555 exchange (NPA-555-XXXX), which
 * is not given to subscriber lines, in area codes from GEN_NPA_FIRST on;
 * the benchmark's misses use area codes the generator never writes.
 * E-mail addresses are under example.org.  Names are made up from common
 * surnames and pinyin syllables.  Deterministic: the same N gives the same
 * file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_registry.h"

static const char *const surnames[] = {
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
    "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo",
    "Zheng", "Liang", "Xie", "Song", "Tang", "Han", "Feng", "Deng", "Cao", "Peng",
    "Zeng", "Xiao", "Tian", "Dong", "Pan", "Yuan", "Cai", "Jiang", "Yu", "Du",
};

static const char *const syllables[] = {
    "an", "bo", "chen", "da", "fang", "gang", "hai", "hong", "hua", "hui",
    "jian", "jie", "jing", "jun", "kai", "lan", "lei", "li", "lin", "ling",
    "long", "mei", "min", "ming", "na", "ning", "peng", "ping", "qiang", "qing",
    "rong", "rui", "shan", "sheng", "tao", "ting", "wei", "wen", "xia", "xin",
    "xiu", "yan", "yang", "yi", "ying", "yong", "yu", "yun", "zhen", "zhi",
};

#define NSUR (sizeof(surnames) / sizeof(surnames[0]))
#define NSYL (sizeof(syllables) / sizeof(syllables[0]))

static void
capitalized(char *out, size_t outsz, const char *a, const char *b)
{
    snprintf(out, outsz, "%c%s%s", a[0] - 'a' + 'A', a + 1, b);
}

int
main(int argc, char **argv)
{
    long n;
    char *end;
    long i, m;

    if (argc != 2) {
        fprintf(stderr, "usage: gen_registry N > registry.json\n");
        return 2;
    }
    n = strtol(argv[1], &end, 10);
    if (*end != '\0' || n < 1 || n > GEN_MAX_PEOPLE) {
        fprintf(stderr, "gen_registry: N must be 1..%d\n", GEN_MAX_PEOPLE);
        return 2;
    }
    printf("{\"format\":\"ploguard-registry/1\",\"registry_id\":\"bench\",\"seq\":1,\n"
           "\"issued_at\":\"2026-11-01T00:00:00Z\",\"expires_at\":\"2027-12-31T23:59:59Z\",\n"
           "\"instructions\":{\"decline\":{\"en\":\"Decline and refer to the RCMP ILDC.\","
           "\"fr\":\"Refusez et renvoyez au ILDC de la GRC.\",\"short_en\":\"DECLINE-REFER ILDC\","
           "\"short_fr\":\"REFUSER-RENVOYER GRC\"}},\n\"organizations\":[\n");
    for (i = 0; i < GEN_ORGS; i++) {
        printf("%s{\"id\":\"org%ld\",\"name\":\"Bench Organization %ld\",\"aliases\":[\"BO%ld\"],"
               "\"country\":\"CN\",\"domains\":[\"org%ld.example.test\"]}\n",
               i ? "," : "", i, i, i, i);
    }
    printf("],\n\"missions\":[\n");
    for (m = 0; m < GEN_MISSIONS; m++) {
        printf("%s{\"id\":\"m%ld\",\"name\":\"Bench Mission %ld\",\"country\":\"CN\","
               "\"city\":\"Ottawa\",\"organization\":\"org%ld\","
               "\"phones\":[\"+1 %d 555 %04ld\"],\"phone_prefixes\":[\"+1%d556%ld\"],"
               "\"emails\":[\"desk@m%ld.example.test\"],\"domains\":[\"m%ld.example.test\"],"
               "\"instruction\":\"decline\"}\n",
               m ? "," : "", m, m, m % GEN_ORGS, GEN_MISSION_NPA, m, GEN_MISSION_NPA,
               m % 10, m, m);
    }
    printf("],\n\"people\":[\n");
    for (i = 0; i < n; i++) {
        char given[64];
        const char *family = surnames[(size_t)i % NSUR];
        const char *s1 = syllables[((size_t)i / NSUR) % NSYL];
        const char *s2 = syllables[((size_t)i / (NSUR * NSYL)) % NSYL];
        char p1[32], p2[32];

        capitalized(given, sizeof(given), s1, s2);
        gen_phone((size_t)i, 0, p1, sizeof(p1));
        gen_phone((size_t)i, 1, p2, sizeof(p2));
        printf("%s{\"id\":\"p%06ld\",\"role\":\"%s\",\"names\":[{\"family\":\"%s\",\"given\":\"%s\"},"
               "{\"full\":\"%s %s\"}],\"mission\":\"m%ld\",\"phones\":[\"%s\",\"%s\"],"
               "\"emails\":[\"p%06ld@agency%ld.example.org\"],\"status\":\"active\"}\n",
               i ? "," : "", i, i % 3 == 0 ? "plo" : i % 3 == 1 ? "diplomat" : "official",
               family, given, given, family, i % GEN_MISSIONS, p1, p2, i, i % 50);
    }
    printf("]}\n");
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("gen_registry: write");
        return 1;
    }
    return 0;
}
