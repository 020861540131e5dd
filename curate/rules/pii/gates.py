"""Which texts pass a pass's gates (``detector.Gate``), cheaply.

A gate's regex is an alternation of its detectors' gates, and one alternation can cost far
more than its parts: a one-character literal ("\\n", "/") spoils the prefilter of the rest (the
US-state gate "\\n|[a-z],[ \\t]*[A-Z][A-Z]\\b" cost 1.7 us per ticket, its two parts 0.5), and a
class of non-ASCII letters makes Rust scan every byte of every text (1.8 us per ticket, for
texts that hold no such letter). So a gate is cut into its top-level alternatives:

- one-character literals: a literal search each, no regex;
- parts that only match where a non-ASCII character is: one regex, on those texts only;
- the rest, joined again into one regex (a literal search where it is literals only).

A text passes the gate when it passes any part: the same texts as the whole regex. Which
parts need a non-ASCII character is read from Python's parse of them (``re._parser``),
conservatively: anything unsure (a flag, a Rust-only form) counts as "any text". Cutting
further cost more than it saved: two regexes over every text cost more than their
alternation, and a part that needs a digit saves nothing on tickets (their long texts have
digits).

Then the parts of every gate of a scan are searched first all at once (``Prefilter``): one
regex, the alternation of every gate's regex parts and literals of two characters or more,
per kind of text (lower-cased or as it came). A part can only match in a text the whole
alternation matches in, so each part is then searched in those texts alone (a few percent
of tickets): the default pack's gates cost 8.5 us per ticket on the lower-cased texts one by
one, 3 at once.

A part that spans any text (``_spans_text``: "[^\\n,]{0,40}", "(?s:.)*") would make the
prefilter cost more than all its other parts; its screen joins instead (``SCREENS``: a regex
that every text the part matches in holds, written by the part's module), and the part is
then searched only in the texts the prefilter passes (the street blocks' gates: 2.5 us per
ticket alone; their screens add nothing measurable to the prefilter).
"""

from __future__ import annotations

import functools
import operator
import re
import re._constants as sre
import re._parser as sre_parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from curate.rules.pii.address_intl import BLOCK_GATE_SCREENS, BLOCK_PIN_GATE, BLOCK_PLAIN_GATE
from curate.rules.pii.detector import Gate

# the texts a part can match in (see the module docstring)
ALL, NON_ASCII = "all", "non_ascii"


@dataclass(frozen=True)
class _Plan:
    """A gate cut into parts: literals, and one regex per set of texts it can match in."""

    literals: tuple[str, ...]
    regexes: tuple[tuple[str, str], ...]  # (texts, regex)


@functools.cache
def plan(pattern: str) -> _Plan:
    """``pattern`` (a gate's regex) cut into its parts (see the module docstring)."""
    literals: list[str] = []
    rest: list[str] = []
    non_ascii: list[str] = []
    parts = _alternatives(pattern)
    if all(_one_char(part) for part in parts):  # "[0-9]|:": one class, one scan
        lits = _literals(pattern)
        return _Plan(lits, ()) if lits is not None else _Plan((), ((ALL, pattern),))
    for part in parts:
        lits = _literals(part)
        if lits is not None and all(len(lit) == 1 for lit in lits):
            literals += lits  # one character: it would spoil the regex's prefilter
        elif _kind(part) == NON_ASCII:
            non_ascii.append(part)
        else:
            rest.append(part)
    joined = "|".join(rest)
    lits = _literals(joined) if rest else None
    if lits is not None:  # literals only: no regex at all
        literals += lits
        rest = []
    regexes = [(ALL, joined)] if rest else []
    if non_ascii:
        regexes.append((NON_ASCII, "|".join(non_ascii)))
    return _Plan(tuple(dict.fromkeys(literals)), tuple(regexes))


@dataclass(frozen=True)
class Prefilter:
    """One regex searched before the gates' parts of one kind (``fold``): ``parts`` (regexes,
    and literal tuples) can only match in the texts it matches in."""

    regex: str
    parts: frozenset[object]

    def used_by(self, gate: Gate) -> bool:
        """Whether ``gate`` searches in the texts this prefilter lets through."""
        p = plan(gate.pattern)
        return p.literals in self.parts or any(r in self.parts for _, r in p.regexes)


def prefilters(gates: Sequence[Gate]) -> dict[bool, Prefilter]:
    """The prefilter of ``gates``' parts, per ``fold``: their regexes but those of single
    characters ("[0-9]": half the texts, and cheap alone) and those that span any text
    (``_spans_text``), and their literals of two characters or more (one character spoils a
    regex's prefilter). None where fewer than two parts would share it."""
    out = {}
    for fold in (False, True):
        regexes: dict[str, str] = {}  # a part -> what the prefilter searches for it
        literals: dict[tuple[str, ...], None] = {}
        for gate in dict.fromkeys(g for g in gates if g.fold == fold):
            p = plan(gate.pattern)
            if p.literals and all(len(lit) > 1 for lit in p.literals):
                literals[p.literals] = None
            for kind, regex in p.regexes:
                one_char = all(_one_char(a) for a in _alternatives(regex))
                if kind == ALL and not one_char and (screen := _screen(regex)) is not None:
                    regexes[regex] = screen
        if len(regexes) + len(literals) < 2:
            continue
        alts = [f"(?:{r})" for r in regexes.values()]
        alts += [re.escape(lit) for lits in literals for lit in lits]
        out[fold] = Prefilter("|".join(alts), frozenset([*regexes, *literals]))
    return out


# a part that spans any text -> a regex every text it matches in holds (see the docstring)
SCREENS: dict[str, str] = {}


def _screen(regex: str) -> str | None:
    """What a prefilter searches for ``regex``: itself, or where some alternative of it spans
    any text, each such alternative's screen (None where one has none: it stays out)."""
    if not _spans_text(regex):
        return regex
    alts = _alternatives(regex)
    screens = [SCREENS.get(a, None if _spans_text(a) else a) for a in alts]
    if any(s is None for s in screens):
        return None
    return "|".join(f"(?:{s})" for s in screens)


def gate_regexes(gate: Gate) -> set[str]:
    """The regexes ``gate`` takes in its thread's cache of compiled regexes."""
    return {regex for _kind, regex in plan(gate.pattern).regexes}


def _gate_hits(texts: pl.Series, cache: dict[object, Any], gates: Sequence[Gate]) -> pl.Series:
    """Which texts pass one of ``gates``. Folded gates test the lower-cased text, and pass any
    text with "ſ" too: the regex's (?i) matches it as "s", and lower-casing keeps it. (The only
    other non-ASCII letter that (?i) matches as ASCII, the Kelvin sign, lower-cases to "k".)
    ``cache`` keeps, for one scan, the lower-cased texts, the texts with a digit or a non-ASCII
    character, and each gate's and part's hits (passes share gates and parts); under
    ``PREFILTERS`` the scan's ``prefilters`` (none there: each part searches every text)."""
    hits = []
    for gate in gates:
        hit = cache.get(gate)
        if hit is None:
            if gate.fold:
                if "lower" not in cache:
                    cache["lower"] = texts.str.to_lowercase()
                    cache["long_s"] = texts.str.contains("ſ", literal=True)
                hit = _plan_hits(texts, cache, gate.pattern, True) | cache["long_s"]
            else:
                hit = _plan_hits(texts, cache, gate.pattern, False)
            if gate.ascii:
                hit = hit | _non_ascii(texts, cache)
            hit = cache[gate] = hit.fill_null(False)
        hits.append(hit)
    return functools.reduce(operator.or_, hits)


def _non_ascii(texts: pl.Series, cache: dict[object, pl.Series]) -> pl.Series:
    got = cache.get("non_ascii")
    if got is None:
        got = cache["non_ascii"] = (texts.str.len_bytes() != texts.str.len_chars()).fill_null(False)
    return got


PREFILTERS = "prefilters"  # the cache's key of a scan's prefilters (see _gate_hits)


def _plan_hits(texts: pl.Series, cache: dict[object, Any], pattern: str, fold: bool) -> pl.Series:
    src = cache["lower"] if fold else texts
    p = plan(pattern)
    pre = cache.get(PREFILTERS, {}).get(fold)
    hits = []
    if p.literals:
        if pre is not None and p.literals in pre.parts:
            lits = p.literals
            hits.append(
                _on(src, _prefiltered(src, cache, pre, fold), lambda s: _literal_hits(s, lits))
            )
        else:
            hits.append(_literal_hits(src, p.literals))
    for kind, regex in p.regexes:
        key = ("part", fold, regex)
        hit = cache.get(key)
        if hit is None:
            if kind == ALL and pre is not None and regex in pre.parts:
                hit = _subset(src, _prefiltered(src, cache, pre, fold), regex)
            elif kind == ALL:
                hit = src.str.contains(regex).fill_null(False)
            else:  # (lower-casing makes no non-ASCII character of an ASCII one)
                hit = _subset(src, _non_ascii(texts, cache), regex)
            cache[key] = hit
        hits.append(hit)
    if not hits:
        return pl.zeros(len(texts), pl.Boolean, eager=True)
    return functools.reduce(operator.or_, hits)


def _prefiltered(src: pl.Series, cache: dict[object, Any], pre: Prefilter, fold: bool) -> pl.Series:
    """The texts ``pre`` matches in (searched once per scan)."""
    key = ("prefilter", fold)
    hit = cache.get(key)
    if hit is None:
        hit = cache[key] = src.str.contains(pre.regex).fill_null(False)
    return hit


def _subset(src: pl.Series, can: pl.Series, regex: str) -> pl.Series:
    """``src.str.contains(regex)``, searched only where ``can`` (False elsewhere)."""
    return _on(src, can, lambda s: s.str.contains(regex).fill_null(False))


def _on(src: pl.Series, can: pl.Series, search: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """``search(src)``, run only where ``can`` (False elsewhere)."""
    idx = can.arg_true()
    if len(idx) == len(src):
        return search(src)
    out = pl.zeros(len(src), pl.Boolean, eager=True)
    if idx.is_empty():
        return out
    return out.scatter(idx, search(src.gather(idx)))


def _contains(texts: pl.Series, pattern: str) -> pl.Series:
    """``texts.str.contains(pattern)``, by literal search where the pattern is an alternation of
    literals: Polars keeps 32 compiled regexes per thread, and a scan's passes and gates must
    fit in them (tests/test_rules_pii_speed.py), so a gate that needs no regex takes none."""
    literals = _literals(pattern)
    if literals is None:
        return texts.str.contains(pattern)
    return _literal_hits(texts, literals)


def _literal_hits(texts: pl.Series, literals: Sequence[str]) -> pl.Series:
    """The texts holding one of ``literals``: one search each for one or two, an
    Aho-Corasick automaton (``contains_any``, no regex) for more: the spoken dates' gate of 38
    words cost 9.3 us per ticket one by one, 1.8 at once."""
    if len(literals) >= 3:
        return texts.str.contains_any(list(literals)).fill_null(False)
    hits = [texts.str.contains(lit, literal=True).fill_null(False) for lit in literals]
    return functools.reduce(operator.or_, hits)


# a gate that is only literals: "(?:@)", "(?:card)", "(?:://|www\.)"
_LITERAL_ALT = re.compile(r"(?:\(\?:)?((?:[^\\^$.*+?()\[\]{}|]|\\[^A-Za-z0-9])+)\)?")


@functools.cache
def _literals(pattern: str) -> tuple[str, ...] | None:
    parts = pattern.split("|")
    out = []
    for part in parts:
        m = _LITERAL_ALT.fullmatch(part)
        if m is None:
            return None
        out.append(re.sub(r"\\(.)", r"\1", m.group(1)))
    # the parentheses must pair up across the parts: "(?:a|b)" or "(?:a)|(?:b)"
    text = "".join(parts)
    if text.count("(?:") != text.count(")"):
        return None
    return tuple(out)


# what would cut or parse otherwise than Rust reads it: nested or set-operation classes, a
# flag group for the rest of the pattern ("(?i)"), Unicode properties, Rust escapes
_SPLIT_UNSURE = re.compile(r"\[\[|&&|--|~~|\(\?[a-zA-Z-]*\)")
_PARSE_UNSURE = re.compile(r"\[\[|&&|--|~~|\\[pPzA]|\\x\{|\(\?[a-zA-Z-]*\)")


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of ``pattern`` (the whole pattern where unsure)."""
    if _SPLIT_UNSURE.search(pattern):
        return [pattern]
    out, cur, depth, i = [], [], 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            cur.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":  # a class: up to its closing bracket ("[]a]", "[^]a]" hold one)
            j = i + 1
            if pattern[j : j + 1] == "^":
                j += 1
            if pattern[j : j + 1] == "]":
                j += 1
            while j < len(pattern) and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            cur.append(pattern[i : j + 1])
            i = j + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "|" and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    out.append("".join(cur))
    if depth != 0 or any(not p for p in out):
        return [pattern]
    # a part that is one group is cut in turn: "(?:a|b)" is "a|b"
    return [q for p in out for q in (_alternatives(p[3:-1]) if _one_group(p) else [p])]


def _one_group(part: str) -> bool:
    """``part`` is "(?:...)", its parentheses closing at its end."""
    if not (part.startswith("(?:") and part.endswith(")")):
        return False
    depth, i = 0, 0
    while i < len(part):
        ch = part[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            j = i + 1
            if part[j : j + 1] == "^":
                j += 1
            if part[j : j + 1] == "]":
                j += 1
            while j < len(part) and part[j] != "]":
                j += 2 if part[j] == "\\" else 1
            i = j + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0 and i != len(part) - 1:
                return False
        i += 1
    return depth == 0


@functools.cache
def _kind(part: str) -> str:
    """Which texts ``part`` can match in: NON_ASCII (every match holds a non-ASCII
    character) or ALL."""
    if _PARSE_UNSURE.search(part):
        return ALL
    try:
        parsed = sre_parse.parse(part.replace(r"(?-u:\b)", r"\b"))
    except (re.error, RecursionError, OverflowError):
        return ALL
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
        return ALL  # (?i) matches "ſ" as "s", the Kelvin sign as "k"
    return NON_ASCII if _requires(parsed) else ALL


@functools.cache
def _one_char(part: str) -> bool:
    """Every match of ``part`` is one character (a literal or a class)."""
    if _PARSE_UNSURE.search(part):
        return False
    try:
        parsed = list(sre_parse.parse(part.replace(r"(?-u:\b)", r"\b")))
    except (re.error, RecursionError, OverflowError):
        return False
    while len(parsed) == 1 and parsed[0][0] is sre.SUBPATTERN:
        parsed = list(parsed[0][1][3])
    return len(parsed) == 1 and parsed[0][0] in (sre.LITERAL, sre.IN)


@functools.cache
def _spans_text(part: str) -> bool:
    """``part`` repeats "anything but ..." many times ("[^\\n,]{0,40}", "[^\\n]*"): such a
    part costs a full scan of every text alone, and joined to the prefilter it made that cost
    more than all its other parts together (the street-and-country gate: 2.4 us per ticket
    alone, 1.2 more in the prefilter). Unsure: True (it stays out)."""
    if _PARSE_UNSURE.search(part):
        return True
    try:
        parsed = sre_parse.parse(part.replace(r"(?-u:\b)", r"\b"))
    except (re.error, RecursionError, OverflowError):
        return True
    return _wide(parsed)


def _wide(items: Any) -> bool:
    """Some item of the parsed ``items`` repeats a near-any class more than 16 times."""
    for op, av in items:
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            _lo, hi, sub = av
            inside = [sub]
            if hi > 16 and any(_negated(o, a) for o, a in sub):
                return True
        elif op is sre.SUBPATTERN:
            inside = [av[3]]
        elif op is sre.BRANCH:
            inside = list(av[1])
        elif op is sre.ATOMIC_GROUP:
            inside = [av]
        else:
            continue
        if any(_wide(sub_items) for sub_items in inside):
            return True
    return False


def _negated(op: Any, av: Any) -> bool:
    """A class of nearly every character: "[^\\n]", ".", "\\S"."""
    if op in (sre.NOT_LITERAL, sre.ANY):
        return True
    if op is sre.IN:
        return any(m is sre.NEGATE or (m is sre.CATEGORY and "NOT" in str(v)) for m, v in av)
    return False


def _requires(items: Any) -> bool:
    """Every match of the parsed ``items`` holds a non-ASCII character."""
    return any(_item_requires(op, av) for op, av in items)


def _item_requires(op: Any, av: Any) -> bool:
    if op is sre.LITERAL:
        return bool(av >= 0x80)
    if op is sre.IN:  # a class: every member beyond ASCII, none negated, no \w or \d
        members = list(av)
        return bool(members) and all(
            (mop is sre.LITERAL and mav >= 0x80) or (mop is sre.RANGE and mav[0] >= 0x80)
            for mop, mav in members
        )
    if op is sre.BRANCH:
        return all(_requires(alt) for alt in av[1])
    if op is sre.SUBPATTERN:
        add, sub = av[1], av[3]
        return not add & (re.IGNORECASE | re.VERBOSE) and _requires(sub)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        return bool(av[0] >= 1) and _requires(av[2])
    if op is sre.ATOMIC_GROUP:
        return _requires(av)
    return False


def _add_screens(pattern: str, screens: Sequence[str]) -> None:
    """``screens`` for ``pattern``'s top-level alternatives, in order."""
    alts = _alternatives(pattern)
    if len(alts) != len(screens):
        raise ValueError(f"{len(screens)} screens for {len(alts)} alternatives of a gate")
    SCREENS.update(zip(alts, screens, strict=True))


_add_screens(f"{BLOCK_PLAIN_GATE}|{BLOCK_PIN_GATE}", BLOCK_GATE_SCREENS)
