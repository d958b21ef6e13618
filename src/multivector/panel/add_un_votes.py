"""``add_un_votes()``: UN General Assembly vote agreement and ideal-point distance."""

from __future__ import annotations

import polars as pl

from multivector.panel import _join


#: ideal-point series of the July 2025 release: final-passage votes (default), all votes, legacy (sessions)
SERIES = {"fp": "idealpoint", "all": "idealpoint_all", "legacy": "idealpoint_legacy"}


def add_un_votes(panel, idealpoint: str = "fp"):
    """Add UN voting columns.

    Dyad-years: ``un_joint_votes`` (roll calls where both voted yes, abstain or no),
    ``un_agree`` = (1/J) Σ (1 − |v₁ − v₂|/2) with yes=1, abstain=2, no=3 (Voeten's agreement
    score, computed here from the raw roll calls), ``idealpoint1``, ``idealpoint2`` and
    ``idealpoint_dist`` = |ideal point₁ − ideal point₂| (Bailey, Strezhnev & Voeten 2017).
    State-years: ``idealpoint``. Years outside the vote data are null.

    Years: agreement is by UN **session** year (year = session + 1945; Voeten's roll calls to
    session 74, then the UN Secretariat's recorded votes to session 80 = 2025); the ideal points of
    the July 2025 release are by **calendar** year (to 2024). ``idealpoint="fp"`` (default) uses the
    final-passage series (``idealpointfp``), ``"all"`` all votes (to 2023), ``"legacy"`` the older
    session-based series (to 2023), for comparison.
    """
    if idealpoint not in SERIES:
        from multivector.errors import PanelError

        raise PanelError(f"idealpoint must be one of {', '.join(SERIES)}; got {idealpoint!r}")
    ip = SERIES[idealpoint]
    cov_i = _join.coverage(panel, "idealpoints")
    if panel.kind == "state":
        frame = _join.by_state(panel, _join.frame_of(panel), "idealpoint_state_year", {ip: "idealpoint"}, cov_i)
        return panel._with(frame, "idealpoints", ["idealpoint"], cov_i)
    _join.need(panel, "dyad", "add_un_votes")
    cov = _join.coverage(panel, "unvotes")
    frame = _join.undirected(panel, _join.frame_of(panel), "un_agreement_dyad_year", ["joint_votes", "agree_pts2"], cov=cov)
    frame = frame.with_columns(
        pl.col("joint_votes").alias("un_joint_votes"),
        (pl.col("agree_pts2") / (2 * pl.col("joint_votes"))).alias("un_agree"),
    ).drop("joint_votes", "agree_pts2")
    frame = _join.by_state(panel, frame, "idealpoint_state_year", {ip: "idealpoint"}, cov_i)
    frame = frame.with_columns((pl.col("idealpoint1") - pl.col("idealpoint2")).abs().alias("idealpoint_dist"))
    p = panel._with(frame, "unvotes", ["un_joint_votes", "un_agree"], cov)
    return p._with(p.frame, "idealpoints", ["idealpoint1", "idealpoint2", "idealpoint_dist"], cov_i)
