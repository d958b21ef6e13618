"""The registry's first contents: summits, documents, commitments, projects and the network,
built from real data by ``data-raw/build_registry_seed.py`` and shipped in ``seed/`` (a pip-installed
tool has no ``../shared``). The file is an export document; its ``provenance`` section says where
every record comes from (a line of ``facts/timeline.csv``, a row of the hand-compiled network
tables with its source page, an AidData GCDF 3.0 location row)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

SEED_FILE = Path(__file__).resolve().parent / "seed" / "registry_seed.json"


@lru_cache(maxsize=1)
def seed_document() -> dict:
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


def load_seed(reg, *, publish: bool = True):
    """Load the shipped seed into an empty registry (called by ``ensure_ready`` on first start)."""
    from multivector.registry.auth import SYSTEM
    from multivector.registry.transfer import import_document

    return import_document(reg, seed_document(), SYSTEM, publish=publish, how="seed", migrate=False)
