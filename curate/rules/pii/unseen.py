"""Names no list holds: a token in a name's place (after "son", "husband", "spoke with", a
title) that is a rare given name or surname (given_names_more.txt, surnames_more.txt: set
lookups, never in a regex), or no English word at all (english_words.txt, ~80k words of
wordfreq), is a name ("DAUGHTER HUIA", "husband waluyo", "spoke with oprea").

The small lists (census, given_names_intl) go into the regexes and name a person almost
anywhere; these big ones are consulted only on a find that a context has already made, so
they cost a set lookup per distinct find (issue 18: person recall on unseen names).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING

from curate.rules.pii.detector import Gate

if TYPE_CHECKING:
    from curate.rules.pii.engine import PiiEngine

# words after which a capitalised word is often a person's name (a conjunction, "with", "by",
# a verb of speaking, meeting or feeling; not "called": "a drug called Lyrica"; not "at",
# "from", "to", "of", "for": in support tweets places and products follow them, "at Euston",
# "version of Docker", read in the twcs/IBM/Kaggle texts): the places of
# name_detectors._unseen_detectors' candidates
UNSEEN_SLOT = (
    r"(?:is|was|by|with|and|or|but|nor|said|says|told|tell|asked|ask|met|meet|saw|heard|hear"
    r"|thank|thanks|love|loves|loved|hate|hates|married|marry|remember|starring|featuring"
    r"|dear|contacted|emailed|texted|whom)"
)
# name_shape scores: above SHAPE_TYPO a token one edit from a word is a name still; above
# SHAPE_START a capitalised word no list holds opening a sentence is (with a person's pronoun
# after it: name_detectors._unseen_detectors)
SHAPE_TYPO = 4.0
SHAPE_START = 1.5
# after a sentence's subject: "is"/"was"/"has"/"had", then in the same sentence a word that
# only a person is (a subject pronoun, "person"; not "his"/"her": "Docker is broken and my
# son cannot use his laptop"): name_detectors._unseen_detectors' "unseen_shape"
PRONOUN_AFTER = (
    r"[ \t]+(?:is|was|has|had)[ \t][^\n.!?;]{0,60}?\b(?:he|she|himself|herself|person|man"
    r"|woman|girl|boy|guy|lady|gentleman)\b"
)
# the texts PRONOUN_AFTER can match: those with one of its words (its pass's gate)
PRONOUN_GATE = Gate(r"\b(?:he|she|himself|herself|person|man|woman|girl|boy|guy|lady|gentleman)\b")
# a subject praised or blamed ("is very reliable"), then in the next sentence a person's
# object pronoun: "Seona is very reliable. You can always depend on her." (a brand is "it")
PRONOUN_NEXT = (
    r"[ \t]+(?:is|was)[ \t]+(?:very|so|really|always|quite|extremely|never)[ \t][^\n.!?;]{0,40}"
    r"[.!][ \t]+[^\n.!?;]{0,60}?\b(?:him|her)\b"
)
PRONOUN_NEXT_GATE = Gate(r"\b(?:him|her)\b")
_CONTRACTED = frozenset(["m", "s", "d", "t", "re", "ve", "ll"])
_GAELIC = re.compile(r"^(?:Mc|Mac|O['’]|D['’])(?=[A-Z])")
_SHAPE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)?")


@functools.cache
def _shape_model() -> dict[str, float]:
    """name_shape.txt (tests/data/rules/make_name_shape.py), read at first use."""
    from curate.rules.pii.words import _data

    model: dict[str, float] = {}
    for line in _data("name_shape.txt").splitlines():
        if line and not line.startswith("#"):
            gram, value = line.split("\t")
            model[gram] = float(value)
    return model


@functools.cache
def name_shape(token: str) -> float:
    """How much ``token`` is spelt like a name rather than an English word: the sum of its
    letter 2-4-grams' log-odds (accents folded; name_shape.txt). "Vehbija" +15, "Danuše" +6,
    a typo "notifed" -23, "iPhone" -12. Cached per distinct token."""
    decomposed = unicodedata.normalize("NFKD", token.strip(".,:;!?'’\"").lower())
    folded = "^" + "".join(c for c in decomposed if not unicodedata.combining(c)) + "$"
    model = _shape_model()
    return sum(
        model.get(folded[i : i + n], 0.0) for n in (2, 3, 4) for i in range(len(folded) - n + 1)
    )


def more_name(token: str, engine: PiiEngine) -> bool:
    """``token`` (any case) is a rare given name or surname of the big lists, and no common
    word nor a thing's name."""
    word = token.strip(".,:;'’")
    low = word.lower()
    if len(word) < 3 or low in engine.words.common_words or low in engine.words.not_names:
        return False
    if low in engine.not_names or low in engine.not_person:
        return False
    return word[:1].upper() + word[1:].lower() in engine.words.more_names


def unknown_name(token: str, engine: PiiEngine) -> bool:
    """``token`` can be a name no list holds: a rare name of the big lists, or letters only
    that are no English word (in capitals four letters at least: a note's abbreviations,
    "SON HCP", are short)."""
    word = token.strip(".,:;'’")
    if _SHAPE.fullmatch(word) is None:
        return False
    if more_name(word, engine):
        return True
    low = word.lower()
    if len(word) < (4 if word.isupper() else 3):
        return False
    words = engine.words
    tail = re.split(r"['’]", low)[-1] if len(low) > 2 else low
    if low.replace("’", "'") in words.lexicon or (tail != low and tail in _CONTRACTED):
        return False  # "i'm", "we'd": a contraction (not "O'Connor")
    parts = re.split(r"['’-]", low)  # "IN-LAW", "CO-SIGNATURE": words joined
    if any(p in words.lexicon or p in words.common_words or p in words.not_names for p in parts):
        return False
    if low in engine.not_names or low in engine.not_person:
        return False
    if len(parts) == 1 and (inflected(low, words.lexicon) or british(low, words.lexicon)):
        return False
    if len(low) in (4, 5) and any(low + c in words.lexicon for c in _LETTERS):
        return False  # a word cut short, too short for misspelt: "met with famil"
    # one edit from a word, but spelt like a name: "Danuše" (danube), "Bognár"; a note's typo
    # is spelt like a word ("notifed", "PRESNT": name_shape far below 0)
    return len(parts) > 1 or not misspelt(low, words.lexicon) or name_shape(word) >= SHAPE_TYPO


def inflected(low: str, lexicon: frozenset[str]) -> bool:
    """A word's form the lexicon lacks, beside one it holds: "transfuse" (transfusion,
    transfused), "abduct" (abducts)."""
    return (
        low + "s" in lexicon
        or low + "d" in lexicon
        or low + "ed" in lexicon
        or (low.endswith("e") and low[:-1] + "ion" in lexicon)
        or low + "ion" in lexicon
    )


def british(low: str, lexicon: frozenset[str]) -> bool:
    """A British spelling of a word the lexicon holds in its American form or another form:
    "verbalised" (verbalize), "mobilising", "organisation" (Australian notes: "pt + daughter
    verbalised understanding" was a relative's name)."""
    if "is" not in low:
        return False
    us = low.replace("is", "iz")
    if us in lexicon or inflected(us, lexicon):
        return True
    for end, add in (("ed", ""), ("ed", "e"), ("d", ""), ("ing", ""), ("ing", "e"), ("ation", "e")):
        if us.endswith(end) and us[: -len(end)] + add in lexicon:
            return True
    return False


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def misspelt(low: str, lexicon: frozenset[str]) -> bool:
    """``low`` (six letters or more) is one edit from an English word of five letters or more:
    a note's typo ("notifed", "PRESNT", "AGRESS"), no name. Shorter tokens are not judged: a
    short name is often one edit from a word ("Huia", "hula")."""
    if len(low) < 6:
        return False
    n = len(low)
    for i in range(n + 1):
        head, tail = low[:i], low[i:]
        if i < n and len(low) > 5 and head + tail[1:] in lexicon:  # a letter too many
            return True
        if i < n - 1 and head + tail[1] + tail[0] + tail[2:] in lexicon:  # two swapped
            return True
        for c in _LETTERS:
            if head + c + tail in lexicon:  # a letter left out
                return True
            if i < n and c != tail[0] and head + c + tail[1:] in lexicon:  # a wrong letter
                return True
    return False


def _title(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def plain_word(token: str, engine: PiiEngine) -> bool:
    """``token`` is an English word (english_words.txt) or a frequent word of another language
    (foreign_words.txt) that no list names a person: a context's find of one word then is no
    name ("Thanks God", "It's Everytime", "Pouvez vous"); a census name, or a rare name of the
    big lists, is ("Thanks Rusty")."""
    word = token.strip(".,:;!?'’")
    low = word.lower()
    words = engine.words
    if low not in words.lexicon and low not in words.foreign:
        return False
    if len(low) <= 3 and low not in words.short_words:
        return False  # "Hey Bam", "Thanks, Sas": a nickname (not "Thanks God")
    title = _title(word)
    if title in engine.listed or title in words.first_names or title in words.last_names:
        return False  # "daughter Georgia": a given name that is a place too
    if title in words.given_words:
        return False  # "Hi Meg", "Hey Jen": a given name that is a word too
    return not more_name(word, engine)


def opener_word(token: str, engine: PiiEngine) -> bool:
    """``token``, opening a sentence, is a very frequent English word (opener_words.txt) or a
    frequent foreign one, and no given name that is no word: a census surname that is a word
    ("North hold already third.", "Field possible morning", "Blue rate lose") or a given name
    that real text writes lower-case ("Star") needs more evidence than its capital (issue 18:
    the Kaggle tickets' filler text, the support audit's most frequent false [PERSON])."""
    word = token.strip(".,:;!?'’")
    low = word.lower()
    words = engine.words
    if low not in words.openers and low not in words.foreign:
        return False  # "Murphy is very reliable", "Smith called": surnames first
    title = _title(word)
    if title not in words.first_names or title not in engine.listed:
        return True  # "North", "Field", "Blue": census surnames that are words
    # a census given name is one ("John thanks for the help"), unless real text writes it
    # lower-case (lower_words, common_words: "Star discover poor sit above.")
    return low in words.lower_words or low in words.common_words


def surname_evidence(token: str, engine: PiiEngine) -> bool:
    """After "Mr."/"Mrs."/"Ms." a word in title case is a surname only as a census surname
    (last_names, surnames_as_words: "Mr. Black", "Mr Walker") or a rare one of the big lists;
    another word, a common noun (common_words, or lower_words: real text writes it lower-case),
    is a mascot's or a thing's ("Mr. Parcel"); a word to wordfreq only is a name there ("Mr.
    Obama's", "Mr. Bean")."""
    word = token.strip(".,:;!?'’")
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    low = word.lower()
    words = engine.words
    if low not in words.lexicon and low not in words.common_words and low not in words.foreign:
        return True  # no word: a name as before
    if low not in words.common_words and low not in words.lower_words:
        return True  # "Mr. Obama": a word of the lexicon only as a name
    title = _title(word)
    return title in words.last_names or title in words.surname_words or more_name(word, engine)


def unseen_word(token: str, engine: PiiEngine) -> bool:
    """A capitalised word in a sentence's middle (or opening one before a person's verb) that
    is a name no list holds: no English word nor a frequent foreign one (``unknown_name``),
    no place (places.txt, countries), no brand (products.py), no listed name (the listed pass
    had it), not in capitals ("NASA") nor joined words in camel case ("PowerPoint"):
    "Why is Danuše so impulsive?", "The true gender of Akifumi has been"."""
    from curate.rules.pii.places import towns
    from curate.rules.pii.products import brands

    word = token.strip(".,:;!?'’\"")
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    if len(word) < 3 or not word[:1].isupper() or word.isupper():
        return False
    for part in word.split("-"):
        rest = _GAELIC.sub("", part)
        if any(c.isupper() for c in rest[1:]):
            return False  # "PowerPoint", "YouTube": a brand's camel case (not "McCaffrey")
    low = word.lower()
    words = engine.words
    if word in engine.listed or low in words.foreign:
        return False
    if word in words.places or word in words.countries or word in towns():
        return False
    if word in brands(engine):
        return False
    return unknown_name(word, engine)
