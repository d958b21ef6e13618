"""The multi-vector balance index (this project's construction) and its tilt."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from scipy.stats import entropy

from multivector.errors import PanelError
from multivector.indices import (
    balance,
    balance_bootstrap_ci,
    balance_from_long,
    balance_index,
    dyad_year_agreement,
    tilt,
)

engagement = st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=2, max_size=8).filter(
    lambda xs: sum(xs) > 1e-6)


@settings(deadline=None)
@given(engagement)
def test_balance_is_between_zero_and_one(xs):
    assert 0 <= balance(xs) <= 1


@settings(deadline=None)
@given(st.integers(2, 20), st.floats(1e-3, 1e6))
def test_balance_is_one_when_engagement_is_equal(k, v):
    assert balance([v] * k) == pytest.approx(1.0)


@settings(deadline=None)
@given(st.integers(2, 20), st.integers(0, 19), st.floats(1e-3, 1e6))
def test_balance_is_zero_when_all_engagement_goes_to_one_power(k, i, v):
    x = [0.0] * k
    x[i % k] = v
    assert balance(x) == 0.0
    who, t = tilt(x, [f"P{j}" for j in range(k)])
    assert who == f"P{i % k}" and t == pytest.approx(1 - 1 / k)


@settings(deadline=None)
@given(engagement, st.randoms(), st.floats(1e-3, 1e3))
def test_balance_does_not_depend_on_partner_order_or_scale(xs, rnd, c):
    ys = xs[:]
    rnd.shuffle(ys)
    assert balance(ys) == pytest.approx(balance(xs), abs=1e-12)
    assert balance([c * x for x in xs]) == pytest.approx(balance(xs), abs=1e-9)


@settings(deadline=None)
@given(engagement)
def test_balance_equals_normalised_shannon_entropy(xs):
    # reference: scipy's Shannon entropy (natural log) divided by ln K
    assert balance(xs) == pytest.approx(entropy(xs) / math.log(len(xs)), abs=1e-9)


@settings(deadline=None)
@given(engagement)
def test_tilt_is_between_zero_and_one_minus_one_over_k(xs):
    _, t = tilt(xs)
    assert -1e-12 <= t <= 1 - 1 / len(xs) + 1e-12


def test_tilt_names_the_favoured_power_and_ties_and_none_when_even():
    assert tilt([1, 3, 1], ["CHN", "RUS", "USA"]) == ("RUS", pytest.approx(0.6 - 1 / 3))
    assert tilt([2, 2, 1], ["RUS", "CHN", "USA"])[0] == "CHN+RUS"
    assert tilt([2, 2, 2], ["CHN", "RUS", "USA"]) == (None, 0.0)


def test_missing_power_is_left_out_not_read_as_zero():
    assert balance([1, 1, np.nan]) == pytest.approx(1.0)
    assert balance([1, 1, 0]) < 1.0
    assert math.isnan(balance([1, np.nan, np.nan]))  # one power with data: balance undefined
    assert math.isnan(balance([0, 0, 0]))  # no engagement at all: undefined


def test_balance_from_long_matches_the_array_function_for_every_group():
    # synthetic long frame built for this test (not real data)
    rng = np.random.default_rng(7)
    n = 300
    df = pl.DataFrame({
        "country": np.repeat([f"C{i}" for i in range(n)], 4),
        "year": 2000,
        "partner": np.tile(["CHN", "RUS", "USA", "EU"], n),
        "engagement": rng.integers(0, 50, 4 * n).astype(float),
    }).with_columns(pl.when(pl.int_range(pl.len()) % 7 == 0).then(None).otherwise(pl.col("engagement")).alias("engagement"))
    out = balance_from_long(df).sort("country")
    wide = df.pivot(on="partner", index=["country", "year"], values="engagement").sort("country")
    mat = wide.select("CHN", "RUS", "USA", "EU").cast(pl.Float64).fill_null(np.nan).to_numpy()
    np.testing.assert_allclose(out["balance"].fill_null(np.nan).to_numpy(), balance(mat), atol=1e-12)
    assert out["n_partners_with_data"].to_list() == (~np.isnan(mat)).sum(axis=1).tolist()


def test_bootstrap_interval_is_seeded_ordered_and_narrows_with_more_events():
    lo1, hi1 = balance_bootstrap_ci([10, 20, 30], seed=1)
    assert (lo1, hi1) == balance_bootstrap_ci([10, 20, 30], seed=1)
    assert 0 <= lo1 <= hi1 <= 1
    lo2, hi2 = balance_bootstrap_ci([1000, 2000, 3000], seed=1)
    assert hi2 - lo2 < hi1 - lo1
    assert lo2 <= balance([1, 2, 3]) <= hi2
    with pytest.raises(PanelError, match="whole counts"):
        balance_bootstrap_ci([0.5, 0.5])


def _synthetic_panel() -> pl.DataFrame:
    # synthetic dyad-year panel with the panel contract's column names, built for these tests
    return pl.DataFrame({
        "iso3_1": ["KAZ"] * 9,
        "iso3_2": ["CHN", "RUS", "USA"] * 3,
        "year": [2000] * 3 + [2001] * 3 + [2019] * 3,
        "un_agree": [0.8, 0.8, 0.4, 0.7, None, 0.3, 0.9, 0.9, 0.3],
        "atop_defense": [0, 1, 0, 0, 1, 0, None, None, None],
        "atop_consul": [0, 1, 0, 0, 1, 0, None, None, None],
        "dyadigos": [30, 60, 40, 31, 61, 41, None, None, None],
        "icews_verb_coop": [10, 10, 10, 5, 5, 5, None, None, None],
        "icews_matl_coop": [0, 0, 0, 1, 1, 1, None, None, None],
        "icews_verb_conf": [0, 0, 0, 0, 0, 0, None, None, None],
        "icews_matl_conf": [0, 0, 0, 0, 0, 0, None, None, None],
    })


def test_balance_index_returns_every_channel_and_combined_per_year():
    out = balance_index(_synthetic_panel(), "KAZ", ["CHN", "RUS", "USA"])
    assert out.columns[:8] == ["country", "year", "channel", "balance", "tilt_partner", "tilt",
                               "n_partners_with_data", "n_channels"]
    assert out.height == 3 * 5
    r = {(row["year"], row["channel"]): row for row in out.iter_rows(named=True)}
    assert r[(2000, "events")]["balance"] == pytest.approx(1.0) and r[(2000, "events")]["tilt_partner"] is None
    assert r[(2000, "security")]["balance"] == 0.0 and r[(2000, "security")]["tilt_partner"] == "RUS"
    # a power with null UN data in 2001 is left out, not counted as zero agreement
    assert r[(2001, "diplomatic")]["n_partners_with_data"] == 2
    assert r[(2001, "diplomatic")]["balance"] == pytest.approx(balance([0.7, 0.3]))
    # 2019: only UN votes have data; the other channels are null, never 0
    for ch in ("security", "institutions", "events"):
        assert r[(2019, ch)]["balance"] is None and r[(2019, ch)]["n_partners_with_data"] == 0
    assert r[(2019, "combined")]["n_channels"] == 1
    assert r[(2019, "combined")]["balance"] == pytest.approx(r[(2019, "diplomatic")]["balance"])


def test_combined_channel_is_the_mean_of_channel_share_vectors_when_data_are_complete():
    p = _synthetic_panel().filter(pl.col("year") == 2000)
    out = balance_index(p, "KAZ", ["CHN", "RUS", "USA"])
    s = [np.array(v, float) / np.sum(v) for v in ([0.8, 0.8, 0.4], [0, 2, 0], [30, 60, 40], [10, 10, 10])]
    expected = balance(np.mean(s, axis=0))
    got = out.filter(pl.col("channel") == "combined")["balance"].item()
    assert got == pytest.approx(expected)
    assert out.filter(pl.col("channel") == "combined")["n_channels"].item() == 4


def test_balance_index_combined_does_not_penalise_a_power_missing_from_one_channel():
    p = _synthetic_panel().filter(pl.col("year") == 2001)
    out = balance_index(p, "KAZ", ["CHN", "RUS", "USA"], channels=["diplomatic", "events"])
    comb = out.filter(pl.col("channel") == "combined").row(0, named=True)
    # RUS lacks UN data; on events all three are equal, so RUS's relative engagement is 1 (even)
    # and the combined share vector is (mean(r_CHN), r_RUS, mean(r_USA)) renormalised
    r_dip = np.array([0.7, 0.3]) / 1.0 * 2
    r = np.array([(r_dip[0] + 1) / 2, 1.0, (r_dip[1] + 1) / 2])
    assert comb["balance"] == pytest.approx(balance(r))
    assert comb["n_partners_with_data"] == 3


@settings(max_examples=30, deadline=None)
@given(st.permutations(["CHN", "RUS", "USA"]))
def test_balance_index_does_not_depend_on_the_order_of_partners_or_rows(order):
    p = _synthetic_panel()
    base = balance_index(p, "KAZ", ["CHN", "RUS", "USA"])
    other = balance_index(p.sample(fraction=1.0, shuffle=True, seed=1), "KAZ", list(order))
    assert_frame_equal(base, other, check_exact=False, rel_tol=1e-12, abs_tol=1e-12)


def test_balance_index_bootstrap_intervals_only_for_count_channels():
    out = balance_index(_synthetic_panel(), "KAZ", ["CHN", "RUS", "USA"], ci=True, n_boot=200)
    r = {(row["year"], row["channel"]): row for row in out.iter_rows(named=True)}
    assert r[(2000, "diplomatic")]["balance_ci_low"] is None
    assert r[(2000, "combined")]["balance_ci_low"] is None
    lo, hi = r[(2000, "institutions")]["balance_ci_low"], r[(2000, "institutions")]["balance_ci_high"]
    assert 0 <= lo <= hi <= 1


def test_balance_index_explains_wrong_input():
    p = _synthetic_panel()
    with pytest.raises(PanelError, match="unknown channel"):
        balance_index(p, "KAZ", ["CHN", "RUS"], channels=["culture"])
    with pytest.raises(PanelError, match="economy"):
        balance_index(p, "KAZ", ["CHN", "RUS"], channels=["economy"])
    with pytest.raises(PanelError, match="at least two"):
        balance_index(p, "KAZ", ["CHN"])
    with pytest.raises(PanelError, match="iso3_1"):
        balance_index(p.drop("iso3_1"), "KAZ", ["CHN", "RUS"])
    with pytest.raises(PanelError, match="not in the panel"):
        balance_index(p, "UZB", ["CHN", "RUS"])


def test_balance_index_accepts_a_custom_channel_mapping():
    p = _synthetic_panel().with_columns(pl.lit(1.0).alias("embassies"))
    out = balance_index(p, "KAZ", "CHN,RUS,USA", channels={"diplomacy_presence": "embassies"}, combined=False)
    assert out["channel"].unique().to_list() == ["diplomacy_presence"]
    assert out["balance"].to_list() == pytest.approx([1.0, 1.0, 1.0])


def test_diplomatic_balance_of_kazakhstan_from_real_un_votes(un_votes):
    """Real data: Kazakhstan's UN-vote agreement with China, Russia and the US, 1992–2019."""
    v, rc = un_votes
    ag = dyad_year_agreement(v, rc, country_col="country_code", countries=["KZ"], partners=["CN", "RU", "US"],
                             chance_corrected=False).filter(pl.col("year") <= 2019)
    out = balance_from_long(ag, by=["country1", "year"], partner="country2", value="agree").sort("year")
    assert out["year"].to_list() == list(range(1992, 2020))
    assert out["balance"].is_between(0, 1).all()
    # Kazakhstan votes with China and Russia far more often than with the US in every year
    assert set(out["tilt_partner"].drop_nulls().str.split("+").explode().unique()) <= {"CN", "RU"}


def test_bootstrap_intervals_stay_with_their_own_group():
    # synthetic counts built for this test: large counts make each interval tight around its group's balance
    rng = np.random.default_rng(11)
    n = 60
    p = rng.dirichlet(np.ones(3) * 0.5, n)
    cnt = np.round(p * 100_000)
    df = pl.DataFrame({
        "country": np.repeat([f"C{i:02d}" for i in range(n)], 3),
        "year": 2000,
        "partner": np.tile(["CHN", "RUS", "USA"], n),
        "engagement": cnt.ravel(),
    }).sample(fraction=1.0, shuffle=True, seed=2)
    out = balance_from_long(df, ci=True, n_boot=200)
    assert (out["balance_ci_low"] - 0.02 <= out["balance"]).all()
    assert (out["balance"] <= out["balance_ci_high"] + 0.02).all()
    assert ((out["balance_ci_high"] - out["balance_ci_low"]) < 0.05).all()


def test_balance_index_accepts_country_names_as_well_as_codes():
    p = _synthetic_panel()
    by_code = balance_index(p, "KAZ", ["CHN", "RUS", "USA"])
    by_name = balance_index(p, "Kazakhstan", ["China", "Russia", "United States"])
    assert_frame_equal(by_code, by_name)
    with pytest.raises(PanelError, match="no rows of KAZ"):
        balance_index(p, "KAZ", ["TUR", "IND"])
