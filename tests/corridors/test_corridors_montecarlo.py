"""Monte Carlo over the ranges: percentiles against analytic distributions, reproducibility."""

from __future__ import annotations

import math

import numpy as np
import pytest

from multivector.corridors.model import Draws, Evaluation, percentiles


def test_draws_are_uniform_in_their_range_and_reproducible():
    from multivector.corridors.parameters import Quantity

    q = Quantity("x", 2.0, 6.0)
    a = Draws(20_000, seed=3)[q]
    b = Draws(20_000, seed=3)[q]
    c = Draws(20_000, seed=4)[q]
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.min() >= 2.0 and a.max() <= 6.0
    assert abs(a.mean() - 4.0) < 0.05 and abs(a.std() - 4 / math.sqrt(12)) < 0.03


def test_a_quantity_draws_the_same_values_whatever_else_is_drawn():
    """Common random numbers: a scenario's extra quantities do not change the baseline's draws."""
    from multivector.corridors.parameters import Quantity

    q = Quantity("speed", 1.0, 2.0)
    d1 = Draws(100, seed=9)
    first = d1[q].copy()
    d2 = Draws(100, seed=9)
    d2[Quantity("scenario.extra", 0.0, 5.0)]
    assert np.array_equal(first, d2[q])


def test_path_days_percentiles_match_a_uniform(synthetic):
    """a → b → d: 2 days of travel (100 km at 100 km/day, twice) plus U(2, 6) days at b:
    the p-th percentile is 2 + 2 + 4·p."""
    net = synthetic(nodes={"b": {"days": [2.0, 6.0]}})
    ev = Evaluation(net, Draws(200_000, seed=1))
    path = net.paths("fast", ["a"], ["d"])[0]
    p5, p50, p95 = percentiles(ev.path_days(path))
    assert p5 == pytest.approx(4.0 + 0.2, abs=0.02)
    assert p50 == pytest.approx(6.0, abs=0.02)
    assert p95 == pytest.approx(4.0 + 3.8, abs=0.02)


def test_sum_of_two_uniform_node_times_is_triangular(synthetic, chain):
    """A path through two nodes with independent U(0, 1) times: their sum has the triangular law,
    P(S ≤ s) = s²/2 on [0, 1], so the 5th percentile is √0.1 and the 95th 2 − √0.1 (plus 3 days of travel)."""
    net = synthetic(doc=chain, nodes={"b": {"days": [0.0, 1.0]}, "e": {"days": [0.0, 1.0]}})
    ev = Evaluation(net, Draws(200_000, seed=2))
    path = net.paths("fast", ["a"], ["d"])[0]
    assert path.through == ("b", "e")
    p5, p50, p95 = percentiles(ev.path_days(path))
    assert p5 == pytest.approx(3 + math.sqrt(0.1), abs=0.01)
    assert p50 == pytest.approx(4.0, abs=0.01)
    assert p95 == pytest.approx(5 - math.sqrt(0.1), abs=0.01)


def test_shared_speed_is_one_draw_per_run(synthetic):
    """Segments of one rail class share the speed draw: 200 km at U(50, 100) km/day takes 2–4 days
    with P(days ≤ t) = (100 − 200/t)/50, not the narrower law of two independent draws."""
    net = synthetic(shared={"rail.speed.t": (50, 100)})
    ev = Evaluation(net, Draws(100_000, seed=5))
    days = ev.path_days(net.paths("fast", ["a"], ["d"])[0])
    for q in (5, 50, 95):
        t = 200.0 / (100.0 - 50.0 * q / 100.0)
        assert np.percentile(days, q) == pytest.approx(t, rel=0.01)  # the q-th percentile of days is 200 / v_(1−q)


def test_compare_is_reproducible_with_a_seed(network):
    from multivector.corridors.compare import compare

    a = compare("CHN", "DEU", runs=300, seed=11, network=network).to_dict()
    b = compare("CHN", "DEU", runs=300, seed=11, network=network).to_dict()
    c = compare("CHN", "DEU", runs=300, seed=12, network=network).to_dict()
    strip = lambda d: [{k: v for k, v in r.items()} for r in d["routes"]]
    assert strip(a) == strip(b)
    assert strip(a) != strip(c)


def test_compare_orders_the_routes_as_reported(network):
    """The forwarders' picture: northern ≈ 2 weeks, Middle Corridor about twice that and close to
    the sea via Suez; the Cape adds 10–14 days to Suez."""
    from multivector.corridors.compare import compare

    r = {x["name"]: x for x in compare("CHN", "DEU", runs=1000, seed=0, network=network).routes}
    assert set(r) >= {"northern", "middle", "sea-suez", "sea-cape"}
    assert r["northern"]["days_median"] < r["middle"]["days_median"] < r["sea-cape"]["days_median"]
    assert 8 <= r["sea-cape"]["days_median"] - r["sea-suez"]["days_median"] <= 16
    assert r["sea-suez"]["cost_usd_teu_median"] < r["northern"]["cost_usd_teu_median"] < r["middle"]["cost_usd_teu_median"]
    assert r["sea-suez"]["capacity_teu_year"] is None
    assert r["middle"]["capacity_teu_year"] < r["northern"]["capacity_teu_year"]
    assert r["northern"]["countries"][:3] == ["CHN", "KAZ", "RUS"] and "BLR" in r["northern"]["countries"]
    assert {"KAZ", "AZE", "GEO", "TUR"} <= set(r["middle"]["countries"]) and "RUS" not in r["middle"]["countries"]
    assert "EGY" in r["sea-suez"]["countries"] and "EGY" not in r["sea-cape"]["countries"]
    for x in r.values():
        assert x["days_p5"] <= x["days_median"] <= x["days_p95"]
