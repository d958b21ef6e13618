"""Alembic environment: the connection comes from the caller (``config.attributes['connection']``)."""

from __future__ import annotations

from alembic import context

from multivector.registry.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # pragma: no cover - the registry always passes its connection
        raise RuntimeError("run registry migrations through multivector.registry.migrate.upgrade()")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover
    raise RuntimeError("offline (SQL script) migrations are not supported; run them against a database")
run_migrations_online()
