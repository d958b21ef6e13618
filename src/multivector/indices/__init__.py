"""Indices: pure functions over panels — dependence, alignment, event tone, the multi-vector
balance index (this project's construction) and a bilateral influence composite.

Every function's docstring gives its formula and source; ``docs/indices.md`` collects them with
interpretation and caveats.
"""

from __future__ import annotations

from multivector.indices.alignment import (
    VOTE_CODES,
    chance_corrected_agreement,
    cohens_kappa,
    dyad_year_agreement,
    equidistance,
    ideal_point_distance,
    s_score,
    scotts_pi,
    vote_agreement,
    vote_codes,
    vote_table,
)
from multivector.indices.balance import (
    CHANNELS,
    COUNT_CHANNELS,
    SAMPLE_CHANNELS,
    SHARE_CHANNELS,
    balance,
    balance_bootstrap_ci,
    balance_from_long,
    balance_from_positions,
    balance_index,
    evenness,
    relative_positions,
    tilt,
)
from multivector.indices.dependence import (
    add_partner_share,
    concentration_both_sides,
    dependence_asymmetry,
    dyadic_dependence,
    effective_number_of_partners,
    hhi,
    mirror_flows,
    normalized_hhi,
    partner_concentration,
    partner_share,
    product_concentration,
    trade_dependence,
    trade_salience,
    trade_symmetry,
    weak_link_dependence,
)
from multivector.indices.influence import (
    FBIC_BANDWIDTH_WEIGHTS,
    FBIC_DEPENDENCE_WEIGHTS,
    bandwidth,
    dependence as influence_dependence,
    influence_composite,
    influence_table,
)
from multivector.indices.tone import (
    ICEWS_COLUMNS,
    QUAD_CLASSES,
    event_tone,
    event_tone_from_events,
    goldstein_mean,
    net_cooperation,
    quad_class_shares,
)

__all__ = [
    # dependence
    "partner_share", "hhi", "normalized_hhi", "effective_number_of_partners", "dyadic_dependence",
    "dependence_asymmetry", "weak_link_dependence", "trade_salience", "trade_symmetry",
    "mirror_flows", "concentration_both_sides", "trade_dependence", "product_concentration",
    "add_partner_share", "partner_concentration",
    # alignment
    "VOTE_CODES", "vote_codes", "vote_agreement", "s_score", "vote_table", "chance_corrected_agreement",
    "cohens_kappa", "scotts_pi", "ideal_point_distance", "equidistance", "dyad_year_agreement",
    # tone
    "QUAD_CLASSES", "ICEWS_COLUMNS", "goldstein_mean", "net_cooperation", "quad_class_shares",
    "event_tone", "event_tone_from_events",
    # balance
    "CHANNELS", "COUNT_CHANNELS", "SAMPLE_CHANNELS", "SHARE_CHANNELS", "balance", "tilt", "evenness",
    "relative_positions", "balance_from_positions", "balance_bootstrap_ci", "balance_from_long", "balance_index",
    # influence
    "FBIC_BANDWIDTH_WEIGHTS", "FBIC_DEPENDENCE_WEIGHTS", "bandwidth", "influence_dependence", "influence_composite",
    "influence_table",
]
