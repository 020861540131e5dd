"""A postal address block in the world's national forms: a street line, maybe a unit, short
lines, and the line with the postcode and town, maybe a country (issue 18: non-US addresses
and postcodes were found ~0%).

Written from the national post offices' addressing rules (the UPU's summaries), by class, not
from a benchmark's streets or towns: the street line is a street-type word with a house number
in the order each language writes it ("12 rue de la Paix", "Calle Mayor, 5", "Hauptstraße 5",
"ul. Miła 12/4", "Kossuth Lajos utca 12.", "68 Malin Gardens", "1-2-3 Ginza"); the postcode
line is a postcode of one of the world's forms before its town ("10115 Berlin", "00-950
Warszawa", "114 55 Stockholm", "1011 AB Amsterdam", "1000-001 Lisboa") or after it ("Crawley,
BS12 5RW", "SYDNEY NSW 2000", "Pune - 411001", "Toronto ON M5V 2T6", "Tokyo 100-0001"). A
street line alone is left to the other forms: only the block with its postcode or country is
found here, so "Route 66" or "Chapter 12 Road" stay. Only pattern strings live here; the
engine compiles them.
"""

from __future__ import annotations

import re

from curate.rules.pii.address import COUNTRY

_LU = "A-ZÀ-ÖØ-ÞĀ-ɏḀ-ỿΆΈ-ΏΑ-ΩА-ЯЁ"
_LL = "a-zß-öø-ÿĀ-ɏḀ-ỿά-ώа-яё"
_L = _LU + _LL
_S = r"[ \t]{1,3}"
_S0 = r"[ \t]{0,3}"  # (not "{_S}?": a lazy {1,3})
# between an address's lines: a comma or a line break (a quote's ">" after it)
# (blanks before a comma too: "Puerta 7 , Toledo")
_SEP = r"(?:[ \t]{0,2},[ \t]*|[ \t]*\r?\n[ \t>]*)"
# a capitalised word of a name ("Malin", "Saint-Jean", "O'Neil", "KIRKCALDY")
_NAME = rf"[{_LU}][{_L}'’]*(?:-[{_L}]+)*\.?"
_PARTICLE = (
    r"(?:de|del|dei|della|di|do|da|dos|das|du|des|la|le|las|los|van|von|der|den|y|e|San|Santa"
    r"|São)\b"
)
_NAMES = rf"{_NAME}(?:{_S}(?:{_NAME}|{_PARTICLE})){{0,3}}"
# a house number: "12", "12a", "12/4", "4/2/7", "15-17", "12 bis"
_N = r"(?:[0-9]{1,5}(?:bis|ter|[a-zA-Z])?(?:[/-][0-9]{1,4}[a-zA-Z]?){0,2}|S/N\b)"
# street-type words written after the street's name, as words of their own, any case: the
# suffixes of USPS Publication 28 (appendix C1), Australia's AS 4590 and the UK's and India's
# common ones
_AFTER_WORDS = (  # noqa: SIM905 (a paragraph of words reads better than a list)
    "street streets st road roads rd avenue ave av boulevard blvd lane ln drive drives dr court"
    " courts ct place pl square squares sq way ways terrace tce parkway pkwy circle circles cir"
    " highway hwy trail trl alley row crescent cres close mews gardens garden grove groves walk"
    " walks hill hills parade esplanade park parks lawn rise quay wharf marg nagar colony layout"
    " chowk vihar enclave bagh ganj annex arcade bayou beach bend bluff bluffs bottom branch"
    " bridge brook brooks burg burgs bypass camp canyon cape causeway center centers centre cliff"
    " cliffs club common commons corner corners course cove coves creek crest crossing crossroad"
    " crossroads curve dale dam divide estate estates expressway extension extensions falls fall"
    " ferry field fields flat flats ford fords forest forge forges fork forks fort freeway gateway"
    " glen glens green greens harbor harbors harbour haven heights hollow inlet island islands"
    " isle junction junctions key keys knoll knolls lake lakes landing light lights loaf lock"
    " locks lodge loop mall manor manors meadow meadows mill mills mission motorway mount"
    " mountain mountains neck orchard oval overpass passage path pike pine pines plain plains"
    " plaza point points port ports prairie radial ramp ranch rapid rapids rest ridge ridges"
    " river route run shoal shoals shore shores skyway spring springs spur spurs station"
    " stravenue stream summit throughway trace track trafficway tunnel turnpike underpass union"
    " unions valley valleys viaduct view views village villages ville vista wall well wells"
    " circuit laneway promenade retreat ramble nook subway cul-de-sac bank approach broadway"
    # (AS 4590's and USPS's that were missing; India's district "zila")
    " pass courtyard concourse fairway grange glade vale wynd strand pathway walkway driveway"
    " boardwalk zila"
).split()
# (a plural too: "Aguilar Parkways", as USPS lists some)
_TYPE_AFTER = rf"(?i:{'|'.join(sorted(_AFTER_WORDS, key=lambda w: (-len(w), w)))})s?\b\.?"
# a street after words that introduce one, its type word in lower case: "lives at 61 Allen
# harbors", "at 902 Lynne mall" (the context form, patterns.IN_CONTEXT, took "61 Allen" alone
# and left the type word: the address dev set's one-line streets, seed 301)
# (a unit or a house's label first, maybe a building's number before it and no street
# number after: "58494 Flat 0 Lucy haven", "H.No. 49 Balasubramanian Road", "Level 2 2
# Montes Laneway"; a number with a slash or a comma: "50/15, Rama Street")
_TYPED_NUM = r"[0-9]{1,5}(?:/[0-9]{1,4})?[a-zA-Z]?,?"
_TYPED_UNIT = (
    r"(?i:flat|studio|unit|apt\.?|apartment|level|suite|h\.[ \t]?no\.?)[ \t]*[0-9]{1,4}[A-Za-z]?,?"
)
STREET_TYPED = (
    rf"(?:[0-9]{{1,6}}{_S})?(?:{_TYPED_UNIT}{_S}(?:{_TYPED_NUM}{_S})?|{_TYPED_NUM}{_S})"
    rf"[{_LU}][{_LL}]+(?:{_S}[{_LU}][{_LL}]+){{0,3}}{_S}{_TYPE_AFTER}"
)
# ... and the ones written after the name but before the number, as words of their own
# (Hungarian, Czech, Danish, Finnish, German: "Kossuth Lajos utca 12.", "Grenå Allé 42")
_MID_WORDS = (  # noqa: SIM905
    "utca út u. tér körút krt. köz sétány náměstí nám. třída nábřeží ulice allé vej gade"
    " bulevardi katu tie kuja polku väylä rinne kaari raitti straße strasse str. weg allee platz"
    " gasse ring"
).split()
_TYPE_MID = (
    rf"(?i:{'|'.join(re.escape(w) for w in sorted(_MID_WORDS, key=lambda w: (-len(w), w)))})"
)
# street-type words before the street's name (French, Spanish and Mexican, Italian (ISTAT's
# DUG), Portuguese and Brazilian (Correios' tipos de logradouro), Polish), any case
_BEFORE_WORDS = (  # noqa: SIM905
    "rue avenue boulevard chemin impasse allée place quai route rua travessa estrada alameda"
    " calle avenida plaza paseo camino carrer ronda travesía viale piazza corso vicolo largo"
    " piazzale strada praça calzada via cañada cuesta rambla pasaje glorieta callejón"
    " urbanización bulevar carretera vía privada circuito diagonal periférico cerrada retorno"
    " andador contrada rotonda incrocio canale borgo località lungomare salita traversa trecho"
    " lagoa parque chácara condomínio vale viaduto conjunto quadra setor rodovia ladeira beco"
    " vila ulica aleja plac osiedle rondo pasadizo prolongación viaducto stretto sítio"
    " loteamento"
    # (Spain's INE types of way and Brazil's Correios' that were missing)
    " acceso vial bajada subida senda aeroporto colônia distrito esplanada estação fazenda"
    " jardim morro núcleo passarela pátio recanto residencial trevo vereda viela lago favela feira"
    " campo"
    # (Mexico's INEGI types of road that were missing)
    " ampliación circunvalación continuación corredor peatonal"
).split()
_BEFORE_ABBR = ["av.", "av", "avda.", "blvd.", "bd", "c/", "c.", "ul.", "al.", "pl.", "os.", "r."]
_TYPE_BEFORE = (
    rf"(?i:{'|'.join(sorted(_BEFORE_WORDS, key=lambda w: (-len(w), w)))}"
    rf"|{'|'.join(re.escape(w) for w in sorted(_BEFORE_ABBR, key=lambda w: (-len(w), w)))})"
)
# compound street names: the type is the word's end ("Hauptstraße", "Kirkevej", "Storgatan",
# "Leviboulevard")
_SUFFIX_WORDS = (  # noqa: SIM905
    "straße strasse str. weg gasse allee platz ring damm ufer chaussee steig pfad straat laan"
    " plein gracht kade singel dijk boulevard pad hof steeg dreef markt gatan vägen gränd torget"
    " stigen backen veien vegen gata gate gaten stien plassen vej gade allé alléen stræde torv"
    " vænget parken katu tie kuja polku tori väylä rinne bulevardi utca útja baan lei"
).split()
_SUFFIX = (
    rf"(?:{'|'.join(re.escape(w) for w in sorted(_SUFFIX_WORDS, key=lambda w: (-len(w), w)))})"
)
_STREET = (
    r"(?:"
    # "68 Malin Gardens", "12, MG Road", "221B N Baker Street" ("86/579\nPathak Chowk": the
    # number on a line of its own, as India's)
    rf"{_N}(?:,?{_S}|{_SEP})(?:[NSEW]{{1,2}}\.?{_S})?{_NAMES}{_S}{_TYPE_AFTER}"
    # "12 bis, rue de la Paix", "3120, rue Sainte-Catherine"
    rf"|{_N}(?:{_S}(?:bis|ter))?,?{_S}{_TYPE_BEFORE}{_S}(?:(?:{_PARTICLE}){_S}|[dl]['’])*{_NAMES}"
    # "Calle Mayor, 5", "Via dei Fiorentini 17", "ul. Miła 12/4", "Avenida Moki No. 896"
    rf"|{_TYPE_BEFORE}{_S}(?:(?:{_PARTICLE}){_S}|[dl]['’])*{_NAMES},?{_S}"
    rf"(?:(?i:no\.?|nº|n°|#){_S0}|#)?{_N}"
    # "Hauptstraße 5", "Kirkevej 12, 2. tv.", "Bahnhofer Straße 4"
    # ("Tom-Kühnert-Weg 2", "H.-Dieter-Faust-Straße 8": any case at the end)
    rf"|[{_LU}][{_L}.-]*(?i:{_SUFFIX}){_S}{_N}"
    # "Kossuth Lajos utca 12.", "Václavské náměstí 1", "Grenå Allé 42", "Petőfi sándor utca 3."
    rf"|{_NAME}(?:{_S}(?:{_NAME}|[{_LL}]+)){{0,3}}{_S}{_TYPE_MID}{_S}{_N}\.?"
    # "1-2-3 Ginza" (a Japanese block number), "House No. 12", "Plot No. 33", "Flat 12A"
    rf"|[0-9]{{1,2}}-[0-9]{{1,3}}-[0-9]{{1,3}}{_S}{_NAME}"
    rf"|(?:House|H\.|Plot|Door|Flat)(?:{_S0}No\.?)?{_S}[0-9]{{1,4}}[A-Za-z]?"
    # a flat's number, then a street or building without one: "Flat 95E, Connor Vista",
    # "Studio 28\nJudith Pass" (the UK's flats)
    rf"|(?i:flat|studio|apartment){_S}[0-9]{{1,4}}[A-Za-z]?{_SEP}{_NAME}(?:{_S}{_NAME}){{0,2}}"
    rf"{_S}{_TYPE_AFTER}"
    # a post box: "P.O. Box 149", "PO Box 5167"
    rf"|(?i:p\.?[ \t]?o\.?[ \t]?box){_S}[0-9]{{1,6}}"
    r")"
)
# what may follow on the street's line: a unit or floor ("Apt 5", "2º A", "2. tv.", "A 5",
# "bus 3", "lgh 1102", "- Bloco B", "Sala 12")
_UNIT = (
    rf"(?:{_S0},?{_S}(?:(?i:apt|apartment|suite|ste|unit|flat|apto|sala|bus|lgh|as|bloco|interior"
    rf"|int|interno|appartamento|edif|depto|puerta|piso|piano|scala|#)\.?{_S0}"
    rf"#?[A-Za-z0-9]{{1,5}}(?:-[0-9]{{1,4}})?|[0-9]{{1,2}}[ºª.]{_S0}(?:[A-Za-z]{{1,4}}\.?)?"
    rf"|[A-H](?:{_S}[0-9]{{1,3}})?\b|[IVX]{{1,4}}/[0-9]{{1,3}}\.?|R/C|st\.|-{_S}(?i:bloco){_S}[A-Z]"
    rf"|[0-9]{{1,2}}e{_S}étage"
    # (Mexico's interior number after the street's: "Diagonal México 122 330")
    rf"|[0-9]{{3}}\b))"
)
# a unit or a building's name on a line before the street ("Flat 8, ", "Unit 4\n", "Apt
# 312-", "Rose House\n")
_BEFORE = (
    rf"(?:(?:(?i:flat|apt|apartment|unit|suite|studio|level)\.?{_S}[0-9]{{1,4}}[A-Za-z]?|{_NAME}{_S}House"
    # "Bâtiment C, 3e étage", "Dorvenmil Building 2F"
    rf"|(?:Bâtiment|Bât\.|Résidence){_S}[A-Z0-9]{{1,3}}(?:,{_S}[0-9]{{1,2}}e{_S}étage)?"
    rf"|{_NAME}{_S}Building{_S}[0-9]{{1,2}}F){_SEP}|(?i:apt|suite|unit){_S}[0-9]{{1,4}}-"
    # (a unit and the street's number without a comma: "Flat 14 10 Holland Subway")
    rf"|(?i:flat|apt|unit|suite)\.?{_S}[0-9]{{1,4}}[A-Za-z]?{_S})?"
)
# a town: "Vila-real", "Pont-à-Celles", "Neustadt/Nord", "Guardamar del Segura", "LYON"
_TOWN_WORD = rf"[{_LU}][{_L}'’.]*(?:[-/][{_L}'’]+)*"
# (the particles of towns' names: "Bruck an der Leitha", "Gerasdorf bei Wien", "Kostelec nad
# Labem", "Rožnov pod Radhoštěm", "Boulogne-sur-Mer" written apart)
_TOWN_PARTICLE = rf"(?:{_PARTICLE}|an|am|im|bei|ob|nad|pod|na|u|sur|sous|lès|les|en|aan|op)\b"
_TOWN = rf"{_TOWN_WORD}(?:[ \t](?:{_TOWN_WORD}|{_TOWN_PARTICLE})){{0,4}}"
# a town after its postcode, whose later words open with no "Att": a notice's label after the
# block is no town's ("92150 Suresnes Attn. Thibault De Tersant" took the addressee into the
# address, CUAD, so the contracts pack's "Attn." name was lost in it)
_NOT_T = _L.replace("A-Z", "A-SU-Z").replace("a-z", "a-su-z")
_TOWN_LATER = rf"(?:[{_LU.replace('A-Z', 'B-Z')}]|A(?:[{_NOT_T}'’.]|[tT][{_NOT_T}'’.]))"
_TOWN_AFTER_PC = rf"{_TOWN_WORD}(?:[ \t](?:{_TOWN_LATER}[{_L}'’.]*(?:[-/][{_L}'’]+)*|A\b|{_TOWN_PARTICLE})){{0,4}}"
# a short line between the street and the postcode's: a district, a town, a county, a unit
_MID = (
    rf"(?:{_NAMES}|nan\b|(?i:apt|apartment|suite|unit|flat|sala|edif|depto|interior)\.?{_S}#?[0-9A-Za-z-]{{1,6}}"
    rf"|(?:Co|Col|Near|BP)\.?{_S}{_NAMES}|BP{_S}[0-9]{{2,5}}|[{_LU}][{_L}]*-(?:ku|shi|cho|gun)"
    # a town and its state's code before the postcode's own line: "Campinas - SP"
    rf"|{_TOWN}{_S}-{_S}[A-Z]{{2}}"
    # a sector or block of a town: "Sector 28", "Block 4"
    rf"|{_NAME}{_S}[0-9]{{1,4}}[A-Z]?)"
)
# postcodes written before the town: DE/FR/ES/IT/MX/FI 5 digits, AT/CH/BE/DK/NO/HU 4, PL
# "00-950", SE/CZ/SK "114 55", NL "1011 AB", PT "1000-001" (a country's letters before it:
# "D-10115", "CH-8001")
_ZIP_BEFORE = (
    r"(?:[A-Z]{1,2}-)?(?:[0-9]{4}[ \t][A-Z]{2}|[0-9]{4}-[0-9]{3}|[0-9]{2}-[0-9]{3}"
    r"|[0-9]{3}[ \t][0-9]{2}|[0-9]{5}-?[0-9]{3}|[0-9]{4}[A-Z]{2}|[0-9]{4,5})"
)
_UK = r"[A-Z]{1,2}[0-9][A-Z0-9]?[ \t][0-9][A-Z]{2}\b"
_CA = r"[A-Z][0-9][A-Z][ \t]?[0-9][A-Z][0-9]"
_IE = r"[AC-FHKNPRTV-Y][0-9]{2}[ \t]?[AC-FHKNPRTV-Y0-9]{4}\b"
# a town of one to three capitalised words (cheaper than _TOWN, where blanks alone end a street)
_TOWN1 = rf"[{_LU}][{_L}'’-]+(?:[ \t][{_LU}][{_L}'’-]+){{0,2}}"
# a postcode after such a town: the UK's, five digits, four that are no year
_PC1 = r"(?:[A-Z]{1,2}[0-9][A-Z0-9]?[ \t][0-9][A-Z]{2}|[0-9]{5}|(?:[A-Z]-)?(?:[03-9][0-9]|1[0-8]|2[1-9])[0-9]{2})\b"
# the postcodes with letters, for patterns.py's blocks too
POSTCODE_LETTERS = rf"(?:{_UK}|{_CA}|{_IE})"
# postcodes written after the town: US "12345-6789", IN "411001" / "411 001", BR "01310-100",
# JP "100-0001", AU/NZ 4 digits, UK, CA, IE
# (and after a country's name, as some forms write it: PT "Portugal 3451-424", HU "H-1810",
# CZ "Czech Republic 247 35")
_ZIP_AFTER = (
    rf"(?:{_UK}|{_CA}|{_IE}|[0-9]{{5}}-[0-9]{{3,4}}|[0-9]{{2,4}}-[0-9]{{3,4}}|[0-9]{{3}}[ \t]?[0-9]{{3}}"
    r"|[0-9]{3}[ \t][0-9]{2}\b|(?:[A-Z]-)?[0-9]{4,5})"
)
# the postcode's line: postcode and town, town and postcode (maybe a state's code, "(Québec)"
# or "- SP" between), or a postcode alone; or a town and a country without one
_REGION = rf"(?:{_S}(?:[A-Z]{{2,4}}|\([{_LU}][{_LL}]+\))|{_S0}-{_S}[A-Z]{{2}})"
_ZIP_LINE = (
    # ("38020, Cloz (TN)", "82462819 Novais da Serra / AM", "7390DO\nBenningbroek")
    # (a town may start with a particle: "78657975 da Cruz da Serra / RR")
    rf"(?:{_ZIP_BEFORE}(?:,?{_S}|{_SEP})(?:(?:da|do|das|dos|de){_S})?{_TOWN_AFTER_PC}(?:{_S}\([A-Z]{{2}}\)|{_S}[0-9]{{1,2}}\b"
    rf"|{_S}/{_S}[A-Z]{{2}}\b)?"
    rf"|{_TOWN},?{_REGION}?(?:,?{_S}|{_S0}[-–]{_S0}){_ZIP_AFTER}"
    # (a postcode alone: one with letters or a hyphen, or digits that end their line, not
    # "c. January 1, 2019")
    rf"|(?:{_UK}|{_CA}|{_IE}|[0-9]{{5}}-[0-9]{{3,4}}|[0-9]{{3}}-[0-9]{{4}})|[0-9]{{4,6}}(?m:$)"
    # (Israel's seven digits: "Yehud 5621717, Israel", "Yavne, Israel 8122745", CUAD)
    rf"|{_TOWN},?{_S}[0-9]{{7}}{_SEP}(?:Israel|ISRAEL)\b"
    rf"|{_TOWN}{_SEP}(?:Israel|ISRAEL),?{_S}[0-9]{{7}}\b"
    rf"|{_TOWN}{_SEP}{COUNTRY})"
)


def _regions() -> str:
    """The subdivisions of curate/rules/data/regions.txt as one alternation, longest first."""
    import re
    from importlib import resources

    text = (resources.files("curate.rules") / "data" / "regions.txt").read_text("utf-8")
    names = [n for n in text.splitlines() if n and not n.startswith("#")]
    return "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))


# after it: a state's name (regions.txt), a country (not any word on the next line: "10115
# Berlin\nDanke")
_LAST = rf"(?:{_SEP}(?:{_regions()})\b)?(?:{_SEP}{COUNTRY}(?:,?{_S}{_ZIP_AFTER}\b)?)?"
# a unit on its own before a street line (patterns.py's block of lines: "Unit 4, 12 Wattle
# Crescent\nDUBBO NSW 2830")
# (or a blank: Australia's "Unit 04 4 Jason Link", the street line starting with its number)
UNIT_BEFORE = (
    r"(?:\b(?i:flat|apt|apartment|unit|suite)\.?[ \t]?[0-9]{1,4}[A-Za-z]?"
    r"(?:,[ \t]*|[ \t]*\r?\n[ \t>]*|[ \t]{1,3}))?"
)
# the town may come first (Hungarian letters: "1052 Budapest, Kossuth utca 12.", "Szeged\nKossuth
# utca 12.\n6720"), the postcode then before it or after the street
# (a town alone first only with the postcode alone on the line after the street: a name's
# line before a street is no town)
_TOWN_FIRST = (
    rf"(?:{_ZIP_BEFORE}{_S}{_TOWN}{_SEP}{_STREET}{_UNIT}{{0,2}}(?:{_SEP}{_ZIP_BEFORE}\b)?"
    rf"|{_TOWN}{_SEP}{_STREET}{_UNIT}{{0,2}}{_SEP}{_ZIP_BEFORE}(?m:$))(?:{_SEP}{COUNTRY})?"
)
# Two detectors in two passes, the town-first one before: one alternation of both overflowed
# Rust's lazy DFA (PhysioNet notes: 0.98 s CPU for this pass, 0.28 s as two; the same finds on
# both public sets and the address dev set, since a town-first block starts before its street)
# (no "\b" before them but BLOCK_INTL_BEFORE: the engine's word boundary is ASCII's, and
# none is before a capital beyond ASCII at a text's start: "Ängsvägen 74, ...", "Šůrova 35")
BLOCK_INTL_BEFORE = rf"(?:^|[^0-9_{_L}'’-])"
BLOCK_INTL_TOWN = rf"(?:{_TOWN_FIRST})"
# a postcode before its town that is no year ("Version 2, 2019 Edition")
_ZIP_NOT_YEAR = (
    r"(?:[A-Z]{1,2}-)?(?:[0-9]{4}[ \t][A-Z]{2}|[0-9]{4}-[0-9]{3}|[0-9]{2}-[0-9]{3}"
    r"|[0-9]{3}[ \t][0-9]{2}|[0-9]{5}-?[0-9]{3}|[0-9]{4}[A-Z]{2}|[0-9]{5}|(?:[02-9][0-9]|1[0-8])[0-9]{2})"
)
# ... and after a blank on the street's line, no year of this century or the last either
_ZIP_BLANK = (
    r"(?:[A-Z]{1,2}-)?(?:[0-9]{4}[ \t]?[A-Z]{2}|[0-9]{4}-[0-9]{3}|[0-9]{2}-[0-9]{3}"
    r"|[0-9]{3}[ \t][0-9]{2}|[0-9]{5}-?[0-9]{3}|[0-9]{5}|(?:[03-9][0-9]|1[0-8]|2[1-9])[0-9]{2})"
)
BLOCK_INTL_STREET = (
    # (a building's number may come before the street line: "638 2229 Wolmarans St", "760
    # Passauer Strasse 33")
    rf"(?:{_BEFORE}(?:[0-9]{{1,6}}{_S})?{_STREET}{_UNIT}{{0,2}}"
    rf"(?:(?:{_SEP}{_MID}){{0,2}}{_SEP}{_ZIP_LINE}{_LAST}|{_SEP}{_ZIP_BEFORE}(?m:$)"
    # (one line, blanks only: the town and its postcode, or a country: "Krieglweg 470
    # Frohnleiten Austria", "rue de Bègue 23 Pintoboeuf 86221"; no year as the postcode)
    rf"|{_S}{_TOWN1}(?:{_S}{_PC1}(?:{_S}{COUNTRY})?|{_S}{COUNTRY}(?:{_S}{_PC1})?)"
    # (Ireland's Eircode after the street without a comma: "01 McElroe Street Y83 DXXD Dara
    # Ville")
    rf"|{_S}{_IE}(?:{_S}{_TOWN})?"
    # (a contract's one-line block, blanks only: "Via Degli Artigiani, 7 41036 Medolla (MO)
    # Italy"; no year as the postcode: "Section 5 2019 Report")
    rf"|{_S}{_ZIP_BLANK}{_S}{_TOWN_AFTER_PC}(?:{_S}\([A-Z]{{2}}\))?(?:,?{_S}{COUNTRY})?{_LAST})"
    # a street without a number, then the postcode and town: "rue Rey\n7091 Wicht",
    # "chemin de Courvoisier, 8280 Polla", "Lagoa de Moura\nSanta Inês\n74911-862 Cassiano"
    rf"|{_TYPE_BEFORE}{_S}(?:(?:{_PARTICLE}){_S}|[dl]['’])*{_NAMES}(?:{_SEP}{_MID})?{_SEP}"
    rf"{_ZIP_NOT_YEAR}{_S}{_TOWN}(?:{_S}/{_S}[A-Z]{{2}}\b|{_S}\([A-Z]{{2}}\))?{_LAST})"
)
# A street without a street-type word, its number, then the postcode before the town: "Na
# Šubě 865, 575 43 Skuteč", "Moemyra 4, 9960 Danielsjøen", "Kibertonova 153/39\n315 22
# Rožnov pod Radhoštěm" (Czech, Slovak, Nordic streets are named so). Any words and a number
# say nothing alone: the postcode's line after them (no year), words written in lower case
# after a capital (not a note's "BP 120/80, 1200 Pts"), check "street" (not "Room 12, ...")
# and the town ending its line or sentence (after: BLOCK_PLAIN_AFTER).
_PLAIN = rf"[{_LU}][{_LL}][{_L}'’-]*"
# (a type word before it in lower case, which the street-first pass after this one would have
# taken: "aleja Majowa 18, 13-375 Śrem"; a Czech preposition: "U Mlýnského Rybníka 786")
# (a building's number before it: "88017 Paffrathgasse 56\n61773 Lippstadt"; units after
# it; the town's line then a postcode whose form says it is one, or a country's line:
# "Zaciszna 366\nOstrowiec Świętokrzyski, 09-441", "Loessteeg 201\nHeerenveen\n3067HK",
# "Backgatan 363\n Luleå\n nan\n Sweden 98018")
_PLAIN_STREET = (
    rf"(?:[0-9]{{1,6}}{_S})?(?:{_TYPE_BEFORE}{_S}(?:(?:{_PARTICLE}){_S}|[dl]['’])*|[{_LU}]{_S})?"
    rf"{_PLAIN}(?:{_S}(?:{_PLAIN}|{_PARTICLE})){{0,3}}{_S}{_N}{_UNIT}{{0,2}}"
)
_ZIP_FORMED = (
    r"(?:[0-9]{3}[ \t][0-9]{2}|[0-9]{4}[ \t]?[A-Z]{2}|[0-9]{2}-[0-9]{3}|[0-9]{4,5}-[0-9]{3,4}"
    r"|[A-Z]-[0-9]{4})\b"
)
BLOCK_PLAIN = (
    rf"{_PLAIN_STREET}{_SEP}(?:{_ZIP_NOT_YEAR}{_S}"
    rf"{_PLAIN}(?:[ \t](?:{_PLAIN}|{_TOWN_PARTICLE})){{0,3}}{_LAST}"
    rf"|{_TOWN}(?:,?{_S}|{_SEP}){_ZIP_FORMED}{_LAST}"
    rf"|{_TOWN}{_SEP}(?:nan{_SEP})?{COUNTRY}(?:,?{_S}{_ZIP_AFTER}\b)?)"
)
# (or a preposition: "..., Germany in March", "..., Switzerland within 30 days")
BLOCK_PLAIN_AFTER = (
    r"(?:$|[ \t]*(?:$|[\r\n,;!?)]|\.(?:$|\s))"
    r"|[ \t]+(?:in|and|for|to|on|at|from|with|within|where|which|since|until|or|by)\b)"
)
# its texts: a number, a comma or a line break, a postcode, a blank and a capital
# (a letter before the number, the town's second letter no capital: a note's "at 2100, 0500
# HR" is none)
# (the number may have up to three units after it, "7 Suite 4": any text but a line's end or
# a comma, 40 characters at most)
_GATE_ZIP = r"(?:[A-Z]{1,2}-)?[0-9][0-9 -]{2,6}(?:[A-Z]{2})?[ \t][^ \t0-9a-z][^ \t0-9A-Z]"
_GATE_TAIL = (
    r"(?:[0-9]{3} [0-9]{2}|[0-9]{4} ?[A-Z]{2}|[0-9]{2}-[0-9]{3}"
    r"|[0-9]{4,5}-[0-9]{3,4}|[A-Z]-[0-9]{4}"
    rf"|(?:nan(?:,[ \t]*|[ \t]*\r?\n[ \t>]*))?{COUNTRY})"
)
BLOCK_PLAIN_GATE = (
    r"(?:[^\W\d_]|['’.-])[ \t]{1,3}(?:[0-9][^\n,]{0,40}|S/N)"
    rf"(?:[ \t]{{0,2}},[ \t]*|[ \t]*\r?\n[ \t>]*){_GATE_ZIP}"
    # (the town's line first, then a postcode whose form says it is one, or a country)
    r"|[^\W\d_][ \t]{1,3}[0-9][^\n,]{0,40}(?:[ \t]{0,2},[ \t]*|[ \t]*\r?\n[ \t>]*)[A-Z]"
    rf"[^\n]*(?:,[ \t]*|[ \t]*\r?\n[ \t>]*){_GATE_TAIL}"
)
# India's block without a street's word: a house's number, a locality or two, the town and
# its six-digit PIN ("52, Dada, Allahabad 423667", "92\nAurora\nAllahabad 339075",
# "307, Gopal, Ichalkaranji-268599"); a PIN's first digit is 1-8
# (a house's or plot's word before the number: "H.No. 237", "Plot No. 180"; a state after)
BLOCK_PIN = (
    rf"(?:(?:House|H\.|Plot|Door|Flat)(?:{_S0}No\.?)?{_S0})?{_N}{_SEP}(?:{_MID}{_SEP}){{1,3}}"
    rf"{_TOWN}(?:{_S}|{_S0}-{_S0})[1-8][0-9]{{2}}[ \t]?[0-9]{{3}}\b{_LAST}"
)
# (its gate: a number, a comma or line break, a capital, later a PIN)
BLOCK_PIN_GATE = r"[0-9](?:,[ \t]*|[ \t]*\r?\n[ \t>]*)[A-Z](?s:.)*[1-8][0-9]{2}[ \t]?[0-9]{3}"
# Each of these gates' parts, without what any text holds ("[^\n,]{0,40}", "(?s:.)*"): a
# part's texts all hold its screen, so the screens join the gates' prefilter (gates.py) and
# the parts search only the texts it passes (alone, the parts cost 2.5 us per ticket)
# (the last piece of each, from the comma or line break on; "[0-9][ \t]*" and "[ \t>\n]*"
# where the PIN's gate has "[0-9]" and "(?:,[ \t]*|[ \t]*\r?\n[ \t>]*)")
BLOCK_GATE_SCREENS = (
    rf"[,\n][ \t>]*{_GATE_ZIP}",
    rf"[,\n][ \t>]*{_GATE_TAIL}",
    r"[0-9][ \t]*[,\r\n][ \t>\n]*[A-Z]",
)
# not the first digits of a longer number ("Lyon 2" is a district; "12345 678" a phone's)
BLOCK_INTL_AFTER = r"(?:$|[^0-9])"


def _gate() -> str:
    """The texts the street forms read (this block's and patterns.py's others), folded: a
    type word after a blank and before a comma or line end ("... Road,"), before a blank
    ("rue "), or before a number ("straße 5"): the words alone are in most English texts."""

    def alt(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))

    # (not the two-letter ones but these: "ln," "pl," "sq," are in ordinary texts)
    after = [w for w in _AFTER_WORDS if len(w) > 2 or w in ("st", "rd", "dr")]
    # ("r. " after a blank: not "Mr. ", "Dr. ")
    spaced = ["r.", "av"]  # (or at a text's start)
    return (
        rf" (?:{alt(after)})s?[,\n]"
        # (a word's start before them, as in every form that reads them, and a blank after: not
        # "abd " or "replace." in a clinical note, which let half of PhysioNet's notes through)
        rf"|(?:^|[^a-z0-9_])(?:{alt([*_BEFORE_WORDS, 'bd', 'avda'])})[ \t]"
        rf"|(?:^| )(?:{alt(spaced)})[ \t]"
        rf"|(?:^|[^a-z0-9_])(?:{alt([a for a in _BEFORE_ABBR if a not in [*spaced, 'c.']])})[ \t]"
        # (Spain's "C. de ...": "c. " alone is in many texts)
        r"|(?:^| )c\. del? "
        rf"|(?:{alt([*_SUFFIX_WORDS, *_MID_WORDS])})[ \t]+[0-9]"
        r"|-(?:ku|shi|cho|gun)(?:,|[ \t]*\r?\n)|(?:house|plot|door) ?no|h\.no|flat [0-9]"
        r"|o\.? ?box [0-9]"
        # (an Eircode after the street's word: "01 McElroe Street Y83 DXXD")
        rf"| (?:{alt(after)})s? [ac-fhknprtv-y][0-9]{{2}}"
    )


# the texts the street forms read (folded; one gate for all: in two passes, two gates cost 2x)
BLOCK_INTL_GATE = _gate()
