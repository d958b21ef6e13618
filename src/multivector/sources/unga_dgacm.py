"""UN General Assembly recorded votes from the UN Secretariat's machine-readable resolutions.

The Department for General Assembly and Conference Management (DGACM) publishes every adopted GA
resolution as Akoma Ntoso XML and, per session, a JSON Lines extract (``data_extract/74.json`` …
``80.json``, ``ES-10.json``, ``ES-11.json``; one resolution record per line): symbol, title,
adoption date, adoption type and, for recorded votes, the lists of Member States voting yes, no
and abstaining. This fills the years after Voeten's roll calls end (January 2020).

Rules (see ``docs/data.md``):

* Only records adopted **by a recorded vote** are votes. Records adopted without a vote, or whose
  adoption type is empty, are not votes and not errors (they are counted in :data:`NOTES`).
* Each record is keyed on its **entry** (``file:line``): multi-part resolutions share a symbol.
  The same roll call uploaded twice (identical symbol, number, date and title, and identical vote
  lists once names are normalised — in ``79.json`` the repeats differ only in how Türkiye is
  spelled) is kept once, the later upload.
* Names are normalised through the country table (``TURKEY``, ``TURKIYE``, ``TÜRKIYE``,
  ``TÜRKİYE`` and ``TÜRKÝYE`` are all TUR); an unknown name is an error that lists every unknown name.
* Members not listed as voting are **absent** (vote code 8, as in Voeten's data): UN membership on
  the vote date (country_converter's ``UNmember`` admission years) minus the three lists. COW codes
  are Voeten's (each ISO3 country's COW code).
* **Year convention**: Voeten's session year, ``year = session + 1945``. A regular-session record
  takes its session from its symbol (A/RES/80/… → 80 → 2025). An emergency special session (ES-10,
  ES-11) or special session (S-32) vote counts in the **regular session in progress on the vote
  date** (ES-11/1 of 2 March 2022 → session 76 → 2021); see :func:`session_of`.

Store tables: ``unga_rollcalls`` (entry_id, symbol, date, session, year, meeting_session, title,
yes, no, abstain, absent) and ``unga_votes`` (entry_id, year, ccode, iso3, vote 1 yes / 2 abstain /
3 no / 8 absent). :mod:`multivector.sources.unvotes` joins these roll calls to Voeten's for the
dyad-year agreement.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources._names import un_table
from multivector.sources.base import SourceMeta, existing_file, year_span

BIBTEX = """@misc{un_dgacm_garesolutions,
  author = {{United Nations, Department for General Assembly and Conference Management}},
  title = {Machine-readable General Assembly resolutions ({AKN4UN}), data extracts, sessions 74--80},
  year = {2026},
  howpublished = {\\url{https://github.com/UNxml/GAresolutions}},
  note = {Recorded votes of adopted resolutions; source: United Nations}
}"""

META = SourceMeta(
    key="unga",
    name="UN General Assembly resolutions adopted by recorded vote (UN Secretariat, DGACM extracts)",
    version="UNxml/GAresolutions data_extract, commit 42a69b6 (2026-07-10): sessions 74–80, ES-10, ES-11",
    url="https://github.com/UNxml/GAresolutions",
    licence="United Nations terms: informational use, provided without warranty; acknowledge the United Nations as the source",
    citation=(
        "United Nations, Department for General Assembly and Conference Management. 2026. Machine-readable "
        "General Assembly resolutions (AKN4UN), data_extract, sessions 74–80. https://github.com/UNxml/GAresolutions."
    ),
    bibtex=BIBTEX,
    coverage=(2019, 2025),
    unit="resolution (entry) × member state; session years",
    tables=("unga_rollcalls", "unga_votes"),
    notes="Session years (year = session + 1945); emergency special sessions count in the regular session in progress.",
)

YES, ABSTAIN, NO, ABSENT = 1, 2, 3, 8
LISTS = {"MS_in_favour": YES, "MS_against": NO, "MS_abstaining": ABSTAIN}
REQUIRED = ("symbol", "adoption_date", "adoption_type", "MS_in_favour", "MS_against", "MS_abstaining")

#: opening date of each regular session (the first plenary meeting), from the GA's own records
#: (A/74/PV.1 … A/80/PV.1); used to place emergency and special session votes in a session.
SESSION_OPENING: dict[int, date] = {
    73: date(2018, 9, 18), 74: date(2019, 9, 17), 75: date(2020, 9, 15), 76: date(2021, 9, 14),
    77: date(2022, 9, 13), 78: date(2023, 9, 5), 79: date(2024, 9, 10), 80: date(2025, 9, 9),
}

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}

RAW_BASE = "https://raw.githubusercontent.com/UNxml/GAresolutions/main/data_extract/"


def _opening(session: int) -> date:
    if session in SESSION_OPENING:
        return SESSION_OPENING[session]
    # not in the table: the second Tuesday of September (the practice since 2024)
    d = date(1945 + session, 9, 1)
    first_tuesday = d + timedelta(days=(1 - d.weekday()) % 7)
    return first_tuesday + timedelta(days=7)


def session_of(d: date) -> int:
    """The regular session in progress on date ``d`` (a session runs from its opening in September
    to the day before the next one opens)."""
    s = d.year - 1945
    return s if d >= _opening(s) else s - 1


def parse_date(text: object) -> date | None:
    """'29 October 2025', '11\\u00a0July 2024' or '2019-10-10 00:00:00' → date; None if unreadable."""
    s = str(text or "").replace("\u00a0", " ").strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T][\d:]+)?", s)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    m = re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})", s)
    if m and m[2].lower() in _MONTHS:
        try:
            return date(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
        except ValueError:
            return None
    return None


def _regular_session(symbol: str) -> int | None:
    m = re.match(r"A/RES/(\d+)/", symbol.strip())
    return int(m[1]) if m else None


def _members(year: int) -> list[str]:
    """ISO3 codes of UN Member States admitted by ``year`` (country_converter's UNmember)."""
    return _membership().filter(pl.col("admitted") <= year)["iso3"].to_list()


_MEMBERSHIP: pl.DataFrame | None = None


def _membership() -> pl.DataFrame:
    global _MEMBERSHIP
    if _MEMBERSHIP is None:
        import logging

        import country_converter as coco

        logging.getLogger("country_converter").setLevel(logging.ERROR)
        data = coco.CountryConverter().data
        rows = [(iso, int(y)) for iso, y in zip(data["ISO3"], data["UNmember"])
                if isinstance(iso, str) and len(iso) == 3 and str(y).strip().isdigit()]
        _MEMBERSHIP = pl.DataFrame(rows, schema={"iso3": pl.String, "admitted": pl.Int32}, orient="row").unique("iso3").sort("iso3")
    return _MEMBERSHIP


def _files(p: Path) -> list[Path]:
    if p.is_dir():
        sub = p / "data_extract"
        folder = sub if sub.is_dir() else p
        files = sorted(f for f in folder.glob("*.json") if f.is_file())
        if not files:
            raise DataError("no UN extract files (*.json) in this folder", file=str(p),
                            hint="point at the data_extract folder of UNxml/GAresolutions (74.json, 75.json, …)")
        return files
    return [existing_file(p, META.key)]


def read(path: str | Path) -> pl.DataFrame:
    """Recorded votes from one extract file or a folder of them → one row per (entry, member state).

    Columns: entry_id, symbol, date, session, year, meeting_session, title, ccode, iso3, vote.
    Absent members are rows with vote 8. Raises :class:`DataError` naming the file, the JSON line
    and the field for a malformed line, a bad date, conflicting lists or unknown names (all listed).
    """
    files = _files(Path(path).expanduser())
    names = un_table()
    records: list[dict] = []
    skipped = {"without a vote": 0, "empty adoption type": 0, "recorded vote without member lists": 0,
               "repeated upload of the same roll call": 0}
    for f in files:
        _read_file(f, names, records, skipped)
    if names.unknown:
        listed = "; ".join(f"{n!r} ({w[0]} line {w[1]})" for n, w in names.unknown.items())
        first = next(iter(names.unknown.values()))
        raise DataError(
            f"{len(names.unknown)} member-state name(s) not in the country table: {listed}",
            file=first[0], row=first[1], field=first[2],
            hint="add the spelling to multivector.sources._names.UN_ALIASES (or report it)",
        )
    if not records:
        raise DataError("no recorded votes in these files", file=str(path),
                        hint="the extracts hold only resolutions adopted without a vote; is this the right folder?")
    records = _drop_repeats(records, skipped)
    NOTES.clear()
    NOTES.update(skipped)
    return _long(records)


#: what the last :func:`read` skipped (not errors), by reason
NOTES: dict[str, int] = {}


def _read_file(f: Path, names, records: list[dict], skipped: dict[str, int]) -> None:
    file = str(f)
    try:
        text = f.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text ({exc.reason})", file=file, hint="download the extract again") from None
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(
                f"JSON line {lineno} is not valid JSON ({exc.msg} at column {exc.colno}); the file may be truncated",
                file=file, row=lineno, hint="download the extract again; every line must be one JSON object",
            ) from None
        if not isinstance(rec, dict):
            raise DataError(f"JSON line {lineno} is not an object", file=file, row=lineno)
        for k in REQUIRED:
            if k not in rec:
                raise DataError(f"JSON line {lineno} has no field '{k}'", file=file, row=lineno, field=k,
                                hint="is this a UNxml/GAresolutions data_extract file?")
        kind = str(rec.get("adoption_type") or "").strip().lower()
        if kind != "by a recorded vote":
            if kind == "":
                skipped["empty adoption type"] += 1
            elif "without" in kind:
                skipped["without a vote"] += 1
            else:
                raise DataError(f"unknown adoption type {rec['adoption_type']!r}", file=file, row=lineno,
                                field="adoption_type", hint="expected 'By a recorded vote' or 'Without a vote'")
            continue
        symbol = str(rec["symbol"]).strip()
        d = parse_date(rec["adoption_date"])
        if d is None:
            raise DataError(f"adoption date {rec['adoption_date']!r} is not a date", file=file, row=lineno,
                            field="adoption_date", hint="dates look like '2 March 2022' or '2019-10-10 00:00:00'")
        regular = _regular_session(symbol)
        session = regular if regular is not None else session_of(d)
        if not 1 <= session <= 200:
            raise DataError(f"session {session} is out of range", file=file, row=lineno, field="symbol")
        votes: dict[str, int] = {}
        for field_, code in LISTS.items():
            lst = rec[field_]
            if not isinstance(lst, list):
                raise DataError(f"'{field_}' is not a list", file=file, row=lineno, field=field_)
            for nm in lst:
                iso = names.resolve(nm, (file, lineno, field_))
                if iso is None:
                    continue
                if iso in votes and votes[iso] != code:
                    raise DataError(f"{nm!r} ({iso}) is listed with two different votes", file=file, row=lineno,
                                    field=field_, hint="the record's lists conflict; download the extract again")
                votes[iso] = code  # repeated names in one list (A/RES/75/290 A) count once
        if not votes:
            skipped["recorded vote without member lists"] += 1
            continue
        records.append({
            "entry_id": f"{f.stem}:{lineno}", "symbol": symbol, "number": str(rec.get("resolution_number") or ""),
            "date": d, "session": session, "meeting_session": str(rec.get("session") or ""),
            "title": str(rec.get("title") or "").strip(), "votes": votes, "file": file, "line": lineno,
        })


def _drop_repeats(records: list[dict], skipped: dict[str, int]) -> list[dict]:
    """Keep one record per roll call: identical symbol, number, date, title and votes = one upload
    repeated; the later entry is kept."""
    seen: dict[tuple, int] = {}
    keep: list[dict] = []
    for rec in records:
        key = (rec["symbol"], rec["number"], rec["date"], rec["title"], tuple(sorted(rec["votes"].items())))
        if key in seen:
            keep[seen[key]] = rec
            skipped["repeated upload of the same roll call"] += 1
            continue
        seen[key] = len(keep)
        keep.append(rec)
    return keep


def _long(records: list[dict]) -> pl.DataFrame:
    from multivector.countries import ccodes_for

    members_by_year: dict[int, list[str]] = {}
    rows = []
    for rec in records:
        y = rec["date"].year
        if y not in members_by_year:
            members_by_year[y] = _members(y)
        all_iso = sorted(set(members_by_year[y]) | set(rec["votes"]))
        for iso in all_iso:
            rows.append((rec["entry_id"], rec["symbol"], rec["date"], rec["session"], rec["session"] + 1945,
                         rec["meeting_session"], rec["title"], iso, rec["votes"].get(iso, ABSENT)))
    df = pl.DataFrame(rows, schema={
        "entry_id": pl.String, "symbol": pl.String, "date": pl.Date, "session": pl.Int32, "year": pl.Int32,
        "meeting_session": pl.String, "title": pl.String, "iso3": pl.String, "vote": pl.Int8,
    }, orient="row")
    keys = df.select("iso3").unique().sort("iso3")
    codes = ccodes_for(keys["iso3"].to_list(), [2019] * keys.height, outside_system=True)
    keys = keys.with_columns(pl.Series("ccode", codes, dtype=pl.Int32))
    missing = keys.filter(pl.col("ccode").is_null())
    if missing.height:
        raise DataError(f"no COW code for {', '.join(missing['iso3'].to_list())}",
                        hint="these members are not in the COW state list; report it")
    df = df.join(keys, on="iso3", how="left")
    return df.select("entry_id", "symbol", "date", "session", "year", "meeting_session", "title", "ccode", "iso3", "vote") \
        .sort(["year", "date", "entry_id", "ccode"])


def derive(votes: pl.DataFrame) -> dict[str, pl.DataFrame]:
    calls = (
        votes.group_by("entry_id", maintain_order=True)
        .agg(
            pl.col("symbol").first(), pl.col("date").first(), pl.col("session").first(), pl.col("year").first(),
            pl.col("meeting_session").first(), pl.col("title").first(),
            (pl.col("vote") == YES).sum().cast(pl.Int32).alias("yes"),
            (pl.col("vote") == NO).sum().cast(pl.Int32).alias("no"),
            (pl.col("vote") == ABSTAIN).sum().cast(pl.Int32).alias("abstain"),
            (pl.col("vote") == ABSENT).sum().cast(pl.Int32).alias("absent"),
        )
        .sort(["year", "date", "entry_id"])
    )
    return {
        "unga_rollcalls": calls,
        "unga_votes": votes.select("entry_id", "year", "ccode", "iso3", "vote").sort(["entry_id", "ccode"]),
    }


def data_coverage(tables: dict[str, pl.DataFrame]) -> tuple[int, int] | None:
    return year_span(tables, "unga_rollcalls")


def fetch(dest: str | Path | None = None, *, sessions: tuple[str, ...] | None = None, client=None) -> Path:
    """Download the session extracts (``74.json`` … and the emergency sessions) from UNxml/GAresolutions
    into one folder and return it. ``sessions`` defaults to 74 up to the session in progress plus ES-10
    and ES-11; a session the UN has not published yet (404) is skipped. ``client``: an ``httpx.Client``."""
    from multivector.config import home
    from multivector.errors import OfflineError
    from multivector.sources.comtrade import get_with_backoff

    folder = Path(dest) if dest is not None else home() / "downloads" / "unga" / "data_extract"
    folder.mkdir(parents=True, exist_ok=True)
    if sessions is None:
        last = session_of(datetime.now().date())
        sessions = (*[str(s) for s in range(74, last + 1)], "ES-10", "ES-11")
    got = 0
    for s in sessions:
        try:
            text = get_with_backoff(RAW_BASE + f"{s}.json", source=META.key, client=client)
        except OfflineError as exc:
            if "answered 404" in str(exc):
                continue  # not published (yet)
            raise
        tmp = folder / f"{s}.json.part"
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(folder / f"{s}.json")
        got += 1
    if not got:
        raise OfflineError(f"none of the sessions {', '.join(sessions)} is published at {RAW_BASE}")
    return folder
