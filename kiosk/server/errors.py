"""The one error body of the API: ``{"detail": ..., "error": ..., "retry_after": ...}``.

``error`` is a stable machine-readable name (``code_invalid``, ``terminal_locked``, ...)
that a terminal maps to its own localized message; ``detail`` is English for operators.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse


class ApiError(Exception):
    """Answer *status* with *error* and *detail*; *retry_after* also sets ``Retry-After``."""

    def __init__(
        self,
        status: int,
        error: str,
        detail: str,
        *,
        retry_after: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.error = error
        self.detail = detail
        self.retry_after = retry_after
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"detail": self.detail, "error": self.error}
        if self.retry_after is not None:
            body["retry_after"] = self.retry_after
        return body


class PaddedRefusal(Exception):
    """A refusal that must tell neither why nor, by its timing, which check failed: the API
    answers every one of a kind with its :attr:`answer`, no sooner than a fixed minimum time
    after the request came (:func:`kiosk.server.api.padded`)."""

    answer: ApiError


async def api_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    headers = dict(exc.headers)
    if exc.retry_after is not None:
        headers["Retry-After"] = str(exc.retry_after)
    return JSONResponse(status_code=exc.status, content=exc.body(), headers=headers)
