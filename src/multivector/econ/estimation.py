"""Structural gravity by PPML with high-dimensional fixed effects, estimated with pyfixest.

PPML (Santos Silva & Tenreyro 2006) maximises the Poisson pseudo-likelihood of
``X_ij = exp(x_ij'β + fixed effects) · ε_ij``; it keeps zero flows, is consistent under
heteroskedasticity and — with exporter(-time) and importer(-time) effects — its fixed effects
are the multilateral resistances of structural gravity (Fally 2015; Yotov et al. 2016, ch. 1).
Estimation is ``pyfixest.fepois`` (IRLS with alternating-projection demeaning) with both
separation checks (fixed effects whose flows are all zero; the iterative rectifier of Correia,
Guimarães & Zylkin 2021): separated observations are dropped and counted.

Standard errors. ``ssc="stata"`` (default) reproduces Stata's ``ppml``: heteroskedasticity-robust
HC0 times N/(N−1) (Yotov et al.'s RTA s.e. 0.055771; ALY's 0.0523703) and, when clustered, CR0
times G/(G−1) (the book's 0.102 for the RTA effect clustered by pair). ``ssc="full"`` also counts every fixed effect as a
parameter in (N−1)/(N−K) (≈ 0.109 for that clustered s.e.); ``ssc="nonnested"`` is pyfixest's
default (fixed effects nested in the clusters are not counted).
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from multivector.econ.data import GravityData, add_builtin_columns, check_flows, load_flows
from multivector.econ.exceptions import EstimationError, NonConvergenceError
from multivector.errors import DataError

SSC_CHOICES = ("stata", "full", "nonnested")
BUILTIN_COLUMNS = ("pair",)
_FUNCTION_WORDS = {"C", "i", "log", "exp", "sqrt", "np", "I", "ref", "poly", "center", "scale", "bs", "cr"}


@dataclass
class GravityEstimate:
    """Coefficients, standard errors and the sample of one PPML gravity estimation."""

    formula: str
    coefficients: dict[str, tuple[float, float]]
    vcov: str
    ssc: str
    nobs: int
    rows: int
    dropped: dict[str, int]
    dropped_regressors: list[str]
    converged: bool
    file: str = ""
    years: list[int] | None = None
    sample: str | None = None
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    model: Any = field(default=None, repr=False)
    fill: GravityEstimate | None = field(default=None, repr=False)
    """For pair-fixed-effect trade costs: the stage-2 estimate that fills pairs never observed."""

    @property
    def beta(self) -> dict[str, float]:
        return {k: v[0] for k, v in self.coefficients.items()}

    def with_vcov(self, *, cluster: str | Sequence[str] | None = None, vcov: str = "hetero",
                  ssc: str = "stata") -> GravityEstimate:
        """The same fit with other standard errors (no re-estimation). The cluster column must be
        one the estimation data had. Updates the inference of the stored pyfixest model."""
        from dataclasses import replace

        if ssc not in SSC_CHOICES:
            raise EstimationError(f"unknown small-sample correction '{ssc}'; choose one of {', '.join(SSC_CHOICES)}")
        clusters = [cluster] if isinstance(cluster, str) else list(cluster or [])
        m = self.model
        m._ssc_dict = _ssc(ssc)
        try:
            m.vcov({"CRV1": "+".join(clusters)} if clusters else vcov)
        except Exception as exc:  # unknown cluster column and the like
            raise EstimationError(f"cannot compute {'clustered' if clusters else vcov} standard errors: {exc}") from None
        ses = _standard_errors(m, ssc, bool(clusters))
        coefs = {k: (b, float(ses[k])) for k, (b, _se) in self.coefficients.items()}
        text = f"clustered by {', '.join(clusters)}" if clusters else ("heteroskedasticity-robust" if vcov == "hetero" else "iid")
        return replace(self, coefficients=coefs, vcov=text, ssc=ssc)

    def to_dict(self) -> dict[str, Any]:
        return {
            "formula": self.formula,
            "data": self.file,
            "years": self.years,
            "sample": self.sample,
            "estimator": "PPML (pyfixest.fepois)",
            "coefficients": {k: {"estimate": _num(b), "se": _num(s)} for k, (b, s) in self.coefficients.items()},
            "vcov": self.vcov,
            "small_sample_correction": self.ssc,
            "nobs": self.nobs,
            "rows": self.rows,
            "dropped": dict(self.dropped),
            "dropped_regressors": list(self.dropped_regressors),
            "converged": self.converged,
            "seconds": round(self.seconds, 3),
            "warnings": list(self.warnings),
            **({"stage2": self.fill.to_dict()} if self.fill is not None else {}),
        }


def split_formula(formula: str) -> tuple[str, list[str], list[str]]:
    """``(dependent, regressor terms, fixed-effect terms)`` of ``y ~ x1 + x2 | fe1 + fe2``."""
    text = " ".join(str(formula).split())
    if text.count("~") != 1:
        raise EstimationError(f"the formula `{formula}` needs exactly one '~' (dependent ~ regressors | fixed effects)"
                              "\n  What to do: write e.g. \"trade ~ RTA | exporter^year + importer^year + pair\"")
    lhs, rhs = (s.strip() for s in text.split("~"))
    parts = [p.strip() for p in rhs.split("|")]
    if len(parts) > 2:
        raise EstimationError(f"the formula `{formula}` has more than one '|': instrumental variables are not "
                              "supported for PPML\n  What to do: write dependent ~ regressors | fixed effects")
    regs = [t.strip() for t in parts[0].split("+") if t.strip() and t.strip() not in ("0", "1")]
    fes = [t.strip() for t in parts[1].split("+") if t.strip()] if len(parts) == 2 else []
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", lhs):
        raise EstimationError(f"the dependent variable `{lhs}` must be a column of trade flows in levels "
                              "(PPML models the level, not its log)\n  What to do: put the flow column left of '~'")
    return lhs, regs, fes


def formula_columns(formula: str) -> set[str]:
    """Every column a formula reads (functions such as ``log(...)`` and ``i(...)`` removed)."""
    lhs, regs, fes = split_formula(formula)
    names = {lhs}
    for term in regs + fes:
        for m in re.finditer(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*", term):
            tok = m.group(0)
            after = term[m.end():].lstrip()
            if after.startswith("(") or after.startswith("=") or tok.split(".")[0] in ("np",) or tok in _FUNCTION_WORDS:
                continue
            names.add(tok)
    return names


def estimate(
    data: str | Path | pd.DataFrame | GravityData,
    formula: str,
    *,
    cluster: str | Sequence[str] | None = None,
    vcov: str = "hetero",
    years: Sequence[int] | None = None,
    sample: str | None = None,
    derive: Mapping[str, str] | None = None,
    ssc: str = "stata",
    max_iterations: int = 100,
    tolerance: float = 1e-8,
    exporter: str | None = None,
    importer: str | None = None,
) -> GravityEstimate:
    """Estimate a gravity equation by PPML with fixed effects (pyfixest).

    ``data``: a file path, a pandas/polars frame or prepared :class:`GravityData`. ``formula`` in
    pyfixest/fixest syntax, e.g. ``"trade ~ RTA | exporter^year + importer^year + pair"``.
    ``cluster`` names the column(s) to cluster on (``"pair"`` is built in); otherwise ``vcov`` is
    ``"hetero"`` (robust) or ``"iid"``.
    """
    if ssc not in SSC_CHOICES:
        raise EstimationError(f"unknown small-sample correction '{ssc}'; choose one of {', '.join(SSC_CHOICES)}")
    gd = _as_data(data, years=years, sample=sample, derive=derive, exporter=exporter, importer=importer)
    lhs, regs, fes = split_formula(formula)
    clusters = [cluster] if isinstance(cluster, str) else list(cluster or [])
    needed = formula_columns(formula) | set(clusters)
    add_builtin_columns(gd, needed & set(BUILTIN_COLUMNS))
    missing = sorted(c for c in needed if c not in gd.frame.columns)
    if missing:
        import difflib

        cols = [str(c) for c in gd.frame.columns]
        near = [f"{m} → {difflib.get_close_matches(m, cols, n=1)[0]}?" for m in missing
                if difflib.get_close_matches(m, cols, n=1)]
        raise DataError(
            f"the formula/options name column(s) that are not in the data: {', '.join(missing)}"
            + (f" (did you mean: {'; '.join(near)})" if near else ""),
            file=gd.file, field=missing[0],
            hint=f"the data has: {', '.join(cols[:40])}{' …' if len(cols) > 40 else ''}; "
                 f"'pair' is built in (the unordered exporter–importer pair)",
        )
    check_flows(gd, lhs)
    frame = gd.frame
    used = sorted(needed)
    na = frame[used].isna().any(axis=1)
    n_missing = int(na.sum())
    if n_missing:
        frame = frame[~na].reset_index(drop=True)
    if vcov not in ("hetero", "iid") and not clusters:
        raise EstimationError(f"unknown vcov '{vcov}': use hetero, iid, or --cluster COLUMN")
    vc: Any = {"CRV1": "+".join(clusters)} if clusters else vcov
    vcov_text = f"clustered by {', '.join(clusters)}" if clusters else ("heteroskedasticity-robust" if vcov == "hetero" else "iid")
    import pyfixest.estimation  # noqa: F401 - the first import takes seconds; keep it out of the timing

    t0 = time.perf_counter()
    model, caught = _fit(frame, formula, vc, ssc, max_iterations, tolerance, gd.file)
    seconds = time.perf_counter() - t0
    if not getattr(model, "convergence", True):
        raise NonConvergenceError(
            f"PPML did not converge within {max_iterations} iterations (formula `{formula}`, {len(frame):,} rows)"
            "\n  What to try: --max-iter 500; rescale the flows (e.g. to millions); drop regressors that are almost "
            "collinear with the fixed effects; check for observations separated by a regressor",
            iterations=max_iterations,
        )
    nobs = int(model._N)
    separated = int(getattr(model, "n_separation_na", 0) or 0)
    other = max(len(frame) - nobs - separated, 0)
    coefs = model.coef()
    ses = _standard_errors(model, ssc, bool(clusters))
    dropped_regs = [str(v) for v in (getattr(model, "_collin_vars", None) or [])]
    notes = []
    if separated:
        notes.append(f"{separated:,} observation(s) dropped because of separation (their flows are zero and the "
                     "fixed effects or regressors predict zero exactly)")
    if other:
        notes.append(f"{other:,} observation(s) dropped as singletons of a fixed effect")
    if n_missing:
        notes.append(f"{n_missing:,} row(s) with missing values skipped")
    if dropped_regs:
        notes.append(f"not identified (collinear with the fixed effects, or only separated observations vary): "
                     f"{', '.join(dropped_regs)}")
    notes.extend(w for w in caught if "separation" not in w and "multicollinearity" not in w)
    if len(coefs) == 0 and regs:
        raise EstimationError(
            f"no coefficient of `{formula}` can be estimated: {', '.join(dropped_regs) or 'the regressors'} "
            "are absorbed by the fixed effects or separated\n  What to do: drop fixed effects that absorb the "
            "regressors (e.g. pair effects absorb time-invariant distance)")
    return GravityEstimate(
        formula=formula,
        coefficients={str(k): (float(coefs[k]), float(ses[k])) for k in coefs.index},
        vcov=vcov_text,
        ssc=ssc,
        nobs=nobs,
        rows=gd.rows_read,
        dropped={"separated": separated, "singletons": other, "missing": n_missing,
                 "total": separated + other + n_missing},
        dropped_regressors=dropped_regs,
        converged=True,
        file=gd.file,
        years=sorted({int(y) for y in frame[gd.year].unique()}) if gd.year else None,
        sample=sample,
        seconds=seconds,
        warnings=notes,
        model=model,
    )


def _standard_errors(model, ssc: str, clustered: bool) -> pd.Series:
    ses = model.se()
    nobs = int(model._N)
    if ssc == "stata" and not clustered and nobs > 1:  # Stata's glm/ppml robust errors: HC0 · N/(N−1)
        ses = ses * np.sqrt(nobs / (nobs - 1.0))
    return ses


def _as_data(data, *, years, sample, derive, exporter, importer) -> GravityData:
    if isinstance(data, GravityData):
        return data
    if isinstance(data, (str, Path)):
        return load_flows(data, years=years, sample=sample, derive=derive, exporter=exporter, importer=importer)
    frame = data.to_pandas() if hasattr(data, "to_pandas") and not isinstance(data, pd.DataFrame) else data
    if not isinstance(frame, pd.DataFrame):
        raise EstimationError(f"cannot estimate on a {type(data).__name__}: give a file path or a pandas/polars frame")
    return load_flows("", frame=frame, years=years, sample=sample, derive=derive, exporter=exporter, importer=importer)


def _ssc(name: str):
    import pyfixest as pf

    if name == "stata":  # HC0 / CR0·G/(G−1); the N/(N−1) of Stata's robust errors is applied after the fit
        return pf.ssc(k_adj=False, G_adj=True)
    if name == "full":
        return pf.ssc(k_adj=True, k_fixef="full", G_adj=True)
    return pf.ssc(k_adj=True, k_fixef="nonnested", G_adj=True)


def _fit(frame: pd.DataFrame, formula: str, vcov, ssc: str, max_iterations: int, tolerance: float, file: str):
    import pyfixest as pf

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = pf.fepois(formula, data=frame, vcov=vcov, ssc=_ssc(ssc), separation_check=["fe", "ir"],
                              iwls_maxiter=int(max_iterations), iwls_tol=float(tolerance))
        except Exception as exc:  # pyfixest raises many kinds of errors for bad formulas and degenerate data
            msg = " ".join(str(exc).split())
            raise EstimationError(f"pyfixest could not estimate `{formula}` on {file or 'the data'}: "
                                  f"{exc.__class__.__name__}: {msg[:400]}"
                                  "\n  What to do: check the formula syntax (fixest style) and that the fixed "
                                  "effects leave variation in the regressors") from None
    texts = [" ".join(str(w.message).split()) for w in caught]
    return model, texts


def _num(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)
