"""Errors of the gravity estimation and general-equilibrium solver that a user can act on."""

from __future__ import annotations

from multivector.errors import MultivectorError


class EstimationError(MultivectorError):
    """A gravity model cannot be estimated as asked (formula, data or fixed effects)."""


class NonConvergenceError(MultivectorError):
    """An iterative solver stopped at its iteration limit; the message says what to try."""

    def __init__(self, message: str, *, iterations: int) -> None:
        self.iterations = iterations
        super().__init__(message)
