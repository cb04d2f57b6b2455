"""One way of writing a date per language, the same in every field, with the placeholder and
every message agreeing; a form's entryFormat is shown and then read."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from kiosk.app import KioskApp
from kiosk.i18n import set_language
from kiosk.i18n.dates import birth_date_label, parse_birth_date
from screens.questionnaire_page import QuestionnairePageScreen
from tests.mini_portal import mini_portal, questionnaire
from tests.visit_helpers import sign_in, tap, visible_questions, wait_for_screen

FORM = questionnaire(
    {
        "linkId": "page",
        "type": "group",
        "text": "Dates",
        "item": [
            {"linkId": "plain", "type": "date", "text": "Date of your last check-up"},
            {
                "linkId": "slashed",
                "type": "date",
                "text": "Date of your last tetanus shot",
                "extension": [
                    {
                        "url": "http://hl7.org/fhir/StructureDefinition/entryFormat",
                        "valueString": "yyyy/MM/dd",
                    }
                ],
            },
            {
                "linkId": "dotted",
                "type": "date",
                "text": "Date of your last eye test",
                "extension": [
                    {
                        "url": "http://hl7.org/fhir/StructureDefinition/entryFormat",
                        "valueString": "dd.MM.yyyy",
                    },
                    {
                        "url": "http://hl7.org/fhir/StructureDefinition/maxValue",
                        "_valueDate": {
                            "extension": [
                                {
                                    "url": "http://hl7.org/fhir/StructureDefinition/cqf-calculatedValue",
                                    "valueString": "today()",
                                }
                            ]
                        },
                    },
                ],
            },
        ],
    }
)


def error_of(app: KioskApp, input_id: str) -> str:
    error = app.screen.query_one(f"#{input_id}-error", Static)
    return str(error.render()) if error.has_class("shown") else ""


async def test_placeholders_messages_and_entry_formats_agree(
    tmp_path: Path, database_url: str
) -> None:
    app = KioskApp(mini_portal(tmp_path, FORM), database_url=database_url)
    async with app.run_test(size=(110, 40)) as pilot:
        await sign_in(pilot, "Ana", "Lee")
        await wait_for_screen(pilot, QuestionnairePageScreen)
        plain, slashed, dotted = (f.input_id for f in visible_questions(app.screen))
        field = {key: app.screen.query_one(f"#{key}", Input) for key in (plain, slashed, dotted)}
        assert field[plain].placeholder == "month/day/year, for example 07/31/1990"
        assert field[slashed].placeholder == "yyyy/MM/dd"
        assert field[dotted].placeholder == "dd.MM.yyyy"

        # A date the field cannot read: the message says what the placeholder says.
        for typed in ("31/07/1990", "07-31", "July 31"):
            field[plain].value = typed
            field[slashed].value = "31/07/1990"
            field[dotted].value = "07/31/1990"
            await tap(pilot, "#next")
            assert error_of(app, plain) == (
                "Enter the date as month/day/year, for example 07/31/1990."
            ), typed
            assert error_of(app, slashed) == (
                "Enter the date as year/month/day, for example 1990/07/31."
            )
            assert error_of(app, dotted) == (
                "Enter the date as day.month.year, for example 31.07.1990."
            )

        # No later than today, said in the field's own way of writing a date.
        tomorrow = datetime.date.today() + datetime.timedelta(days=1)
        field[dotted].value = tomorrow.strftime("%d.%m.%Y")
        await tap(pilot, "#next")
        today = datetime.date.today().strftime("%d.%m.%Y")
        assert error_of(app, dotted) == f"Enter a value of {today} or earlier."

        field[plain].value = "07/31/1990"
        field[slashed].value = "1990/07/31"  # as its placeholder shows
        field[dotted].value = "31.07.1990"
        await tap(pilot, "#next")
        assert not isinstance(app.screen, QuestionnairePageScreen), "the dates were refused"
        [answers] = app.visit.answers
        day = datetime.date(1990, 7, 31)
        assert (answers["plain"], answers["slashed"], answers["dotted"]) == (day, day, day)


@pytest.mark.parametrize(
    ("language", "typed", "label"),
    [
        ("en", "04/23/1985", "To confirm, your date of birth (month/day/year, for example "
         "07/31/1990)"),
        ("es", "23/04/1985", "Para confirmar, su fecha de nacimiento (día/mes/año, por ejemplo "
         "31/07/1990)"),
    ],
)  # fmt: skip
def test_the_date_of_birth_is_written_as_every_other_date(
    language: str, typed: str, label: str
) -> None:
    set_language(language)
    assert birth_date_label() == label
    assert parse_birth_date(typed) == (datetime.date(1985, 4, 23), None)
    assert parse_birth_date("1985-04-23") == (datetime.date(1985, 4, 23), None)  # ISO too
    value, problem = parse_birth_date("23 April")
    assert value is None
    assert problem is not None
    assert label.split("(")[1].rstrip(")") in problem  # the same way as the label


DATETIME_FORM = questionnaire(
    {"linkId": "arrived", "type": "dateTime", "text": "When did the symptoms start?"}
)


async def test_a_date_and_time_is_written_as_every_date(tmp_path: Path, database_url: str) -> None:
    app = KioskApp(mini_portal(tmp_path, DATETIME_FORM), database_url=database_url)
    async with app.run_test(size=(110, 40)) as pilot:
        await sign_in(pilot, "Ana", "Lee")
        await wait_for_screen(pilot, QuestionnairePageScreen)
        field = app.screen.query_one("#q-arrived", Input)
        assert field.placeholder == "month/day/year hour:minute, for example 07/31/2024 14:30"
        field.value = "31/07/2024 14:30"
        await tap(pilot, "#next")
        assert error_of(app, "q-arrived") == (
            "Enter the date and time as month/day/year hour:minute, for example 07/31/2024 14:30."
        )
        field.value = "07/30/2024 09:05"
        await tap(pilot, "#next")
        assert not isinstance(app.screen, QuestionnairePageScreen), error_of(app, "q-arrived")
        [answers] = app.visit.answers
        local = answers["arrived"].astimezone()
        assert (local.date(), local.hour, local.minute) == (datetime.date(2024, 7, 30), 9, 5)
