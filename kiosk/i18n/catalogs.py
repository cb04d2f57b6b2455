"""Keep the gettext catalogs in step with the source (a developer's tool, run by hand).

``python -m kiosk.i18n.catalogs update`` extracts every ``_()``/``N_()``/``ngettext()`` message from
``kiosk/`` and ``screens/`` into ``locales/kiosk.pot`` and merges it into each language's
``kiosk.po`` (English entries are filled with their source text). ``python -m kiosk.i18n.catalogs
check`` lists what a catalog lacks: messages missing, untranslated or fuzzy. ``python -m
kiosk.i18n.catalogs init LANG`` starts the catalog of a new language.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from kiosk import __version__
from kiosk.i18n import DOMAIN, SOURCE_LANGUAGE, available_languages, catalog_path
from kiosk.paths import LOCALES_DIR, PROJECT_ROOT

SOURCE_DIRS = ("kiosk", "screens")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"


def extract() -> Catalog:
    """Every translatable message in the source, with where it is used."""
    catalog = Catalog(
        project="Lobby Kiosk",
        version=__version__,
        copyright_holder="Lobby Kiosk contributors",
        charset="utf-8",
    )
    for folder in SOURCE_DIRS:
        for filename, lineno, message, comments, context in extract_from_dir(
            PROJECT_ROOT / folder,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True,
        ):
            catalog.add(
                message,
                None,
                [(f"{folder}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale, domain=DOMAIN)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=False, omit_header=False)


def update() -> None:
    """Rewrite the template and merge it into every catalog."""
    template = extract()
    _write(TEMPLATE, template)
    for language in available_languages() or [SOURCE_LANGUAGE]:
        path = catalog_path(language)
        catalog = (
            _read(path, language) if path.exists() else Catalog(locale=language, domain=DOMAIN)
        )
        catalog.project, catalog.version = "Lobby Kiosk", __version__
        catalog.copyright_holder = "Lobby Kiosk contributors"
        catalog.fuzzy = False
        catalog.update(template, update_header_comment=False)
        catalog.obsolete.clear()
        if language == SOURCE_LANGUAGE:
            for message in catalog:
                plural_gap = isinstance(message.id, tuple) and not all(message.string or ())
                if plural_gap or (message.id and not message.string):
                    message.string = message.id
                message.flags.discard("fuzzy")
        _write(path, catalog)


def init(language: str) -> Path:
    """Start the catalog of a new *language* (a babel locale code such as ``de`` or ``pt_BR``)."""
    from babel import Locale

    Locale.parse(language)  # refuses a code babel does not know
    path = catalog_path(language)
    if path.exists():
        raise SystemExit(f"{path} already exists")
    _write(path, Catalog(locale=language, domain=DOMAIN))
    update()
    return path


def problems(language: str, locales_dir: Path = LOCALES_DIR) -> list[str]:
    """What the *language* catalog lacks against the source."""
    path = catalog_path(language, locales_dir)
    if not path.exists():
        return [f"{path}: no catalog"]
    catalog = _read(path, language)
    found = []
    for message in extract():
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context)
        if entry is None:
            found.append(f"{language}: missing {message.id!r}")
        elif entry.fuzzy:
            found.append(f"{language}: fuzzy {message.id!r}")
        elif not entry.string or (isinstance(entry.string, tuple) and not all(entry.string)):
            found.append(f"{language}: untranslated {message.id!r}")
    return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["update"]:
        update()
        print(f"updated {TEMPLATE} and {', '.join(available_languages())}")
        return 0
    if len(args) == 2 and args[0] == "init":
        print(f"created {init(args[1])}: translate every msgstr, then run check")
        return 0
    if args == ["check"]:
        found = [p for lang in available_languages() for p in problems(lang)]
        print("\n".join(found) or "every catalog is complete")
        return 1 if found else 0
    print("usage: python -m kiosk.i18n.catalogs {update|check|init LANG}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
