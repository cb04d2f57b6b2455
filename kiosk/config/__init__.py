"""The kiosk's TOML configuration, parsed into pydantic models and checked with its files.

Paths in the file are relative to the file's own folder. :func:`load_config` returns a
:class:`KioskConfig` or raises :class:`ConfigError`, whose ``problems`` are lines of the
form ``path.to.field: reason`` (the same lines ``kiosk check-config`` prints).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Annotated, Any, ClassVar

from kiosk.config.colours import colour_problem
from kiosk.config.rules import Rule
from kiosk.contract.consents import consent_version
from kiosk.paths import SHIPPED_CONFIG_DIR

CONFIG_ENV_VAR = "KIOSK_CONFIG"
DEFAULT_CONFIG_NAME = Path("config") / "kiosk.toml"

BRAND_MAX = 25
WORD_MAX = 40
TICKER_MESSAGE_MAX = 300
LOGO_MAX_LINES = 12
LOGO_MAX_WIDTH = 72
_WEB_ADDRESS = r"^https?://\S+$"


Name = Annotated[str, Rule(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
Label = Annotated[str, Rule(min_length=1, max_length=200)]
Word = Annotated[str, Rule(min_length=1, max_length=WORD_MAX)]
Language = Annotated[str, Rule(pattern=r"^[a-z]{2,3}(_[A-Za-z0-9]{2,8})*$")]
Voice = Annotated[str, Rule(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9][A-Za-z0-9_+./-]*$")]
Description = Annotated[str, Rule(max_length=1000)]
Colour = Annotated[str, Rule(pattern=r"^#[0-9A-Fa-f]{6}$", check=colour_problem)]
TickerMessage = Annotated[str, Rule(min_length=1, max_length=TICKER_MESSAGE_MAX)]
# Every class forbids keys it does not know: a misspelt setting is a problem, not ignored.
_STRICT = {"extra": "forbid"}


def _repeated(values: list[str]) -> list[str]:
    return sorted({v for v in values if values.count(v) > 1})


class _Settings:
    """Equality, hash and repr for the configuration's frozen dataclasses, written once.

    They behave as the ones ``@dataclass`` writes (fields with ``compare=False`` left out of
    equality and hash), which would otherwise be made for each class, through ``exec``, at
    every start: half the time this module takes to load."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, Any]]  # each subclass is a dataclass

    def _compared(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f.name) for f in fields(self) if f.compare)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        return f"{self.__class__.__qualname__}({shown})"


@dataclass(frozen=True, eq=False, repr=False)
class BackendConfig(_Settings):
    """Where the kiosk's backend is: a URL, or (no URL) the reference server in-process."""

    __pydantic_config__ = _STRICT

    url: Annotated[str, Rule(pattern=_WEB_ADDRESS)] | None = None
    token_file: Path | None = None
    """File holding this terminal's bearer token (kiosk-server token create); for the
    embedded backend, where it keeps the token it provisions."""
    database: str | None = None
    """Embedded backend only: SQLAlchemy URL of its database."""
    timeout_seconds: Annotated[float, Rule(gt=0, le=120)] = 10.0

    @property
    def embedded(self) -> bool:
        return self.url is None

    def __post_init__(self) -> None:
        if self.url is not None and self.database is not None:
            raise ValueError("give either url (a remote backend) or database (embedded), not both")


@dataclass(frozen=True, eq=False, repr=False)
class ConsentConfig(_Settings):
    """A consent form the visitor signs; its text per language, and how long a signature lasts."""

    __pydantic_config__ = _STRICT

    id: Name
    title: Label
    text: dict[str, Path]
    """Language code to the file holding the text (a single file: the English text)."""
    titles: dict[Language, Label] = field(default_factory=dict)
    """The title in other languages, by language code."""
    renewal_interval_days: Annotated[int, Rule(ge=1, le=3650)] | None = None

    def __post_init__(self) -> None:
        if not self.text:
            raise ValueError("give the consent text for at least one language")

    def title_in(self, language: str) -> str:
        """The title in *language*, else the title as written."""
        return self.titles.get(language, self.title)


@dataclass(frozen=True, eq=False, repr=False)
class QuestionnaireConfig(_Settings):
    """A FHIR Questionnaire the portal presents, and how its answers are filed on the chart."""

    __pydantic_config__ = _STRICT

    file: Path
    order_item: Label
    document_type: Label
    chart_tab: Label


@dataclass(frozen=True, eq=False, repr=False)
class WordsConfig(_Settings):
    """Replacement words in one language for what the kiosk calls these four (lower case)."""

    __pydantic_config__ = _STRICT

    applicant: Word | None = None
    patient: Word | None = None
    employer: Word | None = None
    portal: Word | None = None


@dataclass(frozen=True, eq=False, repr=False)
class PortalConfig(_Settings):
    """One portal: its brand, its applicant department, its consents and questionnaires."""

    __pydantic_config__ = _STRICT

    name: Name
    title: Label
    applicant_department: Label
    questionnaires: Annotated[list[QuestionnaireConfig], Rule(min_length=1)]
    brand: Annotated[str, Rule(max_length=BRAND_MAX)] = ""
    """Name in the welcome message (at most 25 characters)."""
    colour: Colour = "#1F6FB2"
    description: Description = ""
    login_url: Annotated[str, Rule(pattern=_WEB_ADDRESS, max_length=500)] | None = None
    """The portal's login address, shown as a QR code after pickup."""
    titles: dict[Language, Label] = field(default_factory=dict)
    """The title in other languages, by language code."""
    descriptions: dict[Language, Description] = field(default_factory=dict)
    """The description in other languages."""
    logo: Path | None = None
    """A text-art file shown on Welcome."""
    ticker: Annotated[list[TickerMessage], Rule(max_length=20)] = field(default_factory=list)
    words: dict[Language, WordsConfig] = field(default_factory=dict)
    """Language code to replacement words."""
    consents: list[ConsentConfig] = field(default_factory=list)

    def __post_init__(self) -> None:
        repeated = _repeated([c.id for c in self.consents])
        if repeated:
            raise ValueError(f"consent ids must be unique; repeated: {', '.join(repeated)}")

    def title_in(self, language: str) -> str:
        """The title in *language*, else the title as written."""
        return self.titles.get(language, self.title)

    def description_in(self, language: str) -> str:
        """The description in *language*, else the description as written."""
        return self.descriptions.get(language, self.description)


@dataclass(frozen=True, eq=False, repr=False)
class OutboxConfig(_Settings):
    """Where unsent submissions wait, and the key that encrypts them (see kiosk.backend.crypto)."""

    __pydantic_config__ = _STRICT

    database: Path | None = None
    """SQLite file (default: outbox.sqlite3 in the data folder)."""
    key_file: Path | None = None
    """Key file, owner-only (default: $KIOSK_OUTBOX_KEY, else outbox.key in the config
    folder, made on first start)."""


@dataclass(frozen=True, eq=False, repr=False)
class KioskConfig(_Settings):
    """The whole file."""

    __pydantic_config__ = _STRICT

    terminal: Name
    portals: Annotated[list[PortalConfig], Rule(min_length=1)]
    language: Annotated[str, Rule(min_length=2, max_length=35)] = "en"
    idle_timeout_seconds: Annotated[int, Rule(ge=10, le=3600)] = 90
    confirmation_seconds: Annotated[int, Rule(ge=3, le=600)] = 20
    idle_warning_seconds: Annotated[int, Rule(ge=5, le=600)] = 30
    staff_pin_hash: Annotated[str, Rule(pattern=r"^\$argon2(id|i|d)\$")] | None = None
    speech: bool = False
    """Speech output on when a visit starts (F5 turns it on and off)."""
    speech_hint: bool = True
    """The first key on Welcome, speech off, says "Press F5 ..." in every language."""
    speech_voices: dict[Language, Voice] = field(default_factory=dict)
    """espeak-ng voice per language, instead of kiosk.speech.voices.DEFAULT_VOICES."""
    speech_rate: Annotated[int, Rule(ge=80, le=450)] = 175
    """Words per minute."""
    outbox: OutboxConfig = field(default_factory=OutboxConfig)
    backend: BackendConfig = field(default_factory=BackendConfig)
    source: Path | None = field(default=None, compare=False)
    """The file this was read from (set by :func:`read_config_file`; not a setting)."""

    def __post_init__(self) -> None:
        repeated = _repeated([p.name for p in self.portals])
        if repeated:
            raise ValueError(f"portal names must be unique; repeated: {', '.join(repeated)}")

    def portal(self, name: str | None = None) -> PortalConfig:
        """The portal called *name*, or the first one."""
        if name is None:
            return self.portals[0]
        for portal in self.portals:
            if portal.name == name:
                return portal
        raise KeyError(name)


class ConfigError(Exception):
    """The configuration cannot be used; ``problems`` says why, one ``field.path: reason`` each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, eq=False, repr=False)
class ConsentText(_Settings):
    """A consent's text in one language, with the version that a signature records."""

    text: str
    version: str
    language: str
    """The language the text is in: the one asked for, or the fallback that was shown."""


def read_consent_text(consent: ConsentConfig, language: str, fallback: str = "en") -> ConsentText:
    """The consent's text in *language* (or *fallback*, or any), with its version."""
    shown = next(
        (lang for lang in (language, fallback) if lang in consent.text), next(iter(consent.text))
    )
    text = consent.text[shown].read_text(encoding="utf-8")
    return ConsentText(text=text, version=consent_version(text), language=shown)


def default_config_path() -> Path:
    """``$KIOSK_CONFIG``, else ``config/kiosk.toml`` in the working folder, else the shipped one."""
    env = os.environ.get(CONFIG_ENV_VAR)
    if env:
        return Path(env)
    local = Path.cwd() / DEFAULT_CONFIG_NAME
    if local.exists():
        return local
    return SHIPPED_CONFIG_DIR / "kiosk.toml"


def _resolve(base_dir: Path, path: Path) -> Path:
    return path if path.is_absolute() else (base_dir / path).resolve()


def _resolve_paths(config: KioskConfig, base_dir: Path) -> KioskConfig:
    """*config* with every relative path in it made absolute against *base_dir*."""
    portals = []
    for portal in config.portals:
        consents = [
            replace(c, text={k: _resolve(base_dir, v) for k, v in c.text.items()})
            for c in portal.consents
        ]
        questionnaires = [
            replace(q, file=_resolve(base_dir, q.file)) for q in portal.questionnaires
        ]
        logo = None if portal.logo is None else _resolve(base_dir, portal.logo)
        portals.append(replace(portal, consents=consents, questionnaires=questionnaires, logo=logo))
    backend = config.backend
    if backend.token_file is not None:
        backend = replace(backend, token_file=_resolve(base_dir, backend.token_file))
    outbox = replace(
        config.outbox,
        **{
            name: _resolve(base_dir, path)
            for name in ("database", "key_file")
            if (path := getattr(config.outbox, name)) is not None
        },
    )
    return replace(config, portals=portals, backend=backend, outbox=outbox)


def parse_config(data: dict[str, Any], base_dir: Path) -> KioskConfig:
    """Validate *data* and resolve its relative paths against *base_dir*."""
    from kiosk.config.validation import validate_config

    return _resolve_paths(validate_config(data), base_dir)


def read_config_file(path: Path) -> KioskConfig:
    """Read and validate the TOML file at *path* (not yet the files it names)."""
    import tomllib  # only when the file is read again: a remembered check needs no parser

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([f"(file): {path} does not exist"]) from None
    except OSError as exc:
        raise ConfigError([f"(file): cannot read {path}: {exc.strerror}"]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError([f"(file): {path} is not UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"(file): {path} is not valid TOML: {exc}"]) from None
    config = parse_config(data, path.resolve().parent)
    return replace(config, source=path.resolve())


def _logo_problems(path: Path, where: str) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return [f"{where}: {path} does not exist"]
    except UnicodeDecodeError:
        return [f"{where}: {path} is not UTF-8 text"]
    except OSError as exc:
        return [f"{where}: cannot read {path}: {exc.strerror}"]
    found = []
    if len(lines) > LOGO_MAX_LINES:
        found.append(f"{where}: the logo has {len(lines)} lines; at most {LOGO_MAX_LINES} fit")
    widest = max((len(line.rstrip()) for line in lines), default=0)
    if widest > LOGO_MAX_WIDTH:
        found.append(f"{where}: the logo is {widest} characters wide; at most {LOGO_MAX_WIDTH} fit")
    return found


def _language_problems(portal: PortalConfig, p: int) -> list[str]:
    from kiosk.i18n import available_languages

    known = set(available_languages())
    found = [
        f"portals[{p}].words.{lang}: no catalog for language {lang!r} "
        f"(known: {', '.join(sorted(known))})"
        for lang in portal.words
        if lang not in known
    ]
    for c, consent in enumerate(portal.consents):
        found.extend(
            f"portals[{p}].consents[{c}].text.{lang}: no catalog for language {lang!r}"
            for lang in consent.text
            if lang not in known
        )
    return found


def check_files(config: KioskConfig) -> list[str]:
    """Problems with the files that *config* names: consent texts, logos and questionnaires."""
    from kiosk.i18n import available_languages
    from kiosk.questionnaire import QuestionnaireRefused, load_questionnaire_once

    problems: list[str] = []
    if config.language not in available_languages():
        problems.append(f"language: no catalog for language {config.language!r}")
    problems.extend(
        f"speech_voices.{lang}: no catalog for language {lang!r}"
        for lang in config.speech_voices
        if lang not in available_languages()
    )
    for p, portal in enumerate(config.portals):
        problems.extend(_language_problems(portal, p))
        if portal.logo is not None:
            problems.extend(_logo_problems(portal.logo, f"portals[{p}].logo"))
        for c, consent in enumerate(portal.consents):
            for lang, path in consent.text.items():
                where = f"portals[{p}].consents[{c}].text.{lang}"
                try:
                    text = path.read_text(encoding="utf-8")
                except FileNotFoundError:
                    problems.append(f"{where}: {path} does not exist")
                except UnicodeDecodeError:
                    problems.append(f"{where}: {path} is not UTF-8 text")
                except OSError as exc:
                    problems.append(f"{where}: cannot read {path}: {exc.strerror}")
                else:
                    if not text.strip():
                        problems.append(f"{where}: {path} is empty")
        for q, entry in enumerate(portal.questionnaires):
            where = f"portals[{p}].questionnaires[{q}].file"
            try:
                load_questionnaire_once(entry.file)
            except QuestionnaireRefused as exc:
                problems.extend(f"{where}: {reason}" for reason in exc.reasons)
    return problems


def load_config(path: Path | None = None, *, check_again: bool = False) -> KioskConfig:
    """Read, validate and check the configuration and every file it names.

    A configuration that passed these checks before, with none of its files changed since,
    is taken as checked (:mod:`kiosk.config.cache`) unless *check_again*.
    """
    from kiosk.config.cache import recall, remember

    source = path or default_config_path()
    if not check_again and (checked := recall(source)) is not None:
        return checked
    config = read_config_file(source)
    problems = check_files(config)
    if problems:
        raise ConfigError(problems)
    remember(config)
    return config
