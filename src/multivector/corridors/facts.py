"""The reported figures (facts/corridors.csv, shipped in the registry seed's corridor records) and the
model's calibration against them."""

from __future__ import annotations

import numpy as np

from multivector.corridors.model import Draws, Evaluation, percentiles
from multivector.corridors.network import CorridorNetwork, load_network

_KEEP = ("corridor", "metric", "route", "segment", "year", "low", "high", "unit", "reported_by", "source", "note")


def reported_figures(network: CorridorNetwork | None = None, metric: str | None = None) -> list[dict]:
    """Every corridor figure as reported, with who reported it (optionally one metric)."""
    net = network or load_network()
    return [{k: f.get(k) for k in _KEEP} for f in net.figures if metric is None or f.get("metric") == metric]


def calibration(runs: int = 2000, seed: int = 0, network: CorridorNetwork | None = None) -> dict:
    """The model's transit times against every reported range it is checked with, the reported
    times it is not checked with (and why), and the modelled distances against reported distances.

    ``checks[i]["inside"]``: the model's median lies in the reported range; ``overlap``: the
    model's 5–95 % band overlaps it.
    """
    net = network or load_network()
    ev = Evaluation(net, Draws(runs, seed))
    rows = []
    for chk in net.params.checks:
        fig = net.find_figure(chk.figure) or {}
        paths = net.paths(chk.route, [chk.origin], [chk.destination], partial=chk.partial)
        row = {"figure": {k: fig.get(k) for k in _KEEP}, "route": chk.route, "from": chk.origin, "to": chk.destination,
               "low": fig.get("low"), "high": fig.get("high")}
        if not paths:
            row.update(path=None, model=None, inside=False, overlap=False)
        else:
            days = [ev.path_days(p) for p in paths]
            best = int(np.argmin([np.median(d) for d in days]))
            p5, med, p95 = percentiles(days[best])
            row.update(path=list(paths[best].nodes), model={"p5": p5, "median": med, "p95": p95},
                       inside=bool(row["low"] <= med <= row["high"]),
                       overlap=bool(p5 <= row["high"] and p95 >= row["low"]))
        rows.append(row)
    unchecked = [{"figure": net.find_figure(u["figure"]) or u["figure"], "reason": " ".join(str(u.get("reason", "")).split())}
                 for u in net.params.unchecked]
    distances = _distances(net)
    return {"runs": runs, "seed": seed, "checks": rows, "unchecked": unchecked, "distances": distances}


def _distances(net: CorridorNetwork) -> list[dict]:
    """Modelled rail lengths (circuity at its low and high end) against the reported distances."""
    circ = net.params.shared["rail.circuity"]
    probes = [
        ({"metric": "distance_km", "route": "northern", "segment": "China–Europe"}, "northern", "lianyungang", "duisburg", None),
        ({"metric": "distance_km", "route": "middle", "segment": "China–Europe rail part"}, "middle-black-sea", "dostyk", "poti",
         "rail only (the Caspian crossing excluded)"),
    ]
    out = []
    for ref, route, a, b, note in probes:
        fig = net.find_figure(ref)
        paths = net.paths(route, [a], [b], partial=True)
        if fig is None or not paths:
            continue
        p = paths[0]
        rails = [s for s in p.segments if net.segments[s].mode == "rail"]
        lo = sum(net.length_km(s, circ.low) for s in rails)
        hi = sum(net.length_km(s, circ.high) for s in rails)
        out.append({"figure": {k: fig.get(k) for k in _KEEP}, "reported_km": fig["low"], "model_km": [lo, hi],
                    "path": list(p.nodes), "note": note, "inside": bool(lo <= fig["low"] <= hi)})
    return out
