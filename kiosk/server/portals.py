"""Portals as the server knows them: consent forms with versions and renewal intervals,
the questionnaires assigned to new charts, and the task rules that raise tasklist events.

A consent form's version in each language is the SHA-256 of its text, computed here
the same way the kiosk computes it (``sha256:`` and the hex digest of the UTF-8 text),
so a signature's version says exactly which words were signed.
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.contract.consents import consent_version
from kiosk.contract.wire.fields import JsonInt, Language, Text
from kiosk.server.models import Portal, TaskEvent, utc_now

MAX_PORTAL_CONSENTS = 20
MAX_PORTAL_QUESTIONNAIRES = 50
MAX_TASK_RULES = 50
MAX_LANGUAGES = 20
CONSENT_TEXT_MAX = 100_000
PORTAL_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"
DEFAULT_QUEUE = "Occupational health"

PortalName = Annotated[str, StringConstraints(pattern=PORTAL_NAME_PATTERN)]
FormId = Annotated[str, StringConstraints(pattern=PORTAL_NAME_PATTERN)]
ConsentText = Annotated[str, StringConstraints(min_length=1, max_length=CONSENT_TEXT_MAX)]
Version = Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")]
RenewalDays = Annotated[JsonInt, Field(ge=1, le=3650)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuestionnaireSpec(_Model):
    """A questionnaire of the portal and how its answers are filed on the chart."""

    questionnaire: Text = Field(description="Canonical URL of the questionnaire, `url|version`.")
    title: Text
    order_item: Text
    document_type: Text
    chart_tab: Text


class TaskRule(_Model):
    """Raise a task titled *title* in *queue* when *event* happens on this portal."""

    event: TaskEvent
    title: Text
    queue: Text = DEFAULT_QUEUE
    document_type: Text | None = Field(
        default=None,
        description="document_filed only: the document type that raises it (none: any).",
    )

    @model_validator(mode="after")
    def _document_type_only_for_documents(self) -> TaskRule:
        if self.document_type is not None and self.event != TaskEvent.DOCUMENT_FILED:
            raise ValueError("document_type applies to document_filed rules only")
        return self


class ConsentForm(_Model):
    """A consent form as stored: its version in each language and its renewal interval."""

    form_id: FormId
    title: Text
    renewal_interval_days: RenewalDays | None = None
    versions: dict[Language, Version] = Field(min_length=1, max_length=MAX_LANGUAGES)


class ConsentFormIn(_Model):
    """A consent form as configured: its text in each language (the server hashes it)."""

    form_id: FormId
    title: Text
    renewal_interval_days: RenewalDays | None = Field(
        default=None, description="Days a signature lasts; none: signed once is enough."
    )
    texts: dict[Language, ConsentText] = Field(min_length=1, max_length=MAX_LANGUAGES)

    def stored(self) -> ConsentForm:
        return ConsentForm(
            form_id=self.form_id,
            title=self.title,
            renewal_interval_days=self.renewal_interval_days,
            versions={lang: consent_version(text) for lang, text in self.texts.items()},
        )


def _unique(values: list[str], what: str) -> None:
    dupes = sorted({v for v in values if values.count(v) > 1})
    if dupes:
        raise ValueError(f"{what} must be unique; repeated: {', '.join(dupes)}")


class _PortalBase(_Model):
    title: Text
    applicant_department: Text | None = Field(
        default=None, description="The department applicant charts are filed under (none: title)."
    )
    provider_organization: Text | None = None
    questionnaires: list[QuestionnaireSpec] = Field(
        default_factory=list, max_length=MAX_PORTAL_QUESTIONNAIRES
    )
    tasks: list[TaskRule] = Field(default_factory=list, max_length=MAX_TASK_RULES)


class PortalConfig(_PortalBase):
    """What the ``portals`` table keeps for one portal."""

    consents: list[ConsentForm] = Field(default_factory=list, max_length=MAX_PORTAL_CONSENTS)

    def questionnaire(self, url: str) -> QuestionnaireSpec | None:
        return next((q for q in self.questionnaires if q.questionnaire == url), None)

    def consent(self, form_id: str) -> ConsentForm | None:
        return next((c for c in self.consents if c.form_id == form_id), None)


class PortalIn(_PortalBase):
    """``PUT /v1/portals/{name}``: the whole configuration of one portal."""

    consents: list[ConsentFormIn] = Field(default_factory=list, max_length=MAX_PORTAL_CONSENTS)

    @model_validator(mode="after")
    def _unique_ids(self) -> PortalIn:
        _unique([c.form_id for c in self.consents], "consent form ids")
        _unique([q.questionnaire for q in self.questionnaires], "questionnaires")
        return self

    def stored(self) -> PortalConfig:
        return PortalConfig(
            title=self.title,
            applicant_department=self.applicant_department,
            provider_organization=self.provider_organization,
            consents=[c.stored() for c in self.consents],
            questionnaires=self.questionnaires,
            tasks=self.tasks,
        )


class PortalOut(PortalConfig):
    name: str


def put_portal(session: Session, name: str, portal: PortalIn) -> tuple[PortalOut, bool]:
    """Create or replace portal *name* (not committed); also whether it is new."""
    config = portal.stored()
    row = session.get(Portal, name, with_for_update=True)
    created = row is None
    if row is None:
        row = Portal(name=name)
        session.add(row)
    stored = config.model_dump(mode="json")
    if created or row.title != config.title or row.config != stored:
        row.updated_at = utc_now()  # unchanged: the FHIR resources it shapes are unchanged too
    row.title = config.title
    row.config = stored
    return PortalOut(name=name, **config.model_dump()), created


@functools.lru_cache(maxsize=64)
def parse_portal_config(stored: str) -> PortalConfig:
    """A portal's configuration from its stored JSON text, memoized by that text: a changed
    configuration is another text, so nothing goes stale. Shared: do not modify it."""
    return PortalConfig.model_validate(json.loads(stored))


def portal_config(session: Session, name: str) -> PortalConfig | None:
    """Portal *name*'s configuration, or None when the server has none for it."""
    stored = session.scalar(select(Portal.config).where(Portal.name == name))
    return None if stored is None else PortalConfig.model_validate(stored)


def list_portals(session: Session) -> list[PortalOut]:
    rows = session.scalars(select(Portal).order_by(Portal.name))
    return [
        PortalOut(name=row.name, **PortalConfig.model_validate(row.config).model_dump())
        for row in rows
    ]


class PortalFileError(Exception):
    """A portal file that cannot be used; ``problems`` says why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _resolve_texts(entry: dict[str, Any], base: Path, where: str) -> dict[str, Any]:
    """A consent entry of a portal file with its ``text`` file paths read into ``texts``."""
    entry = dict(entry)
    paths = entry.pop("text", None)
    if paths is None:
        return entry
    if isinstance(paths, str):
        paths = {"en": paths}
    if not isinstance(paths, dict):
        raise PortalFileError([f"{where}.text: give a file path per language"])
    texts: dict[str, str] = {}
    for lang, rel in paths.items():
        path = base / str(rel)
        try:
            texts[lang] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PortalFileError([f"{where}.text.{lang}: cannot read {path}: {exc}"]) from None
    entry["texts"] = texts
    return entry


def load_portal_file(path: Path) -> dict[str, PortalIn]:
    """The portals of a TOML file: ``[[portals]]`` tables shaped like :class:`PortalIn`
    plus a ``name``; a consent's ``text`` names a file per language, relative to the file.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PortalFileError([f"{path}: {exc}"]) from None
    entries = data.get("portals")
    if not isinstance(entries, list) or not entries:
        raise PortalFileError([f"{path}: no [[portals]] tables"])
    portals: dict[str, PortalIn] = {}
    problems: list[str] = []
    for index, raw in enumerate(entries):
        where = f"portals[{index}]"
        if not isinstance(raw, dict):
            problems.append(f"{where}: not a table")
            continue
        raw = dict(raw)
        name = raw.pop("name", None)
        if not isinstance(name, str) or not re.match(PORTAL_NAME_PATTERN, name):
            problems.append(f"{where}.name: give a name of A-Z a-z 0-9 _ . - (up to 100)")
            continue
        try:
            raw["consents"] = [
                _resolve_texts(c, path.parent, f"{where}.consents[{i}]")
                if isinstance(c, dict)
                else c
                for i, c in enumerate(raw.get("consents", []))
            ]
            portals[name] = PortalIn.model_validate(raw)
        except PortalFileError as exc:
            problems.extend(exc.problems)
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            errors = getattr(exc, "errors", None)
            if callable(errors):
                for error in errors():
                    loc = ".".join(str(part) for part in error["loc"])
                    problems.append(f"{where}.{loc}: {error['msg']}")
            else:
                problems.append(f"{where}: {exc}")
    if problems:
        raise PortalFileError(problems)
    return portals
