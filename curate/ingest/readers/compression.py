"""Compressed inputs (.gz, .zst) read as byte streams; a damaged stream ends with an error the readers turn into one truncated_file reject."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import IO, Any, cast

from curate.errors import InputError
from curate.ingest.readers.base import PREFIX_BYTES, UnreadableFile


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
