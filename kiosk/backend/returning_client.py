"""A returning visitor's calls as the screens need them: sign in, submit; each failure a
:class:`~kiosk.backend.pickup_client.PickupError` of one kind, with the visitor's message.

An unknown username and a wrong password are one answer from the backend, and one message
here (:attr:`PickupFailure.INVALID`); a lock-out of the terminal or of the username is said
as a wait time (:attr:`PickupFailure.LOCKED`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kiosk.backend.client import BackendClient, BackendError
from kiosk.backend.pickup_client import _pickup_error
from kiosk.contract.wire.pickup import PickupStatus
from kiosk.contract.wire.returning import SignedIn
from kiosk.flow.session import ConsentSignature


async def sign_in(backend: BackendClient, username: str, password: str) -> SignedIn:
    try:
        return await backend.sign_in(username, password)
    except BackendError as exc:
        raise _pickup_error(exc) from None


async def submit(
    backend: BackendClient,
    visit_token: str,
    consents: Sequence[ConsentSignature],
    documents: Sequence[Mapping[str, Any]],
) -> PickupStatus:
    """File the visit's signatures and documents in one request (sent once)."""
    try:
        return await backend.submit_visit(visit_token, consents, documents)
    except BackendError as exc:
        raise _pickup_error(exc) from None
