"""Dashboard load and speed on loopback (not a CI test).

    python benchmarks/bench_dashboard.py [--users 50] [--seconds 60] [--home DIR] [--json out.json]

1. Starts ``multivector serve`` (one process, as a user runs it) on a free loopback port, with
   ``--home`` as MULTIVECTOR_HOME (default: a new temporary folder, so the first visits are cold).
2. Warm-up: opens every page of the mix once and waits for its jobs (timing the cold builds).
3. Warm country page: 200 sequential requests to ``/countries/KAZ``; reports the server time (the
   ``Server-Timing`` header: from the handler's start to the response's body) and the client's
   round trip, median and 95th percentile. Also the time of the first render after the profile is
   in memory, and of a new process's first build (derived results on disk, nothing in memory).
4. Load: ``--users`` clients (threads, one keep-alive connection each) browse the mix without think
   time for ``--seconds`` seconds; every response is checked (status 200, the page's marker in the
   body). Reports requests, errors, throughput, and page time percentiles overall and per page.

Only 127.0.0.1 is contacted; the loops are bounded in time and stop by themselves.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: (path, a string the page must contain)
MIX = [
    ("/", "multivector"),
    ("/countries", "Central Asia"),
    ("/countries/KAZ", "The bottom line"),
    ("/countries/UZB", "The bottom line"),
    ("/compare?countries=KAZ,UZB", "compare-balance"),
    ("/scenarios", "Run a scenario"),
    ("/scenarios/run?scenario=china-coercive&country=KAZ", "chart-fan"),
    ("/scenarios/compare?a=baseline&b=china-coercive&country=KAZ", "comparison-table"),
    ("/corridors", "chart-map"),
    ("/corridors/routes?from=CHN&to=DEU", "routes-table"),
    ("/corridors/scenario?name=northern-route-closed", "volumes-table"),
    ("/corridors/scenario?name=red-sea-closed", "volumes-table"),
    ("/registry", "Registry"),
    ("/api/v1/countries/KAZ", '"bottom_line"'),
    ("/api/v1/corridors/routes?from=CHN&to=DEU", '"routes"'),
]


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def start_server(home: Path, workers: int = 1) -> tuple[subprocess.Popen, int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, MULTIVECTOR_HOME=str(home), PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen([sys.executable, "-m", "multivector", "serve", "--port", str(port), "--no-deliver",
                             "--no-access-log", "--log-level", "warning", "--workers", str(workers)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/")
            c.getresponse().read()
            return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes, dict, float]:
    t = time.perf_counter()
    conn.request("GET", path, headers={"Accept-Encoding": "identity"})
    r = conn.getresponse()
    body = r.read()
    return r.status, body, {k.lower(): v for k, v in r.getheaders()}, time.perf_counter() - t


def settle(port: int, path: str, timeout: float = 300) -> float:
    """Open a page until it is no longer the progress page; seconds it took."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    t = time.perf_counter()
    while True:
        status, body, _, _ = get(conn, path)
        if status != 200:
            raise SystemExit(f"{path}: HTTP {status}: {body[:300]!r}")
        if b'class="mv-job"' not in body:
            return time.perf_counter() - t
        if time.perf_counter() - t > timeout:
            raise SystemExit(f"{path}: still computing after {timeout} s")
        time.sleep(0.3)


def server_ms(headers: dict) -> float | None:
    st = headers.get("server-timing", "")
    return float(st.split("dur=")[1]) if "dur=" in st else None


def warm_country(port: int, n: int = 200) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    srv, rtt = [], []
    for _ in range(n):
        status, body, headers, dt = get(conn, "/countries/KAZ")
        assert status == 200 and b"The bottom line" in body
        srv.append(server_ms(headers))
        rtt.append(dt * 1000)
    return {"requests": n, "server_ms_median": statistics.median(srv), "server_ms_p95": pct(srv, 0.95),
            "client_ms_median": statistics.median(rtt), "client_ms_p95": pct(rtt, 0.95), "bytes": len(body)}


def load(port: int, users: int, seconds: float, seed: int = 0) -> dict:
    stop = time.monotonic() + seconds
    times: dict[str, list[float]] = {p: [] for p, _ in MIX}
    errors: list[str] = []
    computing = [0]  # the progress page of a job this process had not built yet (not an error)
    lock = threading.Lock()

    def user(k: int) -> None:
        rng = random.Random(seed * 1000 + k)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop:
            path, marker = rng.choice(MIX)
            try:
                status, body, _, dt = get(conn, path)
                ok = status == 200 and marker.encode() in body
            except (OSError, http.client.HTTPException) as exc:
                ok, dt, status = False, 0.0, repr(exc)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            with lock:
                if ok:
                    times[path].append(dt * 1000)
                elif status == 200 and b'class="mv-job"' in body:
                    computing[0] += 1
                else:
                    errors.append(f"{path}: {status}")
        conn.close()

    t0 = time.monotonic()
    threads = [threading.Thread(target=user, args=(k,)) for k in range(users)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.monotonic() - t0
    every = [x for xs in times.values() for x in xs]
    return {
        "users": users, "seconds": round(elapsed, 1), "requests": len(every) + len(errors) + computing[0],
        "errors": len(errors), "progress_pages": computing[0],
        "error_examples": errors[:5], "requests_per_s": round((len(every) + len(errors) + computing[0]) / elapsed, 1),
        "page_ms_p50": round(pct(every, 0.5), 1), "page_ms_p95": round(pct(every, 0.95), 1),
        "page_ms_p99": round(pct(every, 0.99), 1), "page_ms_max": round(max(every), 1) if every else None,
        "by_page": {p: {"n": len(xs), "p50": round(pct(xs, 0.5), 1), "p95": round(pct(xs, 0.95), 1)} for p, xs in times.items()},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--home", type=Path, default=None, help="MULTIVECTOR_HOME (default: a new temporary folder)")
    ap.add_argument("--json", type=Path, default=None, help="write the results here")
    ap.add_argument("--workers", type=int, default=1, help="server processes for the load phase (multivector serve --workers)")
    args = ap.parse_args()
    if not 1 <= args.users <= 200 or not 1 <= args.seconds <= 600:
        raise SystemExit("--users 1..200 and --seconds 1..600")
    tmp = None
    home = args.home
    if home is None:
        tmp = tempfile.TemporaryDirectory(prefix="mv-bench-dash-")
        home = Path(tmp.name)
    out: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    proc, port = start_server(home)
    try:
        cold = {}
        for path, _ in MIX:
            cold[path] = round(settle(port, path), 2)
            print(f"first visit {path}: {cold[path]:.2f} s", flush=True)
        out["first_visits_s"] = cold
        out["warm_country_page"] = warm_country(port)
        print("warm /countries/KAZ:", out["warm_country_page"], flush=True)
    finally:
        proc.terminate()
        proc.wait(20)
    # a new process: derived results on disk (Store.cached), nothing in memory
    proc, port = start_server(home, args.workers)
    out["workers"] = args.workers
    try:
        out["new_process_first_country_page_s"] = round(settle(port, "/countries/KAZ"), 2)
        print("new process, first /countries/KAZ:", out["new_process_first_country_page_s"], "s", flush=True)
        for _ in range(2 * args.workers):  # every worker process builds its own jobs once
            for path, _ in MIX:
                settle(port, path)
        out["load"] = load(port, args.users, args.seconds)
        print(json.dumps(out["load"], indent=1), flush=True)
        out["warm_country_page_after_load"] = warm_country(port, 100)
    finally:
        proc.terminate()
        proc.wait(20)
        if tmp is not None:
            tmp.cleanup()
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    print(json.dumps({k: v for k, v in out.items() if k != "load"}, indent=1))


if __name__ == "__main__":
    main()
