"""Workspace helpers: atomic writes."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from curate.workspace import atomic_path, write_json


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_atomic_write_has_the_mode_of_a_plain_open(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    with atomic_path(tmp_path / "out" / "train.jsonl") as tmp:
        tmp.write_text("{}\n")
    written = tmp_path / "out" / "train.jsonl"
    assert written.read_text() == "{}\n"
    assert _mode(written) == _mode(plain)
    assert _mode(write_json({"a": 1}, tmp_path / "m.json")) == _mode(plain)


def test_atomic_write_leaves_nothing_when_the_block_fails(tmp_path: Path) -> None:
    target = tmp_path / "t.json"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("partial")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_rerunning_export_or_train_drops_the_eval_entry(tmp_path: Path) -> None:
    """eval scored one export with one adapter: once either is re-made its entry is stale."""
    from curate.workspace import StageResult, Workspace

    ws = Workspace(tmp_path / "ws").create()

    def log(stage: str) -> None:
        ws.log_stage(StageResult(stage=stage, workspace=str(ws.path)))

    def logged() -> list[str]:
        return [e["stage"] for e in ws.entries()]

    for stage in ("ingest", "export", "train", "eval", "report"):
        log(stage)
    log("export")
    assert logged() == ["ingest", "train", "report", "export"]
    log("eval")
    log("train")
    assert logged() == ["ingest", "report", "export", "train"]
    log("eval")
    log("report")  # a later stage leaves eval alone
    assert logged() == ["ingest", "export", "train", "eval", "report"]
