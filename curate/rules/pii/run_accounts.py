"""Evidence from the whole run about who answers: the support accounts of a conversation's
company side are companies, not people, wherever the run names them.

A support export says which account answered each conversation (the tickets schema's
``agent``, with the ``company`` derived from it where a layout reads the brand from the agent's
author: "AppleSupport" -> "Apple", "Kimpton" -> "Kimpton"). No list can know every company's
account ("@Kimpton", "@MOO", "@GooglePlayMusic" are on none), but the run does: an account
that answers conversations is a company's, so its ``@handle`` in any record's text is kept
(``public.brand_handle`` reads it through the engine's ``brand_handles``), and the brand named
after it ("Asurion", "Cox", "Alaska": ``[PERSON]`` in twcs answers and tweets) is no person
alone (``pii.not_names``).

Privacy first: an account is a company's only where the record derives its company from that
very account (so a helpdesk's agent named by a person's name, beside a brand column, is not
one), never where the run also has it as a customer or another author, and never where it is
a given name ("@Sarah" may be a person). A customer's handle stays ``[USER]`` however many
conversations name it: only answering counts.

The run also names the brand's own products and services by their handles: "when I'm working in
@InDesign", "Hey @Lightroom, it's 2019" (IBM, Adobe's conversations) are no person's account
when other customers of the same company write "InDesign" and "Lightroom" as plain words. A
handle written so, exactly as cased, in the conversations of at least ``BARE_CUSTOMERS``
different customers of one company is that company's too; never a name of the lists, a
frequent English word ("@Sunshine" may be anyone's) or a customer's or author's account.

The corpus pass (``corpus.py``) counts the accounts; ``with_accounts`` gives the pack's PII
rules as ``RunPiiRules`` (the accounts in a field of their own, so the engine built for them is
a distinct one: ``engine_for`` keys on the rules' JSON); ``engine_for_run`` is that engine with
the accounts among its brand handles.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from typing import Any

import polars as pl
from pydantic import Field

from curate.ingest.channel import brand_name
from curate.rules.pack import PiiRules
from curate.rules.pii import words as pii_words
from curate.rules.pii.engine import PiiEngine, engine_for

__all__ = ["RunAccounts", "RunPiiRules", "engine_for_run", "with_accounts"]

# a brand named after an account that the name passes could take for a person's: one
# capitalised word of letters ("Asurion", "Cox"; not "British Airways", "O2", "idea")
_BRAND_WORD = re.compile(r"[A-Z][A-Za-z]{2,}")
# a product's handle written as a word by this many customers of one company is the company's
BARE_CUSTOMERS = 2
_HANDLE = r"@[A-Za-z_][A-Za-z0-9_]{1,29}"
# a word with a capital in it, as a handle's name may be written in plain text ("InDesign")
_CASED = r"\b[A-Za-z0-9]*[A-Z][A-Za-z0-9]*\b"


class RunPiiRules(PiiRules):
    """A pack's PII rules with the accounts its run's conversations were answered by."""

    accounts: list[str] = Field(default_factory=list)


class RunAccounts:
    """Records answered per account, and every account that is a customer or other author."""

    def __init__(self) -> None:
        self.answered: Counter[str] = Counter()
        self.brands: Counter[str] = Counter()
        self.people: set[str] = set()
        self.handles: set[str] = set()  # the @handles (without "@") its companies' records hold
        # (company, a cased word written outside a handle) -> customers who wrote it (2 at most)
        self.bare: dict[tuple[str, str], set[str]] = {}

    def add(self, records: pl.DataFrame, text: pl.Series | None = None) -> None:
        """Count ``records``' answering accounts (where the company is named after the
        agent), their customers and other authors, and (``text``: each record's text) the
        handles and cased words in each company's conversations."""
        cols = records.columns
        if text is not None and "company" in cols:
            self._words(records, text)
        if "customer" in cols:
            self.people.update(str(c).lower() for c in records["customer"].drop_nulls())
        if "other_authors" in cols and records["other_authors"].dtype == pl.List(pl.Utf8):
            others = records["other_authors"].explode().drop_nulls()
            self.people.update(str(c).lower() for c in others)
        if "agent" not in cols or "company" not in cols:
            return
        pairs = records.select("agent", "company").drop_nulls()
        for agent, company in pairs.iter_rows():
            if brand_name(str(agent)) == company:  # the company read off this account
                self.answered[str(agent).lstrip("@")] += 1
                self.brands[str(company)] += 1

    def _words(self, records: pl.DataFrame, text: pl.Series) -> None:
        customer = records["customer"] if "customer" in records.columns else None
        frame = pl.DataFrame(
            {
                "company": records["company"].cast(pl.Utf8),
                "customer": pl.Series([""] * records.height) if customer is None else customer,
                "text": text,
            }
        ).filter(pl.col("company").is_not_null())
        if not frame.height:
            return
        handles = frame["text"].str.extract_all(_HANDLE).explode().drop_nulls().unique()
        self.handles.update(h[1:] for h in handles.to_list())
        words = (
            frame.select(
                "company",
                pl.col("customer").cast(pl.Utf8).fill_null(""),
                tok=pl.col("text").str.replace_all(_HANDLE, " ").str.extract_all(_CASED),
            )
            .explode("tok")
            .filter(pl.col("tok").str.len_chars() >= 3)
            .unique()
            .group_by("company", "tok")
            .agg(pl.col("customer").unique().head(BARE_CUSTOMERS))
        )
        for company, tok, customers in words.iter_rows():
            got = self.bare.setdefault((company, tok), set())
            if len(got) < BARE_CUSTOMERS:
                got.update(customers[: BARE_CUSTOMERS - len(got)])

    def accounts(self) -> list[str]:
        """The answering accounts that are no customer, other author or given name, and the
        handles that customers of one company write as words (``_written``)."""
        first = pii_words.load().first_names
        answering = {
            a
            for a in self.answered
            if a.lower() not in self.people and a.title() not in first and _stem(a)
        }
        return sorted(answering | self._written())

    def _written(self) -> set[str]:
        """The handles written as plain words, exactly so cased, in the conversations of
        ``BARE_CUSTOMERS`` customers of one company: no name of the lists, frequent word,
        customer or author."""
        w = pii_words.load()
        names = w.first_names | w.last_names | w.more_names
        written = {tok for (_, tok), who in self.bare.items() if len(who) >= BARE_CUSTOMERS}
        return {
            h
            for h in self.handles & written
            if h.lower() not in self.people
            and h not in names
            and h.title() not in names
            and h.lower() not in w.common_words
            and _stem(h)
        }

    def brand_words(self) -> list[str]:
        """The brands named after those accounts that a name pass could take for a person's
        ("Asurion", "Cox"): one capitalised word, no given name, no customer's account."""
        first = pii_words.load().first_names
        return sorted(
            b
            for b in self.brands
            if _BRAND_WORD.fullmatch(b) and b not in first and b.lower() not in self.people
        )


def _stem(account: str) -> str:
    """The account as ``brand_handle`` compares it: lower-case without "_" and digits; too
    short to stand for one company alone ("O2" -> "o") is none."""
    stem = re.sub(r"[_0-9]", "", account.lower())
    return stem if len(stem) >= 3 else ""


def with_accounts(pii: PiiRules, accounts: RunAccounts, **update: Any) -> PiiRules:
    """``pii`` with ``update`` applied and the run's answering accounts (a ``RunPiiRules``
    where there are any; built without validating again, as ``model_copy`` does)."""
    found = accounts.accounts()
    if not found:
        return pii.model_copy(update=update) if update else pii
    values = {name: getattr(pii, name) for name in PiiRules.model_fields}
    return RunPiiRules.model_construct(**{**values, **update, "accounts": found})


def engine_for_run(rules: PiiRules) -> PiiEngine:
    """The engine of ``rules`` (``engine_for``), with the run's answering accounts among the
    brand handles it keeps where ``rules`` carries any (``RunPiiRules``)."""
    engine = engine_for(rules)
    accounts = getattr(rules, "accounts", None)
    if accounts and getattr(engine, "run_accounts", None) is None:
        stems = frozenset(s for s in map(_stem, accounts) if s)
        handles = engine.words.brand_handles | stems
        engine.words = dataclasses.replace(engine.words, brand_handles=handles)
        setattr(engine, "run_accounts", stems)  # noqa: B010 (once per engine)
    return engine
