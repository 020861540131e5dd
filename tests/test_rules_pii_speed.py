"""The PII scan's cost shape (issue 18, problem 1): what made the scan 8-40x slower, guarded
by structure rather than by wall-clock (a shared machine makes timings flaky). The timings
themselves are in bench/bench_pii.py and bench/bench_pii_ingest.py (`make bench`)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine
from curate.rules.pii.detector import Gate
from curate.rules.pii.gates import PREFILTERS, _gate_hits, _literals, gate_regexes, plan

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
PACKS = ("default", "strict", "clinical", "contracts")


@pytest.mark.parametrize("pack", PACKS)
def test_builtin_passes_use_no_unicode_word_class(pack: str) -> None:
    """A Unicode \\w in the date/phone pass overflowed Rust's lazy DFA: physionet notes took
    25 s in that pass, 0.2 s with ASCII word characters (the same finds)."""
    engine = PiiEngine(load_rule_pack(pack).pii)
    for p in engine.passes:
        for regex in (p.fast[0], p.keep[0]):
            assert not re.search(r"(?<!\\)\\w", regex), (p.index, regex[:200])


def test_lower_case_greeting_checks_only_census_first_names() -> None:
    """After "this is" / "i am" / "hi" a lower-case word is a name only when it is a census
    first name; the regex says so, so ordinary words there are no finds to check in Python
    (before: ~4 such finds per ticket, the default pack's scan twice as slow)."""
    engine = PiiEngine(load_rule_pack("default").pii)
    texts = [
        "this is for the router, i am back on it and it's still slow",
        "hi there, this is weird: i'm stuck again",
        "hi diane, this is diana btw",
    ]
    scan = engine.scan(pl.Series(texts), keep_values=True, parallel=False)
    assert scan.placeholders().to_list()[:2] == texts[:2]
    assert scan.placeholders()[2] == "hi [PERSON], this is [PERSON] btw"
    greeted = [p.index for p in engine.passes if any(d.check == "known" for d in p.dets)]
    checked = [v for (i, v) in engine.outcomes[True] if i in greeted]
    assert all("diane" in v or "diana" in v for v in checked), checked


def test_street_gate_lets_ordinary_english_through_unscanned() -> None:
    """The non-US street pass runs on texts that pass its gate: "string", "during", "ring"
    alone no longer do (every English text did)."""
    from curate.rules.pii.patterns import STREET_GATE

    low = pl.Series(
        ["the string during bring-up, in the ring buffer", "hauptstraße 5", "12 rue de rivoli"]
    )
    assert low.str.contains(STREET_GATE.pattern).to_list() == [False, True, True]


def test_no_pass_overflows_the_dfa_on_tickets() -> None:
    """One more phone alternative in the numbers' pass tipped its regex over Rust's lazy DFA
    cache: that pass took 150x the others on support tickets (the default pack's ingest 12x
    slower), and removing any one of its detectors brought it back. Measured as a ratio to
    the other passes in the same process, so a busy machine does not make it flaky."""
    import sys
    import time

    from curate.rules.pii.engine import _replace_pass

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from bench_ingest import make_csv

    tmp = Path(__import__("tempfile").mkdtemp()) / "tickets.csv"
    make_csv(tmp, 600)
    frame = pl.read_csv(tmp)
    texts = pl.concat([frame[c] for c in frame.columns if frame[c].dtype == pl.Utf8]).drop_nulls()
    engine = PiiEngine(load_rule_pack("default").pii)
    costs = []
    for p in engine.passes:
        _replace_pass(texts.head(50), p, False)  # compile first
        best = float("inf")
        for _ in range(3):  # the best of three: a pause of the machine is no cost of the pass
            t0 = time.perf_counter()
            _replace_pass(texts, p, False)
            best = min(best, time.perf_counter() - t0)
        costs.append(best)
    median = sorted(costs)[len(costs) // 2]
    worst = max(range(len(costs)), key=costs.__getitem__)
    assert costs[worst] < 25 * median, (worst, [round(c, 4) for c in costs])


# Polars keeps this many compiled regexes per thread (polars-utils' RegexCache): a thread
# that uses more compiles every one again on every call, in turn (a pass's regex costs
# 1-100 ms to compile: the clinical pack's scan of 10 short texts took 90 ms, not 10).
POLARS_REGEX_CACHE = 32
_REGEX_METHODS = ("contains", "replace_all", "replace", "extract_all", "count_matches", "extract")


def _scan_regexes(pack: str, monkeypatch: pytest.MonkeyPatch) -> dict[int, set[str]]:
    """Every regex one scan can run, per thread: those of a scan with every pass run on every
    text (no gates), and every gate's, on the thread that runs its pass."""
    import threading

    from polars.expr.string import ExprStringNameSpace
    from polars.series.string import StringNameSpace

    rules = load_rule_pack(pack).pii
    gated, open_ = PiiEngine(rules), PiiEngine(rules, gates=False)
    seen: dict[int, set[str]] = {}
    for ns in (StringNameSpace, ExprStringNameSpace):
        for name in _REGEX_METHODS:
            real = getattr(ns, name)

            def spy(self, pattern, *args, _real=real, **kwargs):  # type: ignore[no-untyped-def]
                if isinstance(pattern, str) and not kwargs.get("literal", False):
                    seen.setdefault(threading.get_ident(), set()).add(pattern)
                return _real(self, pattern, *args, **kwargs)

            monkeypatch.setattr(ns, name, spy)
    texts = pl.Series(
        [
            "Hi Anna Smith,\nDr. Jones (555) 201-3344 a@b.org 2021-03-04 card 4111 1111 1111 1111",
            "me llamo José — 12 Rue de la Paix, 75002 Paris; ſ ñ 09/2021 @handle www.x.org/a?u=1",
        ]
    )
    open_.scan(texts, keep_values=False, parallel=False)
    # a gate's literal parts are literal searches, no regex (gates.plan)
    for p in gated.passes:
        thread = next(t for t, found in seen.items() if p.fast[0] in found)
        seen[thread] |= set().union(*(gate_regexes(g) for g in p.gates))
        seen[thread] |= gated.prefilter_regexes(p)  # (searched on the first such thread)
    return seen


@pytest.mark.parametrize("pack", PACKS)
def test_a_scan_fits_in_the_regex_cache_of_its_threads(
    pack: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The passes, their gates and the scan's own regexes run on the rules pool's threads
    (``_pool``): on each thread they must fit in Polars' per-thread cache, else each batch
    compiles them again (one pass more than fits costs as much as a pass in ten). A pack with
    more runs its passes in stages, each on a thread of its own (the clinical pack: 42
    regexes, one thread's cache compiled ~80 ms of them again on every scan call)."""
    found = _scan_regexes(pack, monkeypatch)
    assert max(len(f) for f in found.values()) <= POLARS_REGEX_CACHE, {
        t: len(f) for t, f in found.items()
    }


def test_the_clinical_scan_is_not_slowed_by_compiling_its_regexes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Measured, not counted: warm scans of a few texts with the passes in stages (each
    stage's regexes stay in its thread's cache) against the same scans with every pass on
    one thread (42 regexes: the thread's cache of 32 compiles each of them again on every
    scan, ~80 ms for 10 short texts). Both warm, in the same process, whatever ran before."""
    import time

    from curate.rules.pii import engine as engine_mod

    rules = load_rule_pack("clinical").pii
    staged = PiiEngine(rules)
    assert len(staged.stages) > 1  # (computed once, here, with the real budget)
    monkeypatch.setattr(engine_mod, "REGEX_BUDGET", 10_000)
    one_thread = PiiEngine(rules)
    assert len(one_thread.stages) == 1
    texts = pl.Series(["Pt seen by Dr. Smith on 3/4/2021, son bill at bedside."] * 10)

    def best(engine: PiiEngine) -> tuple[float, list[str | None]]:
        engine.scan(texts, keep_values=False, parallel=False)  # compile (first scan)
        times, out = [], []
        for _ in range(5):
            t0 = time.perf_counter()
            out = engine.scan(texts, keep_values=False, parallel=False).placeholders().to_list()
            times.append(time.perf_counter() - t0)
        return min(times), out

    fast, out = best(staged)
    slow, out_one = best(one_thread)
    assert out == out_one
    assert fast < slow / 2.5, (fast, slow)


_PII_BITS = [
    "Hi Anna Smith,",
    "Dr. Jones",
    "call (555) 201-3344",
    "a@b.org",
    "on 2021-03-04",
    "card 4111 1111 1111 1111",
    "\U000c0000",  # a 4-byte character of another plane: F3 80 80 80
    "\U000f0400",  # a marker's own character in the input (the scan replaces it)
    "\U000ffffd",
    "ñ é 中",
    "ok.",
    "\n",
]


@given(st.lists(st.lists(st.sampled_from(_PII_BITS), max_size=6), min_size=1, max_size=12))
@settings(max_examples=60, deadline=None)
def test_counts_are_the_markers_in_each_text(pieces: list[list[str]]) -> None:
    """``Scan.counts`` reads the markers from the texts' UTF-8 bytes: per text and type it
    gives what counting each type's marker character in the text gives, with or without the
    values kept, whatever other 4-byte characters the input holds."""
    from curate.rules.pii.markers import _ANY_MARK, CLOSE, _canon

    engine = PiiEngine(load_rule_pack("default").pii)
    texts = pl.Series([" ".join(p) for p in pieces] + [None], dtype=pl.Utf8)
    for keep in (False, True):
        scan = engine.scan(texts, keep_values=keep, parallel=False)
        marked = scan.marked
        if keep:
            marked = marked.str.replace_all(f"({_ANY_MARK})[^{CLOSE}]*{CLOSE}", "$1")
        got = scan.counts()
        assert list(got) == engine.types
        for t, i in engine.type_index.items():
            want = marked.str.count_matches(_canon(i), literal=True).fill_null(0).to_list()
            assert got[t].tolist() == want, (t, keep)


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        ("(?:@)", ("@",)),
        ("(?:card)", ("card",)),
        (r"(?:://|www\.)", ("://", "www.")),
        ("(?:[0-9])", None),
        (r"(?:\+[0-9])", None),
        ("(?:a|b)c", None),
        ("x(?:a)", None),
        (r"(?:jan|feb)|(?:the[ \t]+\d)", None),
    ],
)
def test_a_gate_of_literals_is_searched_without_a_regex(
    pattern: str, literals: tuple[str, ...] | None
) -> None:
    """Literal gates take no slot in Polars' per-thread regex cache; a gate with any regex
    syntax stays a regex, and both find the same texts."""
    assert _literals(pattern) == literals
    from curate.rules.pii.gates import _contains

    texts = pl.Series(["a@b", "my card", "http://x", "www.y", "no", "12", "+3", "ac", "the 1", ""])
    assert _contains(texts, pattern).to_list() == texts.str.contains(pattern).to_list()


def _whole_gate(texts: pl.Series, gate: Gate) -> pl.Series:
    """What a gate let through before it was cut into parts: its whole regex."""
    src = texts.str.to_lowercase() if gate.fold else texts
    hit = src.str.contains(gate.pattern).fill_null(False)
    if gate.fold:
        hit = hit | texts.str.contains("ſ", literal=True).fill_null(False)
    if gate.ascii:
        hit = hit | (texts.str.len_bytes() != texts.str.len_chars()).fill_null(False)
    return hit


_GATE_TEXTS = [
    "Hi Anna Smith,\nDr. Jones (555) 201-3344 a@b.org 2021-03-04 card 4111 1111 1111 1111",
    "me llamo José — 12 Rue de la Paix, 75002 Paris; ſ ñ 09/2021 @handle www.x.org/a?u=1",
    "Musterweg 2\n10115 Berlin",
    "hauptstraße 5",
    "Zoran Čagalj, 1999 Oak",
    "12 Main St, Springfield, IL 62704",
    "PSC 0413, Box 8144\nAPO AA 42323",
    "KELVIN \u212a 1984 Mar",
    "Apt. 4, Suite 200, Unit 7",
    "the 3rd of may",
    "Prof. Ng",
    "nothing at all here",
    "",
    None,
]


@pytest.mark.parametrize("pack", PACKS)
def test_a_gate_cut_into_parts_passes_the_texts_its_whole_regex_does(pack: str) -> None:
    """``gates.plan`` cuts a gate into literal searches, a regex for every text and one for
    the non-ASCII texts only: together they must let through exactly the texts the gate's
    whole regex does (a text a gate drops is never scanned by its pass)."""
    texts = pl.Series(_GATE_TEXTS, dtype=pl.Utf8)
    engine = PiiEngine(load_rule_pack(pack).pii)
    cache: dict[object, pl.Series] = {}
    for p in engine.passes:
        for gate in p.gates:
            got = _gate_hits(texts, cache, (gate,))
            assert got.to_list() == _whole_gate(texts, gate).to_list(), (p.index, gate)


@pytest.mark.parametrize("pack", PACKS)
def test_gates_behind_their_prefilter_pass_the_texts_their_whole_regex_does(pack: str) -> None:
    """The same with the scan's prefilters: a part searched only where the prefilter (every
    gate's parts at once) matched must pass the texts that its whole gate does."""
    engine = PiiEngine(load_rule_pack(pack).pii)
    assert engine.prefilters  # (every pack has gates of both kinds)
    for texts in (pl.Series(_GATE_TEXTS, dtype=pl.Utf8), pl.Series(["\n".join(_GATE_TEXTS[:-1])])):
        cache: dict[object, object] = {PREFILTERS: engine.prefilters}
        for p in engine.passes:
            for gate in p.gates:
                got = _gate_hits(texts, cache, (gate,))
                assert got.to_list() == _whole_gate(texts, gate).to_list(), (p.index, gate)


def test_the_gates_search_their_parts_only_where_the_prefilter_matched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The default pack's gates on the lower-cased text cost 8.5 us per bench ticket one by one
    (each a full scan, the street words' alone 2 us), 3 at once: each gate's regex part is
    searched only in the texts their joined regex matched (here one of four), and a part
    that spans any text ("[^\\n,]{0,40}") joins it only by its screen (itself, it cost more
    than the rest)."""
    from polars.series.string import StringNameSpace

    from curate.rules.pii.gates import _spans_text

    pre = _DEFAULT.prefilters
    assert pre[True].regex.count("(?:") >= 5 and pre[False].regex
    spanning = {
        r for r in pre[True].parts | pre[False].parts if isinstance(r, str) and _spans_text(r)
    }
    assert all(r not in pre[False].regex and r not in pre[True].regex for r in spanning)
    assert _spans_text(r"x[^\n,]{0,40}y") and _spans_text(r"a.*b") and _spans_text(r"(?:\S+)@")
    assert not _spans_text(r"[a-z],[ \t]*[A-Z][A-Z]\b") and not _spans_text(r"x[a-z]+")
    searched: list[tuple[str, int]] = []
    real = StringNameSpace.contains

    def spy(self, pattern, *args, **kwargs):  # type: ignore[no-untyped-def]
        searched.append((pattern, self._s.len()))
        return real(self, pattern, *args, **kwargs)

    monkeypatch.setattr(StringNameSpace, "contains", spy)
    texts = pl.Series(["call me at noon", "my gamer tag is x", "sent it, thanks", "nothing"])
    cache: dict[object, object] = {PREFILTERS: pre}
    for p in _DEFAULT.passes:
        for gate in p.gates:
            assert _gate_hits(texts, cache, (gate,)).to_list() == _whole_gate(texts, gate).to_list()
    full = {pattern for pattern, n in searched if n == len(texts)}
    assert pre[True].regex in full
    folded = {r for r in pre[True].parts if isinstance(r, str)}
    assert folded and not folded & full  # each searched in "my gamer tag is x" alone
    assert any(n == 1 and pattern in folded for pattern, n in searched)


@given(st.lists(st.sampled_from([t for t in _GATE_TEXTS if t] + ["é", "\n", ",", " ", "Ste."])))
@settings(max_examples=40, deadline=None)
def test_gate_parts_agree_with_the_whole_gate_on_any_mix(pieces: list[str]) -> None:
    """The same on texts made of pieces of those (a part's match may span two pieces)."""
    texts = pl.Series(["".join(pieces), " ".join(pieces), "\n".join(pieces)])
    for gate in {g for p in _DEFAULT.passes for g in p.gates}:
        assert _gate_hits(texts, {}, (gate,)).to_list() == _whole_gate(texts, gate).to_list()


_DEFAULT = PiiEngine(load_rule_pack("default").pii)

# texts each part of the street blocks' gates matches in (address_intl.BLOCK_*_GATE)
_BLOCK_TEXTS = [
    "Musterweg 2\n10115 Berlin",
    "Via Roma 7 Suite 4, 20121 Milano",
    "Calle S/N  ,\t 28001 Madrid",
    "Rua Augusta 12 \r\n> 1100-48 Lisboa",
    "Hauptstrasse 5, Wien\n1010 AT",
    "Kesk 53\nPärnu, 800 10",
    "Zaciszna 366\nOstrów Mazowiecki\nPoland",
    "Baker St 221, London, nan, United Kingdom",
    "Oak 9  \r\n  Springfield, later\n12-345",
    "52, Dada, Allahabad 423667",
    "92 \r\nAurora\nAllahabad 339075",
    "307,\tGopal, Ichalkaranji-268599",
]


def test_the_street_blocks_gates_join_the_prefilter_by_their_screens() -> None:
    """Their parts span any text ("[^\\n,]{0,40}", "(?s:.)*": 2.5 us per bench ticket alone),
    so each joins the prefilter by a screen that every text it matches in holds, and is then
    searched only in the texts the prefilter passed: each sample text matches a part, and
    its screen (and so the prefilter)."""
    from curate.rules.pii.address_intl import BLOCK_PIN_GATE, BLOCK_PLAIN_GATE
    from curate.rules.pii.gates import SCREENS, _alternatives

    parts = _alternatives(f"{BLOCK_PLAIN_GATE}|{BLOCK_PIN_GATE}")
    assert len(parts) == 3 and set(parts) <= set(SCREENS)
    texts = pl.Series(_BLOCK_TEXTS)
    pre = _DEFAULT.prefilters[False]
    assert all(part in SCREENS[part] or part not in pre.regex for part in parts)
    assert texts.str.contains(pre.regex).all()
    matched = pl.Series([False] * len(texts))
    for part in parts:
        hit = texts.str.contains(part)
        assert not (hit & ~texts.str.contains(SCREENS[part])).any(), part
        matched |= hit
    assert matched.all(), texts.filter(~matched).to_list()


@given(
    st.lists(
        st.sampled_from(
            [*(t for t in _BLOCK_TEXTS), "7", "A", "b", " ", "\t", "\n", "\r", ",", ">", "-"]
        ),
        max_size=12,
    )
)
@settings(max_examples=300, deadline=None)
def test_a_street_block_screen_holds_wherever_its_part_matches(pieces: list[str]) -> None:
    """The same on any mix of those texts and the characters around the parts' pieces."""
    from curate.rules.pii.gates import SCREENS

    texts = pl.Series(["".join(pieces), " ".join(pieces)])
    for part, screen in SCREENS.items():
        hit = texts.str.contains(part)
        assert not (hit & ~texts.str.contains(screen)).any(), (part, texts.to_list())


def test_a_gates_non_ascii_letters_are_searched_only_in_non_ascii_texts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A class of accented letters in a gate's alternation made Rust scan every byte of every
    text (1.8 us per ticket; tickets are ASCII): that part now runs on the texts with a
    non-ASCII character only, and the one-character literal "\\n" of the US-state gate is a
    literal search apart (its regex alternation cost 1.7 us per ticket, the parts 0.5)."""
    gate = Gate(r"(?:[0-9]{4}[ \t]+[A-Z])|(?:[ß-öø-ÿĀ-ɏ])")
    assert plan(gate.pattern).regexes == (
        ("all", r"[0-9]{4}[ \t]+[A-Z]"),
        ("non_ascii", "[ß-öø-ÿĀ-ɏ]"),
    )
    us = plan("(?:\n)|" r"(?:[a-z],[ \t]*[A-Z][A-Z]\b)")
    assert us.literals == ("\n",)
    assert us.regexes == (("all", r"[a-z],[ \t]*[A-Z][A-Z]\b"),)
    from polars.series.string import StringNameSpace

    searched: list[tuple[str, int]] = []
    real = StringNameSpace.contains

    def spy(self, pattern, *args, **kwargs):  # type: ignore[no-untyped-def]
        searched.append((pattern, self._s.len()))
        return real(self, pattern, *args, **kwargs)

    monkeypatch.setattr(StringNameSpace, "contains", spy)
    texts = pl.Series(["plain 1999 Oak", "no digits", "Zoë 12"])
    assert _gate_hits(texts, {}, (gate,)).to_list() == [True, False, True]
    assert ("[ß-öø-ÿĀ-ɏ]", 1) in searched
    assert not any(n == 3 and "ß" in pattern for pattern, n in searched)


@pytest.mark.parametrize(
    ("pattern", "kind"),
    [
        ("[ß-ö]", "non_ascii"),
        ("x(?:é|ü)+", "non_ascii"),
        ("é?x", "all"),
        ("[^a-z]", "all"),
        ("(?i:ſ)", "all"),  # (?i) matches "ſ" as "s": any text
        (r"\d", "all"),
        ("[é-ü]|a", "all"),
        (r"\p{L}", "all"),  # a Rust form Python reads otherwise: unsure, any text
    ],
)
def test_which_gate_parts_need_a_non_ascii_character(pattern: str, kind: str) -> None:
    from curate.rules.pii.gates import _kind

    assert _kind(pattern) == kind


def test_a_gate_of_many_literals_is_one_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """The spoken dates' gate is 38 words: searched one by one they cost 9.3 us per ticket
    (more than any pass), at once (Aho-Corasick, ``contains_any``, no regex) 1.8; the same
    texts pass."""
    from polars.series.string import StringNameSpace

    gate = Gate("january|february|march|birth|dob|(?: 19-)", fold=True)
    texts = pl.Series(["Born in March", "my DOB", "plain", "x 19-3", "ſ", None], dtype=pl.Utf8)
    want = _whole_gate(texts, gate).to_list()
    calls: list[str] = []
    real = StringNameSpace.contains

    def spy(self, pattern, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(pattern)
        return real(self, pattern, *args, **kwargs)

    monkeypatch.setattr(StringNameSpace, "contains", spy)
    assert (
        _gate_hits(texts, {}, (gate,)).to_list() == want == [True, True, False, True, True, False]
    )
    assert not [c for c in calls if c != "ſ"], calls
