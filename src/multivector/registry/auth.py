"""Who is asking: roles and API tokens.

* ``admin`` — the secretariat: reads and writes everything.
* ``editor`` — a member state's ministry: reads published records and its own state's drafts,
  writes only records that list its state (a project's ``countries``, a commitment's
  ``responsible_states``, a summit's ``participants``, a document's ``parties``, a node's
  ``country``, a segment's ``countries``), reads and acknowledges its own state's notifications.
* ``observer`` — reads everything (drafts, every notification, the audit log), writes nothing.
* the anonymous public — reads published records only.

Tokens are 256-bit random strings (``mvr_…``) shown once; the database keeps only their SHA-256
digest, so a stolen database does not yield working tokens. A digest lookup is one indexed query
(argon2 is for passwords, which are low-entropy; these tokens are not). Lookups are cached for a
few seconds; a revoked token stops working within that time.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

TOKEN_PREFIX = "mvr_"
CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class Principal:
    role: str | None  # None: the anonymous public
    state: str | None
    name: str
    token_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def authenticated(self) -> bool:
        return self.role is not None

    @property
    def reads_drafts(self) -> bool:
        """Admins and observers see unpublished records of every state."""
        return self.role in ("admin", "observer")

    @property
    def writes(self) -> bool:
        return self.role in ("admin", "editor")

    def label(self) -> str:
        if self.role is None:
            return "the public"
        return f"{self.name} ({self.role}{', ' + self.state if self.state else ''})"


ANONYMOUS = Principal(None, None, "public")
SYSTEM = Principal("admin", None, "system")


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenCache:
    def __init__(self, seconds: float = CACHE_SECONDS) -> None:
        self.seconds = seconds
        self._data: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[bool, Principal | None]:
        with self._lock:
            hit = self._data.get(key)
            if hit and hit[0] > time.monotonic():
                return True, hit[1]
            return False, None

    def put(self, key: str, value: Principal | None) -> None:
        with self._lock:
            if len(self._data) > 10_000:
                self._data.clear()
            self._data[key] = (time.monotonic() + self.seconds, value)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
