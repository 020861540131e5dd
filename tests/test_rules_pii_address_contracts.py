"""Contracts' notice addresses read in session 13's CUAD export (issue 18): one address block is
one find (its unit after a dash or a city's quarter was a second, "Suite [ADDRESS]"), a
numbered street's building number is no postcode ("[ZIP] East 9th Street"), a year opening a
line or ending a date is no postcode, Israel's seven-digit postcode, and a notice's addressee
before the street stays out of the address (so the contracts pack's "Attention:" finds it)."""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine

DEFAULT = PiiEngine(load_rule_pack("default").pii)
CONTRACTS = PiiEngine(load_rule_pack("contracts").pii)


def redact(text: str, engine: PiiEngine = CONTRACTS) -> str:
    return str(engine.scan(pl.Series([text])).placeholders()[0])


@pytest.mark.parametrize("engine", [DEFAULT, CONTRACTS])
@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a quarter between the street and its unit
        (
            "Capital Resources, Inc. 1701 K Street, N.W. Suite 700 Washington, D.C. 20006",
            "Capital Resources, Inc. [ADDRESS]",
        ),
        # a numbered street (an ordinal), its unit, the town and state after commas
        (
            'at 14320 NE 21st Street, Suite 11, Bellevue, Washington, 98007 ("Detto").',
            'at [ADDRESS] ("Detto").',
        ),
        (
            "to: Transaction Applications Group, Inc. 421 South 9th Street, Suite 222 Lincoln,"
            " Nebraska 68508 Attention: President",
            "to: Transaction Applications Group, Inc. [ADDRESS] Attention: President",
        ),
        # the unit after a dash
        (
            "Leonard, Street and Deinard 150 South Fifth Street — Suite 2300 Minneapolis,"
            " Minnesota 55402 Attention: Legal",
            "[ADDRESS] Attention: Legal",
        ),
        # a building's number in words
        (
            "The Navy Yard Corporate Center One Crescent Drive Suite 400 Philadelphia, PA 19112"
            " Telephone (215) 271-6102",
            "The Navy Yard Corporate Center [ADDRESS] Telephone [PHONE]",
        ),
    ],
)
def test_a_notice_block_with_its_unit_is_one_find(engine: PiiEngine, text: str, want: str) -> None:
    # (the default pack's names may take a law firm's: only the address's end is compared)
    assert redact(text, engine).endswith(want)


def test_a_numbered_streets_building_number_is_no_postcode() -> None:
    out = redact("delivered to IMG, Suite 100, 1360 East 9th Street, Cleveland, Ohio 44114, Attn")
    assert out == "delivered to IMG, Suite 100, [ADDRESS], Cleveland, Ohio [ZIP], Attn"


@pytest.mark.parametrize(
    "text",
    [
        "Exhibit A\n2019 Annual Meeting of the Board",
        "Title: CEO\n2001 Former ------------ PRO",
        "Date Signed: NOVEMBER 3, 1997 Date Signed",
        "Issuer Free Writing Prospectus dated March [1], 2011 Filed pursuant to Rule 433(d)",
        "Date: ____________________, 1997 Name:",
    ],
)
def test_a_year_is_no_postcode(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    "text",
    ["Street 5, 2000 Frederiksberg", "Glockengiesserwall 3, 20095 Hamburg, Germany"],
)
def test_a_postcode_before_its_town_stays_found(text: str) -> None:
    assert "2000" not in redact(text) and "20095" not in redact(text)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "MediWound Ltd. 42 Hayarkon Street Yavne, Israel 8122745",
            "MediWound Ltd. [ADDRESS] Yavne, Israel [ZIP]",
        ),
        (
            "Vayyar Ltd. 3 Avraham Giron St., Yehud 5621717, Israel",
            "Vayyar Ltd. [ADDRESS], Yehud [ZIP], Israel",
        ),
    ],
)
def test_israels_seven_digit_postcode(text: str, want: str) -> None:
    assert redact(text) == want


def test_seven_digits_without_israel_are_no_postcode() -> None:
    assert redact("Jerusalem 9100000 is") == "Jerusalem 9100000 is"


def test_the_addressee_before_the_street_is_a_person_not_the_address() -> None:
    text = (
        "If to Power2Ship: Freight Rate, Inc. Attention: Richard Hersh 10400 Griffin Rd.,"
        " Suite 101 Ft. Lauderdale, FL 33328"
    )
    out = redact(text)
    assert "Attention: [PERSON] [ADDRESS]" in out and "Hersh" not in out and "10400" not in out
    # a unit before its street after a title stays one address (presidio half A's form)
    text = "Mrs. Jennifer Alcaraz Suite 541 6343 Skogstien 106\nASKER nan 1386"
    assert "6343" not in redact(text, DEFAULT) and "1386" not in redact(text, DEFAULT)


def test_a_notice_label_after_the_postcode_is_no_town() -> None:
    """'92150 Suresnes Attn. Thibault De Tersant' (CUAD, a labelled person of cuad.jsonl):
    the town's words took the label and the addressee into the [ADDRESS]; a town after its
    postcode keeps a bare 'A' ("Sant'Angelo A Fasanella") and a town opening with 'Att'."""
    out = redact(
        "Dassault Systemes 9 Quai Marcel Dassault 92150 Suresnes Attn. Thibault De Tersant cc: Law"
    )
    assert out == "Dassault Systemes [ADDRESS] Attn. [PERSON] cc: Law"
    assert redact("Via Roma 5, 20121 Milano ATTN: Mario Rossi") == "[ADDRESS] ATTN: [PERSON]"
    assert redact("Hauptstr. 5, 57439 Attendorn") == "[ADDRESS]"
    text = "Vicolo Daniele, 30 Appartamento 86\n84027, Sant'Angelo A Fasanella (SA)"
    assert "Fasanella" not in redact(text, DEFAULT)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a named street without its number, then its unit and town
        (
            "Smart RX Systems, Inc. Red Bug Lake Road, Suite 256, Winter Springs, Florida 32708,"
            ' U.S.A. ("Company")',
            'Smart RX Systems, Inc. [ADDRESS], U.S.A. ("Company")',
        ),
        # a post box after the unit (it was a second find)
        (
            "Fogler, Rubinoff LLP 77 King Street West Suite 3000, P.O. Box 95\nToronto",
            "Fogler, Rubinoff LLP [ADDRESS]\nToronto",
        ),
        # a Canadian postcode after the town and province, or on the unit's line
        ("Toronto, Ontario M5K 1G8 Attention", "Toronto, Ontario [ZIP] Attention"),
        ("Cambridge, Ontario, Canada N3C2A7 and", "Cambridge, Ontario, Canada [ZIP] and"),
        ("2475 Broadway, Suite 202 Vancouver BC V6J4Z6 Boulder", "[ADDRESS] Boulder"),
    ],
)
def test_more_of_a_notice_block_is_found(text: str, want: str) -> None:
    assert redact(text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # two notice blocks side by side: each street with its unit is one find
        (
            "VerticalNet, Inc. 700 Dresher Road, Suite 100 700 Dresher Road, Suite 100 Horsham,"
            " Pennsylvania 19044 Fax",
            "VerticalNet, Inc. [ADDRESS] [ADDRESS] Horsham, Pennsylvania [ZIP] Fax",
        ),
        (
            "E.piphany, Inc. 3737 Glenwood Avenue, Suite 400 1900 S. Norfolk St., Suite 310"
            " Raleigh, NC 27612 San Mateo, CA 94403 ",
            "E.piphany, Inc. [ADDRESS] [ADDRESS] San Mateo, CA [ZIP] ",
        ),
        # a date's range of days is no postcode's year
        (
            "Oct. 27-28, 1999 Atlanta, GA Cobb Galleria Centre",
            "Oct. 27-28, 1999 Atlanta, GA Cobb Galleria Centre",
        ),
        # Singapore's six digits after its name
        ("#10-15 The Central Singapore 059817 Email", "#10-15 The Central Singapore [ZIP] Email"),
        # a phone's number after a unit stays the phone's
        ("Apt. 5 655 437 108", "Apt. 5 [PHONE]"),
    ],
)
def test_side_by_side_blocks_and_more_postcodes(text: str, want: str) -> None:
    assert redact(text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a street's type word in lower case after the words that introduce it
        ("The restaurant is at 61 Allen harbors", "The restaurant is at [ADDRESS]"),
        ("Meet me at 902 Lynne mall", "Meet me at [ADDRESS]"),
        # a unit or a house's label first, a number with a slash
        ("Meet me at 58494 Flat 0 Lucy haven", "Meet me at [ADDRESS]"),
        ("Meet me at H.No. 49 Balasubramanian Road", "Meet me at [ADDRESS]"),
        ("Meet me at 50/15, Rama Street", "Meet me at [ADDRESS]"),
        # an Italian or Spanish floor or door after the number
        ("Meet me at Via Mimun, 62 Piano 7", "Meet me at [ADDRESS]"),
        (
            "The office is at Paseo de Ángel Guzman 441 Puerta 2 now",
            "The office is at [ADDRESS] now",
        ),
        # a place's name with a type word but no number stays
        ("Meet me at Central Park", "Meet me at Central Park"),
    ],
)
def test_one_line_streets_after_their_context(text: str, want: str) -> None:
    assert redact(text, DEFAULT) == want


def test_an_insurance_forms_number_is_no_phone() -> None:
    """'(ISO) Form CG 00 01 12 04' was 'Form CG [PHONE]' in the CUAD export; a number of the
    same groups without the form's label stays a phone."""
    text = "written on Insurance Services Office (ISO) Form CG 00 01 12 04 or a substitute form"
    assert redact(text) == text
    assert redact("Call 01 23 45 67 89 now") == "Call [PHONE] now"
