"""One specification per kind of record: how it is read, written, owned, filtered and shown.

The service (``service.py``) is generic over these; adding a kind of record means adding one
class here (and its schemas).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from multivector.registry import models as m
from multivector.registry import schemas as sc
from multivector.registry.errors import InvalidInput
from multivector.registry.network import great_circle_km
from multivector.registry.vocab import MATERIAL_COMMITMENT_FIELDS, MATERIAL_PROJECT_FIELDS


def _iso(dt) -> str | None:
    return dt.isoformat().replace("+00:00", "Z") if dt is not None else None


def _states(xs) -> list[str]:
    out: list[str] = []
    for x in xs:
        x = x.upper()
        if x not in out:
            out.append(x)
    return out


class Resource:
    name: ClassVar[str]  # URL segment: "projects", "network/nodes"
    label: ClassVar[str]  # "project"
    model: ClassVar[type]
    id_type: ClassVar[type] = int
    create_schema: ClassVar[type[BaseModel]]
    patch_schema: ClassVar[type[BaseModel]]
    out_schema: ClassVar[type[BaseModel]]
    owner_field: ClassVar[str]
    owner_link: ClassVar[tuple[type, str] | None] = None  # (link model, fk column) for "owned by state"
    touches_network: ClassVar[bool] = False
    material_fields: ClassVar[tuple[str, ...]] = ()
    default_order: ClassVar[tuple] = ()
    text_columns: ClassVar[tuple[str, ...]] = ()

    # -- ownership -----------------------------------------------------------------------------
    def owners(self, obj) -> set[str]:
        raise NotImplementedError

    @staticmethod
    def date_window(column, p: dict) -> list:
        """``date_from`` / ``date_to`` filters on a partial-date column (text ``YYYY[-MM[-DD]]``): the
        upper bound is padded with U+FFFF so that ``date_to=2024`` keeps every date in 2024."""
        out = []
        if p.get("date_from"):
            out.append(column >= p["date_from"])
        if p.get("date_to"):
            out.append(column <= p["date_to"] + "\uffff")
        return out

    def owner_clause(self, state: str):
        link, fk = self.owner_link
        return exists().where(getattr(link, fk) == self.model.id, link.state == state)

    def visible_clause(self, principal):
        if principal.reads_drafts:
            return None
        if principal.role == "editor" and principal.state:
            return or_(self.model.published.is_(True), self.owner_clause(principal.state))
        return self.model.published.is_(True)

    # -- shape ---------------------------------------------------------------------------------
    def to_dict(self, obj) -> dict[str, Any]:
        raise NotImplementedError

    def record_id(self, obj) -> str:
        return str(obj.id)

    def display(self, obj) -> str:
        return str(obj.id)

    def segments_of(self, obj) -> list[str]:
        return []

    # -- writing -------------------------------------------------------------------------------
    def new(self, data: dict) -> Any:
        return self.model()

    def apply(self, session: Session, obj, data: dict, *, creating: bool, recorded_by: str | None = None,
              fresh: bool = False) -> None:
        """Set ``obj`` from ``data`` (validated) and check its references. ``fresh``: the table is known
        to hold no such id (a restore), so the duplicate-id check is skipped."""
        raise NotImplementedError

    def filters(self, params: dict) -> list:
        return []

    @staticmethod
    def _set(obj, data: dict, *names: str) -> None:
        for n in names:
            if n in data:
                setattr(obj, n, data[n])


def _sync(obj, attr: str, keys: list, make, key_of=lambda r: r.state) -> None:
    """Make the link rows in ``obj.<attr>`` match ``keys`` (keeping rows that stay, in order)."""
    rows = getattr(obj, attr)
    current = {key_of(r): r for r in rows}
    wanted = list(dict.fromkeys(keys))
    if list(current) == wanted:
        return
    keep = [current[k] if k in current else make(k) for k in wanted]
    rows[:] = keep


def _need(session: Session, model, key, field: str, what: str, hint: str | None = None) -> None:
    if key is not None and session.get(model, key) is None:
        raise InvalidInput(f"no {what} {key!r}", field=field, hint=hint)


def _need_segments(session: Session, ids: list[str], field: str = "segments") -> list[str]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return ids
    found = set(session.scalars(select(m.Segment.id).where(m.Segment.id.in_(ids))))
    missing = [s for s in ids if s not in found]
    if missing:
        raise InvalidInput(f"no segment {', '.join(repr(s) for s in missing[:5])}"
                           f"{' …' if len(missing) > 5 else ''}", field=field,
                           hint="list segment ids from GET /api/v1/network/segments, or create the segment first")
    return ids


# ---------------------------------------------------------------------------------------------


class Formats(Resource):
    name = "formats"
    label = "format"
    model = m.Format
    id_type = str
    create_schema, patch_schema, out_schema = sc.FormatIn, sc.FormatPatch, sc.FormatOut
    owner_field = "members"
    owner_link = (m.FormatMember, "format_id")
    default_order = (m.Format.id,)
    text_columns = ("name", "description")

    def owners(self, obj) -> set[str]:
        return {r.state for r in obj.member_rows}

    def to_dict(self, o) -> dict:
        return {"id": o.id, "name": o.name, "partner": o.partner, "members": [r.state for r in o.member_rows],
                "established": o.established, "secretariat": o.secretariat, "description": o.description,
                "source_urls": list(o.source_urls or []), "published": o.published, "version": o.version,
                "created_at": o.created_at, "updated_at": o.updated_at}

    def display(self, o) -> str:
        return o.name

    def new(self, data):
        return m.Format(id=data["id"])

    def apply(self, session, o, data, *, creating, recorded_by=None, fresh=False):
        if creating and not fresh and session.get(m.Format, data["id"]) is not None:
            from multivector.registry.errors import Conflict

            raise Conflict(f"a format with id {data['id']!r} already exists")
        self._set(o, data, "name", "partner", "established", "secretariat", "description", "source_urls", "published")
        if "members" in data:
            _sync(o, "member_rows", _states(data["members"] or []), lambda k: m.FormatMember(state=k))

    def filters(self, p):
        out = []
        if p.get("state"):
            out.append(self.owner_clause(p["state"]))
        return out


class Summits(Resource):
    name = "summits"
    label = "summit"
    model = m.Summit
    create_schema, patch_schema, out_schema = sc.SummitIn, sc.SummitPatch, sc.SummitOut
    owner_field = "participants"
    owner_link = (m.SummitParticipant, "summit_id")
    default_order = (m.Summit.date.desc(), m.Summit.id.desc())
    text_columns = ("title", "place", "description")

    def owners(self, o) -> set[str]:
        return {r.state for r in o.participant_rows}

    def to_dict(self, o) -> dict:
        return {"id": o.id, "title": o.title, "date": o.date, "kind": o.kind, "place": o.place,
                "format_id": o.format_id, "participants": [r.state for r in o.participant_rows],
                "description": o.description, "source_urls": list(o.source_urls or []), "published": o.published,
                "version": o.version, "created_at": o.created_at, "updated_at": o.updated_at}

    def display(self, o) -> str:
        return f"{o.title} ({o.date})"

    def apply(self, session, o, data, *, creating, recorded_by=None, fresh=False):
        if data.get("format_id") is not None:
            _need(session, m.Format, data["format_id"], "format_id", "format",
                  hint="list formats with GET /api/v1/formats")
        self._set(o, data, "title", "date", "kind", "place", "format_id", "description", "source_urls", "published")
        if "participants" in data:
            _sync(o, "participant_rows", _states(data["participants"]), lambda k: m.SummitParticipant(state=k))

    def filters(self, p):
        out = []
        if p.get("state"):
            out.append(self.owner_clause(p["state"]))
        if p.get("format_id"):
            out.append(m.Summit.format_id == p["format_id"])
        if p.get("kind"):
            out.append(m.Summit.kind == p["kind"])
        return out + self.date_window(m.Summit.date, p)


class Documents(Resource):
    name = "documents"
    label = "document"
    model = m.Document
    create_schema, patch_schema, out_schema = sc.DocumentIn, sc.DocumentPatch, sc.DocumentOut
    owner_field = "parties"
    owner_link = (m.DocumentParty, "document_id")
    default_order = (m.Document.signed.desc().nulls_last(), m.Document.id.desc())
    text_columns = ("title", "description")

    def owners(self, o) -> set[str]:
        return {r.state for r in o.party_rows}

    def to_dict(self, o) -> dict:
        return {"id": o.id, "title": o.title, "kind": o.kind, "summit_id": o.summit_id, "signed": o.signed,
                "in_force": o.in_force,
                "parties": [{"state": r.state, "signed": r.signed, "ratified": r.ratified} for r in o.party_rows],
                "description": o.description, "source_urls": list(o.source_urls or []), "published": o.published,
                "version": o.version, "created_at": o.created_at, "updated_at": o.updated_at}

    def display(self, o) -> str:
        return o.title

    def apply(self, session, o, data, *, creating, recorded_by=None, fresh=False):
        if data.get("summit_id") is not None:
            _need(session, m.Summit, data["summit_id"], "summit_id", "summit",
                  hint="list summits with GET /api/v1/summits")
        self._set(o, data, "title", "kind", "summit_id", "signed", "in_force", "description", "source_urls", "published")
        if "parties" in data:
            given: dict[str, dict] = {}
            for p in data["parties"]:
                state = p["state"].upper()
                if state in given:
                    raise InvalidInput(f"{state} is listed twice", field="parties")
                given[state] = p
            _sync(o, "party_rows", list(given), lambda k: m.DocumentParty(state=k))
            for row in o.party_rows:
                row.signed, row.ratified = given[row.state].get("signed"), given[row.state].get("ratified")

    def filters(self, p):
        out = []
        if p.get("state"):
            out.append(self.owner_clause(p["state"]))
        if p.get("kind"):
            out.append(m.Document.kind == p["kind"])
        if p.get("summit_id") is not None:
            out.append(m.Document.summit_id == p["summit_id"])
        return out + self.date_window(m.Document.signed, p)


class Commitments(Resource):
    name = "commitments"
    label = "commitment"
    model = m.Commitment
    create_schema, patch_schema, out_schema = sc.CommitmentIn, sc.CommitmentPatch, sc.CommitmentOut
    owner_field = "responsible_states"
    owner_link = (m.CommitmentState, "commitment_id")
    touches_network = True
    material_fields = MATERIAL_COMMITMENT_FIELDS
    default_order = (m.Commitment.id,)
    text_columns = ("text",)

    def owners(self, o) -> set[str]:
        return {r.state for r in o.state_rows}

    def segments_of(self, o) -> list[str]:
        return [r.segment_id for r in o.segment_rows]

    def to_dict(self, o) -> dict:
        return {"id": o.id, "document_id": o.document_id, "text": o.text, "sector": o.sector,
                "responsible_states": [r.state for r in o.state_rows], "deadline": o.deadline, "status": o.status,
                "segments": [r.segment_id for r in o.segment_rows],
                "evidence": [{"date": e.date, "status": e.status, "note": e.note, "source_url": e.source_url,
                              "recorded_at": e.recorded_at, "recorded_by": e.recorded_by} for e in o.evidence_rows],
                "source_urls": list(o.source_urls or []), "published": o.published, "version": o.version,
                "created_at": o.created_at, "updated_at": o.updated_at}

    def display(self, o) -> str:
        return o.text if len(o.text) <= 80 else o.text[:77] + "…"

    def apply(self, session, o, data, *, creating, recorded_by: str | None = None, fresh=False):
        if "document_id" in data:
            if data["document_id"] is None:
                raise InvalidInput("a commitment belongs to a document", field="document_id")
            _need(session, m.Document, data["document_id"], "document_id", "document",
                  hint="create the document first (POST /api/v1/documents) or give an existing id")
        if "segments" in data:
            segs = _need_segments(session, data["segments"] or [])
            _sync(o, "segment_rows", segs, lambda k: m.CommitmentSegment(segment_id=k), lambda r: r.segment_id)
        old_status = None if creating else o.status
        self._set(o, data, "document_id", "text", "sector", "deadline", "status", "source_urls", "published")
        if "responsible_states" in data:
            _sync(o, "state_rows", _states(data["responsible_states"]), lambda k: m.CommitmentState(state=k))
        if creating:
            for e in data.get("evidence") or []:
                o.evidence_rows.append(m.CommitmentEvidence(recorded_by=recorded_by, **e))
        else:
            ev = data.get("evidence")
            if "status" in data and data["status"] != old_status and not ev:
                raise InvalidInput(
                    f"changing the status from {old_status!r} to {data['status']!r} needs dated evidence",
                    field="evidence", hint='send "evidence": {"date": "2025-06-17", "status": "…", "note": "…", '
                                           '"source_url": "https://…"}')
            if ev:
                if "status" in data and ev["status"] != data["status"]:
                    raise InvalidInput(f"the evidence says {ev['status']!r} but the new status is {data['status']!r}",
                                       field="evidence.status")
                o.evidence_rows.append(m.CommitmentEvidence(recorded_by=recorded_by, **ev))

    def filters(self, p):
        out = []
        if p.get("state"):
            out.append(self.owner_clause(p["state"]))
        if p.get("status"):
            out.append(m.Commitment.status == p["status"])
        if p.get("sector"):
            out.append(m.Commitment.sector == p["sector"])
        if p.get("document_id") is not None:
            out.append(m.Commitment.document_id == p["document_id"])
        if p.get("segment"):
            out.append(exists().where(m.CommitmentSegment.commitment_id == m.Commitment.id,
                                      m.CommitmentSegment.segment_id == p["segment"]))
        return out


class Projects(Resource):
    name = "projects"
    label = "project"
    model = m.Project
    create_schema, patch_schema, out_schema = sc.ProjectIn, sc.ProjectPatch, sc.ProjectOut
    owner_field = "countries"
    owner_link = (m.ProjectCountry, "project_id")
    touches_network = True
    material_fields = MATERIAL_PROJECT_FIELDS
    default_order = (m.Project.id,)
    text_columns = ("name", "description")

    def owners(self, o) -> set[str]:
        return {r.state for r in o.country_rows}

    def segments_of(self, o) -> list[str]:
        return [r.segment_id for r in o.segment_rows]

    def to_dict(self, o) -> dict:
        return {"id": o.id, "name": o.name, "type": o.type, "countries": [r.state for r in o.country_rows],
                "segments": [r.segment_id for r in o.segment_rows], "status": o.status,
                "start_date": o.start_date, "end_date": o.end_date, "description": o.description,
                "commitment_id": o.commitment_id,
                "financing": [{"lender": f.lender, "amount": f.amount, "currency": f.currency, "year": f.year,
                               "source_url": f.source_url} for f in o.financing_rows],
                "aiddata_ids": list(o.aiddata_ids or []), "locations": list(o.locations or []),
                "source_urls": list(o.source_urls or []), "published": o.published, "version": o.version,
                "created_at": o.created_at, "updated_at": o.updated_at}

    def display(self, o) -> str:
        return o.name

    def apply(self, session, o, data, *, creating, recorded_by=None, fresh=False):
        if data.get("commitment_id") is not None:
            _need(session, m.Commitment, data["commitment_id"], "commitment_id", "commitment",
                  hint="list commitments with GET /api/v1/commitments")
        if "segments" in data:
            segs = _need_segments(session, data["segments"] or [])
            _sync(o, "segment_rows", segs, lambda k: m.ProjectSegment(segment_id=k), lambda r: r.segment_id)
        self._set(o, data, "name", "type", "status", "start_date", "end_date", "description", "commitment_id",
                  "source_urls", "published")
        if "countries" in data:
            _sync(o, "country_rows", _states(data["countries"]), lambda k: m.ProjectCountry(state=k))
        if "financing" in data:
            o.financing_rows = [m.ProjectFinancing(**f) for f in (data["financing"] or [])]
        if "aiddata_ids" in data:
            o.aiddata_ids = sorted(set(data["aiddata_ids"] or []))
        if "locations" in data:
            o.locations = [dict(x) for x in (data["locations"] or [])]
        if not creating and ("start_date" in data or "end_date" in data):
            from multivector.registry.validation import partial_date_le

            if o.start_date and o.end_date and not partial_date_le(o.start_date, o.end_date):
                raise InvalidInput(f"end_date ({o.end_date}) is before start_date ({o.start_date})", field="end_date")

    def filters(self, p):
        out = []
        if p.get("state"):
            out.append(self.owner_clause(p["state"]))
        if p.get("type"):
            out.append(m.Project.type == p["type"])
        if p.get("status"):
            out.append(m.Project.status == p["status"])
        if p.get("segment"):
            out.append(exists().where(m.ProjectSegment.project_id == m.Project.id,
                                      m.ProjectSegment.segment_id == p["segment"]))
        if p.get("corridor"):
            out.append(exists().where(m.ProjectSegment.project_id == m.Project.id,
                                      m.SegmentCorridor.segment_id == m.ProjectSegment.segment_id,
                                      m.SegmentCorridor.corridor_id == p["corridor"]))
        if p.get("commitment_id") is not None:
            out.append(m.Project.commitment_id == p["commitment_id"])
        if p.get("on_network"):
            out.append(exists().where(m.ProjectSegment.project_id == m.Project.id))
        return out


class Nodes(Resource):
    name = "network/nodes"
    label = "node"
    model = m.Node
    id_type = str
    create_schema, patch_schema, out_schema = sc.NodeIn, sc.NodePatch, sc.NodeOut
    owner_field = "country"
    default_order = (m.Node.country, m.Node.id)
    text_columns = ("name", "description")

    def owners(self, o) -> set[str]:
        return {o.country}

    def owner_clause(self, state):
        return m.Node.country == state

    def to_dict(self, o) -> dict:
        return {"id": o.id, "name": o.name, "kind": o.kind, "country": o.country, "lat": o.lat, "lon": o.lon,
                "coord_precision": o.coord_precision, "description": o.description,
                "source_urls": list(o.source_urls or []), "published": o.published, "version": o.version,
                "created_at": o.created_at, "updated_at": o.updated_at}

    def display(self, o) -> str:
        return o.name

    def new(self, data):
        return m.Node(id=data["id"])

    def apply(self, session, o, data, *, creating, recorded_by=None, fresh=False):
        if creating and not fresh and session.get(m.Node, data["id"]) is not None:
            from multivector.registry.errors import Conflict

            raise Conflict(f"a node with id {data['id']!r} already exists",
                           hint="choose another id, or PATCH the existing node")
        if not creating and "country" in data and data["country"] != o.country:
            used = session.scalars(select(m.Segment.id).where(
                or_(m.Segment.from_node == o.id, m.Segment.to_node == o.id)).limit(3)).all()
            if used:
                raise InvalidInput(f"node {o.id!r} ends segments {', '.join(used)}; moving it to another state "
                                   "would leave their country lists wrong", field="country",
                                   hint="create a new node instead")
        self._set(o, data, "name", "kind", "country", "lat", "lon", "coord_precision", "description",
                  "source_urls", "published")

    def filters(self, p):
        out = []
        if p.get("state"):
            out.append(m.Node.country == p["state"])
        if p.get("kind"):
            out.append(m.Node.kind == p["kind"])
        return out


class Segments(Resource):
    name = "network/segments"
    label = "segment"
    model = m.Segment
    id_type = str
    create_schema, patch_schema, out_schema = sc.SegmentIn, sc.SegmentPatch, sc.SegmentOut
    owner_field = "countries"
    owner_link = (m.SegmentCountry, "segment_id")
    default_order = (m.Segment.id,)
    text_columns = ("name", "description")

    def owners(self, o) -> set[str]:
        return {r.state for r in o.country_rows}

    def to_dict(self, o, nodes: dict | None = None) -> dict:
        gc = None
        if nodes is not None and o.from_node in nodes and o.to_node in nodes:
            a, b = nodes[o.from_node], nodes[o.to_node]
            gc = round(great_circle_km(a[0], a[1], b[0], b[1]), 1)
        return {"id": o.id, "name": o.name, "from_node": o.from_node, "to_node": o.to_node, "mode": o.mode,
                "status": o.status, "gauge_mm": o.gauge_mm, "signalling": o.signalling, "voltage_kv": o.voltage_kv,
                "length_km": o.length_km, "great_circle_km": gc,
                "countries": [r.state for r in o.country_rows], "corridors": [r.corridor_id for r in o.corridor_rows],
                "description": o.description, "source_urls": list(o.source_urls or []), "published": o.published,
                "version": o.version, "created_at": o.created_at, "updated_at": o.updated_at}

    def display(self, o) -> str:
        return o.name or o.id

    def new(self, data):
        sid = data.get("id") or f"{data['from_node']}-{data['to_node']}-{data['mode']}"[:80]
        return m.Segment(id=sid)

    def apply(self, session, o, data, *, creating, recorded_by=None, fresh=False):
        if creating and not fresh and session.get(m.Segment, o.id) is not None:
            from multivector.registry.errors import Conflict

            raise Conflict(f"a segment with id {o.id!r} already exists",
                           hint="give another id, or PATCH the existing segment")
        a_id = data.get("from_node", o.from_node)
        b_id = data.get("to_node", o.to_node)
        if a_id == b_id:
            raise InvalidInput(f"a segment cannot start and end at the same node ({a_id!r}): self-loops are refused",
                               field="to_node")
        ends = []
        for field, nid in (("from_node", a_id), ("to_node", b_id)):
            node = session.get(m.Node, nid)
            if node is None:
                raise InvalidInput(f"no node {nid!r}", field=field,
                                   hint="create the node first (POST /api/v1/network/nodes) or use an existing id")
            ends.append(node)
        mode = data.get("mode", o.mode)
        for attr, only in (("gauge_mm", "rail"), ("signalling", "rail"), ("voltage_kv", "power")):
            value = data.get(attr, getattr(o, attr, None))
            if value is not None and mode != only:
                raise InvalidInput(f"{attr} is only for {only} segments", field=attr)
        if "corridors" in data:
            ids = list(dict.fromkeys(data["corridors"] or []))
            if "corridor_ids" not in session.info:  # corridors are read-only through the API: one query
                session.info["corridor_ids"] = set(session.scalars(select(m.Corridor.id)))
            known = session.info["corridor_ids"]
            missing = [c for c in ids if c not in known]
            if missing:
                raise InvalidInput(f"no corridor {', '.join(map(repr, missing))}", field="corridors",
                                   hint="list corridors with GET /api/v1/network/corridors")
            _sync(o, "corridor_rows", ids, lambda k: m.SegmentCorridor(corridor_id=k), lambda r: r.corridor_id)
        self._set(o, data, "name", "from_node", "to_node", "mode", "status", "gauge_mm", "signalling", "voltage_kv",
                  "length_km", "description", "source_urls", "published")
        if "countries" in data or creating or "from_node" in data or "to_node" in data:
            listed = data["countries"] if "countries" in data and data["countries"] is not None else [
                r.state for r in o.country_rows]
            states = _states([ends[0].country, *listed, ends[1].country])
            _sync(o, "country_rows", sorted(states), lambda k: m.SegmentCountry(state=k))

    def filters(self, p):
        out = []
        if p.get("state"):
            out.append(self.owner_clause(p["state"]))
        if p.get("mode"):
            out.append(m.Segment.mode == p["mode"])
        if p.get("corridor"):
            out.append(exists().where(m.SegmentCorridor.segment_id == m.Segment.id,
                                      m.SegmentCorridor.corridor_id == p["corridor"]))
        if p.get("gauge_mm") is not None:
            out.append(m.Segment.gauge_mm == p["gauge_mm"])
        if p.get("node"):
            out.append(or_(m.Segment.from_node == p["node"], m.Segment.to_node == p["node"]))
        return out


RESOURCES: dict[str, Resource] = {r.name: r for r in (
    Formats(), Summits(), Documents(), Commitments(), Projects(), Nodes(), Segments())}
BY_LABEL: dict[str, Resource] = {r.label: r for r in RESOURCES.values()}
