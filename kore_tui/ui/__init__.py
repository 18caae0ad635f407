"""The Textual app. Everything the UI knows about the server comes through kore_tui.api models."""
