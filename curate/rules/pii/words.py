"""The word lists of the name checks, read from package data at first use, then kept.

Data, not code: the census name lists (curate/rules/data/{first_names,last_names,
common_words}.txt, made by tests/data/rules/make_names.py) and the hand-written lists with a
comment on each (curate/rules/data/pii_words.toml). Each loader is cached, so a process reads
a file once, and importing curate reads none.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources


def _data(name: str) -> str:
    return (resources.files("curate.rules") / "data" / name).read_text(encoding="utf-8")


@functools.cache
def _name_list(name: str) -> frozenset[str]:
    """A generated list: one entry per line; '#' lines are comments."""
    return frozenset(line for line in _data(name).splitlines() if line and not line.startswith("#"))


def first_names() -> frozenset[str]:
    """Common US given names (US Census 1990), title case, minus common words."""
    return _name_list("first_names.txt")


def last_names() -> frozenset[str]:
    """Common US surnames (US Census 1990), title case, minus common words."""
    return _name_list("last_names.txt")


def common_words() -> frozenset[str]:
    """Frequent lower-case English words: a name candidate that is one is rejected."""
    return _name_list("common_words.txt")


@functools.cache
def _lists() -> dict[str, list[str]]:
    lists: dict[str, list[str]] = tomllib.loads(_data("pii_words.toml"))
    return lists


@functools.cache
def word_list(key: str) -> frozenset[str]:
    """One list of pii_words.toml (see the comment on it there)."""
    return frozenset(_lists()[key])


@functools.cache
def not_names() -> frozenset[str]:
    """Words that are never a name: after "Hi"/"Dear"/"this is", labels before a colon, and
    the words that open a spoken turn."""
    return word_list("not_names") | word_list("labels") | word_list("utterance_words")


@functools.cache
def bytes_list(key: str) -> frozenset[bytes]:
    """``word_list(key)`` as UTF-8, for the checks that look at the joined bytes."""
    return frozenset(w.encode() for w in word_list(key))
