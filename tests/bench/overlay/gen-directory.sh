#!/bin/sh
# gen-directory.sh N: a synthetic agency directory of N (<= 10000) people
# for the overlay benchmark, on stdout.  Phones: telephoneNumber
# +1 602 555 NNNN and mobile +1 603 555 NNNN (area codes the benchmark
# registry of tests/bench/gen_registry never uses, so no entry is
# registered); every hundredth person is a "Wang", so that the Thunderbird
# search for "wang" returns exactly N/100 entries.
set -eu
n=${1:?usage: gen-directory.sh N}
case $n in *[!0-9]*|'') echo "gen-directory.sh: N must be a number" >&2; exit 2 ;; esac
[ "$n" -le 10000 ] || { echo "gen-directory.sh: at most 10000 people" >&2; exit 2; }
awk -v n="$n" 'BEGIN {
    printf "dn: dc=agency,dc=test\nobjectClass: dcObject\nobjectClass: organization\ndc: agency\no: Bench Agency\n\n"
    printf "dn: ou=People,dc=agency,dc=test\nobjectClass: organizationalUnit\nou: People\n\n"
    for (i = 0; i < n; i++) {
        fam = (i % 100 == 0) ? "Wang" : ("Family" i)
        giv = "Given" i
        printf "dn: uid=u%05d,ou=People,dc=agency,dc=test\n", i
        printf "objectClass: inetOrgPerson\nuid: u%05d\n", i
        printf "cn: %s %s\nsn: %s\ngivenName: %s\ndisplayName: %s %s\n", fam, giv, fam, giv, fam, giv
        printf "telephoneNumber: +1 602 555 %04d\nmobile: +1 603 555 %04d\n", i, i
        printf "mail: %s.%s@agency.example.org\ntitle: Constable\n\n", tolower(fam), tolower(giv)
    }
}'
