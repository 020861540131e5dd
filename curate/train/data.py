"""Reading an export directory's chat JSONL (OpenAI format) for training.

Each line is ``{"messages": [{"role": ..., "content": ..., "weight": 0|1?}, ...]}``. Any bad line
stops training before a model is loaded: the error lists `curate validate`'s findings (exit 2).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curate.errors import InputError, UsageError

ROLES = ("system", "user", "assistant", "tool")
MAX_SHOWN = 10


@dataclass(frozen=True)
class Conversation:
    """One training example; ``weights[i]`` is 0 for an assistant turn that must not be trained."""

    line: int
    messages: tuple[dict[str, str], ...]
    weights: tuple[int, ...]


def _check_line(obj: Any) -> str | None:
    """Why a parsed line is not a usable chat example (None when it is)."""
    if (
        not isinstance(obj, dict)
        or not isinstance(obj.get("messages"), list)
        or not obj["messages"]
    ):
        return "bad_shape: expected an object with a non-empty 'messages' list"
    for k, m in enumerate(obj["messages"]):
        if not isinstance(m, dict):
            return f"bad_message: messages[{k}] is not an object"
        if m.get("role") not in ROLES:
            return f"bad_role: messages[{k}].role is {m.get('role')!r}; expected one of {', '.join(ROLES)}"
        if not isinstance(m.get("content"), str):
            return f"bad_content: messages[{k}].content is not a string"
        if "weight" in m and m["weight"] not in (0, 1):
            return f"bad_weight: messages[{k}].weight is {m['weight']!r}; expected 0 or 1"
    if not any(m["role"] == "assistant" for m in obj["messages"]):
        return "no_assistant: the conversation has no assistant message"
    return None


def read_chat_jsonl(path: Path) -> list[Conversation]:
    """Parse ``path``; raise UsageError with validate's findings if any line is unusable."""
    convs: list[Conversation] = []
    problems: list[str] = []
    try:
        lines = path.read_text("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc})") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(f"{path.name}:{n}: bad_json: {exc.msg} (column {exc.colno})")
            continue
        why = _check_line(obj)
        if why:
            problems.append(f"{path.name}:{n}: {why}")
            continue
        msgs = tuple({"role": m["role"], "content": m["content"]} for m in obj["messages"])
        weights = tuple(int(m.get("weight", 1)) for m in obj["messages"])
        convs.append(Conversation(n, msgs, weights))
    if problems:
        findings = _validate_findings(path) or problems
        shown = findings[:MAX_SHOWN]
        more = f"\n  ... and {len(findings) - MAX_SHOWN} more" if len(findings) > MAX_SHOWN else ""
        raise UsageError(
            f"{path} has {len(findings)} invalid line(s):\n  " + "\n  ".join(shown) + more,
            hint=f"run `curate validate {path}` and fix or re-export the data",
        )
    return convs


def _validate_findings(path: Path) -> list[str]:
    """`curate validate`'s findings for ``path`` (empty when that module is not available)."""
    try:
        from curate.validate import validate_file  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return []
    try:
        report = validate_file(path, fmt="chat")
    except Exception:  # validate's own trouble must not hide ours: fall back to our findings
        return []
    return [f"{path.name}:{f.line}: {f.code}: {f.message}" for f in report.errors]


def split_files(data_dir: Path, split: str) -> list[Path]:
    """A split's JSONL files in order: ``{split}.jsonl``, or the shards an export wrote with
    ``shard_size`` (``{split}-00000.jsonl``, ...)."""
    single = data_dir / f"{split}.jsonl"
    if single.exists():
        return [single]
    return sorted(data_dir.glob(f"{split}-[0-9][0-9][0-9][0-9][0-9].jsonl"))


def read_split(data_dir: Path, split: str) -> list[Conversation]:
    return [conv for path in split_files(data_dir, split) for conv in read_chat_jsonl(path)]


def load_data_dir(data_dir: Path) -> tuple[list[Conversation], list[Conversation]]:
    """Train and val conversations of an export directory (val may be absent: no eval then)."""
    if not data_dir.is_dir():
        raise UsageError(f"data directory {data_dir} does not exist")
    if not split_files(data_dir, "train"):
        raise UsageError(
            f"{data_dir} has no train.jsonl",
            hint=f"run `curate export -w WORKSPACE --out {data_dir}` first",
        )
    train = read_split(data_dir, "train")
    if not train:
        raise UsageError(f"{data_dir / 'train.jsonl'} holds no examples")
    return train, read_split(data_dir, "val")
