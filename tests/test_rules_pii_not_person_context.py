"""Capitalised words that a context or a neighbour makes a company, product, device or eponym,
not a person (issue 18, precision): curate/rules/pii/not_person.py's keep-as-text detectors of
the census pass and not_person.toml's phrases and thing words. The sentences are written here
in the classes read in the real clinical and support exports, not copied from a labelled
sample."""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine

ENGINES = {p: PiiEngine(load_rule_pack(p).pii) for p in ("default", "clinical")}


def redact(text: str, pack: str = "default") -> str:
    return str(ENGINES[pack].scan(pl.Series([text])).placeholders()[0])


@pytest.mark.parametrize("pack", ["default", "clinical"])
@pytest.mark.parametrize(
    "text",
    [
        "He used to work at Smith Barney as a broker.",
        "He works for Morse Chain in the warehouse.",
        "She retired from Sears Roebuck last year.",
        "He was employed by Morse Chain for 20 years.",
        "He worked at the Smith Barney office downtown.",
        "I used to work in Morse chain. I also delivered newspapers.",  # a thing word after
    ],
)
def test_an_employer_after_a_verb_of_working_is_no_person(text: str, pack: str) -> None:
    assert redact(text, pack) == text


@pytest.mark.parametrize("pack", ["default", "clinical"])
@pytest.mark.parametrize(
    "text",
    [
        "He worked for Walter P. Carter Center for ten years.",
        "Followed at Walter P. Carter Center.",  # after "at": the place detectors' context
        "Referred to the Mary J. Smith Hospital.",
    ],
)
def test_an_organisation_named_after_a_person_with_an_initial_is_no_person(
    text: str, pack: str
) -> None:
    assert redact(text, pack) == text


@pytest.mark.parametrize(
    "text",
    [
        "She underwent a Le Fort I osteotomy in 2001.",
        "He was given a Z Pak for bronchitis.",
        "Started a Z-Pak yesterday.",
    ],
)
def test_clinical_phrases_are_no_person(text: str) -> None:
    assert redact(text, "clinical") == text


@pytest.mark.parametrize(
    "text",
    [
        "I upgraded to Mac OS Catalina yesterday",
        "after updating to macOS High Sierra the mail app crashes",
        "is iOS Sierra supported on my phone?",
        "the Cox WiFi hotspots are down again",
        "enable the Star Date skill on Alexa",
        "is the Sierra app down?",
        "the Kohler shop in the mall is closed",
        "I have Gold status with you and still waited an hour",
        "the iPhone 7 Silver 256GB is out of stock",
        "the Rose Gold model is out of stock",
        "as a Platinum member I expected better",
    ],
)
def test_support_products_tiers_and_colours_are_no_person(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "to qualify under any Blue Sky Application or state securities law",
        "SEC, Blue Sky and FINRA filing fees",
    ],
)
def test_blue_sky_laws_are_no_person(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    "text",
    [
        # already text before these detectors (legal_terms "Party"): a guard
        "Party B shall pay liquidated damages to Party A at the standard rate.",
        "In the event that Party B breaches this covenant, Party A may terminate.",
        "The Tranche A Lenders shall fund the loans.",
    ],
)
def test_a_party_letter_is_no_person(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "want", "pack"),
    [
        # the same words as a person's stay redacted where a context says so
        ("Thanks Sarah Silver for your help.", "Thanks [PERSON] for your help.", "default"),
        ("Ask Rose Gold about it.", "Ask [PERSON] about it.", "default"),
        ("I texted Sarah on iOS today.", "I texted [PERSON] on iOS today.", "default"),
        ("Dr. Walter P. Carter saw the patient.", "Dr. [PERSON] saw the patient.", "clinical"),
        ("He works for Mr. Smith.", "He works for Mr. [PERSON].", "clinical"),
        (
            "Patient Jones plan is to discharge.",
            "Patient [PERSON] plan is to discharge.",
            "clinical",
        ),
    ],
)
def test_persons_near_these_words_stay_redacted(text: str, want: str, pack: str) -> None:
    assert redact(text, pack) == want


@pytest.mark.parametrize(
    ("text", "pack"),
    [
        # a contract's general words that are census surnames
        ("Parent shall promptly assign, or cause to be assigned, the contracts.", "default"),
        ("according to Appendix 1, 2 and 6 of this Agreement", "default"),
        ("as set out in Annex 2", "default"),
        ("Each Buffalo Wild Wings and bw-3 Restaurant shall display it.", "default"),
        # a brand of cigarettes in a social history
        ("He smokes 1 pack a day of Newport for 30 years.", "clinical"),
    ],
)
def test_contract_words_and_brands_are_no_person(text: str, pack: str) -> None:
    assert redact(text, pack) == text


def test_an_eponymous_flap_is_no_person() -> None:
    """A flap named after its surgeon (the clinical run's export: "[PERSON] flaps were also
    marked" in a hypospadias repair)."""
    text = "Byers flaps were also marked. The tissue rolled with the Byers flap covered it."
    assert redact(text, "clinical") == text


# session 11: classes read in the support export and the twcs dev sample (twcs_fresh.jsonl);
# the sentences are written here, not copied
@pytest.mark.parametrize(
    "text",
    [
        "Ask Siri to call home.",  # a voice assistant, also after a greeting
        "Hey Cortana, open Edge.",
        "My Fios box keeps rebooting.",
        "We binge-watched Gilmore Girls season 3 and the app froze.",  # a TV series
        "My recording of the Monk finale cut off.",
        "watching a recorded Monk ep. and the sound went",
        "I missed an episode of Lucifer yesterday.",
        "I was downgraded to Silver after one year.",  # a tier after a verb of keeping one
        "I bought Gold last week but it does not show.",
        "Hoping to get back to Platinum next year.",
        "Santa brought me a broken phone.",  # Father Christmas
        "Merry Christmas from the whole team!",
        "The laptop is running High Sierra and the app crashes.",  # a macOS release alone
        "Since upgrading to Sierra it will not boot.",
        "The £40 is a First Class Off Peak return.",  # fare types and features
        "We both paid for Early Bird, but we sat apart.",
        "Max flex would be a refund, not a voucher.",
        "the Law Offices of John Q. Public filed suit",  # a law firm named after its lawyer
        "I bought the Star Wars theme and it never appeared.",  # a film series
        "my daughter loves these Harry Potter mugs",
        "the match is available in Cloud DVR an hour later",  # a product before 'DVR'
    ],
)
def test_support_things_are_no_person(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Hi Sarah, the season finale is out", "Hi [PERSON], the season finale is out"),
        ("Thanks, Tom. Episode 3 is live.", "Thanks, [PERSON]. Episode 3 is live."),
        ("Hi Sierra, thanks for reaching out", "Hi [PERSON], thanks for reaching out"),
        ("Mr. Gold called about the order", "Mr. [PERSON] called about the order"),
        ("Hi Max, flex your plan", "Hi [PERSON], flex your plan"),
        # a patient's episodes are no TV series
        ("John Smith episode of syncope", "[PERSON] episode of syncope"),
        (
            "Mr. Smith's episodes of chest pain resolved.",
            "Mr. [PERSON] episodes of chest pain resolved.",
        ),
    ],
)
def test_persons_near_support_things_stay_redacted(text: str, want: str) -> None:
    assert redact(text) == want


def test_a_town_further_than_a_journey_goes_is_no_person() -> None:
    """A town after "further than" is a place: an address where the pack redacts addresses
    (a town is smaller than a state), never [PERSON]."""
    text = "Are you going further than Milton Keynes? Yes, to Leeds."
    assert redact(text) == "Are you going further than [ADDRESS]? Yes, to Leeds."


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Why is the lobby on Patton Ave closed?", "Why is the lobby on [ADDRESS] closed?"),
        ("the shop on Baker Street is shut", "the shop on [ADDRESS] is shut"),
        # a person whose surname is a street's word is still a person
        ("Hi Mary Lane, thanks", "Hi [PERSON], thanks"),
    ],
)
def test_a_street_without_its_number_is_an_address(text: str, want: str) -> None:
    assert redact(text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a sign-off or a greeting before ", XX" is a signature's initials, not a town
        ("Thanks, AK just need some more info.", "Thanks, AK just need some more info."),
        ("Cheers, NY", "Cheers, NY"),
        ("Kind Regards, TX", "Kind Regards, TX"),
        # a town with its state still is one
        ("I live in Austin, TX now", "I live in [ADDRESS] now"),
        ("We moved to Alexandria, VA last year.", "We moved to [ADDRESS] last year."),
    ],
)
def test_a_sign_off_before_a_state_code_is_no_town(text: str, want: str) -> None:
    assert redact(text) == want


@pytest.mark.parametrize(
    "text",
    [
        # a title in title case after what names a song, an album, a film ...
        "Is there any way to get his version of Lost In The Woods on the playlist?",
        "The song Sweet Home Alabama is not on the app.",
        "I was listening to Walking In Memphis when it crashed.",
        "Watching Lost In Space tonight on the app.",
        "Can't play Lost In The Woods offline.",
    ],
)
def test_a_title_after_a_song_or_a_film_is_no_place_or_person(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # after a verb of listening or watching a person may be named: no title case there
        ("I want to listen to Sarah Jones tonight", "I want to listen to [PERSON] tonight"),
        ("I was playing with Sarah Jones", "I was playing with [PERSON]"),
        ("I am lost in The Woods", "I am lost in [ADDRESS]"),
    ],
)
def test_persons_and_places_near_a_title_word_stay_redacted(text: str, want: str) -> None:
    assert redact(text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a game account's id is an identifier: [USER], not [PERSON] and not left
        ("My id is Dragonslayer99 on PSN", "My id is [USER] on PSN"),
        ("my gamertag is Mike Jones", "my gamertag is [USER]"),
        ("my PSN is John_Smith22.", "my PSN is [USER]."),
        ("Xbox gamertag: SilverFox", "Xbox gamertag: [USER]"),
        ("yes my gamertag is lilwayne99 thanks", "yes my gamertag is [USER] thanks"),
        # a plain word after the label is none; a name after "my name is" stays a person
        ("my id is expired", "my id is expired"),
        ("my psn is down", "my psn is down"),
        # a common word after a platform's label is the product's, no id (read in the
        # support export of session 12: "console:Xbox: [USER] X")
        ("console:Xbox: One X", "console:Xbox: One X"),
        ("my name is Mike Jones", "my name is [PERSON]"),
    ],
)
def test_a_game_account_id_is_a_user(text: str, want: str) -> None:
    assert redact(text) == want


def test_a_game_account_id_is_a_person_where_the_pack_has_no_user() -> None:
    assert redact("my gamertag is Mike Jones", "clinical") == "my gamertag is [PERSON]"


@pytest.mark.parametrize(
    "text",
    [
        # read in the twcs export: a name's context ("with") before a station's town
        "we wouldn't have anything to do with Leighton Buzzard station, it would be best",
    ],
)
def test_a_place_before_station_or_airport_is_no_person(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a determiner before a street's word names a thing (the address dev set's negative)
        ("The Street Fighter 2 tournament had 64 players.", None),
        ("This Road is closed, said the sign.", None),
        # a census name before it is still a street named without its number
        ("the lobby on Patton Ave was busy", "the lobby on [ADDRESS] was busy"),
        ("I walked down Main Street today", "I walked down [ADDRESS] today"),
    ],
)
def test_a_determiner_before_a_streets_word_is_no_street(text: str, want: str | None) -> None:
    assert redact(text) == (want or text)


def test_a_person_before_a_station_word_after_a_title_stays() -> None:
    assert redact("spoke with Dr. Station at the desk") == "spoke with Dr. [PERSON] at the desk"


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a thing's name after "named"/"called" (MTS-Dialog: "the bacteria named Enterococcus"
        # made its note's "Enterococcus species" [PERSON] too, session 12's export)
        ("you had a UTI because of the bacteria named Enterococcus.", None),
        ("my doctor gave me a drug called Lyrica", None),
        ("we adopted a dog named Max last year", None),
        # a person so introduced stays one
        ("I have a friend named Marisol Quenby.", "I have a friend named [PERSON]."),
        ("She is called Anna.", "She is called [PERSON]."),
    ],
)
def test_a_things_name_after_named_or_called_is_no_person(text: str, want: str | None) -> None:
    assert redact(text, "clinical") == (want or text)
