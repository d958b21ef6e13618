"""Estimators shared by the claims, each with its formula and source.

* :func:`hac_slope` — OLS slope with Newey–West errors (statsmodels).
* :func:`placebo_share` — where a reading falls among readings for random partner pairs.
* :func:`synthetic_control` / :func:`synthetic_control_test` — Abadie, Diamond & Hainmueller (2010).
* :func:`sup_f_break` — one structural break in level against a flexible polynomial trend, errors
  prewhitened for AR(1), p-values by parametric bootstrap (Andrews 1993; Bai 1997).
* :func:`holm` — Holm (1979) step-down adjustment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import special


# ----------------------------------------------------------------------------------- HAC slope

def newey_west_lags(n: int) -> int:
    """Lags for Newey–West errors: ``⌈1.3 √T⌉`` (Lazarus, Lewis, Stock & Watson 2018), at most T/3."""
    return int(max(1, min(math.ceil(1.3 * math.sqrt(n)), n // 3)))


def hac_slope(y: np.ndarray, x: np.ndarray, level: float = 0.95, lags: int | None = None) -> dict:
    """OLS ``y_t = a + β x_t + e_t`` with Newey–West (Bartlett) standard errors.

    ``Var(β̂) = n/(n−k) · (X'X)⁻¹ [Σ_t X_t X_t' e_t² + Σ_{l=1}^{L} w_l Σ_t (X_t X_{t−l}' e_t e_{t−l} + ·')] (X'X)⁻¹``,
    ``w_l = 1 − l/(L + 1)`` (Newey & West 1987) — the formula of statsmodels'
    ``OLS.fit(cov_type="HAC", cov_kwds={"maxlags": L, "use_correction": True})``, written out here
    (statsmodels takes seconds to import; the tests check the two agree). Interval and p-value from
    Student's t with T − 2 degrees of freedom. ``lags`` defaults to :func:`newey_west_lags`.
    """
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    n = y.size
    L = newey_west_lags(n) if lags is None else int(lags)
    X = np.column_stack([np.ones(n), x])
    k = X.shape[1]
    XtX_inv = np.linalg.inv(X.T @ X)
    beta = XtX_inv @ (X.T @ y)
    u = y - X @ beta
    xu = X * u[:, None]
    S = xu.T @ xu
    for lag in range(1, L + 1):
        w = 1.0 - lag / (L + 1.0)
        G = xu[lag:].T @ xu[:-lag]
        S += w * (G + G.T)
    cov = XtX_inv @ S @ XtX_inv * (n / (n - k))
    est = float(beta[1])
    se = float(np.sqrt(max(cov[1, 1], 0.0)))
    dof = max(n - k, 1)
    q = float(special.stdtrit(dof, 0.5 + level / 2))
    p = float(2 * special.stdtr(dof, -abs(est / se))) if se > 0 else float("nan")
    return {"estimate": est, "se": se, "ci_low": est - q * se, "ci_high": est + q * se, "p_value": p, "n": n,
            "lags": L}


def standardise(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    sd = v.std(ddof=1)
    return (v - v.mean()) / sd if sd > 0 else np.zeros_like(v)


# ------------------------------------------------------------------------------------- placebo

def placebo_correlations(Z: np.ndarray, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """Correlations over time of ``n_draws`` random ordered pairs of distinct columns of ``Z``
    (years × placebo partners, complete): the readings a design gives for partners with no reason
    to be related. Drawn with replacement from the C(P, 2) pairs."""
    T, P = Z.shape
    if P < 2 or T < 3:
        return np.array([])
    Zs = (Z - Z.mean(axis=0)) / np.where(Z.std(axis=0, ddof=1) > 0, Z.std(axis=0, ddof=1), np.nan)
    C = (Zs.T @ Zs) / (T - 1)
    a = rng.integers(0, P, size=n_draws)
    b = rng.integers(0, P - 1, size=n_draws)
    b = b + (b >= a)
    vals = C[a, b]
    return vals[~np.isnan(vals)]


def placebo_set_means(Z: np.ndarray, k: int, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """Mean correlation between a random placebo "focus" column and ``k`` other random columns of
    ``Z`` (years × placebo partners): the set-level reading for random partner sets."""
    T, P = Z.shape
    if P < k + 1 or T < 3:
        return np.array([])
    sd = Z.std(axis=0, ddof=1)
    Zs = (Z - Z.mean(axis=0)) / np.where(sd > 0, sd, np.nan)
    C = (Zs.T @ Zs) / (T - 1)
    a = rng.integers(0, P, size=n_draws)
    # k distinct others per draw, none equal to the focus: argsort of random keys with the focus pushed last
    keys = rng.random((n_draws, P))
    keys[np.arange(n_draws), a] = 2.0
    b = np.argsort(keys, axis=1)[:, :k]
    vals = C[a[:, None], b].mean(axis=1)
    return vals[~np.isnan(vals)]


def focus_correlations(zf: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """Correlation over time of the focus series with each placebo partner (columns of ``Z``): what
    the same reading gives for partners with no reason to be related. Keeping the focus series
    fixed keeps its persistence (a trending focus correlates widely with anything), so the reference
    is the right one for a reading on that focus (a partner-permutation test)."""
    if Z.size == 0:
        return np.array([])
    sd = Z.std(axis=0, ddof=1)
    Zs = (Z - Z.mean(axis=0)) / np.where(sd > 0, sd, np.nan)
    f = (zf - zf.mean()) / zf.std(ddof=1)
    r = (Zs.T @ f) / (len(f) - 1)
    return r[~np.isnan(r)]


def subset_means(values: np.ndarray, k: int, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """Means of ``k`` values drawn without replacement, ``n_draws`` times: the set-level reading for
    random sets of ``k`` placebo partners."""
    n = values.size
    if n < k or k < 1:
        return np.array([])
    idx = np.argsort(rng.random((n_draws, n)), axis=1)[:, :k]
    return values[idx].mean(axis=1)


def placebo_share(observed: float, placebo: np.ndarray) -> float:
    """Permutation p-value of a reading among placebo readings (two-sided):
    ``(1 + #{|r_b| ≥ |r|}) / (1 + B)`` (the observed reading counts as one of the arrangements;
    Phipson & Smyth 2010). Abadie, Diamond & Hainmueller (2010) use the same logic across units."""
    if placebo.size == 0 or not np.isfinite(observed):
        return float("nan")
    return float((1 + np.sum(np.abs(placebo) >= abs(observed) - 1e-12)) / (1 + placebo.size))


def holm(p: list[float]) -> list[float]:
    """Holm (1979) step-down adjusted p-values (NaN stays NaN)."""
    idx = [i for i, v in enumerate(p) if v is not None and np.isfinite(v)]
    order = sorted(idx, key=lambda i: p[i])
    m = len(order)
    out = [float("nan")] * len(p)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


# ---------------------------------------------------------------------------- synthetic control

def _project_simplex(V: np.ndarray) -> np.ndarray:
    """Euclidean projection of each row of ``V`` onto the probability simplex (Duchi et al. 2008)."""
    n = V.shape[-1]
    U = -np.sort(-V, axis=-1)
    css = np.cumsum(U, axis=-1) - 1.0
    ind = np.arange(1, n + 1)
    cond = U - css / ind > 0
    rho = n - 1 - np.argmax(cond[..., ::-1], axis=-1)
    theta = np.take_along_axis(css, rho[..., None], axis=-1) / (rho[..., None] + 1.0)
    return np.maximum(V - theta, 0.0)


def simplex_weights_batch(b: np.ndarray, A: np.ndarray, allowed: np.ndarray | None = None, iters: int = 1000,
                          tol: float = 1e-5) -> np.ndarray:
    """For each problem *i*, weights ``w ≥ 0, Σ w = 1`` minimising ``‖b_i − A_i w‖²`` — the
    outcome-only synthetic control of Abadie, Diamond & Hainmueller (2010) with V = I — solved for
    all problems at once by accelerated projected gradient (FISTA, Beck & Teboulle 2009) with the
    simplex projection of Duchi et al. (2008). ``b`` is (problems × rows), ``A`` (problems × rows ×
    donors); ``allowed`` (problems × donors, boolean) keeps some donors at weight 0. Checked against
    an exact solver in the tests."""
    b = np.asarray(b, dtype=float)
    A = np.asarray(A, dtype=float)
    P, _, D = A.shape
    if allowed is None:
        allowed = np.ones((P, D), dtype=bool)
    A = np.where(allowed[:, None, :], A, 0.0)
    off = np.where(allowed, 0.0, -1e12)
    L = np.linalg.norm(A, ord=2, axis=(1, 2)) ** 2
    L = np.where(L > 0, L, 1.0)[:, None]
    AtA = np.einsum("prd,pre->pde", A, A)
    Atb = np.einsum("prd,pr->pd", A, b)
    w = np.where(allowed, 1.0, 0.0) / np.maximum(allowed.sum(axis=1, keepdims=True), 1)
    z = w.copy()
    t = np.ones((P, 1))
    bb = np.einsum("pr,pr->p", b, b)

    def objective(v):
        return np.einsum("pd,pd->p", v, np.einsum("pde,pe->pd", AtA, v)) - 2 * np.einsum("pd,pd->p", Atb, v) + bb

    last = objective(w)
    for it in range(1, iters + 1):
        grad = np.einsum("pde,pe->pd", AtA, z) - Atb
        w_new = _project_simplex(z - grad / L + off)
        # adaptive restart (O'Donoghue & Candès 2015): drop the momentum where it points uphill
        restart = np.einsum("pd,pd->p", grad, w_new - w)[:, None] > 0
        t = np.where(restart, 1.0, t)
        t_new = (1 + np.sqrt(1 + 4 * t * t)) / 2
        z = w_new + ((t - 1) / t_new) * (w_new - w)
        w, t = w_new, t_new
        if it % 25 == 0:
            obj = objective(w)
            if np.all(np.abs(last - obj) <= tol * np.maximum(np.abs(obj), 1e-12)):
                break
            last = obj
    return w


def simplex_weights(y: np.ndarray, Y0: np.ndarray) -> np.ndarray:
    """Weights ``w ≥ 0, Σ w = 1`` minimising ``‖y − Y0 w‖²`` (see :func:`simplex_weights_batch`)."""
    return simplex_weights_batch(np.asarray(y, dtype=float)[None, :], np.asarray(Y0, dtype=float)[None, :, :])[0]


@dataclass
class SyntheticControl:
    """One synthetic-control fit (Abadie, Diamond & Hainmueller 2010)."""

    weights: np.ndarray
    gap: np.ndarray
    pre_rmspe: float
    post_rmspe: float
    effect: float
    """Mean post-period gap (actual − synthetic)."""

    @property
    def ratio(self) -> float:
        return self.post_rmspe / self.pre_rmspe if self.pre_rmspe > 0 else float("inf")


def synthetic_control(y: np.ndarray, Y0: np.ndarray, pre: np.ndarray) -> SyntheticControl:
    """Fit weights on the pre-period (``pre`` boolean over years) and return the gap path."""
    w = simplex_weights(y[pre], Y0[pre])
    return _fit_from_weights(np.asarray(y, dtype=float), np.asarray(Y0, dtype=float), w, pre)


@dataclass
class SyntheticTest:
    fit: SyntheticControl
    placebo_effects: np.ndarray
    placebo_ratios: np.ndarray
    p_value: float
    """ADH (2010) permutation p: share of units (treated included) whose post/pre RMSPE ratio is at
    least the treated unit's."""
    donors: list[str] = field(default_factory=list)


def _fit_from_weights(y: np.ndarray, Y0: np.ndarray, w: np.ndarray, pre: np.ndarray) -> SyntheticControl:
    gap = y - Y0 @ w
    pre_rmspe = float(np.sqrt(np.mean(gap[pre] ** 2)))
    post = ~pre
    post_rmspe = float(np.sqrt(np.mean(gap[post] ** 2))) if post.any() else float("nan")
    return SyntheticControl(weights=w, gap=gap, pre_rmspe=pre_rmspe, post_rmspe=post_rmspe,
                            effect=float(gap[post].mean()) if post.any() else float("nan"))


def synthetic_control_test(y: np.ndarray, Y0: np.ndarray, pre: np.ndarray, donors: list[str]) -> SyntheticTest:
    """Synthetic control for the treated series ``y`` with donor matrix ``Y0`` (years × donors),
    plus in-space placebos: each donor in turn is treated, the other donors its pool. Inference as
    in Abadie, Diamond & Hainmueller (2010, §4): ``p = (#{ratio_d ≥ ratio_treated} + 1) / (D + 1)``
    with ratio = post-period RMSPE / pre-period RMSPE. All D + 1 fits are solved as one batch."""
    y = np.asarray(y, dtype=float)
    Y0 = np.asarray(Y0, dtype=float)
    T, D = Y0.shape
    # problem 0: the treated unit with all donors; problem d + 1: donor d with the other donors
    A = np.broadcast_to(Y0[pre], (D + 1, int(pre.sum()), D))
    b = np.vstack([y[pre][None, :], Y0[pre].T])
    allowed = np.ones((D + 1, D), dtype=bool)
    allowed[np.arange(1, D + 1), np.arange(D)] = False
    W = simplex_weights_batch(b, A, allowed)
    fit = _fit_from_weights(y, Y0, W[0], pre)
    eff = np.empty(D)
    rat = np.empty(D)
    for d in range(D):
        w = W[d + 1].copy()
        w[d] = 0.0
        w = w / w.sum() if w.sum() > 0 else w
        f = _fit_from_weights(Y0[:, d], Y0, w, pre)
        eff[d] = f.effect
        rat[d] = f.ratio
    p = (1 + np.sum(rat >= fit.ratio - 1e-12)) / (D + 1)
    return SyntheticTest(fit=fit, placebo_effects=eff, placebo_ratios=rat, p_value=float(p), donors=list(donors))


# ------------------------------------------------------------------------------- break dating

def _polynomial(T: int, degree: int) -> np.ndarray:
    t = np.linspace(-1.0, 1.0, T)
    return np.column_stack([t ** k for k in range(degree + 1)])


def _prais_winsten(M: np.ndarray, rho: float) -> np.ndarray:
    """Prais–Winsten transform of the rows of ``M`` (time × columns) for AR(1) errors with ``rho``."""
    out = np.empty_like(M, dtype=float)
    out[0] = np.sqrt(max(1 - rho ** 2, 1e-6)) * M[0]
    out[1:] = M[1:] - rho * M[:-1]
    return out


def _ar1_noise(rng: np.random.Generator, T: int, B: int, rho: float) -> np.ndarray:
    e = rng.normal(size=(T, B))
    u = np.empty((T, B))
    u[0] = e[0]
    s = np.sqrt(1 - rho ** 2)
    for t in range(1, T):
        u[t] = rho * u[t - 1] + s * e[t]
    return u


class _BreakDesign:
    """Projections shared by every series of length T (null trend, step at each candidate)."""

    def __init__(self, T: int, degree: int, trim: float):
        self.T, self.degree = T, degree
        lo = max(int(math.ceil(trim * T)), 2)
        hi = min(int(math.floor((1 - trim) * T)), T - 2)
        # every year with at least three years on each side can be tested as a *named* date; the
        # search for an unknown date (sup) keeps to the central 1 − 2·trim of the years
        self.cands = np.arange(min(3, lo), max(T - 3, hi) + 1)
        self.core = (self.cands >= lo) & (self.cands <= hi)
        self.X0 = _polynomial(T, degree)
        self.steps = (np.arange(T)[:, None] >= self.cands[None, :]).astype(float)
        self._qr: dict[float, tuple[np.ndarray, list[np.ndarray]]] = {}
        self.dof = T - degree - 2

    def projections(self, rho: float):
        key = round(rho, 2)
        if key not in self._qr:
            X0t = _prais_winsten(self.X0, key)
            St = _prais_winsten(self.steps, key)
            Q0, _ = np.linalg.qr(X0t)
            Qs = [np.linalg.qr(np.hstack([X0t, St[:, [i]]]))[0] for i in range(len(self.cands))]
            self._qr[key] = (Q0, Qs)
        return self._qr[key]

    def ols_rho(self, Y: np.ndarray) -> np.ndarray:
        """Raw AR(1) coefficient of the residuals of the best-fitting step model (per column)."""
        Q0, Qs = self.projections(0.0)
        R = np.stack([Y - Q @ (Q.T @ Y) for Q in Qs])  # C × T × B
        best = np.argmin(np.sum(R ** 2, axis=1), axis=0)
        U = R[best, :, np.arange(Y.shape[1])].T  # T × B
        num = np.sum(U[1:] * U[:-1], axis=0)
        den = np.sum(U ** 2, axis=0)
        return np.where(den > 0, num / np.where(den > 0, den, 1), 0.0)

    def fstats(self, Y: np.ndarray, rho: float) -> np.ndarray:
        """F for a step at each candidate (rows) for the columns of Y, prewhitened with ``rho``."""
        Q0, Qs = self.projections(rho)
        Yt = _prais_winsten(Y, round(rho, 2))
        r0 = Yt - Q0 @ (Q0.T @ Yt)
        ssr0 = np.sum(r0 ** 2, axis=0)
        F = np.empty((len(Qs), Y.shape[1]))
        for i, Q in enumerate(Qs):
            ra = Yt - Q @ (Q.T @ Yt)
            ssra = np.sum(ra ** 2, axis=0)
            F[i] = (ssr0 - ssra) / np.maximum(ssra / self.dof, 1e-300)
        return F


_GRID = np.round(np.arange(0.0, 0.951, 0.05), 2)


def _profile(des: _BreakDesign, Y: np.ndarray, grid: np.ndarray = _GRID) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Concentrated AR(1) log-likelihoods (Prais–Winsten; Beach & MacKinnon 1978) on a grid of ρ:
    ``ℓ(ρ) = −T/2 · log(SSR_ρ / T) + ½ log(1 − ρ²)``, for the null (``l0``, grid × B) and each step
    model (``la``, grid × C × B)."""
    T = des.T
    l0 = np.empty((len(grid), Y.shape[1]))
    la = np.empty((len(grid), len(des.cands), Y.shape[1]))
    for g, r in enumerate(grid):
        Q0, Qs = des.projections(float(r))
        Yt = _prais_winsten(Y, float(r))
        jac = 0.5 * np.log(1 - r ** 2)
        ssr0 = np.sum((Yt - Q0 @ (Q0.T @ Yt)) ** 2, axis=0)
        l0[g] = -T / 2 * np.log(np.maximum(ssr0, 1e-300) / T) + jac
        for i, Q in enumerate(Qs):
            ssr = np.sum((Yt - Q @ (Q.T @ Yt)) ** 2, axis=0)
            la[g, i] = -T / 2 * np.log(np.maximum(ssr, 1e-300) / T) + jac
    return l0, la, grid


def _lr(des: _BreakDesign, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LR statistic for a step at each candidate (C × B), ρ profiled out under both models, and the
    ρ estimate of the best-fitting step model (B,)."""
    l0, la, grid = _profile(des, Y)
    lmax = la.max(axis=0)  # C × B
    lr = 2 * (lmax - l0.max(axis=0)[None, :])
    best = np.argmax(lmax, axis=0)  # B
    rho_alt = grid[np.argmax(la[:, best, np.arange(Y.shape[1])], axis=0)]
    return np.maximum(lr, 0.0), rho_alt


def _null_rho(des: _BreakDesign, Y: np.ndarray) -> np.ndarray:
    l0, _, grid = _profile_null(des, Y)
    return grid[np.argmax(l0, axis=0)]


def _null_bias_map(des: _BreakDesign, n_sim: int = 300, seed: int = 7, q: float = 0.25) -> np.ndarray:
    """For each true ρ on the grid, the ``q`` quantile of the null model's ML estimate of ρ
    (simulated once per design and cached). Inverting it gives the upper end of a one-sided
    ``1 − q`` confidence interval for ρ (test inversion)."""
    key = ("bias0", n_sim, q)
    if key not in des._qr:
        rng = np.random.default_rng(seed)
        out = [np.quantile(_null_rho(des, _ar1_noise(rng, des.T, n_sim, float(r))), q) for r in _GRID]
        des._qr[key] = np.maximum.accumulate(np.array(out))
    return des._qr[key]


def _profile_null(des: _BreakDesign, Y: np.ndarray):
    T = des.T
    l0 = np.empty((len(_GRID), Y.shape[1]))
    for g, r in enumerate(_GRID):
        Q0, _ = des.projections(float(r))
        Yt = _prais_winsten(Y, float(r))
        ssr0 = np.sum((Yt - Q0 @ (Q0.T @ Yt)) ** 2, axis=0)
        l0[g] = -T / 2 * np.log(np.maximum(ssr0, 1e-300) / T) + 0.5 * np.log(1 - r ** 2)
    return l0, None, _GRID


_DESIGNS: dict[tuple[int, int, float], _BreakDesign] = {}


def _design(T: int, degree: int, trim: float) -> _BreakDesign:
    key = (T, degree, trim)
    if key not in _DESIGNS:
        _DESIGNS[key] = _BreakDesign(T, degree, trim)
    return _DESIGNS[key]


@dataclass
class BreakTest:
    years: np.ndarray
    candidates: np.ndarray
    """Indices of candidate break positions (first year of the new regime)."""
    F: np.ndarray
    """Statistic for a level shift at each candidate."""
    core: np.ndarray
    """Candidates inside the trimmed range searched for an unknown date (the others are for named dates)."""
    sup_f: float
    p_value: float
    """Bootstrap p-value of sup-F under the null of a smooth trend with AR(1) errors."""
    p_pointwise: np.ndarray
    """Bootstrap p-value of F at each candidate separately."""
    rho: float
    degree: int
    n_boot: int

    @property
    def break_index(self) -> int:
        idx = np.flatnonzero(self.core)
        return int(self.candidates[idx[int(np.argmax(self.F[self.core]))]])

    @property
    def break_year(self) -> int:
        return int(self.years[self.break_index])


def sup_f_break(y: np.ndarray, years: np.ndarray, degree: int | None = None, trim: float = 0.15,
                n_boot: int = 499, rng: np.random.Generator | None = None) -> BreakTest:
    """One level shift at an unknown date against a flexible trend, with autocorrelated errors.

    Null: ``y_t = Σ_{k≤d} β_k t^k + u_t``, ``u_t = ρ u_{t−1} + ε_t`` (a polynomial trend, quadratic by
    default, so smooth rises, falls and inverted U-shapes are not breaks; a cubic mimics a gentle step
    too well to leave power with 30 years — see docs/claims.md).
    Alternative: the same plus ``δ · 1[t ≥ τ]``, for τ in the central ``1 − 2·trim`` of the years.
    Both are fitted by Gaussian AR(1) maximum likelihood (Prais–Winsten, ρ profiled on a grid, Beach &
    MacKinnon 1978), so the errors are prewhitened with the ρ each model implies; the statistic at τ
    is the likelihood ratio ``LR_τ`` (reported as ``F``: for one restriction LR and F order the dates
    alike). The break date is ``argmax_τ LR_τ`` (the maximum-likelihood date, cf. Bai 1997); the test
    is sup-LR (Andrews 1993). Its p-value and the pointwise p-values at each date come from a
    parametric bootstrap of the whole procedure under the null (``n_boot`` AR(1) series with the
    null model's ρ, made approximately unbiased by inverting its simulated bias, MacKinnon & Smith
    1998; the statistic does not depend on the trend coefficients or the scale).
    """
    rng = rng or np.random.default_rng(0)
    y = np.asarray(y, dtype=float)
    T = y.size
    d = 2 if degree is None else int(degree)
    des = _design(T, d, trim)
    F, _ = _lr(des, y[:, None])
    F = F[:, 0]
    r0 = _null_rho(des, y[:, None])
    m = _null_bias_map(des)  # the null model's ρ estimate is biased down: use the upper end of its 75 % interval
    rho = float(np.round(np.interp(r0[0], m, _GRID, left=0.0, right=0.95) / 0.05) * 0.05)
    key = ("boot", rho, n_boot)
    if key not in des._qr:  # the null distribution depends only on (T, degree, ρ): drawn once, reused
        Yb = _ar1_noise(np.random.default_rng([T, d, int(round(rho * 100)), n_boot]), T, n_boot, rho)
        des._qr[key] = _lr(des, Yb)[0]
    Fb = des._qr[key]
    sup = float(F[des.core].max())
    p = float((1 + np.sum(Fb[des.core].max(axis=0) >= sup - 1e-12)) / (n_boot + 1))
    pp = (1 + np.sum(Fb >= F[:, None] - 1e-12, axis=1)) / (n_boot + 1)
    return BreakTest(years=np.asarray(years), candidates=des.cands, F=F, core=des.core, sup_f=sup, p_value=p,
                     p_pointwise=pp, rho=rho, degree=d, n_boot=n_boot)
