"""What any route may answer: the service's health, and every error."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str


class ErrorOut(BaseModel):
    """Every error answer: ``detail`` for people, ``error`` a stable name for programs."""

    detail: Any
    error: str | None = None
    retry_after: int | None = Field(
        default=None, description="Seconds to wait (lock-outs); also the Retry-After header."
    )
