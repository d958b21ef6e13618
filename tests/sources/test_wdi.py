"""World Bank WDI readers (API v2 JSON and bulk CSV).

No WDI file is stored in shared/data, so these tests build SYNTHETIC files in the published
layouts: the structure is the World Bank's, the numbers (1000, 2000, …) are made up and mean
nothing.
"""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import polars as pl
import pytest

from multivector.errors import DataError, OfflineError
from multivector.sources import wdi


def _rec(ind: str, iso3: str, year: int, value):
    name = {"NY.GDP.MKTP.CD": "GDP (current US$)", "SP.POP.TOTL": "Population, total"}[ind]
    return {"indicator": {"id": ind, "value": name}, "country": {"id": iso3[:2], "value": iso3},
            "countryiso3code": iso3, "date": str(year), "value": value, "unit": "", "obs_status": "", "decimal": 0}


def _page(records):
    return [{"page": 1, "pages": 1, "per_page": 20000, "total": len(records), "sourceid": "2",
             "lastupdated": "2000-01-01"}, records]


@pytest.fixture()
def api_json(tmp_path) -> Path:
    gdp = _page([_rec(wdi.GDP, "KAZ", 2019, 1000.0), _rec(wdi.GDP, "KAZ", 2018, None),
                 _rec(wdi.GDP, "WLD", 2019, 9e9), _rec(wdi.GDP, "CHN", 2019, 5000.0)])
    pop = _page([_rec(wdi.POP, "KAZ", 2019, 20), _rec(wdi.POP, "KAZ", 2018, 19)])
    p = tmp_path / "wdi.json"
    p.write_text(json.dumps([gdp, pop]))
    return p


BULK = (
    '"Data Source","World Development Indicators",\n\n'
    '"Last Updated Date","2000-01-01",\n\n'
    '"Country Name","Country Code","Indicator Name","Indicator Code","2018","2019",\n'
    '"Kazakhstan","KAZ","GDP (current US$)","NY.GDP.MKTP.CD","900","1000",\n'
    '"Kazakhstan","KAZ","Population, total","SP.POP.TOTL","19","20",\n'
    '"World","WLD","Population, total","SP.POP.TOTL","7000","7100",\n'
    '"Kazakhstan","KAZ","Exports of goods and services (current US$)","NE.EXP.GNFS.CD","1","2",\n'
)


def test_api_json_gives_state_years_without_aggregates(api_json):
    t = wdi.derive(wdi.read(api_json))["wdi_state_year"]
    assert t.columns == ["iso3", "year", "gdp_usd", "pop"]
    assert "WLD" not in t["iso3"].to_list()
    kaz = {r["year"]: r for r in t.filter(pl.col("iso3") == "KAZ").iter_rows(named=True)}
    assert kaz[2019]["gdp_usd"] == 1000.0 and kaz[2019]["pop"] == 20.0
    assert kaz[2018]["gdp_usd"] is None and kaz[2018]["pop"] == 19.0  # missing stays null
    assert t.filter(pl.col("iso3") == "CHN")["pop"].is_null().all()


def test_single_page_api_response_is_read(tmp_path):
    p = tmp_path / "one.json"
    p.write_text(json.dumps(_page([_rec(wdi.POP, "KAZ", 2019, 20)])))
    assert wdi.read(p).height == 1


def test_bulk_csv_with_metadata_lines_is_read(tmp_path):
    p = tmp_path / "API_WDI.csv"
    p.write_text(BULK)
    t = wdi.derive(wdi.read(p))["wdi_state_year"]
    assert t.height == 2 and set(t["iso3"]) == {"KAZ"}
    assert t.filter(pl.col("year") == 2018)["gdp_usd"][0] == 900.0


def test_bulk_zip_is_read(tmp_path):
    p = tmp_path / "WDI_CSV.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("WDICSV.csv", BULK.split("\n", 4)[4])
    assert wdi.read(p).filter(pl.col("iso3") == "KAZ").height == 4


def test_bulk_non_numeric_value_names_line_and_field(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text(BULK.replace('"900"', '"n.a."'))
    with pytest.raises(DataError) as e:
        wdi.read(p)
    assert (e.value.row, e.value.field) == (6, "2018")


def test_bulk_duplicate_and_renamed_columns_are_reported(tmp_path):
    lines = BULK.splitlines(keepends=True)
    p = tmp_path / "dup.csv"
    p.write_text("".join(lines + [lines[6]]))
    with pytest.raises(DataError) as e:
        wdi.read(p)
    assert e.value.row == 10 and "line 7" in str(e.value)
    p.write_text(BULK.replace('"Country Code"', '"CountryCode"'))
    with pytest.raises(DataError) as e:
        wdi.read(p)
    assert e.value.field == "Country Code" and "CountryCode" in str(e.value)


def test_api_error_and_truncated_json_are_reported(tmp_path, api_json):
    p = tmp_path / "err.json"
    p.write_text(json.dumps([{"message": [{"id": "120", "key": "Invalid value",
                                           "value": "The provided parameter value is not valid"}]}]))
    with pytest.raises(DataError, match="not valid"):
        wdi.read(p)
    text = api_json.read_text()
    p.write_text(text[: len(text) // 2])
    with pytest.raises(DataError, match="truncated"):
        wdi.read(p)


def test_api_non_numeric_year_names_record(tmp_path):
    p = tmp_path / "y.json"
    p.write_text(json.dumps(_page([_rec(wdi.POP, "KAZ", 2019, 20), dict(_rec(wdi.POP, "KAZ", 2018, 19), date="2018Q1")])))
    with pytest.raises(DataError) as e:
        wdi.read(p)
    assert (e.value.row, e.value.field) == (2, "date")


def test_fetch_fails_at_once_when_offline(tmp_path, monkeypatch):
    monkeypatch.setattr(wdi, "API_BASE", "http://127.0.0.1:9/v2")
    t0 = time.perf_counter()
    with pytest.raises(OfflineError):
        wdi.fetch(tmp_path)
    assert time.perf_counter() - t0 < 6
