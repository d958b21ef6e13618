"""What the dashboard's pages share: jobs (a page asks, a job computes, the page shows progress
until it is done), plotly.js served from the plotly package as a local asset, chart data in the
page as JSON (no inline script), the errors a user can act on as clear pages and JSON, and a
cache of finished pages.

Chart pages carry their own Content-Security-Policy: the app's, with ``style-src`` relaxed to
``'unsafe-inline'`` because plotly.js styles its SVG through style attributes and a style
element; ``script-src`` stays ``'self'`` (no inline or evaluated script) and nothing is fetched
from another host.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import threading
import time
from collections import OrderedDict
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from multivector.errors import MultivectorError, UsageError
from multivector.web.jobs import Busy, Job, JobBoard, wait
from multivector.web.pages import page_principal, render

#: a page waits this long for its job before it shows the progress page instead
PAGE_WAIT_S = 0.8
#: an API call waits at most this long by default (``wait=`` changes it, up to API_MAX_WAIT_S)
API_WAIT_S = 60.0
API_MAX_WAIT_S = 300.0

CHART_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
             "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'")

CHART_CONFIG = {"displaylogo": False, "responsive": True,
                "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"]}


# ---------------------------------------------------------------------------------------------
# JSON


def jsonable(value: Any) -> Any:
    """``value`` with NaN and infinities as null, tuples as lists, numpy scalars as numbers."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return jsonable(value.item())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def json_bytes(value: Any) -> bytes:
    return json.dumps(jsonable(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def records(df) -> list[dict]:
    """A polars frame as JSON-safe records (an absent table: an empty list)."""
    if df is None:
        return []
    return jsonable(df.to_dicts())


def script_json(text: str) -> str:
    """JSON text safe inside ``<script type="application/json">`` (no ``</script>`` can close it)."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def figure_json(fig) -> str:
    """A plotly figure as the JSON dash.js draws (data, layout and the chart configuration)."""
    body = json.loads(fig.to_json())
    body["config"] = CHART_CONFIG
    return script_json(json.dumps(body, separators=(",", ":")))


# ---------------------------------------------------------------------------------------------
# Parameters (the errors say which parameter, what was given and what is allowed)


def whole(value: Any, name: str, low: int, high: int, default: int | None = None) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is None:
            raise UsageError(f"{name} is required: a whole number between {low:,} and {high:,}")
        return default
    try:
        n = int(str(value).strip())
    except ValueError:
        raise UsageError(f"{name} must be a whole number between {low:,} and {high:,}, got {str(value)[:40]!r}") from None
    if not low <= n <= high:
        raise UsageError(f"{name} must be between {low:,} and {high:,} on this server, got {n:,}")
    return n


def year_range(first: Any, last: Any) -> tuple[int, int] | None:
    """``(first, last)`` from two optional years; None when neither is given (the default range)."""
    if (first in (None, "")) and (last in (None, "")):
        return None
    if first in (None, "") or last in (None, ""):
        raise UsageError("give both years of the range (from and to), or neither for the default range")
    a, b = whole(first, "from", 1816, 2100), whole(last, "to", 1816, 2100)
    if a > b:
        raise UsageError(f"the range's first year ({a}) is after its last ({b}): give from ≤ to")
    return (a, b)


def country(value: Any) -> str:
    from multivector.countries import resolve

    return resolve(value, allow_groups=False)


def country_list(value: Any, name: str, low: int, high: int) -> list[str]:
    from multivector.countries import resolve

    items = [x.strip() for x in str(value or "").replace(";", ",").split(",") if x.strip()]
    out: list[str] = []
    for x in items:
        code = resolve(x, allow_groups=False)
        if code not in out:
            out.append(code)
    if not low <= len(out) <= high:
        raise UsageError(f"{name}: give {low} to {high} different countries separated by commas, got {len(out)}"
                         + (f" ({', '.join(out)})" if out else ""))
    return out


def partner_list(value: Any) -> tuple[str, ...] | None:
    if value is None or not str(value).strip():
        return None
    from multivector.countries import great_powers

    parts = tuple(great_powers(str(value)))
    if not 2 <= len(parts) <= 8:
        raise UsageError(f"partners: give 2 to 8 great powers separated by commas, got {len(parts)}")
    return parts


# ---------------------------------------------------------------------------------------------
# Pages and API answers


class PageCache:
    """Finished pages as bytes (and gzip), for requests without a signed-in user."""

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self.pages: OrderedDict[tuple, tuple[bytes, bytes | None]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> tuple[bytes, bytes | None] | None:
        with self.lock:
            hit = self.pages.get(key)
            if hit is not None:
                self.pages.move_to_end(key)
            return hit

    def put(self, key: tuple, body: bytes) -> tuple[bytes, bytes | None]:
        gz = gzip.compress(body, 5, mtime=0) if len(body) > 2048 else None
        with self.lock:
            self.pages[key] = (body, gz)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)
        return body, gz


def _accepts_gzip(request: Request) -> bool:
    return "gzip" in request.headers.get("accept-encoding", "").lower()


def _timing(t0: float | None) -> dict[str, str]:
    return {"Server-Timing": f"app;dur={(time.perf_counter() - t0) * 1000:.1f}"} if t0 is not None else {}


def page_response(request: Request, template: str, *, t0: float | None = None, status_code: int = 200,
                  cache_key: tuple | None = None, charts: bool = True, lazy=None, **context: Any) -> Response:
    """Render a dashboard page (charts allowed by its CSP). With ``cache_key`` a page for the
    public is kept and served from memory the next time; ``lazy()`` gives more context, asked
    for only when the page is rendered."""
    who = page_principal(request)
    anonymous = not getattr(who, "authenticated", False)
    key = (cache_key, request.url.path, request.url.query) if cache_key is not None and anonymous else None
    cache: PageCache = request.app.state.dash_pages
    hit = cache.get(key) if key is not None else None
    if hit is None:
        if lazy is not None:
            context.update(lazy())
        resp = render(request, template, status_code=status_code, **context)
        body = bytes(resp.body)
        hit = cache.put(key, body) if key is not None else (body, None)
    body, gz = hit
    headers = {"Vary": "Accept-Encoding, Cookie"}
    if charts:
        headers["Content-Security-Policy"] = CHART_CSP
    if _accepts_gzip(request) and len(body) > 2048:
        gz = gz if gz is not None else gzip.compress(body, 5, mtime=0)
        headers["Content-Encoding"] = "gzip"
        body = gz
    headers.update(_timing(t0))
    return Response(body, status_code=status_code, media_type="text/html; charset=utf-8", headers=headers)


def error_page(request: Request, status: int, payload: dict, t0: float | None = None) -> HTMLResponse:
    resp = render(request, "error.html", status_code=status, status=status, error=payload, title="That did not work")
    resp.headers.update(_timing(t0))
    return resp


def job_page(request: Request, job: Job, template: str, context, *, title: str, t0: float | None = None,
             what: str = "") -> Response:
    """The page of a job's result: the result when done (waiting up to :data:`PAGE_WAIT_S`), the
    error when it failed, else a page that shows the job's progress and reloads when it ends."""
    wait(job, PAGE_WAIT_S)
    if job.status == "done":
        return page_response(request, template, t0=t0, cache_key=("job", job.id), title=title, job=job,
                             lazy=lambda: context(job.result))
    if job.status == "failed":
        return error_page(request, job.error_status, job.error or {"message": "the computation failed"}, t0)
    board: JobBoard = request.app.state.jobs
    return page_response(request, "dash/working.html", t0=t0, charts=False, title=title, job=board.status(job),
                         what=what or title)


def api_result(request: Request, job: Job, wait_s: float | None) -> Response:
    """A job's result as JSON (200), its error (4xx/5xx), or its status (202) if it is still running
    after ``wait_s`` seconds."""
    t0 = time.perf_counter()
    seconds = API_WAIT_S if wait_s is None else max(0.0, min(float(wait_s), API_MAX_WAIT_S))
    wait(job, seconds)
    if job.status == "done":
        body = job.result.get("_api_bytes")
        if body is None:
            body = json_bytes(job.result["api"])
            job.result["_api_bytes"] = body
        headers = {"X-Job-Id": job.id, **_timing(t0)}
        return Response(body, media_type="application/json", headers=headers)
    if job.status == "failed":
        return JSONResponse(job.error, status_code=job.error_status, headers={"X-Job-Id": job.id})
    board: JobBoard = request.app.state.jobs
    return JSONResponse(board.status(job), status_code=202,
                        headers={"Location": f"/api/v1/jobs/{job.id}", "Retry-After": "1", "X-Job-Id": job.id})


def etag_of(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:20] + '"'


# ---------------------------------------------------------------------------------------------
# plotly.js, served from the plotly package (no CDN)


class _PlotlyAsset:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.raw: bytes | None = None
        self.gz: bytes | None = None
        self.etag = ""

    def load(self) -> None:
        with self.lock:
            if self.raw is None:
                from plotly.offline import get_plotlyjs

                raw = get_plotlyjs().encode()
                self.gz = gzip.compress(raw, 6, mtime=0)
                self.etag = etag_of(raw)
                self.raw = raw


_PLOTLY = _PlotlyAsset()


def plotly_path() -> str:
    from plotly.offline import get_plotlyjs_version

    return f"/assets/plotly-{get_plotlyjs_version()}.min.js"


# ---------------------------------------------------------------------------------------------


def _install_error_handler(app: FastAPI) -> None:
    from multivector.web.app import _error_response
    from multivector.web.jobs import _error_payload

    @app.exception_handler(MultivectorError)
    async def _user_error(request: Request, exc: MultivectorError):
        payload, status = _error_payload(exc)
        headers = {"Retry-After": "5"} if isinstance(exc, Busy) else None
        return _error_response(request, status, payload, headers)


def register(app: FastAPI) -> None:
    from fastapi import Path as P
    from fastapi import Query

    app.state.jobs = JobBoard()
    app.state.dash_pages = PageCache()
    app.state.jinja.globals["plotly_src"] = plotly_path()
    _install_error_handler(app)
    asset = plotly_path()

    @app.get(asset, include_in_schema=False)
    def plotly_js(request: Request):
        _PLOTLY.load()
        headers = {"Cache-Control": "public, max-age=31536000, immutable", "ETag": _PLOTLY.etag, "Vary": "Accept-Encoding"}
        if request.headers.get("if-none-match") == _PLOTLY.etag:
            return Response(status_code=304, headers=headers)
        if _accepts_gzip(request):
            return Response(_PLOTLY.gz, media_type="text/javascript", headers={**headers, "Content-Encoding": "gzip"})
        return Response(_PLOTLY.raw, media_type="text/javascript", headers=headers)

    @app.get("/api/v1/jobs/{job_id}", tags=["dashboard: jobs"], summary="A computation's status and progress",
             description="Every computation of the dashboard (a country's profile, a simulator run, a corridor "
                         "scenario) is a job. `status` is `queued`, `running`, `done` or `failed`; `progress` runs "
                         "from 0 to 1 with the current `step`; a failed job carries `error` (`error`, `message`, "
                         "`hint`). When done, `result_url` gives the result. Jobs live in the server's memory "
                         "(the most recent 96 are kept).",
             responses={404: {"description": "No such job (never started, or forgotten)"}})
    def job_status(request: Request, job_id: str = P(..., max_length=80)):
        board: JobBoard = request.app.state.jobs
        job = board.get(job_id)
        if job is None:
            return JSONResponse({"error": "not_found", "message": f"no job {job_id!r} on this server (it may have been "
                                 "forgotten: ask for the result again to recompute it)"}, status_code=404)
        out = board.status(job)
        if job.status == "done":
            out["result_url"] = f"/api/v1/jobs/{job.id}/result"
        return JSONResponse(jsonable(out))

    @app.get("/api/v1/jobs/{job_id}/result", tags=["dashboard: jobs"], summary="A computation's result",
             description="The result of a finished job (the same JSON as the endpoint that started it); 202 with the "
                         "job's status while it runs (waiting up to `wait` seconds first); the job's error if it failed.",
             responses={202: {"description": "Still running: the job's status"}, 404: {"description": "No such job"}})
    def job_result(request: Request, job_id: str = P(..., max_length=80),
                   wait_s: float = Query(0.0, alias="wait", ge=0, le=API_MAX_WAIT_S,
                                         description="seconds to wait for the result before answering 202")):
        board: JobBoard = request.app.state.jobs
        job = board.get(job_id)
        if job is None:
            return JSONResponse({"error": "not_found", "message": f"no job {job_id!r} on this server"}, status_code=404)
        return api_result(request, job, wait_s)
