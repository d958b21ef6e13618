"""The local store: one embedded DuckDB database with every imported table and its provenance.

* Location: ``$MULTIVECTOR_HOME/multivector.duckdb`` (default: the user data directory), or the
  path given to :class:`Store` / the CLI's ``--home`` option.
* First use loads the bundled starter pack, so everything works offline on a fresh machine.
* Imports are atomic: all tables of a source and its provenance row are replaced in one
  transaction; a failure rolls back and leaves the previous data exactly as it was.
* Several processes may use the store at once: readers share a lock, a writer takes it alone
  (``fcntl.flock`` on ``multivector.duckdb.lock``), so DuckDB's own single-writer rule is never
  hit and a reader never sees a half-written import. A process that waits too long gets a clear
  :class:`~multivector.errors.StoreError`.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl

from multivector import config
from multivector.errors import StoreError
from multivector.sources.base import SourceMeta

PROVENANCE = "_provenance"
LOCK_TIMEOUT_S = float(os.environ.get("MULTIVECTOR_LOCK_TIMEOUT", "120"))
#: a read connection stays open this long after its last use, so that a chain of panel verbs
#: opens the database once; a writer in another process waits at most this long for it
READER_LINGER_S = 1.0

_PROVENANCE_DDL = f"""
CREATE TABLE IF NOT EXISTS {PROVENANCE} (
    source VARCHAR, tbl VARCHAR, name VARCHAR, version VARCHAR, url VARCHAR, licence VARCHAR,
    citation VARCHAR, bibtex VARCHAR, unit VARCHAR, coverage_start INTEGER, coverage_end INTEGER,
    origin VARCHAR, input VARCHAR, rows BIGINT, imported_at VARCHAR
)"""


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    """A query's result as Polars, through Arrow."""
    return pl.from_arrow(con.sql(sql, params=params or None).to_arrow_table())


class _FileLock:
    """Shared/exclusive advisory lock on a file (POSIX flock; a no-op lock elsewhere)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def acquire(self, exclusive: bool, timeout: float = LOCK_TIMEOUT_S) -> int | None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: DuckDB's own lock still protects the file
            return None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise StoreError(
                        f"the store {self.path.with_suffix('')} is busy: another multivector process has "
                        f"held it for over {timeout:.0f} s. Wait for it to finish, or set "
                        "MULTIVECTOR_HOME to use another store."
                    ) from None
                time.sleep(0.02)

    @staticmethod
    def release(fd: int | None) -> None:
        if fd is None:
            return
        import fcntl

        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    @contextlib.contextmanager
    def hold(self, exclusive: bool, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
        fd = self.acquire(exclusive, timeout)
        try:
            yield
        finally:
            self.release(fd)


def _keyed_select(con: duckdb.DuckDBPyConnection, source_sql: str) -> str:
    """SELECT that adds the packed join key the panel uses and orders rows by it: ``_dkey`` for
    dyad-year tables (ccode1, ccode2, year), ``_skey`` for state-year tables (ccode, year)."""
    cols = {r[0] for r in con.sql(f"DESCRIBE SELECT * FROM {source_sql}").fetchall()}
    if {"ccode1", "ccode2", "year"} <= cols:
        key = "((least(ccode1, ccode2)::BIGINT * 1024 + greatest(ccode1, ccode2)) * 4096 + year)"
        return f"SELECT *, {key} AS _dkey FROM {source_sql} ORDER BY _dkey"
    if {"ccode", "year"} <= cols:
        return f"SELECT *, (ccode::BIGINT * 4096 + year) AS _skey FROM {source_sql} ORDER BY _skey"
    return f"SELECT * FROM {source_sql}"


class Store:
    """The DuckDB store. Cheap to create: connections are opened per operation."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path).expanduser() if path else config.store_path()
        self._lock = _FileLock(self.path.with_name(self.path.name + ".lock"))
        self._cache: dict[str, tuple[float, pl.DataFrame]] = {}
        self._prov: tuple[float, pl.DataFrame] | None = None
        self._reader: tuple[duckdb.DuckDBPyConnection, int | None] | None = None
        self._reader_lock = threading.RLock()
        self._reader_timer: threading.Timer | None = None
        self._pack_checked = False
        import atexit

        atexit.register(self._close_reader)

    # -- connections ---------------------------------------------------------------------------

    def _close_reader(self) -> None:
        with self._reader_lock:
            if self._reader_timer is not None:
                self._reader_timer.cancel()
                self._reader_timer = None
            if self._reader is not None:
                con, fd = self._reader
                self._reader = None
                con.close()
                self._lock.release(fd)

    @contextlib.contextmanager
    def _read_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A shared read connection that lingers briefly after use (see READER_LINGER_S)."""
        with self._reader_lock:
            if self._reader_timer is not None:
                self._reader_timer.cancel()
                self._reader_timer = None
            if self._reader is None:
                fd = self._lock.acquire(exclusive=False)
                try:
                    con = duckdb.connect(str(self.path), read_only=True)
                except duckdb.Error as exc:
                    self._lock.release(fd)
                    raise StoreError(
                        f"the store {self.path} cannot be opened ({exc}). If it is damaged, delete it: it "
                        "will be rebuilt from the starter pack (imports must then be repeated)."
                    ) from None
                self._reader = (con, fd)
            try:
                yield self._reader[0]
            finally:
                timer = threading.Timer(READER_LINGER_S, self._close_reader)
                timer.daemon = True
                self._reader_timer = timer
                timer.start()

    def _check_pack(self) -> None:
        """Once per Store object: if the installed starter pack differs from the one the store was
        filled from (multivector was upgraded), reload the starter-pack sources."""
        if self._pack_checked:
            return
        self._pack_checked = True
        from multivector.starter_pack import pack_digest

        with self._read_connection() as con:
            try:
                rows = con.execute("SELECT value FROM _meta WHERE key = 'pack_digest'").fetchall()
            except duckdb.CatalogException:
                rows = []
        row = rows[0] if rows else None
        if row is None or row[0] != pack_digest():
            self.initialize(refresh=True)

    @contextlib.contextmanager
    def connect(self, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if not write and not self.path.exists():
            self.initialize()
        if not write:
            self._check_pack()
            with self._read_connection() as con:
                yield con
            return
        self._close_reader()  # flock would otherwise make this process wait for itself
        with self._lock.hold(exclusive=write):
            try:
                con = duckdb.connect(str(self.path), read_only=not write)
            except duckdb.IOException as exc:
                raise StoreError(f"cannot open the store {self.path}: {exc}") from None
            except duckdb.Error as exc:
                raise StoreError(
                    f"the store {self.path} cannot be opened ({exc}). It may be damaged: delete it and it "
                    "will be rebuilt from the starter pack (imports must then be repeated)."
                ) from None
            try:
                yield con
            finally:
                con.close()

    # -- set-up --------------------------------------------------------------------------------

    def initialize(self, *, force: bool = False, refresh: bool = False) -> list[str]:
        """Load every starter-pack table the store lacks (all of them with ``force``; with
        ``refresh``, also every source that came from an older starter pack — never a source
        the user imported or fetched)."""
        from multivector.starter_pack import manifest, pack_digest, table_path

        man = manifest()["sources"]
        loaded: list[str] = []
        with self.connect(write=True) as con:
            con.execute(_PROVENANCE_DDL)
            con.execute("CREATE TABLE IF NOT EXISTS _meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
            origin = dict(con.execute(f"SELECT DISTINCT source, origin FROM {PROVENANCE}").fetchall())
            todo = [k for k in man if force or k not in origin or (refresh and origin[k] == "starter pack")]
            con.execute("INSERT OR REPLACE INTO _meta VALUES ('pack_digest', ?)", [pack_digest()])
            if not todo:
                return []
            con.execute("BEGIN TRANSACTION")
            try:
                for key in todo:
                    entry = man[key]
                    con.execute(f"DELETE FROM {PROVENANCE} WHERE source = ?", [key])
                    for tbl, info in entry["tables"].items():
                        path = table_path(tbl)
                        src = "read_parquet('" + str(path).replace("'", "''") + "')"
                        con.execute(f'CREATE OR REPLACE TABLE "{tbl}" AS {_keyed_select(con, src)}')
                        self._insert_provenance(con, entry, tbl, info["rows"], "starter pack", entry.get("input", ""))
                    loaded.append(key)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        self._cache.clear()
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
        """Replace a source's tables and provenance in one transaction (all or nothing)."""
        self.import_many([(meta, tables, coverage, input_path)], origin=origin)

    def import_many(
        self,
        items: Iterable[tuple[SourceMeta, Mapping[str, pl.DataFrame], tuple[int, int] | None, str]],
        *,
        origin: str = "import",
    ) -> None:
        """Replace several sources' tables and provenance in ONE transaction: either every source
        is replaced or, on any failure, none is."""
        if not self.path.exists():
            self.initialize()
        with self.connect(write=True) as con:
            con.execute(_PROVENANCE_DDL)
            con.execute("BEGIN TRANSACTION")
            try:
                for meta, tables, coverage, input_path in items:
                    row = meta.as_row() | {"bibtex": meta.bibtex}
                    if coverage:
                        row["coverage_start"], row["coverage_end"] = coverage
                    con.execute(f"DELETE FROM {PROVENANCE} WHERE source = ?", [meta.key])
                    for name, df in tables.items():
                        con.register("_incoming", df.to_arrow())
                        con.execute(f'CREATE OR REPLACE TABLE "{name}" AS {_keyed_select(con, "_incoming")}')
                        con.unregister("_incoming")
                        self._insert_provenance(con, row, name, df.height, origin, input_path)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        self._cache.clear()
        self._prov = None

    # -- reading -------------------------------------------------------------------------------

    def tables(self) -> list[str]:
        with self.connect() as con:
            return [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]

    def has(self, name: str) -> bool:
        return name in self.tables()

    def table(self, name: str) -> pl.DataFrame:
        """A whole table as Polars (cached in this process until the store file changes)."""
        mtime = self.path.stat().st_mtime if self.path.exists() else 0.0
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
        mtime = self.path.stat().st_mtime
        self._cache[name] = (mtime, df)
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

    def _mtime(self) -> float:
        return self.path.stat().st_mtime if self.path.exists() else 0.0

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
        import numpy as np

        hit = self._cache.get("#layout")
        mtime = self._mtime()
        if hit and hit[0] == mtime:
            return hit[1]
        codes = np.unique(self.table("cow_states")["ccode"].to_numpy())
        pos = np.full(1024, -1, dtype=np.int64)
        pos[codes] = np.arange(len(codes))
        layout = (pos, len(codes))
        self._cache["#layout"] = (mtime, layout)
        return layout

    def dense_index(self, name: str, table: pl.DataFrame) -> "np.ndarray":
        """Dense dyad-year index of a keyed dyad table (cached with the table)."""
        from multivector.panel.keys import dense_index

        cache_name = f"{name}#dense#{table.height}"
        mtime = self._mtime()
        hit = self._cache.get(cache_name)
        if hit and hit[0] == mtime:
            return hit[1]
        pos, n = self.code_layout()
        idx = dense_index(table["_dkey"].to_numpy(), pos, n)
        self._cache[cache_name] = (mtime, idx)
        return idx

    def coverage(self, source: str) -> tuple[int, int] | None:
        mtime = self._mtime()
        if self._prov is None or self._prov[0] != mtime:
            self._prov = (mtime, self.provenance())
        prov = self._prov[1]
        if prov.height == 0:
            return None
        rows = prov.filter(pl.col("source") == source)
        if rows.height == 0:
            return None
        return int(rows["coverage_start"][0]), int(rows["coverage_end"][0])

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

        folder = self.path.parent / "cache" / self.version()
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


_default: Store | None = None


def default_store() -> Store:
    """The store at the configured location (re-created if MULTIVECTOR_HOME changes)."""
    global _default
    path = config.store_path()
    if _default is None or _default.path != path:
        _default = Store(path)
    return _default
