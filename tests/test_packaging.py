"""Every data file the package reads ships in the wheel: package-data covers each non-Python file."""

from __future__ import annotations

import fnmatch
import tomllib

from tests.conftest import ROOT


def test_package_data_covers_every_data_file() -> None:
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    patterns = conf["tool"]["setuptools"]["package-data"]["curate"]
    pkg = ROOT / "curate"
    data = [
        p.relative_to(pkg).as_posix()
        for p in pkg.rglob("*")
        if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts
    ]
    missing = [f for f in data if not any(fnmatch.fnmatch(f, pat) for pat in patterns)]
    assert not missing, f"not in [tool.setuptools.package-data] of pyproject.toml: {missing}"
