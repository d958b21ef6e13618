"""Build the country report: profile (tables and notes) → figures (charts) → one offline HTML file.

    from multivector.report import build_report
    rep = build_report("KAZ")                      # partners: the great-power set; years 1992–2019
    rep.tables["balance"]                         # the polars frame behind the balance chart
    rep.write_html("kazakhstan.html")

The steps are :func:`multivector.report.profile.country_profile` (every table, from the panel),
:func:`multivector.report.figures.make_figures` (a chart per table) and
:func:`multivector.report.render.render_html` (the page). The report runs on the bundled starter
pack: sources that are not loaded are skipped and the report says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from multivector.errors import MultivectorError
from multivector.report.profile import Progress, country_profile
from multivector.report.sections import DEFAULT_YEARS, SECTIONS

__all__ = ["DEFAULT_YEARS", "SECTIONS", "Report", "build_report"]


@dataclass
class Report:
    """A built report: the tables behind every chart, the claims tested, the charts, and notes."""

    country: str
    country_name: str
    partners: list[str]
    years: tuple[int, int]
    tables: dict[str, pl.DataFrame]
    claims: dict[str, Any]
    """The claim tests by claim (``additive``, ``shift``, ``dependence``): :class:`multivector.claims.ClaimResult`."""
    figures: dict[str, Any] = field(repr=False, default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    bibtex: str = ""
    focus: str | None = None
    breaks: tuple[int, ...] = ()
    created: str = ""
    bottom_line: Any = None
    """What the evidence says about each claim (:class:`multivector.claims.BottomLine`)."""

    def html(self) -> str:
        """The report as one self-contained HTML page (plotly.js inline, no network requests)."""
        from multivector.report.render import render_html

        return render_html(self)

    def write_html(self, path: str | Path) -> Path:
        p = Path(path).expanduser()
        if p.parent and not p.parent.exists():
            raise MultivectorError(f"cannot write the report to {p}: the folder {p.parent} does not exist")
        tmp = p.with_name(p.name + ".tmp")
        tmp.write_text(self.html(), encoding="utf-8")
        tmp.replace(p)
        return p

    def write_pdf(self, path: str | Path, html_path: str | Path | None = None) -> Path:
        """Print the report to PDF through headless Chromium (Playwright with Debian's chromium)."""
        from multivector.report.pdf import html_to_pdf

        if html_path is None:
            import tempfile

            with tempfile.TemporaryDirectory() as d:
                h = self.write_html(Path(d) / "report.html")
                return html_to_pdf(h, path)
        return html_to_pdf(Path(html_path), path)

    def __repr__(self) -> str:
        return (f"<Report {self.country} vs {', '.join(self.partners)}, {self.years[0]}–{self.years[1]}: "
                f"tables {', '.join(self.tables)}>")


def build_report(
    country: Any,
    partners: Iterable[Any] | str | None = None,
    years: tuple[int, int] | None = None,
    *,
    focus: Any | None = None,
    breaks: Sequence[int] | None = None,
    store=None,
    progress: Progress | None = None,
    charts: bool = True,
) -> Report:
    """Build the report for ``country`` against ``partners`` (default: the great-power set).

    ``years`` defaults to :data:`DEFAULT_YEARS`. ``focus`` is the power whose rising ties are
    tested as additive or subtractive (default: China when in the set, else the first power).
    ``breaks`` are the dates of the shift test (default 2013, 2014, 2022). ``progress`` is called
    with the name of each step. Every chart's numbers are in ``Report.tables``.
    """
    p = country_profile(country, partners, years, focus=focus, breaks=breaks, store=store, progress=progress)
    rep = Report(country=p.country, country_name=p.country_name, partners=p.partners, years=p.years, tables=p.tables,
                 claims=p.claims, bottom_line=p.bottom_line, notes=p.notes, bibtex=p.bibtex, focus=p.focus, breaks=p.breaks,
                 created=p.created)
    if charts:
        from multivector.report.figures import make_figures

        (progress or (lambda s: None))("drawing the charts")
        rep.figures = make_figures(rep)
    return rep
