"""curate.toml: one file describing the whole pipeline, validated by Pydantic.

Its [ingest], [dedupe], [export] and [train] sections are the stages' options models
(IngestOptions, DedupeOptions, ExportOptions, TrainConfig), so a key is spelled, defaulted
and documented as the stage function's keyword and the CLI flag are. Errors name the key and,
where it can be found, the line of the file.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from curate.dedupe.options import DedupeOptions
from curate.errors import ConfigError
from curate.eval.options import EvalOptions
from curate.export.options import ExportOptions
from curate.ingest.options import IngestOptions
from curate.train.options import TrainConfig


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Each stage's section is its options model (one name, default and help per option), plus what
# only `curate run` needs: ingest's inputs, whether dedupe runs, how many samples training shows.


class IngestSection(IngestOptions):
    """[ingest]: IngestOptions and the inputs."""

    paths: list[str] = Field(
        description="Files, directories or globs to ingest (relative to the config file)."
    )


class DedupeSection(DedupeOptions):
    """[dedupe]: DedupeOptions and whether the stage runs at all."""

    enabled: bool = Field(default=True, description="Run the dedupe stage (false: skip it).")


class TrainSection(TrainConfig):
    """[train]: TrainConfig and the samples shown after training."""

    samples: int = Field(
        default=2,
        ge=0,
        description="Val prompts answered by the base and the tuned model after training.",
    )


class EvalSection(EvalOptions):
    """[eval]: EvalOptions; `curate run` evaluates the [train] adapter on the export after training."""


class ReportConfig(_Section):
    html: str | None = "report.html"
    json_path: str | None = Field(None, alias="json")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class RunConfig(_Section):
    """The whole pipeline. Relative paths are relative to the config file's folder."""

    workspace: str = "curate-work"
    engine: Literal["local", "ray"] = "local"
    ray_address: str | None = None
    ingest: IngestSection
    dedupe: DedupeSection = Field(default_factory=lambda: DedupeSection.model_validate({}))
    export: ExportOptions = Field(default_factory=lambda: ExportOptions.model_validate({}))
    train: TrainSection | None = None
    eval: EvalSection | None = None
    report: ReportConfig = Field(default_factory=lambda: ReportConfig.model_validate({}))
    base_dir: str = Field(".", exclude=True)

    @field_validator("workspace")
    @classmethod
    def _not_empty(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v

    def resolve(self, path: str | Path) -> str:
        """``path`` relative to the config file's folder (absolute paths as they are)."""
        p = Path(path)
        return str(p if p.is_absolute() else Path(self.base_dir) / p)


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best effort: the line where the last key of ``loc`` appears inside its [section]."""
    keys = [str(k) for k in loc if not isinstance(k, int)]
    if not keys:
        return None
    section, key = (keys[0], keys[-1]) if len(keys) > 1 else (None, keys[0])
    in_section = section is None
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_section = section is None or stripped.strip("[]").strip() == section
            if section is not None and stripped.strip("[]").strip() == section and key == section:
                return n
            continue
        if in_section and re.match(rf"^{re.escape(key)}\s*=", stripped):
            return n
    return None


def read_utf8(path: Path, error: type[ConfigError] = ConfigError) -> str:
    """A TOML file's text; bytes that are not UTF-8 (TOML must be) raise ``error`` naming the
    file, line, column and byte offset. OS errors propagate: the CLI names their path."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error(
            f"{path}:{line}:{column}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); TOML files must be UTF-8",
            hint="re-save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)",
        ) from None


def load_config(path: str | Path) -> RunConfig:
    p = Path(path)
    if not p.exists():
        raise ConfigError(f"config file {p} does not exist", hint="create one with `curate init`")
    text = read_utf8(p)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: invalid TOML: {exc}") from exc
    try:
        cfg = RunConfig.model_validate({**data, "base_dir": str(p.parent)})
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = err["loc"]
            dotted = ".".join(str(x) for x in loc)
            where = _line_of(text, loc)
            msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            lines.append(f"{p}{f':{where}' if where else ''}: {dotted}: {msg}")
        raise ConfigError("\n".join(lines)) from exc
    return cfg


STARTER = {  # built-in schema -> (sample inputs, stratify field); its rule pack is the schema's
    "tickets": ("sample_data/tickets", "category"),
    "contracts": ("sample_data/contracts", "clause_type"),
    "clinical_notes": ("sample_data/clinical", "specialty"),
    "codebase": ("sample_data/codebase", "kind"),  # a repository folder
}


def starter_config(schema: str) -> str:
    """A commented curate.toml for a built-in schema. Its ``rules`` is the schema's own pack
    (the schema file's ``rules`` key, one source for ingest and this file: issue 18)."""
    from curate.schema import load_schema

    paths, stratify = STARTER.get(schema, ("data/", None))
    pack = load_schema(schema).rules or "default"
    rules = f'rules = "{pack}"'.ljust(35)
    strat = f'stratify = "{stratify}"' if stratify else '# stratify = "category"'
    return f"""# curate pipeline config: `curate run curate.toml` runs every stage below in order,
# skipping stages whose inputs and settings did not change since the last run.
# Relative paths are relative to this file.

workspace = "curate-work"          # where every stage writes its tables and log

[ingest]
paths = ["{paths}"]                # files, directories or globs (CSV/TSV/JSON/JSONL/Parquet/TXT, .gz/.zst)
schema = "{schema}"                # built-in schema name or a path to your own .toml
{rules}# rule pack (the schema's): default | strict | clinical | contracts | code | path; "none" to skip
# encoding = "cp1252"              # force an input encoding (default: detected)
# langid = "langdetect"            # language-ID backend (default: fastText lite model)

[dedupe]
threshold = 0.8                    # MinHash-LSH Jaccard threshold for near-duplicates
num_perm = 128
ngram = 5                          # word n-gram size of the fingerprint
keep = "most-complete"             # longest | first | newest | most-complete
# against = ["eval/test.jsonl"]    # evaluation sets to decontaminate against

[export]
format = "chat"                    # chat | sharegpt | alpaca | completion
out = "export"                     # directory for train.jsonl / val.jsonl / manifest.json
val_fraction = 0.1
seed = 0
{strat}
# tokenizer = "path/to/tokenizer.json"   # exact token counts and the --max-tokens budget
# max_tokens = 2048
# over_length = "drop"                # drop | drop_turns | trim: an example over max_tokens
# source_splits = ["*test*.csv=test"] # GLOB=SPLIT: splits the sources published (default: schema's)
# split_field = "split"               # or a field whose value names each record's split
# shard_size = 100000                 # write train-00000.jsonl, ... of this many examples each

# [train]                          # optional LoRA training of the export
# model = "smollm2"                # local model dir, or the built-in offline SmolLM2-135M-Instruct
# out = "adapter"
# max_steps = 40

[report]
html = "report.html"               # self-contained HTML report (relative to this file)
"""
