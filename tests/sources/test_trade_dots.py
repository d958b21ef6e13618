"""IMF DOTS workbooks: values, estimates, aggregates, duplicate reporters and bad workbooks.

Published checks: China-side and Kazakh-side China–Kazakhstan trade (US$ million) from the DOTS
snapshot; China-side totals equal China Customs' published figures (28.6 bn 2013, 13.1 bn 2016,
22.0 bn 2019; see the data folder's PROVENANCE). Bad-input workbooks are copies of a real workbook
changed by the tests (openpyxl), or tiny workbooks the tests write in the DOTS layout (labelled).
"""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from multivector.errors import DataError
from multivector.sources import imf_dots

DOTS = "imf-dots-2022snapshot/DOTS"


@pytest.fixture(scope="module")
def kaz_chn(shared_data):
    # reading a list of workbooks: copy the two into one folder
    return {103: imf_dots.read(shared_data / DOTS / "DOTS_103.xlsx"), 40: imf_dots.read(shared_data / DOTS / "DOTS_40.xlsx")}


def _flow(df, reporter, partner, year, flow):
    return df.filter((pl.col("reporter") == reporter) & (pl.col("partner") == partner) & (pl.col("year") == year)
                     & (pl.col("flow") == flow))["value_usd"][0] / 1e6


@pytest.mark.parametrize("year,chn_x,chn_m,kaz_x,kaz_m", [
    (2013, 12_540, 16_024, 14_168, 8_193),
    (2016, 8_273, 4_793, 4_228, 3_668),
    (2019, 12_807, 9_259, 7_823, 6_566),
    (2020, 11_707, 9_726, 9_004, 6_346),
])
def test_china_kazakhstan_both_sides(kaz_chn, year, chn_x, chn_m, kaz_x, kaz_m):
    chn, kaz = kaz_chn[40], kaz_chn[103]
    assert _flow(chn, "CHN", "KAZ", year, "X") == pytest.approx(chn_x, abs=1)
    assert _flow(chn, "CHN", "KAZ", year, "M") == pytest.approx(chn_m, abs=1)
    assert _flow(kaz, "KAZ", "CHN", year, "X") == pytest.approx(kaz_x, abs=1)
    assert _flow(kaz, "KAZ", "CHN", year, "M") == pytest.approx(kaz_m, abs=1)


def test_china_side_totals_equal_china_customs(kaz_chn):
    chn = kaz_chn[40]
    for year, bn in ((2013, 28.6), (2016, 13.1), (2019, 22.0)):
        assert (_flow(chn, "CHN", "KAZ", year, "X") + _flow(chn, "CHN", "KAZ", year, "M")) / 1e3 == pytest.approx(bn, abs=0.1)


def test_estimates_are_flagged_and_aggregates_left_out(kaz_chn):
    kaz = kaz_chn[103]
    aus93 = kaz.filter((pl.col("partner") == "AUS") & (pl.col("year") == 1993) & (pl.col("flow") == "X"))
    assert aus93["estimated"][0] and aus93["value_usd"][0] == pytest.approx(0.14e6)
    assert "WLD" in kaz["partner"].to_list()  # the World row is the reporter's total
    assert not kaz["partner"].is_in(["EU", "EUU", "<aggregate>"]).any()
    assert kaz.select("partner", "year", "flow").is_unique().all()


def test_aggregate_reporters_and_duplicate_files(tmp_path, shared_data):
    for n in (143, 144, 221, 103):  # Nicaragua twice, World, Kazakhstan
        shutil.copy(shared_data / DOTS / f"DOTS_{n}.xlsx", tmp_path)
    df = imf_dots.read(tmp_path)
    assert sorted(df["reporter"].unique().to_list()) == ["KAZ", "NIC"]
    assert imf_dots.NOTES["aggregate reporters skipped"] == ["DOTS_221.xlsx"]
    assert imf_dots.NOTES["duplicate reporter files"] == ["DOTS_144.xlsx repeats DOTS_143.xlsx (NIC)"]


def test_two_different_workbooks_of_one_reporter_are_an_error(tmp_path, shared_data):
    import openpyxl

    shutil.copy(shared_data / DOTS / "DOTS_143.xlsx", tmp_path / "DOTS_143.xlsx")
    wb = openpyxl.load_workbook(shared_data / DOTS / "DOTS_143.xlsx")
    wb.worksheets[0]["C8"] = 123456.0  # a different value for one cell
    wb.save(tmp_path / "DOTS_144.xlsx")
    with pytest.raises(DataError, match="two workbooks for reporter NIC"):
        imf_dots.read(tmp_path)


def test_a_moved_header_row_still_reads_the_same_values(tmp_path, shared_data):
    import openpyxl

    src = shared_data / DOTS / "DOTS_103.xlsx"
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        ws.insert_rows(2, amount=4)  # four blank rows pushed in under the title
    wb.save(tmp_path / "DOTS_103.xlsx")
    moved = imf_dots.read(tmp_path / "DOTS_103.xlsx").sort(["partner", "year", "flow"])
    orig = imf_dots.read(src).sort(["partner", "year", "flow"])
    assert moved.equals(orig)


def _tiny(tmp_path, unit="US Dollars, Millions", cell=12.5, partner="China, P.R.: Mainland", header=True):
    """A two-sheet workbook in the DOTS layout, written by the test (synthetic values)."""
    import openpyxl

    wb = openpyxl.Workbook()
    for i, title in enumerate(("Exports, FOB to Partner Countries", "Imports, CIF from Partner Countries")):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title.split(" to ")[0].split(" from ")[0]
        ws.append([title]); ws.append([]); ws.append(["Kazakhstan, Rep. of"]); ws.append([unit]); ws.append([])
        if header:
            ws.append([None, "2019", "2020"])
        ws.append([partner, cell, 3.0])
        ws.append(["World", 100.0, 110.0])
    p = tmp_path / "DOTS_999.xlsx"
    wb.save(p)
    return p


def test_units_are_read_from_the_unit_line(tmp_path):
    df = imf_dots.read(_tiny(tmp_path, unit="US Dollars, Thousands"))
    assert _flow(df, "KAZ", "CHN", 2019, "X") == pytest.approx(12.5 / 1e3)


@pytest.mark.parametrize("kwargs,needle", [
    ({"unit": "Tenge, Millions"}, "no unit line"),
    ({"unit": "Euro Dollars, Millions"}, "not understood"),
    ({"header": False}, "no header row of years"),
    ({"cell": "12,5 x"}, "is not a number"),
    ({"cell": -4.0}, "negative"),
    ({"partner": "Atlantis"}, "Atlantis"),
])
def test_bad_workbooks_are_clear_errors(tmp_path, kwargs, needle):
    with pytest.raises(DataError, match=needle) as exc:
        imf_dots.read(_tiny(tmp_path, **kwargs))
    assert "DOTS_999.xlsx" in str(exc.value)


def test_the_error_names_sheet_row_and_year(tmp_path):
    with pytest.raises(DataError) as exc:
        imf_dots.read(_tiny(tmp_path, cell="n/a"))
    msg = str(exc.value)
    assert "sheet 'Exports, FOB'" in msg and "row 7" in msg and "field '2019'" in msg


def test_a_truncated_workbook_is_a_clear_error(tmp_path, shared_data):
    p = tmp_path / "DOTS_103.xlsx"
    p.write_bytes((shared_data / DOTS / "DOTS_103.xlsx").read_bytes()[:4000])
    with pytest.raises(DataError, match="cannot be read as an Excel workbook"):
        imf_dots.read(p)
