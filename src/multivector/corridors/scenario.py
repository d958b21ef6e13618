"""Disruption scenarios: TOML files, checked, with clear errors.

    [scenario]
    name = "caspian-ferry-outage"
    description = "The Caspian ferries stop (storm season, a strike, an accident)."
    intent = { middle = "down", "sea-suez" = "up" }     # what should move, and which way (checked by tests):
                                                        # routes, or nodes and segments (the TEU through them)

    [[close]]                          # closures: segments, nodes, transit states, sea passages or routes
    segments = ["aktau-alat-ferry", "kuryk-alat-ferry", "turkmenbashi-alat-ferry"]
    # nodes = ["dostyk"]
    # countries = ["RUS", "BLR"]       # transit through these states (a trade's own states never close)
    # passages = ["babalmandab"]       # sea segments whose searoute path traverses these close
    # routes = ["sea-suez"]
    # between = ["CHN", "EU"]          # only for trade between these states or groups
    label = "ferries stopped"

    [[open]]                           # segments under construction or planned that open
    segments = ["kashgar-torugart"]

    [[change]]                         # slower, dearer or narrower elements
    nodes = ["dostyk"]                 # and/or segments = [...]
    extra_days = [3, 7]                # days added per passage (a range is drawn per run)
    days_pct = [-50, -40]              # or a % change of the element's time
    extra_cost_usd_teu = [50, 150]
    cost_pct = [10, 20]
    capacity_pct = [-60, -40]          # or capacity_teu = [a, b] (a new capacity)

    [parameters]                       # shared parameters given new ranges
    "sea.speed.ocean" = [12, 15]

    [[demand]]                         # replaces the default China–Europe demand (same layout as
    ...                                #   data/parameters.toml)

Every key is checked: unknown keys, segments, nodes, states, passages or routes, ranges with
min > max and changes that cannot apply raise :class:`~multivector.errors.ScenarioError` naming
the file and the key.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from multivector.corridors.model import ElementChange
from multivector.corridors.network import Closures, CorridorNetwork
from multivector.corridors.parameters import (
    Demand,
    Quantity,
    demand_from_table,
    quantity,
)
from multivector.corridors.sea import PASSAGES, normalise_passages
from multivector.errors import ScenarioError

SHIPPED: tuple[str, ...] = (
    "northern-route-closed",
    "red-sea-closed",
    "caspian-ferry-outage",
    "border-congestion-dostyk",
    "border-congestion-dostyk-khorgos",
    "middle-corridor-2030",
)
MAX_BYTES = 1_000_000

_TOP = ("scenario", "close", "open", "change", "parameters", "demand")
_HEAD = ("name", "description", "intent", "source")
_CLOSE = ("segments", "nodes", "countries", "passages", "routes", "between", "label")
_OPEN = ("segments", "label")
_CHANGE = ("segments", "nodes", "extra_days", "days_pct", "extra_cost_usd_teu", "cost_pct", "capacity_teu",
           "capacity_pct", "label")


@dataclass
class Closure:
    label: str
    segments: tuple[str, ...] = ()
    nodes: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    passages: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    between: tuple[str, ...] = ()        # expanded to states

    def applies(self, origins: set[str], destinations: set[str]) -> bool:
        """Whether the closure concerns trade between these states (sets: a group stands for its members)."""
        if not self.between:
            return True
        between = set(self.between)
        return bool(origins & between) and bool(destinations & between) and origins != destinations

    def describe(self) -> str:
        parts = []
        for name, items in (("segments", self.segments), ("nodes", self.nodes), ("transit through", self.countries),
                            ("sea passages", self.passages), ("routes", self.routes)):
            if items:
                parts.append(f"{name} {', '.join(items)}")
        who = f" for trade between {', '.join(self.between_label)}" if self.between else ""
        return f"closed: {'; '.join(parts)}{who}"

    between_label: tuple[str, ...] = ()


@dataclass
class Change:
    label: str
    elements: tuple[str, ...]            # element keys: segment ids and "node:<id>"
    change: ElementChange

    def describe(self) -> str:
        bits = []
        ch = self.change
        for name, q in (("+days", ch.extra_days), ("days %", ch.days_pct), ("+US$/TEU", ch.extra_cost),
                        ("cost %", ch.cost_pct), ("capacity TEU", ch.capacity), ("capacity %", ch.capacity_pct)):
            if q is not None:
                bits.append(f"{name} {q.low:g}" + (f"–{q.high:g}" if q.high != q.low else ""))
        names = ", ".join(e.removeprefix("node:") for e in self.elements)
        return f"{names}: {', '.join(bits)}"


@dataclass
class CorridorScenario:
    """A checked scenario (the baseline is a scenario without changes)."""

    name: str
    description: str = ""
    source: str = "<built>"
    intent: dict[str, str] = field(default_factory=dict)
    closures: list[Closure] = field(default_factory=list)
    opened: tuple[str, ...] = ()
    changes: list[Change] = field(default_factory=list)
    parameters: dict[str, Quantity] = field(default_factory=dict)
    demands: tuple[Demand, ...] | None = None

    @property
    def is_baseline(self) -> bool:
        return not (self.closures or self.opened or self.changes or self.parameters or self.demands)

    def element_changes(self) -> dict[str, list[ElementChange]]:
        out: dict[str, list[ElementChange]] = {}
        for ch in self.changes:
            for e in ch.elements:
                out.setdefault(e, []).append(ch.change)
        return out

    def closures_for(self, network: CorridorNetwork, origin_country: str,
                     destination_country: str) -> tuple[Closures, set[str]]:
        """What is closed for trade from ``origin_country`` to ``destination_country``: the closed
        segments and nodes, and the names of closed routes."""
        if not self.closures:
            return Closures(frozenset(), frozenset(), frozenset(self.opened)), set()
        segs: set[str] = set()
        nodes: set[str] = set()
        routes: set[str] = set()
        origins, destinations = _members(origin_country), _members(destination_country)
        own = origins | destinations
        for c in self.closures:
            if not c.applies(origins, destinations):
                continue
            segs.update(c.segments)
            nodes.update(c.nodes)
            routes.update(c.routes)
            for country in c.countries:
                if country in own:
                    continue
                nodes.update(n.id for n in network.nodes.values() if n.country == country)
                segs.update(s.id for s in network.segments.values() if country in s.countries)
            if c.passages:
                segs.update(sid for sid, s in network.segments.items()
                            if s.mode in ("sea", "ferry") and set(network.passages(sid)) & set(c.passages))
        return Closures(frozenset(segs), frozenset(nodes), frozenset(self.opened)), routes

    def describe(self) -> list[str]:
        out = [c.label or c.describe() for c in self.closures]
        out += [f"opened: {', '.join(self.opened)}"] if self.opened else []
        out += [c.label or c.describe() for c in self.changes]
        out += [f"parameter {k} = [{q.low:g}, {q.high:g}]" for k, q in self.parameters.items()]
        if self.demands is not None:
            out.append(f"demand replaced: {', '.join(d.name for d in self.demands)}")
        return out

    def to_dict(self) -> dict:
        return {"name": self.name, "description": self.description, "source": self.source, "intent": dict(self.intent),
                "changes": self.describe()}


def _members(code: str) -> set[str]:
    """A state as itself, a group (EU) as its members."""
    from multivector import countries as cc

    try:
        return set(cc.group_members(code)) | {code} if cc.is_group(code) else {code}
    except Exception:  # noqa: BLE001 - not a known code: itself
        return {code}


BASELINE = CorridorScenario(name="baseline", description="Today's network and the default demand; nothing changed.")


# ---------------------------------------------------------------------------------------------


def list_scenarios() -> list[CorridorScenario]:
    """The shipped scenarios, checked."""
    return [load_scenario(n) for n in SHIPPED]


def shipped_path(name: str) -> Path:
    return Path(str(resources.files("multivector.corridors") / "scenarios" / f"{name}.toml"))


def load_scenario(source: str | Path, network: CorridorNetwork | None = None) -> CorridorScenario:
    """A shipped scenario's name or a ``.toml`` path, read and checked against the network."""
    if isinstance(source, CorridorScenario):
        return source
    from multivector.corridors.network import load_network

    network = network or load_network()
    s = str(source).strip()
    if not s:
        raise ScenarioError(f"no scenario given; name a shipped scenario ({', '.join(SHIPPED)}) or a .toml file")
    if s in ("baseline",):
        return BASELINE
    p = Path(s).expanduser()
    if p.is_dir():
        raise ScenarioError(f"{s} is a folder; give a scenario .toml file or a shipped name ({', '.join(SHIPPED)})")
    if not p.is_file():
        stem = s.removesuffix(".toml")
        if stem in SHIPPED:
            p = shipped_path(stem)
        else:
            near = difflib.get_close_matches(stem, SHIPPED, n=2)
            raise ScenarioError(
                f"no scenario file or shipped scenario named {s!r}"
                + (f"; did you mean {', '.join(near)}?" if near else "")
                + f"; shipped scenarios: {', '.join(SHIPPED)}"
            )
    try:
        if p.stat().st_size > MAX_BYTES:
            raise ScenarioError(f"{p}: {p.stat().st_size:,} bytes is too large for a scenario file (at most {MAX_BYTES:,})")
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{p}: not a text file (scenario files are UTF-8 TOML)") from None
    except OSError as exc:
        raise ScenarioError(f"cannot read scenario file {p}: {exc.strerror or exc}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{p}: not valid TOML: {exc}") from None
    return scenario_from_dict(raw, str(p), network)


def scenario_from_dict(raw: dict, where: str = "<dict>", network: CorridorNetwork | None = None) -> CorridorScenario:
    """Check a scenario given as a dict laid out like the TOML file."""
    from multivector.corridors.network import load_network

    network = network or load_network()
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: a scenario must be a table laid out like the TOML file")
    _keys(raw, _TOP, "table", where)
    head = _table(raw.get("scenario", {}), "scenario", where)
    _keys(head, _HEAD, "key", where, prefix="scenario.")
    name = head.get("name") or Path(where).stem
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError(f"{where}: scenario.name must be a non-empty string")
    description = head.get("description", "")
    if not isinstance(description, str):
        raise ScenarioError(f"{where}: scenario.description must be a string")
    intent = _table(head.get("intent", {}), "scenario.intent", where)
    allowed_routes = [*network.params.routes, "other"]
    for k, v in intent.items():
        if k not in allowed_routes and k not in network.nodes and k not in network.segments:
            raise ScenarioError(f"{where}: scenario.intent names {k!r}, which is neither a route ({', '.join(allowed_routes)}) "
                                "nor a node or segment of the network")
        if v not in ("up", "down"):
            raise ScenarioError(f"{where}: scenario.intent.{k} must be \"up\" or \"down\", got {v!r}")

    closures = [_closure(t, i, where, network) for i, t in enumerate(_list(raw.get("close", []), "close", where), 1)]
    opened: list[str] = []
    for i, t in enumerate(_list(raw.get("open", []), "open", where), 1):
        _keys(t, _OPEN, "key", where, prefix=f"open[{i}].")
        for sid in _names(t.get("segments"), f"open[{i}].segments", where):
            if sid not in network.segments:
                raise ScenarioError(f"{where}: open[{i}].segments: {network.unknown('segment', sid)}")
            opened.append(sid)
    changes = [_change(t, i, where, network) for i, t in enumerate(_list(raw.get("change", []), "change", where), 1)]
    params: dict[str, Quantity] = {}
    for k, v in _table(raw.get("parameters", {}), "parameters", where).items():
        if k not in network.params.shared:
            near = difflib.get_close_matches(k, list(network.params.shared), n=2)
            raise ScenarioError(f"{where}: unknown parameter {k!r}" + (f" (did you mean {', '.join(near)}?)" if near else "")
                                + f"; parameters: {', '.join(network.params.shared)}")
        base = network.params.shared[k]
        q = quantity(v, f"parameters.{k}", where, unit=base.unit, basis="scenario", error=ScenarioError, low_bound=0.0)
        params[k] = Quantity(base.key, q.low, q.high, base.unit, "scenario", f"set by scenario {name}")
    demands = None
    if "demand" in raw:
        items = _list(raw["demand"], "demand", where)
        demands = tuple(demand_from_table(d, where, error=ScenarioError) for d in items)
        for d in demands:
            for place in (d.origin, d.destination):
                try:
                    network.hubs(place)
                except Exception as exc:  # noqa: BLE001 - reworded with the file
                    raise ScenarioError(f"{where}: demand {d.name!r}: {exc}") from None
    return CorridorScenario(name=name.strip(), description=description.strip(), source=where, intent=dict(intent),
                            closures=closures, opened=tuple(dict.fromkeys(opened)), changes=changes,
                            parameters=params, demands=demands)


def _closure(t: Any, i: int, where: str, network: CorridorNetwork) -> Closure:
    if not isinstance(t, dict):
        raise ScenarioError(f"{where}: close[{i}] must be a table with keys {', '.join(_CLOSE)}")
    _keys(t, _CLOSE, "key", where, prefix=f"close[{i}].")
    segs = _names(t.get("segments"), f"close[{i}].segments", where)
    for s in segs:
        if s not in network.segments:
            raise ScenarioError(f"{where}: close[{i}].segments: {network.unknown('segment', s)}")
    nodes = _names(t.get("nodes"), f"close[{i}].nodes", where)
    for n in nodes:
        if n not in network.nodes:
            raise ScenarioError(f"{where}: close[{i}].nodes: {network.unknown('node', n)}")
    countries = tuple(_state(c, f"close[{i}].countries", where, groups=False) for c in _names(t.get("countries"), f"close[{i}].countries", where))
    try:
        passages = normalise_passages(_names(t.get("passages"), f"close[{i}].passages", where))
    except ValueError as exc:
        raise ScenarioError(f"{where}: close[{i}].passages: unknown sea passage {exc.args[0]!r}; passages: "
                            f"{', '.join(PASSAGES)} (or bab-el-mandeb, hormuz, red-sea)") from None
    routes = _names(t.get("routes"), f"close[{i}].routes", where)
    for r in routes:
        if r not in network.params.routes:
            raise ScenarioError(f"{where}: close[{i}].routes: unknown route {r!r}; routes: {', '.join(network.params.routes)}")
    between_raw = _names(t.get("between"), f"close[{i}].between", where)
    between: list[str] = []
    labels: list[str] = []
    for b in between_raw:
        code = _state(b, f"close[{i}].between", where, groups=True)
        labels.append(code)
        from multivector import countries as cc

        between.extend(cc.group_members(code) if cc.is_group(code) else [code])
    if between_raw and len(labels) < 2:
        raise ScenarioError(f"{where}: close[{i}].between needs two or more states or groups, e.g. [\"CHN\", \"EU\"]")
    if not (segs or nodes or countries or passages or routes):
        raise ScenarioError(f"{where}: close[{i}] closes nothing; give segments, nodes, countries, passages or routes")
    return Closure(label=str(t.get("label", "")), segments=segs, nodes=nodes, countries=countries, passages=passages,
                   routes=routes, between=tuple(dict.fromkeys(between)), between_label=tuple(labels))


def _change(t: Any, i: int, where: str, network: CorridorNetwork) -> Change:
    if not isinstance(t, dict):
        raise ScenarioError(f"{where}: change[{i}] must be a table with keys {', '.join(_CHANGE)}")
    _keys(t, _CHANGE, "key", where, prefix=f"change[{i}].")
    elements: list[str] = []
    for s in _names(t.get("segments"), f"change[{i}].segments", where):
        if s not in network.segments:
            raise ScenarioError(f"{where}: change[{i}].segments: {network.unknown('segment', s)}")
        elements.append(s)
    for n in _names(t.get("nodes"), f"change[{i}].nodes", where):
        if n not in network.nodes:
            raise ScenarioError(f"{where}: change[{i}].nodes: {network.unknown('node', n)}")
        elements.append(f"node:{n}")
    if not elements:
        raise ScenarioError(f"{where}: change[{i}] names no segments or nodes to change")
    key = f"scenario.change[{i}]"

    def q(name: str, unit: str, low_bound=None, high_bound=None):
        if name not in t:
            return None
        return quantity(t[name], f"{key}.{name}", where, unit=unit, basis="scenario", note=str(t.get("label", "")),
                        low_bound=low_bound, high_bound=high_bound, error=ScenarioError)

    ch = ElementChange(
        extra_days=q("extra_days", "days", 0.0, 365.0),
        days_pct=q("days_pct", "%", -99.0, 1000.0),
        extra_cost=q("extra_cost_usd_teu", "US$ per TEU", 0.0, 1e6),
        cost_pct=q("cost_pct", "%", -99.0, 1000.0),
        capacity=q("capacity_teu", "TEU per year", 0.0, 1e9),
        capacity_pct=q("capacity_pct", "%", -100.0, 10000.0),
    )
    if all(v is None for v in vars(ch).values()):
        raise ScenarioError(f"{where}: change[{i}] changes nothing; give extra_days, days_pct, extra_cost_usd_teu, "
                            "cost_pct, capacity_teu or capacity_pct")
    if ch.capacity_pct is not None and ch.capacity is None:
        lacking = [e.removeprefix("node:") for e in elements if network.element_model[e].get("capacity") is None]
        if lacking:
            raise ScenarioError(f"{where}: change[{i}].capacity_pct: {', '.join(lacking)} has no capacity in the model "
                                "(it never binds); give capacity_teu = [low, high] to set one")
    return Change(label=str(t.get("label", "")), elements=tuple(elements), change=ch)


def _state(code: Any, key: str, where: str, *, groups: bool) -> str:
    from multivector import countries as cc
    from multivector.errors import UnknownCountryError

    try:
        iso = cc.resolve(str(code), allow_groups=groups)
    except UnknownCountryError as exc:
        raise ScenarioError(f"{where}: {key}: {exc}") from None
    return iso


def _keys(table: dict, allowed: tuple[str, ...], what: str, where: str, prefix: str = "") -> None:
    for k in table:
        if k not in allowed:
            near = difflib.get_close_matches(k, allowed, n=1)
            raise ScenarioError(f"{where}: unknown {what} '{prefix}{k}'" + (f" (did you mean '{prefix}{near[0]}'?)" if near else "")
                                + f"; allowed: {', '.join(prefix + a for a in allowed)}")


def _table(v: Any, key: str, where: str) -> dict:
    if not isinstance(v, dict):
        raise ScenarioError(f"{where}: '{key}' must be a table")
    return v


def _list(v: Any, key: str, where: str) -> list:
    if isinstance(v, dict):
        return [v]
    if not isinstance(v, list):
        raise ScenarioError(f"{where}: '{key}' must be one or more [[{key}]] tables")
    return v


def _names(v: Any, key: str, where: str) -> tuple[str, ...]:
    if v is None:
        return ()
    items = v if isinstance(v, list) else [v]
    out = []
    for x in items:
        if not isinstance(x, str) or not x.strip():
            raise ScenarioError(f"{where}: {key} must list names as text, got {x!r}")
        out.append(x.strip())
    return tuple(out)
