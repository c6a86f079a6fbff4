#!/usr/bin/env python3
"""mkreg.py - writes a registry for the sync tests from a template
(data/registry.sample.json) with the feed fields replaced.

  mkreg.py IN OUT --id ID --seq N --issued T --expires T
           [--add-person ID] [--drop-person ID] [--rename-person ID]
           [--people N] [--invalid] [--set ARRAY ID FIELD JSON]...

Times are seconds relative to now ("-60", "+86400") or RFC 3339 UTC.
--people N appends N synthetic persons (phones +1 613 555 01xx cycle is not
enough for many, so they get +44 20 7946 0xxx style numbers of the
reserved drama range, repeated across people, which the format allows).
--invalid makes one person's phone number incomplete (fails validation).
--set sets FIELD of the element ID of ARRAY (people, missions,
organizations; instructions, by key) to the JSON value given.
"""
import argparse
import json
import sys
import time


def when(s):
    if s[0] in "+-" and s[1:].isdigit():
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + int(s)))
    return s


def letters(n):
    """A made-up given name from a number: 0 -> "Ba", 1 -> "Be"..."""
    cons, vows = "bdfghklmnprstvz", "aeiou"
    out = ""
    n += 1
    while n > 0:
        n, r = divmod(n, len(cons) * len(vows))
        out += cons[r // len(vows)] + vows[r % len(vows)]
    return out.capitalize()


def person(pid, n):
    return {
        "id": pid,
        "role": "diplomat",
        "names": [{"family": "Testfamily", "given": letters(n)}],
        "phones": ["+44 20 7946 0%03d" % (n % 1000)],
        "emails": ["person%d@example.org" % n],
        "status": "active",
        "instruction": "decline",
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--id", required=True)
    ap.add_argument("--seq", type=int, required=True)
    ap.add_argument("--issued", required=True)
    ap.add_argument("--expires", required=True)
    ap.add_argument("--add-person", action="append", default=[])
    ap.add_argument("--drop-person", action="append", default=[])
    ap.add_argument("--rename-person", action="append", default=[])
    ap.add_argument("--people", type=int, default=0)
    ap.add_argument("--invalid", action="store_true")
    ap.add_argument("--set", nargs=4, action="append", default=[],
                    metavar=("ARRAY", "ID", "FIELD", "JSON"))
    a = ap.parse_args()
    with open(a.inp, encoding="utf-8") as fp:
        reg = json.load(fp)
    reg["registry_id"] = a.id
    reg["seq"] = a.seq
    reg["issued_at"] = when(a.issued)
    reg["expires_at"] = when(a.expires)
    people = [p for p in reg["people"] if p["id"] not in a.drop_person]
    for p in people:
        if p["id"] in a.rename_person:
            p["names"] = [{"family": "Renamed", "given": "Person"}]
    for i, pid in enumerate(a.add_person):
        people.append(person(pid, 100 + i))
    for i in range(a.people):
        people.append(person("bulk-%06d" % i, i))
    if a.invalid:
        people[0]["phones"] = ["613-555-01"]
    reg["people"] = people
    for array, eid, field, value in a.set:
        if array == "instructions":
            target = reg["instructions"][eid]
        else:
            target = [e for e in reg[array] if e["id"] == eid][0]
        target[field] = json.loads(value)
    with open(a.out, "w", encoding="utf-8") as fp:
        json.dump(reg, fp, ensure_ascii=False, indent=1, sort_keys=True)
        fp.write("\n")
    # The trusted comment that goes with it.
    print("registry_id=%s seq=%d issued_at=%s expires_at=%s"
          % (a.id, a.seq, reg["issued_at"], reg["expires_at"]))


if __name__ == "__main__":
    sys.exit(main())
