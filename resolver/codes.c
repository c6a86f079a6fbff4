/*
 * codes.c - the small code lists the registry validator checks against:
 * ISO 3166-1 alpha-2 country codes and ITU-T E.164 country calling codes.
 */
#include <string.h>

#include "registry_int.h"

/* The officially assigned ISO 3166-1 alpha-2 codes, plus XK (Kosovo),
 * user-assigned but used by the EU and most registries. */
static const char iso_alpha2[] =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ "
    "BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ "
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ "
    "DE DJ DK DM DO DZ "
    "EC EE EG EH ER ES ET "
    "FI FJ FK FM FO FR "
    "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY "
    "HK HM HN HR HT HU "
    "ID IE IL IM IN IO IQ IR IS IT "
    "JE JM JO JP "
    "KE KG KH KI KM KN KP KR KW KY KZ "
    "LA LB LC LI LK LR LS LT LU LV LY "
    "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ "
    "NA NC NE NF NG NI NL NO NP NR NU NZ "
    "OM "
    "PA PE PF PG PH PK PL PM PN PR PS PT PW PY "
    "QA "
    "RE RO RS RU RW "
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ "
    "TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ "
    "UA UG UM US UY UZ "
    "VA VC VE VG VI VN VU "
    "WF WS XK YE YT ZA ZM ZW";

int
pgr_iso_country_valid(const char *s, size_t len)
{
    size_t i;

    if (s == NULL || len != 2 || s[0] < 'A' || s[0] > 'Z'
        || s[1] < 'A' || s[1] > 'Z')
        return 0;
    for (i = 0; i + 1 < sizeof(iso_alpha2); i += 3) {
        if (iso_alpha2[i] == s[0] && iso_alpha2[i + 1] == s[1])
            return 1;
    }
    return 0;
}

/* Assigned country calling codes (ITU-T E.164 list, including the global
 * services 800, 808, 870, 878, 881-883, 888).  Calling codes are prefix
 * free, so at most one of the three lengths can match. */
static const char *const cc_two =
    "20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 "
    "51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 "
    "90 91 92 93 94 95 98";

static const char *const cc_three =
    "211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 "
    "230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 "
    "247 248 249 250 251 252 253 254 255 256 257 258 260 261 262 263 264 "
    "265 266 267 268 269 290 291 297 298 299 350 351 352 353 354 355 356 "
    "357 358 359 370 371 372 373 374 375 376 377 378 379 380 381 382 383 "
    "385 386 387 389 420 421 423 500 501 502 503 504 505 506 507 508 509 "
    "590 591 592 593 594 595 596 597 598 599 670 672 673 674 675 676 677 "
    "678 679 680 681 682 683 685 686 687 688 689 690 691 692 800 808 850 "
    "852 853 855 856 870 878 880 881 882 883 886 888 960 961 962 963 964 "
    "965 966 967 968 970 971 972 973 974 975 976 977 979 992 993 994 995 "
    "996 998";

static int
in_list(const char *list, const char *digits, size_t n)
{
    const char *p = list;

    while (*p != '\0') {
        if (strncmp(p, digits, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
            return 1;
        p = strchr(p, ' ');
        if (p == NULL)
            break;
        p++;
    }
    return 0;
}

size_t
pgr_calling_code_len(const char *digits, size_t len)
{
    size_t i;

    for (i = 0; i < len && i < 3; i++) {
        if (digits[i] < '0' || digits[i] > '9')
            return 0;
    }
    if (len >= 1 && (digits[0] == '1' || digits[0] == '7'))
        return 1;
    if (len >= 2 && in_list(cc_two, digits, 2))
        return 2;
    if (len >= 3 && in_list(cc_three, digits, 3))
        return 3;
    return 0;
}
