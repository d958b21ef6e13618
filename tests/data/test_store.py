"""The DuckDB store: starter pack on first use, atomic imports, several processes at once."""

from __future__ import annotations

import os
import subprocess
import sys

import polars as pl
import pytest

from multivector.errors import StoreError
from multivector.sources.atop import META as ATOP
from multivector.store import Store


@pytest.fixture()
def store(tmp_path):
    return Store(tmp_path / "multivector.duckdb")


def test_first_use_loads_the_starter_pack_with_provenance(store):
    prov = store.provenance() if store.path.exists() else None
    assert prov is None
    assert store.table("atop_dyad_year").height > 0
    prov = store.provenance()
    atop = prov.filter(pl.col("source") == "atop")
    assert atop["origin"][0] == "starter pack"
    assert atop["version"][0] == ATOP.version
    assert store.coverage("atop") == (1815, 2018)


def test_failed_import_leaves_the_store_exactly_as_it_was(store):
    before = store.table("atop_dyad_year")
    prov_before = store.provenance()
    good = pl.DataFrame({"ccode1": [2], "ccode2": [20], "year": [2000]})
    bad = pl.DataFrame({"x": [1]})
    with pytest.raises(StoreError, match="Nothing was changed"):
        # the second table's name is not valid SQL, so the transaction fails half-way
        store.import_tables(ATOP, {"atop_dyad_year": good, 'bad"name': bad})
    assert store.table("atop_dyad_year").equals(before)
    assert store.provenance().equals(prov_before)


def test_import_replaces_tables_and_records_origin(store, shared_data):
    from multivector.sources import atop

    tables = atop.derive(atop.read(shared_data / "peacesciencer/atop_alliance.rda"))
    store.import_tables(atop.META, tables, origin="import", input_path="atop_alliance.rda", coverage=(1815, 2018))
    prov = store.provenance().filter(pl.col("source") == "atop")
    assert prov["origin"][0] == "import" and prov["input"][0] == "atop_alliance.rda"
    assert store.table("atop_dyad_year").height == tables["atop_dyad_year"].height


def test_cli_import_of_a_bad_file_changes_nothing(tmp_path, shared_data):
    home = tmp_path / "home"
    env = {**os.environ, "MULTIVECTOR_HOME": str(home)}
    run = lambda *a: subprocess.run([sys.executable, "-m", "multivector.cli", *a], env=env, capture_output=True, text=True)  # noqa: E731
    assert run("data", "status").returncode == 0
    before = Store(home / "multivector.duckdb").table("idealpoint_state_year")
    bad = tmp_path / "ideal.csv"
    lines = (shared_data / "UNIdealPointsJulia/IdealpointestimatesAll_Apr2020.csv").read_bytes().decode("latin-1").splitlines()[:20]
    lines[7] = lines[7].replace(",", ",oops", 1)
    bad.write_text("\n".join(lines))
    res = run("data", "import", "idealpoints", str(bad))
    assert res.returncode == 2
    assert "Traceback" not in res.stderr and "ideal.csv" in res.stderr and "line 8" in res.stderr
    assert Store(home / "multivector.duckdb").table("idealpoint_state_year").equals(before)


def test_two_cli_processes_at_once_do_not_corrupt_the_store(tmp_path, shared_data):
    """An import (writer) and panel builds (readers) run concurrently, several rounds."""
    home = tmp_path / "home"
    env = {**os.environ, "MULTIVECTOR_HOME": str(home)}
    cmd = [sys.executable, "-m", "multivector.cli"]
    subprocess.run([*cmd, "data", "status"], env=env, check=True, capture_output=True)
    for round_ in range(2):
        procs = [
            subprocess.Popen([*cmd, "data", "import", "atop", str(shared_data / "peacesciencer/atop_alliance.rda")],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
            subprocess.Popen([*cmd, "panel", "KAZ", "--partners", "CHN,RUS", "--years", "2000-2010", "--add", "alliances",
                              "-o", str(tmp_path / f"p{round_}.csv")],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
            subprocess.Popen([*cmd, "data", "import", "cow_igo", str(shared_data / "peacesciencer/cow_igo_ndy.rda")],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
        ]
        for p in procs:
            out, err = p.communicate(timeout=300)
            assert p.returncode == 0, err
        panel = pl.read_csv(tmp_path / f"p{round_}.csv")
        assert panel.height == 22 and panel["atop_defense"].null_count() == 0
    store = Store(home / "multivector.duckdb")
    assert store.table("atop_dyad_year").height > 0
    assert set(store.provenance()["source"].to_list()) >= {"atop", "cow_igo", "unvotes"}


def test_missing_table_error_says_what_to_do(store):
    from multivector.errors import StoreError

    with pytest.raises(StoreError, match="multivector data import"):
        store.table("no_such_table")



def test_an_upgraded_starter_pack_is_reloaded_but_user_imports_are_kept(store, shared_data):
    from multivector.sources import atop

    tables = atop.derive(atop.read(shared_data / "peacesciencer/atop_alliance.rda"))
    store.import_tables(atop.META, tables, origin="import", input_path="mine.rda")
    nmc_rows = store.table("nmc_state_year").height
    # make the store look as if it was filled by an older starter pack
    with store.connect(write=True) as con:
        con.execute("UPDATE _meta SET value = 'an older pack' WHERE key = 'pack_digest'")
        con.execute("DELETE FROM nmc_state_year WHERE year > 2000")
    reopened = Store(store.path)
    assert reopened.table("nmc_state_year").height == nmc_rows
    prov = reopened.provenance()
    assert prov.filter(pl.col("source") == "atop")["origin"][0] == "import"
    assert prov.filter(pl.col("source") == "cow_nmc")["origin"][0] == "starter pack"


def test_importing_one_file_of_a_two_file_source_keeps_the_others_provenance(store, shared_data):
    """Provenance is per table: the CAMEO event codes imported before stay described as they were
    when only the Goldstein file is imported again (and the same for the two gravity tables)."""
    from multivector.sources import cameo, gravity

    folder = shared_data / "gdelt"  # holds both CAMEO lookup files
    store.import_tables(cameo.META, cameo.derive(cameo.read(folder)), input_path=str(folder))
    only = folder / "CAMEO.goldsteinscale.txt"
    store.import_tables(cameo.META, cameo.derive(cameo.read(only)), input_path=str(only))
    fresh = Store(store.path)
    prov = fresh.provenance().filter(pl.col("source") == "cameo")
    assert dict(zip(prov["tbl"], prov["input"])) == {"cameo_eventcodes": str(folder), "goldstein_scale": str(only)}
    assert fresh.table("cameo_eventcodes").height == prov.filter(pl.col("tbl") == "cameo_eventcodes")["rows"][0] > 300

    cross = gravity.derive(gravity.read(shared_data / "gravity/gravity_zeros.rdata"))
    store.import_tables(gravity.META, cross, input_path="gravity_zeros.rdata", coverage=(2006, 2006))
    yotov = gravity.derive(gravity.read(shared_data / "yotov-gravity/Chapter1Application1.dta"))
    store.import_tables(gravity.META, yotov, input_path="Chapter1Application1.dta", coverage=(1986, 2006))
    prov = Store(store.path).provenance().filter(pl.col("source") == "gravity")
    assert sorted(prov["tbl"]) == ["gravity_cross_section", "yotov_gravity"]
    assert Store(store.path).coverage("gravity") == (1986, 2006)  # the union of its tables' years


def test_derived_results_are_kept_until_the_data_or_the_code_change(store, monkeypatch):
    import multivector.config as store_module

    calls = []

    def build():
        calls.append(1)
        return {"n": len(calls)}

    assert store.cached("thing", ("KAZ", 1), build) == {"n": 1}
    assert store.cached("thing", ("KAZ", 1), build) == {"n": 1}  # read back, not rebuilt
    assert store.cached("thing", ("KAZ", 2), build) == {"n": 2}  # another key is another result
    assert len(calls) == 2
    # an upgraded or edited method must not be answered from the older method's results
    monkeypatch.setattr(store_module, "_CODE_VERSION", "another-code")
    assert store.cached("thing", ("KAZ", 1), build) == {"n": 3}
    folders = [p.name for p in (store.path.parent / "cache").iterdir()]
    assert len(folders) == 1 and folders[0].endswith("-another-code")  # the stale ones are removed
