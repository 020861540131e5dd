"""CSV/TSV: dialect sniffing and the block reader (lines cut from ~1 MB blocks, parsed by csv.reader; bad rows rejected with their line)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from curate.ingest.readers import base as _base
from curate.ingest.readers.base import CSV_DELIMITERS, RawBatch
from curate.ingest.readers.source import (
    _DECODE_ERRORS,
    _SURROGATE,
    _Batcher,
    _Source,
    _truncated_message,
)


@dataclass(frozen=True)
class CsvDialect:
    """What sniffing decided: the delimiter, and whether ``"`` quotes fields at all."""

    delimiter: str = ","
    quoted: bool = True

    def reader_args(self) -> dict[str, Any]:
        quoting = csv.QUOTE_MINIMAL if self.quoted else csv.QUOTE_NONE
        return {
            "delimiter": self.delimiter,
            "quoting": quoting,
            "doublequote": True,
            "strict": True,
        }


def sniff_dialect(
    sample: str, candidates: Sequence[str] = CSV_DELIMITERS, *, complete: bool = False
) -> CsvDialect:
    """The delimiter and quoting that split the sample's records into the most consistent
    number (>1) of fields; ties prefer quoting and the earlier candidate.

    Quoting is switched off only when the sample parses better without it (tab files with
    stray quotes, such as the STS benchmark's). csv.Sniffer was not used: it guesses odd quote
    characters and is slow on a large sample.
    """
    if not complete:  # the last record may be cut off
        sample = sample[: max(sample.rfind("\n"), sample.rfind("\r")) + 1]
    best, best_key = CsvDialect(candidates[0]), (-1.0, 0, False)
    for d in candidates:
        for quoted in (True, False):
            dialect = CsvDialect(d, quoted)
            reader = csv.reader(io.StringIO(sample), **dialect.reader_args())
            counts: list[int] = []
            while len(counts) < 2000:
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error:
                    counts.append(-1)
                    continue
                if row:
                    counts.append(len(row))
            if not complete and counts and counts[-1] == -1:
                counts.pop()
            if not counts or counts[0] < 2:
                continue
            if not quoted and _has_quoted_field(sample, d):
                continue  # quoting is in use; stray quotes are then errors, not text
            key = (sum(c == counts[0] for c in counts) / len(counts), counts[0], quoted)
            if key > best_key:
                best, best_key = dialect, key
    return best


def _has_quoted_field(sample: str, delimiter: str) -> bool:
    """Whether some field of the sample is wrapped in double quotes (so quoting is in use)."""
    d = re.escape(delimiter)
    return re.search(f'(?:^|{d})"[^"\\n]*"(?:{d}|$)', sample, re.M) is not None


def _header(row: list[str]) -> list[str]:
    """Column names: stripped, blanks named ``column_N``, duplicates suffixed ``_2``, ``_3``..."""
    out: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(row, 1):
        name = _SURROGATE.sub("\ufffd", name.replace("\x00", "")).strip() or f"column_{i}"
        base, k = name, 1
        while name in seen:
            k += 1
            name = f"{base}_{k}"
        seen.add(name)
        out.append(name)
    return out


def _parity_end(lines: list[str], quotes: int, quoted: bool = True) -> tuple[int, int]:
    """Index just past the first line at whose end the running quote count is even (-1: none).
    Without quoting every line ends a record."""
    if not quoted:
        return (1 if lines else -1), 0
    for i, line in enumerate(lines):
        quotes += line.count('"')
        if not quotes & 1:
            return i + 1, quotes
    return -1, quotes


@dataclass
class _Skip:
    """An over-long record being skipped: where it began, its quote count, characters seen."""

    first: int
    quotes: int
    chars: int


def _read_csv(src: _Source, out: _Batcher, cap: int, dialect: CsvDialect) -> Iterator[RawBatch]:
    """CSV in blocks: read ~1 MB of text, cut it into lines, parse the lines with csv.reader.

    Each row's physical lines are known from ``reader.line_num``, so a bad multi-line record
    (an unclosed quote, usually) can be rejected by its first line and the rest parsed again.
    A record still open at the end of a block is carried into the next one; one that grows past
    ``cap`` is skipped by quote parity without being kept.
    """
    args = dialect.reader_args()
    lists = out.row_lists
    errors_start = _DECODE_ERRORS[0]
    read = src.text.read
    columns: list[str] | None = None
    ncols = 0
    pend: list[str] = []  # lines of a record left open at the end of the previous block
    tail = ""  # partial last line of the previous chunk
    base = 1  # physical line number of pend[0] / of the next line
    skip: _Skip | None = None
    eof = False
    while not eof:
        chunk = read(_base._CHUNK)
        eof = not chunk
        truncated = src.damaged if eof else None
        if truncated is not None:
            tail = ""  # the line cut off is part of the damage
        data = tail + chunk
        if eof:
            lines, tail = ([data] if data else []), ""
        else:
            cut = data.rfind("\n") + 1
            lines = [s + "\n" for s in data[:cut].split("\n")[:-1]] if cut else []
            tail = data[cut:]
        if skip is not None:
            i, skip.quotes = _parity_end(lines, skip.quotes, dialect.quoted)
            if i < 0:
                skip.chars += len(data) - len(tail)
                base += len(lines)
                if len(tail) > cap:  # fold a long partial line into the count
                    skip.quotes += tail.count('"')
                    skip.chars += len(tail)
                    tail = ""
                if not eof:
                    continue
                out.reject(
                    skip.first, str(skip.first), "too_large", _too_large(skip, cap, None), ""
                )
                break
            skip.chars += sum(map(len, lines[:i]))
            base += i
            out.reject(
                skip.first, str(skip.first), "too_large", _too_large(skip, cap, base - 1), ""
            )
            lines = lines[i:]
            skip = None
        check_nul = "\x00" in data
        check_enc = _DECODE_ERRORS[0] != errors_start and _SURROGATE.search(data) is not None
        block = pend + lines if pend else lines
        reader = csv.reader(block, **args)
        off = pos = 0  # reader started at block[off]; next record starts at block[pos]
        pend = []
        while True:
            problem = ""
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                end = off + reader.line_num
                if (
                    str(e) == "unexpected end of data"
                    and end >= len(block)
                    and (not eof or truncated is not None)
                ):
                    pend = block[pos:]  # the record continues in the next block (or was cut)
                    break
                msg = str(e)
                if msg == "unexpected end of data":
                    msg = "the file ends inside a quoted field (unclosed quote)"
                row, problem = [], f"malformed CSV: {msg}"
            end = off + reader.line_num
            first = base + pos
            if not problem:
                if not row or (len(row) == 1 and not row[0].strip()):
                    pos = end
                    continue
                if columns is None:
                    columns = out.columns = _header(row)
                    ncols = len(columns)
                    pos = end
                    continue
                if len(block[pos]) > cap or (end - pos > 1 and sum(map(len, block[pos:end])) > cap):
                    size = sum(map(len, block[pos:end]))
                    msg = f"row of {size:,} characters is over the {cap:,}-character limit"
                    out.reject(first, str(first), "too_large", msg, block[pos])
                    pos = end
                    continue
                if check_nul or check_enc:
                    raw = "".join(block[pos:end])
                    if check_nul and "\x00" in raw:
                        out.reject(
                            first, str(first), "nul_bytes", "row contains NUL characters", raw
                        )
                        pos = end
                        continue
                    if check_enc and _SURROGATE.search(raw):
                        msg = f"row has bytes that are not valid {src.encoding}"
                        out.reject(first, str(first), "encoding_error", msg, raw)
                        pos = end
                        continue
                if len(row) != ncols:
                    if len(row) > ncols and not any(row[ncols:]):
                        del row[ncols:]
                    else:
                        problem = f"expected {ncols} fields, found {len(row)}"
            if problem:
                if (
                    end - pos > 1
                    and row
                    and not _rows_on_their_own(block[pos + 1 : end], ncols, dialect)
                ):
                    # Quotes balanced, wrong field count, and its later lines are no rows of
                    # their own: one record with a field too many or too few. Reject it whole;
                    # re-reading its continuation lines as rows would make records of fragments.
                    last = first + end - pos - 1
                    problem += f" (the row spans lines {first}-{last})"
                    out.reject(first, str(first), "bad_csv_row", problem, "".join(block[pos:end]))
                    pos = end
                elif end - pos > 1:  # an unclosed quote, usually: reject its line, re-read the rest
                    problem += "; the row spans several lines, so only its first line is rejected"
                    out.reject(first, str(first), "bad_csv_row", problem, block[pos])
                    block = block[pos + 1 :]
                    base = first + 1
                    off = pos = 0
                    reader = csv.reader(block, **args)
                else:
                    out.reject(first, str(first), "bad_csv_row", problem, "".join(block[pos:end]))
                    pos = end
                continue
            # A row kept has ncols cells: short ones were rejected, empty extras cut.
            out.rows.append(row if lists else dict(zip(columns, row, strict=False)))  # type: ignore[arg-type]
            out.lines.append(first)
            pos = end
            if len(out.rows) >= out.size or len(out.rejects) >= out.size:
                yield out.take()  # type: ignore[misc]
        base += pos
        if truncated is not None:
            msg = _truncated_message(src, base, truncated)
            out.reject(base, str(base), "truncated_file", msg, "".join(pend))
            break
        if pend and (len(tail) > cap or sum(map(len, pend)) + len(tail) > cap):
            quotes = sum(s.count('"') for s in pend) + tail.count('"')
            skip = _Skip(base, quotes, sum(map(len, pend)) + len(tail))
            base += len(pend)
            pend, tail = [], ""
        elif not pend and len(tail) > cap:
            skip = _Skip(base, tail.count('"'), len(tail))
            tail = ""
    if columns is None:
        out.columns = []


_ROW_GRAMMAR: dict[tuple[int, str, bool], re.Pattern[str]] = {}


def _rows_on_their_own(lines: list[str], ncols: int, dialect: CsvDialect) -> bool:
    """Whether ``lines`` are well-formed records of ``ncols`` fields each (blank lines aside):
    every field quoted properly or holding no quote at all. Where a record with a wrong field
    count spans several lines, this tells an unclosed quote on its first line (the lines after
    it are rows) from a well-quoted record with a field too many (they are its continuation)."""
    key = (ncols, dialect.delimiter, dialect.quoted)
    grammar = _ROW_GRAMMAR.get(key)
    if grammar is None:
        d = re.escape(dialect.delimiter)
        cell = rf'[^"{d}\r\n]*+'
        if dialect.quoted:
            cell = rf'(?:"[^"]*+(?:""[^"]*+)*+"|{cell})'
        row = rf"{cell}(?:{d}{cell}){{{ncols - 1}}}"
        grammar = re.compile(rf"(?:(?:{row}|[ \t]*+)(?:\r?\n|\Z))*+")
        _ROW_GRAMMAR[key] = grammar
    return grammar.fullmatch("".join(lines)) is not None


def _too_large(skip: _Skip, cap: int, last: int | None) -> str:
    upto = f"up to line {last}" if last else "to the end of the file"
    return (
        f"row of more than {cap:,} characters skipped {upto} ({skip.chars:,} characters; "
        "an unclosed quote also causes this)"
    )


def _csv_dialect(src: _Source) -> CsvDialect:
    candidates = ("\t",) if src.fmt == "tsv" else CSV_DELIMITERS
    return sniff_dialect(src.prefix, candidates, complete=src.complete)


def _csv_columns(src: _Source) -> list[str]:
    args = _csv_dialect(src).reader_args()
    args["strict"] = False
    # Line ends as the block reader sees them (universal newlines): a bare "\r" ends a line.
    text = src.prefix.replace("\r\n", "\n").replace("\r", "\n")
    for row in csv.reader(io.StringIO(text), **args):
        if row and not (len(row) == 1 and not row[0].strip()):
            return _header(row)
    return []
