"""`curate validate`: a data doctor for chat-format JSONL files, ours or anyone's.

Every problem a trainer would hit later (or, worse, silently train on) is reported with its line
number: structure (not an object, no ``messages``, bad roles and keys), content (empty, not a string
or a list of content parts), conversation shape (no assistant, consecutive same-role turns),
``weight`` values, tool calls (undeclared tools, arguments not a JSON string, tool replies without a
matching ``tool_call_id``; curate/validate_tools.py). Warnings flag what is legal but suspicious,
exact duplicates included (an error with ``--fail-on-duplicates``). With a tokenizer the examples
are rendered through its chat template to count tokens exactly and to check double BOS, the
end-of-turn token after each assistant turn and that the answer survives ``--max-tokens``; with a
tiktoken encoding name they are counted as OpenAI does; without either, estimated per script
(curate/validate_tokens.py).

A file that is not JSONL at all (a JSON array, CSV, binary) gets one clear error, not one per line.
The per-line checks are plain Python on ``json.loads`` output (no model per line) to stay fast.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from curate.errors import InputError, UsageError
from curate.export.formats import FORMATS, model_for, to_messages
from curate.validate_tokens import (
    TiktokenCounter,
    content_text,
    estimate_messages,
    is_tiktoken_name,
)
from curate.validate_tools import content_parts_problem, tool_call_problems, tool_reply_problem

DEFAULT_TOKEN_LIMIT = 16_385
ROLES = frozenset({"system", "user", "assistant", "tool"})
EXAMPLE_KEYS = frozenset({"messages", "tools", "metadata", "parallel_tool_calls", "functions"})
MESSAGE_KEYS = frozenset(
    {"role", "content", "weight", "name", "tool_calls", "tool_call_id", "function_call", "refusal"}
)
TOKEN_BATCH = 512
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # cheap pre-check before a full one

ERRORS = {
    "not_jsonl": "the file is not JSON Lines",
    "bad_json": "line is not valid JSON",
    "not_object": "line is not a JSON object",
    "bad_structure": "line does not match the format",
    "missing_messages": "no 'messages' list",
    "messages_not_list": "'messages' is not a list",
    "message_not_object": "a message is not an object",
    "missing_role": "a message has no 'role'",
    "missing_content": "a message has no 'content'",
    "unknown_key": "unrecognized key",
    "unknown_role": "unrecognized role",
    "empty_content": "empty content",
    "content_not_string": "content is not a string",
    "no_assistant": "no assistant message",
    "consecutive_roles": "consecutive messages with the same role",
    "bad_weight": "weight is not 0 or 1",
    "undeclared_tool": "tool call to a tool not declared in 'tools'",
    "bad_tool_call": "a tool call is malformed (not a list, arguments not a JSON string)",
    "missing_tool_call_id": "a tool message has no 'tool_call_id'",
    "unknown_tool_call_id": "a tool message answers no earlier tool call",
    "lone_surrogate": "a string holds half of a UTF-16 surrogate pair (not valid Unicode)",
    "empty_file": "the file holds no lines to train on",
    "unreadable": "the file cannot be read to its end",
    "double_bos": "two BOS tokens after template rendering",
    "missing_end_of_turn": "no end-of-turn token after an assistant turn",
    "answer_truncated": "no assistant tokens left after truncation to --max-tokens",
}
WARNINGS = {
    "no_system": "no system message",
    "no_user": "no user message",
    "ends_with_user": "the conversation ends with a user message",
    "over_token_limit": "example over the token limit",
    "empty_assistant": "assistant content is blank after stripping",
    "blank_line": "blank line",
    "duplicate": "exact duplicate of an earlier line (an error with --fail-on-duplicates)",
    "tokenizer_adds_bos": "the tokenizer adds BOS and the template writes one too",
}


@dataclass(frozen=True)
class Finding:
    """One problem: 1-based line (0 for the whole file), a stable code, a readable message."""

    line: int
    code: str
    message: str


@dataclass
class ValidationReport:
    """What `validate_file` found; ``ok`` means no errors (warnings allowed)."""

    path: str
    format: str
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self, kind: str = "errors") -> dict[str, int]:
        out: dict[str, int] = {}
        for f in getattr(self, kind):
            out[f.code] = out.get(f.code, 0) + 1
        return dict(sorted(out.items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "ok": self.ok,
            "error_counts": self.counts("errors"),
            "warning_counts": self.counts("warnings"),
            "errors": [asdict(f) for f in self.errors],
            "warnings": [asdict(f) for f in self.warnings],
            "stats": self.stats,
        }


# -- file sniffing ---------------------------------------------------------------------------


def _open(path: Path) -> Any:
    with open(path, "rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


SNIFF_BYTES = 1 << 16  # what sniffing reads at least
SNIFF_MAX = 1 << 26  # ... and at most, looking for the end of a long first line


def _head(path: Path) -> tuple[bytes, bool]:
    """The file's first bytes, read on past SNIFF_BYTES until one whole line is in (a valid
    JSONL line can be far longer than 64 KB); also whether that is the whole file."""
    try:
        with _open(path) as f:
            head = f.read(SNIFF_BYTES)
            eof = len(head) < SNIFF_BYTES
            while not eof and b"\n" not in head.lstrip() and len(head) < SNIFF_MAX:
                more = f.read(len(head))
                eof = len(more) < len(head)
                head += more
    except (OSError, EOFError, zlib.error) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise InputError(f"cannot read {path}: {reason}") from exc
    return head, eof


def _is_json(line: str) -> bool:
    """Whether ``line`` is one JSON value; one nested too deeply to parse counts (the
    per-line checks report it)."""
    try:
        json.loads(line)
    except RecursionError:
        return True
    except ValueError:
        return False
    return True


def sniff(path: Path) -> str | None:
    """Why the file is not JSONL at all, or None if it looks like JSONL."""
    head, eof = _head(path)
    if b"\x00" in head:
        return "it is a binary file (NUL bytes), not JSON Lines text"
    try:
        # not final: a character cut at the end of the head is no error
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=eof)
    except UnicodeDecodeError as exc:
        # A bad byte after some good lines is that line's error; before any, the file's.
        text = head[: exc.start].decode("utf-8")
        if "\n" not in text.strip():
            return f"it is not UTF-8 text (invalid byte at offset {exc.start}); JSONL must be UTF-8"
        text = text[: text.rstrip().rfind("\n") + 1]
        eof = False
    if not eof and "\n" in text:
        text = text[: text.rfind("\n")]  # judge whole lines only, never one cut short
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        return None
    lines = [ln for ln in stripped.splitlines() if ln.strip()][:5]
    if stripped[0] == "[":
        if not _is_json(lines[0]):
            return (
                "it is a JSON array spanning several lines, not JSON Lines; write one object "
                "per line (e.g. `jq -c '.[]' FILE > FILE.jsonl`)"
            )
        if len(lines) == 1 and lines[0].rstrip().endswith("]"):
            return (
                "it is one JSON array, not JSON Lines; write one object per line "
                "(e.g. `jq -c '.[]' FILE > FILE.jsonl`)"
            )
    if any(_is_json(ln) for ln in lines):
        return None
    if stripped[0] == "{":
        return (
            "it is a pretty-printed JSON document, not JSON Lines; write one compact object "
            "per line (e.g. `jq -c . FILE > FILE.jsonl`)"
        )
    if "," in lines[0] or "\t" in lines[0]:
        return f"it looks like CSV/TSV (first line: {lines[0][:80]!r}), not JSON Lines"
    return f"none of its first lines is JSON (first line: {lines[0][:80]!r})"


# -- per-line checks -------------------------------------------------------------------------


def _lone_surrogate(obj: Any) -> str | None:
    """The first lone surrogate in any key or string of ``obj`` (json.loads lets ``"\\ud83d"``
    through; UTF-8 writers, pyarrow and so `datasets` refuse it), as ``\\udXXX``."""
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"\\u{ord(exc.object[exc.start]):04x}"
    return None


_BAD = object()


def _parse(n: int, line: str, errors: list[Finding]) -> Any:
    """``line`` parsed, or ``_BAD`` with the reason appended to ``errors``."""
    try:
        obj = json.loads(line)
        bad = _lone_surrogate(obj) if _SURROGATE_ESCAPE.search(line) else None
    except RecursionError:
        msg = "nested too deeply to parse (JSON loaders stop at about 1,000 levels)"
        errors.append(Finding(n, "bad_json", msg))
        return _BAD
    except ValueError as exc:
        msg = f"invalid JSON: {exc}"
        if line.startswith("\ufeff"):
            msg = (
                "starts with a UTF-8 byte-order mark (BOM), which JSON loaders reject; "
                "save the file as UTF-8 without BOM"
            )
        errors.append(Finding(n, "bad_json", msg))
        return _BAD
    if bad is not None:
        msg = (
            f"a string holds the lone surrogate {bad}, half of a UTF-16 pair: not valid "
            "Unicode, so `datasets` and UTF-8 writers cannot load the line"
        )
        errors.append(Finding(n, "lone_surrogate", msg))
        return _BAD
    return obj


def _tool_names(obj: dict[str, Any]) -> set[str]:
    names = set()
    for tool in (obj.get("tools") or []) + (obj.get("functions") or []):
        if isinstance(tool, dict):
            fn = tool.get("function", tool)
            if isinstance(fn, dict) and isinstance(fn.get("name"), str):
                names.add(fn["name"])
    return names


def check_messages(
    n: int,
    msgs: list[Any],
    obj: dict[str, Any],
    errors: list[Finding],
    warnings: list[Finding],
    system_slot: bool = True,
) -> tuple[bool, int, int]:
    """Check one conversation and append findings; return (usable for token checks,
    content characters, assistant content characters). ``system_slot``: the format has a
    place for a system message (else its absence is no finding)."""
    err = errors.append
    ok = True
    chars = asst = 0
    prev = None
    has = set()
    tools: set[str] | None = None
    call_ids: set[str] = set()
    for i, m in enumerate(msgs):
        # Fast path for the common clean message: exactly role + non-blank string content.
        if type(m) is dict and len(m) == 2:
            role = m.get("role")
            content = m.get("content")
            if (
                role in ROLES
                and role != "tool"  # a tool message needs its tool_call_id
                and role != prev
                and type(content) is str
                and content
                and not content.isspace()
            ):
                has.add(role)
                prev = role
                chars += len(content)
                if role == "assistant":
                    asst += len(content)
                continue
        where = f"messages[{i}]"
        if type(m) is not dict:
            err(Finding(n, "message_not_object", f"{where} is {type(m).__name__}, not an object"))
            ok = False
            continue
        if not MESSAGE_KEYS.issuperset(m):
            extra = sorted(set(m) - MESSAGE_KEYS)
            err(Finding(n, "unknown_key", f"{where}: unrecognized key(s) {', '.join(extra)}"))
        role = m.get("role")
        if role is None:
            err(Finding(n, "missing_role", f"{where} has no 'role'"))
            ok = False
        elif role not in ROLES:
            err(
                Finding(
                    n,
                    "unknown_role",
                    f"{where}: unrecognized role {role!r} "
                    f"(expected system, user, assistant or tool)",
                )
            )
            ok = False
        else:
            has.add(role)
        calls = m.get("tool_calls")
        if "content" not in m:
            if not calls:
                err(Finding(n, "missing_content", f"{where} ({role}) has no 'content'"))
                ok = False
        else:
            content = m["content"]
            if type(content) is str:
                chars += len(content)
                if role == "assistant":
                    asst += len(content)
                if not content:
                    if not calls:
                        err(Finding(n, "empty_content", f"{where} ({role}) has empty content"))
                        ok = False
                elif content.isspace():
                    if role == "assistant":
                        warnings.append(
                            Finding(
                                n,
                                "empty_assistant",
                                f"{where}: assistant content is only whitespace",
                            )
                        )
                    else:
                        err(
                            Finding(
                                n, "empty_content", f"{where} ({role}) content is only whitespace"
                            )
                        )
                        ok = False
            elif type(content) is list:
                problem = content_parts_problem(content)
                if problem:
                    err(Finding(n, "content_not_string", f"{where} ({role}): {problem}"))
                    ok = False
                else:
                    text = content_text(content)
                    chars += len(text)
                    if role == "assistant":
                        asst += len(text)
            elif content is None:
                if not calls:
                    err(
                        Finding(
                            n,
                            "empty_content",
                            f"{where} ({role}) content is null without tool_calls",
                        )
                    )
                    ok = False
            else:
                err(
                    Finding(
                        n,
                        "content_not_string",
                        f"{where} ({role}) content is {type(content).__name__}, "
                        "not a string or a list of content parts",
                    )
                )
                ok = False
        if "weight" in m:
            w = m["weight"]
            if type(w) is not int or w not in (0, 1):
                err(Finding(n, "bad_weight", f"{where}: weight is {w!r}; it must be 0 or 1"))
            elif role != "assistant":
                err(
                    Finding(
                        n,
                        "bad_weight",
                        f"{where}: weight on a {role} message; only assistant "
                        f"messages take a weight",
                    )
                )
        if role == "tool":
            reply = tool_reply_problem(m, where, call_ids)
            if reply:
                err(Finding(n, *reply))
        if calls:
            problems, ids = tool_call_problems(calls, where)
            call_ids.update(ids)
            for problem in problems:
                err(Finding(n, "bad_tool_call", problem))
            if tools is None:
                tools = _tool_names(obj)
            for call in calls if isinstance(calls, list) else []:
                fn = call.get("function") if isinstance(call, dict) else None
                name = fn.get("name") if isinstance(fn, dict) else None
                if name not in tools:
                    declared = ", ".join(sorted(tools)) or "none"
                    err(
                        Finding(
                            n,
                            "undeclared_tool",
                            f"{where}: tool call to {name!r}, which 'tools' "
                            f"does not declare (declared: {declared})",
                        )
                    )
        if role is not None and role == prev and role != "tool":
            err(Finding(n, "consecutive_roles", f"{where}: two {role} messages in a row"))
        prev = role
    if "assistant" not in has:
        err(Finding(n, "no_assistant", "no assistant message (nothing to train on)"))
        ok = False
    elif prev == "user":
        msg = "the last message is the user's: nothing answers it, so it only costs tokens"
        warnings.append(Finding(n, "ends_with_user", msg))
    if "system" not in has and system_slot:
        warnings.append(Finding(n, "no_system", "no system message"))
    if "user" not in has:
        warnings.append(Finding(n, "no_user", "no user message"))
    return ok, chars, asst


def _dist(values: list[int]) -> dict[str, float]:
    if not values:
        return {}
    import numpy as np

    a = np.asarray(values, dtype=np.float64)
    q = np.percentile(a, [50, 90, 99])
    return {
        "min": float(a.min()),
        "mean": round(float(a.mean()), 2),
        "p50": float(q[0]),
        "p90": float(q[1]),
        "p99": float(q[2]),
        "max": float(a.max()),
        "sum": float(a.sum()),
    }


class _TokenChecks:
    """Batches usable examples through the tokenizer and records token findings and counts."""

    def __init__(self, tok: Any, max_tokens: int | None, report: ValidationReport) -> None:
        self.tok, self.max_tokens, self.report = tok, max_tokens, report
        self.eot = tok.end_of_turn_id() if tok.chat_template else None
        self.pending: list[tuple[int, list[dict[str, Any]]]] = []
        self.tokens: dict[int, int] = {}
        self.assistant: list[int] = []

    def add(self, n: int, msgs: list[dict[str, Any]]) -> None:
        self.pending.append((n, msgs))
        if len(self.pending) >= TOKEN_BATCH:
            self.flush()

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        tok, err = self.tok, self.report.errors.append
        rendered: list[tuple[str, list[tuple[int, int, str]]]] = []
        for n, msgs in batch:
            try:
                rendered.append(tok.render_spans(msgs))
            except ValueError as exc:
                err(Finding(n, "bad_structure", str(exc)))
                rendered.append(("", []))
        encodings = tok.encode([text for text, _ in rendered])
        for (n, _), (text, spans), enc in zip(batch, rendered, encodings, strict=True):
            if not text:
                continue
            ids = enc.ids
            self.tokens[n] = len(ids)
            bos = tok.bos_token_id
            if bos is not None and len(ids) > 1 and ids[0] == bos and ids[1] == bos:
                err(Finding(n, "double_bos", "the rendered example starts with two BOS tokens"))
            n_asst = 0
            for start, end, role in spans:
                if role != "assistant":
                    continue
                a, b = tok.span_tokens(enc, start, end)
                n_asst += b - a
                if self.eot is not None and self.eot not in ids[b : b + 3]:
                    err(
                        Finding(
                            n,
                            "missing_end_of_turn",
                            f"no end-of-turn token "
                            f"{tok.backend.id_to_token(self.eot)!r} after the assistant turn "
                            f"ending at token {b}",
                        )
                    )
                if self.max_tokens is not None and a >= self.max_tokens:
                    err(
                        Finding(
                            n,
                            "answer_truncated",
                            f"the assistant answer starts at token {a}; "
                            f"truncating to --max-tokens {self.max_tokens} leaves none of it",
                        )
                    )
            self.assistant.append(n_asst)


def _check_name(p: Path) -> None:
    """Refuse a file name that is not UTF-8: the report (and its JSON) could not name it."""
    try:
        str(p).encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(p).decode("utf-8", "backslashreplace")
        raise InputError(
            f"{shown}: the file name is not valid UTF-8, so the report cannot name it",
            hint="rename the file to a UTF-8 name (e.g. `convmv -f latin1 -t utf8 --notest FILE`)",
        ) from None


def _read_lines(path: Path, errors: list[Finding]) -> Iterator[tuple[int, bytes]]:
    """The file's lines, numbered from 1; a read error (a truncated .gz) ends them with a
    finding rather than an exception, so the lines before it are still checked."""
    n = 0
    try:
        with _open(path) as handle:
            for n, raw in enumerate(handle, 1):
                yield n, raw
    except (OSError, EOFError, zlib.error) as exc:
        errors.append(Finding(n + 1, "unreadable", f"cannot read past line {n}: {exc}"))


def _conversational(n: int, obj: dict[str, Any], errors: list[Finding]) -> list[Any] | None:
    """The messages of a conversational prompt-completion line (TRL: ``prompt`` and
    ``completion`` are message lists), or None with the problems added to ``errors``."""
    extra = sorted(set(obj) - {"prompt", "completion", "metadata"})
    if extra:
        errors.append(Finding(n, "unknown_key", f"unrecognized key(s) {', '.join(extra)}"))
    completion = obj.get("completion")
    if not isinstance(completion, list) or not completion:
        what = "missing" if completion is None else f"{type(completion).__name__}"
        errors.append(
            Finding(
                n,
                "bad_structure",
                f"completion: the prompt is a message list, so the completion must be a "
                f"non-empty message list too (got {what})",
            )
        )
        return None
    return list(obj["prompt"]) + completion


def validate_file(
    path: str | Path,
    fmt: str = "chat",
    tokenizer: Any = None,
    max_tokens: int | None = None,
    token_limit: int = DEFAULT_TOKEN_LIMIT,
    epochs: int = 3,
    fail_on_duplicates: bool = False,
) -> ValidationReport:
    """Check every line of a JSONL training file; see the module docstring for what is checked.

    ``tokenizer``: a path / hub id / tokenizer object (see curate.export.tokens.load_tokenizer) for exact
    counts and template checks, or a tiktoken encoding name (``cl100k_base``, ``o200k_base``)
    for OpenAI's counts; without one, tokens are estimated per script
    (curate.validate_tokens). Exact duplicate lines are a warning (no trainer refuses them)
    unless ``fail_on_duplicates``.
    """
    from curate.export.tokens import load_tokenizer

    if fmt not in FORMATS:
        raise UsageError(f"fmt {fmt!r} is not one of {', '.join(FORMATS)}", param="fmt")
    for option, value in (
        ("max_tokens", max_tokens),
        ("token_limit", token_limit),
        ("epochs", epochs),
    ):
        if value is not None and value < 1:
            raise UsageError(f"{option} must be at least 1, got {value}", param=option)
    p = Path(path)
    _check_name(p)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    counter = TiktokenCounter(tokenizer) if is_tiktoken_name(tokenizer) else None
    tok = load_tokenizer(tokenizer) if tokenizer is not None and counter is None else None
    report = ValidationReport(str(p), fmt)
    problem = sniff(p)
    if problem:
        report.errors.append(Finding(0, "not_jsonl", f"{p} is not JSONL: {problem}"))
        report.stats = {"examples": 0, "lines": 0}
        return report
    errors, warnings = report.errors, report.warnings
    checks = _TokenChecks(tok, max_tokens, report) if tok is not None else None
    if tok is not None and tok.chat_template and tok.adds_bos():
        rendered = tok.render(
            [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}]
        )
        if tok.special.get("bos_token") and rendered.startswith(tok.special["bos_token"]):
            warnings.append(
                Finding(
                    0,
                    "tokenizer_adds_bos",
                    f"{tok.name}'s template writes BOS and "
                    f"its tokenizer adds one too: tokenize rendered text with "
                    f"add_special_tokens=False or you train on a double BOS",
                )
            )
    model = model_for(fmt) if fmt != "chat" else None
    seen: dict[bytes, int] = {}
    n_msgs: list[int] = []
    counted: dict[int, tuple[int, int]] = {}  # line -> (tokens, assistant tokens), not exact
    lines = blank = 0
    blake = hashlib.blake2b
    for n, raw in _read_lines(p, errors):
        lines = n
        raw = raw.strip()
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            errors.append(Finding(n, "bad_json", f"not UTF-8 ({exc.reason} at byte {exc.start})"))
            continue
        if not line:
            blank += 1
            warnings.append(Finding(n, "blank_line", "blank line (some loaders reject it)"))
            continue
        obj = _parse(n, line, errors)
        if obj is _BAD:
            continue
        if type(obj) is not dict:
            errors.append(
                Finding(n, "not_object", f"line is a JSON {type(obj).__name__}, not an object")
            )
            continue
        digest = blake(raw, digest_size=16).digest()
        first = seen.get(digest)
        if first is not None:
            dup = Finding(n, "duplicate", f"exact duplicate of line {first}")
            (errors if fail_on_duplicates else warnings).append(dup)
        else:
            seen[digest] = n
        if fmt == "completion" and isinstance(obj.get("prompt"), list):
            # conversational prompt-completion (message lists): the messages are checked below
            msgs = _conversational(n, obj, errors)
            if msgs is None:
                continue
        elif model is not None:
            try:
                model.model_validate(obj)
            except ValidationError as exc:
                for e in exc.errors():
                    loc = ".".join(str(x) for x in e["loc"]) or "(line)"
                    errors.append(Finding(n, "bad_structure", f"{loc}: {e['msg']}"))
                continue
            msgs = to_messages(obj, fmt)
        else:
            if not EXAMPLE_KEYS.issuperset(obj):
                extra = sorted(set(obj) - EXAMPLE_KEYS)
                errors.append(Finding(n, "unknown_key", f"unrecognized key(s) {', '.join(extra)}"))
            msgs = obj.get("messages")
            if msgs is None:
                errors.append(Finding(n, "missing_messages", "no 'messages' key"))
                continue
            if type(msgs) is not list:
                errors.append(
                    Finding(
                        n,
                        "messages_not_list",
                        f"'messages' is {type(msgs).__name__}, not a list",
                    )
                )
                continue
            if not msgs:
                errors.append(Finding(n, "missing_messages", "'messages' is empty"))
                continue
        # a prompt string has no place for a system message (export folds it in)
        system_slot = fmt != "completion" or isinstance(obj.get("prompt"), list)
        usable, _, _ = check_messages(n, msgs, obj, errors, warnings, system_slot)
        n_msgs.append(len(msgs))
        if counter is not None:
            if usable:
                counted[n] = counter.count(msgs)
        elif checks is None:
            counted[n] = estimate_messages(msgs)
        elif usable:
            checks.add(n, [{**m, "content": content_text(m.get("content"))} for m in msgs])
    if lines == blank and not errors:
        what = "is empty" if not lines else "holds only blank lines"
        errors.append(Finding(0, "empty_file", f"{p} {what}: there is nothing to train on"))
    if checks is not None:
        checks.flush()
        tokens, exact = checks.tokens, True
        asst_tokens = checks.assistant
    else:
        tokens, exact = {n: t for n, (t, _) in counted.items()}, counter is not None
        asst_tokens = [a for _, a in counted.values()]
    for n, t in tokens.items():
        if t > token_limit:
            how = "" if exact else " (estimated per script; pass --tokenizer for exact counts)"
            warnings.append(
                Finding(
                    n, "over_token_limit", f"{t:,} tokens, over the limit of {token_limit:,}{how}"
                )
            )
    errors.sort(key=lambda f: f.line)
    warnings.sort(key=lambda f: f.line)
    billed = sum(min(t, token_limit) for t in tokens.values())
    report.stats = {
        "lines": lines,
        "examples": len(n_msgs),
        "lines_with_errors": len({f.line for f in errors}),
        "messages_per_example": _dist(n_msgs),
        "tokens_exact": exact,
        "tokenizer": tok.name if tok is not None else counter.name if counter else None,
        "tokens_per_example": _dist(list(tokens.values())),
        "assistant_tokens_per_example": _dist(asst_tokens),
        "token_limit": token_limit,
        "epochs": epochs,
        "billed_tokens_per_epoch": billed,
        "billed_tokens": billed * epochs,
    }
    return report
