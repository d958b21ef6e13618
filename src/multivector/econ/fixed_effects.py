"""Poisson fixed effects for a given offset, solved exactly by alternating scaling (ours).

With only fixed effects and an offset ``o`` the Poisson pseudo-likelihood's first-order conditions
say that, in every fixed-effect group, fitted flows add up to observed flows:
``Σ_{obs in g} y = Σ_{obs in g} exp(o + Σ_k α_k[g_k])``. Solving them group by group —
``α_k[g] += log Σ y − log Σ μ`` for each set in turn — is iterative proportional fitting; for
exporter and importer effects it is the Sinkhorn scaling of structural gravity's multilateral
resistance system (Anderson & van Wincoop 2003; Yotov et al. 2016, ch. 2). It gives the same
fixed effects as a PPML fit with the offset (Fally 2015), to machine precision, and replaces
``predict(newdata)`` on fixed-effect-only Poisson models (pyfixest issue #1538).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from multivector.econ.exceptions import EstimationError, NonConvergenceError


def two_way(flows: np.ndarray, offset: np.ndarray, *, reference: int, tol: float = 1e-13, max_iter: int = 100_000,
            mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, int]:
    """Exporter and importer effects ``(a, b)`` of ``flows ~ exp(a_i + b_j + offset_ij)`` (N×N).

    ``b[reference] = 0`` (the reference importer, as in Yotov et al. 2016). ``mask`` marks the
    cells that are observations (default: all). Returns ``(a, b, sweeps)``; fitted flows are
    ``exp(a[:, None] + b[None, :] + offset)``.
    """
    y = np.asarray(flows, float)
    t = np.exp(np.asarray(offset, float))
    if mask is not None:
        y = np.where(mask, y, 0.0)
        t = np.where(mask, t, 0.0)
    rows, cols = y.sum(axis=1), y.sum(axis=0)
    if (rows <= 0).any() or (cols <= 0).any():
        zero = [int(i) for i in np.flatnonzero(rows <= 0)] + [int(j) for j in np.flatnonzero(cols <= 0)]
        raise EstimationError(f"a country has no positive flow as exporter or importer (positions {zero[:5]}): its "
                              "fixed effect is not identified\n  What to do: drop countries without trade or add "
                              "their domestic flows")
    chi = np.ones(len(cols))
    for sweep in range(1, max_iter + 1):
        pi = rows / (t @ chi)  # exporter sums now hold exactly
        reach = pi @ t
        err = float(np.max(np.abs(np.log(chi * reach / cols))))  # gap in importer sums
        chi = cols / reach
        chi = chi / chi[reference]
        if err < tol:
            break
    else:
        raise NonConvergenceError(f"the exporter/importer fixed effects did not converge in {max_iter} sweeps "
                                  f"(largest relative gap {err:.1e})", iterations=max_iter)
    pi = rows / (t @ chi)
    return np.log(pi), np.log(chi), sweep


def grouped(y: np.ndarray, offset: np.ndarray, groups: Sequence[np.ndarray], *, tol: float = 1e-11,
            max_iter: int = 200_000) -> tuple[list[np.ndarray], np.ndarray, int]:
    """Fixed effects of ``y ~ exp(offset + Σ_k α_k[groups_k])`` for any number of group codings.

    ``groups`` are integer codes 0..G_k−1 per observation. Every group needs a positive total
    flow (drop separated observations first). Returns ``(effects, linear predictor, sweeps)``;
    the effects are identified up to the usual normalisations, the linear predictor is unique.
    """
    y = np.asarray(y, float)
    eta = np.asarray(offset, float).copy()
    effects = []
    logs = []
    for g in groups:
        n = int(g.max()) + 1
        s = np.bincount(g, weights=y, minlength=n)
        if (s <= 0).any():
            raise EstimationError("a fixed-effect group has no positive flow (separated observations were not dropped)")
        logs.append(np.log(s))
        effects.append(np.zeros(n))
    for sweep in range(1, max_iter + 1):
        worst = 0.0
        for k, g in enumerate(groups):
            fit = np.bincount(g, weights=np.exp(eta), minlength=len(effects[k]))
            step = logs[k] - np.log(fit)
            worst = max(worst, float(np.max(np.abs(step))))
            effects[k] += step
            eta += step[g]
        if worst < tol:
            return effects, eta, sweep
    raise NonConvergenceError(f"the fixed effects did not converge in {max_iter} sweeps (largest step {worst:.2e})",
                              iterations=max_iter)
