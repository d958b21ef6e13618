"""Country pages and the comparison of up to five countries.

A country's page shows the bottom line on each claim, the balance with its percentile among all
states and among its peers, trade as each side reports it, what its leaders say in the UN
General Debate, and the data's coverage. It is the report's profile and charts
(:func:`multivector.report.build_report`), not a second computation: the view is built once per
(country, powers, years, version of the data) in the ``data`` job lane and kept in memory.

Pages: ``/countries``, ``/countries/{country}``, ``/compare?countries=KAZ,UZB``.
API: ``/api/v1/countries``, ``/api/v1/countries/{country}``, ``/api/v1/countries/{country}/figures``,
``/api/v1/compare``.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi import Path as P
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from multivector.web import dashboard as D
from multivector.web.jobs import Job, JobBoard, wait
from multivector.web.pages import Section, add_section, page_principal

#: the report's figures a country page shows, by section
PAGE_FIGURES = {
    "bottomline": ["additive"],
    "balance": ["balance", "shares"],
    "alignment": ["un_agree", "un_kappa"],
    "trade": ["trade_both", "trade"],
    "speech": ["speech", "speech_mentions"],
}
#: countries offered first on the index (Central Asia, then other middle powers with data)
FEATURED = ["KAZ", "UZB", "KGZ", "TJK", "TKM", "AZE", "GEO", "ARM", "MNG", "IDN", "VNM", "IND", "BRA", "ZAF", "SAU", "EGY"]
MAX_COMPARE = 5


def _steps_total() -> int:
    from multivector.report.profile import STEPS

    return len(STEPS) + 2


# ---------------------------------------------------------------------------------------------
# The view of one country (built in the data lane)


def _latest_balance(bal) -> list[dict]:
    import polars as pl

    out = []
    for ch in ("diplomatic", "security", "institutions", "events", "economy", "combined"):
        b = bal.filter((pl.col("channel") == ch) & pl.col("balance").is_not_null())
        if b.height == 0:
            continue
        r = b.row(-1, named=True)
        out.append({"channel": ch, "year": r["year"], "balance": r["balance"], "tilt_partner": r["tilt_partner"],
                    "tilt": r["tilt"], "percentile_all": r["percentile_all"], "percentile_peers": r["percentile_peers"],
                    "ci_low": r["balance_ci_low"], "ci_high": r["balance_ci_high"],
                    "n_partners_with_data": r["n_partners_with_data"]})
    return out


def build_country_view(code: str, partners: tuple[str, ...] | None, years: tuple[int, int] | None,
                       progress: Any = None) -> dict:
    """Everything a country page shows, from :func:`multivector.report.build_report`."""
    from multivector.countries import region_of
    from multivector.report import build_report

    total = _steps_total()
    done = [0]

    def step(label: str) -> None:
        done[0] += 1
        if progress is not None:
            progress(min(0.98, (done[0] - 1) / total), label)

    rep = build_report(code, list(partners) if partners else None, years, progress=step)
    t = rep.tables
    bl = rep.bottom_line
    peers = region_of().get(rep.country) or "its region"
    claims = [] if bl is None else [
        {k: c.get(k) for k in ("claim", "title", "reading", "headline", "summary", "design", "uncertainty", "what_would_change")}
        for c in bl.claims]
    trade_cols = ["partner", "year", "reported_bn", "mirror_bn", "gap_pct", "trade_source", "mirror_source"]
    api = {
        "country": rep.country, "name": rep.country_name, "peers": peers, "partners": rep.partners,
        "years": list(rep.years), "focus": rep.focus, "created": rep.created,
        "bottom_line": claims,
        "snapshot": D.records(t.get("snapshot")),
        "balance": {"latest": D.jsonable(_latest_balance(t["balance"])), "by_year": D.records(t["balance"]),
                    "shares_latest": D.records(t.get("shares_latest"))},
        "alignment": D.records(t.get("alignment")),
        "trade": {"both_sides": D.records(t["trade_both"].select([c for c in trade_cols if c in t["trade_both"].columns]))
                  if "trade_both" in t else [],
                  "reported": D.records(t.get("trade_reported")),
                  "disagreements": D.records(t.get("trade_disagreements"))},
        "speech": D.records(t.get("speech")),
        "dependence": D.records(t.get("claim_dependence")),
        "coverage": D.records(t.get("coverage")),
        "notes": {k: v for k, v in rep.notes.items() if v},
        "figures": sorted(k for ks in PAGE_FIGURES.values() for k in ks if k in rep.figures),
    }
    figures = {k: D.figure_json(f) for k, f in rep.figures.items() if k in api["figures"]}
    return {"api": api, "figures": figures, "claims_html": _claims_tables(rep)}


def _claims_tables(rep) -> dict:
    """The claim tests' summary rows (what the bottom line rests on), as small records."""
    import polars as pl

    out = {}
    add = rep.tables.get("claim_additive")
    if add is not None and add.height:
        o = add.filter(pl.col("design") == "overall") if "design" in add.columns else add
        cols = [c for c in ("channel", "reading", "estimate", "ci_low", "ci_high", "p_value", "years", "note") if c in o.columns]
        out["additive"] = D.records(o.select(cols))
    return out


def country_job(board: JobBoard, code: str, partners: tuple[str, ...] | None, years: tuple[int, int] | None) -> Job:
    from multivector.panel import data_version

    key = ("country", code, partners, years, data_version())
    params = {"country": code, "partners": list(partners) if partners else None, "years": list(years) if years else None}
    return board.start("country", "data", key, params,
                       lambda progress: build_country_view(code, partners, years, progress))


def compare_view(views: list[dict]) -> dict:
    """Countries side by side: balance per channel with percentiles, bottom lines, trade dependence."""
    from multivector.web import dash_charts as C

    claims: list[dict] = []
    titles: dict[str, str] = {}
    for v in views:
        for c in v["bottom_line"]:
            titles.setdefault(c["claim"], c["title"])
    for key, title in titles.items():
        row = {"claim": key, "title": title, "readings": {}}
        for v in views:
            c = next((c for c in v["bottom_line"] if c["claim"] == key), None)
            row["readings"][v["country"]] = None if c is None else {"title": c["title"], "reading": c["headline"] or c["reading"],
                                                                    "summary": c["summary"]}
        claims.append(row)
    channels = []
    for ch in C.CHANNELS:
        row = {"channel": ch, "by_country": {}}
        for v in views:
            r = next((r for r in v["balance"]["latest"] if r["channel"] == ch), None)
            row["by_country"][v["country"]] = r
        channels.append(row)
    dependence = []
    for v in views:
        for r in v["dependence"]:
            f = (r.get("figures") or [{}])[0]
            dependence.append({"country": v["country"], "partner": r["partner"], "year": r["year"], "verdict": r["verdict"],
                               "partner_share": f.get("partner_share"), "trade_gdp": f.get("trade_gdp"), "hhi": f.get("hhi"),
                               "reporter": f.get("reporter"), "threshold": r["threshold"], "note": r["note"]})
    api = {"countries": [{"country": v["country"], "name": v["name"], "peers": v["peers"], "partners": v["partners"],
                          "years": v["years"]} for v in views],
           "balance": channels, "bottom_lines": claims, "dependence": dependence}
    figures = {"balance": D.figure_json(C.balance_compare_chart(views)),
               "dependence": D.figure_json(C.dependence_compare_chart(views))}
    return {"api": api, "figures": figures}


# ---------------------------------------------------------------------------------------------


def _canonical_country_url(code: str, partners, years) -> str:
    from urllib.parse import urlencode

    q = {}
    if partners:
        q["partners"] = ",".join(partners)
    if years:
        q["from"], q["to"] = years
    return f"/countries/{code}" + (f"?{urlencode(q)}" if q else "")


def _page_context(result: dict) -> dict:
    return {"v": result["api"], "figures": result["figures"], "claims_tables": result.get("claims_html", {}),
            "page_figures": PAGE_FIGURES}


def register(app: FastAPI) -> None:
    add_section(app, Section("countries", "Countries", "/countries",
                             "A country's bottom line on each claim, its balance among all states and its peers, trade "
                             "from both sides, what its leaders say, and the data's coverage.", 20))
    add_section(app, Section("compare", "Compare", "/compare",
                             "Up to five countries side by side: balance per channel with percentiles, bottom lines, "
                             "trade dependence.", 30))
    board: JobBoard = app.state.jobs
    app.state.dash_compare = {}

    # -- pages -----------------------------------------------------------------------------------

    @app.get("/countries", include_in_schema=False, response_class=HTMLResponse)
    def countries_index(request: Request, country: str | None = Query(None, max_length=80)):
        t0 = time.perf_counter()
        page_principal(request)
        if country:
            code = D.country(country)
            return RedirectResponse(f"/countries/{code}", status_code=303)
        def featured() -> dict:
            from multivector.countries import name, region_of

            regions = region_of()
            return {"featured": [{"code": c, "name": name(c), "region": regions.get(c, "")} for c in FEATURED]}

        return D.page_response(request, "dash/countries.html", t0=t0, charts=False, cache_key=("countries",),
                               title="Countries", lazy=featured)

    @app.get("/countries/{country}", include_in_schema=False, response_class=HTMLResponse)
    def country_page(request: Request, country: str = P(..., max_length=80),
                     partners: str | None = Query(None, max_length=200), first: str | None = Query(None, alias="from", max_length=8),
                     last: str | None = Query(None, alias="to", max_length=8)):
        t0 = time.perf_counter()
        page_principal(request)
        code = D.country(country)
        parts = D.partner_list(partners)
        years = D.year_range(first, last)
        canonical = _canonical_country_url(code, parts, years)
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if here != canonical:
            return RedirectResponse(canonical, status_code=307)
        job = country_job(board, code, parts, years)
        from multivector.countries import name

        return D.job_page(request, job, "dash/country.html", _page_context, title=name(code), t0=t0,
                          what=f"the profile of {name(code)}")

    @app.get("/compare", include_in_schema=False, response_class=HTMLResponse)
    def compare_page(request: Request, countries: str | None = Query(None, max_length=200)):
        t0 = time.perf_counter()
        page_principal(request)
        if not countries:
            return D.page_response(request, "dash/compare_form.html", t0=t0, charts=False, cache_key=("compare-form",),
                                   title="Compare countries", featured=FEATURED, max_compare=MAX_COMPARE)
        codes = D.country_list(countries, "countries", 2, MAX_COMPARE)
        jobs = [country_job(board, c, None, None) for c in codes]
        deadline = time.monotonic() + D.PAGE_WAIT_S
        for j in jobs:
            wait(j, max(0.0, deadline - time.monotonic()))
        failed = next((j for j in jobs if j.status == "failed"), None)
        if failed is not None:
            return D.error_page(request, failed.error_status, failed.error or {"message": "failed"}, t0)
        if all(j.status == "done" for j in jobs):
            key = ("compare", tuple(j.id for j in jobs))
            result = _compare_result(app, key, jobs)
            return D.page_response(request, "dash/compare.html", t0=t0, cache_key=key, title="Compare countries",
                                   c=result["api"], figures=result["figures"], codes=codes)
        status = [board.status(j) for j in jobs]
        overall = {"id": ",".join(j.id for j in jobs), "status": "running",
                   "progress": sum(s["progress"] for s in status) / len(status),
                   "step": "; ".join(f"{c}: {s['step']}" for c, s in zip(codes, status)), "parts": status}
        return D.page_response(request, "dash/working.html", t0=t0, charts=False, title="Compare countries",
                               job=overall, jobs=status, what=f"the profiles of {', '.join(codes)}")

    # -- API -------------------------------------------------------------------------------------

    @app.get("/api/v1/countries", tags=["dashboard: countries"], summary="Countries with their ISO3 code, name and peer group",
             description="Every state the country pages accept (the profile needs data for it in the store), with the "
                         "UN sub-region that is its peer group for the balance percentiles.")
    def api_countries():
        from multivector.countries import name, region_of

        regions = region_of()
        body = [{"country": c, "name": name(c), "peers": r, "featured": c in FEATURED} for c, r in sorted(regions.items())]
        return Response(D.json_bytes(body), media_type="application/json")

    @app.get("/api/v1/countries/{country}", tags=["dashboard: countries"], summary="A country's profile (the country page)",
             description=(
                 "The bottom line on each claim (`bottom_line`), the balance per channel with its percentile among all "
                 "states and among the country's peers (`balance.latest`, `balance.by_year`), trade as each side reports "
                 "it (`trade`), the UN General Debate stance and mentions (`speech`), trade dependence (`dependence`), "
                 "coverage and notes. Built once per (country, powers, years, version of the data): the first request "
                 "after an import takes up to half a minute; it then answers from memory. Answers 202 with the job's "
                 "status if the profile is not ready after `wait` seconds."),
             responses={202: {"description": "Still being built: the job's status (poll /api/v1/jobs/{id})"},
                        404: {"description": "Unknown country"}, 422: {"description": "Invalid input (e.g. from > to)"}})
    def api_country(request: Request, country: str = P(..., max_length=80, description="ISO3, ISO2, COW code or name"),
                    partners: str | None = Query(None, max_length=200, description="great powers, e.g. CHN,RUS,USA,EU,TUR"),
                    first: int | None = Query(None, alias="from", ge=1816, le=2100, description="first year"),
                    last: int | None = Query(None, alias="to", ge=1816, le=2100, description="last year"),
                    wait_s: float | None = Query(None, alias="wait", ge=0, le=D.API_MAX_WAIT_S,
                                                 description="seconds to wait for the result (default 60)")):
        job = country_job(board, D.country(country), D.partner_list(partners), D.year_range(first, last))
        return D.api_result(request, job, wait_s)

    @app.get("/api/v1/countries/{country}/figures", tags=["dashboard: countries"],
             summary="The plotly figures of a country page (JSON: data, layout, config per figure)",
             responses={202: {"description": "Still being built"}, 404: {"description": "Unknown country"}})
    def api_country_figures(request: Request, country: str = P(..., max_length=80),
                            partners: str | None = Query(None, max_length=200),
                            first: int | None = Query(None, alias="from", ge=1816, le=2100),
                            last: int | None = Query(None, alias="to", ge=1816, le=2100),
                            wait_s: float | None = Query(None, alias="wait", ge=0, le=D.API_MAX_WAIT_S)):
        job = country_job(board, D.country(country), D.partner_list(partners), D.year_range(first, last))
        D.wait(job, D.API_WAIT_S if wait_s is None else wait_s)
        if job.status != "done":
            return D.api_result(request, job, 0)
        body = "{" + ",".join(f'"{k}":{v}' for k, v in job.result["figures"].items()) + "}"
        return Response(body.encode(), media_type="application/json")

    @app.get("/api/v1/compare", tags=["dashboard: countries"], summary="Up to five countries side by side",
             description="Balance per channel (latest year with data) with percentiles among all states and peers, "
                         "each claim's bottom line, and each power's share of each country's trade.",
             responses={202: {"description": "Profiles still being built"}, 404: {"description": "Unknown country"},
                        422: {"description": "Fewer than two or more than five countries"}})
    def api_compare(request: Request,
                    countries: str = Query(..., max_length=200, description="2 to 5 countries, comma-separated"),
                    wait_s: float | None = Query(None, alias="wait", ge=0, le=D.API_MAX_WAIT_S)):
        codes = D.country_list(countries, "countries", 2, MAX_COMPARE)
        jobs = [country_job(board, c, None, None) for c in codes]
        deadline = time.monotonic() + (D.API_WAIT_S if wait_s is None else wait_s)
        for j in jobs:
            wait(j, max(0.0, deadline - time.monotonic()))
        pending = [j for j in jobs if j.status != "done"]
        if pending:
            return D.api_result(request, pending[0], 0)
        result = _compare_result(app, ("compare", tuple(j.id for j in jobs)), jobs)
        return Response(D.json_bytes(result["api"]), media_type="application/json")


def _compare_result(app: FastAPI, key: tuple, jobs: list[Job]) -> dict[str, Any]:
    cache = app.state.dash_compare
    hit = cache.get(key)
    if hit is None:
        hit = compare_view([j.result["api"] for j in jobs])
        if len(cache) > 64:
            cache.clear()
        cache[key] = hit
    return hit
