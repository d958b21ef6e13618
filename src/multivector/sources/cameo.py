"""CAMEO event codes and their Goldstein scale scores (the lookup tables GDELT publishes).

CAMEO (Conflict and Mediation Event Observations; Gerner, Schrodt & Yilmaz 2009) codes events in
a hierarchy of 2-digit root codes, 3-digit base codes and 4-digit codes; the Goldstein (1992) scale
gives each code a conflict–cooperation score from −10 to +10.

Store tables ``cameo_eventcodes`` (code, description, root_code, level) and ``goldstein_scale``
(code, goldstein). ``read(path)`` takes either file, or a folder holding both.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources.base import SourceMeta, download, existing_file, looks_cut, note, read_text

META = SourceMeta(
    key="cameo",
    name="CAMEO event codes and Goldstein scale (GDELT lookup tables)",
    version="CAMEO 1.1b3",
    url="https://www.gdeltproject.org/data/lookups/",
    licence="open, with citation",
    citation=(
        "Gerner, Deborah J., Philip A. Schrodt & Ömür Yilmaz. 2009. Conflict and Mediation Event "
        "Observations (CAMEO) Codebook, version 1.1b3. Goldstein, Joshua S. 1992. A Conflict-Cooperation "
        "Scale for WEIS Events Data. Journal of Conflict Resolution 36(2): 369–385."
    ),
    bibtex="""@techreport{gerner2009cameo,
  author = {Gerner, Deborah J. and Schrodt, Philip A. and Yilmaz, {\\"O}m{\\"u}r},
  title = {Conflict and Mediation Event Observations ({CAMEO}) Codebook},
  year = {2009},
  note = {Version 1.1b3}
}
@article{goldstein1992scale,
  author = {Goldstein, Joshua S.},
  title = {A Conflict-Cooperation Scale for {WEIS} Events Data},
  journal = {Journal of Conflict Resolution},
  year = {1992},
  volume = {36},
  number = {2},
  pages = {369--385}
}""",
    coverage=(1979, 2025),
    unit="event code",
    tables=("cameo_eventcodes", "goldstein_scale"),
)

#: the 20 CAMEO root codes; both lookup files give every one of them
ROOT_CODES = tuple(f"{i:02d}" for i in range(1, 21))
LOOKUP_BASE = "https://www.gdeltproject.org/data/lookups/"
EVENTCODES_FILE = "CAMEO.eventcodes.txt"
GOLDSTEIN_FILE = "CAMEO.goldsteinscale.txt"


def _read_tab(path: Path, value_col: str) -> list[tuple[int, str, str]]:
    file = str(path)
    rows = []
    text = read_text(path, META.key)
    lines = text.splitlines()
    if not lines:
        raise DataError("the file is empty", file=file, hint="download it again")
    header = [h.strip() for h in lines[0].split("\t")]
    if len(header) != 2 or header[0] != "CAMEOEVENTCODE" or header[1] != value_col:
        raise DataError(
            f"the header is {'/'.join(header)!r}; expected CAMEOEVENTCODE<tab>{value_col}",
            file=file, row=1, field=header[1] if len(header) > 1 else header[0],
            hint=f"is this GDELT's {EVENTCODES_FILE if value_col == 'EVENTDESCRIPTION' else GOLDSTEIN_FILE}?",
        )
    seen: dict[str, int] = {}
    for i, ln in enumerate(lines[1:], start=2):
        if not ln.strip():
            continue
        parts = ln.split("\t")
        if len(parts) != 2:
            raise DataError(f"the line has {len(parts)} tab-separated fields, expected 2", file=file, row=i,
                            hint="the file may be truncated; download it again")
        code, value = parts[0].strip(), parts[1].strip()
        if not (code.isascii() and code.isdigit() and 2 <= len(code) <= 4):
            raise DataError(f"CAMEO code {code!r} is not 2–4 digits", file=file, row=i, field="CAMEOEVENTCODE",
                            hint="codes keep their leading zeros, e.g. 010")
        if code in seen:
            raise DataError(f"duplicate CAMEO code {code} (first on line {seen[code]})", file=file, row=i,
                            field="CAMEOEVENTCODE", hint="delete the repeated line")
        seen[code] = i
        rows.append((i, code, value))
    if not rows:
        raise DataError("the file has no codes", file=file, hint="the file may be truncated; download it again")
    return rows, text


def _check_complete(rows: list[tuple[int, str, str]], text: str, file: str, value_col: str) -> None:
    """A truncated lookup file lacks the last root codes, or ends inside its last line."""
    roots = {code[:2] for _, code, _ in rows}
    missing = [r for r in ROOT_CODES if r not in roots]
    if missing:
        raise DataError(
            f"the file lacks the CAMEO root code(s) {', '.join(missing)} (CAMEO has 20, 01–20)", file=file,
            row=rows[-1][0], field="CAMEOEVENTCODE", hint="the file is incomplete or truncated; download it again",
        )
    if not text.endswith(("\n", "\r")):
        line, code, value = rows[-1]
        if looks_cut(value, [r[2] for r in rows[:-1]]):
            raise DataError(f"the file ends in the middle of its last line ({value!r} is shorter than any other "
                            "value): it was cut off", file=file, row=line, field=value_col,
                            hint="the file is truncated: download it again")
        note("the file does not end with a line break; if it was cut off, its last line may be incomplete",
             file=file, row=line)


def read_eventcodes(path: str | Path) -> pl.DataFrame:
    """``CAMEO.eventcodes.txt`` → code, description, root_code, level (2, 3 or 4 digits)."""
    p = existing_file(path, META.key)
    rows, text = _read_tab(p, "EVENTDESCRIPTION")
    _check_complete(rows, text, str(p), "EVENTDESCRIPTION")
    return pl.DataFrame(
        {"code": [r[1] for r in rows], "description": [r[2] for r in rows],
         "root_code": [r[1][:2] for r in rows], "level": [len(r[1]) for r in rows]},
        schema={"code": pl.String, "description": pl.String, "root_code": pl.String, "level": pl.Int8},
    )


def read_goldstein(path: str | Path) -> pl.DataFrame:
    """``CAMEO.goldsteinscale.txt`` → code, goldstein (−10 … +10)."""
    p = existing_file(path, META.key)
    rows, text = _read_tab(p, "GOLDSTEINSCALE")
    vals = []
    for line, code, v in rows:
        try:
            x = float(v)
        except ValueError:
            raise DataError(f"Goldstein score {v!r} is not a number", file=str(p), row=line,
                            field="GOLDSTEINSCALE") from None
        if not -10 <= x <= 10:  # also refuses NaN
            raise DataError(f"Goldstein score {x} is outside [-10, 10]", file=str(p), row=line, field="GOLDSTEINSCALE")
        vals.append(x)
    _check_complete(rows, text, str(p), "GOLDSTEINSCALE")
    return pl.DataFrame({"code": [r[1] for r in rows], "goldstein": vals},
                        schema={"code": pl.String, "goldstein": pl.Float64})


def read(path: str | Path) -> dict[str, pl.DataFrame]:
    """Read a folder with both lookup files, or one of them; returns the tables found."""
    p = Path(path).expanduser()
    out: dict[str, pl.DataFrame] = {}
    if p.is_dir():
        if (p / EVENTCODES_FILE).exists():
            out["cameo_eventcodes"] = read_eventcodes(p / EVENTCODES_FILE)
        if (p / GOLDSTEIN_FILE).exists():
            out["goldstein_scale"] = read_goldstein(p / GOLDSTEIN_FILE)
        if not out:
            raise DataError(f"the folder has neither {EVENTCODES_FILE} nor {GOLDSTEIN_FILE}", file=str(p),
                            hint="`multivector data fetch cameo` downloads them")
        return out
    p = existing_file(p, META.key)
    first = read_text(p, META.key).split("\n", 1)[0]
    if "GOLDSTEINSCALE" in first:
        return {"goldstein_scale": read_goldstein(p)}
    return {"cameo_eventcodes": read_eventcodes(p)}


def derive(frame: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The lookup tables, sorted by code."""
    return {k: v.sort("code") for k, v in frame.items()}


def fetch(dest: str | Path | None = None) -> Path:
    """Download both lookup files from gdeltproject.org into a folder; offline → OfflineError."""
    from multivector.config import home

    folder = Path(dest) if dest is not None else home() / "downloads" / "cameo"
    for name in (EVENTCODES_FILE, GOLDSTEIN_FILE):
        download(LOOKUP_BASE + name, folder / name, source=META.key, timeout=30)
    return folder


__all__ = ["META", "read", "read_eventcodes", "read_goldstein", "derive", "fetch"]
