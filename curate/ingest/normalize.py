"""Text normalization as Polars expressions (run in Rust over whole columns).

Always: Unicode NFC, control characters removed (tab and newline kept), runs of spaces collapsed,
trailing spaces stripped, at most one blank line between paragraphs. Opt-in per field: HTML to
text (a real parser, only on rows that contain a tag or comment), quoted previous replies
removed, e-mail signatures removed, and the support-channel steps (leading @handles, agent
sign-offs, the personal part of links: curate/ingest/channel.py) on the rows they can change.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Iterable

import numpy as np
import polars as pl

from curate.ingest import html_text as _html

# C0/C1 controls except \t \n; zero-width and bidi marks that only hide text; BOM.
_CONTROL = (
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_ENTITY = r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});"

# A quoted earlier message: the "On <date>, <name> wrote:" header and everything after it,
# Outlook's "-----Original Message-----" / "From: ... Sent: ..." blocks, and "> " quoted lines.
_QUOTE_HEADER = (
    r"(?ims)(?:^[ \t]*On [^\n]{0,200}?wrote:[ \t]*$|^[ \t]*-{2,}\s*Original Message\s*-{2,}"
    r"|^[ \t]*From:[^\n]*\n[ \t]*(?:Sent|Date):[^\n]*\n).*\z"
)
_QUOTED_LINE = r"(?m)^[ \t]*>[^\n]*(?:\n|\z)"
# Signatures: the RFC 3676 "-- " delimiter, or a mobile footer, to the end of the text.
_SIGNATURE = (
    r"(?ims)(?:^-- ?$|^[ \t]*(?:Sent from my [^\n]{0,40}|Get Outlook for [^\n]{0,20}"
    r"|This (?:e-?mail|message) (?:and any attachments )?(?:is|may be) confidential[^\n]*)$).*\z"
)


def _unescape_entities(col: pl.Expr) -> pl.Expr:
    """Entities are rare: only rows that have one pay for Python's html.unescape."""
    return (
        pl.when(col.str.contains(_ENTITY))
        .then(col.map_elements(html.unescape, return_dtype=pl.String, skip_nulls=True))
        .otherwise(col)
    )


def html_to_text(col: pl.Expr) -> pl.Expr:
    """Rows that look like HTML go through a real parser (curate.ingest.html_text: comments, scripts
    and styles dropped, table cells and list items kept apart); other rows only have their
    entities decoded."""
    parsed = col.map_elements(_html.html_to_text, return_dtype=pl.String, skip_nulls=True)
    return (
        pl.when(col.str.contains(_html.LOOKS_LIKE_HTML))
        .then(parsed)
        .otherwise(_unescape_entities(col))
    )


def strip_quoted_replies(col: pl.Expr) -> pl.Expr:
    stripped = col.str.replace(_QUOTE_HEADER, "").str.replace_all(_QUOTED_LINE, "")
    # Never strip a message to nothing: a text that is all quote keeps its text.
    return pl.when(stripped.str.strip_chars().str.len_chars() > 0).then(stripped).otherwise(col)


def strip_signature(col: pl.Expr) -> pl.Expr:
    stripped = col.str.replace(_SIGNATURE, "")
    return pl.when(stripped.str.strip_chars().str.len_chars() > 0).then(stripped).otherwise(col)


_SPACE_RUN = (
    r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}|[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]"
)


_ASCII_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_UNICODE_SPACE = r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]"


def base_normalize(col: pl.Expr) -> pl.Expr:
    """Controls out, space runs collapsed, no spaces at line ends, at most one blank line."""
    return (
        col.str.replace_all("\r\n?", "\n")
        .str.replace_all(_CONTROL, "")
        .str.replace_all(_UNICODE_SPACE, " ")
        .pipe(_ascii_whitespace)
    )


def _collapse_spacing(col: pl.Expr) -> pl.Expr:
    return (
        col.str.replace_all(r"[ \t]{2,}|\t", " ")
        .str.replace_all(r" +\n", "\n")
        .str.replace_all(r"\n +", "\n")
        .str.replace_all(r"\n{3,}", "\n\n")
    )


def _ascii_whitespace(col: pl.Expr) -> pl.Expr:
    return _collapse_spacing(col).str.strip_chars()


def _on_subset(s: pl.Series, mask: pl.Series, fn: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
    """Apply an expensive expression only to the rows where ``mask`` holds."""
    mask = mask.fill_null(False)
    if not mask.any():
        return s
    idx = mask.arg_true()
    changed = pl.select(fn(pl.lit(s.gather(idx)))).to_series()
    return s.scatter(idx, changed)


def _non_ascii(s: pl.Series) -> pl.Series:
    """Rows with a byte >= 0x80: a length comparison, far cheaper than a regex scan."""
    return s.str.len_bytes() != s.str.len_chars()


def _may_have_control(s: pl.Series) -> bool:
    """False when no row holds an ASCII control other than tab, newline and CR.

    One vectorized pass over the column's bytes; clean columns then skip the regex scan.
    """
    arr = s.cast(pl.Binary).to_arrow()
    if len(arr) == 0:
        return False
    buffers = arr.buffers()
    offsets = np.frombuffer(buffers[1], np.int64, len(arr) + 1, arr.offset * 8)
    data = np.frombuffer(buffers[2], np.uint8)[offsets[0] : offsets[-1]] if buffers[2] else None
    if data is None or data.size == 0:
        return False
    low = data[data < 0x20]
    return bool(((low != 0x09) & (low != 0x0A) & (low != 0x0D)).any() or (data == 0x7F).any())


@functools.cache
def _channel_steps() -> dict[str, tuple[str, Callable[[str], str]]]:
    """Support-channel clean-up for text fields (curate/ingest/channel.py; the same steps a
    layout lists for its turns): each step's gate (a superset of the rows it can change) and
    its per-row function. What they remove is not kept here: a field has no metadata slot."""
    from curate.ingest.channel import strip_agent_signature, strip_leading_handles
    from curate.rules.urls import strip_personal_urls

    return {
        "handles": (r"^\s*\.?@", lambda t: strip_leading_handles(t)[0]),
        "agent_signature": (
            r"[\^*~/\-\u2013\u2014]|[A-Z]{2,3}\s*$",
            lambda t: strip_agent_signature(t)[0],
        ),
        "personal_urls": (r"://|(?i:www)\.", lambda t: strip_personal_urls(t)[0]),
    }


def _python(fn: Callable[[str], str]) -> Callable[[pl.Expr], pl.Expr]:
    return lambda c: c.map_elements(fn, return_dtype=pl.String, skip_nulls=True)


CHANNEL_STEPS = ("handles", "agent_signature", "personal_urls")


# Gates with literal prefixes, so the regex engine can skip ahead instead of scanning each byte.
_QUOTE_GATE = r"(?i)wrote:|original message|from:"
_SIGNATURE_GATE = r"(?i)sent from my|get outlook|confidential"
_SPACING_GATE = r"  | \n|\n |\n\n\n"


def normalize_series(s: pl.Series, steps: Iterable[str] = ()) -> pl.Series:
    """Normalize a string Series; the costly steps run only on rows that can need them.

    Every gate is a superset of the rows its step can change, so the result equals
    ``normalize_expr`` (a property test checks it).
    """
    steps = set(steps)
    name = s.name
    s = s.cast(pl.String)
    if s.len() == 0:
        return s
    if "html" in steps:
        tagged = s.str.contains(_html.LOOKS_LIKE_HTML)
        s = _on_subset(s, tagged, lambda c: c.map_elements(_html.html_to_text, pl.String))
        s = _on_subset(s, ~tagged & s.str.contains(_ENTITY), _unescape_entities)
    s = _on_subset(s, _non_ascii(s), lambda c: c.str.normalize("NFC"))
    if _may_have_control(s):
        s = _on_subset(
            s, s.str.contains(_ASCII_CONTROL), lambda c: c.str.replace_all(_ASCII_CONTROL, "")
        )
    s = _on_subset(
        s, s.str.contains("\r", literal=True), lambda c: c.str.replace_all("\r\n?", "\n")
    )
    if "quotes" in steps:
        quoted = s.str.contains(">", literal=True) | s.str.contains(_QUOTE_GATE)
        s = _on_subset(s, quoted, strip_quoted_replies)
    if "signature" in steps:
        # "--" covers the delimiter line; the rest are mobile and legal footers.
        signed = s.str.contains("--", literal=True) | s.str.contains(_SIGNATURE_GATE)
        s = _on_subset(s, signed, strip_signature)
    for step in CHANNEL_STEPS if steps & set(CHANNEL_STEPS) else ():
        gate, fn = _channel_steps()[step]
        if step in steps:
            s = _on_subset(s, s.str.contains(gate), _python(fn))
    s = _on_subset(
        s,
        _non_ascii(s),
        lambda c: c.str.replace_all(_CONTROL, "").str.replace_all(_UNICODE_SPACE, " "),
    )
    spaced = s.str.contains("\t", literal=True) | s.str.contains(_SPACING_GATE)
    s = _on_subset(s, spaced, _collapse_spacing)
    return s.str.strip_chars().alias(name)


def normalize_expr(col: pl.Expr, steps: Iterable[str] = ()) -> pl.Expr:
    """The same normalization as an expression, step for step (all rows pay for every step)."""
    steps = set(steps)
    if "html" in steps:
        col = html_to_text(col)
    col = (
        col.str.normalize("NFC").str.replace_all(_ASCII_CONTROL, "").str.replace_all("\r\n?", "\n")
    )
    if "quotes" in steps:
        col = strip_quoted_replies(col)
    if "signature" in steps:
        col = strip_signature(col)
    for step in CHANNEL_STEPS:
        if step in steps:
            col = _python(_channel_steps()[step][1])(col)
    return base_normalize(col)


def normalize_text(text: str, steps: Iterable[str] = ()) -> str:
    """Normalize one string (tests and one-offs); the same code path as whole columns."""
    out = normalize_series(pl.Series("t", [text], dtype=pl.String), steps)[0]
    return str(out)


def normalize_verbatim(s: pl.Series) -> pl.Series:
    """Normalization for code (a field with ``verbatim = true``): indentation and space runs are
    meaning there, so only NFC, control characters (tab and newline kept), line ends, spaces at
    line ends and blank lines around the text are normalized."""
    name = s.name
    s = s.cast(pl.String)
    if s.len() == 0:
        return s
    s = _on_subset(s, _non_ascii(s), lambda c: c.str.normalize("NFC"))
    s = s.str.replace_all("\r\n?", "\n").str.replace_all(_ASCII_CONTROL, "")
    s = _on_subset(s, _non_ascii(s), lambda c: c.str.replace_all(_CONTROL, ""))
    return (
        s.str.replace_all(r"[ \t]+\n", "\n").str.strip_chars_end().str.strip_chars("\n").alias(name)
    )
