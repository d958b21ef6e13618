"""What the report contains, in order (used by the profile, the page and the dashboard)."""

from __future__ import annotations

FIRST_YEAR = 1992
"""The report's default first year: after the Soviet Union's end. The default last year is the
latest any channel's data reach (:func:`multivector.panel.verbs.latest_year`)."""

DEFAULT_YEARS = (FIRST_YEAR, 2019)
"""The years used when the store cannot say how far its data reach."""

SECTIONS: tuple[tuple[str, str], ...] = (
    ("bottomline", "The bottom line"), ("snapshot", "Snapshot"), ("balance", "Balance over time"), ("alignment", "Alignment with each power"),
    ("security", "Security ties"), ("institutions", "Institutions"), ("events", "Event tone"),
    ("speech", "What leaders say"), ("trade", "Trade, as each side reports it"), ("timeline", "Summits and treaties"),
    ("claims", "The claims, tested"), ("coverage", "Data coverage"), ("citations", "Citations"),
)
