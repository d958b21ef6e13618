"""The registry's pages in Debian's Chromium (Playwright): every page opens with no console error
and no request leaving the machine; a ministry signs in, browses to one of its projects, edits it
and sees the change saved."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

DOCS_SHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "registry-network.png"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(web_reg):
    """The web app on uvicorn in a thread (a real HTTP server on loopback)."""
    import uvicorn

    from multivector.web import create_app

    app = create_app(registry=web_reg, deliver=False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


class Watch:
    """Console errors, page errors, failed requests and requests to other hosts."""

    def __init__(self, page, base: str) -> None:
        self.errors: list[str] = []
        self.external: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url}"))
        page.on("request", lambda r: self.external.append(r.url) if not r.url.startswith((base, "data:")) else None)


# one page of each template (tests/web/test_web_pages.py renders every page without a browser)
PAGES = ["/", "/registry", "/registry/network?corridor=middle", "/registry/projects?state=KAZ&type=rail",
         "/registry/projects/6", "/registry/summits/20", "/registry/documents/40", "/registry/commitments/6",
         "/registry/network/segments/akhalkalaki-kartsakhi", "/registry/network/nodes/dostyk", "/api", "/login"]


def test_every_page_opens_without_console_errors_or_outside_requests(browser, server):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    watch = Watch(page, server)
    for path in PAGES:
        resp = page.goto(server + path, wait_until="load")
        assert resp.status == 200, path
        assert page.title(), path
        # nothing wider than the window (no horizontal scrolling)
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    assert watch.errors == []
    assert watch.external == []
    page.goto(server + "/registry/network")
    assert page.locator("svg.netmap line").count() >= 100 and page.locator("svg.netmap circle").count() >= 80
    if not DOCS_SHOT.exists():
        DOCS_SHOT.parent.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": 1100, "height": 1000})
        page.screenshot(path=str(DOCS_SHOT))
    page.close()


def test_a_ministry_signs_in_browses_and_edits_its_project(browser, server, web_reg):
    token = web_reg.issue_token("editor", state="KAZ", name="Ministry of Transport of Kazakhstan")
    page = browser.new_page()
    watch = Watch(page, server)
    page.goto(server + "/registry")
    page.click("text=Sign in")
    page.fill("input[name=token]", token)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/registry**")
    assert "Ministry of Transport of Kazakhstan" in page.inner_text("header")
    # browse: the projects of Kazakhstan, then one of them
    page.goto(server + "/registry/projects?state=KAZ&type=rail")
    page.click("text=Dostyk–Moyynty second track")
    page.click("#edit-link")
    page.fill("input[name=name]", "Dostyk–Moyynty second track (double track)")
    page.select_option("select[name=status]", "operational")
    page.fill("textarea[name=description]", "Second track opened on 30 September 2025 (edited in the browser test).")
    page.click("#save")
    page.wait_for_selector("#saved")
    assert page.inner_text("h1") == "Dostyk–Moyynty second track (double track)"
    assert "edited in the browser test" in page.inner_text("main")
    record, etag = web_reg.get("projects", 3)
    assert record["name"].endswith("(double track)") and etag == '"v2"'
    # a form opened before someone else's change is refused with a clear message, not overwritten
    page.goto(server + "/registry/projects/3/edit")
    web_reg.update("projects", 3, {"description": "changed meanwhile"}, web_reg.authenticate(token), etag)
    page.fill("input[name=name]", "Overwriting")
    page.click("#save")
    page.wait_for_selector("#form-error")
    assert "changed since you read it" in page.inner_text("#form-error")
    assert web_reg.get("projects", 3)[0]["name"].endswith("(double track)")
    assert watch.errors == []
    assert watch.external == []
    page.close()
