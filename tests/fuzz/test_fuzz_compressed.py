"""Fuzz cases of the compressed family (tests/fuzz/suite.py): no crash, exit 0 or 2, accounting holds
with the generator's row count, inputs untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.suite import batches, run_batch

pytestmark = pytest.mark.fuzz


@pytest.mark.parametrize(("start", "stop"), batches("compressed"), ids=lambda v: str(v))
def test_fuzz_compressed(start: int, stop: int, tmp_path: Path) -> None:
    run_batch("compressed", start, stop, tmp_path)
