"""`curate run`: every stage from one config, skipping stages whose inputs did not change.

A stage's cache key hashes its input files, its full effective config (schema and rule-pack file
contents, templates, tokenizer files), the curate version, the stage's own code (``code_digest``:
from a git checkout the version stays the same while the rules change) and the key of the stage
before it, so a change anywhere upstream re-runs everything downstream. Keys are recorded only after a stage
has completed and logged, and every table is written atomically, so a run killed at any point
and started again finishes with the same outputs as an uninterrupted one. A matching key is not
enough to skip a stage: its outputs (tables, export files listed in the manifest, the adapter)
must still have the SHA-256 its stage log entry recorded. The whole run holds the workspace lock.

``[train] out`` is deleted and re-created on each training run, so it must be a folder this
command made (it holds the CREATED_MARKER file) or a new or empty one, and never the workspace,
the export folder, an input or the config's folder.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curate.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from curate.config import RunConfig
    from curate.engine.base import Engine
    from curate.workspace import StageResult, Workspace

# This module is imported with `import curate` (curate.run is also the function): the config
# models, the workspace (polars) and the stages are imported when a run starts.

RUN_STAGES = ("ingest", "dedupe", "export", "train", "eval", "report")
CACHE_FILE = "run_cache.json"


@dataclass
class RunResult:
    workspace: str
    stages: dict[str, StageResult | None] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    report_html: str | None = None
    samples: list[dict[str, str]] = field(default_factory=list)
    train_summary: dict[str, Any] = field(default_factory=dict)
    # The report stage's accounting check: None when the report did not run.
    accounting_ok: bool | None = None
    accounting_failures: list[dict[str, Any]] = field(default_factory=list)
    # eval/summary.json of the eval stage (None when it did not run or was cached)
    eval_summary: dict[str, Any] | None = None


# the package folders and modules whose code decides each stage's outputs (shared modules such
# as the workspace change every stage's key only through the version)
STAGE_CODE = {
    "ingest": ("ingest", "rules", "builtin", "engine", "schema.py", "user_regex.py"),
    "dedupe": ("dedupe", "engine"),
    "export": ("export",),
    "train": ("train",),
    "eval": ("eval",),
    "report": ("report", "report_assets"),
}


@functools.cache
def code_digest(stage: str, root: Path | None = None) -> str:
    """SHA-256 of the files of ``stage``'s code under ``root`` (curate's package folder):
    each file's path and bytes, in order, caches (``__pycache__``) left out. A checkout whose
    rules changed re-runs ingest though the version is the same (~10 ms, once per process)."""
    base = root or Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in STAGE_CODE.get(stage, ()):
        top = base / name
        files = sorted(top.rglob("*")) if top.is_dir() else [top]
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts and f.suffix != ".pyc":
                h.update(f"{f.relative_to(base).as_posix()}\x00".encode())
                h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def _hash_path(path: Path, h: Any) -> None:
    from curate.workspace import sha256_file

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
    from curate.workspace import sha256_file

    h = hashlib.sha256()
    h.update(f"{stage}\x00{__version__}\x00{code_digest(stage)}\x00{upstream}\x00".encode())
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
        rules = _ingest_rules(cfg, schema)
        if rules is not None:  # the pack that will run, also when the schema names it
            from curate.rules import load_rule_pack

            pack = load_rule_pack(rules)
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
    if stage == "eval" and cfg.eval is not None:
        for name in (cfg.eval.prompt_baseline, cfg.eval.base):
            if name and Path(cfg.resolve(name)).exists():
                _hash_path(Path(cfg.resolve(name)), h)
    return h.hexdigest()


def _ingest_rules(cfg: RunConfig, schema: Any) -> str | None:
    """The pack ingest will run under ``cfg`` (``resolve_rules``: the config's ``rules``, or
    for "schema", the default, the schema's; None for 'none'), a config-relative path resolved."""
    from curate.ingest.options import resolve_rules

    rules, origin = resolve_rules(cfg.ingest.rules, schema)
    return _resolve_named(cfg, rules) if rules is not None and origin == "option" else rules


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


def _outputs_intact(ws: Workspace, stage: str, cfg: RunConfig) -> bool:
    """Whether ``stage``'s last logged outputs are still the files it wrote (so it may be skipped)."""
    entry = ws.last_entry(stage)
    if entry is None:
        return False
    if entry.get("outputs") and "output_paths" not in entry:
        return False  # logged before curate recorded where outputs live: cannot vouch for them
    if ws.changed_outputs(stage):
        return False
    if stage == "export":
        manifest = ws.output_paths(entry).get("manifest.json")
        return manifest is not None and _export_files_intact(manifest)
    if stage == "train" and cfg.train is not None:
        return (Path(cfg.resolve(cfg.train.out)) / "adapter_model.safetensors").is_file()
    if stage == "eval":
        return (ws.stage_dir("eval") / "summary.json").is_file()
    return True


def _export_files_intact(manifest: Path) -> bool:
    """Every split file (or shard) the manifest lists has the SHA-256 it records."""
    from curate.workspace import sha256_file

    try:
        files = json.loads(manifest.read_text("utf-8"))["files"]
        listed = [f for e in files.values() for f in (e.get("shards") or [e])]
        return all(
            (manifest.parent / Path(f["path"]).name).is_file()
            and sha256_file(manifest.parent / Path(f["path"]).name) == f["sha256"]
            for f in listed
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def _contains(a: Path, b: Path) -> bool:
    """``a`` is ``b`` or a folder above it."""
    return a == b or a in b.parents


def _fresh_train_out(cfg: RunConfig) -> Path:
    """Empty ``[train] out`` for a new training run, deleting only a folder this command made.

    Called before the model is loaded, so a refused folder costs nothing."""
    from curate.workspace import CREATED_MARKER

    assert cfg.train is not None
    out = Path(cfg.resolve(cfg.train.out))
    where = f"[train] out = {cfg.train.out!r} ({out})"
    real = out.resolve()
    ws = Path(cfg.resolve(cfg.workspace))
    # (what, its path, whether a folder inside it is refused too)
    guarded = [
        ("the workspace", ws, False),
        *((f"the workspace's {s} folder", ws / s, True) for s in RUN_STAGES),
        ("the export folder ([export] out)", Path(cfg.resolve(cfg.export.out)), True),
        ("the config file's folder", Path(cfg.base_dir), False),
        *((f"the input {p}", Path(cfg.resolve(p)), True) for p in cfg.ingest.paths),
    ]
    for what, path, inside_too in guarded:
        other = path.resolve()
        if _contains(real, other) or (inside_too and other in real.parents):
            relation = "is or contains" if _contains(real, other) else "is inside"
            raise ConfigError(
                f"{where} {relation} {what} ({path})",
                hint="curate run deletes and re-creates [train] out on every training run: "
                'give it a folder of its own, e.g. out = "adapter"',
            )
    if out.exists() or out.is_symlink():
        if not out.is_dir() or out.is_symlink():
            raise ConfigError(f"{where} exists and is not a folder", hint="choose another path")
        if any(out.iterdir()):
            if not (out / CREATED_MARKER).is_file():
                raise ConfigError(
                    f"{where} is not empty and was not made by curate run (no {CREATED_MARKER} "
                    "file in it); curate never deletes a folder it did not make",
                    hint="choose a new folder for [train] out, or empty this one yourself",
                )
            # A cached key mismatch means the data or settings changed: start this stage afresh.
            shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / CREATED_MARKER).write_text(
        "made by `curate run`; it deletes and re-creates this folder on each training run\n",
        "utf-8",
    )
    return out


def run(
    config: str | Path | RunConfig,
    *,
    force: str | None = None,
    only: list[str] | None = None,
    on_stage: Callable[[str, str], None] | None = None,
    wait: bool = False,
    on_progress: Callable[[str, str], None] | None = None,
) -> RunResult:
    """Run the pipeline described by ``config``; ``force`` re-runs from that stage on.

    Holds the workspace lock throughout: another run on it raises a WorkspaceError naming the
    holder, or, with ``wait``, waits for it to finish. ``only`` runs just those stages;
    ``on_stage(stage, status)`` hears "cached", "running" and "done"; ``on_progress(stage,
    line)`` hears a stage's progress lines where it has them (eval's batches)."""
    from curate.config import RunConfig, load_config
    from curate.workspace import Workspace

    cfg = config if isinstance(config, RunConfig) else load_config(config)
    if force is not None and force not in RUN_STAGES:
        raise UsageError(
            f"force must be one of {', '.join(RUN_STAGES)}, got {force!r}", param="force"
        )
    ws = Workspace(cfg.resolve(cfg.workspace))
    ws.check_usable()
    # The lock's folder is removed again if the run fails before writing anything in it.
    with ws.lock(wait=wait):
        return _run_locked(cfg, ws, force, only, on_stage, on_progress)


def _run_locked(
    cfg: RunConfig,
    ws: Workspace,
    force: str | None,
    only: list[str] | None,
    on_stage: Callable[[str, str], None] | None,
    on_progress: Callable[[str, str], None] | None = None,
) -> RunResult:
    from curate.workspace import write_json

    cache = _load_cache(ws)
    result = RunResult(workspace=str(ws.path))
    engines: list[Engine] = []

    def engine() -> Engine:
        """The run's engine, made once, when a stage first needs it (Ray connects then)."""
        if not engines:
            from curate.engine import make_engine

            engines.append(make_engine(cfg.engine, cfg.ray_address))
        return engines[0]

    forced = False
    upstream = ""
    note = on_stage or (lambda stage, status: None)
    for stage in RUN_STAGES:
        if stage == "train" and cfg.train is None:
            continue
        if stage == "eval" and (cfg.eval is None or cfg.train is None):
            continue  # it evaluates the adapter [train] makes
        if stage == "dedupe" and not cfg.dedupe.enabled:
            continue
        if only and stage not in only:
            continue
        forced = forced or force == stage
        key = stage_key(stage, cfg, upstream)
        upstream = key
        if (
            stage != "report"
            and not forced
            and cache.get(stage) == key
            and _outputs_intact(ws, stage, cfg)
        ):
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
        result.stages[stage] = _run_stage(stage, cfg, ws, result, engine, on_progress)
        if stage != "report":
            cache[stage] = key
            write_json(cache, ws.path / CACHE_FILE)
        note(stage, "done")
    return result


def _run_stage(
    stage: str,
    cfg: RunConfig,
    ws: Workspace,
    result: RunResult,
    engine: Callable[[], Engine],
    on_progress: Callable[[str, str], None] | None = None,
) -> StageResult | None:
    """Run one stage with its section's options as keywords (every field, so a new option
    needs no change here); paths in the config are resolved against its folder."""
    if stage == "ingest":
        from curate.ingest import ingest

        c = cfg.ingest
        options = c.model_dump(by_alias=True, exclude={"paths"})
        options |= {
            "schema": _resolve_named(cfg, c.schema_),
            # "schema" (unset) and "none" are names ingest's resolve_rules reads; a path is
            # relative to the config
            "rules": _resolve_named(cfg, c.rules) if c.rules else None,
        }
        return ingest([cfg.resolve(p) for p in c.paths], workspace=ws, engine=engine(), **options)
    if stage == "dedupe":
        from curate.dedupe import dedupe

        d = cfg.dedupe
        options = d.model_dump(exclude={"enabled"})
        options |= {
            "against": [cfg.resolve(p) for p in d.against],
            "index": cfg.resolve(d.index) if d.index else None,
        }
        return dedupe(ws, engine=engine(), **options)
    if stage == "export":
        from curate.export import export

        e = cfg.export
        options = e.model_dump()
        options |= {"out": cfg.resolve(e.out), "tokenizer": _tokenizer(cfg, e.tokenizer)}
        return export(ws, engine=engine(), **options)
    if stage == "train":
        from curate.train import generate, train
        from curate.workspace import write_json

        t = cfg.train
        assert t is not None
        if t.resume:
            raise ConfigError(
                "[train] resume = true: curate run starts training afresh whenever its inputs "
                "or settings change, so there is no run of its own to resume",
                hint="continue a stopped run with `curate train --resume` instead",
            )
        model = t.model if t.model == "smollm2" else cfg.resolve(t.model)
        ws.verify_inputs("train")
        out = _fresh_train_out(cfg)
        options = t.model_dump(exclude={"samples"}) | {"model": model, "out": str(out)}
        trained = train(cfg.resolve(cfg.export.out), workspace=ws, **options)
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
    if stage == "eval":
        return _run_eval(cfg, ws, result, on_progress)
    if stage == "report":
        from curate.report import report

        r = cfg.report
        html = cfg.resolve(r.html) if r.html else None
        rep = report(ws, html=html, json_path=cfg.resolve(r.json_path) if r.json_path else None)
        result.report_html = html
        result.accounting_ok = rep.accounting_ok
        result.accounting_failures = [
            c for c in rep.facts["accounting"]["checks"] if c.get("ok") is False
        ]
        return getattr(rep, "stage_result", None)
    raise AssertionError(stage)


def _run_eval(
    cfg: RunConfig,
    ws: Workspace,
    result: RunResult,
    on_progress: Callable[[str, str], None] | None = None,
) -> StageResult | None:
    """[eval]: the [train] adapter against its base model on the export's held-out split."""
    from curate.eval import eval as evaluate
    from curate.eval.progress import describe

    def progress(ev: dict[str, Any]) -> None:
        line = describe(ev)
        if on_progress is not None and line:
            on_progress("eval", line)

    assert cfg.eval is not None and cfg.train is not None
    options = cfg.eval.model_dump(by_alias=True)
    for key in ("prompt_baseline", "schema"):
        value = options.get(key)
        if value and (value.endswith((".toml", ".txt", ".jsonl", ".md")) or "/" in value):
            options[key] = cfg.resolve(value)
    if options.get("base") and options["base"] != "smollm2":
        options["base"] = cfg.resolve(options["base"])
    evaluated = evaluate(
        cfg.resolve(cfg.train.out),
        cfg.resolve(cfg.export.out),
        workspace=ws,
        progress=progress,
        **options,
    )
    result.eval_summary = evaluated.summary
    return getattr(evaluated, "stage_result", None)
