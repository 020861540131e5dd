"""Token counts for `curate validate` without a model tokenizer: a per-script estimate, or an
OpenAI tiktoken encoding (``--tokenizer cl100k_base``) when tiktoken and its file are offline.

Characters/4 is right for English prose only: CJK text is about one token per character (a
22,530-token Chinese example counts as 6,754 that way and slips under the 16,385 limit) and
digits go in groups of at most three. The estimate counts each script on its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from curate.errors import UsageError

# Han, kana, Hangul, CJK symbols and full-width forms: about one token per character
_WIDE = re.compile(
    "[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f"
    "\uff00-\uffef\U00020000-\U0003ffff]"
)
_DIGITS = re.compile(r"[0-9]+")
MESSAGE_OVERHEAD = 3  # tokens per message and for the reply primer (OpenAI cookbook)
# tiktoken encodings and the file each loads (openai_public in tiktoken_ext)
TIKTOKEN_FILES = {
    "cl100k_base": "cl100k_base",
    "o200k_base": "o200k_base",
    "o200k_harmony": "o200k_base",
    "p50k_base": "p50k_base",
    "p50k_edit": "p50k_base",
    "r50k_base": "r50k_base",
}
_URL = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"


def estimate_text(text: str) -> int:
    """Tokens in ``text`` by script: digit runs in groups of three, CJK one per character,
    other non-ASCII letters one per two, the rest one per four characters."""
    runs = _DIGITS.findall(text) if any(c.isdigit() for c in text) else []
    digits = sum(len(r) for r in runs)
    tokens = sum((len(r) + 2) // 3 for r in runs)
    if text.isascii():
        return tokens + (len(text) - digits + 3) // 4
    wide = len(_WIDE.findall(text))
    ascii_chars = len(text.encode("ascii", "ignore"))
    other = len(text) - ascii_chars - wide
    return tokens + wide + (other + 1) // 2 + (ascii_chars - digits + 3) // 4


def content_text(content: Any) -> str:
    """The text of a message's content: a string, or the text parts of a content-part list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            p.get("text") or p.get("refusal") or ""
            for p in content
            if isinstance(p, dict) and isinstance(p.get("text") or p.get("refusal") or "", str)
        )
    return ""


def _call_text(m: dict[str, Any]) -> str:
    calls = m.get("tool_calls")
    return json.dumps(calls, ensure_ascii=False) if isinstance(calls, list) else ""


def estimate_messages(msgs: list[Any]) -> tuple[int, int]:
    """(tokens of the conversation, tokens of its assistant turns), estimated; each message
    costs MESSAGE_OVERHEAD more, as OpenAI bills it."""
    total, assistant = MESSAGE_OVERHEAD, 0
    for m in msgs:
        if not isinstance(m, dict):
            continue
        n = estimate_text(content_text(m.get("content")) + _call_text(m))
        total += n + MESSAGE_OVERHEAD
        if m.get("role") == "assistant":
            assistant += n
    return total, assistant


def _cache_path(name: str) -> Path:
    """Where tiktoken caches an encoding's file (its own rule in tiktoken/load.py)."""
    folder = (
        os.environ.get("TIKTOKEN_CACHE_DIR")
        or os.environ.get("DATA_GYM_CACHE_DIR")
        or os.path.join(tempfile.gettempdir(), "data-gym-cache")
    )
    url = _URL.format(TIKTOKEN_FILES[name])
    return Path(folder) / hashlib.sha1(url.encode()).hexdigest()


def is_tiktoken_name(spec: Any) -> bool:
    return isinstance(spec, str) and spec in TIKTOKEN_FILES and not Path(spec).exists()


class TiktokenCounter:
    """An OpenAI encoding, counting as the cookbook's ``num_tokens_from_messages`` does."""

    def __init__(self, name: str) -> None:
        try:
            import tiktoken
        except ImportError:
            raise UsageError(
                f"tokenizer {name} is a tiktoken encoding and needs the package 'tiktoken'",
                param="tokenizer",
                hint="install it with: pip install tiktoken",
            ) from None
        if not _cache_path(name).is_file():
            raise UsageError(
                f"tokenizer {name}: the tiktoken encoding file is not available offline "
                f"(looked for {_cache_path(name)})",
                hint="run `python -c \"import tiktoken; tiktoken.get_encoding('"
                + name
                + "')\"` once with network access, or point TIKTOKEN_CACHE_DIR at a folder "
                "that holds it",
                param="tokenizer",
            )
        self.name = name
        self.encoding = tiktoken.get_encoding(name)

    def count(self, msgs: list[dict[str, Any]]) -> tuple[int, int]:
        """(tokens of the conversation, tokens of its assistant turns)."""
        enc = self.encoding.encode
        total, assistant = MESSAGE_OVERHEAD, 0
        for m in msgs:
            n = MESSAGE_OVERHEAD + len(enc(m.get("role", ""), disallowed_special=()))
            body = len(enc(content_text(m.get("content")) + _call_text(m), disallowed_special=()))
            if m.get("name"):
                n += 1 + len(enc(m["name"], disallowed_special=()))
            total += n + body
            if m.get("role") == "assistant":
                assistant += body
        return total, assistant
