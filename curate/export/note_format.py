"""Template filters that teach a clinical note's format rather than a dataset's shorthand.

- ``section_name``: a section code (MTS-Dialog's ``GENHX``, ``FAM/SOCHX``) as the name a
  clinician uses, from the data file ``curate/builtin/data/section_names.toml``.
- ``note_layout``: headings and numbered items back on their own lines in a note whose line
  breaks a CSV export flattened into commas (MTSamples on Kaggle: ``SUBJECTIVE:, This ...
  ,MEDICATIONS: , Her ...``); a note that has line breaks comes back unchanged.
- ``soap_note``: a note with sectioned headings (ACI-Bench's CHIEF COMPLAINT, PHYSICAL EXAM,
  ASSESSMENT AND PLAN, ...) regrouped under SUBJECTIVE / OBJECTIVE / ASSESSMENT AND PLAN, each
  section kept whole under its own heading; ``""`` (so the task gives no example, reason
  ``empty_template``) where the note lacks a subjective, an objective or an assessment/plan part.
- ``note_description``: a note's short description (MTSamples' ``description``: diagnosis,
  procedure or reason for the visit) without the note's own narrative sentences that the
  scraper copied after it ("Trigger thumb release. A transverse incision was made over the
  MPJ crease ..."): what is left describes the note instead of quoting its middle.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

# a heading line of a sectioned note: capitals, spaces and a few signs, nothing else
HEADING_LINE = re.compile(r"^[ \t]*([A-Z][A-Z /&,()-]{1,60}?)[ \t]*:?[ \t]*$", re.M)
# flattened headings: "SUBJECTIVE:, text" at the start, ",MEDICATIONS: , text" later
FLAT_HEADING = re.compile(r"(?:^|,)\s*([A-Z][A-Z /&()-]{1,60}[A-Z)]):\s*,\s*")
# flattened line breaks after a sentence: "...exudate.,Neck:  Supple", "...hemiscrotum.,The
# patient", and numbered items ("...,2.  Samples"): ".," is no punctuation prose writes
FLAT_SUBHEADING = re.compile(r"(?<=[.)]),\s*(?=[A-Z]|\d{1,2}\.\s)")

SOAP_GROUPS = {
    "SUBJECTIVE": (
        "SUBJECTIVE",
        "CHIEF COMPLAINT",
        "CC",
        "HISTORY OF PRESENT ILLNESS",
        "HPI",
        "ROS",
        "PMH",
        "REVIEW OF SYSTEMS",
        "REVIEW OF SYMPTOMS",
        "MEDICAL HISTORY",
        "PAST HISTORY",
        "PAST MEDICAL HISTORY",
        "SURGICAL HISTORY",
        "PAST SURGICAL HISTORY",
        "SOCIAL HISTORY",
        "FAMILY HISTORY",
        "BIRTH HISTORY",
        "MEDICATIONS",
        "CURRENT MEDICATIONS",
        "ALLERGIES",
    ),
    "OBJECTIVE": (
        "OBJECTIVE",
        "PHYSICAL EXAM",
        "PHYSICAL EXAMINATION",
        "EXAM",
        "EXAMINATION",
        "VITALS",
        "VITALS REVIEWED",
        "VITAL SIGNS",
        "RESULTS",
        "LABS",
        "IMAGING",
        "EKG",
    ),
    "ASSESSMENT AND PLAN": (
        "ASSESSMENT",
        "IMPRESSION",
        "ASSESSMENT AND PLAN",
        "PLAN",
        "INSTRUCTIONS",
        "ORDERS",
        "PROCEDURE",
        "DIAGNOSIS",
    ),
}
GROUP_OF = {h: g for g, heads in SOAP_GROUPS.items() for h in heads}


@lru_cache(maxsize=1)
def section_names() -> dict[str, str]:
    """Code (upper case) -> readable name, over every table of the data file."""
    data = resources.files("curate") / "builtin" / "data" / "section_names.toml"
    tables = tomllib.loads(data.read_text("utf-8"))
    return {
        str(code).upper(): str(name)
        for table in tables.values()
        if isinstance(table, dict)
        for code, name in table.items()
    }


def section_name(code: Any) -> str:
    """A section code's readable name (the code as written when the data file lacks it)."""
    if code is None:
        return ""
    text = str(code).strip()
    return section_names().get(text.upper(), text)


def note_layout(note: Any) -> str:
    """A note with its flattened headings and list items back on their own lines (see the
    module docstring); unchanged when it already has line breaks or no flattened heading."""
    text = "" if note is None else str(note)
    if "\n" in text or not FLAT_HEADING.search(text):
        return text
    text = FLAT_HEADING.sub(lambda m: f"\n\n{m.group(1)}:\n", text)
    text = FLAT_SUBHEADING.sub("\n", text)
    return text.strip()


def _sections(note: str) -> list[tuple[str | None, str]]:
    """(heading or None for text before the first, the section's text with its heading line)."""
    marks = [
        m
        for m in HEADING_LINE.finditer(note)
        if m.group(1).strip().upper() in GROUP_OF  # only headings the groups know split
        or (m.group(1).isupper() and len(m.group(1).split()) <= 6)
    ]
    out: list[tuple[str | None, str]] = []
    if not marks:
        return [(None, note)]
    if note[: marks[0].start()].strip():
        out.append((None, note[: marks[0].start()].strip()))
    for m, nxt in zip(marks, [*marks[1:], None], strict=True):
        end = nxt.start() if nxt is not None else len(note)
        out.append((m.group(1).strip().upper(), note[m.start() : end].strip()))
    return out


def soap_note(note: Any) -> str:
    """The note's sections regrouped under SOAP headings, or "" when it lacks one of them."""
    text = "" if note is None else str(note).strip()
    if not text:
        return ""
    grouped: dict[str, list[str]] = {g: [] for g in SOAP_GROUPS}
    current = "SUBJECTIVE"  # text before any heading, and unknown headings, stay in place
    for heading, body in _sections(text):
        if heading is not None and heading in GROUP_OF:
            current = GROUP_OF[heading]
        if heading in SOAP_GROUPS:  # the note's own S/O heading: its body alone
            body = body[len(heading) :].lstrip(" :\n")
            if not body:
                continue
        grouped[current].append(body)
    if not all(grouped.values()):
        return ""
    return "\n\n".join(f"{g}\n\n" + "\n\n".join(parts) for g, parts in grouped.items())


# a description's sentences: a full stop and a capital, digit or bracket after it
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(#\d])")
# a finite verb makes a sentence narrative ("The vas was identified"); a description's own
# parts are noun phrases ("Morbid obesity.", "Laparoscopic Roux-en-Y gastric bypass.")
_FINITE = re.compile(
    r"\b(?:is|was|were|are|has|had|have|will|would|did|does|made|presents?|presented|"
    r"underwent|denies|reports?|reported|noted|comes|came|states|complains|appears?|"
    r"showed|shows|revealed|reveals)\b",
    re.I,
)


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def note_description(description: Any, note: Any) -> str:
    """``description`` without its sentences, after the first, that are narrative (a finite
    verb, five words or more) and copied from ``note`` (three in five of their word trigrams
    are the note's): the scraper's excerpt of the note, not a description of it."""
    text = "" if description is None else " ".join(str(description).split())
    sentences = [s for s in _SENTENCE.split(text) if s]
    if len(sentences) < 2:
        return text
    in_note = _trigrams("" if note is None else str(note))
    kept = sentences[:1]
    for s in sentences[1:]:
        grams = _trigrams(s)
        copied = len(grams & in_note) >= 0.6 * len(grams) if grams else False
        if not (copied and len(s.split()) >= 5 and _FINITE.search(s)):
            kept.append(s)
    return " ".join(kept)
