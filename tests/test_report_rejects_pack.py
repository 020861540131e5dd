"""The report masks rejected rows with the run's own pack, then `default` (issue 18): a clinical
run's rejected row kept an age over 89, which `default` does not mask."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from curate.report.redact import redact_pii, run_packs
from curate.report.rejects import rejects

RAW = "Patient is a 93-year-old man, seen by Dr. Alan Whitfield on 03/14/2021."


def _rej() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source_file": ["notes.csv"],
            "source_line": [7],
            "source": ["notes.csv:7"],
            "reason": ["bad_type"],
            "message": ["age: not an integer"],
            "raw": [RAW],
            "n_rows": [1],
        }
    )


def test_a_clinical_runs_rejected_rows_are_masked_with_the_clinical_pack() -> None:
    out = rejects(_rej(), {"rules": "clinical"})
    raw = out["bad_type"]["examples"][0]["raw"]
    assert "93-year-old" not in raw and "[AGE]" in raw
    assert "Whitfield" not in raw and "03/14/2021" not in raw


def test_without_a_log_or_with_no_rules_the_default_pack_masks() -> None:
    for log in (None, {"rules": None}, {"rules": "none"}):
        raw = rejects(_rej(), log)["bad_type"]["examples"][0]["raw"]
        assert "Whitfield" not in raw and "93-year-old" in raw  # default keeps ages


def test_run_packs_names_the_pack_that_ran_then_default(tmp_path: Path) -> None:
    assert run_packs({"rules": "contracts"}) == ("contracts", "default")
    pack = tmp_path / "mine.toml"
    pack.write_text('name = "mine"\n')
    assert run_packs({"rules": "mine", "rules_path": str(pack)}) == (str(pack), "default")
    gone = {"rules": "mine", "rules_path": str(tmp_path / "moved.toml")}
    assert run_packs(gone) == ("default",)


def test_a_pack_that_no_longer_loads_is_skipped() -> None:
    out = redact_pii([RAW], ("/nonexistent/pack.toml", "default"))
    assert "Whitfield" not in out[0]
