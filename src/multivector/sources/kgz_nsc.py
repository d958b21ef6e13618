"""Kyrgyzstan's goods trade by partner: the National Statistical Committee's tables 4.03.00.18
(exports) and 4.03.00.20 (imports), 1994–2023, in **thousand US$**.

The tables are trilingual (Kyrgyz, Russian, English row labels in the first three columns) with
one column per year; ``-`` means no trade; the last year may carry a footnote mark
(``2023 1`` = preliminary). Partner names are matched through the Russian label (the English one
is tried if the Russian is unknown); groups (ЕС, СНГ, ШОС, ЕАЭС, continents) are left out, "Всего"
is the total (partner ``WLD``).

**Units.** Table 4.03.00.17 ("Экспорт товаров по странам") is in **thousand soms** and gives only
the CIS / non-CIS split, not partners. It is **excluded** (a folder read skips it and records why in
:data:`NOTES`; read on its own it is an error): converting it would add no partner detail. A
table whose unit line is neither thousand US$ nor thousand soms is an error.

Output: the common trade schema of :mod:`multivector.sources.trade` (reporter KGZ, source
``"kgz_nsc"``).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources import _excel
from multivector.sources._names import AGGREGATE, NameTable, normalise, ru_table
from multivector.sources.base import SourceMeta, existing_file

META = SourceMeta(
    key="kgz_nsc",
    name="Kyrgyz Republic, National Statistical Committee: geographic distribution of goods exports and imports",
    version="tables 4.03.00.18 and 4.03.00.20 as published Nov 2024 (1994–2023; 2023 preliminary)",
    url="https://stat.gov.kg/en/statistics/vneshneekonomicheskaya-deyatelnost/",
    licence="official statistics of the Kyrgyz Republic (public, cite the NSC)",
    citation=(
        "National Statistical Committee of the Kyrgyz Republic. Geographic distribution of exports / imports of "
        "goods (tables 4.03.00.18, 4.03.00.20), 1994–2023. stat.gov.kg."
    ),
    bibtex="""@misc{kgz_nsc_trade,
  author = {{National Statistical Committee of the Kyrgyz Republic}},
  title = {Geographic distribution of exports and imports of goods, tables 4.03.00.18 and 4.03.00.20},
  year = {2024},
  howpublished = {\\url{https://stat.gov.kg}},
  note = {1994--2023, thousand US dollars}
}""",
    coverage=(1994, 2023),
    unit="Kyrgyzstan × partner × year × flow (US$)",
)

REPORTER = "KGZ"
VINTAGE = "2024-11"

#: what the last folder read skipped, and why
NOTES: dict[str, str] = {}


class UnitNotUSD(DataError):
    """A table in another currency (the soms table)."""


def _files(p: Path) -> list[Path]:
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.suffix.lower() in (".xlsx", ".xls") and not f.name.startswith("~$"))
        if not files:
            raise DataError("no Excel workbooks in this folder", file=str(p))
        return files
    return [existing_file(p, META.key)]


def read(path: str | Path) -> pl.DataFrame:
    p = Path(path).expanduser()
    names, english = ru_table(), NameTable({}, english=True)
    parts = []
    NOTES.clear()
    flows_seen: dict[str, str] = {}
    for f in _files(p):
        try:
            frame = _workbook(f, names, english)
        except UnitNotUSD as exc:
            if not p.is_dir():
                raise
            NOTES[f.name] = f"excluded: {exc.problem}"
            continue
        if frame is None:
            NOTES[f.name] = "excluded: no table of partners by year"
            continue
        flow = frame["flow"][0]
        if flow in flows_seen:
            raise DataError(f"two {('export' if flow == 'X' else 'import')} tables: {flows_seen[flow]} and {f.name}",
                            file=str(f), hint="keep one workbook per flow")
        flows_seen[flow] = f.name
        parts.append(frame)
    unknown = names.unknown  # Russian labels whose English label did not resolve either
    if unknown:
        listed = "; ".join(f"{n!r} ({w[0]}, row {w[1]})" for n, w in unknown.items())
        first = next(iter(unknown.values()))
        raise DataError(f"{len(unknown)} partner name(s) not in the country table: {listed}", file=first[0], row=first[1],
                        field=first[2], hint="add the Russian name to multivector.sources._names.RU_ALIASES")
    if not parts:
        raise DataError("no table in thousand US$ by partner here", file=str(p),
                        hint="read tables 4.03.00.18 (exports) and 4.03.00.20 (imports)")
    out = pl.concat(parts)
    return out.select(
        pl.lit(REPORTER).alias("reporter"), "partner", "year", "flow", "value_usd",
        pl.lit(False).alias("estimated"), pl.lit(META.key).alias("source"), pl.lit(VINTAGE).alias("vintage"),
    ).sort(["partner", "year", "flow"])


def _workbook(f: Path, names, english) -> pl.DataFrame | None:
    frames = []
    for sheet, df in _excel.sheets(f, META.key):
        fr = _sheet(df, sheet, f, names, english)
        if fr is not None:
            frames.append(fr)
    return pl.concat(frames) if frames else None


def _sheet(df: pl.DataFrame, sheet: str, f: Path, names, english) -> pl.DataFrame | None:
    place = _excel.where(f, sheet)
    top = df.head(20).rows()
    h = next((i for i, r in enumerate(top) if sum(_excel.year_of(c) is not None for c in r[3:]) >= 3), None)
    if h is None or df.width < 4:
        return None
    text = " ".join(str(c) for r in top[:h] for c in r if c is not None).lower()
    if "сом" in text or "soms" in text:
        raise UnitNotUSD("values in thousand soms (not US$) and no partner detail", file=place, field="unit",
                         hint="use tables 4.03.00.18 / 4.03.00.20, which are in thousand US$")
    if not ("доллар" in text or "dollar" in text):
        raise DataError("no unit line in thousand US dollars above the table", file=place, field="unit",
                        hint="a table in another unit cannot be mixed with the US$ tables")
    if "тыс" not in text and "thousand" not in text:
        raise DataError("the unit line does not say thousand US dollars", file=place, field="unit")
    flow = "X" if "экспорт" in text or "export" in text else ("M" if "импорт" in text or "import" in text else None)
    if flow is None:
        raise DataError("the title says neither exports nor imports", file=place, row=1)
    year_cols = {f"c{j}": _excel.year_of(c) for j, c in enumerate(top[h]) if j >= 3 and _excel.year_of(c) is not None}
    body = df.slice(h + 1).with_row_index("_row", offset=h + 2)
    ru = [str(x).strip() if x is not None else "" for x in body["c1"].to_list()]
    en = [str(x).strip() if x is not None else "" for x in body["c2"].to_list()]
    rows = body["_row"].to_list()
    has_values = body.select(pl.any_horizontal([pl.col(c).is_not_null() & (pl.col(c).str.strip_chars() != "")
                                               for c in year_cols]))[:, 0].to_list()
    iso = []
    for r_, e_, row, hv in zip(ru, en, rows, has_values):
        if (not r_ and not e_) or not hv:  # blank lines, footnotes
            iso.append(None)
            continue
        code = names.resolve(r_, (place, row, "Наименование", e_)) if r_ else None
        if code is None and e_:
            code = english.resolve(e_)
            if code is not None and r_ in names.unknown:
                names.unknown.pop(r_)
        iso.append(code)
    total = [normalise(r_).startswith("всего") for r_ in ru]
    iso = ["WLD" if t else (None if c == AGGREGATE else c) for c, t in zip(iso, total)]
    body = body.with_columns(pl.Series("partner", iso, pl.String)).filter(pl.col("partner").is_not_null())
    long = body.select("_row", "partner", *year_cols).unpivot(index=["_row", "partner"], variable_name="_col", value_name="_raw")
    long = long.with_columns(pl.col("_col").replace_strict(year_cols, return_dtype=pl.Int32).alias("year"))
    parsed = _excel.parse_numbers(long["_raw"], dash_is_zero=True)
    long = long.hstack(parsed)
    if long["bad"].any():
        i = int(long["bad"].arg_true()[0])
        raise DataError(f"value {long['_raw'][i]!r} is not a number", file=place, row=int(long["_row"][i]), field=str(long["year"][i]))
    neg = (long["value"] < 0).fill_null(False) | long["value"].is_infinite().fill_null(False)
    if neg.any():
        i = int(neg.arg_true()[0])
        raise DataError(f"trade value {long['_raw'][i]!r} is negative or not finite", file=place, row=int(long["_row"][i]),
                        field=str(long["year"][i]))
    long = long.filter(pl.col("value").is_not_null())
    # one country under two names (Сальвадор / Эль-Сальвадор, Заир / Конго ДР): the rows are added
    dups = long.filter(pl.struct("partner", "year").is_duplicated())["partner"].unique().sort().to_list()
    if dups:
        NOTES[f"{f.name} [{sheet}]"] = f"rows added up for partners listed under two names: {', '.join(dups)}"
    long = long.group_by("partner", "year", maintain_order=True).agg(pl.col("value").sum())
    return long.select("partner", "year", pl.lit(flow).alias("flow"), (pl.col("value") * 1e3).alias("value_usd"))


def derive(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    from multivector.sources import trade

    return trade.derive(frame)
