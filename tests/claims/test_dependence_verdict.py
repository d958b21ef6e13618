"""The dependence verdict, read from the dependence table by reporter, against thresholds stated
in raw terms with their source."""

from __future__ import annotations

import polars as pl
import pytest

from multivector.claims.dependence import THRESHOLDS, dependence_risk, normalize_table, table_from_reported


def _table():
    """SYNTHETIC dependence table in the long form, two reporters."""
    return pl.DataFrame({
        "country": ["KAZ"] * 7, "partner": ["CHN", "CHN", "RUS", "RUS", "EU", "USA", "TUR"],
        "year": [2023, 2023, 2023, 2023, 2023, 2023, 2023],
        "reporter": ["country", "partner", "country", "partner", "country", "country", "country"],
        "partner_share": [0.21, 0.33, 0.31, 0.32, None, 0.03, 0.02],
        "hhi": [0.12, 0.19, 0.12, 0.19, 0.12, 0.12, 0.12],
        "trade_gdp": [0.08, 0.11, 0.07, 0.07, None, 0.01, 0.01],
    })


def test_thresholds_are_raw_numbers_with_their_source():
    assert THRESHOLDS["partner_share"].value == 0.30 and "2023" in THRESHOLDS["partner_share"].source
    assert THRESHOLDS["hhi"].value == 0.18 and "1,800" in THRESHOLDS["hhi"].source
    assert THRESHOLDS["trade_gdp"].value is None


def test_verdicts_by_reporter_side():
    res = dependence_risk(_table(), "KAZ")
    v = {r["partner"]: r["verdict"] for r in res.results}
    assert v["CHN"] == "reporters disagree"  # 21 % by Kazakhstan, 33 % by China
    assert v["RUS"] == "risk" and v["USA"] == "no risk"
    assert v["EU"] == "not assessable"  # members not all covered: null, never zero
    assert v[None] == "reporters disagree"  # HHI 0.12 vs 0.19 against 0.18


def test_the_wide_form_of_the_dependence_measures_is_read_as_two_reporters():
    wide = pl.DataFrame({"country": ["KAZ"], "partner": ["CHN"], "year": [2019], "share_reported": [0.18],
                         "share_mirror": [0.24], "trade_gdp_reported": [0.05], "trade_gdp_mirror": [0.07],
                         "hhi_reported": [0.11], "hhi_mirror": [0.13]})
    t = normalize_table(wide)
    assert t["reporter"].to_list() == ["country", "partner"] and t["partner_share"].to_list() == [0.18, 0.24]
    res = dependence_risk(wide, "KAZ")
    assert res.results[0]["verdict"] == "no risk"


def test_override_thresholds_and_reject_unknown_ones():
    res = dependence_risk(_table(), "KAZ", thresholds={"partner_share": 0.2})
    assert {r["partner"]: r["verdict"] for r in res.results}["CHN"] == "risk"
    from multivector.errors import PanelError

    with pytest.raises(PanelError, match="unknown threshold"):
        dependence_risk(_table(), "KAZ", thresholds={"share": 0.2})


def test_reported_facts_keep_only_shares_of_the_countrys_own_trade(shared_data):
    from multivector.sources import facts

    rep = facts.read(shared_data / "facts" / "reported_trade.csv")
    rep = rep if isinstance(rep, pl.DataFrame) else next(iter(rep.values()))
    t = table_from_reported(rep, "KAZ")
    assert t.height > 0 and t["partner_share"].max() <= 1
    # China customs' "KAZ share of China–Central Asia trade" (46 %) is not a share of KAZ's trade
    assert not ((t["partner"] == "CHN") & (t["partner_share"] > 0.4)).any()


def test_a_share_just_under_the_line_does_not_print_as_the_line():
    from multivector.claims.dependence import _pct

    assert _pct(0.2960, 0.30) == "29.6%"  # would read "30%; threshold 30%" with a "no risk" verdict
    assert _pct(0.3040, 0.30) == "30.4%"
    assert _pct(0.30, 0.30) == "30%"
    assert _pct(0.2154, 0.30) == "22%"
