"""Backup and restore round trips: ``registry export --full`` / ``registry import`` (SQLite and
PostgreSQL), and the native backups (SQLite's backup API, pg_dump/pg_restore). Merging and
refusing a bad file are the same code on both systems: they run on SQLite."""

from __future__ import annotations

import json
import shutil

import pytest

from multivector.registry import Registry
from multivector.registry.auth import SYSTEM
from multivector.registry.transfer import export_document, import_document

CKU = ["kashgar-torugart", "torugart-makmal", "makmal-jalal-abad", "jalal-abad-andijan"]


def with_history(url: str) -> Registry:
    """A registry with activity: tokens, an edited project, notifications (one acknowledged), a webhook."""
    reg = Registry(url)
    reg.ensure_ready()
    admin = reg.authenticate(reg.issue_token("admin", name="backup test"))
    kaz = reg.authenticate(reg.issue_token("editor", state="KAZ", name="KAZ ministry"))
    out = reg.create("projects", {"name": "Backup railway", "type": "rail", "countries": ["CHN", "KGZ", "UZB"],
                                  "segments": CKU, "financing": [{"lender": "Bank", "amount": 5e8, "currency": "USD"}]},
                     admin)
    reg.update("projects", out.record["id"], {"status": "agreed"}, admin, out.etag)
    note = reg.list_notifications(kaz, limit=1)[0][0]
    reg.acknowledge(note["id"], kaz)
    c, etag = reg.get("commitments", 10, admin)
    reg.update("commitments", 10, {"status": "delayed", "evidence": {"date": "2026-02", "status": "delayed"}},
               admin, etag)
    reg.update_member("KAZ", {"webhook_url": "https://example.org/hook"}, admin, "*")
    return reg


def comparable(doc: dict) -> dict:
    d = json.loads(json.dumps(doc))
    d.pop("exported_at", None)
    # the restored registry has one more audit entry: the restore itself
    d["audit_log"] = [a for a in d["audit_log"] if a["action"] not in ("import",)]
    return d


def test_full_export_then_import_restores_everything(backend):
    src = with_history(backend.seeded())
    doc = export_document(src, SYSTEM, full=True)
    assert doc["tokens"] and doc["notifications"] and doc["audit_log"]
    dst = Registry(backend.empty())
    report = import_document(dst, json.loads(json.dumps(doc)))
    assert report.mode == "restore"
    again = export_document(dst, SYSTEM, full=True)
    assert comparable(again) == comparable(doc)
    # the restored registry works: tokens still authenticate, sequences continue after the restored ids
    dst.ensure_ready()
    admin = dst.authenticate(dst.issue_token("admin"))
    new = dst.create("projects", {"name": "After restore", "type": "road", "countries": ["KAZ"], "segments": []}, admin)
    assert new.record["id"] > max(p["id"] for p in doc["projects"])
    src.close()
    dst.close()


def test_importing_into_a_registry_with_data_merges_by_id(sqlite_url):
    reg = Registry(sqlite_url)
    doc = export_document(reg, SYSTEM)
    doc["projects"][0]["name"] = "Renamed by an import"
    doc["projects"].append(doc["projects"][1] | {"id": 900_001, "name": "Added by an import"})
    report = import_document(reg, doc)
    assert report.mode == "merge" and report.added["projects"] == 1 and report.updated["projects"] == 1
    assert reg.get("projects", doc["projects"][0]["id"], SYSTEM)[0]["name"] == "Renamed by an import"
    assert reg.get("projects", 900_001, SYSTEM)[0]["version"] == 1
    reg.close()


def test_a_bad_file_is_refused_whole(sqlite_url):
    reg = Registry(sqlite_url)
    from multivector.registry.errors import InvalidInput
    from multivector.registry.transfer import read_document

    before = export_document(reg, SYSTEM)
    doc = json.loads(json.dumps(before))
    doc["projects"].append(doc["projects"][0] | {"id": 900_002, "name": "Fine"})
    doc["projects"].append(doc["projects"][0] | {"id": 900_003, "countries": ["ATLANTIS"]})
    with pytest.raises(InvalidInput, match=r"projects\[\d+\] \(id 900003\).*unknown state"):
        import_document(reg, doc)
    from multivector.registry.errors import NotFound

    with pytest.raises(NotFound):
        reg.get("projects", 900_002, SYSTEM)  # the good record before the bad one was not kept
    with pytest.raises(InvalidInput, match="not valid JSON"):
        read_document(b'{"format": ', source="x.json")
    with pytest.raises(InvalidInput, match="not a multivector registry export"):
        read_document(b"{}", source="x.json")
    reg.close()


def test_native_backup_and_restore_with_the_cli(backend, tmp_path):

    url = backend.seeded()
    src = with_history(url)
    before = export_document(src, SYSTEM, full=True)
    src.close()
    if backend.name == "postgresql" and not (shutil.which("pg_dump") or list(__import__("pathlib").Path(
            "/usr/lib/postgresql").glob("*/bin/pg_dump"))):
        pytest.skip("pg_dump is not installed")
    bak = tmp_path / "registry.bak"
    _run(["registry", "backup", str(bak), "--db", url])
    target = backend.empty()
    _run(["registry", "restore", str(bak), "--db", target])
    restored = Registry(target)
    after = export_document(restored, SYSTEM, full=True)
    restored.close()
    before.pop("exported_at"), after.pop("exported_at")
    assert after == before


def _run(argv: list[str]) -> None:
    from multivector.cli import main

    try:
        main(argv)
    except SystemExit as exc:
        assert exc.code in (0, None), f"multivector {' '.join(argv)} exited with {exc.code}"
