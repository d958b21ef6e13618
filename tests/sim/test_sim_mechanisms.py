"""Property tests of the model's index functions and update rules (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import pytest

from multivector.sim import mechanisms as mech

def test_the_models_balance_is_the_projects_balance_index_of_simulated_engagement():
    """One balance function: the simulator applies multivector.indices.balance to its engagement."""
    from multivector.indices.balance import balance
    from multivector.sim import run_ensemble

    res = run_ensemble("baseline", runs=20, years=3, seed=1, calibrate=False)
    np.testing.assert_allclose(res.middle["balance"], balance(res.dyad["engagement"], axis=-1), rtol=1e-6)


@settings(max_examples=50)
@given(
    st.floats(0, 50), st.floats(0, 50), st.floats(0, 20), st.floats(0, 1), st.floats(0, 1),
)
def test_beta_reputation_trust_stays_in_the_open_unit_interval_and_moves_towards_behaviour(r, s, e, q, lam):
    r1, s1, t = mech.beta_reputation_update(np.array(r), np.array(s), np.array(e), np.array(q), np.array(lam))
    t0 = (r + 1) / (r + s + 2)
    assert 0 < t < 1
    # new evidence of quality q pulls trust towards q, never past it from the other side
    lam_only = (lam * r + 1) / (lam * (r + s) + 2)
    lo, hi = sorted((lam_only, q))
    assert lo - 1e-9 <= t <= hi + 1e-9 or e == 0
    assert r1 >= 0 and s1 >= 0 and np.isfinite(t0)


@given(st.floats(-30, 30))
def test_logistic_and_logit_are_inverse(x):
    p = mech.logistic(np.array(x))
    if 1e-6 < p < 1 - 1e-6:
        assert np.isclose(mech.logit(p), x, atol=1e-6)


@given(arrays(np.float64, (3, 5), elements=st.floats(0.0, 0.999)))
def test_dependence_is_trade_over_gdp_and_inverts_the_calibrations_mapping(e):
    d = mech.dependence(e, 0.05)
    assert np.all((d >= 0) & (d <= 1))
    ok = d < 1
    np.testing.assert_allclose((d / (d + 0.05))[ok], e[ok], atol=1e-9)  # E_eco = D / (D + κ)
    # one partner's dependence depends on its own trade only (not a share among the powers)
    e2 = e.copy()
    e2[:, 0] = e2[:, 0] * 0.5
    np.testing.assert_array_equal(mech.dependence(e2, 0.05)[:, 1:], d[:, 1:])


@settings(max_examples=60)
@given(st.floats(0.0, 1.0), st.floats(0.0, 0.6))
def test_the_centre_of_behaviour_gives_the_expected_behaviour(rho, s):
    c = mech.behaviour_centre(np.array([rho]), np.array([s]))
    target = min(max(rho, 1e-4), 1 - 1e-4) if s > 0 else rho
    assert mech.clipped_normal_mean(c, np.array([s]))[0] == pytest.approx(target, abs=1e-9)


def test_the_status_quos_arms_equilibrium_solves_the_richardson_step():
    rng = np.random.default_rng(0)
    g = np.triu(rng.uniform(0, 0.5, (50, 5, 5)), 1)
    g = g + g.transpose(0, 2, 1)
    k, a, griev = np.full(50, 0.1), np.full(50, 0.3), rng.uniform(0, 0.2, (50, 5))
    A, stable = mech.richardson_equilibrium_batch(g, k, a, griev)
    assert stable.all()
    np.testing.assert_allclose(mech.richardson_arms_step(A, g, k, a, griev), A, rtol=1e-10)
    _, unstable = mech.richardson_equilibrium_batch(np.ones((1, 5, 5)) - np.eye(5), np.array([0.5]), np.array([0.2]), np.zeros((1, 5)))
    assert not unstable[0]
