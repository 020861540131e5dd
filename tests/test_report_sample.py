"""Golden report facts for the tickets sample run through ingest, dedupe and export."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import curate
from curate.report import collect
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "data" / "report" / "golden_sample_tickets.json"
VOLATILE = ("run",)  # timings, versions and absolute paths of this machine


def _facts(ws: Path) -> dict[str, Any]:
    facts = collect(ws)
    return json.loads(
        json.dumps(
            {k: v for k, v in facts.items() if k not in VOLATILE}, default=str, sort_keys=True
        )
    )


def test_golden_facts_on_sample_tickets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # sources are stored relative to the working directory
    ws = tmp_path / "ws"
    curate.ingest(["sample_data/tickets"], "tickets", ws)
    curate.dedupe(ws)
    curate.export(ws, out=tmp_path / "export", stratify="category")
    facts = _facts(ws)
    assert facts["accounting_ok"] is True
    # Rejected rows skip the rules; the report still must not show the names they carry.
    assert "Maria Lopez" not in json.dumps(facts)
    assert "[PERSON]" in json.dumps(facts["rejects"])
    if os.environ.get("CURATE_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(facts, indent=1, sort_keys=True) + "\n", "utf-8")
    assert facts == json.loads(GOLDEN.read_text("utf-8"))
