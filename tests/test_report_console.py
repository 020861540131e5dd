"""The console without a terminal (issue 26.5): progress lines for logs and pipes, and paths
in messages without `..` detours."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import curate
from curate.cli import main
from curate.cli._common import LogProgress, tidy_path
from curate.cli.run_cmd import Heartbeat
from tests.conftest import ROOT


def test_tidy_path_drops_dot_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert tidy_path("sample_data/../curate-work/tickets/adapter") == "curate-work/tickets/adapter"
    assert tidy_path(tmp_path / "a" / ".." / "b") == "b"
    outside = tmp_path.parent / "elsewhere"
    assert tidy_path(tmp_path / ".." / "elsewhere") == str(outside)


def test_log_progress_lines_with_rate_and_eta() -> None:
    now = [0.0]
    lines: list[str] = []
    p = LogProgress(
        "ingest", "rows", enabled=True, every_s=10, clock=lambda: now[0], echo=lines.append
    )
    for t, done in ((5, 500), (10, 1_000), (15, 1_500), (20, 2_000)):
        now[0] = t
        p.update(done, 4_000)
    p.close()
    assert lines == [
        "ingest: 1,000/4,000 rows (25%), 100 rows/s, ETA 30s",
        "ingest: 2,000/4,000 rows (50%), 100 rows/s, ETA 20s",
        "ingest: 2,000/4,000 rows (50%), 100 rows/s, ETA 20s, done",
    ]
    quiet: list[str] = []
    q = LogProgress("dedupe", "records", enabled=False, clock=lambda: now[0], echo=quiet.append)
    q.update(10**6)
    q.close()
    assert quiet == []  # on a terminal the bar shows progress


def test_heartbeat_says_which_stage_still_runs(capsys: pytest.CaptureFixture[str]) -> None:
    beat = Heartbeat(enabled=True, every_s=0.05)
    beat.start("train")
    time.sleep(0.3)
    beat.stop()
    err = capsys.readouterr().err
    assert err.count("train: still running, 0m00s elapsed") >= 2
    Heartbeat(enabled=False, every_s=0.01).start("train")
    time.sleep(0.05)
    assert capsys.readouterr().err == ""


def test_run_prints_the_adapter_path_normalized(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`curate run` printed `adapter in sample_data/../curate-work/tickets/adapter`."""
    monkeypatch.chdir(tmp_path)
    ws = tmp_path / "curate-work" / "tickets"
    curate.ingest([str(ROOT / "sample_data/tickets/ibm_customer_care_sample.json")], "tickets", ws)
    run_module = sys.modules["curate.run"]

    def fake_run(config: str, **kw: Any) -> Any:
        kw["on_stage"]("ingest", "running")
        kw["on_stage"]("ingest", "done")
        return run_module.RunResult(
            workspace=str(ws),
            train_summary={
                "steps": 3,
                "first_eval_loss": 2.0,
                "last_eval_loss": 1.5,
                "tokens_per_s": 100.0,
                "adapter": "sample_data/../curate-work/tickets/adapter",
            },
        )

    monkeypatch.setattr(run_module, "run", fake_run)
    res = CliRunner().invoke(main, ["run", "curate.toml"])
    assert res.exit_code == 0, res.output
    assert "adapter in curate-work/tickets/adapter" in " ".join(res.stderr.split())
    assert "sample_data/.." not in res.output + res.stderr
