"""Evidence from a record that a capitalised word is a role, not a person.

A check sees one find and a few characters around it, and "Fox shall pay", "in the Field",
"MD Anderson shall" read like names there. The record they are in says otherwise: it writes
"the Field" (a determiner before it: a term, as in "each Licensee", "such Parent"), "Fox Mobile
Entertainment, Inc." (part of an organisation's name: a run of capitalised words ending in a
company suffix or head noun, "Bellicum Pharmaceuticals, Inc.", "M. D. Anderson Cancer Center",
"Blue Hills Bank"), or defines it in quotes ('Slinger Bag Inc. (the "Company")'). A name found
by a person detector whose every name-like token has such evidence in its record is given back
as text (``resolve.py``), unless the record also uses the token as a person: after a personal
title ("Mr. Wade") or after a census given name ("Dwyane Wade").

Signature and notice blocks ("By: /s/ John Smith", "Attention: Jane Doe") are the contracts
pack's own detectors, which no check resolves: they stay redacted whatever the record says.
``record_terms`` is computed only for records holding a name find (lazily, in resolve), so
records without one cost nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from curate.rules.pii.products import short_products

if TYPE_CHECKING:
    from curate.rules.pii.words import Words

# a word of an organisation's name: "Fox", "M.", "AT&T", "Hyde-Park", "O'Neil"
_ORG_TOKEN = r"[A-Z][A-Za-z0-9&'’.-]*"
# what ends an organisation's name: a legal form (after an optional comma) ...
_LEGAL_FORMS = (
    r"Inc|Incorporated|Corp|Corporation|Company|Co|LLC|L\.L\.C|Ltd|Limited|LLP|L\.L\.P|LP|L\.P"
    r"|PLC|plc|P\.L\.C|GmbH|AG|SA|S\.A|NV|N\.V|BV|B\.V|SE|S\.p\.A|SpA|S\.r\.l|Pty|K\.K|AB|ASA|Oy"
)
# ... or a head noun that makes the words before it a body, not a person ("Blue Hills Bank",
# "Gordon Brothers", "Cancer Center"); a general class of company words, none from one contract
_HEADS = (
    r"Bank|Bancorp|Bancshares|Trust|Holdings?|Group|Partners|Partnership|Brothers|Bros"
    r"|Cent(?:er|re)|University|College|Institute|Hospital|Clinic|Foundation|Association"
    r"|Society|Pharmaceuticals?|Pharma|Therapeutics|Biotech|Biosciences|Biotechnolog(?:y|ies)"
    r"|Technolog(?:y|ies)|Entertainment|Enterprises|Industries|Laborator(?:y|ies)|Labs"
    r"|Systems|Networks|Communications|Telecom|Capital|Ventures|Investments|Securities"
    r"|Airlines|Airways|Motors|Media|Studios|Pictures|Records|Publishing|Restaurants?|Stores"
    r"|Brands|Worldwide|International|Software|Solutions|Energy|Resources|Petroleum|Oil|Gas"
    r"|Mining|Insurance|Financial|Realty|Properties|Logistics|Healthcare|Health|Medical"
    r"|Sciences|Electronics|Semiconductor|Products|Foods|Beverages|Apparel|Retail|Wireless"
    r"|Department|Division|Committee|Board|Council"
)
_ORG_RE = re.compile(
    rf"((?:{_ORG_TOKEN}[ \t]+){{0,7}}{_ORG_TOKEN})"
    rf"(?:,?[ \t]+(?:{_LEGAL_FORMS})\.?|[ \t]+(?:{_HEADS}))(?![A-Za-z0-9])"
)
# a firm named after its partners: "Paul, Weiss, Rifkind, Wharton & Garrison LLP"
_FIRM_RE = re.compile(
    rf"(?:{_ORG_TOKEN},[ \t]+)+{_ORG_TOKEN}[ \t]+&[ \t]+{_ORG_TOKEN},?[ \t]+(?:{_LEGAL_FORMS})\b"
)
_ORG_WORD_RE = re.compile(rf"(?:{_LEGAL_FORMS}|{_HEADS})")
_ORG_END_RE = re.compile(_ORG_RE.pattern + r"[ \t,;]*$")
# a determiner before a capitalised word that no capitalised word follows: "the Field in",
# "such Parent,", "each Licensee's" (not "the Wade Grant": the word there is a modifier)
_DETERMINED_RE = re.compile(
    r"\b(?:[Tt]he|[Ss]uch|[Ee]ach|[Aa]ny|[Ss]aid|[Ee]very|[Ee]ither|[Nn]either)[ \t]+"
    r"([A-Z][a-z]+)(?=['’]s\b|[ \t]*(?:[a-z(),.;:]|$))"
)
# a defined term in quotes in parentheses: ("Company"), (the “Licensee”), (hereinafter "Fox")
_DEFINED_RE = re.compile(
    r"\(\s*(?:(?:the|hereinafter(?:[ \t]+(?:referred[ \t]+to[ \t]+as|called))?|collectively"
    r"|individually|each|a|an)[ \t,]+)?[\"“]"
    r"([A-Z][A-Za-z'’-]+(?:[ \t]+[A-Z][A-Za-z'’-]+){0,3})[\"”]"
)
# the name a defined term follows: 'KENNETH TURPIN ("Turpin")', 'Fitch Ratings ("Fitch")',
# 'Effective Date ("Term")' (up to four capitalised words or initials, a generation after)
_NAME_BEFORE_RE = re.compile(
    r"(?<![\w'’.-])((?:[A-Z][A-Za-z'’-]+|[A-Z]\.)(?:[ \t]+(?:[A-Z][A-Za-z'’-]+|[A-Z]\.)){1,3})"
    r"(?:,?[ \t]+(?:Jr|Sr|II|III|IV)\.?)?[ \t]*,?[ \t]*$"
)
_GENERATIONS = frozenset(["Jr", "Sr", "II", "III", "IV", "JR", "SR"])
# what the record says a word is a person by: a personal title, a census given name before it
_INITIALS = r"(?:[A-Z]\.[ \t]*){0,3}"  # "Frank D.P. Ellis", "Jeremy O. May"
_TITLED_RE = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?[ \t]+{_INITIALS}([A-Z][a-z'’-]+)")
_PAIR_RE = re.compile(rf"\b([A-Z][a-z]+)[ \t]+{_INITIALS}([A-Z][a-z'’-]+)\b")
# capitalised at a line's or sentence's start, or a label's ("By:"): no name's word
_FUNCTION_WORDS = frozenset(
    [
        "by",
        "if",
        "to",
        "for",
        "and",
        "or",
        "of",
        "the",
        "with",
        "at",
        "in",
        "on",
        "as",
        "from",
        "per",
        "attn",
        "attention",
        "re",
        "cc",
    ]
)
_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# an @handle and the capitalised words of its name ("@CoxHelp": Cox, Help)
_HANDLE_RE = re.compile(r"(?<![A-Za-z0-9_.@])@([A-Za-z0-9_]{2,30})")
_CAMEL_RE = re.compile(r"[A-Z][a-z]+")
# the handles brand_handle reads as a company's by their name alone (support, help, care ...)
_HANDLE_GATE = (
    r"@(?:Ask|[A-Za-z0-9_]*(?i:support|help|helps|care|cares|service|team|official)(?-u:\b))"
)


ALL_KINDS = frozenset(["organisation", "defined", "determiner"])

# what a notice block addresses when it names no person: an office or a field's label
# ("Attention: Chief Financial Officer", "Attn: General Counsel/Legal Affairs", "Attention:
# Telephone Number"); a find made only of these words (and lower-case or common ones) is none.
# No given names here ("Dean", "Bishop" are): these are a company's words, never a person's
JOB_WORDS = frozenset(
    [
        "President",
        "Vice",
        "Chief",
        "Executive",
        "Financial",
        "Operating",
        "Technology",
        "Officer",
        "Officers",
        "General",
        "Counsel",
        "Legal",
        "Affairs",
        "Corporate",
        "Department",
        "Director",
        "Directors",
        "Manager",
        "Managing",
        "Secretary",
        "Treasurer",
        "Senior",
        "Head",
        "Contracts",
        "Contract",
        "Business",
        "Development",
        "Administration",
        "Administrator",
        "Finance",
        "Operations",
        "Compliance",
        "Licensing",
        "Notices",
        "Telephone",
        "Facsimile",
        "Fax",
        "Phone",
        "Number",
        "Email",
        "Address",
        "Purchasing",
        "Procurement",
        "Accounts",
        "Payable",
        "Receivable",
        "Sales",
        "Marketing",
        "Human",
        "Resources",
        "Assistant",
        "Associate",
        "Regional",
        "Global",
        "Portfolio",
        "Management",
        "Investor",
        "Relations",
        "Treasury",
        "Tax",
        "Risk",
        "Credit",
        "Law",
        "Office",
        "Group",
        "Team",
        "Division",
        "Unit",
        "Services",
        "Support",
        "Controller",
        "Chairman",
        "CEO",
        "CFO",
        "COO",
        "CTO",
    ]
)


def _org_words(run: str) -> list[str]:
    words = (t.strip(".,") for t in run.split())
    return [w for w in words if len(w) > 1]


def _handle_words(text: str, words: Words) -> set[str]:
    """The capitalised words of the brand accounts ``text`` holds (public.brand_handle):
    "@CoxHelp" -> Cox, "@AskPlayStation" -> Play, Station; the role's own parts (Help, Ask)
    count too, they are no name."""
    from curate.rules.pii.public import brand_handle

    out: set[str] = set()
    for m in _HANDLE_RE.finditer(text):
        if brand_handle(m.group(0), words):
            out.update(_CAMEL_RE.findall(m.group(1)))
    return out


def roles_of(text: str, words: Words, kind: str) -> set[str]:
    """The capitalised words ``text`` (one record) uses as a role of one ``kind``: part of an
    organisation's name or a product's ("organisation"; "Rush" where the record names Premiere
    Rush), a defined term in quotes ("defined"), after a determiner ("determiner")."""
    roles: set[str] = set()
    if kind == "organisation":
        for m in _ORG_RE.finditer(text):
            roles.update(_org_words(m.group(0)))
        if " & " in text:
            for m in _FIRM_RE.finditer(text):
                roles.update(_org_words(m.group(0)))
        # a brand's support account the record writes to: "Cox" where it holds "@CoxHelp"
        if "@" in text:
            roles.update(_handle_words(text, words))
        # a product's last word alone where the record names its maker (products.py)
        for word, cue in short_products():
            if word not in roles and re.search(rf"\b{word}\b", text) and cue.search(text):
                roles.add(word)
    elif kind == "determiner":
        roles.update(m.group(1) for m in _DETERMINED_RE.finditer(text))
    elif kind == "defined":
        for m in _DEFINED_RE.finditer(text):
            term = m.group(1).split()
            name = _defined_name(text, m.start())
            if name and _surname_defined(name, term, words):
                continue  # 'KENNETH TURPIN ("Turpin")': a person (persons_of)
            if name:
                # 'Fitch Ratings ("Fitch")', 'Effective Date ("Term")', 'Arnold
                # Schwarzenegger ("Endorser")': a body or term named in full (a person's
                # given name and surname are persons_of's, which outweighs this)
                roles.update(_plain(w) for w in name)
                roles.update(term)
                continue
            # a person may be defined by name ('Aitan Zacharin ("Zacharin")'): a census name
            # in quotes is a term only after an organisation's name
            # ('"Zebra Brazil"': a term of several words is one unless a given name opens it)
            after_org = _ORG_END_RE.search(text, max(0, m.start() - 80), m.start()) is not None
            if (
                after_org
                or (len(term) > 1 and term[0] not in words.first_names)
                or not any(t in words.first_names or t in words.last_names for t in term)
            ):
                roles.update(term)
    return roles


def _plain(word: str) -> str:
    """A word as a role or a name is looked up: "TURPIN" -> "Turpin"."""
    return word[:1] + word[1:].lower() if word.isupper() and len(word) > 1 else word


def _defined_name(text: str, at: int) -> list[str]:
    """The words of the name right before the defined term opening at ``at``, or none."""
    m = _NAME_BEFORE_RE.search(text, max(0, at - 80), at)
    name = m.group(1).split() if m else []
    while name and name[-1].strip(".") in _GENERATIONS:  # 'JAMES W. NANTZ III'
        name.pop()
    return name


def _surname_defined(name: list[str], term: list[str], words: Words) -> bool:
    """A term that is the last word of the name before it is a person's surname: 'KENNETH
    TURPIN ("Turpin")', 'Robert M. Rubin ("Rubin")' (a company takes its first word: 'Fitch
    Ratings ("Fitch")'), where the census knows the given name or the surname (not 'This
    Supply Agreement ("Agreement")') and the word ends no organisation's name."""
    if len(term) != 1 or len(name) < 2:
        return False
    first, last = _plain(name[0]), _plain(name[-1])
    if term[0].lower() != last.lower() or _ORG_WORD_RE.fullmatch(last):
        return False
    common = words.common_words
    if last.lower() in common or (last not in words.last_names and last.lower() in words.lexicon):
        return False  # 'Bob Stallings Racing ("Racing")': a word, no surname
    return (first in words.first_names and first.lower() not in common) or last in words.last_names


def persons_of(text: str, words: Words) -> set[str]:
    """The capitalised words ``text`` uses as a person's name: after a personal title, or a
    census given name and the word after it ("Dwyane" is none: "Wade" there is not)."""
    persons = {m.group(1) for m in _TITLED_RE.finditer(text)}
    # a person defined by surname: 'KENNETH TURPIN ("Turpin")' (not 'Fitch Ratings ("Fitch")')
    for term in defined_surnames(text, words):
        persons.add(_plain(term))
    for m in _PAIR_RE.finditer(text):
        given, last = m.group(1), m.group(2)
        # "Steve Jacobs": both words a person's; not "Otis Worldwide", "Wade Enterprises",
        # nor a place ("Hong Kong", "America Online")
        if (
            given in words.first_names
            and given.lower() not in words.common_words
            and not _ORG_WORD_RE.fullmatch(last)
            and given not in words.places
            and f"{given} {last}" not in words.countries
        ):
            persons.update((given, last))
    return persons


def role_evidence(
    text: str, words: Words, kinds: frozenset[str] = ALL_KINDS
) -> tuple[set[str], set[str]]:
    """The words ``text`` uses as a role of one of ``kinds``, and those it uses as a person's."""
    roles: set[str] = set()
    for kind in kinds:
        roles |= roles_of(text, words, kind)
    return roles, persons_of(text, words)


@dataclass(frozen=True)
class RecordTerms:
    """What one record says of its capitalised words (``role_evidence``)."""

    roles: frozenset[str]
    persons: frozenset[str]
    # names to redact wherever the record writes them once it holds a person's find: a
    # person's surname defined as a term ('KENNETH TURPIN ("Turpin")': "Turpin", "TURPIN")
    spread: frozenset[str] = frozenset()

    def role(self, word: str, run_terms: frozenset[str]) -> bool:
        """``word`` is a role here: the record uses it as one, or the run does (``run_terms``,
        see corpus.py), or it is an office's word (``JOB_WORDS``), and this record never
        uses it as a person's name."""
        return word not in self.persons and (
            word in self.roles or word in run_terms or word in JOB_WORDS
        )


NO_TERMS = RecordTerms(frozenset(), frozenset())


def record_terms(text: str, words: Words, kinds: frozenset[str] = ALL_KINDS) -> RecordTerms:
    """``role_evidence`` of one record's text."""
    roles: set[str] = set()
    for kind in kinds:
        roles |= roles_of(text, words, kind)
    spread = frozenset(defined_surnames(text, words)) if "defined" in kinds else frozenset()
    if not roles and not spread:
        return NO_TERMS
    return RecordTerms(frozenset(roles), frozenset(persons_of(text, words)), spread)


def defined_surnames(text: str, words: Words) -> set[str]:
    """The surnames ``text`` defines as a person's term, as written and in capitals:
    'KENNETH TURPIN ("Turpin")' -> Turpin, TURPIN."""
    out: set[str] = set()
    if "(" in text:
        for m in _DEFINED_RE.finditer(text):
            term = m.group(1).split()
            name = _defined_name(text, m.start())
            if name and _surname_defined(name, term, words) and len(term[0]) > 2:
                out.update((term[0], term[0].upper()))
    return out


# a word right before an organisation's legal form or head noun, or before "& Company": the
# surname a firm is named after ("Moelis & Company", "Moelis Holdings", "Turpin LLC", "the
# Gates Foundation")
_HEAD_RE = re.compile(
    rf"(?:([A-Za-z][A-Za-z'’.-]*)[ \t]+)?([A-Z][A-Za-z'’-]+)(?:[ \t]+&[ \t]+(?:Company|Co)\b"
    rf"|,?[ \t]+(?:{_LEGAL_FORMS})\.?(?![A-Za-z0-9])|[ \t]+(?:{_HEADS})(?![A-Za-z0-9]))"
)


def org_heads(text: str) -> set[str]:
    """The surnames ``text`` names a firm by: the first word of an organisation's name, right
    before its legal form or head noun ("Moelis" in "Moelis & Company", "Moelis Holdings";
    after "the": "the Gates Foundation"). A signatory's surname that is one is the firm's name
    wherever the record writes it alone (CUAD's Moelis agreement: "Mr. Moelis" spread made
    "Moelis" [PERSON] 251 times). Not a firm named with a person's full name ("David Duval
    Enterprises, Inc.": the endorser's loan-out, and "Duval" alone is the golfer), nor "Duval
    and Company" (and the party defined as the "Company")."""
    out = set()
    for m in _HEAD_RE.finditer(text):
        before = m.group(1)
        if before is None or before[0].islower() or before.lower() in _FUNCTION_WORDS:
            out.add(_plain(m.group(2)))
    return out


def role_gate(kinds: frozenset[str]) -> str:
    """A regex (Rust's) that every text holding evidence of one of ``kinds`` matches: the
    records of the others cost no Python regex."""
    parts = []
    if "organisation" in kinds:
        short = "|".join(sorted({w for w, _ in short_products()}))
        parts.append(rf"(?-u:\b)(?:{_LEGAL_FORMS}|{_HEADS}|{short})(?-u:\b)")  # ASCII: 3x faster
        parts.append(_HANDLE_GATE)
    if "defined" in kinds:
        parts.append(r"\([^)]{0,60}[\"“]")
    if "determiner" in kinds:
        parts.append(
            r"\b(?:[Tt]he|[Ss]uch|[Ee]ach|[Aa]ny|[Ss]aid|[Ee]very|[Ee]ither|[Nn]either)[ \t]+[A-Z]"
        )
    return "|".join(parts) or "$^"


def is_term(
    value: str, terms: RecordTerms, words: Words, run_terms: frozenset[str] = frozenset()
) -> bool:
    """Every name-like token of a find (``value``) is a role in its record (``terms``): the
    find names a role, not a person. Initials, lower-case words ("and", "to") and common words the
    name checks did not take as a name ("Software Image": only "Software" was) do not count;
    a word in capitals counts as the word written so ("SOFTWARE")."""
    seen = False
    for t in _TOKEN_RE.findall(value):
        t = t[:-2] if t.endswith(("'s", "’s")) else t
        low = t.lower()
        if len(t) < 2 or t[0].islower() or low in _FUNCTION_WORDS:  # "to Fox", "If", "By"
            continue
        word = t[:1] + t[1:].lower() if t.isupper() else t
        # "Blackstone Holdings III": a word in capitals is a role as written too ("III", "GP")
        if terms.role(word, run_terms) or (word != t and terms.role(t, run_terms)):
            seen = True
        elif low not in words.common_words:
            return False
    return seen
