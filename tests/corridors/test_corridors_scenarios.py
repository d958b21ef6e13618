"""The shipped disruption scenarios move volumes the way they should (small Monte Carlo; the
benchmark runs the full ones)."""

from __future__ import annotations

import pytest

RUNS = 40


@pytest.fixture(scope="module")
def results(network):
    from multivector.corridors.disruption import run_scenario
    from multivector.corridors.scenario import SHIPPED

    return {name: run_scenario(name, runs=RUNS, seed=0, network=network) for name in SHIPPED}


def _routes(res):
    return {r["name"]: r for r in res.routes()}


def test_every_shipped_scenario_meets_its_intent(results):
    for name, res in results.items():
        assert res.scenario.intent, f"{name} declares no intent"
        met = res.intent_met()
        assert all(met.values()), f"{name}: {met}"


def test_northern_route_closed_sends_its_cargo_to_the_middle_corridor_and_the_sea(results):
    res = results["northern-route-closed"]
    r = _routes(res)
    for name in ("northern", "northern-mongolia", "northern-transsib"):
        assert r[name]["baseline_teu"] > 0
        assert r[name]["scenario_teu"] == pytest.approx(0.0, abs=1e-6)
        assert r[name]["status"] == "closed"
    assert r["middle"]["change_teu"] > 0
    assert r["sea-suez"]["change_teu"] > 0
    # nothing is lost: the cargo moves
    moved = sum(x["change_teu"] for x in r.values())
    assert moved == pytest.approx(0.0, abs=1.0)
    transit = {t["country"]: t for t in res.transit()}
    assert transit["RUS"]["change_teu"] < 0 and transit["BLR"]["change_teu"] < 0
    assert transit["AZE"]["change_teu"] > 0 and transit["GEO"]["change_teu"] > 0 and transit["EGY"]["change_teu"] > 0
    assert {"AZE", "GEO", "TUR", "EGY"} <= set(res.to_dict()["gaining_transit"])
    # the middle corridor's capacity binds more often
    bind = {b["id"]: b for b in res.binding()}
    assert bind["akhalkalaki"]["scenario_binding_share"] > bind["akhalkalaki"]["baseline_binding_share"]
    # and the time-sensitive cargo pays more
    tc = res.demands()[0]["trade_cost_change_pct"]
    assert tc["mean"] > 0


def test_red_sea_closed_replaces_suez_with_the_cape_and_is_slower(results):
    res = results["red-sea-closed"]
    r = _routes(res)
    assert r["sea-suez"]["baseline_teu"] > 1e6 and r["sea-suez"]["scenario_teu"] == pytest.approx(0.0, abs=1e-6)
    assert r["sea-cape"]["baseline_teu"] == pytest.approx(0.0, abs=1e-6)
    assert r["sea-cape"]["scenario_teu"] > 0.9 * r["sea-suez"]["baseline_teu"]
    assert r["sea-cape"]["days_scenario"] > r["sea-suez"]["days_baseline"] + 8
    assert r["middle"]["change_teu"] > 0  # the land routes take what their capacity allows
    d = res.demands()[0]
    assert d["days_scenario"] > d["days_baseline"] + 5
    transit = {t["country"]: t for t in res.transit()}
    assert transit["EGY"]["scenario_teu"] == pytest.approx(0.0, abs=1e-6)


def test_caspian_ferry_outage_cuts_the_middle_corridor(results):
    res = results["caspian-ferry-outage"]
    r = _routes(res)
    assert r["middle"]["scenario_teu"] == pytest.approx(0.0, abs=1e-6)
    assert r["middle-black-sea"]["scenario_teu"] == pytest.approx(0.0, abs=1e-6)
    transit = {t["country"]: t for t in res.transit()}
    assert transit["AZE"]["scenario_teu"] == pytest.approx(0.0, abs=1e-6)


def test_dostyk_congestion_shifts_traffic_to_khorgos(results):
    res = results["border-congestion-dostyk"]
    dostyk_b, dostyk_s = res.baseline.through("dostyk").mean(), res.flows.through("dostyk").mean()
    alt_b, alt_s = res.baseline.through("altynkol").mean(), res.flows.through("altynkol").mean()
    assert dostyk_s < 0.7 * dostyk_b
    assert alt_s > alt_b
    both = _routes(results["border-congestion-dostyk-khorgos"])
    assert both["northern"]["change_teu"] < 0 < both["northern-transsib"]["change_teu"]


def test_middle_corridor_2030_target_draws_cargo_to_it(results):
    r = _routes(results["middle-corridor-2030"])
    assert r["middle"]["scenario_teu"] > r["middle"]["baseline_teu"]
    assert r["middle"]["days_scenario"] < r["middle"]["days_baseline"]


def test_baseline_is_shared_across_scenarios(results):
    """Common random numbers: every scenario is compared with the same baseline draws."""
    import numpy as np

    a = results["red-sea-closed"].baseline.path_flow
    b = results["caspian-ferry-outage"].baseline.path_flow
    assert np.array_equal(a, b)


def test_result_serialises_to_json(results):
    import json

    d = results["northern-route-closed"].to_dict()
    text = json.dumps(d, allow_nan=False)
    back = json.loads(text)
    assert back["routes"][0].keys() >= {"name", "baseline_teu", "scenario_teu", "change_teu", "status"}
    assert isinstance(back["binding_segments"], list)
