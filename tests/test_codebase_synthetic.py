"""Optional synthetic Q&A about doc sections: an OpenAI-compatible endpoint (a local
http.server here), a tiny random local model, the filters, and the synthetic mark."""

from __future__ import annotations

import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

import curate
from curate.errors import StageError, UsageError
from curate.synthetic import synthesize
from curate.synthetic.filters import judge, parse_pairs
from tests.conftest import SAMPLE

SECTION = (
    "Every put takes an optional ttl in seconds. Expired keys are dropped lazily: a get of an "
    "expired key removes it and raises KeyError. Call purge to drop all expired keys at once."
)


def test_parse_pairs_numbered_or_not() -> None:
    reply = "1. Q: How long do keys live?\nA: As long as their ttl.\n\nQ: What does purge do?\nA: It drops expired keys."
    assert parse_pairs(reply) == [
        ("How long do keys live?", "As long as their ttl."),
        ("What does purge do?", "It drops expired keys."),
    ]
    assert parse_pairs("no pairs here") == []


@pytest.mark.parametrize(
    ("question", "answer", "why"),
    [
        ("What does purge do?", "Purge drops all expired keys at once.", None),
        ("Purge?", "It drops expired keys.", "bad_question"),  # under three words
        ("What does purge return?", "A list of Kubernetes pods in the cluster.", "unanswerable"),
        ("What happens to expired keys?", SECTION, "copy"),  # the section itself
    ],
)
def test_judge(question: str, answer: str, why: str | None) -> None:
    assert judge(question, answer, SECTION, min_support=0.6, max_copy=0.8) == why


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("synthetic")
    shutil.copytree(SAMPLE / "codebase", base / "tinykv")
    ws = base / "ws"
    curate.ingest([str(base / "tinykv")], schema="codebase", workspace=ws, rules="code")
    curate.export(ws, out=str(ws / "export"))
    return ws


class _Fake(http.server.BaseHTTPRequestHandler):
    """An OpenAI-compatible /chat/completions that answers from the prompt's own section."""

    seen: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Fake.seen.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        prompt = body["messages"][-1]["content"]
        section = prompt.split("documentation:\n\n", 1)[1]
        words = section.split(". ")[0].strip().rstrip(".").split()
        own = " ".join(reversed(words))  # the section's words, not its text
        reply = (
            f"Q: What does the documentation say first here?\nA: {own}.\n"
            f"Q: Is this a copy?\nA: {section}\n"
            "Q: Where is the moon?\nA: Orbiting the planet Earth at night."
        )
        data = json.dumps({"choices": [{"message": {"role": "assistant", "content": reply}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data.encode())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Fake)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Fake.seen.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_endpoint_pairs_filtered_marked_and_in_their_sections_split(
    workspace: Path, endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_KEY", "k-123")
    res = synthesize(
        workspace,
        generator="served-model",
        endpoint=endpoint,
        api_key_env="FAKE_KEY",
        out=tmp_path,
        per_section=3,
    )
    assert res.sections == 13 and res.pairs == 39  # the fixture's 13 doc sections
    assert res.dropped == {"copy": 13, "unanswerable": 13} and res.kept == 13
    assert (
        _Fake.seen[0]["path"] == "/v1/chat/completions" and _Fake.seen[0]["auth"] == "Bearer k-123"
    )
    assert _Fake.seen[0]["model"] == "served-model" and _Fake.seen[0]["temperature"] == 0
    lines = [json.loads(x) for f in res.files for x in Path(f).read_text().splitlines()]
    assert len(lines) == 13 and all(x["metadata"]["synthetic"] is True for x in lines)
    import polars as pl

    split = dict(
        pl.read_parquet(workspace / "export" / "outcomes.parquet")
        .select("record_id", "split")
        .iter_rows()
    )
    assert all(split[x["metadata"]["record_id"]] == x["metadata"]["split"] for x in lines)
    report = json.loads((tmp_path / "synthetic_report.json").read_text())
    assert report["kept"] == 13 and report["generator"] == "served-model"


def test_endpoint_errors(workspace: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not an http"):
        synthesize(workspace, generator="m", endpoint="ftp://x", out=tmp_path)
    with pytest.raises(
        StageError, match=r"generator endpoint http://127\.0\.0\.1:9/chat/completions"
    ):
        synthesize(workspace, generator="m", endpoint="http://127.0.0.1:9", out=tmp_path, limit=1)
    with pytest.raises(UsageError, match="no ingest records or export outcomes"):
        synthesize(tmp_path / "nothing", generator=lambda m, n: "", out=tmp_path)


@pytest.mark.slow
def test_tiny_random_local_model_runs_and_its_noise_is_dropped(
    workspace: Path, tmp_path: Path
) -> None:
    pytest.importorskip("transformers")
    from tests.test_train_masking import build_model_dir

    model = build_model_dir(tmp_path / "models", "chatml")
    res = synthesize(
        workspace, generator=str(model), out=tmp_path / "out", limit=2, max_new_tokens=16
    )
    assert res.sections == 2 and res.kept == 0  # random weights write no parseable pair
    assert res.dropped.get("unparsed", 0) + sum(res.dropped.values()) >= 2


def test_cli_synthesize_options_and_run(workspace: Path, endpoint: str, tmp_path: Path) -> None:
    """`curate synthesize --generator MODEL --endpoint URL`: the flags are SynthesizeOptions'
    fields under one name each, and the command writes what the library does."""
    import click
    from click.testing import CliRunner

    from curate.cli import main
    from curate.synthetic.options import SynthesizeOptions
    from tests.test_options import mismatches

    command = main.get_command(click.Context(main), "synthesize")
    assert command is not None
    assert mismatches(SynthesizeOptions, command, SynthesizeOptions, synthesize) == []
    res = CliRunner().invoke(
        main,
        ["synthesize", "-w", str(workspace), "--generator", "served-model", "--endpoint",
         endpoint, "--out", str(tmp_path), "--limit", "2", "--per-section", "3"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0] == (
        "2 sections asked, 6 pairs back, 2 kept (dropped: copy 2, unanswerable 2)"
    )
    missing = CliRunner().invoke(main, ["synthesize", "-w", str(workspace)])
    assert missing.exit_code == 2
    assert "Missing option '--generator'" in missing.output
    bad = CliRunner().invoke(main, ["synthesize", "-w", str(tmp_path / "none"), "--generator", "m"])
    assert bad.exit_code == 2
    assert (
        bad.output.splitlines()[0]
        == f"Error: {tmp_path / 'none'}: no ingest records or export outcomes"
    )
