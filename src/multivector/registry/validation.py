"""Checks on what people send: dates, states, identifiers, text and URLs.

Everything is refused with a message that says what was wrong and what to write instead; nothing
is "cleaned" silently. Text is plain text: HTML markup and SQL fragments typical of injection
attempts are refused (queries are parameterised and pages escape everything anyway — this is
defence in depth, and it keeps stored records free of payloads aimed at other systems that may
consume the exports).
"""

from __future__ import annotations

import calendar
import re
from datetime import date

PARTIAL_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$")
URL_RE = re.compile(r"^https?://[^\s<>\"`{}|\\^]+$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HTML_RE = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>?|&#\s*x?[0-9a-fA-F]+;?|javascript\s*:|\bon[a-z]+\s*=\s*[\"']", re.I)
_SQL_RES = (
    re.compile(r"['\"`]\s*\)?\s*(?:or|and)\s+['\"`]?\w+['\"`]?\s*(?:=|<|>|like\b)", re.I),  # ' OR '1'='1
    re.compile(r";\s*(?:drop|delete|insert|update|alter|truncate|create|exec|execute|grant|revoke|shutdown)\b", re.I),
    re.compile(r"\bunion\s+(?:all\s+)?select\b", re.I),
    re.compile(r"['\"`]\s*\)?\s*;?\s*--"),  # quote then comment
    re.compile(r"\b(?:drop|truncate)\s+(?:table|database|schema)\b", re.I),
    re.compile(r"\b(?:pg_sleep|sleep|benchmark)\s*\(\s*\d", re.I),
    re.compile(r"\bwaitfor\s+delay\b", re.I),
    re.compile(r"/\*.*?\*/", re.S),
)

EARLIEST_YEAR = 1800
LATEST_YEAR = 2100


def check_partial_date(value: str) -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, a real calendar date between 1800 and 2100."""
    if not isinstance(value, str):
        raise ValueError("a date must be text such as 2024-06-17 (or 2024-06 / 2024 when only that is known)")
    text = value.strip()
    m = PARTIAL_DATE_RE.match(text)
    if not m:
        raise ValueError(f"invalid date {value[:40]!r}: write YYYY-MM-DD (or YYYY-MM / YYYY when only that is known)")
    year = int(m.group(1))
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(f"invalid date {text!r}: year {year} is outside {EARLIEST_YEAR}–{LATEST_YEAR}")
    if m.group(2):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"invalid date {text!r}: there is no month {month:02d}")
        if m.group(3):
            day = int(m.group(3))
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"invalid date {text!r}: {calendar.month_name[month]} {year} has {last} days")
            date(year, month, day)
    return text


def partial_date_le(a: str, b: str) -> bool:
    """``a`` is not after ``b`` (compared at the precision both give: 2024 ≤ 2024-03)."""
    n = min(len(a), len(b))
    return a[:n] <= b[:n]


def check_state(value: str, *, allow_groups: bool = True) -> str:
    """An ISO3 code of a state (``KAZ``) or, where parties may be groups, ``EU``/``SCO``/``EAEU``."""
    from multivector import countries

    if not isinstance(value, str):
        raise ValueError("a state is an ISO3 code such as KAZ")
    code = value.strip().upper()
    if allow_groups and code in ("EU", "SCO", "EAEU"):
        return code
    if len(code) == 3 and code.isalpha() and countries.is_known_iso3(code):
        return code
    hint = ""
    if 2 <= len(value.strip()) <= 60 and not _CONTROL_RE.search(value):
        try:
            sugg = countries.suggest(value.strip())
        except Exception:  # noqa: BLE001 - suggestions are a courtesy
            sugg = []
        if sugg:
            hint = "; did you mean " + ", ".join(sugg) + "?"
    shown = value.strip()[:40]
    raise ValueError(f"unknown state {shown!r}: use an ISO3 code such as KAZ, CHN, UZB{hint}")


def check_slug(value: str, what: str = "identifier") -> str:
    if not isinstance(value, str) or not SLUG_RE.match(value):
        shown = value[:40] if isinstance(value, str) else value
        raise ValueError(f"invalid {what} {shown!r}: use lower-case letters, digits and hyphens (2–64 characters), "
                         "e.g. khorgos-altynkol")
    return value


def check_text(value: str, *, field_max: int, multiline: bool = False) -> str:
    if not isinstance(value, str):
        raise ValueError("must be text")
    text = value.strip()
    if not text:
        raise ValueError("must not be empty")
    if len(text) > field_max:
        raise ValueError(f"is {len(text)} characters long; the limit is {field_max}")
    bad = _CONTROL_RE.search(text)
    if bad or (not multiline and ("\n" in text or "\r" in text)):
        raise ValueError("contains control characters or line breaks; write plain text on one line"
                         if not multiline else "contains control characters")
    m = _HTML_RE.search(text)
    if m:
        raise ValueError(f"HTML markup is not allowed (found {m.group(0)[:20]!r}); write plain text")
    for pattern in _SQL_RES:
        m = pattern.search(text)
        if m:
            raise ValueError(f"looks like an SQL injection attempt (found {m.group(0)[:24]!r}); "
                             "registry fields take plain text, not SQL")
    return text


def check_url(value: str) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a URL")
    text = value.strip()
    if len(text) > 500:
        raise ValueError("a URL may have at most 500 characters")
    if not URL_RE.match(text):
        raise ValueError(f"invalid URL {text[:60]!r}: give an http:// or https:// address without spaces")
    for pattern in _SQL_RES[1:3]:
        if pattern.search(text):
            raise ValueError("the URL contains an SQL statement")
    if re.search(r"javascript:|<|>", text, re.I):
        raise ValueError("the URL contains markup")
    return text
