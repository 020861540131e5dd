"""Names left in clear (or text swallowed) in session 13's real exports (issue 18), one class
each: the spread of a surname through its record takes the given name and initial before it
("Kenneth S. Whitaker"); a signatory's name written twice after "/s/"; printed names in
capitals after a signature block's label; a month that is a given name after a title ("Dr.
April Smith"); a strong title and a surname in capitals ("DR. BEST"); a greeting's word kept
as text before a census name ("Apologies Adam,"); an answer that opens with the asker's given
name and a comma ("Nilesh, the extended warranty ...")."""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine

PACKS = {name: PiiEngine(load_rule_pack(name).pii) for name in ("contracts", "clinical", "default")}


def redact(pack: str, text: str) -> str:
    return str(PACKS[pack].scan(pl.Series([text])).placeholders()[0])


@pytest.mark.parametrize(
    ("pack", "text", "want"),
    [
        # contracts: the spread of "Mr. Whitaker" through the record
        (
            "contracts",
            "IN WITNESS WHEREOF. Kenneth S. Whitaker, Chief Executive Officer. Mr. Whitaker agrees.",
            "IN WITNESS WHEREOF. [PERSON], Chief Executive Officer. Mr. [PERSON] agrees.",
        ),
        ("contracts", "Kenneth S Whitaker signs. Mr. Whitaker", "[PERSON] signs. Mr. [PERSON]"),
        # contracts: a name written twice after "/s/"
        ("contracts", "/s/ Orsolya Peresztegi Orsolya Peresztegi", "/s/ [PERSON] [PERSON]"),
        (
            "contracts",
            "By: /s/ Orsolya Peresztegi Orsolya Peresztegi Title: CEO",
            "By: /s/ [PERSON] [PERSON] Title: CEO",
        ),
        # contracts: printed names in capitals after a label
        ("contracts", "Name: JASON WINTERS\nTitle: CEO", "Name: [PERSON]\nTitle: CEO"),
        ("contracts", "By: JASON WINTERS Title: CEO", "By: [PERSON] Title: CEO"),
        (
            "contracts",
            "By: /s/ Jason Winters Name: JASON WINTERS Title: CEO",
            "By: /s/ [PERSON] Name: [PERSON] Title: CEO",
        ),
        # clinical: a month that is a given name, a surname in capitals after "DR."
        ("clinical", "Seen by Dr. April Smith today.", "Seen by Dr. [PERSON] today."),
        ("clinical", "Dr. June Lee called.", "Dr. [PERSON] called."),
        ("clinical", "DR. BEST saw the patient.", "DR. [PERSON] saw the patient."),
        # support: the greeting stays text, only the name goes
        ("default", "Apologies Adam, we are sorry.", "Apologies [PERSON], we are sorry."),
        ("default", "Hiya Mike, how are you", "Hiya [PERSON], how are you"),
        ("default", "Hola Carmen, que tal", "Hola [PERSON], que tal"),
        # support: an answer opening with the asker's given name and a comma
        (
            "default",
            "Nilesh, the extended warranty covers it.",
            "[PERSON], the extended warranty covers it.",
        ),
    ],
)
def test_names_are_redacted_and_the_text_around_them_stays(pack: str, text: str, want: str) -> None:
    assert redact(pack, text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # (read in physionet's notes: a second title and an abbreviation are no surname)
        ("PER DR SMITH DR JONES HAD TALKED", "PER DR [PERSON] DR [PERSON] HAD TALKED"),
        ("DR. SMITH PT ON LIDO", "DR. [PERSON] PT ON LIDO"),
    ],
)
def test_a_name_in_capitals_after_a_title_ends_at_its_surname(text: str, want: str) -> None:
    assert redact("clinical", text) == want


@pytest.mark.parametrize(
    ("pack", "text"),
    [
        ("contracts", "Name: ACME CORPORATION\nTitle: CEO"),  # a company in capitals
        ("contracts", "By: JAMES RIVER BANK Title: Agent"),  # a given name, an org's word
        ("clinical", "Dr. May see you tomorrow."),  # a month, no surname after it
        ("clinical", "DR. WILL SEE PT"),  # a title's stop word in capitals
        ("default", "Oye, @116875 can you help"),  # a greeting's word opening a tweet
        ("default", "However, the extended warranty covers it."),
        ("default", "Netflix, the app, crashed."),
        ("default", "Paris, France is lovely."),
    ],
)
def test_words_that_are_no_names_stay(pack: str, text: str) -> None:
    assert redact(pack, text) == text
