"""Gravity cross-section (R package gravity) and the Yotov et al. (2016) Stata panel."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from multivector.config import shared_data_dir
from multivector.errors import DataError
from multivector.sources import gravity


def _data(sub: str) -> Path:
    d = shared_data_dir()
    if d is None or not (d / sub).exists():
        pytest.skip(f"shared/data/{sub} not available")
    return d / sub


@pytest.fixture(scope="module")
def zeros_raw():
    import pyreadr

    return pyreadr.read_r(str(_data("gravity/gravity_zeros.rdata")))["gravity_zeros"]


def _write_rdata(tmp_path: Path, pdf) -> Path:
    import pyreadr

    p = tmp_path / "gravity_bad.rdata"
    pyreadr.write_rdata(str(p), pdf, df_name="gravity_zeros")
    return p


def test_cross_section_has_the_documented_year_and_kazakhstan_both_ways():
    df = gravity.read(_data("gravity/gravity_zeros.rdata"))
    t = gravity.derive(df)["gravity_cross_section"]
    assert t.height == 22588
    assert t["year"].unique().to_list() == [gravity.CROSS_SECTION_YEAR]
    assert t.filter(pl.col("iso_o") == "KAZ").height > 0 and t.filter(pl.col("iso_d") == "KAZ").height > 0
    assert t.schema["flow"] == pl.Float64 and t.schema["rta"] == pl.Int8
    assert "ROU" in t["iso_o"].to_list() and "ROM" not in t["iso_o"].to_list()  # old CEPII code mapped
    no_zeros = gravity.read(_data("gravity/gravity_no_zeros.rdata"))
    assert no_zeros.height == 17088 and (no_zeros["flow"] > 0).all()


def test_cross_section_unknown_code_names_row_and_field(tmp_path, zeros_raw):
    bad = zeros_raw.head(100).copy()
    bad.loc[bad.index[6], "iso_d"] = "QQQ"
    with pytest.raises(DataError) as e:
        gravity.read(_write_rdata(tmp_path, bad))
    assert (e.value.row, e.value.field) == (7, "iso_d")


def test_cross_section_renamed_column_is_reported(tmp_path, zeros_raw):
    bad = zeros_raw.head(50).rename(columns={"distw": "dist_w"})
    with pytest.raises(DataError) as e:
        gravity.read(_write_rdata(tmp_path, bad))
    assert e.value.field == "distw" and "dist_w" in str(e.value)


def test_cross_section_csv_errors_give_the_editor_line(tmp_path, zeros_raw):
    p = tmp_path / "gravity.csv"
    zeros_raw.head(20).to_csv(p, index=False)
    lines = p.read_text().splitlines(keepends=True)
    fields = lines[5].split(",")
    fields[6] = "n/a"  # flow on line 6
    lines[5] = ",".join(fields)
    p.write_text("".join(lines))
    with pytest.raises(DataError) as e:
        gravity.read(p)
    assert (e.value.row, e.value.field) == (6, "flow")


def test_cross_section_duplicate_pair_is_rejected(tmp_path, zeros_raw):
    import pandas as pd

    bad = pd.concat([zeros_raw.head(30), zeros_raw.iloc[[2]]], ignore_index=True)
    with pytest.raises(DataError) as e:
        gravity.read(_write_rdata(tmp_path, bad))
    assert "duplicate" in str(e.value)


def test_yotov_panel_reads_with_rta_only_in_chapter_two():
    ch2 = gravity.read(_data("yotov-gravity/Chapter2Application2.dta"))
    assert ch2.height == 99981
    assert ch2["exporter"].n_unique() == 69
    assert (ch2["year"].min(), ch2["year"].max()) == (1986, 2006)
    assert ch2["rta"].is_not_null().all() and set(ch2["rta"].unique().to_list()) <= {0, 1}
    assert list(gravity.derive(ch2)) == ["yotov_gravity"]
    ch1 = gravity.read(_data("yotov-gravity/Chapter1Application1.dta"))
    assert ch1["rta"].is_null().all()
    # intra-national flows are part of the panel
    assert ch2.filter(pl.col("exporter") == pl.col("importer")).height == 69 * 21


def test_yotov_truncated_file_is_reported(tmp_path):
    src = _data("yotov-gravity/Chapter1Application1.dta")
    p = tmp_path / "cut.dta"
    p.write_bytes(src.read_bytes()[:5000])
    with pytest.raises(DataError) as e:
        gravity.read(p)
    assert e.value.file == str(p)


# --- any user's flow file, as published (estimation lives in multivector.econ) ----------------------


def test_read_flows_keeps_every_column_and_makes_stata_years_whole_numbers():
    df = gravity.read_flows(_data("yotov-gravity/Chapter2Application2.dta"))
    assert len(df) == 99981
    assert {"exporter", "importer", "pair_id", "year", "trade", "DIST", "RTA"} <= set(df.columns)
    assert str(df["year"].dtype) == "int64" and df["year"].min() == 1986


def test_read_flows_reads_csv_and_parquet_alike(tmp_path):
    import pandas as pd

    frame = pd.DataFrame({"exporter": ["KAZ", "CHN"], "importer": ["CHN", "KAZ"], "year": [2020.0, 2020.0],
                          "trade": [1.5, 2.5]})
    frame.to_csv(tmp_path / "f.csv", index=False)
    frame.to_parquet(tmp_path / "f.parquet")
    a = gravity.read_flows(tmp_path / "f.csv")
    b = gravity.read_flows(tmp_path / "f.parquet")
    assert a.equals(b) and a["year"].tolist() == [2020, 2020]


def test_read_flows_names_the_file_when_it_cannot_read_it(tmp_path):
    bad = tmp_path / "flows.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(DataError, match="cannot read '.xlsx'"):
        gravity.read_flows(bad)
    cut = tmp_path / "cut.dta"
    cut.write_bytes(_data("yotov-gravity/Chapter1Application1.dta").read_bytes()[:3000])
    with pytest.raises(DataError) as e:
        gravity.read_flows(cut)
    assert e.value.file == str(cut)
    with pytest.raises(DataError, match="no such file"):
        gravity.read_flows(tmp_path / "absent.csv")
