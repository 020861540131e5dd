"""`curate export`: kept records -> train/val/test JSONL a trainer accepts unchanged.

Each kept record is rendered through its schema's tasks (Jinja2, sandboxed, StrictUndefined)
into chat messages; a conversation task uses the record's ``turns``. The split is assigned per
record, leak-free and stratified (curate.splits); with a tokenizer every example is counted
exactly as its chat template renders it and shortened to ``max_tokens`` by dropping earlier turns
or cutting the user side, never the answer (curate.tokens). Examples are converted to the output
format, validated by its Pydantic model (curate.formats) and written with a manifest. Outcomes per
record go to ``export/outcomes.parquet``: ``exported`` (with split), ``over_length``, or
``no_example`` (no task of the schema applies, e.g. a ticket without a resolution, or every
example it made repeats an earlier one: reason ``duplicate_example``).

No example is written twice: an example whose line (but for its metadata) equals an earlier
one's, in output order, is dropped and counted (``dropped_examples`` in the manifest), so no
split holds a copy and no copy straddles two splits; ``curate validate`` finds no duplicates.

Records stream through a row group at a time (``KeptBatches``), so memory does not grow with the
input beyond a few dozen bytes per record (split keys, per-example counts): each batch is
rendered, counted, converted, validated and serialized, its lines spilled to a temporary file
without their split; the splits need every record's leakage keys, so they are assigned after
the pass, and the spilled lines are then routed, in order, to ``train.jsonl`` etc., or to
shards of ``shard_size`` examples (``train-00000.jsonl``, ...; the manifest lists each split's
shards in order, and their concatenation is the single file byte for byte).

Speed: templates made only of text, fields and ``{% if field %}`` render for a whole batch as
one Polars expression (others through Jinja, record by record); Pydantic checks each batch in
one pydantic-core call over TypedDicts; the cyclic GC is paused over the batch's small objects.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import heapq
import json
import os
import re
import tempfile
import time
from array import array
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from curate.errors import ConfigError, StageError, UsageError, WorkspaceError
from curate.formats import COMPLETION_STYLES, FORMATS, convert, dataset_info, validate_batch
from curate.splits import SPLITS, check_fractions, split_codes
from curate.workspace import (
    ROW_GROUP_SIZE,
    StageResult,
    Workspace,
    atomic_path,
    curate_version,
    sha256_file,
    stage_guard,
    write_json,
)

Message = dict[str, Any]
ProgressFn = Callable[[str, int, int], None]
BOOKKEEPING = ("record_id", "source", "group", "language")
TOKEN_BATCH = 8192
VALIDATE_BATCH = 4096
ROUTE_CHUNK = 65_536  # spilled lines routed per step
NO_SPLIT = 255  # row_split code of a record without examples
DROPPED = len(SPLITS)  # ex_split code of an example not written (a copy of an earlier one)
DIGEST_SIZE = 16  # bytes of an example's digest (_digests): a collision is out of reach


# -- templates -------------------------------------------------------------------------------


RenderFn = Callable[[dict[str, Any]], str]
Op = Callable[[dict[str, Any], list[str]], None]


class _Unsupported(Exception):
    """A template construct the direct renderer does not cover: Jinja renders it."""


def _ops(body: Sequence[Any]) -> list[Op]:
    """Plain text, ``{{ field }}`` and ``{% if field %}...{% elif %}...{% else %}`` as Python
    closures; anything else (filters, attributes, loops, expressions) raises _Unsupported."""
    from jinja2 import nodes

    ops: list[Op] = []
    for node in body:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    ops.append(_text_op(child.data))
                elif isinstance(child, nodes.Name) and child.ctx == "load":
                    ops.append(_field_op(child.name))
                else:
                    raise _Unsupported
        elif isinstance(node, nodes.If):
            branches = []
            for branch in (node, *node.elif_):
                if not (isinstance(branch.test, nodes.Name) and branch.test.ctx == "load"):
                    raise _Unsupported
                branches.append((branch.test.name, _ops(branch.body)))
            ops.append(_if_op(branches, _ops(node.else_)))
        else:
            raise _Unsupported
    return ops


def _text_op(text: str) -> Op:
    def op(ctx: dict[str, Any], out: list[str]) -> None:
        out.append(text)

    return op


def _field_op(name: str) -> Op:
    def op(ctx: dict[str, Any], out: list[str]) -> None:
        value = ctx[name]  # a KeyError (field absent) sends the render to Jinja
        out.append("" if value is None else str(value))  # the environment's finalize

    return op


def _if_op(branches: list[tuple[str, list[Op]]], otherwise: list[Op]) -> Op:
    def op(ctx: dict[str, Any], out: list[str]) -> None:
        for name, body in branches:
            if ctx[name]:
                for o in body:
                    o(ctx, out)
                return
        for o in otherwise:
            o(ctx, out)

    return op


def direct_renderer(ast: Any) -> RenderFn | None:
    """Render a template made only of text, fields and ifs on fields without Jinja's runtime
    (about 10x faster); None for anything else. A lone ``{{ field }}`` is a lookup."""
    from jinja2 import nodes

    body = ast.body
    if (
        len(body) == 1
        and isinstance(body[0], nodes.Output)
        and len(body[0].nodes) == 1
        and isinstance(body[0].nodes[0], nodes.Name)
    ):
        name = body[0].nodes[0].name
        return lambda ctx: "" if (value := ctx[name]) is None else str(value)
    try:
        ops = _ops(body)
    except _Unsupported:
        return None

    def render(ctx: dict[str, Any]) -> str:
        out: list[str] = []
        for op in ops:
            op(ctx, out)
        return "".join(out)

    return render


# str.strip()'s whitespace, for Polars' strip_chars (whose default set differs in \x1c-\x1f)
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _expr(body: Sequence[Any], schema: Any) -> pl.Expr:
    """The Polars expression rendering ``body`` (text, fields, ifs on fields) for every row,
    when all fields it reads are string columns; raises _Unsupported otherwise."""
    from jinja2 import nodes

    def field(node: Any) -> pl.Expr:
        if not (isinstance(node, nodes.Name) and node.ctx == "load"):
            raise _Unsupported
        if schema.get(node.name) not in (pl.Utf8, pl.Null):  # str() of others differs
            raise _Unsupported
        return pl.col(node.name).cast(pl.Utf8).fill_null("")

    parts: list[pl.Expr] = []
    for node in body:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    parts.append(pl.lit(child.data, pl.Utf8))
                else:
                    parts.append(field(child))
        elif isinstance(node, nodes.If):
            branches = [
                (field(b.test).str.len_bytes() > 0, _expr(b.body, schema))
                for b in (node, *node.elif_)
            ]
            chain: Any = pl
            for test, then in branches:
                chain = chain.when(test).then(then)
            parts.append(chain.otherwise(_expr(node.else_, schema)))
        else:
            raise _Unsupported
    if not parts:
        return pl.lit("", pl.Utf8)
    return pl.concat_str(parts) if len(parts) > 1 else parts[0]


class Template:
    """A compiled Jinja template rendered without Jinja's per-call globals merge (2x faster),
    or, when it is only text, fields and ifs, by ``direct_renderer`` (checked against Jinja on
    its first renders), with the system prompt's renders memoized: it usually depends on one
    field or none."""

    CHECKS = 3  # direct renders compared with Jinja's before it is trusted

    def __init__(
        self,
        template: Any,
        columns: set[str],
        memo: bool = False,
        ast: Any = None,
        where: str = "template",
    ) -> None:
        self.template = template
        self.where = where  # named in a render-limit error
        self.base = dict(template.globals)
        self.columns = sorted(columns)
        self.memo: dict[tuple[Any, ...], str] | None = {} if memo else None
        self.ast = ast
        self.direct = direct_renderer(ast) if ast is not None else None
        self.checked = 0
        self.vectorized = ast is not None

    def column(self, df: pl.DataFrame) -> list[str] | None:
        """Every row of ``df`` rendered by one Polars expression (text, string fields and ifs
        on them; the first rows checked against Jinja), or None where that does not apply."""
        if not self.vectorized or df.height == 0:
            return None
        if not self.columns:  # plain text: the same for every record
            return [self.jinja({})] * df.height
        try:
            expr = _expr(self.ast.body, df.schema)
        except _Unsupported:
            self.vectorized = False
            return None
        fields = df.select(self.columns)
        values = (
            fields.with_columns(expr.str.strip_chars(PY_WHITESPACE).alias("\x00rendered"))
            .get_column("\x00rendered")
            .to_list()
        )
        for i in range(min(self.CHECKS, df.height)):
            if values[i] != self.jinja(fields.row(i, named=True)):
                self.vectorized = False
                return None
        return values

    def jinja(self, ctx: dict[str, Any]) -> str:
        t = self.template
        context = t.environment.context_class(t.environment, {**self.base, **ctx}, t.name, t.blocks)
        from curate.template_sandbox import RenderLimitError

        try:  # concat is bounded (curate/template_sandbox.py)
            return str(t.environment.concat(t.root_render_func(context))).strip()
        except RenderLimitError as exc:
            raise ConfigError(
                f"{self.where}: {exc}",
                hint="a template renders one example: loop over fields, not large ranges",
            ) from exc

    def render(self, ctx: dict[str, Any]) -> str:
        if self.memo is not None:
            try:
                key = tuple(ctx.get(c) for c in self.columns)
                hit = self.memo.get(key)
            except TypeError:  # an unhashable (list) value
                key, hit = None, None
            if hit is not None:
                return hit
        text = None
        if self.direct is not None:
            try:
                text = self.direct(ctx).strip()
            except KeyError:  # a field the record lacks: Jinja raises the undefined error
                text = None
            if text is not None and self.checked < self.CHECKS:
                if text != self.jinja(ctx):
                    self.direct, text = None, None
                else:
                    self.checked += 1
        if text is None:
            text = self.jinja(ctx)
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


class SkipExample(Exception):
    """Raised by a template filter: the record gives no example for this task, for ``reason``
    (a key of ``_WHY``); counted like a missing field, never exported."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def without_heading(text: Any, heading: Any) -> str:
    """``text`` without ``heading`` where it opens the text, as a document_sections layout writes
    a section (its heading line, then the body): a task asking for the heading must not show it.
    Text that does not open with the whole heading comes back unchanged; a section that is only
    its heading raises SkipExample('heading_only')."""
    body = "" if text is None else str(text)
    head = "" if heading is None else str(heading).strip()
    opening = body.lstrip()
    if not head or not opening.startswith(head):
        return body
    rest = opening[len(head) :]
    if rest[:1].isalnum() and head[-1:].isalnum():  # "Section 2" opening "Section 20 ..."
        return body
    rest = rest.strip()
    if not rest:
        raise SkipExample("heading_only")
    return rest


def _environment() -> Any:
    from jinja2 import StrictUndefined

    from curate.template_sandbox import BoundedSandbox

    # finalize: a null field prints as "" (not "None"); `{% if field %}` still sees it as false.
    # BoundedSandbox: a template that loops or grows without bound fails instead of hanging.
    env = BoundedSandbox(
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        autoescape=False,
        finalize=lambda v: "" if v is None else v,
    )
    env.filters["without_heading"] = without_heading
    return env


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
            compiled[part] = Template(
                env.from_string(source), names_used, memo=part == "system", ast=ast, where=where
            )
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


@dataclass(slots=True)
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


_WHY = {
    "missing_field": "{task}: {arg} is empty",
    "no_answer": "{task}: no user turn answered by the assistant",
    "empty_template": "{task}: the {arg} template rendered empty",
    "heading_only": "{task}: the section holds nothing but its heading",
}


def render_records(
    df: pl.DataFrame, tasks: list[CompiledTask], train_on: str = "all"
) -> tuple[list[Example], dict[int, tuple[str, str]]]:
    """Render every record through every task; return examples (in record order, then task
    order) and, for records that gave none, (reason, detail)."""
    n = df.height
    has_turns = any(t.conversation for t in tasks) and "turns" in df.columns
    turns_col = df["turns"].to_list() if has_turns else [None] * n
    per_task = [_task_examples(df, task, train_on, turns_col) for task in tasks]
    if len(per_task) == 1:
        examples = per_task[0][0]
    else:  # heapq.merge keeps the task order among one record's examples
        examples = list(heapq.merge(*(made for made, _ in per_task), key=lambda e: e.row))
    skipped: dict[int, tuple[str, str]] = {}
    if len(examples) < n:
        has_example = bytearray(n)
        for e in examples:
            has_example[e.row] = 1
        for i in range(n):
            if has_example[i]:
                continue
            why = [
                (task.name, *failed[i]) for task, (_, failed) in zip(tasks, per_task, strict=True)
            ]
            # the most telling reason: a task that applied but rendered nothing
            reason = next((r for _, r, _ in why if r != "missing_field"), "missing_field")
            skipped[i] = (reason, "; ".join(_WHY[r].format(task=t, arg=a) for t, r, a in why))
    return examples, skipped


def _part(
    rendered: list[str] | None, template: Template | None, i: int, ctx: dict[str, Any]
) -> str:
    """Record i's text of one template: rendered by Polars already, or by Jinja now."""
    if rendered is not None:
        return rendered[i]
    return template.render(ctx) if template else ""


def _task_examples(
    df: pl.DataFrame, task: CompiledTask, train_on: str, turns_col: list[Any]
) -> tuple[list[Example], dict[int, tuple[str, str]]]:
    """One task's examples over a batch, in record order, and (reason, arg) per record it
    gave none. Templates Polars renders make the common case one comprehension."""
    n = df.height
    miss = missing_required(df, task)
    failed = {i: ("missing_field", m) for i, m in enumerate(miss) if m is not None}
    templates = (task.system, task.user, task.assistant)
    systems, users, answers = (t.column(df) if t else None for t in templates)
    direct = all(
        r is not None or t is None
        for r, t in zip((systems, users, answers), templates, strict=True)
    )
    last_only = train_on == "last"
    name = task.name
    if direct and not task.conversation and users is not None and answers is not None:
        todo = [i for i in range(n) if miss[i] is None]
        for i in todo:
            if not users[i] or not answers[i]:
                failed[i] = ("empty_template", "assistant" if users[i] else "user")
        if len(failed) > n - len(todo):
            todo = [i for i in todo if i not in failed]
        answer_extra = {"weight": 1} if last_only else {}
        sys_col = systems if systems is not None else [""] * n
        examples = [
            Example(
                i,
                name,
                [
                    *([{"role": "system", "content": sys_col[i]}] if sys_col[i] else []),
                    {"role": "user", "content": users[i]},
                    {"role": "assistant", "content": answers[i], **answer_extra},
                ],
                len(sys_col[i]) + len(users[i]) + len(answers[i]),
            )
            for i in todo
        ]
        return examples, failed

    # the general case: a conversation, or templates Jinja renders record by record
    present = [] if direct else [c for c in task.columns if c in df.columns]
    values = list(zip(*(df[c].to_list() for c in present), strict=True)) if present else None
    examples = []
    for i in range(n):
        if miss[i] is not None:
            continue
        ctx = dict(zip(present, values[i], strict=True)) if values is not None else {}
        try:
            system = _part(systems, task.system, i, ctx)
            if task.conversation:
                body, extra_system = conversation_messages(turns_col[i])
                if not body:
                    failed[i] = ("no_answer", "")
                    continue
                if extra_system:
                    system = f"{system}\n\n{extra_system}" if system else extra_system
            else:
                user = _part(users, task.user, i, ctx)
                answer = _part(answers, task.assistant, i, ctx)
                if not user or not answer:
                    failed[i] = ("empty_template", "assistant" if user else "user")
                    continue
                body = [
                    {"role": "user", "content": user},
                    {"role": "assistant", "content": answer},
                ]
        except SkipExample as skip:
            failed[i] = (skip.reason, "")
            continue
        except Exception as exc:
            src = df["source"][i]
            raise ConfigError(
                f"task '{name}' failed to render record {src}: {type(exc).__name__}: {exc}"
            ) from exc
        if last_only:
            last = len(body) - 1
            body = [
                {**m, "weight": int(j == last)} if m["role"] == "assistant" else m
                for j, m in enumerate(body)
            ]
        msgs = [{"role": "system", "content": system}, *body] if system else body
        chars = 0
        for m in msgs:
            chars += len(m["content"])
        examples.append(Example(i, name, msgs, chars))
    return examples, failed


# -- workspace inputs ------------------------------------------------------------------------


def kept_records(ws: Workspace, columns: Sequence[str] | None = None) -> tuple[pl.DataFrame, bool]:
    """All kept records at once (``KeptBatches`` concatenated): for callers that want a frame."""
    source = KeptBatches(ws, columns)
    frames = list(source)
    if not frames:
        empty = ws.read_table("ingest", "records", lazy=True).select(source.columns).head(0)
        return empty.collect().with_columns(cluster_id=pl.lit(None, pl.Utf8)), source.deduped
    return pl.concat(frames, how="vertical_relaxed"), source.deduped


class KeptBatches:
    """Ingested records that dedupe kept (all of them if dedupe never ran), with cluster_id,
    one row group at a time and in ingest order; only ``columns`` (plus the bookkeeping ones)
    when given. Dedupe writes its outcomes in ingest order, so the two tables are read in
    lockstep; a dedupe table in another order is joined from memory instead."""

    def __init__(self, ws: Workspace, columns: Sequence[str] | None = None) -> None:
        import pyarrow.parquet as pq

        self.ws = ws
        self.path = ws.table_path("ingest", "records")
        if not self.path.exists():
            ws.read_table("ingest", "records")  # raises the missing-table error
        meta = pq.ParquetFile(self.path)
        have = meta.schema_arrow.names
        wanted = have if columns is None else ["record_id", "source", "group", "turns", *columns]
        self.columns = [c for c in dict.fromkeys(wanted) if c in have]
        self.total = meta.metadata.num_rows
        self.read = 0  # ingested rows read so far, for progress
        self.deduped = ws.has_table("dedupe", "outcomes")
        self.joined: pl.DataFrame | None = None
        if self.deduped:
            if ws.last_entry("dedupe") is None:
                raise WorkspaceError(
                    f"{ws.table_path('dedupe', 'outcomes')} is older than the last ingest",
                    hint=f"re-run `curate dedupe -w {ws.path}`, or delete {ws.stage_dir('dedupe')} "
                    "to export without deduplication",
                )
            if not self._aligned():
                self._join_in_memory()

    def _stream(self, path: Path, columns: list[str]) -> Iterator[pl.DataFrame]:
        """A table's columns a row group at a time (workspace tables have 16k-row groups;
        a bigger group is cut after reading). Whole row groups rather than iter_batches:
        with this pyarrow, iter_batches keeps each batch's buffers allocated until the end
        of the file (measured: +3.5 MB per 16k rows, so memory grew with input size)."""
        import pyarrow.parquet as pq

        reader = pq.ParquetFile(path)
        for group in range(reader.num_row_groups):
            table = reader.read_row_group(group, columns=columns, use_threads=False)
            if path == self.path:
                self.read += table.num_rows
            frame = pl.from_arrow(table)
            assert isinstance(frame, pl.DataFrame)
            del table
            for start in range(0, frame.height, ROW_GROUP_SIZE):
                yield frame.slice(start, ROW_GROUP_SIZE)

    def _aligned(self) -> bool:
        """Whether dedupe/outcomes has every record, in ingest order, with an outcome."""
        ded = self.ws.table_path("dedupe", "outcomes")
        records = self._stream(self.path, ["record_id"])
        outcomes = _rebatched(self._stream(ded, ["record_id", "outcome"]))
        next(outcomes)
        for frame in records:
            other = outcomes.send(frame.height)
            if other is None or other.height != frame.height:
                return False
            if not (frame["record_id"] == other["record_id"]).all():
                return False
            if other["outcome"].null_count():
                return False
        return outcomes.send(1) is None

    def _join_in_memory(self) -> None:
        ded = self.ws.read_table("dedupe", "outcomes").select("record_id", "outcome", "cluster_id")
        absent = (
            pl.scan_parquet(self.path)
            .select("record_id", "source")
            .join(ded.lazy(), on="record_id", how="left", maintain_order="left")
            .filter(pl.col("outcome").is_null())
            .select("source")
            .collect()
        )
        if absent.height:
            raise WorkspaceError(
                f"{absent.height:,} ingested records have no dedupe outcome "
                f"(first: {absent['source'][0]}); dedupe ran on other records",
                hint=f"re-run `curate dedupe -w {self.ws.path}`",
            )
        self.joined = ded

    def __iter__(self) -> Iterator[pl.DataFrame]:
        self.read = 0
        records = self._stream(self.path, self.columns)
        if not self.deduped:
            for frame in records:
                yield frame.with_columns(cluster_id=pl.lit(None, pl.Utf8))
            return
        if self.joined is not None:
            for frame in records:
                got = frame.join(self.joined, on="record_id", how="left", maintain_order="left")
                yield got.filter(pl.col("outcome") == "kept").drop("outcome")
            return
        ded = self.ws.table_path("dedupe", "outcomes")
        outcomes = _rebatched(self._stream(ded, ["outcome", "cluster_id"]))
        next(outcomes)
        for frame in records:
            other = outcomes.send(frame.height)
            assert other is not None and other.height == frame.height
            kept = other["outcome"] == "kept"
            yield frame.with_columns(other["cluster_id"]).filter(kept)


def _rebatched(frames: Iterator[pl.DataFrame]) -> Generator[pl.DataFrame | None, int, None]:
    """A generator sent row counts, answering with that many next rows (None when exhausted,
    fewer at the end): reads one table in step with another whose batches differ in size."""
    buffer: list[pl.DataFrame] = []
    have = 0
    want = yield None  # primed by the first send
    while True:
        while have < want:
            nxt = next(frames, None)
            if nxt is None:
                break
            buffer.append(nxt)
            have += nxt.height
        if have == 0:
            want = yield None
            continue
        joined = pl.concat(buffer) if len(buffer) > 1 else buffer[0]
        out, rest = joined.slice(0, want), joined.slice(want)
        buffer, have = ([rest] if rest.height else []), rest.height
        want = yield out


def _strat_field(schema: Any, stratify: str | None, columns: Sequence[str]) -> str | None:
    field = schema.stratify_default if stratify is None else stratify
    if field is None or field.lower() in ("", "none"):
        return None
    if field not in schema.fields:
        raise UsageError(
            f"--stratify {field!r}: schema '{schema.name}' has no such field",
            hint=f"fields: {', '.join(schema.fields)}; use --stratify none to disable",
        )
    return field if field in columns else None


# -- statistics ------------------------------------------------------------------------------


def distribution(values: Sequence[int] | npt.NDArray[np.int64]) -> dict[str, float]:
    if len(values) == 0:
        return {}
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


OUTCOME_SCHEMA = {
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
}


class _Collected:
    """What the streaming pass keeps for the whole export: a few numbers per exported example
    (its record's row, chars, tokens) and a few short columns per record that made one (the
    split keys). Everything else of a batch is written out and dropped."""

    def __init__(self) -> None:
        self.rows = array("q")  # per exported example, in output order: its record's row
        self.chars = array("q")
        self.tokens = array("q")
        self.user = array("q")
        self.assistant = array("q")
        self.over_tokens: list[int] = []  # examples dropped as over_length
        self.split_keys: list[pl.DataFrame] = []
        self.tasks: dict[str, int] = {}
        # per exported example, in output order: the digest of its line without metadata
        # (DIGEST_SIZE bytes each) and its task's index in task_names, to find copies afterwards
        self.digests = bytearray()
        self.task_of = array("H")
        self.task_names: list[str] = []
        self.outcomes: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.trimmed = 0
        self.over_examples = 0
        self.n_rows = 0  # kept records seen

    def split_key_frame(self) -> pl.DataFrame:
        schema = {
            "row": pl.Int64,
            "record_id": pl.Utf8,
            "cluster_id": pl.Utf8,
            "group": pl.Utf8,
            "stratum": pl.Utf8,
        }
        if not self.split_keys:
            return pl.DataFrame(schema=schema)
        return pl.concat(self.split_keys).cast(schema)  # type: ignore[arg-type]


class _SplitWriter:
    """One split's JSONL output: a single file, or shards of ``shard_size`` examples named
    ``{split}-00000.jsonl`` in output order; SHA-256 is computed as the bytes go out."""

    def __init__(
        self, out_dir: Path, split: str, shard_size: int | None, stack: contextlib.ExitStack
    ) -> None:
        self.out_dir, self.split, self.shard_size, self.stack = out_dir, split, shard_size, stack
        self.files: list[dict[str, Any]] = []  # path, sha256, examples
        self.handle: Any = None
        self.hash: Any = None
        self.in_file = 0
        self.examples = 0
        self._next_file()

    def _next_file(self) -> None:
        self._close()
        if self.shard_size is None:
            name = f"{self.split}.jsonl"
        else:
            name = f"{self.split}-{len(self.files):05d}.jsonl"
        tmp = self.stack.enter_context(atomic_path(self.out_dir / name))
        self.handle = self.stack.enter_context(open(tmp, "wb", buffering=1 << 20))  # noqa: SIM115
        self.hash = hashlib.sha256()
        self.in_file = 0
        self.files.append({"path": name, "sha256": None, "examples": 0})

    def write_many(self, lines: list[bytes]) -> None:
        i = 0
        while i < len(lines):
            if self.shard_size is not None and self.in_file == self.shard_size:
                self._next_file()
            room = len(lines) - i
            if self.shard_size is not None:
                room = min(room, self.shard_size - self.in_file)
            blob = b"".join(lines[i : i + room])
            self.handle.write(blob)
            self.hash.update(blob)
            self.in_file += room
            self.examples += room
            i += room

    def _close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.files[-1].update(sha256=self.hash.hexdigest(), examples=self.in_file)
            self.handle = None

    def close(self) -> list[dict[str, Any]]:
        self._close()
        return self.files


@stage_guard("export")  # lock, and refuse ingest/dedupe tables the log does not vouch for
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
    shard_size: int | None = None,
    progress: ProgressFn | None = None,
) -> StageResult:
    """Write DIR/train.jsonl, val.jsonl (test.jsonl), manifest.json, dataset_info.json and the
    workspace's export tables; see the module docstring.

    Records stream through in row groups: render, count, convert, validate and serialize each
    batch, spilling lines to a temporary file; then assign splits over the few per-record keys
    kept and route the spilled lines to their split files (``shard_size`` examples per file
    when given). Memory is bounded by a batch plus a few dozen bytes per record."""
    started = time.perf_counter()
    timings: dict[str, float] = dict.fromkeys(("render", "split", "tokens", "write"), 0.0)
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
    if shard_size is not None and shard_size < 1:
        raise UsageError(f"--shard-size must be at least 1, got {shard_size}")
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
    ws.check_not_an_input(out_dir, "--out")
    input_hash = lineage_hash(ws)
    strat_name = schema.stratify_default if stratify is None else stratify
    needed = {c for task in compiled for c in (*task.columns, *task.requires)}
    wanted = [*sorted(needed), *([strat_name] if strat_name else [])]
    source = KeptBatches(ws, wanted)
    strat_field = _strat_field(schema, stratify, source.columns)
    deduped = source.deduped

    out_dir.mkdir(parents=True, exist_ok=True)
    ws.stage_dir("export").mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as scratch:
        spill_path = scratch.enter_context(_scratch_file(out_dir))
        partial_path = scratch.enter_context(_scratch_file(ws.stage_dir("export")))
        got = _first_pass(
            source,
            compiled,
            spill_path,
            partial_path,
            tok=tok,
            fmt=fmt,
            completion_style=completion_style,
            train_on=train_on,
            metadata=metadata,
            max_tokens=max_tokens,
            strat_field=strat_field,
            timings=timings,
            progress=progress,
        )

        # 2. later copies of an example dropped; splits, per record left with an example
        t = time.perf_counter()
        keys = got.split_key_frame()
        copies = _find_copies(got, keys)
        if copies.count:
            emptied = pl.DataFrame({"row": copies.emptied}, schema={"row": pl.Int64})
            keys = keys.join(emptied, on="row", how="anti", maintain_order="left")
            _take_off(got, copies)
        codes = split_codes(
            keys["record_id"],
            clusters=keys["cluster_id"],
            groups=keys["group"],
            strata=keys["stratum"] if strat_field else None,
            val_fraction=val_fraction,
            test_fraction=test_fraction,
            seed=seed,
        )
        row_split = np.full(got.n_rows, NO_SPLIT, np.uint8)
        row_split[keys["row"].to_numpy()] = codes
        del keys, codes
        timings["split"] = time.perf_counter() - t

        # 3. route the spilled lines to their split files
        t = time.perf_counter()
        names = {"train": "train.jsonl"}  # a split asked for with fraction 0 would be an empty file
        if val_fraction > 0:
            names["val"] = "val.jsonl"
        if test_fraction > 0:
            names["test"] = "test.jsonl"
        ex_rows = _numpy(got.rows)
        ex_split = row_split[ex_rows]
        ex_split[copies.mask] = DROPPED
        with contextlib.ExitStack() as outputs:
            writers = {s: _SplitWriter(out_dir, s, shard_size, outputs) for s in names}
            _route(spill_path, ex_split, writers, metadata)
            written = {s: w.close() for s, w in writers.items()}
            _remove_stale(out_dir, {f["path"] for fs in written.values() for f in fs})
        timings["write"] += time.perf_counter() - t

        # 4. outcomes with their splits
        _write_outcomes(
            partial_path, row_split, ws.table_path("export", "outcomes"), copies.per_record
        )

    # 5. statistics, manifest, log
    exported_rows = np.unique(ex_rows[~copies.mask])
    dropped = {"duplicate_example": copies.count}
    records_in = np.bincount(row_split[exported_rows], minlength=len(SPLITS))
    per_split = {
        s: {"examples": writers[s].examples, "records": int(records_in[SPLITS.index(s)])}
        for s in names
    }
    token_stats = _token_stats(got, ex_split, tok, max_tokens)
    stats_path = write_json(token_stats, ws.stage_dir("export") / "token_stats.json")
    n_out = got.outcomes
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
    if shard_size is not None:
        config["shard_size"] = shard_size
    schema_file = ws.stage_dir("ingest") / "schema.toml"
    rules_json = ws.stage_dir("ingest") / "rules.json"
    rules_pack = (
        json.loads(rules_json.read_text("utf-8")).get("pack") if rules_json.exists() else None
    )
    if shard_size is None:
        files: dict[str, Any] = {
            s: {"path": written[s][0]["path"], "sha256": written[s][0]["sha256"], **per_split[s]}
            for s in names
        }
    else:
        files = {s: {"shards": written[s], **per_split[s]} for s in names}
    manifest = {
        "curate_version": curate_version(),
        "format": fmt,
        "files": files,
        "counts": {k: int(n_out.get(k, 0)) for k in ("exported", "over_length", "no_example")},
        "examples": sum(per_split[s]["examples"] for s in names),
        "dropped_examples": dropped,
        "schema": {
            "name": schema.name,
            "sha256": sha256_file(schema_file) if schema_file.exists() else None,
        },
        "rules": rules_pack,
        "deduplicated": deduped,
        "config": config,
        "workspace": str(ws.path),
        "lineage_sha256": input_hash,
    }
    write_json(manifest, out_dir / "manifest.json")
    if shard_size is None:
        info_files = {s: names[s] for s in names}
    else:  # one LLaMA-Factory dataset per shard: `dataset: curate_train-00000,curate_train-00001`
        info_files = {f"{s}-{i:05d}": f["path"] for s in names for i, f in enumerate(written[s])}
    info = dataset_info(fmt, completion_style, info_files)
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
            "no_example": dict(sorted(got.reasons.items())),
        },
        outputs={
            "outcomes": str(ws.table_path("export", "outcomes")),
            "token_stats": str(stats_path),
            **{f"{s}.jsonl": str(out_dir / names[s]) for s in names if shard_size is None},
            "manifest.json": str(out_dir / "manifest.json"),
        },
        config=config,
        inputs={"lineage": input_hash},
        timings={k: round(v, 4) for k, v in timings.items()},
        warnings=warnings,
        extra={
            "splits": per_split,
            "examples": manifest["examples"],
            "trimmed": got.trimmed,
            "over_length_examples": got.over_examples,
            "dropped_examples": dropped,
            "tasks": got.tasks,
        },
    )
    ws.log_stage(result)
    return result


def _take_off(got: _Collected, copies: _Copies) -> None:
    """The dropped copies out of the per-task counts; the records they emptied out of the
    exported ones, into those without an example, for reason duplicate_example."""
    task_of = np.frombuffer(got.task_of, np.uint16)[copies.mask]
    for i, n in enumerate(np.bincount(task_of, minlength=len(got.task_names)).tolist()):
        got.tasks[got.task_names[i]] -= n
    got.tasks = {name: n for name, n in got.tasks.items() if n}
    emptied = len(copies.emptied)
    if emptied:
        got.outcomes["exported"] -= emptied
        got.outcomes["no_example"] += emptied
        got.reasons["duplicate_example"] += emptied
        if not got.outcomes["exported"]:
            del got.outcomes["exported"]


def _numpy(values: array[int]) -> npt.NDArray[np.int64]:
    return np.frombuffer(values, np.int64) if len(values) else np.empty(0, np.int64)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """A batch makes hundreds of thousands of small dicts and lists, all freed by reference
    counting; the cyclic collector's passes over them cost a third of the render time. Paused
    for the pass; the caller collects the young generations once per batch."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def _scratch_file(folder: Path) -> Iterator[Path]:
    """A temporary file in ``folder`` (same disk as the output), always removed."""
    fd, name = tempfile.mkstemp(prefix=".curate-export.", suffix=".tmp", dir=folder)
    os.close(fd)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def _first_pass(
    source: KeptBatches,
    compiled: list[CompiledTask],
    spill_path: Path,
    partial_path: Path,
    *,
    tok: Any,
    fmt: str,
    completion_style: str,
    train_on: str,
    metadata: bool,
    max_tokens: int | None,
    strat_field: str | None,
    timings: dict[str, float],
    progress: ProgressFn | None,
) -> _Collected:
    """Per batch of kept records: render, count tokens and fit the budget, convert, validate and
    serialize; lines go to ``spill_path`` (without their split), per-record outcomes (without
    theirs) to ``partial_path``; the rest is summed up in the returned _Collected."""
    import pyarrow.parquet as pq

    got = _Collected()
    writer: Any = None
    offset = 0
    # Without a budget the counts change no line, so a batch's examples are counted on a
    # second thread (the tokenizer runs without the GIL) while this one
    # converts and serializes them: that Python work hides behind the tokenizer's.
    counter = (
        ThreadPoolExecutor(1, thread_name_prefix="curate-count")
        if tok is not None and max_tokens is None
        else None
    )
    try:
        with _gc_paused(), open(spill_path, "wb", buffering=1 << 20) as spill:
            rendered = render_batches(source, compiled, train_on)
            while True:
                gc.collect(1)
                # 1. renders
                t = time.perf_counter()
                item = next(rendered, None)
                if item is None:
                    break
                df, examples, skipped = item
                made = list(dict.fromkeys(e.row for e in examples))
                got.split_keys.append(_split_keys(df, made, offset, strat_field))
                timings["render"] += time.perf_counter() - t
                if progress:
                    progress("render", source.read, source.total)

                # 2. tokens and budget
                t = time.perf_counter()
                job = None
                if counter is not None:  # counted while this thread serializes (see above)
                    job = counter.submit(_measure, tok, examples)
                    counts: list[Any] = []
                    keep = [True] * len(examples)
                else:
                    counts, keep = _count_tokens(examples, tok, max_tokens, got)
                timings["tokens"] += time.perf_counter() - t

                # 3. convert, validate, serialize
                t = time.perf_counter()
                lines = _serialize(df, examples, keep, offset, got, fmt, completion_style, metadata)
                if lines:
                    spill.write(b"\n".join(lines))
                    spill.write(b"\n")
                timings["write"] += time.perf_counter() - t
                if job is not None:
                    t = time.perf_counter()
                    counts = job.result()
                    timings["tokens"] += time.perf_counter() - t
                _record_counts(got, counts, keep)
                if progress and tok is not None:
                    progress("tokens", len(got.rows), len(got.rows))

                # 4. outcomes, split to come
                frame = _outcomes(df, examples, keep, counts, skipped)
                got.outcomes.update(dict(frame.group_by("outcome").len().iter_rows()))
                got.reasons.update(
                    dict(
                        frame.drop_nulls("reason")
                        .filter(pl.col("outcome") == "no_example")
                        .group_by("reason")
                        .len()
                        .iter_rows()
                    )
                )
                table = frame.to_arrow()
                if writer is None:
                    writer = pq.ParquetWriter(partial_path, table.schema, compression="none")
                writer.write_table(table)
                offset += df.height
    finally:
        if writer is not None:
            writer.close()
        if counter is not None:
            counter.shutdown(cancel_futures=True)
    got.n_rows = offset
    if writer is None:  # no kept records at all
        pl.DataFrame(schema=OUTCOME_SCHEMA).write_parquet(partial_path)
    return got


def render_batches(
    batches: Iterable[pl.DataFrame], tasks: list[CompiledTask], train_on: str = "all"
) -> Iterator[tuple[pl.DataFrame, list[Example], dict[int, tuple[str, str]]]]:
    """Each batch with its examples and skipped records (``render_records``), in order: the
    seam where an engine can render batches elsewhere, several ahead, while export consumes
    them (the Ray engine swaps ``render_records`` itself, one batch at a time)."""
    for df in batches:
        examples, skipped = render_records(df, tasks, train_on)
        yield df, examples, skipped


def _split_keys(
    df: pl.DataFrame, made: list[int], offset: int, strat_field: str | None
) -> pl.DataFrame:
    """The columns splits need, for the batch's records that made an example, copied out
    (through Python lists) so that they do not pin the batch's Arrow buffers, which string
    views pointing into them would: measured, that kept 8x their size alive."""
    picked = df[made]
    null = [None] * len(made)

    def strings(name: str | None) -> list[Any]:
        if name is None or name not in picked.columns:
            return null
        return picked[name].cast(pl.Utf8).to_list()

    return pl.DataFrame(
        {
            "row": [offset + i for i in made],
            "record_id": strings("record_id"),
            "cluster_id": strings("cluster_id"),
            "group": strings("group"),
            "stratum": strings(strat_field),
        },
        schema={
            "row": pl.Int64,
            "record_id": pl.Utf8,
            "cluster_id": pl.Utf8,
            "group": pl.Utf8,
            "stratum": pl.Utf8,
        },
    )


def _measure(tok: Any, examples: Sequence[Example]) -> list[Any]:
    try:
        return list(tok.measure([e.messages for e in examples]))
    except ValueError as exc:  # a chat template's raise_exception
        raise StageError(str(exc)) from exc


def _count_tokens(
    examples: list[Example], tok: Any, max_tokens: int | None, got: _Collected
) -> tuple[list[Any], list[bool]]:
    """Exact counts per example; over-budget ones trimmed (messages replaced) or not kept."""
    counts: list[Any] = [None] * len(examples)
    keep = [True] * len(examples)
    if tok is None:
        return counts, keep
    for start in range(0, len(examples), TOKEN_BATCH):
        chunk = examples[start : start + TOKEN_BATCH]
        measured = _measure(tok, chunk)
        for j, (ex, c) in enumerate(zip(chunk, measured, strict=True)):
            k = start + j
            counts[k] = c
            if max_tokens is not None and c.total > max_tokens:
                fitted, c2 = tok.fit(ex.messages, max_tokens)
                if fitted is None:
                    keep[k] = False
                    got.over_examples += 1
                    got.over_tokens.append(c.total)
                else:
                    ex.messages, counts[k], ex.chars = fitted, c2, c2.chars
                    got.trimmed += 1
    return counts, keep


def _record_counts(got: _Collected, counts: list[Any], keep: list[bool]) -> None:
    """The exported examples' counts, in output order, for the token statistics."""
    for c, k in zip(counts, keep, strict=True):
        if k and c is not None:
            got.tokens.append(c.total)
            got.user.append(c.user)
            got.assistant.append(c.assistant)


def _serialize(
    df: pl.DataFrame,
    examples: list[Example],
    keep: list[bool],
    offset: int,
    got: _Collected,
    fmt: str,
    style: str,
    metadata: bool,
) -> list[bytes]:
    """The JSONL lines of a batch's kept examples, validated by the format's rules; with
    metadata, each line stops before the metadata's last key (split), which `_route` adds."""
    from pydantic_core import to_json as dumps  # Rust: 3x faster than json.dumps, UTF-8 as is

    if metadata:
        ids = df["record_id"].to_list()
        sources = df["source"].to_list()
        clusters = df["cluster_id"].to_list()
    lines: list[bytes] = []
    bare: list[bytes] = lines if not metadata else []  # the lines without their metadata
    batch: list[dict[str, Any]] = []
    rows, chars, task_of = got.rows, got.chars, got.task_of
    code = {name: i for i, name in enumerate(got.task_names)}
    for k, ex in enumerate(examples):
        if not keep[k]:
            continue
        obj = convert(ex.messages, fmt, style)
        line = dumps(obj)
        if metadata:
            bare.append(line)
            meta = {
                "record_id": ids[ex.row],
                "id": f"{ids[ex.row]}:{ex.task}",
                "source": sources[ex.row],
                "cluster_id": clusters[ex.row],
            }
            obj["metadata"] = meta
            line = line[:-1] + b',"metadata":' + dumps(meta) + b"}"  # what dumps(obj) gives
            meta["split"] = "train"  # for validation: a string, like the real one
        lines.append(line)
        batch.append(obj)
        rows.append(offset + ex.row)
        chars.append(ex.chars)
        got.tasks[ex.task] = got.tasks.get(ex.task, 0) + 1
        if ex.task not in code:
            code[ex.task] = len(got.task_names)
            got.task_names.append(ex.task)
        task_of.append(code[ex.task])
    got.digests += _digests(bare)
    for start in range(0, len(batch), VALIDATE_BATCH):
        _validate(batch[start : start + VALIDATE_BATCH], fmt, style)
    return lines


def _digests(lines: list[bytes]) -> bytes:
    """DIGEST_SIZE bytes per line, equal for equal lines: two seeded 64-bit hashes, which
    Polars computes for the batch in Rust (4x faster than hashlib's SHA-256 per line). Only
    compared within one export, so that they differ between Polars versions does not matter."""
    if not lines:
        return b""
    series = pl.Series(lines, dtype=pl.Binary)
    pair = [series.hash(seed=seed).to_numpy() for seed in (1, 2)]
    return np.column_stack(pair).astype(np.uint64).tobytes()


def _route(
    spill_path: Path,
    ex_split: npt.NDArray[np.uint8],
    writers: dict[str, _SplitWriter],
    metadata: bool,
) -> None:
    """Copy the spilled lines, in order, to their splits' files (adding the split to the
    metadata: the byte string pydantic-core writes for the whole object); lines coded DROPPED
    are skipped."""
    by_code = [writers.get(s) for s in SPLITS]
    tails = [f',"split":"{s}"}}}}\n'.encode() for s in (*SPLITS, "dropped")]
    with open(spill_path, "rb", buffering=1 << 20) as spill:
        for start in range(0, len(ex_split), ROUTE_CHUNK):
            buckets: list[list[bytes]] = [[] for _ in range(DROPPED + 1)]
            for code in ex_split[start : start + ROUTE_CHUNK].tolist():
                line = spill.readline()
                buckets[code].append(line[:-3] + tails[code] if metadata else line)
            for code, lines in enumerate(buckets[:DROPPED]):
                if lines:
                    writer = by_code[code]
                    assert writer is not None, f"{SPLITS[code]} assigned with fraction 0"
                    writer.write_many(lines)


def _write_outcomes(
    partial_path: Path,
    row_split: npt.NDArray[np.uint8],
    target: Path,
    copies: pl.DataFrame | None = None,
) -> None:
    """The per-record outcomes table: the first pass's rows with their split filled in,
    streamed a row group at a time, less the examples dropped as copies (``_Copies.per_record``):
    a record left with none has no example, for reason ``duplicate_example``."""
    import pyarrow.parquet as pq

    schema = pl.DataFrame(schema=OUTCOME_SCHEMA).to_arrow().schema
    reader = pq.ParquetFile(partial_path)
    offset = 0
    with (
        atomic_path(target) as tmp,
        pq.ParquetWriter(
            tmp, schema, compression="zstd", compression_level=1, write_statistics=False
        ) as writer,
    ):
        for group in range(reader.num_row_groups):
            frame = pl.from_arrow(reader.read_row_group(group, use_threads=False))
            assert isinstance(frame, pl.DataFrame)
            codes = row_split[offset : offset + frame.height]
            if copies is not None:
                frame = _less_copies(frame, copies, offset)
            offset += frame.height
            split = pl.Series("split", codes).replace_strict(
                dict(enumerate(SPLITS)), default=None, return_dtype=pl.Utf8
            )
            frame = frame.with_columns(
                pl.when(pl.col("outcome") == "exported").then(split).alias("split")
            ).select(list(OUTCOME_SCHEMA))
            writer.write_table(frame.to_arrow().cast(schema), row_group_size=ROW_GROUP_SIZE)


def _less_copies(frame: pl.DataFrame, copies: pl.DataFrame, offset: int) -> pl.DataFrame:
    """Outcome rows (records ``offset`` on) without what their dropped copies counted."""
    mine = copies.filter(pl.col("row").is_between(offset, offset + frame.height - 1))
    if mine.height == 0:
        return frame
    got = frame.with_columns(
        pl.int_range(offset, offset + frame.height, dtype=pl.Int64).alias("row")
    )
    got = got.join(mine, on="row", how="left", maintain_order="left", suffix="_copies")
    n = pl.col("copies").fill_null(0)
    emptied = (n > 0) & (pl.col("n_examples") == n)

    def less(name: str) -> pl.Expr:
        left = pl.col(name) - pl.col(f"{name}_copies").fill_null(0)
        return pl.when(emptied).then(None).otherwise(left).alias(name)

    return got.with_columns(
        pl.when(emptied).then(pl.lit("no_example")).otherwise(pl.col("outcome")).alias("outcome"),
        pl.when(emptied)
        .then(pl.lit("duplicate_example"))
        .otherwise(pl.col("reason"))
        .alias("reason"),
        pl.when(emptied).then(pl.col("detail_copies")).otherwise(pl.col("detail")).alias("detail"),
        (pl.col("n_examples") - n).alias("n_examples"),
        (pl.col("chars") - pl.col("chars_copies").fill_null(0)).alias("chars"),
        less("tokens"),
        less("user_tokens"),
        less("assistant_tokens"),
    ).select(frame.columns)


@dataclass
class _Copies:
    """Exported examples identical to an earlier one in output order (the same line but for
    its metadata), which export drops: so no two lines of an export are the same example, in
    one split or across splits."""

    mask: npt.NDArray[np.bool_]  # per exported example, in output order: a copy, not written
    per_record: pl.DataFrame | None  # row, copies, chars, tokens, user_/assistant_tokens, detail
    emptied: npt.NDArray[np.int64]  # rows of the records whose examples are all copies

    @property
    def count(self) -> int:
        return int(self.mask.sum())


def _find_copies(got: _Collected, keys: pl.DataFrame) -> _Copies:
    """The later copies among the exported examples, by their digests (``_serialize``), each
    traced to the record of its first copy (``keys``: row -> record_id of every record that
    made an example). One sort over 16 bytes per example, after the pass."""
    n = len(got.rows)
    none = np.empty(0, np.int64)
    if n == 0:
        return _Copies(np.zeros(0, np.bool_), None, none)
    digests = np.frombuffer(got.digests, dtype=f"V{DIGEST_SIZE}")
    _, first, inverse = np.unique(digests, return_index=True, return_inverse=True)
    first_of = first[inverse.reshape(-1)]  # first occurrences: np.unique sorts stably for them
    mask = first_of != np.arange(n)
    if not mask.any():
        return _Copies(mask, None, none)
    at = np.flatnonzero(mask)
    ex_rows = _numpy(got.rows)
    tokens, user, assistant = _numpy(got.tokens), _numpy(got.user), _numpy(got.assistant)
    counted = len(tokens) == n

    def per_copy(values: npt.NDArray[np.int64]) -> pl.Series:
        return pl.Series(values[at] if counted else [None] * len(at), dtype=pl.Int64)

    task_of = np.frombuffer(got.task_of, np.uint16)
    names = keys.select(pl.col("row").alias("first_row"), "record_id")
    copies = (
        pl.DataFrame(
            {
                "row": ex_rows[at],
                "first_row": ex_rows[first_of[at]],
                "task": [got.task_names[i] for i in task_of[at].tolist()],
                "chars": _numpy(got.chars)[at],
                "tokens": per_copy(tokens),
                "user_tokens": per_copy(user),
                "assistant_tokens": per_copy(assistant),
            }
        )
        .join(names, on="first_row", how="left", maintain_order="left")
        .group_by("row", maintain_order=True)
        .agg(
            pl.len().cast(pl.Int64).alias("copies"),
            pl.col("chars", "tokens", "user_tokens", "assistant_tokens").sum(),
            pl.format("{}: same example as record {}", "task", "record_id")
            .str.join("; ")
            .alias("detail"),
        )
    )
    for name in ("tokens", "user_tokens", "assistant_tokens"):
        if not counted:  # sum() of nulls is 0: without counts there is nothing to take off
            copies = copies.with_columns(pl.lit(None, pl.Int64).alias(name))
    rows, made = np.unique(ex_rows, return_counts=True)
    copied = copies["row"].to_numpy()
    emptied = copied[made[np.searchsorted(rows, copied)] == copies["copies"].to_numpy()]
    return _Copies(mask, copies, emptied.astype(np.int64))


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


def _remove_stale(out_dir: Path, keep: set[str]) -> None:
    """A previous export's split file (or shard) that this one does not write would mislead
    a trainer. Only what curate itself wrote goes: the old manifest must be one curate wrote,
    and a file it lists is removed only if its name is a split file name curate writes (no
    folder, no ``..``), it is a plain file directly in ``out_dir`` and it still has the SHA-256
    that manifest recorded."""
    old = out_dir / "manifest.json"
    if old.is_symlink() or not old.is_file():
        return
    try:
        data = json.loads(old.read_text("utf-8"))
        if not _is_curate_manifest(data):
            return
        listed = [
            (f["path"], f["sha256"])
            for e in data["files"].values()
            for f in (e.get("shards") or [e])
        ]
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return
    for name, digest in listed:
        if not isinstance(name, str) or name in keep or not _SPLIT_FILE.fullmatch(name):
            continue
        path = out_dir / name
        if path.is_symlink() or not path.is_file() or sha256_file(path) != digest:
            continue
        path.unlink()


_SPLIT_FILE = re.compile(r"(?:train|val|test)(?:-\d{5})?\.jsonl")


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


def _is_curate_manifest(data: Any) -> bool:
    """The keys only curate's export writes together (a trainer's own manifest.json has others)."""
    return (
        isinstance(data, dict)
        and {"curate_version", "files", "format", "examples"} <= data.keys()
        and isinstance(data["files"], dict)
    )


def _outcomes(
    df: pl.DataFrame,
    examples: list[Example],
    keep: list[bool],
    counts: list[Any],
    skipped: dict[int, tuple[str, str]],
) -> pl.DataFrame:
    """One row per record of a batch (split left null: it is assigned after the pass):
    exported records sum their exported examples' counts, over-length ones what their
    examples needed."""
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
    outcome: list[str] = []
    reason: list[str | None] = []
    detail: list[str | None] = []
    for r in range(n):
        if r in skipped:
            why, what = skipped[r]
            outcome.append("no_example")
            reason.append(why)
            detail.append(what)
        elif n_ex[r]:
            outcome.append("exported")
            reason.append(None)
            detail.append(None)
        else:
            outcome.append("over_length")
            reason.append("max_tokens")
            detail.append(f"{made[r]} example(s) over the budget even after trimming")
    return pl.DataFrame(
        {
            "record_id": df["record_id"],
            "outcome": outcome,
            "split": [None] * n,
            "n_examples": n_ex,
            "tokens": tokens,
            "user_tokens": user,
            "assistant_tokens": asst,
            "chars": chars,
            "reason": reason,
            "detail": detail,
        },
        schema=OUTCOME_SCHEMA,
    )


def _token_stats(
    got: _Collected, ex_split: npt.NDArray[np.uint8], tok: Any, max_tokens: int | None
) -> dict[str, Any]:
    chars, tokens = _numpy(got.chars), _numpy(got.tokens)
    user, assistant = _numpy(got.user), _numpy(got.assistant)
    splits = {}
    for code, split in enumerate(SPLITS):
        mask = ex_split == code
        if not mask.any():
            continue
        entry: dict[str, Any] = {"examples": int(mask.sum()), "chars": distribution(chars[mask])}
        if len(tokens):
            entry |= {
                "tokens": distribution(tokens[mask]),
                "user_tokens": distribution(user[mask]),
                "assistant_tokens": distribution(assistant[mask]),
            }
        splits[split] = entry
    return {
        "tokenizer": tok.name if tok else None,
        "chat_template": bool(tok and tok.chat_template),
        "max_tokens": max_tokens,
        "trimmed_examples": got.trimmed,
        "over_length_examples": len(got.over_tokens),
        "over_length_tokens": distribution(got.over_tokens),
        "splits": splits,
    }
