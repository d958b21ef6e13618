"""Additive or subtractive: three designs that can tell a specific effect from a common shock.
Small Monte Carlo on SYNTHETIC panels (the full power curve is in benchmarks/bench_claims.py and
docs/claims.md), the placebo designs the methods review used, and the real Kazakhstan data."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

from multivector.claims import READINGS, additive_or_subtractive
from multivector.claims.long import validate_long
from multivector.claims.synthetic import synthetic_long_panel
from multivector.errors import PanelError


def _overall(res):
    return {r["channel"]: r for r in res.results if r["design"] == "overall"}


@pytest.mark.parametrize("effect, loading, want, at_least", [
    (0.5, 2.0, "additive", 7),
    (-0.5, 2.0, "subtractive", 7),
])
def test_a_specific_effect_is_read_with_the_right_sign_despite_a_common_factor(effect, loading, want, at_least):
    hits = 0
    for r in range(10):
        lp, truth = synthetic_long_panel(effect=effect, loading=loading, seed=100 + r)
        res = additive_or_subtractive(lp, "MID", "FOC", truth["others"], n_placebo=500)
        reading = _overall(res)["institutions"]["reading"]
        assert reading != ("subtractive" if effect > 0 else "additive")
        hits += reading == want
    assert hits >= at_least


@pytest.mark.parametrize("loading", [0.0, 2.0])
def test_no_effect_rarely_reads_additive_or_subtractive_at_any_loading(loading):
    claims = 0
    for r in range(10):
        lp, truth = synthetic_long_panel(effect=0.0, loading=loading, seed=300 + r)
        res = additive_or_subtractive(lp, "MID", "FOC", truth["others"], n_placebo=500)
        claims += _overall(res)["institutions"]["reading"] in ("additive", "subtractive")
    assert claims <= 2


def test_rows_have_the_fields_of_the_interface_and_one_overall_per_channel():
    lp, truth = synthetic_long_panel(effect=0.5, loading=1.0, seed=7)
    res = additive_or_subtractive(lp, "MID", "FOC", truth["others"], n_placebo=300)
    d = json.loads(res.to_json())
    assert d["claim"] == "additive" and d["focus"] == "FOC" and d["others"] == truth["others"]
    for r in d["results"]:
        assert {"design", "channel", "partner", "reading", "estimate", "ci_low", "ci_high", "placebo"} <= set(r)
        assert r["design"] in ("within", "placebo", "comparison", "overall") and r["reading"] in READINGS
        if r["design"] != "overall":
            assert r["partner"] in truth["others"]
        if r["placebo"] is not None:
            assert {"n", "share_as_extreme"} <= set(r["placebo"])
    overall = [r for r in d["results"] if r["design"] == "overall"]
    assert [r["channel"] for r in overall] == ["institutions"] and overall[0]["partner"] is None
    within = [r for r in d["results"] if r["design"] == "within"]
    assert all(r["ci_low"] <= r["estimate"] <= r["ci_high"] for r in within)
    comp = [r for r in d["results"] if r["design"] == "comparison"]
    assert len(comp) == len(truth["others"])


def test_a_users_file_uses_its_own_partners_as_placebos(tmp_path):
    lp, truth = synthetic_long_panel(effect=-0.5, loading=0.5, seed=11, n_countries=25, n_partners=25)
    f = tmp_path / "mine.csv"
    lp.long().drop("measure").with_columns(pl.lit("economy").alias("channel")).write_csv(f)
    from multivector.claims import read_long_panel

    res = additive_or_subtractive(read_long_panel(f), "MID", "FOC", truth["others"], n_placebo=300)
    o = _overall(res)["economy"]
    assert o["reading"] in READINGS
    plc = [r for r in res.results if r["design"] == "placebo"]
    assert all(r["placebo"]["n_partners_in_pool"] == 25 - 5 for r in plc)
    assert any("placebo partners and comparison countries are the other partners" in n for n in res.notes)


def test_a_file_with_one_country_and_few_partners_is_not_testable_rather_than_confident():
    rows = [{"country": "KAZ", "partner": p, "year": y, "channel": "economy", "value": float(v)}
            for p, base in (("CHN", 1), ("RUS", 2), ("USA", 3)) for y, v in zip(range(1995, 2020), np.arange(25) * base)]
    res = additive_or_subtractive(validate_long(pl.DataFrame(rows)), "KAZ", "CHN", "RUS,USA")
    o = _overall(res)["economy"]
    assert o["reading"] == "not testable"


def test_unknown_codes_in_a_users_file_are_named():
    lp, truth = synthetic_long_panel(seed=1, n_countries=12, n_partners=12)
    lp = validate_long(lp.long())
    with pytest.raises(PanelError, match="not in"):
        additive_or_subtractive(lp, "MID", "XYZ", truth["others"])


# --------------------------------------------------------------------------------- real data

@pytest.mark.parametrize("focus", ["PER", "BRA"])
def test_placebo_designs_of_the_methods_review_no_longer_read_additive(project, focus):
    """Peru or Brazil as 'focus' against Norway, New Zealand, Uruguay and Kenya: partners with no
    reason to matter to Kazakhstan. The old first-difference design read these 'additive' on
    institutions (+0.98, +0.90)."""
    res = additive_or_subtractive(project, "KAZ", focus, "NOR,NZL,URY,KEN")
    for ch, r in _overall(res).items():
        assert r["reading"] != "additive", (ch, r["note"])


def test_kazakhstan_china_reading_per_partner_with_the_eu_folded(project):
    res = additive_or_subtractive(project, "KAZ", "CHN", "RUS,USA,EU,TUR")
    ov = _overall(res)
    assert {"diplomatic", "security", "institutions", "events"} <= set(ov)
    # institutions: the mechanical +0.91 of shared counts is gone once engagement is relative
    inst = [r for r in res.results if r["channel"] == "institutions" and r["design"] == "within"]
    assert {r["partner"] for r in inst} == {"RUS", "USA", "EU", "TUR"}
    assert ov["institutions"]["reading"] != "additive"
    assert any("Members of EU are dropped" in n for n in res.notes)


def test_naming_the_eu_and_germany_together_is_refused(project):
    with pytest.raises(PanelError, match="counted twice"):
        additive_or_subtractive(project, "KAZ", "CHN", "EU,DEU", channels=["diplomatic"])
