"""Trade by partner for one country, as the analysis layers read it: every flow it or a partner
reported, and the country's totals with the world (for shares and concentration)."""

from __future__ import annotations

import polars as pl

from multivector.errors import StoreError


def _store(store):
    if store is None:
        from multivector.store import default_store

        return default_store()
    return store


def partner_flows(country: str, store=None) -> pl.DataFrame:
    """Every directed flow row (``iso3_1, iso3_2, year, exports_usd, imports_usd``) with ``country`` on
    either side, as each reporter gave it (``iso3_1`` is the reporter)."""
    try:
        return _store(store).query("SELECT iso3_1, iso3_2, year, exports_usd, imports_usd FROM trade_by_partner "
                                   "WHERE iso3_1 = ? OR iso3_2 = ?", [country, country])
    except Exception as exc:  # a store without trade: say how to load it
        raise StoreError("no trade by partner in the store; load it with `multivector data import trade PATH` "
                         f"or `multivector data fetch trade` ({exc.__class__.__name__})") from None


def world_totals(country: str, store=None) -> pl.DataFrame:
    """``country``'s total exports and imports with the world by year, as it reported them."""
    try:
        return _store(store).query("SELECT iso3, year, exports_usd, imports_usd FROM trade_totals WHERE iso3 = ?", [country])
    except Exception as exc:
        raise StoreError("no trade totals in the store; load trade with `multivector data import trade PATH` "
                         f"({exc.__class__.__name__})") from None


def product_flows(country: str, store=None) -> pl.DataFrame | None:
    """Trade by product (HS chapters from a UN Comtrade import with product detail, table
    ``trade_products``) with ``country`` on either side: ``reporter, partner, year, flow`` (X/M as
    the reporter reports it), ``cmd_code, value_usd``. None when no product table is loaded."""
    st = _store(store)
    if not st.has("trade_products"):
        return None
    return st.query("SELECT reporter, partner, year, flow, cmd_code, value_usd FROM trade_products "
                    "WHERE reporter = ? OR partner = ?", [country, country])
