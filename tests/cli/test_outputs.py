"""Output files: the format follows the extension, folders are handled, and nothing is ever half-written."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest

from tests.cli.conftest import run_process

SIM = ["simulate", "baseline", "--uncalibrated", "-n", "12", "-y", "3", "-s", "3"]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


# ------------------------------------------------------------------------------- formats

@pytest.mark.parametrize("ext", [".parquet", ".csv", ".json", ".ndjson"])
def test_simulate_writes_the_format_its_extension_names(cli, tmp_path, ext):
    out = tmp_path / f"r{ext}"
    res = cli([*SIM, "-o", str(out), "--no-chart"])
    assert res.code == 0, res.text
    read = {".parquet": pl.read_parquet, ".csv": pl.read_csv, ".json": pl.read_json, ".ndjson": pl.read_ndjson}[ext]
    df = read(out)
    assert df.height == 12 * 4 * 5 and {"run", "year", "partner", "balance"} <= set(df.columns)
    params = read(tmp_path / f"r.params{ext}")
    assert params.height == 12
    if ext == ".parquet":
        assert out.read_bytes()[:4] == b"PAR1"
        assert pl.read_parquet_schema(out)  # metadata travels with parquet only
    if ext == ".csv":
        assert out.read_text().startswith("run,year,")
    if ext == ".json":
        assert isinstance(json.loads(out.read_text()), list)
    assert leftovers(tmp_path) == []


def test_csv_and_parquet_results_hold_the_same_numbers(cli, tmp_path):
    cli([*SIM, "-o", str(tmp_path / "a.csv"), "--no-chart"])
    cli([*SIM, "-o", str(tmp_path / "a.parquet"), "--no-chart"])
    a = pl.read_csv(tmp_path / "a.csv")
    b = pl.read_parquet(tmp_path / "a.parquet")
    assert a.height == b.height
    assert (a["balance"] - b["balance"].cast(pl.Float64)).abs().max() < 1e-6


def test_simulate_compare_and_sensitivity_follow_the_extension(cli, tmp_path):
    res = cli(["simulate", "compare", "baseline", "china-coercive", "--uncalibrated", "-n", "10", "-y", "3",
               "-o", str(tmp_path / "cmp.json")])
    assert res.code == 0, res.text
    assert json.loads((tmp_path / "cmp.json").read_text())[0]["scenario"] == "baseline"
    assert (tmp_path / "cmp.html").exists()
    res = cli(["simulate", "sensitivity", "china-coercive", "--uncalibrated", "-N", "4", "--method", "morris",
               "-y", "3", "--outcome", "balance", "-o", str(tmp_path / "s.csv")])
    assert res.code == 0, res.text
    assert pl.read_csv(tmp_path / "s.csv").columns[:3] == ["outcome", "parameter", "range"]


def test_panel_and_index_write_json(cli, tmp_path):
    res = cli(["panel", "KAZ", "-p", "CHN,RUS", "-y", "2000-2001", "--add", "alliances", "-o", str(tmp_path / "p.json")])
    assert res.code == 0, res.text
    rows = json.loads((tmp_path / "p.json").read_text())
    assert len(rows) == 4 and rows[0]["iso3_1"] == "KAZ"
    res = cli(["index", "alignment", "KAZ", "-y", "2010-2011", "-o", str(tmp_path / "a.ndjson")])
    assert res.code == 0, res.text
    assert pl.read_ndjson(tmp_path / "a.ndjson").height == 2 * 5


def test_report_into_a_folder_writes_the_default_name_inside_it(cli, tmp_path):
    res = cli(["report", "KAZ", "-y", "2010-2014", "-o", str(tmp_path)])
    assert res.code == 0, res.text
    inside = tmp_path / "multivector-report-KAZ.html"
    assert inside.is_file() and "Kazakhstan" in inside.read_text(encoding="utf-8")
    assert not Path(str(tmp_path) + ".html").exists()
    assert str(inside) in " ".join(res.out.split()).replace(" ", "") or "multivector-report-KAZ.html" in res.out
    res = cli(["report", "UZB", "-y", "2010-2014", "-o", f"{tmp_path}/"])  # a trailing slash says "folder"
    assert res.code == 0 and (tmp_path / "multivector-report-UZB.html").is_file()


@pytest.mark.browser
def test_report_to_pdf_writes_a_pdf(cli, tmp_path):
    from multivector.report.pdf import CHROMIUM

    if not Path(os.environ.get("MULTIVECTOR_CHROMIUM") or CHROMIUM).exists():
        pytest.skip("no chromium")
    pytest.importorskip("playwright.sync_api")
    res = cli(["report", "KAZ", "-y", "2010-2014", "-o", str(tmp_path / "kaz.pdf")])
    assert res.code == 0, res.text
    assert (tmp_path / "kaz.pdf").read_bytes()[:5] == b"%PDF-"
    assert not (tmp_path / "kaz.html").exists()  # asked for a PDF, got a PDF
    assert leftovers(tmp_path) == []


# ------------------------------------------------------------------------- failing writes

def test_a_full_disk_is_one_message_and_leaves_nothing(cli, tmp_path):
    """/dev/full answers every write with ENOSPC, as a full disk does."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    for name, argv in (("r.html", ["report", "KAZ", "-y", "2010-2012"]),
                       ("p.csv", ["panel", "KAZ", "-p", "CHN", "-y", "2000", "--add", "alliances"]),
                       ("s.parquet", [*SIM, "--no-chart"]),
                       ("b.json", ["index", "alignment", "KAZ", "-y", "2010"])):
        link = tmp_path / name
        link.symlink_to("/dev/full")
        res = cli([*argv, "-o", str(link)])
        assert res.code == 2, res.text
        assert "Traceback" not in res.text
        assert "disk is full" in res.err and name in res.err
    assert leftovers(tmp_path) == []


def test_a_file_name_too_long_is_refused_before_the_work(cli, tmp_path):
    res = cli([*SIM, "-o", str(tmp_path / ("x" * 300 + ".csv")), "--no-chart"])
    assert res.code == 2 and "Traceback" not in res.text and "too long" in res.err
    assert "┃" not in res.out  # refused before the simulation ran
    assert list(tmp_path.iterdir()) == []


def _private_mounts() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _private_mounts(), reason="needs `unshare --mount` (root) for a private read-only / tiny file system")
def test_read_only_and_full_file_systems_in_a_private_mount(tmp_path):
    """A real read-only file system and a real 64 KB one, mounted in a private namespace (gone when the process ends)."""
    ro, small = tmp_path / "ro", tmp_path / "small"
    ro.mkdir()
    small.mkdir()
    mount = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
             f"mount -t tmpfs -o ro,size=1m none {ro} && mount -t tmpfs -o size=64k none {small} && exec \"$@\"", "sh"]
    res = run_process(["report", "KAZ", "-y", "2010-2012", "-o", str(ro / "r.html")], prefix=mount)
    assert res.code == 2 and "Traceback" not in res.text and "read-only" in res.err
    big = ["simulate", "baseline", "--uncalibrated", "-n", "200", "-y", "10", "--no-chart"]  # ~2 MB of CSV
    res = run_process([*big, "-o", str(small / "r.csv")], prefix=mount)
    assert res.code == 2 and "Traceback" not in res.text and "disk is full" in res.err, res.err
    res = run_process([*SIM, "-o", str(ro / "r.csv")], prefix=mount)
    assert res.code == 2 and "read-only" in res.err
    assert "┃" not in res.out  # refused before the simulation ran


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_refused_before_the_work(cli, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        res = cli(["report", "KAZ", "-o", str(folder / "r.html")])
        assert res.code == 2 and "permission denied" in res.err
    finally:
        folder.chmod(0o755)


def test_an_output_that_is_a_folder_named_like_a_file_is_refused(cli, tmp_path):
    (tmp_path / "out.csv").mkdir()
    res = cli(["panel", "KAZ", "-p", "CHN", "-y", "2000", "-o", str(tmp_path / "out.csv")])
    assert res.code == 2 and "is a folder" in res.err


def test_ctrl_c_during_a_write_leaves_no_partial_file(tmp_path):
    from multivector.cli._common import written_atomically

    target = tmp_path / "t.csv"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt), written_atomically(target) as tmp:
        tmp.write_text("half")
        raise KeyboardInterrupt
    assert target.read_text() == "old" and leftovers(tmp_path) == []


def test_written_files_get_normal_permissions(cli, tmp_path):
    out = tmp_path / "r.csv"
    assert cli([*SIM, "-o", str(out), "--no-chart"]).code == 0
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask
