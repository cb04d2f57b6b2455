"""The kiosk's backend client: its token (remote: the token file; embedded: provisioned), and
the typed pickup-code calls with their errors, over real HTTP and in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest

from kiosk.backend.client import BackendClient, BackendError
from kiosk.backend.embedded import connect, embedded_token_path
from kiosk.config import BackendConfig
from kiosk.contract.wire.pickup import Redeemed, Verified
from kiosk.flow.session import ConsentSignature
from kiosk.server.codes import new_code
from kiosk.server.tokens import provision_terminal_token
from tests.server.live import FAST_SETTINGS, live_server, token_headers
from tests.server.payloads import applicant_body, configure_payload_portal
from tests.server.pickup_helpers import (
    CONSENT_TEXT,
    PRIVACY_TEXT,
    configure_portal,
    documents,
    new_chart,
    version,
)


def _signature(form_id: str, text: str) -> ConsentSignature:
    return ConsentSignature(
        form_id=form_id,
        title="Consent",
        version=version(text),
        language="en",
        typed_name="Jane Doe",
        signed_at=datetime.now(UTC),
    )


@pytest.fixture
def served(database_url: str) -> Iterator[tuple[str, httpx.Client]]:
    """A live server with the demo portal configured: (base URL, admin client)."""
    with (
        live_server(database_url, FAST_SETTINGS) as base,
        httpx.Client(base_url=base, headers=token_headers(database_url)) as admin,
    ):
        configure_portal(admin)
        yield base, admin


@pytest.fixture
async def remote(
    served: tuple[str, httpx.Client], database_url: str, tmp_path: Path
) -> AsyncIterator[BackendClient]:
    token_file = tmp_path / "token"
    token_file.write_text(provision_terminal_token(database_url, "lobby-1") + "\n")
    client = connect(BackendConfig(url=served[0], token_file=token_file))
    yield client
    await client.aclose()


async def test_a_whole_pickup_visit_through_the_client(
    remote: BackendClient, served: tuple[str, httpx.Client]
) -> None:
    issued = new_chart(served[1], date_of_birth="1990-02-03")
    verified = await remote.verify_code(issued["pickup_code"].lower())
    assert isinstance(verified, Verified)
    assert verified.masked_name == "J*** D***"
    assert verified.date_of_birth_required
    assert [c.form_id for c in verified.consents_due] == ["preplacement-evaluation", "privacy"]
    assert verified.consents_due[0].versions["en"] == version(CONSENT_TEXT)
    assert len(verified.questionnaires) == 2
    assert await remote.username_available("jane.doe")

    with pytest.raises(BackendError) as mismatch:
        await remote.redeem(
            issued["pickup_code"],
            username="jane.doe",
            password="lantern-octopus-47",
            date_of_birth=date(1991, 2, 3),
        )
    assert mismatch.value.error == "date_of_birth_mismatch"
    assert mismatch.value.message == "The date of birth does not match our records."

    redeemed = await remote.redeem(
        issued["pickup_code"],
        username="jane.doe",
        password="lantern-octopus-47",
        date_of_birth=date(1990, 2, 3),
        consents=[
            _signature("preplacement-evaluation", CONSENT_TEXT),
            _signature("privacy", PRIVACY_TEXT),
        ],
        documents=documents()[:1],
    )
    assert isinstance(redeemed, Redeemed)
    assert redeemed.consents_due == ()
    assert len(redeemed.questionnaires) == 1  # what was not sent is still due
    assert not redeemed.complete

    with pytest.raises(BackendError) as used:
        await remote.verify_code(issued["pickup_code"])
    assert (used.value.error, used.value.status, used.value.retryable) == (
        "code_invalid",
        404,
        False,
    )


async def test_client_errors_are_named_and_localized(
    remote: BackendClient, served: tuple[str, httpx.Client]
) -> None:
    with pytest.raises(BackendError) as typo:
        await remote.verify_code("7K3M-Q9XD-2HB")
    assert typo.value.error == "code_malformed"
    assert typo.value.status is None  # caught before any request

    issued = new_chart(served[1])
    for password, error in (("short", "password_rejected"), ("password123", "password_rejected")):
        with pytest.raises(BackendError) as rejected:
            await remote.redeem(issued["pickup_code"], username="jane.doe", password=password)
        assert rejected.value.error == error
        assert "at least 8 characters" in rejected.value.message
    with pytest.raises(BackendError) as bad_name:
        await remote.redeem(issued["pickup_code"], username="x", password="lantern-octopus-47")
    assert bad_name.value.error == "username_invalid"

    for _ in range(5):  # refused bodies count for nothing; five unusable codes lock it out
        with pytest.raises(BackendError):
            await remote.verify_code(new_code())
    with pytest.raises(BackendError) as locked:
        await remote.verify_code(issued["pickup_code"])
    assert locked.value.error == "terminal_locked"
    assert locked.value.retryable
    assert 290 <= (locked.value.retry_after or 0) <= 300
    assert locked.value.message == (
        "Too many attempts from this terminal. Please try again in 5 minutes."
    )


async def test_remote_client_without_a_valid_token(
    served: tuple[str, httpx.Client], tmp_path: Path
) -> None:
    anonymous = connect(BackendConfig(url=served[0]))
    try:
        with pytest.raises(BackendError) as missing:
            await anonymous.verify_code(new_code())
    finally:
        await anonymous.aclose()
    assert (missing.value.status, missing.value.error) == (401, "token_missing")
    with pytest.raises(BackendError) as unreadable:
        connect(BackendConfig(url=served[0], token_file=tmp_path / "missing"))
    assert unreadable.value.error == "token_unreadable"


async def test_the_embedded_backend_provisions_its_own_token(database_url: str) -> None:
    configure_payload_portal(database_url)
    client = connect(BackendConfig(), database_url, terminal="lobby-1")
    try:
        created = await client.submit_applicant(applicant_body(), "embedded-visit-1")
        assert created.created
    finally:
        await client.aclose()
    token_path = embedded_token_path(database_url)
    token = token_path.read_text().strip()
    assert token_path.stat().st_mode & 0o777 == 0o600
    # the next start reuses it
    again = connect(BackendConfig(), database_url, terminal="lobby-1")
    try:
        replay = await again.submit_applicant(applicant_body(), "embedded-visit-1")
        assert (replay.chart_id, replay.created) == (created.chart_id, False)
    finally:
        await again.aclose()
    assert token_path.read_text().strip() == token
    # the terminal token is not an admin token
    with live_server(database_url) as base:
        async with httpx.AsyncClient(base_url=base) as http:
            answer = await http.get("/v1/charts", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403
