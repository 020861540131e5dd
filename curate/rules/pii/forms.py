"""The regex building blocks the detectors share (``patterns.py`` re-exports them): letter
classes and the forms of names, phone separators, US states, an id's name before its value,
section numbers, and the digit gates of the types that need one. Strings and gates only."""

from __future__ import annotations

from curate.rules.pii.detector import DIGIT_GATE, Gate

# Upper- and lower-case letters of names: Latin (with Latin-1, Extended-A/B and Additional:
# "Šárka", "Nguyễn"; the Extended blocks mix cases), Greek and Cyrillic. Not \p{Lu}/\p{Ll}:
# with those every name pass costs 4x.
UPPER = "A-ZÀ-ÖØ-ÞĀ-ɏḀ-ỿΑ-ΩА-ЯЁ"
LOWER = "a-zß-öø-ÿĀ-ɏḀ-ỿα-ωа-яё"
NAME_TOKEN = (
    rf"[{UPPER}](?:['’][{UPPER}{LOWER}])?[{LOWER}][{LOWER}'’]*(?:[{UPPER}][{LOWER}]+)?"
    rf"(?:-[{UPPER}]?[{LOWER}]+)?"
)
# clinical notes: a name in any case after a strong context, in ASCII or with the accents of
# Latin-1 and Extended-A ("DR. PALOMÄKI", "dr pavlović", "SON LEÓN", "MR. ÍSIS STEY": cut at
# the accent, or missed, in the unseen-name dev set; Extended-A's cases alternate, so it is
# in both classes)
_CU = "A-ZÀ-ÖØ-ÞĀ-ž"
_CL = "a-zß-öø-ÿĀ-ž"
CASED_TOKEN = (
    rf"(?:[{_CU}](?:['’][A-Za-z])?[{_CL}]+(?:[A-Z][{_CL}]+)?(?:-[A-Za-z][{_CL}]+)?"
    rf"|[{_CU}](?:['’][A-Z])?[{_CU}]+(?:['’-][{_CU}]+)?"
    rf"|[{_CL}](?:['’][a-z])?[{_CL}]+(?:['’-][{_CL}]+)?)"
)
CASED_NAME = (
    rf"(?:[A-Za-z]\.[ \t]*|[A-Z][ \t]+)?{CASED_TOKEN}"
    rf"(?:[ \t]+(?:[A-Z]\.?[ \t]+)?{CASED_TOKEN}){{0,2}}"
)
# a particle of a surname between a name's tokens ("Willemine ten Pas", "Ludwig van Beethoven")
# and a generation after it ("Kevin Veitonen II", "John Smith Jr."); names.PARTICLES
PARTICLE = r"(?:van|von|de|der|den|ten|ter|da|di|du|del|della|dos|das|le|la|bin|ibn|al)"
_BETWEEN = rf"(?:[{UPPER}]\.?[ \t]+|{PARTICLE}[ \t]+(?:{PARTICLE}[ \t]+)?)"
SUFFIX = r"(?:,?[ \t]+(?:Jr|Sr)\b\.?|[ \t]+(?:II|III|IV)\b)"
NAME = rf"{NAME_TOKEN}(?:[ \t]+{_BETWEEN}?{NAME_TOKEN}){{0,2}}{SUFFIX}?"
TWO_NAMES = rf"{NAME_TOKEN}[ \t]+{_BETWEEN}?{NAME_TOKEN}{SUFFIX}?"
# a capitalized word with a surname ending of a European language (Slavic, Nordic, Greek,
# Romanian, Georgian, Spanish, Finnish), maybe after a first name: "Yuri Bulgakov", "Petersson"
# ("-idis" only after a given name: alone it is as often a Latin genitive of anatomy,
# "Epididymidis are grossly within normal limits", "glandulae parotidis")
_GIVEN_BEFORE = rf"{NAME_TOKEN}[ \t]+(?:[{UPPER}]\.?[ \t]+)?"
SURNAME_ENDS = (
    r"(?:ov|ova|ev|eva|ski|ska|sky|ský|ić|ič|vich|enko|chuk|dze|shvili|sson|sen|dóttir|dottir"
    r"|ez|escu|opoulos|oglu|ová|inen|wicz|czyk)"
)
SURNAME = (
    rf"(?:{_GIVEN_BEFORE})?[{UPPER}][{LOWER}]*{SURNAME_ENDS}"
    rf"|{_GIVEN_BEFORE}[{UPPER}][{LOWER}]*idis"
)
SURNAME_AFTER = rf"(?:$|[^{UPPER}{LOWER}0-9_'’-]|['’]s(?:$|[^{UPPER}{LOWER}]))"
# a name on a line of its own (a signature, a letter's header): two or three name tokens
LINE_NAME = rf"{NAME_TOKEN}(?:[ \t]+(?:[{UPPER}]\.?[ \t]+)?{NAME_TOKEN}){{1,2}}"
# "555-123-4567 x89", "212- 476- 8356", "(898)666-3621x0135"
PHONE_SEP = r"(?:[ \t]*[./-][ \t]*|[ \t])?"
PHONE_EXT = r"(?:[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,5})?"
US_STATE = (
    r"(?:A[LKZR]|C[AOT]|D[EC]|FL|GA|HI|I[DLNA]|K[SY]|LA|M[EDAINSOT]|N[EVHJMYCD]|O[HKR]|PA|RI"
    r"|S[CD]|T[NX]|UT|V[TA]|W[AVIY])"
)
# a state's name before its ZIP, as contracts write it: "Cleveland, Ohio 44114", "Bellevue,
# Washington, 98007" (the codes alone left such ZIPs in the CUAD export)
US_STATE_NAME = (
    r"(?:Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida"
    r"|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland"
    r"|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada"
    r"|New[ \t]+Hampshire|New[ \t]+Jersey|New[ \t]+Mexico|New[ \t]+York|North[ \t]+Carolina"
    r"|North[ \t]+Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode[ \t]+Island"
    r"|South[ \t]+Carolina|South[ \t]+Dakota|Tennessee|Texas|Utah|Vermont|Virginia"
    r"|Washington|West[ \t]+Virginia|Wisconsin|Wyoming)"
)
# the names before or after the postcodes named by them (zip:eu; literals, as written)
ZIP_NAMED_GATE = Gate(
    rf"{US_STATE_NAME}|Israel|ISRAEL|Singapore|SINGAPORE|Canada|Ontario|Quebec|Québec|Columbia"
    r"|Alberta|Manitoba|Saskatchewan|Scotia|Brunswick|Newfoundland|Prince"
    r"|\b(?:ON|QC|BC|AB|MB|SK|NS|NB|NL|PE|YT|NT|NU),?[ \t]+[A-Z][0-9]"
)
# between an id's name and its value: "account number is 676505", "Hospital No. 3937199",
# "customer ID 91241998914" (any case, up to two words)
ID_SEP = r"\.?[ \t]*(?:(?i:is|was|number|no\.?|nr\.?|num|#|id|code)[ \t]*){0,2}[:#=]?[ \t]*#?[ \t]*"
ID_VALUE = r"(?:[A-Za-z0-9-]*\d[A-Za-z0-9-]{3,}|[A-Za-z0-9-]{3,}\d[A-Za-z0-9-]*)\b"


SECTION_NUMBER = (
    r"(?:\b(?i:sections?|sec|secs|clauses?|articles?|paragraphs?|para|paras|subsections?"
    r"|exhibits?|schedules?|annex|appendix|items?|rule)\.?|§§?)[ \t]*\(?\d{1,3}(?:\.\d{1,3}){1,5}\b"
)

# a version's number, not an IP address (issue 18: "beta (1.16.0.53)" became "beta ([IP])"):
# a dotted number right after a version word ("version", "ver.", "build", "beta", "firmware",
# "update to", "patch"...), an operating system's or browser's name (whose versions have four
# parts: "iOS 12.4.1.2", "Chrome 91.0.4472.124") or "Minecraft" (a game's client, versioned
# so), maybe in "(" or after ":"; kept. Words that name an address ("IP", "address", "server",
# "ping", "connect") are none of these, so "my IP is 81.2.69.160" stays an address
VERSION_BEFORE = (
    r"\b(?i:versions?|vers?|build|beta|alpha|release|update[ds]?|upgraded?|firmware"
    r"|patch(?:ed)?|ios|ipados|android|windows|macos|os ?x|chrome|chromium|firefox"
    r"|minecraft)\.?[ \t]*(?:(?i:to|is|was|of)[ \t]+)?[(:]?[ \t]*"
)
VERSION_NUMBER = r"\d{1,3}(?:\.\d{1,5}){3,}\b"
# (the number, not the words: "update" or "Windows" are in one support text of four, four
# dotted parts in one of thousands; the words' gate cost 2 us a record, this one 0.2)
VERSION_GATE = Gate(r"[0-9]\.[0-9]{1,5}\.[0-9]{1,5}\.[0-9]", ascii=True)
# an address in 0.0.0.0/8 is "this network", never a host's (RFC 1122 3.2.1.3): a version
# ("file_exists (0.10.13.40", "0.7.11.12-1.0"), no one's address
ZERO_NETWORK = r"0(?:\.\d{1,3}){3}(?:[.-]\d+)*"

NEEDS_DIGIT = {
    "card": DIGIT_GATE,
    "ssn": DIGIT_GATE,
    "ip": Gate("[0-9]|:", ascii=True),
    "mrn": DIGIT_GATE,
    "account": DIGIT_GATE,
    "order": DIGIT_GATE,
    "license": DIGIT_GATE,
    "vehicle": DIGIT_GATE,
    "device": DIGIT_GATE,
    "date": DIGIT_GATE,  # not "date:more": "in March"
    "age": Gate("y/o|yo|y.o|yr|year|age", fold=True),
    "phone": DIGIT_GATE,
    "address": DIGIT_GATE,
    "zip": DIGIT_GATE,
}
