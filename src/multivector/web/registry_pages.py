"""Server-rendered pages of the registry (``/registry/…``): browse every kind of record, the
network map, notifications; sign in with a token and create or edit projects and commitments.

A form refused for its content (invalid input, a stale version) comes back as the form with the
problem stated (status 200, the problem's HTTP code in ``data-problem``); the JSON API answers
those cases with 422 and 412.

Signing in stores the token in an HttpOnly, SameSite=Strict cookie; every form carries a CSRF
token derived from it. Edits go through the same service as the API (roles, ETag versions,
audit, loop-in): a form holds the version it was opened at, and a stale one is refused.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from multivector.registry.auth import ANONYMOUS
from multivector.registry.errors import Forbidden, InvalidInput, RegistryError, Unauthorized
from multivector.registry.vocab import (
    CommitmentStatus,
    DocumentKind,
    Mode,
    ProjectStatus,
    ProjectType,
    Sector,
    SummitKind,
)
from multivector.web.pages import COOKIE, Section, add_section, page_principal, render
from multivector.web.mapsvg import legend, network_svg

PAGE = 25
#: seconds the public's registry home page is kept (writes by other processes show after at most this)
HOME_TTL = 2.0


async def _form(request: Request) -> dict[str, list[str]]:
    body = await request.body()
    try:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=200)
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("the form could not be read") from None
    who = page_principal(request)
    if not who.authenticated:
        raise Unauthorized("sign in with your registry token first")
    if (form.get("csrf") or [""])[0] != request.state.csrf:
        raise Forbidden("the form has expired or did not come from this site; reload the page and try again")
    return form


def _one(form, key, default=None):
    vals = form.get(key)
    return vals[0].strip() if vals and vals[0].strip() != "" else default


def _list(form, key) -> list[str]:
    out: list[str] = []
    for raw in form.get(key, []):
        out += [x.strip() for x in raw.replace("\n", ",").split(",") if x.strip()]
    return out


def _qs(request: Request, **changes) -> str:
    params = dict(request.query_params)
    params.update({k: str(v) for k, v in changes.items() if v is not None})
    return "?" + urlencode({k: v for k, v in params.items() if v != ""})


def _pager(request: Request, total: int, offset: int) -> dict:
    return {"total": total, "offset": offset, "shown": min(total, offset + PAGE),
            "prev": _qs(request, offset=max(0, offset - PAGE)) if offset > 0 else None,
            "next": _qs(request, offset=offset + PAGE) if offset + PAGE < total else None}


def _offset(request: Request) -> int:
    try:
        return max(0, int(request.query_params.get("offset", 0)))
    except ValueError:
        return 0


def _filters(request: Request, keys: tuple[str, ...]) -> dict:
    from multivector.registry import validation as v

    out = {}
    for k in keys:
        val = request.query_params.get(k, "").strip()
        if not val:
            continue
        if k == "state":
            try:
                val = v.check_state(val)
            except ValueError as exc:
                raise InvalidInput(str(exc), field="state") from None
        out[k] = val
    return out


def _cell(text, href=None, cls=None) -> dict:
    return {"text": "" if text is None else text, "href": href, "cls": cls}


def register(app: FastAPI) -> None:  # noqa: C901 - one place for the registry's pages
    add_section(app, Section("registry", "Registry",
                             "/registry", "Summits, agreements, commitments and projects, the network they sit on, "
                                          "and who is looped in.", 10))
    reg = app.state.registry

    home_cache: dict[str, tuple[int, float, bytes]] = {}

    @app.get("/registry", include_in_schema=False, response_class=HTMLResponse)
    def registry_home(request: Request):
        who = page_principal(request)
        public = not who.authenticated
        if public:  # the public's home page, kept until this process writes or HOME_TTL passes
            hit = home_cache.get("home")
            if hit and hit[0] == reg.db.generation and time.monotonic() - hit[1] < HOME_TTL:
                return HTMLResponse(hit[2])
            generation, started = reg.db.generation, time.monotonic()
        counts = reg.counts(who)
        summits, _ = reg.list("summits", who, limit=6)
        commitments, _ = reg.list("commitments", who, limit=8)
        with_segments, _ = reg.list("projects", who, filters={"on_network": True}, limit=10)
        nodes, _ = reg.list("network/nodes", who, limit=500)
        segments, _ = reg.list("network/segments", who, limit=500)
        notes = reg.list_notifications(who, limit=5)[0] if who.authenticated else []
        resp = render(request, "registry/index.html", title="Registry", counts=counts, summits=summits,
                      commitments=commitments, projects=with_segments, notifications=notes,
                      map_svg=network_svg(nodes, segments), legend=legend())
        if public and resp.status_code == 200:
            home_cache["home"] = (generation, started, bytes(resp.body))
        return resp

    # -- lists ---------------------------------------------------------------------------------

    def list_page(request, name, title, filter_keys, columns, row, filter_form):
        who = page_principal(request)
        offset = _offset(request)
        filters = _filters(request, filter_keys)
        q = request.query_params.get("q", "").strip()[:100] or None
        items, total = reg.list(name, who, filters=filters, limit=PAGE, offset=offset, q=q)
        return render(request, "registry/list.html", title=title, columns=columns, rows=[row(r) for r in items],
                      pager=_pager(request, total, offset), filter_form=filter_form, values=dict(request.query_params),
                      csv_href=f"/api/v1/{name}?" + urlencode(
                          {k: val for k, val in request.query_params.items() if k != "offset"} | {"format": "csv"}),
                      resource=name)

    @app.get("/registry/summits", include_in_schema=False, response_class=HTMLResponse)
    def summits_page(request: Request):
        return list_page(request, "summits", "Summits", ("state", "format_id", "kind"),
                         ["Date", "Summit", "Kind", "Place", "Format", "Participants"],
                         lambda r: [_cell(r["date"]), _cell(r["title"], f"/registry/summits/{r['id']}"),
                                    _cell(r["kind"].replace("_", " ")), _cell(r["place"]),
                                    _cell(r["format_id"], f"/registry/summits?format_id={r['format_id']}" if r["format_id"] else None),
                                    _cell(", ".join(r["participants"]))],
                         [("state", "State (ISO3)", None), ("format_id", "Format", [(f["id"], f["name"]) for f in reg.list("formats", limit=100)[0]]),
                          ("kind", "Kind", list(SummitKind.__args__))])

    @app.get("/registry/documents", include_in_schema=False, response_class=HTMLResponse)
    def documents_page(request: Request):
        return list_page(request, "documents", "Documents", ("state", "kind"),
                         ["Signed", "Document", "Kind", "In force", "Parties"],
                         lambda r: [_cell(r["signed"]), _cell(r["title"], f"/registry/documents/{r['id']}"),
                                    _cell(r["kind"].replace("_", " ")), _cell(r["in_force"]),
                                    _cell(", ".join(p["state"] for p in r["parties"]))],
                         [("state", "Party (ISO3)", None), ("kind", "Kind", list(DocumentKind.__args__))])

    @app.get("/registry/commitments", include_in_schema=False, response_class=HTMLResponse)
    def commitments_page(request: Request):
        return list_page(request, "commitments", "Commitments", ("state", "status", "sector"),
                         ["Commitment", "Sector", "Responsible", "Deadline", "Status"],
                         lambda r: [_cell(r["text"], f"/registry/commitments/{r['id']}"), _cell(r["sector"]),
                                    _cell(", ".join(r["responsible_states"])), _cell(r["deadline"]),
                                    _cell(r["status"].replace("_", " "), cls=f"status {r['status']}")],
                         [("state", "Responsible (ISO3)", None), ("status", "Status", list(CommitmentStatus.__args__)),
                          ("sector", "Sector", list(Sector.__args__))])

    @app.get("/registry/projects", include_in_schema=False, response_class=HTMLResponse)
    def projects_page(request: Request):
        return list_page(request, "projects", "Projects", ("state", "type", "status", "corridor"),
                         ["Project", "Type", "Countries", "Status", "Segments"],
                         lambda r: [_cell(r["name"], f"/registry/projects/{r['id']}"), _cell(r["type"]),
                                    _cell(", ".join(r["countries"])),
                                    _cell(r["status"].replace("_", " "), cls=f"status {r['status']}"),
                                    _cell(str(len(r["segments"])) if r["segments"] else "")],
                         [("state", "Country (ISO3)", None), ("type", "Type", list(ProjectType.__args__)),
                          ("status", "Status", list(ProjectStatus.__args__)),
                          ("corridor", "Corridor", [(c["id"], c["name"]) for c in reg.list_corridors()])])

    @app.get("/registry/formats", include_in_schema=False, response_class=HTMLResponse)
    def formats_page(request: Request):
        return list_page(request, "formats", "Formats", ("state",),
                         ["Format", "Partner", "Members", "Established"],
                         lambda r: [_cell(r["name"], f"/registry/summits?format_id={r['id']}"), _cell(r["partner"]),
                                    _cell(", ".join(r["members"])), _cell(r["established"])],
                         [("state", "Member (ISO3)", None)])

    # -- records -------------------------------------------------------------------------------

    def _notes_for(who, subject_type, subject_id):
        if not who.authenticated:
            return []
        return reg.list_notifications(who, subject_type=subject_type, subject_id=str(subject_id), limit=100)[0]

    @app.get("/registry/summits/{key:int}", include_in_schema=False, response_class=HTMLResponse)
    def summit_page(request: Request, key: int):
        who = page_principal(request)
        s, etag = reg.get("summits", key, who)
        docs, _ = reg.list("documents", who, filters={"summit_id": s["id"]}, limit=100)
        return render(request, "registry/summit.html", title=s["title"], s=s, documents=docs)

    @app.get("/registry/documents/{key:int}", include_in_schema=False, response_class=HTMLResponse)
    def document_page(request: Request, key: int):
        who = page_principal(request)
        d, _ = reg.get("documents", key, who)
        summit = reg.get("summits", d["summit_id"], who)[0] if d["summit_id"] else None
        commitments, _ = reg.list("commitments", who, filters={"document_id": d["id"]}, limit=100)
        return render(request, "registry/document.html", title=d["title"], d=d, summit=summit, commitments=commitments)

    @app.get("/registry/commitments/{key:int}", include_in_schema=False, response_class=HTMLResponse)
    def commitment_page(request: Request, key: int):
        who = page_principal(request)
        c, etag = reg.get("commitments", key, who)
        doc = reg.get("documents", c["document_id"], who)[0]
        projects, _ = reg.list("projects", who, filters={"commitment_id": c["id"]}, limit=100)
        return render(request, "registry/commitment.html", title="Commitment", c=c, doc=doc, projects=projects,
                      notes=_notes_for(who, "commitment", c["id"]), can_edit=_can_edit(who, c["responsible_states"]))

    @app.get("/registry/projects/{key:int}", include_in_schema=False, response_class=HTMLResponse)
    def project_page(request: Request, key: int):
        who = page_principal(request)
        p, etag = reg.get("projects", key, who)
        segs = [reg.get("network/segments", s, who)[0] for s in p["segments"]]
        nodes, _ = reg.list("network/nodes", who, limit=500)
        all_segs, _ = reg.list("network/segments", who, limit=500)
        commitment = reg.get("commitments", p["commitment_id"], who)[0] if p["commitment_id"] else None
        return render(request, "registry/project.html", title=p["name"], p=p, segments=segs, commitment=commitment,
                      map_svg=network_svg(nodes, all_segs, highlight=set(p["segments"])) if p["segments"] else "",
                      notes=_notes_for(who, "project", p["id"]), can_edit=_can_edit(who, p["countries"]),
                      created=request.query_params.get("created"), notified=request.query_params.get("notified"))

    @app.get("/registry/network", include_in_schema=False, response_class=HTMLResponse)
    def network_page(request: Request):
        who = page_principal(request)
        nodes, _ = reg.list("network/nodes", who, limit=500)
        segments, _ = reg.list("network/segments", who, limit=500)
        corridor = request.query_params.get("corridor")
        corridors = reg.list_corridors()
        hl = set()
        if corridor:
            hl = {s["id"] for s in segments if corridor in s["corridors"]}
        return render(request, "registry/network.html", title="Network", nodes=nodes, segments=segments,
                      corridors=corridors, corridor=corridor, profiles=reg.list_profiles(),
                      map_svg=network_svg(nodes, segments, highlight=hl), legend=legend(), modes=list(Mode.__args__))

    @app.get("/registry/network/nodes/{key}", include_in_schema=False, response_class=HTMLResponse)
    def node_page(request: Request, key: str):
        who = page_principal(request)
        n, _ = reg.get("network/nodes", key, who)
        segs, _ = reg.list("network/segments", who, filters={"node": n["id"]}, limit=100)
        return render(request, "registry/node.html", title=n["name"], n=n, segments=segs)

    @app.get("/registry/network/segments/{key}", include_in_schema=False, response_class=HTMLResponse)
    def segment_page(request: Request, key: str):
        who = page_principal(request)
        s, _ = reg.get("network/segments", key, who)
        a = reg.get("network/nodes", s["from_node"], who)[0]
        b = reg.get("network/nodes", s["to_node"], who)[0]
        projects, _ = reg.list("projects", who, filters={"segment": s["id"]}, limit=100)
        commitments, _ = reg.list("commitments", who, filters={"segment": s["id"]}, limit=100)
        return render(request, "registry/segment.html", title=s.get("name") or s["id"], s=s, a=a, b=b,
                      projects=projects, commitments=commitments)

    # -- notifications ---------------------------------------------------------------------------

    @app.get("/registry/notifications", include_in_schema=False, response_class=HTMLResponse)
    def notifications_page(request: Request):
        who = page_principal(request)
        if not who.authenticated:
            return render(request, "login.html", status_code=401, title="Sign in",
                          message="Notifications are for member states and the secretariat: sign in with your token.",
                          next="/registry/notifications")
        offset = _offset(request)
        status = request.query_params.get("status") or None
        if status not in (None, "pending", "delivered", "acknowledged", "dead"):
            status = None
        items, total = reg.list_notifications(who, status=status, limit=PAGE, offset=offset)
        return render(request, "registry/notifications.html", title="Notifications", items=items,
                      pager=_pager(request, total, offset), status=status)

    @app.post("/registry/notifications/{nid}/ack", include_in_schema=False)
    async def ack_page(request: Request, nid: int):
        await _form(request)
        who = page_principal(request)
        await run_in_threadpool(reg.acknowledge, nid, who)
        return RedirectResponse("/registry/notifications", status_code=303)

    # -- sign in ---------------------------------------------------------------------------------

    @app.get("/login", include_in_schema=False, response_class=HTMLResponse)
    def login_page(request: Request):
        page_principal(request)
        nxt = request.query_params.get("next", "/registry")
        return render(request, "login.html", title="Sign in", next=nxt if nxt.startswith("/") and not nxt.startswith("//") else "/registry")

    @app.post("/login", include_in_schema=False)
    async def login(request: Request):
        body = await request.body()
        form = parse_qs(body.decode("utf-8", "replace"), max_num_fields=10)
        token = (form.get("token") or [""])[0].strip()
        nxt = (form.get("next") or ["/registry"])[0]
        if not nxt.startswith("/") or nxt.startswith("//"):
            nxt = "/registry"
        try:
            who = await run_in_threadpool(reg.authenticate, token)
            if not who.authenticated:
                raise Unauthorized("paste your registry token (it starts with mvr_)")
        except RegistryError as exc:
            request.state.page_principal = ANONYMOUS
            request.state.csrf = ""
            return render(request, "login.html", status_code=401, title="Sign in", next=nxt, error=exc.message)
        resp = RedirectResponse(nxt, status_code=303)
        resp.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https",
                        max_age=60 * 60 * 12, path="/")
        return resp

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request):
        await _form(request)
        resp = RedirectResponse("/registry", status_code=303)
        resp.delete_cookie(COOKIE, path="/")
        return resp

    # -- editing ---------------------------------------------------------------------------------

    def _can_edit(who, owners) -> bool:
        return who.is_admin or (who.role == "editor" and who.state in owners)

    def _project_form_context(request, p, error=None, details=None):
        who = page_principal(request)
        segments, _ = reg.list("network/segments", who, limit=500)
        return dict(title="Edit project" if p.get("id") else "New project", p=p, error=error, details=details or [],
                    types=list(ProjectType.__args__), statuses=list(ProjectStatus.__args__),
                    segments=sorted(segments, key=lambda s: s["id"]))

    @app.get("/registry/projects/new", include_in_schema=False, response_class=HTMLResponse)
    def project_new(request: Request):
        who = page_principal(request)
        if not who.writes:
            return render(request, "login.html", status_code=401 if not who.authenticated else 403, title="Sign in",
                          message="Creating a project needs an editor or admin token.", next="/registry/projects/new")
        p = {"name": "", "type": "rail", "status": "planned", "countries": [who.state] if who.state else [],
             "segments": [], "start_date": None, "end_date": None, "description": None, "published": False,
             "source_urls": []}
        return render(request, "registry/project_form.html", **_project_form_context(request, p))

    def _project_values(form) -> dict:
        return {
            "name": _one(form, "name", ""), "type": _one(form, "type"), "status": _one(form, "status"),
            "countries": [c.upper() for c in _list(form, "countries")], "segments": _list(form, "segments"),
            "start_date": _one(form, "start_date"), "end_date": _one(form, "end_date"),
            "description": _one(form, "description"), "source_urls": _list(form, "source_urls"),
            "published": _one(form, "published") == "on",
        }

    @app.post("/registry/projects/new", include_in_schema=False)
    async def project_create(request: Request):
        form = await _form(request)
        who = page_principal(request)
        values = _project_values(form)
        try:
            out = await run_in_threadpool(reg.create, "projects", values, who)
        except InvalidInput as exc:  # the form again, with the problem (200: it is a page, not an API error)
            return render(request, "registry/project_form.html", problem=exc.status,
                          **_project_form_context(request, values, exc.message, exc.details))
        notified = ",".join(out.notified)
        return RedirectResponse(f"/registry/projects/{out.record['id']}?created=1&notified={notified}", status_code=303)

    @app.get("/registry/projects/{key:int}/edit", include_in_schema=False, response_class=HTMLResponse)
    def project_edit(request: Request, key: int):
        who = page_principal(request)
        p, _ = reg.get("projects", key, who)
        if not _can_edit(who, p["countries"]):
            return render(request, "login.html", status_code=401 if not who.authenticated else 403, title="Sign in",
                          message=f"Editing this project needs an admin token or an editor token of "
                                  f"{', '.join(p['countries'])}.", next=f"/registry/projects/{key}/edit")
        return render(request, "registry/project_form.html", **_project_form_context(request, p))

    @app.post("/registry/projects/{key:int}/edit", include_in_schema=False)
    async def project_update(request: Request, key: int):
        form = await _form(request)
        who = page_principal(request)
        values = _project_values(form)
        version = _one(form, "version", "0")
        try:
            out = await run_in_threadpool(reg.update, "projects", key, values, who, f'"v{version}"')
        except (InvalidInput, RegistryError) as exc:
            if exc.status not in (412, 422):
                raise
            current, _ = await run_in_threadpool(reg.get, "projects", key, who)
            shown = {**current, **values, "id": current["id"], "version": current["version"] if exc.status == 412 else version}
            msg = exc.message + (" — the form now holds the current version; check it and save again."
                                 if exc.status == 412 else "")
            return render(request, "registry/project_form.html", problem=exc.status,
                          **_project_form_context(request, shown, msg, getattr(exc, "details", [])))
        return RedirectResponse(f"/registry/projects/{key}?notified={','.join(out.notified)}", status_code=303)

    @app.get("/registry/commitments/{key:int}/edit", include_in_schema=False, response_class=HTMLResponse)
    def commitment_edit(request: Request, key: int):
        who = page_principal(request)
        c, _ = reg.get("commitments", key, who)
        if not _can_edit(who, c["responsible_states"]):
            return render(request, "login.html", status_code=401 if not who.authenticated else 403, title="Sign in",
                          message="Editing this commitment needs an admin token or an editor token of "
                                  f"{', '.join(c['responsible_states'])}.", next=f"/registry/commitments/{key}/edit")
        return render(request, "registry/commitment_form.html", title="Update commitment", c=c,
                      statuses=list(CommitmentStatus.__args__))

    @app.post("/registry/commitments/{key:int}/edit", include_in_schema=False)
    async def commitment_update(request: Request, key: int):
        form = await _form(request)
        who = page_principal(request)
        status = _one(form, "status")
        values: dict = {"status": status, "published": _one(form, "published") == "on"}
        if _one(form, "deadline"):
            values["deadline"] = _one(form, "deadline")
        if _one(form, "evidence_date") or _one(form, "evidence_note"):
            values["evidence"] = {"date": _one(form, "evidence_date"), "status": status,
                                  "note": _one(form, "evidence_note"), "source_url": _one(form, "evidence_url")}
        try:
            await run_in_threadpool(reg.update, "commitments", key, values, who, f'"v{_one(form, "version", "0")}"')
        except RegistryError as exc:
            if exc.status not in (412, 422):
                raise
            c, _ = await run_in_threadpool(reg.get, "commitments", key, who)
            return render(request, "registry/commitment_form.html", problem=exc.status, title="Update commitment",
                          c=c, statuses=list(CommitmentStatus.__args__), error=exc.message, details=exc.details,
                          form=form)
        return RedirectResponse(f"/registry/commitments/{key}", status_code=303)
