"""What a find becomes: the checks in Python that a regex cannot do, per detector.

The value checks of single types (``luhn_ok`` for cards, ``month_day_ok`` for "7/22" in notes,
``phone_ok`` for bare digit groups) and ``check``, which runs a detector's named check on one
distinct find and returns its text: wrapped as a find, given back as text, or (names) with the
names to spread through the record noted after it. The name checks themselves are in
``names.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from curate.rules.pii.address import street_ok
from curate.rules.pii.markers import CLOSE, KEEP, NOTE, _canon
from curate.rules.pii.name_contexts import GREETING_WORDS
from curate.rules.pii.names import (
    _TITLE_RE,
    PARTICLES,
    _case,
    _is_initial,
    _listed_span,
    _name_span,
    _title_form,
    _title_noun,
    _trailing_span,
    _word_ok,
    folded,
)
from curate.rules.pii.not_person import compound_ok, town_text
from curate.rules.pii.patterns import SURNAME_ENDS, Detector
from curate.rules.pii.public import brand_handle, public_url
from curate.rules.pii.unseen import (
    SHAPE_START,
    SHAPE_TYPO,
    more_name,
    name_shape,
    opener_word,
    plain_word,
    surname_evidence,
    unknown_name,
    unseen_word,
)

if TYPE_CHECKING:
    from curate.rules.pii.engine import PiiEngine


_NOT_UNSEEN = PARTICLES | {"and"}  # "Boix and Carre": the names only
_LONE_INITIAL = re.compile(r"[a-z][ \t]+(?=[A-Za-z])")
# "Dr. Patel and Okonkwo", "DR. PATEL AND OKONKWO" (a header's capitals)
_AND_NAME_RE = re.compile(r"([ \t]+(?:and|AND)[ \t]+)(\S+)$")


def _second_name(token: str, eng: PiiEngine) -> bool:
    """After "Dr. Patel and": a listed name or one no list holds, not a word ("Nurse")."""
    return _title_form(token) in eng.listed or unknown_name(token, eng)


def month_day_ok(text: str) -> bool:
    """Month/day (7/22) or month/yy (8/87), but not a fraction such as 1/2 or 3/4; in a range
    (6/30-7/2) both ends."""
    if "-" in text:
        return all(month_day_ok(part) for part in text.split("-"))
    m, d = (int(x) for x in text.split("/"))
    if not 1 <= m <= 12 or d == 0:
        return False
    return not (d <= 4 and m < d)


_PHONE_GROUPS = re.compile(r"[ .-]")
_PHONE_EXT_RE = re.compile(r"[ \t]*(?:x|ext\.?|extension)[ \t]*(?=\d)")


def _year(group: str) -> bool:
    return len(group) == 4 and 1900 <= int(group) <= 2099


def _table_numbers(groups: list[str], seps: list[str]) -> bool:
    """Digit groups that read as a table's or a date's, not a phone's (CUAD's tables, issue
    18): a US date ("12-23-2019": month, day, year) or years side by side ("2000 2002",
    "Total 2018 5000 2019": two years or more among groups set apart by blanks). A row of
    small values needs its neighbours to tell it ("-- 10 14 1860 --"; "41 61 935 5353" after
    "Telephone: +" is Basel's): table_numbers.py."""
    if (
        len(groups) == 3
        and len(set(seps)) == 1
        and seps[0] in "-/."
        and _year(groups[2])
        and len(groups[0]) <= 2
        and len(groups[1]) <= 2
    ):
        return 1 <= int(groups[0]) <= 12 and 1 <= int(groups[1]) <= 31
    if not seps or not all(s == " " for s in seps):
        return False
    return sum(_year(g) for g in groups) >= 2


def phone_ok(text: str) -> bool:
    """A bare digit group pattern is a phone number when it has 7 to 15 digits and does not
    read as a range of values ("78-84 28", "900-1300", "100-1112": clinical vitals)."""
    text = _PHONE_EXT_RE.split(text, maxsplit=1)[0]  # "x123": the extension's digits apart
    digits = sum(c.isdigit() for c in text)
    if not 7 <= digits <= 15:
        return False
    # digits only: a group may hold an area code in parentheses ("001(248)750-1234")
    groups = [re.sub(r"\D", "", g) for g in _PHONE_GROUPS.split(text)]
    seps = _PHONE_GROUPS.findall(text)
    if [len(g) for g in groups] == [4, 2, 2] and seps == ["-", "-"]:
        return False  # the shape of an ISO date (2024-13-45), not of a phone number
    if text[:1].isdigit() and _table_numbers(groups, seps):  # not "+49 (0) 30 1234567"
        return False
    if not seps or seps[0] != "-" or (len(seps) > 1 and seps[1] == "-"):
        return True
    low, high = int(groups[0]), int(groups[1])
    if low < high <= 2 * low and len(groups[1]) >= len(groups[0]):
        return False  # a range: the second value a little above the first
    # 3+4 digits with no area code: a US exchange never starts with 0 or 1
    return not (len(groups) == 2 and len(groups[0]) == 3 and groups[0][0] in "01")


def luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    if not 12 <= len(digits) <= 19 or len(set(digits)) == 1:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _lone_given(value: str, first: str, wrap: Callable[[str], str], eng: PiiEngine) -> str:
    """A census given name alone in a note's lower or upper case ("spoke with mary re plan",
    "KAREN AT BEDSIDE"; the find is the name and the next word): a name, but not where it is a
    nursing word ("eve", "MAE", "max assist"; pii_words.toml clinical_words) or a word of real
    English text too ("poison ivy"; given_names_as_words.txt)."""
    low = first.lower()
    if low in eng.words.clinical_words or low.title() in eng.words.given_as_words:
        return value  # "max assist", "poison ivy"
    if not _word_ok(first, eng):
        return value
    nxt = value[len(first) :].strip(" \t.,;:").lower().encode()
    if nxt in eng.words.disease_bytes or nxt in eng.words.thing_bytes:
        return value  # "DOUGLAS POUCH", "parkinson disease"
    return wrap(first) + value[len(first) :] + f"{NOTE}{first}{NOTE}"


_LOWER_SURNAME_RE = re.compile(rf"[a-z]{{2,}}{SURNAME_ENDS}")
_SURNAME_RE = re.compile(rf"[A-Z]\w+{SURNAME_ENDS}")


def _lower_pair(
    value: str, wrap: Callable[[str], str], eng: PiiEngine, *, alone: bool = False
) -> str:
    """A full name in lower case ("grace ross", "eric g. samoylova's"): a given name, then a
    census surname or a word with a surname's ending ("-ova", "-sson"), that is no common
    English word ("john said", "anna young"). A given name that is a word too ("grace", "mark":
    name_words, given_names_as_words) needs a census surname ("grace ross"). "will smith" is no
    find: "will" is a common word, no given name in lower case. The surname spreads."""
    tokens = value.split()
    first, last = tokens[0], tokens[-1]
    end = ""
    for s in ("'s", "’s", "'", "’"):
        if last.endswith(s):
            last, end = last[: -len(s)], s
            break
    words = eng.words
    low = last.lower()
    if len(low) < 3 or low in words.common_words or not _word_ok(last, eng):
        return value
    title = last.title()
    census = title in eng.listed and title in words.last_names
    wordy = first in words.name_words or first.title() in words.given_as_words
    # a text's first line of its own: any surname ("leone mazzi"), after no name-word
    if not (census or (not wordy and (alone or _LOWER_SURNAME_RE.fullmatch(low)))):
        return value
    if low in words.clinical_words or first in words.clinical_words:
        return value
    name = value[: len(value) - len(end)]
    return wrap(name) + end + f"{NOTE}{last}{NOTE}"


def _lower_pair_or_initial(
    value: str, wrap: Callable[[str], str], eng: PiiEngine, *, alone: bool = False
) -> str:
    """``_lower_pair``; where it keeps a name with a middle initial, ``_lower_initial`` (the
    surname on no list: "ravi n. overdijk's")."""
    out = _lower_pair(value, wrap, eng, alone=alone)
    if out != value or len(value.split()) != 3 or len(value.split()[1].rstrip(".")) != 1:
        return out
    return _lower_initial(value, wrap, eng)


def _lower_initial(value: str, wrap: Callable[[str], str], eng: PiiEngine) -> str:
    """A full name in lower case with a middle initial ("codey m ross", "ravi n. overdijk"):
    a given name (a listed one, a rare one, or no English word spelt like a name), then a
    census surname or one no list holds; neither a common word nor a nursing word ("plan b
    today", "vitamin d level", "jason s car" stay). The names spread."""
    end = next((s for s in ("'s", "’s", "'", "’") if value.endswith(s)), "")
    first, _, last = value[: len(value) - len(end)].split()
    low = last.lower()
    words = eng.words
    if {first, low} & (words.common_words | words.clinical_words) or first in words.name_words:
        return value
    if first in words.foreign or low in words.foreign:
        return value  # "entre ayer y hoy": words of another language
    given = _title_form(first)
    if not (
        (given in eng.listed and given in words.first_names)
        or more_name(first, eng)
        or (unknown_name(first, eng) and name_shape(first) >= SHAPE_START)
    ):
        return value
    surname = _title_form(last)
    if not (
        (surname in eng.listed and surname in words.last_names)
        or more_name(last, eng)
        or unknown_name(last, eng)
    ):
        return value
    name = value[: len(value) - len(end)]
    return wrap(name) + end + f"{NOTE}{first}{NOTE}{NOTE}{last}{NOTE}"


def _lower_speakers(value: str, wrap: Callable[[str], str], eng: PiiEngine) -> str:
    """Two lines of a chat in lower case, each opening with a census given name and a colon
    ("mika: who are you?\ntracy"): both names, unless one is a nursing word ("max: 3")."""
    first, line = value.split(":", 1)
    middle, last = line.rsplit("\n", 1)
    a, b = first.strip(), last.strip()
    if any(n in eng.words.clinical_words or n in eng.words.name_words for n in (a, b)):
        return value
    title = b.title()  # the regex names only the first: a second alternation cost 3 us/record
    if title not in eng.listed or title not in eng.words.first_names:
        return value
    if title in eng.words.given_as_words:
        return value
    notes = "".join(f"{NOTE}{n}{NOTE}" for n in sorted({a, b}))
    # the line between was matched too: its lower-case full names here ("call john smith")
    middle = eng.lower_pair_re.sub(lambda m: _lower_pair(m.group(), wrap, eng), middle)
    return first.replace(a, wrap(a), 1) + ":" + middle + "\n" + last.replace(b, wrap(b), 1) + notes


def _surname_after(rest: str, eng: PiiEngine) -> bool:
    """After "MR" (mitral regurgitation in a note, or a title) a surname of the lists that is
    no word: "MR BOYLE HAD", "MR OUWERKERK" (not "MR MOD", "MR TRACE")."""
    token = rest.split(None, 1)[0].strip(".,:;") if rest.strip() else ""
    low = token.lower()
    if len(token) < 3 or low in eng.words.common_words:
        return False
    title = token[:1].upper() + token[1:].lower()
    if title in eng.listed and title in eng.words.last_names:
        return True
    return low not in eng.words.lexicon and more_name(token, eng)


def _listed_piece(value: str, eng: PiiEngine) -> bool:
    """A find that ends (or starts) inside a word (names._peek's "w") is the whole of a name
    of the lists ("Arnold" of "Arnoldão"): the word is no name. A piece of a name the regex's
    ASCII letters cut ("barkovi" of "barković") stays a find: a part of a name is redacted."""
    last = value.split()[-1] if value.strip() else ""
    word = last.strip(".,:;")
    title = word[:1].upper() + word[1:].lower()
    w = eng.words
    return (
        title in eng.listed
        or title in w.first_names
        or title in w.last_names
        or title in w.more_names
        or word.lower() in w.lexicon
    )


def _foreign(value: str, eng: PiiEngine) -> bool:
    """``value`` is one token, a frequent word of another language (foreign_words.txt) that no
    list names a person: "Pouvez vous" (a surname's ending "-ez" before a lower-case word)."""
    word = value.strip().strip(".,:;!?")
    return " " not in word and word.lower() in eng.words.foreign and plain_word(word, eng)


def check(det: Detector, value: str, tail: str, eng: PiiEngine, keep_values: bool) -> str:
    """What ``det``'s find ``value`` becomes (``tail``: what follows it, see names._peek)."""
    mark = _canon(eng.type_index[det.type])

    def wrap(v: str) -> str:
        return mark + v + CLOSE if keep_values else mark

    if det.check is None:
        return wrap(value)
    if "w" in tail and _listed_piece(value, eng):
        return value  # "Arnold|ão", "Abra|ço": a name of the lists inside a longer word
    if det.check == "phone":
        return wrap(value) if phone_ok(value) else value
    if det.check == "luhn":
        return wrap(value) if luhn_ok(value) else value
    if det.check == "card_no":  # after "card no": a payment card's number, or an id
        card = eng.type_index.get("card")
        if card is None or not luhn_ok(value):
            return wrap(value)
        return _canon(card) + value + CLOSE if keep_values else _canon(card)
    if det.check == "ip":  # all four parts one digit: a version or outline number (1.2.3.4)
        return value if all(len(x) == 1 for x in value.split(".")) else wrap(value)
    if det.check == "url":  # a public help link is the answer: only a person's link goes
        return KEEP + value + CLOSE if public_url(value) else wrap(value)
    if det.check == "handle":  # "@AppleSupport", "@AmericanAir": a company, not a person
        return wrap(value) if not brand_handle(value, eng.words) else value
    if det.check == "town":  # "Alexandria VA": an address or text, no person (not_person.py)
        return town_text(value, eng, keep_values)
    if det.check == "street":  # after "located at": not "Room 1605" (address.py)
        return wrap(value) if street_ok(value) else value
    if det.check == "reject":  # a look-alike, matched only to keep other detectors off it
        return value
    if det.check.startswith("account"):  # an id in a labelled slot, a "_" token (accounts.py)
        from curate.rules.pii.accounts import account_text

        return account_text(det.check, value, eng, keep_values)
    if det.check == "secret":  # a custom detector's find by a secret's name (code pack)
        from curate.rules.secrets import secret_ok

        return wrap(value) if secret_ok(value) else value
    if det.check == "month_day":
        return wrap(value) if month_day_ok(value) else value
    if det.check == "compound":  # "Charcot-Marie-Tooth" is text, "Mary-Kate" a name
        # "Marshall-Marchetti-Krantz cystourethropexy" (not "Mary-Kate colectomy")
        parts = value.split("-")
        eponym = "d" in tail or (
            "o" in tail and (len(parts) > 2 or parts[0] not in eng.words.first_names)
        )
        return wrap(value) if compound_ok(value, eng) and not eponym else value
    unseen_checks = ("unseen", "unseen_shape", "note_subject")
    if det.check in unseen_checks and any(f in tail for f in "dowc"):
        return value  # "Lou Gehrig's disease": an eponym, an org.'s name, a longer run or word
    if det.check in unseen_checks[1:]:
        # a weaker place (a sentence's opener): only a name spelt like one; in a note more so
        # (a typo of a word opens a line too: "Neice called.")
        least = SHAPE_TYPO if det.check == "note_subject" else SHAPE_START
        if any(t not in eng.listed and name_shape(t) < least for t in value.split()):
            return value
    if det.check in unseen_checks:  # a word no list holds, in a name's place
        tokens = [t for t in value.split() if not _is_initial(t) and t not in _NOT_UNSEEN]
        # (a listed name beside one: "Duignan and McDonald", "with Vehbija Smith")
        unseen = [unseen_word(t, eng) for t in tokens]
        if not any(unseen) or not all(
            u or t in eng.listed for t, u in zip(tokens, unseen, strict=True)
        ):
            return value
        return wrap(value) + "".join(f"{NOTE}{t}{NOTE}" for t in tokens)
    if det.check == "listed":
        if "i" in tail and "v" not in tail and " " not in value and opener_word(value, eng):
            return value  # "North hold already third.": a word opening a sentence
        town = lambda v: town_text(v, eng, keep_values)  # noqa: E731
        return _listed_span(value, wrap, eng, town, runs_on="c" in tail)
    if det.check in ("strong_title", "known"):  # "Dr. g lawson": a lower-case initial
        title = _TITLE_RE.match(value) if det.check == "strong_title" else None
        cut = title.end() if title is not None else 0
        lone = _LONE_INITIAL.match(value, cut)
        if lone is not None:
            name = value[lone.end() :].split()[0]
            if not _second_name(name, eng):
                return value  # "Dr. a nurse"
            end = lone.end() + len(name)  # the initial and one name: "g lawson| called"
            return value[:cut] + wrap(value[cut:end]) + value[end:] + f"{NOTE}{name}{NOTE}"
    if det.check == "strong_title":  # the title is part of the value: keep it as text
        second = _AND_NAME_RE.search(value)  # "Dr. Patel and Okonkwo": the title's too
        if second is not None:
            head = check(det, value[: second.start()], "", eng, keep_values)
            name = second.group(2)
            if head == value[: second.start()] or not _second_name(name, eng):
                return head + value[second.start() :]
            return head + second.group(1) + wrap(name) + f"{NOTE}{name}{NOTE}"
        title = _TITLE_RE.match(value)
        if title is None or _title_noun(title.group(), value[title.end() :], eng):
            return value
        cut = title.end()
        case = _case(title.group())
        return value[:cut] + _name_span(value[cut:], wrap, eng, titled=True, case=case)
    if det.check == "cased_title":  # notes: "ms clears" is mental status, "MR." mitral
        title = _TITLE_RE.match(value)
        if title is None or _title_noun(title.group(), value[title.end() :], eng):
            return value
        cut = title.end()
        abbrev = title.group().strip()
        plain = abbrev.rstrip(".").lower()
        # ("mx plan", "mx options": management, in Australian notes)
        if (plain in ("ms", "mx") and value[cut : cut + 1].islower()) or (
            plain in ("mr", "ms")
            and abbrev.isupper()
            and not abbrev.endswith(".")
            and not _surname_after(value[cut:], eng)
        ):
            return value
        # "Mr. Black", "Mrs Best": after a title in title case a word in title case is a name
        # (as after "Dr.": _word_ok's case); "MR BLACK" stays a note's capitals
        cased = "title" if _case(abbrev) == "title" else None
        titled = cased == "title"  # "Ms. Price", not "mr foley" (mitral regurgitation)
        return value[:cut] + _name_span(value[cut:], wrap, eng, titled=titled, case=cased)
    if det.check == "trailing" and "d" in tail:  # a surname's ending before an eponym's
        return value  # head noun: "Hasson technique" (resolve.py leaves finds with an after)
    if det.check == "trailing" and _foreign(value, eng):
        return value  # "Pouvez vous": a word (of another language) with a surname's ending
    if det.check in ("signoff", "trailing", "trailing_known"):  # the last name-like tokens
        known = det.check == "trailing_known"
        return _trailing_span(value, wrap, eng, eponyms=det.check == "signoff", known=known)
    if det.check == "line":  # every token of the line is name-like
        tokens = value.split()
        if not all(_is_initial(t) or _word_ok(t, eng) for t in tokens):
            return value
        if eng.rules.lowercase_names and not any(t.title() in eng.listed for t in tokens):
            return value  # a note's list: "Cor Pulmonale", "Cont Abx"
        return _name_span(value, wrap, eng)
    if det.check == "initial":
        last = value.split(".", 1)[1].strip()
        if last.lower() in eng.words.microbes or not _word_ok(last, eng, eponyms=True):
            return value
        # from the end: "Hanne I. Kreutzmann" whole, "When I. Smith" from the initial
        return _trailing_span(value, wrap, eng, eponyms=True)
    if det.check == "given_pair":  # "Michal Horký": a known given name first
        tokens = [t for t in value.split() if not _is_initial(t)]
        first = tokens[0]
        if first not in eng.listed or first not in eng.words.first_names:
            return value
        if not all(_word_ok(t, eng) for t in tokens):
            return value
        return wrap(value) + "".join(f"{NOTE}{t}{NOTE}" for t in tokens)
    if det.check == "pair":
        first, last = value.split()[0], value.split()[-1]
        if first.lower() in eng.words.clinical_words:
            return value  # "AMI peak", "max assist": a nursing word, not a given name
        # a surname no list holds, or a rare one: "ALEN MERCANTINI" (not "KAREN AT")
        # (after a given name that is no word too: "ora serrata" is the eye's)
        unknown = (
            unknown_name(last, eng)
            and first.lower() not in eng.words.name_words
            and first.title() not in eng.words.given_as_words
        )
        if (last.title() not in eng.listed or not _word_ok(last, eng)) and not unknown:
            return _lone_given(value, first, wrap, eng)
        return wrap(value) + "".join(f"{NOTE}{n}{NOTE}" for n in (first, last))
    if det.check == "name_given":  # "maiden name is Key": a word in title case too
        return _name_span(value, wrap, eng, case="title" if _case(value) == "title" else None)
    if det.check == "lower_speaker":  # "mika: ...\ntracy": the two speakers' names
        return _lower_speakers(value, wrap, eng)
    if det.check in ("lower_pair", "lower_line"):
        return _lower_pair_or_initial(value, wrap, eng, alone=det.check == "lower_line")
    if det.check == "caps_pair":  # "SMITH, JOHN": a census surname or a census first name
        last, first = (t.strip().split()[0].title() for t in value.split(",", 1))
        known = last in eng.listed or first in eng.words.first_names
        if not known or not (_word_ok(last, eng) and _word_ok(first, eng)):
            return value
        return wrap(value) + "".join(f"{NOTE}{n}{NOTE}" for n in (last.upper(), first.upper()))
    if det.check == "coordinated":
        names = [n.strip() for n in re.split(r",|\band\b|&", value) if n.strip()]
        # surnames: census ones, with a surname's ending ("Šušulić") or a word's ("White"),
        # one census name at least ("Black, White and Green" are colours)
        as_words = eng.words.surname_words
        # (or a rare name of the big lists: "Fouquet and Oyetoro", unseen.more_name; not in
        # notes, where lists are of drugs: "Levo and Cipro", both rare surnames too)
        rare = not eng.rules.lowercase_names
        named = [n in eng.listed or (rare and more_name(n, eng)) for n in names]
        # (and, outside notes, a name no list holds: "Moen, Bognár and Kjær", unseen_word)
        listed = sum(
            k
            or n in as_words
            or _SURNAME_RE.fullmatch(n) is not None
            or (rare and unseen_word(n, eng))
            for n, k in zip(names, named, strict=True)
        )
        if 2 * listed < len(names) or not any(named):
            return value
        if not all(_word_ok(n, eng) or n in as_words for n in names):
            return value
        spread = [n for n in names if len(n) > 2 and n not in as_words]  # not "White": a word
        return wrap(value) + "".join(f"{NOTE}{n}{NOTE}" for n in spread)
    if det.check == "name" and ("t" in tail or "x" in tail):  # see _peek
        return value
    if "p" in tail and "h" not in tail:  # after a speaker's label (see SPEAKERS): the
        # first words of a turn, not a header's name ("Patient: Smith, John", a line's
        # end, "DOB"): a name only as a census name and another ("Patient: John Smith is")
        words = [w for w in value.split() if not _is_initial(w)]
        if len(words) < 2 or words[0] not in eng.listed:
            return value
    # after "Mr." (names._peek; a possessive as before: "Mr. Parkinson's office")
    mister = "m" in tail and " " not in value.strip() and not value.endswith(("'s", "’s"))
    if det.check == "name" and mister:
        first = value.strip()
        if not surname_evidence(first, eng):
            return value  # "Mr. Parcel": a word that is no surname, a mascot's name
        if _case(first) == "title" and not _word_ok(first, eng):
            # "Mr. Black", "Mr Walker", "Ms. Price" (a label's word too: names._word_ok)
            return _name_span(value, wrap, eng, titled=True, case="title")
    if det.check == "name" and "p" not in tail:
        first = value.split()[0].rstrip(",.!:;") if value.strip() else ""
        if first.istitle() and first.lower() in eng.words.name_words:
            # "Hi Faith,", "Hello June": a given name that is a common word, after a
            # greeting or "my name is" (a leak read in the support export, session 10)
            return _name_span(value, wrap, eng, case="title")
        if (
            " " not in value.strip()
            and "m" not in tail
            and "i" not in tail
            and plain_word(value, eng)
        ):
            return value  # "Thanks God", "Hi Everyone": a word no list names a person
    if det.check == "vocative":  # "Nilesh, the extended warranty ...": a text's first word
        word = value.strip()  # and a comma; a given name (or a rare name) of the lists only
        lists = eng.words
        if word in lists.given_as_words or word in lists.places or word in lists.countries:
            return value  # "Grace, ...", "Paris, France"
        if word in GREETING_WORDS:
            return value  # "Oye, @116875": a greeting's word (Spanish "hey")
        if (word in lists.first_names or more_name(word, eng)) and _word_ok(word, eng):
            return _name_span(value, wrap, eng)
        return value
    if det.check == "known":
        tokens = value.split()
        if len(tokens) == 3 and len(tokens[1].rstrip(".")) == 1 and value.islower():
            pair = _lower_pair_or_initial(value, wrap, eng)  # "with benjamin a seiler" whole
            if pair != value:
                return pair
        first = next((t for t in value.split() if not _is_initial(t)), "")
        # title case, or mixed ("MacAleavy"), not all capitals
        titlecase = first[:1].isupper() and not first.isupper()
        given = first[:1].upper() + first[1:].lower()
        if not given.isascii() and folded(given) in eng.listed:
            given = folded(given)  # "dtr jørgensen", "SON JOSÉ": a census name with accents
        if not titlecase and given not in eng.listed and given not in eng.words.first_names:
            if first.lower() in eng.words.name_words and value.startswith(first):
                # "son bill", "wife SUE": a given name that is a common word, here a name
                return wrap(first) + value[len(first) :] + f"{NOTE}{first}{NOTE}"
            parts = first.strip(".,:;").split("-")
            hyphened = len(parts) > 1 and all(_title_form(p) in eng.listed for p in parts)
            if not hyphened and not unknown_name(first, eng):
                return value  # "bill", "BILL": a listed first name, or no English word
            # "DAUGHTER HUIA", "husband waluyo": a name no list holds (unseen.py)
            return _name_span(value, wrap, eng)
        if " " not in value.strip() and plain_word(value, eng):
            return value  # "It's Everytime": a word no list names a person
        # a given name that is also a place or a brand is a name after a relative or a nurse
        # ("IV NURSE VIRGINIA SALLESE", "daughter Georgia"), as after a title
        titled = given in eng.words.first_names and given not in eng.listed
        return _name_span(value, wrap, eng, titled=titled)
    return _name_span(value, wrap, eng, titled=det.check == "titled")
