"""The wire contract: the request and response bodies of the API a terminal calls.

One definition for both sides. The reference server (:mod:`kiosk.server`) validates
requests with these models and answers with them, so its OpenAPI document is made from
them; the kiosk's client (:mod:`kiosk.backend.client`) reads the answers with the same
models and shapes its requests by their fields. Nothing here imports the server, Textual
or a database: only pydantic, the login rules and the field types of
:mod:`kiosk.contract.wire.fields`.

- :mod:`~kiosk.contract.wire.applicant`: ``POST /v1/applicants`` and the consents and
  documents every visit files;
- :mod:`~kiosk.contract.wire.pickup`: the pickup-code routes, and what is due on a chart;
- :mod:`~kiosk.contract.wire.returning`: a returning visitor's sign-in and visit;
- :mod:`~kiosk.contract.wire.service`: health and the error body.

The staff (admin) routes' bodies are the server's own (:mod:`kiosk.server.schemas_staff`):
no terminal calls them.
"""
