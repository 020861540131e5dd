"""The ``[eval]`` stage of `curate run`: after [train], on a tiny random model trained here,
it writes eval/summary.json, is cached while nothing it reads changes, and runs again (with
export and train) when the export changes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("peft")

from test_train_masking import build_model_dir

from curate.run import run
from curate.workspace import Workspace
from tests.conftest import SAMPLE

CONFIG = """
workspace = "ws"
[ingest]
paths = ["tickets.csv"]
schema = "tickets"
rules = "default"
[dedupe]
enabled = false
[export]
out = "ws/export"
val_fraction = {val_fraction}
seed = 0
[train]
model = "{model}"
out = "adapter"
max_steps = 2
batch_size = 2
max_tokens = 256
eval_every = 0
samples = 0
device = "cpu"
[eval]
split = "val"
max_new_tokens = 3
batch_size = 4
limit = 3
resamples = 100
device = "cpu"
"""


def write(tmp: Path, model: Path, val_fraction: float) -> Path:
    cfg = tmp / "curate.toml"
    cfg.write_text(CONFIG.format(model=model, val_fraction=val_fraction), "utf-8")
    return cfg


@pytest.mark.slow
def test_eval_stage_runs_after_train_is_cached_and_follows_the_export(tmp_path: Path) -> None:
    with open(SAMPLE / "tickets" / "helpdesk_tickets.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))[:41]  # the header and 40 tickets: seconds, not minutes
    # descriptions and resolutions cut short: the test tokenizer has 400 tokens, the model 256
    # positions, and full tickets sat on that limit (which of them fit moved with redaction)
    cols = [rows[0].index("Ticket Description"), rows[0].index("Resolution")]
    rows[1:] = [[v[:40] if k in cols else v for k, v in enumerate(r)] for r in rows[1:]]
    with open(tmp_path / "tickets.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    model = build_model_dir(tmp_path / "models", "chatml")
    cfg = write(tmp_path, model, 0.2)
    summary_path = tmp_path / "ws" / "eval" / "summary.json"

    lines: list[tuple[str, str]] = []
    first = run(cfg, on_progress=lambda stage, line: lines.append((stage, line)))
    assert "eval" in first.stages and "eval" not in first.skipped
    # the stage reports as it goes: phases, and a line per generation batch of each system
    assert ("eval", "eval: tuned: generating") in lines
    assert any(line.startswith("eval adapter: generated 3/3 answers") for _, line in lines)
    assert any(line.startswith("eval base: generated 3/3 answers") for _, line in lines)
    summary = json.loads(summary_path.read_text("utf-8"))
    assert summary["split"] == "val" and summary["examples"] == 3
    assert summary["systems"] == ["tuned", "base"]
    assert first.eval_summary is not None and first.eval_summary["examples"] == 3
    entry = Workspace(tmp_path / "ws").last_entry("eval")
    assert entry is not None and entry["counts"] == {"evaluated": 3}

    second = run(cfg)
    assert {"export", "train", "eval"} <= set(second.skipped)
    assert json.loads(summary_path.read_text("utf-8")) == summary

    changed = run(write(tmp_path, model, 0.3))  # another split: another val set to score
    assert not {"export", "train", "eval"} & set(changed.skipped)
    again = Workspace(tmp_path / "ws").last_entry("eval")
    assert again is not None and again["finished_at"] >= entry["finished_at"]
    assert again["inputs"] != entry["inputs"]  # it scored the new val.jsonl
