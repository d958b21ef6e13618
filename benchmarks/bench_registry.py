"""Load test of the registry service on loopback: concurrent clients, mixed reads and conflicting
writes, against a real server (``multivector serve`` on uvicorn in a subprocess).

    python benchmarks/bench_registry.py                                  # SQLite, 50 clients, 60 s
    python benchmarks/bench_registry.py --pg postgresql://mvreg:mvreg@localhost/mvreg_test
    python benchmarks/bench_registry.py --clients 10 --duration 10       # a quick look

Every client loops over a weighted mix of operations:

* reads (70 %): a page of projects with a filter, one project, the segments of a corridor, one
  summit, a loop-in preview (``/network/connections``);
* conflicting writes (25 %): read one of ten "hot" projects, increase the counter in its
  description and PATCH it with If-Match; a 412 (someone else wrote first) is counted and the
  client reads again and retries — the optimistic-concurrency path under contention;
* status changes (3 %) of a hot project (material: the change loops states in, filling the outbox);
* creations (2 %) of a project on the network (loop-in, notifications).

At the end the counters are checked: for every hot project the final counter must equal the
number of PATCHes the clients saw succeed (no lost update), and the audit log must hold one entry
per success. Reported: requests, throughput, p50/p95/p99 latency overall and per operation,
412 conflicts, server errors (5xx), transport errors, lost updates.

``--pg URL`` takes a role that may CREATE DATABASE; a fresh database is made and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

CKU = ["kashgar-torugart", "torugart-makmal", "makmal-jalal-abad", "jalal-abad-andijan"]
HOT = 10
MIX = (("read_list", 0.25), ("read_project", 0.20), ("read_segments", 0.10), ("read_summit", 0.10),
       ("preview", 0.05), ("patch_counter", 0.25), ("patch_status", 0.03), ("create", 0.02))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def make_database(pg_admin: str | None) -> tuple[str, callable]:
    if not pg_admin:
        folder = Path(tempfile.mkdtemp(prefix="mv-bench-"))
        return f"sqlite:///{folder / 'registry.sqlite'}", lambda: None
    import psycopg

    name = f"mvbench_{uuid.uuid4().hex[:8]}"
    admin = pg_admin.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    url = re.sub(r"/[^/?]+(\?|$)", f"/{name}\\1", admin, count=1) if admin.count("/") >= 3 else admin + "/" + name

    def drop():
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                      (name,))
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')
    return url, drop


async def run_clients(base: str, token: str, hot: list[int], clients: int, duration: float, seed: int):
    import httpx

    lat: dict[str, list[float]] = defaultdict(list)
    status: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    errors: list[str] = []
    successes: dict[int, int] = defaultdict(int)
    conflicts = [0]
    h = {"Authorization": f"Bearer {token}"}
    ops, weights = zip(*MIX)
    stop_at = time.monotonic() + duration
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, headers=h, timeout=30, limits=limits) as http:
        async def timed(op: str, method: str, url: str, **kw):
            t = time.perf_counter()
            try:
                r = await http.request(method, url, **kw)
            except httpx.HTTPError as exc:
                errors.append(f"{op}: {type(exc).__name__}")
                return None
            lat[op].append(time.perf_counter() - t)
            status[op][r.status_code] += 1
            return r

        async def client(i: int) -> None:
            rng = random.Random(seed * 1000 + i)
            while time.monotonic() < stop_at:
                op = rng.choices(ops, weights)[0]
                if op == "read_list":
                    await timed(op, "GET", "/api/v1/projects", params={
                        "state": rng.choice(["KAZ", "UZB", "KGZ", "TJK", "TKM"]), "limit": 25,
                        "offset": rng.choice([0, 25, 50])})
                elif op == "read_project":
                    await timed(op, "GET", f"/api/v1/projects/{rng.randint(1, 352)}")
                elif op == "read_segments":
                    await timed(op, "GET", "/api/v1/network/segments",
                                params={"corridor": rng.choice(["middle", "northern", "cku"]), "limit": 100})
                elif op == "read_summit":
                    await timed(op, "GET", f"/api/v1/summits/{rng.randint(1, 30)}")
                elif op == "preview":
                    await timed(op, "GET", "/api/v1/network/connections",
                                params={"segments": rng.choice(["aktau-alat-ferry", "dostyk-aktogay", "kars-ankara"])})
                elif op in ("patch_counter", "patch_status"):
                    pid = rng.choice(hot)
                    for _ in range(50):  # retry on conflict until this write lands
                        r = await timed("read_hot", "GET", f"/api/v1/projects/{pid}")
                        if r is None or r.status_code != 200:
                            break
                        body = r.json()
                        if op == "patch_counter":
                            n = int(body["description"].rsplit(" ", 1)[-1])
                            patch = {"description": f"bench counter {n + 1}"}
                        else:
                            patch = {"status": rng.choice(["planned", "agreed", "under_construction"])}
                            if patch["status"] == body["status"]:
                                break
                        w = await timed(op, "PATCH", f"/api/v1/projects/{pid}", json=patch,
                                        headers={"If-Match": r.headers["etag"]})
                        if w is None:
                            break
                        if w.status_code == 200:
                            if op == "patch_counter":
                                successes[pid] += 1
                            break
                        if w.status_code == 412:
                            conflicts[0] += 1
                            continue
                        break
                elif op == "create":
                    await timed(op, "POST", "/api/v1/projects", json={
                        "name": f"bench project {i}-{rng.randint(0, 10**9)}", "type": "rail",
                        "countries": ["CHN", "KGZ", "UZB"], "segments": CKU})

        await asyncio.gather(*(client(i) for i in range(clients)))
    return lat, status, errors, successes, conflicts[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    ap.add_argument("--pg", metavar="URL", help="PostgreSQL admin URL (a fresh database is created); default SQLite")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=1, help="server worker processes")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()

    from multivector.registry import Registry

    url, drop = make_database(args.pg)
    reg = Registry(url)
    reg.ensure_ready()
    token = reg.issue_token("admin", name="benchmark")
    admin = reg.authenticate(token)
    hot = [reg.create("projects", {"name": f"hot project {k}", "type": "rail", "countries": ["KAZ"],
                                   "segments": ["dostyk-aktogay"], "description": "bench counter 0",
                                   "published": True}, admin).record["id"] for k in range(HOT)]
    port = free_port()
    env = os.environ | {"PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
                        "MULTIVECTOR_HOME": tempfile.mkdtemp(prefix="mv-bench-home-")}
    server = subprocess.Popen([sys.executable, "-m", "multivector", "serve", "--db", url, "--port", str(port),
                               "--no-access-log", "--log-level", "warning", "--no-deliver", "--workers", str(args.workers)],
                              env=env, start_new_session=True, stderr=subprocess.PIPE)
    try:
        import httpx

        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start: " + server.stderr.read().decode()[-2000:])
            time.sleep(0.2)
        load1 = os.getloadavg()[0]
        t0 = time.monotonic()
        lat, status, errors, successes, conflicts = asyncio.run(
            run_clients(base, token, hot, args.clients, args.duration, args.seed))
        elapsed = time.monotonic() - t0
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)

    # lost updates: the final counters against the successes the clients saw
    lost = 0
    for pid in hot:
        final = int(reg.get("projects", pid, admin)[0]["description"].rsplit(" ", 1)[-1])
        lost += successes[pid] - final
    audit_counter_updates = 0  # audit entries that changed a hot project's counter (description)
    for pid in hot:
        offset = 0
        while True:
            items, total = reg.list_audit(admin, resource="projects", resource_id=str(pid), limit=500, offset=offset)
            audit_counter_updates += sum(1 for a in items if a["action"] == "update" and "description" in a["changes"])
            offset += len(items)
            if not items or offset >= total:
                break
    stats = reg.stats()
    reg.close()
    drop()

    all_lat = [x for xs in lat.values() for x in xs]
    server_errors = sum(n for st in status.values() for code, n in st.items() if code >= 500)
    requests = sum(sum(st.values()) for st in status.values())
    out = {
        "database": "postgresql" if args.pg else "sqlite", "clients": args.clients, "workers": args.workers,
        "duration_s": round(elapsed, 1),
        "requests": requests, "throughput_rps": round(requests / elapsed, 1),
        "p50_ms": round(pct(all_lat, 0.50) * 1000, 1), "p95_ms": round(pct(all_lat, 0.95) * 1000, 1),
        "p99_ms": round(pct(all_lat, 0.99) * 1000, 1),
        "server_errors_5xx": server_errors, "transport_errors": len(errors),
        "transport_error_kinds": dict(__import__("collections").Counter(errors)), "conflicts_412": conflicts,
        "counter_updates_landed": sum(successes.values()), "lost_updates": lost,
        "audited_counter_updates": audit_counter_updates,
        "notifications": stats["notifications"], "loadavg_1min_at_start": round(load1, 1),
        "per_operation": {op: {"n": len(xs), "p50_ms": round(pct(xs, 0.5) * 1000, 1),
                               "p95_ms": round(pct(xs, 0.95) * 1000, 1), "p99_ms": round(pct(xs, 0.99) * 1000, 1),
                               "status": dict(status[op])} for op, xs in sorted(lat.items())},
    }
    print(json.dumps(out, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n")
    ok = server_errors == 0 and lost == 0 and not errors and audit_counter_updates == sum(successes.values())
    if not ok:
        raise SystemExit(f"FAILED: {server_errors} server errors, {lost} lost updates, {len(errors)} transport errors, "
                         f"{audit_counter_updates} audited counter updates for {sum(successes.values())} successes")


if __name__ == "__main__":
    main()
