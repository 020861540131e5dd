from __future__ import annotations

import inspect
from pathlib import Path

import curate


def test_all_is_sorted_and_complete() -> None:
    """Every public name bound in curate (eagerly or lazily) is in __all__, and only those."""
    assert curate.__all__ == sorted(curate.__all__)
    bound = {
        name
        for name, obj in vars(curate).items()
        if not name.startswith("_") and not inspect.ismodule(obj) and name != "annotations"
    }
    assert bound - {"TYPE_CHECKING", "Any"} <= set(curate.__all__)
    assert set(curate.__all__) == set(dir(curate)) & set(curate.__all__)


def test_stages_are_functions_not_modules() -> None:
    import importlib

    for name in ("ingest", "dedupe", "export", "report", "train", "run"):
        stage = getattr(curate, name)
        assert inspect.isfunction(stage), name
        # the package or module of the same name is still importable
        assert inspect.ismodule(importlib.import_module(f"curate.{name}")), name


def test_calling_a_stage_runs_it(tmp_path: Path) -> None:
    src = tmp_path / "t.csv"
    src.write_text("Ticket Description,Resolution\nMy wifi drops,Reset it\n")
    result = curate.ingest([src], "tickets", tmp_path / "ws", rules=None)
    assert result.counts["records"] == 1


def test_import_is_light() -> None:
    import subprocess
    import sys

    code = "import sys, curate; print(','.join(m for m in ('torch', 'transformers', 'peft', 'ray', 'polars', 'pydantic') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
