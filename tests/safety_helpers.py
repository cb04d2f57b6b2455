"""Helpers for the safety tests: a kiosk-server that can be stopped and started again on
the same port, a configuration that needs no questionnaire, and a short visit."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from textual.pilot import Pilot

from kiosk.app import KioskApp
from kiosk.config import KioskConfig, read_config_file
from kiosk.flow.plan import Step
from kiosk.flow.session import Visit
from kiosk.paths import SHIPPED_CONFIG_DIR
from kiosk.server.app import create_app
from kiosk.server.tokens import provision_terminal_token, write_token_file
from tests.server.live import FAST_SETTINGS
from tests.server.payloads import configure_payload_portal

STARTUP_TIMEOUT_SECONDS = 15.0


class SwitchableServer:
    """The real kiosk-server on a fixed loopback port, stopped and started at will."""

    def __init__(self, database_url: str, token_file: Path) -> None:
        self.database_url = database_url
        self.token_file = token_file
        """This terminal's bearer token (an admin token: it may also list the charts)."""
        write_token_file(token_file, provision_terminal_token(database_url, "lobby-1", admin=True))
        configure_payload_portal(database_url)  # the portal tests.server.payloads files on
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self._app: Any = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        assert self._server is None
        self._app = create_app(self.database_url, FAST_SETTINGS)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        config = uvicorn.Config(
            self._app, log_config=None, access_log=False, lifespan="on", timeout_graceful_shutdown=1
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("kiosk-server did not start")
            time.sleep(0.01)
        self._server, self._thread, self._sock = server, thread, sock

    def stop(self) -> None:
        if self._server is None:
            return
        assert self._thread is not None
        assert self._sock is not None
        self._server.should_exit = True
        self._thread.join(STARTUP_TIMEOUT_SECONDS)
        self._sock.close()
        self._app.state.engine.dispose()
        self._server = self._thread = self._sock = None

    def charts(self) -> list[dict[str, Any]]:
        """Every chart on the server (it must be running)."""
        token = self.token_file.read_text(encoding="utf-8").strip()
        headers = {"Authorization": f"Bearer {token}"}
        response = httpx.get(f"{self.url}/v1/charts", headers=headers, timeout=10)
        response.raise_for_status()
        return list(response.json())


def demo_config(**overrides: Any) -> KioskConfig:
    """The shipped configuration, read without loading its questionnaires, with *overrides*."""
    config = read_config_file(SHIPPED_CONFIG_DIR / "kiosk.toml")
    return replace(config, **overrides)


def remote_config(server: SwitchableServer, **overrides: Any) -> KioskConfig:
    """The demo configuration with *server* as its remote backend."""
    config = demo_config(**overrides)
    backend = replace(config.backend, url=server.url, database=None, token_file=server.token_file)
    return replace(config, backend=backend)


def start_bare_visit(app: KioskApp) -> Visit:
    """An applicant visit of two steps, name and review, with no questionnaire to load."""
    app.end_visit(show_welcome=False)
    visit = Visit(portal=app.portal, questionnaires=(), language=app.language)
    app.visit = visit
    app.steps = (Step("name"), Step("review"))
    app._push_step(0)
    return visit


async def type_name(pilot: Pilot[None], first: str, last: str) -> None:
    """On the name screen: type both names and go on."""
    await pilot.press(*first, "enter", *last, "enter")
    await pilot.pause()


def read_all_bytes(folder: Path) -> dict[Path, bytes]:
    """Every file under *folder*, read raw."""
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
