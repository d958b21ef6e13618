"""Delivering notifications: the outbox worker.

Notifications are rows written in the same transaction as the change that caused them, so a
change is never stored without its notifications (and vice versa). A worker thread then posts
each pending notification to the webhook of its state (members without a webhook read them with
``GET /api/v1/notifications`` instead) and records the outcome:

* **lease** — a worker first takes a short lease on a row with one conditional ``UPDATE``; two
  workers (or two server processes) never post the same row at once, and a worker that dies
  mid-delivery leaves a lease that simply expires;
* **retries with exponential backoff** — a failed post (network error, timeout, non-2xx) is
  retried after ``base × 2^(attempt−1)`` seconds (capped, with ±20 % jitter); after
  ``max_attempts`` the row is marked ``dead`` and an admin can re-queue it;
* **at-least-once** — a post that succeeded but whose success was not recorded (the server was
  killed in between) is posted again after restart; receivers deduplicate on the
  ``X-Multivector-Delivery`` header (the notification id);
* **signed** — ``X-Multivector-Signature: sha256=<HMAC of the body with the member's secret>``;
* **acknowledgement** — delivery is not acknowledgement: the state acknowledges a notification
  with ``POST /api/v1/notifications/{id}/ack`` (or in the registry pages).

Nothing is lost if the server stops: pending rows stay pending and are picked up at the next
start.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import random
import threading
from dataclasses import dataclass
from datetime import timedelta

import httpx

from multivector.registry.models import utcnow

log = logging.getLogger("multivector.registry.outbox")


@dataclass
class DeliveryPolicy:
    base_delay: float = 5.0  # seconds before the first retry
    max_delay: float = 3600.0
    max_attempts: int = 12
    timeout: float = 10.0
    lease: float = 60.0
    poll_interval: float = 2.0
    batch: int = 20

    @classmethod
    def from_env(cls) -> DeliveryPolicy:
        p = cls()
        for field, cast in (("base_delay", float), ("max_delay", float), ("max_attempts", int), ("timeout", float),
                            ("lease", float), ("poll_interval", float)):
            env = os.environ.get(f"MULTIVECTOR_WEBHOOK_{field.upper()}")
            if env:
                setattr(p, field, cast(env))
        return p

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failure."""
        delay = min(self.max_delay, self.base_delay * (2 ** max(0, attempts - 1)))
        return delay * random.uniform(0.8, 1.2)


def sign(secret: str | None, body: bytes) -> str | None:
    if not secret:
        return None
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver_due(reg, client: httpx.Client, policy: DeliveryPolicy) -> int:
    """Post every notification that is due; returns how many were attempted."""
    now = utcnow()
    attempted = 0
    for nid, _state, url, secret in reg.due_deliveries(now, limit=policy.batch):
        claimed = reg.claim(nid, now, now + timedelta(seconds=policy.lease))
        if claimed is None:
            continue
        attempted += 1
        body = json.dumps({k: claimed[k] for k in (
            "id", "state", "event", "subject_type", "subject_id", "title", "message", "connection", "issues",
            "created_at")}, ensure_ascii=False, sort_keys=True).encode("utf-8")
        headers = {"Content-Type": "application/json", "User-Agent": "multivector-registry",
                   "X-Multivector-Event": claimed["event"], "X-Multivector-Delivery": str(nid)}
        signature = sign(secret, body)
        if signature:
            headers["X-Multivector-Signature"] = signature
        ok, error = False, None
        try:
            resp = client.post(url, content=body, headers=headers, timeout=policy.timeout)
            ok = 200 <= resp.status_code < 300
            if not ok:
                error = f"HTTP {resp.status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        attempts = int(claimed["attempts"]) + 1
        dead = not ok and attempts >= policy.max_attempts
        next_at = None if ok or dead else utcnow() + timedelta(seconds=policy.backoff(attempts))
        reg.record_delivery(nid, ok=ok, error=error, next_at=next_at, dead=dead)
        if not ok:
            log.info("webhook for notification %s failed (%s); attempt %s%s", nid, error, attempts,
                     " — giving up" if dead else "")
    return attempted


class DeliveryWorker:
    """A background thread that delivers due notifications; woken early when new ones are written."""

    def __init__(self, reg, policy: DeliveryPolicy | None = None) -> None:
        self.reg = reg
        self.policy = policy or DeliveryPolicy.from_env()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        reg.on_notifications(self._wake.set)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="registry-outbox", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        with httpx.Client(follow_redirects=False) as client:
            while not self._stop.is_set():
                try:
                    n = deliver_due(self.reg, client, self.policy)
                except Exception:  # noqa: BLE001 - the worker must survive a bad moment (db restart…)
                    log.exception("outbox delivery round failed")
                    n = 0
                if n == 0:
                    self._wake.wait(self.policy.poll_interval)
                    self._wake.clear()
