"""The evaluation set is well formed, and the method beats the majority baseline on its test split
(the figures in docs/text.md come from multivector.text.eval.evaluate)."""

from __future__ import annotations

import pytest

from multivector import countries
from multivector.text.eval import evaluate


@pytest.fixture(scope="module")
def sets():
    return evaluate.sentence_sets()


def test_labels_are_well_formed(sets):
    known = set(countries._iso_table()) | set(countries.groups()) | {
        "UN", "NATO", "CSTO", "CICA", "CIS", "BRI", "TITR", "OTS", "C5+1", "AU", "LAS", "OIC", "GCC", "BRICS", "G7",
        "G20", "OSCE", "WTO", "IMF", "ASEAN", "YUG", "CSK", "DDR", "YMD"}
    for name, rows in sets.items():
        assert len(rows) >= 60
        for r in rows:
            assert r["split"] in ("dev", "test")
            actors, stance = evaluate._gold(r)
            assert actors <= known, (name, r["id"], actors - known)
            assert set(stance) <= actors
            if name == "un":
                assert r["speaker"] not in stance  # the speaker's stance toward itself is not labelled


def test_every_set_has_all_three_classes_in_test(sets):
    for rows in sets.values():
        test = [r for r in rows if r["split"] == "test"]
        labels = {lab for r in test for lab in evaluate._gold(r)[1].values()}
        assert labels == {"positive", "neutral", "negative"}


def test_the_method_beats_the_majority_baseline_on_test(sets):
    res = evaluate.run("test")
    for name, s in res["stance"].items():
        assert s["macro_f1"] > s["majority_macro_f1"] + 0.2, (name, s)
    for name, a in res["actors"].items():
        assert a["precision"] > 0.9 and a["recall"] > 0.9, (name, a)
    c = res["claims"]
    assert c["extraction_recall"] >= 0.9 and c["check_accuracy"] >= 0.85
