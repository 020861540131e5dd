"""Opening a file as decoded text: encoding detection, the error handlers that flag undecodable rows, and the batch types every reader fills (RawBatch, RawReject)."""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from curate.errors import InputError
from curate.ingest.readers.base import RAW_CHARS, RawBatch, RawReject
from curate.ingest.readers.compression import _Guarded, _open_bytes, _read_prefix
from curate.ingest.readers.discover import file_format

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


def _truncated_message(src: _Source, where: int, err: BaseException, unit: str = "line") -> str:
    return (
        f"{src.compression} stream ends early or is damaged at {unit} {where} ({err}); "
        f"everything before it was read"
    )
