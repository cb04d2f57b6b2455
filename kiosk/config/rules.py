"""Constraints on configuration fields, written beside the fields, applied by pydantic.

The configuration's classes are plain dataclasses so that a kiosk whose file has not
changed starts without importing pydantic (see :mod:`kiosk.config.cache`). A field's
limits are a :class:`Rule` in its ``Annotated`` type; pydantic reads it through the
``__get_pydantic_core_schema__`` hook when a file is validated
(:mod:`kiosk.config.validation`), and nothing reads it otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

_LIMITS = ("min_length", "max_length", "pattern", "gt", "ge", "le")


class Rule:
    """Limits on one field, as pydantic's ``Field`` takes them, and an optional *check*.

    *check* returns a problem (shown as the field's reason) or ``None`` when the value is fine.
    A plain class with slots, not a dataclass: some twenty are made as the configuration's
    module loads, on every start, and a dataclass's methods would be made (through ``exec``)
    with them.
    """

    __slots__ = (*_LIMITS, "check")

    def __init__(
        self,
        *,
        min_length: int | None = None,
        max_length: int | None = None,
        pattern: str | None = None,
        gt: float | None = None,
        ge: float | None = None,
        le: float | None = None,
        check: Callable[[Any], str | None] | None = None,
    ) -> None:
        self.min_length = min_length
        self.max_length = max_length
        self.pattern = pattern
        self.gt = gt
        self.ge = ge
        self.le = le
        self.check = check

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic import Field
        from pydantic_core import core_schema

        limits = {name: value for name in _LIMITS if (value := getattr(self, name)) is not None}
        schema = (
            handler.generate_schema(Annotated[source, Field(**limits)])
            if limits
            else handler(source)
        )
        if self.check is None:
            return schema
        check = self.check

        def checked(value: Any) -> Any:
            problem = check(value)
            if problem is not None:
                raise ValueError(problem)
            return value

        return core_schema.no_info_after_validator_function(checked, schema)
