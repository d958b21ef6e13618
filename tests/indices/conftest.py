"""Fixtures for the index tests: paths to the real published files in ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pytest

from multivector.config import shared_data_dir


@pytest.fixture(scope="session")
def shared() -> Path:
    d = shared_data_dir()
    if d is None:
        pytest.skip("the shared data folder (../shared/data) is not available")
    return d


@pytest.fixture(scope="session")
def un_votes(shared):
    """The unvotes release (Voeten's data packaged by the R package unvotes) joined to vote years."""
    import polars as pl
    import pyreadr

    f = shared / "unvotes" / "un_votes.rda"
    if not f.exists():
        pytest.skip(f"{f} is missing")
    v = pl.from_pandas(pyreadr.read_r(f)["un_votes"].astype({"vote": str})).with_columns(pl.col("rcid").cast(pl.Int32))
    rc = pl.from_pandas(
        pyreadr.read_r(shared / "unvotes" / "un_roll_calls.rda")["un_roll_calls"][["rcid", "date"]].astype({"date": str})
    )
    return v, rc


@pytest.fixture(scope="session")
def fbic_sample(shared):
    import polars as pl

    f = shared / "fbic" / "FBIC_sample.csv"
    if not f.exists():
        pytest.skip(f"{f} is missing")
    return pl.read_csv(f, infer_schema_length=10000)
