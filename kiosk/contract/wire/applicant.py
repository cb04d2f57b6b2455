"""The applicant visit's bodies: ``POST /v1/applicants`` and the consents and documents that
every visit files (the pickup and returning visits send them too)."""

from __future__ import annotations

from pydantic import Field

from kiosk.contract.wire.fields import (
    MAX_CONSENTS,
    MAX_DOCUMENTS,
    Answer,
    Language,
    Name,
    QuestionnaireResponse,
    Request,
    Text,
    Timestamp,
    TypedName,
)


class ConsentIn(Request):
    form_id: Text = Field(description="A consent form of the portal.")
    title: Text | None = Field(
        default=None,
        description="The form's title as shown with the signed text, in *language*: kept when"
        " *version* is the server's text of the form in *language*; otherwise the server's"
        " title of the form is recorded.",
    )
    version: Text = Field(
        description="The form's current text version in *language* (`sha256:` + hex)."
    )
    language: Language
    typed_name: TypedName
    signed_at: Timestamp


_FROM_PORTAL = (
    "Optional: the server files the document as the portal configures it; a value"
    " that differs from the portal's is refused."
)


class DocumentIn(Request):
    questionnaire: Text = Field(
        description="Canonical URL of the questionnaire, `url|version`: one configured on"
        " the portal (or assigned to the chart)."
    )
    title: Text | None = Field(
        default=None, description="Ignored: the server's title of the questionnaire is filed."
    )
    order_item: Text | None = Field(default=None, description=_FROM_PORTAL)
    document_type: Text | None = Field(default=None, description=_FROM_PORTAL)
    chart_tab: Text | None = Field(default=None, description=_FROM_PORTAL)
    response: QuestionnaireResponse = Field(
        description='A FHIR R4 QuestionnaireResponse with status "completed".'
    )


class ApplicantIn(Request):
    """One applicant's visit: who, where, the consents signed and the questionnaires filled."""

    terminal: Text | None = Field(
        default=None,
        description="Optional: the chart is filed under the token's terminal; another name is"
        " refused.",
    )
    portal: Text = Field(
        description="A portal configured on the server (and allowed for the token)."
    )
    department: Text | None = Field(
        default=None,
        description="Optional: the portal's applicant department is filed; another is refused.",
    )
    first_name: Name
    last_name: Name
    language: Language
    consents: list[ConsentIn] = Field(max_length=MAX_CONSENTS)
    documents: list[DocumentIn] = Field(max_length=MAX_DOCUMENTS)


class ApplicantCreated(Answer):
    chart_id: int
    reference: str
    created: bool
