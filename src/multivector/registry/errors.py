"""Errors of the registry service. Each carries the HTTP status the web layer answers with and a
message a person can act on; the CLI prints the same message (exit status 2)."""

from __future__ import annotations

from multivector.errors import MultivectorError


class RegistryError(MultivectorError):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, hint: str | None = None, details: list[dict] | None = None) -> None:
        self.message = message
        self.hint = hint
        self.details = details or []
        text = message
        if len(self.details) > 1:
            text += "\n" + "\n".join(f"  {d.get('field') or '-'}: {d.get('message')}" for d in self.details)
        if hint:
            text += f"\n  What to do: {hint}"
        super().__init__(text)

    def to_dict(self) -> dict:
        out: dict = {"error": self.code, "message": self.message}
        if self.hint:
            out["hint"] = self.hint
        if self.details:
            out["details"] = self.details
        return out


class ConfigError(RegistryError):
    status = 500
    code = "configuration"


class InvalidInput(RegistryError):
    """The request is well-formed but a field is wrong (unknown state, missing node, bad date…)."""

    status = 422
    code = "invalid_input"

    def __init__(self, message: str, *, field: str | None = None, hint: str | None = None,
                 details: list[dict] | None = None) -> None:
        if details is None and field is not None:
            details = [{"field": field, "message": message}]
            message = f"{field}: {message}"
        super().__init__(message, hint=hint, details=details)


class NotFound(RegistryError):
    status = 404
    code = "not_found"


class Unauthorized(RegistryError):
    status = 401
    code = "unauthorized"


class Forbidden(RegistryError):
    status = 403
    code = "forbidden"


class Conflict(RegistryError):
    status = 409
    code = "conflict"


class PreconditionFailed(RegistryError):
    status = 412
    code = "precondition_failed"


class PreconditionRequired(RegistryError):
    status = 428
    code = "precondition_required"
