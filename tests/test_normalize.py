from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.ingest.normalize import normalize_expr, normalize_text


def test_nfc_controls_and_whitespace() -> None:
    raw = "Cafe\u0301  ok\x07\r\n\r\n\r\n\r\nnext   para  "
    assert normalize_text(raw) == "Café ok\n\nnext para"


def test_zero_width_and_bom_removed() -> None:
    assert normalize_text("\ufeffhel\u200blo") == "hello"


def test_html_to_text() -> None:
    assert normalize_text("<p>Hello &amp; <b>bye</b></p><br>x", ["html"]) == "Hello & bye\n\nx"
    assert normalize_text("<script>alert(1)</script>kept", ["html"]) == "kept"


def test_plain_text_with_angle_brackets_is_not_html() -> None:
    assert normalize_text("if a < b and c > d", ["html"]) == "if a < b and c > d"


def test_quoted_reply_removed() -> None:
    raw = "Thanks!\n\nOn Mon, Jan 1, 2024 at 10:00 Bob <b@x.com> wrote:\n> old\n> stuff"
    assert normalize_text(raw, ["quotes"]) == "Thanks!"
    assert normalize_text("Fix it\n> quoted\nreal", ["quotes"]) == "Fix it\nreal"
    outlook = "New text\n-----Original Message-----\nFrom: a\nSent: b\nold"
    assert normalize_text(outlook, ["quotes"]) == "New text"


def test_all_quote_text_is_kept() -> None:
    assert normalize_text("> only a quote", ["quotes"]) == "> only a quote"


def test_signatures_removed() -> None:
    assert normalize_text("Please help\n\nSent from my iPhone", ["signature"]) == "Please help"
    assert normalize_text("Please help\n-- \nBob\nACME", ["signature"]) == "Please help"


def test_nulls_pass_through() -> None:
    df = pl.DataFrame({"t": [None, "a"]}, schema={"t": pl.String})
    assert df.select(normalize_expr(pl.col("t"), ["html", "quotes"]))["t"].to_list() == [None, "a"]


@given(st.text())
def test_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


_PIECES = st.sampled_from(
    [
        "a",
        "b",
        " ",
        "<p>",
        "&amp;",
        "\n",
        "\r",
        "\t",
        "-- ",
        "é",
        "> ",
        "wrote:",
        "Sent from my x",
        "On Mon Bob wrote:",
        "--",
        "From: a\nSent: b\n",
        "-----ORIGINAL MESSAGE-----",
        "GET OUTLOOK for iOS",
        "This email is confidential",
        "\x0b",
        "\x7f",
        "\u0085",
        "\u00a0",
        "\u200b",
        "e\u0301",
        "\n\n\n",
    ]
)


@settings(max_examples=400)
@given(st.lists(st.lists(_PIECES, max_size=12).map("".join), max_size=8))
def test_series_path_equals_expression_path(texts: list[str]) -> None:
    from curate.ingest.normalize import normalize_series

    s = pl.Series("t", texts, dtype=pl.String)
    steps = ["html", "quotes", "signature"]
    fast = normalize_series(s, steps).to_list()
    slow = pl.DataFrame({"t": s}).select(normalize_expr(pl.col("t"), steps))["t"].to_list()
    assert fast == slow


# Issue 17 item 8: HTML goes through a parser, not regexes.


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("Thanks <!-- internal note: refund denied --> for waiting", "Thanks for waiting"),
        ("<!-- only a comment -->kept", "kept"),
        (
            "<table><tr><th>Item</th><th>Id</th></tr><tr><td>Order</td><td>12345</td></tr></table>",
            "Item | Id\nOrder | 12345",
        ),
        ("<ul><li>reset router</li><li>call us</li></ul>", "- reset router\n- call us"),
        ("<ol>\n  <li>one</li>\n  <li>two</li>\n</ol>", "- one\n- two"),
        ('<a title="a > b" href="/x">link</a> here', "link here"),
        ('<img alt="x>y" src="i.png">caption', "caption"),
        ("<script>var a = '<b>' ;</script><style>p > b {}</style>body", "body"),
        ("<head><title>T</title></head><body>main</body>", "main"),
        ("Fish &amp; chips &lt;3 &eacute;t&#233; &#x263A;", "Fish & chips <3 été ☺"),
        ("<b>Fish &amp; chips</b>", "Fish & chips"),
        ("line one<br>line two<br/>line three", "line one\nline two\nline three"),
        ("<p>first para</p><p>second</p>", "first para\n\nsecond"),
        ("<div>a</div><div>b</div>", "a\nb"),
        ("<b>never closed", "never closed"),
        ("x &lt;b&gt; y", "x <b> y"),  # escaped markup is text, decoded once
    ],
)
def test_html_parser_cases(markup: str, text: str) -> None:
    assert normalize_text(markup, ["html"]) == text
    df = pl.DataFrame({"t": [markup]})
    assert df.select(normalize_expr(pl.col("t"), ["html"]))["t"][0] == text


def test_html_text_without_tags_is_untouched_by_the_parser() -> None:
    assert normalize_text("x<5 and y>2, a<-b", ["html"]) == "x<5 and y>2, a<-b"
    assert normalize_text("2 < 3 > 1 &amp; done", ["html"]) == "2 < 3 > 1 & done"


_CHANNEL_PIECES = st.sampled_from(
    ["@", "@Brand ", ".@x ", "hi", " ", "\n", "^JS", " *MS", "-JS", "~ Nick", " /BX", "EK",
     "https://a.com/x?email=a@b.co", "https://t.co/abc", "www.x.com/?token=1", "1/2", ".", "。"]
)  # fmt: skip


@settings(max_examples=300)
@given(st.lists(st.lists(_CHANNEL_PIECES, max_size=10).map("".join), max_size=6))
def test_channel_steps_series_path_equals_expression_path(texts: list[str]) -> None:
    """The gates of the channel steps only skip rows the steps would leave unchanged."""
    from curate.ingest.normalize import normalize_series

    s = pl.Series("t", texts, dtype=pl.String)
    steps = ["handles", "agent_signature", "personal_urls"]
    fast = normalize_series(s, steps).to_list()
    slow = pl.DataFrame({"t": s}).select(normalize_expr(pl.col("t"), steps))["t"].to_list()
    assert fast == slow


def test_channel_steps_on_text_fields() -> None:
    text = "@JohnDoe Please see https://shop.example/track?email=a@b.com for the status. *MS"
    steps = ["handles", "agent_signature", "personal_urls"]
    assert normalize_text(text, steps) == "Please see https://shop.example/track for the status."
    assert normalize_text(text) == text  # steps not listed: nothing removed
