"""Property tests of the model's index functions and update rules (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from multivector.sim import mechanisms as mech

engagement = arrays(np.float64, st.integers(2, 8), elements=st.floats(0.01, 1.0))


@given(engagement)
def test_balance_lies_between_one_over_p_and_one(e):
    b = float(mech.balance_index(e[None])[0])
    assert 1.0 / e.size - 1e-9 <= b <= 1.0 + 1e-9


@given(engagement, st.floats(0.1, 10.0), st.randoms(use_true_random=False))
def test_balance_ignores_scale_and_order_of_partners(e, k, rnd):
    perm = list(range(e.size))
    rnd.shuffle(perm)
    b = mech.balance_index(e[None])[0]
    assert np.isclose(mech.balance_index((k * e)[None])[0], b)
    assert np.isclose(mech.balance_index(e[perm][None])[0], b)


def test_balance_is_one_when_engagement_is_equal_and_one_over_p_with_one_partner():
    assert np.isclose(mech.balance_index(np.full((1, 5), 0.4))[0], 1.0)
    assert np.isclose(mech.balance_index(np.array([[1.0, 0, 0, 0, 0]]))[0], 0.2, atol=1e-6)


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
