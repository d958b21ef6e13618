"""The schema: Alembic migrations build exactly the models' schema, on SQLite and PostgreSQL, and
run down and up again; a fresh registry is created, migrated and seeded on first use."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from multivector.registry import Registry
from multivector.registry.migrate import alembic_config, current_revision, head_revision, upgrade
from multivector.registry.models import Base


def test_migrations_build_exactly_the_models_schema_and_go_down_and_up(backend):
    from alembic import command

    reg = Registry(backend.empty())
    assert current_revision(reg.db.engine) is None
    upgrade(reg.db.engine)
    assert current_revision(reg.db.engine) == head_revision()
    with reg.db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    with reg.db.engine.execution_options(registry_write=True).begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    assert current_revision(reg.db.engine) is None
    upgrade(reg.db.engine)
    assert current_revision(reg.db.engine) == head_revision()
    reg.close()


def test_first_start_creates_migrates_seeds_and_publishes_once(backend):
    reg = Registry(backend.empty())
    reg.ensure_ready()
    counts = reg.counts()  # the public sees everything: the seed is published
    assert counts["summits"] >= 25 and counts["projects"] >= 300 and counts["network/segments"] >= 100
    second = Registry(reg.db.url)
    second.ensure_ready()  # a second start does not seed again
    assert second.counts() == counts
    reg.close()
    second.close()
