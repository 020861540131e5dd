"""Shared fixtures: every test runs with curate's cache and home in a temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Timing is not what hypothesis tests check here; CI machines are small and shared.
settings.register_profile("curate", deadline=None, max_examples=60)
settings.load_profile("curate")

ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata"
SAMPLE = ROOT / "sample_data"


@pytest.fixture(autouse=True)
def _isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CURATE_DEBUG", "")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    if "CURATE_CACHE" not in os.environ:
        monkeypatch.setenv("CURATE_CACHE", str(tmp_path_factory.getbasetemp() / "curate-cache"))


def realdata(*parts: str) -> Path:
    path = REALDATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path}")
    return path
