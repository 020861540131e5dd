"""Products after their brand: a census name right after a brand word names the product.

Support chats name products by brand and model: "a Panasonic Viera TV", "open Adobe Bridge",
"Sony Xperia", "Samsung Galaxy Note". The model word is often a census name (Viera, Bridge,
Galaxy), so the census pass made "Panasonic [PERSON]" or "[PERSON]" of the pair; a brand
never introduces a person's name the way a greeting does. So a census name whose word before it
(in the same find: the census pattern takes one capitalised word before a listed one) is a
brand is text. The brands: those of not_person.toml and the device and software makers below,
less any census name ("Chase", "Morgan", "Ford" may open a person's name).
"""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from curate.rules.pii.engine import PiiEngine

# makers of devices, consoles, software and services named before a model in support chats
# (no census names, so not in not_person.toml's brands)
MAKERS = frozenset(
    ["Panasonic", "Toshiba", "Vizio", "Hisense", "Huawei", "Xiaomi", "Oppo",
     "OnePlus", "Asus", "Acer", "Alienware", "Razer", "Corsair", "Sonos", "Bose", "Beats",
     "Arlo", "Netgear", "Linksys", "Belkin", "Sandisk", "SanDisk", "Seagate", "Nvidia", "Radeon", "Ubuntu", "Linux", "Debian", "Fedora", "Android",
     "Chromecast", "Firestick", "PlayStation", "Playstation", "Hulu", "Pandora",
     "Dropbox", "Trello", "Photoshop", "Lightroom", "Acrobat", "Illustrator", "InDesign",
     "Premiere", "PowerPoint", "OneDrive", "Windows", "Kia",
     "Volkswagen", "Audi", "Volvo", "Peugeot", "Renault", "Fiat", "Vauxhall", "Skoda"]
)  # fmt: skip
# brands that are given names or surnames too, missing from the census lists (which leave
# out words): "Chase Smith", "Wells Lee" may be persons
NAMES_TOO = frozenset(
    ["Chase", "Wells", "Morgan", "Stanley", "Lilly", "Wendy", "Dell", "Ford", "Johnson",
     "Lowe", "Hilton", "Norton", "Virgin", "Delta", "Baxter", "Abbott", "Merck", "Fargo",
     "Boots", "Staples", "Progressive", "Nationwide", "Sprint", "Anthem", "Domino", "Visa"]
)  # fmt: skip


@functools.cache
def _toml() -> dict[str, list[str]]:
    text = (resources.files("curate.rules") / "data" / "not_person.toml").read_text("utf-8")
    return tomllib.loads(text)


@functools.cache
def _toml_brands() -> frozenset[str]:
    return frozenset(_toml()["brands"])


@functools.cache
def short_products() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """A product's last word used alone ("give the Rush devs your feedback" for Premiere
    Rush), with what in a record names its maker: the product's full name or a handle holding
    its first word ("@AdobePremiere"). From not_person.toml's two-word products whose last word
    is a census surname and no given name, and whose first word is no census name (not
    "Trader Joe", "Calvin Klein": "Joe", "Klein" alone may well be persons). terms.py counts
    the word a role of a record that names the maker (a customer named Rush writing about
    Premiere Rush is the price)."""
    from curate.rules.pii import words

    w = words.load()
    out = []
    for product in _toml()["products"]:
        parts = product.split()
        if len(parts) != 2:
            continue
        first, last = parts
        if last in w.first_names or last not in w.last_names:
            continue
        if first in w.first_names or first in w.last_names:
            continue
        cue = re.compile(rf"(?i)\b{re.escape(product)}\b|@\w*{re.escape(first)}")
        out.append((last, cue))
    return tuple(out)


def brands(engine: PiiEngine) -> frozenset[str]:
    """The brand words before which a census name is a product: no census name themselves
    ("Chase Smith", "Morgan Lee", "Ford Madox" are persons)."""
    return _no_census(_toml_brands() | MAKERS, engine.words.first_names, engine.words.last_names)


@functools.cache
def _no_census(
    words: frozenset[str], first: frozenset[str], last: frozenset[str]
) -> frozenset[str]:
    return frozenset(w for w in words - NAMES_TOO if w not in first and w not in last)


def after_brand(tokens: list[str], first_listed: int, engine: PiiEngine) -> bool:
    """The first census name of a find (index ``first_listed`` of its ``tokens``) follows a
    brand word: "Panasonic Viera", "Adobe Bridge" are products."""
    if first_listed == 0:
        return False
    word = tokens[first_listed - 1].strip(".,:;")
    return word in brands(engine)
