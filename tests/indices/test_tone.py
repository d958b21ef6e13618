"""Event tone: Goldstein mean, net cooperation, quad-class shares; volume kept apart from tone."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multivector.errors import PanelError
from multivector.indices import (
    event_tone,
    event_tone_from_events,
    goldstein_mean,
    net_cooperation,
    quad_class_shares,
)

counts = st.integers(0, 10_000)


@settings(deadline=None)
@given(counts, counts, counts, counts)
def test_net_cooperation_is_in_minus_one_one_or_missing_without_events(a, b, c, d):
    n = net_cooperation(a, b, c, d)
    if a + b + c + d == 0:
        assert math.isnan(n)
    else:
        assert -1 <= n <= 1


@settings(deadline=None)
@given(counts, counts, counts, counts, st.integers(1, 1000))
def test_tone_is_scale_invariant_volume_is_not(a, b, c, d, k):
    if a + b + c + d:
        assert net_cooperation(a, b, c, d) == pytest.approx(net_cooperation(k * a, k * b, k * c, k * d))
        s1, s2 = quad_class_shares(a, b, c, d), quad_class_shares(k * a, k * b, k * c, k * d)
        assert all(s1[q] == pytest.approx(s2[q]) for q in s1)


@settings(deadline=None)
@given(counts, counts, counts, counts)
def test_quad_class_shares_sum_to_one(a, b, c, d):
    s = quad_class_shares(a, b, c, d)
    if a + b + c + d:
        assert sum(s.values()) == pytest.approx(1.0)


def test_net_cooperation_extremes():
    assert net_cooperation(4, 1, 0, 0) == 1.0
    assert net_cooperation(0, 0, 2, 3) == -1.0
    assert net_cooperation(1, 1, 1, 1) == 0.0


@settings(deadline=None)
@given(st.lists(st.floats(-10, 10), min_size=1, max_size=50), st.data())
def test_goldstein_mean_is_within_the_scale_and_weights_matter(scores, data):
    w = data.draw(st.lists(st.floats(0, 100), min_size=len(scores), max_size=len(scores)))
    g = goldstein_mean(scores)
    assert min(scores) - 1e-9 <= g <= max(scores) + 1e-9
    gw = goldstein_mean(scores, w)
    if sum(w) > 0:
        assert min(scores) - 1e-9 <= gw <= max(scores) + 1e-9


def test_goldstein_mean_weights_by_mentions_and_refuses_out_of_scale_scores():
    assert goldstein_mean([10, -10], [3, 1]) == pytest.approx(5.0)
    with pytest.raises(PanelError, match="−10, 10"):
        goldstein_mean([11.0])


def test_event_tone_keeps_volume_separate_and_nulls_outside_coverage():
    # synthetic panel rows built for this test (not real data)
    df = pl.DataFrame({
        "year": [2001, 2005, 2006, 2015],
        "icews_verb_coop": [None, 8, 0, None], "icews_matl_coop": [None, 2, 0, None],
        "icews_verb_conf": [None, 0, 0, None], "icews_matl_conf": [None, 10, 0, None],
    })
    out = event_tone(df, keep=["year"])
    r = {row["year"]: row for row in out.iter_rows(named=True)}
    assert r[2001]["event_volume"] is None and r[2001]["net_coop"] is None
    assert r[2005]["event_volume"] == 20 and r[2005]["net_coop"] == pytest.approx(0.0)
    assert r[2005]["share_matl_conf"] == pytest.approx(0.5)
    assert r[2006]["event_volume"] == 0 and r[2006]["net_coop"] is None


def test_event_tone_from_real_gdelt_rows_uses_the_published_goldstein_scale(shared):
    """GDELT 1.0 rows with Kazakhstan actors: each row's Goldstein score is the CAMEO lookup value
    for its event code (published table), and the aggregates stay within their bounds."""
    f = shared / "gdelt" / "gdelt1_events_KAZ_subset_2011_2013.csv"
    ev = pl.read_csv(f, infer_schema_length=10000, schema_overrides={"EventCode": pl.Utf8})
    lookup = pl.read_csv(shared / "gdelt" / "CAMEO.goldsteinscale.txt", separator="\t",
                         schema_overrides={"CAMEOEVENTCODE": pl.Utf8})
    j = ev.join(lookup, left_on="EventCode", right_on="CAMEOEVENTCODE", how="inner")
    assert j.height >= 0.9 * ev.height
    np.testing.assert_allclose(j["GoldsteinScale"], j["GOLDSTEINSCALE"])
    out = event_tone_from_events(ev, by=["Year"], weight_col="NumMentions").sort("Year")
    assert out["event_volume"].sum() == ev.height
    assert out["Year"].to_list() == [2011, 2012, 2013]
    assert out["goldstein_mean"].is_between(-10, 10).all()
    assert out["net_coop"].is_between(-1, 1).all()
    manual = (ev.filter(pl.col("Year") == 2012).select((pl.col("GoldsteinScale") * pl.col("NumMentions")).sum()
                                                       / pl.col("NumMentions").sum()).item())
    assert out.filter(pl.col("Year") == 2012)["goldstein_mean"].item() == pytest.approx(manual)


def test_event_tone_from_events_refuses_unknown_quad_classes():
    with pytest.raises(PanelError, match="quad classes"):
        event_tone_from_events(pl.DataFrame({"y": [1], "QuadClass": [7], "GoldsteinScale": [1.0]}), by=["y"])


def test_event_tone_and_events_balance_of_kazakhstan_from_real_icews_counts(shared):
    """Real data: ICEWS directed dyad-year counts (netify's icews.rda), Kazakhstan → China, Russia, the US."""
    import pyreadr

    from multivector.indices import balance_index

    f = shared / "netify" / "icews.rda"
    if not f.exists():
        pytest.skip(f"{f} is missing")
    raw = pl.from_pandas(pyreadr.read_r(f)["icews"][["i_iso3c", "j_iso3c", "year", "verbCoop", "matlCoop", "verbConf", "matlConf"]])
    # every country's events towards the three powers: balance places Kazakhstan among all of them
    panel = raw.filter(pl.col("j_iso3c").is_in(["CHN", "RUS", "USA"]) & (pl.col("i_iso3c") != pl.col("j_iso3c"))).rename({
        "i_iso3c": "iso3_1", "j_iso3c": "iso3_2", "verbCoop": "icews_verb_coop", "matlCoop": "icews_matl_coop",
        "verbConf": "icews_verb_conf", "matlConf": "icews_matl_conf"}).with_columns(pl.col("year").cast(pl.Int32))
    tone = event_tone(panel.filter(pl.col("iso3_1") == "KAZ"), keep=["iso3_2", "year"])
    assert tone["year"].min() == 2002 and tone["year"].max() == 2014
    assert tone["net_coop"].is_between(-1, 1).all() and (tone["event_volume"] > 0).all()
    out = balance_index(panel, "KAZ", ["CHN", "RUS", "USA"], channels=["events"], combined=False, ci=True, n_boot=300)
    assert out.height == 13 and out["balance"].is_between(0, 1).all()
    assert (out["balance_ci_low"] <= out["balance"]).all() and (out["balance"] <= out["balance_ci_high"]).all()
    # ICEWS records far more Kazakh events towards Russia than towards China or the US
    assert (out["tilt_partner"] == "RUS").sum() >= 10
