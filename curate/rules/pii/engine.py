"""The engine: a pack's detectors grouped into passes, each compiled into one Polars
``replace_all``, and the scan that runs the passes over a column.

Each pass is ONE ``replace_all`` with an alternation of its detectors (leftmost match wins,
the earlier detector on a tie), so the text is scanned a few times, not once per detector. A
pass with several types, or with a check done in Python, marks which detector matched by the
slot its value lands in; ``resolve.py`` then checks each distinct find once. A pass whose
finds all need something a literal search finds fast has ``Gate``s and runs only on the texts
that pass one. A big column is split by record, one part per core (``_pool``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from curate.rules import _pool
from curate.rules.pack import PiiRules
from curate.rules.pii import words
from curate.rules.pii.gates import PREFILTERS, Prefilter, _gate_hits, gate_regexes, prefilters
from curate.rules.pii.markers import BRACKET, CLOSE, HOLD, KEEP, RESERVED, SEP, _canon, _open
from curate.rules.pii.name_contexts import (
    ACCENTED_NAME,
    ADDRESSEE_BEFORE,
    AFTER_NAME,
    APPOSITION_AFTER,
    CAPS_LAST_FIRST,
    CASED_CONTEXTS,
    COORDINATED,
    COORDINATED_THREE,
    DIALOGUE_AFTER,
    GIVEN_TO,
    GREETED_AFTER,
    GREETED_TURN,
    GREETING_CASED,
    INITIAL_AFTER,
    INITIAL_CAPS,
    INITIAL_CONTEXT,
    INITIAL_NAME,
    LOWER_END,
    LOWER_NAME,
    MET_WITH,
    NAME_CONTEXTS,
    NAME_GIVEN,
    NON_ASCII_LOWER,
    OBJECT_BEFORE,
    OBJECT_NAME,
    PERSON_VERBS,
    SENTENCE_START,
    SIGNOFF_AFTER,
    STRONG_TITLE,
    STRONG_TITLE_GATE,
    THING_NAMED,
    TITLE_CONTEXT,
    TITLE_GATE,
    VOCATIVE_AFTER,
    VOCATIVE_CASED,
    WORKS_AFTER,
)
from curate.rules.pii.name_detectors import _note_subjects, _unseen_detectors
from curate.rules.pii.names import _TITLE_CHECKS
from curate.rules.pii.not_person import not_person_detectors
from curate.rules.pii.patterns import (
    APOSTROPHE_YEARS,
    ASCII_B,
    CASED_NAME,
    CASED_TOKEN,
    LEAD,
    LINE_NAME,
    MONTH_DAY,
    NAME,
    NAME_TOKEN,
    NEEDS_DIGIT,
    NOT_MONTH_DAY,
    NUM_AFTER,
    NUM_BEFORE,
    PASS_TYPES,
    SLASH_GATE,
    STATIC,
    SURNAME,
    SURNAME_AFTER,
    TWO_NAMES,
    Detector,
    Gate,
    ascii_bounds,
)
from curate.rules.pii.places import place_detectors
from curate.rules.pii.resolve import _ScanState
from curate.rules.pii.scan import Scan, _non_ascii

# the capitals of Latin-1 and Latin Extended-A ("É", "Č", "Ł"): a name's first letter
_ACCENTED_CAPS = "".join(
    chr(c) for c in range(0xC0, 0x180) if chr(c).isupper() and chr(c) not in "×"
)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@dataclass
class _Pass:
    """Detectors scanned together in one regex.

    Two forms: ``fast`` (a find becomes one marker character, its value dropped; nothing can
    match inside it later) and ``keep`` (``MARK value CLOSE``; a first alternative matches
    earlier finds whole so that nothing matches inside them, and what that leaves behind,
    ``junk``, is removed). ``single``: one type and no check, so the template writes the
    final marker and there is no Python step.
    """

    index: int
    dets: list[Detector]
    single: bool
    fast: tuple[str, str]
    keep: tuple[str, str]
    junk: str
    gates: tuple[Gate, ...] = ()  # a text must pass one to be scanned; none: every text
    own_gates: tuple[Gate, ...] = ()  # its gates, also where the engine runs without them
    # names: their checks see what follows a find ("after"), and what precedes it too
    # ("around": a speaker's label, a title's full stop); see _peek
    peek: str = ""
    hold: bool = False  # its finds may be kept whole: _hold takes them out after it


# Polars keeps this many compiled regexes per thread (polars-utils' RegexCache); a scan's
# own regexes besides the passes' and their gates (RESERVED, the role gate, BRACKET) take the
# rest, with one to spare
REGEX_CACHE = 32
REGEX_BUDGET = REGEX_CACHE - 4


def pass_regexes(p: _Pass) -> set[str]:
    """The regexes a pass takes in its thread's cache: its own (one form per scan) and those
    of its gates' parts that are no literal search (``gates.plan``)."""
    return {p.fast[0]}.union(*(gate_regexes(g) for g in p.own_gates))


def _build_pass(index: int, dets: list[Detector], canon: Callable[[str], str]) -> _Pass:
    # "hold": finds kept whole as KEEP value CLOSE, with no Python step, for _hold to take out
    hold = all(d.check == "hold" for d in dets)
    single = hold or (len({d.type for d in dets}) == 1 and not any(d.check for d in dets))
    alts, befores, values, afters = [], [], [], []
    for i, d in enumerate(dets):
        part = ""
        if d.before:
            part += f"(?P<b{i}>{d.before})"
            befores.append(f"${{b{i}}}")
        part += f"(?P<v{i}>{d.pattern})"
        values.append(f"${{v{i}}}")
        if d.after:
            part += f"(?P<a{i}>{d.after})"
            afters.append(f"${{a{i}}}")
        alts.append(part)
    pre, post = "".join(befores), "".join(afters)
    if single:
        mark = KEEP if hold else canon(dets[0].type)
        plain = "|".join(f"(?:{d.pattern})" for d in dets)
        fast = (plain, mark) if not pre and not post else ("|".join(alts), pre + mark + post)
        if hold:  # the value stays in both forms
            fast = ("|".join(alts), pre + mark + "".join(values) + CLOSE + post)
        keep_t = pre + mark + "".join(values) + CLOSE + post
        junk = mark + CLOSE
    else:
        slots = _open(index) + SEP.join(values) + CLOSE
        fast = ("|".join(alts), pre + slots + post)
        keep_t = pre + slots + post
        junk = slots.replace(SEP.join(values), SEP * (len(dets) - 1))
    keep = (f"(?P<s>{BRACKET})|" + "|".join(alts), "${s}" + keep_t)
    return _Pass(
        index,
        dets,
        single,
        fast,
        keep,
        junk,
        hold=hold or any(d.check in ("url", "account_mixed") for d in dets),
    )


class PiiEngine:
    """The detectors of one pack, grouped into passes; build once, scan many columns."""

    def __init__(self, rules: PiiRules, *, gates: bool = True) -> None:
        self.rules = rules
        self.gates = gates  # off: every pass scans every text (for tests: same result)
        self.types: list[str] = [*rules.types, *(c.type for c in rules.custom)]
        self.types = list(dict.fromkeys(self.types))
        self.type_index = {t: i for i, t in enumerate(self.types)}
        self.not_names = frozenset(w.lower() for w in rules.not_names)
        self.words = words.load()  # the word and name lists, read once per process
        stop = self.not_names | self.words.not_names
        # census names that name a thing when alone (not_person.toml) leave the list; those
        # that are not given names are no name after a greeting either ("Hi Apple")
        things = {w.lower() for w in self.words.not_person | self.words.places}
        self.not_person = frozenset(
            w.lower() for w in self.words.not_person if w not in self.words.first_names
        )
        self.listed = frozenset(
            n
            for n in (self.words.first_names | self.words.last_names)
            if n.lower() not in stop and n.lower() not in things
        )
        self.passes: list[_Pass] = []
        self.listed_pass: _Pass | None = None
        wanted = set(rules.types)
        for group in PASS_TYPES:
            dets = [
                d if d.gate or t not in NEEDS_DIGIT else replace(d, gate=NEEDS_DIGIT[t])
                for t in group
                if t.split(":")[0] in wanted and (t != "phone:business" or rules.business_phones)
                for d in STATIC[t]
            ]
            if "date:more" in group and "date" in wanted and rules.month_day_dates:
                # here, not with the phones: the look-alikes would overflow that pass's DFA
                dets += NOT_MONTH_DAY
                dets += APOSTROPHE_YEARS  # "'09 PTCA", "CVA 74'."
                dets.append(
                    Detector("date", MONTH_DAY, NUM_BEFORE, NUM_AFTER, "month_day", SLASH_GATE)
                )
            if "date" in group:
                # detectors that look before a number take one character there; all of this
                # pass's detectors do, so that on a tie the earlier detector wins, not the one
                # that starts a character sooner ("DOB 1985-03-14" is a date, not a phone)
                dets = [
                    d
                    if d.before.startswith(NUM_BEFORE)
                    else Detector(d.type, d.pattern, LEAD + d.before, d.after, d.check, d.gate)
                    for d in dets
                ]
            if dets:
                self._add(dets)
        if rules.custom:  # the user's regexes run as written
            # (a custom "name" is resolved in resolve.py: the name spreads through its record)
            custom = [
                Detector(
                    c.type, c.pattern, c.before, c.after, "spread" if c.check == "name" else c.check
                )
                for c in rules.custom
            ]
            self._add(custom, False)
        if "person" in wanted:
            for dets in self._name_passes():
                self._add(dets)
            if rules.name_list and self.listed:
                # Latin letters only: Unicode classes here would cost 3x ("Jožef Albin"); an
                # accented capital too ("Éléonore Smith", "Zoran Čagalj"; Latin-1 and
                # Extended-A, whose capitals and small letters alternate), and an Irish "O'"
                # before a listed surname ("O'Cleary", not "O'" left and "Cleary" found)
                low = "a-zß-öø-ÿā-ž"
                # (ASCII_B sees no word's edge beside a letter that is no ASCII: a word
                # ending so ends where no ASCII word character follows, (?-u:\B))
                cap = (
                    rf"(?:{ASCII_B}[A-Z]|[{_ACCENTED_CAPS}])[{low}]*"
                    rf"(?:[a-z]{ASCII_B}|[ß-öø-ÿā-ž](?-u:\B))"
                )
                listed = (  # "Kate M Begum": an initial between
                    rf"(?:{cap}[ \t]+)?{ASCII_B}(?:[A-Z]['’])?(?:{_alternation(self.listed)})"
                    rf"{ASCII_B}(?:[ \t]+(?:[A-Z]\.?[ \t]+)?{cap})?"
                )
                # matched first and given back as text (leftmost wins): a place, company or
                # clause label of several words ("State of New York", "Most Favored Nation"),
                # a defined term in quotes (the "Stock"), a hyphenated eponym whose parts are
                # not all names ("Charcot-Marie-Tooth"; "Jean-Luc" is a name)
                self.listed_pass = self._add(
                    [
                        *not_person_detectors(self.words.phrases),
                        *place_detectors(),  # "in Reading", "Crewe station" (places.py)
                        Detector("person", listed, check="listed"),
                    ]
                )
        self.extra_names = frozenset(rules.extra_names)
        self.run_terms = frozenset(rules.terms)  # words the run uses as roles (corpus.py)
        self.role_kinds = frozenset(rules.role_evidence)  # what tells a role (terms.py)
        # (pass, find) -> outcome, per keep_values; see _ScanState
        self.outcomes: dict[bool, dict[tuple[int, str], str]] = {False: {}, True: {}}

    def _add(self, dets: list[Detector], builtin: bool = True) -> _Pass:
        if builtin:
            b = ascii_bounds
            dets = [
                Detector(d.type, b(d.pattern), b(d.before), b(d.after), d.check, d.gate)
                for d in dets
            ]
        p = _build_pass(len(self.passes), dets, lambda t: _canon(self.type_index[t]))
        # names whose check can use what is around a find (_peek): not after a title, nor
        # with a context after them, which their regex already saw; what precedes a find
        # only after a context (a speaker's label, a title)
        own = [d for d in dets if not d.after and d.check not in _TITLE_CHECKS]
        if own and all(d.type == "person" and d.check for d in dets):
            p.peek = "around" if any(d.check == "name" and d.before for d in own) else "after"
        if all(d.gate is not None for d in dets):
            # one regex per kind of gate (one alternation of "/" and words cost 8x as much:
            # a one-byte literal spoils the prefilter)
            gates = list(dict.fromkeys(d.gate for d in dets if d.gate is not None))
            kinds = dict.fromkeys((g.fold, g.ascii) for g in gates)
            p.own_gates = tuple(
                Gate("|".join(f"(?:{g.pattern})" for g in gates if (g.fold, g.ascii) == k), *k)
                for k in kinds
            )
            if self.gates:
                p.gates = p.own_gates
        self.passes.append(p)
        return p

    @functools.cached_property
    def prefilters(self) -> dict[bool, Prefilter]:
        """The gates' parts searched at once first (``gates.prefilters``), per ``fold``."""
        return prefilters([g for p in self.passes for g in p.gates])

    def prefilter_regexes(self, p: _Pass) -> set[str]:
        """The prefilters' regexes that ``p``'s gates search (on its thread, if first)."""
        return {
            pre.regex
            for g in p.gates
            if (pre := self.prefilters.get(g.fold)) is not None and pre.used_by(g)
        }

    @functools.cached_property
    def stages(self) -> list[list[_Pass]]:
        """The passes in runs that each fit one thread's cache of compiled regexes (Polars
        keeps ``REGEX_CACHE`` per thread, and compiles again every one it dropped: a pass's
        regex costs 1-100 ms to compile, the clinical pack's 42 regexes made every batch
        compile them all). A scan runs each stage on a thread of its own (``_scan_rows``)."""
        stages: list[list[_Pass]] = [[]]
        seen: set[str] = set()
        for p in self.passes:
            need = pass_regexes(p) | self.prefilter_regexes(p)
            if stages[-1] and len(seen | need) > REGEX_BUDGET:
                stages.append([])
                seen = set()
            stages[-1].append(p)
            seen |= need
        return stages

    def _name_passes(self) -> list[list[Detector]]:
        """Name detectors, one pass each: two big Unicode alternations in one regex make Rust's
        DFA give up (10x slower), while each alone scans at full speed."""
        ctx = self._ctx
        passes = [
            [
                Detector(
                    "person",
                    rf"{STRONG_TITLE}{NAME}{_AND_NAME}",
                    check="strong_title",
                    gate=STRONG_TITLE_GATE,
                )
            ],
            [
                Detector("person", NAME, before=THING_NAMED, check="reject"),
                # where a person gives a name, a word is one too: "Her maiden name is Key";
                # so where a turn opens greeting someone: "Hey Bill,", "Hi Jo,"
                Detector("person", NAME, before=NAME_GIVEN, check="name_given"),
                Detector("person", NAME, GREETED_TURN, GREETED_AFTER, check="name_given"),
                Detector("person", NAME, before=ctx(TITLE_CONTEXT, *NAME_CONTEXTS), check="name"),
            ],
            [
                Detector("person", NAME, SENTENCE_START, rf"[ \t]+{PERSON_VERBS}\b", "trailing"),
                # the person given something of theirs: "had given Hakuba his address"
                Detector("person", NAME, GIVEN_TO, r"[ \t]+(?:his|her)\b", "trailing"),
                Detector("person", TWO_NAMES, after=APPOSITION_AFTER, check="trailing"),
                # two name tokens then a verb and "his"/"her": "Krisztián Szöllösy listed his"
                Detector(
                    "person",
                    TWO_NAMES,
                    SENTENCE_START,
                    r"[ \t]+[a-z]+ed[ \t]+(?:his|her)\b",
                    "trailing",
                ),
                Detector("person", NAME, after=ctx(*AFTER_NAME[1:], WORKS_AFTER), check="trailing"),
                # a list of three names or more ("Moen, Bognár and Kjær"), before the unseen
                # detectors below take its last name out of the list (two: the rare pass's)
                Detector("person", COORDINATED_THREE, check="coordinated"),
                # last: on a tie the detectors above win (a find of these that its check
                # gives back, a listed name, the listed pass finds later)
                *([] if self.rules.lowercase_names else _unseen_detectors()[:2]),
            ],
            # a sentence's subject with a person's pronoun after it, a pass of its own on the
            # texts with such a word: in the pass above it cost ~11 us per bench ticket (each
            # capital opening a sentence looked 60 characters ahead), 3x that pass
            *([] if self.rules.lowercase_names else [_unseen_detectors()[2:]]),
            # rarer finds, one pass (a pass costs a scan; a find's capture groups cost more in a
            # bigger regex, so passes with many finds stay small): "Leif, can you", a name on
            # a line of its own, "Z. Miller", "per B. KARGAS", "Z. MILLER aware" (not "E. coli")
            rare := [
                Detector("person", NAME_TOKEN, SENTENCE_START, VOCATIVE_AFTER, check="name"),
                # a line of its own among other lines, not a whole field ("WriteRight Pen")
                Detector("person", LINE_NAME, r"(?:^|\n)[ \t>]*", r"[ \t]*\r?\n", "line"),
                Detector("person", LINE_NAME, r"\n[ \t>]*", r"[ \t]*$", "line"),
                Detector("person", INITIAL_CAPS, before=ctx(INITIAL_CONTEXT), check="initial"),
                Detector("person", INITIAL_CAPS, after=INITIAL_AFTER, check="initial"),
                Detector("person", INITIAL_NAME, before=r"(?:^|[ \t(])", check="initial"),
                # an address block's addressee: "Billing address: Yamin Sakarya\n 31401 ..."
                Detector("person", NAME, ADDRESSEE_BEFORE, r"[ \t]*\r?\n", "name"),
                Detector("person", SURNAME, before=ASCII_B, after=SURNAME_AFTER, check="trailing"),
            ],
        ]
        if self.not_names:  # "Dr. Foley" is a person even where "Foley" is a catheter
            alt = _alternation(w for n in self.rules.not_names for w in (n, n.upper(), n.lower()))
            titled = rf"(?:{alt}){ASCII_B}"
            titled_name = Detector(
                "person", titled, self._ctx(TITLE_CONTEXT), check="titled", gate=TITLE_GATE
            )
            passes.append([titled_name])
        if self.rules.lowercase_names:  # clinical notes: "DR. DISANGRO", "son bill", "J. Yi"
            # (a lower-case initial first: "Dr. g lawson")
            strong = rf"{STRONG_TITLE}(?:[a-z][ \t]+)?{CASED_NAME}(?:[ \t]+and[ \t]+{CASED_TOKEN})?"
            passes.append(
                [Detector("person", strong, check="strong_title", gate=STRONG_TITLE_GATE)]
            )
            titled = rf"{TITLE_CONTEXT}{CASED_NAME}"
            passes.append([Detector("person", titled, check="cased_title", gate=TITLE_GATE)])
            # after "son" or "nurse" a lower/upper-case word must be a known first name
            # (or after "spoke with": "case manager spoke with oprea", a name no list holds)
            # (the relative after it the context's too: "Spoke with daughter Georgia")
            # ("CONTACT PERSON MEREANA BONILLA"; not "work with": "I'm working with Chevron"
            # in MTS-Dialog's transcripts)
            meet = rf"{MET_WITH}|contact[ \t]+person:?"
            met = rf"\b(?i:{meet})[ \t]+(?:{self._ctx(*CASED_CONTEXTS[:-1])})?"
            relative = self._ctx(*CASED_CONTEXTS[:-1], met)
            passes.append([Detector("person", CASED_NAME, before=relative, check="known")])
            passes.append(self._greeted_names())
            # a subject before a person's verb: "Jasmit reports that pt" (a pass of its own:
            # in the trailing pass it took "dr walker aware" from the title's pass)
            passes.append(_note_subjects())
            # "SMITH, JOHN" opening a line of a note's header
            header = Detector("person", CAPS_LAST_FIRST, r"(?:^|\n)[ \t]*", check="caps_pair")
            passes.append([header])
            after = self._ctx(*AFTER_NAME[3:])  # "(son)", "family", "cell#", "is a 70 yo"
            passes.append([Detector("person", CASED_NAME, after=after, check="trailing_known")])
            # "ROBERT V. DEGIORGIO, RRT": a name before a credential ((?m)^ would cost 10x)
            signoff = rf"{ASCII_B}{CASED_NAME}"
            passes.append([Detector("person", signoff, after=SIGNOFF_AFTER, check="signoff")])
            # a name alone on the note's last line: "...\nSUSAN"
            last = rf"{CASED_TOKEN}(?:[ \t]+{CASED_TOKEN})?"
            # "mary smith", "JOHN DOE": a census first name and a census surname, any case
            firsts = sorted(n for n in self.listed if n in self.words.first_names)
            pair = (
                rf"{ASCII_B}(?:{_alternation(n.lower() for n in firsts)}"
                rf"|{_alternation(n.upper() for n in firsts)})[ \t]+(?:[A-Za-z]\.?[ \t]+)?"
                rf"[A-Za-z][A-Za-z'’-]+{ASCII_B}"
            )
            passes.append([Detector("person", pair, check="pair")])
            end = r"(?:\n|[.!?][ \t]+)[ \t]*"
            passes.append([Detector("person", last, end, r"\s*$", check="known")])
        else:
            # lower-case names after a strong context: "my name is lena andersson"
            rare += self._greeted_names()
            # the person a verb of speaking is aimed at: "Barbu shouted at Ankica" (in this
            # pass: the trailing pass's "Barbu shouted" holds the verb; unseen.OBJECT_SLOT)
            rare.append(Detector("person", OBJECT_NAME, OBJECT_BEFORE, check="unseen_shape"))
            rare.append(Detector("person", NAME_TOKEN, r"\n[ \t]*", r"\s*$", check="known"))
            # an answer that opens with the asker's name and a comma: "Nilesh, the extended
            # warranty covers it" (a given name of the lists: check "vocative")
            rare.append(Detector("person", NAME_TOKEN, r"^[ \t]*", r",[ \t]", check="vocative"))
            # a form's name label, the name in any case: "NAME: JOHN SMITH", "Full name: jan
            # kowalski" (check "known": a census first name, or a name no list holds)
            label = r"(?:^|\n)[ \t>]*(?i:(?:full |customer |patient )?name)[ \t]*:[ \t]*"
            rare.append(Detector("person", CASED_NAME, before=label, check="known"))
            # lower-case names before a person's verb or possessive: "eva kleist lives at",
            # "olga krylova's killers" (every token no common word: check "trailing"); and a
            # dialogue's speaker: "Ubul: What a wife.\nNicole: Remember me" (the next line
            # opens with a census given name and a colon, so "Plan:" lines or "Chrome:
            # ...\nFirefox: ..." are no dialogue). In the rare pass: gated in a pass of their
            # own, their gates cost twice what they add here
            given = _alternation(n for n in self.listed if n in self.words.first_names)
            lower_given = _alternation(
                n.lower()
                for n in self.listed
                if n in self.words.first_names and n not in self.words.given_as_words
            )
            rare += [
                Detector(
                    "person", LOWER_NAME, SENTENCE_START, rf"[ \t]+{PERSON_VERBS}\b", "trailing"
                ),
                Detector("person", LOWER_NAME, ASCII_B, AFTER_NAME[1], "trailing"),
                Detector(
                    "person",
                    NAME_TOKEN,
                    r"(?:^|\n)[ \t]*",
                    DIALOGUE_AFTER.format(firsts=f"{given}|{ACCENTED_NAME}"),
                    "trailing",
                ),
                # a full name in lower case anywhere: "next patient is grace ross", "from eric
                # g. samoylova's tales" (a given name, maybe an initial, then a surname:
                # detectors._lower_pair), in this pass: a pass of its own is a regex more
                # a text's first line, a name alone in lower case: "leone mazzi\n\nnurse" (first:
                # on a tie the earlier detector wins)
                Detector("person", self._lower_pair(), r"^[ \t]*", r"[ \t]*\r?\n", "lower_line"),
                Detector("person", self._lower_pair(), check="lower_pair"),
                # a name called at a question's end: "Remember me, György?" (no list's name:
                # check "unseen_shape"; "any update, Comcast?" is a brand's)
                Detector("person", OBJECT_NAME, r",[ \t]+", r"[?!]", "unseen_shape"),
                # a chat's speakers in lower case: "mika: who are you?\ntracy: i'm his daughter"
                # (both names and the line between them: the check marks the names and checks
                # the second; "[^\n:]{1,200}" and a second alternation made this pass 1.5x)
                Detector(
                    "person",
                    rf"(?:{lower_given})[ \t]*:[^\n:]+\r?\n[ \t]*[a-z]+",
                    r"(?:^|\n)[ \t]*",
                    r"[ \t]*:",
                    "lower_speaker",
                ),
            ]
        # "Kónya, Becker and Vasquez": a list of names where most are census names (before the
        # census-name pass, which would take the listed ones out of the list)
        rare.append(Detector("person", COORDINATED, check="coordinated"))
        return passes

    def _greeted_names(self) -> list[Detector]:
        """Names after a greeting or "my name is", capitalized or in lower case ("hi diane",
        "this is diana btw"). In lower case only a census first name, which the regex names:
        any lower-case word there ("this is for", "i am back") made ~4 finds per ticket, each
        checked in Python (the default pack's scan took 2x as long)."""
        strong = self._ctx(CASED_CONTEXTS[-1], GREETING_CASED)
        firsts = sorted(n.lower() for n in self.listed if n in self.words.first_names)
        lower = (  # "follow up with benjamin a seiler": an initial too
            rf"{ASCII_B}(?:{_alternation(firsts)})"
            rf"(?:[ \t]+(?:[a-z]\.?[ \t]+)?[a-z][a-z'’{NON_ASCII_LOWER}-]+)?"
            rf"{LOWER_END}"
        )
        # lower-case transcripts: "hey , ms. hill", "i'm seeing mrs . peterson": after a title
        # any census name (given or family), which "known" checks
        titled = r"\b(?:mr|mrs|ms|miss|dr|Dr)[ \t]*\.?[ \t]+"
        # given names that name a thing too ("Bruce", "Georgia"; not a brand, "hey alexa"
        # is the speaker's device as "hey dragon" is): a name after a greeting's word
        things = sorted(
            n.lower()
            for n in self.words.first_names
            if n not in self.listed and n not in self.words.brands
        )
        called = rf"{ASCII_B}(?:{_alternation(things)}){LOWER_END}"
        # (transcripts' packs only: in the default pack's rare pass it cost ~1 us per bench
        # ticket, for a class read in ACI-Bench's lower-case dialogues)
        vocative = [Detector("person", called, before=VOCATIVE_CASED, check="known")]
        return [
            Detector("person", NAME, before=strong, check="known"),
            Detector("person", lower, before=strong, check="known"),
            *(vocative if self.rules.lowercase_names else []),
            # (an initial first: "Dr. g lawson")
            Detector(
                "person",
                rf"{ASCII_B}(?:[a-z][ \t]+)?[a-z][a-z'’-]+{ASCII_B}",
                before=titled,
                check="known",
            ),
            Detector("person", LOWER_NAME, before=NAME_GIVEN, check="name"),
        ]

    def _lower_pair(self) -> str:
        """A census given name in lower case (or one that is a word too: "grace", "hope"),
        maybe an initial, then a lower-case word: "naomi ryan", "codey m ross"."""
        firsts = {n.lower() for n in self.listed if n in self.words.first_names}
        firsts |= self.words.name_words
        return (
            rf"{ASCII_B}(?:{_alternation(firsts)})[ \t]+(?:[a-z]\.?[ \t]+)?"
            rf"[a-z][a-z'’-]{{2,}}{ASCII_B}"
        )

    @functools.cached_property
    def lower_pair_re(self) -> re.Pattern[str]:
        """``_lower_pair`` for Python's ``re`` (a chat line a speakers' find holds)."""
        return re.compile(self._lower_pair().replace(ASCII_B, r"\b"), re.ASCII)

    @staticmethod
    def _ctx(*contexts: str) -> str:
        return "|".join(f"(?:{c})" for c in contexts)

    # ---- scanning ------------------------------------------------------------------------

    def scan(
        self,
        texts: pl.Series,
        groups: Sequence[int] | np.ndarray | None = None,
        *,
        keep_values: bool = True,
        parallel: bool = True,
    ) -> Scan:
        """Mark every find in ``texts``; ``groups`` (one id per text) says which texts form a
        record, for names found by context and for pseudonym numbering (default: each its own).

        ``keep_values=False`` is about twice as fast and enough for counts and ``[TYPE]``
        placeholders; spans, pseudonyms and examples need the values. ``parallel``: big
        columns are split by record and scanned on one thread per core (same result)."""
        texts = texts.cast(pl.Utf8)
        idx = _non_ascii(texts)  # our markers are not ASCII: only these texts can hold one
        if not idx.is_empty():
            some = texts.gather(idx)
            bad = some.str.contains(RESERVED).fill_null(False)
            if bad.any():
                fixed = some.filter(bad).str.replace_all(RESERVED, "\ufffd")
                texts = texts.clone().scatter(idx.filter(bad), fixed)
        grp = np.arange(len(texts)) if groups is None else np.asarray(groups)
        parts = _pool.split_rows(grp, _pool.threads() if parallel else 1)
        if len(parts) == 1:
            return Scan(self, self._scan_rows(texts, grp, keep_values), grp, keep_values)
        # records split into parts scanned on threads: a record's texts stay in one part
        done = _pool.run_parts(
            lambda rows: self._scan_rows(texts.gather(rows), grp[rows], keep_values), parts
        )
        order = np.argsort(np.concatenate(parts), kind="stable")
        marked = pl.concat(done, rechunk=True).gather(order)
        return Scan(self, marked, grp, keep_values)

    def _scan_rows(self, texts: pl.Series, grp: np.ndarray, keep_values: bool) -> pl.Series:
        """The passes over ``texts`` (whole records, as ``grp`` says): the first stage on
        this thread, each other on a thread of its own (``stages``)."""
        state = _ScanState(self, grp, keep_values, texts)
        marked = texts
        held: dict[int, list[str]] = {}  # row -> the public links held out of it (_hold)
        # the gates' hits, the lower-cased texts, and the prefilters (gates._gate_hits)
        gated: dict[object, object] = {PREFILTERS: self.prefilters}
        for k, stage in enumerate(self.stages):
            args = (stage, texts, marked, state, held, gated, keep_values)
            if k == 0:
                marked = self._run_passes(*args)
            else:  # a long-lived pool per stage: there its regexes stay compiled
                job = _pool.pool(f"rules-stage{k}", _pool.cores()).submit(self._run_passes, *args)
                marked = job.result()
        if self.listed_pass is None:
            marked = state.propagate_names(marked)
        return _unhold(marked, held) if held else marked

    def _run_passes(
        self,
        passes: list[_Pass],
        texts: pl.Series,
        marked: pl.Series,
        state: _ScanState,
        held: dict[int, list[str]],
        gated: dict[object, object],
        keep_values: bool,
    ) -> pl.Series:
        """``passes`` over ``marked`` (``texts`` as they came, for the gates)."""
        for p in passes:
            if p is self.listed_pass:
                marked = state.propagate_names(marked)
            before = marked
            hit = None
            if not p.gates:
                marked = _replace_pass(marked, p, keep_values)
            else:
                hit = _gate_hits(texts, gated, p.gates)
                marked = _gated_pass(marked, p, keep_values, hit)
            if not p.single:
                # a find makes its text longer (by its opener and CLOSE at least) and a pass
                # changes nothing else: comparing lengths (kept per string) finds the texts
                # with finds at no cost, where a search for the opener is a scan
                grew = marked.str.len_bytes() != before.str.len_bytes()
                marked = state.resolve(marked, p, grew.fill_null(False))
            if p.hold:
                marked = _hold(marked, held, hit)
        return marked


_KEPT_RE = re.compile(f"{KEEP}([^{CLOSE}]*){CLOSE}")
_HELD_OR_KEPT_RE = re.compile(f"{HOLD}|{KEEP}([^{CLOSE}]*){CLOSE}")


def _hold(marked: pl.Series, held: dict[int, list[str]], hit: pl.Series | None) -> pl.Series:
    """Each kept public link (``KEEP value CLOSE``) out of its text, one HOLD in its place:
    later passes see nothing of it to match ("web.archive.org/web/20191213044137/..." held a
    Luhn-valid "card"). Only texts with a link get here; ``_unhold`` puts the links back."""
    if hit is None:  # every text was scanned
        idx = marked.str.contains(KEEP, literal=True).fill_null(False).arg_true()
    else:  # only those that passed the gate can hold a new one
        idx = hit.arg_true()
        idx = idx.filter(marked.gather(idx).str.contains(KEEP, literal=True).fill_null(False))
    if idx.is_empty():
        return marked
    rows, out = idx.to_list(), []
    for row, text in zip(rows, marked.gather(idx).to_list(), strict=True):
        before = held.get(row, [])
        if HOLD not in text:
            held[row] = before + _KEPT_RE.findall(text)
        else:  # values held by an earlier pass: the new ones go between them, in text order
            old, merged = iter(before), []
            for m in _HELD_OR_KEPT_RE.finditer(text):
                merged.append(next(old, "") if m.group(1) is None else m.group(1))
            held[row] = merged
        out.append(_KEPT_RE.sub(HOLD, text))
    return marked.clone().scatter(idx, pl.Series(out, dtype=pl.Utf8))


def _unhold(marked: pl.Series, held: dict[int, list[str]]) -> pl.Series:
    """The held links back in their texts, in order."""
    rows = sorted(held)
    out = []
    for row, text in zip(rows, marked.gather(rows).to_list(), strict=True):
        pieces = text.split(HOLD)
        links = held[row] + [""] * (len(pieces) - 1 - len(held[row]))  # one per HOLD
        out.append(
            pieces[0] + "".join(link + p for link, p in zip(links, pieces[1:], strict=False))
        )
    return marked.clone().scatter(rows, pl.Series(out, dtype=pl.Utf8))


def _replace_pass(marked: pl.Series, p: _Pass, keep_values: bool) -> pl.Series:
    """One pass over a column (see ``_Pass`` for the two forms)."""
    if keep_values:
        return marked.str.replace_all(*p.keep).str.replace_all(p.junk, "", literal=True)
    return marked.str.replace_all(*p.fast)


def _gated_pass(marked: pl.Series, p: _Pass, keep_values: bool, hit: pl.Series) -> pl.Series:
    """``_replace_pass`` on the texts that ``hit`` says can match; the others stay as they are."""
    idx = hit.arg_true()
    if idx.is_empty():
        return marked
    if len(idx) == len(marked):
        return _replace_pass(marked, p, keep_values)
    done = _replace_pass(marked.gather(idx), p, keep_values)
    return marked.clone().scatter(idx, done)


# a second name after a strong title's: "Dr. Patel and Okonkwo" (the title covers both;
# detectors.check gives back what is no name: "Dr. Patel and Nurse")
_AND_NAME = rf"(?:[ \t]+and[ \t]+{NAME_TOKEN})?"

_ENGINES: dict[str, PiiEngine] = {}


def engine_for(rules: PiiRules) -> PiiEngine:
    """The engine of ``rules``, built once per process (building one costs ~0.1 s: the census
    name alternation), since ingest applies the same pack to every batch."""
    key = rules.model_dump_json()
    engine = _ENGINES.get(key)
    if engine is None:
        if len(_ENGINES) >= 8:
            _ENGINES.clear()
        engine = _ENGINES[key] = PiiEngine(rules)
    return engine
