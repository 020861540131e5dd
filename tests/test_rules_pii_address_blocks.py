"""Address blocks by class and real-data leftovers (issue 18, session 12): a contract's
one-line block keeps its postcode line with its street, a count before a city's name is no
postcode, an SEC file number is no phone."""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine

DEFAULT = PiiEngine(load_rule_pack("default").pii)
CONTRACTS = PiiEngine(load_rule_pack("contracts").pii)


def redact(text: str, engine: PiiEngine = DEFAULT) -> str:
    return str(engine.scan(pl.Series([text])).placeholders()[0])


@pytest.mark.parametrize("engine", [DEFAULT, CONTRACTS])
def test_one_line_company_address_keeps_postcode_line(engine: PiiEngine) -> None:
    # CUAD (Vapotherm's supply agreement): the street was masked, "41036 Medolla (MO) Italy" left
    text = "Medica S.p.A. Via Degli Artigiani, 7 41036 Medolla (MO) Italy Attention: Sales"
    out = redact(text, engine)
    assert "41036" not in out and "Medolla" not in out
    assert out.startswith("Medica S.p.A. [ADDRESS]")


def test_blank_separated_postcode_is_no_year() -> None:
    # a year after a street's number on one line is no postcode line
    assert redact("See Calle Mayor 5 2019 Report") == "See [ADDRESS] 2019 Report"


@pytest.mark.parametrize(
    "text",
    [
        "Last year, 1000 Berlin visitors came.",
        "1000 Berlin visitors came",
        "In total, 2500 Paris commuters were delayed.",
        "Overall, 1000 Berlin-based firms",
    ],
)
def test_count_before_city_name_and_noun_is_no_postcode(text: str) -> None:
    assert "[ZIP]" not in redact(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zentrale\n10115 Berlin", "Zentrale\n[ZIP] Berlin"),
        ("Büro, 10115 Berlin.", "Büro, [ZIP] Berlin."),
        ("Zentrale\n9828 Hall in Tirol", "Zentrale\n[ZIP] Hall in Tirol"),
    ],
)
def test_eu_postcode_before_town_still_found(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("engine", [DEFAULT, CONTRACTS])
def test_sec_file_number_is_no_phone(engine: PiiEngine) -> None:
    # CUAD: "a registration statement on Form S-l (File No. 333-6399) containing ..."
    for text in (
        "on Form S-l (File No. 333-6399)  containing",
        "Commission File Number: 001-36052",
        "File No. 333-194486",
    ):
        assert "[PHONE]" not in redact(text, engine), text
    assert redact("call 333-6399 now", engine) == "call [PHONE] now"


# Address blocks by class (bench_pii_address.py --struct, dev seeds 101-104): a street line,
# units of any kind, a town, a postcode of the country's form and a country, whole. The texts
# below are made up in those forms (no benchmark's streets or towns).
@pytest.mark.parametrize(
    "text",
    [
        # more units after the first, any kind; the town and postcode after them
        "Lindenring 7\nApt. 693\nUnit 526\nMusterstadt\n51424",
        "Birkenweg 12, Unit 789, Apt. 500, Neudorf, Germany",
        # a building's number before the street line; a postcode before its town after units
        "59255 Ahornplatz 29\nSuite 151\n35034 Grünwald\nGermany",
        "Tallgatan 659\nUnit 525\nApt 524\nLund\nSweden 72455",
        # a street named without a type word, with a non-ASCII capital first
        "Ševčíkova 405\nSuite 518\nModřice\n638 98",
        "Nádražní 157\nApt 398\n651 42 Jevišovice\nCzech Republic",
        # a type word in lower case before the name; a house number after a slash
        "aleja Śląska 95/79, Apt 81, 85-493 Łuków, Poland",
        # a floor after the number, then units and a country with its postcode
        "Strada Rossi, 115 Piano 0, Unit 42, Apt. 358, Borgonuovo, nan, Italy 67034",
        # a country's postcode after its name: Portugal's and the Netherlands' forms
        "Largo Faria, 47\nApt 3\nPeniche\nPortugal 2455-660",
        "Tessaweg 9\nSuite 4\nBlesdorp\nKingdom of the Netherlands 3674 FV",
        # a Canadian postcode without its blank, then the country's line
        "77 Maple Springs Suite 042\nNEW HAVENVILLE B3P4C9\nCanada",
        # an Eircode without its blank, after units
        "70 Heaphy Street\nSuite 226\nApt 142\nRathmore H71KHDY",
    ],
)
def test_address_block_classes_masked_whole(text: str) -> None:
    assert (
        redact(f"Please send it to:\n{text}\n\nThanks") == "Please send it to:\n[ADDRESS]\n\nThanks"
    )


@pytest.mark.parametrize(
    "text",
    [
        "I'll meet you at Tungata 11 Rott Crossroad\n Apt. 322\n Höfn\n Iceland 72399 after it.",
        "We stayed at Villa Rosa 12 Suite 3 for a week.",
    ],
)
def test_context_words_stay_outside_the_block(text: str) -> None:
    out = redact(text)
    assert out.startswith(("I'll meet you at [ADDRESS]", "We stayed at [ADDRESS]")), out


@pytest.mark.parametrize(
    "text",
    [
        # a street named without a type word: a building's number before it, its postcode line
        "88017 Lindhofgasse 56\n61773 Waldstadt",
        # ... the town's line, then a postcode whose form says it is one
        "Zaciszna 366\nOstrów Mazowiecki, 09-441",
        "Loessteeg 201\nHeerendorp\n3067HK",
        "Doubravínova 34\n Dobrovice\n 720 64",
    ],
)
def test_plain_street_blocks_masked_whole(text: str) -> None:
    assert redact(f"Address:\n{text}\n\nThanks") == "Address:\n[ADDRESS]\n\nThanks"


@pytest.mark.parametrize(
    "text",
    [
        # a clinical note's numbers and lines are no street and postcode
        "BP 120/80\nNeuro: A&O x3\nPlan: d/c 2\n12-345 pending",
        "Room 12\nBed 4, 10-200 mg",
    ],
)
def test_plain_street_needs_its_forms(text: str) -> None:
    assert "[ADDRESS]" not in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        # one line, blanks only: the town and its postcode, or the town and its country
        "Krieglweg 470 Frohnleiten Austria",
        "Hauptstraße 26 Witzenhausen 26728",
        # a Hungarian street line (a type word after the name), then its unit
        "Petőfi tér 136.\nApt 65\nH-9434 Tótnémeti\nHungary",
        # an empty field between the street and the town; a country's long name
        "52 Dea Street\nnan\nLorcan Ville\nRepublic of Ireland",
        # an Eircode not cut to a UK postcode
        "19 McGuire Street\n Orlaith Ville N12 3ACN",
    ],
)
def test_more_block_classes_masked_whole(text: str) -> None:
    assert redact(f"My address is {text}") == "My address is [ADDRESS]"


@pytest.mark.parametrize(
    ("text", "engine"),
    [
        # CUAD: a date is no street and its year no postcode
        (
            "including the July 7, 2015 Confidential Disclosure Agreement) are not superseded",
            CONTRACTS,
        ),
        ("Agreement made this 19t h day of March, 2020 Between: Co-Diagnostics, Inc.", CONTRACTS),
        # CUAD: a company's register number after "in <country> No." is no town's postcode
        ("IGER is registered in England No. 473456 and a registered Charity", CONTRACTS),
        ("IGER is registered in England No. 473456 and a registered Charity", DEFAULT),
    ],
)
def test_contract_dates_and_numbers_are_no_address(text: str, engine: PiiEngine) -> None:
    out = redact(text, engine)
    assert "[ADDRESS]" not in out and "[ZIP]" not in out, out


def test_one_line_town_postcode_is_no_year() -> None:
    assert redact("See Hauptstraße 26 Report 2019 now") == "See [ADDRESS] Report 2019 now"


def test_town_postcode_after_in_keeps_saints() -> None:
    assert redact("support it in St. Gallen 9000 in its mission") == (
        "support it in [ADDRESS] in its mission"
    )


@pytest.mark.parametrize(
    "street",
    [
        "Ringvägen 610",
        "Holmbladsstræde 12",
        "Charlottelaan 8",
        "Ilkankatu 2",
        "94430 Skoltorget 84",
        "Váci utca 222.",
        "ul. Korfantego 17",
        "aleja Chełmońskiego 429",
    ],
)
def test_street_with_type_word_and_number_alone(street: str) -> None:
    # a street whose type word says it is one, with its number, needs no postcode line
    assert (
        redact(f"Our shop: {street}, next to the bank") == "Our shop: [ADDRESS], next to the bank"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Smith et al. Nature 2019 showed it",
        "The Jeep Renegade 2 is red",
        "Watergate 2 was a film",
        "Corinne 5 years old",
        "pl. Call 911 now",
    ],
)
def test_words_ending_like_street_types_are_no_street(text: str) -> None:
    assert "[ADDRESS]" not in redact(text)
