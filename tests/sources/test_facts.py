"""reported_trade (facts.py) and timeline: the hand-compiled tables in shared/data/facts."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from multivector.config import shared_data_dir
from multivector.errors import DataError
from multivector.indices.reported import disagreements
from multivector.sources import facts, timeline


def _facts_dir() -> Path:
    d = shared_data_dir()
    if d is None or not (d / "facts").is_dir():
        pytest.skip("shared/data/facts not available")
    return d / "facts"


@pytest.fixture(scope="module")
def trade_csv() -> Path:
    return _facts_dir() / "reported_trade.csv"


@pytest.fixture(scope="module")
def timeline_csv() -> Path:
    return _facts_dir() / "timeline.csv"


@pytest.fixture(scope="module")
def trade(trade_csv) -> pl.DataFrame:
    return facts.read(trade_csv)


def _lines(p: Path) -> list[str]:
    return p.read_text(encoding="utf-8").splitlines(keepends=True)


def _write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    p = tmp_path / name
    p.write_text("".join(lines), encoding="utf-8")
    return p


# --- reported_trade: the real file -------------------------------------------------------------


def test_reported_trade_reads_every_row_with_the_fixed_schema(trade):
    assert trade.height == 190
    store = facts.derive(trade)["reported_trade"]
    assert store.columns[:1] == ["year"]
    for col, dt in [("year", pl.Int32), ("reporter", pl.String), ("country", pl.String), ("partner", pl.String),
                    ("flow", pl.String), ("value_usd_bn", pl.Float64), ("share_pct", pl.Float64),
                    ("value_mt", pl.Float64), ("source_url", pl.String)]:
        assert store.schema[col] == dt
    assert store["source_url"].str.starts_with("http").all()


def test_conflicting_reporters_stay_separate_rows_never_averaged(trade):
    rows = trade.filter(
        (pl.col("country") == "KAZ") & (pl.col("partner") == "CHN") & (pl.col("year") == 2023)
        & (pl.col("flow") == "turnover") & (pl.col("period") == "annual")
    )
    values = set(rows["value_usd_bn"].to_list())
    assert {41.0, 31.4} <= values  # China-side vs Kazakhstan-side figures, both kept
    assert rows["reporter"].n_unique() == rows.height


def test_disagreements_lists_the_china_kazakhstan_2023_gap(trade):
    d = disagreements(trade)
    row = d.filter((pl.col("country") == "KAZ") & (pl.col("partner") == "CHN") & (pl.col("year") == 2023)
                   & (pl.col("flow") == "turnover") & (pl.col("period") == "annual"))
    assert row.height == 1
    assert row["min_value"][0] == pytest.approx(31.4)
    assert row["max_value"][0] == pytest.approx(41.0)
    assert row["gap"][0] == pytest.approx(9.6)
    assert row["n_reporters"][0] >= 2
    assert (d["n_reporters"] > 1).all()
    assert (d["gap"] >= 0).all()


def test_disagreements_compare_only_the_same_period_by_default(trade):
    sel = (pl.col("country") == "KAZ") & (pl.col("partner") == "CHN") & (pl.col("year") == 2022) \
        & (pl.col("flow") == "turnover")
    annual = disagreements(trade).filter(sel & (pl.col("period") == "annual"))
    mixed = disagreements(trade, same_period=False).filter(sel)
    assert annual["min_value"][0] == pytest.approx(24.0)  # annual figures only
    assert mixed["min_value"][0] == pytest.approx(13.5)  # the Jan-Jul figure joins when periods are mixed


def test_year_ranges_keep_their_label_and_have_no_single_year(trade):
    r = trade.filter(pl.col("year_label") == "1991-2000")
    assert r.height == 1 and r["year"][0] is None


# --- reported_trade: bad files --------------------------------------------------------------------


def test_truncated_file_names_the_line(tmp_path, trade_csv):
    lines = _lines(trade_csv)[:11]
    cut = lines[10][: len(lines[10]) // 3].rstrip("\n") + "\n"  # line 11 cut mid-row
    p = _write(tmp_path, "cut.csv", lines[:10] + [cut])
    with pytest.raises(DataError) as e:
        facts.read(p)
    assert e.value.row == 11 and e.value.file == str(p)
    assert "truncated" in str(e.value)


def test_renamed_column_is_named_with_a_close_match(tmp_path, trade_csv):
    lines = _lines(trade_csv)[:6]
    lines[0] = lines[0].replace("value_usd_bn", "value_usd")
    p = _write(tmp_path, "renamed.csv", lines)
    with pytest.raises(DataError) as e:
        facts.read(p)
    assert e.value.field == "value_usd_bn" and "value_usd" in str(e.value)


def test_non_numeric_value_names_line_and_field(tmp_path, trade_csv):
    lines = _lines(trade_csv)[:6]
    lines[3] = lines[3].replace(",8,", ",eight,", 1)  # line 4: KAZ->CHN exports Jan-Jul 2022 = 8
    assert ",eight," in lines[3]
    p = _write(tmp_path, "nonnum.csv", lines)
    with pytest.raises(DataError) as e:
        facts.read(p)
    assert (e.value.row, e.value.field) == (4, "value_usd_bn")
    assert "What to do" in str(e.value)


def test_non_numeric_year_is_rejected(tmp_path, trade_csv):
    lines = _lines(trade_csv)[:4]
    lines[2] = "20x8" + lines[2][4:]
    p = _write(tmp_path, "year.csv", lines)
    with pytest.raises(DataError) as e:
        facts.read(p)
    assert (e.value.row, e.value.field) == (3, "year")


def test_duplicate_row_names_both_lines(tmp_path, trade_csv):
    lines = _lines(trade_csv)[:5]
    p = _write(tmp_path, "dup.csv", lines + [lines[2]])
    with pytest.raises(DataError) as e:
        facts.read(p)
    assert e.value.row == 6 and "line 3" in str(e.value)


def test_unknown_country_code_is_rejected_with_a_suggestion(tmp_path, trade_csv):
    lines = _lines(trade_csv)[:5]
    lines[4] = lines[4].replace(",KAZ,CHN,", ",KAZ,CHM,", 1)
    assert ",CHM," in lines[4]
    p = _write(tmp_path, "unknown.csv", lines)
    with pytest.raises(DataError) as e:
        facts.read(p)
    assert (e.value.row, e.value.field) == (5, "partner")
    assert "'CHM'" in str(e.value) and "did you mean CHN" in str(e.value)


def test_missing_file_says_the_table_is_hand_compiled(tmp_path):
    with pytest.raises(DataError, match="hand-compiled"):
        facts.read(tmp_path / "nope.csv")


def test_groups_are_allowed_as_partners(tmp_path, trade_csv):
    lines = _lines(trade_csv)[:3]
    lines[2] = lines[2].replace(",KAZ,CHN,", ",KAZ,EAEU,", 1)
    df = facts.read(_write(tmp_path, "group.csv", lines))
    assert df["partner"].to_list()[-1] == "EAEU"


# --- timeline ---------------------------------------------------------------------------------------


def test_timeline_reads_dates_as_given_with_known_parts(timeline_csv):
    tl = timeline.derive(timeline.read(timeline_csv))["timeline"]
    assert tl.height == 90
    assert tl.schema["parties"] == pl.List(pl.String) and tl.schema["year"] == pl.Int32
    r = tl.filter(pl.col("date") == "1992-01-03").row(0, named=True)
    assert (r["year"], r["month"], r["day"]) == (1992, 1, 3) and r["parties"] == ["CHN", "KAZ"]
    y = tl.filter(pl.col("date") == "1991").row(0, named=True)
    assert (y["year"], y["month"], y["day"]) == (1991, None, None)
    assert tl["year"].is_sorted()


def test_timeline_events_with_filters_by_parties(timeline_csv):
    tl = timeline.derive(timeline.read(timeline_csv))["timeline"]
    kc = timeline.events_with(tl, "KAZ", "CHN")
    assert kc.height > 20 and kc["parties"].list.contains("CHN").all()
    assert kc.filter(pl.col("title").str.contains("First China–Central Asia Summit")).height == 1


def test_timeline_bad_date_names_line_and_field(tmp_path, timeline_csv):
    lines = _lines(timeline_csv)[:5]
    lines[3] = lines[3].replace("1992-01-03", "1992-13-03", 1)
    p = _write(tmp_path, "t.csv", lines)
    with pytest.raises(DataError) as e:
        timeline.read(p)
    assert (e.value.row, e.value.field) == (4, "date")


def test_timeline_unknown_party_code_is_rejected(tmp_path, timeline_csv):
    lines = _lines(timeline_csv)[:5]
    lines[3] = lines[3].replace("CHN;KAZ", "CHN;KAX", 1)
    p = _write(tmp_path, "t.csv", lines)
    with pytest.raises(DataError) as e:
        timeline.read(p)
    assert (e.value.row, e.value.field) == (4, "parties") and "KAX" in str(e.value)


def test_timeline_renamed_and_truncated_files_fail_clearly(tmp_path, timeline_csv):
    lines = _lines(timeline_csv)[:5]
    renamed = [lines[0].replace("parties", "party")] + lines[1:]
    with pytest.raises(DataError) as e:
        timeline.read(_write(tmp_path, "r.csv", renamed))
    assert e.value.field == "parties"
    with pytest.raises(DataError) as e:
        timeline.read(_write(tmp_path, "c.csv", lines[:4] + [lines[4][:25] + "\n"]))
    assert e.value.row == 5
