"""Kill -9 during writes, then restart: no partial record, no lost notification. A real server
(``multivector serve`` on uvicorn, in a subprocess) on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
from sqlalchemy import func, select
from webhook_receiver import Receiver

from multivector.registry import models as m

CKU = ["kashgar-torugart", "torugart-makmal", "makmal-jalal-abad", "jalal-abad-andijan"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_url: str, port: int, home) -> subprocess.Popen:
    env = os.environ | {"MULTIVECTOR_HOME": str(home), "MULTIVECTOR_WEBHOOK_LEASE": "2",
                        "MULTIVECTOR_WEBHOOK_BASE_DELAY": "0.2", "MULTIVECTOR_WEBHOOK_POLL_INTERVAL": "0.2"}
    proc = subprocess.Popen([sys.executable, "-m", "multivector", "serve", "--db", db_url, "--port", str(port),
                             "--no-access-log", "--log-level", "warning"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the server did not start: " + proc.stderr.read().decode()[-2000:])
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not answer within 60 s")


def test_kill_minus_nine_during_writes_loses_nothing_and_leaves_nothing_half_written(db_url, tmp_path):
    from multivector.registry import Registry

    reg = Registry(db_url)
    admin_token = reg.issue_token("admin", name="crash test")
    admin = reg.authenticate(admin_token)
    receiver = Receiver()
    reg.update_member("KAZ", {"webhook_url": receiver.url}, admin, "*")
    port = free_port()
    server = start_server(db_url, port, tmp_path)
    base = f"http://127.0.0.1:{port}/api/v1"
    h = {"Authorization": f"Bearer {admin_token}"}
    acknowledged: dict[int, list[str]] = {}  # project id -> notified, for every 201 the clients saw
    stop = threading.Event()
    lock = threading.Lock()

    def client(i: int) -> None:
        with httpx.Client(timeout=5) as c:
            n = 0
            while not stop.is_set():
                n += 1
                body = {"name": f"crash-{i}-{n}", "type": "rail", "countries": ["CHN", "KGZ", "UZB"], "segments": CKU,
                        "financing": [{"lender": "Test bank", "amount": 1000 + n, "currency": "USD"}]}
                try:
                    r = c.post(f"{base}/projects", json=body, headers=h)
                except httpx.HTTPError:
                    return  # the server is gone
                if r.status_code == 201:
                    with lock:
                        acknowledged[r.json()["id"]] = r.json()["notified"]

    threads = [threading.Thread(target=client, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60  # kill in the middle of the writes, once some have been answered
    while len(acknowledged) < 8 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(server.pid, signal.SIGKILL)  # no shutdown, no flush: the process simply stops
    server.wait()
    stop.set()
    for t in threads:
        t.join()
    assert len(acknowledged) >= 8, "the writers should have got some 201s before the kill"

    server = start_server(db_url, port, tmp_path)
    try:
        with reg.db.read() as s:
            made = s.scalars(select(m.Project).where(m.Project.name.like("crash-%"))).all()
            ids = {p.id for p in made}
            # 1. nothing acknowledged was lost
            assert set(acknowledged) <= ids
            # 2. nothing is half-written: every stored project is whole, with its audit entry and outbox rows
            for p in made:
                assert sorted(r.state for r in p.country_rows) == ["CHN", "KGZ", "UZB"]
                assert sorted(r.segment_id for r in p.segment_rows) == sorted(CKU)
                assert len(p.financing_rows) == 1
                audits = s.scalar(select(func.count()).select_from(m.AuditEntry).where(
                    m.AuditEntry.resource == "projects", m.AuditEntry.resource_id == str(p.id)))
                assert audits == 1
                states = sorted(s.scalars(select(m.Notification.state).where(m.Notification.subject_id == str(p.id))))
                assert states == ["KAZ", "TKM"]
                if p.id in acknowledged:
                    assert acknowledged[p.id] == states
            kaz_notes = set(s.scalars(select(m.Notification.id).where(
                m.Notification.state == "KAZ", m.Notification.subject_id.in_([str(i) for i in ids]))))
        # 3. no notification is lost: after the restart every one reaches the webhook (at least once)
        deadline = time.monotonic() + 30
        while not kaz_notes <= receiver.ok_ids() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert kaz_notes <= receiver.ok_ids(), f"{len(kaz_notes - receiver.ok_ids())} notifications never arrived"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with reg.db.read() as s:
                pending = s.scalar(select(func.count()).select_from(m.Notification).where(
                    m.Notification.id.in_(kaz_notes), m.Notification.status != "delivered"))
            if not pending:
                break
            time.sleep(0.2)
        assert pending == 0
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        receiver.close()
        reg.close()
