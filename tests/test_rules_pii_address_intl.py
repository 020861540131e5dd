"""Addresses and postcodes of the world's national forms (issue 18: non-US addresses were
~0%): a street line in each language's order and the line with the postcode and town, whole.
The dev set (tests/data/address_dev, made-up streets and GeoNames towns) holds the floor."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine

DEFAULT = PiiEngine(load_rule_pack("default").pii)
DEV = Path(__file__).parent / "data" / "address_dev" / "address_dev.jsonl"


def redact(text: str) -> str:
    return str(DEFAULT.scan(pl.Series([text])).placeholders()[0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bitte an Lindenweg 12a\n10115 Berlin\n\nok", "Bitte an [ADDRESS]\n\nok"),
        ("Send it to 14 bis, rue de la Forge, 69003 LYON, France.", "Send it to [ADDRESS]."),
        ("Storgatan 5 A, SE-114 55 Stockholm", "[ADDRESS]"),
        ("Calle del Pino, 7, 3º B\n28013 Madrid", "[ADDRESS]"),
        ("Via dei Mille, 40\n20121 Milano (MI)", "[ADDRESS]"),
        ("Rua das Flores, 12, 2º Esq.\n1200-195 Lisboa", "[ADDRESS]"),
        ("ul. Polna 12/4\n00-950 Warszawa", "[ADDRESS]"),
        ("Kerkstraat 10\n1011 AB Amsterdam", "[ADDRESS]"),
        ("Nørregade 7, 2. tv.\n1165 København", "[ADDRESS]"),
        ("1052 Budapest, Kossuth Lajos utca 12., Hungary", "[ADDRESS]"),
        ("Flat 3, 14 Rose Mews, Crawley, RH10 1AB", "[ADDRESS]"),
        ("Unit 4, 12 Wattle Crescent\nDUBBO NSW 2830", "[ADDRESS]"),
        ("12, Lokmanya Tilak Marg\nPune - 411001\nok", "[ADDRESS]\nok"),
        ("88 Maple Avenue\nToronto ON  M5V 2T6\nCanada", "[ADDRESS]"),
        ("1-2-3 Ginza\nChuo-ku\nTokyo 104-0061", "[ADDRESS]"),
        ("Delivery address: Storgatan 5 A, 114 55 Stockholm", "Delivery address: [ADDRESS]"),
        # street types as the postal standards' classes (USPS suffixes, ISTAT, Correios, ...)
        ("960 Brandon Ridge\nWest Robert, ON M2Y 4H6", "[ADDRESS]"),
        ("Tom-Kühnert-Weg 2\n84656 Duderstadt", "[ADDRESS]"),
        ("Grenå Allé 42, 9538 Ishøj", "[ADDRESS]"),
        ("Vicolo Fagiani, 4\n07018, Pozzomaggiore (SS)", "[ADDRESS]"),
        ("aleja Lipca 656\n30-155 Olsztyn", "[ADDRESS]"),
        ("Privada Vega 559 Interior 797\nNueva Grecia, YUC 04974", "[ADDRESS]"),
        ("Flat 95E, Connor Vista, Turnermouth, LS41 1PL", "[ADDRESS]"),
        # a unit's block whose postcode has letters (patterns.py's BLOCK_TAIL)
        ("749 David Manor Apt. 527\nWilliamsland, YT N8P2V2", "[ADDRESS]"),
        ("Vicolo Daniele, 30 Appartamento 86\n84027, Sala Consilina (SA)", "[ADDRESS]"),
    ],
)
def test_a_block_of_a_national_form_is_masked_whole(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She studied in Kraków 30-001 for years.", "She studied in [ADDRESS] for years."),
        ("Our depot in Leiden 2311 EZ ships daily.", "Our depot in [ADDRESS] ships daily."),
        ("an office in Osaka 530-0001 opened", "an office in [ADDRESS] opened"),
        ("born in Crawley RH10 1AB last year", "born in [ADDRESS] last year"),
        ("bought in Windows 10-123 build", "bought in Windows 10-123 build"),
        # towns' particles, India's six digits, Sweden's "NNN NN", a postcode of five or six
        # digits running on into the sentence (not into a count's noun)
        ("She studied in Horb am Neckar 72160 for years.", "She studied in [ADDRESS] for years."),
        ("He grew up in Kungsbacka 434 30, then moved.", "He grew up in [ADDRESS], then moved."),
        ("the office in Kota 324001 and the depot", "the office in [ADDRESS] and the depot"),
        ("a branch in Aurich 26603 last spring.", "a branch in [ADDRESS] last spring."),
        ("given in Lasix 40000 units", "given in Lasix 40000 units"),
    ],
)
def test_a_town_and_a_postcode_of_its_form_after_in(text: str, expected: str) -> None:
    """A postcode whose form says it is one (letters or a hyphen) after a town and "in",
    whatever follows (the digits-only form needs the phrase to end: "in Texas 5000 people")."""
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "See Section 4.2 and clause 12.3.1 of the agreement.",
        "Get your kicks on Route 66, the famous song.",
        "Chapter 12 Road Safety covers 45 pages.",
        "Via 3 Nodes the data reached 2000 clients.",
        "Version 2.4.1 ships on 12 servers in Berlin.",
        "Pune is where I work\n12 of us came",
        # a list's letter and a date: no Spanish "C." street with a postcode (CUAD)
        "$1.5M b. July 1, 2018: $1.5M c. January 1, 2019 d. later",
    ],
)
def test_numbers_and_street_words_that_are_no_block(text: str) -> None:
    assert "[ADDRESS]" not in redact(text) and "[ZIP]" not in redact(text)
    contracts = PiiEngine(load_rule_pack("contracts").pii)  # no dates: years stay numbers
    assert "[ADDRESS]" not in str(contracts.scan(pl.Series([text])).placeholders()[0])


def _fully_masked(text: str, a: int, b: int, spans: list[tuple[int, int, str]]) -> bool:
    covered = [False] * (b - a)
    for s, e, t in spans:
        if t in ("address", "zip"):
            for k in range(max(s, a), min(e, b)):
                covered[k - a] = True
    return all(covered[k] or not text[a + k].isalnum() for k in range(b - a))


def test_the_dev_set_of_national_forms_keeps_its_floor() -> None:
    """Recall of whole blocks on 392 addresses of 28 national forms (0.14 before the block
    form, 0.97 after, 0.99 with the classes of session 11's round 2); no negative of the set becomes an address by this module's forms."""
    recs = [json.loads(x) for x in DEV.read_text("utf-8").splitlines() if x.strip()]
    scan = DEFAULT.scan(pl.Series([r["text"] for r in recs]), keep_values=True)
    n = ok = 0
    for k, r in enumerate(recs):
        spans = scan.spans(k)
        for a, b, t in r["spans"]:
            if t == "address":
                n += 1
                ok += _fully_masked(r["text"], a, b, spans)
    assert ok / n >= 0.98, (ok, n)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a street without a street-type word, then its postcode's line (Czech, Slovak, Nordic
        # streets are named so; a capital beyond ASCII first: the engine's ASCII word boundary)
        ("Za Parkem 7, 533 41 Lázně Bohdaneč", "[ADDRESS]"),
        ("Ship to Solbakken 14\n4021 Stavanger, thanks", "Ship to [ADDRESS], thanks"),
        ("Šafaříkova 12/3, 811 02 Bratislava", "[ADDRESS]"),
        ("Ängsvägen 3\n41319 Göteborg", "[ADDRESS]"),
        ("Mailed to U Lesa 4, 252 41 Jílové u Prahy in May.", "Mailed to [ADDRESS] in [DATE]."),
        # a street without a number before its postcode's line
        ("chemin des Vignes, 1009 Pully", "[ADDRESS]"),
        ("boulevard Carl-Vogt\n1205 Genève", "[ADDRESS]"),
        # Ireland's Eircode after the street without a comma, written with or without a blank
        ("12 Harbour Street D02X285 Dublin", "[ADDRESS]"),
        ("4 Mill Street H91 E2K3 Galway", "[ADDRESS]"),
        # blanks before a comma, a unit of Spain's ("Puerta", "Piso"), "C. de" for "Calle de"
        ("Calle Mayor 5 Puerta 2 , Toledo, 45001", "[ADDRESS]"),
        ("C. de Alcalá 50 Piso 3\nMadrid, 28014", "[ADDRESS]"),
        # the types of road of AS 4590, USPS (plurals too), INEGI, Correios, India's "zila"
        ("6 Wattle Courtyard, Dubbo, NSW, 2830", "[ADDRESS]"),
        ("12 Oak Parkways, Halifax, NS B3H 1A1", "[ADDRESS]"),
        ("Studio 4\nKing pass\nLeeds\nLS1 4AP", "[ADDRESS]"),
        ("Peatonal Hidalgo 40, Toluca, MEX 50000", "[ADDRESS]"),
        ("Periférico Sur 803 340\nSan Pedro de la Sierra, CHIH 31000", "[ADDRESS]"),
        ("Fazenda Boa Vista, 12\n78000-000 Cuiabá / MT", "[ADDRESS]"),
        ("28, Morar Zila, Kota-324001", "[ADDRESS]"),
        ("86/579\nPathak Chowk\nKota-324001", "[ADDRESS]"),
        ("Av Liberdade, 61, 1250-096 Lisboa", "[ADDRESS]"),
        ("Unit 4 12 Wattle Link\nDubbo, NSW, 2830", "[ADDRESS]"),
        ("Mannerheimin polku 4, 00100 Helsinki", "[ADDRESS]"),
        # towns' particles: "an der", "bei", "nad"
        ("Hauptstraße 5, 7563 Bruck an der Leitha", "[ADDRESS]"),
        ("Kostelní 12, 252 41 Kostelec nad Labem", "[ADDRESS]"),
        # India's block without a street's word: a number, localities, the town and its PIN
        ("17, Shanti Kunj, Jaipur 302001", "[ADDRESS]"),
        ("House No. 5, Sector 21\nNear Ram Temple\nFaridabad-121001\nHaryana", "[ADDRESS]"),
    ],
)
def test_street_classes_without_the_old_forms_words(text: str, expected: str) -> None:
    """Classes the blocks missed (read on Faker's addresses of seeds 7 and 11, a dev
    generator; the examples here are made up): a street with no street-type word or no
    number, an Eircode without a comma, types of road of the national standards."""
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a dose and a count, a product and units: words of text after the "postcode"
        "Lasix 40, 1000 Units.",
        "Gave Tylenol 650, 1000 Patients.",
        "We sold Product 7, 12345 Units.",
        "Windows 10, 1200 Users.",
        "Apollo 13, 1995 Film",
        "Room 12, 1234 Main",
        "Order 5, Total Amount 123456",
    ],
)
def test_a_street_without_its_word_needs_a_town(text: str) -> None:
    """The form without a street's word is no address where the words after the number are
    words of text (common_words/lower_words), a year, or a part of a building first."""
    assert "[ADDRESS]" not in redact(text)
    clinical = PiiEngine(load_rule_pack("clinical").pii)
    assert "[ADDRESS]" not in str(clinical.scan(pl.Series([text])).placeholders()[0])
