"""The kiosk's HTTP client for its backend: one code path, remote or embedded.

With a backend URL the client talks HTTP over the network (:func:`remote_client`). Without
one, the reference server's ASGI app runs in-process behind ``httpx.ASGITransport``: the same
requests, the same JSON, only no socket. That is built by :mod:`kiosk.backend.embedded`, which
only the composition root imports, so that nothing that reaches this module reaches the server.

Every request carries the terminal's bearer token: read from ``[backend] token_file`` for a
remote backend; the embedded backend provisions its own (kept in the user data folder, or
in ``token_file`` when one is configured).

Failures raise :class:`BackendError`, whose ``message`` is localized for the visitor and
whose ``error`` is the server's stable error name (``code_invalid``, ``terminal_locked``,
``username_taken``, ...); a lock-out also gives ``retry_after`` in seconds.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from kiosk import __version__
from kiosk.config import BackendConfig
from kiosk.contract.wire.applicant import ApplicantCreated, ConsentIn, DocumentIn
from kiosk.contract.wire.fields import Request
from kiosk.contract.wire.pickup import (
    CodeIn,
    ConfirmIn,
    PickupStatus,
    Redeemed,
    RedeemIn,
    UsernameAvailability,
    UsernameIn,
    Verified,
)
from kiosk.contract.wire.returning import LoginIn, SignedIn, VisitIn, VisitSubmitIn
from kiosk.flow.session import ConsentSignature
from kiosk.i18n import _, ngettext

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

_RETRY_DELAYS = (0.5, 1.5)


class BackendError(Exception):
    """The backend could not take the request; ``message`` is for the visitor (localized).

    ``error`` names what went wrong (the server's ``error`` field, or ``password_rejected``
    and ``username_invalid`` for those fields' validation problems); ``retry_after`` is the
    number of seconds to wait for a ``terminal_locked`` lock-out.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        status: int | None = None,
        error: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.status = status
        self.error = error
        self.retry_after = retry_after


def _wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many attempts from this terminal. Please try again in %(minutes)d minute.",
        "Too many attempts from this terminal. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def _refusal_message(error: str | None) -> str:
    """The visitor's message for a refusal the server named *error*."""
    messages = {
        "code_malformed": _(
            "This code is incomplete or has a typo. Please check it and try again."
        ),
        "code_invalid": _(
            "This code cannot be used. Please check it, or ask the front desk for a new one."
        ),
        "date_of_birth_required": _("Please enter your date of birth."),
        "date_of_birth_mismatch": _("The date of birth does not match our records."),
        "username_taken": _("This username is taken. Please choose another."),
        "username_invalid": _(
            "A username has 3 to 64 letters, digits and . _ @ -, starting with a letter or digit."
        ),
        "password_rejected": _(
            "This password cannot be used. Choose one with at least 8 characters that is"
            " not a common password."
        ),
        "redemption_invalid": _("This visit has timed out. Please ask the front desk for help."),
        "login_invalid": _("This username and password do not match. Please check them."),
        "visit_invalid": _("Your sign-in has ended. Please sign in again."),
        "visit_submitted": _("Your answers have been received already."),
        "token_missing": _("This terminal is not registered with the clinic's system."),
        "token_invalid": _("This terminal is not registered with the clinic's system."),
    }
    return messages.get(
        error or "", _("The clinic's system did not accept this. Please ask the front desk.")
    )


def _error_name(response: httpx.Response) -> tuple[str | None, int | None]:
    """The server's ``error`` and ``retry_after``; field validation problems get a name too."""
    try:
        body = response.json()
    except ValueError:
        return None, None
    if not isinstance(body, dict):
        return None, None
    error = body.get("error")
    retry_after = body.get("retry_after")
    if error is None and response.status_code == 422 and isinstance(body.get("detail"), list):
        fields = {
            str(problem.get("loc", [""])[-1])
            for problem in body["detail"]
            if isinstance(problem, dict) and problem.get("loc")
        }
        if "password" in fields:
            error = "password_rejected"
        elif "username" in fields:
            error = "username_invalid"
    if retry_after is None and "retry-after" in response.headers:
        header = response.headers["retry-after"]
        retry_after = int(header) if header.isdigit() else None
    return (
        str(error) if error is not None else None,
        int(retry_after) if isinstance(retry_after, int) else None,
    )


class BackendClient:
    """Calls the backend's ``/v1`` API."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def aclose(self) -> None:
        await self._http.aclose()

    async def health(self) -> dict[str, Any]:
        response = await self._send("GET", "/v1/health")
        return dict(response.json())

    async def submit_applicant(
        self, payload: dict[str, Any], idempotency_key: str
    ) -> ApplicantCreated:
        """Send an applicant submission (an ``ApplicantIn`` body, as the outbox keeps it);
        safe to repeat with the same key."""
        response = await self._send(
            "POST", "/v1/applicants", json=payload, headers={"Idempotency-Key": idempotency_key}
        )
        return ApplicantCreated.model_validate(response.json())

    # -- pickup codes ---------------------------------------------------------------

    async def verify_code(self, code: str) -> Verified:
        """Check a pickup code; a code with a typo is refused here, without a request.

        Raises :class:`BackendError` with ``error`` ``code_malformed``, ``code_invalid``
        (wrong, expired or used: deliberately one answer) or ``terminal_locked``.
        """
        body = _body(CodeIn, code=_checked(code))
        response = await self._send("POST", "/v1/pickup/verify", json=body)
        return Verified.model_validate(response.json())

    async def username_available(self, username: str, code: str | None = None) -> bool:
        """Whether no login has *username* yet (any case); redeeming checks again. With the
        *code* being redeemed, its chart's own (disabled) login name counts as free."""
        if code is None:
            body = _body(UsernameIn, username=username)
        else:
            body = _body(UsernameIn, username=username, code=_checked(code))
        response = await self._send("POST", "/v1/pickup/username", json=body)
        return UsernameAvailability.model_validate(response.json()).available

    async def confirm_birth_date(self, code: str, date_of_birth: date) -> None:
        """Check the date of birth of *code*'s chart; a mismatch is ``date_of_birth_mismatch``
        (and counts as a failed attempt, as at redemption)."""
        body = _body(ConfirmIn, code=_checked(code), date_of_birth=date_of_birth)
        await self._send("POST", "/v1/pickup/confirm", json=body, retry=False)

    async def redeem(
        self,
        code: str,
        *,
        username: str,
        password: str,
        date_of_birth: date | None = None,
        consents: Sequence[ConsentSignature] = (),
        documents: Sequence[Mapping[str, Any]] = (),
    ) -> Redeemed:
        """Redeem *code* for a login, with whatever consents and documents are ready.

        *documents* are shaped like the ``documents`` of an applicant submission (questionnaire,
        title, order_item, document_type, chart_tab, response). Not retried on a network
        failure: a code is single use, so ask the visitor before trying again.
        """
        fields: dict[str, Any] = {
            "code": _checked(code),
            "username": username,
            "password": password,
            "consents": _consents(consents),
            "documents": _documents(documents),
        }
        if date_of_birth is not None:
            fields["date_of_birth"] = date_of_birth
        body = _body(RedeemIn, **fields)
        response = await self._send("POST", "/v1/pickup/redeem", json=body, retry=False)
        return Redeemed.model_validate(response.json())

    # -- returning visitors -----------------------------------------------------------

    async def sign_in(self, username: str, password: str) -> SignedIn:
        """A returning visitor's login: ``login_invalid`` (unknown username or wrong password,
        one answer), ``terminal_locked`` or ``account_locked`` (with ``retry_after``)."""
        body = _body(LoginIn, username=username, password=password)
        response = await self._send("POST", "/v1/login", json=body, retry=False)
        return SignedIn.model_validate(response.json())

    async def submit_visit(
        self,
        visit_token: str,
        consents: Sequence[ConsentSignature] = (),
        documents: Sequence[Mapping[str, Any]] = (),
    ) -> PickupStatus:
        """File a signed-in visit's consents and documents (once); what is still due."""
        body = _body(
            VisitSubmitIn,
            visit_token=visit_token,
            consents=_consents(consents),
            documents=_documents(documents),
        )
        response = await self._send("POST", "/v1/visit/submit", json=body, retry=False)
        return PickupStatus.model_validate(response.json())

    async def end_visit(self, visit_token: str) -> None:
        """Revoke the visit's token."""
        await self._send("POST", "/v1/visit/end", json=_body(VisitIn, visit_token=visit_token))

    async def _send(
        self, method: str, path: str, *, retry: bool = True, **kwargs: Any
    ) -> httpx.Response:
        """Send with a short retry on network failures; map failures to :class:`BackendError`."""
        for attempt in range(len(_RETRY_DELAYS) + 1):
            try:
                response = await self._http.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                log.warning("backend unreachable: %s %s (%s)", method, path, type(exc).__name__)
                if retry and attempt < len(_RETRY_DELAYS):
                    await asyncio.sleep(_RETRY_DELAYS[attempt])
                    continue
                raise BackendError(
                    _("The clinic's system cannot be reached right now."), retryable=True
                ) from None
            if response.status_code >= 500:
                log.warning("backend error: %s %s -> %s", method, path, response.status_code)
                raise BackendError(
                    _("The clinic's system had a problem. Please try again."),
                    retryable=True,
                    status=response.status_code,
                )
            if response.status_code >= 400:
                error, retry_after = _error_name(response)
                log.warning(
                    "backend refused: %s %s -> %s %s",
                    method,
                    path,
                    response.status_code,
                    error or "",
                )
                if error in ("terminal_locked", "account_locked", "date_of_birth_locked"):
                    wait = retry_after or 60
                    raise BackendError(
                        _wait_message(wait),
                        retryable=True,
                        status=response.status_code,
                        error=error,
                        retry_after=wait,
                    )
                raise BackendError(
                    _refusal_message(error),
                    retryable=False,
                    status=response.status_code,
                    error=error,
                )
            return response
        raise AssertionError("unreachable")  # pragma: no cover


def _checked(code: str) -> str:
    """*code* in canonical form, or :class:`BackendError` ``code_malformed`` (no request)."""
    from kiosk.contract.pickup_code import (
        normalize_code,  # the code's shape, shared with the server
    )

    canonical = normalize_code(code)
    if canonical is None:
        raise BackendError(
            _refusal_message("code_malformed"), retryable=False, error="code_malformed"
        )
    return canonical


def _body(request: type[Request], **fields: Any) -> dict[str, Any]:
    """The JSON body of *request* (a model of the wire contract) holding *fields*.

    The values are not validated here: the backend validates them and names what it refuses
    (a common password is ``password_rejected``, as the visitor is told). A field the
    contract does not have is a mistake in this module, and raises :class:`TypeError`.
    """
    return _unchecked(request, fields).model_dump(mode="json", exclude_unset=True)


def _unchecked(model: type[M], fields: Mapping[str, Any]) -> M:
    """*model* holding *fields* as they are (see :func:`_body`)."""
    unknown = fields.keys() - model.model_fields.keys()
    if unknown:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    return model.model_construct(**fields)


def _consents(consents: Sequence[ConsentSignature]) -> list[ConsentIn]:
    """The visit's signatures as the contract's consents (not validated: see :func:`_body`)."""
    return [
        _unchecked(
            ConsentIn,
            {
                "form_id": c.form_id,
                "title": c.title,
                "version": c.version,
                "language": c.language,
                "typed_name": c.typed_name,
                "signed_at": c.signed_at,
            },
        )
        for c in consents
    ]


def _documents(documents: Sequence[Mapping[str, Any]]) -> list[DocumentIn]:
    """Filled questionnaires (shaped as in an applicant submission) as the contract's
    documents (not validated: see :func:`_body`)."""
    return [_unchecked(DocumentIn, d) for d in documents]


def open_client(
    base_url: str,
    token: str | None,
    timeout_seconds: float,
    transport: httpx.AsyncBaseTransport | None = None,
) -> BackendClient:
    """A client for the backend at *base_url* that sends *token* with every request (over
    the network, or through *transport*: :mod:`kiosk.backend.embedded` passes the server's
    ASGI app)."""
    headers = {"User-Agent": f"lobby-kiosk/{__version__}", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    http = httpx.AsyncClient(
        base_url=base_url,
        headers=headers,
        timeout=httpx.Timeout(timeout_seconds),
        transport=transport,
    )
    return BackendClient(http)


def read_token(path: Path) -> str:
    """The bearer token in the file at *path*; :class:`BackendError` when it cannot be read."""
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        log.error("backend token file cannot be read: %s", type(exc).__name__)
        raise BackendError(
            _("This terminal's access key for the clinic's system cannot be read."),
            retryable=False,
            error="token_unreadable",
        ) from None
    if not token:
        log.error("backend token file is empty")
        raise BackendError(
            _("This terminal's access key for the clinic's system cannot be read."),
            retryable=False,
            error="token_unreadable",
        )
    return token


def remote_client(backend: BackendConfig) -> BackendClient:
    """A client for the remote backend at ``backend.url``, with the token of its token file."""
    if backend.url is None:
        raise ValueError("the backend has no URL: it is the embedded one (kiosk.backend.embedded)")
    token = None if backend.token_file is None else read_token(backend.token_file)
    return open_client(backend.url, token, backend.timeout_seconds)
