"""The corridor model's parameters (``data/parameters.toml``): every number a range with its basis.

A :class:`Quantity` is a range ``[low, high]`` with a unit, a basis (``reported``, ``calibrated``,
``assumption``, ``scenario``), a note and, for reported figures, the figure of
``facts/corridors.csv`` it comes from. The Monte Carlo draws each quantity uniformly, once per run.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from multivector.errors import DataError

BASES: dict[str, str] = {
    "reported": "as reported (facts/corridors.csv; who reported it is given)",
    "calibrated": "calibrated so that modelled transit times fall inside the reported ranges",
    "assumption": "modelling assumption (see the note)",
    "scenario": "scenario range: no authoritative figure exists",
    "computed": "computed (searoute distance, great-circle distance × circuity)",
}

PARAMETERS_FILE = "parameters.toml"


@dataclass(frozen=True)
class Quantity:
    """A range drawn uniformly in the Monte Carlo, with where it comes from."""

    key: str
    low: float
    high: float
    unit: str = ""
    basis: str = "assumption"
    note: str = ""
    figure: dict | None = None

    @property
    def mid(self) -> float:
        return (self.low + self.high) / 2.0

    @property
    def fixed(self) -> bool:
        return self.low == self.high

    def with_range(self, low: float, high: float, basis: str | None = None, note: str | None = None) -> Quantity:
        return Quantity(self.key, float(low), float(high), self.unit, basis or self.basis,
                        self.note if note is None else note, self.figure)

    def to_dict(self) -> dict:
        out = {"key": self.key, "low": self.low, "high": self.high, "unit": self.unit, "basis": self.basis,
               "note": " ".join(self.note.split())}
        if self.figure:
            out["figure"] = dict(self.figure)
        return out


@dataclass(frozen=True)
class ElementParams:
    """Parameters of one node or segment: time, cost and capacity, each optional."""

    days: Quantity | None = None
    cost: Quantity | None = None
    capacity: Quantity | None = None
    speed: str | None = None          # a shared parameter key (sea and ferry segments)
    freight: str | None = None        # a shared parameter key: a rate common to several voyages
    avoid_passages: tuple[str, ...] = ()


@dataclass(frozen=True)
class RouteDef:
    """A named route: its corridors and the conditions its paths meet."""

    name: str
    label: str
    corridors: tuple[str, ...]
    countries_all: tuple[str, ...] = ()
    countries_none: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()        # only these modes (empty: any of the model's modes)
    modes_any: tuple[str, ...] = ()    # at least one segment of one of these modes
    segments_any: tuple[str, ...] = ()  # at least one of these segments


@dataclass(frozen=True)
class DemandClass:
    name: str
    teu: Quantity
    value_usd_teu: Quantity
    time_cost_pct_day: Quantity
    avoid_countries: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Demand:
    """Containers from ``origin`` to ``destination`` (country codes or node ids), by class."""

    name: str
    origin: str
    destination: str
    classes: tuple[DemandClass, ...]
    represents: str | None = None   # the group the destination stands for in the GE link (EU)
    note: str = ""


@dataclass(frozen=True)
class Check:
    figure: dict
    origin: str
    destination: str
    route: str
    partial: bool = False


@dataclass
class ModelParameters:
    shared: dict[str, Quantity]
    nodes: dict[str, ElementParams]
    segments: dict[str, ElementParams]
    rail_classes: list[tuple[str, int, tuple[str, ...]]]
    hubs: dict[str, tuple[str, ...]]
    routes: dict[str, RouteDef]
    demands: tuple[Demand, ...]
    checks: tuple[Check, ...]
    unchecked: tuple[dict, ...]
    link: dict[str, Quantity] = field(default_factory=dict)
    link_sigma: float = 7.0
    paths_per_route: int = 10
    paths_examined: int = 40
    modes: tuple[str, ...] = ("rail", "ferry", "sea")
    source: str = PARAMETERS_FILE
    extra: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------


def quantity(value: Any, key: str, where: str, *, unit: str = "", basis: str = "assumption", note: str = "",
             figure: dict | None = None, low_bound: float | None = None, high_bound: float | None = None,
             error=DataError) -> Quantity:
    """A number or ``[low, high]`` (or a table ``{range = [...], basis = ..., note = ...}``) as a Quantity.

    Raises ``error`` (a :class:`DataError` or a ``ScenarioError``) naming the key when the value is
    not a number or a range, when ``low > high`` or when it leaves ``[low_bound, high_bound]``.
    """
    if isinstance(value, dict):
        unknown = set(value) - {"range", "basis", "note", "unit", "figure"}
        if unknown:
            raise _err(error, f"unknown key {min(unknown)!r} in {key}; allowed: range, basis, note, unit, figure", where)
        basis = value.get("basis", basis)
        note = value.get("note", note)
        unit = value.get("unit", unit)
        figure = value.get("figure", figure)
        value = value.get("range")
    if isinstance(value, bool):
        raise _err(error, f"{key} must be a number or a range [low, high], got {value!r}", where)
    if isinstance(value, (int, float)):
        lo = hi = float(value)
    elif isinstance(value, (list, tuple)) and len(value) == 2 and all(
            isinstance(x, (int, float)) and not isinstance(x, bool) for x in value):
        lo, hi = float(value[0]), float(value[1])
    else:
        raise _err(error, f"{key} must be a number or a range [low, high], got {value!r}", where)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise _err(error, f"{key} = {value!r} is not a finite number", where)
    if lo > hi:
        raise _err(error, f"{key} = [{lo:g}, {hi:g}] has min > max; write [low, high] with low ≤ high", where)
    if low_bound is not None and lo < low_bound:
        raise _err(error, f"{key} = {value!r} is below the smallest allowed value {low_bound:g}", where)
    if high_bound is not None and hi > high_bound:
        raise _err(error, f"{key} = {value!r} is above the largest allowed value {high_bound:g}", where)
    if basis not in BASES:
        raise _err(error, f"{key}: unknown basis {basis!r}; allowed: {', '.join(BASES)}", where)
    return Quantity(key, lo, hi, unit, basis, str(note), figure)


def _err(error, message: str, where: str):
    if error is DataError:
        return DataError(message, file=where)
    return error(f"{where}: {message}")


def _check_keys(table: dict, allowed: tuple[str, ...], what: str, where: str) -> None:
    for k in table:
        if k not in allowed:
            near = difflib.get_close_matches(k, allowed, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise DataError(f"unknown key {k!r} in {what}{hint}; allowed: {', '.join(allowed)}", file=where)


_ELEMENT_KEYS = ("days", "cost", "capacity", "speed", "freight", "avoid_passages", "basis", "note", "figure")
_UNITS = {"days": "days", "cost": "US$ per TEU", "capacity": "TEU per year"}
_FIELD_BASIS = {
    "days": {"reported": "calibrated", "scenario": "calibrated"},
    "cost": {"reported": "scenario", "calibrated": "scenario", "assumption": "scenario"},
    "capacity": {"calibrated": "assumption", "scenario": "assumption"},
}


def _element(table: dict, prefix: str, where: str) -> ElementParams:
    _check_keys(table, _ELEMENT_KEYS, prefix, where)
    basis = table.get("basis", "assumption")
    note = table.get("note", "")
    figure = table.get("figure")
    out: dict[str, Any] = {}
    for k in ("days", "cost", "capacity"):
        if k in table:
            # one basis per element in the file; per field it reads: times are calibrated or assumed,
            # money is always a scenario range (no authoritative series), only capacities are reported
            b = _FIELD_BASIS[k].get(basis, basis)
            out[k] = quantity(table[k], f"{prefix}.{k}", where, unit=_UNITS[k], basis=b, note=note,
                              figure=figure if k == "capacity" else None, low_bound=0.0)
    return ElementParams(speed=table.get("speed"), freight=table.get("freight"), avoid_passages=tuple(table.get("avoid_passages", ())), **out)


def _tuple(x: Any) -> tuple[str, ...]:
    if x is None:
        return ()
    return tuple(x) if isinstance(x, (list, tuple)) else (x,)


def demand_from_table(d: dict, where: str, error=DataError) -> Demand:
    """One ``[[demand]]`` table (shared by the parameters file and scenario files)."""
    allowed = ("name", "origin", "destination", "represents", "note", "class")
    for k in d:
        if k not in allowed:
            raise _err(error, f"unknown key {k!r} in [[demand]]; allowed: {', '.join(allowed)}", where)
    for k in ("origin", "destination"):
        if not isinstance(d.get(k), str) or not d[k].strip():
            raise _err(error, f"[[demand]] needs '{k}' (a country code such as CHN or a node id)", where)
    classes = []
    raw = d.get("class", [])
    if not isinstance(raw, list) or not raw:
        raise _err(error, "[[demand]] needs at least one [[demand.class]] with name, teu, value_usd_teu, time_cost_pct_day", where)
    for i, c in enumerate(raw, 1):
        ck = ("name", "teu", "value_usd_teu", "time_cost_pct_day", "avoid_countries", "basis", "note")
        if not isinstance(c, dict):
            raise _err(error, f"demand.class[{i}] must be a table", where)
        for k in c:
            if k not in ck:
                raise _err(error, f"unknown key {k!r} in demand.class[{i}]; allowed: {', '.join(ck)}", where)
        for k in ("teu", "value_usd_teu", "time_cost_pct_day"):
            if k not in c:
                raise _err(error, f"demand.class[{i}] needs '{k}'", where)
        name = str(c.get("name", f"class-{i}"))
        basis = c.get("basis", "assumption")
        note = c.get("note", "")
        classes.append(DemandClass(
            name=name,
            teu=quantity(c["teu"], f"demand.{name}.teu", where, unit="TEU per year", basis=basis, note=note, low_bound=0.0, error=error),
            value_usd_teu=quantity(c["value_usd_teu"], f"demand.{name}.value_usd_teu", where, unit="US$ per TEU", basis=basis,
                                   note=note, low_bound=1.0, error=error),
            time_cost_pct_day=quantity(c["time_cost_pct_day"], f"demand.{name}.time_cost_pct_day", where, unit="% of value per day",
                                       basis=basis, note=note, low_bound=0.0, high_bound=100.0, error=error),
            avoid_countries=_tuple(c.get("avoid_countries")),
            note=str(note),
        ))
    names = [c.name for c in classes]
    if len(set(names)) != len(names):
        raise _err(error, f"[[demand]] {d.get('name', '')!r} names a class twice: {names}", where)
    return Demand(name=str(d.get("name", f"{d['origin']}-{d['destination']}")), origin=d["origin"].strip(),
                  destination=d["destination"].strip(), classes=tuple(classes), represents=d.get("represents"),
                  note=str(d.get("note", "")))


def parse_parameters(raw: dict, where: str = PARAMETERS_FILE) -> ModelParameters:
    _check_keys(raw, ("model", "hubs", "rail_classes", "parameters", "nodes", "segments", "routes", "demand",
                      "check", "unchecked", "link"), "the parameters file", where)
    model = raw.get("model", {})
    shared = {}
    for key, t in raw.get("parameters", {}).items():
        if not isinstance(t, dict) or "range" not in t:
            raise DataError(f"parameters.{key} must be a table with range, unit, basis, note", file=where)
        shared[key] = quantity(t, key, where)
    nodes = {k: _element(v, f"nodes.{k}", where) for k, v in raw.get("nodes", {}).items()}
    segments = {k: _element(v, f"segments.{k}", where) for k, v in raw.get("segments", {}).items()}
    for sid, e in segments.items():
        for k in ("speed", "freight"):
            if getattr(e, k) is not None and getattr(e, k) not in shared:
                raise DataError(f"segments.{sid}.{k} names an unknown parameter {getattr(e, k)!r}", file=where)
    rail_classes = []
    for name, t in raw.get("rail_classes", {}).items():
        rail_classes.append((name, int(t["gauge"]), tuple(t["countries"])))
        for p in (f"rail.speed.{name}", f"rail.tariff.{name}"):
            if p not in shared:
                raise DataError(f"rail class {name!r} needs the parameter {p!r}", file=where)
    routes = {}
    for name, t in raw.get("routes", {}).items():
        _check_keys(t, ("label", "corridors", "countries_all", "countries_none", "modes", "modes_any", "segments_any"),
                    f"routes.{name}", where)
        routes[name] = RouteDef(name=name, label=t.get("label", name), corridors=_tuple(t.get("corridors")),
                                countries_all=_tuple(t.get("countries_all")), countries_none=_tuple(t.get("countries_none")),
                                modes=_tuple(t.get("modes")), modes_any=_tuple(t.get("modes_any")),
                                segments_any=_tuple(t.get("segments_any")))
    demands = tuple(demand_from_table(d, where) for d in raw.get("demand", []))
    checks = tuple(Check(figure=c["figure"], origin=c["from"], destination=c["to"], route=c["route"],
                         partial=bool(c.get("partial", False))) for c in raw.get("check", []))
    link = raw.get("link", {})
    _check_keys(link, ("value_usd_teu", "time_cost_pct_day", "sigma", "note"), "[link]", where)
    link_q = {
        "value_usd_teu": quantity(link.get("value_usd_teu", [20000, 40000]), "link.value_usd_teu", where,
                                  unit="US$ per TEU", note=link.get("note", ""), low_bound=1.0),
        "time_cost_pct_day": quantity(link.get("time_cost_pct_day", [0.03, 0.10]), "link.time_cost_pct_day", where,
                                      unit="% of value per day", note=link.get("note", ""), low_bound=0.0),
    }
    sigma = float(link.get("sigma", 7))
    if not sigma > 1:
        raise DataError(f"link.sigma must be > 1, got {sigma}", file=where)
    return ModelParameters(
        link=link_q, link_sigma=sigma,
        shared=shared, nodes=nodes, segments=segments, rail_classes=rail_classes,
        hubs={k: tuple(v) for k, v in raw.get("hubs", {}).items()}, routes=routes, demands=demands, checks=checks,
        unchecked=tuple(raw.get("unchecked", [])), paths_per_route=int(model.get("paths_per_route", 12)),
        paths_examined=int(model.get("paths_examined", 60)), modes=tuple(model.get("modes", ("rail", "ferry", "sea"))),
        source=where,
    )


@lru_cache(maxsize=4)
def load_parameters(path: str | None = None) -> ModelParameters:
    """The shipped parameters (or a file of the same layout at ``path``)."""
    if path is None:
        text = (resources.files("multivector.corridors") / "data" / PARAMETERS_FILE).read_text(encoding="utf-8")
        where = f"multivector/corridors/data/{PARAMETERS_FILE}"
    else:
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise DataError(f"cannot read the parameters file: {exc.strerror or exc}", file=str(p)) from None
        where = str(p)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"not valid TOML: {exc}", file=where) from None
    return parse_parameters(raw, where)
