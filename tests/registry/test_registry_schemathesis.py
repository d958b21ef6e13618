"""Schemathesis against the published OpenAPI document, on SQLite and PostgreSQL: for generated
requests to every operation, no server error, and every response's status code, content type
and body conform to the schema. Examples per operation are kept modest (suite time); the
benchmark and CI run the same code."""

from __future__ import annotations

import os

import pytest

schemathesis = pytest.importorskip("schemathesis")

EXAMPLES = int(os.environ.get("MULTIVECTOR_SCHEMATHESIS_EXAMPLES", "2"))
HEAVY = {"GET /api/v1/export": 1}  # the whole registry per call: one example is enough


def test_every_operation_conforms_to_the_openapi_document(reg, tokens):
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    from multivector.web import create_app

    app = create_app(registry=reg, deliver=False)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    # alternate the identities so that both the public and the write paths are exercised
    identities = [{"Authorization": f"Bearer {tokens['admin']}"}, {},
                  {"Authorization": f"Bearer {tokens['editor_kaz']}"}]
    failures: list[str] = []
    operations = 0
    calls = [0]
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(max_examples=HEAVY.get(operation.label, EXAMPLES), deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call(headers=identities[calls[0] % len(identities)])
            calls[0] += 1
            case.validate_response(response, checks=checks)

        try:
            check()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report
            failures.append(f"{operation.label}: {str(exc)[:800]}")
    assert operations >= 30
    assert calls[0] >= operations
    assert not failures, "\n\n".join(failures)
