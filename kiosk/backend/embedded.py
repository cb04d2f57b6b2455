"""The embedded backend: the reference server's app run in-process, and :func:`connect`.

A kiosk configured without a backend URL files its visits with the reference server running
inside the kiosk's own process, behind ``httpx.ASGITransport``. Building that app imports
FastAPI and SQLAlchemy, so :func:`connect` is meant to run in a worker once the first screen
is up. Only the composition root (:mod:`kiosk.app`, the CLI's tools) imports this module:
the screens, the visit's flow and the client itself never reach :mod:`kiosk.server`.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import httpx

from kiosk.backend.client import BackendClient, open_client, remote_client
from kiosk.config import BackendConfig, KioskConfig

log = logging.getLogger(__name__)

EMBEDDED_BASE_URL = "http://embedded-backend"
EMBEDDED_TERMINAL = "embedded-kiosk"
"""The embedded backend's token is for this terminal unless ``connect`` is told otherwise."""


def embedded_token_path(database_url: str) -> Path:
    """Where the embedded backend's own token is kept: one file per database, in the user
    data folder (a token is only valid in the database that issued it)."""
    from kiosk.paths import user_data_dir

    tag = hashlib.sha256(database_url.encode("utf-8")).hexdigest()[:12]
    return user_data_dir() / f"embedded-backend-{tag}.token"


def embedded_client(
    backend: BackendConfig,
    database_url: str | None = None,
    *,
    terminal: str = EMBEDDED_TERMINAL,
    kiosk_config: KioskConfig | None = None,
) -> BackendClient:
    """A client for the reference server run in-process (blocking: imports the server).

    It provisions a token for *terminal* in its own database (reusing the one in its token
    file while that database accepts it), and stores the portals of *kiosk_config* wherever
    its own differ, so it files the kiosk's visits from the start.
    """
    from kiosk.server.app import create_app
    from kiosk.server.db import default_database_url
    from kiosk.server.tokens import ensure_token

    url = database_url or backend.database or default_database_url()
    app = create_app(url)
    try:
        token_path = backend.token_file or embedded_token_path(url)
        token = ensure_token(app.state.sessions, terminal, token_path)
        if kiosk_config is not None:
            from kiosk.server.kiosk_portals import sync_kiosk_portals

            stored = sync_kiosk_portals(app.state.sessions, kiosk_config)
            if stored:
                log.info("embedded backend: portals stored from the kiosk configuration")
    except BaseException:
        app.state.engine.dispose()
        raise
    return open_client(
        EMBEDDED_BASE_URL,
        token,
        backend.timeout_seconds,
        transport=httpx.ASGITransport(app=app),
    )


def connect(
    backend: BackendConfig,
    database_url: str | None = None,
    *,
    terminal: str = EMBEDDED_TERMINAL,
    kiosk_config: KioskConfig | None = None,
) -> BackendClient:
    """A client for *backend*: remote when it has a URL, else embedded (see
    :func:`embedded_client`; *database_url*, *terminal* and *kiosk_config* are its)."""
    if backend.embedded:
        return embedded_client(backend, database_url, terminal=terminal, kiosk_config=kiosk_config)
    return remote_client(backend)
