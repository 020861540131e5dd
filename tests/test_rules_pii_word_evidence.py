"""A word is no name without a name's evidence (issue 18, the support export read in session
11): a context's find of one English word ("Thanks God"), a very frequent word or one of
another language opening a sentence ("North hold already third.", "Pouvez vous"), a word after
"Mr." that is no surname ("Mr. Parcel", while "Mr. Black" is one), a name of the lists that is
only the start of a longer word ("Arnoldão": ASCII's word boundary inside a non-ASCII word)."""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine

DEFAULT = PiiEngine(load_rule_pack("default").pii)


def redact(text: str) -> str:
    return str(DEFAULT.scan(pl.Series([text])).placeholders()[0])


@pytest.mark.parametrize(
    "text",
    [
        "Thanks God I am safe.",  # a greeting's find: an English word no list names a person
        "It's Everytime I log in.",
        "North hold already third.",  # the Kaggle tickets' filler text
        "Star discover poor sit above.",
        "Blue individual ground large power",
        "Field possible morning section need",
        "Done. North check social.",
        "Mr. Parcel delivered it.",  # a mascot: no surname of the lists
        "Pouvez vous m'aider",  # French, with a Spanish surname's ending
        "Arnoldão chegou",  # "Arnold" inside a Portuguese word
    ],
)
def test_words_stay_text(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Black called.", "Mr. [PERSON] called."),  # a census surname that is a word
        ("Mr Walker called.", "Mr [PERSON] called."),
        ("Mr. Obama's administration", "Mr. [PERSON] administration"),  # no common noun
        ("Thanks John, that worked.", "Thanks [PERSON], that worked."),
        ("Hi Maria, thanks.", "Hi [PERSON], thanks."),
        ("Thanks Rusty, it works.", "Thanks [PERSON], it works."),
        ("Hi Meg. Are you getting an error?", "Hi [PERSON]. Are you getting an error?"),
        ("Hey Jen I need your help.", "Hey [PERSON] I need your help."),  # names, words too
        ("Hey Bam. Sorry about that!", "Hey [PERSON]. Sorry about that!"),  # a nickname
        ("Murphy is very reliable.", "[PERSON] is very reliable."),  # a surname opening
        ("John thanks for the help.", "[PERSON] thanks for the help."),  # a given name
        ("Smith called me yesterday.", "[PERSON] called me yesterday."),
        ("I met North yesterday.", "I met [PERSON] yesterday."),  # not opening a sentence
        ("Brown was seen by Dr. Miller.", "[PERSON] was seen by Dr. [PERSON]."),  # a verb
        ("Ivanović called me.", "[PERSON] called me."),
    ],
)
def test_names_stay_names(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_a_cut_name_piece_stays_a_find() -> None:
    """A name whose non-ASCII letter the regex's ASCII classes cut is still (partly) a name:
    only a whole name of the lists inside a longer word goes back to text."""
    from curate.rules.pii.detectors import _listed_piece

    assert _listed_piece("Arnold", DEFAULT)
    assert not _listed_piece("Barkovi", DEFAULT)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Thank you for the feedback, Faith, we will look into it.",
            "Thank you for the feedback, [PERSON], we will look into it.",
        ),
        ("Thank you for your patience, Sarah!", "Thank you for your patience, [PERSON]!"),
        ("Sorry for the delay, Monday was busy.", "Sorry for the delay, Monday was busy."),
        ("Thanks for the info, we will check.", "Thanks for the info, we will check."),
    ],
)
def test_a_vocative_closing_a_thanks(text: str, expected: str) -> None:
    assert redact(text) == expected
