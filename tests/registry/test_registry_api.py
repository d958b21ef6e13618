"""The JSON API on SQLite and PostgreSQL: bad input is refused with a clear 4xx and nothing is
stored; ETags; pagination, filters, CSV; OpenAPI; no stack traces."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from multivector.registry import models as m


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def snapshot(reg) -> dict:
    """Row counts of every table (one query): a refused request must leave all of them as they were."""
    from sqlalchemy import literal, union_all

    tables = sorted(m.Base.metadata.tables)
    q = union_all(*[select(literal(t).label("t"), func.count().label("n")).select_from(m.Base.metadata.tables[t])
                    for t in tables])
    with reg.db.read() as s:
        return dict(s.execute(q).all())


PROJECT = {"name": "Aktau–Alat ferry capacity", "type": "ferry", "countries": ["KAZ"], "segments": ["aktau-alat-ferry"]}
NODE = {"id": "test-node", "name": "Test node", "kind": "hub", "country": "KAZ", "lat": 45.0, "lon": 60.0}

BAD = [
    # (what, path, body, status, words in the message)
    ("an impossible date", "/api/v1/projects", PROJECT | {"start_date": "2024-02-30"}, 422, "February 2024 has 29 days"),
    ("a date in another format", "/api/v1/summits",
     {"title": "Summit", "date": "17/06/2025", "participants": ["KAZ"]}, 422, "YYYY-MM-DD"),
    ("an end before its start", "/api/v1/projects", PROJECT | {"start_date": "2025", "end_date": "2024-12"}, 422,
     "before start_date"),
    ("an unknown state", "/api/v1/projects", PROJECT | {"countries": ["KAZ", "XYZ"]}, 422, "unknown state 'XYZ'"),
    ("a state written as a name", "/api/v1/summits",
     {"title": "Summit", "date": "2025", "participants": ["Kazakhstan"]}, 422, "ISO3"),
    ("a self-loop", "/api/v1/network/segments",
     {"from_node": "aktau", "to_node": "aktau", "mode": "rail", "gauge_mm": 1520, "countries": ["KAZ"]}, 422, "self-loop"),
    ("a segment to a node that does not exist", "/api/v1/network/segments",
     {"from_node": "aktau", "to_node": "atlantis", "mode": "rail", "gauge_mm": 1520}, 422, "no node 'atlantis'"),
    ("a gauge on a pipeline", "/api/v1/network/segments",
     {"from_node": "aktau", "to_node": "beineu", "mode": "pipeline", "gauge_mm": 1520}, 422, "only for rail"),
    ("a commitment pointing at a missing document", "/api/v1/commitments",
     {"document_id": 99999, "text": "Build it", "sector": "transport", "responsible_states": ["KAZ"]}, 422,
     "no document 99999"),
    ("a project on a missing segment", "/api/v1/projects", PROJECT | {"segments": ["nowhere-line"]}, 422,
     "no segment 'nowhere-line'"),
    ("an unknown field", "/api/v1/projects", PROJECT | {"contries": ["KAZ"]}, 422, "unknown field"),
    ("a missing field", "/api/v1/projects", {"name": "x y"}, 422, "required"),
    ("an unknown project type", "/api/v1/projects", PROJECT | {"type": "teleport"}, 422, "type"),
    ("HTML in a name", "/api/v1/projects", PROJECT | {"name": "<script>alert('x')</script>"}, 422, "HTML markup"),
    ("HTML in a description", "/api/v1/projects", PROJECT | {"description": 'Nice <img src=x onerror="alert(1)">'},
     422, "HTML markup"),
    ("SQL in a name", "/api/v1/projects", PROJECT | {"name": "x'; DROP TABLE projects; --"}, 422, "SQL"),
    ("SQL in a node id", "/api/v1/network/nodes", NODE | {"id": "x'; drop table network_nodes;--"}, 422, "invalid identifier"),
    ("a tautology in a state code", "/api/v1/projects", PROJECT | {"countries": ["KAZ' OR '1'='1"]}, 422, "countries"),
    ("a string where a list belongs", "/api/v1/projects", PROJECT | {"countries": "KAZ"}, 422, "countries"),
    ("a duplicate node id", "/api/v1/network/nodes", NODE | {"id": "dostyk"}, 409, "already exists"),
    ("coordinates off the globe", "/api/v1/network/nodes", NODE | {"lat": 95}, 422, "lat"),
]


@pytest.mark.parametrize("what, path, body, status, words", BAD, ids=[b[0] for b in BAD])
def test_bad_input_gets_a_clear_4xx_and_nothing_is_stored(client, reg, tokens, what, path, body, status, words):
    before = snapshot(reg)
    r = client.post(path, json=body, headers=auth(tokens["admin"]))
    assert r.status_code == status, r.text
    payload = r.json()
    assert words in json.dumps(payload), payload
    assert "Traceback" not in r.text and "sqlalchemy" not in r.text.lower()
    assert snapshot(reg) == before


def test_malformed_json_and_wrong_bodies_are_400_or_422(client, reg, tokens):
    before = snapshot(reg)
    h = auth(tokens["admin"]) | {"Content-Type": "application/json"}
    r = client.post("/api/v1/projects", content=b'{"name": "x", ', headers=h)
    assert r.status_code == 400 and r.json()["error"] == "malformed_json"
    r = client.post("/api/v1/projects", content=b"[1, 2, 3]", headers=h)
    assert r.status_code == 422
    r = client.post("/api/v1/projects", content="\udcff".encode("utf-8", "surrogatepass"), headers=h)
    assert r.status_code in (400, 422)
    assert snapshot(reg) == before


def test_oversized_payloads_are_refused_before_they_are_read(client, reg, tokens):
    before = snapshot(reg)
    big = PROJECT | {"description": "x" * 1_100_000}
    r = client.post("/api/v1/projects", json=big, headers=auth(tokens["admin"]))
    assert r.status_code == 413 and "larger than" in r.json()["message"]
    many = PROJECT | {"segments": ["aktau-alat-ferry"] * 300}  # small body, too many items
    r = client.post("/api/v1/projects", json=many, headers=auth(tokens["admin"]))
    assert r.status_code == 422
    long_text = PROJECT | {"description": "y" * 20_001}
    assert client.post("/api/v1/projects", json=long_text, headers=auth(tokens["admin"])).status_code == 422
    assert snapshot(reg) == before


def test_injection_in_query_parameters_and_paths_is_refused_and_harmless(client, reg):
    before = snapshot(reg)
    for url in ("/api/v1/projects?state=KAZ'%20OR%20'1'='1", "/api/v1/projects?status=planned;DROP%20TABLE%20projects",
                "/api/v1/projects/1%3B%20DROP%20TABLE%20projects", "/api/v1/network/nodes/x'--",
                "/api/v1/summits?date_from=2020'--"):
        r = client.get(url)
        assert r.status_code in (404, 422), (url, r.status_code)
    r = client.get("/api/v1/projects", params={"q": "x' OR 1=1; --"})
    assert r.status_code == 200 and r.json()["total"] == 0
    assert client.get("/api/v1/projects", params={"q": "%"}).json()["total"] == 0  # a literal, not a wildcard
    assert snapshot(reg) == before


def test_stored_text_is_escaped_in_pages(client, reg, tokens):
    # plain text with characters HTML cares about is allowed, and shown escaped
    body = PROJECT | {"name": "Ports & \"corridors\" > 5 Mt", "published": True}
    r = client.post("/api/v1/projects", json=body, headers=auth(tokens["admin"]))
    assert r.status_code == 201
    page = client.get(f"/registry/projects/{r.json()['id']}").text
    assert "Ports &amp; &#34;corridors&#34; &gt; 5 Mt" in page


def test_project_creation_returns_notified_states_etag_and_location(client, tokens):
    body = {"name": "China–Kyrgyzstan–Uzbekistan second track", "type": "rail", "countries": ["CHN", "KGZ", "UZB"],
            "segments": ["kashgar-torugart", "torugart-makmal", "makmal-jalal-abad", "jalal-abad-andijan"],
            "financing": [{"lender": "China Development Bank", "amount": 1.5e9, "currency": "USD", "year": 2025}]}
    r = client.post("/api/v1/projects", json=body, headers=auth(tokens["admin"]))
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["notified"] == ["KAZ", "TKM"]
    assert r.headers["etag"] == '"v1"' and r.headers["location"] == f"/api/v1/projects/{out['id']}"
    assert out["financing"][0]["amount"] == 1.5e9


def test_etag_if_match_412_428_and_if_none_match_304(client, tokens):
    h = auth(tokens["admin"])
    pid = client.post("/api/v1/projects", json=PROJECT, headers=h).json()["id"]
    r = client.get(f"/api/v1/projects/{pid}", headers=h)
    etag = r.headers["etag"]
    assert client.get(f"/api/v1/projects/{pid}", headers=h | {"If-None-Match": etag}).status_code == 304
    assert client.patch(f"/api/v1/projects/{pid}", json={"status": "agreed"}, headers=h).status_code == 428
    r1 = client.patch(f"/api/v1/projects/{pid}", json={"status": "agreed"}, headers=h | {"If-Match": etag})
    assert r1.status_code == 200 and r1.headers["etag"] != etag and r1.json()["notified"]
    r2 = client.patch(f"/api/v1/projects/{pid}", json={"status": "cancelled"}, headers=h | {"If-Match": etag})
    assert r2.status_code == 412 and r2.json()["error"] == "precondition_failed"
    assert client.get(f"/api/v1/projects/{pid}", headers=h).json()["status"] == "agreed"


def test_lists_page_filter_and_export_csv(client, reg):
    r = client.get("/api/v1/projects", params={"limit": 5, "offset": 10})
    page = r.json()
    assert r.status_code == 200 and len(page["items"]) == 5 and page["offset"] == 10 and page["total"] > 300
    assert client.get("/api/v1/projects", params={"limit": 501}).status_code == 422
    assert client.get("/api/v1/projects", params={"offset": -1}).status_code == 422
    kaz = client.get("/api/v1/projects", params={"state": "kaz", "limit": 500}).json()
    assert kaz["total"] > 50 and all("KAZ" in p["countries"] for p in kaz["items"])
    rail = client.get("/api/v1/network/segments", params={"mode": "rail", "gauge_mm": 1435, "limit": 500}).json()
    assert rail["items"] and all(s["gauge_mm"] == 1435 for s in rail["items"])
    middle = client.get("/api/v1/projects", params={"corridor": "middle"}).json()
    assert any(p["name"] == "Baku–Tbilisi–Kars railway" for p in middle["items"])
    summits = client.get("/api/v1/summits", params={"format_id": "china-central-asia", "date_from": "2023"}).json()
    assert [s["date"] for s in summits["items"]] == ["2025-06-17", "2023-05-18"]
    r = client.get("/api/v1/network/segments", params={"format": "csv", "corridor": "middle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and all("middle" in row["corridors"].split(";") for row in rows)
    assert {"id", "from_node", "to_node", "countries", "gauge_mm"} <= set(rows[0])


def test_each_segment_lists_its_countries(client):
    seg = client.get("/api/v1/network/segments/boyuk-kesik-tbilisi").json()
    assert seg["countries"] == ["AZE", "GEO"] and seg["great_circle_km"] > 0
    assert client.get("/api/v1/network/segments/kapikule-budapest").json()["countries"] == ["BGR", "HUN", "SRB", "TUR"]


def test_openapi_is_published_and_names_every_resource(client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for p in ("/api/v1/summits", "/api/v1/documents", "/api/v1/commitments", "/api/v1/projects",
              "/api/v1/notifications", "/api/v1/network/nodes", "/api/v1/network/segments"):
        assert p in paths and "get" in paths[p]
    assert "If-Match" in json.dumps(paths["/api/v1/projects/{key}"]["patch"]) or \
           "if-match" in json.dumps(paths["/api/v1/projects/{key}"]["patch"])
    assert "notified" in spec["components"]["schemas"]["ProjectWritten"]["properties"]
    assert client.get("/api").status_code == 200


def test_unexpected_failures_answer_500_without_a_stack_trace(reg):
    from fastapi.testclient import TestClient

    from multivector.web import create_app

    app = create_app(registry=reg, deliver=False)

    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/v1/boom")
        assert r.status_code == 500 and "reference" in r.json()["message"]
        assert "secret internal detail" not in r.text and "Traceback" not in r.text
        r = c.get("/registry/projects/999999")
        assert r.status_code == 404 and "no project 999999" in r.text
