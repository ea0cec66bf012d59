#!/usr/bin/env python3
"""Regenerates a jia-trial allocation list from the protocol's randomisation and the seed.

An independent implementation, in Python's standard library only, of the algorithm of
packages/protocol/src/randomisation.ts (ADR 0046; docs/protocol-engine.md, "Randomisation"),
for a statistician who wants to check a sealed list without running jia-trial.

Usage:
  python3 scripts/allocation-list.py RANDOMISATION.json SEED > list.csv
RANDOMISATION.json is the protocol's `randomisation` object as JSON (the CLI or the protocol's
source gives it); SEED is the recorded seed (lower-case hex). The canonical list is written to
standard output (stratum,sequence,block,blockSize,arm; one line each, sorted by stratum then
sequence) and its SHA-256, the digest recorded at sealing, to standard error.
"""
import hashlib
import hmac
import json
import re
import sys

ILAR_CATEGORIES = [
    "systemic",
    "oligoarticular_persistent",
    "oligoarticular_extended",
    "polyarticular_rf_negative",
    "polyarticular_rf_positive",
    "psoriatic",
    "enthesitis_related",
    "undifferentiated",
]
# The subject fields one can stratify by and their codes, in order (STRATIFICATION_FIELDS).
FIELD_CODES = {"ilar_category": ILAR_CATEGORIES, "sex": ["F", "M", "U"]}


def draws(key, stratum):
    """Unbiased draws from [0, n): words are HMAC-SHA256(key, f"{stratum}\\n{k}")[:4]."""
    counter = 0

    def draw(n):
        nonlocal counter
        limit = 2**32 - (2**32 % n)
        while True:
            message = f"{stratum}\n{counter}".encode("utf-8")
            counter += 1
            word = int.from_bytes(hmac.new(key, message, hashlib.sha256).digest()[:4], "big")
            if word < limit:
                return word % n

    return draw


def strata(spec):
    combos = [[]]
    for factor in spec["strata"]:
        levels = list(factor["groups"]) if "groups" in factor else FIELD_CODES[factor["field"]]
        combos = [combo + [f"{factor['field']}={level}"] for combo in combos for level in levels]
    return [";".join(combo) if combo else "all" for combo in combos]


def allocation_list(spec, seed):
    if not re.fullmatch(r"(?:[0-9a-f]{2}){16,}", seed):
        raise SystemExit("the seed must be lower-case hex of at least 16 bytes")
    key = bytes.fromhex(seed)
    ratio_sum = sum(arm["ratio"] for arm in spec["arms"])
    entries = []
    for stratum in strata(spec):
        draw = draws(key, stratum)
        count, block = 0, 0
        while count < spec["listLengthPerStratum"]:
            block += 1
            size = spec["blockSizes"][draw(len(spec["blockSizes"]))]
            arms = [arm["id"] for arm in spec["arms"] for _ in range(arm["ratio"] * size // ratio_sum)]
            for i in range(size - 1, 0, -1):
                j = draw(i + 1)
                arms[i], arms[j] = arms[j], arms[i]
            for arm in arms:
                count += 1
                entries.append((stratum, count, block, size, arm))
    return entries


def canonical(entries):
    return "".join(f"{s},{q},{b},{z},{a}\n" for s, q, b, z, a in sorted(entries, key=lambda e: (e[0], e[1])))


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    text = canonical(allocation_list(spec, sys.argv[2]))
    sys.stdout.write(text)
    sys.stderr.write(hashlib.sha256(text.encode("utf-8")).hexdigest() + "\n")


if __name__ == "__main__":
    main()
