"""--pdf: the report printed to PDF through headless Chromium (separate module: Playwright's sync
API runs one browser session per thread at a time)."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.browser


def test_pdf_is_printed_through_chromium(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("no chromium")
    pytest.importorskip("playwright.sync_api")
    from multivector.report import build_report

    rep = build_report("KAZ", years=(2005, 2014))
    out = rep.write_pdf(tmp_path / "kaz.pdf")
    data = out.read_bytes()
    assert data[:5] == b"%PDF-" and len(data) > 50_000
