"""The public ``eval`` function: keyword arguments named and defaulted as EvalOptions' fields.

Light to import (``import curate`` binds ``curate.eval`` to this function): pydantic, numpy and
torch are imported when an evaluation runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from curate.eval.stage import EvalResult
    from curate.workspace import Workspace


def eval(
    model: str | os.PathLike[str],
    data_dir: str | os.PathLike[str],
    *,
    split: Literal["test", "val"] = "test",
    base: str | None = None,
    prompt_baseline: str | None = None,
    schema: str | None = None,
    max_new_tokens: int = 128,
    batch_size: int = 8,
    limit: int | None = None,
    seed: int = 0,
    resamples: int = 1000,
    device: Literal["auto", "cpu", "cuda", "mps"] = "auto",
    dtype: Literal["auto", "fp32", "bf16", "fp16"] = "auto",
    workspace: Workspace | str | os.PathLike[str] | None = None,
    progress: Callable[[dict[str, Any]], None] | None = None,
) -> EvalResult:
    """Compare the base model with MODEL (an adapter from ``curate.train``, or a full model with
    ``base``) on DATA_DIR's held-out split, per task: loss of the reference answers, greedy
    answers scored by the metrics the schema declares per task, and paired bootstrap intervals
    of the differences. With ``prompt_baseline`` the base model is also scored with that prompt.
    With a ``workspace`` the results go to its ``eval/`` folder and its stage log."""
    from curate.eval.options import EvalOptions
    from curate.eval.stage import run_eval
    from curate.workspace import Workspace

    options = EvalOptions.checked(
        split=split,
        base=base,
        prompt_baseline=prompt_baseline,
        schema=schema,
        max_new_tokens=max_new_tokens,
        batch_size=batch_size,
        limit=limit,
        seed=seed,
        resamples=resamples,
        device=device,
        dtype=dtype,
    )
    ws = Workspace(workspace) if isinstance(workspace, str | os.PathLike) else workspace
    return run_eval(str(model), str(data_dir), options, workspace=ws, progress=progress)


__all__ = ["eval"]
