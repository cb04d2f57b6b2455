"""Who may call: FastAPI dependencies that turn a bearer token into a :class:`Caller`.

The dependencies are ``async`` so that FastAPI does not send each through its thread pool;
only a token not in the cache is looked up, in a worker thread.

Every route but the health check needs a token; staff and HR-feed routes need an
admin token. A missing or unknown token is 401, a terminal token on an admin route 403,
and a FHIR read token (which may only read ``/fhir/R4``, :mod:`kiosk.server.fhir`) is 403
on every ``/v1`` route.
"""

from __future__ import annotations

import threading
import time
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from kiosk.server.errors import ApiError
from kiosk.server.secrets_util import digest
from kiosk.server.tokens import Caller, authenticate

_bearer = HTTPBearer(
    auto_error=False,
    description="A terminal token, or an admin token for staff routes"
    " (`kiosk-server token create`).",
)


class TokenCache:
    """Checked tokens, trusted for *ttl* seconds (0: ask the database every time)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, Caller]] = {}
        self._lock = threading.Lock()

    def get(self, token_digest: str) -> Caller | None:
        if self.ttl <= 0:
            return None
        with self._lock:
            entry = self._entries.get(token_digest)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, token_digest: str, caller: Caller) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[token_digest] = (time.monotonic() + self.ttl, caller)


def _unauthorized(error: str, detail: str) -> ApiError:
    return ApiError(401, error, detail, headers={"WWW-Authenticate": "Bearer"})


def _lookup(request: Request, token: str) -> Caller | None:
    with request.app.state.read_sessions() as session:
        return authenticate(session, token)


async def authenticated_caller(
    request: Request, credentials: HTTPAuthorizationCredentials | None
) -> Caller:
    """The caller named by the bearer *credentials*, whatever its kind; 401 without one."""
    if credentials is None:
        raise _unauthorized("token_missing", "A bearer token is required.")
    token = credentials.credentials
    cache: TokenCache = request.app.state.token_cache
    key = digest(token)
    caller = cache.get(key)
    if caller is None:
        caller = await run_in_threadpool(_lookup, request, token)
        if caller is None:
            raise _unauthorized("token_invalid", "The bearer token is not valid.")
        cache.put(key, caller)
    return caller


async def get_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The caller named by the ``Authorization: Bearer`` header; 401 without a valid one,
    403 for a token that may only read the FHIR API."""
    caller = await authenticated_caller(request, credentials)
    if caller.fhir_read:
        raise ApiError(403, "fhir_read_only", "This token may only read the FHIR API.")
    return caller


async def require_admin(caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
    """The caller, if its token is an admin token; 403 otherwise."""
    if not caller.admin:
        raise ApiError(403, "admin_required", "This needs an admin token.")
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]
AdminDep = Annotated[Caller, Depends(require_admin)]
