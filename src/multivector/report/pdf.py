"""Print a report's HTML to PDF through headless Chromium (Debian's ``chromium`` + Playwright)."""

from __future__ import annotations

import os
from pathlib import Path

from multivector.errors import MultivectorError

CHROMIUM = os.environ.get("MULTIVECTOR_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str:
    """The Chromium executable, or a clear error saying how to install it."""
    if not Path(CHROMIUM).exists():
        raise MultivectorError(
            f"--pdf needs Chromium, which is not at {CHROMIUM}. Install it (Debian/Ubuntu: "
            "`sudo apt-get install chromium`) or set MULTIVECTOR_CHROMIUM to its path; the HTML report "
            "was written and can also be printed to PDF from any browser.")
    return CHROMIUM


def html_to_pdf(html_path: Path, pdf_path: str | Path, timeout_ms: int = 60_000) -> Path:
    """Print ``html_path`` to ``pdf_path`` (A4) once every chart has been drawn."""
    exe = chromium_path()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise MultivectorError("--pdf needs the Python package playwright: pip install 'multivector[pdf]'") from None
    import asyncio

    try:
        asyncio.get_running_loop()
        in_loop = True
    except RuntimeError:
        in_loop = False
    if in_loop:  # e.g. a notebook: Playwright's sync API must run outside the event loop
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as ex:
            return ex.submit(_print, exe, Path(html_path), Path(pdf_path).expanduser(), timeout_ms).result()
    return _print(exe, Path(html_path), Path(pdf_path).expanduser(), timeout_ms)


def _print(exe: str, html_path: Path, out: Path, timeout_ms: int) -> Path:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=LAUNCH_ARGS)
        try:
            # A4 minus the margins is ~186 mm ≈ 700 CSS px: draw the charts at the printed width
            page = browser.new_page(viewport={"width": 700, "height": 1000})
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load", timeout=timeout_ms)
            page.wait_for_function("() => Array.from(document.querySelectorAll('.plotly-graph-div'))"
                                   ".every(d => d.querySelector('.main-svg'))", timeout=timeout_ms)
            page.emulate_media(media="print")
            page.pdf(path=str(out), format="A4", print_background=True,
                     margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"})
        finally:
            browser.close()
    return out
