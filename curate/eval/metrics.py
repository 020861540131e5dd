"""Task metrics: small functions in a registry, named by a schema's ``[[tasks]] metrics = [...]``.

A metric takes the model's answer and the reference answer and returns a score, or None when it
does not apply to this example (an ICD-10 check on an answer with no code in it). Scores of
``higher`` metrics lie in [0, 1]; ``length_ratio`` is a plain ratio (1.0 is the reference's
length) and is reported, not ranked. ``label`` also feeds per-label precision/recall/F1
(:func:`label_report`). Scoring is pure Python/numpy: the tickets tasks' four metrics score
about 20,000 examples per second on 2 cores (bench/bench_eval.py), so it never limits an
evaluation. chrF (curate/eval/chrf.py) and word counts (curate/eval/words.py) run on the whole
batch at once.

Add a metric with :func:`register`; a schema names it like a rule pack names a rule.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from curate.eval.chrf import chrf_batch
from curate.eval.words import word_counts, words

MetricFn = Callable[[str, str], float | None]


@dataclass(frozen=True)
class Metric:
    """A registered metric: its function, which way is better, and a one-line description."""

    name: str
    fn: MetricFn
    better: Literal["higher", "none"]
    description: str
    batch: Callable[[Sequence[str], Sequence[str]], list[float | None]] | None = None

    def score_all(self, answers: Sequence[str], references: Sequence[str]) -> list[float | None]:
        """Scores of many pairs at once (vectorized where the metric has a batch form)."""
        if self.batch is not None:
            return self.batch(answers, references)
        return [self.fn(a, r) for a, r in zip(answers, references, strict=True)]


REGISTRY: dict[str, Metric] = {}


def register(
    name: str,
    description: str,
    better: Literal["higher", "none"] = "higher",
    batch: Callable[[Sequence[str], Sequence[str]], list[float | None]] | None = None,
) -> Callable[[MetricFn], MetricFn]:
    """Decorator: add ``fn`` to the registry under ``name``."""

    def add(fn: MetricFn) -> MetricFn:
        REGISTRY[name] = Metric(name, fn, better, description, batch)
        return fn

    return add


# -- normalization ------------------------------------------------------------------------------

_PUNCT_EDGES = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)


def normalize_label(text: str) -> str:
    """A label as compared: NFKC, case-folded, outer punctuation and inner runs of spaces gone
    ("Governing Law." == "governing  law")."""
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    return " ".join(_PUNCT_EDGES.sub("", text).split())


# -- exact / label ------------------------------------------------------------------------------


@register("exact", "Answer equals the reference (after label normalization).")
def exact(answer: str, reference: str) -> float:
    return float(normalize_label(answer) == normalize_label(reference))


@register(
    "label",
    "Classification: the answer's labels equal the reference's (one label, or several split "
    "on lines or ';'); also per-label P/R/F1.",
)
def label(answer: str, reference: str) -> float:
    return float(label_set(answer) == label_set(reference))


_LABEL_SPLIT = re.compile(r"[;\n]")
# evidence (may span lines), not labels; a quote left open at the end is an answer cut at the
# generation budget, still evidence
_QUOTED = re.compile(r'"[^"]*(?:"|\Z)|\u201c[^\u201d]*(?:\u201d|\Z)')


def label_set(text: str) -> frozenset[str]:
    """The labels an answer names: its lines or ';'-separated parts, each cut at a ':' (a
    label followed by the quoted language that supports it), normalized; "none" is no label."""
    out = set()
    for part in _LABEL_SPLIT.split(_QUOTED.sub("", text)):
        name = normalize_label(part.split(":", 1)[0])
        if name and name != "none":
            out.add(name)
    return frozenset(out)


def label_counts(
    answers: Sequence[str], references: Sequence[str], labels: Sequence[str]
) -> np.ndarray:
    """Per example and label: [true positive, false positive, false negative] (n x L x 3)."""
    out = np.zeros((len(answers), len(labels), 3), dtype=np.int64)
    at = {lab: j for j, lab in enumerate(labels)}
    for i, (a, r) in enumerate(zip(answers, references, strict=True)):
        pred, gold = label_set(a), label_set(r)
        for lab in pred | gold:
            j = at.get(lab)
            if j is None:
                continue
            out[i, j] = (
                lab in pred and lab in gold,
                lab in pred and lab not in gold,
                lab in gold and lab not in pred,
            )
    return out


def f1_from_counts(counts: np.ndarray) -> np.ndarray:
    """Per-label F1 from summed [tp, fp, fn] rows (L x 3)."""
    tp, fp, fn = counts[:, 0], counts[:, 1], counts[:, 2]
    denom = 2 * tp + fp + fn
    return np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)


def label_report(answers: Sequence[str], references: Sequence[str]) -> dict[str, object]:
    """Per-label precision, recall, F1 and support over the references' labels, plus accuracy
    (label sets equal) and macro F1."""
    labels = sorted({lab for r in references for lab in label_set(r)})
    counts = label_counts(answers, references, labels).sum(axis=0)
    per: dict[str, dict[str, float | int]] = {}
    for j, lab in enumerate(labels):
        tp, fp, fn = (int(x) for x in counts[j])
        per[lab] = {
            "precision": tp / (tp + fp) if tp + fp else 0.0,
            "recall": tp / (tp + fn) if tp + fn else 0.0,
            "f1": float(f1_from_counts(counts[j : j + 1])[0]),
            "support": tp + fn,
        }
    pairs = list(zip(answers, references, strict=True))
    accuracy = sum(label_set(a) == label_set(r) for a, r in pairs) / len(pairs) if pairs else 0.0
    macro = float(f1_from_counts(counts).mean()) if labels else 0.0
    return {"labels": per, "accuracy": accuracy, "macro_f1": macro}


# -- ROUGE-L ------------------------------------------------------------------------------------


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence, bit-parallel (Hyyrö 2004): one big-integer
    step per token of ``a`` instead of a len(a) x len(b) table."""
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, tok in enumerate(b):
        masks[tok] = masks.get(tok, 0) | (1 << i)
    full = (1 << len(b)) - 1
    v = full
    for tok in a:
        m = masks.get(tok)
        if m:
            u = v & m
            v = ((v + u) | (v - u)) & full
    return len(b) - v.bit_count()


# One pair at a time: a batch form (numpy bit-parallel LCS over all pairs) measured no faster,
# since finding and numbering the words (Python strings) costs more than the LCS itself.
@register("rouge_l", "ROUGE-L F1 over lower-cased words (longest common subsequence).")
def rouge_l(answer: str, reference: str) -> float:
    a, r = words(answer), words(reference)
    lcs = lcs_length(a, r)
    if not lcs:
        return 0.0
    precision, recall = lcs / len(a), lcs / len(r)
    return 2 * precision * recall / (precision + recall)


# -- chrF (curate/eval/chrf.py) --------------------------------------------------------------


@register(
    "chrf",
    "chrF: character 1-6-gram F-score (beta 2, spaces removed); robust to word forms.",
    batch=chrf_batch,
)
def chrf(answer: str, reference: str) -> float:
    score = chrf_batch([answer], [reference])[0]
    assert score is not None
    return score


# -- format checks ------------------------------------------------------------------------------

PLACEHOLDER = re.compile(
    r"\[[A-Z][A-Z_]{1,30}\]|\{\{.*?\}\}|<[A-Z][A-Z_]{2,30}>|\bTODO\b|[Ll]orem ipsum"
)


# Each alternative of PLACEHOLDER contains one of these literals: a substring test (C speed)
# skips the regex scan of almost every answer. Keep the two in step (tests/test_eval_metrics.py).
PLACEHOLDER_LITERALS = ("[", "{{", "<", "TODO", "orem ipsum")


def _no_placeholder_batch(answers: Sequence[str], references: Sequence[str]) -> list[float | None]:
    return [
        0.0 if any(x in a for x in PLACEHOLDER_LITERALS) and PLACEHOLDER.search(a) else 1.0
        for a in answers
    ]


@register(
    "no_placeholder",
    "The answer holds no placeholder token ([EMAIL], <NAME>, {{ x }}, TODO, lorem ipsum).",
    batch=_no_placeholder_batch,
)
def no_placeholder(answer: str, reference: str) -> float:
    return 0.0 if PLACEHOLDER.search(answer) else 1.0


SOAP = {
    "subjective": re.compile(r"(?im)^\W*(subjective|s)\s*[:\-]"),
    "objective": re.compile(r"(?im)^\W*(objective|o)\s*[:\-]"),
    "assessment": re.compile(r"(?im)^\W*(assessment|a)\s*[:\-]"),
    "plan": re.compile(r"(?im)^\W*(plan|p)\s*[:\-]"),
}


@register(
    "soap_sections",
    "Share of the reference's SOAP headings (Subjective/Objective/Assessment/Plan) the answer has.",
)
def soap_sections(answer: str, reference: str) -> float | None:
    wanted = [k for k, rx in SOAP.items() if rx.search(reference)]
    if not wanted:
        return None
    return sum(1 for k in wanted if SOAP[k].search(answer)) / len(wanted)


# A code-like token: a letter, two characters, then an optional extension (loose), and the
# ICD-10-CM form it must have: letter (not U), digit, digit or letter, then "." and 1-4 more.
_ICD_LIKE = re.compile(r"\b[A-Z]\d[0-9A-Z](?:[.\s]?[0-9A-Z]{1,4})?\b")
ICD10 = re.compile(r"^[A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?$")


@register(
    "icd10_format",
    "Share of the answer's ICD-10-like codes that are well formed (None: no code in it).",
)
def icd10_format(answer: str, reference: str) -> float | None:
    codes = _ICD_LIKE.findall(answer)
    if not codes:
        return None
    return sum(1 for c in codes if ICD10.match(c)) / len(codes)


def _length_ratio_batch(answers: Sequence[str], references: Sequence[str]) -> list[float | None]:
    a, r = word_counts(answers), word_counts(references)
    ratio = a / np.maximum(r, 1)
    return [float(x) if n else None for x, n in zip(ratio.tolist(), r.tolist(), strict=True)]


@register(
    "length_ratio",
    "Answer length over reference length in words (1.0: as long; reported, not ranked).",
    better="none",
    batch=_length_ratio_batch,
)
def length_ratio(answer: str, reference: str) -> float | None:
    ref = len(words(reference))
    if not ref:
        return None
    return len(words(answer)) / ref


def unknown(names: Sequence[str]) -> list[str]:
    return [n for n in names if n not in REGISTRY]


def known() -> str:
    return ", ".join(sorted(REGISTRY))


def mean(values: Sequence[float | None]) -> float | None:
    got = [v for v in values if v is not None and not math.isnan(v)]
    return sum(got) / len(got) if got else None


__all__ = [
    "REGISTRY",
    "Metric",
    "f1_from_counts",
    "known",
    "label_counts",
    "label_report",
    "label_set",
    "lcs_length",
    "normalize_label",
    "register",
]
