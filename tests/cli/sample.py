#!/usr/bin/env python3
"""sample.py - reads a ploguard-registry/1 file for the CLI tests.

  sample.py describe REGISTRY          shell assignments naming entries to
                                       look up (ids, phones, e-mails, ...)
  sample.py stale REGISTRY OUT         a copy that expired in 2000
  sample.py invalid REGISTRY OUT       a copy with several distinct errors
  sample.py identifiers REGISTRY       "ENTITY-ID<TAB>VALUE" for every phone,
                                       e-mail address and domain registered

The tests take their expectations from the registry itself, so they keep
working as the sample grows; they fail when it lacks what they need.
"""
import json
import re
import shlex
import sys


def e164(number):
    """Registry numbers may be national (Canada) or international."""
    s = number.strip()
    digits = re.sub(r"\D", "", s)
    if s.startswith("+"):
        return "+" + digits
    if digits.startswith("011"):
        return "+" + digits[3:]
    if len(digits) == 10:
        return "+1" + digits
    return "+" + digits


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def save(reg, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(reg, f, ensure_ascii=False, indent=1)


def all_entities(reg):
    for key in ("organizations", "missions", "people"):
        for e in reg.get(key, []):
            yield e


def all_phones(reg):
    return {e164(p) for e in all_entities(reg) for p in e.get("phones", [])}


def all_prefixes(reg):
    return [e164(p) for m in reg.get("missions", [])
            for p in m.get("phone_prefixes", [])]


def all_domains(reg):
    return {d.lower().rstrip(".") for e in all_entities(reg)
            for d in e.get("domains", [])}


def under(domain, parent):
    return domain == parent or domain.endswith("." + parent)


def nanp_person(reg, status):
    for p in reg.get("people", []):
        if p.get("status", "active") != status:
            continue
        for ph in p.get("phones", []):
            n = e164(ph)
            if n.startswith("+1613555") and len(n) == 12:
                return p, n
    return None, None


def describe(reg):
    facts = {"REG_ID": reg["registry_id"], "REG_SEQ": str(reg["seq"])}
    phones, prefixes = all_phones(reg), all_prefixes(reg)

    person, phone = nanp_person(reg, "active")
    if person is None:
        sys.exit("sample.py: no active person with a +1 613 555 number")
    facts.update(PERSON_ID=person["id"], PERSON_PHONE=phone,
                 PERSON_NATIONAL=phone[2:])

    ended, ended_phone = nanp_person(reg, "ended")
    facts.update(ENDED_ID=ended["id"] if ended else "",
                 ENDED_PHONE=ended_phone or "")

    with_mail = [p for p in reg.get("people", []) if p.get("emails")]
    if not with_mail:
        sys.exit("sample.py: no person with an e-mail address")
    facts.update(EMAIL_PERSON_ID=with_mail[0]["id"],
                 PERSON_EMAIL=with_mail[0]["emails"][0])

    named = [(p, n) for p in reg.get("people", []) for n in p.get("names", [])
             if n.get("family") and n.get("given")
             and re.fullmatch(r"[A-Za-z' -]+", n["family"] + n["given"])]
    if not named:
        sys.exit("sample.py: no person with a Latin family and given name")
    facts.update(NAME_PERSON_ID=named[0][0]["id"],
                 NAME_FAMILY=named[0][1]["family"],
                 NAME_GIVEN=named[0][1]["given"])

    domains = all_domains(reg)
    chosen = None
    for e in all_entities(reg):
        for d in e.get("domains", []):
            d = d.lower().rstrip(".")
            if d.startswith("xn--") or not re.fullmatch(r"[a-z0-9.-]+", d):
                continue
            # "x" + d must fall under no registered domain at all.
            if not any(under("x" + d, other) for other in domains):
                chosen = (e["id"], d)
                break
        if chosen:
            break
    if chosen is None:
        sys.exit("sample.py: no registered domain to test label boundaries")
    facts.update(DOMAIN_ID=chosen[0], DOMAIN=chosen[1])

    unused = None
    for last in range(199, 99, -1):
        n = "+1613555%04d" % last
        if n not in phones and not any(n.startswith(p) for p in prefixes):
            unused = n
            break
    if unused is None:
        sys.exit("sample.py: every 613-555-01xx number is registered")
    facts["UNUSED_PHONE"] = unused

    prefix_id = prefix_number = ""
    for m in reg.get("missions", []):
        for p in m.get("phone_prefixes", []):
            p = e164(p)
            if not p.startswith("+1") or len(p) > 12:
                continue
            for fill in range(10 ** (12 - len(p))):
                n = p + str(fill).zfill(12 - len(p))
                if n not in phones:
                    prefix_id, prefix_number = m["id"], n
                    break
            if prefix_id:
                break
        if prefix_id:
            break
    facts.update(PREFIX_ID=prefix_id, PREFIX_NUMBER=prefix_number)

    gb_id = gb_phone = None
    for p in reg.get("people", []):
        for ph in p.get("phones", []):
            n = e164(ph)
            if n.startswith("+44207946") and len(n) == 13:
                gb_id, gb_phone = p["id"], n
                break
        if gb_id:
            break
    if gb_id is None:
        sys.exit("sample.py: no person with a +44 20 7946 number")
    facts.update(GB_ID=gb_id, GB_PHONE=gb_phone, GB_NATIONAL="0" + gb_phone[3:])

    for k, v in facts.items():
        print("%s=%s" % (k, shlex.quote(v)))


def stale(reg):
    reg["issued_at"] = "2000-01-01T00:00:00Z"
    reg["expires_at"] = "2000-02-01T00:00:00Z"
    return reg


def invalid(reg):
    reg["people"][0]["phones"] = ["613-555-01"]
    reg["people"][0]["instruction"] = "no-such-instruction"
    reg["missions"][0].setdefault("domains", []).append("not a domain")
    return reg


def identifiers(reg):
    for e in all_entities(reg):
        for key in ("phones", "emails", "domains"):
            for v in e.get(key, []):
                print("%s\t%s" % (e["id"], v))


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "describe":
        describe(load(args[1]))
    elif len(args) == 3 and args[0] == "stale":
        save(stale(load(args[1])), args[2])
    elif len(args) == 2 and args[0] == "identifiers":
        identifiers(load(args[1]))
    elif len(args) == 3 and args[0] == "invalid":
        save(invalid(load(args[1])), args[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
