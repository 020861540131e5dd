"""`curate run` never deletes what it did not make, and never trusts its cache over the files.

Issue 17 items 1 (`[train] out`), 11 (skip only intact outputs; exit 1 on broken accounting)
and 15 (`rules = "none"`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from curate.cli import main
from curate.errors import ConfigError, CurateError
from curate.run import run
from curate.workspace import CREATED_MARKER
from tests.conftest import SAMPLE

DATA = SAMPLE / "tickets" / "helpdesk_tickets.csv"

CONFIG = """
workspace = "ws"
[ingest]
paths = ["{data}"]
schema = "tickets"
rules = "{rules}"
[dedupe]
threshold = 0.8
[export]
out = "ws/export"
[report]
html = "ws/report.html"
"""

TRAIN = """
[train]
model = "no-such-model"
out = "{out}"
"""


def write_config(
    tmp: Path, *, rules: str = "default", train_out: str | None = None, data: Path = DATA
) -> Path:
    cfg = tmp / "curate.toml"
    text = CONFIG.format(data=data, rules=rules)
    if train_out is not None:
        text += TRAIN.format(out=train_out)
    cfg.write_text(text, "utf-8")
    return cfg


# -- item 1: [train] out -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("out", "message"),
    [
        (
            "data",
            "[train] out = 'data' ({tmp}/data) is not empty and was not made by curate run "
            f"(no {CREATED_MARKER} file in it); curate never deletes a folder it did not make",
        ),
        (".", "[train] out = '.' ({tmp}) is or contains the workspace ({tmp}/ws)"),
        ("ws", "[train] out = 'ws' ({tmp}/ws) is or contains the workspace ({tmp}/ws)"),
        (
            "ws/export",
            "[train] out = 'ws/export' ({tmp}/ws/export) is or contains "
            "the workspace's export folder ({tmp}/ws/export)",
        ),
    ],
)
def test_run_refuses_to_delete_foreign_train_out(tmp_path: Path, out: str, message: str) -> None:
    (tmp_path / "data").mkdir()
    precious = tmp_path / "data" / "tickets.csv"
    precious.write_text("keep me\n")
    cfg = write_config(tmp_path, train_out=out)
    with pytest.raises(ConfigError) as exc:
        run(cfg)
    assert exc.value.message == message.format(tmp=tmp_path)
    assert precious.read_text() == "keep me\n"
    assert (tmp_path / "ws" / "stages.jsonl").exists()
    assert (tmp_path / "ws" / "export" / "train.jsonl").exists()
    assert cfg.exists()
    res = CliRunner().invoke(main, ["run", str(cfg)])
    assert res.exit_code == 2
    assert f"Error: {message.format(tmp=tmp_path)}" in res.stderr
    assert precious.read_text() == "keep me\n"


def test_run_refuses_train_out_that_is_an_input(tmp_path: Path) -> None:
    data = tmp_path / "inputs" / "tickets.csv"  # a copy: a regression must not delete the repo's
    data.parent.mkdir()
    data.write_bytes(DATA.read_bytes())
    cfg = write_config(tmp_path, train_out=str(data.parent), data=data)
    with pytest.raises(ConfigError) as exc:
        run(cfg)
    assert exc.value.message == (
        f"[train] out = '{data.parent}' ({data.parent}) is or contains the input {data} ({data})"
    )
    assert data.read_bytes() == DATA.read_bytes()


def test_run_recreates_only_a_train_out_it_made(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, train_out="adapter")
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / CREATED_MARKER).write_text("made by curate run\n")
    (adapter / "old-checkpoint.bin").write_text("stale")
    # The model does not exist, so training fails, but only after the folder was made afresh.
    with pytest.raises(CurateError):
        run(cfg)
    assert not (adapter / "old-checkpoint.bin").exists()
    assert (adapter / CREATED_MARKER).is_file()
    # An empty folder is used too, and gets the marker.
    other = tmp_path / "empty"
    other.mkdir()
    cfg = write_config(tmp_path, train_out="empty")
    with pytest.raises(CurateError):
        run(cfg)
    assert (other / CREATED_MARKER).is_file()


# -- item 11: skip only what is intact, exit 1 when the accounting is broken ---------------


def test_run_reruns_export_after_its_folder_is_deleted(tmp_path: Path) -> None:
    import shutil

    cfg = write_config(tmp_path)
    run(cfg)
    export = tmp_path / "ws" / "export"
    train = (export / "train.jsonl").read_bytes()
    shutil.rmtree(export)
    again = run(cfg)
    assert again.skipped == ["ingest", "dedupe"]
    assert (export / "train.jsonl").read_bytes() == train


def test_run_reruns_export_after_train_jsonl_is_edited(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    run(cfg)
    path = tmp_path / "ws" / "export" / "train.jsonl"
    train = path.read_bytes()
    path.write_bytes(train[: len(train) // 2])
    again = run(cfg)
    assert again.skipped == ["ingest", "dedupe"]
    assert path.read_bytes() == train
    # A changed workspace table re-runs its stage and everything after it.
    records = tmp_path / "ws" / "ingest" / "records.parquet"
    records.write_bytes(records.read_bytes() + b"x")
    assert run(cfg).skipped == []


def test_run_exits_1_when_its_report_finds_accounting_broken(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    assert run(cfg).accounting_ok is True
    log = tmp_path / "ws" / "stages.jsonl"
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    for e in entries:
        if e["stage"] == "dedupe":
            e["counts"]["kept"] += 1  # the log no longer matches the tables
    log.write_text("".join(json.dumps(e, sort_keys=True) + "\n" for e in entries))
    res = CliRunner().invoke(main, ["run", str(cfg)])
    assert res.exit_code == 1, res.output
    report = CliRunner().invoke(main, ["report", "-w", str(tmp_path / "ws")])
    assert report.exit_code == 1
    first = next(line for line in report.stderr.splitlines() if line.startswith("Error:"))
    assert first in res.stderr.splitlines()


# -- item 15 (part): rules = "none" ----------------------------------------------------------


def test_run_with_rules_none(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, rules="none")
    result = run(cfg)
    assert result.skipped == []
    assert not (tmp_path / "ws" / "ingest" / "rules.json").exists()
    assert run(cfg).skipped == ["ingest", "dedupe", "export"]


# -- item 17: python -m -------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("module", ["curate", "curate.cli"])
def test_python_dash_m_entries_run_the_cli(module: str, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from curate import __version__
    from tests.conftest import ROOT

    res = subprocess.run(
        [sys.executable, "-m", module, "schemas", "list"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 0, res.stderr
    assert "tickets" in res.stdout
    res = subprocess.run(
        [sys.executable, "-m", module, "--version"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.stdout == f"curate, version {__version__}\n"
