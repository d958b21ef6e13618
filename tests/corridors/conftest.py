"""Fixtures for the corridor model: the shipped network, and small synthetic networks built by the
tests (labelled as such: made-up places with round numbers, so that optima and percentiles are known)."""

from __future__ import annotations

import copy

import pytest


@pytest.fixture(scope="session")
def network():
    from multivector.corridors.network import load_network

    return load_network()


def _node(i, country, lon, kind="junction"):
    return {"id": i, "name": i.upper(), "kind": kind, "country": country, "lat": 45.0, "lon": lon}


def _seg(i, a, b, km, corridors=("test",), mode="rail", gauge=1435, countries=None):
    return {"id": i, "name": i, "from_node": a, "to_node": b, "mode": mode, "status": "operational", "gauge_mm": gauge,
            "length_km": km, "countries": countries or [], "corridors": list(corridors)}


SYNTHETIC_PARAMS = {
    "model": {"paths_per_route": 10, "paths_examined": 40, "modes": ["rail", "ferry", "sea"]},
    "hubs": {"CHN": ["a"], "DEU": ["d"]},
    "rail_classes": {"t": {"gauge": 1435, "countries": ["CHN", "KAZ", "DEU"]}},
    "parameters": {
        "rail.circuity": {"range": [1.0, 1.0], "unit": "", "basis": "assumption"},
        "rail.speed.t": {"range": [100, 100], "unit": "km/day", "basis": "assumption"},
        "rail.tariff.t": {"range": [1.0, 1.0], "unit": "US$/TEU-km", "basis": "scenario"},
        "node.days.hub": {"range": [0, 0], "unit": "days", "basis": "assumption"},
        "node.days.border": {"range": [0, 0], "unit": "days", "basis": "assumption"},
        "node.days.port": {"range": [0, 0], "unit": "days", "basis": "assumption"},
        "node.cost.port": {"range": [0, 0], "unit": "US$/TEU", "basis": "scenario"},
        "node.cost.transfer": {"range": [0, 0], "unit": "US$/TEU", "basis": "scenario"},
        "sea.speed.ocean": {"range": [15, 15], "unit": "knots", "basis": "assumption"},
        "sea.speed.short": {"range": [10, 10], "unit": "knots", "basis": "assumption"},
    },
    "routes": {"fast": {"label": "fast (via b)", "corridors": ["test"], "countries_all": ["KAZ"]},
               "slow": {"label": "slow (via c)", "corridors": ["test"], "countries_none": ["KAZ"]}},
    "demand": [{"name": "test", "origin": "CHN", "destination": "DEU",
                "class": [{"name": "only", "teu": 25, "value_usd_teu": 10000, "time_cost_pct_day": 1.0}]}],
}


def chain_doc():
    """a → b → e → d, all in one corridor (b, e in KAZ): made-up places, 100 km each."""
    doc = synthetic_doc()
    doc["nodes"].append(_node("e", "KAZ", 1.2))
    doc["segments"] = [_seg("a-b", "a", "b", 100, countries=["CHN", "KAZ"]), _seg("b-e", "b", "e", 100, countries=["KAZ"]),
                       _seg("e-d", "e", "d", 100, countries=["KAZ", "DEU"])]
    return doc


def synthetic_doc():
    """a → b → d (b in KAZ, 100 + 100 km) and a → c → d (c in CHN, 100 + 300 km): made-up places."""
    return {
        "source": "synthetic test network",
        "nodes": [_node("a", "CHN", 0.0, "hub"), _node("b", "KAZ", 1.0), _node("c", "CHN", 1.5), _node("d", "DEU", 2.0, "hub")],
        "segments": [_seg("a-b", "a", "b", 100, countries=["CHN", "KAZ"]), _seg("b-d", "b", "d", 100, countries=["KAZ", "DEU"]),
                     _seg("a-c", "a", "c", 100, countries=["CHN"]), _seg("c-d", "c", "d", 300, countries=["CHN", "DEU"])],
        "corridors": [{"id": "test", "name": "test", "kind": "transport", "figures": []}],
        "profiles": [],
    }


@pytest.fixture
def synthetic():
    """Build a synthetic network: ``synthetic(params_changes=..., nodes={id: {...}}, segments={id: {...}})``."""
    from multivector.corridors.network import CorridorNetwork
    from multivector.corridors.parameters import parse_parameters

    def build(nodes: dict | None = None, segments: dict | None = None, demand: list | None = None, doc=None,
              shared: dict | None = None, **extra):
        raw = copy.deepcopy(SYNTHETIC_PARAMS)
        for k, rng in (shared or {}).items():
            raw["parameters"][k]["range"] = list(rng)
        if nodes:
            raw["nodes"] = nodes
        if segments:
            raw["segments"] = segments
        if demand is not None:
            raw["demand"] = demand
        raw.update(extra)
        params = parse_parameters(raw, "synthetic-parameters.toml")
        return CorridorNetwork(doc or synthetic_doc(), params, strict=True)

    return build


@pytest.fixture
def chain():
    """The document of a three-segment chain a → b → e → d (b and e in KAZ)."""
    return chain_doc()


@pytest.fixture()
def cli(capsys):
    """``cli(argv)`` runs ``multivector.cli.main`` in this process: (exit code, stdout, stderr).
    Any exception other than SystemExit escapes and fails the test (a user would have seen a traceback)."""
    from multivector.cli import main

    def run(argv):
        code = 0
        try:
            main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        cap = capsys.readouterr()
        return code, cap.out, cap.err

    return run
