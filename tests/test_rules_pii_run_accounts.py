"""Who answers, run-wide (issue 18 item 1, "use the evidence a whole run offers"): a support
account that answers the run's conversations is a company's, so its @handle stays in every
record and the brand named after it is no person; a customer's handle stays [USER] however
many conversations name it (run_accounts.py)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from curate.ingest import ingest
from curate.rules import load_rule_pack
from curate.rules.pii.corpus import CorpusCounts, with_corpus_not_names
from curate.rules.pii.run_accounts import RunAccounts, engine_for_run

# a Twitter customer-support thread export (twcs's layout): "Kimpton" (on no brand list)
# answers two customers; "meshboo" is a customer whom three conversations name
_THREADS = """tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
1,115001,True,Mon Oct 02 10:00:00 +0000 2017,@Kimpton my room key failed twice tonight,2,
2,Kimpton,False,Mon Oct 02 10:05:00 +0000 2017,@115001 So sorry! Please DM us your booking.,,1
3,115003,True,Mon Oct 02 12:00:00 +0000 2017,@AsurionCares booked through @Kimpton and my claim was denied cc @meshboo,4,
4,AsurionCares,False,Mon Oct 02 12:05:00 +0000 2017,@115003 Let us look into it: please DM us.,,3
5,meshboo,True,Mon Oct 02 13:00:00 +0000 2017,@Kimpton the wifi is down again,6,
6,Kimpton,False,Mon Oct 02 13:05:00 +0000 2017,@meshboo Sorry about that! Which hotel are you at?,,5
7,115004,True,Mon Oct 02 14:00:00 +0000 2017,@Kimpton same problem as @meshboo here,8,
8,Kimpton,False,Mon Oct 02 14:05:00 +0000 2017,@115004 Thanks for telling us! We'll check with @meshboo too.,,7
"""


def _ingest(tmp_path: Path, corpus: bool) -> list[str]:
    src = tmp_path / "twcs.csv"
    src.write_text(_THREADS)
    pack = tmp_path / "pack.toml"
    pack.write_text(
        f'extends = "default"\nname = "run"\n[pii]\ncorpus_min_records = {20 if corpus else 0}\n'
    )
    ws = tmp_path / ("ws_corpus" if corpus else "ws")
    ingest([str(src)], "tickets", ws, rules=str(pack), workers=1)
    df = pl.read_parquet(ws / "ingest" / "records.parquet").sort("customer")
    return ["\n".join(t["content"] for t in turns) for turns in df["turns"]]


def test_an_answering_account_is_kept_and_a_customer_handle_redacted(tmp_path: Path) -> None:
    """ "@Kimpton" in another company's conversation was [USER]; with the run's evidence it is
    the hotel's account. "@meshboo", named by three conversations, is a customer: [USER]."""
    before = _ingest(tmp_path, corpus=False)
    assert any("booked through [USER] and my claim" in t for t in before)
    after = _ingest(tmp_path, corpus=True)
    texts = "\n".join(after)
    assert "booked through @Kimpton and my claim was denied cc [USER]" in texts
    assert "same problem as [USER] here" in texts and "check with [USER] too" in texts
    assert "meshboo" not in texts


def _frame(rows: list[tuple[str | None, str | None, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["agent", "company", "customer"], orient="row")


def test_only_accounts_the_company_is_named_after_answer() -> None:
    """A helpdesk's agent named by a person's name beside a brand column is no account; nor
    an answering account the run also has as a customer, nor a given name, nor "O2"."""
    acc = RunAccounts()
    acc.add(
        _frame(
            [
                ("Kimpton", "Kimpton", "115001"),
                ("AsurionCares", "Asurion", "115002"),
                ("Sarah", "Acme", "115003"),  # an agent's name, the brand from a column
                ("Morgan", "Morgan", "115004"),  # a given name: may be a person's account
                ("O2", "O2", "115005"),  # "o" alone would keep "@o7"
                ("Zyxwell", "Zyxwell", "115006"),
                (None, None, "zyxwell"),  # ... also a customer somewhere in the run
            ]
        )
    )
    assert acc.accounts() == ["AsurionCares", "Kimpton"]
    assert acc.brand_words() == ["Asurion", "Kimpton"]


def test_a_brand_named_after_an_answering_account_is_no_person() -> None:
    """twcs: "I declined dubious Asurion coverage ... problem with Asurion" had [PERSON]
    twice (AsurionCares answers that run); "Dr. Asurion" stays a person."""
    counts = CorpusCounts()
    counts.add(
        pl.DataFrame(
            {
                "agent": ["AsurionCares", "Kimpton"],
                "company": ["Asurion", "Kimpton"],
                "customer": ["115002", "115003"],
                "body": ["my claim", "my room"],
            }
        ),
        ["body"],
    )
    default = load_rule_pack("default")
    pack = with_corpus_not_names(default, counts)
    text = "I declined dubious Asurion coverage Verizon offered. Here's problem with Asurion."
    old = engine_for_run(default.pii).scan(pl.Series([text])).placeholders()[0]
    assert old.count("[PERSON]") == 2
    engine = engine_for_run(pack.pii)
    assert engine.scan(pl.Series([text])).placeholders()[0] == text
    assert engine.scan(pl.Series(["Dr. Asurion called"])).placeholders()[0] == "Dr. [PERSON] called"
    handles = engine.scan(pl.Series(["@Kimpton and @AsurionCares, cc @dave_99"]))
    assert handles.placeholders()[0] == "@Kimpton and @AsurionCares, cc [USER]"
    # the pack's own engine (no run) is untouched: "@Kimpton" is on no list
    plain = engine_for_run(default.pii).scan(pl.Series(["@Kimpton"])).placeholders()[0]
    assert plain == "[USER]"


def _conversations(rows: list[tuple[str, str, str]]) -> CorpusCounts:
    counts = CorpusCounts()
    company, customer, body = zip(*rows, strict=True)
    frame = pl.DataFrame({"company": company, "customer": customer, "body": body})
    counts.add(frame, ["body"])
    return counts


def test_a_product_handle_other_customers_write_as_a_word_is_kept() -> None:
    """IBM: "when I'm working in @InDesign random folders" was [USER]; two other Adobe
    customers write "InDesign" as a word, so the run knows it for Adobe's. A handle written so
    by one customer only, or by customers of another company, or that is a given name, a
    frequent word or a customer's own account, stays [USER]. (Made-up product names here:
    "@InDesign", "@Illustrator" and "@Lightroom" are makers' products of products.py since,
    brand handles by their name alone.)"""
    counts = _conversations(
        [
            ("Adobe", "c1", "When I'm working in @PageForge random folders get saved"),
            ("Adobe", "c2", "PageForge and Glyphix are doing great"),
            ("Adobe", "c3", "my PageForge file will not open"),
            ("Adobe", "c4", "it crashes; cc @Glyphix @Sunshine @Helpful @MeshBoo"),
            ("Adobe", "c5", "Sunshine and Helpful as ever, thanks MeshBoo"),
            ("Adobe", "c6", "Sunshine, Helpful people here; MeshBoo agrees"),
            ("Adobe", "MeshBoo", "my own account"),
            ("Hulu", "c7", "watching @Darkroomly"),
            ("Adobe", "c8", "Darkroomly is slow"),
        ]
    )
    assert counts.accounts.accounts() == ["PageForge"]
    pack = with_corpus_not_names(load_rule_pack("default"), counts)
    engine = engine_for_run(pack.pii)
    text = "working in @PageForge and @Glyphix, cc @Sunshine @Helpful @MeshBoo @Darkroomly"
    assert engine.scan(pl.Series([text])).placeholders()[0] == (
        "working in @PageForge and [USER], cc [USER] [USER] [USER] [USER]"
    )
