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
# a town and its US state ("Alexandria, VA", "Chicago IL", "Springfield, Illinois"): a place,
# not a person (census first name "Alexandria"). After a comma any state's code but those that
# are also credentials after a name (MD, PA, MA, MS, DE, ME, OR, IN, OK, HI, OH, ID, AL, LA,
# CO: "John Smith, MD"); without a comma only the codes that are no clinical abbreviation
# ("Head CT", "Breast CA", "Father MI", "Tolerating NC", "Known VT", "Near VA")
STATE_CODES = (
    "AK|AZ|AR|CA|CT|FL|GA|IL|IA|KS|KY|MI|MN|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|RI|SC|SD|TN|TX|UT|VT"
    "|VA|WA|WV|WI|WY|DC|PR"
)
STATE_CODES_ALONE = "AK|AZ|FL|IL|KY|NJ|NM|NY|ND|SD|WI|WY"
STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia"
    "|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland"
    "|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada"
    "|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma"
    "|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah"
    "|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming"
)
_TOWN = r"\b[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?"
TOWN_STATE_CODE = rf"{_TOWN}(?:,[ \t]*(?:{STATE_CODES})|[ \t]+(?:{STATE_CODES_ALONE}))\b"
# after the state code: no word going on ("VA.gov", "MA's"); a full stop ending the sentence
# is fine ("I live in Everett, WA.")
TOWN_STATE_CODE_AFTER = r"(?:$|[^A-Za-z0-9.'’-]|\.(?:$|\s))"
TOWN_STATE_NAME = rf"{_TOWN},[ \t]*(?:{STATE_NAMES})\b"
# hyphenated capitalised words: a name only if every part is one ("Jean-Luc", not
# "Charcot-Marie-Tooth")
COMPOUND = r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)+\b"


def not_person_detectors(phrases: Iterable[str]) -> list[Detector]:
    """Detectors of the census pass that run before the census names (see module doc). A
    town with its state is no person: check "town" (town_text) redacts it as an address where
    the pack has that type (a town is a geographic subdivision smaller than a state: HIPAA's
    PHI), else keeps it as text."""
    # each phrase with either apostrophe: "Kohl's", "Kohl’s"
    both = {v for p in phrases for v in (p, p.replace("'", "’"))}
    alt = "|".join(re.escape(p) for p in sorted(both, key=lambda p: (-len(p), p)))
    out = [
        Detector("person", QUOTED_TERM, check="reject"),
        Detector("person", TOWN_STATE_CODE, after=TOWN_STATE_CODE_AFTER, check="town"),
        Detector("person", TOWN_STATE_NAME, check="town"),
    ]
    if alt:
        out.insert(0, Detector("person", rf"\b(?:{alt})\b", check="reject"))
    out.append(Detector("person", COMPOUND, check="compound"))
    return out


def compound_ok(value: str, engine: PiiEngine) -> bool:
    """Every part of a hyphenated word is name-like: "Mary-Kate", "Smith-Jones"."""
    from curate.rules.pii.names import _word_ok

    parts = value.split("-")
    return any(p in engine.listed for p in parts) and all(_word_ok(p, engine) for p in parts)


def town_text(value: str, engine: PiiEngine, keep_values: bool) -> str:
    """A town with its state (check "town"): an address where the pack redacts addresses."""
    from curate.rules.pii.markers import CLOSE, _canon

    index = engine.type_index.get("address")
    if index is None:
        return value
    return _canon(index) + value + CLOSE if keep_values else _canon(index)
