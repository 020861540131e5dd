"""Which fuzz cases run, in batches, and how a batch reports its failures.

``make test`` runs the first ``DEFAULT`` cases of each family (~300, well under a minute on
two cores); ``make fuzz`` (``CURATE_FUZZ=all``) runs all ``FULL`` (over 1,000). One case:
``CURATE_FUZZ_CASE=json-17``. ``CURATE_FUZZ_LOG=FILE`` appends each failing case as a JSON line
(id, note, rules, problems) for triage.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.fuzz.cases import Case, rng_for
from tests.fuzz.gen_binary import folder_case, single_case
from tests.fuzz.harness import run_case

DEFAULT = {"csv": 72, "json": 54, "jsonl": 40, "parquet": 36, "compressed": 48, "folder": 40}
FULL = {"csv": 270, "json": 200, "jsonl": 150, "parquet": 120, "compressed": 160, "folder": 150}
BATCH = 6


def make_case(family: str, index: int) -> Case:
    rng = rng_for(family, index)
    return folder_case(index, rng) if family == "folder" else single_case(family, index, rng)


def rules_for(index: int) -> str:
    """Half the cases run the default rule pack (language ID, quality, PII), half none."""
    return "default" if index % 2 else "none"


def batches(family: str) -> list[tuple[int, int]]:
    only = os.environ.get("CURATE_FUZZ_CASE", "")
    if only:
        fam, _, idx = only.rpartition("-")
        return [(int(idx), int(idx) + 1)] if fam == family else []
    n = (FULL if os.environ.get("CURATE_FUZZ", "") == "all" else DEFAULT)[family]
    return [(i, min(i + BATCH, n)) for i in range(0, n, BATCH)]


def run_batch(family: str, start: int, stop: int, tmp: Path) -> None:
    failures = []
    for i in range(start, stop):
        case = make_case(family, i)
        problems = run_case(case, tmp / case.id, rules_for(i))
        if problems:
            failures.append(
                f"[{case.id}] {case.note} (rules {rules_for(i)})\n  " + "\n  ".join(problems)
            )
            log = os.environ.get("CURATE_FUZZ_LOG")
            if log:
                entry = {
                    "id": case.id,
                    "note": case.note,
                    "rules": rules_for(i),
                    "problems": problems,
                }
                with open(log, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(entry) + "\n")
    assert not failures, f"{len(failures)} of {stop - start} cases failed:\n" + "\n".join(failures)
