"""Raw readers: input files in, batches of raw rows plus per-row rejects out.

Ingest consumes these; nothing here knows about schemas. Design choices, each deliberate:

* **Streaming, bounded memory.** Every format is read incrementally and handed over in batches
  of at most ``batch_size`` rows, so memory is one batch plus ~1 MB of text plus at most one
  record (itself capped), whatever the file size. CSV: ~1 MB blocks of decoded text cut into
  lines and parsed by ``csv.reader``; JSON arrays/objects: a small streaming splitter over
  ``json.JSONDecoder.raw_decode`` in curate.ingest.json_doc (no whole-document load, no ijson); Parquet: Polars' streaming
  ``collect_batches``. Line ends are normalized (``\r\n`` and ``\r`` become ``\n``, also inside
  quoted fields), so line numbers count ``\r\n`` once.
* **Formats by suffix** (case-insensitive), optionally followed by ``.gz`` or ``.zst``: ``.csv``
  (dialect sniffed on the first 256 KiB: delimiter ``,`` ``;`` ``|`` or tab, and whether ``"``
  quoting is in use at all), ``.tsv``/``.tab``, ``.json`` (an array of records, locator
  ``$[i]``; an object of records ``{key: record}``, locator = key; an object whose list-valued
  members hold records, locator ``$.key[i]``, other members ignored; any other object is one
  record ``$``; a ``.json`` file that is really JSON Lines is read as such), ``.jsonl``/
  ``.ndjson``, ``.parquet``/``.pq`` (locator ``row N``), ``.txt``/``.md``/``.markdown`` (one
  document per file: ``{"text", "filename", "path"}``, locator = file name).
* **Encodings.** A BOM wins (UTF-8, UTF-16, UTF-32). Without one, the first 256 KiB decide: valid
  UTF-8, or invalid bytes no more numerous than valid multi-byte sequences, is UTF-8 (a UTF-8
  export with a damaged row); NUL-patterned bytes are BOM-less UTF-16; anything else is cp1252
  with latin-1 for the five bytes cp1252 leaves undefined (so it never fails), unless
  charset-normalizer finds non-Latin text in another legacy encoding (curate.ingest.encodings: used,
  or named, in a warning on the batch). ``encoding=`` overrides detection.
* **Invalid bytes are rejected, not replaced.** A row containing bytes that do not decode is an
  ``encoding_error`` reject (its ``raw`` shows them as U+FFFD); the rest of the file is read.
  Replacing silently would put mojibake into training data. Clean files pay nothing for the
  check: a counting error handler says whether any row needs looking at.
* **Bad rows are rejects with a line**, never exceptions: ``bad_csv_row`` (ragged row, malformed
  quoting; a bad row spanning several lines, usually an unclosed quote, rejects its first line
  and the following lines are parsed again), ``bad_json``, ``not_an_object``, ``nul_bytes``,
  ``encoding_error``, ``too_large`` (a record over ``max_record_chars``, default 10,000,000
  characters; skipped without being held beyond the cap; an unclosed quote with more than the
  cap after it skips to the end of the file), ``truncated_file`` (a .gz/.zst stream that ends
  early or is damaged: rows before the cut are kept, the cut row is not). In a JSON document
  (not JSON Lines) a record that does not decode is one ``bad_json`` reject and reading resumes
  at the next top-level record (curate.ingest.json_doc). A lone surrogate escape (``"\\ud83d"``) is
  an ``encoding_error`` reject; nesting too deep or an integer over Python's digit limit is
  ``bad_json``.
* **Trailing empty CSV fields** beyond the header are ignored (many exporters write a trailing
  delimiter); any other field-count mismatch is ``bad_csv_row``. Blank lines are skipped.
  Header names are stripped; blank ones become ``column_N``, duplicates get ``_2``, ``_3``.
* Empty and header-only files give zero rows (one batch with ``columns`` and no rows); a file
  with content never does: each unreadable line or record is a reject. A missing path, an
  unknown encoding, or a JSON document whose top level is a scalar are
  :class:`~curate.errors.InputError` naming the path; a file that cannot be opened or is not the
  compression or Parquet it claims to be is :class:`UnreadableFile` (an InputError with a reject
  reason, so ingest can reject just that file when it was found in a folder). Input files are
  only read (compressed Parquet is unpacked to a temporary file).
"""

from __future__ import annotations

import codecs
import csv
import glob
import gzip
import io
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from curate.errors import InputError
from curate.ingest.json_checks import lone_surrogate

__all__ = [
    "FORMATS",
    "MAX_RECORD_CHARS",
    "CsvDialect",
    "RawBatch",
    "RawReject",
    "UnreadableFile",
    "detect_encoding",
    "discover",
    "file_columns",
    "file_format",
    "read_file",
    "read_or_reject",
    "read_unmapped",
    "sniff_dialect",
    "source_name",
]

FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
}
COMPRESSIONS: dict[str, str] = {".gz": "gzip", ".zst": "zstd", ".zstd": "zstd"}
MAX_RECORD_CHARS = 10_000_000
RAW_CHARS = 500
PREFIX_BYTES = 1 << 18
CSV_DELIMITERS = (",", ";", "\t", "|")
_CHUNK = 1 << 20  # characters read per block (tests shrink it to cross block edges)


class UnreadableFile(InputError):
    """A file that cannot be read at all (OS error, damaged compression or Parquet).

    Named explicitly it stops ingest (exit 2); found in a folder or glob it becomes one
    reject for the file with ``reason`` as its code, and the other files are read.
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, hint="check the file's permissions, or remove or replace it")
        self.reason = reason


@dataclass
class RawReject:
    """A row that could not be read; becomes a row of ingest's rejects table."""

    line: int
    locator: str
    reason: str
    message: str
    raw: str


@dataclass
class RawBatch:
    """Up to ``batch_size`` raw rows of one file, with their locators and the rows rejected."""

    file: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    locators: list[str] = field(default_factory=list)
    rejects: list[RawReject] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    row_lists: bool = False  # rows are lists of cells in ``columns`` order (CSV asked for lists)
    warnings: list[str] = field(default_factory=list)  # about the file, losing no row


# --------------------------------------------------------------------------------------------
# discovery


def file_format(path: str | os.PathLike[str]) -> tuple[str, str | None]:
    """(format, compression) from the file name, e.g. ``data.csv.gz`` → ``("csv", "gzip")``."""
    name = Path(path).name.lower()
    stem, ext = os.path.splitext(name)
    compression = COMPRESSIONS.get(ext)
    if compression:
        ext = os.path.splitext(stem)[1]
    fmt = FORMATS.get(ext)
    if fmt is None:
        supported = ", ".join(sorted(FORMATS))
        raise InputError(
            f"{path}: unsupported file type '{ext or name}'",
            hint=f"supported: {supported} (each optionally .gz or .zst)",
        )
    return fmt, compression


def _supported(path: Path) -> bool:
    try:
        file_format(path)
    except InputError:
        return False
    return True


def discover(paths: Sequence[str], warnings: list[str] | None = None) -> list[Path]:
    """Expand files, directories (recursively) and globs into a sorted, deduplicated file list.

    Hidden files and folders and files of unsupported types are skipped inside directories and
    globs; a file named explicitly must exist and have a supported type. A folder that cannot
    be listed and a dangling symbolic link add to ``warnings``; a file name that is not valid
    UTF-8 is an InputError.
    """
    from curate.ingest.input_walk import check_name, walk_dir

    found: dict[Path, Path] = {}
    notes: list[str] = [] if warnings is None else warnings

    def add(p: Path) -> None:
        check_name(p)
        found.setdefault(p.resolve(), p)

    for spec in paths:
        p = Path(spec)
        if p.is_file():
            file_format(p)
            add(p)
        elif p.is_dir():
            hits = [f for f in walk_dir(p, notes) if _supported(f)]
            if not hits:
                raise InputError(
                    f"{spec}: no supported files in this directory",
                    hint=f"supported: {', '.join(sorted(FORMATS))}",
                )
            for f in hits:
                add(f)
        elif glob.has_magic(spec):
            hits = [
                Path(m)
                for m in glob.glob(spec, recursive=True)
                if Path(m).is_file() and _supported(Path(m))
            ]
            if not hits:
                raise InputError(f"{spec}: no supported files match this pattern")
            for f in hits:
                add(f)
        elif p.exists():
            raise InputError(f"{spec}: not a regular file")
        else:
            raise InputError(f"{spec}: no such file or directory")
    return sorted(found.values(), key=lambda q: q.as_posix())


def source_name(path: str | os.PathLike[str]) -> str:
    """The path as ingest records it: relative to the working directory when inside it."""
    p = Path(path)
    try:
        return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return p.as_posix()


# --------------------------------------------------------------------------------------------
# bytes and text


class _ZstdRaw(io.RawIOBase):
    """Streaming zstd decompression that, unlike zstandard's stream_reader, notices truncation."""

    def __init__(self, fh: IO[bytes]) -> None:
        import zstandard

        self._fh = fh
        self._new = zstandard.ZstdDecompressor().decompressobj
        self._d = self._new()
        self._out = b""
        self._started = False

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self._out:
            chunk = self._fh.read(1 << 16)
            if not chunk:
                if self._started and not self._d.eof:
                    raise EOFError("zstd stream ended before the end of its frame")
                return 0
            while chunk:
                if self._d.eof:  # concatenated frames
                    self._d = self._new()
                self._started = True
                self._out += self._d.decompress(chunk)
                chunk = self._d.unused_data if self._d.eof else b""
        n = min(len(b), len(self._out))
        b[:n] = self._out[:n]
        self._out = self._out[n:]
        return n

    def close(self) -> None:
        self._fh.close()
        super().close()


class _Guarded(io.RawIOBase):
    """Turns a damaged compressed stream's error into end of file and remembers it, so the text
    layer hands over everything decoded before the damage and the reader reports the rest as
    one ``truncated_file`` reject."""

    def __init__(self, inner: io.BufferedIOBase) -> None:
        self.inner = inner
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        if self.error is not None:
            return 0
        try:
            data = self.inner.read1(len(b))
        except Exception as e:  # EOFError, zlib.error, BadGzipFile, zstandard.ZstdError
            self.error = e
            return 0
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


def _open_bytes(path: Path, compression: str | None) -> tuple[io.BufferedReader, _Guarded | None]:
    """A buffered binary stream of the decompressed content, and its guard when compressed."""
    try:
        if compression is None:
            return cast(io.BufferedReader, open(path, "rb", buffering=1 << 16)), None
        inner: io.BufferedIOBase
        if compression == "gzip":
            inner = gzip.open(path, "rb")  # noqa: SIM115 - closed by the caller
        else:
            inner = io.BufferedReader(_ZstdRaw(open(path, "rb")), 1 << 16)  # noqa: SIM115
        guard = _Guarded(inner)
        return io.BufferedReader(guard, 1 << 16), guard
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as e:
        raise UnreadableFile(f"{path}: cannot open: {e.strerror or e}", "unreadable_file") from None


def _read_prefix(path: Path, compression: str | None) -> tuple[bytes, bool]:
    """The first PREFIX_BYTES of the (decompressed) content and whether that is all of it."""
    fh, guard = _open_bytes(path, compression)
    with fh:
        try:
            data = fh.read(PREFIX_BYTES + 1)
        except OSError as e:  # a folder named like a file, an I/O error
            raise UnreadableFile(
                f"{path}: cannot read: {e.strerror or e}", "unreadable_file"
            ) from None
    if guard is not None and guard.error is not None and not data:
        raise UnreadableFile(
            f"{path}: not a readable {compression} file ({guard.error})", "corrupt_file"
        )
    return data[:PREFIX_BYTES], len(data) <= PREFIX_BYTES


_DECODE_ERRORS = [0]


def _flag_errors(err: UnicodeError) -> tuple[str, int]:
    """Decode error handler: count the error and keep the bytes as lone surrogates U+DC00+byte.

    Lone surrogates never come out of a valid decode, so a row containing one is known to hold
    undecodable bytes; the counter lets clean files skip that check entirely.
    """
    assert isinstance(err, UnicodeDecodeError)
    _DECODE_ERRORS[0] += 1
    bad = err.object[err.start : err.end]
    return "".join(chr(0xDC00 + b) for b in bad), err.end


def _latin1_fallback(err: UnicodeError) -> tuple[str, int]:
    """cp1252 leaves 0x81 0x8D 0x8F 0x90 0x9D undefined; decode those as latin-1 (C1 controls)."""
    assert isinstance(err, UnicodeDecodeError)
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error("curate.flag", _flag_errors)
codecs.register_error("curate.latin1", _latin1_fallback)
_SURROGATE = re.compile("[\udc00-\udcff]")


def detect_encoding(prefix: bytes, at_eof: bool = False) -> str:
    """The codec for a file starting with ``prefix`` (see the module docstring for the rules)."""
    if prefix.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if prefix.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if prefix.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = prefix[:4096]
    if len(sample) >= 8:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        half = len(sample) // 2
        if odd > 0.4 * half and even < 0.05 * half:
            return "utf-16-le"
        if even > 0.4 * half and odd < 0.05 * half:
            return "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(prefix, final=at_eof)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    text = prefix.decode("utf-8", "replace")
    invalid = text.count("\ufffd") - prefix.count("\ufffd".encode())
    multibyte = len(text) - len(text.encode("ascii", "ignore")) - invalid
    return "utf-8" if multibyte >= invalid else "cp1252"


def _codec(
    encoding: str | None, prefix: bytes, at_eof: bool, path: Path
) -> tuple[str, str, str | None]:
    """(codec, error handler, warning or None) for a file, honouring an explicit ``encoding``.

    Where detection would fall back to cp1252, curate.ingest.encodings first checks whether the bytes
    are a non-Latin legacy encoding (cp1251, Shift-JIS, ...): used with a warning when
    confident, named in a warning otherwise.
    """
    if encoding is None:
        enc = detect_encoding(prefix, at_eof)
        if enc != "cp1252":
            return enc, "curate.flag", None
        from curate.ingest.encodings import guess_legacy

        guess = guess_legacy(prefix)
        if guess is None:
            return enc, "curate.latin1", None
        if guess.confident:
            return guess.encoding, "curate.flag", guess.warning(guess.encoding)
        return enc, "curate.latin1", guess.warning(enc)
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"unknown encoding '{encoding}' (reading {path})") from None
    if name == "utf-8" and prefix.startswith(codecs.BOM_UTF8):
        name = "utf-8-sig"
    return name, "curate.flag", None


@dataclass
class _Source:
    """An opened input: its text stream plus what the readers need to know about it."""

    path: Path
    fmt: str
    compression: str | None
    encoding: str
    prefix: str
    text: IO[str]
    guard: _Guarded | None = None
    complete: bool = False  # the prefix is the whole file
    note: str | None = None  # a warning about how the file was decoded

    @property
    def damaged(self) -> BaseException | None:
        """The decompression error that ended the stream early, if any."""
        return None if self.guard is None else self.guard.error


def _open_text(path: Path, encoding: str | None) -> _Source:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    fmt, compression = file_format(path)
    raw_prefix, at_eof = _read_prefix(path, compression)
    enc, errors, note = _codec(encoding, raw_prefix, at_eof, path)
    dec = codecs.getincrementaldecoder(enc)(errors)
    prefix = dec.decode(raw_prefix, final=at_eof)
    if enc == "utf-8-sig" or prefix.startswith("\ufeff"):
        prefix = prefix.removeprefix("\ufeff")
    fh, guard = _open_bytes(path, compression)
    text = io.TextIOWrapper(fh, encoding=enc, errors=errors)
    return _Source(path, fmt, compression, enc, prefix, text, guard, at_eof, note)


def _raw(text: str) -> str:
    """A reject's ``raw``: first RAW_CHARS characters, undecodable bytes shown as U+FFFD."""
    return _SURROGATE.sub("\ufffd", text[:RAW_CHARS]).replace("\x00", "\\x00")


# --------------------------------------------------------------------------------------------
# batching


class _Batcher:
    """Collects rows and rejects; hands out a RawBatch whenever one side reaches batch_size."""

    def __init__(self, file: str, batch_size: int, row_lists: bool = False) -> None:
        self.file = file
        self.size = max(1, batch_size)
        self.row_lists = row_lists  # set where the format can give lists (CSV)
        self.columns: list[str] = []
        self.warnings: list[str] = []
        self.emitted = False
        self._new()

    def _new(self) -> None:
        self.rows: list[Any] = []  # dicts, or cell lists where ``row_lists`` is honoured
        self.lines: list[int] = []
        self.locators: list[str] = []
        self.rejects: list[RawReject] = []

    def full(self) -> bool:
        return len(self.rows) >= self.size or len(self.rejects) >= self.size

    def reject(self, line: int, locator: str, reason: str, message: str, raw: str) -> None:
        self.rejects.append(RawReject(line, locator, reason, message, _raw(raw)))

    def take(self, final: bool = False) -> RawBatch | None:
        if not (self.rows or self.rejects or (final and not self.emitted)):
            return None
        locators = self.locators
        if len(locators) != len(self.rows):  # line-based formats: the locator is the line
            locators = [str(n) for n in self.lines]
        batch = RawBatch(
            self.file,
            self.rows,
            self.lines,
            locators,
            self.rejects,
            list(self.columns),
            self.row_lists,
            self.warnings,
        )
        self.warnings = []
        self.emitted = True
        self._new()
        return batch


# --------------------------------------------------------------------------------------------
# CSV / TSV


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
        chunk = read(_CHUNK)
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


def _truncated_message(src: _Source, where: int, err: BaseException, unit: str = "line") -> str:
    return (
        f"{src.compression} stream ends early or is damaged at {unit} {where} ({err}); "
        f"everything before it was read"
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


# --------------------------------------------------------------------------------------------
# JSON Lines


_DECODER = json.JSONDecoder()


def _json_error(e: ValueError | RecursionError) -> str:
    if isinstance(e, json.JSONDecodeError):
        return f"invalid JSON: {e.msg} (column {e.colno})"
    if isinstance(e, RecursionError):
        return "invalid JSON: nested too deeply"
    return f"invalid JSON: {e}"  # e.g. an integer over Python's 4,300-digit limit


def _lines(src: _Source, out: _Batcher, cap: int) -> Iterator[tuple[int, list[str], str]]:
    """Blocks of complete physical lines: (number of the first, lines without "\\n", block text).

    Reads ~1 MB at a time; a line longer than ``cap`` is rejected as too_large and skipped
    without being kept; a damaged compressed stream ends with one truncated_file reject.
    """
    read = src.text.read
    base, tail, skipping = 1, "", 0
    while True:
        chunk = read(_CHUNK)
        if not chunk:
            if src.damaged is not None:
                msg = _truncated_message(src, base, src.damaged)
                out.reject(base, str(base), "truncated_file", msg, tail)
            elif skipping:
                out.reject(base, str(base), "too_large", _long_line(skipping, cap), "")
            elif tail:
                yield base, [tail], tail
            return
        data = tail + chunk
        if skipping:
            nl = data.find("\n")
            if nl < 0:
                skipping, tail = skipping + len(data), ""
                continue
            out.reject(base, str(base), "too_large", _long_line(skipping + nl, cap), "")
            data, base, skipping = data[nl + 1 :], base + 1, 0
        cut = data.rfind("\n") + 1
        tail = data[cut:]
        if cut:
            lines = data[:cut].split("\n")
            lines.pop()
            yield base, lines, data
            base += len(lines)
        if len(tail) > cap:
            skipping, tail = len(tail), ""


def _long_line(size: int, cap: int) -> str:
    return f"line of {size:,} characters is over the {cap:,}-character limit; skipped"


def _read_jsonl(src: _Source, out: _Batcher, cap: int) -> Iterator[RawBatch]:
    errors_start = _DECODE_ERRORS[0]
    seen: dict[str, None] = {}
    keys = seen.keys()
    loads = json.loads
    decode_error = (ValueError, RecursionError)  # JSONDecodeError, digit limit, deep nesting
    for base, lines, text in _lines(src, out, cap):
        check_nul = "\x00" in text
        check_sur = "\\" in text  # escapes are rare; memchr-fast when absent
        check_enc = _DECODE_ERRORS[0] != errors_start and _SURROGATE.search(text) is not None
        rows, nums = out.rows, out.lines
        for i, line in enumerate(lines):
            n = base + i
            if check_nul and "\x00" in line:
                out.reject(n, str(n), "nul_bytes", "line contains NUL characters", line)
                continue
            if check_enc and _SURROGATE.search(line):
                msg = f"line has bytes that are not valid {src.encoding}"
                out.reject(n, str(n), "encoding_error", msg, line)
                continue
            if len(line) > cap:
                out.reject(n, str(n), "too_large", _long_line(len(line), cap), line)
                continue
            try:
                obj = loads(line)
            except decode_error as e:
                if line.strip():
                    out.reject(n, str(n), "bad_json", _json_error(e), line)
                continue
            if type(obj) is not dict:
                msg = f"expected a JSON object, found {_json_type(obj)}"
                out.reject(n, str(n), "not_an_object", msg, line)
                continue
            if check_sur and (bad := lone_surrogate(obj, line)) is not None:
                out.reject(n, str(n), "encoding_error", bad, line)
                continue
            if not keys >= obj.keys() and len(seen) < 10_000:
                for k in obj:
                    if k not in seen:
                        seen[k] = None
                        out.columns.append(k)
            rows.append(obj)
            nums.append(n)
            if len(rows) >= out.size or len(out.rejects) >= out.size:
                yield out.take()  # type: ignore[misc]
                rows, nums = out.rows, out.lines
        if len(out.rejects) >= out.size:
            yield out.take()  # type: ignore[misc]


def _json_type(obj: Any) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(obj), "a number"
    )


# --------------------------------------------------------------------------------------------
# JSON documents


_WS = re.compile(r"[ \t\n\r]*")


def _looks_like_jsonl(prefix: str) -> bool:
    """A .json file holding one object per line (common) is read as JSON Lines."""
    start = _WS.match(prefix).end()  # type: ignore[union-attr]
    if not prefix.startswith("{", start):
        return False
    first = prefix[start:].split("\n", 1)
    if len(first) == 2 and first[0].rstrip().endswith("}") and first[1].lstrip().startswith("{"):
        return True  # lines that each hold an object, even unparsable ones (Python reprs)
    try:
        _, end = _DECODER.raw_decode(prefix, start)
    except (ValueError, RecursionError):
        return False
    rest = prefix[end : end + 200]
    return "\n" in rest[: len(rest) - len(rest.lstrip())] and rest.lstrip().startswith("{")


# --------------------------------------------------------------------------------------------
# Parquet and text documents


def _read_parquet(path: Path, compression: str | None, out: _Batcher) -> Iterator[RawBatch]:
    import polars as pl

    with _LocalCopy(path, compression) as local:
        n = 0
        try:
            lf = pl.scan_parquet(local)
            out.columns = lf.collect_schema().names()
            for df in lf.collect_batches(chunk_size=out.size):
                out.rows.extend(df.to_dicts())
                out.lines.extend(range(n + 1, n + df.height + 1))
                out.locators.extend(f"row {i}" for i in range(n + 1, n + df.height + 1))
                n += df.height
                if out.full():
                    yield out.take()  # type: ignore[misc]
        except Exception as e:  # polars raises several kinds for a damaged file
            if isinstance(e, GeneratorExit):
                raise
            raise UnreadableFile(
                f"{path}: not a readable Parquet file ({e})", "corrupt_file"
            ) from None


class _LocalCopy:
    """Parquet needs a seekable file: decompress .gz/.zst Parquet to a temporary file first."""

    def __init__(self, path: Path, compression: str | None) -> None:
        self.path, self.compression = path, compression
        self.tmp: str | None = None

    def __enter__(self) -> str:
        if self.compression is None:
            return str(self.path)
        fd, self.tmp = tempfile.mkstemp(suffix=".parquet", prefix="curate-")
        fh, guard = _open_bytes(self.path, self.compression)
        with os.fdopen(fd, "wb") as dst, fh:
            shutil.copyfileobj(fh, dst, _CHUNK)
        if guard is not None and guard.error is not None:
            os.unlink(self.tmp)
            self.tmp = None
            raise UnreadableFile(
                f"{self.path}: compressed Parquet is damaged ({guard.error})", "corrupt_file"
            )
        return self.tmp

    def __exit__(self, *exc: object) -> None:
        if self.tmp:
            os.unlink(self.tmp)


def _read_text(src: _Source, out: _Batcher, cap: int, name: str) -> None:
    errors_before = _DECODE_ERRORS[0]
    fname = src.path.name
    out.columns = ["text", "filename", "path"]
    text = src.text.read(cap + 1).removeprefix("\ufeff")
    if src.damaged is not None:
        msg = _truncated_message(src, 1, src.damaged, "document")
        out.reject(1, fname, "truncated_file", msg, text)
    elif not text:
        return
    elif len(text) > cap:
        out.reject(1, fname, "too_large", f"document over the {cap:,}-character limit", text)
    elif "\x00" in text:
        out.reject(1, fname, "nul_bytes", "document contains NUL characters", text)
    elif _DECODE_ERRORS[0] != errors_before and _SURROGATE.search(text):
        out.reject(1, fname, "encoding_error", f"bytes that are not valid {src.encoding}", text)
    else:
        out.rows.append({"text": text, "filename": fname, "path": name})
        out.lines.append(1)
        out.locators.append(fname)


# --------------------------------------------------------------------------------------------
# public entry points


def read_file(
    path: Path,
    *,
    encoding: str | None = None,
    batch_size: int = 10_000,
    max_record_chars: int = MAX_RECORD_CHARS,
    row_lists: bool = False,
) -> Iterator[RawBatch]:
    """Stream one file as RawBatches (at least one, possibly empty, per file).

    With ``row_lists`` a CSV/TSV file's rows come as lists of cells in ``columns`` order (one
    dict less per row; ``RawBatch.row_lists`` says so); other formats give dicts regardless.

    Raises InputError only for a file that cannot be used at all (missing, unreadable, not the
    format its name says, unknown encoding); everything else is a per-row reject.
    """
    path = Path(path)
    name = source_name(path)
    fmt, compression = file_format(path)
    out = _Batcher(name, batch_size, row_lists and fmt in ("csv", "tsv"))
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if fmt == "parquet":
        gen: Iterator[RawBatch] = _read_parquet(path, compression, out)
    else:
        src = _open_text(path, encoding)
        if src.note:
            out.warnings.append(src.note)
        if fmt in ("csv", "tsv"):
            gen = _closing(src, _read_csv(src, out, max_record_chars, _csv_dialect(src)))
        elif fmt == "jsonl" or (fmt == "json" and _looks_like_jsonl(src.prefix)):
            gen = _closing(src, _read_jsonl(src, out, max_record_chars))
        elif fmt == "json":
            from curate.ingest.json_doc import read_json

            gen = read_json(src, out, max_record_chars, lambda: _open_text(path, encoding))
        else:
            try:
                _read_text(src, out, max_record_chars, name)
            finally:
                src.text.close()
            gen = iter(())
    try:
        yield from gen
    except OSError as e:  # the disk or the file went away mid-read
        raise UnreadableFile(f"{path}: read failed: {e.strerror or e}", "unreadable_file") from None
    last = out.take(final=True)
    if last is not None:
        yield last


def read_or_reject(path: Path, **kw: Any) -> Iterator[RawBatch]:
    """``read_file``, except that a file found unreadable (at open or part-way) ends with one
    reject for the file, reason ``unreadable_file`` or ``corrupt_file``, instead of an error;
    rows before the failure stay read."""
    try:
        yield from read_file(path, **kw)
    except UnreadableFile as e:
        batch = RawBatch(file=source_name(path))
        msg = f"{e.message}; the rest of this file was not read"
        batch.rejects.append(RawReject(0, "file", e.reason, msg, ""))
        yield batch


def read_unmapped(
    path: Path, *, encoding: str | None = None, batch_size: int = 10_000
) -> Iterator[RawBatch]:
    """A file in which no record has a field (no layout could be chosen): its reader rejects,
    and each record that came without any field as a ``no_fields`` reject, so a file with
    content is never counted as empty. An unreadable file is one reject (``read_or_reject``)."""
    for batch in read_or_reject(path, encoding=encoding, batch_size=batch_size):
        for line, loc in zip(batch.lines, batch.locators, strict=True):
            msg = "record has no fields"
            batch.rejects.append(RawReject(line, loc, "no_fields", msg, "{}"))
        batch.rows, batch.lines, batch.locators = [], [], []
        yield batch


def _closing(src: _Source, gen: Iterator[RawBatch]) -> Iterator[RawBatch]:
    try:
        yield from gen
    finally:
        src.text.close()


def file_columns(path: Path, *, encoding: str | None = None) -> list[str]:
    """Column names of a file, cheaply (CSV header; Parquet schema; keys of the first JSON
    records, reading past rejected ones); [] when no record has any."""
    path = Path(path)
    try:
        return _file_columns(path, encoding)
    except OSError as e:
        raise UnreadableFile(f"{path}: cannot read: {e.strerror or e}", "unreadable_file") from None


def _file_columns(path: Path, encoding: str | None) -> list[str]:
    fmt, compression = file_format(path)
    if fmt == "parquet":
        if not path.exists():
            raise InputError(f"{path}: no such file")
        import polars as pl

        with _LocalCopy(path, compression) as local:
            try:
                return list(pl.read_parquet_schema(local))
            except Exception as e:
                raise UnreadableFile(
                    f"{path}: not a readable Parquet file ({e})", "corrupt_file"
                ) from None
    if fmt == "text":
        if not path.exists():
            raise InputError(f"{path}: no such file")
        return ["text", "filename", "path"]
    if fmt in ("csv", "tsv"):
        src = _open_text(path, encoding)
        src.text.close()
        return _csv_columns(src)
    for batch in read_file(path, encoding=encoding, batch_size=100):
        if batch.columns:  # records may start after rejected ones: read on until one does
            return batch.columns
    return []


csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
