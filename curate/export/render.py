"""Records -> chat examples: every kept record through every task of its schema.

``render_records`` is the per-batch work; ``Renderer`` wraps it as the picklable function an
engine maps over batches (``Engine.map_ordered``): it carries the schema and task names, not the
compiled templates (which do not pickle), and compiles them once per process that runs it.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from curate.errors import ConfigError
from curate.export.templates import CompiledTask, SkipExample, Template, compile_tasks

Message = dict[str, Any]
Skipped = dict[int, tuple[str, str]]  # row -> (reason, detail) of a record that gave no example


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


WHY = {
    "missing_field": "{task}: {arg} is empty",
    "no_answer": "{task}: no user turn answered by the assistant",
    "empty_template": "{task}: the {arg} template rendered empty",
    "heading_only": "{task}: the section holds nothing but its heading",
}


def render_records(
    df: pl.DataFrame, tasks: list[CompiledTask], train_on: str = "all"
) -> tuple[list[Example], Skipped]:
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
    # Checked for every record: with several tasks (or several examples per record) a batch can
    # have as many examples as records while some records gave none.
    has_example = bytearray(n)
    for e in examples:
        has_example[e.row] = 1
    if has_example.count(0):
        for i in range(n):
            if has_example[i]:
                continue
            why = [
                (task.name, *failed[i]) for task, (_, failed) in zip(tasks, per_task, strict=True)
            ]
            # the most telling reason: a task that applied but rendered nothing
            reason = next((r for _, r, _ in why if r != "missing_field"), "missing_field")
            skipped[i] = (reason, "; ".join(WHY[r].format(task=t, arg=a) for t, r, a in why))
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
) -> tuple[list[Example], Skipped]:
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


class Renderer:
    """``render_records`` for one export's tasks, as a picklable callable: what an engine maps
    over the batches (``map_ordered``), locally or on Ray workers. The compiled tasks are
    rebuilt from the schema on first use in each process and not pickled."""

    def __init__(self, schema: Any, task_names: Sequence[str], train_on: str = "all") -> None:
        self.schema = schema
        self.task_names = list(task_names)
        self.train_on = train_on
        self._tasks: list[CompiledTask] | None = None

    @classmethod
    def of(cls, schema: Any, tasks: list[CompiledTask], train_on: str) -> Renderer:
        """A renderer reusing tasks already compiled in this process."""
        renderer = cls(schema, [t.name for t in tasks], train_on)
        renderer._tasks = tasks
        return renderer

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_tasks": None}

    def __call__(self, df: pl.DataFrame) -> tuple[list[Example], Skipped]:
        if self._tasks is None:
            self._tasks = compile_tasks(self.schema, self.task_names)
        return render_records(df, self._tasks, self.train_on)
