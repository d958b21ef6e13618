"""Kazakhstan's foreign trade by partner country: the Bureau of National Statistics' annual tables.

"Основные показатели внешней торговли Республики Казахстан (по странам)" — Jan–Dec turnover,
exports and imports with every partner country and group, in **thousand US$**, published as
legacy Excel workbooks (``.xls``). Each workbook carries its reference year and the previous year
(sometimes revised); the 2023 edition adds cover, notes and contents sheets before the data.

What :func:`read` does:

* finds each data sheet's year in its title ("за январь-декабрь 2019 года", "2023 год") and its
  header row by the words Товарооборот / Экспорт / Импорт (so moved rows still read); sheets
  without such a header (covers, notes) are skipped;
* checks the unit line (тыс. долларов США → × 10³; млн → × 10⁶; anything else is an error);
* maps the Russian partner names to ISO3 (:mod:`multivector.sources._names`); group rows (СНГ,
  ЕАЭС, Европа, Страны ЕС …) are left out, "Всего" is the total (partner ``WLD``); unknown names
  are an error that lists them all;
* an empty cell in a listed partner's row is no trade (0), as in the bureau's tables;
* **vintage**: the edition of a year is the workbook it comes from, named by the workbook's own
  reference year; when several workbooks hold a year the **newest edition wins** (2019 from the
  2020 edition, …, 2022 from the 2023 edition, 2023 from the 2023 edition). ``vintage`` records it,
  e.g. ``"2023 edition"``.

Output: the common trade schema of :mod:`multivector.sources.trade` (reporter KAZ, source
``"kaz_bns"``).
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources import _excel
from multivector.sources._names import AGGREGATE, ru_table
from multivector.sources.base import SourceMeta, existing_file

META = SourceMeta(
    key="kaz_bns",
    name="Kazakhstan, Bureau of National Statistics: main indicators of foreign trade by country",
    version="annual editions 2019–2023 (years 2018–2023)",
    url="https://stat.gov.kz/en/industries/economy/foreign-market/",
    licence="official statistics of the Republic of Kazakhstan (public, cite the Bureau)",
    citation=(
        "Bureau of National Statistics of the Agency for Strategic Planning and Reforms of the Republic of "
        "Kazakhstan. Основные показатели внешней торговли Республики Казахстан (по странам), editions "
        "2019–2023. stat.gov.kz."
    ),
    bibtex="""@misc{kaz_bns_trade,
  author = {{Bureau of National Statistics of the Republic of Kazakhstan}},
  title = {Main indicators of foreign trade of the Republic of Kazakhstan by country},
  year = {2024},
  howpublished = {\\url{https://stat.gov.kz}},
  note = {Annual editions 2019--2023, thousand US dollars}
}""",
    coverage=(2018, 2023),
    unit="Kazakhstan × partner × year × flow (US$)",
)

REPORTER = "KAZ"
UNITS = {"тыс.": 1e3, "млн": 1e6}
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d\d)")


def _files(p: Path) -> list[Path]:
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.suffix.lower() in (".xls", ".xlsx") and not f.name.startswith("~$"))
        if not files:
            raise DataError("no Excel workbooks (*.xls) in this folder", file=str(p))
        return files
    return [existing_file(p, META.key)]


def read(path: str | Path) -> pl.DataFrame:
    """One workbook or a folder of them → the common trade schema, newest edition of each year."""
    names = ru_table()
    parts = []
    for f in _files(Path(path).expanduser()):
        sheets = list(_excel.sheets(f, META.key))
        found = [(_sheet(df, sheet, f, names), sheet) for sheet, df in sheets]
        found = [(fr, s) for fr, s in found if fr is not None]
        if not found:
            raise DataError("no sheet with a trade table (Товарооборот / Экспорт / Импорт header) in this workbook",
                            file=str(f), hint="is this a BNS 'Основные показатели внешней торговли' workbook?")
        edition = max(int(fr["year"][0]) for fr, _ in found)
        years = [int(fr["year"][0]) for fr, _ in found]
        if len(set(years)) != len(years):
            raise DataError(f"two sheets hold the same year {years}", file=str(f), hint="keep one sheet per year")
        for fr, _s in found:
            parts.append(fr.with_columns(pl.lit(edition).alias("_edition")))
    if names.unknown:
        listed = "; ".join(f"{n!r} ({w[0]}, row {w[1]})" for n, w in names.unknown.items())
        first = next(iter(names.unknown.values()))
        raise DataError(f"{len(names.unknown)} partner name(s) not in the country table: {listed}",
                        file=first[0], row=first[1], field=first[2],
                        hint="add the name to multivector.sources._names.RU_ALIASES (country) or RU_AGGREGATES (group)")
    allrows = pl.concat(parts)
    newest = allrows.group_by("year").agg(pl.col("_edition").max().alias("_newest"))
    out = allrows.join(newest, on="year").filter(pl.col("_edition") == pl.col("_newest"))
    return out.select(
        pl.lit(REPORTER).alias("reporter"), "partner", "year", "flow", "value_usd",
        pl.lit(False).alias("estimated"), pl.lit(META.key).alias("source"),
        pl.format("{} edition", pl.col("_edition")).alias("vintage"),
    ).sort(["partner", "year", "flow"])


def _sheet(df: pl.DataFrame, sheet: str, f: Path, names) -> pl.DataFrame | None:
    place = _excel.where(f, sheet)
    top = df.head(40).rows()
    h = None
    for i, row in enumerate(top):
        cells = [str(c).strip().lower() for c in row if c is not None]
        if any(c.startswith("товарооборот") for c in cells) and any(c.startswith("экспорт") for c in cells) \
                and any(c.startswith("импорт") for c in cells):
            h = i
            break
    if h is None:
        text = " ".join(str(c) for r in top for c in r if c is not None).lower()
        if "экспорт" in text and "импорт" in text and df.height > 30:
            raise DataError("a trade table without its header row (Товарооборот / Экспорт / Импорт)", file=place,
                            hint="the header may have been deleted or moved below row 40")
        return None
    header = [str(c).strip().lower() if c is not None else "" for c in top[h]]
    cx = next(j for j, c in enumerate(header) if c.startswith("экспорт"))
    cm = next(j for j, c in enumerate(header) if c.startswith("импорт"))
    title = " ".join(str(r[0]) for r in top[:h] if r[0] is not None)
    years = _YEAR_IN_TITLE.findall(title)
    if not years:
        raise DataError("the title above the table names no year", file=place, row=1,
                        hint="the title should read like 'за январь-декабрь 2019 года' or '2023 год'")
    year = int(years[-1])
    m = _YEAR_IN_TITLE.search(sheet)
    if m and int(m.group(1)) != year:
        raise DataError(f"sheet '{sheet}' holds a table titled for {year}", file=place, row=1)
    if not 1991 <= year <= 2100:
        raise DataError(f"year {year} is out of range", file=place, row=1)
    unit_text = " ".join(str(c) for r in top[:h + 2] for c in r if c is not None).lower()
    scale = None
    if "доллар" in unit_text:
        scale = next((v for k, v in UNITS.items() if k in unit_text), None)
    if scale is None:
        raise DataError("no unit line in US dollars (тыс. долларов США) above the table", file=place, field="unit",
                        hint="the bureau's tables are in thousand US$; a table in another unit cannot be mixed in")
    body = df.slice(h + 1).with_row_index("_row", offset=h + 2)
    labels = [str(x).strip() if x is not None else "" for x in body["c0"].to_list()]
    xs = body[f"c{cx}"]
    ms = body[f"c{cm}"]
    px = _excel.parse_numbers(xs, dash_is_zero=True)
    pm = _excel.parse_numbers(ms, dash_is_zero=True)
    rows = body["_row"].to_list()
    out = []
    for k, lbl in enumerate(labels):
        if not lbl:
            continue
        x_empty, m_empty = px["value"][k] is None, pm["value"][k] is None
        if px["bad"][k] or pm["bad"][k]:
            raw = xs[k] if px["bad"][k] else ms[k]
            raise DataError(f"value {raw!r} is not a number", file=place, row=rows[k],
                            field="Экспорт" if px["bad"][k] else "Импорт")
        if x_empty and m_empty:
            continue  # a text line (footnote, sub-heading) or a group header without values
        iso = names.resolve(lbl, (place, rows[k], "Наименование"))
        if iso is None:
            continue
        if iso == AGGREGATE:
            from multivector.sources._names import normalise

            if not normalise(lbl).startswith("всего"):
                continue
            iso = "WLD"
        for flow, val in (("X", px["value"][k]), ("M", pm["value"][k])):
            v = 0.0 if val is None else float(val)
            if v < 0 or v != v or v in (float("inf"),):
                raise DataError(f"trade value {v} is negative or not finite", file=place, row=rows[k],
                                field="Экспорт" if flow == "X" else "Импорт")
            out.append((iso, year, flow, v * scale, rows[k]))
    if not out:
        raise DataError("the table has a header but no rows", file=place, hint="the file may be truncated")
    frame = pl.DataFrame(out, schema={"partner": pl.String, "year": pl.Int32, "flow": pl.String,
                                      "value_usd": pl.Float64, "_row": pl.Int64}, orient="row")
    dup = frame.select("partner", "flow").is_duplicated()
    if dup.any():
        i = int(dup.arg_true()[0])
        raise DataError(f"partner {frame['partner'][i]} appears twice in the table", file=place,
                        row=int(frame["_row"][i]), field="Наименование")
    return frame.drop("_row")


def derive(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    from multivector.sources import trade

    return trade.derive(frame)
