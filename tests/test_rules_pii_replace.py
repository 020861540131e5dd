"""The ``pseudonym`` and ``surrogate`` redaction styles (issue 18 item 3): one person, one
number or one fake name within a record; dates moved by one offset per record; never a marker
character in the output; the same output whatever batch a record comes in."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine
from curate.rules.pii.replace import Entities, shift_date
from curate.rules.pii.words import load

MARKERS = re.compile("[\U000f0000-\U000ffffd]")
ENGINE = PiiEngine(load_rule_pack("strict").pii)


def _scan(texts: list[str], groups: list[int] | None = None):  # type: ignore[no-untyped-def]
    return ENGINE.scan(pl.Series(texts), groups, keep_values=True, parallel=False)


def test_pseudonym_numbers_one_person_once_however_written() -> None:
    """A speaker's full name, the surname alone and the name in capitals are one person
    (before: "John Okafor" was [PERSON_1] and "Okafor" [PERSON_2])."""
    texts = ["Dr. John Okafor called about the results.", "Okafor will call back. JOHN OKAFOR"]
    out = _scan(texts, [0, 0]).pseudonyms().to_list()
    assert out == [
        "Dr. [PERSON_1] called about the results.",
        "[PERSON_1] will call back. [PERSON_1]",
    ]


def test_a_spread_name_is_not_wrapped_again_inside_a_longer_one() -> None:
    """The stray U+FFFFD of issue 18: "John Okafor" spread to the second text, then "Okafor"
    inside it, nested; the pseudonyms read "[PERSON_2] [PERSON_3]\U000ffffd"."""
    texts = ["Dr. John Okafor called.", "Then John Okafor left."]
    scan = _scan(texts, [0, 0])
    assert scan.spans(1) == [(5, 16, "person")]
    assert scan.pseudonyms().to_list() == ["Dr. [PERSON_1] called.", "Then [PERSON_1] left."]


def test_entities_merge_only_names_that_are_part_of_one_another() -> None:
    ents = Entities()
    a, b = ents.of("person", "Maria Lopez"), ents.of("person", "Lopez's")
    c, d = ents.of("person", "Maria Chen"), ents.of("person", "maria lopez")
    assert a is b is d and c is not a and (a.number, c.number) == (1, 2)
    assert ents.of("phone", "555-1234").number == 1


def test_surrogate_replaces_consistently_within_a_record() -> None:
    texts = [
        "Hi Maria Lopez, call 617-555-1234 or maria.lopez@gmail.com before 2021-03-01.",
        "Lopez confirmed 617-555-1234 on 2021-03-15. MARIA LOPEZ",
    ]
    out = _scan(texts, [0, 0]).surrogates(seed=1).to_list()
    joined = " ".join(out)
    for real in ("Maria", "Lopez", "LOPEZ", "617-555-1234", "maria.lopez@gmail.com", "2021-03"):
        assert real not in joined
    first = re.match(r"Hi (\w+) (\w+),", out[0])
    assert first is not None
    given_name, surname = first.groups()
    words = load()
    assert given_name in words.first_names and surname in words.last_names
    assert out[1].startswith(surname + " confirmed")
    assert out[1].endswith(f"{given_name.upper()} {surname.upper()}")
    phones = re.findall(r"\d{3}-\d{3}-\d{4}", joined)
    assert len(phones) == 2 and phones[0] == phones[1]


def test_surrogate_dates_keep_their_intervals_and_forms() -> None:
    texts = ["Admitted 2021-03-01, seen 03/08/2021 and on March 15, 2021."]
    out = _scan(texts).surrogates(seed=5)[0]
    iso = re.search(r"Admitted (\d{4})-(\d{2})-(\d{2})", out)
    us = re.search(r"seen (\d{2})/(\d{2})/(\d{4})", out)
    named = re.search(r"on ([A-Z][a-z]+) (\d{1,2}), (\d{4})", out)
    assert iso and us and named, out
    a = dt.date(*map(int, iso.groups()))
    b = dt.date(int(us.group(3)), int(us.group(1)), int(us.group(2)))
    c = dt.datetime.strptime(named.group(0)[3:], "%B %d, %Y").date()
    assert a != dt.date(2021, 3, 1)
    assert ((b - a).days, (c - a).days) == (7, 14)


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("2021-03-01", "2021-03-11"),
        ("03/14/1952", "03/24/1952"),
        ("3/4/21", "3/14/21"),
        ("25/12/2020", "4/1/2021"),
        ("March 3, 2021", "March 13, 2021"),
        ("3rd of March 2020", "13th of March 2020"),
        ("12-Mar-2020", "22-Mar-2020"),
        ("MARCH 2020", "MARCH 2020"),
        ("7/22", "8/1"),
        ("20210411", "20210421"),
        ("2023/08/20", "2023/08/30"),
        ("Sept. 3", "Sept. 13"),
        ("the 11th", None),
    ],
)
def test_shift_date_keeps_the_form(value: str, want: str | None) -> None:
    assert shift_date(value, dt.timedelta(days=10)) == want


def test_surrogate_is_deterministic_per_seed_and_falls_back_to_placeholders() -> None:
    texts = ["Dr. Okafor saw me on Tuesday; IBAN DE44500105175407324931 and 2021-03-01"]
    one, again, other = (_scan(texts).surrogates(s)[0] for s in (3, 3, 4))
    assert one == again and one != other
    assert "Okafor" not in one


def test_surrogate_style_is_a_pack_option(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "s.toml"
    path.write_text('name = "s"\n[pii]\nstyle = "surrogate"\nseed = 7\n')
    pii = load_rule_pack(path).pii
    assert (pii.style, pii.seed) == ("surrogate", 7)
    scan = PiiEngine(pii).scan(pl.Series(["Dr. Okafor called."]), keep_values=True)
    assert scan.redacted(pii.style, pii.seed)[0] == scan.surrogates(7)[0]
    assert scan.redacted("pseudonym")[0] == "Dr. [PERSON_1] called."


NAMES = ["John Smith", "Smith", "Maria Lopez", "JOHN", "Dr. Okafor", "Okafor"]
PIECES = st.sampled_from(
    [
        *NAMES,
        "call 617-555-1234",
        "mail a.b@example.org",
        "on 2021-03-01",
        "at 03/14/1952",
        "Hi Anna,",
        "order #12345678",
        "\U000ffffd",
        "\U000f0401x\U000ffffd",
        "the router",
        "@AppleSupport",
        "\n",
    ]
)
RECORD = st.lists(st.lists(PIECES, min_size=1, max_size=8).map(" ".join), min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(records=st.lists(RECORD, min_size=1, max_size=4), seed=st.integers(0, 3))
def test_no_marker_ever_and_the_same_output_alone_or_in_a_batch(
    records: list[list[str]], seed: int
) -> None:
    """Whatever the input (markers in it included), no private-use marker comes out, and a
    record's pseudonyms and surrogates do not depend on the records beside it."""
    texts = [t for r in records for t in r]
    groups = [k for k, r in enumerate(records) for _ in r]
    scan = _scan(texts, groups)
    pseudo, sur = scan.pseudonyms().to_list(), scan.surrogates(seed).to_list()
    assert not any(MARKERS.search(t) for t in pseudo + sur)
    at = 0
    for r in records:
        alone = _scan(r, [0] * len(r))
        assert alone.pseudonyms().to_list() == pseudo[at : at + len(r)]
        assert alone.surrogates(seed).to_list() == sur[at : at + len(r)]
        at += len(r)


@settings(max_examples=40, deadline=None)
@given(names=st.lists(st.sampled_from(NAMES[:3]), min_size=2, max_size=6))
def test_one_name_one_stand_in_within_a_record(names: list[str]) -> None:
    texts = [f"Thanks, {n} called." for n in names]
    out = _scan(texts, [0] * len(texts)).surrogates(1).to_list()
    fake = {}
    for n, o in zip(names, out, strict=True):
        got = o.removeprefix("Thanks, ").removesuffix(" called.")
        assert fake.setdefault(n, got) == got
        assert not re.search(rf"\b{n}\b", o)
