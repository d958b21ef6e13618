"""One world (the baseline or a scenario): demands, their paths, and the Monte Carlo of flows.

For every run the ranges are drawn (:class:`~multivector.corridors.model.Draws`), each path's days
and cost computed, and the cargo classes assigned by the multi-class min-cost flow of
:mod:`multivector.corridors.flow`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from multivector.corridors import flow as fl
from multivector.corridors.model import Draws, Evaluation
from multivector.corridors.network import CorridorNetwork, Path
from multivector.corridors.parameters import Demand
from multivector.corridors.scenario import CorridorScenario
from multivector.errors import ScenarioError

ProgressFn = Callable[[int, int], None]


@dataclass
class DemandPaths:
    demand: Demand
    origin_label: str
    destination_label: str
    origin_country: str
    destination_country: str
    paths: list[int]                          # indices into World.paths
    class_paths: list[list[int]]              # per class: indices into World.paths


@dataclass
class World:
    """A scenario (or the baseline) set up for assignment."""

    network: CorridorNetwork
    scenario: CorridorScenario
    demands: tuple[Demand, ...]
    draws: Draws
    paths: list[Path] = field(default_factory=list)
    demand_paths: list[DemandPaths] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        net = self.network
        self.evaluation = Evaluation(net, self.draws, self.scenario.element_changes(), dict(self.scenario.parameters))
        index: dict[str, int] = {}
        for d in self.demands:
            o_label, o_hubs = net.hubs(d.origin)
            d_label, d_hubs = net.hubs(d.destination)
            oc, dc = net.country_of(o_label), net.country_of(d_label)
            closures, closed_routes = self.scenario.closures_for(net, oc, dc)
            by_route = net.route_paths(o_hubs, d_hubs, closures)
            idx: list[int] = []
            for route, ps in by_route.items():
                if route in closed_routes:
                    continue
                for p in ps:
                    key = f"{d.name}|{p.key}"
                    if key not in index:
                        index[key] = len(self.paths)
                        self.paths.append(p)
                    idx.append(index[key])
            if not idx:
                raise ScenarioError(
                    f"{self.scenario.source}: no route is left from {o_label} to {d_label} (demand {d.name!r}) under "
                    f"scenario {self.scenario.name!r}: {'; '.join(self.scenario.describe()) or 'nothing changed'}; "
                    "open something, or change the demand"
                )
            class_paths = []
            for c in d.classes:
                avoid = set(c.avoid_countries) - {oc, dc}
                allowed = [i for i in idx if not (set(self.paths[i].countries) & avoid)]
                if not allowed:
                    self.notes.append(f"{d.name}/{c.name}: no path avoids {', '.join(sorted(avoid))}; its cargo cannot move")
                class_paths.append(allowed)
            self.demand_paths.append(DemandPaths(d, o_label, d_label, oc, dc, idx, class_paths))
        # capacitated elements on any path
        elements: list[str] = []
        seen: set[str] = set()
        for p in self.paths:
            for e in self.evaluation.path_elements(p):
                if e not in seen:
                    seen.add(e)
                    elements.append(e)
        self.elements = elements
        el_index = {e: i for i, e in enumerate(elements)}
        path_elements = [[el_index[e] for e in self.evaluation.path_elements(p)] for p in self.paths]
        self.classes = [(dp, c) for dp in self.demand_paths for c in dp.demand.classes]
        self.problem = fl.FlowProblem(
            n_classes=len(self.classes),
            class_paths=[cp for dp in self.demand_paths for cp in dp.class_paths],
            n_paths=len(self.paths),
            elements=elements,
            path_elements=path_elements,
        )

    # -- per-run inputs -------------------------------------------------------------------------

    def path_days(self) -> np.ndarray:
        """paths × runs"""
        return np.array([self.evaluation.path_days(p) for p in self.paths]).reshape(len(self.paths), self.draws.runs)

    def path_cost(self) -> np.ndarray:
        return np.array([self.evaluation.path_cost(p) for p in self.paths]).reshape(len(self.paths), self.draws.runs)

    def capacities(self) -> np.ndarray:
        """elements × runs"""
        if not self.elements:
            return np.zeros((0, self.draws.runs))
        return np.array([self.evaluation.capacity(e) for e in self.elements])

    def class_inputs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(demand TEU, value US$/TEU, time cost US$/TEU/day), each classes × runs."""
        dem, val, tc = [], [], []
        for _dp, c in self.classes:
            v = self.draws[c.value_usd_teu]
            dem.append(self.draws[c.teu])
            val.append(v)
            tc.append(v * self.draws[c.time_cost_pct_day] / 100.0)
        return np.array(dem), np.array(val), np.array(tc)

    def solve(self, progress: ProgressFn | None = None, offset: int = 0, total: int | None = None) -> Flows:
        runs = self.draws.runs
        days, cost, caps = self.path_days(), self.path_cost(), self.capacities()
        dem, val, tc = self.class_inputs()
        n_el = len(self.elements)
        out = Flows(
            world=self,
            path_flow=np.zeros((runs, len(self.paths))),
            class_path_flow=np.zeros((runs, len(self.classes), len(self.paths))),
            unserved=np.zeros((runs, len(self.classes))),
            price=np.zeros((runs, len(self.classes))),
            scarcity=np.zeros((runs, n_el)),
            load=np.zeros((runs, n_el)),
            capacity=caps.T.copy(),
            days=days.T.copy(),
            cost=cost.T.copy(),
            demand=dem.T.copy(),
            value=val.T.copy(),
            time_cost=tc.T.copy(),
        )
        for r in range(runs):
            sol = fl.solve(self.problem, cost[:, r], days[:, r], tc[:, r], dem[:, r], val[:, r], caps[:, r])
            out.class_path_flow[r] = sol.class_path_flows(self.problem)
            out.path_flow[r] = out.class_path_flow[r].sum(axis=0)
            out.unserved[r] = sol.unserved
            out.price[r] = sol.class_price
            out.scarcity[r] = sol.scarcity
            out.load[r] = sol.load
            if progress is not None:
                progress(offset + r + 1, total or runs)
        return out


@dataclass
class Flows:
    """Per-run results of one world (arrays indexed by run first)."""

    world: World
    path_flow: np.ndarray        # runs × paths (TEU)
    class_path_flow: np.ndarray  # runs × classes × paths
    unserved: np.ndarray         # runs × classes
    price: np.ndarray            # runs × classes: π_k, US$ per TEU
    scarcity: np.ndarray         # runs × elements: μ_e, US$ per TEU
    load: np.ndarray             # runs × elements
    capacity: np.ndarray         # runs × elements
    days: np.ndarray             # runs × paths
    cost: np.ndarray             # runs × paths
    demand: np.ndarray           # runs × classes
    value: np.ndarray            # runs × classes
    time_cost: np.ndarray        # runs × classes (US$/TEU/day)

    def route_volume(self, route: str, demand: int | None = None) -> np.ndarray:
        idx = self._route_paths(route, demand)
        return self.path_flow[:, idx].sum(axis=1) if idx else np.zeros(self.path_flow.shape[0])

    def route_days(self, route: str, demand: int | None = None) -> np.ndarray:
        """Flow-weighted days on the route per run (NaN in runs where it carries nothing)."""
        idx = self._route_paths(route, demand)
        if not idx:
            return np.full(self.path_flow.shape[0], np.nan)
        f = self.path_flow[:, idx]
        tot = f.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(tot > 0, (f * self.days[:, idx]).sum(axis=1) / np.where(tot > 0, tot, 1), np.nan)

    def through(self, element: str) -> np.ndarray:
        """TEU per run through a node or along a segment (by id)."""
        idx = [i for i, p in enumerate(self.world.paths) if element in p.nodes or element in p.segments]
        return self.path_flow[:, idx].sum(axis=1) if idx else np.zeros(self.path_flow.shape[0])

    def _route_paths(self, route: str, demand: int | None) -> list[int]:
        w = self.world
        allowed = None if demand is None else set(w.demand_paths[demand].paths)
        return [i for i, p in enumerate(w.paths) if p.route == route and (allowed is None or i in allowed)]

    def demand_classes(self, d: int) -> list[int]:
        dp = self.world.demand_paths[d]
        return [k for k, (x, _c) in enumerate(self.world.classes) if x is dp]

    def mean_days(self, d: int) -> np.ndarray:
        """Flow-weighted days of a demand's moved cargo, per run."""
        idx = self.world.demand_paths[d].paths
        f = self.path_flow[:, idx]
        tot = f.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(tot > 0, (f * self.days[:, idx]).sum(axis=1) / np.where(tot > 0, tot, 1), np.nan)

    def shipper_cost(self, d: int) -> tuple[np.ndarray, np.ndarray]:
        """(Σ_k D_k·π_k, Σ_k D_k·v_k) per run: what the demand's cargo pays for transport and time
        (scarcity prices included), and the value of the goods."""
        ks = self.demand_classes(d)
        return ((self.demand[:, ks] * self.price[:, ks]).sum(axis=1), (self.demand[:, ks] * self.value[:, ks]).sum(axis=1))

    def transit(self) -> dict[str, np.ndarray]:
        """TEU per run crossing each state that is not the trade's origin or destination."""
        w = self.world
        out: dict[str, np.ndarray] = {}
        for dp in w.demand_paths:
            for i in dp.paths:
                for c in w.paths[i].transit((dp.origin_country, dp.destination_country)):
                    out.setdefault(c, np.zeros(self.path_flow.shape[0]))
                    out[c] = out[c] + self.path_flow[:, i]
        return out

    def rents(self) -> dict[str, np.ndarray]:
        """Scarcity rents per state per run (US$): μ_e × load_e at the state's capacitated elements
        (a segment's rent is shared equally among the states it crosses)."""
        net = self.world.network
        out: dict[str, np.ndarray] = {}
        for j, e in enumerate(self.world.elements):
            rent = self.scarcity[:, j] * self.load[:, j]
            if e.startswith("node:"):
                states = [net.nodes[e[5:]].country]
            else:
                states = list(net.segments[e].countries) or [net.nodes[net.segments[e].a].country]
            for s in states:
                out.setdefault(s, np.zeros(self.path_flow.shape[0]))
                out[s] = out[s] + rent / len(states)
        return out
