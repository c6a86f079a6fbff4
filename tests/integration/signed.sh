#!/bin/sh
# ploguard-pubkey and ploguard-state-dir: with a trusted minisign key the
# overlay loads a registry only when its .minisig verifies and the
# anti-rollback rules hold.  Real minisign keys and signatures; the real
# slapd.  A file dropped in place by hand (no signature, a stale signature,
# a tampered body, a file edited after its release and signed again with
# the release's comment, a lower seq, the same seq with other content, another
# key) is refused, logged with the reason, and the last good registry stays
# in force; a validly signed higher seq is loaded at the next check; an
# expired one is served marked stale.  A wrong key stops slapd at start, a
# bad key value in slapd.conf is refused naming the line, the state
# directory keeps the floor across restarts, and cn=config adds, replaces
# and deletes the key at run time.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/fixtures.sh"
pg_setup signed

MINISIGN=${MINISIGN:-minisign}
PYTHON=${PYTHON:-python3}
command -v "$MINISIGN" >/dev/null 2>&1 || pg_die "minisign not found"
command -v "$PYTHON" >/dev/null 2>&1 || pg_die "python3 not found"

P=$(pg_port 14 1)
PW=$(pg_port 14 2)
PC=$(pg_port 14 3)
O=$PG_DIR/out
K=$PG_DIR/keys
R=$PG_DIR/regs
mkdir -p "$K" "$R"

# ------------------------------------------------------------- fixtures

# mkkey NAME: a minisign key pair without password, $K/NAME.pub / .sec
mkkey() {
    "$MINISIGN" -G -W -p "$K/$1.pub" -s "$K/$1.sec" >/dev/null 2>&1 ||
        pg_die "minisign -G failed for $1"
}
keyline() { sed -n 2p "$K/$1.pub"; }

# mkreg OUT SEQ ISSUED EXPIRES [newperson|rename]: the test registry with
# the feed fields replaced (times in seconds from now); prints the trusted
# comment the ILDC signs it with: the body's own values.
mkreg() {
    "$PYTHON" - "$PG_TESTDATA/registry.json" "$@" <<'EOF' || pg_die "mkreg failed"
import json, sys, time
src, out, seq, iss, exp = sys.argv[1:6]
extra = sys.argv[6] if len(sys.argv) > 6 else ""
with open(src, encoding="utf-8") as f:
    reg = json.load(f)
t = lambda off: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + int(off)))
reg["seq"] = int(seq)
reg["issued_at"] = t(iss)
reg["expires_at"] = t(exp)
if extra in ("newperson", "rename"):
    reg["people"].insert(0, {"id": "person-new-test", "role": "plo",
        "names": [{"family": "Renamed" if extra == "rename" else "Newman", "given": "Kai"}],
        "phones": ["+1 613 555 0130"], "emails": ["kai.newman@example.org"],
        "status": "active", "instruction": "refer"})
with open(out, "w", encoding="utf-8") as f:
    json.dump(reg, f, indent=2, ensure_ascii=False)
    f.write("\n")
print("registry_id=%s seq=%d issued_at=%s expires_at=%s"
      % (reg["registry_id"], reg["seq"], reg["issued_at"], reg["expires_at"]))
EOF
}
# sign FILE KEY COMMENT: FILE.minisig
sign() {
    "$MINISIGN" -S -s "$K/$2.sec" -m "$1" -x "$1.minisig" -t "$3" >/dev/null 2>&1 ||
        pg_die "minisign -S failed for $1"
}
# signed OUT SEQ ISSUED EXPIRES [extra]: mkreg, then signed by key main
signed() {
    _out=$1
    _c=$(mkreg "$@") || exit 99
    sign "$_out" main "$_c"
}

mkkey main
mkkey other
signed "$R/a.json" "$REG_SEQ" -60 +86400                      # seq 7
signed "$R/b.json" $((REG_SEQ + 1)) -30 +86400 newperson      # seq 8, Kai Newman
signed "$R/eq.json" $((REG_SEQ + 1)) -30 +86400 rename        # seq 8 again, other content
mkreg "$R/other.json" $((REG_SEQ + 2)) -20 +86400 newperson > "$R/other.comment"
sign "$R/other.json" other "$(cat "$R/other.comment")"          # seq 9, untrusted key
signed "$R/stale.json" $((REG_SEQ + 3)) -7200 -3600 newperson # seq 10, expired
signed "$R/late.json" $((REG_SEQ + 2)) -25 +86400 newperson    # seq 9, its signature late
# a hand-edited registry: b's body with one more changed byte, b's signature
sed 's/"Newman"/"Newmen"/' "$R/b.json" > "$R/tampered.json"
cp "$R/b.json.minisig" "$R/tampered.json.minisig"
cmp -s "$R/b.json" "$R/tampered.json" && pg_die "could not tamper with b.json"
# edited after its release and signed again with the release's comment,
# which names the released file's hash (as `ploguard registry release`
# prints it): seq 8 with Kai's name changed
_c=$(mkreg "$R/released.json" $((REG_SEQ + 1)) -30 +86400 newperson) || exit 99
_h=$(b2sum "$R/released.json" | cut -d' ' -f1)
sed 's/"Newman"/"Newmen"/' "$R/released.json" > "$R/resigned.json"
cmp -s "$R/released.json" "$R/resigned.json" && pg_die "could not edit released.json"
sign "$R/resigned.json" main "$_c blake2b=$_h"

# ------------------------------------------------------------- helpers

# install NAME FILE [nosig|keepsig]: replaces NAME's registry by hand,
# signature first (as ploguard sync does), then the registry by rename;
# nosig removes the signature, keepsig leaves the one in place.
install_reg() {
    _reg=$PG_DIR/$1/registry.json
    if [ "${3:-}" = nosig ]; then
        rm -f "$_reg.minisig"
    elif [ "${3:-}" != keepsig ]; then
        cp "$2.minisig" "$_reg.minisig.tmp" && mv -f "$_reg.minisig.tmp" "$_reg.minisig"
    fi
    cp "$2" "$_reg.tmp" && chmod 644 "$_reg.tmp" && mv -f "$_reg.tmp" "$_reg"
}
# mark NAME: remembers the end of NAME's log; logged_since NAME REGEX SECS
mark() { PG_MARK=$(wc -l < "$PG_DIR/$1/slapd.log"); }
logged_since() {
    _t=$(($3 * 10))
    while [ "$_t" -gt 0 ]; do
        tail -n +"$((PG_MARK + 1))" "$PG_DIR/$1/slapd.log" | grep -Eq -- "$2" && return 0
        sleep 0.1
        _t=$((_t - 1))
    done
    return 1
}
show_since() { # NAME REGEX: the log lines, for the test's own output
    tail -n +"$((PG_MARK + 1))" "$PG_DIR/$1/slapd.log" | grep -E -- "$2" | head -n 2 | sed 's/^/     log: /'
}
seq_is() { # PORT SEQ: wang.lihua's ploguardMatch names that seq
    pg_search "$1" -b "$PEOPLE" '(uid=wang.lihua)' ploguardMatch > "$O.seq" 2>&1
    grep -Eq "^ploguardMatch: .*seq=$2( |\$)" "$O.seq"
}
newperson() { # PORT: Kai Newman (only in seq 8 and later) is answered
    pg_search "$1" -b "$PEOPLE" '(telephoneNumber=+16135550130)' cn > "$O.np" 2>&1
    grep -q '^dn: uid=ploguard-person-new-test,' "$O.np"
}
# refused NAME WHAT REGEX: after a hand install, a refusal matching REGEX
# is logged, and the registry in force is still seq $REFUSED_SEQ
refused() {
    if logged_since "$1" "ploguard: registry .*refused.*$3.*last good registry stays in force" 15; then
        pg_pass "$2: refused, logged with the reason"
        show_since "$1" "refused"
    else
        pg_fail "$2: no refusal matching /$3/ logged"
        tail -n +"$((PG_MARK + 1))" "$PG_DIR/$1/slapd.log" | grep ploguard | head -n 5 >&2
    fi
    sleep 1.5   # one more check interval: still nothing loaded
    pg_check "... the last good registry (seq $REFUSED_SEQ) stays in force" seq_is "$REFUSED_PORT" "$REFUSED_SEQ"
}

# ------------------------------------------- the server, signed registry a
mkdir -p "$PG_DIR/srv"
cp "$R/a.json.minisig" "$PG_DIR/srv/registry.json.minisig"
PG_OVL_EXTRA="ploguard-reload-interval 1
ploguard-pubkey $(keyline main)" it_server srv "$P" "$R/a.json"
pg_has "$PG_DIR/srv/slapd.log" "ploguard: registry $REG_ID seq $REG_SEQ loaded from .*signature verified, key [0-9A-F]{16}" \
    "start: the signed registry is verified and loaded"
pg_search "$P" -b "$PEOPLE" '(uid=wang.lihua)' cn ploguardMatch > "$O.start"
pg_has "$O.start" "^cn: $DECLINE_EN" "annotation works with a verified registry"
pg_has "$O.start" "^ploguardMatch: .*$REG_ID.*seq=$REG_SEQ( |\$)" "ploguardMatch names registry $REG_ID seq $REG_SEQ"
pg_has "$O.start" '^ploguardMatch: .*stale=no' "... not stale"
pg_check "seq $REG_SEQ: Kai Newman is unknown" pg_not newperson "$P"

REFUSED_SEQ=$REG_SEQ
REFUSED_PORT=$P
# seq 8 (with Kai Newman), dropped in place by hand without any signature
mark srv; install_reg srv "$R/b.json" nosig
refused srv "a registry without a .minisig" "\.minisig"
pg_check "... Kai Newman is still unknown" pg_not newperson "$P"
# the same, beside the old signature (which does not sign it)
mark srv; cp "$R/a.json.minisig" "$PG_DIR/srv/registry.json.minisig"; install_reg srv "$R/b.json" keepsig
refused srv "a modified registry under the previous signature" "signature"

# validly signed, higher seq: loaded at the next check
mark srv; install_reg srv "$R/b.json"
pg_check "a validly signed seq $((REG_SEQ + 1)) is loaded" pg_wait_for 15 seq_is "$P" $((REG_SEQ + 1))
pg_check "... Kai Newman is now answered" newperson "$P"
pg_check "... logged as verified" logged_since srv "seq $((REG_SEQ + 1)) loaded from .*signature verified" 5
REFUSED_SEQ=$((REG_SEQ + 1))

# a validly signed LOWER seq: a rollback, refused by the in-memory floor
mark srv; install_reg srv "$R/a.json"
refused srv "a validly signed lower seq (rollback)" "rollback"
pg_check "... Kai Newman is still answered" newperson "$P"
# the same seq with other content, validly signed: equivocation
mark srv; install_reg srv "$R/eq.json"
refused srv "the same seq with other content (equivocation)" "equivocation"
# tampered body under a genuine signature
mark srv; install_reg srv "$R/tampered.json"
refused srv "a tampered body" "bad_signature|signature"
pg_search "$P" -b "$PEOPLE" '(telephoneNumber=+16135550130)' cn > "$O.tamp"
pg_has "$O.tamp" '^cn: .*Newman' "... the genuine name is still served"
pg_hasnt "$O.tamp" 'Newmen' "... the tampered one is not"
# a genuine signature over an edited file, its comment naming the released one
mark srv; install_reg srv "$R/resigned.json"
refused srv "a registry edited after its release and signed with the release's comment" \
    "blake2b is not the hash of the file signed"
pg_search "$P" -b "$PEOPLE" '(telephoneNumber=+16135550130)' cn > "$O.resig"
pg_hasnt "$O.resig" 'Newmen' "... the edited content is not served"
# a higher seq signed by a key that is not trusted
mark srv; install_reg srv "$R/other.json"
refused srv "a registry signed by an untrusted key" "unknown|not trusted|key"

# the registry put in place before its signature (copied by hand in that
# order, or a sync killed between): refused, then taken at the next check
# once its .minisig follows, though the registry file does not change again
mark srv; install_reg srv "$R/late.json" keepsig
refused srv "a registry ahead of its signature" "signature|key"
mark srv
cp "$R/late.json.minisig" "$PG_DIR/srv/registry.json.minisig.tmp" &&
    mv -f "$PG_DIR/srv/registry.json.minisig.tmp" "$PG_DIR/srv/registry.json.minisig"
pg_check "... loaded once its signature follows (seq $((REG_SEQ + 2)))" \
    pg_wait_for 15 seq_is "$P" $((REG_SEQ + 2))

# an expired (stale) but validly signed higher seq: served, marked stale
mark srv; install_reg srv "$R/stale.json"
pg_check "a signed but expired seq $((REG_SEQ + 3)) is loaded" pg_wait_for 15 seq_is "$P" $((REG_SEQ + 3))
pg_has "$O.seq" '^ploguardMatch: .*stale=yes' "... ploguardMatch says stale"
pg_check "... a warning is logged" logged_since srv "WARNING: registry $REG_ID seq $((REG_SEQ + 3)) .*stale" 5
pg_search "$P" -b "$PEOPLE" '(uid=wang.lihua)' cn > "$O.stalecn"
pg_has "$O.stalecn" "^cn: $DECLINE_EN" "... and still annotates"
pg_stop srv; pg_check "slapd srv clean" pg_memcheck srv

# ------------------------------------------------ a wrong key: no start
# (slapadd opens the overlay too: load the directory before the key is set)
pg_registry_copy wrong "$R/a.json"
cp "$R/a.json.minisig" "$PG_DIR/wrong/registry.json.minisig"
pg_conf wrong
pg_load wrong "$PG_SAMPLE_LDIF"
PG_OVL_EXTRA="ploguard-pubkey $(keyline other)" pg_conf wrong
if pg_start wrong "$PW" 2> "$O.wrongstart"; then
    pg_fail "slapd started with a registry signed by a key it does not trust"
    pg_stop wrong
else
    pg_pass "slapd refuses to start with a registry signed by an untrusted key"
fi
pg_has "$PG_DIR/wrong/slapd.log" "ploguard: registry .*registry.json refused \(unknown-key\): .*not a trusted key" \
    "... the log says the registry was refused for its signing key"
pg_has "$PG_DIR/wrong/slapd.log" 'ploguard: cannot start without a registry' "... and that ploguard cannot start"
grep -E 'ploguard: registry .*refused' "$PG_DIR/wrong/slapd.log" | head -n 1 | sed 's/^/     log: /'

# --------------------------------------------- slapd.conf: bad key values
# bad LINE TOKEN DESC: slaptest refuses naming the line, the directive and TOKEN
bad() {
    PG_OVL_EXTRA=$1 pg_conf wrong
    n=$(grep -nxF -- "$1" "$PG_DIR/wrong/slapd.conf" | head -n 1 | cut -d: -f1)
    pg_env "$SLAPTEST" -f "$PG_DIR/wrong/slapd.conf" > "$O.bad" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ]; then
        pg_fail "$3: '$1' was accepted"
    elif grep -q "line $n" "$O.bad" && grep -qF -- "${1%% *}" "$O.bad" && grep -qF -- "$2" "$O.bad"; then
        pg_pass "$3: refused naming line $n: $(grep -F -- "${1%% *}" "$O.bad" | head -n 1)"
    else
        pg_fail "$3: refused (rc $rc) without naming line $n, the directive and '$2':"
        sed 's/^/    | /' "$O.bad" | head -n 10 >&2
    fi
}
bad "ploguard-pubkey RWQnotakey" RWQnotakey "a malformed key"
bad "ploguard-pubkey keys/main.pub" keys/main.pub "a relative key path"
bad "ploguard-pubkey $PG_DIR/keys/none.pub" none.pub "a missing key file"
bad "ploguard-pubkey $(keyline main) $(keyline other) $(keyline main)" ploguard-pubkey "three keys"
bad "ploguard-pubkey $(keyline main) $(keyline main)" "$(keyline main)" "the same key twice"
bad "ploguard-state-dir $PG_DIR/no-such-dir" no-such-dir "a missing state directory"
PG_OVL_EXTRA="ploguard-pubkey $(keyline main)
ploguard-pubkey $(keyline other)" pg_conf wrong
pg_env "$SLAPTEST" -f "$PG_DIR/wrong/slapd.conf" > "$O.twice" 2>&1
rc=$?
pg_check "ploguard-pubkey given twice is refused" test "$rc" -ne 0
pg_has "$O.twice" 'ploguard-pubkey.*twice' "... saying so"

# good forms: a .pub file by path, a current key and a standby
good() {
    PG_OVL_EXTRA=$1 pg_conf wrong
    pg_env "$SLAPTEST" -f "$PG_DIR/wrong/slapd.conf" > "$O.good" 2>&1
    rc=$?
    pg_rc 0 "$rc" "$2"
    [ "$rc" = 0 ] || sed 's/^/    | /' "$O.good" | head -n 10 >&2
}
good "ploguard-pubkey $K/main.pub" "a key given as the path of its .pub file"
good "ploguard-pubkey $(keyline other) $(keyline main)" "a standby key and the signing key"
PG_OVL_EXTRA="ploguard-pubkey $(keyline other) $K/other.pub" pg_conf wrong
pg_env "$SLAPTEST" -f "$PG_DIR/wrong/slapd.conf" > "$O.dup" 2>&1
pg_check "the same key by value and by file is refused" test $? -ne 0

# ------------------------------------------ ploguard-state-dir: the floor
# kept across restarts (slaptest opens the database as slapd would)
mkdir -p "$PG_DIR/state"
install_reg wrong "$R/b.json"
good "ploguard-pubkey $(keyline main)
ploguard-state-dir $PG_DIR/state" "seq $((REG_SEQ + 1)) with a state directory"
pg_check "... the state is recorded ($REG_ID.state)" test -s "$PG_DIR/state/$REG_ID.state"
pg_has "$PG_DIR/state/$REG_ID.state" "^seq $((REG_SEQ + 1))\$" "... with seq $((REG_SEQ + 1))"
install_reg wrong "$R/a.json"
PG_OVL_EXTRA="ploguard-pubkey $(keyline main)
ploguard-state-dir $PG_DIR/state" pg_conf wrong
pg_env "$SLAPTEST" -f "$PG_DIR/wrong/slapd.conf" > "$O.rb" 2>&1
pg_check "after a restart, the state refuses a lower seq" test $? -ne 0
pg_has "$O.rb" 'refused \(rollback\)' "... naming the rollback"
pg_has "$PG_DIR/state/$REG_ID.state" "^seq $((REG_SEQ + 1))\$" "... and the state is unchanged"
PG_OVL_EXTRA="ploguard-pubkey $(keyline main)" pg_conf wrong
pg_env "$SLAPTEST" -f "$PG_DIR/wrong/slapd.conf" > "$O.nostate" 2>&1
pg_rc 0 $? "without the state directory, a fresh start accepts seq $REG_SEQ (documented)"

# ----------------------------------------------------------- cn=config
pg_registry_copy cfg "$R/a.json"
cp "$R/a.json.minisig" "$PG_DIR/cfg/registry.json.minisig"
PG_OVL_EXTRA="ploguard-reload-interval 1" pg_conf cfg
pg_load cfg "$PG_SAMPLE_LDIF"
pg_confdir cfg
pg_start_or_die cfg "$PC" dir
DN=$(pg_config_search "$PC" -b cn=config '(objectClass=olcPloguardConfig)' 1.1 | sed -n 's/^dn: //p' | head -n 1)
pg_check "cn=config: the overlay entry ($DN)" test -n "$DN"
# cfg_modify OUT LINE...: one modify of the overlay's entry, the lines of
# its changes given ("-" between two); the LDIF in OUT.ldif, the answer in
# OUT, the result in _rc
cfg_modify() {
    _out=$1
    shift
    {
        echo "dn: $DN"
        echo "changetype: modify"
        printf '%s\n' "$@"
    } > "$_out.ldif"
    pg_config_modify "$PC" -f "$_out.ldif" > "$_out" 2>&1
    _rc=$?
}
cfgmod() { # DESC WANT(0|fail) ATTR-OP VALUE...
    _d=$1 _want=$2 _op=$3
    shift 3
    if [ $# -gt 0 ]; then
        cfg_modify "$O.cfg" "$_op: olcPloguardPubkey" "olcPloguardPubkey: $*"
    else
        cfg_modify "$O.cfg" "$_op: olcPloguardPubkey"
    fi
    if [ "$_want" = 0 ]; then
        pg_rc 0 "$_rc" "$_d"
    elif [ "$_rc" -ne 0 ]; then
        pg_pass "$_d (refused, result $_rc)"
    else
        pg_fail "$_d: accepted"
    fi
}
cfgmod "add an untrusted key while the registry is signed by another" fail add "$(keyline other)"
pg_has "$O.cfg" 'olcPloguardPubkey|ploguard-pubkey' "... the refusal names the directive"
pg_config_search "$PC" -b "$DN" -s base olcPloguardPubkey > "$O.cfgval"
pg_hasnt "$O.cfgval" '^olcPloguardPubkey:' "... and nothing was stored"
cfgmod "add the signing key: the registry in force verifies" 0 add "$(keyline main)"
pg_config_search "$PC" -b "$DN" -s base olcPloguardPubkey > "$O.cfgval"
pg_check "... and it is stored" grep -qxF "olcPloguardPubkey: $(keyline main)" "$O.cfgval"
REFUSED_PORT=$PC
REFUSED_SEQ=$REG_SEQ
mark cfg; install_reg cfg "$R/b.json" nosig
refused cfg "cn=config-added key: an unsigned registry" "\.minisig"
cfgmod "replace the key while the file on disk is unsigned" fail replace "$(keyline other) $(keyline main)"
pg_check "... refused because the file does not verify" grep -q 'registry.json.minisig' "$O.cfg"
pg_config_search "$PC" -b "$DN" -s base olcPloguardPubkey > "$O.cfgval"
pg_check "... the key stays configured" grep -qxF "olcPloguardPubkey: $(keyline main)" "$O.cfgval"
mark cfg; install_reg cfg "$R/b.json" nosig
refused cfg "... and enforced (slapd's undo put it back): an unsigned registry" "\.minisig"
mark cfg; install_reg cfg "$R/a.json"
cfgmod "replace with a standby and the signing key" 0 replace "$(keyline other) $(keyline main)"
pg_config_search "$PC" -b "$DN" -s base olcPloguardPubkey > "$O.cfgval"
pg_check "... both are stored" grep -qxF "olcPloguardPubkey: $(keyline other) $(keyline main)" "$O.cfgval"
cfgmod "replace with the untrusted key alone (the registry in force would not verify)" fail replace "$(keyline other)"
pg_config_search "$PC" -b "$DN" -s base olcPloguardPubkey > "$O.cfgval"
pg_check "... the previous key set stays" grep -qxF "olcPloguardPubkey: $(keyline other) $(keyline main)" "$O.cfgval"
mark cfg; install_reg cfg "$R/b.json" nosig
refused cfg "... and is still enforced: an unsigned registry" "\.minisig"
mark cfg; install_reg cfg "$R/b.json"
pg_check "the signed seq $((REG_SEQ + 1)) is loaded under the two keys" pg_wait_for 15 seq_is "$PC" $((REG_SEQ + 1))
REFUSED_SEQ=$((REG_SEQ + 1))
mark cfg; install_reg cfg "$R/a.json"
refused cfg "cn=config keys: a rollback" "rollback"
cfgmod "delete the key: back to unsigned mode" 0 delete
mark cfg; install_reg cfg "$R/stale.json" nosig
pg_check "unsigned mode: an unsigned registry is loaded again" pg_wait_for 15 seq_is "$PC" $((REG_SEQ + 3))
cfgmod "add the key while the registry in force is unsigned" fail add "$(keyline main)"

# A modify refused as a whole after its key change went through (another
# of its changes is bad): slapd's undo puts the keys back, and they stay
# enforced although the file on disk does not verify with them (it is
# the new key's, dropped in place for a rollover).
signed "$R/u1.json" $((REG_SEQ + 4)) -10 +86400 newperson
mkreg "$R/u2.json" $((REG_SEQ + 5)) -5 +86400 newperson > "$R/u2.comment"
sign "$R/u2.json" other "$(cat "$R/u2.comment")"
mkreg "$R/u3.json" $((REG_SEQ + 6)) -5 +86400 newperson > /dev/null
mark cfg; install_reg cfg "$R/u1.json"
pg_check "unsigned mode: the signed seq $((REG_SEQ + 4)) is loaded" pg_wait_for 15 seq_is "$PC" $((REG_SEQ + 4))
cfgmod "add the signing key again" 0 add "$(keyline main)"
REFUSED_SEQ=$((REG_SEQ + 4))
mark cfg; install_reg cfg "$R/u2.json"
refused cfg "a registry signed by the key not trusted yet" "unknown|not trusted|key"
# modify_with_bad_lang ATTR VALUE: one modify that replaces ATTR by VALUE
# and the language by one that is refused; its result in _rc.
modify_with_bad_lang() {
    cfg_modify "$O.undo" "replace: $1" "$1: $2" - "replace: olcPloguardLang" "olcPloguardLang: de"
}
modify_with_bad_lang olcPloguardPubkey "$(keyline other)"
pg_check "the new key with a bad language in one modify: refused as a whole (result $_rc)" test "$_rc" -ne 0
pg_config_search "$PC" -b "$DN" -s base olcPloguardPubkey > "$O.cfgval"
pg_check "... the key in force before it is configured again" grep -qxF "olcPloguardPubkey: $(keyline main)" "$O.cfgval"
# and so does the registry in force before it (seq $((REG_SEQ + 4))), not
# the one the new key verified during the modify: a refused modify
# changes nothing
REFUSED_SEQ=$((REG_SEQ + 4))
mark cfg; install_reg cfg "$R/u3.json" nosig
refused cfg "... and enforced: an unsigned registry" "\.minisig"

# The same for the state directory: a modify that moves it and is refused
# as a whole leaves it where it was, and the state goes on being recorded
# there (not in the directory of the refused modify, not nowhere: with the
# directory lost, a restart would accept a rollback).
mkdir -p "$PG_DIR/cfgstate" "$PG_DIR/cfgstate2"
signed "$R/s1.json" $((REG_SEQ + 7)) -5 +86400 newperson
signed "$R/s2.json" $((REG_SEQ + 8)) -4 +86400 newperson
mark cfg; install_reg cfg "$R/s1.json"
pg_check "the signed seq $((REG_SEQ + 7)) is loaded" pg_wait_for 15 seq_is "$PC" $((REG_SEQ + 7))
cfg_modify "$O.sd" "add: olcPloguardStateDir" "olcPloguardStateDir: $PG_DIR/cfgstate"
pg_rc 0 "$_rc" "cn=config: a state directory added"
modify_with_bad_lang olcPloguardStateDir "$PG_DIR/cfgstate2"
pg_check "another state directory with a bad language in one modify: refused as a whole (result $_rc)" test "$_rc" -ne 0
pg_config_search "$PC" -b "$DN" -s base olcPloguardStateDir > "$O.cfgval"
pg_check "... the state directory before it is configured again" grep -qxF "olcPloguardStateDir: $PG_DIR/cfgstate" "$O.cfgval"
mark cfg; install_reg cfg "$R/s2.json"
pg_check "the signed seq $((REG_SEQ + 8)) is loaded" pg_wait_for 15 seq_is "$PC" $((REG_SEQ + 8))
pg_check "... and recorded in that state directory" \
    pg_wait_for 15 grep -qx "seq $((REG_SEQ + 8))" "$PG_DIR/cfgstate/$REG_ID.state"
# (checking the refused directory recorded the registry then in force there,
# seq $((REG_SEQ + 7)); nothing after it)
pg_check "... not in the refused modify's" \
    test "$(sed -n 's/^seq //p' "$PG_DIR/cfgstate2/$REG_ID.state" 2>/dev/null)" != $((REG_SEQ + 8))

# The keys given as a .pub path, which is gone when a modify that replaces
# them is refused as a whole: slapd's undo sets the path again, and the
# keys come back as they were read, without reading the file again (before,
# the missing file refused them, and the overlay ran in unsigned mode while
# cn=config showed the key).
cp "$K/main.pub" "$PG_DIR/rotated.pub"
cfgmod "the signing key given as the path of its .pub file" 0 replace "$PG_DIR/rotated.pub"
rm -f "$PG_DIR/rotated.pub"
modify_with_bad_lang olcPloguardPubkey "$(keyline other) $(keyline main)"
pg_check "new keys with a bad language, the old .pub file gone: refused as a whole (result $_rc)" test "$_rc" -ne 0
pg_config_search "$PC" -b "$DN" -s base olcPloguardPubkey > "$O.cfgval"
pg_check "... the .pub path is configured again" grep -qxF "olcPloguardPubkey: $PG_DIR/rotated.pub" "$O.cfgval"
REFUSED_SEQ=$((REG_SEQ + 8))
mark cfg; install_reg cfg "$R/u3.json" nosig
refused cfg "... and its key is still enforced: an unsigned registry" "\.minisig"

# A modify refused as a whole after it loaded a newer signed registry from
# another path: the registry before it comes back, and the state directory
# does not keep the newer seq (which would refuse the registry back in
# force, at the next start, as a rollback).
signed "$R/s3.json" $((REG_SEQ + 9)) -3 +86400 newperson
cp "$R/s3.json" "$PG_DIR/cfg/other.json"
cp "$R/s3.json.minisig" "$PG_DIR/cfg/other.json.minisig"
modify_with_bad_lang olcPloguardRegistry "$PG_DIR/cfg/other.json"
pg_check "a newer signed registry and a bad language in one modify: refused (result $_rc)" test "$_rc" -ne 0
pg_check "... the registry before it is in force (seq $((REG_SEQ + 8)))" seq_is "$PC" $((REG_SEQ + 8))
pg_check "... and the state directory still records seq $((REG_SEQ + 8))" \
    grep -qx "seq $((REG_SEQ + 8))" "$PG_DIR/cfgstate/$REG_ID.state"

# One modify that deletes the keys, points at an unsigned file (loaded
# meanwhile without a signature check) and adds the keys back: the file
# does not verify with the keys, so the modify is refused as a whole, and
# the unsigned registry does not stay in force under the keys.
mkreg "$R/u4.json" $((REG_SEQ + 10)) -2 +86400 > /dev/null
cp "$R/u4.json" "$PG_DIR/cfg/unsigned.json"
mark cfg
cfg_modify "$O.mix" "delete: olcPloguardPubkey" - \
    "replace: olcPloguardRegistry" "olcPloguardRegistry: $PG_DIR/cfg/unsigned.json" - \
    "add: olcPloguardPubkey" "olcPloguardPubkey: $PG_DIR/rotated.pub"
pg_check "keys deleted, an unsigned path, the keys back, in one modify: refused (result $_rc)" test "$_rc" -ne 0
pg_has "$O.mix" 'olcPloguardPubkey' "... naming the keys"
pg_config_search "$PC" -b "$DN" -s base olcPloguardRegistry > "$O.cfgval"
pg_hasnt "$O.cfgval" 'unsigned\.json' "... the unsigned path is not configured"
pg_check "... the unsigned registry is not in force (seq $((REG_SEQ + 8)) is)" seq_is "$PC" $((REG_SEQ + 8))
pg_check "... which is logged" logged_since cfg 'modify undone: the registry in force before it is in force again' 5

# The same .pub path set again after its file was rotated to another key:
# the file is read again, and its new key is not taken while the registry
# in force does not verify with it (the key read before stays, logged).
cp "$K/other.pub" "$PG_DIR/rotated.pub"
mark cfg
cfgmod "the .pub path set again, its file now holding another key" 0 replace "$PG_DIR/rotated.pub"
pg_check "... the new key is not taken, logged" logged_since cfg 'keys now read from its files are not taken' 5
pg_check "... the registry in force is unchanged (seq $((REG_SEQ + 8)))" seq_is "$PC" $((REG_SEQ + 8))

# A newer signed registry from another path and a mistyped state directory
# in one modify: refused as a whole.  slapd's undo sets the old path back
# while the state directory is still unset, so the old path cannot be
# settled then (its file, replaced by hand since, does not verify); the end
# of the modify puts the registry from before back, and the state
# directory keeps its seq.
cfg_modify "$O.sdbad" "replace: olcPloguardRegistry" "olcPloguardRegistry: $PG_DIR/cfg/other.json" - \
    "replace: olcPloguardStateDir" "olcPloguardStateDir: $PG_DIR/no-such-state-dir"
pg_check "a newer signed registry and a missing state directory in one modify: refused (result $_rc)" test "$_rc" -ne 0
pg_check "... the registry before it is in force (seq $((REG_SEQ + 8)))" seq_is "$PC" $((REG_SEQ + 8))
pg_check "... and the state directory still records seq $((REG_SEQ + 8))" \
    grep -qx "seq $((REG_SEQ + 8))" "$PG_DIR/cfgstate/$REG_ID.state"

pg_stop cfg; pg_check "slapd cfg clean" pg_memcheck cfg

pg_finish
