"""Shared fixtures: a private store for the test session and the real shared datasets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Subprocesses started by tests (the CLI) import this checkout's code, not another install.
_SRC = str(Path(__file__).resolve().parent.parent / "src")
os.environ["PYTHONPATH"] = os.pathsep.join([_SRC, *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]])

# Every test process uses its own store, never the user's.
_HOME = Path(os.environ.get("MULTIVECTOR_TEST_HOME", "")) if os.environ.get("MULTIVECTOR_TEST_HOME") else None


@pytest.fixture(scope="session", autouse=True)
def _private_home(tmp_path_factory):
    home = _HOME or tmp_path_factory.mktemp("mvhome")
    old = os.environ.get("MULTIVECTOR_HOME")
    os.environ["MULTIVECTOR_HOME"] = str(home)
    yield home
    if old is None:
        os.environ.pop("MULTIVECTOR_HOME", None)
    else:
        os.environ["MULTIVECTOR_HOME"] = old


@pytest.fixture(scope="session")
def shared_data() -> Path:
    from multivector.config import shared_data_dir

    d = shared_data_dir()
    if d is None or not d.is_dir():
        pytest.skip("the shared datasets (../shared/data) are not beside this checkout")
    return d


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright (Playwright's own browser download does not work on
    these machines), one per test module; skips, saying why, when either is missing."""
    from multivector.report.pdf import CHROMIUM, LAUNCH_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()
