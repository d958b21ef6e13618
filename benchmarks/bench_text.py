"""Text channel timings: the whole UN General Debate corpus read, analysed and stored, and one
article after the models load.

    python benchmarks/bench_text.py [--workers 2] [--dask] [--skip-corpus]

Corpus: ``UNGDC_1946-2024.tgz`` from shared/data read as published, every speech analysed
(processes backend, ``--workers`` processes), the three tables written into a fresh store in a
temporary folder. Wall time and CPU time (this process and its workers) are reported with the
machine's load average, because the 2 cores are shared. ``--dask`` repeats the analysis on a
Dask local cluster (processes scheduler) and checks that the tables are identical.

Article: an English and a Russian article written for the benchmark from the evaluation set's
written sentences (≈ 1,100 and 950 words, each with numeric claims): the first call (loading
lingua, pymorphy3, the lexicons and the store's reference figures) is timed apart from the median
of 20 later calls.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path


def cpu_seconds() -> float:
    self_ = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return self_.ru_utime + self_.ru_stime + kids.ru_utime + kids.ru_stime


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def corpus(workers: int, with_dask: bool) -> None:
    from multivector.config import shared_data_dir
    from multivector.sources import ungdc
    from multivector.starter_pack import observed_coverage
    from multivector.store import Store

    path = shared_data_dir() / "ungdc" / "UNGDC_1946-2024.tgz"
    print(f"corpus: {path} ({path.stat().st_size / 1e6:.0f} MB compressed); load average before: {load()}")
    with tempfile.TemporaryDirectory() as home:
        store = Store(Path(home) / "multivector.duckdb")
        store.initialize()
        c0, t0 = cpu_seconds(), time.perf_counter()
        frame = ungdc.read(path)
        t1 = time.perf_counter()
        mb = sum(len(t) for t in frame["text"].to_list()) / 1e6
        tables = ungdc.derive(frame, backend="processes", workers=workers)
        t2 = time.perf_counter()
        store.import_tables(ungdc.META, tables, coverage=observed_coverage("ungdc", tables), input_path=str(path))
        t3 = time.perf_counter()
        cpu = cpu_seconds() - c0
    print(f"  {frame.height:,} speeches, {mb:.0f} MB of text")
    print(f"  read {t1 - t0:.1f} s | analyse ({workers} processes) {t2 - t1:.1f} s | store {t3 - t2:.1f} s | "
          f"total {t3 - t0:.1f} s wall, {cpu:.1f} s CPU; load average after: {load()}")
    for name, df in tables.items():
        print(f"  {name}: {df.height:,} rows")
    if with_dask:
        t4 = time.perf_counter()
        dtables = ungdc.derive(frame, backend="dask", workers=workers)
        t5 = time.perf_counter()
        same = all(dtables[n].equals(tables[n]) for n in tables)
        print(f"  dask backend ({workers} workers): analyse {t5 - t4:.1f} s; identical tables: {same}")


def article_text(lang: str, repeat: int) -> str:
    from multivector.text.eval.evaluate import load as load_set

    rows = load_set(f"written_{lang}.tsv")
    claims = [r["text"] for r in load_set("claims.tsv") if r["language"] == lang]
    body = " ".join(r["text"] for r in rows)
    return " ".join([body] * repeat + claims[:8])


def article() -> None:
    from multivector import text

    for lang, repeat in (("en", 1), ("ru", 1)):
        doc = article_text(lang, repeat)
        words = len(doc.split())
        t0 = time.perf_counter()
        first = text.analyse(doc)
        t1 = time.perf_counter()
        times = []
        for _ in range(20):
            s = time.perf_counter()
            text.analyse(doc)
            times.append(time.perf_counter() - s)
        print(f"article ({lang}, {words:,} words, {len(first['claims'])} claims checked): first call with model "
              f"loading {t1 - t0:.2f} s; then median {statistics.median(times):.3f} s, max {max(times):.3f} s "
              f"(load average {load()})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dask", action="store_true")
    ap.add_argument("--skip-corpus", action="store_true")
    args = ap.parse_args()
    if not args.skip_corpus:
        corpus(args.workers, args.dask)
    article()
    return 0


if __name__ == "__main__":
    sys.exit(main())
