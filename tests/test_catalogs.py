"""Gettext catalogs: complete against the source, and really used by ``_()``."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from kiosk.i18n import _, available_languages, catalogs, current_language, set_language


@pytest.mark.parametrize("language", available_languages())
def test_catalog_is_complete(language: str) -> None:
    assert catalogs.problems(language) == []


def test_template_lists_every_source_message() -> None:
    extracted = {m.id for m in catalogs.extract() if m.id}
    assert "I am applying for a job" in extracted
    assert "Please enter this name." in extracted
    with catalogs.TEMPLATE.open("rb") as fh:
        from babel.messages.pofile import read_po

        template = {m.id for m in read_po(fh) if m.id}
    assert extracted <= template, sorted(extracted - template)[:5]


def test_a_catalog_translates_at_call_time(tmp_path: Path) -> None:
    catalog = Catalog(locale="fr", domain="kiosk")
    catalog.add("I am applying for a job", "Je postule à un emploi")
    po = tmp_path / "fr" / "LC_MESSAGES" / "kiosk.po"
    po.parent.mkdir(parents=True)
    with po.open("wb") as fh:
        write_po(fh, catalog)
    set_language("fr", tmp_path)
    assert current_language() == "fr"
    assert _("I am applying for a job") == "Je postule à un emploi"
    assert _("A message with no translation") == "A message with no translation"
    set_language("en")
    assert _("I am applying for a job") == "I am applying for a job"
