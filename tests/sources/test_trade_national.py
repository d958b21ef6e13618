"""National statistics to 2023 (Kazakhstan, Kyrgyzstan, Uzbekistan) and Eurostat's EU exports.

Published checks come from each data folder's PROVENANCE (the bureaus' own totals) and from the
files themselves (the bureau's printed partner shares). Bad-input files are copies of the real
tables changed by the tests, or tiny tables the tests write (labelled).
"""

from __future__ import annotations

import csv
import shutil

import polars as pl
import pytest

from multivector.errors import DataError
from multivector.sources import eurostat_comext, imf_dots, kaz_bns, kgz_nsc, uzb_stat

BNS = "kaz-bns-trade-by-country-2018-2023"
NSC = "kgz-nsc-trade-geography-1994-2023"
UZB = "uzb-stat-trade-by-country-2010-2023"
EUROSTAT = "eurostat-comext-eu-exports-2010-2024"


def _v(df, partner, year, flow, reporter=None):
    f = df.filter((pl.col("partner") == partner) & (pl.col("year") == year) & (pl.col("flow") == flow))
    if reporter:
        f = f.filter(pl.col("reporter") == reporter)
    return f["value_usd"][0]


@pytest.fixture(scope="module")
def bns(shared_data):
    return kaz_bns.read(shared_data / BNS)


@pytest.mark.parametrize("year,chn_x,chn_m,rus_x,rus_m", [
    # Kazakh side, US$ bn (BNS; the data folder's verification table)
    (2018, 6.31, 5.38, 5.28, 13.24), (2019, 8.00, 6.79, 5.67, 14.31), (2020, 9.42, 6.38, 5.01, 13.77),
    (2021, 9.77, 8.23, 7.02, 17.61), (2022, 13.06, 11.14, 9.09, 17.88), (2023, 14.67, 15.39, 10.21, 16.85),
])
def test_kazakhstan_bureau_figures(bns, year, chn_x, chn_m, rus_x, rus_m):
    for partner, x, m in (("CHN", chn_x, chn_m), ("RUS", rus_x, rus_m)):
        assert _v(bns, partner, year, "X") / 1e9 == pytest.approx(x, abs=0.006)
        assert _v(bns, partner, year, "M") / 1e9 == pytest.approx(m, abs=0.006)


def test_the_newest_edition_of_each_year_wins_and_says_so(bns):
    ed = dict(bns.select("year", "vintage").unique().iter_rows())
    assert ed == {2018: "2019 edition", 2019: "2020 edition", 2020: "2021 edition", 2021: "2022 edition",
                  2022: "2023 edition", 2023: "2023 edition"}


def test_a_revised_year_is_taken_from_the_newer_edition(tmp_path, shared_data):
    """In the five real editions the repeated year's exports and imports were never revised (only
    the rounding of one turnover cell), so the rule is checked on a copy: the 2023 edition rewritten
    by the test with China's 2022 exports raised by 1,000 thousand US$, beside the real 2022 edition."""
    shutil.copy(next((shared_data / BNS).glob("*по странам_2022.xls")), tmp_path)

    def raise_china(ws, k):
        for row in ws.iter_rows():
            if row[0].value == "Китай":
                row[3].value = float(row[3].value) + 1000.0

    _bns_as_xlsx(shared_data, tmp_path, edit=raise_china, sheet="2022")
    df = kaz_bns.read(tmp_path)
    new = df.filter((pl.col("partner") == "CHN") & (pl.col("year") == 2022) & (pl.col("flow") == "X"))
    assert new["vintage"].to_list() == ["2023 edition"]
    old = kaz_bns.read(next((shared_data / BNS).glob("*по странам_2022.xls")))
    assert new["value_usd"][0] == pytest.approx(_v(old, "CHN", 2022, "X") + 1e6)


def test_partner_share_equals_the_bureaus_printed_share(shared_data, bns):
    """The bureau prints each partner's share of turnover; ours, from its values, must match."""
    from python_calamine import CalamineWorkbook

    f = next((shared_data / BNS).glob("*2023.xls"))
    rows = CalamineWorkbook.from_path(str(f)).get_sheet_by_name("2023").to_python()
    printed = next(r[2] for r in rows if str(r[0]).strip() == "Китай")
    ours = (_v(bns, "CHN", 2023, "X") + _v(bns, "CHN", 2023, "M")) / (_v(bns, "WLD", 2023, "X") + _v(bns, "WLD", 2023, "M"))
    assert ours * 100 == pytest.approx(float(printed), abs=0.001)


def _bns_as_xlsx(shared_data, tmp_path, top_rows: int = 0, edit=None, sheet="2023"):
    """The 2023 workbook's data sheets rewritten as .xlsx by the test (optionally with blank rows
    pushed in above a sheet, or a cell of ``sheet`` changed)."""
    import fastexcel
    import openpyxl

    src = next((shared_data / BNS).glob("*2023.xls"))
    book = fastexcel.read_excel(str(src))
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in ("2023", "2022"):
        rows = book.load_sheet(name, header_row=None, dtypes="string").to_polars().rows()
        ws = wb.create_sheet(name)
        for _ in range(top_rows):
            ws.append([])
        for r in rows:
            ws.append([(float(c) if c and c.replace(".", "", 1).replace("e-", "", 1).isdigit() else c) for c in r])
        if edit and name == sheet:
            edit(ws, top_rows)
    p = tmp_path / "Основные показатели внешней торговли по странам_2023.xlsx"
    wb.save(p)
    return p


def test_moved_header_rows_read_the_same_values(tmp_path, shared_data, bns):
    moved = kaz_bns.read(_bns_as_xlsx(shared_data, tmp_path, top_rows=5))
    assert _v(moved, "CHN", 2023, "X") == pytest.approx(_v(bns, "CHN", 2023, "X"))
    assert moved.filter(pl.col("year") == 2023).height == bns.filter(pl.col("year") == 2023).height


@pytest.mark.parametrize("edit,needle", [
    (lambda ws, k: ws.cell(row=k + 3, column=5, value="тыс. тенге"), "no unit line in US dollars"),
    (lambda ws, k: ws.cell(row=k + 4, column=2, value="Итого"), "without its header row"),
    (lambda ws, k: ws.cell(row=k + 20, column=1, value="Атлантида"), "Атлантида"),
    (lambda ws, k: ws.cell(row=k + 20, column=4, value="12 тыс."), "is not a number"),
])
def test_bad_bureau_tables_are_clear_errors(tmp_path, shared_data, edit, needle):
    with pytest.raises(DataError, match=needle):
        kaz_bns.read(_bns_as_xlsx(shared_data, tmp_path, edit=edit))


# ---------------------------------------------------------------------------------- Kyrgyzstan

def test_kyrgyz_tables_and_the_excluded_soms_table(shared_data):
    df = kgz_nsc.read(shared_data / NSC)
    assert _v(df, "KAZ", 2019, "X") / 1e3 == pytest.approx(347_066, abs=1)   # thousand US$
    assert _v(df, "KAZ", 2023, "X") / 1e3 == pytest.approx(449_009, abs=1)
    assert _v(df, "CHN", 2022, "M") / 1e3 == pytest.approx(4_069_468, abs=1)
    assert _v(df, "WLD", 2023, "M") / 1e3 == pytest.approx(12_351_968, abs=1)
    soms = [k for k in kgz_nsc.NOTES if k.startswith("4.03.00.17")]
    assert soms and "thousand soms" in kgz_nsc.NOTES[soms[0]]


def test_the_soms_table_alone_is_an_error(shared_data):
    f = next((shared_data / NSC).glob("4.03.00.17*"))
    with pytest.raises(DataError, match="thousand soms"):
        kgz_nsc.read(f)


def test_mixed_units_in_one_folder_do_not_mix(tmp_path, shared_data):
    """A copy of the US$ export table whose unit line says soms is not read as US$."""
    import openpyxl

    for f in (shared_data / NSC).glob("4.03.00.20*"):
        shutil.copy(f, tmp_path)
    src = next((shared_data / NSC).glob("4.03.00.18*"))
    wb = openpyxl.load_workbook(src)
    ws = wb.worksheets[0]
    ws["B2"], ws["C2"] = "(тыс. сомов)", "(thousand soms)"
    wb.save(tmp_path / src.name)
    df = kgz_nsc.read(tmp_path)
    assert df["flow"].unique().to_list() == ["M"]
    assert "thousand soms" in kgz_nsc.NOTES[src.name]


# ---------------------------------------------------------------------------------- Uzbekistan

@pytest.fixture(scope="module")
def uzb(shared_data):
    return uzb_stat.read(shared_data / UZB)


def test_uzbek_values_in_thousand_dollars(uzb):
    assert _v(uzb, "CHN", 2019, "M") / 1e3 == pytest.approx(5_108_629, abs=1)
    assert _v(uzb, "CHN", 2023, "M") / 1e3 == pytest.approx(11_339_099, abs=1)
    assert _v(uzb, "KAZ", 2023, "X") / 1e3 == pytest.approx(1_417_054, abs=1)
    assert _v(uzb, "RUS", 2023, "M") / 1e3 == pytest.approx(6_660_632, abs=1)


def test_the_uzbek_unit_is_confirmed_against_the_imf(shared_data, uzb):
    """Read as thousand US$, the file's total imports are of the IMF's size for Uzbekistan, and its
    imports from Kazakhstan match Kazakhstan's reported exports to Uzbekistan (both 2019)."""
    dots_uzb = imf_dots.read(shared_data / "imf-dots-2022snapshot/DOTS/DOTS_210.xlsx")
    ratio = _v(uzb, "WLD", 2019, "M") / _v(dots_uzb, "WLD", 2019, "M")
    assert 0.8 < ratio < 1.25  # in US$ the ratio would be 1000, in US$ million 0.001
    dots_kaz = imf_dots.read(shared_data / "imf-dots-2022snapshot/DOTS/DOTS_103.xlsx")
    assert _v(uzb, "KAZ", 2019, "M") / _v(dots_kaz, "UZB", 2019, "X") == pytest.approx(1.0, abs=0.05)


def _uzb_copy(tmp_path, shared_data, name="sdmx_data_1105.csv", scale=1.0, code=None):
    rows = list(csv.reader((shared_data / UZB / "sdmx_data_1105.csv").read_text(encoding="utf-8-sig").splitlines()))
    for r in rows[1:]:
        r[4:] = [str(float(x) * scale) if x else x for x in r[4:]]
    if code:
        rows[1][0] = code
    p = tmp_path / name
    with open(p, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return p


@pytest.mark.parametrize("kwargs,needle", [
    ({"scale": 1000.0}, "unit is not thousand US"),       # the same file in US$
    ({"name": "uzbek_exports.csv"}, "cannot tell exports from imports"),
    ({"code": "999"}, "not ISO 3166 numeric"),
])
def test_bad_uzbek_files(tmp_path, shared_data, kwargs, needle):
    with pytest.raises(DataError, match=needle):
        uzb_stat.read(_uzb_copy(tmp_path, shared_data, **kwargs))


# ------------------------------------------------------------------------------------ Eurostat

@pytest.fixture(scope="module")
def euro(shared_data):
    return eurostat_comext.read(shared_data / EUROSTAT)


@pytest.mark.parametrize("year,bn", [(2013, 7.06), (2016, 4.78), (2019, 5.92), (2021, 5.49), (2022, 10.35), (2023, 12.11)])
def test_eu27_exports_to_kazakhstan_in_euro(euro, year, bn):
    row = euro.filter((pl.col("reporter") == "EU27_2020") & (pl.col("partner") == "KAZ") & (pl.col("year") == year))
    assert row.height == 1
    assert row["value_eur"][0] / 1e9 == pytest.approx(bn, abs=0.006)


def test_conversion_uses_the_ecb_annual_average(euro):
    row = euro.filter((pl.col("reporter") == "EU27_2020") & (pl.col("partner") == "KAZ") & (pl.col("year") == 2023)).row(0, named=True)
    assert row["usd_per_eur"] == pytest.approx(1.0813, abs=2e-4)  # ECB: 2023 average 1.0813 US$ per euro
    assert row["value_usd"] == pytest.approx(row["value_eur"] * row["usd_per_eur"])


def test_members_add_up_to_the_eu27_and_the_uk_is_dated(euro):
    m = euro.filter((pl.col("reporter") != "EU27_2020") & (pl.col("partner") == "KAZ"))
    assert m.filter(pl.col("reporter") == "GBR")["year"].to_list() == [2019]  # UK reported through Jan 2020 only
    assert sorted(m["year"].unique().to_list()) == [2019, 2020, 2021, 2022, 2023]  # Jan–Aug 2024 left out
    for year in (2019, 2023):
        members = m.filter((pl.col("year") == year) & (pl.col("reporter") != "GBR"))["value_eur"].sum()
        eu27 = euro.filter((pl.col("reporter") == "EU27_2020") & (pl.col("partner") == "KAZ") & (pl.col("year") == year))["value_eur"][0]
        assert members == pytest.approx(eu27, rel=0.005)


def test_the_french_file_reads_like_the_english_ones(euro):
    eu = euro.filter(pl.col("reporter") == "EU27_2020")
    gnb = dict(eu.filter(pl.col("partner") == "GNB").select("year", "value_eur").iter_rows())
    assert 1.0e8 < gnb[2016] < 1.6e8  # "Guinea" in the French file is Guinea-Bissau
    p15 = set(eu.filter(pl.col("year") == 2015)["partner"].to_list())
    p16 = set(eu.filter(pl.col("year") == 2016)["partner"].to_list())
    assert p15 <= p16


def test_a_repeated_eurostat_file_is_an_error(tmp_path, shared_data):
    f = next((shared_data / EUROSTAT / "eu_year_export").glob("*.csv"))
    shutil.copy(f, tmp_path / f.name)
    shutil.copy(f, tmp_path / ("copy_" + f.name))
    with pytest.raises(DataError, match="the same reporter, partner and period twice"):
        eurostat_comext.read(tmp_path)


@pytest.mark.parametrize("partner,period,needle", [
    ("Atlantis", "Jan.-Dec. 2019", "Atlantis"),
    ("Kazakhstan", "Q3 2019", "is not a month or a year"),
])
def test_bad_eurostat_rows_are_clear_errors(tmp_path, partner, period, needle):
    """A tiny Relational View file written by the test (made-up value)."""
    p = tmp_path / "Relational_View_test.csv"
    p.write_text("REPORTER,PARTNER,PRODUCT,FLOW,STAT_PROCEDURE,PERIOD,VALUE_IN_EUR\n"
                 f'"Germany","{partner}","TOTAL-Total","2-EXPORT","T-Total","{period}",1000\n', encoding="utf-8")
    with pytest.raises(DataError, match=needle) as exc:
        eurostat_comext.read(p)
    assert "line 2" in str(exc.value)
