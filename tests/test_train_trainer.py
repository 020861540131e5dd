"""The LoRA trainer on a tiny random Llama-style model: loss falls, resume, reload, bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("peft")

from test_train_masking import DATA, build_model_dir  # noqa: E402

from curate.errors import TrainingError, UsageError  # noqa: E402
from curate.train import DEFAULT_CHAT_TEMPLATE, TrainConfig, generate, train  # noqa: E402
from curate.workspace import Workspace, sha256_file  # noqa: E402

FAST = {
    "batch_size": 4,
    "lr": 2e-2,
    "lora_r": 8,
    "lora_alpha": 16,
    "device": "cpu",
    "max_tokens": 128,
}


@pytest.fixture(scope="session")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tiny-models")
    return {style: build_model_dir(root, style) for style in ("chatml", "llama3", "none")}


@pytest.fixture(scope="session")
def trained(models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    out = tmp_path_factory.mktemp("run") / "adapter"
    config = TrainConfig(
        model=str(models["chatml"]), out=str(out), max_steps=40, eval_every=20, save_every=0, **FAST
    )
    return out, train(DATA, config)


def read_metrics(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]


def test_loss_falls_and_outputs_are_written(trained: tuple[Path, Any]) -> None:
    out, result = trained
    assert result.first_eval_loss is not None and result.last_eval_loss is not None
    assert result.last_eval_loss < 0.6 * result.first_eval_loss
    rows = read_metrics(out)
    steps = [r for r in rows if r["event"] == "step"]
    evals = [r["step"] for r in rows if r["event"] == "eval"]
    assert [r["step"] for r in steps] == list(range(1, 41)) and evals == [0, 20, 40]
    assert {"loss", "lr", "tokens_per_s", "padding_fraction"} <= steps[0].keys()
    assert 0 <= result.padding_fraction < 0.3
    assert (out / "adapter_model.safetensors").exists() and (out / "tokenizer.json").exists()
    assert (out / "chat_template.jinja").exists() or "chat_template" in json.loads(
        (out / "tokenizer_config.json").read_text()
    )
    card = json.loads((out / "training_card.json").read_text())
    assert card["data"]["manifest_sha256"] == sha256_file(DATA / "manifest.json")
    assert card["chat_template"] == {
        **card["chat_template"],
        "source": "model",
        "end_of_turn": ["<|im_end|>"],
    }
    assert (
        card["metrics"]["last_eval_loss"] == result.last_eval_loss and "torch" in card["versions"]
    )


def test_adapter_reloads_with_peft_and_generates(
    trained: tuple[Path, Any], models: dict[str, Path]
) -> None:
    from peft import PeftModel
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM

    out, _ = trained
    base = AutoModelForCausalLM.from_pretrained(models["chatml"])
    tuned = PeftModel.from_pretrained(base, out)
    saved = load_file(out / "adapter_model.safetensors")
    loaded = {k: v for k, v in tuned.state_dict().items() if "lora_" in k}
    assert len(saved) == len(loaded) > 0
    answers = generate(
        out,
        ["What color is the apple?"],
        data_dir=DATA,
        val_samples=2,
        max_new_tokens=12,
        device="cpu",
    )
    assert len(answers) == 3 and answers[1].reference is not None
    assert answers[0].tuned != answers[0].base
    # it learned the answer pattern "The <thing> is <color>." (the base model babbles)
    assert answers[0].tuned.startswith("The") and " is" in answers[0].tuned


def test_resume_gives_the_same_adapter(models: dict[str, Path], tmp_path: Path) -> None:
    from safetensors.torch import load_file

    opts = {**FAST, "max_steps": 8, "save_every": 3, "eval_every": 0, "lora_dropout": 0.2}
    whole = train(DATA, TrainConfig(model=str(models["llama3"]), out=str(tmp_path / "a"), **opts))

    def crash(event: dict[str, Any]) -> None:
        if event["event"] == "step" and event["step"] == 7:
            raise KeyboardInterrupt

    cut = TrainConfig(model=str(models["llama3"]), out=str(tmp_path / "b"), **opts)
    with pytest.raises(KeyboardInterrupt):
        train(DATA, cut, progress=crash)
    assert sorted(p.name for p in (tmp_path / "b" / "checkpoints").iterdir()) == [
        "step-000003",
        "step-000006",
    ]
    cut.resume = True
    resumed = train(DATA, cut)
    assert resumed.resumed_from == 6
    a, b = (
        load_file(tmp_path / "a" / "adapter_model.safetensors"),
        load_file(tmp_path / "b" / "adapter_model.safetensors"),
    )
    assert a.keys() == b.keys()
    for k in a:
        torch.testing.assert_close(a[k], b[k], rtol=1e-5, atol=1e-6)
    losses = lambda d: [r["loss"] for r in read_metrics(tmp_path / d) if r["event"] == "step"]  # noqa: E731
    assert losses("b") == pytest.approx(losses("a"), rel=1e-5) and len(losses("b")) == 8
    assert resumed.last_eval_loss == pytest.approx(whole.last_eval_loss, rel=1e-5)


def test_resume_with_other_options_is_refused(models: dict[str, Path], tmp_path: Path) -> None:
    config = TrainConfig(
        model=str(models["chatml"]),
        out=str(tmp_path / "o"),
        max_steps=4,
        save_every=2,
        eval_every=0,
        **FAST,
    )
    train(DATA, config)
    with pytest.raises(UsageError, match="already holds a training run"):
        train(DATA, config)
    config.resume, config.lr = True, 1e-3
    with pytest.raises(
        UsageError,
        match=r"--resume: options differ from the checkpointed run \(--lr 0.02 → 0.001\)",
    ):
        train(DATA, config)


def test_model_without_chat_template_gets_the_default_saved(
    models: dict[str, Path], tmp_path: Path
) -> None:
    from transformers import AutoTokenizer

    result = train(
        DATA,
        TrainConfig(
            model=str(models["none"]), out=str(tmp_path / "d"), max_steps=2, eval_every=0, **FAST
        ),
    )
    assert result.chat_template == "default"
    assert AutoTokenizer.from_pretrained(tmp_path / "d").chat_template == DEFAULT_CHAT_TEMPLATE
    card = json.loads((tmp_path / "d" / "training_card.json").read_text())
    assert card["chat_template"]["source"] == "default" and card["chat_template"][
        "end_of_turn"
    ] == ["</s>"]


def test_truncated_answers_are_skipped_and_counted(
    models: dict[str, Path],
    tmp_path: Path,
) -> None:
    opts = {**FAST, "max_tokens": 40}
    result = train(
        DATA,
        TrainConfig(
            model=str(models["chatml"]),
            out=str(tmp_path / "t"),
            max_steps=1,
            eval_every=0,
            **{**opts},
        ),
    )
    assert result.skipped["answer_truncated"] > 0
    assert result.train_examples + result.skipped["answer_truncated"] == 36
    with pytest.raises(
        UsageError, match=r"no trainable example in .*train.jsonl \(answer_truncated: 36\)"
    ):
        train(
            DATA,
            TrainConfig(
                model=str(models["chatml"]),
                out=str(tmp_path / "u"),
                max_steps=1,
                **{**FAST, "max_tokens": 10},
            ),
        )


def test_head_only_loss_matches_full_logits(models: dict[str, Path]) -> None:
    from transformers import AutoModelForCausalLM

    from curate.train.batching import collate
    from curate.train.masking import encode, template_info
    from curate.train.models import load_tokenizer
    from curate.train.trainer import _lora_model, _Loss

    tok = load_tokenizer(models["chatml"])
    convs = [
        json.loads(line)["messages"] for line in (DATA / "train.jsonl").read_text().splitlines()[:4]
    ]
    batch = collate(
        [encode(tok, c, None, 128, template_info(tok)) for c in convs], tok.pad_token_id
    )
    model = _lora_model(
        AutoModelForCausalLM.from_pretrained(models["chatml"]),
        TrainConfig(model="", out="", lora_dropout=0.0),
    ).eval()
    fn = _Loss(model)
    assert fn.head_only
    fast = fn(*batch)
    fn.head_only = False
    torch.testing.assert_close(fast[0], fn(*batch)[0]) and fast[1] == fn(*batch)[1]


def test_out_of_memory_keeps_the_last_checkpoint(
    models: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from curate.train import trainer

    real = trainer._Loss.__call__
    calls = {"n": 0}

    def flaky(self: Any, *args: Any) -> Any:
        calls["n"] += 1
        if self.model.training and calls["n"] > 3:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(self, *args)

    monkeypatch.setattr(trainer._Loss, "__call__", flaky)
    config = TrainConfig(
        model=str(models["chatml"]),
        out=str(tmp_path / "m"),
        max_steps=6,
        save_every=2,
        eval_every=0,
        **FAST,
    )
    with pytest.raises(TrainingError) as err:
        train(DATA, config)
    assert str(err.value).startswith(
        "out of memory at step 3 (--batch-size 4, --max-tokens 128)\nlower --batch-size"
    )
    assert err.value.hint and "step-000002 is kept: continue with --resume" in err.value.hint
    assert (tmp_path / "m" / "checkpoints" / "step-000002" / "trainer_state.json").exists()


def test_bad_models_are_refused(models: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        train(DATA, TrainConfig(model="/nonexistent/model", out=str(tmp_path / "x"), **FAST))
    assert err.value.message == "model path /nonexistent/model does not exist"
    remote = tmp_path / "remote"
    shutil.copytree(models["chatml"], remote)
    cfg = json.loads((remote / "config.json").read_text())
    cfg.update(
        model_type="fancy_custom",
        auto_map={"AutoModelForCausalLM": "modeling_fancy.FancyForCausalLM"},
    )
    (remote / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(UsageError) as err:
        train(DATA, TrainConfig(model=str(remote), out=str(tmp_path / "y"), **FAST))
    assert err.value.message == (
        f"model {remote} needs trust_remote_code (its config.json maps to custom code: "
        "AutoModelForCausalLM); curate never runs code shipped with a model"
    )


def test_workspace_gets_a_train_stage_entry(models: dict[str, Path], tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws").create()
    train(
        DATA,
        TrainConfig(
            model=str(models["chatml"]), out=str(tmp_path / "w"), max_steps=2, eval_every=0, **FAST
        ),
        workspace=ws,
    )
    entry = ws.last_entry("train")
    assert entry is not None and entry["counts"] == {"trained": 36, "skipped": 0}
    assert (ws.stage_dir("train") / "metrics.jsonl").read_text() == (
        tmp_path / "w" / "metrics.jsonl"
    ).read_text()


def test_merge_writes_a_full_model_with_the_adapter_folded_in(
    models: dict[str, Path], tmp_path: Path
) -> None:
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    out = tmp_path / "g"
    result = train(
        DATA,
        TrainConfig(
            model=str(models["chatml"]), out=str(out), max_steps=3, eval_every=0, merge=True, **FAST
        ),
    )
    assert result.merged == str(out / "merged")
    merged = AutoModelForCausalLM.from_pretrained(out / "merged").eval()
    tuned = PeftModel.from_pretrained(
        AutoModelForCausalLM.from_pretrained(models["chatml"]), out
    ).eval()
    x = torch.tensor([[5, 17, 42, 99, 7]])
    with torch.no_grad():
        torch.testing.assert_close(merged(x).logits, tuned(x).logits, rtol=1e-4, atol=1e-4)
        with tuned.disable_adapter():
            assert not torch.allclose(merged(x).logits, tuned(x).logits, atol=1e-4)


def test_gradient_checkpointing_and_bf16_paths(models: dict[str, Path], tmp_path: Path) -> None:
    """The GPU options run on CPU too: checkpointing changes memory, not results; bf16 trains."""
    from safetensors.torch import load_file

    opts = {**FAST, "max_steps": 3, "eval_every": 0, "lora_dropout": 0.1}
    train(DATA, TrainConfig(model=str(models["chatml"]), out=str(tmp_path / "p"), **opts))
    train(
        DATA,
        TrainConfig(
            model=str(models["chatml"]),
            out=str(tmp_path / "c"),
            gradient_checkpointing=True,
            **opts,
        ),
    )
    a, b = (load_file(tmp_path / d / "adapter_model.safetensors") for d in "pc")
    for k in a:
        torch.testing.assert_close(a[k], b[k], rtol=1e-4, atol=1e-5)
    result = train(
        DATA,
        TrainConfig(
            model=str(models["chatml"]), out=str(tmp_path / "h"), **{**opts, "dtype": "bf16"}
        ),
    )
    assert result.last_loss is not None and result.last_loss == result.last_loss  # finite, not NaN
