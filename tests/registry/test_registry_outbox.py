"""Webhook delivery from the outbox, against a real local HTTP server: signatures, retries with
exponential backoff, giving up, re-queueing, leases, acknowledgement."""

from __future__ import annotations

import hashlib
import hmac
import time

import httpx
import pytest
from webhook_receiver import Receiver

from multivector.registry.outbox import DeliveryPolicy, DeliveryWorker, deliver_due

CKU = ["kashgar-torugart", "torugart-makmal", "makmal-jalal-abad", "jalal-abad-andijan"]


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def hooked(reg, tokens, receiver):
    """Kazakhstan's webhook points at the receiver; returns the signing secret."""
    admin = reg.authenticate(tokens["admin"])
    out, _ = reg.update_member("KAZ", {"webhook_url": receiver.url, "rotate_secret": True}, admin, "*")
    yield out["webhook_secret"]
    reg.update_member("KAZ", {"webhook_url": None}, admin, "*")


def loop_in_kazakhstan(reg, tokens, name="Outbox test railway") -> list[int]:
    admin = reg.authenticate(tokens["admin"])
    out = reg.create("projects", {"name": name, "type": "rail", "countries": ["CHN", "KGZ", "UZB"],
                                  "segments": CKU}, admin)
    assert "KAZ" in out.notified
    items, _ = reg.list_notifications(admin, subject_id=str(out.record["id"]), limit=10)
    return sorted(n["id"] for n in items if n["state"] == "KAZ")


def fast(**kw) -> DeliveryPolicy:
    return DeliveryPolicy(**({"base_delay": 0.05, "max_delay": 0.2, "timeout": 2.0, "lease": 5.0} | kw))


def state_of(reg, tokens, nid) -> dict:
    return reg.get_notification(nid, reg.authenticate(tokens["admin"]))


def settle(reg, tokens, policy, until, timeout=5.0):
    """Run delivery rounds until ``until()`` holds (or time runs out)."""
    deadline = time.monotonic() + timeout
    with httpx.Client() as client:
        while time.monotonic() < deadline:
            deliver_due(reg, client, policy)
            if until():
                return True
            time.sleep(0.03)
    return until()


def test_a_notification_is_posted_signed_once_and_marked_delivered(reg, tokens, receiver, hooked):
    (nid,) = loop_in_kazakhstan(reg, tokens)
    assert settle(reg, tokens, fast(), lambda: state_of(reg, tokens, nid)["status"] == "delivered")
    mine = [d for d in receiver.deliveries if d["json"]["id"] == nid]
    assert len(mine) == 1
    d = mine[0]
    assert d["headers"]["X-Multivector-Delivery"] == str(nid) and d["headers"]["X-Multivector-Event"] == "project.created"
    expected = "sha256=" + hmac.new(hooked.encode(), d["body"], hashlib.sha256).hexdigest()
    assert d["headers"]["X-Multivector-Signature"] == expected
    assert d["json"]["state"] == "KAZ" and d["json"]["issues"]
    # Turkmenistan has no webhook: its notification waits in its inbox, untouched
    tkm = [n for n in reg.list_notifications(reg.authenticate(tokens["admin"]), state="TKM", limit=5)[0]]
    assert tkm and tkm[0]["status"] == "pending" and tkm[0]["attempts"] == 0


def test_failures_are_retried_with_growing_delays_until_success(reg, tokens, receiver, hooked):
    receiver.fail_next = 2
    (nid,) = loop_in_kazakhstan(reg, tokens, "Retry railway")
    policy = fast(base_delay=0.2, max_delay=5.0)
    with httpx.Client() as client:
        deliver_due(reg, client, policy)
        first = state_of(reg, tokens, nid)
        assert first["status"] == "pending" and first["attempts"] == 1 and first["last_error"] == "HTTP 500"
        assert deliver_due(reg, client, policy) == 0  # not due yet: backoff
    gaps = []
    t = time.monotonic()
    assert settle(reg, tokens, policy, lambda: state_of(reg, tokens, nid)["status"] == "delivered", timeout=8)
    gaps.append(time.monotonic() - t)
    final = state_of(reg, tokens, nid)
    assert final["attempts"] == 3 and final["last_error"] is None
    times = [d for d in receiver.deliveries if d["json"]["id"] == nid]
    assert [d["answered"] for d in times] == [500, 500, 200]


def test_backoff_doubles_and_is_capped():
    p = DeliveryPolicy(base_delay=10, max_delay=100)
    for attempts, centre in ((1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (9, 100)):
        assert 0.8 * centre <= p.backoff(attempts) <= 1.2 * centre


def test_after_max_attempts_it_is_dead_until_an_admin_requeues_it(reg, tokens, receiver, hooked):
    receiver.always_fail = True
    (nid,) = loop_in_kazakhstan(reg, tokens, "Dead letter railway")
    policy = fast(max_attempts=3)
    assert settle(reg, tokens, policy, lambda: state_of(reg, tokens, nid)["status"] == "dead")
    assert state_of(reg, tokens, nid)["attempts"] == 3
    receiver.always_fail = False
    admin = reg.authenticate(tokens["admin"])
    assert reg.retry_notification(nid, admin)["status"] == "pending"
    assert settle(reg, tokens, policy, lambda: state_of(reg, tokens, nid)["status"] == "delivered")


def test_an_unreachable_webhook_is_a_failed_attempt_not_a_crash(reg, tokens):
    admin = reg.authenticate(tokens["admin"])
    reg.update_member("KAZ", {"webhook_url": "http://127.0.0.1:9/closed"}, admin, "*")
    try:
        (nid,) = loop_in_kazakhstan(reg, tokens, "Unreachable railway")
        with httpx.Client() as client:
            deliver_due(reg, client, fast())
        n = state_of(reg, tokens, nid)
        assert n["status"] == "pending" and n["attempts"] == 1 and "Connect" in n["last_error"]
    finally:
        reg.update_member("KAZ", {"webhook_url": None}, admin, "*")


def test_a_lease_keeps_two_workers_from_posting_the_same_notification(reg, tokens, hooked):
    from datetime import timedelta

    from multivector.registry.models import utcnow

    (nid,) = loop_in_kazakhstan(reg, tokens, "Leased railway")
    now = utcnow()
    assert reg.claim(nid, now, now + timedelta(seconds=30)) is not None
    assert reg.claim(nid, now, now + timedelta(seconds=30)) is None
    later = now + timedelta(seconds=31)  # the first worker died: the lease expires
    assert reg.claim(nid, later, later + timedelta(seconds=30)) is not None


def test_acknowledgement_is_by_the_state_and_final(reg, tokens, receiver, hooked):
    (nid,) = loop_in_kazakhstan(reg, tokens, "Acknowledged railway")
    kaz = reg.authenticate(tokens["editor_kaz"])
    n = reg.acknowledge(nid, kaz)
    assert n["status"] == "acknowledged" and n["acknowledged_by"] == "Kazakh MFA"
    with httpx.Client() as client:
        deliver_due(reg, client, fast())
    assert nid not in receiver.ok_ids()  # acknowledged in the inbox: no need to post it


def test_the_background_worker_delivers_soon_after_the_change(reg, tokens, receiver, hooked):
    worker = DeliveryWorker(reg, fast(poll_interval=5.0))
    worker.start()
    try:
        (nid,) = loop_in_kazakhstan(reg, tokens, "Worker railway")
        deadline = time.monotonic() + 3
        while nid not in receiver.ok_ids() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert nid in receiver.ok_ids()  # woken by the write, not by the 5 s poll
    finally:
        worker.stop()
