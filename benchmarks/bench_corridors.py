"""Benchmark of the corridor model: network load, route comparison, every shipped scenario, the
flow solver per run, the Monte Carlo error of scenario results, and the GE link.

    python benchmarks/bench_corridors.py                 # runs = 200 and 1000 per scenario, 5 seeds for the MC error
    python benchmarks/bench_corridors.py --quick         # runs = 100, 3 seeds
    python benchmarks/bench_corridors.py --json out.json

Run from the repository root with ``PYTHONPATH=src`` (or an installed package). Prints a
Markdown table per part (the figures in docs/benchmarks.md come from here).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def _t(fn, *a, **kw):
    t0 = time.perf_counter()
    out = fn(*a, **kw)
    return out, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    runs_list = (100,) if args.quick else (200, 1000)
    seeds = (0, 1, 2) if args.quick else (0, 1, 2, 3, 4)
    report: dict = {"machine": {"cpus": os.cpu_count(), "load_avg": os.getloadavg()[0]}}

    t0 = time.perf_counter()
    from multivector.corridors import disruption
    from multivector.corridors.compare import compare
    from multivector.corridors.network import load_network
    from multivector.corridors.scenario import SHIPPED

    t_import = time.perf_counter() - t0
    net, t_load = _t(load_network)
    _, t_elements = _t(lambda: net.element_model)
    report["load"] = {"import_s": t_import, "network_s": t_load, "elements_searoute_s": t_elements}
    print(f"## load\nimports {t_import:.2f} s; network from the seed {t_load:.2f} s; element model with searoute "
          f"distances {t_elements:.2f} s\n")

    print("## compare CHN → DEU\n\n| runs | seconds (first) | seconds (warm) |\n|---|---|---|")
    report["compare"] = []
    for runs in (2000, 20000):
        _, cold = _t(compare, "CHN", "DEU", runs=runs, seed=0, network=net)
        _, warm = _t(compare, "CHN", "DEU", runs=runs, seed=0, network=net)
        report["compare"].append({"runs": runs, "first_s": cold, "warm_s": warm})
        print(f"| {runs:,} | {cold:.2f} | {warm:.2f} |")

    print("\n## scenarios (baseline solved once per runs × seed and reused)\n")
    print("| scenario | runs | seconds | LP solves | ms per solve | intent met | main changes (TEU/yr, mean) |\n|---|---|---|---|---|---|---|")
    report["scenarios"] = []
    for runs in runs_list:
        disruption._BASELINE_CACHE.clear()
        for i, name in enumerate(SHIPPED):
            res, secs = _t(disruption.run_scenario, name, runs=runs, seed=0, network=net)
            solves = runs * (2 if i == 0 else 1)
            ch = sorted(((r["name"], r["change_teu"]) for r in res.routes()), key=lambda x: -abs(x[1]))[:3]
            text = ", ".join(f"{n} {c:+,.0f}" for n, c in ch)
            met = all(res.intent_met().values())
            report["scenarios"].append({"scenario": name, "runs": runs, "seconds": secs, "solves": solves, "intent_met": met,
                                        "routes": res.routes(), "binding": res.to_dict()["binding_segments"]})
            print(f"| {name} | {runs} | {secs:.2f} | {solves} | {1000 * secs / solves:.1f} | {'yes' if met else 'NO'} | {text} |")

    print(f"\n## Monte Carlo error at {runs_list[0]} runs: change in mean TEU/yr across seeds {seeds}\n")
    print("| scenario | route | mean over seeds | sd over seeds |\n|---|---|---|---|")
    report["mc_error"] = []
    for name in SHIPPED:
        per_route: dict[str, list[float]] = {}
        for s in seeds:
            res = disruption.run_scenario(name, runs=runs_list[0], seed=s, network=net)
            for r in res.routes():
                per_route.setdefault(r["name"], []).append(r["change_teu"])
        for route, vals in per_route.items():
            if max(abs(v) for v in vals) < 1000:
                continue
            m, sd = statistics.mean(vals), statistics.stdev(vals)
            report["mc_error"].append({"scenario": name, "route": route, "mean": m, "sd": sd})
            print(f"| {name} | {route} | {m:+,.0f} | {sd:,.0f} |")

    print("\n## GE link (reference gravity data)\n")
    try:
        res = disruption.run_scenario("northern-route-closed", runs=runs_list[0], seed=0, network=net)
        from multivector.corridors.ge import reference_baseline

        _, t_base = _t(reference_baseline)
        ge, t_ge = _t(res.ge)
        _shock, t_shock = _t(res.sim_shock, "KAZ", ge=ge)
        chn = ge.country("CHN")
        report["ge"] = {"baseline_s": t_base, "ge_s": t_ge, "sim_shock_s": t_shock, "pct": ge.pct,
                        "chn_exports": chn.get("exports_change_pct"), "chn_real_gdp": chn.get("real_gdp_change_pct")}
        print(f"gravity baseline (PPML, 69 countries) {t_base:.2f} s; three trade-cost shocks (p5, median, p95) {t_ge:.2f} s; "
              f"simulator shock {t_shock:.2f} s")
        print(f"northern-route-closed: China–EU trade cost {ge.pct}; China's exports {chn.get('exports_change_pct')}")
    except Exception as exc:  # noqa: BLE001 - the shared data may be absent
        print(f"skipped: {exc}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
