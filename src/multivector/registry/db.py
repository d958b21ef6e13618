"""Where the registry keeps its data: one SQLAlchemy engine over SQLite (default) or PostgreSQL.

* No URL: ``sqlite:///$MULTIVECTOR_HOME/registry.sqlite`` (zero setup), overridable with the
  ``MULTIVECTOR_REGISTRY_DB`` environment variable.
* ``postgresql://user:pass@host/db`` (or ``postgres://``) runs on psycopg 3.
* A plain file path is a SQLite file.

SQLite is opened in WAL mode with foreign keys on and ``synchronous=FULL`` (a committed change
survives a crash of the process or the machine). Reads start a deferred transaction, so many run
at once; writes start with ``BEGIN IMMEDIATE``, so two writers queue on the database lock instead
of failing half-way ("database is locked" on upgrade from a read lock). On PostgreSQL writes lock
the row they change (``SELECT … FOR UPDATE``) and versions are checked in the ``UPDATE``.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from multivector.registry.errors import ConfigError

SQLITE_BUSY_TIMEOUT_MS = 30_000


def default_url() -> str:
    env = os.environ.get("MULTIVECTOR_REGISTRY_DB")
    if env:
        return env
    from multivector.config import home

    return f"sqlite:///{home() / 'registry.sqlite'}"


def normalise_url(url: str | None) -> str:
    """The SQLAlchemy URL for what a user typed (``None`` → the default SQLite file)."""
    if url is None or not str(url).strip():
        url = default_url()
    url = str(url).strip()
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    elif "://" not in url:  # a file path
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    try:
        parsed = make_url(url)
    except Exception as exc:  # noqa: BLE001 - sqlalchemy raises several kinds
        raise ConfigError(f"cannot read the database URL {url!r}: {exc}",
                          hint="use sqlite:///path/file.sqlite or postgresql://user:password@host/database") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(f"unsupported database {backend!r} in {url!r}",
                          hint="the registry runs on SQLite (default) or PostgreSQL (postgresql://…)")
    if backend == "postgresql" and parsed.drivername != "postgresql+psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
        url = parsed.render_as_string(hide_password=False)
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return url


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str | None = None) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        if make_url(url).database in (None, "", ":memory:"):
            raise ConfigError("an in-memory SQLite registry would vanish with the process",
                              hint="give a file: sqlite:///path/registry.sqlite")
        engine = create_engine(url, pool_size=20, max_overflow=40, pool_timeout=60,
                               connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (deferred or immediate)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # pragma: no cover - exercised by every test
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("registry_write") else "BEGIN")

        return engine
    return create_engine(url, pool_size=20, max_overflow=40, pool_timeout=60, pool_pre_ping=True)


class Database:
    """An engine with two session factories: reads and writes (see the module docstring)."""

    def __init__(self, url: str | None = None) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self.dialect = self.engine.dialect.name
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self.engine.execution_options(registry_write=True), expire_on_commit=False)
        self._generation = 0
        self._generation_lock = threading.Lock()

    @property
    def generation(self) -> int:
        """How many write transactions this process has committed: a page kept for the public is
        stale once it changes (writes by other processes are caught by the page's time limit)."""
        return self._generation

    @property
    def display_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def read(self):
        with self._read() as session, session.begin():
            yield session

    @contextmanager
    def write(self):
        session: Session
        with self._write() as session, session.begin():
            yield session
        with self._generation_lock:  # reached only after the commit
            self._generation += 1

    def dispose(self) -> None:
        self.engine.dispose()
