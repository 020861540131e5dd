"""Names no list holds, in a name's place (issue 18: person recall on unseen names): a rare
given name or surname of the big lists (given_names_more.txt, surnames_more.txt), or a token
that is no English word (english_words.txt), after a relative, a role, "spoke with"; in any
case. And what stays text there: words, a note's abbreviations, typos of words, words joined
by a hyphen. Figures: bench/bench_pii_unseen.py."""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine
from curate.rules.pii.unseen import inflected, misspelt, unknown_name

CLINICAL = PiiEngine(load_rule_pack("clinical").pii)


def redact(engine: PiiEngine, text: str) -> str:
    return str(engine.scan(pl.Series([text])).placeholders()[0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A BROTHER VINNY CALLED", "A BROTHER [PERSON] CALLED"),  # a rare given name
        ("husband milovan called at 5", "husband [PERSON] called at 5"),
        ("DAUGHTER-KRISSY called", "DAUGHTER-[PERSON] called"),
        ("SOCIAL: DAUGHTER HUIA IN THIS EVENING", "SOCIAL: DAUGHTER [PERSON] IN THIS EVENING"),
        ("SOCIAL-daughter MacAleavy notified", "SOCIAL-daughter [PERSON] notified"),  # mixed case
        ("SON JINDRICH WENT BACK HOME", "SON [PERSON] WENT BACK HOME"),
    ],
)
def test_unknown_names_after_a_relative(text: str, expected: str) -> None:
    assert redact(CLINICAL, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "son called, wife at bedside. daughter HCP aware",  # an abbreviation: short capitals
        "WIFE AGRESS THAT HE IS COMFORTABLE.",  # a typo of a word ("agrees")
        "SOCIAL=SON PRESNT TILL 2100.",
        "SOCIAL=DAUGHTER & SON-IN-LAW PRESENT",  # words joined by hyphens
        "social=daughter present-contin to remain optimistic",
        "SOCIAL=DAUGHTER CALLED-UPDATE GIVEN",
        "follow hct, ? transfuse",  # a word's form the lexicon lacks
    ],
)
def test_words_after_a_relative_stay(text: str) -> None:
    assert redact(CLINICAL, text) == text


def test_unknown_name_checks() -> None:
    assert unknown_name("Waluyo", CLINICAL) and unknown_name("OPREA", CLINICAL)
    assert not unknown_name("HCP", CLINICAL)  # capitals: four letters at least
    assert not unknown_name("bedside", CLINICAL)
    lexicon = CLINICAL.words.lexicon
    assert misspelt("notifed", lexicon) and misspelt("presnt", lexicon)
    assert not misspelt("huia", lexicon)  # short: not judged ("hula")
    assert inflected("transfuse", lexicon) and not inflected("waluyo", lexicon)


DEFAULT = PiiEngine(load_rule_pack("default").pii)


def test_a_list_of_rare_surnames_is_names() -> None:
    text = "Fouquet and Duignan were precision engineers."
    assert redact(DEFAULT, text) == "[PERSON] were precision engineers."


def test_a_list_of_drugs_in_a_note_stays() -> None:
    text = "ID: Afebrile. Started on Levo and Cipro. Cultures pending."  # both rare surnames
    assert redact(CLINICAL, text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MR OUWERKERK HAD AN IMPROVED DAY.", "MR [PERSON] HAD AN IMPROVED DAY."),  # a surname
        ("MR BOYLE HAD AN IMPROVED DAY.", "MR [PERSON] HAD AN IMPROVED DAY."),
        ("MR MOD, TR MILD. MR TRACE.", "MR MOD, TR MILD. MR TRACE."),  # mitral regurgitation
        ("CONTACT PERSON ALEN MERCANTINI.", "CONTACT PERSON [PERSON]."),  # a surname no list has
        ("KAREN AT BEDSIDE", "[PERSON] AT BEDSIDE"),
        ("SPOKE WITH DAUGHTER AMY-LEIGH ON PHONE", "SPOKE WITH DAUGHTER [PERSON] ON PHONE"),
    ],
)
def test_notes_names_in_capitals(text: str, expected: str) -> None:
    assert redact(CLINICAL, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a contraction is no surname (ACI-bench's lower-case dialogues: "i'm" was spread)
        ("[doctor] alright gloria i'm gon na look", "[doctor] alright [PERSON] i'm gon na look"),
        ("trimmed to the ora serrata. After all", "trimmed to the ora serrata. After all"),
        ("daughter d'angelou called", "daughter [PERSON] called"),  # not a contraction
    ],
)
def test_contractions_and_terms_after_a_given_name(text: str, expected: str) -> None:
    assert redact(CLINICAL, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # after "Mr."/"Mrs" in title case a surname that is a word too (as after "Dr.")
        ("Mr Black received intubated on vent.", "Mr [PERSON] received intubated on vent."),
        ("Pt seen by Mr. Green RN", "Pt seen by Mr. [PERSON] RN"),
        ("MR 2+, MR MOD", "MR 2+, MR MOD"),  # capitals: mitral regurgitation
    ],
)
def test_title_case_titles_take_word_surnames(text: str, expected: str) -> None:
    assert redact(CLINICAL, text) == expected


DEFAULT = PiiEngine(load_rule_pack("default").pii)


def found(engine: PiiEngine, text: str) -> list[str]:
    scan = engine.scan(pl.Series([text]))
    return [text[a:b] for a, b, t in scan.spans(0) if t == "person"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("NAME: JOHN SMITH", ["JOHN SMITH"]),  # a form's label, the name in capitals
        ("NAME: WAJIHA QURESHI\nPHONE: 555", ["WAJIHA QURESHI"]),
        ("Patient name: jan kowalski", ["jan kowalski"]),
        ("NAME: VEHBIJA", ["VEHBIJA"]),  # no English word: a name no list holds
    ],
)
def test_a_name_after_a_name_label_in_any_case(text: str, names: list[str]) -> None:
    assert found(DEFAULT, text) == names


@pytest.mark.parametrize(
    "text",
    ["NAME: PLEASE HELP", "NAME: ORDER NUMBER", "Name: please see attached", "File name: a.pdf"],
)
def test_words_after_a_name_label_stay(text: str) -> None:
    assert found(DEFAULT, text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Éléonore Smith called", ["Éléonore Smith"]),  # an accented capital before
        ("a Ðuro Smith fan", ["Ðuro Smith"]),
        ("You can tell Zoran Čagalj was here", ["Zoran Čagalj"]),  # and after
        ("I think O'Cleary is right", ["O'Cleary"]),  # not "O'" left and "Cleary" found
        ("the book of O'Donnell was sold", ["O'Donnell"]),
    ],
)
def test_listed_names_with_accented_or_irish_neighbours(text: str, names: list[str]) -> None:
    assert found(DEFAULT, text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a name no list holds, where a person is named (engine._unseen_detectors)
        ("Why is Vehbija so impulsive?", ["Vehbija"]),
        ("I met Akifumi and Joannah yesterday", ["Akifumi", "Joannah"]),
        ("Boix and Ajao were precision engineers.", ["Boix and Ajao"]),
        ("I talked with Vehbija Smith yesterday", ["Vehbija Smith"]),  # a listed name beside
    ],
)
def test_unseen_names_in_a_persons_place(text: str, names: list[str]) -> None:
    assert found(DEFAULT, text) == names


@pytest.mark.parametrize(
    "text",
    [
        "I use Xfinity and PowerPoint on my Chromebook with Everytime",  # brands, a typo
        "Please contact Xfinity support. Comcast is bad",
        "It was fine. This is ok. Kindle is broken",  # words, a product
        "I was taking something called Lyrica.",  # a thing's name
        "A train from Euston to Bookham, the version of Docker",  # places, products
        "diagnosed with Lou Gehrig's disease",  # an eponym
        "works with NASA and the Xbox team",  # capitals, a product
        "I live in Gdańsk and work for Ferrari",  # a place, a brand
    ],
)
def test_words_and_things_in_a_persons_place_stay(text: str) -> None:
    assert found(DEFAULT, text) == []


@pytest.mark.xfail(
    strict=True,
    reason="a foreign word or a brand that no shipped list holds is a name no list holds "
    "to unseen_word: 'Bonjour' (foreign_words.txt lacks it), 'Allegro' (a shop), 'Merci' (a "
    "rare given name of the big lists, so no foreign word there)",
)
@pytest.mark.parametrize(
    "text", ["I talked with Allegro", "Pouvez vous m'aider with Bonjour", "Oui, with Merci"]
)
def test_unlisted_foreign_words_and_brands_are_taken_for_names(text: str) -> None:
    assert found(DEFAULT, text) == []


CLINICAL_DEFAULT = [CLINICAL, DEFAULT]


@pytest.mark.parametrize("engine", CLINICAL_DEFAULT, ids=["clinical", "default"])
@pytest.mark.parametrize(
    ("text", "names"),
    [
        # the title covers a second name after "and"
        ("seen by Dr. Patel and Okonkwo today", ["Patel", "Okonkwo"]),
        ("Dr. Kovač and Oyetoro will operate", ["Kovač", "Oyetoro"]),
        # a lower-case initial after the title
        ("Dr. g lawson called", ["g lawson"]),
    ],
)
def test_a_strong_titles_second_name_and_lower_case_initial(
    engine: PiiEngine, text: str, names: list[str]
) -> None:
    assert found(engine, text) == names


@pytest.mark.parametrize("engine", CLINICAL_DEFAULT, ids=["clinical", "default"])
@pytest.mark.parametrize(
    "text", ["Dr. Smith and Nurse came", "Dr. a nurse came", "Dr. Smith and the team"]
)
def test_words_after_a_strong_title_stay(engine: PiiEngine, text: str) -> None:
    assert found(engine, text) in ([], ["Smith"])
