"""Same input, same bytes: ingest + dedupe + export give byte-identical outputs whatever
``--batch-size`` and ``--workers`` are, and a re-run gives the same manifest.json.

The stage log is the one exception, by design: it records timings, the time each stage
finished and the batch size it was given (docs/workspace.md, "Determinism").
"""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pytest

from curate.dedupe import dedupe
from curate.export import export
from curate.ingest import ingest

SENTENCES = {
    "en": "My {thing} stopped working after the update yesterday, can you help me fix it?",
    "fr": "Mon {thing} ne fonctionne plus depuis la mise à jour d'hier, pouvez-vous m'aider ?",
    "es": "Mi {thing} dejó de funcionar después de la actualización de ayer, ¿me pueden ayudar?",
    "de": "Mein {thing} funktioniert seit dem gestrigen Update nicht mehr, können Sie helfen?",
}
THINGS = ["router", "thermostat", "laptop", "phone", "printer", "camera", "watch", "speaker"]
HEADER = [
    "Ticket ID",
    "Ticket Subject",
    "Ticket Description",
    "Resolution",
    "Ticket Type",
    "created",
]


def _ticket(i: int, rng: random.Random) -> list[str]:
    lang = list(SENTENCES)[i % 4]
    thing = f"{rng.choice(THINGS)} {i}"
    body = SENTENCES[lang].format(thing=thing)
    answer = f"Please restart the {thing} and install firmware 2.{i}; it fixes this."
    created = f"2024-0{1 + i % 9}-1{i % 10} 10:{i % 60:02d}:00"
    if i % 5 == 0:  # PII in the question (several types) or in the answer
        body += f" Write to me at user{i}@example.org or call +1 415 555 {1000 + i}."
    if i % 7 == 0:
        answer += f" Our engineer Maria Lopez will email you at m{i}@example.com."
    if i % 11 == 0:
        body = "I have an issue with the {product_purchased}. Please assist."  # placeholders
    if i % 13 == 0:
        answer = "This is an automated reply: I am out of the office until Monday. " + answer
    if i % 17 == 0:
        answer = ""
    if i % 19 == 0:
        created = "not a date"  # bad_type (validation reject)
    if i % 29 == 0:
        body = "   "  # missing_required (rejected after normalization)
    if i % 31 == 0:
        body = SENTENCES["en"].format(thing="router 1")  # exact duplicate for dedupe
        answer = "Please restart the router 1 and install firmware 2.1; it fixes this."
    return [str(1000 + i), f"Issue {i} with {thing}", body, answer, "Technical issue", created]


def _make_data(folder: Path) -> Path:
    rng = random.Random(7)
    folder.mkdir()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    for i in range(260):
        if i % 23 == 5:
            buf.write(f"{1000 + i},broken row,only three fields\n")  # bad_csv_row (reader reject)
        w.writerow(_ticket(i, rng))
    (folder / "tickets.csv").write_text(buf.getvalue(), "utf-8")
    lines = []
    for c in range(30):
        for turn in range(3):
            role = "customer" if turn % 2 == 0 else "agent"
            msg = (
                SENTENCES[list(SENTENCES)[c % 4]].format(thing=f"modem {c}")
                if role == "customer"
                else f"Thanks, resetting modem {c} now (case {c}-{turn})."
            )
            lines.append(json.dumps({"conversation_id": f"c{c}", "role": role, "message": msg}))
        if c % 9 == 4:
            lines.append("{'conversation_id': 'python repr'}")  # bad_json (reader reject)
    (folder / "threads.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


def _run(where: Path, data: Path, batch_size: int, workers: int) -> Path:
    """The pipeline into ``where/ws`` (relative paths: the workspace path is in the outputs)."""
    where.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(where)
        ingest([str(data)], "tickets", "ws", batch_size=batch_size, workers=workers)
        dedupe("ws")
        export("ws", out="ws/export", val_fraction=0.2)
    return where / "ws"


def _files(ws: Path) -> dict[str, bytes]:
    return {
        p.relative_to(ws).as_posix(): p.read_bytes()
        for p in sorted(ws.rglob("*"))
        if p.is_file() and p.name not in ("stages.jsonl", ".lock")
    }


def _log(ws: Path) -> list[dict[str, object]]:
    """The stage log without what is not data: timings, finish time, the batch size given."""
    entries = [json.loads(line) for line in (ws / "stages.jsonl").read_text().splitlines()]
    for e in entries:
        e.pop("timings"), e.pop("finished_at")
        e["config"].pop("batch_size", None)
    return entries


@pytest.mark.slow
def test_outputs_are_byte_identical_across_batch_size_and_workers(tmp_path: Path) -> None:
    data = _make_data(tmp_path / "data")
    base = _run(tmp_path / "b7w1", data, 7, 1)
    want = _files(base)
    assert {"ingest/records.parquet", "ingest/rejects.parquet", "ingest/filtered.parquet"} <= set(
        want
    )
    assert {"ingest/rules.json", "export/manifest.json", "export/train.jsonl"} <= set(want)
    counts = _log(base)[0]["counts"]
    assert counts["rejected"] >= 20 and counts["filtered"] >= 20  # type: ignore[index]
    rules = json.loads(want["ingest/rules.json"])
    assert len(rules["languages"]) >= 4 and rules["rules"]["redact_email"]["examples"]
    for name, batch, workers in (("b1000w1", 1000, 1), ("b7w2", 7, 2), ("b1000w2", 1000, 2)):
        ws = _run(tmp_path / name, data, batch, workers)
        got = _files(ws)
        assert sorted(got) == sorted(want), name
        differ = [f for f in want if got[f] != want[f]]
        assert differ == [], (name, differ)
        assert _log(ws) == _log(base), name


def test_a_rerun_gives_the_same_manifest(tmp_path: Path) -> None:
    """manifest.json hashed stages.jsonl, timings and all: no two runs ever matched."""
    data = _make_data(tmp_path / "data")
    ws = _run(tmp_path / "run", data, 64, 1)
    first = (ws / "export" / "manifest.json").read_bytes()
    log = (ws / "stages.jsonl").read_bytes()
    _run(tmp_path / "run", data, 64, 1)
    assert (ws / "stages.jsonl").read_bytes() != log  # the log's timings did change
    assert (ws / "export" / "manifest.json").read_bytes() == first


def test_table_writer_bytes_do_not_depend_on_how_rows_arrive(tmp_path: Path) -> None:
    """Parquet pages are cut per Arrow chunk: rows appended 7 at a time (one chunk each) wrote
    other pages, and past the 1 MB dictionary limit other encodings, than 1,000 at a time."""
    import polars as pl

    from curate.ingest.tables import _TableWriter
    from curate.workspace import Workspace

    rng = random.Random(0)
    texts = ["".join(rng.choices("abcdefghij ", k=rng.randint(50, 400))) for _ in range(9000)]
    df = pl.DataFrame({"text": texts, "n": list(range(len(texts)))})
    digests = set()
    for size in (7, 1000, len(texts)):
        ws = Workspace(tmp_path / f"ws{size}")
        writer = _TableWriter(
            tmp_path / f"parts{size}", "t", {"text": pl.String(), "n": pl.Int64()}
        )
        for start in range(0, df.height, size):
            writer.add(df.slice(start, size))
        digests.add(writer.finish(ws, "ingest", "t").read_bytes())
    assert len(digests) == 1
