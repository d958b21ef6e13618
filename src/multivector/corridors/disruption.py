"""Disruption scenarios against the baseline: shifted volumes, times, transit, binding capacity.

The baseline and the scenario are solved on the same Monte Carlo draws (common random numbers:
the same seed draws the same value for every quantity both contain), so each run's difference is
the scenario's effect, not noise.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from multivector.corridors.assignment import Flows, World
from multivector.corridors.model import Draws, percentiles
from multivector.corridors.network import OTHER, CorridorNetwork, load_network
from multivector.corridors.scenario import BASELINE, CorridorScenario, load_scenario

ProgressFn = Callable[[int, int], None]
#: an element "binds" in a run when its load is within 0.1 % of its capacity and its scarcity price is positive
BINDING_SHARE = 0.999


def _stats(x: np.ndarray) -> dict:
    x = np.asarray(x, float)
    ok = x[np.isfinite(x)]
    if ok.size == 0:
        return {"mean": None, "p5": None, "median": None, "p95": None}
    p5, med, p95 = percentiles(ok)
    return {"mean": float(ok.mean()), "p5": p5, "median": med, "p95": p95}


@dataclass
class ScenarioResult:
    """Baseline and scenario flows over the same draws, with summaries for people and the dashboard."""

    scenario: CorridorScenario
    network: CorridorNetwork
    baseline: Flows
    flows: Flows
    runs: int
    seed: int
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    # -- summaries ---------------------------------------------------------------------------------

    def route_names(self) -> list[str]:
        names = list(self.network.params.routes)
        used = {p.route for p in (*self.baseline.world.paths, *self.flows.world.paths)}
        return names + ([OTHER] if OTHER in used else [])

    def routes(self) -> list[dict]:
        """Volumes (TEU/year) and flow-weighted days per route, baseline against scenario."""
        out = []
        total_b = self.baseline.path_flow.sum(axis=1)
        total_s = self.flows.path_flow.sum(axis=1)
        closed = {r for c in self.scenario.closures for r in c.routes}
        for r in self.route_names():
            b, s = self.baseline.route_volume(r), self.flows.route_volume(r)
            if not (b.any() or s.any() or self._has_paths(r)):
                continue
            d = s - b
            with np.errstate(invalid="ignore", divide="ignore"):
                share_b = np.where(total_b > 0, b / total_b, np.nan)
                share_s = np.where(total_s > 0, s / total_s, np.nan)
            open_s = any(p.route == r for p in self.flows.world.paths)
            out.append({
                "name": r,
                "label": self.network.params.routes[r].label if r in self.network.params.routes else "paths on no named route",
                "status": "closed" if (r in closed or not open_s) else "open",
                "baseline_teu": float(b.mean()),
                "scenario_teu": float(s.mean()),
                "change_teu": float(d.mean()),
                "change_pct": float(100.0 * d.mean() / b.mean()) if b.mean() > 0 else None,
                "baseline": _stats(b),
                "scenario": _stats(s),
                "change": _stats(d),
                "share_baseline": _stats(share_b)["mean"],
                "share_scenario": _stats(share_s)["mean"],
                "days_baseline": _stats(self.baseline.route_days(r))["median"],
                "days_scenario": _stats(self.flows.route_days(r))["median"],
            })
        return out

    def _has_paths(self, route: str) -> bool:
        return any(p.route == route for p in (*self.baseline.world.paths, *self.flows.world.paths))

    def binding(self, min_share: float = 0.0) -> list[dict]:
        """Capacitated elements: how often they bind, their load and scarcity price, baseline and scenario."""
        net = self.network
        rows = []
        keys = list(dict.fromkeys([*self.baseline.world.elements, *self.flows.world.elements]))
        for e in keys:
            row = {"id": e.removeprefix("node:"), "kind": "node" if e.startswith("node:") else "segment"}
            if e.startswith("node:"):
                n = net.nodes[e[5:]]
                row.update(name=n.name, countries=[n.country])
            else:
                s = net.segments[e]
                row.update(name=s.name, countries=list(s.countries))
            m = net.element_model[e]
            q = m.get("capacity")
            row["capacity_basis"] = q.basis if q is not None else "scenario"
            for tag, fl in (("baseline", self.baseline), ("scenario", self.flows)):
                if e in fl.world.elements:
                    j = fl.world.elements.index(e)
                    load, cap, mu = fl.load[:, j], fl.capacity[:, j], fl.scarcity[:, j]
                    with np.errstate(invalid="ignore", divide="ignore"):
                        util = np.where(cap > 0, load / cap, np.where(load > 0, np.inf, 0.0))
                    binds = (util >= BINDING_SHARE) & (mu > 1e-6) | ((cap <= 0) & (load >= 0) & (mu > 1e-6))
                    row[f"{tag}_capacity_teu"] = float(np.median(cap))
                    row[f"{tag}_load_teu"] = float(load.mean())
                    row[f"{tag}_utilisation"] = float(np.nanmean(np.where(np.isfinite(util), util, np.nan))) if np.isfinite(util).any() else None
                    row[f"{tag}_binding_share"] = float(binds.mean())
                    row[f"{tag}_scarcity_usd_teu"] = float(np.median(mu))
                else:
                    row.update({f"{tag}_capacity_teu": None, f"{tag}_load_teu": 0.0, f"{tag}_utilisation": None,
                                f"{tag}_binding_share": 0.0, f"{tag}_scarcity_usd_teu": 0.0})
            row["binds"] = row["scenario_binding_share"] >= 0.5
            if max(row["baseline_binding_share"], row["scenario_binding_share"]) >= min_share:
                rows.append(row)
        rows.sort(key=lambda r: (-r["scenario_binding_share"], -r["baseline_binding_share"], r["id"]))
        return rows

    def transit(self) -> list[dict]:
        """TEU a year crossing each state (other than the trade's own), and its scarcity rents."""
        tb, ts = self.baseline.transit(), self.flows.transit()
        rb, rs = self.baseline.rents(), self.flows.rents()
        states = sorted(set(tb) | set(ts))
        zero = np.zeros(self.runs)
        rows = []
        for c in states:
            b, s = tb.get(c, zero), ts.get(c, zero)
            rows.append({
                "country": c,
                "baseline_teu": float(b.mean()),
                "scenario_teu": float(s.mean()),
                "change_teu": float((s - b).mean()),
                "change_pct": float(100 * (s - b).mean() / b.mean()) if b.mean() > 0 else None,
                "rent_baseline_usd": float(rb.get(c, zero).mean()),
                "rent_scenario_usd": float(rs.get(c, zero).mean()),
                "gains": bool((s - b).mean() > 0.5),
            })
        rows.sort(key=lambda r: -r["change_teu"])
        return rows

    def demands(self) -> list[dict]:
        out = []
        for d, dp in enumerate(self.flows.world.demand_paths):
            fb, vb = self.baseline.shipper_cost(d)
            fs, _ = self.flows.shipper_cost(d)
            pct = 100.0 * (fs - fb) / (vb + fb)
            ks_b = self.baseline.demand_classes(d)
            ks_s = self.flows.demand_classes(d)
            out.append({
                "name": dp.demand.name,
                "origin": dp.origin_label,
                "destination": dp.destination_label,
                "represents": dp.demand.represents,
                "teu": float(self.flows.demand[:, ks_s].sum(axis=1).mean()),
                "days_baseline": _stats(self.baseline.mean_days(d))["median"],
                "days_scenario": _stats(self.flows.mean_days(d))["median"],
                "unserved_baseline_teu": float(self.baseline.unserved[:, ks_b].sum(axis=1).mean()),
                "unserved_teu": float(self.flows.unserved[:, ks_s].sum(axis=1).mean()),
                "shipper_cost_baseline_usd_teu": float(np.median(fb / self.baseline.demand[:, ks_b].sum(axis=1))),
                "shipper_cost_scenario_usd_teu": float(np.median(fs / self.flows.demand[:, ks_s].sum(axis=1))),
                "trade_cost_change_pct": _stats(pct),
                "classes": [self._class_row(k, kb) for k, kb in zip(ks_s, ks_b)],
            })
        return out

    def _class_row(self, k: int, kb: int) -> dict:
        _dp, c = self.flows.world.classes[k]
        return {"name": c.name, "teu": float(self.flows.demand[:, k].mean()),
                "price_baseline_usd_teu": float(np.median(self.baseline.price[:, kb])),
                "price_scenario_usd_teu": float(np.median(self.flows.price[:, k])),
                "unserved_teu": float(self.flows.unserved[:, k].mean())}

    def trade_cost_changes(self) -> list[dict]:
        """Per demand: % change of the ad-valorem trade cost t = (1 + f)·(other costs), where f is what
        the cargo pays for transport and time as a share of its value (Anderson & van Wincoop 2004:
        trade costs multiply): Δln t ≈ Δf / (1 + f₀) = (F₁ − F₀) / (V + F₀)."""
        return [{"origin": d["origin"], "destination": d["destination"], "represents": d["represents"], "demand": d["name"],
                 **{f"pct_{k}": v for k, v in d["trade_cost_change_pct"].items()}} for d in self.demands()]

    def trade_cost_change_draws(self, d: int = 0) -> np.ndarray:
        fb, vb = self.baseline.shipper_cost(d)
        fs, _ = self.flows.shipper_cost(d)
        return 100.0 * (fs - fb) / (vb + fb)

    def intent_met(self) -> dict[str, bool]:
        """For each route in the scenario's intent: did its mean volume move the intended way?"""
        rows = {r["name"]: r for r in self.routes()}
        out = {}
        for key, way in self.scenario.intent.items():
            if key in rows or key in self.network.params.routes or key == OTHER:
                ch = rows.get(key, {}).get("change_teu", 0.0)
            else:
                ch = float((self.flows.through(key) - self.baseline.through(key)).mean())
            out[key] = ch > 0 if way == "up" else ch < 0
        return out

    def to_dict(self) -> dict:
        routes = self.routes()
        binding = self.binding(min_share=0.05)
        return {
            "scenario": self.scenario.to_dict(),
            "runs": self.runs,
            "seed": self.seed,
            "network": self.network.source,
            "units": {"volume": "TEU per year (westbound)", "money": "US$ per TEU (2024)", "time": "days"},
            "routes": routes,
            "binding_segments": [b["id"] for b in binding if b["binds"]],
            "binding": binding,
            "transit": self.transit(),
            "gaining_transit": [t["country"] for t in self.transit() if t["gains"]],
            "demands": self.demands(),
            "trade_cost_changes": self.trade_cost_changes(),
            "intent": self.scenario.intent,
            "intent_met": self.intent_met(),
            "notes": list(dict.fromkeys([*self.notes, *self.baseline.world.notes, *self.flows.world.notes])),
            "seconds": round(self.seconds, 3),
        }

    # -- links to the economy ------------------------------------------------------------------------

    def ge(self, baseline: Any = None, **options):
        """General-equilibrium effects of this disruption's trade-cost changes (``econ.trade_cost_shock``);
        see :func:`multivector.corridors.ge.ge_effects`."""
        from multivector.corridors.ge import ge_effects

        return ge_effects(self, baseline, **options)

    def sim_shock(self, country: str = "KAZ", ge: Any = None, **options):
        """The disruption as a scenario for the simulator's economic channel; see
        :func:`multivector.corridors.ge.sim_shock`."""
        from multivector.corridors.ge import sim_shock

        return sim_shock(self, country, ge=ge, **options)


_BASELINE_CACHE: dict[tuple, Flows] = {}


def run_scenario(scenario: str | Path | CorridorScenario, *, runs: int = 200, seed: int = 0,
                 network: CorridorNetwork | None = None, progress: ProgressFn | None = None) -> ScenarioResult:
    """Run a disruption scenario (a shipped name, a ``.toml`` path or a :class:`CorridorScenario`)
    against the baseline, ``runs`` Monte Carlo runs with ``seed``.
    """
    t0 = time.perf_counter()
    network = network or load_network()
    sc = load_scenario(scenario, network) if not isinstance(scenario, CorridorScenario) else scenario
    runs = int(runs)
    if not 1 <= runs <= 100_000:
        from multivector.errors import UsageError

        raise UsageError(f"runs must be between 1 and 100,000, got {runs}")
    draws = Draws(runs, seed)
    demands = sc.demands if sc.demands is not None else network.params.demands
    base_demands = network.params.demands if sc.demands is None else sc.demands
    key = (id(network), runs, seed, tuple(d.name for d in base_demands), tuple(map(repr, base_demands)))
    total = runs * (1 if key in _BASELINE_CACHE else 2)
    if key in _BASELINE_CACHE:
        base = _BASELINE_CACHE[key]
    else:
        base = World(network, BASELINE, base_demands, draws).solve(progress, 0, total)
        if len(_BASELINE_CACHE) > 16:
            _BASELINE_CACHE.clear()
        _BASELINE_CACHE[key] = base
    done = total - runs
    if sc.is_baseline and sc.demands is None:
        flows = base
        if progress is not None:
            progress(total, total)
    else:
        flows = World(network, sc, demands, draws).solve(progress, done, total)
    return ScenarioResult(sc, network, base, flows, runs, seed, seconds=time.perf_counter() - t0, notes=list(network.notes))
