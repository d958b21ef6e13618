"""The model's mechanisms: small pure functions over numpy state arrays.

Shapes: runs ``R``, middle powers ``M``, great powers ``P``, channels ``C`` (diplomatic, security,
economy, institutions). Dyad arrays are ``(R, M, P)``, channel arrays ``(R, M, P, C)``, power
arrays ``(R, P)``, rivalry ``(R, P, P)``. Each function is one equation of ``docs/simulator.md``;
the model adds a mechanism's term only when the mechanism is switched on.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, ndtr

ARMS_CAP = 1e6
_EPS = 1e-9
_SQRT_2PI = float(np.sqrt(2.0 * np.pi))


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


def behaviour_quality(centre: np.ndarray, spread: np.ndarray, shock: np.ndarray) -> np.ndarray:
    """q = clip(c̃ + s·ε, 0, 1): a power's behaviour this year (1 respectful, 0 coercive), s = (1 − κ)·σ_q."""
    return np.clip(centre + spread * shock, 0.0, 1.0)


def clipped_normal_mean(centre: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """E[clip(c + s·Z, 0, 1)], Z ~ N(0, 1): c·(Φ(b) − Φ(a)) + s·(φ(a) − φ(b)) + 1 − Φ(b), a = −c/s, b = (1 − c)/s."""
    c = np.asarray(centre, float)
    s = np.asarray(spread, float)
    safe = np.where(s > 0, s, 1.0)
    # beyond ±30 sd Φ is 0 or 1 and φ is 0 to double precision; clipping avoids slow subnormal numbers
    with np.errstate(over="ignore", divide="ignore"):  # a tiny spread: ±inf, clipped to ±30
        a, b = np.clip(-c / safe, -30.0, 30.0), np.clip((1.0 - c) / safe, -30.0, 30.0)
    pa, pb = ndtr(a), ndtr(b)
    phia, phib = np.exp(-0.5 * a * a) / _SQRT_2PI, np.exp(-0.5 * b * b) / _SQRT_2PI
    m = c * (pb - pa) + safe * (phia - phib) + 1.0 - pb
    return np.where(s > 0, m, np.clip(c, 0.0, 1.0))


def behaviour_centre(mean: np.ndarray, spread: np.ndarray, iterations: int = 100) -> np.ndarray:
    """The centre c with E[clip(c + s·Z, 0, 1)] = ρ: respect ρ is the *expected* behaviour after clipping.

    Safeguarded Newton steps (the mean rises with c at rate Φ(b) − Φ(a)) inside a bracket that
    halves when a step leaves it; ρ is held inside [10⁻⁴, 1 − 10⁻⁴] so that c is finite. With
    s = 0, c = ρ.
    """
    exact = np.asarray(mean, float)
    rho = np.clip(exact, 1e-4, 1.0 - 1e-4)
    s = np.broadcast_to(np.asarray(spread, float), rho.shape)
    lo = np.full(rho.shape, -1.0) - 9.0 * s
    hi = np.full(rho.shape, 2.0) + 9.0 * s
    c = rho.copy()
    safe = np.where(s > 0, s, 1.0)
    for _ in range(iterations):
        f = clipped_normal_mean(c, s) - rho
        if np.max(np.abs(f)) < 1e-13:
            break
        lo = np.where(f < 0, c, lo)
        hi = np.where(f > 0, c, hi)
        with np.errstate(over="ignore", divide="ignore"):
            slope = ndtr(np.clip((1.0 - c) / safe, -30.0, 30.0)) - ndtr(np.clip(-c / safe, -30.0, 30.0))
        step = c - f / np.maximum(slope, 1e-12)
        c = np.where((step >= lo) & (step <= hi), step, 0.5 * (lo + hi))
    return np.where(s > 0, c, exact)


def hostility_update(hostility: np.ndarray, quality: np.ndarray, forgetting: np.ndarray) -> np.ndarray:
    """h̄ ← λ·h̄ + (1 − λ)·(1 − q): the hostility a realist reads from recent behaviour (same memory λ as trust)."""
    return forgetting * hostility + (1.0 - forgetting) * (1.0 - quality)


# -- realist -------------------------------------------------------------------------------------
def richardson_equilibrium_batch(
    rivalry: np.ndarray, reaction: np.ndarray, fatigue: np.ndarray, grievance: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Fixed point of the yearly arms step for every run: A* = (a·I − k·Γ)⁻¹·(a + g).

    Returns ``(A*, stable)``; the step converges to A* when the largest eigenvalue of k·Γ is
    below a (Γ symmetric); where it is not (an arms race) or A* is not positive, A* = 1.
    """
    R, P = grievance.shape
    k = reaction.reshape(R, 1, 1)
    a = fatigue.reshape(R, 1)
    lam_max = np.linalg.eigvalsh(rivalry)[:, -1] * reaction
    stable = lam_max < fatigue - 1e-9
    M = a[:, :, None] * np.eye(P)[None] - k * rivalry
    M = np.where(stable[:, None, None], M, np.eye(P)[None])
    rhs = np.where(stable[:, None], a + grievance, 1.0)
    A = np.linalg.solve(M, rhs[..., None])[..., 0]
    ok = stable[:, None] & (A > 1e-6)
    return np.where(ok, A, 1.0), stable


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


def dependence(economic: np.ndarray, half: float) -> np.ndarray:
    """D = min(κ·E_eco / (1 − E_eco), 1): trade with the partner as a share of the middle power's GDP.

    The inverse of the calibration's E_eco = D / (D + κ); not a share among the modelled powers,
    so one partner's dependence does not move when another's trade changes.
    """
    return np.minimum(half * economic / np.maximum(1.0 - economic, _EPS), 1.0)


def dependence_threat(d: np.ndarray, d0: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Threat logit term β_dep·(D − D₀): dependence raises threat perception."""
    return beta * (d - d0)


def arms_threat(ratio: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Threat logit term β_arms·ln(A_p / A_p,0) (``ratio`` = A/A₀, shaped (R, 1, P)): zero at the start
    (the status quo's equilibrium)."""
    return beta * np.log(np.maximum(ratio, 1e-12))


def hostility_threat(
    hostility: np.ndarray, hostility0: np.ndarray, capability: np.ndarray, capability0: np.ndarray, beta: np.ndarray
) -> np.ndarray:
    """Threat logit term β_host·(C_p·h̄ − C_p,0·h̄₀): hostile behaviour times capability (Walt 1987).

    C_p = P·w_p·A_p / A_p,0 is the power's strength relative to an average partner, scaled by its
    arms relative to the start.
    """
    return beta * (capability * hostility - capability0 * hostility0)


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


def trade_cost(cost: np.ndarray, cost0: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Economic logit term −β_τ·(τ − τ₀) (always on: a closed route is a cost under every lens)."""
    return -beta * (cost - cost0)


def trade_peace_threat(open_trade: np.ndarray, open_trade0: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Threat logit term −β_X·(X − X₀), X = E_eco·(1 − τ): open trade lowers threat perception."""
    return -beta * (open_trade - open_trade0)


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
def rival_gains(rivalry: np.ndarray, mean_engagement: np.ndarray, mean_engagement0: np.ndarray | float) -> np.ndarray:
    """Σ_q Γ_pq·(Ē_q − Ē_q,0): how much the rivals of p gained with the middle power (batched matmul)."""
    x = mean_engagement - mean_engagement0
    return np.matmul(x, rivalry.transpose(0, 2, 1))  # (R, M, P) @ (R, P, P): Σ_q x_mq·Γ_pq


def rivalry_reaction(respect: np.ndarray, gains: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """ρ̃_p = clip(ρ_p − β_ρ·Σ_q Γ_pq·(Ē_q − Ē_q,0), 0, 1): a power turns coercive as its rivals gain
    (and warmer as they lose; symmetric, so that noise around the start does not drift it)."""
    return np.clip(respect - beta * gains, 0.0, 1.0)


# -- regional coordination ---------------------------------------------------------------------
def neighbours(economic: np.ndarray) -> np.ndarray:
    """N_mp = mean over the other middle powers m' ≠ m of E_eco,m'p (0 with a single middle power)."""
    M = economic.shape[-2]
    if M < 2:
        return np.zeros_like(economic)
    return (economic.sum(axis=-2, keepdims=True) - economic) / (M - 1)


def coordination(loop_in: np.ndarray, neigh: np.ndarray, loop_in0: np.ndarray, neigh0: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Economic logit term β_C·(χ_p·N_mp − χ_p,0·N_mp,0): the joint format's loop-in raises the return
    to projects connected with the neighbours' ties to the same power."""
    return beta * (loop_in * neigh - loop_in0 * neigh0)


def connected_return(loop_in: np.ndarray, neigh: np.ndarray, loop_in0: np.ndarray, neigh0: np.ndarray) -> np.ndarray:
    """Return factor (1 + χ·N) / (1 + χ₀·N₀) of economic engagement in prosperity (1 at the start)."""
    return (1.0 + loop_in * neigh) / (1.0 + loop_in0 * neigh0)


# -- virtuous circle -----------------------------------------------------------------------------
def capacity_engagement(capacity: np.ndarray, capacity0: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Engagement logit term β_K·(K − K₀) on every channel with every partner."""
    return (beta * (capacity - capacity0))[:, :, None]


def capacity_target(
    security: np.ndarray, prosperity: np.ndarray, s0: np.ndarray, y0: np.ndarray, k0_logit: np.ndarray, beta: np.ndarray
) -> np.ndarray:
    """K* = σ(L(K₀) + β_SY·[(S − S₀) + (Y − Y₀)]): capacity grows with security and prosperity."""
    return logistic(k0_logit + beta * ((security - s0) + (prosperity - y0)))
