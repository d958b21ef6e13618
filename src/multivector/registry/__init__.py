"""The coordination registry: summits → documents → commitments → projects on a network of
nodes and segments, with loop-in of connected states, an outbox of notifications delivered by
webhook, and an append-only audit log. Its own schema (SQLite by default, PostgreSQL for a
shared server), migrated by Alembic.

    from multivector.registry import Registry
    reg = Registry()                 # $MULTIVECTOR_HOME/registry.sqlite, or a URL
    reg.ensure_ready()               # create, migrate, seed (first time)
    reg.list("projects", filters={"state": "KAZ"})

The web API (``multivector serve``) and the CLI (``multivector registry``) are thin layers over
:class:`Registry`.
"""

from __future__ import annotations

from multivector.registry.auth import ANONYMOUS, SYSTEM, Principal
from multivector.registry.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    RegistryError,
    Unauthorized,
)
from multivector.registry.service import Registry, Written

__all__ = [
    "ANONYMOUS", "SYSTEM", "Principal", "Registry", "Written", "RegistryError", "InvalidInput", "NotFound",
    "Forbidden", "Unauthorized", "Conflict", "PreconditionFailed", "PreconditionRequired",
]
