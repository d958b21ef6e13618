"""The local store: one embedded DuckDB database with every imported table and its provenance.

* Location: ``$MULTIVECTOR_HOME/multivector.duckdb`` (default: the user data directory), or the
  path given to :class:`Store` / the CLI's ``--home`` option.
* First use loads the bundled starter pack, so everything works offline on a fresh machine. The
  store is built in a temporary file and renamed into place only when complete, so a process
  killed during first use leaves no store (the next use starts again), never a half-filled one.
  A store that is nonetheless incomplete (made by an older version, or damaged) is detected on
  open and its missing starter-pack tables are reloaded.
* Imports are atomic: the new tables and their provenance are written into a copy of the store,
  in one transaction, and the copy replaces the store only when it is complete. A failure — a bad
  row, a full disk, Ctrl-C, even ``kill -9`` — leaves the store exactly as it was (a leftover copy
  from a killed process is deleted on the next use).
* Provenance is kept per table: one row per stored table says which source, version, input file
  and origin (starter pack, import, fetch, rebuild) produced it. Importing one table of a
  two-table source (cameo, gravity) replaces that table and its row and keeps the other's.
* Every dyad-year and state-year table is stored with its packed join key (:mod:`multivector.keys`),
  after a check that every code and year fits the key (a row that does not is refused, never
  packed onto another country's key).
* Several processes may use the store at once, and no reader ever waits or makes a writer wait:
  a write never changes the store file in place — it builds a new file and renames it over the
  old one — so a reader reads either the old file or the new one, whole. Each process keeps one
  read connection per store file and reopens it when the file has been replaced. Writers take
  turns through an exclusive lock (``fcntl.flock`` on ``multivector.duckdb.lock``); one that waits
  too long gets a clear :class:`~multivector.errors.StoreError`.
* A store in a read-only folder can be read (readers take no lock); writing to it is a clear
  StoreError.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl

from multivector import config
from multivector import keys as K
from multivector.errors import DataError, StoreError
from multivector.sources.base import SourceMeta

PROVENANCE = "_provenance"
#: how long a writer waits for another process's write to finish
LOCK_TIMEOUT_S = float(os.environ.get("MULTIVECTOR_LOCK_TIMEOUT", "120"))

_PROVENANCE_DDL = f"""
CREATE TABLE IF NOT EXISTS {PROVENANCE} (
    source VARCHAR, tbl VARCHAR, name VARCHAR, version VARCHAR, url VARCHAR, licence VARCHAR,
    citation VARCHAR, bibtex VARCHAR, unit VARCHAR, coverage_start INTEGER, coverage_end INTEGER,
    origin VARCHAR, input VARCHAR, rows BIGINT, imported_at VARCHAR
)"""
_META_DDL = "CREATE TABLE IF NOT EXISTS _meta (key VARCHAR PRIMARY KEY, value VARCHAR)"

#: what a store holds, in one query: the starter-pack fingerprint, the tables provenance names,
#: the tables that exist
_STATE_SQL = f"""
SELECT (SELECT value FROM _meta WHERE key = 'pack_digest'),
       (SELECT list(tbl) FROM {PROVENANCE}),
       (SELECT list(table_name) FROM duckdb_tables() WHERE database_name = current_database())
"""


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    """A query's result as Polars, through Arrow."""
    return pl.from_arrow(con.sql(sql, params=params or None).to_arrow_table())


def _is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return "No space left on device" in str(exc) or "Disk quota exceeded" in str(exc)


def _mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB"


class _WriterLock:
    """The lock writers take turns with (POSIX flock on a file beside the store; readers never
    take it). A no-op where flock does not exist."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextlib.contextmanager
    def hold(self, timeout: float = LOCK_TIMEOUT_S, wait: bool = True) -> Iterator[bool]:
        """Hold the lock; yields False (without it) when ``wait`` is off and another holds it."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            yield True
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(
                f"cannot write to the store folder {self.path.parent} ({exc.strerror}). Reading still works; to "
                "import or change data, set MULTIVECTOR_HOME (or --home) to a writable folder."
            ) from None
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if not wait:
                        yield False
                        return
                    if time.monotonic() > deadline:
                        raise StoreError(
                            f"the store {self.path.with_suffix('')} is busy: another multivector process has been "
                            f"writing to it for over {timeout:.0f} s. Wait for it to finish, or set MULTIVECTOR_HOME "
                            "to use another store."
                        ) from None
                    time.sleep(0.02)
            yield True
        finally:
            os.close(fd)  # closing the descriptor releases the lock


def _keyed_select(con: duckdb.DuckDBPyConnection, source_sql: str, table: str = "") -> str:
    """SELECT that adds the packed join key the panel uses and orders rows by it: ``_dkey`` for
    dyad-year tables (ccode1, ccode2, year), ``_skey`` for state-year tables (ccode, year).

    Every row's codes and year are checked first: a row that cannot be packed (a code ≥ 1024, a
    year ≥ 4096, a null) is refused with a DataError naming the table, row, field and value."""
    cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source_sql}").fetchall()]
    kind = K.key_kind(cols)
    if kind is None:
        return f"SELECT * FROM {source_sql}"
    bad = con.execute(K.unpackable_sql(source_sql, kind)).fetchall()
    if bad:
        row, field, value = bad[0]
        raise DataError(
            f"{field} = {value if value is not None else 'null'} in table {table or '(new)'} cannot be stored: "
            "country codes must be "
            f"0–{K.CODE_LIMIT - 1} and years 0–{K.YEAR_LIMIT - 1}, and neither may be missing (the store joins "
            "tables on a key packed from them; a value outside would change another country's data)",
            row=int(row), field=field,
            hint="fix or drop the row before importing",
        )
    if kind == "dyad":
        return f"SELECT *, {K.DYAD_KEY_SQL} AS _dkey FROM {source_sql} ORDER BY _dkey"
    return f"SELECT *, {K.STATE_KEY_SQL} AS _skey FROM {source_sql} ORDER BY _skey"


class _Reader:
    """This process's read connection to one store file, shared by every Store object for that
    path (DuckDB keeps one database instance per path and process, so two connections to the
    same path would share it anyway — including a stale one after the file was replaced)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.con: duckdb.DuckDBPyConnection | None = None
        self.file: tuple[int, int, int] | None = None

    def close(self) -> None:
        with self.lock:
            if self.con is not None:
                with contextlib.suppress(Exception):
                    self.con.close()
                self.con, self.file = None, None

    @contextlib.contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.lock:
            now = _file_id(self.path)
            if self.con is not None and self.file != now:
                self.close()  # the store was replaced by a write: read the new file
            if self.con is None:
                self.con = _open_read_only(self.path)
                self.file = now
            yield self.con


_readers: dict[Path, _Reader] = {}
_readers_lock = threading.Lock()


def _reader_for(path: Path) -> _Reader:
    with _readers_lock:
        key = path.absolute()
        if key not in _readers:
            _readers[key] = _Reader(path)
        return _readers[key]


def _close_all_readers() -> None:
    """Close this process's read connections (at exit, and before unmounting a test's folder)."""
    with _readers_lock:
        readers = list(_readers.values())
    for r in readers:
        r.close()


def _forget_readers_in_child() -> None:
    """A forked child must not use its parent's DuckDB connections: it opens its own."""
    global _readers, _readers_lock
    _readers, _readers_lock = {}, threading.Lock()


import atexit  # noqa: E402

atexit.register(_close_all_readers)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_readers_in_child)


def _file_id(path: Path) -> tuple[int, int, int]:
    """What identifies one version of the store file: a write replaces the file, so its inode,
    modification time and size change."""
    try:
        st = path.stat()
    except OSError:
        return (0, 0, 0)
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _open_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + LOCK_TIMEOUT_S
    while True:
        try:
            return duckdb.connect(str(path), read_only=True)
        except duckdb.IOException as exc:
            # only a process of an older multivector writes in place (and holds DuckDB's lock)
            if "lock" in str(exc).lower() and time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            raise StoreError(f"the store {path} cannot be opened ({exc}).") from None
        except duckdb.Error as exc:
            raise StoreError(
                f"the store {path} cannot be opened ({exc}). If it is damaged, delete it: it will be rebuilt "
                "from the starter pack (imports must then be repeated)."
            ) from None


class Store:
    """The DuckDB store. Cheap to create: connections are opened per operation."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path).expanduser() if path else config.store_path()
        self._lock = _WriterLock(self.path.with_name(self.path.name + ".lock"))
        self._cache: dict[str, tuple[tuple, object]] = {}
        self._prov: tuple[tuple, pl.DataFrame] | None = None
        self._checked = False

    # -- connections ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _read_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """This process's read connection to the store (kept open, reopened when the file was
        replaced; opening one costs ~20 ms, and a panel makes a dozen queries)."""
        with _reader_for(self.path).connection() as con:
            yield con

    def writable(self) -> bool:
        """Whether this process may write the store (its folder, and the file if it exists)."""
        folder = self.path.parent
        if not folder.exists():
            return os.access(next((p for p in folder.parents if p.exists()), Path("/")), os.W_OK)
        return os.access(folder, os.W_OK) and (not self.path.exists() or os.access(self.path, os.W_OK))

    def _require_writable(self, what: str) -> None:
        if not self.writable():
            raise StoreError(
                f"cannot {what}: the store folder {self.path.parent} is read-only. Reading the store still "
                "works; to change it, set MULTIVECTOR_HOME (or --home) to a writable folder (copy "
                f"{self.path.name} there to keep its data)."
            )

    def _temp_paths(self) -> list[Path]:
        """Leftover copies of the store from writers that died (see :meth:`_writing_copy`)."""
        return sorted(self.path.parent.glob(f".{self.path.name}.*.new*"))

    def _remove_stale_copies(self) -> None:
        """Delete copies left by a killed writer. Call only while holding the writer lock: a live
        writer holds it, so no copy can then be in use."""
        for p in self._temp_paths():
            with contextlib.suppress(OSError):
                p.unlink()

    def _check_store(self) -> None:
        """Once per Store object: make sure the store holds the whole installed starter pack.

        Reloads the starter-pack tables if multivector was upgraded (the pack's fingerprint
        differs), and any pack table that is missing — a store half-filled by a killed process of
        an older version is repaired here. Never touches a source the user imported or fetched."""
        if self._checked:
            return
        self._checked = True
        from multivector.starter_pack import manifest, pack_digest

        with self._read_connection() as con:
            try:
                digest, prov_tables, tables = con.execute(_STATE_SQL).fetchall()[0]
            except duckdb.CatalogException:
                digest, prov_tables, tables = None, [], []
        if self._temp_paths() and self.writable():
            with self._lock.hold(wait=False) as free:
                if free:  # no writer is running: its copies are leftovers of a killed one
                    self._remove_stale_copies()
        present = set(prov_tables or []) & set(tables or [])
        expected = {t for entry in manifest()["sources"].values() for t in entry["tables"]}
        missing = sorted(expected - present)
        outdated = digest != pack_digest()
        if not missing and not outdated:
            return
        if not self.writable():
            if missing:
                raise StoreError(
                    f"the store {self.path} is incomplete (missing {', '.join(missing[:5])}"
                    f"{' …' if len(missing) > 5 else ''}) and its folder is read-only, so it cannot be "
                    "repaired. Set MULTIVECTOR_HOME to a writable folder: a new store is built there."
                )
            return  # an older starter pack, read-only: serve what it has
        self.initialize(refresh=outdated)

    def _open_rw(self, path: Path) -> duckdb.DuckDBPyConnection:
        try:
            return duckdb.connect(str(path))
        except duckdb.IOException as exc:
            raise StoreError(f"cannot open the store {self.path} for writing: {exc}") from None
        except duckdb.Error as exc:
            raise StoreError(
                f"the store {self.path} cannot be opened ({exc}). It may be damaged: delete it and it "
                "will be rebuilt from the starter pack (imports must then be repeated)."
            ) from None

    @contextlib.contextmanager
    def _exclusive(self, what: str) -> Iterator[None]:
        """Be the only writer (readers are never blocked: writes replace the file)."""
        self._require_writable(what)
        with self._lock.hold():
            self._remove_stale_copies()
            yield

    @contextlib.contextmanager
    def connect(self, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection (default), or a writable one to a copy of the store that
        replaces it when the block ends without an error (``write=True``)."""
        if not self.path.exists():
            self.initialize()
        if not write:
            self._check_store()
            with self._read_connection() as con:
                yield con
            return
        with self._writing_copy("write to the store") as con:
            yield con

    @contextlib.contextmanager
    def _writing_copy(self, what: str, extra_bytes: int = 0) -> Iterator[duckdb.DuckDBPyConnection]:
        """A writable connection to a copy of the store that replaces the store when the block
        ends without an error; on any error (or interrupt) the copy is deleted and the store is
        untouched. ``extra_bytes``: an estimate of what will be added, checked against free space."""
        with self._exclusive(what):
            wal = self.path.with_name(self.path.name + ".wal")  # only ever left by an older version
            size = self.path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
            free = shutil.disk_usage(self.path.parent).free
            if free < size + extra_bytes:
                raise StoreError(
                    f"cannot {what}: the disk holding the store has {_mb(free)} free, and about "
                    f"{_mb(size + extra_bytes)} are needed (a copy of the store, {_mb(size)}, is written and then "
                    "replaces it). Nothing was changed. Free some space, or set MULTIVECTOR_HOME to a folder "
                    "on a larger disk."
                )
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.new")
            con = None
            try:
                shutil.copyfile(self.path, tmp)
                shutil.copymode(self.path, tmp)  # the store keeps its permissions
                if wal.exists():  # the copy applies the log when opened, then checkpoints it
                    shutil.copyfile(wal, tmp.with_name(tmp.name + ".wal"))
                con = self._open_rw(tmp)
                yield con
                con.execute("CHECKPOINT")
                con.close()
                con = None
                with open(tmp, "rb") as fh:
                    os.fsync(fh.fileno())
                wal.unlink(missing_ok=True)  # already applied to the copy: it must not be applied again
                os.replace(tmp, self.path)
                _fsync_dir(self.path.parent)
            except BaseException as exc:
                if con is not None:
                    with contextlib.suppress(Exception):
                        con.close()
                for p in self.path.parent.glob(tmp.name + "*"):
                    with contextlib.suppress(OSError):
                        p.unlink()
                if _is_disk_full(exc):
                    raise StoreError(
                        f"cannot {what}: the disk holding the store ({self.path.parent}) is full. Nothing was "
                        "changed: the store is as it was. Free some space, or set MULTIVECTOR_HOME to a folder "
                        "on a larger disk."
                    ) from None
                if isinstance(exc, duckdb.InterruptException) or (
                    isinstance(exc, RuntimeError) and "interrupted" in str(exc).lower()
                ):
                    raise KeyboardInterrupt from None  # Ctrl-C inside DuckDB
                if isinstance(exc, duckdb.Error):
                    raise StoreError(f"cannot {what}: {exc}. Nothing was changed: the store is as it was.") from None
                raise
        self._cache.clear()
        self._prov = None

    # -- set-up --------------------------------------------------------------------------------

    def initialize(self, *, force: bool = False, refresh: bool = False) -> list[str]:
        """Load every starter-pack table the store lacks (all of them with ``force``; with
        ``refresh``, also every table that came from an older starter pack — never a table the
        user imported or fetched). Returns the sources loaded.

        A new store is built in a temporary file and renamed into place when complete; an existing
        one is updated in a copy, in one transaction that also records the pack's fingerprint, and
        the copy then replaces it. A store that lacks nothing is left untouched."""
        loaded: list[str] | None = None
        if not self.path.exists():
            with self._exclusive("create the store"):
                if not self.path.exists():  # (another process may have made it meanwhile)
                    loaded = self._create()
        if loaded is None:
            if not force and not refresh and not self._pack_missing():
                loaded = []  # nothing to do: the file is left as it is
            else:
                with self._writing_copy("update the store from the starter pack") as con:
                    loaded = self._load_pack(con, force=force, refresh=refresh)
        self._cache.clear()
        self._prov = None
        self._checked = True
        return loaded

    def _pack_missing(self) -> list[str]:
        """Starter-pack tables the store lacks (no provenance row, or no table)."""
        from multivector.starter_pack import manifest

        with self._read_connection() as con:
            try:
                _, prov_tables, tables = con.execute(_STATE_SQL).fetchall()[0]
            except duckdb.CatalogException:
                prov_tables, tables = [], []
        present = set(prov_tables or []) & set(tables or [])
        return sorted({t for e in manifest()["sources"].values() for t in e["tables"]} - present)

    def _create(self) -> list[str]:
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.new")
        try:
            con = self._open_rw(tmp)
            try:
                loaded = self._load_pack(con, force=True)
                con.execute("CHECKPOINT")
            finally:
                con.close()
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
            _fsync_dir(self.path.parent)
            return loaded
        except BaseException as exc:
            for p in self.path.parent.glob(tmp.name + "*"):
                with contextlib.suppress(OSError):
                    p.unlink()
            if _is_disk_full(exc):
                raise StoreError(
                    f"the disk holding the store ({self.path.parent}) is full: the store could not be created. "
                    "Free some space, or set MULTIVECTOR_HOME to a folder on a larger disk."
                ) from None
            raise

    def _load_pack(self, con: duckdb.DuckDBPyConnection, *, force: bool = False, refresh: bool = False) -> list[str]:
        """Load starter-pack tables and record the pack's fingerprint, in ONE transaction."""
        from multivector.starter_pack import manifest, pack_digest, table_path

        man = manifest()["sources"]
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(_PROVENANCE_DDL)
            con.execute(_META_DDL)
            origin = dict(con.execute(f"SELECT tbl, origin FROM {PROVENANCE}").fetchall())
            existing = {r[0] for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}
            loaded = []
            for key, entry in man.items():
                todo = [t for t in entry["tables"]
                        if force or t not in origin or t not in existing or (refresh and origin[t] == "starter pack")]
                for tbl in todo:
                    path = table_path(tbl)
                    src = "read_parquet('" + str(path).replace("'", "''") + "')"
                    con.execute(f'CREATE OR REPLACE TABLE "{tbl}" AS {_keyed_select(con, src, tbl)}')
                    con.execute(f"DELETE FROM {PROVENANCE} WHERE tbl = ?", [tbl])
                    self._insert_provenance(con, entry, tbl, entry["tables"][tbl]["rows"], "starter pack",
                                            entry.get("input", ""))
                if todo:
                    loaded.append(key)
            con.execute("INSERT OR REPLACE INTO _meta VALUES ('pack_digest', ?)", [pack_digest()])
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):
                con.execute("ROLLBACK")
            raise
        return loaded

    @staticmethod
    def _insert_provenance(con, meta: Mapping, tbl: str, rows: int, origin: str, input_: str) -> None:
        con.execute(
            f"INSERT INTO {PROVENANCE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                meta["source"], tbl, meta["name"], meta["version"], meta["url"], meta["licence"],
                meta["citation"], meta.get("bibtex", ""), meta["unit"], meta["coverage_start"],
                meta["coverage_end"], origin, input_, rows,
                datetime.now(timezone.utc).isoformat(timespec="seconds"),
            ],
        )

    # -- writing -------------------------------------------------------------------------------

    def import_tables(
        self,
        meta: SourceMeta,
        tables: Mapping[str, pl.DataFrame],
        *,
        origin: str = "import",
        input_path: str = "",
        coverage: tuple[int, int] | None = None,
    ) -> None:
        """Replace these tables of a source, and their provenance, atomically (all or nothing).

        Tables of the source that are not given (the other file of a two-file source) keep their
        data and provenance."""
        self.import_many([(meta, tables, coverage, input_path)], origin=origin)

    def import_many(
        self,
        items: Iterable[tuple[SourceMeta, Mapping[str, pl.DataFrame], tuple[int, int] | None, str]],
        *,
        origin: str = "import",
    ) -> None:
        """Replace several sources' tables and provenance atomically: either every table is
        replaced or, on any failure or interrupt, none is. ``items`` may be a generator (a rebuild
        writes each source while the others are still being read)."""
        if not self.path.exists():
            self.initialize()
        if isinstance(items, (list, tuple)):
            extra = sum(df.estimated_size() for _, tables, _, _ in items for df in tables.values())
        else:
            extra = 0
        with self._writing_copy("import into the store", extra) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(_PROVENANCE_DDL)
                for meta, tables, coverage, input_path in items:
                    row = meta.as_row() | {"bibtex": meta.bibtex}
                    if coverage:
                        row["coverage_start"], row["coverage_end"] = coverage
                    for name, df in tables.items():
                        con.register("_incoming", df.to_arrow())
                        try:
                            con.execute(f'CREATE OR REPLACE TABLE "{name}" AS {_keyed_select(con, "_incoming", name)}')
                        finally:
                            with contextlib.suppress(Exception):  # keep the first error, not this one's
                                con.unregister("_incoming")
                        con.execute(f"DELETE FROM {PROVENANCE} WHERE tbl = ?", [name])
                        self._insert_provenance(con, row, name, df.height, origin, input_path)
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(Exception):
                    con.execute("ROLLBACK")
                raise

    # -- reading -------------------------------------------------------------------------------

    def tables(self) -> list[str]:
        with self.connect() as con:
            return [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]

    def has(self, name: str) -> bool:
        return name in self.tables()

    def table(self, name: str) -> pl.DataFrame:
        """A whole table as Polars (cached in this process until the store file changes)."""
        mtime = self._mtime()
        hit = self._cache.get(name)
        if hit and hit[0] == mtime:
            return hit[1]
        with self.connect() as con:
            try:
                df = _fetch(con, f'SELECT * FROM "{name}"')
            except duckdb.CatalogException:
                raise StoreError(
                    f"the store has no table '{name}'. Load its source with `multivector data import` "
                    "or `multivector data fetch` (see `multivector data status`)."
                ) from None
        self._cache[name] = (self._mtime(), df)
        return df

    def query(self, sql: str, params: list | None = None) -> pl.DataFrame:
        with self.connect() as con:
            return _fetch(con, sql, params)

    def provenance(self) -> pl.DataFrame:
        with self.connect() as con:
            con_tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            if PROVENANCE not in con_tables:
                return pl.DataFrame()
            return _fetch(con, f"SELECT * FROM {PROVENANCE} ORDER BY source, tbl")

    def _mtime(self) -> tuple[int, int, int]:
        """What identifies this version of the store file: a write replaces the file, so its inode,
        time and size change (cached tables are keyed by it)."""
        try:
            st = self.path.stat()
        except OSError:
            return (0, 0, 0)
        return (st.st_mtime_ns, st.st_ino, st.st_size)

    def keyed(self, name: str, kind: str, ccodes: list[int] | None = None, columns: list[str] | None = None) -> pl.DataFrame:
        """A dyad-year (``kind="dyad"``) or state-year table with its packed key ``_dkey`` /
        ``_skey`` — added, and the rows sorted by it, when the table was stored (see
        :func:`_keyed_select`).

        ``columns``: only the key and these columns (a third of the bytes of a whole dyad table).
        ``ccodes`` (a small panel): only the rows involving those states, by a filtered query;
        otherwise the result is cached in this process until the store changes."""
        key = "_dkey" if kind == "dyad" else "_skey"
        cols = "*" if columns is None else ", ".join(f'"{c}"' for c in [key, *columns])
        sql = f'SELECT {cols} FROM "{name}"'
        if ccodes is not None:
            codes = ", ".join(str(int(c)) for c in sorted(set(ccodes)))
            where = f"ccode1 IN ({codes}) OR ccode2 IN ({codes})" if kind == "dyad" else f"ccode IN ({codes})"
            return self._keyed_query(name, key, f"{sql} WHERE {where} ORDER BY {key}")
        cache_name = f"{name}#{cols}"
        mtime = self._mtime()
        hit = self._cache.get(cache_name)
        if hit and hit[0] == mtime:
            return hit[1]
        df = self._keyed_query(name, key, sql)
        self._cache[cache_name] = (mtime, df)
        return df

    def _keyed_query(self, name: str, key: str, sql: str) -> pl.DataFrame:
        try:
            return self.query(sql)
        except duckdb.CatalogException:
            return self.table(name)  # raises the StoreError that says how to load the source
        except duckdb.BinderException:
            raise StoreError(
                f"the store table '{name}' has no join key {key}; reload it with `multivector data reset` "
                "(or import its source again)"
            ) from None

    def code_layout(self) -> tuple["np.ndarray", int]:
        """COW code -> dense position (for :meth:`dense_index`), from the state list."""
        hit = self._cache.get("#layout")
        mtime = self._mtime()
        if hit and hit[0] == mtime:
            return hit[1]
        try:
            layout = K.code_positions(self.table("cow_states")["ccode"].to_numpy())
        except K.KeyRangeError as exc:
            raise StoreError(
                f"the store's state list (cow_states) is damaged: {exc}. Reload it with `multivector data reset`."
            ) from None
        self._cache["#layout"] = (mtime, layout)
        return layout

    def dense_index(self, name: str, table: pl.DataFrame) -> "np.ndarray":
        """Dense dyad-year index of a keyed dyad table (cached with the table)."""
        cache_name = f"{name}#dense#{table.height}"
        mtime = self._mtime()
        hit = self._cache.get(cache_name)
        if hit and hit[0] == mtime:
            return hit[1]
        pos, n = self.code_layout()
        idx = K.dense_index(table["_dkey"].to_numpy(), pos, n)
        self._cache[cache_name] = (mtime, idx)
        return idx

    def coverage(self, source: str) -> tuple[int, int] | None:
        """First and last year of a source's data (over all its tables), or None if not loaded."""
        mtime = self._mtime()
        if self._prov is None or self._prov[0] != mtime:
            self._prov = (mtime, self.provenance())
        prov = self._prov[1]
        if prov.height == 0:
            return None
        rows = prov.filter(pl.col("source") == source)
        if rows.height == 0 or rows["coverage_start"].null_count() == rows.height:
            return None
        return int(rows["coverage_start"].min()), int(rows["coverage_end"].max())

    # -- derived results -----------------------------------------------------------------------

    def version(self) -> str:
        """A digest of what the store holds (every table's source, version, rows and import time):
        it changes with every import, so results derived from the data can be kept until then."""
        import hashlib

        prov = self.provenance()
        if prov.height == 0:
            return "empty"
        cols = [c for c in ("source", "tbl", "version", "rows", "imported_at", "origin") if c in prov.columns]
        text = prov.select(cols).sort(cols[:2]).write_csv()
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def cached(self, name: str, key: object, build):
        """``build()``'s result, kept on disk beside the store until the store's data change.

        For results that take seconds to derive from the data and are asked for again (the balance
        of every state, the claims' reference panel): the first call builds and writes the result
        (atomically), later calls — in any process — read it. ``key`` (any value with a stable
        ``repr``) tells results of one ``name`` apart. A cache that cannot be read or written is
        ignored: the result is then built each time."""
        import hashlib
        import pickle

        folder = self.path.parent / "cache" / f"{self.version()}-{config.code_version()}"
        digest = hashlib.sha256(repr(key).encode()).hexdigest()[:20]
        path = folder / f"{name}-{digest}.pickle"
        if path.exists():
            try:
                with open(path, "rb") as fh:
                    return pickle.load(fh)
            except Exception:  # noqa: BLE001 - a damaged cache file is rebuilt, never trusted
                path.unlink(missing_ok=True)
        value = build()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.parent.iterdir():  # results of older data are stale
                if old != folder and old.is_dir():
                    import shutil

                    shutil.rmtree(old, ignore_errors=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
        except OSError:  # a read-only or full store folder: work without the cache
            pass
        return value


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_default: Store | None = None


def default_store() -> Store:
    """The store at the configured location (re-created if MULTIVECTOR_HOME changes)."""
    global _default
    path = config.store_path()
    if _default is None or _default.path != path:
        _default = Store(path)
    return _default
