"""Channel clean-up and thread assembly for support conversations (issue 19, items 1-2)."""

from __future__ import annotations

import pytest

from curate.ingest.channel import (
    Message,
    assemble,
    brand_name,
    continuation_marker,
    split_by_customer,
    strip_agent_signature,
    strip_leading_handles,
)
from curate.rules.urls import is_personal_url, personal_url_reason, strip_personal_urls

ALL = ("handles", "agent_signature", "continuations", "personal_urls")


def test_leading_handles_removed_and_kept() -> None:
    assert strip_leading_handles("@MommaYou2 Hi there, I would request") == (
        "Hi there, I would request",
        ["MommaYou2"],
    )
    assert strip_leading_handles(".@a @b, thanks") == ("thanks", ["a", "b"])
    assert strip_leading_handles("@AskPlayStation . Im trying") == ("Im trying", ["AskPlayStation"])
    # only leading ones: a handle inside the text is the PII engine's ([USER])
    assert strip_leading_handles("ask @HP about it") == ("ask @HP about it", [])


@pytest.mark.parametrize(
    ("text", "rest", "sig"),
    [  # real endings from the IBM and twcs files
        ("Please try this: https://support.rockstargames.com/articles/1 *MS", "Please try this: https://support.rockstargames.com/articles/1", "*MS"),
        ("Please provide your Order ID. ^JS", "Please provide your Order ID.", "^JS"),
        ("Let us know. ~ Olivia", "Let us know.", "~ Olivia"),
        ("Thanks.^Kartika", "Thanks.", "^Kartika"),
        ("Could you share the model number? -JP", "Could you share the model number?", "-JP"),
        ("We'll continue helping there 🙂 /BX", "We'll continue helping there 🙂", "/BX"),
        ("お問い合わせください。 EK", "お問い合わせください。", "EK"),
        ("こちらのヘルプをご参照ください https://t.co/abc TN", "こちらのヘルプをご参照ください https://t.co/abc", "TN"),
    ],
)  # fmt: skip
def test_agent_signatures_removed(text: str, rest: str, sig: str) -> None:
    assert strip_agent_signature(text) == (rest, sig)


@pytest.mark.parametrize(
    "text", ["Works on Wi-Fi", "We are here 24/7", "Is it on PC", "Thanks - Thanks", "in the US"]
)
def test_ordinary_endings_are_not_signatures(text: str) -> None:
    assert strip_agent_signature(text) == (text, None)


@pytest.mark.parametrize(
    ("text", "rest", "mark"),
    [
        ("Open link: https://x.com/a 1/2", "Open link: https://x.com/a", (1, 2)),
        ("(1/2)見放題が近々終了する作品", "見放題が近々終了する作品", (1, 2)),
        ("2/2 Here's how: https://x.com", "Here's how: https://x.com", (2, 2)),
        ("[2/3] then restart it", "then restart it", (2, 3)),
        ("Open 24/7", "Open 24/7", None),
        ("ratio 5/3", "ratio 5/3", None),
    ],
)
def test_continuation_markers(text: str, rest: str, mark: tuple[int, int] | None) -> None:
    assert continuation_marker(text) == (rest, mark)


def test_numbered_parts_join_into_one_turn_and_signature_goes() -> None:
    msgs = [
        Message("user", "@NortonSupport my license expired", "115712"),
        Message("assistant", "@115712 Please sign out and back in. 1/2", "NortonSupport"),
        Message("assistant", "@115712 Or sync it here: https://support.norton.com/x ^JS 2/2", "NortonSupport"),
    ]  # fmt: skip
    turns, meta = assemble(msgs, ALL)
    assert turns == [
        {"role": "user", "content": "my license expired"},
        {
            "role": "assistant",
            "content": "Please sign out and back in. Or sync it here: https://support.norton.com/x",
        },
    ]
    assert meta.signatures == ["^JS"] and meta.mentions == ["NortonSupport", "115712"]
    assert (meta.continuations_joined, meta.continuations_missing) == (1, 0)
    assert (meta.customer, meta.agent) == ("115712", "NortonSupport")


def test_dangling_part_loses_its_number_and_is_counted() -> None:
    msgs = [Message("user", "help"), Message("assistant", "Open the link: https://x.com 1/2")]
    turns, meta = assemble(msgs, ALL)
    assert turns[-1]["content"] == "Open the link: https://x.com"
    assert meta.continuations_missing == 1


def test_steps_not_listed_leave_the_text() -> None:
    msgs = [Message("user", "@a hi"), Message("assistant", "@b see https://x.com 1/2 ^JS")]
    turns, _ = assemble(msgs, ())
    assert [t["content"] for t in turns] == ["@a hi", "@b see https://x.com 1/2 ^JS"]


def test_two_customers_never_share_a_turn_ibm_test_61() -> None:
    """IBM test:61: two customers in one dialog, the agent answers the second (@mbcracken)."""
    msgs = [
        Message("user", "@AppleSupport What's going on with #iTunes?", "CunningCaitie"),
        Message("user", "@CunningCaitie @AppleSupport Ditto...can not load any content on iTunes Movies", "mbcracken"),
        Message("assistant", "@mbcracken Thank you. We're investigating and will update our System Status page"),
    ]  # fmt: skip
    turns, meta = assemble(msgs, ALL)
    assert [t["role"] for t in turns] == ["user", "assistant"]
    assert turns[0]["content"].startswith("Ditto")
    assert meta.customer == "mbcracken" and meta.other_authors == ["CunningCaitie"]


def test_same_author_messages_join_with_a_blank_line() -> None:
    msgs = [Message("user", "first", "u1"), Message("user", "second", "u1")]
    turns, _ = assemble(msgs, ALL)
    assert turns == [{"role": "user", "content": "first\n\nsecond"}]


def test_split_by_customer_gives_each_row_one_conversation() -> None:
    msgs = [
        Message("user", "@Brand my order is late", "c1"),
        Message("assistant", "@c1 Sorry! Which order?", "Brand"),
        Message("user", "@Brand @c1 mine too", "c2"),
        Message("assistant", "@c1 We found it, it ships today", "Brand"),
        Message("assistant", "@c2 Could you DM us?", "Brand"),
    ]
    assert split_by_customer(msgs) == [[0, 1, 3], [2, 4]]
    assert split_by_customer(msgs[:2]) == [[0, 1]]


@pytest.mark.parametrize(
    ("author", "brand"),
    [
        ("AppleSupport", "Apple"),
        ("NortonSupport", "Norton"),
        ("AmazonHelp", "Amazon"),
        ("Ask_Spectrum", "Spectrum"),
        ("AskPlayStation", "PlayStation"),
        ("TeamYouTube", "YouTube"),
        ("SpotifyCares", "Spotify"),
        ("British_Airways", "British Airways"),
        ("HPSupport", "HP"),
        ("MicrosoftHelps", "Microsoft"),
    ],
)
def test_brand_name(author: str, brand: str) -> None:
    assert brand_name(author) == brand


@pytest.mark.parametrize(
    "url",
    [
        "https://support.hp.com/us-en/contact-hp?openCLC=true",
        "https://web.archive.org/web/20191213044137/https://support.hp.com/us-en/document/c04867233",
        "https://t.co/GDrqU22YpT",
        "https://shop.example/help?utm_source=twitter&lang=en",
    ],
)
def test_public_links_are_not_personal(url: str) -> None:
    assert not is_personal_url(url)
    assert strip_personal_urls(f"See {url} for the steps.") == (f"See {url} for the steps.", [])


@pytest.mark.parametrize(
    ("url", "why", "kept"),
    [
        ("https://shop.example/track?email=ann%40x.com", "email in query", "https://shop.example/track"),
        ("https://x.com/reset?token=9f2ab", "credential 'token' in query", "https://x.com/reset"),
        ("https://x.com/a#access_token=abc", "credential 'access_token' in fragment", "https://x.com/a"),
        ("https://x.com/u?customer_id=881", "personal parameter 'customer_id' in query", "https://x.com/u"),
        ("https://x.com/users/ann@x.com/orders", "email in path", ""),
        ("https://ann:pw@x.com/", "credentials in the address", ""),
    ],
)  # fmt: skip
def test_personal_links_lose_the_personal_part(url: str, why: str, kept: str) -> None:
    assert personal_url_reason(url) == why
    text, changed = strip_personal_urls(f"Track it at {url} today")
    assert changed == [url]
    assert text == f"Track it at {kept} today".replace("  ", " ")


def test_two_agents_keep_the_one_who_answers_last() -> None:
    """IBM: AmazonHelp replied first, the final answer is AppleSupport's (the dialog's company)."""
    msgs = [
        Message("user", "@amazonIN @AppleSupport Got a faulty iPhone from Amazon", "suman"),
        Message("assistant", "@suman Please reach out to the manufacturer. ^QA", "AmazonHelp"),
        Message("user", "@AmazonHelp the service centre is closed", "suman"),
        Message("assistant", "@suman Please visit the Apple Store app to book a repair.", "AppleSupport"),
    ]  # fmt: skip
    turns, meta = assemble(msgs, ALL)
    assert turns == [
        {
            "role": "user",
            "content": "Got a faulty iPhone from Amazon\n\nthe service centre is closed",
        },
        {"role": "assistant", "content": "Please visit the Apple Store app to book a repair."},
    ]
    assert meta.agent == "AppleSupport" and meta.other_authors == ["AmazonHelp"]


def test_answer_opening_with_a_later_part_is_flagged() -> None:
    """IBM: '@PoMoTV_ 2/2 Also, you can check ...' with no 1/2 has no beginning to learn."""
    from curate.ingest.channel import midway_error

    msgs = [
        Message("user", "my PC wakes up at night"),
        Message("assistant", "@x 2/2 Also, check this"),
    ]
    turns, meta = assemble(msgs, ALL)
    assert turns[-1]["content"] == "Also, check this"
    assert meta.answer_opens_midway == (2, 2)
    why = midway_error(meta)
    assert why is not None and why[0] == "continuation_missing"
    joined = [Message("user", "q"), Message("assistant", "a 1/2"), Message("assistant", "b 2/2")]
    assert midway_error(assemble(joined, ALL)[1]) is None
