"""The word lists of the name checks, read from package data at first use, then kept.

Data, not code: the census name lists (curate/rules/data/{first_names,last_names,
common_words}.txt, made by tests/data/rules/make_names.py) and the hand-written lists with a
comment on each (curate/rules/data/pii_words.toml, not_person.toml). ``load()`` reads them once per process
(importing curate reads none); an engine keeps the result, so the checks, which run on every
find, reach a list through an attribute rather than a call.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources


def _data(name: str) -> str:
    return (resources.files("curate.rules") / "data" / name).read_text(encoding="utf-8")


def name_list(name: str) -> frozenset[str]:
    """A generated list: one entry per line; '#' lines are comments."""
    return frozenset(line for line in _data(name).splitlines() if line and not line.startswith("#"))


@dataclass(frozen=True)
class Words:
    """Every list; see pii_words.toml for what each one is for."""

    first_names: frozenset[str]  # common given names (US census, other countries), minus words
    last_names: frozenset[str]  # common US surnames (census), minus common words
    common_words: frozenset[str]  # frequent lower-case English words: not names
    not_names: frozenset[str]  # not_names, labels, utterance_words and units together
    contracted_s: frozenset[str]
    eponyms: frozenset[str]
    disease_words: frozenset[str]
    title_words: frozenset[str]
    title_stop: frozenset[str]
    microbes: frozenset[str]
    clinical_words: frozenset[str]  # given names that are nursing words in lower/upper case
    name_words: frozenset[str]  # common words that are given names after a relative
    given_as_words: frozenset[str]  # census given names seen lower-case in real text ("Ivy")
    adverb_endings: tuple[str, ...]  # for str.endswith
    disease_bytes: frozenset[bytes]  # disease_words as UTF-8, for the checks on bytes
    header_fields: frozenset[bytes]
    # not_person.toml: census names that name a thing when alone (brands, places, eponyms,
    # contract terms); multi-word names that are never persons; words after a name that make
    # it a thing ("Mayo scissors"; after a possessive only the second set: "Murphy's sign")
    not_person: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    phrases: tuple[str, ...] = ()
    thing_bytes: frozenset[bytes] = frozenset()
    thing_possessive_bytes: frozenset[bytes] = frozenset()
    device_bytes: frozenset[bytes] = frozenset()  # "tubes": "Blake chest tubes" (peek._peek)
    # brand accounts for @handles, lower-case without "_" and digits (public.brand_handle)
    brand_handles: frozenset[str] = frozenset()
    place_words: frozenset[str] = frozenset()  # "Valley", "Creek": the end of a place's name
    org_bytes: frozenset[bytes] = frozenset()  # "group", "clinic": an organisation's last word
    countries: frozenset[str] = frozenset()  # countries.txt: larger than a state, no address
    surname_words: frozenset[str] = frozenset()  # census surnames that are words: "Young"
    # make_names_big.py: rare given names and surnames no regex holds (title case), and the
    # English words (lower case, wordfreq) a token in a name's place must not be to be an
    # unknown name (names.unknown_name)
    more_names: frozenset[str] = frozenset()
    brands: frozenset[str] = frozenset()  # not_person.toml's brands alone ("Chase")
    lexicon: frozenset[str] = frozenset()
    # make_names_foreign.py: frequent fr/es/pt/it/de words, no English word nor name (lower
    # case): a capitalised one opening a sentence is a word ("Pouvez vous", "Obrigado pela")
    foreign: frozenset[str] = frozenset()
    openers: frozenset[str] = frozenset()  # census names that are very frequent words: "north"
    given_words: frozenset[str] = frozenset()  # given names that are words too: "Meg", "Dino"
    lower_words: frozenset[str] = frozenset()  # words real text writes lower-case: "parcel"
    short_words: frozenset[str] = frozenset()  # frequent words of <= 3 letters: "god", "sir"


@functools.cache
def load() -> Words:
    """All the lists, read once."""
    lists = {k: frozenset(v) for k, v in tomllib.loads(_data("pii_words.toml")).items()}
    things = tomllib.loads(_data("not_person.toml"))
    # the census given names and those of other countries (given_names_intl.txt)
    first_names = name_list("first_names.txt") | name_list("given_names_intl.txt")
    last_names = name_list("last_names.txt")
    common = name_list("common_words.txt")  # "Office", "Target": a handle, but a word too
    # a brand that is also a census name ("Morgan", "Johnson") is a handle's brand only where
    # the handles list names it: "@Morgan" is more likely a person
    brands = [b for b in things["brands"] if b not in first_names and b not in last_names]
    return Words(
        first_names=first_names,
        last_names=last_names,
        common_words=common,
        not_names=lists["not_names"] | lists["labels"] | lists["utterance_words"] | lists["units"],
        contracted_s=lists["contracted_s"],
        eponyms=lists["eponyms"],
        disease_words=lists["disease_words"],
        title_words=lists["title_words"],
        title_stop=lists["title_stop"],
        microbes=lists["microbes"],
        clinical_words=lists["clinical_words"],
        name_words=lists["name_words"],
        given_as_words=name_list("given_names_as_words.txt"),
        adverb_endings=tuple(sorted(lists["adverb_endings"])),
        disease_bytes=frozenset(w.encode() for w in lists["disease_words"]),
        header_fields=frozenset(w.encode() for w in lists["header_fields"]),
        # a brand's account name that is no census name nor common word is a brand: "hi Mojang",
        # "Dear Youtube" (not "Office": after a title a brand counts as a name, "Dr. X office")
        not_person=frozenset(
            [
                *things["brands"],
                *things["eponyms"],
                *things["legal_terms"],
                *things["holidays"],
                *(
                    h
                    for h in things["handles"]
                    if h not in first_names and h not in last_names and h.lower() not in common
                ),
            ]
        ),
        places=frozenset(things["places"]),
        place_words=frozenset(things["place_words"]),
        phrases=tuple([*things["phrases"], *things["products"]]),
        thing_bytes=frozenset(w.encode() for w in things["thing_words"]),
        org_bytes=frozenset(w.encode() for w in lists["org_words"]),
        countries=name_list("countries.txt"),
        surname_words=name_list("surnames_as_words.txt"),
        more_names=name_list("given_names_more.txt") | name_list("surnames_more.txt"),
        lexicon=name_list("english_words.txt"),
        foreign=name_list("foreign_words.txt"),
        openers=name_list("opener_words.txt"),
        given_words=name_list("given_names_words_more.txt"),
        lower_words=name_list("lower_words.txt"),
        short_words=name_list("short_words.txt"),
        brands=frozenset(things["brands"]),
        thing_possessive_bytes=frozenset(w.encode() for w in things["thing_words_possessive"]),
        device_bytes=frozenset(w.encode() for w in things["device_words"]),
        brand_handles=frozenset(
            re.sub(r"[_0-9]", "", b.lower()) for b in [*brands, *things["handles"]]
        ),
    )
