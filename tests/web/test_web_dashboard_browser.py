"""The dashboard in Debian's Chromium (Playwright) against a real server (``multivector serve`` in a
subprocess on a free port, the test session's private MULTIVECTOR_HOME): every page opens with no
console error and no request leaving the machine, every chart is drawn; a person runs a
scenario, compares two countries, closes a route and sees the flows move, and pastes a scenario
file with a mistake and reads what is wrong. Pages load concurrently without errors."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(web_template, tmp_path_factory):
    """``multivector serve`` on a free loopback port (its own process, as a user runs it)."""
    folder = tmp_path_factory.mktemp("dashserve")
    db = folder / "registry.sqlite"
    shutil.copyfile(web_template, db)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(folder / "server.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "multivector", "serve", "--port", str(port), "--db", f"sqlite:///{db}",
                             "--no-deliver", "--no-access-log", "--log-level", "warning"],
                            env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=2).read()
            break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.close()
                pytest.fail("the server did not start:\n" + (folder / "server.log").read_text()[-3000:])
            time.sleep(0.1)
    yield base
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    text = (folder / "server.log").read_text()
    assert "Traceback" not in text, text[-3000:]


@pytest.fixture(scope="module")
def page(server, browser):
    pg = browser.new_page(viewport={"width": 1200, "height": 900})
    pg.errors, pg.external = [], []
    pg.on("console", lambda m: pg.errors.append(f"{pg.url}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(f"{pg.url}: {e}"))
    pg.on("requestfailed", lambda r: pg.errors.append(f"failed: {r.url}"))
    pg.on("request", lambda r: pg.external.append(r.url) if not r.url.startswith((server, "data:", "blob:")) else None)
    yield pg
    pg.close()


def settle(page, timeout: float = 120_000) -> int:
    """Wait until the page's jobs are done (the page reloads itself) and every chart is drawn."""
    page.wait_for_function("() => !document.querySelector('.mv-job')", timeout=timeout)
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.Plotly === undefined || Array.from(document.querySelectorAll('.mv-chart'))"
                           ".every(d => d.getAttribute('data-drawn'))", timeout=60_000)
    assert page.locator(".mv-chart[data-drawn='error']").count() == 0
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url
    return page.locator(".mv-chart[data-drawn='1']").count()


def shot(page, name: str, height: int = 1000) -> None:
    """The docs' pictures, taken once (small: the top of the page)."""
    path = DOCS_IMG / name
    if not path.exists():
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": 1200, "height": height})


PAGES = [  # (path, charts at least)
    ("/", 0), ("/countries", 0), ("/countries/KAZ", 8), ("/compare", 0), ("/scenarios", 0), ("/corridors", 1),
    ("/corridors/routes?from=CHN&to=DEU&runs=500", 2), ("/corridors/scenario?name=red-sea-closed&runs=40", 2),
    ("/corridors/scenario?name=caspian-ferry-outage&runs=40", 2), ("/api", 0),
]


def test_the_dashboard_in_a_browser(page, server):
    # every page, no console error, no outside request, every chart drawn
    for path, charts in PAGES:
        resp = page.goto(server + path, wait_until="load")
        assert resp.status == 200, path
        drawn = settle(page)
        assert drawn >= charts, (path, drawn)
        if path == "/countries/KAZ":
            assert "The bottom line" in page.inner_text("main") and page.locator("#balance-table tbody tr").count() >= 3
            assert page.locator("#chart-un_agree svg.main-svg").count() >= 1
            shot(page, "dashboard-country.png", 1100)
        if path == "/corridors":
            assert page.locator("#chart-map .scatterlayer .trace").count() >= 5  # land, network, nodes
    # run a scenario from the form
    page.goto(server + "/scenarios")
    page.select_option("#scenario-select", "china-coercive")
    page.fill("#run-form input[name=runs]", "400")
    page.click("#run-button")
    settle(page)
    assert "“china-coercive” for KAZ" in page.inner_text("h1")
    assert page.locator("#chart-fan svg.main-svg").count() >= 1 and page.locator("#summary-table tbody tr").count() >= 20
    shot(page, "dashboard-scenario.png", 1000)
    # ... and compare it with another
    page.select_option("#scenario-b", "baseline")
    page.click("#compare-button")
    settle(page)
    assert page.locator("#chart-comparison svg.main-svg").count() >= 1
    assert page.locator("#comparison-table tbody tr").count() >= 20
    # compare two countries from the form
    page.goto(server + "/compare")
    page.fill("#countries-input", "KAZ, UZB")
    page.click("#compare-form button[type=submit]")
    settle(page)
    heads = page.inner_text("#compare-balance thead")
    assert "KAZ" in heads and "UZB" in heads
    assert page.locator("#chart-balance .bars, #chart-balance .trace.bars").count() >= 1
    shot(page, "dashboard-compare.png", 1000)
    # close a route and see the flows move
    page.goto(server + "/corridors")
    page.check("#close-form input[name=close_route][value=northern]")
    page.fill("#close-form input[name=runs]", "40")
    page.click("#close-button")
    settle(page)
    northern = page.locator('#volumes-table tr[data-route="northern"]')
    assert "closed" in northern.inner_text() and "−" not in northern.inner_text()
    assert northern.locator("td").nth(3).inner_text() == "0"
    change_suez = page.locator('#volumes-table tr[data-route="sea-suez"] td').nth(4).inner_text()
    assert change_suez.startswith("+") and change_suez != "+0"
    assert page.locator("#chart-map svg.main-svg").count() >= 1 and page.locator("#chart-volumes svg.main-svg").count() >= 1
    assert page.errors == []
    assert page.external == []
    # a scenario file with a mistake: the message names it, the text comes back to fix
    page.goto(server + "/corridors")
    page.fill("#toml-text", '[scenario]\nname = "mine"\n[[close]]\nsegments = ["aktau-alat-feri"]\n')
    page.click("#toml-button")
    page.wait_for_selector("#toml-error")
    assert "unknown segment 'aktau-alat-feri'" in page.inner_text("#toml-error")
    assert "aktau-alat-feri" in page.input_value("#toml-text")
    # ... corrected, it runs
    page.fill("#toml-text", '[scenario]\nname = "mine"\n[[close]]\nsegments = ["aktau-alat-ferry"]\n')
    page.fill("#toml-form input[name=runs]", "40")
    page.click("#toml-button")
    settle(page)
    assert "Disruption: mine" in page.inner_text("h1")
    # an unknown country: a page that says so
    resp = page.goto(server + "/countries/Atlantis")
    assert resp.status == 404 and "unknown country" in page.inner_text("main")
    # the only console lines: Chromium noting the two refusals asked for (422, 404), nothing else
    assert len(page.errors) == 2 and all("status of 422" in e or "status of 404" in e for e in page.errors), page.errors
    page.errors.clear()
    assert page.external == []
    page.goto(server + "/corridors/scenario?name=red-sea-closed&runs=40")
    settle(page)
    page.evaluate("() => document.getElementById('chart-map').scrollIntoView()")
    shot_map = DOCS_IMG / "dashboard-corridors.png"
    if not shot_map.exists():
        page.locator("#chart-map").screenshot(path=str(shot_map))
    assert page.errors == []


def test_pages_load_concurrently_without_errors(server, page):
    """Twelve clients at once (the jobs they share are built once; the store is read one job at a time)."""
    paths = ["/countries/KAZ", "/compare?countries=KAZ,UZB", "/corridors", "/scenarios", "/countries/KGZ",
             "/api/v1/countries/KAZ?wait=120", "/api/v1/corridors/routes?from=CHN&to=TUR&runs=200&wait=120",
             "/api/v1/scenarios/run?scenario=russia-pressure&runs=200&years=10&wait=120"] * 3

    def get(path: str) -> tuple[str, int, int]:
        with urllib.request.urlopen(server + path, timeout=180) as r:
            return path, r.status, len(r.read())

    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(get, paths))
    assert all(status == 200 and size > 500 for _, status, size in results), results
