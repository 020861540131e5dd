"""Resolving a pass's finds: each distinct find checked once in Python, and the names found
by context spread through their record.

A pass that needs a check leaves its finds slotted (``OPEN slots CLOSE``). ``_ScanState``
joins the texts with finds into one UTF-8 string, cuts it at the pass's opener with
``bytes.split`` (no regex, no decoding per text), runs ``detectors.check`` on each distinct
find (outcomes cached on the engine across scans), and puts the outcomes back. Names found by
context ("Dr. X", "Hi X,") are then redacted wherever else they occur in the same record,
never in other records, so a record's output does not depend on its batch.
"""

from __future__ import annotations

import re
import weakref
from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from curate.rules.pii.accounts import USER_NOTE
from curate.rules.pii.detectors import check
from curate.rules.pii.durations import _SHORTHAND, day_first
from curate.rules.pii.markers import _NAME_NOTE, BRACKET, CLOSE, NOTE, ROW, SEP, _canon, _open
from curate.rules.pii.names import _TITLE_CHECKS, _redact_names
from curate.rules.pii.peek import _PEEK_FIRST, _eponym, _peek
from curate.rules.pii.terms import (
    _ORG_WORD_RE,
    JOB_WORDS,
    NO_TERMS,
    RecordTerms,
    _plain,
    is_term,
    org_heads,
    record_terms,
    role_gate,
)
from curate.rules.pii.unseen import more_name

if TYPE_CHECKING:
    from curate.rules.pii.detector import Detector
    from curate.rules.pii.engine import PiiEngine, _Pass
    from curate.rules.pii.words import Words

# per engine: is_term of a value in a record with no terms (it depends on the engine's words
# and run terms alone), kept across scans as the engine's outcomes are
_NO_TERMS_CACHE: weakref.WeakKeyDictionary[PiiEngine, dict[str, bool]] = weakref.WeakKeyDictionary()


# the same for the names a record's context finds spread (propagate_names), apart: they are
# other strings ("SARAH" besides "Sarah")
_NO_TERMS_NAMES: weakref.WeakKeyDictionary[PiiEngine, dict[str, bool]] = weakref.WeakKeyDictionary()


def _no_terms(
    engine: PiiEngine, caches: weakref.WeakKeyDictionary[PiiEngine, dict[str, bool]] | None = None
) -> dict[str, bool]:
    caches = _NO_TERMS_CACHE if caches is None else caches
    got = caches.get(engine)
    if got is None or len(got) > OUTCOME_CACHE_SIZE:
        got = caches[engine] = {}
    return got


RESOLVE_CHUNK = 1 << 16  # texts joined at a time (see _ScanState.resolve)
OUTCOME_CACHE_SIZE = 200_000


class _ScanState:
    """Per-scan state: the names found by context in each record."""

    def __init__(
        self,
        engine: PiiEngine,
        groups: np.ndarray,
        keep_values: bool,
        texts: pl.Series | None = None,
    ) -> None:
        self.engine = engine
        self.groups = groups
        self.keep_values = keep_values
        # the raw texts, for the record's evidence that a name is a role (terms.py); None: off
        self.texts = texts if engine.rules.role_evidence else None
        self.terms: dict[int, RecordTerms] = {}  # group -> its terms, when first needed
        self._by_group: tuple[np.ndarray, np.ndarray, list[str | None], np.ndarray] | None = None
        self.names: dict[int, set[str]] = defaultdict(set)
        self.day_first: dict[int, bool] = {}  # group -> its dates are day-first (durations.py)
        self._order: tuple[np.ndarray, np.ndarray] | None = None  # rows by group (_group_text)
        # what a find becomes depends on the pass, the value and keep_values alone: kept on
        # the engine across scans (ingest scans batch after batch, with the same greetings,
        # sign-offs and names), cleared when it grows big
        self.cache = engine.outcomes[keep_values]
        if len(self.cache) > OUTCOME_CACHE_SIZE:
            self.cache.clear()

    def resolve(self, marked: pl.Series, p: _Pass, maybe: pl.Series | None = None) -> pl.Series:
        """Turn pass ``p``'s slotted finds into resolved ones, or back into text (check failed).

        ``maybe``: the texts that may hold a find (every one that does; by default, those with
        the pass's opener). Python sees each distinct find once (its outcome is cached across
        scans) and cuts the texts with ``bytes.split`` (see ``_resolve_texts``): cheaper than
        pulling the finds out in Rust and putting the outcomes back with an Aho-Corasick
        automaton of every distinct find, built anew for each batch."""
        opener = _open(p.index)
        if maybe is None:  # which texts may hold a find: all those that hold one, or more
            maybe = marked.str.contains(opener, literal=True).fill_null(False)
        idx = maybe.arg_true()
        if idx.is_empty():
            return marked
        seen: dict[bytes, tuple[bytes, list[str]]] = {}  # body -> (what it becomes, names)
        done: list[bytes] = []
        for lo in range(0, len(idx), RESOLVE_CHUNK):  # one string stays well below 4 GiB
            rows = idx.slice(lo, RESOLVE_CHUNK)
            done += self._resolve_texts(marked.gather(rows), rows.to_numpy(), p, seen)
        return marked.clone().scatter(idx, pl.Series(done, dtype=pl.Binary).cast(pl.Utf8))

    def _resolve_texts(
        self,
        texts: pl.Series,
        rows: np.ndarray,
        p: _Pass,
        seen: dict[bytes, tuple[bytes, list[str]]],
    ) -> list[bytes]:
        """``resolve`` on ``texts`` (at ``rows``), as UTF-8. They are joined into one string,
        ROW between them (a find never holds ROW), and split at the opener: each piece starts
        with a find's body, up to the first CLOSE."""
        open_b, close_b, row_b = _open(p.index).encode(), CLOSE.encode(), ROW.encode()
        parts = texts.str.join(ROW).cast(pl.Binary).item().split(open_b)
        noted: list[tuple[int, list[str]]] = []  # (where in the joined string, names to spread)
        at = len(parts[0])
        # names: what is around a find tells an eponym ("Parkinson's", "Crohn disease") or a
        # turn in a dialogue ("Patient: Nope"); looked at here, as more regex in the passes
        # cost 10-25% of their scans (parts[j - 1] ends with the text before the find)
        peek, around = p.peek != "", p.peek == "around"
        words = self.engine.words
        # names this pass redacts, for the record's evidence (terms.py): (piece, where, slots,
        # what follows)
        person = self.engine.type_index.get("person")
        named: list[tuple[int, int, str, bytes]] = []
        # x/7 and x/12 dated, for the record's evidence that they are durations (durations.py)
        dated: list[tuple[int, int, str, bytes]] = []
        date = self.engine.type_index.get("date")
        date_mark = _canon(date).encode() if self.texts is not None and date is not None else None
        person_mark = (
            _canon(person).encode() if self.texts is not None and person is not None else None
        )
        for j in range(1, len(parts)):
            part = parts[j]
            body, close, rest = part.partition(close_b)
            if not close:  # not a find: cannot happen, the template always closes one
                parts[j] = open_b + part
            else:
                # (after a find, only a blank or a possessive can start what a check uses,
                # unless the find may be a header's name: most finds skip _peek)
                if peek and (around or rest[:1] in _PEEK_FIRST):
                    key = body + _peek(parts[j - 1], rest, around, words)
                else:
                    key = body
                got = seen.get(key)
                if got is None:
                    outcome = self._outcome(p, key.decode())
                    names = _NAME_NOTE.findall(outcome) if NOTE in outcome else []
                    plain = _NAME_NOTE.sub("", outcome) if names else outcome
                    got = seen[key] = (plain.encode(), names)
                if person_mark is not None and person_mark in got[0]:
                    named.append((j, at, body.decode(), rest))
                elif date_mark is not None and date_mark in got[0] and _SHORTHAND.search(body):
                    dated.append((j, at, body.decode(), rest))
                if got[1]:  # names to redact elsewhere in the same record
                    noted.append((at, got[1]))
                parts[j] = got[0] + rest
            at += len(open_b) + len(part)
        if named or noted or dated:
            sizes = texts.str.len_bytes().to_numpy().astype(np.int64) + len(row_b)
            starts = np.cumsum(sizes) - sizes
        if named:  # a name its record uses as a role goes back to text, and is not spread
            which = np.searchsorted(starts, [n[1] for n in named], side="right") - 1
            roles: set[int] = set()
            named_groups = self.groups[rows[which]].tolist()
            self._prepare_terms(named_groups)
            cached = _no_terms(self.engine)  # is_term of a value in a record with no terms
            for group, (j, at, slots, after) in zip(named_groups, named, strict=True):
                value = next((v for v in slots.split(SEP) if v), "")
                terms = self.terms[group]
                if terms is NO_TERMS:
                    term = cached.get(value)
                    if term is None:
                        words, run = self.engine.words, self.engine.run_terms
                        term = cached[value] = is_term(value, NO_TERMS, words, run)
                else:
                    term = is_term(value, terms, self.engine.words, self.engine.run_terms)
                if term or _FIRM_AFTER.match(after):  # "By: Martin Operating GP LLC"
                    parts[j] = value.encode() + after
                    roles.add(at)
            noted = [(at, names) for at, names in noted if at not in roles]
        if dated:  # "Returned from Bali 5/7" in a record that writes its dates day-first
            which = np.searchsorted(starts, [d[1] for d in dated], side="right") - 1
            for group, (j, _, slots, after) in zip(
                self.groups[rows[which]].tolist(), dated, strict=True
            ):
                if self._day_first(group):
                    parts[j] = next((v for v in slots.split(SEP) if v), "").encode() + after
        if noted:  # the text a find is in, from where the texts start in the joined string
            which = np.searchsorted(starts, [at for at, _ in noted], side="right") - 1
            for group, (_, names) in zip(self.groups[rows[which]].tolist(), noted, strict=True):
                self.names[group].update(names)
        return b"".join(parts).split(row_b)

    def _prepare_terms(self, groups: list[int]) -> None:
        """``_terms`` of ``groups``, computed at once for those not known yet: their rows'
        texts only (most records hold no name find), one Rust pass for the gate."""
        new = sorted(set(groups) - self.terms.keys())
        if not new:
            return
        assert self.texts is not None
        if self._by_group is None:
            order = np.argsort(self.groups, kind="stable")
            self._by_group = (order, self.groups[order], [], np.zeros(0, np.bool_))
        order, sorted_groups, _, _ = self._by_group
        lo = np.searchsorted(sorted_groups, new)
        hi = np.searchsorted(sorted_groups, np.asarray(new) + 1)
        sizes = hi - lo
        starts = np.cumsum(sizes) - sizes  # each group's first row in ``sub``
        # the groups' rows, in turn, without a slice per group (thousands a pass)
        rows = order[np.repeat(lo - starts, sizes) + np.arange(int(sizes.sum()))]
        sub = self.texts.gather(rows)
        maybe = sub.str.contains(role_gate(self.engine.role_kinds)).fill_null(False).to_numpy()
        if self.engine.run_terms:
            need = np.ones(len(new), np.bool_)
        else:  # a group whose texts hold no evidence has no terms (most: no Python per group)
            hits = np.concatenate([[0], np.cumsum(maybe)])
            need = hits[starts + sizes] > hits[starts]
        need_l = need.tolist()
        self.terms.update(
            dict.fromkeys((g for g, n in zip(new, need_l, strict=True) if not n), NO_TERMS)
        )
        if not need.any():
            return
        at = np.flatnonzero(need)
        texts = sub.gather(
            np.repeat(starts[at] - (np.cumsum(sizes[at]) - sizes[at]), sizes[at])
            + np.arange(int(sizes[at].sum()))
        ).to_list()
        pos = 0
        for group, k in zip([new[i] for i in at.tolist()], sizes[at].tolist(), strict=True):
            text = "\n".join(t for t in texts[pos : pos + k] if t)
            self.terms[group] = record_terms(text, self.engine.words, self.engine.role_kinds)
            pos += k

    def _terms(self, group: int) -> RecordTerms:
        """The words record ``group`` uses as roles (terms.record_terms), computed once."""
        got = self.terms.get(group)
        if got is None:
            assert self.texts is not None
            if self._by_group is None:  # each record's rows (bisection), its texts, the gate
                order = np.argsort(self.groups, kind="stable")
                # rows that can hold evidence at all: one Rust pass, so that most records
                # with a name (a greeting's, a signature's) cost no Python regex
                gate = role_gate(self.engine.role_kinds)
                maybe = self.texts.str.contains(gate).fill_null(False).to_numpy()
                self._by_group = (order, self.groups[order], self.texts.to_list(), maybe)
            order, sorted_groups, texts, maybe = self._by_group
            lo, hi = np.searchsorted(sorted_groups, [group, group + 1])
            rows = order[lo:hi]
            if not self.engine.run_terms and not maybe[rows].any():
                got = NO_TERMS
            else:
                text = "\n".join(t for t in (texts[r] for r in rows) if t)
                got = record_terms(text, self.engine.words, self.engine.role_kinds)
            self.terms[group] = got
        return got

    def _outcome(self, p: _Pass, body: str) -> str:
        """What a find of pass ``p`` (its slots, ``body``, maybe NOTE and _peek's
        flags) becomes; NOTE-wrapped names in it."""
        key = (p.index, body)
        out = self.cache.get(key)
        if out is None:
            dets = p.dets
            body, _, tail = body.partition(NOTE)
            parts = body.split(SEP) if len(dets) > 1 else [body]
            i = next((k for k, v in enumerate(parts) if v), 0)
            det = dets[i]
            eponym = tail and not det.after and det.check not in _TITLE_CHECKS
            if eponym and _eponym(parts[i], tail, self.engine.words):
                out = parts[i]
            elif det.check == "spread":  # a custom detector's name: redacted, and spread
                # (two signatories of a row are one find, cut at the second one's label)
                pieces = _ROW_LABEL.split(parts[i])
                row = len(pieces) > 1
                out = "".join(
                    piece if k % 2 else self._spread(det, piece, row)
                    for k, piece in enumerate(pieces)
                )
            else:
                out = check(det, parts[i], tail, self.engine, self.keep_values)
            self.cache[key] = out
        return out

    def _spread(self, det: Detector, found: str, row: bool = False) -> str:
        """A custom detector's name find: redacted (its names noted to spread), or given back
        where it is a company, an office's words or a label."""
        mark = _canon(self.engine.type_index[det.type])
        value, rest = _name_once(found)
        lead, value, label = _label_tail(value, self.engine.words, row)
        rest = label + rest
        if _upper_first(value) and not _caps_name(value, self.engine):
            return found  # "Name: ACME CORPORATION": a company in capitals
        if not value or _firm(value) or all(w in JOB_WORDS for w in value.split()):
            # "By: Martin Midstream Partners L.P., Its Sole Member"; "Attn: General Counsel
            # Attn: Joe Doe" (the row's find: the record's evidence sees it whole)
            return found
        if det.before == OFFICE_LINE and all(
            _no_name_word(w, self.engine.words) for w in value.split()
        ):
            return found  # "Office Automation" [Manager]: no label says "a name"
        out = lead + (mark + value + CLOSE if self.keep_values else mark)
        return out + "".join(NOTE + v + NOTE for v in _cased(value)) + rest

    def propagate_names(self, marked: pl.Series) -> pl.Series:
        """Redact every other occurrence of a record's context names, in that record only."""
        extra = self.engine.extra_names
        if not self.names and not extra:
            return marked
        if self.texts is not None:  # a name its record uses as a role is not spread
            self._prepare_terms(list(self.names))
            words, run = self.engine.words, self.engine.run_terms
            cached = _no_terms(self.engine, _NO_TERMS_NAMES)  # (in a record with no terms)
            for group, names in self.names.items():
                terms = self._terms(group)
                if terms is NO_TERMS:  # most records: each name's answer is known already
                    roles = []
                    for n in names:
                        term = cached.get(n)
                        if term is None:
                            term = cached[n] = is_term(n, NO_TERMS, words, run)
                        if term:
                            roles.append(n)
                else:
                    roles = [n for n in names if is_term(n, terms, words, run)]
                names.difference_update(roles)
                names.update(terms.spread)  # a person's surname defined as a term (terms.py)
                # a surname the record also names a firm by ("Mr. Moelis", "Moelis &
                # Company") is not spread alone: most of its occurrences are the firm's
                # (not a surname the record defines as a person's term: 'JAMES W. NANTZ III
                # ("Nantz")' beside "Nantz Communications, Inc.": "Nantz" alone is the person)
                # (only a word the record uses in an organisation's name: the roles' test is
                # a set lookup, the heads' a regex over the record)
                firms = [
                    n
                    for n in names
                    if " " not in n
                    and _plain(n) in terms.roles
                    and n[:1] != USER_NOTE
                    and n not in terms.spread
                ]
                if firms and terms is not NO_TERMS:
                    heads = org_heads(self._group_text(group))
                    names.difference_update(n for n in firms if _plain(n) in heads)
        found = [self._rows_with_own_names(marked)] if self.names else []
        if extra:
            found.append(marked.str.contains_any(sorted(extra)).fill_null(False).arg_true())
        idx = pl.concat(found).unique().sort()
        if idx.is_empty():
            return marked
        person = self.engine.type_index.get("person")
        mark = _canon(person) if person is not None else ""
        user = self.engine.type_index.get("user", person)  # an account's id (accounts.py)
        rows = idx.to_list()
        vals = marked.gather(idx).to_list()
        changed, out = [], []
        for row, group, text in zip(rows, self.groups[rows].tolist(), vals, strict=True):
            names = self.names.get(group, set()) | extra
            ids = {n for n in names if n[:1] == USER_NOTE}
            new = _redact_names(text, names - ids, mark, self.keep_values)
            if ids and user is not None:
                new = _redact_names(new, {n[1:] for n in ids}, _canon(user), self.keep_values)
            if new != text:
                changed.append(row)
                out.append(new)
        if not changed:
            return marked
        return marked.clone().scatter(changed, pl.Series(out, dtype=pl.Utf8))

    def _day_first(self, group: int) -> bool:
        """Record ``group`` writes Australian or British notes' shorthand (durations.py),
        computed once per record."""
        got = self.day_first.get(group)
        if got is None:
            got = self.day_first[group] = day_first(self._group_text(group))
        return got

    def _group_text(self, group: int) -> str:
        """The raw texts of record ``group``, joined (for the rare record that needs them
        again after its terms: ``propagate_names``)."""
        assert self.texts is not None
        if self._order is None:  # each record's rows, by bisection (not a scan per record)
            order = np.argsort(self.groups, kind="stable")
            self._order = (order, self.groups[order])
        order, sorted_groups = self._order
        lo, hi = np.searchsorted(sorted_groups, [group, group + 1])
        return "\n".join(t for t in self.texts.gather(order[lo:hi]).to_list() if t)

    def _rows_with_own_names(self, marked: pl.Series) -> pl.Series:
        """Rows whose text holds one of its record's names: a (row, name) pair for each name
        of the row's record, tested in Rust. Most texts of a record with names hold none of
        them elsewhere, and a Python substring loop over every pair cost 3x as much."""
        groups = list(self.names)
        names = [sorted(self.names[g]) for g in groups]
        per_group = pl.DataFrame(
            {
                "group": np.repeat(np.asarray(groups, dtype=np.int64), [len(n) for n in names]),
                "name": [n.lstrip(USER_NOTE) for group_names in names for n in group_names],
            },
            schema={"group": pl.Int64, "name": pl.Utf8},
        )
        rows = pl.DataFrame({"group": self.groups.astype(np.int64), "row": np.arange(len(marked))})
        pairs = rows.join(per_group, on="group", how="inner")
        if self.keep_values:  # a name inside an earlier find is no occurrence to redact
            marked = marked.str.replace_all(BRACKET, CLOSE)
        has = (
            pairs.with_columns(text=marked.gather(pairs["row"]))
            .select(pl.col("text").str.contains(pl.col("name"), literal=True))
            .to_series()
            .fill_null(False)
        )
        return pairs["row"].filter(has).cast(pl.get_index_type())


# what makes the words before it a company's name, right after a name find: a legal form
# ("By: Martin Operating [GP LLC], Its General Partner", "By: XYZ [Management Corporation]"
# in CUAD's signature blocks), not an office ("Medical Director" follows persons)
_FIRM_AFTER = re.compile(
    rb",?[ \t]+(?:GP|LP|L\.P\.|LLC|L\.L\.C\.|Inc\.?|Incorporated|Corp\.?|Corporation|Co\.,"
    rb"|Company|Ltd\.?|Limited|LLP|PLC|plc|GmbH|AG|S\.A\.|N\.V\.|B\.V\.|Holdings|Group"
    rb"|Partners|Partnership|Enterprises|Management[ \t]+(?:Corporation|Company|LLC|Inc))"
    rb"(?![A-Za-z0-9])"
)


# the label of a second signatory or contact on the same line as the first ("Attn: Lloyd
# Frischer Attn: Joel Primus", "By: /s/Joseph Marino By: Jim Stump", "Signed by: Renato Covelo
# Signed by: M. Castoriwa", as a two-column block reads once its columns are joined): the
# contracts pack's row detector finds both names at once, and the label between them stays text
# (the name detectors alone took the label into the first find, as its last word or its
# after-context, and left the second name in clear)
_ROW_LABEL = re.compile(
    r"([ \t]+(?:Attn|ATTN|Attention|ATTENTION|By|BY|Per|PER|Name|NAME|(?i:print(?:ed)?[ \t]+name)"
    r"|(?:Signed|SIGNED)[ \t]+(?:by|BY))[ \t]*:[ \t]*(?:[/\\][sS][/\\][ \t]*)?)"
)


def _name_once(value: str) -> tuple[str, str]:
    """A custom detector's name find cut where its first word comes again: "/s/ Orsolya
    Peresztegi Orsolya Peresztegi" is one name written twice (the find held three words and
    left the second surname in clear); the spread redacts the second copy."""
    first, _, rest = value.partition(" ")
    at = rest.find(" " + first, 1) if first else -1
    if at < 0 or rest[at + 1 + len(first) :][:1] not in ("", " "):
        return value, ""
    cut = len(value[: len(first) + 1 + at].rstrip())  # ("Beatty  James": a column's blanks)
    return value[:cut], value[cut:]


# the labels of a signature or notice block: a find whose last word is one took the next
# field's label into the name ("Witness Name Mercy Saula Address 2nd Floor": the name's
# third word may be any capitalised word, and "Address" was redacted with it)
_LABEL_WORDS = frozenset(
    [
        "Address",
        "Addresses",
        "Title",
        "Date",
        "Dated",
        "Name",
        "Signature",
        "Witness",
        "Its",
        "By",
        "Per",
        "Phone",
        "Telephone",
        "Tel",
        "Fax",
        "Facsimile",
        "Email",
        "E-mail",
        "Mail",
        "Attention",
        "Attn",
        "Position",
        "Place",
        "Passport",
        "Signed",
        "Po",  # "Attn: Steve Raack PO Box 7302": the box's word, which the address left
        "P.O.",
    ]
)


_INITIALS = re.compile(r"(?:[A-Z]\.)+")  # ("David M. Sample": "M." is no word of the name)


def _label_tail(value: str, words: Words, row: bool = False) -> tuple[str, str, str]:
    """``value`` without the labels or an office's words at its end ("Mercy Saula Address" ->
    "Mercy Saula" + " Address"; "Victoria Scott Associate" [Director] -> "Victoria Scott"), as
    long as two words stay, and without what is no name before it: an office and "and"
    ("General Counsel and Richard Hoffman" after "Attention:"), a table cell's common words
    ("Product Complaint Victoria Scott Associate Director": a column of functions beside the
    contacts). What was cut is given back as text, before and after; a find of common words
    alone ("Office Automation" [Manager]) comes back empty: no name. ``row``: a name of a
    row's find (``_ROW_LABEL``): its last word is cut first when a label, an office's or a
    common English word that is no name ("Subhas Praman Title" [: Managing], "Joel Primer
    With" [a copy to:]; elsewhere a surname may be such a word: "Leslie Heap")."""
    parts = value.split(" ")
    if (
        row
        and sum(not _INITIALS.fullmatch(w) for w in parts[:-1]) >= 2
        and (
            parts[-1].rstrip(":").title() in _LABEL_WORDS
            or parts[-1] in JOB_WORDS
            or (_no_name_word(parts[-1], words) and parts[-1].lower() in words.common_words)
        )
    ):
        lead, kept, tail = _label_tail(" ".join(parts[:-1]), words)
        return lead, kept, tail + " " + parts[-1]
    start = 0
    if "and" in parts or "&" in parts:
        k = parts.index("and") if "and" in parts else parts.index("&")
        if 0 < k <= len(parts) - 3 and all(w in JOB_WORDS for w in parts[:k]):
            start = k + 1
    k = start
    while k < len(parts) and (not parts[k] or _no_name_word(parts[k], words)):
        k += 1  # (an empty part: a column's blanks)
    left = len([p for p in parts[k:] if p])
    if left >= 2:  # (not "Mars Zhang": one word left is the name's own)
        start = k
    cut = len(parts)
    while cut - start > 2 and (
        parts[cut - 1].rstrip(":").title() in _LABEL_WORDS or parts[cut - 1] in JOB_WORDS
    ):
        cut -= 1
    if start == 0 and cut == len(parts):
        return "", value, ""
    lead = " ".join(parts[:start]) + " " if start else ""
    kept = " ".join(parts[start:cut])
    return lead, kept, value[len(lead) + len(kept) :]


# the context before the contracts pack's printed name above its office (contracts.toml):
# no label says a name follows there, so a find of English words alone is none ("Office
# Automation Manager"); after a label ("Attention: Principal Legal Correspondent") the
# label's word counts
OFFICE_LINE = r"(?:(?m:^)|_{3,}|-{3,}|\))[ \t]*"


def _no_name_word(word: str, words: Words) -> bool:
    """A capitalised English word that is on no list of names ("Product", "Office",
    "Principal"): no name opens with it (short words are left: "Sun", "Long" open names)."""
    return (
        len(word) > 3
        and word.isalpha()
        and word[1:].islower()  # (capitals: resolve._caps_name tells those)
        and word.lower() in words.lexicon
        and word not in words.first_names
        and word not in words.last_names
        and word not in words.more_names
        and word not in words.given_words  # "Gene", "Miles", "Tore": names that are words
        and word not in words.surname_words
    )


def _firm(value: str) -> bool:
    """A find of several words one of which ends an organisation's name ("Martin Midstream
    Partners", "Acme Holdings"): a company after a signature's label, no person."""
    words = value.split()
    return len(words) > 1 and any(_ORG_WORD_RE.fullmatch(w.strip(".,")) for w in words[1:])


def _cased(value: str) -> tuple[str, ...]:
    """The forms a name of several words is spread in: as found, and in capitals or in title
    case ("Name: HUGO RODRIGUEZ" beside 'Signature "/s/ Hugo Rodriguez"', CUAD: the signature
    was left in clear). A single word spreads as written ("Turpin" is no "TURPIN" here)."""
    if " " not in value:
        return (value,)
    other = value.title() if value.isupper() else value.upper()
    return (value,) if other == value else (value, other)


def _upper_first(value: str) -> bool:
    """A find in capitals, or whose first word is ("SUN Yiding": a Chinese name written
    surname first, the surname in capitals): such finds must pass ``_caps_name``."""
    first = value.split(" ", 1)[0]
    return value.isupper() or (len(first) > 1 and first.isalpha() and first.isupper())


def _caps_name(value: str, engine: PiiEngine) -> bool:
    """A custom detector's find in capitals ("Name: JASON WINTERS", "/s/ JASON WINTERS") is a
    person's name where its first word is a given name of the lists (census, the big lists)
    or its last a census surname ("/S/ DON W. CUMMINGS": "Don" is on no list), or it is a
    census surname and one word that is no English word (a Chinese name, surname first: "CHEN
    MENGLI", "SUN Yiding"), and no word an organisation's ("ACME CORPORATION", "JAMES RIVER
    BANK")."""
    words = [w.strip(".,'’") for w in value.split()]
    if any(w.lower().encode() in engine.words.org_bytes for w in words):
        return False
    first = next((w for w in words if len(w) > 1), "").title()
    if first in engine.words.first_names or more_name(first, engine):
        return True
    if len(words) > 1 and words[-1].title() in engine.words.last_names:
        return True
    # (not "CHEN INDUSTRIES", "LEE COUNTY": English words)
    return (
        len(words) == 2
        and words[0].title() in engine.words.last_names
        and words[1].isalpha()
        and words[1].lower() not in engine.words.lexicon
    )
