"""The role matrix: every role × every endpoint × a record of the editor's own state and of
another state, on SQLite and PostgreSQL.

Roles: the anonymous public, an observer, an editor of Kazakhstan (the records' own state), an
editor of Uzbekistan (another state), the secretariat (admin).
"""

from __future__ import annotations

import pytest

ROLES = ("anonymous", "observer", "editor_own", "editor_other", "admin")
TOKEN_OF = {"observer": "observer", "editor_own": "editor_kaz", "editor_other": "editor_uzb", "admin": "admin"}
WRITERS = {"editor_own", "admin"}
DRAFT_READERS = {"observer", "editor_own", "admin"}


def headers(tokens, role, extra=None):
    h = {} if role == "anonymous" else {"Authorization": f"Bearer {tokens[TOKEN_OF[role]]}"}
    return h | (extra or {})


def bodies(role: str, document_id: int) -> dict[str, dict]:
    """A new record of each kind that belongs to Kazakhstan (unique per role)."""
    tag = role.replace("_", "-")
    return {
        "formats": {"id": f"test-format-{tag}", "name": "Role test format", "members": ["KAZ"]},
        "summits": {"title": "Role test summit", "date": "2025-06", "participants": ["KAZ"]},
        "documents": {"title": "Role test memorandum", "kind": "memorandum", "parties": ["KAZ"]},
        "commitments": {"document_id": document_id, "text": "Role test commitment", "sector": "transport",
                        "responsible_states": ["KAZ"]},
        "projects": {"name": "Role test project", "type": "road", "countries": ["KAZ"], "segments": []},
        "network/nodes": {"id": f"test-node-{tag}", "name": "Role test node", "kind": "hub", "country": "KAZ",
                          "lat": 45.1, "lon": 66.2},
        "network/segments": {"id": f"test-seg-{tag}", "name": "Role test segment", "from_node": "almaty",
                             "to_node": "shymkent", "mode": "road"},
    }


@pytest.fixture(scope="module")
def fixtures(client, tokens):
    """Published and draft records of Kazakhstan, and a notification addressed to Kazakhstan."""
    admin = headers(tokens, "admin")
    doc = client.post("/api/v1/documents", json={"title": "Role matrix document", "kind": "agreement",
                                                 "parties": ["KAZ"], "published": True}, headers=admin).json()
    made = {}
    for name, body in bodies("fixture", doc["id"]).items():
        pub = client.post(f"/api/v1/{name}", json=body | {"published": True}, headers=admin)
        assert pub.status_code == 201, pub.text
        draft_body = body | {"published": False}
        if "id" in body:
            draft_body["id"] = body["id"] + "-draft"
        draft = client.post(f"/api/v1/{name}", json=draft_body, headers=admin)
        assert draft.status_code == 201, draft.text
        made[name] = (pub.json()["id"], draft.json()["id"])
    # a project that loops Kazakhstan in, to have notifications for KAZ
    cku = client.post("/api/v1/projects", json={
        "name": "Role matrix railway", "type": "rail", "countries": ["CHN", "KGZ", "UZB"],
        "segments": ["kashgar-torugart", "torugart-makmal", "makmal-jalal-abad", "jalal-abad-andijan"]}, headers=admin)
    assert "KAZ" in cku.json()["notified"]
    notes = client.get("/api/v1/notifications", params={"state": "KAZ", "subject_id": str(cku.json()["id"])},
                       headers=admin).json()["items"]
    return {"records": made, "document_id": doc["id"], "kaz_note": notes[0]["id"]}


RESOURCES = ("formats", "summits", "documents", "commitments", "projects", "network/nodes", "network/segments")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", RESOURCES)
def test_reading_records(client, tokens, fixtures, role, name):
    pub, draft = fixtures["records"][name]
    h = headers(tokens, role)
    assert client.get(f"/api/v1/{name}/{pub}", headers=h).status_code == 200
    expected = 200 if role in DRAFT_READERS or (name == "formats" and role == "editor_own") else 404
    assert client.get(f"/api/v1/{name}/{draft}", headers=h).status_code == expected
    listed = client.get(f"/api/v1/{name}", params={"limit": 500, "q": "role test"}, headers=h)
    assert listed.status_code == 200
    ids = {r["id"] for r in listed.json()["items"]}
    assert pub in ids
    assert (draft in ids) == (expected == 200)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", RESOURCES)
def test_creating_records_of_the_editors_own_state(client, tokens, fixtures, role, name):
    body = bodies(role, fixtures["document_id"])[name]
    r = client.post(f"/api/v1/{name}", json=body, headers=headers(tokens, role))
    if role == "anonymous":
        expected = 401
    elif name == "formats":
        expected = 201 if role == "admin" else 403
    else:
        expected = 201 if role in WRITERS else 403
    assert r.status_code == expected, r.text


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", RESOURCES)
def test_changing_a_record_of_kazakhstan(client, tokens, fixtures, role, name):
    pub, _ = fixtures["records"][name]
    etag = client.get(f"/api/v1/{name}/{pub}", headers=headers(tokens, "admin")).headers["etag"]
    r = client.patch(f"/api/v1/{name}/{pub}", json={"source_urls": [f"https://example.org/{role}"]},
                     headers=headers(tokens, role, {"If-Match": etag}))
    if role == "anonymous":
        expected = 401
    elif name == "formats":
        expected = 200 if role == "admin" else 403
    else:
        expected = 200 if role in WRITERS else 403
    assert r.status_code == expected, r.text


@pytest.mark.parametrize("role", ROLES)
def test_notifications(client, tokens, fixtures, role):
    h = headers(tokens, role)
    nid = fixtures["kaz_note"]
    listed = client.get("/api/v1/notifications", headers=h)
    one = client.get(f"/api/v1/notifications/{nid}", headers=h)
    other_state = client.get("/api/v1/notifications", params={"state": "TKM"}, headers=h)
    ack = client.post(f"/api/v1/notifications/{nid}/ack", headers=h)
    retry = client.post(f"/api/v1/notifications/{nid}/retry", headers=h)
    if role == "anonymous":
        assert {listed.status_code, one.status_code, ack.status_code, retry.status_code} == {401}
        return
    assert listed.status_code == 200
    states = {n["state"] for n in listed.json()["items"]}
    if role == "editor_own":
        assert states == {"KAZ"}
        assert other_state.status_code == 403
    elif role == "editor_other":
        assert states <= {"UZB"}
        assert other_state.status_code == 403
    else:
        assert len(states) > 1 and other_state.status_code == 200
    assert one.status_code == (403 if role == "editor_other" else 200)
    assert ack.status_code == (200 if role in WRITERS else 403)
    assert retry.status_code == (200 if role == "admin" else 403)


@pytest.mark.parametrize("role", ROLES)
def test_members_and_webhook_settings(client, tokens, role):
    h = headers(tokens, role)
    listed = client.get("/api/v1/members", headers=h)
    own = client.get("/api/v1/members/KAZ", headers=h)
    if role == "anonymous":
        assert listed.status_code == own.status_code == 401
        assert client.patch("/api/v1/members/KAZ", json={}, headers=h | {"If-Match": "*"}).status_code == 401
        return
    assert listed.status_code == 200
    if role.startswith("editor"):
        assert len(listed.json()) == 1
    assert own.status_code == (403 if role == "editor_other" else 200)
    etag = client.get("/api/v1/members/KAZ", headers=headers(tokens, "admin")).headers["etag"]
    r = client.patch("/api/v1/members/KAZ", json={"webhook_url": f"http://127.0.0.1:9/{role}"},
                     headers=h | {"If-Match": etag})
    assert r.status_code == (200 if role in WRITERS else 403), r.text
    if r.status_code == 200:
        assert r.json()["webhook_url"].endswith(role)
    deactivate = client.patch("/api/v1/members/KAZ", json={"active": True}, headers=h | {"If-Match": "*"})
    assert deactivate.status_code == (200 if role == "admin" else 403)


@pytest.mark.parametrize("role", ROLES)
def test_audit_export_and_meta(client, tokens, role):
    h = headers(tokens, role)
    audit = client.get("/api/v1/audit", headers=h)
    assert audit.status_code == {"anonymous": 401, "observer": 200, "admin": 200}.get(role, 403)
    export = client.get("/api/v1/export", headers=h)
    assert export.status_code == 200
    doc = export.json()
    drafts = [p for p in doc["projects"] if not p["published"]]
    if role in DRAFT_READERS:
        assert any("KAZ" in p["countries"] for p in drafts)
    else:  # the public sees no draft; another state's editor only its own state's drafts
        own = {"editor_other": "UZB"}.get(role)
        assert all(own in p["countries"] for p in drafts)
    full = client.get("/api/v1/export", params={"full": "true"}, headers=h)
    assert full.status_code == {"anonymous": 401, "admin": 200}.get(role, 403)
    me = client.get("/api/v1/me", headers=h).json()
    assert me["role"] == (None if role == "anonymous" else TOKEN_OF[role].split("_")[0])
    for path in ("/api/v1/health", "/api/v1/network/corridors", "/api/v1/network/profiles",
                 "/api/v1/network/connections?segments=aktau-alat-ferry&own=KAZ"):
        assert client.get(path, headers=h).status_code == 200


def test_a_bad_token_is_refused_not_ignored(client):
    for h in ({"Authorization": "Bearer mvr_not-a-real-token-aaaaaaaaaaaaaaaaaaaaaaaaaa"},
              {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}):
        r = client.get("/api/v1/projects", headers=h)
        assert r.status_code == 401 and r.headers.get("www-authenticate") == "Bearer"
