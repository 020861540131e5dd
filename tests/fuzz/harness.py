"""Run one fuzz case through the real CLI in-process and list what went wrong.

For every case: ``curate ingest`` then ``curate report --json -`` (click's CliRunner, so a
case costs tens of milliseconds, not a process start). What is checked:

* no output reports an unexpected error ("Error: unexpected ...; please report it") and no
  exception escapes the CLI;
* ingest and report exit 0 or 2 (a report after a successful ingest exits 0);
* after exit 0: the report's accounting holds (``accounting_ok``, no check false, outcomes sum
  to ``input_rows``), ``input_rows`` equals the generator's independent count, each file in the
  funnel is one the generator expects to be read (hidden and unsupported files are not), with
  the rows it wrote;
* the input tree is untouched (every entry's type, size, mtime and SHA-256, links' targets, no
  new entries) and nothing is left in the temporary folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import traceback
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from curate.cli import main
from tests.fuzz.cases import Case, Count


def materialize(case: Case, root: Path) -> None:
    root.mkdir(parents=True)
    for d in case.dirs:
        (root / d).mkdir(parents=True, exist_ok=True)
    for rel, data in case.files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for rel, target in case.links.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, root / rel)


def snapshot(root: Path) -> dict[str, tuple[Any, ...]]:
    """Every entry under ``root`` (symlinks not followed): kind, size, mtime, content hash."""
    snap: dict[str, tuple[Any, ...]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            rel = os.path.relpath(path, root)
            if os.path.islink(path):
                snap[rel] = ("link", os.readlink(path))
            elif os.path.isdir(path):
                snap[rel] = ("dir", st.st_mode)
            else:
                digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
                snap[rel] = ("file", st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return snap


def _fits(count: Count, rows: int) -> bool:
    if count is None:
        return True
    if isinstance(count, int):
        return rows == count
    return count[0] <= rows <= count[1]


# The CLI's message for an exception that is no CurateError (curate/cli/_common.py). A library's
# own wording inside a proper message ("Unexpected struct field type" from a Parquet reader) is
# not a crash.
_CRASH = re.compile(r"^Error: unexpected |please report it", re.M | re.I)


def _utf8(name: str) -> bool:
    try:
        name.encode()
    except UnicodeEncodeError:
        return False
    return True


def _invoke(args: list[str]) -> tuple[Result, str]:
    res = CliRunner().invoke(main, args)
    crash = ""
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        crash = "".join(traceback.format_exception(*res.exc_info)) if res.exc_info else ""
        crash = f"exception escaped the CLI: {res.exception!r}\n{crash[-1500:]}"
    return res, crash


def run_case(case: Case, base: Path, rules: str) -> list[str]:
    """Run ``case`` under ``base``; returns the failures (empty when every check holds)."""
    root, ws, scratch = base / "in", base / "ws", base / "tmp"
    materialize(case, root)
    scratch.mkdir()
    before = snapshot(root)
    target = root if case.target == "." else root / case.target
    problems: list[str] = []
    old_tmp = tempfile.tempdir
    tempfile.tempdir = str(scratch)
    try:
        args = ["ingest", str(target), "--schema", "tickets", "--rules", rules, "-w", str(ws)]
        ing, crash = _invoke(args + (["--json"] if len(case.id) % 2 else []))
        rep, rcrash = _invoke(["report", "-w", str(ws), "--json", "-"])
    finally:
        tempfile.tempdir = old_tmp
    for name, res, exc in (("ingest", ing, crash), ("report", rep, rcrash)):
        if exc:
            problems.append(f"{name}: {exc}")
        if _CRASH.search(res.output):
            problems.append(f"{name} says unexpected: {res.output.strip()[-800:]}")
        if res.exit_code not in (0, 2):
            problems.append(f"{name} exit {res.exit_code}: {res.output.strip()[-800:]}")
    if ing.exit_code == 0 and not crash:
        problems += _check_report(case, root, rep)
    after = snapshot(root)
    if after != before:
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        problems.append(f"input tree changed: {changed[:10]}")
    left = os.listdir(scratch)
    if left:
        problems.append(f"left in the temporary folder: {left[:5]}")
    return problems


def _check_report(case: Case, root: Path, rep: Result) -> list[str]:
    if rep.exit_code != 0:
        return [f"report after a successful ingest exits {rep.exit_code}: {rep.output[-800:]}"]
    try:
        facts = json.loads(rep.stdout)
    except ValueError:
        return [f"report --json - printed no JSON: {rep.stdout[:300]!r}"]
    problems = []
    if not facts["accounting_ok"]:
        problems.append(f"accounting does not hold: {facts['accounting']}")
    bad = [c for c in facts["accounting"]["checks"] if c["ok"] is False]
    if bad:
        problems.append(f"accounting checks failed: {bad}")
    total = sum(facts["outcomes"].values())
    if total != facts["input_rows"]:
        problems.append(f"outcomes sum to {total}, input_rows is {facts['input_rows']}")
    seen: dict[str, int] = {}
    unmatched: list[tuple[str, int]] = []
    real = {os.path.realpath(root / rel): rel for rel in case.files}
    for entry in facts["funnel"]:
        rel = real.get(os.path.realpath(entry["source_file"]))
        if rel is None:
            unmatched.append((entry["source_file"], entry["rows_read"]))
        else:
            seen[rel] = seen.get(rel, 0) + entry["rows_read"]
    for rel, rows in seen.items():
        if rel not in case.expect:
            problems.append(f"{rel!r} was read ({rows} rows) but is hidden or unsupported")
        elif not _fits(case.expect[rel], rows):
            problems.append(f"{rel!r}: {rows} rows read, the generator wrote {case.expect[rel]}")
    # Every file that holds rows is in the funnel; a name that is not UTF-8 may be shown escaped.
    missing = [rel for rel in case.expect if rel not in seen and case.expect[rel] != 0]
    odd = [rel for rel in missing if not _utf8(rel)]
    if len(missing) > len(odd) or len(unmatched) > len(odd):
        problems.append(f"files not in the funnel: {missing}; funnel names no input: {unmatched}")
    counts = list(case.expect.values())
    if all(isinstance(c, int) for c in counts) and facts["input_rows"] != sum(counts):  # type: ignore[arg-type]
        problems.append(f"input_rows {facts['input_rows']} != {sum(counts)} rows written")  # type: ignore[arg-type]
    return problems
