"""The country report: `multivector report KAZ` writes one self-contained, offline HTML file.

    from multivector.report import build_report
    rep = build_report("KAZ", partners=["CHN", "RUS", "USA", "EU", "TUR"], years=(1992, 2019))
    rep.tables["balance"]          # the numbers behind the balance chart (polars)
    rep.write_html("multivector-report-KAZ.html")
"""

from __future__ import annotations

from multivector.report.build import DEFAULT_YEARS, SECTIONS, Report, build_report

__all__ = ["build_report", "Report", "DEFAULT_YEARS", "SECTIONS"]
