"""Ideal points to 2024 (calendar years), World Bank GDP in current US$, Chinese development finance."""

from __future__ import annotations

import polars as pl
import pytest

from multivector.errors import DataError
from multivector.sources import aiddata_gcdf, idealpoints, wb_gdp

IDEAL = "voeten-unga-idealpoints-july2025/IdealpointsJuly2025.dta"


@pytest.fixture(scope="module")
def ideal(shared_data):
    return idealpoints.read(shared_data / IDEAL)


@pytest.mark.parametrize("ccode,year,value", [
    # idealpointfp as published in the July 2025 release (provenance table of the data folder)
    (705, 2020, -0.491), (705, 2022, -0.916), (705, 2023, -0.358), (705, 2024, -0.506),
    (710, 2024, -0.854), (365, 2022, -0.809), (2, 2023, 2.218), (640, 2020, 0.556), (705, 2013, -0.471),
])
def test_final_passage_ideal_points_match_the_release(ideal, ccode, year, value):
    row = ideal.filter((pl.col("ccode") == ccode) & (pl.col("year") == year))
    assert row["idealpoint"][0] == pytest.approx(value, abs=5e-4)


def test_only_the_final_passage_series_reaches_2024(ideal):
    t = idealpoints.derive(ideal)
    assert idealpoints.data_coverage(t) == (1946, 2024)
    y2024 = ideal.filter(pl.col("year") == 2024)
    assert y2024["idealpoint"].null_count() == 0 and y2024["idealpoint_all"].null_count() == y2024.height
    legacy = ideal.filter((pl.col("ccode") == 705) & (pl.col("year") == 2021))["idealpoint_legacy"][0]
    assert legacy == pytest.approx(-0.5095, abs=1e-3)  # the session-based series, kept for comparison


def test_the_old_session_release_still_reads(shared_data):
    old = idealpoints.read(shared_data / "UNIdealPointsJulia" / "IdealpointestimatesAll_Apr2020.csv")
    assert old["year"].max() == 2019 and old["idealpoint_all"].null_count() == old.height


def test_a_truncated_stata_file_is_a_clear_error(tmp_path, shared_data):
    bad = tmp_path / "IdealpointsJuly2025.dta"
    bad.write_bytes((shared_data / IDEAL).read_bytes()[:5000])
    with pytest.raises(DataError, match="Stata"):
        idealpoints.read(bad)


# ------------------------------------------------------------------ World Bank GDP, current US$

@pytest.fixture(scope="module")
def gdp(shared_data):
    return wb_gdp.derive(wb_gdp.read(shared_data / "worldbank-gdp" / "gdp.csv"))["gdp_usd_state_year"]


def test_kazakhstan_gdp_in_current_dollars(gdp):
    kaz = dict(gdp.filter(pl.col("ccode") == 705).select("year", "gdp_usd").iter_rows())
    assert kaz[2019] == pytest.approx(181.7e9, rel=2e-3)  # provenance: 181.7 bn
    assert kaz[2023] == pytest.approx(261.4e9, rel=2e-3)  # provenance: 261.4 bn


def test_aggregates_are_left_out_and_codes_follow_cow(gdp):
    assert "EUU" not in gdp["iso3"].to_list() and "WLD" not in gdp["iso3"].to_list()
    de = gdp.filter(pl.col("iso3") == "DEU").select("ccode", "year")
    assert de.filter(pl.col("year") == 1985)["ccode"][0] == 260 and de.filter(pl.col("year") == 2000)["ccode"][0] == 255
    assert gdp.select("ccode", "year").is_unique().all()


@pytest.mark.parametrize("line,needle", [
    ("Kazakhstan,KAZ,2019,abc", "not a number"),
    ("Kazakhstan,KAZ,19x9,1.0", "not a year"),
    ("Kazakhstan,KAZ,2019,-5", "negative"),
    ("Kazakhstan,KAZ,2019", "fields"),
])
def test_bad_gdp_rows_name_the_line(tmp_path, line, needle):
    p = tmp_path / "gdp.csv"  # a tiny file written by the test
    p.write_text("Country Name,Country Code,Year,Value\nKazakhstan,KAZ,2018,1.0\n" + line + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=needle) as exc:
        wb_gdp.read(p)
    assert "line 3" in str(exc.value)


def test_duplicate_gdp_rows_are_an_error(tmp_path):
    p = tmp_path / "gdp.csv"
    p.write_text("Country Name,Country Code,Year,Value\nKazakhstan,KAZ,2018,1.0\nKazakhstan,KAZ,2018,2.0\n", encoding="utf-8")
    with pytest.raises(DataError, match="duplicate"):
        wb_gdp.read(p)


# --------------------------------------------------------------------------- AidData GCDF 3.0

def test_kazakhstan_chinese_finance_total(shared_data):
    t = aiddata_gcdf.derive(aiddata_gcdf.read(shared_data / "aiddata-gcdf3-aggregates"))["cn_finance_state_year"]
    kaz = t.filter(pl.col("ccode") == 705)
    assert kaz["commitments_usd2021"].sum() / 1e9 == pytest.approx(64.15, abs=0.01)  # AidData: 64.15 bn
    assert kaz.filter(pl.col("year") == 2008)["oof_usd2021"][0] / 1e9 == pytest.approx(12.55, abs=0.01)
    assert aiddata_gcdf.data_coverage({"cn_finance_state_year": t}) == (2000, 2021)


def test_negative_commitments_are_an_error(tmp_path):
    p = tmp_path / "cow_gcdf.csv"
    p.write_text("ccode,year,oof_amt,oof_adj,oda_amt,oda_adj,vof_amt,vof_adj\n705,2010,-1,0,0,0,0,0\n", encoding="utf-8")
    with pytest.raises(DataError, match="negative"):
        aiddata_gcdf.read(p)
