"""Fixtures for the text channel: the UN General Debate corpus (real, read from shared/data) and
small documents each test writes itself."""

from __future__ import annotations

import pytest

UNGDC = "ungdc/UNGDC_1946-2024.tgz"


@pytest.fixture(scope="session")
def ungdc_path(shared_data):
    p = shared_data / UNGDC
    if not p.exists():
        pytest.skip(f"{UNGDC} is not in the shared data folder")
    return p


#: the speakers the corpus tests use, read from the archive once per test session
SPEAKERS = ["KAZ", "CHN", "RUS", "UZB", "IRN", "ISR", "AZE", "ARM", "UKR", "PAK", "IND", "CYP", "FRA", "DEU"]


@pytest.fixture(scope="session")
def ungdc_subset(ungdc_path):
    from multivector.sources import ungdc

    return ungdc.read(ungdc_path, speakers=SPEAKERS)
