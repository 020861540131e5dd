"""detect_languages sets its columns per batch (issue 18 speed): the same labels and scores as
text by text, and as the per-text rule it implements (a label below ``min_score`` or in a
script its language is not written in is ``unknown``; too few letters: no call, no score)."""

from __future__ import annotations

import polars as pl

from curate.rules.langid import (
    UNKNOWN,
    _fasttext_model,
    detect_languages,
    script_mismatch,
)

TEXTS = [
    "Hello, my order has not arrived yet and I would like a refund please.",
    "Bonjour, ma commande n'est pas encore arrivée, je voudrais un remboursement.",
    "Hola, mi pedido no ha llegado todavía y quisiera un reembolso por favor.",
    "日本語のテキストです。これは日本語の文章です。",
    "ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ ᎠᏍᎦᏯ ᎠᏍᎦᏯ ᎠᏍᎦᏯ ᎠᏍᎦᏯ",  # Cherokee: no language of the model
    "ok thx",  # too few letters
    "",
    None,
    "1234 5678 !!!! ???? 99",
    "asdf qwer zxcv uiop hjkl",  # the model is not sure
    "Line one\nline two\ranother line\fand more words in English here",
]


def _reference(
    texts: list[str | None], min_score: float, min_letters: int, max_chars: int
) -> list[tuple[str, float | None]]:
    """Text by text, the rule written out (a model call per text)."""
    model = _fasttext_model()
    out: list[tuple[str, float | None]] = []
    for t in texts:
        line = (t or "")[:max_chars]
        for c in "\n\r\v\f":
            line = line.replace(c, " ")
        if sum(ch.isalpha() for ch in line) < max(min_letters, 1):
            out.append((UNKNOWN, None))
            continue
        labels, probs = model.predict(pl.Series([line.lower()]))
        bad = script_mismatch(pl.Series([line]), labels)[0]
        score = float(probs[0])
        out.append((labels[0] if score >= min_score and not bad else UNKNOWN, round(score, 4)))
    return out


def test_batch_labels_and_scores_are_the_text_by_text_ones() -> None:
    for min_score, min_letters, max_chars in ((0.4, 12, 100), (0.9, 3, 40)):
        kw = {"min_score": min_score, "min_letters": min_letters, "max_chars": max_chars}
        got = detect_languages(pl.Series(TEXTS, dtype=pl.Utf8), **kw)  # type: ignore[arg-type]
        assert got.schema == pl.Schema({"language": pl.Utf8, "language_score": pl.Float64})
        one_by_one = [
            detect_languages(pl.Series([t], dtype=pl.Utf8), **kw).row(0)  # type: ignore[arg-type]
            for t in TEXTS
        ]
        assert got.rows() == one_by_one
        assert got.rows() == _reference(TEXTS, min_score, min_letters, max_chars)


def test_labels_and_the_unknown_cases() -> None:
    got = detect_languages(pl.Series(TEXTS, dtype=pl.Utf8))
    langs, scores = got["language"].to_list(), got["language_score"].to_list()
    assert langs[:4] == ["en", "fr", "es", "ja"]
    assert langs[4] == UNKNOWN and scores[4] is not None  # called, then its script rules it out
    assert langs[5:9] == [UNKNOWN] * 4 and scores[5:9] == [None] * 4  # never called
    assert all(s is None or s == round(s, 4) for s in scores)


def test_an_empty_batch() -> None:
    got = detect_languages(pl.Series([], dtype=pl.Utf8))
    assert got.height == 0 and got.columns == ["language", "language_score"]
