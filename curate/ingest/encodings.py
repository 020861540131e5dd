"""Legacy (non-UTF-8) encodings beyond Western European: detect instead of guessing cp1252.

curate.ingest.readers decodes a file that is not UTF-8 as cp1252, which is right for Western
exports but turns Russian cp1251 or Japanese Shift-JIS into mojibake that no check rejects.
Before settling on cp1252 the reader asks charset-normalizer about the first bytes: when the
text they decode to is mostly in a non-Latin script, that encoding is used, and the file gets
a warning naming it (confident) or, where the evidence is thin, cp1252 is kept with a warning
naming the likely encoding and the ``--encoding`` to pass. Nothing changes silently.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

__all__ = ["LegacyGuess", "guess_legacy"]

SAMPLE_BYTES = 1 << 16
_MIN_LETTERS = 8  # fewer non-ASCII letters than this is too little evidence
_MAX_CHAOS = 0.1
# Windows code pages are far more common in exports than Mac or ISO ones that decode alike.
_RARE_PREFIXES = ("mac_", "iso8859", "cp10", "ptcp", "hp_", "kz1048")


@dataclass(frozen=True)
class LegacyGuess:
    """A non-Latin legacy encoding the bytes most likely are, and how sure that is."""

    encoding: str
    script: str
    confident: bool

    def warning(self, used: str) -> str:
        if self.confident:
            return (
                f"not UTF-8: decoded as {self.encoding} ({self.script} text detected); "
                "pass --encoding to override"
            )
        return (
            f"not UTF-8 and the encoding is unclear: the bytes look like {self.encoding} "
            f"({self.script}) but the sample is too small or too mixed to be sure; decoded as "
            f"{used}, which may be wrong: pass --encoding {self.encoding} if that is right"
        )


def _script(text: str) -> tuple[str, int]:
    """The script most non-ASCII letters of ``text`` belong to, and how many letters there are."""
    counts: dict[str, int] = {}
    n = 0
    for ch in text:
        if ch < "\x80" or not ch.isalpha():
            continue
        n += 1
        name = unicodedata.name(ch, "")
        script = name.split(" ", 1)[0] if name else "OTHER"
        if script in ("HIRAGANA", "KATAKANA", "CJK", "HALFWIDTH", "FULLWIDTH"):
            script = "CJK"
        counts[script] = counts.get(script, 0) + 1
    if not counts:
        return "LATIN", 0
    return max(counts, key=lambda k: counts[k]), n


def guess_legacy(prefix: bytes) -> LegacyGuess | None:
    """For bytes that are not UTF-8: the non-Latin encoding they most likely are, or None when
    they read as Latin-script text (cp1252 stays right) or nothing fits."""
    from charset_normalizer import from_bytes

    sample = prefix[:SAMPLE_BYTES]
    cut = sample.rfind(b"\n")
    if cut > 0 and len(sample) == SAMPLE_BYTES:
        sample = sample[: cut + 1]  # do not cut a multi-byte character in two
    try:
        matches = list(from_bytes(sample))
    except Exception:  # the detector is advisory; never let it stop a read
        return None
    if not matches:
        return None
    common = [m for m in matches if not m.encoding.startswith(_RARE_PREFIXES)]
    best = (common or matches)[0]
    script, letters = _script(str(best))
    if script == "LATIN":
        return None
    name = {"CJK": "Japanese/Chinese"}.get(script, script.title())
    confident = letters >= _MIN_LETTERS and best.chaos <= _MAX_CHAOS
    return LegacyGuess(best.encoding, name, confident)
