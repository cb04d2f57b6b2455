"""The operator commands of ``kiosk-server``: schema, tokens, portals, the HR feed, pickup
codes, tasks, merging and retention. Heavy imports happen inside each command."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.server.cli import CommandError, _database_failure, _database_url

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

CLI_CALLER = "kiosk-server"
"""Recorded as who issued a code, merged charts or marked a task done from the command line."""


@contextmanager
def open_database(
    args: argparse.Namespace, *, create: bool = False
) -> Iterator[sessionmaker[Session]]:
    """Write sessions on the command's database, migrated to the newest schema first.

    Unless *create*, a SQLite file must exist already, so a typo does not make a new one.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.server.db import make_engine, make_sessionmaker
    from kiosk.server.migrate import upgrade_database

    try:
        engine = make_engine(_database_url(args))
    except (SQLAlchemyError, ImportError) as exc:
        raise _database_failure(exc) from None
    try:
        if not create:
            from kiosk.server.cli import _require_existing_sqlite_file

            _require_existing_sqlite_file(engine.url)
        upgrade_database(engine)
        yield make_sessionmaker(engine, writes=True)
    except (SQLAlchemyError, ImportError, OSError) as exc:
        raise _database_failure(exc) from None
    finally:
        engine.dispose()


def _duration(text: str) -> Any:
    from kiosk.server.settings import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _human(duration: Any) -> str:
    seconds = int(duration.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            amount = seconds // size
            return f"{amount} {unit}{'s' if amount != 1 else ''}"
    return f"{seconds} seconds"


def _positive_int(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 2**31 - 1:
        raise argparse.ArgumentTypeError(f"not a chart or task id: {text!r}")
    return int(text)


def _refused(exc: Any) -> CommandError:
    return CommandError(exc.detail)


# -- db --------------------------------------------------------------------------------


def _db_upgrade(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.server.db import make_engine, safe_url
    from kiosk.server.migrate import upgrade_database

    url = _database_url(args)
    try:
        engine = make_engine(url)
        try:
            result = upgrade_database(engine)
        finally:
            engine.dispose()
    except (SQLAlchemyError, ImportError, OSError) as exc:
        raise _database_failure(exc) from None
    if result.changed:
        print(f"{safe_url(url)}: upgraded from {result.before or 'empty'} to {result.after}")
    else:
        print(f"{safe_url(url)}: already at {result.after}")
    return 0


# -- tokens ----------------------------------------------------------------------------


def _token_create(args: argparse.Namespace) -> int:
    from kiosk.server.tokens import check_terminal_name, create_token

    fhir_read = args.fhir_read is not None
    name = args.fhir_read if fhir_read else args.terminal
    if fhir_read and args.admin:
        raise CommandError("--fhir-read and --admin exclude each other")
    try:
        check_terminal_name(name)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    with open_database(args, create=True) as sessions, sessions() as session:
        token = create_token(
            session, name, admin=args.admin, fhir_read=fhir_read, portals=args.portals
        )
        session.commit()
    print(token)
    if fhir_read:
        print(
            f"new FHIR read token for {name!r}: it is shown only this once; it may only read"
            " /fhir/R4 (give it to the EHR or warehouse as its bearer token)",
            file=sys.stderr,
        )
        return 0
    kind = "admin token" if args.admin else "token"
    print(
        f"new {kind} for {name!r}: it is shown only this once; put it in the"
        " terminal's token_file (mode 0600)",
        file=sys.stderr,
    )
    return 0


def _token_revoke(args: argparse.Namespace) -> int:
    from kiosk.server.tokens import revoke_tokens

    with open_database(args) as sessions, sessions() as session:
        count = revoke_tokens(session, args.terminal)
        session.commit()
    if count == 0:
        raise CommandError(f"no active token for terminal {args.terminal!r}")
    print(f"revoked {count} token{'s' if count != 1 else ''} of {args.terminal!r}")
    return 0


def _token_list(args: argparse.Namespace) -> int:
    from kiosk.server.tokens import list_tokens

    with open_database(args) as sessions, sessions() as session:
        tokens = list_tokens(session, include_revoked=args.all)
    if not tokens:
        print("No tokens.")
        return 0
    for token in tokens:
        state = "revoked " + token.revoked_at.strftime("%Y-%m-%d") if token.revoked_at else ""
        kind = "admin" if token.admin else "fhir" if token.fhir_read else "terminal"
        created = token.created_at.strftime("%Y-%m-%d %H:%M")
        scope = "" if token.portals is None else "portals: " + ",".join(token.portals)
        extra = "  ".join(part for part in (scope, state) if part)
        print(f"{token.terminal:<30} {kind:<8} created {created}  {extra}".rstrip())
    return 0


# -- portals ---------------------------------------------------------------------------


def _portals_load(args: argparse.Namespace) -> int:
    from kiosk.server.portals import PortalFileError, load_portal_file, put_portal

    path = Path(args.file)
    definitions: dict[str, dict[str, Any]] = {}
    try:
        if args.kiosk_config:
            from kiosk.server.kiosk_portals import (
                portals_from_kiosk_config,
                questionnaires_from_kiosk_config,
            )

            portals = portals_from_kiosk_config(path)
            definitions = questionnaires_from_kiosk_config(path)
        else:
            portals = load_portal_file(path)
    except PortalFileError as exc:
        for problem in exc.problems:
            print(f"{path}: {problem}" if not problem.startswith(str(path)) else problem)
        raise CommandError(f"{path}: not loaded") from None
    with open_database(args, create=True) as sessions, sessions() as session:
        for name, portal in portals.items():
            _, created = put_portal(session, name, portal)
            print(
                f"portal {name}: {'created' if created else 'replaced'}"
                f" ({len(portal.consents)} consent forms, {len(portal.questionnaires)}"
                f" questionnaires, {len(portal.tasks)} task rules)"
            )
        if definitions:
            from kiosk.server.fhir.definitions import put_definitions

            put_definitions(session, definitions)
        session.commit()
    return 0


def _portals_list(args: argparse.Namespace) -> int:
    from kiosk.server.portals import list_portals

    with open_database(args) as sessions, sessions() as session:
        portals = list_portals(session)
    if args.json:
        print(json.dumps([p.model_dump(mode="json") for p in portals], indent=2))
        return 0
    if not portals:
        print("No portals.")
    for portal in portals:
        print(f"{portal.name}: {portal.title}")
        for form in portal.consents:
            every = (
                f"renew every {form.renewal_interval_days} days"
                if form.renewal_interval_days
                else "signed once"
            )
            print(f"    consent: {form.form_id} ({', '.join(sorted(form.versions))}; {every})")
        for spec in portal.questionnaires:
            print(f"    questionnaire: {spec.questionnaire} -> {spec.document_type}")
        for rule in portal.tasks:
            print(f"    task on {rule.event.value}: {rule.title} [{rule.queue}]")
    return 0


# -- charts and pickup codes -----------------------------------------------------------


def _import_hr(args: argparse.Namespace) -> int:
    from kiosk.server.hr_import import ImportFileError, RowFailed, import_file

    imported = failed = 0
    with open_database(args) as sessions:
        try:
            for outcome in import_file(Path(args.file), sessions, CLI_CALLER, args.code_ttl):
                if isinstance(outcome, RowFailed):
                    failed += 1
                    for problem in outcome.problems:
                        print(f"line {outcome.line}: {problem}", file=sys.stderr)
                    continue
                imported += 1
                chart = outcome.chart
                print(
                    f"line {outcome.line}: chart {chart.chart_id} ({chart.reference})"
                    f"  code {chart.pickup_code}"
                    f"  expires {chart.code_expires_at:%Y-%m-%d %H:%M} UTC"
                    f"  {outcome.last_name}, {outcome.first_name}"
                )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
    print(
        f"imported {imported} row{'s' if imported != 1 else ''}, {failed} failed",
        file=sys.stderr,
    )
    return 1 if failed else 0


def _issue_code(args: argparse.Namespace) -> int:
    from kiosk.server.enrolment import issue_code
    from kiosk.server.errors import ApiError

    with open_database(args) as sessions, sessions() as session:
        try:
            issued = issue_code(session, args.chart, CLI_CALLER, args.code_ttl)
        except ApiError as exc:
            raise _refused(exc) from None
    # Flushed first: where both streams go to one terminal or file, the code stands on its own line
    # above its message (stdout is buffered, stderr is not).
    print(issued.pickup_code, flush=True)
    print(
        f"chart {issued.chart_id} ({issued.reference}): new pickup code, valid until"
        f" {issued.code_expires_at:%Y-%m-%d %H:%M} UTC; earlier codes no longer work",
        file=sys.stderr,
    )
    return 0


# -- tasks -----------------------------------------------------------------------------


def _tasks_list(args: argparse.Namespace) -> int:
    from kiosk.server.tasks import TaskStatus, list_tasks

    with open_database(args) as sessions, sessions() as session:
        tasks = list_tasks(session, TaskStatus(args.status), args.portal, limit=args.limit)
    if args.json:
        print(json.dumps([t.model_dump(mode="json") for t in tasks], indent=2))
        return 0
    if not tasks:
        print("No tasks.")
    for task in tasks:
        done = f"  done {task.done_at:%Y-%m-%d %H:%M} by {task.done_by}" if task.done_at else ""
        detail = f" ({task.detail})" if task.detail else ""
        print(
            f"#{task.id}  {task.created_at:%Y-%m-%d %H:%M}  chart {task.chart_id}"
            f"  [{task.queue}] {task.title}{detail}  <{task.event} on {task.portal}>{done}"
        )
    return 0


def _tasks_done(args: argparse.Namespace) -> int:
    from kiosk.server.tasks import mark_done

    with open_database(args) as sessions, sessions() as session:
        task = mark_done(session, args.task, args.by)
    if task is None:
        raise CommandError(f"no task {args.task}")
    print(f"task #{task.id} done {task.done_at:%Y-%m-%d %H:%M} UTC by {task.done_by}")
    return 0


# -- merging and retention -------------------------------------------------------------


def _merge(args: argparse.Namespace) -> int:
    from kiosk.server.errors import ApiError
    from kiosk.server.merging import merge_charts

    with open_database(args) as sessions, sessions() as session:
        try:
            merged = merge_charts(session, args.applicant, args.employee, args.by)
        except ApiError as exc:
            raise CommandError(f"merge refused: {exc.detail}") from None
    print(
        f"merged chart {merged.applicant_chart_id} into chart {merged.employee_chart_id}:"
        f" {merged.documents_moved} documents, {merged.consents_moved} consent signatures,"
        f" {merged.tasks_moved} tasks moved; chart {merged.applicant_chart_id} is retired"
    )
    return 0


def _purge(args: argparse.Namespace) -> int:
    from kiosk.server.merging import purge_applicants

    with open_database(args) as sessions, sessions() as session:
        count = purge_applicants(session, args.older_than, dry_run=args.dry_run)
    charts = f"{count} applicant chart{'s' if count != 1 else ''}"
    age = _human(args.older_than)
    if args.dry_run:
        print(f"would delete {charts} never merged and older than {age}")
    else:
        print(f"deleted {charts} never merged and older than {age}")
    return 0


# -- the parser ------------------------------------------------------------------------


def add_commands(commands: Any, add_database: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the operator commands to ``kiosk-server``'s subparsers."""

    def command(
        parent: Any, name: str, help_: str, handler: Callable[[argparse.Namespace], int]
    ) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = parent.add_parser(
            name, help=help_, description=help_[0].upper() + help_[1:] + "."
        )
        add_database(parser)
        parser.set_defaults(handler=handler)
        return parser

    def group(name: str, help_: str) -> Any:
        parser = commands.add_parser(
            name, help=help_, description=help_[0].upper() + help_[1:] + "."
        )
        return parser.add_subparsers(dest=f"{name}_command", metavar="COMMAND", required=True)

    def code_ttl(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--code-ttl",
            metavar="DURATION",
            type=_duration,
            default="7d",
            help="how long the pickup codes are valid, e.g. 7d, 36h (default 7d)",
        )

    db = group("db", "manage the database schema")
    command(db, "upgrade", "create or migrate the schema to the newest revision", _db_upgrade)

    tokens = group("token", "manage bearer tokens")
    create = command(tokens, "create", "create a token and print it once", _token_create)
    whose = create.add_mutually_exclusive_group(required=True)
    whose.add_argument("--terminal", metavar="NAME", help="the terminal's name")
    whose.add_argument(
        "--fhir-read",
        metavar="NAME",
        help="a token that may only read the FHIR API (/fhir/R4), for the system NAME",
    )
    create.add_argument("--admin", action="store_true", help="an admin token (staff, HR feed)")
    create.add_argument(
        "--portal",
        dest="portals",
        action="append",
        metavar="NAME",
        help="limit the token to this portal (repeat for several; default: every portal)",
    )
    revoke = command(tokens, "revoke", "revoke every token of a terminal", _token_revoke)
    revoke.add_argument("terminal", metavar="NAME")
    listing = command(tokens, "list", "list tokens (never the tokens themselves)", _token_list)
    listing.add_argument("--all", action="store_true", help="include revoked tokens")

    portals = group("portals", "configure portals: consent forms, questionnaires, task rules")
    load = command(portals, "load", "create or replace the portals of a TOML file", _portals_load)
    load.add_argument("file", metavar="FILE.toml")
    load.add_argument(
        "--kiosk-config",
        action="store_true",
        help="FILE is a kiosk configuration (config/kiosk.toml); default task rules are added",
    )
    portal_list = command(portals, "list", "list the portals", _portals_list)
    portal_list.add_argument("--json", action="store_true", help="print JSON")

    hr = command(
        commands,
        "import-hr",
        "create a chart and a pickup code for each row of an HR CSV file",
        _import_hr,
    )
    hr.add_argument("file", metavar="FILE.csv")
    code_ttl(hr)

    issue = command(
        commands,
        "issue-code",
        "issue a new pickup code for a chart, revoking its old one",
        _issue_code,
    )
    issue.add_argument("--chart", required=True, type=_positive_int, metavar="ID")
    code_ttl(issue)

    tasks = group("tasks", "the tasklist")
    task_list = command(tasks, "list", "list tasks, oldest first", _tasks_list)
    task_list.add_argument("--status", choices=("open", "done", "all"), default="open")
    task_list.add_argument("--portal", metavar="NAME")
    task_list.add_argument("--limit", type=_positive_int, default=500)
    task_list.add_argument("--json", action="store_true", help="print JSON")
    done = command(tasks, "done", "mark a task done", _tasks_done)
    done.add_argument("task", type=_positive_int, metavar="ID")
    done.add_argument("--by", default=CLI_CALLER, metavar="NAME", help="who did it")

    merge = command(
        commands,
        "merge",
        "merge an applicant chart into an employee chart and retire it",
        _merge,
    )
    merge.add_argument("applicant", type=_positive_int, metavar="APPLICANT_CHART")
    merge.add_argument("employee", type=_positive_int, metavar="EMPLOYEE_CHART")
    merge.add_argument("--by", default=CLI_CALLER, metavar="NAME", help="who merges")

    purge = command(
        commands,
        "purge",
        "delete applicant charts never merged and older than the retention period",
        _purge,
    )
    purge.add_argument(
        "--older-than",
        type=_duration,
        metavar="DURATION",
        default="180d",
        help="the retention period, e.g. 180d (default 180d)",
    )
    purge.add_argument("--dry-run", action="store_true", help="only count them")
