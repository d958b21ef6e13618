"""ICEWS directed dyad-year counts (netify's icews.rda)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from multivector.config import shared_data_dir
from multivector.errors import DataError
from multivector.sources import icews


@pytest.fixture(scope="module")
def rda() -> Path:
    d = shared_data_dir()
    if d is None or not (d / "netify" / "icews.rda").exists():
        pytest.skip("shared/data/netify/icews.rda not available")
    return d / "netify" / "icews.rda"


@pytest.fixture(scope="module")
def raw(rda):
    import pyreadr

    return pyreadr.read_r(str(rda))["icews"]


@pytest.fixture(scope="module")
def raw_slice(raw):
    """The first 300 rows of the real file, as pandas (for writing small bad files)."""
    return raw.head(300).copy()


@pytest.fixture(scope="module")
def frame(raw, rda) -> pl.DataFrame:
    return icews.from_table(raw, str(rda))  # what icews.read(rda) does after reading the file


def _write(tmp_path: Path, pdf) -> Path:
    import pyreadr

    p = tmp_path / "icews_bad.rda"
    pyreadr.write_rdata(str(p), pdf, df_name="icews")
    return p


def test_icews_reads_all_directed_dyad_years(frame):
    assert frame.height == 298376
    assert frame["year"].min() == 2002 and frame["year"].max() == 2014
    assert frame.select(pl.concat_list("iso3_1", "iso3_2").explode().n_unique()).item() == 152


def test_store_table_has_the_panel_schema_and_is_directed(frame):
    t = icews.derive(frame)["icews_dyad_year"]
    assert t.schema == pl.Schema({"iso3_1": pl.String, "iso3_2": pl.String, "year": pl.Int32,
                                  "verb_coop": pl.Int64, "matl_coop": pl.Int64, "verb_conf": pl.Int64,
                                  "matl_conf": pl.Int64})
    kc = t.filter((pl.col("iso3_1") == "KAZ") & (pl.col("iso3_2") == "CHN") & (pl.col("year") == 2002))
    ck = t.filter((pl.col("iso3_1") == "CHN") & (pl.col("iso3_2") == "KAZ") & (pl.col("year") == 2002))
    assert kc["verb_coop"][0] == 387  # netify icews.rda: Kazakhstan -> China, 2002
    assert ck.height == 1  # the reverse direction is its own row


def test_unknown_country_code_names_row_and_field(tmp_path, raw_slice):
    bad = raw_slice.copy()
    bad.loc[bad.index[4], "j_iso3c"] = "XYZ"
    with pytest.raises(DataError) as e:
        icews.read(_write(tmp_path, bad))
    assert (e.value.row, e.value.field) == (5, "iso3_2") and "XYZ" in str(e.value)


def test_renamed_column_is_reported(tmp_path, raw_slice):
    bad = raw_slice.rename(columns={"verbCoop": "verb_coop"})
    with pytest.raises(DataError) as e:
        icews.read(_write(tmp_path, bad))
    assert e.value.field == "verbCoop" and "verb_coop" in str(e.value)


def test_non_numeric_count_names_row_and_field(tmp_path, raw_slice):
    bad = raw_slice.copy()
    bad["matlConf"] = bad["matlConf"].astype(str)
    bad.loc[bad.index[9], "matlConf"] = "many"
    with pytest.raises(DataError) as e:
        icews.read(_write(tmp_path, bad))
    assert (e.value.row, e.value.field) == (10, "matlConf")


def test_duplicate_dyad_year_is_rejected(tmp_path, raw_slice):
    import pandas as pd

    bad = pd.concat([raw_slice, raw_slice.iloc[[3]]], ignore_index=True)
    with pytest.raises(DataError) as e:
        icews.read(_write(tmp_path, bad))
    assert "duplicate" in str(e.value) and e.value.row == 4


def test_truncated_file_fails_with_the_file_named(tmp_path, rda):
    p = tmp_path / "cut.rda"
    p.write_bytes(rda.read_bytes()[:20000])
    with pytest.raises(DataError) as e:
        icews.read(p)
    assert e.value.file == str(p) and "truncated" in str(e.value)
