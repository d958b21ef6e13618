"""Claims about a middle power's ties with the great powers, tested with designs that can tell a
real effect from a common shock.

    from multivector.claims import bottom_line, additive_or_subtractive, project_long

    print(bottom_line("KAZ"))                       # per claim: reading, design, uncertainty, what would change it
    lp = project_long()                             # every state × every state (+ EU) from the store
    print(additive_or_subtractive(lp, "KAZ", focus="CHN", others="RUS,USA,EU,TUR").to_json())

Everything works on a long frame ``country, partner, year, channel, value`` — built from the
project's panel (:func:`long_from_panel`) or read from a user's file (:func:`read_long_panel`).
"""

from __future__ import annotations

from multivector.claims.additive import additive_or_subtractive
from multivector.claims.bottom_line import BottomLine, bottom_line
from multivector.claims.data import project_long
from multivector.claims.dependence import THRESHOLDS, dependence_risk
from multivector.claims.shift import shift_over_time
from multivector.claims.dates import DEFAULT_DATES, KNOWN_DATES, NamedDate, parse_date, parse_dates
from multivector.claims.long import (
    FOLDING,
    MEASURES,
    LongPanel,
    as_long,
    long_from_panel,
    read_long_panel,
    validate_long,
)
from multivector.claims.relative import relative_engagement
from multivector.claims.results import ADDITIVE, NO_EVIDENCE, NOT_TESTABLE, READINGS, SUBTRACTIVE, ClaimResult

__all__ = [
    "LongPanel", "long_from_panel", "read_long_panel", "validate_long", "as_long", "MEASURES", "FOLDING",
    "relative_engagement", "additive_or_subtractive", "shift_over_time", "dependence_risk", "THRESHOLDS",
    "bottom_line", "BottomLine", "project_long",
    "NamedDate", "parse_date", "parse_dates", "KNOWN_DATES", "DEFAULT_DATES",
    "ClaimResult", "READINGS", "ADDITIVE", "SUBTRACTIVE", "NO_EVIDENCE", "NOT_TESTABLE",
]
