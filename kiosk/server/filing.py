"""What the server's portal configuration decides about a filing, never the request body.

A document is filed as its questionnaire is configured on the portal (keyed by the
canonical URL and version, ``url|version``): title, order item, document type and chart
tab come from there. A consent signature must name a form of the portal at a text version
the server knows, in the language signed; the form's title comes from the server too.
The body may repeat the configured values (the kiosk does), but one that differs is
refused: the terminal and the server disagree about the portal, and staff should know.

Every problem is reported with its place in the body (``loc``) and why (``msg``), all at
once, as :class:`Refused`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kiosk.contract.wire.applicant import ConsentIn, DocumentIn
from kiosk.server.portals import PortalConfig, QuestionnaireSpec

Loc = tuple[str | int, ...]

FILED_FIELDS = ("order_item", "document_type", "chart_tab")
"""Fields of a document the body may repeat but never decide."""


@dataclass(frozen=True)
class Problem:
    """One refused field: where it is in the body, and why."""

    loc: Loc
    msg: str
    type: str = "value_error"

    def as_json(self) -> dict[str, Any]:
        return {"type": self.type, "loc": list(self.loc), "msg": self.msg}


class Refused(Exception):
    """The request is well-formed but the server's configuration refuses it (422)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, p.loc))}: {p.msg}" for p in problems))
        self.problems = list(problems)


def portal_department(portal: PortalConfig) -> str:
    """The department an applicant chart of *portal* is filed under."""
    return portal.applicant_department or portal.title


def document_problems(
    portal: PortalConfig, documents: Sequence[DocumentIn], where: Loc = ("body", "documents")
) -> list[Problem]:
    """Why each document cannot be filed on *portal* as sent (empty: all can)."""
    problems = []
    for index, doc in enumerate(documents):
        here = (*where, index)
        spec = portal.questionnaire(doc.questionnaire)
        if spec is None:
            problems.append(
                Problem(
                    (*here, "questionnaire"),
                    "not a questionnaire of this portal (give its canonical url|version)",
                    "unknown_questionnaire",
                )
            )
            continue
        for field in FILED_FIELDS:
            sent = getattr(doc, field)
            configured = getattr(spec, field)
            if sent is not None and sent != configured:
                problems.append(
                    Problem(
                        (*here, field),
                        f"the portal files this questionnaire with {field} {configured!r}",
                        "not_configured",
                    )
                )
    return problems


def consent_problems(
    portal: PortalConfig | None, consents: Sequence[ConsentIn], where: Loc = ("body", "consents")
) -> list[Problem]:
    """Why each consent cannot be recorded against *portal*'s forms (empty: all can).

    Each must name a form of the portal, once, at the form's current version in the
    language it was signed in.
    """
    problems = []
    seen: set[str] = set()
    for index, consent in enumerate(consents):
        here = (*where, index)
        form = None if portal is None else portal.consent(consent.form_id)
        if form is None:
            problems.append(
                Problem(
                    (*here, "form_id"),
                    f"{consent.form_id!r} is not a consent form of this portal",
                    "unknown_consent",
                )
            )
            continue
        if consent.form_id in seen:
            problems.append(
                Problem((*here, "form_id"), f"{consent.form_id!r} is signed twice", "duplicate")
            )
            continue
        seen.add(consent.form_id)
        current = form.versions.get(consent.language)
        if current is None:
            problems.append(
                Problem(
                    (*here, "language"),
                    f"the form has no text in {consent.language!r}",
                    "unknown_language",
                )
            )
        elif current != consent.version:
            problems.append(
                Problem(
                    (*here, "version"),
                    "not a text version of this form the server knows; sign the current version",
                    "unknown_version",
                )
            )
    return problems


def filed_spec(portal: PortalConfig, doc: DocumentIn) -> QuestionnaireSpec:
    """How *doc* is filed (check :func:`document_problems` first)."""
    spec = portal.questionnaire(doc.questionnaire)
    assert spec is not None, "document_problems was not checked"
    return spec


def consent_title(portal: PortalConfig | None, consent: ConsentIn) -> str:
    """The title a signature of *consent* is recorded with.

    The server's title of the form, unless the signature names a text version the server knows in
    the language signed: then the title the visitor saw with that text (in their language) is
    kept, since the server keeps one title per form. Anything else never reaches here
    (:func:`consent_problems` refuses it)."""
    form = None if portal is None else portal.consent(consent.form_id)
    if form is None:
        return consent.title or consent.form_id
    if consent.title and form.versions.get(consent.language) == consent.version:
        return consent.title
    return form.title
