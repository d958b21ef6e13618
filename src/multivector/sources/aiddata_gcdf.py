"""Chinese official development finance by recipient and year: AidData's Global Chinese Development
Finance Dataset 3.0 (GCDF 3.0), commitments 2000–2021 in constant 2021 US$.

The project-level workbook of GCDF 3.0 (20,985 projects) is summed by recipient and commitment year
over the projects AidData recommends for aggregates, split by flow class: ODA-like, OOF-like and
vague official finance (``oda_amt``, ``oof_amt``, ``vof_amt``; ``*_adj`` are AidData's adjusted
amounts). This module reads that country-year table as built by the R package ``odadata``
(``cow_gcdf.csv``, COW codes).

Store table ``cn_finance_state_year``: ccode, year, commitments_usd2021 (= ODA + OOF + vague official
finance, ``*_amt``), oda_usd2021, oof_usd2021, vof_usd2021. Only country-years with commitments are
rows; the panel reads a missing year of a recipient that appears in the data as 0 and a state that
never appears (outside GCDF's scope of low- and middle-income countries) as null.

Kazakhstan 2000–2021: US$ 64.15 bn (2021 US$) — AidData's published country total.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from multivector.errors import DataError
from multivector.sources.base import SourceMeta, check_range, existing_file, read_table, year_span

META = SourceMeta(
    key="cn_finance",
    name="AidData Global Chinese Development Finance Dataset 3.0, commitments by recipient-year",
    version="GCDF 3.0 (Nov 2023), country-year sums via odadata (2025-09-24)",
    url="https://www.aiddata.org/data/aiddatas-global-chinese-development-finance-dataset-version-3-0",
    licence="AidData: free reuse with attribution; odadata build code MIT",
    citation=(
        "Custer, S., Dreher, A., Elston, T.B., Escobar, B., Fedorochko, R., Fuchs, A., Ghose, S., Lin, J., Malik, A., "
        "Parks, B.C., Solomon, K., Strange, A., Tierney, M.J., Vlasova, L., Walsh, K., Zhang, S. 2023. Tracking "
        "Chinese Development Finance: An Application of AidData's TUFF 3.0 Methodology. Williamsburg, VA: AidData "
        "at William & Mary."
    ),
    bibtex="""@techreport{custer2023gcdf,
  author = {Custer, Samantha and Dreher, Axel and Elston, Thai-Binh and Escobar, Brooke and Fedorochko, Rory and Fuchs, Andreas and Ghose, Siddhartha and Lin, Joyce and Malik, Ammar and Parks, Bradley C. and Solomon, Kyra and Strange, Austin and Tierney, Michael J. and Vlasova, Lydia and Walsh, Katherine and Zhang, Sheng},
  title = {Tracking Chinese Development Finance: An Application of {AidData}'s {TUFF} 3.0 Methodology},
  institution = {AidData at William \\& Mary},
  address = {Williamsburg, VA},
  year = {2023}
}""",
    coverage=(2000, 2021),
    unit="recipient state-year (constant 2021 US$)",
    tables=("cn_finance_state_year",),
)

FLOWS = {"oda_amt": "oda_usd2021", "oof_amt": "oof_usd2021", "vof_amt": "vof_usd2021"}


def read(path: str | Path) -> pl.DataFrame:
    p = Path(path).expanduser()
    if p.is_dir():
        for cand in (p / "cow_gcdf.csv", p / "odadata" / "cow_gcdf.csv"):
            if cand.exists():
                return read(cand)
        raise DataError("no cow_gcdf.csv in this folder", file=str(p), hint="the odadata build of GCDF 3.0 is read")
    p = existing_file(p, META.key)
    df = read_table(p, META.key, int_cols=["ccode", "year"], float_cols=list(FLOWS), key=["ccode", "year"])
    check_range(df, "year", 2000, 2100, p, row_offset=2)
    check_range(df, "ccode", 1, 999, p, row_offset=2)
    for c in FLOWS:
        s = df[c]
        if s.is_infinite().any():
            i = int(s.is_infinite().arg_true()[0])
            raise DataError("value is infinite", file=str(p), row=i + 2, field=c)
        check_range(df, c, 0, None, p, row_offset=2)
    return df


def derive(df: pl.DataFrame) -> dict[str, pl.DataFrame]:
    out = df.select(
        pl.col("ccode").cast(pl.Int32), pl.col("year").cast(pl.Int32),
        pl.sum_horizontal([pl.col(c).fill_null(0) for c in FLOWS]).alias("commitments_usd2021"),
        *[pl.col(c).alias(o) for c, o in FLOWS.items()],
    ).sort(["ccode", "year"])
    return {"cn_finance_state_year": out}


def data_coverage(tables: dict[str, pl.DataFrame]) -> tuple[int, int] | None:
    return year_span(tables, "cn_finance_state_year")


ODADATA_RAW = "https://raw.githubusercontent.com/milesdwilliams15/odadata/refs/heads/main/data/cow_gcdf.csv"


def fetch(dest=None) -> Path:
    """Download the odadata build of the GCDF 3.0 country-year sums (``cow_gcdf.csv``)."""
    from multivector.sources.base import fetch_files

    return fetch_files(META.key, {"cow_gcdf.csv": ODADATA_RAW}, dest)
