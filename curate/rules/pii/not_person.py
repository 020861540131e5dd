"""Capitalised words that are not persons though the census list holds them: the detectors
that take them out of the census-name pass, and the check of a hyphenated compound.

The census list alone is weak evidence: in contracts, support chats and notes most lone
capitalised surnames are a company ("Apple", "Cisco"), a place ("State of New York"), a clause
label ("Most Favored Nation"), a defined term (the "Stock") or an eponym ("Mayo scissors",
"Charcot-Marie-Tooth"). The single words live in curate/rules/data/not_person.toml and leave
the list (engine.py); what needs more than one word is matched here, first in the census
pass, and given back as text (leftmost match wins, so nothing inside it is a name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from curate.rules.pii.patterns import Detector

if TYPE_CHECKING:
    from curate.rules.pii.engine import PiiEngine

# a defined term in quotes: the "Company", (“Stock”), 'Merchant' -- up to four capitalised words
QUOTED_TERM = r"[\"“][A-Z][A-Za-z&.'-]*(?:[ \t]+[A-Z][A-Za-z&.'-]*){0,3}[\"”]"
# hyphenated capitalised words: a name only if every part is one ("Jean-Luc", not
# "Charcot-Marie-Tooth")
COMPOUND = r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)+\b"


def not_person_detectors(phrases: Iterable[str]) -> list[Detector]:
    """Detectors of the census pass that run before the census names (see module doc)."""
    alt = "|".join(re.escape(p) for p in sorted(set(phrases), key=lambda p: (-len(p), p)))
    out = [Detector("person", QUOTED_TERM, check="reject")]
    if alt:
        out.insert(0, Detector("person", rf"\b(?:{alt})\b", check="reject"))
    out.append(Detector("person", COMPOUND, check="compound"))
    return out


def compound_ok(value: str, engine: PiiEngine) -> bool:
    """Every part of a hyphenated word is name-like: "Mary-Kate", "Smith-Jones"."""
    from curate.rules.pii.names import _word_ok

    parts = value.split("-")
    return any(p in engine.listed for p in parts) and all(_word_ok(p, engine) for p in parts)
