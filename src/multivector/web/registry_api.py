"""The registry's JSON API under ``/api/v1/`` (a thin layer over :class:`~multivector.registry.Registry`).

Every list takes ``limit`` (1–500) and ``offset``, the resource's filters, ``q`` (text search)
and ``format=csv``; every record's ``GET`` returns an ``ETag`` that ``PATCH`` sends back in
``If-Match`` (a stale one gets 412, a missing one 428). Errors are JSON objects with ``error``,
``message`` and, for invalid input, ``details`` naming each field.
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, FastAPI, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.security import HTTPBearer
from pydantic import BaseModel

from multivector.registry import schemas as sc
from multivector.registry import validation as v
from multivector.registry.auth import Principal
from multivector.registry.errors import InvalidInput, Unauthorized
from multivector.registry.resources import RESOURCES
from multivector.registry.serialize import jsonable as _jsonable
from multivector.registry.vocab import (
    CommitmentStatus,
    DocumentKind,
    Mode,
    NodeKind,
    NotificationStatus,
    ProjectStatus,
    ProjectType,
    Sector,
    SummitKind,
)

bearer = HTTPBearer(auto_error=False, scheme_name="token",
                    description="A registry token (mvr_…) from `multivector registry token --role ROLE [--state ISO3]`")

STATE_Q = r"^[A-Za-z]{2,4}$"
SLUG_Q = r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$"
DATE_Q = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def errors(*codes: int) -> dict[int, dict]:
    text = {400: "Malformed request (e.g. the body is not JSON)", 401: "A token is needed, or it is unknown",
            403: "The role or state may not do this", 404: "No such record (or not published)",
            409: "Conflicts with what is stored", 412: "If-Match is stale: the record changed since it was read",
            413: "The body is too large", 422: "Invalid input: see details",
            428: "If-Match is required"}
    return {c: {"model": sc.ErrorOut, "description": text[c]} for c in codes}


def registry(request: Request):
    return request.app.state.registry


def principal(request: Request, _creds=Depends(bearer)) -> Principal:
    header = request.headers.get("authorization")
    if header is None:
        return request.app.state.registry.authenticate(None)
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("the Authorization header must be 'Bearer <token>'")
    return request.app.state.registry.authenticate(token.strip())


Who = Annotated[Principal, Depends(principal)]
Limit = Annotated[int, Query(ge=1, le=500, description="page size")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="records to skip")]
Q = Annotated[str | None, Query(max_length=100, description="text search in names and descriptions")]
Fmt = Annotated[Literal["json", "csv"], Query(description="csv returns every matching record as CSV")]
StateQ = Annotated[str | None, Query(pattern=STATE_Q, description="ISO3 code (KAZ)")]
DateQ = Annotated[str | None, Query(pattern=DATE_Q, description="YYYY, YYYY-MM or YYYY-MM-DD")]
SlugQ = Annotated[str | None, Query(pattern=SLUG_Q, max_length=64)]
IntQ = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


def _state(value: str | None, field: str = "state") -> str | None:
    if value is None:
        return None
    try:
        return v.check_state(value)
    except ValueError as exc:
        raise InvalidInput(str(exc), field=field) from None


def _date(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    try:
        return v.check_partial_date(value)
    except ValueError as exc:
        raise InvalidInput(str(exc), field=field) from None


# -- filters per resource (typed, so that the OpenAPI document lists them) -------------------


def formats_filters(state: StateQ = None) -> dict:
    return {"state": _state(state)}


def summits_filters(state: StateQ = None, format_id: SlugQ = None, kind: SummitKind | None = None,
                    date_from: DateQ = None, date_to: DateQ = None) -> dict:
    return {"state": _state(state), "format_id": format_id, "kind": kind, "date_from": _date(date_from, "date_from"),
            "date_to": _date(date_to, "date_to")}


def documents_filters(state: StateQ = None, kind: DocumentKind | None = None, summit_id: IntQ = None,
                      date_from: DateQ = None, date_to: DateQ = None) -> dict:
    return {"state": _state(state), "kind": kind, "summit_id": summit_id, "date_from": _date(date_from, "date_from"),
            "date_to": _date(date_to, "date_to")}


def commitments_filters(state: StateQ = None, status: CommitmentStatus | None = None, sector: Sector | None = None,
                        document_id: IntQ = None, segment: SlugQ = None) -> dict:
    return {"state": _state(state), "status": status, "sector": sector, "document_id": document_id, "segment": segment}


def projects_filters(state: StateQ = None, type: ProjectType | None = None, status: ProjectStatus | None = None,
                     segment: SlugQ = None, corridor: SlugQ = None, commitment_id: IntQ = None) -> dict:
    return {"state": _state(state), "type": type, "status": status, "segment": segment, "corridor": corridor,
            "commitment_id": commitment_id}


def nodes_filters(state: StateQ = None, kind: NodeKind | None = None) -> dict:
    return {"state": _state(state), "kind": kind}


def segments_filters(state: StateQ = None, mode: Mode | None = None, corridor: SlugQ = None,
                     gauge_mm: Annotated[int | None, Query(ge=600, le=2000)] = None, node: SlugQ = None) -> dict:
    return {"state": _state(state), "mode": mode, "corridor": corridor, "gauge_mm": gauge_mm, "node": node}


FILTERS = {
    "formats": formats_filters, "summits": summits_filters, "documents": documents_filters,
    "commitments": commitments_filters, "projects": projects_filters, "network/nodes": nodes_filters,
    "network/segments": segments_filters,
}
WRITTEN = {"projects": sc.ProjectWritten, "commitments": sc.CommitmentWritten}
TAGS = {"formats": "formats", "summits": "summits", "documents": "documents", "commitments": "commitments",
        "projects": "projects", "network/nodes": "network", "network/segments": "network"}


def _csv_response(reg, name, who, filters, q) -> PlainTextResponse:
    from multivector.registry.transfer import _cell

    spec = RESOURCES[name]
    rows, offset = [], 0
    while True:
        items, total = reg.list(name, who, filters=filters, limit=500, offset=offset, q=q)
        rows.extend(items)
        offset += len(items)
        if not items or offset >= total:
            break
    import csv
    import io

    fields = [f for f in spec.out_schema.model_fields]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: _cell(r.get(k)) for k in fields})
    filename = name.replace("/", "-") + ".csv"
    return PlainTextResponse(buf.getvalue(), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _add_resource(router: APIRouter, name: str) -> None:
    spec = RESOURCES[name]
    page = sc.page_model(spec.out_schema, spec.out_schema.__name__.replace("Out", "Page"))
    written = WRITTEN.get(name, spec.out_schema)
    filters_dep = FILTERS[name]
    tag = TAGS[name]
    label = spec.label
    if spec.id_type is int:
        KeyT = Annotated[int, Path(ge=1, le=2**31 - 1, description=f"id of the {label}")]
    else:
        KeyT = Annotated[str, Path(pattern=SLUG_Q, max_length=64, description=f"id of the {label}")]
    CreateT = Annotated[spec.create_schema, Body()]
    PatchT = Annotated[spec.patch_schema, Body()]

    def list_records(request: Request, who: Who, limit: Limit = 50, offset: Offset = 0, q: Q = None,
                     format: Fmt = "json", filters: dict = Depends(filters_dep)):
        reg = request.app.state.registry
        filters = {k: val for k, val in filters.items() if val is not None}
        if format == "csv":
            return _csv_response(reg, name, who, filters, q)
        items, total = reg.list(name, who, filters=filters, limit=limit, offset=offset, q=q)
        # the records are built by the resource's to_dict, whose shape the schema documents (and the
        # schemathesis test checks): serialise them directly instead of validating every item again
        return JSONResponse(_jsonable({"items": items, "total": total, "limit": limit, "offset": offset}))

    def get_record(request: Request, key: KeyT, who: Who,
                   if_none_match: Annotated[str | None, Header(max_length=200)] = None):
        record, etag = request.app.state.registry.get(name, key, who)
        if if_none_match and etag in [t.strip() for t in if_none_match.split(",")]:
            return Response(status_code=304, headers={"ETag": etag})
        return JSONResponse(spec.out_schema.model_validate(record).model_dump(mode="json"), headers={"ETag": etag})

    def create_record(request: Request, body: CreateT, who: Who):
        out = request.app.state.registry.create(name, body.model_dump(), who)
        payload = dict(out.record)
        if name in WRITTEN:
            payload["notified"] = out.notified
        data = written.model_validate(payload).model_dump(mode="json")
        return JSONResponse(data, status_code=201, headers={
            "ETag": out.etag, "Location": f"/api/v1/{name}/{out.record['id']}"})

    def update_record(request: Request, key: KeyT, body: PatchT, who: Who,
                      if_match: Annotated[str | None, Header(max_length=200, description="the ETag of a GET")] = None):
        out = request.app.state.registry.update(name, key, body.model_dump(exclude_unset=True), who, if_match)
        payload = dict(out.record)
        if name in WRITTEN:
            payload["notified"] = out.notified
        return JSONResponse(written.model_validate(payload).model_dump(mode="json"), headers={"ETag": out.etag})

    router.add_api_route(
        f"/{name}", list_records, methods=["GET"], tags=[tag], summary=f"List {name.split('/')[-1]}",
        response_model=page, responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
                                        **errors(401, 422)},
        description=f"Published {name.split('/')[-1]} for the public; drafts too for the roles that see them.",
        operation_id=f"list_{name.replace('/', '_')}")
    router.add_api_route(
        f"/{name}/{{key}}", get_record, methods=["GET"], tags=[tag], summary=f"Get a {label}",
        response_model=spec.out_schema, responses={304: {"description": "Not modified (If-None-Match)"},
                                                   **errors(401, 404, 422)},
        operation_id=f"get_{label}")
    router.add_api_route(
        f"/{name}", create_record, methods=["POST"], tags=[tag], summary=f"Create a {label}", status_code=201,
        response_model=written, responses=errors(400, 401, 403, 409, 413, 422),
        description=("Editors create records that list their own state. "
                     + ("The response lists the states `notified` (loop-in)." if name in WRITTEN else "")),
        operation_id=f"create_{label}")
    router.add_api_route(
        f"/{name}/{{key}}", update_record, methods=["PATCH"], tags=[tag], summary=f"Change a {label}",
        response_model=written, responses=errors(400, 401, 403, 404, 409, 412, 413, 422, 428),
        description="Send only the fields to change, with If-Match: the ETag of your GET.",
        operation_id=f"update_{label}")


class ApiIndex(BaseModel):
    name: str
    version: str
    resources: dict[str, str]
    openapi: str


class Health(BaseModel):
    status: Literal["ok"]
    database: str
    schema_revision: str | None
    notifications: dict[str, int]


NotificationPage = sc.page_model(sc.NotificationOut, "NotificationPage")
AuditPage = sc.page_model(sc.AuditOut, "AuditPage")


class ConnectionOut(BaseModel):
    kind: str
    hops: int | None
    path: list[str]
    at_node: str | None
    at_node_name: str | None
    corridors: list[str]
    issues: list[sc.IssueOut]


def build_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1")

    @router.get("", response_model=ApiIndex, tags=["meta"], summary="What this API offers",
                operation_id="api_index")
    def index(request: Request):
        from multivector import __version__

        return {"name": "multivector registry", "version": __version__, "openapi": "/api/v1/openapi.json",
                "resources": {n: f"/api/v1/{n}" for n in (*RESOURCES, "network/corridors", "network/profiles",
                                                           "network/connections", "notifications", "members",
                                                           "audit", "export")}}

    @router.get("/health", response_model=Health, tags=["meta"], summary="Is the service up",
                operation_id="health")
    def health(request: Request):
        from multivector.registry.migrate import current_revision

        reg = request.app.state.registry
        return {"status": "ok", "database": reg.db.dialect, "schema_revision": current_revision(reg.db.engine),
                "notifications": reg.stats()["notifications"]}

    @router.get("/me", response_model=sc.PrincipalOut, tags=["meta"], summary="Who the token stands for",
                responses=errors(401), operation_id="me")
    def me(who: Who):
        return {"role": who.role, "state": who.state, "name": who.name}

    for name in RESOURCES:
        _add_resource(router, name)

    @router.get("/network/corridors", response_model=list[sc.CorridorOut], tags=["network"],
                summary="Corridors (routes and systems) with their segments, states and reported figures",
                operation_id="list_corridors")
    def corridors(request: Request):
        return request.app.state.registry.list_corridors()

    @router.get("/network/profiles", response_model=list[sc.CountryProfileOut], tags=["network"],
                summary="Per-state standards: customs territory, grid zone, rail gauge, signalling",
                operation_id="list_profiles")
    def profiles(request: Request):
        return request.app.state.registry.list_profiles()

    @router.get("/network/connections", response_model=dict[str, ConnectionOut], tags=["network"],
                summary="Preview a loop-in: the states a change on these segments would notify",
                responses=errors(422), operation_id="preview_connections")
    def connections(request: Request,
                    segments: Annotated[str, Query(min_length=1, max_length=2000,
                                                   description="segment ids, comma-separated")],
                    own: Annotated[str | None, Query(max_length=300, description="own states, comma-separated")] = None,
                    hops: Annotated[int | None, Query(ge=0, le=10)] = None):
        seg_ids = [s.strip() for s in segments.split(",") if s.strip()]
        for s in seg_ids:
            try:
                v.check_slug(s, "segment id")
            except ValueError as exc:
                raise InvalidInput(str(exc), field="segments") from None
        own_states = [_state(s.strip(), "own") for s in (own or "").split(",") if s.strip()]
        return request.app.state.registry.connections(seg_ids, own_states, hops)

    @router.get("/notifications", response_model=NotificationPage, tags=["notifications"],
                summary="Loop-in notifications (editors see their own state's)", responses=errors(401, 403, 422),
                operation_id="list_notifications")
    def list_notifications(request: Request, who: Who, limit: Limit = 50, offset: Offset = 0, state: StateQ = None,
                           status: NotificationStatus | None = None,
                           subject_type: Literal["project", "commitment"] | None = None,
                           subject_id: Annotated[str | None, Query(pattern=r"^[a-z0-9-]{1,80}$")] = None):
        items, total = request.app.state.registry.list_notifications(
            who, state=_state(state), status=status, subject_type=subject_type, subject_id=subject_id,
            limit=limit, offset=offset)
        return {"items": items, "total": total, "limit": limit, "offset": offset}

    NId = Annotated[int, Path(ge=1, le=2**31 - 1)]

    @router.get("/notifications/{nid}", response_model=sc.NotificationOut, tags=["notifications"],
                summary="One notification", responses=errors(401, 403, 404, 422), operation_id="get_notification")
    def get_notification(request: Request, nid: NId, who: Who):
        return request.app.state.registry.get_notification(nid, who)

    @router.post("/notifications/{nid}/ack", response_model=sc.NotificationOut, tags=["notifications"],
                 summary="Acknowledge a notification (its state's editor, or an admin)",
                 responses=errors(401, 403, 404, 422), operation_id="ack_notification")
    def ack(request: Request, nid: NId, who: Who):
        return request.app.state.registry.acknowledge(nid, who)

    @router.post("/notifications/{nid}/retry", response_model=sc.NotificationOut, tags=["notifications"],
                 summary="Re-queue a notification whose delivery gave up (admin)",
                 responses=errors(401, 403, 404, 422), operation_id="retry_notification")
    def retry(request: Request, nid: NId, who: Who):
        return request.app.state.registry.retry_notification(nid, who)

    @router.get("/members", response_model=list[sc.MemberOut], tags=["members"],
                summary="Member states and their webhook addresses", responses=errors(401),
                operation_id="list_members")
    def members(request: Request, who: Who):
        return request.app.state.registry.list_members(who)

    ISO = Annotated[str, Path(pattern=r"^[A-Za-z]{3}$")]

    @router.get("/members/{iso3}", response_model=sc.MemberOut, tags=["members"], summary="A member's settings",
                responses=errors(401, 403, 404, 422), operation_id="get_member")
    def member(request: Request, iso3: ISO, who: Who):
        record, etag = request.app.state.registry.get_member(iso3, who)
        return JSONResponse(sc.MemberOut.model_validate(record).model_dump(mode="json"), headers={"ETag": etag})

    @router.patch("/members/{iso3}", response_model=sc.MemberWritten, tags=["members"],
                  summary="Set a member's webhook (its editor or an admin); the secret is shown once",
                  responses=errors(400, 401, 403, 404, 412, 413, 422, 428), operation_id="update_member")
    def update_member(request: Request, iso3: ISO, body: Annotated[sc.MemberPatch, Body()], who: Who,
                      if_match: Annotated[str | None, Header(max_length=200)] = None):
        record, etag = request.app.state.registry.update_member(
            iso3, body.model_dump(exclude_unset=True), who, if_match)
        return JSONResponse(sc.MemberWritten.model_validate(record).model_dump(mode="json"), headers={"ETag": etag})

    @router.get("/audit", response_model=AuditPage, tags=["audit"],
                summary="The append-only audit log (admin, observer)", responses=errors(401, 403, 422),
                operation_id="list_audit")
    def audit(request: Request, who: Who, limit: Limit = 50, offset: Offset = 0,
              resource: Annotated[str | None, Query(pattern=r"^[a-z/_]{1,32}$")] = None,
              resource_id: Annotated[str | None, Query(max_length=80, pattern=r"^[A-Za-z0-9*_-]{1,80}$")] = None):
        items, total = request.app.state.registry.list_audit(who, resource=resource, resource_id=resource_id,
                                                              limit=limit, offset=offset)
        return {"items": items, "total": total, "limit": limit, "offset": offset}

    @router.get("/export", tags=["export"], summary="The whole registry as one JSON document",
                response_model=dict[str, Any], responses=errors(401, 403, 422), operation_id="export",
                description="What the caller may read. `full=true` (admin) adds members' webhooks, token "
                            "digests, notifications and the audit log: a complete backup that "
                            "`multivector registry import` restores.")
    def export(request: Request, who: Who, full: Annotated[bool, Query()] = False):
        from multivector.registry.transfer import export_document

        doc = export_document(request.app.state.registry, who, full=full)
        return JSONResponse(doc, headers={"Content-Disposition": 'attachment; filename="registry.json"'})

    return router


def register(app: FastAPI) -> None:
    app.include_router(build_router())
