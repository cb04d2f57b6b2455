"""``kiosk-server``: run the reference backend, or look at what it has filed.

Heavy imports (SQLAlchemy, FastAPI, uvicorn) happen inside the commands so that
``--help`` and ``--version`` stay instant. Failures print one line to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import __version__

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from kiosk.server.schemas import ChartOut

PROG = "kiosk-server"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


class CommandError(Exception):
    """A failure to report as one line on stderr."""


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port out of range 0..65535: {port}")
    return port


def _chart_id(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 2**31 - 1:
        raise argparse.ArgumentTypeError(f"not a chart id: {text!r}")
    return int(text)


def _workers(text: str) -> int:
    try:
        workers = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of processes: {text!r}") from None
    if not 1 <= workers <= 64:
        raise argparse.ArgumentTypeError(f"workers out of range 1..64: {workers}")
    return workers


def _add_database(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        metavar="URL",
        help="SQLAlchemy database URL (default: SQLite in the user's data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="The reference backend of Lobby Kiosk terminals."
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = commands.add_parser("serve", help="run the HTTP API", description="Run the HTTP API.")
    _add_database(serve)
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"address (default {DEFAULT_HOST})")
    serve.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"TCP port (default {DEFAULT_PORT})"
    )
    serve.add_argument(
        "--code-ttl",
        metavar="DURATION",
        default="7d",
        help="how long a new pickup code is valid, e.g. 7d, 36h (default 7d)",
    )
    serve.add_argument(
        "--workers",
        type=_workers,
        default=1,
        metavar="N",
        help="server processes sharing the port (default 1); with more, use PostgreSQL",
    )
    serve.set_defaults(handler=_serve)

    charts = commands.add_parser("charts", help="inspect charts", description="Inspect charts.")
    chart_commands = charts.add_subparsers(dest="charts_command", metavar="COMMAND", required=True)
    listing = chart_commands.add_parser(
        "list",
        help="list every chart",
        description="List every chart with its department, login state, documents and consents.",
    )
    _add_database(listing)
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(handler=_charts_list)
    show = chart_commands.add_parser(
        "show",
        help="show one chart",
        description="Show one chart: its details, login username and state, consents with"
        " their due dates, assignments, documents and tasks.",
    )
    _add_database(show)
    show.add_argument("chart", type=_chart_id, metavar="ID")
    show.set_defaults(handler=_charts_show)

    from kiosk.server.cli_admin import add_commands

    add_commands(commands, _add_database)
    return parser


def _database_url(args: argparse.Namespace) -> str:
    from kiosk.server.db import default_database_url

    return args.database or default_database_url()


def _database_failure(exc: BaseException) -> CommandError:
    from kiosk.server.db import describe_database_error

    return CommandError(describe_database_error(exc))


def _listen(host: str, port: int) -> socket.socket:
    """A bound socket for *host*:*port*, so that a busy port is reported before anything runs."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as exc:
        raise CommandError(f"cannot resolve host {host!r}: {exc}") from None
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        if sys.platform != "win32":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        # Accepted connections inherit this on Linux. Without it, a response's headers and
        # body, written separately, wait out the client's delayed ACK (40 ms) on keep-alive.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        raise CommandError(f"cannot listen on {host}:{port}: {reason}") from None
    return sock


LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "kiosk.terminal.logs.JsonLines"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {"alembic": {"level": "WARNING"}},
}
"""One JSON object per line on stderr, every field escaped (:class:`kiosk.terminal.logs.JsonLines`);
uvicorn applies it in each worker process too."""


def _serve(args: argparse.Namespace) -> int:
    import logging.config

    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.server.app import DATABASE_ENV, SETTINGS_ENV, create_app, settings_to_env
    from kiosk.server.db import create_schema, make_engine, safe_url
    from kiosk.server.settings import ServerSettings, parse_duration

    try:
        code_ttl = parse_duration(args.code_ttl)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    url = _database_url(args)
    settings = ServerSettings(code_ttl=code_ttl)
    app = None
    try:
        if args.workers == 1:
            app = create_app(url, settings)
        else:  # each worker makes its own app; the schema is brought up to date once, here
            engine = make_engine(url)
            try:
                create_schema(engine)
            finally:
                engine.dispose()
    except (SQLAlchemyError, ImportError, OSError) as exc:
        raise _database_failure(exc) from None
    try:
        sock = _listen(args.host, args.port)
    except CommandError:
        if app is not None:
            app.state.engine.dispose()
        raise

    import uvicorn

    logging.config.dictConfig(LOG_CONFIG)
    port = sock.getsockname()[1]
    logging.getLogger("kiosk.server").info(
        "kiosk-server %s on http://%s:%d, database %s, %d worker%s",
        __version__,
        args.host,
        port,
        safe_url(url),
        args.workers,
        "" if args.workers == 1 else "s",
    )
    if app is not None:
        config = uvicorn.Config(
            app, host=args.host, port=port, access_log=False, log_config=LOG_CONFIG
        )
        uvicorn.Server(config).run(sockets=[sock])
        return 0
    os.environ[DATABASE_ENV] = url  # read by each worker's app_from_environment
    os.environ[SETTINGS_ENV] = settings_to_env(settings)
    config = uvicorn.Config(
        "kiosk.server.app:app_from_environment",
        factory=True,
        host=args.host,
        port=port,
        workers=args.workers,
        access_log=False,
        log_config=LOG_CONFIG,
    )
    from uvicorn.supervisors import Multiprocess

    Multiprocess(config, sockets=[sock]).run()
    return 0


def _quoted(text: str) -> str:
    """*text* in double quotes, whatever it holds (a name may hold an apostrophe or a quote)."""
    return json.dumps(text, ensure_ascii=False)


def _table(charts: Sequence[ChartOut]) -> str:
    """A plain-text listing: one row per chart, its documents and consents indented below."""
    if not charts:
        return "No charts."
    headers = ("ID", "REFERENCE", "CREATED (UTC)", "NAME", "DEPARTMENT", "LOGIN", "TERMINAL")
    rows = [
        (
            str(chart.id),
            chart.reference,
            chart.created_at.strftime("%Y-%m-%d %H:%M"),
            f"{chart.last_name}, {chart.first_name}",
            chart.department,
            "enabled" if chart.login_enabled else "disabled",
            chart.terminal,
        )
        for chart in charts
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(headers)]
    for chart, row in zip(charts, rows, strict=True):
        out.append(line(row))
        for doc in chart.documents:
            out.append(f"    document: {doc.document_type} [{doc.chart_tab}] - {doc.title}")
        for consent in chart.consents:
            signed = consent.signed_at.strftime("%Y-%m-%d %H:%M")
            out.append(
                f"    consent:  {consent.form_id} {consent.version} ({consent.language}),"
                f" signed {signed} as {_quoted(consent.typed_name)}"
            )
    return "\n".join(out)


def _require_existing_sqlite_file(url: URL) -> None:
    """Listing must not create an empty SQLite file where a typo pointed."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    if not Path(url.database).is_file():
        raise CommandError(f"no such database file: {url.database}")


def _charts_list(args: argparse.Namespace) -> int:
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.server.charts import list_charts
    from kiosk.server.db import make_engine, make_sessionmaker
    from kiosk.server.models import Chart

    try:
        engine = make_engine(_database_url(args))
    except (SQLAlchemyError, ImportError) as exc:
        raise _database_failure(exc) from None
    try:
        _require_existing_sqlite_file(engine.url)
        if not inspect(engine).has_table(Chart.__tablename__):
            raise CommandError("the database has no charts table (has kiosk-server run on it?)")
        with make_sessionmaker(engine)() as session:
            charts = list_charts(session)
    except (SQLAlchemyError, ImportError) as exc:
        raise _database_failure(exc) from None
    finally:
        engine.dispose()

    if args.json:
        print(json.dumps([chart.model_dump(mode="json") for chart in charts], indent=2))
    else:
        print(_table(charts))
    return 0


def _charts_show(args: argparse.Namespace) -> int:
    from kiosk.server.chart_view import show_chart
    from kiosk.server.cli_admin import open_database

    with open_database(args) as sessions, sessions() as session:
        text = show_chart(session, args.chart)
    if text is None:
        raise CommandError(f"no chart {args.chart}")
    print(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kiosk-server`` console script."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    try:
        code: int = args.handler(args)
        sys.stdout.flush()
        return code
    except CommandError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``kiosk-server charts list | head``): stop quietly, and
        # point stdout at /dev/null so that the interpreter's last flush fails no more.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return 0


if __name__ == "__main__":
    # Through the imported module, so that its CommandError is the one the commands raise.
    from kiosk.server.cli import main as imported_main

    sys.exit(imported_main())
