"""Fuzz the readers: mutated copies of real sample files (see ``fuzzing.py``) must either be read,
with every country code and year fit for the store's join key, or refused with a
MultivectorError — never another exception.

``MULTIVECTOR_FUZZ_N`` sets the inputs per (sample, class) (default 6; the R data samples get a
third of that, as each read takes longer). The counts of the run are printed at the end
(``pytest -s``) and written to ``$MULTIVECTOR_FUZZ_REPORT`` if that is set.
"""

from __future__ import annotations

import json
import os
import random
import warnings
from collections import Counter

import polars as pl
import pytest

from multivector import keys as K
from multivector.errors import MultivectorError

from fuzzing import CLASSES, mutate

N = int(os.environ.get("MULTIVECTOR_FUZZ_N", "6"))
COUNTS: Counter = Counter()
OUTCOMES: Counter = Counter()


def _keys_fit(tables) -> None:
    """What a reader accepts can always be packed into the store's join key."""
    if not isinstance(tables, dict):
        return
    for name, df in tables.items():
        for col in ("ccode", "ccode1", "ccode2"):
            if col in df.columns and df.height:
                assert df[col].null_count() == 0 and 0 <= df[col].min() and df[col].max() < K.CODE_LIMIT, (name, col)
        if "year" in df.columns and K.key_kind(df.columns) and df.height:
            assert df["year"].null_count() == 0 and 0 <= df["year"].min() and df["year"].max() < K.YEAR_LIMIT, name


@pytest.mark.parametrize("cls", CLASSES)
def test_mutated_real_samples_raise_only_multivector_errors(real_samples, tmp_path, cls):
    for name, sample in real_samples.items():
        data = sample.path.read_bytes()
        n = max(1, N // 3) if sample.kind == "rda" else N
        rng = random.Random(f"{name}/{cls}")  # the same inputs on every run
        for k in range(n):
            bad = mutate(data, sample.kind, cls, rng)
            path = tmp_path / f"{k}{sample.path.suffix}"
            path.write_bytes(bad)
            COUNTS[(cls, name)] += 1
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    tables = sample.run(path)
                except MultivectorError as err:
                    assert str(err), "an error a user sees must say something"
                    OUTCOMES[(cls, "refused")] += 1
                    continue
                except Exception as exc:  # noqa: BLE001 - this is what the test looks for
                    pytest.fail(f"{name}, {cls} #{k}: {type(exc).__name__}: {exc}\ninput kept at {path}")
            _keys_fit(tables)
            OUTCOMES[(cls, "accepted")] += 1
    assert sum(v for (c, _), v in COUNTS.items() if c == cls) >= len(real_samples)


def teardown_module(module) -> None:
    per_class = {c: sum(v for (k, _), v in COUNTS.items() if k == c) for c in CLASSES}
    outcome = {f"{c}/{o}": v for (c, o), v in sorted(OUTCOMES.items())}
    report = {"inputs_per_class": per_class, "outcomes": outcome, "samples": sorted({s for _, s in COUNTS}),
              "n_per_sample": N}
    print("\nreader fuzz:", json.dumps(report))
    if os.environ.get("MULTIVECTOR_FUZZ_REPORT"):
        with open(os.environ["MULTIVECTOR_FUZZ_REPORT"], "w") as fh:
            json.dump(report, fh, indent=1)


def test_fuzz_helpers_really_damage_the_input(real_samples):
    """Guard against a fuzzer that returns its input unchanged (and so tests nothing)."""
    sample = real_samples["atop"]
    data = sample.path.read_bytes()
    for cls in CLASSES:
        rng = random.Random(cls)
        changed = sum(mutate(data, sample.kind, cls, rng) != data for _ in range(10))
        assert changed >= 8, cls
    frame = pl.read_csv(sample.path)
    assert frame.height == 150
