"""Timed shocks: `[[shock]]` tables change parameters from a given year on.

Runs start from the neutral (uncalibrated, synthetic) state of `InitialState.neutral`; where a
calendar year is needed the test sets `init.year` by hand, as calibration would.
"""

from __future__ import annotations

import numpy as np
import pytest

from multivector.cli import main
from multivector.errors import ScenarioError
from multivector.sim import InitialState, load_scenario, run_ensemble, sample_parameters, scenario_from_dict

PARTNERS = ("CHN", "RUS", "USA", "EU", "TUR")
CHN = 0


@pytest.fixture(scope="module")
def init():
    return InitialState.neutral(["TEST"], PARTNERS)


@pytest.fixture(scope="module")
def init2019():
    st = InitialState.neutral(["TEST"], PARTNERS)
    st.year = 2019  # as calibration would set it
    return st


def coercion_at_year_5(**extra):
    return load_scenario("baseline").with_shock(5, power="CHN", respect=0.1, **extra)


def test_before_the_shock_year_trajectories_equal_the_scenario_without_it(init):
    shocked = coercion_at_year_5()
    a = run_ensemble(shocked, runs=200, years=12, seed=11, init=init)
    b = run_ensemble(shocked.without_shocks(), runs=200, years=12, seed=11, init=init)
    for k in a.dyad:
        np.testing.assert_array_equal(a.dyad[k][:, :5], b.dyad[k][:, :5], err_msg=k)
    for k in a.middle:
        np.testing.assert_array_equal(a.middle[k][:, :5], b.middle[k][:, :5], err_msg=k)
    assert not np.array_equal(a.dyad["behaviour"][:, 5], b.dyad["behaviour"][:, 5])


def test_lower_respect_from_the_shock_year_lowers_trust_and_raises_threat_for_that_power(init):
    shocked = coercion_at_year_5()
    a = run_ensemble(shocked, runs=300, years=20, seed=4, init=init)
    b = run_ensemble(shocked.without_shocks(), runs=300, years=20, seed=4, init=init)
    d_trust = a.outcome("trust:CHN") - b.outcome("trust:CHN")
    d_threat = a.outcome("threat:CHN") - b.outcome("threat:CHN")
    assert np.mean(d_trust < 0) > 0.95 and np.median(d_trust) < -0.1
    assert np.mean(d_threat > 0) > 0.95
    assert np.median(a.outcome("engagement:CHN") - b.outcome("engagement:CHN")) < 0


def test_a_duration_shock_reverts_its_parameter(init):
    sc = coercion_at_year_5(duration=3).with_mechanisms(off=["rivalry.reaction"])
    params = sample_parameters(sc, init, 50, np.random.default_rng(0))
    base = params.power["respect"]
    assert sorted(params.changes) == [5, 8]
    np.testing.assert_array_equal(params.changes[5].power["respect"][:, :, CHN], 0.1)
    np.testing.assert_array_equal(params.changes[5].power["respect"][:, :, 1:], base[:, :, 1:])
    np.testing.assert_array_equal(params.changes[8].power["respect"], base)
    # behaviour (respect + noise, no rivalry reaction) is lower only in years 5, 6, 7
    a = run_ensemble(sc, runs=100, years=12, seed=2, init=init)
    b = run_ensemble(sc.without_shocks(), runs=100, years=12, seed=2, init=init)
    qa, qb = a.dyad["behaviour"][:, :, 0, CHN], b.dyad["behaviour"][:, :, 0, CHN]
    np.testing.assert_array_equal(qa[:, 1:5], qb[:, 1:5])
    assert np.all(qa[:, 5:8] <= qb[:, 5:8]) and np.mean(qa[:, 5:8] < qb[:, 5:8]) > 0.9
    np.testing.assert_array_equal(qa[:, 8:], qb[:, 8:])


def test_a_later_shock_wins_where_two_overlap_and_ranges_keep_each_runs_position(init):
    sc = (
        load_scenario("baseline")
        .with_shock(3, power="CHN", respect=0.1)
        .with_shock(6, power="CHN", respect=0.9, duration=2)
        .with_shock(4, forgetting=[0.5, 0.6])
    )
    p = sample_parameters(sc, init, 40, np.random.default_rng(1))
    assert sorted(p.changes) == [3, 4, 6, 8]
    np.testing.assert_array_equal(p.changes[6].power["respect"][:, 0, CHN], 0.9)
    np.testing.assert_array_equal(p.changes[8].power["respect"][:, 0, CHN], 0.1)
    # forgetting was drawn in [0.8, 0.9]; its shocked value sits at the same place in [0.5, 0.6]
    np.testing.assert_allclose(p.changes[4].glob["forgetting"] - 0.5, p.glob["forgetting"] - 0.8, atol=1e-12)
    np.testing.assert_array_equal(p.changes[3].glob["forgetting"], p.glob["forgetting"])


def test_a_calendar_year_is_resolved_against_the_start_year(init2019):
    by_year = load_scenario("baseline").with_shock(5, power="RUS", trade_cost=0.7)
    by_at = load_scenario("baseline").with_shock(at=2024, power="RUS", trade_cost=0.7)
    a = run_ensemble(by_year, runs=60, years=8, seed=3, init=init2019)
    b = run_ensemble(by_at, runs=60, years=8, seed=3, init=init2019)
    np.testing.assert_array_equal(a.dyad["engagement"], b.dyad["engagement"])
    assert b.scenario.shocks[0].year == 5
    c = run_ensemble(by_at, runs=60, years=8, seed=3, init=init2019, start_year=2022)
    assert c.scenario.shocks[0].year == 2
    assert "shock[1].RUS.trade_cost" in a.parameters_frame().columns


def test_the_shipped_scenario_closes_the_route_in_2030_only(init2019):
    a = run_ensemble("northern-route-closes-2030", runs=200, years=20, seed=5, init=init2019)
    b = run_ensemble("baseline", runs=200, years=20, seed=5, init=init2019)
    year = 2030 - 2019
    ea, eb = a.dyad["engagement_economy"][:, :, 0, 1], b.dyad["engagement_economy"][:, :, 0, 1]
    np.testing.assert_array_equal(ea[:, :year], eb[:, :year])
    assert np.all(ea[:, -1] < eb[:, -1])


def test_a_calendar_year_without_a_start_year_is_a_scenario_error(init, capsys):
    with pytest.raises(ScenarioError, match=r"shock\[1\].*at = 2030.*year = N"):
        run_ensemble("northern-route-closes-2030", runs=5, years=20, init=init)
    try:
        main(["simulate", "northern-route-closes-2030", "--uncalibrated", "-n", "5"])
        code = 0
    except SystemExit as exc:
        code = exc.code
    assert code == 2 and "at = 2030" in capsys.readouterr().err


def test_a_shock_after_the_last_simulated_year_is_a_scenario_error(init):
    sc = load_scenario("baseline").with_shock(5, power="CHN", respect=0.1)
    with pytest.raises(ScenarioError, match=r"'year = 5' falls after the last simulated year \(4\)"):
        run_ensemble(sc, runs=5, years=4, init=init)


def test_a_calendar_year_before_the_start_is_a_scenario_error(init):
    sc = load_scenario("baseline").with_shock(at=2025, power="CHN", respect=0.1)
    with pytest.raises(ScenarioError, match=r"'at = 2025'.*before year 1"):
        run_ensemble(sc, runs=5, years=10, init=init, start_year=2030)


@pytest.mark.parametrize(
    ("shock", "expected"),
    [
        ({"year": 5, "power": "CHN", "set": {"respekt": 0.2}}, ["shock[1].set.respekt", "consistency, respect"]),
        ({"year": 5, "set": {"respect": 0.2}}, ["shock[1].set.respect", "forgetting", "shock[1].power"]),
        ({"year": 5, "power": "JPN", "set": {"respect": 0.2}}, ["shock[1].power", "CHN, RUS, USA, EU, TUR"]),
        ({"year": 0, "power": "CHN", "set": {"respect": 0.2}}, ["shock[1].year", "[1, 30]"]),
        ({"year": 31, "power": "CHN", "set": {"respect": 0.2}}, ["shock[1].year", "[1, 30]"]),
        ({"at": 30, "power": "CHN", "set": {"respect": 0.2}}, ["shock[1].at", "[1800, 2300]"]),
        ({"power": "CHN", "set": {"respect": 0.2}}, ["shock[1].year", "shock[1].at"]),
        ({"year": 2, "at": 2030, "power": "CHN", "set": {"respect": 0.2}}, ["exactly one of"]),
        ({"year": 5, "power": "CHN", "set": {"respect": 1.5}}, ["shock[1].set.respect", "[0, 1]"]),
        ({"year": 5, "power": "CHN", "set": {"respect": "calibrated"}}, ["shock[1].set.respect"]),
        ({"year": 5, "power": "CHN", "set": {}}, ["shock[1].set", "respect"]),
        ({"year": 5, "power": "CHN", "set": {"respect": 0.2}, "duration": 0}, ["shock[1].duration"]),
        ({"year": 5, "power": "CHN", "set": {"respect": 0.2}, "when": 3}, ["shock[1].when", "shock[1].duration"]),
    ],
)
def test_invalid_shock_tables_raise_a_scenario_error_naming_the_key(shock, expected):
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict({"shock": [shock]})
    for text in expected:
        assert text in str(err.value), (text, str(err.value))


def test_a_bad_shock_in_a_file_names_the_file_and_the_shock(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text(
        '[scenario]\nextends = "baseline"\n\n[[shock]]\nyear = 2\nset = { forgetting = 0.5 }\n\n'
        '[[shock]]\nyear = 3\npower = "CHN"\nset = { trade_costs = 0.5 }\n'
    )
    with pytest.raises(ScenarioError, match=r"bad\.toml.*shock\[2\]\.set\.trade_costs.*trade_cost"):
        load_scenario(p)


def test_a_derived_scenario_keeps_its_base_shocks_and_adds_its_own(tmp_path):
    p = tmp_path / "later.toml"
    p.write_text('[scenario]\nextends = "northern-route-closes-2030"\n\n[[shock]]\nat = 2035\npower = "CHN"\nset = { respect = 0.2 }\n')
    sc = load_scenario(p)
    assert [(s.at, s.power) for s in sc.shocks] == [(2030, "RUS"), (2035, "CHN")]
    assert sc.shocks[1].label == "shock[2]"


def test_dask_backend_gives_results_identical_to_local_with_a_shock(init):
    distributed = pytest.importorskip("distributed")
    sc = coercion_at_year_5(duration=2).with_shock(3, forgetting=[0.6, 0.7])
    local = run_ensemble(sc, runs=80, years=8, seed=7, init=init, chunk=40)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        remote = run_ensemble(sc, runs=80, years=8, seed=7, init=init, chunk=40, backend="dask", client=client)
    for k in local.dyad:
        np.testing.assert_array_equal(local.dyad[k], remote.dyad[k])
    for k in local.middle:
        np.testing.assert_array_equal(local.middle[k], remote.middle[k])
    for k in local.parameters:
        np.testing.assert_array_equal(local.parameters[k], remote.parameters[k])
