"""Corridor pages: the network on a map (plotly on plain longitude/latitude axes over bundled
Natural Earth outlines: no tiles, no topojson), routes compared by Monte Carlo (days and cost,
5th/50th/95th percentiles), and disruption scenarios — shipped, built from the page (close
routes, segments, nodes, transit countries or sea passages) or pasted as a scenario file —
showing volumes per route against the baseline, where capacity binds and who gains transit.

Everything is :mod:`multivector.corridors`' public API; runs are jobs in the ``model`` lane.

Pages: ``/corridors``, ``/corridors/routes``, ``/corridors/scenario`` (GET; POST for a file).
API: ``/api/v1/corridors/network``, ``/api/v1/corridors/scenarios``, ``/api/v1/corridors/routes``,
``/api/v1/corridors/scenario`` (GET; POST with a name, a table or TOML text).
"""

from __future__ import annotations

import hashlib
import json
import time
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs

from fastapi import Body, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from multivector.errors import ScenarioError, UsageError
from multivector.web import dashboard as D
from multivector.web.jobs import Job, JobBoard
from multivector.web.pages import Section, add_section, page_principal

LIMITS = {"compare_runs": (50, 5000, 2000), "scenario_runs": (20, 1000, 200), "seed": (0, 2**31 - 1, 0)}
MAX_TOML_BYTES = 100_000
CLOSE_KEYS = ("route", "segment", "node", "country", "passage")


def _network():
    from multivector.corridors.network import load_network

    return load_network()


@lru_cache(maxsize=1)
def _shipped() -> list[dict]:
    from multivector.corridors.scenario import list_scenarios

    return [{"name": s.name, "description": s.description, "changes": s.describe()} for s in list_scenarios()]


@lru_cache(maxsize=1)
def _form_choices() -> dict:
    """What the page's forms offer: places, routes, the container network's segments and nodes, passages."""
    from multivector.corridors.sea import PASSAGES

    net = _network()
    container = {sid: s for sid, s in net.segments.items() if sid in net.element_model}
    used = {n for s in container.values() for n in (s.a, s.b)}
    return {
        "hub_countries": sorted(c for c in net.params.hubs),
        "routes": [{"name": k, "label": v.label} for k, v in net.params.routes.items()],
        "segments": sorted(({"id": sid, "name": s.name, "mode": s.mode} for sid, s in container.items()),
                           key=lambda d: d["name"]),
        "nodes": sorted(({"id": n.id, "name": n.name, "country": n.country, "kind": n.kind}
                         for n in net.nodes.values() if n.id in used), key=lambda d: d["name"]),
        "passages": list(PASSAGES),
        "limits": LIMITS,
        "shipped": _shipped(),
    }


# ---------------------------------------------------------------------------------------------
# The computations (model lane)


def _routes_view(origin: str, destination: str, runs: int, seed: int, scenario: str | None, progress) -> dict:
    from multivector.corridors.compare import compare
    from multivector.corridors.geo import network_geojson
    from multivector.web import dash_charts as C

    progress(0.1, "comparing the routes (Monte Carlo)")
    cmp = compare(origin, destination, runs=runs, seed=seed, scenario=scenario or None)
    api = cmp.to_dict()
    if not any(r.get("days_median") is not None for r in api["routes"]):
        raise ScenarioError(f"no open route from {origin} to {destination}"
                            + (f" under the scenario {scenario!r}" if scenario else "")
                            + "; try other places or another scenario")
    progress(0.8, "drawing the map")
    geo = network_geojson(network=cmp.network, origin=origin, destination=destination)
    routes = {r["name"]: r.get("segments") or [] for r in api["routes"] if r.get("status") == "open" and r.get("segments")}
    figs = {"days": D.figure_json(C.route_days_chart(api)),
            "map": D.figure_json(C.network_map(geo, title=f"Routes from {api['origin']} to {api['destination']}: each "
                                               "route's fastest variant", routes=routes))}
    return {"api": api, "figures": figs}


def _scenario_view(scenario: Any, runs: int, seed: int, progress) -> dict:
    from multivector.corridors.disruption import run_scenario
    from multivector.corridors.geo import network_geojson
    from multivector.web import dash_charts as C

    progress(0.02, "solving the flows, baseline and scenario")
    res = run_scenario(scenario, runs=runs, seed=seed,
                       progress=lambda done, total: progress(0.02 + 0.9 * done / max(1, total),
                                                             f"solving the flows: run {done} of {total}"))
    progress(0.95, "drawing the map")
    api = res.to_dict()
    if "/" in str(api["scenario"].get("source", "")):  # a shipped file: its name, not the server's path
        api["scenario"]["source"] = str(api["scenario"]["source"]).rsplit("/", 1)[-1]
    geo = network_geojson(res)
    api["geojson"] = geo
    figs = {"volumes": D.figure_json(C.volume_chart(api)),
            "map": D.figure_json(C.network_map(geo, flows=True,
                                               title=f"Flows under “{res.scenario.name}”: width by the scenario's volume, "
                                                     "colour by its change against the baseline"))}
    return {"api": api, "figures": figs}


def routes_job(board: JobBoard, origin: str, destination: str, runs: int, seed: int, scenario: str | None) -> Job:
    net = _network()
    net.hubs(origin)  # unknown places are refused at once, with the nearest known names
    net.hubs(destination)
    key = ("corridor-routes", origin, destination, runs, seed, scenario or "")
    params = {"from": origin, "to": destination, "runs": runs, "seed": seed, "scenario": scenario}
    return board.start("corridor-routes", "model", key, params,
                       lambda progress: _routes_view(origin, destination, runs, seed, scenario, progress))


def scenario_job(board: JobBoard, scenario: Any, runs: int, seed: int, label: str, key_part: str) -> Job:
    key = ("corridor-scenario", key_part, runs, seed)
    return board.start("corridor-scenario", "model", key, {"scenario": label, "runs": runs, "seed": seed},
                       lambda progress: _scenario_view(scenario, runs, seed, progress))


def _checked_scenario(source: Any, where: str):
    """A scenario from a shipped name, a table laid out like the TOML file, or TOML text; checked now
    (so a mistake is reported at once, with the key and the nearest known name)."""
    from multivector.corridors.scenario import load_scenario, scenario_from_dict

    if isinstance(source, dict):
        return scenario_from_dict(source, where, _network())
    text = str(source or "").strip()
    if not text:
        raise UsageError("no scenario given: name a shipped scenario, or give a scenario file's text")
    if "\n" in text or "=" in text or text.startswith("["):
        import tomllib

        if len(text.encode()) > MAX_TOML_BYTES:
            raise ScenarioError(f"{where}: {len(text.encode()):,} bytes is too large for a scenario file (at most {MAX_TOML_BYTES:,})")
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ScenarioError(f"{where}: not valid TOML: {exc}") from None
        return scenario_from_dict(raw, where, _network())
    if "/" in text or text.endswith(".toml"):  # never read files of the server's disk
        raise ScenarioError(f"{where}: give a shipped scenario's name or the file's text, not a path ({text[:60]!r})")
    return load_scenario(text, _network())


def _closure_dict(form: dict[str, list[str]]) -> dict | None:
    """The scenario table of the page's closure form (``close_route=…&close_segment=…``), or None."""
    picked: dict[str, list[str]] = {}
    for k in CLOSE_KEYS:
        vals: list[str] = []
        for raw in form.get(f"close_{k}", []):
            vals += [x.strip() for x in raw.split(",") if x.strip()]
        if vals:
            picked[k] = list(dict.fromkeys(vals))
    between = [x.strip() for raw in form.get("between", []) for x in raw.split(",") if x.strip()]
    if not picked:
        return None
    close: dict[str, Any] = {f"{k}s" if k != "country" else "countries": v for k, v in picked.items()}
    if between:
        close["between"] = between
    label = "closed: " + "; ".join(f"{k}s {', '.join(v)}" if k != "country" else f"transit through {', '.join(v)}"
                                   for k, v in picked.items())
    close["label"] = label + (f" (trade between {', '.join(between)})" if between else "")
    return {"scenario": {"name": "custom", "description": close["label"][:1].upper() + close["label"][1:] + "."},
            "close": [close]}


def closure_or_named_job(board: JobBoard, form: dict[str, list[str]], name: str | None, runs: int, seed: int,
                         where: str, missing: str) -> tuple[Any, Job]:
    """The disruption a page or API request asks for — closures from ``form`` (checked, named by
    ``where`` in messages), else the shipped scenario ``name`` — and its job; ``missing`` is the
    message when it asks for neither."""
    table = _closure_dict(form)
    if table is not None:
        sc = _checked_scenario(table, where)
        return sc, scenario_job(board, sc, runs, seed, sc.description, "form:" + _key_of(table))
    if name:
        sc = _checked_scenario(name.strip(), "name")
        return sc, scenario_job(board, sc.name, runs, seed, sc.name, "name:" + sc.name)
    raise UsageError(missing)


def _key_of(raw: Any) -> str:
    text = raw if isinstance(raw, str) else json.dumps(raw, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def register(app: FastAPI) -> None:
    add_section(app, Section("corridors", "Corridors", "/corridors",
                             "The Middle Corridor against the northern route and the sea: the network on a map, routes "
                             "compared, and disruptions showing where the flows move.", 50))
    board: JobBoard = app.state.jobs

    def runs_seed(runs: Any, seed: Any, kind: str) -> tuple[int, int]:
        return D.whole(runs, "runs", *LIMITS[kind]), D.whole(seed, "seed", *LIMITS["seed"])

    # -- pages -----------------------------------------------------------------------------------

    @app.get("/corridors", include_in_schema=False, response_class=HTMLResponse)
    def corridors_page(request: Request):
        t0 = time.perf_counter()
        page_principal(request)
        return D.page_response(request, "dash/corridors.html", t0=t0, cache_key=("corridors",), title="Corridors",
                               lazy=lambda: {"figures": {"map": _base_map()}, **_form_choices()})

    @app.get("/corridors/routes", include_in_schema=False, response_class=HTMLResponse)
    def corridor_routes_page(request: Request, origin: str = Query("CHN", alias="from", max_length=60),
                             destination: str = Query("DEU", alias="to", max_length=60),
                             runs: str | None = Query(None, max_length=12), seed: str | None = Query(None, max_length=12),
                             scenario: str | None = Query(None, max_length=60)):
        t0 = time.perf_counter()
        page_principal(request)
        r, s = runs_seed(runs, seed, "compare_runs")
        sc = (scenario or "").strip() or None
        if sc is not None and sc != "baseline":
            _checked_scenario(sc, "scenario")
        job = routes_job(board, origin.strip(), destination.strip(), r, s, sc)
        return D.job_page(request, job, "dash/corridor_routes.html",
                          lambda res: {"c": res["api"], "figures": res["figures"], **_form_choices()},
                          title=f"Routes {origin} → {destination}", t0=t0, what=f"the routes from {origin} to {destination}")

    @app.get("/corridors/scenario", include_in_schema=False, response_class=HTMLResponse)
    def corridor_scenario_page(request: Request, name: str | None = Query(None, max_length=60),
                               job: str | None = Query(None, max_length=80),
                               runs: str | None = Query(None, max_length=12), seed: str | None = Query(None, max_length=12)):
        t0 = time.perf_counter()
        page_principal(request)
        def ctx(res: dict) -> dict:
            return {"s": res["api"], "figures": res["figures"], **_form_choices()}

        if job:
            found = board.get(job)
            if found is None:
                raise UsageError("this run is no longer held by the server (it keeps the recent ones); run the scenario again")
            return D.job_page(request, found, "dash/corridor_scenario.html", ctx, title="Disruption", t0=t0,
                              what="the disruption against the baseline")
        r, s = runs_seed(runs, seed, "scenario_runs")
        form = parse_qs(request.url.query, keep_blank_values=False, max_num_fields=400)
        sc, j = closure_or_named_job(board, form, name, r, s, "the closure form",
                                     "choose a shipped scenario (name=…) or something to close (close_route=…, "
                                     "close_segment=…, close_node=…, close_country=…, close_passage=…)")
        return D.job_page(request, j, "dash/corridor_scenario.html", ctx, title=f"Disruption: {sc.name}", t0=t0,
                          what=f"“{sc.name}” against the baseline ({r} runs)")

    @app.post("/corridors/scenario", include_in_schema=False, response_class=HTMLResponse)
    async def corridor_scenario_post(request: Request):
        t0 = time.perf_counter()
        page_principal(request)
        body = await request.body()
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
        except (UnicodeDecodeError, ValueError):
            raise UsageError("the form could not be read") from None
        text = (form.get("toml") or [""])[0]
        try:
            r, s = runs_seed((form.get("runs") or [None])[0], (form.get("seed") or [None])[0], "scenario_runs")
            sc = _checked_scenario(text, "the scenario file") if text.strip() else None
            if sc is None:
                raise UsageError("paste a scenario file (TOML) into the box, or choose a shipped scenario")
        except (ScenarioError, UsageError) as exc:
            return D.page_response(request, "dash/corridors.html", t0=t0, status_code=422, title="Corridors",
                                   figures={"map": _base_map()}, toml=text, toml_error=str(exc), **_form_choices())
        j = scenario_job(board, sc, r, s, sc.name, "toml:" + _key_of(text))
        return RedirectResponse(f"/corridors/scenario?job={j.id}", status_code=303)

    class GeoJSONResponse(Response):
        media_type = "application/geo+json"

    # -- API -------------------------------------------------------------------------------------

    @app.get("/api/v1/corridors/network", tags=["dashboard: corridors"], summary="The corridor network as GeoJSON",
             response_class=GeoJSONResponse,
             responses={200: {"content": {"application/geo+json": {"schema": {"type": "object"}}}}},
             description="Node points and segment lines (sea and ferry segments follow their searoute path) with mode, "
                         "status, length, capacity and the routes (from `from` to `to`) that use them. Draw it offline: "
                         "no tiles or topojson are needed.")
    def api_network(origin: str = Query("CHN", alias="from", max_length=60),
                    destination: str = Query("DEU", alias="to", max_length=60)):
        from multivector.corridors.geo import network_geojson

        net = _network()
        net.hubs(origin)
        net.hubs(destination)
        return GeoJSONResponse(D.json_bytes(network_geojson(network=net, origin=origin, destination=destination)))

    @app.get("/api/v1/corridors/scenarios", tags=["dashboard: corridors"], summary="The shipped disruption scenarios")
    def api_corridor_scenarios():
        body = {"scenarios": _shipped(), "limits": {k: {"min": lo, "max": hi, "default": d} for k, (lo, hi, d) in LIMITS.items()}}
        return Response(D.json_bytes(body), media_type="application/json")

    @app.get("/api/v1/corridors/routes", tags=["dashboard: corridors"], summary="Compare the routes between two places",
             description=("The JSON of `multivector corridors compare`: `routes`, each with `name`, `status`, `countries`, "
                          "`days_p5`, `days_median`, `days_p95`, cost percentiles with their basis, capacity and bottleneck. "
                          "Places are countries with hubs (CHN, DEU, the EU…) or node ids (xian, duisburg). A job in the "
                          "model lane: 202 with its status if not done after `wait` seconds."),
             responses={202: {"description": "Still running"}, 422: {"description": "Unknown place, no path, bad runs"}})
    def api_routes(request: Request, origin: str = Query("CHN", alias="from", max_length=60),
                   destination: str = Query("DEU", alias="to", max_length=60),
                   runs: int = Query(LIMITS["compare_runs"][2], ge=LIMITS["compare_runs"][0], le=LIMITS["compare_runs"][1]),
                   seed: int = Query(0, ge=0, le=LIMITS["seed"][1]),
                   scenario: str | None = Query(None, max_length=60, description="a shipped scenario's name"),
                   wait_s: float | None = Query(None, alias="wait", ge=0, le=D.API_MAX_WAIT_S)):
        sc = (scenario or "").strip() or None
        if sc is not None and sc != "baseline":
            _checked_scenario(sc, "scenario")
        job = routes_job(board, origin.strip(), destination.strip(), runs, seed, sc)
        return D.api_result(request, job, wait_s)

    scenario_doc = ("The JSON of `multivector corridors scenario`: `routes` (per route `baseline_teu`, `scenario_teu`, "
                    "`change_teu`, `change_pct`, 5–95 % bands, days), `binding_segments` and `binding`, `transit` and "
                    "`gaining_transit`, `demands`, `trade_cost_changes`, `intent_met`, and `geojson` (the network with "
                    "baseline and scenario volumes per segment and node). A job in the model lane: 202 with its status "
                    "if not done after `wait` seconds.")

    @app.get("/api/v1/corridors/scenario", tags=["dashboard: corridors"], summary="Run a disruption scenario",
             description=scenario_doc + " Give `name` (a shipped scenario) or what to close: `close_route`, "
                                        "`close_segment`, `close_node`, `close_country`, `close_passage` (repeatable or "
                                        "comma-separated), optionally `between` (e.g. CHN,EU: only for that trade).",
             responses={202: {"description": "Still running"}, 422: {"description": "Invalid scenario: the message names the key"}})
    def api_scenario(request: Request, name: str | None = Query(None, max_length=60),
                     close_route: list[str] = Query([]), close_segment: list[str] = Query([]),
                     close_node: list[str] = Query([]), close_country: list[str] = Query([]),
                     close_passage: list[str] = Query([]), between: str | None = Query(None, max_length=100),
                     runs: int = Query(LIMITS["scenario_runs"][2], ge=LIMITS["scenario_runs"][0], le=LIMITS["scenario_runs"][1]),
                     seed: int = Query(0, ge=0, le=LIMITS["seed"][1]),
                     wait_s: float | None = Query(None, alias="wait", ge=0, le=D.API_MAX_WAIT_S)):
        form = {"close_route": close_route, "close_segment": close_segment, "close_node": close_node,
                "close_country": close_country, "close_passage": close_passage, "between": [between] if between else []}
        _, job = closure_or_named_job(board, form, name, runs, seed, "query",
                                      "give name (a shipped scenario) or something to close (close_route, "
                                      "close_segment, close_node, close_country, close_passage)")
        return D.api_result(request, job, wait_s)

    @app.post("/api/v1/corridors/scenario", tags=["dashboard: corridors"], summary="Run a disruption scenario given as a file",
              description=scenario_doc + " The body: `{\"scenario\": NAME | TABLE, \"runs\": 200, \"seed\": 0}` where TABLE "
                                         "is laid out like the TOML file, or `{\"toml\": \"TEXT\"}` with the file's text. "
                                         "Unknown tables, keys, segments, nodes, states, passages or routes and ranges "
                                         "with min > max are refused (422) with the key and the nearest known name.",
              responses={202: {"description": "Still running"}, 422: {"description": "Invalid scenario"}})
    def api_scenario_post(request: Request, body: dict = Body(..., examples=[{"toml": "[scenario]\nname = \"x\"\n"
                                                                                       "[[close]]\nsegments = [\"aktau-alat-ferry\"]\n"},
                                                                             {"scenario": "red-sea-closed", "runs": 200}]),
                          wait_s: float | None = Query(None, alias="wait", ge=0, le=D.API_MAX_WAIT_S)):
        unknown = set(body) - {"scenario", "toml", "runs", "seed"}
        if unknown:
            raise UsageError(f"unknown field(s) {', '.join(sorted(unknown))}; the body takes scenario or toml, runs, seed")
        r, s = runs_seed(body.get("runs"), body.get("seed"), "scenario_runs")
        if body.get("toml") is not None:
            if not isinstance(body["toml"], str):
                raise UsageError("toml must be the scenario file's text (a string)")
            sc = _checked_scenario(body["toml"], "toml")
            key = "toml:" + _key_of(body["toml"])
        elif isinstance(body.get("scenario"), dict):
            sc = _checked_scenario(body["scenario"], "scenario")
            key = "table:" + _key_of(body["scenario"])
        elif isinstance(body.get("scenario"), str):
            sc = _checked_scenario(body["scenario"], "scenario")
            key = "name:" + sc.name if "\n" not in body["scenario"] else "toml:" + _key_of(body["scenario"])
        else:
            raise UsageError("give scenario (a shipped name or a table) or toml (the file's text)")
        job = scenario_job(board, sc, r, s, sc.name, key)
        return D.api_result(request, job, wait_s)


_BASE_MAP: dict[str, str] = {}


def _base_map() -> str:
    if "map" not in _BASE_MAP:
        from multivector.corridors.geo import network_geojson
        from multivector.web import dash_charts as C

        geo = network_geojson(network=_network())
        _BASE_MAP["map"] = D.figure_json(C.network_map(
            geo, title="The corridor network: rail, rail ferries and sea lanes (hover for each segment and node)"))
    return _BASE_MAP["map"]
