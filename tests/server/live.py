"""Run the real kiosk-server app under uvicorn on 127.0.0.1, in a background thread.

Other test folders may use it too::

    from tests.server.live import live_server, token_headers

    with live_server("sqlite:///...") as base_url:
        httpx.get(f"{base_url}/v1/charts", headers=token_headers("sqlite:///..."))
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from kiosk.server.app import create_app
from kiosk.server.settings import PasswordHashing, ServerSettings
from kiosk.server.tokens import provision_terminal_token

STARTUP_TIMEOUT_SECONDS = 10.0

FAST_SETTINGS = ServerSettings(
    invalid_code_floor_seconds=0.05,
    token_cache_seconds=0.0,
    password_hashing=PasswordHashing(time_cost=1, memory_cost_kib=8 * 1024, parallelism=1),
)
"""The defaults, but with cheap password hashing, a short floor for unusable codes, and
revoked tokens refused at once."""


def token_headers(
    database_url: str, terminal: str = "tests", *, admin: bool = True, fhir_read: bool = False
) -> dict[str, str]:
    """A new bearer token of *terminal* in *database_url*'s database, as request headers."""
    token = provision_terminal_token(database_url, terminal, admin=admin, fhir_read=fhir_read)
    return {"Authorization": f"Bearer {token}"}


@contextmanager
def live_server(database_url: str, settings: ServerSettings | None = None) -> Iterator[str]:
    """Serve a fresh app on *database_url* on a free port; yield its base URL, then stop it.

    Every route but ``/v1/health`` needs a token: see :func:`token_headers`.
    """
    app = create_app(database_url, settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # the OS picks a free port; no race with other tests
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # see kiosk.server.cli._listen
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,  # leave the test process's logging alone
        access_log=False,
        lifespan="on",
        # A busy test machine may leave a kept-alive connection idle past uvicorn's 5 s; the
        # server closing it just as the client reuses it would read as a reset connection.
        timeout_keep_alive=300,
    )
    server = uvicorn.Server(config)  # signal handlers are only installed on the main thread
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="kiosk-server", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("kiosk-server did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(STARTUP_TIMEOUT_SECONDS)
        sock.close()
        app.state.engine.dispose()
