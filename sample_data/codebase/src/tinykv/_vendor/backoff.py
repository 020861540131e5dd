"""Exponential backoff, vendored from a third-party package (MIT)."""


def delays(base: float = 0.1, factor: float = 2.0, limit: int = 5):
    """Yield ``limit`` delays growing by ``factor`` from ``base``."""
    delay = base
    for _ in range(limit):
        yield delay
        delay *= factor
