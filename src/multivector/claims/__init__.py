"""Claims about a middle power's ties with the great powers, tested with designs that can tell a
real effect from a common shock.

    import multivector as mv
    from multivector.claims import long_from_panel, additive_or_subtractive, shift_over_time

    panel = mv.dyad_years(None, partners=None, years=(1992, 2019)).add_un_votes().add_igos()
    lp = long_from_panel(panel)
    print(additive_or_subtractive(lp, "KAZ", focus="CHN", others="RUS,USA,TUR").to_json())

Everything works on a long frame ``country, partner, year, channel, value`` — built from the
project's panel (:func:`long_from_panel`) or read from a user's file (:func:`read_long_panel`).
"""

from __future__ import annotations

from multivector.claims.additive import additive_or_subtractive
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
    "relative_engagement", "additive_or_subtractive",
    "NamedDate", "parse_date", "parse_dates", "KNOWN_DATES", "DEFAULT_DATES",
    "ClaimResult", "READINGS", "ADDITIVE", "SUBTRACTIVE", "NO_EVIDENCE", "NOT_TESTABLE",
]
