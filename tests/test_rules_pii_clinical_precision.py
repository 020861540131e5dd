"""Clinical pack precision: look-alikes of dates, phones and names in notes (issue 18).

Sentences written here (not taken from a benchmark): each states a class read in real clinical
text (MTSamples, MTS-Dialog, ACI-Bench, GP notes) or in PhysioNet's half A."""

from __future__ import annotations

import functools

import numpy as np
import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine, engine_for


@functools.cache
def _engine() -> PiiEngine:
    return engine_for(load_rule_pack("clinical").pii)


def _finds(text: str, kind: str) -> list[str]:
    scan = _engine().scan(pl.Series([text]), np.arange(1), keep_values=True)
    return [text[a:b] for a, b, t in scan.spans(0) if t == kind]


@pytest.mark.parametrize(
    "text",
    [
        # a pain score further than 60 characters along the line from its "pain"
        "Pain in the lower back since the fall, worse on bending and lifting, mild ache "
        "after walking (2/10, like a bruise).",
        "Sudden lower back pain after a long drive home from the coast yesterday. Now constant "
        "8/10, midline.",
    ],
)
def test_pain_score_far_along_its_line_is_no_date(text: str) -> None:
    assert _finds(text, "date") == []


def test_a_date_on_the_next_line_after_pain_is_still_a_date() -> None:
    assert _finds("Chest pain resolved.\nSeen again on 7/10 in clinic.", "date") == ["7/10"]


@pytest.mark.parametrize(
    "text",
    [
        # a dose's schedule or a chart's rounds in 24-hour clock times
        "Desmopressin 100 microg PO BD 0800 2000",
        "Meds due 0600 1400 2200.",
        "Obs 0400 0800 1200 stable.",
        # blood sugars after their label
        "BS 245 135 185 covered per SSI.",
        "fsbs 180, 210, 165 today",
        "Pt turned q2h 0200-0400-0600.",
        # a run of lab values with a decimal among them
        "Chem 7: 140 4.0 105 25 20 1.0 110",
    ],
)
def test_clock_times_and_sugar_runs_are_no_phones(text: str) -> None:
    assert _finds(text, "phone") == []


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("Call the clinic on 9876 5432 if worse.", "9876 5432"),
        ("Phone (02) 9876 5432.", "(02) 9876 5432"),
        ("Pager 555-1212 for questions.", "555-1212"),
        ("Appel au 01 23 45 67 89 demain.", "01 23 45 67 89"),
    ],
)
def test_phones_in_notes_are_still_phones(text: str, phone: str) -> None:
    assert _finds(text, "phone") == [phone]


@pytest.mark.parametrize(
    "text",
    [
        # a short word in capitals among lower-case words: a mixed-case note's abbreviation
        "Prev IDA 3y ago, needed IV iron then, oral iron now.",
        "Suspect IDA given IBD hx and vegetarian diet.",
        "Asthma since teens. SABA only (salbutamol PRN).",
        "On LAI q4/52 via the community team.",
        # an examination sign's result after its eponym
        "Shoulder: Hawkins +, Neer +, painful arc +.",
        "Abdo soft, Murphy neg, no masses.",
        # a heading alone on its line, misspelt
        "No focal deficit.\n\nImpresson:\n1) Orthostatic hypotension",
        "Gambling, spends a few hundred a week\n– Harms:  \n  • behind on credit card",
        # a device's noun in the find of a census name: "Blake Drain"
        "A 19-French Blake Drain was placed in the left pelvis.",
        # a slash and a lower-case word: one of two alternatives of a kind
        "NGT drainage Brown/green, 200cc.",
        "Very anxious re Barrett’s/oesophageal Ca, has been googling.",
        # a word joined by a Unicode hyphen (U+2011)
        "Asked if she should just buy Ferro\u2011Grad from the chemist.",
    ],
)
def test_note_abbreviations_signs_and_headings_are_no_persons(text: str) -> None:
    assert _finds(text, "person") == []


@pytest.mark.parametrize(
    ("text", "person"),
    [
        # a note all in capitals: its names are in capitals too
        ("SPOKE WITH IDA AT BEDSIDE.", "IDA"),
        # a mixed-case note writes a name in title case
        ("Spoke with Ida Smith at bedside.", "Ida Smith"),
        ("Discussed with Dr Hawkins, plan agreed.", "Hawkins"),
        ("John Smith Clinic Nurse called.", "John Smith"),
        ("Covering for Dr Smith/Jones this week.", "Smith"),
    ],
)
def test_names_in_notes_are_still_persons(text: str, person: str) -> None:
    assert person in " ".join(_finds(text, "person"))


def test_a_possessive_abbreviation_is_no_person() -> None:
    # "Pt" (patient) before a relative: a possessive is judged by its word
    assert _finds("Pt's family called at 1900, will return tomorrow.", "person") == []
    assert "Karen" in " ".join(_finds("Karen's family called.", "person"))


@pytest.mark.parametrize(
    "text",
    [
        "A Bard-Parker scalpel and a Fisher knife were used.",
        "Sullivan Nicolaides Pathology reported it",
        "A Keyes punch biopsy was taken.",
    ],
)
def test_instruments_and_labs_named_for_people_are_no_persons(text: str) -> None:
    """An instrument or a lab named for its maker (session 11's clinical export)."""
    for pack in ("clinical", "default"):
        engine = PiiEngine(load_rule_pack(pack).pii)
        out = engine.scan(pl.Series([text]), np.arange(1), keep_values=False).placeholders()
        assert out.to_list() == [text]


def test_a_surname_that_names_a_care_home_is_still_a_person() -> None:
    engine = PiiEngine(load_rule_pack("clinical").pii)
    out = engine.scan(pl.Series(["Jane Manor called"]), np.arange(1), keep_values=False)
    assert out.placeholders().to_list() == ["[PERSON] called"]
