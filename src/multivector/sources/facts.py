"""Reported trade, investment and cargo figures, as stated by a named reporter.

The table is hand-compiled from public pages (one row per figure, each with its source URL). The
same flow is often reported differently by the two sides — Chinese customs (GACC) put
China–Kazakhstan trade in 2023 at about US$41 bn, Kazakhstan's statistics bureau at about
US$31.4 bn. Such figures stay as separate rows: they are never averaged. :func:`multivector.indices.reported.disagreements`
lists where reporters differ and by how much.

Store table ``reported_trade``: year (Int32; null when the page gives a range or no year — the
text as given is kept in ``year_label``), period, reporter, country, partner, flow, value_usd_bn,
share_pct, value_mt, note, source_url.

Country and partner cells hold ISO3 codes, several codes joined by ``;`` (``KAZ;AZE``), a code with
a qualifier (``CHN (Xinjiang)``), a group (``EU``, ``C5``, ``EAEU``) or a descriptive label
(``Trans-Caspian route (TITR)``, ``World``). A cell that looks like a code (2–5 capital letters)
but is neither a known ISO3 code nor a group is an error.
"""

from __future__ import annotations

import csv
import io
import math
import re
from functools import lru_cache
from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources.base import THIS_YEAR, SourceMeta, check_web_url, decode_text, looks_cut, note, read_bytes

META = SourceMeta(
    key="reported_trade",
    name="Reported trade, investment and cargo figures (hand-compiled, with sources)",
    version="2026-11",
    url="(hand-compiled: each row cites its page in source_url)",
    licence="facts with citation; each row cites the public page it was taken from",
    citation=(
        "multivector contributors. 2026. Reported trade figures for Kazakhstan and its partners, "
        "compiled from public official and news pages (each row cites its source URL)."
    ),
    bibtex="""@misc{multivector_reported_trade,
  author = {{multivector contributors}},
  title = {Reported trade, investment and cargo figures for Kazakhstan and its partners},
  year = {2026},
  note = {Hand-compiled from public pages; each figure cites its source URL}
}""",
    coverage=(1991, 2025),
    unit="reported figure (reporter × country × partner × period × flow)",
    tables=("reported_trade",),
    notes="Figures from different reporters are separate rows and are never averaged.",
)

COLUMNS = [
    "year", "period", "reporter", "country", "partner", "flow",
    "value_usd_bn", "share_pct", "value_mt", "note", "source_url",
]
#: the published file calls the reporter column ``reporter_country``
ALIASES = {"reporter_country": "reporter"}

SCHEMA = {
    "year": pl.Int32,
    "year_label": pl.String,
    "period": pl.String,
    "reporter": pl.String,
    "country": pl.String,
    "partner": pl.String,
    "flow": pl.String,
    "value_usd_bn": pl.Float64,
    "share_pct": pl.Float64,
    "value_mt": pl.Float64,
    "note": pl.String,
    "source_url": pl.String,
    "line": pl.Int32,
}

#: groups and aggregates allowed where a country code is expected (besides multivector.countries groups)
GROUP_LABELS = frozenset({"EU", "C5", "EAEU", "SCO", "CIS", "CU", "CICA", "CSTO", "TITR", "BRICS", "OECD", "WTO"})

_YEAR = re.compile(r"^\d{4}$")
_YEAR_RANGE = re.compile(r"^(c\.\s*)?\d{4}\s*[-–]\s*\d{4}$")
_CODE_LIKE = re.compile(r"^[A-Z]{2,5}$")
_FLOW = re.compile(r"^[a-z][a-z0-9_]*$")


# ---------------------------------------------------------------------------------------------
# Country codes (shared by the event, trade and facts readers)


@lru_cache(maxsize=1)
def iso3_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-3 code country_converter knows (plus XKX, Kosovo)."""
    import logging

    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    data = coco.CountryConverter().data
    return frozenset(c for c in data["ISO3"] if isinstance(c, str) and len(c) == 3) | {"XKX"}


@lru_cache(maxsize=1)
def _countries_module_works() -> bool:
    try:
        from multivector.countries import is_known_iso3 as f

        return bool(f("KAZ"))
    except Exception:  # the bundled tables may not be built yet
        return False


def is_known_iso3(code: str) -> bool:
    """True for an ISO3 code of a country (multivector.countries, else country_converter)."""
    if not isinstance(code, str):
        return False
    if code in iso3_codes():
        return True
    if _countries_module_works():
        from multivector.countries import is_known_iso3 as f

        return f(code)
    return False


def is_group_label(code: str) -> bool:
    if code in GROUP_LABELS:
        return True
    try:
        from multivector.countries import is_group

        return bool(is_group(code))
    except Exception:
        return False


_KEY_ROWS = ("QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")


def _adjacent_keys(a: str, b: str) -> bool:
    for row in _KEY_ROWS:
        if a in row and b in row:
            return abs(row.index(a) - row.index(b)) == 1
    return False


def suggest_iso3(code: str, n: int = 3) -> list[str]:
    """Close ISO3 codes or groups: one letter changed first (CHM → CHN), then similar spellings."""
    import difflib

    code = (code or "").upper()
    pool = sorted(iso3_codes() | GROUP_LABELS)
    one_off = [c for c in pool if len(c) == len(code) and sum(a != b for a, b in zip(c, code)) == 1]

    def rank(c: str) -> tuple[int, int]:
        i = next(i for i, (a, b) in enumerate(zip(c, code)) if a != b)
        # a neighbouring key is the likeliest typo (CHM → CHN); then keep the first letters
        return (0 if _adjacent_keys(c[i], code[i]) else 1, -i)

    one_off.sort(key=rank)
    rest = [c for c in difflib.get_close_matches(code, pool, n=n, cutoff=0.5) if c not in one_off]
    return (one_off + rest)[:n]


def check_country_cell(value: str, *, file: str, row: int, field: str, allow_labels: bool = True) -> str:
    """Check a country/partner cell and return it with its codes in upper case (``chn`` → ``CHN``:
    codes are matched case-insensitively); raise DataError if a code-like token is unknown."""
    out = []
    for piece in value.split(";"):
        token = re.sub(r"\s*\(.*\)\s*$", "", piece).strip()
        if not token:
            raise DataError("empty country code in a ';'-separated list", file=file, row=row, field=field)
        up = token.upper()
        if _CODE_LIKE.match(up) and (is_known_iso3(up) or is_group_label(up)):
            out.append(piece.strip().replace(token, up, 1))
            continue
        if _CODE_LIKE.match(token) or (not allow_labels and _CODE_LIKE.match(up)):
            near = suggest_iso3(up)
            raise DataError(
                f"unknown country code {token!r}" + (f" (did you mean {', '.join(near)}?)" if near else ""),
                file=file,
                row=row,
                field=field,
                hint="use an ISO 3166-1 alpha-3 code (KAZ, CHN), a group (EU, C5, EAEU) or a descriptive label",
            )
        if not allow_labels:
            raise DataError(
                f"{token!r} is not an ISO3 country code", file=file, row=row, field=field,
                hint="use ISO 3166-1 alpha-3 codes such as KAZ or CHN, separated by ';'",
            )
        out.append(piece.strip())
    return ";".join(out)


# ---------------------------------------------------------------------------------------------
# CSV reading with the line numbers a user sees in an editor


def read_csv_records(
    path: Path, required: list[str], *, source: str, aliases: dict[str, str] | None = None
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Read a small CSV with a header; return (header, [(line number, record)]).

    Refused with a DataError naming the file and line: an empty file, bytes that are not UTF-8
    (with their offset), rows with the wrong number of fields, a missing or renamed column, a
    broken quote, and a last line that was cut off (see :func:`~multivector.sources.base.looks_cut`).
    """
    aliases = aliases or {}
    file = str(path)
    text = decode_text(read_bytes(path), path)
    records: list[tuple[int, dict[str, str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        try:
            header = next(reader)
        except StopIteration:
            raise DataError("the file is empty", file=file, hint="the file may be truncated; get it again") from None
        header = [aliases.get(h.strip(), h.strip()) for h in header]
        import difflib

        missing = [c for c in required if c not in header]
        if missing:
            near = [f"'{m}' (found '{difflib.get_close_matches(m, header, n=1)[0]}')"
                    for m in missing if difflib.get_close_matches(m, header, n=1)]
            raise DataError(
                f"missing column(s) {', '.join(repr(m) for m in missing)}; the header has {', '.join(header)}",
                file=file, row=1, field=missing[0],
                hint=("renamed column? " + ", ".join(near) + "; " if near else "")
                + f"the header must name {', '.join(required)}",
            )
        start = reader.line_num + 1
        for row in reader:
            line = start
            start = reader.line_num + 1
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != len(header):
                cut = start > text.count("\n") + 1 and not text.endswith(("\n", "\r"))
                raise DataError(
                    f"the row has {len(row)} fields but the header has {len(header)}"
                    + ("; the file ends in the middle of this line: it was cut off" if cut else ""),
                    file=file, row=line,
                    hint="the file is truncated: get it again" if cut else
                    "the file may be truncated or a field holds an unquoted comma; "
                    "quote fields that contain commas, or get the file again",
                )
            records.append((line, dict(zip(header, (c.strip() for c in row)))))
    except csv.Error as exc:
        raise DataError(
            f"the CSV cannot be parsed ({exc}); a quote may be unclosed or the file truncated",
            file=file, row=reader.line_num,
            hint="check the quotes on that line, or get the file again",
        ) from None
    if not records:
        raise DataError("the file has no data rows", file=file, hint="the file may be truncated; get it again")
    if not text.endswith(("\n", "\r")):
        line, last = records[-1]
        col = header[-1]
        if looks_cut(last.get(col), [r.get(col) for _, r in records[:-1]]):
            raise DataError(
                f"the file ends in the middle of its last line (no line break, and its '{col}' value "
                f"{last.get(col)!r} is shorter than any other): it was cut off",
                file=file, row=line, field=col, hint="the file is truncated: get it again",
            )
        note("the file does not end with a line break; if it was cut off, its last line may be incomplete — "
             "check it", file=file, row=line)
    return header, records


def existing_csv(path: str | Path) -> Path:
    """The path of a hand-compiled CSV, or a DataError saying it is missing."""
    p = Path(path).expanduser()
    if not p.is_file():
        raise DataError(
            "no such file" if not p.exists() else "expected a CSV file but found a folder",
            file=str(p),
            hint="check the path; this table is hand-compiled (no download): give the CSV file itself",
        )
    return p


def parse_number(value: str, *, file: str, row: int, field: str, lo: float | None = None, hi: float | None = None):
    if value == "" or value.upper() in {"NA", "NAN"}:
        return None
    try:
        x = float(value.replace(",", "")) if re.fullmatch(r"-?[\d,]*\.?\d+", value) else float(value)
    except ValueError:
        raise DataError(
            f"value {value!r} is not a number", file=file, row=row, field=field,
            hint="write plain numbers (e.g. 31.4), leave the cell empty when the page gives none, "
            "and put qualifiers such as 'over' in the note",
        ) from None
    if not math.isfinite(x):
        raise DataError(f"value {value!r} is not a finite number", file=file, row=row, field=field,
                        hint="write a plain number, or leave the cell empty when the page gives none")
    if lo == 0 and hi is None and x < 0:
        raise DataError(f"value {x} is negative: this quantity cannot be below 0", file=file, row=row, field=field,
                        hint="a net flow that can be negative needs a flow name such as fdi_inflow or net_…")
    if (lo is not None and x < lo) or (hi is not None and x > hi):
        raise DataError(f"value {x} is outside [{lo}, {hi}]", file=file, row=row, field=field)
    return x


#: flows that may be negative (net flows); every other figure is a quantity ≥ 0
NET_FLOWS = frozenset({"fdi_inflow", "fdi_outflow", "fdi_net", "trade_balance", "balance"})
#: a figure's year (or the years of a range) must lie here: from 1900 to ten years ahead (targets)
YEARS = (1900, THIS_YEAR + 10)


def _check_year_label(ylab: str, *, file: str, line: int) -> int | None:
    """The year of a ``year`` cell (None for a range or an empty cell), checked."""
    years = [int(y) for y in re.findall(r"\d{4}", ylab)]
    if not (_YEAR.match(ylab) or _YEAR_RANGE.match(ylab) or not ylab):
        raise DataError(
            f"year {ylab!r} is not a year", file=file, row=line, field="year",
            hint="write a four-digit year (2023), a range (1991-2000) or leave it empty if the page gives none",
        )
    for y in years:
        if not YEARS[0] <= y <= YEARS[1]:
            raise DataError(f"year {y} is outside {YEARS[0]}–{YEARS[1]}", file=file, row=line, field="year",
                            hint="write the four-digit year the page gives")
    if len(years) == 2 and years[1] < years[0]:
        raise DataError(f"the range {ylab!r} ends before it starts", file=file, row=line, field="year",
                        hint="write the earlier year first, e.g. 2025-2029")
    return years[0] if _YEAR.match(ylab) else None


# ---------------------------------------------------------------------------------------------


def read(path: str | Path) -> pl.DataFrame:
    """Read ``reported_trade.csv``; ``line`` is the CSV line of each row (header = line 1)."""
    p = existing_csv(path)
    file = str(p)
    _, records = read_csv_records(p, COLUMNS, source=META.key, aliases=ALIASES)
    rows = []
    seen: dict[tuple, int] = {}
    for line, r in records:
        ylab = r["year"]
        year = _check_year_label(ylab, file=file, line=line)
        for col in ("reporter", "country", "partner", "flow", "source_url"):
            if not r[col]:
                raise DataError("value is missing", file=file, row=line, field=col,
                                hint=f"every figure needs a {col.replace('_', ' ')}")
        if not _FLOW.match(r["flow"]):
            raise DataError(
                f"flow {r['flow']!r} is not a flow name", file=file, row=line, field="flow",
                hint="use a lower-case name such as turnover, exports, imports, fdi_inflow, transit_tonnes",
            )
        url = check_web_url(r["source_url"], file=file, row=line, field="source_url")
        country = check_country_cell(r["country"], file=file, row=line, field="country")
        partner = check_country_cell(r["partner"], file=file, row=line, field="partner")
        net = r["flow"] in NET_FLOWS or r["flow"].startswith("net_")
        rec = {
            "year": year,
            "year_label": ylab or None,
            "period": r["period"] or None,
            "reporter": r["reporter"],
            "country": country,
            "partner": partner,
            "flow": r["flow"],
            "value_usd_bn": parse_number(r["value_usd_bn"], file=file, row=line, field="value_usd_bn",
                                         lo=None if net else 0),
            "share_pct": parse_number(r["share_pct"], file=file, row=line, field="share_pct", lo=0, hi=100),
            "value_mt": parse_number(r["value_mt"], file=file, row=line, field="value_mt", lo=0),
            "note": r["note"] or None,
            "source_url": url,
            "line": line,
        }
        key = tuple(rec[k] for k in ("year_label", "period", "reporter", "country", "partner", "flow",
                                     "value_usd_bn", "value_mt", "share_pct", "source_url"))
        if key in seen:
            raise DataError(
                f"duplicate figure: the same reporter, period, flow, value and source as line {seen[key]}",
                file=file, row=line, field="reporter",
                hint="delete the repeated row (two reporters giving the same figure are fine: they differ in reporter)",
            )
        seen[key] = line
        rows.append(rec)
    return pl.DataFrame(rows, schema=SCHEMA)


def derive(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The store table ``reported_trade`` (the file's rows, in a stable order)."""
    out = frame.sort(["country", "partner", "flow", "year", "period", "reporter", "line"], nulls_last=True)
    return {"reported_trade": out.drop("line")}
