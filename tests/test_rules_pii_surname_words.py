"""Census surnames that are common words ("Young", "Key"): a generated list, read by the name
checks after a census given name (names._surname_word)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine, words
from tests.test_rules_names_data import DATA, REALDATA, _make_names

FILE = "surnames_as_words.txt"
DEFAULT = PiiEngine(load_rule_pack("default").pii)


@pytest.mark.slow  # ~2-4 s: counts the words of the source texts
def test_regenerating_gives_the_shipped_surname_words(tmp_path: Path) -> None:
    names = pytest.importorskip("names", reason="the census files: pip install names==0.3.0")
    make = _make_names()
    missing = [p for p in make.sources(REALDATA) if not p.is_file()]
    if missing:
        pytest.skip(f"{len(missing)} source texts missing under {REALDATA}, e.g. {missing[0]}")
    make.main(Path(names.__file__).parent, REALDATA, tmp_path)
    assert (tmp_path / FILE).read_bytes() == (DATA / FILE).read_bytes()


def test_the_list_is_loaded_and_holds_no_census_surname() -> None:
    w = words.load()
    assert {"Young", "White", "Key"} <= w.surname_words
    assert not w.surname_words & w.last_names  # those are common words, the others not
    assert "Best" not in w.surname_words  # "Thanks Maria Best regards"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Compared Care songwriter Zoe Young employs corporate lingo",
            "Compared Care songwriter [PERSON] employs corporate lingo",
        ),
        ("I met Maria Young yesterday", "I met [PERSON] yesterday"),
        ("Kate White called", "[PERSON] called"),
        ("Young people like it", "Young people like it"),
        ("Thanks Maria Best regards", "Thanks [PERSON] Best regards"),
    ],
)
def test_a_surname_that_is_a_word_after_a_census_given_name(text: str, expected: str) -> None:
    assert str(DEFAULT.scan(pl.Series([text])).placeholders()[0]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a census surname that is an eponym or a contract's term too, after a census given
        # name (issue 18, bench_pii_unseen's partial finds): the whole name
        ("Erika Bond listed his songs", "[PERSON] listed his songs"),
        ("film directed by Justine Fowler and more", "film directed by [PERSON] and more"),
        # a brand's stays out: "Maria" only
        ("Thanks Maria Chase will call", "Thanks [PERSON] Chase will call"),
    ],
)
def test_a_surname_that_is_a_term_after_a_given_name(text: str, expected: str) -> None:
    engine = PiiEngine(load_rule_pack("default").pii)
    assert str(engine.scan(pl.Series([text])).placeholders()[0]) == expected
