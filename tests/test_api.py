from __future__ import annotations

import inspect

import curate


def test_all_is_sorted_and_complete() -> None:
    assert curate.__all__ == sorted(curate.__all__)
    public = {
        name for name, obj in vars(curate).items()
        if not name.startswith("_") and not inspect.ismodule(obj) and name not in ("annotations",)
    }
    assert public | {"__version__"} == set(curate.__all__)


def test_stage_functions_are_functions() -> None:
    for name in ("ingest", "dedupe", "export", "report", "train", "run"):
        assert inspect.isfunction(getattr(curate, name)), name


def test_import_is_light() -> None:
    import subprocess
    import sys

    code = "import sys, curate; print(','.join(m for m in ('torch', 'transformers', 'peft', 'ray') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
