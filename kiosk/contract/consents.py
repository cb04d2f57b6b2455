"""What a consent signature records of the text that was signed: its version.

The terminal computes it from the text it shows, the reference server from the text a
portal is configured with; a signature is on the current text when the two are equal.
"""

from __future__ import annotations

import hashlib


def consent_version(text: str) -> str:
    """The version of a consent text: ``sha256:`` and the hex digest of its exact words."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
