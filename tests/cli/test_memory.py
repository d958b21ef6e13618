"""Work that cannot fit in memory is refused before anything is allocated, with the estimate and what to do."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from multivector.errors import ResourceError
from multivector.sim.ensemble import available_memory, ensemble_memory, sensitivity_memory


def test_the_estimate_matches_the_measured_peak():
    """Peak resident memory of a real ensemble (in a fresh process) against the estimate."""
    code = (
        "import sys\n"
        "from multivector.sim.ensemble import run_ensemble\n"
        "def hwm():\n"
        "    return next(int(l.split()[1]) * 1024 for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
        "run_ensemble('baseline', runs=10, years=2, calibrate=False)\n"  # imports and first-call costs
        "base = hwm()\n"
        "run_ensemble('baseline', runs=6000, years=40, seed=1, calibrate=False)\n"
        "print(hwm() - base)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    measured = int(res.stdout.strip())
    estimate = ensemble_memory(6000, 40, 1, 5)
    assert 0.7 * measured <= estimate <= 1.5 * measured, (estimate, measured)


def test_the_estimate_grows_with_every_dimension():
    base = ensemble_memory(1000, 30, 1, 5)
    assert ensemble_memory(2000, 30, 1, 5) == pytest.approx(2 * base, rel=0.01)
    # the working arrays of the chunks in flight do not grow with the years
    assert 1.8 * base < ensemble_memory(1000, 61, 1, 5) < 2 * base
    assert ensemble_memory(1000, 30, 2, 5) == pytest.approx(2 * base, rel=0.01)
    assert ensemble_memory(1000, 30, 1, 10) > 1.9 * base
    assert ensemble_memory(1000, 30, 1, 5, write=True) > base
    assert 2.5 * base < ensemble_memory(1000, 30, 1, 5, ensembles=3) < 3 * base  # 3 held, chunks written in place
    assert ensemble_memory(1000, 30, 1, 5, backend="dask") > 1.8 * base  # dask: the chunks are concatenated
    assert sensitivity_memory(2**17, 30, 13, 30) > 1.9 * sensitivity_memory(2**16, 30, 13, 30)


def test_available_memory_reads_the_machine_and_honours_the_override(monkeypatch):
    assert available_memory() > 64 * 2**20
    monkeypatch.setenv("MULTIVECTOR_MAX_MEMORY", "512M")
    assert available_memory() == 512 * 2**20
    monkeypatch.setenv("MULTIVECTOR_MAX_MEMORY", "2g")
    assert available_memory() == 2 * 2**30
    monkeypatch.setenv("MULTIVECTOR_MAX_MEMORY", "lots")
    with pytest.raises(ResourceError, match="MULTIVECTOR_MAX_MEMORY"):
        available_memory()


def test_the_api_refuses_before_allocating(monkeypatch):
    from multivector.sim.analysis import compare, sensitivity
    from multivector.sim.ensemble import run_ensemble

    monkeypatch.setenv("MULTIVECTOR_MAX_MEMORY", "100M")
    t0 = time.perf_counter()
    with pytest.raises(ResourceError) as exc:
        run_ensemble("baseline", runs=50_000, years=100, calibrate=False)
    assert time.perf_counter() - t0 < 2  # refused, not attempted
    msg = str(exc.value)
    assert "50,000 runs × 100 years" in msg and "MB" in msg and "fewer runs" in msg and "at most about" in msg
    with pytest.raises(ResourceError, match="3 ensembles"):
        compare(["baseline", "china-coercive", "russia-pressure"], runs=20_000, years=100, calibrate=False)
    with pytest.raises(ResourceError, match="base sample"):
        sensitivity("china-coercive", n=200_000, years=10, calibrate=False)
    # what the message says fits does fit
    most = int(msg.split("at most about ")[1].split(" ")[0].replace(",", ""))
    assert 1_000 < most < 50_000
    run_ensemble("baseline", runs=min(most, 2_000), years=100, calibrate=False)


def test_the_cli_counts_the_written_table_too(cli, tmp_path, monkeypatch):
    runs = 2_000
    limit = int(ensemble_memory(runs, 30, 1, 5) / 0.8 * 1.05)  # fits running, not writing
    assert ensemble_memory(runs, 30, 1, 5, write=True) > 0.8 * limit
    monkeypatch.setenv("MULTIVECTOR_MAX_MEMORY", str(limit))
    assert cli(["simulate", "baseline", "--uncalibrated", "-n", str(runs), "-y", "30"]).code == 0
    res = cli(["simulate", "baseline", "--uncalibrated", "-n", str(runs), "-y", "30", "-o", str(tmp_path / "r.parquet")])
    assert res.code == 2 and "memory" in res.err and not (tmp_path / "r.parquet").exists()
