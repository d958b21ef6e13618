"""World Bank World Development Indicators: GDP (current US$) and population, by state-year.

Two published formats are read:

* the World Bank **API v2 JSON** (``https://api.worldbank.org/v2/country/all/indicator/
  NY.GDP.MKTP.CD?format=json``): a two-element list, page metadata then records with
  ``countryiso3code``, ``date``, ``value`` and ``indicator.id``; :func:`fetch` downloads GDP and
  population this way and saves them as one such list;
* the **WDI bulk CSV** (``WDICSV.csv`` / ``WDIData.csv`` in ``WDI_CSV.zip``, or the per-indicator
  ``API_<indicator>_DS2_en_csv_v2_*.csv``): wide, one row per country × indicator, one column per
  year, possibly under a few lines of metadata.

Indicators: ``NY.GDP.MKTP.CD`` (GDP, current US$) and ``SP.POP.TOTL`` (population, total).
Regional and income aggregates (WLD, EUU, ARB …) are left out: only ISO3 countries are kept.

Store table ``wdi_state_year``: iso3, year (Int32), gdp_usd (Float64), pop (Float64).
"""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources.base import THIS_YEAR, SourceMeta, decode_text, download, existing_file, read_bytes, read_json, year_span
from multivector.sources.facts import iso3_codes

META = SourceMeta(
    key="wdi",
    name="World Development Indicators: GDP (current US$) and population",
    version="World Bank API v2 (live)",
    url="https://databank.worldbank.org/source/world-development-indicators",
    licence="CC BY 4.0 (World Bank)",
    citation=(
        "World Bank. World Development Indicators: GDP (current US$), NY.GDP.MKTP.CD, and Population, "
        "total, SP.POP.TOTL. Washington, DC: The World Bank. https://data.worldbank.org/"
    ),
    bibtex="""@misc{worldbank_wdi,
  author = {{World Bank}},
  title = {World Development Indicators},
  publisher = {The World Bank},
  address = {Washington, DC},
  howpublished = {\\url{https://databank.worldbank.org/source/world-development-indicators}},
  note = {GDP (current US\\$), NY.GDP.MKTP.CD; Population, total, SP.POP.TOTL}
}""",
    coverage=(1960, 2024),
    unit="state-year (GDP in current US$; population in persons)",
    tables=("wdi_state_year",),
)

GDP = "NY.GDP.MKTP.CD"
POP = "SP.POP.TOTL"
INDICATORS = {GDP: "gdp_usd", POP: "pop"}
API_BASE = "https://api.worldbank.org/v2"
BULK_URL = "https://databank.worldbank.org/data/download/WDI_CSV.zip"

SCHEMA = {"iso3": pl.String, "year": pl.Int32, "indicator": pl.String, "value": pl.Float64}


def _check_number(v, file: str, row: int, field: str) -> float | None:
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        raise DataError(f"value {v!r} is not a number", file=file, row=row, field=field)
    try:
        x = float(v)
    except (TypeError, ValueError, OverflowError):
        raise DataError(f"value {v!r} is not a number", file=file, row=row, field=field,
                        hint="the record is damaged; download the data again") from None
    if not math.isfinite(x):
        raise DataError(f"value {v!r} is not a finite number", file=file, row=row, field=field,
                        hint="the record is damaged; download the data again")
    if x < 0:
        raise DataError(f"value {x:g} is negative: GDP and population cannot be below 0", file=file, row=row,
                        field=field, hint="the record is damaged; download the data again")
    return x


def _year(v, file: str, row: int, field: str) -> int:
    s = str(v).strip()
    if not (s.isascii() and s.isdigit() and len(s) == 4):
        raise DataError(f"year {v!r} is not a four-digit year", file=file, row=row, field=field,
                        hint="annual WDI data is expected (date like 2019)")
    if not META.coverage[0] <= int(s) <= THIS_YEAR:
        raise DataError(f"year {s} is outside the years WDI can hold ({META.coverage[0]}–{THIS_YEAR})", file=file,
                        row=row, field=field, hint="the file may be damaged; download the data again")
    return int(s)


def read_api_json(path: str | Path) -> pl.DataFrame:
    """World Bank API v2 JSON (``[metadata, records]``, or a list of such pages) → long frame.

    ``row`` in errors is the record's position (1-based) in the file's record list.
    """
    p = existing_file(path, META.key)
    file = str(p)
    doc = read_json(p, META.key)
    if isinstance(doc, list) and doc and isinstance(doc[0], dict) and "message" in doc[0]:
        msgs = "; ".join(str(m.get("value", m)) for m in doc[0]["message"])
        raise DataError(f"the World Bank API answered with an error: {msgs}", file=file,
                        hint="check the indicator code and dates of the query")
    pages = [doc] if (isinstance(doc, list) and len(doc) == 2 and isinstance(doc[0], dict)) else doc
    records: list = []
    if not isinstance(pages, list):
        raise DataError("not a World Bank API v2 response (expected a JSON list)", file=file)
    for page in pages:
        if not (isinstance(page, list) and len(page) == 2 and isinstance(page[0], dict)):
            raise DataError("not a World Bank API v2 response (expected [metadata, records])", file=file,
                            hint="save the API's format=json answer unchanged")
        records.extend(page[1] or [])
    if not records:
        raise DataError("the response holds no records", file=file, hint="check the query's indicator and dates")
    rows = []
    seen: dict[tuple, int] = {}
    for i, r in enumerate(records, start=1):
        if not isinstance(r, dict):
            raise DataError("the record is not a JSON object", file=file, row=i)
        for k in ("countryiso3code", "date", "value", "indicator"):
            if k not in r:
                raise DataError(f"the record has no field '{k}'", file=file, row=i, field=k,
                                hint="is this a World Bank API v2 (format=json) response?")
        ind = r["indicator"].get("id") if isinstance(r["indicator"], dict) else r["indicator"]
        if not isinstance(ind, str) or not ind.strip():
            raise DataError(f"indicator {r['indicator']!r} has no indicator code", file=file, row=i, field="indicator",
                            hint="is this a World Bank API v2 (format=json) response?")
        ind = ind.strip().upper()
        iso3 = r.get("countryiso3code")
        if iso3 is not None and not isinstance(iso3, str):
            raise DataError(f"country code {iso3!r} is not text", file=file, row=i, field="countryiso3code")
        iso3 = (iso3 or "").strip().upper()
        rec = {"iso3": iso3, "year": _year(r["date"], file, i, "date"), "indicator": ind,
               "value": _check_number(r["value"], file, i, "value")}
        key = (iso3, rec["year"], ind)
        if iso3 and key in seen:
            raise DataError(f"duplicate record for {iso3} {rec['year']} {ind} (also record {seen[key]})",
                            file=file, row=i, field="countryiso3code", hint="were two responses merged? keep one copy")
        seen[key] = i
        rows.append(rec)
    return pl.DataFrame(rows, schema=SCHEMA)


def _bulk_text(p: Path) -> tuple[str, str]:
    if zipfile.is_zipfile(p):
        try:
            with zipfile.ZipFile(p) as zf:
                names = [n for n in zf.namelist() if n.lower().endswith(".csv")]
                pick = [n for n in names if n.split("/")[-1] in ("WDICSV.csv", "WDIData.csv")] or \
                    [n for n in names if n.split("/")[-1].startswith("API_")]
                if not pick:
                    raise DataError("the zip holds no WDICSV.csv, WDIData.csv or API_*.csv", file=str(p))
                data = zf.read(pick[0])
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise DataError(f"the zip archive is damaged ({exc})", file=str(p), hint="download it again") from None
        name = f"{p}!{pick[0]}"
        if not data:
            raise DataError("the file is empty (0 bytes)", file=name, hint="download it again")
        return decode_text(data, name), name
    return decode_text(read_bytes(p), p), str(p)


def read_bulk_csv(path: str | Path, indicators: tuple[str, ...] = (GDP, POP)) -> pl.DataFrame:
    """WDI bulk CSV (wide: Country Name, Country Code, Indicator Name, Indicator Code, 1960, …) → long.

    Errors give the CSV line number as an editor shows it.
    """
    p = existing_file(path, META.key)
    text, file = _bulk_text(p)
    try:
        return _parse_bulk(text, file, indicators)
    except csv.Error as exc:
        raise DataError(f"the CSV cannot be parsed ({exc})", file=file,
                        hint="a quote may be unclosed or the file damaged; download it again") from None


def _parse_bulk(text: str, file: str, indicators: tuple[str, ...]) -> pl.DataFrame:
    reader = csv.reader(io.StringIO(text))
    header = None
    for row in reader:
        if row and row[0].strip() == "Country Name":
            header = [h.strip() for h in row]
            break
    if header is None:
        raise DataError("no header row starting with 'Country Name' found", file=file, row=1, field="Country Name",
                        hint="is this the WDI bulk CSV (WDICSV.csv) or an API_… CSV download?")
    for col in ("Country Code", "Indicator Code"):
        if col not in header:
            import difflib

            near = difflib.get_close_matches(col, header, n=1)
            raise DataError(f"missing column '{col}'", file=file, row=reader.line_num, field=col,
                            hint=(f"renamed column? found '{near[0]}'" if near else "the header must name it"))
    ci, ii = header.index("Country Code"), header.index("Indicator Code")
    years = [(k, _year(h, file, reader.line_num, h)) for k, h in enumerate(header) if h.isdigit()]
    if not years:
        raise DataError("the header has no year columns (1960, 1961, …)", file=file, row=reader.line_num)
    rows: list[dict] = []
    seen: dict[tuple, int] = {}
    start = reader.line_num + 1
    for row in reader:
        line, start = start, reader.line_num + 1
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) < len(header) and not (len(row) == len(header) - 1):
            raise DataError(f"the row has {len(row)} fields but the header has {len(header)}", file=file, row=line,
                            hint="the file may be truncated; download it again")
        ind = row[ii].strip()
        if ind not in indicators:
            continue
        iso3 = row[ci].strip().upper()
        key = (iso3, ind)
        if key in seen:
            raise DataError(f"duplicate row for {iso3} {ind} (also line {seen[key]})", file=file, row=line,
                            field="Country Code", hint="delete the repeated row")
        seen[key] = line
        for k, y in years:
            v = row[k].strip() if k < len(row) else ""
            rows.append({"iso3": iso3, "year": y, "indicator": ind,
                         "value": _check_number(v, file, line, header[k])})
    if not rows:
        raise DataError(f"no rows for the indicators {', '.join(indicators)}", file=file,
                        hint="is the file truncated, or a download of other indicators?")
    return pl.DataFrame(rows, schema=SCHEMA)


def read(path: str | Path) -> pl.DataFrame:
    """API JSON (``.json``) or bulk CSV (``.csv`` / ``.zip``) → iso3, year, indicator, value."""
    p = Path(path)
    if p.suffix.lower() == ".json":
        return read_api_json(p)
    return read_bulk_csv(p)


def derive(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """``wdi_state_year``: one row per ISO3 country and year with gdp_usd and pop (aggregates dropped)."""
    f = frame.filter(pl.col("iso3").is_in(list(iso3_codes())) & pl.col("indicator").is_in(list(INDICATORS)))
    wide = (
        f.with_columns(pl.col("indicator").replace_strict(INDICATORS))
        .pivot(on="indicator", index=["iso3", "year"], values="value", aggregate_function="first")
    )
    for col in INDICATORS.values():
        if col not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(col))
    out = (
        wide.select(["iso3", "year", "gdp_usd", "pop"])
        .cast({"year": pl.Int32, "gdp_usd": pl.Float64, "pop": pl.Float64})
        .filter(pl.col("gdp_usd").is_not_null() | pl.col("pop").is_not_null())
        .sort(["iso3", "year"])
    )
    return {"wdi_state_year": out}


def data_coverage(tables: dict[str, pl.DataFrame]) -> tuple[int, int] | None:
    """First and last year in the derived ``wdi_state_year`` (the years this import covers)."""
    return year_span(tables, "wdi_state_year")


def api_url(indicator: str, country: str = "all") -> str:
    return f"{API_BASE}/country/{country}/indicator/{indicator}"


def fetch(
    dest: str | Path | None = None,
    *,
    indicators: tuple[str, ...] = (GDP, POP),
    years: tuple[int, int] = (1960, 2024),
    country: str = "all",
) -> Path:
    """Download the indicators from the World Bank API v2 (JSON) into one file; offline → OfflineError."""
    from multivector.config import home

    folder = Path(dest) if dest is not None else home() / "downloads" / "wdi"
    pages = []
    for ind in indicators:
        page, n_pages = 1, 1
        while page <= n_pages:
            part = folder / f"wdi_{ind}_{page}.json"
            download(api_url(ind, country), part, source=META.key, timeout=120,
                     params={"format": "json", "per_page": 20000, "page": page, "date": f"{years[0]}:{years[1]}"})
            doc = json.loads(part.read_text(encoding="utf-8"))
            part.unlink()
            if isinstance(doc, list) and doc and isinstance(doc[0], dict) and "message" in doc[0]:
                raise DataError(f"the World Bank API answered with an error for {ind}: {doc[0]['message']}")
            n_pages = int(doc[0].get("pages") or 1)
            pages.append(doc)
            page += 1
    out = folder / f"wdi_{'_'.join(indicators)}_{years[0]}_{years[1]}.json"
    out.write_text(json.dumps(pages), encoding="utf-8")
    return out
