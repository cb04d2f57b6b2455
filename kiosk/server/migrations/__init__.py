"""Alembic migrations of the kiosk-server schema; run them with :mod:`kiosk.server.migrate`."""
