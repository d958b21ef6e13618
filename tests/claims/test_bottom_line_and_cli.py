"""The bottom line (per claim: reading, design, uncertainty, what would change it) and the
`multivector claims` command, on the real data and on a user's file."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from multivector.claims.bottom_line import bottom_line
from multivector.claims.synthetic import synthetic_long_panel


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


def test_bottom_line_for_kazakhstan_has_every_claim_with_what_a_reader_needs(project):
    bl = bottom_line("KAZ", data=project, focus="CHN", others="RUS,USA,EU,TUR", n_placebo=500)
    kinds = [c["claim"] for c in bl.claims]
    assert kinds == ["additive", "shift", "dependence"]
    for c in bl.claims:
        for k in ("title", "reading", "summary", "design", "uncertainty", "what_would_change"):
            assert isinstance(c[k], str) and c[k]
    add = bl.claims[0]
    assert add["reading"] in ("additive", "subtractive", "no evidence either way", "not testable", "mixed")
    assert "other partners" in add["uncertainty"] or "no placebo" in add["uncertainty"]
    assert json.dumps(bl.to_dict())  # JSON-safe
    assert "What would change it" in bl.text()


def test_bottom_line_on_a_users_frame_skips_dependence():
    lp, truth = synthetic_long_panel(effect=0.5, loading=0.0, seed=3, n_countries=25, n_partners=25)
    bl = bottom_line("MID", data=lp, focus="FOC", others=truth["others"], n_placebo=300)
    assert [c["claim"] for c in bl.claims] == ["additive", "shift"]


def test_cli_additive_json_has_the_interface_fields(runner, project):
    from multivector.cli import app

    res = runner.invoke(app, ["claims", "additive", "KAZ", "--focus", "CHN", "--others", "RUS,USA,EU,TUR",
                              "--format", "json", "--placebo", "300", "--channels", "diplomatic,institutions"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d["claim"] == "additive" and d["country"] == "KAZ"
    overall = [r for r in d["results"] if r["design"] == "overall"]
    assert sorted(r["channel"] for r in overall) == ["diplomatic", "institutions"]
    assert d["sensitivity"] and {"channel", "reading", "reading_alternative", "changed"} <= set(d["sensitivity"][0])


def test_cli_shift_and_dependence_json(runner, project):
    from multivector.cli import app

    res = runner.invoke(app, ["claims", "shift", "KAZ", "--partner", "CHN", "--dates", "2013,2014,2022",
                              "--format", "json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert {r["partner"] for r in d["results"]} == {"CHN"}
    assert all([x["date"][:4] for x in r["dates"]] == ["2013", "2014", "2022"] for r in d["results"])
    res = runner.invoke(app, ["claims", "dependence", "KAZ", "--format", "json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d["claim"] == "dependence" and all("verdict" in r for r in d["results"])


def test_cli_all_claims_as_text(runner, project):
    from multivector.cli import app

    res = runner.invoke(app, ["claims", "KAZ", "--placebo", "200"])
    assert res.exit_code == 0, res.output
    assert "What the evidence says" in res.output and "additive" in res.output
    assert "What would change it" in res.output or "what would change it" in res.output


def test_cli_on_a_users_file_and_its_errors(runner, tmp_path):
    from multivector.cli import main

    lp, truth = synthetic_long_panel(effect=-0.5, loading=1.0, seed=5, n_countries=20, n_partners=20)
    f = tmp_path / "mine.parquet"
    lp.long().drop("measure").write_parquet(f)
    from multivector.cli import app

    res = runner.invoke(app, ["claims", "additive", "MID", "--focus", "FOC", "--others", ",".join(truth["others"]),
                              "--panel", str(f), "--format", "json", "--placebo", "200"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["results"]
    bad = tmp_path / "bad.csv"
    bad.write_text("country,partner,year,channel,value\nKAZ,CHN,2010,economy,1\nKAZ,RUS,2010,economy,lots\n")
    with pytest.raises(SystemExit) as e:
        main(["claims", "additive", "KAZ", "--panel", str(bad)])
    assert e.value.code == 2


def test_cli_bad_file_message_names_file_line_and_field(tmp_path, capsys):
    from multivector.cli import main

    bad = tmp_path / "bad.csv"
    bad.write_text("country,partner,year,channel,value\nKAZ,CHN,2010,economy,1\nKAZ,RUS,2010,economy,lots\n")
    with pytest.raises(SystemExit):
        main(["claims", "KAZ", "--panel", str(bad)])
    err = capsys.readouterr().err
    assert "bad.csv" in err and "line 3" in err and "value" in err and "Traceback" not in err


def test_cli_usage_errors(capsys):
    from multivector.cli import main

    with pytest.raises(SystemExit) as e:
        main(["claims", "additive"])
    assert e.value.code == 2 and "name the country" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["claims", "KAZ", "--format", "xml"])
    assert e.value.code == 2
