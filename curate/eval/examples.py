"""The held-out examples to evaluate: prompt, reference answer and task of each line of a split.

The prompt is the conversation up to its last assistant turn; the reference is that turn. The
task comes from the line's ``metadata.id`` (``record:task``, written by ``export --metadata``),
else from the schema: the only task exported, or the task whose template text the prompt
matches best (a conversation task for multi-turn examples).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curate.errors import UsageError

_JINJA = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)


@dataclass(frozen=True)
class Example:
    """One held-out example: the prompt turns, the reference answer, its task and source line."""

    line: int
    task: str
    prompt: tuple[dict[str, str], ...]
    reference: str
    weights: tuple[int, ...]
    messages: tuple[dict[str, str], ...]


def split_examples(data_dir: Path, split: str) -> list[tuple[int, dict[str, Any]]]:
    """(line number, parsed object) of every line of the split; bad lines stop with validate's
    findings (the same check training makes)."""
    from curate.train.data import read_chat_jsonl, split_files

    if not data_dir.is_dir():
        raise UsageError(
            f"export folder {data_dir} does not exist",
            hint="run `curate export -w WORKSPACE --out DIR` and pass that DIR with --data",
        )
    files = split_files(data_dir, split)
    if not files:
        present = sorted(s for s in ("train", "val", "test") if split_files(data_dir, s))
        other = [s for s in present if s in ("test", "val") and s != split]
        hint = (
            f"pass --split {other[0]}, or re-export with a {split} split: "
            f"`curate export -w WORKSPACE --{split}-fraction 0.1`"
            if other
            else f"re-export with a {split} split: `curate export -w WORKSPACE --{split}-fraction 0.1`"
        )
        raise UsageError(
            f"{data_dir} has no {split}.jsonl (splits there: {', '.join(present) or 'none'})",
            hint=hint,
        )
    out: list[tuple[int, dict[str, Any]]] = []
    for path in files:
        read_chat_jsonl(path)  # raises with the findings when a line is unusable
        for n, raw in enumerate(path.read_text("utf-8").splitlines(), 1):
            if raw.strip():
                out.append((n, json.loads(raw)))
    return out


def literal_parts(template: str | None) -> list[str]:
    """The fixed text of a Jinja template (pieces of 3+ characters outside tags)."""
    if not template:
        return []
    return [p.strip() for p in _JINJA.split(template) if len(p.strip()) >= 3]


def task_of(obj: dict[str, Any], tasks: list[Any]) -> str:
    """The schema task that produced this line (see the module docstring)."""
    meta = obj.get("metadata")
    if isinstance(meta, dict) and isinstance(meta.get("id"), str) and ":" in meta["id"]:
        return str(meta["id"].rsplit(":", 1)[1])
    if len(tasks) == 1:
        return str(tasks[0].name)
    messages = obj["messages"]
    answers = sum(1 for m in messages if m["role"] == "assistant")
    system = " ".join(m["content"] for m in messages if m["role"] == "system")
    user = " ".join(m["content"] for m in messages if m["role"] == "user")
    best, best_score = str(tasks[0].name), -1.0
    for task in tasks:
        if answers > 1 and not task.conversation:
            continue  # a single-exchange task never renders several answers
        score: float = sum(len(p) for p in literal_parts(task.system) if p in system)
        score += sum(len(p) for p in literal_parts(task.user) if p in user)
        if task.conversation and answers > 1:
            score += 0.5
        if score > best_score:
            best, best_score = str(task.name), score
    return best


def to_example(line: int, obj: dict[str, Any], task: str) -> Example:
    msgs = tuple({"role": m["role"], "content": m["content"]} for m in obj["messages"])
    weights = tuple(int(m.get("weight", 1)) for m in obj["messages"])
    last = max(i for i, m in enumerate(msgs) if m["role"] == "assistant")
    return Example(
        line=line,
        task=task,
        prompt=msgs[:last],
        reference=msgs[last]["content"],
        weights=weights[: last + 1],
        messages=msgs[: last + 1],
    )


@dataclass(frozen=True)
class PromptBaseline:
    """The "just prompt it" baseline: a system prompt, and/or few-shot turns put before the
    example's own turns."""

    path: str
    system: str | None
    shots: tuple[dict[str, str], ...]

    def apply(self, messages: tuple[dict[str, str], ...]) -> tuple[dict[str, str], ...]:
        """``messages`` with the baseline's system prompt (replacing the example's) and shots."""
        rest = tuple(m for m in messages if m["role"] != "system")
        own = tuple(m for m in messages if m["role"] == "system")
        system = ({"role": "system", "content": self.system},) if self.system else own
        return system + self.shots + rest


def load_prompt_baseline(path: str | Path) -> PromptBaseline:
    """A ``.jsonl`` file of chat examples becomes few-shot turns (its system message, if any, the
    system prompt); any other file is the system prompt as written."""
    p = Path(path)
    if not p.is_file():
        raise UsageError(
            f"--prompt-baseline {p}: no such file",
            hint="write the instruction prompt to a text file, or few-shot examples to a chat .jsonl",
        )
    try:
        text = p.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"--prompt-baseline {p}: not UTF-8 text ({exc.reason})") from exc
    if p.suffix != ".jsonl":
        if not text.strip():
            raise UsageError(f"--prompt-baseline {p} is empty")
        return PromptBaseline(str(p), text.strip(), ())
    from curate.train.data import read_chat_jsonl

    system: str | None = None
    shots: list[dict[str, str]] = []
    for conv in read_chat_jsonl(p):
        for m in conv.messages:
            if m["role"] == "system":
                system = system or m["content"]
            else:
                shots.append(dict(m))
    if not shots and not system:
        raise UsageError(f"--prompt-baseline {p} holds no example")
    return PromptBaseline(str(p), system, tuple(shots))


__all__ = ["Example", "PromptBaseline", "load_prompt_baseline", "split_examples", "task_of"]
