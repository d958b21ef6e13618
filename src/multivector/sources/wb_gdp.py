"""World Bank GDP in current US$ (NY.GDP.MKTP.CD), by state-year: the denominator of every
trade-to-GDP ratio.

Trade is recorded in current US dollars, so its ratio to GDP needs GDP in current US dollars too.
The ``gdp`` source (isard, Anders, Fariss & Markowitz 2020) is real, PPP-based GDP in 2011
dollars: dividing current-dollar trade by it mixes prices and years, so it is never used for
ratios (see :mod:`multivector.indices.dependence`).

Formats read:

* the Data Packages "core" GDP CSV (``gdp.csv``: ``Country Name, Country Code, Year, Value``),
  which mirrors the World Bank API for every economy and aggregate, 1960–2023;
* the World Bank API v2 JSON and the WDI bulk CSV (through :mod:`multivector.sources.wdi`).

World Bank aggregates (WLD, EUU, ECS, …) are left out; ISO3 countries are mapped to their COW
code in each year (Germany 260 → 255 in 1990).

Store table ``gdp_usd_state_year``: ccode, year, iso3, gdp_usd (Float64, current US$).
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources.base import SourceMeta, check_not_empty, existing_file, year_span

META = SourceMeta(
    key="wb_gdp",
    name="World Bank GDP (current US$), NY.GDP.MKTP.CD",
    version="WDI via datasets/gdp, updated 2026-02-24 (1960–2023)",
    url="https://data.worldbank.org/indicator/NY.GDP.MKTP.CD",
    licence="CC BY 4.0 (World Bank); data package ODC-PDDL-1.0",
    citation="World Bank. 2026. World Development Indicators: GDP (current US$), NY.GDP.MKTP.CD. Washington, DC: The World Bank.",
    bibtex="""@misc{worldbank_gdp_current,
  author = {{World Bank}},
  title = {World Development Indicators: {GDP} (current {US}\\$), {NY.GDP.MKTP.CD}},
  year = {2026},
  publisher = {The World Bank},
  howpublished = {\\url{https://data.worldbank.org/indicator/NY.GDP.MKTP.CD}}
}""",
    coverage=(1960, 2023),
    unit="state-year (current US$)",
    tables=("gdp_usd_state_year",),
)

HEADER = ["Country Name", "Country Code", "Year", "Value"]


def read(path: str | Path) -> pl.DataFrame:
    """→ iso3, year, gdp_usd (countries and aggregates as in the file; :func:`derive` keeps countries)."""
    p = existing_file(path, META.key)
    if p.suffix.lower() == ".json" or p.suffix.lower() == ".zip":
        return _via_wdi(p)
    head = p.read_bytes()[:400].decode("utf-8-sig", errors="replace").splitlines()[:1]
    if head and [h.strip() for h in head[0].split(",")][:4] != HEADER:
        if head[0].startswith(("\"Data Source\"", "Data Source", "Country Name,Country Code,Indicator")):
            return _via_wdi(p)
    text = p.read_bytes().decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or [h.strip() for h in header][:4] != HEADER:
        raise DataError(f"the header should be {', '.join(HEADER)}; found {', '.join(header or [])}", file=str(p), row=1,
                        hint="is this the datasets/gdp gdp.csv, a World Bank API JSON or a WDI bulk CSV?")
    rows = []
    seen: dict[tuple, int] = {}
    for line, r in enumerate(reader, start=2):
        if not r or all(not c.strip() for c in r):
            continue
        if len(r) != 4:
            raise DataError(f"the row has {len(r)} fields, expected 4", file=str(p), row=line, hint="the file may be truncated")
        code, year, value = r[1].strip().upper(), r[2].strip(), r[3].strip()
        if not (year.isdigit() and len(year) == 4) or not 1900 <= int(year) <= 2100:
            raise DataError(f"year {year!r} is not a year", file=str(p), row=line, field="Year")
        try:
            v = float(value) if value else None
        except ValueError:
            raise DataError(f"value {value!r} is not a number", file=str(p), row=line, field="Value") from None
        if v is not None and (not math.isfinite(v) or v < 0):
            raise DataError(f"GDP {value} is negative or not finite", file=str(p), row=line, field="Value")
        key = (code, int(year))
        if key in seen:
            raise DataError(f"duplicate row for {code} {year} (also line {seen[key]})", file=str(p), row=line,
                            field="Country Code", hint="delete the repeated row")
        seen[key] = line
        rows.append((code, int(year), v))
    df = pl.DataFrame(rows, schema={"iso3": pl.String, "year": pl.Int32, "gdp_usd": pl.Float64}, orient="row")
    check_not_empty(df, p)
    return df


def _via_wdi(p: Path) -> pl.DataFrame:
    from multivector.sources import wdi

    f = wdi.read(p).filter(pl.col("indicator") == wdi.GDP)
    if f.height == 0:
        raise DataError("the file holds no GDP (NY.GDP.MKTP.CD) values", file=str(p))
    return f.select("iso3", "year", pl.col("value").alias("gdp_usd"))


def derive(df: pl.DataFrame) -> dict[str, pl.DataFrame]:
    from multivector.countries import iso3_year_to_ccode

    codes = iso3_year_to_ccode()
    out = (
        df.filter(pl.col("gdp_usd").is_not_null())
        .join(codes, on=["iso3", "year"], how="inner")
        .select("ccode", "year", "iso3", "gdp_usd")
        .unique(["ccode", "year"], keep="first", maintain_order=True)
        .sort(["ccode", "year"])
    )
    return {"gdp_usd_state_year": out}


def data_coverage(tables: dict[str, pl.DataFrame]) -> tuple[int, int] | None:
    return year_span(tables, "gdp_usd_state_year")


def fetch(dest=None) -> Path:
    """GDP in current US$ for every economy from the World Bank API v2 (JSON)."""
    from multivector.sources import wdi

    return wdi.fetch(dest, indicators=(wdi.GDP,))
