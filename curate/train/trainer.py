"""The LoRA training loop: assistant-only loss, length-grouped batches, eval, checkpoints, resume.

Written directly on torch + peft (no transformers Trainer) so that every step is ours to explain:
the loss is the mean over trained tokens of the whole (accumulated) batch; the LM head runs only
on trained positions (a large share of the compute on a small model with a big vocabulary); the
batch order is a pure function of the seed, so ``--resume`` reproduces an uninterrupted run.

Output directory::

    OUT/adapter_model.safetensors, adapter_config.json   the LoRA adapter (peft format)
    OUT/tokenizer.json, tokenizer_config.json, chat_template.jinja   exactly what training used
                              (loadable by transformers 4.x and 5.x; see curate/train/card.py)
    OUT/README.md             model card: base model hub id, data hashes, task, metrics, how to load
    OUT/training_card.json    base model, data hashes, config, skipped examples, final metrics, versions
    OUT/metrics.jsonl         one line per step (loss, lr, tokens/s, padding) and per evaluation
    OUT/checkpoints/step-N/   adapter + optimizer/RNG state as JSON + safetensors, never pickle
                              (the last two are kept; see curate/train/checkpoint.py)
    OUT/merged/               full merged model (with --merge)
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curate.errors import TrainingError, UsageError
from curate.train.batching import IGNORE, BatchStream, collate
from curate.train.card import hub_id, portable_tokenizer_config, task_summary, write_portable
from curate.train.checkpoint import check_checkpoint, load_state, save_state
from curate.train.data import Conversation, load_data_dir
from curate.train.masking import (
    Encoded,
    TemplateInfo,
    TemplateSkip,
    encode,
    ensure_chat_template,
    template_info,
)
from curate.train.options import TrainConfig
from curate.train.packing import PackStream, isolates_examples, micro_batch
from curate.train.plan import DeviceFacts, ModelShape, Plan, choose_plan, device_facts, model_shape
from curate.workspace import StageResult, Workspace, sha256_file, sha256_text, write_json

Progress = Callable[[dict[str, Any]], None]
KEEP_CHECKPOINTS = 2
DTYPES = {"fp32": "float32", "bf16": "bfloat16", "fp16": "float16"}  # torch attribute names
# Options that change the trained weights: a resumed run must use the same values.
RESULT_OPTIONS = (
    "model",
    "epochs",
    "max_steps",
    "lr",
    "lora_r",
    "lora_alpha",
    "lora_dropout",
    "target_modules",
    "batch_size",
    "grad_accum",
    "max_tokens",
    "seed",
    "warmup_ratio",
    "dtype",
    "packing",
)


@dataclass
class TrainResult:
    """What a training run produced; the CLI prints it and the card stores it."""

    out: str
    steps: int
    train_examples: int
    val_examples: int
    skipped: dict[str, int]
    padding_fraction: float
    tokens_per_s: float
    first_eval_loss: float | None
    last_eval_loss: float | None
    last_loss: float | None
    resumed_from: int | None = None
    chat_template: str = "model"
    merged: str | None = None
    warnings: list[str] = field(default_factory=list)
    peak_memory_gb: float | None = None
    plan: dict[str, Any] = field(default_factory=dict)
    stage_result: StageResult | None = None


def _plan(
    facts: DeviceFacts, config: TrainConfig, shape: ModelShape | None = None, tokens: int = 0
) -> Plan:
    return choose_plan(
        facts,
        dtype=config.dtype,
        gradient_checkpointing=config.gradient_checkpointing,
        fused_optimizer=config.fused_optimizer,
        packing=config.packing,
        shape=shape,
        tokens_per_batch=tokens,
    )


def lr_at(step: int, total: int, base: float, warmup: int) -> float:
    """Linear warmup, then cosine decay to 10 % of ``base``."""
    if step < warmup:
        return base * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return base * (0.1 + 0.45 * (1 + math.cos(math.pi * min(1.0, progress))))


def encode_all(
    tokenizer: Any, convs: Sequence[Conversation], max_tokens: int, info: TemplateInfo
) -> tuple[list[Encoded], Counter[str]]:
    """Encode conversations; count the skipped ones per reason."""
    out: list[Encoded] = []
    skipped: Counter[str] = Counter()
    for c in convs:
        try:
            enc = encode(tokenizer, c.messages, c.weights, max_tokens, info)
        except TemplateSkip as skip:
            skipped[skip.reason] += 1
            continue
        enc.line = c.line
        out.append(enc)
    return out, skipped


def _versions() -> dict[str, str]:
    import importlib.metadata as md

    from curate.workspace import versions

    out = versions()
    for pkg in ("torch", "transformers", "peft", "safetensors"):
        with contextlib.suppress(md.PackageNotFoundError):
            out[pkg] = md.version(pkg)
    return out


class _Loss:
    """Sum of token losses on trained positions; the LM head runs on those positions only."""

    def __init__(self, model: Any) -> None:
        base = model.get_base_model()
        cfg = base.config
        plain_head = getattr(cfg, "final_logit_softcapping", None) is None and not hasattr(
            cfg, "logit_scale"
        )
        self.model, self.base = model, base
        self.head_only = plain_head and base.get_output_embeddings() is not None

    def __call__(
        self,
        ids: Any,
        mask: Any,
        labels: Any,
        positions: Any = None,
        extra: dict[str, Any] | None = None,
    ) -> tuple[Any, int]:
        """Packed rows pass ``mask=None`` and restarting ``positions`` (see curate/train/packing.py)."""
        import torch.nn.functional as F

        targets = labels[:, 1:]
        sel = targets != IGNORE
        kw = {
            "attention_mask": mask,
            "position_ids": positions,
            "use_cache": False,
            **(extra or {}),
        }
        if self.head_only:
            hidden = self.base.get_decoder()(input_ids=ids, **kw).last_hidden_state
            logits = self.base.get_output_embeddings()(hidden[:, :-1][sel])
        else:
            logits = self.model(input_ids=ids, **kw).logits[:, :-1][sel]
        return F.cross_entropy(logits.float(), targets[sel], reduction="sum"), int(sel.sum())


@contextlib.contextmanager
def _oom_guard(config: TrainConfig, out: Path, at: dict[str, int]) -> Iterator[None]:
    """Turn out-of-memory into advice; the checkpoints written so far stay for --resume."""
    try:
        yield
    except (TrainingError, KeyboardInterrupt):
        raise
    except Exception as exc:
        if not _is_oom(exc):
            raise
        kept = _checkpoints(out)
        raise TrainingError(
            f"out of memory at step {at['step']} (--batch-size {config.batch_size}, "
            f"--max-tokens {config.max_tokens})",
            hint="lower --batch-size (raise --grad-accum to keep the effective batch) or --max-tokens"
            + (f"; the last checkpoint {kept[-1]} is kept: continue with --resume" if kept else ""),
        ) from exc


def _is_oom(exc: BaseException) -> bool:
    import torch

    if isinstance(exc, torch.OutOfMemoryError | MemoryError):
        return True
    text = str(exc).lower()
    return isinstance(exc, RuntimeError) and (
        "out of memory" in text or "can't allocate memory" in text
    )


def _checkpoints(out: Path) -> list[Path]:
    return sorted((out / "checkpoints").glob("step-*"), key=lambda p: int(p.name.split("-")[1]))


def _result_options(config: TrainConfig) -> dict[str, Any]:
    return {k: getattr(config, k) for k in RESULT_OPTIONS}


def train(
    data_dir: str | os.PathLike[str],
    config: TrainConfig,
    *,
    progress: Progress | None = None,
    workspace: Workspace | None = None,
) -> TrainResult:
    """Train a LoRA adapter on DATA_DIR/train.jsonl; see the module docstring for the outputs.

    The public entry point is ``curate.train`` (curate/train/api.py), which builds ``config``.
    With a workspace, the run is logged there as the ``train`` stage (``result.stage_result``).
    """
    data = Path(data_dir)
    out = Path(config.out)
    emit = progress or (lambda event: None)
    train_convs, val_convs = load_data_dir(data)
    ckpts = _checkpoints(out)
    if config.resume and not ckpts:
        raise UsageError(
            f"resume: {out} has no checkpoint to resume from",
            hint="drop resume to start fresh",
            param="resume",
        )
    if config.resume:
        check_checkpoint(ckpts[-1])  # before the model loads: an old pickle checkpoint is refused
    if not config.resume and (ckpts or (out / "adapter_model.safetensors").exists()):
        raise UsageError(
            f"{out} already holds a training run",
            hint="pass --resume to continue it, or choose another --out",
        )

    from curate.train.models import (
        load_model,
        load_tokenizer,
        pick_device,
        require_train_deps,
        resolve_model,
    )

    require_train_deps()
    import torch

    device = pick_device(config.device)
    facts = device_facts(device)
    plan = _plan(facts, config)  # refuses options the device cannot honour before any loading
    dtype = getattr(torch, DTYPES[plan.dtype])
    emit({"event": "phase", "message": f"loading {config.model}"})
    model_path = resolve_model(config.model)
    tokenizer = load_tokenizer(model_path)
    template_source = ensure_chat_template(tokenizer)
    info = template_info(tokenizer)
    pad_id = (
        tokenizer.pad_token_id
        if tokenizer.pad_token_id is not None
        else tokenizer.eos_token_id or 0
    )

    emit({"event": "phase", "message": "tokenizing"})
    train_ex, skipped = encode_all(tokenizer, train_convs, config.max_tokens, info)
    val_ex, val_skipped = encode_all(
        tokenizer, val_convs[: config.eval_examples], config.max_tokens, info
    )
    if not train_ex:
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(skipped.items()))
        raise UsageError(
            f"no trainable example in {data / 'train.jsonl'} ({reasons})",
            hint="raise --max-tokens if answers were truncated",
        )
    warnings: list[str] = []
    if skipped:
        warnings.append(
            f"skipped {sum(skipped.values())} of {len(train_convs)} training examples: "
            + ", ".join(f"{k} {v}" for k, v in sorted(skipped.items()))
        )
    if not val_ex:
        warnings.append("no val.jsonl examples: evaluation loss is not measured")
    if not info.end_markers and not info.eos_appended:
        warnings.append("the chat template closes assistant turns with no end-of-turn token")

    lengths = [len(e) for e in train_ex]
    multiple = 8 if device == "cuda" else 1

    random.seed(config.seed)
    torch.manual_seed(config.seed)
    emit({"event": "phase", "message": "preparing model"})
    base_model = load_model(model_path, dtype=dtype, device=device, attention=plan.attention)
    plan = _plan(facts, config, model_shape(base_model), config.batch_size * config.max_tokens)
    if plan.packing and not isolates_examples(base_model, device, _vocab(base_model, tokenizer)):
        if config.packing == "on":
            raise UsageError(
                f"packing on: {config.model} lets packed examples attend to each other "
                f"({plan.attention} attention ignores restarting position ids)",
                hint="pass packing auto or off (length-grouped batches)",
                param="packing",
            )
        plan.packing = False
        plan.reasons["packing"] = "off: the model's attention does not isolate packed examples"
    stream: BatchStream | PackStream = (
        PackStream(lengths, config.batch_size, config.max_tokens, config.seed)
        if plan.packing
        else BatchStream(lengths, config.batch_size, config.seed)
    )
    total = config.max_steps or max(
        1, math.ceil(config.epochs * stream.per_epoch / config.grad_accum)
    )
    warmup = round(config.warmup_ratio * total) if config.warmup_ratio > 0 else 0
    flatten = plan.packing and plan.attention == "flash_attention_2"
    model = _lora_model(base_model, config, plan.gradient_checkpointing)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        params, lr=config.lr, weight_decay=0.0, fused=plan.fused_optimizer or None
    )
    scaler = torch.amp.GradScaler("cuda") if dtype == torch.float16 else None
    autocast: Callable[[], Any] = (
        (lambda: torch.autocast(device, dtype=dtype)) if plan.autocast else contextlib.nullcontext
    )
    loss_fn = _Loss(model)

    start_step, resumed_from = 0, None
    metrics_path = out / "metrics.jsonl"
    out.mkdir(parents=True, exist_ok=True)
    if config.resume:
        start_step = _restore(ckpts[-1], model, optimizer, scaler, config)
        resumed_from = start_step
        _truncate_metrics(metrics_path, start_step)
    else:
        metrics_path.write_text("", "utf-8")

    def log(row: dict[str, Any]) -> None:
        with metrics_path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(row, sort_keys=True) + "\n")
        emit(row)

    def evaluate(step: int) -> float | None:
        if not val_ex:
            return None
        loss = _evaluate(
            model, loss_fn, val_ex, config.batch_size * 2, pad_id, device, multiple, autocast
        )
        log({"event": "eval", "step": step, "eval_loss": loss})
        return loss

    emit(
        {
            "event": "start",
            "total_steps": total,
            "start_step": start_step,
            "train_examples": len(train_ex),
        }
    )
    first_eval: float | None = None
    last_eval: float | None = None
    last_loss: float | None = None
    real_tokens, train_time, all_positions = 0, 0.0, 0
    at = {"step": start_step}
    with _oom_guard(config, out, at):
        first_eval = evaluate(0) if start_step == 0 else _first_eval(metrics_path)
        last_eval = first_eval
        model.train()
        for step in range(start_step, total):
            at["step"] = step + 1
            t0 = time.perf_counter()
            lr = lr_at(step, total, config.lr, warmup)
            for group in optimizer.param_groups:
                group["lr"] = lr
            micro = [
                micro_batch(stream, m, train_ex, pad_id, multiple, flatten, device)
                for m in range(step * config.grad_accum, (step + 1) * config.grad_accum)
            ]
            n_targets = max(1, sum(mb.targets for mb in micro))
            loss_sum, tokens, positions = 0.0, 0, 0
            for mb in micro:
                with autocast():
                    loss, _ = loss_fn(*mb.args)
                loss = loss / n_targets
                (scaler.scale(loss) if scaler else loss).backward()
                loss_sum += float(loss.detach())
                tokens += mb.tokens
                positions += mb.positions
            if not math.isfinite(loss_sum):
                raise TrainingError(
                    f"loss is {loss_sum} at step {step + 1}: training diverged",
                    hint=f"lower --lr (now {config.lr}); checkpoints are kept in {out / 'checkpoints'}",
                )
            if scaler:
                scaler.unscale_(optimizer)
            grad_norm = float(torch.nn.utils.clip_grad_norm_(params, 1.0))
            if scaler:
                scaler.step(optimizer)
                scaler.update()
            else:
                optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            dt = time.perf_counter() - t0
            real_tokens += tokens
            all_positions += positions
            train_time += dt
            last_loss = loss_sum
            log(
                {
                    "event": "step",
                    "step": step + 1,
                    "loss": loss_sum,
                    "lr": lr,
                    "grad_norm": grad_norm,
                    "tokens": tokens,
                    "tokens_per_s": tokens / dt,
                    "padding_fraction": 1 - tokens / positions,
                    "epoch": (step + 1) * config.grad_accum / stream.per_epoch,
                }
            )
            done = step + 1
            if config.eval_every and done % config.eval_every == 0 and done < total:
                last_eval = evaluate(done)
            if config.save_every and done % config.save_every == 0 and done < total:
                _save_checkpoint(out, done, model, optimizer, scaler, config)
        if val_ex:
            last_eval = evaluate(total)

    emit({"event": "phase", "message": "saving adapter"})
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    merged = None
    if config.merge:
        merged_dir = out / "merged"
        _merged(model, model_path, out, dtype).save_pretrained(merged_dir)
        tokenizer.save_pretrained(merged_dir)
        portable_tokenizer_config(merged_dir, tokenizer.chat_template)
        merged = str(merged_dir)

    result = TrainResult(
        out=str(out),
        steps=total,
        train_examples=len(train_ex),
        val_examples=len(val_ex),
        skipped=dict(sorted(skipped.items())),
        padding_fraction=1 - real_tokens / all_positions if all_positions else 0.0,
        tokens_per_s=real_tokens / train_time if train_time else 0.0,
        peak_memory_gb=torch.cuda.max_memory_allocated() / 2**30 if device == "cuda" else None,
        first_eval_loss=first_eval,
        last_eval_loss=last_eval,
        last_loss=last_loss,
        resumed_from=resumed_from,
        chat_template=template_source,
        merged=merged,
        warnings=warnings,
        plan=plan.as_dict(),
    )
    card = _card(config, data, model_path, tokenizer, info, result, dict(val_skipped))
    base = hub_id(config.model, model_path)
    card["base_model"]["hub_id"] = base
    card["task"] = task_summary(data)
    write_json(card, out / "training_card.json")
    write_portable(out, model, tokenizer, card, base)
    if workspace is not None:
        result.stage_result = _log_workspace(workspace, result, config, card, metrics_path)
    return result


def _vocab(model: Any, tokenizer: Any) -> int:
    """Token ids both the tokenizer and the embedding table know (for the packing probe)."""
    return int(min(len(tokenizer), model.get_input_embeddings().weight.shape[0]))


def _merged(model: Any, model_path: Path | str, adapter: Path, dtype: Any) -> Any:
    """The base with the adapter folded in, in the base's own precision: a base trained in
    half precision (autocast) is reloaded as stored, so merging does not round its weights."""
    import torch
    from peft import PeftModel

    from curate.train.models import load_model

    if dtype == torch.float32:
        return model.merge_and_unload()
    base = load_model(model_path, dtype="auto", device="cpu")
    return PeftModel.from_pretrained(base, adapter).merge_and_unload()


def _lora_model(model: Any, config: TrainConfig, checkpointing: bool | None = None) -> Any:
    from peft import LoraConfig, get_peft_model

    if config.gradient_checkpointing if checkpointing is None else checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=config.target_modules or "all-linear",
        task_type="CAUSAL_LM",
    )
    try:
        return get_peft_model(model, lora)
    except ValueError as exc:
        raise UsageError(f"target_modules: {exc}", param="target_modules") from exc


def _batches_by_length(examples: Sequence[Encoded], size: int) -> Iterator[list[Encoded]]:
    order = sorted(range(len(examples)), key=lambda i: len(examples[i]))
    for k in range(0, len(order), size):
        yield [examples[i] for i in order[k : k + size]]


def _evaluate(
    model: Any,
    loss_fn: _Loss,
    examples: Sequence[Encoded],
    size: int,
    pad_id: int,
    device: str,
    multiple: int,
    autocast: Callable[[], Any],
) -> float:
    """Mean loss per trained token over ``examples`` (dropout off, no gradients)."""
    import torch

    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for batch in _batches_by_length(examples, size):
            ids, mask, labels = (t.to(device) for t in collate(batch, pad_id, multiple))
            with autocast():
                loss, n = loss_fn(ids, mask, labels)
            total += float(loss)
            count += n
    model.train()
    return total / max(1, count)


def _save_checkpoint(
    out: Path, step: int, model: Any, optimizer: Any, scaler: Any, config: TrainConfig
) -> Path:
    """Adapter + optimizer + RNG state, written to a temporary folder and renamed into place."""
    folder = out / "checkpoints"
    target = folder / f"step-{step:06d}"
    tmp = folder / f".step-{step:06d}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    save_state(tmp, step, optimizer, scaler, _result_options(config))
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)
    for old in _checkpoints(out)[:-KEEP_CHECKPOINTS]:
        shutil.rmtree(old, ignore_errors=True)
    return target


def _restore(ckpt: Path, model: Any, optimizer: Any, scaler: Any, config: TrainConfig) -> int:
    """Load a checkpoint into the model/optimizer; the options that shape results must match."""
    import torch
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    state = load_state(ckpt)
    # compared as JSON stores them (a tuple of target modules reads back as a list)
    # a checkpoint from before packing existed was trained on unpacked batches
    saved = {"packing": "off", **state["options"]}
    now = json.loads(json.dumps(_result_options(config)))
    diff = [
        f"--{k.replace('_', '-')} {saved.get(k)!r} → {now[k]!r}"
        for k in now
        if saved.get(k) != now[k]
    ]
    if diff:
        raise UsageError(
            f"--resume: options differ from the checkpointed run ({'; '.join(diff)})",
            hint="resume with the same options, or start a new run in another --out",
        )
    set_peft_model_state_dict(model, load_file(str(ckpt / "adapter_model.safetensors")))
    optimizer.load_state_dict(state["optimizer"])
    if scaler and state["scaler"]:
        scaler.load_state_dict(state["scaler"])
    torch.set_rng_state(state["torch_rng"])
    if state["cuda_rng"] is not None and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda_rng"])
    random.setstate(state["python_rng"])
    return int(state["step"])


def _truncate_metrics(path: Path, step: int) -> None:
    """Drop metric lines written after the checkpoint we resume from."""
    if not path.exists():
        return
    keep = [
        line
        for line in path.read_text("utf-8").splitlines()
        if line.strip() and json.loads(line)["step"] <= step
    ]
    path.write_text("".join(line + "\n" for line in keep), "utf-8")


def _first_eval(path: Path) -> float | None:
    for line in path.read_text("utf-8").splitlines():
        row = json.loads(line)
        if row.get("event") == "eval":
            return float(row["eval_loss"])
    return None


def _card(
    config: TrainConfig,
    data: Path,
    model_path: Path | str,
    tokenizer: Any,
    info: TemplateInfo,
    result: TrainResult,
    val_skipped: dict[str, int],
) -> dict[str, Any]:
    """training_card.json: enough to know what this adapter is and to reproduce it."""
    files = {
        name: sha256_file(data / name)
        for name in ("manifest.json", "train.jsonl", "val.jsonl")
        if (data / name).exists()
    }
    return {
        "base_model": {
            "spec": config.model,
            "path": str(model_path.resolve() if isinstance(model_path, Path) else model_path),
        },
        "data": {
            "dir": str(data),
            "manifest_sha256": files.get("manifest.json"),
            "sha256": files,
        },
        "config": config.model_dump(),
        "chat_template": {
            "source": result.chat_template,
            "sha256": sha256_text(tokenizer.chat_template),
            "end_of_turn": sorted(info.end_markers),
            "eos_appended": info.eos_appended,
            "bos_added": info.adds_bos,
        },
        "examples": {
            "train": result.train_examples,
            "val": result.val_examples,
            "skipped": result.skipped,
            "val_skipped": val_skipped,
        },
        "metrics": {
            "steps": result.steps,
            "last_loss": result.last_loss,
            "first_eval_loss": result.first_eval_loss,
            "last_eval_loss": result.last_eval_loss,
            "tokens_per_s": result.tokens_per_s,
            "peak_memory_gb": result.peak_memory_gb,
            "padding_fraction": result.padding_fraction,
            "packing": result.plan.get("packing"),
        },
        "device_plan": result.plan,
        "versions": _versions(),
    }


def _log_workspace(
    ws: Workspace, result: TrainResult, config: TrainConfig, card: dict[str, Any], metrics: Path
) -> StageResult:
    target = ws.stage_dir("train") / "metrics.jsonl"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(metrics, target)
    write_json(card, ws.stage_dir("train") / "training_card.json")
    stage = StageResult(
        stage="train",
        workspace=str(ws.path),
        counts={"trained": result.train_examples, "skipped": sum(result.skipped.values())},
        reasons={"skipped": result.skipped},
        outputs={"metrics": str(target), "card": str(ws.stage_dir("train") / "training_card.json")},
        config=config.model_dump(),
        warnings=result.warnings,
        extra={"metrics": card["metrics"]},
    )
    ws.log_stage(stage)
    return stage
