"""Alembic migrations of the registry schema (shipped inside the package; run by
:func:`multivector.registry.migrate.upgrade`, never by hand-written SQL)."""
