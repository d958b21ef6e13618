"""Dependence from both reporters side by side: partner share, HHI, trade/GDP (current US$)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multivector.errors import PanelError
from multivector.indices.dependence import (
    concentration_both_sides,
    mirror_flows,
    product_concentration,
    trade_dependence,
)


def _table(rows):
    """Synthetic reports (labelled as such): (reporter, partner, year, exports, imports)."""
    return pl.DataFrame(rows, schema={"iso3_1": pl.String, "iso3_2": pl.String, "year": pl.Int32,
                                      "exports_usd": pl.Float64, "imports_usd": pl.Float64}, orient="row")


def test_mirror_flows_turn_the_partners_report_to_the_countrys_direction():
    t = _table([("KAZ", "CHN", 2019, 8.0, 6.8), ("CHN", "KAZ", 2019, 12.8, 9.3), ("KAZ", "RUS", 2019, 5.7, None)])
    f = mirror_flows(t, "KAZ")
    chn = f.filter(pl.col("partner") == "CHN").row(0, named=True)
    assert (chn["exports_reported"], chn["imports_reported"]) == (8.0, 6.8)
    assert (chn["exports_mirror"], chn["imports_mirror"]) == (9.3, 12.8)  # China's imports / exports
    assert chn["total_reported"] == pytest.approx(14.8) and chn["total_mirror"] == pytest.approx(22.1)
    rus = f.filter(pl.col("partner") == "RUS").row(0, named=True)
    assert rus["total_reported"] is None and rus["total_mirror"] is None  # no side stands in for the other


def test_negative_flows_are_refused():
    with pytest.raises(PanelError, match="non-negative"):
        mirror_flows(_table([("KAZ", "CHN", 2019, -1.0, 2.0)]), "KAZ")


def test_an_hhi_over_too_few_reporting_partners_is_null():
    flows = pl.DataFrame({"partner": ["CHN", "RUS", "UZB"], "year": [2021] * 3,
                          "total_reported": [18.0, 24.6, 4.6], "total_mirror": [None, None, 4.7]})
    totals = pl.DataFrame({"year": [2021], "exports_usd": [60.0], "imports_usd": [41.7]})
    c = concentration_both_sides(flows, totals=totals).row(0, named=True)
    assert c["hhi_mirror"] is None and c["coverage_mirror"] == pytest.approx(4.7 / 101.7)
    assert c["hhi_reported"] is None  # 47.2 of 101.7: below the 80 % rule as well
    c2 = concentration_both_sides(flows, totals=totals, min_coverage=0.4).row(0, named=True)
    assert c2["hhi_reported"] == pytest.approx(sum((x / 47.2) ** 2 for x in (18.0, 24.6, 4.6)))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.01, 1e3, allow_nan=False), min_size=2, max_size=8), st.floats(0.1, 1e4))
def test_hhi_bounds_and_scale_invariance(values, scale):
    n = len(values)
    flows = pl.DataFrame({"partner": [f"P{i}" for i in range(n)], "year": [2020] * n,
                          "total_reported": values, "total_mirror": [v * scale for v in values]})
    c = concentration_both_sides(flows).row(0, named=True)
    assert 1 / n - 1e-12 <= c["hhi_reported"] <= 1 + 1e-12
    assert c["hhi_mirror"] == pytest.approx(c["hhi_reported"])  # shares do not depend on the unit
    assert c["effective_partners_reported"] == pytest.approx(1 / c["hhi_reported"])


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 1e11), st.floats(0, 1e11), st.floats(1e9, 1e13), st.floats(1e9, 1e12))
def test_shares_and_ratios_are_bounded_and_use_their_own_side(t_rep, t_mir, gdp, world_extra):
    dyads = pl.DataFrame({"iso3_1": ["KAZ"], "iso3_2": ["CHN"], "year": [2019], "trade_total": [t_rep],
                          "mirror_total": [t_mir], "gdp_usd1": [gdp]})
    totals = pl.DataFrame({"iso3": ["KAZ"], "year": [2019], "exports_usd": [t_rep + world_extra], "imports_usd": [0.0]})
    r = trade_dependence(dyads, totals=totals).row(0, named=True)
    assert 0 <= r["share_reported"] <= 1
    assert r["trade_gdp_reported"] == pytest.approx(t_rep / gdp)
    assert r["trade_gdp_mirror"] == pytest.approx(t_mir / gdp)
    if t_rep > 0:
        assert r["gap_pct"] == pytest.approx((t_mir - t_rep) / t_rep * 100)


def test_missing_gdp_gives_null_not_zero():
    dyads = pl.DataFrame({"iso3_1": ["KAZ"], "iso3_2": ["CHN"], "year": [2024], "trade_total": [30e9],
                          "mirror_total": [None], "gdp_usd1": [None]}, schema_overrides={"mirror_total": pl.Float64,
                                                                                         "gdp_usd1": pl.Float64})
    r = trade_dependence(dyads).row(0, named=True)
    assert r["trade_gdp_reported"] is None and r["trade_gdp_mirror"] is None


def test_the_ratio_needs_current_dollar_gdp():
    dyads = pl.DataFrame({"iso3_1": ["KAZ"], "iso3_2": ["CHN"], "year": [2019], "trade_total": [1.0],
                          "mirror_total": [1.0], "gdp1": [500_000.0]})
    with pytest.raises(PanelError, match="gdp_usd1"):
        trade_dependence(dyads)


def test_kazakhstans_china_share_matches_the_bureaus_published_share():
    """Published value: the bureau prints China's share of Kazakhstan's 2023 turnover (21.54 %);
    the index computed from the stored values gives the same."""
    import multivector as mv
    from multivector.store import default_store

    store = default_store()
    p = mv.dyad_years("KAZ", partners=["CHN"], years=(2023, 2023)).add_trade().add_gdp()
    totals = store.query("SELECT iso3, year, exports_usd, imports_usd FROM trade_totals WHERE iso3 = 'KAZ'")
    r = trade_dependence(p.df, totals=totals).row(0, named=True)
    assert r["share_reported"] * 100 == pytest.approx(21.54, abs=0.01)
    assert r["trade_gdp_reported"] == pytest.approx(30.055e9 / 261.4e9, rel=3e-3)


def test_product_concentration():
    """Synthetic HS chapters (labelled): one chapter with 90 % of exports."""
    prod = pl.DataFrame({"reporter": ["KAZ"] * 3, "partner": ["CHN"] * 3, "year": [2019] * 3, "flow": ["X"] * 3,
                         "cmd_code": ["27", "26", "72"], "value_usd": [90.0, 6.0, 4.0]})
    r = product_concentration(prod).row(0, named=True)
    assert r["hhi"] == pytest.approx(0.81 + 0.0036 + 0.0016)
    assert r["top_product"] == "27" and r["n_products"] == 3


def test_the_index_dependence_command_writes_both_sides(tmp_path):
    from multivector.cli import main

    out = tmp_path / "dep.csv"
    main(["index", "dependence", "KAZ", "--years", "2018-2023", "-o", str(out)])
    df = pl.read_csv(out)
    assert {"share_reported", "share_mirror", "trade_gdp_reported", "trade_gdp_mirror", "hhi_reported",
            "hhi_mirror", "trade_source", "mirror_source"} <= set(df.columns)
    chn = df.filter(pl.col("partner") == "CHN").sort("year")
    assert chn["year"].to_list() == list(range(2018, 2024))
    assert chn.filter(pl.col("year") <= 2020)["trade_mirror"].is_not_null().all()
    assert np.all(chn.filter(pl.col("year") <= 2020)["gap_pct"].to_numpy() > 0)  # China reports more
