"""Faults, with real processes and signals: a kill during first use, Ctrl-C / SIGTERM / kill -9
during a rebuild, a read-only store folder, a full disk. After each the store is intact (or
absent and rebuilt on the next use) and no child process survives."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest

from multivector.errors import StoreError
from multivector.starter_pack import manifest, pack_digest
from multivector.store import Store

CLI = [sys.executable, "-m", "multivector.cli"]
PACK_TABLES = sorted(t for e in manifest()["sources"].values() for t in e["tables"])


def env_for(home: Path) -> dict[str, str]:
    return {**os.environ, "MULTIVECTOR_HOME": str(home)}


def run(home: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], env=env_for(home), capture_output=True, text=True, timeout=timeout)


def state(path: Path) -> tuple:
    """What identifies the store file's contents: a write replaces the file (new inode) or at
    least changes its time and size; plus whatever else lies in its folder."""
    st = path.stat()
    return (st.st_ino, st.st_mtime_ns, st.st_size, sorted(p.name for p in path.parent.iterdir()))


def assert_complete(path: Path) -> None:
    store = Store(path)
    prov = store.provenance()
    assert sorted(set(PACK_TABLES) - set(prov["tbl"].to_list())) == []
    assert sorted(set(PACK_TABLES) - set(store.tables())) == []
    assert store.table("atop_dyad_year").height > 0


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def wait_gone(pids: list[int], timeout: float = 15) -> list[int]:
    deadline = time.monotonic() + timeout
    alive = pids
    while time.monotonic() < deadline:
        alive = [p for p in pids if Path(f"/proc/{p}").exists() and "Z" not in _stat(p)]
        if not alive:
            return []
        time.sleep(0.2)
    return alive


def _stat(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return "Z"


@pytest.fixture(scope="module")
def pack_store(tmp_path_factory) -> Path:
    """A store filled from the starter pack once; tests work on copies of it."""
    path = tmp_path_factory.mktemp("pack") / "multivector.duckdb"
    Store(path).initialize()
    return path


def copy_store(pack_store: Path, home: Path) -> Path:
    import shutil

    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pack_store, home / "multivector.duckdb")
    (home / "multivector.duckdb.lock").touch()
    return home / "multivector.duckdb"


# -- first use ----------------------------------------------------------------------------------------


def test_kill_during_first_use_leaves_no_half_filled_store(tmp_path):
    """SIGKILL while the starter pack is being loaded: no store, or a complete one — never an empty
    one with a fingerprint that stops it being filled. The next use works."""
    home = tmp_path / "home"
    p = subprocess.Popen([*CLI, "data", "status"], env=env_for(home), stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(home.glob(".multivector.duckdb.*.new")) and p.poll() is None:
        time.sleep(0.01)
    assert p.poll() is None, "first use finished before it could be interrupted"
    time.sleep(0.15)  # inside the load
    p.kill()
    p.wait(timeout=30)
    store = home / "multivector.duckdb"
    assert not store.exists(), "a killed first use must not leave a store behind"
    res = run(home, "panel", "KAZ", "--partners", "CHN", "--years", "2000-2001", "--add", "alliances",
              "-o", str(tmp_path / "p.csv"))
    assert res.returncode == 0, res.stderr
    assert pl.read_csv(tmp_path / "p.csv")["atop_defense"].null_count() == 0
    assert_complete(store)
    assert not list(home.glob(".multivector.duckdb.*")), "the killed process's temporary copy is removed"


def _old_half_store(path: Path) -> None:
    """What a kill during first use left with an older version: the fingerprint, and no data."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE _meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO _meta VALUES ('pack_digest', ?)", [pack_digest()])
    con.close()


def test_half_initialised_store_of_an_older_version_is_repaired(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    _old_half_store(home / "multivector.duckdb")
    res = run(home, "panel", "KAZ", "--partners", "CHN,RUS", "--years", "2010-2011", "--add", "alliances,igos",
              "-o", str(tmp_path / "p.csv"))
    assert res.returncode == 0, res.stderr
    assert pl.read_csv(tmp_path / "p.csv")["dyadigos"].null_count() == 0
    assert_complete(home / "multivector.duckdb")


def test_a_missing_pack_table_is_reloaded_and_user_imports_are_kept(tmp_path, pack_store):
    path = copy_store(pack_store, tmp_path)
    store = Store(path)
    from multivector.sources.timeline import META

    mine = store.table("timeline").head(3)
    store.import_tables(META, {"timeline": mine}, origin="import", input_path="mine.csv")
    with store.connect(write=True) as con:  # damage: a pack table gone, its provenance left
        con.execute("DROP TABLE igo_dyad_year")
    assert_complete(path)
    fresh = Store(path)
    assert fresh.table("timeline").height == 3
    assert fresh.provenance().filter(pl.col("tbl") == "timeline")["origin"].to_list() == ["import"]


# -- rebuild: interrupted, killed, bad keys -----------------------------------------------------------


@pytest.fixture()
def rebuild_home(tmp_path, shared_data, pack_store) -> Path:
    home = tmp_path / "home"
    copy_store(pack_store, home)
    return home


def _start_rebuild(home: Path, shared_data: Path) -> tuple[subprocess.Popen, list[int]]:
    p = subprocess.Popen([*CLI, "data", "rebuild", "--from", str(shared_data), "--jobs", "2",
                          "--only", "unvotes,cow_igo,cow_distance,cow_nmc,atop"],
                         env=env_for(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    deadline = time.monotonic() + 120
    kids: list[int] = []
    while time.monotonic() < deadline and p.poll() is None:
        kids = children_of(p.pid)
        if len(kids) >= 3:  # two workers and multiprocessing's resource tracker
            break
        time.sleep(0.05)
    time.sleep(1.0)  # the workers are reading
    kids = sorted(set(kids) | set(children_of(p.pid)))
    assert p.poll() is None, "the rebuild finished before it could be interrupted"
    assert len(kids) >= 2
    return p, kids


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_interrupted_rebuild_cleans_up_and_says_one_line(rebuild_home, shared_data, how):
    store = rebuild_home / "multivector.duckdb"
    before = state(store)
    p, kids = _start_rebuild(rebuild_home, shared_data)
    if how == "ctrl-c":
        os.killpg(p.pid, signal.SIGINT)  # as a terminal does: the whole foreground group
    else:
        os.kill(p.pid, signal.SIGTERM)
    out, err = p.communicate(timeout=60)
    assert p.returncode == (130 if how == "ctrl-c" else 143), err
    assert err.strip().splitlines() == ["interrupted: rebuild stopped; the store is unchanged"], err
    assert wait_gone(kids) == [], "no worker may outlive the rebuild"
    assert state(store) == before, "the store (and its folder) exactly as before"
    assert_complete(store)


def test_kill_9_during_rebuild_leaves_no_workers_and_the_store_intact(rebuild_home, shared_data):
    store = rebuild_home / "multivector.duckdb"
    before = state(store)
    p, kids = _start_rebuild(rebuild_home, shared_data)
    p.kill()
    p.wait(timeout=30)
    assert wait_gone(kids) == [], "workers must die with their parent, even after kill -9"
    assert state(store)[:3] == before[:3], "the store file itself is untouched"
    assert run(rebuild_home, "data", "status").returncode == 0
    assert state(store) == before, "the killed rebuild's temporary copy is removed on the next use"


def test_rebuild_refuses_unknown_sources(rebuild_home, shared_data):
    store = rebuild_home / "multivector.duckdb"
    before = state(store)
    res = run(rebuild_home, "data", "rebuild", "--from", str(shared_data), "--only", "bogus")
    assert res.returncode == 2
    assert "bogus" in res.stderr and "atop" in res.stderr and "unvotes" in res.stderr and "Traceback" not in res.stderr
    assert "rebuilt 0" not in res.stdout
    assert state(store) == before


def unmount(path: Path) -> None:
    """Unmount a test's mount: close this process's lingering store readers first (an open file
    keeps a mount busy), and detach it lazily if it is still busy."""
    from multivector.store import _close_all_readers

    _close_all_readers()
    if subprocess.run(["umount", str(path)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


# -- a read-only store folder -------------------------------------------------------------------------


@pytest.fixture(params=["lock file present", "no lock file"])
def read_only_home(request, tmp_path, pack_store):
    """A store in a folder this process cannot write: a read-only bind mount when we may mount
    (root), else a folder without write permission (a normal user)."""
    src = tmp_path / "src"
    copy_store(pack_store, src)
    if request.param == "no lock file":
        (src / "multivector.duckdb.lock").unlink()
    ro = tmp_path / "ro"
    ro.mkdir()
    mounted = False
    if os.geteuid() == 0:
        ok = subprocess.run(["mount", "--bind", str(src), str(ro)], capture_output=True).returncode == 0
        if ok:
            mounted = True
            if subprocess.run(["mount", "-o", "remount,bind,ro", str(ro)], capture_output=True).returncode != 0:
                subprocess.run(["umount", str(ro)])
                pytest.skip("cannot remount a bind mount read-only here")
        else:
            pytest.skip("running as root without permission to mount: a read-only folder cannot be made")
    else:
        ro.rmdir()
        src.rename(ro)
        for f in ro.iterdir():
            f.chmod(0o444)
        ro.chmod(0o555)
    try:
        yield ro
    finally:
        if mounted:
            unmount(ro)
        else:
            ro.chmod(0o755)


def test_a_read_only_store_can_be_read_but_not_written(read_only_home, tmp_path):
    assert not os.access(read_only_home, os.W_OK)
    res = run(read_only_home, "panel", "KAZ", "--partners", "CHN", "--years", "2000-2002", "--add", "alliances,igos",
              "-o", str(tmp_path / "p.csv"))
    assert res.returncode == 0, res.stderr
    assert pl.read_csv(tmp_path / "p.csv").height == 3
    store = Store(read_only_home / "multivector.duckdb")
    assert store.table("atop_dyad_year").height > 0
    from multivector.sources.timeline import META

    with pytest.raises(StoreError, match="read-only"):
        store.import_tables(META, {"timeline": store.table("timeline").head(2)})
    res = run(read_only_home, "data", "reset")
    assert res.returncode == 2 and "read-only" in res.stderr and "Traceback" not in res.stderr


# -- a full disk ----------------------------------------------------------------------------------------


@pytest.fixture()
def small_disk(tmp_path, pack_store):
    """A small tmpfs (needs root and permission to mount) holding the starter-pack store, with room for
    one copy of it (every write makes one) and a few MB more."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    size_mb = 2 * pack_store.stat().st_size // 2**20 + 8
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(mnt)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root): the full-disk case is not exercised")
    try:
        copy_store(pack_store, mnt)
        yield mnt
    finally:
        unmount(mnt)


def _big_table(rows: int) -> pl.DataFrame:
    rng = np.random.default_rng(1)  # random doubles: DuckDB cannot compress them away
    return pl.DataFrame({"code": [f"c{i}" for i in range(rows)], "value": rng.random(rows), "more": rng.random(rows)})


def test_full_disk_refused_before_writing(small_disk):
    from multivector.sources.cameo import META

    store = Store(small_disk / "multivector.duckdb")
    before = state(store.path)
    with pytest.raises(StoreError, match="MB free"):
        store.import_tables(META, {"goldstein_scale": _big_table(2_000_000)})
    assert state(store.path) == before


def test_full_disk_during_the_write_leaves_the_store_as_it_was(small_disk):
    from multivector.sources.cameo import META

    store = Store(small_disk / "multivector.duckdb")
    before = state(store.path)
    atop_rows = store.table("atop_dyad_year").height
    items = ((META, {"goldstein_scale": _big_table(2_000_000)}, None, "big") for _ in range(1))  # size unknown up front
    with pytest.raises(StoreError, match="full"):
        store.import_many(items)
    assert state(store.path) == before, "store unchanged, temporary copy removed"
    fresh = Store(store.path)
    assert fresh.table("atop_dyad_year").height == atop_rows
    # the space is free again: a small import works
    from multivector.sources.timeline import META as TL

    fresh.import_tables(TL, {"timeline": fresh.table("timeline").head(5)})
    assert Store(store.path).table("timeline").height == 5
