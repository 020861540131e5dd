"""Trainer state in a checkpoint, stored without pickle so that resuming never runs code.

A checkpoint folder holds, besides the peft adapter::

    trainer_state.json         step, result options, scaler state, optimizer param groups and
                               non-tensor optimizer state, Python's RNG state
    trainer_state.safetensors  the optimizer's tensors (AdamW moments, step) and torch's RNG states

Both formats are data only: a crafted checkpoint can give wrong numbers, never run code. Earlier
curate versions wrote ``trainer_state.pt`` with ``torch.save`` (pickle); loading it could run
whatever it holds, so such a checkpoint is refused, never opened.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from curate.errors import TrainingError

STATE_JSON = "trainer_state.json"
STATE_TENSORS = "trainer_state.safetensors"
OLD_PICKLE = "trainer_state.pt"
FORMAT = 1


def check_checkpoint(ckpt: Path) -> None:
    """Refuse an old pickle checkpoint or an incomplete one before any model is loaded."""
    if (ckpt / STATE_JSON).is_file() and (ckpt / STATE_TENSORS).is_file():
        return
    restart = f"start the run again without resume (into a new out folder, or after deleting {ckpt.parent})"
    if (ckpt / OLD_PICKLE).exists():
        raise TrainingError(
            f"resume: checkpoint {ckpt} is in the old {OLD_PICKLE} (pickle) format, which curate "
            "no longer loads because opening it can run code stored in it",
            hint=restart,
            param="resume",
        )
    raise TrainingError(
        f"resume: checkpoint {ckpt} has no {STATE_JSON} and {STATE_TENSORS}",
        hint=restart,
        param="resume",
    )


def save_state(
    folder: Path, step: int, optimizer: Any, scaler: Any, options: dict[str, Any]
) -> None:
    """Write the trainer state of ``step`` into ``folder`` (JSON + safetensors, no pickle)."""
    import torch
    from safetensors.torch import save_file

    tensors: dict[str, Any] = {"rng.torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        for i, s in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"rng.cuda.{i}"] = s
    opt = optimizer.state_dict()
    plain_state: dict[str, dict[str, Any]] = {}
    for pid, entry in opt["state"].items():
        for name, value in entry.items():
            if isinstance(value, torch.Tensor):
                tensors[f"optimizer.{pid}.{name}"] = value
            else:
                plain_state.setdefault(str(pid), {})[name] = value
    version, internal, gauss = random.getstate()
    state = {
        "format": FORMAT,
        "step": step,
        "options": options,
        "scaler": scaler.state_dict() if scaler else None,
        "optimizer": {"param_groups": opt["param_groups"], "state": plain_state},
        "python_rng": [version, list(internal), gauss],
    }
    save_file(
        {k: v.detach().cpu().contiguous() for k, v in tensors.items()},
        str(folder / STATE_TENSORS),
    )
    (folder / STATE_JSON).write_text(json.dumps(state, sort_keys=True), "utf-8")


def load_state(ckpt: Path) -> dict[str, Any]:
    """Read a checkpoint's trainer state back into the shape ``save_state`` took it from."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    check_checkpoint(ckpt)
    try:
        state = json.loads((ckpt / STATE_JSON).read_text("utf-8"))
        tensors = load_file(str(ckpt / STATE_TENSORS))
        opt_state: dict[int, dict[str, Any]] = {
            int(pid): dict(entry) for pid, entry in state["optimizer"]["state"].items()
        }
        cuda: dict[int, Any] = {}
        for key, value in tensors.items():
            kind, _, rest = key.partition(".")
            if kind == "optimizer":
                pid, _, name = rest.partition(".")
                opt_state.setdefault(int(pid), {})[name] = value
            elif rest.startswith("cuda."):
                cuda[int(rest.split(".")[1])] = value
        groups = [
            {k: tuple(v) if k == "betas" else v for k, v in g.items()}
            for g in state["optimizer"]["param_groups"]
        ]
        version, internal, gauss = state["python_rng"]
        return {
            "step": int(state["step"]),
            "options": dict(state["options"]),
            "scaler": state["scaler"],
            "optimizer": {"state": opt_state, "param_groups": groups},
            "torch_rng": tensors["rng.torch"],
            "cuda_rng": [cuda[i] for i in sorted(cuda)] or None,
            "python_rng": (int(version), tuple(int(x) for x in internal), gauss),
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError, SafetensorError) as exc:
        raise TrainingError(
            f"resume: checkpoint {ckpt} is damaged ({type(exc).__name__}: {exc})",
            hint="resume from an earlier checkpoint by deleting this one, or start again",
            param="resume",
        ) from exc
