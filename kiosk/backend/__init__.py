"""Talking to the backend: the HTTP client, the encrypted outbox and its delivery."""
