"""Print a report's HTML to PDF through headless Chromium (Debian's ``chromium`` + Playwright)."""

from __future__ import annotations

import os
from pathlib import Path

from multivector.errors import MultivectorError

#: where Chromium is looked for unless $MULTIVECTOR_CHROMIUM names another executable
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
_HOW = ("the HTML report can also be printed to PDF from any browser "
        "(write it with `-o report.html`, open it, print, save as PDF)")


def chromium_path() -> str:
    """The Chromium executable, or a clear error saying how to install it."""
    exe = os.environ.get("MULTIVECTOR_CHROMIUM") or CHROMIUM
    if not Path(exe).is_file():
        raise MultivectorError(
            f"a PDF needs Chromium, which is not at {exe}. Install it (Debian/Ubuntu: "
            "`sudo apt-get install chromium`) or set MULTIVECTOR_CHROMIUM to its path; " + _HOW)
    return exe


def check_pdf_support() -> str:
    """Raise before any work when a PDF cannot be printed here (no Chromium, or no Playwright); return Chromium's path."""
    exe = chromium_path()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise MultivectorError(
            "a PDF needs the Python package playwright: pip install 'multivector[pdf]' "
            "(it drives the Chromium at " + exe + "); " + _HOW) from None
    return exe


def html_to_pdf(html_path: Path, pdf_path: str | Path, timeout_ms: int = 60_000) -> Path:
    """Print ``html_path`` to ``pdf_path`` (A4) once every chart has been drawn."""
    exe = check_pdf_support()
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
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
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
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "ENOSPC" in str(exc) or "No space left" in str(exc):
            raise OSError(28, "No space left on device", str(out)) from None
        raise MultivectorError(
            f"printing the report to PDF through Chromium ({exe}) failed: {first}; " + _HOW) from None
    return out
