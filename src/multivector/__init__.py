"""multivector: measure, explain and simulate how a middle power engages several great powers."""

from __future__ import annotations

__version__ = "0.1.0"
