"""Dated summits, treaties, agreements, institutions and initiatives, with their parties.

Hand-compiled from public pages; each row cites its source URL. Dates are kept as given —
``1992-01-03``, ``1994-04`` or ``1991`` — and split into year, month and day where known.
``parties`` is a list of ISO3 codes (groups such as ``EU`` and ``SCO`` are allowed).

Store table ``timeline``: date (String as given), year (Int32), month, day (Int8, null when not
given), event_type, title, parties (List[String]), place, description, source_url.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources.base import THIS_YEAR, SourceMeta, check_web_url
from multivector.sources.facts import check_country_cell, existing_csv, read_csv_records

META = SourceMeta(
    key="timeline",
    name="Timeline of summits, treaties, agreements and institutions (hand-compiled, with sources)",
    version="2026-11",
    url="(hand-compiled: each row cites its page in source_url)",
    licence="facts with citation; each row cites the public page it was taken from",
    citation=(
        "multivector contributors. 2026. Timeline of Kazakhstan's summits, treaties, agreements and "
        "institutions with the great powers and Central Asia, compiled from public pages "
        "(each row cites its source URL)."
    ),
    bibtex="""@misc{multivector_timeline,
  author = {{multivector contributors}},
  title = {Timeline of Kazakhstan's summits, treaties, agreements and institutions},
  year = {2026},
  note = {Hand-compiled from public pages; each event cites its source URL}
}""",
    coverage=(1991, 2025),
    unit="dated event",
    tables=("timeline",),
)

COLUMNS = ["date", "event_type", "title", "parties", "place", "description", "source_url"]
EVENT_TYPES = frozenset({"summit", "treaty", "agreement", "institution", "initiative", "visit", "membership"})

SCHEMA = {
    "date": pl.String,
    "year": pl.Int32,
    "month": pl.Int8,
    "day": pl.Int8,
    "event_type": pl.String,
    "title": pl.String,
    "parties": pl.List(pl.String),
    "place": pl.String,
    "description": pl.String,
    "source_url": pl.String,
    "line": pl.Int32,
}

#: events from this year on (and up to five years ahead, for planned ones)
FIRST_YEAR = 1800

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_date(text: str, *, file: str = "", row: int | None = None) -> tuple[int, int | None, int | None]:
    """``"1992-01-03"`` → (1992, 1, 3); ``"1994-04"`` → (1994, 4, None); ``"1991"`` → (1991, None, None)."""
    m = _DATE.match(text)
    if not m:
        raise DataError(
            f"date {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD", file=file or None, row=row, field="date",
            hint="write the date as precisely as the source gives it, e.g. 2023-05-18, 2023-05 or 2023",
        )
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    if not FIRST_YEAR <= y <= THIS_YEAR + 5:
        raise DataError(f"year {y} in {text!r} is outside {FIRST_YEAR}–{THIS_YEAR + 5}", file=file or None, row=row,
                        field="date", hint="write the date the source gives (planned events up to five years ahead)")
    month = int(mo) if mo else None
    day = int(d) if d else None
    if month is not None and not 1 <= month <= 12:
        raise DataError(f"month {month} in {text!r} is not 1–12", file=file or None, row=row, field="date")
    if day is not None:
        import datetime

        try:
            datetime.date(y, month, day)
        except ValueError:
            raise DataError(f"{text!r} is not a calendar date", file=file or None, row=row, field="date") from None
    return y, month, day


def read(path: str | Path) -> pl.DataFrame:
    """Read ``timeline.csv``; ``line`` is the CSV line of each row (header = line 1)."""
    p = existing_csv(path)
    file = str(p)
    _, records = read_csv_records(p, COLUMNS, source=META.key)
    rows = []
    seen: dict[tuple, int] = {}
    for line, r in records:
        year, month, day = parse_date(r["date"], file=file, row=line)
        for col in ("event_type", "title", "parties", "source_url"):
            if not r[col]:
                raise DataError("value is missing", file=file, row=line, field=col)
        etype = r["event_type"].lower()
        if etype not in EVENT_TYPES:
            raise DataError(
                f"event type {r['event_type']!r} is not one of {', '.join(sorted(EVENT_TYPES))}",
                file=file, row=line, field="event_type", hint="use one of the listed types",
            )
        parties = [check_country_cell(t.strip(), file=file, row=line, field="parties", allow_labels=False)
                   for t in r["parties"].split(";") if t.strip()]
        url = check_web_url(r["source_url"], file=file, row=line, field="source_url")
        key = (r["date"], r["title"], url)
        if key in seen:
            raise DataError(
                f"duplicate event: same date, title and source as line {seen[key]}",
                file=file, row=line, field="title", hint="delete the repeated row",
            )
        seen[key] = line
        rows.append({
            "date": r["date"], "year": year, "month": month, "day": day, "event_type": etype,
            "title": r["title"], "parties": parties, "place": r["place"] or None,
            "description": r["description"] or None, "source_url": url, "line": line,
        })
    return pl.DataFrame(rows, schema=SCHEMA)


def derive(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The store table ``timeline``, in date order (stable)."""
    out = frame.sort(["year", "month", "day", "line"], nulls_last=False)
    return {"timeline": out.drop("line")}


def events_with(df: pl.DataFrame, *parties: str) -> pl.DataFrame:
    """Events whose parties include every code in ``parties`` (e.g. ``events_with(tl, "KAZ", "CHN")``)."""
    cond = pl.lit(True)
    for p in parties:
        cond = cond & pl.col("parties").list.contains(p)
    return df.filter(cond)
