"""Lengths per example against the export's token budget (issue 26): a record's token count
sums its examples, so the budget is checked per example, overall and per task."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

import curate
from curate.report import collect, html, terminal
from tests.conftest import ROOT
from tests.test_tokens import make_tokenizer


def test_lengths_per_example_and_task_against_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    ws = tmp_path / "ws"
    curate.ingest(["sample_data/tickets"], "tickets", ws)
    tok = make_tokenizer(tmp_path / "tok")
    curate.export(ws, out=tmp_path / "full", tokenizer=str(tok))
    full = collect(ws)["lengths"]["examples"]
    budget = int(full["tokens"]["p50"])
    curate.export(
        ws, out=tmp_path / "out", tokenizer=str(tok), max_tokens=budget, over_length="trim"
    )
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    facts = collect(ws)
    x = facts["lengths"]["examples"]
    assert x["unit"] == "examples" and x["budget"] == budget
    assert x["examples"] == manifest["examples"]
    assert sum(t["examples"] for t in x["tasks"].values()) == x["examples"]
    assert len(x["tasks"]) >= 2  # resolve + conversation
    assert x["tokens"]["max"] <= budget and x["over_budget"] == 0
    assert x["trimmed"] > 0 and x["trimmed"] + x["dropped_over_length"] > 0
    shortened = x["cases"]["shortened"]  # listed with their source lines, longest first
    assert shortened and shortened[0]["source"].startswith("sample_data/tickets/")
    assert [c["tokens"] for c in shortened] == sorted(
        (c["tokens"] for c in shortened), reverse=True
    )
    assert all(c["reason"] == "trim" for c in shortened)
    # the per-record figures count records, not examples
    records = facts["records"]["outcomes"]["exported"]
    assert facts["lengths"]["tokens"]["all"]["count"] == records <= x["examples"]
    con = Console(record=True, width=120, color_system=None)
    con.print(terminal._lengths(facts))
    out = con.export_text()
    assert f"Lengths per example (tokens; budget {budget:,})" in out
    assert (
        "Lengths per record" in out
        and "tokens all" in out
        and "resolve" in out
        and "conversation" in out
    )
    assert f"{x['trimmed']:,} trimmed to fit" in out
    page = html._lengths(facts)
    assert "Lengths per example (tokens)" in page and "Tokens per record" in page
