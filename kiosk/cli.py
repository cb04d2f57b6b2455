"""The ``kiosk`` command: run the kiosk, check a config file, drive the kiosk headless.

Imports of Textual and the rest are deferred to the subcommand that needs them, so
``kiosk --version`` and ``kiosk check-config`` answer at once.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import __version__

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

EXIT_INVALID_CONFIG = 2
EXIT_OUTBOX_KEY = 3


def _add_run_options(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    # Subcommands repeat these options; SUPPRESS keeps them from overwriting the top level's.
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--config",
        default=default,
        type=Path,
        metavar="FILE",
        help="configuration file (default: $KIOSK_CONFIG, else config/kiosk.toml)",
    )
    parser.add_argument(
        "--portal", default=default, metavar="NAME", help="run this portal (default: the first)"
    )
    parser.add_argument(
        "--database",
        default=default,
        metavar="URL",
        help="embedded backend only: SQLAlchemy database URL (default: SQLite in the data folder)",
    )


def build_parser(only: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The full command-line grammar, or with *only* the subcommands named there (what a
    start needs: each subcommand's parser takes time to build, and Welcome waits for it)."""
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Lobby Kiosk: applicant sign-in and pickup codes at a lobby terminal. "
        "With no command, runs the kiosk full-screen.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_run_options(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, add in _COMMANDS.items():
        if only is None or name in only:
            add(commands)
    return parser


if TYPE_CHECKING:
    _SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


def _add_run(commands: _SubParsers) -> None:
    run = commands.add_parser("run", help="run the kiosk full-screen (the default)")
    _add_run_options(run)


def _add_check_config(commands: _SubParsers) -> None:
    check = commands.add_parser(
        "check-config",
        help="validate a configuration file and the files it names",
        description="Validate a configuration file and every file it names. Exits 0 when it "
        "is valid; otherwise prints each problem as 'path.to.field: reason' and exits 2.",
    )
    check.add_argument("file", nargs="?", type=Path, metavar="FILE")


def _add_set_staff_pin(commands: _SubParsers) -> None:
    pin = commands.add_parser(
        "set-staff-pin",
        help="set the staff PIN (stored as an argon2 hash in the configuration file)",
        description="Ask for a new staff PIN (4 to 12 digits) twice and write its argon2 "
        "hash as staff_pin_hash into the configuration file. The PIN itself is not stored.",
    )
    pin.add_argument("file", nargs="?", type=Path, metavar="FILE")
    pin.add_argument(
        "--pin-stdin", action="store_true", help="read the PIN from one line of stdin (scripts)"
    )


def _add_drive(commands: _SubParsers) -> None:
    drive = commands.add_parser(
        "drive",
        help="run the kiosk headless and perform scenarios' steps",
        description="Run the kiosk headless and perform the [[step]] tables of each scenario "
        "file in order, each on a fresh kiosk. Exits 0 when every step passed, 1 when one "
        "failed, 2 when a scenario or the configuration is invalid. A failing step leaves "
        "SCENARIO-failed.svg beside the --junit report (or in --screenshots DIR).",
    )
    drive.add_argument("scenario", type=Path, nargs="+", metavar="SCENARIO.toml")
    _add_run_options(drive)
    drive.add_argument(
        "--junit", type=Path, metavar="FILE", help="write a JUnit XML report, one case a scenario"
    )
    drive.add_argument(
        "--screenshots",
        type=Path,
        metavar="DIR",
        help="folder for the screenshot steps' SVGs (default ./screenshots, made when needed)",
    )
    drive.add_argument(
        "--size", default="100x36", metavar="COLSxROWS", help="terminal size (default 100x36)"
    )
    drive.add_argument(
        "--speech-transcript",
        type=Path,
        metavar="FILE",
        help="write each phrase speech would say to FILE (language<TAB>phrase a line), no audio",
    )


def _add_questionnaire(commands: _SubParsers) -> None:
    from kiosk.tools.questionnaire_cli import add_parser

    add_parser(commands)


def _add_smoke(commands: _SubParsers) -> None:
    """``kiosk smoke`` (issue 9)."""
    smoke = commands.add_parser(
        "smoke",
        help="start the kiosk headless, time until Welcome takes input, and exit",
        description="Start the kiosk headless and wait until Welcome has rendered and takes "
        "a key. Prints 'ready in N ms' and exits 0, or prints the reason and exits 1.",
    )
    _add_run_options(smoke)
    smoke.add_argument(
        "--timeout", type=float, default=30.0, metavar="SECONDS", help="give up after (default 30)"
    )


def _add_web(commands: _SubParsers) -> None:
    """``kiosk web`` (issue 9)."""
    web = commands.add_parser(
        "web",
        help="serve the kiosk in a web page (textual-serve)",
        description="Serve the kiosk in a web page: each browser tab runs its own kiosk.",
    )
    _add_run_options(web)
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    web.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    web.add_argument(
        "--public-url", metavar="URL", help="the URL browsers use, when behind a proxy"
    )


# In the order ``kiosk --help`` lists them.
_COMMANDS: dict[str, Callable[[_SubParsers], None]] = {
    "run": _add_run,
    "check-config": _add_check_config,
    "set-staff-pin": _add_set_staff_pin,
    "drive": _add_drive,
    "questionnaire": _add_questionnaire,
    "smoke": _add_smoke,
    "web": _add_web,
}
_VALUE_OPTIONS = ("--config", "--portal", "--database")  # the top level's, each takes a value


def commands_needed(argv: list[str]) -> tuple[str, ...] | None:
    """The subcommands whose grammar *argv* needs: the one it names, or none when it has only
    the top level's options (``kiosk --config FILE`` runs the kiosk). None, the full grammar,
    for anything else (help, version, an unknown word or option: the message lists every
    command)."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in _VALUE_OPTIONS:
            skip = True
        elif not token.startswith(tuple(f"{option}=" for option in _VALUE_OPTIONS)):
            return (token,) if token in _COMMANDS else None
    return None if skip else ()


def _load_or_report(path: Path | None, *, check_again: bool = False) -> KioskConfig | None:
    from kiosk.config import ConfigError, default_config_path, load_config

    source = path or default_config_path()
    try:
        return load_config(source, check_again=check_again)
    except ConfigError as exc:
        print(f"{source}: the configuration is not valid:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return None


def cmd_check_config(args: argparse.Namespace) -> int:
    from kiosk.config import default_config_path

    source = args.file or default_config_path()
    config = _load_or_report(source, check_again=True)
    if config is None:
        return EXIT_INVALID_CONFIG
    print(f"{source}: ok ({len(config.portals)} portal(s))")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    config = _load_or_report(args.config)
    if config is None:
        return EXIT_INVALID_CONFIG
    if args.portal and args.portal not in {p.name for p in config.portals}:
        print(f"--portal: no portal named {args.portal!r} in the configuration", file=sys.stderr)
        return EXIT_INVALID_CONFIG
    from kiosk.backend.crypto import OutboxKeyError
    from kiosk.backend.outbox import OutboxError, open_outbox

    try:
        outbox = open_outbox(config.outbox)
    except (OutboxKeyError, OutboxError) as exc:
        print(f"kiosk: the outbox cannot be opened: {exc}", file=sys.stderr)
        return EXIT_OUTBOX_KEY
    from kiosk.terminal.logs import configure_logging

    configure_logging()
    from kiosk.app import KioskApp
    from kiosk.terminal.lockdown import run_supervised

    def make_app(after_crash: bool) -> KioskApp:
        return KioskApp(
            config,
            portal=args.portal,
            database_url=args.database,
            outbox=outbox,
            after_crash=after_crash,
            handle_signals=True,
        )

    try:
        return run_supervised(make_app)  # type: ignore[arg-type]
    finally:
        outbox.close()


def cmd_set_staff_pin(args: argparse.Namespace) -> int:
    from getpass import getpass

    from kiosk.config import ConfigError, default_config_path, read_config_file
    from kiosk.terminal.staff_pin import PinRefused, check_pin, hash_pin, write_pin_hash

    source = args.file or default_config_path()
    try:
        read_config_file(source)  # the file must be one the kiosk can read before and after
    except ConfigError as exc:
        print(f"{source}: the configuration is not valid:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_INVALID_CONFIG
    try:
        if args.pin_stdin:
            pin = sys.stdin.readline().strip()
        else:
            pin = getpass("New staff PIN (4 to 12 digits): ")
            check_pin(pin)  # refused at once, not after it was typed a second time
            if getpass("The same PIN again: ") != pin:
                print("kiosk: the two PINs differ; nothing was changed", file=sys.stderr)
                return 1
        pin_hash = hash_pin(pin)
    except PinRefused as exc:
        print(f"kiosk: {exc}; nothing was changed", file=sys.stderr)
        return 1
    write_pin_hash(source, pin_hash)
    print(f"{source}: staff PIN set")
    return 0


def cmd_drive(args: argparse.Namespace) -> int:
    from kiosk.tools.drive import drive_main

    return drive_main(args)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kiosk`` console script."""
    started = time.perf_counter()
    arguments = sys.argv[1:] if argv is None else argv
    args = build_parser(only=commands_needed(arguments)).parse_args(arguments)
    if args.command in (None, "run", "smoke"):
        from kiosk.terminal.memory import hold_collection

        hold_collection()  # the app lets it go once Welcome is up (kiosk.terminal.memory)
    if args.command == "check-config":
        return cmd_check_config(args)
    if args.command == "set-staff-pin":
        return cmd_set_staff_pin(args)
    if args.command == "drive":
        return cmd_drive(args)
    if args.command == "questionnaire":
        from kiosk.tools.questionnaire_cli import main as questionnaire_main

        return questionnaire_main(args)
    if args.command == "smoke":
        from kiosk.tools.smoke import smoke_main

        return smoke_main(args, started)
    if args.command == "web":
        from kiosk.tools.web import web_main

        return web_main(args)
    return cmd_run(args)


if __name__ == "__main__":
    sys.exit(main())
