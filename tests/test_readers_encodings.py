"""Issue 17 item 7: non-Latin legacy encodings are detected, never silently read as cp1252."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from curate.ingest import ingest
from curate.ingest.readers import read_file

RU = [("Принтер снова не печатает помогите", "Перезагрузите принтер и проверьте кабель")] * 3
JA = [("プリンターがまた詰まりました", "設定をリセットしてください")] * 3


def _csv(path: Path, rows: list[tuple[str, str]], encoding: str) -> Path:
    text = "description,answer\n" + "".join(f"{q},{a}\n" for q, a in rows)
    path.write_bytes(text.encode(encoding))
    return path


def test_cp1251_csv_is_read_as_russian_with_a_warning(tmp_path: Path) -> None:
    src = _csv(tmp_path / "ru.csv", RU, "cp1251")
    res = ingest([src], "tickets", tmp_path / "ws", rules=None)
    assert res.counts["rows_read"] == 3 and res.counts["records"] == 3
    body = pl.read_parquet(res.outputs["records"])["body"].to_list()
    assert body == [RU[0][0]] * 3
    assert any("decoded as cp1251 (Cyrillic text detected)" in w for w in res.warnings)


def test_shift_jis_jsonl_is_read_as_japanese(tmp_path: Path) -> None:
    src = tmp_path / "ja.jsonl"
    lines = "".join(
        json.dumps({"description": q, "answer": a}, ensure_ascii=False) + "\n" for q, a in JA
    )
    src.write_bytes(lines.encode("shift_jis"))
    res = ingest([src], "tickets", tmp_path / "ws", rules=None)
    assert res.counts["records"] == 3
    assert pl.read_parquet(res.outputs["records"])["body"][0] == JA[0][0]
    assert any("Japanese" in w and "decoded as" in w for w in res.warnings)


def test_little_evidence_keeps_cp1252_but_warns_naming_the_encoding(tmp_path: Path) -> None:
    p = tmp_path / "short.txt"
    p.write_bytes("Принтер".encode("cp1251"))
    (batch,) = list(read_file(p))
    assert batch.warnings and "the encoding is unclear" in batch.warnings[0]
    assert "decoded as cp1252" in batch.warnings[0] and "--encoding" in batch.warnings[0]


def test_explicit_encoding_is_honoured_without_detection(tmp_path: Path) -> None:
    src = _csv(tmp_path / "ru.csv", RU, "cp1251")
    (batch,) = list(read_file(src, encoding="koi8-r"))
    assert not batch.warnings  # asked for: no second-guessing
    assert batch.rows[0]["description"] == RU[0][0].encode("cp1251").decode("koi8-r")
    (batch,) = list(read_file(src, encoding="cp1251"))
    assert batch.rows[0]["description"] == RU[0][0] and not batch.warnings


def test_western_cp1252_is_unchanged_and_quiet(tmp_path: Path) -> None:
    rows = [("Le café est très chaud déjà vu à l'hôtel", "Größe und Übermaß für Straße")] * 3
    src = _csv(tmp_path / "fr.csv", rows, "cp1252")
    (batch,) = list(read_file(src))
    assert batch.rows[0] == {"description": rows[0][0], "answer": rows[0][1]}
    assert not batch.warnings
