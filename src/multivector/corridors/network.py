"""The corridor model's network: the registry's nodes and segments (rail, rail ferry, sea) with the
model's parameters attached, the routes users compare and their paths.

A **path** is a sequence of segments from an origin hub to a destination hub. A **route** (``northern``,
``middle``, ``sea-suez`` …) is a family of paths: those over its corridors' segments (and connecting
segments that belong to no transport corridor) that meet its conditions (countries crossed, modes).
Routes partition paths: a path belongs to the first route, in the parameters file's order, whose
conditions it meets; paths that meet none are ``other``.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from multivector.corridors.parameters import (
    ElementParams,
    ModelParameters,
    Quantity,
    RouteDef,
    load_parameters,
)
from multivector.corridors.sea import KNOT_KM_DAY, sea_route
from multivector.errors import DataError, MultivectorError

OTHER = "other"


@dataclass(frozen=True)
class Node:
    id: str
    name: str
    kind: str
    country: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Segment:
    id: str
    name: str
    a: str
    b: str
    mode: str
    status: str
    gauge_mm: int | None
    length_km: float | None          # as reported in the registry (else None)
    countries: tuple[str, ...]
    corridors: tuple[str, ...]
    description: str = ""
    source_urls: tuple[str, ...] = ()

    def other(self, node: str) -> str:
        return self.b if node == self.a else self.a


@dataclass(frozen=True)
class Path:
    """Segments in travel order, with the nodes they join (``len(nodes) == len(segments) + 1``)."""

    segments: tuple[str, ...]
    nodes: tuple[str, ...]
    route: str
    countries: tuple[str, ...]

    @property
    def origin(self) -> str:
        return self.nodes[0]

    @property
    def destination(self) -> str:
        return self.nodes[-1]

    @property
    def through(self) -> tuple[str, ...]:
        """Intermediate nodes (time and handling are counted where a path passes through)."""
        return self.nodes[1:-1]

    def transit(self, exclude: Iterable[str] = ()) -> tuple[str, ...]:
        ex = set(exclude)
        return tuple(c for c in self.countries if c not in ex)

    @property
    def key(self) -> str:
        return "|".join(self.segments)


@dataclass
class Closures:
    """What a scenario removes from the network (for some trade, or all)."""

    segments: frozenset[str] = frozenset()
    nodes: frozenset[str] = frozenset()
    opened: frozenset[str] = frozenset()   # segments not yet operational that a scenario opens

    def key(self) -> tuple:
        return (self.segments, self.nodes, self.opened)


class CorridorNetwork:
    """The registry's transport network with the model's parameters.

    Build it with :func:`load_network` (the shipped seed, or a registry database).
    """

    def __init__(self, doc: dict, params: ModelParameters | None = None, *, strict: bool | None = None) -> None:
        self.params = params or load_parameters()
        self.source = doc.get("source", "network document")
        self.notes: list[str] = []
        modes = set(self.params.modes)
        self.nodes: dict[str, Node] = {
            n["id"]: Node(n["id"], n.get("name") or n["id"], n.get("kind") or "hub", n["country"], float(n["lat"]), float(n["lon"]))
            for n in doc["nodes"]
        }
        self.segments: dict[str, Segment] = {}
        for s in doc["segments"]:
            if s.get("mode") not in modes:
                continue
            if s["from_node"] not in self.nodes or s["to_node"] not in self.nodes:
                continue
            self.segments[s["id"]] = Segment(
                id=s["id"], name=s.get("name") or s["id"], a=s["from_node"], b=s["to_node"], mode=s["mode"],
                status=s.get("status") or "operational", gauge_mm=s.get("gauge_mm"), length_km=s.get("length_km"),
                countries=tuple(s.get("countries") or ()), corridors=tuple(s.get("corridors") or ()),
                description=s.get("description") or "", source_urls=tuple(s.get("source_urls") or ()),
            )
        self.profiles = {p["iso3"]: p for p in doc.get("profiles", [])}
        self.corridors = {c["id"]: c for c in doc.get("corridors", [])}
        self.figures: list[dict] = [dict(f, corridor=c["id"]) for c in doc.get("corridors", []) for f in c.get("figures", [])]
        # the shipped parameters name the shipped network's ids: on the seed an unknown id is an error;
        # on a user's registry (which may have removed a node) it is a note
        strict = doc.get("source", "").startswith("shipped seed") if strict is None else strict
        self._check_parameter_ids(strict)
        self.route_corridors = {c for r in self.params.routes.values() for c in r.corridors}
        self._adjacency: dict[str, list[str]] = {n: [] for n in self.nodes}
        for s in sorted(self.segments.values(), key=lambda s: s.id):
            self._adjacency[s.a].append(s.id)
            self._adjacency[s.b].append(s.id)
        self._path_cache: dict[tuple, list[Path]] = {}

    # -- identity checks ---------------------------------------------------------------------------

    def _check_parameter_ids(self, strict: bool) -> None:
        where = self.params.source
        for kind, ids, known in (("nodes", self.params.nodes, self.nodes), ("segments", self.params.segments, self.segments)):
            for i in ids:
                if i not in known:
                    msg = f"{kind}.{i} is not in the network ({self.source})"
                    if strict:
                        raise DataError(msg, file=where, hint=f"known {kind}: {', '.join(sorted(known)[:8])} …")
                    self.notes.append(msg + "; its parameters are not used")
        for country, hubs in self.params.hubs.items():
            for h in hubs:
                if h not in self.nodes:
                    msg = f"hubs.{country} names {h!r}, which is not in the network ({self.source})"
                    if strict:
                        raise DataError(msg, file=where)
                    self.notes.append(msg)
        for chk in self.params.checks:
            if self.find_figure(chk.figure) is None:
                msg = f"check figure {chk.figure} is not among the reported corridor figures"
                if strict:
                    raise DataError(msg, file=where)
                self.notes.append(msg)
        for name, e in (*self.params.nodes.items(), *self.params.segments.items()):
            if (e.capacity is not None and e.capacity.basis == "reported" and strict
                    and (not e.capacity.figure or self.find_figure(e.capacity.figure) is None)):
                    raise DataError(f"{name}: a reported capacity must name its figure (metric, segment, year) "
                                    "of facts/corridors.csv", file=where)

    def find_figure(self, ref: dict) -> dict | None:
        for f in self.figures:
            if all(f.get(k) == v for k, v in ref.items()):
                return f
        return None

    def node_id(self, text: str) -> str | None:
        t = text.strip().lower()
        if t in self.nodes:
            return t
        for n in self.nodes.values():
            if n.name.lower() == t:
                return n.id
        return None

    def unknown(self, kind: str, name: str) -> str:
        pool = self.nodes if kind == "node" else self.segments
        near = difflib.get_close_matches(name, list(pool), n=3, cutoff=0.6)
        return f"unknown {kind} {name!r}" + (f"; did you mean {', '.join(near)}?" if near else "")

    # -- geometry ------------------------------------------------------------------------------------

    def great_circle(self, seg: Segment) -> float:
        # the registry's haversine (imported here: the registry package is loaded with the network)
        from multivector.registry.network import great_circle_km

        a, b = self.nodes[seg.a], self.nodes[seg.b]
        return great_circle_km(a.lat, a.lon, b.lat, b.lon)

    def sea(self, sid: str) -> dict:
        """searoute distance, passages and line for a sea or ferry segment (cached)."""
        seg = self.segments[sid]
        a, b = self.nodes[seg.a], self.nodes[seg.b]
        avoid = self.params.segments.get(sid, ElementParams()).avoid_passages or ("northwest",)
        try:
            return sea_route(a.lon, a.lat, b.lon, b.lat, tuple(sorted(avoid)))
        except ValueError as exc:
            raise MultivectorError(f"segment {sid}: {exc}") from None

    def passages(self, sid: str) -> tuple[str, ...]:
        return self.sea(sid)["passages"] if self.segments[sid].mode in ("sea", "ferry") else ()

    def rail_class(self, seg: Segment) -> str:
        gauge = seg.gauge_mm
        if gauge is None:
            gauge = (self.profiles.get(self.nodes[seg.a].country) or {}).get("rail_gauge_mm")
        for name, g, countries in self.params.rail_classes:
            if g == gauge and set(countries) & set(seg.countries or (self.nodes[seg.a].country,)):
                return name
        # nothing matches: the gauge's first class
        for name, g, _countries in self.params.rail_classes:
            if g == gauge:
                return name
        return self.params.rail_classes[0][0]

    # -- the model's quantities per element ----------------------------------------------------------

    @cached_property
    def element_model(self) -> dict[str, dict]:
        """For every segment and node: how its time, cost and capacity are made from quantities.

        Segment time = length / speed + extra days; cost = length × tariff (rail) or a per-voyage
        cost (sea, ferry) + handling; node time and cost apply where a path passes through.
        """
        sh = self.params.shared
        out: dict[str, dict] = {}
        for sid, seg in self.segments.items():
            e = self.params.segments.get(sid, ElementParams())
            m: dict = {"kind": "segment", "days": e.days, "cost": e.cost, "capacity": e.capacity}
            if seg.mode == "rail":
                cls = self.rail_class(seg)
                m["rail_class"] = cls
                m["speed"] = sh[e.speed] if e.speed else sh[f"rail.speed.{cls}"]
                m["tariff"] = sh[f"rail.tariff.{cls}"]
                if seg.length_km:
                    m["km"] = float(seg.length_km)
                    m["km_basis"] = "reported"
                else:
                    m["gc_km"] = self.great_circle(seg)
                    m["circuity"] = sh["rail.circuity"]
                    m["km_basis"] = "computed"
            else:
                route = self.sea(sid)
                m["km"] = route["km"]
                m["km_basis"] = "computed"
                m["passages"] = route["passages"]
                key = e.speed or ("sea.speed.short" if seg.mode == "ferry" else "sea.speed.ocean")
                m["speed_knots"] = sh[key]
                if e.freight:
                    m["freight"] = sh[e.freight]
            out[sid] = m
        for nid, node in self.nodes.items():
            e = self.params.nodes.get(nid)
            kind = node.kind
            if e is not None and e.days is not None:
                days = e.days
            elif kind == "port":
                days = sh["node.days.port"]
            elif kind == "border_crossing":
                days = sh["node.days.border"]
            else:
                days = sh["node.days.hub"]
            if e is not None and e.cost is not None:
                cost = e.cost
            elif kind == "port":
                cost = sh["node.cost.port"]
            else:
                cost = None
            out[f"node:{nid}"] = {"kind": "node", "days": days, "cost": cost,
                                  "capacity": e.capacity if e is not None else None}
        return out

    def quantities(self) -> dict[str, Quantity]:
        """Every quantity the network's elements use, by key."""
        q: dict[str, Quantity] = {}
        for m in self.element_model.values():
            for k in ("days", "cost", "capacity", "speed", "tariff", "circuity", "speed_knots", "freight"):
                v = m.get(k)
                if v is not None:
                    q[v.key] = v
        return q

    def nominal_days(self, sid: str) -> float:
        """A segment's time at the middle of every range (for ordering paths)."""
        m = self.element_model[sid]
        extra = m["days"].mid if m.get("days") else 0.0
        if "speed" in m:
            km = m["km"] if "km" in m else m["gc_km"] * m["circuity"].mid
            return km / m["speed"].mid + extra
        return m["km"] / (m["speed_knots"].mid * KNOT_KM_DAY) + extra

    def nominal_node_days(self, nid: str) -> float:
        return self.element_model[f"node:{nid}"]["days"].mid

    def length_km(self, sid: str, circuity: float | None = None) -> float:
        m = self.element_model[sid]
        if "km" in m:
            return m["km"]
        return m["gc_km"] * (m["circuity"].mid if circuity is None else circuity)

    # -- places ---------------------------------------------------------------------------------------

    def hubs(self, place: str) -> tuple[str, tuple[str, ...]]:
        """``(label, node ids)`` for a country code, a group (EU) or a node id / name."""
        from multivector import countries as cc
        from multivector.errors import UnknownCountryError

        text = str(place).strip()
        nid = self.node_id(text)
        if nid is not None:
            return nid, (nid,)
        if text.upper() in self.params.hubs:  # an ISO3 code or group with hubs: no need to load the country tables
            hubs = tuple(h for h in self.params.hubs[text.upper()] if h in self.nodes)
            if hubs:
                return text.upper(), hubs
        try:
            iso = cc.resolve(text)
        except UnknownCountryError:
            near = difflib.get_close_matches(text.lower(), list(self.nodes), n=3, cutoff=0.6)
            raise MultivectorError(
                f"unknown country or node {text!r}"
                + (f"; did you mean {', '.join(near)}?" if near else "")
                + f"; countries with hubs: {', '.join(sorted(self.params.hubs))}, or a node id such as xian, duisburg"
            ) from None
        hubs = tuple(h for h in self.params.hubs.get(iso, ()) if h in self.nodes)
        if not hubs:
            nodes = sorted(n.id for n in self.nodes.values() if n.country == iso and self._adjacency.get(n.id))
            raise MultivectorError(
                f"{iso} has no hub in the corridor model; countries with hubs: {', '.join(sorted(self.params.hubs))}"
                + (f"; or give one of its nodes: {', '.join(nodes)}" if nodes else "")
            )
        return iso, hubs

    def country_of(self, place_label: str) -> str:
        return self.nodes[place_label].country if place_label in self.nodes else place_label

    # -- paths ---------------------------------------------------------------------------------------

    def path_countries(self, segs: list[str], nodes: list[str]) -> tuple[str, ...]:
        out: list[str] = []
        for i, sid in enumerate(segs):
            seg = self.segments[sid]
            a, b = self.nodes[nodes[i]].country, self.nodes[nodes[i + 1]].country
            for c in (a, *[c for c in seg.countries if c not in (a, b)], b):
                if c not in out:
                    out.append(c)
        return tuple(out)

    def matches(self, route: RouteDef, segs: list[str], countries: tuple[str, ...]) -> bool:
        cs = set(countries)
        modes = {self.segments[s].mode for s in segs}
        if route.countries_all and not set(route.countries_all) <= cs:
            return False
        if route.countries_none and set(route.countries_none) & cs:
            return False
        if route.modes and not modes <= set(route.modes):
            return False
        if route.modes_any and not modes & set(route.modes_any):
            return False
        return not (route.segments_any and not set(route.segments_any) & set(segs))

    def classify(self, segs: list[str], countries: tuple[str, ...]) -> str:
        for name, r in self.params.routes.items():
            if self.matches(r, segs, countries) and all(
                    self._allowed_in(r, self.segments[s]) for s in segs):
                return name
        return OTHER

    def _allowed_in(self, route: RouteDef | None, seg: Segment) -> bool:
        """Whether a segment may be on the route's paths: one of its corridors, or a connector."""
        if route is None:
            return True
        if route.modes and seg.mode not in route.modes:
            return False
        if set(seg.corridors) & set(route.corridors):
            return True
        return not (set(seg.corridors) & self.route_corridors)

    def _usable(self, seg: Segment, closures: Closures) -> bool:
        if seg.id in closures.segments or seg.a in closures.nodes or seg.b in closures.nodes:
            return False
        return seg.status == "operational" or seg.id in closures.opened

    def paths(self, route: str, origins: Iterable[str], destinations: Iterable[str], closures: Closures | None = None,
              *, partial: bool = False, limit: int | None = None) -> list[Path]:
        """The route's paths from any origin node to any destination node, fastest first (nominal days).

        ``partial`` relaxes the route's ``countries_all`` (for checks of a route's part, e.g.
        Kazakhstan–Baku on the Middle Corridor). ``route = "other"``: paths over the whole network that
        match no named route.
        """
        import networkx as nx

        closures = closures or Closures()
        origins, destinations = tuple(sorted(set(origins))), tuple(sorted(set(destinations)))
        key = (route, origins, destinations, closures.key(), partial, limit)
        if key in self._path_cache:
            return self._path_cache[key]
        rdef = None if route == OTHER else self.params.routes[route]
        # states the route never crosses are left out of its graph (the search then finds its paths first)
        banned = set(rdef.countries_none) if rdef is not None else set()
        g = nx.Graph()
        seen_pairs: dict[tuple[str, str], int] = {}
        for sid in sorted(self.segments):
            seg = self.segments[sid]
            if not self._usable(seg, closures) or not self._allowed_in(rdef, seg):
                continue
            if banned and (banned & set(seg.countries) or {self.nodes[seg.a].country, self.nodes[seg.b].country} & banned):
                continue
            w = self.nominal_days(sid)
            pair = tuple(sorted((seg.a, seg.b)))
            if pair in seen_pairs:  # a parallel segment: through a virtual midpoint
                seen_pairs[pair] += 1
                mid = f"~{sid}"
                g.add_edge(seg.a, mid, weight=w / 2, sid=sid)
                g.add_edge(mid, seg.b, weight=w / 2, sid=sid)
            else:
                seen_pairs[pair] = 1
                g.add_edge(seg.a, seg.b, weight=w, sid=sid)
        # time at intermediate nodes: half on each edge into and out of a node
        for u, v, data in g.edges(data=True):
            data["weight"] += 0.5 * (self._node_weight(u) + self._node_weight(v))
        src, dst = "<origin>", "<destination>"
        for o in origins:
            if o in g:
                g.add_edge(src, o, weight=0.0)
        for d in destinations:
            if d in g:
                g.add_edge(d, dst, weight=0.0)
        out: list[Path] = []
        if src in g and dst in g:
            limit = limit or self.params.paths_per_route
            examined = 0
            seen: set[str] = set()
            try:
                for nodes in nx.shortest_simple_paths(g, src, dst, weight="weight"):
                    examined += 1
                    if examined > self.params.paths_examined:
                        break
                    path = self._path_from(g, nodes[1:-1])
                    if path is None or path.key in seen:
                        continue
                    # a path through a second origin or destination hub belongs to the shorter one
                    if set(path.nodes[1:]) & set(origins) or set(path.nodes[:-1]) & set(destinations):
                        continue
                    seen.add(path.key)
                    cls = self.classify(list(path.segments), path.countries)
                    if partial and rdef is not None:
                        relaxed = RouteDef(rdef.name, rdef.label, rdef.corridors, (), rdef.countries_none, rdef.modes,
                                           rdef.modes_any, rdef.segments_any)
                        ok = self.matches(relaxed, list(path.segments), path.countries)
                    else:
                        ok = cls == route
                    if ok:
                        out.append(Path(path.segments, path.nodes, route, path.countries))
                        if len(out) >= limit:
                            break
            except nx.NetworkXNoPath:
                pass
        if len(self._path_cache) > 4096:  # many custom scenarios in a long-running server: start again
            self._path_cache.clear()
        self._path_cache[key] = out
        return out

    def _node_weight(self, n: str) -> float:
        if n.startswith(("~", "<")) or n not in self.nodes:
            return 0.0
        return self.nominal_node_days(n)

    def _path_from(self, g, nodes: list[str]) -> Path | None:
        segs: list[str] = []
        real: list[str] = [nodes[0]]
        for u, v in itertools.pairwise(nodes):
            sid = g.edges[u, v]["sid"]
            if v.startswith("~"):
                continue
            segs.append(sid)
            real.append(v)
        if len(real) != len(segs) + 1:
            return None
        return Path(tuple(segs), tuple(real), "", self.path_countries(segs, real))

    def route_paths(self, origins, destinations, closures: Closures | None = None, routes: Iterable[str] | None = None,
                    *, include_other: bool = True) -> dict[str, list[Path]]:
        names = list(routes) if routes is not None else list(self.params.routes)
        out = {r: self.paths(r, origins, destinations, closures) for r in names}
        if include_other:
            out[OTHER] = self.paths(OTHER, origins, destinations, closures)
        return out


def load_network(db_url: str | None = None, params: ModelParameters | None = None) -> CorridorNetwork:
    """The corridor network of the shipped registry seed (``db_url`` None) or of a registry database."""
    from multivector.registry.network_data import network_document

    if db_url is None and params is None:
        return _shipped_network()
    return CorridorNetwork(network_document(db_url), params)


_SHIPPED: list[CorridorNetwork] = []


def _shipped_network() -> CorridorNetwork:
    if not _SHIPPED:
        from multivector.registry.network_data import network_document

        _SHIPPED.append(CorridorNetwork(network_document(None)))
    return _SHIPPED[0]
