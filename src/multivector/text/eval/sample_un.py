"""Draw the UN General Debate sentences of the evaluation set (run once; kept for reproducibility).

    python -m multivector.text.eval.sample_un TGZ OUT.tsv

Sentences are drawn *without* the analyser (so that its output cannot steer the sample): a seeded
random set of speeches, split into sentences by a plain regular expression, then three strata of
20-60-word sentences — (a) any sentence that names a state by its country_converter short name,
(b) such sentences that also contain a conflict word, (c) such sentences that also contain a
cooperation word — plus (d) random sentences with no name at all (for actor precision). The
labels are added by hand afterwards, following docs/text-annotation.md.
"""

from __future__ import annotations

import random
import re
import sys
import tarfile

CONFLICT = re.compile(r"\b(aggress\w*|occup\w*|invad\w*|invasion|annex\w*|condemn\w*|attack\w*|regime|threat\w*|"
                      r"hostil\w*|war|terror\w*|sanction\w*|violat\w*)\b", re.I)
COOPERATION = re.compile(r"\b(cooperat\w*|co-operat\w*|partner\w*|friend\w*|thank\w*|grat\w*|welcome\w*|"
                         r"support\w*|solidarity|brother\w*|commend\w*|appreciat\w*)\b", re.I)


def main(tgz: str, out: str, seed: int = 20240601) -> None:
    import polars as pl

    names = pl.read_parquet("src/multivector/data/iso_codes.parquet")["name"].to_list()
    names = [n for n in names if "," not in n and "(" not in n and len(n) > 3]
    name_re = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")\b")
    rng = random.Random(seed)
    with tarfile.open(tgz, "r:gz") as tf:
        members = [m for m in tf.getmembers() if m.isfile() and re.search(r"/[A-Z]{2,3}_\d+_\d{4}\.txt$", m.name)]
        members.sort(key=lambda m: m.name)
        chosen = rng.sample(members, 160)
        texts = {m.name: tf.extractfile(m).read().decode("utf-8", "replace") for m in chosen}
    pools: dict[str, list[tuple[str, str]]] = {"a": [], "b": [], "c": [], "d": []}
    for name, text in sorted(texts.items()):
        text = re.sub(r"-\s*\n\s*(?=[a-z])", "", text)
        text = re.sub(r"\s+", " ", text)
        for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text):
            n = len(s.split())
            if not 12 <= n <= 60:
                continue
            file = name.rsplit("/", 1)[1]
            if name_re.search(s):
                pools["a"].append((file, s))
                if CONFLICT.search(s):
                    pools["b"].append((file, s))
                if COOPERATION.search(s):
                    pools["c"].append((file, s))
            else:
                pools["d"].append((file, s))
    take = {"a": 50, "b": 60, "c": 40, "d": 30}
    seen = set()
    rows = []
    for stratum, k in take.items():
        pool = [p for p in pools[stratum] if p[1] not in seen]
        for file, s in rng.sample(pool, min(k, len(pool))):
            seen.add(s)
            rows.append((stratum, file, s))
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("id\tstratum\tfile\ttext\n")
        for i, (stratum, file, s) in enumerate(rows, 1):
            fh.write(f"un{i:03d}\t{stratum}\t{file}\t{s.replace(chr(9), ' ')}\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
