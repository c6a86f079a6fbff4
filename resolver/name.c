/*
 * name.c - comparison keys for personal names.
 *
 * A key is "family|given", each part transliterated to Latin, stripped of
 * accents, folded to ASCII lower case and run together ("Li-Hua", "Li Hua"
 * and "Lihua" all give "lihua").  王丽华, 王麗華, "Wáng Lìhuá" and
 * "WANG Lihua" therefore share the key "wang|lihua".
 *
 * A name is weak evidence: the caller reports a name-only hit as possible,
 * never as a match.  Here that means refusing to guess: a single word gives
 * no key, and text that does not fold cleanly gives none either.
 *
 * ICU transliterators are costly to open and not safe for concurrent use,
 * so each is opened once and used under a mutex; name matching is not on
 * slapd's hot path.
 */
#include <pthread.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utrans.h>

#include "pgr.h"

#define NAME_BYTES_MAX 1024  /* UTF-8 input we consider at all */
#define NAME_UNITS_MAX 256   /* UTF-16 units of one name or name part */
#define FOLD_CAP       4096  /* room for transliteration to grow into */
#define TOKENS_MAX     16
#define HAN_NAME_MIN   2     /* characters of an unspaced Han name */
#define HAN_NAME_MAX   4

/*
 * Traditional is first made Simplified (區 reads "ou" as a surname, not
 * "qu").  A family name is read with Han-Latin/Names, which knows surname
 * readings (单 shan, 曾 zeng, 解 xie); a given name with plain Han-Latin.
 * Any-Latin takes the other scripts; then accents and case go.  The name
 * of a body keeps its Han characters, Simplified (FOLD_HANS).
 */
enum fold_role { FOLD_FAMILY, FOLD_GIVEN, FOLD_HANS, FOLD_ROLES };

static const char *const fold_ids[FOLD_ROLES] = {
    "Hant-Hans; Han-Latin/Names; Any-Latin; NFKD; [:Mark:] Remove; "
    "Latin-ASCII; Lower",
    "Hant-Hans; Han-Latin; Any-Latin; NFKD; [:Mark:] Remove; "
    "Latin-ASCII; Lower",
    "NFKC; Hant-Hans",
};

static pthread_once_t fold_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t fold_lock = PTHREAD_MUTEX_INITIALIZER;
static UTransliterator *fold_trans[FOLD_ROLES];

/* Two-character family names, Simplified and Traditional forms. */
static const UChar compound_surnames[][3] = {
    u"欧阳", u"歐陽", u"司马", u"司馬", u"诸葛", u"諸葛", u"上官",
    u"东方", u"東方", u"皇甫", u"令狐", u"尉迟", u"尉遲", u"公孙",
    u"公孫", u"慕容", u"长孙", u"長孫", u"宇文", u"司徒", u"司空",
    u"夏侯", u"轩辕", u"軒轅", u"端木", u"独孤", u"獨孤", u"南宫",
    u"南宮", u"西门", u"西門", u"闻人", u"聞人", u"呼延", u"澹台",
    u"澹臺", u"公冶", u"宗政", u"濮阳", u"濮陽", u"申屠", u"太史",
    u"钟离", u"鍾離", u"万俟", u"萬俟", u"拓跋", u"百里", u"东郭",
    u"東郭", u"赫连", u"赫連", u"第五", u"左丘", u"谷梁", u"穀梁",
    u"仲孙", u"仲孫", u"单于", u"單于", u"乐正", u"樂正", u"漆雕",
    u"巫马", u"巫馬", u"公西", u"公良", u"段干", u"梁丘", u"羊舌",
    u"微生", u"子车", u"子車", u"颛孙", u"顓孫", u"壤驷", u"壤駟",
    u"淳于", u"太叔", u"宰父", u"公羊", u"鲜于", u"鮮于", u"闾丘",
    u"閭丘",
};

/* A span of UTF-16 text. */
typedef struct span {
    const UChar *s;
    int32_t      n;
} span;

/* ------------------------------------------------------------ ICU state */

static void
fold_close(void)
{
    int r;

    for (r = 0; r < FOLD_ROLES; r++) {
        if (fold_trans[r] != NULL)
            utrans_close(fold_trans[r]);
        fold_trans[r] = NULL;
    }
}

static void
fold_open(void)
{
    int r;

    for (r = 0; r < FOLD_ROLES; r++) {
        UChar id[256];
        UErrorCode st = U_ZERO_ERROR;
        UParseError pe;

        u_strFromUTF8(id, (int32_t)(sizeof(id) / sizeof(id[0])), NULL,
                      fold_ids[r], -1, &st);
        if (U_SUCCESS(st))
            fold_trans[r] = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0,
                                         &pe, &st);
        if (U_FAILURE(st)) {
            /* Without a transliterator no name folds: no key, no match. */
            fold_trans[r] = NULL;
            fold_close();
            return;
        }
    }
}

/* Closing at exit keeps leak checkers quiet; ICU's own caches remain. */
__attribute__((destructor)) static void
fold_destroy(void)
{
    pthread_mutex_lock(&fold_lock);
    fold_close();
    pthread_mutex_unlock(&fold_lock);
}

/* ---------------------------------------------------------------- folding */

/* A letter that should have become ASCII; modifier letters (ʿ, 々) are
 * punctuation for this purpose. */
static int
is_hard_letter(UChar32 c)
{
    int8_t t = u_charType(c);

    return t == U_UPPERCASE_LETTER || t == U_LOWERCASE_LETTER ||
           t == U_TITLECASE_LETTER || t == U_OTHER_LETTER;
}

/* What a name is written with: letters and marks of any script, dashes,
 * apostrophes and the dot of an initial.  Digits, symbols and brackets are
 * not: such text is something else, and guessing at it could flag an
 * innocent person. */
static int
is_name_char(UChar32 c)
{
    int8_t t = u_charType(c);

    switch (t) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
    case U_NON_SPACING_MARK:
    case U_COMBINING_SPACING_MARK:
    case U_ENCLOSING_MARK:
    case U_DASH_PUNCTUATION:
        return 1;
    default:
        return c == '\'' || c == '.' || c == 0x2018 || c == 0x2019;
    }
}

/*
 * Plain ASCII folds to its own lower-case letters, exactly as the ICU chain
 * would fold it; skipping the transliterator here is what keeps loading a
 * large registry (two names per person) well under a second.
 * Returns the length written, -1 when it does not fit, or -2 when the span
 * is not pure ASCII and must go through ICU.
 */
static int
fold_ascii(span in, char *out, size_t outsz)
{
    int32_t k;
    size_t o = 0;

    for (k = 0; k < in.n; k++)
        if (in.s[k] >= 0x80)
            return -2;
    for (k = 0; k < in.n; k++) {
        UChar c = in.s[k];

        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        if (c >= 'a' && c <= 'z') {
            if (o + 1 >= outsz)
                return -1;
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    return (int)o;
}

/*
 * in through the transliterator of role, into buf.  Returns the length, or
 * -1 when it failed or did not fit (or no transliterator could be opened).
 */
static int32_t
transliterate(enum fold_role role, span in, UChar buf[FOLD_CAP])
{
    int32_t len = in.n, limit = in.n;
    UErrorCode st = U_ZERO_ERROR;

    if (in.n < 0 || in.n > NAME_UNITS_MAX)
        return -1;
    memcpy(buf, in.s, (size_t)in.n * sizeof(buf[0]));
    pthread_once(&fold_once, fold_open);
    pthread_mutex_lock(&fold_lock);
    if (fold_trans[role] == NULL)
        st = U_MISSING_RESOURCE_ERROR;
    else
        utrans_transUChars(fold_trans[role], buf, &len, FOLD_CAP, 0, &limit,
                           &st);
    pthread_mutex_unlock(&fold_lock);
    if (U_FAILURE(st) || len < 0 || len > FOLD_CAP)
        return -1;
    return len;
}

/*
 * Folds a name part to ASCII letters a-z.  Returns the length written to
 * out (0 when nothing is left), or -1 when the text cannot be folded: a
 * letter survived transliteration, or it does not fit.
 */
static int
fold_span(enum fold_role role, span in, char *out, size_t outsz)
{
    UChar buf[FOLD_CAP];
    int32_t len, i = 0;
    size_t o = 0;
    int ascii;

    if (in.n < 0 || in.n > NAME_UNITS_MAX || outsz == 0)
        return -1;
    out[0] = '\0';
    if (in.n == 0)
        return 0;
    if ((ascii = fold_ascii(in, out, outsz)) != -2)
        return ascii;
    if ((len = transliterate(role, in, buf)) < 0)
        return -1;
    while (i < len) {
        UChar32 c;

        U16_NEXT(buf, i, len, c);
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        if (c >= 'a' && c <= 'z') {
            if (o + 1 >= outsz)
                return -1;
            out[o++] = (char)c;
        } else if (is_hard_letter(c)) {
            return -1;
        }
    }
    out[o] = '\0';
    return (int)o;
}

/* Converts NUL-free UTF-8 to UTF-16; -1 on bad or overlong input. */
static int32_t
to_utf16(const char *in, size_t len, UChar *out, int32_t cap)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = 0;

    if (len > NAME_BYTES_MAX || memchr(in, '\0', len) != NULL)
        return -1;
    u_strFromUTF8(out, cap, &n, in, (int32_t)len, &st);
    if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING || n > cap)
        return -1;
    return n;
}

/* Writes "family|given"; both parts must be there. */
static int
make_key(span family, span given, char out[PGR_NAME_KEY_MAX])
{
    char f[PGR_NAME_KEY_MAX], g[PGR_NAME_KEY_MAX];
    int fl, gl;

    fl = fold_span(FOLD_FAMILY, family, f, sizeof(f));
    gl = fold_span(FOLD_GIVEN, given, g, sizeof(g));
    if (fl <= 0 || gl <= 0 || (size_t)fl + 1 + (size_t)gl >= PGR_NAME_KEY_MAX)
        return -1;
    memcpy(out, f, (size_t)fl);
    out[fl] = '|';
    memcpy(out + fl + 1, g, (size_t)gl + 1);
    return 0;
}

static int
is_comma(UChar32 c)
{
    return c == ',' || c == 0xFF0C;  /* , and fullwidth ， */
}

/* Word separators: white space, commas, and the middle dots that part the
 * words of a foreign name written in Han or kana (约翰·史密斯). */
static int
is_separator(UChar32 c)
{
    return u_isUWhiteSpace(c) || is_comma(c) || c == 0x00B7 ||
           c == 0x30FB || c == 0xFF65;
}

/* A registry name part: name characters and the spaces or middle dots
 * between its words; a comma has no place inside one part. */
static int
part_valid(span p)
{
    int32_t i = 0;

    while (i < p.n) {
        UChar32 c;

        U16_NEXT(p.s, i, p.n, c);
        if (!is_name_char(c) && !(is_separator(c) && !is_comma(c)))
            return 0;
    }
    return 1;
}

size_t
pgr_name_key(const char *family, const char *given,
             char out[PGR_NAME_KEY_MAX])
{
    UChar fu[NAME_UNITS_MAX], gu[NAME_UNITS_MAX];
    char f[PGR_NAME_KEY_MAX], g[PGR_NAME_KEY_MAX];
    span fs = { fu, 0 }, gs = { gu, 0 };
    int fl, gl;

    if (out == NULL)
        return 0;
    out[0] = '\0';
    if (family != NULL &&
        (fs.n = to_utf16(family, strlen(family), fu, NAME_UNITS_MAX)) < 0)
        return 0;
    if (given != NULL &&
        (gs.n = to_utf16(given, strlen(given), gu, NAME_UNITS_MAX)) < 0)
        return 0;
    if (!part_valid(fs) || !part_valid(gs))
        return 0;
    fl = fold_span(FOLD_FAMILY, fs, f, sizeof(f));
    gl = fold_span(FOLD_GIVEN, gs, g, sizeof(g));
    if (fl < 0 || gl < 0 || fl + gl == 0 ||
        (size_t)fl + 1 + (size_t)gl >= PGR_NAME_KEY_MAX)
        return 0;
    memcpy(out, f, (size_t)fl);
    out[fl] = '|';
    memcpy(out + fl + 1, g, (size_t)gl + 1);
    return 1;
}

/* ------------------------------------------------------- free-form names */

/*
 * Splits a name into words.  *after_comma is the index of the first word
 * after a comma, or -1 without one.  Returns the number of words, or -1
 * for a character no name has, too many words or more than one comma.
 */
static int
split_words(const UChar *u, int32_t n, span word[TOKENS_MAX],
            int *after_comma)
{
    int32_t i = 0, start = -1;
    int nw = 0, commas = 0;

    *after_comma = -1;
    while (i <= n) {
        int32_t at = i;
        UChar32 c = ' ';

        if (i < n)
            U16_NEXT(u, i, n, c);
        else
            i++;
        if (!is_separator(c)) {
            if (!is_name_char(c))
                return -1;
            if (start < 0)
                start = at;
            continue;
        }
        if (start >= 0) {
            if (nw >= TOKENS_MAX)
                return -1;
            word[nw].s = u + start;
            word[nw].n = at - start;
            nw++;
            start = -1;
        }
        if (is_comma(c)) {
            if (++commas > 1)
                return -1;
            *after_comma = nw;
        }
    }
    return nw;
}

/*
 * Drops the words that fold to nothing (a lone "-", an emoji).  Returns
 * the number kept, or -1 when a word cannot be folded at all.
 */
static int
keep_words(span word[TOKENS_MAX], int nw, int *after_comma)
{
    int i, kept = 0, comma = -1;

    for (i = 0; i < nw; i++) {
        char f[PGR_NAME_KEY_MAX];
        int fl = fold_span(FOLD_GIVEN, word[i], f, sizeof(f));

        if (fl < 0)
            return -1;
        if (i == *after_comma)
            comma = kept;
        if (fl > 0)
            word[kept++] = word[i];
    }
    *after_comma = *after_comma >= nw ? kept : comma;
    return kept;
}

/* The words of u[0 .. n) that fold to something (split_words, then
 * keep_words), the first after a comma in *after_comma; -1 as those. */
static int
name_words(const UChar *u, int32_t n, span word[TOKENS_MAX], int *after_comma)
{
    int nw = split_words(u, n, word, after_comma);

    return nw > 0 ? keep_words(word, nw, after_comma) : nw;
}

/* The text from word a to word b, separators between them included. */
static span
words(const span word[TOKENS_MAX], int a, int b)
{
    span r;

    r.s = word[a].s;
    r.n = (int32_t)(word[b].s + word[b].n - word[a].s);
    return r;
}

static int
is_compound_surname(const UChar *s)
{
    size_t i;

    for (i = 0; i < sizeof(compound_surnames) / sizeof(compound_surnames[0]);
         i++)
        if (s[0] == compound_surnames[i][0] && s[1] == compound_surnames[i][1])
            return 1;
    return 0;
}

/*
 * An unspaced Han or Hangul name (2 to 4 characters) is family-first: one
 * character of family name, or two for a compound surname such as 欧阳
 * (김민준: 김, 민준).  Returns the family part's length in UTF-16 units,
 * or -1 when w is not such a name.
 */
static int32_t
han_family_len(span w)
{
    int32_t i = 0, first = 0;
    int chars = 0;
    UScriptCode script = USCRIPT_INVALID_CODE;

    while (i < w.n) {
        UErrorCode st = U_ZERO_ERROR;
        UChar32 c;
        UScriptCode sc;

        U16_NEXT(w.s, i, w.n, c);
        sc = uscript_getScript(c, &st);
        if (U_FAILURE(st) || (sc != USCRIPT_HAN && sc != USCRIPT_HANGUL) ||
            (chars > 0 && sc != script))
            return -1;
        script = sc;
        if (++chars == 1)
            first = i;
    }
    if (chars < HAN_NAME_MIN || chars > HAN_NAME_MAX)
        return -1;
    if (script == USCRIPT_HAN && chars > 2 && first == 1 &&
        is_compound_surname(w.s))
        return 2;
    return first;
}

/* w cut into its family and given name when it is a whole unspaced Han or
 * Hangul name (han_family_len); 0, or -1 when it is not one. */
static int
split_han_name(span w, span *family, span *given)
{
    int32_t fam = han_family_len(w);

    if (fam < 0)
        return -1;
    family->s = w.s;
    family->n = fam;
    given->s = w.s + fam;
    given->n = w.n - fam;
    return 0;
}

/* Adds the key for {family, given} to keys (room for cap) unless it is
 * unusable or already there. */
static size_t
add_key_to(char (*keys)[PGR_NAME_KEY_MAX], size_t cap, size_t nkeys,
           span family, span given)
{
    char k[PGR_NAME_KEY_MAX];
    size_t i;

    if (nkeys >= cap || make_key(family, given, k) != 0)
        return nkeys;
    for (i = 0; i < nkeys; i++)
        if (strcmp(keys[i], k) == 0)
            return nkeys;
    memcpy(keys[nkeys], k, strlen(k) + 1);
    return nkeys + 1;
}

static size_t
add_key(char keys[PGR_NAME_KEYS][PGR_NAME_KEY_MAX], size_t nkeys,
        span family, span given)
{
    return add_key_to(keys, PGR_NAME_KEYS, nkeys, family, given);
}

/* add_key for the wider key set of pgr_name_lookup_keys. */
static size_t
add_lookup_key(char keys[PGR_NAME_LOOKUP_KEYS][PGR_NAME_KEY_MAX],
               size_t nkeys, span family, span given)
{
    return add_key_to(keys, PGR_NAME_LOOKUP_KEYS, nkeys, family, given);
}

size_t
pgr_name_query_keys(const char *full, size_t len,
                    char keys[PGR_NAME_KEYS][PGR_NAME_KEY_MAX])
{
    UChar u[NAME_UNITS_MAX];
    span word[TOKENS_MAX];
    int32_t n;
    int nw, comma;
    size_t nkeys = 0, i;

    if (keys == NULL)
        return 0;
    for (i = 0; i < PGR_NAME_KEYS; i++)
        keys[i][0] = '\0';
    if (full == NULL || (n = to_utf16(full, len, u, NAME_UNITS_MAX)) < 0)
        return 0;
    nw = name_words(u, n, word, &comma);
    if (nw <= 0)
        return 0;

    if (comma >= 0) {
        /* "WANG, Lihua": the writer said which part is the family name. */
        if (comma == 0 || comma >= nw)
            return 0;
        return add_key(keys, 0, words(word, 0, comma - 1),
                       words(word, comma, nw - 1));
    }
    if (nw == 1) {
        span f, g;

        /* One word never matches, unless it is a whole Han name. */
        if (split_han_name(word[0], &f, &g) != 0)
            return 0;
        return add_key(keys, 0, f, g);
    }
    /* Family name first (PRC, Han), then last (Western, e-mail displays). */
    nkeys = add_key(keys, nkeys, word[0], words(word, 1, nw - 1));
    nkeys = add_key(keys, nkeys, word[nw - 1], words(word, 0, nw - 2));
    return nkeys;
}

/* ------------------------------------------------- names as people type */

/*
 * pgr_name_lookup_keys reads a name the way an officer or a mail client
 * writes it: "Mr. Wang Lihua", "Wang Lihua (PLO)", "王丽华女士", "Amy WANG
 * Lihua", "Wang Lihua 王丽华", "Jan van der Berg".  It only ever widens
 * what is looked up, and a name hit stays possible at most.
 */

/* Titles and suffixes, folded ("Dr." folds to "dr."; the dot is dropped
 * before comparing).  None is a syllable of a Han name's pinyin. */
static const char *const title_words[] = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "mme",
    "mlle", "madame", "monsieur", "jr", "sr", NULL
};

/* Honorifics written after a Han name, with or without a blank. */
static const UChar han_honorifics[][3] = {
    u"先生", u"女士", u"小姐", u"警官", u"同志", u"太太", u"夫人",
};

/* Brackets whose content is a remark: ( ) [ ] and their fullwidth forms,
 * 【 】. */
static int
bracket_depth_change(UChar32 c)
{
    if (c == '(' || c == '[' || c == 0xFF08 || c == 0xFF3B || c == 0x3010)
        return 1;
    if (c == ')' || c == ']' || c == 0xFF09 || c == 0xFF3D || c == 0x3011)
        return -1;
    return 0;
}

/* u[0 .. n) without its bracketed remarks (each becomes a blank), into
 * out; the length, or -1 for unbalanced brackets. */
static int32_t
drop_remarks(const UChar *u, int32_t n, UChar *out)
{
    int32_t i = 0, o = 0;
    int depth = 0;

    while (i < n) {
        int32_t at = i;
        UChar32 c;
        int d;

        U16_NEXT(u, i, n, c);
        d = bracket_depth_change(c);
        if (d != 0) {
            depth += d;
            if (depth < 0)
                return -1;
            out[o++] = ' ';
            continue;
        }
        if (depth == 0)
            while (at < i)
                out[o++] = u[at++];
    }
    return depth == 0 ? o : -1;
}

/* ------------------------------------------------ names of bodies */

/* Word separators within the name of a body: a person's, and dashes
 * ("Kryptonite-Panda" is "Kryptonite Panda"). */
static int
is_phrase_separator(UChar32 c)
{
    return is_separator(c) || u_charType(c) == U_DASH_PUNCTUATION;
}

/* Han text in Simplified characters, NFKC, as UTF-8 into out; its length,
 * or -1 when it cannot be converted or does not fit. */
static int
fold_hans(span in, char *out, size_t outsz)
{
    UChar buf[FOLD_CAP];
    int32_t len, n = 0;
    UErrorCode st = U_ZERO_ERROR;

    if (in.n <= 0 || outsz == 0 || (len = transliterate(FOLD_HANS, in, buf)) < 0)
        return -1;
    u_strToUTF8(out, (int32_t)outsz, &n, buf, len, &st);
    if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING ||
        (size_t)n >= outsz)
        return -1;
    return n;
}

/* What a character of a body's name is: a decimal digit, a Han
 * character, or anything else. */
enum phrase_class { PHRASE_DIGIT, PHRASE_HAN, PHRASE_OTHER };

static enum phrase_class
phrase_class_of(UChar32 c)
{
    UErrorCode st = U_ZERO_ERROR;

    if (u_charType(c) == U_DECIMAL_DIGIT_NUMBER)
        return PHRASE_DIGIT;
    if (uscript_getScript(c, &st) == USCRIPT_HAN && U_SUCCESS(st))
        return PHRASE_HAN;
    return PHRASE_OTHER;
}

/*
 * Appends one word of a body's name to key (length *o): its Han
 * characters as they are (Simplified), other letters folded as a given
 * name's are, decimal digits as ASCII digits, the rest dropped ("People's"
 * gives "peoples", "APT40" "apt40", 國家安全部 国家安全部).  Han is not
 * read as pinyin here: 公安部 is not 龚安布, a person's name that sounds
 * alike.  -1 when a letter cannot be folded or the key would not fit.
 */
static int
append_phrase_word(span w, char key[PGR_NAME_KEY_MAX], size_t *o)
{
    int32_t i = 0;

    while (i < w.n) {
        char f[PGR_NAME_KEY_MAX];
        span run = { w.s + i, 0 };
        int32_t at = i;
        UChar32 c;
        enum phrase_class cls;
        int fl;

        U16_NEXT(w.s, i, w.n, c);
        cls = phrase_class_of(c);
        if (cls == PHRASE_DIGIT) {
            int digit = u_charDigitValue(c);

            if (digit < 0 || *o + 1 >= PGR_NAME_KEY_MAX)
                return -1;
            key[(*o)++] = (char)('0' + digit);
            continue;
        }
        while (i < w.n) {        /* the run of characters of one class */
            int32_t next = i;

            U16_NEXT(w.s, next, w.n, c);
            if (phrase_class_of(c) != cls)
                break;
            i = next;
        }
        run.n = i - at;
        fl = cls == PHRASE_HAN ? fold_hans(run, f, sizeof(f))
                               : fold_span(FOLD_GIVEN, run, f, sizeof(f));
        if (fl < 0 || *o + (size_t)fl >= PGR_NAME_KEY_MAX)
            return -1;
        memcpy(key + *o, f, (size_t)fl);
        *o += (size_t)fl;
    }
    key[*o] = '\0';
    return 0;
}

size_t
pgr_name_phrase_key(const char *text, size_t len, char out[PGR_NAME_KEY_MAX])
{
    UChar u[NAME_UNITS_MAX], c[NAME_UNITS_MAX];
    int32_t n, i = 0, start = -1;
    size_t o = 1;

    if (out == NULL)
        return 0;
    out[0] = '\0';
    if (text == NULL || (n = to_utf16(text, len, u, NAME_UNITS_MAX)) < 0 ||
        (n = drop_remarks(u, n, c)) < 0)
        return 0;
    out[0] = '=';
    out[1] = '\0';
    while (i <= n) {
        int32_t at = i;
        UChar32 ch = ' ';
        size_t mark = o, word_at;
        span w;

        if (i < n)
            U16_NEXT(c, i, n, ch);
        else
            i++;
        if (!is_phrase_separator(ch)) {
            if (start < 0)
                start = at;
            continue;
        }
        if (start < 0)
            continue;
        w.s = c + start;
        w.n = at - start;
        start = -1;
        if (o > 1)                       /* one blank between words */
            out[o++] = ' ';
        word_at = o;
        if (o >= PGR_NAME_KEY_MAX || append_phrase_word(w, out, &o) != 0) {
            out[0] = '\0';              /* cannot be folded, or too long */
            return 0;
        }
        if (o == word_at)                /* a word that folds to nothing */
            o = mark;
        out[o] = '\0';
    }
    if (o <= 1) {
        out[0] = '\0';
        return 0;
    }
    return 1;
}

static int
is_title(span w)
{
    char f[PGR_NAME_KEY_MAX];
    int fl = fold_span(FOLD_GIVEN, w, f, sizeof(f)), i;

    if (fl <= 0)
        return 0;
    while (fl > 0 && f[fl - 1] == '.')
        f[--fl] = '\0';
    for (i = 0; title_words[i] != NULL; i++)
        if (strcmp(f, title_words[i]) == 0)
            return 1;
    return 0;
}

/* A Han word ending in an honorific loses it ("王丽华女士"); a word that
 * is one is dropped (n becomes 0). */
static void
drop_han_honorific(span *w)
{
    size_t i;

    for (i = 0; i < sizeof(han_honorifics) / sizeof(han_honorifics[0]); i++)
        if (w->n >= 2 && w->s[w->n - 2] == han_honorifics[i][0] &&
            w->s[w->n - 1] == han_honorifics[i][1]) {
            w->n -= 2;
            return;
        }
}

/* Whether w has characters, all of the script want. */
static int
is_script_word(span w, UScriptCode want)
{
    int32_t i = 0;

    while (i < w.n) {
        UErrorCode st = U_ZERO_ERROR;
        UChar32 c;

        U16_NEXT(w.s, i, w.n, c);
        if (uscript_getScript(c, &st) != want || U_FAILURE(st))
            return 0;
    }
    return w.n > 0;
}

/*
 * The keys of the words w[0 .. m): a whole Han or Hangul name when m is
 * 1; else every cut into family and given name, in both orders (family
 * first, as 王丽华 and "WANG Lihua", then last, as "Lihua Wang" and "Jan
 * van der Berg"); and from three words on, the words without the first or
 * the last ("Amy Meihua Wu", "Amy WANG Lihua").
 */
static size_t
add_group_keys(char keys[PGR_NAME_LOOKUP_KEYS][PGR_NAME_KEY_MAX],
               size_t nkeys, const span *w, int m, int trim)
{
    int k;

    if (m == 1) {
        span f, g;

        if (split_han_name(w[0], &f, &g) != 0)
            return nkeys;
        return add_lookup_key(keys, nkeys, f, g);
    }
    nkeys = add_lookup_key(keys, nkeys, w[0], words(w, 1, m - 1));
    nkeys = add_lookup_key(keys, nkeys, w[m - 1], words(w, 0, m - 2));
    for (k = 2; k < m; k++)
        nkeys = add_lookup_key(keys, nkeys, words(w, 0, k - 1),
                               words(w, k, m - 1));
    for (k = 1; k < m - 1; k++)
        nkeys = add_lookup_key(keys, nkeys, words(w, k, m - 1),
                               words(w, 0, k - 1));
    if (trim && m >= 3) {
        nkeys = add_group_keys(keys, nkeys, w + 1, m - 1, 0);
        nkeys = add_group_keys(keys, nkeys, w, m - 1, 0);
    }
    return nkeys;
}

/*
 * The family names 吕 and 女 are Lü and Nü in pinyin, which folds to "lu"
 * and "nu"; PRC passports write them Lyu and Nyu, keyboards Lv and Nv.
 * A key with one of these family names gets the other two beside it (so
 * "Lu" is also looked up as Lyu: possible only, as every name hit).
 */
static size_t
add_u_umlaut_keys(char keys[PGR_NAME_LOOKUP_KEYS][PGR_NAME_KEY_MAX],
                  size_t nkeys)
{
    static const char *const spellings[2][3] = {
        { "lu|", "lyu|", "lv|" }, { "nu|", "nyu|", "nv|" },
    };
    size_t n = nkeys, i, g, a, b, k;

    for (i = 0; i < n; i++)
        for (g = 0; g < 2; g++)
            for (a = 0; a < 3; a++) {
                size_t from = strlen(spellings[g][a]), rest;

                if (strncmp(keys[i], spellings[g][a], from) != 0)
                    continue;
                rest = strlen(keys[i] + from);
                for (b = 0; b < 3; b++) {
                    char v[PGR_NAME_KEY_MAX];
                    size_t to = strlen(spellings[g][b]);

                    if (b == a || to + rest >= PGR_NAME_KEY_MAX)
                        continue;
                    memcpy(v, spellings[g][b], to);
                    memcpy(v + to, keys[i] + from, rest + 1);
                    for (k = 0; k < nkeys && strcmp(keys[k], v) != 0; k++)
                        ;
                    if (k == nkeys && nkeys < PGR_NAME_LOOKUP_KEYS)
                        memcpy(keys[nkeys++], v, to + rest + 1);
                }
            }
    return nkeys;
}

size_t
pgr_name_lookup_keys(const char *full, size_t len,
                     char keys[PGR_NAME_LOOKUP_KEYS][PGR_NAME_KEY_MAX])
{
    UChar u[NAME_UNITS_MAX], c[NAME_UNITS_MAX];
    span word[TOKENS_MAX], han[TOKENS_MAX], other[TOKENS_MAX];
    int32_t n;
    int nw, comma, i, nh = 0, no = 0;
    size_t nkeys = 0, k;

    if (keys == NULL)
        return 0;
    for (k = 0; k < PGR_NAME_LOOKUP_KEYS; k++)
        keys[k][0] = '\0';
    if (full == NULL || (n = to_utf16(full, len, u, NAME_UNITS_MAX)) < 0 ||
        (n = drop_remarks(u, n, c)) < 0)
        return 0;
    nw = name_words(c, n, word, &comma);
    if (nw <= 0)
        return 0;
    if (comma >= nw)
        comma = -1;   /* "Wang Lihua,": a comma with nothing after it */

    for (i = 0; i < nw; i++) {
        if (is_title(word[i])) {
            if (comma > i)
                comma--;
            continue;
        }
        if (!is_script_word(word[i], USCRIPT_HAN)) {
            other[no++] = word[i];
            continue;
        }
        drop_han_honorific(&word[i]);   /* what is left is Han too */
        if (word[i].n > 0)
            han[nh++] = word[i];
    }
    if (comma > 0 && nh == 0 && comma < no) {
        /* "WANG, Lihua"; and "Wang Lihua, PLO": a name, then a remark */
        nkeys = add_lookup_key(keys, 0, words(other, 0, comma - 1),
                               words(other, comma, no - 1));
        return comma >= 2 ? add_group_keys(keys, nkeys, other, comma, 0)
                          : nkeys;
    }
    /* A name written in two scripts ("Wang Lihua 王丽华"): each by itself. */
    if (nh > 0)
        nkeys = add_group_keys(keys, nkeys, han, nh, 1);
    if (no > 0)
        nkeys = add_group_keys(keys, nkeys, other, no, 1);
    return add_u_umlaut_keys(keys, nkeys);
}
