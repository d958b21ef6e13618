"""The network graph and the loop-in: which states a change on some segments concerns, and why.

The network is an undirected multigraph: nodes (border crossings, ports, hubs …) joined by
segments (rail, road, ferry, sea, pipeline, power line, fibre). Cycles are normal (Dostyk and
Khorgos are two ways into Kazakhstan; the Caspian has three ferry lines).

**Loop-in rule.** A project or commitment *touches* some segments. A state is connected to it when

1. a touched segment crosses its territory (``crosses``, 0 hops);
2. one of its nodes is within ``hops`` segments of a touched segment, walking only segments of
   the same family — a railway connects to railways, roads, ferries and sea lanes; a pipeline to
   pipelines; a power line to power lines; a cable to cables (``network``, 1…hops);
3. it lies on a corridor a touched segment belongs to (``corridor``), however far.

Every connected state other than the change's own states, and that is an active member, is
notified. The notification names the connection (the chain of segments from the touched segment
to the state's first node) and the standards issues along that chain: a **gauge break** (two
rail segments of different gauge meet; ferries between them carry wagons and do not count), a
**customs border** (the chain crosses from one customs territory to another — the EAEU is one), a
**grid synchronisation** issue (a power chain crosses between grids that do not run in
synchronism), and **different signalling** (rail signalling systems change along the chain).
Issues inside the touched segments themselves (a line built with a break of gauge) are reported
to every connected state.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from multivector.registry import models as m
from multivector.registry.vocab import MODE_FAMILY, SIGNALLING_LABELS

DEFAULT_HOPS = 3


@dataclass(frozen=True)
class NodeInfo:
    id: str
    name: str
    country: str
    lat: float
    lon: float


@dataclass(frozen=True)
class SegmentInfo:
    id: str
    a: str
    b: str
    mode: str
    gauge_mm: int | None
    signalling: str | None
    countries: tuple[str, ...]
    corridors: tuple[str, ...]

    @property
    def family(self) -> str:
        return MODE_FAMILY.get(self.mode, self.mode)

    def other(self, node: str) -> str:
        return self.b if node == self.a else self.a


@dataclass(frozen=True)
class Profile:
    iso3: str
    name: str
    customs_zone: str
    grid_zone: str | None
    rail_gauge_mm: int | None
    rail_signalling: str | None


@dataclass
class Graph:
    nodes: dict[str, NodeInfo]
    segments: dict[str, SegmentInfo]
    profiles: dict[str, Profile]
    adjacency: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        adj: dict[str, list[str]] = {n: [] for n in self.nodes}
        for s in sorted(self.segments.values(), key=lambda s: s.id):
            adj.setdefault(s.a, []).append(s.id)
            adj.setdefault(s.b, []).append(s.id)
        self.adjacency = adj

    # -- what a segment is, in the terms of the standards it carries --------------------------

    def gauge(self, seg: SegmentInfo) -> int | None:
        """The segment's gauge, or the common gauge of the states at both ends."""
        if seg.mode != "rail":
            return None
        if seg.gauge_mm:
            return seg.gauge_mm
        ends = {self._profile_attr(self.nodes[n].country, "rail_gauge_mm") for n in (seg.a, seg.b) if n in self.nodes}
        return ends.pop() if len(ends) == 1 else None

    def signalling(self, seg: SegmentInfo) -> str | None:
        """The segment's signalling, or the common system of the states at both ends — unless the
        segment is of another gauge than those states' networks (a standard-gauge line in Georgia
        does not run on the 1520 mm network's signalling): then unknown."""
        if seg.mode != "rail":
            return None
        if seg.signalling:
            return seg.signalling
        countries = [self.nodes[n].country for n in (seg.a, seg.b) if n in self.nodes]
        if seg.gauge_mm and any(self._profile_attr(c, "rail_gauge_mm") not in (None, seg.gauge_mm) for c in countries):
            return None
        ends = {self._profile_attr(c, "rail_signalling") for c in countries}
        return ends.pop() if len(ends) == 1 else None

    def _profile_attr(self, iso3: str, attr: str):
        p = self.profiles.get(iso3)
        return getattr(p, attr) if p else None

    def node_name(self, node: str) -> str:
        n = self.nodes.get(node)
        return n.name if n else node


def load_graph(session: Session) -> Graph:
    """The whole network as it is in the database (published or not: drafts are still real plans)."""
    nodes = {
        r.id: NodeInfo(r.id, r.name, r.country, r.lat, r.lon)
        for r in session.execute(select(m.Node.id, m.Node.name, m.Node.country, m.Node.lat, m.Node.lon))
    }
    countries: dict[str, list[str]] = {}
    for sid, state in session.execute(select(m.SegmentCountry.segment_id, m.SegmentCountry.state)):
        countries.setdefault(sid, []).append(state)
    corridors: dict[str, list[str]] = {}
    for sid, cid in session.execute(select(m.SegmentCorridor.segment_id, m.SegmentCorridor.corridor_id)):
        corridors.setdefault(sid, []).append(cid)
    segments = {
        r.id: SegmentInfo(r.id, r.from_node, r.to_node, r.mode, r.gauge_mm, r.signalling,
                          tuple(sorted(countries.get(r.id, ()))), tuple(sorted(corridors.get(r.id, ()))))
        for r in session.execute(select(m.Segment.id, m.Segment.from_node, m.Segment.to_node, m.Segment.mode,
                                        m.Segment.gauge_mm, m.Segment.signalling))
    }
    profiles = {
        p.iso3: Profile(p.iso3, p.name, p.customs_zone, p.grid_zone, p.rail_gauge_mm, p.rail_signalling)
        for p in session.scalars(select(m.CountryProfile))
    }
    return Graph(nodes, segments, profiles)


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance on a sphere of radius 6371.0088 km (the IUGG mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


# ---------------------------------------------------------------------------------------------
# Loop-in


@dataclass
class Connection:
    state: str
    kind: str  # crosses | network | corridor
    hops: int | None
    path: list[str]  # segment ids, starting with the touched segment
    at_node: str | None
    corridors: list[str]
    issues: list[dict]

    def to_dict(self, graph: Graph) -> dict:
        return {
            "kind": self.kind,
            "hops": self.hops,
            "path": self.path,
            "at_node": self.at_node,
            "at_node_name": graph.node_name(self.at_node) if self.at_node else None,
            "corridors": self.corridors,
        }


def connected_states(
    graph: Graph,
    touched: list[str],
    *,
    own: set[str],
    hops: int = DEFAULT_HOPS,
    members: set[str] | None = None,
) -> dict[str, Connection]:
    """The states a change on ``touched`` segments concerns, each with its connection and issues.

    ``own`` states (the project's countries, a commitment's responsible states) are left out;
    with ``members`` given, only those states are returned.
    """
    touched = [s for s in dict.fromkeys(touched) if s in graph.segments]
    if not touched:
        return {}
    families = {graph.segments[s].family for s in touched}
    touched_set = set(touched)

    # Breadth-first search from the ends of the touched segments, twice: over the touched modes
    # (a railway's neighbours by rail and rail ferry) and over the whole family. A state reached
    # by the first keeps that path: a railway reaches a state by rail where it can, by road only
    # where it cannot.
    touched_modes = {graph.segments[s].mode for s in touched}
    if "rail" in touched_modes:
        touched_modes.add("ferry")

    def bfs(allowed) -> tuple[dict[str, int], dict[str, tuple[str | None, str]]]:
        dist: dict[str, int] = {}
        pred: dict[str, tuple[str | None, str]] = {}  # node -> (previous node, segment used)
        queue: deque[str] = deque()
        for sid in touched:
            seg = graph.segments[sid]
            for n in (seg.a, seg.b):
                if n not in dist:
                    dist[n] = 0
                    pred[n] = (None, sid)
                    queue.append(n)
        while queue:
            u = queue.popleft()
            if dist[u] >= hops:
                continue
            for sid in graph.adjacency.get(u, ()):
                seg = graph.segments[sid]
                if sid in touched_set or not allowed(seg):
                    continue
                w = seg.other(u)
                if w not in dist:
                    dist[w] = dist[u] + 1
                    pred[w] = (u, sid)
                    queue.append(w)
        return dist, pred

    passes = [bfs(lambda seg: seg.mode in touched_modes), bfs(lambda seg: seg.family in families)]

    found: dict[str, Connection] = {}

    ranks: dict[str, tuple] = {}

    def offer(state: str, conn: Connection, pass_no: int = 0) -> None:
        if state in own or (members is not None and state not in members):
            return
        rank = ({"crosses": 0, "network": 1, "corridor": 2}[conn.kind], pass_no,
                conn.hops if conn.hops is not None else 10**9)
        if state not in found or rank < ranks[state]:
            found[state] = conn
            ranks[state] = rank

    internal = _issues_inside(graph, touched)
    corridor_ids = sorted({c for s in touched for c in graph.segments[s].corridors})

    # 1. states the touched segments cross
    for sid in touched:
        seg = graph.segments[sid]
        for state in seg.countries:
            node = next((n for n in (seg.a, seg.b) if graph.nodes.get(n) and graph.nodes[n].country == state), None)
            offer(state, Connection(state, "crosses", 0, [sid], node, corridor_ids, internal))

    # 2. states within `hops`
    for pass_no, (dist, pred) in enumerate(passes):
        for node in sorted(dist, key=lambda n: (dist[n], n)):
            d = dist[node]
            info = graph.nodes.get(node)
            if info is None or d == 0:
                continue  # ends of touched segments: covered by "crosses"
            segs, nodes = _chain_to(graph, node, pred)
            issues = _merge(internal, _issues_along(graph, segs, nodes))
            offer(info.country, Connection(info.country, "network", d, segs, node, corridor_ids, issues), pass_no)
            last = graph.segments[segs[-1]]
            for state in last.countries:  # states a reaching segment passes through
                if state != info.country:
                    offer(state, Connection(state, "network", d, segs, None, corridor_ids, issues), pass_no)

    # 3. states on the same corridor(s)
    if corridor_ids:
        on_corridor: dict[str, list[str]] = {}
        for seg in graph.segments.values():
            shared = sorted(set(seg.corridors) & set(corridor_ids))
            if shared:
                for state in seg.countries:
                    on_corridor.setdefault(state, [])
                    on_corridor[state] = sorted(set(on_corridor[state]) | set(shared))
        for state, shared in sorted(on_corridor.items()):
            if state in found or state in own or (members is not None and state not in members):
                continue
            segs, nodes = _corridor_path(graph, touched, state, set(shared))
            issues = _merge(internal, _issues_along(graph, segs, nodes) if segs else [])
            offer(state, Connection(state, "corridor", None, segs, nodes[-1] if nodes else None, shared, issues))
    return dict(sorted(found.items()))


def _corridor_path(graph: Graph, touched: list[str], state: str, corridors: set[str]) -> tuple[list[str], list[str]]:
    """Shortest chain from a touched segment to a node of ``state`` along the shared corridors."""
    allowed = {sid for sid, s in graph.segments.items() if set(s.corridors) & corridors}
    pred: dict[str, tuple[str | None, str]] = {}
    queue: deque[str] = deque()
    for sid in touched:
        seg = graph.segments[sid]
        for n in (seg.a, seg.b):
            if n not in pred:
                pred[n] = (None, sid)
                queue.append(n)
    target = None
    while queue:
        u = queue.popleft()
        if graph.nodes.get(u) and graph.nodes[u].country == state and pred[u][0] is not None:
            target = u
            break
        for sid in graph.adjacency.get(u, ()):
            if sid not in allowed or sid in touched:
                continue
            w = graph.segments[sid].other(u)
            if w not in pred:
                pred[w] = (u, sid)
                queue.append(w)
    if target is None:
        return [], []
    return _chain_to(graph, target, pred)


def _chain_to(graph: Graph, node: str, pred: dict[str, tuple[str | None, str]]) -> tuple[list[str], list[str]]:
    """Segments and nodes from the touched segment to ``node`` along a breadth-first search's
    predecessors (nodes in walking order)."""
    segs: list[str] = []
    nodes: list[str] = [node]
    cur = node
    while True:
        prev, sid = pred[cur]
        segs.append(sid)
        if prev is None:
            nodes.append(graph.segments[sid].other(cur))
            break
        nodes.append(prev)
        cur = prev
    return segs[::-1], nodes[::-1]


def _merge(a: list[dict], b: list[dict]) -> list[dict]:
    out, seen = [], set()
    for issue in [*a, *b]:
        key = (issue["kind"], issue.get("at"), issue["detail"])
        if key not in seen:
            seen.add(key)
            out.append(issue)
    return out


def _issues_along(graph: Graph, segs: list[str], nodes: list[str]) -> list[dict]:
    """Standards issues along a chain: ``nodes[i]`` and ``nodes[i+1]`` are the ends of ``segs[i]``."""
    issues: list[dict] = []
    # gauge and signalling: compare consecutive rail segments (ferries between carry wagons)
    last_rail: tuple[SegmentInfo, str] | None = None  # (segment, node where it ends)
    for i, sid in enumerate(segs):
        seg = graph.segments[sid]
        if seg.mode == "rail":
            if last_rail is not None:
                prev, at = last_rail
                issues += _rail_issues(graph, prev, seg, at, nodes[i])
            last_rail = (seg, nodes[i + 1])
        elif seg.mode != "ferry":  # rail ferries carry wagons; ships and lorries do not
            last_rail = None
    # borders
    for i, sid in enumerate(segs):
        a, b = graph.nodes.get(nodes[i]), graph.nodes.get(nodes[i + 1])
        if a is None or b is None or a.country == b.country:
            continue
        issues += _border_issues(graph, a, b, graph.segments[sid].family)
    return issues


def _rail_issues(graph: Graph, prev: SegmentInfo, seg: SegmentInfo, end_prev: str, start_next: str) -> list[dict]:
    out = []
    where = graph.node_name(start_next) if end_prev == start_next else (
        f"between {graph.node_name(end_prev)} and {graph.node_name(start_next)}")
    g1, g2 = graph.gauge(prev), graph.gauge(seg)
    if g1 and g2 and g1 != g2:
        out.append({"kind": "gauge_break", "at": where,
                    "detail": f"break of gauge {g1}/{g2} mm at {where} ({prev.id} → {seg.id}): transshipment or bogie exchange"})
    s1, s2 = graph.signalling(prev), graph.signalling(seg)
    if s1 and s2 and s1 != s2:
        out.append({"kind": "signalling", "at": where,
                    "detail": f"different signalling at {where}: {SIGNALLING_LABELS.get(s1, s1)} → "
                              f"{SIGNALLING_LABELS.get(s2, s2)}"})
    return out


def _border_issues(graph: Graph, a: NodeInfo, b: NodeInfo, family: str) -> list[dict]:
    """Customs borders matter to goods (transport, pipelines); grid zones to power lines."""
    out = []
    pa, pb = graph.profiles.get(a.country), graph.profiles.get(b.country)
    where = f"{a.name} ({a.country}) – {b.name} ({b.country})"
    power = family == "power"
    if family in ("transport", "pipeline") and pa and pb and pa.customs_zone != pb.customs_zone:
        out.append({"kind": "customs_border", "at": where,
                    "detail": f"customs border {a.country} ({_zone(pa.customs_zone)}) → {b.country} "
                              f"({_zone(pb.customs_zone)}) between {a.name} and {b.name}"})
    if power and pa and pb and pa.grid_zone and pb.grid_zone and pa.grid_zone != pb.grid_zone:
        out.append({"kind": "grid_synchronisation", "at": where,
                    "detail": f"grids not in synchronism: {a.country} ({pa.grid_zone}) and {b.country} "
                              f"({pb.grid_zone}); the link needs HVDC or back-to-back conversion, or synchronisation"})
    return out


def _zone(z: str) -> str:
    return {"EAEU": "Eurasian Economic Union customs territory", "EU": "EU customs union"}.get(z, f"{z} customs territory")


def _issues_inside(graph: Graph, touched: list[str]) -> list[dict]:
    """Issues within the touched segments themselves: where two of them meet, or across a border."""
    issues: list[dict] = []
    segs = [graph.segments[s] for s in touched]
    for i, s1 in enumerate(segs):
        for s2 in segs[i + 1:]:
            shared = {s1.a, s1.b} & {s2.a, s2.b}
            for node in sorted(shared):
                if s1.mode == "rail" and s2.mode == "rail":
                    issues += _rail_issues(graph, s1, s2, node, node)
    for s in segs:
        a, b = graph.nodes.get(s.a), graph.nodes.get(s.b)
        if a and b and a.country != b.country:
            issues += _border_issues(graph, a, b, s.family)
    return _merge([], issues)

