"""Compare, sensitivity (SALib) and explanation by switching mechanisms off (neutral synthetic start)."""

from __future__ import annotations

import numpy as np
import pytest

from multivector.errors import ScenarioError
from multivector.sim import InitialState, compare, explain, load_scenario, sensitivity

PARTNERS = ("CHN", "RUS", "USA", "EU", "TUR")


@pytest.fixture(scope="module")
def init():
    return InitialState.neutral(["TEST"], PARTNERS)


def test_compare_pairs_runs_and_reports_the_difference(init):
    cmp = compare(["baseline", "china-coercive"], runs=200, years=20, seed=1, init=init)
    t = cmp.table
    row = t.filter((t["scenario"] == "china-coercive") & (t["variable"] == "trust") & (t["partner"] == "CHN")).row(0, named=True)
    assert row["diff_median"] < -0.1
    assert row["share_higher"] < 0.05
    first = t.filter(t["scenario"] == "baseline")
    assert np.allclose(first["diff_median"].to_numpy(), 0.0)
    # paired: same seed, same sampled parameters for everything the scenarios share
    a, b = cmp.results.values()
    np.testing.assert_array_equal(a.parameters["forgetting"], b.parameters["forgetting"])


def test_compare_needs_two_scenarios(init):
    with pytest.raises(ScenarioError, match="at least two"):
        compare(["baseline"], init=init)


def test_compare_same_scenario_twice_gets_distinct_names(init):
    cmp = compare(["baseline", "baseline"], runs=20, years=3, init=init)
    assert list(cmp.results) == ["baseline", "baseline (2)"]


def test_sobol_sensitivity_finds_the_parameter_that_drives_china_trust(init):
    sc = load_scenario("baseline").with_power("CHN", respect=(0.1, 0.9))
    df = sensitivity(sc, outcomes=["trust:CHN"], method="sobol", n=64, years=20, init=init,
                     parameters=["CHN.respect", "forgetting", "gains", "USA.consistency"])
    top = df.row(0, named=True)
    assert top["parameter"] == "CHN.respect"
    assert top["ST"] > 0.5
    assert df.filter(df["parameter"] == "gains")["ST"][0] < 0.1


def test_morris_sensitivity_ranks_the_same_driver_first(init):
    sc = load_scenario("baseline").with_power("CHN", respect=(0.1, 0.9))
    df = sensitivity(sc, outcomes=["trust:CHN"], method="morris", n=20, years=20, init=init,
                     parameters=["CHN.respect", "forgetting", "gains"])
    assert df.row(0, named=True)["parameter"] == "CHN.respect"
    assert {"mu_star", "sigma", "mu_star_conf"} <= set(df.columns)


def test_sensitivity_rejects_a_parameter_without_a_range(init):
    with pytest.raises(ScenarioError, match="no range"):
        sensitivity("baseline", parameters=["conflict_base", "forgetting"], init=init)


def test_sensitivity_rejects_an_unknown_method(init):
    with pytest.raises(ScenarioError, match="sobol, morris"):
        sensitivity("baseline", method="fast", init=init)


@pytest.fixture(scope="module")
def coercion_explained(init):
    return explain("china-coercive", outcomes=["engagement:CHN", "threat:CHN"], runs=150, years=20, init=init, permutations=4)


def test_explain_attributes_coercions_effect_on_engagement_to_trust(coercion_explained):
    df = coercion_explained.filter(coercion_explained["outcome"] == "engagement:CHN")
    total = df.filter(df["mechanism"] == "(all)")["effect"][0]
    assert total < -0.05
    top = df.filter(df["mechanism"] != "(all)").row(0, named=True)
    assert top["mechanism"] == "constructivist.trust_engagement"
    assert top["shapley"] < 0 and top["share"] > 0.5
    # Shapley values and the direct effect add up to the effect
    parts = df.filter(df["mechanism"] != "(all)")
    assert parts["shapley"].sum() == pytest.approx(total, abs=1e-9)
    # a mechanism with nothing to do here (arms do not move: no change of rivalry) contributes nothing
    arms = df.filter(df["mechanism"] == "realist.arms").row(0, named=True)
    assert arms["shapley"] == pytest.approx(0.0, abs=1e-9) and arms["contribution"] == pytest.approx(0.0, abs=1e-9)


def test_explain_gives_the_realist_lens_a_share_of_coercions_threat(coercion_explained):
    df = coercion_explained.filter(coercion_explained["outcome"] == "threat:CHN")
    assert df.filter(df["mechanism"] == "(all)")["effect"][0] > 0.1
    assert df.filter(df["lens"] == "realist")["share"].sum() > 0.2
