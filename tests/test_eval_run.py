"""`curate eval` end to end on a tiny random model and an adapter trained here: loss, batched
greedy generation (same tokens as model.generate), metrics, bootstrap, the prompt baseline,
the workspace outputs, --compare, and the bad-input errors (exit 2, exact messages)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("peft")

from click.testing import CliRunner  # noqa: E402
from test_train_masking import DATA, build_model_dir  # noqa: E402

from curate.cli import main  # noqa: E402
from curate.train import TrainConfig, train  # noqa: E402
from curate.workspace import Workspace  # noqa: E402

SCHEMA = """
name = "colors"
[fields.question]
type = "string"
[fields.answer]
type = "string"

[[tasks]]
name = "color"
user = "{{ question }}"
assistant = "{{ answer }}"
metrics = [{metrics}]
"""
METRICS = '"rouge_l", "chrf", "exact", "no_placeholder", "length_ratio"'


def write_schema(path: Path, metrics: str = METRICS) -> Path:
    path.write_text(SCHEMA.replace("{metrics}", metrics), "utf-8")
    return path


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("eval")
    model = build_model_dir(root / "models", "chatml")
    adapter = root / "adapter"
    train(
        DATA,
        TrainConfig(
            model=str(model),
            out=str(adapter),
            max_steps=30,
            eval_every=0,
            save_every=0,
            batch_size=4,
            lr=2e-2,
            lora_r=8,
            lora_alpha=16,
            device="cpu",
            max_tokens=128,
        ),
    )
    data = root / "export"
    data.mkdir()
    shutil.copy(DATA / "val.jsonl", data / "test.jsonl")
    shutil.copy(DATA / "train.jsonl", data / "train.jsonl")
    (root / "prompt.txt").write_text("Answer with: The <thing> is <color>.", "utf-8")
    return {
        "root": root,
        "model": model,
        "adapter": adapter,
        "data": data,
        "schema": write_schema(root / "colors.toml"),
        "prompt": root / "prompt.txt",
    }


@pytest.fixture(scope="module")
def evaluated(setup: dict[str, Path]) -> tuple[Any, Path]:
    from curate import eval as evaluate

    ws = setup["root"] / "ws"
    result = evaluate(
        setup["adapter"],
        setup["data"],
        schema=str(setup["schema"]),
        prompt_baseline=str(setup["prompt"]),
        max_new_tokens=10,
        batch_size=4,
        device="cpu",
        resamples=200,
        workspace=ws,
    )
    return result, ws


def test_summary_scores_every_system_and_the_adapter_learned(evaluated: tuple[Any, Path]) -> None:
    result, _ws = evaluated
    s = result.summary
    assert s["systems"] == ["tuned", "base", "prompted"] and s["examples"] == 6
    task = s["tasks"]["color"]
    assert task["metrics"] == ["rouge_l", "chrf", "exact", "no_placeholder", "length_ratio"]
    tuned, base = task["systems"]["tuned"], task["systems"]["base"]
    # the adapter learned "The <thing> is <color>." : lower loss and more word overlap
    assert tuned["loss"] < 0.7 * base["loss"]
    assert tuned["perplexity"] < base["perplexity"]
    assert tuned["metrics"]["rouge_l"] > base["metrics"]["rouge_l"]
    cmp = task["comparisons"]["tuned_vs_base"]
    assert cmp["loss"]["verdict"] == "better" and cmp["loss"]["diff"] < 0
    for name in ("rouge_l", "chrf", "exact"):
        assert cmp[name]["low"] <= cmp[name]["diff"] <= cmp[name]["high"], name
        assert cmp[name]["n"] == 6
    assert cmp["length_ratio"]["verdict"] == "not ranked"
    assert "tuned_vs_prompted" in task["comparisons"]
    wl = task["wins_losses"]
    assert wl["metric"] == "rouge_l" and all(w["diff"] > 0 for w in wl["wins"])


def test_workspace_holds_examples_summary_and_the_stage_log(evaluated: tuple[Any, Path]) -> None:
    result, ws = evaluated
    rows = [json.loads(line) for line in (ws / "eval" / "examples.jsonl").read_text().splitlines()]
    assert len(rows) == 6
    first = rows[0]
    assert set(first["answers"]) == {"tuned", "base", "prompted"}
    assert first["reference"] == "Yes, the apple is green."  # the last assistant turn
    assert first["prompt"] == "Are you sure about the apple?"
    assert set(first["scores"]["tuned"]) == {
        "rouge_l",
        "chrf",
        "exact",
        "no_placeholder",
        "length_ratio",
    }
    assert all(len(v) == 2 and v[1] > 0 for v in first["loss"].values())
    summary = json.loads((ws / "eval" / "summary.json").read_text())
    assert summary["tasks"] == json.loads(json.dumps(result.summary["tasks"]))
    entry = Workspace(ws).last_entry("eval")
    assert entry is not None and entry["counts"] == {"evaluated": 6}
    assert set(entry["outputs"]) == {"examples", "summary"}

    # what the scores depend on is hashed, as ingest and dedupe log their inputs
    from curate.workspace import sha256_file

    data, adapter = Path(result.summary["data"]), Path(result.summary["model"])
    scored = [data / "test.jsonl", adapter / "adapter_model.safetensors"]
    scored += [adapter / "adapter_config.json", Path(result.summary["prompt_baseline"])]
    assert {str(p): sha256_file(p) for p in scored}.items() <= entry["inputs"].items()


def test_prompt_baseline_changes_the_prompt_not_the_reference(evaluated: tuple[Any, Path]) -> None:
    result, _ws = evaluated
    task = result.summary["tasks"]["color"]
    # the system prompt is scored as context: the prompted loss differs from the base loss
    assert task["systems"]["prompted"]["loss"] != task["systems"]["base"]["loss"]


def test_batched_greedy_equals_model_generate(setup: dict[str, Path]) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from curate.train.generate import greedy_generate

    tok = AutoTokenizer.from_pretrained(setup["model"])
    model = AutoModelForCausalLM.from_pretrained(setup["model"]).eval()
    prompts = [tok(t)["input_ids"] for t in ("What color is the apple?", "sky", "The grass is")]
    got = greedy_generate(
        model,
        prompts,
        max_new_tokens=6,
        stop_ids=[tok.eos_token_id],
        pad_id=tok.pad_token_id,
        batch_size=3,
    )
    for p, g in zip(prompts, got, strict=True):
        x = torch.tensor([p])
        ref = model.generate(
            input_ids=x,
            attention_mask=torch.ones_like(x),
            max_new_tokens=6,
            do_sample=False,
            eos_token_id=tok.eos_token_id,
            pad_token_id=tok.pad_token_id,
        )[0, len(p) :].tolist()
        ref = ref[: ref.index(tok.eos_token_id)] if tok.eos_token_id in ref else ref
        assert g == ref


def test_limit_and_compare(setup: dict[str, Path], evaluated: tuple[Any, Path]) -> None:
    _, ws = evaluated
    other = setup["root"] / "ws-limit"
    r = CliRunner().invoke(
        main,
        [
            "eval",
            str(setup["adapter"]),
            "--data",
            str(setup["data"]),
            "--schema",
            str(setup["schema"]),
            "--limit",
            "2",
            "--max-new-tokens",
            "4",
            "--device",
            "cpu",
            "--resamples",
            "100",
            "-w",
            str(other),
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["examples"] == 2
    r = CliRunner().invoke(main, ["eval", "--compare", str(ws), str(other), "--json"])
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)
    assert got["tasks"]["color"]["examples"] == [6, 2]
    row = got["tasks"]["color"]["systems"]["tuned"]["rouge_l"]
    assert row["diff"] == pytest.approx(row["b"] - row["a"])


def run_cli(*args: str) -> Any:
    return CliRunner().invoke(main, ["eval", *args])


def test_error_data_without_the_split(setup: dict[str, Path]) -> None:
    r = run_cli(str(setup["adapter"]), "--data", str(setup["data"]), "--split", "val")
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: {setup['data']} has no val.jsonl (splits there: test, train)\n"
        "Hint: pass --split test, or re-export with a val split: "
        "`curate export -w WORKSPACE --val-fraction 0.1`\n"
    )


def test_error_adapter_whose_base_model_is_missing(setup: dict[str, Path], tmp_path: Path) -> None:
    adapter = tmp_path / "adapter"
    shutil.copytree(setup["adapter"], adapter)
    card = json.loads((adapter / "training_card.json").read_text())
    card["base_model"] = {"spec": "/gone/model", "path": "/gone/model"}
    (adapter / "training_card.json").write_text(json.dumps(card))
    r = run_cli(
        str(adapter),
        "--data",
        str(setup["data"]),
        "--schema",
        str(setup["schema"]),
        "--device",
        "cpu",
    )
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: the base model of adapter {adapter} is missing: /gone/model does not exist\n"
        "Hint: pass --base MODEL (the model it was trained on: a directory, a .gguf file or "
        "'smollm2'), or train the adapter again with `curate train`\n"
    )


def test_error_task_with_no_metric(setup: dict[str, Path], tmp_path: Path) -> None:
    schema = write_schema(tmp_path / "bare.toml", "")
    r = run_cli(str(setup["adapter"]), "--data", str(setup["data"]), "--schema", str(schema))
    assert r.exit_code == 2
    assert r.stderr.startswith(
        f"Error: task 'color' of schema 'colors' declares no metrics ({schema})\n"
        'Hint: add metrics = ["rouge_l", "chrf"] (or others: chrf, exact, icd10_format, label, '
        "length_ratio, no_placeholder, rouge_l, soap_sections) to its [[tasks]] entry, then run "
        "`curate eval` again\n"
    )


def test_error_unknown_metric_and_full_model_without_base(
    setup: dict[str, Path], tmp_path: Path
) -> None:
    schema = write_schema(tmp_path / "typo.toml", '"rouge"')
    r = run_cli(str(setup["adapter"]), "--data", str(setup["data"]), "--schema", str(schema))
    assert r.exit_code == 2
    assert r.stderr.startswith(
        f"Error: task 'color' of schema 'colors' ({schema}) names unknown metric 'rouge'\n"
    )
    r = run_cli(str(setup["model"]), "--data", str(setup["data"]), "--schema", str(setup["schema"]))
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: {setup['model']} is a full model, not an adapter: say which base model to "
        "compare it with\nHint: pass --base MODEL (a model directory, a .gguf file or 'smollm2')\n"
    )


def test_error_missing_data_and_model() -> None:
    r = run_cli("adapter")
    assert r.exit_code == 2
    assert r.stderr == (
        "Error: --data EXPORT_DIR is required: the export folder whose held-out split is scored\n"
        "Hint: run `curate export -w WORKSPACE --out DIR` and pass that DIR\n"
    )
    r = run_cli("--data", "x")
    assert r.exit_code == 2 and r.stderr.startswith("Error: give the adapter to evaluate")


def test_show_prints_the_last_evaluation(evaluated: tuple[Any, Path], tmp_path: Path) -> None:
    _, ws = evaluated
    r = run_cli("--show", "-w", str(ws))
    assert r.exit_code == 0, r.output
    assert "color: 6 examples (test split)" in r.stdout and "rouge_l" in r.stdout
    assert "adapter - base (95% CI)" in r.stdout
    r = run_cli("--show", "-w", str(tmp_path))
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: {tmp_path} holds no evaluation (no eval/summary.json)\n"
        "Hint: run `curate eval ADAPTER --data EXPORT_DIR -w WORKSPACE` first\n"
    )


def test_report_sections_show_the_evaluation(evaluated: tuple[Any, Path]) -> None:
    import io

    from rich.console import Console

    from curate.report.evaluation import evaluation, html_section, terminal_tables

    _, ws = evaluated
    w = Workspace(ws)
    facts = {"evaluation": evaluation(w, w.last_entry("eval"))}
    ev = facts["evaluation"]
    assert ev is not None and ev["systems"] == ["tuned", "base", "prompted"]
    rows = {r["metric"]: r for r in ev["tasks"]["color"]["rows"]}
    assert list(rows) == ["loss", "rouge_l", "chrf", "exact", "no_placeholder", "length_ratio"]
    assert rows["loss"]["tuned_vs_base"]["verdict"] == "better"
    buf = io.StringIO()
    Console(file=buf, width=140).print(terminal_tables(facts))
    text = buf.getvalue()
    assert "color: 6 examples" in text and "base + prompt" in text and "better" in text
    html = html_section(facts)
    assert '<section id="evaluation">' in html and "Biggest wins (rouge_l)" in html
    assert evaluation(w, None) is None and html_section({}) == "" and terminal_tables({}) is None


def test_progress_line_per_batch_when_stderr_is_not_a_terminal(setup: dict[str, Path]) -> None:
    """CliRunner's stderr is no terminal (a log, a pipe): a line per generation batch, each
    naming the stage, the system, done/total and the rates, instead of a progress bar."""
    import re

    r = run_cli(
        str(setup["adapter"]),
        "--data",
        str(setup["data"]),
        "--schema",
        str(setup["schema"]),
        "--max-new-tokens",
        "2",
        "--batch-size",
        "4",
        "--resamples",
        "100",
        "--device",
        "cpu",
        "-w",
        str(setup["root"] / "ws-progress"),
    )
    assert r.exit_code == 0, r.output
    lines = r.stderr.splitlines()
    shape = (
        r"eval (adapter|base): generated (\d)/6 answers, [\d.]+ answers/s, \d+ tokens/s, [\d.]+s"
    )
    found = [re.fullmatch(shape, line) for line in lines]
    assert all(found), lines
    assert [(m[1], m[2]) for m in found if m] == [
        ("adapter", "4"),
        ("adapter", "6"),
        ("base", "4"),
        ("base", "6"),
    ]
