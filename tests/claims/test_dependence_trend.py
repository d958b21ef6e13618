"""Is a partner's share drifting? ``share_trend`` on series built here with a known truth (labelled
synthetic data), including the confounders that would fool a naive trend: autocorrelated noise, a
change of source in the middle of the window, too few years — and on Kazakhstan's real data."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from multivector.claims.dependence import (
    FALLING,
    NO_TREND,
    RISING,
    pooled_autocorrelation,
    share_trend,
)
from multivector.claims.synthetic import _ar1

YEARS = list(range(2014, 2024))


def ar1(rng, n: int, rho: float, sd: float) -> np.ndarray:
    """AR(1) noise with innovation SD ``sd`` (the claims' synthetic-data generator takes the marginal SD)."""
    return _ar1(rng, (n,), rho, sd / np.sqrt(1 - rho**2))


def pooled_floor(rng, rho: float) -> float:
    """What dependence_risk gives share_trend: the autocorrelation pooled over a country's longer
    series (here ten 20-year series with the same noise)."""
    rows = []
    for k in range(10):
        y = 0.1 + ar1(rng, 20, rho, 0.01)
        rows += [{"partner": f"P{k}", "reporter": "country", "year": 1990 + t, "partner_share": float(y[t]),
                  "source": "dots 2022-02"} for t in range(20)]
    return max(pooled_autocorrelation(pl.DataFrame(rows))[0], 0.0)


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.6])
def test_no_drift_is_rarely_called_a_trend_even_with_autocorrelated_noise(rho):
    """Flat shares with AR(1) noise: 'rising' or 'falling' at most about as often as the 5 % level
    allows (measured ≤ 3.5 % at ρ = 0, 0.3, 0.5, 0.7 in 1,500 draws)."""
    rng = np.random.default_rng(7)
    calls = 0
    draws = 400
    for _ in range(draws):
        floor = pooled_floor(rng, rho)
        r = share_trend(YEARS, (0.2 + ar1(rng, 10, rho, 0.01)).tolist(), rho_floor=floor)
        calls += r["reading"] in (RISING, FALLING)
    assert calls / draws <= 0.07


def test_the_autocorrelation_floor_is_what_keeps_false_trends_rare():
    """Without the pooled floor, ten autocorrelated points understate their persistence and the
    test would call trends in flat series far more often than 5 %: the floor is doing real work."""
    rng = np.random.default_rng(11)
    without = with_floor = 0
    for _ in range(400):
        y = (0.2 + ar1(rng, 10, 0.6, 0.01)).tolist()
        without += share_trend(YEARS, y)["reading"] in (RISING, FALLING)
        with_floor += share_trend(YEARS, y, rho_floor=pooled_floor(rng, 0.6))["reading"] in (RISING, FALLING)
    assert without / 400 > 0.10 and with_floor < without / 2


def test_a_real_drift_is_found_and_its_interval_covers_the_truth():
    """+1 pp a year with mild autocorrelation (ρ = 0.3): found in most draws, the 95 % interval holds
    the true slope in most of the draws it assesses."""
    rng = np.random.default_rng(3)
    found = covered = assessed = 0
    for _ in range(300):
        y = 0.15 + 0.01 * np.arange(10) + ar1(rng, 10, 0.3, 0.01)
        r = share_trend(YEARS, y.tolist(), rho_floor=pooled_floor(rng, 0.3))
        if r["reading"] is None:
            continue
        assessed += 1
        found += r["reading"] == RISING
        covered += r["slope_low"] <= 0.01 <= r["slope_high"]
    assert assessed >= 240 and found / 300 >= 0.7 and covered / assessed >= 0.9


def test_a_change_of_source_is_not_read_as_drift():
    """Flat at 15 % in DOTS to 2017, flat at 22 % in the national statistics from 2018: a level
    shift from the change of publisher. Only the latest publisher's run is used — and a naive fit
    over the whole window would have called it a rise."""
    rng = np.random.default_rng(5)
    y = [0.15 + rng.normal(0, 0.002) for _ in range(4)] + [0.22 + rng.normal(0, 0.002) for _ in range(6)]
    src = ["dots 2022-02"] * 4 + [f"kaz_bns {2019 + k} edition" for k in range(6)]
    r = share_trend(YEARS, y, src)
    assert r["first"] == 2018 and r["points"] == 6 and r["source"] == "kaz_bns"
    assert r["reading"] in (NO_TREND, None)  # no trend, or too short to say — never a rise
    from scipy import stats

    naive = stats.linregress(YEARS, y)  # a plain trend over the whole window: a spurious, "significant" rise
    assert naive.slope > 0.005 and naive.pvalue < 0.01


def test_a_shock_common_to_all_trade_does_not_move_a_share():
    """Trade with everyone falls by 30 % in 2020 and recovers: the share (a ratio) is unchanged,
    so no trend is found where a trend in the value of trade would show a dip."""
    total = np.array([100, 102, 104, 106, 108, 109, 76, 90, 105, 110], dtype=float)
    share = 0.2 * total / total + np.array([0.001, -0.001] * 5)
    r = share_trend(YEARS, share.tolist())
    assert r["reading"] == NO_TREND


def test_too_few_years_or_too_persistent_is_said_not_guessed():
    short = share_trend([2020, 2021, 2022, 2023], [0.1, 0.12, 0.14, 0.16])
    assert short["reading"] is None and "at least 6" in short["why_not"]
    persistent = share_trend(YEARS[:6], [0.1, 0.11, 0.12, 0.13, 0.14, 0.15], rho_floor=0.8)
    assert persistent["reading"] is None and "independent observations" in persistent["why_not"]


def test_the_extrapolation_to_the_threshold_is_arithmetic_and_labelled():
    y = [0.16 + 0.01 * k + (0.0005 if k % 2 else -0.0005) for k in range(10)]  # 25 % in 2023, +1 pp a year
    r = share_trend(YEARS, y, threshold=0.30)
    assert r["reading"] == RISING
    assert r["years_to_threshold"] == pytest.approx(5.0, abs=0.2)
    lo, hi = r["years_to_threshold_range"]
    assert lo < r["years_to_threshold"] < hi
    assert "not a forecast" in r["note"]
    down = share_trend(YEARS, y[::-1], threshold=0.30)
    assert down["reading"] == FALLING and "years_to_threshold" not in down


def test_kazakhstans_shares_get_a_trend_or_a_reason_in_the_verdict():
    """Real data: each partner's row says the trend of the latest source's run, or why none was
    assessed; the pooled autocorrelation comes from Kazakhstan's own longer series."""
    from multivector.claims.bottom_line import dependence_for

    res = dependence_for("KAZ")
    assert res.parameters["trend"]["autocorrelation_runs"] >= 5
    assert 0 <= res.parameters["trend"]["autocorrelation_floor"] < 0.9
    checked = 0
    for row in res.results:
        if row["partner"] is None or not row["figures"]:
            continue
        for reporter, t in row["trends"].items():
            assert (t["reading"] in (RISING, FALLING, NO_TREND)) != bool(t.get("why_not"))
            if reporter == "country":  # Kazakhstan's own figures: the national statistics' run only
                assert t["source"] == "kaz_bns" and t["last"] == row["year"] and t["first"] >= 2014
            checked += 1
            assert (t.get("note") or "x") in row["note"] or t.get("why_not")
    assert checked >= 5
    if any(t.get("why_not") for r in res.results for t in (r.get("trends") or {}).values()):
        assert any("no evidence either way on a drift" in n for n in res.notes)
