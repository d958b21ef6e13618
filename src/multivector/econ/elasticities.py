"""Trade-cost elasticities for the simulator and the corridor model.

Structural gravity turns trade costs into trade through one number, the elasticity of
substitution σ: bilateral trade moves with ``t_ij^(1−σ)``, so holding multilateral resistances
fixed the **partial elasticity** of a flow to its ad-valorem trade cost is ``1 − σ`` (−6 at
σ = 7). A gravity coefficient β on a variable x is a cost effect ``t ∝ exp(β x / (1 − σ))``:

* distance: the elasticity of trade costs to distance is ``β_dist / (1 − σ)`` (0.14 for
  β = −0.84, σ = 7): a route 10 % shorter lowers trade costs by about 1.4 %;
* a dummy (border, agreement) has the **tariff equivalent** ``exp(β / (1 − σ)) − 1`` (Yotov et al.
  2016, ch. 1: a negative β is a cost, a positive β a saving).

In **general equilibrium** a change in one pair's costs also moves every multilateral resistance:
:meth:`TradeCostElasticities.matrix` gives, for the middle power ``c``, the % change of its trade
with each partner j when its costs with partner k fall by 1 % (both ways), solved on the 2019
Central Asia baseline (:mod:`multivector.econ.applied`). The diagonal is ≈ σ − 1 plus small GE
terms; the off-diagonal is the third-country effect — negative means engagement with k is
*subtractive* for trade with j (trade diversion through multilateral resistance), positive
*additive*.

Distance, contiguity and the international border come from the published PPML estimates that
this project reproduces from the shared data (Yotov et al. 2016: ln DIST −0.841, CNTG 0.437,
ch. 1 app. 1; INTL_BRDR −2.474, ch. 2 app. 1; tests in ``tests/econ``), because the Central Asia
panel's own distance (minimum distance between territories) is not an economic distance (its
coefficient is shown beside them). Agreement effects (EAEU, CIS FTA, WTO, …) are the Central Asia
panel's, with their standard errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Published PPML coefficients that this project reproduces (tests/econ/test_reference_estimates.py).
REFERENCE_COEFFICIENTS: dict[str, tuple[float, float, str]] = {
    "ln_dist": (-0.841, 0.032, "Yotov et al. (2016), ch. 1 app. 1, table 1 col. 4: PPML, exporter-year and importer-year "
                               "FE, 69 countries 1986–2006 (multivector gravity estimate yotov-distance)"),
    "contig": (0.437, 0.083, "Yotov et al. (2016), ch. 1 app. 1, table 1 col. 4 (yotov-distance)"),
    "intl_border": (-2.47445, 0.119, "Yotov et al. (2016), ch. 2 app. 1: international border, 2006, domestic flows "
                                     "included (yotov-trade-without-borders)"),
}


@dataclass
class TradeCostElasticities:
    """Trade-cost elasticities of one middle power (see the module docstring)."""

    country: str
    sigma: float
    partners: list[str]
    structural: list[dict[str, Any]]
    responses: list[dict[str, Any]]
    year: int
    shock_pct: float = -1.0
    notes: list[str] = field(default_factory=list)

    @property
    def partial(self) -> float:
        """∂ ln X_ij / ∂ ln t_ij with multilateral resistances fixed: 1 − σ."""
        return 1.0 - self.sigma

    def matrix(self) -> tuple[list[str], np.ndarray]:
        """``(partners, M)`` with ``M[k, j]`` the % change of the country's trade with partner j per
        1 % *fall* in its trade costs with partner k (general equilibrium, full endowment)."""
        idx = {p: i for i, p in enumerate(self.partners)}
        m = np.full((len(self.partners), len(self.partners)), np.nan)
        for r in self.responses:
            m[idx[r["shocked"]], idx[r["partner"]]] = r["trade_change_pct"] / (-self.shock_pct)
        return list(self.partners), m

    def reading(self, shocked: str) -> dict[str, str]:
        """For each other partner: "additive", "subtractive" or "neutral" (|effect| < 0.005 %) —
        the GE sign of cheaper trade with ``shocked`` for trade with that partner."""
        out = {}
        for r in self.responses:
            if r["shocked"] != shocked or r["partner"] == shocked:
                continue
            v = r["trade_change_pct"] / (-self.shock_pct)
            out[r["partner"]] = "additive" if v > 0.005 else "subtractive" if v < -0.005 else "neutral"
        return out

    def to_dict(self) -> dict[str, Any]:
        parts, m = self.matrix()
        return {"country": self.country, "sigma": self.sigma, "year": self.year, "partial_elasticity": self.partial,
                "structural": self.structural, "responses": self.responses, "partners": parts,
                "matrix_per_1pct_fall": [[None if not np.isfinite(v) else float(v) for v in row] for row in m],
                "notes": self.notes}


def tariff_equivalent_pct(beta: float, sigma: float) -> float:
    """Ad-valorem trade-cost change implied by a gravity coefficient on a 0/1 variable:
    ``100·(exp(β / (1 − σ)) − 1)`` (Yotov et al. 2016, ch. 1). Negative = the variable lowers costs."""
    return 100.0 * (np.exp(beta / (1.0 - sigma)) - 1.0)


def structural_elasticities(coefficients: dict[str, Any], sigma: float) -> list[dict[str, Any]]:
    """Cost elasticities and tariff equivalents from gravity coefficients (``{name: {estimate, se}}``
    of the Central Asia panel) and the published distance/border/contiguity coefficients."""
    rows = []
    for name, (b, se, src) in REFERENCE_COEFFICIENTS.items():
        row = {"term": name, "estimate": b, "se": se, "source": src}
        if name == "ln_dist":
            row["cost_elasticity"] = b / (1.0 - sigma)
            row["meaning"] = "% change of trade costs per 1 % longer distance"
        else:
            row["tariff_equivalent_pct"] = tariff_equivalent_pct(b, sigma)
            lo, hi = sorted((tariff_equivalent_pct(b - 1.96 * se, sigma), tariff_equivalent_pct(b + 1.96 * se, sigma)))
            row["tariff_equivalent_ci"] = [lo, hi]
            row["meaning"] = ("trade-cost equivalent of sharing a land border (negative = cheaper)" if name == "contig"
                              else "trade-cost equivalent of an international border")
        rows.append(row)
    for name, c in coefficients.items():
        b, se = c.get("estimate"), c.get("se")
        if b is None:
            continue
        row = {"term": name, "estimate": b, "se": se, "tariff_equivalent_pct": tariff_equivalent_pct(b, sigma),
               "source": "Central Asia gravity panel, PPML with exporter-year, importer-year and pair fixed effects "
                         "(standard errors clustered by pair)",
               "meaning": "trade-cost equivalent of the agreement or control (negative = it lowers costs)"}
        if se:
            lo, hi = sorted((tariff_equivalent_pct(b - 1.96 * se, sigma), tariff_equivalent_pct(b + 1.96 * se, sigma)))
            row["tariff_equivalent_ci"] = [lo, hi]
        rows.append(row)
    return rows


def trade_cost_elasticities(country: str = "KAZ", partners: Sequence[str] | None = None, *, shock_pct: float = -1.0,
                            results=None, store=None) -> TradeCostElasticities:
    """Trade-cost elasticities of ``country`` (a country of the Central Asia panel) with
    ``partners`` (default: CHN, RUS, EU, USA, TUR): σ, the partial elasticity 1 − σ, cost
    elasticities and tariff equivalents, and the general-equilibrium response of its trade with
    each partner to a ``shock_pct`` % change of its trade costs with each partner.

    ``results``: a :class:`multivector.econ.applied.CentralAsiaResults` (default: the cached one).
    """
    from multivector.econ import applied
    from multivector.errors import MultivectorError

    res = results if results is not None else applied.central_asia_results(store)
    parts = list(partners) if partners is not None else list(applied.RESPONSE_PARTNERS)
    code = str(country).upper()
    if code not in res.countries:
        raise MultivectorError(f"{code} is not a country of the Central Asia gravity panel "
                               f"({', '.join(res.countries)}); elasticities exist for those")
    bad = [p for p in parts if p not in res.countries]
    if bad:
        raise MultivectorError(f"partner(s) {', '.join(bad)} not in the Central Asia gravity panel ({', '.join(res.countries)})")
    if not shock_pct > -100 or shock_pct == 0:
        raise MultivectorError(f"shock_pct must be a non-zero % change above −100 (got {shock_pct})")
    parts = [p for p in parts if p != code]
    responses = res.responses(code, parts, shock_pct=shock_pct)
    notes = [
        f"General-equilibrium responses on the {res.year} Central Asia baseline, σ = {res.sigma:g}; full endowment "
        "(factory-gate prices and incomes adjust).",
        "Off-diagonal effects are third-country effects through multilateral resistance: negative = subtractive "
        "(trade diversion), positive = additive.",
    ]
    return TradeCostElasticities(country=code, sigma=res.sigma, partners=parts,
                                 structural=structural_elasticities(res.coefficients, res.sigma),
                                 responses=responses, year=res.year, shock_pct=shock_pct, notes=notes)
