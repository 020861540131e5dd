"""Every registered metric on hand-checked pairs, the per-label report, the paired bootstrap,
task attribution, and the prompt baseline file formats."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from curate.errors import UsageError
from curate.eval.bootstrap import paired_mean, paired_statistic
from curate.eval.examples import load_prompt_baseline, task_of
from curate.eval.metrics import REGISTRY, label_report, label_set, lcs_length
from curate.eval.summary import score_rows, summarize
from curate.schema import load_schema


def score(name: str, answer: str, reference: str) -> float | None:
    return REGISTRY[name].score_all([answer], [reference])[0]


def test_every_registered_metric_is_tested_here() -> None:
    assert sorted(REGISTRY) == sorted(CASES)


CASES: dict[str, list[tuple[str, str, float | None]]] = {
    "exact": [("Governing Law.", "governing  law", 1.0), ("Law", "Governing Law", 0.0)],
    "label": [
        ("Exclusivity", "exclusivity", 1.0),
        ('Non-compete: "shall not compete"\nExclusivity', "Exclusivity; Non-Compete", 1.0),
        ("Exclusivity", "Exclusivity; Non-compete", 0.0),
        ("None", "none", 1.0),
    ],
    # LCS of [the cat sat on the mat] and [the cat is on the mat] is 5: P = R = 5/6
    "rouge_l": [("the cat sat on the mat", "The cat is on the mat", 5 / 6), ("x", "y", 0.0)],
    # identical strings score 1; "ab" vs "abc": 1-grams P=1 R=2/3, 2-grams P=1 R=1/2
    "chrf": [
        ("a b c", "abc", 1.0),
        ("ab", "abc", 5 * 1 * (7 / 12) / (4 * 1 + 7 / 12)),
        ("xyz", "abc", 0.0),
    ],
    "no_placeholder": [
        ("Write to [EMAIL] today", "", 0.0),
        ("Hello {{ name }}", "", 0.0),
        ("Dear <NAME>,", "", 0.0),
        ("Send it to the [main] office", "", 1.0),
        ("All done.", "", 1.0),
    ],
    "soap_sections": [
        ("Subjective: x\nAssessment: y", "S: a\nO: b\nA: c\nP: d", 0.5),
        ("anything", "no headings here", None),
    ],
    "icd10_format": [
        ("Dx E11.9 and I10", "", 1.0),
        ("Dx U07.1 and E11.9", "", 0.5),
        ("none", "", None),
    ],
    "length_ratio": [("one two three", "one", 3.0), ("a", "", None)],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_metric_values(name: str) -> None:
    for answer, reference, expected in CASES[name]:
        got = score(name, answer, reference)
        if expected is None:
            assert got is None, (answer, reference)
        else:
            assert got == pytest.approx(expected), (answer, reference)


def test_lcs_matches_the_table_algorithm() -> None:
    rng = np.random.default_rng(0)

    def table(a: list[str], b: list[str]) -> int:
        t = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
        for i, x in enumerate(a):
            for j, y in enumerate(b):
                t[i + 1][j + 1] = t[i][j] + 1 if x == y else max(t[i][j + 1], t[i + 1][j])
        return t[-1][-1]

    for _ in range(200):
        a = list(rng.choice(list("abcd"), size=rng.integers(0, 15)))
        b = list(rng.choice(list("abcd"), size=rng.integers(0, 15)))
        assert lcs_length(a, b) == table(a, b)


def test_chrf_batch_equals_one_at_a_time() -> None:
    answers = ["the refund is issued", "", "hello world", "Reset the router."]
    refs = ["refund issued today", "x", "hello world", "Please reset your router"]
    batch = REGISTRY["chrf"].score_all(answers, refs)
    single = [REGISTRY["chrf"].fn(a, r) for a, r in zip(answers, refs, strict=True)]
    assert batch == pytest.approx(single) and batch[2] == 1.0 and batch[1] == 0.0


def test_label_report_per_label_precision_recall_f1() -> None:
    got = label_report(["A", "A", "B", "C"], ["A", "B", "B", "B"])
    labels = got["labels"]
    assert isinstance(labels, dict)
    assert labels["a"] == {
        "precision": 0.5,
        "recall": 1.0,
        "f1": pytest.approx(2 / 3),
        "support": 1,
    }
    assert labels["b"] == {
        "precision": 1.0,
        "recall": pytest.approx(1 / 3),
        "f1": 0.5,
        "support": 3,
    }
    assert got["accuracy"] == 0.5 and got["macro_f1"] == pytest.approx((2 / 3 + 0.5) / 2)
    assert label_set('Uncapped liability: "no cap"\nNone') == {"uncapped liability"}
    # a ';' inside the quoted evidence is no label separator
    assert label_set('Audit rights: "books; records;\nand accounts"\nInsurance: "a; b"') == {
        "audit rights",
        "insurance",
    }
    # an answer cut inside its quote (max_new_tokens): the open quote's ';' names no label
    assert label_set('Cap on liability: "In no event shall; provided that the total') == {
        "cap on liability"
    }


def test_bootstrap_is_seeded_and_brackets_the_difference() -> None:
    rng = np.random.default_rng(1)
    base = rng.random(200).tolist()
    better = [b + 0.1 + 0.05 * rng.standard_normal() for b in base]
    one = paired_mean(better, base, seed=3)
    assert one is not None and one == paired_mean(better, base, seed=3)
    assert one.low <= one.diff <= one.high and one.low > 0 and one.verdict == "better"
    assert one.diff == pytest.approx(0.1, abs=0.02) and one.p_better == 1.0
    same = paired_mean(base, base)
    assert same is not None and same.low == same.high == 0 and same.verdict == "no clear difference"
    worse = paired_mean(base, better)
    assert worse is not None and worse.verdict == "worse"
    # None (metric did not apply) drops the pair; nothing left: no comparison
    assert paired_mean([None, 1.0], [0.0, None]) is None
    stat = paired_statistic(10, lambda idx: (float(len(idx)), 0.0), resamples=100)
    assert stat is not None and stat.diff == stat.low == stat.high == 10
    # one example resamples to a zero-width interval: no verdict on it (the demo's table said
    # "better" for a task with 1 val example)
    tiny = paired_mean([0.9, 0.8], [0.1, 0.2])
    assert tiny is not None and tiny.low > 0 and tiny.verdict == "too few examples"


def test_summary_per_task_with_label_macro_f1_and_wins(tmp_path: Path) -> None:
    rows = [
        {
            "line": i,
            "task": "cls",
            "prompt": "p",
            "reference": ref,
            "answers": {"base": b, "tuned": t},
            "loss": {"base": [2.0, 1], "tuned": [1.0, 1]},
        }
        for i, (ref, b, t) in enumerate(
            [("A", "B", "A"), ("B", "B", "B"), ("A", "B", "A"), ("B", "B", "A"), ("B", "B", "B")]
        )
    ]
    metrics = {"cls": ["label"]}
    score_rows(rows, metrics)
    task = summarize(rows, metrics, resamples=200)["cls"]
    assert task["systems"]["tuned"]["metrics"]["label"] == 0.8
    assert task["systems"]["base"]["metrics"]["label"] == 0.6
    assert task["systems"]["tuned"]["loss"] == 1.0
    cmp = task["comparisons"]["tuned_vs_base"]
    assert cmp["label"]["diff"] == pytest.approx(0.2) and cmp["loss"]["verdict"] == "better"
    assert cmp["macro_f1"]["diff"] == pytest.approx(
        task["systems"]["tuned"]["labels"]["macro_f1"]
        - task["systems"]["base"]["labels"]["macro_f1"]
    )
    wins = task["wins_losses"]
    assert [w["line"] for w in wins["wins"]] == [0, 2] and [w["line"] for w in wins["losses"]] == [
        3
    ]


def test_task_of_reads_metadata_then_the_templates() -> None:
    schema = load_schema("contracts")
    tasks = list(schema.tasks)

    def line(system: str, user: str, meta: str | None = None) -> dict[str, object]:
        obj: dict[str, object] = {
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
                {"role": "assistant", "content": "x"},
            ]
        }
        if meta:
            obj["metadata"] = {"id": meta}
        return obj

    assert task_of(line("s", "u", "r1:section_heading"), tasks) == "section_heading"
    assert (
        task_of(line("You are a contracts analyst.", "What type of clause is this?\n\nX"), tasks)
        == "classify_clause"
    )
    assert (
        task_of(
            line(
                "You are a contracts analyst.", "Write the heading of this contract section.\n\nY"
            ),
            tasks,
        )
        == "section_heading"
    )
    tickets = list(load_schema("tickets").tasks)
    convo = {
        "messages": [
            {"role": "user", "content": "a"},
            {"role": "assistant", "content": "b"},
            {"role": "user", "content": "c"},
            {"role": "assistant", "content": "d"},
        ]
    }
    assert task_of(convo, tickets) == "conversation"


def test_prompt_baseline_text_and_few_shot_files(tmp_path: Path) -> None:
    text = tmp_path / "p.txt"
    text.write_text("Be brief.\n")
    msgs = ({"role": "system", "content": "own"}, {"role": "user", "content": "q"})
    assert load_prompt_baseline(text).apply(msgs) == (
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "q"},
    )
    shots = tmp_path / "shots.jsonl"
    shots.write_text(
        json.dumps(
            {
                "messages": [
                    {"role": "user", "content": "q1"},
                    {"role": "assistant", "content": "a1"},
                ]
            }
        )
        + "\n"
    )
    assert load_prompt_baseline(shots).apply(msgs) == (
        {"role": "system", "content": "own"},
        {"role": "user", "content": "q1"},
        {"role": "assistant", "content": "a1"},
        {"role": "user", "content": "q"},
    )
    with pytest.raises(UsageError, match="no such file"):
        load_prompt_baseline(tmp_path / "missing.txt")
    (tmp_path / "empty.txt").write_text(" \n")
    with pytest.raises(UsageError, match="is empty"):
        load_prompt_baseline(tmp_path / "empty.txt")
