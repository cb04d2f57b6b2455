"""``kiosk questionnaire check|fill|validate``: the questionnaire engine from the shell.

Exit status: 0 when everything is fine, 1 when a questionnaire is refused, a file cannot
be read, or the answers or the response are not valid.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from kiosk.i18n import _

EXIT_OK = 0
EXIT_INVALID = 1


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``questionnaire`` and its subcommands on the ``kiosk`` command line."""
    parser = commands.add_parser(
        "questionnaire",
        help="check questionnaires, fill them from an answers file, validate responses",
        description="Work with FHIR R4 Questionnaires the way the kiosk runs them.",
    )
    sub = parser.add_subparsers(dest="questionnaire_command", metavar="ACTION", required=True)
    check = sub.add_parser(
        "check",
        help="say for each questionnaire whether the kiosk can run it",
        description="Print 'FILE: ok', 'FILE: ok, with warnings' followed by each thing "
        "the kiosk ignores, or 'FILE: refused' followed by every reason (the item's linkId "
        "and the feature). Exits 0 when none is refused, 1 otherwise.",
    )
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    fill = sub.add_parser(
        "fill",
        help="print the QuestionnaireResponse for an answers file",
        description="Read ANSWERS.json (linkId -> answer; see README 'Answers files') and "
        "print the QuestionnaireResponse JSON. Exits 1 listing each invalid or missing "
        "answer by linkId.",
    )
    fill.add_argument("file", type=Path, metavar="FILE")
    fill.add_argument("--answers", type=Path, required=True, metavar="ANSWERS.json")
    fill.add_argument(
        "--authored",
        metavar="DATETIME",
        help="the response's authored time, ISO 8601 with a timezone (default: now)",
    )
    fill.add_argument("--language", metavar="CODE", help="the response's language")
    validate = sub.add_parser(
        "validate",
        help="check a QuestionnaireResponse against its questionnaire",
        description="Check RESPONSE (required answers, types, options, lengths, regex, "
        "ranges, answers to disabled items). Exits 0, or 1 listing every error by linkId.",
    )
    validate.add_argument("questionnaire", type=Path, metavar="QUESTIONNAIRE")
    validate.add_argument("response", type=Path, metavar="RESPONSE")
    prepare = sub.add_parser(
        "prepare",
        help="expand the value sets a questionnaire names into a copy that works offline",
        description="Expand each value set FILE names but does not contain through "
        "ValueSet/$expand on the terminology server URL (once per screen language, with "
        "displayLanguage) and write a copy with the expansions contained (default: "
        "FILE.prepared.json beside FILE). Exits 1, writing nothing, when one cannot be "
        "expanded.",
    )
    prepare.add_argument("file", type=Path, metavar="FILE")
    prepare.add_argument("--terminology", required=True, metavar="URL",
                         help="the FHIR base URL of a terminology server")  # fmt: skip
    prepare.add_argument("-o", "--output", type=Path, metavar="OUT")


def main(args: argparse.Namespace) -> int:
    """Run the ``questionnaire`` subcommand chosen in *args*."""
    if args.questionnaire_command == "check":
        return cmd_check(args.files)
    if args.questionnaire_command == "fill":
        return cmd_fill(args.file, args.answers, args.authored, args.language)
    if args.questionnaire_command == "prepare":
        return cmd_prepare(args.file, args.terminology, args.output)
    return cmd_validate(args.questionnaire, args.response)


def cmd_check(files: list[Path]) -> int:
    from kiosk.questionnaire import QuestionnaireRefused, load_questionnaire

    status = EXIT_OK
    for path in files:
        try:
            questionnaire = load_questionnaire(path)
        except QuestionnaireRefused as refused:
            status = EXIT_INVALID
            print(_("{file}: refused").format(file=path))
            for reason in refused.reasons:
                print(f"  {_strip_source(reason, path)}")
        else:
            from kiosk.questionnaire.calculate import precompile

            warnings = [*questionnaire.warnings, *precompile(questionnaire)]
            if warnings:
                print(_("{file}: ok, with warnings").format(file=path))
                for warning in warnings:
                    print(f"  {_strip_source(warning, path)}")
            else:
                print(_("{file}: ok").format(file=path))
    return status


def _strip_source(reason: str, path: Path) -> str:
    """Reasons about the file itself start with its name, which the header already says."""
    prefix = f"{path}: "
    return reason[len(prefix) :] if reason.startswith(prefix) else reason


def _load(path: Path):  # type: ignore[no-untyped-def]
    from kiosk.questionnaire import QuestionnaireRefused, load_questionnaire

    try:
        return load_questionnaire(path)
    except QuestionnaireRefused as refused:
        print(_("{file}: refused").format(file=path), file=sys.stderr)
        for reason in refused.reasons:
            print(f"  {_strip_source(reason, path)}", file=sys.stderr)
        return None


def _read_json(path: Path) -> tuple[Any, str | None]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None, _("{file}: file not found").format(file=path)
    except (OSError, UnicodeDecodeError) as error:
        return None, _("{file}: cannot read the file ({error})").format(file=path, error=error)
    try:
        return json.loads(text, parse_float=Decimal), None
    except (json.JSONDecodeError, RecursionError) as error:
        return None, _("{file}: not valid JSON ({error})").format(file=path, error=error)


def cmd_fill(path: Path, answers_path: Path, authored: str | None, language: str | None) -> int:
    from kiosk.questionnaire.fill import AnswersInvalid, fill

    questionnaire = _load(path)
    if questionnaire is None:
        return EXIT_INVALID
    data, problem = _read_json(answers_path)
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_INVALID
    when = datetime.datetime.now().astimezone()
    if authored is not None:
        try:
            when = datetime.datetime.fromisoformat(authored)
        except ValueError:
            when = None  # type: ignore[assignment]
        if when is None or when.utcoffset() is None:
            print(_("--authored: give a date and time with a timezone, for example "
                    "2025-03-04T09:30:00+01:00"), file=sys.stderr)  # fmt: skip
            return EXIT_INVALID
    try:
        response = fill(questionnaire, data, authored=when, language=language)
    except AnswersInvalid as invalid:
        print(_("{file}: the answers are not valid").format(file=answers_path), file=sys.stderr)
        for error in invalid.errors:
            print(f"  {error}", file=sys.stderr)
        return EXIT_INVALID
    print(json.dumps(response, indent=2, ensure_ascii=False))
    return EXIT_OK


def cmd_validate(questionnaire_path: Path, response_path: Path) -> int:
    from kiosk.questionnaire.qr_read import validate_response

    questionnaire = _load(questionnaire_path)
    if questionnaire is None:
        return EXIT_INVALID
    data, problem = _read_json(response_path)
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_INVALID
    errors = validate_response(questionnaire, data)
    if errors:
        print(_("{file}: not valid").format(file=response_path))
        for error in errors:
            print(f"  {error}")
        return EXIT_INVALID
    print(_("{file}: valid").format(file=response_path))
    return EXIT_OK


def cmd_prepare(path: Path, terminology: str, output: Path | None) -> int:
    from kiosk.questionnaire.prepare import prepare

    data, problem = _read_json(path)
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_INVALID
    if not isinstance(data, dict) or data.get("resourceType") != "Questionnaire":
        print(_("{file}: not a Questionnaire").format(file=path), file=sys.stderr)
        return EXIT_INVALID
    result = prepare(data, terminology)
    for value_set, count in result.expanded:
        print(_("expanded {value_set}: {count} concepts").format(value_set=value_set, count=count))
    if result.failed:
        print(_("{file}: not prepared").format(file=path), file=sys.stderr)
        for reason in result.failed:
            print(f"  {reason}", file=sys.stderr)
        return EXIT_INVALID
    target = output or path.with_name(path.name.removesuffix(".json") + ".prepared.json")
    text = json.dumps(result.questionnaire, indent=2, ensure_ascii=False, default=_number)
    try:
        target.write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        print(_("{file}: cannot write ({error})").format(file=target, error=error.strerror),
              file=sys.stderr)  # fmt: skip
        return EXIT_INVALID
    print(_("wrote {file}").format(file=target))
    return EXIT_OK


def _number(value: object) -> object:
    """JSON for the exact decimals the files are read with."""
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and "." not in str(value)
            else float(str(value))
        )
    raise TypeError(type(value).__name__)
