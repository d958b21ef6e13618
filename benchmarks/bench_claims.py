"""Benchmarks of the claims engine: Monte Carlo recovery rates (power curves) on SYNTHETIC panels
with known truth, and the speed of all claims for one country.

    python benchmarks/bench_claims.py                 # full run (~10–20 min on 2 busy cores)
    python benchmarks/bench_claims.py --quick         # a few draws per cell, to check it runs
    python benchmarks/bench_claims.py --only speed    # speed | additive | breaks

Prints Markdown tables (the figures in docs/claims.md and docs/benchmarks.md come from here) and
writes the raw numbers to benchmarks/results/claims.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def additive_curve(draws: int, effects=(-0.5, -0.25, 0.0, 0.25, 0.5), loadings=(0.0, 0.5, 1.0, 2.0)):
    """Share of draws read additive / subtractive by the overall row, per true effect and loading of
    the middle-power-year common factor. (The figures in docs/claims.md for the first-difference design
    the methods review rejected — the former ``multivector.analysis``, since removed — were measured
    with this script at commit aa61243.)"""

    from multivector.claims import additive_or_subtractive
    from multivector.claims.synthetic import synthetic_long_panel

    rows = []
    for eff in effects:
        for lam in loadings:
            counts = {"additive": 0, "subtractive": 0, "no evidence either way": 0, "not testable": 0}
            t0 = time.perf_counter()
            for r in range(draws):
                lp, truth = synthetic_long_panel(effect=eff, loading=lam, seed=int(1e6 + 1e4 * lam + 100 * (eff + 1) + r))
                res = additive_or_subtractive(lp, "MID", "FOC", truth["others"], n_placebo=1000)
                counts[res.overall()[0]["reading"]] += 1
            rows.append({"effect": eff, "loading": lam, "draws": draws, **{k: v / draws for k, v in counts.items()},
                         "seconds_per_draw": (time.perf_counter() - t0) / draws})
            print(f"  effect {eff:+.2f} loading {lam}: {rows[-1]}", flush=True)
    return rows


def break_curve(draws: int):
    from multivector.claims.estimators import sup_f_break
    from multivector.claims.synthetic import synthetic_break_series

    rows = []
    cells = [("none", 0.0)] + [("break", s) for s in (1.0, 2.0, 3.0, 4.0, 5.0, 6.0)] + \
            [("inverted_u", s) for s in (1.0, 2.0, 3.0)]
    for kind, size in cells:
        det = dated = 0
        t0 = time.perf_counter()
        for r in range(draws):
            yrs, y, tr = synthetic_break_series(kind, size=size, seed=int(5e6 + 1000 * size + r))
            bt = sup_f_break(y, yrs, n_boot=499)
            d = bt.p_value <= 0.05
            det += d
            if kind == "break" and d and abs(bt.break_year - tr["break_year"]) <= 1:
                dated += 1
        rows.append({"kind": kind, "size_sd": size, "draws": draws, "break_detected": det / draws,
                     "dated_within_1y": dated / draws if kind == "break" else None,
                     "ms_per_series": 1000 * (time.perf_counter() - t0) / draws})
        print(f"  {kind} {size}: {rows[-1]}", flush=True)
    return rows


SPEED = r"""
import time, json, sys
t0 = time.perf_counter()
from multivector.claims.data import project_long
from multivector.claims.bottom_line import bottom_line
t1 = time.perf_counter()
lp = project_long()
t2 = time.perf_counter()
bl = bottom_line("KAZ", data=lp, focus="CHN", others="RUS,USA,EU,TUR", n_placebo=1000)
t3 = time.perf_counter()
bl2 = bottom_line("UZB", data=lp, focus="CHN", others="RUS,USA,EU,TUR", n_placebo=1000)
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "data": t2 - t1, "claims_first_country": t3 - t2,
                  "claims_second_country": t4 - t3, "total_first": t3 - t0}))
"""


def speed(repeats: int):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    env.setdefault("MULTIVECTOR_HOME", "/tmp/mv-bench-claims")
    out = []
    for _ in range(repeats):
        r = subprocess.run([sys.executable, "-c", SPEED], capture_output=True, text=True, env=env, check=True)
        out.append(json.loads(r.stdout.strip().splitlines()[-1]))
    keys = out[0].keys()
    return {k: {"median": float(np.median([o[k] for o in out])), "min": float(min(o[k] for o in out))} for k in keys}


def _load() -> str:
    try:
        return ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", choices=["speed", "additive", "breaks"])
    ap.add_argument("--draws", type=int, default=None)
    a = ap.parse_args()
    res: dict = {"cpus": os.cpu_count(), "load_before": _load()}
    if a.only in (None, "speed"):
        print("speed (all claims for one country, 1,000 placebo draws; fresh process each run)", flush=True)
        res["speed"] = speed(1 if a.quick else 3)
        print(json.dumps(res["speed"], indent=1))
    if a.only in (None, "additive"):
        n = a.draws or (3 if a.quick else 100)
        print(f"additive Monte Carlo ({n} draws per cell)", flush=True)
        res["additive"] = additive_curve(n)
    if a.only in (None, "breaks"):
        n = a.draws or (5 if a.quick else 200)
        print(f"break Monte Carlo ({n} draws per cell)", flush=True)
        res["breaks"] = break_curve(n)
    res["load_after"] = _load()
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    name = "claims.json" if not a.only else f"claims_{a.only}.json"
    (out / name).write_text(json.dumps(res, indent=1))
    print(f"wrote {out / name}")


if __name__ == "__main__":
    main()
