"""Schema migrations (Alembic, shipped in ``migrations/``), run under a lock so that two server
processes starting at once do not migrate (or seed) the same database twice."""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_PG_LOCK_KEY = 0x6D7672656731  # "mvreg1": one advisory lock for migrate + seed


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def schema_lock(engine: Engine):
    """Serialise migrate-and-seed across processes: a PostgreSQL advisory lock, or a lock file
    beside the SQLite database."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                conn.commit()
    else:
        from filelock import FileLock

        db = make_url(str(engine.url)).database
        with FileLock(str(db) + ".lock", timeout=120):
            yield


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (idempotent; a database already at the head is not touched)."""
    if revision == "head" and current_revision(engine) == head_revision():
        return
    with engine.execution_options(registry_write=True).begin() as conn:
        command.upgrade(alembic_config(conn), revision)
