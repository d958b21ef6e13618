"""Background jobs of the dashboard: every computation a page or the API asks for (a country's
profile, a simulator ensemble, a corridor scenario) runs as a job with an id, its progress and
its result kept in memory.

Two lanes, each one worker thread, so that work is serialised where it must be:

* ``data`` — anything that reads the store (country profiles, simulator runs, which calibrate
  from the panel). In one process every read of a store goes through one shared DuckDB
  connection, and the derived-results cache (``Store.cached``) writes one temporary file per
  process: two builds at once would only queue on the connection or race on that file.
* ``model`` — the corridor model (no store; CPU-bound Monte Carlo and linear programmes).

A job is known by its key (what it computes, with the data version where the store is read):
asking again for the same key while it runs joins it; once done, it is answered from memory
until evicted (least recently used, at most :data:`KEEP` jobs per board). Finished jobs that
failed with a user's mistake keep their message; unexpected failures are logged with a reference
and shown without a traceback.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from multivector.errors import MultivectorError

log = logging.getLogger("multivector.web")

KEEP = 96
#: at most this many jobs wait in one lane; more are refused (HTTP 503 with Retry-After)
MAX_QUEUED = 24
#: a failed job is forgotten after this many seconds, so that asking again retries it
FAILED_TTL_S = 30.0

Progress = Callable[[float, str], None]


class Busy(MultivectorError):
    """Too many jobs are waiting: the client should try again shortly."""

    status = 503


@dataclass
class Job:
    id: str
    kind: str
    lane: str
    key: tuple
    params: dict
    status: str = "queued"  # queued | running | done | failed
    progress: float = 0.0
    step: str = "waiting for the worker"
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    result: Any = None
    error: dict | None = None
    error_status: int = 422
    done_event: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def finished_ok(self) -> bool:
        return self.status == "done"

    def to_dict(self, position: int | None = None) -> dict:
        now = time.time()
        out = {
            "id": self.id, "kind": self.kind, "status": self.status, "progress": round(self.progress, 3),
            "step": self.step, "params": self.params,
            "elapsed_s": round((self.finished or now) - (self.started or now), 3) if self.started else 0.0,
            "queued_s": round((self.started or now) - self.created, 3),
        }
        if position is not None and self.status == "queued":
            out["jobs_ahead"] = position
        if self.error is not None:
            out["error"] = self.error
        return out


def job_id(kind: str, key: tuple) -> str:
    """A job's id: its kind and a digest of its key (the same question gets the same id)."""
    return f"{kind}-{hashlib.sha256(repr(key).encode()).hexdigest()[:16]}"


def _error_payload(exc: BaseException) -> tuple[dict, int]:
    if isinstance(exc, MultivectorError):
        message = str(exc).strip()
        hint = getattr(exc, "hint", None)
        if hint and "\n  What to do:" in message:
            message = message.split("\n  What to do:")[0]
        code = getattr(exc, "status", None) or 422
        name = type(exc).__name__
        kind = {"UnknownCountryError": "unknown_country", "NotAStateError": "not_a_state", "ScenarioError": "invalid_scenario",
                "Busy": "busy", "ResourceError": "too_large"}.get(name, "invalid_input")
        if name == "UnknownCountryError":
            code = 404
        return ({"error": kind, "message": message, **({"hint": hint} if hint else {})}, code)
    ref = secrets.token_hex(4)
    log.error("job failed (reference %s)", ref, exc_info=exc)
    return ({"error": "internal", "message": f"the computation failed (reference {ref})",
             "hint": "the server log has the details under this reference"}, 500)


class Lane:
    """One worker thread running jobs in the order they were asked for."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.queue: queue.Queue[tuple[Job, Callable[[Progress], Any]] | None] = queue.Queue()
        self.waiting: list[str] = []
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def submit(self, job: Job, fn: Callable[[Progress], Any]) -> None:
        with self.lock:
            if len(self.waiting) >= MAX_QUEUED:
                raise Busy(f"the server has {len(self.waiting)} computations waiting; try again in a few seconds")
            self.waiting.append(job.id)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._work, name=f"mv-jobs-{self.name}", daemon=True)
                self.thread.start()
        self.queue.put((job, fn))

    def position(self, job: Job) -> int | None:
        with self.lock:
            try:
                return self.waiting.index(job.id)
            except ValueError:
                return None

    def _work(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            job, fn = item
            with self.lock:
                if job.id in self.waiting:
                    self.waiting.remove(job.id)
            job.status, job.started, job.step = "running", time.time(), "starting"

            def progress(fraction: float, step: str = "", job: Job = job) -> None:
                job.progress = max(job.progress, min(1.0, max(0.0, float(fraction))))
                if step:
                    job.step = step

            try:
                job.result = fn(progress)
                job.progress, job.step, job.status = 1.0, "done", "done"
            except BaseException as exc:  # noqa: BLE001 - every failure is reported on the job
                job.error, job.error_status = _error_payload(exc)
                job.status, job.step = "failed", "failed"
            finally:
                job.finished = time.time()
                job.done_event.set()

    def stop(self) -> None:
        self.queue.put(None)


class JobBoard:
    """The jobs of one app: find-or-start by key, look up by id, keep the recent ones."""

    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self.jobs: OrderedDict[str, Job] = OrderedDict()
        self.lock = threading.Lock()
        self.lanes = {"data": Lane("data"), "model": Lane("model")}

    def get(self, jid: str) -> Job | None:
        with self.lock:
            job = self.jobs.get(jid)
            if job is not None:
                self.jobs.move_to_end(jid)
            return job

    def start(self, kind: str, lane: str, key: tuple, params: dict, fn: Callable[[Progress], Any]) -> Job:
        """The job computing ``key``: the one already known (running or done), or a new one."""
        jid = job_id(kind, key)
        with self.lock:
            job = self.jobs.get(jid)
            if job is not None and job.status == "failed" and (time.time() - (job.finished or 0)) > FAILED_TTL_S:
                del self.jobs[jid]
                job = None
            if job is not None:
                self.jobs.move_to_end(jid)
                return job
            job = Job(id=jid, kind=kind, lane=lane, key=key, params=params)
            self.lanes[lane].submit(job, fn)  # may raise Busy (nothing recorded then)
            self.jobs[jid] = job
            self._evict()
            return job

    def _evict(self) -> None:
        while len(self.jobs) > self.keep:
            for jid, job in self.jobs.items():  # the least recently used finished job
                if job.status in ("done", "failed"):
                    del self.jobs[jid]
                    break
            else:
                return

    def position(self, job: Job) -> int | None:
        return self.lanes[job.lane].position(job)

    def status(self, job: Job) -> dict:
        return job.to_dict(self.position(job))

    def stop(self) -> None:
        for lane in self.lanes.values():
            lane.stop()


def wait(job: Job, seconds: float) -> bool:
    """Wait up to ``seconds`` for ``job`` to finish; whether it has."""
    if job.status in ("done", "failed"):
        return True
    return job.done_event.wait(max(0.0, seconds))
