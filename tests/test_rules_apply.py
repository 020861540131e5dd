"""apply_rules: the ingest contract (kept/filtered/stats), redaction styles, accounting."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curate.rules import RuleResult, apply_rules, load_rule_pack
from curate.rules.apply import PII_DTYPE

TURNS = pl.List(pl.Struct({"role": pl.Utf8, "content": pl.Utf8}))
FIELDS = {"subject": "context", "question": "user", "answer": "assistant"}


def frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    base = {
        "record_id": None,
        "source": None,
        "subject": None,
        "question": "",
        "answer": "",
        "turns": [],
    }
    rows = [
        {**base, "record_id": f"r{i}", "source": f"t.csv:{i + 2}", **r} for i, r in enumerate(rows)
    ]
    return pl.DataFrame(
        rows,
        schema={
            "record_id": pl.Utf8,
            "source": pl.Utf8,
            "subject": pl.Utf8,
            "question": pl.Utf8,
            "answer": pl.Utf8,
            "turns": TURNS,
        },
    )


ROWS = [
    {
        "question": "Hi, I'm Maria Lopez, my email is maria@example.org",
        "answer": "Thanks Maria Lopez, we fixed it.",
    },
    {"question": "Where is my order?", "answer": ""},
    {
        "question": "Bonjour, où est ma commande s'il vous plaît ?",
        "answer": "Elle arrive demain, merci.",
    },
    {
        "question": "",
        "answer": "",
        "turns": [
            {"role": "user", "content": "Call me at 555-123-4567"},
            {"role": "assistant", "content": "Sure, calling now."},
        ],
    },
    {"question": "Card 4111 1111 1111 1111 was charged twice", "answer": "Refunded."},
]


def test_contract_columns_and_types() -> None:
    df = frame(ROWS)
    res = apply_rules(df, load_rule_pack("default"), FIELDS)
    assert isinstance(res, RuleResult)
    assert res.kept.columns == [*df.columns, "language", "language_score", "pii"]
    assert res.kept.schema["pii"] == PII_DTYPE and res.kept.schema["turns"] == TURNS
    assert res.kept.schema["language_score"] == pl.Float64
    assert res.filtered.columns == [*res.kept.columns, "reason", "detail"]
    assert res.filtered["reason"].to_list() == ["assistant_nonempty"]
    json.dumps(res.stats)  # json-able


def test_redaction_in_fields_and_turns() -> None:
    res = apply_rules(frame(ROWS), "default", FIELDS)
    kept = {r["record_id"]: r for r in res.kept.iter_rows(named=True)}
    assert kept["r0"]["question"] == "Hi, I'm [PERSON], my email is [EMAIL]"
    assert kept["r0"]["answer"] == "Thanks [PERSON], we fixed it."
    assert kept["r0"]["pii"] == [{"type": "email", "count": 1}, {"type": "person", "count": 2}]
    assert kept["r3"]["turns"][0] == {"role": "user", "content": "Call me at [PHONE]"}
    assert kept["r4"]["question"] == "Card [CARD] was charged twice"
    assert kept["r2"]["language"] == "fr" and kept["r0"]["language"] == "en"


def test_pseudonyms_are_consistent_within_a_record() -> None:
    rows = [
        {
            "question": "Dr. Okafor and Dr. Lindqvist met about my results. Okafor left early.",
            "answer": "Okafor will call you back tomorrow with the details.",
        }
    ]
    res = apply_rules(frame(rows), "strict", FIELDS)
    row = res.kept.row(0, named=True)
    assert (
        row["question"]
        == "Dr. [PERSON_1] and Dr. [PERSON_2] met about my results. [PERSON_1] left early."
    )
    assert row["answer"] == "[PERSON_1] will call you back tomorrow with the details."


def test_surrogate_style_reaches_the_records(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A pack with style = "surrogate" writes stand-in names and shifted dates into the kept
    records (apply_rules asked for placeholders whatever the style, so it wrote [PERSON])."""
    import re

    pack = tmp_path / "surrogate.toml"
    pack.write_text(
        'name = "surrogate"\n[pii]\nstyle = "surrogate"\nseed = 3\n'
        'types = ["person", "date", "email"]\n'
    )
    rows = [
        {
            "question": "Dr. Okafor saw me on 03/14/2023 and again on 03/21/2023. Okafor said wait.",
            "answer": "Okafor will call you back; write to maria@example.org meanwhile.",
        }
    ]
    row = apply_rules(frame(rows), str(pack), FIELDS).kept.row(0, named=True)
    text = row["question"] + " " + row["answer"]
    assert "[" not in text and "Okafor" not in text and "03/14/2023" not in text
    assert "maria@example.org" not in text
    stand_in = re.match(r"Dr\. (\S+) saw me", row["question"])
    assert stand_in is not None  # one person, one stand-in, everywhere in the record
    assert row["question"].endswith(f"{stand_in[1]} said wait.")
    assert row["answer"].startswith(f"{stand_in[1]} will call you back")
    d1, d2 = re.findall(r"\d\d/\d\d/\d{4}", row["question"])
    from datetime import datetime

    gap = datetime.strptime(d2, "%m/%d/%Y") - datetime.strptime(d1, "%m/%d/%Y")
    assert gap.days == 7  # one shift per record: the interval survives


def test_drop_style_filters_with_pii_drop(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pack = tmp_path / "drop.toml"
    pack.write_text('name = "drop"\n[pii]\nstyle = "drop"\ntypes = ["email"]\n')
    res = apply_rules(frame(ROWS), str(pack), FIELDS)
    dropped = res.filtered.filter(pl.col("reason") == "pii_drop")
    assert dropped["record_id"].to_list() == ["r0"]
    assert dropped["detail"][0] == "contains PII: email×1"
    assert "maria@example.org" not in dropped["question"][0]  # stored redacted
    assert res.stats["rules"]["pii_drop"]["filtered"] == 1


def test_language_allow_list() -> None:
    res = apply_rules(frame(ROWS), "strict", FIELDS)
    lang = res.filtered.filter(pl.col("reason") == "language")
    assert lang["record_id"].to_list() == ["r2"]
    assert lang["detail"][0].startswith("detected fr (")


def test_stats_shape() -> None:
    stats = apply_rules(frame(ROWS), "default", FIELDS).stats
    assert (
        stats["pack"] == "default"
        and stats["records"] == 5
        and stats["kept"] + stats["filtered"] == 5
    )
    assert stats["pii"]["email"] == {"matches": 1, "records": 1}
    assert stats["pii"]["person"]["matches"] == 2
    ex = stats["rules"]["redact_email"]["examples"][0]
    assert ex["record_id"] == "r0" and ex["source"] == "t.csv:2"
    assert (
        "maria@example.org" not in ex["before"]
        and "mxxxx@" in ex["before"]
        and "[EMAIL]" in ex["after"]
    )
    assert stats["rules"]["redact_email"]["changed"] == 1
    assert stats["rules"]["assistant_nonempty"]["filtered"] == 1
    assert stats["languages"]["en"] >= 2


def test_empty_frame() -> None:
    res = apply_rules(frame([]), "default", FIELDS)
    assert res.kept.height == 0 and res.filtered.height == 0 and res.stats["records"] == 0


def test_langdetect_backend_override() -> None:
    res = apply_rules(frame(ROWS[:1]), "default", FIELDS, langid_backend="langdetect")
    assert res.stats["language_backend"] == "langdetect" and res.kept["language"][0] == "en"


text = st.text(
    alphabet=st.sampled_from(list("abc xyz@.5-1/\n{}_ÉĳЖ文")), max_size=40
) | st.sampled_from(
    ["", "ok", "Dr. Smith said hi", "a@b.io", "555-123-4567", "{product_name}", "out of office"]
)
turn = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant", "system"]), "content": text}
)
row = st.fixed_dictionaries(
    {
        "subject": st.none() | text,
        "question": text,
        "answer": text,
        "turns": st.lists(turn, max_size=3),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, max_size=12), st.sampled_from(["default", "strict", "clinical"]))
def test_every_row_ends_in_exactly_one_outcome(rows: list[dict[str, object]], pack: str) -> None:
    df = frame(rows)
    res = apply_rules(df, pack, FIELDS)
    ids = res.kept["record_id"].to_list() + res.filtered["record_id"].to_list()
    assert sorted(ids) == sorted(df["record_id"].to_list())
    assert res.filtered["reason"].null_count() == 0
    assert res.stats["kept"] + res.stats["filtered"] == df.height
    by_rule = sum(r["filtered"] for r in res.stats["rules"].values())
    assert by_rule == res.filtered.height
    # turns keep their length and roles
    before = {r["record_id"]: r["turns"] for r in df.iter_rows(named=True)}
    for r in [*res.kept.iter_rows(named=True), *res.filtered.iter_rows(named=True)]:
        assert [t["role"] for t in r["turns"]] == [t["role"] for t in before[r["record_id"]]]


BATCH = [
    *ROWS,
    {"question": "Dr. Okonkwo called about the results", "answer": "Okonkwo will call back."},
    {
        "question": "Okonkwo Freight lost my parcel",
        "answer": "Sorry, we will check with Okonkwo Freight.",
    },
    {"question": "Thanks Zebulon, ticket 7731234 is fine", "answer": "Glad to help."},
    {"question": "Is Zebulon a real place?", "answer": "Yes, Zebulon is a town."},
]


def _outputs(res: RuleResult) -> dict[str, dict[str, object]]:
    rows = [*res.kept.iter_rows(named=True), *res.filtered.iter_rows(named=True)]
    return {r["record_id"]: r for r in rows}


@pytest.mark.parametrize("pack", ["default", "strict", "clinical"])
def test_each_record_is_redacted_as_if_alone(pack: str) -> None:
    """A name found by context in one record is not redacted in another; batch size is moot."""
    df = frame(BATCH)
    together = _outputs(apply_rules(df, pack, FIELDS))
    for i in range(df.height):
        alone = _outputs(apply_rules(df.slice(i, 1), pack, FIELDS))
        rid = df["record_id"][i]
        assert alone[rid] == together[rid]
    if pack == "default":
        assert together["r6"]["question"] == "Okonkwo Freight lost my parcel"
        assert together["r5"]["answer"] == "[PERSON] will call back."
        assert together["r8"]["answer"] == "Yes, Zebulon is a town."


@pytest.mark.parametrize("pack", ["default", "strict"])
def test_records_split_over_threads_give_the_same_result(
    pack: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch big enough to be split into parts (quality and PII per part, on threads) gives
    exactly what one part gives: outputs, filtered reasons and details, counts, examples."""
    from curate.rules import _pool

    extra = [
        {"question": "ok", "answer": "ok"},  # a copy
        {"question": "Dear Ana, call 555-201-3344 or write to ana@example.com", "answer": "Done"},
        {"question": "This is an automated message. Do not reply.", "answer": "noted"},
        {
            "question": "Mr. Okafor said: Okafor paid 4111 1111 1111 1111",
            "answer": "We refunded Okafor today",
        },
    ]
    rows = [
        (ROWS + extra)[i % (len(ROWS) + len(extra))] for i in range(_pool.MIN_PARALLEL_ROWS + 7)
    ]
    df = frame(rows)
    monkeypatch.setattr(_pool, "threads", lambda: 1)
    one = apply_rules(df, pack, FIELDS)
    monkeypatch.setattr(_pool, "threads", lambda: 3)
    assert len(_pool.split_rows(np.arange(df.height), 3)) == 3
    many = apply_rules(df, pack, FIELDS)
    assert one.kept.equals(many.kept) and one.filtered.equals(many.filtered)
    assert one.stats == many.stats
    assert one.filtered.height > 0 and one.stats["pii"]["phone"]["records"] > 0


def test_quality_rules_and_pii_passes_run_on_threads_of_their_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Polars keeps 32 compiled regexes per thread: the quality rules' and the PII passes'
    together are more, so on shared threads every batch compiled them all again (the PII
    scan cost ~30% more CPU). Each runs on threads that the other never uses."""
    import threading

    from curate.rules import _pool
    from curate.rules import apply as apply_mod
    from curate.rules.pii import PiiEngine

    seen: dict[str, set[str]] = {"quality": set(), "pii": set()}

    def spy(kind: str, fn):  # type: ignore[no-untyped-def]
        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            seen[kind].add(threading.current_thread().name)
            return fn(*args, **kwargs)

        return call

    monkeypatch.setattr(apply_mod, "quality_reasons", spy("quality", apply_mod.quality_reasons))
    monkeypatch.setattr(PiiEngine, "_scan_rows", spy("pii", PiiEngine._scan_rows))
    monkeypatch.setattr(_pool, "threads", lambda: 2)
    rows = [ROWS[i % len(ROWS)] for i in range(_pool.MIN_PARALLEL_ROWS + 3)]
    apply_rules(frame(rows), "default", FIELDS)
    assert seen["quality"] and seen["pii"]
    assert not seen["quality"] & seen["pii"], seen


def test_rules_json_does_not_depend_on_where_batches_are_cut() -> None:
    """ingest merges per-batch stats (numbers add up, the first examples are kept): the merged
    rules.json must be the same bytes for any batch size. Examples are the first records in
    input order whatever field the find is in, and languages sort by count then code."""
    from curate.ingest.summary import merge_stats
    from curate.rules.audit import finish_rule_stats

    def merged(parts: list[dict[str, object]]) -> str:
        return json.dumps(finish_rule_stats(parts, merge_stats))

    rows: list[dict[str, object]] = []
    for i in range(36):
        if i % 3 == 0:  # PII in the answer: later in the flat scan than the next row's question
            rows.append(
                {"question": "Where is my order number 77?", "answer": f"Mail me: u{i}@example.org"}
            )
        elif i % 3 == 1:
            rows.append(
                {
                    "question": f"My email is v{i}@example.com, call 555-201-33{i:02d}",
                    "answer": "ok",
                }
            )
        else:
            rows.append(ROWS[(i // 3) % len(ROWS)])
    rows += [
        {"question": "Hola, ¿dónde está mi pedido? Lo necesito mañana.", "answer": "Mañana llega."}
    ] * 4
    df = frame(rows)
    whole = merged([apply_rules(df, "default", FIELDS).stats])
    for size in (1, 7, 10):
        parts = [
            apply_rules(df.slice(i, size), "default", FIELDS).stats
            for i in range(0, df.height, size)
        ]
        assert merged(parts) == whole, size
    stats = json.loads(whole)
    assert len(stats["rules"]["redact_email"]["examples"]) == 5
    emails = [e["record_id"] for e in stats["rules"]["redact_email"]["examples"]]
    assert emails == ["r0", "r1", "r2", "r3", "r4"]


# ---- the redaction audit (curate.rules.audit) ---------------------------------------------


def _audit(df: pl.DataFrame, pack: str = "default") -> dict[str, object]:
    from curate.ingest.summary import merge_stats
    from curate.rules.audit import finish_rule_stats

    return finish_rule_stats([apply_rules(df, pack, FIELDS).stats], merge_stats)


def test_audit_shows_strings_found_in_many_records_and_only_counts_the_rest() -> None:
    """A string redacted in >= MIN_RECORDS records is listed with its counts and a context
    (before: the string; after: [TYPE]); one redacted in fewer appears nowhere in rules.json,
    only in the totals (issue 18 item 4)."""
    from curate.rules.audit import MIN_RECORDS

    rows: list[dict[str, object]] = [
        {"question": f"Hi Maria, order {i} is late.", "answer": "Thanks,\nMaria"}
        for i in range(MIN_RECORDS)
    ]
    rows += [{"question": "Hi Zoltan, my order is late.", "answer": "ok"}]
    stats = _audit(frame(rows))
    text = json.dumps(stats)
    assert "_audit" not in stats and "Zoltan" not in text
    person = stats["audit"]["types"]["person"]  # type: ignore[index]
    assert person["top"] == [{"value": "Maria", "records": MIN_RECORDS, "finds": 2 * MIN_RECORDS}]
    assert person["hidden"] == {"strings": 1, "finds": 1}
    assert person["strings"] == 2 and person["finds"] == 2 * MIN_RECORDS + 1
    ctx = person["contexts"][0]
    assert ctx["value"] == "Maria" and ctx["record_id"] == "r0"
    assert ctx["before"] == "Hi Maria, order 0 is late."
    assert ctx["after"] == "Hi [PERSON], order 0 is late."
    assert stats["audit"]["min_records"] == MIN_RECORDS  # type: ignore[index]


def test_a_name_found_in_one_record_is_redacted_in_its_documents_other_records() -> None:
    """The scan's unit is the document (a record's ``group``): a surname named alone in one of
    a contract's sections is that person's where another section names them in full
    ("binding upon Turpin", CUAD, session 12); another document's is left to its own."""
    rows: list[dict[str, object]] = [
        {"question": "Dr. Maria Vandertrek signed the form.", "answer": "ok"},
        {"question": "Then Vandertrek left the room.", "answer": "ok"},
        {"question": "Then Vandertrek left the room.", "answer": "ok"},
    ]
    df = frame(rows).with_columns(pl.Series("group", ["contract:a", "contract:a", "contract:b"]))
    got = apply_rules(df, "default", FIELDS).kept["question"].to_list()
    assert got == [
        "Dr. [PERSON] signed the form.",
        "Then [PERSON] left the room.",
        "Then Vandertrek left the room.",
    ]


def test_audit_counts_a_documents_records_once() -> None:
    """A string is shown only when redacted in MIN_RECORDS distinct documents: the records of
    one ``group`` (a contract's sections) are one document, also across batches. In the CUAD
    report a signatory named in 8 sections of one contract was listed verbatim (session 12)."""
    from curate.ingest.summary import merge_stats
    from curate.rules.audit import MIN_RECORDS, finish_rule_stats

    def batch(groups: list[str]) -> dict[str, object]:
        rows: list[dict[str, object]] = [
            {"question": f"Signed by Maria Lopez, section {i}.", "answer": "ok"}
            for i in range(len(groups))
        ]
        df = frame(rows).with_columns(pl.Series("group", groups))
        return apply_rules(df, "default", FIELDS).stats

    one_contract = ["contract:a"] * (MIN_RECORDS + 3)
    stats = finish_rule_stats([batch(one_contract), batch(one_contract)], merge_stats)
    person = stats["audit"]["types"]["person"]
    assert person["top"] == [] and "Maria" not in json.dumps(stats)
    assert person["hidden"] == {"strings": 1, "finds": 2 * (MIN_RECORDS + 3)}
    # as many documents as the floor, split over two batches: shown
    docs = [f"contract:{i}" for i in range(MIN_RECORDS)]
    stats = finish_rule_stats([batch(docs[:2]), batch(docs[2:] + docs[:1])], merge_stats)
    top = stats["audit"]["types"]["person"]["top"]
    assert [x["value"] for x in top] == ["Maria Lopez"] and top[0]["records"] == MIN_RECORDS + 1


def test_audit_recovers_each_find_as_the_scan_that_keeps_values_sees_it() -> None:
    """The audit aligns the value-less scan with the original text; the values must be those
    a scan keeping the values reports, in every style (pseudonym scans keep them)."""
    from curate.rules.audit import audit_batch
    from curate.rules.pii import engine_for, spans

    texts = pl.Series(
        [
            "Dr. Smith saw Mrs. Jones on 2021-03-04; call 555-201-3344 or a@b.org.",
            "Section 8.3 applies. Contact Maria Lopez at maria@example.org, Maria Lopez.",
            "Hi Anna, Hi Anna, Hi Anna.",
            "no finds here",
            None,
        ]
    )
    groups = np.arange(len(texts))
    engine = engine_for(load_rule_pack("default").pii)
    truth: dict[tuple[str, str], int] = {}
    keep = engine.scan(texts, groups, keep_values=True)
    for k, t in enumerate(keep.marked.to_list()):
        for s, e, typ in spans(t or "", engine.types):
            key = (typ, (texts[k] or "")[s:e])
            truth[key] = truth.get(key, 0) + 1
    assert truth  # the texts have finds
    for keep_values in (False, True):
        got = audit_batch(
            engine.scan(texts, groups, keep_values=keep_values), texts, groups, lambda r: {}
        )
        found = dict(zip(zip(got["type"], got["value"], strict=True), got["finds"], strict=True))
        assert found == truth and not got["unaligned"]


def test_redaction_examples_come_from_the_batch_scan_and_rescan_only_ambiguous_texts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """rules.json's before/after examples take their values from aligning the batch's
    value-less scan with the originals (a rescan keeping values cost ~2.5 us per record of the
    batch); only a text whose alignment is ambiguous is scanned again. Either way each
    example is what a scan keeping values renders."""
    from curate.rules.apply import _redaction_examples
    from curate.rules.pii import PiiEngine, engine_for

    texts = pl.Series(
        [
            "Dear Ana, call 555-201-3344 or write to ana@example.com",
            "on 2021-03-04, 2021-03-05, ok",
            "Dr. Smith saw Mrs. Jones; Maria Lopez at maria@example.org",
            "no finds here",
            # "March 3, 2021" holds the ", " that follows it: its span is ambiguous
            "Paid on March 3, 2021, 555-201-3344.",
        ]
    )
    groups = np.arange(len(texts))
    ids = pl.DataFrame({"record_id": [f"r{i}" for i in range(len(texts))]})
    engine = engine_for(load_rule_pack("default").pii)
    keep = engine.scan(texts, groups, keep_values=True)
    expected = _redaction_examples(engine, texts, keep.counts(), groups, ids, keep)
    rescans: list[int] = []
    real_scan = PiiEngine.scan

    def counting(self, col, *args, **kwargs):  # type: ignore[no-untyped-def]
        rescans.append(len(col))
        return real_scan(self, col, *args, **kwargs)

    for n, rescanned in ((4, []), (5, [1])):  # without the ambiguous text, then with it
        sub, grp = texts.head(n), groups[:n]
        fast = engine.scan(sub, grp, keep_values=False)
        monkeypatch.setattr(PiiEngine, "scan", counting)
        got = _redaction_examples(engine, sub, fast.counts(), grp, ids.head(n), fast)
        monkeypatch.setattr(PiiEngine, "scan", real_scan)
        assert rescans == rescanned
        rescans.clear()
        want = {t: [e for e in ex if int(e["record_id"][1:]) < n] for t, ex in expected.items()}
        assert {t: v for t, v in got.items() if v} == {t: v for t, v in want.items() if v}
    assert expected["date"][-1]["before"] == "Paid on Mxxxx 0, 0000, [PHONE]."


def test_align_gives_up_on_the_finds_whose_span_the_text_around_them_does_not_fix() -> None:
    from curate.rules.audit import align

    assert align("Hi Ann Lee, Bo.", ["Hi ", ", ", "."]) == [(3, 10), (12, 14)]
    assert align("1.2.3.4. 5.6", ["", ". ", ""]) == [(0, 7), (9, 12)]
    assert align("a, b, c", ["", ", ", ""]) == [None, None]  # "a" + "b, c" or "a, b" + "c"
    assert align("a, b, c; d", ["", ", ", "; ", ""]) == [None, None, (9, 10)]
    assert align("other text", ["Hi ", ""]) is None  # not this text's marking
    assert align("Hi .", ["Hi ", "."]) is None  # a find is never empty


def test_ingest_writes_the_audit_into_rules_json_and_no_rare_string(tmp_path: Path) -> None:
    """ingest merges the batches' audits (batch_size 2: several batches) and writes only what
    may be shown: the per-batch strings (stats['_audit']) never reach rules.json."""
    import curate

    lines = ["Ticket ID,Ticket Subject,Ticket Description,Resolution"]
    for i in range(6):
        lines.append(f"{i},Late order,Hi Maria your order {i} is late. Please check.,Done today.")
    lines.append("9,Late order,Hi Zoltan your order is late. Please check.,Done today.")
    src = tmp_path / "t.csv"
    src.write_text("\n".join(lines) + "\n", "utf-8")
    curate.ingest([src], "tickets", tmp_path / "ws", batch_size=2)
    text = (tmp_path / "ws" / "ingest" / "rules.json").read_text("utf-8")
    audit = json.loads(text)["audit"]
    assert '"_audit"' not in text and "Zoltan" not in text
    person = audit["types"]["person"]
    assert person["top"] == [{"value": "Maria", "records": 6, "finds": 6}]
    assert person["hidden"] == {"strings": 1, "finds": 1}


def test_batches_at_work_at_once_share_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ingest processes two chunks at once: each batch then gets its share of the cores (on
    two cores one part each: a split would only add each pass's fixed cost per part), and
    the output is what a batch alone, split over every core, gives."""
    import threading

    from curate.rules import _pool

    monkeypatch.delenv("CURATE_RULES_THREADS", raising=False)
    monkeypatch.setattr(_pool.os, "cpu_count", lambda: 4)
    assert _pool.threads() == 4
    with _pool.batch():
        assert _pool.threads() == 4
        with _pool.batch():
            assert _pool.threads() == 2
    assert _pool.threads() == 4
    monkeypatch.setenv("CURATE_RULES_THREADS", "3")  # as set, whatever runs at once
    with _pool.batch(), _pool.batch():
        assert _pool.threads() == 3
    monkeypatch.delenv("CURATE_RULES_THREADS")

    rows = [ROWS[i % len(ROWS)] for i in range(_pool.MIN_PARALLEL_ROWS + 11)]
    df = frame(rows)
    alone = apply_rules(df, "default", FIELDS)
    parts: list[int] = []
    real = _pool.split_rows

    def spy(groups: np.ndarray, n: int) -> list[np.ndarray]:
        parts.append(n)
        return real(groups, n)

    monkeypatch.setattr(_pool, "split_rows", spy)
    got: list[object] = [None, None]
    started = threading.Barrier(2)

    def run(i: int) -> None:
        with _pool.batch():  # both batches are at work before either splits
            started.wait()
            got[i] = apply_rules(df, "default", FIELDS)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert parts and max(parts) == 1  # 4 cores, 4 batches at work (2 + apply_rules' own)
    for res in got:
        assert isinstance(res, type(alone))
        assert res.kept.equals(alone.kept) and res.filtered.equals(alone.filtered)
        assert res.stats == alone.stats
