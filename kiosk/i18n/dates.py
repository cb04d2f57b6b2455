"""A date of birth as a visitor types it: the visitor's one way of writing a date (see
:func:`kiosk.i18n.languages.visitor_date_order`), the same as in every questionnaire date.

ISO ``1985-04-23`` and the compact ``19850423`` are read as well.
"""

from __future__ import annotations

import re
from datetime import date

from kiosk.i18n import _
from kiosk.i18n.languages import date_hint, date_problem, visitor_date_order

EARLIEST_YEAR = 1900
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def birth_date_label() -> str:
    """The label of the date of birth field, with the way to write it."""
    return _("To confirm, your date of birth ({hint})").format(hint=date_hint())


def parse_birth_date(text: str, today: date | None = None) -> tuple[date | None, str | None]:
    """The date in *text*, or why it is not one (both localized to the visitor's language)."""
    text = " ".join(text.split())
    if not text:
        return None, _("Please enter your date of birth.")
    order = visitor_date_order()
    compact = _COMPACT.match(text)
    found = (int(compact[1]), int(compact[2]), int(compact[3])) if compact else order.read(text)
    if found is None:
        return None, date_problem(order=order)
    try:
        value = date(*found)
    except ValueError:
        return None, _("This date does not exist. Enter it as {hint}.").format(
            hint=date_hint(order=order)
        )
    if value.year < EARLIEST_YEAR or value > (today or date.today()):
        return None, _("Please check the year of this date.")
    return value, None
