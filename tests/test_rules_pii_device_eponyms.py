"""Wrong finds in session 13's real exports (issue 18), read by a fresh-eyes reader: an
instrument's or device's eponym with a modifier before its noun in MTSamples operative notes
("#24 Blake chest tubes" was "#24 [PERSON] chest tubes", "St. Jude mechanical valve" was "St.
[PERSON] mechanical valve"), a holiday in lower-case transcripts ("the easter break" was "the
[PERSON] break"), a drug after its class ("an antibacterial called Bactrim"), and
organisations' @handles customers mention in support tweets ("@WWE",
"@eBayNewsroom", "@InDesign" were [USER]). With the persons that must stay redacted: a title
before the eponym ("Dr. Blake"), a given name with it ("John Blake chest tube"), a name
before other words ("spoke with Blake about chest tube"), people's handles."""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine
from curate.rules.pii import words as pii_words
from curate.rules.pii.public import brand_handle

PACKS = {name: PiiEngine(load_rule_pack(name).pii) for name in ("clinical", "default")}


def redact(pack: str, text: str) -> str:
    return str(PACKS[pack].scan(pl.Series([text])).placeholders()[0])


@pytest.mark.parametrize(
    "text",
    [
        "Then two #24 Blake chest tubes were placed, one through the incision.",
        "A #24 Blake chest drain was brought out through a stab wound.",
        "Status post aortic valve replacement with St. Jude mechanical valve.",
        "A 27 mm St. Jude mechanical valve was sewn in.",
        "Next, a thrombectomy was done using a #4 Fogarty embolectomy catheter.",
        "a 19-French Blake chest drain",
        "A #4 Fogarty was used to extract thrombus from the graft.",  # a size before it
        "[doctor] i guess you were in pain over the easter easter break there",
        "[patient] we just had easter and my kids got candies",
        "[doctor] the easter egg hunt",
        # a drug named after its class and "called" (MTS-Dialog: "called [PERSON]")
        "Patient: Yeah, I took an antibacterial called Bactrim around nine months ago.",
        "She was on an antibiotic named Keflex.",
    ],
)
def test_device_eponyms_and_holidays_stay_text(text: str) -> None:
    assert redact("clinical", text) == text


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Dr. Blake chest tube placed.", "Dr. [PERSON] chest tube placed."),
        ("John Blake chest tube today.", "[PERSON] chest tube today."),
        ("Spoke with Blake about chest tube", "Spoke with [PERSON] about chest tube"),
        ("Blake removed the drain", "[PERSON] removed the drain"),
        ("a John Blake chest drain", "a [PERSON] chest drain"),
        ("Bed #4 Smith stable.", "Bed #4 [PERSON] stable."),  # a bed's number, no size
        ("[patient] my wife valentine said", "[patient] my wife [PERSON] said"),
    ],
)
def test_persons_beside_device_words_stay_redacted(text: str, want: str) -> None:
    assert redact("clinical", text) == want


@pytest.mark.parametrize(
    "handle",
    [
        # an organisation's word at the end: a newsroom, a studio, a legal form, a government
        "@eBayNewsroom",
        "@uniquestudios",
        "@rockchipinc",
        "@MarloeGroup",
        "@acccgovau",
        # an acronym alone
        "@WWE",
        "@CNN",
        "@NZXT",
        # a maker's product (products.py)
        "@InDesign",
        "@Lightroom",
    ],
)
def test_organisations_handles_are_brand_accounts(handle: str) -> None:
    assert brand_handle(handle, pii_words.load())


@pytest.mark.parametrize(
    "handle",
    [
        "@rinaldylaguerre",
        "@KIHBEOM",  # capitals, but longer than an acronym
        "@JD",  # initials
        "@DERCLOWN2",
        "@robinsmithtv",  # a person's channel
        "@JstoneGaming",
        "@Arlo",  # a maker's name that is a given name too
        "@Emanuele_TV",
    ],
)
def test_peoples_handles_stay_users(handle: str) -> None:
    assert not brand_handle(handle, pii_words.load())


def test_a_customer_tweet_keeps_the_organisations_and_redacts_the_person() -> None:
    text = "Thought of @WWE and @rinaldylaguerre while working in @InDesign cc @eBayNewsroom"
    want = "Thought of @WWE and [USER] while working in @InDesign cc @eBayNewsroom"
    assert redact("default", text) == want
