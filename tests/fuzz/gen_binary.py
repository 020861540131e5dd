"""Seeded generators of Parquet files, compressed files and folders mixing every format.

Counts (see tests/fuzz/gen_text.py for the text formats): a readable Parquet file counts its
table rows; a damaged one has no defined count (``None``: it may be refused with exit 2 or be
one per-file reject). A compressed file counts what it holds; one cut short, or with bytes after
its end, at most its rows plus the ``truncated_file`` reject, ``(0, n + 1)``; one damaged inside
has no count (flipped bits may inflate to different, longer text before the checksum fails). In a folder, hidden files
and folders, unsupported suffixes, dangling and looping symlinks must not be read at all.
"""

from __future__ import annotations

import datetime as dt
import decimal
import gzip
import io
import os
import random

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

from tests.fuzz.cases import HEADERS, Case, Count, cell, odd_value, text
from tests.fuzz.gen_text import FileGen, csv_file, json_file, jsonl_file

# -- Parquet -------------------------------------------------------------------------------------


def _odd_column(rng: random.Random, n: int) -> tuple[str, pa.Array]:
    kind = rng.choice(
        ["int", "float", "bool", "timestamp", "date", "list", "struct", "binary", "null",
         "decimal", "dictionary", "large_string", "map"]
    )  # fmt: skip
    vals: list[object]
    if kind == "int":
        vals = [rng.choice([None, 0, -(2**63), 2**63 - 1, 7]) for _ in range(n)]
        return "priority_int", pa.array(vals, pa.int64())
    if kind == "float":
        vals = [rng.choice([None, 0.5, float("nan"), float("inf"), -0.0]) for _ in range(n)]
        return "score", pa.array(vals, pa.float64())
    if kind == "bool":
        return "inbound", pa.array([rng.choice([None, True, False]) for _ in range(n)])
    if kind == "timestamp":
        vals = [
            rng.choice([None, dt.datetime(2023, 1, 5, 10, 0), dt.datetime(1970, 1, 1)])
            for _ in range(n)
        ]
        return "created", pa.array(vals, pa.timestamp("us"))
    if kind == "date":
        return "date", pa.array([rng.choice([None, dt.date(2022, 2, 28)]) for _ in range(n)])
    if kind == "list":
        vals = [rng.choice([None, [], ["a", "b"], [None]]) for _ in range(n)]
        return "tags", pa.array(vals, pa.list_(pa.string()))
    if kind == "struct":
        vals = [rng.choice([None, {"a": 1, "b": "x"}]) for _ in range(n)]
        return "meta", pa.array(vals, pa.struct([("a", pa.int64()), ("b", pa.string())]))
    if kind == "binary":
        return "blob", pa.array(
            [rng.choice([None, b"\x00\xff", b""]) for _ in range(n)], pa.binary()
        )
    if kind == "null":
        return "nothing", pa.nulls(n)
    if kind == "decimal":
        vals = [rng.choice([None, decimal.Decimal("12.34")]) for _ in range(n)]
        return "amount", pa.array(vals, pa.decimal128(10, 2))
    if kind == "dictionary":
        return "type", pa.array(
            [rng.choice(["Billing", "Tech"]) for _ in range(n)]
        ).dictionary_encode()
    if kind == "large_string":
        return "notes", pa.array([text(rng) for _ in range(n)], pa.large_string())
    vals = [rng.choice([None, [("k", "v")]]) for _ in range(n)]
    return "attrs", pa.array(vals, pa.map_(pa.string(), pa.string()))


def _table(rng: random.Random, n: int, *, odd: int = 0) -> pa.Table:
    header = rng.choice(HEADERS)
    cols: dict[str, pa.Array] = {}
    for c in header:
        if rng.random() < 0.85:
            cols[c] = pa.array([cell(rng, c) for _ in range(n)], pa.string())
        else:  # nulls, numbers, lists: the rows' types must be checked, not trusted
            vals = [odd_value(rng, c) for _ in range(n)]
            strs = [None if x is None or not isinstance(x, str) else x for x in vals]
            cols[c] = pa.array(strs, pa.string())
    for _ in range(odd):
        name, arr = _odd_column(rng, n)
        cols[name] = arr
    return pa.table(cols)


def parquet_bytes(table: pa.Table, rng: random.Random) -> bytes:
    buf = io.BytesIO()
    pq.write_table(
        table,
        buf,
        compression=rng.choice(["snappy", "zstd", "gzip", "none", "brotli"]),
        row_group_size=rng.choice([1, 2, 1000]),
    )
    return buf.getvalue()


def parquet_file(rng: random.Random, variant: int | None = None) -> FileGen:
    """A .parquet (or .pq) file of variant ``variant``."""
    v = rng.randrange(6) if variant is None else variant % 6
    n = rng.randint(0, 8)
    suffix = ".parquet" if rng.random() < 0.85 else ".pq"
    if v <= 2:  # readable, with 0-3 columns of odd types
        return suffix, parquet_bytes(_table(rng, n, odd=v + rng.randint(0, 1)), rng), n, "valid"
    if v == 3:  # zero rows, or every text column null
        table = _table(rng, n, odd=1)
        if n and rng.random() < 0.5:
            table = pa.table(
                {c: pa.nulls(n, table.schema.field(c).type) for c in table.column_names}
            )
            return suffix, parquet_bytes(table, rng), n, "all null"
        return suffix, parquet_bytes(table.slice(0, 0), rng), 0, "no rows"
    good = parquet_bytes(_table(rng, max(n, 1), odd=1), rng)
    kind = rng.choice(
        ["truncated", "wrong magic", "random bytes", "empty", "flipped bytes", "footer only"]
    )
    if kind == "truncated":
        data = good[: rng.randint(1, len(good) - 1)]
    elif kind == "wrong magic":
        data = b"XXXX" + good[4:]
    elif kind == "random bytes":
        data = rng.randbytes(rng.randint(1, 4000))
    elif kind == "empty":
        data = b""
    elif kind == "flipped bytes":
        b = bytearray(good)
        for _ in range(rng.randint(1, 20)):
            b[rng.randrange(4, len(b) - 8)] ^= 1 << rng.randrange(8)
        data = bytes(b)
    else:
        data = b"PAR1" + good[-rng.randint(8, 64) :]
    return suffix, data, None, f"corrupt Parquet ({kind})"


# -- compressed ----------------------------------------------------------------------------------


def _gzip(data: bytes, rng: random.Random) -> bytes:
    return gzip.compress(data, compresslevel=rng.choice([1, 6, 9]), mtime=0)


def _zstd(data: bytes, rng: random.Random) -> bytes:
    return zstandard.ZstdCompressor(level=rng.choice([1, 3, 19])).compress(data)


def compressed_file(rng: random.Random, variant: int | None = None) -> FileGen:
    """A .gz/.zst/.zstd (or unsupported .bz2) file wrapping another generator's file."""
    v = rng.randrange(8) if variant is None else variant % 8
    inner = rng.choice([csv_file, jsonl_file, json_file, parquet_file])
    if v == 7:
        inner = rng.choice([csv_file, jsonl_file])
    suffix, raw, count, note = inner(rng, rng.choice([0, 0, 0, 1, 2, 5]))
    comp = rng.choice([(".gz", _gzip), (".zst", _zstd), (".zstd", _zstd)])
    data = comp[1](raw, rng)
    name = suffix + comp[0]
    if v <= 2:
        return name, data, count, f"{note}, {comp[0]}"
    bound: Count = (
        None if count is None else (0, (count if isinstance(count, int) else count[1]) + 1)
    )
    if v == 3:  # cut short
        return (
            name,
            data[: rng.randint(1, max(1, len(data) - 1))],
            bound,
            f"{note}, {comp[0]} truncated",
        )
    if v == 4:  # damaged in the middle (CRC or frame errors)
        b = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(len(b) // 3, len(b))] ^= 0xFF
        # flipped bits can inflate to other, longer text before the checksum fails: no count
        return name, bytes(b), None, f"{note}, {comp[0]} damaged"
    if v == 5:  # not compressed at all, or another compression than the name says
        other = rng.choice([raw, _zstd(raw, rng) if comp[0] == ".gz" else _gzip(raw, rng), b""])
        return name, other, None, f"{note}, wrong magic for {comp[0]}"
    if v == 6:  # trailing garbage after a complete stream
        return (
            name,
            data + rng.choice([b"garbage", b"\x00" * 16, b"\x1f"]),
            bound,
            f"{note}, {comp[0]} + trailing bytes",
        )
    # v == 7: two gzip members (a concatenation gzip reads as one stream), or .bz2 (unsupported)
    if rng.random() < 0.8 and count is not None:
        cut = raw.rfind(b"\n", 0, max(1, len(raw) // 2)) + 1
        return (
            suffix + ".gz",
            _gzip(raw[:cut], rng) + _gzip(raw[cut:], rng),
            count,
            f"{note}, 2 gzip members",
        )
    import bz2

    return suffix + ".bz2", bz2.compress(raw), None, f"{note}, .bz2 (unsupported)"


# -- single-file cases and folders ---------------------------------------------------------------

GENERATORS = {
    "csv": csv_file,
    "json": json_file,
    "jsonl": jsonl_file,
    "parquet": parquet_file,
    "compressed": compressed_file,
}
VARIANTS = {"csv": 18, "json": 9, "jsonl": 5, "parquet": 6, "compressed": 8}


def single_case(family: str, index: int, rng: random.Random) -> Case:
    """Case ``family-index``: one file, named on the command line. Variants cycle with the
    index, so any run of consecutive cases covers every variant."""
    suffix, data, count, note = GENERATORS[family](rng, index % VARIANTS[family])
    name = rng.choice(["data", "tickets", "Export 2023", "ünïcode-名前", "a.b.c"]) + suffix
    case = Case(f"{family}-{index}", note, target=name)
    case.add(name, data, count)
    return case


def folder_case(index: int, rng: random.Random) -> Case:
    """Case ``folder-index``: a tree mixing every format, nested, with empty folders, hidden
    files, unsupported files and broken symlinks; ingest is given the folder."""
    case = Case(f"folder-{index}", "")
    notes = []
    dirs = ["", "sub", "sub/deeper", "2023/01", "with space"]
    for j in range(rng.randint(1, 6)):
        fam = rng.choice(list(GENERATORS))
        suffix, data, count, note = GENERATORS[fam](rng, None)
        d = rng.choice(dirs)
        stem = f"f{j}" if rng.random() < 0.9 else f"F{j}"
        if rng.random() < 0.1:
            suffix = suffix.upper()
        path = os.path.join(d, stem + suffix) if d else stem + suffix
        # A folder is read only when each file maps; big fields would only slow the suite.
        if len(data) > 300_000:
            continue
        bad_unsupported = suffix.lower().endswith(".bz2")
        case.files[path] = data
        if not bad_unsupported:
            case.expect[path] = count
        notes.append(f"{path}: {note}")
    extras = rng.sample(
        ["hidden", "hidden dir", "unsupported", "no suffix", "dangling", "loop", "empty dirs",
         "text doc", "blank text doc"],
        rng.randint(0, 4),
    )  # fmt: skip
    if rng.random() < 0.08:  # rare: ingest may refuse the whole folder for it (exit 2)
        extras.append("odd name")
    for e in extras:
        if e == "hidden":
            case.files[".hidden.csv"] = b"not,a\nreal,file\n"
        elif e == "hidden dir":
            case.files[".git/objects.jsonl"] = b"{broken\n"
        elif e == "unsupported":
            case.files[rng.choice(["notes.xml", "data.xlsx", "sub/x.csv.bak"])] = b"<x/>"
        elif e == "no suffix":
            case.files["README"] = b"read me"
        elif e == "dangling":
            case.links["gone.csv"] = "does-not-exist.csv"
        elif e == "loop":
            case.links["loop.jsonl"] = "loop.jsonl"
        elif e == "empty dirs":
            case.dirs += ["empty", "empty/nested/deeper"]
        elif e == "text doc":
            case.add(rng.choice(["doc.txt", "notes.md"]), text(rng).encode() or b"x", 1)
        elif e == "blank text doc":
            case.add("blank.txt", b"", 0)
        else:  # a file name that is not UTF-8: read, or refused with a clear exit 2
            name = os.fsdecode(b"caf\xe9-" + str(index).encode() + b".jsonl")
            case.add(name, b'{"description": "odd name", "answer": "ok"}\n', 1)
    case.note = "; ".join(notes + extras)
    return case
