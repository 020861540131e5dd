"""Dates in transcribed speech (curate/rules/pii/spoken_dates.py).

The clinical export of ACI-Bench and MTS-Dialog left spoken dates in clear while the notes of
the same visits had [DATE]: "December third nineteen ninety five", "Since [DATE] eleventh" (the
month masked, its day not), "date of birth , 5 , 7 , 1961", "mammoplasty on [PHONE]" (a date
read out in pairs, 10-10 20-20). The labelled sample (tests/data/pii_labels/spoken_dates.jsonl,
165 contexts drawn at random from those transcripts around month names, ordinals and birth
words; spoken_dates.SOURCE.txt) gives recall and precision.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine, engine_for

LABELS = Path(__file__).parent / "data" / "pii_labels" / "spoken_dates.jsonl"
# a second sample, drawn (seed 1812) from the encounters the first does not touch and
# labelled after the rules were written; measured once, not tuned on
HELD_OUT = LABELS.with_name("spoken_dates_heldout.jsonl")


@cache
def _engine(pack: str) -> PiiEngine:
    return engine_for(load_rule_pack(pack).pii)


def _redact(text: str, pack: str = "clinical") -> str:
    scan = _engine(pack).scan(pl.Series([text]), np.arange(1), keep_values=True)
    return str(scan.redacted("placeholder", 0).to_list()[0])


def _figures(pack: str, labels: Path = LABELS) -> tuple[float, float, float]:
    """(recall of the dates' month and day, recall of whole dates with their spoken year,
    precision of [DATE]) on the labelled sample. A label "June third| of two thousand nine"
    is the date; the part after "|" its year (Safe Harbor lets a year stay; the date's
    other elements must all be masked)."""
    rows = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines()]
    scan = _engine(pack).scan(
        pl.Series([r["text"] for r in rows]), np.arange(len(rows)), keep_values=True
    )
    gold_n = core_hits = whole_hits = pred_n = pred_ok = 0
    for k, row in enumerate(rows):
        text = row["text"]
        found = [(a, b) for a, b, t in scan.spans(k) if t == "date"]
        covered = {i for a, b in found for i in range(a, b)}
        gold: list[tuple[int, int, int]] = []
        seen: dict[str, int] = {}
        for label in row["dates"]:
            core, _, year = label.partition("|")
            whole = core + year
            at = -1
            for _ in range(seen.get(whole, 0) + 1):  # the n-th label of a string: its n-th place
                at = text.find(whole, at + 1)
            assert at >= 0, (k, label)
            seen[whole] = seen.get(whole, 0) + 1
            gold.append((at, at + len(core), at + len(whole)))
        for start, core_end, end in gold:
            gold_n += 1
            core_hits += all(i in covered for i in range(start, core_end) if not text[i].isspace())
            whole_hits += all(i in covered for i in range(start, end) if not text[i].isspace())
        for a, b in found:
            pred_n += 1
            pred_ok += any(a < end and b > start for start, _, end in gold)
    return core_hits / gold_n, whole_hits / gold_n, pred_ok / max(pred_n, 1)


@pytest.mark.parametrize("pack", ["clinical", "default"])
def test_labelled_sample_recall_and_precision(pack: str) -> None:
    """Before spoken_dates.py (clinical and default alike): month/day recall 0.479, whole
    dates 0.316, precision 1.000 (58 of 58); with it 0.983, 0.974, 1.000 (112 of 112). The
    sample was drawn before the rules were written, and they were tuned on it: a dev figure,
    not a held-out one (test_held_out_sample_recall_and_precision is the held-out one)."""
    core, whole, precision = _figures(pack)
    assert core >= 0.97, core
    assert whole >= 0.95, whole
    assert precision >= 0.99, precision


def test_held_out_sample_recall_and_precision() -> None:
    """76 contexts, 48 dates. Before spoken_dates.py: month/day recall 0.438, whole dates
    0.208, precision 1.000 (23 of 23); measured once with it: 0.958, 0.958, 1.000 (46 of 46).
    Its misses were "Back in May." and "the twentieth of the month"; the first is found
    since (0.979): "in May" alone was read in four prompts of the real export, one of them
    this one, so that figure is no longer fully held out."""
    core, whole, precision = _figures("clinical", HELD_OUT)
    assert core >= 0.97, core
    assert whole >= 0.97, whole
    assert precision >= 0.99, precision


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Um, it was on December third nineteen ninety five.",
            "Um, it was on [DATE].",
        ),
        (
            "it was on December eleventh, but he wasn't able to",
            "it was on [DATE], but he wasn't able to",
        ),
        ("Since December eleventh I have had pain.", "Since [DATE] I have had pain."),
        ("It's twenty eighth of February.", "It's [DATE]."),
        ("born on the third of December .", "born on the [DATE] ."),
        ("seen on December the third .", "seen on [DATE] ."),
        ("in September of two thousand and five.", "in [DATE]."),
        ("in March two thousand and seven.", "in [DATE]."),
        ("On seventh August in two thousand and one.", "On [DATE]."),
        ("his legs gave out on me again August O eight.", "his legs gave out on me again [DATE]."),
        ("July thirtieth O four with the exception", "[DATE] with the exception"),
        ("June thirty two thousand and four?", "[DATE]?"),
        ("in January on the thirteenth my arm went numb", "in [DATE] my arm went numb"),
        ("we saw him in March. then on the eleventh.", "we saw him in [DATE]. then on the [DATE]."),
        (
            "coming back in on may seventeenth for your shot",
            "coming back in on [DATE] for your shot",
        ),
        (
            "date of birth , 5 , 7 , 1961 . she's in office",
            "date of birth , [DATE] . she's in office",
        ),
        ("date of birth : 3 , 6 , 1949 , mrn", "date of birth : [DATE] , mrn"),
        ("DOB 5 7 61, here for", "DOB [DATE], here for"),
        (
            "post bilateral reduction mammoplasty on 10-10 20-20 .",
            "post bilateral reduction mammoplasty on [DATE] .",
        ),
        ("date of birth , february 15th , 1979 .", "date of birth , [DATE] ."),
        ("in november and december , i noticed", "in [DATE] , i noticed"),
        ("around december i think", "around [DATE] i think"),
        ("Um end of May I believe.", "Um end of [DATE] I believe."),
        ("Happened around July seventh.", "Happened around [DATE]."),
        # (a capitalized "May" alone after "in": four prompts of the export kept it)
        ("Patient: Back in May. Doctor: I see.", "Patient: Back in [DATE]. Doctor: I see."),
        ("ablation done in May, which showed", "ablation done in [DATE], which showed"),
        ("not using it since May 2017 and", "not using it since [DATE] and"),
        ("last seen in May 5, 2020 for", "last seen in [DATE] for"),
        ("this was march of this year , so", "this was [DATE] , so"),
        # (a misspelt ordinal, as in MTS-Dialog: once "[DATE] nineth")
        ("I remember it was on July twenty nineth.", "I remember it was on [DATE]."),
    ],
)
def test_spoken_dates_are_masked_whole(text: str, expected: str) -> None:
    assert _redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "for your third problem of hypertension we're just gon na continue",
        "the fifth metatarsal is tender. you may feel some pain on the third day.",
        "i'd like to march in the parade with my second cousin.",
        "they may first want to try ice. We may second that opinion.",
        "May I ask how old you are? Aunt May said hello.",
        "things that in may be worse; Doctor: May I see that list?",
        "take five, seven, ten tablets; count to 5 , 7 , 10 .",
        "lisinopril 10 mg twice a day at 8 , 12 and 6 .",
        "the patient was born at 38 weeks, 7 pounds 5 ounces.",
        "it was my third time. i'm on the second floor. this is the first.",
        "the second of the two tablets. on the third, fourth and fifth fingers.",
        "I had two kids in nineteen ninety five and two thousand.",
        "the march of the disease continues. a march of 20 people.",
        "at first, I thought maybe I'm having shingles; you'd be the first.",
        "in the seventh or eighth month of pregnancy",
    ],
)
@pytest.mark.parametrize("pack", ["clinical", "default"])
def test_ordinals_verbs_counts_and_doses_stay(text: str, pack: str) -> None:
    assert _redact(text, pack) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "I ordered it on December third and it never came",
            "I ordered it on [DATE] and it never came",
        ),
        ("my card expired in March two thousand and twenty", "my card expired in [DATE]"),
        ("We shipped it on the twenty first of May.", "We shipped it on the [DATE]."),
        ("you may need to restart it in March or April", "you may need to restart it in [DATE]"),
    ],
)
def test_default_pack_in_support_text(text: str, expected: str) -> None:
    """The pass runs for every pack that finds dates: in support text a spoken date is a date
    too (a customer's order or birth date)."""
    assert _redact(text, "default") == expected


@pytest.mark.parametrize("pack", ["clinical", "default"])
def test_gated_scan_equals_ungated_on_spoken_dates(pack: str) -> None:
    """The pass's gate only spares texts that no detector of it can match: "on the third."
    in a text naming no month is no date with the gates on or off (the month is in the
    regex, not only in the gate), nor "may\\tthird", "D.OB" or a tab before a spoken year."""
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in rows] + [
        "we are on the third.",
        "i'll be there from the first, okay?",
        "you may\tthird that. D.OB 5 7 61. mammoplasty on 10-10\t20-20 .",
        "the first of may. the first OF may. seen on 3-4 19-99 .",
    ]
    # (the date passes only: the ungated address passes are another module's concern)
    rules = load_rule_pack(pack).pii.model_copy(update={"types": ["date"]})
    series = pl.Series(texts)
    gated = PiiEngine(rules).scan(series, np.arange(len(texts)), keep_values=True)
    plain = PiiEngine(rules, gates=False).scan(series, np.arange(len(texts)), keep_values=True)
    assert gated.marked.to_list() == plain.marked.to_list()
    assert _redact("we are on the third.", pack) == "we are on the third."
