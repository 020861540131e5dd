"""Support channel text (session 14): the "link" stand-ins IBM's Twitter export left for a
stripped picture or URL, and a customer's leading @handle that is the sentence's subject.

Texts are from the IBM Twitter customer-care files (Apache 2.0) and twcs (handles anonymised).
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from curate.ingest import ingest
from curate.ingest.channel import (
    Message,
    assemble,
    brand_name,
    handle_is_subject,
    strip_agent_signature,
    strip_leading_handles,
    strip_link_standins,
)


@pytest.mark.parametrize(
    ("text", "rest", "n"),
    [
        ("Why is this happening? No video showing but there is sound. link", "Why is this happening? No video showing but there is sound.", 1),
        ("At the end it will stay like that forever unless I end the application link", "At the end it will stay like that forever unless I end the application", 1),
        ("My account link is:\nhttps://www.youtube.com/channel/UC1 link", "My account link is:\nhttps://www.youtube.com/channel/UC1", 1),
        ("When will you solve this problem. https://www.youtube.com/channel/UC2 link link", "When will you solve this problem. https://www.youtube.com/channel/UC2", 2),
        ("link", "", 1),
    ],
)  # fmt: skip
def test_link_standins_at_the_end_go(text: str, rest: str, n: int) -> None:
    assert strip_link_standins(text) == (rest, n)


@pytest.mark.parametrize(
    "text",
    [
        "I never got the reset link",
        "please click the link",
        "It won't let me open the hyperlink",
        "Any advice or link to basic instructions?",
        "Link",
    ],
)
def test_a_link_the_customer_wrote_stays(text: str) -> None:
    assert strip_link_standins(text) == (text, 0)


def test_assemble_takes_standins_out_only_where_listed() -> None:
    messages = [
        Message("user", "@SpotifyCares my playlist is gone link", "cust"),
        Message("user", "@SpotifyCares link", "cust"),
        Message("assistant", "@cust Let's look into this. Which device is it on?", "SpotifyCares"),
    ]
    turns, meta = assemble(messages, ["handles", "link_standins"])
    assert turns == [
        {"role": "user", "content": "my playlist is gone"},
        {"role": "assistant", "content": "Let's look into this. Which device is it on?"},
    ]
    assert meta.link_standins == 2
    kept, _ = assemble(messages, ["handles"])
    assert kept[0]["content"] == "my playlist is gone link\n\nlink"


def _ibm_dialog(message: str) -> dict[str, object]:
    return {
        "agentURL": {"url_utterance": "@cust Here's how: https://help.example.com/a"},
        "dialogContent": [
            {"client": "cust", "message": message, "tweet_ID": "1"},
            {"agent": "AskeBay", "message": "@cust We hear you. Send us the item number?", "tweet_ID": "2"},
        ],
        "dialogHeader": {"company": "AskeBay", "sessionID": "s1", "conversationDateTime": "2020-04-01T17:31:32.000Z"},
    }  # fmt: skip


def test_ibm_layout_drops_the_standin_and_keeps_the_subject(tmp_path: Path) -> None:
    path = tmp_path / "ibm.json"
    dialogs = [
        _ibm_dialog("@ebay is allowing people to sell toilet paper at ridiculous prices link"),
        _ibm_dialog("@AskeBay my order never came. link"),
    ]
    path.write_text(json.dumps(dialogs), "utf-8")
    ingest([path], "tickets", tmp_path / "ws", rules=None)
    df = pl.read_parquet(tmp_path / "ws" / "ingest" / "records.parquet")
    assert df["layout"].to_list() == ["dialog_json", "dialog_json"]
    users = [r["turns"][0]["content"] for r in df.to_dicts()]
    assert users == [
        "eBay is allowing people to sell toilet paper at ridiculous prices",
        "my order never came.",
    ]


@pytest.mark.parametrize(
    ("text", "brand", "rest", "gone"),
    [  # the subject stays: as the answering brand's name, else as written
        ("@ebay is allowing people to sell toilet paper", "eBay", "eBay is allowing people to sell toilet paper", []),
        ("@yahoo needs to hurry up and fix their problem", "YahooCare", "Yahoo needs to hurry up and fix their problem", []),
        ("@eBay needs 2 end auctions 4 toilet paper", "AskeBay", "eBay needs 2 end auctions 4 toilet paper", []),
        (".@GoDaddyHelp is giving 403 errors when you try to cancel your domains?", "GoDaddyHelp", "GoDaddy is giving 403 errors when you try to cancel your domains?", []),
        ("@138184 @comcastcares is also available to help", None, "@comcastcares is also available to help", ["138184"]),
        ("@115955 is the Worst Cable Provider.", "Ask_Spectrum", "@115955 is the Worst Cable Provider.", []),
        ("@O2 should be ashamed of themselves", None, "@O2 should be ashamed of themselves", []),
    ],
)  # fmt: skip
def test_a_leading_handle_that_is_the_subject_stays(
    text: str, brand: str | None, rest: str, gone: list[str]
) -> None:
    assert strip_leading_handles(text, keep_subject=True, brand=brand) == (rest, gone)
    assert strip_leading_handles(text)[0] != rest  # the old behaviour, still the default


@pytest.mark.parametrize(
    "text",
    [  # addressed to the brand: the handles go
        "@AmazonHelp my order is late",
        "@Ask_Spectrum is there an internet outage in Columbus oh?",
        "@zoom_us are you down rn",
        "@AppleSupport is 128 GB iPhone 7 not enough to hold call list",
        "@MicrosoftHelps is the windows 10 pro upgrade available in the microstore",
        "@Chase @CNN @BBCWorld is chase trying to make more money",
        "@Delta have now been sitting for 3 hours on this plane",
        "@AskTarget was told to send DM about item",
        "@ATVIAssist will do.",
        "@AmazonHelp Says it's on its way",
        "@hulu_support can't log in, password won't reset",
        "@Google can someone please call me.",
        "@AmazonHelp: is ur investigation done",
    ],
)
def test_a_leading_addressee_handle_goes(text: str) -> None:
    rest, gone = strip_leading_handles(text, keep_subject=True, brand="AmazonHelp")
    assert not rest.startswith(("@", "Amazon")) and gone
    assert not handle_is_subject(strip_leading_handles(text)[0])


def test_agent_messages_never_keep_a_leading_handle() -> None:
    messages = [
        Message("user", "@AskeBay is there a way to report a seller?", "cust"),
        Message("assistant", "@cust is right here: use Report item on the listing.", "AskeBay"),
    ]
    turns, _ = assemble(messages, ["handles"])
    assert turns[1]["content"] == "is right here: use Report item on the listing."


@pytest.mark.parametrize(
    ("text", "rest", "sig"),
    [  # twcs and IBM: the sign-off before the answer's closing link
        ("Please DM us the tracking number. ^LD https://t.co/wKJHDXWGRQ", "Please DM us the tracking number. https://t.co/wKJHDXWGRQ", "^LD"),
        ("Can you please DM your name &amp; zip? ^OP https://t.co/znUu1VJn9r", "Can you please DM your name &amp; zip? https://t.co/znUu1VJn9r", "^OP"),
        ("Try disabling the plugins. ^T https://www.godaddy.com/help/a-26333", "Try disabling the plugins. https://www.godaddy.com/help/a-26333", "^T"),
    ],
)  # fmt: skip
def test_a_signature_before_the_closing_link_goes(text: str, rest: str, sig: str) -> None:
    assert strip_agent_signature(text) == (rest, sig)


def test_a_link_alone_after_a_sigil_word_is_no_signature() -> None:
    assert strip_agent_signature("^ https://t.co/x") == ("^ https://t.co/x", None)


@pytest.mark.parametrize(
    ("author", "brand"),
    [  # IBM's companies: the system prompt said "agent for zoom us" and "agent for hulu"
        ("zoom_us", "Zoom"),
        ("hulu_support", "Hulu"),
        ("hulu", "Hulu"),
        ("comcastcares", "Comcast"),
        ("eBay", "eBay"),
        ("AskeBay", "eBay"),
        ("eBay_UK", "eBay UK"),
        ("115911", "115911"),
    ],
)
def test_brand_names_read_as_names(author: str, brand: str) -> None:
    assert brand_name(author) == brand
