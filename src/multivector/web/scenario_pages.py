"""Simulator pages: run a shipped scenario for a country (fan charts over years), and compare two
scenarios side by side (paired runs: same start, same seed).

Runs, years and seed are bounded for the server (:data:`LIMITS`). A run is a job in the
``data`` lane (the start is calibrated from the panel): the page shows its progress and draws the
simulator's own charts (:mod:`multivector.sim.charts`) when it is done.

Pages: ``/scenarios``, ``/scenarios/run``, ``/scenarios/compare``.
API: ``/api/v1/scenarios``, ``/api/v1/scenarios/run``, ``/api/v1/scenarios/compare``.
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response

from multivector.errors import UsageError
from multivector.web import dashboard as D
from multivector.web.jobs import Job, JobBoard
from multivector.web.pages import Section, add_section, page_principal

#: (low, high, default) of what a request may ask for
LIMITS = {"runs": (10, 5000, 1000), "years": (1, 50, 30), "seed": (0, 2**31 - 1, 0)}
CHUNK = 250  # runs per chunk: the progress bar moves every chunk
FAN_VARIABLES = ("engagement", "trust", "threat", "dependence")
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@lru_cache(maxsize=1)
def shipped() -> list[dict]:
    from multivector.sim import SHIPPED_SCENARIOS, load_scenario

    out = []
    for name in SHIPPED_SCENARIOS:
        s = load_scenario(name)
        out.append({"name": name, "description": s.description, "years": s.years, "partners": list(s.partners),
                    "countries": list(s.country or ())})
    return out


def _scenario_name(value: Any, field: str) -> str:
    from multivector.sim import SHIPPED_SCENARIOS

    name = str(value or "").strip()
    if name not in SHIPPED_SCENARIOS:
        import difflib

        near = difflib.get_close_matches(name, SHIPPED_SCENARIOS, n=2)
        raise UsageError(f"{field}: unknown scenario {name[:60]!r}" + (f"; did you mean {', '.join(near)}?" if near else "")
                         + f"; the shipped scenarios: {', '.join(SHIPPED_SCENARIOS)}")
    return name


def _params(country: Any, runs: Any, years: Any, seed: Any) -> dict:
    return {"country": D.country(country or "KAZ"),
            "runs": D.whole(runs, "runs", *LIMITS["runs"]),
            "years": D.whole(years, "years", *LIMITS["years"]),
            "seed": D.whole(seed, "seed", *LIMITS["seed"])}


def _quantiles(result, country: int = 0) -> dict:
    import numpy as np

    out: dict[str, Any] = {"years": [int(y) for y in result.years_axis()], "quantiles": list(QUANTILES)}
    for var in FAN_VARIABLES:
        out[var] = {p: np.nanquantile(result.dyad[var][:, :, country, j].astype(float), QUANTILES, axis=0).round(5).tolist()
                    for j, p in enumerate(result.partners)}
    for var in ("balance", "security", "prosperity", "capacity"):
        out[var] = np.nanquantile(result.middle[var][:, :, country].astype(float), QUANTILES, axis=0).round(5).tolist()
    return out


def _init(code: str, partners, progress) -> Any:
    from multivector.sim import calibrate

    progress(0.02, f"calibrating {code}'s start from the panel")
    return calibrate([code], partners)


def run_view(name: str, p: dict, progress) -> dict:
    from multivector.sim import load_scenario, run_ensemble
    from multivector.sim.charts import fan_chart

    sc = load_scenario(name)
    init = _init(p["country"], sc.partners, progress)
    res = run_ensemble(sc, runs=p["runs"], years=p["years"], seed=p["seed"], init=init, chunk=CHUNK,
                       progress=lambda done, total: progress(0.05 + 0.85 * done / total, f"simulating: chunk {done} of {total}"))
    progress(0.92, "drawing the fan chart")
    api = {"scenario": {"name": sc.name, "description": sc.description}, **p, "start_year": res.start_year,
           "calibrated": res.init.calibrated, "partners": list(res.partners),
           "summary": D.records(res.summary()), "start_values": D.records(res.start_values()),
           "fan": _quantiles(res)}
    return {"api": api, "figures": {"fan": D.figure_json(fan_chart(res))}}


def compare_view(a: str, b: str, p: dict, progress) -> dict:
    from multivector.sim import compare, load_scenario
    from multivector.sim.charts import comparison_chart, fan_chart

    sa, sb = load_scenario(a), load_scenario(b)
    init = _init(p["country"], sa.partners, progress)
    n = [0]

    def step(done: int, total: int) -> None:
        if done == 1:
            n[0] += 1
        progress(0.05 + 0.85 * ((n[0] - 1) + done / total) / 2, f"simulating scenario {n[0]} of 2: chunk {done} of {total}")

    cmp = compare([sa, sb], runs=p["runs"], years=p["years"], seed=p["seed"], init=init, progress=step, chunk=CHUNK)
    progress(0.92, "drawing the charts")
    names = list(cmp.results)
    api = {"scenarios": [{"name": s.name, "description": s.description} for s in (sa, sb)], **p,
           "start_year": cmp.results[names[0]].start_year, "table": D.records(cmp.table),
           "fan": {k: _quantiles(r) for k, r in cmp.results.items()}}
    figs = {"comparison": D.figure_json(comparison_chart(cmp))}
    for k, (key, r) in enumerate(cmp.results.items()):
        figs[f"fan{k}"] = D.figure_json(fan_chart(r))
    return {"api": api, "figures": figs, "names": names}


def run_job(board: JobBoard, name: str, p: dict) -> Job:
    from multivector.panel import data_version

    key = ("sim-run", name, p["country"], p["runs"], p["years"], p["seed"], data_version())
    return board.start("sim-run", "data", key, {"scenario": name, **p}, lambda progress: run_view(name, p, progress))


def compare_job(board: JobBoard, a: str, b: str, p: dict) -> Job:
    from multivector.panel import data_version

    if a == b:
        raise UsageError(f"compare two different scenarios (both are {a!r})")
    key = ("sim-compare", a, b, p["country"], p["runs"], p["years"], p["seed"], data_version())
    return board.start("sim-compare", "data", key, {"a": a, "b": b, **p}, lambda progress: compare_view(a, b, p, progress))


def register(app: FastAPI) -> None:
    add_section(app, Section("scenarios", "Scenarios", "/scenarios",
                             "Run a shipped scenario of the simulator for a country (fan charts over years) and compare "
                             "two side by side.", 40))
    board: JobBoard = app.state.jobs

    def form_context(**chosen) -> dict:
        return {"scenarios": shipped(), "limits": LIMITS, "chosen": chosen}

    @app.get("/scenarios", include_in_schema=False, response_class=HTMLResponse)
    def scenarios_page(request: Request):
        t0 = time.perf_counter()
        page_principal(request)
        return D.page_response(request, "dash/scenarios.html", t0=t0, charts=False, cache_key=("scenarios",),
                               title="Scenarios", lazy=form_context)

    @app.get("/scenarios/run", include_in_schema=False, response_class=HTMLResponse)
    def scenario_run_page(request: Request, scenario: str | None = Query(None, max_length=80),
                          country: str | None = Query(None, max_length=80), runs: str | None = Query(None, max_length=12),
                          years: str | None = Query(None, max_length=12), seed: str | None = Query(None, max_length=12)):
        t0 = time.perf_counter()
        page_principal(request)
        if scenario is None:  # a link with only the country: the form, with the country filled in
            return D.page_response(request, "dash/scenarios.html", t0=t0, charts=False, title="Scenarios",
                                   **form_context(country=D.country(country or "KAZ")))
        name = _scenario_name(scenario, "scenario")
        p = _params(country, runs, years, seed)
        job = run_job(board, name, p)
        return D.job_page(request, job, "dash/scenario_run.html",
                          lambda r: {"r": r["api"], "figures": r["figures"], **form_context(**p, scenario=name)},
                          title=f"Scenario {name} — {p['country']}", t0=t0, what=f"{p['runs']:,} runs of “{name}” for {p['country']}")

    @app.get("/scenarios/compare", include_in_schema=False, response_class=HTMLResponse)
    def scenario_compare_page(request: Request, a: str | None = Query(None, max_length=80), b: str | None = Query(None, max_length=80),
                              country: str | None = Query(None, max_length=80), runs: str | None = Query(None, max_length=12),
                              years: str | None = Query(None, max_length=12), seed: str | None = Query(None, max_length=12)):
        t0 = time.perf_counter()
        page_principal(request)
        na, nb = _scenario_name(a, "a"), _scenario_name(b, "b")
        p = _params(country, runs, years, seed)
        job = compare_job(board, na, nb, p)
        return D.job_page(request, job, "dash/scenario_compare.html",
                          lambda r: {"r": r["api"], "figures": r["figures"], "names": r["names"],
                                     **form_context(**p, scenario=na, other=nb)},
                          title=f"{na} against {nb} — {p['country']}", t0=t0,
                          what=f"two ensembles of {p['runs']:,} runs for {p['country']}")

    # -- API -------------------------------------------------------------------------------------

    bounds = ", ".join(f"{k} {lo}–{hi:,} (default {d if k != 'years' else 'the scenario’s, 30'})"
                       for k, (lo, hi, d) in LIMITS.items())

    @app.get("/api/v1/scenarios", tags=["dashboard: scenarios"], summary="The simulator's shipped scenarios and the server's limits")
    def api_scenarios():
        body = {"scenarios": shipped(), "limits": {k: {"min": lo, "max": hi, "default": d} for k, (lo, hi, d) in LIMITS.items()}}
        return Response(D.json_bytes(body), media_type="application/json")

    @app.get("/api/v1/scenarios/run", tags=["dashboard: scenarios"], summary="Run a shipped scenario for a country",
             description=("A Monte Carlo ensemble of the simulator (`multivector.sim.run_ensemble`) from the country's "
                          f"calibrated start. Bounds on this server: {bounds}. Returns the final-year `summary` (median and "
                          "5–95 % per variable and partner), the `start_values` with their sources, and `fan`: the 5, 25, "
                          "50, 75 and 95 % quantiles per year of engagement, trust, threat and dependence per partner and "
                          "of the middle power's indices. The run is a job: 202 with its status if it is not done after "
                          "`wait` seconds (same parameters, same job: results are reproducible by seed)."),
             responses={202: {"description": "Still running: the job's status"}, 404: {"description": "Unknown country"},
                        422: {"description": "Unknown scenario or a value out of bounds"}})
    def api_run(request: Request, scenario: str = Query(..., max_length=80), country: str = Query("KAZ", max_length=80),
                runs: int = Query(LIMITS["runs"][2], ge=LIMITS["runs"][0], le=LIMITS["runs"][1]),
                years: int = Query(LIMITS["years"][2], ge=LIMITS["years"][0], le=LIMITS["years"][1]),
                seed: int = Query(0, ge=0, le=LIMITS["seed"][1]),
                wait_s: float | None = Query(None, alias="wait", ge=0, le=D.API_MAX_WAIT_S)):
        job = run_job(board, _scenario_name(scenario, "scenario"), _params(country, runs, years, seed))
        return D.api_result(request, job, wait_s)

    @app.get("/api/v1/scenarios/compare", tags=["dashboard: scenarios"], summary="Two scenarios side by side",
             description=("Both scenarios from one calibrated start with one seed (paired runs, `multivector.sim.compare`): "
                          "`table` has the final-year median and 5–95 % of each outcome per scenario, with `diff_median` "
                          "and `share_higher` against the first (`a`). Same bounds and job behaviour as `/scenarios/run`."),
             responses={202: {"description": "Still running: the job's status"}, 422: {"description": "Invalid input"}})
    def api_compare(request: Request, a: str = Query(..., max_length=80), b: str = Query(..., max_length=80),
                    country: str = Query("KAZ", max_length=80),
                    runs: int = Query(LIMITS["runs"][2], ge=LIMITS["runs"][0], le=LIMITS["runs"][1]),
                    years: int = Query(LIMITS["years"][2], ge=LIMITS["years"][0], le=LIMITS["years"][1]),
                    seed: int = Query(0, ge=0, le=LIMITS["seed"][1]),
                    wait_s: float | None = Query(None, alias="wait", ge=0, le=D.API_MAX_WAIT_S)):
        job = compare_job(board, _scenario_name(a, "a"), _scenario_name(b, "b"), _params(country, runs, years, seed))
        return D.api_result(request, job, wait_s)
