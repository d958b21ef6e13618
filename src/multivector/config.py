"""Where multivector keeps its files.

* ``MULTIVECTOR_HOME`` — the folder of the store (``multivector.duckdb``) and downloads;
  default: the user data directory (``platformdirs.user_data_dir("multivector")``).
* ``MULTIVECTOR_SHARED_DATA`` — a folder laid out like the project's ``shared/data`` with the raw
  published files (used by ``data-raw/`` and the tests); default: ``../shared/data`` beside the
  source checkout when it exists.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_DATA_DIR = PACKAGE_DIR / "data"


def home() -> Path:
    env = os.environ.get("MULTIVECTOR_HOME")
    if env:
        p = Path(env).expanduser()
    else:
        from platformdirs import user_data_dir

        p = Path(user_data_dir("multivector", appauthor=False))
    p.mkdir(parents=True, exist_ok=True)
    return p


def store_path() -> Path:
    return home() / "multivector.duckdb"


def shared_data_dir() -> Path | None:
    """The folder with the raw published files, or ``None`` if it cannot be found."""
    env = os.environ.get("MULTIVECTOR_SHARED_DATA")
    if env:
        return Path(env).expanduser()
    # src/multivector -> repo root -> ../shared/data
    candidate = PACKAGE_DIR.parent.parent.parent / "shared" / "data"
    if candidate.is_dir():
        return candidate
    return None


_CODE_VERSION: str | None = None


def code_version() -> str:
    """A digest of the installed code (every module's path, size and modification time), so that
    derived results kept on disk are rebuilt after an upgrade or an edit, never served from an
    older method."""
    global _CODE_VERSION
    if _CODE_VERSION is None:
        import contextlib
        import hashlib

        root = Path(__file__).resolve().parent
        h = hashlib.sha256()
        for f in sorted(root.rglob("*.py")):
            with contextlib.suppress(OSError):
                st = f.stat()
                h.update(f"{f.relative_to(root)}:{st.st_size}:{st.st_mtime_ns}".encode())
        _CODE_VERSION = h.hexdigest()[:12]
    return _CODE_VERSION
