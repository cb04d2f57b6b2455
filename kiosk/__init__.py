"""Lobby Kiosk: applicant sign-in and pickup codes at a lobby terminal.

Kept import-free so that ``kiosk --version`` and start-up stay fast.
"""

__version__ = "0.1.0"
