"""From a disruption to the economy: general equilibrium, then the simulator's economic channel.

1. **Trade costs.** A disruption changes what a demand's cargo pays for transport and time
   (:meth:`ScenarioResult.trade_cost_changes`): Δln t ≈ (F₁ − F₀)/(V + F₀), with F the cargo's
   transport-and-time bill at equilibrium prices and V the value of the goods (trade costs multiply:
   t = (1 + f)·(other costs); Anderson & van Wincoop 2004).
2. **General equilibrium.** The change goes to :func:`multivector.econ.trade_cost_shock` on a solved
   gravity baseline, for the demand's origin and every member of the group its destination stands
   for (China–Germany stands for China–EU), both directions. Run at the 5th, 50th and 95th
   percentile of the Monte Carlo change. The default baseline is the reference cross-section that
   ships with the econ module's examples (Yotov et al. 2016, ch. 2 app. 1, 2006: 69 countries,
   domestic flows, ln DIST + CNTG + INTL_BRDR with exporter and importer effects, σ = 7); pass
   another :class:`~multivector.econ.GEBaseline` (e.g. a Central Asia panel) to use it.
3. **The simulator.** The simulator's economic channel reads an extra trade cost τ_p ∈ [0, 1] per
   partner, which lowers economic engagement by β_τ·τ_p in logit terms; with dependence
   D = κ·E/(1 − E) this scales trade with the partner by exp(−β_τ·τ_p) at the new steady state.
   So a trade change X₁/X₀ maps to τ_p = −ln(X₁/X₀)/β_τ (clipped to [0, 1]; a fall of trade
   costs cannot be expressed: τ has no negative values). X₁/X₀ comes from the GE when the gravity
   data contain the middle power; otherwise from the corridor model's own change in the middle
   power's cost of reaching the partner (cheapest path, scarcity prices of binding capacity
   included) with the partial elasticity X₁/X₀ = (t₁/t₀)^(1−σ).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from multivector.corridors.model import percentiles
from multivector.errors import MultivectorError

if TYPE_CHECKING:
    from multivector.corridors.disruption import ScenarioResult

REFERENCE = {
    "data": "Chapter2Application1.dta",
    "formula": "trade ~ ln_DIST + CNTG + INTL_BRDR | exporter + importer",
    "derive": {"ln_DIST": "log(DIST)", "INTL_BRDR": "exporter != importer"},
    "sigma": 7.0,
    "reference": "DEU",
    "year": 2006,
    "citation": "Yotov, Piermartini, Monteiro & Larch (2016), An Advanced Guide to Trade Policy Analysis, ch. 2 app. 1 "
                "(2006 cross-section, 69 countries with domestic flows; CC BY 4.0)",
}
#: the simulator's partners and the corridor model's places for them
SIM_PARTNERS = ("CHN", "RUS", "USA", "EU", "TUR")


@lru_cache(maxsize=2)
def reference_baseline():
    """The solved reference gravity baseline (cached; about 2.5 s the first time)."""
    from multivector import econ
    from multivector.econ.data import resolve_data_path

    path = resolve_data_path(REFERENCE["data"])
    return econ.baseline(path, REFERENCE["formula"], sigma=REFERENCE["sigma"], reference=REFERENCE["reference"],
                         year=REFERENCE["year"], derive=REFERENCE["derive"])


def default_baseline():
    """The Central Asia gravity baseline when the econ module offers one and the store has its data
    (``econ.central_asia_results().baseline()``), else the reference data's."""
    from multivector import econ

    fn = getattr(econ, "central_asia_results", None)
    if callable(fn):
        try:
            return fn().baseline()
        except MultivectorError:
            pass  # no data in the store for the panel: the reference data
    return reference_baseline()


def _codes_in(base, code: str) -> list[str]:
    """A state or group as the baseline's codes: the group itself when the data aggregate it (EU),
    else its members present."""
    from multivector import countries as cc

    if code in base.countries:
        return [code]
    if cc.is_group(code):
        return [m for m in cc.group_members(code) if m in base.countries]
    return []


@dataclass
class GEEffects:
    """General-equilibrium effects of a disruption at the 5th, 50th and 95th percentile of its trade-cost change."""

    scenario: str
    pairs_changed: dict[str, float]                 # "CHN-DEU" -> % change of t (median)
    pct: dict[str, dict[str, float]]                # demand -> {"p5", "median", "p95"} % change of t
    results: dict[str, Any]                         # "p5" / "median" / "p95" -> econ.GEResult (or None)
    countries: list[str]
    notes: list[str] = field(default_factory=list)
    data: str = ""

    def countries_table(self, which: str = "median") -> list[dict]:
        res = self.results.get(which)
        return [] if res is None else res.countries_table()

    def pairs_table(self, which: str = "median") -> list[dict]:
        res = self.results.get(which)
        return [] if res is None else res.pairs_table()

    def country(self, iso3: str) -> dict:
        """A country's GE changes with the Monte Carlo band: {field: {"p5", "median", "p95"}}."""
        out: dict[str, dict] = {}
        for which, res in self.results.items():
            if res is None:
                continue
            for row in res.countries_table():
                if row["country"] == iso3:
                    for k, v in row.items():
                        if k != "country":
                            out.setdefault(k, {})[which] = v
        return out

    def pair_trade_change(self, a: str, b: str | list[str], which: str = "median") -> float | None:
        """% change of trade between ``a`` and ``b`` (a state or several), both directions, in GE."""
        res = self.results.get(which)
        bs = {b} if isinstance(b, str) else set(b)
        if res is None:  # no trade cost moved at this percentile: no change, if the pair is in the data
            return 0.0 if a in self.countries and bs & set(self.countries) else None
        base = new = 0.0
        for p in res.pairs_table():
            if (p["exporter"] == a and p["importer"] in bs) or (p["importer"] == a and p["exporter"] in bs):
                base += p["baseline_trade"]
                new += p["baseline_trade"] * (1 + p["trade_change_pct"] / 100.0)
        return None if base <= 0 else 100.0 * (new / base - 1.0)

    def to_dict(self, top: int = 12) -> dict:
        med = self.countries_table("median")
        keys = ("exports_change_pct", "real_gdp_change_pct")
        rows = []
        focus = ("CHN", "EU", "DEU", "KAZ", "TUR", "RUS")
        ordered = sorted(med, key=lambda r: (r["country"] not in focus,
                                             focus.index(r["country"]) if r["country"] in focus else 0,
                                             -abs(r["real_gdp_change_pct"])))
        for r in ordered[:top]:
            c = self.country(r["country"])
            rows.append({"country": r["country"], **{k: c.get(k, {}) for k in keys}})
        return {"scenario": self.scenario, "data": self.data, "trade_cost_change_pct": self.pct,
                "pairs_changed": self.pairs_changed, "countries": rows, "notes": self.notes}


def ge_effects(result: ScenarioResult, baseline: Any = None, *, country: str | None = "KAZ",
               quantiles=(5, 50, 95)) -> GEEffects:
    """Feed a disruption's trade-cost changes to :func:`multivector.econ.trade_cost_shock`.

    The changes are those of each demand's trade (China–EU by default) and, when the gravity data
    contain ``country`` (a middle power), that country's own trade costs with the simulator's
    partners as the corridor model computes them (its cheapest path to each partner, scarcity
    prices included): the GE then carries both the direct and the indirect effects.
    """
    from multivector import countries as cc
    from multivector import econ

    base = baseline if baseline is not None else default_baseline()
    if baseline is None and base is reference_baseline():
        data = REFERENCE["citation"]
    else:
        data = "; ".join(map(str, getattr(base, "notes", []) or [])) or "the given gravity baseline"
        data = data if len(data) < 300 else data[:297] + "…"
    notes: list[str] = []
    names = ("p5", "median", "p95")
    per_q: dict[str, dict[tuple[str, str], float]] = {n: {} for n in names}
    pct_out: dict[str, dict[str, float]] = {}
    for d, dp in enumerate(result.flows.world.demand_paths):
        draws = result.trade_cost_change_draws(d)
        qs = percentiles(draws, quantiles)
        pct_out[dp.demand.name] = dict(zip(names, qs))
        origin = dp.origin_country
        targets_code = dp.demand.represents or dp.destination_country
        targets = cc.group_members(targets_code) if cc.is_group(targets_code) else [targets_code]
        present = [t for t in _codes_in(base, targets_code) if t != origin]
        if origin not in base.countries or not present:
            notes.append(f"{dp.demand.name}: {origin} or {targets_code} is not in the gravity data; no GE change for it")
            continue
        missing = [] if targets_code in base.countries else sorted(set(targets) - set(base.countries) - {origin})
        if missing:
            notes.append(f"{dp.demand.name}: {len(missing)} members of {targets_code} are not in the gravity data "
                         f"({', '.join(missing[:6])}{' …' if len(missing) > 6 else ''})")
        for n, q in zip(names, qs):
            for t in present:
                per_q[n][(origin, t)] = q
    if country is not None:
        iso = cc.resolve(country, allow_groups=False)
        if iso in base.countries:
            for p in SIM_PARTNERS:
                codes = [c for c in _codes_in(base, p) if c != iso]
                link = _corridor_link(result, iso, p) if codes else None
                if link is None:
                    continue
                pct, closed = link
                pct = np.where(closed, 100.0, pct)  # every route closed: counted as doubling the trade cost
                qs = percentiles(pct[np.isfinite(pct)], quantiles) if np.isfinite(pct).any() else [0.0] * 3
                for n, q in zip(names, qs):
                    for c in codes:
                        per_q[n][(iso, c)] = per_q[n].get((iso, c), 0.0) + q
                pct_out[f"{iso}-{p}"] = dict(zip(names, qs))
            notes.append(f"{iso}'s own trade costs with its partners (corridor model) are part of the shock")
    results: dict[str, Any] = {}
    for n in names:
        changes = {k: v for k, v in per_q[n].items() if abs(v) > 1e-9}
        if not changes:
            results[n] = None
            continue
        results[n] = econ.trade_cost_shock(base, changes, symmetric=True, name=f"{result.scenario.name} ({n})")
    if all(r is None for r in results.values()):
        notes.append("the disruption leaves trade costs unchanged: no general-equilibrium effect")
    pairs = {f"{a}-{b}": v for (a, b), v in per_q["median"].items()}
    return GEEffects(result.scenario.name, pairs, pct_out, results, list(base.countries), notes, data)


# ---------------------------------------------------------------------------------------------
# The simulator's economic channel


@dataclass
class SimShock:
    """A disruption as a simulator scenario: an extra trade cost per partner of one middle power."""

    name: str
    country: str
    partners: dict[str, dict]
    beta: float
    notes: list[str] = field(default_factory=list)
    description: str = ""

    def trade_costs(self) -> dict[str, tuple[float, float]]:
        return {p: tuple(v["trade_cost"]) for p, v in self.partners.items() if v.get("trade_cost") is not None}

    def to_dict(self) -> dict:
        """The scenario laid out like a simulator TOML file (``multivector.sim.scenario_from_dict``)."""
        powers = {p: {"trade_cost": [round(lo, 6), round(hi, 6)]} for p, (lo, hi) in self.trade_costs().items()
                  if hi > 0}
        intent = {f"engagement_economy:{p}": "down" for p in powers}
        head: dict[str, Any] = {"name": self.name, "description": self.description, "extends": "baseline",
                                "country": self.country}
        if intent:
            head["intent"] = intent
        return {"scenario": head, "powers": powers} if powers else {"scenario": head}

    def to_toml(self) -> str:
        d = self.to_dict()
        lines = ["# Written by multivector corridors: a corridor disruption as extra trade costs for the simulator.",
                 *[f"# {n}" for n in self.notes], "[scenario]"]
        for k, v in d["scenario"].items():
            if isinstance(v, dict):
                inner = ", ".join(f'"{ik}" = "{iv}"' for ik, iv in v.items())
                lines.append(f"{k} = {{ {inner} }}")
            else:
                lines.append(f"{k} = {_toml_str(v)}")
        for p, t in d.get("powers", {}).items():
            lo, hi = t["trade_cost"]
            lines += ["", f"[powers.{p}]", f"trade_cost = [{lo!r}, {hi!r}]"]
        return "\n".join(lines) + "\n"

    def scenario(self):
        """The checked simulator scenario (runs with ``multivector.sim.run_ensemble``)."""
        from multivector.sim.scenario import scenario_from_dict

        return scenario_from_dict(self.to_dict(), source=f"<corridors {self.name}>")

    def summary(self) -> dict:
        return {"name": self.name, "country": self.country, "beta_trade_cost": self.beta, "partners": self.partners,
                "notes": self.notes, "scenario": self.to_dict()}


def _toml_str(v: Any) -> str:
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(v)


def sim_shock(result: ScenarioResult, country: str = "KAZ", *, ge: GEEffects | None = None,
              partners: tuple[str, ...] = SIM_PARTNERS, quantiles=(5, 95)) -> SimShock:
    """The disruption as extra trade costs τ_p (a range per partner) for ``country`` in the simulator."""
    from multivector import countries as cc
    from multivector.sim.parameters import GLOBAL_PARAMETERS

    beta = float(GLOBAL_PARAMETERS["trade_cost_effect"].default)
    net = result.network
    iso = cc.resolve(country, allow_groups=False)
    notes: list[str] = []
    out: dict[str, dict] = {}
    for p in partners:
        if p == iso:
            continue
        row: dict[str, Any] = {"trade_cost": None}
        ge_change = None
        if ge is not None and iso in ge.countries:
            members = [p] if p in ge.countries else (cc.group_members(p) if cc.is_group(p) else [p])
            lo = ge.pair_trade_change(iso, members, "p5")
            md = ge.pair_trade_change(iso, members, "median")
            hi = ge.pair_trade_change(iso, members, "p95")
            if md is not None:
                ge_change = [x for x in (lo, md, hi) if x is not None]
        if ge_change is not None:
            taus = [_tau(1 + x / 100.0, beta) for x in ge_change]
            row.update(trade_change_pct=ge_change[len(ge_change) // 2], source="general equilibrium",
                       trade_cost=(min(taus), max(taus)))
        else:
            link = _corridor_link(result, iso, p)
            if link is None:
                notes.append(f"{p}: no route from {iso} in the corridor model; its trade cost is left unchanged")
                out[p] = row | {"source": "not modelled"}
                continue
            pct, closed = link
            sigma = net.params.link_sigma
            ratio = np.where(closed, 0.0, (1.0 + pct / 100.0) ** (1.0 - sigma))
            tau = np.array([_tau(r, beta) for r in ratio])
            lo, hi = percentiles(tau, quantiles)[0], percentiles(tau, quantiles)[-1]
            row.update(trade_cost_change_pct=_finite_stats(pct), closed_share=float(np.mean(closed)),
                       trade_change_pct=float(np.median(100.0 * (ratio - 1.0))), source="corridor model (partial equilibrium)",
                       trade_cost=(float(lo), float(hi)))
            if np.any((~closed) & (pct < -1e-9)):
                notes.append(f"{p}: trade costs fall in some runs; the simulator's trade cost cannot go below today's, "
                             "so the fall is not passed on")
        out[p] = row
    desc = f"{result.scenario.description or result.scenario.name} — trade costs for {iso} from the corridor model"
    return SimShock(name=f"corridors-{result.scenario.name}", country=iso, partners=out, beta=beta,
                    notes=notes, description=desc)


def _tau(ratio: float, beta: float) -> float:
    """τ = −ln(X₁/X₀)/β_τ, clipped to [0, 1] (a closed route, X₁ = 0, is 1)."""
    if ratio <= 0:
        return 1.0
    return float(min(1.0, max(0.0, -math.log(ratio) / beta)))


def _finite_stats(x: np.ndarray) -> dict:
    ok = x[np.isfinite(x)]
    if ok.size == 0:
        return {"p5": None, "median": None, "p95": None}
    return dict(zip(("p5", "median", "p95"), percentiles(ok)))


def _corridor_link(result: ScenarioResult, iso: str, partner: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Per run: % change of the middle power's trade cost with ``partner`` and whether every route closed.

    The cost is that of the cheapest path for the link's representative cargo, with the scarcity
    prices of binding capacity in that world (the baseline's or the scenario's).
    """
    net = result.network
    try:
        _o, o_hubs = net.hubs(iso)
        d_label, d_hubs = net.hubs(partner)
    except MultivectorError:
        return None
    draws = result.flows.world.draws
    value = draws[net.params.link["value_usd_teu"]]
    tc = value * draws[net.params.link["time_cost_pct_day"]] / 100.0
    costs = []
    for flows, sc in ((result.baseline, None), (result.flows, result.scenario)):
        if sc is None:
            paths = [p for ps in net.route_paths(o_hubs, d_hubs).values() for p in ps]
        else:
            closures, closed_routes = sc.closures_for(net, iso, net.country_of(d_label))
            paths = [p for r, ps in net.route_paths(o_hubs, d_hubs, closures).items() if r not in closed_routes for p in ps]
        if not paths:
            if sc is None:
                return None
            costs.append(np.full(draws.runs, np.inf))
            continue
        ev = flows.world.evaluation
        toll = {e: flows.scarcity[:, j] for j, e in enumerate(flows.world.elements)}
        best = np.full(draws.runs, np.inf)
        for p in paths:
            c = ev.path_cost(p) + tc * ev.path_days(p)
            for e in ev.path_elements(p):
                if e in toll:
                    c = c + toll[e]
            best = np.minimum(best, c)
        costs.append(best)
    c0, c1 = costs
    closed = ~np.isfinite(c1)
    with np.errstate(invalid="ignore"):
        pct = np.where(closed, np.nan, 100.0 * (c1 - c0) / (value + c0))
    return pct, closed
