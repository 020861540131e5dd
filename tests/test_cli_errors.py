"""OS errors at the CLI boundary: one line naming the path, exit 2, in every command.

Tests run as root, where chmod blocks nothing, so most errors are raised by monkeypatching the
library function a command calls; one uses /dev/full, a real full disk.
"""

from __future__ import annotations

import errno
import importlib
import os
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

import curate
import curate.validate
from curate.cli import main

# The stage packages (the commands import their functions from these at run time); not
# `curate.ingest`, `curate.export`, `curate.report`: those names are the functions.
INGEST = importlib.import_module("curate.ingest")
EXPORT = importlib.import_module("curate.export")
REPORT = importlib.import_module("curate.report")


def _raiser(exc: OSError) -> Any:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise exc

    return fail


def test_disk_full_without_a_file_name_names_the_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyarrow's failed write says no file: the message names where the command writes."""
    full = OSError(errno.ENOSPC, "Error writing bytes to file. Detail: [errno 28] No space left")
    monkeypatch.setattr(INGEST, "ingest", _raiser(full))
    ws = tmp_path / "ws"
    res = CliRunner().invoke(main, ["ingest", str(tmp_path), "--schema", "tickets", "-w", str(ws)])
    assert res.exit_code == 2
    assert res.output == (
        f"Error: cannot write: No space left on device (this command writes to {ws})\n"
    )


def test_read_only_output_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "export" / "train.jsonl"
    ro = OSError(errno.EROFS, os.strerror(errno.EROFS), str(target))
    monkeypatch.setattr(EXPORT, "export", _raiser(ro))
    res = CliRunner().invoke(main, ["export", "-w", str(tmp_path), "--out", str(target.parent)])
    assert res.exit_code == 2
    assert res.output == f"Error: cannot write {target}: Read-only file system\n"


def test_permission_denied_says_read_or_write_from_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EACCES does not say whether a read or a write failed: an existing unreadable file is a
    read, a new file in an unwritable folder a write (os.access stands in for a non-root user)."""
    existing = tmp_path / "stages.jsonl"
    existing.write_text("{}\n")
    missing = tmp_path / "new" / "report.html"
    missing.parent.mkdir()
    denied_to_us = {str(existing), str(missing.parent)}
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode, **k: str(p) not in denied_to_us and real_access(p, mode)
    )
    runner = CliRunner()
    for path, verb in ((existing, "read"), (missing, "write")):
        denied = PermissionError(errno.EACCES, "Permission denied", str(path))
        monkeypatch.setattr(REPORT, "report", _raiser(denied))
        res = runner.invoke(main, ["report", "-w", str(tmp_path)])
        assert res.exit_code == 2
        assert res.output == f"Error: cannot {verb} {path}: Permission denied\n"


def test_validate_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "f.jsonl"
    path.write_text('{"messages": []}\n')
    denied = PermissionError(errno.EACCES, "Permission denied", str(path))
    monkeypatch.setattr(curate.validate, "_open", _raiser(denied))
    res = CliRunner().invoke(main, ["validate", str(path)])
    assert res.exit_code == 2
    assert res.output == f"Error: cannot read {path}: Permission denied\n"


def test_non_utf8_path_in_an_os_error_is_shown_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = os.fsdecode(tmp_path / os.fsdecode(b"caf\xe9"))
    denied = OSError(errno.EIO, os.strerror(errno.EIO), bad)
    monkeypatch.setattr(REPORT, "report", _raiser(denied))
    res = CliRunner().invoke(main, ["report", "-w", str(tmp_path)])
    assert res.exit_code == 2
    assert res.output == f"Error: cannot access {tmp_path}/caf\\xe9: Input/output error\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_real_full_disk() -> None:
    """/dev/full fails every write with ENOSPC: `init` used to say 'unexpected OSError'."""
    res = CliRunner().invoke(main, ["init", "--out", "/dev/full", "--force"])
    assert res.exit_code == 2
    assert res.output == (
        "Error: cannot write: No space left on device (this command writes to /dev/full)\n"
    )


def test_non_utf8_config_names_file_line_and_byte(tmp_path: Path) -> None:
    config = tmp_path / "curate.toml"
    config.write_bytes(b'workspace = "ws"\n# caf\xe9 notes\n[ingest]\npaths = ["d"]\n')
    res = CliRunner().invoke(main, ["run", str(config)])
    assert res.exit_code == 2
    assert res.output == (
        f"Error: {config}:2:6: not UTF-8 (byte 0xe9 at offset 22); TOML files must be UTF-8\n"
        "Hint: re-save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)\n"
    )


def test_debug_re_raises_the_os_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CURATE_DEBUG", "1")
    monkeypatch.setattr(REPORT, "report", _raiser(OSError(errno.EIO, "boom", "x")))
    res = CliRunner().invoke(main, ["report", "-w", str(tmp_path)])
    assert isinstance(res.exception, OSError) and res.exception.errno == errno.EIO


def test_a_closed_pipe_stops_quietly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`curate validate big.jsonl --json | head`: the reader left; no 'Error' for that."""
    monkeypatch.setattr(curate.validate, "validate_file", _raiser(BrokenPipeError(errno.EPIPE, "")))
    path = tmp_path / "f.jsonl"
    path.write_text("{}\n")
    res = CliRunner().invoke(main, ["validate", str(path), "--json"])
    assert (res.exit_code, res.output) == (1, "")


@pytest.mark.parametrize("group", ["rules", "schemas"])
def test_non_utf8_rule_pack_or_schema_names_the_byte(tmp_path: Path, group: str) -> None:
    """A Latin-1 rule pack or schema was 'unexpected UnicodeDecodeError' (exit 1)."""
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'# pack\ndescription = "caf\xe9"\n')
    res = CliRunner().invoke(main, [group, "show", str(latin)])
    assert res.exit_code == 2
    assert res.output == (
        f"Error: {latin}:2:19: not UTF-8 (byte 0xe9 at offset 25); TOML files must be UTF-8\n"
        "Hint: re-save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)\n"
    )


def test_library_messages_show_the_flag(tmp_path: Path) -> None:
    """The library names the parameter (``batch_size``); the CLI shows the flag it came from."""
    src = tmp_path / "t.csv"
    src.write_text("Ticket Description,Resolution\nMy wifi drops,Reset it\n")
    ws = str(tmp_path / "ws")
    res = CliRunner().invoke(
        main, ["ingest", str(src), "--schema", "tickets", "-w", ws, "--batch-size", "0"]
    )
    assert (res.exit_code, res.output) == (2, "Error: --batch-size must be at least 1, got 0\n")
    with pytest.raises(curate.UsageError) as err:
        curate.ingest([src], "tickets", ws, batch_size=0)
    assert (err.value.message, err.value.param) == (
        "batch_size must be at least 1, got 0",
        "batch_size",
    )
    res = CliRunner().invoke(main, ["dedupe", "-w", ws, "--threshold", "2"])
    assert (res.exit_code, res.output) == (2, "Error: --threshold must be at most 1, got 2.0\n")


def test_as_flag_replaces_the_bare_parameter_only() -> None:
    from curate.cli._common import as_flag

    @click.command()
    @click.option("--out", "out")
    @click.option("--tokenizer")
    @click.argument("paths", nargs=-1)
    def cmd(**kw: Any) -> None: ...

    with click.Context(cmd):
        assert as_flag("out", "out /tmp/out/x already exists; out.") == (
            "--out /tmp/out/x already exists; --out."
        )
        assert as_flag("tokenizer", "tokenizer: pass a tokenizer.json") == (
            "--tokenizer: pass a tokenizer.json"
        )
        assert as_flag("paths", "paths is empty") == "PATHS is empty"
        assert as_flag("seed", "seed must be an int") == "seed must be an int"  # not a flag here
        assert as_flag("out", None) is None
