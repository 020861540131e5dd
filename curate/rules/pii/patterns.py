"""The regex sources of the PII detectors: character classes, name forms, contexts
before and after a find, and the detectors of each type with their gates.

Only strings and small frozen dataclasses live here (no Polars, no state): the engine
(``engine.py``) compiles them into passes, and the checks in Python (``detectors.py``,
``names.py``) decide what each find becomes. Word lists are data (``words.py``).
"""

from __future__ import annotations

from curate.rules.pii.accounts import ACCOUNT_DETECTORS

# (the "X as X" names are re-exported: the engine imports them from here; the types are in
# detector.py, the date forms in dates.py)
from curate.rules.pii.address import (
    ADDRESS_AFTER,
    ADDRESS_CONTEXT,
    ADDRESS_CONTEXT_GATE,
    CORNER,
    CORNER_GATE,
    MILITARY,
    MILITARY_GATE,
    STREET_ALONE,
    TOWN_POSTCODE,
    TOWN_POSTCODE_AFTER,
    TOWN_POSTCODE_BEFORE,
    TOWN_POSTCODE_FORMED,
    TOWN_POSTCODE_FORMED_AFTER,
    TOWN_POSTCODE_LONG,
    TOWN_POSTCODE_LONG_AFTER,
    UNIT_LINES,
    UNIT_LINES_AFTER,
    UNIT_LINES_BEFORE,
    UNIT_LINES_GATE,
)
from curate.rules.pii.address_intl import (
    BLOCK_INTL_AFTER,
    BLOCK_INTL_BEFORE,
    BLOCK_INTL_GATE,
    BLOCK_INTL_STREET,
    BLOCK_INTL_TOWN,
    BLOCK_PIN,
    BLOCK_PIN_GATE,
    BLOCK_PLAIN,
    BLOCK_PLAIN_AFTER,
    BLOCK_PLAIN_GATE,
    UNIT_BEFORE,
)
from curate.rules.pii.business import (
    BUSINESS_PHONE_AFTER,
    BUSINESS_PHONE_GATE,
    BUSINESS_PHONE_PATTERNS,
)
from curate.rules.pii.dates import APOSTROPHE_YEARS as APOSTROPHE_YEARS
from curate.rules.pii.dates import DATES, DATES_MORE, DATES_NUM, MONTH
from curate.rules.pii.dates import MONTH_DAY as MONTH_DAY
from curate.rules.pii.dates import NOT_MONTH_DAY as NOT_MONTH_DAY
from curate.rules.pii.dates import SLASH_GATE as SLASH_GATE
from curate.rules.pii.detector import ASCII_B as ASCII_B
from curate.rules.pii.detector import DIGIT_GATE, WORD_CHARS
from curate.rules.pii.detector import LEAD as LEAD
from curate.rules.pii.detector import NUM_AFTER as NUM_AFTER
from curate.rules.pii.detector import NUM_BEFORE as NUM_BEFORE
from curate.rules.pii.detector import Detector as Detector
from curate.rules.pii.detector import Gate as Gate
from curate.rules.pii.detector import ascii_bounds as ascii_bounds
from curate.rules.pii.forms import CASED_NAME as CASED_NAME
from curate.rules.pii.forms import CASED_TOKEN as CASED_TOKEN
from curate.rules.pii.forms import ID_SEP as ID_SEP
from curate.rules.pii.forms import ID_VALUE as ID_VALUE
from curate.rules.pii.forms import LINE_NAME as LINE_NAME
from curate.rules.pii.forms import LOWER as LOWER
from curate.rules.pii.forms import NAME as NAME
from curate.rules.pii.forms import NAME_TOKEN as NAME_TOKEN
from curate.rules.pii.forms import NEEDS_DIGIT as NEEDS_DIGIT
from curate.rules.pii.forms import PARTICLE as PARTICLE
from curate.rules.pii.forms import PHONE_EXT as PHONE_EXT
from curate.rules.pii.forms import PHONE_SEP as PHONE_SEP
from curate.rules.pii.forms import SECTION_NUMBER as SECTION_NUMBER
from curate.rules.pii.forms import SUFFIX as SUFFIX
from curate.rules.pii.forms import SURNAME as SURNAME
from curate.rules.pii.forms import SURNAME_AFTER as SURNAME_AFTER
from curate.rules.pii.forms import SURNAME_ENDS as SURNAME_ENDS
from curate.rules.pii.forms import TWO_NAMES as TWO_NAMES
from curate.rules.pii.forms import UPPER as UPPER
from curate.rules.pii.forms import US_STATE as US_STATE
from curate.rules.pii.forms import US_STATE_NAME as US_STATE_NAME
from curate.rules.pii.forms import VERSION_BEFORE as VERSION_BEFORE
from curate.rules.pii.forms import VERSION_GATE as VERSION_GATE
from curate.rules.pii.forms import VERSION_NUMBER as VERSION_NUMBER
from curate.rules.pii.forms import ZERO_NETWORK as ZERO_NETWORK
from curate.rules.pii.forms import ZIP_NAMED_GATE as ZIP_NAMED_GATE
from curate.rules.pii.national_ids import NATIONAL_IDS
from curate.rules.pii.public import PUBLIC_EMAIL_BEFORE, PUBLIC_EMAIL_PATTERNS
from curate.rules.pii.spoken_dates import SPOKEN_DATES
from curate.rules.pii.street_forms import (
    BLOCK_TAIL,
    IN_CONTEXT,
    LINES_TAIL,
    STREET_LINE,
    UNIT,
    UNIT_GATE,
    UNIT_TOWN,
    US_STREET,
    US_TAIL,
    US_TAIL_GATE,
)
from curate.rules.pii.street_forms import QUARTER as _QUARTER
from curate.rules.pii.street_forms import US_TYPE as _US_TYPE
from curate.rules.pii.table_numbers import TABLE_NUMBERS


def _ids(kind: str, words: str) -> Detector:
    return Detector(kind, ID_VALUE, before=rf"\b(?i:{words}){ID_SEP}")


NOT_MARK = r"\x{F0000}-\x{FFFFD}"
# after a European postcode: its town, then no lower-case word but a town's particle
ZIP_EU_AFTER = (
    r"[ \t]+[A-ZÄÖÜÉ][a-zäöüéèß]{2,}\b(?:$|[^ \t-]|-[A-ZÄÖÜÉ]|[ \t]+(?:$|[^a-z \t]"
    r"|(?:am|an|im|in|bei|ob|der|sur|sous|en|le|la|de|del|di|op|aan|nad|pod|u)\b))"
)
# each street form's word with what follows it (a German one's number): the words alone
# ("str", "ring", "via") are in most English texts and let every text through to a full scan;
# a gate that starts with a digit spoils the literal prefilter (4x slower than this)
STREET_GATE = Gate(BLOCK_INTL_GATE, fold=True)
STATIC: dict[str, list[Detector]] = {
    "email": [
        Detector(
            "email",
            r"[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}\b",
            # (its local part, where it looks like a username, is redacted elsewhere in the
            # record too: "aphoenix939" alone in another turn; accounts.py)
            check="account_email",
            gate=Gate("@"),
        )
    ],
    # example and role addresses ("jane@example.com", "support@dropbox.com"): kept whole, in
    # a pass before the e-mails' ("hold": no Python step per address; public.py)
    "email:public": [
        Detector(
            "email",
            pattern,
            before=PUBLIC_EMAIL_BEFORE,
            after=r"(?:$|[^\p{L}\p{N}.-]|\.(?:$|[^\p{L}\p{N}]))",
            check="hold",
            gate=Gate("@"),
        )
        for pattern in PUBLIC_EMAIL_PATTERNS
    ],
    "url": [
        Detector(
            "url",
            r"\b(?:(?i:https?|s?ftps?|ssh|git|file|wss?|ldaps?|smb|s3)://|www\.)"
            rf"[^\s<>\"'{NOT_MARK}]*[^\s<>\"'.,;:!?)\]{NOT_MARK}]",
            check="url",  # public links stay (public.py, curate/rules/urls.py)
            gate=Gate(r"://|www\."),
        )
    ],
    "ip": [
        # a section or clause number ("Section 8.3.2.1", "§ 4.1.2.3"): matched first, kept
        Detector("ip", SECTION_NUMBER, check="reject"),
        # a number in 0.0.0.0/8, which no host has ("file_exists (0.10.13.40"): kept (forms.py;
        # the versions after their word were held by the "ip:version" pass)
        Detector(
            "ip",
            ZERO_NETWORK,
            before=r"(?:^|[^.0-9A-Za-z_])",
            after=r"(?:$|[^.0-9])",
            check="reject",
        ),
        # an outline number opening a clause ("the following: 13.2.1.1 the Brand Fund;",
        # "...bound;  13.2.1.7 all former") or in a list ("Sections 7.7.7.1 through 7.7.7.11
        # (excluding"): no part is 0 or over 99, after a line's or sentence's start, a colon,
        # a semicolon, a gap or "and"/"or"/"through", before a word; an address has a 0 or a
        # part over 99 far more often (10.0.0.1, 192.168.1.20), and is rarely written so
        Detector(
            "ip",
            r"[1-9]\d?(?:\.[1-9]\d?){3,4}\.?",
            before=r"(?:^|\n|[:;.]|[ \t]{2}|\b(?:and|or|through)[ \t])[ \t]*",
            after=r"[ \t]+[A-Za-z(]|[(:]",
            check="reject",
        ),
        # not four groups of a longer dotted number (the French phone "03.93.92.16.85")
        Detector(
            "ip",
            r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b",
            before=r"(?:^|[^.0-9A-Za-z_]|[^0-9]\.)",
            after=r"(?:$|[^.0-9]|\.(?:$|[^0-9]))",
            check="ip",
        ),
        Detector("ip", r"\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b"),
        Detector("ip", r"\b(?:[0-9A-Fa-f]{1,4}:){1,6}(?::[0-9A-Fa-f]{1,4}){1,6}\b"),
    ],
    # an id in a labelled slot ("Username: cminh730", "my gamer tag is X"), a token joined
    # by "_" whole (accounts.py): with the handles, before the numbers and the names
    "user:account": ACCOUNT_DETECTORS,
    # a Twitter/Slack handle, "@AppleSupport" (not an e-mail's "@": that pass ran first)
    "user": [
        Detector(
            "user",
            r"@[A-Za-z_][A-Za-z0-9_]{1,29}\b",
            before=rf"(?:^|[^{WORD_CHARS}@.+-])",
            check="handle",  # brand accounts stay (public.py)
            gate=Gate("@"),
        )
    ],
    # an age over 89 (HIPAA Safe Harbor): "92 year old", "92-year-old", "94 yo", "age 94"
    "age": [
        Detector(
            "age",
            r"(?:9\d|1[01]\d)",
            before=r"\b",
            after=r"[ \t-]*(?i:y/o|yo\b|y\.o\.|yrs?[ \t-]+old|years?[ \t-]+old|years?[ \t-]+of[ \t]+age"
            r"|-year-old)",
        ),
        Detector("age", r"(?:9\d|1[01]\d)\b", before=r"\b(?i:age[d]?|aged)[ \t:]*"),
    ],
    "card": [Detector("card", r"\b(?:\d[ -]?){11,18}\d\b", check="luhn")],
    "ssn": [
        Detector("ssn", r"\b\d{3}-\d{2}-\d{4}\b|\b\d{3} \d{2} \d{4}\b"),
        Detector(
            "ssn",
            r"\d{9}\b",
            before=r"\b(?i:ssn|social security(?: number| no\.?)?)[ \t]*[:#]?[ \t]*",
        ),
        *NATIONAL_IDS,  # other countries' identity numbers and passports (national_ids.py)
    ],
    "date": DATES,
    # dates in words, as transcribed speech writes them (spoken_dates.py)
    "date:spoken": SPOKEN_DATES,
    # more date forms, in a pass of their own (dates.py)
    "date:more": DATES_MORE,
    "phone": [
        # an SEC or court file number is no phone: "(File No. 333-6399)", "Commission File
        # Number: 001-36052" (matched first and given back as text)
        Detector(
            "phone",
            r"\d{1,3}-\d{3,8}\b",
            before=r"\b(?i:file)[ \t]+(?i:no\.?|nos\.?|number|#)[ \t]*[:#]?[ \t]*",
            check="reject",
        ),
        # an insurance form's number is no phone: "(ISO) Form CG 00 01 12 04" (ISO's form
        # code and edition, read in the CUAD export as "Form CG [PHONE]")
        Detector(
            "phone",
            r"\d{2}(?:[ .-]\d{2}){1,5}\b",
            before=r"\b(?:Form|FORM|form)[ \t]+[A-Z]{1,4}[ \t]*",
            check="reject",
        ),
        Detector(
            "phone",
            rf"\+\d{{1,3}}[ .-]?(?:\(0?\d{{0,4}}\)[ .-]?)?\d{{1,5}}(?:[ .-]\d{{2,5}}){{2,5}}{PHONE_EXT}\b",
        ),
        Detector(
            "phone",
            rf"(?:\(\d{{3}}\)|\b\d{{3}}){PHONE_SEP}\d{{3}}{PHONE_SEP}\d{{4}}{PHONE_EXT}\b",
        ),
        Detector("phone", r"\(\d{2,4}\)[ .-]?\d{3}[ .-]?\d{3,4}\b"),
        # pager / extension / beeper numbers named by context: "pager 54321", "x4567"
        Detector(
            "phone",
            # the whole number after its label, in groups too ("Phone: 0490 75 40 81")
            rf"(?:\d{{2,7}}(?:[ .-]\d{{2,7}}){{1,5}}|\d{{4,15}}){PHONE_EXT}\b",
            before=r"\b(?i:pager|beeper|pgr|pg|bpr|paged|ext|extension|tel|phone|fax|cell|mobile)"
            r"\.?[ \t]*(?:#|no\.?|number)?[ \t:#]*",
        ),
        Detector("phone", r"\d{4,5}\b", before=r"\b(?i:x)"),
        Detector(
            "phone",
            r"\d{2,5}(?:[ -]\d{2,4}){2,4}|\d{2}(?:\.\d{2}){3,4}",
            before=NUM_BEFORE,
            after=NUM_AFTER,
            check="phone",
        ),
        Detector(
            "phone",
            r"\d{3}[ -]\d{4}|\d{4} \d{4}|\d{2,4} \d{6,8}|0\d{9,10}",
            before=NUM_BEFORE,
            after=NUM_AFTER,
            check="phone",
        ),
        # a US number mistyped by a digit, set off in parentheses as a contact note:
        # "(301 273 45166)", "(617 5532 4410)"; the exact 3-3-4 form is matched above
        Detector(
            "phone",
            r"\d{3}[ .-](?:\d{3}[ .-]\d{5}|\d{4}[ .-]\d{4,5})",
            before=r"\([ \t]*",
            after=r"[ \t]*\)",
            check="phone",
        ),
    ],
    # a version's number after its word ("beta (1.16.0.53)", "Chrome 91.0.4472.124": forms.py)
    # kept whole, held out of every later pass (not a reject in the ip pass: there the words'
    # regex cost 0.3 us on every text with a digit; here the gate lets through only the texts
    # with four dotted numbers)
    # a table's values before their unit, an amount after its currency, a regulation's
    # number, a table's row: no phones ("Frequency 2085 2115 Hz", "RUB 50 000 000", "DFARS
    # 252.227-7013": [PHONE] in the CUAD export of session 13), held whole like the versions
    # (table_numbers.py; with the phones' pass they overflowed its lazy DFA: tickets 15x)
    "phone:table": TABLE_NUMBERS,
    "ip:version": [
        Detector("ip", VERSION_NUMBER, before=VERSION_BEFORE, check="hold", gate=VERSION_GATE)
    ],
    # toll-free and freephone numbers (a helpline): kept whole, in a pass before any other
    # number's, where the pack keeps them (pii.business_phones; business.py)
    "phone:business": [
        Detector(
            "phone",
            pattern,
            before=NUM_BEFORE,
            after=BUSINESS_PHONE_AFTER,
            check="hold",
            gate=Gate(BUSINESS_PHONE_GATE),
        )
        for pattern in BUSINESS_PHONE_PATTERNS
    ],
    # an E.164 number without separators, "+254711303113": a pass before the ids' (whose
    # card detector would take its digits), on the texts with a "+" and a digit
    "phone:e164": [
        Detector("phone", r"(?-u:\B)\+[1-9][0-9]{7,14}\b", gate=Gate(r"\+[0-9]")),
        # a number after its label whose groups a dash with blanks around it parts, and
        # slashes ("Phone: 0049- 7351/54 - 96145 33", CUAD: the phones' pass took the
        # country's code alone, "[PHONE]- 7351/54 - 96145 33" in the export). Here, not in
        # the phones' pass: there the blanks' forms overflowed its lazy DFA (tickets 14x)
        Detector(
            "phone",
            r"\d{2,5}(?:[ \t]-[ \t]?|-[ \t])\d{2,7}(?:(?:[ \t]*[/-][ \t]*|[ \t])\d{2,7}){1,4}\b",
            before=r"\b(?i:tel|telephone|phone|fax|facsimile)\.?[ \t]*(?:#|no\.?|number)?[ \t:#]*",
            gate=Gate(r"[0-9][ \t]-|-[ \t][0-9]"),
        ),
    ],
    "mrn": [_ids("mrn", r"mrn|medical record|med rec|patient id|chart|unit no|hospital no")],
    "account": [
        _ids(
            "account",
            r"account|acct|member(?:ship)?|policy|claim|invoice|health plan|insurance|subscriber"
            r"|beneficiary|customer|iban|routing",
        )
    ],
    # "smart card no: 10052474284": a pass after the ids' (where a payment card's number is
    # a card), on the texts with "card"; check "card_no": a card when Luhn-valid, else an id
    "account:card": [
        Detector(
            "account",
            rf"[0-9][0-9 -]{{4,}}[0-9]\b|{ID_VALUE}",
            before=r"\b(?i:card)[ \t]*(?:(?i:no\.?|number|num|#|id)(?:[ \t]+(?i:is))?[ \t]*[:#=]?"
            r"|[:#=])[ \t]*#?[ \t]*",
            check="card_no",
            gate=Gate("card", fold=True),
        )
    ],
    "order": [
        _ids(
            "order",
            r"order|ticket|case|reference|ref|confirmation|tracking|booking|reservation|transaction|rma",
        )
    ],
    "license": [
        _ids("license", r"licen[cs]e|driver'?s licen[cs]e|dl|dea|npi|certificate|passport")
    ],
    "vehicle": [
        _ids("vehicle", r"vin|licen[cs]e plate|plate|registration"),
        Detector("vehicle", r"\b[A-HJ-NPR-Z]{1,3}[0-9][A-HJ-NPR-Z0-9]{13,15}\b"),
    ],
    "device": [_ids("device", r"serial|s/n|sn|device|imei|udid|mac address|model")],
    "address": [
        # (a numbered street: "1360 East 9th Street", whose number was taken as a European
        # postcode before its town, "[ZIP] East 9th Street" in the CUAD export; a quarter after
        # the type and a unit after a dash: "1701 K Street, N.W. Suite 700", "150 South Fifth
        # Street — Suite 2300": the unit was a second find, "Suite [ADDRESS]"; a word with a
        # full stop only as an abbreviation, "Mt.", "J.F.K.": not a sentence's end before a
        # title, "3.2 Exclusivity. Dr. Murray shall", exported "3.[ADDRESS] [PERSON] shall")
        Detector(
            "address",
            r"\b\d{1,6}[ \t]+(?:(?:\p{Lu}[\p{L}'-]*|[A-Z][a-z]{0,3}\.(?:[A-Z]\.)*(?:[A-Z][a-z]+)?|\d{1,3}(?:st|nd|rd|th))[ \t]+){1,4}"
            r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd"
            r"|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Square|Sq|Way|Terrace|Parkway|Pkwy|Circle|Cir"
            r"|Highway|Hwy|Trail|Alley|Row|Crescent|Close)\b\.?"
            rf"{_QUARTER}"
            r"(?:(?:,?[ \t]*|[ \t]+[—–-][ \t]+)(?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl|#)\.?[ \t]*#?"
            r"[A-Za-z0-9-]*[0-9][A-Za-z0-9-]*)?"
            # (and a post box after it: "77 King Street West Suite 3000, P.O. Box 95")
            r"(?:,?[ \t]+(?i:p\.?[ \t]?o\.?[ \t]?box)[ \t]+\d+\b)?",
        ),
        Detector("address", r"\b(?i:p\.?[ \t]?o\.?[ \t]?box)[ \t]+\d+\b"),
    ],
    "zip": [
        Detector("zip", r"\d{5}(?:-\d{4})?\b", before=rf"\b{US_STATE},?[ \t]+"),
        Detector("zip", r"\b\d{5}-\d{4}\b"),
        Detector(
            "zip",
            r"\d{5}(?:-\d{4})?\b|[A-Z]\d[A-Z] ?\d[A-Z]\d\b|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b",
            before=r"\b(?i:zip(?: code)?|postal code|post ?code)[ \t]*:?[ \t]*",
        ),
        # a UK postcode, "SW1A 2AA"; an Indian PIN, "Mumbai - 400001", "PIN: 560001"
        Detector("zip", r"\b[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[ABD-HJLNP-UW-Z]{2}\b"),
        Detector(
            "zip",
            r"[1-9]\d{2}[ \t]?\d{3}\b",
            before=r"(?:\b(?i:pin(?:[ \t]*code)?|pincode)[ \t]*:?[ \t]*|\b[A-Z][a-z]+[ \t]*[-–][ \t]*)",
        ),
    ],
    # more phone and zip forms, scanned with the ids (before the numbers' pass, so a country
    # code is part of the number, not left before it; in the numbers' pass they overflowed
    # Rust's lazy DFA cache: the tickets' scan 30x; in a pass of their own their gates cost
    # more than the ids' pass, which the texts with a digit go through anyway)
    "phone:intl": [
        # a US number with its country code: "1-800-555-0199", "+1 555 123 4567", "001-541-..."
        Detector(
            "phone",
            rf"(?:\b(?:001|1)[ .-]|\+1[ .-]?)(?:\(\d{{3}}\)|\b\d{{3}}){PHONE_SEP}\d{{3}}{PHONE_SEP}\d{{4}}"
            rf"{PHONE_EXT}\b",
            gate=DIGIT_GATE,
        ),
        # a country code with "+" or "00" and longer groups: "+358 40 1234567", "+49 (0) 30
        # 1234567", "0049 30 1234567" (7 to 15 digits: check "phone"; "00" not in an amount)
        Detector(
            "phone",
            rf"\+\d{{1,3}}[ .-]?(?:\(0?\d{{0,4}}\)[ .-]?)?\d{{1,5}}(?:[ .-]\d{{2,8}}){{1,4}}{PHONE_EXT}\b",
            check="phone",
            gate=DIGIT_GATE,
        ),
        Detector(
            "phone",
            rf"00\d{{1,3}}[ .-]?(?:\(0?\d{{0,4}}\)[ .-]?)?\d{{1,5}}(?:[ .-]\d{{2,8}}){{1,4}}{PHONE_EXT}\b",
            before=NUM_BEFORE,
            after=NUM_AFTER,
            check="phone",
            gate=DIGIT_GATE,
        ),
        # an area code of 2-5 digits in parentheses: "(0151) 496 0123", "(02) 9876 5432"
        Detector(
            "phone",
            rf"\(\d{{2,5}}\)[ .-]?\d{{3,4}}[ .-]?\d{{3,4}}{PHONE_EXT}\b",
            gate=DIGIT_GATE,
        ),
        # a label's number with groups of up to 8 digits: "tel. 06-12345678", "tel: 089/1234567"
        Detector(
            "phone",
            rf"\d{{2,8}}(?:[ ./-]\d{{2,8}}){{1,5}}{PHONE_EXT}\b",
            before=r"\b(?i:ext|extension|tel|phone|fax|cell|mobile)\.?[ \t]*(?:#|no\.?|number)?[ \t:#]*",
            check="phone",
            gate=DIGIT_GATE,
        ),
        # two groups of five: "98765 43210"
        Detector(
            "phone",
            r"\d{5} \d{5}",
            before=NUM_BEFORE,
            after=NUM_AFTER,
            check="phone",
            gate=DIGIT_GATE,
        ),
        # a town and its postcode after "in": "in Bjert 6091" (address.py)
        Detector(
            "address",
            TOWN_POSTCODE,
            before=TOWN_POSTCODE_BEFORE,
            after=TOWN_POSTCODE_AFTER,
            check="street",
            gate=DIGIT_GATE,
        ),
        # ... running on into the sentence: "in Aurich 87178 last spring" (address.py)
        Detector(
            "address",
            TOWN_POSTCODE_LONG,
            before=TOWN_POSTCODE_BEFORE,
            after=TOWN_POSTCODE_LONG_AFTER,
            check="street",
            gate=DIGIT_GATE,
        ),
        # ... and with a postcode of a form that says it is one: "in Kraków 30-001" (address.py)
        Detector(
            "address",
            TOWN_POSTCODE_FORMED,
            before=TOWN_POSTCODE_BEFORE,
            after=TOWN_POSTCODE_FORMED_AFTER,
            check="street",
            gate=DIGIT_GATE,
        ),
        # other countries' postcodes after the word: "ZIP: 394 13", "7412 SL", "my zip code is 3520"
        Detector(
            "zip",
            r"\d{3,5}(?:[ -]\d{2,4}|[ \t][A-Z]{2})?\b",
            before=r"\b(?i:zip(?: ?code)?|postal code|post ?code)[ \t]*(?:(?i:is)[ \t]+)?:?[ \t]*",
            gate=DIGIT_GATE,
        ),
    ],
    # a postal address whole, in a pass before the numbers (so its zip is part of it): a US
    # street with its city, state and zip ("123 Main St, Springfield, IL 62704"), or a street
    # line with an apartment or suite and the lines after it (city, "Country 38524")
    # a street line with its unit and the lines after it, and military mail: a pass of their
    # own before the other blocks, on the texts with "Apt." "Suite" "Unit" or "APO" "FPO"
    # "DPO" (with the blocks, every text with a line break went through them: 2x the cost)
    "address:unit": [
        # a notice's addressee before the street is no street's name: "Attention: Richard Hersh
        # 10400 Griffin Rd., Suite 101" took the name into the address (CUAD): matched first
        # and given back, for the contracts pack's "Attention:" names; the street after it is
        # matched on (not after "Mr."/"Mrs.": "Mrs. Jennifer Alcaraz Suite 541 6343 Skogstien
        # 106", a unit before its street, presidio half A)
        Detector(
            "address",
            r"[A-Z][a-z]+(?:[ \t]+(?:[A-Z]\.|[A-Z][A-Za-z'’-]+))*",
            before=r"\b(?:Attention|ATTENTION|Attn|ATTN)\.?[ \t]*:?[ \t]*",
            check="reject",
            gate=Gate(UNIT_LINES_GATE),
        ),
        # a street line and its unit in any case, or the unit first (address.py):
        # first, as on a tie the earlier detector wins and they run on further
        *(
            Detector(
                "address",
                p,
                before=UNIT_LINES_BEFORE,
                after=UNIT_LINES_AFTER,
                gate=Gate(UNIT_LINES_GATE),
            )
            for p in UNIT_LINES
        ),
        # (not ending in the first digits of a number on the next line: a phone's "655 437 108")
        Detector(
            "address",
            rf"{STREET_LINE}{UNIT}{UNIT_TOWN}{BLOCK_TAIL}",
            # (or a second street's number, as two notice blocks side by side write it:
            # "700 Dresher Road, Suite 100 700 Dresher Road, Suite 100 Horsham": the unit's
            # number started a street of its own, "[ADDRESS], Suite [ADDRESS]", CUAD)
            after=r"(?:$|[^0-9 \t]|[ \t]+(?:$|[^0-9 \t]|[0-9]{1,6}[ \t]+[A-Z]))",
            gate=UNIT_GATE,
        ),
        # US military mail: "PSC 0413, Box 8144\nAPO AA 42323" (address.py)
        Detector("address", MILITARY, gate=Gate(MILITARY_GATE)),
    ],
    # blocks without a street's word: a pass of their own after the units' (in that pass the
    # seven detectors overflowed Rust's lazy DFA: 1.5 s on 2,000 bench tickets, ~190x the
    # median pass; apart, each pass costs what its detectors do alone)
    "address:plain": [
        # a street without a street's word, then its postcode's line: "Na Šubě 865, 575 43
        # Skuteč" (address_intl.py; in this pass, whose gates pass few texts: it starts at
        # any capital, 4x the cost of the town-first pass it was in)
        Detector(
            "address",
            BLOCK_PLAIN,
            before=BLOCK_INTL_BEFORE,
            after=BLOCK_PLAIN_AFTER,
            check="street",
            gate=Gate(BLOCK_PLAIN_GATE),
        ),
        # India's block without a street's word: "52, Dada, Allahabad 423667" (address_intl.py)
        Detector(
            "address",
            BLOCK_PIN,
            before=BLOCK_INTL_BEFORE,
            after=BLOCK_INTL_AFTER,
            gate=Gate(BLOCK_PIN_GATE),
        ),
        # (not in the units' pass: there it tipped that pass's regex over Rust's lazy DFA
        # cache, 50x on support tickets, test_rules_pii_speed)
        # a named street without its number, then its unit: "Red Bug Lake Road, Suite 256,
        # Winter Springs, Florida 32708" (CUAD: the unit and the town were a find of their
        # own, "Red Bug Lake Road, Suite [ADDRESS]"); a street's type word and a unit after it
        # say it is one
        Detector(
            "address",
            rf"(?:[A-Z][a-z]+[ \t]+){{1,3}}{_US_TYPE}\b\.?{UNIT}{UNIT_TOWN}{BLOCK_TAIL}",
            # (after a stop, a comma or a line's start: not a name's words before a street with
            # its number, "Corporate Center One Crescent Drive Suite 400")
            # (a stop after a word, not an initial's: "1900 S. Norfolk St., Suite 310")
            before=r"(?:^|\n|[a-z]{2}\.[ \t]+|[,;:][ \t]+)[ \t]*",
            after=r"(?:$|[^0-9 \t]|[ \t]+(?:$|[^0-9 \t]))",
            gate=UNIT_GATE,
        ),
    ],
    # a block in the world's national forms: street line, postcode line (address_intl.py): a
    # pass of its own before the context's, whose find would start at "address:" and win
    # (inside the context's regex it overflowed Rust's lazy DFA: 100x; in the blocks' pass it
    # ran on every text with a line break: 3 us/rec)
    # (its town-first form a pass of its own, before: together they overflowed the DFA)
    "address:world_town": [
        Detector(
            "address",
            BLOCK_INTL_TOWN,
            before=BLOCK_INTL_BEFORE,
            after=BLOCK_INTL_AFTER,
            gate=STREET_GATE,
        ),
    ],
    "address:world": [
        Detector(
            "address",
            BLOCK_INTL_STREET,
            before=BLOCK_INTL_BEFORE,
            after=BLOCK_INTL_AFTER,
            gate=STREET_GATE,
        ),
    ],
    "address:block": [
        # the longer forms first: on a tie the earlier detector wins ("1737 Cheriton Dr Reuquen
        # Extensions\n Apt. 724" is one street line, not the US form's "1737 Cheriton Dr")
        # (a unit before it: "Unit 4, 12 Wattle Crescent\nDUBBO NSW 2830")
        # (not a number after a hyphen: the end of a postcode, "Fukuoka, 806-0004 Marlborough,
        # MA 01752", two notice blocks' columns read across, exported "806-[ADDRESS]")
        Detector(
            "address",
            rf"{UNIT_BEFORE}{STREET_LINE}{LINES_TAIL}",
            before=r"(?:^|[^0-9A-Za-z-])",
            gate=Gate("\n"),
        ),
        Detector("address", rf"{US_STREET}{US_TAIL}", gate=US_TAIL_GATE),
    ],
    # a street after "lives at", "address is", ... (address.py): a pass after the blocks',
    # whose finds start at the number (with its context this one starts sooner and won)
    "address:context": [
        Detector("address", CORNER, gate=Gate(CORNER_GATE, fold=True)),
        Detector(
            "address",
            IN_CONTEXT,
            before=ADDRESS_CONTEXT,
            after=ADDRESS_AFTER,
            check="street",
            gate=Gate(ADDRESS_CONTEXT_GATE, fold=True),
        ),
        # streets written the German, French, Spanish or Italian way, without the block's
        # postcode line (once a pass of their own after the numbers'; after the context's,
        # which takes the town after them: "lives at Villacher Strasse 89, Klagenfurt")
        # German "Hauptstraße 5", French "12 rue de Rivoli", Spanish "Calle Mayor 5"
        Detector(
            "address",
            # ("-ring" after a consonant: "Kaiserring 4", not a gerund "Wearing 40% face
            # tent", "During 2010", "Hearing 2")
            r"\b[A-ZÄÖÜ][a-zäöüß]*(?:[a-zäöüß](?:straße|strasse|str\.|weg|platz|gasse|allee|damm)"
            r"|[b-df-hj-np-tv-zß]ring)[ \t]+\d{1,4}[a-z]?\b",
            gate=STREET_GATE,
        ),
        # Nordic, Dutch, Finnish, Hungarian and Polish streets with their number (address.py)
        Detector(
            "address",
            STREET_ALONE,
            before=UNIT_LINES_BEFORE,
            after=r"(?:$|[^0-9])",
            gate=STREET_GATE,
        ),
        Detector(
            "address",
            r"\b\d{1,4}(?:[ \t]?(?:bis|ter))?,?[ \t]+(?i:rue|avenue|boulevard|bd|place|chemin|allée"
            r"|impasse|quai|route)[ \t]+(?:(?:de|du|des|la|le)[ \t]+|l'|d')*[A-ZÉ][A-Za-zà-ÿ'-]+"
            r"(?:[ \t]+[A-Z][A-Za-zà-ÿ'-]+)?",
            gate=STREET_GATE,
        ),
        Detector(
            "address",
            r"\b(?:Calle|C/|Avenida|Avda\.?|Plaza|Paseo|Carrer|Camino|Via|Viale|Piazza)[ \t]+"
            r"(?:(?:de|del|la|las|los|di|della)[ \t]+)*[A-ZÁÉÍÓÚ][a-zà-ÿ]+(?:[ \t]+[A-Z][a-zà-ÿ]+)?,?[ \t]+"
            r"(?:n[ºo°]\.?[ \t]*)?\d{1,4}\b"
            # (a floor or door after the number: "Via Mimun, 62 Piano 7", "... 2 Puerta 6")
            r"(?:,?[ \t]+(?i:piano|appartamento|interno|scala|puerta|piso|planta)[ \t]+\d{1,4}\b)?",
            gate=STREET_GATE,
        ),
    ],
    # more numeric dates, scanned with the date/phone pass (dates.py)
    "date:num": DATES_NUM,
    # a European postcode before its town, after a comma or at a line's start: ", 10115
    # Berlin", "75001 Paris" (a pass of its own: in the date pass every detector looks one
    # character before the number, which the street's find before the comma took)
    "zip:eu": [
        # a date's year is no postcode: "September 2, 2010 Page 35", "Dated: March 3, 2019
        # Exhibit" (matched first and given back; packs without dates, such as contracts,
        # made such years [ZIP]: 154 in the CUAD export)
        Detector(
            "zip",
            # (or a month and its year: "this 19th day of March, 2020 Between")
            # (in capitals, a day in brackets or a blank: "NOVEMBER 3, 1997 Date", "March [1],
            # 2011 Filed", "Date: ________, 1997 Name"; CUAD export)
            rf"(?i:{MONTH})\.?[ \t]+(?:\d{{1,2}}(?:st|nd|rd|th)?(?:[-–]\d{{1,2}})?|\[[0-9 ]{{0,3}}\]|_{{2,}}),[ \t]*(?:1[89]|20)\d{{2}}"
            rf"|(?i:{MONTH}),?[ \t]+(?:1[89]|20)\d{{2}}|_{{2,}},[ \t]*(?:1[89]|20)\d{{2}}"
            # a year opening a line before a title's words: "2019 Annual Meeting", "2001
            # Former ---" (a postcode's town ends its line or a comma follows it)
            r"|(?:^|\n)[ \t]*(?:19[5-9]|20[0-4])[0-9](?:[ \t]+[A-Z][a-z]+){1,2}[ \t]+(?:[A-Z][a-z]|-)",
            check="reject",
            gate=Gate(r"[0-9]{4}[ \t]+[A-Z]"),
        ),
        # (the town's word ends a phrase: not a count before a noun, "1000 Berlin visitors";
        # a town's particle may follow, "9828 Hall in Tirol", "80331 München am Main")
        Detector(
            "zip",
            r"\d{4,5}",
            before=r"(?:,|^|\n)[ \t]*(?:[A-Z]{1,2}-)?",
            after=ZIP_EU_AFTER,
            gate=Gate(r"[0-9]{4}[ \t]+[A-Z]"),
        ),
        # postcodes named by their state, province or country ("Cleveland, Ohio 44114", "Toronto,
        # Ontario M5K 1G8", "Yavne, Israel 8122745", "Singapore 059817"), gated on the names
        # (in the numbers' pass they cost every text with a digit ~1 us per bench ticket)
        Detector(
            "zip",
            r"\d{5}(?:-\d{4})?\b",
            before=rf"\b{US_STATE_NAME},?[ \t]+",
            gate=ZIP_NAMED_GATE,
        ),
        # a Canadian postcode after its province or the country: "Toronto, Ontario M5K 1G8",
        # "Vancouver BC V6J4Z6", "Quebec Canada H3B 4W8" (left in the CUAD export)
        Detector(
            "zip",
            r"[A-Z]\d[A-Z][ \t]?\d[A-Z]\d\b",
            before=r"\b(?:Ontario|Quebec|Québec|British[ \t]+Columbia|Alberta|Manitoba"
            r"|Saskatchewan|Nova[ \t]+Scotia|New[ \t]+Brunswick|Newfoundland(?:[ \t]+and[ \t]+Labrador)?"
            r"|Prince[ \t]+Edward[ \t]+Island|Canada|ON|QC|BC|AB|MB|SK|NS|NB|NL|PE|YT|NT|NU),?[ \t]+",
            gate=ZIP_NAMED_GATE,
        ),
        # Singapore's six digits after its name: "The Central Singapore 059817" (CUAD)
        Detector(
            "zip", r"\d{6}\b", before=r"\b(?:Singapore|SINGAPORE),?[ \t]+", gate=ZIP_NAMED_GATE
        ),
        # Israel's seven digits beside the country's name: "Yavne, Israel 8122745", "Yehud
        # 5621717, Israel" (CUAD's notices)
        Detector("zip", r"\d{7}\b", before=r"\b(?:Israel|ISRAEL),?[ \t]+", gate=ZIP_NAMED_GATE),
        Detector("zip", r"\b\d{7}", after=r",?[ \t]+(?:Israel|ISRAEL)\b", gate=ZIP_NAMED_GATE),
    ],
}
# a given name and a surname written with a letter beyond ASCII ("Michal Horký", "Emmie
# Ström", "Erlendur G. Hafliðason"; issue 18: names of non-English locales): the census-name
# pass matches ASCII only and cut such a surname at its first accented letter ("Michal Hork"
# + "ý"). Check "given_pair": the first token a known given name. Gated on such a letter.
ACCENTED = "ß-öø-ÿĀ-ɏḀ-ỿ"
STATIC["person:diacritic"] = [
    Detector(
        "person",
        # (Latin letters only, the given name in ASCII as the lists have it: with the name
        # tokens' classes this pass overflowed Rust's lazy DFA on tickets)
        rf"[A-Z][a-z]+[ \t]+(?:[A-Z]\.?[ \t]+)?[A-ZÀ-ÖØ-ÞĀ-ɏ][a-z]*[{ACCENTED}][a-z{ACCENTED}]*",
        before=rf"(?:^|[^{UPPER}{LOWER}0-9_'’-])",
        after=SURNAME_AFTER,  # (or a possessive: "Emmie Ström's")
        check="given_pair",
        gate=Gate(f"[{ACCENTED}]"),
    )
]
PASS_TYPES = (
    # links first: a link that carries an e-mail is redacted whole, a public one kept whole
    ("url",),
    # (with the versions, both held: a pass of their own would cost one more regex in a
    # thread's cache)
    ("email:public", "ip:version", "phone:table"),
    ("email",),
    ("user",),
    ("user:account",),
    ("phone:business",),
    ("phone:e164",),
    ("age",),
    ("address:unit",),
    ("address:plain",),
    ("address:world_town",),
    ("address:world",),
    ("address:block",),
    ("address:context",),
    ("card", "ssn", "ip", "mrn", "account", "order", "license", "vehicle", "device", "phone:intl"),
    ("account:card",),
    # (before the numbers': "mammoplasty on 10-10 20-20" is no phone; and before a month
    # alone: "Since December eleventh" whole, not "Since December" and its day left)
    ("date:spoken",),
    ("date", "phone", "address", "zip", "date:num"),
    # (the accented names here: a pass of their own cost two more regexes than fit a thread's
    # cache of compiled regexes, and their gate joins zip:eu's)
    ("date:more", "zip:eu", "person:diacritic"),
)
