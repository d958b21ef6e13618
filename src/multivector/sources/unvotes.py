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

**To the present.** A folder that also holds the UN Secretariat's extracts (a ``data_extract/``
folder, see :mod:`multivector.sources.unga_dgacm`) is read as one vote record: Voeten's roll calls
up to his last session (74, to January 2020), then the extracts' recorded votes (sessions 75–80,
2020–2025 in session years). :func:`combine` joins them without double-counting session 74: an
extract record whose symbol Voeten already has is dropped (all 90 of session 74's are; Voeten
has one more, A/RES/74/267 of 14 January 2020). Voeten's releases also hold votes on paragraphs
and amendments, the extracts only votes on whole resolutions; in the sessions next to the seam
(2013–2015, 2018, 2019) Voeten's package has exactly one roll call per resolution symbol, and for
the 90 roll calls of session 74 that both sources hold the two agree vote for vote (so every
dyad's 2019 agreement is identical computed from either): the seam joins like with like. Earlier
sessions with paragraph votes (e.g. 52–67) differ from a one-roll-call-per-resolution count by
0.015 on average for Kazakhstan and the great powers (see ``docs/data.md`` and
``tests/sources/test_unvotes_recent.py``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from multivector.errors import DataError
from multivector.sources import unga_dgacm
from multivector.sources.base import (
    THIS_YEAR,
    SourceMeta,
    cast_numeric,
    check_not_empty,
    check_unique,
    existing_file,
    fetch_files,
    read_rdata,
    read_table,
    require_columns,
    to_polars,
)

META = SourceMeta(
    key="unvotes",
    name="United Nations General Assembly Voting Data",
    version="Voeten via unvotes 0.3 (to Jan 2020) + UN DGACM extracts (sessions 75–80, commit 42a69b6)",
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
}

""" + unga_dgacm.BIBTEX,
    coverage=(1946, 2025),
    unit="roll call × country (derived: undirected dyad-year; session years, year = session + 1945)",
    tables=("un_agreement_dyad_year", "un_rollcalls"),
    notes="Session years (year = session + 1945): Voeten's roll calls to session 74, the UN's recorded votes for 75–80 (2020–2025).",
)

VOTE_CODES = {"yes": 1, "abstain": 2, "no": 3}
#: session s is year 1945 + s: from 1 (1946) to this year's; roll-call ids are positive
SESSION_RANGES = {"session": (1, THIS_YEAR - 1945), "rcid": (1, None)}
ISSUES = ("me", "nu", "di", "hr", "co", "ec")


def read(path: str | Path) -> pl.DataFrame:
    """Votes as (rcid, year, ccode, vote, important, me, nu, di, hr, co, ec, symbol, origin).

    ``path``: Voeten's file, or a folder with Voeten's files and/or the UN extracts (a
    ``data_extract/`` folder): both are joined by :func:`combine`.
    """
    p = Path(path).expanduser()
    if p.is_dir():
        extracts = p / "data_extract"
        recent = None
        if extracts.is_dir():
            recent = unga_dgacm.read(extracts)
        for name in ("un_votes.rda", "UNVotesPublished.RData", "UNVotes.csv"):
            if (p / name).exists():
                voeten = read(p / name)
                return voeten if recent is None else combine(voeten, recent)
        if recent is not None:
            return combine(None, recent)
        raise DataError(
            "no UN votes file in this folder (expected un_votes.rda, UNVotesPublished.RData or UNVotes.csv, "
            "or a data_extract/ folder of the UN Secretariat's extracts)",
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
    calls = read_table(calls_path, META.key, int_cols=["rcid", "session"], str_cols=["importantvote", "date", "unres"],
                       key=["rcid"], not_null=["session"], ranges=SESSION_RANGES)
    votes = raw.with_columns(pl.col("vote").cast(pl.String).str.to_lowercase())
    bad = ~votes["vote"].is_in(list(VOTE_CODES))
    if bad.any():
        i = int(bad.arg_true()[0])
        raise DataError(f"vote {votes['vote'][i]!r} is not yes, no or abstain", file=str(p), row=i + 1, field="vote")
    votes = cast_numeric(votes, ["rcid"], p, pl.Int32, integral=True, allow_null=False)
    votes = votes.with_columns(pl.col("vote").replace_strict(VOTE_CODES, return_dtype=pl.Int8))
    votes = votes.join(calls.select("rcid", "session", "importantvote", pl.col("unres").alias("symbol")), on="rcid", how="left")
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
    out = votes.select("rcid", "year", "ccode", "vote", "important", *ISSUES, pl.col("symbol").cast(pl.String))
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
        pl.lit(None, pl.String).alias("symbol"),
    )
    check_unique(out, ["rcid", "ccode"], p)
    return out


def agreement(votes: pl.DataFrame) -> pl.DataFrame:
    """Dyad-year agreement (ccode1 < ccode2, year, joint_votes, agree_pts2, yes1, abstain1, yes2,
    abstain2, agree) from long votes.

    ``agree_pts2`` = Σ (2 − |v_a − v_b|) over joint votes (an integer, so the score is exact);
    ``agree`` = agree_pts2 / (2 · joint_votes). ``yes1``/``abstain1`` (``yes2``/``abstain2``) count
    the joint votes on which ccode1 (ccode2) voted yes or abstained — the margins of the dyad's 3×3
    table of joint choices, which with ``agree_pts2`` give Häge's chance-corrected κ and π exactly
    (see :func:`multivector.panel.add_un_votes`).
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
        yes_m = yes @ cast.T  # [a, b]: roll calls where a voted yes and b voted
        abst_m = abst @ cast.T
        i, j = np.triu_indices(nc, k=1)
        jv = joint[i, j]
        keep = jv > 0
        i, j = i[keep], j[keep]
        parts.append(
            pl.DataFrame({
                "ccode1": cc[i].astype(np.int32),
                "ccode2": cc[j].astype(np.int32),
                "year": np.full(i.size, year, dtype=np.int32),
                "joint_votes": jv[keep].astype(np.int32),
                "agree_pts2": np.rint(pts2[i, j]).astype(np.int32),
                "yes1": np.rint(yes_m[i, j]).astype(np.int32),
                "abstain1": np.rint(abst_m[i, j]).astype(np.int32),
                "yes2": np.rint(yes_m[j, i]).astype(np.int32),
                "abstain2": np.rint(abst_m[j, i]).astype(np.int32),
            })
        )
    out = pl.concat(parts)
    return out.with_columns((pl.col("agree_pts2") / (2 * pl.col("joint_votes"))).alias("agree")).sort(["ccode1", "ccode2", "year"])


#: roll calls from the UN extracts get rcid = RECENT_RCID + their order (Voeten's stay below it)
RECENT_RCID = 1_000_000


def _symbol_key(s: pl.Expr) -> pl.Expr:
    return s.cast(pl.String).str.to_uppercase().str.replace_all(r"\s+", " ").str.strip_chars()


def combine(voeten: pl.DataFrame | None, recent: pl.DataFrame) -> pl.DataFrame:
    """Voeten's votes joined to the UN extracts' recorded votes, each roll call counted once.

    ``recent`` is :func:`multivector.sources.unga_dgacm.read` output (absent members, vote 8, are
    dropped as in Voeten's data). An extract roll call in a session year that Voeten covers is
    dropped when Voeten has a roll call with the same symbol that year (the overlap of session
    74); one Voeten lacks is added. Extract roll calls get rcid ``RECENT_RCID + k`` in (year, date,
    entry) order, so the result is deterministic. ``origin`` says where each vote comes from.
    """
    rc = (
        recent.filter(pl.col("vote") <= 3)
        .select("entry_id", "symbol", "date", "year")
        .unique("entry_id")
        .sort(["year", "date", "entry_id"])
    )
    if voeten is not None and voeten.height:
        last = int(voeten["year"].max())
        sym = voeten["symbol"] if "symbol" in voeten.columns else pl.Series("symbol", [None] * voeten.height, pl.String)
        have = pl.DataFrame({"year": voeten["year"], "_sym": sym}).select(
            "year", _symbol_key(pl.col("_sym")).alias("_sym")).unique().drop_nulls()
        named_years = have["year"].unique().to_list()
        # in a year Voeten covers, an extract roll call is added only if Voeten's roll calls carry
        # symbols that year and this one is not among them (else it could be counted twice)
        rc = rc.with_columns(_symbol_key(pl.col("symbol")).alias("_sym")).join(
            have.with_columns(pl.lit(True).alias("_dup")), on=["year", "_sym"], how="left"
        ).filter(
            (pl.col("year") > last) | (pl.col("year").is_in(named_years) & pl.col("_dup").is_null())
        ).drop("_sym", "_dup")
    rc = rc.with_row_index("_k").with_columns((pl.col("_k").cast(pl.Int32) + RECENT_RCID).alias("rcid")).drop("_k")
    add = (
        recent.filter(pl.col("vote") <= 3)
        .join(rc.select("entry_id", "rcid"), on="entry_id", how="inner")
        .select(
            "rcid", "year", pl.col("ccode").cast(pl.Int32), pl.col("vote").cast(pl.Int8),
            pl.lit(False).alias("important"), *[pl.lit(None, pl.Boolean).alias(c) for c in ISSUES],
            pl.col("symbol").cast(pl.String), pl.lit("un_dgacm").alias("origin"),
        )
    )
    if voeten is None:
        return add.sort(["rcid", "ccode"])
    base = voeten.with_columns(pl.lit("voeten").alias("origin"))
    if "symbol" not in base.columns:
        base = base.with_columns(pl.lit(None, pl.String).alias("symbol"))
    base = base.select(add.columns).cast(add.schema)
    return pl.concat([base, add]).sort(["rcid", "ccode"])


def derive(votes: pl.DataFrame) -> dict[str, pl.DataFrame]:
    if "origin" not in votes.columns:
        votes = votes.with_columns(pl.lit("voeten").alias("origin"))
    calls = votes.group_by("rcid").agg(pl.col("year").first(), pl.col("important").first(),
                                       *[pl.col(c).first() for c in ISSUES], pl.col("origin").first())
    return {
        "un_agreement_dyad_year": agreement(votes).drop("agree"),
        "un_rollcalls": calls.sort("rcid"),
    }


UNVOTES_RAW = "https://github.com/dgrtwo/unvotes/raw/master/data/"


def fetch(dest=None) -> Path:
    """Download the unvotes package's three data files and the UN Secretariat's session extracts
    (``data_extract/``) into one folder and return it (import that folder: votes to the present)."""
    names = ("un_votes.rda", "un_roll_calls.rda", "un_roll_call_issues.rda")
    folder = fetch_files(META.key, {n: UNVOTES_RAW + n for n in names}, dest)
    unga_dgacm.fetch(Path(folder) / "data_extract")
    return Path(folder)


def data_coverage(tables: dict[str, pl.DataFrame]) -> tuple[int, int] | None:
    from multivector.sources.base import year_span

    return year_span(tables, "un_agreement_dyad_year")
