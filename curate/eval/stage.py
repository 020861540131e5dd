"""Running an evaluation: load the models once, score the loss, generate, score, summarize, write.

Systems: ``base`` (the base model, adapter disabled), ``tuned`` (base + adapter, or the full
model given), and ``prompted`` (the base model with ``--prompt-baseline``). Every system sees
the prompt rendered with the tokenizer and chat template saved with the adapter, i.e. what
training used. Workspace outputs::

    eval/examples.jsonl   per example: line, task, prompt, reference, each system's answer,
                          scores and reference-answer loss
    eval/summary.json     per task and system: loss, perplexity, metric means, per-label
                          P/R/F1; tuned against each baseline with 95 % bootstrap intervals;
                          the biggest wins and losses
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curate.errors import UsageError
from curate.eval.examples import (
    Example,
    PromptBaseline,
    load_prompt_baseline,
    split_examples,
    task_of,
    to_example,
)
from curate.eval.options import EvalOptions

Progress = Callable[[dict[str, Any]], None]
LOSS_MAX_TOKENS = 1 << 20  # the loss is measured on the whole example: no truncation


@dataclass
class EvalResult:
    """What an evaluation found; ``summary`` is eval/summary.json's content."""

    summary: dict[str, Any]
    examples: int
    out_dir: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    stage_result: Any = None

    @property
    def tasks(self) -> dict[str, Any]:
        return dict(self.summary["tasks"])


def _resolve_schema(data: Path, options: EvalOptions, ws: Any) -> Any:
    """The schema whose tasks declare the metrics: --schema, else the export's (the workspace's
    copy when it is that schema, else the built-in of that name)."""
    from curate.schema import load_schema

    if options.schema_:
        return load_schema(options.schema_)
    manifest = data / "manifest.json"
    name = None
    if manifest.is_file():
        try:
            name = json.loads(manifest.read_text("utf-8"))["schema"]["name"]
        except (ValueError, KeyError, TypeError):
            name = None
    if ws is not None:
        copy = ws.stage_dir("ingest") / "schema.toml"
        if copy.is_file():
            schema = load_schema(copy)
            if name is None or schema.name == name:
                return schema
    if name is None:
        raise UsageError(
            f"{data} records no schema (no manifest.json from `curate export`)",
            hint="pass --schema NAME|FILE (the schema whose [[tasks]] declare the metrics)",
        )
    return load_schema(name)


def _check_metrics(schema: Any, tasks: set[str]) -> dict[str, list[str]]:
    from curate.eval.metrics import REGISTRY, known

    where = schema.source_path or schema.name
    declared = {t.name: list(t.metrics) for t in schema.tasks}
    out: dict[str, list[str]] = {}
    for task in sorted(tasks):
        if task not in declared:
            raise UsageError(
                f"task '{task}' of the evaluated examples is not in schema '{schema.name}' ({where})",
                hint="pass --schema with the schema the export was made with",
            )
        names = declared[task]
        if not names:
            raise UsageError(
                f"task '{task}' of schema '{schema.name}' declares no metrics ({where})",
                hint=f'add metrics = ["rouge_l", "chrf"] (or others: {known()}) to its [[tasks]] '
                "entry, then run `curate eval` again",
            )
        bad = [n for n in names if n not in REGISTRY]
        if bad:
            raise UsageError(
                f"task '{task}' of schema '{schema.name}' ({where}) names unknown metric "
                f"'{bad[0]}'",
                hint=f"known metrics: {known()}",
            )
        out[task] = names
    return out


def _load_examples(
    data: Path, options: EvalOptions, schema: Any, lines: list[tuple[int, dict[str, Any]]]
) -> list[Example]:
    if options.limit is not None:
        lines = lines[: options.limit]
    if not lines:
        raise UsageError(f"{data / (options.split + '.jsonl')} holds no examples")
    tasks = list(schema.tasks)
    if not tasks:
        raise UsageError(f"schema '{schema.name}' has no [[tasks]]; nothing to evaluate")
    return [to_example(n, obj, task_of(obj, tasks)) for n, obj in lines]


@dataclass
class _Models:
    tuned: Any
    base: Any  # None: the tuned model is a PeftModel and base is it with the adapter disabled
    tokenizer: Any
    device: str
    stop: list[int]
    pad: int
    adapter: str | None
    base_spec: str


def _load_models(model: str, options: EvalOptions) -> _Models:
    from curate.train.generate import _end_ids, _require_lora, adapter_base_model
    from curate.train.models import (
        load_model,
        load_tokenizer,
        no_stdin,
        pick_device,
        pick_dtype,
        quiet_transformers,
        require_train_deps,
        resolve_model,
    )

    path = Path(model)
    is_adapter = (path / "adapter_config.json").is_file()
    if not is_adapter and options.base is None:
        if path.is_dir() and not (path / "config.json").is_file():
            raise UsageError(
                f"{model} is neither an adapter (no adapter_config.json) nor a model "
                "(no config.json)",
                hint="pass the output folder of `curate train`",
            )
        raise UsageError(
            f"{model} is a full model, not an adapter: say which base model to compare it with",
            hint="pass --base MODEL (a model directory, a .gguf file or 'smollm2')",
        )
    require_train_deps()
    import torch

    quiet_transformers()
    device = pick_device(options.device)
    dtype = pick_dtype(options.dtype, device)
    if is_adapter:
        _require_lora(path)
        base_spec = options.base or adapter_base_model(path)
        base_path = _resolve_base(base_spec, model, options.base is not None)
        tokenizer = load_tokenizer(path)
        base = load_model(base_path, dtype=dtype, device=device)
        from peft import PeftModel

        with no_stdin():
            tuned = PeftModel.from_pretrained(base, str(path), is_trainable=False).eval()
        other = None
        end = _end_ids(path, tokenizer)
    else:
        assert options.base is not None
        base_spec = options.base
        tokenizer = load_tokenizer(resolve_model(model))
        tuned = load_model(resolve_model(model), dtype=dtype, device=device).eval()
        other = load_model(_resolve_base(base_spec, model, True), dtype=dtype, device=device).eval()
        end = []
    torch.manual_seed(options.seed)
    stop = [t for t in {tokenizer.eos_token_id, *end} if t is not None]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else stop[0] if stop else 0
    return _Models(
        tuned,
        other,
        tokenizer,
        device,
        sorted(stop),
        int(pad),
        model if is_adapter else None,
        base_spec,
    )


def _resolve_base(spec: str, model: str, given: bool) -> Any:
    """The base model's path; a missing one names the adapter that recorded it."""
    from curate.train.models import ALIASES, resolve_model

    if (
        not given
        and spec not in ALIASES
        and not Path(spec).exists()
        and (spec.startswith(("/", ".", "~")) or spec.count("/") != 1)
    ):
        raise UsageError(
            f"the base model of adapter {model} is missing: {spec} does not exist",
            hint="pass --base MODEL (the model it was trained on: a directory, a .gguf file or "
            "'smollm2'), or train the adapter again with `curate train`",
        )
    return resolve_model(spec)


class _Base:
    """The base model: the PeftModel with its adapter disabled, or the separate base model."""

    def __init__(self, m: _Models) -> None:
        self.m = m

    def __enter__(self) -> Any:
        if self.m.base is not None:
            return self.m.base
        self._ctx = self.m.tuned.disable_adapter()
        self._ctx.__enter__()
        return self.m.tuned

    def __exit__(self, *exc: object) -> None:
        if self.m.base is None:
            self._ctx.__exit__(*exc)


def _losses(
    model: Any,
    m: _Models,
    convs: list[tuple[tuple[dict[str, str], ...], tuple[int, ...]]],
    size: int,
) -> list[tuple[float, int] | None]:
    """(summed NLL, tokens) of the trained tokens (assistant turns, the training mask) of each
    conversation; None for one the template cannot encode."""
    import torch
    import torch.nn.functional as F

    from curate.train.batching import IGNORE, collate
    from curate.train.masking import TemplateSkip, encode, template_info

    info = template_info(m.tokenizer)
    encoded: list[Any] = []
    for msgs, weights in convs:
        try:
            encoded.append(encode(m.tokenizer, msgs, weights, LOSS_MAX_TOKENS, info))
        except TemplateSkip:
            encoded.append(None)
    out: list[tuple[float, int] | None] = [None] * len(convs)
    ok = sorted((i for i, e in enumerate(encoded) if e is not None), key=lambda i: len(encoded[i]))
    with torch.no_grad():
        for k in range(0, len(ok), size):
            idx = ok[k : k + size]
            ids, mask, labels = (t.to(m.device) for t in collate([encoded[i] for i in idx], m.pad))
            logits = model(input_ids=ids, attention_mask=mask, use_cache=False).logits[:, :-1]
            targets = labels[:, 1:]
            nll = F.cross_entropy(
                logits.float().transpose(1, 2), targets, ignore_index=IGNORE, reduction="none"
            )
            sums = nll.sum(1).tolist()
            counts = (targets != IGNORE).sum(1).tolist()
            for i, s, c in zip(idx, sums, counts, strict=True):
                out[i] = (float(s), int(c)) if c else None
    return out


def _generate(
    model: Any,
    m: _Models,
    prompts: list[tuple[dict[str, str], ...]],
    options: EvalOptions,
    emit: Progress,
    system: str,
) -> tuple[list[str], int, float]:
    from curate.train.generate import greedy_generate
    from curate.train.masking import encode_prompt

    ids = [encode_prompt(m.tokenizer, list(p)) for p in prompts]
    t0 = time.perf_counter()
    out = greedy_generate(
        model,
        ids,
        max_new_tokens=options.max_new_tokens,
        stop_ids=m.stop,
        pad_id=m.pad,
        batch_size=options.batch_size,
        device=m.device,
        on_batch=lambda done, total, tokens: emit(
            {
                "event": "generate",
                "system": system,
                "done": done,
                "total": total,
                "tokens": tokens,
                "elapsed_s": time.perf_counter() - t0,
            }
        ),
    )
    dt = time.perf_counter() - t0
    texts = [str(m.tokenizer.decode(o, skip_special_tokens=True)).strip() for o in out]
    return texts, sum(len(o) for o in out), dt


def _with_baseline(
    ex: Example, baseline: PromptBaseline
) -> tuple[tuple[dict[str, str], ...], tuple[int, ...]]:
    """The example's conversation under the prompt baseline, its own last answer the only one
    scored (the shots' answers are context, weight 0)."""
    msgs = baseline.apply(ex.messages)
    weights = (*tuple(0 for _ in msgs[:-1]), 1)
    return msgs, weights


def run_eval(
    model: str,
    data_dir: str,
    options: EvalOptions,
    *,
    workspace: Any = None,
    progress: Progress | None = None,
) -> EvalResult:
    """See ``curate.eval``. Everything that can be refused is checked before a model loads."""
    emit = progress or (lambda event: None)
    data = Path(data_dir)
    t_start = time.perf_counter()
    ws = workspace
    if ws is not None:
        ws.check_usable()
    lines = split_examples(data, options.split)  # a missing split is the first thing to say
    schema = _resolve_schema(data, options, ws)
    examples = _load_examples(data, options, schema, lines)
    metrics_of = _check_metrics(schema, {e.task for e in examples})
    baseline = load_prompt_baseline(options.prompt_baseline) if options.prompt_baseline else None

    emit({"event": "phase", "message": f"loading {os.path.normpath(model)}"})
    m = _load_models(model, options)
    timings: dict[str, float] = {"load_s": time.perf_counter() - t_start}
    systems: dict[str, tuple[Any, list[tuple[dict[str, str], ...]], list[Any]]] = {}
    plain = [(e.messages, e.weights) for e in examples]
    systems["tuned"] = (None, [e.prompt for e in examples], plain)
    systems["base"] = (None, [e.prompt for e in examples], plain)
    if baseline is not None:
        systems["prompted"] = (
            None,
            [baseline.apply(e.prompt) for e in examples],
            [_with_baseline(e, baseline) for e in examples],
        )
    answers: dict[str, list[str]] = {}
    losses: dict[str, list[tuple[float, int] | None]] = {}
    gen_tokens, gen_time = 0, 0.0
    for system, (_, prompts, convs) in systems.items():
        emit({"event": "phase", "message": f"{system}: loss of the reference answers"})
        ctx: Any = _Base(m) if system != "tuned" else _Same(m.tuned)
        with ctx as net:
            t0 = time.perf_counter()
            losses[system] = _losses(net, m, list(convs), options.batch_size)
            timings[f"{system}_loss_s"] = time.perf_counter() - t0
            emit({"event": "phase", "message": f"{system}: generating"})
            answers[system], n_tok, dt = _generate(net, m, prompts, options, emit, system)
        gen_tokens += n_tok
        gen_time += dt
        timings[f"{system}_generate_s"] = dt
    rows = []
    for k, e in enumerate(examples):
        rows.append(
            {
                "line": e.line,
                "task": e.task,
                "prompt": next(
                    (p["content"] for p in reversed(e.prompt) if p["role"] == "user"), ""
                ),
                "messages": list(e.prompt),
                "reference": e.reference,
                "answers": {s: answers[s][k] for s in systems},
                "loss": {s: list(got) for s in systems if (got := losses[s][k]) is not None},
            }
        )
    emit({"event": "phase", "message": "scoring"})
    from curate.eval.summary import score_rows, summarize

    t0 = time.perf_counter()
    score_rows(rows, metrics_of)
    tasks = summarize(rows, metrics_of, resamples=options.resamples, seed=options.seed)
    timings["score_s"] = time.perf_counter() - t0
    timings["generate_tokens_per_s"] = gen_tokens / gen_time if gen_time else 0.0
    timings["total_s"] = time.perf_counter() - t_start
    summary = {
        "model": model,
        "adapter": m.adapter,
        "base": m.base_spec,
        "data": str(data),
        "split": options.split,
        "schema": schema.name,
        "prompt_baseline": options.prompt_baseline,
        "systems": list(systems),
        "examples": len(rows),
        "options": options.model_dump(by_alias=True),
        "tasks": tasks,
        "timings": {k: round(v, 4) for k, v in timings.items()},
    }
    result = EvalResult(summary=summary, examples=len(rows), timings=timings)
    if ws is not None:
        _write(ws, rows, summary, options, result)
    return result


class _Same:
    def __init__(self, net: Any) -> None:
        self.net = net

    def __enter__(self) -> Any:
        return self.net

    def __exit__(self, *exc: object) -> None:
        return None


def _finite(obj: Any) -> Any:
    """JSON has no NaN/inf: write them as null."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def _input_hashes(data: Path, options: EvalOptions, model: str) -> dict[str, str]:
    """SHA-256 of what the scores depend on, as ingest and dedupe log theirs: the split's
    files and the export manifest, the adapter's weights and config (or a full model's
    config), and the prompt-baseline file."""
    from curate.train.data import split_files
    from curate.workspace import sha256_file

    files = [*split_files(data, options.split), data / "manifest.json"]
    path = Path(model)
    files += [path / n for n in ("adapter_config.json", "adapter_model.safetensors", "config.json")]
    if options.prompt_baseline:
        files.append(Path(options.prompt_baseline))
    return {str(f): sha256_file(f) for f in files if f.is_file()}


def _write(
    ws: Any,
    rows: list[dict[str, Any]],
    summary: dict[str, Any],
    options: EvalOptions,
    result: EvalResult,
) -> None:
    from curate.workspace import StageResult, atomic_path, write_json

    with ws.lock(create=True):
        folder = ws.stage_dir("eval")
        folder.mkdir(parents=True, exist_ok=True)
        examples_path = folder / "examples.jsonl"
        with atomic_path(examples_path) as tmp, open(tmp, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(_finite(row), ensure_ascii=False, sort_keys=True) + "\n")
        summary_path = write_json(_finite(summary), folder / "summary.json")
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["task"]] = counts.get(row["task"], 0) + 1
        stage = StageResult(
            stage="eval",
            workspace=str(ws.path),
            counts={"evaluated": len(rows)},
            reasons={"evaluated": dict(sorted(counts.items()))},
            outputs={"examples": str(examples_path), "summary": str(summary_path)},
            config=options.model_dump(by_alias=True)
            | {"model": summary["model"], "data": summary["data"]},
            inputs=_input_hashes(Path(summary["data"]), options, summary["model"]),
            timings={k: v for k, v in result.timings.items() if k.endswith("_s")},
        )
        ws.log_stage(stage)
    result.out_dir = os.fspath(folder)
    result.stage_result = stage


__all__ = ["EvalResult", "run_eval"]
