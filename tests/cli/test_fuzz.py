"""Fuzzing: random bad command lines for each command family and random bad scenario files.

Whatever comes in, the CLI answers with its output or with one message, exit status 0 or 2 (130
for an interrupt), never a traceback. The suite runs a small seeded campaign (``MULTIVECTOR_FUZZ``
inputs per class, default 30); ``benchmarks/fuzz_cli.py`` runs large ones and prints the counts.
"""

from __future__ import annotations

import os
import random

import pytest

from multivector.errors import MultivectorError
from tests.cli.fuzz import BASES, bad_command_lines, bad_scenario_file, random_scenario_table

PER_CLASS = int(os.environ.get("MULTIVECTOR_FUZZ", "30"))
SEED = int(os.environ.get("MULTIVECTOR_FUZZ_SEED", "7"))


@pytest.mark.parametrize("cls", list(BASES))
def test_random_bad_command_lines_never_give_a_traceback(cli, tmp_path, monkeypatch, cls):
    monkeypatch.chdir(tmp_path)
    counts = {"refused": 0, "ran": 0}
    for argv in bad_command_lines(cls, PER_CLASS, SEED, str(tmp_path)):
        res = cli(argv)  # an exception other than SystemExit fails the test: that is a traceback
        assert "Traceback" not in res.text, argv
        assert res.code in (0, 2), (argv, res.code, res.err[-500:])
        if res.code:
            assert res.text.strip(), argv  # a refusal always says why (a bare group prints its help)
            counts["refused"] += 1
        else:
            counts["ran"] += 1
    assert sum(counts.values()) == PER_CLASS
    assert counts["refused"] > PER_CLASS // 3  # the generator does produce bad input
    assert not [p for p in tmp_path.rglob("*") if ".part" in p.name]  # no half-written output


def test_random_bad_scenario_files_never_give_a_traceback(cli, tmp_path):
    from multivector.sim.scenario import SHIPPED_SCENARIOS, shipped_scenario_path

    rng = random.Random(SEED)
    texts = [shipped_scenario_path(s).read_text() for s in SHIPPED_SCENARIOS]
    refused = 0
    for i in range(PER_CLASS * 2):
        path = tmp_path / f"s{i}.toml"
        path.write_bytes(bad_scenario_file(rng.choice(texts), rng))
        res = cli(["simulate", str(path), "--uncalibrated", "-n", "3", "-y", "2"])
        assert "Traceback" not in res.text and res.code in (0, 2), (path.read_bytes()[:300], res.err[-400:])
        refused += res.code == 2
    assert refused > PER_CLASS // 2


def test_random_scenario_tables_raise_only_scenario_errors():
    """The same checks without TOML: random nested values into ``scenario_from_dict``."""
    from multivector.sim.scenario import scenario_from_dict

    rng = random.Random(SEED)
    for _ in range(PER_CLASS * 20):
        raw = random_scenario_table(rng)
        try:
            scenario_from_dict(raw)
        except MultivectorError:
            pass
