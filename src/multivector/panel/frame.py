"""The panels people use: :class:`DyadPanel` and :class:`StatePanel`, with their verbs as methods.

    p = mv.dyad_years("KAZ", partners=["CHN", "RUS"], years=(1992, 2019)).add_un_votes().add_alliances()

Each verb lives in its own module (``add_un_votes.py`` …) and is listed, with the source it needs
and the columns it adds, in :data:`multivector.panel.verbs.VERBS`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

import polars as pl

from multivector.panel.add_alliances import add_alliances
from multivector.panel.add_capabilities import add_capabilities
from multivector.panel.add_chinese_finance import add_chinese_finance
from multivector.panel.add_distance import add_distance
from multivector.panel.add_events import add_events
from multivector.panel.add_gdp import add_gdp
from multivector.panel.add_igos import add_igos
from multivector.panel.add_speech_stance import add_speech_stance
from multivector.panel.add_trade import add_trade
from multivector.panel.add_un_votes import add_un_votes
from multivector.panel.base import PanelBase, _fold_groups
from multivector.panel.verbs import apply_loaded


@dataclass(frozen=True)
class DyadPanel(PanelBase):
    """Dyad-years (directed: side 1 acts on side 2). Build with :func:`multivector.dyad_years`."""

    kind: ClassVar[str] = "dyad"
    directed: bool = True

    @property
    def df(self) -> pl.DataFrame:
        """The panel with group partners (the EU) folded into one row per actor-group-year."""
        if "folded" not in self._cache:
            f = self._collected()
            self._cache["folded"] = _fold_groups(f) if "_group" in f.columns else f
        return self._cache["folded"]

    @property
    def members(self) -> pl.DataFrame:
        """Rows at state level, with ``_group`` naming the group partner a member row belongs to."""
        return self._collected()

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        return f"<DyadPanel {kind} {self.years[0]}-{self.years[1]}: {len(self):,} rows; sources: {', '.join(self.sources)}>\n{self.df}"

    # -- verbs (one module each: multivector/panel/add_*.py) ------------------------------------

    def add_un_votes(self, idealpoint: str = "fp") -> "DyadPanel":
        """UN General Assembly vote agreement (session years, to 2025) and ideal points (calendar
        years, to 2024; ``idealpoint``: ``"fp"``, ``"all"`` or ``"legacy"``) — see
        :func:`~multivector.panel.add_un_votes.add_un_votes`."""
        return add_un_votes(self, idealpoint=idealpoint)

    def add_alliances(self) -> "DyadPanel":
        """ATOP alliance obligations (see :func:`~multivector.panel.add_alliances.add_alliances`)."""
        return add_alliances(self)

    def add_igos(self) -> "DyadPanel":
        """Shared IGO memberships (see :func:`~multivector.panel.add_igos.add_igos`)."""
        return add_igos(self)

    def add_capabilities(self) -> "DyadPanel":
        """COW material capabilities (see :func:`~multivector.panel.add_capabilities.add_capabilities`)."""
        return add_capabilities(self)

    def add_gdp(self) -> "DyadPanel":
        """GDP and population (see :func:`~multivector.panel.add_gdp.add_gdp`)."""
        return add_gdp(self)

    def add_events(self, gdelt: bool | None = None) -> "DyadPanel":
        """Event counts and tone (see :func:`~multivector.panel.add_events.add_events`)."""
        return add_events(self, gdelt=gdelt)

    def add_trade(self) -> "DyadPanel":
        """Goods trade as reported by each side, with mirror figures (see :func:`~multivector.panel.add_trade.add_trade`)."""
        return add_trade(self)

    def add_chinese_finance(self) -> "DyadPanel":
        """Chinese official development finance, AidData GCDF 3.0 (see :func:`~multivector.panel.add_chinese_finance.add_chinese_finance`)."""
        return add_chinese_finance(self)

    def add_speech_stance(self, group_rule: str = "actor") -> "DyadPanel":
        """What side 1's leaders said about side 2 in the UN General Debate (see :func:`~multivector.panel.add_speech_stance.add_speech_stance`)."""
        return add_speech_stance(self, group_rule=group_rule)

    def add_distance(self) -> "DyadPanel":
        """Minimum distance and contiguity (see :func:`~multivector.panel.add_distance.add_distance`)."""
        return add_distance(self)

    def add_loaded(self, verbs: "Iterable[str] | None" = None) -> "DyadPanel":
        """Apply every verb (or each of ``verbs``) whose data are in the store; the ones skipped,
        and why, are in :attr:`skipped`. See :data:`multivector.panel.verbs.VERBS`."""
        return apply_loaded(self, verbs)


@dataclass(frozen=True)
class StatePanel(PanelBase):
    """State-years. Build with :func:`multivector.state_years`."""

    kind: ClassVar[str] = "state"

    @property
    def df(self) -> pl.DataFrame:
        return self._collected()

    def __repr__(self) -> str:
        return f"<StatePanel {self.years[0]}-{self.years[1]}: {len(self):,} rows; sources: {', '.join(self.sources)}>\n{self.df}"

    # -- verbs ---------------------------------------------------------------------------------

    def add_un_votes(self, idealpoint: str = "fp") -> "StatePanel":
        """Ideal points, calendar years (see :func:`~multivector.panel.add_un_votes.add_un_votes`)."""
        return add_un_votes(self, idealpoint=idealpoint)

    def add_chinese_finance(self) -> "StatePanel":
        """Chinese official development finance received (see :func:`~multivector.panel.add_chinese_finance.add_chinese_finance`)."""
        return add_chinese_finance(self)

    def add_capabilities(self) -> "StatePanel":
        """COW material capabilities (see :func:`~multivector.panel.add_capabilities.add_capabilities`)."""
        return add_capabilities(self)

    def add_gdp(self) -> "StatePanel":
        """GDP and population (see :func:`~multivector.panel.add_gdp.add_gdp`)."""
        return add_gdp(self)

    def add_loaded(self, verbs: "Iterable[str] | None" = None) -> "StatePanel":
        """Apply every state-year verb (or each of ``verbs``) whose data are in the store."""
        return apply_loaded(self, verbs)
