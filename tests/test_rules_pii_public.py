"""Public links, example and role addresses, brand accounts: not personal data (issue 18).

The support exports showed answers whose help link became ``[URL]`` (1,037 IBM/twcs answers)
and company accounts ("@AppleSupport", "@AmericanAir") redacted as ``[USER]``; a model learns
the placeholder where the answer was. Only a link, address or handle that names a person goes.
"""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine
from curate.rules.pii.public import brand_handle, public_email
from curate.rules.pii.words import load

DEFAULT = PiiEngine(load_rule_pack("default").pii)


def redact(text: str) -> str:
    return str(DEFAULT.scan(pl.Series([text])).placeholders()[0])


@pytest.mark.parametrize(
    "text",
    [
        "see https://support.apple.com/en-us/HT201252 for the steps",
        "Please DM us: https://t.co/2Rk8Qb4mZl",
        "Try https://help.netflix.com/en/node/54816 and let us know.",
        "More at www.dropbox.com/help/security/enable-two-step-verification.",
        "https://www.amazon.com/gp/help/customer/display.html?nodeId=201910410",
        "reach us at support@dropbox.com or help@uber.com",
        "no-reply@accounts.google.com sent it",
        "@AppleSupport @AmericanAir @Uber_Support @AskeBay @SpotifyCares @TeamYouTube thanks",
        "@Delta @AldiUK @Ask_Spectrum @MicrosoftHelps @ArgosHelpers @GreggsOfficial",
    ],
)
def test_public_links_addresses_and_brand_accounts_are_kept(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("track it: https://shop.io/t?email=ann@x.com&id=4", "track it: [URL]"),
        ("reset: https://acme.io/reset?token=9f2ab31cde now", "reset: [URL] now"),
        ("https://portal.bank.com/view?accountId=55120931", "[URL]"),
        ("mail me at ann.lee@gmail.com", "mail me at [EMAIL]"),
        ("support.person@gmail.com", "[EMAIL]"),  # only the whole local part is a role
        # synthetic data stands for people with the reserved example domains: redacted
        ("write to jane.doe@example.com today", "write to [EMAIL] today"),
        ("@dave_99 @Morgan @mike77 thanks", "[USER] [USER] [USER] thanks"),
    ],
)
def test_personal_links_addresses_and_handles_go(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Please forward this to abuse@chase.com. You may also visit https://www.chase.com/sec",
        "write to support@dropbox.com or see https://help.dropbox.com/x today",
    ],
)
def test_kept_links_and_addresses_stay_where_they_were(text: str) -> None:
    """Each hold pass's values go back where they were: engine._hold listed them in pass
    order (links before role e-mails), and an IBM Chase answer came out swapped."""
    assert redact(text) == text


def test_the_rules_one_by_one() -> None:
    words = load()
    assert public_email("support@sub.example.org") and public_email("no-reply@host.test")
    assert not public_email("someone@example.org") and not public_email("x@host.test")
    assert brand_handle("@HPSupport", words) and brand_handle("@sainsburys", words)
    assert brand_handle("@VirginTrains", words) and brand_handle("@O2", words)
    assert brand_handle("@YouTubeTV", words) and brand_handle("@yahoomail", words)
    assert not brand_handle("@melissarojas", words) and not brand_handle("@Brian04409394", words)
    assert not brand_handle("@JohnSmith", words) and not brand_handle("@Johnson", words)


@pytest.mark.parametrize("keep_values", [False, True])
def test_nothing_is_found_inside_a_kept_link(keep_values: bool) -> None:
    """A kept link is held out of the text while the later passes run: the IBM answers'
    web-archive timestamps were "cards" and article numbers "phones" inside kept links."""
    texts = [
        "see https://web.archive.org/web/20191213044137/https://support.hp.com/x or 555-123-4567",
        "https://help.uber.com/riders/article/555-123-4567?nodeId=1 Dr. Bob Smith, x@y.io",
        "no link, Dr. Ann Lee",
    ]
    got = DEFAULT.scan(pl.Series(texts), keep_values=keep_values).placeholders().to_list()
    assert got == [
        "see https://web.archive.org/web/20191213044137/https://support.hp.com/x or [PHONE]",
        "https://help.uber.com/riders/article/555-123-4567?nodeId=1 Dr. [PERSON], [EMAIL]",
        "no link, Dr. [PERSON]",
    ]


ADDRESSES = [
    "support@dropbox.com", "Customer.Service@acme.co.uk", "no-reply@accounts.google.com",
    "jane@example.com", "a.b@mail.example.org", "x@host.test", "ann@example.com.evil.io",
    "support.person@gmail.com", "supportive@acme.com", "ann.lee@gmail.com", "x@example.co.uk",
]  # fmt: skip


@pytest.mark.parametrize("address", ADDRESSES)
def test_the_engine_keeps_exactly_the_public_addresses(address: str) -> None:
    """The engine's regexes (a pass that keeps them, no Python step) and public_email agree."""
    kept = redact(f"mail {address} now") == f"mail {address} now"
    assert kept == public_email(address)


@pytest.mark.parametrize(
    "text",
    [
        # a known brand's account for one product, market or function (IBM export, session 12)
        "Please help. @Apple @AppleSupport @DropboxSupport @Dropbox @DropboxBusiness",
        "changed the password and recovery email. @Google @GoogleUK @googlechrome",
        "Nothing more. Please fix this! @MojangStatus",
        "#toiletpapercrisis @CostcoAUS @eBay",
        "@netflix: Binged it\n@disneyplus: Worked Perfect",
        # a product of the lists as a handle writes it
        "@Netflix and @PrimeVideo work fine on the same tv",
        # code pasted in a ticket: doc tags and annotations, no handles (Kaggle tickets)
        "/**\n * @param id The product ID\n * @return the price\n */\n@Override\npublic void x()",
        "@media screen { body { margin: 0 } } @import url(x.css);",
    ],
)
def test_brand_accounts_and_code_annotations_are_no_users(text: str) -> None:
    assert redact(text) == text


def test_fans_and_persons_named_like_a_brand_stay_users() -> None:
    """Only a company's words after the brand make an account one ('@amazonqueen' is a fan's
    handle; '@WendySmith' a person's)."""
    assert redact("thanks @amazonqueen and @WendySmith") == "thanks [USER] and [USER]"
    # a product's name made of names alone ("Jackson-Pratt" drain) is a person's handle here
    assert redact("cc @JacksonPratt") == "cc [USER]"
