"""Per-message checks of `curate validate` for OpenAI's richer message shapes: tool calls and
their answers, and content given as a list of parts.

OpenAI's fine-tuning API refuses a call whose ``arguments`` is not a JSON string, a ``tool``
message without ``tool_call_id`` and one whose id answers no earlier call; these used to pass.
A content-part list (``[{"type": "text", "text": ...}]``) is valid OpenAI input.
"""

from __future__ import annotations

import json
from typing import Any

PART_TYPES = frozenset({"text", "image_url", "input_audio", "file", "refusal"})


def content_parts_problem(parts: list[Any]) -> str | None:
    """Why a content-part list is not valid, or None."""
    if not parts:
        return "content is an empty list of parts"
    for k, p in enumerate(parts):
        if not isinstance(p, dict):
            return f"content[{k}] is {type(p).__name__}, not a content part object"
        kind = p.get("type")
        if kind not in PART_TYPES:
            return (
                f"content[{k}] has type {kind!r} (expected one of {', '.join(sorted(PART_TYPES))})"
            )
        if kind in ("text", "refusal") and not isinstance(p.get(kind), str):
            return f"content[{k}] ({kind}) has no string {kind!r}"
    return None


def tool_call_problems(calls: Any, where: str) -> tuple[list[str], list[str]]:
    """(problems, call ids) of an assistant message's ``tool_calls``."""
    if not isinstance(calls, list):
        return [
            f"{where}: tool_calls is {type(calls).__name__}, not a list of calls "
            '(write [{"id": ..., "type": "function", "function": {"name": ..., '
            '"arguments": "{...}"}}])'
        ], []
    problems: list[str] = []
    ids: list[str] = []
    for k, call in enumerate(calls):
        at = f"{where}.tool_calls[{k}]"
        if not isinstance(call, dict):
            problems.append(f"{at} is {type(call).__name__}, not an object")
            continue
        if isinstance(call.get("id"), str):
            ids.append(call["id"])
        fn = call.get("function")
        if not isinstance(fn, dict):
            problems.append(f"{at} has no 'function' object")
            continue
        args = fn.get("arguments")
        if args is None:
            continue  # no arguments: the call takes none
        if not isinstance(args, str):
            problems.append(
                f"{at}.function.arguments is a JSON {type(args).__name__}; it must be a string "
                "holding JSON (json.dumps the object)"
            )
            continue
        try:
            json.loads(args)
        except ValueError as exc:
            problems.append(f"{at}.function.arguments is not valid JSON ({exc})")
    return problems, ids


def tool_reply_problem(m: dict[str, Any], where: str, call_ids: set[str]) -> tuple[str, str] | None:
    """(code, message) when a ``tool`` message does not answer a call made before it."""
    tid = m.get("tool_call_id")
    if tid is None:
        return "missing_tool_call_id", f"{where}: tool message without 'tool_call_id'"
    if tid not in call_ids:
        known = ", ".join(sorted(call_ids)) or "none"
        return (
            "unknown_tool_call_id",
            f"{where}: tool_call_id {tid!r} answers no earlier tool call (call ids: {known})",
        )
    return None
