"""Person names: is a token name-like, which tokens of a find are the name, and where else
in the record it occurs.

The name detectors' regexes (``patterns.py``) only find candidates; these checks decide, in
Python, on each distinct candidate: not a stop word, a common English word, a contraction,
an adverb or a disease's eponym (``_word_ok``), with what is around the find (``peek._peek``: a
speaker's label, a header line, a possessive, a disease word). A name found by context is
noted, and ``_redact_names`` redacts its other occurrences in the same record.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from curate.rules.pii.markers import _BRACKET_RE, CLOSE, NOTE
from curate.rules.pii.name_contexts import GREETING_WORDS, MONTH_GIVEN
from curate.rules.pii.name_letters import letter_name
from curate.rules.pii.places import place_span, prefixed_place
from curate.rules.pii.products import after_brand
from curate.rules.pii.words import Words, load

if TYPE_CHECKING:
    from curate.rules.pii.engine import PiiEngine


def _redact_names(text: str, names: Iterable[str], mark: str, keep_values: bool) -> str:
    """Wrap whole-word occurrences of ``names`` (longest first), outside earlier finds: with
    values kept, a name is looked for only between the finds made so far, the longer names'
    included ("OKAFOR" inside "JOHN OKAFOR" was wrapped again, and the nested find left a
    stray marker in the pseudonyms)."""
    for name in sorted(names, key=lambda n: (-len(n), n)):
        if name not in text:
            continue
        if keep_values and CLOSE in text:
            parts = _BRACKET_RE.split(text)
            for k in range(0, len(parts), 2):  # even parts are plain text
                if name in parts[k]:
                    parts[k] = _wrap_name(parts[k], name, mark, True)
            text = "".join(parts)
        else:
            text = _wrap_name(text, name, mark, keep_values)
    return text


def _wrap_name(text: str, name: str, mark: str, keep_values: bool) -> str:
    out, pos, size = [], 0, len(name)
    given = " " not in name and name in _words().first_names
    while (i := text.find(name, pos)) >= 0:
        j = i + size
        if (i == 0 or not _wordy(text[i - 1])) and (j == len(text) or not _wordy(text[j])):
            if given and (m := _NEXT_TOKEN.match(text, j)) and _surname_after_given(m[1]):
                j = m.end()  # "hi joyce" spread: "Joyce Price" whole, not "[PERSON] Price"
            elif not given and text[i - 1 : i] == " " and " " not in name:
                i = _given_before(text, pos, i)  # "Kenneth S. Whitaker" whole
            out += [text[pos:i], mark + text[i:j] + CLOSE if keep_values else mark]
        else:
            out.append(text[pos:j])
        pos = j
    out.append(text[pos:])
    return "".join(out)


def _given_before(text: str, pos: int, i: int) -> int:
    """Where a census given name and maybe an initial start just before a spread surname at
    ``i`` (after ``pos``, the end of the last find): "Mr. Whitaker" ... "Kenneth S. Whitaker,
    Chief Executive Officer" is redacted whole, not "Kenneth S. [PERSON]"; else ``i``. String
    slices, no regex: the spread runs on every occurrence of every name."""
    base = max(pos, i - 24)
    head = text[base : i - 1]
    sp = head.rfind(" ")
    last = head[sp + 1 :]
    if sp > 0 and len(last) <= 2 and last[:1].isupper() and last[1:] in ("", "."):
        head = head[:sp]  # an initial: "S.", "S"
        sp = head.rfind(" ")
        last = head[sp + 1 :]
    if last not in _words().first_names:
        return i
    if sp < 0 and base > pos and text[base - 1].isalpha():
        return i  # the window cut a longer word
    return base + sp + 1


_NEXT_TOKEN = re.compile(r"[ \t]+([A-Z][a-z]+)\b(?![’'-])")


def _surname_after_given(token: str) -> bool:
    """A census surname that is a word too, after a given name spread from its record ("hi
    joyce" ... "Joyce Price is a 50-year-old female"): the census pass that would take "Joyce
    Price" whole (``_surname_word``) runs after the spread, and "Price" alone is a word."""
    words = _words()
    return (
        token in words.surname_words
        and token not in words.place_words
        and not (token in words.not_person and (token in words.brands or token in words.places))
    )


def _words() -> Words:
    return load()


def _wordy(c: str) -> bool:
    return c.isalnum() or c == "_"


_TOKEN_RE = re.compile(r"\S+")
_IRISH_O = re.compile(r"^[A-Z]['’](?=[A-Z])")
# a surname's particle between a name's tokens, and a generation after it (patterns.PARTICLE)
PARTICLES = frozenset(
    [
        "van",
        "von",
        "de",
        "der",
        "den",
        "ten",
        "ter",
        "da",
        "di",
        "du",
        "del",
        "della",
        "dos",
        "das",
        "le",
        "la",
        "bin",
        "ibn",
        "al",
    ]
)
SUFFIXES = frozenset(["Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"])


def _particle_before_name(tokens: list[re.Match[str]], k: int) -> bool:
    """Token ``k`` is a particle, and after it (and maybe one more) a capitalised token."""
    j = k
    while j < len(tokens) and j - k < 2 and tokens[j].group() in PARTICLES:
        j += 1
    return j > k and j < len(tokens) and tokens[j].group()[:1].isupper()


_CONTRACTIONS = ("'ve", "'re", "'ll", "'d", "'m", "n't")
# endings of adverbs that open a sentence ("Fortunately, yes", "Honestly, no"); no common
# given name or surname ends so (Emily, Kelly, Beverly, Vitaly do not): pii_words.toml


def _is_adverb(low: str, words: Words) -> bool:
    """An adverb in -ly: one of the endings of adverbs, or a common word plus "ly" ("sadly",
    "easily")."""
    if not low.endswith("ly") or len(low) < 5:
        return False
    if low.endswith(words.adverb_endings) or (low.endswith("ily") and len(low) >= 7):
        return True
    common = words.common_words
    return low[:-2] in common or low[:-3] + "y" in common or low[:-1] + "e" in common


def _case(text: str) -> str:
    letters = "".join(c for c in text if c.isalpha())
    return "upper" if letters.isupper() else "lower" if letters.islower() else "title"


_TITLE_RE = re.compile(r"\S+?(?:\.\s*|\s+)")
# checks of a name after a title: "Dr. Parkinson's office" is a person
_TITLE_CHECKS = frozenset(["strong_title", "cased_title", "titled"])


def _word_ok(
    token: str,
    engine: PiiEngine,
    titled: bool = False,
    *,
    eponyms: bool = False,
    case: str | None = None,
) -> bool:
    """A token can be (part of) a name: not a stop word, not a common English word.

    After a title ("Dr. Foley") the pack's ``not_names`` (eponyms, devices) count as names;
    after a strong title (``case`` given: "Dr. Small", "dr green") so do common words written
    in the title's case, but not function words ("Dr. to", "Rabbi sees"); with ``eponyms``
    (before a credential, after an initial) only the ``not_names`` do.
    """
    word = token.strip(".,:;'’").replace("’", "'")
    low = word.lower()
    if len(word) < 2 or not any(c.isalpha() for c in word):
        return False
    # after a title a census name in title case is one though a label, a month or a thing
    # names it too: "Ms. Price", "Dr. April Smith", "Ms. Chase" (not "Doctor. Yes")
    named = titled and _census_cased(word, engine, case)
    # after a strong title in capitals, a word in capitals is the surname though a word names
    # it too: "DR. BEST saw" (not a title's stop word, "DR. WILL SEE", "DR. NOTES"; not a
    # title, "PER DR SMITH DR JONES"; nor an abbreviation of two letters, "DR. X PT ON LIDO")
    named = named or (
        titled
        and case == "upper"
        and word.isupper()
        and len(word) > 2
        and low not in engine.words.title_stop
        and low not in engine.words.title_words
    )
    if low in engine.words.not_names and not named:
        return False
    if low.endswith(_CONTRACTIONS):  # "We've", "I'll", "Don't"
        return False
    if _brand_camel(word, engine):  # "YouTube", "PlayStation", "WhatsApp"
        return False
    if low.endswith("'s"):  # "That's" (not "John's"); "Parkinson's" but "Dr. Parkinson's"
        base = low[:-2]
        if base in engine.words.contracted_s or (
            base in engine.words.eponyms and not titled and case is None
        ):
            return False
    if low in engine.not_names or low in engine.not_person:  # "Dr. Foley", not "Hi Apple"
        # a given name that is a word too, in title case where a name is given or greeted:
        # "Hey Bill," ("Bill" is a contract's term too), not a brand ("Hey Delta,")
        given = case == "title" and word in engine.words.given_words
        return titled or eponyms or named or (given and word not in engine.words.brands)
    title = word[:1].upper() + word[1:].lower()
    if (
        low.endswith("ly") and _is_adverb(low, engine.words) and title not in engine.listed
    ):  # "Sadly"
        return False
    if title in engine.listed:
        return True
    # a possessive by its word: "Jo's family", not "Pt's family" (an abbreviation)
    core = low[:-2] if low.endswith("'s") else low
    if core != low and core[:1].upper() + core[1:] in engine.listed:
        return True
    if core not in engine.words.common_words and len(core) >= 3:
        return True
    if case is None or _case(word) != case:
        return False
    # "Dr. Will Cole", not "DR WILL SEE"
    return case == "title" or low not in engine.words.title_stop


def _census_cased(word: str, engine: PiiEngine, case: str | None) -> bool:
    """``word``, in title case or in the title's ("DR. BEST"), is a census given name or
    surname ("Price", "Best")."""
    words = engine.words
    form = _title_form(word)
    return _case(word) in ("title", case) and (
        form in words.first_names or form in words.last_names or form in words.surname_words
    )


# a brand written in CamelCase: a first part of three letters or more that is no given name
# or name prefix, then a capitalised part ("YouTube", "FaceTime"; not "McDonald", "DeShawn",
# "MaryAnn", "MacKenzie")
_CAMEL_RE = re.compile(r"([A-Z][a-z]{2,})([A-Z][a-z]+)")
_NAME_PREFIXES = frozenset(["Mac", "Van", "Von", "Fitz", "Della", "Dela", "Des", "Del"])


def _brand_camel(word: str, engine: PiiEngine) -> bool:
    m = _CAMEL_RE.fullmatch(word)
    if m is None:
        return False
    head = m.group(1)
    return head not in _NAME_PREFIXES and head not in engine.words.first_names


def _title_noun(title: str, rest: str, engine: PiiEngine) -> bool:
    """A title written out before a full stop ("Yes, doctor. Guess what"), or in lower case
    before anything but a census name: "my doctor knows", "I miss golfing" (not "dr green",
    "doctor smith")."""
    word = title.strip()
    if word.endswith(".") and word[:-1].lower() in engine.words.title_words:
        return True
    if word not in engine.words.title_words:  # also: not lower case
        return False
    tokens = [t for t in rest.split() if not _is_initial(t)]
    first = tokens[0].strip(".,:;") if tokens else ""
    after = tokens[1].lower() if len(tokens) > 1 else ""
    if first.endswith(("'s", "’s")):  # "doctor smith's office"
        first, after = first[:-2], "'s"
    form = first[:1].upper() + first[1:].lower()
    if form in engine.listed:
        return False
    # a census surname that is a word too, in a lower-case transcript, where a person's verb
    # or the clause's end follows: "as doctor white said", "doctor white ." (ACI-Bench);
    # not "the doctor long ago", "have the doctor page me"
    return form not in engine.words.surname_words or (after != "'s" and after not in _SPEAKER_VERBS)


# what a person does after "doctor white" in a transcript (_title_noun)
_SPEAKER_VERBS = frozenset(
    """said says told tells thinks thought wants wanted recommended recommends ordered
    prescribed mentioned explained asked is was will would did does has had and""".split()  # noqa: SIM905
) | {""}  # (nothing after: a comma or the end)


def _is_initial(token: str, any_case: bool = False) -> bool:
    """ "J." or "J" (and "q." with ``any_case``: sign-offs in lower-case notes)."""
    letter = token.rstrip(".")
    if len(letter) != 1 or not letter.isalpha():
        return False
    return letter.isupper() or (any_case and token.endswith("."))


def _trailing_span(
    value: str,
    wrap: Callable[[str], str],
    engine: PiiEngine,
    *,
    eponyms: bool = False,
    known: bool = False,
) -> str:
    """A name candidate before a context ("... Q. LANDER, RRT", "... Asya's kid"): redact its
    last name-like tokens, with the initials among or before them. ``known``: a token in lower
    or upper case must be a census name ("KEEP ROMERO FAMILY", not "CARING FAMILY")."""

    def ok(token: str) -> bool:
        if _is_initial(token, any_case=eponyms):
            return True
        if not _word_ok(token, engine, eponyms=eponyms):
            return False
        word = token.strip(".,:;")
        return not known or _case(word) == "title" or word.title() in engine.listed

    tokens = list(_TOKEN_RE.finditer(value))
    k = len(tokens)
    if known and k > 1 and _given_then_unknown(tokens[-2].group(), tokens[-1].group(), engine):
        k -= 1  # "DICK CUCCHIARA (RESIDENT)": a census given name, then any surname
    while k and (
        ok(tokens[k - 1].group())
        or (
            k < len(tokens)
            and k > 1
            and _particle_before_name(tokens, k - 1)
            and ok(tokens[k - 2].group())
        )
    ):
        k -= 1
    if all(_is_initial(t.group(), any_case=eponyms) for t in tokens[k:]):
        return value
    cut = tokens[k].start()
    return value[:cut] + _name_span(value[cut:], wrap, engine, eponyms=eponyms)


def _given_then_unknown(given: str, last: str, engine: PiiEngine) -> bool:
    """A census name in lower or upper case, then a name-like word in the same case that no
    list holds (a rare surname: "DICK CUCCHIARA", "mary kondouli")."""
    return (
        _case(given) == _case(last) != "title"
        and _title_form(given) in engine.listed
        and _word_ok(last, engine)
        and len(last.strip(".,:;")) >= 3
    )


def _surname_word(given: str, token: str, engine: PiiEngine) -> bool:
    """``token`` is a census surname that is a word too ("Young", "Key"), in title case after a
    census given name: "Zoe Young" (not "Victoria Park": a place's word; nor "Maria Chase": a
    brand's)."""
    word = token.rstrip(".,:;")
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    words = engine.words
    # a surname that is an eponym or a contract's term too is one after a given name ("Erika
    # Bond", "Justine Fowler"); a brand's is not ("Maria Chase")
    surname = word in words.surname_words or word in words.last_names
    return (
        _case(word) == "title"
        and surname
        and word not in words.place_words
        and (
            word not in words.not_person or (word not in words.brands and word not in words.places)
        )
        and given.strip(".,:;") in words.first_names
        and given.strip(".,:;") in engine.listed
    )


def _word_after_name(token: str, engine: PiiEngine) -> bool:
    """``token``, after a name in a note's one case, is a common word that no census name nor
    census surname-word is ("know", "spoke"; not "WHITE" in "DR JOHN WHITE")."""
    word = token.strip(".,:;")
    low = word.lower()
    title = _title_form(word)
    words = engine.words
    return (
        low in words.common_words
        and title not in engine.listed
        and title not in words.surname_words
        and title not in words.first_names
    )


# letters that NFKD does not split into a base and an accent
_FOLD = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d"}
)


def folded(word: str) -> str:
    """``word`` without its accents: a census name written in its own language ("jørgensen",
    "JOSÉ", "Müller" -> "Muller") is found in the ASCII lists."""
    if word.isascii():
        return word
    parts = unicodedata.normalize("NFKD", word.translate(_FOLD))
    return "".join(c for c in parts if not unicodedata.combining(c))


def _title_form(token: str) -> str:
    word = token.strip(".,:;")
    return word[:1].upper() + word[1:].lower()


def _after_surname(prev: str, token: str, engine: PiiEngine) -> bool:
    """``token``, in capitals and short, comes after a census surname that is no given name,
    and is no census name itself: a note's abbreviation, no part of the name ("DR MADDEN PICC IN
    SVC", not "DR GARCIA LOPEZ"; in mixed case a surname may come first: presidio's names)."""
    last = _title_form(prev)
    words = engine.words
    return (
        token.isupper()
        and len(token.strip(".,:;")) <= 4  # an abbreviation's length: "PICC", "SVC", "ICU"
        and prev.isupper()
        and last in words.last_names
        and last not in words.first_names
        and _title_form(token) not in engine.listed
    )


def _name_span(
    value: str,
    wrap: Callable[[str], str],
    engine: PiiEngine,
    *,
    titled: bool = False,
    eponyms: bool = False,
    case: str | None = None,
) -> str:
    """A name candidate after a context: redact its leading name-like tokens (and initials).

    The capitalized tokens are noted (NOTE name NOTE) to be redacted elsewhere in the record.
    """
    tokens = list(_TOKEN_RE.finditer(value))
    first = tokens[0].group().rstrip(".").lower() if tokens else ""
    if len(tokens) > 1 and first in engine.words.title_words and not titled:
        # a title after a greeting is no name, the word after it is: "Hello Mister Strange"
        cut = tokens[1].start()
        rest = _name_span(value[cut:], wrap, engine, titled=True, case=_case(tokens[0].group()))
        return value[:cut] + rest
    if titled and letter_name(value, tokens, engine):
        return value  # "Dr. X. She is": a letter alone, and the next sentence (name_letters)
    keep = 0
    for k, m in enumerate(tokens):
        if _is_initial(m.group(), any_case=eponyms):
            continue
        word = m.group()
        if keep and _particle_before_name(tokens, k):  # "Maria de la Cruz"
            continue
        if keep and word.strip(",") in SUFFIXES:  # "II", "Jr.": the end of the name
            keep = k + 1
            continue
        if (
            not _word_ok(m.group(), engine, titled, eponyms=eponyms, case=case)
            and not (
                # after a title, a month that is a given name before a surname: "Dr. April
                # Smith" (not "Dr. May see you": the next word must be a name's)
                titled
                and k == 0
                and word in MONTH_GIVEN
                and k + 1 < len(tokens)
                and _case(tokens[k + 1].group()) == "title"
                and _word_ok(tokens[k + 1].group(), engine, titled, case=case)
            )
            and not (
                keep == k and _surname_word(tokens[k - 1].group(), word, engine)  # "Zoe Young"
            )
            and not (
                # after a name and an initial a surname that is a word too: "Brad L Key"
                keep
                and _is_initial(tokens[k - 1].group())
                and _case(word) == "title"
                and word.strip(".,:;").lower() not in engine.words.title_stop  # "A. Will see"
                and _word_ok(word, engine, titled, eponyms=eponyms, case="title")
            )
        ):
            break
        if keep and _after_surname(tokens[keep - 1].group(), word, engine):
            break  # "DR MADDEN PICC IN SVC": the name ends at its surname
        if keep and case in ("lower", "upper") and _word_after_name(word, engine):
            break  # "let dr smith know", "dr pavlović know her decision": a verb, no surname
        keep = k + 1
    if keep == 0:
        return value
    diseases = engine.words.disease_words
    if keep < len(tokens) and tokens[keep].group().strip(".,:;").lower() in diseases:
        return value  # "Huntington Disease"
    end = tokens[keep - 1].end()
    name = value[:end]
    # common words found after a title ("Dr. White") are not spread: "White count" elsewhere
    words = [t.group().strip(".,:;") for t in tokens[:keep]]
    spread = [w for w in words if len(w) > 2 and w[0].isupper()]
    spread = [w for w in spread if _word_ok(w, engine, eponyms=titled or eponyms)]
    # a first name found in lower case ("hi diane") is the same person in the note ("Diane")
    spread += [
        form
        for w in words
        if w.islower() and w.title() in engine.words.first_names and w.title() in engine.listed
        for form in (w, w.title(), w.upper())
    ]
    if keep > 1 and name[:1].isupper():
        spread.append(name)
    # and in capitals, as a header or a signature writes it ("JOHN OKAFOR")
    spread += [w.upper() for w in spread if w[1:2].islower()]
    notes = "".join(f"{NOTE}{n}{NOTE}" for n in spread)
    return wrap(name) + notes + value[end:]


def _listed_span(
    value: str,
    wrap: Callable[[str], str],
    engine: PiiEngine,
    town: Callable[[str], str] | None = None,
    place: bool = True,
    runs_on: bool = False,
) -> str:
    """A census name, plus a capitalized non-word next to it ("Maria Lopez"); not before a
    disease word ("Huntington Disease"; lower case: see _eponym). A town named by its last
    word ("Conway Springs") goes to ``town`` (an address where the pack has one); a find of
    the place detectors ("in Reading", "Crewe station") to places.place_span first. Capitalised
    words after the names that end in an organisation's word ("Sierra Orthopedic Group") make
    it the organisation's name, unless the run of capitals goes on after ``value`` (``runs_on``).
    """
    if place:
        countries = engine.words.countries

        def town_only(v: str) -> str:  # "I was in Mexico": a country is no address (HIPAA:
            # places smaller than a state), though a US town has its name (Mexico, Maine)
            return v if v in countries or town is None else town(v)

        placed = place_span(
            value,
            engine,
            None if town is None else town_only,
            lambda v: _listed_span(v, wrap, engine, town, False, runs_on),
        )
        if placed is not None:
            return placed
    tokens = list(_TOKEN_RE.finditer(value))
    if len(tokens) > 1 and tokens[-1].group().lower() in engine.words.disease_words:
        return value
    if (
        engine.rules.lowercase_names  # notes (a product elsewhere: corpus.py's "Brehm Pay")
        and len(tokens) > 1
        and not runs_on  # "John Smith Clinic Nurse called": a person's role after
        and tokens[-1].group().lower().encode() in engine.words.thing_bytes
    ):
        return value  # "a 19-French Blake Drain": a thing's noun in the find (_peek's "d")
    # "O'Cleary": an Irish "O'" before a listed surname (the listed pass's regex)
    listed = [_IRISH_O.sub("", t.group()) in engine.listed for t in tokens]
    if (
        len(tokens) == 1
        and engine.rules.lowercase_names
        and tokens[0].group().lower() in engine.words.clinical_words
    ):
        return value  # notes: "Amber urine.", "Pearl." (PERRL), "Frank blood"
    if not any(listed):
        return value
    if after_brand([t.group() for t in tokens], listed.index(True), engine):
        return value  # "Panasonic Viera", "Adobe Bridge": a product (products.py)
    if prefixed_place([t.group() for t in tokens]):
        return value  # "San Juan", "Lake Tahoe", "Port Talbot": a place (places.py)
    # a place of several words ("South Africa", "North Carolina"): a place last and no given
    # name ("Michael Jackson" is a person, "Jackson" a city too)
    plain = [t.group().strip(".,") for t in tokens]
    # (or a compass word before a capitalized word: "West Coast", "East Village")
    compass = len(plain) > 1 and plain[0] in ("North", "South", "East", "West")
    # (or a place's last word: "Lemmon Valley", "Cedar Creek")
    last_word = plain[-1] if len(plain) > 1 else ""
    place = compass or last_word in engine.words.places or last_word in engine.words.place_words
    if place and not any(w in engine.words.first_names for w in plain):
        if town is not None and last_word in engine.words.place_words:
            return town(value)
        return value
    first = listed.index(True)
    last = len(listed) - 1 - listed[::-1].index(True)
    after = plain[last + 1 :]  # "Sierra Pacific Orthopedic Group": an organisation's name
    org = engine.words.org_bytes
    if (
        after
        and not runs_on
        and all(w[:1].isupper() for w in after)
        and after[-1].lower().encode() in org
    ):
        return value
    lo = first
    if first > 0 and _word_ok(tokens[first - 1].group(), engine):
        # not a greeting's word: "Apologies Adam," "Hiya Mike" keep the greeting as text
        lo = first - 1 if tokens[first - 1].group().strip(",") not in GREETING_WORDS else first
    hi = last
    if last + 1 < len(tokens) and (
        _word_ok(tokens[last + 1].group(), engine)
        or _surname_word(plain[last], tokens[last + 1].group(), engine)
    ):
        hi = last + 1
    if (
        hi == last
        and last + 2 < len(tokens)
        and _is_initial(tokens[last + 1].group())
        and plain[last] in engine.words.first_names
        and _word_ok(tokens[last + 2].group(), engine, case="title")
    ):
        hi = last + 2  # a given name, an initial, a surname that is a word too: "Brad L Key"
    a, b = tokens[lo].start(), tokens[hi].end()
    return value[:a] + wrap(value[a:b]) + value[b:]
