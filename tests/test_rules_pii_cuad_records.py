"""Precision of [PERSON] on CUAD measured on whole records, as ingest redacts them (issue 18).

``test_rules_pii_labels.py`` runs each labelled find's 200-character context alone, which hides
what the rest of the record says about a word ("Fox" there, "Fox Mobile Entertainment, Inc."
three lines up; "in the Field" in the next clause). Here the labelled finds of
``tests/data/pii_labels/cuad*.jsonl`` are put back in their records: the source files are
ingested as the ``contracts`` schema does (no rules: raw text), each labelled context is found
in its record again (whitespace may differ), and the record's text fields are scanned together
as ``apply_rules`` does (one group per record). A labelled string counts as redacted where a
[PERSON] find overlaps it. The packs leave the run-level count (``corpus_min_records``) off, so
ingest runs no corpus pass and none is run here.

Some contexts are in no record today (the sample was drawn when the CUAD table's "Parties"
column was ingested; it is skipped now): they are left out and counted.

Needs ``../shared/realdata/legal`` (skips without it); ingesting the ~70 files takes ~10 s.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from curate.ingest.layouts.furniture import compile_furniture, strip_furniture
from curate.rules import RulePack, load_rule_pack
from curate.rules.audit import _MARK_RE, align
from curate.rules.pii import engine_for
from curate.rules.pii.corpus import CorpusCounts, with_corpus_not_names
from curate.schema import load_schema
from curate.user_regex import Pattern
from tests.conftest import realdata

LABELS = Path(__file__).parent / "data" / "pii_labels"
Item = dict[str, object]


def _load(name: str) -> list[Item]:
    return [json.loads(line) for line in (LABELS / name).read_text("utf-8").splitlines()]


def _loose(text: str) -> str:
    """A regex for ``text`` that any run of whitespace may stand in for whitespace in."""
    return r"\s+".join(re.escape(chunk) for chunk in re.split(r"\s+", text))


@functools.cache
def _furniture() -> tuple[Pattern, ...]:
    """The contracts text files' page furniture, which ingest cuts out since session 14."""
    layout = next(x for x in load_schema("contracts").layouts if x.name == "contract_documents")
    return compile_furniture(layout.furniture)


def _find(item: Item, field_text: str) -> tuple[int, int] | None:
    """Where the labelled string of ``item`` is in ``field_text``: its whole context around
    it, else 40 characters either side, else 40 on one side (a section cut next to it). The
    contexts were cut from the text before ingest took page furniture out (session 14), so
    each is also tried without it."""
    original = str(item["original"])
    context, offset = str(item["context"]), int(str(item["offset"]))
    sides = [(context[:offset], context[offset + len(original) :])]
    cleaned = [strip_furniture(s, _furniture()) for s in sides[0]]
    if cleaned != list(sides[0]):
        sides.append((cleaned[0], cleaned[1]))
    for before, after in sides:
        for b, a in (
            (before, after),
            (before[-40:], after[:40]),
            (before[-40:], ""),
            ("", after[:40]),
        ):
            if not (b.strip() or a.strip()):
                continue
            loose = (_loose(b.strip()), f"({_loose(original)})", _loose(a.strip()))
            m = re.search(r"\s*".join(p for p in loose if p), field_text)
            if m:
                return m.span(1)
    return None


@pytest.fixture(scope="module")
def cuad(tmp_path_factory: pytest.TempPathFactory) -> tuple[pl.DataFrame, CorpusCounts]:
    """Every CUAD record, ingested with no rules (raw text), and the corpus counts that
    ingest's corpus pass makes of them (``curate.ingest.stage._corpus_pass``)."""
    from curate.ingest import ingest

    legal = realdata("legal", "cuad_full_contract_txt").parent
    ws = tmp_path_factory.mktemp("cuad") / "ws"
    ingest(
        [legal / "cuad_master_clauses.csv", legal / "cuad_full_contract_txt"],
        "contracts",
        ws,
        rules=None,
    )
    records = pl.read_parquet(ws / "ingest" / "records.parquet")
    return records, corpus_counts(records)


def corpus_counts(records: pl.DataFrame) -> CorpusCounts:
    counts = CorpusCounts()
    counts.add(records, list(load_schema("contracts").text_fields()))
    return counts


def as_ingest(pack: str, counts: CorpusCounts) -> RulePack:
    """``pack`` as ingest applies it to the whole CUAD input: with the run's evidence
    (corpus.py) where the pack turns the corpus pass on."""
    loaded = load_rule_pack(pack)
    return with_corpus_not_names(loaded, counts) if loaded.pii.corpus_min_records else loaded


def whole_record_redactions(
    items: list[Item], records: pl.DataFrame, pack: RulePack
) -> list[set[str] | None]:
    """Per item, the types of the finds overlapping its labelled string when its whole record
    is scanned; None where no record of its source holds it today."""
    fields = [c for c in load_schema("contracts").text_fields() if c in records.columns]
    # a table's rows keep their line; a text file's sections are cut anew: any of the file's
    by_source: dict[str, list[int]] = {}
    for i, source in enumerate(records["source"].to_list()):
        file, line = source.rsplit(":", 1)
        key = Path(file).name + (f":{line}" if file.endswith(".csv") else "")
        by_source.setdefault(key, []).append(i)
    columns = {f: records[f].to_list() for f in fields}
    where: list[tuple[int, str, tuple[int, int]] | None] = []
    for x in items:
        file, line = str(x["source"]).rsplit(" (", 1)[0].rsplit(":", 1)
        key = Path(file).name + (f":{line}" if file.endswith(".csv") else "")
        hit = None
        for row in by_source.get(key, []):
            for field in fields:
                text = columns[field][row] or ""
                span = _find(x, text) if str(x["original"]) in text else None
                if span:
                    hit = (row, field, span)
                    break
            if hit:
                break
        where.append(hit)
    rows = sorted({w[0] for w in where if w})
    texts = [columns[f][r] or "" for f in fields for r in rows]
    groups = np.tile(np.arange(len(rows)), len(fields))
    engine = engine_for(pack.pii)
    scan = engine.scan(pl.Series(texts, dtype=pl.Utf8), groups, keep_values=False)
    marked = scan.marked.to_list()
    out: list[set[str] | None] = []
    for w in where:
        if w is None:
            out.append(None)
            continue
        row, field, (start, end) = w
        k = fields.index(field) * len(rows) + rows.index(row)
        marks = _MARK_RE.findall(marked[k])
        spans = align(texts[k], _MARK_RE.split(marked[k])) if marks else []
        out.append(
            {
                engine.types[ord(c) - 0xF0400]
                for c, span in zip(marks, spans or [None] * len(marks), strict=True)
                if span is None or (span[0] < end and start < span[1])
            }
        )
    return out


def person_figures(name: str, records: pl.DataFrame, pack: RulePack) -> dict[str, float]:
    """Precision of [PERSON] over the found items, persons still redacted, items not found."""
    items = _load(name)
    got = whole_record_redactions(items, records, pack)
    found = [(x, t) for x, t in zip(items, got, strict=True) if t is not None]
    hit = [x for x, t in found if "person" in t]
    persons = [x for x, _ in found if x["label"] == "person"]
    good = sum(x["label"] == "person" for x in hit)
    return {
        "found": len(found),
        "absent": len(items) - len(found),
        "redacted": len(hit),
        "precision": good / len(hit) if hit else 1.0,
        "persons": len(persons),
        "persons_redacted": good,
    }


LEGAL_RUN = LABELS / "legal_run.toml"


def test_heldout_labels_are_well_formed() -> None:
    """cuad_heldout.jsonl: 100 finds of the default pack (without the record's evidence) not
    in cuad.jsonl; cuad_heldout_contracts.jsonl: 50 of the contracts pack (README.md)."""
    for name, n in (("cuad_heldout.jsonl", 100), ("cuad_heldout_contracts.jsonl", 50)):
        items = _load(name)
        assert len(items) == n and len({x["id"] for x in items}) == n
        for x in items:
            context, original = str(x["context"]), str(x["original"])
            offset = int(str(x["offset"]))
            assert len(context) <= 200 and x["label"] in ("person", "not_person"), x["id"]
            assert context[offset : offset + len(original)] == original, x["id"]


def test_contracts_pack_on_heldout_contexts() -> None:
    """Each held-out context alone (as test_rules_pii_labels.py measures): 45 of 46 still
    redacted [PERSON] are persons. As labelled, before any rule ran on it, 45 of 48: two more
    were offices ('Attention: Chief Financial Officer'), a class fixed afterwards (terms.JOB_WORDS,
    also seen in the CUAD export), so for that class this figure is no longer held out."""
    from tests.test_rules_pii_labels import redacted_as

    items = _load("cuad_heldout_contracts.jsonl")
    hit = [x for x, t in zip(items, redacted_as(items, "contracts"), strict=True) if "person" in t]
    assert len(hit) >= 45
    assert sum(x["label"] == "person" for x in hit) / len(hit) >= 0.90


@pytest.mark.slow
def test_whole_records_hold_the_labelled_finds(cuad: tuple[pl.DataFrame, CorpusCounts]) -> None:
    """The measure below is over most of the sample: 11 of 150 contexts are in no record
    today (the CUAD table's Parties column, no longer ingested); every held-out one is."""
    records, counts = cuad
    pack = as_ingest("contracts", counts)
    assert person_figures("cuad.jsonl", records, pack)["absent"] <= 11
    assert person_figures("cuad_heldout.jsonl", records, pack)["absent"] == 0


@pytest.mark.slow
def test_contracts_pack_on_whole_cuad_records(cuad: tuple[pl.DataFrame, CorpusCounts]) -> None:
    """The shipped contracts config: 19 of 20 [PERSON] are persons, 19 of the 28 persons
    still redacted ('Attn. Thibault De Tersant' since session 13: the town after a postcode
    took the label and the name into its [ADDRESS], address_intl._TOWN_AFTER_PC; 18 of 19
    before; an inventor list and an author after 'authored by' since session 12; 17 of
    18 before; 14 of 15 before 'Name, Esq.', a name before its e-mail, 'WITNESS:' and
    'verified Name, date'; 7 of 7 and 7 of 28 before signatures anywhere and the names spread
    through their record; the one not: "Mr. & Mrs. Smith", a film). Held out (drawn from this pack's
    finds, labelled before measuring): 46 of 50 as first measured, 46 of 48 since offices after
    "Attention:" are no persons (a class the held-out sample showed: no longer held out)."""
    records, counts = cuad
    pack = as_ingest("contracts", counts)
    tuned = person_figures("cuad.jsonl", records, pack)
    assert tuned["precision"] >= 0.90 and tuned["persons_redacted"] >= 19, tuned
    held = person_figures("cuad_heldout_contracts.jsonl", records, pack)
    assert held["precision"] >= 0.90, held


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="default pack on whole CUAD records: 0.31 of 86 [PERSON] are persons, 27 of 28 "
    "persons redacted (the 28th inside an [ADDRESS]) in session 12 (0.28 of 99 before the names "
    "that defined terms follow were roles, terms.py; 0.24 of 115 without the record's role "
    "evidence); held out 0.22 of 72 (0.19 of 85; 0.16 of 100). Most are parties named alone in "
    "a section ('Kitov shall use', 'in the Field'): only the run knows them, and the default "
    "pack runs no corpus pass",
)
def test_default_pack_person_precision_on_whole_cuad_records(
    cuad: tuple[pl.DataFrame, CorpusCounts],
) -> None:
    records, counts = cuad
    figures = person_figures("cuad.jsonl", records, as_ingest("default", counts))
    assert figures["precision"] >= 0.90, figures


@pytest.mark.slow
def test_the_runs_evidence_doubles_precision_on_whole_records(
    cuad: tuple[pl.DataFrame, CorpusCounts],
) -> None:
    """The generic name detectors with the run's evidence (corpus pass on, determiners too:
    ``legal_run.toml``) on CUAD: 0.62 of 45 [PERSON] are persons with all 28 persons kept
    (0.28 of 101 without); held out 0.37 of 43 (0.18 of 87). Below 0.90: why the contracts
    pack keeps the generic detectors off."""
    records, counts = cuad
    pack = as_ingest(str(LEGAL_RUN), counts)
    assert pack.pii.terms, "the corpus pass found no role words"
    tuned = person_figures("cuad.jsonl", records, pack)
    assert tuned["precision"] >= 0.60 and tuned["persons_redacted"] >= 27, tuned
    held = person_figures("cuad_heldout.jsonl", records, pack)
    assert held["precision"] >= 0.33 and held["persons_redacted"] == held["persons"], held
