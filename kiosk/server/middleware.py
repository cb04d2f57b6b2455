"""Pure ASGI middleware: a request body size limit and a privacy-safe access log."""

from __future__ import annotations

import json
import logging
import re
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


def printable(text: str) -> str:
    """*text* with every character that is not printable (newlines, carriage returns,
    escapes, C1 controls, line separators...) written as a Python escape, e.g. ``\\n``."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class AccessLog:
    """Log method, path and status of each request - never query strings, headers or bodies.

    The record carries them as fields (``method``, ``path``, ``status``) for the JSON-lines
    formatter, which escapes every field; the message repeats them with the path made
    :func:`printable`, so a plain-text handler cannot be fed a forged line either.
    """

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
                method, path = str(scope["method"]), str(scope["path"])
                access_log.info(
                    "%s %s %d",
                    printable(method),
                    printable(path),
                    status,
                    extra={"method": method, "path": path, "status": status},
                )

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Logged before the response goes out, so the line exists once it is read.
                note(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            note(500)  # no response was started: the app failed


class AllowedMethods:
    """``OPTIONS`` answers 204 with ``Allow``, and a 405 names every method of the path.

    *routes* are (compiled path pattern, methods) of the app's routes; several routes may
    share a path (``GET`` and ``POST /v1/charts``), so their methods are joined.
    """

    def __init__(self, app: ASGIApp, routes: list[tuple[re.Pattern[str], set[str]]]) -> None:
        self.app = app
        self.routes = routes

    def _allowed(self, path: str) -> list[str]:
        methods: set[str] = set()
        for pattern, route_methods in self.routes:
            if pattern.match(path):
                methods |= route_methods
        if not methods:
            return []
        if "GET" in methods:
            methods.add("HEAD")
        return sorted(methods | {"OPTIONS"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        allowed = self._allowed(scope["path"])
        if not allowed:
            await self.app(scope, receive, send)
            return
        allow = ", ".join(allowed).encode("ascii")
        if scope["method"] == "OPTIONS":
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [(b"allow", allow), (b"content-length", b"0")],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
                message = {**message, "headers": [*headers, (b"allow", allow)]}
            await send(message)

        await self.app(scope, receive, send_with_allow)
