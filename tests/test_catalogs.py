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


def _literal_messages(root: Path) -> set[str]:
    """Every literal string given to ``_()``/``N_()`` in the Python files under *root*, read
    with Python's own parser (which, unlike the extractor, sees calls inside f-strings)."""
    import ast

    found = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"_", "N_"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def test_every_message_in_the_code_reaches_the_template() -> None:
    """A message the extractor cannot see (``_()`` inside an f-string) would stay English."""
    from babel.messages.pofile import read_po

    project = Path(__file__).resolve().parent.parent
    in_code = _literal_messages(project / "kiosk") | _literal_messages(project / "screens")
    with catalogs.TEMPLATE.open("rb") as fh:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert "chosen" in in_code
    assert in_code - template == set()


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
