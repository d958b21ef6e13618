"""Ensembles: reproducible with a seed, chunked the same on every backend, written with provenance.

Runs start from the neutral (uncalibrated, synthetic) state unless said otherwise.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from multivector.errors import ScenarioError
from multivector.sim import InitialState, run_ensemble
from multivector.sim.ensemble import chunk_sizes

PARTNERS = ("CHN", "RUS", "USA", "EU", "TUR")


@pytest.fixture(scope="module")
def init():
    return InitialState.neutral(["TEST"], PARTNERS)


def test_same_seed_gives_identical_results(init):
    a = run_ensemble("china-coercive", runs=300, years=10, seed=42, init=init)
    b = run_ensemble("china-coercive", runs=300, years=10, seed=42, init=init)
    for k in a.dyad:
        np.testing.assert_array_equal(a.dyad[k], b.dyad[k])
    for k in a.parameters:
        np.testing.assert_array_equal(a.parameters[k], b.parameters[k])


def test_different_seeds_give_different_results(init):
    a = run_ensemble("baseline", runs=100, years=5, seed=1, init=init)
    b = run_ensemble("baseline", runs=100, years=5, seed=2, init=init)
    assert not np.array_equal(a.dyad["trust"], b.dyad["trust"])


def test_parameters_are_sampled_inside_their_ranges(init):
    res = run_ensemble("china-coercive", runs=500, years=2, seed=0, init=init)
    r = res.parameters["CHN.respect"]  # "calibrated - 85%" … "calibrated - 65%" of the neutral record 0.5
    assert r.min() >= 0.075 - 1e-6 and r.max() <= 0.175 + 1e-6 and r.std() > 0.02
    f = res.parameters["forgetting"]
    assert f.min() >= 0.8 and f.max() <= 0.9
    assert np.all(res.parameters["rivalry.CHN-USA"] >= 0.3 - 1e-7)


def test_runs_are_split_into_fixed_chunks():
    assert chunk_sizes(10_000, 2500) == [2500] * 4
    assert chunk_sizes(2600, 2500) == [2500, 100]
    with pytest.raises(ScenarioError):
        chunk_sizes(0)


def test_first_runs_do_not_depend_on_the_total_number_of_runs(init):
    small = run_ensemble("baseline", runs=30, years=5, seed=9, init=init, chunk=10)
    large = run_ensemble("baseline", runs=50, years=5, seed=9, init=init, chunk=10)
    np.testing.assert_array_equal(small.dyad["engagement"], large.dyad["engagement"][:30])


def test_states_stay_in_the_unit_interval(init):
    res = run_ensemble("rivalry-escalates", runs=300, years=40, seed=3, init=init)
    for k, v in {**res.dyad, **res.middle}.items():
        x = v[:, 1:] if k == "behaviour" else v
        assert np.nanmin(x) >= 0.0 and np.nanmax(x) <= 1.0, k
    assert np.all(res.middle["balance"] >= 1 / len(PARTNERS) - 1e-6)


def test_unknown_backend_is_a_scenario_error(init):
    with pytest.raises(ScenarioError, match="allowed: local, dask"):
        run_ensemble("baseline", runs=10, init=init, backend="spark")


def test_unknown_outcome_lists_the_allowed_ones(init):
    res = run_ensemble("baseline", runs=10, years=2, init=init)
    with pytest.raises(ScenarioError, match="engagement:PARTNER"):
        res.outcome("engagement:IND")


def test_results_parquet_has_one_row_per_run_year_partner_and_provenance(init, tmp_path):
    res = run_ensemble("northern-route-closed", runs=20, years=4, seed=1, init=init)
    written = res.write_parquet(tmp_path / "out.parquet")
    df = pl.read_parquet(written[0])
    assert df.height == 20 * 5 * 5
    assert {"run", "year", "country", "partner", "engagement", "trust", "threat", "balance"} <= set(df.columns)
    meta = pl.read_parquet_metadata(written[0])
    assert meta["multivector.scenario"] == "northern-route-closed"
    assert meta["multivector.calibrated"] == "false"
    assert meta["multivector.seed"] == "1"
    params = pl.read_parquet(written[1])
    assert params.height == 20 and "RUS.trade_cost" in params.columns


def test_a_closed_route_lowers_economic_engagement_with_that_partner(init):
    a = run_ensemble("baseline", runs=300, seed=4, init=init)
    b = run_ensemble("northern-route-closed", runs=300, seed=4, init=init)
    assert b.outcome("engagement_economy:RUS").mean() < a.outcome("engagement_economy:RUS").mean() - 0.05


def test_the_number_of_workers_does_not_change_the_numbers(init):
    a = run_ensemble("china-coercive", runs=90, years=6, seed=5, init=init, chunk=30, workers=1)
    b = run_ensemble("china-coercive", runs=90, years=6, seed=5, init=init, chunk=30, workers=3)
    for k in a.dyad:
        np.testing.assert_array_equal(a.dyad[k], b.dyad[k])
    np.testing.assert_array_equal(a.power["arms"], b.power["arms"])


def test_start_values_name_their_source_and_go_into_the_parquet_metadata(tmp_path):
    from multivector.sim.model import StartValue

    init = InitialState.neutral(["TEST"], PARTNERS)
    init.sources = [StartValue("TEST", "CHN", "engagement_diplomatic", 0.8, "UN GA vote agreement (Voeten)", "2015–2019", 480, "joint votes")]
    res = run_ensemble("baseline", runs=5, years=2, init=init)
    sv = res.start_values()
    assert sv.row(0, named=True)["evidence"] == 480 and sv.row(0, named=True)["years"] == "2015–2019"
    written = res.write_parquet(tmp_path / "r.parquet")
    meta = pl.read_parquet_metadata(written[0])
    assert "Voeten" in meta["multivector.start_values"]


def test_coercion_lowers_trust_and_raises_threat(init):
    a = run_ensemble("baseline", runs=300, seed=4, init=init)
    b = run_ensemble("china-coercive", runs=300, seed=4, init=init)
    assert b.outcome("trust:CHN").mean() < a.outcome("trust:CHN").mean() - 0.1
    assert b.outcome("threat:CHN").mean() > a.outcome("threat:CHN").mean() + 0.05


def test_two_middle_powers_run_side_by_side():
    init2 = InitialState.neutral(["AAA", "BBB"], PARTNERS)
    res = run_ensemble("baseline", runs=20, years=3, seed=0, init=init2)
    assert res.dyad["trust"].shape == (20, 4, 2, 5)
    assert res.to_polars()["country"].n_unique() == 2


def test_dask_backend_gives_results_identical_to_local(init):
    distributed = pytest.importorskip("distributed")
    local = run_ensemble("china-consistent", runs=120, years=8, seed=7, init=init, chunk=40)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        remote = run_ensemble("china-consistent", runs=120, years=8, seed=7, init=init, chunk=40, backend="dask", client=client)
    for k in local.dyad:
        np.testing.assert_array_equal(local.dyad[k], remote.dyad[k])
    for k in local.middle:
        np.testing.assert_array_equal(local.middle[k], remote.middle[k])


@pytest.mark.slow
def test_dask_backend_on_two_worker_processes_gives_identical_results(init):
    distributed = pytest.importorskip("distributed")
    local = run_ensemble("russia-pressure", runs=90, years=6, seed=3, init=init, chunk=30)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        remote = run_ensemble("russia-pressure", runs=90, years=6, seed=3, init=init, chunk=30, backend="dask", client=client)
    np.testing.assert_array_equal(local.dyad["trust"], remote.dyad["trust"])
    np.testing.assert_array_equal(local.middle["capacity"], remote.middle["capacity"])


def test_years_are_calendar_years_from_the_calibration_year():
    init = InitialState.neutral(["TEST"], PARTNERS)
    init.year = 2019  # as set by calibration
    res = run_ensemble("baseline", runs=5, years=3, seed=0, init=init)
    assert res.to_polars()["year"].unique().sort().to_list() == [2019, 2020, 2021, 2022]
