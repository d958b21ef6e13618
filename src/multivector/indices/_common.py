"""Small shared helpers for the index functions (array coercion and input checks)."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from multivector.errors import PanelError


def as_float_array(x: Any, name: str = "values") -> np.ndarray:
    """``x`` as a float64 numpy array; ``None`` becomes NaN (missing, never 0)."""
    if isinstance(x, pl.Series):
        return x.cast(pl.Float64).to_numpy()
    if isinstance(x, pl.Expr):
        raise PanelError(f"{name}: a polars expression was given where values were expected; "
                         "evaluate it first (df.select(expr).to_series())")
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        arr = np.asarray([np.nan if v is None else v for v in np.ravel(np.asarray(x, dtype=object))],
                         dtype=float).reshape(np.shape(x))
    return arr


def scalar_or_array(result: np.ndarray) -> float | np.ndarray:
    """Return a Python float for 0-d results, the array otherwise."""
    if np.ndim(result) == 0:
        return float(result)
    return result


def to_polars(df: Any, what: str = "panel") -> pl.DataFrame:
    """Accept a polars frame, a pandas frame or an object with a ``.df`` polars frame (a Panel)."""
    if isinstance(df, pl.DataFrame):
        return df
    if isinstance(df, pl.LazyFrame):
        return df.collect()
    inner = getattr(df, "df", None)
    if isinstance(inner, pl.DataFrame):
        return inner
    try:
        import pandas as pd

        if isinstance(df, pd.DataFrame):
            return pl.from_pandas(df)
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    raise PanelError(f"expected a {what} as a polars or pandas DataFrame, got {type(df).__name__}")


def require_columns(df: pl.DataFrame, columns: list[str] | tuple[str, ...], what: str, hint: str = "") -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        msg = f"{what} needs the column(s) {', '.join(missing)}, which the frame does not have"
        msg += f" (it has: {', '.join(df.columns[:20])}{'…' if len(df.columns) > 20 else ''})"
        if hint:
            msg += f"\n  What to do: {hint}"
        raise PanelError(msg)
