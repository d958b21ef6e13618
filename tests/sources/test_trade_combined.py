"""The combined trade table: precedence, both sides, merging imports, and published figures."""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from multivector.errors import DataError
from multivector.indices.reported import match_figures
from multivector.sources import trade


def _rows(*rows):
    """Synthetic reports (labelled as such): (reporter, partner, year, flow, value, source, vintage)."""
    return pl.DataFrame(
        [(r, p, y, f, v, False, s, vin) for r, p, y, f, v, s, vin in rows],
        schema=trade.SCHEMA, orient="row",
    )


def test_national_statistics_replace_the_imf_for_the_whole_reporter_year():
    long = _rows(
        ("KAZ", "CHN", 2019, "X", 7.8e9, "dots", "2022-02"),
        ("KAZ", "NRU", 2019, "X", 1.0e6, "dots", "2022-02"),   # an IMF estimate the bureau does not list
        ("KAZ", "CHN", 2019, "X", 8.0e9, "kaz_bns", "2020 edition"),
        ("KAZ", "CHN", 2019, "M", 6.6e9, "dots", "2022-02"),   # imports: no national table → DOTS stays
        ("KAZ", "CHN", 2018, "X", 6.3e9, "dots", "2022-02"),
    )
    t = trade.derive(long)["trade_by_partner"]
    chn19 = t.filter((pl.col("iso3_2") == "CHN") & (pl.col("year") == 2019)).row(0, named=True)
    assert chn19["exports_usd"] == 8.0e9 and chn19["exports_source"] == "kaz_bns 2020 edition"
    assert chn19["imports_usd"] == 6.6e9 and chn19["imports_source"] == "dots 2022-02"
    assert t.filter(pl.col("iso3_2") == "NRU").height == 0  # not mixed into the bureau's table
    assert t.filter((pl.col("iso3_2") == "CHN") & (pl.col("year") == 2018))["exports_source"][0] == "dots 2022-02"


def test_the_newest_vintage_of_a_source_wins():
    long = _rows(("KAZ", "CHN", 2019, "X", 8.0e9, "kaz_bns", "2019 edition"),
                 ("KAZ", "CHN", 2019, "X", 8.1e9, "kaz_bns", "2020 edition"))
    t = trade.derive(long)["trade_by_partner"]
    assert t["exports_usd"].to_list() == [8.1e9]


def test_a_partial_source_replaces_single_values_only():
    long = _rows(("DEU", "KAZ", 2019, "X", 1.60e9, "dots", "2022-02"),
                 ("DEU", "CHN", 2019, "X", 90e9, "dots", "2022-02"),
                 ("DEU", "KAZ", 2019, "X", 1.61e9, "eurostat", "2024-11-17"))
    t = trade.derive(long)["trade_by_partner"].sort("iso3_2")
    assert t["exports_usd"].to_list() == [90e9, 1.61e9]
    assert t["exports_source"].to_list() == ["dots 2022-02", "eurostat 2024-11-17"]


def test_a_flow_not_reported_is_null_never_zero():
    t = trade.derive(_rows(("DEU", "KAZ", 2022, "X", 2.9e9, "eurostat", "2024-11-17")))["trade_by_partner"]
    assert t["imports_usd"].to_list() == [None]


def test_merging_keeps_what_the_store_holds(tmp_path):
    from multivector.store import Store

    store = Store(tmp_path / "s.duckdb")
    first = trade.derive(_rows(("KAZ", "CHN", 2019, "X", 8.0e9, "kaz_bns", "2020 edition"),
                               ("KGZ", "KAZ", 2019, "X", 3.5e8, "kgz_nsc", "2024-11")))
    store.import_tables(trade.META, first)
    new = trade.derive(_rows(("KAZ", "CHN", 2019, "X", 7.8e9, "dots", "2022-02"),     # lower rank: ignored
                             ("UZB", "KAZ", 2019, "X", 1.39e9, "uzb_stat", "2024-11")))
    merged = trade.merge(new, store)["trade_by_partner"].sort("iso3_1")
    assert merged["iso3_1"].to_list() == ["KAZ", "KGZ", "UZB"]
    assert merged.filter(pl.col("iso3_1") == "KAZ")["exports_source"][0] == "kaz_bns 2020 edition"
    assert "kaz_bns 2020 edition" in trade.meta_for({"trade_by_partner": merged}).version


def test_a_bad_file_in_an_import_leaves_the_store_as_it_was(tmp_path, shared_data, monkeypatch):
    """`multivector data import trade FOLDER` with one damaged workbook: exit 2, nothing written."""
    from multivector.cli import main
    from multivector.store import Store

    home = tmp_path / "home"
    monkeypatch.setenv("MULTIVECTOR_HOME", str(home))
    store = Store(home / "multivector.duckdb")
    before = store.table("trade_by_partner").height
    version = store.provenance().filter(pl.col("source") == "trade")["version"][0]
    folder = tmp_path / "kgz"
    folder.mkdir()
    for f in (shared_data / "kgz-nsc-trade-geography-1994-2023").glob("4.03.00.2*"):
        shutil.copy(f, folder)
    (folder / "4.03.00.18 broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(SystemExit) as exc:
        main(["data", "import", "trade", str(folder)])
    assert exc.value.code == 2
    after = Store(home / "multivector.duckdb")
    assert after.table("trade_by_partner").height == before
    assert after.provenance().filter(pl.col("source") == "trade")["version"][0] == version


def test_unknown_trade_sources_and_files_are_errors(tmp_path):
    with pytest.raises(DataError, match="unknown trade source"):
        trade.resolve(_rows(("KAZ", "CHN", 2019, "X", 1.0, "rumour", "2024")))
    stray = tmp_path / "notes.txt"
    stray.write_text("hello", encoding="utf-8")
    with pytest.raises(DataError, match="not a trade file"):
        trade.read(stray)


# ------------------------------------------------------- the starter pack's table vs published figures

@pytest.fixture(scope="module")
def stored():
    from multivector.store import default_store

    s = default_store()
    return s.table("trade_by_partner"), s.table("reported_trade")


def _side(t, a, b, year):
    r = t.filter((pl.col("iso3_1") == a) & (pl.col("iso3_2") == b) & (pl.col("year") == year))
    return None if r.height == 0 else (r["exports_usd"][0] + r["imports_usd"][0]) / 1e9


@pytest.mark.parametrize("year,china_side,kazakh_side", [
    # US$ bn; China side = China's customs as reported to the IMF, Kazakh side = Kazakhstan's own
    (2013, 28.6, 22.4), (2016, 13.1, 7.9), (2019, 22.1, 14.8), (2020, 21.4, 15.8),
])
def test_china_side_and_kazakh_side_trade(stored, year, china_side, kazakh_side):
    t, _ = stored
    assert _side(t, "CHN", "KAZ", year) == pytest.approx(china_side, abs=0.1)
    assert _side(t, "KAZ", "CHN", year) == pytest.approx(kazakh_side, abs=0.1)
    assert _side(t, "CHN", "KAZ", year) > _side(t, "KAZ", "CHN", year)  # the usual asymmetry


@pytest.mark.parametrize("year,country,partner,flow,reporter_words,expected", [
    (2022, "KAZ", "CHN", "turnover", "KAZ official data", "country"),    # 24.1 bn, Kazakh side
    (2021, "KAZ", "CHN", "turnover", "PM Smailov", "country"),           # 18 bn
    (2016, "KAZ", "CHN", "turnover", "China customs", "partner"),        # 13.1 bn, Chinese customs
    (2022, "KAZ", "TUR", "exports", "KAZ official data", "country"),     # 4.7 bn
    (2022, "KAZ", "USA", "turnover", "KAZ official data", "country"),    # 3.1 bn
    (2022, "KGZ", "KAZ", "turnover", "Kyrgyzstan stats", "country"),     # 1.181 bn, Kyrgyz side
    (2022, "UZB", "KAZ", "turnover", "Uzbekistan stats", "partner"),     # 5.0 bn: Kazakhstan's figure, not Uzbekistan's
])
def test_stated_figures_match_the_reporter(stored, year, country, partner, flow, reporter_words, expected):
    t, facts = stored
    m = match_figures(facts, t)
    row = m.filter((pl.col("year") == year) & (pl.col("country") == country) & (pl.col("partner") == partner)
                   & (pl.col("flow") == flow) & pl.col("reporter").str.contains(reporter_words))
    assert row.height >= 1
    assert row["matches"].to_list()[0] == expected
