"""The corridor network as GeoJSON, for drawing offline (no tiles, no topojson): node points and
segment lines (sea and ferry segments follow their searoute path), with route membership and, when
a scenario result is given, baseline and scenario volumes per segment and node."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from multivector.corridors.network import CorridorNetwork, load_network

if TYPE_CHECKING:
    from multivector.corridors.disruption import ScenarioResult

MAX_SEA_POINTS = 160


def _decimate(coords: list[list[float]], n: int = MAX_SEA_POINTS) -> list[list[float]]:
    if len(coords) <= n:
        return [[round(x, 4), round(y, 4)] for x, y in coords]
    idx = np.unique(np.linspace(0, len(coords) - 1, n).round().astype(int))
    return [[round(coords[i][0], 4), round(coords[i][1], 4)] for i in idx]


def network_geojson(result: ScenarioResult | None = None, *, network: CorridorNetwork | None = None,
                    origin: str = "CHN", destination: str = "DEU") -> dict:
    """A GeoJSON FeatureCollection of the corridor network.

    Segments carry ``routes`` (the named routes whose ``origin``→``destination`` paths use them);
    with ``result`` (a :class:`~multivector.corridors.disruption.ScenarioResult`) segments and
    nodes also carry ``baseline_teu``, ``scenario_teu``, ``change_teu`` and ``binding_share``
    (share of runs in which their capacity binds in the scenario).
    """
    net = result.network if result is not None else (network or load_network())
    routes: dict[str, set[str]] = {}
    try:
        _o, oh = net.hubs(origin)
        _d, dh = net.hubs(destination)
        for r, ps in net.route_paths(oh, dh, include_other=False).items():
            for p in ps:
                for s in p.segments:
                    routes.setdefault(s, set()).add(r)
                for n in p.nodes:
                    routes.setdefault(f"node:{n}", set()).add(r)
    except Exception:  # noqa: BLE001 - routes are decoration; the map draws without them
        routes = {}
    flows = _element_flows(result) if result is not None else {}
    features = []
    used_nodes: set[str] = set()
    for sid, seg in sorted(net.segments.items()):
        a, b = net.nodes[seg.a], net.nodes[seg.b]
        used_nodes.update((seg.a, seg.b))
        if seg.mode in ("sea", "ferry"):
            coords = _decimate(net.sea(sid)["coordinates"])
            coords = [[a.lon, a.lat], *coords, [b.lon, b.lat]]
        else:
            coords = [[a.lon, a.lat], [b.lon, b.lat]]
        m = net.element_model[sid]
        cap = m.get("capacity")
        props = {
            "kind": "segment", "id": sid, "name": seg.name, "mode": seg.mode, "status": seg.status,
            "gauge_mm": seg.gauge_mm, "countries": list(seg.countries), "corridors": list(seg.corridors),
            "routes": sorted(routes.get(sid, ())), "from": seg.a, "to": seg.b,
            "km": round(net.length_km(sid), 1), "km_basis": m.get("km_basis"),
            "days_nominal": round(net.nominal_days(sid), 2),
            "capacity_teu_year": None if cap is None else cap.mid, "capacity_basis": None if cap is None else cap.basis,
            **flows.get(sid, {}),
        }
        features.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": coords}, "properties": props})
    for nid in sorted(used_nodes):
        n = net.nodes[nid]
        m = net.element_model[f"node:{nid}"]
        cap = m.get("capacity")
        hubs_of = sorted(c for c, hs in net.params.hubs.items() if nid in hs and len(c) == 3 and c != "EU")
        props = {
            "kind": "node", "id": nid, "name": n.name, "node_kind": n.kind, "country": n.country,
            "hub_of": hubs_of, "routes": sorted(routes.get(f"node:{nid}", ())),
            "days_nominal": round(m["days"].mid, 2),
            "capacity_teu_year": None if cap is None else cap.mid, "capacity_basis": None if cap is None else cap.basis,
            **flows.get(f"node:{nid}", {}),
        }
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [n.lon, n.lat]},
                         "properties": props})
    lons = [c[0] for f in features for c in (f["geometry"]["coordinates"] if f["geometry"]["type"] == "LineString"
                                             else [f["geometry"]["coordinates"]])]
    lats = [c[1] for f in features for c in (f["geometry"]["coordinates"] if f["geometry"]["type"] == "LineString"
                                             else [f["geometry"]["coordinates"]])]
    out = {"type": "FeatureCollection", "bbox": [min(lons), min(lats), max(lons), max(lats)], "features": features,
           "properties": {"network": net.source, "routes": {k: v.label for k, v in net.params.routes.items()}}}
    if result is not None:
        out["properties"]["scenario"] = result.scenario.name
    return out


def _element_flows(result: ScenarioResult) -> dict[str, dict]:
    out: dict[str, dict] = {}
    keys = set(result.network.segments) | {n for p in (*result.baseline.world.paths, *result.flows.world.paths) for n in p.nodes}
    for key in keys:
        b = result.baseline.through(key)
        s = result.flows.through(key)
        ek = key if key in result.network.segments else f"node:{key}"
        row = {"baseline_teu": float(b.mean()), "scenario_teu": float(s.mean()), "change_teu": float((s - b).mean())}
        if ek in result.flows.world.elements:
            j = result.flows.world.elements.index(ek)
            load, cap, mu = result.flows.load[:, j], result.flows.capacity[:, j], result.flows.scarcity[:, j]
            with np.errstate(invalid="ignore", divide="ignore"):
                binds = (load >= 0.999 * cap) & (mu > 1e-6)
            row["binding_share"] = float(binds.mean())
        out[ek] = row
    return out
