"""``multivector corridors``: the JSON fields the issue names, text output, errors without tracebacks."""

from __future__ import annotations

import json
import random

import pytest

from multivector.errors import ScenarioError


def test_compare_json_has_the_routes_and_fields_of_the_interface(cli):
    code, out, err = cli(["corridors", "compare", "--from", "CHN", "--to", "DEU", "--format", "json", "--runs", "300"])
    assert code == 0, err
    d = json.loads(out)
    assert isinstance(d["routes"], list)
    names = [r["name"] for r in d["routes"]]
    assert {"northern", "middle", "sea-suez", "sea-cape"} <= set(names)
    for r in d["routes"]:
        for key in ("name", "countries", "days_p5", "days_median", "days_p95", "cost_usd_teu_p5", "cost_usd_teu_median",
                    "cost_usd_teu_p95", "cost_basis", "capacity_teu_year", "bottleneck", "reported", "status"):
            assert key in r, key
        assert isinstance(r["countries"], list) and all(len(c) == 3 for c in r["countries"])
        assert r["days_p5"] <= r["days_median"] <= r["days_p95"]
    north = next(r for r in d["routes"] if r["name"] == "northern")
    assert north["countries"][0] == "CHN" and "RUS" in north["countries"] and north["countries"][-1] == "DEU"
    assert any(f["reported_by"] for f in north["reported"])


def test_compare_text_and_output_file(cli, tmp_path):
    target = tmp_path / "cmp.json"
    code, out, err = cli(["corridors", "compare", "--from", "xian", "--to", "EU", "--runs", "200", "-o", str(target)])
    assert code == 0, err
    assert "northern" in out and "sea-suez" in out and "scenario range" in out
    assert json.loads(target.read_text())["origin"] == "xian"


def test_compare_in_a_disrupted_world_lists_the_closed_route(cli):
    code, out, err = cli(["corridors", "compare", "--from", "CHN", "--to", "DEU", "--scenario", "red-sea-closed",
                          "--runs", "200", "--format", "json"])
    assert code == 0, err
    r = {x["name"]: x for x in json.loads(out)["routes"]}
    assert r["sea-suez"]["status"] == "closed" and r["sea-suez"]["days_median"] is None
    assert r["sea-cape"]["status"] == "open"


def test_scenario_json_has_volumes_against_the_baseline_and_binding_segments(cli):
    code, out, err = cli(["corridors", "scenario", "northern-route-closed", "--format", "json", "--runs", "20"])
    assert code == 0, err
    d = json.loads(out)
    assert d["scenario"]["name"] == "northern-route-closed"
    for r in d["routes"]:
        for key in ("name", "baseline_teu", "scenario_teu", "change_teu", "change_pct", "status", "days_baseline", "days_scenario"):
            assert key in r
    assert isinstance(d["binding_segments"], list)
    assert all({"id", "baseline_binding_share", "scenario_binding_share", "scenario_scarcity_usd_teu"} <= set(b) for b in d["binding"])
    assert {"AZE", "GEO"} <= set(d["gaining_transit"])
    assert d["intent_met"] == {"northern": True, "middle": True, "sea-suez": True}


def test_scenario_from_a_file_with_text_output(cli, tmp_path):
    p = tmp_path / "mine.toml"
    p.write_text('[scenario]\nname = "kuryk-closed"\ndescription = "Kuryk closed"\n[[close]]\nnodes = ["kuryk"]\n', encoding="utf-8")
    code, out, err = cli(["corridors", "scenario", str(p), "--runs", "10"])
    assert code == 0, err
    assert "kuryk-closed" in out and "baseline" in out


def test_scenarios_lists_the_shipped_ones(cli):
    code, out, err = cli(["corridors", "scenarios", "--format", "json"])
    assert code == 0, err
    names = [s["name"] for s in json.loads(out)["scenarios"]]
    assert {"northern-route-closed", "red-sea-closed", "caspian-ferry-outage", "border-congestion-dostyk"} <= set(names)
    code, out, _ = cli(["corridors", "scenarios"])
    assert code == 0 and "caspian-ferry-outage" in out


def test_network_geojson_on_stdout(cli):
    code, out, err = cli(["corridors", "network"])
    assert code == 0, err
    g = json.loads(out)
    assert g["type"] == "FeatureCollection" and len(g["features"]) > 100


@pytest.mark.parametrize("argv, words", [
    (["corridors", "compare", "--from", "CHN", "--to", "Atlantis"], "unknown country or node 'Atlantis'"),
    (["corridors", "compare", "--from", "CHN", "--to", "DEU", "--runs", "0"], "--runs"),
    (["corridors", "compare", "--from", "CHN", "--to", "DEU", "--format", "xml"], "--format must be text or json"),
    (["corridors", "scenario", "no-such-scenario"], "no scenario file or shipped scenario named 'no-such-scenario'"),
    (["corridors", "scenario", "red-sea-closed", "--sim-out", "x.json"], "give a .toml file name"),
    (["corridors", "scenario", "red-sea-closed", "--db", "sqlite:////nonexistent/dir/x.sqlite"], "cannot read the registry network"),
])
def test_user_mistakes_exit_2_with_one_message(cli, argv, words):
    code, out, err = cli(argv)
    assert code == 2, (out, err)
    assert words in err
    assert "Traceback" not in out + err


def test_a_bad_scenario_file_exits_2(cli, tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text('[[close]]\nsegments = ["nope"]\n', encoding="utf-8")
    code, _out, err = cli(["corridors", "scenario", str(p)])
    assert code == 2 and "unknown segment 'nope'" in err and "Traceback" not in err


def test_random_scenario_tables_raise_only_scenario_errors(network):
    """Random values in every slot of a scenario table: a ScenarioError or a valid scenario, nothing else."""
    from multivector.corridors.scenario import scenario_from_dict

    rng = random.Random(11)
    leaves = [0, -1, 10**30, 1e308, float("nan"), float("inf"), 0.5, True, "", "KAZ", "[/bold]", [], [3, 1],
              [1, 2, 3], {}, ["dostyk"], ["RUS"], "babalmandab", ["xian", 5]]
    keys = {"close": ["segments", "nodes", "countries", "passages", "routes", "between", "label", "oops"],
            "change": ["segments", "nodes", "extra_days", "days_pct", "capacity_pct", "capacity_teu", "cost_pct", "oops"],
            "open": ["segments", "label"], "scenario": ["name", "description", "intent"], "parameters": ["sea.speed.ocean", "x"]}
    for _ in range(300):
        raw: dict = {}
        for table, ks in keys.items():
            if rng.random() < 0.5:
                t = {k: rng.choice(leaves) for k in rng.sample(ks, rng.randint(1, min(3, len(ks))))}
                raw[table] = [t] if table in ("close", "change", "open") and rng.random() < 0.8 else t
        try:
            scenario_from_dict(raw, "<fuzz>", network)
        except ScenarioError:
            pass
