"""Account identifiers given in a labelled slot, and identifier-like tokens kept whole.

Support chats hand over a username as data: "Username: cminh730", "my gamer tag is
phantomstrike50", "PS4, gamer tag Livid_cN", "account name: Adekunle Adeoye", "an account
called JuanLikeTaco_xD". The value after such a label is that user's identifier and becomes
``[USER]`` whole (a person's name there too: it is the account's name). The label alone is
text: "your username and password", "Login: please reset", "the PSN account", "Steam games":
what follows is a word, not an id (``account_text``'s checks are set lookups).

Three forms, strongest first: a colon or "=" after any label ("Gamertag:MISSEPISSE"); "is"
after one ("my login is jdoe"); and the bare label before the value, only for the labels that
name an id by themselves ("username", "gamer tag", "PSN ID"; not "Steam", "handle", "login",
whose next word is far more often a product or a verb's object: "Steam Deck", "handle Fios").

A token joined by "_" with a capitalised word in it ("JuanLikeTaco_xD", "Mike_Jones99") is one
identifier: the name passes took its given name and left the rest ("[PERSON]Taco_xD"). It is
redacted whole where a part of it is a census name, else kept whole (held out of the later
passes like a public link), never half.

An id found so is redacted wherever else its record writes it (another turn: "thanks
cminh730"), as names found by context are; so is an e-mail's local part that looks like a
username ("aphoenix939@email.com", and "Alessandro Phoenix\n\naphoenix939" in the turn before,
where the agent had asked for the account's id).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from curate.rules.pii.detector import Detector, Gate
from curate.rules.pii.markers import CLOSE, KEEP, NOTE, _canon

if TYPE_CHECKING:
    from curate.rules.pii.engine import PiiEngine

__all__ = ["ACCOUNT_DETECTORS", "USER_NOTE", "account_text"]

# an id to redact wherever else its record writes it ("thanks cminh730"), as a user: noted
# NOTE USER_NOTE id NOTE, as names are noted (resolve.propagate_names)
USER_NOTE = "\U000ffff7"

_S = r"[ \t]?"  # "user name", "username"
# labels that name an account's id by themselves
_ID_LABEL = (
    rf"user{_S}names?|user{_S}id|screen{_S}names?|gamer{_S}tags?|account{_S}name|nick{_S}names?"
    rf"|online{_S}id"
)
_PLATFORM = rf"psn|xbox(?:{_S}live)?|xbl|steam|epic(?:{_S}games)?|discord"
# a platform's name with what names an id on it: "PSN ID", "Xbox Live gamertag", "Steam name"
_PLATFORM_ID = rf"(?:{_PLATFORM}){_S}(?:id|name|user{_S}name|gamer{_S}tag|tag)"
_ANY_LABEL = rf"{_PLATFORM_ID}|{_ID_LABEL}|{_PLATFORM}|ign|log{_S}in(?:{_S}(?:id|name))?|handle"
# the value: one token ("cminh730", "ghost#1234", "xX_Drake_Xx", "jane.doe") or, after a colon
# or "is", two capitalised words ("Adekunle Adeoye", an Xbox gamertag with a blank)
_TOKEN = r"[A-Za-z0-9_][A-Za-z0-9_.#-]*[A-Za-z0-9_]\b"
_TWO = r"[A-Z][a-z]+[ \t]+[A-Z][A-Za-z0-9]+\b"
_OWNER = r"(?:(?:my|his|her|their|our|your|the|a)[ \t]+)?"
# a token joined by "_" with a capitalised word in it, before or after the first "_"
MIXED = (
    r"[A-Za-z0-9]*(?:[A-Z][a-z][A-Za-z0-9]*_[A-Za-z0-9_]*"
    r"|_[A-Za-z0-9_]*[A-Z][a-z][A-Za-z0-9_]*)[A-Za-z0-9]"
)
# the labels as a text holds them, lower-cased, in one regex (as 40 literal searches it cost 3x
# the detectors' scan; an alternation of many words' prefixes spoils Rust's prefilter, 4x): a
# label whose word is frequent alone ("can't login", "handle it", "Xbox One", "design") only
# with what makes it a slot ("login:", "handle is", "PSN ID"). Its own pass, not the handles'
# (whose "@" let most tweets and e-mails through): 28 of 5,000 bench tickets pass it
LABEL_GATE = Gate(
    r"user|gamer|screen ?name|nick ?name|online id|(?:account|profile|channel) (?:called|named)"
    r"|account name|(?:psn|xbox|xbl|steam|epic|discord)[ \t]*(?:[:=]|is\b|id\b|name|tag|user"
    r"|gamer|live|games)|(?:login|log in|handle|ign)[ \t]*(?:[:=]|is\b|id\b|name)",
    fold=True,
)
_VALUE = rf"(?:{_TWO}|{_TOKEN})"
_STRONG = rf"{_PLATFORM_ID}|{_ID_LABEL}|ign|log{_S}in{_S}(?:id|name)"
_WEAK = rf"{_PLATFORM}|log{_S}in|handle"  # the word alone is as often a product or a verb's
ACCOUNT_DETECTORS = [
    # "Username: cminh730", "Gamertag:MISSEPISSE", "Steam ID = 7656...", "account name: X Y"
    Detector(
        "user",
        _VALUE,
        before=rf"\b(?i:{_STRONG})[ \t]*[:=][ \t]*",
        check="account",
        gate=LABEL_GATE,
    ),
    # "my gamer tag is phantomstrike50", "the user name was jdoe"
    Detector(
        "user",
        _VALUE,
        before=rf"\b(?i:{_OWNER}(?:{_STRONG}))[ \t]+(?i:is|was)[ \t]+",
        check="account",
        gate=LABEL_GATE,
    ),
    # "Steam: xX_Drake_Xx", "my PSN is KingArthur", "login is jdoe", "handle: @x": no word of
    # the lexicon after them ("Handle: Fragile", "my psn is down"), no "=" ("steam = 100")
    Detector(
        "user",
        _VALUE,
        before=rf"\b(?i:(?:{_WEAK})[ \t]*:|(?:{_OWNER}(?:log{_S}in|handle)"
        rf"|(?:my|his|her|their|our|your)[ \t]+(?:{_PLATFORM}))[ \t]+(?:is|was))[ \t]+",
        check="account_bare",
        gate=LABEL_GATE,
    ),
    # "gamer tag Livid_cN", "Username Fusionette.", "an account called JuanLikeTaco_xD"
    Detector(
        "user",
        _TOKEN,
        before=rf"\b(?i:{_PLATFORM_ID}|{_ID_LABEL}|(?:account|profile|channel)[ \t]+(?:called|named))"
        r"[ \t]+",
        check="account_bare",
        gate=LABEL_GATE,
    ),
    Detector(
        "user",
        MIXED,
        before=r"(?:^|[^A-Za-z0-9_@.#/\\:=+-])",
        after=r"(?:$|[^A-Za-z0-9_@])",
        check="account_mixed",
        gate=Gate("_"),
    ),
]

# what follows a label where no id is given: "Login: please", "username is the same"
_NOT_ID = frozenset(
    """is was be are it its the a an to and or in on of for at by not no none n/a na nil null
    same this that here there below above my me your his her their our above same one also
    email e-mail mail address password pass pw phone number id name admin administrator root
    guest user test demo default anonymous""".split()  # noqa: SIM905
)
_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def _id_like(word: str) -> bool:
    """A digit, "_", "#", an inner "." or a capital after the first letter: "cminh730",
    "xXSlayerXx", "MISSEPISSE", "ghost#1234" (no word is written so)."""
    return bool(re.search(r"[0-9_#]|.\.|.[A-Z]", word))


def _word(word: str, eng: PiiEngine, bare: bool) -> bool:
    """``word`` is a word, not an id: a frequent English word after a colon or "is"; any
    word of the lexicon after a bare label ("username changes", "gamer tag Livid")."""
    low = word.lower()
    if low in _NOT_ID or low in eng.words.common_words:
        return True
    return bare and low in eng.words.lexicon


def _local_id(local: str, eng: PiiEngine) -> bool:
    """An e-mail's local part that its owner also uses alone as a username ("cminh730",
    "aphoenix939", "jane.doe"): with a digit, or joined by "." or "_", or a long non-word."""
    if len(local) < 4 or not re.search(r"[A-Za-z]", local):
        return False
    if re.search(r"[0-9]|[A-Za-z][._][A-Za-z]", local):
        return True
    return len(local) >= 6 and local.lower() not in eng.words.lexicon


def _wordish(low: str, lexicon: frozenset[str]) -> bool:
    """A word of the lexicon, maybe inflected ("retries", "counts", "loaded", "loading")."""
    stems = (low, low[:-1], low[:-2], low[:-3] + "y", low[:-3], low[:-3] + "e")
    return any(len(s) > 1 and s in lexicon for s in stems)


def _named_token(value: str, eng: PiiEngine) -> bool:
    """A "_" token made of a person's name: a census name in it, and a digit, a piece that is
    no word ("JuanLikeTaco_xD", "MikeJones_99") or two names ("Sarah_Connor"). Words with one
    name among them are code ("Max_Retries", "Mark_As_Read"), kept whole."""
    parts = [p.title() for p in _CAMEL.findall(value.replace("_", " ")) if len(p) > 2]
    names = sum(p in eng.listed or p in eng.words.first_names for p in parts)
    if not names:
        return False
    odd = any(not _wordish(c.lower(), eng.words.lexicon) for c in value.split("_") if c)
    return names > 1 or odd or any(ch.isdigit() for ch in value)


def account_text(kind: str, value: str, eng: PiiEngine, keep_values: bool) -> str:
    """What a find of ``ACCOUNT_DETECTORS`` becomes (``kind``: its check): the id as a user
    (a person where the pack has no user type), text where it is a word, or the mixed token
    kept whole (``KEEP value CLOSE``: held out of the later passes)."""
    if kind == "account_email":  # an e-mail address: its local part is the user's id too
        mark = _canon(eng.type_index["email"])
        out = mark + value + CLOSE if keep_values else mark
        local = value.rpartition("@")[0]
        return out + NOTE + USER_NOTE + local + NOTE if _local_id(local, eng) else out
    index = eng.type_index.get("user", eng.type_index.get("person"))
    if index is None:
        return value

    def wrap(v: str) -> str:
        mark = _canon(index) + v + CLOSE if keep_values else _canon(index)
        return mark + NOTE + USER_NOTE + v + NOTE if len(v) > 3 else mark

    if kind == "account_mixed":
        return wrap(value) if _named_token(value, eng) else KEEP + value + CLOSE
    if value.isdigit() and len(value) < 5:  # a count or a time ("Login: 08:00"), no id
        return value
    first, blank, second = value.partition(" ")
    if blank:  # two words: the second may be text ("Username: Bob Please help")
        second = second.strip()
        if _id_like(second) or not _word(second, eng, False):
            return wrap(value)
        value, rest = first, value[len(first) :]
    else:
        rest = ""
    if _id_like(value) or not _word(value, eng, kind == "account_bare"):
        return wrap(value) + rest
    return value + rest
