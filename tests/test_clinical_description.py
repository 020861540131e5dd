"""The clinical summarize_note task (session 14): its target is the note's description field, so
its prompt asks for a short description, never for "one sentence" (MTSamples' descriptions are
one to five short sentences); the note's own sentences MTSamples copied after the description
are left out of the target. Texts are MTSamples' (CC0 as described in its SOURCE.txt)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from curate.export import export
from curate.export.note_format import note_description
from curate.ingest import ingest
from tests.conftest import realdata

THUMB = (
    "Trigger thumb release.  A transverse incision was made over the MPJ crease of the thumb."
    "  Dissection was carried down to the flexor sheath with care taken to identify and protect"
    " the neurovascular bundles."
)
THUMB_NOTE = (
    "PREOPERATIVE DIAGNOSIS:, Trigger thumb.,PROCEDURE:, Trigger thumb release.,DESCRIPTION OF "
    "PROCEDURE:, A transverse incision was made over the MPJ crease of the thumb.  Dissection "
    "was carried down to the flexor sheath with care taken to identify and protect the "
    "neurovascular bundles.  The A1 pulley was divided."
)


@pytest.mark.parametrize(
    ("description", "note", "target"),
    [
        (THUMB, THUMB_NOTE, "Trigger thumb release."),
        (  # a diagnosis and a procedure: both are the description's, both stay
            "Morbid obesity.  Laparoscopic antecolic antegastric Roux-en-Y gastric bypass with EEA anastomosis.  This is a 30-year-old female, who has been overweight for many years.",
            "PROCEDURE: Laparoscopic antecolic antegastric Roux-en-Y gastric bypass with EEA anastomosis. HISTORY: This is a 30-year-old female, who has been overweight for many years.",
            "Morbid obesity. Laparoscopic antecolic antegastric Roux-en-Y gastric bypass with EEA anastomosis.",
        ),
        (  # a narrative sentence the note does not hold is the description's own
            "Penile discharge.  The patient has had multiple catheterizations recently.",
            "HISTORY: A 67-year-old male with penile discharge.",
            "Penile discharge. The patient has had multiple catheterizations recently.",
        ),
        ("Cystoscopy.", "Cystoscopy was performed.", "Cystoscopy."),
    ],
)  # fmt: skip
def test_note_description_leaves_out_the_notes_own_sentences(
    description: str, note: str, target: str
) -> None:
    assert note_description(description, note) == target


def _mtsamples(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["", "description", "medical_specialty", "sample_name", "transcription"])
        w.writerow(["0", THUMB, " Orthopedic", " Trigger Thumb Release", THUMB_NOTE])
    return path


def test_summarize_note_prompt_asks_for_what_the_target_is(tmp_path: Path) -> None:
    src = _mtsamples(tmp_path / "mtsamples.csv")
    ingest([src], "clinical_notes", tmp_path / "ws", rules=None)
    export(tmp_path / "ws", out=tmp_path / "out", val_fraction=0.0)
    rows = [json.loads(x) for x in (tmp_path / "out" / "train.jsonl").read_text().splitlines()]
    assert len(rows) == 1
    user, answer = rows[0]["messages"][1]["content"], rows[0]["messages"][2]["content"]
    assert "one sentence" not in user
    assert user.startswith(
        "Write the short description that heads this Orthopedic note: its diagnosis, "
        "procedure or reason for the visit, in a few short phrases or sentences.\n\n"
    )
    assert answer == "Trigger thumb release."


@pytest.mark.slow
def test_mtsamples_targets_are_descriptions_not_note_excerpts(tmp_path: Path) -> None:
    """On the real MTSamples excerpt: no prompt asks for one sentence, and no target carries a
    narrative sentence copied from its note after the first (70 of 318 did before)."""
    src = realdata("clinical", "mtsamples_first322.csv")
    ingest([src], "clinical_notes", tmp_path / "ws", rules=None)
    export(tmp_path / "ws", out=tmp_path / "out", val_fraction=0.0)
    rows = [json.loads(x) for x in (tmp_path / "out" / "train.jsonl").read_text().splitlines()]
    assert len(rows) >= 300
    for row in rows:
        user, target = row["messages"][1]["content"], row["messages"][2]["content"]
        assert "one sentence" not in user
        note = user.split("\n\n", 1)[1]
        assert note_description(target, note) == target, target
