"""The web app's pages as a client sees them: the home page links every section, pages use only
local assets, and signing in, editing a project and updating a commitment work end to end."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def app(web_reg):
    from multivector.web import create_app

    return create_app(registry=web_reg, deliver=False)


@pytest.fixture
def web(app, web_reg):
    """A fresh client (no cookie) on the module's app and registry."""
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c, web_reg, app


def sign_in(client, token):
    r = client.post("/login", data={"token": token, "next": "/registry"}, follow_redirects=False)
    assert r.status_code == 303 and "mv_token" in r.headers["set-cookie"]
    assert "httponly" in r.headers["set-cookie"].lower() and "samesite=strict" in r.headers["set-cookie"].lower()


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def test_home_links_every_section_and_every_link_works(web):
    client, _, app = web
    home = client.get("/").text
    for section in app.state.sections:
        assert f'href="{section.path}"' in home
        assert client.get(section.path).status_code == 200
    assert {s.key for s in app.state.sections} >= {"registry", "api"}


@pytest.mark.parametrize("path", ["/", "/registry", "/registry/summits", "/registry/documents", "/registry/commitments",
                                  "/registry/projects", "/registry/formats", "/registry/network", "/registry/projects/6",
                                  "/registry/commitments/1", "/registry/summits/20", "/registry/documents/40",
                                  "/registry/network/nodes/khorgos-cn", "/registry/network/segments/aktau-alat-ferry",
                                  "/api", "/login"])
def test_pages_render_with_local_assets_only(web, path):
    client, _, _ = web
    r = client.get(path)
    assert r.status_code == 200, r.text[:300]
    assert "content-security-policy" in r.headers and "script-src 'self'" in r.headers["content-security-policy"]
    external = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?://[^"]+)"', r.text)
    assert external == []
    assert "<title>" in r.text and "/static/style.css" in r.text


def test_filters_and_pagination_in_pages(web):
    client, _, _ = web
    r = client.get("/registry/projects", params={"state": "KAZ", "type": "rail"})
    assert r.status_code == 200 and "Zhezkazgan–Beineu railway" in r.text and "AidData" not in r.text
    r = client.get("/registry/projects", params={"state": "Atlantis"})
    assert r.status_code == 422 and "unknown state" in r.text
    assert "next →" in client.get("/registry/projects").text


def test_sign_in_edit_a_project_and_a_stale_form_is_caught(web):
    client, reg, _ = web
    token = reg.issue_token("editor", state="KAZ", name="KAZ ministry")
    assert client.get("/registry/projects/2/edit").status_code == 401
    sign_in(client, token)
    form = client.get("/registry/projects/2/edit").text
    assert 'name="version" value="1"' in form
    data = {"csrf": csrf(form), "version": "1", "name": "Zhezkazgan–Beineu railway (electrified)", "type": "rail",
            "status": "operational", "countries": "KAZ", "segments": "zhezkazgan-beineu", "start_date": "2012-06",
            "end_date": "2014-08-22", "description": "Edited in the browser test.", "source_urls": "https://uic.org/x",
            "published": "on"}
    r = client.post("/registry/projects/2/edit", data=data, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "Zhezkazgan–Beineu railway (electrified)" in page and "Saved." in page
    stale = client.post("/registry/projects/2/edit", data=data | {"name": "Lost update"}, follow_redirects=False)
    assert stale.status_code == 200 and 'data-problem="412"' in stale.text and "changed since you read it" in stale.text
    assert reg.get("projects", 2)[0]["name"] == "Zhezkazgan–Beineu railway (electrified)"
    bad = client.post("/registry/projects/2/edit", data=data | {"version": "2", "start_date": "2012-13"})
    assert 'data-problem="422"' in bad.text and "no month 13" in bad.text
    forged = client.post("/registry/projects/2/edit", data=data | {"csrf": "0" * 32, "version": "2"})
    assert forged.status_code == 403
    other = client.get("/registry/projects/4/edit")  # Baku–Tbilisi–Kars: not Kazakhstan's
    assert other.status_code == 403


def test_create_a_project_from_the_form_and_see_who_was_notified(web):
    client, reg, _ = web
    sign_in(client, reg.issue_token("editor", state="UZB", name="UZB ministry"))
    form = client.get("/registry/projects/new").text
    r = client.post("/registry/projects/new", data={
        "csrf": csrf(form), "name": "Andijan–Tashkent electrification", "type": "rail", "status": "planned",
        "countries": "UZB", "segments": ["andijan-tashkent"], "published": "on"}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "Project created." in page and "Notified: KAZ" in page


def test_update_a_commitment_with_evidence_and_acknowledge_a_notification(web):
    client, reg, _ = web
    sign_in(client, reg.issue_token("editor", state="KAZ", name="KAZ ministry"))
    form = client.get("/registry/commitments/10/edit").text
    r = client.post("/registry/commitments/10/edit", data={
        "csrf": csrf(form), "version": "1", "status": "delayed", "evidence_date": "2026-03-01",
        "evidence_note": "Capacity target missed", "evidence_url": "https://example.org/aktau", "published": "on"},
        follow_redirects=False)
    assert r.status_code == 303
    page = client.get("/registry/commitments/10").text
    assert "Capacity target missed" in page and "delayed" in page
    # the change loops in Azerbaijan (the ferry's other end): sign in as Azerbaijan and acknowledge
    client.cookies.clear()
    sign_in(client, reg.issue_token("editor", state="AZE", name="AZE ministry"))
    notes = client.get("/registry/notifications").text
    nid = re.search(r'action="/registry/notifications/(\d+)/ack"', notes).group(1)
    r = client.post(f"/registry/notifications/{nid}/ack", data={"csrf": csrf(notes)}, follow_redirects=False)
    assert r.status_code == 303
    assert reg.get_notification(int(nid), reg.authenticate(reg.issue_token("admin")))["status"] == "acknowledged"


def test_errors_are_pages_without_stack_traces(web):
    client, _, _ = web
    r = client.get("/registry/projects/999999")
    assert r.status_code == 404 and "no project 999999" in r.text and "Traceback" not in r.text
    assert client.get("/no/such/page").status_code == 404


def test_the_public_registry_home_is_kept_but_never_hides_a_write(web):
    import multivector.web.registry_pages as registry_pages

    client, reg, _ = web
    admin = reg.authenticate(reg.issue_token("admin"))

    def projects_count(html):
        return int(re.search(r"<b>(\d+)</b> projects", html).group(1))

    first = client.get("/registry").text
    assert client.get("/registry").text == first  # kept: the same bytes
    before = projects_count(first)
    reg.create("projects", {"name": "Kept-page railway", "type": "road", "countries": ["KAZ"], "segments": [],
                              "published": True}, admin)
    after = client.get("/registry").text  # a write in this process: rendered again at once
    assert projects_count(after) == before + 1
    assert "Kept-page railway" not in first
    # a write by another process is not seen by the generation counter: the time limit bounds it
    assert 0 < registry_pages.HOME_TTL <= 5


def test_a_failed_write_does_not_count_as_a_write(web):
    client, reg, _ = web
    admin = reg.authenticate(reg.issue_token("admin"))
    generation = reg.db.generation
    from multivector.registry.errors import RegistryError

    with pytest.raises(RegistryError):
        reg.create("projects", {"name": "", "type": "no-such-type", "countries": ["KAZ"]}, admin)
    assert reg.db.generation == generation
