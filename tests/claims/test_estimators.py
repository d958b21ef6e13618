"""The estimators under the claims, each checked against a reference or a known truth (SYNTHETIC
data built in each test)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from multivector.claims import estimators as E
from multivector.claims.dates import parse_date, parse_dates
from multivector.claims.relative import relative_cube
from multivector.claims.synthetic import synthetic_break_series


def test_newey_west_slope_equals_statsmodels():
    import statsmodels.api as sm

    rng = np.random.default_rng(4)
    x = np.cumsum(rng.normal(size=30))
    y = 0.4 * x + np.convolve(rng.normal(size=32), [1, 0.6, 0.3], "valid")
    ours = E.hac_slope(y, x, lags=5)
    ref = sm.OLS(y, sm.add_constant(x)).fit(cov_type="HAC", cov_kwds={"maxlags": 5, "use_correction": True}, use_t=True)
    assert ours["estimate"] == pytest.approx(ref.params[1], rel=1e-10)
    assert ours["se"] == pytest.approx(ref.bse[1], rel=1e-10)
    assert ours["p_value"] == pytest.approx(ref.pvalues[1], rel=1e-8)
    assert E.newey_west_lags(28) == 7


def test_simplex_weights_match_an_exact_solver_and_recover_a_convex_combination():
    from scipy.optimize import nnls

    rng = np.random.default_rng(0)
    for _ in range(10):
        A = rng.normal(size=(20, 30)).cumsum(axis=0)
        b = rng.normal(size=20).cumsum()
        w = E.simplex_weights(b, A)
        M = 1e4 * max(abs(A).max(), abs(b).max())
        we, _ = nnls(np.vstack([A, M * np.ones((1, 30))]), np.concatenate([b, [M]]), maxiter=5000)
        we /= we.sum()
        f = lambda v: np.sum((b - A @ v) ** 2)  # noqa: E731
        assert w.min() >= 0 and w.sum() == pytest.approx(1.0)
        assert f(w) <= f(we) * (1 + 1e-5) + 1e-9
    Y0 = rng.normal(size=(25, 12)).cumsum(axis=0)
    truth = np.zeros(12)
    truth[[1, 4, 7]] = [0.5, 0.3, 0.2]
    assert E.simplex_weights(Y0 @ truth, Y0) == pytest.approx(truth, abs=2e-3)


def test_synthetic_control_finds_an_effect_after_the_date_and_none_without_one():
    rng = np.random.default_rng(1)
    T, D = 24, 30
    pre = np.arange(T) < 16
    Y0 = rng.normal(size=(T, D)).cumsum(axis=0) * 0.3
    w = rng.dirichlet(np.ones(4))
    base = Y0[:, :4] @ w + rng.normal(0, 0.05, T)
    hit = E.synthetic_control_test(base + 2.0 * ~pre, Y0, pre, [f"D{i}" for i in range(D)])
    assert hit.fit.effect == pytest.approx(2.0, abs=0.3) and hit.p_value <= 1 / (D + 1) + 1e-12
    assert hit.fit.pre_rmspe < 0.2
    none = E.synthetic_control_test(base, Y0, pre, [f"D{i}" for i in range(D)])
    assert none.p_value > 0.05 and abs(none.fit.effect) < 0.3


def test_placebo_share_is_a_two_sided_permutation_p_value():
    draws = np.linspace(-1, 1, 201)
    assert E.placebo_share(0.9, draws) == pytest.approx((1 + 22) / 202)
    assert E.placebo_share(-0.9, draws) == E.placebo_share(0.9, draws)
    assert E.placebo_share(5.0, draws) == pytest.approx(1 / 202)  # never zero
    assert np.isnan(E.placebo_share(0.5, np.array([])))


def test_focus_placebo_keeps_the_focus_series_and_subsets_draw_without_replacement():
    rng = np.random.default_rng(0)
    f = np.linspace(-1, 1, 20)
    Z = np.column_stack([f + rng.normal(0, 0.01, 20), -f, rng.normal(size=20)])
    r = E.focus_correlations(f, Z)
    assert r[0] == pytest.approx(1, abs=1e-3) and r[1] == pytest.approx(-1)
    m = E.subset_means(np.array([1.0, 2.0, 3.0]), 3, 5, rng)
    assert np.allclose(m, 2.0)


def test_holm_is_step_down_and_monotone():
    assert E.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    out = E.holm([0.2, float("nan"), 0.01])
    assert np.isnan(out[1]) and out[2] == pytest.approx(0.02) and out[0] == pytest.approx(0.2)


def test_a_large_break_is_dated_and_a_smooth_hump_is_not_a_break():
    """Small Monte Carlo (full curve: benchmarks/bench_claims.py): a 5-SD level shift in 30 years of
    AR(1) noise around a random cubic is dated within ±1 year in most draws; a smooth inverted U
    almost never reads as a break."""
    dated = hump = 0
    n = 30
    for r in range(n):
        yrs, y, tr = synthetic_break_series("break", size=5.0, seed=r)
        bt = E.sup_f_break(y, yrs, n_boot=299)
        dated += bt.p_value <= 0.05 and abs(bt.break_year - tr["break_year"]) <= 1
        yrs, y, _ = synthetic_break_series("inverted_u", size=2.0, seed=1000 + r)
        hump += E.sup_f_break(y, yrs, n_boot=299).p_value <= 0.05
    assert dated / n >= 0.7
    assert hump / n <= 0.15


def test_break_test_size_is_controlled_under_autocorrelated_noise():
    rej = 0
    for r in range(60):
        yrs, y, _ = synthetic_break_series("none", rho=0.6, seed=5000 + r)
        rej += E.sup_f_break(y, yrs, n_boot=299).p_value <= 0.05
    assert rej / 60 <= 0.12


def test_named_dates_map_to_the_first_session_that_votes_after_them():
    inv = parse_date("2022")
    assert inv.date == dt.date(2022, 2, 24) and inv.series_year(True) == 2021 and inv.session() == 76
    assert inv.series_year(False) == 2022
    assert "session 76" in inv.describe(True) and "series year 2021" in inv.describe(True)
    bri = parse_date(2013)
    assert bri.series_year(True) == 2013  # 7 Sept 2013: session 67 had ended, session 68 votes after it
    assert parse_date("2014").series_year(True) == 2013  # Crimea, Feb 2014: session 68 still voting
    assert parse_date("2016-08-01").series_year(True) == 2016
    assert [d.date.year for d in parse_dates("2013,2022")] == [2013, 2022]
    from multivector.errors import MultivectorError

    with pytest.raises(MultivectorError, match="not a date"):
        parse_date("BRI")


def test_relative_engagement_removes_country_year_and_partner_year_shocks():
    """SYNTHETIC: y = dyad level + country-year shock + partner-year shock + noise. The relative
    measure keeps the noise (the dyad's own movement) and drops both shocks."""
    rng = np.random.default_rng(2)
    C, P, T = 30, 35, 20
    dyad = rng.normal(size=(C, P, 1))
    cy = rng.normal(size=(C, 1, T)) * 5
    py = rng.normal(size=(1, P, T)) * 5
    e = rng.normal(size=(C, P, T)) * 0.3
    Y = dyad + cy + py + e
    rp = np.ones(P, dtype=bool)
    rp[:3] = False  # three named partners
    rc = np.ones(C, dtype=bool)
    rc[0] = False
    R, adj = relative_cube(Y, 0, rp, rc, log=False)
    assert adj.country_year and adj.partner_year
    for p in range(3):  # the middle power's series with the named partners follow their own noise
        r = R[0, p] - R[0, p].mean()
        target = e[0, p] - e[0, p].mean()
        assert np.corrcoef(r, target)[0, 1] > 0.9
        assert abs(np.corrcoef(r, cy[0, 0])[0, 1]) < 0.5


def test_the_share_of_own_igos_equals_shared_counts_after_the_country_year_adjustment():
    rng = np.random.default_rng(3)
    C, P, T = 25, 30, 12
    own = rng.integers(20, 60, size=(C, 1, T)).astype(float)
    shared = np.minimum(own, rng.integers(1, 40, size=(C, P, T))).astype(float)
    rp = np.ones(P, dtype=bool)
    rc = np.ones(C, dtype=bool)
    rc[0] = False
    share, _ = relative_cube(np.log(shared / own), 0, rp, rc, log=False)
    count, _ = relative_cube(np.log(shared), 0, rp, rc, log=False)
    assert np.allclose(share, count, equal_nan=True, atol=1e-5)  # single-precision arithmetic


def test_synthetic_control_weights_equal_pysyncon_with_the_same_v():
    """The batched solver against a maintained synthetic-control package (pysyncon, dev dependency):
    outcome-only, V chosen so that pysyncon's row scaling is undone."""
    pd = pytest.importorskip("pandas")
    pysyncon = pytest.importorskip("pysyncon")
    rng = np.random.default_rng(0)
    T0, D = 18, 20
    Y0 = rng.normal(size=(T0, D)).cumsum(axis=0)
    y = Y0[:, :3] @ np.array([0.6, 0.3, 0.1]) + rng.normal(0, 0.3, T0)
    X0 = pd.DataFrame(Y0, columns=[f"d{i}" for i in range(D)])
    X1 = pd.Series(y, name="treated")
    scale2 = pd.concat([X0, X1], axis=1).std(axis=1).to_numpy() ** 2
    ref = pysyncon.Synth()
    ref.fit(X0=X0, X1=X1, Z0=X0, Z1=X1, custom_V=scale2)
    ours = E.simplex_weights(y, Y0)
    assert ours == pytest.approx(np.asarray(ref.W), abs=2e-3)
    loss = lambda w: np.sum((y - Y0 @ w) ** 2)  # noqa: E731
    assert loss(ours) <= loss(np.asarray(ref.W)) * (1 + 1e-5)
