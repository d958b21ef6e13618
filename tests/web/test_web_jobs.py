"""The dashboard's background jobs: one question is one job, a lane runs one job at a time,
progress and errors are reported, and a full queue refuses more work instead of growing."""

from __future__ import annotations

import threading
import time

import pytest

from multivector.errors import PanelError
from multivector.web import jobs as J


def test_the_same_key_joins_the_running_job_and_runs_once():
    board = J.JobBoard()
    calls = []
    gate = threading.Event()

    def work(progress):
        calls.append(1)
        progress(0.5, "half way")
        gate.wait(5)
        return {"api": {"answer": 42}}

    a = board.start("t", "data", ("k", 1), {}, work)
    b = board.start("t", "data", ("k", 1), {}, work)
    assert a is b and a.id == J.job_id("t", ("k", 1))
    deadline = time.monotonic() + 5
    while a.step != "half way" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert a.status == "running" and a.progress == 0.5
    gate.set()
    assert J.wait(a, 5) and a.status == "done" and a.result == {"api": {"answer": 42}}
    assert len(calls) == 1 and a.progress == 1.0


def test_a_lane_never_runs_two_jobs_at_once():
    board = J.JobBoard()
    running, overlaps = [0], []
    lock = threading.Lock()

    def work(progress):
        with lock:
            running[0] += 1
            overlaps.append(running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
        return {"api": {}}

    jobs = [board.start("t", "data", ("k", i), {}, work) for i in range(6)]
    assert all(J.wait(j, 10) for j in jobs)
    assert max(overlaps) == 1  # serialised: the store's one connection is never asked twice at once
    assert [j.status for j in jobs] == ["done"] * 6


def test_a_users_mistake_is_reported_on_the_job_without_a_traceback():
    board = J.JobBoard()

    def bad(progress):
        raise PanelError("no data on any channel for XYZ in 1992–1993")

    job = board.start("t", "data", ("bad",), {}, bad)
    assert J.wait(job, 5) and job.status == "failed"
    assert job.error_status == 422 and job.error["message"].startswith("no data on any channel")
    assert "Traceback" not in str(job.to_dict())


def test_an_unexpected_failure_gets_a_reference_not_the_exception():
    board = J.JobBoard()

    def broken(progress):
        raise ZeroDivisionError("secret internals")

    job = board.start("t", "model", ("broken",), {}, broken)
    assert J.wait(job, 5)
    assert job.error_status == 500 and "reference" in job.error["message"] and "secret" not in str(job.error)


def test_a_full_queue_refuses_more_work(monkeypatch):
    monkeypatch.setattr(J, "MAX_QUEUED", 2)
    board = J.JobBoard()
    gate = threading.Event()
    first = board.start("t", "data", ("block",), {}, lambda p: gate.wait(5))
    deadline = time.monotonic() + 5
    while first.status != "running" and time.monotonic() < deadline:
        time.sleep(0.01)
    board.start("t", "data", ("q", 1), {}, lambda p: None)
    board.start("t", "data", ("q", 2), {}, lambda p: None)
    with pytest.raises(J.Busy, match="waiting"):
        board.start("t", "data", ("q", 3), {}, lambda p: None)
    assert board.status(board.get(J.job_id("t", ("q", 2))))["jobs_ahead"] == 1
    gate.set()


def test_finished_jobs_are_forgotten_least_recently_used_first():
    board = J.JobBoard(keep=3)
    jobs = [board.start("t", "model", ("k", i), {}, lambda p: {"api": {}}) for i in range(5)]
    assert all(J.wait(j, 5) for j in jobs)
    board.start("t", "model", ("k", 99), {}, lambda p: {"api": {}})
    assert len(board.jobs) <= 3 and board.get(jobs[0].id) is None
