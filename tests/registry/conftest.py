"""Fixtures of the registry tests: every test that takes ``db_url`` runs against SQLite and
PostgreSQL.

PostgreSQL comes from ``MULTIVECTOR_TEST_PG_URL`` (a role that may CREATE DATABASE, e.g.
``postgresql://mvreg:mvreg@localhost/mvreg_test``; ``.ci/run`` starts Debian's server and sets
it). Without it the PostgreSQL half is skipped, saying why.

A registry is created, migrated and seeded once per backend and session (a template); a test
module then shares one copy (``reg``; tests measure what they change, not absolute counts), and
tests that need a registry of their own take ``db_url``. Copies are a file copy for SQLite and
``CREATE DATABASE … TEMPLATE`` for PostgreSQL. Dropping a PostgreSQL database waits for a
checkpoint (about a second each on a busy machine), so the test databases are dropped by a
detached process after the session, and leftovers of interrupted runs at the next start.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
import warnings
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient.*")
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

PG_ENV = "MULTIVECTOR_TEST_PG_URL"
BACKENDS = ("sqlite", "postgresql")


def pg_admin_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def _pg_connect(url: str, dbname: str | None = None):
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url.replace("postgresql+psycopg://", "postgresql://"))
    return psycopg.connect(host=u.host or "localhost", port=u.port or 5432, user=u.username, password=u.password,
                           dbname=dbname or u.database, autocommit=True, connect_timeout=5)


def _pg_url(admin: str, dbname: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(admin.replace("postgresql+psycopg://", "postgresql://")).set(database=dbname).render_as_string(
        hide_password=False)


def _pg_drop(admin: str, dbname: str) -> None:
    with _pg_connect(admin) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                     (dbname,))
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')


class Backend:
    """Makes fresh registries (copies of one seeded template) on one database system."""

    def __init__(self, name: str, tmp_factory) -> None:
        self.name = name
        self.tmp_factory = tmp_factory
        self.made: list[str] = []
        self.template: str | None = None
        self.admin = pg_admin_url()

    def _new_name(self) -> str:
        return f"mvreg_{int(time.time())}_{uuid.uuid4().hex[:8]}"

    def empty(self) -> str:
        """A URL of a database that does not exist yet (SQLite) or is empty (PostgreSQL)."""
        if self.name == "sqlite":
            return f"sqlite:///{self.tmp_factory.mktemp('reg') / 'registry.sqlite'}"
        name = self._new_name()
        with _pg_connect(self.admin) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return _pg_url(self.admin, name)

    def _ensure_template(self) -> None:
        if self.template is not None:
            return
        from multivector.registry import Registry

        url = self.empty()
        reg = Registry(url)
        reg.ensure_ready()
        reg.close()
        self.template = url

    def seeded(self) -> str:
        """A URL of a fresh, migrated and seeded registry (its own copy)."""
        self._ensure_template()
        if self.name == "sqlite":
            from sqlalchemy.engine import make_url

            src = make_url(self.template).database
            dst = self.tmp_factory.mktemp("reg") / "registry.sqlite"
            shutil.copyfile(src, dst)
            return f"sqlite:///{dst}"
        from sqlalchemy.engine import make_url

        tmpl = make_url(self.template).database
        name = self._new_name()
        with _pg_connect(self.admin) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{tmpl}"')
        self.made.append(name)
        return _pg_url(self.admin, name)

    def cleanup(self) -> None:
        if self.name == "postgresql" and self.made:
            drop_later(self.admin, self.made)


def drop_later(admin: str, names: list[str]) -> None:
    """Drop PostgreSQL databases from a detached process (the session does not wait for it)."""
    code = ("import sys, json; sys.path[:0] = json.loads(sys.argv[3]); "
            "from conftest_pg import drop_all; drop_all(sys.argv[1], json.loads(sys.argv[2]))")
    subprocess.Popen([sys.executable, "-c", code, admin, json.dumps(names), json.dumps([str(Path(__file__).parent)])],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def drop_stale(admin: str, max_age_s: int = 3600) -> None:
    """Drop test databases left by interrupted runs (named mvreg_<unix time>_…, older than an hour)."""
    with _pg_connect(admin) as conn:
        names = [r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'mvreg\\_%'")]
    old = []
    for n in names:
        parts = n.split("_")
        if len(parts) == 3 and parts[1].isdigit() and time.time() - int(parts[1]) > max_age_s:
            old.append(n)
        elif len(parts) == 2 and n != "mvreg_test":  # older naming
            old.append(n)
    if old:
        drop_later(admin, old)


_backends: dict[str, Backend] = {}


@pytest.fixture(scope="session")
def backends(tmp_path_factory):
    yield _backends
    for b in _backends.values():
        b.cleanup()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request, backends, tmp_path_factory) -> Backend:
    name = request.param
    if name == "postgresql":
        admin = pg_admin_url()
        if not admin:
            pytest.skip(f"PostgreSQL tests need {PG_ENV} (see .ci/run: it starts Debian's postgresql and sets it)")
        try:
            _pg_connect(admin).close()
        except Exception as exc:  # noqa: BLE001
            pytest.skip(f"PostgreSQL at {PG_ENV} is not reachable: {exc}")
        if name not in backends:
            drop_stale(admin)
    if name not in backends:
        backends[name] = Backend(name, tmp_path_factory)
    return backends[name]


@pytest.fixture
def sqlite_url(backends, tmp_path_factory) -> str:
    """A fresh seeded SQLite registry, for tests of logic that does not depend on the database."""
    if "sqlite" not in backends:
        backends["sqlite"] = Backend("sqlite", tmp_path_factory)
    return backends["sqlite"].seeded()


@pytest.fixture
def db_url(backend) -> str:
    """A fresh seeded registry of the test's own, on each backend."""
    return backend.seeded()


@pytest.fixture(scope="module")
def module_url(backend) -> str:
    return backend.seeded()


@pytest.fixture(scope="module")
def reg(module_url):
    """A seeded registry shared by the tests of a module."""
    from multivector.registry import Registry

    r = Registry(module_url)
    r.ensure_ready()
    yield r
    r.close()


@pytest.fixture(scope="module")
def tokens(reg) -> dict[str, str]:
    """One token per role (editors of KAZ and UZB)."""
    return {
        "admin": reg.issue_token("admin", name="secretariat"),
        "observer": reg.issue_token("observer", name="observer"),
        "editor_kaz": reg.issue_token("editor", state="KAZ", name="Kazakh MFA"),
        "editor_uzb": reg.issue_token("editor", state="UZB", name="Uzbek MFA"),
    }


@pytest.fixture(scope="module")
def client(reg):
    from fastapi.testclient import TestClient

    from multivector.web import create_app

    app = create_app(registry=reg, deliver=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}
