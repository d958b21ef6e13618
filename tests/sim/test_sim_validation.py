"""Validation of the model against known results and sign checks (issue 4, item 5).

All runs here start from the neutral, uncalibrated state (synthetic, not a real country).
"""

from __future__ import annotations

import numpy as np
import pytest

from multivector.sim import InitialState, load_scenario, richardson_equilibrium, richardson_path, run_ensemble
from multivector.sim import mechanisms as mech
from multivector.sim.model import initial_evidence
from multivector.sim.parameters import MECHANISMS

PARTNERS = ("CHN", "RUS", "USA", "EU", "TUR")


def neutral():
    return InitialState.neutral(["TEST"], PARTNERS)


def uncoupled(**params):
    """Every mechanism off and engagement frozen: trust only hears the powers' behaviour."""
    sc = load_scenario("baseline").with_mechanisms(off=list(MECHANISMS)).with_parameters(engagement_rate=0.0, **params)
    return sc


def test_trust_follows_beta_reputation_exactly_with_coupling_off():
    sc = uncoupled(forgetting=0.8, interactions=10.0)
    for p in PARTNERS:
        sc = sc.with_power(p, respect=0.7, consistency=1.0)
    res = run_ensemble(sc, runs=4, years=25, seed=1, init=neutral())
    lam, n, ebar, q = 0.8, 10.0, 0.5, 0.7
    r0, s0 = initial_evidence(np.array(0.5), np.array(ebar), np.array(n), np.array(lam))
    t = np.arange(26)
    e = n * ebar
    r = lam**t * r0 + e * q * (1 - lam**t) / (1 - lam)
    s = lam**t * s0 + e * (1 - q) * (1 - lam**t) / (1 - lam)
    expected = (r + 1) / (r + s + 2)
    got = res.dyad["trust"][:, :, 0, :]
    np.testing.assert_allclose(got, np.broadcast_to(expected[None, :, None], got.shape), rtol=1e-6, atol=1e-7)
    # and it tends to the behaviour quality as evidence accumulates
    assert abs(expected[-1] - q) < 0.02


def test_trust_recursion_holds_with_noisy_behaviour():
    sc = uncoupled(forgetting=0.9, interactions=6.0)
    res = run_ensemble(sc, runs=50, years=20, seed=3, init=neutral())
    q = res.dyad["behaviour"].astype(float)
    assert np.nanstd(q) > 0.01  # behaviour really varies
    r, s = initial_evidence(np.array(0.5), np.array(0.5), np.array(6.0), np.array(0.9))
    r = np.full(q[:, 0].shape, float(r))
    s = np.full(q[:, 0].shape, float(s))
    for t in range(1, 21):
        r = 0.9 * r + 6.0 * 0.5 * q[:, t]
        s = 0.9 * s + 6.0 * 0.5 * (1 - q[:, t])
        np.testing.assert_allclose(res.dyad["trust"][:, t], (r + 1) / (r + s + 2), rtol=1e-5)


@pytest.mark.parametrize(
    "k,l,a,b,g,h",
    [(0.2, 0.3, 0.5, 0.6, 1.0, 0.5), (0.9, 0.1, 0.4, 0.4, 0.2, 2.0), (0.0, 0.0, 1.0, 2.0, 1.0, 1.0)],
)
def test_richardson_reaches_its_equilibrium_when_ab_exceeds_kl(k, l, a, b, g, h):
    assert a * b > k * l
    x_star, y_star = richardson_equilibrium(k, l, a, b, g, h)
    assert x_star == pytest.approx((k * h + b * g) / (a * b - k * l))
    _, x, y = richardson_path(0.0, 5.0, k, l, a, b, g, h, t_end=500.0, dt=0.05)
    assert x[-1] == pytest.approx(x_star, rel=1e-6)
    assert y[-1] == pytest.approx(y_star, rel=1e-6)


def test_richardson_diverges_when_kl_exceeds_ab():
    k, l, a, b, g, h = 0.8, 0.9, 0.3, 0.4, 0.1, 0.1
    assert a * b < k * l
    _, x, y = richardson_path(1.0, 1.0, k, l, a, b, g, h, t_end=60.0, dt=0.01)
    assert x[-1] > 1e6 and y[-1] > 1e6
    assert np.all(np.diff(x[len(x) // 2 :]) > 0)


def test_yearly_arms_step_of_the_model_reaches_the_richardson_equilibrium():
    gam = np.array([[[0.0, 1.0], [1.0, 0.0]]])
    k, a = np.array([0.1]), np.array([0.3])
    grievance = np.array([[0.2, 0.0]])
    arms = np.ones((1, 2))
    for _ in range(400):
        arms = mech.richardson_arms_step(arms, gam, k, a, grievance)
    x_star, y_star = richardson_equilibrium(0.1, 0.1, 0.3, 0.3, 0.3 + 0.2, 0.3)
    assert arms[0, 0] == pytest.approx(x_star, rel=1e-9)
    assert arms[0, 1] == pytest.approx(y_star, rel=1e-9)


def test_yearly_arms_step_runs_away_when_reaction_beats_fatigue():
    gam = np.array([[[0.0, 1.0], [1.0, 0.0]]])
    arms = np.ones((1, 2))
    for _ in range(200):
        arms = mech.richardson_arms_step(arms, gam, np.array([0.5]), np.array([0.2]), np.zeros((1, 2)))
    assert arms.min() >= mech.ARMS_CAP * 0.999


def only(lenses):
    sc = load_scenario("baseline")
    off = [ln for ln in ("realist", "liberal", "constructivist", "virtuous_circle", "rivalry") if ln not in lenses]
    return sc.with_mechanisms(off=off)


def test_liberal_lens_more_trade_lowers_the_dyads_conflict_propensity():
    base = only({"liberal"})
    low = run_ensemble(base.with_power("CHN", investment=0.1), runs=200, years=30, seed=5, init=neutral())
    high = run_ensemble(base.with_power("CHN", investment=0.9), runs=200, years=30, seed=5, init=neutral())
    assert high.outcome("engagement_economy:CHN").mean() > low.outcome("engagement_economy:CHN").mean() + 0.05
    assert np.all(high.outcome("conflict:CHN") < low.outcome("conflict:CHN"))
    # the pacifying effect belongs to the liberal lens: without it trade does not move conflict
    off = base.with_mechanisms(off=["liberal.trade_peace"])
    a = run_ensemble(off.with_power("CHN", investment=0.1), runs=50, years=30, seed=5, init=neutral())
    b = run_ensemble(off.with_power("CHN", investment=0.9), runs=50, years=30, seed=5, init=neutral())
    np.testing.assert_allclose(a.outcome("conflict:CHN"), b.outcome("conflict:CHN"), atol=1e-6)


def test_mechanism_conflict_propensity_falls_with_trade():
    h = np.full(5, 0.4)
    x = np.linspace(0, 1, 5)
    z = mech.conflict_propensity(h, x, -2.0, 3.0, 2.0, trade_peace=True)
    assert np.all(np.diff(z) < 0)


def test_zero_sum_rivalry_engagement_with_one_power_lowers_engagement_with_its_rival():
    sc = load_scenario("baseline").with_rivalry(0.0, CHN_USA=1.0)
    neutral_china = run_ensemble(sc.with_power("CHN", respect=0.5), runs=300, years=30, seed=11, init=neutral())
    warm_china = run_ensemble(sc.with_power("CHN", respect=0.9, consistency=1.0), runs=300, years=30, seed=11, init=neutral())
    assert warm_china.outcome("engagement:CHN").mean() > neutral_china.outcome("engagement:CHN").mean() + 0.05
    assert warm_china.outcome("engagement:USA").mean() < neutral_china.outcome("engagement:USA").mean() - 0.01


def test_virtuous_circle_without_rivalry_engagement_with_one_power_does_not_lower_the_others():
    sc = load_scenario("baseline").with_rivalry(0.0)  # every lens on, rivalry 0
    neutral_china = run_ensemble(sc.with_power("CHN", respect=0.5), runs=300, years=30, seed=13, init=neutral())
    warm_china = run_ensemble(sc.with_power("CHN", respect=0.9, consistency=1.0), runs=300, years=30, seed=13, init=neutral())
    assert warm_china.outcome("engagement:CHN").mean() > neutral_china.outcome("engagement:CHN").mean() + 0.05
    for p in ("RUS", "USA", "EU", "TUR"):
        # paired runs (common random numbers): not lower in any run
        assert np.all(warm_china.outcome(f"engagement:{p}") >= neutral_china.outcome(f"engagement:{p}") - 1e-6)
    assert warm_china.outcome("capacity").mean() > neutral_china.outcome("capacity").mean()


def test_shared_shocks_make_runs_with_equal_parameters_identical():
    from multivector.sim.model import Params, simulate

    sc = load_scenario("baseline")
    init = neutral()
    rng = np.random.default_rng(0)
    from multivector.sim.model import sample_parameters

    one = sample_parameters(sc, init, 1, rng)
    twice = Params(
        glob={k: np.repeat(v, 2) for k, v in one.glob.items()},
        power={k: np.repeat(v, 2, axis=0) for k, v in one.power.items()},
        rivalry=np.repeat(one.rivalry, 2, axis=0),
    )
    shared = simulate(twice, init, 10, sc.mechanisms, np.random.default_rng(1), shared_shocks=True)
    own = simulate(twice, init, 10, sc.mechanisms, np.random.default_rng(1), shared_shocks=False)
    np.testing.assert_array_equal(shared["trust"][0], shared["trust"][1])
    assert not np.array_equal(own["trust"][0], own["trust"][1])
