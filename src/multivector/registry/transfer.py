"""Import and export: one JSON document holds a whole registry (records, network, and — in a full
backup — members, tokens, notifications and the audit log); CSV exports one kind of record.

The shipped seed is a document of the same format, so seeding a new registry *is* an import.

* Importing into a registry that was never initialised restores everything in the file, ids,
  versions and timestamps included (a restore).
* Importing into a registry that already holds data merges records by id: new ones are added,
  changed ones updated (new version), history sections (notifications, audit, tokens) are skipped.

Either way the import is one transaction: a bad record anywhere leaves the database untouched,
and the error names the section, the position and the field.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from multivector.registry import models as m
from multivector.registry.auth import SYSTEM, Principal
from multivector.registry.errors import Forbidden, InvalidInput
from multivector.registry.resources import RESOURCES
from multivector.registry.serialize import diff as _diff
from multivector.registry.serialize import jsonable as _jsonable
from multivector.registry.serialize import validation_details

if TYPE_CHECKING:  # the service calls these functions; they only name its type
    from multivector.registry.service import Registry

FORMAT = "multivector-registry"
FORMAT_VERSION = 1

#: sections of a document in dependency order: (section key, resource name)
RECORD_SECTIONS = (
    ("nodes", "network/nodes"),
    ("segments", "network/segments"),
    ("formats", "formats"),
    ("summits", "summits"),
    ("documents", "documents"),
    ("commitments", "commitments"),
    ("projects", "projects"),
)
META_FIELDS = ("version", "created_at", "updated_at", "great_circle_km", "notified")


@dataclass
class ImportReport:
    mode: str  # restore | merge
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    skipped_sections: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{k}: {v} added" + (f", {self.updated.get(k, 0)} updated" if self.updated.get(k) else "")
                 for k, v in self.added.items() if v or self.updated.get(k)]
        for k, v in self.updated.items():
            if k not in self.added and v:
                parts.append(f"{k}: {v} updated")
        text = f"{self.mode}: " + ("; ".join(parts) if parts else "nothing new")
        if self.skipped_sections:
            text += f" (history sections kept from this registry, not the file: {', '.join(self.skipped_sections)})"
        return text


# ---------------------------------------------------------------------------------------------
# Export


def export_document(reg: Registry, principal: Principal = SYSTEM, *, full: bool = False) -> dict:
    """Everything ``principal`` may read; ``full`` (admin only) adds members' webhook settings,
    token digests, notifications and the audit log — a complete backup."""
    if full and not principal.authenticated:
        from multivector.registry.errors import Unauthorized

        raise Unauthorized("a full backup needs the secretariat's (admin) token")
    if full and not principal.is_admin:
        raise Forbidden("a full backup (tokens, webhook secrets, audit log) is for the secretariat (admin)")
    from multivector.registry.migrate import current_revision

    doc: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": current_revision(reg.db.engine),
        "exported_at": _jsonable(m.utcnow()),
        "scope": "full" if full else ("all" if principal.reads_drafts else "published"),
        "corridors": reg.list_corridors(),
        "profiles": reg.list_profiles(),
    }
    for section, name in RECORD_SECTIONS:
        doc[section] = _all(reg, name, principal)
    if full:
        with reg.db.read() as s:
            doc["members"] = [{"iso3": x.iso3, "name": x.name, "active": x.active, "webhook_url": x.webhook_url,
                               "webhook_secret": x.webhook_secret, "version": x.version, "updated_at": x.updated_at}
                              for x in s.scalars(select(m.Member).order_by(m.Member.iso3))]
            doc["tokens"] = [{"id": t.id, "name": t.name, "role": t.role, "state": t.state, "digest": t.digest,
                              "created_at": t.created_at, "revoked_at": t.revoked_at}
                             for t in s.scalars(select(m.ApiToken).order_by(m.ApiToken.id))]
            doc["notifications"] = [{c.name: getattr(n, c.name) for c in m.Notification.__table__.columns}
                                    for n in s.scalars(select(m.Notification).order_by(m.Notification.id))]
            doc["audit_log"] = [{c.name: getattr(a, c.name) for c in m.AuditEntry.__table__.columns}
                                for a in s.scalars(select(m.AuditEntry).order_by(m.AuditEntry.id))]
            doc["meta"] = {r.key: r.value for r in s.scalars(select(m.RegistryMeta).order_by(m.RegistryMeta.key))}
    elif principal.authenticated:
        doc["members"] = [{k: v for k, v in x.items() if k != "webhook_url"} for x in reg.list_members(principal)]
    return _jsonable(doc)


def _all(reg: Registry, name: str, principal: Principal) -> list[dict]:
    out, offset = [], 0
    while True:
        items, total = reg.list(name, principal, limit=500, offset=offset)
        out.extend(items)
        offset += len(items)
        if not items or offset >= total:
            break
    spec = RESOURCES[name]
    out.sort(key=lambda r: (str(r["id"]) if spec.id_type is str else int(r["id"])))
    for r in out:
        r.pop("great_circle_km", None)
    return out


CSV_LIST_SEP = ";"


def export_csv(reg: Registry, name: str, principal: Principal = SYSTEM) -> str:
    """One kind of record as CSV: lists joined with ';', nested lists (financing, evidence,
    parties, locations) as JSON in their cell."""
    spec = reg.resource(name)
    rows = _all(reg, name, principal)
    fields = [f for f in spec.out_schema.model_fields if f not in ("great_circle_km",)]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: _cell(r.get(k)) for k in fields})
    return buf.getvalue()


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return _jsonable(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        if any(isinstance(x, dict) for x in v):
            return json.dumps(_jsonable(v), ensure_ascii=False, sort_keys=True)
        return CSV_LIST_SEP.join(str(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(_jsonable(v), ensure_ascii=False, sort_keys=True)
    return str(v)


# ---------------------------------------------------------------------------------------------
# Import


def read_document(raw: str | bytes, *, source: str = "the file") -> dict:
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{source} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
                           hint="export files come from `multivector registry export`") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InvalidInput(f"{source} is not a multivector registry export (no \"format\": \"{FORMAT}\")",
                           hint="export files come from `multivector registry export`")
    if int(doc.get("format_version", 0)) > FORMAT_VERSION:
        raise InvalidInput(f"{source} was written by a newer multivector (format version {doc['format_version']})",
                           hint="upgrade multivector to import it")
    return doc


def _dt(v):
    if v is None or isinstance(v, datetime):
        return v
    return datetime.fromisoformat(str(v).replace("Z", "+00:00"))


def import_document(reg: Registry, doc: dict, principal: Principal = SYSTEM, *, publish: bool | None = None,
                    how: str = "import", migrate: bool = True) -> ImportReport:
    """Load an export document (see the module docstring). ``publish`` forces the published flag."""
    if not principal.is_admin:
        raise Forbidden("bulk import is for the secretariat (admin)")
    if doc.get("format") != FORMAT:
        raise InvalidInput("not a multivector registry document")
    if migrate:
        reg.migrate_only()
    restore = not reg.is_initialised()
    report = ImportReport("restore" if restore else "merge")
    try:
        _import_all(reg, doc, principal, publish, how, restore, report)
    except IntegrityError as exc:
        raise InvalidInput(f"the file holds two records with the same id, or a record that refers to a missing one "
                           f"({str(exc.orig).splitlines()[0][:200]})") from None
    reg._tokens.clear()
    return report


def _import_all(reg, doc, principal, publish, how, restore, report) -> None:
    with reg.db.write() as s:
        _import_corridors(s, doc.get("corridors") or [], restore)
        _import_profiles(s, doc.get("profiles") or [])
        for section, name in RECORD_SECTIONS:
            _import_records(reg, s, section, name, doc.get(section) or [], report, restore, publish, principal)
        _import_members(s, doc.get("members") or [], restore)
        history = [k for k in ("tokens", "notifications", "audit_log") if doc.get(k)]
        if restore:
            _import_history(s, doc)
        else:
            report.skipped_sections = history
        if restore:
            reg.mark_initialised(s, how)
        s.flush()
        _fix_sequences(s)
        reg._audit(s, principal, how, "registry", "*",
                   {"mode": report.mode, "added": report.added, "updated": report.updated})


def _import_corridors(s, rows: list[dict], restore: bool) -> None:
    for i, r in enumerate(rows):
        if not isinstance(r, dict) or not r.get("id") or not r.get("name"):
            raise InvalidInput(f"corridors[{i}]: a corridor needs an id and a name")
        c = s.get(m.Corridor, r["id"]) or m.Corridor(id=r["id"])
        c.name, c.kind = r["name"], r.get("kind") or "transport"
        c.description, c.figures, c.source_urls = r.get("description"), r.get("figures") or [], r.get("source_urls") or []
        s.add(c)
    s.flush()


def _import_profiles(s, rows: list[dict]) -> None:
    for i, r in enumerate(rows):
        if not isinstance(r, dict) or not r.get("iso3") or not r.get("customs_zone"):
            raise InvalidInput(f"profiles[{i}]: a profile needs iso3 and customs_zone")
        p = s.get(m.CountryProfile, r["iso3"]) or m.CountryProfile(iso3=r["iso3"])
        for k in ("name", "customs_zone", "grid_zone", "rail_gauge_mm", "rail_signalling", "notes"):
            setattr(p, k, r.get(k))
        p.name = p.name or r["iso3"]
        p.source_urls = r.get("source_urls") or []
        s.add(p)
    s.flush()


def _content(spec, r: dict) -> dict:
    data = {k: v for k, v in r.items() if k not in META_FIELDS}
    if spec.id_type is int:
        data.pop("id", None)
    if spec.name == "commitments":
        data["evidence"] = [{k: e.get(k) for k in ("date", "status", "note", "source_url")}
                            for e in (data.get("evidence") or [])]
    return data


def _import_records(reg, s, section, name, rows, report, restore, publish, principal) -> None:
    spec = RESOURCES[name]
    counts = [0, 0, 0]  # added, updated, unchanged
    with s.no_autoflush:  # one flush per section: batched INSERTs (records of a section do not refer to each other)
        _import_section(reg, s, spec, section, rows, counts, restore, publish, principal)
    s.flush()
    if restore:
        _restore_versions(s, spec.model.__table__, [(spec.id_type(r["id"]), r.get("version")) for r in rows])
    report.added[section], report.updated[section], report.unchanged[section] = counts


def _import_section(reg, s, spec, section, rows, counts, restore, publish, principal) -> None:
    existing_by_id: dict = {}
    if not restore:  # one query (and one per relationship) instead of one per record
        ids = []
        for r in rows:
            try:
                ids.append(spec.id_type(r.get("id")))
            except (TypeError, ValueError):
                pass
        for chunk in range(0, len(ids), 500):
            for obj in s.scalars(select(spec.model).where(spec.model.id.in_(ids[chunk:chunk + 500]))):
                existing_by_id[obj.id] = obj
    for i, r in enumerate(rows):
        where = f"{section}[{i}]"
        if not isinstance(r, dict):
            raise InvalidInput(f"{where}: a record must be a JSON object")
        key = r.get("id")
        if key is None:
            raise InvalidInput(f"{where}: a record needs its id")
        try:
            key = spec.id_type(key)
        except (TypeError, ValueError):
            raise InvalidInput(f"{where}: bad id {key!r}") from None
        data = _content(spec, r)
        if publish is not None:
            data["published"] = publish
        try:
            model = spec.create_schema.model_validate(data)
        except ValidationError as exc:
            details = validation_details(exc, prefix=f"{where}.")
            raise InvalidInput(f"{where} (id {key}): {details[0]['message']} ({details[0]['field']})",
                               details=details) from None
        values = model.model_dump()
        existing = existing_by_id.get(key)  # a restore starts from empty tables
        try:
            if existing is None:
                obj = spec.new({**values, "id": key}) if spec.id_type is str else spec.model(id=key)
                spec.apply(s, obj, values, creating=True, recorded_by=principal.name, fresh=restore)
                if restore:
                    obj.version = int(r.get("version") or 1)
                    obj.created_at = _dt(r.get("created_at")) or m.utcnow()
                    obj.updated_at = _dt(r.get("updated_at")) or obj.created_at
                if spec.name == "commitments":
                    for row, e in zip(obj.evidence_rows, r.get("evidence") or []):
                        row.recorded_at = _dt(e.get("recorded_at")) or m.utcnow()
                        row.recorded_by = e.get("recorded_by")
                s.add(obj)
                s.info.setdefault("keep", []).append(obj)  # the identity map holds weak references
                counts[0] += 1
            else:
                before = reg._dict(spec, existing, s)
                if spec.name == "commitments":  # evidence is appended by PATCH; an import replaces it
                    values_ev = values.pop("evidence", [])
                    existing.evidence_rows[:] = [m.CommitmentEvidence(recorded_by=principal.name, **e) for e in values_ev]
                    existing.status = values.get("status", existing.status)
                spec.apply(s, existing, values, creating=False, recorded_by=principal.name)
                after = reg._dict(spec, existing, s)
                if _diff(before, after):
                    existing.updated_at = m.utcnow()
                    counts[1] += 1
                else:
                    counts[2] += 1
        except InvalidInput as exc:
            raise InvalidInput(f"{where} (id {key}): {exc.message}", hint=exc.hint) from None


def _restore_versions(s, table, pairs) -> None:
    """The ORM gives every inserted row version 1; a restore puts back the versions of the file
    (so that ETags handed out before the backup stay valid)."""
    from sqlalchemy import update

    key = list(table.primary_key.columns)[0]
    for rid, version in pairs:
        if version and int(version) != 1:
            s.execute(update(table).where(key == rid).values(version=int(version)))


def _import_members(s, rows: list[dict], restore: bool) -> None:
    from multivector.registry.validation import check_state

    versions = []
    for i, r in enumerate(rows):
        try:
            iso3 = check_state(str(r.get("iso3", "")), allow_groups=False)
        except ValueError as exc:
            raise InvalidInput(f"members[{i}]: {exc}") from None
        mb = s.get(m.Member, iso3)
        if mb is None:
            mb = m.Member(iso3=iso3, name=r.get("name") or iso3, active=bool(r.get("active", True)))
            s.add(mb)
        if restore:
            mb.name = r.get("name") or mb.name
            mb.active = bool(r.get("active", True))
            if "webhook_url" in r:
                mb.webhook_url = r.get("webhook_url")
            if "webhook_secret" in r:
                mb.webhook_secret = r.get("webhook_secret")
            if r.get("updated_at"):
                mb.updated_at = _dt(r["updated_at"])
            versions.append((iso3, r.get("version")))
    s.flush()
    if restore:
        s.expire_all()
        _restore_versions(s, m.Member.__table__, versions)


def _import_history(s, doc: dict) -> None:
    for t in doc.get("tokens") or []:
        if s.get(m.ApiToken, t["id"]) is None:
            s.add(m.ApiToken(id=t["id"], name=t["name"], role=t["role"], state=t.get("state"), digest=t["digest"],
                             created_at=_dt(t.get("created_at")) or m.utcnow(), revoked_at=_dt(t.get("revoked_at"))))
    for n in doc.get("notifications") or []:
        if s.get(m.Notification, n["id"]) is None:
            row = {c.name: n.get(c.name) for c in m.Notification.__table__.columns}
            for k in ("created_at", "next_attempt_at", "lease_until", "delivered_at", "acknowledged_at"):
                row[k] = _dt(row.get(k))
            row["lease_until"] = None
            s.add(m.Notification(**row))
    for a in doc.get("audit_log") or []:
        if s.get(m.AuditEntry, a["id"]) is None:
            row = {c.name: a.get(c.name) for c in m.AuditEntry.__table__.columns}
            row["at"] = _dt(row.get("at"))
            s.add(m.AuditEntry(**row))
    for k, v in (doc.get("meta") or {}).items():
        if s.get(m.RegistryMeta, k) is None:
            s.add(m.RegistryMeta(key=k, value=str(v)))
    s.flush()


_SERIAL_TABLES = ("summits", "documents", "commitments", "commitment_evidence", "projects", "project_financing",
                  "notifications", "audit_log", "api_tokens")


def _fix_sequences(s) -> None:
    """After rows were inserted with explicit ids, move PostgreSQL's sequences past them."""
    if s.bind.dialect.name != "postgresql":
        return
    for table in _SERIAL_TABLES:
        s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                       f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1), "
                       f"(SELECT COUNT(*) > 0 FROM {table}))"))


__all__ = ["export_document", "export_csv", "import_document", "read_document", "ImportReport",
           "FORMAT", "FORMAT_VERSION"]
