"""``multivector gravity``: the commands of issue 10 with the published files, JSON fields, errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from multivector.cli import main


def run(capsys, *args) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as e:
        code = int(e.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_estimate_the_yotov_rta_example_by_name_as_json(capsys, shared_data):
    code, out, _err = run(capsys, "gravity", "estimate", "yotov-rta", "--data", "Chapter2Application2.dta",
                          "--format", "json")
    assert code == 0
    res = json.loads(out)
    assert res["coefficients"]["RTA"]["estimate"] == pytest.approx(0.557, abs=5e-4)
    assert res["coefficients"]["RTA"]["se"] == pytest.approx(0.056, abs=5e-4)
    assert res["nobs"] == 28_482
    assert res["dropped"]["separated"] == 84


def test_estimate_a_users_file_with_a_formula_and_pair_clusters(capsys, tmp_path):
    from test_estimation_synthetic import synthetic_panel

    path = tmp_path / "flows.csv"
    synthetic_panel(n=15, years=(2000, 2004)).to_csv(path, index=False)
    code, out, _ = run(capsys, "gravity", "estimate", str(path), "--formula",
                       "trade ~ ln_dist + rta | exporter^year + importer^year", "--cluster", "pair", "--format", "json")
    assert code == 0
    res = json.loads(out)
    assert set(res["coefficients"]) == {"ln_dist", "rta"}
    assert res["vcov"] == "clustered by pair" and res["nobs"] == 15 * 14 * 2
    code, out, _ = run(capsys, "gravity", "estimate", str(path), "--formula", "trade ~ ln_dist | exporter + importer")
    assert code == 0 and "ln_dist" in out and "N = " in out


def test_ge_example_gives_every_country_with_full_and_conditional_changes(capsys, shared_data):
    code, out, _ = run(capsys, "gravity", "ge", "aly-geppml-borders", "--data", "ge_ppml_data_orig.dta",
                       "--format", "json")
    assert code == 0
    res = json.loads(out)
    assert len(res["countries"]) == 41
    row = next(r for r in res["countries"] if r["country"] == "CAN")
    for key in ("exports_change_pct", "real_gdp_change_pct", "omr_change_pct", "imr_change_pct",
                "conditional_exports_change_pct", "conditional_real_gdp_change_pct", "conditional_omr_change_pct",
                "conditional_imr_change_pct", "factory_gate_price_change_pct"):
        assert isinstance(row[key], float), key
    assert row["real_gdp_change_pct"] == pytest.approx(39.454, abs=0.005)
    assert res["convergence"]["iterations"] == 13 and res["estimates"]["nobs"] == 1681


def test_user_errors_exit_2_with_a_message_and_no_traceback(capsys, tmp_path):
    code, _out, err = run(capsys, "gravity", "ge", "no-such-scenario")
    assert code == 2 and "unknown general-equilibrium scenario" in err and "Traceback" not in err
    code, _out, err = run(capsys, "gravity", "ge", "yotov-nafta", "--data", str(tmp_path / "missing.dta"))
    assert code == 2 and "vi.unctad.org" in err
    code, _out, err = run(capsys, "gravity", "estimate", "yotov-rtaa")
    assert code == 2 and "did you mean yotov-rta" in err
    code, _out, err = run(capsys, "gravity", "estimate", "yotov-rta", "--format", "xml")
    assert code == 2 and "--format" in err


def test_the_installed_entry_point_reports_errors_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('formula = "trade ~ x | exporter + importer"\nsigma = 7\nreference = "DEU"\n')
    proc = subprocess.run([sys.executable, "-m", "multivector", "gravity", "ge", str(bad)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2
    assert "no [[change]]" in proc.stderr and "Traceback" not in proc.stderr
