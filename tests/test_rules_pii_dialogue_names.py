"""Names left in clear in session 13's real support and clinical exports (issue 18), read by a
fresh-eyes reader, one class each: a turn that opens greeting a person whose name is a word too
or very short ("Hey Bill,", "Hi Jo,": support answers); a lower-case given name that names a
thing too, after a greeting ("hey bruce so see here": "Bruce" is an exercise protocol's
eponym); a name after "see you"/"meet you" ("nice to see you jack"); a census surname that is a
word too after a lower-case "doctor" ("as doctor white said": ACI-Bench transcripts). With the
look-alikes that must stay text ("Hi there,", "Hey Delta,", "hey dragon", "the doctor will")."""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine

PACKS = {name: PiiEngine(load_rule_pack(name).pii) for name in ("clinical", "default")}


def redact(pack: str, text: str) -> str:
    return str(PACKS[pack].scan(pl.Series([text])).placeholders()[0])


@pytest.mark.parametrize(
    ("pack", "text", "want"),
    [
        # support answers (IBM customer care, twcs): a greeted name that is a word too
        ("default", "Hey Bill, thanks for checking in!", "Hey [PERSON], thanks for checking in!"),
        ("default", "Hi Jo, we're sorry to hear", "Hi [PERSON], we're sorry to hear"),
        ("default", "@115712 Hi Jo, please DM us", "@115712 Hi [PERSON], please DM us"),
        ("default", "Hi Dw, HKG-KUL upgrade", "Hi [PERSON], HKG-KUL upgrade"),
        ("default", "Hello Pile, apologies for", "Hello [PERSON], apologies for"),
        ("clinical", "Hi Bill, your results are in.", "Hi [PERSON], your results are in."),
        # transcripts in lower case (ACI-Bench, MTS-Dialog)
        (
            "clinical",
            "[patient] hey bruce so see here my notes",
            "[patient] hey [PERSON] so see here my notes",
        ),
        (
            "clinical",
            "[doctor] alright so hey it's nice to see you jack i know you've",
            "[doctor] alright so hey it's nice to see you [PERSON] i know you've",
        ),
        ("clinical", "[doctor] hi georgia , how are you", "[doctor] hi [PERSON] , how are you"),
        ("default", "nice to meet you Grace", "nice to meet you [PERSON]"),
        (
            "clinical",
            "[patient] as doctor white said i should rest",
            "[patient] as doctor [PERSON] said i should rest",
        ),
        ("clinical", "[patient] i saw doctor white .", "[patient] i saw doctor [PERSON] ."),
        ("clinical", "[patient] doctor young told me", "[patient] doctor [PERSON] told me"),
    ],
)
def test_greeted_and_titled_names_in_dialogue_are_redacted(pack: str, text: str, want: str) -> None:
    assert redact(pack, text) == want


@pytest.mark.parametrize(
    ("pack", "text"),
    [
        ("default", "Hi there, my order is late."),
        ("default", "Hi Team, my order is late."),
        ("default", "Hi All, my order is late."),
        ("default", "Hello Again, my flight is late."),
        ("default", "Hi Customer, thanks for waiting."),
        ("default", "Hey Delta, my flight is late."),  # a brand
        ("default", "Hey Chase, my card was declined."),  # a brand that is a given name too
        ("default", "Hi Spotify, my playlist is gone."),
        ("default", "Hi GoDaddy, my site is down."),
        ("default", "Hi, Unfortunately, no."),
        ("default", "See you Monday, then."),
        # a speaker's device, not a person: "hey dragon" (ACI-Bench), "hey alexa"
        ("clinical", "[doctor] hey , dragon , finalize the note"),
        ("clinical", "[patient] hey alexa , turn it off"),
        ("clinical", "[patient] i'm french , so"),  # not after "i'm"
        ("clinical", "[doctor] it's good to see you today"),
        ("clinical", "[patient] the doctor will see you"),
        ("clinical", "[patient] have the doctor page me"),
        ("clinical", "[patient] i saw the doctor long ago"),
        ("clinical", "[patient] i went to the doctor's office"),
        ("clinical", "[patient] the nurse practitioner saw me"),
    ],
)
def test_look_alikes_in_dialogue_stay_text(pack: str, text: str) -> None:
    assert redact(pack, text) == text
