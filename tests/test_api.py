from __future__ import annotations

import inspect

import curate


def test_all_is_sorted_and_complete() -> None:
    assert curate.__all__ == sorted(curate.__all__)
    stages = {"dedupe", "export", "ingest", "report", "run", "train"}
    public = {
        name
        for name, obj in vars(curate).items()
        if not name.startswith("_")
        and (not inspect.ismodule(obj) or name in stages)
        and name not in ("annotations",)
    }
    assert public | {"__version__"} == set(curate.__all__)


def test_stages_are_callable_modules() -> None:
    import importlib

    for name in ("ingest", "dedupe", "export", "report", "train", "run"):
        stage = getattr(curate, name)
        assert callable(stage), name
        assert stage is importlib.import_module(f"curate.{name}"), name
        assert inspect.isfunction(getattr(stage, name)), name


def test_calling_a_stage_runs_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "t.csv"
    src.write_text("Ticket Description,Resolution\nMy wifi drops,Reset it\n")
    result = curate.ingest([src], "tickets", tmp_path / "ws", rules=None)
    assert result.counts["records"] == 1


def test_import_is_light() -> None:
    import subprocess
    import sys

    code = "import sys, curate; print(','.join(m for m in ('torch', 'transformers', 'peft', 'ray') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
