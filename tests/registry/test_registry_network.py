"""The loop-in rule on networks built by these tests (labelled as such) and on the shipped seed."""

from __future__ import annotations

import pytest

from multivector.registry.network import Graph, NodeInfo, Profile, SegmentInfo, connected_states, great_circle_km

# -- a small test network (invented for the test, not data) -------------------------------------
#
#   A1 (AAA) --rail 1435-- B1 (BBB) --rail 1520-- B2 (BBB) --rail 1520-- C1 (CCC) --rail 1520-- D1 (DDD)
#                           |                                   |
#                           +------ road ------- E1 (EEE)       +-- ferry -- F1 (FFF) -- rail 1520 -- F2 (FFF)
#   B2 --power-- C1 (power line, grid zones differ)
#   cycle: B2 --rail-- C2 (CCC) --rail-- C1

PROFILES = {
    "AAA": Profile("AAA", "A", "AAA", "grid-x", 1435, "ctcs"),
    "BBB": Profile("BBB", "B", "UNION", "grid-y", 1520, "alsn-1520"),
    "CCC": Profile("CCC", "C", "UNION", "grid-y", 1520, "alsn-1520"),
    "DDD": Profile("DDD", "D", "DDD", "grid-z", 1520, "alsn-1520"),
    "EEE": Profile("EEE", "E", "EEE", None, 1520, "alsn-1520"),
    "FFF": Profile("FFF", "F", "FFF", None, 1520, "alsn-1520"),
}


def toy_graph() -> Graph:
    nodes = {n: NodeInfo(n, n, c, 0.0, 0.0) for n, c in (
        ("a1", "AAA"), ("b1", "BBB"), ("b2", "BBB"), ("c1", "CCC"), ("c2", "CCC"), ("d1", "DDD"), ("e1", "EEE"),
        ("f1", "FFF"), ("f2", "FFF"))}

    def seg(sid, a, b, mode, gauge=None, corridors=(), signalling=None):
        return SegmentInfo(sid, a, b, mode, gauge, signalling,
                           tuple(sorted({nodes[a].country, nodes[b].country})), tuple(corridors))

    segs = [
        seg("a1-b1", "a1", "b1", "rail", 1435, ("east-west",), "ctcs"),
        seg("b1-b2", "b1", "b2", "rail", 1520, ("east-west",)),
        seg("b2-c1", "b2", "c1", "rail", 1520, ("east-west",)),
        seg("c1-d1", "c1", "d1", "rail", 1520, ("east-west",)),
        seg("b1-e1", "b1", "e1", "road"),
        seg("c1-f1", "c1", "f1", "ferry"),
        seg("f1-f2", "f1", "f2", "rail", 1520),
        seg("b2-c1-power", "b2", "c1", "power"),
        seg("b2-c2", "b2", "c2", "rail", 1520),
        seg("c2-c1", "c2", "c1", "rail", 1520),
    ]
    return Graph(nodes, {s.id: s for s in segs}, PROFILES)


def kinds(conn) -> set[str]:
    return {i["kind"] for i in conn.issues}


def test_states_within_hops_are_connected_and_own_states_are_not():
    g = toy_graph()
    out = connected_states(g, ["a1-b1"], own={"AAA"}, hops=2)
    assert set(out) == {"BBB", "CCC", "EEE", "DDD"}
    assert out["BBB"].kind == "crosses" and out["BBB"].hops == 0
    assert out["CCC"].kind == "network" and out["CCC"].hops == 2
    assert out["CCC"].path == ["a1-b1", "b1-b2", "b2-c1"]
    assert out["EEE"].kind == "network" and out["EEE"].hops == 1
    assert out["DDD"].kind == "corridor"  # 3 segments away, but on the same corridor


def test_hops_bound_the_reach_and_zero_hops_keeps_only_crossed_states():
    g = toy_graph()  # f1-f2 lies on no corridor
    assert connected_states(g, ["f1-f2"], own={"FFF"}, hops=0) == {}
    assert set(connected_states(g, ["f1-f2"], own={"FFF"}, hops=1)) == {"CCC"}
    two = connected_states(g, ["f1-f2"], own={"FFF"}, hops=2)
    assert set(two) == {"CCC", "DDD", "BBB"} and two["DDD"].hops == 2 and two["BBB"].hops == 2
    assert "EEE" not in connected_states(g, ["f1-f2"], own={"FFF"}, hops=3)
    assert connected_states(g, ["f1-f2"], own={"FFF"}, hops=4)["EEE"].hops == 4


def test_cycles_terminate_and_take_the_shortest_chain():
    g = toy_graph()
    out = connected_states(g, ["a1-b1"], own={"AAA"}, hops=10)
    assert out["DDD"].path == ["a1-b1", "b1-b2", "b2-c1", "c1-d1"]


def test_a_railway_reaches_by_rail_before_road():
    g = toy_graph()
    out = connected_states(g, ["b1-b2"], own={"BBB"}, hops=3)
    # EEE is reachable only by road: still connected (same transport family), but FFF by rail ferry
    assert out["EEE"].path == ["b1-b2", "b1-e1"]
    assert out["FFF"].path == ["b1-b2", "b2-c1", "c1-f1"]


def test_gauge_break_and_signalling_are_named_where_they_happen():
    g = toy_graph()
    out = connected_states(g, ["a1-b1"], own={"AAA"}, hops=3)
    issues = {(i["kind"], i["at"]) for i in out["DDD"].issues}
    assert ("gauge_break", "b1") in issues
    assert ("signalling", "b1") in issues


def test_customs_border_only_where_customs_territories_differ():
    g = toy_graph()
    out = connected_states(g, ["c1-d1"], own={"DDD"}, hops=1)
    assert "customs_border" in kinds(out["CCC"])  # DDD -> UNION
    inside = connected_states(g, ["b2-c1"], own={"BBB"}, hops=0)
    assert "customs_border" not in kinds(inside["CCC"])  # BBB and CCC share the union


def test_a_rail_ferry_does_not_hide_a_gauge_change_and_a_road_breaks_the_rail_chain():
    g = toy_graph()
    # a1-b1 (1435) ... c1-f1 ferry ... f1-f2 (1520): the break is at b1, not across the ferry
    out = connected_states(g, ["f1-f2"], own={"FFF"}, hops=4)
    assert not any(i["kind"] == "gauge_break" for i in out["CCC"].issues)


def test_power_lines_connect_only_power_lines_and_report_grid_zones():
    g = toy_graph()
    out = connected_states(g, ["b2-c1-power"], own={"BBB"}, hops=3)
    assert set(out) == {"CCC"}  # no other power line: rail neighbours are another network
    out2 = connected_states(g, ["b2-c1-power"], own=set(), hops=3)
    assert not any(i["kind"] == "grid_synchronisation" for i in out2["CCC"].issues)  # both grid-y


def test_the_same_corridor_connects_however_far():
    g = toy_graph()
    out = connected_states(g, ["c1-d1"], own={"DDD"}, hops=0)
    assert out["AAA"].kind == "corridor" and out["AAA"].corridors == ["east-west"]
    assert "gauge_break" in kinds(out["AAA"])


def test_members_filter_and_unknown_segments():
    g = toy_graph()
    assert set(connected_states(g, ["a1-b1"], own=set(), hops=3, members={"DDD"})) == {"DDD"}
    assert connected_states(g, ["no-such"], own=set()) == {}


def test_great_circle_distance_matches_a_known_value():
    # Astana (51.17 N, 71.45 E) to Almaty (43.24 N, 76.95 E): about 970 km
    assert great_circle_km(51.17, 71.45, 43.24, 76.95) == pytest.approx(970, rel=0.02)
    assert great_circle_km(10, 10, 10, 10) == 0


# -- the shipped seed -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_graph():
    from multivector.registry.seed import seed_document

    doc = seed_document()
    nodes = {n["id"]: NodeInfo(n["id"], n["name"], n["country"], n["lat"], n["lon"]) for n in doc["nodes"]}
    segs = {s["id"]: SegmentInfo(s["id"], s["from_node"], s["to_node"], s["mode"], s["gauge_mm"], s["signalling"],
                                 tuple(s["countries"]), tuple(s["corridors"])) for s in doc["segments"]}
    profiles = {p["iso3"]: Profile(p["iso3"], p["name"], p["customs_zone"], p["grid_zone"], p["rail_gauge_mm"],
                                   p["rail_signalling"]) for p in doc["profiles"]}
    return Graph(nodes, segs, profiles), doc


def test_the_issues_own_example_kyrgyz_uzbek_railway_with_china_loops_in_kazakhstan_and_turkmenistan(seed_graph):
    g, doc = seed_graph
    members = {m["iso3"] for m in doc["members"]}
    cku = ["kashgar-torugart", "torugart-makmal", "makmal-jalal-abad", "jalal-abad-andijan"]
    out = connected_states(g, cku, own={"CHN", "KGZ", "UZB"}, hops=3, members=members)
    assert set(out) == {"KAZ", "TKM"}
    assert any(i["kind"] == "gauge_break" and i["at"] == "Makmal" for i in out["KAZ"].issues)
    assert any(i["kind"] == "customs_border" for i in out["KAZ"].issues)


def test_seed_network_has_the_named_nodes_gauges_and_both_china_europe_routes(seed_graph):
    import networkx as nx

    g, doc = seed_graph
    for node in ("khorgos-cn", "dostyk", "altynkol", "aktau", "kuryk", "alat", "turkmenbashi", "duisburg", "kars"):
        assert node in g.nodes
    rail = [s for s in g.segments.values() if s.mode == "rail"]
    assert {s.gauge_mm for s in rail} == {1435, 1520}
    assert all(s.gauge_mm for s in rail)

    def route_graph(corridor):
        G = nx.Graph()
        for s in g.segments.values():
            if corridor in s.corridors:
                G.add_edge(s.a, s.b)
        return G

    northern, middle = route_graph("northern"), route_graph("middle")
    via_kazakhstan = northern.subgraph([n for n in northern if g.nodes[n].country not in ("MNG",)
                                        and n not in ("manzhouli", "zabaykalsk")])
    path = nx.shortest_path(via_kazakhstan, "xian", "duisburg")
    assert {g.nodes[n].country for n in path} >= {"CHN", "KAZ", "RUS", "BLR", "POL", "DEU"}
    path = nx.shortest_path(middle, "xian", "kars")
    assert {g.nodes[n].country for n in path} >= {"CHN", "KAZ", "AZE", "GEO", "TUR"}
    # alternative routes make cycles: Dostyk and Khorgos are two ways into Kazakhstan
    assert nx.cycle_basis(northern)
    for n in doc["nodes"]:
        assert -90 <= n["lat"] <= 90 and -180 <= n["lon"] <= 180 and n["source_urls"]


def test_every_seed_record_cites_a_source_and_every_timeline_line_is_accounted_for(seed_graph):
    _, doc = seed_graph
    for section in ("summits", "documents", "commitments", "projects", "nodes", "segments", "formats"):
        for r in doc[section]:
            assert r["source_urls"], (section, r.get("id"))
            assert all(u.startswith("http") for u in r["source_urls"])
    lines = {p["line"] for p in doc["provenance"] if p["source"] == "facts/timeline.csv"}
    # timeline.csv has 90 data rows (lines 2–91); merged lines are recorded with their record
    assert len(lines) >= 80
    assert {p["line"] for p in doc["provenance"] if p.get("skipped")} == {2, 47, 50, 56, 82}
    aiddata = [p for p in doc["projects"] if p["aiddata_ids"]]
    assert aiddata and all(p["type"] == "unclassified" and p["financing"] == [] for p in aiddata)
    assert {c for p in aiddata for c in p["countries"]} <= {"KAZ", "KGZ", "TJK", "TKM", "UZB"}


def test_seed_is_rebuilt_identically_from_the_shared_data(shared_data):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, str(root / "data-raw" / "build_registry_seed.py"), "--shared",
                           str(shared_data), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
