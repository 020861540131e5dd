"""Quality rules: each rule filters what it should (positive) and keeps chat-normal text."""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules.pack import FilterRule, QualityRules
from curate.rules.quality import quality_reasons

TURNS = pl.List(pl.Struct({"role": pl.Utf8, "content": pl.Utf8}))
FIELDS = {"question": "user", "answer": "assistant"}


def reasons(
    q: str, a: str, rules: QualityRules | None = None, filters: list[FilterRule] | None = None
) -> tuple[str | None, str | None]:
    df = pl.DataFrame(
        {"question": [q], "answer": [a], "turns": [[]]}, schema_overrides={"turns": TURNS}
    )
    out = quality_reasons(df, rules or QualityRules(), filters or [], FIELDS)
    return out["reason"][0], out["detail"][0]


@pytest.mark.parametrize(
    ("q", "a", "rule"),
    [
        ("How do I reset my password?", "", "assistant_nonempty"),
        ("Where is my order?", "  where is my ORDER? ", "assistant_not_copy"),
        ("word " * 20, "ok", "max_words"),
        ("Help please", "x" * 60_000, "max_chars"),
        ("@@@ ### $$$ !!! ^^^ *** ~~~", "Sure, we can help.", "min_alpha_ratio"),
        ("abc ### ||| ^^^ ~~~ abc", "Sure, we can help.", "max_symbol_ratio"),
        ("see https://a.example.com/very/long/path?x=1 ok", "Sure.", "max_url_ratio"),
        (
            "buy now\nbuy now\nbuy now\nbuy now\nhi",
            "Sure, we can help.",
            "max_repeated_line_fraction",
        ),
        ("spam spam spam " * 10, "Sure, we can help.", "max_repeated_ngram_fraction"),
        ("I am out of the office until Monday.", "Noted, thanks.", "boilerplate"),
        ("My order", "Hi {customer_name}, your {product_purchased} ships soon.", "placeholders"),
        ("Hello", "a b c d e f g h", "min_mean_word_length"),
        ("Hello", ("x" * 40 + " ") * 3, "max_mean_word_length"),
    ],
)
def test_rule_fires(q: str, a: str, rule: str) -> None:
    rules = QualityRules(max_words=15 if rule == "max_words" else 10_000, min_mean_word_length=1.5)
    got, detail = reasons(q, a, rules)
    assert got == rule
    assert detail


@pytest.mark.parametrize(
    ("q", "a"),
    [
        ("ok", "thanks!"),
        ("Where is my parcel?", "It ships today :)"),
        ("My email is a@b.co", "We have updated it."),
        ("¿Dónde está mi pedido?", "Llega mañana."),
        ("注文はどこですか", "明日届きます"),
    ],
)
def test_chat_normal_text_passes(q: str, a: str) -> None:
    assert reasons(q, a) == (None, None)


def test_first_failing_rule_wins_and_disable() -> None:
    q = "out of office " * 30
    assert reasons(q, "ok")[0] == "max_repeated_ngram_fraction"
    assert (
        reasons(q, "ok", QualityRules(disable=["max_repeated_ngram_fraction"]))[0] == "boilerplate"
    )


def test_details_name_field_and_threshold() -> None:
    _, detail = reasons("Hello", "x", QualityRules(min_chars=3))
    assert detail == "answer: 1 chars < 3"


def test_custom_filter_on_sides() -> None:
    zorp = [FilterRule(name="no_zorp", pattern="(?i)zorp", sides=["assistant"])]
    assert reasons("Zorp ipsum?", "Sure.", filters=zorp)[0] is None
    assert reasons("Hi", "Zorp dolor", filters=zorp) == ("no_zorp", "answer: matches (?i)zorp")


def test_turns_are_judged_per_side() -> None:
    df = pl.DataFrame(
        {
            "turns": [
                [
                    {"role": "user", "content": "ok"},
                    {"role": "assistant", "content": "Glad to help!"},
                ],
                [{"role": "user", "content": "Hello?"}, {"role": "user", "content": "Anyone?"}],
                [],
            ]
        },
        schema={"turns": TURNS},
    )
    out = quality_reasons(df, QualityRules(), [], {})
    assert out["reason"].to_list() == [None, "assistant_nonempty", None]
