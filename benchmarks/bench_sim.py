"""Benchmark of the scenario simulator (issue 4 figures), printed as a Markdown table.

    python benchmarks/bench_sim.py                 # 10,000 runs × 30 years × 1 middle power × 5 powers
    python benchmarks/bench_sim.py --mesa-runs 100 --no-dask

Measures, in one process and one sitting:
1. the vectorised model (local backend): ``run_ensemble`` of the ``baseline`` scenario, parameter
   sampling included, from the neutral start (calibration is a one-off panel read, timed apart);
2. the same model written as a plain Mesa 3 model (``benchmarks/mesa_baseline.py``) on fewer runs,
   scaled linearly per run to the same number of runs (Mesa runs are independent model instances,
   so time is proportional to runs);
3. the Dask backend on a 2-worker local cluster (processes, 1 thread each), beside the local one.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from multivector.sim import InitialState, load_scenario, run_ensemble  # noqa: E402


def best_of(n: int, fn) -> tuple[float, object]:
    times, out = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--years", type=int, default=30)
    ap.add_argument("--mesa-runs", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()

    sc = load_scenario("baseline")
    init = InitialState.neutral(["KAZ"], sc.partners)
    rows: list[tuple[str, str, str, str]] = []
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}")

    t_vec, _ = best_of(args.repeat, lambda: run_ensemble(sc, runs=args.runs, years=args.years, seed=7, init=init))
    per_run_vec = t_vec / args.runs
    rows.append(("vectorised numpy, local", f"{args.runs:,}", f"{t_vec:.2f} s", f"{args.runs / t_vec:,.0f}"))

    import mesa

    from mesa_baseline import run_mesa_ensemble

    t_mesa, _ = best_of(args.repeat, lambda: run_mesa_ensemble(sc, init, runs=args.mesa_runs, years=args.years, seed=7))
    per_run_mesa = t_mesa / args.mesa_runs
    scaled = per_run_mesa * args.runs
    rows.append(
        (
            f"plain Mesa {mesa.__version__} (measured on {args.mesa_runs} runs, × {args.runs / args.mesa_runs:g})",
            f"{args.runs:,}",
            f"{scaled:.1f} s ({t_mesa:.2f} s measured)",
            f"{1 / per_run_mesa:,.0f}",
        )
    )
    speedup = per_run_mesa / per_run_vec

    if not args.no_dask:
        from distributed import Client, LocalCluster

        t0 = time.perf_counter()
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
            startup = time.perf_counter() - t0
            run_ensemble(sc, runs=2500, years=args.years, seed=1, init=init, backend="dask", client=client)  # warm-up
            t_dask, res_d = best_of(
                args.repeat, lambda: run_ensemble(sc, runs=args.runs, years=args.years, seed=7, init=init, backend="dask", client=client)
            )
        res_l = run_ensemble(sc, runs=args.runs, years=args.years, seed=7, init=init)
        identical = all(np.array_equal(res_l.dyad[k], res_d.dyad[k], equal_nan=True) for k in res_l.dyad)
        rows.append(
            (
                f"Dask, 2-worker local cluster (startup {startup:.1f} s not counted)",
                f"{args.runs:,}",
                f"{t_dask:.2f} s",
                f"{args.runs / t_dask:,.0f}",
            )
        )

    print(f"\n{args.runs:,} runs × {args.years} years × 1 middle power × {len(sc.partners)} powers, scenario 'baseline'\n")
    print("| implementation | runs | time (best of %d) | runs / s |" % args.repeat)
    print("|---|---:|---:|---:|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print(f"\nvectorised vs Mesa: {speedup:,.0f}× faster per run")
    if not args.no_dask:
        print(f"Dask results identical to local for the same seed: {identical}")


if __name__ == "__main__":
    main()
