"""The API contract: schemathesis generates requests for every operation of ``/openapi.json``
(valid and invalid ones) and sends them to the real server over HTTP; no answer may be a
server error, use an undocumented status, or break its documented schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from kiosk.server.app import create_app
from tests.server.live import FAST_SETTINGS, live_server, token_headers
from tests.server.payloads import applicant_body
from tests.server.pickup_helpers import configure_portal, new_chart

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(scope="module")
def contract_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, dict[str, str]]]:
    """One server with a portal, charts and tasks in it: (base URL, admin headers)."""
    folder: Path = tmp_path_factory.mktemp("contract")
    url = f"sqlite:///{(folder / 'kiosk.sqlite3').as_posix()}"
    with live_server(url, FAST_SETTINGS) as base:
        headers = token_headers(url, "staff")
        with httpx.Client(base_url=base, headers=headers) as admin:
            configure_portal(admin)
            new_chart(admin)
            admin.post(
                "/v1/applicants", json=applicant_body(), headers={"Idempotency-Key": "contract-1"}
            )
        yield base, headers


def _openapi() -> dict[str, object]:
    """The server's ``/openapi.json`` (from an app on an in-memory database)."""
    app = create_app("sqlite://")
    try:
        return app.openapi()
    finally:
        app.state.engine.dispose()


schema = schemathesis.openapi.from_dict(_openapi())


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_input_breaks_the_contract(
    case: schemathesis.Case, contract_server: tuple[str, dict[str, str]]
) -> None:
    base, headers = contract_server
    case.call_and_validate(base_url=base, headers=headers, checks=CHECKS)
