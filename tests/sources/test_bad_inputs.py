"""Each class of bad input gets a clear DataError naming file, row and field — or, for a documented
missing-value code, a null and a note — and a failed import leaves the store as it was.

Every bad file here is built by the test from a REAL SAMPLE (``conftest.real_samples``: the first
rows of a real release) with one deliberate fault, so each test shows exactly one thing.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from pathlib import Path

import polars as pl
import pytest

from multivector import sources
from multivector.errors import DataError
from multivector.sources.base import DataNote
from multivector.store import Store


# -- helpers -----------------------------------------------------------------------------------------


def lines_of(sample) -> list[str]:
    return sample.path.read_bytes().decode("latin-1").split("\n")


def write(tmp_path: Path, sample, lines: list[str] | str | bytes) -> Path:
    path = tmp_path / sample.path.name
    if isinstance(lines, list):
        lines = "\n".join(lines)
    path.write_bytes(lines if isinstance(lines, bytes) else lines.encode("latin-1"))
    return path


def set_field(lines: list[str], line: int, column: str, value: str) -> list[str]:
    """A copy of the CSV ``lines`` with ``column`` of editor line ``line`` (header = 1) set."""
    out = list(lines)
    header = out[0].split(",")
    cells = out[line - 1].split(",")
    cells[header.index(column)] = value
    out[line - 1] = ",".join(cells)
    return out


def last_line(lines: list[str]) -> int:
    """Editor line number of the last non-empty line."""
    return max(i for i, ln in enumerate(lines, start=1) if ln.strip())


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    s = Store(tmp_path_factory.mktemp("bad-inputs") / "multivector.duckdb")
    s.initialize()
    return s


def fingerprint(store: Store) -> tuple[str, list[str]]:
    """The store file's bytes, and any leftover temporary copies beside it."""
    return hashlib.sha256(store.path.read_bytes()).hexdigest(), sorted(p.name for p in store.path.parent.iterdir())


def refused(store: Store, sample, path: Path, *, row: int | None, field: str | None, match: str) -> DataError:
    """Importing ``path`` as ``sample``'s source fails with a DataError at (row, field) and changes nothing."""
    before = fingerprint(store)
    mod = sources.get(sample.source)
    with pytest.raises(DataError) as err:
        tables = sample.run(path)
        store.import_tables(mod.META, tables, input_path=str(path))
    e = err.value
    assert re.search(match, str(e)), str(e)
    assert e.file and Path(e.file.split("!")[0]).name == path.name, str(e)
    assert (e.row, e.field) == (row, field), str(e)
    assert fingerprint(store) == before, "a failed import must leave the store exactly as it was"
    return e


# -- the ATOP example and other impossible codes and years -------------------------------------------


def test_atop_row_with_year_6096_is_refused_not_packed_onto_kazakhstan_japan(real_samples, store, tmp_path):
    """(705, 739, 6096) would pack onto Kazakhstan–Japan (705, 740) in 2000. The reader refuses it
    twice over: 739 is no COW state code, 6096 no year (the store's own check is in tests/data)."""
    s = real_samples["atop"]
    lines = [ln for ln in lines_of(s) if ln.strip()] + ["705,739,6096,1,0,0,0,0"]
    refused(store, s, write(tmp_path, s, lines + [""]), row=len(lines), field="ccode2", match="739 is not a Correlates")
    lines[-1] = "705,740,6096,1,0,0,0,0"
    e = refused(store, s, write(tmp_path, s, lines + [""]), row=len(lines), field="year", match="outside the years")
    assert "6096" in str(e)


@pytest.mark.parametrize("year", ["0", "-50", "9999", "99999", "193"])
def test_impossible_years_are_refused(real_samples, store, tmp_path, year):
    s = real_samples["atop"]
    lines = set_field(lines_of(s), 5, "year", year)
    refused(store, s, write(tmp_path, s, lines), row=5, field="year", match=f"year {year} is outside")


@pytest.mark.parametrize("sample,column", [("atop", "ccode1"), ("cow_igo", "ccode2"), ("cow_nmc", "ccode"),
                                           ("gdp", "ccode"), ("cow_distance", "ccode1"), ("idealpoints", "ccode"),
                                           ("cow_contiguity", "ccode2")])
def test_country_code_9999_is_not_a_cow_state(real_samples, store, tmp_path, sample, column):
    s = real_samples[sample]
    lines = set_field(lines_of(s), 7, column, "9999")
    refused(store, s, write(tmp_path, s, lines), row=7, field=column, match="9999 is not a Correlates of War state code")


def test_cow_states_with_code_1500_is_refused(real_samples, store, tmp_path):
    s = real_samples["cow_states"]
    lines = set_field(lines_of(s), 10, "ccode", "1500")
    refused(store, s, write(tmp_path, s, lines), row=10, field="ccode", match="1500 is outside")


def test_membership_spell_that_ends_before_it_starts(real_samples, store, tmp_path):
    s = real_samples["cow_states"]
    lines = set_field(lines_of(s), 4, "endyear", "1800")
    refused(store, s, write(tmp_path, s, lines), row=4, field="endyear", match="year 1800 is outside")
    lines = set_field(lines_of(s), 4, "styear", "2000")
    lines = set_field(lines, 4, "endyear", "1999")
    refused(store, s, write(tmp_path, s, lines), row=4, field="endyear", match="ends .*before it starts")


def test_contiguity_spell_that_ends_before_it_starts(real_samples, store, tmp_path):
    s = real_samples["cow_contiguity"]
    lines = set_field(lines_of(s), 3, "enddate", "1900-01-01")
    refused(store, s, write(tmp_path, s, lines), row=3, field="enddate", match="ends \\(1900-01-01\\) before it starts")


@pytest.mark.parametrize("sample,column,value,match", [
    ("cow_nmc", "cinc", "inf", "not a finite number"),
    ("cow_nmc", "milex", "-Inf", "not a finite number"),
    ("gdp", "pwtrgdp", "-5.5", "negative"),
    ("gdp", "pwtpop", "1e999", "not a finite number"),
    ("gravity", "flow", "-0.061", "negative"),
    ("cow_distance", "mindist", "40000", "outside"),
    ("idealpoints", "session", "0", "outside"),
    ("atop", "atop_defense", "2", "outside"),
    ("cow_igo", "dyadigos", "-3", "negative"),
])
def test_impossible_values_are_refused(real_samples, store, tmp_path, sample, column, value, match):
    s = real_samples[sample]
    lines = set_field(lines_of(s), 6, column, value)
    refused(store, s, write(tmp_path, s, lines), row=6, field=column, match=match)


def test_negative_trade_in_comtrade_and_wdi(real_samples, store, tmp_path):
    for name, mutate, row, field in (
        ("comtrade", lambda d: d["data"][1].update(primaryValue=-5.0), 2, "primaryValue"),
        ("wdi", lambda d: d[1][3].update(value=-1.0), 4, "value"),
    ):
        s = real_samples[name]
        doc = json.loads(s.path.read_text())
        mutate(doc)
        refused(store, s, write(tmp_path, s, json.dumps(doc).encode()), row=row, field=field, match="negative")


def test_comtrade_null_flow_code_is_missing_not_the_text_none(real_samples, store, tmp_path):
    s = real_samples["comtrade"]
    doc = json.loads(s.path.read_text())
    doc["data"][2]["flowCode"] = None
    refused(store, s, write(tmp_path, s, json.dumps(doc).encode()), row=3, field="flowCode", match="value is missing")


def test_gdelt_year_9999_is_refused(real_samples, store, tmp_path):
    s = real_samples["gdelt"]
    lines = lines_of(s)
    lines[4] = lines[4].replace(",2012,", ",9999,", 1)
    refused(store, s, write(tmp_path, s, lines), row=5, field="Year", match="9999")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html,<b>x</b>",
                                 "file:///etc/passwd", "ftp://example.org/x", "https://", "http:// example.org"])
def test_only_web_addresses_are_accepted_as_sources(real_samples, store, tmp_path, url):
    for name in ("timeline", "reported_trade"):
        s = real_samples[name]
        lines = lines_of(s)
        cells = lines[2].rsplit(",", 1)
        lines[2] = cells[0] + ',"' + url + '"'
        refused(store, s, write(tmp_path, s, lines), row=3, field="source_url", match="not a web address")


# -- codes are matched case-insensitively -----------------------------------------------------------


def test_lower_case_codes_are_matched(real_samples, tmp_path):
    s = real_samples["comtrade"]
    doc = json.loads(s.path.read_text())
    for rec in doc["data"]:
        rec["reporterISO"], rec["partnerISO"] = rec["reporterISO"].lower(), rec["partnerISO"].lower()
    trade = s.run(write(tmp_path, s, json.dumps(doc).encode()))["trade_dyad_year"]
    assert set(trade["iso3_1"]) == {"CHN"} and "ARG" in set(trade["iso3_2"])
    assert trade["iso3_2"].str.to_uppercase().equals(trade["iso3_2"])

    s = real_samples["timeline"]
    lines = lines_of(s)
    lines[1] = lines[1].replace("KAZ;USA", "kaz;usa")
    tl = s.run(write(tmp_path, s, lines))["timeline"]
    assert ["KAZ", "USA"] in tl["parties"].to_list()

    s = real_samples["reported_trade"]
    lines = lines_of(s)
    lines[1] = lines[1].replace(",KAZ,CHN,", ",kaz,chn,")
    rt = s.run(write(tmp_path, s, lines))["reported_trade"]
    assert rt.filter(pl.col("partner") == "chn").height == 0 and rt.filter(pl.col("partner") == "CHN").height > 0

    s = real_samples["gravity"]
    lines = lines_of(s)
    lines[1] = lines[1].replace("AFG,ARG", "afg,arg")
    g = s.run(write(tmp_path, s, lines))["gravity_cross_section"]
    assert g.filter((pl.col("iso_o") == "AFG") & (pl.col("iso_d") == "ARG")).height == 1


def test_lower_case_icews_codes_are_matched(shared_data):
    import pyreadr

    from multivector.sources import icews

    raw = next(iter(pyreadr.read_r(str(shared_data / "netify/icews.rda")).values())).head(50)  # a real sample
    raw["i_iso3c"] = raw["i_iso3c"].astype(str).str.lower()
    df = icews.from_table(raw, "icews.rda")
    assert df["iso3_1"].str.to_uppercase().equals(df["iso3_1"])


# -- documented missing-value codes: null, and a note ---------------------------------------------


def test_cow_missing_code_becomes_null_with_a_note(real_samples, tmp_path):
    s = real_samples["cow_nmc"]
    lines = set_field(lines_of(s), 6, "milex", "-9")
    lines = set_field(lines, 8, "upop", "-9")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nmc = s.run(write(tmp_path, s, lines))["nmc_state_year"]
    notes = [str(w.message) for w in caught if issubclass(w.category, DataNote)]
    assert any("-9" in n and "missing" in n and "milex 1" in n and "upop 1" in n for n in notes), notes
    assert nmc["milex"].null_count() == 1 and (nmc["milex"] == -9).sum() == 0


def test_cow_missing_country_code_leaves_the_row_out_with_a_note(real_samples, tmp_path):
    s = real_samples["cow_igo"]
    lines = set_field(lines_of(s), 6, "ccode2", "-9")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        igo = s.run(write(tmp_path, s, lines))["igo_dyad_year"]
    assert igo.height == 149
    assert any("-9" in str(w.message) and "left out" in str(w.message) for w in caught)


def test_cli_prints_the_note(real_samples, tmp_path):
    import os
    import subprocess
    import sys

    s = real_samples["cow_nmc"]
    path = write(tmp_path, s, set_field(lines_of(s), 6, "milex", "-9"))
    env = {**os.environ, "MULTIVECTOR_HOME": str(tmp_path / "home")}
    res = subprocess.run([sys.executable, "-m", "multivector.cli", "data", "import", "cow_nmc", str(path)],
                         env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "note:" in res.stderr and "missing-value code" in res.stderr


# -- truncated and malformed files -------------------------------------------------------------------


TRUNCATED = ["atop", "cow_igo", "cow_nmc", "gdp", "cow_distance", "idealpoints"]


@pytest.mark.parametrize("sample", TRUNCATED)
def test_file_cut_inside_its_last_line_is_refused(real_samples, store, tmp_path, sample):
    s = real_samples[sample]
    lines = [ln for ln in lines_of(s) if ln.strip()]
    last = lines[-1]
    # cut inside the third field (as the example: a year "193" left of "1930")
    cut = ",".join(last.split(",")[:2]) + "," + last.split(",")[2][:3]
    e = refused(store, s, write(tmp_path, s, lines[:-1] + [cut]), row=len(lines), field=None, match="cut off")
    assert "truncated" in e.hint


@pytest.mark.parametrize("sample", TRUNCATED)
def test_file_cut_inside_its_last_field_is_refused(real_samples, store, tmp_path, sample):
    s = real_samples[sample]
    lines = [ln for ln in lines_of(s) if ln.strip()]
    last = lines[-1]
    cut = last[: last.rindex(",") + 1]  # the last field lost entirely
    column = lines[0].split(",")[-1]
    refused(store, s, write(tmp_path, s, lines[:-1] + [cut]), row=len(lines), field=column, match="cut off")


def test_complete_last_line_without_line_break_is_read_with_a_note(real_samples, tmp_path):
    s = real_samples["atop"]
    text = s.path.read_bytes().rstrip(b"\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t = s.run(write(tmp_path, s, text))["atop_dyad_year"]
    assert t.height == 150
    assert any("does not end with a line break" in str(w.message) for w in caught)


def test_a_ragged_row_in_the_middle_is_refused(real_samples, store, tmp_path):
    s = real_samples["cow_igo"]
    lines = lines_of(s)
    lines[9] += ",5"
    refused(store, s, write(tmp_path, s, lines), row=10, field=None, match="5 fields but the header has 4")


@pytest.mark.parametrize("sample,column", [("atop", "ccode1"), ("atop", "year"), ("idealpoints", "session"),
                                           ("cow_nmc", "ccode")])
def test_nan_in_a_key_column_is_refused(real_samples, store, tmp_path, sample, column):
    s = real_samples[sample]
    lines = set_field(lines_of(s), 8, column, "NaN")
    refused(store, s, write(tmp_path, s, lines), row=8, field=column, match="value is missing \\('NaN'\\)")


@pytest.mark.parametrize("sample", ["atop", "idealpoints", "reported_trade", "timeline", "comtrade", "wdi",
                                    "cameo_eventcodes", "gdelt", "gravity", "cow_states"])
def test_zero_byte_file_is_refused(real_samples, store, tmp_path, sample):
    s = real_samples[sample]
    refused(store, s, write(tmp_path, s, b""), row=None, field=None, match="empty \\(0 bytes\\)")


@pytest.mark.parametrize("sample,line", [("atop", 12), ("reported_trade", 5), ("timeline", 7), ("comtrade", 1),
                                         ("cameo_eventcodes", 9), ("gdelt", 4), ("gravity", 3), ("wdi", 6)])
def test_non_utf8_bytes_are_refused_with_offset_and_line(real_samples, store, tmp_path, sample, line):
    s = real_samples[sample]
    data = s.path.read_bytes()
    lines = data.split(b"\n")
    pos = len(lines[line - 1]) // 2
    lines[line - 1] = lines[line - 1][:pos] + b"\xff\xfe" + lines[line - 1][pos:]
    bad = b"\n".join(lines)
    offset = bad.index(b"\xff\xfe")
    e = refused(store, s, write(tmp_path, s, bad), row=line, field=None, match="not UTF-8 text")
    assert f"byte offset {offset}" in str(e) and "0xFF" in str(e)


def test_latin1_idealpoints_file_as_published_reads(shared_data):
    """The published ideal-point CSV is Latin-1; the reader knows and reads it."""
    df = sources.get("idealpoints").read(shared_data / "UNIdealPointsJulia/IdealpointestimatesAll_Apr2020.csv")
    assert df.height > 9000


@pytest.mark.parametrize("sample,column,row", [("atop", "year", 4), ("cow_igo", "dyadigos", 5),
                                               ("idealpoints", "NVotes", 9), ("cow_states", "styear", 3)])
def test_integer_overflow_is_refused(real_samples, store, tmp_path, sample, column, row):
    s = real_samples[sample]
    lines = set_field(lines_of(s), row, column, "99999999999999999999")
    refused(store, s, write(tmp_path, s, lines), row=row, field=column, match="too large")


def test_integer_overflow_in_json_and_gdelt(real_samples, store, tmp_path):
    s = real_samples["comtrade"]
    text = s.path.read_text().replace('"refYear": 2010', '"refYear": 99999999999999999999', 1)
    refused(store, s, write(tmp_path, s, text.encode()), row=1, field="refYear", match="too large")
    s = real_samples["gdelt"]
    lines = lines_of(s)
    lines[3] = "99999999999999999999" + lines[3][lines[3].index(","):]
    refused(store, s, write(tmp_path, s, lines), row=4, field="GLOBALEVENTID", match="too large")


def test_nan_and_infinity_are_not_json(real_samples, store, tmp_path):
    s = real_samples["wdi"]
    text = s.path.read_text()
    text = re.sub(r'"value": [0-9.e+]+', '"value": Infinity', text, count=1)
    refused(store, s, write(tmp_path, s, text.encode()), row=None, field=None, match="Infinity is not a JSON number")


@pytest.mark.parametrize("keep", [2, 6, 20])
def test_file_cut_inside_its_header_is_refused(real_samples, store, tmp_path, keep):
    """Found by the fuzz test: a file cut inside its first line once raised an IndexError."""
    s = real_samples["cow_igo"]
    path = write(tmp_path, s, s.path.read_bytes()[:keep])
    refused(store, s, path, row=None, field=None, match="no data rows")
