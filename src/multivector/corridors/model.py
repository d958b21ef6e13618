"""Monte Carlo over the ranges: per-run time, cost and capacity of every segment and node, and of paths.

Every quantity is drawn uniformly in ``[low, high]`` from its own random stream, seeded by the run's
seed and the quantity's key: the same seed gives the same draws whatever else the model or a
scenario contains (common random numbers between a baseline and a scenario, reproducible runs).

Times and costs (Monte Carlo run *r*):

    segment days  = km / speed_r + extra_r                    (rail: km/day; sea: km / (knots × 44.448))
    segment cost  = km × tariff_r (rail) or cost_r (+ a shared freight rate; ferry, sea)
    km            = reported length, searoute distance, or great-circle × circuity_r
    path days     = Σ segment days + Σ days at the nodes it passes through
    path cost     = Σ segment costs + Σ handling at the nodes it passes through
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from multivector.corridors.network import CorridorNetwork, Path
from multivector.corridors.parameters import Quantity
from multivector.corridors.sea import KNOT_KM_DAY


class Draws:
    """Uniform draws of quantities, one stream per quantity key: ``draws[q]`` is an array of ``runs`` values."""

    def __init__(self, runs: int, seed: int = 0) -> None:
        if runs < 1:
            raise ValueError("runs must be at least 1")
        self.runs = int(runs)
        self.seed = int(seed)
        self._cache: dict[tuple, np.ndarray] = {}

    def unit(self, key: str) -> np.ndarray:
        k = ("u", key)
        if k not in self._cache:
            rng = np.random.default_rng([self.seed & 0xFFFFFFFF, zlib.crc32(key.encode("utf-8"))])
            self._cache[k] = rng.random(self.runs)
        return self._cache[k]

    def __getitem__(self, q: Quantity) -> np.ndarray:
        k = ("q", q.key, q.low, q.high)
        if k not in self._cache:
            if q.low == q.high:
                self._cache[k] = np.full(self.runs, q.low)
            else:
                self._cache[k] = q.low + self.unit(q.key) * (q.high - q.low)
        return self._cache[k]


@dataclass
class ElementChange:
    """A scenario's change of one element: extra days and cost, % changes, a new capacity."""

    extra_days: Quantity | None = None
    days_pct: Quantity | None = None
    extra_cost: Quantity | None = None
    cost_pct: Quantity | None = None
    capacity: Quantity | None = None
    capacity_pct: Quantity | None = None


@dataclass
class Evaluation:
    """Per-run days, cost and capacity of the network's elements (with a scenario's changes)."""

    network: CorridorNetwork
    draws: Draws
    changes: dict[str, list[ElementChange]] = field(default_factory=dict)   # element key -> changes
    overrides: dict[str, Quantity] = field(default_factory=dict)            # parameter key -> new range

    def __post_init__(self) -> None:
        self._days: dict[str, np.ndarray] = {}
        self._cost: dict[str, np.ndarray] = {}
        self._cap: dict[str, np.ndarray | None] = {}

    @property
    def runs(self) -> int:
        return self.draws.runs

    def q(self, quantity: Quantity | None) -> np.ndarray | None:
        if quantity is None:
            return None
        return self.draws[self.overrides.get(quantity.key, quantity)]

    def km(self, sid: str) -> np.ndarray:
        m = self.network.element_model[sid]
        if "km" in m:
            return np.full(self.runs, m["km"])
        return m["gc_km"] * self.q(m["circuity"])

    def days(self, key: str) -> np.ndarray:
        """Days for a segment id or ``node:<id>``."""
        if key not in self._days:
            m = self.network.element_model[key]
            if m["kind"] == "node":
                d = self.q(m["days"]).copy()
            elif "speed" in m:
                d = self.km(key) / self.q(m["speed"])
                if m.get("days") is not None:
                    d = d + self.q(m["days"])
            else:
                d = m["km"] / (self.q(m["speed_knots"]) * KNOT_KM_DAY)
                if m.get("days") is not None:
                    d = d + self.q(m["days"])
            for ch in self.changes.get(key, ()):
                if ch.days_pct is not None:
                    d = d * (1.0 + self.q(ch.days_pct) / 100.0)
                if ch.extra_days is not None:
                    d = d + self.q(ch.extra_days)
            self._days[key] = d
        return self._days[key]

    def cost(self, key: str) -> np.ndarray:
        if key not in self._cost:
            m = self.network.element_model[key]
            if m["kind"] == "segment" and "tariff" in m:
                c = self.km(key) * self.q(m["tariff"])
                if m.get("cost") is not None:
                    c = c + self.q(m["cost"])
            elif m.get("cost") is not None:
                c = self.q(m["cost"]).copy()
            else:
                c = np.zeros(self.runs)
            if m.get("freight") is not None:
                c = c + self.q(m["freight"])
            for ch in self.changes.get(key, ()):
                if ch.cost_pct is not None:
                    c = c * (1.0 + self.q(ch.cost_pct) / 100.0)
                if ch.extra_cost is not None:
                    c = c + self.q(ch.extra_cost)
            self._cost[key] = c
        return self._cost[key]

    def capacity(self, key: str) -> np.ndarray | None:
        """TEU per year, or None (no binding capacity in the model)."""
        if key not in self._cap:
            m = self.network.element_model[key]
            c = self.q(m.get("capacity"))
            c = None if c is None else c.copy()
            for ch in self.changes.get(key, ()):
                if ch.capacity is not None:
                    c = self.q(ch.capacity).copy()
                if ch.capacity_pct is not None and c is not None:
                    c = c * (1.0 + self.q(ch.capacity_pct) / 100.0)
            self._cap[key] = None if c is None else np.maximum(c, 0.0)
        return self._cap[key]

    # -- paths -----------------------------------------------------------------------------------

    def path_days(self, path: Path) -> np.ndarray:
        d = np.zeros(self.runs)
        for sid in path.segments:
            d = d + self.days(sid)
        for n in path.through:
            d = d + self.days(f"node:{n}")
        return d

    def path_cost(self, path: Path) -> np.ndarray:
        c = np.zeros(self.runs)
        for sid in path.segments:
            c = c + self.cost(sid)
        for n in path.through:
            c = c + self.cost(f"node:{n}")
        return c

    def path_elements(self, path: Path) -> list[str]:
        """Keys of the path's elements that have a capacity (segments, and nodes passed through or at the ends)."""
        keys = [*path.segments, *(f"node:{n}" for n in path.nodes)]
        return [k for k in keys if self.capacity(k) is not None]

    def path_km(self, path: Path) -> tuple[np.ndarray, np.ndarray]:
        """(land km, sea km) per run."""
        land = np.zeros(self.runs)
        sea = np.zeros(self.runs)
        for sid in path.segments:
            if self.network.segments[sid].mode == "rail":
                land = land + self.km(sid)
            else:
                sea = sea + self.km(sid)
        return land, sea


def percentiles(x: np.ndarray, qs=(5, 50, 95)) -> list[float]:
    """Percentiles by linear interpolation between order statistics (numpy's default, Hyndman & Fan type 7)."""
    return [float(v) for v in np.percentile(np.asarray(x, float), qs)]
