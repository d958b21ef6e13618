"""Mutations of real sample files for the reader fuzz test (``test_reader_fuzz.py``).

Four classes of damage, each deterministic from a seed:

* ``truncate`` — the file cut at a random byte;
* ``bad_bytes`` — one to three bytes replaced by, or a short run inserted of, bytes that are
  often invalid in text (NUL, 0xFF, a lone UTF-8 continuation byte, a CR, a separator);
* ``huge_number`` — a number in a data row replaced by an extreme one (20-digit integers,
  1e309, -inf, NaN, 0x1F …);
* ``swap_columns`` — two fields of a data row (or two header names) swapped.
"""

from __future__ import annotations

import json
import random
import re

CLASSES = ("truncate", "bad_bytes", "huge_number", "swap_columns")

HUGE = ["99999999999999999999", "1e309", "-1e309", "inf", "-inf", "nan", "NaN", "-99999999999", "1e-400",
        "0x1F", "9" * 40, "-0", "2147483648", "-2147483649", "1e18", "4096", "1024", "6096", "-9"]
BAD = [b"\x00", b"\xff", b"\x80", b"\xc3", b"\xe2\x82", b"\r", b",", b"\t", b'"', b"\n", b"\xef\xbb\xbf"]
_NUMBER = re.compile(rb"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])")


def mutate(data: bytes, kind: str, cls: str, rng: random.Random) -> bytes:
    if cls == "truncate":
        return data[: rng.randrange(0, len(data))]
    if cls == "bad_bytes":
        out = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(0, len(out))
            chunk = rng.choice(BAD)
            if rng.random() < 0.5:
                out[i:i + 1] = chunk
            else:
                out[i:i] = chunk
        return bytes(out)
    if kind == "rda":  # binary: the text mutations do not apply; flip bytes instead
        out = bytearray(data)
        i = rng.randrange(0, len(out))
        out[i] = rng.randrange(256)
        return bytes(out)
    if kind == "json":
        return _mutate_json(data, cls, rng)
    sep = b"\t" if kind == "tsv" else b","
    lines = data.split(b"\n")
    body = [i for i, ln in enumerate(lines) if i > 0 and ln.strip()]
    if not body:
        return data
    if cls == "huge_number":
        for _ in range(20):
            i = rng.choice(body)
            nums = list(_NUMBER.finditer(lines[i]))
            if nums:
                m = rng.choice(nums)
                lines[i] = lines[i][: m.start()] + rng.choice(HUGE).encode() + lines[i][m.end():]
                break
        return b"\n".join(lines)
    if cls == "swap_columns":
        i = rng.choice([0, *body]) if rng.random() < 0.2 else rng.choice(body)
        fields = lines[i].split(sep)
        if len(fields) >= 2:
            a, b = rng.sample(range(len(fields)), 2)
            fields[a], fields[b] = fields[b], fields[a]
            lines[i] = sep.join(fields)
        return b"\n".join(lines)
    raise ValueError(cls)


def _mutate_json(data: bytes, cls: str, rng: random.Random) -> bytes:
    doc = json.loads(data)
    records = doc["data"] if isinstance(doc, dict) else doc[1]
    rec = rng.choice(records)
    if cls == "huge_number":
        keys = [k for k, v in rec.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
        text = json.dumps(doc)
        if keys:
            k = rng.choice(keys)
            rec[k] = "__HUGE__"
            text = json.dumps(doc).replace('"__HUGE__"', rng.choice(HUGE), 1)
        return text.encode()
    if cls == "swap_columns":
        keys = list(rec)
        a, b = rng.sample(keys, 2)
        rec[a], rec[b] = rec[b], rec[a]
        return json.dumps(doc).encode()
    raise ValueError(cls)
