"""Towns in the census-name pass: a town named where a place goes is a place, not a person.

Many towns are census names (Reading, Preston, Crewe, Chester, Florence, Madison): support
tweets about trains and shops name them ("from Blackburn to Grantham", "at Carlisle", "Leighton
Buzzard station") and the census list alone made them ``[PERSON]``. The town list is a
gazetteer (curate/rules/data/places.txt: GeoNames, CC BY 4.0; tests/data/rules/make_places.py),
used with context, never as a blacklist ("Hi Florence" is a person):

- after a locative preposition ("in", "near", "outside", "via", ...) any town of the list;
- after "at", "from" or "to", a town that is no census given name ("to Crewe", not "talk to
  Madison"); "to" a given name's town only after a journey's word or a time ("the 18:28 train
  to Windsor", "en route to Preston");
- before a place word ("Reading station", "Heathrow airport", "Warrington town centre"), or
  before a region after a comma ("Leeds, UK", "Marina, Calif").

The detectors (``place_detectors``) run first in the census pass and their values hold the
context words, so that the check (``place_span``, called from names._listed_span) sees them.
A town after words that introduce an address ("lives in Reading"), with a US state after it,
or in a clinical pack's notes is part of an address (HIPAA counts towns as identifiers);
elsewhere it stays text. What is not
a town goes back to the census-name check.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING

from curate.rules.pii.patterns import Detector

if TYPE_CHECKING:
    from curate.rules.pii.engine import PiiEngine


@functools.cache
def towns() -> frozenset[str]:
    """The gazetteer's town names (read once per process)."""
    text = (resources.files("curate.rules") / "data" / "places.txt").read_text("utf-8")
    return frozenset(n for n in text.splitlines() if n and not n.startswith("#"))


# any town after these
STRONG = frozenset(
    ["in", "near", "outside", "via", "towards", "toward", "around", "across", "throughout"]
)
# a town that is no given name after these (a person is met "at", heard "from", talked "to")
WEAK = frozenset(["at", "from", "to"])
# words that introduce an address: the town after them is part of it
ADDRESS_WORDS = frozenset(
    ["live", "lives", "lived", "living", "reside", "resides", "resided", "residing", "located"]
)
# words of a journey before "to" ("train to Windsor"); a time ("18:28") counts too
JOURNEY = frozenset(
    ["train", "trains", "service", "bus", "coach", "flight", "flights", "fly", "flying", "flew",
     "route", "travel", "travelling", "traveling", "journey", "ticket", "tickets", "return",
     "returning", "going", "go", "went", "drive", "driving", "drove", "back", "trip", "moved",
     "moving", "heading", "headed", "commute", "delayed", "diverted", "connection"]
)  # fmt: skip
# words after a town that make it a place ("Reading station", "Leeds city centre")
PLACE_WORDS = (
    "station|airport|railway|stadium|town centre|town center|city centre|city center"
    "|store|superstore|branch|area|office|depot|terminal|high street|town|city"
)
# after these place words, any capitalised name is a place ("Euston station")
STRONG_PLACE_WORDS = frozenset(["station", "airport", "railway", "terminal"])
# regions after a town and a comma, besides countries and US states: "Marina, Calif"
REGIONS = frozenset(
    ["UK", "US", "USA", "England", "Scotland", "Wales", "Calif", "Mass",
     "Fla", "Tex", "Penn", "Ont", "BC", "NSW", "Qld", "Vic"]
)  # fmt: skip
# ASCII, as the census pass's own pattern (Unicode classes there cost 3x)
_TOK = r"[A-Z][a-z]+(?:['’][a-z]+)?"
_NAMES = rf"{_TOK}(?:[ \t]+{_TOK}){{0,3}}"
_PREP = "in|near|outside|via|towards?|around|across|throughout|at|from|to"
_LEAD = "|".join(sorted(JOURNEY | ADDRESS_WORDS)) + r"|[0-9]{1,2}[:.][0-9]{2}"


def _regions() -> str:
    """A region after a town and a comma: a country, a US state (code or name), "UK"."""
    from curate.rules.pii.address import COUNTRY
    from curate.rules.pii.not_person import STATE_CODES, STATE_NAMES

    extra = "|".join(re.escape(r) for r in sorted(REGIONS, key=lambda r: (-len(r), r)))
    return rf"(?:{STATE_NAMES}|{COUNTRY}|(?:{STATE_CODES}|{extra})\b)"


def _codes_alone() -> str:
    from curate.rules.pii.not_person import STATE_CODES_ALONE

    return STATE_CODES_ALONE


def _codes() -> str:
    from curate.rules.pii.not_person import STATE_CODES

    return STATE_CODES


# (a state's code without a comma where not_person.TOWN_STATE_CODE takes one: "Chicago IL";
# any other code, which may be a word ("NC" is also a nasal cannula), is judged by
# place_span: _BARE_CODE)
_REGION = rf"(?:,[ \t]*{_regions()}|[ \t]+(?:{_codes_alone()})\b|[ \t]+(?:{_codes()})\b)"
# a state's code without a comma that may be a word too ("to Durham NC" may be a nasal
# cannula): a state only after words of an address ("lives in Raleigh NC"), else text
_BARE_CODE = re.compile(rf"[ \t]+(?:{_codes()})")
# a town after its preposition (maybe after a word of a journey or an address, or a time:
# "train to", "lives in", "18:28 to"), maybe with a region after a comma ("in Leeds, UK")
AFTER_PREP = rf"\b(?:(?:{_LEAD})[ \t]+)?(?i:{_PREP})[ \t]+{_NAMES}(?:{_REGION})?\b"
# a town before a place word: "Leighton Buzzard station", "Heathrow Airport"
BEFORE_PLACE_WORD = rf"\b{_NAMES}[ \t]+(?i:{PLACE_WORDS})\b"
# a town, a comma, a region: "Leeds, UK", "Marina, Calif"
BEFORE_REGION = rf"\b{_NAMES}{_REGION}\b"
# a town after a train's time: "06:52 Edinburgh to 09:15 Preston"
_TIME = r"[0-9]{1,2}[:.][0-9]{2}"
AFTER_TIME = rf"\b{_TIME}[ \t]+{_NAMES}\b"
# a route: two names with a dash or "to" between ("Chester - Rhyl", "Euston to Preston")
_ROUTE_SEP = r"[ \t]+(?:-|–|to)[ \t]+"
ROUTE = rf"\b{_NAMES}{_ROUTE_SEP}{_NAMES}\b"
_ROUTE_RE = re.compile(rf"(?P<a>{_NAMES})(?P<sep>{_ROUTE_SEP})(?P<b>{_NAMES})")


@functools.cache
def _states() -> frozenset[str]:
    from curate.rules.pii.not_person import STATE_NAMES

    return frozenset(STATE_NAMES.split("|"))


def _us_state() -> re.Pattern[str]:
    from curate.rules.pii.not_person import STATE_CODES, STATE_NAMES

    alone = _codes_alone()
    return re.compile(rf"(?:,[ \t]*(?:{STATE_NAMES}|(?:{STATE_CODES})\b)|[ \t]+(?:{alone})\b)")


_US_STATE = _us_state()
_PARSE = re.compile(
    rf"(?:(?P<lead>{_LEAD})[ \t]+)?(?:(?P<prep>(?i:{_PREP}))[ \t]+)?(?P<body>{_NAMES})"
    rf"(?:[ \t]+(?P<word>(?i:{PLACE_WORDS})))?(?P<region>{_REGION})?"
)


def place_detectors() -> list[Detector]:
    """The place detectors of the census pass (check "listed": names._listed_span hands
    their finds to ``place_span``); before the census names' own detector."""
    return [
        Detector("person", AFTER_PREP, check="listed"),
        Detector("person", BEFORE_PLACE_WORD, check="listed"),
        Detector("person", BEFORE_REGION, check="listed"),
        Detector("person", AFTER_TIME, check="listed"),
        Detector("person", ROUTE, check="listed"),
    ]


# words that open a place's name before a census name: "San Juan", "San Fran", "Lake Tahoe",
# "Port Talbot", "Santa Fe" (a person's name does not start with them)
PREFIXES = frozenset(["San", "Santa", "Santo", "Lake", "Port", "Fort", "Mount", "Las", "Los"])


def prefixed_place(tokens: list[str]) -> bool:
    """A census find of two words or more that starts with a place's first word (PREFIXES):
    the place, not a person."""
    return len(tokens) > 1 and tokens[0] in PREFIXES


_WORD_RE = re.compile(r"[^ \t]+")


def _town_at(words: list[str], k: int, engine: PiiEngine) -> int:
    """How many words from ``k`` on name a town of the list (the longest; 0: none); not an
    eponym or a word the pack says is no name ("via Foley cath": Foley, Alabama)."""
    for n in range(min(4, len(words) - k), 0, -1):
        name = " ".join(words[k : k + n]).replace("’", "'")
        if name in towns():
            low, w = name.lower(), engine.words
            no = low in engine.not_names or low in w.not_names or low in w.eponyms
            return 0 if no or name in w.not_person else n
    return 0


def place_span(
    value: str,
    engine: PiiEngine,
    town: Callable[[str], str] | None,
    names: Callable[[str], str],
) -> str | None:
    """What a place detector's find becomes; None when ``value`` is none of theirs (the
    census pattern's). ``town`` redacts an address (None: the pack has none); ``names`` is
    the census-name check, for the words that are no town."""
    m = _PARSE.fullmatch(value)
    if m is None:
        return _route(value, engine, names)
    lead, prep, word, region = m.group("lead", "prep", "word", "region")
    timed = lead is not None and lead[:1].isdigit()  # "09:15 Preston"
    if prep is None and word is None and region is None and not timed:
        return None
    body, at = m.group("body"), m.start("body")
    if body in _states():  # "to New York, New Jersey or CT": states, no town
        return value
    spans = [(w.start() + at, w.end() + at) for w in _WORD_RE.finditer(body)]
    words = [value[a:b] for a, b in spans]
    first = engine.words.first_names
    phrases = engine.words.phrases

    def rest(text: str) -> str:
        """The census check on words that are no town, unless they hold a phrase of
        not_person.toml that this find's match kept from its own detector ("Creative
        Cloud")."""
        return text if any(p in text for p in phrases) else names(text)

    state = region is not None and _US_STATE.match(region) is not None
    if region is not None and not state and _BARE_CODE.fullmatch(region):
        if (lead or "").lower() in ADDRESS_WORDS:
            state = True  # "lives in Raleigh NC"
        elif prep is None and not timed:  # "HTN, Colon CA": a diagnosis, no town
            return value[:at] + rest(value[at:])
        else:
            region = None  # (its code stays text: the find ends at the town)
    start, n = 0, _town_at(words, 0, engine)
    if prep is None and not timed:  # before a place word or a region: the last town
        start, n = next(
            (
                (j, k)
                for j in range(len(words))
                if (k := _town_at(words, j, engine)) == len(words) - j
            ),
            (0, 0),
        )
        if n == 0 and word is not None and word.lower() in STRONG_PLACE_WORDS:
            start, n = len(words) - 1, 1  # "Euston station": the station's own name
    if n == 0 and state:  # "in Ellerbe, NC": a town with its state, listed or not
        start = max(0, len(words) - 2)
        n = len(words) - start
    strong = prep is None or prep.lower() in STRONG or lead is not None
    if n == 0 or (not strong and not state and " ".join(words[start : start + n]) in first):
        return value[:at] + rest(value[at:])  # "talk to Madison", "a text from Chester"
    # the town's name runs on to a place word ("Bristol Temple Meads station"); elsewhere
    # the words after it are the census check's ("gate agents in Savannah Jovanda helped")
    stop = len(words) if word is not None else start + n
    if stop < len(words) and words[stop] in engine.listed:  # "from Madison Smith": a name
        return value[:at] + rest(value[at:])
    a, b = spans[start][0], spans[stop - 1][1]
    if stop == len(words) and region is not None:
        b = m.end("region")
    # an address: after "lives in", or with a US state ("Everett, WA": not_person.TOWN_STATE)
    # (in a clinical pack's notes, lowercase_names, a town is PHI wherever it stands)
    lives = (lead or "").lower() in ADDRESS_WORDS
    # (a town named with a place's last word, "Maple Valley": an address, as names._listed_span)
    lives = lives or words[start + n - 1] in engine.words.place_words
    address = town is not None and (state or lives or engine.rules.lowercase_names)
    place = town(value[a:b]) if address and town is not None else value[a:b]
    before, after = value[:a], value[b:]
    if start > 0:
        before = value[: spans[0][0]] + rest(value[spans[0][0] : a])
    if stop < len(words):
        after = rest(value[b : spans[-1][1]]) + value[spans[-1][1] :]
    return before + place + after


def _route(value: str, engine: PiiEngine, names: Callable[[str], str]) -> str | None:
    """A route ("Chester - Rhyl", "Euston to Preston"): a side that is a town is a place when
    the other side is a town too or no census name ("talk to Preston" has no route; "Gary to
    Preston" stays the census check's); None when ``value`` is no route."""
    m = _ROUTE_RE.fullmatch(value)
    if m is None:
        return None
    a, sep, b = m.group("a", "sep", "b")
    wa, wb = a.split(), b.split()
    # the left side's town ends it ("Is Chester - Rhyl": "Chester"), the right's starts it
    cut = next((j for j in range(len(wa)) if _town_at(wa, j, engine) == len(wa) - j), len(wa))
    n_b = _town_at(wb, 0, engine)
    first = engine.words.first_names
    town_a = " ".join(wa[cut:])
    town_b = " ".join(wb[:n_b])
    # two given names are persons ("Gary to Madison": both towns too)
    both_given = town_a in first and town_b in first

    def keep(town: str, other: list[str], other_town: str) -> bool:
        if not town or both_given:
            return False
        return bool(other_town) or not any(w in engine.listed for w in other)

    def rest(text: str) -> str:
        return text if any(p in text for p in engine.words.phrases) else names(text)

    left = (
        (rest(" ".join(wa[:cut])) + " " if cut else "") + town_a
        if keep(town_a, wb, town_b)
        else rest(a)
    )
    right = (
        town_b + ((" " + rest(" ".join(wb[n_b:]))) if n_b < len(wb) else "")
        if keep(town_b, wa[cut:] or wa, town_a)
        else rest(b)
    )
    return left + sep + right
