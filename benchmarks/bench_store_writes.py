"""Benchmark: what the store's safety costs (issue: foundations — faults).

    python benchmarks/bench_store_writes.py [--repeat 5]

Measures, in a temporary store filled from the starter pack:

1. first use: building the store from the starter pack (in a temporary file, renamed into place);
2. an import of ATOP (136,625 dyad-years): the whole ``import_tables`` call, and of it the copy of
   the store file that makes the write all-or-nothing;
3. the first query after another write replaced the file (the process's read connection is
   reopened) against a query on an open connection;
4. the range checks of the readers: reading ``cow_igo_ndy.rda`` (917,695 rows) with and without
   the COW-code, year and range checks (``--shared`` must point at shared/data).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from multivector.store import Store  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, list[float]]:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs), runs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mv-bench-store-"))
    os.environ["MULTIVECTOR_HOME"] = str(tmp)
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    fmt = lambda runs: ", ".join(f"{t:.3f}" for t in runs)  # noqa: E731

    def first_use():
        d = Path(tempfile.mkdtemp(dir=tmp))
        Store(d / "multivector.duckdb").initialize()
        shutil.rmtree(d)

    t, runs = timed(first_use, args.repeat)
    print(f"first use (starter pack -> new store, temp file + rename): median {t:.3f} s ({fmt(runs)})")

    path = tmp / "multivector.duckdb"
    store = Store(path)
    store.initialize()
    from multivector.sources.atop import META

    atop = store.table("atop_dyad_year").drop("_dkey")
    t, runs = timed(lambda: store.import_tables(META, {"atop_dyad_year": atop}), args.repeat)
    size = path.stat().st_size / 1e6
    print(f"import ATOP ({atop.height:,} rows) into a {size:.0f} MB store: median {t:.3f} s ({fmt(runs)})")
    t, runs = timed(lambda: shutil.copyfile(path, tmp / "copy.duckdb"), args.repeat)
    print(f"  of which copying the store file: median {t:.3f} s ({fmt(runs)})")

    reader = Store(path)
    q = "SELECT count(*) FROM atop_dyad_year WHERE ccode1 = 705"
    reader.query(q)
    t_open, runs_open = timed(lambda: reader.query(q), args.repeat)

    def after_write():
        os.utime(path)  # as a write does: the file changed, the connection is reopened
        reader.query(q)

    t_re, runs_re = timed(after_write, args.repeat)
    print(f"a query on the open read connection: median {t_open * 1e3:.1f} ms; the first query after the file "
          f"was replaced (connection reopened): median {t_re * 1e3:.1f} ms")

    rda = args.shared / "peacesciencer/cow_igo_ndy.rda"
    if rda.exists():
        from multivector.sources import base, cow_igo

        checked, plain = [], []
        for _ in range(max(2, args.repeat // 2)):  # interleaved: the machine's load drifts
            checked.append(timed(lambda: cow_igo.read(rda), 1)[0])
            plain.append(timed(lambda: base.read_table(rda, "cow_igo", int_cols=["ccode1", "ccode2", "year", "dyadigos"],
                                                       key=["ccode1", "ccode2", "year"]), 1)[0])
        print(f"reading cow_igo_ndy.rda (917,695 rows): median {statistics.median(checked):.2f} s with the range "
              f"checks, {statistics.median(plain):.2f} s with only the type and key checks "
              f"(runs {fmt(checked)} / {fmt(plain)})")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
