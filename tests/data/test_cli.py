"""The data commands as a user runs them."""

from __future__ import annotations

import os
import subprocess
import sys

import polars as pl
import pytest

from multivector.cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "multivector.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"})


def test_help_lists_the_commands():
    res = run("--help")
    assert res.returncode == 0
    for cmd in ("panel", "data", "cite", "country"):
        assert cmd in res.stdout


def test_panel_command_writes_the_kazakhstan_agreement_series(tmp_path):
    out = tmp_path / "panel.parquet"
    res = run("panel", "KAZ", "--partners", "CHN,RUS,USA,EU,TUR", "--years", "1992-2019", "-o", str(out))
    assert res.returncode == 0, res.stderr
    df = pl.read_parquet(out)
    assert df.height == 5 * 28
    series = df.filter(pl.col("iso3_2").is_in(["CHN", "RUS", "USA", "TUR"])).select("iso3_2", "year", "un_agree")
    assert series["un_agree"].is_not_null().all()
    assert "null for 2015-2019" in res.stdout  # IGO coverage note


def test_panel_csv_and_verb_choice(tmp_path):
    out = tmp_path / "p.csv"
    main(["panel", "Kazakhstan", "-p", "China", "-y", "2000-2001", "--add", "alliances", "-o", str(out)])
    df = pl.read_csv(out)
    assert df.columns[:5] == ["iso3_1", "iso3_2", "ccode1", "ccode2", "year"]
    assert "atop_defense" in df.columns and "un_agree" not in df.columns


def test_user_errors_exit_2_without_traceback():
    res = run("panel", "Kazahstan", "--years", "1992-2019")
    assert res.returncode == 2
    assert "Traceback" not in res.stderr and "did you mean Kazakhstan (KAZ)" in res.stderr
    res = run("panel", "KAZ", "--years", "19x2")
    assert res.returncode == 2 and "--years" in res.stderr
    res = run("data", "import", "atop", "/no/such/file.rda")
    assert res.returncode == 2 and "no such file" in res.stderr


def test_status_lists_sources_with_coverage(capsys):
    main(["data", "status"])
    out = capsys.readouterr().out
    assert "unvotes" in out and "1946" in out and "starter pack" in out


def test_cite_bibtex_and_text(capsys):
    main(["cite", "unvotes", "atop"])
    out = capsys.readouterr().out
    assert out.count("@") == 4  # Voeten + the UN extracts (votes to 2025), ATOP + peacesciencer (its build)
    main(["cite", "--format", "text", "icews"])
    out = capsys.readouterr().out
    assert "icews" in out and "licence" in out


def test_country_command(capsys):
    main(["country", "Kazakhstan", "705", "EU", "--year", "2010"])
    out = capsys.readouterr().out
    assert "KAZ" in out and "705" in out and "European Union" in out


def test_fetch_offline_is_a_clear_error():
    res = run("data", "fetch", "atop", "--home", os.environ["MULTIVECTOR_HOME"])
    if res.returncode == 0:
        pytest.skip("this machine has internet")
    assert res.returncode == 2 and "data import atop" in res.stderr and "Traceback" not in res.stderr


def test_rebuild_from_raw_files(tmp_path, shared_data):
    res = run("data", "rebuild", "--from", str(shared_data), "--only", "atop,cow_nmc", "--home", str(tmp_path))
    assert res.returncode == 0, res.stderr
    st = run("data", "status", "--home", str(tmp_path))
    assert "rebuild" in st.stdout


def test_version_flag():
    res = run("--version")
    assert res.returncode == 0 and res.stdout.startswith("multivector ")
