"""The registry's Python API on SQLite and PostgreSQL: versions, loop-in in the same transaction,
the audit log, tokens."""

from __future__ import annotations

import hashlib
import threading

import pytest
from sqlalchemy import func, select, text

from multivector.registry import models as m
from multivector.registry.errors import Forbidden, InvalidInput, PreconditionFailed, PreconditionRequired, Unauthorized

CKU = ["kashgar-torugart", "torugart-makmal", "makmal-jalal-abad", "jalal-abad-andijan"]


def count(reg, model) -> int:
    with reg.db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def new_project(reg, who, **extra):
    data = {"name": "Test railway", "type": "rail", "countries": ["KGZ", "UZB", "CHN"], "segments": CKU} | extra
    return reg.create("projects", data, who)


def test_create_stores_the_record_its_audit_entry_and_its_notifications_together(reg, tokens):
    admin = reg.authenticate(tokens["admin"])
    before = (count(reg, m.Notification), count(reg, m.AuditEntry))
    out = new_project(reg, admin)
    assert out.etag == '"v1"' and out.record["version"] == 1
    assert out.notified == ["KAZ", "TKM"]
    with reg.db.read() as s:
        notes = s.scalars(select(m.Notification).where(m.Notification.subject_id == str(out.record["id"]))).all()
        assert sorted(n.state for n in notes) == ["KAZ", "TKM"]
        assert all(n.status == "pending" and n.event == "project.created" for n in notes)
        assert any("Makmal" in i["detail"] for n in notes for i in n.issues)
        entry = s.scalars(select(m.AuditEntry).order_by(m.AuditEntry.id.desc())).first()
        assert (entry.action, entry.resource, entry.resource_id, entry.actor) == (
            "create", "projects", str(out.record["id"]), "secretariat")
    assert count(reg, m.Notification) == before[0] + 2
    assert count(reg, m.AuditEntry) == before[1] + 1


def test_a_refused_change_leaves_nothing_behind(reg, tokens):
    admin = reg.authenticate(tokens["admin"])
    before = {t: count(reg, t) for t in (m.Project, m.Notification, m.AuditEntry, m.ProjectCountry)}
    with pytest.raises(InvalidInput, match="no segment 'nowhere-rail'"):
        new_project(reg, admin, segments=[*CKU, "nowhere-rail"])
    with pytest.raises(InvalidInput, match="no commitment"):
        new_project(reg, admin, commitment_id=999_999)
    assert {t: count(reg, t) for t in before} == before


def test_patch_needs_if_match_and_a_stale_etag_is_refused(reg, tokens):
    admin = reg.authenticate(tokens["admin"])
    pid = new_project(reg, admin).record["id"]
    with pytest.raises(PreconditionRequired):
        reg.update("projects", pid, {"status": "agreed"}, admin, None)
    first = reg.update("projects", pid, {"status": "agreed"}, admin, '"v1"')
    assert first.etag == '"v2"' and first.notified == ["KAZ", "TKM"]
    with pytest.raises(PreconditionFailed, match='now "v2"'):
        reg.update("projects", pid, {"status": "under_construction"}, admin, '"v1"')
    assert reg.get("projects", pid, admin)[0]["status"] == "agreed"


def test_concurrent_writers_with_the_same_etag_one_wins_the_rest_get_412(reg, tokens):
    admin = reg.authenticate(tokens["admin"])
    pid = new_project(reg, admin).record["id"]
    results: list[str] = []
    barrier = threading.Barrier(8)

    def writer(i):
        barrier.wait()
        try:
            reg.update("projects", pid, {"description": f"writer {i}"}, admin, '"v1"')
            results.append("ok")
        except PreconditionFailed:
            results.append("412")

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["412"] * 7 + ["ok"]
    record, etag = reg.get("projects", pid, admin)
    assert etag == '"v2"' and record["description"].startswith("writer ")


def test_a_patch_that_changes_nothing_keeps_the_version_and_writes_no_audit(reg, tokens):
    admin = reg.authenticate(tokens["admin"])
    out = new_project(reg, admin)
    audits = count(reg, m.AuditEntry)
    same = reg.update("projects", out.record["id"], {"status": "planned", "name": "Test railway"}, admin, out.etag)
    assert same.etag == out.etag and same.notified == []
    assert count(reg, m.AuditEntry) == audits


def test_prose_edits_do_not_notify_but_material_changes_do(reg, tokens):
    admin = reg.authenticate(tokens["admin"])
    out = new_project(reg, admin)
    notes = count(reg, m.Notification)
    w = reg.update("projects", out.record["id"], {"description": "new words"}, admin, out.etag)
    assert w.notified == [] and count(reg, m.Notification) == notes
    w = reg.update("projects", out.record["id"], {"segments": ["jalal-abad-andijan"]}, admin, w.etag)
    assert w.notified  # Kazakhstan still connects; the states of the dropped segments are told too


def test_commitment_status_changes_need_dated_evidence_and_keep_their_history(reg, tokens):
    kaz = reg.authenticate(tokens["editor_kaz"])
    c, etag = reg.get("commitments", 10, kaz)  # Aktau port capacity (KAZ)
    assert c["responsible_states"] == ["KAZ"]
    with pytest.raises(InvalidInput, match="needs dated evidence"):
        reg.update("commitments", 10, {"status": "delivered"}, kaz, etag)
    with pytest.raises(InvalidInput, match="evidence says"):
        reg.update("commitments", 10, {"status": "delivered", "evidence": {"date": "2026-01-15", "status": "delayed"}},
                   kaz, etag)
    w = reg.update("commitments", 10, {"status": "delayed", "evidence": {
        "date": "2026-01-15", "status": "delayed", "note": "capacity not reached", "source_url": "https://example.org/a"}},
        kaz, etag)
    assert [e["status"] for e in w.record["evidence"]][-1] == "delayed"
    assert len(w.record["evidence"]) == len(c["evidence"]) + 1
    assert w.record["evidence"][-1]["recorded_by"] == "Kazakh MFA"


def test_editors_write_only_their_own_states_records(reg, tokens):
    kaz = reg.authenticate(tokens["editor_kaz"])
    uzb = reg.authenticate(tokens["editor_uzb"])
    with pytest.raises(Forbidden, match="list KAZ in countries"):
        reg.create("projects", {"name": "Uzbek road", "type": "road", "countries": ["UZB"], "segments": []}, kaz)
    out = reg.create("projects", {"name": "Joint road", "type": "road", "countries": ["KAZ", "UZB"], "segments": []}, kaz)
    with pytest.raises(Forbidden, match="list UZB"):  # UZB may not push itself out and KAZ in
        reg.update("projects", out.record["id"], {"countries": ["KAZ"]}, uzb, out.etag)
    w = reg.update("projects", out.record["id"], {"name": "Joint road (UZB edit)"}, uzb, out.etag)
    assert w.etag == '"v2"'
    observer = reg.authenticate(tokens["observer"])
    with pytest.raises(Forbidden, match="observer"):
        reg.update("projects", out.record["id"], {"name": "x y"}, observer, w.etag)
    with pytest.raises(Unauthorized):
        reg.update("projects", out.record["id"], {"name": "x y"}, reg.authenticate(None), w.etag)


def test_drafts_are_invisible_to_the_public_and_to_other_states(reg, tokens):
    kaz = reg.authenticate(tokens["editor_kaz"])
    out = reg.create("projects", {"name": "Draft line", "type": "rail", "countries": ["KAZ"], "segments": []}, kaz)
    pid = out.record["id"]
    from multivector.registry.errors import NotFound

    for who in (reg.authenticate(None), reg.authenticate(tokens["editor_uzb"])):
        with pytest.raises(NotFound):
            reg.get("projects", pid, who)
        assert pid not in [p["id"] for p in reg.list("projects", who, filters={"state": "KAZ"}, limit=500)[0]]
    assert reg.get("projects", pid, reg.authenticate(tokens["observer"]))[0]["published"] is False
    reg.update("projects", pid, {"published": True}, kaz, out.etag)
    assert reg.get("projects", pid, reg.authenticate(None))[0]["name"] == "Draft line"


def test_the_audit_log_refuses_update_and_delete_in_the_database_itself(reg, tokens):
    from sqlalchemy.exc import DBAPIError

    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            with reg.db.write() as s:
                s.execute(text(statement))
    assert count(reg, m.AuditEntry) > 0


def test_tokens_are_stored_only_as_sha256_digests_and_revocation_works(reg):
    token = reg.issue_token("editor", state="TKM", name="Turkmen MFA")
    with reg.db.read() as s:
        rows = s.scalars(select(m.ApiToken)).all()
        assert all(token not in (r.digest, r.name) for r in rows)
        row = next(r for r in rows if r.name == "Turkmen MFA")
        assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert reg.authenticate(token).state == "TKM"
    reg.revoke_token(row.id)
    with pytest.raises(Unauthorized, match="revoked"):
        reg.authenticate(token)
    with pytest.raises(Unauthorized):
        reg.authenticate("mvr_" + "x" * 43)
    with pytest.raises(InvalidInput, match="unknown role"):
        reg.issue_token("root")


def test_pages_of_a_list_cover_every_record_once(reg):
    seen, offset = [], 0
    while True:
        items, total = reg.list("projects", limit=37, offset=offset)
        if not items:
            break
        seen += [p["id"] for p in items]
        offset += 37
    assert len(seen) == total == len(set(seen))
