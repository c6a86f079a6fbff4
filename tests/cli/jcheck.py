#!/usr/bin/env python3
"""jcheck.py OUTPUT REGISTRY EXPR... - checks ploguard's JSON output.

OUTPUT must hold exactly one JSON value in strict UTF-8.  Each EXPR is a
Python expression over d (that value), r (the registry file, parsed) and
the helpers below; every one must be true.  Exit 0, or 1 naming each
failing expression.
"""
import datetime
import json
import sys


def hits(entry, **want):
    """The matches of one answer that have every field given."""
    return [m for m in entry["matches"]
            if all(m.get(k) == v for k, v in want.items())]


def has_hit(entry, **want):
    return len(hits(entry, **want)) > 0


def instruction(r, ins_id):
    return r["instructions"][ins_id]


MATCH_FIELDS = {"id", "entity", "name", "matched_on", "confidence", "status",
                "instruction"}
ANSWER_FIELDS = {"query", "kind", "normalized", "verdict", "matches",
                 "registry"}


def well_formed(d):
    """Every answer and match carries the documented fields and types."""
    if not isinstance(d, list):
        return False
    for a in d:
        if not ANSWER_FIELDS <= set(a):
            return False
        if a["kind"] not in ("phone", "email", "domain", "name"):
            return False
        if a["verdict"] not in ("match", "possible", "none"):
            return False
        if not (a["normalized"] is None or isinstance(a["normalized"], str)):
            return False
        reg = a["registry"]
        if set(reg) != {"id", "seq", "expires_at", "stale"}:
            return False
        if not isinstance(reg["stale"], bool) or not isinstance(reg["seq"], int):
            return False
        for m in a["matches"]:
            if not MATCH_FIELDS <= set(m):
                return False
            if m["entity"] not in ("person", "mission", "organization"):
                return False
            if m["matched_on"] not in ("phone", "phone_prefix", "email",
                                       "domain", "name"):
                return False
            if m["confidence"] not in ("exact", "possible"):
                return False
            if m["status"] not in ("active", "ended"):
                return False
            if m["confidence"] == "possible":
                if m["instruction"] is not None:
                    return False   # a name alone is never an instruction
            elif set(m["instruction"]) != {"id", "en", "fr"}:
                return False
            person = m["entity"] == "person"
            if person != ("role" in m) or person != ("accreditation_lapsed" in m):
                return False
            if person and not isinstance(m["accreditation_lapsed"], bool):
                return False
        exact = any(m["confidence"] == "exact" for m in a["matches"])
        if (a["verdict"] == "match") != exact:
            return False
        if a["verdict"] == "none" and a["matches"]:
            return False
        if a["kind"] == "name" and a["verdict"] == "match":
            return False
    return True


def consistent(d, r):
    """Every match agrees with the registry it came from."""
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    tables = {"person": r["people"], "mission": r["missions"],
              "organization": r["organizations"]}
    for a in d:
        for m in a["matches"]:
            src = [e for e in tables[m["entity"]] if e["id"] == m["id"]]
            if len(src) != 1:
                return False
            e = src[0]
            mi = m["instruction"]
            if mi is not None:
                ins = r["instructions"].get(mi["id"])
                if ins is None or ins["en"] != mi["en"] or ins["fr"] != mi["fr"]:
                    return False
                if "instruction" in e and e["instruction"] != mi["id"]:
                    return False
            if m["entity"] != "person":
                continue
            if m["role"] != e["role"] or m["status"] != e.get("status", "active"):
                return False
            until = e.get("accredited_until")
            if m["accreditation_lapsed"] != (until is not None and until < today):
                return False
    return True


def tsv(path):
    """Rows of a tab-separated file, as lists."""
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def main():
    if len(sys.argv) < 3:
        print("usage: jcheck.py OUTPUT REGISTRY EXPR...", file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8", errors="strict")
        d = json.loads(text)
    except (UnicodeDecodeError, ValueError) as e:
        print("jcheck: output is not one UTF-8 JSON value: %s" % e,
              file=sys.stderr)
        print(raw[:2000].decode("utf-8", "replace"), file=sys.stderr)
        return 1
    with open(sys.argv[2], encoding="utf-8") as f:
        r = json.load(f)
    env = {"__builtins__": {}, "d": d, "r": r, "raw": text, "hits": hits, "has_hit": has_hit,
           "instruction": instruction, "well_formed": well_formed,
           "consistent": consistent, "tsv": tsv, "zip": zip,
           "len": len, "any": any, "all": all, "set": set}
    bad = 0
    for expr in sys.argv[3:]:
        try:
            ok = eval(expr, env)
        except Exception as e:  # a broken expression is a failure too
            ok = False
            print("jcheck: %s raised %r" % (expr, e), file=sys.stderr)
        if not ok:
            print("jcheck: not true: %s" % expr, file=sys.stderr)
            bad += 1
    if bad:
        print(json.dumps(d, ensure_ascii=False, indent=1)[:4000],
              file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
