"""A date of birth as a visitor types it: year first, so it reads the same everywhere."""

from __future__ import annotations

import re
from datetime import date

from kiosk.i18n import _

EARLIEST_YEAR = 1900
_SEPARATED = re.compile(r"^(\d{4})[-/. ](\d{1,2})[-/. ](\d{1,2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_birth_date(text: str, today: date | None = None) -> tuple[date | None, str | None]:
    """The date in *text* (``1985-04-23``, ``1985/4/23``, ``19850423``), or why it is not one."""
    text = " ".join(text.split())
    if not text:
        return None, _("Please enter your date of birth.")
    match = _SEPARATED.match(text) or _COMPACT.match(text)
    if match is None:
        return None, _("Write the date as year-month-day, for example 1985-04-23.")
    try:
        value = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None, _("This date does not exist. Write it as year-month-day, e.g. 1985-04-23.")
    if value.year < EARLIEST_YEAR or value > (today or date.today()):
        return None, _("Please check the year of this date.")
    return value, None
