"""Bearer tokens: every route but health needs one, staff routes an admin one; only hashes
are stored; the command line creates and revokes them."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from kiosk.server.app import create_app
from kiosk.server.cli import main
from kiosk.server.db import make_engine, make_sessionmaker
from kiosk.server.models import ApiToken
from kiosk.server.secrets_util import digest
from kiosk.server.tokens import ensure_token, provision_terminal_token
from tests.server.pickup_helpers import PORTAL, portal_body


def test_every_route_but_health_needs_a_token(base_url: str) -> None:
    with httpx.Client(base_url=base_url) as anonymous:
        assert anonymous.get("/v1/health").status_code == 200
        for method, path in [
            ("GET", "/v1/charts"),
            ("POST", "/v1/applicants"),
            ("POST", "/v1/pickup/verify"),
            ("GET", "/v1/tasks"),
            ("PUT", f"/v1/portals/{PORTAL}"),
        ]:
            answer = anonymous.request(method, path, json={})
            assert answer.status_code == 401, (method, path)
            assert answer.json()["error"] == "token_missing"
            assert answer.headers["WWW-Authenticate"] == "Bearer"
        forged = anonymous.get("/v1/charts", headers={"Authorization": "Bearer kst_" + "x" * 43})
        assert forged.status_code == 401
        assert forged.json()["error"] == "token_invalid"


def test_terminal_tokens_cannot_call_staff_routes(
    terminal_client: httpx.Client, client: httpx.Client
) -> None:
    for method, path, body in [
        ("GET", "/v1/charts", None),
        ("GET", "/v1/tasks", None),
        ("PUT", f"/v1/portals/{PORTAL}", portal_body()),
        ("POST", "/v1/charts", {"first_name": "A", "last_name": "B", "portal": PORTAL}),
        ("POST", "/v1/merges", {"applicant_chart_id": 1, "employee_chart_id": 2}),
    ]:
        answer = terminal_client.request(method, path, json=body)
        assert answer.status_code == 403, (method, path)
        assert answer.json()["error"] == "admin_required"
    assert client.get("/v1/charts").status_code == 200


def test_tokens_are_stored_only_as_hashes(server_database_url: str, base_url: str) -> None:
    token = provision_terminal_token(server_database_url, "lobby-9")
    assert token.startswith("kst_")
    assert len(token) >= 40
    engine = make_engine(server_database_url)
    try:
        with make_sessionmaker(engine)() as session:
            rows = session.scalars(select(ApiToken).where(ApiToken.terminal == "lobby-9")).all()
    finally:
        engine.dispose()
    assert [row.token_hash for row in rows] == [digest(token)]
    assert all(token not in str(vars(row)) for row in rows)


def test_cli_creates_and_revokes_tokens(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, base_url: str, server_database_url: str
) -> None:
    url = server_database_url
    assert main(["token", "create", "--terminal", "lobby-7", "--database", url]) == 0
    captured = capsys.readouterr()
    token = captured.out.strip()
    assert token.startswith("kst_")
    assert "shown only this once" in captured.err
    assert main(["token", "create", "--terminal", "hr-feed", "--admin", "--database", url]) == 0
    admin_token = capsys.readouterr().out.strip()

    with httpx.Client(base_url=base_url) as http:
        auth = {"Authorization": f"Bearer {token}"}
        admin = {"Authorization": f"Bearer {admin_token}"}
        assert http.post("/v1/pickup/username", json={"username": "abc"}, headers=auth).is_success
        assert http.get("/v1/charts", headers=auth).status_code == 403
        assert http.get("/v1/charts", headers=admin).status_code == 200

        assert main(["token", "list", "--database", url]) == 0
        listing = capsys.readouterr().out
        assert "lobby-7" in listing
        assert "hr-feed" in listing
        assert "admin" in listing
        assert token not in listing

        assert main(["token", "revoke", "lobby-7", "--database", url]) == 0
        assert "revoked 1 token of 'lobby-7'" in capsys.readouterr().out
        answer = http.post("/v1/pickup/username", json={"username": "abc"}, headers=auth)
        assert answer.status_code == 401
    assert main(["token", "revoke", "lobby-7", "--database", url]) == 1
    assert "no active token" in capsys.readouterr().err
    assert main(["token", "create", "--terminal", "bad name!", "--database", url]) == 1
    assert "terminal name" in capsys.readouterr().err


def _embedded_token(database_url: str, path: Path) -> str:
    """The token the embedded backend on *database_url* keeps in *path* (as it starts)."""
    app = create_app(database_url)
    try:
        return ensure_token(app.state.sessions, "lobby-1", path)
    finally:
        app.state.engine.dispose()


def test_the_embedded_token_is_kept_and_renewed(tmp_path: Path, sqlite_url: str) -> None:
    path = tmp_path / "tokens" / "embedded.token"
    first = _embedded_token(sqlite_url, path)
    assert path.read_text().strip() == first
    assert path.stat().st_mode & 0o777 == 0o600
    assert _embedded_token(sqlite_url, path) == first
    # another database does not know it: a new one is made there
    other = f"sqlite:///{(tmp_path / 'other.sqlite3').as_posix()}"
    second = _embedded_token(other, path)
    assert second != first
    assert path.read_text().strip() == second
