"""Talking to the backend: the HTTP client, the encrypted outbox and its delivery, and the
embedded reference server (:mod:`kiosk.backend.embedded`, for the composition root only)."""
