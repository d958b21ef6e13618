"""Uzbekistan's goods trade by partner: the Statistics Agency's SDMX-CSV extracts, 2010–2023.

``sdmx_data_1105.csv`` (exports) and ``sdmx_data_1176.csv`` (imports): one row per partner with
its ISO 3166 numeric ``Code``, names in Uzbek, Russian and English, and one column per year.

* **Flow.** The files do not say which flow they hold; the stat.uz dataset number does (1105
  exports, 1176 imports — the agency's "merchandise trade by countries" datasets). A file whose name
  carries neither number is an error.
* **Unit.** Not stated inside the CSV. The agency publishes these datasets in thousand US$, and
  the file confirms it: the sum over partners is Uzbekistan's total trade in thousand US$
  (2019 exports 17.46 bn, 2023 imports 38.66 bn — the agency's published totals; the IMF's
  figures for Uzbekistan agree, see ``tests/sources/test_trade_national.py``). :func:`read` checks
  that every year's total lies between US$ 0.1 bn and 1 tn when read as thousand US$, which a
  file in US$ or million US$ would fail.
* **Partners.** ``Code`` → ISO3 (country_converter). Code 0 ("Other countries", mostly
  undisclosed — e.g. gold) is not a partner but is part of the total (partner ``WLD`` = the sum of
  all rows). An unknown code is an error that lists them all.

Output: the common trade schema of :mod:`multivector.sources.trade` (reporter UZB, source
``"uzb_stat"``).
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources.base import SourceMeta, existing_file

META = SourceMeta(
    key="uzb_stat",
    name="Uzbekistan, Agency of Statistics: merchandise trade by countries (SDMX 1105 exports, 1176 imports)",
    version="SDMX extracts of Nov 2024 (2010–2023)",
    url="https://stat.uz/en/official-statistics/merchandise-trade",
    licence="official statistics of the Republic of Uzbekistan (public, cite the Agency)",
    citation=(
        "Agency of Statistics under the President of the Republic of Uzbekistan. Merchandise trade by countries "
        "(SDMX datasets 1105, exports, and 1176, imports), 2010–2023. stat.uz."
    ),
    bibtex="""@misc{uzb_stat_trade,
  author = {{Agency of Statistics under the President of the Republic of Uzbekistan}},
  title = {Merchandise trade by countries ({SDMX} datasets 1105 and 1176)},
  year = {2024},
  howpublished = {\\url{https://stat.uz/en/official-statistics/merchandise-trade}},
  note = {2010--2023, thousand US dollars}
}""",
    coverage=(2010, 2023),
    unit="Uzbekistan × partner × year × flow (US$)",
)

REPORTER = "UZB"
VINTAGE = "2024-11"
DATASETS = {"1105": "X", "1176": "M"}
SCALE = 1e3  # thousand US$
#: a year's total, read as thousand US$, must lie in [US$ 0.1 bn, US$ 1 tn]
PLAUSIBLE_TOTAL_KUSD = (1e5, 1e9)
#: withdrawn ISO 3166 numeric codes still used by statistical offices (ISO 3166-3)
OLD_NUMERIC = {736: "SDN", 530: "ANT", 891: "SRB", 810: "RUS", 200: "CSK", 278: "DDR", 720: "YMD", 886: "YEM", 230: "ETH"}


def _files(p: Path) -> list[Path]:
    if p.is_dir():
        files = sorted(p.glob("*.csv"))
        if not files:
            raise DataError("no SDMX-CSV files in this folder", file=str(p))
        return files
    return [existing_file(p, META.key)]


def read(path: str | Path) -> pl.DataFrame:
    parts = []
    seen: dict[str, str] = {}
    for f in _files(Path(path).expanduser()):
        m = re.search(r"(\d{4})", f.stem)
        flow = DATASETS.get(m.group(1)) if m else None
        if flow is None:
            raise DataError("cannot tell exports from imports: the file name carries no stat.uz dataset number",
                            file=str(f), hint="keep the agency's names: sdmx_data_1105.csv (exports), sdmx_data_1176.csv (imports)")
        if flow in seen:
            raise DataError(f"two files of the same flow: {seen[flow]} and {f.name}", file=str(f))
        seen[flow] = f.name
        parts.append(_read_file(f, flow))
    return pl.concat(parts).sort(["partner", "year", "flow"])


def _iso_numeric() -> dict[int, str]:
    import logging

    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    data = coco.CountryConverter().data
    out = {}
    for iso3, num in zip(data["ISO3"], data["ISOnumeric"]):
        if isinstance(iso3, str) and len(iso3) == 3 and str(num).strip().isdigit():
            out.setdefault(int(num), iso3)
    for num, iso3 in OLD_NUMERIC.items():
        out.setdefault(num, iso3)
    return out


def _read_file(f: Path, flow: str) -> pl.DataFrame:
    text = f.read_bytes().decode("utf-8-sig", errors="strict") if f.stat().st_size else ""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise DataError("the file is empty", file=str(f))
    header = [h.strip() for h in rows[0]]
    if not header or header[0] != "Code":
        raise DataError(f"the first column should be 'Code'; found {header[:1]}", file=str(f), row=1, field="Code",
                        hint="is this a stat.uz SDMX-CSV extract?")
    years = {j: int(h) for j, h in enumerate(header) if re.fullmatch(r"(19|20)\d\d", h)}
    if not years:
        raise DataError("the header has no year columns", file=str(f), row=1)
    codes = _iso_numeric()
    out, unknown = [], {}
    for line, r in enumerate(rows[1:], start=2):
        if not r or all(not c.strip() for c in r):
            continue
        if len(r) != len(header):
            raise DataError(f"the row has {len(r)} fields but the header has {len(header)}", file=str(f), row=line,
                            hint="the file may be truncated")
        code = r[0].strip()
        if not code.isdigit():
            raise DataError(f"partner code {code!r} is not a number", file=str(f), row=line, field="Code")
        iso = "OTH" if int(code) == 0 else codes.get(int(code))
        if iso is None:
            unknown[code] = (line, r[3] if len(r) > 3 else "")
            continue
        for j, y in years.items():
            cell = r[j].strip()
            if cell == "" or cell == "-":
                v = 0.0 if cell == "-" else None
            else:
                try:
                    v = float(cell.replace(",", ""))
                except ValueError:
                    raise DataError(f"value {cell!r} is not a number", file=str(f), row=line, field=str(y)) from None
            if v is None:
                continue
            if v < 0 or not math.isfinite(v):
                raise DataError(f"trade value {cell} is negative or not finite", file=str(f), row=line, field=str(y))
            out.append((iso, y, v))
    if unknown:
        listed = "; ".join(f"{c} ({n}, line {ln})" for c, (ln, n) in unknown.items())
        first = next(iter(unknown.values()))
        raise DataError(f"{len(unknown)} partner code(s) are not ISO 3166 numeric codes: {listed}", file=str(f),
                        row=first[0], field="Code")
    df = pl.DataFrame(out, schema={"partner": pl.String, "year": pl.Int32, "value_kusd": pl.Float64}, orient="row")
    dup = df.select("partner", "year").is_duplicated()
    if dup.any():
        i = int(dup.arg_true()[0])
        raise DataError(f"partner {df['partner'][i]} appears twice", file=str(f), field="Code")
    totals = df.group_by("year").agg(pl.col("value_kusd").sum()).sort("year")
    lo, hi = PLAUSIBLE_TOTAL_KUSD
    bad = totals.filter(~pl.col("value_kusd").is_between(lo, hi))
    if bad.height:
        y, t = bad.row(0)
        raise DataError(
            f"the {y} total is {t:,.0f}: read as thousand US$ that is not a country's trade; the unit is not thousand US$",
            file=str(f), field=str(y), hint="stat.uz publishes these datasets in thousand US$; convert the file first",
        )
    world = totals.select(pl.lit("WLD").alias("partner"), "year", "value_kusd")
    df = pl.concat([df.filter(pl.col("partner") != "OTH"), world])
    return df.select(
        pl.lit(REPORTER).alias("reporter"), "partner", "year", pl.lit(flow).alias("flow"),
        (pl.col("value_kusd") * SCALE).alias("value_usd"), pl.lit(False).alias("estimated"),
        pl.lit(META.key).alias("source"), pl.lit(VINTAGE).alias("vintage"),
    )


def derive(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    from multivector.sources import trade

    return trade.derive(frame)
