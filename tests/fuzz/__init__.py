"""Fuzz suite: seeded generators of malformed and valid inputs run through the real CLI.

See docs/fuzz.md. Every case is deterministic (case id -> bytes), so a failure names a case
that reproduces anywhere: ``CURATE_FUZZ_CASE=json-17 pytest tests/fuzz``.
"""
