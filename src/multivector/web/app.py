"""The one web app of multivector (``multivector serve``): the registry API under ``/api/v1/``,
server-rendered pages, a home page that links to every section, static assets served locally.

Extending it (the dashboard does this): a module with ``register(app)`` listed in
``WEB_MODULES`` adds its routers, calls :func:`add_section` for the home page and the navigation,
:func:`add_templates` for its template folder (templates extend ``base.html``) and mounts its
static files under ``/static/<name>``. Pages render with :func:`render`.
"""

from __future__ import annotations

import importlib
import json
import logging
import secrets
from contextlib import asynccontextmanager
from pathlib import Path

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from multivector.registry.errors import RegistryError
from multivector.web.pages import Section, add_section, page_principal, render

log = logging.getLogger("multivector.web")

WEB_DIR = Path(__file__).resolve().parent
MAX_BODY_BYTES = 1_000_000

#: modules that add routes and pages; a module that is absent is skipped (partial installs)
WEB_MODULES = (
    "multivector.web.registry_api",
    "multivector.web.registry_pages",
    "multivector.web.dashboard",  # jobs, plotly.js as a local asset, errors of the dashboard (first: the others use them)
    "multivector.web.country_pages",
    "multivector.web.scenario_pages",
    "multivector.web.corridor_pages",
)


# ---------------------------------------------------------------------------------------------
# Middleware (pure ASGI: cheap on every request)


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413 before any handler reads them."""

    def __init__(self, app, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_bytes
            except ValueError:
                too_big = True
            if too_big:
                return await self._refuse(scope, send)
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                return await self._refuse(scope, send)
            chunks.append(body)
            more = message.get("more_body", False)
        whole = b"".join(chunks)
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": whole, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    async def _refuse(self, scope, send):
        body = json.dumps({"error": "payload_too_large",
                           "message": f"the request body is larger than {self.max_bytes} bytes",
                           "hint": "send fewer records per request, or use `multivector registry import` "
                                   "for bulk loads"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Same-origin everything: no inline script, no third-party hosts (no CDN), no framing."""

    CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
           "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'")

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                names = {k.lower() for k, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                         (b"x-frame-options", b"DENY")]
                if b"content-security-policy" not in names:
                    extra.append((b"content-security-policy", self.CSP.encode()))
                message = {**message, "headers": headers + [h for h in extra if h[0] not in names]}
            await send(message)

        return await self.app(scope, receive, send_with_headers)


# ---------------------------------------------------------------------------------------------
# Errors: JSON under /api, a page elsewhere; never a stack trace


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _error_response(request: Request, status: int, payload: dict, headers: dict | None = None) -> Response:
    if _wants_json(request):
        return JSONResponse(payload, status_code=status, headers=headers)
    return render(request, "error.html", status_code=status, status=status, error=payload)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RegistryError)
    async def _registry_error(request: Request, exc: RegistryError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return _error_response(request, exc.status, exc.to_dict(), headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        from multivector.registry.serialize import strip_prefix as _strip_prefix

        details, malformed = [], None
        for e in exc.errors():
            if e.get("type") == "json_invalid":
                ctx = e.get("ctx") or {}
                malformed = f"the body is not valid JSON ({ctx.get('error', 'parse error')})"
                continue
            loc = [str(x) for x in e.get("loc", ())]
            where = loc[0] if loc else ""
            field = ".".join(loc[1:]) if where == "body" else ".".join(loc[1:]) or where
            msg = _strip_prefix(str(e.get("msg", "invalid")))
            if e.get("type") == "extra_forbidden":
                msg = "unknown field (check the spelling; see /api/v1/openapi.json for the fields this resource takes)"
            elif e.get("type") == "missing":
                msg = "this field is required" if where == "body" else f"the {where} parameter is required"
            elif e.get("type") == "model_attributes_type" and where == "body":
                msg = "the body must be a JSON object"
            details.append({"field": f"{where}.{field}" if where != "body" and field and field != where else (field or where),
                            "message": msg})
        if malformed:
            return _error_response(request, 400, {"error": "malformed_json", "message": malformed,
                                                  "hint": "send a JSON object with Content-Type: application/json"})
        first = details[0] if details else {"field": None, "message": "invalid input"}
        message = f"{first['field']}: {first['message']}" if first.get("field") else first["message"]
        if len(details) > 1:
            message += f" (and {len(details) - 1} more problem{'s' if len(details) > 2 else ''})"
        return _error_response(request, 422, {"error": "invalid_input", "message": message, "details": details})

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        codes = {404: "not_found", 405: "method_not_allowed", 400: "bad_request", 413: "payload_too_large",
                 415: "unsupported_media_type"}
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        return _error_response(request, exc.status_code, {"error": codes.get(exc.status_code, "http_error"),
                                                          "message": message}, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        ref = secrets.token_hex(4)
        log.exception("unexpected error %s on %s %s", ref, request.method, request.url.path)
        return _error_response(request, 500, {"error": "internal",
                                              "message": f"the server failed on this request (reference {ref})",
                                              "hint": "the server log has the details under this reference"})


# ---------------------------------------------------------------------------------------------
# The app


def create_app(db_url: str | None = None, *, registry=None, deliver: bool = True, seed: bool = True,
               hops: int | None = None, max_body_bytes: int = MAX_BODY_BYTES, delivery_policy=None) -> FastAPI:
    """Build the web app over the registry at ``db_url`` (default: the SQLite file under
    ``$MULTIVECTOR_HOME``). On first start the schema is created and migrated and the shipped seed
    loaded and published. ``deliver`` runs the webhook worker in this process."""
    from multivector import __version__
    from multivector.registry import Registry
    from multivector.registry.outbox import DeliveryWorker

    reg = registry or Registry(db_url, hops=hops)
    reg.ensure_ready(seed=seed)
    worker = DeliveryWorker(reg, delivery_policy) if deliver else None

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if worker is not None:
            worker.start()
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()
            if registry is None:
                reg.close()

    app = FastAPI(
        title="multivector",
        version=__version__,
        summary="The coordination registry (summits → documents → commitments → projects, with loop-in "
                "of connected states) and the multivector web app.",
        description=(
            "Read endpoints are open to the public for published records. Writes need a token "
            "(`Authorization: Bearer mvr_…`, from `multivector registry token`). Changes send "
            "`If-Match` with the `ETag` of the version read; a stale one gets 412. Lists take "
            "`limit` and `offset`, filters, and `format=csv`. The dashboard's endpoints (tags `dashboard: …`: "
            "countries, compare, scenarios, corridors, jobs) are open and read-only; each computation is a job: "
            "they answer 202 with the job's status when it is not done after `wait` seconds."),
        docs_url=None, redoc_url=None, openapi_url="/api/v1/openapi.json", lifespan=lifespan,
    )
    app.state.registry = reg
    app.state.worker = worker
    app.state.sections = []
    app.state.jinja = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(WEB_DIR / "templates"))]),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        trim_blocks=True, lstrip_blocks=True,
    )
    app.state.jinja.globals["version"] = __version__
    app.state.jinja.filters["tojson_compact"] = lambda v: json.dumps(v, ensure_ascii=False, default=str)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(SecurityHeaders)
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    def home(request: Request):
        page_principal(request)
        return render(request, "home.html", title="multivector")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return Response((WEB_DIR / "static" / "favicon.svg").read_bytes(), media_type="image/svg+xml")

    @app.get("/api", include_in_schema=False, response_class=HTMLResponse)
    def api_page(request: Request):
        page_principal(request)
        spec = app.openapi()
        ops = []
        for path, methods in spec.get("paths", {}).items():
            for method, op in methods.items():
                params = [p["name"] for p in op.get("parameters", []) if p.get("in") == "query"]
                ops.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                            "description": op.get("description", ""), "params": params,
                            "tag": (op.get("tags") or ["other"])[0]})
        return render(request, "api.html", title="API", ops=ops, info=spec.get("info", {}))

    add_section(app, Section("api", "API", "/api", "The registry's JSON API (OpenAPI 3), for programs and bulk work.", 90))
    for name in WEB_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # pragma: no cover - only while a capability is absent
            if exc.name != name:
                raise
            continue
        module.register(app)
    return app


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory multivector.web.app:app_from_env`` (several workers):
    the database comes from ``MULTIVECTOR_REGISTRY_DB``; ``MULTIVECTOR_WEB_DELIVER=0`` leaves
    webhook delivery to another process."""
    import os

    return create_app(deliver=os.environ.get("MULTIVECTOR_WEB_DELIVER", "1") != "0")
