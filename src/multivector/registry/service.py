"""The registry as a Python API: the web app and the CLI are thin layers over :class:`Registry`.

Every write is one database transaction that holds the change, its audit entry and the
notifications it causes (the outbox): either all of them are stored or none is.

>>> reg = Registry("sqlite:///registry.sqlite"); reg.ensure_ready()          # doctest: +SKIP
>>> token = reg.issue_token("editor", state="KGZ", name="Kyrgyz MFA")            # doctest: +SKIP
>>> out = reg.create("projects", {...}, reg.authenticate(token))              # doctest: +SKIP
>>> out.notified                                                               # doctest: +SKIP
['KAZ', 'TKM']
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from multivector.registry import auth
from multivector.registry import models as m
from multivector.registry import schemas as sc
from multivector.registry.auth import ANONYMOUS, SYSTEM, Principal
from multivector.registry.db import Database
from multivector.registry.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    RegistryError,
    Unauthorized,
)
from multivector.registry.network import DEFAULT_HOPS, connected_states, load_graph
from multivector.registry.resources import RESOURCES, Resource
from multivector.registry.serialize import diff as _diff
from multivector.registry.serialize import jsonable as _jsonable
from multivector.registry.serialize import validation_details
from multivector.registry.vocab import ROLES

log = logging.getLogger("multivector.registry")

MAX_LIMIT = 500


@dataclass
class Written:
    """The result of a create or update: the record as stored, its ETag and who was looped in."""

    record: dict[str, Any]
    etag: str
    notified: list[str] = field(default_factory=list)
    created: bool = False


def etag_of(version: int) -> str:
    return f'"v{version}"'


def parse_if_match(header: str | None) -> list[str] | None:
    """The entity tags of an ``If-Match`` header (``["*"]`` for a wildcard)."""
    if header is None:
        return None
    tags = [t.strip() for t in header.split(",") if t.strip()]
    return tags or None


def invalid_from(exc: ValidationError, prefix: str = "") -> InvalidInput:
    details = validation_details(exc, prefix)
    first = details[0] if details else {"field": None, "message": "invalid input"}
    msg = f"{first['field']}: {first['message']}" if first.get("field") else first["message"]
    if len(details) > 1:
        msg += f" (and {len(details) - 1} more problem{'s' if len(details) > 2 else ''})"
    return InvalidInput(msg, details=details)


class Registry:
    """The coordination registry over one database."""

    def __init__(self, db_url: str | None = None, *, hops: int | None = None) -> None:
        self.db = Database(db_url)
        self.hops = int(hops if hops is not None else os.environ.get("MULTIVECTOR_REGISTRY_HOPS", DEFAULT_HOPS))
        self._tokens = auth.TokenCache()
        self._listeners: list[Callable[[], None]] = []
        self._ready = False
        self._lock = threading.Lock()

    # -- lifecycle ---------------------------------------------------------------------------------

    def ensure_ready(self, *, seed: bool = True, publish_seed: bool = True) -> None:
        """Create or migrate the schema; on a registry that was never filled, load the shipped seed."""
        from multivector.registry import migrate

        with self._lock:
            if self._ready:
                return
            with migrate.schema_lock(self.db.engine):
                migrate.upgrade(self.db.engine)
                if seed and not self.is_initialised():
                    from multivector.registry.seed import load_seed

                    load_seed(self, publish=publish_seed)
            self._ready = True

    def migrate_only(self) -> None:
        from multivector.registry import migrate

        with migrate.schema_lock(self.db.engine):
            migrate.upgrade(self.db.engine)

    def is_initialised(self) -> bool:
        with self.db.read() as s:
            return s.get(m.RegistryMeta, "initialised") is not None

    def mark_initialised(self, session, how: str) -> None:
        if session.get(m.RegistryMeta, "initialised") is None:
            session.add(m.RegistryMeta(key="initialised", value=how))

    def on_notifications(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after a transaction that wrote notifications commits (wakes the worker)."""
        self._listeners.append(callback)

    def _notify_listeners(self) -> None:
        for cb in self._listeners:
            try:
                cb()
            except Exception:  # noqa: BLE001 - a listener must not break a write
                log.exception("notification listener failed")

    def close(self) -> None:
        self.db.dispose()

    # -- tokens ------------------------------------------------------------------------------------

    def issue_token(self, role: str, *, state: str | None = None, name: str | None = None) -> str:
        """A new token for ``role`` (and ``state`` for editors). Returned once; only its digest is kept."""
        from multivector.registry.validation import check_state

        if role not in ROLES:
            raise InvalidInput(f"unknown role {role!r}", field="role", hint="use one of: " + ", ".join(ROLES))
        if state is not None:
            try:
                state = check_state(state, allow_groups=False)
            except ValueError as exc:
                raise InvalidInput(str(exc), field="state") from None
        if role == "editor" and not state:
            raise InvalidInput("an editor token belongs to a state", field="state",
                               hint="give --state ISO3 (the ministry's state, e.g. KAZ)")
        token = auth.new_token()
        label = name or (f"{role} {state}" if state else role)
        with self.db.write() as s:
            row = m.ApiToken(name=label[:120], role=role, state=state, digest=auth.digest(token))
            s.add(row)
            s.flush()
            self._audit(s, SYSTEM, "issue_token", "tokens", str(row.id),
                        {"after": {"name": row.name, "role": role, "state": state}})
        return token

    def revoke_token(self, token_id: int) -> None:
        with self.db.write() as s:
            row = s.get(m.ApiToken, token_id)
            if row is None:
                raise NotFound(f"no token {token_id}")
            if row.revoked_at is None:
                row.revoked_at = m.utcnow()
                self._audit(s, SYSTEM, "revoke_token", "tokens", str(token_id), {})
        self._tokens.clear()

    def list_tokens(self) -> list[dict]:
        with self.db.read() as s:
            return [{"id": t.id, "name": t.name, "role": t.role, "state": t.state, "created_at": t.created_at,
                     "revoked_at": t.revoked_at} for t in s.scalars(select(m.ApiToken).order_by(m.ApiToken.id))]

    def authenticate(self, token: str | None) -> Principal:
        """The principal a bearer token stands for (``ANONYMOUS`` without a token)."""
        if token is None or token == "":
            return ANONYMOUS
        if not token.startswith(auth.TOKEN_PREFIX) or len(token) > 100:
            raise Unauthorized("this is not a registry token", hint="tokens start with mvr_; get one with "
                                                                     "`multivector registry token --role ROLE`")
        key = auth.digest(token)
        hit, principal = self._tokens.get(key)
        if not hit:
            with self.db.read() as s:
                row = s.scalars(select(m.ApiToken).where(m.ApiToken.digest == key)).first()
                principal = None
                if row is not None and row.revoked_at is None:
                    principal = Principal(row.role, row.state, row.name, row.id)
            self._tokens.put(key, principal)
        if principal is None:
            raise Unauthorized("unknown or revoked token", hint="ask the secretariat for a new token")
        return principal

    # -- reading -----------------------------------------------------------------------------------

    def resource(self, name: str) -> Resource:
        try:
            return RESOURCES[name]
        except KeyError:
            raise NotFound(f"no resource {name!r}") from None

    def _segment_nodes(self, s) -> dict[str, tuple[float, float]]:
        return {r.id: (r.lat, r.lon) for r in s.execute(select(m.Node.id, m.Node.lat, m.Node.lon))}

    def _dict(self, spec: Resource, obj, s, nodes=None) -> dict:
        if spec.name == "network/segments":
            return spec.to_dict(obj, nodes if nodes is not None else self._segment_nodes(s))
        return spec.to_dict(obj)

    def list(self, name: str, principal: Principal = ANONYMOUS, *, filters: dict | None = None,
             limit: int = 50, offset: int = 0, q: str | None = None) -> tuple[list[dict], int]:
        spec = self.resource(name)
        limit = max(1, min(int(limit), MAX_LIMIT))
        offset = max(0, int(offset))
        clauses = spec.filters(filters or {})
        vis = spec.visible_clause(principal)
        if vis is not None:
            clauses.append(vis)
        if q:
            literal = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{literal}%"
            clauses.append(or_(*[func.lower(getattr(spec.model, c)).like(pattern, escape="\\") for c in spec.text_columns]))
        with self.db.read() as s:
            total = s.scalar(select(func.count()).select_from(spec.model).where(*clauses))
            rows = s.scalars(select(spec.model).where(*clauses).order_by(*spec.default_order)
                             .limit(limit).offset(offset)).all()
            nodes = self._segment_nodes(s) if spec.name == "network/segments" else None
            return [self._dict(spec, r, s, nodes) for r in rows], int(total or 0)

    def get(self, name: str, key: Any, principal: Principal = ANONYMOUS) -> tuple[dict, str]:
        spec = self.resource(name)
        with self.db.read() as s:
            obj = self._load_visible(s, spec, key, principal)
            return self._dict(spec, obj, s), etag_of(obj.version)

    def _load_visible(self, s, spec: Resource, key: Any, principal: Principal, *, lock: bool = False):
        try:
            key = spec.id_type(key)
        except (TypeError, ValueError):
            raise NotFound(f"no {spec.label} {key!r}") from None
        obj = s.get(spec.model, key, with_for_update=lock or None)
        if obj is None or not self._can_see(spec, obj, principal):
            raise NotFound(f"no {spec.label} {key!r}" + ("" if principal.authenticated else
                                                         " (or it is not published yet)"))
        return obj

    @staticmethod
    def _can_see(spec: Resource, obj, principal: Principal) -> bool:
        if obj.published or principal.reads_drafts:
            return True
        return principal.role == "editor" and principal.state in spec.owners(obj)

    # -- writing -----------------------------------------------------------------------------------

    def _check_write(self, spec: Resource, principal: Principal) -> None:
        if not principal.authenticated:
            raise Unauthorized(f"writing {spec.name} needs a token",
                               hint="send Authorization: Bearer <token>; tokens come from "
                                    "`multivector registry token --role editor --state ISO3`")
        if not principal.writes:
            raise Forbidden(f"the {principal.role} role reads the registry but does not write to it")
        if spec.name == "formats" and not principal.is_admin:
            raise Forbidden("formats are kept by the secretariat (admin role)")

    def _check_owner(self, spec: Resource, owners: set[str], principal: Principal, *, before: bool) -> None:
        if principal.is_admin:
            return
        if principal.state not in owners:
            listed = ", ".join(sorted(owners)) or "no state"
            if before:
                raise Forbidden(f"this {spec.label} belongs to {listed}; an editor of {principal.state} "
                                f"changes only records that list {principal.state} in {spec.owner_field}")
            raise Forbidden(f"an editor of {principal.state} may only write {spec.name} that list "
                            f"{principal.state} in {spec.owner_field} (got {listed})")

    def _validate(self, schema, data: Any):
        if not isinstance(data, dict):
            raise InvalidInput("the body must be a JSON object", hint="send {\"field\": value, …}")
        try:
            return schema.model_validate(data)
        except ValidationError as exc:
            raise invalid_from(exc) from None

    def create(self, name: str, data: Any, principal: Principal) -> Written:
        spec = self.resource(name)
        self._check_write(spec, principal)
        model = self._validate(spec.create_schema, data)
        values = model.model_dump()
        notified: list[str] = []
        try:
            with self.db.write() as s:
                obj = spec.new(values)
                spec.apply(s, obj, values, creating=True, recorded_by=principal.name)
                self._check_owner(spec, spec.owners(obj), principal, before=False)
                s.add(obj)
                s.flush()
                record = self._dict(spec, obj, s)
                self._audit(s, principal, "create", spec.name, spec.record_id(obj), {"after": _jsonable(record)})
                if spec.touches_network:
                    notified = self._loop_in(s, spec, obj, "created", {})
                etag = etag_of(obj.version)
        except IntegrityError as exc:
            raise self._integrity(spec, exc) from None
        if notified:
            self._notify_listeners()
        return Written(record, etag, notified, created=True)

    def update(self, name: str, key: Any, data: Any, principal: Principal, if_match: str | None) -> Written:
        spec = self.resource(name)
        self._check_write(spec, principal)
        tags = parse_if_match(if_match)
        if tags is None:
            raise PreconditionRequired("a change needs If-Match with the ETag of the version you read",
                                       hint=f"GET /api/v1/{spec.name}/{key}, then send its ETag header as If-Match")
        model = self._validate(spec.patch_schema, data)
        values = model.model_dump(exclude_unset=True)
        notified: list[str] = []
        try:
            with self.db.write() as s:
                obj = self._load_visible(s, spec, key, principal, lock=True)
                self._check_owner(spec, spec.owners(obj), principal, before=True)
                current = etag_of(obj.version)
                if "*" not in tags and current not in tags:
                    raise PreconditionFailed(
                        f"this {spec.label} changed since you read it (you sent {', '.join(tags)}; it is now {current})",
                        hint="GET it again, re-apply your change to what is there now, and send the new ETag")
                before = self._dict(spec, obj, s)
                spec.apply(s, obj, values, creating=False, recorded_by=principal.name)
                self._check_owner(spec, spec.owners(obj), principal, before=False)
                after = self._dict(spec, obj, s)
                changes = _diff(before, after)
                if not changes:
                    raise _Unchanged(Written(before, current, []))
                obj.updated_at = m.utcnow()
                s.flush()
                after = self._dict(spec, obj, s)
                self._audit(s, principal, "update", spec.name, spec.record_id(obj), _jsonable(changes))
                material = [f for f in spec.material_fields if f in changes]
                if spec.touches_network and material:
                    extra = [x for x in (before.get("segments") or []) if x not in (after.get("segments") or [])]
                    notified = self._loop_in(s, spec, obj, "changed", {f: changes[f] for f in material}, extra)
                etag = etag_of(obj.version)
        except _Unchanged as nothing:
            return nothing.result
        except StaleDataError:
            raise PreconditionFailed(f"this {spec.label} was changed by someone else while you were writing",
                                     hint="GET it again and re-apply your change") from None
        except IntegrityError as exc:
            raise self._integrity(spec, exc) from None
        except OperationalError as exc:  # pragma: no cover - lock timeouts under extreme load
            raise Conflict("the database is busy; try again", hint=str(exc.orig)[:200]) from None
        if notified:
            self._notify_listeners()
        return Written(after, etag, notified)

    @staticmethod
    def _integrity(spec: Resource, exc: IntegrityError) -> RegistryError:
        text = str(exc.orig).lower()
        if "unique" in text or "duplicate" in text:
            return Conflict(f"a {spec.label} with this id already exists")
        if "foreign key" in text:
            return InvalidInput(f"this {spec.label} refers to a record that does not exist")
        if "not_a_loop" in text or "check" in text:
            return InvalidInput("a segment cannot start and end at the same node (self-loop)")
        log.error("integrity error on %s: %s", spec.name, exc)
        return Conflict(f"the {spec.label} conflicts with what is stored")

    def _audit(self, s, principal: Principal, action: str, resource: str, rid: str, changes: dict) -> None:
        s.add(m.AuditEntry(actor=principal.name[:120], role=principal.role or "public", actor_state=principal.state,
                           action=action, resource=resource, resource_id=str(rid)[:80], changes=_jsonable(changes)))

    # -- loop-in -------------------------------------------------------------------------------------

    def _loop_in(self, s, spec: Resource, obj, event: str, changes: dict, extra_segments: list[str] = ()) -> list[str]:
        touched = [*spec.segments_of(obj), *extra_segments]
        if not touched:
            return []
        graph = load_graph(s)
        members = set(s.scalars(select(m.Member.iso3).where(m.Member.active.is_(True))))
        own = spec.owners(obj)
        conns = connected_states(graph, touched, own=own, hops=self.hops, members=members)
        now = m.utcnow()
        name = spec.display(obj)
        for state, c in conns.items():
            title, message = _message(spec, obj, name, event, changes, state, c, graph)
            s.add(m.Notification(
                state=state, event=f"{spec.label}.{event}", subject_type=spec.label, subject_id=spec.record_id(obj),
                title=title, message=message, connection=c.to_dict(graph), issues=c.issues, created_at=now,
                status="pending", attempts=0, next_attempt_at=now))
        return sorted(conns)

    def connections(self, segments: list[str], own: list[str] | None = None, hops: int | None = None) -> dict:
        """Preview of a loop-in: who would be notified if a change touched ``segments``."""
        with self.db.read() as s:
            graph = load_graph(s)
            missing = [x for x in segments if x not in graph.segments]
            if missing:
                raise InvalidInput(f"no segment {', '.join(map(repr, missing[:5]))}", field="segments")
            members = set(s.scalars(select(m.Member.iso3).where(m.Member.active.is_(True))))
            conns = connected_states(graph, segments, own=set(own or []), hops=self.hops if hops is None else hops,
                                     members=members)
            return {state: {**c.to_dict(graph), "issues": c.issues} for state, c in conns.items()}

    # -- notifications -----------------------------------------------------------------------------

    def _notification_dict(self, n: m.Notification) -> dict:
        return {"id": n.id, "state": n.state, "event": n.event, "subject_type": n.subject_type,
                "subject_id": n.subject_id, "title": n.title, "message": n.message, "connection": n.connection,
                "issues": n.issues, "created_at": n.created_at, "status": n.status, "attempts": n.attempts,
                "next_attempt_at": n.next_attempt_at, "last_error": n.last_error, "delivered_at": n.delivered_at,
                "acknowledged_at": n.acknowledged_at, "acknowledged_by": n.acknowledged_by}

    def _check_notification_reader(self, principal: Principal) -> None:
        if not principal.authenticated:
            raise Unauthorized("notifications are for member states and the secretariat",
                               hint="send Authorization: Bearer <token>")

    def list_notifications(self, principal: Principal, *, state: str | None = None, status: str | None = None,
                           subject_type: str | None = None, subject_id: str | None = None,
                           limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
        self._check_notification_reader(principal)
        clauses = []
        if principal.role == "editor":
            if state and state != principal.state:
                raise Forbidden(f"an editor of {principal.state} reads only {principal.state}'s notifications")
            clauses.append(m.Notification.state == principal.state)
        elif state:
            clauses.append(m.Notification.state == state)
        if status:
            clauses.append(m.Notification.status == status)
        if subject_type:
            clauses.append(m.Notification.subject_type == subject_type)
        if subject_id:
            clauses.append(m.Notification.subject_id == subject_id)
        limit = max(1, min(int(limit), MAX_LIMIT))
        with self.db.read() as s:
            total = s.scalar(select(func.count()).select_from(m.Notification).where(*clauses))
            rows = s.scalars(select(m.Notification).where(*clauses).order_by(m.Notification.id.desc())
                             .limit(limit).offset(max(0, int(offset)))).all()
            return [self._notification_dict(n) for n in rows], int(total or 0)

    def get_notification(self, nid: int, principal: Principal) -> dict:
        self._check_notification_reader(principal)
        with self.db.read() as s:
            n = s.get(m.Notification, nid)
            if n is None:
                raise NotFound(f"no notification {nid}")
            if principal.role == "editor" and n.state != principal.state:
                raise Forbidden(f"notification {nid} is addressed to {n.state}")
            return self._notification_dict(n)

    def acknowledge(self, nid: int, principal: Principal) -> dict:
        self._check_notification_reader(principal)
        if not principal.writes:
            raise Forbidden("observers read notifications but do not acknowledge them")
        with self.db.write() as s:
            n = s.get(m.Notification, nid, with_for_update=True)
            if n is None:
                raise NotFound(f"no notification {nid}")
            if principal.role == "editor" and n.state != principal.state:
                raise Forbidden(f"notification {nid} is addressed to {n.state}; only {n.state} acknowledges it")
            if n.status != "acknowledged":
                n.status = "acknowledged"
                n.acknowledged_at = m.utcnow()
                n.acknowledged_by = principal.name[:120]
                n.lease_until = None
                self._audit(s, principal, "acknowledge", "notifications", str(nid), {"state": n.state})
            return self._notification_dict(n)

    def retry_notification(self, nid: int, principal: Principal) -> dict:
        if not principal.is_admin:
            raise (Unauthorized if not principal.authenticated else Forbidden)(
                "only the secretariat (admin) re-queues a notification")
        with self.db.write() as s:
            n = s.get(m.Notification, nid, with_for_update=True)
            if n is None:
                raise NotFound(f"no notification {nid}")
            if n.status == "dead":
                n.status, n.attempts, n.next_attempt_at, n.lease_until = "pending", 0, m.utcnow(), None
                self._audit(s, principal, "retry", "notifications", str(nid), {})
            out = self._notification_dict(n)
        self._notify_listeners()
        return out

    # -- members -----------------------------------------------------------------------------------

    @staticmethod
    def _member_dict(mb: m.Member) -> dict:
        return {"iso3": mb.iso3, "name": mb.name, "active": mb.active, "webhook_url": mb.webhook_url,
                "version": mb.version, "updated_at": mb.updated_at}

    def list_members(self, principal: Principal) -> list[dict]:
        if not principal.authenticated:
            raise Unauthorized("the member list (with webhook addresses) needs a token")
        with self.db.read() as s:
            q = select(m.Member).order_by(m.Member.iso3)
            if principal.role == "editor":
                q = q.where(m.Member.iso3 == principal.state)
            return [self._member_dict(x) for x in s.scalars(q)]

    def get_member(self, iso3: str, principal: Principal) -> tuple[dict, str]:
        if not principal.authenticated:
            raise Unauthorized("member settings need a token")
        iso3 = iso3.upper()
        if principal.role == "editor" and iso3 != principal.state:
            raise Forbidden(f"an editor of {principal.state} sees only {principal.state}'s settings")
        with self.db.read() as s:
            mb = s.get(m.Member, iso3)
            if mb is None:
                raise NotFound(f"{iso3} is not a member of the registry")
            return self._member_dict(mb), etag_of(mb.version)

    def update_member(self, iso3: str, data: Any, principal: Principal, if_match: str | None) -> tuple[dict, str]:
        import secrets as _secrets

        if not principal.authenticated:
            raise Unauthorized("member settings need a token")
        if not principal.writes:
            raise Forbidden(f"the {principal.role} role does not change member settings")
        iso3 = iso3.upper()
        if principal.role == "editor" and iso3 != principal.state:
            raise Forbidden(f"an editor of {principal.state} changes only {principal.state}'s settings")
        tags = parse_if_match(if_match)
        if tags is None:
            raise PreconditionRequired("a change needs If-Match with the ETag of the version you read")
        patch = self._validate(sc.MemberPatch, data)
        values = patch.model_dump(exclude_unset=True)
        if "active" in values and principal.role != "admin":
            raise Forbidden("only the secretariat activates or deactivates members")
        try:
            with self.db.write() as s:
                mb = s.get(m.Member, iso3, with_for_update=True)
                if mb is None:
                    raise NotFound(f"{iso3} is not a member of the registry")
                current = etag_of(mb.version)
                if "*" not in tags and current not in tags:
                    raise PreconditionFailed(f"the settings of {iso3} changed since you read them (now {current})")
                secret = None
                if "webhook_url" in values:
                    mb.webhook_url = values["webhook_url"]
                    if values["webhook_url"] and not mb.webhook_secret:
                        secret = mb.webhook_secret = _secrets.token_hex(32)
                if values.get("rotate_secret"):
                    secret = mb.webhook_secret = _secrets.token_hex(32)
                if "active" in values and values["active"] is not None:
                    mb.active = values["active"]
                mb.updated_at = m.utcnow()
                s.flush()
                self._audit(s, principal, "update", "members", iso3,
                            {k: v for k, v in values.items() if k != "rotate_secret"} | (
                                {"secret": "rotated"} if secret else {}))
                out = self._member_dict(mb) | {"webhook_secret": secret}
                return out, etag_of(mb.version)
        except StaleDataError:
            raise PreconditionFailed(f"the settings of {iso3} were changed by someone else") from None

    # -- audit, corridors, profiles ----------------------------------------------------------------

    def list_audit(self, principal: Principal, *, resource: str | None = None, resource_id: str | None = None,
                   actor: str | None = None, limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
        if not principal.authenticated:
            raise Unauthorized("the audit log needs a token")
        if not principal.reads_drafts:
            raise Forbidden("the audit log is open to the secretariat and observers")
        clauses = []
        if resource:
            clauses.append(m.AuditEntry.resource == resource)
        if resource_id:
            clauses.append(m.AuditEntry.resource_id == resource_id)
        if actor:
            clauses.append(m.AuditEntry.actor == actor)
        with self.db.read() as s:
            total = s.scalar(select(func.count()).select_from(m.AuditEntry).where(*clauses))
            rows = s.scalars(select(m.AuditEntry).where(*clauses).order_by(m.AuditEntry.id.desc())
                             .limit(max(1, min(limit, MAX_LIMIT))).offset(max(0, offset))).all()
            return [{"id": a.id, "at": a.at, "actor": a.actor, "role": a.role, "actor_state": a.actor_state,
                     "action": a.action, "resource": a.resource, "resource_id": a.resource_id,
                     "changes": a.changes} for a in rows], int(total or 0)

    def list_corridors(self) -> list[dict]:
        with self.db.read() as s:
            segs: dict[str, list[str]] = {}
            for sid, cid in s.execute(select(m.SegmentCorridor.segment_id, m.SegmentCorridor.corridor_id)
                                      .order_by(m.SegmentCorridor.segment_id)):
                segs.setdefault(cid, []).append(sid)
            states: dict[str, set[str]] = {}
            for cid, st in s.execute(select(m.SegmentCorridor.corridor_id, m.SegmentCountry.state)
                                     .join(m.SegmentCountry, m.SegmentCountry.segment_id == m.SegmentCorridor.segment_id)):
                states.setdefault(cid, set()).add(st)
            return [{"id": c.id, "name": c.name, "kind": c.kind, "description": c.description,
                     "figures": list(c.figures or []), "source_urls": list(c.source_urls or []), "segments": segs.get(c.id, []),
                     "countries": sorted(states.get(c.id, set()))}
                    for c in s.scalars(select(m.Corridor).order_by(m.Corridor.id))]

    def list_profiles(self) -> list[dict]:
        with self.db.read() as s:
            return [{"iso3": p.iso3, "name": p.name, "customs_zone": p.customs_zone, "grid_zone": p.grid_zone,
                     "rail_gauge_mm": p.rail_gauge_mm, "rail_signalling": p.rail_signalling, "notes": p.notes,
                     "source_urls": list(p.source_urls or [])}
                    for p in s.scalars(select(m.CountryProfile).order_by(m.CountryProfile.iso3))]

    def counts(self, principal: Principal = ANONYMOUS) -> dict[str, int]:
        out = {}
        for name in RESOURCES:
            out[name] = self.list(name, principal, limit=1)[1]
        return out

    def stats(self) -> dict:
        with self.db.read() as s:
            by_status = dict(s.execute(select(m.Notification.status, func.count()).group_by(m.Notification.status)).all())
            return {"notifications": by_status,
                    "audit_entries": s.scalar(select(func.count()).select_from(m.AuditEntry)) or 0}

    # -- delivery support (used by the outbox worker) ------------------------------------------------

    def due_deliveries(self, now: datetime, limit: int = 20) -> list[tuple[int, str, str, str | None]]:
        """(notification id, state, webhook URL, secret) of pending notifications due for a webhook."""
        with self.db.read() as s:
            rows = s.execute(
                select(m.Notification.id, m.Notification.state, m.Member.webhook_url, m.Member.webhook_secret)
                .join(m.Member, m.Member.iso3 == m.Notification.state)
                .where(m.Notification.status == "pending", m.Member.webhook_url.is_not(None),
                       or_(m.Notification.next_attempt_at.is_(None), m.Notification.next_attempt_at <= now),
                       or_(m.Notification.lease_until.is_(None), m.Notification.lease_until < now))
                .order_by(m.Notification.id).limit(limit)).all()
            return [tuple(r) for r in rows]

    def claim(self, nid: int, now: datetime, lease_until: datetime) -> dict | None:
        """Take a lease on one notification (atomic; ``None`` if another worker has it)."""
        with self.db.write() as s:
            res = s.execute(update(m.Notification)
                            .where(m.Notification.id == nid, m.Notification.status == "pending",
                                   or_(m.Notification.lease_until.is_(None), m.Notification.lease_until < now))
                            .values(lease_until=lease_until).execution_options(synchronize_session=False))
            if res.rowcount != 1:
                return None
            n = s.get(m.Notification, nid)
            s.refresh(n)
            return _jsonable(self._notification_dict(n))

    def record_delivery(self, nid: int, *, ok: bool, error: str | None, next_at: datetime | None, dead: bool) -> None:
        with self.db.write() as s:
            n = s.get(m.Notification, nid, with_for_update=True)
            if n is None or n.status != "pending":
                return
            n.attempts += 1
            n.lease_until = None
            if ok:
                n.status, n.delivered_at, n.last_error = "delivered", m.utcnow(), None
            else:
                n.last_error = (error or "")[:500]
                if dead:
                    n.status = "dead"
                else:
                    n.next_attempt_at = next_at


class _Unchanged(Exception):
    """A PATCH that changes nothing: roll back (no new version, no audit entry) and return the record."""

    def __init__(self, result: Written) -> None:
        self.result = result


def _message(spec, obj, name, event, changes, state, conn, graph) -> tuple[str, str]:
    from multivector import countries

    label = spec.label
    what = f"{label.capitalize()} '{name}'"
    if conn.kind == "crosses":
        title = f"{what} crosses {countries.name(state)}'s territory"
        how = f"It runs on segment {conn.path[0]}, which crosses {state}."
    elif conn.kind == "network":
        at = graph.node_name(conn.at_node) if conn.at_node else state
        title = f"{what} connects to {countries.name(state)}'s network"
        how = (f"It reaches {state} at {at}, {conn.hops} segment{'s' if conn.hops != 1 else ''} away: "
               + " → ".join(conn.path) + ".")
    else:
        title = f"{what} is on a corridor {countries.name(state)} shares"
        how = f"It lies on the {', '.join(conn.corridors)} corridor" + ("s" if len(conn.corridors) > 1 else "") + \
              (f" ({' → '.join(conn.path)})." if conn.path else ".")
    kind = getattr(obj, "type", None) or getattr(obj, "sector", None)
    owners = ", ".join(sorted(spec.owners(obj)))
    head = f"{what} ({kind}; {owners}; status {obj.status}) was {event}."
    if changes:
        head += " Changed: " + "; ".join(
            f"{k}: {_short(v['from'])} → {_short(v['to'])}" for k, v in changes.items()) + "."
    issues = ("Standards to coordinate: " + "; ".join(i["detail"] for i in conn.issues) + ".") if conn.issues else \
        "No gauge, customs, grid or signalling difference found on this connection."
    return title, f"{head} {how} {issues}"


def _short(v) -> str:
    if isinstance(v, list):
        if v and isinstance(v[0], dict):
            return f"{len(v)} item{'s' if len(v) != 1 else ''}"
        return ", ".join(map(str, v)) or "none"
    return "none" if v is None else str(v)
