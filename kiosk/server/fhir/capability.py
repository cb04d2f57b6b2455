"""The CapabilityStatement at ``metadata``: built from the registry, so it lists exactly
the resource types, interactions, search parameters, includes and operations served."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kiosk import __version__
from kiosk.server.fhir.registry import KINDS
from kiosk.server.fhir.systems import instant

BULK_EXPORT = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"
PATIENT_EXPORT = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export"
BULK_CAPABILITY = "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"


def capability_statement(base_url: str, published: datetime) -> dict[str, Any]:
    resources = []
    for name, kind in KINDS.items():
        entry: dict[str, Any] = {
            "type": name,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "versioning": "no-version",
            "readHistory": False,
            "searchParam": [
                {
                    "name": param.name,
                    **({"definition": param.definition} if param.definition else {}),
                    "type": param.type.value,
                    "documentation": param.documentation,
                }
                for param in kind.search_params().values()
            ],
        }
        if kind.includes:
            entry["searchInclude"] = [f"{name}:{param}" for param in kind.includes]
        if name == "Patient":
            entry["operation"] = [{"name": "export", "definition": PATIENT_EXPORT}]
        resources.append(entry)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": instant(published),
        "publisher": "Lobby Kiosk",
        "kind": "instance",
        "instantiates": [BULK_CAPABILITY],
        "software": {"name": "kiosk-server", "version": __version__},
        "implementation": {
            "description": "Lobby Kiosk reference server: read-only FHIR R4 API",
            "url": base_url,
        },
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Read-only. Search parameters other than those listed, and _count,"
                    " _include, _summary=count and _format=json, are refused with an"
                    " OperationOutcome. Results are paged by next links."
                ),
                "security": {
                    "description": (
                        "A bearer token made with `kiosk-server token create --fhir-read NAME`"
                        " (or an admin token) in the Authorization header; terminal tokens"
                        " are refused (403)."
                    ),
                },
                "resource": resources,
                "operation": [{"name": "export", "definition": BULK_EXPORT}],
            }
        ],
    }
