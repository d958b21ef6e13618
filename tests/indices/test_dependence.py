"""Dependence indices: partner share, HHI, effective partners, Oneal–Russett, Barbieri."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multivector.errors import PanelError
from multivector.indices import (
    add_partner_share,
    dependence_asymmetry,
    dyadic_dependence,
    effective_number_of_partners,
    hhi,
    normalized_hhi,
    partner_concentration,
    partner_share,
    trade_salience,
    trade_symmetry,
    weak_link_dependence,
)

flows = st.lists(st.floats(min_value=0, max_value=1e9, allow_nan=False), min_size=2, max_size=12).filter(
    lambda xs: sum(xs) > 1e-6)
shares = st.floats(min_value=0, max_value=1, allow_nan=False)


@settings(deadline=None)
@given(flows)
def test_partner_shares_sum_to_one_and_lie_in_unit_interval(xs):
    s = partner_share(xs)
    assert np.all((s >= 0) & (s <= 1))
    assert math.isclose(s.sum(), 1.0, rel_tol=1e-9)


@settings(deadline=None)
@given(flows, st.floats(min_value=1e-3, max_value=1e6))
def test_hhi_is_scale_invariant_and_bounded_by_one_over_n_and_one(xs, c):
    h = hhi(xs)
    assert 1 / len(xs) - 1e-12 <= h <= 1 + 1e-12
    assert math.isclose(hhi([c * x for x in xs]), h, rel_tol=1e-9)


@settings(deadline=None)
@given(flows, st.randoms())
def test_concentration_indices_do_not_depend_on_partner_order(xs, rnd):
    ys = xs[:]
    rnd.shuffle(ys)
    assert math.isclose(hhi(xs), hhi(ys), rel_tol=1e-12)
    assert math.isclose(normalized_hhi(xs), normalized_hhi(ys), rel_tol=1e-9, abs_tol=1e-12)


@settings(deadline=None)
@given(flows)
def test_normalized_hhi_is_in_unit_interval_and_effective_partners_between_one_and_n(xs):
    assert 0 <= normalized_hhi(xs) <= 1
    e = effective_number_of_partners(xs)
    assert 1 - 1e-9 <= e <= len(xs) + 1e-9


def test_equal_flows_give_hhi_one_over_n_normalized_zero_and_n_effective_partners():
    assert hhi([3, 3, 3, 3]) == pytest.approx(0.25)
    assert normalized_hhi([3, 3, 3, 3]) == pytest.approx(0.0)
    assert effective_number_of_partners([3, 3, 3, 3]) == pytest.approx(4.0)


def test_all_trade_with_one_partner_gives_hhi_one_and_normalized_one():
    assert hhi([0, 7, 0]) == 1.0
    assert normalized_hhi([0, 7, 0]) == 1.0
    assert effective_number_of_partners([0, 7, 0]) == 1.0


def test_missing_partner_is_left_out_not_counted_as_zero():
    # with a zero the partner counts (N = 3); with a missing value it does not (N = 2)
    assert normalized_hhi([1, 1, 0]) > 0
    assert normalized_hhi([1, 1, np.nan]) == pytest.approx(0.0)
    assert hhi([1, 1, None]) == pytest.approx(0.5)


def test_hhi_works_row_wise_on_a_matrix():
    h = hhi(np.array([[1, 1], [1, 0]]))
    assert h.tolist() == [0.5, 1.0]


def test_negative_flows_are_refused_with_a_clear_error():
    with pytest.raises(PanelError, match="non-negative"):
        hhi([1, -2, 3])


@settings(deadline=None)
@given(st.floats(0, 1e6), st.floats(1, 1e9))
def test_dyadic_dependence_is_trade_over_gdp(t, g):
    assert dyadic_dependence(t, g) == pytest.approx(t / g)


def test_dyadic_dependence_is_missing_for_missing_or_zero_gdp():
    out = dyadic_dependence([10.0, 10.0], [np.nan, 0.0])
    assert np.all(np.isnan(out))


@settings(deadline=None)
@given(st.floats(0, 5), st.floats(0, 5))
def test_asymmetry_is_symmetric_non_negative_and_signed_version_flips(a, b):
    assert dependence_asymmetry(a, b) == dependence_asymmetry(b, a) >= 0
    assert dependence_asymmetry(a, b, signed=True) == -dependence_asymmetry(b, a, signed=True)
    assert weak_link_dependence(a, b) == min(a, b)


@settings(deadline=None)
@given(shares, shares)
def test_barbieri_salience_and_symmetry_are_bounded_and_symmetric(a, b):
    sal, sym = trade_salience(a, b), trade_symmetry(a, b)
    assert 0 <= sal <= 1 and 0 <= sym <= 1
    assert sal == trade_salience(b, a) and sym == trade_symmetry(b, a)


def test_barbieri_salience_and_symmetry_follow_their_formulas_on_a_worked_example():
    # Barbieri (1996): salience = sqrt(share_i * share_j), symmetry = 1 - |share_i - share_j|
    assert trade_salience(0.25, 0.04) == pytest.approx(0.1)
    assert trade_symmetry(0.25, 0.04) == pytest.approx(0.79)


def test_barbieri_refuses_shares_above_one():
    with pytest.raises(PanelError, match="share"):
        trade_salience(1.5, 0.2)


def test_partner_concentration_per_actor_year_on_a_synthetic_panel():
    # synthetic panel built for this test (not real data)
    df = pl.DataFrame({
        "iso3_1": ["KAZ"] * 6, "iso3_2": ["CHN", "RUS", "USA"] * 2, "year": [2000] * 3 + [2001] * 3,
        "trade_total": [1.0, 1.0, 2.0, 5.0, None, 0.0],
    })
    out = partner_concentration(df, "trade_total").sort("year")
    r0, r1 = out.row(0, named=True), out.row(1, named=True)
    assert r0["hhi"] == pytest.approx(0.375) and r0["top_partner"] == "USA" and r0["n_partners"] == 3
    assert r1["n_partners"] == 2 and r1["hhi"] == pytest.approx(1.0) and r1["hhi_normalized"] == pytest.approx(1.0)
    shares_ = add_partner_share(df, "trade_total").filter(pl.col("year") == 2000)["trade_total_share"].to_list()
    assert shares_ == pytest.approx([0.25, 0.25, 0.5])


def test_dyadic_dependence_and_partner_share_reproduce_the_published_fbic_columns(fbic_sample):
    """FBIC (Moyer et al. 2021) publishes trade_ab / GDP_b and trade_ab / all trade of b, in percent."""
    d = fbic_sample.filter((pl.col("totaltradeawithb") > 0) & (pl.col("gdpmer2011usdb") > 0) & (pl.col("alltradeb") > 0))
    assert d.height > 500
    dep = 100 * dyadic_dependence(d["totaltradeawithb"], d["gdpmer2011usdb"])
    np.testing.assert_allclose(dep, d["totaltradeabgdpb"].to_numpy(), rtol=1e-3, atol=2e-6)
    share = 100 * d["totaltradeawithb"].to_numpy() / d["alltradeb"].to_numpy()
    np.testing.assert_allclose(share, d["totaltradeaballtradeb"].to_numpy(), rtol=1e-3, atol=2e-6)
