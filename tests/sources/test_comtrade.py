"""UN Comtrade+ v1 responses (the real recorded response in shared/data/comtradr)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from multivector.config import shared_data_dir
from multivector.errors import DataError, OfflineError, UnknownCountryError
from multivector.sources import comtrade


@pytest.fixture(scope="module")
def response() -> Path:
    d = shared_data_dir()
    p = None if d is None else d / "comtradr" / "comtrade_v1_get_C_A_HS_CHN_ARG_2010.json"
    if p is None or not p.exists():
        pytest.skip("shared/data/comtradr not available")
    return p


@pytest.fixture()
def doc(response) -> dict:
    return json.loads(response.read_text())


def _write(tmp_path: Path, doc) -> Path:
    p = tmp_path / "resp.json"
    p.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
    return p


def test_recorded_response_gives_exports_and_imports_as_reported_by_china(response):
    t = comtrade.derive(comtrade.read(response))["trade_dyad_year"]
    assert t.columns == ["iso3_1", "iso3_2", "year", "exports_usd", "imports_usd", "source"]
    assert t.schema["year"] == pl.Int32 and t.schema["exports_usd"] == pl.Float64
    arg = t.filter(pl.col("iso3_2") == "ARG").row(0, named=True)
    # values in the recorded API response (China's 2010 report)
    assert arg["exports_usd"] == 6115764185.0 and arg["imports_usd"] == 6804128143.0
    assert arg["source"] == "UN Comtrade (reported by CHN)"
    assert t["iso3_2"].to_list() == ["ARG", "DEU"]


def test_a_flow_not_reported_is_null_not_zero(tmp_path, doc):
    doc["data"] = [r for r in doc["data"] if r["flowCode"] == "X"]
    t = comtrade.derive(comtrade.read(_write(tmp_path, doc)))["trade_dyad_year"]
    assert t["imports_usd"].is_null().all() and t["exports_usd"].is_not_null().all()


def test_world_and_other_non_country_partners_are_left_out(tmp_path, doc):
    world = dict(doc["data"][0], partnerCode=0, partnerISO="W00", partnerDesc="World")
    doc["data"].append(world)
    t = comtrade.derive(comtrade.read(_write(tmp_path, doc)))["trade_dyad_year"]
    assert "W00" not in t["iso3_2"].to_list()


def test_truncated_response_is_reported(tmp_path, response):
    text = response.read_text()
    p = _write(tmp_path, text[: len(text) // 2])
    with pytest.raises(DataError) as e:
        comtrade.read(p)
    assert e.value.file == str(p) and "truncated" in str(e.value)


def test_renamed_field_names_record_and_field(tmp_path, doc):
    doc["data"][2]["primary_value"] = doc["data"][2].pop("primaryValue")
    with pytest.raises(DataError) as e:
        comtrade.read(_write(tmp_path, doc))
    assert (e.value.row, e.value.field) == (3, "primaryValue") and "primary_value" in str(e.value)


def test_non_numeric_code_names_record_and_field(tmp_path, doc):
    doc["data"][1]["partnerCode"] = "DEU"
    with pytest.raises(DataError) as e:
        comtrade.read(_write(tmp_path, doc))
    assert (e.value.row, e.value.field) == (2, "partnerCode")


def test_duplicate_record_is_rejected(tmp_path, doc):
    doc["data"].append(doc["data"][0])
    with pytest.raises(DataError) as e:
        comtrade.read(_write(tmp_path, doc))
    assert e.value.row == 5 and "record 1" in str(e.value)


def test_unknown_reporter_code_is_rejected(tmp_path, doc):
    doc["data"][0]["reporterISO"] = "CHX"
    with pytest.raises(DataError) as e:
        comtrade.read(_write(tmp_path, doc))
    assert (e.value.row, e.value.field) == (1, "reporterISO") and "CHN" in str(e.value)


def test_api_error_message_is_shown(tmp_path):
    p = _write(tmp_path, {"elapsedTime": "0.1 secs", "count": 0, "data": [], "error": "Invalid reporterCode"})
    with pytest.raises(DataError, match="Invalid reporterCode"):
        comtrade.read(p)


def test_comtrade_codes_use_m49_with_comtrade_exceptions():
    assert comtrade.comtrade_code("KAZ") == 398
    assert comtrade.comtrade_code("CHN") == 156
    assert comtrade.comtrade_code("USA") == 842  # Comtrade's code, not ISO 840
    with pytest.raises(UnknownCountryError):
        comtrade.comtrade_code("Narnia")


def test_fetch_fails_at_once_when_offline(tmp_path, monkeypatch):
    import time

    monkeypatch.setattr(comtrade, "PREVIEW_URL", "http://127.0.0.1:9/public/v1/preview/C/A/HS")
    t0 = time.perf_counter()
    with pytest.raises(OfflineError):
        comtrade.fetch(tmp_path, reporter="KAZ", partners=["CHN", "RUS"], years="2015-2016")
    assert time.perf_counter() - t0 < 6


def test_data_coverage_is_the_years_in_the_response(response):
    assert comtrade.data_coverage(comtrade.derive(comtrade.read(response))) == (2010, 2010)


def test_mirror_gaps_compare_exports_with_the_partners_reported_imports():
    # SYNTHETIC two-reporter table (made-up values) in the trade_dyad_year layout
    t = pl.DataFrame({
        "iso3_1": ["KAZ", "CHN", "KAZ"], "iso3_2": ["CHN", "KAZ", "RUS"], "year": [2020, 2020, 2020],
        "exports_usd": [100.0, 50.0, 10.0], "imports_usd": [40.0, 130.0, None],
        "source": ["UN Comtrade (reported by KAZ)", "UN Comtrade (reported by CHN)", "UN Comtrade (reported by KAZ)"],
    }).cast({"year": pl.Int32})
    m = comtrade.mirror_gaps(t)
    kc = m.filter((pl.col("iso3_1") == "KAZ") & (pl.col("iso3_2") == "CHN")).row(0, named=True)
    assert (kc["exports_reported"], kc["imports_mirror"], kc["gap"], kc["ratio"]) == (100.0, 130.0, 30.0, 1.3)
    ck = m.filter((pl.col("iso3_1") == "CHN") & (pl.col("iso3_2") == "KAZ")).row(0, named=True)
    assert ck["imports_mirror"] == 40.0 and ck["gap"] == -10.0
    assert m.height == 2  # KAZ->RUS has no Russian report
