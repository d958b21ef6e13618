"""Every command-line mistake: one clear message that names the bad thing, a non-zero exit, no traceback."""

from __future__ import annotations

import pytest

from tests.cli.conftest import run_process

# (argv, what the message must name). "{tmp}" is replaced by a fresh temporary folder.
BAD_INVOCATIONS: list[tuple[list[str], list[str]]] = [
    # missing arguments, unknown options and commands
    (["simulate", "explain"], ["Missing argument", "SCENARIO"]),
    (["simulate", "run"], ["Missing argument", "SCENARIO"]),
    (["report"], ["Missing argument", "COUNTRY"]),
    (["index", "balance"], ["Missing argument", "COUNTRY"]),
    (["--bogus"], ["--bogus"]),
    (["report", "KAZ", "--bogus"], ["--bogus"]),
    (["simulate", "baseline", "--bogus"], ["--bogus"]),
    (["bogus"], ["No such command", "bogus"]),
    (["reprot", "KAZ"], ["reprot", "report"]),
    (["data", "bogus"], ["bogus"]),
    (["index", "bogus", "KAZ"], ["bogus"]),
    # numbers out of range
    (["simulate", "baseline", "--runs", "0"], ["--runs", "at least 1", "got 0"]),
    (["simulate", "baseline", "--runs", "-5"], ["--runs", "-5"]),
    (["simulate", "baseline", "-n", "abc"], ["--runs", "abc"]),
    (["simulate", "baseline", "--seed", "-1"], ["--seed", "-1"]),
    (["simulate", "baseline", "--years", "0"], ["--years", "from 1 to 500"]),
    (["simulate", "baseline", "--years", "501"], ["--years", "from 1 to 500", "501"]),
    (["simulate", "baseline", "--years", "100000"], ["--years", "500"]),
    (["simulate", "explain", "china-coercive", "--top", "0"], ["--top"]),
    (["simulate", "sensitivity", "china-coercive", "-N", "0"], ["-N", "at least 1"]),
    (["simulate", "sensitivity", "china-coercive", "-N", "1e7"], ["N = 10,000,000", "memory"]),  # 1e7 is read as 10,000,000
    (["simulate", "sensitivity", "china-coercive", "-N", "1.5"], ["-N", "whole number", "1.5"]),
    (["country", "KAZ", "--year", "99999"], ["--year", "99999"]),
    (["data", "rebuild", "--from", "{tmp}", "--jobs", "0"], ["--jobs"]),
    # countries, partners, groups
    (["simulate", "baseline", "-c", ""], ["--country", "empty"]),
    (["simulate", "baseline", "-c", ","], ["--country", "empty"]),
    (["simulate", "baseline", "-c", "Narnia"], ["Narnia"]),
    (["simulate", "baseline", "-c", "EU", "--uncalibrated"], ["'EU' is a group", "DEU"]),
    (["report", "Narnia"], ["unknown country", "Narnia"]),
    (["report", ""], ["COUNTRY is empty"]),
    (["report", "EU"], ["report is for one state", "'EU' is a group", "European Union", "DEU", "FRA"]),
    (["report", "C5"], ["report is for one state", "KAZ", "UZB"]),
    (["index", "alignment", "EU"], ["'EU' is a group"]),
    (["index", "dependence", "C5"], ["'C5' is a group"]),
    (["report", "KAZ", "--partners", ""], ["--partners", "empty"]),
    (["report", "KAZ", "--partners", ",,"], ["--partners", "empty"]),
    (["report", "KAZ", "--partners", "CHN,Narnia"], ["--partners", "Narnia"]),
    (["panel", "KAZ", "--partners", ",,"], ["--partners", "empty"]),
    (["panel", "KAZ", "--partners", "XQZ"], ["--partners", "XQZ"]),
    (["panel", ""], ["COUNTRIES is empty"]),
    (["panel", "KAZ", "--undirected", "-p", "EU,CHN"], ["--undirected", "EU"]),
    (["report", "KAZ", "--focus", "JPN"], ["--focus", "JPN"]),
    (["report", "KAZ", "--focus", ""], ["--focus", "empty"]),
    (["country", "Narnia"], ["Narnia"]),
    # years
    (["panel", "KAZ", "--years", "19x2"], ["--years", "19x2"]),
    (["panel", "KAZ", "--years", "2019-1992"], ["--years", "first year comes after the last", "1992-2019"]),
    (["panel", "KAZ", "--years", "1700-1800"], ["--years", "1816"]),
    (["report", "KAZ", "--years", "2019-9999"], ["--years", "9999"]),
    (["report", "KAZ", "--years", "1992-"], ["--years", "1992-"]),
    (["index", "balance", "KAZ", "--years", ""], ["--years"]),
    # choices and verbs
    (["simulate", "sensitivity", "china-coercive", "--method", "fast"], ["--method", "fast"]),
    (["simulate", "baseline", "--backend", "spark"], ["--backend", "spark"]),
    (["simulate", "baseline", "--scheduler", ""], ["--scheduler", "empty"]),
    (["simulate", "explain", "china-coercive", "--outcome", "bogus"], ["--outcome", "bogus", "balance"]),
    (["simulate", "explain", "china-coercive", "--outcome", "trust:JPN"], ["--outcome", "trust:JPN", "CHN"]),
    (["simulate", "compare", "baseline"], ["two or more scenarios"]),
    (["panel", "KAZ", "--add", "bogus"], ["--add", "bogus", "un_votes"]),
    (["cite", "bogus"], ["unknown source", "bogus"]),
    (["cite", "--format", "xml"], ["--format", "xml"]),
    (["data", "import", "nosuchsource", "{tmp}/x.csv"], ["unknown source", "nosuchsource"]),
    (["data", "import", "atop", "/no/such/file.csv"], ["no such file"]),
    # scenarios
    (["simulate", ""], ["SCENARIO is empty", "baseline"]),
    (["simulate", "{tmp}"], ["is a folder"]),
    (["simulate", "no-such-scenario"], ["no shipped scenario", "baseline"]),
    (["simulate", "{tmp}/missing.toml"], ["does not exist"]),
    (["simulate", "explain", "china-coercive", "-r", ""], ["--reference is empty"]),
    # output paths and formats
    (["report", "KAZ", "-o", ""], ["-o is empty"]),
    (["report", "KAZ", "-o", "{tmp}/r.xlsx"], [".xlsx", ".html", ".pdf"]),
    (["report", "KAZ", "-o", "{tmp}/report"], ["without an extension", ".html"]),
    (["panel", "KAZ", "-o", "{tmp}/x.xlsx"], [".xlsx", ".parquet", ".csv"]),
    (["index", "balance", "KAZ", "-o", "{tmp}/x.txt"], [".txt", ".csv"]),
    (["simulate", "baseline", "-o", "{tmp}/r.txt"], [".txt", ".parquet", ".csv", ".json"]),
    (["simulate", "compare", "baseline", "china-coercive", "-o", "{tmp}/c.html"], [".html", ".csv"]),
    (["simulate", "sensitivity", "china-coercive", "-o", "{tmp}/s.xlsx"], [".xlsx"]),
    (["report", "KAZ", "-o", "/nonexistent-mv/x.html"], ["/nonexistent-mv", "does not exist"]),
    (["report", "KAZ", "-o", "{tmp}/missing/"], ["missing", "does not exist"]),
    (["report", "KAZ", "-o", "/etc/hostname/x.html"], ["/etc/hostname", "not a folder"]),
    (["panel", "KAZ", "-o", "{tmp}"], ["is a folder", "panel.parquet"]),
    (["index", "balance", "KAZ", "-o", "{tmp}/"], ["is a folder"]),
    (["simulate", "baseline", "-o", "{tmp}"], ["is a folder"]),
    # resources
    (["simulate", "baseline", "--runs", "1000000", "--years", "500"], ["1,000,000 runs × 500 years", "GB", "fewer runs"]),
    (["simulate", "baseline", "--runs", "99999999999999999999999999", "--uncalibrated"], ["runs", "memory"]),
    (["simulate", "compare", "baseline", "china-coercive", "-n", "2000000", "-y", "300", "--uncalibrated"], ["2 ensembles", "memory"]),
    (["simulate", "sensitivity", "china-coercive", "-N", "10000000", "--uncalibrated"], ["N = 10,000,000", "memory", "-N"]),
    # markup in what the user typed: shown as typed, never a crash
    (["report", "[/bold]"], ["[/bold]"]),
    (["report", "KAZ", "-o", "{tmp}/[/bold]/x.html"], ["[/bold]"]),
    (["simulate", "{tmp}/[/bold].toml"], ["[/bold].toml"]),
    (["panel", "KAZ", "--partners", "[red]x[/red]"], ["[red]x[/red]"]),
]


@pytest.mark.parametrize(("argv", "names"), BAD_INVOCATIONS, ids=[" ".join(a)[:60] or "(empty)" for a, _ in BAD_INVOCATIONS])
def test_bad_invocation_is_one_clear_message(cli, tmp_path, argv, names):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    res = cli(argv)
    assert res.code != 0, res.text
    assert "Traceback" not in res.text
    assert res.err.startswith("error: "), res.err
    message = " ".join(res.err.split())  # wrapped lines joined
    for name in names:
        assert name.replace("{tmp}", str(tmp_path)) in message, f"{name!r} not in {res.err!r}"


def test_usage_errors_exit_2_and_show_the_usage_line(cli):
    res = cli(["simulate", "explain"])
    assert res.code == 2
    assert "usage: multivector simulate explain" in res.err and "multivector simulate explain --help" in res.err
    res = cli(["report", "EU"])
    assert res.code == 2 and res.err.count("error:") == 1


def test_no_arguments_prints_the_help():
    res = run_process([])
    assert "report" in res.text and "simulate" in res.text and "Traceback" not in res.text


def test_the_dask_backend_without_the_extra_names_the_extra():
    res = run_process(["simulate", "baseline", "--backend", "dask", "--uncalibrated", "-n", "5"], without=("distributed",))
    assert res.code == 2 and "Traceback" not in res.err
    assert "pip install 'multivector[dask]'" in res.err


def test_a_scheduler_alone_also_needs_the_extra():
    res = run_process(["simulate", "baseline", "--scheduler", "tcp://127.0.0.1:1", "--uncalibrated"], without=("dask",))
    assert res.code == 2 and "pip install 'multivector[dask]'" in res.err


def test_pdf_without_playwright_names_the_extra(tmp_path):
    res = run_process(["report", "KAZ", "-o", str(tmp_path / "kaz.pdf")], without=("playwright",),
                      env={"MULTIVECTOR_CHROMIUM": "/bin/sh"})  # any executable: the check for Chromium passes
    assert res.code == 2 and "Traceback" not in res.err
    assert "pip install 'multivector[pdf]'" in res.err
    assert not (tmp_path / "kaz.pdf").exists()


def test_pdf_without_chromium_says_how_to_get_it(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("MULTIVECTOR_CHROMIUM", str(tmp_path / "no-chromium"))
    res = cli(["report", "KAZ", "--pdf", "-o", str(tmp_path / "kaz.html")])
    assert res.code == 2 and "needs Chromium" in res.err and "apt-get install chromium" in res.err
    assert not (tmp_path / "kaz.html").exists()  # refused before any work


def test_usage_error_through_the_installed_entry_point_has_no_traceback():
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-m", "multivector", "simulate", "baseline", "--seed", "-1"],
                         capture_output=True, text=True)
    assert res.returncode == 2 and "Traceback" not in res.stderr and "--seed" in res.stderr
