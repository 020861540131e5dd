"""Postal addresses that the street-word forms in ``patterns.py`` miss: military mail, and an
address after words that introduce one, written the way most of the world writes a street.

Half A of the presidio set showed the classes: "PSC 0413, Box 8144\\nAPO AA 42323" (US
military mail: no street at all), "lives at 86036 Rua do Arenque 1634, Goiânia" and "the bus
station is on Villacher Strasse 89" (a number after the street's name, any language, no
"Street" word), "at the corner of 159 Eleftheriou Venizelou str and Rennie Union". A street
without a street word looks like any number and words, so this form needs its context
("lives at", "address is", "located at", ...) and a number in the right place; the context is
kept as text. Only pattern strings live here; the engine compiles them (``engine.py``).
"""

from __future__ import annotations

import functools
import re

# letters of the scripts the name passes know (patterns.UPPER/LOWER): not \p{L}, whose
# counted repetitions made this pass's regex exceed Rust's size limit
_LU = "A-ZÀ-ÖØ-ÞĀ-ɏḀ-ỿΆΈ-ΏΑ-ΩА-ЯЁ"
_LL = "a-zß-öø-ÿĀ-ɏḀ-ỿά-ώа-яё"
_L = _LU + _LL


def _countries() -> str:
    """The country names of curate/rules/data/countries.txt as one alternation, longest first."""
    from importlib import resources

    text = (resources.files("curate.rules") / "data" / "countries.txt").read_text("utf-8")
    names = [n for n in text.splitlines() if n and not n.startswith("#")]
    return "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))


# a country's name, the last line of a postal block that has no postcode ("...\n Estonia")
COUNTRY = rf"(?:{_countries()})\b"
# (in lower-case address lines too: "..., mohács, hungary 24743")
COUNTRY_ANY_CASE = rf"(?i:{_countries()})\b"
# a postcode at an address's end: UK "W1S 4JL", Canadian "L3R 5B4", Polish "53-320"
_POSTCODE = r"(?:[0-9]{2}-[0-9]{3}\b|[A-Z]{1,2}[0-9][A-Z0-9]?[ \t][0-9][A-Z]{2}|[A-Z][0-9][A-Z][ \t]?[0-9][A-Z][0-9])\b"
# Ireland's Eircode ("A94 C91V", "H71KHDY")
_EIRCODE = r"[AC-FHKNPRTV-Y][0-9]{2}[ \t]?[AC-FHKNPRTV-Y0-9]{4}\b"
# a word of an address in any case ("hersnapvej", "Λ.", "ul.", "D-06120"; a full
# stop only after an abbreviation: "St.", not "Toledo."), or an ordinal ("30th")
_ORD = r"[0-9]{1,3}(?:st|nd|rd|th)\b\.?"
_W = rf"(?:[{_L}][{_L}'’]{{0,3}}\.|[{_L}][{_L}'’]*(?:-[{_L}0-9]+)*|{_ORD})"
_CAP = rf"(?:[{_LU}][{_L}'’]{{0,3}}\.|[{_LU}][{_L}'’]*(?:-[{_L}0-9]+)*|{_ORD})"
# between an address's words: a few blanks (contracts pad fields with runs of spaces)
_S = r"[ \t]{1,3}"
# words before the number of a street without one: capitalised, not all capitals (a note's
# "SENT TO PACU POST PROCEDURE ON NEO 1"), a full stop only after an abbreviation ("located
# in Switzerland. 8.2 The language" is no street), or a particle ("Via dei Fiorentini 17")
_TC = rf"(?:[{_LU}][{_LL}][{_L}'’-]*|[{_LU}][{_LL}]{{0,3}}\.)"
_PARTICLE = r"(?:de|del|dei|della|di|do|da|dos|das|du|des|la|le|van|von|der|den|ul\.|u\.|al|el)"
_NUM = r"[0-9]{1,5}[a-zA-Z]?\b\.?"
# after a find: no digit ("8.2")
ADDRESS_AFTER = r"(?:$|[^0-9])"

# US military mail: "PSC 0413, Box 8144\nAPO AA 42323", "Unit 4719 Box 7394\nDPO AP 70942",
# "USNS Møller\nFPO AA 85844" (the ship's name, then the fleet post office)
MILITARY = (
    r"\b(?:(?i:psc|unit|cmr)[ \t]+[0-9]{3,5},?[ \t]+(?i:box)[ \t]+[0-9]{3,5}"
    r"|(?i:uss|usns|usnv|usnh|uscgc)[ \t]+[\p{L}'’-]+(?:[ \t]+[\p{L}'’-]+)?)"
    r"[ \t]*,?[ \t]*(?:\r?\n[ \t>]*)?(?i:apo|fpo|dpo)[ \t]+(?i:aa|ae|ap)[ \t]+[0-9]{5}\b"
)
# as written: a case-folded gate costs every text a lower-cased copy
MILITARY_GATE = r"(?:APO|FPO|DPO|apo|fpo|dpo)[ \t]+(?:A[AEP]|a[aep])[ \t]"

# words that introduce an address (kept as text); a question's "sent to?" and the answer's
# speaker ("Where would you like this to be sent to? User: 5586 Þórunnarstræti 31, ...")
ADDRESS_CONTEXT = (
    r"\b(?i:(?:lives?|lived|living|resides?|resided|stays?|stayed)[ \t]+(?:at|on|in)"
    r"|address(?:[ \t]+is|[ \t]+with)?[ \t]*:?|located[ \t]+(?:at|on|in)|situated[ \t]+(?:at|on)"
    r"|(?:office|restaurant|shop|store|station|house|apartment|flat|hotel)[ \t]+is[ \t]+(?:at|on|in)"
    r"|drops?[ \t]+you[ \t]+off[ \t]+at|meet[ \t]+(?:me|you|us)[ \t]+at|arrived[ \t]+at"
    r"|(?:return|send|sent|ship|shipped|deliver|delivered|mail|mailed|forward|forwarded)"
    r"(?:[ \t]+(?:it|this|them|the[ \t]+[a-z]+))?[ \t]+to(?:\?[ \t]*(?:\r?\n[ \t]*)?[a-z]+[ \t]*:)?"
    r"|taxi[ \t]+to|stop[ \t]+at"
    r"|moved[ \t]+to|enter[ \t]+on|north[ \t]+side[ \t]+of|south[ \t]+side[ \t]+of"
    r"|east[ \t]+side[ \t]+of|west[ \t]+side[ \t]+of)[ \t]+"
)
# the same words on the lower-cased text ("address" or "send" alone let half of all support
# tickets through to this pass: 6x its cost; a literal list of the phrases cost more than this)
ADDRESS_CONTEXT_GATE = ADDRESS_CONTEXT.replace(r"\b(?i:", "(?:")
# the street: a house number, maybe a second number (building, then street number), words, a
# number ("86036 Rua do Arenque 1634", "255 hersnapvej 18", "947 trg revolucije 17"); or a
# number and capitalised words ("17151 2450 Crown St"); or words and a number ("Villacher
# Strasse 89", "Via dei Fiorentini 17"); or a corner ("the corner of X 7 and Y Coves")
STREET_ANY = (
    rf"(?:[0-9]{{1,6}}(?:{_S}[0-9]{{1,5}}[a-zA-Z]?)?{_S}{_W}(?:{_S}{_W}){{0,5}}?{_S}{_NUM}"
    rf"(?:{_S}{_CAP}){{0,3}}"
    rf"|[0-9]{{1,6}}(?:{_S}[0-9]{{1,5}}[a-zA-Z]?)?{_S}{_CAP}(?:{_S}{_CAP}){{0,5}}"
    rf"|{_TC}(?:{_S}(?:{_TC}|{_PARTICLE})){{0,3}}{_S}{_NUM}"
    rf"|(?i:the{_S})?(?i:corner{_S}of){_S}[^\n,?!]{{2,60}}?{_S}and{_S}{_W}"
    rf"(?:{_S}{_CAP}){{0,2}}"
    # a corner without "corner of": "Leon and Eyrarodda 66", "Hanne and ul. Miła 53"
    rf"|{_TC}{_S}and{_S}(?:{_TC}|{_PARTICLE})(?:{_S}(?:{_TC}|{_PARTICLE})){{0,3}}{_S}[0-9]{{2,5}}"
    r"[a-zA-Z]?\b\.?)"
)
# a unit or floor ("Suite #127", "Suite C-30", "Apt. 615", "8th floor"), maybe with the town
# and country after it, no comma between ("... Apt. 615 Moosleerau Switzerland")
_UNIT = (
    # (Italian, Spanish: "Via Mimun, 62 Piano 7", "Stretto Sauro, 29 Appartamento 91", "Paseo
    # de Ángel Guzman 441 Puerta 2"; a studio flat: the address dev set's seed 301)
    rf"(?:(?i:apt|apartment|suite|ste|unit|flat|room|floor|fl|appartamento|piano|interno|scala"
    rf"|puerta|piso|planta|studio)\.?{_S}#?|#)"
    r"[A-Za-z]?-?[0-9]{1,5}(?:-?[A-Za-z])?\b"
    rf"|{_ORD}{_S}(?i:floor|fl\b\.?)"
)
UNIT_ANY = rf"(?:,?{_S}(?:{_UNIT})(?:,?{_S}{_CAP}){{0,3}})?"
# what follows: the town and country after commas, a postcode ("..., Spain 16200")
TAIL_ANY = (
    # (a lower-case town and country first: the form after it also matches nothing)
    rf"(?:(?:,?{_S}{_W}(?:{_S}{_W}){{0,2}}){{0,2}}?,?{_S}{COUNTRY_ANY_CASE}(?:,?{_S}(?:[0-9]{{4}}-[0-9]{{3}}\b|[0-9]{{4,6}}\b|{_POSTCODE}))?|"
    rf"(?:,[ \t]*{_CAP}(?:{_S}{_CAP}){{0,2}}){{0,4}}(?:,?{_S}(?:[0-9]{{4,6}}\b|{_POSTCODE}))?"
    rf"|(?:,?{_S}{_W}(?:{_S}{_W}){{0,2}}){{1,3}},?{_S}[0-9]{{4,6}}\b)"
)

# the first word of a "words and a number" find that names no street: "Room 1605", "Lot No.
# 19", "Floor 4" (parts of a building or plot, in contracts' addresses and clauses)
NOT_STREET = frozenset(
    {
        "room",
        "floor",
        "no",
        "number",
        "lot",
        "unit",
        "suite",
        "building",
        "bldg",
        "tower",
        "level",
        "section",
        "article",
        "clause",
        "page",
        "chapter",
        "item",
        "schedule",
        "exhibit",
        "annex",
        "appendix",
        "part",
        "phase",
        "step",
        "version",
        "table",
        "figure",
        "grade",
        "stage",
        "bed",
        "ward",
        "block",
        "plot",
        "apt",
        "apartment",
        "box",
        "build",
        "release",
        "update",
        "windows",
        "office",
        "ios",
        "android",
        "model",
        "series",
        "flight",
        "gate",
        "terminal",
        "platform",
        "route",
        "year",
        "size",
        "type",
        "class",
        "code",
        "error",
        "season",
        "episode",
        "week",
        "day",
        "month",
        "order",
        "account",
        "ticket",
        "case",
        "invoice",
        "tab",
        "line",
        "row",
        "column",
        # a date is no street: "July 7, 2015 Confidential Disclosure Agreement" (CUAD)
        *"january february march april may june july august september october november".split(),  # noqa: SIM905
        *"december jan feb mar apr jun jul aug sep sept oct nov dec".split(),  # noqa: SIM905
    }
)


# a unit before its street in a block ("Flat 8, 26 Latel Drive, Crawley, BS12 5RW")
UNIT_FIRST = frozenset(["flat", "apt", "apartment", "unit", "suite", "plot", "house"])


@functools.cache
def _common_words() -> frozenset[str]:
    """Frequent lower-case words of contracts and clinical text, and words real text writes
    lower-case (the name passes' lists): no town's name."""
    from importlib import resources

    words: set[str] = set()
    for name in ("common_words.txt", "lower_words.txt"):
        text = (resources.files("curate.rules") / "data" / name).read_text("utf-8")
        words.update(w for w in text.splitlines() if w and not w.startswith("#"))
    return frozenset(words)


# a postcode before its town after a street's line: ", 575 43 Skuteč", "\n1000 Units"
_TOWN_AFTER_POSTCODE = re.compile(
    r"(?:,|\n)[ \t>]*(?:[A-Z]{1,2}-)?[0-9][0-9 -]{1,8}(?:[A-Z]{2})?[ \t]+([^\n,0-9]+)"
)


def _is_word(word: str) -> bool:
    low = word.lower().strip(".")
    common = _common_words() | NOT_STREET  # ("Units": a part of a building)
    return low in common or (low.endswith("s") and low[:-1] in common)


def street_ok(value: str) -> bool:
    """A find of the context detector names a street: not "Room 1605" or "Lot No. 19"; a
    unit before its street is one in a block of lines or commas ("Flat 8, 26 Latel Drive");
    the words after a postcode are a town, not words of text ("Lasix 40, 1000 Units.": a
    dose and a count, for the form without a street's word, address_intl.BLOCK_PLAIN)."""
    first = value.split(None, 1)[0].strip(".,:").lower() if value.strip() else ""
    town = _TOWN_AFTER_POSTCODE.search(value)
    if town is not None and all(_is_word(w) for w in town.group(1).split()):
        return False
    if first in UNIT_FIRST and ("\n" in value or value.count(",") >= 2):
        return True
    return not (value[:1].isalpha() and first in NOT_STREET)


# "the corner of 35 Pentelis Str. and Waechter Turnpike": a corner of two named streets is an
# address without words before it (capitalised words or numbers on both sides of "and")
# (a side in lower case only with its number, an end only with a street's word: "the corner of
# heiligengeistbrücke 77 and minik courts", not "the corner of my room and the desk")
_STREET_WORD = (
    r"(?i:courts?|streets?|st\.?|roads?|rd\.?|avenue|ave\.?|lanes?|pass|way|drive|place)\b"
)
_CORNER_SIDE = (
    rf"(?:[0-9]{{1,6}}{_S})?(?:{_CAP}(?:{_S}(?:{_W}|[0-9]{{1,5}}\.?)){{0,4}}?"
    rf"|{_W}{_S}[0-9]{{1,5}}\.?)"
)
_CORNER_END = (
    rf"(?:[0-9]{{1,6}}{_S})?(?:{_CAP}(?:{_S}(?:{_CAP}|[0-9]{{1,5}}\.?)){{0,3}}"
    rf"|{_W}{_S}{_STREET_WORD})"
)
CORNER = rf"(?i:the{_S})?(?i:corner{_S}of){_S}{_CORNER_SIDE}{_S}and{_S}{_CORNER_END}"
CORNER_GATE = r"corner[ \t]+of"  # on the lower-cased text


# A street line with its unit in any case, and the unit first: "947 trg revolucije 17 apt.
# 858 begunje na gorenjskem slovenia", "31401 ul. Słowicza 10 Apt. 360\n Wrocław\n nan\n
# 53-320", "Suite 541 6343 Skogstien 106\nASKER nan 1386" (half A's lower-case and odd
# lines: the unit-block form wants a capitalised street). Two numbers around the street's
# words, or two before them, and a unit: "300 for the suite 5" is none.
_UNIT_WORD = r"(?i:apt|apartment|suite|unit)\.?"
_UNIT_NUM = rf"{_UNIT_WORD}{_S}#?[0-9]{{1,5}}\b"
_LOW_STREET = (
    rf"[0-9]{{1,6}}(?:{_S}[0-9]{{1,5}}[a-zA-Z]?{_S}{_W}(?:{_S}{_W}){{0,4}}?(?:{_S}{_NUM})?"
    rf"|{_S}{_W}(?:{_S}{_W}){{0,4}}?{_S}{_NUM})"
)
# a street named before its number, capitalised ("Tungata 11 Rott Crossroad", "Λεωφόρος
# Συγγρού 119 Nino Point"; not "Inc. 5858 Horton Street"), or a post box ("P.O. Box 149
# Monika Union"): only with a unit
# street-type words written before the name in lower case (Polish, Portuguese, Spanish,
# Italian, French; address_intl.py has them all, for its blocks)
_TYPE_LOWER = (
    r"(?:aleja|al\.|ulica|ul\.|plac|pl\.|osiedle|os\.|rua|r\.|travessa|estrada|largo|praça"
    r"|calle|c\.|avenida|av\.|avda\.|paseo|camino|carrer|via|viale|piazza|corso|vicolo|strada"
    r"|rue|avenue|chemin|boulevard|impasse|allée|quai|route|place)"
)
_NAMED_STREET = (
    # (a type word in lower case or an initial before it: "aleja Śląska 95/79", "al. Maczka
    # 660", "C. Armando Otero 4", "K Háječku 3"; four words: "Calle de Andrés Felipe Larrañaga
    # 811"; a house's number may be written after a slash: "Śląska 05/82")
    rf"(?:(?:{_TYPE_LOWER}{_S}(?:{_PARTICLE}{_S})?|[{_LU}]\.?{_S})?[{_LU}][{_LL}][{_L}'’-]*"
    # (a type word in lower case just before the number: "Petőfi tér 136.", "Kossuth köz 50.")
    rf"(?:{_S}(?:{_TC}|{_PARTICLE})){{0,4}}(?:{_S}[{_LL}]{{2,7}}\.?)?,?{_S}{_NUM}(?:/[0-9]{{1,4}}[a-zA-Z]?\b)?"
    rf"|(?i:p\.?[ \t]?o\.?[ \t]?box){_S}[0-9]{{1,6}}\b)(?:{_S}{_CAP}){{0,3}}"
)
# the lines after it: words (a town, "nan" where a field was empty), ending in a postcode, a
# country (maybe with a note in brackets and a postcode: "Cyprus (Greek) 51034"), "nan", or
# one or two words at the line's end ("calgary alberta"); a blank, a comma or a line break
# (one blank line; a comma may open the line: "\n, CO\n Uruguay 64677") between them; else
# the town on the unit's line ("Suite 019 CHARLEROI Victoria")
_LOW_SEP = r"(?:[ \t]{0,2},[ \t]*|[ \t]{1,3}|[ \t]*\r?\n(?:[ \t]*\r?\n)?[ \t>]*,?[ \t]*)"
# a postcode of any national form ("H-1067", "651 42", "2538 OU", "09-441", "60230-308",
# "K3J6N6"), maybe its town after it on the line ("\n 24556 Holzminden")
_PC = (
    rf"(?:[0-9]{{3}}[ \t][0-9]{{2}}\b|[0-9]{{4}}[ \t]?[A-Z]{{2}}\b|[0-9]{{5}}-[0-9]{{3,4}}\b"
    rf"|[0-9]{{4}}-[0-9]{{3}}\b|(?:[A-Z]{{1,2}}-)?[0-9]{{3,6}}\b|{_POSTCODE}|{_EIRCODE})"
)
_PC_TOWN = rf"{_PC}(?:{_S}{_CAP}(?:{_S}(?:{_CAP}|{_PARTICLE}|in|am|an|nad|pod)){{0,3}})?"
_LOW_END = (
    rf"(?:{_PC_TOWN}|nan\b"
    rf"|{COUNTRY_ANY_CASE}(?:{_S}\([^()\n]{{1,20}}\))?(?:,?{_S}{_PC})?)"
    # (a country's line after the postcode's: "...\n651 42 JEVIŠOVICE\nCzech Republic")
    rf"(?:{_LOW_SEP}{COUNTRY_ANY_CASE}(?:,?{_S}{_PC})?)?"
)
_LOW_TAIL = (
    rf"(?:(?:{_LOW_SEP}{_W}(?:{_S}{_W}){{0,3}}){{0,3}}{_LOW_SEP}{_LOW_END}"
    rf"|{_LOW_SEP}{_W}(?:{_S}{_W})?(?m:$)|(?:{_S}{_CAP}){{1,3}})?"
)
# more units after the first, any kind: "Apt. 693\nUnit 526", "Suite 340\n Suite 800"
_UNIT_MORE = (
    rf"(?:{_LOW_SEP}(?i:apt|apartment|suite|ste|unit|flat|room|floor|level)\.?{_S}#?[0-9]{{1,5}}"
    r"[A-Za-z]?\b){0,2}"
)
# (a second unit: "Suite 697 Apt. 397")
# (a building's number before the third form's street: "65055 al. Norwida 66/31", "85950
# Pettersenmarka 905"; a floor or door after its number: "Strada Duse, 115 Piano 0, Unit 42",
# "Pasadizo Nereida Montaña 51 Puerta 2")
_FLOOR = rf"(?:{_S}[{_LU}][{_LL}]{{2,11}}{_S}[0-9]{{1,3}}[A-Za-z]?\b)?"
UNIT_LINES = [
    rf"{_LOW_STREET}{_LOW_SEP}{_UNIT_NUM}{_UNIT_MORE}{_LOW_TAIL}",
    rf"{_UNIT_NUM},?{_S}[0-9]{{1,6}}{_S}{_W}(?:{_S}{_W}){{0,3}}?{_S}{_NUM}{_UNIT_MORE}{_LOW_TAIL}",
    rf"(?:[0-9]{{1,6}}{_S})?{_NAMED_STREET}{_FLOOR}{_LOW_SEP}{_UNIT_NUM}{_UNIT_MORE}{_LOW_TAIL}",
]
# before them: no letter or digit (the engine's "\b" is ASCII's: "Ševčíkova 405" is a word)
UNIT_LINES_BEFORE = rf"(?:^|[^0-9_{_L}'’-])"
# after them: not the first digits of a number on the next line or the same ("... Apt. 5\n 655
# 437 108" is a phone's, not a 3-digit postcode), as after the unit-block form (patterns.py)
UNIT_LINES_AFTER = r"(?:$|[^0-9 \t]|[ \t]+(?:$|[^0-9 \t]))"
UNIT_LINES_GATE = (
    r"(?:apt|suite|Apt|Suite|APT|SUITE|Unit|UNIT)\.?[ \t]+#?[0-9]"  # (a folded gate: a copy)
)

# A town and its postcode after "in", the postcode last: "in Bjert 6091", "in København K
# 1421", "in Quinta de São Tiago 3610-114" (half A: postcodes of towns outside the US are
# written after them). Check "street": not "in Room 1605", "in Build 1709" (NOT_STREET). No
# year (19xx, 20xx: "in March 2023"), and the number ends its phrase ("in Texas 5000 people"
# is none): a line's or sentence's end, a comma, or a preposition after it.
TOWN_POSTCODE_BEFORE = r"\b(?i:in)[ \t]+"
# (a US state's code between: "in Raleigh NC 27601"; towns' particles: "Horb am Neckar",
# "Moscavide e Portela", "Loon op Zand"; India's six digits, Sweden's "778 37")
_TOWN_PARTICLE = rf"(?:{_PARTICLE}|e|y|am|an|im|bei|op|aan|nad|pod|sur|en)"
# (no abbreviation among the town's words but a saint's or a mount's: "in St. Gallen 9000",
# not "registered in England No. 473456")
_TOWN_W = rf"(?:[{_LU}][{_LL}][{_L}'’-]*|(?:St|Ste|Mt|Ft)\.)"
TOWN_POSTCODE = (
    rf"{_TOWN_W}(?:{_S}(?:{_TOWN_W}|{_TOWN_PARTICLE}|[{_LU}]\b)){{0,3}}{_S}(?:[A-Z]{{2}}{_S})?"
    r"(?:[03-9][0-9]{3}|1[0-8][0-9]{2}|2[1-9][0-9]{2}|[0-9]{5,6}|[0-9]{4}-[0-9]{3}"
    r"|[0-9]{3}[ \t][0-9]{2})\b"
)
# the same with a postcode whose form says it is one (letters or a hyphen in it), whatever
# follows: "in Leiden 2311 EZ", "in Kraków 30-001", "in Lisboa 1000-001", "in Osaka 530-0001",
# "in Campinas 13010-111", "in Crawley RH10 1AB", "in Toronto M5V 2T6"
TOWN_POSTCODE_FORMED = (
    rf"{_TC}(?:{_S}(?:{_TC}|{_TOWN_PARTICLE}|[{_LU}]\b)){{0,3}},?{_S}"
    r"(?:[0-9]{4}[ \t]?[A-Z]{2}|[0-9]{2}-[0-9]{3}|[0-9]{4}-[0-9]{3}|[0-9]{3}-[0-9]{4}"
    r"|[0-9]{5}-[0-9]{3}|[A-Z]{1,2}[0-9][A-Z0-9]?[ \t][0-9][A-Z]{2}|[A-Z][0-9][A-Z][ \t]?[0-9][A-Z][0-9])\b"
)
TOWN_POSTCODE_FORMED_AFTER = r"(?:$|[^0-9A-Za-z-])"
# a postcode of five or six digits (or Sweden's "778 37") may run on into the sentence ("in
# Aurich 87178 last spring"), not into a count's noun: a plural or "people" ("in Texas
# 50000 people", "in Lasix 40000 units")
TOWN_POSTCODE_LONG = (
    rf"{_TOWN_W}(?:{_S}(?:{_TOWN_W}|{_TOWN_PARTICLE}|[{_LU}]\b)){{0,3}}{_S}"
    r"(?:[0-9]{5,6}|[0-9]{3}[ \t][0-9]{2})\b"
)
TOWN_POSTCODE_LONG_AFTER = r"[ \t]+[a-z]*(?:[a-df-rt-z]|[^l]e|[^p]le|ss)\b"
TOWN_POSTCODE_AFTER = (
    r"(?:$|[ \t]*(?:$|[\r\n,;!?)])|[.:](?:$|\s)"
    r"|[ \t]+(?:in|and|for|to|on|at|from|with|where|which|since|until|or)\b)"
)


# A street with its type word and its number is an address by itself, as the German one in
# patterns.py ("Hauptstraße 5"): the compound street names of the Nordic countries, the
# Netherlands and Finland ("Ringvägen 610", "Holmbladsgade 12", "Charlottelaan 8", "Ilkankatu
# 2"), Hungary's type word after the name ("Váci utca 222.", "Ady Endre út 207."), Poland's
# before it ("ul. Korfantego 17", "aleja Chełmońskiego 429"); maybe a building's number before
# it ("94430 Skoltorget 84"). The national posts' common types only, none that ends an
# ordinary word ("-gate": "Watergate 2", "-gade": "Renegade 2", "-rinne": "Corinne 5"); no
# "pl." (a note's "please") and no year after Poland's types ("et al. Nature 2019").
_ALONE_SUFFIX = (  # noqa: SIM905
    "straße strasse gasse allee platz damm chaussee straat laan plein gracht kade singel dijk"
    " dreef steeg gatan vägen gränd torget stigen backen veien vegen gata gaten stien plassen"
    " bakken haugen svingen tunet vej alléen stræde vænget katu kuja polku väylä bulevardi"
).split()
STREET_ALONE = (
    rf"(?:[0-9]{{1,6}}{_S})?(?:[{_LU}][{_LL}]*(?:{'|'.join(sorted(_ALONE_SUFFIX, key=len, reverse=True))})"
    rf"{_S}[0-9]{{1,4}}[a-zA-Z]?\b"
    rf"|[{_LU}][{_LL}]+(?:{_S}[{_L}][{_LL}]+)?{_S}(?:utca|útja|út|tér|köz|körút|sétány){_S}[0-9]{{1,4}}\b\.?"
    rf"|(?:ul\.|al\.|os\.|ulica|aleja|plac|osiedle){_S}[{_LU}][{_L}-]*(?:{_S}[{_LU}][{_L}-]*){{0,2}}"
    rf"{_S}[0-9]{{1,3}}(?:/[0-9]{{1,4}})?[a-zA-Z]?\b)"
)
