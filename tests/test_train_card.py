"""A saved adapter works elsewhere: hub id in adapter_config.json, a real model card, and a
tokenizer_config.json without transformers-5-only names (issue 23, item 6)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch")
pytest.importorskip("peft")

from test_train_masking import DATA, build_model_dir

from curate.train import TrainConfig, train
from curate.train.card import hub_id
from curate.workspace import sha256_file

SMOLLM2 = "HuggingFaceTB/SmolLM2-135M-Instruct"


@pytest.fixture(scope="module")
def alias_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Train with ``--model smollm2`` where the alias resolves to a tiny random model (as the
    bundled GGUF resolves to a machine-local conversion)."""
    root = tmp_path_factory.mktemp("card")
    local = build_model_dir(root, "chatml")
    mp = pytest.MonkeyPatch()
    from curate.train import models

    mp.setattr(models, "resolve_model", lambda spec: local if spec == "smollm2" else spec)
    try:
        out = root / "adapter"
        config = TrainConfig(
            model="smollm2", out=str(out), max_steps=3, eval_every=0, save_every=0,
            batch_size=4, device="cpu", max_tokens=128,
        )  # fmt: skip
        train(DATA, config)
    finally:
        mp.undo()
    return out, local


def test_adapter_names_the_hub_model_and_the_card_keeps_the_local_path(
    alias_run: tuple[Path, Path],
) -> None:
    out, local = alias_run
    adapter = json.loads((out / "adapter_config.json").read_text())
    assert adapter["base_model_name_or_path"] == SMOLLM2
    card = json.loads((out / "training_card.json").read_text())
    assert card["base_model"] == {
        "spec": "smollm2",
        "path": str(local.resolve()),
        "hub_id": SMOLLM2,
    }


def test_adapter_loads_on_another_machine_from_its_base(
    alias_run: tuple[Path, Path], tmp_path: Path
) -> None:
    """Copied elsewhere, the folder loads onto the base model (here the tiny stand-in for
    the hub model, which cannot be downloaded in tests)."""
    from peft import PeftConfig, PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    out, local = alias_run
    moved = shutil.copytree(out, tmp_path / "elsewhere")
    assert PeftConfig.from_pretrained(moved).base_model_name_or_path == SMOLLM2
    model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(local), moved)
    assert any("lora_" in k for k in model.state_dict())
    tok = AutoTokenizer.from_pretrained(moved)
    assert tok.apply_chat_template([{"role": "user", "content": "hi"}], tokenize=False)


def test_model_card_is_real(alias_run: tuple[Path, Path]) -> None:
    out, _ = alias_run
    readme = (out / "README.md").read_text()
    assert readme.startswith(f"---\nbase_model: {SMOLLM2}\nlibrary_name: peft\n")
    assert "[More Information Needed]" not in readme  # PEFT's empty template
    assert f"| `train.jsonl` | `{sha256_file(DATA / 'train.jsonl')}` |" in readme
    assert f"| `manifest.json` | `{sha256_file(DATA / 'manifest.json')}` |" in readme
    assert "| last_loss |" in readme and "| steps | 3 |" in readme
    assert f'AutoModelForCausalLM.from_pretrained("{SMOLLM2}")' in readme
    assert "PeftModel.from_pretrained(model, " in readme


def test_tokenizer_config_has_no_transformers_5_only_names(alias_run: tuple[Path, Path]) -> None:
    """transformers 5 writes tokenizer_class TokenizersBackend, which 4.x cannot import;
    4.4x reads the chat template only from tokenizer_config.json. (`make interop` loads the
    folder with transformers 4.57.)"""
    out, _ = alias_run
    config: dict[str, Any] = json.loads((out / "tokenizer_config.json").read_text())
    assert config["tokenizer_class"] == "PreTrainedTokenizerFast"
    assert not {"backend", "is_local", "local_files_only"} & config.keys()
    assert "<|im_start|>" in config["chat_template"]


@pytest.mark.parametrize(
    ("spec", "path", "expected"),
    [
        ("smollm2", "/home/u/.cache/curate/models/SmolLM2-135M-Instruct.Q4_1-75d6", SMOLLM2),
        ("Qwen/Qwen2.5-0.5B", "Qwen/Qwen2.5-0.5B", "Qwen/Qwen2.5-0.5B"),
        (
            "/hf/hub/models--Qwen--Qwen2.5-0.5B/snapshots/abc",
            "/hf/hub/models--Qwen--Qwen2.5-0.5B/snapshots/abc",
            "Qwen/Qwen2.5-0.5B",
        ),
        ("./my-model", "/work/my-model", None),
    ],
)
def test_hub_id(spec: str, path: str, expected: str | None) -> None:
    assert hub_id(spec, Path(path) if path.startswith("/") else path) == expected
