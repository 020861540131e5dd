"""A repository folder as ingest input: .gitignore, vendored, generated and binary files, and
every file accounted for (the codebase schema end to end on sample_data/codebase)."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from curate.cli import main
from curate.ingest.repo import project_name, walk_repository
from tests.conftest import SAMPLE


def _write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            p.write_bytes(data)
        else:
            p.write_text(data, encoding="utf-8")


def test_walk_honours_nested_gitignore_and_names_skips(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            ".gitignore": "build/\n*.log\n",
            "build/out.py": "x = 1\n",
            "app.log": "log\n",
            "pkg/.gitignore": "secret_*.py\n!secret_ok.py\n",
            "pkg/secret_a.py": "a = 1\n",
            "pkg/secret_ok.py": "b = 1\n",
            "pkg/mod.py": "c = 1\n",
            "pkg/vendor/lib.py": "d = 1\n",
            "web/app.min.js": "e\n",
            ".hidden/x.py": "f = 1\n",
        },
    )
    warnings: list[str] = []
    files = {f.rel: f for f in walk_repository(tmp_path, warnings)}
    assert sorted(files) == [
        "app.log",
        "pkg/mod.py",
        "pkg/secret_a.py",
        "pkg/secret_ok.py",
        "pkg/vendor/lib.py",
        "web/app.min.js",
    ]
    assert warnings == [f"{tmp_path / 'build'}: folder skipped, ignored by .gitignore"]
    skip = {rel: f.skip[0] if f.skip else None for rel, f in files.items()}
    assert skip == {
        "app.log": "gitignored",
        "pkg/mod.py": None,
        "pkg/secret_a.py": "gitignored",  # the sub-folder's own .gitignore, relative to it
        "pkg/secret_ok.py": None,  # re-included by its "!" pattern
        "pkg/vendor/lib.py": "vendored",
        "web/app.min.js": "generated_file",
    }
    assert files["pkg/mod.py"].kind == "python_ast"


def test_project_name_from_metadata_or_folder(tmp_path: Path) -> None:
    a = tmp_path / "click-8.5.1"
    a.mkdir()
    assert project_name(a) == "click"
    b = tmp_path / "b"
    _write(b, {"pyproject.toml": '[project]\nname = "tinykv"\n'})
    assert project_name(b) == "tinykv"
    c = tmp_path / "c"
    _write(c, {"setup.cfg": "[metadata]\nname = oldpkg\n"})
    assert project_name(c) == "oldpkg"


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`curate run` of a copy of sample_data/codebase.toml and its repository."""
    base = tmp_path_factory.mktemp("codebase")
    shutil.copytree(SAMPLE / "codebase", base / "sample" / "codebase")
    config = (SAMPLE / "codebase.toml").read_text("utf-8")
    (base / "sample" / "codebase.toml").write_text(config, encoding="utf-8")
    res = CliRunner().invoke(main, ["run", str(base / "sample" / "codebase.toml")])
    assert res.exit_code == 0, res.output
    assert "accounting: 22 input rows" in res.output
    return base / "curate-work" / "codebase"


def test_every_file_of_the_fixture_has_one_outcome(fixture_run: Path) -> None:
    rejects = pl.read_parquet(fixture_run / "ingest" / "rejects.parquet")
    why = dict(zip(rejects["source_file"].to_list(), rejects["reason"].to_list(), strict=True))
    assert {Path(f).name: r for f, r in why.items()} == {
        "logo.png": "binary_file",
        "debug.log": "gitignored",
        "backoff.py": "vendored",
        "_version.py": "generated_file",
    }
    records = pl.read_parquet(fixture_run / "ingest" / "records.parquet")
    made = {Path(f).name for f in records["source_file"].to_list()}
    assert made == {
        "README.md",
        "guide.rst",
        "api.md",
        "pyproject.toml",
        "settings.toml",
        "production.env",
        "deploy_key.pem",
        "__init__.py",
        "codec.py",
        "store.py",
        "util.py",
        "test_store.py",
        "client.js",  # clients/: one small file per tree-sitter language
        "retry.ts",
        "Status.tsx",
        "client.go",
        "lib.rs",
        "Client.java",
    }  # 18 files with records + 4 rejects = the 22 files not hidden or in the ignored build/
    assert not any("build/" in f for f in records["source_file"].to_list())


def test_code_keeps_indentation(fixture_run: Path) -> None:
    records = pl.read_parquet(fixture_run / "ingest" / "records.parquet")
    put = records.filter(pl.col("qualname") == "tinykv.store.Store.put").row(0, named=True)
    assert put["code"].splitlines()[1] == (
        "    self._data[key] = (self.codec.encode(value), expires_at(ttl))"
    )
    assert put["docstring"].endswith("Raises:\n    ValueError: if ``ttl`` is zero or negative.")


def test_splits_are_by_file(fixture_run: Path) -> None:
    """Leak-free: every record of one file (a function, its docstring, its module) in one split."""
    records = pl.read_parquet(fixture_run / "ingest" / "records.parquet")
    assert (records["group"] == "file:" + records["path"]).all()
    out = pl.read_parquet(fixture_run / "export" / "outcomes.parquet")
    per_file = (
        out.join(records.select("record_id", "path"), on="record_id")
        .filter(pl.col("split").is_not_null())
        .group_by("path")
        .agg(pl.col("split").n_unique().alias("n"))
    )
    assert per_file.height >= 8 and (per_file["n"] == 1).all()


def test_dedupe_finds_the_copied_function(fixture_run: Path) -> None:
    """util.chunked is codec.chunked copied with other spacing ("i : i" vs "i:i"): the
    fingerprint's word shingles ignore punctuation and layout, so it is a near-duplicate."""
    records = pl.read_parquet(fixture_run / "ingest" / "records.parquet")
    out = pl.read_parquet(fixture_run / "dedupe" / "outcomes.parquet")
    dup = out.join(records.select("record_id", "qualname"), on="record_id").filter(
        pl.col("outcome") == "duplicate"
    )
    assert dup["qualname"].to_list() in (["tinykv.util.chunked"], ["tinykv.codec.chunked"])


def test_files_no_task_uses_are_no_example(fixture_run: Path) -> None:
    records = pl.read_parquet(fixture_run / "ingest" / "records.parquet")
    out = pl.read_parquet(fixture_run / "export" / "outcomes.parquet")
    files = out.join(records.select("record_id", "kind"), on="record_id").filter(
        pl.col("kind") == "file"
    )
    assert files.height == 4
    assert set(files["outcome"]) == {"no_example"} and set(files["reason"]) == {"missing_field"}


def test_read_rejects_binary_non_utf8_and_generated(tmp_path: Path) -> None:
    from curate.ingest.repo import read_repo_file
    from curate.schema import load_schema

    _write(
        tmp_path,
        {
            "a.bin.txt": b"\x89PNG\x00\x01",
            "latin.md": "caf\u00e9 au lait".encode("latin-1"),
            "gen.py": "# Code generated by protoc. DO NOT EDIT.\nx = 1\n",
            "ok.py": "x = 1\n",
        },
    )
    layouts = {lay.kind: lay for lay in load_schema("codebase").layouts}
    got = {}
    for name, kind in (("a.bin.txt", "doc_headings"), ("latin.md", "doc_headings"),
                       ("gen.py", "python_ast"), ("ok.py", "python_ast")):  # fmt: skip
        (batch,) = read_repo_file(tmp_path / name, layouts[kind], {}, max_chars=1000)
        got[name] = batch.rejects[0].reason if batch.rejects else batch.rows[0]["text"]
    assert got == {
        "a.bin.txt": "binary_file",
        "latin.md": "encoding_error",
        "gen.py": "generated_file",
        "ok.py": "x = 1\n",
    }
