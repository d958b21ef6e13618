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
