"""Fixtures for the claims tests: the project's data as a long frame (built once per session from
the bundled starter pack) and small SYNTHETIC panels labelled as such."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def project():
    """Every state with every state (plus the EU), 1992 to the present, from the starter pack (real data:
    votes to 2025, ideal points to 2024, ATOP to 2018, IGOs to 2014, ICEWS 2002–2014, trade by partner)."""
    from multivector.claims.data import project_long

    return project_long()
