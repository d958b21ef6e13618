"""Shifts over time: breaks dated against a flexible trend, named dates against placebo dates
(SYNTHETIC long panels with a known break, and the real Kazakhstan data)."""

from __future__ import annotations

import json

import numpy as np
import polars as pl

from multivector.claims.long import validate_long
from multivector.claims.shift import shift_over_time
from multivector.claims.synthetic import _ar1


def _panel_with_break(break_year=2008, size=5.0, seed=0, channel="events"):
    """SYNTHETIC: 30 countries × 30 partners, 1990–2019; the middle power's tie with partner P00
    shifts by `size` noise SDs in `break_year` (AR(1) noise, ρ = 0.4)."""
    rng = np.random.default_rng(seed)
    years = np.arange(1990, 2020)
    rows = []
    for c in range(30):
        for p in range(30):
            y = 10 + rng.normal() + _ar1(rng, (len(years),), 0.4)
            if c == 0 and p == 0:
                y = y + size * (years >= break_year)
            rows.append(pl.DataFrame({"country": f"C{c:02d}", "partner": f"P{p:02d}", "year": years,
                                      "channel": channel, "value": y}))
    return validate_long(pl.concat(rows))


def test_a_known_break_is_dated_and_its_date_stands_out_while_another_does_not():
    lp = _panel_with_break(2008)
    res = shift_over_time(lp, "C00", ["P00", "P01"], dates=["2008", "1999"])
    d = json.loads(res.to_json())
    r0 = next(r for r in d["results"] if r["partner"] == "P00")
    assert r0["break_detected"] and abs(r0["estimated_break"] - 2008) <= 1
    stand = {x["date"][:4]: x["stands_out"] for x in r0["dates"]}
    assert stand == {"2008": True, "1999": False}
    r1 = next(r for r in d["results"] if r["partner"] == "P01")
    assert {"channel", "partner", "estimated_break", "break_detected", "dates"} <= set(r1)
    assert all({"date", "stands_out"} <= set(x) for x in r1["dates"])


def test_dates_outside_the_data_are_not_testable_not_negative():
    lp = _panel_with_break(2008)
    res = shift_over_time(lp, "C00", ["P00"], dates=["2022", "2018"])
    e = {x["year"]: x for x in res.results[0]["dates"]}
    assert e[2022]["stands_out"] is None and "outside" in e[2022]["note"]
    assert e[2018]["stands_out"] is None and "edge" in e[2018]["note"]  # 2018–2019: two years after it


def test_kazakhstan_uses_ideal_points_and_says_how_dates_map_to_sessions(project):
    res = shift_over_time(project, "KAZ", ["CHN", "RUS"], dates=[2013, 2014, 2022])
    dip = [r for r in res.results if r["channel"] == "diplomatic"]
    assert {r["measure"] for r in dip} == {"idealpoint"}
    for r in dip:
        e = {x["date"][:4]: x for x in r["dates"]}
        assert e["2022"]["series_year"] == 2021 and e["2022"]["session"] == 76
        assert isinstance(e["2022"]["stands_out"], bool)  # ideal points to 2024: three sessions after the date
        assert e["2014"]["series_year"] == 2013
    assert any("session 76" in n and "series year 2021" in n for n in res.notes)
    sec = [r for r in res.results if r["channel"] == "security"]
    assert sec and all("census" in r.get("series", "census") for r in sec)
