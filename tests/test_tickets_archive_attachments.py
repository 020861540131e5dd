"""Support channel (session 14, round 2): web-archive links unwrapped to the page they archive,
and a customer's message that was only a stripped picture never lets two answers merge.

Texts are from the IBM Twitter customer-care files (Apache 2.0; handles anonymised).
"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import polars as pl
import pytest

from curate.ingest import ingest
from curate.ingest.archive_links import unwrap_archive_links
from curate.ingest.channel import ATTACHMENT, Message, assemble, strip_leading_handles
from curate.schema import load_schema

IBM_STEPS = ["archive_links", "handles", "agent_signature", "continuations", "personal_urls", "link_standins"]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "unwrapped"),
    [
        ("Please send us an email at https://web.archive.org/web/20200405031915/https://help.minecraft.net/hc/en-us/requests/new",
         "Please send us an email at https://help.minecraft.net/hc/en-us/requests/new"),
        ("Try this (https://web.archive.org/web/20200213092749/https://support.apple.com/en-us/HT201354).",
         "Try this (https://support.apple.com/en-us/HT201354)."),
        ("banking:https://web.archive.org/web/20200401224734/http://www.example-bank.com/help?x=1",
         "banking:http://www.example-bank.com/help?x=1"),
        # the inner URL without its scheme takes the outer's; modifiers and wildcards
        ("see https://web.archive.org/web/2020id_/help.example.com/a", "see https://help.example.com/a"),
        ("see web.archive.org/web/20200101000000im_/help.example.com/a", "see help.example.com/a"),
        ("http://archive.org/web/*/example.com/page", "http://example.com/page"),
        ("https://wayback.archive.org/web/2019*/https://example.com/x", "https://example.com/x"),
        ("https://web.archive.org/web/20200405031915/https:/help.example.net/a", "https://help.example.net/a"),
        # archive.today and its mirrors
        ("http://archive.ph/2020.01.01-123456/https://example.com/a b", "https://example.com/a b"),
        ("https://archive.today/newest/https://example.com/a", "https://example.com/a"),
        ("two: https://web.archive.org/web/1/https://a.example.com and https://archive.is/https://b.example.com/",
         "two: https://a.example.com and https://b.example.com/"),
    ],
)  # fmt: skip
def test_archive_links_unwrap_to_the_page(text: str, unwrapped: str) -> None:
    out, n = unwrap_archive_links(text)
    assert out == unwrapped
    assert n == text.count("archive.")


@pytest.mark.parametrize(
    "text",
    [
        "archive.ph/AbCd1 is a short id: no page to unwrap",
        "myarchive.org/web/2020/https://example.com",
        "the archive.org home page https://archive.org/details/foo",
        "https://web.archive.org/web/20200405031915/ alone",
    ],
)
def test_what_is_no_archived_page_stays(text: str) -> None:
    assert unwrap_archive_links(text) == (text, 0)


def test_every_support_layout_with_channel_steps_unwraps_archive_links() -> None:
    schema = load_schema("tickets")
    channelled = [lay for lay in schema.layouts if lay.channel]
    assert len(channelled) >= 6
    assert all(lay.channel[0] == "archive_links" for lay in channelled)
    assert "attachments" in schema.fields


def _ibm(content: list[dict[str, str]], url_utterance: str, session: str) -> dict[str, object]:
    return {
        "agentURL": {"url_utterance": url_utterance},
        "dialogContent": content,
        "dialogHeader": {"company": "SpotifyCares", "sessionID": session,
                         "conversationDateTime": "2020-04-01T17:31:32.000Z"},
    }  # fmt: skip


def test_ibm_answers_keep_the_help_link_not_its_archive_copy_through_the_default_pack(
    tmp_path: Path,
) -> None:
    """The unwrapped help link is public: it stays as text through the default PII pack."""
    answer = (
        "@user2 Hi there! You can reset it here: https://web.archive.org/web/20200405031915/"
        "https://support.spotify.com/us/account_payment_help/login_help/reset-password/ /EX"
    )
    dialogs = [
        _ibm(
            [{"client": "user2", "message": "@SpotifyCares I can't log in to my account anymore"}],
            answer,
            "s1",
        )
    ]
    path = tmp_path / "ibm.json"
    path.write_text(json.dumps(dialogs), "utf-8")
    ingest([path], "tickets", tmp_path / "ws", rules="default")
    rows = pl.read_parquet(tmp_path / "ws" / "ingest" / "records.parquet").to_dicts()
    assert [t["content"] for t in rows[0]["turns"]] == [
        "I can't log in to my account anymore",
        "Hi there! You can reset it here: "
        "https://support.spotify.com/us/account_payment_help/login_help/reset-password/",
    ]


def test_a_picture_alone_between_two_answers_is_an_attachment_turn(tmp_path: Path) -> None:
    """IBM dev eGPmyP8XzT1HWlzAPv2u: "@SpotifyCares link" (the screenshot asked for) was
    emptied and dropped, and the two answers became one ("... We'll check further\\n\\nThanks
    for the screenshot! ..."); the appended agentURL answer after such a message too."""
    ask = "@user1 Hey there! Could you send over a screenshot of what you're seeing on your end? We'll check further /EX"  # fmt: skip
    thanks = "@user1 Thanks for the screenshot! Could you send over your device's make and model? /EX"  # fmt: skip
    dialogs = [
        _ibm(
            [
                {"client": "user1", "message": "@SpotifyCares my app shows a blank page"},
                {"agent": "SpotifyCares", "message": ask},
                {"client": "user1", "message": "@SpotifyCares link"},
                {"agent": "SpotifyCares", "message": thanks},
            ],
            "",
            "s1",
        ),
        _ibm(
            [
                {"client": "user3", "message": "@SpotifyCares my account is inactive?"},
                {"agent": "SpotifyCares", "message": ask},
                {"client": "user3", "message": "@SpotifyCares link"},
            ],
            thanks.replace("user1", "user3"),
            "s2",
        ),
    ]
    path = tmp_path / "ibm.json"
    path.write_text(json.dumps(dialogs), "utf-8")
    ingest([path], "tickets", tmp_path / "ws", rules=None)
    rows = pl.read_parquet(tmp_path / "ws" / "ingest" / "records.parquet").to_dicts()
    assert len(rows) == 2
    for row in rows:
        turns = row["turns"]
        assert [t["role"] for t in turns] == ["user", "assistant", "user", "assistant"]
        assert turns[2]["content"] == ATTACHMENT
        assert turns[3]["content"].startswith("Thanks for the screenshot!")
        assert "Thanks for the screenshot" not in turns[1]["content"]
        assert row["attachments"] == 1


def test_handles_alone_between_two_answers_stay_as_written() -> None:
    messages = [
        Message("user", "@DropboxSupport my plan renewed", "cust"),
        Message("assistant", "@cust Did you upgrade via the app? ^JS", "DropboxSupport"),
        Message("user", "@DropboxSupport", "cust"),
        Message("assistant", "@cust Then Apple handles the subscription. ^JS", "DropboxSupport"),
    ]
    turns, meta = assemble(messages, IBM_STEPS)
    assert [t["content"] for t in turns] == [
        "my plan renewed",
        "Did you upgrade via the app?",
        "@DropboxSupport",
        "Then Apple handles the subscription.",
    ]
    assert meta.attachments == 0


def test_an_emptied_message_after_the_customer_goes_and_counts() -> None:
    messages = [
        Message("user", "@SpotifyCares my playlist is gone", "cust"),
        Message("user", "@SpotifyCares link", "cust"),
        Message("assistant", "@cust Which device is it on?", "SpotifyCares"),
    ]
    turns, meta = assemble(messages, IBM_STEPS)
    assert turns == [
        {"role": "user", "content": "my playlist is gone"},
        {"role": "assistant", "content": "Which device is it on?"},
    ]
    assert meta.attachments == 1


_USER = ["@SpotifyCares link", "@SpotifyCares", "link link", "my order is late", "it broke link", "@SpotifyCares @other"]  # fmt: skip
_AGENT = ["@cust We can help ^JS", "@cust Send us a DM", "Thanks! /EX"]


def test_two_answers_are_never_joined_across_a_customer_message() -> None:
    """Random threads of one customer and one agent: each run of agent messages is one
    answer turn, whatever the customer's messages between them clean to."""
    rng = random.Random(14)
    for _ in range(400):
        roles = [rng.choice(["user", "assistant"]) for _ in range(rng.randint(1, 7))]
        messages = [
            Message(r, rng.choice(_USER), "cust")
            if r == "user"
            else Message(r, rng.choice(_AGENT), "SpotifyCares")
            for r in roles
        ]
        turns, _ = assemble(messages, IBM_STEPS)
        runs = sum(1 for i, r in enumerate(roles) if r == "assistant" and (i == 0 or roles[i - 1] == "user"))  # fmt: skip
        assert sum(t["role"] == "assistant" for t in turns) == runs, messages
        assert all(t["content"].strip() for t in turns)
        assert all(a["role"] != b["role"] for a, b in itertools.pairwise(turns))


@pytest.mark.parametrize(
    ("text", "rest", "gone"),
    [  # IBM test.json: the web client's invisible isolates around a handle (U+2066 ... U+2069)
        ("\u2066@GoDaddy\u2069 they try to sell you protection you didn’t ask for.",
         "they try to sell you protection you didn’t ask for.", ["GoDaddy"]),
        ("\u2066@AppleSupport\u2069 \u2066@iTunes:\u2069 Any idea why several purchased songs were removed",
         "Any idea why several purchased songs were removed", ["AppleSupport", "iTunes"]),
        ("\u2066@AppleSupport\u2069, BHIM app is an Indian Government App",
         "BHIM app is an Indian Government App", ["AppleSupport"]),
        ("I asked \u2066@AppleSupport\u2069 twice 🤦\u200d♂️", "I asked @AppleSupport twice 🤦\u200d♂️", []),
    ],
)  # fmt: skip
def test_handles_in_direction_isolates_go_like_others(
    text: str, rest: str, gone: list[str]
) -> None:
    assert strip_leading_handles(text, keep_subject=True) == (rest, gone)


def test_a_handle_after_a_leading_tweet_number_goes() -> None:
    """IBM dev: "(1/2) @RockstarSupport I'm not receiving the email ..." kept its handle (the
    handles step ran before the number was taken off)."""
    messages = [
        Message("user", "(1/2) @RockstarSupport I'm not receiving the email to reset my password.", "cust"),
        Message("user", "(2/2) @RockstarSupport Please help", "cust"),
        Message("assistant", "@cust Please submit a request here: https://support.rockstargames.com *MS", "RockstarSupport"),
    ]  # fmt: skip
    turns, meta = assemble(messages, IBM_STEPS)
    assert turns[0]["content"] == "I'm not receiving the email to reset my password. Please help"
    assert meta.mentions == ["RockstarSupport", "cust"]
