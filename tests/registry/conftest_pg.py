"""Dropping PostgreSQL test databases (run in a detached process by conftest.drop_later)."""

from __future__ import annotations


def drop_all(admin: str, names: list[str]) -> None:
    import psycopg

    url = admin.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        for name in names:
            try:
                conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            except Exception:  # noqa: BLE001 - best effort
                pass
