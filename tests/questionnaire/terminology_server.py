"""A small FHIR terminology server for tests: ``ValueSet/$expand`` over real HTTP.

It answers ``GET [base]/ValueSet/$expand?url=...&displayLanguage=...`` and ``POST`` of a
``Parameters`` with a ``valueSet``, from the ValueSet resources it is given: their
expansion, or their compose (listed concepts with their extensions and designations, and
included value sets it knows). ``displayLanguage`` picks a concept's designation in that
language as its display. Unknown value sets get ``404`` with an OperationOutcome.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class TerminologyServer:
    def __init__(self, value_sets: list[dict[str, Any]]) -> None:
        self.value_sets = {vs["url"]: vs for vs in value_sets}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                del args

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                params = {k: v[0] for k, v in parse_qs(parts.query).items()}
                server.requests.append(("GET", params))
                if parts.path != "/fhir/ValueSet/$expand":
                    self.answer(404, outcome("no such operation"))
                    return
                value_set = server.value_sets.get(params.get("url", ""))
                if value_set is None:
                    self.answer(404, outcome(f"unknown value set {params.get('url')}"))
                    return
                self.answer(200, server.expand(value_set, params.get("displayLanguage")))

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                parameters = {p["name"]: p for p in body.get("parameter", [])}
                language = parameters.get("displayLanguage", {}).get("valueCode")
                server.requests.append(("POST", {"displayLanguage": language or ""}))
                value_set = parameters.get("valueSet", {}).get("resource")
                if not isinstance(value_set, dict):
                    self.answer(400, outcome("no valueSet"))
                    return
                self.answer(200, server.expand(value_set, language))

            def answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/fhir"

    def __enter__(self) -> TerminologyServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)

    def expand(self, value_set: dict[str, Any], language: str | None) -> dict[str, Any]:
        contains = [localized(entry, language) for entry in self.concepts(value_set, 0)]
        return {
            "resourceType": "ValueSet",
            "url": value_set.get("url"),
            "status": value_set.get("status", "active"),
            "expansion": {"timestamp": "2025-03-04T09:30:00Z", "total": len(contains),
                          "contains": contains},
        }  # fmt: skip

    def concepts(self, value_set: dict[str, Any], depth: int) -> list[dict[str, Any]]:
        if "expansion" in value_set:
            return [dict(entry) for entry in value_set["expansion"].get("contains", [])]
        found: list[dict[str, Any]] = []
        for include in value_set.get("compose", {}).get("include", []):
            for url in include.get("valueSet", []):
                if url in self.value_sets and depth < 5:
                    found.extend(self.concepts(self.value_sets[url], depth + 1))
            for concept in include.get("concept", []):
                found.append({"system": include.get("system"), **concept})
        return found


def localized(entry: dict[str, Any], language: str | None) -> dict[str, Any]:
    out = dict(entry)
    for designation in entry.get("designation", []):
        if language and designation.get("language") == language:
            out["display"] = designation["value"]
    return out


def outcome(text: str) -> dict[str, Any]:
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": "not-found", "diagnostics": text}]}  # fmt: skip
