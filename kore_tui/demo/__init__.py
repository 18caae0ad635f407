"""A local server that speaks the platform's contact API, with deterministic demo data."""
