"""docs/simulator.md lets a reader check the code: every parameter and mechanism is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from multivector.sim.parameters import GLOBAL_PARAMETERS, MECHANISMS, POWER_PARAMETERS
from multivector.sim.scenario import SHIPPED_SCENARIOS

DOC = Path(__file__).resolve().parents[2] / "docs" / "simulator.md"


@pytest.fixture(scope="module")
def doc():
    return DOC.read_text(encoding="utf-8")


def test_every_parameter_is_documented_with_its_symbol_default_and_range(doc):
    for p in [*GLOBAL_PARAMETERS.values(), *POWER_PARAMETERS.values()]:
        row = f"| `{p.name}` | {p.symbol} | {p.default:g} | [{p.low:g}, {p.high:g}] |"
        assert row in doc, row


def test_every_mechanism_and_shipped_scenario_is_documented(doc):
    for m in MECHANISMS:
        assert f"`{m}`" in doc
    for s in SHIPPED_SCENARIOS:
        assert f"`{s}`" in doc
