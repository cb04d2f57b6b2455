"""Errors of the FHIR API, answered as OperationOutcome resources."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

FHIR_MEDIA_TYPE = "application/fhir+json"


class FhirError(Exception):
    """Answer *status* with an OperationOutcome of one issue (*code* from FHIR's IssueType)."""

    def __init__(
        self,
        status: int,
        code: str,
        diagnostics: str,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        self.diagnostics = diagnostics
        self.headers = dict(headers or {})


def operation_outcome(code: str, diagnostics: str, severity: str = "error") -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}],
    }


class FhirResponse(JSONResponse):
    media_type = FHIR_MEDIA_TYPE


async def fhir_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, FhirError)
    return FhirResponse(
        status_code=exc.status,
        content=operation_outcome(exc.code, exc.diagnostics),
        headers=exc.headers,
    )


def bad_request(diagnostics: str, code: str = "invalid") -> FhirError:
    return FhirError(400, code, diagnostics)


def not_found(diagnostics: str) -> FhirError:
    return FhirError(404, "not-found", diagnostics)
