"""The report as a person sees it: opened in headless Chromium (Debian's chromium via Playwright),
with no console errors, no network requests, and every chart drawn."""

from __future__ import annotations

from pathlib import Path

import pytest

DOCS_SHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "report-kaz.png"

pytestmark = pytest.mark.browser


def _open(browser, path: Path, width: int = 1200, height: int = 900):
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    external: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(("file:", "data:", "blob:")) else None)
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_function("() => Array.from(document.querySelectorAll('.plotly-graph-div'))"
                           ".every(d => d.querySelector('svg.main-svg'))", timeout=30_000)
    return page, errors, external


def test_kaz_report_renders_every_chart_without_errors_or_network(browser, tmp_path):
    from multivector.report import build_report

    rep = build_report("KAZ")
    path = rep.write_html(tmp_path / "kaz.html")
    page, errors, external = _open(browser, path)
    n_charts = page.evaluate("() => document.querySelectorAll('.plotly-graph-div').length")
    drawn = page.evaluate("() => Array.from(document.querySelectorAll('.plotly-graph-div'))"
                          ".filter(d => d.querySelector('svg.main-svg') && d.querySelectorAll('.trace, .hm, .bars, .point').length > 0).length")
    assert n_charts == len(rep.figures) >= 14 and drawn == n_charts  # every chart the report made, drawn
    assert errors == []
    assert external == []
    # nothing wider than the page (no horizontal scrolling)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(tmp_path / "report-kaz.png"), full_page=True)
    assert (tmp_path / "report-kaz.png").stat().st_size > 10_000
    if not DOCS_SHOT.exists():  # the docs' picture: the top of the report, taken once
        DOCS_SHOT.parent.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": 1100, "height": 1500})
        page.screenshot(path=str(DOCS_SHOT))
    page.close()


def test_vnm_report_with_custom_powers_renders(browser, tmp_path):
    from multivector.report import build_report

    path = build_report("VNM", partners=["CHN", "USA", "RUS", "JPN", "IND"]).write_html(tmp_path / "vnm.html")
    page, errors, external = _open(browser, path)
    assert errors == [] and external == []
    assert "Vietnam and the great powers" in page.title() or "Vietnam" in page.inner_text("h1")
    page.close()
