"""The street forms of the address passes (``patterns.py`` names them per pass): a US
street and its city-state-ZIP tail, a street line with its unit, and the lines after a unit or
a street up to the postcode or the country that ends the block. Strings and gates only."""

from __future__ import annotations

from curate.rules.pii.address import COUNTRY, MILITARY, STREET_ANY, TAIL_ANY, UNIT_ANY
from curate.rules.pii.address_intl import POSTCODE_LETTERS, STREET_TYPED
from curate.rules.pii.detector import Gate
from curate.rules.pii.forms import LOWER, UPPER, US_STATE

# a US street's type word
US_TYPE = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Square"
    r"|Sq|Way|Terrace|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Trail|Alley|Row|Crescent|Close)"
)
# a city's quarter after a street's type: ", N.W.", " NE", " South" (not the unit after it)
QUARTER = (
    r"(?:,?[ \t]+[NS]\.[ \t]?[EW]\."
    r"|,?[ \t]+(?:North|South|East|West|N|S|E|W|NE|NW|SE|SW)\b\.?)?"
)
# US street forms ("123 Main St", "4 Elm Street, Apt 5", "1200 12th Avenue South": a numbered
# street and a direction after its type), and a city, state and zip after one
US_STREET = (
    r"\b\d{1,6}[ \t]+(?:(?:\p{Lu}[\p{L}'-]*|[A-Z][a-z]{0,3}\.(?:[A-Z]\.)*(?:[A-Z][a-z]+)?|\d{1,3}(?:st|nd|rd|th))[ \t]+){1,4}"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard"
    r"|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Square|Sq|Way|Terrace|Parkway|Pkwy|Circle|Cir"
    r"|Highway|Hwy|Trail|Alley|Row|Crescent|Close)\b\.?"
    r"(?:[ \t]+(?:North|South|East|West|N|S|E|W|NE|NW|SE|SW)\b\.?)?"
    r"(?:,?[ \t]*(?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl|#)\.?[ \t]*[A-Za-z0-9-]+)?"
)
US_TAIL = (
    rf",?[ \t]*(?:\r?\n[ \t]*)?(?:[A-Z][a-z]+[ \t]+){{0,2}}[A-Z][a-z]+,[ \t]*{US_STATE}"
    r"(?:,?[ \t]+\d{5}(?:-\d{4})?)?\b"
)
# a US address's ", ST": the texts its pass reads (a digit alone let every text through)
US_TAIL_GATE = Gate(r"[a-z],[ \t]*[A-Z][A-Z]\b")
# a street line with a unit, any language: "764 Fagradalsbraut 71 Apt. 762", "9 Rue X Suite 4"
# (a word with a full stop only as an abbreviation: "3 rooms. The Suite 5" is no address)
# (a numbered street, "421 South 9th Street", or a quarter, "607 14th Street, N.W.": CUAD)
_ADDR_WORD = (
    rf"(?:[{UPPER}{LOWER}][{UPPER}{LOWER}'’-]*|[{UPPER}{LOWER}]{{1,4}}\.|\d{{1,3}}(?:st|nd|rd|th)\b"
    rf"|\d{{1,5}}[a-z]?\.?)"
)
STREET_LINE = (
    # (a unit's number and a slash first: Australia's "3/159 Corlori Road"; a number in
    # words, as a building's address: "One Crescent Drive Suite 400")
    rf"\b(?:(?:\d{{1,4}}/)?\d{{1,6}}|One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten)[ \t]+(?:\d{{1,5}}[a-z]?[ \t]+)?(?:(?i:p\.?[ \t]?o\.?[ \t]?box)[ \t]+\d{{1,6}}"
    rf"|[{UPPER}][{UPPER}{LOWER}'’-]*\.?|\d{{1,3}}(?:st|nd|rd|th)\b)"
    rf"(?:[ \t]+{_ADDR_WORD}){{0,5}}(?:,?[ \t]+[NS]\.[ \t]?[EW]\.)?"
)
# the unit on the street's line or the next: "...Road X\n Suite 445"
# (up to three: "...Street\nSuite 226\nApt 142")
_UNIT_SEP = r"(?:,?[ \t]*\r?\n[ \t>]*|,?[ \t]+(?:[—–-][ \t]+)?)"
UNIT = (
    rf"{_UNIT_SEP}(?:Apt\.|Suite|Unit|Ste\.)[ \t]+#?\d{{1,5}}\b"
    rf"(?:{_UNIT_SEP}(?:Apt\.?|Suite|Unit|Ste\.)[ \t]+#?\d{{1,5}}\b){{0,2}}"
    # (a post box after the unit: "77 King Street West Suite 3000, P.O. Box 95", CUAD)
    r"(?:,?[ \t]+(?i:p\.?[ \t]?o\.?[ \t]?box)[ \t]+\d{1,6}\b)?"
)
# the town (and country) after the unit on its line: "... Suite 215 NUNGATTA Australia"
# (blanks only between them: a comma starts BLOCK_TAIL's lines, ", CA 94608")
# (or a postcode with letters: "Suite 202 Vancouver BC V6J4Z6", CUAD)
UNIT_TOWN = rf"(?:(?:[ \t]+[{UPPER}][{UPPER}{LOWER}'’-]*){{1,3}}(?:[ \t]+(?:\d{{4,6}}\b|{POSTCODE_LETTERS}))?)?"
# the lines after it up to one that ends in a postcode ("Country 38524", ", ST 38524"): a
# city, a state; without such a line, none (a short line after an address may be "Thanks")
_ADDR_SEP = r"[ \t]*(?:,[ \t]*|\r?\n[ \t>]*,?[ \t]*)"
_ADDR_LINE = (
    rf"(?:[{UPPER}][{UPPER}{LOWER}'’.()-]*(?:[ \t]+[{UPPER}(][{UPPER}{LOWER}'’.()-]*){{0,3}}|nan)"
)
# after a unit, one blank line may come before the country's line ("Riisa\n\n Estonia 62488")
_BLOCK_SEP = r"[ \t]*(?:,[ \t]*|\r?\n(?:[ \t]*\r?\n)?[ \t>]*,?[ \t]*)"
# (or a country's name ends it without one: "...\n Pärnu\n Estonia")
# (a US ZIP+4: "Oakdale, CA 58717-2713")
# (or a postcode with letters: Canada's "YT N8P2V2", the UK's, Ireland's; address_intl.py)
# (a postcode's town after it, ending the line: "\n 24556 Holzminden"; the country's line
# after the postcode's: "...\nNEW CAITLIN B3P4C9\nCanada")
_ADDR_END = (
    rf"{_BLOCK_SEP}(?:(?:{_ADDR_LINE},?[ \t]+)?(?:\d{{3,6}}(?:-\d{{3,4}})?|{POSTCODE_LETTERS})\b"
    rf"(?:[ \t]+{_ADDR_LINE}(?m:$))?(?:{_ADDR_SEP}{COUNTRY})?"
    rf"|{COUNTRY}(?:,?[ \t]+(?:\d{{3,6}}(?:-\d{{3,4}})?|{POSTCODE_LETTERS})\b)?)"
)
BLOCK_TAIL = rf"(?:(?:{_BLOCK_SEP}{_ADDR_LINE}){{0,3}}?{_ADDR_END})?"
# without a unit: a street line, then one to three short lines, the last one ending in a
# postcode of 4-6 digits ("...137\nColorado Springs\n, CO\n 70079"); no blank line between
LINES_TAIL = (
    rf"(?:{_ADDR_SEP}{_ADDR_LINE}){{1,3}}?[ \t]*(?:,[ \t]*|\r?\n[ \t>]*,?[ \t]*|[ \t]+)\d{{4,6}}"
    # (a US ZIP+4; the country's line after it: "...\nKIRWAN VIC 6575\nAustralia")
    rf"(?:-\d{{4}})?\b(?:{_ADDR_SEP}{COUNTRY})?"
)
# an address after words that introduce one ("lives at", "address is"; address.py): military
# mail, or a street in any language's form with what follows it: a unit and the lines after
# it, lines that end in a postcode, or the town and country after commas
IN_CONTEXT = rf"(?:{MILITARY}|(?:{STREET_TYPED}|{STREET_ANY})(?:{UNIT}{BLOCK_TAIL}|{LINES_TAIL}|{UNIT_ANY}{TAIL_ANY}))"
UNIT_GATE = Gate(r"Apt\.|Suite|Unit|Ste\.")  # as the detector writes them (a folded gate cost 3x)
