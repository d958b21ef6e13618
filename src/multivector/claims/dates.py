"""Named dates and how they map onto yearly series.

A named date is a calendar date. Calendar-year series (alliances, IGOs, events, trade) use its
year. UN General Assembly series are indexed by **session**: session *s* opens in mid-September of
year 1945 + *s* and is stored under that year. A date maps to the first session that votes after
it: a session holds its recorded votes from its opening until June of the next year in most years
(until early September in a few), so a date from January to June maps to the session that opened
the previous September, and a date from July onwards to the session that opens that September
(24 February 2022 → session 76, opened September 2021 → series year 2021; 7 September 2013 →
session 68 → 2013). Last recorded votes per session were checked against the roll-call dates of
Voeten's data (``un_roll_calls``), 1990–2019.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from multivector.errors import MultivectorError


@dataclass(frozen=True)
class NamedDate:
    date: _dt.date
    label: str

    def series_year(self, session_indexed: bool) -> int:
        """The year of the series in which the date's effect can first show."""
        if not session_indexed:
            return self.date.year
        return self.date.year - 1 if self.date.month <= 6 else self.date.year

    def session(self) -> int:
        return self.series_year(True) - 1945

    def describe(self, session_indexed: bool) -> str:
        d = f"{self.date.day} {self.date.strftime('%B')} {self.date.year}"
        if session_indexed:
            y = self.series_year(True)
            return (f"{d} ({self.label}) → UN session {self.session()} ({y}–{str(y + 1)[2:]}), "
                    f"series year {y}")
        return f"{d} ({self.label}) → {self.date.year}"


KNOWN_DATES: dict[int, NamedDate] = {
    2013: NamedDate(_dt.date(2013, 9, 7), "Xi Jinping announces the Silk Road Economic Belt in Astana"),
    2014: NamedDate(_dt.date(2014, 2, 27), "Russia seizes Crimea"),
    2022: NamedDate(_dt.date(2022, 2, 24), "Russia's full-scale invasion of Ukraine"),
}
"""What a bare year means when it is one of the claims' usual dates (sources: Xinhua, 7 Sept 2013;
UN GA resolution 68/262 of 27 March 2014 on the events of late February; UN GA resolution ES-11/1
of 2 March 2022)."""

DEFAULT_DATES = (2013, 2014, 2022)


def parse_date(value: object) -> NamedDate:
    """``2013`` (a known date or 1 January), ``2022-02-24`` or a :class:`datetime.date`."""
    if isinstance(value, NamedDate):
        return value
    if isinstance(value, _dt.date):
        return NamedDate(value, "named date")
    s = str(value).strip()
    if re.fullmatch(r"\d{4}", s):
        y = int(s)
        return KNOWN_DATES.get(y, NamedDate(_dt.date(y, 1, 1), f"{y} (1 January)"))
    try:
        return NamedDate(_dt.date.fromisoformat(s), "named date")
    except ValueError:
        raise MultivectorError(f"'{s}' is not a date: give a year (2013) or a day (2022-02-24)") from None


def parse_dates(values: object) -> list[NamedDate]:
    if values is None:
        return [parse_date(y) for y in DEFAULT_DATES]
    if isinstance(values, str):
        values = [v for v in re.split(r"[,\s]+", values) if v]
    return [parse_date(v) for v in values]  # type: ignore[union-attr]
