"""``kiosk web``: serve the kiosk in a web page with textual-serve.

Every browser tab that opens the page gets its own kiosk process (``kiosk run`` with the
same options), drawn in the page by a JavaScript terminal, so a thin-client terminal with
only a browser runs the very same kiosk. Listen on 127.0.0.1 unless a proxy in front of it
adds TLS: the page carries personal data.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path


def kiosk_command(
    config: Path, portal: str | None, database: str | None, python: str = sys.executable
) -> str:
    """The shell command that runs one kiosk for one browser tab."""
    argv = [python, "-m", "kiosk.cli", "--config", str(config.resolve())]
    if portal:
        argv += ["--portal", portal]
    if database:
        argv += ["--database", database]
    return shlex.join([*argv, "run"])


def web_main(args: argparse.Namespace) -> int:
    """The ``kiosk web`` command: check the configuration, then serve until interrupted."""
    from kiosk.cli import EXIT_INVALID_CONFIG, _load_or_report
    from kiosk.config import default_config_path

    config_path: Path = getattr(args, "config", None) or default_config_path()
    config = _load_or_report(config_path)
    if config is None:
        return EXIT_INVALID_CONFIG
    portal: str | None = getattr(args, "portal", None)
    if portal and portal not in {p.name for p in config.portals}:
        print(f"--portal: no portal named {portal!r} in the configuration", file=sys.stderr)
        return EXIT_INVALID_CONFIG
    if not 0 < args.port < 65536:
        print(f"--port: expected 1 to 65535, got {args.port}", file=sys.stderr)
        return EXIT_INVALID_CONFIG
    from textual_serve.server import Server

    command = kiosk_command(config_path, portal, getattr(args, "database", None))
    server = Server(
        command,
        host=args.host,
        port=args.port,
        title=config.portal(portal).title,
        public_url=args.public_url,
    )
    server.serve()
    return 0
