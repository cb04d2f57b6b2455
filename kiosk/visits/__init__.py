"""The app-side controllers of the pickup-code and returning-visitor visits (Textual)."""
