"""The batch forms of the metrics give exactly what their definitions give: chrF's n-gram
matches against a Counter of string slices (both sort paths, chunk edges, any alphabet,
Unicode whitespace) and against sacrebleu's CHRF; word counts against ``words()``; the
placeholder prefilter against the regex."""

from __future__ import annotations

import random
import sys
from collections import Counter

import numpy as np
import pytest

from curate.eval.chrf import chrf_batch, chrf_stats
from curate.eval.metrics import (
    PLACEHOLDER,
    REGISTRY,
    word_counts,
    words,
)

chrf_module = sys.modules["curate.eval.chrf"]  # curate.eval.__init__ re-exports a function


def counter_stats(answer: str, reference: str) -> list[list[int]]:
    """chrF's statistics by its definition: per order, clipped matches and n-gram counts."""
    a, r = "".join(answer.split()), "".join(reference.split())
    rows = []
    for n in range(1, 7):
        ca = Counter(a[i : i + n] for i in range(len(a) - n + 1))
        cr = Counter(r[i : i + n] for i in range(len(r) - n + 1))
        rows.append(
            [
                sum(min(v, cr[g]) for g, v in ca.items()),
                max(len(a) - n + 1, 0),
                max(len(r) - n + 1, 0),
            ]
        )
    return rows


def random_texts(rng: random.Random, alphabet: str, count: int, longest: int) -> list[str]:
    return [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest))) for _ in range(count)
    ]


ALPHABETS = {
    "two letters": "ab",
    "ascii with unicode spaces": "abcdefgh \t\n\u3000\xa0\x1c",
    "1500 CJK characters (column sort)": "".join(chr(0x4E00 + i) for i in range(1500)) + " ",
}


@pytest.mark.parametrize("alphabet", sorted(ALPHABETS))
@pytest.mark.parametrize("packed", [None, False])
def test_chrf_statistics_equal_counting_slices(alphabet: str, packed: bool | None) -> None:
    rng = random.Random(len(alphabet))
    answers = random_texts(rng, ALPHABETS[alphabet], 300, 30)
    refs = random_texts(rng, ALPHABETS[alphabet], 300, 30)
    expected = np.array([counter_stats(a, r) for a, r in zip(answers, refs, strict=True)])
    match, hyp, ref = chrf_stats(answers, refs, packed=packed)
    assert (match == expected[:, :, 0]).all()
    assert (hyp == expected[:, :, 1]).all() and (ref == expected[:, :, 2]).all()


def test_chrf_chunks_split_anywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiny chunks and a 9-bit alphabet (a 9-bit example index per packed key): the chunk
    boundaries fall everywhere, the result is the same."""
    monkeypatch.setattr(chrf_module, "_CHUNK_POSITIONS", 37)
    rng = random.Random(3)
    rare = "".join(chr(0x100 + i) for i in range(300))
    answers = random_texts(rng, "abc ", 1200, 30)
    refs = [
        "".join(rng.choice(rare) if rng.random() < 0.1 else rng.choice("abc") for _ in range(k))
        for k in (rng.randint(0, 30) for _ in range(1200))
    ]
    expected = np.array([counter_stats(a, r) for a, r in zip(answers, refs, strict=True)])
    for packed in (None, True, False):
        match, _, _ = chrf_stats(answers, refs, packed=packed)
        assert (match == expected[:, :, 0]).all(), packed


def test_chrf_equals_sacrebleu_sentence_chrf() -> None:
    sacrebleu = pytest.importorskip("sacrebleu")
    metric = sacrebleu.metrics.CHRF()  # char order 6, beta 2, whitespace removed
    rng = random.Random(5)
    words_ = ["refund", "order", "Router", "reset", "the", "a", "é", "ß", "中文", "x1"]
    answers = [" ".join(rng.choice(words_) for _ in range(rng.randint(1, 12))) for _ in range(400)]
    refs = [" ".join(rng.choice(words_) for _ in range(rng.randint(1, 12))) for _ in range(400)]
    ours = chrf_batch(answers, refs)
    theirs = [metric.sentence_score(a, [r]).score / 100 for a, r in zip(answers, refs, strict=True)]
    assert ours == pytest.approx(theirs, abs=1e-9)


def test_word_counts_equal_words() -> None:
    rng = random.Random(0)
    alphabet = [*"ab _-.\n\x00İßé\u0307١٢中 ", "don't", "e-mail"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    assert word_counts(texts).tolist() == [len(words(t)) for t in texts]
    assert word_counts([]).tolist() == [] and word_counts(["", ""]).tolist() == [0, 0]


def test_no_placeholder_batch_equals_the_regex() -> None:
    rng = random.Random(1)
    parts = [
        "TODO",
        "[EMAIL]",
        "{{ x }}",
        "{{",
        "}}",
        "<NAME>",
        "<b>",
        "[x]",
        "lorem ipsum",
        "a",
        " ",
        "\n",
    ]
    texts = ["".join(rng.choice(parts) for _ in range(rng.randint(0, 6))) for _ in range(3000)]
    got = REGISTRY["no_placeholder"].score_all(texts, texts)
    assert got == [0.0 if PLACEHOLDER.search(t) else 1.0 for t in texts]
    assert 0 < sum(got) < len(texts)
