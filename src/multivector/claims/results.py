"""What a claim test returns, and the words that describe results (in one place)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import polars as pl

ADDITIVE = "additive"
SUBTRACTIVE = "subtractive"
NO_EVIDENCE = "no evidence either way"
NOT_TESTABLE = "not testable"
READINGS = (ADDITIVE, SUBTRACTIVE, NO_EVIDENCE, NOT_TESTABLE)
"""The only readings an additivity row may carry."""

DESIGNS = ("within", "placebo", "comparison", "overall")

DESIGN_NAMES = {
    "within": "within-country co-movement of relative engagement",
    "placebo": "the same reading against random placebo partners",
    "comparison": "synthetic control with comparison countries around the date",
    "overall": "all designs together",
}


def clean(v: Any) -> Any:
    """JSON-safe: NaN/inf → None, numpy scalars → Python."""
    if v is None:
        return None
    if isinstance(v, dict):
        return {k: clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [clean(x) for x in v]
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            v = v.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def fmt(x: Any, digits: int = 2, signed: bool = True) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:+.{digits}f}" if signed else f"{x:.{digits}f}"


@dataclass
class ClaimResult:
    """A claim tested against data: one row per reading, the notes a reader needs, the method."""

    claim: str
    """``additive``, ``shift`` or ``dependence``."""
    country: str
    question: str
    results: list[dict]
    method: str
    notes: list[str] = field(default_factory=list)
    parameters: dict = field(default_factory=dict)
    references: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return clean({"claim": self.claim, "country": self.country, "question": self.question, **self.parameters,
                      "method": self.method, "results": self.results, "notes": self.notes,
                      "references": list(self.references), **self.extra})

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @property
    def table(self) -> pl.DataFrame:
        """The rows as a polars frame (nested fields as structs/lists)."""
        if not self.results:
            return pl.DataFrame()
        return pl.DataFrame(clean(self.results), infer_schema_length=None)

    def overall(self) -> list[dict]:
        return [r for r in self.results if r.get("design") == "overall"]
