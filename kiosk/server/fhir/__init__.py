"""A read-only FHIR R4 API under ``/fhir/R4``: every chart as standard resources.

Charts are Patients; filed documents are QuestionnaireResponses and DocumentReferences;
consent signatures are Consents; tasklist events are Tasks; portals' questionnaires,
provider organizations and departments, and terminals are Questionnaires, Organizations
and Devices. One module per resource mapping, :mod:`.search` for the search parameters,
:mod:`.bulk` for Bulk Data ``$export`` and :mod:`.router` for the routes.
"""
