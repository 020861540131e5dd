"""`curate train --resume` never unpickles: a crafted checkpoint cannot run code."""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("peft")

from test_train_masking import DATA, build_model_dir  # noqa: E402

from curate.errors import TrainingError  # noqa: E402
from curate.train import TrainConfig, train  # noqa: E402

FAST = {"batch_size": 4, "lr": 2e-2, "lora_r": 4, "lora_alpha": 8, "device": "cpu"}


class Evil:
    """Unpickling this creates ``path``: what a hostile trainer_state.pt could do."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self) -> tuple[Any, ...]:
        return (builtins.open, (self.path, "w"))


@pytest.mark.slow
def test_resume_never_unpickles_a_crafted_checkpoint(tmp_path: Path) -> None:
    model = build_model_dir(tmp_path, "chatml")
    out = tmp_path / "run"
    config = TrainConfig(
        model=str(model), out=str(out), max_steps=3, save_every=2, eval_every=0,
        max_tokens=64, **FAST,
    )  # fmt: skip
    train(DATA, config)
    ckpt = out / "checkpoints" / "step-000002"
    assert sorted(p.name for p in ckpt.iterdir() if p.name.startswith("trainer_state")) == [
        "trainer_state.json",
        "trainer_state.safetensors",
    ]
    assert json.loads((ckpt / "trainer_state.json").read_text())["step"] == 2

    # A planted pickle beside the real state is never opened; resuming works from the JSON state.
    marker = tmp_path / "pwned"
    torch.save({"step": 2, "payload": Evil(marker)}, ckpt / "trainer_state.pt")
    config.resume = True
    assert train(DATA, config).resumed_from == 2
    assert not marker.exists()

    # A checkpoint in the old pickle-only format is refused with what to do, and not opened.
    (ckpt / "trainer_state.json").unlink()
    (ckpt / "trainer_state.safetensors").unlink()
    with pytest.raises(TrainingError) as err:
        train(DATA, config)
    assert not marker.exists()
    assert err.value.message == (
        f"resume: checkpoint {ckpt} is in the old trainer_state.pt (pickle) format, which "
        "curate no longer loads because opening it can run code stored in it"
    )
    assert err.value.param == "resume"  # the CLI shows --resume
    assert err.value.hint == (
        f"start the run again without resume (into a new out folder, or after deleting {out / 'checkpoints'})"
    )
