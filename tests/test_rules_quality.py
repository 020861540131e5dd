"""Quality rules: each rule filters what it should (positive) and keeps chat-normal text."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

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


def _reference_ngram_fraction(text: str, n: int) -> float:
    """Plain Python: the share of word n-grams (lower-case, whitespace-split) seen before."""
    words = text.lower().split()
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    return 1 - len(set(grams)) / len(grams) if grams else 0.0


def test_repeated_ngrams_matches_plain_python() -> None:
    import random

    from curate.rules.quality import repeated_ngrams

    rng = random.Random(7)
    vocab = ["a", "b", "refund", "Order", "ORDER", "é", "wifi", "x"]
    texts = ["", "one", "a b", "a b c", "spam " * 9, "a b c a b c a b c"]
    texts += [" ".join(rng.choice(vocab[: rng.randint(1, 8)]) for _ in range(k)) for k in range(80)]
    texts = [" ".join(t.split()) for t in texts]  # what _metrics passes: collapsed, stripped
    for n in (1, 2, 3, 5):
        got = repeated_ngrams(pl.Series(texts).str.to_lowercase().str.split(" "), n)
        want = [_reference_ngram_fraction(t, n) for t in texts]
        assert got.tolist() == pytest.approx(want)


def test_ngram_rule_decisions_match_the_plain_definition() -> None:
    """Every segment long enough for the rule is measured exactly (no bound shortcut can
    change a decision): a text fails exactly when its plain-Python fraction is over."""
    import random

    rng = random.Random(3)
    rules = QualityRules(max_repeated_ngram_fraction=0.3, ngram_size=3)
    for _ in range(60):
        vocab = [f"w{i}" for i in range(rng.randint(2, 30))]
        q = " ".join(rng.choice(vocab) for _ in range(rng.randint(0, 60)))
        got, detail = reasons(q, "Sure, we can help with that.", rules)
        n_words = len(q.split())
        over = n_words - 2 >= 6 and _reference_ngram_fraction(q, 3) > 0.3
        assert (got == "max_repeated_ngram_fraction") == over, (q, got, detail)


# -- the byte-level counts (numpy) against the regex definitions (Polars, Unicode rules) --

PIECES = [
    *"aZqQ09.,!?$@#'-/",
    "the",
    "The",
    "THE",
    "spam",
    "SPAM",
    "out",
    "office",
    "é",
    "É",
    "ß",
    "Σ",
    "ΟΔΟΣ",
    "日本",
    "😀",
    "\x00",
    "\x07",
    "\x7f",
    "x" * 12,
]
SEPARATORS = [
    " ",
    " ",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\x0b",
    "\x0c",
    "\u00a0",
    "\u2003",
    "\u3000",
    "\x85",
]


@st.composite
def texts(draw: st.DrawFn) -> str:
    """Texts of words and separators: most ASCII with single spaces, some with any
    whitespace (collapsed first), some with non-ASCII characters (regex path)."""
    words = draw(st.lists(st.sampled_from(PIECES), max_size=40))
    if draw(st.booleans()):
        return " ".join(w for w in words if w.isascii() and w.isprintable())
    seps = draw(
        st.lists(st.sampled_from(SEPARATORS), min_size=len(words) + 1, max_size=len(words) + 1)
    )
    return "".join(s + w for s, w in zip(seps, [*words, ""], strict=True))


def _regex_metrics(col: pl.Series) -> dict[str, list[int]]:
    """The definitions: counts on the whitespace-collapsed text, by Polars regexes."""
    from curate.rules.quality import UNSPACED, UNSPACED_TOKEN

    norm = col.str.replace_all(r"\s{2,}|[^\S ]", " ").str.strip_chars(" ")
    spaced = [0 if not t else len(t.split(" ")) for t in norm.to_list()]
    nonspace = [len(t) - max(w - 1, 0) for t, w in zip(norm.to_list(), spaced, strict=True)]
    # scripts without spaces (Japanese...): each character is a word
    tokens = norm.str.count_matches(UNSPACED_TOKEN).to_list()
    unspaced = norm.str.contains(UNSPACED).to_list()
    words = [t if u else w for w, t, u in zip(spaced, tokens, unspaced, strict=True)]
    nonletters = col.str.count_matches(r"[^\p{L}\s]").to_list()
    return {
        "chars": col.str.len_chars().to_list(),
        "words": words,
        "nonspace": nonspace,
        "letters": [s - k for s, k in zip(nonspace, nonletters, strict=True)],
    }


@given(st.lists(texts(), min_size=1, max_size=12), st.lists(texts(), min_size=1, max_size=12))
def test_byte_counts_match_the_regex_definitions(first: list[str], second: list[str]) -> None:
    from curate.rules.quality import _metrics

    rows = max(len(first), len(second))
    segs = pl.DataFrame(
        {"a": (first * rows)[:rows], "b": (second * rows)[:rows]},
        schema={"a": pl.Utf8, "b": pl.Utf8},
    )
    got = _metrics(segs, QualityRules(), ["out of office"])
    for c in segs.columns:
        want = _regex_metrics(segs[c])
        for key, values in want.items():
            assert got[c][key].tolist() == values, (c, key)
        norm = segs[c].str.replace_all(r"\s{2,}|[^\S ]", " ").str.strip_chars(" ")
        found = norm.str.contains_any(["out of office"], ascii_case_insensitive=True)
        assert got[c]["boilerplate"].tolist() == found.to_list()


@given(st.lists(st.sampled_from(["a", "A", "b", "B", "ab", "Ab", "c", "abc", "ABC"]), max_size=60))
def test_ngram_bound_never_exceeds_the_distinct_ngrams(words: list[str]) -> None:
    """The bound that lets a row skip the exact count must be a lower bound, case folded."""
    from curate.rules.quality import _ngram_lower_bound, _scan

    texts_ = [" ".join(words), " ".join(reversed(words)), "", " ".join(words[:5])]
    for n in (1, 2, 3, 5):
        # every row, or some (only those get a table; the others share one left uncounted)
        for rows in (None, [0], [1, 3], [0, 2, 3]):
            scan = _scan(pl.Series(texts_))
            bound = _ngram_lower_bound(scan, n, None if rows is None else np.array(rows))
            which = range(len(texts_)) if rows is None else rows
            assert len(bound) == len(which)
            for r, b in zip(which, bound.tolist(), strict=True):
                low = texts_[r].lower().split()
                distinct = len({tuple(low[i : i + n]) for i in range(len(low) - n + 1)})
                assert b <= distinct, (texts_[r], n, rows)


@pytest.mark.parametrize("sep", [" ", "  ", "\t", "\n", "\u00a0", " \r\n "])
@pytest.mark.parametrize("case", [str.lower, str.upper, str.title])
def test_ngram_rule_with_case_and_whitespace(sep: str, case: Callable[[str], str]) -> None:
    """Words differing only in case are one word to the n-gram rule, whatever separates
    them: 2 distinct bigrams of 15 (0.87) fails, the 4 of case-sensitive words (0.73) would not."""
    rules = QualityRules(
        max_repeated_ngram_fraction=0.8, ngram_size=2, disable=["max_repeated_line_fraction"]
    )
    words = ["the", "office"] * 8
    spam = sep.join(case(w) if i // 2 % 2 else w for i, w in enumerate(words))
    assert reasons(spam, "Sure, we can help with that.", rules)[0] == "max_repeated_ngram_fraction"
    plain = "please reset my router password before the next billing week"
    fine = sep.join(case(w) for w in plain.split(" "))
    assert reasons(fine, "Sure, we can help with that.", rules) == (None, None)


def test_boilerplate_folds_ascii_case_only() -> None:
    assert reasons("OUT  OF\nOFFICE today", "Noted.")[0] == "boilerplate"
    # KELVIN SIGN lower-cases to "k" but is not ASCII: contains_any's folding does not match it
    rules = QualityRules(extra_boilerplate_phrases=["kind regards"])
    assert reasons("\u212aind regards, Ana", "Noted.", rules) == (None, None)
    assert reasons("KIND regards, Ana", "Noted.", rules)[0] == "boilerplate"


# -- per script and per role (issue 19: real drops on the support files) ---------------------


def chat_reasons(user: str, assistant: str) -> tuple[str | None, str | None]:
    """The quality verdict on one exchange held as turns (as thread layouts make it)."""
    turns = [[{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]]
    df = pl.DataFrame({"turns": turns}, schema={"turns": TURNS})
    out = quality_reasons(df, QualityRules(), [], {})
    return out["reason"][0], out["detail"][0]


JAPANESE_ANSWERS = [  # twcs_random5000.csv: Amazon JP answers, all 7 dropped before
    "ご心配をおかけしております。メール便の場合はポストに投函して配達完了となります。"
    "ポストをご確認いただいても問題が解決しない場合は、カスタマーサービスまでお問い合わせください。",
    "ご迷惑をおかけしております。カスタマーサービスにお問い合わせ頂いたとの事ですね。"
    "そのようにご案内があったのであれば、何らかの理由で返金処理が滞っている事が考えられますので、お待ち下さい。",
    "失礼いたします、Amazonです。 Amazonプライムは、初入会時に1ｹ月の無料体験期間があり、それ以降は、"
    "年間プラン3,900円または月間プラン400円でご利用いただけます。",
]


@pytest.mark.parametrize("answer", JAPANESE_ANSWERS)
def test_japanese_answers_pass_mean_word_length(answer: str) -> None:
    """Japanese has no spaces between words: each character is a word, not one 60-letter one."""
    assert chat_reasons("注文した商品が届きません。", answer) == (None, None)


def test_unspaced_script_words_are_characters() -> None:
    from curate.rules.quality import _metrics

    segs = pl.DataFrame({"a": ["お問い合わせ ください。 OK"]})
    m = _metrics(segs, QualityRules())["a"]
    assert m["words"].tolist() == [len("お問い合わせください") + 2]  # + "。" and "OK"


ARCHIVE = "https://web.archive.org/web/20200406225456/https://www.apple.com/support/systemstatus"


def test_help_link_answer_passes_url_ratio_on_the_assistant_side() -> None:
    """IBM: 'Please refer to: <archive link>' is an answer; the link counts as one reference."""
    assert chat_reasons("My iTunes won't load", f"Please refer to: {ARCHIVE}") == (None, None)
    assert chat_reasons("Still broken", f"Please try this: {ARCHIVE}") == (None, None)


def test_link_only_turns_still_fail_url_ratio() -> None:
    assert chat_reasons("help", ARCHIVE)[0] == "max_url_ratio"  # an answer that is only a link
    # the user side is judged on the whole address: link spam stays spam
    reason, detail = chat_reasons(f"see {ARCHIVE}", "We can help with that, what happened?")
    assert reason == "max_url_ratio" and (detail or "").startswith("user turns: URL ratio")


@pytest.mark.parametrize(
    "text",
    [
        "I tried to file a claim; the adjuster said you should be out of the office within an hour",
        "While we don't have an out of office option, we do have a Do Not Disturb feature.",
    ],
)
def test_out_of_office_as_words_is_not_boilerplate(text: str) -> None:
    assert chat_reasons(text, "Thanks, we will look into it right away.") == (None, None)


@pytest.mark.parametrize(
    "text",
    [
        "I am out of the office until Monday with limited access to e-mail.",
        "Out of Office: back on the 4th",
        "I'm currently out of office.",
    ],
)
def test_auto_reply_forms_are_boilerplate(text: str) -> None:
    assert chat_reasons("Any update on my ticket?", text)[0] == "boilerplate"


def test_auto_reply_prefilter_finds_what_the_regex_finds() -> None:
    # _auto_replies searches AUTO_REPLY only in texts holding "office" (any ASCII case): it
    # must find exactly what the regex alone finds, on every text, nulls included
    from curate.rules.quality import AUTO_REPLY, _auto_replies

    texts = pl.Series(
        [
            "I am out of the office until Monday.",
            "OUT OF OFFICE: back on the 4th",
            "re:   Out  of  Office",
            "i'll be\tout of the OFFICE",
            "we're now out of office returning Tuesday",
            "out of offíce until Monday",  # an accented i: neither finds it
            "the office is closed",
            None,
            "",
            "ǅ out of office from today",
            "nothing here at all",
        ]
    )
    expected = texts.str.contains(AUTO_REPLY).fill_null(False).to_numpy()
    assert expected.sum() == 6
    assert _auto_replies(texts).tolist() == expected.tolist()
