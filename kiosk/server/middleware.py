"""Pure ASGI middleware: a request body size limit and a privacy-safe access log."""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("kiosk.server.access")


async def _send_json(send: Send, status: int, content: dict[str, Any]) -> None:
    body = json.dumps(content).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode("ascii")),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    """Answer 413 to any request whose body is larger than *max_bytes*.

    The body is read before the app runs and then handed over whole, so a chunked
    upload without Content-Length is bounded as well. An oversized body is still read
    (and dropped) up to *drain_bytes*, so that the client, which is usually still
    sending, gets to read the 413 instead of a connection reset; beyond that the
    connection is cut short.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, drain_bytes: int | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.drain_bytes = max(drain_bytes or 4 * max_bytes, max_bytes)

    async def _too_large(self, send: Send) -> None:
        detail = f"Request body too large (limit {self.max_bytes} bytes)."
        await _send_json(send, 413, {"detail": detail})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.drain_bytes:
            await self._too_large(send)
            return

        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            more = message.get("more_body", False)
            size += len(chunk)
            if size > self.drain_bytes:
                break
            if size <= self.max_bytes:
                chunks.append(chunk)
        if size > self.max_bytes:
            await self._too_large(send)
            return

        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class AccessLog:
    """Log method, path and status of each request - never query strings, headers or bodies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        logged = False

        def note(status: int) -> None:
            nonlocal logged
            if not logged:
                logged = True
                access_log.info("%s %s %d", scope["method"], scope["path"], status)

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Logged before the response goes out, so the line exists once it is read.
                note(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            note(500)  # no response was started: the app failed
