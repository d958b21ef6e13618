"""The plain Mesa model in benchmarks/ implements the same equations as the vectorised model.

Neutral synthetic start; one middle power.
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


def calibrated_like_init():
    """SYNTHETIC unequal start, so that every mechanism has something to move."""
    init = InitialState.neutral(["TEST"], PARTNERS)
    init.engagement[0] = [[0.8, 0.5, 0.9, 0.7], [0.7, 0.9, 0.3, 0.9], [0.3, 0.5, 0.2, 0.6], [0.7, 0.5, 0.3, 0.7], [0.7, 0.5, 0.1, 0.8]]
    init.trust[0] = [0.6, 0.55, 0.4, 0.5, 0.5]
    init.threat[0] = [0.3, 0.35, 0.7, 0.5, 0.45]
    init.strength[0] = [0.45, 0.07, 0.26, 0.19, 0.03]
    return init


@pytest.mark.parametrize("name", ["rivalry-escalates", "china-coercive"])
def test_mesa_model_replays_the_vectorised_model_exactly_with_the_same_draws(name):
    sc = load_scenario(name)
    init = calibrated_like_init()
    R, years = 4, 15
    rng = np.random.default_rng(123)
    params = sample_parameters(sc, init, R, rng)
    state = rng.bit_generator.state
    vec = simulate(params, init, years, sc.mechanisms, rng)
    rng.bit_generator.state = state
    shocks = np.stack([rng.standard_normal((R, 1, len(PARTNERS))) for _ in range(years)], axis=1)[:, :, 0, :]
    for i in range(R):
        p = {
            "global": {k: float(v[i]) for k, v in params.glob.items()},
            "power": [{k: float(v[i, 0, j]) for k, v in params.power.items()} for j in range(len(PARTNERS))],
            "rivalry": params.rivalry[i].tolist(),
        }
        model = EngagementModel(sc, init, seed=0, params=p, shocks=shocks[i])
        for _ in range(years):
            model.step()
        out = model.outcomes()
        for j, partner in enumerate(PARTNERS):
            assert out[f"trust:{partner}"] == pytest.approx(float(vec["trust"][i, -1, 0, j]), abs=1e-5)
            assert out[f"engagement:{partner}"] == pytest.approx(float(vec["engagement"][i, -1, 0, j]), abs=1e-5)
            assert out[f"threat:{partner}"] == pytest.approx(float(vec["threat"][i, -1, 0, j]), abs=1e-5)
            assert out[f"conflict:{partner}"] == pytest.approx(float(vec["conflict"][i, -1, 0, j]), abs=1e-5)
        for k in ("security", "prosperity", "capacity", "balance"):
            assert out[k] == pytest.approx(float(vec[k][i, -1, 0]), abs=1e-5)


def test_mesa_and_vectorised_models_give_the_same_outcome_distribution_for_a_fixed_seed():
    sc = load_scenario("china-coercive")
    init = calibrated_like_init()
    runs, years = 200, 20
    vec = run_ensemble(sc, runs=runs, years=years, seed=2024, init=init)
    mesa_out = run_mesa_ensemble(sc, init, runs=runs, years=years, seed=2024)
    for name in ("trust:CHN", "engagement:CHN", "threat:USA", "balance", "capacity"):
        a = vec.outcome(name).astype(float)
        b = np.array([r[name] for r in mesa_out])
        ks = stats.ks_2samp(a, b)
        assert ks.pvalue > 0.01, (name, ks)
        assert abs(a.mean() - b.mean()) < 3 * np.sqrt(a.var() / runs + b.var() / runs) + 1e-9, name
