"""The ``multivector simulate`` commands, run through the real entry point."""

from __future__ import annotations

import json

import polars as pl

from multivector.cli import main


def run(argv, capsys):
    code = 0
    try:
        main(argv)
    except SystemExit as exc:
        code = exc.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


def test_bare_scenario_name_runs_writes_results_and_a_fan_chart(tmp_path, capsys):
    out = tmp_path / "results.parquet"
    code, stdout, _ = run(["simulate", "baseline", "--uncalibrated", "--runs", "40", "--years", "5", "--seed", "7", "-o", str(out)], capsys)
    assert code == 0
    assert "baseline" in stdout and "balance" in stdout and "neutral start" in stdout
    df = pl.read_parquet(out)
    assert df.height == 40 * 6 * 5
    html = (tmp_path / "results.html").read_text()
    assert "plotly" in html.lower() and len(html) > 1_000_000  # plotly.js inlined: opens offline
    assert (tmp_path / "results.params.parquet").exists()


def test_scenario_file_path_and_run_subcommand_give_the_same_numbers(tmp_path, capsys):
    from multivector.sim.scenario import shipped_scenario_path

    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    path = str(shipped_scenario_path("china-coercive"))
    run(["simulate", path, "--uncalibrated", "-n", "20", "-y", "3", "-s", "1", "-o", str(a), "--no-chart"], capsys)
    run(["simulate", "run", "china-coercive", "--uncalibrated", "-n", "20", "-y", "3", "-s", "1", "-o", str(b), "--no-chart"], capsys)
    assert pl.read_parquet(a).equals(pl.read_parquet(b))
    assert not (tmp_path / "a.html").exists()


def test_compare_shows_scenarios_side_by_side(tmp_path, capsys):
    out = tmp_path / "cmp.csv"
    code, stdout, _ = run(["simulate", "compare", "baseline", "china-coercive", "--uncalibrated", "-n", "50", "-y", "10", "-o", str(out)], capsys)
    assert code == 0
    assert "baseline" in stdout and "china-coercive" in stdout and "engagement" in stdout
    assert pl.read_csv(out)["scenario"].n_unique() == 2
    assert (tmp_path / "cmp.html").exists()


def test_invalid_scenario_file_exits_2_with_the_key_and_allowed_values(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[powers.CHN]\nrespekt = 0.5\n")
    code, _, err = run(["simulate", str(bad), "--uncalibrated"], capsys)
    assert code == 2
    assert "powers.CHN.respekt" in err.replace("\n", "") or "respekt" in err
    assert "consistency" in err and "Traceback" not in err


def test_unknown_shipped_name_exits_2(capsys):
    code, _, err = run(["simulate", "no-such-scenario", "--uncalibrated"], capsys)
    assert code == 2 and "shipped scenarios" in err


def test_explain_and_sensitivity_and_scenarios_commands(capsys):
    code, stdout, _ = run(["simulate", "explain", "china-coercive", "--uncalibrated", "-n", "60", "-y", "10", "--outcome", "engagement:CHN",
                           "--permutations", "2"], capsys)
    assert code == 0 and "constructivist.trust_engagement" in stdout and "Shapley" in stdout
    code, stdout, _ = run(["simulate", "sensitivity", "china-coercive", "--uncalibrated", "-N", "8", "--method", "morris", "--outcome", "trust:CHN"], capsys)
    assert code == 0 and "mu_star" in stdout
    code, stdout, _ = run(["simulate", "scenarios"], capsys)
    assert code == 0 and "northern-route-closed" in stdout


def test_help_mentions_the_short_form(capsys):
    code, stdout, _ = run(["simulate", "--help"], capsys)
    assert code == 0 and "simulate run SCENARIO" in stdout and "compare" in stdout


def test_calibrated_run_for_kazakhstan_from_the_panel(tmp_path, capsys):
    code, stdout, err = run(["simulate", "baseline", "--country", "KAZ", "-n", "30", "-y", "5"], capsys)
    assert code == 0 and "calibrated from the panel" in stdout and "KAZ" in stdout


def test_options_before_the_scenario_also_run(tmp_path, capsys):
    code, stdout, _ = run(["simulate", "--uncalibrated", "-n", "10", "-y", "2", "russia-pressure"], capsys)
    assert code == 0 and "russia-pressure" in stdout


def test_without_output_the_chart_is_written_and_its_path_printed(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MULTIVECTOR_HOME", str(tmp_path))
    code, stdout, _ = run(["simulate", "china-coercive", "--uncalibrated", "-n", "20", "-y", "3"], capsys)
    assert code == 0
    (path,) = (tmp_path / "charts").glob("china-coercive-*.html")
    assert str(path) in stdout.replace("\n", "")
    html = path.read_text()
    for text in ("threat perception (0–1)", "GDP (share)", "year 0: neutral start", "#c8102e", "dot"):
        # plotly writes the figure's JSON with orjson when it is installed (UTF-8) and with the
        # standard json module otherwise (non-ASCII escaped, "0\u20131"): either spelling is the text
        assert text in html or json.dumps(text)[1:-1] in html, text


def test_the_c5_run_together_from_the_command_line(capsys):
    code, stdout, _ = run(["simulate", "c5-coordination", "--country", "KAZ,KGZ,TJK,TKM,UZB", "--uncalibrated", "-n", "20", "-y", "3", "--no-chart"], capsys)
    assert code == 0
    for c in ("KAZ", "KGZ", "TJK", "TKM", "UZB"):
        assert f"{c}: start" in stdout


def test_an_unknown_country_names_the_option_and_the_allowed_values(capsys):
    code, _, err = run(["simulate", "baseline", "--country", "KAZ,XYZ", "-n", "5", "-y", "2", "--no-chart"], capsys)
    assert code == 2 and "XYZ" in err and "--country" in err and "ISO3" in err and "Traceback" not in err


def test_an_unknown_country_in_a_scenario_file_names_the_key(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nextends = "baseline"\ncountries = ["KAZ", "KAZZ"]\n')
    code, _, err = run(["simulate", str(bad), "-n", "5", "-y", "2", "--no-chart"], capsys)
    assert code == 2 and "scenario.countries" in err and "KAZZ" in err


def test_a_calibrated_run_lists_its_start_values_with_sources(capsys):
    code, stdout, _ = run(["simulate", "baseline", "--country", "KAZ", "-n", "20", "-y", "2", "--no-chart"], capsys)
    out = stdout.replace("\n", " ")
    assert code == 0 and "year-0 values" in out and "Voeten" in out and "n = " in out
    assert "too little evidence" in out  # Turkey's one GDELT event: flagged, not used
