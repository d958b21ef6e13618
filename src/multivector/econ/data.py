"""Gravity data for estimation: find the file, read it, keep the years and sample asked for, derive columns.

A ``--data`` value is a path; a bare file name that is not a path is looked up in the project's
shared data folder (``multivector.config.shared_data_dir()``), so ``Chapter2Application2.dta``
finds the published Yotov et al. (2016) file when it is there. Otherwise the error says where the
published file can be downloaded.

Built-in columns, created when a formula or option names them and the data lacks them:

``pair``
    the unordered country pair (``ARG-AUS`` for both directions; ``ARG-ARG`` for domestic flows),
    for pair fixed effects and clustering.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from multivector.econ import expressions
from multivector.errors import DataError

EXPORTER_NAMES = ("exporter", "iso_o", "reporter", "origin", "exp")
IMPORTER_NAMES = ("importer", "iso_d", "partner", "destination", "imp")


@dataclass
class GravityData:
    """A prepared gravity frame and where it came from."""

    frame: pd.DataFrame
    file: str
    exporter: str = "exporter"
    importer: str = "importer"
    year: str | None = "year"
    rows_read: int = 0
    notes: list[str] = field(default_factory=list)


def resolve_data_path(value: str | Path, *, published: str | None = None, download: str | None = None) -> Path:
    """The file ``value`` names: a path, or a bare file name found in the shared data folder.

    ``published`` / ``download`` describe the published file an example expects, for the message
    when it cannot be found.
    """
    p = Path(value).expanduser()
    if p.is_file():
        return p
    if p.is_dir():
        raise DataError("is a folder, not a data file", file=str(p), hint="give the path of a .dta, .csv or .parquet file")
    if len(p.parts) == 1:
        from multivector.config import shared_data_dir

        d = shared_data_dir()
        if d is not None and d.is_dir():
            hits = sorted(d.rglob(p.name))
            hits = [h for h in hits if h.is_file()]
            if hits:
                return hits[0]
    where = f"the published file {published or p.name}"
    hint = "give the path of the file with --data"
    if download:
        hint = f"download {where} from {download} and pass its path with --data"
    raise DataError("file not found (not a path, and not in the shared data folder)", file=str(value), hint=hint)


def load_flows(
    path: str | Path,
    *,
    years: Sequence[int] | None = None,
    sample: str | None = None,
    derive: Mapping[str, str] | None = None,
    exporter: str | None = None,
    importer: str | None = None,
    year: str | None = "year",
    frame: pd.DataFrame | None = None,
) -> GravityData:
    """Read ``path`` (or take ``frame``), derive columns, keep ``years`` and the ``sample`` rows.

    Derivations run before the year filter, so ``lag(RTA, 4)`` can reach years that are later
    dropped (e.g. the 1990 value for 1994 in a 4-year panel built from annual data).
    """
    if frame is None:
        from multivector.sources.gravity import read_flows

        pdf = read_flows(path)
        file = str(path)
    else:
        pdf = frame.reset_index(drop=True).copy()
        file = str(path) if path else "<frame>"
    rows = len(pdf)
    exp_col = exporter or _detect(pdf, EXPORTER_NAMES)
    imp_col = importer or _detect(pdf, IMPORTER_NAMES)
    for role, col in (("exporter", exp_col), ("importer", imp_col)):
        if col is None or col not in pdf.columns:
            raise DataError(f"no {role} column (looked for {', '.join(EXPORTER_NAMES if role == 'exporter' else IMPORTER_NAMES)})",
                            file=file, field=col or role,
                            hint=f"name the {role} column with --{role} COLUMN")
        pdf[col] = pdf[col].astype(str).str.strip()
    yr = year if (year and year in pdf.columns) else None
    gd = GravityData(pdf, file, exp_col, imp_col, yr, rows)
    for name, expr in (derive or {}).items():
        gd.frame[name] = expressions.evaluate(expr, gd.frame, where=f"[derive] {name}", pair=(exp_col, imp_col),
                                              year=yr or "year")
    if years is not None:
        if yr is None:
            raise DataError("years were asked for but the data has no 'year' column", file=file, field="year")
        wanted = [int(y) for y in years]
        have = set(pd.unique(gd.frame[yr]).tolist())
        absent = [y for y in wanted if y not in have]
        if absent:
            raise DataError(f"the data has no rows for year(s) {', '.join(map(str, absent))} "
                            f"(it covers {min(have)}–{max(have)})", file=file, field=yr)
        gd.frame = gd.frame[gd.frame[yr].isin(wanted)].reset_index(drop=True)
    if sample:
        keep = expressions.evaluate(sample, gd.frame, where="sample", pair=(exp_col, imp_col), year=yr or "year")
        gd.frame = gd.frame[keep.to_numpy().astype(bool)].reset_index(drop=True)
        if gd.frame.empty:
            raise DataError(f"no rows are left after the sample `{sample}`", file=file)
    return gd


def add_builtin_columns(gd: GravityData, names: Iterable[str]) -> None:
    """Create the built-in columns among ``names`` that the frame lacks (see the module docstring)."""
    f = gd.frame
    for name in set(names):
        if name in f.columns:
            continue
        if name == "pair":
            f["pair"] = unordered_pair(f[gd.exporter], f[gd.importer])


def unordered_pair(exporter: pd.Series, importer: pd.Series) -> pd.Series:
    """``A-B`` with the codes sorted, so both directions of a pair share one label."""
    a = exporter.astype(str).to_numpy()
    b = importer.astype(str).to_numpy()
    lo = np.where(a <= b, a, b)
    hi = np.where(a <= b, b, a)
    return pd.Series(np.char.add(np.char.add(lo.astype(str), "-"), hi.astype(str)), index=exporter.index)


def check_flows(gd: GravityData, column: str) -> None:
    """Trade flows must be numbers, non-negative and not all zero; errors name the row."""
    f = gd.frame
    if column not in f.columns:
        raise DataError("the dependent variable is not a column of the data", file=gd.file, field=column)
    v = pd.to_numeric(f[column], errors="coerce")
    bad = v.isna() & f[column].notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"not a number: {f[column].iloc[i]!r}", file=gd.file, row=i + 1, field=column)
    if (v < 0).any():
        i = int(np.flatnonzero((v < 0).to_numpy())[0])
        raise DataError(f"negative trade flow {v.iloc[i]:g} (flows must be ≥ 0)", file=gd.file, row=i + 1, field=column,
                        hint="fix or drop the row; PPML needs non-negative flows (zeros are fine)")
    if not (v.fillna(0) > 0).any():
        raise DataError("every trade flow is zero (or missing): nothing to estimate", file=gd.file, field=column,
                        hint="check the column and the years/sample selected")
    f[column] = v


def _detect(frame: pd.DataFrame, names: Sequence[str]) -> str | None:
    lower = {str(c).lower(): c for c in frame.columns}
    for n in names:
        if n in lower:
            return lower[n]
    return None
