"""`make interop`: the OpenAI cookbook's format checks for chat fine-tuning data
("Data preparation and analysis for chat model fine-tuning"), on curate's chat exports, and
its token count with tiktoken when the cl100k_base file is in the local cache (never fetched)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import defaultdict
from pathlib import Path

from common import Results, cases, files, same

CHAT_CASES = ("chat", "chat_last", "contracts_chat")
URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"


def format_errors(dataset: list[dict]) -> dict[str, int]:
    """The cookbook's checks, as published."""
    errors: dict[str, int] = defaultdict(int)
    for ex in dataset:
        if not isinstance(ex, dict):
            errors["data_type"] += 1
            continue
        messages = ex.get("messages", None)
        if not messages:
            errors["missing_messages_list"] += 1
            continue
        for message in messages:
            if "role" not in message or "content" not in message:
                errors["message_missing_key"] += 1
            if any(
                k not in ("role", "content", "name", "function_call", "weight") for k in message
            ):
                errors["message_unrecognized_key"] += 1
            if message.get("role", None) not in ("system", "user", "assistant", "function"):
                errors["unrecognized_role"] += 1
            content = message.get("content", None)
            function_call = message.get("function_call", None)
            if (not content and not function_call) or not isinstance(content, str):
                errors["missing_content"] += 1
        if not any(message.get("role", None) == "assistant" for message in messages):
            errors["example_missing_assistant_message"] += 1
    return dict(errors)


def encoding():  # type: ignore[no-untyped-def]
    folder = os.environ.get("TIKTOKEN_CACHE_DIR") or os.path.join(
        tempfile.gettempdir(), "data-gym-cache"
    )
    if not (Path(folder) / hashlib.sha1(URL.encode()).hexdigest()).is_file():
        return None
    import tiktoken

    return tiktoken.get_encoding("cl100k_base")


def num_tokens(enc, messages: list[dict]) -> int:  # type: ignore[no-untyped-def]
    n = 3
    for m in messages:
        n += 3 + sum(len(enc.encode(v)) for k, v in m.items() if isinstance(v, str))
    return n


def check(case: str) -> str:
    import json

    enc = encoding()
    n, over = 0, 0
    for _, _, path, want in files(case):
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        same(format_errors(rows), {}, f"{path.name} cookbook format errors")
        for row, exp in zip(rows, want, strict=True):
            msgs = row["messages"]
            system = msgs[0]["content"] if msgs[0]["role"] == "system" else None
            same(system, exp["system"], "system prompt")
            same(
                [[m["role"], m["content"]] for m in msgs if m["role"] != "system"],
                exp["turns"],
                "turns",
            )
            weighted = [
                m["content"] for m in msgs if m["role"] == "assistant" and m.get("weight", 1)
            ]
            same(weighted, exp["trained"], "assistant turns with weight 1 (trained)")
            if enc is not None and num_tokens(enc, msgs) > 16_385:
                over += 1
        n += len(rows)
    counts = (
        "cl100k_base counts: {over} over 16,385"
        if enc
        else ("token counts skipped: the cl100k_base file is not cached offline")
    )
    return f"{n} examples, 0 format errors; system/turns/weights as rendered; {counts.format(over=over)}"


if __name__ == "__main__":
    res = Results("openai")
    for case in cases():
        if case in CHAT_CASES:
            res.run(case, lambda case=case: check(case))
        else:
            res.run(case, lambda: "n/a: OpenAI fine-tuning takes the chat format only")
    res.save()
