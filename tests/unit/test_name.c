/*
 * test_name.c - pgr_name_key and pgr_name_query_keys: folding of case,
 * accents and scripts, both name orders, the comma form, unspaced Han
 * names, and the refusals (one word, garbage) that keep an innocent person
 * from being flagged.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pgr.h"

#define THREADS     8
#define ITERATIONS  200

typedef char keyset[PGR_NAME_KEYS][PGR_NAME_KEY_MAX];

static size_t
query(const char *full, keyset keys)
{
    return pgr_name_query_keys(full, strlen(full), keys);
}

static int
has_key(keyset keys, size_t n, const char *key)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(keys[i], key) == 0)
            return 1;
    return 0;
}

static void
assert_key(const char *family, const char *given, const char *want)
{
    char out[PGR_NAME_KEY_MAX];

    if (pgr_name_key(family, given, out) != 1)
        fail_msg("{%s, %s}: no key, wanted \"%s\"", family ? family : "NULL",
                 given ? given : "NULL", want);
    if (strcmp(out, want) != 0)
        fail_msg("{%s, %s}: \"%s\", wanted \"%s\"", family ? family : "NULL",
                 given ? given : "NULL", out, want);
}

static void
assert_no_key(const char *family, const char *given)
{
    char out[PGR_NAME_KEY_MAX];

    memset(out, 'X', sizeof(out));
    if (pgr_name_key(family, given, out) != 0)
        fail_msg("{%s, %s}: gave \"%s\", wanted none",
                 family ? family : "NULL", given ? given : "NULL", out);
    assert_int_equal(out[0], '\0');
}

/* The query's keys are exactly want (in any order). */
static void
assert_query(const char *full, size_t nwant, const char *const *want)
{
    keyset keys;
    size_t n, i;

    n = query(full, keys);
    if (n != nwant)
        fail_msg("\"%s\": %zu keys (\"%s\", \"%s\"), wanted %zu", full, n,
                 n > 0 ? keys[0] : "", n > 1 ? keys[1] : "", nwant);
    for (i = 0; i < nwant; i++)
        if (!has_key(keys, n, want[i]))
            fail_msg("\"%s\": no key \"%s\"", full, want[i]);
    for (i = n; i < PGR_NAME_KEYS; i++)
        assert_int_equal(keys[i][0], '\0');
}

static void
assert_no_query(const char *full)
{
    assert_query(full, 0, NULL);
}

/* ------------------------------------------------------- pgr_name_key */

static void
test_key_case_accents(void **state)
{
    (void)state;
    assert_key("Wang", "Lihua", "wang|lihua");
    assert_key("WANG", "LIHUA", "wang|lihua");
    assert_key("Wáng", "Lìhuá", "wang|lihua");
    assert_key("wáng", "lǐ huà", "wang|lihua");
    assert_key("Müller", "Jürgen", "muller|jurgen");
    assert_key("Søndergård", "Åse", "sondergard|ase");
    assert_key("Nguyễn", "Thị Minh", "nguyen|thiminh");
    assert_key("Ｗａｎｇ", "Ｌｉｈｕａ", "wang|lihua");
}

static void
test_key_syllables(void **state)
{
    (void)state;
    assert_key("Wang", "Li Hua", "wang|lihua");
    assert_key("Wang", "Li-Hua", "wang|lihua");
    assert_key("Wang", "Li-hua", "wang|lihua");
    assert_key("Wang", "  Li   Hua ", "wang|lihua");
    assert_key("O'Brien", "Seán", "obrien|sean");
    assert_key("Ouyang", "Xiu", "ouyang|xiu");
    assert_key("Ou-Yang", "Xiu", "ouyang|xiu");
}

static void
test_key_han(void **state)
{
    (void)state;
    assert_key("王", "丽华", "wang|lihua");
    assert_key("王", "麗華", "wang|lihua");
    assert_key("欧阳", "修", "ouyang|xiu");
    assert_key("歐陽", "修", "ouyang|xiu");
    /* surname readings, from Traditional as from Simplified */
    assert_key("单", "丽", "shan|li");
    assert_key("單", "麗", "shan|li");
    assert_key("曾", "华", "zeng|hua");
    assert_key("解", "华", "xie|hua");
    assert_key("區", "华", "ou|hua");
    assert_key("尉遲", "恭", "yuchi|gong");
    /* the same characters in a given name take their common reading */
    assert_key("王", "单", "wang|dan");
}

static void
test_key_other_scripts(void **state)
{
    (void)state;
    assert_key("Иванов", "Иван", "ivanov|ivan");
    assert_key("Παπαδόπουλος", "Νίκος", "papadopoulos|nikos");
    assert_key("やまだ", "たろう", "yamada|tarou");
}

static void
test_key_one_part(void **state)
{
    (void)state;
    /* a one-sided key never equals a query key, which has both parts */
    assert_key("Wang", NULL, "wang|");
    assert_key(NULL, "Lihua", "|lihua");
    assert_key("", "Lihua", "|lihua");
    assert_no_key(NULL, NULL);
    assert_no_key("", "");
    assert_no_key("-", " ");
}

static void
test_key_refused(void **state)
{
    char longname[2048], out[PGR_NAME_KEY_MAX];

    (void)state;
    assert_no_key("Wang3", "Lihua");
    assert_no_key("Wang", "<Lihua>");
    assert_no_key("wang@example.org", NULL);
    assert_no_key("Wang, Lihua", NULL);
    assert_no_key("Wang", "Lihua 🙂");
    assert_no_key("\xff\xfe", "Lihua");
    assert_no_key("Wang", "Li\xc3");
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    assert_no_key(longname, "Lihua");
    /* 64 + 1 + 63 does not fit the key; 63 + 1 + 63 does */
    memset(longname, 'a', 64);
    longname[64] = '\0';
    assert_no_key(longname, longname + 1);
    assert_int_equal(pgr_name_key(longname + 1, longname + 1, out), 1);
    assert_int_equal(strlen(out), 127);
    assert_int_equal(pgr_name_key("Wang", "Lihua", NULL), 0);
}

static void
test_key_distinct(void **state)
{
    char a[PGR_NAME_KEY_MAX], b[PGR_NAME_KEY_MAX];

    (void)state;
    assert_int_equal(pgr_name_key("Zhang", "Wei", a), 1);
    assert_int_equal(pgr_name_key("Zhang", "Wen", b), 1);
    assert_string_not_equal(a, b);
    assert_int_equal(pgr_name_key("张", "伟", a), 1);
    assert_int_equal(pgr_name_key("张", "文", b), 1);
    assert_string_not_equal(a, b);
    assert_int_equal(pgr_name_key("Wang", "Wei", a), 1);
    assert_int_equal(pgr_name_key("Wang", "Lei", b), 1);
    assert_string_not_equal(a, b);
    /* order matters within a key */
    assert_int_equal(pgr_name_key("Wei", "Zhang", b), 1);
    assert_int_equal(pgr_name_key("Zhang", "Wei", a), 1);
    assert_string_not_equal(a, b);
    /* syllables are joined, but the family/given boundary is kept */
    assert_int_equal(pgr_name_key("Li", "Hua", a), 1);
    assert_int_equal(pgr_name_key("Lihua", NULL, b), 1);
    assert_string_not_equal(a, b);
}

/* ------------------------------------------------ pgr_name_query_keys */

static void
test_query_both_orders(void **state)
{
    static const char *const wl[] = { "wang|lihua", "lihua|wang" };

    (void)state;
    assert_query("Wang Lihua", 2, wl);
    assert_query("Lihua Wang", 2, wl);
    assert_query("WANG Lihua", 2, wl);
    assert_query("Wáng Lìhuá", 2, wl);
    assert_query("  wang   li-hua  ", 2, wl);
    assert_query("Li-Hua Wang", 2, wl);
    assert_query("王 丽华", 2, wl);
}

static void
test_query_three_words(void **state)
{
    static const char *const w3[] = { "wang|lihua", "hua|wangli" };
    static const char *const w3r[] = { "li|huawang", "wang|lihua" };

    (void)state;
    assert_query("Wang Li Hua", 2, w3);
    assert_query("Li Hua Wang", 2, w3r);
}

static void
test_query_comma(void **state)
{
    static const char *const wl[] = { "wang|lihua" };
    static const char *const lw[] = { "lihua|wang" };
    static const char *const vdb[] = { "vanderberg|annamaria" };

    (void)state;
    assert_query("WANG, Lihua", 1, wl);
    assert_query("Wang,Lihua", 1, wl);
    assert_query("Wang , Li Hua", 1, wl);
    assert_query("王，丽华", 1, wl);
    assert_query("Lihua, Wang", 1, lw);
    assert_query("van der Berg, Anna-Maria", 1, vdb);
    assert_no_query("Wang,");
    assert_no_query(", Lihua");
    assert_no_query(",");
    assert_no_query("Wang, Li, Hua");
    assert_no_query("Wang, -");
}

static void
test_query_han(void **state)
{
    static const char *const wl[] = { "wang|lihua" };
    static const char *const ww[] = { "wang|wei" };
    static const char *const oy[] = { "ouyang|xiu" };
    static const char *const sm[] = { "sima|guang" };
    static const char *const oyx[] = { "ouyang|xiaoming" };
    static const char *const sl[] = { "shan|lihua" };

    (void)state;
    assert_query("王丽华", 1, wl);
    assert_query("王麗華", 1, wl);
    assert_query(" 王丽华 ", 1, wl);
    assert_query("王伟", 1, ww);
    assert_query("欧阳修", 1, oy);
    assert_query("歐陽修", 1, oy);
    assert_query("司马光", 1, sm);
    assert_query("司馬光", 1, sm);
    assert_query("欧阳晓明", 1, oyx);
    assert_query("單麗華", 1, sl);
    assert_no_query("王");
    assert_no_query("王丽华明亮");
    assert_no_query("王丽华A");
}

static void
test_query_one_word(void **state)
{
    (void)state;
    assert_no_query("Wang");
    assert_no_query("Lihua");
    assert_no_query("Li-Hua");
    assert_no_query("  WANG  ");
    assert_no_query("Wang -");
    assert_no_query("Wáng");
}

/* ------------------------------------------------ pgr_name_lookup_keys */

static size_t
lookup(const char *full, char keys[PGR_NAME_LOOKUP_KEYS][PGR_NAME_KEY_MAX])
{
    return pgr_name_lookup_keys(full, strlen(full), keys);
}

/* The lookup keys of full hold want. */
static void
assert_lookup_has(const char *full, const char *want)
{
    char keys[PGR_NAME_LOOKUP_KEYS][PGR_NAME_KEY_MAX];
    size_t n = lookup(full, keys), i;

    for (i = 0; i < n; i++)
        if (strcmp(keys[i], want) == 0)
            return;
    fail_msg("\"%s\": %zu lookup keys, none \"%s\" (first \"%s\")", full, n,
             want, n > 0 ? keys[0] : "");
}

static void
test_lookup_forms(void **state)
{
    char keys[PGR_NAME_LOOKUP_KEYS][PGR_NAME_KEY_MAX];
    size_t i;

    (void)state;
    assert_lookup_has("Wang Lihua", "wang|lihua");
    assert_lookup_has("Lihua Wang", "wang|lihua");
    assert_lookup_has("Mrs. Lihua WANG", "wang|lihua");
    assert_lookup_has("Prof Wang Lihua (MPS, Beijing)", "wang|lihua");
    assert_lookup_has("Wang Lihua [PLO]", "wang|lihua");
    assert_lookup_has("\xe7\x8e\x8b\xe4\xb8\xbd\xe5\x8d\x8e\xe5\x85\x88\xe7\x94\x9f",
                      "wang|lihua");                       /* 王丽华先生 */
    assert_lookup_has("Jan van der Berg", "vanderberg|jan");
    assert_lookup_has("Ou Yang Nana", "ouyang|nana");
    assert_lookup_has("Amy Meihua Wu", "wu|meihua");
    assert_lookup_has("\xea\xb9\x80\xeb\xaf\xbc\xec\xa4\x80", "gim|minjun"); /* 김민준 */
    /* 吕 as PRC passports (Lyu) and keyboards (Lv) write it */
    assert_lookup_has("Lyu Xiaobo", "lu|xiaobo");
    assert_lookup_has("Xiaobo LV", "lu|xiaobo");
    assert_lookup_has("L\xc3\xbc Xiaobo", "lu|xiaobo");
    assert_lookup_has("L\xc3\xbc Xiaobo", "lyu|xiaobo");   /* registered as Lyu */
    /* titles and remarks alone leave no name */
    assert_int_equal(lookup("Mr. Dr.", keys), 0);
    assert_int_equal(lookup("(PLO)", keys), 0);
    assert_int_equal(lookup("Wang (Lihua", keys), 0);   /* unbalanced */
    /* never more keys than room, each a real key */
    assert_true(lookup("A B C D E F G H I J K L M N O P", keys) <= PGR_NAME_LOOKUP_KEYS);
    for (i = 0; i < PGR_NAME_LOOKUP_KEYS; i++)
        assert_true(keys[i][0] == '\0' || strchr(keys[i], '|') != NULL);
}

/* ------------------------------------------------ pgr_name_phrase_key */

static void
assert_phrase(const char *text, const char *want)
{
    char key[PGR_NAME_KEY_MAX];
    size_t n = pgr_name_phrase_key(text, strlen(text), key);

    if (want == NULL) {
        if (n != 0)
            fail_msg("\"%s\": phrase key \"%s\", want none", text, key);
        assert_string_equal(key, "");
        return;
    }
    if (n != 1 || strcmp(key, want) != 0)
        fail_msg("\"%s\": phrase key \"%s\" (%zu), want \"%s\"", text, key, n,
                 want);
}

static void
test_phrase_key(void **state)
{
    char key[PGR_NAME_KEY_MAX];
    char longname[200];

    (void)state;
    assert_phrase("Ministry of Public Security", "=ministry of public security");
    assert_phrase("  MINISTRY  of\tPublic Security ", "=ministry of public security");
    assert_phrase("Ministry of Public Security (fictional sample)",
                  "=ministry of public security");
    /* Han as characters, Simplified: not as pinyin, which would make a
     * person's name that sounds alike (龚安布) the ministry */
    assert_phrase("\xe5\x85\xac\xe5\xae\x89\xe9\x83\xa8",
                  "=\xe5\x85\xac\xe5\xae\x89\xe9\x83\xa8");       /* 公安部 */
    assert_phrase("\xe5\x9c\x8b\xe5\xae\xb6\xe5\xae\x89\xe5\x85\xa8\xe9\x83\xa8",
                  "=\xe5\x9b\xbd\xe5\xae\xb6\xe5\xae\x89\xe5\x85\xa8\xe9\x83\xa8"); /* 國家安全部 */
    assert_phrase("\xe9\xbe\x9a\xe5\xae\x89\xe5\xb8\x83",
                  "=\xe9\xbe\x9a\xe5\xae\x89\xe5\xb8\x83");       /* 龚安布 */
    assert_phrase("MPS\xe5\x85\xac\xe5\xae\x89\xe9\x83\xa8 1",
                  "=mps\xe5\x85\xac\xe5\xae\x89\xe9\x83\xa8 1");
    assert_phrase("Gong'anbu", "=gonganbu");
    assert_phrase("Gong\xe2\x80\x99" "anbu", "=gonganbu");             /* ’ */
    assert_phrase("Gong Anbu", "=gong anbu");       /* not 公安部 */
    assert_phrase("People's Republic", "=peoples republic");
    assert_phrase("Kryptonite-Panda", "=kryptonite panda");
    assert_phrase("Kryptonite \xe2\x80\x94 Panda", "=kryptonite panda"); /* — */
    assert_phrase("APT 40", "=apt 40");
    assert_phrase("APT40", "=apt40");
    assert_phrase("APT\xef\xbc\x94\xef\xbc\x90", "=apt40");       /* fullwidth ４０ */
    assert_phrase("TEMP.Periscope", "=tempperiscope");
    assert_phrase("Minist\xc3\xa8re & Cie", "=ministere cie");
    assert_phrase("MPS", "=mps");
    /* nothing to compare, broken text, unbalanced brackets */
    assert_phrase("", NULL);
    assert_phrase(" - & . ", NULL);
    assert_phrase("(MPS)", NULL);
    assert_phrase("MPS (", NULL);
    assert_phrase("\xff\xfe", NULL);
    assert_int_equal(pgr_name_phrase_key("M\0PS", 4, key), 0);
    assert_int_equal(pgr_name_phrase_key(NULL, 3, key), 0);
    assert_int_equal(pgr_name_phrase_key("MPS", 3, NULL), 0);
    /* only len bytes are read */
    assert_int_equal(pgr_name_phrase_key("MPSXYZ", 3, key), 1);
    assert_string_equal(key, "=mps");
    /* a key that does not fit is none, not a cut one */
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    assert_phrase(longname, NULL);
    longname[126] = '\0';
    assert_int_equal(pgr_name_phrase_key(longname, 126, key), 1);
    assert_int_equal(strlen(key), 127);
    longname[126] = 'a';
    longname[127] = '\0';
    assert_phrase(longname, NULL);
}

static void
test_query_garbage(void **state)
{
    static const char sixteen[] =
        "ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab";
    static const char seventeen[] =
        "ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab";
    keyset keys;

    (void)state;
    assert_no_query("");
    assert_no_query("   ");
    assert_no_query("- . '");
    assert_no_query("12345 67890");
    assert_no_query("li@example.org");
    assert_no_query("li@example.org, wang@example.org");
    assert_no_query("+1 613 555 0142");
    assert_no_query("Wang Lihua 🙂");
    assert_no_query("Wang (Lihua)");
    assert_no_query("\xff\xfe \xfd");
    assert_no_query("Wang \xe4\xb8");
    assert_int_equal(pgr_name_query_keys("Wang\0Lihua", 10, keys), 0);
    assert_int_equal(pgr_name_query_keys(NULL, 10, keys), 0);
    assert_int_equal(pgr_name_query_keys("Wang Lihua", 10, NULL), 0);
    /* only len bytes are read */
    assert_int_equal(pgr_name_query_keys("Wang LihuaXYZ", 10, keys), 2);
    assert_true(has_key(keys, 2, "wang|lihua"));
    /* sixteen words are a name at most */
    assert_int_equal(query(sixteen, keys), 1);
    assert_no_query(seventeen);
}

/* Registry names, written one way, found from queries written another. */
static void
test_query_finds_registry(void **state)
{
    static const struct {
        const char *family, *given, *query;
    } cases[] = {
        { "Wang", "Lihua", "王丽华" },
        { "王", "丽华", "Wang Lihua" },
        { "王", "麗華", "lihua WANG" },
        { "Wáng", "Lìhuá", "WANG, Lihua" },
        { "Ouyang", "Xiu", "歐陽修" },
        { "Zhang", "Xiuying", "Xiuying Zhang" },
        { "Zhang", "Xiu Ying", "ZHANG Xiu-Ying" },
        { "Иванов", "Иван", "Ivan Ivanov" },
    };
    char key[PGR_NAME_KEY_MAX];
    keyset keys;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n;

        assert_int_equal(pgr_name_key(cases[i].family, cases[i].given, key),
                         1);
        n = query(cases[i].query, keys);
        if (!has_key(keys, n, key))
            fail_msg("\"%s\" does not find {%s, %s} (%s)", cases[i].query,
                     cases[i].family, cases[i].given, key);
    }
}

static void
test_query_distinct(void **state)
{
    char key[PGR_NAME_KEY_MAX];
    keyset keys;
    size_t n;

    (void)state;
    assert_int_equal(pgr_name_key("Zhang", "Wei", key), 1);
    n = query("Zhang Wen", keys);
    assert_int_equal(n, 2);
    assert_false(has_key(keys, n, key));
    n = query("张文", keys);
    assert_int_equal(n, 1);
    assert_false(has_key(keys, n, key));
    assert_int_equal(pgr_name_key("Wang", "Wei", key), 1);
    n = query("Wang Lei", keys);
    assert_false(has_key(keys, n, key));
    /* the family name alone finds nothing */
    n = query("Zhang", keys);
    assert_int_equal(n, 0);
}

/* ------------------------------------------------------------ threads */

static const struct {
    const char *query, *key;
} thread_cases[] = {
    { "王麗華", "wang|lihua" },
    { "歐陽修", "ouyang|xiu" },
    { "Wáng, Lìhuá", "wang|lihua" },
    { "Иванов, Иван", "ivanov|ivan" },
};

static void *
thread_main(void *arg)
{
    size_t *failures = arg;
    size_t i;
    keyset keys;

    for (i = 0; i < ITERATIONS; i++) {
        size_t c = i % (sizeof(thread_cases) / sizeof(thread_cases[0]));
        size_t n = query(thread_cases[c].query, keys);

        if (n != 1 || strcmp(keys[0], thread_cases[c].key) != 0)
            (*failures)++;
    }
    return NULL;
}

static void
test_threads(void **state)
{
    pthread_t tid[THREADS];
    size_t failures[THREADS];
    int i;

    (void)state;
    for (i = 0; i < THREADS; i++) {
        failures[i] = 0;
        assert_int_equal(pthread_create(&tid[i], NULL, thread_main,
                                        &failures[i]), 0);
    }
    for (i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(tid[i], NULL), 0);
        assert_int_equal(failures[i], 0);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_case_accents),
        cmocka_unit_test(test_key_syllables),
        cmocka_unit_test(test_key_han),
        cmocka_unit_test(test_key_other_scripts),
        cmocka_unit_test(test_key_one_part),
        cmocka_unit_test(test_key_refused),
        cmocka_unit_test(test_key_distinct),
        cmocka_unit_test(test_query_both_orders),
        cmocka_unit_test(test_query_three_words),
        cmocka_unit_test(test_query_comma),
        cmocka_unit_test(test_query_han),
        cmocka_unit_test(test_query_one_word),
        cmocka_unit_test(test_phrase_key),
        cmocka_unit_test(test_query_garbage),
        cmocka_unit_test(test_lookup_forms),
        cmocka_unit_test(test_query_finds_registry),
        cmocka_unit_test(test_query_distinct),
        cmocka_unit_test(test_threads),
    };

    return cmocka_run_group_tests_name("name", tests, NULL, NULL);
}
