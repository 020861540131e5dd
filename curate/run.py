"""`curate run`: every stage from one config, skipping stages whose inputs did not change.

A stage's cache key hashes its input files, its full effective config (schema and rule-pack file
contents, templates, tokenizer files), the curate version and the key of the stage before it,
so a change anywhere upstream re-runs everything downstream. Keys are recorded only after a stage
has completed and logged, and every table is written atomically, so a run killed at any point
and started again finishes with the same outputs as an uninterrupted one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curate.config import RunConfig, load_config
from curate.errors import UsageError
from curate.workspace import StageResult, Workspace, sha256_file, write_json

RUN_STAGES = ("ingest", "dedupe", "export", "train", "report")
CACHE_FILE = "run_cache.json"


@dataclass
class RunResult:
    workspace: str
    stages: dict[str, StageResult | None] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    report_html: str | None = None
    samples: list[dict[str, str]] = field(default_factory=list)
    train_summary: dict[str, Any] = field(default_factory=dict)


def _hash_path(path: Path, h: Any) -> None:
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file() and not p.name.startswith("."):
                h.update(str(p.relative_to(path)).encode())
                h.update(sha256_file(p).encode())
    elif path.exists():
        h.update(sha256_file(path).encode())
    else:
        # A glob or a built-in name: hash the files it resolves to, or the name itself.
        matches = sorted(Path().glob(str(path))) if any(c in str(path) for c in "*?[") else []
        for m in matches:
            _hash_path(m, h)
        h.update(str(path).encode())


def stage_key(stage: str, cfg: RunConfig, upstream: str) -> str:
    """The cache key of ``stage`` under ``cfg`` given the key of the stage before it."""
    from curate import __version__
    from curate.schema import load_schema

    h = hashlib.sha256()
    h.update(f"{stage}\x00{__version__}\x00{upstream}\x00".encode())
    section = getattr(cfg, stage, None)
    h.update(
        json.dumps(
            section.model_dump(by_alias=True) if section else None, sort_keys=True, default=str
        ).encode()
    )
    if stage == "ingest":
        for p in cfg.ingest.paths:
            _hash_path(Path(cfg.resolve(p)), h)
        schema = load_schema(_resolve_named(cfg, cfg.ingest.schema_))
        assert schema.source_path is not None
        h.update(sha256_file(schema.source_path).encode())
        if cfg.ingest.rules:
            from curate.rules import load_rule_pack

            pack = load_rule_pack(_resolve_named(cfg, cfg.ingest.rules))
            h.update(json.dumps(pack.model_dump(), sort_keys=True, default=str).encode())
    if stage == "dedupe":
        for p in cfg.dedupe.against:
            _hash_path(Path(cfg.resolve(p)), h)
    if stage == "export" and cfg.export.tokenizer:
        if cfg.export.tokenizer == "smollm2":
            h.update(b"smollm2")
        else:
            _hash_path(Path(cfg.resolve(cfg.export.tokenizer)), h)
    if stage == "train" and cfg.train is not None:
        model = Path(cfg.resolve(cfg.train.model))
        if model.exists():
            _hash_path(model, h)
    return h.hexdigest()


def _resolve_named(cfg: RunConfig, value: str) -> str:
    """A built-in name stays a name; anything that looks like a path is taken relative to the config."""
    if value.endswith(".toml") or "/" in value or os.sep in value:
        return cfg.resolve(value)
    return value


def _tokenizer(cfg: RunConfig, name: str | None) -> str | None:
    """A path relative to the config file, or a model alias (``smollm2``: the offline model's
    tokenizer, so token counts match the demo's model) left for load_tokenizer to resolve."""
    if not name:
        return None
    from curate.train.models import ALIASES

    return name if name in ALIASES else cfg.resolve(name)


def _load_cache(ws: Workspace) -> dict[str, str]:
    path = ws.path / CACHE_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError:
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)}


def _outputs_intact(ws: Workspace, stage: str) -> bool:
    entry = ws.last_entry(stage)
    if entry is None:
        return False
    for name, digest in entry.get("outputs", {}).items():
        path = entry.get("_paths", {}).get(name)
        if path and (not Path(path).exists() or sha256_file(path) != digest):
            return False
    return True


def run(
    config: str | Path | RunConfig,
    *,
    force: str | None = None,
    only: list[str] | None = None,
    on_stage: Callable[[str, str], None] | None = None,
) -> RunResult:
    """Run the pipeline described by ``config``; ``force`` re-runs from that stage on."""
    cfg = config if isinstance(config, RunConfig) else load_config(config)
    if force is not None and force not in RUN_STAGES:
        raise UsageError(f"--force must be one of {', '.join(RUN_STAGES)}, got '{force}'")
    ws = Workspace(cfg.resolve(cfg.workspace))
    ws.check_usable()  # made by the first stage that runs: a failed start leaves no folder
    cache = _load_cache(ws)
    result = RunResult(workspace=str(ws.path))
    forced = False
    upstream = ""
    note = on_stage or (lambda stage, status: None)
    for stage in RUN_STAGES:
        if stage == "train" and cfg.train is None:
            continue
        if stage == "dedupe" and not cfg.dedupe.enabled:
            continue
        if only and stage not in only:
            continue
        forced = forced or force == stage
        key = stage_key(stage, cfg, upstream)
        upstream = key
        if stage != "report" and not forced and cache.get(stage) == key and ws.last_entry(stage):
            note(stage, "cached")
            result.skipped.append(stage)
            if stage == "train" and cfg.train is not None:
                adapter = Path(cfg.resolve(cfg.train.out))
                if (adapter / "samples.json").exists():
                    result.samples = json.loads((adapter / "samples.json").read_text("utf-8"))
                if (adapter / "summary.json").exists():
                    result.train_summary = json.loads((adapter / "summary.json").read_text("utf-8"))
            result.stages[stage] = None
            continue
        note(stage, "running")
        result.stages[stage] = _run_stage(stage, cfg, ws, result)
        if stage != "report":
            cache[stage] = key
            write_json(cache, ws.path / CACHE_FILE)
        note(stage, "done")
    return result


def _run_stage(stage: str, cfg: RunConfig, ws: Workspace, result: RunResult) -> StageResult | None:
    if stage == "ingest":
        from curate.engine import run_stage_with_engine

        c = cfg.ingest
        rules = None if (c.rules or "").lower() == "none" else c.rules
        return run_stage_with_engine(
            "ingest",
            cfg.engine,
            cfg.ray_address,
            paths=[cfg.resolve(p) for p in c.paths],
            schema=_resolve_named(cfg, c.schema_),
            workspace=ws,
            rules=_resolve_named(cfg, rules) if rules else None,
            encoding=c.encoding,
            batch_size=c.batch_size,
            langid_backend=c.langid,
        )
    if stage == "dedupe":
        from curate.engine import run_stage_with_engine

        d = cfg.dedupe
        return run_stage_with_engine(
            "dedupe",
            cfg.engine,
            cfg.ray_address,
            workspace=ws,
            threshold=d.threshold,
            num_perm=d.num_perm,
            ngram=d.ngram,
            char_ngrams=d.char_ngrams,
            fields=d.fields,
            keep=d.keep,
            verify=d.verify,
            against=[cfg.resolve(p) for p in d.against],
            contamination_ngram=d.contamination_ngram,
            index_dir=cfg.resolve(d.index) if d.index else None,
            seed=d.seed,
        )
    if stage == "export":
        from curate.engine import run_stage_with_engine

        e = cfg.export
        return run_stage_with_engine(
            "export",
            cfg.engine,
            cfg.ray_address,
            workspace=ws,
            format=e.format,
            out=cfg.resolve(e.out),
            val_fraction=e.val_fraction,
            test_fraction=e.test_fraction,
            seed=e.seed,
            stratify=e.stratify,
            tokenizer=_tokenizer(cfg, e.tokenizer),
            max_tokens=e.max_tokens,
            metadata=e.metadata,
            shard_size=e.shard_size,
        )
    if stage == "train":
        from curate.train import TrainConfig as TrainerConfig
        from curate.train import generate, train

        t = cfg.train
        assert t is not None
        model = t.model if t.model == "smollm2" else cfg.resolve(t.model)
        out = Path(cfg.resolve(t.out))
        if out.exists():
            # A cached key mismatch means the data or settings changed: start this stage afresh.
            shutil.rmtree(out)
        trained = train(
            cfg.resolve(cfg.export.out),
            TrainerConfig(
                model=model,
                out=str(out),
                epochs=t.epochs,
                max_steps=t.max_steps,
                lr=t.lr,
                lora_r=t.lora_r,
                lora_alpha=t.lora_alpha,
                lora_dropout=t.lora_dropout,
                target_modules=t.target_modules,
                batch_size=t.batch_size,
                grad_accum=t.grad_accum,
                max_tokens=t.max_tokens,
                seed=t.seed,
                eval_every=t.eval_every,
                save_every=t.save_every,
                device=t.device,
                dtype=t.dtype,
            ),
            workspace=ws,
        )
        if t.samples:
            answers = generate(
                out,
                model=model,
                data_dir=cfg.resolve(cfg.export.out),
                val_samples=t.samples,
                max_new_tokens=96,
                device=t.device,
            )
            result.samples = [
                {
                    "prompt": a.prompt,
                    "base": a.base,
                    "tuned": a.tuned,
                    "reference": a.reference or "",
                }
                for a in answers
            ]
            write_json(result.samples, out / "samples.json")
        result.train_summary = {
            "steps": trained.steps,
            "first_eval_loss": trained.first_eval_loss,
            "last_eval_loss": trained.last_eval_loss,
            "tokens_per_s": trained.tokens_per_s,
            "padding_fraction": trained.padding_fraction,
            "adapter": str(out),
        }
        write_json(result.train_summary, out / "summary.json")
        return getattr(trained, "stage_result", None)
    if stage == "report":
        from curate.report import report

        r = cfg.report
        html = cfg.resolve(r.html) if r.html else None
        rep = report(ws, html=html, json_path=cfg.resolve(r.json_path) if r.json_path else None)
        result.report_html = html
        return getattr(rep, "stage_result", None)
    raise AssertionError(stage)
