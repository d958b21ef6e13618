"""The report's second step: the charts, each drawn from one table of the profile."""

from __future__ import annotations

from typing import Any

from multivector.vocabulary import power_colours


def make_figures(rep) -> dict[str, Any]:
    """The report's plotly figures, each drawn from one of ``rep.tables``."""
    from multivector.report import charts as C

    t, yrs = rep.tables, rep.years
    colours = power_colours(rep.partners)
    cov = {}
    if "coverage" in t:
        for r in t["coverage"].iter_rows(named=True):
            if r["coverage_start"] is not None:
                cov[r["source"]] = (r["coverage_start"], r["coverage_end"])
    figs: dict[str, Any] = {}
    chan_notes = {}
    for ch, src, lab in (("security", "atop", "ATOP"), ("institutions", "cow_igo", "COW IGO"), ("events", "icews", "ICEWS")):
        c = cov.get(src)
        if c and (c[0] > yrs[0] or c[1] < yrs[1]):
            chan_notes[ch] = f"{lab} {max(c[0], yrs[0])}–{min(c[1], yrs[1])} only"
    figs["shares"] = C.shares_chart(t["shares_latest"], colours)
    figs["balance"] = C.balance_chart(t["balance"], yrs, chan_notes)
    al = t["alignment"]
    if "un_agree" in al.columns:
        figs["un_agree"] = C.partner_lines(al, "un_agree", "UN General Assembly vote agreement with each power",
                                           "Agreement (0–1)", colours, yrs, cov.get("unvotes"),
                                           "UN votes", breaks=rep.breaks, hover_format=".2f")
    if "un_kappa" in al.columns and al["un_kappa"].is_not_null().any():
        figs["un_kappa"] = C.partner_lines(al, "un_kappa", "UN vote agreement beyond chance (Häge's κ)",
                                           "κ (0 = chance, 1 = always alike)", colours, yrs, cov.get("unvotes"),
                                           "UN votes", breaks=rep.breaks, hover_format=".2f")
    if "idealpoint_dist" in al.columns:
        figs["idealpoint"] = C.partner_lines(al, "idealpoint_dist", "Distance between UN ideal points",
                                             "Ideal-point distance (0 = same)",
                                             colours, yrs, cov.get("idealpoints"), "ideal points", breaks=rep.breaks,
                                             hover_format=".2f")
    if "security" in t:
        figs["security"] = C.security_chart(t["security"], rep.partners, yrs, cov.get("atop"))
    if "institutions" in t:
        c = cov.get("cow_igo")
        figs["institutions"] = C.partner_lines(t["institutions"], "dyadigos", "Shared IGO memberships with each power",
                                               "Shared IGOs (count)", colours, yrs, c,
                                               f"COW IGO ends {c[1]}" if c else "COW IGO", hover_format=".0f")
    if "events" in t:
        c = cov.get("icews")
        lab = f"ICEWS {c[0]}–{c[1]}" if c else "ICEWS"
        figs["tone"] = C.partner_lines(t["events"], "net_coop", "Tone of events towards each power (ICEWS)",
                                       "Net cooperation (−1 to 1)", colours, yrs, c, lab,
                                       breaks=rep.breaks, hover_format=".2f")
        figs["volume"] = C.partner_lines(t["events"], "event_volume", "Volume of events towards each power (ICEWS)",
                                         "Events per year (count)", colours, yrs, c, lab, hover_format=".0f")
    if "speech" in t:
        c = cov.get("ungdc")
        figs["speech"] = C.partner_lines(t["speech"], "speech_stance", "Stance of the UN General Debate statement toward each power",
                                         "Stance (−1 hostile … +1 favourable)", colours, yrs, c, "UN General Debate",
                                         breaks=rep.breaks, y_range=(-1, 1), hover_format=".2f")
        figs["speech_mentions"] = C.partner_lines(t["speech"], "speech_mentions", "How often each power is named",
                                                  "Mentions per statement (count)", colours, yrs, c, "UN General Debate",
                                                  hover_format=".0f")
    if "trade_both" in t:
        figs["trade_both"] = C.trade_sides_chart(t["trade_both"], colours, rep.country, yrs, cov.get("trade"))
    figs["trade"] = C.trade_chart(t["trade_reported"], colours, rep.country)
    figs["timeline"] = C.timeline_chart(t["timeline"], colours)
    if "gravity" in t and t["gravity"].height:
        figs["gravity"] = C.gravity_chart(t["gravity"], colours, rep.country)
    if "additive" in rep.claims:
        figs["additive"] = C.additive_chart(rep.claims["additive"].table, rep.focus or "")
    return figs
