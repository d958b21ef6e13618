"""Scenario files the simulator reads: every bad file is one message naming the file and the key."""

from __future__ import annotations

import pytest

from multivector.errors import ScenarioError
from multivector.sim.scenario import load_scenario, scenario_from_dict

BAD_FILES: list[tuple[str, bytes, list[str]]] = [
    ("latin1", "[scenario]\ndescription = \"Kazakhstan \xe9t\xe9\"\n".encode("latin-1"), ["not UTF-8", "line 2", "0xe9"]),
    ("utf16", "[scenario]\nname = \"x\"\n".encode("utf-16"), ["not UTF-8", "line 1"]),
    ("binary", bytes(range(256)), ["not UTF-8"]),
    ("nul", b"[scenario]\nname = \"a\x00b\"\n", ["not valid TOML"]),
    ("parameters-not-table", b"parameters = 5\n", ["'parameters' must be a table", "forgetting"]),
    ("powers-not-table", b"powers = \"CHN\"\n", ["'powers' must be a table"]),
    ("power-not-table", b"[powers]\nCHN = 0.5\n", ["'powers.CHN' must be a table"]),
    ("mechanisms-list", b"mechanisms = [1, 2]\n", ["'mechanisms' must be a table"]),
    ("rivalry-not-table", b"rivalry = 0.3\n", ["'rivalry' must be a table"]),
    ("initial-not-table", b"initial = true\n", ["'initial' must be a table"]),
    ("initial-partner-not-table", b"[initial]\nCHN = 0.4\n", ["'initial.CHN' must be a table"]),
    ("lenses-not-table", b"lenses = \"realist\"\n", ["'lenses' must be a table"]),
    ("scenario-not-table", b"scenario = 3\n", ["'scenario' must be a table"]),
    ("shock-not-table", b"shock = 5\n", ["'shock' must be one or more [[shock]] tables"]),
    ("huge-int", b"[parameters]\nforgetting = 100000000000000000000000000000000000000000000000000\n", ["forgetting", "out of range"]),
    ("huge-negative", b"[parameters]\nforgetting = -9223372036854775809\n", ["forgetting", "out of range"]),
    ("inf", b"[parameters]\nforgetting = inf\n", ["forgetting", "out of range"]),
    ("nan", b"[parameters]\nforgetting = nan\n", ["forgetting", "out of range"]),
    ("nan-range", b"[parameters]\nforgetting = [nan, 0.9]\n", ["forgetting", "out of range"]),
    ("huge-years", b"[scenario]\nyears = 99999999999999999999\n", ["scenario.years", "[1, 500]"]),
    ("years-float", b"[scenario]\nyears = 1e300\n", ["scenario.years"]),
    ("huge-shock-year", b"[[shock]]\nyear = 9223372036854775807\nset = { forgetting = 0.5 }\n", ["shock[1].year"]),
    ("huge-duration", b"[[shock]]\nyear = 2\nduration = 1e400\nset = { forgetting = 0.5 }\n", ["shock[1].duration"]),
    ("empty-country", b"[scenario]\ncountry = []\n", ["scenario.country", "empty"]),
    ("description-table", b"[scenario]\ndescription = { a = 1 }\n", ["scenario.description"]),
    ("extends-missing", b"[scenario]\nextends = \"no-such\"\n", ["no shipped scenario"]),
    ("extends-empty", b"[scenario]\nextends = \"\"\n", ["no scenario given"]),
    ("extends-long", ("[scenario]\nextends = \"" + "a/" * 3000 + "x.toml\"\n").encode(), ["scenario"]),
    ("long-value", ("[parameters]\nforgetting = \"" + "x" * 5000 + "\"\n").encode(), ["forgetting", "…"]),
]


@pytest.mark.parametrize(("name", "content", "names"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_scenario_file_is_one_message(cli, tmp_path, name, content, names):
    path = tmp_path / f"{name}.toml"
    path.write_bytes(content)
    res = cli(["simulate", str(path), "--uncalibrated", "-n", "5", "-y", "3"])
    assert res.code == 2, res.text
    assert "Traceback" not in res.text and res.err.startswith("error: ")
    msg = " ".join(res.err.split())
    for n in names:
        assert n in msg, f"{n!r} not in {msg!r}"
    assert len(msg) < 1200  # long values are cut short in messages


def test_a_folder_or_an_unreadable_name_as_scenario(tmp_path):
    with pytest.raises(ScenarioError, match="is a folder"):
        load_scenario(tmp_path)
    with pytest.raises(ScenarioError, match="NUL"):
        load_scenario("bad\x00name")
    with pytest.raises(ScenarioError, match="no scenario given"):
        load_scenario("  ")


@pytest.mark.parametrize("raw", [5, [1, 2], {"scenario": 3}, {"scenario": {"extends": 5}}, {"parameters": []},
                                 {"powers": {"CHN": [1]}}, {"initial": {"CHN": "x"}}])
def test_scenario_from_dict_refuses_shapes_it_cannot_read(raw):
    with pytest.raises(ScenarioError):
        scenario_from_dict(raw)


def test_the_500_year_cap_is_the_same_for_files_the_api_and_the_cli(cli):
    from multivector.sim.ensemble import run_ensemble
    from multivector.sim.scenario import MAX_YEARS

    assert MAX_YEARS == 500
    with pytest.raises(ScenarioError, match=r"\[1, 500\]"):
        scenario_from_dict({"scenario": {"years": 501}})
    with pytest.raises(ScenarioError, match=r"\[1, 500\]"):
        run_ensemble("baseline", runs=2, years=501, calibrate=False)
    assert "from 1 to 500" in cli(["simulate", "baseline", "-y", "501"]).err
    assert cli(["simulate", "baseline", "--uncalibrated", "-n", "3", "-y", "500"]).code == 0


def test_negative_seed_and_empty_country_in_the_api():
    from multivector.sim.ensemble import run_ensemble

    with pytest.raises(ScenarioError, match="seed"):
        run_ensemble("baseline", runs=2, years=2, seed=-1, calibrate=False)
    with pytest.raises(ScenarioError, match="no middle power"):
        run_ensemble("baseline", "", runs=2, years=2)
