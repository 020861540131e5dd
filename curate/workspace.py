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
import hashlib
import json
import os
import platform
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from curate.errors import WorkspaceError

WORKSPACE_FORMAT = 1
STAGES = ("ingest", "dedupe", "export", "train", "report")
STAGE_LOG = "stages.jsonl"
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


def merge_counts(*maps: Mapping[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for m in maps:
        for k, v in m.items():
            out[k] = out.get(k, 0) + int(v)
    return dict(sorted(out.items()))
