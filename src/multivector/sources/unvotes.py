"""UN General Assembly roll-call votes (Voeten) and dyad-year agreement computed from them.

Reads either release:

* the ``unvotes`` R package files (``un_votes.rda`` with ``un_roll_calls.rda`` — and optionally
  ``un_roll_call_issues.rda`` — beside it; votes to January 2020, ISO2 codes and names), or
* Voeten's raw file (``UNVotesPublished.RData`` or ``UNVotes.csv``: rcid, session, vote coded
  1 yes / 2 abstain / 3 no / 8 absent / 9 not a member, COW ``ccode``).

Either way :func:`read` returns one row per (roll call, country) with ``vote`` 1 = yes,
2 = abstain, 3 = no; absences and non-members are dropped (Voeten's rule). Session ``s`` is
year ``1945 + s``.

:func:`derive` computes, for every unordered pair of countries and year, the number of joint
votes and Voeten's agreement score

    agree = (1 / J) · Σ_r (1 − |v_a,r − v_b,r| / 2)

over the J roll calls where both voted (Voeten, "Data and Analyses of Voting in the UN General
Assembly", 2013). It is computed with three one-hot vote matrices per year (yes, abstain, no;
countries × roll calls) and matrix products, so all ~1 M dyad-years take well under a second.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from multivector.errors import DataError
from multivector.sources.base import (
    THIS_YEAR,
    SourceMeta,
    cast_numeric,
    check_unique,
    existing_file,
    read_table,
    require_columns,
    check_not_empty,
    to_polars,
    read_rdata,
    fetch_files,
)

META = SourceMeta(
    key="unvotes",
    name="United Nations General Assembly Voting Data",
    version="unvotes 0.3 (to Jan 2020)",
    url="https://dataverse.harvard.edu/dataset.xhtml?persistentId=hdl:1902.1/12379",
    licence="CC0 (Harvard Dataverse); MIT (unvotes R package)",
    citation=(
        "Voeten, Erik, Anton Strezhnev & Michael Bailey. 2009. United Nations General Assembly Voting "
        "Data. Harvard Dataverse, hdl:1902.1/12379."
    ),
    bibtex="""@misc{voeten2009unga,
  author = {Voeten, Erik and Strezhnev, Anton and Bailey, Michael},
  title = {United Nations General Assembly Voting Data},
  year = {2009},
  howpublished = {Harvard Dataverse},
  note = {hdl:1902.1/12379}
}""",
    coverage=(1946, 2019),
    unit="roll call × country (derived: undirected dyad-year)",
    tables=("un_agreement_dyad_year", "un_rollcalls"),
)

VOTE_CODES = {"yes": 1, "abstain": 2, "no": 3}
#: session s is year 1945 + s: from 1 (1946) to this year's; roll-call ids are positive
SESSION_RANGES = {"session": (1, THIS_YEAR - 1945), "rcid": (1, None)}
ISSUES = ("me", "nu", "di", "hr", "co", "ec")


def read(path: str | Path) -> pl.DataFrame:
    """Votes as (rcid, year, ccode, vote, important, me, nu, di, hr, co, ec)."""
    p = Path(path).expanduser()
    if p.is_dir():
        for name in ("un_votes.rda", "UNVotesPublished.RData", "UNVotes.csv"):
            if (p / name).exists():
                return read(p / name)
        raise DataError(
            "no UN votes file in this folder (expected un_votes.rda, UNVotesPublished.RData or UNVotes.csv)",
            file=str(p),
        )
    p = existing_file(p, META.key)
    if p.name.lower().startswith("un_votes"):
        return _read_unvotes_package(p)
    return _read_voeten_raw(p)


def _read_unvotes_package(p: Path) -> pl.DataFrame:
    from multivector.countries import ccodes_for

    raw = to_polars(read_rdata(p, None, META.key))
    check_not_empty(raw, p)
    require_columns(raw, ["rcid", "country", "vote"], p)
    calls_path = p.with_name("un_roll_calls.rda")
    if not calls_path.exists():
        raise DataError(
            "the roll-call table un_roll_calls.rda must sit beside un_votes.rda (it gives each vote's session)",
            file=str(calls_path),
            hint="copy both files of the unvotes package into one folder and import that folder",
        )
    calls = read_table(calls_path, META.key, int_cols=["rcid", "session"], str_cols=["importantvote", "date"], key=["rcid"],
                       not_null=["session"], ranges=SESSION_RANGES)
    votes = raw.with_columns(pl.col("vote").cast(pl.String).str.to_lowercase())
    bad = ~votes["vote"].is_in(list(VOTE_CODES))
    if bad.any():
        i = int(bad.arg_true()[0])
        raise DataError(f"vote {votes['vote'][i]!r} is not yes, no or abstain", file=str(p), row=i + 1, field="vote")
    votes = cast_numeric(votes, ["rcid"], p, pl.Int32, integral=True, allow_null=False)
    votes = votes.with_columns(pl.col("vote").replace_strict(VOTE_CODES, return_dtype=pl.Int8))
    votes = votes.join(calls.select("rcid", "session", "importantvote"), on="rcid", how="left")
    missing = votes["session"].is_null()
    if missing.any():
        i = int(missing.arg_true()[0])
        raise DataError(
            f"roll call {votes['rcid'][i]} is not in un_roll_calls.rda", file=str(p), row=i + 1, field="rcid",
            hint="use the un_votes.rda and un_roll_calls.rda of the same release",
        )
    votes = votes.with_columns((pl.col("session") + 1945).cast(pl.Int32).alias("year"))
    keys = votes.select("country", "year").unique().sort(["country", "year"])
    codes = ccodes_for(keys["country"].to_list(), keys["year"].to_list(), outside_system=True)
    keys = keys.with_columns(pl.Series("ccode", codes, pl.Int32))
    unknown = keys.filter(pl.col("ccode").is_null())
    if unknown.height:
        first = unknown.row(0, named=True)
        i = int((votes["country"] == first["country"]).arg_true()[0])
        raise DataError(
            f"country {first['country']!r} (year {first['year']}) has no COW state code",
            file=str(p), row=i + 1, field="country",
            hint="check the spelling, or report the name so it can be added to the country table",
        )
    votes = votes.join(keys, on=["country", "year"], how="left")
    votes = votes.with_columns((pl.col("importantvote").cast(pl.String) == "1").alias("important"))
    issues_path = p.with_name("un_roll_call_issues.rda")
    if issues_path.exists():
        iss = read_table(issues_path, META.key, int_cols=["rcid"], str_cols=["short_name"])
        flags = iss.with_columns(pl.lit(True).alias("flag")).pivot(on="short_name", index="rcid", values="flag", aggregate_function="first")
        votes = votes.join(flags, on="rcid", how="left")
    for issue in ISSUES:
        if issue not in votes.columns:
            votes = votes.with_columns(pl.lit(None, pl.Boolean).alias(issue))
        votes = votes.with_columns(pl.col(issue).cast(pl.Boolean).fill_null(False))
    out = votes.select("rcid", "year", "ccode", "vote", "important", *ISSUES)
    check_unique(out, ["rcid", "ccode"], p)
    return out


def _read_voeten_raw(p: Path) -> pl.DataFrame:
    issue_cols = [c for c in ISSUES]
    df = read_table(p, META.key, int_cols=["rcid", "session", "vote", "ccode"], str_cols=["importantvote", *issue_cols],
                    not_null=["rcid", "session", "vote", "ccode"], codes=["ccode"], ranges=SESSION_RANGES)
    bad = ~df["vote"].is_in([1, 2, 3, 8, 9])
    if bad.any():
        i = int(bad.arg_true()[0])
        raise DataError(
            f"vote code {df['vote'][i]} is not one of 1 (yes), 2 (abstain), 3 (no), 8 (absent), 9 (not a member)",
            file=str(p), row=i + (2 if p.suffix.lower() == ".csv" else 1), field="vote",
        )
    df = df.filter(pl.col("vote") <= 3)
    out = df.select(
        "rcid",
        (pl.col("session") + 1945).cast(pl.Int32).alias("year"),
        "ccode",
        pl.col("vote").cast(pl.Int8),
        (pl.col("importantvote") == "1").fill_null(False).alias("important"),
        *[(pl.col(c) == "1").fill_null(False).alias(c) for c in issue_cols],
    )
    check_unique(out, ["rcid", "ccode"], p)
    return out


def agreement(votes: pl.DataFrame) -> pl.DataFrame:
    """Dyad-year agreement (ccode1 < ccode2, year, joint_votes, agree_pts2, agree) from long votes.

    ``agree_pts2`` = Σ (2 − |v_a − v_b|) over joint votes (an integer, so the score is exact);
    ``agree`` = agree_pts2 / (2 · joint_votes).
    """
    parts = []
    for (year,), g in sorted(votes.select("year", "rcid", "ccode", "vote").partition_by("year", as_dict=True).items()):
        cc, ci = np.unique(g["ccode"].to_numpy(), return_inverse=True)
        _, ri = np.unique(g["rcid"].to_numpy(), return_inverse=True)
        v = g["vote"].to_numpy()
        nc, nr = len(cc), int(ri.max()) + 1
        onehot = np.zeros((3, nc, nr), dtype=np.float64)
        onehot[v - 1, ci, ri] = 1.0
        yes, abst, no = onehot
        cast = yes + abst + no
        joint = cast @ cast.T
        d1 = yes @ abst.T + abst @ no.T
        d2 = yes @ no.T
        pts2 = 2 * joint - (d1 + d1.T) - 2 * (d2 + d2.T)
        i, j = np.triu_indices(nc, k=1)
        jv = joint[i, j]
        keep = jv > 0
        parts.append(
            pl.DataFrame({
                "ccode1": cc[i[keep]].astype(np.int32),
                "ccode2": cc[j[keep]].astype(np.int32),
                "year": np.full(int(keep.sum()), year, dtype=np.int32),
                "joint_votes": jv[keep].astype(np.int32),
                "agree_pts2": np.rint(pts2[i[keep], j[keep]]).astype(np.int32),
            })
        )
    out = pl.concat(parts)
    return out.with_columns((pl.col("agree_pts2") / (2 * pl.col("joint_votes"))).alias("agree")).sort(["ccode1", "ccode2", "year"])


def derive(votes: pl.DataFrame) -> dict[str, pl.DataFrame]:
    calls = votes.group_by("rcid").agg(pl.col("year").first(), pl.col("important").first(), *[pl.col(c).first() for c in ISSUES])
    return {
        "un_agreement_dyad_year": agreement(votes).drop("agree"),
        "un_rollcalls": calls.sort("rcid"),
    }


UNVOTES_RAW = "https://github.com/dgrtwo/unvotes/raw/master/data/"


def fetch(dest=None) -> Path:
    """Download the unvotes package's three data files into one folder (import that folder)."""
    names = ("un_votes.rda", "un_roll_calls.rda", "un_roll_call_issues.rda")
    return fetch_files(META.key, {n: UNVOTES_RAW + n for n in names}, dest)
