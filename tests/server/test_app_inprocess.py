"""The app as the kiosk embeds it: in-process through httpx.ASGITransport, with no lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.exc import ArgumentError

from kiosk.server.app import create_app
from tests.server.live import token_headers
from tests.server.payloads import applicant_body, configure_payload_portal


@pytest.fixture
async def asgi_client(sqlite_url: str) -> AsyncIterator[httpx.AsyncClient]:
    configure_payload_portal(sqlite_url)
    app = create_app(sqlite_url)
    transport = httpx.ASGITransport(app=app)
    headers = token_headers(sqlite_url, "staff", admin=True)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://kiosk-server", headers=headers
    ) as http:
        yield http
    app.state.engine.dispose()


async def test_schema_exists_without_a_lifespan(asgi_client: httpx.AsyncClient) -> None:
    created = await asgi_client.post(
        "/v1/applicants", json=applicant_body(), headers={"Idempotency-Key": "in-process-1"}
    )
    assert created.status_code == 201
    chart = (await asgi_client.get(f"/v1/charts/{created.json()['chart_id']}")).json()
    assert chart["reference"] == created.json()["reference"]
    assert chart["login_enabled"] is False


async def test_body_limit_applies_in_process(asgi_client: httpx.AsyncClient) -> None:
    answer = await asgi_client.post(
        "/v1/applicants",
        content=b"x" * (2 * 1024 * 1024 + 1),
        headers={"Idempotency-Key": "in-process-2", "Content-Type": "application/json"},
    )
    assert answer.status_code == 413
    assert "too large" in answer.json()["detail"]


def test_create_app_defaults_to_the_user_data_folder() -> None:
    from kiosk.paths import user_data_dir

    app = create_app()
    try:
        assert (user_data_dir() / "kiosk-server.sqlite3").is_file()
    finally:
        app.state.engine.dispose()


def test_create_app_rejects_a_bad_url_at_creation() -> None:
    with pytest.raises(ArgumentError):
        create_app("definitely not a database url")


def test_importing_the_package_is_cheap() -> None:
    import subprocess
    import sys

    code = (
        "import sys, kiosk.server, kiosk.server.cli; "
        "heavy = ('fastapi', 'sqlalchemy', 'uvicorn', 'pydantic'); "
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
