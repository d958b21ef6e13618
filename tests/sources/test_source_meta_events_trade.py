"""Every event/trade/facts source module declares complete metadata and the tables it derives."""

from __future__ import annotations

import importlib

import pytest

from multivector.errors import OfflineError
from multivector.sources import REGISTRY

MODULES = ["icews", "gdelt", "cameo", "comtrade", "gravity", "facts", "timeline", "wdi"]


@pytest.mark.parametrize("name", MODULES)
def test_meta_is_complete(name):
    mod = importlib.import_module(f"multivector.sources.{name}")
    m = mod.META
    for field in ("key", "name", "version", "url", "licence", "citation", "bibtex", "unit"):
        assert getattr(m, field).strip(), f"{name}.META.{field} is empty"
    assert m.bibtex.lstrip().startswith("@")
    assert 1900 < m.coverage[0] <= m.coverage[1] <= 2100
    assert m.tables, "META.tables lists the store tables derive() produces"
    assert callable(mod.read) and callable(mod.derive)


@pytest.mark.parametrize("key", ["icews", "gdelt", "comtrade", "gravity", "reported_trade", "timeline", "wdi"])
def test_registry_keys_point_at_these_modules(key):
    mod = importlib.import_module(f"multivector.sources.{REGISTRY[key]}")
    assert mod.META.key == key


def test_cameo_fetch_fails_at_once_when_offline(tmp_path, monkeypatch):
    from multivector.sources import cameo

    monkeypatch.setattr(cameo, "LOOKUP_BASE", "http://127.0.0.1:9/")  # nothing listens on port 9
    with pytest.raises(OfflineError):
        cameo.fetch(tmp_path)
