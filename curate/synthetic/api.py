"""``synthesize``: questions and answers a model writes about each kept doc section, filtered and
marked synthetic, in the split of the section they come from (so they leak nothing)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curate.errors import UsageError
from curate.synthetic.filters import judge, parse_pairs
from curate.synthetic.generators import Generate, endpoint_generator, local_generator

PROMPT = (
    "Write {n} questions a developer could ask that the documentation section below answers, "
    "each followed by its answer in your own words, using only the section. Format:\n"
    'Q: <question>\nA: <answer>\n\nSection "{title}" of the {project} documentation:\n\n{text}'
)
SYSTEM = "You write question-answer pairs about software documentation."


@dataclass
class SyntheticResult:
    """What was asked, what came back, what was kept and why the rest was dropped."""

    sections: int = 0
    pairs: int = 0
    kept: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def synthesize(
    workspace: str | Path,
    *,
    generator: str | Generate,
    endpoint: str | None = None,
    api_key_env: str | None = None,
    out: str | Path | None = None,
    per_section: int = 2,
    max_new_tokens: int = 384,
    min_support: float = 0.6,
    max_copy: float = 0.8,
    limit: int | None = None,
    field_name: str = "section_text",
) -> SyntheticResult:
    """Ask ``generator`` (a local model folder or alias; with ``endpoint``, the model name at that
    OpenAI-compatible URL; or a callable) for ``per_section`` pairs per kept record with a
    ``field_name`` (the codebase schema's doc sections), keep those ``filters.judge`` passes, and
    write them as chat JSONL ``synthetic_{split}.jsonl`` in ``out`` (default WORKSPACE/synthetic)
    with ``metadata.synthetic = true``. Needs ingest and export to have run (the split)."""
    import polars as pl

    ws = Path(workspace)
    records_path = ws / "ingest" / "records.parquet"
    splits_path = ws / "export" / "outcomes.parquet"
    if not records_path.exists() or not splits_path.exists():
        raise UsageError(
            f"{ws}: no ingest records or export outcomes",
            hint="run curate ingest and curate export first: a synthetic pair takes the split "
            "of the section it was written from",
        )
    if per_section < 1:
        raise UsageError("per_section must be at least 1", param="per_section")
    records = pl.read_parquet(records_path)
    if field_name not in records.columns:
        raise UsageError(
            f"the workspace's records have no field '{field_name}'", param="field_name"
        )
    splits = pl.read_parquet(splits_path).filter(pl.col("split").is_not_null())
    rows = (
        records.join(splits.select("record_id", "split"), on="record_id")
        .filter(pl.col(field_name).is_not_null())
        .sort("record_id")
    )
    if limit is not None:
        rows = rows.head(limit)
    gen = _generator(generator, endpoint, api_key_env)
    name = generator if isinstance(generator, str) else getattr(generator, "__name__", "callable")
    result = SyntheticResult()
    dropped: Counter[str] = Counter()
    by_split: dict[str, list[str]] = {}
    for row in rows.iter_rows(named=True):
        text = str(row[field_name])
        title = str(row.get("title") or row.get("qualname") or "")
        project = str(row.get("project") or "this project")
        prompt = PROMPT.format(n=per_section, title=title, project=project, text=text)
        reply = gen(
            [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}],
            max_new_tokens,
        )
        result.sections += 1
        pairs = parse_pairs(reply)[:per_section]
        if not pairs:
            dropped["unparsed"] += 1
        for question, answer in pairs:
            result.pairs += 1
            why = judge(question, answer, text, min_support=min_support, max_copy=max_copy)
            if why is not None:
                dropped[why] += 1
                continue
            result.kept += 1
            line = {
                "messages": [
                    {"role": "user", "content": question},
                    {"role": "assistant", "content": answer},
                ],
                "metadata": _meta(row, name, endpoint),
            }
            by_split.setdefault(str(row["split"]), []).append(json.dumps(line, ensure_ascii=False))
    target = Path(out) if out is not None else ws / "synthetic"
    target.mkdir(parents=True, exist_ok=True)
    for split, lines in sorted(by_split.items()):
        path = target / f"synthetic_{split}.jsonl"
        tmp = path.with_suffix(".jsonl.tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(path)
        result.files.append(str(path))
    result.dropped = dict(dropped)
    summary = {k: v for k, v in result.__dict__.items() if k != "files"}
    (target / "synthetic_report.json").write_text(
        json.dumps({**summary, "generator": name, "endpoint": endpoint}, indent=2), "utf-8"
    )
    return result


def _meta(row: dict[str, Any], generator: str, endpoint: str | None) -> dict[str, Any]:
    return {
        "synthetic": True,
        "generator": generator,
        "endpoint": endpoint,
        "record_id": row["record_id"],
        "source": row["source"],
        "split": row["split"],
    }


def _generator(generator: str | Generate, endpoint: str | None, key_env: str | None) -> Generate:
    if callable(generator):
        return generator
    if endpoint:
        return endpoint_generator(endpoint, generator, key_env)
    return local_generator(generator)
