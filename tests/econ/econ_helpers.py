"""Small helpers shared by the econ tests."""

from __future__ import annotations


def by_country(result) -> dict[str, dict]:
    """``{country: row}`` of a GE result's per-country table."""
    return {r["country"]: r for r in result.countries_table()}
