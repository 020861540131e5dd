"""Evidence from the whole run: a census surname that recurs, capitalized and alone, across
many records is a brand, product or term, not one person ("Apple" in hundreds of support
tweets: "Apple Pay", "Apple Support"; "Stock" in contracts).

A record-level check cannot tell "Apple" from "Smith"; the corpus can: one person's name is in
the records about that person, a company's in a large share of all records. ``CorpusCounts``
counts, per record, the capitalized tokens that are census surnames and not given names (the
only names the census-list pass finds without context), over every record of the input before
any is redacted; ``with_corpus_not_names`` adds those in at least ``pii.corpus_min_records``
records (and ``pii.corpus_min_share`` of them) to the pack's ``not_names``: no person alone,
still one after a title ("Dr. Apple"), and found by context as before ("Hi Apple,"
is not: see ``names._word_ok``). Counting whole records of the whole input, the result does not
depend on where batches are cut. Cost: one Polars regex pass over the text (only when the
pack turns it on; ingest then reads its input twice).

The same pass counts the record evidence of ``terms.py`` over the run: the records that use a
capitalised word as a role (part of an organisation's name, a defined term, after a
determiner) and those that use it as a person's name. A contract's sections are records of
their own, and only its first names its parties in full ("Kitov Pharma Ltd."); the run knows
that "Kitov shall use" three sections later is the company. ``role_words`` (in at least
``pii.corpus_role_records`` records, and ``ROLE_RATIO`` times as many as use it as a person's)
go to ``pii.terms``. Cost: ~0.3 s per MB of text, in Python.

It also counts who answers (``run_accounts.py``): the support accounts of the run's company
side keep their ``@handle`` in every record, and the brands named after them are no person
alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import polars as pl

from curate.rules.pii import words
from curate.rules.pii.run_accounts import RunAccounts, with_accounts
from curate.rules.pii.terms import ALL_KINDS, persons_of, roles_of

_CAPITALIZED = r"\b[A-Z][a-z]{2,}\b"
# a word the run uses as a role is one run-wide where records using it so outnumber those using
# it as a person's name by this much: "Party" (2,260 to 2 in CUAD) is, "North" (21 to 6: a
# golfer named North endorses, "North America" is a region) is not
ROLE_RATIO = 5


class CorpusCounts:
    """Records per candidate token, added frame by frame."""

    def __init__(self) -> None:
        w = words.load()
        self.candidates = frozenset(
            n for n in w.last_names if n not in w.first_names and n.lower() not in w.common_words
        )
        self.words = w
        self.records = 0
        self.counts: Counter[str] = Counter()
        # records using a capitalised word as a role, by the kinds of evidence there
        # ((word, kinds) -> records), and as a person's name (terms.py)
        self.roles: Counter[tuple[str, frozenset[str]]] = Counter()
        self.persons: Counter[str] = Counter()
        self.accounts = RunAccounts()  # who answers, who asks (run_accounts.py)

    def add(self, records: pl.DataFrame, text_fields: list[str]) -> None:
        """Count ``records`` (one row each; its text fields and its turns' contents)."""
        parts = [pl.col(c).cast(pl.Utf8) for c in text_fields if c in records.columns]
        if "turns" in records.columns:
            content = pl.element().struct.field("content")
            parts.append(pl.col("turns").list.eval(content).list.join("\n"))
        self.records += records.height
        if not parts or not records.height:
            self.accounts.add(records)
            return
        text = pl.concat_str(parts, separator="\n", ignore_nulls=True).fill_null("")
        texts = records.select(text).to_series()
        self.accounts.add(records, texts)
        for record in texts.to_list():
            kinds: dict[str, set[str]] = {}
            for kind in sorted(ALL_KINDS):
                for word in roles_of(record, self.words, kind):
                    kinds.setdefault(word, set()).add(kind)
            self.roles.update((w, frozenset(k)) for w, k in kinds.items())
            self.persons.update(persons_of(record, self.words))
        tokens = (
            records.select(tok=text.str.extract_all(_CAPITALIZED).list.unique())
            .explode("tok")
            .drop_nulls()
            .filter(pl.col("tok").is_in(list(self.candidates)))
            .group_by("tok")
            .len()
        )
        self.counts.update(dict(tokens.iter_rows()))

    def frequent(self, min_records: int, min_share: float) -> list[str]:
        """The candidates in at least ``min_records`` records and ``min_share`` of them."""
        need = max(min_records, min_share * self.records)
        return sorted(t for t, n in self.counts.items() if n >= need)

    def role_words(self, min_records: int, kinds: Iterable[str] = ALL_KINDS) -> list[str]:
        """The words used as a role in at least ``min_records`` records and in none as a
        person's name but in a ROLE_RATIO-th of as many at most ("Fox" in "Fox Mobile Entertainment, Inc.", "the Field", "such Parent")."""
        wanted = frozenset(kinds)
        records: Counter[str] = Counter()
        for (word, by), n in self.roles.items():
            if by & wanted:
                records[word] += n
        return sorted(
            t for t, n in records.items() if n >= min_records and ROLE_RATIO * self.persons[t] <= n
        )


def with_corpus_not_names(pack: Any, counts: CorpusCounts) -> Any:
    """``pack`` with the run's frequent candidates added to ``pii.not_names`` and the words it
    uses as roles to ``pii.terms``; the accounts that answer its conversations go with the
    rules (``run_accounts.RunPiiRules``) and the brands named after them to ``not_names``."""
    pii = pack.pii
    found = counts.frequent(pii.corpus_min_records, pii.corpus_min_share)
    found += counts.accounts.brand_words()
    roles = counts.role_words(pii.corpus_role_records, pii.role_evidence)
    if not found and not roles and not counts.accounts.accounts():
        return pack
    have = {n.lower() for n in pii.not_names}
    extra = sorted({n for n in found if n.lower() not in have})
    terms = sorted({*pii.terms, *roles})
    update = {"not_names": [*pii.not_names, *extra], "terms": terms}
    new_pii = with_accounts(pii, counts.accounts, **update)
    new = pack.model_copy(update={"pii": new_pii})
    object.__setattr__(new, "source_path", pack.source_path)
    return new
