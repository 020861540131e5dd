"""The workspace: where each stage reads the previous stage's tables and writes its own.

Layout (all tables Parquet, written atomically: temp name, then rename)::

    WS/
      stages.jsonl                  stage log, one JSON object per completed stage run
      ingest/records.parquet        records that passed validation and rules (the working set)
      ingest/rejects.parquet        rows that failed validation: source, reason, message
      ingest/filtered.parquet       records removed by a rule: all record columns + reason, detail
      ingest/rules.json             per rule: records filtered/changed, examples (before/after)
      dedupe/outcomes.parquet       record_id, outcome (kept|duplicate|contaminated), cluster_id, ...
      dedupe/clusters.parquet       cluster_id, record_id, is_kept, similarity
      export/outcomes.parquet       record_id, outcome (exported|over_length), split, tokens...
      export/token_stats.json
      train/                        (curate train writes metrics here when given -w)

See docs/workspace.md for every column.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import functools
import hashlib
import inspect
import json
import os
import platform
import shlex
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from curate.errors import UsageError, WorkspaceError

WORKSPACE_FORMAT = 1
# Pipeline order: logging a stage drops the entries of the stages after it (but train's and
# report's), so a re-run export or train leaves no eval entry that scored the old data/adapter.
STAGES = ("ingest", "dedupe", "export", "train", "eval", "report")
STAGE_LOG = "stages.jsonl"
LOCK_FILE = ".lock"
# Written into every folder curate makes that it may later delete and re-create (`[train] out`
# of `curate run`): a folder without it is never deleted.
CREATED_MARKER = ".curate-created"
# Stages whose logged outputs a later stage reads: verified before it starts (item: atomic commit).
CONSUMED = {"dedupe": ("ingest",), "export": ("ingest", "dedupe"), "train": ("export",)}
RERUN_HINT = {
    "ingest": "`curate ingest PATH... --schema NAME -w {ws}` (or `curate run CONFIG --force ingest`)",
    "dedupe": "`curate dedupe -w {ws}` (or `curate run CONFIG --force dedupe`)",
    "export": "`curate export -w {ws} --out DIR` (or `curate run CONFIG --force export`)",
    "train": "`curate train` (or `curate run CONFIG --force train`)",
}
PREVIOUS_STAGE_HINT = {
    "ingest": "run `curate ingest PATH... --schema NAME -w {ws}` first",
    "dedupe": "run `curate dedupe -w {ws}` first",
    "export": "run `curate export -w {ws} --out DIR` first",
}


def curate_version() -> str:
    from curate import __version__

    return __version__


def versions() -> dict[str, str]:
    """Versions of what shapes the output, for the stage log and cache keys."""
    import importlib.metadata as md

    out = {"curate": curate_version(), "python": platform.python_version()}
    for pkg in ("polars", "pydantic", "datasketch", "tokenizers"):
        with contextlib.suppress(md.PackageNotFoundError):
            out[pkg] = md.version(pkg)
    return out


def sha256_file(path: str | os.PathLike[str], chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_identity(name: str | None, path: str | os.PathLike[str] | None) -> dict[str, Any]:
    """``{name, path, sha256}`` of a rule pack or schema file, so a run's data traces to the
    exact bytes that made it (a modified copy keeps the original's ``name``)."""
    if path is None or not Path(path).is_file():
        return {"name": name, "path": None if path is None else str(path), "sha256": None}
    return {"name": name, "path": str(Path(path).resolve()), "sha256": sha256_file(path)}


def tokenizer_identity(tok: Any) -> dict[str, Any] | None:
    """A tokenizer's name, the SHA-256 of its full definition (vocabulary, merges, specials)
    and of its chat template: the name alone cannot tell two versions of a model apart."""
    if tok is None:
        return None
    backend = getattr(tok, "backend", None)
    to_str = getattr(backend, "to_str", None)
    template = getattr(tok, "chat_template", None)
    return {
        "name": getattr(tok, "name", None),
        "sha256": sha256_text(to_str()) if callable(to_str) else None,
        "chat_template_sha256": sha256_text(template) if isinstance(template, str) else None,
    }


def _read_umask() -> int:
    """The process umask (reading it means setting it: done once, at import, not per file)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_read_umask()


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary sibling path; rename it over ``target`` only if the block succeeds.

    The file gets the mode a plain ``open`` would give it (mkstemp makes it 0600, which would
    keep a training job running as another user from reading the export)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if tmp_path.exists():
            os.chmod(tmp_path, FILE_MODE)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


# Small row groups let later stages stream a table a slice at a time instead of decoding
# hundreds of megabytes of text at once.
ROW_GROUP_SIZE = 16_384


def write_parquet(df: pl.DataFrame, target: Path) -> Path:
    """Write deterministically (no statistics timestamps) and atomically."""
    with atomic_path(target) as tmp:
        df.write_parquet(
            tmp,
            compression="zstd",
            compression_level=1,
            statistics=False,
            row_group_size=ROW_GROUP_SIZE,
        )
    return target


def write_json(obj: Any, target: Path) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n", "utf-8")
    return target


@dataclass
class StageResult:
    """What a stage function returns and what the stage log stores.

    ``counts`` maps outcome -> number of records; ``reasons`` maps outcome -> reason -> count.
    """

    stage: str
    workspace: str
    counts: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, dict[str, int]] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    skipped: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Workspace:
    """A directory holding one run's tables and stage log."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"

    # -- paths ---------------------------------------------------------------------------
    def stage_dir(self, stage: str) -> Path:
        return self.path / stage

    def table_path(self, stage: str, name: str) -> Path:
        return self.path / stage / f"{name}.parquet"

    def has_table(self, stage: str, name: str) -> bool:
        return self.table_path(stage, name).exists()

    # -- tables --------------------------------------------------------------------------
    def create(self) -> Workspace:
        self.check_usable()
        self.path.mkdir(parents=True, exist_ok=True)
        return self

    def check_usable(self) -> None:
        """Fail early, with the path, where a workspace cannot be made."""
        if self.path.exists() and not self.path.is_dir():
            raise WorkspaceError(f"workspace {self.path}: exists and is not a directory")

    def write_table(self, stage: str, name: str, df: pl.DataFrame) -> Path:
        return write_parquet(df, self.table_path(stage, name))

    def read_table(self, stage: str, name: str, *, lazy: bool = False) -> Any:
        path = self.table_path(stage, name)
        if not path.exists():
            raise WorkspaceError(
                f"workspace {self.path} has no {stage} output ({path.name} missing)",
                hint=PREVIOUS_STAGE_HINT.get(stage, "").format(ws=self.path) or None,
            )
        return pl.scan_parquet(path) if lazy else pl.read_parquet(path)

    def require(self, stage: str) -> None:
        """Raise a WorkspaceError saying what to run first if ``stage`` has not completed."""
        if not self.path.exists():
            raise WorkspaceError(
                f"workspace {self.path} does not exist",
                hint=PREVIOUS_STAGE_HINT["ingest"].format(ws=self.path),
            )
        if self.last_entry(stage) is None:
            raise WorkspaceError(
                f"workspace {self.path} has no completed {stage} stage",
                hint=PREVIOUS_STAGE_HINT.get(stage, "").format(ws=self.path) or None,
            )

    # -- stage log -----------------------------------------------------------------------
    @property
    def log_path(self) -> Path:
        return self.path / STAGE_LOG

    def entries(self) -> list[dict[str, Any]]:
        if not self.log_path.exists():
            return []
        out = []
        for n, line in enumerate(self.log_path.read_text("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as exc:
                raise WorkspaceError(
                    f"{self.log_path}:{n}: corrupt stage log line ({exc})"
                ) from exc
            fmt = entry.get("workspace_format")
            if fmt != WORKSPACE_FORMAT:
                raise WorkspaceError(
                    f"{self.log_path}:{n}: written by curate {entry.get('versions', {}).get('curate', '?')} "
                    f"(workspace format {fmt}); this curate reads format {WORKSPACE_FORMAT}",
                    hint="re-run the pipeline into a fresh workspace",
                )
            out.append(entry)
        return out

    def last_entry(self, stage: str) -> dict[str, Any] | None:
        found = None
        for entry in self.entries():
            if entry.get("stage") == stage:
                found = entry
        return found

    def log_stage(self, result: StageResult) -> dict[str, Any]:
        """Append a completed stage to the log (rewritten atomically); later stages are invalidated."""
        entry = result.to_dict()
        entry["workspace_format"] = WORKSPACE_FORMAT
        entry["versions"] = versions()
        entry["finished_at"] = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        entry["outputs"] = {
            name: sha256_file(path)
            for name, path in sorted(result.outputs.items())
            if Path(path).exists()
        }
        # Where each hashed output lives, so a later stage (and `curate run` before it skips a
        # stage) can check the files are the ones this entry committed.
        entry["output_paths"] = {
            name: self._log_path_of(Path(result.outputs[name])) for name in entry["outputs"]
        }
        kept = [e for e in self.entries() if e.get("stage") != result.stage]
        # A stage re-run makes later stages stale: drop their entries so nothing trusts them.
        if result.stage in STAGES:
            later = set(STAGES[STAGES.index(result.stage) + 1 :]) - {"train", "report"}
            kept = [e for e in kept if e.get("stage") not in later]
        kept.append(entry)
        with atomic_path(self.log_path) as tmp:
            tmp.write_text("".join(json.dumps(e, sort_keys=True) + "\n" for e in kept), "utf-8")
        return entry

    def log_hash(self) -> str:
        return sha256_file(self.log_path) if self.log_path.exists() else ""

    # -- commit verification -------------------------------------------------------------
    # A stage writes its tables, then appends its log entry with their SHA-256. A kill between
    # the two leaves tables the log does not vouch for; the next stage finds that here.
    def _log_path_of(self, path: Path) -> str:
        """``path`` relative to the workspace when inside it (the workspace may move), else absolute."""
        try:
            return path.resolve().relative_to(self.path.resolve()).as_posix()
        except ValueError:
            return str(path.resolve())

    def output_paths(self, entry: Mapping[str, Any]) -> dict[str, Path]:
        """The files a log entry hashed, by output name."""
        recorded = entry.get("output_paths") or {}
        out: dict[str, Path] = {}
        for name in entry.get("outputs") or {}:
            where = recorded.get(name)
            if (
                where is None
            ):  # an entry from before output_paths: tables sit at their contract path
                guess = self.table_path(str(entry.get("stage")), name)
                if guess.exists():
                    out[name] = guess
                continue
            p = Path(where)
            out[name] = p if p.is_absolute() else self.path / p
        return out

    def changed_outputs(self, stage: str, *, tables_only: bool = False) -> list[str]:
        """What no longer matches ``stage``'s last log entry: missing or changed files
        (``tables_only``: its Parquet tables, not side files such as ingest/schema.toml)."""
        entry = self.last_entry(stage)
        if entry is None:
            return []
        bad = []
        for name, path in self.output_paths(entry).items():
            if tables_only and path.suffix != ".parquet":
                continue
            shown = self._log_path_of(path)  # short: relative to the workspace when inside it
            if not path.is_file():
                bad.append(f"{shown} is missing")
            elif sha256_file(path) != entry["outputs"][name]:
                bad.append(f"{shown} differs from the logged SHA-256")
        return bad

    def verify(self, stage: str) -> None:
        """Raise a WorkspaceError naming the stage to re-run if its tables are not the logged ones.

        Only the Parquet tables: ingest/schema.toml is documented as editable between stages."""
        bad = self.changed_outputs(stage, tables_only=True)
        if bad:
            more = f" (+{len(bad) - 2} more)" if len(bad) > 2 else ""
            raise WorkspaceError(
                f"workspace {self.path}: the {stage} stage's outputs do not match its stage log "
                f"entry ({'; '.join(bad[:2])}{more}); a run was interrupted while {stage} was "
                "writing, or its files were changed since",
                hint=f"re-run {stage}: {RERUN_HINT[stage].format(ws=self.path)}",
            )

    def verify_inputs(self, stage: str) -> None:
        """Before ``stage`` runs: every earlier logged stage it reads must be committed intact."""
        for earlier in CONSUMED.get(stage, ()):
            self.verify(earlier)

    def check_not_an_input(self, out: Path, option: str) -> None:
        """Refuse an output folder that is, is inside or contains an input the last ingest read
        (paths as its log recorded them, relative to the current folder)."""
        entry = self.last_entry("ingest")
        if entry is None:
            return
        real = out.resolve()
        for given in (entry.get("config") or {}).get("paths") or []:
            inp = Path(str(given)).resolve()
            if real == inp:
                relation = "is"
            elif inp in real.parents:
                relation = "is inside"
            elif real in inp.parents:
                relation = "contains"
            else:
                continue
            raise UsageError(
                f"{option} {out} {relation} the ingest input {given}; curate never writes or "
                "deletes files among its inputs",
                hint=f"choose an {option} folder outside the input paths",
                param=option,
            )

    # -- lock ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, *, wait: bool = False, create: bool = True) -> Iterator[None]:
        """Hold the workspace's exclusive lock (``flock`` on WS/.lock) for the block.

        Reentrant within a process (``curate run`` holds it while its stages take it again).
        Another holder makes this raise a WorkspaceError naming its pid, command and start
        time, or, with ``wait``, block until it is released. A workspace folder the lock had to
        create is removed again if nothing but the lock file was put in it. With ``create``
        false and no workspace folder there is nothing to protect: the block runs unlocked.
        """
        self.check_usable()
        key = self.path.resolve()
        held = _HELD.get(key)
        if held is not None:
            held.depth += 1
            try:
                yield
            finally:
                held.depth -= 1
            return
        if not self.path.exists() and not create:
            yield
            return
        held = self._acquire(wait)
        _HELD[key] = held
        try:
            yield
        finally:
            del _HELD[key]
            self._release(held)

    def _acquire(self, wait: bool) -> _Held:
        made = False
        target = self.path / LOCK_FILE
        while True:
            try:
                if not self.path.exists():
                    self.path.mkdir(parents=True)
                    made = True
                fd = os.open(target, os.O_RDWR | os.O_CREAT, FILE_MODE)
            except FileExistsError:
                continue  # made by another process just now
            except FileNotFoundError:
                continue  # the folder was removed by a holder's clean-up: make it again
            except OSError as exc:
                raise WorkspaceError(
                    f"workspace {self.path}: cannot create the lock file {target}: "
                    f"{exc.strerror or exc}"
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                holder = _describe_holder(fd)
                os.close(fd)
                if made:
                    with contextlib.suppress(OSError):
                        self.path.rmdir()
                raise WorkspaceError(
                    f"workspace {self.path} is in use by {holder}",
                    hint="wait for that run to finish (`curate run --wait` waits for it), "
                    "or use another workspace",
                ) from None
            try:  # the holder before us may have removed the file (clean-up) while we waited
                current = os.stat(target).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                current = False
            if current:
                break
            os.close(fd)
        info = {
            "pid": os.getpid(),
            "command": _command_line(),
            "since": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(info) + "\n").encode(), 0)
        return _Held(fd=fd, made=made)

    def _release(self, held: _Held) -> None:
        try:
            if held.made and sorted(p.name for p in self.path.iterdir()) == [LOCK_FILE]:
                # Nothing was written: leave no workspace behind (a run that could not start).
                (self.path / LOCK_FILE).unlink()
                self.path.rmdir()
            else:
                os.ftruncate(held.fd, 0)
        except OSError:
            pass
        finally:
            os.close(held.fd)


@dataclass
class _Held:
    fd: int
    made: bool
    depth: int = 0


# Locks this process holds, by resolved workspace path (what makes the lock reentrant).
_HELD: dict[Path, _Held] = {}


def _command_line() -> str:
    argv = list(sys.argv) or ["python"]
    name = Path(argv[0]).name
    if name == "__main__.py":
        name = "python -m " + Path(argv[0]).parent.name
    return shlex.join([name, *argv[1:]])


def _describe_holder(fd: int) -> str:
    """``pid N (`command`) since TIME`` from the lock file, as the holder wrote it."""
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode("utf-8"))
        return f"pid {info['pid']} (`{info['command']}`) since {info['since']}"
    except (ValueError, KeyError, TypeError, OSError):
        return "another process (it has just started)"


F = TypeVar("F", bound=Callable[..., Any])


def stage_guard(stage: str) -> Callable[[F], F]:
    """Decorate a stage function: hold its workspace's lock while it runs, and first check that
    the earlier stages it reads were committed intact (Workspace.verify_inputs)."""

    def decorate(fn: F) -> F:
        sig = inspect.signature(fn)

        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            bound = sig.bind_partial(*args, **kwargs)
            value = bound.arguments.get("workspace", sig.parameters["workspace"].default)
            ws = value if isinstance(value, Workspace) else Workspace(value)
            with ws.lock(create=stage == "ingest"):
                ws.verify_inputs(stage)
                return fn(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def merge_counts(*maps: Mapping[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for m in maps:
        for k, v in m.items():
            out[k] = out.get(k, 0) + int(v)
    return dict(sorted(out.items()))
