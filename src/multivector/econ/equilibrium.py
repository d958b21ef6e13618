"""General-equilibrium counterfactuals of structural gravity: the GEPPML fixed point (ours).

Structural gravity (Anderson & van Wincoop 2003) with an endowment economy and CES elasticity σ:

    X_ij = (Y_i E_j / Y) · (t_ij / (Π_i P_j))^(1−σ),
    Π_i^(1−σ) = Σ_j (t_ij/P_j)^(1−σ) E_j/Y,   P_j^(1−σ) = Σ_i (t_ij/Π_i)^(1−σ) Y_i/Y,
    Y_i = p_i Q_i (factory-gate price × fixed endowment),   E_j = φ_j Y_j (φ: the baseline E/Y).

GEPPML (Anderson, Larch & Yotov 2018; Yotov et al. 2016, ch. 2) reads the multilateral
resistances off PPML fixed effects: with exporter effects π_i and importer effects χ_j (the
reference importer's set to 0), ``OMR_i = Π_i^(1−σ) = Y_i E_R / exp(π_i)`` and
``IMR_j = P_j^(1−σ) = E_j / (exp(χ_j) E_R)``, E_R the reference country's expenditure.

* **Baseline** — fit the flows with the baseline trade costs as an offset.
* **Conditional** — refit with the counterfactual costs, output and expenditure held fixed.
* **Full endowment** — iterate: scale the last fitted flows by the change in factory-gate prices
  ``p_i = [(exp(π_i)/exp(π_i⁻)) / (E_R/E_R⁻)]^(1/(1−σ))`` of exporter and importer, divided by the
  change in OMR and IMR; refit; update output ``Y_i = Σ_j X_ij``, expenditure ``E_j = φ_j Y_j``;
  stop when the change in ``p`` between iterations is below a tolerance. This is the published
  loop step for step, including its convergence rule (Stata: the standard deviation and the
  absolute value of the maximum of the change, over observations, both ≤ tolerance).

Each refit is a fixed-effects-only PPML with an offset, solved exactly by
:func:`multivector.econ.fixed_effects.two_way`. All percentage changes are invariant to the
normalisation of the fixed effects; levels are not (compare percentage changes only).

The published loop overshoots (successive price changes alternate in sign); where most output is
sold at home the overshoot can grow and the loop diverge. Then — and only then — the same
equilibrium is solved by exact hat algebra (:func:`exact_hat`; Dekle, Eaton & Kortum 2008), and the
result says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from multivector.econ import fixed_effects
from multivector.econ.exceptions import EstimationError, NonConvergenceError
from multivector.errors import MultivectorError, ScenarioError

Effects = Literal["counterfactual", "baseline"]
RULES = ("stata", "max")


@dataclass
class Convergence:
    """When the full-endowment loop stops.

    ``rule="stata"``: stop when both the standard deviation (over the N×N observations) and the
    absolute value of the maximum of the change in factory-gate price changes between iterations
    are ≤ ``tolerance`` — the rule of the published do-files (0.01 in Yotov et al. 2016, 0.001 in
    ALY 2018). ``rule="max"``: stop when the largest absolute change is ≤ ``tolerance``.
    """

    tolerance: float = 1e-8
    rule: str = "max"
    max_iterations: int = 2000
    fallback: bool = True
    """If the published loop diverges or stalls, solve the same equilibrium by exact hat algebra."""

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ScenarioError(f"unknown convergence rule '{self.rule}': use {' or '.join(RULES)}")
        if not (self.tolerance > 0):
            raise ScenarioError(f"the convergence tolerance must be > 0 (got {self.tolerance})")
        if int(self.max_iterations) < 1:
            raise ScenarioError("max_iterations must be at least 1")

    def done(self, dif: np.ndarray, n_obs_per_country: int) -> bool:
        if self.rule == "max":
            return float(np.max(np.abs(dif))) <= self.tolerance
        rows = np.repeat(dif, n_obs_per_country)
        return float(np.std(rows, ddof=1)) <= self.tolerance and abs(float(np.max(rows))) <= self.tolerance


@dataclass
class GEBaseline:
    """A solved baseline world: N countries, flows (exporter rows × importer columns) and trade costs.

    ``costs`` is the trade-cost term of the gravity equation, ``t_ij^(1−σ)`` = exp(linear
    predictor of trade costs), e.g. ``exp(β_dist·ln DIST + β_border·BRDR)``.
    """

    countries: list[str]
    flows: np.ndarray
    costs: np.ndarray
    sigma: float
    reference: str
    year: int | None = None
    notes: list[str] = field(default_factory=list)
    estimates: Any = None

    def __post_init__(self) -> None:
        n = len(self.countries)
        self.flows = np.asarray(self.flows, float)
        self.costs = np.asarray(self.costs, float)
        if self.flows.shape != (n, n) or self.costs.shape != (n, n):
            raise MultivectorError(f"flows and costs must be {n}×{n} matrices (one row and column per country)")
        if not (self.sigma > 1):
            raise ScenarioError(f"sigma (the elasticity of substitution) must be > 1, got {self.sigma}")
        if self.reference not in self.countries:
            raise ScenarioError(f"the reference country {self.reference} is not among the {n} countries "
                                f"({', '.join(self.countries[:12])}{' …' if n > 12 else ''})")
        if not np.all(np.isfinite(self.costs)) or (self.costs <= 0).any():
            raise MultivectorError("trade costs must be positive and finite for every pair")
        self.ref = self.countries.index(self.reference)
        self.output = self.flows.sum(axis=1)
        self.expenditure = self.flows.sum(axis=0)
        self.phi = self.expenditure / self.output
        a, b, _ = fixed_effects.two_way(self.flows, np.log(self.costs), reference=self.ref)
        self.log_pi, self.log_chi = a, b
        self.fitted = np.exp(a[:, None] + b[None, :]) * self.costs
        self.er = self.expenditure[self.ref]
        self.omr = self.output * self.er / np.exp(a)
        self.imr = self.expenditure / (np.exp(b) * self.er)

    @property
    def n(self) -> int:
        return len(self.countries)

    def index(self, code: str) -> int:
        try:
            return self.countries.index(code)
        except ValueError:
            import difflib

            near = difflib.get_close_matches(code, self.countries, n=3)
            raise ScenarioError(f"country {code!r} is not in the data" + (f" (did you mean {', '.join(near)}?)" if near else "")
                                + f"; the data has {self.n} countries") from None


@dataclass
class GEResult:
    """Baseline, conditional and full-endowment general equilibrium of one counterfactual."""

    baseline: GEBaseline
    costs: np.ndarray
    effects: Effects
    conditional: dict[str, np.ndarray]
    full: dict[str, np.ndarray]
    iterations: int
    history: list[dict[str, float]]
    convergence: Convergence
    name: str = ""
    notes: list[str] = field(default_factory=list)
    solver: str = "GEPPML fixed point (Anderson, Larch & Yotov 2018)"
    changes: list[str] = field(default_factory=list)
    change_details: list[dict[str, Any]] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)

    def _pct(self, new: np.ndarray, old: np.ndarray) -> np.ndarray:
        """% change of the counterfactual against the baseline, or (effects="baseline") of the
        baseline against the counterfactual — the effect of what the baseline has (e.g. NAFTA)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            r = new / old if self.effects == "counterfactual" else old / new
        return 100.0 * (r - 1.0)

    def countries_table(self) -> list[dict[str, Any]]:
        """One row per country: % changes, full endowment and conditional."""
        b, s = self.baseline, 1.0 / (1.0 - self.baseline.sigma)
        xb = _exports(b.fitted)
        rg_b = b.output / b.imr**s
        c, f = self.conditional, self.full
        rows = []
        ch = {
            "exports_change_pct": self._pct(_exports(f["flows"]), xb),
            "real_gdp_change_pct": self._pct(f["output"] / f["imr"] ** s, rg_b),
            "omr_change_pct": self._pct(f["omr"] ** s, b.omr**s),
            "imr_change_pct": self._pct(f["imr"] ** s, b.imr**s),
            "factory_gate_price_change_pct": self._pct(f["price"], np.ones(b.n)),
            "conditional_exports_change_pct": self._pct(_exports(c["flows"]), xb),
            "conditional_real_gdp_change_pct": self._pct(b.output / c["imr"] ** s, rg_b),
            "conditional_omr_change_pct": self._pct(c["omr"] ** s, b.omr**s),
            "conditional_imr_change_pct": self._pct(c["imr"] ** s, b.imr**s),
        }
        for i, code in enumerate(b.countries):
            row: dict[str, Any] = {"country": code}
            row.update({k: float(v[i]) for k, v in ch.items()})
            row["baseline_output"] = float(b.output[i])
            row["baseline_exports"] = float(xb[i])
            rows.append(row)
        return rows

    def pairs_table(self, *, include_domestic: bool = False) -> list[dict[str, Any]]:
        """One row per exporter–importer pair: % change of the flow (full endowment and conditional)."""
        b = self.baseline
        full = self._pct(self.full["flows"], b.fitted)
        cond = self._pct(self.conditional["flows"], b.fitted)
        cost = self._pct(self.costs ** (1.0 / (1.0 - b.sigma)), b.costs ** (1.0 / (1.0 - b.sigma)))
        out = []
        for i, e in enumerate(b.countries):
            for j, m in enumerate(b.countries):
                if i == j and not include_domestic:
                    continue
                out.append({"exporter": e, "importer": m, "trade_change_pct": float(full[i, j]),
                            "conditional_trade_change_pct": float(cond[i, j]),
                            "trade_cost_change_pct": float(cost[i, j]),
                            "baseline_trade": float(b.fitted[i, j])})
        return out

    def partner_table(self, country: str) -> list[dict[str, Any]]:
        """``country``'s trade with every other country: % change of its exports to, imports from
        and total trade with each (full endowment and conditional), with the fitted baseline flows."""
        b = self.baseline
        i = b.index(country)
        full = self._pct(self.full["flows"], b.fitted)
        cond = self._pct(self.conditional["flows"], b.fitted)
        out = []
        for j, p in enumerate(b.countries):
            if j == i:
                continue
            x, m = b.fitted[i, j], b.fitted[j, i]
            out.append({"country": country, "partner": p,
                        "trade_change_pct": float((x * full[i, j] + m * full[j, i]) / (x + m)),
                        "exports_change_pct": float(full[i, j]), "imports_change_pct": float(full[j, i]),
                        "conditional_trade_change_pct": float((x * cond[i, j] + m * cond[j, i]) / (x + m)),
                        "baseline_exports": float(x), "baseline_imports": float(m)})
        return out

    def changed_pairs(self) -> list[tuple[str, str]]:
        b = self.baseline
        idx = np.argwhere(np.abs(np.log(self.costs / b.costs)) > 1e-12)
        return [(b.countries[i], b.countries[j]) for i, j in idx]

    def to_dict(self, *, pairs: bool = False) -> dict[str, Any]:
        b = self.baseline
        out: dict[str, Any] = {
            "scenario": self.name,
            "year": b.year,
            "sigma": b.sigma,
            "reference": b.reference,
            "effects": ("% change of the counterfactual against the baseline" if self.effects == "counterfactual"
                        else "% change of the baseline against the counterfactual (the effect of what the baseline has)"),
            "changes": list(self.changes),
            "changed_pairs": len(self.changed_pairs()),
            "solver": self.solver,
            "convergence": {"rule": self.convergence.rule, "tolerance": self.convergence.tolerance,
                            "iterations": self.iterations, "history": self.history},
            "countries": self.countries_table(),
            "notes": list(b.notes) + list(self.notes),
        }
        if self.change_details:
            out["change_details"] = list(self.change_details)
        if self.caveats:
            out["caveats"] = list(self.caveats)
        if pairs:
            out["pairs"] = self.pairs_table()
        return out


def _exports(flows: np.ndarray) -> np.ndarray:
    return flows.sum(axis=1) - np.diag(flows)


def solve(baseline: GEBaseline, costs: np.ndarray, *, convergence: Convergence | None = None,
          effects: Effects = "counterfactual", name: str = "") -> GEResult:
    """Conditional and full-endowment general equilibrium for counterfactual ``costs`` (N×N).

    Follows Anderson, Larch & Yotov (2018) and Yotov et al. (2016, ch. 2, box 1 p. 107) step for
    step; see the module docstring.
    """
    conv = convergence or Convergence()
    b = baseline
    t = np.asarray(costs, float)
    if t.shape != b.costs.shape or not np.all(np.isfinite(t)) or (t <= 0).any():
        raise MultivectorError("counterfactual costs must be a positive, finite N×N matrix like the baseline's")
    s = 1.0 / (1.0 - b.sigma)
    log_t = np.log(t)
    n, ref = b.n, b.ref
    y0, e0, er0, phi = b.output, b.expenditure, b.er, b.phi
    pi0 = np.exp(b.log_pi)
    # conditional: refit the observed flows with the counterfactual costs
    a1, b1, _ = fixed_effects.two_way(b.flows, log_t, reference=ref)
    x1 = np.exp(a1[:, None] + b1[None, :]) * t
    pi1, chi1 = np.exp(a1), np.exp(b1)
    omr1, imr1 = y0 * er0 / pi1, e0 / (chi1 * er0)
    conditional = {"flows": x1, "omr": omr1, "imr": imr1}
    notes: list[str] = []
    solver = "GEPPML fixed point (Anderson, Larch & Yotov 2018)"
    try:
        full, history = _geppml_loop(b, t, log_t, pi1, chi1, x1, omr1, imr1, conv)
    except _LoopFailed as failed:
        history = failed.history
        if not conv.fallback:
            raise NonConvergenceError(f"{failed}\n  What to try: raise max_iterations or the tolerance in "
                                      "[convergence], or allow the exact-hat-algebra fallback (fallback = true)",
                                      iterations=len(history)) from None
        full = exact_hat(b, t, max_iterations=max(20_000, int(conv.max_iterations)))
        solver = "exact hat algebra (fallback)"
        notes.append(f"the published GEPPML loop {failed.reason} after {len(history)} iterations; the full-endowment "
                     "equilibrium was solved by exact hat algebra on the fitted baseline flows (same model; identical "
                     "results when trade is balanced, within ~0.03 percentage points under the fixed deficit ratios "
                     "φ otherwise)")
    return GEResult(baseline=b, costs=t, effects=effects, conditional=conditional, full=full, iterations=len(history),
                    history=history, convergence=conv, name=name, notes=notes, solver=solver)


class _LoopFailed(Exception):
    def __init__(self, reason: str, history: list[dict[str, float]], message: str) -> None:
        self.reason, self.history = reason, history
        super().__init__(message)


def _geppml_loop(b: GEBaseline, t, log_t, pi1, chi1, x1, omr1, imr1, conv: Convergence):
    """The published full-endowment loop (Yotov et al. 2016 box p. 107; ALY 2018 geppml.do)."""
    s = 1.0 / (1.0 - b.sigma)
    n, ref = b.n, b.ref
    y0, e0, er0, phi = b.output, b.expenditure, b.er, b.phi
    pi0 = np.exp(b.log_pi)
    p_old2 = np.zeros(n)
    p_old = (pi1 / pi0) ** s
    x_old, pi_old, er_old, omr_old, imr_old = x1, pi1, er0, omr1, imr1
    chi_old, e_old = chi1, e0
    ch_omr, ch_imr = np.ones(n), np.ones(n)
    history: list[dict[str, float]] = []
    smallest = np.inf
    for it in range(1, int(conv.max_iterations) + 1):
        trade = x_old * np.outer(p_old, p_old) / np.outer(ch_omr, ch_imr)
        if not np.all(np.isfinite(trade)):
            raise _LoopFailed("overflowed", history, f"the full-endowment loop overflowed at iteration {it}")
        try:
            a, bb, _ = fixed_effects.two_way(trade, log_t, reference=ref)
        except (EstimationError, NonConvergenceError, FloatingPointError):
            raise _LoopFailed("broke down", history, f"the full-endowment loop broke down at iteration {it} "
                                                     "(flows under- or overflowed)") from None
        pi, chi = np.exp(a), np.exp(bb)
        x = np.exp(a[:, None] + bb[None, :]) * t
        y = x.sum(axis=1)
        e = phi * y
        er = e[ref]
        p = ((pi / pi_old) / (er / er_old)) ** s
        omr, imr = y * er / pi, e / (chi * er)
        ch_omr, ch_imr = omr / omr_old, imr / imr_old
        dif = p_old - p_old2
        rows = np.repeat(dif, n)
        history.append({"iteration": it, "mean": float(rows.mean()), "sd": float(rows.std(ddof=1)),
                        "min": float(rows.min()), "max": float(rows.max())})
        p_old2, p_old = p_old, p
        x_old, pi_old, er_old, omr_old, imr_old, chi_old, e_old = x, pi, er, omr, imr, chi, e
        if conv.done(dif, n):
            break
        size = float(np.max(np.abs(dif)))
        if it > 3:
            if not np.isfinite(size) or (size > 4 * smallest and size > 1e-6):
                raise _LoopFailed("diverged", history, f"the full-endowment loop diverged (the change in factory-gate "
                                  f"prices grew from {smallest:.1e} to {size:.1e} by iteration {it})")
            smallest = min(smallest, size)
    else:
        last = history[-1]
        raise _LoopFailed("did not converge", history,
                          f"the full-endowment loop did not converge in {conv.max_iterations} iterations (last change "
                          f"in factory-gate prices: sd {last['sd']:.2e}, max {last['max']:.2e}; tolerance "
                          f"{conv.tolerance:g}, rule {conv.rule})")
    price = ((pi_old / pi0) / (er_old / er0)) ** s
    y_full = price * y0
    e_full = phi * y_full
    omr_full = y_full * er_old / pi_old
    imr_full = e_old / (chi_old * er_old)
    x_full = np.outer(y_full, e_full) * t / np.outer(omr_full, imr_full)
    full = {"flows": x_full, "price": price, "output": y_full, "expenditure": e_full, "omr": omr_full, "imr": imr_full}
    return full, history


def exact_hat(baseline: GEBaseline, costs: np.ndarray, *, tol: float = 1e-13, max_iterations: int = 20_000
              ) -> dict[str, np.ndarray]:
    """Full-endowment equilibrium by exact hat algebra (Dekle, Eaton & Kortum 2008) on the fitted flows.

    Solves ``p̂_i Y_i = Σ_j X'_ij`` with ``X'_ij = λ_ij p̂_i^(1−σ) τ̂_ij / P̂_j^(1−σ) · p̂_j E_j``,
    ``λ_ij = X̂_ij / E_j``, ``P̂_j^(1−σ) = Σ_i λ_ij p̂_i^(1−σ) τ̂_ij`` and the numeraire ``P̂_ref = 1``
    (as GEPPML's normalisation of the reference importer). Returns the same quantities as the loop.
    """
    b = baseline
    sig = b.sigma
    x0, y, e = b.fitted, b.output, b.expenditure
    share = x0 / x0.sum(axis=0)[None, :]
    tau = np.asarray(costs, float) / b.costs
    p = np.ones(b.n)
    for _ in range(int(max_iterations)):
        weight = share * (p[:, None] ** (1 - sig)) * tau
        x = weight / weight.sum(axis=0)[None, :] * (p * e)[None, :]
        new = p * (x.sum(axis=1) / (p * y)) ** (1 / sig)
        p_ref = float((share[:, b.ref] * new ** (1 - sig) * tau[:, b.ref]).sum()) ** (1 / (1 - sig))
        new = new / p_ref
        step = float(np.max(np.abs(new / p - 1)))
        p = new
        if step < tol:
            break
    else:
        raise NonConvergenceError(f"exact hat algebra did not converge in {max_iterations} iterations (last step "
                                  f"{step:.1e})\n  What to try: a smaller change in trade costs, or check the baseline "
                                  "flows (every country needs positive output and expenditure)", iterations=max_iterations)
    weight = share * (p[:, None] ** (1 - sig)) * tau
    x = weight / weight.sum(axis=0)[None, :] * (p * e)[None, :]
    y_full, e_full = p * y, p * e
    a, bb, _ = fixed_effects.two_way(x, np.log(costs), reference=b.ref)
    er = e_full[b.ref]
    return {"flows": x, "price": p, "output": y_full, "expenditure": e_full,
            "omr": y_full * er / np.exp(a), "imr": e_full / (np.exp(bb) * er)}


def trade_cost_shock(
    baseline: GEBaseline,
    changes: Mapping[tuple[str, str], float] | Sequence[tuple[str, str, float]],
    *,
    symmetric: bool = False,
    convergence: Convergence | None = None,
    name: str = "trade-cost shock",
) -> GEResult:
    """General-equilibrium effects of percentage changes in bilateral trade costs.

    ``changes`` maps ``(exporter, importer)`` to the % change of the ad-valorem trade cost
    ``t_ij`` (−10 = ten per cent cheaper); ``"*"`` stands for every country (domestic pairs are
    never changed). The gravity cost term moves by ``(1 + pct/100)^(1−σ)``. ``symmetric`` applies
    each change to both directions. Returns per-country and per-pair % changes
    (:meth:`GEResult.countries_table`, :meth:`GEResult.pairs_table`) — the interface for the
    simulator and the corridor model.
    """
    b = baseline
    items = list(changes.items()) if isinstance(changes, Mapping) else [((e, m), v) for e, m, v in changes]
    if not items:
        raise ScenarioError("no trade-cost change given: name at least one (exporter, importer) pair and a % change")
    factor = np.ones((b.n, b.n))
    for (exp_code, imp_code), pct in items:
        pct = float(pct)
        if not pct > -100:
            raise ScenarioError(f"a trade-cost change of {pct}% for {exp_code}→{imp_code} is impossible (must be > −100%)")
        rows = range(b.n) if exp_code == "*" else [b.index(exp_code)]
        cols = range(b.n) if imp_code == "*" else [b.index(imp_code)]
        for i in rows:
            for j in cols:
                if i == j:
                    continue
                factor[i, j] *= (1 + pct / 100.0) ** (1.0 - b.sigma)
                if symmetric:
                    factor[j, i] *= (1 + pct / 100.0) ** (1.0 - b.sigma)
    if np.all(np.abs(np.log(factor)) < 1e-12):
        raise ScenarioError("the trade-cost changes change nothing (all 0 %, or only domestic pairs named)")
    result = solve(b, b.costs * factor, convergence=convergence, name=name)
    result.changes = [f"trade costs {float(pct):+g} % for {e}→{m}" + (" (both ways)" if symmetric else "")
                      for (e, m), pct in items]
    return result
