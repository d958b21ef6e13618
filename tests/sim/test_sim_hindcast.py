"""Hindcasts: calibrate at a past year only, simulate forward, score against what was observed."""

from __future__ import annotations

import json
import math

import numpy as np
import polars as pl
import pytest
from scipy import stats

from multivector.cli import main
from multivector.errors import MultivectorError
from multivector.sim.calibration import panel_for_calibration
from multivector.sim.hindcast import crps_samples, hindcast

PARTNERS = ("CHN", "RUS", "USA", "EU", "TUR")


@pytest.fixture(scope="module")
def panel():
    df, _ = panel_for_calibration(["KAZ"], PARTNERS, years=(1990, 2019))  # the bundled starter pack
    return df


@pytest.fixture(scope="module")
def kaz(panel):
    return hindcast("KAZ", 2008, 2019, runs=300, seed=1, panel=panel)


def test_crps_of_samples_matches_the_closed_form_for_a_normal():
    rng = np.random.default_rng(0)
    mu, sigma, y = 0.3, 0.1, 0.42
    x = rng.normal(mu, sigma, 200_000)
    z = (y - mu) / sigma
    exact = sigma * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / math.sqrt(math.pi))  # Gneiting & Raftery 2007
    assert crps_samples(x, y) == pytest.approx(exact, rel=5e-3)
    assert crps_samples(np.array([0.5]), 0.2) == pytest.approx(0.3)  # a point forecast: absolute error


def test_the_hindcast_never_reads_data_after_its_start(panel):
    a = hindcast("KAZ", 2008, 2012, runs=50, seed=2, panel=panel)
    numeric = [c for c in panel.columns if c not in ("iso3_1", "iso3_2", "year") and panel[c].dtype.is_numeric()]
    wild = panel.with_columns([pl.when(pl.col("year") > 2008).then(pl.col(c) * 3 + 1).otherwise(pl.col(c)).alias(c) for c in numeric])
    b = hindcast("KAZ", 2008, 2012, runs=50, seed=2, panel=wild)
    for k in ("engagement", "trust", "threat", "strength"):
        np.testing.assert_array_equal(getattr(a.result.init, k), getattr(b.result.init, k))
    assert a.result.init.year == 2008
    np.testing.assert_array_equal(a.result.dyad["engagement"], b.result.dyad["engagement"])
    assert a.noise == b.noise  # the error model is fitted before the start too
    assert not a.points["observed"].equals(b.points["observed"])  # only the scoring sees later years


def test_the_scores_are_given_overall_and_per_channel(kaz):
    m = kaz.metrics()
    for key in ("coverage_50", "coverage_90", "crps", "skill_persistence", "skill_trend", "crps_persistence", "crps_trend"):
        assert key in m
    assert 0 <= m["coverage_50"] <= m["coverage_90"] <= 1 and m["crps"] > 0 and m["n_points"] > 100
    assert {"engagement_diplomatic", "engagement_security", "engagement_institutions", "behaviour", "threat"} <= set(m["channels"])
    for ch in m["channels"].values():
        assert {"coverage_50", "coverage_90", "crps", "skill_persistence", "skill_trend"} <= set(ch)
    assert "model_only" in m and m["model_only"]["coverage_90"] <= m["coverage_90"] + 1e-9
    # with trade by partner in the store (the starter pack), economy and dependence are scored too
    assert {"engagement_economy", "dependence"} <= set(m["channels"]) and not m["channels_without_observations"]
    json.loads(kaz.to_json())  # valid JSON (no NaN)


def test_points_compare_the_right_years(kaz):
    pts = kaz.points
    assert pts["year"].min() == 2009 and pts["year"].max() <= 2019
    beh = pts.filter(pl.col("channel") == "behaviour")
    assert beh["year"].max() == 2014  # ICEWS ends in 2014: no later behaviour is invented
    assert pts.filter(pl.col("channel") == "engagement_institutions")["year"].max() == 2014


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [(1985, 2019, ["--from 1985", "data start in", "allowed"]), (2019, 2025, ["--from 2019", "data end in 2019", "allowed"]),
     (2010, 2008, ["--to 2008", "after --from 2010"])],
)
def test_start_years_without_data_are_clear_errors(panel, start, end, expected):
    with pytest.raises(MultivectorError) as e:
        hindcast("KAZ", start, end, runs=10, panel=panel)
    for text in expected:
        assert text in str(e.value), (text, str(e.value))


def test_the_cli_gives_json_with_the_contracts_fields(capsys, tmp_path):
    try:
        main(["simulate", "hindcast", "KAZ", "--from", "2008", "--to", "2014", "--format", "json", "-n", "100", "--no-chart"])
    except SystemExit as exc:
        assert not exc.code
    m = json.loads(capsys.readouterr().out)
    assert m["from"] == 2008 and m["to"] == 2014
    for key in ("coverage_50", "coverage_90", "crps", "skill_persistence", "skill_trend"):
        assert key in m and key in m["channels"]["engagement_diplomatic"]


def test_the_cli_reports_a_bad_start_year_without_a_traceback(capsys):
    with pytest.raises(SystemExit) as e:
        main(["simulate", "hindcast", "KAZ", "--from", "1980", "--to", "1995", "-n", "10", "--no-chart"])
    err = capsys.readouterr().err
    assert e.value.code == 2 and "--from 1980" in err and "allowed" in err and "Traceback" not in err
