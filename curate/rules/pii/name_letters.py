"""A single capital letter after a title: a letter surrogate the source wrote ("Dr. X", "Mister
Y" in MTSamples and MTS-Dialog) or a real initial. The name is the letter alone where a word
that opens a sentence follows its full stop: "with Dr. X. She is instructed" was taken whole,
"Dr. [PERSON] is instructed", the full stop and the pronoun lost. A lone letter is kept as
text wherever it stands ("Dr. X. She", "Dr. Y in two weeks", "by Dr. X, who", "Dr. Y." at a
line's end; no detector takes a letter alone), so a record's letters are treated alike: the
source's own surrogates read naturally, and no letter is spread (a NOTE of "X" would take
every "X" of the record). names._name_span calls ``letter_name``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from curate.rules.pii.engine import PiiEngine

# pronouns, articles, determiners and answers: words too short or too common for the lists of
# common words ("He", "It", "We", "No" are in none of them)
OPENERS = frozenset(
    [
        "i",
        "you",
        "he",
        "she",
        "it",
        "we",
        "they",
        "his",
        "her",
        "its",
        "our",
        "their",
        "my",
        "your",
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "there",
        "then",
        "no",
        "yes",
        "please",
        "so",
        "but",
        "and",
        "if",
        "when",
        "after",
        "before",
    ]
)
_CONTRACTED = ("n't", "'ll", "'ve", "'re", "'m", "'d")
_LETTER = re.compile(r"[A-Z]\.?")


def _opens_sentence(word: str, engine: PiiEngine) -> bool:
    """``word`` (after "X. ") begins a sentence, not a surname: a pronoun or article, a
    contraction ("Don't"), or a common English word no surname list holds ("White",
    "Young" are surnames too)."""
    plain = word.strip(".,:;!?\"'()").replace("’", "'")
    if not plain[:1].isupper():
        return False
    low = plain.lower()
    if low in OPENERS or low.endswith(_CONTRACTED):
        return True
    w = engine.words
    return (
        low in w.common_words
        and plain not in w.surname_words
        and plain not in w.last_names
        and plain not in w.first_names
        and plain not in engine.listed
    )


def letter_name(value: str, tokens: list[re.Match[str]], engine: PiiEngine) -> bool:
    """After a title, a lone capital letter and a full stop before the start of a sentence
    ("X. She is"): the letter is all the name there is, and it stays text as the letter alone
    does ("Dr. Y in two weeks", "by Dr. X, who"; no check sees "Dr. Y." at a line's end). An
    initial before a surname ("Dr. J. Smith", "Dr. J. White") is the caller's."""
    if len(tokens) < 2 or _LETTER.fullmatch(tokens[0].group()) is None:
        return False
    return tokens[0].group().endswith(".") and _opens_sentence(tokens[1].group(), engine)
