"""IMF Direction of Trade Statistics (DOTS): goods trade by partner, as reported by each reporter.

The DOTS portal's per-reporter workbooks (``DOTS_1.xlsx`` … ``DOTS_235.xlsx``, snapshot of early
2022): sheet 1 "Exports, FOB to Partner Countries", sheet 2 "Imports, CIF from Partner
Countries"; a title, the reporter's name and the unit ("US Dollars, Millions") above a header row
of years; one row per partner economy or IMF aggregate. Values printed with " e" are IMF estimates.

What :func:`read` does with them:

* values are converted to US$ (× 10⁶) and keep an ``estimated`` flag;
* the partner row "World" is the reporter's total (partner ``WLD``); the other IMF aggregates
  (regions, "Euro Area", "Countries & Areas not specified", …) are not partners and are left out;
* workbooks whose *reporter* is an aggregate (World, European Union, regions, SACCA — 16 of the
  235) are skipped; two workbooks of the same reporter (``DOTS_143`` and ``DOTS_144`` are both
  Nicaragua) are kept once if identical, an error if they differ;
* a label that is neither a known economy nor a known aggregate is an error that lists them all.

The header row is found by its years, so a workbook whose rows moved still reads; a sheet without
a year header, an unknown unit, text in a number cell, a negative value or an infinite value are
errors naming the file, the sheet, the row (as Excel numbers it) and the year.

Output: the common trade schema of :mod:`multivector.sources.trade` (reporter, partner, year,
flow X/M, value_usd, estimated, source ``"dots"``, vintage).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources import _excel
from multivector.sources._names import AGGREGATE, imf_table, normalise
from multivector.sources.base import SourceMeta, existing_file

META = SourceMeta(
    key="dots",
    name="IMF Direction of Trade Statistics (DOTS), exports FOB and imports CIF by partner",
    version="DOTS portal snapshot, early 2022 (1960–2020)",
    url="https://data.imf.org/?sk=9D6028D4-F14A-464C-A2F2-59B2CD424B85",
    licence="IMF Copyright and Usage terms: reuse with attribution to the IMF",
    citation=(
        "International Monetary Fund. 2022. Direction of Trade Statistics (DOTS): exports FOB and imports "
        "CIF by partner, annual. Washington, DC: IMF (now International Trade in Goods by partner, IMTS)."
    ),
    bibtex="""@misc{imf_dots2022,
  author = {{International Monetary Fund}},
  title = {Direction of Trade Statistics ({DOTS})},
  year = {2022},
  publisher = {International Monetary Fund},
  address = {Washington, DC},
  note = {Exports FOB and imports CIF by partner, annual; snapshot of early 2022}
}""",
    coverage=(1960, 2020),
    unit="reporter × partner × year × flow (US$)",
)

VINTAGE = "2022-02"
SCALE = {"millions": 1e6, "thousands": 1e3, "billions": 1e9}
#: labels used only where the exact country's own row has no value that year
SECONDARY = frozenset(normalise(x) for x in (
    "Belgium-Luxembourg", "Malaysia, West", "Serbia and Montenegro", "Yugoslavia", "USSR", "Yemen Arab Rep.",
))

#: what the last :func:`read` skipped, and why
NOTES: dict[str, list[str]] = {}


def _files(p: Path) -> list[Path]:
    if p.is_dir():
        sub = p / "DOTS"
        folder = sub if sub.is_dir() else p
        files = sorted(folder.glob("*.xlsx"), key=lambda f: (len(f.stem), f.stem))
        if not files:
            raise DataError("no DOTS workbooks (*.xlsx) in this folder", file=str(p))
        return files
    return [existing_file(p, META.key)]


def read(path: str | Path, *, reporters: set[str] | None = None) -> pl.DataFrame:
    """Every workbook in a folder (or one workbook) → the common trade schema.

    ``reporters`` (ISO3) keeps only those reporters' workbooks (all are still read and checked).
    """
    files = _files(Path(path).expanduser())
    names = imf_table()
    by_reporter: dict[str, tuple[Path, pl.DataFrame, str]] = {}
    notes: dict[str, list[str]] = {"aggregate reporters skipped": [], "duplicate reporter files": []}
    for f in files:
        rep, label, frame = _read_workbook(f, names)
        if rep == AGGREGATE:
            notes["aggregate reporters skipped"].append(f.name)
            continue
        if rep in by_reporter:
            first, other, other_label = by_reporter[rep]
            if frame.drop("_place").equals(other.drop("_place")) or \
                    _long(frame).select(LONG_KEY).sort(LONG_KEY).equals(_long(other).select(LONG_KEY).sort(LONG_KEY)):
                notes["duplicate reporter files"].append(f"{f.name} repeats {first.name} ({rep})")
                continue
            if (normalise(label) in SECONDARY) == (normalise(other_label) in SECONDARY):
                raise DataError(
                    f"two workbooks for reporter {rep} with different values: {first.name} and {f.name}",
                    file=str(f), hint="keep the right one (DOTS has one workbook per reporter)",
                )
            # a predecessor or union (Belgium-Luxembourg 1960–1996) and the country itself (Belgium
            # 1997–): one reporter, the country's own figures first where both have a year
            new_is_secondary = normalise(label) in SECONDARY
            primary, secondary = (_long(other), _long(frame)) if new_is_secondary else (_long(frame), _long(other))
            merged = pl.concat([primary, secondary.join(primary.select("partner", "year", "flow").unique(),
                                                        on=["partner", "year", "flow"], how="anti")])
            notes["duplicate reporter files"].append(f"{f.name} and {first.name} merged as one reporter ({rep})")
            by_reporter[rep] = (first, merged, other_label if new_is_secondary else label)
            continue
        by_reporter[rep] = (f, frame, label)
    if names.unknown:
        listed = "; ".join(f"{n!r} ({w[0]}, row {w[1]})" for n, w in list(names.unknown.items())[:40])
        first_place = next(iter(names.unknown.values()))
        raise DataError(
            f"{len(names.unknown)} partner or reporter label(s) are neither a known economy nor an IMF aggregate: {listed}",
            file=first_place[0], row=first_place[1], field="partner",
            hint="add the label to multivector.sources._names.IMF_ALIASES (country) or IMF_AGGREGATES",
        )
    keep = {rep: fr for rep, (_f, fr, _l) in by_reporter.items() if reporters is None or rep in reporters}
    NOTES.clear()
    NOTES.update(notes)
    if not keep:
        raise DataError("no reporter economy in these workbooks", file=str(path))
    # the wide frames of all workbooks are stacked and turned long at once (one unpivot, one parse)
    wide = [fr.with_columns(pl.lit(rep).alias("reporter")) for rep, fr in keep.items() if "_raw" not in fr.columns]
    long = [fr.with_columns(pl.lit(rep).alias("reporter")) for rep, fr in keep.items() if "_raw" in fr.columns]
    parts = ([_long(pl.concat(wide, how="diagonal"))] if wide else []) + long
    return _parse(pl.concat(parts, how="diagonal", rechunk=True))


LONG_KEY = ["partner", "year", "flow", "_raw"]
_ID = ["_row", "_sec", "partner", "flow", "_scale", "_place"]


def _long(wide: pl.DataFrame) -> pl.DataFrame:
    """Wide sheet rows (one column per year, named by the year) → one row per non-empty cell."""
    if "_raw" in wide.columns:
        return wide
    ids = [c for c in wide.columns if c in _ID or c == "reporter"]
    years = [c for c in wide.columns if c not in ids]
    return wide.unpivot(index=ids, on=years, variable_name="year", value_name="_raw").filter(
        pl.col("_raw").is_not_null()).with_columns(pl.col("year").cast(pl.Int32))


def _read_workbook(f: Path, names) -> tuple[str, str, pl.DataFrame]:
    reporter: str | None = None
    rep_label = ""
    frames = []
    for sheet, df in _excel.sheets(f, META.key):
        place = _excel.where(f, sheet)
        top = df.head(30).rows()
        title = str(top[0][0] or "")
        flow = "X" if "export" in title.lower() or "export" in sheet.lower() else (
            "M" if "import" in title.lower() or "import" in sheet.lower() else None)
        if flow is None:
            raise DataError(f"sheet '{sheet}' is neither exports nor imports (title {title!r})", file=place, row=1,
                            hint="DOTS workbooks have an 'Exports, FOB' and an 'Imports, CIF' sheet")
        h = _header_row(top)
        if h is None:
            raise DataError("no header row of years found in the first 30 rows", file=place,
                            hint="the sheet layout changed or the file is truncated")
        above = [str(r[0]).strip() for r in top[1:h] if r[0] is not None and str(r[0]).strip()]
        unit_cells = [x for x in above if "dollar" in x.lower()]
        if not unit_cells:
            raise DataError("no unit line (e.g. 'US Dollars, Millions') above the header", file=place,
                            hint="DOTS values must say their unit")
        unit = unit_cells[0]
        scale = next((v for k, v in SCALE.items() if k in unit.lower()), 1.0 if unit.lower().strip() == "us dollars" else None)
        if scale is None or "us" not in unit.lower():
            raise DataError(f"unit {unit!r} is not understood (expected US dollars, millions)", file=place,
                            field="unit", hint="convert the sheet to US$ millions or fix the unit line")
        label = next((x for x in above if x != unit), None)
        if label is None:
            raise DataError("no reporter name above the header", file=place)
        rep = names.resolve(label, (place, 3, "reporter"))
        if reporter is None:
            reporter, rep_label = rep, label
        elif rep != reporter:
            raise DataError(f"the sheets name different reporters ({rep_label!r} and {label!r})", file=place)
        if rep == AGGREGATE or rep is None:
            continue
        frames.append(_sheet_values(df, top[h], h, flow, scale, names, place))
    if reporter is None:
        raise DataError("the workbook has no readable sheet", file=str(f))
    if reporter == AGGREGATE:
        return AGGREGATE, rep_label, pl.DataFrame()
    if len(frames) < 2:
        raise DataError(f"expected an exports and an imports sheet; found {len(frames)}", file=str(f),
                        hint="the workbook may be truncated")
    if len({fr["flow"][0] for fr in frames if fr.height}) < 2:
        raise DataError("both sheets hold the same flow", file=str(f))
    return reporter, rep_label, pl.concat(frames, how="diagonal")


def _header_row(top: list[tuple]) -> int | None:
    for i, row in enumerate(top):
        if (row[0] is None or not str(row[0]).strip()) and any(_excel.year_of(x) is not None for x in row[1:]):
            return i
    return None


def _sheet_values(df: pl.DataFrame, header: tuple, h: int, flow: str, scale: float, names, place: str) -> pl.DataFrame:
    """The partner rows of one sheet, wide: a column per year (named by the year), cells still text."""
    year_cols = {f"c{j}": str(_excel.year_of(v)) for j, v in enumerate(header) if j > 0 and _excel.year_of(v) is not None}
    body = df.slice(h + 1)
    labels = [str(x).strip() if x is not None else "" for x in body["c0"].to_list()]
    iso, sec = [], []
    for k, lbl in enumerate(labels):
        code = names.resolve(lbl, (place, h + 2 + k, "partner")) if lbl else None
        iso.append("WLD" if (code == AGGREGATE and normalise(lbl) == "world") else (None if code == AGGREGATE else code))
        sec.append(normalise(lbl) in SECONDARY)
    return body.select(
        pl.int_range(h + 2, h + 2 + body.height, dtype=pl.Int64).alias("_row"),  # Excel row numbers
        pl.Series("_sec", sec, pl.Boolean), pl.Series("partner", iso, pl.String),
        pl.lit(flow).alias("flow"), pl.lit(scale).alias("_scale"), pl.lit(place).alias("_place"),
        *[pl.col(c).alias(y) for c, y in year_cols.items()],
    ).filter(pl.col("partner").is_not_null())


def _parse(long: pl.DataFrame) -> pl.DataFrame:
    """Parse every cell at once; errors point at the workbook, sheet, Excel row and year."""
    parsed = _excel.parse_numbers(long["_raw"], estimate_mark=True)
    long = long.hstack(parsed)

    def fail(mask: pl.Series, problem: str, hint: str | None = None):
        i = int(mask.fill_null(False).arg_true()[0])
        raise DataError(problem.format(raw=long["_raw"][i]), file=long["_place"][i], row=int(long["_row"][i]),
                        field=str(long["year"][i]), hint=hint)

    if long["bad"].any():
        fail(long["bad"], "value {raw!r} is not a number", "numbers may carry ' e' (IMF estimate); nothing else")
    if (long["value"] < 0).any():
        fail(long["value"] < 0, "trade value {raw!r} is negative")
    if long["value"].is_infinite().any():
        fail(long["value"].is_infinite(), "trade value {raw!r} is infinite")
    long = long.filter(pl.col("value").is_not_null())
    # several labels for one economy (Belgium / Belgium-Luxembourg): the exact country's own row first
    long = long.sort(["reporter", "partner", "year", "flow", "_sec", "_row"]).unique(
        ["reporter", "partner", "year", "flow"], keep="first", maintain_order=True)
    return long.select(
        "reporter", "partner", "year", "flow", (pl.col("value") * pl.col("_scale")).alias("value_usd"),
        "estimated", pl.lit("dots").alias("source"), pl.lit(VINTAGE).alias("vintage"),
    )


def derive(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """DOTS alone as the store's trade tables (see :func:`multivector.sources.trade.derive`)."""
    from multivector.sources import trade

    return trade.derive(frame)
