"""Analysis: the claims made about a middle power's ties with the great powers, as tests with the
evidence shown, the method named and the caveats stated.

    import multivector as mv
    from multivector.analysis import additive_or_subtractive, shift_over_time, dependence_risk

    p = mv.dyad_years("KAZ", partners=mv.great_powers(), years=(1992, 2019))
    p = p.add_un_votes().add_alliances().add_igos().add_events()
    print(additive_or_subtractive(p, focus="CHN"))
"""

from __future__ import annotations

from multivector.analysis.engagement import balance_table, engagement_long, engagement_long_all
from multivector.analysis.hypotheses import (
    DEFAULT_BREAKS,
    THRESHOLDS,
    HypothesisResult,
    Threshold,
    additive_or_subtractive,
    dependence_risk,
    shift_over_time,
)

__all__ = [
    "HypothesisResult", "Threshold", "THRESHOLDS", "DEFAULT_BREAKS", "engagement_long", "engagement_long_all",
    "balance_table",
    "additive_or_subtractive", "shift_over_time", "dependence_risk",
]
