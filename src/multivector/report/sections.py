"""What the report contains, in order (used by the profile, the page and the dashboard)."""

from __future__ import annotations

DEFAULT_YEARS = (1992, 2019)
"""Default report years: after the Soviet Union's end, to the last year of the starter pack's UN
votes and GDP (2019)."""

SECTIONS: tuple[tuple[str, str], ...] = (
    ("snapshot", "Snapshot"), ("balance", "Balance over time"), ("alignment", "Alignment with each power"),
    ("security", "Security ties"), ("institutions", "Institutions"), ("events", "Event tone"),
    ("trade", "Recent trade, as each side reports it"), ("timeline", "Summits and treaties"),
    ("hypotheses", "The claims, tested"), ("coverage", "Data coverage"), ("citations", "Citations"),
)
