"""A kiosk configuration's portals as server portals, for ``kiosk-server portals load``.

The kiosk's TOML names each consent's text files and each questionnaire's FHIR file; the
server keeps the versions (hashes) of those texts and each questionnaire's canonical URL
with how it is filed. Kiosk configurations have no task rules, so every portal made from
one gets :data:`DEFAULT_TASK_RULES`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kiosk.server.models import TaskEvent
from kiosk.server.portals import (
    PortalFileError,
    PortalIn,
    TaskRule,
    portal_config,
    put_portal,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from kiosk.config import KioskConfig

DEFAULT_TASK_RULES = (
    TaskRule(event=TaskEvent.APPLICANT_REGISTERED, title="Review the new applicant's chart"),
    TaskRule(event=TaskEvent.DOCUMENT_FILED, title="Review the filed questionnaire"),
    TaskRule(event=TaskEvent.CODE_REDEEMED, title="Pickup code redeemed: portal login created"),
)


def _canonical(data: dict[str, Any]) -> str:
    """The questionnaire's canonical name, as the kiosk's engine gives it."""
    url, version = data.get("url"), data.get("version")
    if isinstance(url, str) and url:
        return f"{url}|{version}" if isinstance(version, str) and version else url
    if isinstance(data.get("id"), str) and data["id"]:
        return f"Questionnaire/{data['id']}"
    return "#" + quote(str(data.get("title", "")), safe="")


def _read_questionnaire(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise PortalFileError([f"{path}: cannot read the questionnaire: {exc}"]) from None
    if not isinstance(data, dict) or data.get("resourceType") != "Questionnaire":
        raise PortalFileError([f"{path}: not a FHIR Questionnaire"])
    return data


def _questionnaire(path: Path) -> tuple[str, str]:
    data = _read_questionnaire(path)
    title = str(data.get("title") or data.get("name") or path.stem)[:200]
    return _canonical(data), title


def questionnaires_from_kiosk_config(path: Path) -> dict[str, dict[str, Any]]:
    """The FHIR Questionnaires the kiosk configuration at *path* offers, by canonical name
    (served as they are by the FHIR API, :mod:`kiosk.server.fhir.questionnaire`)."""
    from kiosk.config import ConfigError, read_config_file

    try:
        config = read_config_file(path)
    except ConfigError as exc:
        raise PortalFileError(exc.problems) from None
    found: dict[str, dict[str, Any]] = {}
    for portal in config.portals:
        for entry in portal.questionnaires:
            data = _read_questionnaire(entry.file)
            found[_canonical(data)] = data
    return found


def portals_from_kiosk_config(path: Path) -> dict[str, PortalIn]:
    """The portals of the kiosk configuration at *path*."""
    from kiosk.config import ConfigError, read_config_file

    try:
        config = read_config_file(path)
    except ConfigError as exc:
        raise PortalFileError(exc.problems) from None
    return portals_from_config(config)


def sync_kiosk_portals(sessions: sessionmaker[Session], config: KioskConfig) -> list[str]:
    """Store *config*'s portals on the server wherever the server's differ; the names stored.

    The embedded server calls this each time the kiosk connects, so it knows the kiosk's
    portals from the first visit on, and again whenever the kiosk configuration changed
    (a consent text, a questionnaire, a department). Task rules set on the server are kept;
    a portal new to the server gets :data:`DEFAULT_TASK_RULES`.
    """
    wanted = portals_from_config(config)
    stored: list[str] = []
    with sessions() as session:
        for name, portal in wanted.items():
            existing = portal_config(session, name)
            if existing is not None:
                portal = portal.model_copy(update={"tasks": existing.tasks})
                if existing == portal.stored():
                    continue
            put_portal(session, name, portal)
            stored.append(name)
        session.commit()
    return stored


def portals_from_config(config: KioskConfig) -> dict[str, PortalIn]:
    """The portals of a kiosk configuration already read (its files are read here)."""
    portals: dict[str, PortalIn] = {}
    for portal in config.portals:
        consents = []
        for consent in portal.consents:
            texts = {}
            for language, text_path in consent.text.items():
                try:
                    texts[language] = text_path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    raise PortalFileError([f"{text_path}: {exc}"]) from None
            consents.append(
                {
                    "form_id": consent.id,
                    "title": consent.title,
                    "renewal_interval_days": consent.renewal_interval_days,
                    "texts": texts,
                }
            )
        questionnaires = []
        for entry in portal.questionnaires:
            canonical, title = _questionnaire(entry.file)
            questionnaires.append(
                {
                    "questionnaire": canonical,
                    "title": title,
                    "order_item": entry.order_item,
                    "document_type": entry.document_type,
                    "chart_tab": entry.chart_tab,
                }
            )
        portals[portal.name] = PortalIn.model_validate(
            {
                "title": portal.title,
                "applicant_department": portal.applicant_department,
                "consents": consents,
                "questionnaires": questionnaires,
                "tasks": [rule.model_dump() for rule in DEFAULT_TASK_RULES],
            }
        )
    return portals
