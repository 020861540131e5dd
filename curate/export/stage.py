"""The export stage, in its steps: kept records -> train/val/test JSONL a trainer accepts unchanged.

Each kept record is rendered through its schema's tasks (curate.export.templates, .render)
into chat messages; a conversation task uses the record's ``turns``. The split is assigned per
record, leak-free and stratified (curate.export.splits); with a tokenizer every example is
counted exactly as its chat template renders it and shortened to ``max_tokens`` by dropping
earlier turns or cutting the user side, never the answer (curate.export.tokens). Examples are
converted to the output format, validated by its Pydantic model (curate.export.formats) and
written with a manifest (curate.export.writers). Outcomes per record go to
``export/outcomes.parquet``: ``exported`` (with split), ``over_length``, or ``no_example`` (no
task of the schema applies, e.g. a ticket without a resolution, or every example it made repeats
an earlier one: reason ``duplicate_example``).

No example is written twice: an example whose line (but for its metadata) equals an earlier
one's, in output order, is dropped and counted (``dropped_examples`` in the manifest), so no
split holds a copy and no copy straddles two splits (curate.export.copies).

Records stream through a row group at a time (curate.export.kept), so memory does not grow with
the input beyond a few dozen bytes per record: each batch is rendered (on the engine),
counted, converted, validated and serialized, its lines spilled to a temporary file without
their split (curate.export.collect); the splits need every record's leakage keys, so they are
assigned after the pass, and the spilled lines are then routed, in order, to ``train.jsonl``
etc., or to shards of ``shard_size`` examples (the manifest lists each split's shards in order,
and their concatenation is the single file byte for byte).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from curate.engine.base import Engine
from curate.errors import UsageError
from curate.export.collect import Collected, ProgressFn, first_pass, numpy_of, rendered_batches
from curate.export.copies import Copies, find_copies, take_off
from curate.export.kept import KeptBatches
from curate.export.options import ExportOptions
from curate.export.outcomes import write_outcomes
from curate.export.render import Renderer
from curate.export.splits import SPLITS, split_codes
from curate.export.stats import token_stats
from curate.export.templates import CompiledTask, compile_tasks
from curate.export.writers import (
    DROPPED,
    SplitWriter,
    file_entries,
    foreign_dataset_info,
    remove_stale,
    route,
    scratch_file,
    write_dataset_info,
)
from curate.workspace import (
    StageResult,
    Workspace,
    curate_version,
    sha256_file,
    stage_guard,
    tokenizer_identity,
    write_json,
)

NO_SPLIT = 255  # row_split code of a record without examples


@dataclass
class _Plan:
    """What export settles before reading a record."""

    ws: Workspace
    schema: Any
    tasks: list[CompiledTask]
    tok: Any  # a ChatTokenizer, or None
    out_dir: Path
    source: KeptBatches
    strat_field: str | None
    lineage: str
    source_rules: list[tuple[str, int]]  # GLOB=SPLIT rules in force (parsed)
    split_field: str | None


@dataclass
class _Splits:
    """The split of every record (``row_split``) and of every exported example (``ex_split``,
    DROPPED for a copy), and the copies found."""

    row_split: npt.NDArray[np.uint8]
    row_origin: npt.NDArray[np.uint8]  # per record: 0 no split, 1 drawn, 2 fixed by its source
    ex_rows: npt.NDArray[np.int64]
    ex_split: npt.NDArray[np.uint8]
    copies: Copies


@stage_guard("export")  # lock, and refuse ingest/dedupe tables the log does not vouch for
def run_export(
    workspace: Workspace,
    options: ExportOptions,
    engine: Engine,
    progress: ProgressFn | None = None,
    tokenizer: Any = None,
) -> StageResult:
    """Write DIR/train.jsonl, val.jsonl (test.jsonl), manifest.json, dataset_info.json and the
    workspace's export tables; see the module docstring. ``tokenizer`` is a tokenizer object
    given instead of ``options.tokenizer``'s name."""
    started = time.perf_counter()
    timings: dict[str, float] = dict.fromkeys(("render", "split", "tokens", "write"), 0.0)
    options.check()
    plan = _plan(workspace, options, tokenizer)
    plan.out_dir.mkdir(parents=True, exist_ok=True)
    plan.ws.stage_dir("export").mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as scratch:
        spill_path = scratch.enter_context(scratch_file(plan.out_dir))
        partial_path = scratch.enter_context(scratch_file(plan.ws.stage_dir("export")))
        # 1. render, count, convert, validate and serialize, a batch at a time
        renderer = Renderer.of(plan.schema, plan.tasks, options.train_on)
        got = first_pass(
            plan.source,
            rendered_batches(engine, renderer, plan.source),
            spill_path,
            partial_path,
            tok=plan.tok,
            fmt=options.format,
            completion_style=options.completion_style,
            metadata=options.metadata,
            max_tokens=options.max_tokens,
            strat_field=plan.strat_field,
            timings=timings,
            progress=progress,
            over_length=options.over_length,
            split_field=plan.split_field,
        )
        # 2. later copies of an example dropped; splits, per record left with an example
        t = time.perf_counter()
        splits = _assign_splits(got, options, plan)
        timings["split"] = time.perf_counter() - t
        # 3. route the spilled lines to their split files
        t = time.perf_counter()
        names = _split_files(options, splits)
        written = _write_splits(spill_path, plan.out_dir, names, splits.ex_split, options)
        timings["write"] += time.perf_counter() - t
        # 4. outcomes with their splits
        write_outcomes(
            partial_path,
            splits.row_split,
            plan.ws.table_path("export", "outcomes"),
            splits.copies.per_record,
            splits.row_origin,
        )
        got.fits.update(_fitted(plan.ws.table_path("export", "outcomes")))
    # 5. statistics, manifest, log
    per_split = _per_split(written, splits, names)
    stats = token_stats(got, splits.ex_split, plan.tok, options.max_tokens)
    stats |= _example_stats(got, splits.ex_split, options.max_tokens)
    stats_path = write_json(stats, plan.ws.stage_dir("export") / "token_stats.json")
    config = _config(options, plan)
    manifest = _manifest(plan, options, config, got, names, written, per_split, splits)
    write_json(manifest, plan.out_dir / "manifest.json")
    sharded = options.shard_size is not None
    write_dataset_info(
        plan.out_dir, options.format, options.completion_style, names, written, sharded
    )
    timings["total_s"] = time.perf_counter() - started
    result = _result(plan, options, config, got, names, per_split, manifest, stats_path, timings)
    plan.ws.log_stage(result)
    return result


def _example_stats(
    got: Collected, ex_split: npt.NDArray[np.uint8], budget: int | None
) -> dict[str, Any]:
    """Lengths per exported example, overall and per task, against the token budget (issue 26:
    the report's per-record figures sum a record's examples, which a budget does not)."""
    from curate.export.stats import distribution

    kept = ex_split < len(SPLITS)
    chars, tokens = numpy_of(got.chars), numpy_of(got.tokens)
    task_of = np.frombuffer(got.task_of, dtype=np.uint16) if len(got.task_of) else None

    def one(mask: npt.NDArray[np.bool_]) -> dict[str, Any]:
        out: dict[str, Any] = {"examples": int(mask.sum()), "chars": distribution(chars[mask])}
        if len(tokens):
            out["tokens"] = distribution(tokens[mask])
            if budget is not None:
                out["over_budget"] = int((tokens[mask] > budget).sum())
        return out

    tasks = {}
    if task_of is not None and len(task_of) == len(kept):
        for i, name in enumerate(got.task_names):
            tasks[name] = one(kept & (task_of == i))
    return {"examples": one(kept), "tasks": tasks}


def _plan(workspace: Workspace, options: ExportOptions, tokenizer: Any) -> _Plan:
    """The workspace's schema and tasks, the tokenizer, the output folder (checked) and the
    kept records to read, with the columns the tasks and the stratification need."""
    from curate.export.tokens import load_tokenizer
    from curate.schema import load_workspace_schema

    ws = workspace
    ws.require("ingest")
    schema = load_workspace_schema(ws)
    tasks = compile_tasks(schema, options.tasks)
    if tokenizer is None and options.tokenizer is not None:
        tokenizer = load_tokenizer(options.tokenizer)
    out_dir = Path(options.out)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"out {out_dir}: exists and is not a directory", param="out")
    ws.check_not_an_input(out_dir, "out")
    foreign_dataset_info(out_dir / "dataset_info.json")  # refused before anything is written
    lineage = lineage_hash(ws)
    stratify = options.stratify
    strat_name = schema.stratify_default if stratify is None else stratify
    needed = {c for task in tasks for c in (*task.columns, *task.requires)}
    rules, split_field = _source_split_plan(schema, options)
    wanted = [
        *sorted(needed),
        *([strat_name] if strat_name else []),
        *(["source_file"] if rules else []),
        *([split_field] if split_field else []),
    ]
    source = KeptBatches(ws, wanted)
    strat_field = stratify_field(schema, stratify, source.columns)
    return _Plan(
        ws, schema, tasks, tokenizer, out_dir, source, strat_field, lineage, rules, split_field
    )


def _source_split_plan(
    schema: Any, options: ExportOptions
) -> tuple[list[tuple[str, int]], str | None]:
    """The GLOB=SPLIT rules in force (the option's, else the schema's) and the split field
    (checked against the schema)."""
    from curate.export.source_splits import parse_source_splits

    given = options.source_splits
    rules = parse_source_splits(given if given is not None else schema.source_splits)
    field = options.split_field
    if field is not None and field not in schema.fields:
        raise UsageError(
            f"split_field {field!r}: schema '{schema.name}' has no such field",
            hint=f"fields: {', '.join(schema.fields)}",
            param="split_field",
        )
    return rules, field


def stratify_field(schema: Any, stratify: str | None, columns: list[str]) -> str | None:
    """The field splits are stratified by: ``stratify``, or the schema's default; None for
    'none', or when the records lack the column."""
    field = schema.stratify_default if stratify is None else stratify
    if field is None or field.lower() in ("", "none"):
        return None
    if field not in schema.fields:
        raise UsageError(
            f"stratify {field!r}: schema '{schema.name}' has no such field",
            hint=f"fields: {', '.join(schema.fields)}; use stratify 'none' to disable",
            param="stratify",
        )
    return field if field in columns else None


def _assign_splits(got: Collected, options: ExportOptions, plan: _Plan) -> _Splits:
    """Drop the later copies of an example, then assign a split to every record left with one:
    the split its source published where it has one, else drawn."""
    from curate.export.source_splits import fixed_codes

    strat_field = plan.strat_field
    keys = got.split_key_frame()
    copies = find_copies(got, keys)
    if copies.count:
        emptied = pl.DataFrame({"row": copies.emptied}, schema={"row": pl.Int64})
        keys = keys.join(emptied, on="row", how="anti", maintain_order="left")
        take_off(got, copies)
    fixed = fixed_codes(
        keys["source_file"] if plan.source_rules else None,
        keys["split_value"] if plan.split_field else None,
        plan.source_rules,
    )
    codes = split_codes(
        keys["record_id"],
        clusters=keys["cluster_id"],
        groups=keys["group"],
        strata=keys["stratum"] if strat_field else None,
        val_fraction=options.val_fraction,
        test_fraction=options.test_fraction,
        seed=options.seed,
        fixed=fixed,
    )
    row_split = np.full(got.n_rows, NO_SPLIT, np.uint8)
    row_split[keys["row"].to_numpy()] = codes
    row_origin = np.zeros(got.n_rows, np.uint8)
    row_origin[keys["row"].to_numpy()] = 1 if fixed is None else np.where(fixed >= 0, 2, 1)
    ex_rows = numpy_of(got.rows)
    ex_split = row_split[ex_rows]
    ex_split[copies.mask] = DROPPED
    return _Splits(row_split, row_origin, ex_rows, ex_split, copies)


def _fitted(outcomes: Path) -> dict[str, int]:
    """Exported records per over-length strategy that shortened them (their reason)."""
    frame = (
        pl.scan_parquet(outcomes)
        .filter((pl.col("outcome") == "exported") & pl.col("reason").is_not_null())
        .group_by("reason")
        .len()
        .collect()
    )
    return {str(k): int(v) for k, v in frame.iter_rows()}


def _split_files(options: ExportOptions, splits: _Splits | None = None) -> dict[str, str]:
    """The splits written and their file names: a split asked for with fraction 0 would be an
    empty file, so it is not written, unless a source fixed records to it."""
    held: set[int] = set()
    if splits is not None and (splits.row_origin == 2).any():
        held = {int(c) for c in np.unique(splits.row_split[splits.row_origin == 2])}
    names = {"train": "train.jsonl"}
    if options.val_fraction > 0 or 1 in held:
        names["val"] = "val.jsonl"
    if options.test_fraction > 0 or 2 in held:
        names["test"] = "test.jsonl"
    return names


def _write_splits(
    spill_path: Path,
    out_dir: Path,
    names: dict[str, str],
    ex_split: npt.NDArray[np.uint8],
    options: ExportOptions,
) -> dict[str, list[dict[str, Any]]]:
    """The spilled lines routed to their splits' files; per split, the files written (path,
    sha256, examples). A previous export's split file not written again is removed."""
    with contextlib.ExitStack() as outputs:
        writers = {s: SplitWriter(out_dir, s, options.shard_size, outputs) for s in names}
        route(spill_path, ex_split, writers, options.metadata)
        written = {s: w.close() for s, w in writers.items()}
        remove_stale(out_dir, {f["path"] for fs in written.values() for f in fs})
    return written


def _per_split(
    written: dict[str, list[dict[str, Any]]], splits: _Splits, names: dict[str, str]
) -> dict[str, dict[str, int]]:
    """Examples and records per split."""
    exported_rows = np.unique(splits.ex_rows[~splits.copies.mask])
    records_in = np.bincount(splits.row_split[exported_rows], minlength=len(SPLITS))
    sourced = exported_rows[splits.row_origin[exported_rows] == 2]
    from_source = np.bincount(splits.row_split[sourced], minlength=len(SPLITS))
    out: dict[str, dict[str, int]] = {}
    for s in names:
        out[s] = {
            "examples": sum(f["examples"] for f in written[s]),
            "records": int(records_in[SPLITS.index(s)]),
        }
        if len(sourced):  # which records the source placed, which were drawn
            out[s]["from_source"] = int(from_source[SPLITS.index(s)])
            out[s]["drawn"] = out[s]["records"] - out[s]["from_source"]
    return out


def _config(options: ExportOptions, plan: _Plan) -> dict[str, Any]:
    """The settings as the manifest and the stage log record them (what was resolved: the
    stratification field, the tokenizer's name, the tasks)."""
    config: dict[str, Any] = {
        "format": options.format,
        "completion_style": options.completion_style if options.format == "completion" else None,
        "out": str(plan.out_dir),
        "val_fraction": options.val_fraction,
        "test_fraction": options.test_fraction,
        "seed": options.seed,
        "stratify": plan.strat_field,
        "tokenizer": plan.tok.name if plan.tok else None,
        "tokenizer_sha256": (tokenizer_identity(plan.tok) or {}).get("sha256"),
        "max_tokens": options.max_tokens,
        "metadata": options.metadata,
        "train_on": options.train_on,
        "tasks": [c.name for c in plan.tasks],
    }
    if options.max_tokens is not None:
        config["over_length"] = options.over_length
    if plan.source_rules:
        config["source_splits"] = [f"{g}={SPLITS[c]}" for g, c in plan.source_rules]
    if plan.split_field:
        config["split_field"] = plan.split_field
    if options.shard_size is not None:
        config["shard_size"] = options.shard_size
    return config


def _manifest(
    plan: _Plan,
    options: ExportOptions,
    config: dict[str, Any],
    got: Collected,
    names: dict[str, str],
    written: dict[str, list[dict[str, Any]]],
    per_split: dict[str, dict[str, int]],
    splits: _Splits,
) -> dict[str, Any]:
    """manifest.json: the files with their hashes and counts, the schema, rules and lineage."""
    ws = plan.ws
    schema_file = ws.stage_dir("ingest") / "schema.toml"
    rules_json = ws.stage_dir("ingest") / "rules.json"
    rules_pack = (
        json.loads(rules_json.read_text("utf-8")).get("pack") if rules_json.exists() else None
    )
    n_out = got.outcomes
    ingest_config = (ws.last_entry("ingest") or {}).get("config") or {}
    return {
        "curate_version": curate_version(),
        "format": options.format,
        "files": file_entries(names, written, per_split, options.shard_size is not None),
        "counts": {k: int(n_out.get(k, 0)) for k in ("exported", "over_length", "no_example")},
        "examples": sum(per_split[s]["examples"] for s in names),
        "dropped_examples": {"duplicate_example": splits.copies.count},
        "schema": {
            "name": plan.schema.name,
            "sha256": sha256_file(schema_file) if schema_file.exists() else None,
            "path": ingest_config.get("schema_path"),
        },
        "rules": rules_pack,
        # the rule pack's and tokenizer's identity (issue 26): name, resolved path, content hash
        "rules_pack": {
            "name": ingest_config.get("rules"),
            "path": ingest_config.get("rules_path"),
            "sha256": ingest_config.get("rules_sha256"),
        }
        | (
            {"extends": ingest_config["rules_extends"]}
            if ingest_config.get("rules_extends")
            else {}
        ),
        "tokenizer": tokenizer_identity(plan.tok),
        "deduplicated": plan.source.deduped,
        "config": config,
        "workspace": str(ws.path),
        "lineage_sha256": plan.lineage,
    }


def _result(
    plan: _Plan,
    options: ExportOptions,
    config: dict[str, Any],
    got: Collected,
    names: dict[str, str],
    per_split: dict[str, dict[str, int]],
    manifest: dict[str, Any],
    stats_path: Path,
    timings: dict[str, float],
) -> StageResult:
    """The stage log entry: counts per outcome and reason, outputs, config, warnings."""
    ws, out_dir = plan.ws, plan.out_dir
    warnings = []
    if not plan.source.deduped:
        warnings.append(
            "no dedupe stage in this workspace: exported every ingested record "
            "(run `curate dedupe` first to drop duplicates and leaks)"
        )
    default = plan.schema.stratify_default
    if options.stratify is None and default and plan.strat_field is None:
        warnings.append(f"records have no '{default}' column; splits are not stratified")
    if per_split["train"]["records"] == 0 and any(v.get("from_source") for v in per_split.values()):
        warnings.append("source_splits put every record in val or test: train is empty")
    n_out = got.outcomes
    single = options.shard_size is None
    return StageResult(
        stage="export",
        workspace=str(ws.path),
        counts={k: int(v) for k, v in sorted(n_out.items())},
        reasons={
            "over_length": {"max_tokens": int(n_out.get("over_length", 0))}
            if n_out.get("over_length")
            else {},
            "no_example": dict(sorted(got.reasons.items())),
            **({"exported": dict(sorted(got.fits.items()))} if got.fits else {}),
        },
        outputs={
            "outcomes": str(ws.table_path("export", "outcomes")),
            "token_stats": str(stats_path),
            **{f"{s}.jsonl": str(out_dir / names[s]) for s in names if single},
            "manifest.json": str(out_dir / "manifest.json"),
        },
        config=config,
        inputs={"lineage": plan.lineage},
        timings={k: round(v, 4) for k, v in timings.items()},
        warnings=warnings,
        extra={
            "splits": per_split,
            "examples": manifest["examples"],
            "trimmed": got.trimmed,
            "over_length_examples": got.over_examples,
            "dropped_examples": manifest["dropped_examples"],
            "tasks": got.tasks,
        },
    )


def lineage_hash(ws: Workspace) -> str:
    """SHA-256 of what an export reads, by content: the hashes of the input and output files
    in the log entries of the stages it consumes (ingest, dedupe).

    The manifest used the stage log's own hash, which covers timings and finish times, so no
    two runs gave the same manifest; settings that do not change the data (batch size,
    workers) are left out too, as the files' hashes are all that the export depends on."""
    from curate.workspace import CONSUMED

    lineage = {}
    for stage in CONSUMED["export"]:
        entry = ws.last_entry(stage)
        if entry is not None:
            lineage[stage] = {k: entry.get(k) or {} for k in ("inputs", "outputs")}
    return hashlib.sha256(json.dumps(lineage, sort_keys=True).encode()).hexdigest()
