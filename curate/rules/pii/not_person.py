"""Capitalised words that are not persons though the census list holds them: the detectors
that take them out of the census-name pass, and the check of a hyphenated compound.

The census list alone is weak evidence: in contracts, support chats and notes most lone
capitalised surnames are a company ("Apple", "Cisco"), a place ("State of New York"), a clause
label ("Most Favored Nation"), a defined term (the "Stock") or an eponym ("Mayo scissors",
"Charcot-Marie-Tooth"). The single words live in curate/rules/data/not_person.toml and leave
the list (engine.py); what needs more than one word is matched here, first in the census
pass, and given back as text (leftmost match wins, so nothing inside it is a name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from curate.rules.pii.detector import ASCII_B
from curate.rules.pii.patterns import Detector

if TYPE_CHECKING:
    from curate.rules.pii.engine import PiiEngine

# a defined term in quotes: the "Company", (“Stock”), 'Merchant' -- up to four capitalised words
QUOTED_TERM = r"[\"“][A-Z][A-Za-z&.'-]*(?:[ \t]+[A-Z][A-Za-z&.'-]*){0,3}[\"”]"
# a town and its US state ("Alexandria, VA", "Chicago IL", "Springfield, Illinois"): a place,
# not a person (census first name "Alexandria"). After a comma any state's code but those that
# are also credentials after a name (MD, PA, MA, MS, DE, ME, OR, IN, OK, HI, OH, ID, AL, LA,
# CO: "John Smith, MD"); without a comma only the codes that are no clinical abbreviation
# ("Head CT", "Breast CA", "Father MI", "Tolerating NC", "Known VT", "Near VA")
STATE_CODES = (
    "AK|AZ|AR|CA|CT|FL|GA|IL|IA|KS|KY|MI|MN|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|RI|SC|SD|TN|TX|UT|VT"
    "|VA|WA|WV|WI|WY|DC|PR"
)
STATE_CODES_ALONE = "AK|AZ|FL|IL|KY|NJ|NM|NY|ND|SD|WI|WY"
STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia"
    "|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland"
    "|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada"
    "|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma"
    "|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah"
    "|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming"
)
_TOWN = r"\b[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?"
# a greeting's or a sign-off's words: before ", XX" a signature's initials, not a town
SALUTATIONS = frozenset(
    ["Thanks", "Thank", "Thx", "Ty", "Cheers", "Regards", "Best", "Hi", "Hello", "Hey", "Dear",
     "Sincerely", "Yours", "Bye", "Greetings", "Ta", "Love", "Welcome", "Congrats"]
)  # fmt: skip
TOWN_STATE_CODE = rf"{_TOWN}(?:,[ \t]*(?:{STATE_CODES})|[ \t]+(?:{STATE_CODES_ALONE}))\b"
# after the state code: no word going on ("VA.gov", "MA's"); a full stop ending the sentence
# is fine ("I live in Everett, WA.")
TOWN_STATE_CODE_AFTER = r"(?:$|[^A-Za-z0-9.'’-]|\.(?:$|\s))"
TOWN_STATE_NAME = rf"{_TOWN},[ \t]*(?:{STATE_NAMES})\b"
# a town a journey goes beyond: "are you going further than Milton Keynes?", "no farther
# than Leeds" (a person is not gone further than; a name there stays redacted, as a town)
BEYOND = r"\b(?:[Ff]urther|[Ff]arther)[ \t]+than[ \t]+"
# a street named without its number: "the lobby on Patton Ave", "Baker Street" (a census name
# before a street's word; not "Lane", a common surname): an address, as a town is
STREET = rf"{_TOWN}[ \t]+(?:Ave|Avenue|Blvd|Boulevard|Rd|Road|Street|Pkwy|Parkway|Hwy|Highway)\b"
# a determiner is no street's name ("The Street Fighter 2", "This Road", "My Avenue")
_DETERMINER_STREET = re.compile(
    r"(?:The|This|That|These|Those|A|An|My|Our|Your|His|Her|Their|Its)[ \t]+"
    r"(?:Ave|Avenue|Blvd|Boulevard|Rd|Road|Street|Pkwy|Parkway|Hwy|Highway)"
)
# hyphenated capitalised words: a name only if every part is one ("Jean-Luc", not
# "Charcot-Marie-Tooth")
COMPOUND = r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)+\b"
# an employer after a verb of working: "works at Smith Barney", "retired from Sears Roebuck",
# "employed by Morse Chain" (a census name and a capitalised word read as a person's name;
# not "works with", which names colleagues). The verb is the detector's context, so its find
# starts before the census names' own (leftmost wins); a person named there ("works for John
# Smith") stays a name only by the other passes (a title, a greeting)
EMPLOYER_BEFORE = (
    r"\b(?:[Ww]ork(?:s|ed|ing)?[ \t]+(?:at|for)|[Rr]etired[ \t]+from|[Ee]mployed[ \t]+(?:by|at)"
    r"|[Ee]mployee[ \t]+of|[Jj]ob[ \t]+at|[Ll]aw[ \t]+[Oo]ffices?[ \t]+of)[ \t]+(?:the[ \t]+)?"
)
# (a law firm named after its lawyer, "the Law Offices of John Q. Public", is a firm: an
# initial may stand between its words)
EMPLOYER = r"[A-Z][A-Za-z&'’-]+(?:[ \t]+(?:&[ \t]+)?(?:[A-Z]\.|[A-Z][A-Za-z&'’-]+)){0,3}\b"
# an organisation named after a person, with an initial in the name: "Walter P. Carter
# Center" (names.py reads "Walter Carter Center" as one; the initial ends the census find)
ORG_HEADS = "Cent(?:er|re)|Hospital|Clinic|Institute|Foundation|University|College|School"
ORG_WITH_INITIAL = (
    rf"\b[A-Z][a-z]+[ \t]+(?:[A-Z]\.[ \t]*)+(?:[A-Z][A-Za-z'’-]+[ \t]+){{1,2}}(?:{ORG_HEADS})\b"
)
# a release of an operating system named after a place: "Mac OS Catalina", "macOS High
# Sierra", "iOS Sierra" (the brand is no census-cased word, so the census find is the release
# alone and products.after_brand cannot see it)
OS_RELEASE = (
    r"\b(?:Mac[ \t]?OS(?:[ \t]?X)?|mac[Oo][Ss]|OS[ \t]?X|i(?:Pad)?OS|watchOS|tvOS)"
    r"[ \t]+[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?\b"
)
# a release of macOS alone after a verb of running or installing one: "running High Sierra",
# "upgrading to Sierra", "installed Catalina" (Apple's names, from macOS's version history;
# the census given names among them: Sierra, Catalina, Monterey, Ventura)
OS_ALONE = r"\b(?:High[ \t]+)?(?:Sierra|Catalina|Mojave|Monterey|Ventura|Sonoma|Sequoia|Yosemite)\b"
OS_VERB = (
    r"\b(?:[Rr]unning|[Rr]uns|[Ii]nstall(?:ed|ing)?|(?:[Uu]p|[Dd]own)grad(?:e|ed|ing)[ \t]+to"
    r"|[Uu]pdat(?:e|ed|ing)[ \t]+to|[Mm]oving[ \t]+to|[Ss]ince)[ \t]+(?:macOS[ \t]+)?"
)
# a loyalty tier or a device's colour before what it qualifies: "Gold status", "Platinum
# member", "Silver 256GB" (census surnames Gold, Silver)
TIER = (
    r"\b(?:Gold|Silver|Platinum|Diamond|Bronze|Titanium)[ \t]+(?:[Ss]tatus|[Mm]ember(?:s|ship)?"
    r"|[Tt]ier|[Ll]evel|[Ee]lite|[Cc]ard(?:s|holder)?|[Rr]ewards|[Mm]edallion|[0-9]{2,4}[ \t]?[GT]B)\b"
    # an airline's cabin class: "Main Cabin fares", "Premium Cabin" (census surname Main)
    r"|\b[A-Z][a-z]+[ \t]+Cabins?\b"
)
# the tier alone after a verb of keeping, reaching or buying one: "back to Silver", "bought
# Gold", "downgraded to Platinum" (a person is not reached, kept or bought)
TIER_ALONE = r"\b(?:Gold|Silver|Platinum|Diamond|Bronze|Titanium)\b"
TIER_VERB = (
    r"\b(?:[Bb]ack[ \t]+to|[Rr]each(?:ed|ing)?|[Ee]arn(?:ed|ing)?|[Aa]chiev(?:e|ed|ing)"
    r"|[Kk]eep(?:ing)?|[Kk]ept|[Ll]os(?:e|t|ing)|[Rr]etain(?:ed|ing)?|[Rr]enew(?:ed|ing)?"
    r"|[Pp]urchas(?:e|ed|ing)|[Bb]ought|[Bb]uy(?:ing)?|(?:[Uu]p|[Dd]own)grad(?:e|ed|ing)[ \t]+to)"
    r"[ \t]+(?:(?:my|your|the)[ \t]+)?"
)
# a TV series or a film by what follows it: "the Gilmore Girls season 3", "a recorded Monk
# episode", "the Walking Dead finale" (a series named after its hero is no person there;
# possessive only before a season's word, and no "episode of": "Smith's episodes of chest
# pain", "John Smith episode of syncope" are a patient's),
# or after "an episode of", "season 2 of"
TITLE = r"\b[A-Z][A-Za-z'’]*[A-Za-z](?:[ \t]+[A-Z][A-Za-z'’]*[A-Za-z]){0,3}"
TITLE_AFTER = (
    r"(?:[ \t]+(?:[Ee]ps?|[Ee]pisodes?)(?:[ \t]*(?:$|[^ \tA-Za-z])|[ \t]+(?:[A-Za-np-z]|o[A-Za-eg-z]))"
    r"|(?:['’]s)?[ \t]+(?:[Ss]easons?|[Ff]inale|[Pp]remiere"
    r"|[Mm]arathon|[Rr]eruns?|[Bb]ox[ \t]?[Ss]et)\b)"
)
TITLE_BEFORE = (
    r"\b(?:[Ee]pisodes?|[Ss]easons?(?:[ \t]+[0-9]+)?|[Ss]eries[ \t]+[0-9]+|[Ff]inale)[ \t]+of"
    r"[ \t]+(?:the[ \t]+)?"
)
# a title of a song, an album, a film or a show after what names one: "the song Sweet Home
# Alabama", "a cover of Lost In The Woods", "the movie John Wick" (a town or a census name in a
# title is neither a place nor a person there). After a verb of watching, listening or playing,
# whose object may be a person ("listen to Sarah", "watching John"), only a title in title case:
# a capitalised short word inside ("Lost In The Woods", "Walking In Memphis", "Let It Go")
_MEDIA_OPEN = r"[ \t]+(?:(?:the|a|an|my|this|that|his|her|their|our|your)[ \t]+)?[\"“‘]?"
MEDIA_NOUN = (
    rf"{ASCII_B}(?:[Ss]ongs?|[Aa]lbums?|[Tt]racks?|[Mm]ovies?|[Ff]ilms?|[Pp]laylists?|[Ss]oundtracks?"
    r"|[Mm]usicals?|(?:[Vv]ersion|[Cc]over|[Rr]emix|[Rr]emake|[Rr]endition)s?[ \t]+of)"
    + _MEDIA_OPEN
)
MEDIA_VERB = (
    rf"{ASCII_B}(?:[Ww]atch(?:es|ed|ing)?|[Ll]isten(?:s|ed|ing)?[ \t]+to|[Pp]lay(?:s|ed|ing)?"
    r"|[Ss]tream(?:s|ed|ing)?|[Ss]ing(?:s|ing)?|[Ss]ang|[Hh]ear(?:s|d|ing)?)" + _MEDIA_OPEN
)
_TITLE_WORD = r"[A-Z][A-Za-z'’]*"
_SMALL = r"(?:In|The|Of|To|On|At|For|With|From|And|Or|A|An|My|Me|It|Is|Up|Out|By|Into|Like|All|You|Your|Be|No|Not)"
# (unbounded runs and ASCII word boundaries: counted ones multiplied the census pass's lazy
# DFA states, ~10% of a support scan's CPU)
MEDIA_TITLE = rf"{_TITLE_WORD}(?:[ \t]+{_TITLE_WORD})*{ASCII_B}"
MEDIA_TITLE_CASED = (
    rf"{_TITLE_WORD}(?:[ \t]+{_TITLE_WORD})*[ \t]+{_SMALL}(?:[ \t]+{_TITLE_WORD})+{ASCII_B}"
)
# a game account's id after its label: "my gamertag is SilverFox22", "my PSN is xX_Drake_Xx",
# "Xbox gamertag: KingArthur", "my id is Dragonslayer99" -- an identifier, not a name (the
# census list made "[PERSON]" of "Mike Jones" there). The id is one token with a capital, a
# digit or "_" in it ("my id is expired", "my psn is down" are no ids), or two capitalised
# words (an Xbox gamertag may hold a blank). check "town" redacts it as a user (town_text)
_PLATFORM = r"(?:PSN|psn|Xbox|XBOX|xbox|XBL|Steam|steam|PS[45]|ps[45])"
GAME_LABEL = (
    rf"{ASCII_B}(?:[Mm]y[ \t]+(?:{_PLATFORM}[ \t]+)?(?:[Gg]amer[ \t]?[Tt]ag|{_PLATFORM}|[Ii][Dd]|IGN)"
    rf"[ \t]+is|{_PLATFORM}[ \t]*(?:ID|[Gg]amer[ \t]?[Tt]ag)?[ \t]*:)[ \t]+"
)
GAME_ID = rf"(?:[A-Z][a-z]+[ \t]+[A-Z][A-Za-z0-9]+|[A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*){ASCII_B}"
# a game id or a title with what introduces it, as one detector of the census pass (each
# detector there costs the whole scan: three cost ~0.15 s per 20,000 tweets, one ~0.07):
# check "town" tells them apart by their start (town_text)
ID_OR_TITLE = (
    rf"(?:{GAME_LABEL}{GAME_ID}|{MEDIA_NOUN}{MEDIA_TITLE}|{MEDIA_VERB}{MEDIA_TITLE_CASED})"
)
_GAME_RE = re.compile(GAME_LABEL.replace(ASCII_B, r"\b"), re.ASCII)  # (Python's re)
_MEDIA_RE = re.compile(f"(?:{MEDIA_NOUN}|{MEDIA_VERB})".replace(ASCII_B, r"\b"), re.ASCII)
_ID_MARK_RE = re.compile(r"[A-Z0-9_]")
# Father Christmas alone (census given name "Santa"): "Santa came early", "#Santa"; not a
# place's first word ("Santa Cruz")
SANTA = r"\bSanta\b"
SANTA_AFTER = r"(?:$|[ \t]+[a-z0-9]|[ \t]*[^ \tA-Za-z])"
# a capitalised word between an indefinite article and a lowercase word: "a Lotta stuff", "a
# Johnny cage skin", "an Xbox controller" (a person is not "a Sarah"; "a Sarah Jones" -- a
# capital next -- is not matched). Taken with the next word's first letter (that word is no
# name), as text
ARTICLE_WORD = r"\ban?[ \t]+[A-Z][a-z]+[ \t]+[a-z]"
# (not here: a listed phrase after a sentence's capitalised first word, "Now Kohl's is closed",
# whose census find "Now Kohl" starts a word sooner; an optional opener word before the phrases
# cost the census pass 4.6 us a tweet. Left to the census find's check, names.py)


def not_person_detectors(phrases: Iterable[str]) -> list[Detector]:
    """Detectors of the census pass that run before the census names (see module doc). A
    town with its state (or after "further than"), a street without its number, is no person: check "town" (town_text) redacts it as an address where
    the pack has that type (a town is a geographic subdivision smaller than a state: HIPAA's
    PHI), else keeps it as text. The others keep their find as text (check "reject"): a
    phrase, a defined term, an employer, an organisation, an OS release, a tier, a TV
    series, Santa."""
    from curate.rules.pii.places import _LEAD, _PREP

    # what the place detectors take before a town ("upgraded to", "going to", "at"): taken
    # here too, so that a find below starts no later than theirs (leftmost wins)
    prep = rf"(?:\b(?:(?:{_LEAD})[ \t]+)?(?i:{_PREP})[ \t]+)?"
    # each phrase with either apostrophe: "Kohl's", "Kohl’s"
    both = {v for p in phrases for v in (p, p.replace("'", "’"))}
    alt = "|".join(re.escape(p) for p in sorted(both, key=lambda p: (-len(p), p)))
    out = [
        Detector("person", QUOTED_TERM, check="reject"),
        Detector("person", TOWN_STATE_CODE, after=TOWN_STATE_CODE_AFTER, check="town"),
        Detector("person", TOWN_STATE_NAME, check="town"),
        Detector("person", _TOWN + r"\b", before=BEYOND, check="town"),
        Detector("person", STREET, check="town"),
        Detector("person", EMPLOYER, before=EMPLOYER_BEFORE, check="reject"),
        Detector("person", ORG_WITH_INITIAL, before=prep, check="reject"),
        Detector("person", OS_RELEASE, before=prep, check="reject"),
        Detector("person", OS_ALONE, before=OS_VERB, check="reject"),
        Detector("person", TIER, check="reject"),
        Detector("person", TIER_ALONE, before=TIER_VERB, check="reject"),
        Detector("person", TITLE, before=TITLE_BEFORE, check="reject"),
        Detector("person", TITLE, after=TITLE_AFTER, check="reject"),
        Detector("person", SANTA, after=SANTA_AFTER, check="reject"),
        # (one detector: each one more in this pass costs the census scan, see ID_OR_TITLE)
        Detector("person", ID_OR_TITLE, check="town"),
    ]
    # (the phrases and the article's word in one detector: each detector more costs the census
    # scan ~1.5 us a tweet, this alternative 0.5)
    phrase = rf"\b(?:{alt})\b|" if alt else ""
    out.insert(0, Detector("person", rf"{phrase}{ARTICLE_WORD}", check="reject"))
    out.append(Detector("person", COMPOUND, check="compound"))
    return out


def compound_ok(value: str, engine: PiiEngine) -> bool:
    """Every part of a hyphenated word is name-like: "Mary-Kate", "Smith-Jones"."""
    from curate.rules.pii.names import _word_ok

    parts = value.split("-")
    return any(p in engine.listed for p in parts) and all(_word_ok(p, engine) for p in parts)


def town_text(value: str, engine: PiiEngine, keep_values: bool) -> str:
    """A town with its state (check "town"): an address where the pack redacts addresses.
    A greeting's or a sign-off's word in it makes it none: "Thanks, AK", "Cheers, NY", "Kind
    Regards, TX" are a signature's initials, not a town and its state."""
    from curate.rules.pii.markers import CLOSE, _canon

    game = _GAME_RE.match(value)
    if game is not None:
        return game_id_text(value, game.end(), engine, keep_values)
    if _MEDIA_RE.match(value):  # a title with what names it: text
        return value
    if not SALUTATIONS.isdisjoint(re.findall(r"[A-Za-z]+", value)):
        return value
    if _DETERMINER_STREET.fullmatch(value):  # "The Street Fighter 2": a title, no street
        return value
    index = engine.type_index.get("address")
    if index is None:
        return value
    return _canon(index) + value + CLOSE if keep_values else _canon(index)


def game_id_text(value: str, cut: int, engine: PiiEngine, keep_values: bool) -> str:
    """A game account's label and id (``value[cut:]``): the id redacted as a user where the
    pack has that type, else as a person; text where it is a plain word ("my id is expired")."""
    from curate.rules.pii.markers import CLOSE, _canon

    label, ident = value[:cut], value[cut:]
    if len(ident) < 3 or not _ID_MARK_RE.search(ident):
        return value
    # a common word is a product's or a reply's ("console:Xbox: One X", "PSN: Yes"), no id
    if " " not in ident and ident.lower() in engine.words.common_words:
        return value
    index = engine.type_index.get("user", engine.type_index.get("person"))
    if index is None:
        return value
    return label + (_canon(index) + ident + CLOSE if keep_values else _canon(index))
