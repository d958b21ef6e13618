"""Capacity-constrained flow: known optima on small labelled networks, binding capacity and its price."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from multivector.corridors import flow as fl

# A labelled network (made up): s → x → t, s → y → t, and x → y. Unit costs and capacities:
#   s→x 1 (cap 10), s→y 4, x→t 1 (cap 6), x→y 1 (cap 5), y→t 1.  Supply 25 at s.
# Paths: P1 = s-x-t (cost 2), P2 = s-x-y-t (cost 3), P3 = s-y-t (cost 5).
# Optimum by hand: s→x full (10): 6 on P1, 4 on P2; 15 on P3 → 6·2 + 4·3 + 15·5 = 99.
ARCS = [("s", "x", 1.0, 10), ("s", "y", 4.0, None), ("x", "t", 1.0, 6), ("x", "y", 1.0, 5), ("y", "t", 1.0, None)]


def test_networkx_min_cost_flow_finds_the_hand_optimum():
    res = fl.single_class_min_cost_flow(ARCS, {"s": 25, "t": -25})
    assert res["cost"] == pytest.approx(99.0)
    assert res["flow"] == {("s", "x"): 10, ("s", "y"): 15, ("x", "t"): 6, ("x", "y"): 4, ("y", "t"): 19}


def test_node_capacity_splits_the_node():
    """Capacity 8 through x: 6 direct, 2 via y, 17 on s-y-t: 12 + 6 + 85 = 103."""
    res = fl.single_class_min_cost_flow(ARCS, {"s": 25, "t": -25}, node_capacity={"x": 8})
    assert res["cost"] == pytest.approx(103.0)


def _path_problem():
    # elements: 0 = s→x (10), 1 = x→t (6), 2 = x→y (5)
    return fl.FlowProblem(n_classes=1, class_paths=[[0, 1, 2]], n_paths=3, elements=["sx", "xt", "xy"],
                          path_elements=[[0, 1], [0, 2], []])


def test_path_lp_equals_the_arc_optimum_with_prices():
    prob = _path_problem()
    sol = fl.solve(prob, path_cost=np.array([2.0, 3.0, 5.0]), path_days=np.zeros(3), class_time_cost=np.zeros(1),
                   class_demand=np.array([25.0]), class_value=np.array([1e6]), capacity=np.array([10.0, 6.0, 5.0]))
    assert sol.cost == pytest.approx(99.0, rel=1e-9)
    assert sol.path_flows(prob) == pytest.approx([6.0, 4.0, 15.0])
    # the last TEU goes on P3 at 5; one more unit of s→x saves 5 − 3 = 2; one more of x→t saves 3 − 2 = 1
    assert sol.class_price == pytest.approx([5.0])
    assert sol.scarcity == pytest.approx([2.0, 1.0, 0.0], abs=1e-7)
    assert sol.load == pytest.approx([10.0, 6.0, 4.0])
    assert sol.unserved == pytest.approx([0.0])


def test_capacity_goes_to_the_class_that_values_time_most():
    """Fast path F (10 days, US$100, capacity 10) or slow S (30 days, US$50). Class H (time US$20/day)
    and class L (US$5/day) both prefer F; the optimum gives F to H (saves 350 a TEU against 50).
    Checked against every split on a grid."""
    prob = fl.FlowProblem(n_classes=2, class_paths=[[0, 1], [0, 1]], n_paths=2, elements=["F"], path_elements=[[0], []])
    sol = fl.solve(prob, path_cost=np.array([100.0, 50.0]), path_days=np.array([10.0, 30.0]),
                   class_time_cost=np.array([20.0, 5.0]), class_demand=np.array([10.0, 10.0]),
                   class_value=np.array([1e6, 1e6]), capacity=np.array([10.0]))
    flows = sol.class_path_flows(prob)
    assert flows[0] == pytest.approx([10.0, 0.0])
    assert flows[1] == pytest.approx([0.0, 10.0])
    best = min(h * 300 + (10 - h) * 650 + l * 150 + (10 - l) * 200
               for h, l in itertools.product(range(11), repeat=2) if h + l <= 10)
    assert sol.cost == pytest.approx(best)
    assert sol.load == pytest.approx([10.0])


def test_demand_beyond_capacity_is_unserved_at_the_penalty():
    prob = fl.FlowProblem(n_classes=1, class_paths=[[0]], n_paths=1, elements=["e"], path_elements=[[0]])
    sol = fl.solve(prob, np.array([10.0]), np.array([1.0]), np.array([0.0]), np.array([30.0]), np.array([100.0]),
                   np.array([20.0]))
    assert sol.unserved == pytest.approx([10.0])
    assert sol.class_price == pytest.approx([fl.UNSERVED_PENALTY_FACTOR * 100.0])


def test_synthetic_world_binds_the_fast_route_at_its_capacity(synthetic):
    """a → b → d: 200 km, 2 days, US$200; a → c → d: 400 km, 4 days, US$400 (US$1 a TEU-km, 100 km a
    day). One class, 25 TEU worth US$10,000, time 1 % a day (US$100). Capacity 10 at b: 10 fast,
    15 slow; b's scarcity price is the difference in generalised cost, 800 − 400 = 400."""
    from multivector.corridors.disruption import run_scenario
    from multivector.corridors.scenario import BASELINE

    net = synthetic(nodes={"b": {"capacity": [10, 10]}})
    res = run_scenario(BASELINE, runs=3, seed=0, network=net)
    routes = {r["name"]: r for r in res.routes()}
    assert routes["fast"]["baseline_teu"] == pytest.approx(10.0)
    assert routes["slow"]["baseline_teu"] == pytest.approx(15.0)
    (b,) = [x for x in res.binding() if x["id"] == "b"]
    assert b["baseline_binding_share"] == 1.0
    assert b["baseline_scarcity_usd_teu"] == pytest.approx(400.0)
    transit = {t["country"]: t for t in res.transit()}
    assert transit["KAZ"]["baseline_teu"] == pytest.approx(10.0)
    assert transit["KAZ"]["rent_baseline_usd"] == pytest.approx(4000.0)
    assert res.demands()[0]["classes"][0]["price_baseline_usd_teu"] == pytest.approx(800.0)


def test_without_a_binding_capacity_everything_takes_the_cheapest_route(synthetic):
    from multivector.corridors.disruption import run_scenario
    from multivector.corridors.scenario import BASELINE

    net = synthetic(nodes={"b": {"capacity": [100, 100]}})
    res = run_scenario(BASELINE, runs=2, seed=0, network=net)
    routes = {r["name"]: r for r in res.routes()}
    assert routes["fast"]["baseline_teu"] == pytest.approx(25.0)
    assert routes["slow"]["baseline_teu"] == pytest.approx(0.0)
    assert res.binding()[0]["baseline_binding_share"] == 0.0
