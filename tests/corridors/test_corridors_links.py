"""From a disruption to the GE model and the simulator's economic channel; the map; a registry database."""

from __future__ import annotations

import math

import numpy as np
import pytest


@pytest.fixture(scope="module")
def northern(network):
    from multivector.corridors.disruption import run_scenario

    return run_scenario("northern-route-closed", runs=30, seed=0, network=network)


def _tiny_world():
    """A made-up four-country world with domestic flows (US$ bn): China, Germany, France, Türkiye."""
    from multivector import econ

    countries = ["CHN", "DEU", "FRA", "TUR"]
    flows = np.array([[900.0, 60.0, 40.0, 20.0],
                      [50.0, 700.0, 90.0, 15.0],
                      [30.0, 95.0, 600.0, 10.0],
                      [10.0, 20.0, 12.0, 300.0]])
    dist = np.array([[1, 8, 9, 7], [8, 1, 2, 3], [9, 2, 1, 3], [7, 3, 3, 1]], float)
    costs = dist ** -0.9 * np.where(np.eye(4) == 1, 1.0, math.exp(-1.5))
    return econ.GEBaseline(countries, flows, costs, sigma=7.0, reference="DEU")


def test_ge_lowers_china_eu_trade_when_the_northern_route_closes(northern):
    ge = northern.ge(_tiny_world())
    assert ge.pct["china-europe"]["median"] > 0
    assert set(ge.pairs_changed) == {"CHN-DEU", "CHN-FRA"}  # the EU members in the data
    assert ge.pair_trade_change("CHN", ["DEU", "FRA"]) < 0
    chn = ge.country("CHN")
    assert chn["exports_change_pct"]["median"] < 0
    # Türkiye is outside the change: its trade with the EU gains from diversion
    assert ge.pair_trade_change("TUR", ["DEU", "FRA"]) > 0
    assert "p95" in chn["exports_change_pct"]
    assert chn["exports_change_pct"]["p95"] <= chn["exports_change_pct"]["median"]


def test_ge_on_the_central_asia_gravity_panel(northern, shared_data):
    # with trade by partner and World Bank GDP in the store (the starter pack), the corridor shock runs
    # on the project's own Central Asia gravity panel (multivector.econ.applied), EU as one economy
    ge = northern.ge()
    assert {"CHN", "EU", "KAZ", "RUS", "TUR"} <= set(ge.countries) and "domestic flows" in ge.data.lower()
    assert ge.country("CHN")["exports_change_pct"]["median"] < 0  # EU–China trade costs rise
    assert any("KAZ's own trade costs" in n for n in ge.notes)


def test_sim_shock_maps_trade_changes_to_the_simulators_trade_cost(northern):
    from multivector.corridors.ge import _tau
    from multivector.sim.parameters import GLOBAL_PARAMETERS

    beta = GLOBAL_PARAMETERS["trade_cost_effect"].default
    # τ = −ln(X1/X0)/β: trade falling to e^(−β·0.2) of its level is τ = 0.2; closed is 1; a rise is 0
    assert _tau(math.exp(-beta * 0.2), beta) == pytest.approx(0.2)
    assert _tau(0.0, beta) == 1.0
    assert _tau(1.3, beta) == 0.0
    shock = northern.sim_shock("KAZ")
    assert set(shock.partners) == {"CHN", "RUS", "USA", "EU", "TUR"}
    assert shock.partners["USA"]["trade_cost"] is None and any("USA" in n for n in shock.notes)
    for p, (lo, hi) in shock.trade_costs().items():
        assert 0.0 <= lo <= hi <= 1.0, p


def test_a_sim_shock_runs_in_the_simulator_and_lowers_economic_engagement(network):
    """The Caspian ferries stop: Kazakhstan's trade with Türkiye costs more in some runs; the simulator
    takes the shock and economic engagement with Türkiye ends lower than in the baseline."""
    from multivector.corridors.disruption import run_scenario
    from multivector.sim import run_ensemble

    res = run_scenario("caspian-ferry-outage", runs=30, seed=0, network=network)
    shock = res.sim_shock("KAZ")
    assert shock.trade_costs()["TUR"][1] > 0
    sc = shock.scenario()
    assert sc.powers["TUR"]["trade_cost"][1] > 0
    assert "extends" in shock.to_toml() and "[powers.TUR]" in shock.to_toml()
    kw = {"runs": 200, "years": 10, "seed": 3, "calibrate": False}
    base = run_ensemble("baseline", "KAZ", **kw)
    hit = run_ensemble(sc, "KAZ", **kw)
    assert hit.outcome("engagement_economy:TUR").mean() < base.outcome("engagement_economy:TUR").mean()


def test_the_sim_shock_toml_reads_back(northern, tmp_path):
    from multivector.sim.scenario import load_scenario

    shock = northern.sim_shock("KAZ")
    p = tmp_path / "shock.toml"
    p.write_text(shock.to_toml(), encoding="utf-8")
    sc = load_scenario(p)
    assert sc.name == shock.name and sc.country == ("KAZ",)


def test_geojson_draws_the_network_with_flows(northern):
    from multivector.corridors.geo import network_geojson

    g = network_geojson(northern)
    assert g["type"] == "FeatureCollection"
    segs = {f["properties"]["id"]: f for f in g["features"] if f["properties"]["kind"] == "segment"}
    nodes = {f["properties"]["id"]: f for f in g["features"] if f["properties"]["kind"] == "node"}
    assert len(nodes) > 60 and len(segs) > 60
    for f in g["features"]:
        coords = f["geometry"]["coordinates"]
        pts = coords if f["geometry"]["type"] == "LineString" else [coords]
        assert all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in pts)
    assert len(segs["shanghai-rotterdam-cape"]["geometry"]["coordinates"]) > 20  # follows the sea lane
    assert min(y for _x, y in segs["shanghai-rotterdam-cape"]["geometry"]["coordinates"]) < -30  # round Africa
    assert "northern" in segs["moscow-minsk"]["properties"]["routes"]
    assert segs["moscow-minsk"]["properties"]["change_teu"] < 0
    assert nodes["alat"]["properties"]["change_teu"] > 0
    assert nodes["aktau"]["properties"]["capacity_basis"] == "reported"


def test_the_network_can_come_from_a_registry_database(tmp_path, network):
    from multivector.corridors.compare import compare
    from multivector.corridors.network import load_network
    from multivector.registry import Registry

    url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    reg = Registry(url)
    reg.ensure_ready()
    reg.close()
    net = load_network(url)
    assert net.source.startswith("registry database") and set(net.segments) == set(network.segments)
    a = compare("CHN", "DEU", runs=100, seed=1, network=net).to_dict()["routes"]
    b = compare("CHN", "DEU", runs=100, seed=1, network=network).to_dict()["routes"]
    assert a == b


def _world_with_kazakhstan():
    """A made-up world with Kazakhstan and the EU as one aggregate (as the Central Asia panel has it)."""
    from multivector import econ

    countries = ["CHN", "EU", "KAZ", "RUS", "TUR"]
    flows = np.array([[900.0, 80.0, 20.0, 30.0, 20.0],
                      [60.0, 2000.0, 15.0, 40.0, 30.0],
                      [25.0, 30.0, 150.0, 20.0, 5.0],
                      [15.0, 50.0, 15.0, 600.0, 10.0],
                      [10.0, 40.0, 4.0, 8.0, 300.0]])
    dist = np.array([[1, 8, 3, 6, 7], [8, 1, 5, 2, 3], [3, 5, 1, 2, 4], [6, 2, 2, 1, 3], [7, 3, 4, 3, 1]], float)
    costs = dist ** -1.0 * np.where(np.eye(5) == 1, 1.0, math.exp(-1.5))
    return econ.GEBaseline(countries, flows, costs, sigma=7.0, reference="EU")


def test_ge_with_the_middle_power_in_the_data_carries_its_own_trade_costs(network):
    """When the gravity data contain Kazakhstan (and the EU as an aggregate), the shock includes
    Kazakhstan's own corridor costs, and the simulator shock comes from the GE."""
    from multivector.corridors.disruption import run_scenario

    res = run_scenario("caspian-ferry-outage", runs=30, seed=0, network=network)
    ge = res.ge(_world_with_kazakhstan(), country="KAZ")
    assert "KAZ-TUR" in ge.pct and ge.pct["KAZ-TUR"]["p95"] > 0
    assert any("KAZ's own trade costs" in n for n in ge.notes)
    assert ge.pair_trade_change("KAZ", ["TUR"], "p95") < 0
    shock = res.sim_shock("KAZ", ge=ge)
    assert shock.partners["TUR"]["source"] == "general equilibrium"
    assert shock.trade_costs()["TUR"][1] > 0
    # China–EU's change reaches the EU aggregate itself
    north = run_scenario("northern-route-closed", runs=30, seed=0, network=network)
    assert "CHN-EU" in north.ge(_world_with_kazakhstan()).pairs_changed
