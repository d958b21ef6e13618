"""Dyad-year and state-year panels with ``add_*`` verbs, in the spirit of peacesciencer.

    import multivector as mv
    p = (mv.dyad_years("KAZ", partners=["CHN", "RUS", "USA", "EU", "TUR"], years=(1992, 2019))
           .add_un_votes().add_alliances().add_igos().add_capabilities().add_distance())
    p.df          # Polars; p.to_pandas(); p.cite(); p.coverage()
"""

from __future__ import annotations

from multivector.panel.base import AGGREGATION
from multivector.panel.create import dyad_years, every_state, state_years, store_of
from multivector.panel.frame import DyadPanel, StatePanel
from multivector.panel.verbs import VERBS, Verb
from multivector.panel.version import data_version

__all__ = ["AGGREGATION", "DyadPanel", "StatePanel", "VERBS", "Verb", "data_version", "dyad_years", "every_state", "state_years", "store_of"]
