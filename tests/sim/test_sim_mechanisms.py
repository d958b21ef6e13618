"""Property tests of the model's index functions and update rules (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

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


@given(arrays(np.float64, (3, 5), elements=st.floats(0.0, 1.0)))
def test_dependence_shares_sum_to_one(x):
    x = x + 0.01
    d = mech.dependence(x)
    assert np.allclose(d.sum(-1), 1.0, atol=1e-6)
    assert np.all((d >= 0) & (d <= 1))
