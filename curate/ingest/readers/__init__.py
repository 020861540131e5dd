"""Raw readers: input files in, batches of raw rows plus per-row rejects out.

One module per format (csv, jsonl, json, parquet, text), beside discover (which files),
compression, source (decoding) and base (limits and batch types); files holds the entry points.

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

from curate.ingest.readers.base import MAX_RECORD_CHARS, RawBatch, RawReject, UnreadableFile
from curate.ingest.readers.csv import CsvDialect, sniff_dialect
from curate.ingest.readers.discover import FORMATS, discover, file_format, source_name
from curate.ingest.readers.files import file_columns, read_file, read_or_reject, read_unmapped
from curate.ingest.readers.source import detect_encoding

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
