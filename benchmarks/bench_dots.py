"""Benchmark: reading all 235 IMF DOTS workbooks, importing trade, and the Kazakhstan panel (issue 8).

    python benchmarks/bench_dots.py [--repeat 3] [--no-openpyxl]

Measures, in one run, side by side:

1. raw cell reading of all 235 workbooks (both sheets) with fastexcel (what the reader uses),
   python-calamine and openpyxl (read-only mode) — the same cells, three libraries;
2. ``imf_dots.read`` on all 235 workbooks (parse, estimates, aggregates, duplicates) and the import
   into a fresh store (``trade.derive`` + one transaction): the issue's target is ≤ 30 s;
3. the whole trade source (DOTS + the national tables + Eurostat) read and derived;
4. the Kazakhstan panel (KAZ × CHN, RUS, USA, EU, TUR, 1992–2025) with every verb including trade,
   warm (the store opened and the tables cached by a first build): target ≤ 0.3 s.

Timings are medians of ``--repeat`` runs (best in brackets); the machine's load average is printed
with them, because the cores are shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from multivector.config import shared_data_dir  # noqa: E402

VERBS = ("add_un_votes", "add_alliances", "add_igos", "add_capabilities", "add_gdp", "add_events", "add_distance",
         "add_trade", "add_chinese_finance")


CPU: list[float] = []


def _cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """Median and best wall time; the median CPU time of this process (all its threads) goes to
    CPU[-1] — on shared cores it says what the work costs when the wall time is inflated by others."""
    times, cpus, out = [], [], None
    for _ in range(repeat):
        c0, t0 = _cpu(), time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpus.append(_cpu() - c0)
    CPU.append(statistics.median(cpus))
    return statistics.median(times), min(times), out


def raw_fastexcel(files):
    import fastexcel

    n = 0
    for f in files:
        book = fastexcel.read_excel(str(f))
        for name in book.sheet_names:
            n += book.load_sheet(name, header_row=None, dtypes="string").to_polars().height
    return n


def raw_calamine(files):
    from python_calamine import CalamineWorkbook

    n = 0
    for f in files:
        wb = CalamineWorkbook.from_path(str(f))
        for name in wb.sheet_names:
            n += len(wb.get_sheet_by_name(name).to_python())
    return n


def raw_openpyxl(files):
    import openpyxl

    n = 0
    for f in files:
        wb = openpyxl.load_workbook(f, read_only=True, data_only=True)
        for ws in wb.worksheets:
            n += sum(1 for _ in ws.iter_rows(values_only=True))
        wb.close()
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-openpyxl", action="store_true", help="skip the slow openpyxl pass")
    args = ap.parse_args()
    shared = shared_data_dir()
    if shared is None:
        sys.exit("the shared datasets are not beside this checkout")
    files = sorted((shared / "imf-dots-2022snapshot" / "DOTS").glob("*.xlsx"))
    print(f"{len(files)} DOTS workbooks, {sum(f.stat().st_size for f in files) / 1e6:.1f} MB; load average {os.getloadavg()}")

    for name, fn in (("fastexcel", raw_fastexcel), ("python-calamine", raw_calamine), ("openpyxl", raw_openpyxl)):
        if name == "openpyxl" and args.no_openpyxl:
            continue
        rep = 1 if name == "openpyxl" else args.repeat
        med, best, rows = timed(lambda: fn(files), rep)
        print(f"raw cells, {name:<16} {med:7.2f} s (best {best:.2f}; CPU {CPU[-1]:.2f} s) — {rows:,} rows")

    from multivector.sources import imf_dots, trade
    from multivector.store import Store

    med, best, frame = timed(lambda: imf_dots.read(shared / "imf-dots-2022snapshot"), args.repeat)
    print(f"imf_dots.read, all workbooks    {med:7.2f} s (best {best:.2f}; CPU {CPU[-1]:.2f} s) — {frame.height:,} reported values")

    bench_home = Path(tempfile.mkdtemp(prefix="mv-bench-store-"))
    bench_store = Store(bench_home / "s.duckdb")
    bench_store.initialize()  # an existing store (the starter pack loaded), as a user has it

    def import_dots():
        long = imf_dots.read(shared / "imf-dots-2022snapshot")
        tables = trade.derive(long)
        bench_store.import_tables(trade.META, tables)
        return tables

    med, best, _ = timed(import_dots, args.repeat)
    print(f"read + derive + import (DOTS)   {med:7.2f} s (best {best:.2f}; CPU {CPU[-1]:.2f} s) — target ≤ 30 s")

    med, best, tables = timed(lambda: trade.derive(trade.read(shared)), 1)
    print(f"whole trade source read+derive  {med:7.2f} s (CPU {CPU[-1]:.2f} s) — {tables['trade_by_partner'].height:,} reporter-partner-years")

    import multivector as mv
    from multivector.store import default_store

    os.environ.setdefault("MULTIVECTOR_HOME", tempfile.mkdtemp(prefix="mv-bench-"))
    store = default_store()

    def kaz():
        p = mv.dyad_years("KAZ", partners=["CHN", "RUS", "USA", "EU", "TUR"], years=(1992, 2025), store=store)
        for v in VERBS:
            p = getattr(p, v)()
        return p.df

    kaz()  # warm: store open, tables cached
    med, best, df = timed(kaz, max(args.repeat, 5))
    print(f"KAZ panel, every verb (warm)    {med:7.3f} s (best {best:.3f}; CPU {CPU[-1]:.3f} s) — {df.height} rows × {df.width} columns; target ≤ 0.3 s")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
