"""Plain text and Markdown: one document per file."""

from __future__ import annotations

from curate.ingest.readers.source import (
    _DECODE_ERRORS,
    _SURROGATE,
    _Batcher,
    _Source,
    _truncated_message,
)


def _read_text(src: _Source, out: _Batcher, cap: int, name: str) -> None:
    errors_before = _DECODE_ERRORS[0]
    fname = src.path.name
    out.columns = ["text", "filename", "path"]
    text = src.text.read(cap + 1).removeprefix("\ufeff")
    if src.damaged is not None:
        msg = _truncated_message(src, 1, src.damaged, "document")
        out.reject(1, fname, "truncated_file", msg, text)
    elif not text:
        return
    elif len(text) > cap:
        out.reject(1, fname, "too_large", f"document over the {cap:,}-character limit", text)
    elif "\x00" in text:
        out.reject(1, fname, "nul_bytes", "document contains NUL characters", text)
    elif _DECODE_ERRORS[0] != errors_before and _SURROGATE.search(text):
        out.reject(1, fname, "encoding_error", f"bytes that are not valid {src.encoding}", text)
    else:
        out.rows.append({"text": text, "filename": fname, "path": name})
        out.lines.append(1)
        out.locators.append(fname)
