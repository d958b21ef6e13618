"""GDELT event files (1.0: 57/58 columns, 2.0: 61) and the CAMEO / Goldstein lookup tables.

The raw GDELT files are headerless tab-separated text. The headerless files these tests write are
the real rows of shared/data/gdelt, re-laid out in the published 57-, 58- and 61-column layouts.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import polars as pl
import pytest

from multivector.config import shared_data_dir
from multivector.errors import DataError, OfflineError
from multivector.sources import cameo, gdelt


def _gdelt_dir() -> Path:
    d = shared_data_dir()
    if d is None or not (d / "gdelt").is_dir():
        pytest.skip("shared/data/gdelt not available")
    return d / "gdelt"


@pytest.fixture(scope="module")
def georgia() -> pl.DataFrame:
    return gdelt.read(_gdelt_dir() / "gdelt1_events_georgia_2013-04.csv")


@pytest.fixture(scope="module")
def kaz() -> pl.DataFrame:
    return gdelt.read(_gdelt_dir() / "gdelt1_events_KAZ_subset_2011_2013.csv")


def _as_raw_tsv(frame: pl.DataFrame, columns: list[str], n: int | None = None) -> str:
    """Real rows written back in a published headerless layout (nulls as empty fields)."""
    f = frame.head(n) if n else frame
    out = []
    for row in f.select(columns).iter_rows():
        out.append("\t".join("" if v is None else (f"{v}" if not isinstance(v, float) else repr(v)) for v in row))
    return "\n".join(out) + "\n"


# --- the sample files ---------------------------------------------------------------------------


def test_extract_with_header_and_r_row_names_reads_every_event(georgia):
    assert georgia.height == 3542
    assert georgia["gdelt_version"].unique().to_list() == [1]
    assert list(georgia.columns[:3]) == ["GLOBALEVENTID", "SQLDATE", "MonthYear"]
    assert georgia["EventCode"].str.len_chars().min() >= 2  # leading zeros kept ("010")
    assert georgia["line"][0] == 2  # line 1 is the header
    assert georgia["SOURCEURL"].is_not_null().any()


def test_kazakhstan_subset_reads_with_extra_columns_ignored(kaz):
    assert kaz.height == 236
    assert set(kaz["Year"].unique().to_list()) == {2011, 2012, 2013}
    assert "source_file" not in kaz.columns


def test_dyad_year_table_counts_state_to_state_events(kaz):
    t = gdelt.derive(kaz)["gdelt_dyad_year"]
    assert t.schema["events"] == pl.Int64 and t.schema["goldstein_mean"] == pl.Float64
    assert t.schema["year"] == pl.Int32
    assert (t["iso3_1"] != t["iso3_2"]).all()
    assert not t["iso3_1"].is_in(["EUR", "WST"]).any()  # regions are not states
    quads = t["verb_coop"] + t["matl_coop"] + t["verb_conf"] + t["matl_conf"]
    assert (quads == t["events"]).all()
    assert ((t["goldstein_sum"] / t["events"] - t["goldstein_mean"]).abs() < 1e-9).all()
    # checked by hand against the file: Kazakhstan -> Iran, 2013
    ev = kaz.filter((pl.col("Actor1CountryCode") == "KAZ") & (pl.col("Actor2CountryCode") == "IRN")
                    & (pl.col("Year") == 2013))
    row = t.filter((pl.col("iso3_1") == "KAZ") & (pl.col("iso3_2") == "IRN") & (pl.col("year") == 2013))
    assert row["events"][0] == ev.height == 7
    assert row["num_mentions"][0] == ev["NumMentions"].sum()


def test_cameo_codes_that_differ_from_iso3_are_mapped():
    df = pl.DataFrame({"a": ["ROM", "TMP", "ZAR", "KAZ", "EUR", None]})
    assert df.select(gdelt.state_code("a")).to_series().to_list() == ["ROU", "TLS", "COD", "KAZ", None, None]


# --- the published headerless layouts ---------------------------------------------------------------


@pytest.mark.parametrize("columns,version", [(gdelt.COLUMNS_V1, 1), (gdelt.COLUMNS_V1_URL, 1), (gdelt.COLUMNS_V2, 2)])
def test_headerless_files_are_detected_by_column_count(tmp_path, georgia, columns, version):
    p = tmp_path / "events.CSV"
    p.write_text(_as_raw_tsv(georgia, columns, 200))
    df = gdelt.read(p)
    assert df.height == 200 and df["gdelt_version"][0] == version
    assert df["GLOBALEVENTID"].to_list() == georgia["GLOBALEVENTID"].head(200).to_list()
    assert df["line"][0] == 1
    assert gdelt.derive(df)["gdelt_dyad_year"]["events"].sum() == gdelt.derive(georgia.head(200))["gdelt_dyad_year"]["events"].sum()


def test_zipped_daily_file_is_read(tmp_path, georgia):
    p = tmp_path / "20130401.export.CSV.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("20130401.export.CSV", _as_raw_tsv(georgia, gdelt.COLUMNS_V1_URL, 50))
    assert gdelt.read(p).height == 50


def test_row_with_wrong_column_count_names_file_and_line(tmp_path, georgia):
    text = _as_raw_tsv(georgia, gdelt.COLUMNS_V2, 30).splitlines(keepends=True)
    text[16] = "\t".join(text[16].split("\t")[:57]) + "\n"  # a GDELT 1.0 row inside a 2.0 file
    p = tmp_path / "mixed.CSV"
    p.write_text("".join(text))
    with pytest.raises(DataError) as e:
        gdelt.read(p)
    assert e.value.file == str(p) and e.value.row == 17
    assert "57 columns" in str(e.value) and "61" in str(e.value)


def test_truncated_file_names_the_last_line(tmp_path, georgia):
    text = _as_raw_tsv(georgia, gdelt.COLUMNS_V1_URL, 40)
    p = tmp_path / "cut.CSV"
    last = text.splitlines()[-1]
    p.write_text(text[: len(text) - len(last) // 2])  # the download stopped inside line 40
    with pytest.raises(DataError) as e:
        gdelt.read(p)
    assert e.value.row == 40


def test_renamed_column_in_extract_is_reported(tmp_path):
    lines = (_gdelt_dir() / "gdelt1_events_KAZ_subset_2011_2013.csv").read_text().splitlines(keepends=True)[:20]
    lines[0] = lines[0].replace("QuadClass", "Quad_Class")
    p = tmp_path / "renamed.csv"
    p.write_text("".join(lines))
    with pytest.raises(DataError) as e:
        gdelt.read(p)
    assert e.value.field == "QuadClass" and "Quad_Class" in str(e.value)


def test_non_numeric_quad_class_names_line_and_field(tmp_path, georgia):
    text = _as_raw_tsv(georgia, gdelt.COLUMNS_V1, 20).splitlines(keepends=True)
    fields = text[7].split("\t")
    fields[gdelt.COLUMNS_V1.index("QuadClass")] = "x"
    text[7] = "\t".join(fields)
    p = tmp_path / "nonnum.CSV"
    p.write_text("".join(text))
    with pytest.raises(DataError) as e:
        gdelt.read(p)
    assert (e.value.row, e.value.field) == (8, "QuadClass")


def test_duplicate_event_id_is_rejected(tmp_path, georgia):
    text = _as_raw_tsv(georgia, gdelt.COLUMNS_V1_URL, 10)
    p = tmp_path / "dup.CSV"
    p.write_text(text + text.splitlines(keepends=True)[2])
    with pytest.raises(DataError) as e:
        gdelt.read(p)
    assert e.value.field == "GLOBALEVENTID" and e.value.row == 11 and "line 3" in str(e.value)


def test_file_urls_follow_gdelt_naming():
    assert gdelt.file_url("20130401") == "http://data.gdeltproject.org/events/20130401.export.CSV.zip"
    assert gdelt.file_url("201201") == "http://data.gdeltproject.org/events/201201.zip"
    assert gdelt.file_url("1999") == "http://data.gdeltproject.org/events/1999.zip"
    assert gdelt.file_url("20240101001500", 2).endswith("gdeltv2/20240101001500.export.CSV.zip")
    with pytest.raises(DataError):
        gdelt.file_url("20240101001000", 2)


def test_fetch_fails_at_once_when_offline(tmp_path, monkeypatch):
    monkeypatch.setattr(gdelt, "V2_BASE", "http://127.0.0.1:9/")  # nothing listens on port 9
    with pytest.raises(OfflineError):
        gdelt.fetch(tmp_path)


# --- CAMEO and Goldstein tables -----------------------------------------------------------------------


def test_cameo_tables_read_with_codes_as_text():
    t = cameo.derive(cameo.read(_gdelt_dir()))
    codes, gs = t["cameo_eventcodes"], t["goldstein_scale"]
    assert codes.height == gs.height == 311
    assert codes.filter(pl.col("code") == "0211")["level"][0] == 4
    assert gs.filter(pl.col("code") == "190")["goldstein"][0] == -10.0  # use conventional military force
    assert gs["goldstein"].is_between(-10, 10).all()
    assert set(codes["code"]) == set(gs["code"])


def test_goldstein_scores_in_events_match_the_lookup_table(georgia):
    gs = cameo.read_goldstein(_gdelt_dir() / "CAMEO.goldsteinscale.txt")
    j = georgia.select("EventCode", "GoldsteinScale").join(gs, left_on="EventCode", right_on="code", how="inner")
    assert j.height > 0.95 * georgia.height
    assert ((j["GoldsteinScale"] - j["goldstein"]).abs() < 1e-6).all()


def test_bad_goldstein_score_names_the_line(tmp_path):
    lines = (_gdelt_dir() / "CAMEO.goldsteinscale.txt").read_text().splitlines(keepends=True)[:10]
    lines[5] = lines[5].split("\t")[0] + "\tten\n"
    p = tmp_path / "CAMEO.goldsteinscale.txt"
    p.write_text("".join(lines))
    with pytest.raises(DataError) as e:
        cameo.read_goldstein(p)
    assert (e.value.row, e.value.field) == (6, "GOLDSTEINSCALE")


def test_duplicate_cameo_code_is_rejected(tmp_path):
    lines = (_gdelt_dir() / "CAMEO.eventcodes.txt").read_text().splitlines(keepends=True)[:10]
    p = tmp_path / "CAMEO.eventcodes.txt"
    p.write_text("".join(lines + [lines[3]]))
    with pytest.raises(DataError) as e:
        cameo.read_eventcodes(p)
    assert e.value.row == 11 and "line 4" in str(e.value)


def test_folder_of_overlapping_extracts_keeps_each_event_once():
    df = gdelt.read(_gdelt_dir())
    assert df["GLOBALEVENTID"].is_unique().all()
    assert 3542 < df.height < 3542 + 236  # the two extracts share some events
    assert gdelt.data_coverage(gdelt.derive(df)) == (2011, 2013)


def test_a_cameo_table_given_as_events_is_recognised():
    with pytest.raises(DataError, match="CAMEO lookup table"):
        gdelt.read(_gdelt_dir() / "CAMEO.eventcodes.txt")


def test_event_code_that_lost_its_leading_zero_is_reported(tmp_path):
    lines = (_gdelt_dir() / "gdelt1_events_KAZ_subset_2011_2013.csv").read_text().splitlines(keepends=True)[:6]
    assert ",1,040,040,04," in lines[1]
    lines[1] = lines[1].replace(",1,040,040,04,", ",1,40,40,4,", 1)  # as a spreadsheet would save it
    p = tmp_path / "zeros.csv"
    p.write_text("".join(lines))
    with pytest.raises(DataError) as e:
        gdelt.read(p)
    assert (e.value.row, e.value.field) == (2, "EventCode") and "leading zeros" in str(e.value)
