"""Properties of the general-equilibrium solver: the fixed point is an equilibrium.

With balanced trade (every country's expenditure equals its output) the full-endowment
equilibrium of structural gravity is characterised by gravity-form flows with the counterfactual
costs whose rows add up to output ``p̂_i Y_i`` and whose columns add up to expenditure ``p̂_j E_j``,
with the reference importer's price index as numeraire. The tests check those conditions directly
on what the published GEPPML loop returns, and compare the loop with the independent exact hat
algebra solver (Dekle, Eaton & Kortum 2008) that takes over when the loop diverges.
"""

from __future__ import annotations

import numpy as np
import pytest
from econ_helpers import by_country

from multivector.econ import Convergence, GEBaseline, NonConvergenceError, solve, trade_cost_shock
from multivector.econ.equilibrium import exact_hat
from multivector.errors import ScenarioError

TIGHT = Convergence(tolerance=1e-12, rule="max", max_iterations=5000)


def small_world(n: int = 7, seed: int = 3, sigma: float = 5.0, balanced: bool = False) -> GEBaseline:
    """A small synthetic world (flows drawn from structural gravity with noise; labelled synthetic)."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 10, size=(n, 2))
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1)) + np.eye(n) * 0.3
    costs = np.exp(-1.0 * np.log(dist) - 1.5 * (1 - np.eye(n)))
    size = rng.lognormal(3, 1, n)
    flows = np.outer(size, size) * costs * rng.lognormal(0, 0.3, (n, n))
    if balanced:
        flows = (flows + flows.T) / 2
    return GEBaseline([f"C{k}" for k in range(n)], flows, costs, sigma=sigma, reference="C0")


def assert_equilibrium(res, *, balanced: bool, rel: float = 1e-8) -> None:
    f = res.full
    assert f["flows"].sum(axis=1) == pytest.approx(f["output"], rel=rel)
    if balanced:
        assert f["flows"].sum(axis=0) == pytest.approx(f["expenditure"], rel=rel)
    else:  # fixed deficit ratios φ cannot all hold after prices move: expenditure is met to a fraction of a per cent
        assert f["flows"].sum(axis=0) == pytest.approx(f["expenditure"], rel=5e-3)
    b = res.baseline
    assert f["imr"][b.ref] == pytest.approx(1.0, rel=1e-12)  # the numeraire
    assert f["output"] == pytest.approx(f["price"] * b.output, rel=1e-12)


def test_no_change_leaves_every_country_and_pair_unchanged():
    base = small_world()
    res = solve(base, base.costs.copy(), convergence=TIGHT)
    for row in res.countries_table():
        for k, v in row.items():
            if k.endswith("_pct"):
                assert v == pytest.approx(0.0, abs=1e-9), k
    assert all(abs(p["trade_change_pct"]) < 1e-9 for p in res.pairs_table())


def test_the_published_loop_converges_to_the_equilibrium_and_agrees_with_exact_hat_algebra(aly):
    result, _est = aly
    b0 = result.baseline
    balanced = GEBaseline(b0.countries, (b0.flows + b0.flows.T) / 2, b0.costs, b0.sigma, b0.reference)
    res = solve(balanced, result.costs, convergence=TIGHT)
    assert res.solver.startswith("GEPPML")
    assert_equilibrium(res, balanced=True)
    hat = exact_hat(balanced, result.costs)
    assert res.full["price"] == pytest.approx(hat["price"], rel=1e-8)
    assert res.full["flows"] == pytest.approx(hat["flows"], rel=1e-7)
    # with the data's own trade imbalances the loop still clears goods markets exactly
    res = solve(b0, result.costs, convergence=TIGHT)
    assert_equilibrium(res, balanced=False)
    assert res.full["price"] == pytest.approx(exact_hat(b0, result.costs)["price"], rel=5e-4)


def test_when_the_published_loop_diverges_exact_hat_algebra_takes_over():
    """With high domestic shares relative to σ the published loop oscillates with growing amplitude
    (its update overshoots); the fallback finds the equilibrium and says so."""
    base = small_world(balanced=True)
    rng = np.random.default_rng(11)
    shock = np.exp(rng.normal(0, 0.3, (base.n, base.n)))
    np.fill_diagonal(shock, 1.0)
    res = solve(base, base.costs * shock, convergence=TIGHT)
    assert res.solver.startswith("exact hat")
    assert res.notes and ("diverged" in res.notes[0] or "broke down" in res.notes[0])
    assert_equilibrium(res, balanced=True)
    with pytest.raises(NonConvergenceError, match="What to try"):
        solve(base, base.costs * shock, convergence=Convergence(1e-12, "max", 5000, fallback=False))


def test_the_published_rule_stops_early_but_close_to_the_equilibrium(aly):
    """ALY's rule (sd and max ≤ 0.001) stops after 13 iterations; real GDP is then within 0.1 pp of the fixed point."""
    result, _est = aly
    exact = by_country(solve(result.baseline, result.costs, convergence=TIGHT))
    published_rule = by_country(result)
    gaps = [abs(exact[c]["real_gdp_change_pct"] - published_rule[c]["real_gdp_change_pct"]) for c in exact]
    assert 0 < max(gaps) < 0.1


def test_reference_country_is_the_numeraire_and_symmetric_countries_move_together():
    n = 4
    flows = np.full((n, n), 10.0) + np.eye(n) * 90
    costs = np.full((n, n), 0.2) + np.eye(n) * 0.8
    base = GEBaseline(["A", "B", "C", "D"], flows, costs, sigma=6.0, reference="D")
    res = trade_cost_shock(base, {("A", "B"): -20.0}, symmetric=True, convergence=TIGHT)
    t = by_country(res)
    assert t["D"]["imr_change_pct"] == pytest.approx(0.0, abs=1e-10)
    for k in ("exports_change_pct", "real_gdp_change_pct", "omr_change_pct", "imr_change_pct"):
        assert t["A"][k] == pytest.approx(t["B"][k], abs=1e-9)
        assert t["C"][k] == pytest.approx(t["D"][k], abs=1e-6)
    # the pair that got cheaper trades more and gains; the outsiders lose trade with it
    assert t["A"]["real_gdp_change_pct"] > 0 > t["C"]["real_gdp_change_pct"]
    pairs = {(p["exporter"], p["importer"]): p for p in res.pairs_table()}
    assert pairs[("A", "B")]["trade_change_pct"] > 0
    assert pairs[("C", "B")]["trade_change_pct"] < 0
    assert pairs[("A", "B")]["trade_cost_change_pct"] == pytest.approx(-20.0)


def test_a_cost_shock_equals_the_same_change_made_through_a_regressor(aly):
    """Removing borders (BRDR = 0) is the same as cutting every international trade cost by
    1 − exp(β_BRDR/(σ−1)) per cent: the two interfaces must agree."""
    result, est = aly
    base = result.baseline
    beta = est.coefficients["BRDR"][0]
    pct = 100 * (np.exp(beta / (base.sigma - 1)) - 1)
    via_shock = trade_cost_shock(base, {("*", "*"): pct}, convergence=TIGHT)
    via_regressor = solve(base, result.costs, convergence=TIGHT)
    assert via_shock.costs == pytest.approx(via_regressor.costs, rel=1e-9)
    a, b = by_country(via_shock), by_country(via_regressor)
    for c in ("CAN", "USA", "DEU"):
        assert a[c]["real_gdp_change_pct"] == pytest.approx(b[c]["real_gdp_change_pct"], abs=1e-8)


def test_bad_trade_cost_shocks_are_refused_with_a_clear_message():
    base = small_world()
    with pytest.raises(ScenarioError, match="not in the data"):
        trade_cost_shock(base, {("KAZ", "C1"): -10})
    with pytest.raises(ScenarioError, match="change nothing"):
        trade_cost_shock(base, {("C1", "C2"): 0.0})
    with pytest.raises(ScenarioError, match="impossible"):
        trade_cost_shock(base, {("C1", "C2"): -100})
    with pytest.raises(ScenarioError, match="no trade-cost change"):
        trade_cost_shock(base, {})


def test_a_loop_that_cannot_converge_in_time_stops_with_its_iteration_count(aly):
    result, _est = aly
    with pytest.raises(NonConvergenceError, match=r"did not converge in 2 iterations") as e:
        solve(result.baseline, result.costs, convergence=Convergence(1e-14, "max", 2, fallback=False))
    assert e.value.iterations == 2
    assert "What to try" in str(e.value)


def test_a_baseline_from_any_frame_feeds_trade_cost_shocks_per_country_and_pair():
    """The interface the simulator and the corridor model call: a gravity cross-section in, % changes out."""
    from test_bad_input import cross_section

    from multivector import econ

    base = econ.baseline(cross_section(n=8), "trade ~ ln_dist + brdr | exporter + importer", sigma=5, reference="C0")
    assert base.n == 8 and base.estimates.coefficients["brdr"][0] < 0
    res = econ.trade_cost_shock(base, {("C2", "C3"): -25}, symmetric=True)
    pairs = {(p["exporter"], p["importer"]): p for p in res.pairs_table()}
    assert pairs[("C2", "C3")]["trade_change_pct"] > 0 and pairs[("C3", "C2")]["trade_change_pct"] > 0
    assert pairs[("C2", "C5")]["trade_change_pct"] < 0  # trade diverted from third countries
    assert len(res.changed_pairs()) == 2
    rows = by_country(res)
    assert rows["C2"]["real_gdp_change_pct"] > 0 and rows["C3"]["real_gdp_change_pct"] > 0
