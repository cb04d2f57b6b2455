"""Validating a configuration file's data with pydantic (imported only here).

:func:`validate_config` turns the TOML data into a :class:`kiosk.config.KioskConfig`, or
raises :class:`kiosk.config.ConfigError` listing every problem as ``path.to.field: reason``.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from kiosk.config import ConfigError, KioskConfig

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

# pydantic's wording for a dataclass's unknown key, said as it is for a model's.
_REASONS = {"unexpected_keyword_argument": "Extra inputs are not permitted"}


@cache
def _adapter() -> TypeAdapter[KioskConfig]:
    return TypeAdapter(KioskConfig)


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(file)"


def _reason(error: ErrorDetails) -> str:
    return _REASONS.get(error["type"], str(error["msg"]).removeprefix("Value error, "))


def _spelled_as_documented(data: Any) -> Any:
    """The data with the two spellings the file may use made one: ``color`` is ``colour``,
    and a consent's single ``text`` file is its English text."""
    if not isinstance(data, dict) or not isinstance(data.get("portals"), list):
        return data
    portals = []
    for portal in data["portals"]:
        if isinstance(portal, dict):
            if "color" in portal and "colour" not in portal:
                portal = {k if k != "color" else "colour": v for k, v in portal.items()}
            if isinstance(portal.get("consents"), list):
                consents = [
                    {**c, "text": {"en": c["text"]}}
                    if isinstance(c, dict) and isinstance(c.get("text"), str)
                    else c
                    for c in portal["consents"]
                ]
                portal = {**portal, "consents": consents}
        portals.append(portal)
    return {**data, "portals": portals}


def validate_config(data: dict[str, Any]) -> KioskConfig:
    """*data* as a :class:`KioskConfig`; :class:`ConfigError` with every problem otherwise."""
    try:
        return _adapter().validate_python(_spelled_as_documented(data))
    except ValidationError as exc:
        raise ConfigError(
            [f"{_field_path(err['loc'])}: {_reason(err)}" for err in exc.errors()]
        ) from None
