"""Read + derive timings of the event, trade and facts sources (median of 3 runs).

    python benchmarks/bench_sources_events_trade.py

Reads the real files in shared/data. For GDELT it also times a file the size of a real GDELT 1.0
daily export (~180,000 rows): the Georgia sample's real rows repeated with fresh event ids and
written in the published headerless 58-column layout (a size test, not data to analyse).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from multivector.config import shared_data_dir
from multivector.sources import cameo, comtrade, facts, gdelt, gravity, icews, timeline


def median_time(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def big_gdelt_file(folder: Path, sample: Path, copies: int = 51) -> Path:
    base = gdelt.read(sample)
    frames = []
    for k in range(copies):
        frames.append(base.with_columns(pl.col("GLOBALEVENTID") + k * 10**9))
    big = pl.concat(frames).select(gdelt.COLUMNS_V1_URL)
    out = folder / "20130401.export.CSV"
    big.write_csv(out, separator="\t", include_header=False, quote_style="never", null_value="")
    return out


def main() -> int:
    d = shared_data_dir()
    if d is None:
        print("shared/data not found (set MULTIVECTOR_SHARED_DATA)")
        return 1
    cases = [
        ("icews (netify icews.rda, 298,376 dyad-years)", lambda: icews.derive(icews.read(d / "netify/icews.rda"))),
        ("gdelt (Georgia extract, 3,542 events, CSV with header)",
         lambda: gdelt.derive(gdelt.read(d / "gdelt/gdelt1_events_georgia_2013-04.csv"))),
        ("cameo (event codes + Goldstein scale)", lambda: cameo.derive(cameo.read(d / "gdelt"))),
        ("comtrade (recorded Comtrade+ response)",
         lambda: comtrade.derive(comtrade.read(d / "comtradr/comtrade_v1_get_C_A_HS_CHN_ARG_2010.json"))),
        ("gravity (gravity_zeros.rdata, 22,588 pairs)", lambda: gravity.derive(gravity.read(d / "gravity/gravity_zeros.rdata"))),
        ("gravity (Yotov Chapter2Application2.dta, 99,981 rows)",
         lambda: gravity.derive(gravity.read(d / "yotov-gravity/Chapter2Application2.dta"))),
        ("reported_trade (190 figures)", lambda: facts.derive(facts.read(d / "facts/reported_trade.csv"))),
        ("timeline (90 events)", lambda: timeline.derive(timeline.read(d / "facts/timeline.csv"))),
    ]
    facts.iso3_codes()  # warm the country-code table once (country_converter import ≈ 0.3 s)
    print(f"{'source':60s} {'median s':>9s}")
    for name, fn in cases:
        print(f"{name:60s} {median_time(fn):9.3f}")
    with tempfile.TemporaryDirectory() as tmp:
        big = big_gdelt_file(Path(tmp), d / "gdelt/gdelt1_events_georgia_2013-04.csv")
        n = sum(1 for _ in open(big))
        size_mb = big.stat().st_size / 1e6
        t = median_time(lambda: gdelt.derive(gdelt.read(big)))
        print(f"{f'gdelt (headerless 58-col daily-size file, {n:,} rows, {size_mb:.0f} MB)':60s} {t:9.3f}")
        print(f"  = {n / t:,.0f} events/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
