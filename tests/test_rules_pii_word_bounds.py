"""Issue 18, session 15: a name find never ends or starts inside a word, and a title with a
single-letter surrogate does not run into the next sentence.

- Left, as strict xfails (the unseen-name dev set's leak): Latin Extended letters are in
  both the upper- and the lower-case class of the name forms (forms.UPPER/LOWER), so the
  strong title's pass (NAME_TOKEN) cuts a capitals word at its accented capitals, "DR.
  RŮŽIČKOVÁ" -> "DR. [PERSON]KOVÁ"; and ASCII's bound after the initial forms stops before a
  word's last accented letter, "B. ODOBAŠIĆ" -> "[PERSON]Ć". The fixes that worked (each
  letter in its own case's class; Unicode's "\\>") cost the default pack 10x on hashcheck's
  tickets (the lazy DFA), and that pass runs no _peek whose check could drop the piece.
- "with Dr. X. She is instructed" (MTSamples' letter surrogates) was taken whole, "Dr. [PERSON]
  is instructed"; the letter alone is all the name there is, and it stays text as a lone
  letter does elsewhere ("Dr. Y in two weeks", "by Dr. X, who"), so a record reads alike.
Sentences are written in the shape of what was read, not copied from a gold set.
"""

from __future__ import annotations

import functools

import numpy as np
import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine, engine_for

_TITLE_PASS = (
    "forms.UPPER/LOWER hold Extended capitals as lower case: the strong title's pass (no"
    " _peek) cuts 'DR. [PERSON]KOVÁ'; each letter in its own class cost 10x (module doc)"
)


@functools.cache
def _engine(pack: str) -> PiiEngine:
    return engine_for(load_rule_pack(pack).pii)


def _redacted(text: str, pack: str = "clinical") -> str:
    scan = _engine(pack).scan(pl.Series([text]), np.arange(1), keep_values=False)
    return str(scan.redacted("placeholder", 0)[0])


def _persons(text: str, pack: str = "clinical") -> list[str]:
    scan = _engine(pack).scan(pl.Series([text]), np.arange(1), keep_values=True)
    return [text[a:b] for a, b, t in scan.spans(0) if t == "person"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        pytest.param(
            "PT. WITH BRUISE UNDER L EYE, DR. RŮŽIČKOVÁ AWARE, COULD BE THE MASK.",
            "RŮŽIČKOVÁ",
            marks=pytest.mark.xfail(reason=_TITLE_PASS, strict=True),
        ),
        ("SPOKE WITH SON ŘEHÁČEK ABOUT PLAN.", "ŘEHÁČEK"),
        pytest.param(
            "E. STOREY IN TO STRIP TUBES AND B. ODOBAŠIĆ PLACING STITCH.",
            "B. ODOBAŠIĆ",
            marks=pytest.mark.xfail(
                reason="ASCII's bound after the initial forms stops before a last non-ASCII"
                " letter ('[PERSON]Ć'); Unicode's \\> fixes it but costs the default pack 10x"
                " on hashcheck's tickets (name_contexts.WORD_END)",
                strict=True,
            ),
        ),
        ("Seen by Dr. Dvořák today.", "Dvořák"),
        ("Seen by Dr. Ørsted today.", "Ørsted"),
        ("Mr. Šťastný was seen.", "Šťastný"),
    ],
)
def test_a_name_with_accented_letters_is_found_whole(text: str, name: str) -> None:
    assert name in _persons(text)
    out = _redacted(text)
    # no piece of the name's word is left beside the placeholder
    assert "[PERSON]" in out
    assert not any(ch.isalpha() for ch in out.split("[PERSON]")[1][:1])
    assert not any(ch.isalpha() for ch in out.split("[PERSON]")[0][-1:])


@pytest.mark.xfail(reason=_TITLE_PASS, strict=True)
def test_no_capitals_word_is_cut_in_the_default_pack() -> None:
    # the default pack takes no capitals after a title: the word stays whole, not "[PERSON]KOVÁ"
    assert "KOVÁ" not in _redacted("Seen by DR. RŮŽIČKOVÁ today.", "default").replace(
        "RŮŽIČKOVÁ", ""
    )


@pytest.mark.parametrize(
    "text",
    [
        "prior to her appointment with Dr. X. She is instructed to follow up with Dr. Y"
        " in two weeks.",
        "She started seeing Dr. X. She has a remote history of asthma.",
        "That's a good one, Mister X. Don't think I forgot.",
        "Referred by Dr. X. The patient denies chest pain.",
        "DISCUSSED WITH DR. X. HE AGREES WITH THE PLAN.",
    ],
)
def test_a_letter_after_a_title_does_not_take_the_next_sentence(text: str) -> None:
    # (was "with Dr. [PERSON] is instructed", "Mister [PERSON]'t think"): the letter is
    # the source's surrogate and stays, as a lone letter does everywhere (name_letters)
    assert _redacted(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "Follow up with Dr. Y in two weeks.",
        "Biopsy by Dr. X, which was negative.",
        "I was consulted by Dr. X.",
    ],
)
def test_a_lone_letter_after_a_title_is_text_everywhere(text: str) -> None:
    assert _redacted(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "Seen by Dr. J. Smith today.",
        "Seen by Dr. J. White today.",  # a surname that is a word too
    ],
)
def test_an_initial_before_a_surname_stays_one_name(text: str) -> None:
    assert "J." in " ".join(_persons(text))
    out = _redacted(text)
    assert "Smith" not in out and "White" not in out


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I met Lech Wałęsa yesterday.", "Lech Wałęsa"),
        ("Contact Zdeněk Łapšanský today.", "Zdeněk Łapšanský"),
    ],
)
def test_a_title_case_name_with_extended_letters_stays_whole(text: str, name: str) -> None:
    # (a guard, whole before as now: a lower-case Extended letter opens no token now)
    assert _persons(text, "default") == [name]
