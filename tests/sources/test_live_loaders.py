"""Live loaders, offline: each is run against a recorded response (UN Comtrade, the UN extracts) or,
where no response is recorded, a small fixture written here from the API's documented format
(IMF IMTS SDMX-CSV, the Harvard Dataverse file list) — labelled as such. An httpx mock transport
serves them, so the request the loader sends is checked too."""

from __future__ import annotations

import json

import httpx
import polars as pl
import pytest

from multivector.errors import OfflineError
from multivector.sources import comtrade, idealpoints, imf_imts, trade


@pytest.fixture()
def recorded(shared_data) -> bytes:
    return (shared_data / "comtradr" / "comtrade_v1_get_C_A_HS_CHN_ARG_2010.json").read_bytes()


def test_comtrade_fetch_waits_out_the_rate_limit(tmp_path, recorded, monkeypatch):
    calls, slept = [], []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(dict(request.url.params))
        if len(calls) < 3:
            return httpx.Response(429, headers={"Retry-After": "1"} if len(calls) == 1 else {})
        return httpx.Response(200, content=recorded)

    monkeypatch.setattr(comtrade, "BACKOFF_S", 0.5)
    import time

    monkeypatch.setattr(time, "sleep", lambda s: slept.append(s))
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        path = comtrade.fetch(tmp_path, reporters="CHN", partners="ARG", years="2010", client=client)
    assert slept == [1.0, 1.0]  # the server's Retry-After, then the backoff of a second retry (0.5 s × 2)
    assert calls[-1]["reporterCode"] == "156" and calls[-1]["partnerCode"] == "32" and calls[-1]["period"] == "2010"
    t = comtrade.derive(comtrade.read(path))["trade_dyad_year"]
    assert t.filter(pl.col("iso3_1") == "CHN")["imports_usd"][0] == pytest.approx(6_804_128_143.0)


def test_comtrade_gives_up_after_the_retries(tmp_path, monkeypatch):
    monkeypatch.setattr(comtrade, "BACKOFF_S", 0.0)
    with httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(429))) as client:
        with pytest.raises(OfflineError, match="429"):
            comtrade.fetch(tmp_path, reporters="KAZ", partners=None, years="2019", client=client)


def test_comtrade_years_and_lists_are_parsed():
    assert comtrade.parse_years("2015-2017,2020") == [2015, 2016, 2017, 2020]
    with pytest.raises(Exception, match="years"):
        comtrade.parse_years("last year")


def test_comtrade_product_detail_for_concentration(tmp_path, recorded):
    """The recorded answer with its TOTAL rows relabelled as two HS chapters (a fixture derived here)."""
    doc = json.loads(recorded)
    for i, rec in enumerate(doc["data"]):
        rec["cmdCode"] = ["27", "26"][i % 2]
    p = tmp_path / "comtrade_hs2.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    t = comtrade.derive(comtrade.read(p))
    assert t["trade_products"]["cmd_code"].unique().sort().to_list() == ["26", "27"]
    assert t["trade_dyad_year"].height == 0


# IMF IMTS: a fixture written from the documented SDMX-CSV 2.0 layout of the IMF's SDMX 3.0 API
# (columns STRUCTURE … OBS_VALUE, UNIT_MULT); the values are made up.
IMTS_FIXTURE = """STRUCTURE,STRUCTURE_ID,ACTION,COUNTRY,INDICATOR,COUNTERPART_COUNTRY,FREQUENCY,TIME_PERIOD,OBS_VALUE,UNIT_MULT
dataflow,IMF.STA:IMTS(1.0.0),I,KAZ,XG_FOB_USD,CHN,A,2021,9800.5,6
dataflow,IMF.STA:IMTS(1.0.0),I,KAZ,MG_CIF_USD,CHN,A,2021,8300.25,6
dataflow,IMF.STA:IMTS(1.0.0),I,KAZ,XG_FOB_USD,G001,A,2021,60300,6
dataflow,IMF.STA:IMTS(1.0.0),I,KAZ,XG_FOB_USD,CHN,M,2021-01,700,6
dataflow,IMF.STA:IMTS(1.0.0),I,KAZ,XG_FOB_USD,G998,A,2021,5,6
"""


def test_imts_fetch_and_read_the_documented_format(tmp_path):
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["url"], seen["accept"] = str(request.url), request.headers.get("accept")
        return httpx.Response(200, text=IMTS_FIXTURE)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        path = trade.fetch(tmp_path, reporters="KAZ", years="2021-2022", client=client)
    assert "/IMF.STA/IMTS/+/KAZ.XG_FOB_USD+MG_CIF_USD..A" in seen["url"]
    assert "ge%3A2021%2Ble%3A2022" in seen["url"] or "ge:2021+le:2022" in seen["url"]
    assert seen["accept"].startswith("application/vnd.sdmx.data+csv")
    df = imf_imts.read(path)
    assert df.filter((pl.col("partner") == "CHN") & (pl.col("flow") == "X"))["value_usd"][0] == pytest.approx(9800.5e6)
    assert set(df["partner"]) == {"CHN", "WLD"}  # monthly rows and IMF groups are not read
    tables = trade.derive(trade.read(path))
    assert tables["trade_by_partner"]["exports_source"][0].startswith("imts ")


def test_imts_ranks_between_dots_and_national_statistics(tmp_path):
    p = tmp_path / "imts_KAZ_2021-2021_2026-01-01.csv"
    p.write_text(IMTS_FIXTURE, encoding="utf-8")
    long = pl.concat([imf_imts.read(p), pl.DataFrame(
        [("KAZ", "CHN", 2021, "X", 9.77e9, False, "kaz_bns", "2022 edition")], schema=trade.SCHEMA, orient="row")])
    t = trade.derive(long)["trade_by_partner"].row(0, named=True)
    assert t["exports_source"] == "kaz_bns 2022 edition" and t["imports_source"] == "imts 2026-01-01"


def test_dataverse_fetch_finds_the_file_in_the_dataset_listing(tmp_path, shared_data, monkeypatch):
    """The Dataverse answer is a fixture in the documented shape of its files API
    (``{"status": "OK", "data": [{"dataFile": {"id": …, "filename": …}}]}``); the .dta served is the real one."""
    listing = {"status": "OK", "data": [
        {"label": "Codebook.docx", "dataFile": {"id": 11, "filename": "Codebook United Nations General Assembly Ideal Points.docx"}},
        {"label": "IdealpointsJuly2025.tab", "dataFile": {"id": 12, "filename": "IdealpointsJuly2025.tab"}},
    ]}
    dta = (shared_data / "voeten-unga-idealpoints-july2025" / "IdealpointsJuly2025.dta").read_bytes()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/files"):
            return httpx.Response(200, json=listing)
        assert request.url.path.endswith("/datafile/12") and request.url.params["format"] == "original"
        return httpx.Response(200, content=dta)

    transport = httpx.MockTransport(handler)

    def stream(method, url, **kw):  # the loader downloads with httpx.stream; serve it from the transport
        kw.pop("follow_redirects", None)
        kw.pop("timeout", None)
        return httpx.Client(transport=transport).stream(method, url, **kw)

    monkeypatch.setattr(httpx, "stream", stream)
    path = idealpoints.fetch(tmp_path)
    df = idealpoints.read(path)
    assert df.filter((pl.col("ccode") == 705) & (pl.col("year") == 2024))["idealpoint"][0] == pytest.approx(-0.506, abs=5e-4)


def test_data_fetch_refuses_options_a_source_does_not_take(capsys):
    from multivector.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["data", "fetch", "atop", "--years", "2019"])
    assert exc.value.code == 2
    assert "apply to comtrade and trade only" in capsys.readouterr().err
