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
    """Every mechanism off and engagement frozen: trust only hears the powers' behaviour. Its own status quo."""
    return (
        load_scenario("baseline").with_mechanisms(off=list(MECHANISMS)).with_parameters(engagement_rate=0.0, **params).as_status_quo()
    )


def test_trust_follows_beta_reputation_exactly_with_coupling_off():
    sq = uncoupled(forgetting=0.8, interactions=10.0)  # status quo: recorded behaviour 0.5 (neutral start)
    sc = sq
    for p in PARTNERS:
        sc = sc.with_power(p, respect=0.7, consistency=1.0)
    assert sc.status_quo().powers["CHN"]["respect"] == sq.powers["CHN"]["respect"]
    res = run_ensemble(sc, runs=4, years=25, seed=1, init=neutral())
    lam, n, ebar, q = 0.8, 10.0, 0.5, 0.7
    r0, s0 = initial_evidence(np.array(0.5), np.array(ebar), np.array(n), np.array(lam))
    assert r0 == pytest.approx(0.5 * n * ebar / (1 - lam))  # steady state of the status quo
    t = np.arange(26)
    e = n * ebar
    r = lam**t * r0 + e * q * (1 - lam**t) / (1 - lam)
    s = lam**t * s0 + e * (1 - q) * (1 - lam**t) / (1 - lam)
    expected = (r + 1) / (r + s + 2)
    got = res.dyad["trust"][:, :, 0, :]
    np.testing.assert_allclose(got, np.broadcast_to(expected[None, :, None], got.shape), rtol=1e-6, atol=1e-7)
    # it tends to the steady state (m·q + 1)/(m + 2) of the new behaviour
    m = e / (1 - lam)
    assert abs(expected[-1] - (m * q + 1) / (m + 2)) < 0.01


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


def test_without_noise_the_start_is_an_exact_fixed_point():
    init = neutral()
    init.engagement[0] = [[0.8, 0.5, 0.9, 0.7], [0.7, 0.9, 0.3, 0.9], [0.3, 0.5, 0.2, 0.6], [0.7, 0.5, 0.3, 0.7], [0.7, 0.5, 0.1, 0.8]]
    init.trust[0] = [0.97, 0.9, 0.6, 0.8, 0.5]  # SYNTHETIC recorded behaviour, near 1 for CHN
    init.threat[0] = [0.2, 0.35, 0.7, 0.5, 0.45]
    init.strength[0] = [0.45, 0.07, 0.26, 0.19, 0.03]
    sc = load_scenario("baseline").with_parameters(behaviour_noise=0.0).as_status_quo()
    res = run_ensemble(sc, runs=20, years=30, seed=0, init=init)
    for k, v in {**res.dyad, **res.middle}.items():
        if k == "behaviour":
            continue
        np.testing.assert_allclose(v, np.broadcast_to(v[:, :1], v.shape), atol=2e-6, err_msg=k)


def test_respect_is_the_expected_behaviour_after_clipping():
    """ρ = 0.97 with noise that clips at 1: the behaviour still averages 0.97 (its centre sits above 1)."""
    sc = uncoupled(behaviour_noise=0.3).with_power("CHN", respect=0.97, consistency=0.2)
    res = run_ensemble(sc, runs=2000, years=10, seed=4, init=neutral())
    q = res.dyad["behaviour"][:, 1:, 0, 0].astype(float)
    assert q.max() == 1.0 and q.mean() == pytest.approx(0.97, abs=0.003)
    c = mech.behaviour_centre(np.array([0.97, 0.5, 0.02]), np.array([0.24, 0.24, 0.24]))
    np.testing.assert_allclose(mech.clipped_normal_mean(c, np.array([0.24] * 3)), [0.97, 0.5, 0.02], atol=1e-12)
    assert c[0] > 1.0 and c[1] == pytest.approx(0.5) and c[2] < 0.0


def test_arms_start_at_the_status_quos_richardson_equilibrium_and_rise_when_rivalry_escalates():
    base = run_ensemble("baseline", runs=200, years=30, seed=2, init=neutral())
    esc = run_ensemble("rivalry-escalates", runs=200, years=30, seed=2, init=neutral())
    arms = base.power["arms"].astype(float)
    np.testing.assert_allclose(arms, np.broadcast_to(arms[:, :1], arms.shape), rtol=1e-5)
    assert np.all(arms[:, 0] > 1.0)  # rivalry > 0: the equilibrium is above the no-rivalry level 1
    np.testing.assert_array_equal(esc.power["arms"][:, 0], base.power["arms"][:, 0])  # the same start
    assert np.all(esc.power["arms"][:, -1, 0] > base.power["arms"][:, -1, 0])  # CHN arms rise
    d = esc.outcome("threat:CHN") - base.outcome("threat:CHN")
    assert np.mean(d > 0) > 0.95 and d.mean() > 0.05  # paired runs: the arms term pushes threat up


def test_the_realist_lens_alone_raises_threat_when_a_strong_power_turns_coercive():
    sc = load_scenario("baseline").with_mechanisms(off=["liberal", "constructivist", "virtuous_circle", "rivalry", "regional"])
    a = run_ensemble(sc, runs=200, years=20, seed=5, init=neutral())
    b = run_ensemble(sc.with_power("CHN", respect="calibrated - 60%"), runs=200, years=20, seed=5, init=neutral())
    assert np.all(b.outcome("threat:CHN") > a.outcome("threat:CHN") + 0.05)
    off = sc.with_mechanisms(off=["realist.hostility"])
    c = run_ensemble(off, runs=50, years=20, seed=5, init=neutral())
    d = run_ensemble(off.with_power("CHN", respect="calibrated - 60%"), runs=50, years=20, seed=5, init=neutral())
    np.testing.assert_allclose(c.outcome("threat:CHN"), d.outcome("threat:CHN"), atol=1e-6)


def test_trust_enters_security_only_through_the_constructivist_lens():
    every_off = load_scenario("baseline").with_mechanisms(off=list(MECHANISMS))
    coercion = {"respect": "calibrated - 80%"}
    a = run_ensemble(every_off, runs=100, years=20, seed=6, init=neutral())
    b = run_ensemble(every_off.with_power("CHN", **coercion), runs=100, years=20, seed=6, init=neutral())
    assert np.all(b.outcome("trust:CHN") < a.outcome("trust:CHN") - 0.1)
    np.testing.assert_allclose(b.outcome("security"), a.outcome("security"), atol=1e-6)
    lens = every_off.with_mechanisms(on=["constructivist.trust_security"])
    c = run_ensemble(lens, runs=100, years=20, seed=6, init=neutral())
    d = run_ensemble(lens.with_power("CHN", **coercion), runs=100, years=20, seed=6, init=neutral())
    assert np.all(d.outcome("security") < c.outcome("security"))


def test_trade_peace_feeds_back_into_threat():
    only_peace = load_scenario("baseline").with_mechanisms(off=list(MECHANISMS)).with_mechanisms(on=["liberal.trade_peace"])
    a = run_ensemble(only_peace, runs=100, years=20, seed=7, init=neutral())
    b = run_ensemble(only_peace.with_power("RUS", trade_cost=0.7), runs=100, years=20, seed=7, init=neutral())
    assert np.all(b.outcome("engagement_economy:RUS") < a.outcome("engagement_economy:RUS"))
    assert np.all(b.outcome("threat:RUS") > a.outcome("threat:RUS") + 0.01)
    assert np.all(b.outcome("conflict:RUS") > a.outcome("conflict:RUS"))
    off = only_peace.with_mechanisms(off=["liberal.trade_peace"])
    c = run_ensemble(off, runs=30, years=20, seed=7, init=neutral())
    d = run_ensemble(off.with_power("RUS", trade_cost=0.7), runs=30, years=20, seed=7, init=neutral())
    np.testing.assert_allclose(c.outcome("threat:RUS"), d.outcome("threat:RUS"), atol=1e-6)


def test_dependence_is_trade_over_gdp_not_a_share_among_the_powers():
    sc = load_scenario("baseline").with_mechanisms(off=list(MECHANISMS))
    a = run_ensemble(sc, runs=50, years=20, seed=8, init=neutral())
    b = run_ensemble(sc.with_power("CHN", trade_cost=0.8), runs=50, years=20, seed=8, init=neutral())
    assert np.all(b.outcome("dependence:CHN") < a.outcome("dependence:CHN"))
    for p in ("RUS", "USA", "EU", "TUR"):  # a share among the five would rise here
        np.testing.assert_allclose(b.outcome(f"dependence:{p}"), a.outcome(f"dependence:{p}"), atol=1e-7)
    e = a.dyad["engagement_economy"].astype(float)
    np.testing.assert_allclose(a.dyad["dependence"], np.minimum(0.05 * e / (1 - e), 1.0), rtol=1e-5)


def test_regional_coordination_needs_neighbours_and_raises_coordinated_ties():
    c5 = InitialState.neutral(["KAZ", "KGZ", "TJK", "TKM", "UZB"], PARTNERS)
    deeper = load_scenario("c5-coordination")
    base = run_ensemble("baseline", runs=100, years=20, seed=9, init=c5)
    res = run_ensemble(deeper, runs=100, years=20, seed=9, init=c5)
    for m in range(5):
        assert np.all(res.outcome("engagement_economy:CHN", country=m) > base.outcome("engagement_economy:CHN", country=m) + 0.05)
    off = run_ensemble(deeper.with_mechanisms(off=["regional.coordination"]), runs=100, years=20, seed=9, init=c5)
    base_off = run_ensemble(load_scenario("baseline").with_mechanisms(off=["regional.coordination"]), runs=100, years=20, seed=9, init=c5)
    np.testing.assert_allclose(off.outcome("engagement_economy:CHN"), base_off.outcome("engagement_economy:CHN"), atol=1e-6)
    alone = run_ensemble(deeper, runs=50, years=20, seed=9, init=neutral())  # one middle power: nobody to coordinate with
    alone_base = run_ensemble("baseline", runs=50, years=20, seed=9, init=neutral())
    np.testing.assert_allclose(alone.outcome("engagement_economy:CHN"), alone_base.outcome("engagement_economy:CHN"), atol=1e-6)


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
