"""What a find is replaced with in the ``pseudonym`` and ``surrogate`` styles: one entity per
person (or value) within a record, whatever way the record writes it.

``Entities`` groups a record's finds: values of a type equal up to case and blanks are one
entity, and a person's mentions whose name tokens are a part of one another's ("John Smith",
"Smith", "JOHN", "Mr Smith's") are one person, so a speaker's label and the body of a turn get
the same number or the same fake name. ``pseudonym`` writes ``[TYPE_n]``; ``surrogate`` writes
a realistic stand-in: a fake name from the shipped census lists (token by token, in the
original's case, so "John" and "John Smith" stay the same person), dates moved by one offset
per record (intervals survive), digits and letters of numbers redrawn in the same shape. The
draws are deterministic: a seed and the record's own found values (never its batch or position).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import random
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, field

_TOKEN = re.compile(r"[^\s,]+")
_POSSESSIVE = ("'s", "’s")


def name_tokens(value: str) -> list[str]:
    """A name's tokens in lower case, without initials, possessives or punctuation."""
    out = []
    for t in _TOKEN.findall(value):
        t = t.strip(".:;()\"'“”").lower()
        for p in _POSSESSIVE:
            t = t.removesuffix(p)
        if len(t) > 1 and any(c.isalpha() for c in t):
            out.append(t)
    return out


@dataclass
class _Entity:
    type: str
    number: int
    tokens: set[str] = field(default_factory=set)
    fake: dict[str, str] = field(default_factory=dict)  # surrogate: token or value -> stand-in


class Entities:
    """The entities of one record, numbered per type in order of first mention."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], _Entity] = {}
        self.people: list[_Entity] = []
        self.count: dict[str, int] = {}

    def _new(self, type_: str) -> _Entity:
        self.count[type_] = self.count.get(type_, 0) + 1
        return _Entity(type_, self.count[type_])

    def of(self, type_: str, value: str) -> _Entity:
        key = (type_, " ".join(value.lower().split()))
        ent = self.by_key.get(key)
        if ent is not None:
            return ent
        if type_ == "person" and (tokens := set(name_tokens(value))):
            # the same person: one's tokens all among the other's ("Smith" in "John Smith")
            ent = next((e for e in self.people if tokens <= e.tokens or e.tokens <= tokens), None)
            if ent is None:
                ent = self._new(type_)
                self.people.append(ent)
            ent.tokens |= tokens
        else:
            ent = self._new(type_)
        self.by_key[key] = ent
        return ent


def record_rng(seed: int, found: Sequence[str]) -> random.Random:
    """A record's draws: from the seed and the record's found values, in order."""
    h = hashlib.blake2b(str(seed).encode(), digest_size=16)
    for v in found:
        h.update(v.encode())
        h.update(b"\x00")
    return random.Random(int.from_bytes(h.digest(), "big"))


def _in_case(fake: str, like: str) -> str:
    letters = [c for c in like if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 1:
        return fake.upper()
    if letters and all(c.islower() for c in letters):
        return fake.lower()
    return fake


def _reshape(value: str, rng: random.Random) -> str:
    """Digits and letters redrawn in the same shape: "A12-345 6789" -> "K80-917 2254"; a
    leading digit keeps being non-zero (it would read as a different kind of number)."""
    out = []
    for i, c in enumerate(value):
        if c.isdigit():
            lo = 1 if (i == 0 or not value[i - 1].isdigit()) and c != "0" else 0
            out.append(str(rng.randint(lo, 9)))
        elif c.isascii() and c.isalpha():
            letter = rng.choice(string.ascii_lowercase)
            out.append(letter.upper() if c.isupper() else letter)
        else:
            out.append(c)
    return "".join(out)


class Surrogates:
    """Fake values for one record (see the module docstring)."""

    def __init__(
        self,
        rng: random.Random,
        firsts: Sequence[str],
        lasts: Sequence[str],
        max_shift_days: int = 365,
    ) -> None:
        self.rng = rng
        self.firsts, self.lasts = firsts, lasts
        self.shift = dt.timedelta(days=rng.choice([-1, 1]) * rng.randint(1, max_shift_days))
        self.used: set[str] = set()

    def _draw(self, pool: Sequence[str], avoid: str) -> str:
        for _ in range(20):
            name = self.rng.choice(pool)
            if name.lower() != avoid and name not in self.used:
                break
        self.used.add(name)
        return name

    def person(self, ent: _Entity, value: str) -> str:
        """Each token of the name to its own stand-in, kept for the record: a given name (or
        the first of several tokens) to a fake given name, the last token to a fake surname."""
        words = list(_TOKEN.finditer(value))
        real = [w for w in words if len(name_tokens(w.group())) == 1]
        out, pos = [], 0
        for w in words:
            tok = w.group()
            out.append(value[pos : w.start()])
            pos = w.end()
            key = name_tokens(tok)
            if not key:  # an initial ("J."): another letter, the same one for the record
                letter = next((c for c in tok if c.isalpha()), "")
                if letter:
                    k = "initial:" + letter.upper()
                    if k not in ent.fake:
                        others = [c for c in string.ascii_uppercase if c != letter.upper()]
                        ent.fake[k] = self.rng.choice(others)
                    new = ent.fake[k]
                    tok = tok.replace(letter, new if letter.isupper() else new.lower(), 1)
                out.append(tok)
                continue
            low = key[0]
            if low not in ent.fake:
                given = (len(real) > 1 and w is not real[-1]) or (
                    len(real) == 1 and low.title() in self._first_set()
                )
                ent.fake[low] = self._draw(self.firsts if given else self.lasts, low)
            fake = ent.fake[low]
            suffix = next((p for p in _POSSESSIVE if tok.endswith(p)), "")
            core = tok[: len(tok) - len(suffix)] if suffix else tok
            lead = core[: len(core) - len(core.lstrip(".:;()\"'“”"))]
            trail = core[len(core.rstrip(".:;()\"'“”")) :]
            out.append(lead + _in_case(fake, core) + trail + suffix)
        out.append(value[pos:])
        return "".join(out)

    _firsts_set: frozenset[str] | None = None

    def _first_set(self) -> frozenset[str]:
        if self._firsts_set is None:
            self._firsts_set = frozenset(self.firsts)
        return self._firsts_set

    def value(self, type_: str, ent: _Entity, value: str) -> str | None:
        """The stand-in of a find of ``type_``; None where curate has none (a ``[TYPE]`` then)."""
        if type_ == "person":
            return self.person(ent, value)
        fake = ent.fake.get("")
        if fake is None:
            fake = self._new_value(type_, value)
            if fake is None:
                return None
            ent.fake[""] = fake
        return fake

    def _new_value(self, type_: str, value: str) -> str | None:
        rng = self.rng
        if type_ == "date":
            return shift_date(value, self.shift)
        if type_ == "email":
            first, last = self._draw(self.firsts, ""), self._draw(self.lasts, "")
            return f"{first}.{last}@example.com".lower()
        if type_ == "user":
            first = self._draw(self.firsts, "")
            return f"@{first}{rng.randint(10, 999)}"
        if type_ == "url":
            return f"https://example.com/{_reshape(value.rsplit('/', 1)[-1][:12], rng) or 'page'}"
        if type_ == "age":
            return "90"  # HIPAA Safe Harbor: ages over 89 are one category, "90 or older"
        if type_ == "ip":
            if ":" in value:
                return "2001:db8::" + "".join(rng.choice("0123456789abcdef") for _ in range(4))
            return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        if type_ == "address":
            words = value.split(" ")
            keep = {"street", "st", "avenue", "ave", "road", "rd", "drive", "dr", "lane", "ln"}
            out = []
            for w in words:
                if any(c.isdigit() for c in w):
                    out.append(_reshape(w, rng))
                elif w[:1].isupper() and w.strip(".,").lower() not in keep:
                    out.append(self._draw(self.lasts, w.lower()))
                else:
                    out.append(w)
            return " ".join(out)
        if type_ in _SHAPED:
            return _reshape(value, rng)
        return None


_SHAPED = frozenset(
    ["phone", "ssn", "card", "account", "mrn", "order", "license", "vehicle", "device", "zip"]
)

# ---- dates -------------------------------------------------------------------------------

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MON = r"(?P<mon>[A-Za-z]{3,9})\.?"
_DATE_FORMS = [
    re.compile(p)
    for p in (
        r"(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?P<rest>[T ].*)?",
        r"(?P<m>\d{1,2})(?P<s>[/.-])(?P<d>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})",
        r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})",
        r"(?P<m>\d{1,2})/(?P<y>\d{4})",
        r"(?P<m>\d{1,2})/(?P<d>\d{1,2})",
        rf"{_MON}[ \t]+(?P<d>\d{{1,2}})(?P<ord>st|nd|rd|th)?(?:(?P<c>,?[ \t]+)(?P<y>\d{{4}}))?",
        rf"(?P<d>\d{{1,2}})(?P<ord>st|nd|rd|th)?(?P<of>[ \t]+(?:of[ \t]+)?){_MON}"
        rf"(?:(?P<c>,?[ \t]+)(?P<y>\d{{4}}))?",
        rf"(?P<d>\d{{1,2}})(?P<s>[-/. ]){_MON}(?P=s)(?P<y>\d{{4}}|\d{{2}})",
        rf"{_MON}(?P<c>,?[ \t]+(?:of[ \t]+)?)(?P<y>\d{{4}})",
    )
]


def _ordinal(d: int) -> str:
    return "th" if 11 <= d % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")


def shift_date(value: str, shift: dt.timedelta) -> str | None:
    """``value`` moved by ``shift``, written the way it was; None if curate cannot read it.
    A year of two digits stays two digits; a date without a year is read in a leap year."""
    text = value.strip()
    for form in _DATE_FORMS:
        m = form.fullmatch(text)
        if m is None:
            continue
        g = m.groupdict()
        if g.get("mon") is not None:
            month = _MONTHS.get(g["mon"].lower())
            if month is None:
                return None
        else:
            month = int(g["m"])
        day = int(g["d"]) if g.get("d") else 15
        year_s = g.get("y")
        year = 2000 if year_s is None else int(year_s) + (1900 if len(year_s) == 2 else 0)
        if year_s is not None and len(year_s) == 2 and year < 1950:
            year += 100
        if g.get("mon") is None and g.get("s") in ("/", ".", "-") and month > 12 and day <= 12:
            month, day = day, month  # 25/12/2020: day first
            swapped = True
        else:
            swapped = False
        try:
            new = dt.date(year, month, day) + shift
        except ValueError:
            return None
        return _render(m, g, new, swapped, value)
    return None


def _render(
    m: re.Match[str], g: dict[str, str | None], new: dt.date, swapped: bool, value: str
) -> str:
    # zero-padded where month or day was ("03/14/1952" -> "05/03/1951"), or 8 digits
    pad = len(m.group(0)) == 8 or any((g.get(k) or "").startswith("0") for k in ("m", "d"))

    def num(v: int) -> str:
        return f"{v:02d}" if pad else str(v)

    def year() -> str:
        old = g["y"] or ""
        return f"{new.year % 100:02d}" if len(old) == 2 else str(new.year)

    out = []
    pos = 0
    names = ["y", "m", "d", "mon", "ord"]
    if swapped:
        names = ["y", "mon", "ord"]
    spans = sorted((m.start(n), m.end(n), n) for n in names if g.get(n) is not None)
    if swapped:
        spans += [(m.start("m"), m.end("m"), "d_as_m"), (m.start("d"), m.end("d"), "m_as_d")]
        spans.sort()
    for a, b, n in spans:
        out.append(m.string[pos:a])
        if n == "y":
            out.append(year())
        elif n in ("m", "m_as_d"):
            out.append(num(new.month))
        elif n in ("d", "d_as_m"):
            out.append(num(new.day))
        elif n == "mon":
            old = g["mon"] or ""
            full = calendar.month_name[new.month]
            name = full if len(old) > 4 or old.lower() == full.lower() else full[:3]
            name = "Sept" if name == "Sep" and old.lower() == "sept" else name
            out.append(_in_case(name, old) if not old[:1].isupper() or old.isupper() else name)
        elif n == "ord":
            out.append(_ordinal(new.day))
        pos = b
    out.append(m.string[pos:])
    lead = value[: len(value) - len(value.lstrip())]
    return lead + "".join(out) + value[len(value.rstrip()) :]
