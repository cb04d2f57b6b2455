"""Fixtures for the kiosk-server tests: a database (SQLite, and PostgreSQL when
``KIOSK_TEST_POSTGRES_URL`` is set) and the real app served over HTTP."""

from __future__ import annotations

import importlib.util
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.live import FAST_SETTINGS, live_server, token_headers
from tests.server.payloads import configure_payload_portal

POSTGRES_ENV = "KIOSK_TEST_POSTGRES_URL"


class PostgresDatabases:
    """A database of this test run alone, made on the server that ``KIOSK_TEST_POSTGRES_URL``
    names and dropped at the end, so that tables left by earlier or parallel runs (in the
    database that URL names) never matter.

    Each call of :meth:`fresh` hands out a new, empty schema inside it (by ``search_path``),
    so a test or a module-wide server starts from nothing, and the app creates its tables
    itself, by the migrations production uses.
    """

    def __init__(self, server_url: str) -> None:
        from sqlalchemy import make_url

        from kiosk.server.db import make_engine

        self._server_url = make_url(server_url)
        self.name = f"kiosk_test_{secrets.token_hex(6)}"
        self._admin = make_engine(server_url).execution_options(isolation_level="AUTOCOMMIT")
        with self._admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        self.url = self._server_url.set(database=self.name)
        self._engine = make_engine(self.url.render_as_string(hide_password=False))
        self._schemas = 0

    def fresh(self) -> str:
        """The URL of a new empty schema in this run's database."""
        self._schemas += 1
        schema = f"t{self._schemas}"
        with self._engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            connection.commit()
        url = self.url.update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def drop(self) -> None:
        self._engine.dispose()
        try:
            with self._admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            self._admin.dispose()


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    """This run's own PostgreSQL database; the tests that need it skip without the URL."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(
            f"PostgreSQL tests skipped: set {POSTGRES_ENV} "
            "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres) to run them"
        )
    if importlib.util.find_spec("psycopg") is None:
        pytest.skip("PostgreSQL tests skipped: the psycopg driver is not installed")
    databases = PostgresDatabases(url)
    try:
        yield databases
    finally:
        databases.drop()


def _fresh_postgres_url(request: pytest.FixtureRequest) -> str:
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    return databases.fresh()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file for the server."""
    return f"sqlite:///{(tmp_path / 'kiosk-server.sqlite3').as_posix()}"


DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=DATABASES)
def server_database_url(request: pytest.FixtureRequest, sqlite_url: str) -> str:
    """Each API test runs on SQLite, and on PostgreSQL when one is configured."""
    return sqlite_url if request.param == "sqlite" else _fresh_postgres_url(request)


@pytest.fixture
def base_url(server_database_url: str) -> Iterator[str]:
    """The base URL of the real app, served by uvicorn on 127.0.0.1."""
    with live_server(server_database_url, FAST_SETTINGS) as url:
        yield url


@pytest.fixture
def client(base_url: str, server_database_url: str) -> Iterator[httpx.Client]:
    """An HTTP client of the live server with an admin token; the portal of
    :func:`tests.server.payloads.portal_body` is configured."""
    configure_payload_portal(server_database_url)
    headers = token_headers(server_database_url, "staff", admin=True)
    with httpx.Client(base_url=base_url, timeout=30.0, headers=headers) as http:
        yield http


@pytest.fixture
def terminal_client(base_url: str, server_database_url: str) -> Iterator[httpx.Client]:
    """An HTTP client of the live server with the token of terminal ``lobby-1``; the portal
    of :func:`tests.server.payloads.portal_body` is configured."""
    configure_payload_portal(server_database_url)
    headers = token_headers(server_database_url, "lobby-1", admin=False)
    with httpx.Client(base_url=base_url, timeout=30.0, headers=headers) as http:
        yield http


@pytest.fixture(scope="module", params=DATABASES)
def shared_client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    """One server for a whole module, for tests that do not care what others stored."""
    if request.param == "sqlite":
        url = f"sqlite:///{(tmp_path_factory.mktemp('shared') / 'kiosk.sqlite3').as_posix()}"
    else:
        url = _fresh_postgres_url(request)
    configure_payload_portal(url)
    with live_server(url, FAST_SETTINGS) as base:
        headers = token_headers(url, "staff", admin=True)
        with httpx.Client(base_url=base, timeout=30.0, headers=headers) as http:
            yield http


@pytest.fixture
def fhir(base_url: str, server_database_url: str) -> Iterator[httpx.Client]:
    """An HTTP client of the live server with a FHIR read token (``/fhir/R4``)."""
    from tests.server.fhir_helpers import fhir_headers

    headers = fhir_headers(server_database_url)
    with httpx.Client(base_url=base_url, timeout=30.0, headers=headers) as http:
        yield http


@pytest.fixture
def visits(client: httpx.Client, terminal_client: httpx.Client) -> Any:
    """A complete applicant visit, a complete pickup visit, then the merge of the two charts."""
    from tests.server.fhir_helpers import applicant_then_pickup_then_merge

    return applicant_then_pickup_then_merge(client, terminal_client)
