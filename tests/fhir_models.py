"""Validation of FHIR R4 JSON with fhir.resources' R4B models, around one gap in them.

FHIR lets any primitive carry extensions, including the value of an Extension
(``"_valueDate": {"extension": [...]}`` beside or instead of ``valueDate``: a minValue given by
``cqf-calculatedValue``, a message's ``translation``). fhir.resources has no field for those
on Extension and refuses them as extra inputs. :func:`validate_fhir` validates each such element
on its own as an Element, then the resource without them.
"""

from __future__ import annotations

import copy
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.element import Element


def validate_fhir(resource: dict[str, Any]) -> Any:
    """The fhir.resources model of *resource*; raises unless it is valid FHIR."""
    resource = copy.deepcopy(resource)
    _check_extension_primitives(resource)
    return get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def _check_extension_primitives(node: Any) -> None:
    if isinstance(node, list):
        for value in node:
            _check_extension_primitives(value)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in ("extension", "modifierExtension") and isinstance(value, list):
                for extension in value:
                    if isinstance(extension, dict):
                        for name in [k for k in extension if k.startswith("_value")]:
                            Element.model_validate(extension.pop(name))
            _check_extension_primitives(value)
