"""Fixtures of the econ tests: the three published general-equilibrium examples, solved once."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def twb(shared_data):
    from multivector.econ import load_scenario, run_scenario

    return run_scenario(load_scenario("yotov-trade-without-borders"), shared_data / "yotov-gravity" / "Chapter2Application1.dta")


@pytest.fixture(scope="session")
def nafta(shared_data):
    from multivector.econ import load_scenario, run_scenario

    return run_scenario(load_scenario("yotov-nafta"), shared_data / "yotov-gravity" / "Chapter2Application2.dta")


@pytest.fixture(scope="session")
def aly(shared_data):
    from multivector.econ import load_scenario, run_scenario

    return run_scenario(load_scenario("aly-geppml-borders"), shared_data / "geppml" / "ge_ppml_data_orig.dta")
