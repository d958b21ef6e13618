"""Dyad-year and state-year panels with ``add_*`` verbs, in the spirit of peacesciencer.

    import multivector as mv
    p = (mv.dyad_years("KAZ", partners=["CHN", "RUS", "USA", "EU", "TUR"], years=(1992, 2019))
           .add_un_votes().add_alliances().add_igos().add_capabilities().add_distance())
    p.df          # Polars; p.to_pandas(); p.cite(); p.coverage()
"""

from __future__ import annotations

from multivector.panel.add_alliances import add_alliances
from multivector.panel.add_capabilities import add_capabilities
from multivector.panel.add_chinese_finance import add_chinese_finance
from multivector.panel.add_distance import add_distance
from multivector.panel.add_events import add_events
from multivector.panel.add_gdp import add_gdp
from multivector.panel.add_igos import add_igos
from multivector.panel.add_trade import add_trade
from multivector.panel.add_un_votes import add_un_votes
from multivector.panel.create import dyad_years, state_years
from multivector.panel.frame import DyadPanel, StatePanel

for _verb in (add_un_votes, add_alliances, add_igos, add_capabilities, add_gdp, add_events, add_trade, add_distance,
              add_chinese_finance):
    setattr(DyadPanel, _verb.__name__, _verb)
for _verb in (add_un_votes, add_capabilities, add_gdp, add_chinese_finance):
    setattr(StatePanel, _verb.__name__, _verb)

__all__ = [
    "DyadPanel", "StatePanel", "dyad_years", "state_years",
    "add_un_votes", "add_alliances", "add_igos", "add_capabilities", "add_gdp", "add_events", "add_trade", "add_distance",
    "add_chinese_finance",
]
