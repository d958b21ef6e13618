"""Route comparison: transit days, cost and capacity of each route between two places, by Monte Carlo.

For each route the representative path is the variant with the lowest median days (e.g. the
northern route through Dostyk rather than Khorgos); its days and cost are reported as the 5th,
50th and 95th percentiles over the runs. A route's capacity is the maximum flow (TEU/year)
through all its variants at the median capacities (Ford–Fulkerson max-flow/min-cut, networkx),
and its bottleneck is the minimum cut.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path as FilePath

import numpy as np

from multivector.corridors.model import Draws, Evaluation, percentiles
from multivector.corridors.network import OTHER, CorridorNetwork, Path, load_network
from multivector.corridors.parameters import BASES
from multivector.corridors.scenario import BASELINE, CorridorScenario, load_scenario
from multivector.errors import UsageError

COST_BASIS = "scenario range: no authoritative series of freight rates exists (facts/corridors.csv); see docs/corridors.md"
DAYS_BASIS = "modelled from segment lengths and speeds, port and border times; calibrated to reported ranges (see reported)"


@dataclass
class Comparison:
    origin: str
    destination: str
    runs: int
    seed: int
    scenario: CorridorScenario
    routes: list[dict]
    network: CorridorNetwork
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def route(self, name: str) -> dict:
        for r in self.routes:
            if r["name"] == name:
                return r
        raise KeyError(name)

    def to_dict(self) -> dict:
        return {
            "origin": self.origin,
            "destination": self.destination,
            "runs": self.runs,
            "seed": self.seed,
            "scenario": self.scenario.to_dict(),
            "network": self.network.source,
            "units": {"days": "days door to door between the hubs", "cost": "US$ per TEU (2024)",
                      "capacity": "TEU per year westbound"},
            "routes": self.routes,
            "bases": BASES,
            "notes": self.notes,
            "seconds": round(self.seconds, 3),
        }


def compare(origin: str, destination: str, *, runs: int = 2000, seed: int = 0,
            scenario: str | FilePath | CorridorScenario | None = None, network: CorridorNetwork | None = None,
            routes: list[str] | None = None) -> Comparison:
    """Compare the routes from ``origin`` to ``destination`` (country codes such as CHN and DEU, the
    EU, or node ids such as ``xian``), ``runs`` Monte Carlo runs seeded with ``seed``.

    With ``scenario`` (a disruption's name or file) the comparison is made in that world: closed
    routes are listed with ``status = "closed"``, slower or dearer elements count.
    """
    t0 = time.perf_counter()
    runs = int(runs)
    if not 1 <= runs <= 1_000_000:
        raise UsageError(f"runs must be between 1 and 1,000,000, got {runs}")
    network = network or load_network()
    sc = BASELINE if scenario is None else load_scenario(scenario, network)
    o_label, o_hubs = network.hubs(origin)
    d_label, d_hubs = network.hubs(destination)
    if set(o_hubs) & set(d_hubs):
        raise UsageError(f"origin and destination are the same place ({o_label}); give two different places")
    oc, dc = network.country_of(o_label), network.country_of(d_label)
    closures, closed_routes = sc.closures_for(network, oc, dc)
    names = routes or list(network.params.routes)
    for r in names:
        if r not in network.params.routes and r != OTHER:
            raise UsageError(f"unknown route {r!r}; routes: {', '.join(network.params.routes)}")
    ev = Evaluation(network, Draws(runs, seed), sc.element_changes(), dict(sc.parameters))
    out: list[dict] = []
    open_any = False
    for name in names:
        paths = [] if name in closed_routes else network.paths(name, o_hubs, d_hubs, closures)
        if not paths:
            ever = network.paths(name, o_hubs, d_hubs) if not sc.is_baseline else []
            if ever or name in closed_routes:
                out.append(_closed(network, name, ever[0] if ever else None))
            continue
        open_any = True
        out.append(_route(network, ev, name, paths))
    if not open_any:
        other = network.paths(OTHER, o_hubs, d_hubs, closures)
        if other:
            out.append(_route(network, ev, OTHER, other))
            open_any = True
    notes = list(network.notes)
    if not open_any:
        from multivector.errors import ScenarioError

        raise ScenarioError(
            f"no route from {o_label} to {d_label}"
            + (f" under scenario {sc.name!r} ({'; '.join(sc.describe())})" if not sc.is_baseline else "")
            + " on the corridor network (rail, rail ferry and sea segments); try other places, e.g. CHN and DEU"
        )
    return Comparison(o_label, d_label, runs, seed, sc, out, network, time.perf_counter() - t0, notes)


def _closed(network: CorridorNetwork, name: str, path: Path | None) -> dict:
    label = network.params.routes[name].label if name in network.params.routes else "paths on no named route"
    return {"name": name, "label": label, "status": "closed",
            "countries": list(path.countries) if path else [], "nodes": list(path.nodes) if path else [],
            "days_p5": None, "days_median": None, "days_p95": None,
            "cost_usd_teu_p5": None, "cost_usd_teu_median": None, "cost_usd_teu_p95": None, "cost_basis": COST_BASIS,
            "capacity_teu_year": None, "bottleneck": [], "reported": _reported(network, name)}


def _route(network: CorridorNetwork, ev: Evaluation, name: str, paths: list[Path]) -> dict:
    days = np.array([ev.path_days(p) for p in paths])
    med = np.median(days, axis=1)
    best = int(np.argmin(med))
    p = paths[best]
    cost = ev.path_cost(p)
    land, sea = ev.path_km(p)
    d5, d50, d95 = percentiles(days[best])
    c5, c50, c95 = percentiles(cost)
    cap, bottleneck = route_capacity(network, ev, paths)
    label = network.params.routes[name].label if name in network.params.routes else "paths on no named route"
    return {
        "name": name,
        "label": label,
        "status": "open",
        "countries": list(p.countries),
        "nodes": list(p.nodes),
        "node_names": [network.nodes[n].name for n in p.nodes],
        "segments": list(p.segments),
        "origin": p.origin,
        "destination": p.destination,
        "days_p5": d5, "days_median": d50, "days_p95": d95,
        "days_basis": DAYS_BASIS,
        "cost_usd_teu_p5": c5, "cost_usd_teu_median": c50, "cost_usd_teu_p95": c95,
        "cost_basis": COST_BASIS,
        "capacity_teu_year": cap,
        "capacity_basis": "max flow through the route's variants at the median capacities; capacities are assumptions "
                          "or reported figures (see bottleneck)" if cap is not None else
                          "no capacity limit at this scale (sea lanes; elements without a capacity)",
        "bottleneck": bottleneck,
        "distance_km_land": float(np.median(land)),
        "distance_km_sea": float(np.median(sea)),
        "variants": [{"nodes": list(q.nodes), "countries": list(q.countries), "days_median": float(m)}
                     for q, m in sorted(zip(paths, med), key=lambda t: t[1])],
        "reported": _reported(network, name),
    }


def _reported(network: CorridorNetwork, name: str) -> list[dict]:
    """Figures reported for the route's corridor (facts/corridors.csv, via the registry), with who reported them."""
    rdef = network.params.routes.get(name)
    if rdef is None:
        return []
    keep = ("metric", "route", "segment", "year", "low", "high", "unit", "reported_by", "source", "note")
    return [{k: f.get(k) for k in keep} for f in network.figures if f["corridor"] in rdef.corridors]


def route_capacity(network: CorridorNetwork, ev: Evaluation, paths: list[Path]) -> tuple[float | None, list[dict]]:
    """Max flow (TEU/year) through the union of ``paths`` at median capacities, and the minimum cut.

    Nodes with a capacity are split into an in- and an out-node; elements without a capacity are
    unbounded. ``None`` when some path has no capacitated element (the route is not limited at
    this scale).
    """
    import networkx as nx

    if any(not ev.path_elements(p) for p in paths):
        return None, []
    g = nx.DiGraph()
    src, dst = "<origin>", "<destination>"

    def cap_of(key: str) -> float | None:
        c = ev.capacity(key)
        return None if c is None else float(np.median(c))

    def n_in(n: str) -> str:
        return f"{n}#in" if cap_of(f"node:{n}") is not None else n

    def n_out(n: str) -> str:
        return f"{n}#out" if cap_of(f"node:{n}") is not None else n

    for p in paths:
        for n in p.nodes:
            c = cap_of(f"node:{n}")
            if c is not None:
                g.add_edge(n_in(n), n_out(n), capacity=c, element=f"node:{n}")
        for sid, a, b in zip(p.segments, p.nodes, p.nodes[1:]):
            c = cap_of(sid)
            attrs = {"element": sid} | ({"capacity": c} if c is not None else {})
            g.add_edge(n_out(a), n_in(b), **attrs)
        g.add_edge(src, n_in(p.origin))
        g.add_edge(n_out(p.destination), dst)
    try:
        value, (reach, _rest) = nx.minimum_cut(g, src, dst)
    except nx.NetworkXUnbounded:
        return None, []
    cut = []
    for u, v, data in g.edges(data=True):
        if u in reach and v not in reach and "capacity" in data:
            key = data["element"]
            q = network.element_model[key].get("capacity")
            cut.append({"id": key.removeprefix("node:"), "kind": "node" if key.startswith("node:") else "segment",
                        "name": network.nodes[key[5:]].name if key.startswith("node:") else network.segments[key].name,
                        "capacity_teu_year": data["capacity"], "basis": q.basis if q is not None else "scenario"})
    return float(value), sorted(cut, key=lambda c: c["capacity_teu_year"])
