"""SYNTHETIC panels with a known truth, for the Monte Carlo checks of the claim designs (tests and
``benchmarks/bench_claims.py``). Nothing here is data: every value is drawn from the model below.

Additivity panel (:func:`synthetic_long_panel`), in logs, for country *c*, partner *p*, year *t*:

    log x_cpt = α_cp + log N_ct + λ (1 + η_p) g_ct + h_pt + s_cpt + ε_cpt

* ``α_cp ~ N(0, 0.5²)`` dyad levels; ``ε_cpt`` AR(1) with ρ = 0.3 and marginal SD 1;
* ``log N_ct`` — **mechanical overlap**: the state's own membership total (log 20 → log 55 over the
  years for the middle power, random trends for the others), contained in every dyad's count;
* ``g_ct`` — the **middle-power-year common factor** (AR(1), ρ = 0.8, SD 1) with loading λ and
  partner heterogeneity ``η_p ~ N(0, 0.25²)`` (news attention, overall joining, the agenda);
* ``h_pt`` — **partner-year shocks** (AR(1), ρ = 0.7, SD 1) common to every country's tie with *p*;
* ``s_cpt`` — the **specific effect**, only for the middle power: its specific engagement with the
  focus is ``v_t`` (a rising path — linear trend plus AR(1) noise — plus its own idiosyncratic
  noise, standardised to SD 1 over the years; it replaces ``ε`` for that dyad) and each other named
  partner gets ``β v_t``: one SD more engagement with the focus goes with β SD (of the idiosyncratic
  noise) more (β > 0, additive) or less (β < 0, subtractive) engagement with the others.
  ``β = ±0.5`` is the effect of the issue's Monte Carlo; β = 0 is no effect.

Values are ``x = round(exp(log x))``-free positive numbers on the ``institutions`` channel with the
``shared_igos`` measure (a count: log-transformed by the claims), so the mechanical overlap enters
as it does for shared IGO counts.

Break series (:func:`synthetic_break_series`): a smooth trend (a random cubic), plus ``δ·1[t ≥ τ]``
(a break) or a smooth inverted U (``2δ·sin(π s^a)``, s from 0 to 1 over the span, a ∈ [0.6, 1.6] so the peak
moves), plus AR(1) noise.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from multivector.claims.long import LongPanel


def _ar1(rng: np.random.Generator, shape: tuple[int, ...], rho: float, sd: float = 1.0) -> np.ndarray:
    """AR(1) series along the last axis with marginal SD ``sd``."""
    e = rng.normal(0.0, sd * np.sqrt(1 - rho ** 2), size=shape)
    x = np.empty(shape)
    x[..., 0] = rng.normal(0.0, sd, size=shape[:-1])
    for t in range(1, shape[-1]):
        x[..., t] = rho * x[..., t - 1] + e[..., t]
    return x


def synthetic_long_panel(
    effect: float = 0.0,
    loading: float = 1.0,
    n_countries: int = 40,
    n_partners: int = 40,
    n_years: int = 30,
    n_others: int = 4,
    first_year: int = 1990,
    seed: int | None = None,
) -> tuple[LongPanel, dict]:
    """A SYNTHETIC long panel (see the module docstring) and its truth.

    The middle power is ``MID``; partners are ``FOC`` (the focus), ``OT1``…``OT{n_others}`` (the
    named others) and ``P05``… (placebo partners); comparison countries ``C01``…. Returns
    ``(LongPanel, {"country", "focus", "others", "effect", "loading", "truth"})`` with truth
    ``additive``, ``subtractive`` or ``none``.
    """
    rng = np.random.default_rng(seed)
    C, P, T = n_countries, n_partners, n_years
    countries = ["MID"] + [f"C{i:02d}" for i in range(1, C)]
    others = [f"OT{i}" for i in range(1, n_others + 1)]
    partners = ["FOC", *others] + [f"P{i:02d}" for i in range(n_others + 1, P)]
    alpha = rng.normal(0.0, 0.5, size=(C, P))
    eps = _ar1(rng, (C, P, T), 0.3)
    start = np.log(rng.uniform(15, 40, size=C))
    growth = rng.uniform(0.0, 1.2, size=C)
    start[0], growth[0] = np.log(20), np.log(55 / 20)
    logN = start[:, None] + growth[:, None] * np.linspace(0, 1, T)[None, :]
    g = _ar1(rng, (C, T), 0.8)
    eta = rng.normal(0.0, 0.25, size=P)
    h = _ar1(rng, (P, T), 0.7)
    y = alpha[:, :, None] + logN[:, None, :] + loading * (1 + eta)[None, :, None] * g[:, None, :] + h[None, :, :] + eps
    # the middle power's specific engagement with the focus: a rising path plus its own noise,
    # standardised; the named others respond to all of it with β
    v = np.linspace(-1, 1, T) + _ar1(rng, (T,), 0.5, 0.5)
    v = (v - v.mean()) / v.std(ddof=1) + eps[0, 0, :]
    v = (v - v.mean()) / v.std(ddof=1)
    y[0, 0, :] += v - eps[0, 0, :]
    for k in range(1, n_others + 1):
        y[0, k, :] += effect * v
    cc, pp, tt = np.meshgrid(np.arange(C), np.arange(P), np.arange(T), indexing="ij")
    frame = pl.DataFrame({
        "country": np.asarray(countries)[cc.ravel()],
        "partner": np.asarray(partners)[pp.ravel()],
        "year": (first_year + tt.ravel()).astype(np.int32),
        "channel": "institutions",
        "measure": "shared_igos",
        "value": np.exp(y.ravel()),
    })
    truth = "additive" if effect > 0 else ("subtractive" if effect < 0 else "none")
    lp = LongPanel(frame=frame, notes=["SYNTHETIC panel (claims.synthetic): not data."], source="synthetic")
    return lp, {"country": "MID", "focus": "FOC", "others": others, "effect": effect, "loading": loading,
                "truth": truth}


def synthetic_break_series(
    kind: str = "break",
    n_years: int = 30,
    size: float = 2.0,
    break_at: int | None = None,
    rho: float = 0.4,
    first_year: int = 1990,
    seed: int | None = None,
) -> tuple[np.ndarray, np.ndarray, dict]:
    """A SYNTHETIC yearly series: ``kind="break"`` (level shift of ``size`` noise SDs at
    ``break_at``, default a random year in the middle 60 %), ``"inverted_u"`` (a smooth hump of
    height ``size``) or ``"none"`` (trend and noise only). AR(1) noise with ``rho``, marginal SD 1.
    Returns ``(years, y, truth)``."""
    rng = np.random.default_rng(seed)
    T = n_years
    t = np.linspace(-1, 1, T)
    trend = rng.normal(0, 0.6) * t + rng.normal(0, 0.4) * t ** 2 + rng.normal(0, 0.3) * t ** 3
    noise = _ar1(rng, (T,), rho)
    years = np.arange(first_year, first_year + T)
    truth: dict = {"kind": kind}
    y = trend + noise
    if kind == "break":
        tau = break_at if break_at is not None else int(rng.integers(int(0.2 * T), int(0.8 * T)))
        y = y + size * (np.arange(T) >= tau)
        truth["break_year"] = int(years[tau])
    elif kind == "inverted_u":
        a = rng.uniform(0.6, 1.6)  # skew: the peak falls between 35 % and 65 % of the span
        s = np.linspace(0, 1, T) ** a
        y = y + size * 2 * np.sin(np.pi * s)
    elif kind != "none":
        raise ValueError(f"kind must be 'break', 'inverted_u' or 'none', got {kind!r}")
    return years, y, truth
