"""The name and word lists are package data: regenerating them gives the shipped files, and
the loaders read what the files say."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from curate.rules.pii import words

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "curate" / "rules" / "data"
REALDATA = ROOT.parent / "shared" / "realdata"
LISTS = ("first_names.txt", "last_names.txt", "common_words.txt")


def _make_names() -> ModuleType:
    path = ROOT / "tests" / "data" / "rules" / "make_names.py"
    spec = importlib.util.spec_from_file_location("make_names", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # ~2-4 s: counts the words of 205 text files
def test_regenerating_the_name_lists_gives_the_shipped_files(tmp_path: Path) -> None:
    names = pytest.importorskip("names", reason="the census files: pip install names==0.3.0")
    make = _make_names()
    missing = [p for p in make.sources(REALDATA) if not p.is_file()]
    if missing:
        pytest.skip(f"{len(missing)} source texts missing under {REALDATA}, e.g. {missing[0]}")
    make.main(Path(names.__file__).parent, REALDATA, tmp_path)
    for fname in LISTS:
        assert (tmp_path / fname).read_bytes() == (DATA / fname).read_bytes(), fname


def test_name_lists_are_sorted_utf8_one_entry_a_line() -> None:
    for fname in LISTS:
        lines = (DATA / fname).read_bytes().decode("utf-8").split("\n")
        assert lines[-1] == ""  # ends with a newline
        entries = [line for line in lines[:-1] if not line.startswith("#")]
        assert entries == sorted(set(entries)) and all(e and e == e.strip() for e in entries)


def test_loaders_read_the_data_files() -> None:
    assert len(words.first_names()) == 2557 and "Mary" in words.first_names()
    assert len(words.last_names()) == 6000 and "Smith" in words.last_names()
    assert len(words.common_words()) == 6000 and "price" in words.common_words()
    assert {"Will", "Bill"}.isdisjoint(words.first_names())  # common words
    lists = tomllib.loads((DATA / "pii_words.toml").read_text(encoding="utf-8"))
    for key, entries in lists.items():
        assert words.word_list(key) == frozenset(entries), key
        assert entries == [e.lower() for e in entries], key
    expected = {*lists["not_names"], *lists["labels"], *lists["utterance_words"]}
    assert words.not_names() == expected
    assert {"parkinson", "crohn"} <= words.word_list("eponyms")
    assert words.bytes_list("header_fields") == {w.encode() for w in lists["header_fields"]}


def test_the_lists_are_read_once() -> None:
    assert words.first_names() is words.first_names()
    assert words.word_list("microbes") is words.word_list("microbes")
