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
    ``idealpoint_dist`` = |ideal point₁ − ideal point₂| (Bailey, Strezhnev & Voeten 2017),
    ``un_kappa`` and ``un_pi``: Häge's (2011) chance-corrected agreement, Cohen's κ and Scott's π
    with the absolute metric (formula: :func:`chance_corrected`).
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
    margins = _has_margins(panel.store)
    cols = ["joint_votes", "agree_pts2", *(MARGINS if margins else ())]
    frame = _join.undirected(panel, _join.frame_of(panel), "un_agreement_dyad_year", cols, cov=cov)
    frame = frame.with_columns(
        pl.col("joint_votes").alias("un_joint_votes"),
        (pl.col("agree_pts2") / (2 * pl.col("joint_votes"))).alias("un_agree"),
        *(chance_corrected() if margins else (pl.lit(None, pl.Float64).alias("un_kappa"),
                                              pl.lit(None, pl.Float64).alias("un_pi"))),
    ).drop(cols)
    frame = _join.by_state(panel, frame, "idealpoint_state_year", {ip: "idealpoint"}, cov_i)
    frame = frame.with_columns((pl.col("idealpoint1") - pl.col("idealpoint2")).abs().alias("idealpoint_dist"))
    p = panel._with(frame, "unvotes", ["un_joint_votes", "un_agree", "un_kappa", "un_pi"], cov)
    if not margins:
        import warnings

        warnings.warn("un_kappa and un_pi are null: the UN votes in the store were imported by an older version of "
                      "multivector, without the vote margins; import them again (`multivector data import unvotes "
                      "PATH`)", stacklevel=2)
    return p._with(p.frame, "idealpoints", ["idealpoint1", "idealpoint2", "idealpoint_dist"], cov_i)


#: the joint-vote margins of each side (the 3×3 table's rows and columns; "no" is the rest)
MARGINS = ("yes1", "abstain1", "yes2", "abstain2")


def _has_margins(store) -> bool:
    return set(MARGINS) <= set(store.query("SELECT * FROM un_agreement_dyad_year LIMIT 0").columns)


def chance_corrected() -> list[pl.Expr]:
    """Häge's κ and π (absolute metric) from a dyad-year's joint votes, agreement points and margins.

    With J joint votes, the choice shares of side 1 ``r = (yes1, abstain1, no1)/J`` and side 2
    ``c``, and the distance ``d_ij = |i − j|`` between choices (yes=0, abstain=1, no=2):
    observed disagreement ``D_o = Σ p_ij d_ij = 2 − agree_pts2/J`` (= 2(1 − un_agree));
    Cohen's κ = 1 − D_o / Σ r_i c_j d_ij; Scott's π = 1 − D_o / Σ m_i m_j d_ij with the pooled
    shares ``m = (r + c)/2``. 1 = perfect agreement, 0 = what the two sides' own vote
    distributions give by chance, negative = below chance; null when the expected disagreement is
    0 (both always cast one and the same choice). Symmetric in the two sides.

    Source: Häge, F. M. (2011). Choice or Circumstance? Adjusting Measures of Foreign Policy
    Similarity for Chance Agreement. *Political Analysis* 19(3): 287–305; Cohen (1960); Scott (1955).
    Same formula as :func:`multivector.indices.chance_corrected_agreement`.
    """
    j = pl.col("joint_votes").cast(pl.Float64)
    r = [pl.col("yes1") / j, pl.col("abstain1") / j]
    r.append(1.0 - r[0] - r[1])
    c = [pl.col("yes2") / j, pl.col("abstain2") / j]
    c.append(1.0 - c[0] - c[1])
    m = [(a + b) / 2 for a, b in zip(r, c)]
    d_obs = 2.0 - pl.col("agree_pts2") / j
    de_k = r[0] * c[1] + r[1] * c[0] + r[1] * c[2] + r[2] * c[1] + 2.0 * (r[0] * c[2] + r[2] * c[0])
    de_p = 2.0 * (m[0] * m[1] + m[1] * m[2]) + 4.0 * m[0] * m[2]
    eps = 1e-12
    return [
        pl.when(de_k > eps).then(1.0 - d_obs / de_k).otherwise(None).alias("un_kappa"),
        pl.when(de_p > eps).then(1.0 - d_obs / de_p).otherwise(None).alias("un_pi"),
    ]
