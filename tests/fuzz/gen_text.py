"""Seeded generators of CSV, JSON and JSON Lines files, valid and malformed.

Each ``*_file(rng)`` returns ``(suffix, bytes, count, note)``. ``count`` is the number of rows
ingest must read, derived from how the generator built the file and curate's documented rules
(curate/readers.py): CSV counts records as Python's ``csv`` module splits them, blank lines
skipped, the header not counted, a bad row one row (an unclosed quote rejects its first line
and the lines after it, quote-free by construction, are rows of their own); JSON counts
top-level records, a malformed record one row (its brackets and quotes are balanced by
construction, so the next record is findable), a file cut inside record k counts k + 1;
JSON Lines counts non-blank lines. Where no such rule fixes the count, it is ``None``.
"""

from __future__ import annotations

import json
import random
from typing import Any

from tests.fuzz.cases import (
    ANSWER,
    BODY,
    HEADERS,
    SENTENCES,
    Count,
    cell,
    odd_value,
    text,
    ticket_dict,
)

FileGen = tuple[str, bytes, Count, str]

# -- CSV ---------------------------------------------------------------------------------------

RUSSIAN = [
    "Привет, мой заказ не пришёл.",
    "Спасибо за помощь, всё работает.",
    "Счёт оплачен дважды.",
]
JAPANESE = [
    "ご注文の商品が届いていません。",
    "お問い合わせありがとうございます。",
    "返金手続きを行いました。",
]
LATIN = [
    "Café crème, naïve façade.",
    "Größe 42, Übergröße möglich.",
    "Señor Núñez pidió un reembolso.",
]


def _quote(value: str, delim: str, force: bool) -> str:
    if force or any(c in value for c in (delim, '"', "\n", "\r")) or value != value.strip():
        return '"' + value.replace('"', '""') + '"'
    return value


def _csv_text(
    header: list[str], rows: list[list[str]], delim: str, rng: random.Random, *, force: bool
) -> str:
    ends = ["\n"] if rng.random() < 0.5 else ["\n", "\r\n", "\r"]
    out = []
    for row in [header, *rows]:
        out.append(delim.join(_quote(v, delim, force) for v in row) + rng.choice(ends))
    if rng.random() < 0.15:  # no newline after the last row
        out[-1] = out[-1].rstrip("\r\n")
    return "".join(out)


def _plain_rows(
    rng: random.Random, header: list[str], n: int, pool: list[str] | None
) -> list[list[str]]:
    rows = []
    for _ in range(n):
        row = []
        for c in header:
            v = rng.choice(pool) if pool and (c in BODY or c in ANSWER) else cell(rng, c)
            row.append(v.replace("\t", " "))
        rows.append(row)
    return rows


def csv_file(rng: random.Random, variant: int | None = None) -> FileGen:
    """One CSV (or TSV) file of variant ``variant`` (random when None)."""
    v = rng.randrange(18) if variant is None else variant % 18
    header = list(rng.choice(HEADERS))
    n = rng.randint(0, 8) if rng.random() < 0.2 else rng.randint(1, 6)
    rows = _plain_rows(rng, header, n, None)
    if v == 0:
        return ".csv", _csv_text(header, rows, ",", rng, force=False).encode(), n, "valid"
    if v == 1:  # multi-line quoted fields, escaped quotes, every field quoted
        for row in rows:
            i = rng.randrange(len(row))
            row[i] = row[i] + rng.choice(["\nsecond line", '\r\n"quoted" word', "\n\n- item"])
        return ".csv", _csv_text(header, rows, ",", rng, force=True).encode(), n, "multi-line"
    if v == 2:
        body = "\ufeff" + _csv_text(header, rows, ",", rng, force=rng.random() < 0.5)
        return ".csv", body.encode(), n, "utf-8 BOM"
    if v == 3:
        enc = rng.choice(["utf-16", "utf-16-le", "utf-32"])
        if enc == "utf-16-le":  # BOM-less: detected by its NUL pattern, so mostly ASCII text
            rows = _plain_rows(rng, header, n, SENTENCES)
        data = _csv_text(header, rows, ",", rng, force=False).encode(enc)
        return ".csv", data, n, enc
    if v in (4, 5, 6):
        enc, pool = [("latin-1", LATIN), ("cp1251", RUSSIAN), ("shift_jis", JAPANESE)][v - 4]
        rows = _plain_rows(rng, header, max(n, 1), pool)
        data = _csv_text(header, rows, ",", rng, force=False).encode(enc)
        return ".csv", data, len(rows), enc
    if v == 7:  # ragged rows: too few fields, or extra non-empty ones (single lines, no quotes)
        n = max(n, 2)
        rows = [[c.replace('"', "") for c in r] for r in _plain_rows(rng, header, n, None)]
        for r in rng.sample(rows, rng.randint(1, n)):
            if rng.random() < 0.5:
                del r[rng.randint(1, len(r) - 1) :]
                r[0] = r[0] or "x"
            else:
                r.extend(["extra", "cells"])
        return ".csv", _csv_text(header, rows, ",", rng, force=False).encode(), n, "ragged"
    if v == 8:  # an unclosed quote; the rows after it hold no quote at all
        n = max(n, 1)
        k = rng.randrange(n)
        rows = _plain_rows(rng, header, n, None)
        rows = [[c.replace('"', "").replace(",", " ") for c in r] for r in rows]
        lines = [",".join(r) for r in [header, *rows]]
        cells = lines[k + 1].split(",")
        j = rng.randrange(len(cells))
        cells[j] = '"' + cells[j].lstrip('"') + rng.choice(["", " still open", ",x"])
        lines[k + 1] = ",".join(cells)
        return ".csv", ("\n".join(lines) + "\n").encode(), n, f"unclosed quote in row {k + 1}"
    if v == 9:  # text after a closing quote, or a quote inside an unquoted field
        n = max(n, 1)
        lines = [",".join(_quote(c, ",", False) for c in r) for r in [header, *rows[:n]]]
        k = rng.randrange(n) + 1
        lines[k] = rng.choice(['"closed"after', 'in"side', '""', '"a""b"c']) + "," + lines[k]
        return ".csv", ("\n".join(lines) + "\n").encode(), n, f"stray quote in row {k}"
    if v == 10:  # a NUL character in one row
        n = max(n, 1)
        k = rng.randrange(n)
        rows[k][-1] = rows[k][-1] + "\x00" + "tail"
        return ".csv", _csv_text(header, rows, ",", rng, force=False).encode(), n, "NUL"
    if v == 11:  # one huge field (over the schema's max_record_chars, or crossing 1 MB blocks)
        n = max(n, 1)
        size = rng.choice([250_000, 1_100_000])
        rows[rng.randrange(n)][0] = "".join(rng.choice("abcdefgh ") for _ in range(64)) * (
            size // 64
        )
        return (
            ".csv",
            _csv_text(header, rows, ",", rng, force=False).encode(),
            n,
            f"field of {size}",
        )
    if v == 12:
        kind = rng.choice(["empty", "header only", "blank lines", "BOM only", "header and blanks"])
        data = {
            "empty": b"",
            "header only": (",".join(header) + "\n").encode(),
            "blank lines": b"\n\n\r\n  \n",
            "BOM only": b"\xef\xbb\xbf",
            "header and blanks": (",".join(header) + "\n\n   \n\r\n").encode(),
        }[kind]
        return ".csv", data, 0, kind
    if v == 13:  # blank lines between rows, mixed line ends
        lines = [",".join(_quote(c, ",", False) for c in r) for r in [header, *rows]]
        out = ""
        for line in lines:
            out += rng.choice(["", "\n", "\r\n", "   \n"]) + line + rng.choice(["\n", "\r\n", "\r"])
        return ".csv", out.encode(), n, "blank lines, mixed line ends"
    if v == 14:  # one message per row, grouped into threads
        hdr = ["conversation_id", "role", "message", "created_at"]
        msgs = [
            [str(rng.randint(1, 3)), rng.choice(["customer", "agent", "user", "robot", ""]),
             text(rng, plain=True), rng.choice([f"2023-01-0{rng.randint(1, 9)}", "bad", ""])]
            for _ in range(n)
        ]  # fmt: skip
        return ".csv", _csv_text(hdr, msgs, ",", rng, force=False).encode(), n, "message rows"
    if v == 15:
        data = _csv_text(header, rows, "\t", rng, force=rng.random() < 0.3).encode()
        return rng.choice([".tsv", ".tab"]), data, n, "tsv"
    if v == 16:  # trailing delimiters, blank and duplicate header names
        hdr = [*header, "", header[0]]
        rows = [r + ["", ""] + ([""] * rng.randint(0, 2)) for r in rows]
        lines = [",".join(_quote(c, ",", False) for c in r) for r in [hdr, *rows]]
        return ".csv", ("\n".join(lines) + ",\n").encode(), n, "trailing delimiters"
    # v == 17: undecodable bytes in one row
    n = max(n, 1)
    lines = [",".join(_quote(c, ",", False) for c in r).encode() for r in [header, *rows]]
    k = rng.randint(1, n)
    lines[k] = lines[k] + rng.choice([b"\xff\xfe", b"\xc3", b"\x80\x81"])
    return ".csv", b"\n".join(lines) + b"\n", n, f"invalid UTF-8 in row {k}"


# -- JSON records, good and bad ------------------------------------------------------------------


def _clean(value: str) -> str:
    return "".join(c for c in value if c not in "\"'{}[]\\")


def good_record(rng: random.Random) -> str:
    return json.dumps(ticket_dict(rng), ensure_ascii=rng.random() < 0.3)


def bad_record(rng: random.Random) -> tuple[str, str]:
    """A record that is one row and no valid JSON object (or whose content cannot be stored),
    with balanced brackets and quotes. Returns (text, kind)."""
    body, answer = _clean(rng.choice(SENTENCES)), _clean(rng.choice(SENTENCES))
    kind = rng.choice(
        ["repr", "trailing comma", "missing value", "unquoted key", "control char",
         "lone surrogate", "deep nesting", "bad literal", "not an object", "missing colon"]
    )  # fmt: skip
    if kind == "repr":
        rec = repr({"description": body, "answer": answer, "extra": rng.choice([None, True, 1.5])})
    elif kind == "trailing comma":
        rec = f'{{"description": "{body}", "answer": "{answer}",}}'
    elif kind == "missing value":
        rec = f'{{"description": "{body}", "answer": }}'
    elif kind == "unquoted key":
        rec = f'{{description: "{body}"}}'
    elif kind == "control char":
        c = rng.choice(["\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\t"])
        rec = f'{{"description": "{body[:20]}{c}{body[20:]}", "answer": "{answer}"}}'
    elif kind == "lone surrogate":
        s = rng.choice(["\\ud83d", "\\udc00", "\\udfff x", "\\ud800\\ud800"])
        rec = f'{{"description": "{body} {s}", "answer": "{answer}"}}'
    elif kind == "deep nesting":
        d = rng.choice([1_100, 3_000, 20_000])
        rec = f'{{"description": "{body}", "meta": {"[" * d}1{"]" * d}}}'
    elif kind == "bad literal":
        rec = (
            f'{{"description": "{body}", "flag": {rng.choice(["tru", "nul", "undefined", "01"])}}}'
        )
    elif kind == "not an object":
        rec = rng.choice(['"a string"', "42", "null", "[1, 2, 3]", "true", "-0.5e3"])
    else:
        rec = f'{{"description" "{body}"}}'
    return rec, kind


def json_file(rng: random.Random, variant: int | None = None) -> FileGen:
    """One .json document of variant ``variant``."""
    v = rng.randrange(9) if variant is None else variant % 9
    n = rng.randint(0, 7) if rng.random() < 0.2 else rng.randint(1, 7)
    recs = [good_record(rng) for _ in range(n)]
    sep = rng.choice([",", ", ", ",\n", ",\n  ", ",\r\n"])
    if v in (1, 2, 3) and n:  # some malformed records anywhere, the first included
        kinds = []
        for i in rng.sample(range(n), rng.randint(1, min(n, 3))):
            recs[i], kind = bad_record(rng)
            kinds.append(f"{kind} at $[{i}]")
        if v == 3 and n > 1:  # a bad first record
            recs[0], kind = bad_record(rng)
            kinds.append(f"{kind} at $[0]")
        return ".json", ("[" + sep.join(recs) + "]").encode(), n, "; ".join(kinds)
    if v == 4 and n:  # cut inside record k
        k = rng.randrange(n)
        head = "[" + sep.join(recs[:k]) + (sep if k else "")
        cut = head + recs[k][: rng.randint(1, len(recs[k]) - 1)]
        return ".json", cut.encode(), k + 1, f"truncated inside $[{k}]"
    if v == 5:  # records under a list-valued key, with metadata beside them
        doc = (
            '{"meta": {"source": "export", "n": '
            + str(n)
            + '}, "data": ['
            + sep.join(recs)
            + '], "version": 2}'
        )
        # without a record in any list, the object is one record (curate/readers.py)
        return ".json", doc.encode(), n or 1, "records under a key"
    if v == 6:  # an object of records keyed by id
        doc = "{" + sep.join(f'"t{i}": {r}' for i, r in enumerate(recs)) + "}"
        return ".json", doc.encode(), n, "object of records"
    if v == 7:
        kind = rng.choice(
            ["empty array", "empty file", "whitespace", "scalar", "single object", "BOM", "lines"]
        )
        if kind == "lines" and n > 1:  # JSON Lines in a .json file: read as JSON Lines
            return ".json", "".join(r + "\n" for r in recs).encode(), n, "JSON Lines named .json"
        if kind in ("single object", "lines"):
            return ".json", good_record(rng).encode(), 1, kind
        if kind == "BOM":
            return ".json", ("\ufeff[" + sep.join(recs) + "]").encode(), n, kind
        data = {"empty array": b"[]", "empty file": b"", "whitespace": b" \n\t\n", "scalar": b"42"}
        return ".json", data[kind], (None if kind == "scalar" else 0), kind
    if v == 8:  # NaN, Infinity, duplicate keys, escapes: valid for Python's json
        extra = rng.choice(
            ['"score": NaN', '"score": -Infinity', '"id": 1, "id": 2', '"x": "\\u00e9\\n"']
        )
        recs = [r[:-1] + (", " if r != "{}" else "") + extra + "}" for r in recs]
        return ".json", ("[" + sep.join(recs) + "]").encode(), n, f"python-valid extras ({extra})"
    doc = "[" + sep.join(recs) + "]"
    if rng.random() < 0.3:
        doc = json.dumps(json.loads(doc), indent=2, ensure_ascii=False)
    return ".json", doc.encode(), n, "valid array"


# -- JSON Lines ---------------------------------------------------------------------------------


def jsonl_line(rng: random.Random) -> tuple[str, int, str]:
    """One line without its line end: (text, rows it counts, kind)."""
    r = rng.random()
    if r < 0.55:
        return good_record(rng), 1, "good"
    if r < 0.65:
        return rng.choice(["", " ", "\t", "   \t "]), 0, "blank"
    if r < 0.9:
        rec, kind = bad_record(rng)
        return rec, 1, kind
    kind = rng.choice(
        ["truncated", "two objects", "trailing text", "long line", "raw NUL", "escaped NUL"]
    )
    rec = good_record(rng)
    line = {
        "truncated": rec[: max(1, len(rec) // 2)],
        "two objects": rec + rec,
        "trailing text": rec + " trailing",
        "long line": json.dumps({"description": "word " * rng.choice([50_000, 250_000])}),
        "raw NUL": rec[:-1] + ', "x": "a\x00b"}' if rec != "{}" else '{"x": "\x00"}',
        "escaped NUL": '{"description": "a\\u0000b"}',
    }[kind]
    return line, 1, kind


def jsonl_file(rng: random.Random, variant: int | None = None) -> FileGen:
    """A .jsonl (or .ndjson, or JSON Lines named .json) file."""
    v = rng.randrange(5) if variant is None else variant % 5
    n = rng.randint(1, 10)
    if v == 1:  # every line a Python repr: content but no parsable record
        lines = [repr({"description": _clean(rng.choice(SENTENCES)), "n": i}) for i in range(n)]
        kinds = ["repr"] * n
    elif v == 2:  # a raw control character in the first record
        lines = [good_record(rng) for _ in range(n)]
        lines[0] = '{"description": "bad \x01 char", "answer": "ok"}'
        kinds = ["control char first"]
    else:
        parts = [jsonl_line(rng) for _ in range(n)]
        lines = [p[0] for p in parts]
        kinds = [p[2] for p in parts if p[2] != "good"]
    count = sum(1 for line in lines if line.strip())
    ends = ["\n"] if rng.random() < 0.6 else ["\n", "\r\n"]
    body = "".join(line + rng.choice(ends) for line in lines)
    if rng.random() < 0.2:
        body = body.rstrip("\r\n")
    if v == 3:
        body = "\ufeff" + body
    suffix = ".jsonl"
    if v == 4:
        suffix = ".ndjson"
    return suffix, body.encode("utf-8", "surrogatepass"), count, ", ".join(kinds) or "valid"


def odd_json_value(rng: random.Random) -> Any:
    return odd_value(rng, rng.choice(["description", "answer", "type", "created"]))
