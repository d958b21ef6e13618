"""The model's mechanisms: small pure functions over numpy state arrays.

Shapes: runs ``R``, middle powers ``M``, great powers ``P``, channels ``C`` (diplomatic, security,
economic, institutional). Dyad arrays are ``(R, M, P)``, channel arrays ``(R, M, P, C)``, power
arrays ``(R, P)``, rivalry ``(R, P, P)``. Each function is one equation of ``docs/simulator.md``;
the model adds a mechanism's term only when the mechanism is switched on.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

ARMS_CAP = 1e6
_EPS = 1e-9


def sum_partners(x: np.ndarray) -> np.ndarray:
    """Σ over the last axis (partners), as slice additions: numpy's reduction over a 5-long axis is slow."""
    out = x[..., 0].copy()
    for j in range(1, x.shape[-1]):
        out += x[..., j]
    return out


def logistic(x: np.ndarray) -> np.ndarray:
    """σ(x) = 1 / (1 + e^(−x)) (scipy's ``expit``)."""
    return expit(x)


def logit(p: np.ndarray) -> np.ndarray:
    """L(p) = ln(p / (1 − p)), with p clipped to [1e-6, 1 − 1e-6]."""
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1.0 - p))


# -- trust: beta reputation with forgetting ------------------------------------------------------
def beta_reputation_update(
    r: np.ndarray, s: np.ndarray, evidence: np.ndarray, quality: np.ndarray, forgetting: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One year of beta reputation with forgetting (Jøsang & Ismail 2002).

    r ← λ·r + e·q,  s ← λ·s + e·(1 − q),  trust = (r + 1) / (r + s + 2),
    where e is this year's amount of evidence and q the share of it that is positive.
    """
    r = forgetting * r + evidence * quality
    s = forgetting * s + evidence * (1.0 - quality)
    return r, s, (r + 1.0) / (r + s + 2.0)


def behaviour_quality(
    respect: np.ndarray, consistency: np.ndarray, noise_sd: np.ndarray, shock: np.ndarray
) -> np.ndarray:
    """q = clip(ρ̃ + (1 − κ)·σ_q·ε, 0, 1): a power's behaviour this year (1 respectful, 0 coercive)."""
    return np.clip(respect + (1.0 - consistency) * noise_sd * shock, 0.0, 1.0)


# -- realist -------------------------------------------------------------------------------------
def richardson_arms_step(
    arms: np.ndarray, rivalry: np.ndarray, reaction: np.ndarray, fatigue: np.ndarray, grievance: np.ndarray
) -> np.ndarray:
    """Arms of each power, one year of Richardson (1960) with rivalry-weighted reactions (Euler, Δt = 1).

    A_p ← A_p + k·Σ_q Γ_pq·A_q − a·A_p + (a + g_p);  A = 1 is the level with no rivalry and no grievance.
    For two powers this is dx/dt = k·y − a·x + g with the reaction k·Γ.
    """
    weighted = rivalry[:, :, 0] * arms[:, 0, None]  # Σ_q Γ_pq·A_q, as slice additions (faster than einsum here)
    for q in range(1, arms.shape[-1]):
        weighted += rivalry[:, :, q] * arms[:, q, None]
    reaction_term = reaction[:, None] * weighted
    out = arms + reaction_term - fatigue[:, None] * arms + fatigue[:, None] + grievance
    return np.clip(out, 0.0, ARMS_CAP)


def dependence(economic: np.ndarray) -> np.ndarray:
    """D_p = X_p / Σ_q X_q: the partner's share of the middle power's economic engagement."""
    return economic / (sum_partners(economic)[..., None] + _EPS)


def dependence_threat(d: np.ndarray, d0: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Threat logit term β_dep·(D − D₀): dependence raises threat perception."""
    return beta * (d - d0)


def arms_threat(arms: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Threat logit term β_arms·ln A_p (zero at the no-rivalry level A = 1)."""
    return beta * np.log(np.maximum(arms, 1e-6))[:, None, :]


def leverage(d: np.ndarray, d0: np.ndarray, respect: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Diplomatic logit term β_lev·(D − D₀)·(1 − ρ̃): a coercive power turns dependence into compliance."""
    return beta * (d - d0) * (1.0 - respect)


def balancing(threat: np.ndarray, strength: np.ndarray, rel0: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Security logit term −β_bal·P·[(B_p − B̄) − (B_p,0 − B̄_0)], B_p = w_p·H_p (threat-weighted strength)."""
    b = strength * threat
    rel = b - sum_partners(b)[..., None] / b.shape[-1]
    return -beta * b.shape[-1] * (rel - rel0)


# -- liberal -------------------------------------------------------------------------------------
def cooperation_gains(investment: np.ndarray, institutional: np.ndarray) -> np.ndarray:
    """G = ι·(1 + I)/2: gains from economic cooperation rise with investment and shared institutions."""
    return investment * (1.0 + institutional) / 2.0


def trade_cost(cost: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Economic logit term −β_τ·τ (always on: a closed route is a cost under every lens)."""
    return -beta * cost


def interdependence(economic: np.ndarray, economic0: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Institutional logit term β_int·(X − X₀): economic ties draw institutional ties after them."""
    return beta * (economic - economic0)


def conflict_propensity(
    threat: np.ndarray, trade: np.ndarray, base: np.ndarray, w_threat: np.ndarray, w_trade: np.ndarray, trade_peace: bool
) -> np.ndarray:
    """Z = σ(z₀ + ζ_H·H − ζ_X·X·[liberal.trade_peace]): the dyad's propensity to conflict."""
    x = base + w_threat * threat
    if trade_peace:
        x = x - w_trade * trade
    return logistic(x)


# -- constructivist ------------------------------------------------------------------------------
def trust_engagement(trust: np.ndarray, trust0: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Engagement logit term β_T·(T − T₀): trust raises engagement on every channel."""
    return beta * (trust - trust0)


def trust_threat(trust: np.ndarray, trust0: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Threat logit term −β_TH·(T − T₀): trust lowers threat perception."""
    return -beta * (trust - trust0)


# -- rivalry -------------------------------------------------------------------------------------
def rival_gains(rivalry: np.ndarray, mean_engagement: np.ndarray, mean_engagement0: np.ndarray) -> np.ndarray:
    """Σ_q Γ_pq·(Ē_q − Ē_q,0): how much the rivals of p gained with the middle power."""
    x = mean_engagement - mean_engagement0
    out = rivalry[:, None, :, 0] * x[:, :, 0, None]  # Σ_q Γ_pq·x_q, as slice additions
    for q in range(1, x.shape[-1]):
        out += rivalry[:, None, :, q] * x[:, :, q, None]
    return out


def rivalry_reaction(respect: np.ndarray, gains: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """ρ̃_p = clip(ρ_p − β_ρ·Σ_q Γ_pq·max(0, Ē_q − Ē_q,0), 0, 1): a power turns coercive as rivals gain."""
    return np.clip(respect - beta * gains, 0.0, 1.0)


# -- virtuous circle -----------------------------------------------------------------------------
def capacity_engagement(capacity: np.ndarray, capacity0: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Engagement logit term β_K·(K − K₀) on every channel with every partner."""
    return (beta * (capacity - capacity0))[:, :, None]


def capacity_target(
    security: np.ndarray, prosperity: np.ndarray, s0: np.ndarray, y0: np.ndarray, k0_logit: np.ndarray, beta: np.ndarray
) -> np.ndarray:
    """K* = σ(L(K₀) + β_SY·[(S − S₀) + (Y − Y₀)]): capacity grows with security and prosperity."""
    return logistic(k0_logit + beta * ((security - s0) + (prosperity - y0)))
