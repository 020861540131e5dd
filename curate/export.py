"""`curate export`: kept records -> train/val/test JSONL a trainer accepts unchanged.

Each kept record is rendered through its schema's tasks (Jinja2, sandboxed, StrictUndefined)
into chat messages; a conversation task uses the record's ``turns``. The split is assigned per
record, leak-free and stratified (curate.splits); with a tokenizer every example is counted
exactly as its chat template renders it and shortened to ``max_tokens`` by dropping earlier turns
or cutting the user side, never the answer (curate.tokens). Examples are converted to the output
format, validated by its Pydantic model (curate.formats) and written with a manifest. Outcomes per
record go to ``export/outcomes.parquet``: ``exported`` (with split), ``over_length``, or
``no_example`` (no task of the schema applies, e.g. a ticket without a resolution).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from curate.errors import ConfigError, StageError, UsageError, WorkspaceError
from curate.formats import COMPLETION_STYLES, FORMATS, convert, dataset_info, validate_batch
from curate.splits import SPLITS, assign_splits, check_fractions
from curate.workspace import (
    StageResult,
    Workspace,
    atomic_path,
    curate_version,
    sha256_file,
    write_json,
)

Message = dict[str, Any]
ProgressFn = Callable[[str, int, int], None]
BOOKKEEPING = ("record_id", "source", "group", "language")
TOKEN_BATCH = 2048
VALIDATE_BATCH = 4096


# -- templates -------------------------------------------------------------------------------


class Template:
    """A compiled Jinja template rendered without Jinja's per-call globals merge (2x faster),
    with the system prompt's renders memoized: it usually depends on one field or none."""

    def __init__(self, template: Any, columns: set[str], memo: bool = False) -> None:
        self.template = template
        self.base = dict(template.globals)
        self.columns = sorted(columns)
        self.memo: dict[tuple[Any, ...], str] | None = {} if memo else None

    def render(self, ctx: dict[str, Any]) -> str:
        if self.memo is not None:
            try:
                key = tuple(ctx.get(c) for c in self.columns)
                hit = self.memo.get(key)
            except TypeError:  # an unhashable (list) value
                key, hit = None, None
            if hit is not None:
                return hit
        t = self.template
        context = t.environment.context_class(t.environment, {**self.base, **ctx}, t.name, t.blocks)
        text = "".join(t.root_render_func(context)).strip()
        if self.memo is not None and key is not None and len(self.memo) < 10_000:
            self.memo[key] = text
        return text


@dataclass
class CompiledTask:
    """A schema task with its templates compiled and the columns they read."""

    name: str
    conversation: bool
    requires: list[str]
    system: Template | None
    user: Template | None
    assistant: Template | None
    columns: list[str]


def _environment() -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    # finalize: a null field prints as "" (not "None"); `{% if field %}` still sees it as false.
    return ImmutableSandboxedEnvironment(
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        autoescape=False,
        finalize=lambda v: "" if v is None else v,
    )


def compile_tasks(schema: Any, names: Sequence[str] | None = None) -> list[CompiledTask]:
    """Compile the schema's tasks, checking every template only names fields the schema has."""
    from jinja2 import TemplateSyntaxError, meta

    env = _environment()
    known = set(schema.fields) | {"turns", *BOOKKEEPING}
    tasks = list(schema.tasks)
    if names:
        by_name = {t.name: t for t in tasks}
        missing = [n for n in names if n not in by_name]
        if missing:
            raise UsageError(
                f"--task {missing[0]!r}: schema '{schema.name}' has no such task",
                hint=f"its tasks: {', '.join(by_name) or 'none'}",
            )
        tasks = [by_name[n] for n in names]
    if not tasks:
        raise ConfigError(
            f"schema '{schema.name}' defines no tasks, so nothing can be exported",
            hint="add a [[tasks]] table with user and assistant templates",
        )
    out = []
    for task in tasks:
        compiled: dict[str, Any] = {}
        columns: set[str] = set(task.requires) - {"turns"}
        for part in ("system", "user", "assistant"):
            source = getattr(task, part)
            if not source:
                compiled[part] = None
                continue
            where = f"schema '{schema.name}', task '{task.name}', {part} template"
            try:
                ast = env.parse(source)
            except TemplateSyntaxError as exc:
                raise ConfigError(
                    f"{where}: syntax error on line {exc.lineno}: {exc.message}"
                ) from exc
            names_used = meta.find_undeclared_variables(ast) - set(env.globals)
            unknown = sorted(names_used - known)
            if unknown:
                raise ConfigError(
                    f"{where} references field '{unknown[0]}', which the schema does not define",
                    hint=f"fields: {', '.join(schema.fields)}",
                )
            columns |= names_used
            compiled[part] = Template(env.from_string(source), names_used, memo=part == "system")
        out.append(
            CompiledTask(
                task.name,
                task.conversation,
                list(task.requires),
                compiled["system"],
                compiled["user"],
                compiled["assistant"],
                sorted(columns - {"turns"}),
            )
        )
    return out


def conversation_messages(turns: Sequence[dict[str, Any]] | None) -> tuple[list[Message], str]:
    """Thread turns -> strictly alternating user/assistant messages ending with the assistant.

    Consecutive same-role turns are merged (two tweets in a row are one message), leading
    assistant and trailing user turns are dropped, blank turns skipped. ``system`` turns are
    returned as the second value, to join the task's system prompt."""
    merged: list[Message] = []
    system = []
    for t in turns or []:
        role, content = t.get("role"), (t.get("content") or "").strip()
        if not content:
            continue
        if role == "system":
            system.append(content)
        elif role in ("user", "assistant"):
            if merged and merged[-1]["role"] == role:
                merged[-1]["content"] += "\n\n" + content
            elif merged or role == "user":
                merged.append({"role": role, "content": content})
    while merged and merged[-1]["role"] != "assistant":
        merged.pop()
    return merged, "\n\n".join(system)


@dataclass
class Example:
    """One training example of one record, before format conversion."""

    row: int
    task: str
    messages: list[Message]
    chars: int = 0


def missing_required(df: pl.DataFrame, task: CompiledTask) -> list[str | None]:
    """Per record, the first of the task's required fields that is null or blank (vectorized)."""
    if not task.requires:
        return [None] * df.height
    checks = []
    for f in task.requires:
        if f not in df.columns:
            checks.append(pl.lit(f))
            continue
        dtype = df.schema[f]
        col = pl.col(f)
        if dtype == pl.Utf8:
            ok = col.str.strip_chars().str.len_chars() > 0
        elif isinstance(dtype, pl.List):
            ok = col.list.len() > 0
        else:
            ok = col.is_not_null()
        checks.append(pl.when(ok.fill_null(False)).then(None).otherwise(pl.lit(f)))
    return df.select(pl.coalesce(checks).alias("m"))["m"].to_list()


def render_records(
    df: pl.DataFrame, tasks: list[CompiledTask], train_on: str = "all"
) -> tuple[list[Example], dict[int, tuple[str, str]]]:
    """Render every record through every task; return examples and, for records that gave
    none, (reason, detail)."""
    cols = {c for t in tasks for c in t.columns} | {"record_id", "source"}
    data = {c: df[c].to_list() for c in cols if c in df.columns}
    has_turns = any(t.conversation for t in tasks) and "turns" in df.columns
    turns_col = df["turns"].to_list() if has_turns else [None] * df.height
    missing = [missing_required(df, t) for t in tasks]
    examples: list[Example] = []
    skipped: dict[int, tuple[str, str]] = {}
    for i in range(df.height):
        made = 0
        why: list[tuple[str, str]] = []
        for task, miss in zip(tasks, missing, strict=True):
            if miss[i] is not None:
                why.append(("missing_field", f"{task.name}: {miss[i]} is empty"))
                continue
            ctx = {c: data[c][i] for c in task.columns if c in data}
            try:
                system = task.system.render(ctx) if task.system else ""
                if task.conversation:
                    body, extra_system = conversation_messages(turns_col[i])
                    if not body:
                        why.append(
                            ("no_answer", f"{task.name}: no user turn answered by the assistant")
                        )
                        continue
                    system = "\n\n".join(s for s in (system, extra_system) if s)
                else:
                    user = task.user.render(ctx) if task.user else ""
                    answer = task.assistant.render(ctx) if task.assistant else ""
                    if not user or not answer:
                        part = "user" if not user else "assistant"
                        why.append(
                            ("empty_template", f"{task.name}: the {part} template rendered empty")
                        )
                        continue
                    body = [
                        {"role": "user", "content": user},
                        {"role": "assistant", "content": answer},
                    ]
            except Exception as exc:
                src = data["source"][i]
                raise ConfigError(
                    f"task '{task.name}' failed to render record {src}: {type(exc).__name__}: {exc}"
                ) from exc
            if train_on == "last":
                last = len(body) - 1
                body = [
                    {**m, "weight": int(j == last)} if m["role"] == "assistant" else m
                    for j, m in enumerate(body)
                ]
            msgs = ([{"role": "system", "content": system}] if system else []) + body
            examples.append(Example(i, task.name, msgs, sum(len(m["content"]) for m in msgs)))
            made += 1
        if not made:  # the most telling reason: a task that applied but rendered nothing
            reason = next((r for r, _ in why if r != "missing_field"), "missing_field")
            skipped[i] = (reason, "; ".join(d for _, d in why))
    return examples, skipped


# -- workspace inputs ------------------------------------------------------------------------


def kept_records(ws: Workspace, columns: Sequence[str] | None = None) -> tuple[pl.DataFrame, bool]:
    """Ingested records that dedupe kept (all of them if dedupe never ran), with cluster_id;
    only ``columns`` (plus the bookkeeping ones) when given."""
    lazy = ws.read_table("ingest", "records", lazy=True)
    if columns is not None:
        have = lazy.collect_schema().names()
        wanted = dict.fromkeys(["record_id", "source", "group", "turns", *columns])
        lazy = lazy.select([c for c in wanted if c in have])
    records = lazy.collect()
    if not ws.has_table("dedupe", "outcomes"):
        return records.with_columns(cluster_id=pl.lit(None, pl.Utf8)), False
    if ws.last_entry("dedupe") is None:
        raise WorkspaceError(
            f"{ws.table_path('dedupe', 'outcomes')} is older than the last ingest",
            hint=f"re-run `curate dedupe -w {ws.path}`, or delete {ws.stage_dir('dedupe')} "
            "to export without deduplication",
        )
    ded = ws.read_table("dedupe", "outcomes").select("record_id", "outcome", "cluster_id")
    joined = records.join(ded, on="record_id", how="left")
    absent = joined.filter(pl.col("outcome").is_null())
    if absent.height:
        raise WorkspaceError(
            f"{absent.height:,} ingested records have no dedupe outcome "
            f"(first: {absent['source'][0]}); dedupe ran on other records",
            hint=f"re-run `curate dedupe -w {ws.path}`",
        )
    return joined.filter(pl.col("outcome") == "kept").drop("outcome"), True


def _strata(
    df: pl.DataFrame, schema: Any, stratify: str | None
) -> tuple[str | None, list[Any] | None]:
    field = schema.stratify_default if stratify is None else stratify
    if field is None or field.lower() in ("", "none"):
        return None, None
    if field not in schema.fields:
        raise UsageError(
            f"--stratify {field!r}: schema '{schema.name}' has no such field",
            hint=f"fields: {', '.join(schema.fields)}; use --stratify none to disable",
        )
    if field not in df.columns:
        return None, None
    return field, df[field].cast(pl.Utf8).to_list()


# -- statistics ------------------------------------------------------------------------------


def distribution(values: Sequence[int]) -> dict[str, float]:
    if not values:
        return {}
    import numpy as np

    a = np.asarray(values, dtype=np.float64)
    q = np.percentile(a, [50, 90, 99])
    return {
        "min": int(a.min()),
        "mean": round(float(a.mean()), 2),
        "p50": float(q[0]),
        "p90": float(q[1]),
        "p99": float(q[2]),
        "max": int(a.max()),
        "sum": int(a.sum()),
    }


# -- the stage -------------------------------------------------------------------------------


def export(
    workspace: str | os.PathLike[str] | Workspace,
    *,
    out: str | os.PathLike[str],
    format: str = "chat",
    completion_style: str = "standard",
    val_fraction: float = 0.1,
    test_fraction: float = 0.0,
    seed: int = 0,
    stratify: str | None = None,
    tokenizer: Any = None,
    max_tokens: int | None = None,
    metadata: bool = False,
    train_on: str = "all",
    tasks: Sequence[str] | None = None,
    progress: ProgressFn | None = None,
) -> StageResult:
    """Write DIR/train.jsonl, val.jsonl (test.jsonl), manifest.json, dataset_info.json and the
    workspace's export tables; see the module docstring."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    fmt = format
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r} is not one of {', '.join(FORMATS)}")
    if completion_style not in COMPLETION_STYLES:
        raise UsageError(f"--completion-style must be one of {', '.join(COMPLETION_STYLES)}")
    if train_on not in ("all", "last"):
        raise UsageError(f"--train-on must be 'all' or 'last', got {train_on!r}")
    if train_on == "last" and fmt != "chat":
        raise UsageError("--train-on last needs --format chat (only chat lines carry a weight)")
    check_fractions(val_fraction, test_fraction)
    if max_tokens is not None and max_tokens < 1:
        raise UsageError(f"--max-tokens must be at least 1, got {max_tokens}")
    if max_tokens is not None and tokenizer is None:
        raise UsageError(
            "--max-tokens needs --tokenizer: lengths are counted with the real tokenizer"
        )
    from curate.schema import load_workspace_schema
    from curate.tokens import load_tokenizer

    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    ws.require("ingest")
    schema = load_workspace_schema(ws)
    compiled = compile_tasks(schema, tasks)
    tok = load_tokenizer(tokenizer) if tokenizer is not None else None
    out_dir = Path(out)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir}: exists and is not a directory")
    input_hash = ws.log_hash()

    # 1. records and renders
    t = time.perf_counter()
    strat_name = schema.stratify_default if stratify is None else stratify
    needed = {c for task in compiled for c in (*task.columns, *task.requires)}
    df, deduped = kept_records(ws, [*sorted(needed), *([strat_name] if strat_name else [])])
    examples, skipped = render_records(df, compiled, train_on)
    timings["render"] = time.perf_counter() - t
    if progress:
        progress("render", df.height, df.height)

    # 2. splits, per record
    t = time.perf_counter()
    rows = sorted({e.row for e in examples})
    strat_field, strata = _strata(df, schema, stratify)
    ids = df["record_id"].to_list()
    clusters = df["cluster_id"].to_list()
    groups = df["group"].to_list() if "group" in df.columns else [None] * df.height
    assigned = assign_splits(
        [ids[i] for i in rows],
        clusters=[clusters[i] for i in rows],
        groups=[groups[i] for i in rows],
        strata=[strata[i] for i in rows] if strata is not None else None,
        val_fraction=val_fraction,
        test_fraction=test_fraction,
        seed=seed,
    )
    split_of = dict(zip(rows, assigned, strict=True))
    timings["split"] = time.perf_counter() - t

    # 3. tokens and budget
    t = time.perf_counter()
    counts: list[Any] = [None] * len(examples)
    keep = [True] * len(examples)
    trimmed = 0
    if tok is not None:
        for start in range(0, len(examples), TOKEN_BATCH):
            chunk = examples[start : start + TOKEN_BATCH]
            try:
                measured = tok.measure([e.messages for e in chunk])
            except ValueError as exc:
                raise StageError(str(exc)) from exc
            for j, (ex, c) in enumerate(zip(chunk, measured, strict=True)):
                k = start + j
                counts[k] = c
                if max_tokens is not None and c.total > max_tokens:
                    fitted, c2 = tok.fit(ex.messages, max_tokens)
                    if fitted is None:
                        keep[k] = False
                    else:
                        ex.messages, counts[k], ex.chars = fitted, c2, c2.chars
                        trimmed += 1
            if progress:
                progress("tokens", min(start + TOKEN_BATCH, len(examples)), len(examples))
    timings["tokens"] = time.perf_counter() - t

    # 4. convert, validate, write
    t = time.perf_counter()
    sources = df["source"].to_list()
    lines: dict[str, list[bytes]] = {s: [] for s in SPLITS}
    batch: list[dict[str, Any]] = []
    from pydantic_core import to_json as dumps  # Rust: 3x faster than json.dumps, UTF-8 as is

    for k, ex in enumerate(examples):
        if not keep[k]:
            continue
        split = split_of[ex.row]
        obj = convert(ex.messages, fmt, completion_style)
        if metadata:
            obj["metadata"] = {
                "record_id": ids[ex.row],
                "id": f"{ids[ex.row]}:{ex.task}",
                "source": sources[ex.row],
                "cluster_id": clusters[ex.row],
                "split": split,
            }
        batch.append(obj)
        lines[split].append(dumps(obj))
        if len(batch) >= VALIDATE_BATCH:
            _validate(batch, fmt, completion_style)
            batch = []
    _validate(batch, fmt, completion_style)
    files = {"train": "train.jsonl"}  # a split asked for with fraction 0 would be an empty file
    if val_fraction > 0:
        files["val"] = "val.jsonl"
    if test_fraction > 0:
        files["test"] = "test.jsonl"
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale(out_dir, files)
    written = {}
    for split, name in files.items():
        with atomic_path(out_dir / name) as tmp, open(tmp, "wb") as f:
            for line in lines[split]:
                f.write(line)
                f.write(b"\n")
        written[split] = out_dir / name
    timings["write"] = time.perf_counter() - t

    # 5. outcomes, statistics, manifest, log
    outcomes = _outcomes(df, examples, keep, counts, split_of, skipped)
    ws.write_table("export", "outcomes", outcomes)
    token_stats = _token_stats(examples, keep, counts, split_of, tok, max_tokens, trimmed)
    stats_path = write_json(token_stats, ws.stage_dir("export") / "token_stats.json")
    exported = outcomes.filter(pl.col("outcome") == "exported")
    per_split = {
        s: {"examples": len(lines[s]), "records": int((exported["split"] == s).sum())}
        for s in files
    }
    n_out = dict(outcomes.group_by("outcome").len().iter_rows())
    config = {
        "format": fmt,
        "completion_style": completion_style if fmt == "completion" else None,
        "out": str(out_dir),
        "val_fraction": val_fraction,
        "test_fraction": test_fraction,
        "seed": seed,
        "stratify": strat_field,
        "tokenizer": tok.name if tok else None,
        "max_tokens": max_tokens,
        "metadata": metadata,
        "train_on": train_on,
        "tasks": [c.name for c in compiled],
    }
    schema_file = ws.stage_dir("ingest") / "schema.toml"
    rules_json = ws.stage_dir("ingest") / "rules.json"
    rules_pack = (
        json.loads(rules_json.read_text("utf-8")).get("pack") if rules_json.exists() else None
    )
    manifest = {
        "curate_version": curate_version(),
        "format": fmt,
        "files": {
            s: {"path": files[s], "sha256": sha256_file(p), **per_split[s]}
            for s, p in written.items()
        },
        "counts": {k: int(n_out.get(k, 0)) for k in ("exported", "over_length", "no_example")},
        "examples": sum(len(lines[s]) for s in files),
        "schema": {
            "name": schema.name,
            "sha256": sha256_file(schema_file) if schema_file.exists() else None,
        },
        "rules": rules_pack,
        "deduplicated": deduped,
        "config": config,
        "workspace": str(ws.path),
        "stage_log_sha256": input_hash,
    }
    write_json(manifest, out_dir / "manifest.json")
    info = dataset_info(fmt, completion_style, files)
    if info:
        write_json(info, out_dir / "dataset_info.json")
    elif (out_dir / "dataset_info.json").exists():
        (out_dir / "dataset_info.json").unlink()
    timings["total_s"] = time.perf_counter() - started
    warnings = []
    if not deduped:
        warnings.append(
            "no dedupe stage in this workspace: exported every ingested record "
            "(run `curate dedupe` first to drop duplicates and leaks)"
        )
    if stratify is None and schema.stratify_default and strat_field is None:
        warnings.append(
            f"records have no '{schema.stratify_default}' column; splits are not stratified"
        )
    result = StageResult(
        stage="export",
        workspace=str(ws.path),
        counts={k: int(v) for k, v in sorted(n_out.items())},
        reasons={
            "over_length": {"max_tokens": int(n_out.get("over_length", 0))}
            if n_out.get("over_length")
            else {},
            "no_example": _reason_counts(outcomes.filter(pl.col("outcome") == "no_example")),
        },
        outputs={
            "outcomes": str(ws.table_path("export", "outcomes")),
            "token_stats": str(stats_path),
            **{f"{s}.jsonl": str(p) for s, p in written.items()},
            "manifest.json": str(out_dir / "manifest.json"),
        },
        config=config,
        inputs={"stages.jsonl": input_hash},
        timings={k: round(v, 4) for k, v in timings.items()},
        warnings=warnings,
        extra={
            "splits": per_split,
            "examples": manifest["examples"],
            "trimmed": trimmed,
            "over_length_examples": keep.count(False),
            "tasks": _task_counts(examples, keep),
        },
    )
    ws.log_stage(result)
    return result


def _validate(batch: list[dict[str, Any]], fmt: str, style: str) -> None:
    from pydantic import ValidationError

    if not batch:
        return
    try:
        validate_batch(batch, fmt, style)
    except ValidationError as exc:
        first = exc.errors()[0]
        index = first["loc"][0] if first["loc"] else 0
        raise StageError(
            f"an exported example fails the {fmt} model: "
            f"{'.'.join(str(x) for x in first['loc'])}: {first['msg']} "
            f"(example {json.dumps(batch[int(index)])[:300]})"
        ) from exc


def _remove_stale(out_dir: Path, files: dict[str, str]) -> None:
    """A previous export's split file that this one does not write would mislead a trainer."""
    old = out_dir / "manifest.json"
    if not old.exists():
        return
    try:
        listed = [v["path"] for v in json.loads(old.read_text("utf-8")).get("files", {}).values()]
    except (ValueError, AttributeError, KeyError, TypeError):
        return
    for name in listed:
        if name not in files.values() and (out_dir / Path(name).name).exists():
            (out_dir / Path(name).name).unlink()


def _task_counts(examples: list[Example], keep: list[bool]) -> dict[str, int]:
    out: dict[str, int] = {}
    for ex, k in zip(examples, keep, strict=True):
        if k:
            out[ex.task] = out.get(ex.task, 0) + 1
    return out


def _reason_counts(df: pl.DataFrame) -> dict[str, int]:
    return {str(k): int(v) for k, v in df.group_by("reason").len().sort("reason").iter_rows()}


def _outcomes(
    df: pl.DataFrame,
    examples: list[Example],
    keep: list[bool],
    counts: list[Any],
    split_of: dict[int, str],
    skipped: dict[int, tuple[str, str]],
) -> pl.DataFrame:
    """One row per record: exported records sum their exported examples' counts, over-length
    ones what their examples needed."""
    n = df.height
    n_ex, made, chars = [0] * n, [0] * n, [0] * n
    for ex, k in zip(examples, keep, strict=True):
        made[ex.row] += 1
        if k:
            n_ex[ex.row] += 1
            chars[ex.row] += ex.chars
    tokens: list[int | None] = [None] * n
    user: list[int | None] = [None] * n
    asst: list[int | None] = [None] * n
    for ex, k, c in zip(examples, keep, counts, strict=True):
        r = ex.row
        if c is None or (not k and n_ex[r]):
            continue
        tokens[r] = (tokens[r] or 0) + c.total
        user[r] = (user[r] or 0) + c.user
        asst[r] = (asst[r] or 0) + c.assistant
    rows: list[tuple[str, str | None, str | None, str | None]] = []
    for r in range(n):
        if r in skipped:
            rows.append(("no_example", None, *skipped[r]))
        elif n_ex[r]:
            rows.append(("exported", split_of[r], None, None))
        else:
            rows.append(
                (
                    "over_length",
                    None,
                    "max_tokens",
                    f"{made[r]} example(s) over the budget even after trimming",
                )
            )
    outcome, split, reason, detail = (
        (list(col) for col in zip(*rows, strict=True)) if rows else ([], [], [], [])
    )
    return pl.DataFrame(
        {
            "record_id": df["record_id"],
            "outcome": outcome,
            "split": split,
            "n_examples": n_ex,
            "tokens": tokens,
            "user_tokens": user,
            "assistant_tokens": asst,
            "chars": chars,
            "reason": reason,
            "detail": detail,
        },
        schema={
            "record_id": pl.Utf8,
            "outcome": pl.Utf8,
            "split": pl.Utf8,
            "n_examples": pl.Int64,
            "tokens": pl.Int64,
            "user_tokens": pl.Int64,
            "assistant_tokens": pl.Int64,
            "chars": pl.Int64,
            "reason": pl.Utf8,
            "detail": pl.Utf8,
        },
    )


def _token_stats(
    examples: list[Example],
    keep: list[bool],
    counts: list[Any],
    split_of: dict[int, str],
    tok: Any,
    max_tokens: int | None,
    trimmed: int,
) -> dict[str, Any]:
    per: dict[str, dict[str, list[int]]] = {}
    for ex, k, c in zip(examples, keep, counts, strict=True):
        if not k:
            continue
        d = per.setdefault(
            split_of[ex.row], {"tokens": [], "user": [], "assistant": [], "chars": []}
        )
        d["chars"].append(ex.chars)
        if c is not None:
            d["tokens"].append(c.total)
            d["user"].append(c.user)
            d["assistant"].append(c.assistant)
    splits = {
        s: {
            "examples": len(d["chars"]),
            "chars": distribution(d["chars"]),
            **(
                {
                    "tokens": distribution(d["tokens"]),
                    "user_tokens": distribution(d["user"]),
                    "assistant_tokens": distribution(d["assistant"]),
                }
                if d["tokens"]
                else {}
            ),
        }
        for s, d in sorted(per.items(), key=lambda kv: SPLITS.index(kv[0]))
    }
    over = [c.total for c, k in zip(counts, keep, strict=True) if not k and c is not None]
    return {
        "tokenizer": tok.name if tok else None,
        "chat_template": bool(tok and tok.chat_template),
        "max_tokens": max_tokens,
        "trimmed_examples": trimmed,
        "over_length_examples": len(over),
        "over_length_tokens": distribution(over),
        "splits": splits,
    }
