"""One run at a time per workspace (issue 17 item 13): real processes contend for WS/.lock."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from curate.errors import WorkspaceError
from curate.run import run
from curate.workspace import Workspace
from tests.conftest import ROOT, SAMPLE

CONFIG = f"""
workspace = "ws"
[ingest]
paths = ["{SAMPLE / "tickets" / "helpdesk_tickets.csv"}"]
schema = "tickets"
rules = "none"
[export]
out = "ws/export"
[report]
html = ""
"""

# Holds the workspace lock the way a running stage does, until stdin closes (or `seconds`).
HOLDER = """
import sys, time
from curate.workspace import Workspace
with Workspace(sys.argv[1]).lock():
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _hold(ws: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(ws), str(seconds)],
        env=_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "locked\n"
    return proc


def _curate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "curate", *args],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_second_run_exits_2_naming_the_holder(tmp_path: Path) -> None:
    cfg = tmp_path / "curate.toml"
    cfg.write_text(CONFIG)
    ws = tmp_path / "ws"
    holder = _hold(ws, 60)
    try:
        res = _curate("run", str(cfg))
        ded = _curate("dedupe", "-w", str(ws))
    finally:
        holder.kill()
        holder.wait()
    assert res.returncode == 2, res.stderr
    first = res.stderr.splitlines()[0]
    assert re.fullmatch(
        rf"Error: workspace {re.escape(str(ws))} is in use by pid {holder.pid} "
        rf"\(`-c {re.escape(str(ws))} 60`\) since \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00",
        first,
    ), first
    assert res.stderr.splitlines()[1] == (
        "Hint: wait for that run to finish (`curate run --wait` waits for it), "
        "or use another workspace"
    )
    assert ded.returncode == 2 and ded.stderr.splitlines()[0] == first
    assert sorted(p.name for p in ws.iterdir()) == [".lock"]  # the refused run wrote nothing
    # The holder was killed: the kernel released its lock, so a run goes through.
    assert run(cfg).skipped == []


@pytest.mark.slow
def test_run_with_wait_queues_behind_the_holder(tmp_path: Path) -> None:
    cfg = tmp_path / "curate.toml"
    cfg.write_text(CONFIG)
    holder = _hold(tmp_path / "ws", 3)
    started = time.monotonic()
    res = _curate("run", "--wait", str(cfg))
    assert res.returncode == 0, res.stderr
    assert holder.wait() == 0
    assert time.monotonic() - started >= 2.5  # it waited for the holder to let go
    assert (tmp_path / "ws" / "export" / "train.jsonl").exists()


def test_lock_is_reentrant_within_a_process(tmp_path: Path) -> None:
    cfg = tmp_path / "curate.toml"
    cfg.write_text(CONFIG)
    ws = Workspace(tmp_path / "ws")
    with ws.lock(), Workspace(tmp_path / "ws" / ".." / "ws").lock():
        result = run(cfg)  # run and each stage take the lock again: no deadlock
    assert result.skipped == []


def test_lock_that_had_to_make_the_folder_leaves_none(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "new")
    with ws.lock():
        assert (tmp_path / "new" / ".lock").exists()
    assert not (tmp_path / "new").exists()
    (tmp_path / "file").write_text("x")
    with pytest.raises(WorkspaceError) as exc, Workspace(tmp_path / "file").lock():
        pass
    assert exc.value.message == f"workspace {tmp_path / 'file'}: exists and is not a directory"
