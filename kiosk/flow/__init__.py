"""The visit without Textual: its plan (step kinds and sequences), what the visitor typed, names."""
