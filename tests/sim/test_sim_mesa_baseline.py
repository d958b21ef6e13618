"""The plain Mesa model in benchmarks/ implements the same equations as the vectorised model.

SYNTHETIC unequal starts (made-up numbers), one middle power and a group of three.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from multivector.sim import InitialState, load_scenario, run_ensemble
from multivector.sim.model import sample_parameters, simulate

pytest.importorskip("mesa")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from mesa_baseline import EngagementModel, run_mesa_ensemble  # noqa: E402

PARTNERS = ("CHN", "RUS", "USA", "EU", "TUR")


def calibrated_like_init(countries=("TEST",)):
    """SYNTHETIC unequal start, so that every mechanism has something to move."""
    init = InitialState.neutral(list(countries), PARTNERS)
    base = np.array([[0.8, 0.5, 0.9, 0.7], [0.7, 0.9, 0.3, 0.9], [0.3, 0.5, 0.2, 0.6], [0.7, 0.5, 0.3, 0.7], [0.7, 0.5, 0.1, 0.8]])
    for m in range(len(countries)):
        init.engagement[m] = np.clip(base + 0.05 * m * np.array([1, -1, 1, -1]), 0.05, 0.95)
        init.trust[m] = [0.97 - 0.02 * m, 0.55, 0.4, 0.5, 0.5]
        init.threat[m] = [0.3, 0.35 + 0.05 * m, 0.7, 0.5, 0.45]
        init.strength[m] = [0.45, 0.07, 0.26, 0.19, 0.03]
    return init


def replay(sc, init, R=3, years=15, seed=123):
    M, P = init.trust.shape
    rng = np.random.default_rng(seed)
    params = sample_parameters(sc, init, R, rng)
    state = rng.bit_generator.state
    vec = simulate(params, init, years, sc.mechanisms, rng)
    rng.bit_generator.state = state
    shocks = np.stack([rng.standard_normal((R, M, P), dtype=np.float32) for _ in range(years)], axis=1)  # (R, years, M, P)
    ref = params.status_quo
    for i in range(R):
        p = {
            "global": {k: float(v[i]) for k, v in params.glob.items()},
            "global_ref": {k: float(v[i]) for k, v in ref.glob.items()},
            "power": [[{k: float(v[i, m, j]) for k, v in params.power.items()} for j in range(P)] for m in range(M)],
            "power_ref": [[{k: float(v[i, m, j]) for k, v in ref.power.items()} for j in range(P)] for m in range(M)],
            "rivalry": params.rivalry[i].tolist(),
            "rivalry_ref": ref.rivalry[i].tolist(),
        }
        model = EngagementModel(sc, init, seed=0, params=p, shocks=shocks[i])
        for _ in range(years):
            model.step()
        for m in range(M):
            out = model.outcomes(m)
            for j, partner in enumerate(PARTNERS):
                for var in ("trust", "engagement", "engagement_economy", "threat", "conflict", "dependence"):
                    assert out[f"{var}:{partner}"] == pytest.approx(float(vec[var][i, -1, m, j]), abs=2e-5), (var, partner, m)
            for k in ("security", "prosperity", "capacity", "balance"):
                assert out[k] == pytest.approx(float(vec[k][i, -1, m]), abs=2e-5), k
            for j in range(P):
                assert model.powers[j].arms == pytest.approx(float(vec["arms"][i, -1, j]), rel=1e-5)


@pytest.mark.parametrize("name", ["rivalry-escalates", "china-coercive", "northern-route-closed"])
def test_mesa_model_replays_the_vectorised_model_exactly_with_the_same_draws(name):
    replay(load_scenario(name), calibrated_like_init())


def test_mesa_model_replays_the_group_with_regional_coordination():
    replay(load_scenario("c5-coordination"), calibrated_like_init(("AAA", "BBB", "CCC")), R=2, years=12)


def test_mesa_and_vectorised_models_give_the_same_outcome_distribution_for_a_fixed_seed():
    sc = load_scenario("china-coercive")
    init = calibrated_like_init()
    runs, years = 200, 20
    vec = run_ensemble(sc, runs=runs, years=years, seed=2024, init=init)
    mesa_out = run_mesa_ensemble(sc, init, runs=runs, years=years, seed=2024)
    names = ("trust:CHN", "engagement:CHN", "threat:USA", "balance", "capacity")
    for name in names:
        a = vec.outcome(name).astype(float)
        b = np.array([r[name] for r in mesa_out])
        ks = stats.ks_2samp(a, b)
        assert ks.pvalue > 0.01 / len(names), (name, ks)  # 1 % over the five outcomes (Bonferroni)
        assert abs(a.mean() - b.mean()) < 3 * np.sqrt(a.var() / runs + b.var() / runs) + 1e-9, name
