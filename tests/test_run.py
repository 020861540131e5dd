from __future__ import annotations

import hashlib
import importlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from curate.cli import main
from curate.config import load_config
from curate.errors import ConfigError
from curate.run import CACHE_FILE, run
from tests.conftest import ROOT, SAMPLE

run_module = importlib.import_module("curate.run")  # `curate.run` is also the function

CONFIG = """
workspace = "ws"
[ingest]
paths = ["{data}"]
schema = "tickets"
rules = "default"
[dedupe]
threshold = 0.8
[export]
out = "ws/export"
stratify = "category"
[report]
html = "ws/report.html"
"""


def write_config(tmp: Path, data: Path = SAMPLE / "tickets" / "helpdesk_tickets.csv") -> Path:
    cfg = tmp / "curate.toml"
    cfg.write_text(CONFIG.format(data=data), "utf-8")
    return cfg


def digest(folder: Path) -> dict[str, str]:
    """Hashes of the outputs that must not depend on how the run went (no logs or caches)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.suffix in (".parquet", ".jsonl") and p.name != "stages.jsonl":
            out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def test_run_then_cached(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    first = run(cfg)
    assert first.skipped == []
    assert (tmp_path / "ws" / "export" / "train.jsonl").exists()
    assert (tmp_path / "ws" / "report.html").exists()
    second = run(cfg)
    assert second.skipped == ["ingest", "dedupe", "export"]


def test_config_change_reruns_downstream_only(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    run(cfg)
    cfg.write_text(cfg.read_text().replace("threshold = 0.8", "threshold = 0.9"))
    again = run(cfg)
    assert again.skipped == ["ingest"]


def test_input_change_reruns_everything(tmp_path: Path) -> None:
    data = tmp_path / "t.csv"
    data.write_text((SAMPLE / "tickets" / "helpdesk_tickets.csv").read_text())
    cfg = write_config(tmp_path, data)
    run(cfg)
    data.write_text(
        data.read_text()
        + "5000,X,x@example.com,P,Technical issue,Late,My parcel is late again,Sent today,Low,Email,2024-01-01\n"
    )
    assert run(cfg).skipped == []


def test_code_change_reruns_its_stage_and_downstream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From a git checkout the version stays while the code changes (session 12's `make
    demo` skipped every stage with new rules): a stage's own code is in its key."""
    cfg = write_config(tmp_path)
    run(cfg)
    real = run_module.code_digest
    monkeypatch.setattr(
        run_module, "code_digest", lambda stage: "new" if stage == "dedupe" else real(stage)
    )
    assert run(cfg).skipped == ["ingest"]


def test_code_digest_follows_each_stages_files(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    for rel in ("rules/pii/engine.py", "rules/data/words.txt", "report/html.py", "schema.py"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel)
    (root / "rules" / "__pycache__").mkdir()
    (root / "rules" / "__pycache__" / "x.pyc").write_bytes(b"1")
    before = {s: run_module.code_digest(s, root) for s in ("ingest", "report")}
    run_module.code_digest.cache_clear()
    (root / "rules" / "__pycache__" / "x.pyc").write_bytes(b"2")  # a cache is not code
    assert run_module.code_digest("ingest", root) == before["ingest"]
    run_module.code_digest.cache_clear()
    (root / "rules" / "data" / "words.txt").write_text("a new word")
    assert run_module.code_digest("ingest", root) != before["ingest"]
    assert run_module.code_digest("report", root) == before["report"]
    run_module.code_digest.cache_clear()


def test_force_reruns_from_stage(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    run(cfg)
    assert run(cfg, force="dedupe").skipped == ["ingest"]


def test_interrupted_run_completes_identically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = tmp_path / "ref"
    ref.mkdir()
    run(write_config(ref))
    broken = tmp_path / "broken"
    broken.mkdir()
    cfg = write_config(broken)
    import importlib

    # the package (curate.run imports the function from it), not curate.export, the function
    export_mod = importlib.import_module("curate.export")
    real = export_mod.export

    def dies(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(export_mod, "export", dies)
    with pytest.raises(KeyboardInterrupt):
        run(cfg)
    monkeypatch.setattr(export_mod, "export", real)
    again = run(cfg)
    assert again.skipped == ["ingest", "dedupe"]
    assert digest(ref / "ws") == digest(broken / "ws")


def _bigger_tickets(path: Path, copies: int) -> Path:
    """The sample tickets ``copies`` times with distinct ids and text: enough rows that each
    stage of a run takes a while, so a kill lands inside it."""
    import csv

    with (SAMPLE / "tickets" / "helpdesk_tickets.csv").open(newline="", encoding="utf-8") as f:
        head, *body = list(csv.reader(f))
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(head)
        for k in range(copies):
            for row in body:
                if len(row) > 6:
                    w.writerow([f"{row[0]}-{k}", *row[1:6], f"{row[6]} (case {k})", *row[7:]])
    return path


def _logged_stages(ws: Path) -> list[str]:
    log = ws / "stages.jsonl"
    try:
        return [json.loads(line)["stage"] for line in log.read_text().splitlines() if line]
    except (FileNotFoundError, ValueError):
        return []  # not written yet, or being replaced this instant


def _cached_stages(ws: Path) -> list[str]:
    """Stages whose run key ``curate run`` has recorded: written just after the stage commits,
    so a kill between the two re-runs that stage (safe, but not what the test sets up)."""
    try:
        return list(json.loads((ws / CACHE_FILE).read_text("utf-8")))
    except (FileNotFoundError, ValueError):
        return []


@pytest.mark.slow
def test_kill_9_then_rerun_matches(tmp_path: Path) -> None:
    data = _bigger_tickets(tmp_path / "tickets.csv", 60)
    ref = tmp_path / "ref"
    ref.mkdir()
    run(write_config(ref, data))
    victim = tmp_path / "victim"
    victim.mkdir()
    cfg = write_config(victim, data)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "curate", "run", str(cfg)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Kill it once ingest has committed, while dedupe is running.
    deadline = time.monotonic() + 120
    while "ingest" not in _cached_stages(victim / "ws") and proc.poll() is None:
        assert time.monotonic() < deadline, "the run did not finish ingest in time"
        time.sleep(0.01)
    assert proc.poll() is None, f"the run ended (exit {proc.returncode}) before it could be killed"
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -9  # it was alive when killed
    assert "export" not in _logged_stages(victim / "ws")  # ... and killed mid-way
    assert not (victim / "ws" / "report.html").exists()
    again = run(cfg)
    assert again.skipped == ["ingest"]
    assert digest(ref / "ws") == digest(victim / "ws")
    assert len(digest(ref / "ws")) >= 6  # ingest, dedupe and export tables and split files


def test_config_errors_name_key_and_line(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[ingest]\npaths = ["x"]\nschema = "tickets"\n[dedupe]\nthreshold = 2\ncolour = 1\n'
    )
    with pytest.raises(ConfigError) as exc:
        load_config(cfg)
    assert str(exc.value).splitlines() == [
        f"{cfg}:5: dedupe.threshold: Input should be less than or equal to 1",
        f"{cfg}:6: dedupe.colour: unknown key",
    ]


def test_cli_run_and_init(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "curate.toml"
    res = runner.invoke(main, ["init", "--schema", "contracts", "--out", str(target)])
    assert res.exit_code == 0, res.output
    assert 'schema = "contracts"' in target.read_text()
    clinical = tmp_path / "clinical.toml"
    res = runner.invoke(main, ["init", "--schema", "clinical_notes", "--out", str(clinical)])
    assert res.exit_code == 0, res.output
    assert load_config(clinical).ingest.rules == "clinical"  # the HIPAA identifiers pack
    assert load_config(target).ingest.rules == "contracts"  # persons out, parties and terms in
    res = runner.invoke(main, ["init", "--out", str(target)])
    assert res.exit_code == 2
    assert res.stderr.splitlines()[0] == f"Error: {target} already exists"
    res = runner.invoke(main, ["run", str(tmp_path / "missing.toml")])
    assert res.exit_code == 2
    assert (
        res.stderr.splitlines()[0]
        == f"Error: config file {tmp_path / 'missing.toml'} does not exist"
    )


def test_cli_run_workspace_that_is_a_file_and_missing_input(tmp_path: Path) -> None:
    runner = CliRunner()
    (tmp_path / "ws").write_text("not a folder")
    res = runner.invoke(main, ["run", str(write_config(tmp_path))])
    assert res.exit_code == 2
    assert res.stderr.splitlines()[0] == (
        f"Error: workspace {tmp_path / 'ws'}: exists and is not a directory"
    )
    (tmp_path / "ws").unlink()
    res = runner.invoke(main, ["run", str(write_config(tmp_path, tmp_path / "gone.csv"))])
    assert res.exit_code == 2
    assert (
        res.stderr.splitlines()[-1] == f"Error: {tmp_path / 'gone.csv'}: no such file or directory"
    )
    assert not (tmp_path / "ws").exists()  # a run that could not start leaves no workspace


def test_sample_configs_are_valid() -> None:
    for name in ("tickets", "contracts", "clinical"):
        cfg = load_config(SAMPLE / f"{name}.toml")
        assert cfg.ingest.paths


def test_config_without_an_export_section_exports_to_export(tmp_path: Path) -> None:
    """[export] is optional, as before the options models: out defaults to "export"."""
    cfg = tmp_path / "c.toml"
    cfg.write_text('[ingest]\npaths = ["x"]\nschema = "tickets"\n', "utf-8")
    loaded = load_config(cfg)
    assert str(loaded.export.out) == "export"
    assert loaded.resolve(str(loaded.export.out)) == str(tmp_path / "export")
