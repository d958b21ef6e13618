"""Benchmark of the report and of the balance index at scale (run: ``python benchmarks/bench_report.py``).

1. ``multivector report KAZ`` end to end, as a user runs it (a new Python process each time): the
   first run after the data changed (it derives and caches the reference panel of every state, the
   balance and the claims) and warm runs (the store and its cache ready), plus the in-process time
   of each build step;
2. the multi-vector balance index for every state-year 1946–2019 against the great-power set
   (CHN, RUS, USA, EU, TUR): building the dyad-year panel from the store (UN votes, ATOP, IGOs,
   ICEWS) and ``multivector.indices.balance_index(country=None)`` (all channels + combined).

Figures go to docs/benchmarks.md, section "Report and indices at scale". Uses its own store under a
temporary folder unless MULTIVECTOR_HOME is set.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main(runs: int = 5) -> None:
    home = os.environ.get("MULTIVECTOR_HOME") or tempfile.mkdtemp(prefix="mv-bench-")
    os.environ["MULTIVECTOR_HOME"] = home
    import polars as pl

    import multivector as mv
    from multivector.indices import balance_index
    from multivector.report import build_report
    from multivector.store import default_store

    t = time.perf_counter()
    default_store().initialize()
    print(f"store {home}: warm-up (starter pack load if new) {time.perf_counter() - t:.2f} s")
    print(f"python {platform.python_version()}, polars {pl.__version__}, cores {os.cpu_count()}, "
          f"load {os.getloadavg()[0]:.1f}")

    # 1. end to end, one process per run (what a user waits for)
    out = Path(home) / "bench-report-KAZ.html"
    cmd = [sys.executable, "-m", "multivector.cli", "report", "KAZ", "-o", str(out)]
    import shutil

    shutil.rmtree(Path(home) / "cache", ignore_errors=True)  # the first run after a data change
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    print(f"`multivector report KAZ`, first run for this data (builds the cache): {time.perf_counter() - t:.2f} s")
    wall = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        wall.append(time.perf_counter() - t)
    print(f"`multivector report KAZ` end to end: median {statistics.median(wall):.2f} s, best {min(wall):.2f} s "
          f"over {runs} runs; HTML {out.stat().st_size / 1e6:.1f} MB (target ≤ 5 s)")

    # in-process breakdown of one build
    marks: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    rep = build_report("KAZ", progress=lambda s: marks.append((s, time.perf_counter())))
    t_build = time.perf_counter()
    rep.write_html(out)
    t_write = time.perf_counter()
    marks.append(("writing the HTML", t_build))
    marks.append(("(end)", t_write))
    print(f"in process: build {t_build - t0:.2f} s, write {t_write - t_build:.2f} s")
    for (name, a), (_, b) in zip(marks, marks[1:]):
        print(f"  {name:<45s} {b - a:6.3f} s")

    # 2. balance for every state-year 1946–2019
    gp = mv.great_powers()
    pan, bal, tot = [], [], []
    for _ in range(3):
        t = time.perf_counter()
        p = mv.dyad_years(None, partners=gp, years=(1946, 2019)).add_un_votes().add_alliances().add_igos().add_events()
        df = p.df
        t1 = time.perf_counter()
        b = balance_index(df, None, gp)
        t2 = time.perf_counter()
        pan.append(t1 - t)
        bal.append(t2 - t1)
        tot.append(t2 - t)
    n_sy = b.select(pl.struct("country", "year").n_unique()).item()
    print(f"balance for every state-year 1946–2019 vs {','.join(gp)}: {n_sy:,} state-years, {b.height:,} rows "
          f"(4 channels + combined) from a {df.height:,}-row dyad-year panel")
    print(f"  panel build {min(pan):.2f} s (best of 3), balance_index {min(bal):.2f} s, total {min(tot):.2f} s "
          f"(median total {statistics.median(tot):.2f} s; target ≤ 5 s)")


if __name__ == "__main__":
    main()
