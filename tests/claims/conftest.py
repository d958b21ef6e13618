"""Fixtures for the claims tests: the project's data as a long frame (built once per session from
the bundled starter pack) and small SYNTHETIC panels labelled as such."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def project():
    """Every state with every state (plus the EU), 1992–2019, from the starter pack (real data)."""
    from multivector.claims.data import project_long

    return project_long(years=(1992, 2019))
