"""`curate train` / `curate generate` through click: exit codes and messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from curate.cli import main

pytest.importorskip("torch")
from test_train_masking import DATA, build_model_dir

BAD = Path(__file__).parent / "data" / "train" / "bad"


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_model_dir(tmp_path_factory.mktemp("cli-model"), "chatml")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_importing_curate_does_not_import_torch() -> None:
    code = "import sys, curate.cli, curate.train; assert 'torch' not in sys.modules and 'transformers' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_train_then_generate(model: Path, tmp_path: Path) -> None:
    out = tmp_path / "adapter"
    code, stdout, stderr = run(
        "train",
        str(DATA),
        "--model",
        str(model),
        "--out",
        str(out),
        "--max-steps",
        "30",
        "--lr",
        "2e-2",
        "--lora-r",
        "8",
        "--eval-every",
        "10",
        "--device",
        "cpu",
        "--max-tokens",
        "128",
    )
    assert code == 0, stderr
    assert stdout.startswith("Trained 30 steps on 36 examples\n  eval loss ")
    assert f"adapter, tokenizer, chat template and training_card.json in {out}" in stdout
    code, stdout, stderr = run(
        "generate",
        "--adapter",
        str(out),
        "What color is the sky?",
        "--max-new-tokens",
        "8",
        "--json",
    )
    assert code == 0, stderr
    [answer] = json.loads(stdout)
    assert answer["prompt"] == "What color is the sky?" and answer["tuned"] != answer["base"]
    code, stdout, _ = run(
        "generate",
        "--adapter",
        str(out),
        "--data",
        str(DATA),
        "--val-samples",
        "1",
        "--max-new-tokens",
        "4",
    )
    assert code == 0 and "reference" in stdout and "tuned" in stdout


def test_data_dir_without_train_jsonl(tmp_path: Path) -> None:
    code, _, stderr = run(
        "train", str(tmp_path), "--model", "smollm2", "--out", str(tmp_path / "o")
    )
    assert code == 2
    assert (
        stderr
        == f"Error: {tmp_path} has no train.jsonl\nHint: run `curate export -w WORKSPACE --out {tmp_path}` first\n"
    )


def test_invalid_lines_list_the_findings(tmp_path: Path) -> None:
    code, _, stderr = run("train", str(BAD), "--model", "smollm2", "--out", str(tmp_path / "o"))
    assert code == 2
    first, *rest = stderr.splitlines()
    assert first.startswith(f"Error: {BAD / 'train.jsonl'} has ") and first.endswith(
        "invalid line(s):"
    )
    for line in (2, 3, 4, 5):
        assert any(r.strip().startswith(f"train.jsonl:{line}:") for r in rest), stderr
    assert not any(r.strip().startswith("train.jsonl:1:") for r in rest)
    assert (
        rest[-1]
        == f"Hint: run `curate validate {BAD / 'train.jsonl'}` and fix or re-export the data"
    )


def test_missing_model_path(tmp_path: Path) -> None:
    code, _, stderr = run(
        "train", str(DATA), "--model", str(tmp_path / "nope"), "--out", str(tmp_path / "o")
    )
    assert code == 2
    assert stderr.splitlines()[0] == f"Error: model path {tmp_path / 'nope'} does not exist"


def test_library_names_the_parameter(tmp_path: Path) -> None:
    from curate import UsageError, train

    with pytest.raises(UsageError) as err:
        train(DATA, model="x", out=str(tmp_path), batch_size=0)
    assert (err.value.message, err.value.param) == (
        "batch_size must be greater than 0, got 0",
        "batch_size",
    )


def test_bad_option_values(tmp_path: Path) -> None:
    code, _, stderr = run(
        "train", str(DATA), "--model", "x", "--out", str(tmp_path), "--batch-size", "0"
    )
    # the library names the parameter (batch_size); the CLI shows the flag
    assert code == 2 and stderr == "Error: --batch-size must be greater than 0, got 0\n"
    code, _, stderr = run(
        "train", str(DATA), "--model", "x", "--out", str(tmp_path), "--lora-dropout", "1"
    )
    assert code == 2 and stderr == "Error: --lora-dropout must be less than 1, got 1.0\n"
    code, _, stderr = run("generate", "--adapter", str(tmp_path), "hi")
    assert (
        code == 2
        and stderr
        == f"Error: --adapter {tmp_path}: no adapter_config.json (not a folder curate train or peft saved)\n"
    )
